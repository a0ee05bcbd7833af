package model

import (
	"sort"
	"time"
)

// DayInterval is a span of wall-clock time within a day, as "from 09:00 to
// 17:00" (LeadConnector intervals, HaloPSA workday hours). To may be 24h.
type DayInterval struct {
	From time.Duration // since local midnight
	To   time.Duration
}

// AvailabilityRule opens intervals on a weekday (a weekly rule) or on one
// date (a date rule, Date set). A date rule replaces the weekly rules of its
// day; a date rule without intervals closes the day.
type AvailabilityRule struct {
	Weekday   time.Weekday
	Date      LocalDate // zero for weekly rules
	Intervals []DayInterval
}

// AbsenceState is the approval state of leave.
type AbsenceState string

// Absence states. Requested leave already blocks booking: nobody should be
// booked on a day they asked to be away.
const (
	AbsenceRequested AbsenceState = "requested"
	AbsenceApproved  AbsenceState = "approved"
	AbsenceRejected  AbsenceState = "rejected"
)

// Absence is a holiday or leave (HaloPSA Holiday): whole days, From to To
// inclusive, in the availability's zone.
type Absence struct {
	From, To LocalDate
	Reason   string
	Leave    bool // asked for by the person, as opposed to a public holiday
	State    AbsenceState
}

// Blocks reports whether the absence keeps the person from being booked.
func (a Absence) Blocks() bool { return a.State != AbsenceRejected }

// Block is a time kept free of bookings: a LeadConnector block slot or a
// HaloPSA downtime.
type Block struct {
	Start, End time.Time
	Title      string
	Kind       EventKind // KindBlock or KindDowntime
}

// Availability says when a person or calendar may be booked
// (LeadConnector availability schedule, HaloPSA workday and timeslots):
// weekly rules and date rules of intervals in a time zone, less absences
// and blocks.
type Availability struct {
	ID         int64
	Name       string
	Owner      string
	Person     string // whose availability; "" for a calendar's
	CalendarID int64  // the calendar it applies to; 0 for a person's
	TimeZone   string
	Rules      []AvailabilityRule
	Absences   []Absence
	Blocks     []Block
	Created    time.Time
	Modified   time.Time
}

// Validate checks the rules; errors name the field.
func (a *Availability) Validate() error {
	if err := validHandle("name", a.Name); err != nil {
		return err
	}
	if _, err := LoadZone(a.TimeZone); err != nil {
		return Invalid("timezone", "%v", err)
	}
	for i, r := range a.Rules {
		if r.Date.IsZero() && (r.Weekday < time.Sunday || r.Weekday > time.Saturday) {
			return Invalid("rules", "rule %d: weekday %d is outside 0..6", i+1, r.Weekday)
		}
		if r.Date.IsZero() && len(r.Intervals) == 0 {
			return Invalid("rules", "rule %d (%s) has no intervals", i+1, WeekdayName(r.Weekday))
		}
		for _, iv := range r.Intervals {
			if iv.From < 0 || iv.To > 24*time.Hour || iv.To <= iv.From {
				return Invalid("rules", "rule %d: interval %s-%s is not within 00:00-24:00 and forwards", i+1, FormatClock(iv.From), FormatClock(iv.To))
			}
		}
	}
	for i, ab := range a.Absences {
		if ab.From.IsZero() || ab.To.Before(ab.From) {
			return Invalid("absences", "absence %d: %s..%s is not a forward range of days", i+1, ab.From, ab.To)
		}
		switch ab.State {
		case AbsenceRequested, AbsenceApproved, AbsenceRejected:
		default:
			return Invalid("absences", "absence %d: state %q is not requested, approved or rejected", i+1, ab.State)
		}
	}
	for i, b := range a.Blocks {
		if !b.End.After(b.Start) {
			return Invalid("blocks", "block %d ends before it starts", i+1)
		}
	}
	return nil
}

// Location is the availability's zone.
func (a *Availability) Location() *time.Location {
	loc, err := LoadZone(a.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Open returns the windows within r when the availability is open, sorted
// and merged: the day's date rule or weekly rules, less blocking absences
// and blocks. Times are computed per day in the zone, so a 09:00-17:00 rule
// stays 09:00-17:00 across DST changes.
func (a *Availability) Open(r Range) []Range {
	loc := a.Location()
	first := DateOf(r.From.In(loc)).AddDays(-1)
	last := DateOf(r.To.In(loc))
	dateRules := map[LocalDate][]DayInterval{}
	closed := map[LocalDate]bool{}
	for _, rule := range a.Rules {
		if !rule.Date.IsZero() {
			closed[rule.Date] = true
			dateRules[rule.Date] = append(dateRules[rule.Date], rule.Intervals...)
		}
	}
	var open []Range
	for d := first; !last.Before(d); d = d.AddDays(1) {
		var ivs []DayInterval
		if closed[d] {
			ivs = dateRules[d]
		} else {
			for _, rule := range a.Rules {
				if rule.Date.IsZero() && rule.Weekday == d.Weekday() {
					ivs = append(ivs, rule.Intervals...)
				}
			}
		}
		for _, iv := range ivs {
			w := Range{From: dateAt(d, iv.From, loc), To: dateAt(d, iv.To, loc)}
			if iv.To == 24*time.Hour {
				w.To = d.AddDays(1).In(loc)
			}
			w = clip(w, r)
			if w.To.After(w.From) {
				open = append(open, w)
			}
		}
	}
	open = mergeRanges(open)
	var shut []Range
	for _, ab := range a.Absences {
		if ab.Blocks() {
			shut = append(shut, Range{From: ab.From.In(loc), To: ab.To.AddDays(1).In(loc)})
		}
	}
	for _, b := range a.Blocks {
		shut = append(shut, Range{From: b.Start, To: b.End})
	}
	return subtractRanges(open, mergeRanges(shut))
}

func clip(w, r Range) Range {
	if !r.From.IsZero() && w.From.Before(r.From) {
		w.From = r.From
	}
	if !r.To.IsZero() && w.To.After(r.To) {
		w.To = r.To
	}
	return w
}

// mergeRanges returns the non-empty ranges of rs sorted and joined where
// they overlap or touch; rs is left as it was.
func mergeRanges(rs []Range) []Range {
	s := make([]Range, 0, len(rs))
	for _, r := range rs {
		if r.To.After(r.From) {
			s = append(s, r)
		}
	}
	sort.Slice(s, func(i, j int) bool { return s[i].From.Before(s[j].From) })
	out := s[:0]
	for _, r := range s {
		if n := len(out); n > 0 && !r.From.After(out[n-1].To) {
			if r.To.After(out[n-1].To) {
				out[n-1].To = r.To
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// subtractRanges removes the sorted, merged cut from the sorted, merged rs.
func subtractRanges(rs, cut []Range) []Range {
	var out []Range
	j := 0
	for _, r := range rs {
		for j < len(cut) && !cut[j].To.After(r.From) {
			j++
		}
		from := r.From
		for k := j; k < len(cut) && cut[k].From.Before(r.To); k++ {
			if cut[k].From.After(from) {
				out = append(out, Range{From: from, To: cut[k].From})
			}
			if cut[k].To.After(from) {
				from = cut[k].To
			}
		}
		if r.To.After(from) {
			out = append(out, Range{From: from, To: r.To})
		}
	}
	return out
}

// rangesLength is the total length of disjoint ranges.
func rangesLength(rs []Range) time.Duration {
	var d time.Duration
	for _, r := range rs {
		d += r.To.Sub(r.From)
	}
	return d
}
