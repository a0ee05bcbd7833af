package ics

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/teambition/rrule-go"

	"rota/model"
)

// Time zone resolution. A TZID is resolved, in this order, as
//  1. an IANA name (model.LoadZone);
//  2. a Windows zone name (CLDR windowsZones, windows.go);
//  3. a prefixed name such as /mozilla.org/20050126_1/Europe/Berlin, by
//     dropping leading path segments until an IANA name remains;
//  4. the VTIMEZONE of that TZID in the same VCALENDAR, matched to an IANA
//     zone with the same offsets at every transition and through the year
//     of the value (a zone whose city is named in the TZID wins ties);
//  5. failing that, Etc/GMT±N from the VTIMEZONE's STANDARD TZOFFSETTO.
// The result is always a name model.LoadZone can load.

var zoneCache sync.Map // name -> *time.Location, or nil when unknown

func loadIANA(name string) *time.Location {
	if name == "" || strings.EqualFold(name, "local") {
		return nil
	}
	if v, ok := zoneCache.Load(name); ok {
		loc, _ := v.(*time.Location)
		return loc
	}
	loc, err := model.LoadZone(name)
	if err != nil {
		loc = nil
	}
	zoneCache.Store(name, loc)
	return loc
}

// legacyWindowsZones are Windows names CLDR no longer lists.
var legacyWindowsZones = map[string]string{
	"Mid-Atlantic Standard Time": "Etc/GMT+2",
	"Armenian Standard Time":     "Asia/Yerevan",
	"Kamchatka Standard Time":    "Asia/Kamchatka",
	"Coordinated Universal Time": "Etc/UTC",
	"Greenwich Mean Time":        "Europe/London",
	"Jordan Daylight Time":       "Asia/Amman",
}

// knownName resolves steps 1 to 3.
func knownName(tzid string) string {
	tzid = strings.TrimSpace(tzid)
	if loadIANA(tzid) != nil {
		return tzid
	}
	if n, ok := windowsZones[tzid]; ok {
		return n
	}
	if n, ok := legacyWindowsZones[tzid]; ok {
		return n
	}
	for s := tzid; ; {
		i := strings.IndexByte(s, '/')
		if i < 0 {
			break
		}
		s = s[i+1:]
		if loadIANA(s) != nil {
			return s
		}
	}
	return ""
}

// zones resolves the TZIDs of one VCALENDAR.
type zones struct {
	defs map[string]*component // VTIMEZONE by TZID
	mu   sync.Mutex            // guards got: objects are built concurrently
	got  map[string]string     // resolved IANA names
}

func newZones(cal *component) (*zones, error) {
	z := &zones{}
	for _, c := range cal.children {
		if c.name != "VTIMEZONE" {
			continue
		}
		id := c.get("TZID")
		if id == nil || id.value == "" {
			return nil, errorf(c.line, "TZID", "VTIMEZONE without TZID")
		}
		if c.count("TZID") > 1 {
			return nil, errorf(c.line, "TZID", "VTIMEZONE with more than one TZID")
		}
		if len(c.children) == 0 {
			return nil, errorf(c.line, "VTIMEZONE", "%q has no STANDARD or DAYLIGHT part", id.value)
		}
		for _, n := range []string{"LAST-MODIFIED", "TZURL"} {
			if c.count(n) > 1 {
				return nil, errorf(c.get(n).line, n, "appears more than once in VTIMEZONE %q", id.value)
			}
		}
		for _, o := range c.children {
			if o.name != "STANDARD" && o.name != "DAYLIGHT" {
				return nil, errorf(o.line, "VTIMEZONE", "%s is not allowed inside VTIMEZONE", o.name)
			}
			for _, n := range []string{"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"} {
				if o.count(n) != 1 {
					return nil, errorf(o.line, n, "%s of VTIMEZONE %q needs exactly one", o.name, id.value)
				}
			}
		}
		if z.defs == nil {
			z.defs = map[string]*component{}
		}
		if _, dup := z.defs[id.value]; !dup {
			z.defs[id.value] = c
		}
	}
	return z, nil
}

// resolve maps tzid to an IANA name and location; year is the year of the
// value, used to compare a custom VTIMEZONE with IANA zones.
func (z *zones) resolve(tzid string, year int) (string, *time.Location, error) {
	z.mu.Lock()
	n, ok := z.got[tzid]
	z.mu.Unlock()
	if ok {
		return n, loadIANA(n), nil
	}
	name := knownName(tzid)
	if name == "" {
		def := z.defs[tzid]
		if def == nil {
			// Outlook display names ("(UTC+01:00) Amsterdam, Berlin, ...")
			// name a city.
			name = cityZone(tzid)
			if name == "" {
				return "", nil, fmt.Errorf("unknown time zone %q and no VTIMEZONE defines it", tzid)
			}
		}
		if def != nil {
			var err error
			name, err = safeMatch(tzid, def, year)
			if err != nil {
				return "", nil, err
			}
		}
	}
	z.mu.Lock()
	if z.got == nil {
		z.got = map[string]string{}
	}
	z.got[tzid] = name
	z.mu.Unlock()
	return name, loadIANA(name), nil
}

