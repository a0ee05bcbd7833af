package ics

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// unescapeText decodes a TEXT value (RFC 5545 section 3.3.11).
func unescapeText(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default: // \\ \; \, and lenient: \x is x
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

var textEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// escapeText encodes a TEXT value.
func escapeText(s string) string { return textEscaper.Replace(s) }

// splitList splits a comma-separated list, honouring backslash escapes.
func splitList(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// valueKind says how a DATE or DATE-TIME value was written.
type valueKind uint8

const (
	kindNone     valueKind = iota
	kindDate               // VALUE=DATE
	kindFloating           // local time, no zone
	kindUTC                // ends in Z
	kindZoned              // TZID
)

func num(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

var errDateTime = errors.New("not a DATE (YYYYMMDD) or DATE-TIME (YYYYMMDDTHHMMSS[Z])")

// parseDate reads YYYYMMDD as midnight UTC.
func parseDate(s string) (time.Time, error) {
	if len(s) != 8 {
		return time.Time{}, errDateTime
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[4:6])
	d, ok3 := num(s[6:8])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(time.Month(m), y) {
		return time.Time{}, errDateTime
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parseDateTime reads a DATE or DATE-TIME value. Floating values are wall
// times in UTC; loc places values that are neither UTC nor floating.
func parseDateTime(s string, loc *time.Location) (time.Time, valueKind, error) {
	if len(s) == 8 {
		t, err := parseDate(s)
		return t, kindDate, err
	}
	if len(s) != 15 && len(s) != 16 || s[8] != 'T' && s[8] != 't' {
		return time.Time{}, 0, errDateTime
	}
	d, err := parseDate(s[:8])
	if err != nil {
		return time.Time{}, 0, err
	}
	h, ok1 := num(s[9:11])
	mi, ok2 := num(s[11:13])
	sec, ok3 := num(s[13:15])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || sec > 60 {
		return time.Time{}, 0, errDateTime
	}
	if sec == 60 {
		sec = 59 // leap second
	}
	kind := kindFloating
	l := time.UTC
	if len(s) == 16 {
		if s[15] != 'Z' && s[15] != 'z' {
			return time.Time{}, 0, errDateTime
		}
		kind = kindUTC
	} else if loc != nil {
		kind, l = kindZoned, loc
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, mi, sec, 0, l), kind, nil
}

func formatDate(t time.Time) string { return t.Format("20060102") }

// formatDateTime writes t as a DATE-TIME of the given kind.
func formatDateTime(t time.Time, kind valueKind) string {
	switch kind {
	case kindDate:
		return formatDate(t)
	case kindUTC:
		return t.UTC().Format("20060102T150405Z")
	default:
		return t.Format("20060102T150405")
	}
}

// duration is an RFC 5545 DURATION: nominal days (weeks are 7 days) and an
// exact time part, with a sign.
type duration struct {
	neg   bool
	days  int
	exact time.Duration
}

var errDuration = errors.New("not a DURATION such as PT1H30M, P1D or -P1W")

func parseDuration(s string) (duration, error) {
	var d duration
	if s == "" {
		return d, errDuration
	}
	switch s[0] {
	case '-':
		d.neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	if len(s) < 2 || s[0] != 'P' && s[0] != 'p' {
		return d, errDuration
	}
	s = s[1:]
	inTime := false
	any := false
	for len(s) > 0 {
		if s[0] == 'T' || s[0] == 't' {
			if inTime {
				return d, errDuration
			}
			inTime = true
			s = s[1:]
			continue
		}
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) || i > 9 {
			return d, errDuration
		}
		n, _ := strconv.Atoi(s[:i])
		unit := s[i] | 0x20 // lower case
		s = s[i+1:]
		any = true
		switch {
		case unit == 'w' && !inTime:
			d.days += 7 * n
		case unit == 'd' && !inTime:
			d.days += n
		case unit == 'h' && inTime:
			d.exact += time.Duration(n) * time.Hour
		case unit == 'm' && inTime:
			d.exact += time.Duration(n) * time.Minute
		case unit == 's' && inTime:
			d.exact += time.Duration(n) * time.Second
		default:
			return d, errDuration
		}
	}
	if !any {
		return d, errDuration
	}
	return d, nil
}

// signed returns the parts with the sign applied.
func (d duration) signed() (days int, exact time.Duration) {
	if d.neg {
		return -d.days, -d.exact
	}
	return d.days, d.exact
}

// formatDuration writes days and an exact part as a DURATION value.
func formatDuration(days int, exact time.Duration) string {
	if days == 0 && exact == 0 {
		return "PT0S"
	}
	var b strings.Builder
	if days < 0 || days == 0 && exact < 0 {
		b.WriteByte('-')
		days, exact = -days, -exact
	}
	b.WriteByte('P')
	if days > 0 {
		if days%7 == 0 && exact == 0 {
			b.WriteString(strconv.Itoa(days/7) + "W")
			return b.String()
		}
		b.WriteString(strconv.Itoa(days) + "D")
	}
	if exact > 0 {
		b.WriteByte('T')
		h := exact / time.Hour
		m := (exact % time.Hour) / time.Minute
		s := (exact % time.Minute) / time.Second
		if h > 0 {
			b.WriteString(strconv.Itoa(int(h)) + "H")
		}
		if m > 0 {
			b.WriteString(strconv.Itoa(int(m)) + "M")
		}
		if s > 0 || h == 0 && m == 0 {
			b.WriteString(strconv.Itoa(int(s)) + "S")
		}
	}
	return b.String()
}

// goDuration converts a duration with only an exact part (or days counted
// as 24 hours) into a time.Duration.
func goDuration(d duration) time.Duration {
	days, exact := d.signed()
	return time.Duration(days)*24*time.Hour + exact
}
