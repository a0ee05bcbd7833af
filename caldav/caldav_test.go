package caldav

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"rota/model"
)

func TestTextMatch(t *testing.T) {
	cases := []struct {
		value, pat, coll, typ string
		negate, want          bool
	}{
		{"Dentist Appointment", "dentist", "i;ascii-casemap", "contains", false, true},
		{"Dentist Appointment", "dentist", "i;octet", "contains", false, false},
		{"Dentist Appointment", "Dentist", "i;octet", "starts-with", false, true},
		{"Dentist Appointment", "APPOINTMENT", "i;ascii-casemap", "ends-with", false, true},
		{"Dentist", "dentist", "i;ascii-casemap", "equals", false, true},
		{"Dentist", "dentis", "i;ascii-casemap", "equals", false, false},
		{"Über", "über", "i;ascii-casemap", "equals", false, false}, // ASCII only
		{"Über", "über", "i;unicode-casemap", "equals", false, true},
		{"Dentist", "x", "i;ascii-casemap", "contains", true, true},
	}
	for _, c := range cases {
		tm := &textMatch{value: c.pat, collation: c.coll, matchType: c.typ, negate: c.negate}
		if got := tm.match(c.value); got != c.want {
			t.Errorf("%q %s %s %q negate=%v: %v, want %v", c.value, c.coll, c.typ, c.pat, c.negate, got, c.want)
		}
	}
}

func TestParseXMLRefusesEntities(t *testing.T) {
	for _, body := range []string{
		`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>`,
		`<?xml version="1.0"?><!doctype x SYSTEM "http://example.com/x.dtd"><x/>`,
		`<x>&undefined;</x>`,
		`<x><y></x>`,
		strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100),
	} {
		if _, err := parseXML([]byte(body)); !errors.Is(err, errBadXML) {
			t.Errorf("%s: %v, want errBadXML", body, err)
		}
	}
	n, err := parseXML([]byte(`<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><X:y xmlns:X="urn:x">v</X:y></D:prop></D:propfind>`))
	if err != nil || !n.is(nsDAV, "propfind") || len(n.child(nsDAV, "prop").Nodes) != 2 {
		t.Fatalf("parse: %v %+v", err, n)
	}
}

func TestParsePath(t *testing.T) {
	cases := []struct {
		path string
		want target
		err  error
	}{
		{"/", target{kind: kindRoot}, nil},
		{"/dav/alice/", target{kind: kindPrincipal, user: "alice"}, nil},
		{"/dav/alice/calendars/", target{kind: kindHome, user: "alice"}, nil},
		{"/dav/alice/calendars/work/", target{kind: kindCalendar, user: "alice", calName: "work"}, nil},
		{"/dav/alice/calendars/work/a%20b.ics", target{kind: kindObject, user: "alice", calName: "work", objName: "a b.ics"}, nil},
		{"/dav/alice/calendars/work/../x", target{}, errBadPath},
		{"/dav/alice/calendars/work%2F..%2Fx/", target{}, errBadPath},
		{"/dav/alice/calendars/work/a%5cb", target{}, errBadPath},
		{"/dav/alice/other/", target{}, model.ErrNotFound},
		{"/dav/alice/calendars/work/a/b", target{}, model.ErrNotFound},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "http://x"+c.path, nil)
		got, err := parsePath(r)
		if !errors.Is(err, c.err) && !(err == nil && c.err == nil) || err == nil && got != c.want {
			t.Errorf("%s: %+v, %v; want %+v, %v", c.path, got, err, c.want, c.err)
		}
	}
}

func TestEscape(t *testing.T) {
	var b bytes.Buffer
	escapeBytes(&b, []byte("A&B <c> \"q\"\r\nline\x01 é \xff"))
	want := "A&amp;B &lt;c&gt; \"q\"&#13;\nline\uFFFD é \uFFFD"
	if b.String() != want {
		t.Errorf("escape: %q, want %q", b.String(), want)
	}
	if raw := "A&B <c>\r\n&amp;"; string(unescapeXML([]byte(escapeString(raw)))) != raw {
		t.Errorf("unescapeXML does not undo escape")
	}
	// what we write parses back to what we meant (CR kept)
	var v struct {
		Text string `xml:",chardata"`
	}
	if err := xml.Unmarshal([]byte("<x>"+escapeString("a\r\nb&c")+"</x>"), &v); err != nil || v.Text != "a\r\nb&c" {
		t.Errorf("round trip: %q, %v", v.Text, err)
	}
}

func TestWriteFolded(t *testing.T) {
	var b bytes.Buffer
	line := "SUMMARY:" + strings.Repeat("é", 60)
	writeFolded(&b, line)
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets", len(l))
		}
	}
	if got := strings.ReplaceAll(b.String(), "\r\n ", ""); got != line+"\r\n" {
		t.Errorf("unfolded %q", got)
	}
}

