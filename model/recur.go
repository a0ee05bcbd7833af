package model

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// Occurrence is one instance of a Timing.
type Occurrence struct {
	RecurrenceID time.Time // original start of the instance (zero when not recurring)
	Start, End   time.Time // absolute; floating/all-day placed in the floating zone
	Overridden   bool      // a RECURRENCE-ID override changed it
	Summary      string    // override's SUMMARY, "" = master's
}

// MaxInstances caps one expansion; more is ErrTooManyInstances (wrapped,
// the caller says so, never hangs).
const MaxInstances = 100000

// ErrTooManyInstances says an expansion was cut at MaxInstances.
var ErrTooManyInstances = errors.New("too many instances")

// How rules are expanded, and why it costs a bounded amount.
//
// rrule-go generates a rule's start times; everything around it is built
// here from Timing, not from go-ical's RecurrenceSet (which drops RDATE and
// misreads EXDATE lists). Three things keep the cost bounded:
//
//   - Rules run on wall-clock readings held in UTC, so rrule-go never sees
//     DST; each reading is then placed in its zone by placeWall (RFC 5545
//     3.3.5: first of a repeated reading, offset before a gap), and a
//     reading that lands on the instant of the previous one (FREQ=HOURLY
//     across a gap, rrule-go issue #63) is dropped.
//   - rrule-go always walks from DTSTART. Before a window, DTSTART is moved
//     forward to the start of the last whole rule period (INTERVAL
//     periods, aligned to the original) at or before the window; with every
//     BYxxx default made explicit this yields the same set. With COUNT this
//     is done only for DAILY or coarser rules that yield exactly one
//     instance per period, where the skipped instances can be counted.
//   - rrule-go only stops at UNTIL, COUNT or the year 9999; a rule that
//     matches nothing (BYMONTH=2;BYMONTHDAY=30) would walk to 9999. The
//     Gregorian calendar repeats (exactly every 400 years, often sooner),
//     so the walk is moved to years with the same calendar just before
//     9999: rrule-go then runs out a few decades after the window at most.
//     Open-ended walks are first probed for any instance within 400 years.
//
// HOURLY, MINUTELY and SECONDLY rules whose BYHOUR/BYMINUTE/BYSECOND can
// never be reached from DTSTART's phase would loop for ever inside
// rrule-go; they are detected first and yield DTSTART alone.

// untilKind says how UNTIL was written.
type untilKind int

const (
	untilNone  untilKind = iota
	untilDate            // YYYYMMDD: through the end of that day
	untilUTC             // ...Z: an instant
	untilLocal           // no Z: wall time in DTSTART's zone (Evolution)
)

// recurRule is a parsed RRULE.
type recurRule struct {
	freq       rrule.Frequency
	interval   int
	count      int
	until      time.Time // instant for untilUTC, else a wall reading in UTC
	untilKind  untilKind
	bySecond   []int
	byMinute   []int
	byHour     []int
	byDay      []rrule.Weekday
	byMonthDay []int
	byYearDay  []int
	byWeekNo   []int
	byMonth    []int
	bySetPos   []int
	wkst       rrule.Weekday
	hasBy      bool      // any BYxxx part was given
	dtstart    time.Time // DTSTART's wall reading, set by the expander
}

var freqNames = map[string]rrule.Frequency{
	"YEARLY": rrule.YEARLY, "MONTHLY": rrule.MONTHLY, "WEEKLY": rrule.WEEKLY,
	"DAILY": rrule.DAILY, "HOURLY": rrule.HOURLY, "MINUTELY": rrule.MINUTELY,
	"SECONDLY": rrule.SECONDLY,
}

var dayNames = map[string]rrule.Weekday{
	"MO": rrule.MO, "TU": rrule.TU, "WE": rrule.WE, "TH": rrule.TH,
	"FR": rrule.FR, "SA": rrule.SA, "SU": rrule.SU,
}

func ruleErr(format string, args ...any) error { return Invalid("rrule", format, args...) }

// ValidateRRule parses a rule and returns a *FieldError naming "rrule" and
// the part at fault.
func ValidateRRule(rule string) error {
	_, err := parseRRule(rule)
	return err
}

