package ics

import (
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"rota/model"
)

// Skipped is a top-level component DecodeAll left out, and why.
type Skipped struct {
	Line      int
	Component string
	Reason    string
}

// Decode reads a stream of one or more VCALENDARs (a file, a PUT body) and
// returns one model.Object per UID, in order of first appearance. Each
// Object has Name (see ObjectName), UID, Component, Summary, Timing and
// Data: a complete VCALENDAR holding that UID's master and overrides, the
// VTIMEZONEs they use, and every property, parameter and VALARM of them,
// in input order. A component without UID is refused with its line; the
// repairs applied are listed in the package documentation.
func Decode(r io.Reader) ([]model.Object, error) {
	objs, _, err := DecodeAll(r)
	return objs, err
}

// DecodeAll is Decode that also reports the top-level components it left
// out (VFREEBUSY, VAVAILABILITY, X- components), for import summaries.
func DecodeAll(r io.Reader) ([]model.Object, []Skipped, error) {
	b, err := readAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("ics: read: %w", err)
	}
	// The text is read-only from here on, and b is not used again: no
	// need for a copy of a file that may be large.
	return decode(unsafe.String(unsafe.SliceData(b), len(b)), false)
}

// readAll is io.ReadAll that reads a file (or anything that knows its
// length) into one buffer of the right size instead of doubling one.
func readAll(r io.Reader) ([]byte, error) {
	var size int64 = -1
	switch v := r.(type) {
	case interface{ Len() int }:
		size = int64(v.Len())
	case interface{ Stat() (fs.FileInfo, error) }:
		if st, err := v.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
			if s, ok := r.(io.Seeker); ok {
				if at, err := s.Seek(0, io.SeekCurrent); err == nil {
					size -= at
				}
			}
		}
	}
	if size < 0 || size > 1<<34 {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, size+1) // +1: EOF is seen without growing
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) { // the file grew
			b = append(b, 0)[:len(b)]
		}
	}
}

// DecodeObject decodes one calendar object resource (a CalDAV PUT body):
// exactly one UID and one component type.
func DecodeObject(data []byte) (model.Object, error) {
	objs, skipped, err := decode(string(data), true)
	if err != nil {
		return model.Object{}, err
	}
	if len(objs) != 1 {
		if len(objs) == 0 && len(skipped) > 0 {
			return model.Object{}, errorf(skipped[0].Line, "", "%s: %s", skipped[0].Component, skipped[0].Reason)
		}
		return model.Object{}, errorf(0, "UID", "a calendar object holds exactly one UID, found %d", len(objs))
	}
	return objs[0], nil
}

// entry is one VEVENT/VTODO/VJOURNAL with the VCALENDAR it came from.
type entry struct {
	c   *component
	z   *zones
	cal *component
}

type group struct {
	uid       string
	comp      string
	master    *entry
	overrides []*entry
	recIDs    map[string]int // RECURRENCE-ID value -> line
	resource  bool           // from a calendar object resource: keep the calendar's properties
}

// decode builds the objects of s. resource is true when s is one calendar
// object resource (a PUT body): its VCALENDAR is the object's own, and
// the calendar's properties stay with it; in a file they describe the
// file (X-WR-CALNAME) and are left out.
func decode(s string, resource bool) ([]model.Object, []Skipped, error) {
	cals, err := parse(s)
	if err != nil {
		return nil, nil, err
	}
	var (
		order   []*group
		byUID   = map[string]*group{}
		skipped []Skipped
	)
	for _, cal := range cals {
		z, err := newZones(cal)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range cal.children {
			switch c.name {
			case "VTIMEZONE":
				continue
			case "VEVENT", "VTODO", "VJOURNAL":
			default:
				skipped = append(skipped, Skipped{Line: c.line, Component: c.name,
					Reason: "rota stores only VEVENT, VTODO and VJOURNAL"})
				continue
			}
			if err := check(c); err != nil {
				return nil, nil, err
			}
			uid := c.get("UID").value
			g := byUID[uid]
			if g == nil {
				g = &group{uid: uid, comp: c.name, resource: resource}
				byUID[uid] = g
				order = append(order, g)
			} else if g.comp != c.name {
				return nil, nil, errorf(c.line, "UID", "%q is used by a %s and a %s", uid, g.comp, c.name)
			}
			e := &entry{c: c, z: z, cal: cal}
			if rid := c.get("RECURRENCE-ID"); rid != nil {
				if l, dup := g.recIDs[rid.value]; dup {
					return nil, nil, errorf(rid.line, "RECURRENCE-ID", "UID %q has a second override for %s (first at line %d)", uid, rid.value, l)
				}
				if g.recIDs == nil {
					g.recIDs = map[string]int{}
				}
				g.recIDs[rid.value] = rid.line
				g.overrides = append(g.overrides, e)
				continue
			}
			if g.master != nil {
				return nil, nil, errorf(c.line, "UID", "%q is used by two components without RECURRENCE-ID (the first at line %d)", uid, g.master.c.line)
			}
			g.master = e
		}
	}
	objs, err := build(order)
	if err != nil {
		return nil, nil, err
	}
	return objs, skipped, nil
}

