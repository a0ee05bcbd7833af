package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"rota/model"
	"rota/model/ics"
	"rota/planner"
)

// SlotStore is what the slot finder needs of a store. *sqlite.Store
// satisfies it.
type SlotStore interface {
	planner.SlotStore
	People(ctx context.Context) ([]model.Person, error)
	SlotSettings(ctx context.Context, calID int64) (model.SlotSettings, error)
}

// NewSlots returns the slot finder: the free slots of a person or a
// calendar for a week from the cursor day (availability, busy events with
// their buffers, the calendar's slot settings), the availability it used,
// and enter to book the chosen slot. A booking that conflicts is refused
// with the conflicts listed; ! books it anyway, marked as a conflict.
func NewSlots(st SlotStore) Screen {
	return &slotsScreen{st: st, keys: newSlotKeys(), dur: 30 * time.Minute}
}

type slotTarget struct {
	label  string
	person string
	cal    *model.Calendar
}

type slotsScreen struct {
	st   SlotStore
	keys slotKeys

	people  []model.Person
	targets []slotTarget
	ti      int
	dur     time.Duration
	from    model.LocalDate
	seq     int

	res      *slotsMsg
	day, col int // cursor: index into res.days and its slots

	pending   *model.Event // booking refused for conflicts, waiting for !
	conflicts []model.Conflict
}

type slotKeys struct {
	Left, Right, Up, Down, Prev, Next, Target, Longer, Shorter, Book, Override, Cancel key.Binding
}

func newSlotKeys() slotKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return slotKeys{
		Left:     b([]string{"left", "h"}, "←/h", "earlier slot"),
		Right:    b([]string{"right", "l"}, "→/l", "later slot"),
		Up:       b([]string{"up", "k"}, "↑/k", "day before"),
		Down:     b([]string{"down", "j"}, "↓/j", "day after"),
		Prev:     b([]string{"[", "pgup"}, "[", "previous week"),
		Next:     b([]string{"]", "pgdown"}, "]", "next week"),
		Target:   b([]string{"p"}, "p", "next person/calendar"),
		Longer:   b([]string{"+", "="}, "+", "longer"),
		Shorter:  b([]string{"-"}, "-", "shorter"),
		Book:     b([]string{"enter"}, "enter", "book slot"),
		Override: b([]string{"!"}, "!", "book despite conflicts"),
		Cancel:   b([]string{"esc"}, "esc", "cancel"),
	}
}

// slotsPeopleMsg carries the team members.
type slotsPeopleMsg struct {
	people []model.Person
	err    error
}

// slotsMsg carries the free slots of one target and week.
type slotsMsg struct {
	seq   int
	days  []model.DaySlots
	avail *model.Availability
	err   error
}

// slotBookedMsg reports a booking: done, or refused for conflicts.
type slotBookedMsg struct {
	ev        model.Event
	conflicts []model.Conflict
	err       error
}

func (s *slotsScreen) Name() string { return "Slots" }

func (s *slotsScreen) Activate(m *Model) tea.Cmd {
	if s.from.IsZero() {
		s.from = model.DateOf(m.Day().In(m.Location()))
	}
	st, ctx := s.st, m.ctx
	return func() tea.Msg {
		ps, err := st.People(ctx)
		return slotsPeopleMsg{people: ps, err: err}
	}
}

// rebuildTargets lists the people, then the visible calendars that are
// not timesheets, keeping the current choice.
func (s *slotsScreen) rebuildTargets(m *Model) {
	var cur string
	if s.ti < len(s.targets) {
		cur = s.targets[s.ti].label
	}
	s.targets = s.targets[:0]
	for _, p := range s.people {
		s.targets = append(s.targets, slotTarget{label: "person " + p.Name, person: p.Name})
	}
	for _, c := range m.Calendars() {
		if c.Kind == model.CalendarTimesheet || c.Kind == model.CalendarTasks {
			continue
		}
		c := c
		s.targets = append(s.targets, slotTarget{label: "calendar " + c.Name, cal: &c})
	}
	s.ti = 0
	for i, t := range s.targets {
		if t.label == cur {
			s.ti = i
		}
	}
}

