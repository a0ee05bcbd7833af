package e2e

import (
	"context"
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

// RFC 4791 section 5.2.3: supported-calendar-component-set, once set at
// creation, is protected; a PROPPATCH may not turn a calendar holding
// VEVENTs into a VTODO-only one. Section 5.2.2: calendar-timezone must be
// an iCalendar object with a VTIMEZONE; an Outlook (Windows) TZID sets the
// calendar's zone like an IANA one.
func TestProppatchProtectedAndTimezone(t *testing.T) {
	e := newEnv(t)
	pp := func(prop string) string {
		return `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>` +
			prop + `</D:prop></D:set></D:propertyupdate>`
	}
	all := `<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:supported-calendar-component-set/><C:calendar-timezone/><D:displayname/></D:prop></D:propfind>`

	e.do("PROPPATCH", calPath, pp(`<C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set><D:displayname>X</D:displayname>`)).
		must(t, 207, "PROPPATCH component set").has(t, "403 Forbidden", "424 Failed Dependency")
	r := e.do("PROPFIND", calPath, all, "Depth", "0").must(t, 207, "PROPFIND")
	r.has(t, `<C:comp name="VEVENT"/>`, "<D:displayname>Work</D:displayname>")

	e.do("PROPPATCH", calPath, pp(`<C:calendar-timezone>garbage</C:calendar-timezone>`)).
		must(t, 207, "PROPPATCH garbage zone").has(t, "403 Forbidden")
	e.do("PROPFIND", calPath, all, "Depth", "0").lacks(t, "garbage")

	vtz := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTIMEZONE\r\nTZID:Pacific Standard Time\r\nBEGIN:STANDARD\r\n" +
		"DTSTART:16011104T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\nEND:STANDARD\r\n" +
		"BEGIN:DAYLIGHT\r\nDTSTART:16010311T020000\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nTZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\nEND:DAYLIGHT\r\n" +
		"END:VTIMEZONE\r\nEND:VCALENDAR\r\n"
	e.do("PROPPATCH", calPath, pp(`<C:calendar-timezone>`+vtz+`</C:calendar-timezone>`)).must(t, 207, "PROPPATCH Outlook zone").has(t, "200 OK")
	c, err := e.store.Calendar(context.Background(), "alice", "work")
	if err != nil {
		t.Fatal(err)
	}
	if c.TimeZone != "America/Los_Angeles" {
		t.Errorf("calendar zone %q after an Outlook calendar-timezone, want America/Los_Angeles", c.TimeZone)
	}
	// MKCALENDAR still takes the component set.
	mk := `<?xml version="1.0"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>` +
		`<C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>`
	e.do("MKCALENDAR", "/dav/alice/calendars/todo/", mk).must(t, 201, "MKCALENDAR")
	e.do("PROPFIND", "/dav/alice/calendars/todo/", all, "Depth", "0").has(t, `<C:comp name="VTODO"/></C:supported-calendar-component-set>`)
}
