package ics

import (
	"bytes"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// The content-line parser. It keeps properties and parameters in input
// order, records the line each property starts on, and reports every
// syntax problem as an *Error instead of panicking.

type param struct {
	name   string // upper case
	values []string
}

type prop struct {
	name   string // upper case
	params []param
	value  string // raw, still escaped
	line   int
}

type component struct {
	name     string // upper case
	props    []prop
	children []*component
	line     int
}

// maxDepth bounds component nesting (VCALENDAR > VEVENT > VALARM is 3).
const maxDepth = 16

// param returns the first value of the named parameter, "" if absent.
func (p *prop) param(name string) string {
	for i := range p.params {
		if p.params[i].name == name && len(p.params[i].values) > 0 {
			return p.params[i].values[0]
		}
	}
	return ""
}

// setParam replaces (or adds, or with value "" removes) a parameter.
func (p *prop) setParam(name, value string) {
	for i := range p.params {
		if p.params[i].name == name {
			if value == "" {
				p.params = append(p.params[:i:i], p.params[i+1:]...)
			} else {
				p.params[i].values = []string{value}
			}
			return
		}
	}
	if value != "" {
		p.params = append(p.params, param{name: name, values: []string{value}})
	}
}

// get returns the first property named name, nil if none.
func (c *component) get(name string) *prop {
	for i := range c.props {
		if c.props[i].name == name {
			return &c.props[i]
		}
	}
	return nil
}

func (c *component) count(name string) int {
	n := 0
	for i := range c.props {
		if c.props[i].name == name {
			n++
		}
	}
	return n
}

// remove drops every property named name and reports where the first was.
func (c *component) remove(name string) int {
	at := -1
	out := c.props[:0]
	for i, p := range c.props {
		if p.name == name {
			if at < 0 {
				at = len(out)
			}
			continue
		}
		out = append(out, c.props[i])
	}
	for i := len(out); i < len(c.props); i++ {
		c.props[i] = prop{}
	}
	c.props = out
	return at
}

// set replaces the first property named name (keeping its position and
// dropping the others of that name) or appends p.
func (c *component) set(p prop) {
	at := c.remove(p.name)
	c.insert(at, p)
}

// insert puts p at index at, or at the end when at < 0.
func (c *component) insert(at int, p prop) {
	if at < 0 || at >= len(c.props) {
		c.props = append(c.props, p)
		return
	}
	c.props = append(c.props, prop{})
	copy(c.props[at+1:], c.props[at:])
	c.props[at] = p
}

func (c *component) text(name string) string {
	if p := c.get(name); p != nil {
		return unescapeText(p.value)
	}
	return ""
}

// parse reads a stream of top-level components (normally VCALENDARs).
// A leading UTF-8 BOM is skipped; blank lines between and after objects
// are ignored; LF and CRLF endings and space or tab continuations are
// accepted (RFC 5545 section 3.1).
func parse(s string) ([]*component, error) {
	s = strings.TrimPrefix(s, "\ufeff")
	var (
		top   []*component
		stack []*component
		lineN int // physical line number of the current position
		// implicit is the VCALENDAR made up for bare top-level components.
		implicit *component
	)
	// Properties and parameters are kept in a few large arrays (each
	// component's and property's slice capped at its length, so appending
	// to one copies it out): a large file costs a few allocations per
	// thousand properties instead of several per property. The properties
	// of each open component collect in scratch[depth] until its END.
	var (
		a       arena
		scratch [][]prop
	)
	for len(s) > 0 {
		// Read one logical line starting at physical line lineN+1.
		lineN++
		start := lineN
		i := strings.IndexByte(s, '\n')
		var line string
		if i < 0 {
			line, s = s, ""
		} else {
			line, s = s[:i], s[i+1:]
		}
		line = strings.TrimSuffix(line, "\r")
		if len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
			// Measure the continuation lines, then join them in one
			// allocation.
			n, rest := len(line), s
			for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
				j := strings.IndexByte(rest, '\n')
				var cont string
				if j < 0 {
					cont, rest = rest[1:], ""
				} else {
					cont, rest = rest[1:j], rest[j+1:]
				}
				n += len(strings.TrimSuffix(cont, "\r"))
			}
			b := make([]byte, 0, n)
			b = append(b, line...)
			for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
				lineN++
				j := strings.IndexByte(s, '\n')
				var cont string
				if j < 0 {
					cont, s = s[1:], ""
				} else {
					cont, s = s[1:j], s[j+1:]
				}
				b = append(b, strings.TrimSuffix(cont, "\r")...)
			}
			line = unsafe.String(unsafe.SliceData(b), len(b)) // b is not used again
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		p, err := a.parseLine(line, start)
		if err != nil {
			return nil, err
		}
		switch p.name {
		case "BEGIN":
			name := strings.ToUpper(strings.TrimSpace(p.value))
			if !validName(name) {
				return nil, errorf(start, "BEGIN", "invalid component name %q", p.value)
			}
			if len(stack) >= maxDepth {
				return nil, errorf(start, "BEGIN", "components nested more than %d deep", maxDepth)
			}
			c := &component{name: name, line: start}
			switch {
			case len(stack) == 0 && name == "VCALENDAR":
				top = append(top, c)
				implicit = nil
			case len(stack) == 0:
				// A bare VEVENT (or other component) without VCALENDAR, as
				// some tools write: wrap it in one.
				if implicit == nil {
					implicit = &component{name: "VCALENDAR", line: start}
					top = append(top, implicit)
				}
				implicit.children = append(implicit.children, c)
			default:
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, c)
			}
			stack = append(stack, c)
			if len(scratch) < len(stack) {
				scratch = append(scratch, nil)
			}
			scratch[len(stack)-1] = scratch[len(stack)-1][:0]
		case "END":
			name := strings.ToUpper(strings.TrimSpace(p.value))
			if len(stack) == 0 {
				return nil, errorf(start, "END", "END:%s without BEGIN", name)
			}
			cur := stack[len(stack)-1]
			if cur.name != name {
				return nil, errorf(start, "END", "END:%s closes BEGIN:%s of line %d", name, cur.name, cur.line)
			}
			cur.props = a.keepProps(scratch[len(stack)-1])
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				return nil, errorf(start, p.name, "property outside VCALENDAR")
			}
			scratch[len(stack)-1] = append(scratch[len(stack)-1], p)
		}
	}
	if len(stack) > 0 {
		c := stack[len(stack)-1]
		return nil, errorf(c.line, "BEGIN", "%s is never closed (END:%s missing)", c.name, c.name)
	}
	if len(top) == 0 {
		return nil, errorf(0, "", "no VCALENDAR found")
	}
	return top, nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// arena hands out slices of a few large arrays: parse's properties,