type onset struct {
	at time.Time // instant of the change
	to int       // offset after it, seconds east of UTC
}

func parseOffset(s string) (int, error) {
	if len(s) != 5 && len(s) != 7 || s[0] != '+' && s[0] != '-' {
		return 0, errors.New("not a UTC offset such as +0100")
	}
	h, ok1 := num(s[1:3])
	m, ok2 := num(s[3:5])
	sec, ok3 := 0, true
	if len(s) == 7 {
		sec, ok3 = num(s[5:7])
	}
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 59 {
		return 0, errors.New("not a UTC offset such as +0100")
	}
	off := h*3600 + m*60 + sec
	if s[0] == '-' {
		off = -off
	}
	return off, nil
}

// vtzOffsets computes a VTIMEZONE's transitions in [year-1, year+2) and
// the offset before the first of them.
func vtzOffsets(def *component, year int) (onsets []onset, before int, std int, err error) {
	lo := time.Date(year-1, 1, 1, 0, 0, 0, 0, time.UTC)
	hi := time.Date(year+2, 1, 1, 0, 0, 0, 0, time.UTC)
	var last *onset
	stdSet := false
	var stdWall time.Time
	for _, o := range def.children {
		p := o.get("DTSTART")
		wall, _, e := parseDateTime(p.value, nil)
		if e != nil {
			return nil, 0, 0, errorf(p.line, "DTSTART", "%v", e)
		}
		from, e := parseOffset(o.get("TZOFFSETFROM").value)
		if e != nil {
			return nil, 0, 0, errorf(o.get("TZOFFSETFROM").line, "TZOFFSETFROM", "%v", e)
		}
		to, e := parseOffset(o.get("TZOFFSETTO").value)
		if e != nil {
			return nil, 0, 0, errorf(o.get("TZOFFSETTO").line, "TZOFFSETTO", "%v", e)
		}
		if o.name == "STANDARD" && (!stdSet || wall.After(stdWall)) {
			std, stdSet, stdWall = to, true, wall
		}
		walls := []time.Time{wall}
		if r := o.get("RRULE"); r != nil {
			opt, e := rrule.StrToROption(r.value)
			if e != nil || opt.Freq != rrule.YEARLY && opt.Freq != rrule.MONTHLY {
				// Only yearly rules are meaningful here; ignore others
				// rather than iterate a rule of any cost.
				goto rdates
			}
			opt.Dtstart = wall
			if opt.Count == 0 && opt.Interval <= 1 && wall.Year() < year-2 && (opt.Until.IsZero() || opt.Until.Year() >= year-2) {
				// Start the rule near the window so its cost is a few
				// years whatever DTSTART says (16010325 is common).
				opt.Dtstart = time.Date(year-2, wall.Month(), 1, wall.Hour(), wall.Minute(), wall.Second(), 0, time.UTC)
			}
			if !opt.Until.IsZero() {
				u := opt.Until
				opt.Until = time.Date(u.Year(), u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), 0, time.UTC)
			}
			rule, e := rrule.NewRRule(*opt)
			if e != nil {
				goto rdates
			}
			walls = rule.Between(opt.Dtstart, hi, true)
		}
	rdates:
		for _, rp := range o.props {
			if rp.name != "RDATE" {
				continue
			}
			for _, v := range splitList(rp.value) {
				if t, _, e := parseDateTime(strings.TrimSpace(v), nil); e == nil {
					walls = append(walls, t)
				}
			}
		}
		for _, w := range walls {
			at := w.Add(-time.Duration(from) * time.Second)
			if at.Before(lo) {
				if last == nil || at.After(last.at) {
					last = &onset{at, to}
				}
				continue
			}
			if at.Before(hi) {
				onsets = append(onsets, onset{at, to})
			}
		}
		if last == nil && len(onsets) == 0 {
			before = from
		}
	}
	sort.Slice(onsets, func(i, j int) bool { return onsets[i].at.Before(onsets[j].at) })
	if last != nil {
		before = last.to
	} else if len(onsets) > 0 {
		before = onsets[0].to // no earlier rule: take the first known offset
	}
	if !stdSet {
		std = before
	}
	return onsets, before, std, nil
}

func offsetAt(onsets []onset, before int, t time.Time) int {
	off := before
	for _, o := range onsets {
		if o.at.After(t) {
			break
		}
		off = o.to
	}
	return off
}

