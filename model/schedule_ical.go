package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A schedule lives in its calendar as ordinary recurring events, so CalDAV
// serves it and a phone shows it: the occurrences of one weekday series
// planned alike are one object, a master VEVENT with
// RRULE:FREQ=WEEKLY;BYDAY=..;UNTIL=.. and X-ROTA-SCHEDULE, EXDATEs for
// deleted occurrences and RECURRENCE-ID overrides for occurrences changed
// by hand (from the TUI or a phone) or with clients of their own. Reading
// the objects back and comparing each override with the planned instance
// gives the occurrences, their state and which fields were changed.

// ScheduleObject is the events of one calendar object of a schedule: the
// master and its overrides.
type ScheduleObject struct {
	UID       string
	Master    Event
	Overrides []Event
}

// ScheduleObjects lays occurrences out as calendar objects, one per weekday
// and plan, sorted by UID.
func ScheduleObjects(s *Schedule, occs []ScheduleOccurrence) ([]ScheduleObject, error) {
	loc, err := LoadZone(s.TimeZone)
	if err != nil {
		return nil, Invalid("time zone", "%v", err)
	}
	groups := map[string][]ScheduleOccurrence{}
	var order []string
	for _, o := range occs {
		uid := ScheduleUID(s.ID, o, s.TimeZone)
		if _, ok := groups[uid]; !ok {
			order = append(order, uid)
		}
		groups[uid] = append(groups[uid], o)
	}
	slices.Sort(order)
	out := make([]ScheduleObject, 0, len(order))
	for _, uid := range order {
		g := groups[uid]
		SortOccurrences(g)
		first, last := g[0], g[len(g)-1]
		master := s.occurrenceEvent(uid, first, first.Planned, loc)
		if s.AddClients {
			master.Participants = slices.Clone(s.Template.Clients)
		}
		master.Recurrence = &Recurrence{RRule: fmt.Sprintf("FREQ=WEEKLY;BYDAY=%s;UNTIL=%s",
			WeekdayICal(first.Weekday), last.Planned.Start.UTC().Format("20060102T150405Z"))}
		present := map[LocalDate]ScheduleOccurrence{}
		for _, o := range g {
			present[o.Date] = o
		}
		obj := ScheduleObject{UID: uid}
		clock := clockOf(first.Planned.Start.In(loc))
		for d := first.Date; !last.Date.Before(d); d = d.AddDays(7) {
			o, ok := present[d]
			if !ok || o.Deleted {
				master.Recurrence.ExDates = append(master.Recurrence.ExDates, dateAt(d, clock, loc))
				continue
			}
			if Compare(o.Planned, o.Actual).Any() || !sameClients(o.Clients, master.Participants) {
				ov := s.occurrenceEvent(uid, o, o.Actual, loc)
				ov.RecurrenceID = o.Planned.Start.In(loc)
				ov.Participants = slices.Clone(o.Clients)
				obj.Overrides = append(obj.Overrides, ov)
			}
		}
		obj.Master = master
		out = append(out, obj)
	}
	return out, nil
}

func (s *Schedule) occurrenceEvent(uid string, o ScheduleOccurrence, v OccurrenceValues, loc *time.Location) Event {
	ev := Event{
		UID:         uid,
		Kind:        KindAppointment,
		Component:   "VEVENT",
		Title:       o.Title,
		Description: s.Template.Description,
		Location:    s.Template.Location,
		Start:       v.Start.In(loc),
		End:         v.Start.In(loc).Add(v.Duration),
		TZID:        s.TimeZone,
		Status:      StatusConfirmed,
		Person:      v.Person,
		Organizer:   &Participant{Name: v.Person, Email: v.Person + "@rota.invalid", Type: TypeIndividual, Role: RoleChair},
		Labels:      slices.Clone(v.Labels),
		Resources:   slices.Clone(v.Resources),
		Capacity:    o.Capacity,
		LagTime:     o.Break,
		ScheduleID:  ScheduleTag(s.ID, o.Weekday),
	}
	if ev.TZID == "UTC" {
		ev.TZID = ""
	}
	return ev
}

func sameClients(a, b []Participant) bool {
	key := func(ps []Participant) []string {
		var out []string
		for _, p := range ps {
			out = append(out, strings.ToLower(p.Email+"|"+p.Name))
		}
		return out
	}
	return sameSet(key(a), key(b))
}

