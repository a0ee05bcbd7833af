package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestProgress(t *testing.T) {
	if newProgress(&bytes.Buffer{}, "x.ics", 1<<30) != nil {
		t.Error("a bar on a writer that is not a terminal")
	}
	var out bytes.Buffer
	p := &progress{w: &out, name: "big.ics", total: 200, shown: -1}
	data := strings.Repeat("x", 200)
	got, err := io.ReadAll(io.LimitReader(p.reader(strings.NewReader(data)), 100))
	if err != nil || len(got) != 100 {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	if !strings.Contains(out.String(), "big.ics [###############               ]  50%") {
		t.Errorf("bar at half way: %q", out.String())
	}
	io.ReadAll(p.reader(strings.NewReader(data[100:])))
	p.done()
	if s := out.String(); !strings.Contains(s, " 100%") || !strings.HasSuffix(s, "\r\033[K") {
		t.Errorf("bar at the end: %q", s)
	}
}