// parseRRule reads an RRULE value leniently (RFC 5545 section 3.3.10):
// names in any case, an "RRULE:" prefix, empty parts, X- parts,
// RSCALE=GREGORIAN and SKIP (RFC 7529) are accepted; UNTIL may be a DATE,
// UTC or a local time.
func parseRRule(s string) (*recurRule, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 6 && strings.EqualFold(s[:6], "RRULE:") {
		s = s[6:]
	}
	if s == "" {
		return nil, ruleErr("empty; it needs at least FREQ")
	}
	r := &recurRule{interval: 1, wkst: rrule.MO}
	hasFreq := false
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, ruleErr("part %q has no '='", part)
		}
		name = strings.ToUpper(strings.TrimSpace(name))
		val = strings.ToUpper(strings.TrimSpace(val))
		var err error
		switch name {
		case "FREQ":
			f, ok := freqNames[val]
			if !ok {
				return nil, ruleErr("FREQ=%s: use SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY", val)
			}
			r.freq, hasFreq = f, true
		case "INTERVAL":
			r.interval, err = rulePositive(name, val)
		case "COUNT":
			r.count, err = rulePositive(name, val)
		case "UNTIL":
			err = r.parseUntil(val)
		case "BYSECOND":
			r.bySecond, err = ruleInts(name, val, 0, 59, false)
		case "BYMINUTE":
			r.byMinute, err = ruleInts(name, val, 0, 59, false)
		case "BYHOUR":
			r.byHour, err = ruleInts(name, val, 0, 23, false)
		case "BYMONTHDAY":
			r.byMonthDay, err = ruleInts(name, val, 1, 31, true)
		case "BYYEARDAY":
			r.byYearDay, err = ruleInts(name, val, 1, 366, true)
		case "BYWEEKNO":
			r.byWeekNo, err = ruleInts(name, val, 1, 53, true)
		case "BYMONTH":
			r.byMonth, err = ruleInts(name, val, 1, 12, false)
		case "BYSETPOS":
			r.bySetPos, err = ruleInts(name, val, 1, 366, true)
		case "BYDAY":
			r.byDay, err = ruleDays(val)
		case "WKST":
			d, ok := dayNames[val]
			if !ok {
				return nil, ruleErr("WKST=%s: use MO, TU, WE, TH, FR, SA or SU", val)
			}
			r.wkst = d
		case "RSCALE":
			if val != "GREGORIAN" {
				return nil, ruleErr("RSCALE=%s: only GREGORIAN is supported", val)
			}
		case "SKIP":
			// RFC 7529: only matters for non-Gregorian scales or invalid
			// dates; invalid dates are omitted (SKIP=OMIT, the default).
			if val != "OMIT" && val != "BACKWARD" && val != "FORWARD" {
				return nil, ruleErr("SKIP=%s: use OMIT, BACKWARD or FORWARD", val)
			}
		default:
			if strings.HasPrefix(name, "X-") {
				continue
			}
			return nil, ruleErr("unknown part %q", name)
		}
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(name, "BY") {
			r.hasBy = true
		}
	}
	if !hasFreq {
		return nil, ruleErr("FREQ is required")
	}
	return r, nil
}

func rulePositive(name, val string) (int, error) {
	n, err := strconv.Atoi(val)
	if err != nil || n < 1 {
		return 0, ruleErr("%s=%s: must be a whole number above 0", name, val)
	}
	return n, nil
}

func ruleInts(name, val string, lo, hi int, negative bool) ([]int, error) {
	var out []int
	for _, f := range strings.Split(val, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		ok := err == nil && (n >= lo && n <= hi || negative && n <= -lo && n >= -hi)
		if !ok {
			if negative {
				return nil, ruleErr("%s=%s: %q must be between %d and %d or -%d and -%d", name, val, f, lo, hi, lo, hi)
			}
			return nil, ruleErr("%s=%s: %q must be between %d and %d", name, val, f, lo, hi)
		}
		out = append(out, n)
	}
	return out, nil
}

func ruleDays(val string) ([]rrule.Weekday, error) {
	var out []rrule.Weekday
	for _, f := range strings.Split(val, ",") {
		f = strings.TrimSpace(f)
		if len(f) < 2 {
			return nil, ruleErr("BYDAY=%s: %q is not a day such as MO, 2TU or -1FR", val, f)
		}
		d, ok := dayNames[f[len(f)-2:]]
		if !ok {
			return nil, ruleErr("BYDAY=%s: %q is not a day such as MO, 2TU or -1FR", val, f)
		}
		if num := f[:len(f)-2]; num != "" {
			n, err := strconv.Atoi(num)
			if err != nil || n == 0 || n > 53 || n < -53 {
				return nil, ruleErr("BYDAY=%s: %q: the week number must be between 1 and 53 or -1 and -53", val, f)
			}
			d = d.Nth(n)
		}
		out = append(out, d)
	}
	return out, nil
}

func (r *recurRule) parseUntil(val string) error {
	bad := ruleErr("UNTIL=%s: use YYYYMMDD or YYYYMMDDTHHMMSS[Z]", val)
	var layout string
	switch {
	case len(val) == 8:
		layout, r.untilKind = "20060102", untilDate
	case len(val) == 15:
		layout, r.untilKind = "20060102T150405", untilLocal
	case len(val) == 16 && val[15] == 'Z':
		layout, r.untilKind = "20060102T150405Z", untilUTC
	default:
		return bad
	}
	t, err := time.Parse(layout, val)
	if err != nil {
		return bad
	}
	r.until = t
	return nil
}

