package caldav

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"rota/model"
)

func dav(local string) xml.Name    { return xml.Name{Space: nsDAV, Local: local} }
func cal(local string) xml.Name    { return xml.Name{Space: nsCalDAV, Local: local} }
func cs(local string) xml.Name     { return xml.Name{Space: nsCS, Local: local} }
func apple(local string) xml.Name  { return xml.Name{Space: nsApple, Local: local} }
func propKey(n xml.Name) string    { return "{" + n.Space + "}" + n.Local }
func hrefXML(href string) string   { return "<D:href>" + escapeString(href) + "</D:href>" }
func quoteETag(etag string) string { return `"` + etag + `"` }

var (
	pResourceType      = dav("resourcetype")
	pDisplayName       = dav("displayname")
	pCurrentPrincipal  = dav("current-user-principal")
	pPrincipalURL      = dav("principal-URL")
	pPrincipalColl     = dav("principal-collection-set")
	pOwner             = dav("owner")
	pPrivileges        = dav("current-user-privilege-set")
	pReportSet         = dav("supported-report-set")
	pSyncToken         = dav("sync-token")
	pGetETag           = dav("getetag")
	pLastModified      = dav("getlastmodified")
	pContentType       = dav("getcontenttype")
	pContentLength     = dav("getcontentlength")
	pHomeSet           = cal("calendar-home-set")
	pAddressSet        = cal("calendar-user-address-set")
	pDescription       = cal("calendar-description")
	pTimezone          = cal("calendar-timezone")
	pTimezoneID        = cal("calendar-timezone-id")
	pComponentSet      = cal("supported-calendar-component-set")
	pSupportedData     = cal("supported-calendar-data")
	pMaxSize           = cal("max-resource-size")
	pCalendarData      = cal("calendar-data")
	pCTag              = cs("getctag")
	pColor             = apple("calendar-color")
	pOrder             = apple("calendar-order")
	pScheduleTransp    = cal("schedule-calendar-transp")
	pSupportedCollSet  = cal("supported-collation-set")
	pMinDate, pMaxDate = cal("min-date-time"), cal("max-date-time")
	pAvailability      = cal("calendar-availability") // RFC 7953 section 7.2.4; by name only, never allprop
)

// Live properties each kind of resource serves, in allprop order.
var (
	rootProps      = []xml.Name{pResourceType, pDisplayName, pCurrentPrincipal, pPrincipalColl, pPrivileges}
	principalProps = []xml.Name{pResourceType, pDisplayName, pCurrentPrincipal, pPrincipalURL, pPrincipalColl, pOwner,
		pHomeSet, pAddressSet, pPrivileges}
	homeProps     = []xml.Name{pResourceType, pDisplayName, pCurrentPrincipal, pOwner, pPrivileges}
	calendarProps = []xml.Name{pResourceType, pDisplayName, pCurrentPrincipal, pOwner, pPrivileges, pReportSet,
		pDescription, pColor, pOrder, pTimezone, pTimezoneID, pComponentSet, pSupportedData, pMaxSize,
		pSupportedCollSet, pCTag, pSyncToken, pGetETag}
	objectProps = []xml.Name{pResourceType, pGetETag, pLastModified, pContentType, pContentLength, pOwner,
		pCurrentPrincipal, pPrivileges}
)

const privilegesXML = "<D:privilege><D:read/></D:privilege><D:privilege><D:all/></D:privilege>" +
	"<D:privilege><D:write/></D:privilege><D:privilege><D:write-properties/></D:privilege>" +
	"<D:privilege><D:write-content/></D:privilege><D:privilege><D:bind/></D:privilege>" +
	"<D:privilege><D:unbind/></D:privilege><D:privilege><D:read-current-user-privilege-set/></D:privilege>" +
	"<C:privilege><C:read-free-busy/></C:privilege>"

const reportSetXML = "<D:supported-report><D:report><C:calendar-query/></D:report></D:supported-report>" +
	"<D:supported-report><D:report><C:calendar-multiget/></D:report></D:supported-report>" +
	"<D:supported-report><D:report><D:sync-collection/></D:report></D:supported-report>" +
	"<D:supported-report><D:report><C:free-busy-query/></D:report></D:supported-report>"

