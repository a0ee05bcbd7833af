package sqlite

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rota/model"
	"rota/store"
	"rota/store/storetest"
)

var ctx = context.Background()

// clock is a settable fixed clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newClock() *clock { return &clock{time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func openAt(t testing.TB, path string, opts Options) *Store {
	t.Helper()
	if opts.Now == nil {
		opts.Now = newClock().now
	}
	s, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func openTemp(t testing.TB, opts Options) *Store {
	return openAt(t, filepath.Join(t.TempDir(), "rota.db"), opts)
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return openTemp(t, Options{}) })
}

// TestConformanceSmallIndex runs the suite with an index that holds almost
// nothing of recurring objects, so every recurring answer comes from the
// on-the-fly path and must agree with the indexed one.
func TestConformanceSmallIndex(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		return openTemp(t, Options{IndexHorizon: 24 * time.Hour, IndexCap: 2})
	})
}

func TestShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (storetest.Store, storetest.Store) {
		path := filepath.Join(t.TempDir(), "rota.db")
		return openAt(t, path, Options{}), openAt(t, path, Options{})
	})
}

func TestMigrationsRunOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rota.db")
	s := openAt(t, path, Options{})
	c := model.Calendar{Owner: "alice", Name: "work"}
	if err := s.CreateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	s2 := openAt(t, path, Options{})
	var n int
	if err := s2.r.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	files, _ := migrations.ReadDir("migrations")
	if n != len(files) {
		t.Errorf("schema_migrations has %d rows, want %d (one per file)", n, len(files))
	}
	if _, err := s2.Calendar(ctx, "alice", "work"); err != nil {
		t.Errorf("reopened store lost data: %v", err)
	}
	var mode string
	if err := s2.r.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q (%v), want wal", mode, err)
	}
	var fk int
	if err := s2.r.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign keys %d (%v), want 1", fk, err)
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, filepath.Join(dir, "new", "dir", "rota.db"), Options{})
	if _, err := s.Head(ctx); err != nil {
		t.Errorf("store in a new directory: %v", err)
	}
	if _, err := Open("", Options{}); err == nil {
		t.Error("Open accepted an empty path")
	}
	notDB := filepath.Join(dir, "text.db")
	if err := os.WriteFile(notDB, []byte("not a database, just text that is long enough to be a header"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(notDB, Options{}); err == nil {
		s.Close()
		t.Error("Open accepted a file that is not a database")
	}
}

func TestTimingRoundTrip(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	fixed := time.FixedZone("", 5*3600+1800)
	tm := model.Timing{
		Start: time.Date(2026, 3, 29, 2, 30, 0, 500, berlin), TZID: "Europe/Berlin",
		Duration: 90 * time.Minute, Days: 2, HasEnd: true,
		RRule:   "FREQ=WEEKLY;BYDAY=MO,WE",
		RDates:  []model.Period{{Start: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC), Duration: time.Hour}, {Start: time.Date(2026, 4, 2, 10, 0, 0, 0, fixed)}},
		ExDates: []time.Time{time.Date(2026, 4, 6, 2, 30, 0, 0, berlin), time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)},
		Overrides: []model.Override{
			{RecurrenceID: time.Date(2026, 4, 8, 2, 30, 0, 0, berlin), ThisAndFuture: true, Start: time.Date(2026, 4, 8, 0, 0, 0, 0, time.UTC),
				AllDay: true, Days: 1, Cancelled: true, Summary: "Off"},
			{RecurrenceID: time.Date(2026, 4, 13, 2, 30, 0, 0, berlin), Start: time.Date(2026, 4, 13, 9, 0, 0, 0, time.UTC), Floating: true},
		},
	}
	enc, err := encodeTiming(&tm)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeTiming(enc)
	if err != nil {
		t.Fatal(err)
	}
	same := cmp.Comparer(func(a, b time.Time) bool {
		_, oa := a.Zone()
		_, ob := b.Zone()
		return a.Equal(b) && a.Location().String() == b.Location().String() && oa == ob
	})
	if diff := cmp.Diff(tm, got, same); diff != "" {
		t.Errorf("timing round trip (-in +out):\n%s\nencoded: %s", diff, enc)
	}
	if empty, err := decodeTiming(mustEncode(t, &model.Timing{})); err != nil || !cmp.Equal(empty, model.Timing{}) {
		t.Errorf("zero timing round trip: %+v, %v", empty, err)
	}
	for _, bad := range []string{"", "{", `{"s":"x"}`, `{"s":"1@Nowhere/Zone"}`, `{"x":["1.z"]}`} {
		if _, err := decodeTiming(bad); err == nil {
			t.Errorf("decodeTiming(%q) accepted", bad)
		}
	}
}

