package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rota/model"
	"rota/model/ics"
)

func selectedTitle(m *Model) string {
	in, ok := m.selected()
	if !ok {
		return ""
	}
	return in.Summary
}

func TestNavigation(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 80, 24)
	if got := m.Day(); !got.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, berlin)) {
		t.Fatalf("start day %v", got)
	}
	press(t, m, "3") // week
	if m.cur != 2 {
		t.Fatalf("screen %d, want week", m.cur)
	}
	press(t, m, "l", "l")
	if m.Day().Day() != 25 {
		t.Errorf("after l l day %d, want 25", m.Day().Day())
	}
	if got := selectedTitle(m); got != "Conference" {
		t.Errorf("selected %q on Wednesday, want the all-day Conference first", got)
	}
	press(t, m, "j")
	if got := selectedTitle(m); got != "Standup (late)" {
		t.Errorf("selected %q, want the moved standup", got)
	}
	press(t, m, "]")
	if m.Day().Day() != 2 || m.Day().Month() != time.December {
		t.Errorf("] moved to %v, want 2 Dec", m.Day())
	}
	if !covers(m.loaded, model.Range{From: time.Date(2026, 11, 30, 0, 0, 0, 0, berlin), To: time.Date(2026, 12, 7, 0, 0, 0, 0, berlin)}) {
		t.Errorf("loaded %v..%v, want the next week", m.loaded.From, m.loaded.To)
	}
	press(t, m, "t")
	if m.Day().Day() != 23 {
		t.Errorf("t went to %v", m.Day())
	}
	press(t, m, "tab")
	if m.cur != 3 {
		t.Errorf("tab: screen %d, want month", m.cur)
	}
	press(t, m, "j", "enter")
	if m.cur != 1 || m.Day().Day() != 30 {
		t.Errorf("enter on month day: screen %d day %v, want day view of 30 Nov", m.cur, m.Day())
	}
	press(t, m, "1", "t", "j", "j")
	if got := selectedTitle(m); got != "1:1 with Bob" {
		t.Errorf("agenda j j selected %q", got)
	}
	press(t, m, "q")
}

func TestHelpLineListsLiveKeys(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 200, 24)
	press(t, m, "2") // day view, Monday: standup selected
	line := lastLine(screen(m))
	if !strings.Contains(line, "edit") || !strings.Contains(line, "delete") {
		t.Errorf("help line with a selection lacks edit/delete: %q", line)
	}
	press(t, m, "l", "l", "l", "l", "l", "l") // Sunday 29: nothing there
	if _, ok := m.selected(); ok {
		t.Fatalf("expected an empty day, got %q", selectedTitle(m))
	}
	line = lastLine(screen(m))
	if strings.Contains(line, "edit") || strings.Contains(line, "delete") {
		t.Errorf("help line without a selection lists edit/delete: %q", line)
	}
	press(t, m, "?")
	if !strings.Contains(screen(m), "15 min later") {
		t.Error("? page lacks the move keys")
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestDetailShowsEveryField(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 119, 40) // the pane takes the whole window
	press(t, m, "2", "j", "enter")
	s := screen(m)
	for _, want := range []string{"Design review", "Room A", "Bob <bob@example.com> · tentative", "● design", "Projector",
		"15 min before", "Bring the prototype.", "lead time", "10 min", "priority", "confirmed"} {
		if !strings.Contains(s, want) {
			t.Errorf("detail lacks %q:\n%s", want, s)
		}
	}
	press(t, m, "esc", "l", "l", "j", "enter") // Wednesday's moved standup
	s = screen(m)
	if !strings.Contains(s, "changed by hand") || !strings.Contains(s, "Standup (late)") {
		t.Errorf("override detail:\n%s", s)
	}
}

func TestCreate(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 80, 24)
	press(t, m, "2", "n")
	if m.mode != modeForm {
		t.Fatalf("mode %v after n", m.mode)
	}
	typeText(t, m, "Lunch with Carol")
	press(t, m, "tab", "tab") // start
	clear(t, m)
	typeText(t, m, "12:30")
	press(t, m, "tab")
	clear(t, m)
	typeText(t, m, "13:30")
	press(t, m, "enter")
	if m.mode != modeNormal || m.err != nil {
		t.Fatalf("after save: mode %v err %v form %+v", m.mode, m.err, m.form)
	}
	if got := selectedTitle(m); got != "Lunch with Carol" {
		t.Errorf("selected %q after create", got)
	}
	in, _ := m.selected()
	if !in.Start.Equal(at(23, 12, 30)) || !in.End.Equal(at(23, 13, 30)) {
		t.Errorf("created at %v..%v", in.Start, in.End)
	}
	o, err := f.st.ObjectByUID(context.Background(), f.cals["work"], in.UID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(o.Data), "TZID=Europe/Berlin") {
		t.Errorf("new event not written in the user's zone:\n%s", o.Data)
	}
}

