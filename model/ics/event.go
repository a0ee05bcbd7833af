package ics

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"rota/model"
)

// objectComps is a parsed object: its calendar head and components with the
// zones of the VCALENDAR each came from.
type objectComps struct {
	cal   *component
	comps []*entry
	defs  map[string]*component // VTIMEZONE by TZID
}

func parseObject(data []byte) (*objectComps, error) {
	cals, err := parse(string(data))
	if err != nil {
		return nil, err
	}
	oc := &objectComps{cal: cals[0], defs: map[string]*component{}}
	for _, cal := range cals {
		z, err := newZones(cal)
		if err != nil {
			return nil, err
		}
		for id, d := range z.defs {
			if oc.defs[id] == nil {
				oc.defs[id] = d
			}
		}
		for _, c := range cal.children {
			if c.name == "VEVENT" || c.name == "VTODO" || c.name == "VJOURNAL" {
				oc.comps = append(oc.comps, &entry{c: c, z: z, cal: cal})
			}
		}
	}
	if len(oc.comps) == 0 {
		return nil, errorf(0, "", "no VEVENT, VTODO or VJOURNAL in the object")
	}
	// Master first.
	for i, e := range oc.comps {
		if e.c.get("RECURRENCE-ID") == nil && i > 0 {
			oc.comps[0], oc.comps[i] = oc.comps[i], oc.comps[0]
			break
		}
	}
	return oc, nil
}

func (oc *objectComps) master() *entry {
	if e := oc.comps[0]; e.c.get("RECURRENCE-ID") == nil {
		return e
	}
	return nil
}

