package model

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Booking is what conflict detection knows of one event instance: when it
// holds whom and what, with its lead and lag buffers.
type Booking struct {
	UID        string
	Title      string
	Start, End time.Time
	Lead, Lag  time.Duration
	People     []string // team members and attendees, by handle or address
	Resources  []string
	Attendees  int // people in the room, for room capacity
}

func (b Booking) from() time.Time { return b.Start.Add(-b.Lead) }
func (b Booking) to() time.Time   { return b.End.Add(b.Lag) }

// BookingFromEvent reads an event instance as a Booking; ok is false for
// events that hold nothing (TRANSPARENT or CANCELLED).
func BookingFromEvent(ev *Event, start, end time.Time) (Booking, bool) {
	if ev.Free || ev.Status == StatusCancelled {
		return Booking{}, false
	}
	b := Booking{UID: ev.UID, Title: ev.Title, Start: start, End: end, Lead: ev.LeadTime, Lag: ev.LagTime, Resources: eventResources(ev)}
	seen := map[string]bool{}
	add := func(who string) {
		who = strings.ToLower(strings.TrimSpace(who))
		if who != "" && !seen[who] {
			seen[who] = true
			b.People = append(b.People, who)
		}
	}
	add(ev.Person)
	if ev.Organizer != nil {
		add(participantID(*ev.Organizer))
	}
	for _, p := range ev.Participants {
		if (p.Type == TypeIndividual || p.Type == "") && p.Role != RoleNonParticipant && p.Status != InviteDeclined {
			add(participantID(p))
			b.Attendees++
		}
	}
	return b, true
}

func participantID(p Participant) string {
	if p.Email != "" {
		if name, _, ok := strings.Cut(p.Email, "@"); ok && strings.HasSuffix(p.Email, "@rota.invalid") {
			return name
		}
		return p.Email
	}
	return p.Name
}

// eventResources are the names in RESOURCES and the room and resource
// attendees, once each.
func eventResources(ev *Event) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if n != "" && !seen[strings.ToLower(n)] {
			seen[strings.ToLower(n)] = true
			out = append(out, n)
		}
	}
	for _, r := range ev.Resources {
		add(r)
	}
	for _, p := range ev.Participants {
		if p.Type == TypeRoom || p.Type == TypeResource {
			add(p.Name)
		}
	}
	return out
}

// ConflictKind says what a conflict is about.
type ConflictKind string

// Conflict kinds.
const (
	ConflictPerson       ConflictKind = "person"        // someone booked twice at once
	ConflictResource     ConflictKind = "resource"      // more bookings than units
	ConflictRoomCapacity ConflictKind = "room capacity" // more people than the room holds
	ConflictOutOfService ConflictKind = "out of service"
)

// Conflict is one clash of a booking with others.
type Conflict struct {
	Kind ConflictKind
	Who  string // the person or resource
	UID  string // the booking checked
	With string // the other booking's UID ("" for capacity and service)
	From time.Time
	To   time.Time
}

// Error lets a conflict refuse a booking: errors.Is(err, ErrConflict).
func (c Conflict) Error() string {
	switch c.Kind {
	case ConflictPerson:
		return fmt.Sprintf("%s is booked on %q from %s to %s (buffers included)", c.Who, c.With, c.From.Format("Mon 2 Jan 15:04"), c.To.Format("15:04"))
	case ConflictResource:
		return fmt.Sprintf("resource %s has no unit left from %s to %s", c.Who, c.From.Format("Mon 2 Jan 15:04"), c.To.Format("15:04"))
	case ConflictRoomCapacity:
		return fmt.Sprintf("room %s is too small for the attendees", c.Who)
	}
	return fmt.Sprintf("resource %s is out of service", c.Who)
}

// Is makes conflicts match ErrConflict.
func (c Conflict) Is(target error) bool { return target == ErrConflict }

