package caldav

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"rota/model"
	"rota/model/ics"
)

// compFilter is CALDAV:comp-filter (RFC 4791 section 9.7.1).
type compFilter struct {
	name       string
	notDefined bool
	tr         *timeRange
	props      []propFilter
	comps      []compFilter
}

// propFilter is CALDAV:prop-filter (section 9.7.2).
type propFilter struct {
	name       string
	notDefined bool
	tr         *timeRange
	text       *textMatch
	params     []paramFilter
}

// paramFilter is CALDAV:param-filter (section 9.7.3).
type paramFilter struct {
	name       string
	notDefined bool
	text       *textMatch
}

// textMatch is CALDAV:text-match (section 9.7.5) with the match-type
// attribute of RFC 6352 / draft-daboo-caldav-extensions.
type textMatch struct {
	value     string
	collation string
	matchType string
	negate    bool
}

// timeRange is CALDAV:time-range (section 9.9); a zero side is open.
type timeRange struct{ start, end time.Time }

func (tr *timeRange) rng() model.Range { return model.Range{From: tr.start, To: tr.end} }

// filterError is a filter rota cannot evaluate: answered 403 with the
// precondition element.
type filterError struct {
	elem string
	msg  string
}

func (e *filterError) Error() string { return e.msg }

func parseFilter(n *node) (*compFilter, error) {
	if n == nil {
		return nil, nil
	}
	var top *compFilter
	for i := range n.Nodes {
		c := &n.Nodes[i]
		if c.is(nsCalDAV, "comp-filter") {
			if top != nil {
				return nil, &filterError{elemValidFilter, "the filter must hold exactly one comp-filter"}
			}
			f, err := parseCompFilter(c)
			if err != nil {
				return nil, err
			}
			top = &f
		}
	}
	if top == nil {
		return nil, &filterError{elemValidFilter, "the filter holds no comp-filter"}
	}
	if top.name != "VCALENDAR" {
		return nil, &filterError{elemValidFilter, "the top comp-filter must name VCALENDAR"}
	}
	return top, nil
}

func parseCompFilter(n *node) (compFilter, error) {
	f := compFilter{}
	name, _ := n.attr("name")
	f.name = strings.ToUpper(name)
	if f.name == "" {
		return f, &filterError{elemValidFilter, "comp-filter without a name"}
	}
	for i := range n.Nodes {
		c := &n.Nodes[i]
		if c.XMLName.Space != nsCalDAV {
			continue
		}
		switch c.XMLName.Local {
		case "is-not-defined":
			f.notDefined = true
		case "time-range":
			tr, err := parseTimeRange(c)
			if err != nil {
				return f, err
			}
			f.tr = tr
		case "prop-filter":
			p, err := parsePropFilter(c)
			if err != nil {
				return f, err
			}
			f.props = append(f.props, p)
		case "comp-filter":
			sub, err := parseCompFilter(c)
			if err != nil {
				return f, err
			}
			f.comps = append(f.comps, sub)
		}
	}
	return f, nil
}

func parsePropFilter(n *node) (propFilter, error) {
	f := propFilter{}
	name, _ := n.attr("name")
	f.name = strings.ToUpper(name)
	if f.name == "" {
		return f, &filterError{elemValidFilter, "prop-filter without a name"}
	}
	for i := range n.Nodes {
		c := &n.Nodes[i]
		if c.XMLName.Space != nsCalDAV {
			continue
		}
		switch c.XMLName.Local {
		case "is-not-defined":
			f.notDefined = true
		case "time-range":
			tr, err := parseTimeRange(c)
			if err != nil {
				return f, err
			}
			f.tr = tr
		case "text-match":
			tm, err := parseTextMatch(c)
			if err != nil {
				return f, err
			}
			f.text = tm
		case "param-filter":
			p := paramFilter{}
			pn, _ := c.attr("name")
			p.name = strings.ToUpper(pn)
			for j := range c.Nodes {
				cc := &c.Nodes[j]
				switch {
				case cc.is(nsCalDAV, "is-not-defined"):
					p.notDefined = true
				case cc.is(nsCalDAV, "text-match"):
					tm, err := parseTextMatch(cc)
					if err != nil {
						return f, err
					}
					p.text = tm
				}
			}
			f.params = append(f.params, p)
		}
	}
	return f, nil
}

