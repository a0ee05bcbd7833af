package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"rota/model"
)

// Calendars list: show or hide each calendar, choose where new events go.

func (m *Model) calendarsKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	defer func() { m.calTop, _ = m.calWindow(m.bodyHeight()) }()
	switch {
	case key.Matches(msg, k.Back, k.Calendars):
		m.mode = modeNormal
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Up):
		m.calCursor = max(0, m.calCursor-1)
	case key.Matches(msg, k.Down):
		m.calCursor = max(0, min(len(m.cals)-1, m.calCursor+1))
	case key.Matches(msg, k.Toggle):
		if m.calCursor < len(m.cals) {
			id := m.cals[m.calCursor].ID
			m.hidden[id] = !m.hidden[id]
			if cv, ok := m.screens[m.cur].(calendarView); ok {
				return m.reload(cv.fetch(m))
			}
		}
	case key.Matches(msg, k.Focus):
		if m.calCursor < len(m.cals) {
			m.focusCal = m.cals[m.calCursor].ID
			m.SetMessage("new events go to " + calName(m.cals[m.calCursor]))
		}
	}
	return nil
}

// calWindow is the first calendar row shown and how many fit in a body
// of h lines: all of them, or (with a line saying which are shown) a
// window from calTop moved just enough to show the cursor.
func (m *Model) calWindow(h int) (top, rows int) {
	rows = max(h-1, 1)
	if len(m.cals) <= rows {
		return 0, len(m.cals)
	}
	rows = max(h-2, 1)
	top = min(m.calTop, m.calCursor)
	top = max(top, m.calCursor-rows+1)
	return max(0, min(top, len(m.cals)-rows)), rows
}

func (m *Model) calendarsView(w, h int) string {
	var b strings.Builder
	b.WriteString(m.sty.title.Render("  Calendars") + m.sty.dim.Render("  (space shows or hides, enter makes it the one new events go to)"))
	top, rows := m.calWindow(h)
	for i := top; i < len(m.cals) && i < top+rows; i++ {
		c := m.cals[i]
		b.WriteByte('\n')
		box := "[x]"
		if m.hidden[c.ID] {
			box = "[ ]"
		}
		focus := " "
		if c.ID == m.focusCal {
			focus = "•"
		}
		kind := string(c.Kind)
		if kind == "" {
			kind = string(model.CalendarEvents)
		}
		line := "  " + box + " " + focus + " " + m.calMark[c.ID].Render("■■") + " " + pad(calName(c), 24) + " " + m.sty.dim.Render(kind+" · "+c.Owner)
		if i == m.calCursor {
			line = m.sty.selected.Render(pad(fit("  "+box+" "+focus+" ■■ "+pad(calName(c), 24)+" "+kind+" · "+c.Owner, w), w))
		}
		b.WriteString(line)
	}
	if len(m.cals) == 0 {
		b.WriteString("\n" + m.sty.dim.Render("  no calendars yet: try `rota demo` or `rota import FILE`"))
	}
	if rows < len(m.cals) {
		b.WriteString("\n" + m.sty.dim.Render(fmt.Sprintf("  %d–%d of %d calendars (↑/↓)", top+1, min(top+rows, len(m.cals)), len(m.cals))))
	}
	return b.String()
}

// Search: / opens a prompt in the status line; enter runs it; results list
// in the body; enter jumps to the instance.

func (m *Model) searchKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.mode = modeNormal
		m.query.Blur()
		m.results = nil
		return nil
	case "enter":
		text := strings.TrimSpace(m.query.Value())
		if text == "" {
			return nil
		}
		m.query.Blur()
		m.mode = modeResults
		m.searching = true
		m.results, m.resSel, m.resText = nil, 0, text
		vis := map[int64]bool{}
		for _, id := range m.visibleIDs() {
			vis[id] = true
		}
		return search(m.ctx, m.store, text, vis, m.now, m.loc)
	}
	var cmd tea.Cmd
	m.query, cmd = m.query.Update(msg)
	return cmd
}

func (m *Model) gotSearch(msg searchMsg) {
	if msg.text != m.resText {
		return
	}
	m.searching = false
	if msg.err != nil {
		m.err = msg.err
		return
	}
	m.results = msg.hits
	if m.results == nil {
		m.results = []searchHit{}
	}
}

