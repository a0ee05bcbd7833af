package caldav

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"rota/model"
	"rota/model/ics"
)

// mkcalendar answers MKCALENDAR (RFC 4791 section 5.3.1) and extended
// MKCOL (RFC 5689) with their initial properties.
func (q *request) mkcalendar() {
	if q.t.kind != kindCalendar {
		http.Error(q.w, "calendars are made at /dav/<user>/calendars/<name>/", http.StatusForbidden)
		return
	}
	if q.cal != nil {
		writeError(q.w, http.StatusMethodNotAllowed, elemMustBeNull, "the calendar exists")
		return
	}
	root, ok := q.xmlBody()
	if !ok {
		return
	}
	c := model.Calendar{Owner: q.user, Name: q.t.calName, Kind: model.CalendarEvents}
	var sets []*node
	if root != nil {
		isMkcol := q.r.Method == "MKCOL"
		if isMkcol && !root.is(nsDAV, "mkcol") || !isMkcol && !root.is(nsCalDAV, "mkcalendar") {
			q.badRequest(fmt.Errorf("%s body must be %s", q.r.Method, map[bool]string{true: "DAV:mkcol", false: "CALDAV:mkcalendar"}[isMkcol]))
			return
		}
		for i := range root.Nodes {
			if s := &root.Nodes[i]; s.is(nsDAV, "set") {
				if p := s.child(nsDAV, "prop"); p != nil {
					for j := range p.Nodes {
						sets = append(sets, &p.Nodes[j])
					}
				}
			}
		}
		if isMkcol {
			// Extended MKCOL makes calendars only: resourcetype must say so.
			isCal := false
			for _, p := range sets {
				if p.is(nsDAV, "resourcetype") && p.child(nsCalDAV, "calendar") != nil {
					isCal = true
				}
			}
			if !isCal {
				writeError(q.w, http.StatusForbidden, "D:valid-resourcetype", "only calendar collections can be made here")
				return
			}
		}
	} else if q.r.Method == "MKCOL" {
		writeError(q.w, http.StatusForbidden, "D:valid-resourcetype", "only calendar collections can be made here: use MKCALENDAR or an extended MKCOL")
		return
	}
	var failed []xml.Name
	for _, p := range sets {
		if p.is(nsDAV, "resourcetype") {
			continue
		}
		if err := setProp(&c, p, true); err != nil {
			failed = append(failed, p.XMLName)
		}
	}
	if len(failed) == 0 {
		if err := c.Validate(); err != nil {
			writeError(q.w, http.StatusForbidden, "D:valid-resourcetype", err.Error())
			return
		}
	}
	if len(failed) > 0 {
		q.propsFailed(calendarHref(q.user, c.Name), sets, failed)
		return
	}
	if err := q.h.store.CreateCalendar(q.r.Context(), &c); err != nil {
		if errors.Is(err, model.ErrConflict) {
			writeError(q.w, http.StatusMethodNotAllowed, elemMustBeNull, "the calendar exists")
			return
		}
		q.h.fail(q.w, q.r, err)
		return
	}
	q.w.Header().Set("Location", calendarHref(q.user, c.Name))
	q.w.Header().Set("Cache-Control", "no-cache")
	q.w.Header().Set("Content-Length", "0")
	q.w.WriteHeader(http.StatusCreated)
}

// propsFailed answers a MKCALENDAR/PROPPATCH whose properties could not
// all be set: 403 for the failing ones, 424 for the rest (RFC 4918
// section 9.2: all or nothing).
func (q *request) propsFailed(href string, all []*node, failed []xml.Name) {
	m := newMultistatus(q.w, q.r)
	m.minimal = false
	var dep []xml.Name
	for _, p := range all {
		if !containsName(failed, p.XMLName) && !p.is(nsDAV, "resourcetype") {
			dep = append(dep, p.XMLName)
		}
	}
	other := map[int][]xml.Name{http.StatusForbidden: failed}
	if len(dep) > 0 {
		other[http.StatusFailedDependency] = dep
	}
	m.response(href, nil, nil, other)
	m.close("")
}

// setProp applies one property of a MKCALENDAR, MKCOL or PROPPATCH set to
// a calendar. Unknown properties are kept as dead properties.
// creating is true for MKCALENDAR and extended MKCOL, the only requests
// that may set supported-calendar-component-set (RFC 4791 section 5.2.3:
// protected once the calendar exists).
func setProp(c *model.Calendar, p *node, creating bool) error {
	text := strings.TrimSpace(p.Text)
	switch p.XMLName {
	case pDisplayName:
		c.DisplayName = text
	case pDescription:
		c.Description = text
	case pColor:
		if text != "" && !validColor(text) {
			return fmt.Errorf("calendar-color %q is not #RRGGBB or #RRGGBBAA", text)
		}
		c.Color = text
		c.SymbolicColor, _ = p.attr("symbolic-color")
	case pOrder:
		n, err := strconv.Atoi(text)
		if err != nil {
			f, ferr := strconv.ParseFloat(text, 64)
			if ferr != nil {
				return fmt.Errorf("calendar-order %q is not a number", text)
			}
			n = int(f)
		}
		c.Order = n
		setDead(c, pOrder, escapeString(text))
	case pTimezone:
		if text == "" {
			c.TimeZone = ""
			delete(c.Props, propKey(pTimezone))
			return nil
		}
		loc, err := calendarTimezone(p.Text)
		if err != nil {
			return err
		}
		if loc != nil {
			c.TimeZone = loc.String()
		}
		setDead(c, pTimezone, escapeString(p.Text))
	case pTimezoneID:
		if _, err := model.LoadZone(text); err != nil {
			return err
		}
		c.TimeZone = text
	case pComponentSet:
		if !creating {
			return errors.New("supported-calendar-component-set is protected once the calendar exists")
		}
		var comps []string
		for i := range p.Nodes {
			if p.Nodes[i].is(nsCalDAV, "comp") {
				if n, ok := p.Nodes[i].attr("name"); ok {
					comps = append(comps, strings.ToUpper(n))
				}
			}
		}
		for _, comp := range comps {
			if comp != "VEVENT" && comp != "VTODO" && comp != "VJOURNAL" {
				return fmt.Errorf("component %q is not supported", comp)
			}
		}
		c.Components = comps
	case pResourceType, pGetETag, pCTag, pSyncToken, pSupportedData, pMaxSize, pReportSet, pPrivileges, pOwner, pCurrentPrincipal:
		return errors.New("protected property")
	default:
		setDead(c, p.XMLName, p.Inner)
	}
	return nil
}

