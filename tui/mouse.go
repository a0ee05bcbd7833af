package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// Mouse: the wheel moves like ↑/↓ (the selection in a calendar view, the
// row of a list, the ? page); a left click on a tab switches to it, on an
// instance selects it (a second click on the selected one opens it), on a
// day moves there, on a calendar's row selects it ([x] shows or hides it).
// Hit-testing follows the layout the views draw with; nothing is recorded
// while drawing.

// wheel turns a wheel notch into ↑ or ↓ where that scrolls or moves.
func (m *Model) wheel(msg tea.MouseWheelMsg) tea.Cmd {
	var k tea.KeyPressMsg
	switch msg.Mouse().Button {
	case tea.MouseWheelUp:
		k = tea.KeyPressMsg{Code: tea.KeyUp}
	case tea.MouseWheelDown:
		k = tea.KeyPressMsg{Code: tea.KeyDown}
	default:
		return nil
	}
	switch m.mode {
	case modeNormal, modeDetail, modeHelp, modeCalendars, modeResults:
	default:
		return nil // forms and prompts: ↑/↓ change fields, not for a wheel
	}
	if c, ok := m.screens[m.cur].(InputCapturer); ok && m.mode == modeNormal && c.CapturesInput(m) {
		return nil
	}
	if m.holdKey(k) {
		return nil // a flood of notches is not worth replaying
	}
	return m.key(k)
}

// click handles a left click at a cell of the window.
func (m *Model) click(msg tea.MouseClickMsg) tea.Cmd {
	mo := msg.Mouse()
	if mo.Button != tea.MouseLeft {
		return nil
	}
	x, y := mo.X, mo.Y
	h := m.bodyHeight()
	if y == 0 {
		if m.mode == modeNormal || m.mode == modeDetail {
			if i, ok := m.tabAt(x); ok {
				return m.switchScreen(i)
			}
		}
		return nil
	}
	if y > h || m.busy() {
		return nil
	}
	y-- // body row
	switch m.mode {
	case modeCalendars:
		return m.calendarsClick(x, y, h)
	case modeResults:
		if i := y - 1 + m.resultsTop(h); y > 0 && i < len(m.results) && i >= 0 {
			if i == m.resSel {
				return m.jumpTo(m.results[i].inst)
			}
			m.resSel = i
		}
		return nil
	case modeNormal:
	case modeDetail:
		if !m.sideDetail() {
			return nil
		}
	default:
		return nil
	}
	w := m.width
	if m.mode == modeDetail {
		w = m.width - detailPaneWidth(m.width) - 1
		if x >= w {
			return nil // in the pane
		}
	}
	before := m.sel
	var cmd tea.Cmd
	hit := -1
	switch s := m.screens[m.cur].(type) {
	case *agendaScreen:
		cmd, hit = m.agendaClick(y, h)
	case *gridScreen:
		cmd, hit = s.click(m, x, y, w, h)
	case *monthScreen:
		cmd, hit = s.click(m, x, y, w, h)
	default:
		return nil
	}
	if m.mode == modeDetail {
		return tea.Batch(cmd, m.followDetail())
	}
	if cmd == nil && hit >= 0 && hit == before {
		return m.openDetail() // a second click on the selected instance
	}
	return cmd
}

// tabAt is the screen whose tab is at column x of the tab bar.
func (m *Model) tabAt(x int) (int, bool) {
	full := 0
	for i, s := range m.screens {
		label := string(rune('1'+i)) + " " + s.Name()
		if i >= 9 {
			label = s.Name()
		}
		full += lipgloss.Width(m.sty.tab.Render(label)) + 2
	}
	short := full+lipgloss.Width(m.screens[m.cur].Title(m)) > m.width
	pos := 0
	for i, s := range m.screens {
		var wd, gap int
		switch {
		case !short:
			label := string(rune('1'+i)) + " " + s.Name()
			if i >= 9 {
				label = s.Name()
			}
			wd, gap = lipgloss.Width(m.sty.tab.Render(label)), 2
		case i == m.cur:
			wd, gap = lipgloss.Width(m.sty.tabActive.Render(string(rune('1'+i))+" "+s.Name())), 1
		case i < 9:
			wd, gap = 1, 1
		}
		if x >= pos && x < pos+wd {
			return i, true
		}
		pos += wd + gap
	}
	return 0, false
}

