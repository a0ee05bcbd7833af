package caldav

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"rota/model"
	"rota/model/ics"
	"rota/planner"
)

// mayConcernRota reports whether a PUT's data can break a domain rule or
// clash in rota's sense, so that data holding none of what those rules
// read (X-ROTA- properties, RESOURCES, ROOM or RESOURCE attendees, or a
// calendar made for a team member) is not decoded into events a second
// time: a cheap scan with false positives, never false negatives.
func mayConcernRota(data []byte, c *model.Calendar) bool {
	if c.Person != "" {
		return true
	}
	up := bytes.ToUpper(data)
	return bytes.Contains(up, []byte("X-ROTA-")) || bytes.Contains(up, []byte("RESOURCE")) || bytes.Contains(up, []byte("ROOM"))
}

// domainFields are the fields of model.Event.Validate that carry rota's
// own rules (X-ROTA-CAPACITY and the attendees it limits, X-ROTA-LEAD,
// X-ROTA-LAG). A PUT breaking one of them is refused. The other rules
// (an all-day DTEND equal to DTSTART, say) are about plain iCalendar that
// real clients sometimes send and that the codec already accepted: rota
// does not refuse data merely because it would not have written it so.
var domainFields = map[string]bool{
	"participants": true,
	"capacity":     true,
	"lead time":    true,
	"lag time":     true,
}

// validateDomain checks every component of a calendar object (master and
// overrides) against rota's domain rules. The organizer (which Apple and
// others repeat as an ATTENDEE with ROLE=CHAIR) and non-participants are
// not clients and take no seat, as in planner.Book. An override without its own
// X-ROTA-CAPACITY has the master's, as a schedule occurrence does
// (model.ScheduleObjects writes it so), so a phone adding a sixth client
// to one instance of a capacity-4 series is caught.
// evs are ics.Events of the object, left unchanged.
func validateDomain(evs []model.Event) error {
	capacity := 0
	for _, ev := range evs {
		if ev.RecurrenceID.IsZero() {
			capacity = ev.Capacity
			break
		}
	}
	for i := range evs {
		ev := evs[i]
		if !ev.RecurrenceID.IsZero() && ev.Capacity == 0 {
			ev.Capacity = capacity
		}
		ev.Participants = seated(&ev)
		err := ev.Validate()
		var fe *model.FieldError
		if err == nil || !errors.As(err, &fe) || !domainFields[fe.Field] {
			continue
		}
		if !ev.RecurrenceID.IsZero() {
			return fmt.Errorf("instance %s: %w", ev.RecurrenceID.UTC().Format(time.RFC3339), err)
		}
		return err
	}
	return nil
}

