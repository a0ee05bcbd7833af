package caldav

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"rota/model"
	"rota/store"
)

// report dispatches REPORT by its root element.
func (q *request) report() {
	root, ok := q.xmlBody()
	if !ok {
		return
	}
	if root == nil {
		q.badRequest(errors.New("REPORT needs a body"))
		return
	}
	switch {
	case root.is(nsCalDAV, "calendar-query"):
		q.calendarQuery(root)
	case root.is(nsCalDAV, "calendar-multiget"):
		q.multiget(root)
	case root.is(nsDAV, "sync-collection"):
		q.syncCollection(root)
	case root.is(nsCalDAV, "free-busy-query"):
		q.freeBusy(root)
	default:
		writeError(q.w, http.StatusForbidden, elemSupportedRep, fmt.Sprintf("REPORT %s is not supported", root.XMLName.Local))
	}
}

// needCalendar answers 404 (or 403 on the wrong kind of resource) unless
// the request names an existing calendar collection.
func (q *request) needCalendar() bool {
	if q.t.kind == kindCalendar && q.cal != nil {
		return true
	}
	if q.t.kind == kindCalendar || q.t.kind == kindObject && q.cal == nil {
		http.NotFound(q.w, q.r)
		return false
	}
	writeError(q.w, http.StatusForbidden, elemSupportedRep, "this REPORT applies to calendar collections")
	return false
}