func typeText(t *testing.T, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		k := string(r)
		if r == ' ' {
			k = "space"
		}
		press(t, m, k)
	}
}

func clear(t *testing.T, m *Model) {
	t.Helper()
	press(t, m, "ctrl+u")
	for i := 0; i < 40; i++ {
		press(t, m, "backspace")
	}
}

func TestFormValidatesAsYouType(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 80, 24)
	press(t, m, "2", "j", "j", "e") // 1:1 with Bob
	if m.mode != modeForm || m.form.waiting {
		t.Fatalf("form not open: mode %v", m.mode)
	}
	press(t, m, "tab", "tab", "tab") // end
	clear(t, m)
	typeText(t, m, "10:00")
	var fe *model.FieldError
	if !errors.As(m.form.err, &fe) || fe.Field != "end" {
		t.Fatalf("err %v, want one naming end", m.form.err)
	}
	if !strings.Contains(screen(m), "end: before start") {
		t.Errorf("form does not show the error:\n%s", screen(m))
	}
	press(t, m, "enter") // refused
	if m.mode != modeForm {
		t.Fatal("an invalid form was saved")
	}
	press(t, m, "tab") // all day
	clear(t, m)
	typeText(t, m, "maybe")
	if !errors.As(m.form.err, &fe) || fe.Field != "end" && fe.Field != "all day" {
		t.Errorf("err %v", m.form.err)
	}
}

func TestConflictShownAndMarked(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 120, 40)
	press(t, m, "2", "j", "j", "e") // 1:1 with Bob overlaps the design review Bob attends
	if len(m.form.conflicts) == 0 {
		t.Fatalf("no conflict shown:\n%s", screen(m))
	}
	if !strings.Contains(screen(m), "bob@example.com is also on \"Design review\"") {
		t.Errorf("conflict not worded:\n%s", screen(m))
	}
	press(t, m, "enter")
	o, err := f.st.ObjectByUID(context.Background(), f.cals["work"], "oneone")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := ics.Events(o.Data)
	if err != nil {
		t.Fatal(err)
	}
	if !evs[0].Conflict {
		t.Error("saved anyway, but the event is not marked as conflict")
	}
	// Moving it to 12:00 clears the clash (lead time of the review is before it).
	press(t, m, "J", "J", "J", "J")
	o, _ = f.st.ObjectByUID(context.Background(), f.cals["work"], "oneone")
	evs, _ = ics.Events(o.Data)
	if evs[0].Conflict || !evs[0].Start.Equal(at(23, 12, 0)) {
		t.Errorf("after moving: start %v conflict %v", evs[0].Start, evs[0].Conflict)
	}
}

func TestLostRaceKeepsText(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 80, 24)
	press(t, m, "2", "j", "e") // Design review
	typeText(t, m, " v2")
	// Another door writes the object meanwhile.
	ctx := context.Background()
	o, _ := f.st.ObjectByUID(ctx, f.cals["work"], "review")
	evs, _ := ics.Events(o.Data)
	evs[0].Location = "Room B"
	n, err := ics.Apply(o.Data, evs[0])
	if err != nil {
		t.Fatal(err)
	}
	n.CalendarID, n.Name = o.CalendarID, o.Name
	if _, err := f.st.PutObject(ctx, &n, model.Condition{IfMatch: o.ETag}); err != nil {
		t.Fatal(err)
	}
	press(t, m, "enter")
	if m.mode != modeForm || m.form == nil {
		t.Fatalf("form closed after a lost race (mode %v)", m.mode)
	}
	if !errors.Is(m.form.saveErr, model.ErrConflict) {
		t.Errorf("save error %v, want a conflict", m.form.saveErr)
	}
	if got := m.form.inputs[fTitle].Value(); got != "Design review v2" {
		t.Errorf("title %q, the user's text was lost", got)
	}
	if !strings.Contains(screen(m), "changed elsewhere") {
		t.Errorf("race not reported:\n%s", screen(m))
	}
	o, _ = f.st.ObjectByUID(ctx, f.cals["work"], "review")
	if evs, _ := ics.Events(o.Data); evs[0].Title != "Design review" || evs[0].Location != "Room B" {
		t.Errorf("store has %q at %q: the other write was overwritten", evs[0].Title, evs[0].Location)
	}
}

