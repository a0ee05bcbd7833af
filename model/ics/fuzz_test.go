package ics

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary text to the decoder: it must not panic or
// hang, must fail with a located *Error, and whatever it accepts must
// decode again to the same properties and timing, be encodable by go-ical
// (go-webdav serves it through it) and survive Encode.
func FuzzDecode(f *testing.F) {
	for _, path := range corpusFiles(f) {
		b, err := os.ReadFile(path)
		if err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=W. Europe Standard Time:20250101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, err := Decode(strings.NewReader(string(data)))
		if err != nil {
			var ie *Error
			if !errors.As(err, &ie) {
				t.Fatalf("not an *ics.Error: %v", err)
			}
			if ie.Line == 0 && !strings.Contains(err.Error(), "no VCALENDAR") {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		want := propsByUID(t, objs)
		for _, o := range objs {
			checkFolded(t, o.Data)
			checkGoICal(t, o)
			again, err := DecodeObject(o.Data)
			if err != nil {
				t.Fatalf("Data does not decode again: %v\n%q", err, o.Data)
			}
			if string(again.Data) != string(o.Data) {
				t.Fatalf("Data is not stable under Decode:\n%q\n%q", o.Data, again.Data)
			}
			if d := cmpTiming(o.Timing, again.Timing); d != "" {
				t.Fatalf("timing changed: %s", d)
			}
			if _, err := Events(o.Data); err != nil {
				t.Fatalf("Events: %v", err)
			}
		}
		var sb strings.Builder
		if err := Encode(&sb, objs, ""); err != nil {
			t.Fatal(err)
		}
		back, err := Decode(strings.NewReader(sb.String()))
		if err != nil {
			t.Fatalf("export does not import: %v", err)
		}
		got := propsByUID(t, back)
		for uid, w := range want {
			if strings.Join(got[uid], "\n") != strings.Join(w, "\n") {
				t.Fatalf("UID %q changed through Encode:\n%q\n%q", uid, got[uid], w)
			}
		}
	})
}
