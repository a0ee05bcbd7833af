package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testNow is the injected "today" of every test: Wednesday 4 March 2026.
var testNow = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

type result struct {
	stdout, stderr string
	err            error
}

// rota runs the command line against store with --user tester --tz UTC
// (unless args set --tz) and the test clock.
func rota(t *testing.T, store string, args ...string) result {
	t.Helper()
	return rotaCtx(t, context.Background(), store, args...)
}

func rotaCtx(t *testing.T, ctx context.Context, store string, args ...string) result {
	t.Helper()
	return rotaAt(t, ctx, testNow, store, args...)
}

func rotaAt(t *testing.T, ctx context.Context, now time.Time, store string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	global := []string{"--store", store, "--user", "tester"}
	if !strings.HasPrefix(strings.Join(args, " "), "--tz") {
		global = append(global, "--tz", "UTC")
	}
	err := runAt(ctx, func() time.Time { return now }, append(global, args...), strings.NewReader(""), &out, &errOut)
	return result{out.String(), errOut.String(), err}
}

// must fails the test when the command failed.
func (r result) must(t *testing.T) result {
	t.Helper()
	if r.err != nil {
		t.Fatalf("rota failed: %v\nstderr:\n%s", r.err, r.stderr)
	}
	return r
}

func newStore(t *testing.T) string {
	return filepath.Join(t.TempDir(), "rota.db")
}

func TestHelpAndUsageErrors(t *testing.T) {
	s := newStore(t)
	r := rota(t, s, "help").must(t)
	for _, cmd := range []string{"import", "export", "list", "calendars", "demo", "serve", "user", "feed", "schedule", "slots", "timesheet", "tui"} {
		if !strings.Contains(r.stdout, "\n  "+cmd+" ") {
			t.Errorf("help does not list %s:\n%s", cmd, r.stdout)
		}
	}
	for _, args := range [][]string{{"bogus"}, {"list", "--from", "next tuesday"}, {"import"}, {"--nope"}, {"list", "--from", "2026-03-05", "--to", "2026-03-01"}, {"--serve", "127.0.0.1:0", "list"}} {
		r := rota(t, s, args...)
		var u usageError
		if !errors.As(r.err, &u) {
			t.Errorf("rota %v: err = %v, want a usage error (exit 2)", args, r.err)
		}
	}
	if r := rota(t, s, "list", "-h"); r.err != nil || strings.Count(r.stdout, "usage: rota list") != 1 {
		t.Errorf("list -h: err %v, stdout %q", r.err, r.stdout)
	}
}