func (s *slotsScreen) load(m *Model) tea.Cmd {
	if s.ti >= len(s.targets) {
		return nil
	}
	s.seq++
	seq, st, ctx, t := s.seq, s.st, m.ctx, s.targets[s.ti]
	loc, now, dur := m.Location(), m.Now(), s.dur
	r := model.Range{From: s.from.In(loc), To: s.from.AddDays(7).In(loc)}
	return func() tea.Msg {
		q := planner.SlotQuery{Person: t.person, Calendar: t.cal, Range: r, Zone: loc, Now: now}
		if t.cal != nil {
			if set, err := st.SlotSettings(ctx, t.cal.ID); err == nil {
				q.Settings = set
			}
		}
		q.Settings.Duration = dur
		msg := slotsMsg{seq: seq}
		var a model.Availability
		var err error
		if t.cal != nil {
			a, err = st.AvailabilityFor(ctx, "", t.cal.ID)
		} else {
			a, err = st.AvailabilityFor(ctx, t.person, 0)
		}
		if err == nil {
			msg.avail = &a
		}
		msg.days, msg.err = planner.FreeSlots(ctx, st, q)
		return msg
	}
}

func (s *slotsScreen) selected() (model.Slot, bool) {
	if s.res == nil || s.day >= len(s.res.days) || s.col >= len(s.res.days[s.day].Slots) {
		return model.Slot{}, false
	}
	return s.res.days[s.day].Slots[s.col], true
}

// book writes an event for the selected slot into the target's calendar
// (for a person: their own calendar, else the focused one), after a
// conflict check; override books despite conflicts and marks the event.
func (s *slotsScreen) book(m *Model, ev *model.Event, override bool) tea.Cmd {
	st, ctx, loc := s.st, m.ctx, m.Location()
	var calID int64
	t := s.targets[s.ti]
	switch {
	case t.cal != nil:
		calID = t.cal.ID
	default:
		for _, c := range m.Calendars() {
			if c.Person == t.person && c.Kind == model.CalendarEvents {
				calID = c.ID
			}
		}
		if calID == 0 {
			calID = m.focusCal
		}
		if calID == 0 {
			for _, c := range m.Calendars() {
				if c.Kind == model.CalendarEvents || c.Kind == "" {
					calID = c.ID
					break
				}
			}
		}
	}
	e := *ev
	return func() tea.Msg {
		if calID == 0 {
			return slotBookedMsg{ev: e, err: errors.New("tui: book: no calendar to book into; add one with rota calendars add")}
		}
		cs, err := planner.Check(ctx, st, &e, e.Start, e.End, loc)
		if err != nil {
			return slotBookedMsg{ev: e, err: err}
		}
		if len(cs) > 0 && !override {
			return slotBookedMsg{ev: e, conflicts: cs}
		}
		e.Conflict = len(cs) > 0
		o, err := ics.New(e)
		if err != nil {
			return slotBookedMsg{ev: e, err: fmt.Errorf("tui: book: %w", err)}
		}
		o.CalendarID, o.Name = calID, ics.ObjectName(o.UID)
		if _, err := st.PutObject(ctx, &o, model.Condition{IfNoneMatch: true}); err != nil {
			return slotBookedMsg{ev: e, err: fmt.Errorf("tui: book: %w", err)}
		}
		return slotBookedMsg{ev: e}
	}
}

