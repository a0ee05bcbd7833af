package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"rota/model"
)

func attendees(n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("ATTENDEE;CN=Client %d:mailto:c%d@example.com", i, i))
	}
	return out
}

// TestCapacityOverCalDAV: a PUT seating more clients than an occurrence's
// X-ROTA-CAPACITY is refused with the precondition and a message naming
// the field; nothing is stored. Within capacity, and ordinary invitations
// without a capacity, are accepted; the organizer repeated as a CHAIR
// attendee takes no seat.
func TestCapacityOverCalDAV(t *testing.T) {
	e := newEnv(t)
	over := event("yoga", ":20260305T170000Z", ":20260305T180000Z", append([]string{"SUMMARY:Yoga", "X-ROTA-CAPACITY:4"}, attendees(6)...)...)
	r := e.put("yoga.ics", over).must(t, 403, "6 clients on capacity 4")
	r.has(t, "<C:valid-calendar-object-resource/>", "participants: 6 clients exceed the capacity of 4")
	e.do("GET", calPath+"yoga.ics", "").must(t, 404, "refused PUT stored nothing")

	within := event("yoga", ":20260305T170000Z", ":20260305T180000Z", append([]string{"SUMMARY:Yoga", "X-ROTA-CAPACITY:4",
		"ORGANIZER;CN=Coach:mailto:coach@example.com", "ATTENDEE;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:coach@example.com"}, attendees(4)...)...)
	e.put("yoga.ics", within).must(t, 201, "4 clients on capacity 4, organizer as chair")
	e.put("party.ics", event("party", ":20260306T170000Z", ":20260306T220000Z", append([]string{"SUMMARY:Party"}, attendees(12)...)...)).
		must(t, 201, "an invitation without capacity")

	// A series with capacity 4; a phone adds a fifth client to one
	// instance in an override that does not repeat X-ROTA-CAPACITY.
	series := func(n int) string {
		var b strings.Builder
		b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//e2e//EN\r\n")
		b.WriteString("BEGIN:VEVENT\r\nUID:class\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260302T170000Z\r\nDTEND:20260302T180000Z\r\n")
		b.WriteString("RRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Class\r\nX-ROTA-CAPACITY:4\r\n")
		for _, a := range attendees(2) {
			b.WriteString(a + "\r\n")
		}
		b.WriteString("END:VEVENT\r\nBEGIN:VEVENT\r\nUID:class\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:20260309T170000Z\r\n")
		b.WriteString("DTSTART:20260309T170000Z\r\nDTEND:20260309T180000Z\r\nSUMMARY:Class\r\n")
		for _, a := range attendees(n) {
			b.WriteString(a + "\r\n")
		}
		b.WriteString("END:VEVENT\r\nEND:VCALENDAR\r\n")
		return b.String()
	}
	e.put("class.ics", series(4)).must(t, 201, "series within capacity")
	r = e.put("class.ics", series(5)).must(t, 403, "override beyond the master's capacity")
	r.has(t, "instance 2026-03-09T17:00:00Z", "participants: 5 clients exceed the capacity of 4")
	if got := e.do("GET", calPath+"class.ics", "").must(t, 200, "GET class").body; strings.Count(got, "ATTENDEE") != 6 {
		t.Errorf("the refused update changed the stored series:\n%s", got)
	}
}

// availabilityEnv gives alice's calendar "work" (Europe/Berlin) an
// availability: weekdays 09:00-17:00 Berlin, closed on Wednesday 4 March
// 2026 (approved leave).
func availabilityEnv(t *testing.T) (*env, model.Calendar) {
	e := newEnv(t)
	ctx := context.Background()
	c, err := e.store.Calendar(ctx, "alice", "work")
	if err != nil {
		t.Fatal(err)
	}
	av := model.Availability{Name: "work-hours", Owner: "alice", CalendarID: c.ID, TimeZone: "Europe/Berlin",
		Absences: []model.Absence{{From: model.LocalDate{Year: 2026, Month: 3, Day: 4}, To: model.LocalDate{Year: 2026, Month: 3, Day: 4}, Leave: true, State: model.AbsenceApproved, Reason: "dentist"}}}
	for d := time.Monday; d <= time.Friday; d++ {
		av.Rules = append(av.Rules, model.AvailabilityRule{Weekday: d, Intervals: []model.DayInterval{{From: 9 * time.Hour, To: 17 * time.Hour}}})
	}
	if err := e.store.PutAvailability(ctx, &av); err != nil {
		t.Fatal(err)
	}
	return e, c
}

