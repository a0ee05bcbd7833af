package model

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// DescribeRecurrence puts a rule in words: "every Monday and Wednesday
// until 1 Mar 2027", "every 2 weeks on Friday, 10 times", "monthly on the
// last Friday", "daily". start is the series' first start; it supplies
// what the rule leaves out (the weekday of a plain WEEKLY rule, the day of
// a MONTHLY one) and the zone a UTC UNTIL is shown in. A rule that does
// not parse is returned as written, after "repeats: ".
func DescribeRecurrence(rule string, start time.Time) string {
	r, err := parseRRule(rule)
	if err != nil {
		return "repeats: " + strings.TrimSpace(rule)
	}
	var b strings.Builder
	b.WriteString(r.describeBase(start))
	b.WriteString(r.describeFilters())
	switch {
	case r.count == 1:
		b.WriteString(", once")
	case r.count > 1:
		fmt.Fprintf(&b, ", %d times", r.count)
	}
	if r.untilKind != untilNone {
		u := r.until
		if r.untilKind == untilUTC && start.Location() != nil {
			u = u.In(start.Location())
		}
		b.WriteString(" until " + u.Format("2 Jan 2006"))
	}
	return b.String()
}

func everyN(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf("every %d %s", n, many)
}

func (r *recurRule) describeBase(start time.Time) string {
	switch r.freq {
	case rrule.SECONDLY:
		return everyN(r.interval, "every second", "seconds")
	case rrule.MINUTELY:
		return everyN(r.interval, "every minute", "minutes")
	case rrule.HOURLY:
		return everyN(r.interval, "hourly", "hours")
	case rrule.DAILY:
		return everyN(r.interval, "daily", "days")
	case rrule.WEEKLY:
		days := dayNamesOf(r.byDay)
		if len(r.byDay) == 0 {
			days = start.Weekday().String()
		}
		if r.interval == 1 {
			return "every " + days
		}
		if days == "weekday" {
			days = "weekdays"
		}
		return fmt.Sprintf("every %d weeks on %s", r.interval, days)
	case rrule.MONTHLY:
		return everyN(r.interval, "monthly", "months") + " on " + r.describeMonthDays(start)
	}
	return everyN(r.interval, "yearly", "years") + " " + r.describeYearDays(start)
}

// describeMonthDays says which days of a month: "the last Friday", "the
// 2nd and 15th", "the second-to-last weekday".
func (r *recurRule) describeMonthDays(start time.Time) string {
	switch {
	case len(r.byDay) > 0 && len(r.bySetPos) > 0:
		var pos []string
		for _, p := range r.bySetPos {
			pos = append(pos, ordinalWord(p))
		}
		return "the " + joinAnd(pos) + " " + daysAlternative(r.byDay)
	case len(r.byDay) > 0 && len(r.byMonthDay) > 0:
		return dayNamesOf(r.byDay) + " falling on the " + monthDays(r.byMonthDay)
	case len(r.byDay) > 0 && !hasOrdinal(r.byDay):
		return pluralDays(r.byDay)
	case len(r.byDay) > 0:
		return nthDays(r.byDay)
	case len(r.byMonthDay) > 0:
		return "the " + monthDays(r.byMonthDay)
	}
	return "the " + monthDays([]int{start.Day()})
}