func TestParseArgsInterspersed(t *testing.T) {
	e := &env{stdout: &bytes.Buffer{}}
	fs := e.newFlags("import", importUsage)
	cal := fs.String("calendar", "default", "")
	pos, err := e.parse(fs, []string{"a.ics", "--calendar", "work", "b.ics", "--", "--c.ics"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a.ics", "b.ics", "--c.ics"}, pos); diff != "" || *cal != "work" {
		t.Errorf("calendar %q, positional (-want +got):\n%s", *cal, diff)
	}
}

// weekJSON is `rota list --json` over testdata/week.ics for [1 Mar, 12 Mar)
// in UTC: the weekly series with its EXDATE left out and its moved
// instance at the new time, a single event, an all-day span, a floating
// value placed in the --tz zone.
const weekJSON = `{"calendar":"default","uid":"standup@test.example","recurrence_id":"2026-03-02T08:00:00Z","summary":"Stand-up","start":"2026-03-02T08:00:00Z","end":"2026-03-02T08:30:00Z","all_day":false,"floating":false,"overridden":false,"object":"standup_test.example-cf83623a.ics"}
{"calendar":"default","uid":"review@test.example","recurrence_id":"","summary":"Review","start":"2026-03-03T14:00:00Z","end":"2026-03-03T15:00:00Z","all_day":false,"floating":false,"overridden":false,"object":"review_test.example-dbbe598b.ics"}
{"calendar":"default","uid":"days-off@test.example","recurrence_id":"","summary":"Two days off","start":"2026-03-05","end":"2026-03-07","all_day":true,"floating":false,"overridden":false,"object":"days-off_test.example-9a63d196.ics"}
{"calendar":"default","uid":"standup@test.example","recurrence_id":"2026-03-09T08:00:00Z","summary":"Stand-up (moved)","start":"2026-03-09T10:00:00Z","end":"2026-03-09T10:30:00Z","all_day":false,"floating":false,"overridden":true,"object":"standup_test.example-cf83623a.ics"}
{"calendar":"default","uid":"lunch@test.example","recurrence_id":"","summary":"Lunch","start":"2026-03-10T12:00:00Z","end":"2026-03-10T13:00:00Z","all_day":false,"floating":true,"overridden":false,"object":"lunch_test.example-17d53ccd.ics"}
{"calendar":"default","uid":"standup@test.example","recurrence_id":"2026-03-11T08:00:00Z","summary":"Stand-up","start":"2026-03-11T08:00:00Z","end":"2026-03-11T08:30:00Z","all_day":false,"floating":false,"overridden":false,"object":"standup_test.example-cf83623a.ics"}
`

func TestImportList(t *testing.T) {
	s := newStore(t)
	r := rota(t, s, "import", "testdata/week.ics").must(t)
	if want := "testdata/week.ics: 5 objects (5 created, 0 updated), 9 instances\n"; r.stdout != want {
		t.Errorf("summary %q, want it to start with %q", r.stdout, want)
	}
	got := rota(t, s, "list", "--from", "2026-03-01", "--to", "2026-03-12", "--json").must(t).stdout
	if diff := cmp.Diff(weekJSON, got); diff != "" {
		t.Errorf("list --json (-want +got):\n%s", diff)
	}

	// Another zone: offsets in the values, floating and all-day values
	// placed in that zone.
	got = rota(t, s, "--tz", "Europe/Berlin", "list", "--from", "2026-03-10", "--to", "2026-03-11", "--json").must(t).stdout
	want := `{"calendar":"default","uid":"lunch@test.example","recurrence_id":"","summary":"Lunch","start":"2026-03-10T12:00:00+01:00","end":"2026-03-10T13:00:00+01:00","all_day":false,"floating":true,"overridden":false,"object":"lunch_test.example-17d53ccd.ics"}` + "\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("list --json --tz Europe/Berlin (-want +got):\n%s", diff)
	}

	human := rota(t, s, "list", "--from", "2026-03-09", "--to", "2026-03-10").must(t).stdout
	if want := "Mon 2026-03-09  10:00-10:30       default  Stand-up (moved)  (recurring, changed)\n"; human != want {
		t.Errorf("list:\n%q\nwant\n%q", human, want)
	}

	// Importing again updates, and the default window is today + 7 days.
	r = rota(t, s, "import", "testdata/week.ics").must(t)
	if !strings.Contains(r.stdout, "(0 created, 5 updated)") {
		t.Errorf("second import: %q", r.stdout)
	}
	def := rota(t, s, "list").must(t).stdout
	// [4 Mar, 11 Mar): the 4th is an EXDATE, the 11th starts at 08:00.
	if n := strings.Count(def, "\n"); n != 3 {
		t.Errorf("default window (4..11 Mar): %d lines:\n%s", n, def)
	}

	cals := rota(t, s, "calendars").must(t).stdout
	if !strings.Contains(cals, "default") || !strings.Contains(cals, "tester") || !strings.Contains(cals, " 5 ") {
		t.Errorf("calendars:\n%s", cals)
	}
}

func TestExportReimport(t *testing.T) {
	a, b := newStore(t), newStore(t)
	rota(t, a, "import", "testdata/week.ics").must(t)
	out := filepath.Join(t.TempDir(), "out.ics")
	rota(t, a, "export", "--calendar", "default", "-o", out).must(t)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"BEGIN:VCALENDAR", "X-UNKNOWN-PROP;X-PARAM=kept:survives export", "RECURRENCE-ID;TZID=Europe/Berlin:20260309T090000",
		"EXDATE;TZID=Europe/Berlin:20260304T090000", "BEGIN:VTODO", "BEGIN:VTIMEZONE"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("export lacks %q", want)
		}
	}
	if n := bytes.Count(data, []byte("BEGIN:VCALENDAR")); n != 1 {
		t.Errorf("export has %d VCALENDARs, want 1", n)
	}
	rota(t, b, "import", out).must(t)
	listA := rota(t, a, "list", "--from", "2026-03-01", "--to", "2026-04-30", "--json").must(t).stdout
	listB := rota(t, b, "list", "--from", "2026-03-01", "--to", "2026-04-30", "--json").must(t).stdout
	if diff := cmp.Diff(listA, listB); diff != "" {
		t.Errorf("instances after export and re-import (-first +second):\n%s", diff)
	}
	// The stdout export is the same VCALENDAR as the file.
	if got := rota(t, a, "export", "--calendar", "default").must(t).stdout; got != string(data) {
		t.Errorf("export to stdout differs from export -o:\n%s", cmp.Diff(string(data), got))
	}
}

