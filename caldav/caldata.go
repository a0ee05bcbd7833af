package caldav

import (
	"bytes"
	"errors"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"rota/model"
)

// dataSpec is what a CALDAV:calendar-data element of a REPORT asks for
// beyond the stored bytes (RFC 4791 section 9.6): expansion, a limited
// recurrence set, or a subset of components and properties.
type dataSpec struct {
	expand *timeRange
	limit  *timeRange
	comp   *compSpec
}

// compSpec is CALDAV:comp with its prop/allprop and comp/allcomp.
type compSpec struct {
	name     string
	allProps bool
	props    map[string]bool
	allComps bool
	comps    []*compSpec
}

// parseDataSpec reads a calendar-data request element; nil when it asks
// for the stored data as is.
func parseDataSpec(n *node) (*dataSpec, error) {
	if n == nil {
		return nil, nil
	}
	var s dataSpec
	for i := range n.Nodes {
		c := &n.Nodes[i]
		if c.XMLName.Space != nsCalDAV {
			continue
		}
		switch c.XMLName.Local {
		case "expand":
			tr, err := parseTimeRange(c)
			if err != nil {
				return nil, err
			}
			if tr.start.IsZero() || tr.end.IsZero() {
				return nil, &filterError{elemValidFilter, "expand needs start and end"}
			}
			s.expand = tr
		case "limit-recurrence-set":
			tr, err := parseTimeRange(c)
			if err != nil {
				return nil, err
			}
			s.limit = tr
		case "comp":
			s.comp = parseCompSpec(c)
		}
	}
	if s.expand == nil && s.limit == nil && s.comp == nil {
		return nil, nil
	}
	return &s, nil
}

func parseCompSpec(n *node) *compSpec {
	name, _ := n.attr("name")
	cs := &compSpec{name: strings.ToUpper(name), props: map[string]bool{}}
	for i := range n.Nodes {
		c := &n.Nodes[i]
		if c.XMLName.Space != nsCalDAV {
			continue
		}
		switch c.XMLName.Local {
		case "allprop":
			cs.allProps = true
		case "prop":
			if p, ok := c.attr("name"); ok {
				cs.props[strings.ToUpper(p)] = true
			}
		case "allcomp":
			cs.allComps = true
		case "comp":
			cs.comps = append(cs.comps, parseCompSpec(c))
		}
	}
	return cs
}

// render produces the calendar data the spec asks for.
func (s *dataSpec) render(o *model.Object, parsed *ical.Calendar, loc *time.Location) ([]byte, error) {
	if s.expand != nil && s.comp == nil {
		if b, ok := expandLines(o, s.expand, loc); ok {
			return b, nil
		}
	}
	if parsed == nil {
		var err error
		if parsed, err = parseData(o.Data); err != nil {
			return nil, err
		}
	}
	out := parsed.Component
	var err error
	switch {
	case s.expand != nil:
		out, err = expandObject(out, o, s.expand, loc)
	case s.limit != nil:
		out, err = limitObject(out, o, s.limit, loc)
	}
	if err != nil {
		return nil, err
	}
	if s.comp != nil {
		out = prune(out, s.comp)
	}
	var b bytes.Buffer
	writeComponent(&b, out)
	return b.Bytes(), nil
}

// parts splits an object's components into the master and overrides.
func parts(cal *ical.Component) (master *ical.Component, overrides []*ical.Component, other []*ical.Component) {
	for _, c := range cal.Children {
		switch c.Name {
		case "VEVENT", "VTODO", "VJOURNAL":
			if c.Props.Get("RECURRENCE-ID") != nil {
				overrides = append(overrides, c)
			} else if master == nil {
				master = c
			} else {
				other = append(other, c)
			}
		default:
			other = append(other, c)
		}
	}
	return
}

// expandObject turns an object into its instances in the range (RFC 4791
// section 9.6.5): one component per instance, RECURRENCE-ID set, no
// RRULE, RDATE or EXDATE, date-times in UTC (dates stay dates), no
// VTIMEZONE.
func expandObject(cal *ical.Component, o *model.Object, tr *timeRange, loc *time.Location) (*ical.Component, error) {
	out := &ical.Component{Name: cal.Name, Props: cloneProps(cal.Props)}
	master, overrides, _ := parts(cal)
	if master == nil && len(overrides) == 0 {
		return out, nil
	}
	if !o.Timing.Recurring() {
		for _, c := range append([]*ical.Component{master}, overrides...) {
			if c != nil {
				inst := cloneComp(c)
				utcify(inst, loc)
				out.Children = append(out.Children, inst)
			}
		}
		return out, nil
	}
	occ, err := o.Timing.Expand(tr.rng(), loc)
	if err != nil && !errors.Is(err, model.ErrTooManyInstances) {
		return nil, err
	}
	allDay := o.Timing.AllDay
	for _, oc := range occ {
		var src *ical.Component
		if oc.Overridden {
			for _, ov := range overrides {
				if t, _, err := propTime(ov.Props.Get("RECURRENCE-ID"), loc); err == nil && t.Equal(oc.RecurrenceID) {
					src = ov
					break
				}
			}
		}
		if src != nil {
			inst := cloneComp(src)
			utcify(inst, loc)
			out.Children = append(out.Children, inst)
			continue
		}
		if master == nil {
			continue
		}
		inst := cloneComp(master)
		for _, n := range []string{"RRULE", "RDATE", "EXDATE", "EXRULE"} {
			inst.Props.Del(n)
		}
		setTime(inst, "DTSTART", oc.Start, allDay, loc)
		if inst.Props.Get("DTEND") != nil {
			setTime(inst, "DTEND", oc.End, allDay, loc)
		}
		if inst.Props.Get("DUE") != nil {
			setTime(inst, "DUE", oc.End, allDay, loc)
		}
		if !oc.RecurrenceID.IsZero() {
			setTime(inst, "RECURRENCE-ID", oc.RecurrenceID, allDay, loc)
		}
		utcify(inst, loc)
		out.Children = append(out.Children, inst)
	}
	return out, nil
}

