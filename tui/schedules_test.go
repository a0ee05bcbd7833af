package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"rota/model"
	"rota/model/ics"
	"rota/planner"
	"rota/store/sqlite"
)

var (
	_ ScheduleStore = (*sqlite.Store)(nil)
	_ SlotStore     = (*sqlite.Store)(nil)
)

// scheduleFixture stores schedule "yoga": Mondays 10:00 in Berlin for john
// from 2 November to 28 December 2026, generated on 1 November, with the
// occurrence of 30 November moved to 12:00 by hand (as a phone would).
func scheduleFixture(t *testing.T) (*sqlite.Store, model.Schedule) {
	t.Helper()
	ctx := context.Background()
	st := newStore(t)
	cal := model.Calendar{Owner: "alice", Name: "classes", Kind: model.CalendarSchedule, TimeZone: "Europe/Berlin"}
	if err := st.CreateCalendar(ctx, &cal); err != nil {
		t.Fatal(err)
	}
	d := func(s string) model.LocalDate { x, _ := model.ParseLocalDate(s); return x }
	s := model.Schedule{Owner: "alice", Name: "yoga", CalendarID: cal.ID, TimeZone: "Europe/Berlin",
		Template: model.ScheduleTemplate{Title: "Yoga"}, Start: d("2026-11-02"), End: d("2026-12-28"),
		Series: []model.WeekdaySeries{{Weekday: time.Monday, Person: "john", Time: 10 * time.Hour, Duration: time.Hour, Capacity: 4}}}
	if err := st.CreateSchedule(ctx, &s); err != nil {
		t.Fatal(err)
	}
	if _, err := planner.Regenerate(ctx, st, &s, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), false, false); err != nil {
		t.Fatal(err)
	}
	objs, err := st.ListObjects(ctx, cal.ID, true)
	if err != nil || len(objs) != 1 {
		t.Fatalf("objects %v %v", len(objs), err)
	}
	evs, err := ics.Events(objs[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	ov := evs[0]
	ov.Recurrence, ov.RecurrenceID = nil, at(30, 10, 0)
	ov.Start, ov.End = at(30, 12, 0), at(30, 13, 0)
	o, err := ics.Apply(objs[0].Data, ov)
	if err != nil {
		t.Fatal(err)
	}
	o.CalendarID, o.Name = cal.ID, objs[0].Name
	if _, err := st.PutObject(ctx, &o, model.Condition{IfMatch: objs[0].ETag}); err != nil {
		t.Fatal(err)
	}
	return st, s
}

func newScheduleModel(t *testing.T, st *sqlite.Store) *Model {
	t.Helper()
	m := New(Options{Store: st, Now: func() time.Time { return fixedNow }, Location: berlin, Owner: "alice", Poll: -1,
		Screens: []Screen{NewSchedules(st, "alice"), NewSlots(st)}})
	drive(t, m, m.Init())
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} })
	return m
}

func plain(m *Model) string { return ansi.Strip(m.View().Content) }

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

func TestSchedulesScreen(t *testing.T) {
	ctx := context.Background()
	st, s := scheduleFixture(t)
	m := newScheduleModel(t, st)
	press(t, m, "5")
	v := plain(m)
	if !strings.Contains(v, "yoga") || !strings.Contains(v, "Mo ·· ·· ·· ·· ·· ··") {
		t.Fatalf("schedule list or weekly pattern missing:\n%s", v)
	}
	row := lineWith(v, "2026-11-30")
	if !strings.Contains(row, "10:00 1h") || !strings.Contains(row, "12:00 1h") || !strings.Contains(row, "time") {
		t.Fatalf("hand-changed occurrence row %q", row)
	}
	if !strings.Contains(lineWith(v, "2026-12-07"), "stable") {
		t.Fatalf("7 Dec row %q", lineWith(v, "2026-12-07"))
	}

	// The series moves to 11:00 elsewhere (the CLI); r previews.
	s.Series[0].Time = 11 * time.Hour
	if err := st.UpdateSchedule(ctx, &s); err != nil {
		t.Fatal(err)
	}
	drive(t, m, func() tea.Msg { return StoreChangedMsg{} })
	press(t, m, "r")
	v = plain(m)
	if !strings.Contains(v, "preview: 0 to create, 4 to change") || !strings.Contains(lineWith(v, "2026-11-30"), "changed by hand: time") {
		t.Fatalf("preview:\n%s", v)
	}
	if !strings.Contains(lastLine(v), "apply") || !strings.Contains(lastLine(v), "force: off") {
		t.Fatalf("help line in preview: %q", lastLine(v))
	}
	press(t, m, "f")
	if v = plain(m); !strings.Contains(v, "5 to change, 0 to delete, 0 kept") {
		t.Fatalf("forced preview:\n%s", v)
	}
	press(t, m, "f", "enter")
	v = plain(m)
	if !strings.Contains(v, "regenerated: 0 to create, 4 to change") {
		t.Fatalf("after apply:\n%s", v)
	}
	if row := lineWith(v, "2026-11-30"); !strings.Contains(row, "12:00 1h") || !strings.Contains(row, "time") {
		t.Fatalf("hand change lost without force: %q", row)
	}
	if row := lineWith(v, "2026-12-07"); strings.Count(row, "11:00 1h") != 2 {
		t.Fatalf("7 Dec not regenerated: %q", row)
	}
	if row := lineWith(v, "2026-11-23"); !strings.Contains(row, "10:00 1h") {
		t.Fatalf("today's started occurrence rewritten: %q", row)
	}
}