func TestEditRecurring(t *testing.T) {
	ctx := context.Background()
	t.Run("this one", func(t *testing.T) {
		f := newFixture(t)
		m := newModel(t, f.st, 80, 24)
		press(t, m, "2", "l", "e") // Tuesday's standup
		if m.mode != modeScope {
			t.Fatalf("no scope prompt: mode %v", m.mode)
		}
		press(t, m, "o")
		typeText(t, m, "!")
		press(t, m, "enter")
		if m.err != nil || m.mode != modeNormal {
			t.Fatalf("err %v mode %v", m.err, m.mode)
		}
		o, _ := f.st.ObjectByUID(ctx, f.cals["work"], "standup")
		evs, _ := ics.Events(o.Data)
		if evs[0].Title != "Standup" || len(evs) != 3 {
			t.Fatalf("master %q with %d components, want the master untouched and a second override", evs[0].Title, len(evs))
		}
		if got := selectedTitle(m); got != "Standup!" {
			t.Errorf("selected %q", got)
		}
		in, _ := m.selected()
		if !in.Overridden {
			t.Error("instance not marked overridden")
		}
	})
	t.Run("this and following", func(t *testing.T) {
		f := newFixture(t)
		m := newModel(t, f.st, 80, 24)
		press(t, m, "2", "l", "l", "l", "j", "e", "f") // Thursday 26: Conference, Standup
		press(t, m, "tab", "tab")
		clear(t, m)
		typeText(t, m, "08:45")
		press(t, m, "tab")
		clear(t, m)
		typeText(t, m, "09:00")
		press(t, m, "enter")
		if m.err != nil || m.mode != modeNormal {
			t.Fatalf("err %v mode %v", m.err, m.mode)
		}
		insts, err := f.st.Instances(ctx, nil, model.Range{From: at(23, 0, 0), To: at(28, 0, 0)}, berlin)
		if err != nil {
			t.Fatal(err)
		}
		var starts []string
		for _, in := range insts {
			if strings.HasPrefix(in.Summary, "Standup") {
				starts = append(starts, in.Start.In(berlin).Format("Mon 15:04"))
			}
		}
		want := "Mon 09:00 Tue 09:00 Wed 09:30 Thu 08:45 Fri 08:45"
		if got := strings.Join(starts, " "); got != want {
			t.Errorf("standups %s, want %s", got, want)
		}
	})
	t.Run("following moves later overrides along", func(t *testing.T) {
		f := newFixture(t)
		m := newModel(t, f.st, 80, 24)
		press(t, m, "2", "l", "e", "f") // Tuesday, before Wednesday's override
		typeText(t, m, "!")
		press(t, m, "enter")
		insts, _ := f.st.Instances(ctx, nil, model.Range{From: at(23, 0, 0), To: at(28, 0, 0)}, berlin)
		var got []string
		for _, in := range insts {
			if strings.HasPrefix(in.Summary, "Standup") {
				got = append(got, in.Summary+" "+in.Start.In(berlin).Format("Mon 15:04"))
			}
		}
		want := "Standup Mon 09:00,Standup! Tue 09:00,Standup (late) Wed 09:30,Standup! Thu 09:00,Standup! Fri 09:00"
		if strings.Join(got, ",") != want {
			t.Errorf("got %s\nwant %s", strings.Join(got, ","), want)
		}
	})
	t.Run("delete following", func(t *testing.T) {
		f := newFixture(t)
		m := newModel(t, f.st, 80, 24)
		press(t, m, "2", "l", "d", "f", "y")
		insts, _ := f.st.Instances(ctx, nil, model.Range{From: at(23, 0, 0), To: at(28, 0, 0)}, berlin)
		for _, in := range insts {
			if in.UID == "standup" && !in.Start.Before(at(24, 0, 0)) {
				t.Errorf("still there: %s %v", in.Summary, in.Start)
			}
		}
	})
	t.Run("all", func(t *testing.T) {
		f := newFixture(t)
		m := newModel(t, f.st, 80, 24)
		press(t, m, "2", "l", "K", "a") // 15 min earlier, every instance
		o, _ := f.st.ObjectByUID(ctx, f.cals["work"], "standup")
		evs, _ := ics.Events(o.Data)
		if !evs[0].Start.Equal(at(2, 8, 45)) {
			t.Errorf("master starts %v, want 08:45 on 2 Nov", evs[0].Start)
		}
		insts, _ := f.st.Instances(ctx, nil, model.Range{From: at(23, 0, 0), To: at(28, 0, 0)}, berlin)
		var got []string
		for _, in := range insts {
			if in.UID == "standup" {
				got = append(got, in.Summary+" "+in.Start.In(berlin).Format("Mon 15:04"))
			}
		}
		// Wednesday's override was moved by hand to 09:30: it stays there.
		want := "Standup Mon 08:45,Standup Tue 08:45,Standup (late) Wed 09:30,Standup Thu 08:45,Standup Fri 08:45"
		if strings.Join(got, ",") != want {
			t.Errorf("got %s\nwant %s", strings.Join(got, ","), want)
		}
	})
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	m := newModel(t, f.st, 80, 24)
	press(t, m, "2", "l", "l", "l", "l") // Friday 27: holiday, standup, and the deploy's tail
	press(t, m, "d")
	if m.mode != modeConfirm {
		t.Fatalf("mode %v, want a confirmation", m.mode)
	}
	press(t, m, "n")
	if _, err := f.st.ObjectByUID(ctx, f.cals["team"], "holiday"); err != nil {
		t.Fatalf("n deleted it: %v", err)
	}
	press(t, m, "d", "y")
	if _, err := f.st.ObjectByUID(ctx, f.cals["team"], "holiday"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("after d y: %v", err)
	}
	// A recurring instance: this one only.
	if got := selectedTitle(m); got != "Standup" {
		press(t, m, "j")
	}
	if got := selectedTitle(m); got != "Standup" {
		t.Fatalf("selected %q", got)
	}
	press(t, m, "d", "o", "y")
	insts, _ := f.st.Instances(ctx, []int64{f.cals["work"]}, model.Range{From: at(27, 0, 0), To: at(28, 0, 0)}, berlin)
	for _, in := range insts {
		if in.UID == "standup" {
			t.Error("Friday's standup still there")
		}
	}
	insts, _ = f.st.Instances(ctx, []int64{f.cals["work"]}, model.Range{From: at(30, 0, 0), To: at(31, 0, 0)}, berlin)
	if len(insts) != 1 {
		t.Errorf("next Monday has %d work instances, want the standup", len(insts))
	}
}