func mustEncode(t *testing.T, tm *model.Timing) string {
	t.Helper()
	s, err := encodeTiming(tm)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func FuzzDecodeTiming(f *testing.F) {
	f.Add(`{"s":"1772442000@Europe/Berlin","z":"Europe/Berlin","d":3600000000000,"f":4,"r":"FREQ=DAILY"}`)
	f.Add(`{"s":"1.5@=3600","x":["-100"],"o":[{"rid":"5","s":"6"}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := decodeTiming(s)
		if err != nil {
			return
		}
		enc, err := encodeTiming(&tm)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeTiming(enc)
		if err != nil {
			t.Fatalf("re-decoding %q: %v", enc, err)
		}
		if !cmp.Equal(tm, again) {
			t.Fatalf("unstable: %q -> %q", s, enc)
		}
	})
}

func TestSearchText(t *testing.T) {
	data := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Board\r\n  Meeting\r\n" +
		"DESCRIPTION:Line one\\nline two\\, with comma\r\n" +
		"ATTENDEE;ROLE=CHAIR;CN=\"Doe: Jane\":mailto:jane@example.com\r\n" +
		"X-SECRET:not searched\r\nLOCATION;ALTREP=\"http://x:1/\":Room 7\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	got := searchText("Board Meeting", []byte(data))
	for _, want := range []string{"board meeting", "line two, with comma", "doe: jane", "mailto:jane@example.com", "room 7"} {
		if !strings.Contains(got, want) {
			t.Errorf("search text lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "not searched") || strings.Contains(got, "vevent") {
		t.Errorf("search text has what it should not:\n%s", got)
	}
}

func TestPruneChanges(t *testing.T) {
	s := openTemp(t, Options{})
	c := model.Calendar{Owner: "alice", Name: "work"}
	if err := s.CreateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	put := func(name string) {
		o := testObject(c.ID, name, model.Timing{Start: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Duration: time.Hour, HasEnd: true})
		if _, err := s.PutObject(ctx, &o, model.Condition{}); err != nil {
			t.Fatal(err)
		}
	}
	put("a.ics")
	put("b.ics")
	if err := s.DeleteObject(ctx, c.ID, "a.ics", model.Condition{}); err != nil {
		t.Fatal(err)
	}
	_, old, _ := s.Changes(ctx, c.ID, 0)
	put("c.ics")
	_, pos, _ := s.Changes(ctx, c.ID, 0)
	if err := s.PruneChanges(ctx, c.ID, pos); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Changes(ctx, c.ID, old); !errors.Is(err, store.ErrBadSyncToken) {
		t.Errorf("a pruned position: %v, want ErrBadSyncToken", err)
	}
	if got, _, err := s.Changes(ctx, c.ID, pos); err != nil || len(got) != 0 {
		t.Errorf("the prune position itself: %v, %v", got, err)
	}
	if got, _, err := s.Changes(ctx, c.ID, 0); err != nil || len(got) != 2 {
		t.Errorf("a full sync after pruning: %d changes, %v; want 2", len(got), err)
	}
	if err := s.PruneChanges(ctx, 987654, pos); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("prune a missing calendar: %v", err)
	}
}

func testObject(calID int64, name string, tm model.Timing) model.Object {
	uid := strings.TrimSuffix(name, ".ics")
	data := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:" + uid + "\r\nSUMMARY:" + uid +
		"\r\nDTSTAMP:20260101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	return model.Object{CalendarID: calID, Name: name, UID: uid, Component: "VEVENT", Data: []byte(data), Summary: uid, Timing: tm}
}

// TestInstancesAgainstExpansion checks the index against brute force: for
// random objects, windows and zones, Instances returns exactly what
// expanding every object for the window returns.
func TestInstancesAgainstExpansion(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts Options
	}{
		{"default index", Options{}},
		{"small index", Options{IndexHorizon: 60 * 24 * time.Hour, IndexCap: 5}},
	} {
		t.Run(tt.name, func(t *testing.T) { testAgainstExpansion(t, openTemp(t, tt.opts)) })
	}
}

func testAgainstExpansion(t *testing.T, s *Store) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := model.Calendar{Owner: "alice", Name: "work"}
	if err := s.CreateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	zones := []string{"UTC", "Europe/Berlin", "America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata"}
	var objs []model.Object
	for i := range 400 {
		tm := randomTiming(rng, base, zones)
		if i%3 == 0 {
			recurRandomly(rng, &tm)
		}
		objs = append(objs, testObject(c.ID, fmt.Sprintf("o%d.ics", i), tm))
	}
	if _, _, err := s.PutObjects(ctx, c.ID, objs); err != nil {
		t.Fatal(err)
	}
	for i := range 120 {
		from := base.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour)))).Truncate(time.Minute)
		if i%10 == 0 {
			from = from.AddDate(10+i/10, 0, 0) // far past any index horizon
		}
		to := from.Add(time.Duration(rng.Int64N(int64(10 * 24 * time.Hour))))
		r := model.Range{From: from, To: to}
		loc := loadZone(t, zones[rng.IntN(len(zones))])
		got, err := s.Instances(ctx, []int64{c.ID}, r, loc)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, o := range objs {
			occs, err := o.Timing.Expand(r, loc) // the engine itself, not the store's shortcut
			if err != nil {
				t.Fatal(err)
			}
			for _, oc := range occs {
				want = append(want, o.UID+" "+oc.Start.UTC().Format(time.RFC3339)+" "+oc.End.UTC().Format(time.RFC3339))
			}
		}
		var have []string
		for _, in := range got {
			have = append(have, in.UID+" "+in.Start.UTC().Format(time.RFC3339)+" "+in.End.UTC().Format(time.RFC3339))
			if in.Start.Location() != loc {
				t.Errorf("instance start in %v, want the query zone %v", in.Start.Location(), loc)
			}
		}
		if diff := cmp.Diff(sortedCopy(want), sortedCopy(have)); diff != "" {
			t.Fatalf("window %v..%v in %v (-expanded +index):\n%s", from, to, loc, diff)
		}
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func loadZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// randomTiming makes a non-recurring timing of any kind and length.
func randomTiming(rng *rand.Rand, base time.Time, zones []string) model.Timing {
	start := base.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour)))).Truncate(15 * time.Minute)
	lengths := []time.Duration{0, 15 * time.Minute, time.Hour, 3 * time.Hour, 20 * time.Hour, 50 * time.Hour,
		9 * 24 * time.Hour, 40 * 24 * time.Hour, 500 * 24 * time.Hour}
	d := lengths[rng.IntN(len(lengths))]
	switch rng.IntN(4) {
	case 0:
		days := []int{1, 1, 1, 2, 7, 30, 450}[rng.IntN(7)]
		return model.Timing{Start: start.Truncate(24 * time.Hour), AllDay: true, Days: days, HasEnd: rng.IntN(5) > 0}
	case 1:
		return model.Timing{Start: start, Floating: true, Duration: d, HasEnd: true}
	default:
		name := zones[rng.IntN(len(zones))]
		loc, _ := time.LoadLocation(name)
		tm := model.Timing{Start: start.In(loc), Duration: d, HasEnd: d > 0}
		if name != "UTC" {
			tm.TZID = name
		}
		return tm
	}
}

// recurRandomly makes tm recur, with exceptions and overrides now and
// then. Overrides name instances by their original start.
func recurRandomly(rng *rand.Rand, tm *model.Timing) {
	rules := []string{"FREQ=WEEKLY", "FREQ=WEEKLY;COUNT=10", "FREQ=DAILY;INTERVAL=3;COUNT=40", "FREQ=MONTHLY;BYMONTHDAY=-1",
		"FREQ=YEARLY", "FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270601T000000Z"}
	tm.RRule = rules[rng.IntN(len(rules))]
	if tm.AllDay && strings.Contains(tm.RRule, "UNTIL") {
		tm.RRule = "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270601"
	}
	if tm.Floating && strings.Contains(tm.RRule, "UNTIL") {
		tm.RRule = "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270601T000000"
	}
	if !strings.HasPrefix(tm.RRule, "FREQ=WEEKLY") || strings.Contains(tm.RRule, "BYDAY") {
		return
	}
	week := func(n int) time.Time { return tm.Start.AddDate(0, 0, 7*n) }
	if rng.IntN(2) == 0 {
		tm.ExDates = append(tm.ExDates, week(1))
	}
	if rng.IntN(2) == 0 {
		tm.Overrides = append(tm.Overrides, model.Override{RecurrenceID: week(2), Start: week(2).Add(26 * time.Hour),
			TZID: tm.TZID, AllDay: tm.AllDay, Floating: tm.Floating, Duration: tm.Duration, Days: tm.Days, Summary: "moved"})
	}
	if rng.IntN(3) == 0 {
		tm.Overrides = append(tm.Overrides, model.Override{RecurrenceID: week(3), Start: week(3), TZID: tm.TZID,
			AllDay: tm.AllDay, Floating: tm.Floating, Cancelled: true})
	}
}

// TestWindowQueryUsesIndex keeps the window query a set of index range
// scans: a plan that scans the instances table would grow with the store.
func TestWindowQueryUsesIndex(t *testing.T) {
	s := openTemp(t, Options{})
	args := []any{1, 0, 0, 10, -1, 2, 14, 5, 10, -1}
	rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+windowSQL(2), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	text := strings.Join(plan, "\n")
	if strings.Contains(text, "SCAN i") || strings.Contains(text, "SCAN o") || !strings.Contains(text, "SEARCH i USING PRIMARY KEY (calendar_id=? AND band=? AND start>? AND start<?)") {
		t.Errorf("window query plan is not index range scans:\n%s", text)
	}
}

// TestImportCatalog runs the same import below and above preloadAt: both
// ways must agree on what is new, what is updated and which names clash.
func TestImportCatalog(t *testing.T) {
	for _, n := range []int{10, preloadAt + 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := openTemp(t, Options{})
			c := model.Calendar{Owner: "alice", Name: "work"}
			if err := s.CreateCalendar(ctx, &c); err != nil {
				t.Fatal(err)
			}
			tm := model.Timing{Start: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Duration: time.Hour, HasEnd: true}
			pre := testObject(c.ID, "taken.ics", tm)
			pre.UID = "x"
			if _, err := s.PutObject(ctx, &pre, model.Condition{}); err != nil {
				t.Fatal(err)
			}
			objs := make([]model.Object, n)
			for i := range objs {
				objs[i] = testObject(0, fmt.Sprintf("n%d.ics", i), tm)
			}
			objs[0].Name, objs[0].UID = "taken.ics", "new0" // a name held by another UID
			objs[1].Name, objs[1].UID = "", "x"             // the stored UID
			objs[2].UID, objs[3].UID = "dup", "dup"         // twice in one import
			created, updated, err := s.PutObjects(ctx, c.ID, objs)
			if err != nil {
				t.Fatal(err)
			}
			if created != n-2 || updated != 2 {
				t.Errorf("created %d, updated %d; want %d, 2", created, updated, n-2)
			}
			if objs[0].Name != hashName("new0") || objs[1].Name != "taken.ics" || objs[3].Name != objs[2].Name {
				t.Errorf("names: %q %q %q %q", objs[0].Name, objs[1].Name, objs[2].Name, objs[3].Name)
			}
			list, err := s.ListObjects(ctx, c.ID, false)
			if err != nil || len(list) != n-1 { // the one stored before and n-2 new
				t.Errorf("stored %d objects (%v), want %d", len(list), err, n-1)
			}
		})
	}
}

func TestExtendIndex(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "rota.db")
	opts := Options{Now: clk.now, IndexHorizon: 30 * 24 * time.Hour}
	s := openAt(t, path, opts)
	c := model.Calendar{Owner: "alice", Name: "work"}
	if err := s.CreateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	tm := model.Timing{Start: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Duration: time.Hour, HasEnd: true, RRule: "FREQ=WEEKLY"}
	o := testObject(c.ID, "weekly.ics", tm)
	if _, err := s.PutObject(ctx, &o, model.Condition{}); err != nil {
		t.Fatal(err)
	}
	indexed := func() (rows int, until int64) {
		t.Helper()
		if err := s.r.QueryRowContext(ctx, `SELECT indexed_until FROM objects`).Scan(&until); err != nil {
			t.Fatal(err)
		}
		return indexedInstances(t, s, `SELECT start, more FROM instances`), until
	}
	rows, until := indexed()
	if rows != 5 { // 2 March to 30 March 2026, a horizon of 30 days past 1 March
		t.Errorf("%d rows indexed, want 5", rows)
	}
	if n, err := s.ExtendIndex(ctx); err != nil || n != 0 {
		t.Errorf("extend with nothing due: %d, %v", n, err)
	}
	// A daily rule from 2016 fills the row cap long before now: extending
	// leaves it alone.
	old := testObject(c.ID, "old.ics", model.Timing{Start: time.Date(2016, 1, 4, 6, 0, 0, 0, time.UTC), Duration: time.Hour,
		HasEnd: true, RRule: "FREQ=DAILY"})
	if _, err := s.PutObject(ctx, &old, model.Condition{}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ExtendIndex(ctx); err != nil || n != 0 {
		t.Errorf("extend with a capped rule: %d, %v", n, err)
	}
	if err := s.DeleteObject(ctx, c.ID, "old.ics", model.Condition{}); err != nil {
		t.Fatal(err)
	}
	head, _ := s.Head(ctx)
	clk.t = clk.t.AddDate(1, 0, 0)
	if n, err := s.ExtendIndex(ctx); err != nil || n != 1 {
		t.Errorf("extend a year later: %d, %v; want 1", n, err)
	}
	clk.t = clk.t.AddDate(1, 0, 0)
	s2 := openAt(t, path, opts) // Open extends
	rows2, until2 := indexed()
	if until2 <= until || rows2 <= rows {
		t.Errorf("after a year: %d rows until %d, was %d until %d", rows2, until2, rows, until)
	}
	if h, _ := s2.Head(ctx); h != head {
		t.Errorf("extending the index moved head from %d to %d", head, h)
	}
	if got, _ := s2.Object(ctx, c.ID, "weekly.ics"); got.ETag != o.ETag {
		t.Errorf("extending the index changed the etag")
	}
	r := model.Range{From: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 3, 29, 0, 0, 0, 0, time.UTC)}
	ins, err := s2.Instances(ctx, nil, r, nil)
	if err != nil || len(ins) != 4 {
		t.Errorf("March 2027 after extending: %d instances (%v), want 4", len(ins), err)
	}
	var unindexed int
	if err := s2.r.QueryRowContext(ctx, `SELECT count(*) FROM objects WHERE indexed_until < ?`, r.To.Unix()).Scan(&unindexed); err != nil || unindexed != 0 {
		t.Errorf("%d objects still need expanding on the fly for March 2027 (%v)", unindexed, err)
	}
}