func TestSlotFinderBooks(t *testing.T) {
	ctx := context.Background()
	st, _ := scheduleFixture(t)
	if err := st.PutPerson(ctx, model.Person{Name: "john"}); err != nil {
		t.Fatal(err)
	}
	av := model.Availability{Owner: "alice", Name: "john", Person: "john", TimeZone: "Europe/Berlin",
		Rules:    []model.AvailabilityRule{{Weekday: time.Monday, Intervals: []model.DayInterval{{From: 9 * time.Hour, To: 12 * time.Hour}}}},
		Absences: []model.Absence{{From: model.DateOf(at(30, 0, 0)), To: model.DateOf(at(30, 0, 0)), Leave: true, State: model.AbsenceApproved, Reason: "dentist"}}}
	if err := st.PutAvailability(ctx, &av); err != nil {
		t.Fatal(err)
	}
	work := model.Calendar{Owner: "alice", Name: "work", Kind: model.CalendarEvents, TimeZone: "Europe/Berlin"}
	if err := st.CreateCalendar(ctx, &work); err != nil {
		t.Fatal(err)
	}
	m := newScheduleModel(t, st)
	press(t, m, "6")
	v := plain(m)
	// Monday 23 Nov, now 10:12: 9-12 less the 10:00 class and the past.
	if row := lineWith(v, "Mon 23 Nov"); !strings.HasSuffix(strings.TrimSpace(row), "11:00 11:30") {
		t.Fatalf("slots of Monday %q\n%s", row, v)
	}
	if !strings.Contains(v, "mon 09:00-12:00") || !strings.Contains(v, "leave 2026-11-30..2026-11-30 approved dentist") {
		t.Fatalf("availability not shown:\n%s", v)
	}
	press(t, m, "enter")
	v = plain(m)
	if !strings.Contains(v, "booked Mon 23 Nov 11:00") {
		t.Fatalf("no booking message:\n%s", v)
	}
	if row := lineWith(v, "Mon 23 Nov"); !strings.HasSuffix(strings.TrimSpace(row), "11:30") || strings.Contains(row, "11:00") {
		t.Fatalf("booked slot still offered: %q", row)
	}
	insts, err := st.Instances(ctx, []int64{work.ID}, model.Range{From: at(23, 0, 0), To: at(24, 0, 0)}, berlin)
	if err != nil || len(insts) != 1 || !insts[0].Start.Equal(at(23, 11, 0)) {
		t.Fatalf("stored booking %+v %v", insts, err)
	}
	press(t, m, "+", "+")
	if !strings.Contains(plain(m), "person john · 1h · 7 days from 23 Nov 2026") {
		t.Fatalf("title after + +: %q", strings.Split(plain(m), "\n")[0])
	}
}

var _ AvailabilityStore = (*sqlite.Store)(nil)

