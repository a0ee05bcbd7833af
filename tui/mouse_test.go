package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// cellOf finds text on the screen: its column (in cells) and row.
func cellOf(t *testing.T, m *Model, text string) (x, y int) {
	t.Helper()
	for y, l := range strings.Split(screen(m), "\n") {
		if i := strings.Index(l, text); i >= 0 {
			return ansi.StringWidth(l[:i]), y
		}
	}
	t.Fatalf("%q is not on the screen:\n%s", text, screen(m))
	return 0, 0
}

func clickAt(t *testing.T, m *Model, x, y int) {
	t.Helper()
	drive(t, m, func() tea.Msg { return tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft} })
}

func clickOn(t *testing.T, m *Model, text string) {
	t.Helper()
	x, y := cellOf(t, m, text)
	clickAt(t, m, x, y)
}

func wheel(t *testing.T, m *Model, b tea.MouseButton) {
	t.Helper()
	drive(t, m, func() tea.Msg { return tea.MouseWheelMsg{X: 10, Y: 5, Button: b} })
}

func TestMouseAgenda(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 80, 24)
	if got := m.View().MouseMode; got != tea.MouseModeCellMotion {
		t.Errorf("mouse mode %v, want cell motion", got)
	}
	clickOn(t, m, "Design review")
	if got := selectedTitle(m); got != "Design review" || m.mode != modeNormal {
		t.Fatalf("click on Design review selected %q, mode %v", got, m.mode)
	}
	clickOn(t, m, "Dentist") // another day, below
	if got := selectedTitle(m); got != "Dentist" || m.Day().Day() != 24 {
		t.Fatalf("click on Dentist: %q on %v", got, m.Day())
	}
	clickOn(t, m, "Dentist") // again: open it
	if m.mode != modeDetail || !strings.Contains(screen(m), "Main St 4") {
		t.Fatalf("second click did not open the detail: mode %v\n%s", m.mode, screen(m))
	}
	press(t, m, "esc")
	wheel(t, m, tea.MouseWheelUp)
	if got := selectedTitle(m); got != "Standup" || m.Day().Day() != 24 {
		t.Errorf("wheel up from Dentist selected %q, want the row above", got)
	}
	wheel(t, m, tea.MouseWheelDown)
	if got := selectedTitle(m); got != "Dentist" {
		t.Errorf("wheel down selected %q", got)
	}
	clickOn(t, m, "4 Month")
	if m.cur != 3 {
		t.Errorf("click on the Month tab: screen %d", m.cur)
	}

	off := New(Options{Store: f.st, Now: func() time.Time { return fixedNow }, Location: berlin, Owner: "alice", Poll: -1, NoMouse: true})
	drive(t, off, off.Init())
	if got := off.View().MouseMode; got != tea.MouseModeNone {
		t.Errorf("NoMouse: mouse mode %v", got)
	}
	drive(t, off, func() tea.Msg { return tea.MouseClickMsg{X: 4, Y: 4, Button: tea.MouseLeft} })
	if got := selectedTitle(off); got != "Standup" {
		t.Errorf("NoMouse: a click moved the selection to %q", got)
	}
}

func TestMouseGrid(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 120, 40)
	press(t, m, "3")
	_, before := cellOf(t, m, "16:00")
	clickOn(t, m, "Dentist")
	if got := selectedTitle(m); got != "Dentist" || m.Day().Day() != 24 {
		t.Fatalf("click on Dentist in the week: %q on %v", got, m.Day())
	}
	if _, after := cellOf(t, m, "16:00"); after != before {
		t.Errorf("a click scrolled the grid: 16:00 moved from row %d to %d", before, after)
	}
	clickOn(t, m, "Conference") // the all-day strip, Wednesday
	if got := selectedTitle(m); got != "Conference" || m.Day().Day() != 25 {
		t.Errorf("click in the all-day strip: %q on %v", got, m.Day())
	}
	x, _ := cellOf(t, m, "Fri 27")
	_, y := cellOf(t, m, "19:00")
	clickAt(t, m, x+2, y) // an empty hour on Friday: the day, its first instance
	if m.Day().Day() != 27 || selectedTitle(m) != "Company holiday" {
		t.Errorf("click on an empty Friday cell: %v, %q", m.Day(), selectedTitle(m))
	}
	clickOn(t, m, "Company h") // selected already: opens, the week leaves for the full pane
	if m.mode != modeDetail {
		t.Fatalf("second click: mode %v", m.mode)
	}
	clickOn(t, m, "3 Week") // clicks in the full pane do nothing but the tabs
	if m.mode != modeDetail {
		t.Errorf("click on the current tab closed the pane: mode %v", m.mode)
	}

	wide := newModel(t, f.st, 160, 40)
	press(t, wide, "3", "enter") // Monday's standup, beside the week
	clickOn(t, wide, "16:00 Den")
	if got := selectedTitle(wide); got != "Dentist" || wide.mode != modeDetail || !strings.Contains(screen(wide), "Main St 4") {
		t.Errorf("click beside the pane: %q mode %v\n%s", got, wide.mode, screen(wide))
	}
}

func TestMouseMonthListsHelp(t *testing.T) {
	f := newFixture(t)
	m := newModel(t, f.st, 120, 40)
	press(t, m, "4")
	clickOn(t, m, "28 (")
	if m.Day().Day() != 28 || selectedTitle(m) != "Gym" {
		t.Errorf("click on 28 Nov: %v, %q", m.Day(), selectedTitle(m))
	}
	x, y := cellOf(t, m, "16:00 Dentist")
	clickAt(t, m, x, y)
	if m.Day().Day() != 24 || selectedTitle(m) != "Dentist" {
		t.Errorf("click on a title: %v, %q", m.Day(), selectedTitle(m))
	}

	press(t, m, "c")
	x, y = cellOf(t, m, "[x]")
	clickAt(t, m, x+1, y+1) // Home's box
	if !m.hidden[f.cals["home"]] || m.calCursor != 1 {
		t.Errorf("click on Home's box: hidden %v cursor %d", m.hidden, m.calCursor)
	}
	press(t, m, "esc")

	small := newModel(t, f.st, 80, 12)
	press(t, small, "?")
	wheel(t, small, tea.MouseWheelDown)
	wheel(t, small, tea.MouseWheelDown)
	if small.helpTop != 2 {
		t.Errorf("wheel on the ? page: top %d, want 2", small.helpTop)
	}

	press(t, m, "/")
	typeText(t, m, "o")
	press(t, m, "enter")
	if len(m.results) < 2 {
		t.Fatalf("search results %d", len(m.results))
	}
	_, y = cellOf(t, m, "Search: o")
	clickAt(t, m, 10, y+2)
	if m.resSel != 1 {
		t.Fatalf("click on the second result: selected %d", m.resSel)
	}
	clickAt(t, m, 10, y+2)
	if m.mode != modeNormal || m.results != nil {
		t.Errorf("second click did not jump: mode %v", m.mode)
	}
}
