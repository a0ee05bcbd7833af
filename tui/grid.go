package tui

import (
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"rota/model"
)

// gridScreen is the day (days=1) or week (days=7) time grid: a column per
// day, a row per half hour, events as blocks sized by their length,
// overlapping ones side by side, an all-day strip on top and a now line.
type gridScreen struct{ days int }

const (
	gutterW      = 6
	rowsPerDay   = 48
	maxStripRows = 3
)

func (g gridScreen) Name() string {
	if g.days == 1 {
		return "Day"
	}
	return "Week"
}

func (g gridScreen) first(m *Model) time.Time {
	if g.days == 1 {
		return m.day
	}
	return m.startOfWeek(m.day)
}

func (g gridScreen) need(m *Model) model.Range {
	f := g.first(m)
	return model.Range{From: f, To: f.AddDate(0, 0, g.days)}
}

// fetch loads the whole week even for the day view, so h and l stay local.
func (g gridScreen) fetch(m *Model) model.Range {
	f := m.startOfWeek(m.day)
	return model.Range{From: f, To: f.AddDate(0, 0, 7)}
}

func (g gridScreen) Activate(m *Model) tea.Cmd { return nil }

func (g gridScreen) Title(m *Model) string {
	f := g.first(m)
	if g.days == 1 {
		return f.Format("Monday 2 January 2006")
	}
	l := f.AddDate(0, 0, g.days-1)
	_, wk := f.ISOWeek()
	if f.Month() == l.Month() {
		return "week " + itoa(wk) + " · " + f.Format("2") + "–" + l.Format("2 Jan 2006")
	}
	return "week " + itoa(wk) + " · " + f.Format("2 Jan") + " – " + l.Format("2 Jan 2006")
}

func (g gridScreen) Keys(m *Model) []key.Binding {
	return m.calendarBindings(m.keys.Left, m.keys.Right, m.keys.Up, m.keys.Down)
}

func (g gridScreen) Update(m *Model, msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	step := func(dir int) tea.Cmd { return m.SetDay(m.day.AddDate(0, 0, g.days*dir)) }
	cmd, done := m.calendarKeys(kp, step)
	if !done {
		k := m.keys
		switch {
		case key.Matches(kp, k.Left):
			cmd = m.SetDay(m.day.AddDate(0, 0, -1))
		case key.Matches(kp, k.Right):
			cmd = m.SetDay(m.day.AddDate(0, 0, 1))
		case key.Matches(kp, k.Up):
			m.moveInDay(-1)
		case key.Matches(kp, k.Down):
			m.moveInDay(1)
		}
	}
	m.gridScroll(g)
	return cmd
}

// gridScroll keeps the first visible half-hour row where gridTopFor puts
// it, so scrolling moves as little as possible from one key to the next.
func (m *Model) gridScroll(g gridScreen) {
	avail := m.bodyHeight() - 1 - g.stripRows(m)
	if avail < 1 {
		return
	}
	m.gridTop = m.gridTopFor(avail)
	m.gridSet = true
}

// gridTopFor is the first visible half-hour row for avail rows: the last
// one kept (08:00, or the hour before now, on a fresh view), moved as
// little as needed to show the selected instance.
func (m *Model) gridTopFor(avail int) int {
	top := m.gridTop
	if !m.gridSet {
		top = 16
		if m.dayNum(m.now) == m.dayNum(m.day) {
			top = max(0, m.now.Hour()*2-2)
		}
	}
	if in, ok := m.selected(); ok && !m.inStrip(in, m.dayNum(m.day)) {
		r0, r1 := m.rowsOf(in, m.dayNum(m.day))
		if r0 < top {
			top = r0
		}
		if r1 > top+avail {
			top = min(r0, r1-avail)
		}
	}
	return max(0, min(top, rowsPerDay-avail))
}

// rowsOf returns the half-hour rows [r0, r1) an instance covers on day d.
func (m *Model) rowsOf(in model.Instance, d int) (int, int) {
	day := time.Unix(int64(d)*86400, 0).UTC()
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, m.loc)
	end := start.AddDate(0, 0, 1)
	s, e := in.Start, in.End
	if s.Before(start) {
		s = start
	}
	if e.After(end) {
		e = end
	}
	// Minutes since midnight by wall clock (a DST day still has 48 rows).
	wall := func(t time.Time) int {
		if !t.Before(end) {
			return 24 * 60
		}
		t = t.In(m.loc)
		return t.Hour()*60 + t.Minute()
	}
	sm, em := wall(s), wall(e)
	r0 := sm / 30
	r1 := (em + 29) / 30
	if r1 <= r0 {
		r1 = r0 + 1
	}
	return min(r0, rowsPerDay-1), min(r1, rowsPerDay)
}

// inStrip says whether an instance goes to the all-day strip: all-day, or
// covering the whole of day d.
func (m *Model) inStrip(in model.Instance, d int) bool {
	if in.AllDay {
		return true
	}
	return m.dayNum(in.Start) < d && m.dayNum(in.End.Add(-time.Nanosecond)) > d
}