func TestAvailabilityEditor(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	av := model.Availability{Owner: "alice", Name: "john", Person: "john", TimeZone: "Europe/Berlin",
		Rules: []model.AvailabilityRule{{Weekday: time.Monday, Intervals: []model.DayInterval{{From: 9 * time.Hour, To: 12 * time.Hour}}}}}
	if err := st.PutAvailability(ctx, &av); err != nil {
		t.Fatal(err)
	}
	m := New(Options{Store: st, Now: func() time.Time { return fixedNow }, Location: berlin, Owner: "alice", Poll: -1,
		Screens: []Screen{NewAvailability(st, "alice")}})
	drive(t, m, m.Init())
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 100, Height: 30} })
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} })
	press(t, m, "?") // before the editor was ever opened
	if v := plain(m); !strings.Contains(v, "open/close day") || !strings.Contains(v, "ask leave") {
		t.Errorf("? page lacks the availability keys:\n%s", v)
	}
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 100, Height: 30} })
	press(t, m, "esc", "5")
	if row := lineWith(plain(m), "mon "); !strings.Contains(row, "09:00-12:00") || !strings.Contains(row, "█") {
		t.Fatalf("monday row %q", row)
	}
	press(t, m, "]", "}", "}")
	press(t, m, "j", "o")                                    // Tuesday opens 09:00-17:00
	press(t, m, "a", "j", "j", "j", "j", "j", "j", "j", "s") // leave on the cursor day, then approve it
	got, err := st.AvailabilityFor(ctx, "john", 0)
	if err != nil {
		t.Fatal(err)
	}
	if iv := got.Rules[0].Intervals[0]; iv.From != 9*time.Hour+30*time.Minute || iv.To != 13*time.Hour {
		t.Fatalf("monday after ] } }: %v-%v", iv.From, iv.To)
	}
	if len(got.Rules) != 2 || got.Rules[1].Weekday != time.Tuesday {
		t.Fatalf("rules %+v; want Tuesday opened", got.Rules)
	}
	if len(got.Absences) != 1 || got.Absences[0].From.String() != "2026-11-23" || got.Absences[0].State != model.AbsenceApproved {
		t.Fatalf("absences %+v", got.Absences)
	}
	v := plain(m)
	if !strings.Contains(v, "leave   2026-11-23..2026-11-23  approved") || !strings.Contains(v, "absence 2026-11-23 approved") {
		t.Fatalf("view:\n%s", v)
	}
	if !strings.Contains(lastLine(v), "s requested/approved/rejected") {
		t.Fatalf("help line on an absence: %q", lastLine(v))
	}
	press(t, m, "x")
	if got, _ := st.AvailabilityFor(ctx, "john", 0); len(got.Absences) != 0 {
		t.Fatalf("absence not removed: %+v", got.Absences)
	}
}

// TestGoldenSchedules renders the schedules screen, its regeneration
// preview and the slot finder at 80x24 and 120x40 (go test ./tui -run
// TestGoldenSchedules -update refreshes them).
func TestGoldenSchedules(t *testing.T) {
	ctx := context.Background()
	for _, size := range []struct{ w, h int }{{80, 24}, {120, 40}} {
		st, s := scheduleFixture(t)
		if err := st.PutPerson(ctx, model.Person{Name: "john"}); err != nil {
			t.Fatal(err)
		}
		av := model.Availability{Owner: "alice", Name: "john", Person: "john", TimeZone: "Europe/Berlin",
			Rules: []model.AvailabilityRule{{Weekday: time.Monday, Intervals: []model.DayInterval{{From: 9 * time.Hour, To: 17 * time.Hour}}},
				{Weekday: time.Tuesday, Intervals: []model.DayInterval{{From: 9 * time.Hour, To: 12 * time.Hour}}}}}
		if err := st.PutAvailability(ctx, &av); err != nil {
			t.Fatal(err)
		}
		m := New(Options{Store: st, Now: func() time.Time { return fixedNow }, Location: berlin, Owner: "alice", Poll: -1,
			Screens: []Screen{NewSchedules(st, "alice"), NewSlots(st), NewAvailability(st, "alice")}})
		drive(t, m, m.Init())
		drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: size.w, Height: size.h} })
		suffix := fmt.Sprintf("_%dx%d", size.w, size.h)
		press(t, m, "5")
		golden(t, "schedules"+suffix, screen(m))
		s.Series[0].Time = 11 * time.Hour
		if err := st.UpdateSchedule(ctx, &s); err != nil {
			t.Fatal(err)
		}
		drive(t, m, func() tea.Msg { return StoreChangedMsg{} })
		press(t, m, "r")
		golden(t, "schedules_preview"+suffix, screen(m))
		press(t, m, "esc", "6")
		golden(t, "slots"+suffix, screen(m))
		press(t, m, "7")
		golden(t, "availability"+suffix, screen(m))
	}
}
