package e2e

import (
	"strings"
	"testing"
)

// The request sequences below are what real clients send (notes section 4
// of ../shared/notes/caldav-ecosystem.md): headers, bodies and order.

// TestReplayApple replays an iOS 18 account setup (go-webdav#150 trace)
// and a Calendar.app colour change and event creation.
func TestReplayApple(t *testing.T) {
	e := newEnv(t)
	hdr := []string{"Depth", "0", "Prefer", "return=minimal", "Brief", "t", "Content-Type", "text/xml", "User-Agent", "iOS/18.0 (22A3354) dataaccessd/1.0"}
	r := e.do("PROPFIND", "/.well-known/caldav", `<?xml version="1.0" encoding="UTF-8"?>
<A:propfind xmlns:A="DAV:"><A:prop><A:current-user-principal/><A:principal-URL/><A:resourcetype/></A:prop></A:propfind>`, hdr...)
	if r.code != 301 {
		t.Fatalf("well-known: %d", r.code)
	}
	loc := r.hdr.Get("Location")
	r = e.do("PROPFIND", loc, `<?xml version="1.0" encoding="UTF-8"?>
<A:propfind xmlns:A="DAV:"><A:prop><A:current-user-principal/><A:principal-URL/><A:resourcetype/></A:prop></A:propfind>`, hdr...).must(t, 207, "principal")
	r.has(t, "<D:principal-URL><D:href>/dav/alice/</D:href>")
	e.do("OPTIONS", loc, "", "User-Agent", "iOS/18.0").must(t, 200, "OPTIONS")
	r = e.do("PROPFIND", loc, `<?xml version="1.0" encoding="UTF-8"?>
<A:propfind xmlns:A="DAV:" xmlns:B="urn:ietf:params:xml:ns:caldav" xmlns:C="http://calendarserver.org/ns/" xmlns:D="http://apple.com/ns/ical/" xmlns:E="urn:ietf:params:xml:ns:carddav">
<A:prop><B:calendar-home-set/><B:calendar-user-address-set/><A:current-user-principal/><A:displayname/><C:dropbox-home-URL/>
<C:email-address-set/><C:notification-URL/><A:principal-collection-set/><A:principal-URL/><A:resourcetype/>
<B:schedule-inbox-URL/><B:schedule-outbox-URL/><A:supported-report-set/></A:prop></A:propfind>`, hdr...).must(t, 207, "principal details")
	r.has(t, "/dav/alice/calendars/")
	r.lacks(t, "404") // minimal: the missing ones are left out
	home := strings.Replace(hdr[1], "0", "1", 1)
	r = e.do("PROPFIND", "/dav/alice/calendars/", `<?xml version="1.0" encoding="UTF-8"?>
<A:propfind xmlns:A="DAV:" xmlns:B="http://calendarserver.org/ns/" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:D="http://apple.com/ns/ical/" xmlns:E="http://me.com/_namespace/">
<A:prop><A:add-member/><C:allowed-sharing-modes/><D:autoprovisioned/><E:bulk-requests/><D:calendar-color/>
<C:calendar-description/><C:calendar-free-busy-set/><D:calendar-order/><C:calendar-timezone/><A:current-user-privilege-set/>
<C:default-alarm-vevent-date/><C:default-alarm-vevent-datetime/><A:displayname/><B:getctag/><D:language-code/>
<D:location-code/><A:owner/><B:pre-publish-url/><B:publish-url/><B:push-transports/><B:pushkey/><A:quota-available-bytes/>
<A:quota-used-bytes/><D:refreshrate/><A:resource-id/><A:resourcetype/><C:schedule-calendar-transp/><C:schedule-default-calendar-URL/>
<B:source/><B:subscribed-strip-alarms/><B:subscribed-strip-attachments/><B:subscribed-strip-todos/><C:supported-calendar-component-set/>
<C:supported-calendar-component-sets/><A:supported-report-set/><A:sync-token/></A:prop></A:propfind>`,
		"Depth", home, "Prefer", "return=minimal", "Brief", "t").must(t, 207, "home listing")
	r.has(t, "/dav/alice/calendars/work/", "<C:calendar/>", "<CS:getctag>", "<D:sync-token>", "<D:sync-collection/>", `<C:comp name="VTODO"/>`)

	// Calendar.app sets a colour with Apple's symbolic-color attribute.
	e.do("PROPPATCH", calPath, `<?xml version="1.0" encoding="UTF-8"?>
<A:propertyupdate xmlns:A="DAV:"><A:set><A:prop><B:calendar-color xmlns:B="http://apple.com/ns/ical/" symbolic-color="green">#63DA38FF</B:calendar-color></A:prop></A:set></A:propertyupdate>`).must(t, 207, "PROPPATCH colour")
	e.do("PROPFIND", calPath, `<?xml version="1.0"?><A:propfind xmlns:A="DAV:"><A:prop><B:calendar-color xmlns:B="http://apple.com/ns/ical/"/></A:prop></A:propfind>`, "Depth", "0").
		has(t, `<A:calendar-color symbolic-color="green">#63DA38FF</A:calendar-color>`)

	// A new event as Calendar.app writes it, then its sync.
	ev := "BEGIN:VCALENDAR\r\nCALSCALE:GREGORIAN\r\nPRODID:-//Apple Inc.//macOS 15.0//EN\r\nVERSION:2.0\r\n" +
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nDTSTART:19810329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZNAME:CEST\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n" +
		"BEGIN:STANDARD\r\nDTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZNAME:CET\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" +
		"BEGIN:VEVENT\r\nCREATED:20260301T101010Z\r\nDTEND;TZID=Europe/Berlin:20260304T120000\r\nDTSTAMP:20260301T101010Z\r\nDTSTART;TZID=Europe/Berlin:20260304T110000\r\n" +
		"LAST-MODIFIED:20260301T101010Z\r\nSEQUENCE:0\r\nSUMMARY:Lunch with Ana\r\nTRANSP:OPAQUE\r\nUID:6B7F0F0E-1E7A-4B7E-9A9C-1D2E3F4A5B6C\r\nX-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\r\n" +
		"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT15M\r\nUID:A1B2C3\r\nX-WR-ALARMUID:A1B2C3\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	e.put("6B7F0F0E-1E7A-4B7E-9A9C-1D2E3F4A5B6C.ics", ev, "If-None-Match", "*").must(t, 201, "Apple PUT")
	g := e.do("GET", calPath+"6B7F0F0E-1E7A-4B7E-9A9C-1D2E3F4A5B6C.ics", "").must(t, 200, "GET")
	if g.body != ev {
		t.Errorf("Apple's event did not come back byte for byte:\n%s", g.body)
	}
	r = e.do("REPORT", calPath, `<?xml version="1.0" encoding="UTF-8"?>
<A:sync-collection xmlns:A="DAV:"><A:sync-token/><A:sync-level>1</A:sync-level><A:prop><A:getetag/></A:prop></A:sync-collection>`,
		"Depth", "0", "Prefer", "return=minimal", "Brief", "t").must(t, 207, "sync")
	r.has(t, "6B7F0F0E-1E7A-4B7E-9A9C-1D2E3F4A5B6C.ics", "<D:getetag>")
}

