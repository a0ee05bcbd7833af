package model

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func tsZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := LoadZone(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func tsDate(t testing.TB, s string) LocalDate {
	t.Helper()
	d, err := ParseLocalDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// at parses "2006-01-02 15:04" in loc.
func tsAt(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func tsEntry(t testing.TB, loc *time.Location, from, to string) TimeEntry {
	return TimeEntry{Person: "ann", Start: tsAt(t, loc, from), End: tsAt(t, loc, to)}
}

func TestLocalDate(t *testing.T) {
	d := tsDate(t, "2026-12-31")
	if got := d.AddDays(1).String(); got != "2027-01-01" {
		t.Errorf("AddDays(1) = %s", got)
	}
	if got := d.AddDays(-365).String(); got != "2025-12-31" {
		t.Errorf("AddDays(-365) = %s", got)
	}
	if d.Weekday() != time.Thursday {
		t.Errorf("weekday = %v", d.Weekday())
	}
	if !tsDate(t, "2026-01-31").Before(tsDate(t, "2026-02-01")) || d.Before(d) {
		t.Error("Before is wrong")
	}
	berlin := tsZone(t, "Europe/Berlin")
	for _, c := range []struct {
		day  string
		want time.Duration
	}{{"2026-03-29", 23 * time.Hour}, {"2026-10-25", 25 * time.Hour}, {"2026-11-20", 24 * time.Hour}} {
		b := tsDate(t, c.day).Bounds(berlin)
		if got := b.To.Sub(b.From); got != c.want {
			t.Errorf("%s lasts %v, want %v", c.day, got, c.want)
		}
	}
}

func TestPeriodDays(t *testing.T) {
	for _, c := range []struct {
		p           ReportPeriod
		day         string
		first, last string
	}{
		{PeriodWeek, "2026-11-20", "2026-11-16", "2026-11-22"}, // Friday
		{PeriodWeek, "2026-11-16", "2026-11-16", "2026-11-22"}, // Monday
		{PeriodWeek, "2026-11-22", "2026-11-16", "2026-11-22"}, // Sunday
		{PeriodWeek, "2026-12-31", "2026-12-28", "2027-01-03"},
		{PeriodMonth, "2028-02-10", "2028-02-01", "2028-02-29"},
		{PeriodMonth, "2026-12-05", "2026-12-01", "2026-12-31"},
		{PeriodDay, "2026-12-05", "2026-12-05", "2026-12-05"},
	} {
		f, l, err := PeriodDays(c.p, tsDate(t, c.day))
		if err != nil || f.String() != c.first || l.String() != c.last {
			t.Errorf("%s of %s = %s..%s, %v; want %s..%s", c.p, c.day, f, l, err, c.first, c.last)
		}
	}
	if _, _, err := PeriodDays("year", tsDate(t, "2026-01-01")); !errors.Is(err, ErrInvalid) {
		t.Errorf("year: %v", err)
	}
}

func TestTimesheetTotals(t *testing.T) {
	utc := time.UTC
	berlin := tsZone(t, "Europe/Berlin")
	bill := func(e TimeEntry, client, label string) TimeEntry {
		e.Billable, e.Client, e.Label = true, client, label
		return e
	}
	brk := func(e TimeEntry) TimeEntry { e.Break = true; return e }
	h := func(hours, minutes int) time.Duration {
		return time.Duration(hours)*time.Hour + time.Duration(minutes)*time.Minute
	}
	tests := []struct {
		name     string
		zone     *time.Location
		day      string
		entries  []TimeEntry
		want     Totals
		overlaps [][2]int
	}{
		{
			name: "plain day with a break inside work",
			zone: utc, day: "2026-11-20",
			entries: []TimeEntry{
				bill(tsEntry(t, utc, "2026-11-20 09:00", "2026-11-20 17:00"), "acme", "support"),
				brk(tsEntry(t, utc, "2026-11-20 12:00", "2026-11-20 12:30")),
			},
			want: Totals{Worked: h(7, 30), Breaks: h(0, 30), Billable: h(7, 30), Target: 8 * time.Hour, Entries: 2,
				ByLabel: map[string]time.Duration{"support": h(7, 30)}, ByClient: map[string]time.Duration{"acme": h(7, 30)}},
		},
		{
			name: "overlapping entries count once and are flagged",
			zone: utc, day: "2026-11-20",
			entries: []TimeEntry{
				bill(tsEntry(t, utc, "2026-11-20 09:00", "2026-11-20 11:00"), "acme", "support"),
				bill(tsEntry(t, utc, "2026-11-20 10:00", "2026-11-20 12:00"), "globex", "dev"),
				tsEntry(t, utc, "2026-11-20 13:00", "2026-11-20 14:00"),
			},
			want: Totals{Worked: h(4, 0), Billable: h(3, 0), Target: 8 * time.Hour, Overlaps: 1, Entries: 3,
				ByLabel:  map[string]time.Duration{"support": h(2, 0), "dev": h(2, 0), "(none)": h(1, 0)},
				ByClient: map[string]time.Duration{"acme": h(2, 0), "globex": h(2, 0)}},
			overlaps: [][2]int{{0, 1}},
		},
		{
			name: "touching entries do not overlap",
			zone: utc, day: "2026-11-20",
			entries: []TimeEntry{
				tsEntry(t, utc, "2026-11-20 09:00", "2026-11-20 10:00"),
				tsEntry(t, utc, "2026-11-20 10:00", "2026-11-20 11:00"),
			},
			want: Totals{Worked: h(2, 0), Target: 8 * time.Hour, Entries: 2, ByLabel: map[string]time.Duration{"(none)": h(2, 0)}},
		},
		{
			name: "past midnight: the first day gets the evening",
			zone: utc, day: "2026-11-20",
			entries: []TimeEntry{tsEntry(t, utc, "2026-11-20 22:00", "2026-11-21 02:30")},
			want:    Totals{Worked: h(2, 0), Target: 8 * time.Hour, Entries: 1, ByLabel: map[string]time.Duration{"(none)": h(2, 0)}},
		},
		{
			name: "past midnight: the second day gets the night",
			zone: utc, day: "2026-11-21",
			entries: []TimeEntry{tsEntry(t, utc, "2026-11-20 22:00", "2026-11-21 02:30")},
			want:    Totals{Worked: h(2, 30), Entries: 1, ByLabel: map[string]time.Duration{"(none)": h(2, 30)}}, // Saturday: no target
		},
		{
			name: "spring forward: a whole day is 23 hours",
			zone: berlin, day: "2026-03-29",
			entries: []TimeEntry{tsEntry(t, berlin, "2026-03-28 20:00", "2026-03-30 04:00")},
			want:    Totals{Worked: h(23, 0), Entries: 1, ByLabel: map[string]time.Duration{"(none)": h(23, 0)}},
		},
		{
			name: "fall back: 00:00 to 06:00 is seven hours",
			zone: berlin, day: "2026-10-25",
			entries: []TimeEntry{tsEntry(t, berlin, "2026-10-25 00:00", "2026-10-25 06:00")},
			want:    Totals{Worked: h(7, 0), Entries: 1, ByLabel: map[string]time.Duration{"(none)": h(7, 0)}},
		},
		{
			name: "fall back: a whole day is 25 hours",
			zone: berlin, day: "2026-10-25",
			entries: []TimeEntry{tsEntry(t, berlin, "2026-10-24 12:00", "2026-10-26 12:00")},
			want:    Totals{Worked: h(25, 0), Entries: 1, ByLabel: map[string]time.Duration{"(none)": h(25, 0)}},
		},
		{
			name: "a break outside work is counted as a break only",
			zone: utc, day: "2026-11-20",
			entries: []TimeEntry{brk(tsEntry(t, utc, "2026-11-20 12:00", "2026-11-20 13:00"))},
			want:    Totals{Breaks: h(1, 0), Target: 8 * time.Hour, Entries: 1},
		},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			sheets := Timesheets(SheetInput{Person: "ann", First: tsDate(t, c.day), Last: tsDate(t, c.day), Zone: c.zone, Entries: c.entries})
			if len(sheets) != 1 {
				t.Fatalf("%d sheets", len(sheets))
			}
			got := sheets[0].Totals()
			if diff := cmp.Diff(c.want, got, cmpDurMaps); diff != "" {
				t.Errorf("totals (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.overlaps, sheets[0].Overlaps()); diff != "" {
				t.Errorf("overlaps (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpDurMaps treats nil and empty maps alike.
var cmpDurMaps = cmp.Transformer("durmap", func(m map[string]time.Duration) map[string]time.Duration {
	if len(m) == 0 {
		return nil
	}
	return m
})

func TestTimesheetsTargets(t *testing.T) {
	utc := time.UTC
	rule := WorkdayRule{Person: "ann"}
	rule.Hours[time.Monday] = 6 * time.Hour
	rule.Hours[time.Friday] = 4 * time.Hour
	in := SheetInput{
		Person: "ann", First: tsDate(t, "2026-11-16"), Last: tsDate(t, "2026-11-22"), Zone: utc, Rule: &rule,
		DaysOff: []DayOff{
			{Date: tsDate(t, "2026-11-16"), Reason: "public holiday"},                                    // applies to all
			{Person: "ann", Date: tsDate(t, "2026-11-20"), Reason: "leave", Leave: true, Approved: true}, // approved leave
			{Person: "ann", Date: tsDate(t, "2026-11-17"), Reason: "asked", Leave: true},                 // not approved: no effect
			{Person: "bob", Date: tsDate(t, "2026-11-18"), Reason: "bob's leave", Leave: true, Approved: true},
		},
		Entries: []TimeEntry{
			tsEntry(t, utc, "2026-11-16 09:00", "2026-11-16 10:00"),
			{Person: "bob", Start: tsAt(t, utc, "2026-11-16 09:00"), End: tsAt(t, utc, "2026-11-16 18:00")},
		},
		Approvals: []Approval{{Person: "ann", Date: tsDate(t, "2026-11-19"), State: SheetApproved}},
	}
	sheets := Timesheets(in)
	if len(sheets) != 7 {
		t.Fatalf("%d sheets", len(sheets))
	}
	var targets []time.Duration
	for _, s := range sheets {
		targets = append(targets, s.Target)
	}
	if diff := cmp.Diff([]time.Duration{0, 0, 0, 0, 0, 0, 0}, targets); diff != "" {
		t.Errorf("targets:\n%s", diff)
	}
	rule.Hours[time.Tuesday] = 8 * time.Hour
	rule.Hours[time.Wednesday] = 8 * time.Hour
	sheets = Timesheets(in)
	targets = targets[:0]
	for _, s := range sheets {
		targets = append(targets, s.Target)
	}
	want := []time.Duration{0, 8 * time.Hour, 8 * time.Hour, 0, 0, 0, 0}
	if diff := cmp.Diff(want, targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if sheets[0].Off == nil || sheets[0].Off.Reason != "public holiday" || sheets[4].Off == nil || sheets[1].Off != nil {
		t.Errorf("days off: %+v %+v %+v", sheets[0].Off, sheets[1].Off, sheets[4].Off)
	}
	if len(sheets[0].Entries) != 1 {
		t.Errorf("bob's entry leaked into ann's sheet: %d entries", len(sheets[0].Entries))
	}
	if err := sheets[3].Writable(); !errors.Is(err, ErrReadOnly) {
		t.Errorf("approved day writable: %v", err)
	}
	if err := sheets[2].Writable(); err != nil {
		t.Errorf("open day: %v", err)
	}
	r := NewReport(sheets)
	if r.Total.Target != 16*time.Hour || r.Total.Worked != time.Hour || r.Total.Balance() != -15*time.Hour {
		t.Errorf("week total: %+v balance %v", r.Total, r.Total.Balance())
	}
}

func TestReportCountsMidnightEntryOnce(t *testing.T) {
	utc := time.UTC
	e := tsEntry(t, utc, "2026-11-20 22:00", "2026-11-21 02:00")
	e.UID = "x"
	r := NewReport(Timesheets(SheetInput{Person: "ann", First: tsDate(t, "2026-11-20"), Last: tsDate(t, "2026-11-21"), Entries: []TimeEntry{e}}))
	if r.Total.Entries != 1 || r.Total.Worked != 4*time.Hour || r.Daily[0].Worked != 2*time.Hour || r.Daily[1].Worked != 2*time.Hour {
		t.Errorf("report: total %+v daily %+v", r.Total, r.Daily)
	}
}

func TestApprovalStateMachine(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	open := Approval{Person: "ann", Date: LocalDate{2026, 11, 20}}
	type op func(Approval) (Approval, error)
	submit := func(a Approval) (Approval, error) { return a.Submit("ann", now) }
	approve := func(a Approval) (Approval, error) { return a.Approve("boss", now) }
	reject := func(a Approval) (Approval, error) { return a.Reject("boss", "missing Friday", now) }
	reopen := func(a Approval) (Approval, error) { return a.Reopen("boss", now) }
	ops := map[string]op{"submit": submit, "approve": approve, "reject": reject, "reopen": reopen}
	// allowed[from][op] = to; missing = refused.
	allowed := map[ApprovalState]map[string]ApprovalState{
		SheetOpen:      {"submit": SheetSubmitted},
		SheetSubmitted: {"approve": SheetApproved, "reject": SheetRejected, "reopen": SheetOpen},
		SheetApproved:  {"reopen": SheetOpen},
		SheetRejected:  {"submit": SheetSubmitted, "reopen": SheetOpen},
	}
	for from, okOps := range allowed {
		for name, f := range ops {
			t.Run(fmt.Sprintf("%s/%s", from, name), func(t *testing.T) {
				a := open
				a.State = from
				got, err := f(a)
				to, ok := okOps[name]
				if !ok {
					if !errors.Is(err, ErrConflict) {
						t.Fatalf("want ErrConflict, got %v", err)
					}
					if got.State != from {
						t.Errorf("refused step changed the state to %s", got.State)
					}
					return
				}
				if err != nil || got.State != to {
					t.Fatalf("got %s, %v; want %s", got.State, err, to)
				}
				if to == SheetRejected && got.Reason != "missing Friday" {
					t.Errorf("reason %q", got.Reason)
				}
				if to != SheetRejected && got.Reason != "" {
					t.Errorf("reason kept: %q", got.Reason)
				}
			})
		}
	}
	sub, _ := open.Submit("ann", now)
	if _, err := sub.Reject("boss", "  ", now); !errors.Is(err, ErrInvalid) {
		t.Errorf("reject without reason: %v", err)
	}
	app, _ := sub.Approve("boss", now)
	_, err := app.Submit("ann", now)
	if err == nil || err.Error() != "timesheet: submit ann 2026-11-20: it is approved; reopen it first: conflict" {
		t.Errorf("message: %v", err)
	}
	if _, err := open.Approve("boss", now); err == nil || err.Error() != "timesheet: approve ann 2026-11-20: it is open; submit it first: conflict" {
		t.Errorf("message: %v", err)
	}
	if (Approval{}).Current() != SheetOpen {
		t.Error("zero state is not open")
	}
}

func TestTimerSurvivesAsValue(t *testing.T) {
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	tm := Timer{Person: "ann", Start: start, Activity: "support", Client: "acme", Billable: true}
	if got := tm.Elapsed(start.Add(90 * time.Minute)); got != 90*time.Minute {
		t.Errorf("elapsed %v", got)
	}
	e, err := tm.Stop(start.Add(2 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if e.End.Sub(e.Start) != 2*time.Hour || e.Activity != "support" || !e.Billable || e.Client != "acme" {
		t.Errorf("entry %+v", e)
	}
	if e.UID == "" || e.UID != tm.EntryUID() || (Timer{Person: "bob", Start: start}).EntryUID() == e.UID {
		t.Errorf("entry UID %q", e.UID)
	}
	if _, err := tm.Stop(start.Add(-time.Minute)); !errors.Is(err, ErrInvalid) {
		t.Errorf("stop before start: %v", err)
	}
}

func TestEntryEventRoundTrip(t *testing.T) {
	berlin := tsZone(t, "Europe/Berlin")
	e := TimeEntry{UID: "u1", Person: "ann", Start: tsAt(t, berlin, "2026-11-20 09:00"), End: tsAt(t, berlin, "2026-11-20 10:00"),
		Activity: "support", Label: "tickets", Client: "acme", Link: "appt-1", Note: "printer", Billable: true}
	ev := e.Event()
	if ev.Kind != KindTimeEntry || ev.TZID != "Europe/Berlin" || ev.Title != "support (acme)" || ev.Description != "printer" {
		t.Errorf("event %+v", ev)
	}
	if err := ev.Validate(); err != nil {
		t.Fatal(err)
	}
	back, ok := EntryFromEvent(ev, "someone")
	if !ok {
		t.Fatal("not an entry")
	}
	if diff := cmp.Diff(e, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// An event made on a phone: no X-ROTA properties.
	phone := Event{UID: "p", Component: "VEVENT", Title: "Call with Acme", Start: e.Start, End: e.End}
	pe, ok := EntryFromEvent(phone, "ann")
	if !ok || pe.Person != "ann" || pe.Activity != "Call with Acme" || pe.Billable {
		t.Errorf("phone entry %+v", pe)
	}
	if _, ok := EntryFromEvent(Event{UID: "h", Start: e.Start, AllDay: true}, "ann"); ok {
		t.Error("all-day event read as an entry")
	}
}

func TestTimeEntryValidate(t *testing.T) {
	utc := time.UTC
	for _, c := range []struct {
		name  string
		e     TimeEntry
		field string
	}{
		{"no person", TimeEntry{Start: tsAt(t, utc, "2026-11-20 09:00"), End: tsAt(t, utc, "2026-11-20 10:00")}, "person"},
		{"no end", TimeEntry{Person: "a", Start: tsAt(t, utc, "2026-11-20 09:00")}, "end"},
		{"backwards", TimeEntry{Person: "a", Start: tsAt(t, utc, "2026-11-20 09:00"), End: tsAt(t, utc, "2026-11-20 08:00")}, "end"},
		{"billable break", TimeEntry{Person: "a", Start: tsAt(t, utc, "2026-11-20 09:00"), End: tsAt(t, utc, "2026-11-20 10:00"), Break: true, Billable: true}, "billable"},
	} {
		var fe *FieldError
		if err := c.e.Validate(); !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: %v, want field %s", c.name, err, c.field)
		}
	}
}

func TestDaysTouched(t *testing.T) {
	utc := time.UTC
	got := DaysTouched(tsAt(t, utc, "2026-11-20 22:00"), tsAt(t, utc, "2026-11-22 00:00"), utc)
	if diff := cmp.Diff([]LocalDate{{2026, 11, 20}, {2026, 11, 21}}, got); diff != "" {
		t.Errorf("ending at midnight (-want +got):\n%s", diff)
	}
	got = DaysTouched(tsAt(t, utc, "2026-11-20 22:00"), tsAt(t, utc, "2026-11-20 22:00"), utc)
	if diff := cmp.Diff([]LocalDate{{2026, 11, 20}}, got); diff != "" {
		t.Errorf("zero length (-want +got):\n%s", diff)
	}
}

func TestFormatHours(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0:00", 450 * time.Minute: "7:30", -45 * time.Minute: "-0:45", 25 * time.Hour: "25:00"} {
		if got := FormatHours(d); got != want {
			t.Errorf("FormatHours(%v) = %q, want %q", d, got, want)
		}
	}
}

// yearOfEntries makes four entries a working day for a year for each of
// ten people: two billable blocks, a lunch break, an evening entry past
// midnight on Fridays.
func yearOfEntries(tb testing.TB, loc *time.Location) map[string][]TimeEntry {
	out := map[string][]TimeEntry{}
	first := LocalDate{2026, 1, 1}
	for p := 0; p < 10; p++ {
		person := fmt.Sprintf("p%d", p)
		var es []TimeEntry
		for i := 0; i < 365; i++ {
			d := first.AddDays(i)
			if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
				continue
			}
			at := func(h, m int) time.Time { return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, loc) }
			es = append(es,
				TimeEntry{UID: fmt.Sprintf("%s-%d-a", person, i), Person: person, Start: at(8, 30), End: at(12, 0), Activity: "support", Client: "acme", Billable: true},
				TimeEntry{UID: fmt.Sprintf("%s-%d-b", person, i), Person: person, Start: at(12, 0), End: at(12, 30), Break: true},
				TimeEntry{UID: fmt.Sprintf("%s-%d-c", person, i), Person: person, Start: at(12, 30), End: at(17, 0), Activity: "dev", Client: "globex", Billable: p%2 == 0},
			)
			if d.Weekday() == time.Friday {
				es = append(es, TimeEntry{UID: fmt.Sprintf("%s-%d-d", person, i), Person: person, Start: at(22, 0), End: at(25, 30), Activity: "on call"})
			}
		}
		out[person] = es
	}
	return out
}

// BenchmarkMonthReport totals one month for ten people, each with a year
// of entries (about 800) handed in whole: the cost of the arithmetic and
// of skipping what falls outside the month.
func BenchmarkMonthReport(b *testing.B) {
	loc := tsZone(b, "Europe/Berlin")
	all := yearOfEntries(b, loc)
	first, last, _ := PeriodDays(PeriodMonth, LocalDate{2026, 10, 15})
	b.ReportAllocs()
	for b.Loop() {
		for p := 0; p < 10; p++ {
			person := fmt.Sprintf("p%d", p)
			r := NewReport(Timesheets(SheetInput{Person: person, First: first, Last: last, Zone: loc, Entries: all[person]}))
			if r.Total.Worked == 0 {
				b.Fatal("nothing worked")
			}
		}
	}
}

func TestYearOfEntriesMonth(t *testing.T) {
	loc := tsZone(t, "Europe/Berlin")
	all := yearOfEntries(t, loc)
	first, last, _ := PeriodDays(PeriodMonth, LocalDate{2026, 10, 15})
	r := NewReport(Timesheets(SheetInput{Person: "p1", First: first, Last: last, Zone: loc, Entries: all["p1"]}))
	if len(r.Days) != 31 {
		t.Fatalf("%d days", len(r.Days))
	}
	// October 2026: 22 working days of 8h worked and 5 Fridays with 3.5h
	// on call past midnight; September 25's runs into the 26th, not October.
	want := 22*8*time.Hour + 5*(3*time.Hour+30*time.Minute)
	if r.Total.Worked != want || r.Total.Target != 22*8*time.Hour || r.Total.Breaks != 22*30*time.Minute {
		t.Errorf("October: worked %v (want %v), target %v, breaks %v", r.Total.Worked, want, r.Total.Target, r.Total.Breaks)
	}
}

func TestEntriesOf(t *testing.T) {
	utc := time.UTC
	start := tsAt(t, utc, "2026-11-16 09:00")
	rec2 := start.AddDate(0, 0, 1)
	events := map[string][]Event{
		"a.ics": {
			{UID: "a", Kind: KindTimeEntry, Activity: "standup", Person: "ann", Start: start, End: start.Add(15 * time.Minute)},
			{UID: "a", RecurrenceID: rec2, Kind: KindTimeEntry, Activity: "long standup", Person: "ann", Start: rec2, End: rec2.Add(time.Hour)},
		},
		"h.ics": {{UID: "h", Title: "Holiday", AllDay: true, Start: start}},
	}
	insts := []Instance{
		{ObjectName: "a.ics", UID: "a", RecurrenceID: start, Start: start, End: start.Add(15 * time.Minute)},
		{ObjectName: "a.ics", UID: "a", RecurrenceID: rec2, Start: rec2, End: rec2.Add(time.Hour), Overridden: true},
		{ObjectName: "h.ics", UID: "h", Start: start, End: start.Add(24 * time.Hour), AllDay: true},
		{ObjectName: "gone.ics", UID: "g", Start: start, End: start.Add(time.Hour)},
	}
	got := EntriesOf(insts, events, "ann")
	if len(got) != 2 || got[0].Activity != "standup" || got[1].Activity != "long standup" || got[1].End.Sub(got[1].Start) != time.Hour ||
		got[1].ObjectName != "a.ics" || !got[1].RecurrenceID.Equal(rec2) {
		t.Errorf("entries: %+v", got)
	}
}

// FuzzTimesheetTotals checks the day arithmetic against a minute-by-minute
// count over three days around the autumn DST change in Berlin: worked
// time is what work covers and no break does, days partition it, and no
// total exceeds what the day holds.
func FuzzTimesheetTotals(f *testing.F) {
	f.Add([]byte{10, 20, 30, 1, 40, 10, 0, 2, 100, 255, 7, 3})
	f.Add([]byte{0, 0, 255, 255, 1, 1, 1, 1})
	f.Add([]byte{140, 30, 20, 5, 141, 40, 10, 6, 142, 50, 60, 0})
	loc := tsZone(f, "Europe/Berlin")
	first := LocalDate{2026, 10, 24}
	base := first.In(loc)
	span := LocalDate{2026, 10, 27}.In(loc).Sub(base) // 73 hours
	f.Fuzz(func(t *testing.T, data []byte) {
		var es []TimeEntry
		for i := 0; i+3 < len(data) && len(es) < 12; i += 4 {
			start := base.Add(time.Duration(int(data[i])<<8|int(data[i+1])) % (span / time.Minute) * time.Minute)
			end := start.Add(time.Duration(data[i+2]) * 5 * time.Minute)
			flags := data[i+3]
			es = append(es, TimeEntry{UID: fmt.Sprint(i), Person: "ann", Start: start, End: end,
				Break: flags&1 != 0, Billable: flags&1 == 0 && flags&2 != 0, Client: fmt.Sprint(flags >> 2 & 1)})
		}
		sheets := Timesheets(SheetInput{Person: "ann", First: first, Last: first.AddDays(2), Zone: loc, Entries: es})
		r := NewReport(sheets)
		// Minute by minute over the whole span.
		var worked, breaks, billable time.Duration
		for m := base; m.Before(base.Add(span)); m = m.Add(time.Minute) {
			w, b, bill := false, false, false
			for _, e := range es {
				if !m.Before(e.Start) && m.Before(e.End) {
					if e.Break {
						b = true
					} else {
						w = true
						bill = bill || e.Billable
					}
				}
			}
			if b {
				breaks += time.Minute
			}
			if w && !b {
				worked += time.Minute
				if bill {
					billable += time.Minute
				}
			}
		}
		if r.Total.Worked != worked || r.Total.Breaks != breaks || r.Total.Billable != billable {
			t.Fatalf("totals worked %v breaks %v billable %v; minute count %v %v %v", r.Total.Worked, r.Total.Breaks, r.Total.Billable, worked, breaks, billable)
		}
		for i, d := range r.Daily {
			b := sheets[i].Date.Bounds(loc)
			if d.Worked+d.Breaks > b.To.Sub(b.From) || d.Billable > d.Worked {
				t.Fatalf("%s: worked %v + breaks %v in a %v day, billable %v", sheets[i].Date, d.Worked, d.Breaks, b.To.Sub(b.From), d.Billable)
			}
			var clients time.Duration
			for _, v := range d.ByClient {
				clients += v
			}
			if clients < d.Worked {
				t.Fatalf("%s: clients %v < worked %v", sheets[i].Date, clients, d.Worked)
			}
		}
	})
}
