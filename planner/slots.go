package planner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"rota/model"
	"rota/model/ics"
)

// SlotStore is what free slots and conflicts need besides Store.
type SlotStore interface {
	Store
	AvailabilityFor(ctx context.Context, person string, calID int64) (model.Availability, error)
	Resources(ctx context.Context) ([]model.Resource, error)
}

// SlotQuery asks for the free slots of a calendar (its events take seats)
// or of a person (every event that holds them blocks).
type SlotQuery struct {
	Calendar *model.Calendar // nil for a person's slots
	Person   string          // the person; with a calendar, its Person is used
	Range    model.Range
	Zone     *time.Location // dates of the answer; nil = the availability's zone
	Settings model.SlotSettings
	Now      time.Time
}

// FreeSlots computes the free slots of q, grouped by date, from the
// availability of the calendar or person (none: always open), the busy
// events overlapping the range (OPAQUE, not cancelled, with their lead and
// lag), and the resources the settings need.
func FreeSlots(ctx context.Context, st SlotStore, q SlotQuery) ([]model.DaySlots, error) {
	req := model.SlotRequest{Range: q.Range, Zone: q.Zone, Now: q.Now}
	q.Settings.Apply(&req)
	person := q.Person
	if q.Calendar != nil && q.Calendar.Person != "" {
		person = q.Calendar.Person
	}
	var av model.Availability
	var err error
	if q.Calendar != nil {
		av, err = st.AvailabilityFor(ctx, "", q.Calendar.ID)
		if errors.Is(err, model.ErrNotFound) && person != "" {
			av, err = st.AvailabilityFor(ctx, person, 0)
		}
	} else {
		av, err = st.AvailabilityFor(ctx, person, 0)
	}
	switch {
	case err == nil:
		req.Availability = &av
	case !errors.Is(err, model.ErrNotFound):
		return nil, fmt.Errorf("planner: free slots: %w", err)
	}
	floating := req.Zone
	if floating == nil && req.Availability != nil {
		floating = req.Availability.Location()
	}
	// Busy time can start before the range and still reach into it with
	// its lag; a day on each side covers any sane buffer.
	wide := model.Range{From: q.Range.From.Add(-24 * time.Hour), To: q.Range.To.Add(24 * time.Hour)}
	bookings, err := collect(ctx, st, wide, floating)
	if err != nil {
		return nil, fmt.Errorf("planner: free slots: %w", err)
	}
	for _, b := range bookings {
		mine := q.Calendar != nil && b.calID == q.Calendar.ID
		holds := person != "" && (b.calPerson == person || involves(b.Booking, person))
		if !mine && !holds {
			continue
		}
		// Appointments of the calendar take seats; its holidays, blocks
		// and downtime close the time outright.
		seat := mine && b.kind != model.KindHoliday && b.kind != model.KindBlock && b.kind != model.KindDowntime
		req.Busy = append(req.Busy, model.Busy{Start: b.Start, End: b.End, Lead: b.Lead, Lag: b.Lag, Booking: seat, Resources: b.Resources})
	}
	if len(q.Settings.Resources) > 0 {
		all, err := st.Resources(ctx)
		if err != nil {
			return nil, fmt.Errorf("planner: free slots: %w", err)
		}
		for _, name := range q.Settings.Resources {
			found := false
			for _, r := range all {
				if r.Name == name {
					req.Resources, found = append(req.Resources, r), true
				}
			}
			if !found {
				return nil, fmt.Errorf("planner: free slots: resource %q: %w", name, model.ErrNotFound)
			}
		}
		// Other calendars' use of those resources counts too.
		for _, b := range bookings {
			if q.Calendar != nil && b.calID == q.Calendar.ID {
				continue
			}
			for _, r := range req.Resources {
				if contains(b.Resources, r.Name) && !(person != "" && (b.calPerson == person || involves(b.Booking, person))) {
					req.Busy = append(req.Busy, model.Busy{Start: b.Start, End: b.End, Lead: b.Lead, Lag: b.Lag, Booking: true, Resources: []string{r.Name}})
				}
			}
		}
	}
	days, err := model.FreeSlots(req)
	if err != nil {
		return nil, fmt.Errorf("planner: free slots: %w", err)
	}
	return days, nil
}

