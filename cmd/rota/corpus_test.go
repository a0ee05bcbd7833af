package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// corpusDir is the shared real-world corpus; ROTA_ICS_CORPUS overrides it.
func corpusDir() string {
	if d := os.Getenv("ROTA_ICS_CORPUS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "ics-corpus")
}

var lineRef = regexp.MustCompile(`: line [0-9]+: `)

// TestImportCorpus imports every file of the real-world corpus, each into
// its own store with a deadline: each either imports or is refused with a
// message naming the file and the line; none may crash or hang.
func TestImportCorpus(t *testing.T) {
	dir := corpusDir()
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".ics") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skipf("no corpus at %s (set ROTA_ICS_CORPUS)", dir)
	}
	store := filepath.Join(t.TempDir(), "corpus.db")
	imported, refused := 0, 0
	for i, f := range files {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		// One calendar per file, so that UIDs shared between files do not
		// meet; one store keeps the test quick.
		r := rotaCtx(t, ctx, store, "import", "--calendar", fmt.Sprintf("c%03d", i), f)
		hung := ctx.Err() != nil
		cancel()
		if hung {
			t.Errorf("%s: import hung (no answer in 20s)", f)
			continue
		}
		if r.err == nil {
			imported++
			if !strings.Contains(r.stdout, ": 0 objects") {
				roundTrip(t, store, f, fmt.Sprintf("c%03d", i))
			}
			continue
		}
		refused++
		msg := strings.TrimSpace(r.stderr)
		if !strings.Contains(msg, "import "+f+": ") || !lineRef.MatchString(msg) {
			t.Errorf("%s: refusal does not name file and line: %q", f, msg)
		}
	}
	t.Logf("corpus: %d files, %d imported, %d refused with file and line", len(files), imported, refused)
}

// roundTrip exports calendar cal, imports the export into a new calendar
// and checks that both hold the same instances over three decades.
func roundTrip(t *testing.T, store, file, cal string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), cal+".ics")
	if r := rota(t, store, "export", "--calendar", cal, "-o", out); r.err != nil {
		t.Errorf("%s: export: %v", file, r.err)
		return
	}
	if r := rota(t, store, "import", "--calendar", "r"+cal, out); r.err != nil {
		t.Errorf("%s: re-import of the export: %v\n%s", file, r.err, r.stderr)
		return
	}
	list := func(c string) result {
		return rota(t, store, "list", "--calendar", c, "--from", "2000-01-01", "--to", "2030-01-01", "--json", "--conflicts=false")
	}
	a, b := list(cal), list("r"+cal)
	got := strings.ReplaceAll(b.stdout, `"calendar":"r`+cal+`"`, `"calendar":"`+cal+`"`)
	if (a.err == nil) != (b.err == nil) || got != a.stdout {
		t.Errorf("%s: instances differ after export and re-import (errors %v, %v):\n%s", file, a.err, b.err, cmp.Diff(a.stdout, got))
	}
}
