package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"rota/caldav"
	"rota/model"
	"rota/model/ics"
)

func TestAuth(t *testing.T) {
	e := newEnv(t)
	e.doAs("", "PROPFIND", "/dav/alice/", "", "Depth", "0").must(t, 401, "no credentials")
	wrongPw := e.doAs("alice-bad", "PROPFIND", "/dav/alice/", "", "Depth", "0")
	unknown := e.doAs("nobody", "PROPFIND", "/dav/alice/", "", "Depth", "0")
	if wrongPw.code != 401 || unknown.code != 401 || wrongPw.body != unknown.body {
		t.Errorf("unknown user and bad password differ: %d %q vs %d %q", unknown.code, unknown.body, wrongPw.code, wrongPw.body)
	}
	// bob sees neither alice's principal nor her calendars.
	e.doAs("bob", "PROPFIND", "/dav/alice/", "", "Depth", "0").must(t, 403, "bob on alice's principal")
	e.doAs("bob", "GET", calPath+"x.ics", "").must(t, 403, "bob on alice's object")
	e.doAs("bob", "PROPFIND", "/dav/bob/calendars/", "", "Depth", "1").must(t, 207, "bob's own home").lacks(t, "work")
	// OPTIONS needs a login too, and announces the classes.
	e.doAs("", "OPTIONS", calPath, "").must(t, 401, "OPTIONS without a login")
	r := e.do("OPTIONS", calPath, "").must(t, 200, "OPTIONS")
	if dav := r.hdr.Get("DAV"); !strings.Contains(dav, "calendar-access") || !strings.Contains(dav, "extended-mkcol") {
		t.Errorf("DAV header %q", dav)
	}
}

func TestDiscovery(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/.well-known/caldav", "/.well-known/caldav/"} {
		r := e.do("PROPFIND", p, "", "Depth", "0")
		if r.code < 300 || r.code > 308 || r.hdr.Get("Location") != "/dav/alice/" {
			t.Errorf("%s: %d Location %q", p, r.code, r.hdr.Get("Location"))
		}
	}
	body := `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:current-user-principal/></D:prop></D:propfind>`
	e.do("PROPFIND", "/", body, "Depth", "0").must(t, 207, "root").has(t, "<D:current-user-principal><D:href>/dav/alice/</D:href>")

	body = `<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>
	<C:calendar-home-set/><D:principal-URL/><C:calendar-user-address-set/><D:displayname/><D:owner/>
	<D:resourcetype/><C:schedule-inbox-URL/></D:prop></D:propfind>`
	r := e.do("PROPFIND", "/dav/alice/", body, "Depth", "0").must(t, 207, "principal")
	r.has(t, "<C:calendar-home-set><D:href>/dav/alice/calendars/</D:href>", "<D:principal-URL><D:href>/dav/alice/</D:href>",
		"<D:principal/>", "<D:displayname>alice</D:displayname>", "calendar-user-address-set><D:href>",
		// not served: a 404 propstat, never an empty 200
		"<C:schedule-inbox-URL/></D:prop><D:status>HTTP/1.1 404 Not Found")

	// Apple's Prefer: return=minimal leaves the 404 propstat out.
	r = e.do("PROPFIND", "/dav/alice/", body, "Depth", "0", "Prefer", "return=minimal", "Brief", "t").must(t, 207, "minimal")
	r.lacks(t, "404", "schedule-inbox-URL")

	// The home lists the calendar with what clients need to show it.
	body = `<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/" xmlns:A="http://apple.com/ns/ical/"><D:prop>
	<D:resourcetype/><D:displayname/><A:calendar-color/><C:supported-calendar-component-set/><CS:getctag/><D:sync-token/>
	<D:current-user-privilege-set/><D:supported-report-set/><C:calendar-timezone-id/></D:prop></D:propfind>`
	r = e.do("PROPFIND", "/dav/alice/calendars/", body, "Depth", "1").must(t, 207, "home")
	r.has(t, "<D:href>/dav/alice/calendars/work/</D:href>", "<C:calendar/>", "<D:displayname>Work</D:displayname>",
		`<C:comp name="VEVENT"/><C:comp name="VTODO"/>`, "<CS:getctag>", "<D:sync-token>http://rota.invalid/sync/",
		"<D:sync-collection/>", "<D:write/>", "Europe/Berlin", "<A:calendar-color/></D:prop><D:status>HTTP/1.1 404")
	// The calendar's zone as a VTIMEZONE (RFC 4791 section 5.2.2).
	r = e.do("PROPFIND", calPath, `<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-timezone/></D:prop></D:propfind>`, "Depth", "0")
	r.must(t, 207, "calendar-timezone").has(t, "BEGIN:VCALENDAR", "BEGIN:VTIMEZONE", "TZID:Europe/Berlin")
}

