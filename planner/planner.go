// Package planner puts the schedule rules of package model to work over a
// store: it writes a schedule's occurrences into its calendar as recurring
// VEVENTs (through model/ics, so CalDAV serves them and a phone's edits
// come back as hand changes), regenerates them, books clients within
// capacity, computes free slots from availability and busy events, and
// finds conflicts. The TUI and the CLI both call it; it declares the few
// store methods it needs as its own interface.
package planner

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"rota/model"
	"rota/model/ics"
)

// Store is what the planner needs of a store (store/sqlite has it all).
type Store interface {
	CalendarByID(ctx context.Context, id int64) (model.Calendar, error)
	Calendars(ctx context.Context, owner string) ([]model.Calendar, error)
	ListObjects(ctx context.Context, calID int64, withData bool) ([]model.Object, error)
	ObjectsByName(ctx context.Context, calID int64, names []string) ([]model.Object, error)
	PutObject(ctx context.Context, o *model.Object, cond model.Condition) (created bool, err error)
	DeleteObject(ctx context.Context, calID int64, name string, cond model.Condition) error
	Instances(ctx context.Context, calIDs []int64, r model.Range, floating *time.Location) ([]model.Instance, error)
}

// scheduleObject is one stored object of a schedule with its events.
type scheduleObject struct {
	obj    model.Object
	events []model.Event
}

// objects returns the stored objects of schedule s, keyed by UID.
func objects(ctx context.Context, st Store, s *model.Schedule) (map[string]scheduleObject, error) {
	objs, err := st.ListObjects(ctx, s.CalendarID, true)
	if err != nil {
		return nil, err
	}
	out := map[string]scheduleObject{}
	for _, o := range objs {
		if o.Component != "" && o.Component != "VEVENT" {
			continue
		}
		evs, err := ics.Events(o.Data)
		if err != nil || len(evs) == 0 {
			continue // not ours to judge; other doors report bad data
		}
		id, _, err := model.ParseScheduleTag(master(evs).ScheduleID)
		if err != nil || id != s.ID {
			continue
		}
		out[o.UID] = scheduleObject{obj: o, events: evs}
	}
	return out, nil
}

func master(evs []model.Event) model.Event {
	for _, e := range evs {
		if e.RecurrenceID.IsZero() {
			return e
		}
	}
	return evs[0]
}

// Occurrences reads the occurrences of s from its calendar, with their
// state and the fields changed by hand.
func Occurrences(ctx context.Context, st Store, s *model.Schedule) ([]model.ScheduleOccurrence, error) {
	objs, err := objects(ctx, st, s)
	if err != nil {
		return nil, fmt.Errorf("planner: occurrences of %q: %w", s.Name, err)
	}
	return occurrencesOf(s, objs)
}

func occurrencesOf(s *model.Schedule, objs map[string]scheduleObject) ([]model.ScheduleOccurrence, error) {
	var evs [][]model.Event
	for _, o := range objs {
		evs = append(evs, o.events)
	}
	occs, err := model.ScheduleOccurrences(s, evs)
	if err != nil {
		return nil, fmt.Errorf("planner: occurrences of %q: %w", s.Name, err)
	}
	return occs, nil
}

// Plan is what Regenerate did or would do.
type Plan struct {
	model.RegenPlan
	Written []string // UIDs of objects written
	Removed []string // UIDs of objects deleted
}

// Regenerate plans the occurrences of s (as edited) against what its
// calendar holds, and unless dryRun writes the result: objects are
// rewritten only where they change, each with If-Match on the ETag read,
// so an edit that lands meanwhile makes the write fail with
// model.ErrConflict instead of being lost. now is the line before which
// nothing is rewritten; force overwrites hand changes.
func Regenerate(ctx context.Context, st Store, s *model.Schedule, now time.Time, force, dryRun bool) (Plan, error) {
	objs, err := objects(ctx, st, s)
	if err != nil {
		return Plan{}, fmt.Errorf("planner: regenerate %q: %w", s.Name, err)
	}
	existing, err := occurrencesOf(s, objs)
	if err != nil {
		return Plan{}, err
	}
	rp, err := model.Regenerate(s, existing, now, force)
	if err != nil {
		return Plan{}, fmt.Errorf("planner: regenerate %q: %w", s.Name, err)
	}
	p := Plan{RegenPlan: rp}
	if dryRun {
		return p, nil
	}
	if err := write(ctx, st, s, objs, rp.Result(), &p); err != nil {
		return p, fmt.Errorf("planner: regenerate %q: %w", s.Name, err)
	}
	return p, nil
}