// days with a nth value; 0 means every such weekday.
func weekdayOf(w rrule.Weekday) (time.Weekday, int) {
	return time.Weekday((w.Day() + 1) % 7), w.N()
}

// options returns rrule-go options starting at start with every default
// rrule-go would derive from DTSTART (dt) made explicit, so that the start
// can be moved forward without changing the set.
func (r *recurRule) options(dt, start time.Time) rrule.ROption {
	o := rrule.ROption{
		Freq: r.freq, Dtstart: start, Interval: r.interval, Wkst: r.wkst,
		Bysetpos: r.bySetPos, Bymonth: r.byMonth, Bymonthday: r.byMonthDay,
		Byyearday: r.byYearDay, Byweekno: r.byWeekNo, Byweekday: r.byDay,
		Byhour: r.byHour, Byminute: r.byMinute, Bysecond: r.bySecond,
	}
	if len(o.Byweekno) == 0 && len(o.Byyearday) == 0 && len(o.Bymonthday) == 0 && len(o.Byweekday) == 0 {
		switch r.freq {
		case rrule.YEARLY:
			if len(o.Bymonth) == 0 {
				o.Bymonth = []int{int(dt.Month())}
			}
			o.Bymonthday = []int{dt.Day()}
		case rrule.MONTHLY:
			o.Bymonthday = []int{dt.Day()}
		case rrule.WEEKLY:
			o.Byweekday = []rrule.Weekday{pyWeekday(dt.Weekday())}
		}
	}
	if len(o.Byhour) == 0 && r.freq < rrule.HOURLY {
		o.Byhour = []int{dt.Hour()}
	}
	if len(o.Byminute) == 0 && r.freq < rrule.MINUTELY {
		o.Byminute = []int{dt.Minute()}
	}
	if len(o.Bysecond) == 0 && r.freq < rrule.SECONDLY {
		o.Bysecond = []int{dt.Second()}
	}
	return o
}