// ConflictsWith returns the conflicts of b against others, each blocked
// from Start-Lead to End+Lag: a person in b held by an overlapping
// booking, a resource whose overlapping bookings already use every unit
// (rooms have one, equipment its quantity in service), a room whose
// capacity b's attendees exceed. resources are keyed by name; a resource
// not listed is taken to have one unit. others may include b itself (same
// UID and start), which is skipped.
func ConflictsWith(b Booking, others []Booking, resources map[string]Resource) []Conflict {
	var out []Conflict
	var overlapping []Booking
	for _, o := range others {
		if o.UID == b.UID && o.Start.Equal(b.Start) {
			continue
		}
		if o.from().Before(b.to()) && o.to().After(b.from()) {
			overlapping = append(overlapping, o)
		}
	}
	for _, who := range b.People {
		for _, o := range overlapping {
			if containsFold(o.People, who) {
				out = append(out, Conflict{Kind: ConflictPerson, Who: who, UID: b.UID, With: o.UID, From: later(b.from(), o.from()), To: earlier(b.to(), o.to())})
			}
		}
	}
	for _, name := range b.Resources {
		units := 1
		r, known := resources[name]
		if known {
			units = r.Units()
			if units <= 0 {
				out = append(out, Conflict{Kind: ConflictOutOfService, Who: name, UID: b.UID, From: b.Start, To: b.End})
				continue
			}
			if r.Kind == ResourceRoom && r.Capacity > 0 && b.Attendees > r.Capacity {
				out = append(out, Conflict{Kind: ConflictRoomCapacity, Who: name, UID: b.UID, From: b.Start, To: b.End})
			}
		}
		var users []Booking
		for _, o := range overlapping {
			if containsFold(o.Resources, name) {
				users = append(users, o)
			}
		}
		if peak, at, with := peakUse(users, b.from(), b.to()); peak >= units {
			c := Conflict{Kind: ConflictResource, Who: name, UID: b.UID, With: with, From: at.From, To: at.To}
			out = append(out, c)
		}
	}
	return out
}

// FindConflicts returns every conflict among bookings, each pair once for
// people (reported on the later-starting booking) and each over-use once
// per booking that tips a resource over.
func FindConflicts(bookings []Booking, resources map[string]Resource) []Conflict {
	bs := make([]Booking, len(bookings))
	copy(bs, bookings)
	sort.Slice(bs, func(i, j int) bool { return bs[i].from().Before(bs[j].from()) })
	var maxLen time.Duration
	for _, b := range bs {
		if l := b.to().Sub(b.from()); l > maxLen {
			maxLen = l
		}
	}
	var out []Conflict
	for i, b := range bs {
		// Earlier-starting bookings still running at b's start; none can
		// start more than the longest booking before it.
		var prior []Booking
		for j := i - 1; j >= 0 && !bs[j].from().Before(b.from().Add(-maxLen)); j-- {
			if bs[j].to().After(b.from()) {
				prior = append(prior, bs[j])
			}
		}
		out = append(out, ConflictsWith(b, prior, resources)...)
	}
	return out
}

// peakUse is the most bookings holding at once within [from, to), where
// and one of them.
func peakUse(bs []Booking, from, to time.Time) (int, Range, string) {
	type edge struct {
		t     time.Time
		delta int
		uid   string
	}
	var es []edge
	for _, b := range bs {
		es = append(es, edge{later(b.from(), from), 1, b.UID}, edge{earlier(b.to(), to), -1, b.UID})
	}
	sort.Slice(es, func(i, j int) bool {
		if !es[i].t.Equal(es[j].t) {
			return es[i].t.Before(es[j].t)
		}
		return es[i].delta < es[j].delta
	})
	peak, cur := 0, 0
	var at Range
	var with string
	for i, e := range es {
		cur += e.delta
		if cur > peak {
			peak = cur
			at = Range{From: e.t, To: to}
			if i+1 < len(es) {
				at.To = es[i+1].t
			}
			with = e.uid
		}
	}
	return peak, at, with
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