// seated returns the participants of ev that take a seat.
func seated(ev *model.Event) []model.Participant {
	out := make([]model.Participant, 0, len(ev.Participants))
	for _, p := range ev.Participants {
		if p.Role == model.RoleChair || p.Role == model.RoleNonParticipant {
			continue
		}
		if ev.Organizer != nil && ev.Organizer.Email != "" && strings.EqualFold(p.Email, ev.Organizer.Email) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// availability returns the availability that governs calendar c: its own,
// else that of the team member it belongs to. ok is false when there is
// none.
func (q *request) availability(ctx context.Context, c *model.Calendar) (model.Availability, bool, error) {
	av, err := q.h.store.AvailabilityFor(ctx, "", c.ID)
	if errors.Is(err, model.ErrNotFound) && c.Person != "" {
		av, err = q.h.store.AvailabilityFor(ctx, c.Person, 0)
	}
	switch {
	case err == nil:
		return av, true, nil
	case errors.Is(err, model.ErrNotFound):
		return av, false, nil
	default:
		return av, false, err
	}
}

// availabilityWindow is the span of holiday, block and downtime events
// folded into a served VAVAILABILITY: a week back (a client showing this
// week) to half a year ahead (what anyone books). Weekly rules and
// absences are served whole, whatever the window.
func availabilityWindow(now time.Time) model.Range {
	return model.Range{From: now.AddDate(0, 0, -7), To: now.AddDate(0, 6, 0)}
}

// availabilityData renders av, with the events that close time, as the
// VCALENDAR of VAVAILABILITY components (RFC 7953) that the
// CALDAV:calendar-availability property carries.
//
// Why a property: RFC 7953 section 7 puts availability in the
// CALDAV:calendar-availability WebDAV property, which is what Apple
// Calendar reads and writes, and which any WebDAV client (python-caldav's
// get_properties, cadaver's propget, curl) can fetch with a PROPFIND. A
// resource inside the calendar collection would instead be synced by every
// client as if it were an event and collide with names clients choose.
// It is served on the calendar collection (the calendar's availability, or
// its team member's) and on the principal of a login linked to a team
// member, and computed on every request, so it is current as rules,
// holidays and events change. It is never part of allprop.
func (q *request) availabilityData(ctx context.Context, av model.Availability) ([]byte, error) {
	now := q.h.now()
	cur, err := planner.CurrentAvailability(ctx, q.h.store, av, availabilityWindow(now))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := ics.EncodeAvailability(&b, &cur, now, now); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// availabilityProp serves CALDAV:calendar-availability for av.
func (q *request) availabilityProp(av model.Availability) (propVal, bool) {
	data, err := q.availabilityData(q.r.Context(), av)
	if err != nil {
		q.h.log.Error("caldav: calendar-availability", "availability", av.Name, "err", err)
		return propVal{}, false
	}
	var b bytes.Buffer
	escapeBytes(&b, data)
	return propVal{name: pAvailability, value: b.String()}, true
}

// maxAvailabilitySpan bounds the part of a free-busy range that the
// availability is laid over (Availability.Open works day by day).
const maxAvailabilitySpan = 2 * 366 * 24 * time.Hour

// unavailable returns the periods within r when calendar c's availability
// is closed (outside its rules, during holidays, leave, blocks and
// holiday, block and downtime events), as free slots see them: the
// BUSY-UNAVAILABLE of a free-busy answer (RFC 7953 section 4). None when
// the calendar has no availability. An open end of r is bounded.
func (q *request) unavailable(ctx context.Context, c *model.Calendar, r model.Range) ([]period, error) {
	av, ok, err := q.availability(ctx, c)
	if err != nil || !ok {
		return nil, err
	}
	switch {
	case r.From.IsZero() && r.To.IsZero():
		now := q.h.now()
		r = model.Range{From: now, To: now.Add(maxAvailabilitySpan)}
	case r.From.IsZero():
		r.From = r.To.Add(-maxAvailabilitySpan)
	case r.To.IsZero() || r.To.Sub(r.From) > maxAvailabilitySpan:
		r.To = r.From.Add(maxAvailabilitySpan)
	}
	cur, err := planner.CurrentAvailability(ctx, q.h.store, av, r)
	if err != nil {
		return nil, err
	}
	var out []period
	at := r.From
	for _, o := range cur.Open(r) {
		if o.From.After(at) {
			out = append(out, period{at.UTC(), o.From.UTC()})
		}
		if o.To.After(at) {
			at = o.To
		}
	}
	if r.To.After(at) {
		out = append(out, period{at.UTC(), r.To.UTC()})
	}
	return out, nil
}

// markConflicts records on each component of a PUT object whether it
// clashes with what is stored (planner.Check: the same person or resource,
// lead and lag buffers included), as X-ROTA-CONFLICT:TRUE, and drops a
// stale mark when it no longer clashes. The PUT is accepted either way: a
// client cannot override a refusal.
//
// The client's bytes are touched only when a mark changes, and then only
// by adding or removing that one line in the component concerned (no
// re-encoding, no SEQUENCE bump, which would read as a significant change
// to attendees); the PUT then answers without an ETag (RFC 4791 section
// 5.3.4), so the client fetches the stored version. Only events that hold
// a team member or a resource are checked (X-ROTA-PERSON, a calendar made
// for a person, X-ROTA-RESOURCES, ROOM or RESOURCE attendees): ordinary
// calendars, where overlapping meetings are the user's business, cost
// nothing. A recurring master is checked at its first instance; moved
// instances are overrides and are checked where they now are.
// It returns the conflicts found.
// evs are ics.Events of obj.Data.
func (q *request) markConflicts(ctx context.Context, obj *model.Object, evs []model.Event) ([]model.Conflict, error) {
	if obj.Component != "" && obj.Component != "VEVENT" || len(evs) == 0 {
		return nil, nil
	}
	floating := time.UTC
	if q.cal.TimeZone != "" {
		if z, err := model.LoadZone(q.cal.TimeZone); err == nil {
			floating = z
		}
	}
	var found []model.Conflict
	want := make([]bool, len(evs))
	change := false
	for i := range evs {
		ev := evs[i]
		if ev.Person == "" {
			ev.Person = q.cal.Person
		}
		if !holdsSomeone(&ev) || ev.Start.IsZero() {
			want[i] = false
		} else {
			end := ev.End
			if end.IsZero() {
				end = ev.Start
				if ev.AllDay {
					end = ev.Start.AddDate(0, 0, 1)
				}
			}
			cs, err := planner.Check(ctx, q.h.store, &ev, ev.Start, end, floating)
			if err != nil {
				return nil, err
			}
			found = append(found, cs...)
			want[i] = len(cs) > 0
		}
		if want[i] != evs[i].Conflict {
			change = true
		}
	}
	if change {
		// obj.Data may be the client's bytes with its components in
		// another order than evs: match them up by RECURRENCE-ID.
		byRID := make(map[int64]bool, len(evs))
		for i := range evs {
			byRID[evs[i].RecurrenceID.Unix()] = want[i]
		}
		order, err := ics.Events(obj.Data)
		if err != nil || len(order) != len(evs) {
			return found, nil
		}
		want = make([]bool, len(order))
		for i := range order {
			want[i] = byRID[order[i].RecurrenceID.Unix()]
		}
		data, ok := setConflictMarks(obj.Data, want)
		if !ok {
			return found, nil // layout not understood: store what the client sent
		}
		obj.Data = data
	}
	return found, nil
}

// holdsSomeone reports whether ev can clash in rota's sense.
func holdsSomeone(ev *model.Event) bool {
	if ev.Person != "" || len(ev.Resources) > 0 {
		return true
	}
	for _, p := range ev.Participants {
		if p.Type == model.TypeRoom || p.Type == model.TypeResource {
			return true
		}
	}
	return false
}

// setConflictMarks rewrites the X-ROTA-CONFLICT line of each top-level
// VEVENT, VTODO or VJOURNAL of data: want is indexed like ics.Events (the
// order of the document, the master swapped to the front). Other lines are
// left exactly as they are. ok is false when the components cannot be
// matched up.
func setConflictMarks(data []byte, want []bool) ([]byte, bool) {
	nl := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		nl = "\r\n"
	}
	lines := strings.Split(string(data), "\n")
	type block struct {
		end    int // index of the component's END line
		hasRID bool
		marks  []int // own-level X-ROTA-CONFLICT lines
	}
	var blocks []*block
	var cur *block
	depth := 0
	for i, raw := range lines {
		l := strings.TrimSuffix(raw, "\r")
		if l == "" || l[0] == ' ' || l[0] == '\t' {
			continue
		}
		name := strings.ToUpper(l)
		if j := strings.IndexAny(name, ";:"); j >= 0 {
			name = name[:j]
		}
		value := ""
		if j := strings.IndexByte(l, ':'); j >= 0 {
			value = strings.ToUpper(strings.TrimSpace(l[j+1:]))
		}
		switch name {
		case "BEGIN":
			depth++
			if depth == 2 && (value == "VEVENT" || value == "VTODO" || value == "VJOURNAL") {
				cur = &block{}
				blocks = append(blocks, cur)
			}
			continue
		case "END":
			if depth == 2 && cur != nil {
				cur.end = i
				cur = nil
			}
			depth--
			continue
		}
		if depth == 2 && cur != nil {
			switch name {
			case "RECURRENCE-ID":
				cur.hasRID = true
			case "X-ROTA-CONFLICT":
				cur.marks = append(cur.marks, i)
			}
		}
	}
	if len(blocks) != len(want) || cur != nil {
		return nil, false
	}
	for i, b := range blocks {
		if !b.hasRID && i > 0 {
			blocks[0], blocks[i] = blocks[i], blocks[0]
			break
		}
	}
	drop := map[int]bool{}
	insert := map[int]bool{}
	for i, b := range blocks {
		for _, m := range b.marks {
			drop[m] = true
			for k := m + 1; k < len(lines) && len(lines[k]) > 0 && (lines[k][0] == ' ' || lines[k][0] == '\t'); k++ {
				drop[k] = true
			}
		}
		if want[i] {
			insert[b.end] = true
		}
	}
	var out strings.Builder
	out.Grow(len(data) + 32)
	for i, raw := range lines {
		if insert[i] {
			out.WriteString("X-ROTA-CONFLICT:TRUE" + nl)
		}
		if drop[i] {
			continue
		}
		out.WriteString(raw)
		if i < len(lines)-1 {
			out.WriteString("\n")
		}
	}
	return []byte(out.String()), true
}
