package model

import (
	"sort"
	"time"
)

// MaxSlotDays is the longest range free slots are computed for
// (LeadConnector: "Date range cannot be more than 31 days").
const MaxSlotDays = 31

// Busy is one interval that keeps a calendar or person from a new booking:
// an event instance that is OPAQUE and not cancelled (see BusyFromEvent).
type Busy struct {
	Start, End time.Time
	Lead, Lag  time.Duration // the event's own buffers (SuperOffice lead and lag time)
	// Booking marks an appointment of the calendar slots are asked for: it
	// takes a seat of its slot (appointments per slot) and counts towards
	// the day's appointments. Other busy time blocks the slot outright.
	Booking   bool
	Resources []string // resources it holds
}

func (b Busy) from() time.Time { return b.Start.Add(-b.Lead) }
func (b Busy) to() time.Time   { return b.End.Add(b.Lag) }

// BusyFromEvent turns an event instance into busy time; ok is false for
// time that does not block (TRANSP:TRANSPARENT, STATUS:CANCELLED).
func BusyFromEvent(ev *Event, start, end time.Time, booking bool) (Busy, bool) {
	if ev.Free || ev.Status == StatusCancelled {
		return Busy{}, false
	}
	return Busy{Start: start, End: end, Lead: ev.LeadTime, Lag: ev.LagTime, Booking: booking, Resources: eventResources(ev)}, true
}

// SlotRequest asks for the free slots of a calendar or person
// (LeadConnector free-slots with the calendar's slot settings).
type SlotRequest struct {
	Range Range // at most MaxSlotDays long
	// Zone groups slots by date; nil means the availability's zone.
	Zone       *time.Location
	Duration   time.Duration // slotDuration
	Interval   time.Duration // slotInterval: between slot starts; 0 = Duration
	PreBuffer  time.Duration // preBuffer: kept free before a slot
	PostBuffer time.Duration // slotBuffer: kept free after a slot
	Notice     time.Duration // allowBookingAfter: minimum scheduling notice
	Horizon    time.Duration // allowBookingFor: how far ahead; 0 = no limit
	PerSlot    int           // appoinmentPerSlot: seats per slot; 0 = 1
	PerDay     int           // appoinmentPerDay; 0 = no limit
	Now        time.Time
	// Availability opens the windows slots fit in; nil = always open.
	Availability *Availability
	Busy         []Busy
	// Resources each slot needs one unit of.
	Resources []Resource
}

// Slot is one bookable interval; Seats is how many more bookings it takes.
type Slot struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Seats int       `json:"seats"`
}

// DaySlots are the free slots of one date, in the request's zone.
type DaySlots struct {
	Date  LocalDate `json:"-"`
	Slots []Slot    `json:"slots"`
}

// Validate checks the request; errors name the field.
func (q *SlotRequest) Validate() error {
	if q.Range.From.IsZero() || q.Range.To.IsZero() {
		return Invalid("range", "give both a start and an end date")
	}
	if !q.Range.To.After(q.Range.From) {
		return Invalid("range", "the end is not after the start")
	}
	if q.Range.To.Sub(q.Range.From) > MaxSlotDays*24*time.Hour+time.Hour {
		days := q.Range.To.Sub(q.Range.From).Round(time.Hour).Hours() / 24
		return Invalid("range", "%.0f days is longer than %d; ask for a shorter range", days, MaxSlotDays)
	}
	if q.Duration <= 0 {
		return Invalid("slot duration", "give a positive duration")
	}
	for _, f := range []struct {
		name string
		d    time.Duration
	}{{"slot interval", q.Interval}, {"pre-buffer", q.PreBuffer}, {"post-buffer", q.PostBuffer}, {"notice", q.Notice}, {"horizon", q.Horizon}} {
		if f.d < 0 {
			return Invalid(f.name, "negative")
		}
	}
	if q.PerSlot < 0 || q.PerDay < 0 {
		return Invalid("appointments per slot", "negative")
	}
	if q.Availability != nil {
		return q.Availability.Validate()
	}
	return nil
}

// busyIndex answers "what overlaps [a, b)" over busy time sorted by start.
type busyIndex struct {
	items  []Busy
	maxLen time.Duration
}

func newBusyIndex(bs []Busy) busyIndex {
	items := make([]Busy, len(bs))
	copy(items, bs)
	sort.Slice(items, func(i, j int) bool { return items[i].from().Before(items[j].from()) })
	var maxLen time.Duration
	for _, b := range items {
		if l := b.to().Sub(b.from()); l > maxLen {
			maxLen = l
		}
	}
	return busyIndex{items: items, maxLen: maxLen}
}