func TestDuplicateAndMove(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	m := newModel(t, f.st, 80, 24)
	press(t, m, "2", "l") // Tuesday: standup, dentist
	press(t, m, "j")
	if selectedTitle(m) != "Dentist" {
		t.Fatalf("selected %q", selectedTitle(m))
	}
	press(t, m, "y")
	if m.err != nil {
		t.Fatal(m.err)
	}
	in, _ := m.selected()
	if in.UID == "dentist" || in.Summary != "Dentist" {
		t.Fatalf("after duplicate selected %+v", in)
	}
	press(t, m, "L", "+", "+")
	o, err := f.st.ObjectByUID(ctx, f.cals["home"], in.UID)
	if err != nil {
		t.Fatal(err)
	}
	evs, _ := ics.Events(o.Data)
	if !evs[0].Start.Equal(at(25, 16, 0)) || !evs[0].End.Equal(at(25, 17, 30)) {
		t.Errorf("copy at %v..%v, want Wed 16:00-17:30", evs[0].Start, evs[0].End)
	}
	if m.Day().Day() != 25 || selectedTitle(m) != "Dentist" {
		t.Errorf("cursor on %v %q, want it to follow the event", m.Day(), selectedTitle(m))
	}
}

func TestEditKeepsUnknownProperties(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	o, _ := f.st.ObjectByUID(ctx, f.cals["home"], "dentist")
	data := strings.Replace(string(o.Data), "END:VEVENT", "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\r\nEND:VEVENT", 1)
	n, err := ics.DecodeObject([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	n.CalendarID, n.Name = o.CalendarID, o.Name
	if _, err := f.st.PutObject(ctx, &n, model.Condition{IfMatch: o.ETag}); err != nil {
		t.Fatal(err)
	}
	m := newModel(t, f.st, 80, 24)
	press(t, m, "2", "l", "j", "e")
	typeText(t, m, " (check-up)")
	press(t, m, "enter")
	o, _ = f.st.ObjectByUID(ctx, f.cals["home"], "dentist")
	if !strings.Contains(string(o.Data), "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC") || !strings.Contains(string(o.Data), "Dentist (check-up)") {
		t.Errorf("after edit:\n%s", o.Data)
	}
}

func TestLiveReloadKeepsCursor(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	m := newModel(t, f.st, 80, 24)
	press(t, m, "3", "j") // week, Monday, second instance: Design review
	if selectedTitle(m) != "Design review" {
		t.Fatalf("selected %q", selectedTitle(m))
	}
	drive(t, m, func() tea.Msg { return pollMsg{} }) // first poll: learns the head
	// Another process adds an event before the selected one.
	f.add(t, "work", model.Event{UID: "early", Title: "Early call", TZID: "Europe/Berlin", Start: at(23, 7, 0), End: at(23, 7, 30)})
	drive(t, m, func() tea.Msg { return pollMsg{} })
	found := false
	for _, in := range m.insts {
		found = found || in.Summary == "Early call"
	}
	if !found {
		t.Errorf("new event not loaded after a poll")
	}
	if selectedTitle(m) != "Design review" {
		t.Errorf("cursor moved to %q", selectedTitle(m))
	}
	_ = ctx
}

func TestSearchJumps(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 80, 24)
	press(t, m, "/")
	typeText(t, m, "planning")
	press(t, m, "enter")
	if len(m.results) != 1 {
		t.Fatalf("%d results:\n%s", len(m.results), screen(m))
	}
	press(t, m, "enter")
	if selectedTitle(m) != "Quarterly planning" || m.Day().Day() != 30 {
		t.Errorf("jumped to %v %q", m.Day(), selectedTitle(m))
	}
}

func TestHideCalendar(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 80, 24)
	press(t, m, "3")
	if !strings.Contains(screen(m), "Dentist") {
		t.Fatal("Dentist not in the week")
	}
	press(t, m, "c", "j", "space", "esc") // hide Home
	if strings.Contains(screen(m), "Dentist") {
		t.Error("hidden calendar still shown")
	}
}