func (s *slotsScreen) Update(m *Model, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case slotsPeopleMsg:
		if msg.err != nil {
			m.SetError(msg.err)
		}
		s.people = msg.people
		s.rebuildTargets(m)
		return s.load(m)
	case slotsMsg:
		if msg.seq != s.seq {
			return nil
		}
		s.res = &msg
		if s.day >= len(msg.days) {
			s.day = 0
		}
		if s.day < len(msg.days) && s.col >= len(msg.days[s.day].Slots) {
			s.col = 0
		}
		return nil
	case slotBookedMsg:
		switch {
		case msg.err != nil:
			m.SetError(msg.err)
		case len(msg.conflicts) > 0:
			ev := msg.ev
			s.pending, s.conflicts = &ev, msg.conflicts
			m.SetError(fmt.Errorf("slot not booked: %v (! to book anyway, esc to cancel)", msg.conflicts[0]))
			return nil
		default:
			s.pending, s.conflicts = nil, nil
			note := ""
			if msg.ev.Conflict {
				note = " (marked as a conflict)"
			}
			m.SetMessage("booked " + msg.ev.Start.In(m.Location()).Format("Mon 2 Jan 15:04") + note)
		}
		return s.load(m)
	case StoreChangedMsg:
		s.rebuildTargets(m)
		return s.load(m)
	case tea.KeyPressMsg:
		return s.key(m, msg)
	}
	return nil
}

func (s *slotsScreen) key(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	k := s.keys
	if s.pending != nil {
		switch {
		case key.Matches(msg, k.Override):
			return s.book(m, s.pending, true)
		case key.Matches(msg, k.Cancel):
			s.pending, s.conflicts = nil, nil
			m.SetMessage("booking cancelled")
		}
		return nil
	}
	days := 0
	if s.res != nil {
		days = len(s.res.days)
	}
	switch {
	case key.Matches(msg, k.Left):
		if s.col > 0 {
			s.col--
		}
	case key.Matches(msg, k.Right):
		if s.res != nil && s.day < days && s.col+1 < len(s.res.days[s.day].Slots) {
			s.col++
		}
	case key.Matches(msg, k.Up):
		if s.day > 0 {
			s.day, s.col = s.day-1, 0
		}
	case key.Matches(msg, k.Down):
		if s.day+1 < days {
			s.day, s.col = s.day+1, 0
		}
	case key.Matches(msg, k.Prev):
		s.from, s.day, s.col = s.from.AddDays(-7), 0, 0
		return s.load(m)
	case key.Matches(msg, k.Next):
		s.from, s.day, s.col = s.from.AddDays(7), 0, 0
		return s.load(m)
	case key.Matches(msg, k.Target):
		if len(s.targets) > 0 {
			s.ti = (s.ti + 1) % len(s.targets)
			s.day, s.col = 0, 0
			return s.load(m)
		}
	case key.Matches(msg, k.Longer):
		s.dur += 15 * time.Minute
		return s.load(m)
	case key.Matches(msg, k.Shorter):
		if s.dur > 15*time.Minute {
			s.dur -= 15 * time.Minute
			return s.load(m)
		}
	case key.Matches(msg, k.Book):
		sl, ok := s.selected()
		if !ok {
			return nil
		}
		t := s.targets[s.ti]
		ev := model.Event{Kind: model.KindAppointment, Component: "VEVENT", Title: "Booking", Start: sl.Start, End: sl.End,
			Status: model.StatusConfirmed, TZID: zoneName(m.Location())}
		if t.person != "" {
			ev.Title = "Booking with " + t.person
			ev.Person = t.person
		} else if t.cal != nil {
			ev.Title = "Booking: " + calName(*t.cal)
		}
		return s.book(m, &ev, false)
	}
	return nil
}

func zoneName(loc *time.Location) string {
	if loc == nil || loc == time.UTC || loc.String() == "Local" {
		return ""
	}
	return loc.String()
}

func (s *slotsScreen) Title(m *Model) string {
	who := "nobody to book"
	if s.ti < len(s.targets) {
		who = s.targets[s.ti].label
	}
	return fmt.Sprintf("%s · %s · 7 days from %s", who, shortDuration(s.dur), s.from.In(time.UTC).Format("2 Jan 2006"))
}

func (s *slotsScreen) Keys(m *Model) []key.Binding {
	k := s.keys
	if s.pending != nil {
		return []key.Binding{k.Override, k.Cancel}
	}
	_, ok := s.selected()
	return append(enable([]key.Binding{k.Book}, ok), k.Left, k.Right, k.Up, k.Down, k.Target, k.Longer, k.Shorter, k.Prev, k.Next)
}