const collationSetXML = "<C:supported-collation>i;ascii-casemap</C:supported-collation>" +
	"<C:supported-collation>i;octet</C:supported-collation>" +
	"<C:supported-collation>i;unicode-casemap</C:supported-collation>"

// syncToken renders a change-log position as the URI RFC 6578 asks for.
func syncToken(seq int64) string { return syncPrefix + strconv.FormatInt(seq, 10) }

const syncPrefix = "http://rota.invalid/sync/"

// collectionETag is a calendar collection's ETag: it changes with every
// write in it, like the CTag.
func collectionETag(c *model.Calendar) string { return "c" + strconv.FormatInt(c.SyncToken, 10) }

func (q *request) commonProp(n xml.Name) (propVal, bool) {
	switch n {
	case pCurrentPrincipal:
		return propVal{name: n, value: hrefXML(principalHref(q.user))}, true
	case pPrivileges:
		return propVal{name: n, value: privilegesXML}, true
	case pPrincipalColl:
		return propVal{name: n, value: hrefXML("/dav/")}, true
	}
	return propVal{}, false
}

func (q *request) rootProp(n xml.Name) (propVal, bool) {
	switch n {
	case pResourceType:
		return propVal{name: n, value: "<D:collection/>"}, true
	case pDisplayName:
		return propVal{name: n, value: "rota"}, true
	}
	return q.commonProp(n)
}

func (q *request) principalProp(n xml.Name) (propVal, bool) {
	switch n {
	case pResourceType:
		return propVal{name: n, value: "<D:collection/><D:principal/>"}, true
	case pDisplayName:
		return propVal{name: n, value: escapeString(q.user)}, true
	case pPrincipalURL, pOwner:
		return propVal{name: n, value: hrefXML(principalHref(q.user))}, true
	case pHomeSet:
		return propVal{name: n, value: hrefXML(homeHref(q.user))}, true
	case pAddressSet:
		return propVal{name: n, value: hrefXML(principalHref(q.user))}, true
	case pAvailability:
		if q.person == "" {
			break
		}
		av, err := q.h.store.AvailabilityFor(q.r.Context(), q.person, 0)
		if err != nil {
			if !errors.Is(err, model.ErrNotFound) {
				q.h.log.Error("caldav: calendar-availability", "person", q.person, "err", err)
			}
			break
		}
		return q.availabilityProp(av)
	}
	return q.commonProp(n)
}

func (q *request) homeProp(n xml.Name) (propVal, bool) {
	switch n {
	case pResourceType:
		return propVal{name: n, value: "<D:collection/>"}, true
	case pDisplayName:
		return propVal{name: n, value: "calendars"}, true
	case pOwner:
		return propVal{name: n, value: hrefXML(principalHref(q.user))}, true
	}
	return q.commonProp(n)
}

