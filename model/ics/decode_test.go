package ics

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"rota/model"
)

func decodeFile(t *testing.T, name string) map[string]model.Object {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	objs, err := Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]model.Object{}
	for _, o := range objs {
		m[o.UID] = o
	}
	return m
}

func TestDecodeOutlookWindowsZone(t *testing.T) {
	objs := decodeFile(t, "outlook_windows_tz.ics")
	o := objs["040000008200E00074C5B7101A82E00800000000"]
	tm := o.Timing
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if tm.TZID != "Europe/Berlin" || !tm.Start.Equal(time.Date(2025, 1, 13, 10, 0, 0, 0, berlin)) || tm.Start.Location().String() != "Europe/Berlin" {
		t.Errorf("start %v %q, want 10:00 Europe/Berlin", tm.Start, tm.TZID)
	}
	if tm.Duration != 30*time.Minute || !tm.HasEnd || tm.AllDay || tm.Floating {
		t.Errorf("length %v hasEnd %v", tm.Duration, tm.HasEnd)
	}
	if len(tm.ExDates) != 2 || !tm.ExDates[1].Equal(time.Date(2025, 1, 27, 10, 0, 0, 0, berlin)) {
		t.Errorf("exdates %v", tm.ExDates)
	}
	if len(tm.Overrides) != 1 || tm.Overrides[0].Summary != "Moved sync" ||
		!tm.Overrides[0].Start.Equal(time.Date(2025, 2, 3, 14, 0, 0, 0, berlin)) {
		t.Errorf("overrides %+v", tm.Overrides)
	}
	if !strings.HasPrefix(o.Summary, "Wöchentliches Jour fixe") {
		t.Errorf("summary %q", o.Summary)
	}
	d := string(o.Data)
	for _, want := range []string{"BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time", "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
		"SUMMARY;LANGUAGE=de-de:", "X-NUM-GUESTS=0", `ORGANIZER;CN="Alice, Smith":mailto:alice@example.com`,
		"DTSTAMP:20250111T090000Z"} {
		if !strings.Contains(d, want) {
			t.Errorf("Data lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "METHOD") || strings.Contains(d, "X-WR-CALNAME") {
		t.Errorf("calendar-level METHOD/X-WR-CALNAME copied into the object:\n%s", d)
	}
	// The missing DTSTAMP was repaired from LAST-MODIFIED, right after UID.
	if i := strings.Index(d, "UID:0400"); !strings.HasPrefix(d[i:], "UID:040000008200E00074C5B7101A82E00800000000\r\nDTSTAMP:20250111T090000Z\r\n") {
		t.Errorf("DTSTAMP not repaired after UID:\n%s", d[i:])
	}
}

func TestDecodeZonesAndKinds(t *testing.T) {
	objs := decodeFile(t, "zones_and_kinds.ics")
	cases := []struct {
		uid, tzid string
		offset    int // of Start, seconds
	}{
		{"custom-tz-1", "America/New_York", -4 * 3600},
		{"custom-tz-2", "Asia/Kolkata", 5*3600 + 1800},
		{"mozilla-1", "Europe/Berlin", 2 * 3600},
		{"odd-zone", "Etc/GMT-3", 3 * 3600},
	}
	for _, c := range cases {
		tm := objs[c.uid].Timing
		if _, err := model.LoadZone(tm.TZID); err != nil {
			t.Errorf("%s: TZID %q does not load: %v", c.uid, tm.TZID, err)
		}
		if _, off := tm.Start.Zone(); tm.TZID != c.tzid || off != c.offset || tm.Start.Hour() != 9 {
			t.Errorf("%s: zone %q offset %d start %v, want %q %d", c.uid, tm.TZID, off, tm.Start, c.tzid, c.offset)
		}
	}
	if tm := objs["custom-tz-1"].Timing; tm.Duration != time.Hour || !tm.HasEnd {
		t.Errorf("DURATION not read: %+v", tm)
	}
	if d := string(objs["custom-tz-1"].Data); !strings.Contains(d, "DTSTAMP:20250704T090000Z") {
		t.Errorf("DTSTAMP not repaired from DTSTART:\n%s", d)
	}
	task := objs["task-1"]
	if task.Component != "VTODO" || !task.Timing.AllDay || !task.Timing.Start.Equal(time.Date(2025, 7, 10, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("task timing %+v", task.Timing)
	}
	rp := objs["rdate-period"].Timing
	if len(rp.RDates) != 3 || rp.RDates[0].Duration != 3*time.Hour || rp.RDates[1].Duration != 2*time.Hour || rp.RDates[2].Duration != 0 {
		t.Errorf("rdates %+v", rp.RDates)
	}
	ad := objs["allday-floating"].Timing
	if !ad.AllDay || ad.Days != 3 || ad.Duration != 0 || ad.TZID != "" {
		t.Errorf("all-day timing %+v", ad)
	}
	fl := objs["floating-1"]
	if !fl.Timing.Floating || fl.Timing.Duration != 30*time.Minute || strings.Contains(string(fl.Data), "DURATION") {
		t.Errorf("floating: %+v (DTEND wins, DURATION dropped)\n%s", fl.Timing, fl.Data)
	}
	if _, ok := objs["fb"]; ok {
		t.Errorf("VFREEBUSY decoded as an object")
	}
	_, skipped, err := DecodeAll(strings.NewReader(mustRead(t, "testdata/zones_and_kinds.ics")))
	if err != nil || len(skipped) != 1 || skipped[0].Component != "VFREEBUSY" || skipped[0].Line == 0 {
		t.Errorf("skipped %+v, %v", skipped, err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name, in string
		line     int
		prop     string
	}{
		{"no uid", head + "BEGIN:VEVENT\r\nDTSTART:20250101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 4, "UID"},
		{"bad dtstart", head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:2025-01-01\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 6, "DTSTART"},
		{"end before start", head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101T100000Z\r\nDTEND:20250101T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 7, "DTEND"},
		{"bad rrule", head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101T100000Z\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 7, "RRULE"},
		{"unknown tz", head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Mars/Olympus:20250101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 6, "DTSTART"},
		{"no colon", head + "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 6, ""},
		{"unclosed", head + "BEGIN:VEVENT\r\nUID:a\r\n", 4, "BEGIN"},
		{"mismatched end", head + "BEGIN:VEVENT\r\nUID:a\r\nEND:VTODO\r\n", 6, "END"},
		{"folded line number", head + "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\n  continued\r\nDTSTART:bad\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 8, "DTSTART"},
		{"two masters", head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101T100000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 8, "UID"},
		{"negative duration", head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101T100000Z\r\nDURATION:-PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 7, "DURATION"},
		{"quote in param", head + "BEGIN:VEVENT\r\nUID:a\r\nATTENDEE;CN=a\"b:mailto:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 6, "ATTENDEE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(c.in))
			var ie *Error
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want an *ics.Error", err)
			}
			if ie.Line != c.line || ie.Prop != c.prop || !errors.Is(err, model.ErrInvalid) {
				t.Errorf("got line %d prop %q (%v), want line %d prop %q", ie.Line, ie.Prop, err, c.line, c.prop)
			}
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("message %q does not start with the line", err)
			}
		})
	}
}

func TestDecodeLenient(t *testing.T) {
	in := "\ufeffbegin:vcalendar\nversion:2.0\nBEGIN:VEVENT\nuid:x\nDTSTART:20250101T100000Z\nSUMMARY:a\n\tb\n c\nEND:VEVENT\nEND:VCALENDAR\n\n\n"
	o, err := DecodeObject([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if o.Summary != "abc" || o.UID != "x" || !strings.Contains(string(o.Data), "PRODID:"+prodID) {
		t.Errorf("got %+v\n%s", o, o.Data)
	}
	// Two calendars in a stream, a UID split over both.
	two := head + "BEGIN:VEVENT\r\nUID:r\r\nDTSTART:20250101T100000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" +
		head + "BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20250101T100000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:r\r\nRECURRENCE-ID:20250102T100000Z\r\nDTSTART:20250102T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	objs, err := Decode(strings.NewReader(two))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 || objs[0].UID != "r" || len(objs[0].Timing.Overrides) != 1 || objs[1].UID != "s" {
		t.Fatalf("got %+v", objs)
	}
	if _, err := DecodeObject([]byte(two)); err == nil {
		t.Errorf("DecodeObject accepted two UIDs")
	}
}

func TestFold(t *testing.T) {
	long := strings.Repeat("ä", 100) + strings.Repeat("x", 77)
	var w writer
	w.prop(&prop{name: "SUMMARY", value: long})
	checkFolded(t, w.buf)
	for _, l := range strings.Split(strings.TrimSuffix(string(w.buf), "\r\n"), "\r\n") {
		if !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "SUMMARY") || strings.ContainsRune(l, '\uFFFD') {
			t.Errorf("bad fold %q", l)
		}
	}
	cals, err := parse(string(w.buf))
	if err == nil {
		t.Fatalf("property outside VCALENDAR accepted: %v", cals)
	}
	in := head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101T100000Z\r\nSUMMARY:" + long + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	o, err := DecodeObject([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	checkFolded(t, o.Data)
	if o.Summary != long {
		t.Errorf("summary changed by folding")
	}
}

func TestVTimezone(t *testing.T) {
	ref := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "W. Europe Standard Time"} {
		z := VTimezone(name, ref)
		if z == nil {
			t.Fatalf("%s: nil", name)
		}
		in := head + string(z) + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=" + name + ":20260315T120000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		cals, err := parse(in)
		if err != nil {
			t.Fatal(err)
		}
		zs, err := newZones(cals[0])
		if err != nil {
			t.Fatal(err)
		}
		// The generated rules must match the zone itself.
		iana := knownName(name)
		got, err := matchVTimezone("no city here", zs.defs[name], 2026)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, z)
		}
		want, _ := time.LoadLocation(iana)
		for m := 1; m <= 12; m++ {
			at := time.Date(2026, time.Month(m), 10, 12, 0, 0, 0, time.UTC)
			_, o1 := at.In(want).Zone()
			gl, _ := time.LoadLocation(got)
			_, o2 := at.In(gl).Zone()
			if o1 != o2 {
				t.Errorf("%s: generated VTIMEZONE matched %s, offsets differ in month %d\n%s", name, got, m, z)
			}
		}
	}
	if VTimezone("Mars/Olympus", ref) != nil || VTimezone("UTC", ref) != nil {
		t.Errorf("unknown or UTC zone gave a VTIMEZONE")
	}
}

