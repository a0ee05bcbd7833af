package model

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func recurZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := LoadZone(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// dates expands "1997-09: 2,4,6; 1997-10: 1" into wall readings at hh:mm.
func recurDays(t testing.TB, spec string, hh, mm int) []string {
	t.Helper()
	var out []string
	for _, group := range strings.Split(spec, ";") {
		ym, days, ok := strings.Cut(strings.TrimSpace(group), ":")
		if !ok {
			t.Fatalf("bad spec %q", group)
		}
		for _, d := range strings.Split(days, ",") {
			d = strings.TrimSpace(d)
			if lo, hi, ok := strings.Cut(d, "-"); ok {
				a, _ := strconv.Atoi(lo)
				b, _ := strconv.Atoi(hi)
				for i := a; i <= b; i++ {
					out = append(out, fmt.Sprintf("%s-%02d %02d:%02d", ym, i, hh, mm))
				}
				continue
			}
			n, err := strconv.Atoi(d)
			if err != nil {
				t.Fatalf("bad day %q in %q", d, spec)
			}
			out = append(out, fmt.Sprintf("%s-%02d %02d:%02d", ym, n, hh, mm))
		}
	}
	return out
}

func recurStarts(occ []Occurrence, loc *time.Location) []string {
	out := make([]string, len(occ))
	for i, o := range occ {
		out[i] = o.Start.In(loc).Format("2006-01-02 15:04")
	}
	return out
}

// TestRFC5545Examples runs the examples of RFC 5545 section 3.8.5.3 in
// America/New_York. Every example is here; two differ from the RFC text:
// "every 3 hours from 9 to 5" has UNTIL=...T170000Z, which is 13:00 EDT,
// so it ends at 12:00 (the RFC's 15:00 contradicts its own UNTIL); and the
// RFC lists are cut where they say "...", so open rules are compared over
// their first instances only.
func TestRFC5545Examples(t *testing.T) {
	ny := recurZone(t, "America/New_York")
	tests := []struct {
		name   string
		start  string // local New York DTSTART
		rule   string
		exdate string // local New York
		want   []string
		hhmm   []string // when set, want is built from these times on each day in days
		days   string
	}{
		{name: "daily for 10", start: "19970902T090000", rule: "FREQ=DAILY;COUNT=10", days: "1997-09: 2-11"},
		{name: "daily until Dec 24", start: "19970902T090000", rule: "FREQ=DAILY;UNTIL=19971224T000000Z", days: "1997-09: 2-30; 1997-10: 1-31; 1997-11: 1-30; 1997-12: 1-23"},
		{name: "every other day", start: "19970902T090000", rule: "FREQ=DAILY;INTERVAL=2", days: "1997-09: 2,4,6,8,10,12,14,16,18,20,22,24,26,28,30; 1997-10: 2,4,6,8,10,12,14,16,18,20,22,24,26,28,30; 1997-11: 1,3,5"},
		{name: "every 10 days, 5 times", start: "19970902T090000", rule: "FREQ=DAILY;INTERVAL=10;COUNT=5", days: "1997-09: 2,12,22; 1997-10: 2,12"},
		{name: "every day in January for 3 years (yearly)", start: "19980101T090000", rule: "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA", days: "1998-01: 1-31; 1999-01: 1-31; 2000-01: 1-31"},
		{name: "every day in January for 3 years (daily)", start: "19980101T090000", rule: "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1", days: "1998-01: 1-31; 1999-01: 1-31; 2000-01: 1-31"},
		{name: "weekly for 10", start: "19970902T090000", rule: "FREQ=WEEKLY;COUNT=10", days: "1997-09: 2,9,16,23,30; 1997-10: 7,14,21,28; 1997-11: 4"},
		{name: "weekly until Dec 24", start: "19970902T090000", rule: "FREQ=WEEKLY;UNTIL=19971224T000000Z", days: "1997-09: 2,9,16,23,30; 1997-10: 7,14,21,28; 1997-11: 4,11,18,25; 1997-12: 2,9,16,23"},
		{name: "every other week", start: "19970902T090000", rule: "FREQ=WEEKLY;INTERVAL=2;WKST=SU", days: "1997-09: 2,16,30; 1997-10: 14,28; 1997-11: 11,25; 1997-12: 9,23; 1998-01: 6,20; 1998-02: 3,17"},
		{name: "Tue and Thu for five weeks (until)", start: "19970902T090000", rule: "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH", days: "1997-09: 2,4,9,11,16,18,23,25,30; 1997-10: 2"},
		{name: "Tue and Thu for five weeks (count)", start: "19970902T090000", rule: "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH", days: "1997-09: 2,4,9,11,16,18,23,25,30; 1997-10: 2"},
		{name: "every other week Mon Wed Fri until Dec 24", start: "19970901T090000", rule: "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR", days: "1997-09: 1,3,5,15,17,19,29; 1997-10: 1,3,13,15,17,27,29,31; 1997-11: 10,12,14,24,26,28; 1997-12: 8,10,12,22"},
		{name: "every other week Tue Thu, 8 times", start: "19970902T090000", rule: "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH", days: "1997-09: 2,4,16,18,30; 1997-10: 2,14,16"},
		{name: "first Friday, 10 times", start: "19970905T090000", rule: "FREQ=MONTHLY;COUNT=10;BYDAY=1FR", days: "1997-09: 5; 1997-10: 3; 1997-11: 7; 1997-12: 5; 1998-01: 2; 1998-02: 6; 1998-03: 6; 1998-04: 3; 1998-05: 1; 1998-06: 5"},
		{name: "first Friday until Dec 24", start: "19970905T090000", rule: "FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR", days: "1997-09: 5; 1997-10: 3; 1997-11: 7; 1997-12: 5"},
		{name: "every other month first and last Sunday", start: "19970907T090000", rule: "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", days: "1997-09: 7,28; 1997-11: 2,30; 1998-01: 4,25; 1998-03: 1,29; 1998-05: 3,31"},
		{name: "second-to-last Monday for 6 months", start: "19970922T090000", rule: "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", days: "1997-09: 22; 1997-10: 20; 1997-11: 17; 1997-12: 22; 1998-01: 19; 1998-02: 16"},
		{name: "third-to-last day", start: "19970928T090000", rule: "FREQ=MONTHLY;BYMONTHDAY=-3", days: "1997-09: 28; 1997-10: 29; 1997-11: 28; 1997-12: 29; 1998-01: 29; 1998-02: 26"},
		{name: "2nd and 15th, 10 times", start: "19970902T090000", rule: "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", days: "1997-09: 2,15; 1997-10: 2,15; 1997-11: 2,15; 1997-12: 2,15; 1998-01: 2,15"},
		{name: "first and last day, 10 times", start: "19970930T090000", rule: "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", days: "1997-09: 30; 1997-10: 1,31; 1997-11: 1,30; 1997-12: 1,31; 1998-01: 1,31; 1998-02: 1"},
		{name: "every 18 months 10th to 15th", start: "19970910T090000", rule: "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15", days: "1997-09: 10-15; 1999-03: 10-13"},
		{name: "every Tuesday every other month", start: "19970902T090000", rule: "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU", days: "1997-09: 2,9,16,23,30; 1997-11: 4,11,18,25; 1998-01: 6,13,20,27; 1998-03: 3,10,17,24,31"},
		{name: "June and July, 10 times", start: "19970610T090000", rule: "FREQ=YEARLY;COUNT=10;BYMONTH=6,7", days: "1997-06: 10; 1997-07: 10; 1998-06: 10; 1998-07: 10; 1999-06: 10; 1999-07: 10; 2000-06: 10; 2000-07: 10; 2001-06: 10; 2001-07: 10"},
		{name: "every other year Jan Feb Mar", start: "19970310T090000", rule: "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3", days: "1997-03: 10; 1999-01: 10; 1999-02: 10; 1999-03: 10; 2001-01: 10; 2001-02: 10; 2001-03: 10; 2003-01: 10; 2003-02: 10; 2003-03: 10"},
		{name: "every third year days 1 100 200", start: "19970101T090000", rule: "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200", days: "1997-01: 1; 1997-04: 10; 1997-07: 19; 2000-01: 1; 2000-04: 9; 2000-07: 18; 2003-01: 1; 2003-04: 10; 2003-07: 19; 2006-01: 1"},
		{name: "20th Monday of the year", start: "19970519T090000", rule: "FREQ=YEARLY;BYDAY=20MO", days: "1997-05: 19; 1998-05: 18; 1999-05: 17"},
		{name: "Monday of week 20", start: "19970512T090000", rule: "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", days: "1997-05: 12; 1998-05: 11; 1999-05: 17"},
		{name: "every Thursday in March", start: "19970313T090000", rule: "FREQ=YEARLY;BYMONTH=3;BYDAY=TH", days: "1997-03: 13,20,27; 1998-03: 5,12,19,26; 1999-03: 4,11,18,25"},
		{name: "Thursdays in June July August", start: "19970605T090000", rule: "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8", days: "1997-06: 5,12,19,26; 1997-07: 3,10,17,24,31; 1997-08: 7,14,21,28; 1998-06: 4,11,18,25; 1998-07: 2,9,16,23,30; 1998-08: 6,13,20,27; 1999-06: 3,10,17,24; 1999-07: 1,8,15,22,29; 1999-08: 5,12,19,26"},
		{name: "Friday the 13th", start: "19970902T090000", rule: "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", exdate: "19970902T090000", days: "1998-02: 13; 1998-03: 13; 1998-11: 13; 1999-08: 13; 2000-10: 13"},
		{name: "first Saturday after first Sunday", start: "19970913T090000", rule: "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13", days: "1997-09: 13; 1997-10: 11; 1997-11: 8; 1997-12: 13; 1998-01: 10; 1998-02: 7; 1998-03: 7; 1998-04: 11; 1998-05: 9; 1998-06: 13"},
		{name: "US presidential election day", start: "19961105T090000", rule: "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", days: "1996-11: 5; 2000-11: 7; 2004-11: 2"},
		{name: "third of Tue Wed Thu, 3 months", start: "19970904T090000", rule: "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", days: "1997-09: 4; 1997-10: 7; 1997-11: 6"},
		{name: "second-to-last weekday", start: "19970929T090000", rule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", days: "1997-09: 29; 1997-10: 30; 1997-11: 27; 1997-12: 30; 1998-01: 29; 1998-02: 26; 1998-03: 30"},
		{name: "every 3 hours 9 to 5", start: "19970902T090000", rule: "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z", hhmm: []string{"09:00", "12:00"}, days: "1997-09: 2"},
		{name: "every 15 minutes, 6 times", start: "19970902T090000", rule: "FREQ=MINUTELY;INTERVAL=15;COUNT=6", hhmm: []string{"09:00", "09:15", "09:30", "09:45", "10:00", "10:15"}, days: "1997-09: 2"},
		{name: "every 90 minutes, 4 times", start: "19970902T090000", rule: "FREQ=MINUTELY;INTERVAL=90;COUNT=4", hhmm: []string{"09:00", "10:30", "12:00", "13:30"}, days: "1997-09: 2"},
		{name: "every 20 minutes 9 to 16:40 (daily)", start: "19970902T090000", rule: "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40", hhmm: every20, days: "1997-09: 2,3"},
		{name: "every 20 minutes 9 to 16:40 (minutely)", start: "19970902T090000", rule: "FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16", hhmm: every20, days: "1997-09: 2,3"},
		{name: "WKST=MO", start: "19970805T090000", rule: "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", days: "1997-08: 5,10,19,24"},
		{name: "WKST=SU", start: "19970805T090000", rule: "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", days: "1997-08: 5,17,19,31"},
		{name: "invalid dates skipped", start: "20070115T090000", rule: "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", days: "2007-01: 15,30; 2007-02: 15; 2007-03: 15,30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, err := time.ParseInLocation("20060102T150405", tt.start, ny)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			if tt.hhmm == nil {
				want = recurDays(t, tt.days, 9, 0)
			} else {
				for _, d := range recurDays(t, tt.days, 0, 0) {
					for _, hm := range tt.hhmm {
						want = append(want, d[:11]+hm)
					}
				}
			}
			tm := Timing{Start: start, TZID: "America/New_York", Duration: time.Minute, HasEnd: true, RRule: tt.rule}
			if tt.exdate != "" {
				ex, _ := time.ParseInLocation("20060102T150405", tt.exdate, ny)
				tm.ExDates = []time.Time{ex}
			}
			last, _ := time.ParseInLocation("2006-01-02 15:04", want[len(want)-1], ny)
			occ, err := tm.Expand(Range{From: start.Add(-time.Hour), To: last.Add(time.Minute)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, recurStarts(occ, ny)); diff != "" {
				t.Errorf("instances (-want +got):\n%s", diff)
			}
			// The same instances from a window that starts in the middle
			// (fast-forwarded DTSTART) must agree.
			if len(want) > 4 {
				mid, _ := time.ParseInLocation("2006-01-02 15:04", want[len(want)/2], ny)
				occ, err := tm.Expand(Range{From: mid, To: last.Add(time.Minute)}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want[len(want)/2:], recurStarts(occ, ny)); diff != "" {
					t.Errorf("instances from the middle (-want +got):\n%s", diff)
				}
			}
		})
	}
}

var every20 = func() []string {
	var out []string
	for h := 9; h <= 16; h++ {
		for _, m := range []int{0, 20, 40} {
			out = append(out, fmt.Sprintf("%02d:%02d", h, m))
		}
	}
	return out
}()

func recurUTC(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
}

func TestExpandDST(t *testing.T) {
	berlin := recurZone(t, "Europe/Berlin")
	ny := recurZone(t, "America/New_York")
	rfc := func(occ []Occurrence) []string {
		var out []string
		for _, o := range occ {
			out = append(out, o.Start.Format(time.RFC3339))
		}
		return out
	}
	tests := []struct {
		name string
		tm   Timing
		r    Range
		want []string
	}{
		{
			name: "Berlin daily 02:30 across the spring gap moves forward",
			tm:   Timing{Start: time.Date(2025, 3, 28, 2, 30, 0, 0, berlin), TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY;COUNT=4"},
			r:    Range{From: recurUTC(2025, 3, 1, 0, 0), To: recurUTC(2025, 4, 1, 0, 0)},
			want: []string{"2025-03-28T02:30:00+01:00", "2025-03-29T02:30:00+01:00", "2025-03-30T03:30:00+02:00", "2025-03-31T02:30:00+02:00"},
		},
		{
			name: "Berlin daily 02:30 on the autumn repeat takes the first",
			tm:   Timing{Start: time.Date(2025, 10, 25, 2, 30, 0, 0, berlin), TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY;COUNT=3"},
			r:    Range{From: recurUTC(2025, 10, 1, 0, 0), To: recurUTC(2025, 11, 1, 0, 0)},
			want: []string{"2025-10-25T02:30:00+02:00", "2025-10-26T02:30:00+02:00", "2025-10-27T02:30:00+01:00"},
		},
		{
			name: "New York weekly 09:00 keeps local time across DST",
			tm:   Timing{Start: time.Date(2025, 3, 2, 9, 0, 0, 0, ny), TZID: "America/New_York", Duration: time.Hour, HasEnd: true, RRule: "FREQ=WEEKLY"},
			r:    Range{From: recurUTC(2025, 3, 1, 0, 0), To: recurUTC(2025, 3, 17, 0, 0)},
			want: []string{"2025-03-02T09:00:00-05:00", "2025-03-09T09:00:00-04:00", "2025-03-16T09:00:00-04:00"},
		},
		{
			name: "New York hourly across the gap has no duplicate",
			tm:   Timing{Start: time.Date(2025, 3, 9, 0, 0, 0, 0, ny), TZID: "America/New_York", RRule: "FREQ=HOURLY;COUNT=5"},
			r:    Range{From: recurUTC(2025, 3, 1, 0, 0), To: recurUTC(2025, 4, 1, 0, 0)},
			want: []string{"2025-03-09T00:00:00-05:00", "2025-03-09T01:00:00-05:00", "2025-03-09T03:00:00-04:00", "2025-03-09T04:00:00-04:00", "2025-03-09T05:00:00-04:00"},
		},
		{
			name: "New York hourly in the autumn repeat takes the first 01:00",
			tm:   Timing{Start: time.Date(2025, 11, 2, 0, 0, 0, 0, ny), TZID: "America/New_York", RRule: "FREQ=HOURLY;COUNT=3"},
			r:    Range{From: recurUTC(2025, 11, 1, 0, 0), To: recurUTC(2025, 12, 1, 0, 0)},
			want: []string{"2025-11-02T00:00:00-04:00", "2025-11-02T01:00:00-04:00", "2025-11-02T02:00:00-05:00"},
		},
		{
			name: "Berlin hourly window inside the gap day, fast-forwarded",
			tm:   Timing{Start: time.Date(2020, 1, 1, 0, 0, 0, 0, berlin), TZID: "Europe/Berlin", RRule: "FREQ=HOURLY"},
			r:    Range{From: recurUTC(2025, 3, 30, 0, 0), To: recurUTC(2025, 3, 30, 3, 0)},
			want: []string{"2025-03-30T01:00:00+01:00", "2025-03-30T03:00:00+02:00", "2025-03-30T04:00:00+02:00"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			occ, err := tt.tm.Expand(tt.r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rfc(occ)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlaceWall(t *testing.T) {
	ny := recurZone(t, "America/New_York")
	tests := []struct{ wall, want string }{
		{"2007-03-11T02:30:00Z", "2007-03-11T03:30:00-04:00"}, // RFC 5545 3.3.5 gap example
		{"2007-11-04T01:30:00Z", "2007-11-04T01:30:00-04:00"}, // RFC 5545 3.3.5 repeat example
		{"2007-07-01T12:00:00Z", "2007-07-01T12:00:00-04:00"},
		{"2007-01-01T12:00:00Z", "2007-01-01T12:00:00-05:00"},
	}
	for _, tt := range tests {
		w, _ := time.Parse(time.RFC3339, tt.wall)
		if got := placeWall(w, ny).Format(time.RFC3339); got != tt.want {
			t.Errorf("placeWall(%s) = %s, want %s", tt.wall, got, tt.want)
		}
	}
}

func TestExpandOverrides(t *testing.T) {
	berlin := recurZone(t, "Europe/Berlin")
	at := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, berlin) }
	base := func() Timing {
		// Daily 10:00-11:00 from Monday 2 June 2025 for 10 days.
		return Timing{Start: at(2, 10), TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY;COUNT=10"}
	}
	type inst struct {
		Start, RecurrenceID string
		Overridden          bool
		Summary             string
	}
	show := func(occ []Occurrence) []inst {
		var out []inst
		for _, o := range occ {
			out = append(out, inst{o.Start.In(berlin).Format("02 15:04"), o.RecurrenceID.In(berlin).Format("02 15:04"), o.Overridden, o.Summary})
		}
		return out
	}
	week := Range{From: at(2, 0), To: at(5, 0)} // 2, 3, 4 June
	tests := []struct {
		name string
		edit func(*Timing)
		r    Range
		want []inst
	}{
		{"plain", func(*Timing) {}, week, []inst{{"02 10:00", "02 10:00", false, ""}, {"03 10:00", "03 10:00", false, ""}, {"04 10:00", "04 10:00", false, ""}}},
		{"moved within", func(tm *Timing) {
			tm.Overrides = []Override{{RecurrenceID: at(3, 10), Start: at(3, 15), Duration: time.Hour, Summary: "later"}}
		}, week, []inst{{"02 10:00", "02 10:00", false, ""}, {"03 15:00", "03 10:00", true, "later"}, {"04 10:00", "04 10:00", false, ""}}},
		{"moved in from outside", func(tm *Timing) {
			tm.Overrides = []Override{{RecurrenceID: at(9, 10), Start: at(4, 8), Duration: time.Hour}}
		}, week, []inst{{"02 10:00", "02 10:00", false, ""}, {"03 10:00", "03 10:00", false, ""}, {"04 08:00", "09 10:00", true, ""}, {"04 10:00", "04 10:00", false, ""}}},
		{"moved out", func(tm *Timing) {
			tm.Overrides = []Override{{RecurrenceID: at(3, 10), Start: at(20, 10), Duration: time.Hour}}
		}, week, []inst{{"02 10:00", "02 10:00", false, ""}, {"04 10:00", "04 10:00", false, ""}}},
		{"cancelled", func(tm *Timing) {
			tm.Overrides = []Override{{RecurrenceID: at(3, 10), Start: at(3, 10), Duration: time.Hour, Cancelled: true}}
		}, week, []inst{{"02 10:00", "02 10:00", false, ""}, {"04 10:00", "04 10:00", false, ""}}},
		{"exdate list", func(tm *Timing) {
			tm.ExDates = []time.Time{at(2, 10), at(4, 10)}
		}, week, []inst{{"03 10:00", "03 10:00", false, ""}}},
		{"exdate as DATE against DATE-TIME", func(tm *Timing) {
			tm.ExDates = []time.Time{time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)}
		}, week, []inst{{"02 10:00", "02 10:00", false, ""}, {"04 10:00", "04 10:00", false, ""}}},
		{"exdate in UTC", func(tm *Timing) {
			tm.ExDates = []time.Time{at(3, 10).UTC()}
		}, week, []inst{{"02 10:00", "02 10:00", false, ""}, {"04 10:00", "04 10:00", false, ""}}},
		{"this and future shifts later ones", func(tm *Timing) {
			tm.Overrides = []Override{{RecurrenceID: at(3, 10), ThisAndFuture: true, Start: at(3, 14), Duration: 2 * time.Hour, Summary: "afternoons"}}
		}, week, []inst{{"02 10:00", "02 10:00", false, ""}, {"03 14:00", "03 10:00", true, "afternoons"}, {"04 14:00", "04 10:00", true, "afternoons"}}},
		{"this and future moved into the window from before", func(tm *Timing) {
			tm.Overrides = []Override{{RecurrenceID: at(2, 10), ThisAndFuture: true, Start: at(4, 10), Duration: time.Hour}}
		}, Range{From: at(5, 0), To: at(6, 0)}, []inst{{"05 10:00", "03 10:00", true, ""}}},
		{"override that the rule does not generate is kept", func(tm *Timing) {
			tm.Overrides = []Override{{RecurrenceID: at(3, 12), Start: at(3, 12), Duration: time.Hour}}
		}, Range{From: at(3, 0), To: at(4, 0)}, []inst{{"03 10:00", "03 10:00", false, ""}, {"03 12:00", "03 12:00", true, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := base()
			tt.edit(&tm)
			occ, err := tm.Expand(tt.r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, show(occ)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestExpandRDates(t *testing.T) {
	berlin := recurZone(t, "Europe/Berlin")
	at := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, berlin) }
	tm := Timing{Start: at(2, 10), TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true,
		RDates: []Period{{Start: at(5, 9)}, {Start: at(6, 13), Duration: 3 * time.Hour}, {Start: at(2, 10)}},
	}
	occ, err := tm.Expand(Range{From: at(1, 0), To: at(30, 0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range occ {
		got = append(got, o.Start.In(berlin).Format("02 15:04")+"-"+o.End.In(berlin).Format("02 15:04"))
	}
	want := []string{"02 10:00-02 11:00", "05 09:00-05 10:00", "06 13:00-06 16:00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RDATE with DTSTART, DATE-TIME and PERIOD (-want +got):\n%s", diff)
	}
	// A PERIOD that started before the window still overlaps it.
	occ, err = tm.Expand(Range{From: at(6, 15), To: at(7, 0)}, nil)
	if err != nil || len(occ) != 1 || !occ[0].Start.Equal(at(6, 13)) {
		t.Errorf("period overlapping the window: %v %v", occ, err)
	}

	// RDATE as DATE on an all-day master.
	day := Timing{Start: time.Date(2025, 12, 24, 0, 0, 0, 0, time.UTC), AllDay: true, Days: 1, HasEnd: true,
		RDates: []Period{{Start: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}}}
	occ, err = day.Expand(Range{From: time.Date(2025, 12, 1, 0, 0, 0, 0, berlin), To: time.Date(2026, 1, 5, 0, 0, 0, 0, berlin)}, berlin)
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, o := range occ {
		got = append(got, o.Start.Format(time.RFC3339)+" "+o.End.Format(time.RFC3339))
	}
	want = []string{"2025-12-24T00:00:00+01:00 2025-12-25T00:00:00+01:00", "2025-12-31T00:00:00+01:00 2026-01-01T00:00:00+01:00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("all-day RDATE (-want +got):\n%s", diff)
	}
}

func TestExpandFloatingAndAllDay(t *testing.T) {
	tokyo := recurZone(t, "Asia/Tokyo")
	ny := recurZone(t, "America/New_York")
	// Floating 09:00 daily: 09:00 wherever the viewer is.
	fl := Timing{Start: time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC), Floating: true, Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY;COUNT=3"}
	for _, loc := range []*time.Location{tokyo, ny} {
		occ, err := fl.Expand(Range{From: time.Date(2025, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2025, 2, 1, 0, 0, 0, 0, loc)}, loc)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"2025-01-06 09:00", "2025-01-07 09:00", "2025-01-08 09:00"}, recurStarts(occ, loc)); diff != "" {
			t.Errorf("floating in %s (-want +got):\n%s", loc, diff)
		}
		if occ[0].Start.Location() != loc {
			t.Errorf("floating placed in %s, want %s", occ[0].Start.Location(), loc)
		}
	}
	// All-day weekly holiday with a DATE UNTIL and an EXDATE, nil = UTC.
	ad := Timing{Start: time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC), AllDay: true, Days: 1, HasEnd: true,
		RRule:   "FREQ=WEEKLY;UNTIL=20250124",
		ExDates: []time.Time{time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC)}}
	occ, err := ad.Expand(Range{From: recurUTC(2025, 1, 1, 0, 0), To: recurUTC(2025, 3, 1, 0, 0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2025-01-03 00:00", "2025-01-17 00:00", "2025-01-24 00:00"}, recurStarts(occ, time.UTC)); diff != "" {
		t.Errorf("all-day (-want +got):\n%s", diff)
	}
	if !occ[0].End.Equal(recurUTC(2025, 1, 4, 0, 0)) {
		t.Errorf("all-day end = %v", occ[0].End)
	}
	// All-day without an end lasts one day.
	one := Timing{Start: time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC), AllDay: true}
	occ, _ = one.Expand(Range{}, tokyo)
	if len(occ) != 1 || occ[0].End.Sub(occ[0].Start) != 24*time.Hour || !occ[0].RecurrenceID.IsZero() {
		t.Errorf("all-day without end: %+v", occ)
	}
}

func TestExpandUntilForms(t *testing.T) {
	berlin := recurZone(t, "Europe/Berlin")
	start := time.Date(2025, 6, 2, 10, 0, 0, 0, berlin)
	r := Range{From: recurUTC(2025, 1, 1, 0, 0), To: recurUTC(2026, 1, 1, 0, 0)}
	for _, tt := range []struct {
		rule string
		n    int
	}{
		{"FREQ=DAILY;UNTIL=20250604T080000Z", 3},             // UTC, exactly the third instance
		{"FREQ=DAILY;UNTIL=20250604T075959Z", 2},             // a second before it
		{"FREQ=DAILY;UNTIL=20250604T100000", 3},              // Evolution: local wall time in DTSTART's zone
		{"FREQ=DAILY;UNTIL=20250604", 3},                     // DATE: through that day
		{"freq=daily;until=20250604t100000z", 3},             // lower case
		{"FREQ=DAILY;RSCALE=GREGORIAN;SKIP=OMIT;COUNT=4", 4}, // RFC 7529 parts
		{"RRULE:FREQ=DAILY;COUNT=2;X-FOO=bar;", 2},           // prefix, x-part, trailing ;
	} {
		tm := Timing{Start: start, TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true, RRule: tt.rule}
		occ, err := tm.Expand(r, nil)
		if err != nil {
			t.Errorf("%s: %v", tt.rule, err)
			continue
		}
		if len(occ) != tt.n {
			t.Errorf("%s: %d instances, want %d: %v", tt.rule, len(occ), tt.n, recurStarts(occ, berlin))
		}
	}
}

func TestExpandWindowEdges(t *testing.T) {
	start := recurUTC(2025, 6, 2, 10, 0)
	tm := Timing{Start: start, Duration: time.Hour, HasEnd: true}
	zero := Timing{Start: start, HasEnd: true}
	tests := []struct {
		name string
		tm   Timing
		r    Range
		want int
	}{
		{"ends exactly at From: excluded", tm, Range{From: recurUTC(2025, 6, 2, 11, 0), To: recurUTC(2025, 6, 3, 0, 0)}, 0},
		{"starts exactly at To: excluded", tm, Range{From: recurUTC(2025, 6, 1, 0, 0), To: start}, 0},
		{"starts before, ends inside: included", tm, Range{From: recurUTC(2025, 6, 2, 10, 30), To: recurUTC(2025, 6, 3, 0, 0)}, 1},
		{"zero length at From: included", zero, Range{From: start, To: recurUTC(2025, 6, 3, 0, 0)}, 1},
		{"zero length at To: excluded", zero, Range{From: recurUTC(2025, 6, 1, 0, 0), To: start}, 0},
		{"open window", tm, Range{}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			occ, err := tt.tm.Expand(tt.r, nil)
			if err != nil || len(occ) != tt.want {
				t.Errorf("got %d instances (%v), want %d", len(occ), err, tt.want)
			}
			// The same for a daily rule seen a year later.
			rec := tt.tm
			rec.Start = rec.Start.AddDate(-1, 0, 0)
			rec.RRule = "FREQ=DAILY"
			r := tt.r
			if r.From.IsZero() {
				return
			}
			r.To = r.From.Add(time.Hour) // one instance at most
			if tt.r.To.Before(r.To) {
				r.To = tt.r.To
			}
			occ, err = rec.Expand(r, nil)
			if err != nil || len(occ) != tt.want {
				t.Errorf("recurring: got %d instances (%v), want %d", len(occ), err, tt.want)
			}
		})
	}
}

// TestExpandBounded proves that rules which rrule-go would walk to the year
// 9999, or loop on for ever, return: the test would time out otherwise.
func TestExpandBounded(t *testing.T) {
	old := recurUTC(1970, 1, 1, 0, 0)
	week := Range{From: recurUTC(2025, 3, 3, 0, 0), To: recurUTC(2025, 3, 10, 0, 0)}
	tests := []struct {
		name  string
		rule  string
		r     Range
		n     int  // expected instances, -1 to skip
		tooMy bool // expect ErrTooManyInstances
	}{
		{"old SECONDLY, one minute", "FREQ=SECONDLY", Range{From: recurUTC(2025, 3, 3, 0, 0), To: recurUTC(2025, 3, 3, 0, 1)}, 60, false},
		{"old SECONDLY, one week is too many", "FREQ=SECONDLY", week, -1, true},
		{"old MINUTELY, one week", "FREQ=MINUTELY", week, 7 * 1440, false},
		{"impossible date, SECONDLY", "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", week, 0, false},
		{"impossible date, MINUTELY, open window", "FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30", Range{}, 1, false},
		{"impossible date, DAILY, open window", "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", Range{}, 1, false},
		{"impossible year day, SECONDLY", "FREQ=SECONDLY;BYYEARDAY=1;BYMONTH=2", week, 0, false},
		{"impossible year day, HOURLY, open window", "FREQ=HOURLY;BYYEARDAY=1;BYMONTH=2", Range{}, 1, false},
		{"impossible year day, SECONDLY, window of centuries", "FREQ=SECONDLY;BYYEARDAY=-1;BYMONTH=6", Range{From: recurUTC(2025, 1, 1, 0, 0), To: recurUTC(4025, 1, 1, 0, 0)}, 0, false},
		{"impossible date, YEARLY", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", week, 0, false},
		{"unreachable BYHOUR on an even grid", "FREQ=HOURLY;INTERVAL=2;BYHOUR=1,3", week, 0, false},
		{"unreachable BYMINUTE", "FREQ=MINUTELY;INTERVAL=30;BYMINUTE=15", Range{}, 1, false},
		{"unreachable BYSECOND", "FREQ=SECONDLY;INTERVAL=2;BYSECOND=1", week, 0, false},
		{"impossible BYSETPOS", "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=3", Range{}, 1, false},
		{"endless rule, open window", "FREQ=DAILY", Range{}, -1, true},
		{"huge COUNT far away", "FREQ=MINUTELY;COUNT=10000000;BYHOUR=9", week, -1, true},
		{"sparse leap day, HOURLY", "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=9", Range{From: recurUTC(2025, 1, 1, 0, 0), To: recurUTC(2029, 1, 1, 0, 0)}, 1, false},
		{"far future window", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29", Range{From: recurUTC(9990, 1, 1, 0, 0), To: recurUTC(9999, 1, 1, 0, 0)}, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := Timing{Start: old, HasEnd: true, RRule: tt.rule}
			occ, err := tm.Expand(tt.r, nil)
			if tt.tooMy {
				if !errors.Is(err, ErrTooManyInstances) {
					t.Fatalf("err = %v, want ErrTooManyInstances", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.n >= 0 && len(occ) != tt.n {
				t.Errorf("%d instances, want %d", len(occ), tt.n)
			}
		})
	}
}

func TestExpandInvalid(t *testing.T) {
	tm := Timing{Start: recurUTC(2025, 1, 1, 0, 0), RRule: "FREQ=DAILY;BYMONTH=13"}
	_, err := tm.Expand(Range{}, nil)
	var fe *FieldError
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &fe) || fe.Field != "rrule" {
		t.Fatalf("err = %v, want a FieldError on rrule", err)
	}
}

func TestValidateRRule(t *testing.T) {
	tests := []struct {
		rule string
		part string // "" = valid; else a substring of the rule message
	}{
		{"FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301T000000Z", ""},
		{"FREQ=MONTHLY;BYDAY=-1FR", ""},
		{"FREQ=YEARLY;BYWEEKNO=-53;BYYEARDAY=-366;BYSETPOS=1", ""},
		{"freq=daily;interval=2", ""},
		{"FREQ=DAILY;RSCALE=GREGORIAN;SKIP=BACKWARD", ""},
		{"FREQ=DAILY;UNTIL=20250101", ""},
		{"FREQ=DAILY;UNTIL=20250101T000000", ""},
		{"", "FREQ"},
		{"COUNT=3", "FREQ is required"},
		{"FREQ=FORTNIGHTLY", "FREQ=FORTNIGHTLY"},
		{"FREQ=DAILY;INTERVAL=0", "INTERVAL=0"},
		{"FREQ=DAILY;COUNT=-1", "COUNT=-1"},
		{"FREQ=DAILY;UNTIL=2025", "UNTIL=2025"},
		{"FREQ=DAILY;UNTIL=20251301", "UNTIL=20251301"},
		{"FREQ=DAILY;BYMONTH=13", "BYMONTH=13"},
		{"FREQ=DAILY;BYMONTHDAY=0", "BYMONTHDAY=0"},
		{"FREQ=DAILY;BYMONTHDAY=-32", "BYMONTHDAY=-32"},
		{"FREQ=DAILY;BYHOUR=24", "BYHOUR=24"},
		{"FREQ=DAILY;BYDAY=XX", "BYDAY=XX"},
		{"FREQ=MONTHLY;BYDAY=0MO", "BYDAY=0MO"},
		{"FREQ=MONTHLY;BYDAY=54MO", "BYDAY=54MO"},
		{"FREQ=DAILY;WKST=XY", "WKST=XY"},
		{"FREQ=DAILY;RSCALE=CHINESE", "RSCALE=CHINESE"},
		{"FREQ=DAILY;BYDYA=MO", "BYDYA"},
		{"FREQ=DAILY;BYDAY", "no '='"},
	}
	for _, tt := range tests {
		err := ValidateRRule(tt.rule)
		if tt.part == "" {
			if err != nil {
				t.Errorf("ValidateRRule(%q) = %v, want nil", tt.rule, err)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "rrule" || !strings.Contains(fe.Rule, tt.part) {
			t.Errorf("ValidateRRule(%q) = %v, want a FieldError on rrule mentioning %q", tt.rule, err, tt.part)
		}
	}
}

func TestBounds(t *testing.T) {
	berlin := recurZone(t, "Europe/Berlin")
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, berlin) }
	tests := []struct {
		name        string
		tm          Timing
		first, last time.Time
		open        bool
	}{
		{"single", Timing{Start: at(2025, 6, 2, 10), TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true}, at(2025, 6, 2, 10), at(2025, 6, 2, 11), false},
		{"count", Timing{Start: at(2025, 6, 2, 10), TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true, RRule: "FREQ=WEEKLY;COUNT=3"}, at(2025, 6, 2, 10), at(2025, 6, 16, 11), false},
		{"until", Timing{Start: at(2025, 6, 2, 10), TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true, RRule: "FREQ=MONTHLY;BYDAY=1MO;UNTIL=20270301T000000Z"}, at(2025, 6, 2, 10), at(2027, 2, 1, 11), false},
		{"open", Timing{Start: at(2025, 6, 2, 10), TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY"}, at(2025, 6, 2, 10), time.Time{}, true},
		{"first excluded", Timing{Start: at(2025, 6, 2, 10), TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY;COUNT=3", ExDates: []time.Time{at(2025, 6, 2, 10)}}, at(2025, 6, 3, 10), at(2025, 6, 4, 11), false},
		{"override moved earlier and later", Timing{Start: at(2025, 6, 2, 10), TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY;COUNT=3",
			Overrides: []Override{{RecurrenceID: at(2025, 6, 3, 10), Start: at(2025, 5, 1, 10), Duration: time.Hour}, {RecurrenceID: at(2025, 6, 4, 10), Start: at(2025, 7, 1, 10), Duration: time.Hour}}},
			at(2025, 5, 1, 10), at(2025, 7, 1, 11), false},
		{"secondly until", Timing{Start: at(2025, 6, 2, 10), TZID: "Europe/Berlin", Duration: time.Second, HasEnd: true, RRule: "FREQ=SECONDLY;UNTIL=20250602T090000Z"}, at(2025, 6, 2, 10), at(2025, 6, 2, 11).Add(time.Second), false},
		{"minutely open", Timing{Start: at(2025, 6, 2, 10), TZID: "Europe/Berlin", HasEnd: true, RRule: "FREQ=MINUTELY;INTERVAL=5"}, at(2025, 6, 2, 10), time.Time{}, true},
		{"date until, all-day", Timing{Start: time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC), AllDay: true, Days: 1, HasEnd: true, RRule: "FREQ=WEEKLY;UNTIL=20250616"}, time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 17, 0, 0, 0, 0, time.UTC), false},
		{"rdate after the rule", Timing{Start: at(2025, 6, 2, 10), TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY;UNTIL=20250603T235959Z", RDates: []Period{{Start: at(2025, 8, 1, 10), Duration: 2 * time.Hour}}}, at(2025, 6, 2, 10), at(2025, 8, 1, 12), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, last, open, err := tt.tm.Bounds(nil)
			if err != nil {
				t.Fatal(err)
			}
			if !first.Equal(tt.first) || !last.Equal(tt.last) || open != tt.open {
				t.Errorf("Bounds = %v, %v, %v; want %v, %v, %v", first, last, open, tt.first, tt.last, tt.open)
			}
		})
	}
}

func TestCalendarShift(t *testing.T) {
	for _, span := range [][2]int{{2024, 2026}, {2090, 2110}, {1899, 1901}, {1, 9}, {2000, 2400}} {
		s := calendarShift(span[0], span[1])
		if s < 0 || span[1]+s > 9998 {
			t.Errorf("shift %d for %v out of range", s, span)
		}
		for y := span[0]; y <= span[1]; y++ {
			a := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			b := time.Date(y+s, 1, 1, 0, 0, 0, 0, time.UTC)
			if a.Weekday() != b.Weekday() || leapYear(y) != leapYear(y+s) {
				t.Errorf("shift %d for %v: year %d differs", s, span, y)
				break
			}
		}
	}
}

// Benchmarks: a one-week window over rules of different ages.
func benchExpand(b *testing.B, start time.Time, rule string) {
	berlin := recurZone(b, "Europe/Berlin")
	tm := Timing{Start: start.In(berlin), TZID: "Europe/Berlin", Duration: time.Hour, HasEnd: true, RRule: rule}
	r := Range{From: time.Date(2025, 11, 17, 0, 0, 0, 0, berlin), To: time.Date(2025, 11, 24, 0, 0, 0, 0, berlin)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tm.Expand(r, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpandDailySince2000(b *testing.B) {
	benchExpand(b, recurUTC(2000, 1, 3, 8, 0), "FREQ=DAILY")
}

func BenchmarkExpandWeeklySince2025(b *testing.B) {
	benchExpand(b, recurUTC(2025, 1, 6, 8, 0), "FREQ=WEEKLY;BYDAY=MO,WE,FR")
}

func BenchmarkExpandMinutelySince2000(b *testing.B) {
	benchExpand(b, recurUTC(2000, 1, 3, 8, 0), "FREQ=MINUTELY;INTERVAL=15")
}

func BenchmarkExpandImpossibleSecondly(b *testing.B) {
	benchExpand(b, recurUTC(1970, 1, 1, 0, 0), "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30")
}

// An impossible rule that only the bounded walk (calendar shift) stops.
func BenchmarkExpandImpossibleYearDaySecondly(b *testing.B) {
	benchExpand(b, recurUTC(1970, 1, 1, 0, 0), "FREQ=SECONDLY;BYYEARDAY=1;BYMONTH=2")
}

func BenchmarkExpandDailyCountSince2000(b *testing.B) {
	benchExpand(b, recurUTC(2000, 1, 3, 8, 0), "FREQ=DAILY;COUNT=20000;BYDAY=MO,TU,WE,TH,FR")
}

// FuzzExpandRRule expands arbitrary rules over a window of up to 40 days:
// it must neither hang nor panic, and what it returns must be sorted and
// inside the window.
func FuzzExpandRRule(f *testing.F) {
	seeds, err := os.ReadFile("testdata/rrules.txt")
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range strings.Split(string(seeds), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			f.Add(line, int64(873190800), int64(900000000), uint8(7), false)
		}
	}
	ny := recurZone(f, "America/New_York")
	f.Fuzz(func(t *testing.T, rule string, start, from int64, days uint8, floating bool) {
		const span = int64(400 * 366 * 86400) // keep years well inside 1..9999
		tm := Timing{Start: time.Unix(start%span+946684800, 0).In(ny), TZID: "America/New_York", Duration: time.Hour, HasEnd: true, RRule: rule}
		if floating {
			tm.Start, tm.TZID, tm.Floating = wallReading(tm.Start), "", true
		}
		r := Range{From: time.Unix(from%span+946684800, 0).UTC()}
		r.To = r.From.Add(time.Duration(days%40+1) * 24 * time.Hour)
		occ, err := tm.Expand(r, ny)
		valid := rule == "" || ValidateRRule(rule) == nil
		switch {
		case err == nil:
		case errors.Is(err, ErrTooManyInstances):
		case errors.Is(err, ErrInvalid) && !valid:
			return
		default:
			t.Fatalf("Expand(%q) = %v (valid rule: %v)", rule, err, valid)
		}
		if !valid {
			t.Fatalf("Expand(%q) accepted a rule ValidateRRule refuses", rule)
		}
		for i, o := range occ {
			if !r.Overlaps(o.Start, o.End) {
				t.Fatalf("instance %v-%v outside %v", o.Start, o.End, r)
			}
			if i > 0 && o.Start.Before(occ[i-1].Start) {
				t.Fatalf("not sorted at %d", i)
			}
		}
		_ = DescribeRecurrence(rule, tm.Start)
	})
}

// TestExpandWindowConsistency checks the shortcuts (DTSTART moved forward
// to the window, calendar shift near 9999) against an expansion from
// DTSTART: a window must see exactly the instances of the whole series
// that overlap it.
func TestExpandWindowConsistency(t *testing.T) {
	berlin := recurZone(t, "Europe/Berlin")
	start := time.Date(2019, 3, 29, 2, 30, 0, 0, berlin) // a Friday, two days before a DST gap
	rules := []string{
		"FREQ=DAILY",
		"FREQ=DAILY;INTERVAL=3;BYDAY=MO,FR",
		"FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,TU",
		"FREQ=WEEKLY;INTERVAL=2;COUNT=200",
		"FREQ=DAILY;COUNT=1500",
		"FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=31",
		"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
		"FREQ=MONTHLY;INTERVAL=7;BYDAY=-1SU",
		"FREQ=YEARLY;BYWEEKNO=1,13,53;BYDAY=MO,SU",
		"FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=29",
		"FREQ=YEARLY;BYYEARDAY=-1,88,89,90",
		"FREQ=HOURLY;INTERVAL=5",
		"FREQ=HOURLY;INTERVAL=7;BYDAY=SA,SU;BYHOUR=1,2,3,4,5,6,7,8",
		"FREQ=MINUTELY;INTERVAL=90;BYDAY=SU",
		"FREQ=MINUTELY;INTERVAL=97;BYMONTH=3,10",
		"FREQ=DAILY;BYHOUR=2,3;BYMINUTE=0,30",
	}
	windows := []Range{
		{From: time.Date(2023, 3, 24, 0, 0, 0, 0, berlin), To: time.Date(2023, 4, 3, 0, 0, 0, 0, berlin)},
		{From: time.Date(2024, 10, 26, 12, 0, 0, 0, berlin), To: time.Date(2024, 10, 28, 0, 0, 0, 0, berlin)},
		{From: time.Date(2024, 2, 26, 0, 0, 0, 0, berlin), To: time.Date(2024, 3, 4, 0, 0, 0, 0, berlin)},
		{From: time.Date(2024, 12, 28, 0, 0, 0, 0, berlin), To: time.Date(2025, 1, 8, 0, 0, 0, 0, berlin)},
	}
	seen := 0
	defer func() {
		if seen < 500 {
			t.Errorf("only %d instances in the windows: the test proves little", seen)
		}
	}()
	for _, rule := range rules {
		tm := Timing{Start: start, TZID: "Europe/Berlin", Duration: 2 * time.Hour, HasEnd: true, RRule: rule}
		for _, w := range windows {
			all, err := tm.Expand(Range{To: w.To}, nil)
			if err != nil {
				t.Fatalf("%s: %v", rule, err)
			}
			var want []string
			for _, o := range all {
				if w.Overlaps(o.Start, o.End) {
					want = append(want, o.Start.Format(time.RFC3339))
				}
			}
			got, err := tm.Expand(w, nil)
			if err != nil {
				t.Fatalf("%s: %v", rule, err)
			}
			var gotS []string
			for _, o := range got {
				gotS = append(gotS, o.Start.Format(time.RFC3339))
			}
			seen += len(want)
			if diff := cmp.Diff(want, gotS); diff != "" {
				t.Errorf("%s in %v (-whole series +window):\n%s", rule, w.From, diff)
			}
		}
	}
}

func TestExpandOverridesFloatingAllDayAndOrphans(t *testing.T) {
	tokyo := recurZone(t, "Asia/Tokyo")
	wall := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, time.UTC) }
	win := Range{From: time.Date(2025, 6, 1, 0, 0, 0, 0, tokyo), To: time.Date(2025, 6, 8, 0, 0, 0, 0, tokyo)}

	// Floating daily 09:00 with a floating RECURRENCE-ID moved to 15:00.
	fl := Timing{Start: wall(2, 9), Floating: true, Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY;COUNT=3",
		Overrides: []Override{{RecurrenceID: wall(3, 9), Start: wall(3, 15), Floating: true, Duration: time.Hour}}}
	occ, err := fl.Expand(win, tokyo)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2025-06-02 09:00", "2025-06-03 15:00", "2025-06-04 09:00"}, recurStarts(occ, tokyo)); diff != "" {
		t.Errorf("floating override (-want +got):\n%s", diff)
	}
	if !occ[1].Overridden || !occ[1].RecurrenceID.Equal(time.Date(2025, 6, 3, 9, 0, 0, 0, tokyo)) {
		t.Errorf("floating override: %+v", occ[1])
	}

	// All-day weekly with a DATE RECURRENCE-ID moved a day later and one
	// cancelled.
	ad := Timing{Start: wall(2, 0), AllDay: true, Days: 1, HasEnd: true, RRule: "FREQ=DAILY;COUNT=4",
		Overrides: []Override{
			{RecurrenceID: wall(3, 0), Start: wall(6, 0), AllDay: true, Days: 2},
			{RecurrenceID: wall(4, 0), Start: wall(4, 0), AllDay: true, Days: 1, Cancelled: true},
		}}
	occ, err = ad.Expand(win, tokyo)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2025-06-02 00:00", "2025-06-05 00:00", "2025-06-06 00:00"}, recurStarts(occ, tokyo)); diff != "" {
		t.Errorf("all-day overrides (-want +got):\n%s", diff)
	}
	if got := occ[2].End.Sub(occ[2].Start); got != 48*time.Hour {
		t.Errorf("moved all-day lasts %v, want 48h", got)
	}

	// RANGE=THISANDFUTURE cancelled: the series stops there.
	taf := Timing{Start: wall(2, 9), Floating: true, Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY",
		Overrides: []Override{{RecurrenceID: wall(4, 9), ThisAndFuture: true, Cancelled: true}}}
	occ, err = taf.Expand(win, tokyo)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2025-06-02 09:00", "2025-06-03 09:00"}, recurStarts(occ, tokyo)); diff != "" {
		t.Errorf("cancelled this-and-future (-want +got):\n%s", diff)
	}

	// No master: an invitation to single instances of someone's series.
	orphan := Timing{Overrides: []Override{
		{RecurrenceID: wall(5, 1).In(tokyo), Start: time.Date(2025, 6, 5, 10, 0, 0, 0, tokyo), TZID: "Asia/Tokyo", Duration: time.Hour},
		{RecurrenceID: wall(6, 1), Start: wall(6, 1), Duration: time.Hour, Cancelled: true},
	}}
	occ, err = orphan.Expand(win, tokyo)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2025-06-05 10:00"}, recurStarts(occ, tokyo)); diff != "" {
		t.Errorf("orphan instances (-want +got):\n%s", diff)
	}
}
