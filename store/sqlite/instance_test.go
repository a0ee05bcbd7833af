package sqlite

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"rota/model"
)

// TestInstancesAgainstExpansionWindowed runs the brute-force comparison
// with rules indexed in a window around now: queries before the window, in
// it and after it, with a row cap that narrows the window too.
func TestInstancesAgainstExpansionWindowed(t *testing.T) {
	for _, tt := range []struct {
		name string
		now  time.Time
		opts Options
	}{
		{"window", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Options{IndexHorizon: 90 * 24 * time.Hour, IndexCap: 20}},
		{"late window", time.Date(2027, 1, 10, 7, 30, 0, 0, time.UTC), Options{IndexHorizon: 30 * 24 * time.Hour, IndexCap: 1000}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Now = func() time.Time { return tt.now }
			testAgainstExpansion(t, openTemp(t, tt.opts))
		})
	}
}

// indexState returns the index bounds and the number of instances
// indexed of object name.
func indexState(t *testing.T, s *Store, name string) (from, until *int64, rows int) {
	t.Helper()
	err := s.r.QueryRowContext(ctx, `SELECT indexed_from, indexed_until FROM objects WHERE name = ?`, name).Scan(&from, &until)
	if err != nil {
		t.Fatal(err)
	}
	return from, until, indexedInstances(t, s, `SELECT start, more FROM instances
		WHERE object_id = (SELECT id FROM objects WHERE name = ?)`, name)
}