func TestMkcalendarProppatch(t *testing.T) {
	e := newEnv(t)
	mk := `<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/">
 <D:set><D:prop>
  <D:displayname>Tasks &amp; more</D:displayname>
  <C:calendar-description>To do</C:calendar-description>
  <A:calendar-color symbolic-color="green">#63DA38FF</A:calendar-color>
  <A:calendar-order>3</A:calendar-order>
  <C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set>
  <X:custom xmlns:X="urn:example">kept</X:custom>
 </D:prop></D:set>
</C:mkcalendar>`
	e.do("MKCALENDAR", "/dav/alice/calendars/todo/", mk).must(t, 201, "MKCALENDAR")
	e.do("MKCALENDAR", "/dav/alice/calendars/todo/", mk).must(t, 405, "MKCALENDAR again")
	e.do("MKCALENDAR", "/dav/bob/calendars/x/", "").must(t, 403, "MKCALENDAR in bob's home")

	all := `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>`
	r := e.do("PROPFIND", "/dav/alice/calendars/todo/", all, "Depth", "0").must(t, 207, "allprop")
	r.has(t, "<D:displayname>Tasks &amp; more</D:displayname>", "<C:calendar-description>To do</C:calendar-description>",
		`<A:calendar-color symbolic-color="green">#63DA38FF</A:calendar-color>`, "<A:calendar-order>3</A:calendar-order>",
		`<C:comp name="VTODO"/></C:supported-calendar-component-set>`, `<custom xmlns="urn:example">kept</custom>`)

	// A VEVENT is refused by a VTODO-only calendar.
	r = e.do("PUT", "/dav/alice/calendars/todo/e.ics", event("e1", ":20260301T100000Z", ":20260301T110000Z"), "Content-Type", "text/calendar")
	r.must(t, 403, "VEVENT into a VTODO calendar").has(t, "supported-calendar-component")

	// PROPPATCH as Apple sends it, then the colour round-trips.
	pp := `<?xml version="1.0" encoding="UTF-8"?>
<A:propertyupdate xmlns:A="DAV:"><A:set><A:prop>
<B:calendar-color xmlns:B="http://apple.com/ns/ical/" symbolic-color="purple">#CC73E1</B:calendar-color>
<B:calendar-order xmlns:B="http://apple.com/ns/ical/">7</B:calendar-order>
<A:displayname>Renamed</A:displayname>
</A:prop></A:set><A:remove><A:prop><C:calendar-description xmlns:C="urn:ietf:params:xml:ns:caldav"/></A:prop></A:remove></A:propertyupdate>`
	e.do("PROPPATCH", "/dav/alice/calendars/todo/", pp).must(t, 207, "PROPPATCH").has(t, "HTTP/1.1 200 OK")
	r = e.do("PROPFIND", "/dav/alice/calendars/todo/", all, "Depth", "0").must(t, 207, "allprop after PROPPATCH")
	r.has(t, `symbolic-color="purple">#CC73E1<`, "<D:displayname>Renamed</D:displayname>", "<A:calendar-order>7<")
	r.lacks(t, "calendar-description>")

	// A bad colour fails the whole PROPPATCH: nothing changes.
	bad := `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>Nope</D:displayname>
<A:calendar-color xmlns:A="http://apple.com/ns/ical/">red</A:calendar-color></D:prop></D:set></D:propertyupdate>`
	e.do("PROPPATCH", "/dav/alice/calendars/todo/", bad).must(t, 207, "bad PROPPATCH").has(t, "403 Forbidden", "424 Failed Dependency")
	e.do("PROPFIND", "/dav/alice/calendars/todo/", all, "Depth", "0").has(t, "<D:displayname>Renamed</D:displayname>")

	// Extended MKCOL.
	mkcol := `<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>
<D:resourcetype><D:collection/><C:calendar/></D:resourcetype><D:displayname>Via MKCOL</D:displayname></D:prop></D:set></D:mkcol>`
	e.do("MKCOL", "/dav/alice/calendars/mk/", mkcol).must(t, 201, "extended MKCOL")
	e.do("MKCOL", "/dav/alice/calendars/plain/", "").must(t, 403, "plain MKCOL")

	// DELETE of a collection honours If-Match.
	e.do("DELETE", "/dav/alice/calendars/mk/", "", "If-Match", `"c0"`).must(t, 412, "DELETE collection, stale If-Match")
	e.do("DELETE", "/dav/alice/calendars/mk/", "").must(t, 204, "DELETE collection")
	e.do("PROPFIND", "/dav/alice/calendars/mk/", "", "Depth", "0").must(t, 404, "deleted collection")
}

