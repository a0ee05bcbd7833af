package sqlite

import (
	"bytes"
	"strings"
)

// searchProps are the properties whose values Search looks at. The store
// does not depend on the codec, so it reads them from the raw iCalendar
// text with the few rules needed for that: unfolding, the value after the
// first colon outside quotes, CN parameters, and text escapes.
var searchProps = map[string]bool{
	"SUMMARY": true, "DESCRIPTION": true, "LOCATION": true, "COMMENT": true, "CATEGORIES": true,
	"RESOURCES": true, "CONTACT": true, "ATTENDEE": true, "ORGANIZER": true, "X-ROTA-AGENDA": true,
}

// searchText is the lower-cased text Search matches: the summary and the
// searchable properties, one per line.
func searchText(summary string, data []byte) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(summary))
	for _, line := range unfold(data) {
		name, params, value, ok := splitLine(line)
		if !ok || !searchProps[strings.ToUpper(name)] {
			continue
		}
		if cn := param(params, "CN"); cn != "" {
			b.WriteByte('\n')
			b.WriteString(strings.ToLower(cn))
		}
		b.WriteByte('\n')
		b.WriteString(strings.ToLower(unescape(value)))
	}
	return b.String()
}

// unfold splits iCalendar text into logical lines (RFC 5545 section 3.1).
func unfold(data []byte) []string {
	var lines []string
	var cur []byte
	for _, raw := range bytes.Split(data, []byte("\n")) {
		raw = bytes.TrimSuffix(raw, []byte("\r"))
		if len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t') {
			cur = append(cur, raw[1:]...)
			continue
		}
		if cur != nil {
			lines = append(lines, string(cur))
		}
		cur = append([]byte(nil), raw...)
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// splitLine cuts a content line into its name, parameter text and value.
func splitLine(line string) (name, params, value string, ok bool) {
	quoted := false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				head := line[:i]
				name, params, _ = strings.Cut(head, ";")
				return name, params, line[i+1:], true
			}
		}
	}
	return "", "", "", false
}

// param returns the value of parameter key in params ("A=b;CN=\"x\"").
func param(params, key string) string {
	for params != "" {
		var p string
		quoted := false
		i := 0
		for ; i < len(params); i++ {
			if params[i] == '"' {
				quoted = !quoted
			} else if params[i] == ';' && !quoted {
				break
			}
		}
		p, params = params[:i], params[min(i+1, len(params)):]
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(k, key) {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

var unescaper = strings.NewReplacer(`\n`, "\n", `\N`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`)

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return unescaper.Replace(s)
}