func parseTextMatch(n *node) (*textMatch, error) {
	tm := &textMatch{value: n.Text, collation: "i;ascii-casemap", matchType: "contains"}
	if c, ok := n.attr("collation"); ok && c != "" {
		tm.collation = c
	}
	switch tm.collation {
	case "i;ascii-casemap", "i;octet", "i;unicode-casemap":
	default:
		return nil, &filterError{elemCollation, fmt.Sprintf("collation %q is not supported", tm.collation)}
	}
	if m, ok := n.attr("match-type"); ok && m != "" {
		tm.matchType = m
	}
	switch tm.matchType {
	case "equals", "contains", "starts-with", "ends-with":
	default:
		return nil, &filterError{elemValidFilter, fmt.Sprintf("match-type %q is not supported", tm.matchType)}
	}
	if v, ok := n.attr("negate-condition"); ok && v == "yes" {
		tm.negate = true
	}
	return tm, nil
}

// parseTimeRange reads start and end (RFC 4791 section 9.9: UTC date-time;
// a date or a value without Z is read as UTC, leniently).
func parseTimeRange(n *node) (*timeRange, error) {
	tr := &timeRange{}
	var err error
	if s, ok := n.attr("start"); ok && s != "" {
		if tr.start, err = parseUTC(s); err != nil {
			return nil, &filterError{elemValidFilter, "time-range start: " + err.Error()}
		}
	}
	if s, ok := n.attr("end"); ok && s != "" {
		if tr.end, err = parseUTC(s); err != nil {
			return nil, &filterError{elemValidFilter, "time-range end: " + err.Error()}
		}
	}
	if tr.start.IsZero() && tr.end.IsZero() {
		return nil, &filterError{elemValidFilter, "time-range needs start or end"}
	}
	if !tr.start.IsZero() && !tr.end.IsZero() && !tr.end.After(tr.start) {
		return nil, &filterError{elemValidFilter, "time-range end is not after start"}
	}
	return tr, nil
}

