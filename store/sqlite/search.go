package sqlite

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// searchNames are the properties whose values Search looks at. The store
// does not depend on the codec, so it reads them from the raw iCalendar
// text with the few rules needed for that: unfolding, the value after the
// first colon outside quotes, CN parameters, and text escapes.
var searchNames = [...]string{
	"SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "CATEGORIES",
	"RESOURCES", "CONTACT", "ATTENDEE", "ORGANIZER", "X-ROTA-AGENDA",
}

func searchProp(name []byte) bool {
	for _, n := range searchNames {
		if len(n) == len(name) && bytes.EqualFold(name, []byte(n)) {
			return true
		}
	}
	return false
}

// searchText is the lower-cased text Search matches: the summary and the
// searchable properties, one per line. It runs for every object written
// (100k on a large import), so it reads data in place: only folded lines
// are copied, into one scratch buffer.
func searchText(summary string, data []byte) string {
	var b strings.Builder
	b.Grow(len(summary) + 64)
	writeLower(&b, summary)
	var scratch []byte
	if len(data) > 0 && (data[0] == ' ' || data[0] == '\t') {
		data = data[1:] // a continuation of nothing
	}
	for len(data) > 0 {
		// One logical line: a physical line and its continuations.
		line, rest := physical(data)
		if name, ok := lineName(line); ok && !searchProp(name) {
			// Not searched: skipped with its continuations, uncopied.
			for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
				_, rest = physical(rest)
			}
			data = rest
			continue
		}
		if len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
			scratch = append(scratch[:0], line...)
			for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
				var more []byte
				more, rest = physical(rest)
				scratch = append(scratch, more[1:]...)
			}
			line = scratch
		}
		data = rest
		name, params, value, ok := splitLine(line)
		if !ok || !searchProp(name) {
			continue
		}
		if cn := param(params, "CN"); len(cn) > 0 {
			b.WriteByte('\n')
			writeLower(&b, cn)
		}
		b.WriteByte('\n')
		writeValue(&b, value)
	}
	return b.String()
}

// lineName is the property name of a content line, read from its first
// physical line; ok is false when that line does not hold the whole name.
func lineName(line []byte) (name []byte, ok bool) {
	for i, c := range line {
		if c == ';' || c == ':' {
			return line[:i], true
		}
	}
	return nil, false
}

// physical cuts the first physical line (without its CR LF) off data.
func physical(data []byte) (line, rest []byte) {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		return bytes.TrimSuffix(data, []byte("\r")), nil
	}
	return bytes.TrimSuffix(data[:i], []byte("\r")), data[i+1:]
}

// splitLine cuts a content line into its name, parameter text and value.
func splitLine(line []byte) (name, params, value []byte, ok bool) {
	quoted := false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				head := line[:i]
				name, params, _ = bytes.Cut(head, []byte(";"))
				return name, params, line[i+1:], true
			}
		}
	}
	return nil, nil, nil, false
}

// param returns the value of parameter key in params ("A=b;CN=\"x\"").
func param(params []byte, key string) []byte {
	for len(params) > 0 {
		quoted := false
		i := 0
		for ; i < len(params); i++ {
			if params[i] == '"' {
				quoted = !quoted
			} else if params[i] == ';' && !quoted {
				break
			}
		}
		var p []byte
		p, params = params[:i], params[min(i+1, len(params)):]
		k, v, _ := bytes.Cut(p, []byte("="))
		if len(k) == len(key) && bytes.EqualFold(k, []byte(key)) {
			return bytes.Trim(v, `"`)
		}
	}
	return nil
}

// writeLower writes strings.ToLower(s), without a copy for ASCII text.
func writeLower[T string | []byte](b *strings.Builder, s T) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			b.WriteString(strings.ToLower(string(s)))
			return
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
}

// writeValue writes a TEXT value unescaped (\n \N \, \; \\) and lower-cased.
func writeValue(b *strings.Builder, v []byte) {
	if bytes.IndexByte(v, '\\') < 0 {
		writeLower(b, v)
		return
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			switch v[i+1] {
			case 'n', 'N':
				c = '\n'
				i++
			case ',', ';', '\\':
				c = v[i+1]
				i++
			}
		}
		out = append(out, c)
	}
	writeLower(b, out)
}
