package sqlite

import (
	"time"

	"rota/model"
)

// occ is one instance of a Timing as the index sees it.
type occ struct {
	rid        time.Time // original start; zero when not recurring
	start, end time.Time
	overridden bool
	summary    string // an override's SUMMARY; "" = the master's
}

// errTooManyInstances is what expand returns for a rule that yields more
// than the engine's cap in the range asked for.
var errTooManyInstances = model.ErrTooManyInstances

// expand returns the instances of t overlapping r, floating and all-day
// values placed in floating (nil = UTC). Non-recurring timings, most of a
// store, are placed here directly; the others go to the recurrence engine
// (model.Timing.Expand).
func expand(t *model.Timing, r model.Range, floating *time.Location) ([]occ, error) {
	if !t.Recurring() {
		st, en, ok := single(t, floating)
		if !ok || !r.Overlaps(st, en) {
			return nil, nil
		}
		return []occ{{start: st, end: en}}, nil
	}
	return expandAtMost(t, r, floating, model.MaxInstances)
}

// expandAtMost is expand of a recurring t with the engine stopping after
// n instances (errTooManyInstances).
func expandAtMost(t *model.Timing, r model.Range, floating *time.Location, n int) ([]occ, error) {
	list, err := t.ExpandAtMost(r, floating, n)
	if err != nil {
		return nil, err
	}
	out := make([]occ, len(list))
	for i, o := range list {
		out[i] = occ{rid: o.RecurrenceID, start: o.Start, end: o.End, overridden: o.Overridden, summary: o.Summary}
	}
	return out, nil
}

// bounds returns the first instance's start and the last one's end of a
// timing; open is true when the rule never ends.
func bounds(t *model.Timing, floating *time.Location) (first, last time.Time, open bool, err error) {
	if !t.Recurring() {
		st, en, _ := single(t, floating)
		return st, en, false, nil
	}
	return t.Bounds(floating)
}

// single places a non-recurring timing on the time line. A DATE start
// without an end lasts one day, a DATE-TIME start without one no time at
// all (RFC 5545 section 3.6.1). A timing without a start (an undated task)
// is not on the time line.
func single(t *model.Timing, floating *time.Location) (start, end time.Time, ok bool) {
	if t.Start.IsZero() {
		return time.Time{}, time.Time{}, false
	}
	start = t.Start
	if t.AllDay || t.Floating {
		start = place(start, floating)
	}
	days, dur := t.Days, t.Duration
	if !t.HasEnd && t.AllDay && days == 0 && dur == 0 {
		days = 1
	}
	end = start
	if days != 0 {
		end = end.AddDate(0, 0, days)
	}
	return start, end.Add(dur), true
}

// place reads the wall clock of t (floating or all-day, kept in UTC) in loc.
func place(t time.Time, loc *time.Location) time.Time {
	if loc == nil || loc == time.UTC {
		return t.UTC()
	}
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y, m, d, hh, mm, ss, t.Nanosecond(), loc)
}

// wallKey is the wall clock of t read as UTC, in unix seconds: the index key
// of a floating value whatever zone it was placed in.
func wallKey(t time.Time) int64 {
	_, off := t.Zone()
	return t.Unix() + int64(off)
}