func pyWeekday(d time.Weekday) rrule.Weekday {
	return []rrule.Weekday{rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA}[d]
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// fastForward returns the start of the last rule period at or before
// from, counted in whole INTERVALs from DTSTART's period, and how many
// intervals it skips (0 when from is in DTSTART's period or before).
func (r *recurRule) fastForward(dt, from time.Time) (time.Time, int64) {
	iv := int64(r.interval)
	y, m, d := dt.Date()
	var k int64
	var p time.Time
	fixed := func(start time.Time, unit int64) {
		k = floorDiv64(floorDiv64(from.Unix()-start.Unix(), unit), iv)
		p = time.Unix(start.Unix()+k*iv*unit, 0).UTC()
	}
	switch r.freq {
	case rrule.YEARLY:
		k = floorDiv64(int64(from.Year()-y), iv)
		p = time.Date(y+int(k*iv), 1, 1, 0, 0, 0, 0, time.UTC)
	case rrule.MONTHLY:
		m0 := int64(y)*12 + int64(m-1)
		mf := int64(from.Year())*12 + int64(from.Month()-1)
		k = floorDiv64(mf-m0, iv)
		mk := m0 + k*iv
		p = time.Date(int(mk/12), time.Month(mk%12+1), 1, 0, 0, 0, 0, time.UTC)
	case rrule.WEEKLY:
		back := (int(dt.Weekday()) - int(weekdayTime(r.wkst)) + 7) % 7
		fixed(time.Date(y, m, d-back, 0, 0, 0, 0, time.UTC), 7*86400)
	case rrule.DAILY:
		fixed(time.Date(y, m, d, 0, 0, 0, 0, time.UTC), 86400)
	case rrule.HOURLY:
		fixed(dt.Truncate(time.Hour), 3600)
	case rrule.MINUTELY:
		fixed(dt.Truncate(time.Minute), 60)
	default:
		fixed(dt.Truncate(time.Second), 1)
	}
	if k <= 0 {
		return dt, 0
	}
	return p, k
}

func weekdayTime(w rrule.Weekday) time.Weekday {
	d, _ := weekdayOf(w)
	return d
}

// countsByPeriod reports whether the rule yields exactly one instance per
// period, so that periods skipped by fastForward can be counted for COUNT.
func (r *recurRule) countsByPeriod(dt time.Time) bool {
	if r.hasBy || r.freq > rrule.DAILY {
		return false
	}
	switch r.freq {
	case rrule.MONTHLY:
		return dt.Day() <= 28
	case rrule.YEARLY:
		return !(dt.Month() == time.February && dt.Day() == 29)
	}
	return true
}

// reachable reports whether a sub-daily rule's BYHOUR, BYMINUTE and
// BYSECOND can be met on the grid of start + k*INTERVAL; rrule-go loops for
// ever when they cannot.
func (r *recurRule) reachable(start time.Time) bool {
	var unit, day int
	switch r.freq {
	case rrule.HOURLY:
		if len(r.byHour) == 0 {
			return true
		}
		unit, day = 3600, 24
	case rrule.MINUTELY:
		if len(r.byHour) == 0 && len(r.byMinute) == 0 {
			return true
		}
		unit, day = 60, 1440
	case rrule.SECONDLY:
		if len(r.byHour) == 0 && len(r.byMinute) == 0 && len(r.bySecond) == 0 {
			return true
		}
		unit, day = 1, 86400
	default:
		return true
	}
	hh, mm, ss := start.Clock()
	pos := (hh*3600 + mm*60 + ss) / unit
	step := r.interval % day
	for i := 0; i < day; i++ {
		sec := pos * unit
		h, mi, s := sec/3600, sec/60%60, sec%60
		if (len(r.byHour) == 0 || hasInt(r.byHour, h)) &&
			(r.freq < rrule.MINUTELY || len(r.byMinute) == 0 || hasInt(r.byMinute, mi)) &&
			(r.freq < rrule.SECONDLY || len(r.bySecond) == 0 || hasInt(r.bySecond, s)) {
			return true
		}
		if step == 0 {
			return false
		}
		pos = (pos + step) % day
	}
	return false
}

// noMonthDay reports the common impossible rule at once: no BYMONTHDAY
// exists in any BYMONTH (BYMONTH=2;BYMONTHDAY=30).
func (r *recurRule) noMonthDay() bool {
	if len(r.byMonth) == 0 || len(r.byMonthDay) == 0 {
		return false
	}
	longest := []int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	for _, m := range r.byMonth {
		for _, d := range r.byMonthDay {
			if d <= longest[m] && -d <= longest[m] {
				return false
			}
		}
	}
	return true
}

func hasInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func leapYear(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// calendarShift returns the largest shift in years s >= 0 that moves the
// years y0..y1 onto years with the same calendar (leap years and weekdays)
// ending before 9999, where rrule-go stops. 400 always works.
func calendarShift(y0, y1 int) int {
	top := 9997 - y1
	if top <= 0 {
		return 0
	}
	jan1 := func(y int) time.Weekday { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Weekday() }
	w0 := jan1(y0)
next:
	for s := top; s >= 0 && s > top-400; s-- {
		if jan1(y0+s) != w0 {
			continue
		}
		for y := y0; y <= y1; y++ {
			if leapYear(y) != leapYear(y+s) {
				continue next
			}
		}
		return s
	}
	return top - top%400
}

func shiftYears(t time.Time, s int) time.Time {
	if s == 0 {
		return t
	}
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y+s, m, d, hh, mm, ss, t.Nanosecond(), time.UTC)
}

// searchYears is how far an open-ended walk looks for a next instance
// before deciding the rule yields no more: the Gregorian cycle.
const searchYears = 400

var errBudget = errors.New("budget")

// walk runs the rule from start (a wall reading, a period start or
// DTSTART) and calls fn with each generated wall reading before hi (zero:
// no bound) until fn returns false. budget counts generated readings.
func (r *recurRule) walk(start, hi time.Time, budget *int, fn func(w time.Time) bool) error {
	if !r.reachable(start) || r.noMonthDay() {
		return nil
	}
	shift := 0
	if !hi.IsZero() {
		shift = calendarShift(start.Year()-1, hi.Year()+1)
	}
	rr, err := rrule.NewRRule(r.options(shiftYears(r.dtstart, shift), shiftYears(start, shift)))
	if err != nil {
		return ruleErr("%v", err)
	}
	next := rr.Iterator()
	for {
		t, ok := next()
		if !ok {
			return nil
		}
		if *budget--; *budget < 0 {
			return errBudget
		}
		w := shiftYears(t, -shift)
		if !hi.IsZero() && !w.Before(hi) {
			return nil
		}
		if !fn(w) {
			return nil
		}
	}
}

// yieldsAfter reports whether the rule yields any reading after start
// within searchYears: a cheap, bounded test for rules that match nothing.
func (r *recurRule) yieldsAfter(start time.Time, budget *int) (bool, error) {
	found := false
	err := r.walk(start, start.AddDate(searchYears, 0, 0), budget, func(w time.Time) bool {
		if w.After(start) {
			found = true
			return false
		}
		return true
	})
	return found, err
}

// zoneKind says how a master's start is placed on the time line.
type zoneKind int

const (
	zoned    zoneKind = iota // TZID or UTC: an instant
	floating                 // no TZID, no Z: wall time in the floating zone
	allDay                   // DATE: a day in the floating zone
)

// placedOverride is an Override read against its master.
type placedOverride struct {
	Override
	key        int64
	dateKey    int64 // for a DATE-like RECURRENCE-ID of a zoned master; -1 otherwise
	recWall    time.Time
	recAt      time.Time
	start, end time.Time
	delta      time.Duration // THISANDFUTURE: wall shift of later instances
	days       int
	dur        time.Duration
}

// expander holds what one expansion of a Timing needs.
type expander struct {
	t        *Timing
	kind     zoneKind
	loc      *time.Location // where wall readings are placed
	floatLoc *time.Location
	dt       time.Time // DTSTART as a wall reading in UTC
	rule     *recurRule
	days     int
	dur      time.Duration
	ex       map[int64]bool
	exDate   map[int64]bool
	ov       map[int64]*placedOverride
	ovDate   map[int64]*placedOverride
	overs    []*placedOverride
	taf      []*placedOverride // THISANDFUTURE, by recWall
	budget   int
	limit    int // the budget it started with, for messages

	zoneStart, zoneEnd time.Time // memo of place: the zone period last used
	zoneOff            time.Duration
}

func newExpander(t *Timing, floatLoc *time.Location) (*expander, error) {
	if floatLoc == nil {
		floatLoc = time.UTC
	}
	x := &expander{t: t, floatLoc: floatLoc, budget: MaxInstances, limit: MaxInstances}
	if len(t.ExDates) > 0 {
		x.ex, x.exDate = map[int64]bool{}, map[int64]bool{}
	}
	if len(t.Overrides) > 0 {
		x.ov, x.ovDate = map[int64]*placedOverride{}, map[int64]*placedOverride{}
	}
	switch {
	case t.AllDay:
		x.kind, x.loc = allDay, floatLoc
	case t.Floating:
		x.kind, x.loc = floating, floatLoc
	default:
		x.kind, x.loc = zoned, t.Start.Location()
		if t.TZID != "" {
			if loc, err := LoadZone(t.TZID); err == nil {
				x.loc = loc
			}
		}
	}
	if x.kind == zoned {
		x.dt = wallOf(t.Start, x.loc)
	} else {
		x.dt = wallReading(t.Start)
	}
	x.dt = x.dt.Truncate(time.Second)
	x.days, x.dur = lengthOf(t.AllDay, t.HasEnd, t.Days, t.Duration)
	if t.RRule != "" {
		r, err := parseRRule(t.RRule)
		if err != nil {
			return nil, err
		}
		r.dtstart = x.dt
		x.rule = r
	}
	for _, e := range t.ExDates {
		x.ex[x.key(e)] = true
		if k, ok := x.dateKey(e); ok {
			x.exDate[k] = true
		}
	}
	for i := range t.Overrides {
		o := &t.Overrides[i]
		p := &placedOverride{Override: *o, key: x.key(o.RecurrenceID), dateKey: -1}
		if k, ok := x.dateKey(o.RecurrenceID); ok {
			p.dateKey = k
		}
		p.recWall, p.recAt = x.recurrence(o.RecurrenceID)
		p.days, p.dur = lengthOf(o.AllDay, true, o.Days, o.Duration)
		if o.Start.IsZero() {
			// A RECURRENCE-ID component without DTSTART keeps its time.
			p.start = p.recAt
			p.days, p.dur = x.days, x.dur
		} else if o.AllDay || o.Floating {
			p.start = placeWall(wallReading(o.Start), floatLoc)
		} else {
			p.start = o.Start
			if o.TZID != "" {
				if loc, err := LoadZone(o.TZID); err == nil {
					p.start = o.Start.In(loc)
				}
			}
		}
		p.end = addLength(p.start, p.days, p.dur)
		p.delta = x.wall(p.start).Sub(p.recWall)
		x.overs = append(x.overs, p)
		x.ov[p.key] = p
		if p.dateKey >= 0 {
			x.ovDate[p.dateKey] = p
		}
		if o.ThisAndFuture {
			x.taf = append(x.taf, p)
		}
	}
	sort.SliceStable(x.taf, func(i, j int) bool { return x.taf[i].recWall.Before(x.taf[j].recWall) })
	return x, nil
}

// wallReading reads a floating or DATE value's wall clock in its own
// location (the codec keeps them in UTC).
func wallReading(t time.Time) time.Time { return wallOf(t, t.Location()) }

// lengthOf returns an instance's nominal days and exact length; an all-day
// component without an end lasts one day (RFC 5545 3.6.1).
func lengthOf(isAllDay, hasEnd bool, days int, dur time.Duration) (int, time.Duration) {
	if isAllDay && days == 0 && dur == 0 {
		return 1, 0
	}
	return days, dur
}

// addLength adds nominal days (same wall time, RFC 5545 3.3.6) then an
// exact duration to a placed start.
func addLength(start time.Time, days int, dur time.Duration) time.Time {
	if days != 0 {
		start = placeWall(wallOf(start, start.Location()).AddDate(0, 0, days), start.Location())
	}
	return start.Add(dur)
}

// place is placeWall with a memo of the zone period last placed in: a
// reading whose instant falls well inside it (a day from either end, so no
// other reading can compete) needs no zone lookups.
func (x *expander) place(w time.Time) time.Time {
	if x.loc == time.UTC {
		return w
	}
	if x.zoneEnd.After(x.zoneStart) {
		at := w.Add(-x.zoneOff)
		if at.Sub(x.zoneStart) >= 24*time.Hour && x.zoneEnd.Sub(at) >= 24*time.Hour {
			return at.In(x.loc)
		}
	}
	at := placeWall(w, x.loc)
	_, off := at.Zone()
	x.zoneOff = time.Duration(off) * time.Second
	x.zoneStart, x.zoneEnd = at.ZoneBounds()
	return at
}
func (x *expander) wall(t time.Time) time.Time { return wallOf(t, x.loc) }

// key identifies an instance by a value from the file (EXDATE,
// RECURRENCE-ID): the instant for zoned masters, the wall reading for
// floating ones, the date for all-day ones.
func (x *expander) key(t time.Time) int64 {
	switch x.kind {
	case allDay:
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	case floating:
		return wallReading(t).Unix()
	}
	return t.Unix()
}

// dateKey gives the date of a DATE value (midnight UTC, as the codec
// reads YYYYMMDD) used against a zoned master: an EXDATE;VALUE=DATE
// removes the instance on that date.
func (x *expander) dateKey(t time.Time) (int64, bool) {
	if x.kind != zoned || t.Location() != time.UTC || t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0 {
		return 0, false
	}
	return t.Unix(), true
}

// instKey is key for a generated instance.
func (x *expander) instKey(w, at time.Time) int64 {
	switch x.kind {
	case allDay:
		return time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC).Unix()
	case floating:
		return w.Unix()
	}
	return at.Unix()
}