// buildChunk is how many objects a worker of build takes at a time.
const buildChunk = 256

// build makes the object of every group, in order. A large file's groups
// are independent once parsed and checked, so they are built on every CPU;
// the error is the first in file order either way.
func build(order []*group) ([]model.Object, error) {
	objs := make([]model.Object, len(order))
	n := (len(order) + buildChunk - 1) / buildChunk
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		var w writer
		for i, g := range order {
			o, err := g.object(&w)
			if err != nil {
				return nil, err
			}
			objs[i] = o
		}
		return objs, nil
	}
	errs := make([]error, n) // the first of each chunk
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			// Data of many objects shares a few large arrays (each
			// object's slice capped at its length): one allocation per
			// 256 KiB instead of one per object.
			w := writer{slab: true}
			for {
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				for i := k * buildChunk; i < min((k+1)*buildChunk, len(order)); i++ {
					o, err := order[i].object(&w)
					if err != nil {
						errs[k] = err
						break
					}
					objs[i] = o
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return objs, nil
}

// atMostOne lists the properties go-ical's encoder allows once
// (RFC 5545 section 3.6.1, 3.6.2, 3.6.3).
var atMostOne = map[string][]string{
	"VEVENT": {"DTSTART", "CLASS", "CREATED", "DESCRIPTION", "GEO", "LAST-MODIFIED", "LOCATION", "ORGANIZER",
		"PRIORITY", "RRULE", "SEQUENCE", "STATUS", "SUMMARY", "TRANSP", "URL", "RECURRENCE-ID", "DTEND", "DURATION", "COLOR"},
	"VTODO": {"CLASS", "COMPLETED", "CREATED", "DESCRIPTION", "DTSTART", "GEO", "LAST-MODIFIED", "LOCATION",
		"ORGANIZER", "PERCENT-COMPLETE", "PRIORITY", "RECURRENCE-ID", "SEQUENCE", "STATUS", "SUMMARY", "URL", "DUE",
		"DURATION", "COLOR", "RRULE"},
	"VJOURNAL": {"CLASS", "CREATED", "DTSTART", "LAST-MODIFIED", "ORGANIZER", "RECURRENCE-ID", "SEQUENCE", "STATUS",
		"SUMMARY", "URL", "COLOR", "RRULE"},
}

// check validates and repairs one component so that go-ical can encode it.
func check(c *component) error {
	switch n := c.count("UID"); {
	case n == 0:
		return errorf(c.line, "UID", "%s has no UID", c.name)
	case n > 1:
		return errorf(c.get("UID").line, "UID", "%s has %d UIDs", c.name, n)
	}
	if u := c.get("UID"); strings.TrimSpace(u.value) == "" {
		return errorf(u.line, "UID", "empty")
	}
	for _, name := range atMostOne[c.name] {
		if c.count(name) > 1 {
			var lines []string
			for _, p := range c.props {
				if p.name == name {
					lines = append(lines, strconv.Itoa(p.line))
				}
			}
			return errorf(c.get(name).line, name, "appears %d times in one %s (lines %s); it may appear once",
				len(lines), c.name, strings.Join(lines, ", "))
		}
	}
	for _, ch := range c.children {
		if c.name == "VJOURNAL" || ch.name != "VALARM" {
			return errorf(ch.line, ch.name, "a %s may not contain a %s", c.name, ch.name)
		}
	}
	end := "DTEND"
	if c.name == "VTODO" {
		end = "DUE"
	}
	if c.get(end) != nil && c.get("DURATION") != nil {
		c.remove("DURATION") // both given: DTEND/DUE wins (package doc)
	}
	if c.name == "VTODO" && c.get("DURATION") != nil && c.get("DTSTART") == nil {
		return errorf(c.get("DURATION").line, "DURATION", "a VTODO with DURATION needs DTSTART")
	}
	switch n := c.count("DTSTAMP"); {
	case n > 1:
		return errorf(c.get("DTSTAMP").line, "DTSTAMP", "appears %d times", n)
	case n == 0:
		c.insert(indexOf(c, "UID")+1, prop{name: "DTSTAMP", value: repairStamp(c), line: c.line})
	}
	return nil
}

func indexOf(c *component, name string) int {
	for i := range c.props {
		if c.props[i].name == name {
			return i
		}
	}
	return -1
}

// repairStamp picks the DTSTAMP for a component that has none:
// LAST-MODIFIED, else CREATED, else DTSTART, else the Unix epoch.
func repairStamp(c *component) string {
	for _, n := range []string{"LAST-MODIFIED", "CREATED", "DTSTART"} {
		if p := c.get(n); p != nil {
			if t, _, err := parseDateTime(p.value, nil); err == nil {
				return formatDateTime(t, kindUTC)
			}
		}
	}
	return "19700101T000000Z"
}

// when is a parsed DATE or DATE-TIME with how it was written.
type when struct {
	t    time.Time
	kind valueKind
	tzid string // resolved IANA name for kindZoned
}

// dateTime parses a DATE or DATE-TIME property, resolving its TZID.
func dateTime(p *prop, z *zones) (when, error) {
	return dateTimeValue(p, p.value, z)
}

func dateTimeValue(p *prop, v string, z *zones) (when, error) {
	v = strings.TrimSpace(v)
	vt := strings.ToUpper(p.param("VALUE"))
	if vt == "DATE" && len(v) != 8 {
		return when{}, errorf(p.line, p.name, "%q is not a DATE (YYYYMMDD)", clip(v))
	}
	t, kind, err := parseDateTime(v, nil)
	if err != nil {
		return when{}, errorf(p.line, p.name, "%q is %v", clip(v), err)
	}
	w := when{t: t, kind: kind}
	if kind == kindFloating {
		if tzid := p.param("TZID"); tzid != "" && z != nil {
			name, loc, err := z.resolve(tzid, t.Year())
			if err != nil {
				return when{}, errorf(p.line, p.name, "%v", err)
			}
			w.t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
			w.kind, w.tzid = kindZoned, name
		}
	}
	return w, nil
}

// span is a start with a length as Timing and Override hold it.
type span struct {
	start    when
	duration time.Duration
	days     int
	hasEnd   bool
}

// timing derives the start and length of a component (RFC 5545 section
// 3.6.1: a DATE start without end lasts one day, a DATE-TIME start none).
func timing(c *component, z *zones) (span, error) {
	var sp span
	startP := c.get("DTSTART")
	endName := "DTEND"
	if c.name == "VTODO" {
		endName = "DUE"
	}
	endP := c.get(endName)
	if startP == nil {
		switch {
		case c.name == "VEVENT":
			if rid := c.get("RECURRENCE-ID"); rid != nil {
				startP = rid // lenient: an override without DTSTART keeps its instance's start
				break
			}
			return sp, errorf(c.line, "DTSTART", "a VEVENT needs DTSTART")
		case c.name == "VTODO" && endP != nil:
			due, err := dateTime(endP, z)
			if err != nil {
				return sp, err
			}
			return span{start: due, hasEnd: true}, nil
		default:
			return sp, nil
		}
	}
	start, err := dateTime(startP, z)
	if err != nil {
		return sp, err
	}
	sp.start = start
	if endP != nil {
		end, err := dateTime(endP, z)
		if err != nil {
			return sp, err
		}
		if (start.kind == kindDate) != (end.kind == kindDate) {
			return sp, errorf(endP.line, endName, "is a %s but DTSTART is a %s", kindWord(end.kind), kindWord(start.kind))
		}
		if end.t.Before(start.t) && !(start.kind == kindFloating || end.kind == kindFloating) ||
			(start.kind == kindFloating || end.kind == kindFloating) && wall(end.t).Before(wall(start.t)) {
			return sp, errorf(endP.line, endName, "%s is before DTSTART %s", endP.value, startP.value)
		}
		sp.hasEnd = true
		if start.kind == kindDate {
			sp.days = int(end.t.Sub(start.t).Hours()+12) / 24
		} else if start.kind == kindFloating || end.kind == kindFloating {
			sp.duration = wall(end.t).Sub(wall(start.t))
		} else {
			sp.duration = end.t.Sub(start.t)
		}
		return sp, nil
	}
	if dp := c.get("DURATION"); dp != nil {
		d, err := parseDuration(strings.TrimSpace(dp.value))
		if err != nil {
			return sp, errorf(dp.line, "DURATION", "%q is %v", clip(dp.value), err)
		}
		if d.neg && (d.days > 0 || d.exact > 0) {
			return sp, errorf(dp.line, "DURATION", "negative")
		}
		sp.days, sp.duration = d.days, d.exact
		sp.hasEnd = true
		return sp, nil
	}
	if start.kind == kindDate && c.name == "VEVENT" {
		sp.days = 1
	}
	return sp, nil
}

func kindWord(k valueKind) string {
	if k == kindDate {
		return "DATE"
	}
	return "DATE-TIME"
}

// wall returns t's wall clock as a UTC time.
func wall(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// dates parses the values of every RDATE or EXDATE property of c.
func dates(c *component, name string, z *zones) ([]model.Period, error) {
	var out []model.Period
	for i := range c.props {
		p := &c.props[i]
		if p.name != name {
			continue
		}
		period := strings.EqualFold(p.param("VALUE"), "PERIOD")
		for _, v := range splitList(p.value) {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			var per model.Period
			if slash := strings.IndexByte(v, '/'); slash >= 0 || period {
				if slash < 0 || name != "RDATE" {
					return nil, errorf(p.line, name, "%q is not a PERIOD (start/end or start/duration)", clip(v))
				}
				st, err := dateTimeValue(p, v[:slash], z)
				if err != nil {
					return nil, err
				}
				per.Start = st.t
				rest := v[slash+1:]
				if len(rest) > 0 && (rest[0] == 'P' || rest[0] == '+' || rest[0] == 'p') {
					d, err := parseDuration(rest)
					if err != nil || d.neg {
						return nil, errorf(p.line, name, "%q: the period's duration is not a positive DURATION", clip(v))
					}
					per.Duration = goDuration(d)
				} else {
					en, err := dateTimeValue(p, rest, z)
					if err != nil {
						return nil, err
					}
					per.Duration = en.t.Sub(st.t)
					if st.kind == kindFloating || en.kind == kindFloating {
						per.Duration = wall(en.t).Sub(wall(st.t))
					}
					if per.Duration < 0 {
						return nil, errorf(p.line, name, "%q: the period ends before it starts", clip(v))
					}
				}
			} else {
				w, err := dateTimeValue(p, v, z)
				if err != nil {
					return nil, err
				}
				per.Start = w.t
			}
			out = append(out, per)
		}
	}
	return out, nil
}

// validateRRule checks an RRULE with the recurrence engine's own parser
// (model.ValidateRRule), so what is stored can be expanded.
func validateRRule(p *prop) error {
	if err := model.ValidateRRule(p.value); err != nil {
		return &Error{Line: p.line, Prop: "RRULE", Err: err}
	}
	return nil
}

// object builds the model.Object of one UID.
func (g *group) object(w *writer) (model.Object, error) {
	first := g.master
	if first == nil {
		first = g.overrides[0]
	}
	o := model.Object{
		Name:      ObjectName(g.uid),
		UID:       strings.Clone(g.uid),
		Component: g.comp,
		Line:      first.c.line,
	}
	masterSummary := first.c.text("SUMMARY")
	o.Summary = strings.Clone(masterSummary)
	tm := &o.Timing
	if g.master != nil {
		c, z := g.master.c, g.master.z
		sp, err := timing(c, z)
		if err != nil {
			return o, err
		}
		setTiming(tm, sp)
		if p := c.get("RRULE"); p != nil {
			if err := validateRRule(p); err != nil {
				return o, err
			}
			tm.RRule = strings.Clone(strings.TrimSpace(p.value))
		}
		if tm.RDates, err = dates(c, "RDATE", z); err != nil {
			return o, err
		}
		ex, err := dates(c, "EXDATE", z)
		if err != nil {
			return o, err
		}
		for _, e := range ex {
			tm.ExDates = append(tm.ExDates, e.Start)
		}
	}
	for _, e := range g.overrides {
		c := e.c
		rp := c.get("RECURRENCE-ID")
		rid, err := dateTime(rp, e.z)
		if err != nil {
			return o, err
		}
		sp, err := timing(c, e.z)
		if err != nil {
			return o, err
		}
		ov := model.Override{
			RecurrenceID:  rid.t,
			ThisAndFuture: strings.EqualFold(rp.param("RANGE"), "THISANDFUTURE"),
			Start:         sp.start.t,
			Duration:      sp.duration,
			Days:          sp.days,
			AllDay:        sp.start.kind == kindDate,
			Floating:      sp.start.kind == kindFloating,
			TZID:          sp.start.tzid,
			Cancelled:     strings.EqualFold(strings.TrimSpace(c.text("STATUS")), "CANCELLED"),
		}
		if s := c.text("SUMMARY"); s != masterSummary {
			ov.Summary = strings.Clone(s)
		}
		tm.Overrides = append(tm.Overrides, ov)
	}
	if g.master == nil {
		// Only overrides (an invitation to some instances): the instances
		// are the overridden ones, so list them as the start and RDATEs.
		tm.Start = tm.Overrides[0].RecurrenceID
		tm.AllDay, tm.Floating = tm.Overrides[0].AllDay, tm.Overrides[0].Floating
		tm.TZID = tm.Overrides[0].TZID
		tm.Duration, tm.Days, tm.HasEnd = tm.Overrides[0].Duration, tm.Overrides[0].Days, true
		for _, ov := range tm.Overrides[1:] {
			tm.RDates = append(tm.RDates, model.Period{Start: ov.RecurrenceID})
		}
	}
	o.Data = g.data(w)
	return o, nil
}

func setTiming(tm *model.Timing, sp span) {
	tm.Start = sp.start.t
	tm.TZID = sp.start.tzid
	tm.Duration = sp.duration
	tm.Days = sp.days
	tm.AllDay = sp.start.kind == kindDate
	tm.Floating = sp.start.kind == kindFloating
	tm.HasEnd = sp.hasEnd
}

const prodID = "-//rota//rota//EN"

// data writes the object's VCALENDAR.
func (g *group) data(w *writer) []byte {
	w.buf = w.buf[:0]
	first := g.master
	if first == nil {
		first = g.overrides[0]
	}
	comps := make([]*entry, 0, 1+len(g.overrides))
	if g.master != nil {
		comps = append(comps, g.master)
	}
	comps = append(comps, g.overrides...)
	writeCalendarHead(w, first.cal, g.resource)
	// VTIMEZONEs used by any property of the components, in order of use.
	var seen map[string]bool
	for _, e := range comps {
		forEachTZID(e.c, func(tzid string) {
			if seen[tzid] {
				return
			}
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[tzid] = true
			for _, x := range comps {
				if def := x.z.defs[tzid]; def != nil {
					w.component(def)
					return
				}
			}
		})
	}
	for _, e := range comps {
		w.component(e.c)
	}
	w.end("VCALENDAR")
	return w.keep(w.buf)
}

// writeCalendarHead begins a VCALENDAR with VERSION, PRODID and CALSCALE
// of cal; with all, the calendar's other properties too (X-WR-TIMEZONE,
// X-APPLE-*, NAME...), so a client gets back what it PUT, except METHOD,
// which a stored resource may not have (RFC 4791 section 4.1).
func writeCalendarHead(w *writer, cal *component, all bool) {
	w.begin("VCALENDAR")
	version, prod := prop{name: "VERSION", value: "2.0"}, prop{name: "PRODID", value: prodID}
	if cal != nil {
		if p := cal.get("VERSION"); p != nil {
			version = *p
		}
		if p := cal.get("PRODID"); p != nil {
			prod = *p
		}
	}
	w.prop(&version)
	w.prop(&prod)
	if cal != nil {
		if p := cal.get("CALSCALE"); p != nil {
			w.prop(p)
		}
	}
	if cal == nil || !all {
		return
	}
	for i := range cal.props {
		switch p := &cal.props[i]; p.name {
		case "VERSION", "PRODID", "CALSCALE", "METHOD":
		default:
			w.prop(p)
		}
	}
}

func forEachTZID(c *component, f func(string)) {
	for i := range c.props {
		p := &c.props[i]
		for _, par := range p.params {
			if par.name == "TZID" {
				for _, v := range par.values {
					f(v)
				}
			}
		}
	}
	for _, ch := range c.children {
		forEachTZID(ch, f)
	}
}

// ObjectName is the resource name Decode gives an object: its UID with
// every character other than letters, digits, '.', '_' and '-' replaced by
// '_' (as Thunderbird names items), a hash of the UID when that changed
// it, and ".ics".
func ObjectName(uid string) string {
	changed := false
	b := []byte(uid)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '_'
			changed = true
		}
	}
	if len(b) > 100 {
		b = b[:100]
		changed = true
	}
	if changed {
		h := fnv.New32a()
		h.Write([]byte(uid))
		b = append(b, '-')
		b = strconv.AppendUint(b, uint64(h.Sum32()), 16)
	}
	return string(b) + ".ics"
}
