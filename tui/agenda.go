package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rota/model"
)

// agendaScreen lists upcoming instances grouped by day. It renders only
// the rows on screen, so a month of a busy store costs what fits in the
// window.
type agendaScreen struct{}

// agendaRow is a day header (inst < 0) or one instance on a day.
type agendaRow struct {
	day  int // day number
	inst int
}

const agendaDays = 35

func (agendaScreen) Name() string { return "Agenda" }

func (agendaScreen) need(m *Model) model.Range {
	return model.Range{From: m.day, To: m.day.AddDate(0, 0, 7)}
}

func (agendaScreen) fetch(m *Model) model.Range {
	return model.Range{From: m.day, To: m.day.AddDate(0, 0, agendaDays)}
}

func (agendaScreen) Activate(m *Model) tea.Cmd { return nil }

func (agendaScreen) Title(m *Model) string {
	return "from " + m.day.Format("Mon 2 Jan 2006")
}

func (a agendaScreen) Keys(m *Model) []key.Binding {
	return m.calendarBindings(m.keys.Up, m.keys.Down)
}

// rows lays out the loaded window: every day with instances, and the cursor
// day even when it is empty.
func (m *Model) agendaRows() []agendaRow {
	if m.loaded.From.IsZero() {
		return nil
	}
	lo, hi := m.dayNum(m.loaded.From), m.dayNum(m.loaded.To.Add(-time.Nanosecond))
	cur := m.dayNum(m.day)
	rows := make([]agendaRow, 0, len(m.insts)+hi-lo+1)
	for d := lo; d <= hi; d++ {
		list := m.byDay[d]
		if len(list) == 0 && d != cur {
			continue
		}
		rows = append(rows, agendaRow{day: d, inst: -1})
		for _, i := range list {
			rows = append(rows, agendaRow{day: d, inst: i})
		}
	}
	return rows
}

func (m *Model) agendaCursor(rows []agendaRow) int {
	cur := m.dayNum(m.day)
	first := -1
	for r, row := range rows {
		if row.day != cur {
			continue
		}
		if first < 0 {
			first = r
		}
		if row.inst >= 0 && row.inst == m.sel {
			return r
		}
	}
	return first
}

func (a agendaScreen) Update(m *Model, msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	step := func(dir int) tea.Cmd { return m.SetDay(m.day.AddDate(0, 0, 7*dir)) }
	if cmd, ok := m.calendarKeys(kp, step); ok {
		m.agendaScroll()
		return cmd
	}
	k := m.keys
	var cmd tea.Cmd
	switch {
	case key.Matches(kp, k.Down, k.Right):
		cmd = m.agendaMove(1)
	case key.Matches(kp, k.Up, k.Left):
		cmd = m.agendaMove(-1)
	}
	m.agendaScroll()
	return cmd
}

// agendaMove moves the cursor to the next or previous instance row; past the
// loaded window it moves the day, which loads the next window.
func (m *Model) agendaMove(dir int) tea.Cmd {
	rows := m.agendaRows()
	r := m.agendaCursor(rows)
	for r += dir; r >= 0 && r < len(rows); r += dir {
		if rows[r].inst >= 0 {
			m.day = time.Unix(int64(rows[r].day)*86400, 0).UTC()
			m.day = time.Date(m.day.Year(), m.day.Month(), m.day.Day(), 0, 0, 0, 0, m.loc)
			m.selectIndex(rows[r].inst)
			return m.ensureWindow()
		}
	}
	if dir > 0 && !m.loaded.To.IsZero() {
		return m.SetDay(m.loaded.To)
	}
	if dir < 0 {
		return m.SetDay(m.day.AddDate(0, 0, -1))
	}
	return nil
}

// agendaScroll keeps the cursor row inside the window.
func (m *Model) agendaScroll() {
	rows := m.agendaRows()
	m.agendaTop = scrollTo(m.agendaTop, m.agendaCursor(rows), m.bodyHeight(), len(rows))
}

// scrollTo returns the first visible row so that row cur is visible in h
// rows, moving as little as possible from top.
func scrollTo(top, cur, h, n int) int {
	if cur < 0 {
		return 0
	}
	if cur-1 < top { // keep the day header above the first row in view
		top = max(cur-1, 0)
	}
	if cur >= top+h {
		top = cur - h + 1
	}
	return max(0, min(top, max(n-h, 0)))
}

func (a agendaScreen) View(m *Model, w, h int) string {
	if m.cals != nil && len(m.cals) == 0 {
		return m.sty.dim.Render("  no calendars yet: run `rota demo` for sample data, or `rota import FILE.ics`")
	}
	rows := m.agendaRows()
	if len(rows) == 0 {
		return m.sty.dim.Render("  loading…")
	}
	cur := m.agendaCursor(rows)
	top := scrollTo(m.agendaTop, cur, h, len(rows))
	today := m.dayNum(m.now)
	var b strings.Builder
	for r := top; r < len(rows) && r < top+h; r++ {
		row := rows[r]
		if r > top {
			b.WriteByte('\n')
		}
		if row.inst < 0 {
			d := time.Unix(int64(row.day)*86400, 0).UTC()
			label := d.Format("Monday 2 January 2006")
			switch {
			case row.day == today:
				b.WriteString(m.sty.today.Render(label + " · today"))
			default:
				b.WriteString(m.sty.dayHeader.Render(label))
			}
			if len(m.byDay[row.day]) == 0 {
				b.WriteString(m.sty.dim.Render(" · nothing planned"))
			}
			continue
		}
		b.WriteString(m.agendaLine(row, r == cur, w))
	}
	return b.String()
}

func (m *Model) agendaLine(row agendaRow, selected bool, w int) string {
	in := m.insts[row.inst]
	when := m.timeSpan(in, row.day)
	title := in.Summary
	if title == "" {
		title = "(no title)"
	}
	if in.Overridden {
		title += " *"
	}
	cal, _ := m.calendar(in.CalendarID)
	mark := m.calMark[in.CalendarID].Render("▌")
	left := "  " + pad(when, 13) + " "
	right := " " + calName(cal)
	room := w - len([]rune(left)) - 1 - len([]rune(right))
	text := fit(title, max(room, 4))
	line := left + mark + text
	if selected {
		left = "▸ " + left[2:]
		plain := pad(left+"▌"+text, w-len([]rune(right))) + right
		return m.sty.selected.Render(fit(plain, w))
	}
	return pad(line, w-len([]rune(right))) + m.sty.dim.Render(right)
}

// timeSpan is "09:00–10:30", "all day", or the part of a multi-day
// instance on day d ("→ 12:00", "09:00 →").
func (m *Model) timeSpan(in model.Instance, d int) string {
	if in.AllDay {
		return "all day"
	}
	s, e := in.Start.In(m.loc), in.End.In(m.loc)
	sd, ed := m.dayNum(s), m.dayNum(e.Add(-time.Nanosecond))
	switch {
	case sd == d && ed == d || !e.After(s):
		if !e.After(s) {
			return s.Format("15:04")
		}
		return s.Format("15:04") + "–" + e.Format("15:04")
	case sd == d:
		return s.Format("15:04") + " →"
	case ed == d:
		return "→ " + e.Format("15:04")
	}
	return "all day"
}