func parseUTC(s string) (time.Time, error) {
	for _, layout := range []string{"20060102T150405Z", "20060102T150405", "20060102"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a UTC date-time", s)
}

// match applies a text-match to a value.
func (tm *textMatch) match(v string) bool {
	pat := tm.value
	switch tm.collation {
	case "i;ascii-casemap":
		v, pat = asciiLower(v), asciiLower(pat)
	case "i;unicode-casemap":
		v, pat = unicodeFold(v), unicodeFold(pat)
	}
	var ok bool
	switch tm.matchType {
	case "equals":
		ok = v == pat
	case "starts-with":
		ok = strings.HasPrefix(v, pat)
	case "ends-with":
		ok = strings.HasSuffix(v, pat)
	default:
		ok = strings.Contains(v, pat)
	}
	return ok != tm.negate
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// unicodeFold approximates the i;unicode-casemap collation (RFC 5051):
// simple case folding by mapping to upper then lower case.
func unicodeFold(s string) string { return strings.ToLower(strings.ToUpper(s)) }

// evaluator evaluates a filter over one object.
type evaluator struct {
	obj      *model.Object
	floating *time.Location
	// instances in a time range, memoised per range: expansion is the
	// costly part and every component of an object shares it.
	memo map[model.Range]bool
}

// matchObject evaluates the top (VCALENDAR) comp-filter over a parsed
// object.
func (e *evaluator) matchObject(f *compFilter, cal *ical.Component) (bool, error) {
	return e.matchComp(f, cal, nil)
}

// matchChildren evaluates comp-filter f against the children of parent:
// is-not-defined matches when no child has the name; otherwise any child
// must match.
func (e *evaluator) matchChildren(f *compFilter, parent *ical.Component) (bool, error) {
	found := false
	for _, c := range parent.Children {
		if !strings.EqualFold(c.Name, f.name) {
			continue
		}
		found = true
		if f.notDefined {
			return false, nil
		}
		ok, err := e.matchComp(f, c, parent)
		if err != nil || ok {
			return ok, err
		}
	}
	return f.notDefined && !found, nil
}

func (e *evaluator) matchComp(f *compFilter, c, parent *ical.Component) (bool, error) {
	if f.tr != nil {
		ok, err := e.compInRange(c, parent, f.tr)
		if err != nil || !ok {
			return false, err
		}
	}
	for i := range f.props {
		ok, err := e.matchProp(&f.props[i], c)
		if err != nil || !ok {
			return false, err
		}
	}
	for i := range f.comps {
		ok, err := e.matchChildren(&f.comps[i], c)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func (e *evaluator) matchProp(f *propFilter, c *ical.Component) (bool, error) {
	props := c.Props[f.name]
	if f.notDefined {
		return len(props) == 0, nil
	}
	if len(props) == 0 {
		return false, nil
	}
	for i := range props {
		p := &props[i]
		if f.tr != nil {
			t, _, err := propTime(p, e.floating)
			if err != nil || !inRange(f.tr, t) {
				continue
			}
		}
		if f.text != nil && !f.text.match(propText(p)) {
			continue
		}
		ok := true
		for j := range f.params {
			if !matchParam(&f.params[j], p) {
				ok = false
				break
			}
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

func matchParam(f *paramFilter, p *ical.Prop) bool {
	vals := p.Params.Values(f.name)
	if f.notDefined {
		return len(vals) == 0
	}
	if len(vals) == 0 {
		return false
	}
	if f.text == nil {
		return true
	}
	for _, v := range vals {
		if f.text.match(v) {
			return true
		}
	}
	return false
}

// propText is a property's value with TEXT escapes undone.
func propText(p *ical.Prop) string {
	if strings.IndexByte(p.Value, '\\') < 0 {
		return p.Value
	}
	r := strings.NewReplacer(`\\`, `\`, `\,`, `,`, `\;`, `;`, `\n`, "\n", `\N`, "\n")
	return r.Replace(p.Value)
}

// inRange: start <= t < end (a point in time, RFC 4791 section 9.9 for
// DTSTAMP-like properties and alarm triggers).
func inRange(tr *timeRange, t time.Time) bool {
	return (tr.start.IsZero() || !t.Before(tr.start)) && (tr.end.IsZero() || t.Before(tr.end))
}

// errNoTime is a component without the property asked for.
var errNoTime = errors.New("no such property")

// propTime reads a DATE or DATE-TIME property. TZIDs the Go zone database
// does not know are read in the floating zone rather than failing the
// query. date reports a DATE value.
func propTime(p *ical.Prop, floating *time.Location) (t time.Time, date bool, err error) {
	if p == nil {
		return time.Time{}, false, errNoTime
	}
	v := p.Value
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	if i := strings.IndexByte(v, '/'); i >= 0 { // PERIOD
		v = v[:i]
	}
	switch {
	case len(v) == 8:
		t, err = time.ParseInLocation("20060102", v, floating)
		return t, true, err
	case len(v) == 16 && v[15] == 'Z':
		t, err = time.ParseInLocation("20060102T150405Z", v, time.UTC)
		return t, false, err
	}
	loc := floating
	if tzid := p.Params.Get("TZID"); tzid != "" {
		// Windows, Outlook and prefixed TZIDs too, as the codec reads them.
		if l, ok := ics.Zone(tzid); ok {
			loc = l
		}
	}
	t, err = time.ParseInLocation("20060102T150405", v, loc)
	return t, false, err
}

// compInRange evaluates a time-range on one component (RFC 4791 section
// 9.9).
func (e *evaluator) compInRange(c, parent *ical.Component, tr *timeRange) (bool, error) {
	switch strings.ToUpper(c.Name) {
	case "VEVENT":
		// The object's timing covers the master, its recurrence set and
		// its overrides, with the 9.9 overlap rules.
		return e.objectInRange(tr.rng())
	case "VTODO":
		if e.obj != nil && e.obj.Timing.Recurring() && c.Props.Get("RECURRENCE-ID") == nil {
			return e.objectInRange(tr.rng())
		}
		return todoInRange(c, tr, e.floating), nil
	case "VJOURNAL":
		start, date, err := propTime(c.Props.Get("DTSTART"), e.floating)
		if err != nil {
			return false, nil
		}
		if date {
			return tr.rng().Overlaps(start, start.AddDate(0, 0, 1)), nil
		}
		return inRange(tr, start), nil
	case "VALARM":
		return e.alarmInRange(c, parent, tr)
	case "VFREEBUSY", "VAVAILABILITY", "AVAILABLE":
		start, _, err1 := propTime(c.Props.Get("DTSTART"), e.floating)
		end, _, err2 := propTime(c.Props.Get("DTEND"), e.floating)
		if err1 != nil || err2 != nil {
			return false, nil
		}
		return tr.rng().Overlaps(start, end), nil
	}
	return false, nil
}

func (e *evaluator) objectInRange(r model.Range) (bool, error) {
	if e.obj == nil {
		return false, nil
	}
	if v, ok := e.memo[r]; ok {
		return v, nil
	}
	occ, err := e.obj.Timing.Expand(r, e.floating)
	if err != nil && !errors.Is(err, model.ErrTooManyInstances) {
		return false, err
	}
	ok := len(occ) > 0
	if e.memo == nil {
		e.memo = map[model.Range]bool{}
	}
	e.memo[r] = ok
	return ok, nil
}

// todoInRange is the VTODO table of RFC 4791 section 9.9.
func todoInRange(c *ical.Component, tr *timeRange, floating *time.Location) bool {
	start, end := tr.start, tr.end
	lt := func(a, b time.Time) bool { // a < b with open sides: zero start is -inf, zero end +inf
		return a.Before(b)
	}
	// helpers treating open sides
	sLE := func(t time.Time) bool { return start.IsZero() || !start.After(t) } // start <= t
	sLT := func(t time.Time) bool { return start.IsZero() || lt(start, t) }    // start < t
	eGT := func(t time.Time) bool { return end.IsZero() || lt(t, end) }        // end > t
	eGE := func(t time.Time) bool { return end.IsZero() || !end.Before(t) }    // end >= t

	dtstart, _, errStart := propTime(c.Props.Get("DTSTART"), floating)
	due, _, errDue := propTime(c.Props.Get("DUE"), floating)
	var dur time.Duration
	hasDur := false
	if p := c.Props.Get("DURATION"); p != nil {
		if d, err := p.Duration(); err == nil {
			dur, hasDur = d, true
		}
	}
	completed, _, errCompleted := propTime(c.Props.Get("COMPLETED"), floating)
	created, _, errCreated := propTime(c.Props.Get("CREATED"), floating)

	switch {
	case errStart == nil && hasDur:
		e := dtstart.Add(dur)
		return sLE(e) && (eGT(dtstart) || eGE(e))
	case errStart == nil && errDue == nil:
		return (sLT(due) || sLE(dtstart)) && (eGT(dtstart) || eGE(due))
	case errStart == nil:
		return sLE(dtstart) && eGT(dtstart)
	case errDue == nil:
		return sLT(due) && eGE(due)
	case errCompleted == nil && errCreated == nil:
		return (sLE(created) || sLE(completed)) && (eGE(created) || eGE(completed))
	case errCompleted == nil:
		return sLE(completed) && eGE(completed)
	case errCreated == nil:
		return eGT(created)
	}
	return true
}

// alarmInRange: a VALARM matches when one of its trigger times (with
// REPEAT) falls in the range, for any instance of its parent (RFC 4791
// section 9.9).
func (e *evaluator) alarmInRange(c, parent *ical.Component, tr *timeRange) (bool, error) {
	trig := c.Props.Get("TRIGGER")
	if trig == nil || parent == nil {
		return false, nil
	}
	var repeat int
	var every time.Duration
	if p := c.Props.Get("REPEAT"); p != nil {
		repeat, _ = p.Int()
		if d := c.Props.Get("DURATION"); d != nil {
			every, _ = d.Duration()
		}
	}
	hits := func(t0 time.Time) bool {
		for k := 0; k <= repeat && k <= 1000; k++ {
			if inRange(tr, t0.Add(time.Duration(k)*every)) {
				return true
			}
		}
		return false
	}
	if strings.EqualFold(trig.Params.Get("VALUE"), "DATE-TIME") || strings.HasSuffix(trig.Value, "Z") && !strings.HasPrefix(strings.TrimLeft(trig.Value, "+-"), "P") {
		t, _, err := propTime(trig, e.floating)
		if err != nil {
			return false, nil
		}
		return hits(t), nil
	}
	off, err := trig.Duration()
	if err != nil {
		return false, nil
	}
	relEnd := strings.EqualFold(trig.Params.Get("RELATED"), "END")
	// Instances of the parent whose trigger can fall in the range.
	span := off
	if span < 0 {
		span = -span
	}
	span += time.Duration(repeat)*every + 7*24*time.Hour
	r := model.Range{}
	if !tr.start.IsZero() {
		r.From = tr.start.Add(-span)
	}
	if !tr.end.IsZero() {
		r.To = tr.end.Add(span)
	}
	if e.obj != nil && e.obj.Timing.Recurring() && parent.Props.Get("RECURRENCE-ID") == nil {
		occ, err := e.obj.Timing.Expand(r, e.floating)
		if err != nil && !errors.Is(err, model.ErrTooManyInstances) {
			return false, err
		}
		for _, o := range occ {
			base := o.Start
			if relEnd {
				base = o.End
			}
			if hits(base.Add(off)) {
				return true, nil
			}
		}
		return false, nil
	}
	start, date, err := propTime(parent.Props.Get("DTSTART"), e.floating)
	if err != nil && !(relEnd && parent.Props.Get("DUE") != nil) {
		// No start to be relative to; a task's alarm relative to its end
		// still has DUE (RFC 5545 section 3.8.6.3).
		return false, nil
	}
	base := start
	if relEnd {
		end, _, err := propTime(parent.Props.Get("DTEND"), e.floating)
		if err != nil {
			end, _, err = propTime(parent.Props.Get("DUE"), e.floating)
		}
		if err != nil {
			end = start
			if d := parent.Props.Get("DURATION"); d != nil {
				if dd, err := d.Duration(); err == nil {
					end = start.Add(dd)
				}
			} else if date {
				end = start.AddDate(0, 0, 1)
			}
		}
		base = end
	}
	return hits(base.Add(off)), nil
}