// each calls f for every busy interval overlapping [a, b).
func (x *busyIndex) each(a, b time.Time, f func(Busy)) {
	lo := a.Add(-x.maxLen)
	i := sort.Search(len(x.items), func(i int) bool { return !x.items[i].from().Before(lo) })
	for ; i < len(x.items) && x.items[i].from().Before(b); i++ {
		if x.items[i].to().After(a) {
			f(x.items[i])
		}
	}
}

// FreeSlots returns the free slots of the request grouped by date, dates
// in order, only dates with slots. A slot [s, s+Duration) is free when:
// it lies in an open window of the availability; it starts no sooner than
// Now+Notice and, with a horizon, before Now+Horizon; no blocking busy time
// touches [s-PreBuffer, s+Duration+PostBuffer); fewer than PerSlot bookings
// do; every needed resource has a unit left there; and its date has fewer
// than PerDay bookings. Slot starts step by Interval from each window's
// opening, so a 09:00 opening gives 09:00, 09:30... on every day, DST days
// included.
func FreeSlots(q SlotRequest) ([]DaySlots, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	interval := q.Interval
	if interval == 0 {
		interval = q.Duration
	}
	perSlot := q.PerSlot
	if perSlot == 0 {
		perSlot = 1
	}
	zone := q.Zone
	if zone == nil {
		zone = time.UTC
		if q.Availability != nil {
			zone = q.Availability.Location()
		}
	}
	open := []Range{q.Range}
	if q.Availability != nil {
		open = q.Availability.Open(q.Range)
	}
	earliest := q.Now.Add(q.Notice)
	var latest time.Time
	if q.Horizon > 0 {
		latest = q.Now.Add(q.Horizon)
	}
	idx := newBusyIndex(q.Busy)
	perDay := map[LocalDate]int{}
	if q.PerDay > 0 {
		for _, b := range q.Busy {
			if b.Booking {
				perDay[DateOf(b.Start.In(zone))]++
			}
		}
	}
	units := make([]int, len(q.Resources))
	for i := range q.Resources {
		units[i] = q.Resources[i].Units()
	}

	var out []DaySlots
	for _, w := range open {
		for s := w.From; !s.Add(q.Duration).After(w.To); s = s.Add(interval) {
			if s.Before(earliest) || !latest.IsZero() && !s.Before(latest) {
				continue
			}
			day := DateOf(s.In(zone))
			if q.PerDay > 0 && perDay[day] >= q.PerDay {
				continue
			}
			end := s.Add(q.Duration)
			blocked, seats := false, 0
			used := make([]int, len(units))
			idx.each(s.Add(-q.PreBuffer), end.Add(q.PostBuffer), func(b Busy) {
				if b.Booking {
					seats++
				} else {
					blocked = true
				}
				for i, r := range q.Resources {
					for _, name := range b.Resources {
						if name == r.Name {
							used[i]++
						}
					}
				}
			})
			if blocked || seats >= perSlot {
				continue
			}
			for i := range units {
				if used[i] >= units[i] {
					blocked = true
				}
			}
			if blocked {
				continue
			}
			slot := Slot{Start: s.In(zone), End: end.In(zone), Seats: perSlot - seats}
			if n := len(out); n > 0 && out[n-1].Date == day {
				out[n-1].Slots = append(out[n-1].Slots, slot)
			} else {
				out = append(out, DaySlots{Date: day, Slots: []Slot{slot}})
			}
		}
	}
	return out, nil
}

// SlotSettings are a calendar's booking rules (LeadConnector calendar
// slot settings): what a SlotRequest takes besides the range and the data.
type SlotSettings struct {
	Duration   time.Duration `json:"slot_duration"`
	Interval   time.Duration `json:"slot_interval"`
	PreBuffer  time.Duration `json:"pre_buffer"`
	PostBuffer time.Duration `json:"post_buffer"`
	Notice     time.Duration `json:"notice"`
	Horizon    time.Duration `json:"horizon"`
	PerSlot    int           `json:"appointments_per_slot"`
	PerDay     int           `json:"appointments_per_day"`
	Resources  []string      `json:"resources"` // needed by every booking
}

// Apply copies the settings into the request.
func (s SlotSettings) Apply(q *SlotRequest) {
	q.Duration, q.Interval, q.PreBuffer, q.PostBuffer = s.Duration, s.Interval, s.PreBuffer, s.PostBuffer
	q.Notice, q.Horizon, q.PerSlot, q.PerDay = s.Notice, s.Horizon, s.PerSlot, s.PerDay
}
