package tui

import "charm.land/bubbles/v2/key"

// keyMap holds every binding of the TUI. Which of them are live depends on
// the state; liveKeys in app.go enables exactly those, so the help line
// never lists a key that does nothing.
type keyMap struct {
	Up, Down, Left, Right key.Binding
	Today                 key.Binding
	Prev, Next            key.Binding
	NextView, Views       key.Binding
	Screens               key.Binding
	Open, Back, Quit      key.Binding
	Help                  key.Binding
	Search, Calendars     key.Binding

	New, Edit, Delete, Duplicate key.Binding
	Earlier, Later               key.Binding
	DayBefore, DayAfter          key.Binding
	Longer, Shorter              key.Binding

	Toggle, Focus key.Binding

	// Forms and prompts.
	NextField, PrevField, Save, Cancel  key.Binding
	Yes, No                             key.Binding
	ScopeThis, ScopeFollowing, ScopeAll key.Binding
}

func defaultKeys() keyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return keyMap{
		Up:        b([]string{"up", "k"}, "↑/k", "up"),
		Down:      b([]string{"down", "j"}, "↓/j", "down"),
		Left:      b([]string{"left", "h"}, "←/h", "day before"),
		Right:     b([]string{"right", "l"}, "→/l", "day after"),
		Today:     b([]string{"t"}, "t", "today"),
		Prev:      b([]string{"[", "pgup"}, "[/pgup", "previous"),
		Next:      b([]string{"]", "pgdown"}, "]/pgdn", "next"),
		NextView:  b([]string{"tab"}, "tab", "next view"),
		Views:     b([]string{"1", "2", "3", "4"}, "1-4", "switch view"),
		Screens:   b([]string{"5", "6", "7", "8", "9"}, "5-9", "more screens"),
		Open:      b([]string{"enter"}, "enter", "open"),
		Back:      b([]string{"esc"}, "esc", "back"),
		Quit:      b([]string{"q", "ctrl+c"}, "q", "quit"),
		Help:      b([]string{"?"}, "?", "all keys"),
		Search:    b([]string{"/"}, "/", "search"),
		Calendars: b([]string{"c"}, "c", "calendars"),

		New:       b([]string{"n"}, "n", "new"),
		Edit:      b([]string{"e"}, "e", "edit"),
		Delete:    b([]string{"d"}, "d", "delete"),
		Duplicate: b([]string{"y", "D"}, "y/D", "duplicate"),
		Earlier:   b([]string{"shift+up", "K"}, "⇧↑/K", "15 min earlier"),
		Later:     b([]string{"shift+down", "J"}, "⇧↓/J", "15 min later"),
		DayBefore: b([]string{"shift+left", "H"}, "⇧←/H", "a day earlier"),
		DayAfter:  b([]string{"shift+right", "L"}, "⇧→/L", "a day later"),
		Longer:    b([]string{"+", "="}, "+", "15 min longer"),
		Shorter:   b([]string{"-"}, "-", "15 min shorter"),

		Toggle: b([]string{"space"}, "space", "show/hide"),
		Focus:  b([]string{"enter"}, "enter", "make default"),

		NextField: b([]string{"tab", "down"}, "tab/↓", "next field"),
		PrevField: b([]string{"shift+tab", "up"}, "⇧tab/↑", "previous field"),
		Save:      b([]string{"enter", "ctrl+s"}, "enter", "save"),
		Cancel:    b([]string{"esc"}, "esc", "cancel"),
		Yes:       b([]string{"y"}, "y", "yes"),
		No:        b([]string{"n", "esc"}, "n/esc", "no"),

		ScopeThis:      b([]string{"o"}, "o", "this one"),
		ScopeFollowing: b([]string{"f"}, "f", "and following"),
		ScopeAll:       b([]string{"a"}, "a", "all"),
	}
}