// Events returns the master (first) and the overrides of an object's Data
// as domain Events. VALARMs whose trigger is absolute or relative to the end
// are not Reminders; they stay in Data untouched.
func Events(data []byte) ([]model.Event, error) {
	oc, err := parseObject(data)
	if err != nil {
		return nil, err
	}
	evs := make([]model.Event, 0, len(oc.comps))
	for _, e := range oc.comps {
		ev, err := eventFrom(e.c, e.z)
		if err != nil {
			return nil, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

func boolProp(c *component, name string) bool {
	return strings.EqualFold(strings.TrimSpace(c.text(name)), "TRUE")
}

func intProp(c *component, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(c.text(name)))
	return n
}

func durProp(c *component, name string) time.Duration {
	if p := c.get(name); p != nil {
		if d, err := parseDuration(strings.TrimSpace(p.value)); err == nil {
			return goDuration(d)
		}
	}
	return 0
}

// eventFrom maps one component to a model.Event (DESIGN.md's table).
func eventFrom(c *component, z *zones) (model.Event, error) {
	ev := model.Event{
		UID:             c.text("UID"),
		Component:       c.name,
		Title:           c.text("SUMMARY"),
		Description:     c.text("DESCRIPTION"),
		Agenda:          c.text("X-ROTA-AGENDA"),
		Location:        c.text("LOCATION"),
		Status:          model.Status(strings.ToUpper(strings.TrimSpace(c.text("STATUS")))),
		Priority:        intProp(c, "PRIORITY"),
		Privacy:         model.Privacy(strings.ToUpper(strings.TrimSpace(c.text("CLASS")))),
		Free:            strings.EqualFold(strings.TrimSpace(c.text("TRANSP")), "TRANSPARENT"),
		LeadTime:        durProp(c, "X-ROTA-LEAD"),
		LagTime:         durProp(c, "X-ROTA-LAG"),
		Capacity:        intProp(c, "X-ROTA-CAPACITY"),
		ScheduleID:      c.text("X-ROTA-SCHEDULE"),
		Conflict:        boolProp(c, "X-ROTA-CONFLICT"),
		PercentComplete: intProp(c, "PERCENT-COMPLETE"),
		Person:          c.text("X-ROTA-PERSON"),
		Activity:        c.text("X-ROTA-ACTIVITY"),
		Client:          c.text("X-ROTA-CLIENT"),
		Link:            c.text("X-ROTA-LINK"),
		Billable:        boolProp(c, "X-ROTA-BILLABLE"),
		Break:           boolProp(c, "X-ROTA-BREAK"),
		Sequence:        intProp(c, "SEQUENCE"),
	}
	ev.Kind = model.EventKind(strings.ToLower(strings.TrimSpace(c.text("X-ROTA-KIND"))))
	if ev.Kind == "" {
		ev.Kind = model.KindAppointment
		if c.name == "VTODO" {
			ev.Kind = model.KindTask
		}
	}
	if p := c.get("RECURRENCE-ID"); p != nil {
		w, err := dateTime(p, z)
		if err != nil {
			return ev, err
		}
		ev.RecurrenceID = w.t
	}
	for _, n := range []string{"CREATED", "LAST-MODIFIED", "COMPLETED"} {
		p := c.get(n)
		if p == nil {
			continue
		}
		w, err := dateTime(p, z)
		if err != nil {
			continue // informational; a bad value is kept as written
		}
		switch n {
		case "CREATED":
			ev.Created = w.t
		case "LAST-MODIFIED":
			ev.Modified = w.t
		default:
			ev.Completed = w.t
		}
	}
	// Times. An override without DTSTART starts at its RECURRENCE-ID.
	if p := c.get("DTSTART"); p != nil || c.name == "VEVENT" && c.get("RECURRENCE-ID") != nil {
		if p == nil {
			p = c.get("RECURRENCE-ID")
		}
		w, err := dateTime(p, z)
		if err != nil {
			return ev, err
		}
		ev.Start, ev.AllDay, ev.Floating, ev.TZID = w.t, w.kind == kindDate, w.kind == kindFloating, w.tzid
	}
	if c.name == "VTODO" {
		if p := c.get("DUE"); p != nil {
			w, err := dateTime(p, z)
			if err != nil {
				return ev, err
			}
			ev.Due = w.t
			if c.get("DTSTART") == nil { // the task's times are written like DUE
				ev.AllDay, ev.Floating, ev.TZID = w.kind == kindDate, w.kind == kindFloating, w.tzid
			}
		}
		if p := c.get("DURATION"); p != nil && !ev.Start.IsZero() {
			d, err := parseDuration(strings.TrimSpace(p.value))
			if err != nil {
				return ev, errorf(p.line, "DURATION", "%v", err)
			}
			days, exact := d.signed()
			ev.End = ev.Start.AddDate(0, 0, days).Add(exact)
		}
	} else if !ev.Start.IsZero() {
		sp, err := timing(c, z)
		if err != nil {
			return ev, err
		}
		ev.End = sp.start.t.AddDate(0, 0, sp.days).Add(sp.duration)
	}
	// People.
	if p := c.get("ORGANIZER"); p != nil {
		o := participant(p)
		ev.Organizer = &o
	}
	for i := range c.props {
		p := &c.props[i]
		switch p.name {
		case "ATTENDEE":
			ev.Participants = append(ev.Participants, participant(p))
		case "RESOURCES":
			for _, v := range splitList(p.value) {
				if v = strings.TrimSpace(unescapeText(v)); v != "" {
					ev.Resources = append(ev.Resources, v)
				}
			}
		case "COMMENT":
			ev.Notes = append(ev.Notes, model.Note{Text: unescapeText(p.value)})
		}
	}
	ev.Labels = labels(c, ev.Kind)
	for _, a := range c.children {
		if r, ok := reminder(a); ok {
			ev.Reminders = append(ev.Reminders, r)
		}
	}
	// Recurrence (master only).
	if c.get("RECURRENCE-ID") == nil {
		var rec model.Recurrence
		if p := c.get("RRULE"); p != nil {
			rec.RRule = strings.TrimSpace(p.value)
		}
		var err error
		if rec.RDates, err = dates(c, "RDATE", z); err != nil {
			return ev, err
		}
		ex, err := dates(c, "EXDATE", z)
		if err != nil {
			return ev, err
		}
		for _, e := range ex {
			rec.ExDates = append(rec.ExDates, e.Start)
		}
		if rec.RRule != "" || len(rec.RDates) > 0 || len(rec.ExDates) > 0 {
			ev.Recurrence = &rec
		}
	}
	return ev, nil
}

func participant(p *prop) model.Participant {
	v := strings.TrimSpace(p.value)
	if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	return model.Participant{
		Name:   p.param("CN"),
		Email:  v,
		Role:   model.Role(strings.ToUpper(p.param("ROLE"))),
		Type:   model.ParticipantType(strings.ToUpper(p.param("CUTYPE"))),
		Status: model.Invitation(strings.ToUpper(p.param("PARTSTAT"))),
		RSVP:   strings.EqualFold(p.param("RSVP"), "TRUE"),
	}
}

// labels reads CATEGORIES; the entry naming the kind (written beside
// X-ROTA-KIND) is not a label.
func labels(c *component, kind model.EventKind) []model.Label {
	var out []model.Label
	skipKind := c.get("X-ROTA-KIND") != nil
	for i := range c.props {
		p := &c.props[i]
		if p.name != "CATEGORIES" {
			continue
		}
		color := p.param("X-ROTA-LABEL-COLOR")
		for _, v := range splitList(p.value) {
			v = strings.TrimSpace(unescapeText(v))
			if v == "" {
				continue
			}
			if skipKind && strings.EqualFold(v, string(kind)) {
				skipKind = false
				continue
			}
			out = append(out, model.Label{Name: v, Color: color})
		}
	}
	return out
}

// reminder reads a VALARM with a TRIGGER relative to the start.
func reminder(a *component) (model.Reminder, bool) {
	t := a.get("TRIGGER")
	if a.name != "VALARM" || t == nil || strings.EqualFold(t.param("VALUE"), "DATE-TIME") ||
		strings.EqualFold(t.param("RELATED"), "END") {
		return model.Reminder{}, false
	}
	d, err := parseDuration(strings.TrimSpace(t.value))
	if err != nil {
		return model.Reminder{}, false
	}
	return model.Reminder{
		Before:      -goDuration(d),
		Action:      strings.ToUpper(strings.TrimSpace(a.text("ACTION"))),
		Description: a.text("DESCRIPTION"),
	}, true
}

// format says how the times of a component are written: like its DTSTART.
type format struct {
	allDay, floating bool
	tzid             string            // IANA name
	tzText           map[string]string // IANA name -> TZID text already in the object
}

func (f *format) tzParam(name string) string {
	if t, ok := f.tzText[name]; ok {
		return t
	}
	return name
}

// timeProp renders t in the given style (RFC 5545 section 3.3.4, 3.3.5).
func (f *format) timeProp(name string, t time.Time, allDay, floating bool, tzid string) prop {
	p := prop{name: name}
	switch {
	case allDay:
		p.params = []param{{name: "VALUE", values: []string{"DATE"}}}
		p.value = formatDate(t)
	case floating:
		p.value = formatDateTime(t, kindFloating)
	case tzid != "" && tzid != "UTC" && loadIANA(tzid) != nil:
		p.params = []param{{name: "TZID", values: []string{f.tzParam(tzid)}}}
		p.value = formatDateTime(t.In(loadIANA(tzid)), kindZoned)
	default:
		p.value = formatDateTime(t, kindUTC)
	}
	return p
}

// like renders t in the component's own style.
func (f *format) like(name string, t time.Time) prop {
	return f.timeProp(name, t, f.allDay, f.floating, f.tzid)
}

// group is a set of properties one part of an Event owns.
type fieldGroup struct {
	names  []string // properties written
	owned  []string // parameters the group sets; others of an old property are kept
	render func(ev *model.Event, c *component, f *format) []prop
}

func textProp(name, v string) []prop {
	if v == "" {
		return nil
	}
	return []prop{{name: name, value: escapeText(v)}}
}

func flagProp(name string, v bool) []prop {
	if !v {
		return nil
	}
	return []prop{{name: name, value: "TRUE"}}
}

func participantProp(name string, p model.Participant) prop {
	v := p.Email
	if strings.Contains(v, "@") && !strings.Contains(v, ":") {
		v = "mailto:" + v
	}
	pr := prop{name: name, value: v}
	set := func(k, val string) {
		if val = strings.ReplaceAll(val, `"`, "'"); val != "" && !hasCtl(val) {
			pr.params = append(pr.params, param{name: k, values: []string{val}})
		}
	}
	set("CN", p.Name)
	set("CUTYPE", string(p.Type))
	set("ROLE", string(p.Role))
	set("PARTSTAT", string(p.Status))
	if p.RSVP {
		set("RSVP", "TRUE")
	}
	return pr
}

var groups = []fieldGroup{
	{names: []string{"SUMMARY"}, render: func(ev *model.Event, _ *component, _ *format) []prop { return textProp("SUMMARY", ev.Title) }},
	{names: []string{"DESCRIPTION"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		return textProp("DESCRIPTION", ev.Description)
	}},
	{names: []string{"X-ROTA-AGENDA"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		return textProp("X-ROTA-AGENDA", ev.Agenda)
	}},
	{names: []string{"LOCATION"}, render: func(ev *model.Event, _ *component, _ *format) []prop { return textProp("LOCATION", ev.Location) }},
	{names: []string{"DTSTART"}, owned: []string{"VALUE", "TZID"}, render: func(ev *model.Event, _ *component, f *format) []prop {
		if ev.Start.IsZero() {
			return nil
		}
		return []prop{f.timeProp("DTSTART", ev.Start, ev.AllDay, ev.Floating, ev.TZID)}
	}},
	{names: []string{"DTEND", "DURATION"}, owned: []string{"VALUE", "TZID"}, render: func(ev *model.Event, c *component, f *format) []prop {
		if ev.End.IsZero() || ev.Start.IsZero() {
			return nil
		}
		useDuration := c.get("DURATION") != nil || c.name == "VTODO"
		if c.name == "VTODO" && !ev.Due.IsZero() {
			return nil
		}
		if useDuration {
			if ev.AllDay {
				return []prop{{name: "DURATION", value: formatDuration(int(ev.End.Sub(ev.Start).Hours()+12)/24, 0)}}
			}
			return []prop{{name: "DURATION", value: formatDuration(0, ev.End.Sub(ev.Start))}}
		}
		return []prop{f.timeProp("DTEND", ev.End, ev.AllDay, ev.Floating, ev.TZID)}
	}},
	{names: []string{"DUE"}, owned: []string{"VALUE", "TZID"}, render: func(ev *model.Event, _ *component, f *format) []prop {
		if ev.Due.IsZero() {
			return nil
		}
		return []prop{f.timeProp("DUE", ev.Due, ev.AllDay, ev.Floating, ev.TZID)}
	}},
	{names: []string{"COMPLETED"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		if ev.Completed.IsZero() {
			return nil
		}
		return []prop{{name: "COMPLETED", value: formatDateTime(ev.Completed, kindUTC)}}
	}},
	{names: []string{"PERCENT-COMPLETE"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		if ev.PercentComplete == 0 {
			return nil
		}
		return []prop{{name: "PERCENT-COMPLETE", value: strconv.Itoa(ev.PercentComplete)}}
	}},
	{names: []string{"STATUS"}, render: func(ev *model.Event, _ *component, _ *format) []prop { return textProp("STATUS", string(ev.Status)) }},
	{names: []string{"ORGANIZER"}, owned: []string{"CN", "CUTYPE", "ROLE", "PARTSTAT", "RSVP"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		if ev.Organizer == nil {
			return nil
		}
		return []prop{participantProp("ORGANIZER", *ev.Organizer)}
	}},
	{names: []string{"ATTENDEE"}, owned: []string{"CN", "CUTYPE", "ROLE", "PARTSTAT", "RSVP"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		var out []prop
		for _, p := range ev.Participants {
			out = append(out, participantProp("ATTENDEE", p))
		}
		return out
	}},
	{names: []string{"X-ROTA-KIND", "CATEGORIES"}, owned: []string{"X-ROTA-LABEL-COLOR"}, render: func(ev *model.Event, c *component, _ *format) []prop {
		var out []prop
		var plain []string
		if def := defaultKind(c.name); ev.Kind != "" && ev.Kind != def {
			out = append(out, prop{name: "X-ROTA-KIND", value: escapeText(string(ev.Kind))})
			plain = append(plain, escapeText(string(ev.Kind)))
		}
		// Runs of labels without colour share one CATEGORIES; a coloured
		// label has its own, so the order survives.
		flush := func() {
			if len(plain) > 0 {
				out = append(out, prop{name: "CATEGORIES", value: strings.Join(plain, ",")})
				plain = nil
			}
		}
		for _, l := range ev.Labels {
			if l.Color == "" {
				plain = append(plain, escapeText(l.Name))
				continue
			}
			flush()
			out = append(out, prop{name: "CATEGORIES", value: escapeText(l.Name),
				params: []param{{name: "X-ROTA-LABEL-COLOR", values: []string{l.Color}}}})
		}
		flush()
		return out
	}},
	{names: []string{"RESOURCES"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		if len(ev.Resources) == 0 {
			return nil
		}
		vs := make([]string, len(ev.Resources))
		for i, r := range ev.Resources {
			vs[i] = escapeText(r)
		}
		return []prop{{name: "RESOURCES", value: strings.Join(vs, ",")}}
	}},
	{names: []string{"PRIORITY"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		if ev.Priority == 0 {
			return nil
		}
		return []prop{{name: "PRIORITY", value: strconv.Itoa(ev.Priority)}}
	}},
	{names: []string{"CLASS"}, render: func(ev *model.Event, _ *component, _ *format) []prop { return textProp("CLASS", string(ev.Privacy)) }},
	{names: []string{"TRANSP"}, render: func(ev *model.Event, c *component, _ *format) []prop {
		if c.name != "VEVENT" {
			return nil
		}
		if ev.Free {
			return []prop{{name: "TRANSP", value: "TRANSPARENT"}}
		}
		return []prop{{name: "TRANSP", value: "OPAQUE"}}
	}},
	{names: []string{"X-ROTA-LEAD"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		return durationProp("X-ROTA-LEAD", ev.LeadTime)
	}},
	{names: []string{"X-ROTA-LAG"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		return durationProp("X-ROTA-LAG", ev.LagTime)
	}},
	{names: []string{"X-ROTA-CAPACITY"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		if ev.Capacity == 0 {
			return nil
		}
		return []prop{{name: "X-ROTA-CAPACITY", value: strconv.Itoa(ev.Capacity)}}
	}},
	{names: []string{"X-ROTA-SCHEDULE"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		return textProp("X-ROTA-SCHEDULE", ev.ScheduleID)
	}},
	{names: []string{"X-ROTA-CONFLICT"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		return flagProp("X-ROTA-CONFLICT", ev.Conflict)
	}},
	{names: []string{"X-ROTA-PERSON"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		return textProp("X-ROTA-PERSON", ev.Person)
	}},
	{names: []string{"X-ROTA-ACTIVITY"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		return textProp("X-ROTA-ACTIVITY", ev.Activity)
	}},
	{names: []string{"X-ROTA-CLIENT"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		return textProp("X-ROTA-CLIENT", ev.Client)
	}},
	{names: []string{"X-ROTA-LINK"}, render: func(ev *model.Event, _ *component, _ *format) []prop { return textProp("X-ROTA-LINK", ev.Link) }},
	{names: []string{"X-ROTA-BILLABLE"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		return flagProp("X-ROTA-BILLABLE", ev.Billable)
	}},
	{names: []string{"X-ROTA-BREAK"}, render: func(ev *model.Event, _ *component, _ *format) []prop { return flagProp("X-ROTA-BREAK", ev.Break) }},
	{names: []string{"COMMENT"}, render: func(ev *model.Event, _ *component, _ *format) []prop {
		var out []prop
		for _, n := range ev.Notes {
			out = append(out, textProp("COMMENT", n.Text)...)
		}
		return out
	}},
	{names: []string{"RRULE", "RDATE", "EXDATE"}, owned: []string{"VALUE", "TZID"}, render: func(ev *model.Event, c *component, f *format) []prop {
		r := ev.Recurrence
		if r == nil || c.get("RECURRENCE-ID") != nil || !ev.RecurrenceID.IsZero() {
			return nil
		}
		var out []prop
		if r.RRule != "" {
			out = append(out, prop{name: "RRULE", value: r.RRule})
		}
		for _, rd := range r.RDates {
			p := f.timeProp("RDATE", rd.Start, ev.AllDay, ev.Floating, ev.TZID)
			if rd.Duration > 0 && !ev.AllDay {
				p.setParam("VALUE", "PERIOD")
				p.value += "/" + formatDuration(0, rd.Duration)
			}
			out = append(out, p)
		}
		if len(r.ExDates) > 0 {
			p := f.timeProp("EXDATE", r.ExDates[0], ev.AllDay, ev.Floating, ev.TZID)
			for _, x := range r.ExDates[1:] {
				p.value += "," + f.timeProp("EXDATE", x, ev.AllDay, ev.Floating, ev.TZID).value
			}
			out = append(out, p)
		}
		return out
	}},
}

func durationProp(name string, d time.Duration) []prop {
	if d == 0 {
		return nil
	}
	return []prop{{name: name, value: formatDuration(0, d)}}
}

func defaultKind(comp string) model.EventKind {
	if comp == "VTODO" {
		return model.KindTask
	}
	return model.KindAppointment
}

func sameProps(a, b []prop) bool {
	if len(a) != len(b) {
		return false
	}
	var wa, wb writer
	for i := range a {
		wa.prop(&a[i])
		wb.prop(&b[i])
	}
	return string(wa.buf) == string(wb.buf)
}

// propKey pairs old and new properties: attendees by address, others by
// name and position.
func propKey(p *prop, n int) string {
	if p.name == "ATTENDEE" || p.name == "ORGANIZER" {
		return p.name + "\x00" + strings.ToLower(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(p.value)), "mailto:"))
	}
	return p.name + "\x00" + strconv.Itoa(n)
}

