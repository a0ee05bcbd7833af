package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// TestLayering keeps DESIGN.md's import direction true: model imports
// nothing of ours; model/ics only model; store/... only model and store;
// caldav and tui never import each other nor a concrete store; nothing but
// cmd/rota wires them together.
func TestLayering(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Deps", "rota/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{} // package -> rota packages it imports, directly or not
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		for _, d := range p.Deps {
			if d == "rota" || strings.HasPrefix(d, "rota/") {
				deps[p.ImportPath] = append(deps[p.ImportPath], d)
			}
		}
		if _, ok := deps[p.ImportPath]; !ok {
			deps[p.ImportPath] = nil
		}
	}
	if _, ok := deps["rota/model"]; !ok {
		t.Fatalf("go list did not list rota/model; got %v", deps)
	}
	under := func(pkg, root string) bool { return pkg == root || strings.HasPrefix(pkg, root+"/") }
	for pkg, ds := range deps {
		var allowed func(dep string) bool
		switch {
		case under(pkg, "rota/cmd"):
			continue // the wiring may import everything
		case pkg == "rota/model":
			allowed = func(string) bool { return false }
		case under(pkg, "rota/model"):
			// model/ics and any later model/... subpackage: only model (and
			// nothing else below model/ but itself).
			allowed = func(d string) bool { return d == "rota/model" }
		case under(pkg, "rota/store"):
			allowed = func(d string) bool { return d == "rota/model" || under(d, "rota/store") }
		case under(pkg, "rota/caldav"):
			allowed = func(d string) bool {
				return !under(d, "rota/tui") && !under(d, "rota/store/sqlite") && !under(d, "rota/cmd")
			}
		case under(pkg, "rota/tui"):
			allowed = func(d string) bool {
				return !under(d, "rota/caldav") && !under(d, "rota/store/sqlite") && !under(d, "rota/cmd")
			}
		default:
			allowed = func(d string) bool { return !under(d, "rota/cmd") }
		}
		for _, d := range ds {
			if !allowed(d) {
				t.Errorf("%s imports %s, against the direction in DESIGN.md", pkg, d)
			}
		}
	}
}