func TestImportRefusedLeavesStoreUnchanged(t *testing.T) {
	s := newStore(t)
	rota(t, s, "import", "testdata/week.ics").must(t)
	before := rota(t, s, "export").must(t).stdout
	calsBefore := rota(t, s, "calendars").must(t).stdout

	r := rota(t, s, "import", "--calendar", "fresh", "testdata/bad.ics", "testdata/week.ics")
	if r.err == nil {
		t.Fatal("import of a broken file succeeded")
	}
	if want := "rota: import testdata/bad.ics: line 13: DTSTART"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not name file, line and property (%q)", r.stderr, want)
	}
	if !strings.Contains(r.err.Error(), "1 of 2 files refused, the others imported") {
		t.Errorf("error %q", r.err)
	}
	// The good file after the bad one still imported, into "fresh".
	if !strings.Contains(r.stdout, "testdata/week.ics: 5 objects (5 created") {
		t.Errorf("the good file was not imported: %q", r.stdout)
	}
	rota(t, s, "calendars", "rm", "--force", "fresh").must(t)
	if after := rota(t, s, "export").must(t).stdout; after != before {
		t.Errorf("a refused import changed the store")
	}
	if after := rota(t, s, "calendars").must(t).stdout; after != calsBefore {
		t.Errorf("calendars changed:\n%s\nwas\n%s", after, calsBefore)
	}
	// Alone, a refused file into a new calendar does not create it.
	if r := rota(t, s, "import", "--calendar", "never", "testdata/bad.ics"); r.err == nil {
		t.Fatal("import of a broken file succeeded")
	}
	if cals := rota(t, s, "calendars").must(t).stdout; strings.Contains(cals, "never") {
		t.Errorf("a refused import created its calendar:\n%s", cals)
	}
	if r := rota(t, s, "import", "testdata/missing.ics"); r.err == nil || !strings.Contains(r.stderr, "import testdata/missing.ics: ") {
		t.Errorf("missing file: err %v, stderr %q", r.err, r.stderr)
	}
}

func TestCalendarsAddRemove(t *testing.T) {
	s := newStore(t)
	rota(t, s, "calendars", "add", "team", "--color", "#FF8800", "--kind", "schedule", "--display", "Team rota").must(t)
	if r := rota(t, s, "calendars", "add", "team"); r.err == nil || !strings.Contains(r.err.Error(), "already") {
		t.Errorf("second add: %v", r.err)
	}
	if r := rota(t, s, "calendars", "add", "bad/name"); r.err == nil {
		t.Errorf("add bad/name succeeded")
	}
	if r := rota(t, s, "calendars", "add", "x", "--kind", "nonsense"); r.err == nil {
		t.Errorf("add --kind nonsense succeeded")
	}
	cals := rota(t, s, "calendars").must(t).stdout
	if !strings.Contains(cals, "team") || !strings.Contains(cals, "#FF8800") || !strings.Contains(cals, "schedule") || !strings.Contains(cals, "Team rota") {
		t.Errorf("calendars:\n%s", cals)
	}
	rota(t, s, "import", "--calendar", "team", "testdata/week.ics").must(t) // schedule calendars take VEVENTs only
	if r := rota(t, s, "calendars", "rm", "team"); r.err == nil || !strings.Contains(r.err.Error(), "--force") {
		t.Errorf("rm of a non-empty calendar without --force: %v", r.err)
	}
	rota(t, s, "calendars", "rm", "team", "--force").must(t)
	if cals := rota(t, s, "calendars").must(t).stdout; strings.Contains(cals, "team") {
		t.Errorf("team still listed:\n%s", cals)
	}
}

