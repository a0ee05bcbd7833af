package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	"rota/model"
)

// TestInstanceNamesFollowWrites: the names, UIDs and summaries Instances
// returns follow every write, also one made through another Store on the
// same file (another process) after the first cached them, and an object
// id SQLite hands out again after a delete.
func TestInstanceNamesFollowWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rota.db")
	clk := newClock()
	a := openAt(t, path, Options{Now: clk.now})
	b := openAt(t, path, Options{Now: clk.now})
	c := model.Calendar{Owner: "alice", Name: "work"}
	if err := a.CreateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	week := model.Range{From: at.AddDate(0, 0, -1), To: at.AddDate(0, 0, 6)}
	put := func(s *Store, name, summary string, tm model.Timing) {
		t.Helper()
		o := testObject(c.ID, name, tm)
		o.Summary = summary
		if _, err := s.PutObject(ctx, &o, model.Condition{}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(step string, want map[string]string) {
		t.Helper()
		ins, err := a.Instances(ctx, nil, week, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, in := range ins {
			if in.UID+".ics" != in.ObjectName {
				t.Errorf("%s: instance of %q has UID %q", step, in.ObjectName, in.UID)
			}
			got[in.ObjectName] = in.Summary
		}
		if len(got) != len(want) {
			t.Errorf("%s: got %v, want %v", step, got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s has summary %q, want %q (all: %v)", step, k, got[k], v, got)
			}
		}
	}
	single := model.Timing{Start: at, Duration: time.Hour, HasEnd: true}
	put(a, "one.ics", "One", single)
	put(a, "two.ics", "Two", model.Timing{Start: at.Add(2 * time.Hour), Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY;COUNT=2"})
	check("first", map[string]string{"one.ics": "One", "two.ics": "Two"})
	check("cached", map[string]string{"one.ics": "One", "two.ics": "Two"})
	put(b, "one.ics", "One renamed", single)
	check("after another store's write", map[string]string{"one.ics": "One renamed", "two.ics": "Two"})
	if err := b.DeleteObject(ctx, c.ID, "two.ics", model.Condition{}); err != nil {
		t.Fatal(err)
	}
	put(b, "three.ics", "Three", model.Timing{Start: at.Add(4 * time.Hour), Duration: time.Hour, HasEnd: true})
	check("after a delete and a new object", map[string]string{"one.ics": "One renamed", "three.ics": "Three"})
	if err := a.DeleteCalendar(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	c2 := model.Calendar{Owner: "alice", Name: "again"}
	if err := b.CreateCalendar(ctx, &c2); err != nil {
		t.Fatal(err)
	}
	c = c2
	put(b, "four.ics", "Four", single)
	check("in a calendar made again", map[string]string{"four.ics": "Four"})
}
