package main

import (
	"testing"
	"time"
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