// applyEvent writes the parts of ev that differ from old into c, keeping
// every property and parameter the model does not hold.
func applyEvent(c *component, old, ev *model.Event, f *format) {
	for _, g := range groups {
		newP := g.render(ev, c, f)
		if sameProps(g.render(old, c, f), newP) {
			continue
		}
		at := -1
		oldBy := map[string]prop{}
		counts := map[string]int{}
		for i := range c.props {
			p := &c.props[i]
			if !contains(g.names, p.name) {
				continue
			}
			if at < 0 {
				at = i
			}
			oldBy[propKey(p, counts[p.name])] = *p
			counts[p.name]++
		}
		for _, n := range g.names {
			c.remove(n)
		}
		if at > len(c.props) {
			at = -1
		}
		counts = map[string]int{}
		for i := range newP {
			p := newP[i]
			if o, ok := oldBy[propKey(&p, counts[p.name])]; ok {
				// Keep the parameters the group does not own.
				var keep []param
				for _, par := range o.params {
					if !contains(g.owned, par.name) && !hasParamNamed(p.params, par.name) {
						keep = append(keep, par)
					}
				}
				p.params = append(keep, p.params...)
			}
			counts[p.name]++
			c.insert(at, p)
			if at >= 0 {
				at++
			}
		}
	}
	applyReminders(c, old, ev)
}