// limitObject keeps the master and the overrides of instances in the range
// (RFC 4791 section 9.6.6).
func limitObject(cal *ical.Component, o *model.Object, tr *timeRange, loc *time.Location) (*ical.Component, error) {
	master, overrides, other := parts(cal)
	occ, err := o.Timing.Expand(tr.rng(), loc)
	if err != nil && !errors.Is(err, model.ErrTooManyInstances) {
		return nil, err
	}
	out := &ical.Component{Name: cal.Name, Props: cal.Props}
	out.Children = append(out.Children, other...)
	if master != nil {
		out.Children = append(out.Children, master)
	}
	for _, ov := range overrides {
		rid, _, err := propTime(ov.Props.Get("RECURRENCE-ID"), loc)
		if err != nil {
			continue
		}
		for _, oc := range occ {
			if oc.RecurrenceID.Equal(rid) {
				out.Children = append(out.Children, ov)
				break
			}
		}
	}
	return out, nil
}

// setTime writes a DTSTART-like property: a DATE for all-day values, else
// a UTC DATE-TIME.
func setTime(c *ical.Component, name string, t time.Time, date bool, loc *time.Location) {
	p := ical.NewProp(name)
	if date {
		p.Params.Set("VALUE", "DATE")
		p.Value = t.In(loc).Format("20060102")
	} else {
		p.Value = t.UTC().Format(utcLayout)
	}
	c.Props.Set(p)
}

// utcify rewrites a component's date-times in UTC (floating ones read in
// loc); DATE values are left alone.
func utcify(c *ical.Component, loc *time.Location) {
	for _, n := range []string{"DTSTART", "DTEND", "DUE", "RECURRENCE-ID"} {
		ps := c.Props[n]
		for i := range ps {
			p := &ps[i]
			t, date, err := propTime(p, loc)
			if err != nil || date {
				continue
			}
			p.Params.Del("TZID")
			p.Value = t.UTC().Format(utcLayout)
		}
	}
}

func cloneProps(ps ical.Props) ical.Props {
	out := make(ical.Props, len(ps))
	for k, v := range ps {
		vs := make([]ical.Prop, len(v))
		for i := range v {
			vs[i] = v[i]
			if v[i].Params != nil {
				vs[i].Params = make(ical.Params, len(v[i].Params))
				for pk, pv := range v[i].Params {
					vs[i].Params[pk] = append([]string(nil), pv...)
				}
			}
		}
		out[k] = vs
	}
	return out
}

func cloneComp(c *ical.Component) *ical.Component {
	out := &ical.Component{Name: c.Name, Props: cloneProps(c.Props)}
	for _, ch := range c.Children {
		out.Children = append(out.Children, cloneComp(ch))
	}
	return out
}

// prune keeps the properties and components a CALDAV:comp asks for (RFC
// 4791 section 9.6.1).
func prune(c *ical.Component, s *compSpec) *ical.Component {
	out := &ical.Component{Name: c.Name, Props: ical.Props{}}
	for k, v := range c.Props {
		if s.allProps || s.props[k] {
			out.Props[k] = v
		}
	}
	for _, ch := range c.Children {
		if s.allComps {
			out.Children = append(out.Children, ch)
			continue
		}
		for _, sub := range s.comps {
			if strings.EqualFold(sub.name, ch.Name) {
				out.Children = append(out.Children, prune(ch, sub))
				break
			}
		}
	}
	return out
}

// writeComponent encodes a component as iCalendar text with folded lines.
// go-ical's encoder is not used: it refuses components a partial
// retrieval legitimately produces and does not fold.
func writeComponent(b *bytes.Buffer, c *ical.Component) {
	b.WriteString("BEGIN:" + c.Name + "\r\n")
	names := make([]string, 0, len(c.Props))
	for k := range c.Props {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		return propRank(names[i]) < propRank(names[j]) || propRank(names[i]) == propRank(names[j]) && names[i] < names[j]
	})
	var line strings.Builder
	for _, k := range names {
		for _, p := range c.Props[k] {
			line.Reset()
			line.WriteString(k)
			pk := make([]string, 0, len(p.Params))
			for n := range p.Params {
				pk = append(pk, n)
			}
			sort.Strings(pk)
			for _, n := range pk {
				line.WriteString(";" + n + "=")
				for i, v := range p.Params[n] {
					if i > 0 {
						line.WriteByte(',')
					}
					if strings.ContainsAny(v, ":;,") {
						line.WriteString(`"` + strings.ReplaceAll(v, `"`, "'") + `"`)
					} else {
						line.WriteString(v)
					}
				}
			}
			line.WriteByte(':')
			line.WriteString(p.Value)
			writeFolded(b, line.String())
		}
	}
	for _, ch := range c.Children {
		writeComponent(b, ch)
	}
	b.WriteString("END:" + c.Name + "\r\n")
}

