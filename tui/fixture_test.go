package tui

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"rota/model"
	"rota/model/ics"
	"rota/store/sqlite"
)

// The store used by every TUI test is a real SQLite file in t.TempDir.
var _ Store = (*sqlite.Store)(nil)

var berlin = mustZone("Europe/Berlin")

func mustZone(name string) *time.Location {
	z, err := model.LoadZone(name)
	if err != nil {
		panic(err)
	}
	return z
}

// fixedNow is Monday 23 November 2026, 10:12 in Berlin.
var fixedNow = time.Date(2026, 11, 23, 10, 12, 0, 0, berlin)

func at(day, h, min int) time.Time { return time.Date(2026, 11, day, h, min, 0, 0, berlin) }

func allDay(day int) time.Time { return time.Date(2026, 11, day, 0, 0, 0, 0, time.UTC) }

type fixture struct {
	st   *sqlite.Store
	cals map[string]int64
}

func newStore(t testing.TB) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "rota.db"), sqlite.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newFixture fills a store with a fixed week: a recurring standup with an
// override, overlapping meetings, all-day and multi-day events, one across
// midnight, a floating one.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{st: newStore(t), cals: map[string]int64{}}
	for i, c := range []model.Calendar{
		{Owner: "alice", Name: "work", DisplayName: "Work", Color: "#0969da", TimeZone: "Europe/Berlin"},
		{Owner: "alice", Name: "home", DisplayName: "Home", Color: "#bf3989", TimeZone: "Europe/Berlin"},
		{Owner: "alice", Name: "team", DisplayName: "Team", Color: "#1a7f37", TimeZone: "Europe/Berlin"},
	} {
		c.Order = i
		if err := f.st.CreateCalendar(ctx, &c); err != nil {
			t.Fatal(err)
		}
		f.cals[c.Name] = c.ID
	}
	stamp := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	alice := model.Participant{Name: "Alice", Email: "alice@example.com", Role: model.RoleChair, Type: model.TypeIndividual, Status: model.InviteAccepted}
	bob := model.Participant{Name: "Bob", Email: "bob@example.com", Role: model.RoleRequired, Type: model.TypeIndividual, Status: model.InviteTentative}
	room := model.Participant{Name: "Room A", Email: "room-a@example.com", Type: model.TypeRoom, Status: model.InviteAccepted}
	tz := func(ev model.Event) model.Event {
		ev.TZID = "Europe/Berlin"
		ev.Created, ev.Modified = stamp, stamp
		if ev.Kind == "" {
			ev.Kind = model.KindAppointment
		}
		return ev
	}
	f.add(t, "work", tz(model.Event{UID: "standup", Title: "Standup", Start: at(2, 9, 0), End: at(2, 9, 15),
		Recurrence: &model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270301T000000Z"}}))
	f.override(t, "work", "standup", tz(model.Event{UID: "standup", Title: "Standup (late)", RecurrenceID: at(25, 9, 0), Start: at(25, 9, 30), End: at(25, 9, 45)}))
	f.add(t, "work", tz(model.Event{UID: "review", Title: "Design review", Start: at(23, 10, 0), End: at(23, 11, 30),
		Location: "Room A", Description: "Walk through the new booking flow.", Organizer: &alice,
		Participants: []model.Participant{alice, bob, room}, Labels: []model.Label{{Name: "design", Color: "#8250df"}},
		Resources: []string{"Projector"}, Reminders: []model.Reminder{{Before: 15 * time.Minute, Action: "DISPLAY"}},
		Notes: []model.Note{{Text: "Bring the prototype."}}, LeadTime: 10 * time.Minute, Priority: 2, Status: model.StatusConfirmed}))
	f.add(t, "work", tz(model.Event{UID: "oneone", Title: "1:1 with Bob", Start: at(23, 11, 0), End: at(23, 11, 30), Participants: []model.Participant{bob}}))
	f.add(t, "home", tz(model.Event{UID: "dentist", Title: "Dentist", Start: at(24, 16, 0), End: at(24, 17, 0), Location: "Main St 4"}))
	f.add(t, "team", model.Event{UID: "holiday", Title: "Company holiday", Kind: model.KindHoliday, AllDay: true, Start: allDay(27), End: allDay(28), Created: stamp, Modified: stamp})
	f.add(t, "home", model.Event{UID: "conf", Title: "Conference", AllDay: true, Start: allDay(25), End: allDay(27), Created: stamp, Modified: stamp})
	f.add(t, "work", tz(model.Event{UID: "deploy", Title: "Late deploy", Start: at(26, 22, 0), End: at(27, 1, 0)}))
	f.add(t, "team", tz(model.Event{UID: "planning", Title: "Quarterly planning", Start: at(30, 13, 0), End: at(30, 15, 0)}))
	f.add(t, "home", model.Event{UID: "gym", Title: "Gym", Floating: true, Start: time.Date(2026, 11, 28, 7, 30, 0, 0, time.UTC), End: time.Date(2026, 11, 28, 8, 30, 0, 0, time.UTC), Created: stamp, Modified: stamp})
	return f
}

func (f *fixture) add(t testing.TB, cal string, ev model.Event) {
	t.Helper()
	o, err := ics.New(ev)
	if err != nil {
		t.Fatalf("new %s: %v", ev.UID, err)
	}
	o.CalendarID = f.cals[cal]
	o.Name = ics.ObjectName(o.UID)
	if _, err := f.st.PutObject(context.Background(), &o, model.Condition{IfNoneMatch: true}); err != nil {
		t.Fatalf("put %s: %v", ev.UID, err)
	}
}

func (f *fixture) override(t testing.TB, cal, uid string, ev model.Event) {
	t.Helper()
	ctx := context.Background()
	o, err := f.st.ObjectByUID(ctx, f.cals[cal], uid)
	if err != nil {
		t.Fatal(err)
	}
	n, err := ics.Apply(o.Data, ev)
	if err != nil {
		t.Fatalf("apply %s: %v", uid, err)
	}
	n.CalendarID, n.Name = o.CalendarID, o.Name
	if _, err := f.st.PutObject(ctx, &n, model.Condition{IfMatch: o.ETag}); err != nil {
		t.Fatal(err)
	}
}

// newModel is a model over st at fixedNow, w x h, with everything loaded.
func newModel(t testing.TB, st Store, w, h int) *Model {
	t.Helper()
	m := New(Options{Store: st, Now: func() time.Time { return fixedNow }, Location: berlin, Owner: "alice", Poll: -1})
	drive(t, m, m.Init())
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} })
	return m
}

