package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rota/model"
)

func openTS(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, Options{Now: func() time.Time { return time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestTimerSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rota.db")
	s := openTS(t, path)
	start := time.Date(2026, 11, 20, 8, 30, 15, 123456789, time.UTC)
	tm := model.Timer{Person: "ann", Start: start, Activity: "support", Client: "acme", Billable: true, Note: "ticket 42"}
	if err := s.StartTimer(ctx, tm); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openTS(t, path) // the program restarted
	got, err := s.Timer(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Start.Equal(start) || got.Activity != "support" || got.Client != "acme" || !got.Billable || got.Note != "ticket 42" {
		t.Errorf("timer after restart: %+v", got)
	}
	err = s.StartTimer(ctx, model.Timer{Person: "ann", Start: start.Add(time.Hour)})
	if !errors.Is(err, model.ErrConflict) || !strings.Contains(err.Error(), "running since 2026-11-20T08:30:15Z (support)") {
		t.Errorf("second start: %v", err)
	}
	if err := s.StartTimer(ctx, model.Timer{Person: "bob", Start: start}); err != nil {
		t.Errorf("bob's timer: %v", err)
	}
	if err := s.ClearTimer(ctx, got); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Timer(ctx, "ann"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("after clear: %v", err)
	}
	if err := s.ClearTimer(ctx, got); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("second clear: %v", err)
	}
}

func TestApprovalsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := openTS(t, filepath.Join(t.TempDir(), "rota.db"))
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	mon, sun := model.LocalDate{Year: 2026, Month: 11, Day: 16}, model.LocalDate{Year: 2026, Month: 11, Day: 22}
	fri := model.LocalDate{Year: 2026, Month: 11, Day: 20}
	submit := func(a model.Approval) (model.Approval, error) { return a.Submit("ann", now) }
	approve := func(a model.Approval) (model.Approval, error) { return a.Approve("boss", now) }
	if a, err := s.Approval(ctx, "ann", fri); err != nil || a.Current() != model.SheetOpen {
		t.Fatalf("fresh day: %+v %v", a, err)
	}
	if _, err := s.UpdateApprovals(ctx, "ann", fri, fri, submit); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateApprovals(ctx, "ann", fri, fri, approve); err != nil {
		t.Fatal(err)
	}
	// Submitting the week fails on the approved Friday: nothing changes.
	if _, err := s.UpdateApprovals(ctx, "ann", mon, sun, submit); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("submit week over an approved day: %v", err)
	}
	as, err := s.Approvals(ctx, "ann", mon, sun)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Date != fri || as[0].State != model.SheetApproved || as[0].By != "boss" || !as[0].At.Equal(now) {
		t.Errorf("approvals after refused submit: %+v", as)
	}
	reject := func(a model.Approval) (model.Approval, error) { return a.Reject("boss", "Friday is short", now) }
	reopen := func(a model.Approval) (model.Approval, error) { return a.Reopen("boss", now) }
	if _, err := s.UpdateApprovals(ctx, "ann", fri, fri, reopen); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateApprovals(ctx, "ann", mon, sun, submit); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateApprovals(ctx, "ann", fri, fri, reject); err != nil {
		t.Fatal(err)
	}
	a, err := s.Approval(ctx, "ann", fri)
	if err != nil || a.State != model.SheetRejected || a.Reason != "Friday is short" {
		t.Errorf("rejected: %+v %v", a, err)
	}
	if b, _ := s.Approval(ctx, "bob", fri); b.Current() != model.SheetOpen {
		t.Errorf("bob's day: %+v", b)
	}
}