func (m *Model) resultsKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.mode = modeNormal
		m.results = nil
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Search):
		m.mode = modeSearch
		return m.query.Focus()
	case key.Matches(msg, k.Up):
		m.resSel = max(0, m.resSel-1)
	case key.Matches(msg, k.Down):
		m.resSel = min(len(m.results)-1, m.resSel+1)
	case key.Matches(msg, k.Open):
		if m.resSel < len(m.results) {
			return m.jumpTo(m.results[m.resSel].inst)
		}
	}
	return nil
}

// jumpTo moves the cursor to an instance and opens the view that shows it.
func (m *Model) jumpTo(in model.Instance) tea.Cmd {
	m.mode = modeNormal
	m.results = nil
	if in.Start.IsZero() {
		return nil
	}
	m.selKey = keyOf(in)
	m.sel = -1
	m.day = m.dayOf(in.Start)
	m.gridSet = false
	if _, ok := m.screens[m.cur].(calendarView); !ok {
		m.cur = 1
	}
	// Force a reload so the selection is restored from selKey.
	cv := m.screens[m.cur].(calendarView)
	return m.reload(cv.fetch(m))
}

// resultsTop is the first result shown in a body of h lines (under the
// title line), keeping the selected one in view.
func (m *Model) resultsTop(h int) int {
	return max(0, scrollTo(0, m.resSel+1, h-1, len(m.results)+1)-1)
}

func (m *Model) resultsView(w, h int) string {
	var b strings.Builder
	b.WriteString(m.sty.title.Render("  Search: " + m.resText))
	switch {
	case m.searching:
		b.WriteString("\n" + m.sty.dim.Render("  searching…"))
		return b.String()
	case len(m.results) == 0:
		b.WriteString("\n" + m.sty.dim.Render("  nothing found"))
		return b.String()
	}
	top := m.resultsTop(h)
	for i := top; i < len(m.results) && i < top+h-1; i++ {
		r := m.results[i]
		when := "no date"
		if !r.inst.Start.IsZero() {
			when = r.inst.Start.In(m.loc).Format("Mon 2 Jan 2006 15:04")
			if r.inst.AllDay {
				when = r.inst.Start.In(m.loc).Format("Mon 2 Jan 2006") + " all day"
			}
		}
		cal, _ := m.calendar(r.obj.CalendarID)
		name := calName(cal)
		text := " " + pad(when, 28) + " " + r.obj.Summary
		text = pad(fit(text, max(w-lipgloss.Width(name)-3, 1)), max(w-lipgloss.Width(name)-3, 1))
		b.WriteByte('\n')
		if i == m.resSel {
			b.WriteString(m.sty.selected.Render(fit("▸"+text+"  "+name, w)))
			continue
		}
		b.WriteString(m.calMark[r.obj.CalendarID].Render("▌") + text + m.sty.dim.Render("  "+name))
	}
	return b.String()
}

// Help: every key, grouped; the page scrolls when it is taller than the
// body.

// openHelp shows the ? page from its top.
func (m *Model) openHelp() {
	m.mode = modeHelp
	m.helpTop = 0
}

// helpLines is the ? page at the window's width, its length and the
// number of lines shown at once when it scrolls.
func (m *Model) helpLines() (lines []string, n, h int) {
	lines = strings.Split(m.helpView(m.width), "\n")
	h = m.bodyHeight()
	if len(lines) > h {
		h = max(h-1, 1) // the last line says where we are
	}
	return lines, len(lines), h
}

func (m *Model) helpKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	_, n, h := m.helpLines()
	switch {
	case key.Matches(msg, k.Back, k.Help):
		m.mode = modeNormal
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Up):
		m.scrollHelp(-1, n, h)
	case key.Matches(msg, k.Down):
		m.scrollHelp(1, n, h)
	case key.Matches(msg, k.Prev):
		m.scrollHelp(-h, n, h)
	case key.Matches(msg, k.Next, k.Toggle):
		m.scrollHelp(h, n, h)
	case msg.String() == "home" || msg.String() == "g":
		m.helpTop = 0
	case msg.String() == "end" || msg.String() == "G":
		m.scrollHelp(n, n, h)
	}
	return nil
}