func TestPutGetDelete(t *testing.T) {
	e := newEnv(t)
	body := event("uid-1", ";TZID=Europe/Berlin:20260302T100000", ";TZID=Europe/Berlin:20260302T110000",
		"SUMMARY:Standup", "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC", "ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED:mailto:bob@example.com",
		"BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "DESCRIPTION:Reminder", "END:VALARM")
	r := e.put("one.ics", body, "If-None-Match", "*").must(t, 201, "create")
	etag := r.hdr.Get("ETag")
	if etag == "" {
		t.Fatalf("no ETag on an unchanged PUT")
	}
	e.put("one.ics", body, "If-None-Match", "*").must(t, 412, "create again with If-None-Match")
	g := e.do("GET", calPath+"one.ics", "").must(t, 200, "GET")
	if g.body != body {
		t.Errorf("GET does not return the PUT body byte for byte:\n%q\nwant\n%q", g.body, body)
	}
	if g.hdr.Get("ETag") != etag || g.hdr.Get("Last-Modified") == "" {
		t.Errorf("GET ETag %q (PUT gave %q), Last-Modified %q", g.hdr.Get("ETag"), etag, g.hdr.Get("Last-Modified"))
	}
	e.do("GET", calPath+"one.ics", "", "If-None-Match", etag).must(t, 304, "conditional GET")
	e.do("HEAD", calPath+"one.ics", "").must(t, 200, "HEAD")

	// Update: If-Match with the current ETag is 204; a stale one 412.
	body2 := strings.Replace(body, "Standup", "Standup (moved)", 1)
	r = e.put("one.ics", body2, "If-Match", etag).must(t, 204, "update")
	etag2 := r.hdr.Get("ETag")
	if etag2 == "" || etag2 == etag {
		t.Errorf("update ETag %q (was %q)", etag2, etag)
	}
	e.put("one.ics", body, "If-Match", etag).must(t, 412, "stale If-Match")
	e.put("new.ics", body, "If-Match", "*").must(t, 412, "If-Match * on a missing object")

	// The same UID under another name: 409 no-uid-conflict naming the holder.
	e.put("other.ics", body2).must(t, 409, "UID clash").has(t, "no-uid-conflict", calPath+"one.ics")

	// Refusals carry the RFC 4791 precondition.
	e.put("bad.ics", "BEGIN:VCALENDAR\r\nthis is not ical\r\n").must(t, 403, "garbage").has(t, "valid-calendar-data")
	e.put("bad.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").
		must(t, 403, "no UID").has(t, "valid-calendar")
	e.do("PUT", calPath+"x.ics", body, "Content-Type", "application/json").must(t, 403, "wrong type").has(t, "supported-calendar-data")
	e.put("../x.ics", body).must(t, 400, "dot-dot")
	e.put("big.ics", strings.Repeat("X", 2<<20)).must(t, 413, "huge body").has(t, "max-resource-size")
	e.do("PUT", "/dav/alice/calendars/nope/x.ics", body, "Content-Type", "text/calendar").must(t, 409, "PUT into a missing calendar")

	// DELETE honours If-Match.
	e.do("DELETE", calPath+"one.ics", "", "If-Match", etag).must(t, 412, "DELETE stale")
	e.do("DELETE", calPath+"one.ics", "", "If-Match", etag2).must(t, 204, "DELETE")
	e.do("DELETE", calPath+"one.ics", "").must(t, 404, "DELETE again")
	e.do("GET", calPath+"one.ics", "").must(t, 404, "GET deleted")
}

func TestReadOnlyAndInvalidFromStore(t *testing.T) {
	e := newEnv(t, func(s caldavStore) caldavStore { return refusing{s} })
	e.put("ro.ics", event("ro", ":20260301T100000Z", ":20260301T110000Z", "SUMMARY:readonly")).
		must(t, 403, "read-only day").has(t, "valid-calendar-object-resource", "approved")
}

func TestCalendarQuery(t *testing.T) {
	e := newEnv(t)
	objs := map[string]string{
		"a.ics": event("a", ":20260302T100000Z", ":20260302T110000Z", "SUMMARY:Dentist Appointment", "LOCATION:Town", "CLASS:PUBLIC"),
		"b.ics": event("b", ":20260305T230000Z", ":20260306T010000Z", "SUMMARY:night shift", "CATEGORIES:shift"),
		// all-day on 9 March in the calendar's zone (Europe/Berlin)
		"c.ics": event("c", ";VALUE=DATE:20260309", ";VALUE=DATE:20260310", "SUMMARY:Holiday", "TRANSP:TRANSPARENT"),
		// floating 00:30 on 10 March: 23:30Z on 9 March in Berlin
		"d.ics": event("d", ":20260310T003000", ":20260310T013000", "SUMMARY:Floating"),
		// zero-length at 12:00
		"e.ics": event("e", ":20260311T120000Z", "", "SUMMARY:Deadline"),
		// duration
		"f.ics": event("f", ":20260312T080000Z", "", "DURATION:PT2H", "SUMMARY:Course ÄÖÜ"),
	}
	for n, b := range objs {
		e.put(n, b).must(t, 201, "put "+n)
	}
	todo := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:t1\r\nDTSTAMP:20260101T000000Z\r\nDUE:20260304T170000Z\r\nSUMMARY:File report\r\nSTATUS:NEEDS-ACTION\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
	e.put("t1.ics", todo).must(t, 201, "put todo")

	tr := func(comp, start, end string) string {
		attrs := ""
		if start != "" {
			attrs += ` start="` + start + `"`
		}
		if end != "" {
			attrs += ` end="` + end + `"`
		}
		return `<C:comp-filter name="VCALENDAR"><C:comp-filter name="` + comp + `"><C:time-range` + attrs + `/></C:comp-filter></C:comp-filter>`
	}
	cases := []struct {
		name   string
		filter string
		want   []string
	}{
		{"window", tr("VEVENT", "20260302T000000Z", "20260303T000000Z"), []string{"a.ics"}},
		{"exact cover", tr("VEVENT", "20260302T100000Z", "20260302T110000Z"), []string{"a.ics"}},
		{"end at start excluded", tr("VEVENT", "20260302T110000Z", "20260302T120000Z"), nil},
		{"overlapping start", tr("VEVENT", "20260306T000000Z", "20260306T003000Z"), []string{"b.ics"}},
		{"all-day in calendar zone", tr("VEVENT", "20260308T230000Z", "20260308T233000Z"), []string{"c.ics"}},
		{"all-day not before local midnight", tr("VEVENT", "20260308T220000Z", "20260308T225900Z"), nil},
		{"floating in calendar zone", tr("VEVENT", "20260309T232000Z", "20260309T234000Z"), []string{"d.ics"}},
		{"zero length at start", tr("VEVENT", "20260311T120000Z", "20260311T130000Z"), []string{"e.ics"}},
		{"zero length at end", tr("VEVENT", "20260311T110000Z", "20260311T120000Z"), nil},
		{"duration", tr("VEVENT", "20260312T093000Z", "20260312T100000Z"), []string{"f.ics"}},
		{"open end", tr("VEVENT", "20260311T000000Z", ""), []string{"e.ics", "f.ics"}},
		{"open start", tr("VEVENT", "", "20260303T000000Z"), []string{"a.ics"}},
		{"todo due", tr("VTODO", "20260304T000000Z", "20260305T000000Z"), []string{"t1.ics"}},
		{"todo outside", tr("VTODO", "20260305T000000Z", "20260306T000000Z"), nil},
		{"all todos", `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"/></C:comp-filter>`, []string{"t1.ics"}},
		{"text contains, ascii-casemap", `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match>DENTIST</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>`, []string{"a.ics"}},
		{"text octet is case-sensitive", `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match collation="i;octet">DENTIST</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>`, nil},
		{"unicode casemap", `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match collation="i;unicode-casemap">äöü</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>`, []string{"f.ics"}},
		{"starts-with", `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match match-type="starts-with">night</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>`, []string{"b.ics"}},
		{"equals", `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match match-type="equals">holiday</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>`, []string{"c.ics"}},
		{"negate", `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match negate-condition="yes">o</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>`, []string{"b.ics", "e.ics"}},
		{"is-not-defined", `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="DTEND"><C:is-not-defined/></C:prop-filter></C:comp-filter></C:comp-filter>`, []string{"e.ics", "f.ics"}},
		{"param-filter", `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="DTSTART"><C:param-filter name="VALUE"><C:text-match>DATE</C:text-match></C:param-filter></C:prop-filter></C:comp-filter></C:comp-filter>`, []string{"c.ics"}},
		{"time-range and text", `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260301T000000Z" end="20260308T000000Z"/><C:prop-filter name="CATEGORIES"><C:text-match>shift</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>`, []string{"b.ics"}},
		{"no VTODO is-not-defined", `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"><C:is-not-defined/></C:comp-filter></C:comp-filter>`, []string{"a.ics", "b.ics", "c.ics", "d.ics", "e.ics", "f.ics"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("REPORT", calPath, query(c.filter, ""), "Depth", "1").must(t, 207, "query")
			var got []string
			for _, h := range hrefs(r.body) {
				got = append(got, strings.TrimPrefix(h, calPath))
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	r := e.do("REPORT", calPath, query(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match collation="i;klingon">x</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>`, ""), "Depth", "1")
	r.must(t, 403, "unknown collation").has(t, "supported-collation")

	// calendar-data comes back as stored; partial retrieval prunes.
	r = e.do("REPORT", calPath, query(tr("VEVENT", "20260302T000000Z", "20260303T000000Z"), "<D:getetag/><C:calendar-data/>"), "Depth", "1")
	r.must(t, 207, "with data").has(t, "SUMMARY:Dentist Appointment&#13;\nLOCATION:Town")
	part := `<D:getetag/><C:calendar-data><C:comp name="VCALENDAR"><C:prop name="VERSION"/><C:comp name="VEVENT"><C:prop name="SUMMARY"/><C:prop name="UID"/></C:comp></C:comp></C:calendar-data>`
	r = e.do("REPORT", calPath, query(tr("VEVENT", "20260302T000000Z", "20260303T000000Z"), part), "Depth", "1")
	r.must(t, 207, "partial").has(t, "SUMMARY:Dentist Appointment", "UID:a")
	r.lacks(t, "LOCATION", "PRODID")
}

func TestRecurringQueryExpand(t *testing.T) {
	e := newEnv(t)
	// Daily 09:00-10:00 Berlin from 2 March, one instance moved, one cancelled, one excluded.
	body := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" +
		"BEGIN:VEVENT\r\nUID:r1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260302T090000\r\nDTEND;TZID=Europe/Berlin:20260302T100000\r\n" +
		"RRULE:FREQ=DAILY;COUNT=10\r\nEXDATE;TZID=Europe/Berlin:20260305T090000\r\nSUMMARY:Daily\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:r1\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260303T090000\r\nDTSTART;TZID=Europe/Berlin:20260303T150000\r\nDTEND;TZID=Europe/Berlin:20260303T160000\r\nSUMMARY:Daily (moved)\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	e.put("r1.ics", body).must(t, 201, "put recurring")
	// An instance that started before the window and overlaps it.
	e.put("long.ics", event("long", ":20260301T220000Z", ":20260302T020000Z", "RRULE:FREQ=WEEKLY;COUNT=3", "SUMMARY:Overnight")).must(t, 201, "put weekly")

	tr := func(s, en string) string {
		return `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="` + s + `" end="` + en + `"/></C:comp-filter></C:comp-filter>`
	}
	get := func(filter string) []string {
		r := e.do("REPORT", calPath, query(filter, ""), "Depth", "1").must(t, 207, "query")
		return hrefs(r.body)
	}
	if got := get(tr("20260309T010000Z", "20260309T020000Z")); !slices.Equal(got, []string{calPath + "long.ics"}) {
		t.Errorf("instance overlapping the window start: got %v", got)
	}
	if got := get(tr("20260305T070000Z", "20260305T100000Z")); len(got) != 0 {
		t.Errorf("excluded instance matched: %v", got)
	}
	if got := get(tr("20260303T140000Z", "20260303T150000Z")); !slices.Equal(got, []string{calPath + "r1.ics"}) {
		t.Errorf("moved override not found at its new time: %v", got)
	}
	if got := get(tr("20260303T080000Z", "20260303T090000Z")); len(got) != 0 {
		t.Errorf("moved instance still found at its old time: %v", got)
	}
	// DAVx5's default: start only, no end.
	if got := get(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260310T000000Z"/></C:comp-filter></C:comp-filter>`); !slices.Equal(got, []string{calPath + "r1.ics", calPath + "long.ics"}) && !slices.Equal(got, []string{calPath + "long.ics", calPath + "r1.ics"}) {
		t.Errorf("open-ended range: %v", got)
	}

	// expand: one VEVENT per instance, in UTC, with RECURRENCE-ID, no RRULE.
	exp := `<D:getetag/><C:calendar-data><C:expand start="20260302T000000Z" end="20260306T000000Z"/></C:calendar-data>`
	r := e.do("REPORT", calPath, query(tr("20260302T000000Z", "20260306T000000Z"), exp), "Depth", "1").must(t, 207, "expand")
	part := r.body[strings.Index(r.body, calPath+"r1.ics"):]
	part = part[:strings.Index(part, "</D:response>")]
	if n := strings.Count(part, "BEGIN:VEVENT"); n != 3 { // 2nd (moved), 3rd... 4th; 5th excluded -> 2,3,4 March
		t.Errorf("expanded %d instances, want 3:\n%s", n, part)
	}
	for _, want := range []string{"RECURRENCE-ID:20260302T080000Z", "DTSTART:20260302T080000Z", "DTEND:20260302T090000Z",
		"RECURRENCE-ID:20260303T080000Z", "DTSTART:20260303T140000Z", "SUMMARY:Daily (moved)", "RECURRENCE-ID:20260304T080000Z"} {
		if !strings.Contains(part, want) {
			t.Errorf("expanded answer lacks %q:\n%s", want, part)
		}
	}
	for _, bad := range []string{"RRULE", "EXDATE", "TZID", "VTIMEZONE"} {
		if strings.Contains(part, bad) {
			t.Errorf("expanded answer has %s:\n%s", bad, part)
		}
	}

	// A series without overrides expands line by line: same rules.
	part = r.body[strings.Index(r.body, calPath+"long.ics"):]
	part = part[:strings.Index(part, "</D:response>")]
	if strings.Count(part, "BEGIN:VEVENT") != 1 || !strings.Contains(part, "RECURRENCE-ID:20260301T220000Z") ||
		!strings.Contains(part, "DTSTART:20260301T220000Z") || !strings.Contains(part, "DTEND:20260302T020000Z") || strings.Contains(part, "RRULE") {
		t.Errorf("expanded weekly series:\n%s", part)
	}

	// limit-recurrence-set keeps the master and the overrides in the range.
	lim := func(s, en string) string {
		return `<C:calendar-data><C:limit-recurrence-set start="` + s + `" end="` + en + `"/></C:calendar-data>`
	}
	mg := func(data string) string {
		return `<?xml version="1.0"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>` + data +
			`</D:prop><D:href>` + calPath + `r1.ics</D:href></C:calendar-multiget>`
	}
	r = e.do("REPORT", calPath, mg(lim("20260303T000000Z", "20260304T000000Z")), "Depth", "1").must(t, 207, "limit in")
	r.has(t, "RRULE:FREQ=DAILY", "SUMMARY:Daily (moved)")
	r = e.do("REPORT", calPath, mg(lim("20260306T000000Z", "20260307T000000Z")), "Depth", "1").must(t, 207, "limit out")
	r.has(t, "RRULE:FREQ=DAILY")
	r.lacks(t, "Daily (moved)")

	// A single zoned event expands to UTC without its VTIMEZONE.
	e.put("tz.ics", strings.Replace(event("tz", ";TZID=Europe/Berlin:20260305T120000", ";TZID=Europe/Berlin:20260305T123000", "SUMMARY:Zoned"),
		"BEGIN:VEVENT", "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT", 1)).must(t, 201, "zoned")
	r = e.do("REPORT", calPath, query(tr("20260305T000000Z", "20260306T000000Z"), exp), "Depth", "1").must(t, 207, "expand single")
	part = r.body[strings.Index(r.body, calPath+"tz.ics"):]
	part = part[:strings.Index(part, "</D:response>")]
	if !strings.Contains(part, "DTSTART:20260305T110000Z") || !strings.Contains(part, "DTEND:20260305T113000Z") || strings.Contains(part, "TZID") || strings.Contains(part, "VTIMEZONE") {
		t.Errorf("expanded single zoned event:\n%s", part)
	}

	// free-busy: the transparent and cancelled ones are free.
	e.put("free.ics", event("free", ":20260302T120000Z", ":20260302T130000Z", "TRANSP:TRANSPARENT")).must(t, 201, "transparent")
	e.put("tent.ics", event("tent", ":20260302T140000Z", ":20260302T150000Z", "STATUS:TENTATIVE")).must(t, 201, "tentative")
	e.put("canc.ics", event("canc", ":20260302T160000Z", ":20260302T170000Z", "STATUS:CANCELLED")).must(t, 201, "cancelled")
	fb := `<?xml version="1.0"?><C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20260302T000000Z" end="20260303T000000Z"/></C:free-busy-query>`
	r = e.do("REPORT", calPath, fb, "Depth", "1").must(t, 200, "free-busy")
	r.has(t, "BEGIN:VFREEBUSY", "FREEBUSY;FBTYPE=BUSY:20260302T000000Z/20260302T020000Z", "FREEBUSY;FBTYPE=BUSY:20260302T080000Z/20260302T090000Z",
		"FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260302T140000Z/20260302T150000Z")
	r.lacks(t, "20260302T120000Z", "20260302T160000Z")
}

func TestMultigetAndSync(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 5; i++ {
		e.put(fmt.Sprintf("m%d.ics", i), event(fmt.Sprintf("m%d", i), ":20260302T100000Z", ":20260302T110000Z")).must(t, 201, "put")
	}
	mg := `<?xml version="1.0"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>` +
		`<D:href>` + calPath + `m1.ics</D:href><D:href>` + e.url + calPath + `m3.ics</D:href><D:href>` + calPath + `missing.ics</D:href>` +
		`<D:href>/dav/bob/calendars/work/m1.ics</D:href></C:calendar-multiget>`
	r := e.do("REPORT", calPath, mg, "Depth", "1").must(t, 207, "multiget")
	r.has(t, "UID:m1", "UID:m3", "missing.ics</D:href><D:status>HTTP/1.1 404", "/dav/bob/calendars/work/m1.ics</D:href><D:status>HTTP/1.1 403")
	r.lacks(t, "UID:m2")

	sync := func(token string) resp {
		b := `<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token>` + token + `</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`
		return e.do("REPORT", calPath, b, "Depth", "1") // Thunderbird's Depth: 1
	}
	r = sync("").must(t, 207, "initial sync")
	if n := len(hrefs(r.body)); n != 5 {
		t.Errorf("initial sync lists %d members, want 5", n)
	}
	tok := between(r.body, "<D:sync-token>", "</D:sync-token>")
	if !strings.HasPrefix(tok, "http://") {
		t.Fatalf("sync token %q is not a URI", tok)
	}
	e.put("m1.ics", event("m1", ":20260302T100000Z", ":20260302T120000Z")).must(t, 204, "modify")
	e.do("DELETE", calPath+"m2.ics", "").must(t, 204, "delete")
	e.put("m9.ics", event("m9", ":20260302T100000Z", ":20260302T110000Z")).must(t, 201, "create")
	e.do("DELETE", calPath+"m9.ics", "").must(t, 204, "create then delete")
	r = sync(tok).must(t, 207, "incremental sync")
	if got := hrefs(r.body); !slices.Equal(got, []string{calPath + "m1.ics"}) {
		t.Errorf("changed members %v, want m1", got)
	}
	r.has(t, "m2.ics</D:href><D:status>HTTP/1.1 404", "m9.ics</D:href><D:status>HTTP/1.1 404")
	tok2 := between(r.body, "<D:sync-token>", "</D:sync-token>")
	r = sync(tok2).must(t, 207, "nothing changed")
	if strings.Contains(r.body, "<D:response>") {
		t.Errorf("sync after no change lists members:\n%s", r.body)
	}
	sync("http://rota.invalid/sync/999999").must(t, 403, "unknown token").has(t, "valid-sync-token")
	sync("urn:bogus").must(t, 403, "foreign token").has(t, "valid-sync-token")

	// getctag and sync-token move with every write.
	pf := `<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><D:prop><CS:getctag/><D:sync-token/></D:prop></D:propfind>`
	before := e.do("PROPFIND", calPath, pf, "Depth", "0").body
	e.put("m4.ics", event("m4", ":20260302T100000Z", ":20260302T130000Z")).must(t, 204, "modify")
	if after := e.do("PROPFIND", calPath, pf, "Depth", "0").body; after == before {
		t.Errorf("ctag did not change:\n%s", after)
	}
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	j := strings.Index(s, b)
	if j < 0 {
		return ""
	}
	return s[:j]
}

func TestFeed(t *testing.T) {
	e := newEnv(t)
	e.put("pub.ics", event("pub", ";TZID=Europe/Berlin:20260302T100000", ";TZID=Europe/Berlin:20260302T110000", "SUMMARY:Team lunch", "LOCATION:Cafe")).must(t, 201, "put")
	e.put("priv.ics", event("priv", ":20260303T100000Z", ":20260303T110000Z", "SUMMARY:Therapy", "LOCATION:Secret st", "CLASS:PRIVATE",
		"BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT5M", "DESCRIPTION:Therapy", "END:VALARM")).must(t, 201, "put private")
	ctx := context.Background()
	c, err := e.store.Calendar(ctx, "alice", "work")
	if err != nil {
		t.Fatal(err)
	}
	f := model.Feed{Token: "abcdefghijklmnopqrstuvwxyz234567", Owner: "alice", CalendarID: c.ID, Created: clock}
	if err := e.store.CreateFeed(ctx, &f); err != nil {
		t.Fatal(err)
	}
	r := e.doAs("", "GET", "/feeds/"+f.Token+".ics", "").must(t, 200, "feed")
	if ct := r.hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Errorf("Content-Type %q", ct)
	}
	r.has(t, "X-WR-CALNAME:Work", "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H", "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
		"SUMMARY:Team lunch", "UID:priv", "SUMMARY:Busy", "DTSTART:20260303T100000Z")
	r.lacks(t, "Therapy", "Secret", "VALARM")
	if strings.Count(r.body, "BEGIN:VCALENDAR") != 1 {
		t.Errorf("feed is not one VCALENDAR")
	}
	etag := r.hdr.Get("ETag")
	e.doAs("", "GET", "/feeds/"+f.Token+".ics", "", "If-None-Match", etag).must(t, 304, "feed 304")
	e.doAs("", "GET", "/feeds/nope.ics", "").must(t, 404, "unknown feed")
	if err := e.store.RevokeFeed(ctx, f.Token); err != nil {
		t.Fatal(err)
	}
	e.doAs("", "GET", "/feeds/"+f.Token+".ics", "").must(t, 404, "revoked feed")
}

func TestRobustness(t *testing.T) {
	pk := &panicky{}
	e := newEnv(t, func(s caldavStore) caldavStore { pk.caldavStore = s; return pk })
	e.put("keep.ics", event("keep", ":20260302T100000Z", ":20260302T110000Z")).must(t, 201, "put")
	cases := []struct {
		name, method, path, body string
		code                     int
	}{
		{"malformed XML", "PROPFIND", calPath, "<D:propfind xmlns:D='DAV:'><D:prop>", 400},
		{"entity bomb", "PROPFIND", calPath, `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><D:propfind xmlns:D="DAV:"><D:prop>&lol2;</D:prop></D:propfind>`, 400},
		{"external entity", "REPORT", calPath, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:href>&xxe;</D:href></C:calendar-multiget>`, 400},
		{"huge body", "REPORT", calPath, "<x>" + strings.Repeat("a", 2<<20) + "</x>", 413},
		{"dot-dot", "GET", "/dav/alice/calendars/work/../../bob/calendars/", "", 400},
		{"encoded slash", "GET", "/dav/alice/calendars/work%2F..%2F/keep.ics", "", 400},
		{"unknown report", "REPORT", calPath, `<?xml version="1.0"?><D:expand-property xmlns:D="DAV:"/>`, 403},
		{"panic in the store", "PROPFIND", calPath, "", 500},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pk.armed.Store(c.name == "panic in the store")
			defer pk.armed.Store(false)
			e.do(c.method, c.path, c.body, "Depth", "1").must(t, c.code, c.name)
		})
	}
	// The server still serves, and nothing stored changed.
	r := e.do("PROPFIND", calPath, `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`, "Depth", "1").must(t, 207, "after")
	if got := hrefs(r.body); len(got) != 2 || got[1] != calPath+"keep.ics" {
		t.Errorf("collection after the bad requests: %v", got)
	}
}

// caldavStore is the handler's store interface, for wrappers.
type caldavStore = caldav.Store

// refusing answers every write with model.ErrReadOnly, as the store does
// for an approved timesheet day.
type refusing struct{ caldavStore }

func (refusing) PutObject(context.Context, *model.Object, model.Condition) (bool, error) {
	return false, fmt.Errorf("store: put object: %w: 2026-03-01 is approved", model.ErrReadOnly)
}

// panicky panics inside ListObjects while armed, as a library bug would.
type panicky struct {
	caldavStore
	armed atomic.Bool
}

func (p *panicky) ListObjects(ctx context.Context, calID int64, withData bool) ([]model.Object, error) {
	if p.armed.Load() {
		panic("boom")
	}
	return p.caldavStore.ListObjects(ctx, calID, withData)
}

// TestOtherDoorWrites: writes made straight into the store (the TUI, a
// second process) show in the next answer, although the handler keeps
// listings and data in memory.
func TestOtherDoorWrites(t *testing.T) {
	for _, budget := range []int64{0, -1} {
		t.Run(fmt.Sprintf("cache=%d", budget), func(t *testing.T) {
			otherDoorWrites(t, newEnvConfig(t, caldav.Config{CacheBytes: budget}))
		})
	}
}

func otherDoorWrites(t *testing.T, e *env) {
	e.put("x.ics", event("x", ":20260302T100000Z", ":20260302T110000Z", "SUMMARY:Before & <after>")).must(t, 201, "put")
	q := query(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260302T000000Z" end="20260303T000000Z"/></C:comp-filter></C:comp-filter>`, "<D:getetag/><C:calendar-data/>")
	mg := `<?xml version="1.0"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><D:href>` + calPath + `x.ics</D:href></C:calendar-multiget>`
	pf := `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`
	e.do("REPORT", calPath, q, "Depth", "1").must(t, 207, "query").has(t, "SUMMARY:Before &amp; &lt;after&gt;&#13;\n")
	e.do("REPORT", calPath, mg, "Depth", "1").must(t, 207, "multiget").has(t, "SUMMARY:Before &amp; &lt;after&gt;&#13;\n")
	exp := query(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260302T000000Z" end="20260303T000000Z"/></C:comp-filter></C:comp-filter>`,
		`<C:calendar-data><C:expand start="20260302T000000Z" end="20260303T000000Z"/></C:calendar-data><D:getcontentlength/>`)
	e.do("REPORT", calPath, exp, "Depth", "1").must(t, 207, "expand").has(t, "SUMMARY:Before &amp; &lt;after&gt;&#13;\n", "<D:getcontentlength>")
	listed := e.do("PROPFIND", calPath, pf, "Depth", "1").body

	ctx := context.Background()
	c, _ := e.store.Calendar(ctx, "alice", "work")
	o, err := ics.DecodeObject([]byte(event("x", ":20260302T100000Z", ":20260302T110000Z", "SUMMARY:After")))
	if err != nil {
		t.Fatal(err)
	}
	o.CalendarID, o.Name = c.ID, "x.ics"
	if _, err := e.store.PutObject(ctx, &o, model.Condition{}); err != nil {
		t.Fatal(err)
	}
	e.do("REPORT", calPath, q, "Depth", "1").must(t, 207, "query").has(t, "SUMMARY:After", o.ETag)
	e.do("REPORT", calPath, mg, "Depth", "1").must(t, 207, "multiget").has(t, "SUMMARY:After", o.ETag)
	if after := e.do("PROPFIND", calPath, pf, "Depth", "1").body; after == listed || !strings.Contains(after, o.ETag) {
		t.Errorf("listing did not follow the write:\n%s", after)
	}
	if err := e.store.DeleteObject(ctx, c.ID, "x.ics", model.Condition{}); err != nil {
		t.Fatal(err)
	}
	e.do("REPORT", calPath, mg, "Depth", "1").must(t, 207, "multiget").has(t, "x.ics</D:href><D:status>HTTP/1.1 404")
	e.do("PROPFIND", calPath, pf, "Depth", "1").lacks(t, "x.ics")
}

// TestLinkedPerson: a login linked to a team member sees the calendars
// made for that person (a timesheet, a schedule) in its home.
func TestLinkedPerson(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	h, _ := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err := e.store.PutUser(ctx, model.User{Name: "john", PasswordHash: h, Person: "john.doe", Created: clock}); err != nil {
		t.Fatal(err)
	}
	c := model.Calendar{Owner: "alice", Name: "timesheet-john", Person: "john.doe", Kind: model.CalendarTimesheet}
	if err := e.store.CreateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	as := func(method, path, body string, hdr ...string) resp {
		req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
		req.SetBasicAuth("john", "pw")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return resp{code: res.StatusCode, hdr: res.Header, body: string(b)}
	}
	as("PROPFIND", "/dav/john/calendars/", "", "Depth", "1").must(t, 207, "john's home").has(t, "/dav/john/calendars/timesheet-john/")
	as("PUT", "/dav/john/calendars/timesheet-john/t1.ics", event("t1", ":20260302T090000Z", ":20260302T100000Z", "SUMMARY:Support"), "Content-Type", "text/calendar").
		must(t, 201, "PUT into the linked calendar")
	as("GET", "/dav/john/calendars/work/x.ics", "").must(t, 404, "alice's own calendar is not john's")
	e.doAs("bob", "PROPFIND", "/dav/bob/calendars/", "", "Depth", "1").lacks(t, "timesheet-john")
}
