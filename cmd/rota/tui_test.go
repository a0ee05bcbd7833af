package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"rota/store/sqlite"
	"rota/tui"
)

func TestWeekStartOf(t *testing.T) {
	for _, tc := range []struct {
		flag, lcAll, lcTime, lang string
		want                      time.Weekday
	}{
		{flag: "sunday", want: time.Sunday},
		{flag: "Sat", want: time.Saturday},
		{lcTime: "en_US.UTF-8", want: time.Sunday},
		{lcTime: "de_DE.UTF-8", want: time.Monday},
		{lang: "ja_JP.UTF-8", want: time.Sunday},
		{lcAll: "fr_FR", lang: "en_US", want: time.Monday},
		{want: time.Monday},
	} {
		t.Setenv("LC_ALL", tc.lcAll)
		t.Setenv("LC_TIME", tc.lcTime)
		t.Setenv("LANG", tc.lang)
		got, err := weekStartOf(tc.flag)
		if err != nil || got != tc.want {
			t.Errorf("weekStartOf(%q) with LC_ALL=%q LC_TIME=%q LANG=%q = %v, %v; want %v", tc.flag, tc.lcAll, tc.lcTime, tc.lang, got, err, tc.want)
		}
	}
	if _, err := weekStartOf("someday"); err == nil {
		t.Error("weekStartOf(someday) accepted")
	}
}

func TestTUIScreens(t *testing.T) {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "rota.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var names []string
	for _, s := range tuiScreens(st, "alice", "alice") {
		names = append(names, s.Name())
	}
	if got, want := strings.Join(names, ","), "Schedules,Slots,Availability,Timesheet"; got != want {
		t.Errorf("screens %s, want %s", got, want)
	}
	m := tui.New(tui.Options{Store: st, Owner: "alice", Poll: -1, Screens: tuiScreens(st, "alice", "alice")})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	bar := strings.SplitN(ansi.Strip(m.View().Content), "\n", 2)[0]
	for _, tab := range []string{"5 Schedules", "6 Slots", "7 Availability", "8 Timesheet"} {
		if !strings.Contains(bar, tab) {
			t.Errorf("tab bar %q lacks %q", bar, tab)
		}
	}
}
