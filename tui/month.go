package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rota/model"
)

// monthScreen is a six-week grid: each day with its count and the first
// titles that fit.
type monthScreen struct{}

func (monthScreen) Name() string { return "Month" }

func (monthScreen) first(m *Model) time.Time {
	f := time.Date(m.day.Year(), m.day.Month(), 1, 0, 0, 0, 0, m.loc)
	return m.startOfWeek(f)
}

func (s monthScreen) need(m *Model) model.Range {
	f := s.first(m)
	return model.Range{From: f, To: f.AddDate(0, 0, 42)}
}

func (s monthScreen) fetch(m *Model) model.Range { return s.need(m) }

func (monthScreen) Activate(m *Model) tea.Cmd { return nil }

func (monthScreen) Title(m *Model) string { return m.day.Format("January 2006") }

func (monthScreen) Keys(m *Model) []key.Binding {
	return m.calendarBindings(m.keys.Left, m.keys.Right, m.keys.Up, m.keys.Down)
}

// addMonths moves t by n months, keeping the day of month where it exists
// (31 Jan + 1 month = 28/29 Feb).
func addMonths(t time.Time, n int) time.Time {
	f := time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	last := f.AddDate(0, 1, -1).Day()
	return time.Date(f.Year(), f.Month(), min(t.Day(), last), 0, 0, 0, 0, t.Location())
}

func (s monthScreen) Update(m *Model, msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := m.keys
	if key.Matches(kp, k.Open) {
		// Enter on a day opens it in the day view.
		return m.switchScreen(1)
	}
	step := func(dir int) tea.Cmd { return m.SetDay(addMonths(m.day, dir)) }
	if cmd, ok := m.calendarKeys(kp, step); ok {
		return cmd
	}
	switch {
	case key.Matches(kp, k.Left):
		return m.SetDay(m.day.AddDate(0, 0, -1))
	case key.Matches(kp, k.Right):
		return m.SetDay(m.day.AddDate(0, 0, 1))
	case key.Matches(kp, k.Up):
		return m.SetDay(m.day.AddDate(0, 0, -7))
	case key.Matches(kp, k.Down):
		return m.SetDay(m.day.AddDate(0, 0, 7))
	}
	return nil
}

func (s monthScreen) View(m *Model, w, h int) string {
	first := s.first(m)
	fd := m.dayNum(first)
	cellW := w / 7
	cellH := max((h-1)/6, 1)
	cur, today := m.dayNum(m.day), m.dayNum(m.now)
	var b strings.Builder
	for i := 0; i < 7; i++ {
		name := first.AddDate(0, 0, i).Format("Mon")
		b.WriteString(m.sty.dayHeader.Render(pad(" "+name, cellW)))
	}
	for wk := 0; wk < 6; wk++ {
		for line := 0; line < cellH; line++ {
			b.WriteByte('\n')
			for i := 0; i < 7; i++ {
				d := fd + wk*7 + i
				b.WriteString(m.monthCell(d, first.AddDate(0, 0, wk*7+i), line, cellH, cellW, d == cur, d == today))
			}
		}
	}
	return b.String()
}

func (m *Model) monthCell(d int, day time.Time, line, lines, w int, cursor, today bool) string {
	list := m.byDay[d]
	inner := w - 1
	if line == 0 {
		label := " " + itoa(day.Day())
		if cursor {
			label = "▸" + itoa(day.Day())
		}
		if len(list) > 0 {
			label += " (" + itoa(len(list)) + ")"
		}
		st := m.sty.dayHeader
		switch {
		case cursor:
			st = m.sty.cursorDay
		case today:
			st = m.sty.today
		case day.Month() != m.day.Month():
			st = m.sty.dim
		}
		return m.sty.grid.Render("│") + st.Render(pad(fit(label, inner), inner))
	}
	j := line - 1
	if j >= len(list) {
		return m.sty.grid.Render("│") + strings.Repeat(" ", inner)
	}
	if line == lines-1 && len(list) > lines-1 && j < len(list)-1 {
		return m.sty.grid.Render("│") + m.sty.dim.Render(pad(fit(" +"+itoa(len(list)-j)+" more", inner), inner))
	}
	in := m.insts[list[j]]
	text := in.Summary
	if !in.AllDay && m.dayNum(in.Start) == d {
		text = in.Start.In(m.loc).Format("15:04") + " " + text
	}
	mark := m.calMark[in.CalendarID].Render("▌")
	if cursor && list[j] == m.sel {
		return m.sty.grid.Render("│") + mark + m.sty.selected.Render(pad(fit(text, inner-1), inner-1))
	}
	return m.sty.grid.Render("│") + mark + pad(fit(text, inner-1), inner-1)
}