// calendarTimezone checks a calendar-timezone value (RFC 4791 section
// 5.2.2: an iCalendar object with one VTIMEZONE) and returns the zone its
// TZID names, resolved as the codec resolves TZIDs (IANA, Windows,
// prefixed); nil when only the VTIMEZONE's rules could say.
func calendarTimezone(text string) (*time.Location, error) {
	up := strings.ToUpper(text)
	if !strings.Contains(up, "BEGIN:VCALENDAR") || strings.Count(up, "BEGIN:VTIMEZONE") != 1 {
		return nil, errors.New("calendar-timezone must be a VCALENDAR holding one VTIMEZONE")
	}
	if loc := zoneFromVTimezone(text); loc != nil {
		return loc, nil
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if len(line) > 5 && strings.EqualFold(line[:5], "TZID:") {
			if loc, ok := ics.Zone(line[5:]); ok {
				return loc, nil
			}
			return nil, nil
		}
	}
	return nil, errors.New("calendar-timezone: VTIMEZONE without TZID")
}

func setDead(c *model.Calendar, n xml.Name, v string) {
	if c.Props == nil {
		c.Props = map[string]string{}
	}
	c.Props[propKey(n)] = v
}

// removeProp applies one property of a PROPPATCH remove.
func removeProp(c *model.Calendar, n xml.Name) error {
	switch n {
	case pDisplayName:
		c.DisplayName = ""
	case pDescription:
		c.Description = ""
	case pColor:
		c.Color, c.SymbolicColor = "", ""
	case pOrder:
		c.Order = 0
	case pTimezone, pTimezoneID:
		c.TimeZone = ""
	case pComponentSet, pResourceType, pGetETag, pCTag, pSyncToken, pSupportedData, pMaxSize, pReportSet, pPrivileges, pOwner, pCurrentPrincipal:
		return errors.New("protected property")
	}
	delete(c.Props, propKey(n))
	return nil
}

func validColor(s string) bool {
	c := model.Calendar{Name: "x", Color: s}
	return c.Validate() == nil
}

// proppatch answers PROPPATCH (RFC 4918 section 9.2) on a calendar: all
// the changes or none. Apple's setup sends it on the calendar home and
// principal too; those properties are refused one by one with 403.
func (q *request) proppatch() {
	root, ok := q.xmlBody()
	if !ok {
		return
	}
	if root == nil || !root.is(nsDAV, "propertyupdate") {
		q.badRequest(errors.New("PROPPATCH body must be DAV:propertyupdate"))
		return
	}
	type op struct {
		set bool
		p   *node
	}
	var ops []op
	var all []*node
	for i := range root.Nodes {
		s := &root.Nodes[i]
		set := s.is(nsDAV, "set")
		if !set && !s.is(nsDAV, "remove") {
			continue
		}
		if pr := s.child(nsDAV, "prop"); pr != nil {
			for j := range pr.Nodes {
				ops = append(ops, op{set, &pr.Nodes[j]})
				all = append(all, &pr.Nodes[j])
			}
		}
	}
	href := q.r.URL.Path
	if q.t.kind != kindCalendar {
		if q.t.kind == kindObject && q.cal == nil {
			http.NotFound(q.w, q.r)
			return
		}
		var names []xml.Name
		for _, o := range ops {
			names = append(names, o.p.XMLName)
		}
		q.propsFailed(href, nil, names)
		return
	}
	if q.cal == nil {
		http.NotFound(q.w, q.r)
		return
	}
	c := *q.cal
	if c.Props != nil {
		props := make(map[string]string, len(c.Props))
		for k, v := range c.Props {
			props[k] = v
		}
		c.Props = props
	}
	var failed []xml.Name
	for _, o := range ops {
		var err error
		if o.set {
			err = setProp(&c, o.p, false)
		} else {
			err = removeProp(&c, o.p.XMLName)
		}
		if err != nil {
			failed = append(failed, o.p.XMLName)
		}
	}
	if len(failed) == 0 {
		if err := c.Validate(); err != nil {
			for _, o := range ops {
				failed = append(failed, o.p.XMLName)
			}
		}
	}
	if len(failed) > 0 {
		q.propsFailed(calendarHref(q.user, c.Name), all, failed)
		return
	}
	if err := q.h.store.UpdateCalendar(q.r.Context(), &c); err != nil {
		q.h.fail(q.w, q.r, err)
		return
	}
	m := newMultistatus(q.w, q.r)
	m.minimal = false
	found := make([]propVal, 0, len(ops))
	for _, o := range ops {
		found = append(found, propVal{name: o.p.XMLName})
	}
	m.response(calendarHref(q.user, c.Name), found, nil, nil)
	m.close("")
}