func (x *expander) instDateKey(w time.Time) int64 {
	return time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC).Unix()
}

// recurrence places a RECURRENCE-ID value: its wall reading and instant.
func (x *expander) recurrence(t time.Time) (time.Time, time.Time) {
	if x.kind == zoned {
		return x.wall(t), t
	}
	w := wallReading(t)
	if x.kind == allDay {
		w = time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)
	}
	return w, x.place(w)
}

func (x *expander) excluded(w, at time.Time) bool {
	if x.ex[x.instKey(w, at)] {
		return true
	}
	return x.kind == zoned && len(x.exDate) > 0 && x.exDate[x.instDateKey(w)]
}

func (x *expander) override(w, at time.Time) *placedOverride {
	if p := x.ov[x.instKey(w, at)]; p != nil {
		return p
	}
	if x.kind == zoned && len(x.ovDate) > 0 {
		return x.ovDate[x.instDateKey(w)]
	}
	return nil
}

// thisAndFuture returns the last RANGE=THISANDFUTURE override at or
// before wall reading w.
func (x *expander) thisAndFuture(w time.Time) *placedOverride {
	var last *placedOverride
	for _, p := range x.taf {
		if p.recWall.After(w) {
			break
		}
		last = p
	}
	return last
}

func (x *expander) recurring() bool { return x.rule != nil || len(x.t.RDates) > 0 }

