package ics

import (
	"fmt"
	"io"
	"time"

	"rota/model"
)

// Encode writes one VCALENDAR holding every component of objs, for export
// and feeds: VTIMEZONEs merged (the first definition of a TZID wins, and
// one is generated for a TZID no object defines that Decode resolves:
// IANA, Windows and prefixed names), then each object's
// components in order, lines folded. calName, when set, becomes NAME (RFC
// 7986) and X-WR-CALNAME.
func Encode(w io.Writer, objs []model.Object, calName string) error {
	var (
		out   writer
		zones []*component
		comps []*component
		have  = map[string]bool{}
		used  []string
	)
	for _, o := range objs {
		cals, err := parse(string(o.Data))
		if err != nil {
			return fmt.Errorf("ics: encode %q: %w", o.Name, err)
		}
		for _, cal := range cals {
			for _, c := range cal.children {
				if c.name == "VTIMEZONE" {
					id := ""
					if p := c.get("TZID"); p != nil {
						id = p.value
					}
					if !have[id] {
						have[id] = true
						zones = append(zones, c)
					}
					continue
				}
				forEachTZID(c, func(tzid string) { used = append(used, tzid) })
				comps = append(comps, c)
			}
		}
	}
	for _, id := range used {
		if have[id] {
			continue
		}
		have[id] = true
		// Windows and prefixed TZIDs resolve as Decode resolves them; the
		// generated VTIMEZONE keeps the TZID the events spell.
		if loc := loadIANA(knownName(id)); loc != nil && loc != time.UTC {
			z := genVTimezone(knownName(id), loc, time.Now())
			z.props[0].value = id
			zones = append(zones, z)
		}
	}
	out.begin("VCALENDAR")
	out.raw("VERSION:2.0")
	out.raw("PRODID:" + prodID)
	out.raw("CALSCALE:GREGORIAN")
	if calName != "" {
		out.prop(&prop{name: "NAME", value: escapeText(calName)})
		out.prop(&prop{name: "X-WR-CALNAME", value: escapeText(calName)})
	}
	for _, z := range zones {
		out.component(z)
	}
	for _, c := range comps {
		out.component(c)
	}
	out.end("VCALENDAR")
	if _, err := w.Write(out.buf); err != nil {
		return fmt.Errorf("ics: encode: %w", err)
	}
	return nil
}

// VTimezone returns a VTIMEZONE component (folded, CRLF lines) for a time
// zone name Decode would resolve (IANA, Windows, prefixed), with the yearly
// rules in force in the year of ref; nil when the name is unknown or UTC.
func VTimezone(tzid string, ref time.Time) []byte {
	name := knownName(tzid)
	loc := loadIANA(name)
	if loc == nil || loc == time.UTC {
		return nil
	}
	c := genVTimezone(name, loc, ref)
	c.props[0].value = tzid
	var w writer
	w.component(c)
	return w.buf
}