// View lists each day with free slots, the cursor slot highlighted, then
// the availability used and, when a booking was refused, its conflicts.
func (s *slotsScreen) View(m *Model, w, h int) string {
	sty := m.sty
	if len(s.targets) == 0 {
		return sty.dim.Render("no people or calendars to find slots for (rota schedule person add NAME)")
	}
	if s.res == nil {
		return sty.dim.Render("finding free slots…")
	}
	var lines []string
	if s.res.err != nil {
		lines = append(lines, sty.err.Render(fit(s.res.err.Error(), w)))
	}
	if len(s.res.days) == 0 {
		lines = append(lines, sty.dim.Render("no free slots this week"))
	}
	loc := m.Location()
	for i, d := range s.res.days {
		// Slots wrap onto as many lines as the width needs, so the cursor
		// is never cut off.
		perLine := (w - 11) / 6
		if perLine < 1 {
			perLine = 1
		}
		var b strings.Builder
		b.WriteString(sty.dayHeader.Render(pad(d.Date.In(time.UTC).Format("Mon 2 Jan"), 11)))
		for j, sl := range d.Slots {
			if j > 0 && j%perLine == 0 {
				lines = append(lines, fit(b.String(), w))
				b.Reset()
				b.WriteString(strings.Repeat(" ", 11))
			}
			t := sl.Start.In(loc).Format("15:04")
			st := lipgloss.NewStyle()
			if i == s.day && j == s.col {
				st = sty.selected
			}
			b.WriteString(" " + st.Render(t))
		}
		lines = append(lines, fit(b.String(), w))
	}
	lines = append(lines, "")
	lines = append(lines, sty.title.Render("Availability"))
	lines = append(lines, availabilityLines(s.res.avail, w, sty)...)
	if len(s.conflicts) > 0 {
		lines = append(lines, "", sty.conflict.Render("Conflicts"))
		for _, c := range s.conflicts {
			lines = append(lines, sty.conflict.Render(fit("  "+c.Error(), w)))
		}
	}
	return strings.Join(lines, "\n")
}

// availabilityLines describes the weekly and date rules and the absences.
func availabilityLines(a *model.Availability, w int, sty styles) []string {
	if a == nil {
		return []string{sty.dim.Render("  none set: always open (rota schedule availability set)")}
	}
	var lines []string
	var weekly []string
	for i := 1; i <= 7; i++ {
		d := time.Weekday(i % 7)
		var ivs []string
		for _, r := range a.Rules {
			if r.Date.IsZero() && r.Weekday == d {
				for _, iv := range r.Intervals {
					ivs = append(ivs, model.FormatClock(iv.From)[:5]+"-"+model.FormatClock(iv.To)[:5])
				}
			}
		}
		if len(ivs) > 0 {
			weekly = append(weekly, model.WeekdayName(d)+" "+strings.Join(ivs, ","))
		}
	}
	lines = append(lines, fit(fmt.Sprintf("  %s (%s): %s", a.Name, a.TimeZone, strings.Join(weekly, "; ")), w))
	for _, r := range a.Rules {
		if r.Date.IsZero() {
			continue
		}
		var ivs []string
		for _, iv := range r.Intervals {
			ivs = append(ivs, model.FormatClock(iv.From)[:5]+"-"+model.FormatClock(iv.To)[:5])
		}
		if len(ivs) == 0 {
			ivs = []string{"closed"}
		}
		lines = append(lines, fit("  "+r.Date.String()+": "+strings.Join(ivs, ","), w))
	}
	for _, ab := range a.Absences {
		what := "holiday"
		if ab.Leave {
			what = "leave"
		}
		st := sty.dim
		if ab.Blocks() {
			st = sty.conflict
		}
		lines = append(lines, st.Render(fit(fmt.Sprintf("  %s %s..%s %s %s", what, ab.From, ab.To, ab.State, ab.Reason), w)))
	}
	return lines
}