func TestVTimezoneHistoricRules(t *testing.T) {
	zone := "BEGIN:VTIMEZONE\r\nTZID:US Eastern\r\n" +
		"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nDTSTART:19870405T020000\r\nRRULE:FREQ=YEARLY;UNTIL=20060402T070000Z;BYMONTH=4;BYDAY=1SU\r\nEND:DAYLIGHT\r\n" +
		"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nDTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\n" +
		"BEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nDTSTART:19671029T020000\r\nRRULE:FREQ=YEARLY;UNTIL=20061029T060000Z;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n" +
		"BEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nDTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
	for _, when := range []string{"20050315T120000", "20250315T120000", "20251102T120000"} {
		in := head + zone + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=US Eastern:" + when + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		o, err := DecodeObject([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if o.Timing.TZID != "America/New_York" {
			t.Errorf("%s: matched %q, want America/New_York", when, o.Timing.TZID)
		}
	}
}

func TestOutlookDisplayNameZone(t *testing.T) {
	in := head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=\"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna\":20250715T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	o, err := DecodeObject([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if o.Timing.TZID != "Europe/Berlin" {
		t.Errorf("got %q", o.Timing.TZID)
	}
	if _, err := DecodeObject([]byte(strings.Replace(in, "Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Somewhere", 1))); err == nil {
		t.Errorf("a zone naming no known city was accepted")
	}
}

