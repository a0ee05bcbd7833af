package ics

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-ical"
)

// genCalendar writes a realistic calendar of n events, shaped like
// shared/bench/internal/calgen: 70% single appointments with people,
// description and an alarm, 20% weekly series with EXDATEs and overrides,
// 5% all-day, 5% in a TZID with its VTIMEZONE.
func genCalendar(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	w := func(s string) {
		var tmp writer
		tmp.buf = appendFolded(tmp.buf, []byte(s))
		b.Write(tmp.buf)
	}
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rota//bench//EN\r\n")
	b.WriteString("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	words := strings.Fields("agenda review budget roadmap milestone customer feedback deliverables action items notes dial-in backlog priorities decision")
	names := []string{"Alice Smith", "Bob Müller", "Carol Garcia", "Dave Weber", "Erin Fischer", "Frank Becker"}
	for i := 0; i < n; i++ {
		uid := fmt.Sprintf("%08x-%04x-4%03x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff, r.Uint64()&0xffffffffffff)
		start := base.AddDate(0, 0, r.IntN(730)).Add(time.Duration(7*60+r.IntN(44)*15) * time.Minute)
		end := start.Add(time.Duration(30+r.IntN(4)*30) * time.Minute)
		kind := r.IntN(100)
		b.WriteString("BEGIN:VEVENT\r\n")
		w("UID:" + uid)
		w("DTSTAMP:20241201T000000Z")
		w("CREATED:20241101T000000Z")
		w("LAST-MODIFIED:20241201T000000Z")
		w("SUMMARY:" + strings.ToUpper(words[r.IntN(len(words))][:1]) + words[r.IntN(len(words))][1:] + " meeting")
		switch {
		case kind < 5: // all-day
			w("DTSTART;VALUE=DATE:" + start.Format("20060102"))
			w("DTEND;VALUE=DATE:" + start.AddDate(0, 0, 1+r.IntN(3)).Format("20060102"))
			w("TRANSP:TRANSPARENT")
			w("CATEGORIES:Holiday")
		case kind < 10: // TZID
			w("DTSTART;TZID=Europe/Berlin:" + start.Format("20060102T150405"))
			w("DTEND;TZID=Europe/Berlin:" + end.Format("20060102T150405"))
		default:
			w("DTSTART:" + start.Format("20060102T150405Z"))
			w("DTEND:" + end.Format("20060102T150405Z"))
		}
		if kind >= 5 {
			var d strings.Builder
			for j := 0; j < 40+r.IntN(40); j++ {
				d.WriteString(words[r.IntN(len(words))] + " ")
			}
			w("DESCRIPTION:" + escapeText(d.String()))
			w("LOCATION:Room " + fmt.Sprint(r.IntN(30)) + "\\, Floor 3")
			w("CATEGORIES:Work,Meeting")
			w("ORGANIZER;CN=\"" + names[r.IntN(len(names))] + "\":mailto:org@example.com")
			for j := 0; j < 1+r.IntN(5); j++ {
				w("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE;CN=\"" + names[j] + "\":mailto:p" + fmt.Sprint(j) + "@example.com")
			}
			w("STATUS:CONFIRMED")
			w("CLASS:PUBLIC")
		}
		weekly := kind >= 80
		if weekly {
			w("RRULE:FREQ=WEEKLY;BYDAY=" + strings.ToUpper(start.Weekday().String()[:2]) + ";COUNT=" + fmt.Sprint(5+r.IntN(50)))
			if r.IntN(3) == 0 {
				w("EXDATE:" + start.AddDate(0, 0, 7).Format("20060102T150405Z") + "," + start.AddDate(0, 0, 14).Format("20060102T150405Z"))
			}
		}
		b.WriteString("BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n")
		b.WriteString("END:VEVENT\r\n")
		if weekly && r.IntN(4) == 0 {
			rid := start.AddDate(0, 0, 21)
			b.WriteString("BEGIN:VEVENT\r\n")
			w("UID:" + uid)
			w("DTSTAMP:20241201T000000Z")
			w("RECURRENCE-ID:" + rid.Format("20060102T150405Z"))
			w("DTSTART:" + rid.Add(time.Hour).Format("20060102T150405Z"))
			w("DTEND:" + rid.Add(2*time.Hour).Format("20060102T150405Z"))
			w("SUMMARY:Moved")
			b.WriteString("END:VEVENT\r\n")
		}
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

var (
	benchOnce sync.Once
	benchData []byte
)

func bench100k(b *testing.B) []byte {
	benchOnce.Do(func() { benchData = genCalendar(100000) })
	b.SetBytes(int64(len(benchData)))
	return benchData
}

// BenchmarkDecode decodes a generated 100k-event file into objects
// (parse, validation, timing, per-object Data).
func BenchmarkDecode(b *testing.B) {
	data := bench100k(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		objs, err := Decode(bytes.NewReader(data))
		if err != nil || len(objs) != 100000 {
			b.Fatal(len(objs), err)
		}
	}
}

// BenchmarkGoICalDecode is go-ical's bare decoder on the same bytes: the
// reference Decode is compared with (goal: within 2x).
func BenchmarkGoICalDecode(b *testing.B) {
	data := bench100k(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dec := ical.NewDecoder(bytes.NewReader(data))
		for {
			_, err := dec.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestGenCalendarDecodes(t *testing.T) {
	objs, err := Decode(bytes.NewReader(genCalendar(300)))
	if err != nil || len(objs) != 300 {
		t.Fatal(len(objs), err)
	}
}