func TestEmptyStore(t *testing.T) {
	m := newModel(t, newStore(t), 80, 24)
	if s := screen(m); !strings.Contains(s, "no calendars yet") {
		t.Errorf("empty store:\n%s", s)
	}
	press(t, m, "n")
	if m.mode != modeNormal || m.err == nil || !strings.Contains(m.err.Error(), "no calendar") {
		t.Errorf("n on an empty store: mode %v err %v", m.mode, m.err)
	}
	press(t, m, "2", "3", "4", "j", "e", "d", "y", "K", "/", "esc", "c", "space", "esc", "?", "esc")
}

func TestDSTDayRows(t *testing.T) {
	f := newFixture(t)
	f.add(t, "work", model.Event{UID: "dst", Title: "After the switch", TZID: "Europe/Berlin",
		Start: time.Date(2026, 10, 25, 14, 0, 0, 0, berlin), End: time.Date(2026, 10, 25, 15, 0, 0, 0, berlin)})
	m := newModel(t, f.st, 80, 24)
	var in model.Instance
	for _, i := range m.insts {
		in = i
	}
	insts, _ := f.st.Instances(context.Background(), nil, model.Range{From: time.Date(2026, 10, 25, 0, 0, 0, 0, berlin), To: time.Date(2026, 10, 26, 0, 0, 0, 0, berlin)}, berlin)
	for _, i := range insts {
		if i.UID == "dst" {
			in = i
		}
	}
	r0, r1 := m.rowsOf(in, m.dayNum(in.Start))
	if r0 != 28 || r1 != 30 {
		t.Errorf("14:00-15:00 on the day clocks go back is rows %d..%d, want 28..30", r0, r1)
	}
}

func TestCreateWithPeopleShowsConflicts(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 120, 40)
	press(t, m, "2", "n")
	typeText(t, m, "Sync with Bob")
	press(t, m, "tab", "tab") // start
	clear(t, m)
	typeText(t, m, "11:15")
	press(t, m, "tab")
	clear(t, m)
	typeText(t, m, "12:00")
	for i := 0; i < 5; i++ {
		press(t, m, "tab") // all day, location, description, labels, participants
	}
	typeText(t, m, "carol@example.com, BOB@example.com")
	if len(m.form.conflicts) != 2 || !strings.Contains(m.form.conflicts[0], "bob@example.com") {
		t.Fatalf("conflicts %q, want Bob twice", m.form.conflicts)
	}
	press(t, m, "tab")
	typeText(t, m, "Projector")
	if len(m.form.conflicts) != 3 {
		t.Errorf("the projector booked by the design review is no conflict: %q", m.form.conflicts)
	}
	typeText(t, m, ",")
	press(t, m, "enter")
	if m.mode != modeNormal {
		t.Fatalf("not saved: %v %v", m.form.err, m.form.saveErr)
	}
	in, _ := m.selected()
	o, _ := f.st.ObjectByUID(context.Background(), in.CalendarID, in.UID)
	evs, _ := ics.Events(o.Data)
	if len(evs) != 1 || !evs[0].Conflict || len(evs[0].Participants) != 2 || evs[0].Participants[1].Status != model.InviteNeedsAction {
		t.Errorf("saved %+v", evs)
	}
	if !strings.Contains(m.info, "conflict") {
		t.Errorf("status %q does not say it was marked", m.info)
	}
}