func hasParamNamed(ps []param, name string) bool {
	for _, p := range ps {
		if p.name == name {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// applyReminders keeps VALARMs that are not Reminders and those whose
// Reminder is still wanted, and adds the new ones.
func applyReminders(c *component, old, ev *model.Event) {
	if c.name == "VJOURNAL" || remindersEqual(old.Reminders, ev.Reminders) {
		return
	}
	want := append([]model.Reminder(nil), ev.Reminders...)
	var kids []*component
	for _, a := range c.children {
		r, ok := reminder(a)
		if !ok {
			kids = append(kids, a)
			continue
		}
		for i, w := range want {
			if w == r {
				kids = append(kids, a)
				want = append(want[:i], want[i+1:]...)
				break
			}
		}
	}
	for _, r := range want {
		action := r.Action
		if action == "" {
			action = "DISPLAY"
		}
		desc := r.Description
		if desc == "" && action == "DISPLAY" {
			desc = "Reminder"
		}
		a := &component{name: "VALARM", props: []prop{
			{name: "ACTION", value: action},
			{name: "TRIGGER", value: formatDuration(0, -r.Before)},
		}}
		a.props = append(a.props, textProp("DESCRIPTION", desc)...)
		kids = append(kids, a)
	}
	c.children = kids
}

func remindersEqual(a, b []model.Reminder) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// stamp is the time Apply and New write into DTSTAMP and LAST-MODIFIED:
// ev.Modified when the caller set it (its clock), else the current time.
func stamp(ev *model.Event) time.Time {
	if !ev.Modified.IsZero() {
		return ev.Modified.UTC().Truncate(time.Second)
	}
	return time.Now().UTC().Truncate(time.Second)
}

func bump(c *component, seq int, now time.Time) {
	c.set(prop{name: "DTSTAMP", value: formatDateTime(now, kindUTC)})
	c.set(prop{name: "LAST-MODIFIED", value: formatDateTime(now, kindUTC)})
	c.set(prop{name: "SEQUENCE", value: strconv.Itoa(seq)})
}

// formatOf returns how c writes its times, and the TZID texts in use.
func formatOf(c *component, z *zones) *format {
	f := &format{tzText: map[string]string{}}
	if z != nil {
		for text, name := range z.got {
			if _, ok := f.tzText[name]; !ok || text == name {
				f.tzText[name] = text
			}
		}
	}
	if p := c.get("DTSTART"); p != nil {
		if w, err := dateTime(p, z); err == nil {
			f.allDay, f.floating, f.tzid = w.kind == kindDate, w.kind == kindFloating, w.tzid
		}
	}
	return f
}

// Apply writes ev into data: the component with ev.UID and ev.RecurrenceID
// (a missing override is added, copied from the master). Only the parts of
// ev that differ from what data holds are rewritten, so every property and
// parameter the model does not hold (X-APPLE-*, X-MOZ-*, VALARM details)
// survives. SEQUENCE is bumped and DTSTAMP and LAST-MODIFIED set to
// ev.Modified, or the current time when that is zero. It returns the new
// Object with Data, Summary and Timing re-derived (Name is ObjectName of
// the UID; callers keep their own).
func Apply(data []byte, ev model.Event) (model.Object, error) {
	oc, err := parseObject(data)
	if err != nil {
		return model.Object{}, err
	}
	uid := oc.comps[0].c.text("UID")
	if ev.UID == "" {
		ev.UID = uid
	}
	if ev.UID != uid {
		return model.Object{}, fmt.Errorf("ics: apply: event UID %q is not the object's %q: %w", ev.UID, uid, model.ErrInvalid)
	}
	if ev.Component == "" {
		ev.Component = oc.comps[0].c.name
	}
	if err := ev.Validate(); err != nil {
		return model.Object{}, fmt.Errorf("ics: apply %q: %w", ev.UID, err)
	}
	master := oc.master()
	var target *entry
	for _, e := range oc.comps {
		if sameInstance(e, master, ev.RecurrenceID) {
			target = e
			break
		}
	}
	if target == nil {
		if ev.RecurrenceID.IsZero() || master == nil {
			return model.Object{}, fmt.Errorf("ics: apply %q: no component with that RECURRENCE-ID: %w", ev.UID, model.ErrNotFound)
		}
		if master.c.get("RRULE") == nil && master.c.get("RDATE") == nil {
			return model.Object{}, fmt.Errorf("ics: apply %q: an override of an event that does not recur: %w", ev.UID, model.ErrInvalid)
		}
		// A new override starts as a copy of the master (RFC 5545 section
		// 3.8.4.4), without the recurrence rules.
		c := master.c.clone()
		for _, n := range []string{"RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID"} {
			c.remove(n)
		}
		f := formatOf(master.c, master.z)
		rid := f.like("RECURRENCE-ID", ev.RecurrenceID)
		c.insert(indexOf(c, "DTSTART")+1, rid)
		target = &entry{c: c, z: master.z, cal: master.cal}
		oc.comps = append(oc.comps, target)
	}
	old, err := eventFrom(target.c, target.z)
	if err != nil {
		return model.Object{}, err
	}
	f := formatOf(target.c, target.z)
	applyEvent(target.c, &old, &ev, f)
	seq := old.Sequence
	if ev.Sequence > seq {
		seq = ev.Sequence
	}
	bump(target.c, seq+1, stamp(&ev))
	return oc.encode(ev.Start)
}

// sameInstance reports whether e is the component for recID (zero: the
// master). Floating and all-day values compare by wall clock.
func sameInstance(e, master *entry, recID time.Time) bool {
	p := e.c.get("RECURRENCE-ID")
	if recID.IsZero() {
		return p == nil
	}
	if p == nil {
		return false
	}
	w, err := dateTime(p, e.z)
	if err != nil {
		return false
	}
	switch w.kind {
	case kindDate:
		y1, m1, d1 := w.t.Date()
		y2, m2, d2 := recID.Date()
		return y1 == y2 && m1 == m2 && d1 == d2
	case kindFloating:
		return wall(w.t).Equal(wall(recID))
	}
	return w.t.Equal(recID)
}

// encode writes the object back: head, the VTIMEZONEs its components use
// (kept, or generated for IANA names), then the components; and decodes it
// to derive Summary and Timing.
func (oc *objectComps) encode(ref time.Time) (model.Object, error) {
	var w writer
	writeCalendarHead(&w, oc.cal, true)
	seen := map[string]bool{}
	for _, e := range oc.comps {
		forEachTZID(e.c, func(tzid string) {
			if seen[tzid] {
				return
			}
			seen[tzid] = true
			if def := oc.defs[tzid]; def != nil {
				w.component(def)
			} else if loc := loadIANA(tzid); loc != nil && loc != time.UTC {
				w.component(genVTimezone(tzid, loc, ref))
			}
		})
	}
	for _, e := range oc.comps {
		w.component(e.c)
	}
	w.end("VCALENDAR")
	return DecodeObject(w.buf)
}

// New encodes a new object from ev: UID filled when empty, DTSTAMP,
// CREATED and LAST-MODIFIED (ev.Modified, else ev.Created, else now),
// PRODID, and a VTIMEZONE for its TZID.
func New(ev model.Event) (model.Object, error) {
	if ev.UID == "" {
		var b [16]byte
		rand.Read(b[:])
		ev.UID = hex.EncodeToString(b[:]) + "@rota"
	}
	if ev.Component == "" {
		ev.Component = "VEVENT"
		if ev.Kind == model.KindTask {
			ev.Component = "VTODO"
		}
	}
	if ev.Component != "VEVENT" && ev.Component != "VTODO" && ev.Component != "VJOURNAL" {
		return model.Object{}, fmt.Errorf("ics: new %q: component %q: %w", ev.UID, ev.Component, model.ErrInvalid)
	}
	if err := ev.Validate(); err != nil {
		return model.Object{}, fmt.Errorf("ics: new %q: %w", ev.UID, err)
	}
	now := ev.Modified
	if now.IsZero() {
		now = ev.Created
	}
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	created := ev.Created
	if created.IsZero() {
		created = now
	}
	c := &component{name: ev.Component, props: []prop{
		{name: "UID", value: ev.UID},
		{name: "DTSTAMP", value: formatDateTime(now, kindUTC)},
		{name: "CREATED", value: formatDateTime(created.UTC(), kindUTC)},
		{name: "LAST-MODIFIED", value: formatDateTime(now, kindUTC)},
	}}
	if ev.Sequence > 0 {
		c.props = append(c.props, prop{name: "SEQUENCE", value: strconv.Itoa(ev.Sequence)})
	}
	f := &format{allDay: ev.AllDay, floating: ev.Floating, tzid: ev.TZID}
	if !ev.RecurrenceID.IsZero() {
		c.props = append(c.props, f.like("RECURRENCE-ID", ev.RecurrenceID))
	}
	empty := model.Event{Kind: defaultKind(ev.Component)}
	applyEvent(c, &empty, &ev, f)
	oc := &objectComps{comps: []*entry{{c: c}}, defs: map[string]*component{}}
	return oc.encode(ev.Start)
}

// RemoveInstance deletes the instance recID of a recurring object: it adds
// an EXDATE (written like DTSTART) to the master and drops a matching
// override, bumping the master's SEQUENCE and DTSTAMP (current time).
func RemoveInstance(data []byte, recID time.Time) (model.Object, error) {
	oc, err := parseObject(data)
	if err != nil {
		return model.Object{}, err
	}
	master := oc.master()
	if master == nil || recID.IsZero() {
		return model.Object{}, fmt.Errorf("ics: remove instance: the object has no recurring master: %w", model.ErrInvalid)
	}
	if master.c.get("RRULE") == nil && master.c.get("RDATE") == nil {
		return model.Object{}, fmt.Errorf("ics: remove instance of %q: not recurring: %w", master.c.text("UID"), model.ErrInvalid)
	}
	kept := oc.comps[:0]
	for _, e := range oc.comps {
		if e != master && sameInstance(e, master, recID) {
			continue
		}
		kept = append(kept, e)
	}
	oc.comps = kept
	f := formatOf(master.c, master.z)
	ex := f.like("EXDATE", recID)
	at := -1
	for i := range master.c.props {
		if n := master.c.props[i].name; n == "RRULE" || n == "RDATE" || n == "EXDATE" {
			at = i + 1
		}
	}
	master.c.insert(at, ex)
	seq := intProp(master.c, "SEQUENCE")
	bump(master.c, seq+1, time.Now().UTC().Truncate(time.Second))
	return oc.encode(recID)
}