// describeYearDays says which days of a year: "on 4 July", "on the fourth
// Thursday of November", "on day 1, 100 and 200 of the year".
func (r *recurRule) describeYearDays(start time.Time) string {
	months := monthNames(r.byMonth)
	switch {
	case len(r.byYearDay) > 0:
		var d []string
		for _, n := range r.byYearDay {
			d = append(d, fromEnd(n, fmt.Sprint))
		}
		return "on day " + joinAnd(d) + " of the year"
	case len(r.byWeekNo) > 0:
		var w []string
		for _, n := range r.byWeekNo {
			w = append(w, fromEnd(n, fmt.Sprint))
		}
		days := dayNamesOf(r.byDay)
		if len(r.byDay) == 0 {
			days = start.Weekday().String()
		}
		return "in week " + joinAnd(w) + " on " + days
	case len(r.byDay) > 0 && len(r.bySetPos) > 0:
		var pos []string
		for _, p := range r.bySetPos {
			pos = append(pos, ordinalWord(p))
		}
		s := "on the " + joinAnd(pos) + " " + daysAlternative(r.byDay)
		if months != "" {
			return s + " of " + months
		}
		return s + " of the year"
	case len(r.byDay) > 0 && len(r.byMonthDay) > 0:
		s := "on " + dayNamesOf(r.byDay) + " falling on the " + monthDays(r.byMonthDay)
		if months != "" {
			s += " of " + months
		}
		return s
	case len(r.byDay) > 0 && !hasOrdinal(r.byDay):
		if months == "" {
			return "on " + pluralDays(r.byDay)
		}
		return "on " + pluralDays(r.byDay) + " in " + months
	case len(r.byDay) > 0:
		s := "on " + nthDays(r.byDay)
		if months != "" {
			return s + " of " + months
		}
		return s + " of the year"
	case len(r.byMonthDay) > 0:
		if months == "" {
			return "on the " + monthDays(r.byMonthDay) + " of every month"
		}
		return "on the " + monthDays(r.byMonthDay) + " of " + months
	case months != "":
		return fmt.Sprintf("on %d %s", start.Day(), months)
	}
	return "on " + start.Format("2 January")
}

// describeFilters words the parts that narrow a finer rule: "in January",
// "on weekdays", "at 9:00 and 17:00".
func (r *recurRule) describeFilters() string {
	var s string
	if r.freq >= rrule.DAILY {
		if len(r.byDay) > 0 {
			s += " on " + pluralDays(r.byDay)
		}
		if len(r.byMonthDay) > 0 {
			s += " on the " + monthDays(r.byMonthDay)
		}
	}
	if r.freq >= rrule.WEEKLY && len(r.byMonth) > 0 {
		s += " in " + monthNames(r.byMonth)
	}
	if r.freq <= rrule.DAILY && (len(r.byHour) > 0 || len(r.byMinute) > 0) {
		hours, mins := r.byHour, r.byMinute
		if len(hours) == 0 || len(mins) == 0 {
			switch {
			case len(hours) == 0:
				return s + " at minute " + joinAnd(intsText(mins)) + " of the hour"
			default:
				mins = []int{0}
			}
		}
		if n := len(hours) * len(mins); n > 6 {
			return s + fmt.Sprintf(", %d times a day from %s", n, clockText(minOf(hours), minOf(mins)))
		}
		var times []string
		for _, h := range sortedInts(hours) {
			for _, m := range sortedInts(mins) {
				times = append(times, clockText(h, m))
			}
		}
		s += " at " + joinAnd(times)
	} else if r.freq > rrule.DAILY && len(r.byHour) > 0 {
		s += " during hour " + joinAnd(intsText(sortedInts(r.byHour)))
	}
	return s
}

func clockText(h, m int) string { return fmt.Sprintf("%d:%02d", h, m) }

func minOf(v []int) int {
	m := v[0]
	for _, x := range v {
		if x < m {
			m = x
		}
	}
	return m
}

func sortedInts(v []int) []int {
	c := append([]int(nil), v...)
	sort.Ints(c)
	return c
}