func TestTinyTerminal(t *testing.T) {
	f := newFixture(t)
	for _, size := range [][2]int{{1, 1}, {10, 4}, {30, 8}} {
		m := newModel(t, f.st, size[0], size[1])
		for _, k := range []string{"1", "j", "2", "j", "enter", "esc", "3", "l", "4", "j", "?", "esc", "c", "esc", "/", "x", "enter", "esc", "2", "j", "e"} {
			press(t, m, k)
			if n := strings.Count(screen(m), "\n"); n != size[1] {
				t.Fatalf("%dx%d after %q: %d lines", size[0], size[1], k, n)
			}
		}
	}
}

// typingScreen is a plugged screen with a text field, to check the frame's
// plumbing for screens: its number key, tab, StoreChangedMsg, capture.
type typingScreen struct {
	typed   string
	changed int
	typing  bool
}

func (s *typingScreen) Name() string                   { return "Typing" }
func (s *typingScreen) Activate(m *Model) tea.Cmd      { return nil }
func (s *typingScreen) Title(m *Model) string          { return "typed " + s.typed }
func (s *typingScreen) Keys(m *Model) []key.Binding    { return nil }
func (s *typingScreen) CapturesInput(m *Model) bool    { return s.typing }
func (s *typingScreen) View(m *Model, w, h int) string { return "typing screen" }
func (s *typingScreen) Update(m *Model, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case StoreChangedMsg:
		s.changed++
	case tea.KeyPressMsg:
		if msg.String() == "i" {
			s.typing = true
		} else if msg.String() == "enter" {
			s.typing = false
		} else {
			s.typed += msg.String()
		}
	}
	return nil
}

func TestPluggedScreen(t *testing.T) {
	f := newFixture(t)
	scr := &typingScreen{}
	m := New(Options{Store: f.st, Now: func() time.Time { return fixedNow }, Location: berlin, Owner: "alice", Poll: -1, Screens: []Screen{scr}})
	drive(t, m, m.Init())
	press(t, m, "5")
	if !strings.Contains(screen(m), "typing screen") || !strings.Contains(screen(m), "5 Typing") {
		t.Fatalf("screen 5 not shown:\n%s", screen(m))
	}
	press(t, m, "x", "c") // c is the frame's: calendars
	if scr.typed != "x" || m.mode != modeCalendars {
		t.Fatalf("typed %q mode %v", scr.typed, m.mode)
	}
	press(t, m, "esc", "i", "c", "1", "q", "enter")
	if scr.typed != "xc1q" || m.cur != 4 {
		t.Errorf("while capturing: typed %q, screen %d", scr.typed, m.cur)
	}
	drive(t, m, func() tea.Msg { return pollMsg{} })
	f.add(t, "work", model.Event{UID: "x", Title: "x", TZID: "Europe/Berlin", Start: at(23, 7, 0), End: at(23, 8, 0)})
	drive(t, m, func() tea.Msg { return pollMsg{} })
	if scr.changed != 1 {
		t.Errorf("StoreChangedMsg delivered %d times", scr.changed)
	}
	press(t, m, "tab")
	if m.cur != 0 {
		t.Errorf("tab from the last screen went to %d", m.cur)
	}
}