// generate calls fn with the wall reading and instant of every rule
// instance (DTSTART first) whose reading is in [from, to) (zero: open), in
// order, honouring COUNT and UNTIL.
func (x *expander) generate(from, to time.Time, fn func(w, at time.Time) bool) error {
	r := x.rule
	var untilAt, untilWall time.Time
	hi := to
	switch r.untilKind {
	case untilUTC:
		untilAt = r.until
		if x.kind == allDay {
			untilWall = r.until
		}
	case untilDate:
		untilWall = r.until.Add(24*time.Hour - time.Second)
	case untilLocal:
		untilWall = r.until
	}
	if r.untilKind != untilNone {
		u := untilWall
		if u.IsZero() {
			u = x.wall(untilAt)
		}
		if u = u.Add(26 * time.Hour); hi.IsZero() || u.Before(hi) {
			hi = u
		}
	}
	emitted := 0
	var last time.Time
	stop := false
	// emit reports whether to go on.
	emit := func(w time.Time, first bool) bool {
		at := x.place(w)
		if !last.IsZero() && !at.After(last) {
			return true // a DST gap folded two readings onto one instant
		}
		if !first && (!untilAt.IsZero() && untilWall.IsZero() && at.After(untilAt) || !untilWall.IsZero() && w.After(untilWall)) {
			stop = true
			return false
		}
		emitted++
		last = at
		if from.IsZero() || !w.Before(from) {
			if !fn(w, at) {
				stop = true
				return false
			}
		}
		if r.count > 0 && emitted >= r.count {
			stop = true
			return false
		}
		return true
	}
	start := x.dt
	if !from.IsZero() {
		if p, k := r.fastForward(x.dt, from); k > 0 && (r.count == 0 || r.countsByPeriod(x.dt)) {
			start, emitted = p, int(k)
			if r.count > 0 && emitted >= r.count {
				return nil
			}
		}
	}
	if start.Equal(x.dt) {
		if !emit(x.dt, true) {
			return nil
		}
	}
	if !hi.IsZero() && !hi.After(start) {
		return nil
	}
	if hi.IsZero() || hi.Year()-start.Year() > searchYears {
		ok, err := r.yieldsAfter(start, &x.budget)
		if err != nil || !ok {
			return err
		}
	}
	return r.walk(start, hi, &x.budget, func(w time.Time) bool {
		if !w.After(x.dt) {
			return true
		}
		return emit(w, false) && !stop
	})
}