// floatingZone is the zone for floating and all-day values: the query's
// CALDAV:timezone or timezone-id, else the calendar's, else UTC.
func (q *request) floatingZone(root *node) *time.Location {
	if root != nil {
		if n := root.child(nsCalDAV, "timezone-id"); n != nil {
			if loc, err := model.LoadZone(strings.TrimSpace(n.Text)); err == nil {
				return loc
			}
		}
		if n := root.child(nsCalDAV, "timezone"); n != nil {
			if loc := zoneFromVTimezone(n.Text); loc != nil {
				return loc
			}
		}
	}
	if q.cal != nil && q.cal.TimeZone != "" {
		if loc, err := model.LoadZone(q.cal.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// zoneFromVTimezone finds the IANA zone a VTIMEZONE's TZID names.
func zoneFromVTimezone(text string) *time.Location {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(strings.ToUpper(line), "TZID") {
			if i := strings.IndexByte(line, ':'); i >= 0 {
				if loc, err := model.LoadZone(strings.TrimPrefix(line[i+1:], "/")); err == nil {
					return loc
				}
			}
		}
	}
	return nil
}

// calendarQuery answers CALDAV:calendar-query (RFC 4791 section 7.8).
// Time-range-only VEVENT queries are answered from the store's instance
// index without parsing any object; other filters parse only the
// candidates the index (or the component type) leaves.
func (q *request) calendarQuery(root *node) {
	if q.t.kind == kindObject {
		q.queryObject(root)
		return
	}
	if !q.needCalendar() {
		return
	}
	pr := parsePropRequest(root)
	filter, err := parseFilter(root.child(nsCalDAV, "filter"))
	if err != nil {
		q.filterFailed(err)
		return
	}
	if filter == nil {
		writeError(q.w, http.StatusForbidden, elemValidFilter, "calendar-query needs a filter")
		return
	}
	spec, err := parseDataSpec(pr.data)
	if err != nil {
		q.filterFailed(err)
		return
	}
	loc := q.floatingZone(root)
	ctx := q.r.Context()
	c := q.cal
	needData := pr.wants(pCalendarData) || pr.wants(pContentLength) || pr.allprop

	comp, tr, simple := filter.simple()
	if tr != nil && simple && (pr.wants(pCalendarData) || !needData) && !pr.allprop && !pr.propname {
		q.queryIndexed(&pr, comp, tr, spec, loc)
		return
	}
	var objs []model.Object
	exact := false // true when objs need no further filtering
	switch {
	case tr != nil:
		// The instance index narrows the candidates to the objects with an
		// instance in the range.
		insts, err := q.h.store.Instances(ctx, []int64{c.ID}, tr.rng(), loc)
		if err != nil {
			q.h.fail(q.w, q.r, err)
			return
		}
		names := objectNames(insts)
		if len(names) > 0 {
			if objs, err = q.h.store.ObjectsByName(ctx, c.ID, names); err != nil {
				q.h.fail(q.w, q.r, err)
				return
			}
		}
		exact = simple
	default:
		if objs, err = q.h.store.ListObjects(ctx, c.ID, needData || !simple); err != nil {
			q.h.fail(q.w, q.r, err)
			return
		}
		exact = simple
	}

	m := newMultistatus(q.w, q.r)
	base := calendarHref(q.user, c.Name)
	for i := range objs {
		o := &objs[i]
		if comp != "" && !strings.EqualFold(o.Component, comp) {
			continue // every object holds one component type (besides VTIMEZONE)
		}
		var parsed *ical.Calendar
		if !exact {
			parsed, err = parseData(o.Data)
			if err != nil {
				q.h.log.Warn("caldav: stored object does not parse", "calendar", c.Name, "object", o.Name, "err", err)
				continue
			}
			ev := evaluator{obj: o, floating: loc}
			ok, err := ev.matchObject(filter, parsed.Component)
			if err != nil {
				q.h.log.Warn("caldav: filter", "calendar", c.Name, "object", o.Name, "err", err)
				continue
			}
			if !ok {
				continue
			}
		}
		q.writeObject(m, base, o, &pr, spec, parsed, loc)
	}
	m.close("")
}

// queryIndexed answers a time-range-only query from the store's instance
// index and the mirror: no object is parsed (unless expanded) and cached
// data is written as stored, already escaped.
func (q *request) queryIndexed(pr *propRequest, comp string, tr *timeRange, spec *dataSpec, loc *time.Location) {
	ctx := q.r.Context()
	c := q.cal
	col, err := q.h.mirror.sync(ctx, q.h.store, c)
	if err != nil {
		q.h.fail(q.w, q.r, err)
		return
	}
	insts, err := q.h.store.Instances(ctx, []int64{c.ID}, tr.rng(), loc)
	if err != nil {
		q.h.fail(q.w, q.r, err)
		return
	}
	names := objectNames(insts)
	members, err := q.h.mirror.fetch(ctx, q.h.store, c.ID, col, names)
	if err != nil {
		q.h.fail(q.w, q.r, err)
		return
	}
	m := newMultistatus(q.w, q.r)
	base := calendarHref(q.user, c.Name)
	for i := range members {
		mb := &members[i]
		if !strings.EqualFold(mb.component, comp) {
			continue
		}
		q.writeMember(m, c, base, mb, pr, spec, loc)
	}
	m.close("")
}

// writeMember writes a mirrored object's response.
func (q *request) writeMember(m *msWriter, c *model.Calendar, base string, mb *member, pr *propRequest, spec *dataSpec, loc *time.Location) {
	o := mb.object(c.ID)
	if spec != nil && pr.wants(pCalendarData) {
		o.Data = mb.raw()
		if data, err := spec.render(&o, nil, loc); err == nil {
			o.Data = data
		} else {
			q.h.log.Warn("caldav: render calendar-data", "object", o.Name, "err", err)
		}
		pr.write(m, base+pathEscape(o.Name), objectProps, nil, func(n xml.Name) (propVal, bool) { return q.objectProp(c, &o, n) })
		return
	}
	pr.write(m, base+pathEscape(o.Name), objectProps, nil, func(n xml.Name) (propVal, bool) {
		if mb.escaped != nil {
			switch n {
			case pCalendarData:
				return propVal{name: n, escaped: mb.escaped}, true
			case pContentLength:
				return propVal{name: n, value: strconv.Itoa(mb.size)}, true
			}
		}
		return q.objectProp(c, &o, n)
	})
}

// writeObject writes one object's response, rendering calendar-data as the
// request's calendar-data element asks (expand, partial data).
func (q *request) writeObject(m *msWriter, base string, o *model.Object, pr *propRequest, spec *dataSpec, parsed *ical.Calendar, loc *time.Location) {
	obj := o
	if spec != nil && pr.wants(pCalendarData) && o.Data != nil {
		data, err := spec.render(o, parsed, loc)
		if err != nil {
			q.h.log.Warn("caldav: render calendar-data", "object", o.Name, "err", err)
		} else {
			cp := *o
			cp.Data = data
			obj = &cp
		}
	}
	pr.write(m, base+pathEscape(o.Name), objectProps, nil,
		func(n xml.Name) (propVal, bool) { return q.objectProp(q.cal, obj, n) })
}

// queryObject evaluates a calendar-query against one object (Depth 0 on an
// object resource).
func (q *request) queryObject(root *node) {
	if q.cal == nil {
		http.NotFound(q.w, q.r)
		return
	}
	o, err := q.h.store.Object(q.r.Context(), q.cal.ID, q.t.objName)
	if err != nil {
		q.h.fail(q.w, q.r, err)
		return
	}
	pr := parsePropRequest(root)
	filter, err := parseFilter(root.child(nsCalDAV, "filter"))
	if err != nil || filter == nil {
		q.filterFailed(err)
		return
	}
	spec, err := parseDataSpec(pr.data)
	if err != nil {
		q.filterFailed(err)
		return
	}
	loc := q.floatingZone(root)
	parsed, err := parseData(o.Data)
	m := newMultistatus(q.w, q.r)
	if err == nil {
		ev := evaluator{obj: &o, floating: loc}
		if ok, _ := ev.matchObject(filter, parsed.Component); ok {
			q.writeObject(m, calendarHref(q.user, q.cal.Name), &o, &pr, spec, parsed, loc)
		}
	}
	m.close("")
}

func (q *request) filterFailed(err error) {
	var fe *filterError
	if errors.As(err, &fe) {
		writeError(q.w, http.StatusForbidden, fe.elem, fe.msg)
		return
	}
	if err == nil {
		err = errors.New("missing filter")
	}
	writeError(q.w, http.StatusForbidden, elemValidFilter, err.Error())
}

// simple reports whether the filter is VCALENDAR with at most one VEVENT
// or VTODO comp-filter holding at most a time-range: the shape clients
// send for "everything" and "this window", answerable without parsing.
// comp is the component named ("" for all); tr is set only for VEVENT,
// the component the instance index answers exactly.
func (f *compFilter) simple() (comp string, tr *timeRange, ok bool) {
	if f.notDefined || f.tr != nil || len(f.props) > 0 || len(f.comps) > 1 {
		return "", nil, false
	}
	if len(f.comps) == 0 {
		return "", nil, true
	}
	c := &f.comps[0]
	if c.notDefined {
		return "", nil, false
	}
	comp = c.name
	if len(c.props) > 0 || len(c.comps) > 0 {
		if c.tr != nil && c.name == "VEVENT" {
			return comp, c.tr, false // narrow by the index, then evaluate
		}
		return comp, nil, false
	}
	if c.tr != nil {
		if c.name == "VEVENT" {
			return comp, c.tr, true
		}
		return comp, nil, false
	}
	return comp, nil, true
}

// parseData parses stored calendar data with go-ical, turning a panic in
// the library into an error.
func parseData(data []byte) (cal *ical.Calendar, err error) {
	defer func() {
		if v := recover(); v != nil {
			cal, err = nil, fmt.Errorf("ical: %v", v)
		}
	}()
	return ical.NewDecoder(bytes.NewReader(data)).Decode()
}

// multiget answers CALDAV:calendar-multiget (RFC 4791 section 7.9). Every
// href is authorised on its own: another user's href is 403, a missing
// one 404.
func (q *request) multiget(root *node) {
	if q.t.kind != kindCalendar && q.t.kind != kindHome && q.t.kind != kindObject {
		writeError(q.w, http.StatusForbidden, elemSupportedRep, "calendar-multiget applies to calendar collections")
		return
	}
	if q.t.kind == kindCalendar && q.cal == nil {
		http.NotFound(q.w, q.r)
		return
	}
	pr := parsePropRequest(root)
	spec, err := parseDataSpec(pr.data)
	if err != nil {
		q.filterFailed(err)
		return
	}
	loc := q.floatingZone(root)
	ctx := q.r.Context()

	type item struct {
		href   string
		code   int // 0: look up
		cal    string
		name   string
		object *model.Object
	}
	var items []item
	byCal := map[string][]string{}
	for i := range root.Nodes {
		n := &root.Nodes[i]
		if !n.is(nsDAV, "href") {
			continue
		}
		href := strings.TrimSpace(n.Text)
		it := item{href: href}
		u, err := url.Parse(href)
		if err != nil {
			it.code = http.StatusBadRequest
			items = append(items, it)
			continue
		}
		segs := strings.Split(strings.Trim(u.Path, "/"), "/")
		switch {
		case len(segs) != 5 || segs[0] != "dav" || segs[2] != "calendars" || segs[4] == "." || segs[4] == "..":
			it.code = http.StatusNotFound
		case segs[1] != q.user:
			it.code = http.StatusForbidden
		default:
			it.cal, it.name = segs[3], segs[4]
			byCal[it.cal] = append(byCal[it.cal], it.name)
		}
		items = append(items, it)
	}
	found := map[[2]string]*member{}
	cals := map[string]*model.Calendar{}
	for calName, names := range byCal {
		var c *model.Calendar
		if q.cal != nil && q.cal.Name == calName {
			c = q.cal
		} else {
			cc, err := q.calendar(ctx, calName)
			if errors.Is(err, model.ErrNotFound) {
				continue
			} else if err != nil {
				q.h.fail(q.w, q.r, err)
				return
			}
			c = cc
		}
		cals[calName] = c
		col, err := q.h.mirror.sync(ctx, q.h.store, c)
		if err != nil {
			q.h.fail(q.w, q.r, err)
			return
		}
		members, err := q.h.mirror.fetch(ctx, q.h.store, c.ID, col, names)
		if err != nil {
			q.h.fail(q.w, q.r, err)
			return
		}
		for i := range members {
			found[[2]string{calName, members[i].name}] = &members[i]
		}
	}
	m := newMultistatus(q.w, q.r)
	for _, it := range items {
		if it.code != 0 {
			m.status(it.href, it.code)
			continue
		}
		mb := found[[2]string{it.cal, it.name}]
		if mb == nil {
			m.status(it.href, http.StatusNotFound)
			continue
		}
		c := cals[it.cal]
		q.writeMember(m, c, calendarHref(q.user, c.Name), mb, &pr, spec, loc)
	}
	m.close("")
}

// syncCollection answers DAV:sync-collection (RFC 6578 section 3): every
// member changed since the token, deletions as 404 tombstones. Depth is
// ignored (Thunderbird sends 1 where the RFC says 0). A DAV:limit with
// DAV:nresults smaller than the answer truncates it (RFC 6578 section
// 3.6): the members changed earliest are listed, the collection itself
// answers 507 with DAV:number-of-matches-within-limits, and the sync-token
// is the position after the last member listed, so the client asks again
// from there and gets the rest.
func (q *request) syncCollection(root *node) {
	if !q.needCalendar() {
		return
	}
	c := q.cal
	ctx := q.r.Context()
	var since int64
	if n := root.child(nsDAV, "sync-token"); n != nil {
		tok := strings.TrimSpace(n.Text)
		if tok != "" {
			s, ok := strings.CutPrefix(tok, syncPrefix)
			v, err := strconv.ParseInt(s, 10, 64)
			if !ok || err != nil || v < 0 {
				writeError(q.w, http.StatusForbidden, elemValidSyncToken, "unknown sync token; sync again from scratch")
				return
			}
			since = v
		}
	}
	limit := 0
	if l := root.child(nsDAV, "limit"); l != nil {
		if nr := l.child(nsDAV, "nresults"); nr != nil {
			v, err := strconv.Atoi(strings.TrimSpace(nr.Text))
			if err != nil || v < 1 {
				http.Error(q.w, "DAV:nresults must be a positive integer", http.StatusBadRequest)
				return
			}
			limit = v
		}
	}
	// sync-level infinite is the same as 1: a calendar has no
	// sub-collections.
	pr := parsePropRequest(root)
	onlyETag := !pr.allprop && !pr.propname
	for _, n := range pr.names {
		if n != pGetETag && n != pResourceType && n != pContentType {
			onlyETag = false
		}
	}
	if since == 0 && onlyETag && limit == 0 {
		// Initial sync: the mirror's listing is the current membership.
		col, err := q.h.mirror.sync(ctx, q.h.store, c)
		if err != nil {
			q.h.fail(q.w, q.r, err)
			return
		}
		col.mu.RLock()
		pos := col.pos
		col.mu.RUnlock()
		members := col.list()
		m := newMultistatus(q.w, q.r)
		base := calendarHref(q.user, c.Name)
		for i := range members {
			o := members[i].object(c.ID)
			pr.write(m, base+pathEscape(o.Name), objectProps, nil, func(n xml.Name) (propVal, bool) { return q.objectProp(c, &o, n) })
		}
		m.close(syncToken(pos))
		return
	}
	changes, pos, err := q.h.store.Changes(ctx, c.ID, since)
	if errors.Is(err, store.ErrBadSyncToken) {
		writeError(q.w, http.StatusForbidden, elemValidSyncToken, "unknown sync token; sync again from scratch")
		return
	} else if err != nil {
		q.h.fail(q.w, q.r, err)
		return
	}
	// The last change per member decides.
	last := make(map[string]int, len(changes))
	for i := range changes {
		last[changes[i].Name] = i
	}
	order := make([]int, 0, len(last))
	for _, i := range last {
		order = append(order, i)
	}
	sort.Ints(order)
	truncated := limit > 0 && len(order) > limit
	if truncated {
		order = order[:limit]
		pos = changes[order[limit-1]].Seq
	}

	var fetched map[string]*model.Object
	if !onlyETag {
		var names []string
		for _, i := range order {
			if changes[i].Op == model.OpPut {
				names = append(names, changes[i].Name)
			}
		}
		fetched = map[string]*model.Object{}
		for start := 0; start < len(names); start += 1000 {
			objs, err := q.h.store.ObjectsByName(ctx, c.ID, names[start:min(len(names), start+1000)])
			if err != nil {
				q.h.fail(q.w, q.r, err)
				return
			}
			for i := range objs {
				fetched[objs[i].Name] = &objs[i]
			}
		}
	}
	m := newMultistatus(q.w, q.r)
	base := calendarHref(q.user, c.Name)
	for _, i := range order {
		ch := &changes[i]
		href := base + pathEscape(ch.Name)
		if ch.Op == model.OpDelete {
			m.status(href, http.StatusNotFound)
			continue
		}
		var o *model.Object
		if fetched != nil {
			o = fetched[ch.Name]
			if o == nil {
				m.status(href, http.StatusNotFound)
				continue
			}
		} else {
			o = &model.Object{Name: ch.Name, UID: ch.UID, ETag: ch.ETag, Modified: ch.When}
		}
		pr.write(m, href, objectProps, nil, func(n xml.Name) (propVal, bool) { return q.objectProp(c, o, n) })
	}
	if truncated {
		m.w.WriteString("<D:response><D:href>")
		escape(m.w, base)
		m.w.WriteString("</D:href><D:status>" + statusLine(http.StatusInsufficientStorage) +
			"</D:status><D:error><D:number-of-matches-within-limits/></D:error></D:response>\n")
	}
	m.close(syncToken(pos))
}

// freeBusy answers CALDAV:free-busy-query (RFC 4791 section 7.10) with a
// VFREEBUSY built from the events' TRANSP and STATUS: transparent and
// cancelled events are free, tentative ones BUSY-TENTATIVE, and an
// event's X-ROTA-LEAD and X-ROTA-LAG extend its busy time. With an
// availability, closed time is BUSY-UNAVAILABLE (see unavailable).
func (q *request) freeBusy(root *node) {
	if !q.needCalendar() {
		return
	}
	n := root.child(nsCalDAV, "time-range")
	if n == nil {
		writeError(q.w, http.StatusForbidden, elemValidFilter, "free-busy-query needs a time-range")
		return
	}
	tr, err := parseTimeRange(n)
	if err != nil {
		q.filterFailed(err)
		return
	}
	loc := q.floatingZone(root)
	ctx := q.r.Context()
	insts, err := q.h.store.Instances(ctx, []int64{q.cal.ID}, tr.rng(), loc)
	if err != nil {
		q.h.fail(q.w, q.r, err)
		return
	}
	names := map[string]bool{}
	var list []string
	for _, in := range insts {
		if !names[in.ObjectName] {
			names[in.ObjectName] = true
			list = append(list, in.ObjectName)
		}
	}
	parsed := map[string]*ical.Calendar{}
	if len(list) > 0 {
		objs, err := q.h.store.ObjectsByName(ctx, q.cal.ID, list)
		if err != nil {
			q.h.fail(q.w, q.r, err)
			return
		}
		for i := range objs {
			if objs[i].Component != "VEVENT" {
				continue
			}
			if p, err := parseData(objs[i].Data); err == nil {
				parsed[objs[i].Name] = p
			}
		}
	}
	busy := map[string][]period{}
	for _, in := range insts {
		p := parsed[in.ObjectName]
		if p == nil {
			continue
		}
		comp := instanceComponent(p, in, loc)
		if comp == nil {
			continue
		}
		if strings.EqualFold(propValue(comp, "TRANSP"), "TRANSPARENT") {
			continue
		}
		fbtype := "BUSY"
		switch strings.ToUpper(propValue(comp, "STATUS")) {
		case "CANCELLED":
			continue
		case "TENTATIVE":
			fbtype = "BUSY-TENTATIVE"
		}
		s, e := in.Start, in.End
		// Lead and lag buffers block time as free slots see it.
		s = s.Add(-buffer(comp, "X-ROTA-LEAD"))
		e = e.Add(buffer(comp, "X-ROTA-LAG"))
		if !tr.start.IsZero() && s.Before(tr.start) {
			s = tr.start
		}
		if !tr.end.IsZero() && e.After(tr.end) {
			e = tr.end
		}
		if e.After(s) {
			busy[fbtype] = append(busy[fbtype], period{s.UTC(), e.UTC()})
		}
	}
	// RFC 7953 section 4: time outside the calendar's availability (and
	// its holidays, leave, blocks and downtime) is BUSY-UNAVAILABLE, the
	// same rules free slots follow.
	un, err := q.unavailable(ctx, q.cal, tr.rng())
	if err != nil {
		q.h.fail(q.w, q.r, err)
		return
	}
	busy["BUSY-UNAVAILABLE"] = un
	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rota//caldav//EN\r\nBEGIN:VFREEBUSY\r\n")
	b.WriteString("DTSTAMP:" + q.h.now().UTC().Format(utcLayout) + "\r\n")
	if !tr.start.IsZero() {
		b.WriteString("DTSTART:" + tr.start.UTC().Format(utcLayout) + "\r\n")
	}
	if !tr.end.IsZero() {
		b.WriteString("DTEND:" + tr.end.UTC().Format(utcLayout) + "\r\n")
	}
	for _, typ := range []string{"BUSY", "BUSY-TENTATIVE", "BUSY-UNAVAILABLE"} {
		for _, p := range mergePeriods(busy[typ]) {
			writeFolded(&b, "FREEBUSY;FBTYPE="+typ+":"+p.start.Format(utcLayout)+"/"+p.end.Format(utcLayout))
		}
	}
	b.WriteString("END:VFREEBUSY\r\nEND:VCALENDAR\r\n")
	q.w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	q.w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	q.w.WriteHeader(http.StatusOK)
	q.w.Write(b.Bytes())
}

const utcLayout = "20060102T150405Z"

// buffer reads a rota lead or lag duration; 0 when absent or malformed.
func buffer(c *ical.Component, name string) time.Duration {
	p := c.Props.Get(name)
	if p == nil {
		return 0
	}
	d, err := p.Duration()
	if err != nil || d < 0 {
		return 0
	}
	return d
}

type period struct{ start, end time.Time }

func mergePeriods(ps []period) []period {
	if len(ps) == 0 {
		return nil
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].start.Before(ps[j].start) })
	out := []period{ps[0]}
	for _, p := range ps[1:] {
		last := &out[len(out)-1]
		if !p.start.After(last.end) {
			if p.end.After(last.end) {
				last.end = p.end
			}
			continue
		}
		out = append(out, p)
	}
	return out
}