func TestLiveFirstWriteToEmptyStore(t *testing.T) {
	st := newStore(t)
	m := newModel(t, st, 80, 24)
	drive(t, m, func() tea.Msg { return pollMsg{} })
	c := model.Calendar{Owner: "alice", Name: "work"}
	if err := st.CreateCalendar(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	drive(t, m, func() tea.Msg { return pollMsg{} })
	if len(m.cals) != 1 {
		t.Errorf("the first calendar of an empty store did not show: %d calendars", len(m.cals))
	}
}

// From 120 columns the detail pane sits beside the agenda, day and week
// views and follows the selection; narrower, it takes the whole body.
func TestDetailBesideView(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 120, 40)
	press(t, m, "enter")
	s := screen(m)
	if !strings.Contains(s, "▸ 09:00–09:15") || !strings.Contains(s, "every weekday until 1 Mar 2027") {
		t.Fatalf("agenda with the standup's pane:\n%s", s)
	}
	press(t, m, "j")
	s = screen(m)
	if m.mode != modeDetail || !strings.Contains(s, "▸ 10:00–11:30") || !strings.Contains(s, "Walk through the new") || strings.Contains(s, "every weekday") {
		t.Fatalf("after j the pane shows the design review:\n%s", s)
	}
	if line := lastLine(s); !strings.Contains(line, "esc back") || !strings.Contains(line, "↓/j down") {
		t.Errorf("help line beside the view: %q", line)
	}
	press(t, m, "3")
	if m.mode != modeNormal {
		t.Errorf("switching view leaves the pane open: mode %v", m.mode)
	}
	press(t, m, "1", "enter", "esc")
	if s := screen(m); m.mode != modeNormal || strings.Contains(s, "uid ") {
		t.Errorf("esc did not close the pane:\n%s", s)
	}

	narrow := newModel(t, f.st, 119, 40)
	press(t, narrow, "enter")
	if s := screen(narrow); strings.Contains(s, "Dentist") || !strings.Contains(s, "every weekday") {
		t.Errorf("at 119 columns the pane should replace the agenda:\n%s", s)
	}
	press(t, narrow, "j") // does nothing in the full pane
	if in, _ := narrow.selected(); in.Summary != "Standup" {
		t.Errorf("j moved the selection under the full pane to %q", in.Summary)
	}
}

// Keys typed while a write or a window load is in flight wait for it and
// then act on the new data, in order.
func TestTypeaheadWaitsForData(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := newModel(t, f.st, 80, 24)
	press(t, m, "2", "j") // Design review, Monday 10:00-11:30
	// Three presses of J before the first move is written: each must move
	// from where the one before left it, not from the stale 10:00.
	_, write := m.Update(keyMsg("J"))
	if write == nil {
		t.Fatal("J started no write")
	}
	for range 2 {
		if _, cmd := m.Update(keyMsg("J")); cmd != nil {
			t.Fatal("J during a write acted at once")
		}
	}
	if m.writes != 1 || len(m.typeahead) != 2 || !strings.Contains(screen(m), "saving…") {
		t.Errorf("%d writes in flight, %d keys held, status %q", m.writes, len(m.typeahead), tsStatusLine(m))
	}
	drive(t, m, write)
	o, err := f.st.ObjectByUID(ctx, f.cals["work"], "review")
	if err != nil {
		t.Fatal(err)
	}
	if want := at(23, 10, 45); !o.Timing.Start.Equal(want) {
		t.Errorf("after three J the review starts %v, want %v", o.Timing.Start.In(berlin), want)
	}
	if in, _ := m.selected(); in.Summary != "Design review" || len(m.typeahead) != 0 || m.writes != 0 {
		t.Errorf("selection %q, %d keys held, %d writes", in.Summary, len(m.typeahead), m.writes)
	}

	// Next period, then enter before the window arrives: the detail opens
	// on the new day's first instance once it is loaded.
	press(t, m, "3")
	_, load := m.Update(keyMsg("]"))
	if load == nil {
		t.Fatal("] loaded nothing")
	}
	if _, cmd := m.Update(keyMsg("enter")); cmd != nil || m.mode != modeNormal {
		t.Fatal("enter during a load acted at once")
	}
	drive(t, m, load)
	if s := screen(m); m.mode != modeDetail || !strings.Contains(s, "Mon 30 Nov 2026 09:00–09:15") {
		t.Errorf("enter typed during the load did not open the new week's first instance:\n%s", s)
	}

	// q does not wait.
	m.Update(keyMsg("esc"))
	_, load = m.Update(keyMsg("]"))
	if _, cmd := m.Update(keyMsg("q")); cmd == nil {
		t.Error("q waited for a load")
	}
	drive(t, m, load)
}

func TestWarningShowsInStatusLine(t *testing.T) {
	m := newModel(t, newStore(t), 80, 24)
	drive(t, m, func() tea.Msg {
		return WarningMsg{Err: errors.New(`store: instances of "x.ics": only the first 100000`)}
	})
	if s := screen(m); !strings.Contains(s, "only the first 100000") {
		t.Errorf("warning not in the status line:\n%s", s)
	}
}