// propRank puts the identifying properties first, as most producers do.
func propRank(name string) int {
	switch name {
	case "VERSION", "UID":
		return 0
	case "PRODID", "DTSTAMP":
		return 1
	case "RECURRENCE-ID":
		return 2
	case "DTSTART":
		return 3
	case "DTEND", "DUE", "DURATION":
		return 4
	}
	return 5
}

// writeFolded writes a content line folded at 75 octets (RFC 5545 section
// 3.1) without splitting a UTF-8 sequence.
func writeFolded(b *bytes.Buffer, line string) {
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = 74
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}

// pathEscape escapes a path segment, without allocating for the usual
// names.
func pathEscape(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '@') {
			return url.PathEscape(s)
		}
	}
	return s
}

// expandLines expands a VEVENT object without overrides by copying its
// stored lines: VTIMEZONEs dropped, and per instance the master's lines
// with DTSTART and DTEND rewritten (UTC, or dates for all-day events),
// RECURRENCE-ID added, RRULE, RDATE and EXDATE left out. ok is false for
// anything else, which the general path (parse, expand, encode) handles.
func expandLines(o *model.Object, tr *timeRange, loc *time.Location) ([]byte, bool) {
	t := &o.Timing
	if o.Component != "VEVENT" || len(t.Overrides) > 0 || t.Start.IsZero() || o.Data == nil {
		return nil, false
	}
	type inst struct {
		rid, start, end time.Time
	}
	var insts []inst
	if t.Recurring() {
		occ, err := t.Expand(tr.rng(), loc)
		if err != nil {
			return nil, false
		}
		for _, oc := range occ {
			if oc.Overridden {
				return nil, false
			}
			insts = append(insts, inst{oc.RecurrenceID, oc.Start, oc.End})
		}
	} else {
		start := t.Start
		if t.Floating || t.AllDay {
			start = time.Date(start.Year(), start.Month(), start.Day(), start.Hour(), start.Minute(), start.Second(), 0, loc)
		}
		insts = append(insts, inst{start: start, end: start.AddDate(0, 0, t.Days).Add(t.Duration)})
	}
	// Split the stored text: calendar lines, and the one VEVENT's lines.
	var head, event [][]byte
	depth, skip, events := 0, false, 0
	data := o.Data
	for len(data) > 0 {
		n := 0
		for {
			i := bytes.IndexByte(data[n:], '\n')
			if i < 0 {
				n = len(data)
				break
			}
			n += i + 1
			if n >= len(data) || (data[n] != ' ' && data[n] != '\t') {
				break
			}
		}
		line := data[:n]
		data = data[n:]
		name := propName(line)
		inEvent := depth >= 2
		switch name {
		case "BEGIN":
			depth++
			if depth == 2 {
				if bytes.HasPrefix(bytes.ToUpper(line), []byte("BEGIN:VEVENT")) {
					events++
				} else {
					skip = true
				}
			}
			inEvent = depth >= 2
		case "END":
			depth--
			if depth == 1 && skip {
				skip = false
				continue
			}
		}
		switch {
		case skip:
		case inEvent:
			event = append(event, line)
		default:
			head = append(head, line)
		}
	}
	if events != 1 || len(head) < 2 {
		return nil, false
	}
	format := func(name string, v time.Time) string {
		if t.AllDay {
			return name + ";VALUE=DATE:" + v.In(loc).Format("20060102") + "\r\n"
		}
		return name + ":" + v.UTC().Format(utcLayout) + "\r\n"
	}
	var b bytes.Buffer
	b.Grow(len(o.Data) * max(1, len(insts)))
	for _, l := range head[:len(head)-1] { // all but END:VCALENDAR
		b.Write(l)
	}
	for _, in := range insts {
		d := 0
		for _, l := range event {
			name := propName(l)
			switch name {
			case "BEGIN":
				d++
			case "END":
				d--
			}
			if d == 1 && name != "BEGIN" {
				switch name {
				case "DTSTART":
					b.WriteString(format("DTSTART", in.start))
					if !in.rid.IsZero() {
						b.WriteString(format("RECURRENCE-ID", in.rid))
					}
					continue
				case "DTEND":
					b.WriteString(format("DTEND", in.end))
					continue
				case "RRULE", "RDATE", "EXDATE", "EXRULE":
					continue
				}
			}
			b.Write(l)
		}
	}
	b.Write(head[len(head)-1])
	return b.Bytes(), true
}