// parameters and parameter values. Every slice it returns is capped at its
// length, so an append to it moves it out instead of overwriting a
// neighbour.
type arena struct {
	props  []prop
	params []param
	values []string
}

const arenaChunk = 4096

func (a *arena) keepProps(ps []prop) []prop {
	if len(ps) == 0 {
		return nil
	}
	if len(ps) > cap(a.props)-len(a.props) {
		a.props = make([]prop, 0, max(arenaChunk, len(ps)))
	}
	i := len(a.props)
	a.props = append(a.props, ps...)
	return a.props[i:len(a.props):len(a.props)]
}

// parseLine is the package's parseLine with its slices from a.
func (a *arena) parseLine(line string, n int) (prop, error) {
	p, err := parseLine(line, n, a)
	return p, err
}

// parseLine splits one unfolded content line into name, parameters and
// value (RFC 5545 section 3.1 grammar). a, if not nil, provides the
// parameter slices.
func parseLine(line string, n int, a *arena) (prop, error) {
	i := strings.IndexAny(line, ";:")
	if i < 0 {
		return prop{}, errorf(n, "", "not a content line (no colon): %q", clip(line))
	}
	name := line[:i]
	if !validName(name) {
		return prop{}, errorf(n, "", "invalid property name %q", clip(name))
	}
	p := prop{name: upper(name), line: n}
	s := line[i:]
	var params []param // the line's parameters while it is read
	if a != nil {
		params = a.params[len(a.params):]
	}
	for s[0] == ';' {
		s = s[1:]
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return prop{}, errorf(n, p.name, "parameter without name=value")
		}
		pname := s[:eq]
		if !validName(pname) {
			return prop{}, errorf(n, p.name, "invalid parameter name %q", clip(pname))
		}
		s = s[eq+1:]
		par := param{name: upper(pname)}
		var values []string
		if a != nil {
			values = a.values[len(a.values):]
		}
		for {
			var v string
			if len(s) > 0 && s[0] == '"' {
				q := strings.IndexByte(s[1:], '"')
				if q < 0 {
					return prop{}, errorf(n, p.name, "parameter %s: unterminated quoted value", par.name)
				}
				v, s = s[1:1+q], s[q+2:]
			} else {
				e := strings.IndexAny(s, ";:,\"")
				if e < 0 {
					return prop{}, errorf(n, p.name, "not a content line (no colon after parameters)")
				}
				if s[e] == '"' {
					return prop{}, errorf(n, p.name, "parameter %s: stray double quote", par.name)
				}
				v, s = s[:e], s[e:]
			}
			if hasCtl(v) {
				return prop{}, errorf(n, p.name, "parameter %s: control character", par.name)
			}
			values = append(values, v)
			if len(s) == 0 {
				return prop{}, errorf(n, p.name, "not a content line (no colon after parameters)")
			}
			if s[0] == ',' {
				s = s[1:]
				continue
			}
			if s[0] != ';' && s[0] != ':' {
				return prop{}, errorf(n, p.name, "parameter %s: unexpected %q after value", par.name, s[0])
			}
			break
		}
		par.values = values[:len(values):len(values)]
		if a != nil {
			a.keepValues(values)
		}
		params = append(params, par)
	}
	if len(params) > 0 {
		p.params = params[:len(params):len(params)]
		if a != nil {
			a.keepParams(params)
		}
	}
	p.value = s[1:]
	if strings.IndexByte(p.value, '\r') >= 0 || strings.IndexByte(p.value, 0) >= 0 {
		return prop{}, errorf(n, p.name, "control character in value")
	}
	if !utf8.ValidString(p.value) {
		return prop{}, errorf(n, p.name, "value is not valid UTF-8 (save the file as UTF-8)")
	}
	return p, nil
}