// TestRoundTripTable: each snippet decodes, its Data decodes to the same
// bytes, and Encode of the objects re-imports with the same properties;
// want lists text Data must hold exactly.
func TestRoundTripTable(t *testing.T) {
	ev := func(body string) string {
		return head + "BEGIN:VEVENT\r\nUID:u\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250101T100000Z\r\n" + body + "END:VEVENT\r\nEND:VCALENDAR\r\n"
	}
	cases := []struct {
		name, in string
		want     []string
	}{
		{"quoted params", ev("ATTENDEE;CN=\"Doe, Jane\";X-P=\"a:b\";DELEGATED-FROM=\"mailto:a@x\",\"mailto:b@x\":mailto:j@x\r\n"),
			[]string{`ATTENDEE;CN="Doe, Jane";X-P="a:b";DELEGATED-FROM="mailto:a@x","mailto:b@x"`}},
		{"empty param value", ev("X-A;X-EMPTY=:v\r\n"), []string{"X-A;X-EMPTY=:v"}},
		{"escaped text", ev("DESCRIPTION:a\\,b\\;c\\\\d\\ne\r\n"), []string{`DESCRIPTION:a\,b\;c\\d\ne`}},
		{"unknown component in alarm", ev("BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nX-WR-ALARMUID:1\r\nBEGIN:X-THING\r\nX-Y:1\r\nEND:X-THING\r\nEND:VALARM\r\n"),
			[]string{"BEGIN:X-THING\r\nX-Y:1\r\nEND:X-THING"}},
		{"lower-case names", ev("x-apple-structured-location;value=uri;x-title=Home:geo:1,2\r\n"),
			[]string{"X-APPLE-STRUCTURED-LOCATION;VALUE=uri;X-TITLE=Home:geo:1,2"}},
		{"order kept", ev("X-B:2\r\nSUMMARY:s\r\nX-A:1\r\n"), []string{"X-B:2\r\nSUMMARY:s\r\nX-A:1"}},
		{"long utf-8", ev("SUMMARY:" + strings.Repeat("日本語", 40) + "\r\n"), nil},
		{"tab in value", ev("X-T:a\tb\r\n"), []string{"X-T:a\tb"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			objs, err := Decode(strings.NewReader(c.in))
			if err != nil {
				t.Fatal(err)
			}
			o := objs[0]
			for _, w := range c.want {
				if !strings.Contains(string(o.Data), w) {
					t.Errorf("Data lacks %q:\n%s", w, o.Data)
				}
			}
			checkFolded(t, o.Data)
			checkGoICal(t, o)
			again, err := DecodeObject(o.Data)
			if err != nil || string(again.Data) != string(o.Data) {
				t.Fatalf("Data not stable: %v\n%s\n%s", err, o.Data, again.Data)
			}
			var sb strings.Builder
			if err := Encode(&sb, objs, ""); err != nil {
				t.Fatal(err)
			}
			back, err := Decode(strings.NewReader(sb.String()))
			if err != nil {
				t.Fatal(err)
			}
			if g, w := propsByUID(t, back), propsByUID(t, objs); strings.Join(g["u"], "\n") != strings.Join(w["u"], "\n") {
				t.Errorf("changed through Encode:\n%q\n%q", g["u"], w["u"])
			}
		})
	}
}