func propValue(c *ical.Component, name string) string {
	if p := c.Props.Get(name); p != nil {
		return p.Value
	}
	return ""
}

// instanceComponent finds the component an instance comes from: the
// override whose RECURRENCE-ID is the instance's, else the master.
func instanceComponent(cal *ical.Calendar, in model.Instance, loc *time.Location) *ical.Component {
	var master *ical.Component
	for _, c := range cal.Children {
		if c.Name != "VEVENT" && c.Name != "VTODO" && c.Name != "VJOURNAL" {
			continue
		}
		rid := c.Props.Get("RECURRENCE-ID")
		if rid == nil {
			if master == nil {
				master = c
			}
			continue
		}
		if in.RecurrenceID.IsZero() {
			continue
		}
		if t, _, err := propTime(rid, loc); err == nil && t.Equal(in.RecurrenceID) {
			return c
		}
	}
	return master
}

// objectNames lists the objects the instances belong to, each once, in the
// order of their first instance.
func objectNames(insts []model.Instance) []string {
	names := make([]string, 0, len(insts))
	seen := make(map[string]struct{}, len(insts))
	for i := range insts {
		n := insts[i].ObjectName
		if _, dup := seen[n]; !dup {
			seen[n] = struct{}{}
			names = append(names, n)
		}
	}
	return names
}
