package e2e

import (
	"strings"
	"testing"
)

// Properties of the VCALENDAR itself (X-WR-TIMEZONE, X- names of a
// client) come back from GET as they were PUT, byte for byte, and the PUT
// answers with an ETag because nothing was changed. METHOD, which RFC 4791
// section 4.1 forbids in a stored resource, is the one thing dropped.
func TestPutKeepsCalendarProperties(t *testing.T) {
	e := newEnv(t)
	body := event("uid-cal", ";TZID=Europe/Berlin:20260302T100000", ";TZID=Europe/Berlin:20260302T110000", "SUMMARY:Standup")
	body = strings.Replace(body, "BEGIN:VEVENT", "X-WR-TIMEZONE:Europe/Berlin\r\nX-CLIENT-THING;X-P=\"a:b\":v\\;w\r\nBEGIN:VEVENT", 1)
	r := e.put("cal.ics", body).must(t, 201, "create")
	if r.hdr.Get("ETag") == "" {
		t.Errorf("no ETag: the server changed the object")
	}
	if g := e.do("GET", calPath+"cal.ics", "").must(t, 200, "GET"); g.body != body {
		t.Errorf("GET does not return the PUT body byte for byte:\n%q\nwant\n%q", g.body, body)
	}

	withMethod := strings.Replace(event("uid-m", ":20260302T100000Z", ":20260302T110000Z"), "PRODID:-//test//e2e//EN\r\n", "PRODID:-//test//e2e//EN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Team\r\n", 1)
	r = e.put("m.ics", withMethod).must(t, 201, "create with METHOD")
	if r.hdr.Get("ETag") != "" {
		t.Errorf("ETag on a PUT the server changed")
	}
	g := e.do("GET", calPath+"m.ics", "").must(t, 200, "GET")
	g.has(t, "X-WR-CALNAME:Team\r\n")
	g.lacks(t, "METHOD")
}