const freeBusyBody = `<?xml version="1.0" encoding="utf-8"?><C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav">` +
	`<C:time-range start="20260302T000000Z" end="20260305T000000Z"/></C:free-busy-query>`

// TestFreeBusyAvailability: free-busy answers BUSY-UNAVAILABLE outside the
// calendar's availability, on leave and during block events, beside the
// BUSY of its events (RFC 7953 section 4).
func TestFreeBusyAvailability(t *testing.T) {
	e, _ := availabilityEnv(t)
	e.put("meet.ics", event("meet", ":20260302T100000Z", ":20260302T110000Z", "SUMMARY:Meeting", "X-ROTA-LAG:PT15M")).must(t, 201, "PUT meeting")
	e.put("block.ics", event("block", ":20260303T100000Z", ":20260303T110000Z", "SUMMARY:Focus", "X-ROTA-KIND:block")).must(t, 201, "PUT block")
	r := e.do("REPORT", calPath, freeBusyBody, "Depth", "1").must(t, 200, "free-busy-query")
	want := []string{
		"FREEBUSY;FBTYPE=BUSY:20260302T100000Z/20260302T111500Z", // with its lag
		"FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260302T000000Z/20260302T080000Z",
		"FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260302T160000Z/20260303T080000Z",
		"FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260303T100000Z/20260303T110000Z",
		"FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260303T160000Z/20260305T000000Z",
	}
	r.has(t, want...)
	if n := strings.Count(r.body, "FBTYPE=BUSY-UNAVAILABLE"); n != 4 {
		t.Errorf("%d BUSY-UNAVAILABLE periods, want 4:\n%s", n, r.body)
	}

	// Without an availability only the events are busy.
	c := model.Calendar{Owner: "alice", Name: "home", Kind: model.CalendarEvents}
	if err := e.store.CreateCalendar(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	e.do("REPORT", "/dav/alice/calendars/home/", freeBusyBody, "Depth", "1").must(t, 200, "free-busy without availability").
		lacks(t, "BUSY-UNAVAILABLE")
}

const availabilityPropfind = `<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
	`<D:prop><C:calendar-availability/></D:prop></D:propfind>`

// TestCalendarAvailabilityProperty: the calendar serves its availability
// as CALDAV:calendar-availability, current with the events that close
// time; a calendar without one answers 404 for it; allprop leaves it out;
// a login linked to a team member finds the member's on its principal.
func TestCalendarAvailabilityProperty(t *testing.T) {
	e, _ := availabilityEnv(t)
	r := e.do("PROPFIND", calPath, availabilityPropfind, "Depth", "0").must(t, 207, "PROPFIND calendar-availability")
	r.has(t, "<C:calendar-availability>BEGIN:VCALENDAR", "BEGIN:VAVAILABILITY", "BUSYTYPE:BUSY-UNAVAILABLE",
		"RRULE:FREQ=WEEKLY;BYDAY=MO", "DTSTART;TZID=Europe/Berlin:20260302T090000", "BEGIN:VTIMEZONE", "SUMMARY:leave (approved): dentist")
	r.lacks(t, "Downtime")

	// A downtime event added later shows up at once as a higher-priority
	// VAVAILABILITY.
	e.put("down.ics", event("down", ":20260310T080000Z", ":20260310T120000Z", "SUMMARY:Downtime", "X-ROTA-KIND:downtime")).must(t, 201, "PUT downtime")
	e.do("PROPFIND", calPath, availabilityPropfind, "Depth", "0").must(t, 207, "PROPFIND again").
		has(t, "SUMMARY:Downtime", "DTSTART;TZID=Europe/Berlin:20260310T090000")

	e.do("PROPFIND", calPath, "", "Depth", "0").must(t, 207, "allprop").lacks(t, "calendar-availability")

	c := model.Calendar{Owner: "alice", Name: "home", Kind: model.CalendarEvents}
	if err := e.store.CreateCalendar(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	r = e.do("PROPFIND", "/dav/alice/calendars/home/", availabilityPropfind, "Depth", "0").must(t, 207, "no availability")
	if !strings.Contains(r.body, "404") || strings.Contains(r.body, "VAVAILABILITY") {
		t.Errorf("a calendar without availability should answer 404 for the property:\n%s", r.body)
	}

	// A person's availability on the principal of their login.
	ctx := context.Background()
	h, _ := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err := e.store.PutUser(ctx, model.User{Name: "john", PasswordHash: h, Person: "john.doe", Created: clock}); err != nil {
		t.Fatal(err)
	}
	pav := model.Availability{Name: "john-hours", Owner: "alice", Person: "john.doe", TimeZone: "UTC",
		Rules: []model.AvailabilityRule{{Weekday: time.Tuesday, Intervals: []model.DayInterval{{From: 8 * time.Hour, To: 12 * time.Hour}}}}}
	if err := e.store.PutAvailability(ctx, &pav); err != nil {
		t.Fatal(err)
	}
	r = e.doAsPassword("john", "pw", "PROPFIND", "/dav/john/", availabilityPropfind, "Depth", "0").must(t, 207, "principal availability")
	r.has(t, "BEGIN:VAVAILABILITY", "RRULE:FREQ=WEEKLY;BYDAY=TU", "DTSTART:20260303T080000Z")
}

// doAsPassword sends one request with the given credentials.
func (e *env) doAsPassword(user, password, method, path, body string, hdr ...string) resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.SetBasicAuth(user, password)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{code: res.StatusCode, hdr: res.Header, body: string(b)}
}

// TestConflictRecorded: a PUT that double-books a team member (buffers
// included) is accepted, recorded with X-ROTA-CONFLICT:TRUE added to the
// clashing component only, and answered without an ETag (RFC 4791 section
// 5.3.4); moving it clear drops the mark. Events holding no team member
// or resource are stored byte for byte with their ETag.
func TestConflictRecorded(t *testing.T) {
	e := newEnv(t)
	a := event("a", ":20260305T100000Z", ":20260305T110000Z", "SUMMARY:A", "X-ROTA-PERSON:anna", "X-ROTA-LAG:PT30M")
	if r := e.put("a.ics", a).must(t, 201, "PUT a"); r.hdr.Get("ETag") == "" {
		t.Errorf("no conflict, yet no ETag")
	}
	b := event("b", ":20260305T111000Z", ":20260305T115000Z", "SUMMARY:B", "X-ROTA-PERSON:anna")
	r := e.put("b.ics", b).must(t, 201, "PUT b clashing with a's lag")
	if r.hdr.Get("ETag") != "" {
		t.Errorf("stored data changed, yet ETag %q", r.hdr.Get("ETag"))
	}
	stored := e.do("GET", calPath+"b.ics", "").must(t, 200, "GET b").body
	if want := strings.Replace(b, "END:VEVENT", "X-ROTA-CONFLICT:TRUE\r\nEND:VEVENT", 1); stored != want {
		t.Errorf("stored b:\n%s\nwant:\n%s", stored, want)
	}
	if got := e.do("GET", calPath+"a.ics", "").body; got != a {
		t.Errorf("a changed:\n%s", got)
	}
	// The client moves b clear, sending back what it fetched.
	moved := strings.Replace(strings.Replace(stored, "20260305T111000Z", "20260305T120000Z", 1), "20260305T115000Z", "20260305T123000Z", 1)
	e.put("b.ics", moved).must(t, 204, "move b clear")
	if got := e.do("GET", calPath+"b.ics", "").body; got != strings.Replace(moved, "X-ROTA-CONFLICT:TRUE\r\n", "", 1) {
		t.Errorf("mark not dropped:\n%s", got)
	}

	// A series of anna's; one instance moved onto a: only the override is marked.
	series := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//e2e//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260302T140000Z\r\nDTEND:20260302T150000Z\r\nRRULE:FREQ=DAILY;COUNT=5\r\nSUMMARY:S\r\nX-ROTA-PERSON:anna\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:s\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:20260305T140000Z\r\nDTSTART:20260305T103000Z\r\nDTEND:20260305T113000Z\r\nSUMMARY:S moved\r\nX-ROTA-PERSON:anna\r\n" +
		"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nDESCRIPTION:x\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	e.put("s.ics", series).must(t, 201, "PUT series")
	got := e.do("GET", calPath+"s.ics", "").body
	if want := strings.Replace(series, "END:VALARM\r\nEND:VEVENT", "END:VALARM\r\nX-ROTA-CONFLICT:TRUE\r\nEND:VEVENT", 1); got != want {
		t.Errorf("stored series:\n%s\nwant:\n%s", got, want)
	}

	// Overlaps without a team member are the user's business.
	x := event("x", ":20260305T100000Z", ":20260305T110000Z", "SUMMARY:X")
	y := event("y", ":20260305T100000Z", ":20260305T110000Z", "SUMMARY:Y", "ATTENDEE:mailto:z@example.com")
	e.put("x.ics", x).must(t, 201, "PUT x")
	if r := e.put("y.ics", y).must(t, 201, "PUT y"); r.hdr.Get("ETag") == "" {
		t.Errorf("plain overlap lost its ETag")
	}
	if got := e.do("GET", calPath+"y.ics", "").body; got != y {
		t.Errorf("plain overlap changed:\n%s", got)
	}
}