// TestReplayDAVx5 replays a DAVx5 sync: collection properties, the
// default calendar-query (90 days back, no end), a multiget of ten, and a
// delete with If-Match.
func TestReplayDAVx5(t *testing.T) {
	e := newEnv(t)
	ua := []string{"User-Agent", "DAVx5/4.4.2-ose (2024/08/01; dav4jvm; okhttp/4.12.0) Android/14"}
	e.put("recurring.ics", event("recurring", ":20260101T090000Z", ":20260101T100000Z", "RRULE:FREQ=WEEKLY", "SUMMARY:Weekly")).must(t, 201, "seed")
	e.put("old.ics", event("old", ":20250101T090000Z", ":20250101T100000Z", "SUMMARY:Old")).must(t, 201, "seed old")
	r := e.do("PROPFIND", calPath, `<?xml version='1.0' encoding='UTF-8' ?><propfind xmlns="DAV:" xmlns:CAL="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/"><prop><CAL:max-resource-size /><supported-report-set /><CS:getctag /><sync-token /></prop></propfind>`,
		append([]string{"Depth", "0"}, ua...)...).must(t, 207, "collection props")
	r.has(t, "<C:max-resource-size>", "<CS:getctag>", "<D:sync-token>")
	// 90 days before 2 March 2026, no end: the recurring series started
	// before the window and must be found.
	r = e.do("REPORT", calPath, `<?xml version='1.0' encoding='UTF-8' ?><CAL:calendar-query xmlns="DAV:" xmlns:CAL="urn:ietf:params:xml:ns:caldav"><prop><getetag /></prop><CAL:filter><CAL:comp-filter name="VCALENDAR"><CAL:comp-filter name="VEVENT"><CAL:time-range start="20251202T090000Z" /></CAL:comp-filter></CAL:comp-filter></CAL:filter></CAL:calendar-query>`,
		append([]string{"Depth", "1"}, ua...)...).must(t, 207, "DAVx5 query")
	got := hrefs(r.body)
	if len(got) != 1 || got[0] != calPath+"recurring.ics" || !strings.Contains(r.body, "<D:getetag>") {
		t.Errorf("DAVx5 query found %v:\n%s", got, r.body)
	}
	r = e.do("REPORT", calPath, `<?xml version='1.0' encoding='UTF-8' ?><CAL:calendar-multiget xmlns="DAV:" xmlns:CAL="urn:ietf:params:xml:ns:caldav"><prop><getcontenttype /><getetag /><CAL:calendar-data /></prop><href>`+calPath+`recurring.ics</href><href>`+calPath+`old.ics</href></CAL:calendar-multiget>`,
		append([]string{"Depth", "0"}, ua...)...).must(t, 207, "multiget")
	r.has(t, "UID:recurring", "UID:old", "text/calendar")
	etag := between(r.body, "<D:getetag>\"", "\"</D:getetag>")
	if etag == "" {
		t.Fatalf("no etag in %s", r.body)
	}
	e.do("DELETE", calPath+"recurring.ics", "", append([]string{"If-Match", `"stale"`}, ua...)...).must(t, 412, "DELETE stale")
	e.do("DELETE", calPath+"recurring.ics", "", append([]string{"If-Match", `"` + etag + `"`}, ua...)...).must(t, 204, "DELETE")
	// MKCALENDAR as DAVx5 sends it.
	e.do("MKCALENDAR", "/dav/alice/calendars/7f3c/", `<?xml version='1.0' encoding='UTF-8' ?><CAL:mkcalendar xmlns="DAV:" xmlns:CAL="urn:ietf:params:xml:ns:caldav" xmlns:ICAL="http://apple.com/ns/ical/"><set><prop><displayname>Phone</displayname><ICAL:calendar-color>#FF0000FF</ICAL:calendar-color><CAL:calendar-timezone><![CDATA[BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VTIMEZONE
TZID:Europe/Vienna
END:VTIMEZONE
END:VCALENDAR
]]></CAL:calendar-timezone><CAL:supported-calendar-component-set><CAL:comp name="VEVENT" /></CAL:supported-calendar-component-set></prop></set></CAL:mkcalendar>`, ua...).must(t, 201, "DAVx5 MKCALENDAR")
	r = e.do("PROPFIND", "/dav/alice/calendars/7f3c/", `<?xml version="1.0"?><propfind xmlns="DAV:" xmlns:CAL="urn:ietf:params:xml:ns:caldav"><prop><CAL:calendar-timezone/><CAL:calendar-timezone-id/></prop></propfind>`, "Depth", "0").must(t, 207, "timezone")
	r.has(t, "TZID:Europe/Vienna", "<C:calendar-timezone-id>Europe/Vienna<")
}