func (g gridScreen) stripRows(m *Model) int {
	f := m.dayNum(g.first(m))
	n := 0
	for d := f; d < f+g.days; d++ {
		c := 0
		for _, i := range m.byDay[d] {
			if m.inStrip(m.insts[i], d) {
				c++
			}
		}
		n = max(n, c)
	}
	return min(n, maxStripRows)
}

// placed is one timed instance laid out in a day column.
type placed struct {
	inst   int
	r0, r1 int
	lane   int
	lanes  int
}

// layoutDay places the timed instances of day d in lanes: overlapping ones
// side by side, each cluster of overlaps sharing its width.
func (m *Model) layoutDay(d int) []placed {
	if ps, ok := m.layouts[d]; ok {
		return ps
	}
	ps := m.computeLayout(d)
	if m.layouts == nil {
		m.layouts = map[int][]placed{}
	}
	m.layouts[d] = ps
	return ps
}

// computeLayout is layoutDay without the cache.
func (m *Model) computeLayout(d int) []placed {
	var ps []placed
	for _, i := range m.byDay[d] {
		in := m.insts[i]
		if m.inStrip(in, d) {
			continue
		}
		r0, r1 := m.rowsOf(in, d)
		ps = append(ps, placed{inst: i, r0: r0, r1: r1})
	}
	sort.SliceStable(ps, func(a, b int) bool { return ps[a].r0 < ps[b].r0 })
	var laneEnd []int
	clusterStart, clusterEnd := 0, -1
	finish := func(to int) {
		for j := clusterStart; j < to; j++ {
			ps[j].lanes = len(laneEnd)
		}
	}
	for j := range ps {
		if ps[j].r0 >= clusterEnd {
			finish(j)
			clusterStart, laneEnd = j, laneEnd[:0]
		}
		lane := -1
		for l, end := range laneEnd {
			if end <= ps[j].r0 {
				lane = l
				break
			}
		}
		if lane < 0 {
			lane = len(laneEnd)
			laneEnd = append(laneEnd, 0)
		}
		laneEnd[lane] = ps[j].r1
		ps[j].lane = lane
		clusterEnd = max(clusterEnd, ps[j].r1)
	}
	finish(len(ps))
	return ps
}

// seg is a styled piece of a grid row.
type seg struct {
	x, w  int
	text  string
	style lipgloss.Style
}

func (g gridScreen) View(m *Model, w, h int) string {
	first := g.first(m)
	fd := m.dayNum(first)
	colW := (w - gutterW) / g.days
	if colW < 4 {
		colW = 4
	}
	cur := m.dayNum(m.day)
	today := m.dayNum(m.now)
	var b strings.Builder

	// Header: one label per day.
	b.WriteString(strings.Repeat(" ", gutterW))
	for i := 0; i < g.days; i++ {
		d := first.AddDate(0, 0, i)
		label := d.Format("Mon 2 Jan")
		if colW < 11 {
			label = d.Format("Mon 2")
		}
		st := m.sty.dayHeader
		switch {
		case fd+i == cur && g.days > 1:
			st = m.sty.cursorDay
		case fd+i == today:
			st = m.sty.today
		}
		b.WriteString(st.Render(pad(fit(" "+label, colW), colW)))
	}

	// All-day strip.
	strip := g.stripRows(m)
	for r := 0; r < strip; r++ {
		b.WriteByte('\n')
		b.WriteString(m.sty.gutter.Render(pad(map[bool]string{true: "all", false: ""}[r == 0], gutterW)))
		for i := 0; i < g.days; i++ {
			var list []int
			for _, j := range m.byDay[fd+i] {
				if m.inStrip(m.insts[j], fd+i) {
					list = append(list, j)
				}
			}
			cell := ""
			switch {
			case r < len(list) && (r < strip-1 || len(list) <= strip):
				in := m.insts[list[r]]
				st, lead := m.calBlock[in.CalendarID], " "
				if list[r] == m.sel {
					st, lead = m.sty.selected, "▸"
				}
				cell = "│" + st.Render(pad(fit(lead+in.Summary, colW-1), colW-1))
			case r == strip-1 && len(list) > strip:
				cell = "│" + m.sty.dim.Render(pad(" +"+itoa(len(list)-strip+1)+" more", colW-1))
			default:
				cell = "│" + strings.Repeat(" ", colW-1)
			}
			b.WriteString(fit(cell, colW))
		}
	}

	// Time rows.
	avail := h - 1 - strip
	top := m.gridTopFor(avail)
	nowRow := -1
	if today >= fd && today < fd+g.days {
		nowRow = (m.now.Hour()*60 + m.now.Minute()) / 30
	}
	layouts := make([][]placed, g.days)
	for i := range layouts {
		layouts[i] = m.layoutDay(fd + i)
	}
	for r := top; r < top+avail && r < rowsPerDay; r++ {
		b.WriteByte('\n')
		label := ""
		if r%2 == 0 {
			label = pad(itoa2(r/2)+":00", gutterW)
		}
		if r == nowRow {
			b.WriteString(m.sty.nowLine.Render(pad(m.now.Format("15:04")+"▶", gutterW)))
		} else {
			b.WriteString(m.sty.gutter.Render(pad(label, gutterW)))
		}
		for i := 0; i < g.days; i++ {
			b.WriteString(m.gridCell(layouts[i], fd+i, r, colW, r == nowRow && fd+i == today))
		}
	}
	return b.String()
}

