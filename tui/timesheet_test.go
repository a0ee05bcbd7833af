package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rota/model"
	"rota/store/sqlite"
)

var _ TimesheetStore = (*sqlite.Store)(nil)

// tsModel is a frame over st at fixedNow with the timesheet screen of
// alice as screen 5, switched to.
func tsModel(t *testing.T, st *sqlite.Store, w, h int) *Model {
	t.Helper()
	m := New(Options{Store: st, Now: func() time.Time { return fixedNow }, Location: berlin, Owner: "alice", Poll: -1,
		Screens: []Screen{NewTimesheet(st, "alice", "alice")}})
	drive(t, m, m.Init())
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} })
	press(t, m, "5")
	return m
}

// tsFixture is the frame's fixture week plus alice's timesheet: Monday
// with an overlap, Tuesday with a lunch break, a day off on Friday.
func tsFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	cal, err := f.st.TimesheetCalendar(ctx, "alice", "alice", "Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	f.cals["timesheet"] = cal.ID
	for _, e := range []model.TimeEntry{
		{UID: "e1", Start: at(23, 8, 0), End: at(23, 10, 0), Activity: "support", Client: "acme", Billable: true},
		{UID: "e2", Start: at(23, 9, 30), End: at(23, 10, 0), Activity: "triage"},
		{UID: "e3", Start: at(24, 9, 0), End: at(24, 17, 30), Activity: "dev", Client: "globex", Label: "project-x"},
		{UID: "e4", Start: at(24, 12, 0), End: at(24, 12, 30), Break: true},
	} {
		e.Person = "alice"
		f.add(t, "timesheet", e.Event())
	}
	if err := f.st.PutDayOff(ctx, model.DayOff{Date: model.LocalDate{Year: 2026, Month: 11, Day: 27}, Reason: "company holiday"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestTimesheetGolden(t *testing.T) {
	f := tsFixture(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		name := "timesheet_" + itoa(size[0]) + "x" + itoa(size[1])
		t.Run(name, func(t *testing.T) {
			m := tsModel(t, f.st, size[0], size[1])
			got := screen(m)
			if n := strings.Count(got, "\n"); n != size[1] {
				t.Errorf("%d lines, want %d", n, size[1])
			}
			for _, want := range []string{"worked 10:00/32:00 (-22:00)", "1 overlap", "Mon 23", "08:00!sup", "+10:00 De", "off: comp"} {
				if !strings.Contains(got, want) {
					t.Errorf("view lacks %q", want)
				}
			}
			golden(t, name, got)
		})
	}
}

func TestTimesheetTimerAcrossRestart(t *testing.T) {
	f := tsFixture(t)
	ctx := context.Background()
	m := tsModel(t, f.st, 120, 40)
	press(t, m, "space")
	tm, err := f.st.Timer(ctx, "alice")
	if err != nil || !tm.Start.Equal(fixedNow) || tm.Activity != "support" || !tm.Billable {
		t.Fatalf("timer after space on the first entry: %+v %v", tm, err)
	}

	// A new frame (the program restarted) an hour and a half later shows it.
	later := fixedNow.Add(90 * time.Minute)
	m2 := New(Options{Store: f.st, Now: func() time.Time { return later }, Location: berlin, Owner: "alice", Poll: -1,
		Screens: []Screen{NewTimesheet(f.st, "alice", "alice")}})
	drive(t, m2, m2.Init())
	drive(t, m2, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} })
	if got := tsStatusLine(m2); !strings.Contains(got, "⏱ 1:30 support") {
		t.Errorf("status line of the agenda after restart: %q", got)
	}
	press(t, m2, "5")
	if got := tsStatusLine(m2); !strings.Contains(got, "⏱ 1:30 support") {
		t.Errorf("status line of the timesheet after restart: %q", got)
	}
	if !strings.Contains(tsHelpLine(m2), "stop timer") {
		t.Errorf("help line: %q", tsHelpLine(m2))
	}
	press(t, m2, "space")
	if _, err := f.st.Timer(ctx, "alice"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("timer after stop: %v", err)
	}
	got := screen(m2)
	if !strings.Contains(got, "logged 1:30 support (acme)") || !strings.Contains(got, "worked 11:30/32:00") {
		t.Errorf("after stop:\n%s", got)
	}
}

func tsStatusLine(m *Model) string {
	lines := strings.Split(strings.TrimRight(screen(m), "\n"), "\n")
	return lines[len(lines)-2]
}

// The timer runs in the status line of every screen; space starts it on
// the selected appointment from a calendar view and stops it from another
// one; a timer started by another door shows without a visit to the
// timesheet.
func TestTimerEverywhere(t *testing.T) {
	f := tsFixture(t)
	ctx := context.Background()
	now := fixedNow
	m := New(Options{Store: f.st, Now: func() time.Time { return now }, Location: berlin, Owner: "alice", Poll: -1,
		Screens: []Screen{NewTimesheet(f.st, "alice", "alice"), &typingScreen{}}})
	drive(t, m, m.Init())
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} })
	if got := tsStatusLine(m); strings.Contains(got, "⏱") {
		t.Fatalf("status line before any timer: %q", got)
	}
	if got := tsHelpLine(m); !strings.Contains(got, "space start timer") {
		t.Errorf("agenda help line lacks the timer key: %q", got)
	}
	press(t, m, "?")
	if got := screen(m); !strings.Contains(got, "every screen") || !strings.Contains(got, "start timer") {
		t.Errorf("? page lacks the global keys:\n%s", got)
	}
	press(t, m, "esc")
	press(t, m, "2")
	for i := 0; i < 9; i++ { // entries of the timesheet calendar show too
		if in, _ := m.Selected(); in.Summary == "Design review" {
			break
		}
		press(t, m, "j")
	}
	press(t, m, "space")
	tm, err := f.st.Timer(ctx, "alice")
	if err != nil || tm.Activity != "Design review" || tm.Link != "review" || !tm.Start.Equal(fixedNow) {
		t.Fatalf("timer started from the day view: %+v %v", tm, err)
	}
	if got := tsStatusLine(m); !strings.Contains(got, "⏱ 0:00 Design review") || !strings.Contains(got, "timer started: Design review") {
		t.Errorf("status line after space: %q", got)
	}

	// The clock moves on with the store watch; the week view stops it.
	now = fixedNow.Add(45 * time.Minute)
	drive(t, m, func() tea.Msg { return pollMsg{} })
	press(t, m, "3")
	if got := tsStatusLine(m); !strings.Contains(got, "⏱ 0:45 Design review") {
		t.Errorf("status line of the week view 45 minutes later: %q", got)
	}
	if got := tsHelpLine(m); !strings.Contains(got, "space stop timer") {
		t.Errorf("week help line: %q", got)
	}
	press(t, m, "space")
	if _, err := f.st.Timer(ctx, "alice"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("timer after space in the week view: %v", err)
	}
	if got := tsStatusLine(m); strings.Contains(got, "⏱") || !strings.Contains(got, "logged 0:45 Design review") {
		t.Errorf("status line after stop: %q", got)
	}
	press(t, m, "5")
	if got := screen(m); !strings.Contains(got, "worked 10:45/32:00") || !strings.Contains(got, "10:12 Design") {
		t.Errorf("timesheet after a stop elsewhere:\n%s", got)
	}

	// Another door starts one: a plugged screen shows it after the next
	// poll, and its own keys are its own.
	press(t, m, "6")
	drive(t, m, func() tea.Msg { return pollMsg{} })
	if err := f.st.StartTimer(ctx, model.Timer{Person: "alice", Start: now, Activity: "phone"}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(10 * time.Minute)
	drive(t, m, func() tea.Msg { return pollMsg{} })
	if got := tsStatusLine(m); !strings.Contains(got, "⏱ 0:10 phone") {
		t.Errorf("status line of a plugged screen after another door started a timer: %q", got)
	}
	press(t, m, "space") // on a screen with no selection: stops it
	if _, err := f.st.Timer(ctx, "alice"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("timer after space on the plugged screen: %v", err)
	}
}

