package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "1000": 1000, "64KiB": 64 << 10, "128MiB": 128 << 20, "1GiB": 1 << 30,
		"512M": 512 << 20, "2g": 2 << 30, "10 MB": 10 << 20, "7B": 7,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1", "1.5GiB", "12XB", "99999999999GiB"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestSetMemLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	cases := []struct {
		flag, env string
		want      int64
	}{
		{"", "", defaultMemLimit},
		{"256MiB", "", 256 << 20},
		{"off", "", math.MaxInt64},
		{"", "1GiB", 123}, // GOMEMLIMIT set: left as the runtime read it
	}
	for _, c := range cases {
		debug.SetMemoryLimit(123)
		if err := setMemLimit(c.flag, c.env); err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if got := debug.SetMemoryLimit(-1); got != c.want {
			t.Errorf("%+v: limit %d, want %d", c, got, c.want)
		}
	}
	if err := setMemLimit("lots", ""); err == nil {
		t.Error("--mem-limit lots accepted")
	}
}
