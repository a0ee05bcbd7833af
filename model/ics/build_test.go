package ics

import (
	"bytes"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBuildParallelSameAsSequential decodes a file large enough for build
// to use every CPU and compares it with the same decode on one.
func TestBuildParallelSameAsSequential(t *testing.T) {
	data := genCalendar(3000)
	par, err := Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	seq, err := Decode(bytes.NewReader(data))
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seq, par) {
		for i := range seq {
			if diff := cmp.Diff(seq[i], par[i]); diff != "" {
				t.Fatalf("object %d: parallel build differs (-one CPU +all):\n%s", i, diff)
			}
		}
		t.Fatal("parallel build differs")
	}
	// Each object's Data is its own: appending to one leaves the next alone.
	next := bytes.Clone(par[1].Data)
	_ = append(par[0].Data, "X-APPENDED:1\r\n"...)
	if !bytes.Equal(par[1].Data, next) {
		t.Error("appending to one object's Data changed another's")
	}
}

// TestBuildParallelFirstError: with errors in several chunks, the one
// reported is the first in the file, as a sequential decode reports it.
func TestBuildParallelFirstError(t *testing.T) {
	text := string(genCalendar(2000))
	// Break DTSTART values near the end and in the middle of the file.
	n := strings.Count(text, "\r\nDTSTART:")
	var b strings.Builder
	k := 0
	for {
		i := strings.Index(text, "\r\nDTSTART:")
		if i < 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		k++
		if k == n/2 || k == n-3 {
			b.WriteString("\r\nDTSTART:2026BAD")
		} else {
			b.WriteString("\r\nDTSTART:")
		}
		text = text[i+len("\r\nDTSTART:"):]
	}
	data := []byte(b.String())
	_, perr := Decode(bytes.NewReader(data))
	prev := runtime.GOMAXPROCS(1)
	_, serr := Decode(bytes.NewReader(data))
	runtime.GOMAXPROCS(prev)
	var pe, se *Error
	if !errors.As(perr, &pe) || !errors.As(serr, &se) {
		t.Fatalf("errors %v and %v, want *Error", perr, serr)
	}
	if pe.Line != se.Line || pe.Error() != se.Error() {
		t.Errorf("parallel decode reports %v, sequential %v", perr, serr)
	}
}
