package tui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rota/model"
)

// calendarView is a Screen over the frame's instance window: the frame
// loads fetch(m) whenever what is loaded does not cover need(m).
type calendarView interface {
	Screen
	need(m *Model) model.Range
	fetch(m *Model) model.Range
}

// startOfWeek is midnight of the first day of t's week.
func (m *Model) startOfWeek(t time.Time) time.Time {
	d := m.dayOf(t)
	back := (int(d.Weekday()) - int(m.weekStart) + 7) % 7
	return d.AddDate(0, 0, -back)
}

// calendarKeys handles the keys every calendar view shares: today, the
// period keys, open, and the editing keys. step moves by one period.
func (m *Model) calendarKeys(msg tea.KeyPressMsg, step func(dir int) tea.Cmd) (tea.Cmd, bool) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Today):
		m.gridSet = false
		return m.SetDay(m.now), true
	case key.Matches(msg, k.Prev):
		return step(-1), true
	case key.Matches(msg, k.Next):
		return step(1), true
	case key.Matches(msg, k.Open):
		return m.openDetail(), true
	case key.Matches(msg, k.New):
		return m.startCreate(), true
	case key.Matches(msg, k.Edit):
		return m.startEdit(), true
	case key.Matches(msg, k.Delete):
		return m.startDelete(), true
	case key.Matches(msg, k.Duplicate):
		return m.startDuplicate(), true
	case key.Matches(msg, k.Earlier):
		return m.startShift(-15*time.Minute, 0, 0), true
	case key.Matches(msg, k.Later):
		return m.startShift(15*time.Minute, 0, 0), true
	case key.Matches(msg, k.DayBefore):
		return m.startShift(0, -1, 0), true
	case key.Matches(msg, k.DayAfter):
		return m.startShift(0, 1, 0), true
	case key.Matches(msg, k.Longer):
		return m.startShift(0, 0, 15*time.Minute), true
	case key.Matches(msg, k.Shorter):
		return m.startShift(0, 0, -15*time.Minute), true
	}
	return nil, false
}

// calendarBindings are the live keys of a calendar view.
func (m *Model) calendarBindings(extra ...key.Binding) []key.Binding {
	k := m.keys
	_, sel := m.selected()
	out := enable([]key.Binding{k.Open, k.New, k.Edit, k.Delete}, sel, m.focusCal != 0, sel, sel)
	out = append(out, extra...)
	out = append(out, k.Today, k.Prev, k.Next)
	out = append(out, enable([]key.Binding{k.Duplicate, k.Earlier, k.Later, k.DayBefore, k.DayAfter, k.Longer, k.Shorter},
		sel, sel, sel, sel, sel, sel, sel)...)
	return out
}

// moveInDay selects the previous (dir<0) or next instance of the cursor day.
func (m *Model) moveInDay(dir int) {
	list := m.byDay[m.dayNum(m.day)]
	if len(list) == 0 {
		return
	}
	pos := -1
	for j, i := range list {
		if i == m.sel {
			pos = j
		}
	}
	pos += dir
	if pos < 0 {
		pos = 0
	}
	if pos >= len(list) {
		pos = len(list) - 1
	}
	m.selectIndex(list[pos])
}