// write lays occs out as objects and stores those that differ.
func write(ctx context.Context, st Store, s *model.Schedule, objs map[string]scheduleObject, occs []model.ScheduleOccurrence, p *Plan) error {
	want, err := model.ScheduleObjects(s, occs)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, w := range want {
		keep[w.UID] = true
		old, exists := objs[w.UID]
		var o model.Object
		if exists {
			o, err = rewrite(s, old, w)
		} else {
			o, err = build(w)
		}
		if err != nil {
			return fmt.Errorf("object %s: %w", w.UID, err)
		}
		if exists {
			same, err := sameOccurrences(s, old.events, o.Data)
			if err != nil {
				return fmt.Errorf("object %s: %w", w.UID, err)
			}
			if same {
				continue
			}
		}
		o.CalendarID = s.CalendarID
		cond := model.Condition{IfNoneMatch: true}
		if exists {
			o.Name = old.obj.Name
			cond = model.Condition{IfMatch: old.obj.ETag}
		} else {
			o.Name = ics.ObjectName(w.UID)
		}
		if _, err := st.PutObject(ctx, &o, cond); err != nil {
			return fmt.Errorf("write %s: %w", o.Name, err)
		}
		p.Written = append(p.Written, w.UID)
	}
	for uid, old := range objs {
		if keep[uid] {
			continue
		}
		if err := st.DeleteObject(ctx, s.CalendarID, old.obj.Name, model.Condition{IfMatch: old.obj.ETag}); err != nil {
			return fmt.Errorf("delete %s: %w", old.obj.Name, err)
		}
		p.Removed = append(p.Removed, uid)
	}
	return nil
}

// build encodes a new object: the master, then each override.
func build(w model.ScheduleObject) (model.Object, error) {
	o, err := ics.New(w.Master)
	if err != nil {
		return o, err
	}
	for _, ov := range w.Overrides {
		if o, err = ics.Apply(o.Data, ov); err != nil {
			return o, err
		}
	}
	return o, nil
}

// rewrite applies the wanted master and overrides to the stored data, so
// what rota does not model (a phone's X- properties, alarms) survives. An
// override no longer wanted is reset to the planned instance.
func rewrite(s *model.Schedule, old scheduleObject, w model.ScheduleObject) (model.Object, error) {
	o, err := ics.Apply(old.obj.Data, w.Master)
	if err != nil {
		return o, err
	}
	wanted := map[int64]bool{}
	for _, ov := range w.Overrides {
		wanted[ov.RecurrenceID.Unix()] = true
		if o, err = ics.Apply(o.Data, ov); err != nil {
			return o, err
		}
	}
	for _, ev := range old.events {
		if ev.RecurrenceID.IsZero() || wanted[ev.RecurrenceID.Unix()] {
			continue
		}
		if !w.Covers(ev.RecurrenceID) {
			// The instance left this object (its plan changed): an override
			// kept here would show up as an extra instance.
			if o, err = ics.RemoveInstance(o.Data, ev.RecurrenceID); err != nil {
				return o, err
			}
			continue
		}
		reset := w.Master
		reset.Recurrence = nil
		reset.RecurrenceID = ev.RecurrenceID
		reset.Start = ev.RecurrenceID
		reset.End = ev.RecurrenceID.Add(w.Master.End.Sub(w.Master.Start))
		if o, err = ics.Apply(o.Data, reset); err != nil {
			return o, err
		}
	}
	return o, nil
}