var (
	candidatesOnce sync.Once
	candidates     []string
)

// candidateZones lists the IANA zones a VTIMEZONE is compared with: every
// zone of the Windows table plus a few large cities it does not name.
func candidateZones() []string {
	candidatesOnce.Do(func() {
		seen := map[string]bool{}
		add := func(n string) {
			if !seen[n] && loadIANA(n) != nil {
				seen[n] = true
				candidates = append(candidates, n)
			}
		}
		for _, n := range windowsZones {
			add(n)
		}
		for _, n := range []string{"Europe/Amsterdam", "Europe/Vienna", "Europe/Rome", "Europe/Stockholm",
			"Europe/Madrid", "Europe/Brussels", "Europe/Zurich", "Europe/Oslo", "Europe/Copenhagen",
			"Europe/Prague", "Europe/Dublin", "Europe/Lisbon", "Europe/Helsinki", "Europe/Athens",
			"America/Toronto", "America/Vancouver", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Hong_Kong",
			"Asia/Shanghai", "Asia/Singapore", "Australia/Melbourne", "Pacific/Auckland"} {
			add(n)
		}
		sort.Strings(candidates)
		// The zones most calendars use are tried first, so a VTIMEZONE
		// with US Eastern rules becomes America/New_York, not
		// America/Grand_Turk.
		var preferred []string
		for _, n := range preferredZones {
			if seen[n] {
				preferred = append(preferred, n)
			}
		}
		candidates = append(preferred, candidates...)
	})
	return candidates
}

var preferredZones = []string{"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
	"America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Halifax", "America/Sao_Paulo",
	"America/Mexico_City", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Berlin", "Europe/Paris",
	"Europe/Helsinki", "Europe/Istanbul", "Europe/Moscow", "Africa/Johannesburg", "Africa/Cairo", "Africa/Lagos",
	"Asia/Dubai", "Asia/Kolkata", "Asia/Calcutta", "Asia/Shanghai", "Asia/Singapore", "Asia/Tokyo", "Asia/Seoul",
	"Australia/Perth", "Australia/Brisbane", "Australia/Adelaide", "Australia/Sydney", "Pacific/Auckland"}

// cityZone returns the first candidate zone whose city the TZID names as a
// whole word, "" if none.
func cityZone(tzid string) string {
	words := strings.FieldsFunc(strings.ToLower(tzid), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == ' ' || r == '_' || r >= 0x80)
	})
	for _, n := range candidateZones() {
		if strings.HasPrefix(n, "Etc/") {
			continue
		}
		city := strings.ToLower(strings.ReplaceAll(n[strings.LastIndexByte(n, '/')+1:], "_", " "))
		for _, w := range words {
			if strings.TrimSpace(w) == city {
				return n
			}
		}
	}
	return ""
}

// safeMatch is matchVTimezone that turns a panic of the rule engine on a
// hostile VTIMEZONE into an error.
func safeMatch(tzid string, def *component, year int) (name string, err error) {
	defer func() {
		if r := recover(); r != nil {
			name, err = "", fmt.Errorf("time zone %q: its VTIMEZONE rules cannot be read", tzid)
		}
	}()
	return matchVTimezone(tzid, def, year)
}

// matchVTimezone finds the IANA zone that behaves as def in year.
func matchVTimezone(tzid string, def *component, year int) (string, error) {
	if year < 1900 || year > 2200 {
		year = 2025
	}
	onsets, before, std, err := vtzOffsets(def, year)
	if err != nil {
		return "", err
	}
	var samples []time.Time
	for m := time.January; m <= time.December; m++ {
		samples = append(samples, time.Date(year, m, 1, 12, 0, 0, 0, time.UTC), time.Date(year, m, 15, 12, 0, 0, 0, time.UTC))
	}
	for _, o := range onsets {
		if o.at.Year() == year {
			samples = append(samples, o.at.Add(-time.Minute), o.at.Add(time.Minute))
		}
	}
	want := make([]int, len(samples))
	for i, t := range samples {
		want[i] = offsetAt(onsets, before, t)
	}
	fits := func(name string) bool {
		loc := loadIANA(name)
		for i, t := range samples {
			if _, off := t.In(loc).Zone(); off != want[i] {
				return false
			}
		}
		return true
	}
	hint := strings.ToLower(tzid)
	var match string
	for _, n := range candidateZones() {
		city := strings.ToLower(strings.ReplaceAll(n[strings.LastIndexByte(n, '/')+1:], "_", " "))
		if !strings.HasPrefix(n, "Etc/") && strings.Contains(hint, city) && fits(n) {
			return n, nil
		}
		if match == "" && fits(n) {
			match = n
		}
	}
	if match != "" {
		return match, nil
	}
	if std%3600 == 0 && std >= -12*3600 && std <= 14*3600 {
		h := -std / 3600
		switch {
		case h == 0:
			return "Etc/GMT", nil
		case h > 0:
			return "Etc/GMT+" + strconv.Itoa(h), nil
		default:
			return "Etc/GMT" + strconv.Itoa(h), nil
		}
	}
	return "", fmt.Errorf("time zone %q: its VTIMEZONE matches no known zone", tzid)
}