func TestWorkdayRulesAndDaysOff(t *testing.T) {
	ctx := context.Background()
	s := openTS(t, filepath.Join(t.TempDir(), "rota.db"))
	w, err := s.WorkdayRule(ctx, "ann")
	if err != nil || w != model.StandardWorkday("ann") {
		t.Fatalf("default rule: %+v %v", w, err)
	}
	w.Hours[time.Friday] = 4*time.Hour + 30*time.Minute
	w.Hours[time.Saturday] = 2 * time.Hour
	if err := s.PutWorkdayRule(ctx, w); err != nil {
		t.Fatal(err)
	}
	if got, err := s.WorkdayRule(ctx, "ann"); err != nil || got != w {
		t.Errorf("rule: %+v %v", got, err)
	}
	bad := w
	bad.Hours[time.Monday] = 25 * time.Hour
	if err := s.PutWorkdayRule(ctx, bad); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("25h day: %v", err)
	}
	xmas := model.LocalDate{Year: 2026, Month: 12, Day: 25}
	for _, o := range []model.DayOff{
		{Date: xmas, Reason: "Christmas"},
		{Person: "ann", Date: xmas.AddDays(-1), Reason: "leave", Leave: true, Approved: true},
		{Person: "bob", Date: xmas.AddDays(-2), Reason: "leave", Leave: true},
	} {
		if err := s.PutDayOff(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	offs, err := s.DaysOff(ctx, "ann", xmas.AddDays(-7), xmas)
	if err != nil {
		t.Fatal(err)
	}
	if len(offs) != 2 || offs[0].Person != "ann" || !offs[0].Approved || offs[1].Reason != "Christmas" {
		t.Errorf("ann's days off: %+v", offs)
	}
	if err := s.DeleteDayOff(ctx, "", xmas); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDayOff(ctx, "", xmas); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

// entryObject is a hand-written time entry object: the store keeps Data as
// given and indexes Timing, so the codec is not needed here.
func entryObject(calID int64, uid string, start time.Time, d time.Duration) model.Object {
	data := fmt.Sprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rota//test//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20261121T100000Z\r\nDTSTART:%s\r\nDURATION:PT%dM\r\nSUMMARY:work\r\nX-ROTA-KIND:time_entry\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		uid, start.UTC().Format("20060102T150405Z"), int(d/time.Minute))
	return model.Object{CalendarID: calID, Name: uid + ".ics", UID: uid, Component: "VEVENT", Data: []byte(data), Summary: "work",
		Timing: model.Timing{Start: start.UTC(), Duration: d, HasEnd: true}}
}

func TestApprovedDayIsReadOnly(t *testing.T) {
	ctx := context.Background()
	s := openTS(t, filepath.Join(t.TempDir(), "rota.db"))
	cal, err := s.TimesheetCalendar(ctx, "ann", "ann", "Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := s.TimesheetCalendar(ctx, "ann", "ann", "UTC"); err != nil || again.ID != cal.ID {
		t.Fatalf("second lookup made another calendar: %+v %v", again, err)
	}
	other := model.Calendar{Owner: "ann", Name: "work", Kind: model.CalendarEvents}
	if err := s.CreateCalendar(ctx, &other); err != nil {
		t.Fatal(err)
	}
	berlin, _ := model.LoadZone("Europe/Berlin")
	fri := model.LocalDate{Year: 2026, Month: 11, Day: 20}
	at := func(d model.LocalDate, h int) time.Time { return time.Date(d.Year, d.Month, d.Day, h, 0, 0, 0, berlin) }

	onFri := entryObject(cal.ID, "fri", at(fri, 9), 3*time.Hour)
	// 23:30 Thursday Berlin time to 00:30 Friday: touches Friday too.
	lateThu := entryObject(cal.ID, "thu", at(fri.AddDays(-1), 23).Add(30*time.Minute), time.Hour)
	onMon := entryObject(cal.ID, "mon", at(fri.AddDays(3), 9), time.Hour)
	for _, o := range []*model.Object{&onFri, &lateThu, &onMon} {
		if _, err := s.PutObject(ctx, o, model.Condition{}); err != nil {
			t.Fatal(err)
		}
	}
	evOnFri := entryObject(other.ID, "fri", at(fri, 9), time.Hour)
	if _, err := s.PutObject(ctx, &evOnFri, model.Condition{}); err != nil {
		t.Fatal(err)
	}

	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for _, step := range []func(model.Approval) (model.Approval, error){
		func(a model.Approval) (model.Approval, error) { return a.Submit("ann", now) },
		func(a model.Approval) (model.Approval, error) { return a.Approve("boss", now) },
	} {
		if _, err := s.UpdateApprovals(ctx, "ann", fri, fri, step); err != nil {
			t.Fatal(err)
		}
	}
	head, _ := s.Head(ctx)

	refused := []struct {
		name string
		do   func() error
	}{
		{"change an entry on the day", func() error {
			o := entryObject(cal.ID, "fri", at(fri, 9), 4*time.Hour)
			_, err := s.PutObject(ctx, &o, model.Condition{})
			return err
		}},
		{"move an entry off the day", func() error {
			o := entryObject(cal.ID, "fri", at(fri.AddDays(3), 9), 3*time.Hour)
			_, err := s.PutObject(ctx, &o, model.Condition{})
			return err
		}},
		{"move an entry onto the day", func() error {
			o := entryObject(cal.ID, "mon", at(fri, 18), time.Hour)
			_, err := s.PutObject(ctx, &o, model.Condition{})
			return err
		}},
		{"add an entry on the day", func() error {
			o := entryObject(cal.ID, "new", at(fri, 13), time.Hour)
			_, err := s.PutObject(ctx, &o, model.Condition{IfNoneMatch: true})
			return err
		}},
		{"shorten the entry from Thursday night", func() error {
			o := entryObject(cal.ID, "thu", at(fri.AddDays(-1), 23).Add(30*time.Minute), 20*time.Minute)
			_, err := s.PutObject(ctx, &o, model.Condition{})
			return err
		}},
		{"delete an entry on the day", func() error { return s.DeleteObject(ctx, cal.ID, "fri.ics", model.Condition{}) }},
		{"import onto the day", func() error {
			_, _, err := s.PutObjects(ctx, cal.ID, []model.Object{
				entryObject(cal.ID, "imp1", at(fri.AddDays(4), 9), time.Hour),
				entryObject(cal.ID, "imp2", at(fri, 20), time.Hour),
			})
			return err
		}},
	}
	for _, c := range refused {
		err := c.do()
		if !errors.Is(err, model.ErrReadOnly) || !strings.Contains(err.Error(), "2026-11-20") || !strings.Contains(err.Error(), "reopen it first") {
			t.Errorf("%s: %v, want read-only naming 2026-11-20", c.name, err)
		}
	}
	if h, _ := s.Head(ctx); h != head {
		t.Errorf("refused writes moved the change log from %d to %d", head, h)
	}
	if _, err := s.ObjectByUID(ctx, cal.ID, "imp1"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("refused import wrote part of itself: %v", err)
	}

	// Other days, and other calendars, stay writable.
	o := entryObject(cal.ID, "mon", at(fri.AddDays(3), 10), time.Hour)
	if _, err := s.PutObject(ctx, &o, model.Condition{}); err != nil {
		t.Errorf("move within Monday: %v", err)
	}
	ev := entryObject(other.ID, "fri", at(fri, 10), time.Hour)
	if _, err := s.PutObject(ctx, &ev, model.Condition{}); err != nil {
		t.Errorf("an appointment on the approved day: %v", err)
	}

	// Reopened, the day takes changes again.
	if _, err := s.UpdateApprovals(ctx, "ann", fri, fri, func(a model.Approval) (model.Approval, error) { return a.Reopen("boss", now) }); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteObject(ctx, cal.ID, "fri.ics", model.Condition{}); err != nil {
		t.Errorf("delete after reopen: %v", err)
	}
}

// TestTimesheetWritesMoveHead: an open TUI watches Head, so approvals and
// timers changed by another process must move it.
func TestTimesheetWritesMoveHead(t *testing.T) {
	ctx := context.Background()
	s := openTS(t, filepath.Join(t.TempDir(), "rota.db"))
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	d := model.LocalDate{Year: 2026, Month: 11, Day: 20}
	steps := []struct {
		name string
		do   func() error
	}{
		{"start timer", func() error { return s.StartTimer(ctx, model.Timer{Person: "ann", Start: now}) }},
		{"clear timer", func() error { return s.ClearTimer(ctx, model.Timer{Person: "ann", Start: now}) }},
		{"submit", func() error {
			_, err := s.UpdateApprovals(ctx, "ann", d, d, func(a model.Approval) (model.Approval, error) { return a.Submit("ann", now) })
			return err
		}},
		{"workday rule", func() error { return s.PutWorkdayRule(ctx, model.StandardWorkday("ann")) }},
		{"day off", func() error { return s.PutDayOff(ctx, model.DayOff{Date: d, Reason: "x"}) }},
	}
	for _, st := range steps {
		before, _ := s.Head(ctx)
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if after, _ := s.Head(ctx); after <= before {
			t.Errorf("%s left the head at %d", st.name, after)
		}
	}
	before, _ := s.Head(ctx)
	if err := s.ClearTimer(ctx, model.Timer{Person: "ann", Start: now}); !errors.Is(err, model.ErrNotFound) {
		t.Fatal(err)
	}
	if after, _ := s.Head(ctx); after != before {
		t.Errorf("a clear that changed nothing moved the head")
	}
}

// recurringEntry is a time entry repeated by rule (a phone may make one).
func recurringEntry(calID int64, uid string, start time.Time, d time.Duration, rrule string) model.Object {
	o := entryObject(calID, uid, start, d)
	o.Data = []byte(strings.Replace(string(o.Data), "SUMMARY:work\r\n", "SUMMARY:work\r\nRRULE:"+rrule+"\r\n", 1))
	o.Timing.RRule = rrule
	return o
}

func TestApprovedDayGuardsRecurringEntries(t *testing.T) {
	ctx := context.Background()
	s := openTS(t, filepath.Join(t.TempDir(), "rota.db"))
	cal, err := s.TimesheetCalendar(ctx, "ann", "ann", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	fri := model.LocalDate{Year: 2026, Month: 11, Day: 20}
	for _, step := range []func(model.Approval) (model.Approval, error){
		func(a model.Approval) (model.Approval, error) { return a.Submit("ann", now) },
		func(a model.Approval) (model.Approval, error) { return a.Approve("boss", now) },
	} {
		if _, err := s.UpdateApprovals(ctx, "ann", fri, fri, step); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday
	daily := recurringEntry(cal.ID, "daily", start, time.Hour, "FREQ=DAILY;COUNT=30")
	if _, err := s.PutObject(ctx, &daily, model.Condition{}); !errors.Is(err, model.ErrReadOnly) {
		t.Errorf("a daily entry over the approved Friday: %v", err)
	}
	mondays := recurringEntry(cal.ID, "mondays", start, time.Hour, "FREQ=WEEKLY;BYDAY=MO")
	if _, err := s.PutObject(ctx, &mondays, model.Condition{}); err != nil {
		t.Errorf("an open-ended Monday entry never touches the Friday: %v", err)
	}
}

func TestDaysOffFromAvailability(t *testing.T) {
	ctx := context.Background()
	s := openTS(t, filepath.Join(t.TempDir(), "rota.db"))
	d := func(day int) model.LocalDate { return model.LocalDate{Year: 2026, Month: 12, Day: day} }
	av := model.Availability{Name: "ann-hours", Owner: "ann", Person: "ann", TimeZone: "Europe/Berlin",
		Rules: []model.AvailabilityRule{{Weekday: time.Monday, Intervals: []model.DayInterval{{From: 9 * time.Hour, To: 17 * time.Hour}}}},
		Absences: []model.Absence{
			{From: d(21), To: d(23), Reason: "ski trip", Leave: true, State: model.AbsenceApproved},
			{From: d(28), To: d(28), Reason: "asked", Leave: true, State: model.AbsenceRequested},
			{From: d(29), To: d(29), Reason: "refused", Leave: true, State: model.AbsenceRejected},
		}}
	if err := s.PutAvailability(ctx, &av); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDayOff(ctx, model.DayOff{Date: d(25), Reason: "Christmas"}); err != nil {
		t.Fatal(err)
	}
	offs, err := s.DaysOff(ctx, "ann", d(22), d(31))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range offs {
		got = append(got, fmt.Sprintf("%s %s %v", o.Date, o.Reason, o.Counts("ann")))
	}
	want := []string{"2026-12-22 ski trip true", "2026-12-23 ski trip true", "2026-12-25 Christmas true", "2026-12-28 asked false"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("days off:\n got %q\nwant %q", got, want)
	}
}