func sameOccurrences(s *model.Schedule, old []model.Event, data []byte) (bool, error) {
	evs, err := ics.Events(data)
	if err != nil {
		return false, err
	}
	a, err := model.ScheduleOccurrences(s, [][]model.Event{old})
	if err != nil {
		return false, err
	}
	b, err := model.ScheduleOccurrences(s, [][]model.Event{evs})
	if err != nil {
		return false, err
	}
	if len(a) != len(b) {
		return false, nil
	}
	for i := range a {
		x, y := a[i], b[i]
		if !x.Planned.Start.Equal(y.Planned.Start) || !x.Actual.Start.Equal(y.Actual.Start) || x.Deleted != y.Deleted ||
			model.Compare(x.Planned, y.Planned).Any() || model.Compare(x.Actual, y.Actual).Any() ||
			x.Capacity != y.Capacity || x.Title != y.Title || !reflect.DeepEqual(len(x.Clients), len(y.Clients)) {
			return false, nil
		}
	}
	return true, nil
}

// Book adds clients to the occurrence of s on day, refusing to go beyond
// its capacity (model.ErrInvalid, naming the places left). The clients
// land on the instance as attendees of a RECURRENCE-ID override, written
// with If-Match.
func Book(ctx context.Context, st Store, s *model.Schedule, day model.LocalDate, clients ...model.Participant) (model.ScheduleOccurrence, error) {
	objs, err := objects(ctx, st, s)
	if err != nil {
		return model.ScheduleOccurrence{}, fmt.Errorf("planner: book %s on %s: %w", s.Name, day, err)
	}
	occs, err := occurrencesOf(s, objs)
	if err != nil {
		return model.ScheduleOccurrence{}, err
	}
	for _, o := range occs {
		if o.Date != day {
			continue
		}
		for i := range clients {
			if clients[i].Type == "" {
				clients[i].Type = model.TypeIndividual
			}
			if clients[i].Status == "" {
				clients[i].Status = model.InviteAccepted
			}
		}
		if err := o.Book(clients...); err != nil {
			return o, fmt.Errorf("planner: book %s: %w", s.Name, err)
		}
		old := objs[o.UID]
		var ov model.Event
		for _, ev := range old.events {
			if ev.RecurrenceID.Equal(o.RecurrenceID) {
				ov = ev
			}
		}
		if ov.UID == "" {
			ov = master(old.events)
			ov.Recurrence = nil
			ov.RecurrenceID = o.RecurrenceID
			ov.Start = o.Actual.Start
			ov.End = o.End()
		}
		ov.Participants = append(withoutClients(ov.Participants), o.Clients...)
		nobj, err := ics.Apply(old.obj.Data, ov)
		if err != nil {
			return o, fmt.Errorf("planner: book %s: %w", s.Name, err)
		}
		nobj.CalendarID, nobj.Name = s.CalendarID, old.obj.Name
		if _, err := st.PutObject(ctx, &nobj, model.Condition{IfMatch: old.obj.ETag}); err != nil {
			return o, fmt.Errorf("planner: book %s: %w", s.Name, err)
		}
		return o, nil
	}
	return model.ScheduleOccurrence{}, fmt.Errorf("planner: book %s: no occurrence on %s: %w", s.Name, day, model.ErrNotFound)
}

func withoutClients(ps []model.Participant) []model.Participant {
	var out []model.Participant
	for _, p := range ps {
		if p.Type != model.TypeIndividual && p.Type != "" || p.Role == model.RoleChair {
			out = append(out, p)
		}
	}
	return out
}

// Delete removes every object of schedule s from its calendar.
func Delete(ctx context.Context, st Store, s *model.Schedule) (int, error) {
	objs, err := objects(ctx, st, s)
	if err != nil {
		return 0, fmt.Errorf("planner: delete %q: %w", s.Name, err)
	}
	n := 0
	for _, o := range objs {
		if err := st.DeleteObject(ctx, s.CalendarID, o.obj.Name, model.Condition{IfMatch: o.obj.ETag}); err != nil {
			return n, fmt.Errorf("planner: delete %q: %w", s.Name, err)
		}
		n++
	}
	return n, nil
}