// keepValues records that values (appended at the free end of a.values,
// or moved to a new array when it did not fit) are in use.
func (a *arena) keepValues(values []string) {
	if len(a.values) < cap(a.values) && len(values) <= cap(a.values)-len(a.values) && &a.values[:len(a.values)+1][len(a.values)] == &values[0] {
		a.values = a.values[:len(a.values)+len(values)]
		return
	}
	// values outgrew the free end (append copied it): start a new array
	// for the next lines.
	a.values = make([]string, 0, arenaChunk)
}

func (a *arena) keepParams(params []param) {
	if len(a.params) < cap(a.params) && len(params) <= cap(a.params)-len(a.params) && &a.params[:len(a.params)+1][len(a.params)] == &params[0] {
		a.params = a.params[:len(a.params)+len(params)]
		return
	}
	a.params = make([]param, 0, arenaChunk)
}

// upper is strings.ToUpper without the allocation for a name already in
// upper case (nearly all).
func upper(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

// hasCtl reports control characters other than HTAB (RFC 5545 section 3.1
// SAFE-CHAR/QSAFE-CHAR).
func hasCtl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return true
		}
	}
	return !utf8.ValidString(s)
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// writer serialises components with CRLF endings, folded at 75 octets.
type writer struct {
	buf  []byte
	line []byte
	// slab set: keep copies into shared arrays (a bulk decode) rather
	// than one allocation each.
	slab  bool
	arena []byte
}

// arenaSize is the size of the arrays a slab writer copies into.
const arenaSize = 256 << 10

// keep returns a copy of b that later writes do not touch.
func (w *writer) keep(b []byte) []byte {
	if !w.slab || len(b) > arenaSize/4 {
		return bytes.Clone(b)
	}
	if len(b) > cap(w.arena)-len(w.arena) {
		w.arena = make([]byte, 0, arenaSize)
	}
	start := len(w.arena)
	w.arena = append(w.arena, b...)
	return w.arena[start:len(w.arena):len(w.arena)]
}

func (w *writer) begin(name string) { w.raw("BEGIN:" + name) }
func (w *writer) end(name string)   { w.raw("END:" + name) }

func (w *writer) raw(s string) {
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
}

func (w *writer) prop(p *prop) {
	l := append(w.line[:0], p.name...)
	for _, par := range p.params {
		l = append(l, ';')
		l = append(l, par.name...)
		l = append(l, '=')
		for i, v := range par.values {
			if i > 0 {
				l = append(l, ',')
			}
			if strings.ContainsAny(v, ";:,") {
				l = append(l, '"')
				l = append(l, v...)
				l = append(l, '"')
			} else {
				l = append(l, v...)
			}
		}
	}
	l = append(l, ':')
	l = append(l, p.value...)
	w.line = l
	w.buf = appendFolded(w.buf, l)
}

// appendFolded appends one content line folded at 75 octets, never inside
// a UTF-8 sequence (RFC 5545 section 3.1).
func appendFolded(dst, line []byte) []byte {
	const max = 75
	lim := max
	for len(line) > lim {
		cut := lim
		for cut > 1 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		dst = append(dst, line[:cut]...)
		dst = append(dst, '\r', '\n', ' ')
		line = line[cut:]
		lim = max - 1
	}
	dst = append(dst, line...)
	return append(dst, '\r', '\n')
}

func (w *writer) component(c *component) {
	w.begin(c.name)
	for i := range c.props {
		w.prop(&c.props[i])
	}
	for _, ch := range c.children {
		w.component(ch)
	}
	w.end(c.name)
}

// clone deep-copies a component so edits do not touch the original.
func (c *component) clone() *component {
	n := &component{name: c.name, line: c.line, props: make([]prop, len(c.props))}
	for i, p := range c.props {
		n.props[i] = p
		if p.params != nil {
			n.props[i].params = make([]param, len(p.params))
			for j, par := range p.params {
				n.props[i].params[j] = param{name: par.name, values: append([]string(nil), par.values...)}
			}
		}
	}
	for _, ch := range c.children {
		n.children = append(n.children, ch.clone())
	}
	return n
}