// genVTimezone writes a VTIMEZONE for an IANA zone, with yearly rules
// taken from the transitions of the year of ref (RFC 5545 section 3.6.5).
func genVTimezone(name string, loc *time.Location, ref time.Time) *component {
	c := &component{name: "VTIMEZONE", props: []prop{{name: "TZID", value: name}}}
	year := ref.Year()
	if year < 1970 || year > 2200 {
		year = time.Now().Year()
	}
	// Find the transitions of the year by daily steps, then bisect.
	t := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	_, off := t.In(loc).Zone()
	type tr struct {
		at       time.Time
		from, to int
		abbr     string
	}
	var trs []tr
	for d := 1; d <= 366; d++ {
		n := t.Add(24 * time.Hour)
		if abbr, o := n.In(loc).Zone(); o != off {
			lo, hi := t, n
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, mo := mid.In(loc).Zone(); mo == off {
					lo = mid
				} else {
					hi = mid
				}
			}
			trs = append(trs, tr{hi, off, o, abbr})
			off = o
		}
		t = n
	}
	if len(trs) != 2 {
		abbr, o := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).In(loc).Zone()
		if len(trs) > 0 {
			abbr, o = trs[len(trs)-1].abbr, trs[len(trs)-1].to
		}
		std := &component{name: "STANDARD", props: []prop{
			{name: "DTSTART", value: "19700101T000000"},
			{name: "TZOFFSETFROM", value: fmtOffset(o)},
			{name: "TZOFFSETTO", value: fmtOffset(o)},
			{name: "TZNAME", value: abbr},
		}}
		c.children = append(c.children, std)
		return c
	}
	for _, x := range trs {
		kind := "STANDARD"
		if x.to > x.from {
			kind = "DAYLIGHT"
		}
		wall := x.at.Add(time.Duration(x.from) * time.Second).UTC()
		nth := (wall.Day()-1)/7 + 1
		if wall.Day()+7 > daysIn(wall.Month(), wall.Year()) {
			nth = -1
		}
		day := strings.ToUpper(wall.Weekday().String()[:2])
		first := nthWeekday(1970, wall.Month(), wall.Weekday(), nth)
		c.children = append(c.children, &component{name: kind, props: []prop{
			{name: "DTSTART", value: first.Format("20060102") + wall.Format("T150405")},
			{name: "TZOFFSETFROM", value: fmtOffset(x.from)},
			{name: "TZOFFSETTO", value: fmtOffset(x.to)},
			{name: "TZNAME", value: x.abbr},
			{name: "RRULE", value: "FREQ=YEARLY;BYMONTH=" + strconv.Itoa(int(wall.Month())) + ";BYDAY=" + strconv.Itoa(nth) + day},
		}})
	}
	return c
}

func fmtOffset(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	s := fmt.Sprintf("%c%02d%02d", sign, off/3600, off%3600/60)
	if off%60 != 0 {
		s += fmt.Sprintf("%02d", off%60)
	}
	return s
}

// nthWeekday returns the nth (1..5, or -1 for the last) weekday wd of a month.
func nthWeekday(year int, m time.Month, wd time.Weekday, nth int) time.Time {
	if nth < 0 {
		last := time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC)
		return last.AddDate(0, 0, -((int(last.Weekday()) - int(wd) + 7) % 7))
	}
	first := time.Date(year, m, 1, 0, 0, 0, 0, time.UTC)
	return first.AddDate(0, 0, (int(wd)-int(first.Weekday())+7)%7+7*(nth-1))
}

// Zone resolves a TZID without its VCALENDAR as Decode would (steps 1 to 3
// and Outlook display names): an IANA name, a Windows name, a prefixed
// name such as /freeassociation.sourceforge.net/Europe/Berlin. ok is false
// when only a VTIMEZONE could say what the TZID means. For code that reads
// stored data itself (CalDAV filters and expansion) and must place values
// where Decode placed them.
func Zone(tzid string) (loc *time.Location, ok bool) {
	name := knownName(tzid)
	if name == "" {
		name = cityZone(tzid)
	}
	if loc = loadIANA(name); loc == nil {
		return nil, false
	}
	return loc, true
}