func TestZone(t *testing.T) {
	for _, c := range []struct{ tzid, want string }{
		{"Europe/Berlin", "Europe/Berlin"},
		{"W. Europe Standard Time", "Europe/Berlin"},
		{"Pacific Standard Time", "America/Los_Angeles"},
		{"/freeassociation.sourceforge.net/Europe/Berlin", "Europe/Berlin"},
		{"/mozilla.org/20050126_1/America/New_York", "America/New_York"},
		{"Western/Central Europe", ""},
	} {
		got := ""
		if loc, ok := Zone(c.tzid); ok {
			got = loc.String()
		}
		if got != c.want {
			t.Errorf("Zone(%q) = %q, want %q", c.tzid, got, c.want)
		}
	}
}

// A calendar object resource keeps the VCALENDAR's own properties (X-WR-*,
// X-APPLE-*, NAME...) that a client PUT: what it sends comes back. METHOD
// is dropped: RFC 4791 section 4.1 forbids it in stored resources.
func TestDecodeObjectKeepsCalendarProperties(t *testing.T) {
	in := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nMETHOD:PUBLISH\r\nX-WR-TIMEZONE:Europe/Berlin\r\nX-CUSTOM;X-P=\"a:b\":v\\;w\r\n" +
		"BEGIN:VEVENT\r\nUID:k\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\nSUMMARY:s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	o, err := DecodeObject([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	got := string(o.Data)
	for _, line := range []string{"X-WR-TIMEZONE:Europe/Berlin\r\n", "X-CUSTOM;X-P=\"a:b\":v\\;w\r\n"} {
		if !strings.Contains(got, line) {
			t.Errorf("Data lost %q:\n%s", line, got)
		}
	}
	if strings.Contains(got, "METHOD") {
		t.Errorf("Data kept METHOD:\n%s", got)
	}
	if i, j := strings.Index(got, "X-WR-TIMEZONE"), strings.Index(got, "BEGIN:VEVENT"); i < 0 || i > j {
		t.Errorf("calendar properties not before the components:\n%s", got)
	}
}