// minLaneW is the narrowest side-by-side lane; overlaps beyond what fits
// are counted in a "+n" at the cell's right edge instead of drawn.
const minLaneW = 8

// gridCell renders one half-hour cell of a day column.
func (m *Model) gridCell(ps []placed, d, r, colW int, now bool) string {
	inner := colW - 1
	maxLanes := max(2, inner/minLaneW)
	var segs []seg
	hidden := 0
	for _, p := range ps {
		if r < p.r0 || r >= p.r1 {
			continue
		}
		lanes := p.lanes
		if lanes > maxLanes {
			lanes = maxLanes
			if p.lane >= maxLanes-1 {
				hidden++
				continue
			}
		}
		laneW := inner / max(lanes, 1)
		x := p.lane * laneW
		wd := laneW
		if p.lane == lanes-1 {
			wd = inner - x
		}
		if wd <= 0 {
			continue
		}
		in := m.insts[p.inst]
		text := ""
		switch r {
		case p.r0:
			text = in.Start.In(m.loc).Format("15:04") + " " + in.Summary
			if p.r0 == 0 && m.dayNum(in.Start) < d {
				text = "→ " + in.Summary
			}
		case p.r0 + 1:
			text = in.Summary
			if len([]rune(in.Start.In(m.loc).Format("15:04")+" "+in.Summary)) <= wd {
				text = ""
			}
		}
		st := m.calBlock[in.CalendarID]
		if p.inst == m.sel {
			st = m.sty.selected
			if r == p.r0 {
				text = "▸" + text
			}
		}
		segs = append(segs, seg{x: x, w: wd, text: text, style: st})
	}
	var b strings.Builder
	if now {
		b.WriteString(m.painted(fillNow, 1))
	} else {
		b.WriteString(m.painted(fillBar, 1))
	}
	x := 0
	fill := func(n int) {
		switch {
		case n <= 0:
		case now:
			b.WriteString(m.painted(fillNow, n))
		case r%2 == 0 && x == 0: // a dot marks the hour at the column's left edge
			b.WriteString(m.painted(fillDot, n))
		default:
			b.WriteString(m.painted(fillBlank, n))
		}
	}
	if hidden > 0 && maxLanes > 0 {
		// The last lane says how many more overlap here where that
		// number changes, and marks the rows below it.
		laneW := inner / maxLanes
		x := (maxLanes - 1) * laneW
		text := "┊"
		if r == 0 || hiddenAt(ps, r-1, maxLanes) != hidden {
			text = "+" + itoa(hidden)
		}
		segs = append(segs, seg{x: x, w: inner - x, text: text, style: m.sty.dim})
	}
	sort.Slice(segs, func(a, c int) bool { return segs[a].x < segs[c].x })
	for _, s := range segs {
		if s.x < x {
			continue
		}
		fill(s.x - x)
		t := s.text
		if t != "" && !strings.HasPrefix(t, "▸") {
			t = " " + t
		}
		b.WriteString(s.style.Render(pad(fit(t, s.w), s.w)))
		x = s.x + s.w
	}
	fill(inner - x)
	return b.String()
}

// hiddenAt counts the instances of row r that gridCell leaves out for
// want of lanes.
func hiddenAt(ps []placed, r, maxLanes int) int {
	n := 0
	for _, p := range ps {
		if r >= p.r0 && r < p.r1 && p.lanes > maxLanes && p.lane >= maxLanes-1 {
			n++
		}
	}
	return n
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

func itoa2(n int) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}

// Fills are the constant pieces of grid rows, styled once per width and
// kept: most of a grid is fills, and styling is what a frame costs.
const (
	fillBlank = iota
	fillDot
	fillNow
	fillBar
)

func (m *Model) painted(kind, n int) string {
	k := [2]int{kind, n}
	if s, ok := m.fills[k]; ok {
		return s
	}
	var s string
	switch kind {
	case fillBlank:
		s = strings.Repeat(" ", n)
	case fillDot:
		s = m.sty.grid.Render("·" + strings.Repeat(" ", n-1))
	case fillNow:
		s = m.sty.nowLine.Render(strings.Repeat("─", n))
	case fillBar:
		s = m.sty.grid.Render("│")
	}
	if m.fills == nil {
		m.fills = map[[2]int]string{}
	}
	m.fills[k] = s
	return s
}
