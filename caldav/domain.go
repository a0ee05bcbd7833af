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
func validateDomain(data []byte) error {
	evs, err := ics.Events(data)
	if err != nil || len(evs) == 0 {
		return nil // the codec accepted the object; nothing rota models to judge
	}
	capacity := 0
	for _, ev := range evs {
		if ev.RecurrenceID.IsZero() {
			capacity = ev.Capacity
			break
		}
	}
	for i := range evs {
		ev := &evs[i]
		if !ev.RecurrenceID.IsZero() && ev.Capacity == 0 {
			ev.Capacity = capacity
		}
		ev.Participants = seated(ev)
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