func TestDemoIdempotent(t *testing.T) {
	s := newStore(t)
	first := rota(t, s, "demo").must(t).stdout
	cals1 := rota(t, s, "calendars").must(t).stdout
	list1 := rota(t, s, "list", "--from", "2026-02-23", "--to", "2026-03-23", "--json").must(t).stdout
	second := rota(t, s, "demo").must(t).stdout
	if !strings.Contains(second, "(0 new, ") {
		t.Errorf("second demo created objects: %q (first: %q)", second, first)
	}
	if cals2 := rota(t, s, "calendars").must(t).stdout; cals2 != cals1 {
		t.Errorf("calendars after the second demo:\n%s\nbefore:\n%s", cals2, cals1)
	}
	if list2 := rota(t, s, "list", "--from", "2026-02-23", "--to", "2026-03-23", "--json").must(t).stdout; list2 != list1 {
		t.Errorf("instances changed after the second demo:\n%s", cmp.Diff(list1, list2))
	}
	for _, name := range []string{"work", "shifts", "holidays", "studio", "tasks", "timesheet-ben"} {
		if !strings.Contains(cals1, name+" ") {
			t.Errorf("demo made no calendar %s:\n%s", name, cals1)
		}
	}
	// "today" is Wednesday 4 March: the stand-up moved that day, is cancelled
	// next Tuesday and removed (EXDATE) next Friday.
	for _, want := range []string{`"summary":"Team stand-up (after the all-hands)","start":"2026-03-04T10:30:00Z"`, `"all_day":true`, `"summary":"Support shift: Dev (swapped with Ben)","start":"2026-03-04T09:30:00Z"`,
		`"summary":"Yoga (group)","start":"2026-03-11T08:00:00Z"`, `"summary":"Yoga (group)","start":"2026-03-13T18:30:00Z"`} {
		if !strings.Contains(list1, want) {
			t.Errorf("demo list lacks %s", want)
		}
	}
	for _, gone := range []string{`"start":"2026-03-10T09:15:00Z"`, `"start":"2026-03-13T09:15:00Z"`} {
		if strings.Contains(list1, gone) {
			t.Errorf("demo list has a cancelled or excluded stand-up %s", gone)
		}
	}
	// A run on a later day moves the data along and leaves Ben's approved
	// timesheet day alone (the store would refuse a change to it).
	rotaAt(t, context.Background(), testNow.AddDate(0, 0, 1), s, "demo").must(t)
	rota(t, s, "demo").must(t)

	// Conflicts: the vendor call was saved although Ben is in the review.
	human := rota(t, s, "list", "--from", "2026-03-03", "--to", "2026-03-04").must(t).stdout
	if want := `Vendor call: phone system  ! clash: ben@example.com also in "Quarterly review with Northwind"`; !strings.Contains(human, want) {
		t.Errorf("list does not show the clash %s:\n%s", want, human)
	}
	ics := strings.ReplaceAll(rota(t, s, "export").must(t).stdout, "\r\n ", "") // unfolded
	for _, want := range []string{"RECURRENCE-ID", "EXDATE", "STATUS:CANCELLED", "BEGIN:VTODO", "CUTYPE=ROOM", "CUTYPE=RESOURCE", "PARTSTAT=DECLINED",
		"BEGIN:VALARM", "CLASS:PRIVATE", "TRANSP:TRANSPARENT", "CATEGORIES", "COMMENT", "RESOURCES", "VALUE=DATE", "X-ROTA-KIND"} {
		if !strings.Contains(ics, want) {
			t.Errorf("demo export lacks %s", want)
		}
	}
}

// TestDemoWeekend: on a weekend the demo fills the coming week, so that the
// default list window shows a working week.
func TestDemoWeekend(t *testing.T) {
	s := newStore(t)
	saturday := time.Date(2026, 3, 7, 15, 0, 0, 0, time.UTC)
	rotaAt(t, context.Background(), saturday, s, "demo").must(t)
	list := rotaAt(t, context.Background(), saturday, s, "list").must(t).stdout
	if !strings.Contains(list, "Tue 2026-03-10  14:00-15:30") || !strings.Contains(list, "Quarterly review with Northwind") {
		t.Errorf("list on a Saturday after demo:\n%s", list)
	}
}

func TestImportStdin(t *testing.T) {
	s := newStore(t)
	data, err := os.ReadFile("testdata/week.ics")
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err = runAt(context.Background(), func() time.Time { return testNow },
		[]string{"--store", s, "--user", "tester", "--tz", "UTC", "import", "--calendar", "piped", "-"}, bytes.NewReader(data), &out, &errOut)
	if err != nil || out.String() != "-: 5 objects (5 created, 0 updated), 9 instances\n" {
		t.Fatalf("import -: %v, %q, %q", err, out.String(), errOut.String())
	}
}

// TestImportSkips: components the calendar does not hold are counted by
// kind in the summary, and the rest imports.
func TestImportSkips(t *testing.T) {
	store := newStore(t)
	file := filepath.Join(t.TempDir(), "mixed.ics")
	data := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:e1@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260305T090000Z\r\nDTEND:20260305T100000Z\r\nSUMMARY:Kept\r\nEND:VEVENT\r\n" +
		"BEGIN:VTODO\r\nUID:t1@test\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Task\r\nEND:VTODO\r\n" +
		"BEGIN:VTODO\r\nUID:t2@test\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Task\r\nEND:VTODO\r\n" +
		"BEGIN:VJOURNAL\r\nUID:j1@test\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Note\r\nEND:VJOURNAL\r\n" +
		"END:VCALENDAR\r\n"
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	rota(t, store, "calendars", "add", "ev", "--kind", "schedule").must(t)
	out := rota(t, store, "import", "--calendar", "ev", file).must(t).stdout
	if want := "1 object (1 created, 0 updated), 1 instance, 3 skipped (1 VJOURNAL, 2 VTODO)"; !strings.Contains(out, want) {
		t.Errorf("import said %q; want %q", out, want)
	}
}