func (q *request) calendarProp(c *model.Calendar, n xml.Name) (propVal, bool) {
	switch n {
	case pResourceType:
		return propVal{name: n, value: "<D:collection/><C:calendar/>"}, true
	case pDisplayName:
		d := c.DisplayName
		if d == "" {
			d = c.Name
		}
		return propVal{name: n, value: escapeString(d)}, true
	case pOwner:
		return propVal{name: n, value: hrefXML(principalHref(c.Owner))}, true
	case pReportSet:
		return propVal{name: n, value: reportSetXML}, true
	case pDescription:
		if c.Description != "" {
			return propVal{name: n, value: escapeString(c.Description)}, true
		}
	case pColor:
		if c.Color != "" {
			v := propVal{name: n, value: escapeString(c.Color)}
			if c.SymbolicColor != "" {
				v.attrs = ` symbolic-color="` + escapeAttr(c.SymbolicColor) + `"`
			}
			return v, true
		}
	case pOrder:
		if c.Order != 0 || c.Props[propKey(pOrder)] != "" {
			return propVal{name: n, value: strconv.Itoa(c.Order)}, true
		}
	case pTimezone:
		if tz := c.Props[propKey(pTimezone)]; tz != "" {
			return propVal{name: n, value: tz}, true
		}
		if c.TimeZone != "" {
			// RFC 4791 section 5.2.2: a VCALENDAR holding the zone's VTIMEZONE.
			if z := generatedZone(c.TimeZone); z != nil {
				var b bytes.Buffer
				escape(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rota//caldav//EN\r\n")
				escapeBytes(&b, z)
				escape(&b, "END:VCALENDAR\r\n")
				return propVal{name: n, value: b.String()}, true
			}
		}
	case pTimezoneID:
		if c.TimeZone != "" {
			return propVal{name: n, value: escapeString(c.TimeZone)}, true
		}
	case pComponentSet:
		comps := c.Components
		if len(comps) == 0 {
			comps = []string{"VEVENT", "VTODO"}
		}
		var b strings.Builder
		for _, comp := range comps {
			b.WriteString(`<C:comp name="` + escapeAttr(comp) + `"/>`)
		}
		return propVal{name: n, value: b.String()}, true
	case pSupportedData:
		return propVal{name: n, value: `<C:calendar-data content-type="text/calendar" version="2.0"/>`}, true
	case pMaxSize:
		return propVal{name: n, value: strconv.FormatInt(q.h.maxSize, 10)}, true
	case pSupportedCollSet:
		return propVal{name: n, value: collationSetXML}, true
	case pCTag:
		return propVal{name: n, value: strconv.FormatInt(c.SyncToken, 10)}, true
	case pSyncToken:
		return propVal{name: n, value: escapeString(syncToken(c.SyncToken))}, true
	case pGetETag:
		return propVal{name: n, value: escapeString(quoteETag(collectionETag(c)))}, true
	case pAvailability:
		av, ok, err := q.availability(q.r.Context(), c)
		if err != nil {
			q.h.log.Error("caldav: calendar-availability", "calendar", c.Name, "err", err)
		}
		if ok {
			return q.availabilityProp(av)
		}
		if v, ok := c.Props[propKey(n)]; ok {
			return propVal{name: n, value: v}, true
		}
	default:
		if v, ok := c.Props[propKey(n)]; ok && !liveCalendarProp(n) {
			return propVal{name: n, value: v}, true
		}
	}
	return q.commonProp(n)
}

func liveCalendarProp(n xml.Name) bool {
	for _, l := range calendarProps {
		if l == n && n != pTimezone && n != pOrder {
			return true
		}
	}
	return false
}

// objectProp serves an object's properties; calendar-data is served only
// when asked for by name (RFC 4791 section 9.6), never in allprop.
func (q *request) objectProp(c *model.Calendar, o *model.Object, n xml.Name) (propVal, bool) {
	switch n {
	case pResourceType:
		return propVal{name: n}, true
	case pGetETag:
		return propVal{name: n, value: escapeString(quoteETag(o.ETag))}, true
	case pLastModified:
		if !o.Modified.IsZero() {
			return propVal{name: n, value: o.Modified.UTC().Format(http.TimeFormat)}, true
		}
	case pContentType:
		ct := "text/calendar; charset=utf-8"
		if o.Component != "" {
			ct += "; component=" + strings.ToLower(o.Component)
		}
		return propVal{name: n, value: ct}, true
	case pContentLength:
		if o.Data != nil {
			return propVal{name: n, value: strconv.Itoa(len(o.Data))}, true
		}
	case pCalendarData:
		if o.Data != nil {
			return propVal{name: n, data: o.Data}, true
		}
	case pOwner:
		return propVal{name: n, value: hrefXML(principalHref(c.Owner))}, true
	}
	return q.commonProp(n)
}

// propRequest is what a PROPFIND (or REPORT) asks for.
type propRequest struct {
	allprop  bool
	propname bool
	names    []xml.Name
	data     *node // the calendar-data element, for expand and partial data
}

func parsePropRequest(n *node) propRequest {
	var pr propRequest
	if n == nil {
		pr.allprop = true
		return pr
	}
	for i := range n.Nodes {
		c := &n.Nodes[i]
		switch {
		case c.is(nsDAV, "allprop"):
			pr.allprop = true
		case c.is(nsDAV, "propname"):
			pr.propname = true
		case c.is(nsDAV, "include"), c.is(nsDAV, "prop"):
			for j := range c.Nodes {
				p := &c.Nodes[j]
				pr.names = append(pr.names, p.XMLName)
				if p.is(nsCalDAV, "calendar-data") {
					pr.data = p
				}
			}
		}
	}
	if !pr.allprop && !pr.propname && len(pr.names) == 0 {
		pr.allprop = true
	}
	return pr
}

// cheap reports whether every property asked for is known from the change
// log alone (no data, no component type).
func (pr *propRequest) cheap() bool {
	if pr.allprop || pr.propname {
		return false
	}
	for _, n := range pr.names {
		switch n {
		case pGetETag, pLastModified, pResourceType, pOwner, pCurrentPrincipal, pPrivileges, pDisplayName, pContentType:
		default:
			if n.Space == nsDAV || n.Space == nsCalDAV {
				if containsName(objectProps, n) || n == pCalendarData {
					return false
				}
				continue // not served on objects anyway: 404 either way
			}
			return false
		}
	}
	return true
}

// key identifies what a request asks for, for cached renderings.
func (pr *propRequest) key(minimal bool, base string) string {
	var b strings.Builder
	b.WriteString(base)
	if minimal {
		b.WriteString("|min")
	}
	for _, n := range pr.names {
		b.WriteString("|" + n.Space + " " + n.Local)
	}
	return b.String()
}

func (pr *propRequest) wants(n xml.Name) bool {
	for _, x := range pr.names {
		if x == n {
			return true
		}
	}
	return false
}

// write answers one resource: the asked properties found by get, the rest
// in a 404 propstat; allprop serves live, then dead properties.
func (pr *propRequest) write(m *msWriter, href string, live []xml.Name, dead map[string]string, get func(xml.Name) (propVal, bool)) {
	if pr.propname {
		found := make([]propVal, 0, len(live)+len(dead))
		for _, n := range live {
			found = append(found, propVal{name: n})
		}
		for _, k := range sortedKeys(dead) {
			found = append(found, propVal{name: keyName(k)})
		}
		m.response(href, found, nil, nil)
		return
	}
	names := pr.names
	if pr.allprop {
		names = make([]xml.Name, 0, len(live)+len(dead)+len(pr.names))
		names = append(names, live...)
		for _, k := range sortedKeys(dead) {
			names = append(names, keyName(k))
		}
		for _, n := range pr.names {
			if !containsName(names, n) {
				names = append(names, n)
			}
		}
	}
	found := make([]propVal, 0, len(names))
	var missing []xml.Name
	for _, n := range names {
		if v, ok := get(n); ok {
			found = append(found, v)
		} else if !pr.allprop || containsName(pr.names, n) {
			missing = append(missing, n)
		}
	}
	m.response(href, found, missing, nil)
}

func containsName(ns []xml.Name, n xml.Name) bool {
	for _, x := range ns {
		if x == n {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	if len(m) == 0 {
		return nil
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// keyName parses "{namespace}local".
func keyName(k string) xml.Name {
	if strings.HasPrefix(k, "{") {
		if i := strings.IndexByte(k, '}'); i > 0 {
			return xml.Name{Space: k[1:i], Local: k[i+1:]}
		}
	}
	return xml.Name{Local: k}
}

// deadProps returns the calendar's dead properties (those not served live).
func deadProps(c *model.Calendar) map[string]string {
	if len(c.Props) == 0 {
		return nil
	}
	out := make(map[string]string, len(c.Props))
	for k, v := range c.Props {
		if n := keyName(k); !containsName(calendarProps, n) {
			out[k] = v
		}
	}
	return out
}

// depth reads the Depth header; a missing header or infinity is treated
// as 1, which is all rota's shallow tree needs (RFC 4918 section 9.1 lets a
// server refuse infinity; answering one level is kinder to clients).
func depth(r *http.Request) int {
	switch r.Header.Get("Depth") {
	case "0":
		return 0
	default:
		return 1
	}
}

// propfind answers PROPFIND (RFC 4918 section 9.1).
func (q *request) propfind() {
	root, ok := q.xmlBody()
	if !ok {
		return
	}
	if root != nil && !root.is(nsDAV, "propfind") {
		q.badRequest(errors.New("PROPFIND body must be DAV:propfind"))
		return
	}
	pr := parsePropRequest(root)
	d := depth(q.r)
	ctx := q.r.Context()

	switch q.t.kind {
	case kindRoot:
		m := newMultistatus(q.w, q.r)
		pr.write(m, q.r.URL.Path, rootProps, nil, q.rootProp)
		if d > 0 {
			pr.write(m, principalHref(q.user), principalProps, nil, q.principalProp)
		}
		m.close("")
	case kindPrincipal:
		m := newMultistatus(q.w, q.r)
		pr.write(m, principalHref(q.user), principalProps, nil, q.principalProp)
		if d > 0 {
			pr.write(m, homeHref(q.user), homeProps, nil, q.homeProp)
		}
		m.close("")
	case kindHome:
		var cals []model.Calendar
		if d > 0 {
			var err error
			if cals, err = q.calendars(ctx); err != nil {
				q.h.fail(q.w, q.r, err)
				return
			}
		}
		m := newMultistatus(q.w, q.r)
		pr.write(m, homeHref(q.user), homeProps, nil, q.homeProp)
		for i := range cals {
			c := &cals[i]
			pr.write(m, calendarHref(q.user, c.Name), calendarProps, deadProps(c),
				func(n xml.Name) (propVal, bool) { return q.calendarProp(c, n) })
		}
		m.close("")
	case kindCalendar:
		if q.cal == nil {
			http.NotFound(q.w, q.r)
			return
		}
		c := q.cal
		var objs []model.Object
		if d > 0 {
			if pr.cheap() {
				// The mirror of the collection, kept current from the
				// change log, answers the getetag listings clients poll
				// without scanning the objects table.
				col, err := q.h.mirror.sync(ctx, q.h.store, c)
				if err != nil {
					q.h.fail(q.w, q.r, err)
					return
				}
				m := newMultistatus(q.w, q.r)
				pr.write(m, calendarHref(q.user, c.Name), calendarProps, deadProps(c),
					func(n xml.Name) (propVal, bool) { return q.calendarProp(c, n) })
				base := calendarHref(q.user, c.Name)
				body := q.h.mirror.render(col, pr.key(m.minimal, base), func() []byte {
					var buf bytes.Buffer
					mw := &msWriter{w: bufio.NewWriterSize(&buf, 64<<10), minimal: m.minimal}
					members := col.list()
					for i := range members {
						o := members[i].object(c.ID)
						pr.write(mw, base+pathEscape(o.Name), objectProps, nil,
							func(n xml.Name) (propVal, bool) { return q.objectProp(c, &o, n) })
					}
					mw.w.Flush()
					return buf.Bytes()
				})
				m.w.Write(body)
				m.close("")
				return
			} else {
				withData := pr.wants(pCalendarData) || pr.wants(pContentLength) || pr.allprop || pr.propname
				var err error
				if objs, err = q.h.store.ListObjects(ctx, c.ID, withData); err != nil {
					q.h.fail(q.w, q.r, err)
					return
				}
			}
		}
		m := newMultistatus(q.w, q.r)
		pr.write(m, calendarHref(q.user, c.Name), calendarProps, deadProps(c),
			func(n xml.Name) (propVal, bool) { return q.calendarProp(c, n) })
		base := calendarHref(q.user, c.Name)
		for i := range objs {
			o := &objs[i]
			pr.write(m, base+pathEscape(o.Name), objectProps, nil,
				func(n xml.Name) (propVal, bool) { return q.objectProp(c, o, n) })
		}
		m.close("")
	case kindObject:
		if q.cal == nil {
			http.NotFound(q.w, q.r)
			return
		}
		o, err := q.h.store.Object(ctx, q.cal.ID, q.t.objName)
		if err != nil {
			q.h.fail(q.w, q.r, err)
			return
		}
		m := newMultistatus(q.w, q.r)
		pr.write(m, objectHref(q.user, q.cal.Name, o.Name), objectProps, nil,
			func(n xml.Name) (propVal, bool) { return q.objectProp(q.cal, &o, n) })
		m.close("")
	}
}