// TestReplayThunderbird replays Thunderbird's discovery and sync: the
// initial collection PROPFIND, sync-collection with Depth: 1, and the
// fallback Depth-1 etag listing with multiget.
func TestReplayThunderbird(t *testing.T) {
	e := newEnv(t)
	ua := []string{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.3.0"}
	e.put("tb.ics", event("tb", ":20260302T100000Z", ":20260302T110000Z", "SUMMARY:From Thunderbird", "X-MOZ-GENERATION:1")).must(t, 201, "seed")
	r := e.do("PROPFIND", calPath, `<?xml version="1.0" encoding="UTF-8"?>
<D:propfind xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>
<D:resourcetype/><D:owner/><D:current-user-principal/><D:current-user-privilege-set/><D:supported-report-set/>
<C:supported-calendar-component-set/><CS:getctag/></D:prop></D:propfind>`, append([]string{"Depth", "0"}, ua...)...).must(t, 207, "initial")
	r.has(t, "<D:sync-collection/>", "<D:write/>", "<C:calendar/>")
	r = e.do("REPORT", calPath, `<?xml version="1.0" encoding="UTF-8"?>
<sync-collection xmlns="DAV:"><sync-token/><sync-level>1</sync-level><prop><getcontenttype/><getetag/></prop></sync-collection>`,
		append([]string{"Depth", "1"}, ua...)...).must(t, 207, "sync with Depth 1")
	r.has(t, calPath+"tb.ics", "<D:sync-token>")
	r = e.do("PROPFIND", calPath, `<?xml version="1.0" encoding="UTF-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:getcontenttype/><D:resourcetype/><D:getetag/></D:prop></D:propfind>`,
		append([]string{"Depth", "1"}, ua...)...).must(t, 207, "etag listing")
	r.has(t, calPath+"tb.ics", "<D:getetag>", "text/calendar")
	r = e.do("REPORT", calPath, `<?xml version="1.0" encoding="UTF-8"?>
<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><D:href>`+calPath+`tb.ics</D:href></C:calendar-multiget>`,
		append([]string{"Depth", "1"}, ua...)...).must(t, 207, "multiget")
	r.has(t, "X-MOZ-GENERATION:1")
	// Thunderbird names items after the UID and PUTs with If-None-Match.
	e.put("new-uid_1.ics", event("new-uid/1", ":20260303T100000Z", ":20260303T110000Z", "SUMMARY:New"), append([]string{"If-None-Match", "*"}, ua...)...).must(t, 201, "create")
}

// TestReplayEvolution: Evolution writes RRULE UNTIL in local time beside a
// zoned DTSTART, and Outlook-made events carry Windows zone names; both
// are accepted and expand where they should.
func TestReplayEvolution(t *testing.T) {
	e := newEnv(t)
	ev := "BEGIN:VCALENDAR\r\nPRODID:-//Ximian//NONSGML Evolution Calendar//EN\r\nVERSION:2.0\r\n" +
		"BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n" +
		"BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n" +
		"BEGIN:VEVENT\r\nUID:evo-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=W. Europe Standard Time:20260302T090000\r\nDTEND;TZID=W. Europe Standard Time:20260302T093000\r\n" +
		"RRULE:FREQ=DAILY;UNTIL=20260304T090000\r\nSUMMARY:Evolution daily\r\n" +
		"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER;RELATED=START:-PT15M\r\nDESCRIPTION:soon\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	e.put("evo-1.ics", ev, "User-Agent", "Evolution/3.46.4").must(t, 201, "Evolution PUT")
	tr := func(s, en string) string {
		return `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="` + s + `" end="` + en + `"/></C:comp-filter></C:comp-filter>`
	}
	// 4 March 09:00 Berlin = 08:00Z is the last instance (UNTIL read as local time).
	if got := hrefs(e.do("REPORT", calPath, query(tr("20260304T080000Z", "20260304T081000Z"), ""), "Depth", "1").body); len(got) != 1 {
		t.Errorf("last instance (UNTIL in local time) not found: %v", got)
	}
	if got := hrefs(e.do("REPORT", calPath, query(tr("20260305T000000Z", "20260306T000000Z"), ""), "Depth", "1").body); len(got) != 0 {
		t.Errorf("instance after UNTIL found: %v", got)
	}
	// The alarm fires 15 minutes before each instance: 07:45Z on 3 March.
	alarm := `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:comp-filter name="VALARM"><C:time-range start="20260303T074000Z" end="20260303T075000Z"/></C:comp-filter></C:comp-filter></C:comp-filter>`
	if got := hrefs(e.do("REPORT", calPath, query(alarm, ""), "Depth", "1").body); len(got) != 1 {
		t.Errorf("VALARM time-range: %v", got)
	}
	alarm = strings.Replace(alarm, "20260303T074000Z", "20260303T075000Z", 1)
	alarm = strings.Replace(alarm, `end="20260303T075000Z"`, `end="20260303T080000Z"`, 1)
	if got := hrefs(e.do("REPORT", calPath, query(alarm, ""), "Depth", "1").body); len(got) != 0 {
		t.Errorf("VALARM time-range after the trigger matched: %v", got)
	}
	e.do("GET", calPath+"evo-1.ics", "").must(t, 200, "GET").has(t, "TZID=W. Europe Standard Time", "UNTIL=20260304T090000")
}