// indexedInstances counts the instances in the index rows that query
// (selecting start, more) returns, the chunks' included.
func indexedInstances(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var start int64
		var more []byte
		if err := rows.Scan(&start, &more); err != nil {
			t.Fatal(err)
		}
		if more == nil {
			n++
		} else if err := unpackChunk(start, more, func(indexRow) { n++ }); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// onTheFly lists the objects a query of r would expand on the fly.
func onTheFly(t *testing.T, s *Store, r model.Range) []string {
	t.Helper()
	rows, err := s.r.QueryContext(ctx, horizonSQL, "[1,2,3]", sat(r.To.Unix()+1+maxOffset), sat(r.From.Unix()-maxOffset))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var calID int64
		var name, uid, summary, timing string
		if err := rows.Scan(&calID, &name, &uid, &summary, &timing); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	return names
}

// TestOldOpenRuleIndexedAroundNow: a daily rule from 2016 has more than
// the row cap of instances before today; its index rows are around now,
// so this week is read from the index, and ten years ago still expands
// on the fly.
func TestOldOpenRuleIndexedAroundNow(t *testing.T) {
	clk := newClock() // 1 March 2026
	s := openTemp(t, Options{Now: clk.now})
	c := model.Calendar{Owner: "alice", Name: "work"}
	if err := s.CreateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	o := testObject(c.ID, "daily.ics", model.Timing{Start: time.Date(2016, 1, 4, 6, 0, 0, 0, time.UTC), Duration: time.Hour,
		HasEnd: true, RRule: "FREQ=DAILY"})
	if _, err := s.PutObject(ctx, &o, model.Condition{}); err != nil {
		t.Fatal(err)
	}
	from, until, rows := indexState(t, s, "daily.ics")
	if from == nil || until == nil || rows != DefaultIndexCap {
		t.Fatalf("index of an old daily rule: from %v until %v, %d rows; want a window of %d rows", from, until, rows, DefaultIndexCap)
	}
	now := clk.now()
	if f, u := time.Unix(*from, 0), time.Unix(*until, 0); !f.Before(now.AddDate(0, -6, 0)) || !u.After(now.AddDate(1, 0, 0)) {
		t.Errorf("window %v..%v does not hold six months before and a year after %v", f, u, now)
	}
	for _, tt := range []struct {
		name     string
		r        model.Range
		n        int
		expanded bool
	}{
		{"this week", model.Range{From: now, To: now.AddDate(0, 0, 7)}, 7, false},
		{"ten years ago", model.Range{From: time.Date(2016, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2016, 3, 8, 0, 0, 0, 0, time.UTC)}, 7, true},
		{"across the window's start", model.Range{From: time.Unix(*from, 0).AddDate(0, 0, -3), To: time.Unix(*from, 0).AddDate(0, 0, 4)}, 7, true},
		{"five years ahead", model.Range{From: now.AddDate(5, 0, 0), To: now.AddDate(5, 0, 7)}, 7, true},
	} {
		if got := len(onTheFly(t, s, tt.r)) > 0; got != tt.expanded {
			t.Errorf("%s: expanded on the fly %v, want %v", tt.name, got, tt.expanded)
		}
		ins, err := s.Instances(ctx, nil, tt.r, nil)
		if err != nil || len(ins) != tt.n {
			t.Errorf("%s: %d instances (%v), want %d", tt.name, len(ins), err, tt.n)
		}
		for i := 1; i < len(ins); i++ {
			if !ins[i].Start.After(ins[i-1].Start) {
				t.Errorf("%s: instance %d at %v after %v", tt.name, i, ins[i].Start, ins[i-1].Start)
			}
		}
	}
	if n, err := s.ExtendIndex(ctx); err != nil || n != 0 {
		t.Errorf("extend right away: %d, %v; want 0", n, err)
	}
	clk.t = clk.t.AddDate(0, 10, 0)
	if n, err := s.ExtendIndex(ctx); err != nil || n != 1 {
		t.Errorf("extend ten months later: %d, %v; want 1", n, err)
	}
	now = clk.now()
	if names := onTheFly(t, s, model.Range{From: now, To: now.AddDate(0, 0, 7)}); len(names) != 0 {
		t.Errorf("after extending, this week still expands %v on the fly", names)
	}
}

// TestRecentOpenRuleIndexedFromStart: an open weekly rule that began two
// years ago has few enough instances up to the horizon to be indexed from
// its first one, so a week in its past is read from the index, not
// expanded on the fly; a daily one from 2016 keeps its window.
func TestRecentOpenRuleIndexedFromStart(t *testing.T) {
	clk := newClock() // 1 March 2026
	s := openTemp(t, Options{Now: clk.now})
	c := model.Calendar{Owner: "alice", Name: "work"}
	if err := s.CreateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
	o := testObject(c.ID, "weekly.ics", model.Timing{Start: start, Duration: time.Hour, HasEnd: true, RRule: "FREQ=WEEKLY"})
	if _, err := s.PutObject(ctx, &o, model.Condition{}); err != nil {
		t.Fatal(err)
	}
	from, until, rows := indexState(t, s, "weekly.ics")
	if from != nil || until == nil {
		t.Fatalf("index of a two-year-old weekly rule: from %v until %v; want from its first instance", from, until)
	}
	if want := int(time.Unix(*until, 0).Sub(start)/(7*24*time.Hour)) + 1; rows < want-1 || rows > want {
		t.Errorf("%d rows, want about %d", rows, want)
	}
	past := model.Range{From: start.AddDate(0, 2, 0), To: start.AddDate(0, 2, 7)}
	if names := onTheFly(t, s, past); len(names) != 0 {
		t.Errorf("a week in its past expands %v on the fly", names)
	}
	if ins, err := s.Instances(ctx, nil, past, nil); err != nil || len(ins) != 1 {
		t.Errorf("a week in its past: %d instances (%v), want 1", len(ins), err)
	}
	if ins, err := s.Instances(ctx, nil, model.Range{From: start, To: start.Add(time.Minute)}, nil); err != nil || len(ins) != 1 || !ins[0].Start.Equal(start) {
		t.Errorf("first instance: %v (%v)", ins, err)
	}
}

// TestDenseRuleCutNotFailed: a rule with more instances in the window than
// the engine's cap returns the instances found, says so through Warn, and
// leaves the other objects' instances alone.
func TestDenseRuleCutNotFailed(t *testing.T) {
	var warnings []error
	s := openTemp(t, Options{Warn: func(err error) { warnings = append(warnings, err) }})
	c := model.Calendar{Owner: "alice", Name: "work"}
	if err := s.CreateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	dense := testObject(c.ID, "dense.ics", model.Timing{Start: day, Duration: time.Second, HasEnd: true, RRule: "FREQ=SECONDLY"})
	meeting := testObject(c.ID, "meeting.ics", model.Timing{Start: day.Add(40 * time.Hour), Duration: time.Hour, HasEnd: true})
	for _, o := range []*model.Object{&dense, &meeting} {
		if _, err := s.PutObject(ctx, o, model.Condition{}); err != nil {
			t.Fatal(err)
		}
	}
	r := model.Range{From: day, To: day.AddDate(0, 0, 2)}
	ins, err := s.Instances(ctx, nil, r, nil)
	if err != nil {
		t.Fatalf("a dense rule failed the query: %v", err)
	}
	var n int
	found := false
	for _, in := range ins {
		switch in.UID {
		case "dense":
			n++
		case "meeting":
			found = true
		}
	}
	if n != model.MaxInstances || !found {
		t.Errorf("%d instances of the dense rule (want %d), meeting found %v", n, model.MaxInstances, found)
	}
	if len(warnings) != 1 || !errors.Is(warnings[0], model.ErrTooManyInstances) {
		t.Errorf("warnings %v, want one wrapping ErrTooManyInstances", warnings)
	}
}

// checkIndexRows fails unless the instances table holds exactly the rows
// the live objects list in index_keys: no row left behind by an update,
// a delete, a calendar's removal or ExtendIndex, none missing.
func checkIndexRows(t *testing.T, s *Store) {
	t.Helper()
	want := map[string]bool{}
	rows, err := s.r.QueryContext(ctx, `SELECT id, calendar_id, index_keys FROM objects WHERE index_keys IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, cal int64
		var keys string
		if err := rows.Scan(&id, &cal, &keys); err != nil {
			t.Fatal(err)
		}
		list, err := parseKeys(keys)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range list {
			want[fmt.Sprint(cal, k[0], k[1], id, k[2])] = true
		}
	}
	rows.Close()
	have := map[string]bool{}
	rows, err = s.r.QueryContext(ctx, `SELECT calendar_id, band, start, object_id, recurrence_id FROM instances`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k [5]int64
		if err := rows.Scan(&k[0], &k[1], &k[2], &k[3], &k[4]); err != nil {
			t.Fatal(err)
		}
		have[fmt.Sprint(k[0], k[1], k[2], k[3], k[4])] = true
	}
	rows.Close()
	for k := range have {
		if !want[k] {
			t.Errorf("index row %s belongs to no object", k)
		}
	}
	for k := range want {
		if !have[k] {
			t.Errorf("index row %s is missing", k)
		}
	}
}

// TestIndexRowsFollowWrites runs every kind of write against a small
// index (so that windows move) and checks after each that the index holds
// the rows of the live objects and nothing else.
func TestIndexRowsFollowWrites(t *testing.T) {
	clk := newClock()
	s := openTemp(t, Options{Now: clk.now, IndexHorizon: 40 * 24 * time.Hour, IndexCap: 30})
	var cals [2]model.Calendar
	for i := range cals {
		cals[i] = model.Calendar{Owner: "alice", Name: fmt.Sprintf("c%d", i)}
		if err := s.CreateCalendar(ctx, &cals[i]); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(9, 9))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	zones := []string{"UTC", "Europe/Berlin"}
	timing := func(i int) model.Timing {
		tm := randomTiming(rng, base, zones)
		if i%2 == 0 {
			recurRandomly(rng, &tm)
		}
		return tm
	}
	// A large import (the bulk path), with one UID twice.
	var objs []model.Object
	for i := range preloadAt + 50 {
		objs = append(objs, testObject(cals[0].ID, fmt.Sprintf("o%d.ics", i), timing(i)))
	}
	objs = append(objs, testObject(cals[0].ID, "o3.ics", timing(0)))
	if _, _, err := s.PutObjects(ctx, cals[0].ID, objs); err != nil {
		t.Fatal(err)
	}
	checkIndexRows(t, s)
	var fk int
	if err := s.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign keys after a bulk import: %d, %v", fk, err)
	}
	// A small import updating some, adding others; single puts; deletes.
	objs = objs[:0]
	for i := range 40 {
		objs = append(objs, testObject(cals[0].ID, fmt.Sprintf("o%d.ics", i*7), timing(i)))
	}
	if _, _, err := s.PutObjects(ctx, cals[0].ID, objs); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		o := testObject(cals[1].ID, fmt.Sprintf("p%d.ics", i%10), timing(i))
		if _, err := s.PutObject(ctx, &o, model.Condition{}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 20 {
		if err := s.DeleteObject(ctx, cals[0].ID, fmt.Sprintf("o%d.ics", i*11), model.Condition{}); err != nil {
			t.Fatal(err)
		}
	}
	checkIndexRows(t, s)
	// Time passes: windows move.
	clk.t = clk.t.Add(300 * 24 * time.Hour)
	if n, err := s.ExtendIndex(ctx); err != nil || n == 0 {
		t.Fatalf("extend index: %d objects, %v", n, err)
	}
	checkIndexRows(t, s)
	if err := s.DeleteCalendar(ctx, cals[1].ID); err != nil {
		t.Fatal(err)
	}
	checkIndexRows(t, s)
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM instances WHERE calendar_id = ?`, cals[1].ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows of the deleted calendar left, %v", n, err)
	}
}

// TestUnindexedOnlyCalendar: a calendar whose only object is a rule
// indexed for a day around its start answers a minute far from it by
// expanding on the fly.
func TestUnindexedOnlyCalendar(t *testing.T) {
	s := openTemp(t, Options{})
	c := model.Calendar{Owner: "alice", Name: "ticks"}
	if err := s.CreateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	o := testObject(c.ID, "tick.ics", model.Timing{Start: day, Duration: time.Second, HasEnd: true, RRule: "FREQ=SECONDLY"})
	if _, err := s.PutObject(ctx, &o, model.Condition{}); err != nil {
		t.Fatal(err)
	}
	ins, err := s.Instances(ctx, []int64{c.ID}, model.Range{From: day.AddDate(0, 0, 30), To: day.AddDate(0, 0, 30).Add(time.Minute)}, nil)
	if err != nil || len(ins) != 60 {
		t.Errorf("a minute of a secondly rule: %d instances, %v", len(ins), err)
	}
}
