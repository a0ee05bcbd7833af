package ics

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"rota/model"
)

const corpusDir = "../../../shared/ics-corpus"

// corpusFiles lists every .ics file of the shared corpus and testdata.
func corpusFiles(t testing.TB) []string {
	var files []string
	for _, dir := range []string{corpusDir, "testdata"} {
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".ics") {
				files = append(files, path)
			}
			return nil
		})
	}
	return files
}

// propsByUID flattens decoded objects into "UID -> component lines" with
// every property, parameter and sub-component, independent of folding.
func propsByUID(t testing.TB, objs []model.Object) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, o := range objs {
		cals, err := parse(string(o.Data))
		if err != nil {
			t.Fatalf("Data of %q does not parse: %v", o.UID, err)
		}
		var lines []string
		var walk func(c *component, depth string)
		walk = func(c *component, depth string) {
			lines = append(lines, depth+"BEGIN:"+c.name)
			for i := range c.props {
				var w writer
				w.prop(&c.props[i])
				lines = append(lines, depth+string(w.line))
			}
			for _, ch := range c.children {
				walk(ch, depth+" ")
			}
		}
		for _, cal := range cals {
			for _, c := range cal.children {
				if c.name != "VTIMEZONE" {
					walk(c, "")
				}
			}
		}
		out[o.UID] = lines
	}
	return out
}

// checkGoICal proves go-webdav can serve Data: go-ical decodes it and its
// strict encoder accepts it.
func checkGoICal(t testing.TB, o model.Object) {
	t.Helper()
	cal, err := ical.NewDecoder(strings.NewReader(string(o.Data))).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot decode Data of %q: %v\n%s", o.UID, err, o.Data)
	}
	var b strings.Builder
	if err := ical.NewEncoder(&b).Encode(cal); err != nil {
		t.Fatalf("go-ical cannot encode Data of %q: %v\n%s", o.UID, err, o.Data)
	}
}

func checkFolded(t testing.TB, data []byte) {
	t.Helper()
	for i, l := range strings.Split(string(data), "\r\n") {
		if len(l) > 75 {
			t.Fatalf("line %d longer than 75 octets: %q", i+1, l)
		}
	}
	if !strings.HasSuffix(string(data), "\r\n") {
		t.Fatalf("output does not end in CRLF")
	}
}

func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	if len(files) == 0 {
		t.Skip("no corpus at " + corpusDir)
	}
	decoded, refused := 0, 0
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			objs, err := Decode(strings.NewReader(string(b)))
			if err != nil {
				var ie *Error
				if !errors.As(err, &ie) || !errors.Is(err, model.ErrInvalid) {
					t.Fatalf("error is not an *ics.Error: %v", err)
				}
				if ie.Line == 0 && !strings.Contains(err.Error(), "no VCALENDAR") {
					t.Errorf("error without a line: %v", err)
				}
				refused++
				t.Logf("refused: %v", err)
				return
			}
			decoded++
			want := propsByUID(t, objs)
			for _, o := range objs {
				checkFolded(t, o.Data)
				checkGoICal(t, o)
				again, err := DecodeObject(o.Data)
				if err != nil {
					t.Fatalf("Data of %q does not decode again: %v\n%s", o.UID, err, o.Data)
				}
				if string(again.Data) != string(o.Data) {
					t.Errorf("Data of %q is not stable under Decode:\n%s\n%s", o.UID, o.Data, again.Data)
				}
				if diff := cmpTiming(o.Timing, again.Timing); diff != "" {
					t.Errorf("Timing of %q changed after a round trip: %s", o.UID, diff)
				}
			}
			var enc strings.Builder
			if err := Encode(&enc, objs, "export"); err != nil {
				t.Fatal(err)
			}
			checkFolded(t, []byte(enc.String()))
			back, err := Decode(strings.NewReader(enc.String()))
			if err != nil {
				t.Fatalf("export does not import: %v\n%s", err, enc.String())
			}
			got := propsByUID(t, back)
			if len(got) != len(want) {
				t.Fatalf("export has %d UIDs, want %d", len(got), len(want))
			}
			for uid, w := range want {
				if g := got[uid]; strings.Join(g, "\n") != strings.Join(w, "\n") {
					t.Errorf("UID %q changed through export:\n got %q\nwant %q", uid, g, w)
				}
			}
		})
	}
	t.Logf("%d files decoded, %d refused", decoded, refused)
}

func cmpTiming(a, b model.Timing) string {
	as, bs := timingString(a), timingString(b)
	if as != bs {
		return "\n" + as + "\n" + bs
	}
	return ""
}

func timingString(t model.Timing) string {
	var b strings.Builder
	f := func(x time.Time) string { return x.Format(time.RFC3339) + "@" + x.Location().String() }
	b.WriteString(f(t.Start) + " " + t.TZID + " " + t.Duration.String())
	b.WriteString(" days=" + itoa(t.Days))
	if t.AllDay {
		b.WriteString(" allday")
	}
	if t.Floating {
		b.WriteString(" floating")
	}
	if t.HasEnd {
		b.WriteString(" hasend")
	}
	b.WriteString(" rrule=" + t.RRule)
	for _, r := range t.RDates {
		b.WriteString(" rdate=" + f(r.Start) + "/" + r.Duration.String())
	}
	for _, x := range t.ExDates {
		b.WriteString(" exdate=" + f(x))
	}
	for _, o := range t.Overrides {
		b.WriteString(" override{" + f(o.RecurrenceID) + " " + f(o.Start) + " " + o.Duration.String() + " days=" + itoa(o.Days) + " " + o.TZID + " " + o.Summary)
		if o.Cancelled {
			b.WriteString(" cancelled")
		}
		if o.ThisAndFuture {
			b.WriteString(" thisandfuture")
		}
		if o.AllDay {
			b.WriteString(" allday")
		}
		if o.Floating {
			b.WriteString(" floating")
		}
		b.WriteString("}")
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
