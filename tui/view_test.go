package tui

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"

	"rota/model"
)

// updating reports -update, the flag the golden package (imported with
// teatest) registers: go test ./tui -run TestGolden -update.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func TestKeyMsgNames(t *testing.T) {
	for _, k := range []string{"enter", "esc", "tab", "space", "up", "down", "left", "right", "pgup", "pgdown",
		"shift+up", "shift+down", "shift+left", "shift+right", "shift+tab", "ctrl+c", "ctrl+s", "backspace",
		"a", "j", "?", "/", "[", "]", "+", "-", "1", "D", "K"} {
		if got := keyMsg(k).String(); got != k {
			t.Errorf("keyMsg(%q).String() = %q", k, got)
		}
	}
}

// screen is the ANSI-stripped frame, trailing spaces trimmed per line.
func screen(m *Model) string {
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -run %s -update)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	f := newFixture(t)
	views := []struct {
		name  string
		keys  []string
		sizes [][2]int // nil: 80x24 and 120x40
	}{
		{"agenda", nil, nil},
		{"day", []string{"2"}, nil},
		{"week", []string{"3"}, nil},
		{"month", []string{"4"}, nil},
		{"detail", []string{"2", "j", "enter"}, nil},                           // Design review, the second instance of Monday
		{"detail_week", []string{"3", "l", "enter"}, nil},                      // replaces the week below 160 columns: Tuesday's standup
		{"detail_week", []string{"3", "j", "enter", "l"}, [][2]int{{160, 40}}}, // beside it from 160: follows l to Tuesday's standup
		{"detail_agenda", []string{"enter"}, nil},
		{"help", []string{"?"}, nil},
		{"calendars", []string{"c"}, nil},
		{"form", []string{"2", "j", "e"}, nil},
	}
	for _, v := range views {
		sizes := v.sizes
		if sizes == nil {
			sizes = [][2]int{{80, 24}, {120, 40}}
		}
		for _, size := range sizes {
			name := v.name + "_" + itoa(size[0]) + "x" + itoa(size[1])
			t.Run(name, func(t *testing.T) {
				m := newModel(t, f.st, size[0], size[1])
				press(t, m, v.keys...)
				got := screen(m)
				if n := strings.Count(got, "\n"); n != size[1] {
					t.Errorf("%d lines, want %d", n, size[1])
				}
				for i, l := range strings.Split(got, "\n") {
					if w := ansi.StringWidth(l); w > size[0] {
						t.Errorf("line %d is %d wide, want at most %d: %q", i, w, size[0], l)
					}
				}
				golden(t, name, got)
			})
		}
	}
}

// The status bar keeps its background across the styled pieces in it.
func TestStatusBarBackground(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 120, 40)
	m.SetError(errors.New("boom"))
	lines := strings.Split(m.View().Content, "\n")
	status := lines[len(lines)-2]
	seq, _, _ := strings.Cut(m.sty.status.Render("x"), "x")
	if !strings.Contains(status, "■") || !strings.Contains(status, "boom") {
		t.Fatalf("status line %q", status)
	}
	for _, reset := range []string{"\x1b[49m", "\x1b[0m", "\x1b[m"} {
		rest := status
		for {
			i := strings.Index(rest, reset)
			if i < 0 {
				break
			}
			rest = rest[i+len(reset):]
			if rest != "" && !strings.HasPrefix(rest, seq) {
				t.Errorf("the bar's background is lost after %q: %q", reset, rest)
			}
		}
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{10 * time.Minute: "10m", 30 * time.Minute: "30m", time.Hour: "1h",
		90 * time.Minute: "1h30m", 2*time.Hour + 10*time.Minute: "2h10m", 45 * time.Second: "45s"} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestDefaultCalendarSkipsTimesheets(t *testing.T) {
	ts := model.Calendar{ID: 1, Name: "timesheet-root", Kind: model.CalendarTimesheet}
	tasks := model.Calendar{ID: 2, Name: "todo", Kind: model.CalendarTasks}
	sched := model.Calendar{ID: 3, Name: "yoga", Kind: model.CalendarSchedule}
	work := model.Calendar{ID: 4, Name: "work", Kind: model.CalendarEvents}
	for _, tc := range []struct {
		cals []model.Calendar
		want int64
	}{
		{[]model.Calendar{ts}, 0},
		{[]model.Calendar{ts, tasks}, 0},
		{[]model.Calendar{ts, tasks, sched}, 3},
		{[]model.Calendar{ts, sched, work}, 4},
	} {
		if got := defaultCalendar(tc.cals); got != tc.want {
			t.Errorf("defaultCalendar(%v) = %d, want %d", tc.cals, got, tc.want)
		}
	}
}

func TestSortHits(t *testing.T) {
	now := fixedNow
	hit := func(name string, start time.Time) searchHit {
		h := searchHit{obj: model.Object{Summary: name}}
		if !start.IsZero() {
			h.inst = model.Instance{Start: start, End: start.Add(time.Hour)}
		}
		return h
	}
	hits := []searchHit{hit("undated", time.Time{}), hit("last week", now.AddDate(0, 0, -7)), hit("next week", now.AddDate(0, 0, 7)),
		hit("yesterday", now.AddDate(0, 0, -1)), hit("now", now.Add(-30*time.Minute)), hit("tomorrow", now.AddDate(0, 0, 1))}
	sortHits(hits, now)
	var got []string
	for _, h := range hits {
		got = append(got, h.obj.Summary)
	}
	if want := "now,tomorrow,next week,yesterday,last week,undated"; strings.Join(got, ",") != want {
		t.Errorf("order %s, want %s", strings.Join(got, ","), want)
	}
}