// scrollHelp moves the ? page by d lines, within its n lines shown h at
// a time.
func (m *Model) scrollHelp(d, n, h int) {
	m.helpTop = max(0, min(m.helpTop+d, n-h))
}

// helpPage is the part of the ? page that fits in h lines, with a line
// saying what is above and below when it does not all fit.
func (m *Model) helpPage(h int) string {
	lines, n, rows := m.helpLines()
	if n <= h {
		return strings.Join(lines, "\n")
	}
	top := max(0, min(m.helpTop, n-rows))
	end := min(top+rows, n)
	var where string
	switch {
	case top == 0:
		where = fmt.Sprintf("  ↓ %d more lines (↓/j, pgdn)", n-end)
	case end == n:
		where = fmt.Sprintf("  ↑ %d lines above (↑/k, pgup)", top)
	default:
		where = fmt.Sprintf("  ↑ %d lines above · ↓ %d more", top, n-end)
	}
	return strings.Join(lines[top:end], "\n") + "\n" + m.sty.dim.Render(where)
}

func (m *Model) helpView(w int) string {
	k := m.keys
	switch n := len(m.screens); {
	case n <= 4:
		k.Screens.SetEnabled(false)
	case n == 5:
		k.Screens.SetHelp("5", "more screens")
	case n < 9:
		k.Screens.SetHelp("5-"+itoa(n), "more screens")
	}
	groups := []struct {
		name string
		keys []key.Binding
	}{
		{"move", []key.Binding{k.Up, k.Down, k.Left, k.Right, k.Today, k.Prev, k.Next}},
		{"views", []key.Binding{k.NextView, k.Views, k.Screens, k.Open, k.Back, k.Search, k.Calendars, k.Help, k.Quit}},
		{"edit", []key.Binding{k.New, k.Edit, k.Delete, k.Duplicate, k.Earlier, k.Later, k.DayBefore, k.DayAfter, k.Longer, k.Shorter}},
		{"forms and prompts", []key.Binding{k.NextField, k.PrevField, k.Save, k.Cancel, k.Yes, k.No, k.ScopeThis, k.ScopeFollowing, k.ScopeAll}},
		{"calendars list", []key.Binding{k.Toggle, k.Focus}},
	}
	var global []key.Binding
	for _, s := range m.screens {
		if g, ok := s.(GlobalKeyer); ok {
			global = append(global, g.GlobalKeys(m)...)
		}
	}
	if len(global) > 0 {
		groups = append(groups, struct {
			name string
			keys []key.Binding
		}{"every screen", global})
	}
	var cols [][]string
	for _, g := range groups {
		col := []string{m.sty.title.Render(g.name)}
		for _, b := range g.keys {
			if !b.Enabled() {
				continue
			}
			col = append(col, m.sty.prompt.Render(pad(b.Help().Key, 7))+" "+b.Help().Desc)
		}
		cols = append(cols, col)
	}
	// Screens added by other packages list their keys too.
	for i, s := range m.screens[4:] {
		col := []string{m.sty.title.Render(itoa(i+5) + " " + s.Name())}
		keys := s.Keys(m)
		if l, ok := s.(KeyLister); ok {
			keys = l.AllKeys(m)
		}
		for _, b := range keys {
			col = append(col, m.sty.prompt.Render(pad(b.Help().Key, 7))+" "+b.Help().Desc)
		}
		cols = append(cols, col)
	}
	// The active screen's own keys first.
	if i := len(groups) + m.cur - 4; m.cur >= 4 && i < len(cols) {
		cols = append([][]string{cols[i]}, append(cols[:i:i], cols[i+1:]...)...)
	}
	perRow := max(1, w/26)
	colW := w / perRow
	var b strings.Builder
	for start := 0; start < len(cols); start += perRow {
		end := min(start+perRow, len(cols))
		rows := 0
		for _, c := range cols[start:end] {
			rows = max(rows, len(c))
		}
		for r := 0; r < rows; r++ {
			if b.Len() > 0 || r > 0 {
				b.WriteByte('\n')
			}
			for _, c := range cols[start:end] {
				cell := ""
				if r < len(c) {
					cell = c[r]
				}
				b.WriteString(pad(fit(" "+cell, colW), colW))
			}
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