func TestTodoInRange(t *testing.T) {
	loc := time.UTC
	mk := func(props ...string) string {
		return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:t\r\nDTSTAMP:20260101T000000Z\r\n" + strings.Join(props, "\r\n") + "\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
	}
	rng := func(s, e string) *timeRange {
		tr := &timeRange{}
		if s != "" {
			tr.start, _ = parseUTC(s)
		}
		if e != "" {
			tr.end, _ = parseUTC(e)
		}
		return tr
	}
	cases := []struct {
		name  string
		props []string
		tr    *timeRange
		want  bool
	}{
		{"start+due inside", []string{"DTSTART:20260302T100000Z", "DUE:20260302T120000Z"}, rng("20260302T110000Z", "20260302T113000Z"), true},
		{"start+due before", []string{"DTSTART:20260302T100000Z", "DUE:20260302T120000Z"}, rng("20260302T120000Z", "20260302T130000Z"), false},
		{"start+duration", []string{"DTSTART:20260302T100000Z", "DURATION:PT1H"}, rng("20260302T103000Z", "20260302T104000Z"), true},
		{"start only", []string{"DTSTART:20260302T100000Z"}, rng("20260302T100000Z", "20260302T100001Z"), true},
		{"due only, at end", []string{"DUE:20260302T100000Z"}, rng("20260302T090000Z", "20260302T100000Z"), true},
		{"due only, after", []string{"DUE:20260302T100000Z"}, rng("20260302T100000Z", "20260302T110000Z"), false},
		{"completed+created", []string{"CREATED:20260301T100000Z", "COMPLETED:20260303T100000Z"}, rng("20260302T000000Z", "20260302T010000Z"), true}, // RFC 4791 9.9: between CREATED and COMPLETED
		{"completed only", []string{"COMPLETED:20260303T100000Z"}, rng("20260303T000000Z", "20260304T000000Z"), true},
		{"created only", []string{"CREATED:20260303T100000Z"}, rng("", "20260303T100001Z"), true},
		{"nothing", []string{"SUMMARY:x"}, rng("20200101T000000Z", "20200102T000000Z"), true},
		// Outlook's Windows zone name: 10:00 W. Europe is 09:00Z.
		{"due in a Windows zone", []string{"DUE;TZID=W. Europe Standard Time:20261130T100000"}, rng("20261130T083000Z", "20261130T090000Z"), true},
		{"due in a Windows zone, after", []string{"DUE;TZID=W. Europe Standard Time:20261130T100000"}, rng("20261130T090000Z", "20261130T103000Z"), false},
	}
	for _, c := range cases {
		cal, err := parseData([]byte(mk(c.props...)))
		if err != nil {
			t.Fatal(err)
		}
		if got := todoInRange(cal.Children[0], c.tr, loc); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestBusyBlock(t *testing.T) {
	data := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:p\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260302T100000Z\r\n" +
		"DTEND:20260302T110000Z\r\nSUMMARY:Secret\r\n meeting\r\nDESCRIPTION:x\r\nCLASS:CONFIDENTIAL\r\nRRULE:FREQ=DAILY;COUNT=2\r\n" +
		"BEGIN:VALARM\r\nTRIGGER:-PT5M\r\nACTION:DISPLAY\r\nDESCRIPTION:Secret\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	c := model.Calendar{Name: "w"}
	got := string(buildCalendar(&c, []model.Object{{Data: []byte(data)}}, true))
	for _, bad := range []string{"Secret", "meeting", "DESCRIPTION", "VALARM"} {
		if strings.Contains(got, bad) {
			t.Errorf("busy block keeps %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{"SUMMARY:Busy", "RRULE:FREQ=DAILY;COUNT=2", "DTSTART:20260302T100000Z", "CLASS:CONFIDENTIAL", "END:VEVENT\r\nEND:VCALENDAR"} {
		if !strings.Contains(got, want) {
			t.Errorf("busy block lacks %q:\n%s", want, got)
		}
	}
}

func TestSameContent(t *testing.T) {
	a := []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-LONG:abc\r\n def\r\nEND:VCALENDAR\r\n")
	b := []byte("BEGIN:VCALENDAR\nPRODID:x\nVERSION:2.0\nX-LONG:abcdef\nEND:VCALENDAR\n")
	if !sameContent(a, b) {
		t.Errorf("reordered and refolded text should be the same content")
	}
	if sameContent(a, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-LONG:abcdef\r\nDTSTAMP:x\r\nEND:VCALENDAR\r\n")) {
		t.Errorf("an added line is a repair")
	}
}

func FuzzParseXML(f *testing.F) {
	f.Add([]byte(`<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`))
	f.Add([]byte(`<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260101T000000Z"/><C:prop-filter name="SUMMARY"><C:text-match collation="i;octet" negate-condition="yes">x</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := parseXML(body)
		if err != nil || n == nil {
			return
		}
		parsePropRequest(n)
		if fl := n.child(nsCalDAV, "filter"); fl != nil {
			parseFilter(fl)
		}
	})
}

// A task's alarm relative to its end has DUE to be relative to, even
// without DTSTART.
func TestAlarmOfTaskWithOnlyDue(t *testing.T) {
	cal, err := parseData([]byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:t\r\nDTSTAMP:20260101T000000Z\r\n" +
		"DUE:20261210T100000Z\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER;RELATED=END:-PT1H\r\nEND:VALARM\r\n" +
		"END:VTODO\r\nEND:VCALENDAR\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	todo := cal.Children[0]
	e := &evaluator{floating: time.UTC}
	for _, c := range []struct {
		start, end string
		want       bool
	}{
		{"20261210T090000Z", "20261210T090100Z", true},
		{"20261210T091000Z", "20261210T092000Z", false},
	} {
		tr := &timeRange{}
		tr.start, _ = parseUTC(c.start)
		tr.end, _ = parseUTC(c.end)
		got, err := e.compInRange(todo.Children[0], todo, tr)
		if err != nil || got != c.want {
			t.Errorf("alarm in %s..%s: %v, %v; want %v", c.start, c.end, got, err, c.want)
		}
	}
}