func involves(b model.Booking, person string) bool { return contains(b.People, person) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// booking is a model.Booking with where it came from.
type booking struct {
	model.Booking
	calID     int64
	calPerson string
	kind      model.EventKind
}

// collect reads every instance overlapping r in every calendar as a
// booking, decoding each object once. Free and cancelled instances and
// tasks are left out.
func collect(ctx context.Context, st Store, r model.Range, floating *time.Location) ([]booking, error) {
	cals, err := st.Calendars(ctx, "")
	if err != nil {
		return nil, err
	}
	person := map[int64]string{}
	var ids []int64
	for _, c := range cals {
		if c.Kind == model.CalendarTimesheet || c.Kind == model.CalendarTasks {
			continue
		}
		person[c.ID] = c.Person
		ids = append(ids, c.ID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	insts, err := st.Instances(ctx, ids, r, floating)
	if err != nil {
		return nil, err
	}
	type key struct {
		cal  int64
		name string
	}
	names := map[int64][]string{}
	seen := map[key]bool{}
	for _, in := range insts {
		k := key{in.CalendarID, in.ObjectName}
		if !seen[k] {
			seen[k] = true
			names[in.CalendarID] = append(names[in.CalendarID], in.ObjectName)
		}
	}
	events := map[key][]model.Event{}
	for cal, ns := range names {
		objs, err := st.ObjectsByName(ctx, cal, ns)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			if o.Component != "" && o.Component != "VEVENT" {
				continue
			}
			evs, err := ics.Events(o.Data)
			if err != nil {
				continue
			}
			events[key{cal, o.Name}] = evs
		}
	}
	var out []booking
	for _, in := range insts {
		evs := events[key{in.CalendarID, in.ObjectName}]
		if len(evs) == 0 {
			continue
		}
		ev := model.InstanceEvent(evs, in.RecurrenceID)
		b, ok := model.BookingFromEvent(&ev, in.Start, in.End)
		if !ok {
			continue
		}
		b.UID = in.UID
		out = append(out, booking{Booking: b, calID: in.CalendarID, calPerson: person[in.CalendarID], kind: ev.Kind})
	}
	return out, nil
}

// Conflicts finds every conflict among the events overlapping r in all
// calendars: people booked twice and resources over-used, buffers
// included.
func Conflicts(ctx context.Context, st SlotStore, r model.Range, floating *time.Location) ([]model.Conflict, error) {
	bs, err := collect(ctx, st, r, floating)
	if err != nil {
		return nil, fmt.Errorf("planner: conflicts: %w", err)
	}
	res, err := resourceMap(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("planner: conflicts: %w", err)
	}
	list := make([]model.Booking, len(bs))
	for i, b := range bs {
		list[i] = b.Booking
	}
	return model.FindConflicts(list, res), nil
}

// Check returns the conflicts an event (one instance from start to end)
// would have with what is stored; booking commands refuse it unless told
// to override, and then mark the event (Event.Conflict).
func Check(ctx context.Context, st SlotStore, ev *model.Event, start, end time.Time, floating *time.Location) ([]model.Conflict, error) {
	b, ok := model.BookingFromEvent(ev, start, end)
	if !ok {
		return nil, nil
	}
	bs, err := collect(ctx, st, model.Range{From: b.Start.Add(-b.Lead - 24*time.Hour), To: b.End.Add(b.Lag + 24*time.Hour)}, floating)
	if err != nil {
		return nil, fmt.Errorf("planner: check %q: %w", ev.Title, err)
	}
	res, err := resourceMap(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("planner: check %q: %w", ev.Title, err)
	}
	var others []model.Booking
	for _, o := range bs {
		if o.UID != ev.UID {
			others = append(others, o.Booking)
		}
	}
	return model.ConflictsWith(b, others, res), nil
}

func resourceMap(ctx context.Context, st SlotStore) (map[string]model.Resource, error) {
	rs, err := st.Resources(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]model.Resource, len(rs))
	for _, r := range rs {
		m[r.Name] = r
	}
	return m, nil
}

// CurrentAvailability returns a with the holiday, block and downtime
// events overlapping r added as blocks: those of the availability's
// calendar, and for a person's availability those that hold the person or
// sit in their calendars. This is what a VAVAILABILITY served for a should
// say, kept current as events change.
func CurrentAvailability(ctx context.Context, st Store, a model.Availability, r model.Range) (model.Availability, error) {
	cals, err := st.Calendars(ctx, "")
	if err != nil {
		return a, fmt.Errorf("planner: availability %q: %w", a.Name, err)
	}
	var ids []int64
	for _, c := range cals {
		if c.ID == a.CalendarID || a.Person != "" && c.Kind != model.CalendarTimesheet && c.Kind != model.CalendarTasks {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return a, nil
	}
	calPerson := map[int64]string{}
	for _, c := range cals {
		calPerson[c.ID] = c.Person
	}
	insts, err := st.Instances(ctx, ids, r, a.Location())
	if err != nil {
		return a, fmt.Errorf("planner: availability %q: %w", a.Name, err)
	}
	cache := map[string][]model.Event{}
	a.Blocks = append([]model.Block(nil), a.Blocks...)
	for _, in := range insts {
		k := fmt.Sprint(in.CalendarID, "/", in.ObjectName)
		evs, ok := cache[k]
		if !ok {
			objs, err := st.ObjectsByName(ctx, in.CalendarID, []string{in.ObjectName})
			if err == nil && len(objs) == 1 {
				evs, _ = ics.Events(objs[0].Data)
			}
			cache[k] = evs
		}
		if len(evs) == 0 {
			continue
		}
		ev := model.InstanceEvent(evs, in.RecurrenceID)
		if ev.Kind != model.KindHoliday && ev.Kind != model.KindBlock && ev.Kind != model.KindDowntime {
			continue
		}
		b, ok := model.BookingFromEvent(&ev, in.Start, in.End)
		if !ok {
			continue
		}
		if in.CalendarID != a.CalendarID && calPerson[in.CalendarID] != a.Person && !involves(b, a.Person) {
			continue
		}
		a.Blocks = append(a.Blocks, model.Block{Start: in.Start, End: in.End, Title: ev.Title, Kind: ev.Kind})
	}
	return a, nil
}
