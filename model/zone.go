package model

import (
	"fmt"
	"sync"
	"time"
	_ "time/tzdata" // IANA zones on hosts without a zoneinfo database
)

// zones caches loaded locations: time.LoadLocation parses the zone data
// afresh on every call, and expansion asks for the same few zones often.
var zones sync.Map // name -> *time.Location

// LoadZone resolves an IANA time zone name. "" and "UTC" give UTC.
// Windows and custom TZIDs are mapped to IANA names by the codec before
// they reach the model.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "UTC" || name == "Z" {
		return time.UTC, nil
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	zones.Store(name, loc)
	return loc, nil
}

// wallOf returns the wall-clock reading of instant t in loc, as a time in
// UTC: the form recurrence rules are expanded in, free of DST.
func wallOf(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y, m, d, hh, mm, ss, t.Nanosecond(), time.UTC)
}

// placeWall puts a wall-clock reading (held in UTC) on the time line in loc
// as RFC 5545 section 3.3.5 says: a reading that occurs twice (DST ends)
// is the first of the two, one that does not occur (DST starts) is read
// with the offset before the gap, so 02:30 becomes 03:30. Go's time.Date
// leaves the choice open and in practice takes the second reading.
func placeWall(w time.Time, loc *time.Location) time.Time {
	if loc == nil || loc == time.UTC {
		return w.UTC()
	}
	u, ns := w.Unix(), int64(w.Nanosecond())
	_, before := time.Unix(u-86400, 0).In(loc).Zone()
	_, after := time.Unix(u+86400, 0).In(loc).Zone()
	try := func(off int) (time.Time, bool) {
		t := time.Unix(u-int64(off), ns).In(loc)
		_, o := t.Zone()
		return t, o == off
	}
	tb, okb := try(before)
	ta, oka := try(after)
	switch {
	case okb && oka:
		if ta.Before(tb) {
			return ta
		}
		return tb
	case okb:
		return tb
	case oka:
		return ta
	case before != after:
		return tb // in the gap: the offset before it
	}
	y, m, d := w.Date()
	hh, mm, ss := w.Clock()
	return time.Date(y, m, d, hh, mm, ss, int(ns), loc)
}