// dayFromNum is midnight in the user's zone of day number d.
func (m *Model) dayFromNum(d int) time.Time {
	t := time.Unix(int64(d)*86400, 0).UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, m.loc)
}

// agendaClick selects the row at body row y of h, keeping the list still;
// it returns the load that needs and the instance hit (-1 for none).
func (m *Model) agendaClick(y, h int) (tea.Cmd, int) {
	rows := m.agendaRows()
	top := scrollTo(m.agendaTop, m.agendaCursor(rows), h, len(rows))
	r := top + y
	if r >= len(rows) {
		return nil, -1
	}
	m.agendaTop = top
	m.day = m.dayFromNum(rows[r].day)
	if rows[r].inst >= 0 {
		m.selectIndex(rows[r].inst)
	} else {
		m.selectInDay()
	}
	m.agendaScroll()
	return m.ensureWindow(), rows[r].inst
}

// click selects the instance or the day at (x, y) of a w x h grid body;
// it returns the load that needs and the instance hit (-1 for none).
func (g gridScreen) click(m *Model, x, y, w, h int) (tea.Cmd, int) {
	colW := max((w-gutterW)/g.days, 4)
	i := (x - gutterW) / colW
	if x < gutterW || i >= g.days {
		return nil, -1
	}
	d := m.dayNum(g.first(m)) + i
	cx := x - gutterW - i*colW - 1 // inside the column, right of its bar
	strip := g.stripRows(m)
	pick := -1
	top := m.gridTopFor(h - 1 - strip)
	switch {
	case y == 0: // the day's header
	case y <= strip:
		var list []int
		for _, j := range m.byDay[d] {
			if m.inStrip(m.insts[j], d) {
				list = append(list, j)
			}
		}
		if r := y - 1; r < len(list) && (r < strip-1 || len(list) <= strip) {
			pick = list[r]
		}
	default:
		pick = m.laneAt(m.layoutDay(d), top+y-1-strip, cx, colW)
	}
	m.gridTop, m.gridSet = top, true
	m.day = m.dayFromNum(d)
	if pick >= 0 {
		m.selectIndex(pick)
	} else {
		m.selectInDay()
	}
	m.gridScroll(g)
	return m.ensureWindow(), pick
}

// laneAt is the instance drawn at column cx of half-hour row r of a day
// column colW wide (gridCell's lanes), -1 for none.
func (m *Model) laneAt(ps []placed, r, cx, colW int) int {
	inner := colW - 1
	maxLanes := max(2, inner/minLaneW)
	for _, p := range ps {
		if r < p.r0 || r >= p.r1 {
			continue
		}
		lanes := p.lanes
		if lanes > maxLanes {
			lanes = maxLanes
			if p.lane >= maxLanes-1 {
				continue
			}
		}
		laneW := inner / max(lanes, 1)
		x0, wd := p.lane*laneW, laneW
		if p.lane == lanes-1 {
			wd = inner - x0
		}
		if cx >= x0 && cx < x0+wd {
			return p.inst
		}
	}
	return -1
}

// click moves to the day at (x, y) of a w x h month body and selects the
// title clicked, if any; it returns the load that needs and the instance
// hit (-1 for none).
func (s monthScreen) click(m *Model, x, y, w, h int) (tea.Cmd, int) {
	cellW := max(w/7, 1)
	cellH := max((h-1)/6, 1)
	i, wk, line := x/cellW, (y-1)/cellH, (y-1)%cellH
	if y == 0 || i >= 7 || wk >= 6 {
		return nil, -1
	}
	d := m.dayNum(s.first(m)) + wk*7 + i
	cmd := m.SetDay(m.dayFromNum(d))
	list := m.byDay[d]
	if j := line - 1; j >= 0 && j < len(list) && !(line == cellH-1 && len(list) > cellH-1 && j < len(list)-1) {
		m.selectIndex(list[j])
		return cmd, list[j]
	}
	return cmd, -1
}

// calendarsClick selects the calendar at body row y; a click on its box
// shows or hides it.
func (m *Model) calendarsClick(x, y, h int) tea.Cmd {
	top, rows := m.calWindow(h)
	i := top + y - 1
	if y < 1 || y > rows || i >= len(m.cals) {
		return nil
	}
	m.calCursor = i
	if x >= 2 && x <= 4 {
		return m.calendarsKey(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	}
	return nil
}