// ScheduleOccurrences reads a schedule's occurrences back from the events
// of its calendar objects (each slice: a master first, then its overrides,
// as the codec returns them). Objects without an X-ROTA-SCHEDULE of s are
// skipped. Each occurrence gets its Changed fields from comparing the
// override with the planned instance, and the state stable, or
// entity_deleted for an EXDATE or a cancelled override.
func ScheduleOccurrences(s *Schedule, objects [][]Event) ([]ScheduleOccurrence, error) {
	loc, err := LoadZone(s.TimeZone)
	if err != nil {
		return nil, Invalid("time zone", "%v", err)
	}
	var out []ScheduleOccurrence
	for _, evs := range objects {
		if len(evs) == 0 {
			continue
		}
		master := evs[0]
		for _, e := range evs {
			if e.RecurrenceID.IsZero() {
				master = e
			}
		}
		id, wd, err := ParseScheduleTag(master.ScheduleID)
		if err != nil || id != s.ID || master.Start.IsZero() {
			continue
		}
		overrides := map[int64]Event{}
		for _, e := range evs {
			if !e.RecurrenceID.IsZero() {
				overrides[e.RecurrenceID.Unix()] = e
			}
		}
		start := master.Start.In(loc)
		clock := clockOf(start)
		until, count := start, 1
		if master.Recurrence != nil {
			until, count = ruleEnd(master.Recurrence.RRule, start)
		}
		exdates := map[int64]bool{}
		if master.Recurrence != nil {
			for _, x := range master.Recurrence.ExDates {
				exdates[x.Unix()] = true
			}
		}
		planned := eventValues(&master, loc)
		for d, n := DateOf(start), 0; n < count; d, n = d.AddDays(7), n+1 {
			at := dateAt(d, clock, loc)
			if at.After(until) {
				break
			}
			o := ScheduleOccurrence{
				ScheduleID:   s.ID,
				Weekday:      wd,
				Date:         d,
				Title:        master.Title,
				Capacity:     master.Capacity,
				Break:        master.LagTime,
				Clients:      clientsOf(master.Participants),
				State:        StateStable,
				UID:          master.UID,
				RecurrenceID: at,
			}
			o.Planned = planned
			o.Planned.Start = at
			o.Actual = o.Planned
			if ov, ok := overrides[at.Unix()]; ok {
				o.Actual = eventValues(&ov, loc)
				o.Clients = clientsOf(ov.Participants)
				if ov.Status == StatusCancelled {
					o.Deleted = true
				}
			}
			if exdates[at.Unix()] {
				o.Deleted = true
			}
			if o.Deleted {
				o.State = StateEntityDeleted
				o.Actual = o.Planned
			}
			o.Changed = Compare(o.Planned, o.Actual)
			out = append(out, o)
		}
	}
	SortOccurrences(out)
	// Of two objects planning the same day (an EXDATE in one, the instance
	// in the other), the live one stands.
	dedup := out[:0]
	idx := map[LocalDate]int{}
	for _, o := range out {
		if i, ok := idx[o.Date]; ok {
			if dedup[i].Deleted && !o.Deleted {
				dedup[i] = o
			}
			continue
		}
		idx[o.Date] = len(dedup)
		dedup = append(dedup, o)
	}
	return dedup, nil
}

func eventValues(ev *Event, loc *time.Location) OccurrenceValues {
	person := ev.Person
	if person == "" && ev.Organizer != nil {
		person = participantID(*ev.Organizer)
	}
	end := ev.End
	if end.IsZero() {
		end = ev.Start
	}
	return OccurrenceValues{
		Start:     ev.Start.In(loc),
		Duration:  end.Sub(ev.Start),
		Person:    person,
		Labels:    slices.Clone(ev.Labels),
		Resources: slices.Clone(ev.Resources),
	}
}

func clientsOf(ps []Participant) []Participant {
	var out []Participant
	for _, p := range ps {
		if (p.Type == TypeIndividual || p.Type == "") && p.Role != RoleChair {
			out = append(out, p)
		}
	}
	return out
}

// ruleEnd reads UNTIL or COUNT from a weekly rule; with neither, the
// series is capped at MaxScheduleDays from start.
func ruleEnd(rule string, start time.Time) (until time.Time, count int) {
	until = start.AddDate(0, 0, MaxScheduleDays)
	count = MaxScheduleDays/7 + 1
	for _, part := range strings.Split(rule, ";") {
		k, v, _ := strings.Cut(part, "=")
		switch strings.ToUpper(k) {
		case "UNTIL":
			for _, layout := range []string{"20060102T150405Z", "20060102T150405", "20060102"} {
				if t, err := time.ParseInLocation(layout, v, start.Location()); err == nil {
					if strings.HasSuffix(v, "Z") {
						t, _ = time.Parse(layout, v)
					}
					if len(v) == 8 {
						t = t.Add(24*time.Hour - time.Second)
					}
					until = t
					break
				}
			}
		case "COUNT":
			if n, err := strconv.Atoi(v); err == nil && n >= 0 {
				count = n
			}
		}
	}
	return until, count
}

// Covers reports whether recID is a live instance of the object's master:
// on its weekly rule, within UNTIL, not excluded.
func (o *ScheduleObject) Covers(recID time.Time) bool {
	m := o.Master
	if m.Recurrence == nil {
		return recID.Equal(m.Start)
	}
	loc := m.Start.Location()
	until, count := ruleEnd(m.Recurrence.RRule, m.Start)
	clock := clockOf(m.Start)
	for _, x := range m.Recurrence.ExDates {
		if x.Equal(recID) {
			return false
		}
	}
	for d, n := DateOf(m.Start), 0; n < count; d, n = d.AddDays(7), n+1 {
		at := dateAt(d, clock, loc)
		if at.After(until) || at.After(recID) {
			return false
		}
		if at.Equal(recID) {
			return true
		}
	}
	return false
}
