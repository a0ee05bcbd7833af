package sqlite

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"rota/model"
)

// The timing column holds a model.Timing as compact JSON. Every time value
// is written as "unixseconds[.nanos][@zone]": the instant, then the name of
// its location so it comes back in the same zone (a TZID'd start re-localises,
// a floating or all-day wall clock stays in UTC). Zone is an IANA name, or
// "=offset" in seconds for a fixed zone without a loadable name; no zone
// means UTC.
type timingJSON struct {
	Start    string         `json:"s,omitempty"`
	TZID     string         `json:"z,omitempty"`
	Duration int64          `json:"d,omitempty"` // nanoseconds
	Days     int            `json:"n,omitempty"`
	Flags    int            `json:"f,omitempty"`
	RRule    string         `json:"r,omitempty"`
	RDates   []periodJSON   `json:"rd,omitempty"`
	ExDates  []string       `json:"x,omitempty"`
	Over     []overrideJSON `json:"o,omitempty"`
}

type periodJSON struct {
	Start    string `json:"s"`
	Duration int64  `json:"d,omitempty"`
}

type overrideJSON struct {
	RecurrenceID string `json:"rid"`
	Start        string `json:"s,omitempty"`
	TZID         string `json:"z,omitempty"`
	Duration     int64  `json:"d,omitempty"`
	Days         int    `json:"n,omitempty"`
	Flags        int    `json:"f,omitempty"`
	Summary      string `json:"t,omitempty"`
}

const (
	fAllDay = 1 << iota
	fFloating
	fHasEnd
	fThisAndFuture
	fCancelled
)

func flagsOf(allDay, floating, hasEnd bool) int {
	f := 0
	if allDay {
		f |= fAllDay
	}
	if floating {
		f |= fFloating
	}
	if hasEnd {
		f |= fHasEnd
	}
	return f
}

func encodeTiming(t *model.Timing) (string, error) {
	j := timingJSON{
		Start:    encodeTime(t.Start),
		TZID:     t.TZID,
		Duration: int64(t.Duration),
		Days:     t.Days,
		Flags:    flagsOf(t.AllDay, t.Floating, t.HasEnd),
		RRule:    t.RRule,
	}
	for _, p := range t.RDates {
		j.RDates = append(j.RDates, periodJSON{encodeTime(p.Start), int64(p.Duration)})
	}
	for _, x := range t.ExDates {
		j.ExDates = append(j.ExDates, encodeTime(x))
	}
	for _, o := range t.Overrides {
		f := flagsOf(o.AllDay, o.Floating, false)
		if o.ThisAndFuture {
			f |= fThisAndFuture
		}
		if o.Cancelled {
			f |= fCancelled
		}
		j.Over = append(j.Over, overrideJSON{
			RecurrenceID: encodeTime(o.RecurrenceID),
			Start:        encodeTime(o.Start),
			TZID:         o.TZID,
			Duration:     int64(o.Duration),
			Days:         o.Days,
			Flags:        f,
			Summary:      o.Summary,
		})
	}
	b, err := json.Marshal(j)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func decodeTiming(s string) (model.Timing, error) {
	var j timingJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return model.Timing{}, fmt.Errorf("timing: %w", err)
	}
	var t model.Timing
	var err error
	if t.Start, err = decodeTime(j.Start); err != nil {
		return t, err
	}
	t.TZID = j.TZID
	t.Duration = time.Duration(j.Duration)
	t.Days = j.Days
	t.AllDay = j.Flags&fAllDay != 0
	t.Floating = j.Flags&fFloating != 0
	t.HasEnd = j.Flags&fHasEnd != 0
	t.RRule = j.RRule
	for _, p := range j.RDates {
		st, err := decodeTime(p.Start)
		if err != nil {
			return t, err
		}
		t.RDates = append(t.RDates, model.Period{Start: st, Duration: time.Duration(p.Duration)})
	}
	for _, x := range j.ExDates {
		xt, err := decodeTime(x)
		if err != nil {
			return t, err
		}
		t.ExDates = append(t.ExDates, xt)
	}
	for _, o := range j.Over {
		rid, err := decodeTime(o.RecurrenceID)
		if err != nil {
			return t, err
		}
		st, err := decodeTime(o.Start)
		if err != nil {
			return t, err
		}
		t.Overrides = append(t.Overrides, model.Override{
			RecurrenceID:  rid,
			ThisAndFuture: o.Flags&fThisAndFuture != 0,
			Start:         st,
			Duration:      time.Duration(o.Duration),
			Days:          o.Days,
			AllDay:        o.Flags&fAllDay != 0,
			Floating:      o.Flags&fFloating != 0,
			TZID:          o.TZID,
			Cancelled:     o.Flags&fCancelled != 0,
			Summary:       o.Summary,
		})
	}
	return t, nil
}

func encodeTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	var b strings.Builder
	b.WriteString(strconv.FormatInt(t.Unix(), 10))
	if ns := t.Nanosecond(); ns != 0 {
		b.WriteByte('.')
		b.WriteString(strconv.Itoa(ns))
	}
	loc := t.Location()
	switch name := loc.String(); {
	case loc == time.UTC || name == "UTC" && isUTC(t):
	case loadable(name):
		b.WriteByte('@')
		b.WriteString(name)
	default:
		_, off := t.Zone()
		b.WriteString("@=")
		b.WriteString(strconv.Itoa(off))
	}
	return b.String()
}

func isUTC(t time.Time) bool {
	_, off := t.Zone()
	return off == 0
}

func decodeTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	num, zone, _ := strings.Cut(s, "@")
	secs, frac, _ := strings.Cut(num, ".")
	sec, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("timing: time %q: %w", s, err)
	}
	var ns int64
	if frac != "" {
		if ns, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return time.Time{}, fmt.Errorf("timing: time %q: %w", s, err)
		}
	}
	t := time.Unix(sec, ns)
	switch {
	case zone == "":
		return t.UTC(), nil
	case zone[0] == '=':
		off, err := strconv.Atoi(zone[1:])
		if err != nil {
			return time.Time{}, fmt.Errorf("timing: time %q: %w", s, err)
		}
		return t.In(time.FixedZone("", off)), nil
	default:
		loc, err := model.LoadZone(zone)
		if err != nil {
			return time.Time{}, fmt.Errorf("timing: time %q: %w", s, err)
		}
		return t.In(loc), nil
	}
}

func loadable(name string) bool {
	if name == "" {
		return false
	}
	_, err := model.LoadZone(name)
	return err == nil
}