// Expand returns the instances overlapping r (RFC 4791 9.9 overlap rules),
// sorted by start. floating is the zone for floating and all-day values
// (nil = UTC). Cancelled overrides and EXDATEs are left out, moved
// overrides appear at their new time (also when they moved into r from
// outside). Overrides whose RECURRENCE-ID the rule does not generate are
// kept (a client invited to one instance stores it alone). A DATE EXDATE
// (midnight UTC) against a DATE-TIME master removes the instance on that
// date. The cost is bounded whatever the rule: past MaxInstances generated
// instances the instances so far are returned with an error wrapping
// ErrTooManyInstances.
func (t *Timing) Expand(r Range, floating *time.Location) ([]Occurrence, error) {
	return t.ExpandAtMost(r, floating, MaxInstances)
}

// ExpandAtMost is Expand with a cap of n generated instances instead of
// MaxInstances: a cheap way to learn whether a rule has at most n
// instances in r, and which.
func (t *Timing) ExpandAtMost(r Range, floating *time.Location, n int) ([]Occurrence, error) {
	x, err := newExpander(t, floating)
	if err != nil {
		return nil, fmt.Errorf("model: expand %q: %w", t.RRule, err)
	}
	x.budget, x.limit = n, n
	out, err := x.expand(r)
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].RecurrenceID.Before(out[j].RecurrenceID)
	})
	return out, err
}

func (x *expander) expand(r Range) ([]Occurrence, error) {
	var out []Occurrence
	recurring := x.recurring()
	seen := map[int64]bool{}
	add := func(w, at time.Time, days int, dur time.Duration) {
		k := x.instKey(w, at)
		if seen[k] {
			return
		}
		seen[k] = true
		if x.excluded(w, at) || x.override(w, at) != nil {
			return
		}
		o := Occurrence{Start: at, End: addLength(at, days, dur)}
		if recurring {
			o.RecurrenceID = at
		}
		if p := x.thisAndFuture(w); p != nil {
			if p.Cancelled {
				return
			}
			o.Start = x.place(w.Add(p.delta))
			o.End = addLength(o.Start, p.days, p.dur)
			o.Overridden, o.Summary = true, p.Summary
		}
		if r.Overlaps(o.Start, o.End) {
			out = append(out, o)
		}
	}
	if x.t.Start.IsZero() {
		// Only overrides (an invitation to single instances).
		x.addOverrides(r, &out)
		return out, nil
	}
	var err error
	if x.rule == nil {
		add(x.dt, x.place(x.dt), x.days, x.dur)
	} else {
		from, to := x.window(r)
		err = x.generate(from, to, func(w, at time.Time) bool {
			add(w, at, x.days, x.dur)
			return true
		})
		if errors.Is(err, errBudget) {
			err = fmt.Errorf("model: expand %q: more than %d instances: %w", x.t.RRule, x.limit, ErrTooManyInstances)
		} else if err != nil {
			err = fmt.Errorf("model: expand %q: %w", x.t.RRule, err)
		}
	}
	for _, p := range x.t.RDates {
		var w, at time.Time
		if x.kind == zoned {
			at = p.Start
			w = x.wall(at)
		} else {
			w = wallReading(p.Start)
			at = x.place(w)
		}
		days, dur := x.days, x.dur
		if p.Duration != 0 {
			days, dur = 0, p.Duration
		}
		add(w, at, days, dur)
	}
	x.addOverrides(r, &out)
	return out, err
}