// A form or prompt started from the detail pane goes back to the pane when
// it is cancelled or done, not to the bare view.
func TestCancelFromPaneKeepsPane(t *testing.T) {
	f := newFixture(t)
	for _, w := range []int{120, 80} {
		m := newModel(t, f.st, w, 40)
		press(t, m, "2", "j", "enter") // Monday's design review, not recurring
		if m.mode != modeDetail {
			t.Fatalf("%d cols: enter: mode %v", w, m.mode)
		}
		press(t, m, "e")
		if m.mode != modeForm {
			t.Fatalf("%d cols: e in the pane: mode %v", w, m.mode)
		}
		press(t, m, "esc")
		if s := screen(m); m.mode != modeDetail || !strings.Contains(s, "Walk through the new") {
			t.Errorf("%d cols: esc on the form from the pane: mode %v\n%s", w, m.mode, s)
		}
		press(t, m, "d", "n")
		if m.mode != modeDetail {
			t.Errorf("%d cols: n on the delete prompt from the pane: mode %v", w, m.mode)
		}
		press(t, m, "esc", "e", "esc")
		if m.mode != modeNormal {
			t.Errorf("%d cols: esc on a form from the view: mode %v, want the view", w, m.mode)
		}
	}
	m := newModel(t, f.st, 120, 40)
	press(t, m, "2", "enter", "e") // the standup repeats: which ones?
	if m.mode != modeScope {
		t.Fatalf("e on a recurring instance: mode %v", m.mode)
	}
	press(t, m, "o", "esc")
	if m.mode != modeDetail {
		t.Errorf("esc on the form after the scope prompt: mode %v, want the pane", m.mode)
	}
}

// The ? page scrolls when it is taller than the body and says what is cut
// off; nothing of it is out of reach.
func TestHelpScrolls(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 80, 12) // a 9-line body for a 21-line page
	press(t, m, "?")
	s := screen(m)
	if !strings.Contains(s, "move") || !strings.Contains(s, "more lines") || strings.Contains(s, "and following") {
		t.Fatalf("? at 80x12 starts at the top and says there is more:\n%s", s)
	}
	if line := lastLine(s); !strings.Contains(line, "scroll") {
		t.Errorf("help line of a page that scrolls: %q", line)
	}
	press(t, m, "j")
	if m.helpTop != 1 || strings.Contains(screen(m), " move ") {
		t.Errorf("j: top %d\n%s", m.helpTop, screen(m))
	}
	press(t, m, "pgdown", "pgdown", "pgdown")
	s = screen(m)
	if !strings.Contains(s, "and following") || !strings.Contains(s, "lines above") || strings.Contains(s, "more lines") {
		t.Errorf("pgdn to the end shows the last keys:\n%s", s)
	}
	press(t, m, "k", "esc")
	if m.mode != modeNormal {
		t.Fatalf("esc closes the page: mode %v", m.mode)
	}
	press(t, m, "?")
	if m.helpTop != 0 {
		t.Errorf("? opens at the top again, not line %d", m.helpTop)
	}
	big := newModel(t, f.st, 120, 40)
	press(t, big, "?")
	if s := screen(big); strings.Contains(s, "more lines") || strings.Contains(lastLine(s), "scroll") {
		t.Errorf("a page that fits offers scrolling:\n%s", s)
	}
}

// The calendars list keeps the cursor row in view however many there are.
func TestCalendarsListScrolls(t *testing.T) {
	f := newFixture(t)
	for i := range 25 {
		c := model.Calendar{Owner: "alice", Name: fmt.Sprintf("extra%02d", i), Order: 10 + i}
		if err := f.st.CreateCalendar(context.Background(), &c); err != nil {
			t.Fatal(err)
		}
	}
	m := newModel(t, f.st, 80, 24) // 21 body lines: header, 19 rows, where
	press(t, m, "c")
	s := screen(m)
	if !strings.Contains(s, "extra15") || strings.Contains(s, "extra16") || !strings.Contains(s, "1–19 of 28 calendars") {
		t.Fatalf("calendars list at 80x24:\n%s", s)
	}
	for range 30 {
		press(t, m, "j")
	}
	s = screen(m)
	if !strings.Contains(s, "extra24") || strings.Contains(s, "extra05 ") || !strings.Contains(s, "10–28 of 28") {
		t.Fatalf("j to the last calendar:\n%s", s)
	}
	press(t, m, "k", "k", "k", "space")
	s = screen(m)
	if !strings.Contains(s, "10–28 of 28") || !strings.Contains(s, "[ ]   ■■ extra21") {
		t.Errorf("k inside the window keeps it; space hides extra21:\n%s", s)
	}
	for range 30 {
		press(t, m, "k")
	}
	if s := screen(m); !strings.Contains(s, "Work") || !strings.Contains(s, "1–19 of 28") {
		t.Errorf("k back to the first:\n%s", s)
	}
}
