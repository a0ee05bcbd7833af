package ics

import (
	"fmt"
	"io"
	"time"

	"rota/model"
)

// EncodeAvailability writes one VCALENDAR holding the availability a as
// VAVAILABILITY components (RFC 7953), for CalDAV clients and for
// scheduling tools that read them:
//
//   - one VAVAILABILITY (PRIORITY 9, BUSYTYPE BUSY-UNAVAILABLE) with an
//     AVAILABLE per weekly interval (RRULE FREQ=WEEKLY;BYDAY, first
//     instance on or after anchor) and per date-rule interval; a date rule
//     replaces the weekly rules of its day, so those days are EXDATEs of
//     the weekly AVAILABLEs (section 4: AVAILABLE periods combine);
//   - one VAVAILABILITY of higher priority (PRIORITY 1) and no AVAILABLE
//     per blocking absence (DATE values, whole days) and per block or
//     downtime, so those periods read as unavailable whatever the weekly
//     rules say (section 4, priority ordering).
//
// Times carry the availability's TZID with a VTIMEZONE, so a rule keeps
// its wall-clock hours across DST changes. stamp is DTSTAMP.
func EncodeAvailability(w io.Writer, a *model.Availability, anchor, stamp time.Time) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("ics: encode availability %q: %w", a.Name, err)
	}
	loc := a.Location()
	tzid := a.TimeZone
	if tzid == "UTC" || tzid == "" {
		tzid = ""
	}
	uid := fmt.Sprintf("rota-availability-%d-%s", a.ID, a.Name)
	dtstamp := prop{name: "DTSTAMP", value: stamp.UTC().Format("20060102T150405Z")}
	at := func(name string, t time.Time) prop {
		t = t.In(loc)
		if tzid == "" {
			return prop{name: name, value: t.UTC().Format("20060102T150405Z")}
		}
		return prop{name: name, params: []param{{name: "TZID", values: []string{tzid}}}, value: t.Format("20060102T150405")}
	}
	clock := func(d model.LocalDate, c time.Duration) time.Time {
		if c >= 24*time.Hour {
			return d.AddDays(1).In(loc)
		}
		return time.Date(d.Year, d.Month, d.Day, int(c/time.Hour), int(c%time.Hour/time.Minute), int(c%time.Minute/time.Second), 0, loc)
	}

	base := &component{name: "VAVAILABILITY", props: []prop{
		{name: "UID", value: uid}, dtstamp,
		{name: "SUMMARY", value: escapeAvail(a.Name)},
		{name: "BUSYTYPE", value: "BUSY-UNAVAILABLE"},
		{name: "PRIORITY", value: "9"},
	}}
	dated := map[model.LocalDate]bool{}
	for _, r := range a.Rules {
		if !r.Date.IsZero() {
			dated[r.Date] = true
		}
	}
	first := model.DateOf(anchor.In(loc))
	n := 0
	for _, r := range a.Rules {
		for _, iv := range r.Intervals {
			n++
			avail := &component{name: "AVAILABLE", props: []prop{{name: "UID", value: fmt.Sprintf("%s-%d", uid, n)}, dtstamp}}
			if r.Date.IsZero() {
				d := first
				for d.Weekday() != r.Weekday {
					d = d.AddDays(1)
				}
				avail.props = append(avail.props, at("DTSTART", clock(d, iv.From)), at("DTEND", clock(d, iv.To)),
					prop{name: "RRULE", value: "FREQ=WEEKLY;BYDAY=" + model.WeekdayICal(r.Weekday)},
					prop{name: "SUMMARY", value: escapeAvail(model.WeekdayName(r.Weekday) + " " + model.FormatClock(iv.From)[:5] + "-" + model.FormatClock(iv.To)[:5])})
				for x := range dated {
					if x.Weekday() == r.Weekday && !x.Before(d) {
						avail.props = append(avail.props, at("EXDATE", clock(x, iv.From)))
					}
				}
			} else {
				avail.props = append(avail.props, at("DTSTART", clock(r.Date, iv.From)), at("DTEND", clock(r.Date, iv.To)),
					prop{name: "SUMMARY", value: escapeAvail(r.Date.String())})
			}
			base.children = append(base.children, avail)
		}
	}
	comps := []*component{base}
	for i, ab := range a.Absences {
		if !ab.Blocks() {
			continue
		}
		what := "holiday"
		if ab.Leave {
			what = "leave (" + string(ab.State) + ")"
		}
		if ab.Reason != "" {
			what += ": " + ab.Reason
		}
		comps = append(comps, &component{name: "VAVAILABILITY", props: []prop{
			{name: "UID", value: fmt.Sprintf("%s-absence-%d", uid, i+1)}, dtstamp,
			{name: "DTSTART", params: []param{{name: "VALUE", values: []string{"DATE"}}}, value: ab.From.In(time.UTC).Format("20060102")},
			{name: "DTEND", params: []param{{name: "VALUE", values: []string{"DATE"}}}, value: ab.To.AddDays(1).In(time.UTC).Format("20060102")},
			{name: "BUSYTYPE", value: "BUSY-UNAVAILABLE"},
			{name: "PRIORITY", value: "1"},
			{name: "SUMMARY", value: escapeAvail(what)},
		}})
	}
	for i, b := range a.Blocks {
		title := b.Title
		if title == "" {
			title = string(b.Kind)
		}
		comps = append(comps, &component{name: "VAVAILABILITY", props: []prop{
			{name: "UID", value: fmt.Sprintf("%s-block-%d", uid, i+1)}, dtstamp,
			at("DTSTART", b.Start), at("DTEND", b.End),
			{name: "BUSYTYPE", value: "BUSY-UNAVAILABLE"},
			{name: "PRIORITY", value: "1"},
			{name: "SUMMARY", value: escapeAvail(title)},
		}})
	}

	var out writer
	out.begin("VCALENDAR")
	out.raw("VERSION:2.0")
	out.raw("PRODID:" + prodID)
	if tzid != "" {
		out.component(genVTimezone(tzid, loc, anchor))
	}
	for _, c := range comps {
		out.component(c)
	}
	out.end("VCALENDAR")
	if _, err := w.Write(out.buf); err != nil {
		return fmt.Errorf("ics: encode availability %q: %w", a.Name, err)
	}
	return nil
}

// escapeAvail escapes TEXT (RFC 5545 section 3.3.11).
func escapeAvail(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ';', ',':
			out = append(out, '\\', c)
		case '\n':
			out = append(out, '\\', 'n')
		case '\r':
		default:
			out = append(out, c)
		}
	}
	return string(out)
}