func intsText(v []int) []string {
	var out []string
	for _, n := range v {
		out = append(out, fmt.Sprint(n))
	}
	return out
}

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func joinOr(items []string) string {
	if len(items) < 2 {
		return joinAnd(items)
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// weekdaySet reports whether days are exactly Monday to Friday.
func weekdaySet(days []rrule.Weekday) bool {
	if len(days) != 5 {
		return false
	}
	seen := map[time.Weekday]bool{}
	for _, d := range days {
		wd, n := weekdayOf(d)
		if n != 0 || wd == time.Saturday || wd == time.Sunday {
			return false
		}
		seen[wd] = true
	}
	return len(seen) == 5
}

func dayNamesOf(days []rrule.Weekday) string {
	if weekdaySet(days) {
		return "weekday"
	}
	var names []string
	for _, d := range days {
		wd, _ := weekdayOf(d)
		names = append(names, wd.String())
	}
	if len(names) == 7 {
		return "day"
	}
	return joinAnd(names)
}

func pluralDays(days []rrule.Weekday) string {
	if weekdaySet(days) {
		return "weekdays"
	}
	var names []string
	for _, d := range days {
		wd, _ := weekdayOf(d)
		names = append(names, wd.String()+"s")
	}
	return joinAnd(names)
}

// daysAlternative is used after a position: "the third Tuesday, Wednesday
// or Thursday", "the last weekday".
func daysAlternative(days []rrule.Weekday) string {
	if weekdaySet(days) {
		return "weekday"
	}
	if len(days) == 7 {
		return "day"
	}
	var names []string
	for _, d := range days {
		wd, _ := weekdayOf(d)
		names = append(names, wd.String())
	}
	return joinOr(names)
}

func hasOrdinal(days []rrule.Weekday) bool {
	for _, d := range days {
		if _, n := weekdayOf(d); n != 0 {
			return true
		}
	}
	return false
}

// nthDays words BYDAY with ordinals: "the last Friday", "the first and last
// Sunday"; without: "every Tuesday".
func nthDays(days []rrule.Weekday) string {
	if !hasOrdinal(days) {
		if weekdaySet(days) {
			return "every weekday"
		}
		return "every " + dayNamesOf(days)
	}
	// Group ordinals by weekday: "the first and last Sunday".
	var order []time.Weekday
	byDay := map[time.Weekday][]string{}
	for _, d := range days {
		wd, n := weekdayOf(d)
		if _, ok := byDay[wd]; !ok {
			order = append(order, wd)
		}
		if n == 0 {
			byDay[wd] = append(byDay[wd], "every")
			continue
		}
		byDay[wd] = append(byDay[wd], ordinalWord(n))
	}
	var parts []string
	for _, wd := range order {
		parts = append(parts, "the "+joinAnd(byDay[wd])+" "+wd.String())
	}
	return joinAnd(parts)
}

var ordinalWords = []string{"", "first", "second", "third", "fourth", "fifth"}

// ordinalWord: 1 first, 2 second, 20 20th, -1 last, -2 second-to-last.
func ordinalWord(n int) string {
	if n == -1 {
		return "last"
	}
	if n < 0 {
		return ordinalWord(-n) + "-to-last"
	}
	if n < len(ordinalWords) {
		return ordinalWords[n]
	}
	return ordinalNumber(n)
}

// ordinalNumber: 1st, 2nd, 3rd, 11th, 22nd.
func ordinalNumber(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

func fromEnd(n int, f func(...any) string) string {
	if n == -1 {
		return "the last"
	}
	if n < 0 {
		return ordinalNumber(-n) + "-to-last"
	}
	return f(n)
}

// monthDays words BYMONTHDAY: "2nd and 15th", "last day", "3rd-to-last
// day", "1st and last day".
func monthDays(days []int) string {
	var parts []string
	negative := false
	for _, d := range days {
		switch {
		case d == -1:
			parts, negative = append(parts, "last"), true
		case d < 0:
			parts, negative = append(parts, ordinalNumber(-d)+"-to-last"), true
		default:
			parts = append(parts, ordinalNumber(d))
		}
	}
	s := joinAnd(parts)
	if negative {
		s += " day"
	}
	return s
}

func monthNames(months []int) string {
	var names []string
	for _, m := range months {
		names = append(names, time.Month(m).String())
	}
	return joinAnd(names)
}