// window returns the wall readings between which rule instances may
// overlap r once lengths and THISANDFUTURE shifts are counted.
func (x *expander) window(r Range) (from, to time.Time) {
	slack := 3 * time.Hour // offset changes (DST) between readings and instants
	low := time.Duration(x.days)*24*time.Hour + x.dur
	var high time.Duration
	for _, p := range x.taf {
		if l := time.Duration(p.days)*24*time.Hour + p.dur; l > low {
			low = l
		}
		if p.delta > 0 && p.delta > high {
			high = p.delta
		}
	}
	var back time.Duration
	for _, p := range x.taf {
		if p.delta < 0 && -p.delta > back {
			back = -p.delta
		}
	}
	if !r.From.IsZero() {
		from = x.wall(r.From).Add(-low - high - slack)
	}
	if !r.To.IsZero() {
		to = x.wall(r.To).Add(back + slack)
	}
	return from, to
}

func (x *expander) addOverrides(r Range, out *[]Occurrence) {
	for _, p := range x.overs {
		if p.Cancelled {
			continue
		}
		if x.ex[p.key] || p.dateKey >= 0 && x.exDate[p.dateKey] {
			continue
		}
		if r.Overlaps(p.start, p.end) {
			*out = append(*out, Occurrence{RecurrenceID: p.recAt, Start: p.start, End: p.end, Overridden: true, Summary: p.Summary})
		}
	}
}

// boundsSteps are the growing windows Bounds searches in.
var boundsSteps = []time.Duration{
	time.Hour, 24 * time.Hour, 32 * 24 * time.Hour, 366 * 24 * time.Hour,
	16 * 366 * 24 * time.Hour, 256 * 366 * 24 * time.Hour,
}

// Bounds returns the first instance start and the last instance end; open
// is true when the rule has no end (last is then zero). An object whose
// every instance is excluded returns zero times.
func (t *Timing) Bounds(floating *time.Location) (first, last time.Time, open bool, err error) {
	x, err := newExpander(t, floating)
	if err != nil {
		return first, last, false, fmt.Errorf("model: bounds %q: %w", t.RRule, err)
	}
	consider := func(occ []Occurrence) {
		for _, o := range occ {
			if first.IsZero() || o.Start.Before(first) {
				first = o.Start
			}
			if last.IsZero() || o.End.After(last) {
				last = o.End
			}
		}
	}
	if x.rule == nil || t.Start.IsZero() {
		occ, err := t.Expand(Range{}, floating)
		consider(occ)
		return first, last, false, err
	}
	// The first: growing windows from DTSTART, whose instance is
	// generated first; overrides anywhere may come earlier. Windows start
	// small so that a SECONDLY rule does not run into MaxInstances.
	start := x.place(x.dt)
	var firstEnd time.Time
	for _, step := range boundsSteps {
		occ, err := t.Expand(Range{To: start.Add(step)}, floating)
		if err != nil && !errors.Is(err, ErrTooManyInstances) {
			return first, last, false, err
		}
		if len(occ) > 0 {
			first, firstEnd = occ[0].Start, occ[0].End
			break
		}
	}
	for _, p := range x.overs {
		if !p.Cancelled && (first.IsZero() || p.start.Before(first)) {
			first = p.start
		}
	}
	if x.rule.count == 0 && x.rule.untilKind == untilNone {
		if first.IsZero() {
			return first, last, false, nil // matches nothing ever
		}
		return first, time.Time{}, true, nil
	}
	last = firstEnd
	if x.rule.count > 0 {
		occ, err := t.Expand(Range{From: first}, floating)
		consider(occ)
		return first, last, false, err
	}
	// UNTIL: look back from it in growing windows; the last one is all.
	u := x.rule.until
	if x.rule.untilKind != untilUTC {
		u = x.place(u)
	}
	u = u.Add(24 * time.Hour) // past a DATE UNTIL's day and any offset
	for i, step := range boundsSteps {
		from := u.Add(-step)
		if i == len(boundsSteps)-1 || from.Before(start) {
			from = time.Time{}
		}
		occ, err := t.Expand(Range{From: from}, floating)
		if err != nil {
			return first, last, false, err
		}
		consider(occ)
		if len(occ) > 0 || from.IsZero() {
			break
		}
	}
	for _, p := range x.overs {
		if !p.Cancelled && p.end.After(last) {
			last = p.end
		}
	}
	rd := *t
	rd.RRule, rd.Overrides = "", nil
	occ, err := rd.Expand(Range{}, floating)
	consider(occ)
	return first, last, false, err
}