// drive runs cmd and every command that follows from it synchronously,
// as the Bubble Tea runtime would, except ticks (Poll is off in tests).
func drive(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("drive: too many commands")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch msg := msg.(type) {
		case nil:
			continue
		case tea.BatchMsg:
			queue = append(queue, msg...)
			continue
		case tea.QuitMsg:
			continue
		}
		_, next := m.Update(msg)
		queue = append(queue, next)
	}
}

// press sends key presses (by their String names) and runs what follows.
func press(t testing.TB, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		drive(t, m, func() tea.Msg { return keyMsg(k) })
	}
}

// keyMsg builds the KeyPressMsg whose String() is s.
func keyMsg(s string) tea.KeyPressMsg {
	names := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "space": tea.KeySpace,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "backspace": tea.KeyBackspace}
	var mod tea.KeyMod
	base := s
	if len(s) > 6 && s[:6] == "shift+" {
		mod, base = tea.ModShift, s[6:]
	}
	if len(s) > 5 && s[:5] == "ctrl+" {
		mod, base = tea.ModCtrl, s[5:]
	}
	if code, ok := names[base]; ok {
		k := tea.KeyPressMsg{Code: code, Mod: mod}
		if code == tea.KeySpace {
			k.Text = " "
		}
		return k
	}
	r := []rune(base)[0]
	if mod == tea.ModCtrl {
		return tea.KeyPressMsg{Code: r, Mod: mod}
	}
	return tea.KeyPressMsg{Code: r, Text: base}
}