// A screen that binds the timer's key keeps it.
func TestGlobalKeyShadowed(t *testing.T) {
	f := tsFixture(t)
	scr := &typingScreen{}
	m := New(Options{Store: f.st, Now: func() time.Time { return fixedNow }, Location: berlin, Owner: "alice", Poll: -1,
		Screens: []Screen{NewTimesheet(f.st, "alice", "alice"), &spaceScreen{scr}}})
	drive(t, m, m.Init())
	press(t, m, "6", "space")
	if scr.typed != "space" {
		t.Errorf("the active screen's own space went elsewhere: typed %q", scr.typed)
	}
	if _, err := f.st.Timer(context.Background(), "alice"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("space started the timer on a screen that binds it: %v", err)
	}
	if strings.Contains(tsHelpLine(m), "timer") {
		t.Errorf("help line lists the shadowed timer key: %q", tsHelpLine(m))
	}
}

// spaceScreen binds space itself.
type spaceScreen struct{ *typingScreen }

func (s *spaceScreen) Keys(m *Model) []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "type a space"))}
}

func tsHelpLine(m *Model) string {
	lines := strings.Split(strings.TrimRight(screen(m), "\n"), "\n")
	return lines[len(lines)-1]
}

func TestTimesheetLogAppointment(t *testing.T) {
	f := tsFixture(t)
	m := tsModel(t, f.st, 120, 40)
	// Monday: two entries, then the standup, the design review, the 1:1.
	press(t, m, "down", "down", "down")
	if got := screen(m); !strings.Contains(got, `a: log "Design review" Mon 10:00-11:30 as time`) {
		t.Fatalf("selection:\n%s", got)
	}
	press(t, m, "a")
	got := screen(m)
	if strings.Contains(got, "+10:00 Design review") || !strings.Contains(got, "logged Design review") || !strings.Contains(got, "worked 11:30/32:00") {
		t.Errorf("after logging the review:\n%s", got)
	}

	// Approved days refuse it, and say so.
	now := fixedNow
	for _, step := range []func(model.Approval) (model.Approval, error){
		func(a model.Approval) (model.Approval, error) { return a.Submit("alice", now) },
		func(a model.Approval) (model.Approval, error) { return a.Approve("boss", now) },
	} {
		d := model.LocalDate{Year: 2026, Month: 11, Day: 23}
		if _, err := f.st.UpdateApprovals(context.Background(), "alice", d, d, step); err != nil {
			t.Fatal(err)
		}
	}
	drive(t, m, func() tea.Msg { return StoreChangedMsg{} })
	// Row 3 is now the standup: the logged review joined the entries.
	if got := screen(m); !strings.Contains(got, `a: log "Standup" Mon 09:00-09:15 as time`) {
		t.Fatalf("selection after reload:\n%s", got)
	}
	press(t, m, "a")
	if got := screen(m); !strings.Contains(got, "2026-11-23 of alice is approved; reopen it first") || !strings.Contains(got, "Mon 23 ✓") {
		t.Errorf("logging on an approved day:\n%s", got)
	}
}

func TestTimesheetWeekKeys(t *testing.T) {
	f := tsFixture(t)
	m := tsModel(t, f.st, 120, 40)
	press(t, m, "]")
	if got := screen(m); !strings.Contains(got, "week of 30 Nov 2026") || !strings.Contains(got, "+13:00 Quarterl") {
		t.Errorf("next week:\n%s", got)
	}
	press(t, m, "t", "left")
	if got := screen(m); !strings.Contains(got, "week of 16 Nov 2026") {
		t.Errorf("left from Monday: %s", strings.SplitN(got, "\n", 2)[0])
	}
}
