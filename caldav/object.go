package caldav

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"

	"rota/model"
	"rota/model/ics"
)

// get answers GET and HEAD: an object's stored bytes with ETag and
// Last-Modified, 304 on If-None-Match / If-Modified-Since (via
// http.ServeContent); a calendar collection as one VCALENDAR.
func (q *request) get() {
	ctx := q.r.Context()
	switch q.t.kind {
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
		hd := q.w.Header()
		hd.Set("ETag", quoteETag(o.ETag))
		hd.Set("Content-Type", "text/calendar; charset=utf-8")
		http.ServeContent(q.w, q.r, "", o.Modified, bytes.NewReader(o.Data))
	case kindCalendar:
		if q.cal == nil {
			http.NotFound(q.w, q.r)
			return
		}
		objs, err := q.h.store.ListObjects(ctx, q.cal.ID, true)
		if err != nil {
			q.h.fail(q.w, q.r, err)
			return
		}
		body := buildCalendar(q.cal, objs, false)
		hd := q.w.Header()
		hd.Set("ETag", quoteETag(collectionETag(q.cal)))
		hd.Set("Content-Type", "text/calendar; charset=utf-8")
		http.ServeContent(q.w, q.r, "", q.cal.Modified, bytes.NewReader(body))
	default:
		q.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(q.w, "rota CalDAV server: point your calendar client at %s\n", principalHref(q.user))
	}
}

// etagList parses an If-Match / If-None-Match value: "*" or a list of
// (possibly weak) entity tags.
func etagList(h string) (tags []string, star bool) {
	for _, part := range strings.Split(h, ",") {
		p := strings.TrimSpace(part)
		if p == "" {
			continue
		}
		if p == "*" {
			star = true
			continue
		}
		p = strings.TrimPrefix(p, "W/")
		p = strings.Trim(p, `"`)
		tags = append(tags, p)
	}
	return tags, star
}

// condition turns If-Match and If-None-Match into a store condition. ok is
// false when the request already failed its precondition (412 written).
// Lists and "If-Match: *" are resolved against the stored ETag; the store
// then re-checks in its transaction, so a racing writer still loses.
func (q *request) condition() (model.Condition, bool) {
	var cond model.Condition
	im, imSet := q.r.Header["If-Match"]
	inm, inmSet := q.r.Header["If-None-Match"]
	if !imSet && !inmSet {
		return cond, true
	}
	var current *model.Object
	lookup := func() *model.Object {
		if current == nil {
			if o, err := q.h.store.Object(q.r.Context(), q.cal.ID, q.t.objName); err == nil {
				current = &o
			} else {
				current = &model.Object{}
			}
		}
		if current.ETag == "" {
			return nil
		}
		return current
	}
	fail := func() (model.Condition, bool) {
		http.Error(q.w, "precondition failed", http.StatusPreconditionFailed)
		return cond, false
	}
	if imSet {
		tags, star := etagList(strings.Join(im, ","))
		switch {
		case star:
			cur := lookup()
			if cur == nil {
				return fail()
			}
			cond.IfMatch = cur.ETag
		case len(tags) == 1:
			cond.IfMatch = tags[0]
		case len(tags) > 1:
			cur := lookup()
			if cur == nil || !containsString(tags, cur.ETag) {
				return fail()
			}
			cond.IfMatch = cur.ETag
		}
	}
	if inmSet {
		tags, star := etagList(strings.Join(inm, ","))
		if star {
			cond.IfNoneMatch = true
		} else if len(tags) > 0 {
			if cur := lookup(); cur != nil && containsString(tags, cur.ETag) {
				return fail()
			}
		}
	}
	return cond, true
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// put stores a calendar object (RFC 4791 section 5.3.2): validated by the
// codec, refused with the RFC's precondition elements, 201 on create and
// 204 on update, ETag in the answer only when the stored bytes are the
// body's (section 5.3.4).
func (q *request) put() {
	if q.t.kind != kindObject {
		q.w.Header().Set("Allow", "OPTIONS, GET, HEAD, DELETE, PROPFIND, PROPPATCH, REPORT")
		http.Error(q.w, "PUT applies to calendar objects", http.StatusMethodNotAllowed)
		return
	}
	if q.cal == nil {
		http.Error(q.w, "no such calendar: create it first (MKCALENDAR)", http.StatusConflict)
		return
	}
	if ct := q.r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !(mt == "text/calendar" || mt == "application/octet-stream" || mt == "text/plain" || mt == "application/ics") {
			writeError(q.w, http.StatusForbidden, elemSupportedData, "only text/calendar is accepted")
			return
		}
	}
	if q.r.ContentLength > q.h.maxSize {
		writeError(q.w, http.StatusRequestEntityTooLarge, elemMaxSize, fmt.Sprintf("calendar objects are limited to %d bytes", q.h.maxSize))
		return
	}
	body, err := readBody(q.r)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			q.h.log.Warn("caldav: PUT body too large", "path", q.r.URL.Path, "user", q.user, "limit", q.h.maxSize)
			writeError(q.w, http.StatusRequestEntityTooLarge, elemMaxSize, fmt.Sprintf("calendar objects are limited to %d bytes", q.h.maxSize))
			return
		}
		q.badRequest(err)
		return
	}
	obj, err := ics.DecodeObject(body)
	if err != nil {
		elem := elemValidData
		var ie *ics.Error
		if errors.As(err, &ie) && ie.Line == 0 {
			elem = elemValidObject
		}
		q.h.log.Info("caldav: PUT refused", "path", q.r.URL.Path, "user", q.user, "err", err)
		writeError(q.w, http.StatusForbidden, elem, err.Error())
		return
	}
	if !q.cal.Supports(obj.Component) {
		writeError(q.w, http.StatusForbidden, elemSupportedComp, fmt.Sprintf("calendar %q does not take %s components", q.cal.Name, obj.Component))
		return
	}
	// The codec accepted the object; an error here leaves nothing rota
	// models to judge. Plain client data is not decoded a second time.
	var evs []model.Event
	if mayConcernRota(obj.Data, q.cal) {
		evs, _ = ics.Events(obj.Data)
	}
	if err := validateDomain(evs); err != nil {
		q.h.log.Info("caldav: PUT refused", "path", q.r.URL.Path, "user", q.user, "err", err)
		writeError(q.w, http.StatusForbidden, elemValidObject, err.Error())
		return
	}
	obj.CalendarID = q.cal.ID
	obj.Name = q.t.objName
	if !bytes.Equal(obj.Data, body) && sameContent(obj.Data, body) {
		// The codec only reordered or refolded lines: keep what the
		// client sent, byte for byte, so its ETag stays meaningful.
		obj.Data = body
	}
	cond, ok := q.condition()
	if !ok {
		return
	}
	ctx := q.r.Context()
	conflicts, err := q.markConflicts(ctx, &obj, evs)
	if err != nil {
		q.h.fail(q.w, q.r, err)
		return
	}
	for _, c := range conflicts {
		q.h.log.Info("caldav: PUT saved with a conflict", "path", q.r.URL.Path, "user", q.user, "conflict", c.Error())
	}
	// A UID held by another resource is refused by the store as a
	// conflict; uidConflict then tells it from a lost If-Match race.
	created, err := q.h.store.PutObject(ctx, &obj, cond)
	if err != nil {
		switch {
		case errors.Is(err, model.ErrConflict):
			if q.uidConflict(obj.UID) {
				return
			}
			http.Error(q.w, "precondition failed: the object changed", http.StatusPreconditionFailed)
		case errors.Is(err, model.ErrReadOnly):
			writeError(q.w, http.StatusForbidden, elemValidObject, err.Error())
		case errors.Is(err, model.ErrInvalid):
			writeError(q.w, http.StatusForbidden, elemValidObject, err.Error())
		default:
			q.h.fail(q.w, q.r, err)
		}
		return
	}
	hd := q.w.Header()
	if bytes.Equal(obj.Data, body) {
		hd.Set("ETag", quoteETag(obj.ETag))
	}
	if !obj.Modified.IsZero() {
		hd.Set("Last-Modified", obj.Modified.UTC().Format(http.TimeFormat))
	}
	if created {
		hd.Set("Location", objectHref(q.user, q.cal.Name, obj.Name))
		q.w.WriteHeader(http.StatusCreated)
		return
	}
	q.w.WriteHeader(http.StatusNoContent)
}

// uidConflict answers 409 with CALDAV:no-uid-conflict (RFC 4791 section
// 5.3.2.1) when another resource of the calendar holds uid.
func (q *request) uidConflict(uid string) bool {
	other, err := q.h.store.ObjectByUID(q.r.Context(), q.cal.ID, uid)
	if err != nil || other.Name == q.t.objName {
		return false
	}
	writeErrorXML(q.w, http.StatusConflict,
		"<C:no-uid-conflict>"+hrefXML(objectHref(q.user, q.cal.Name, other.Name))+"</C:no-uid-conflict>",
		fmt.Sprintf("UID %q is already used by %s", uid, other.Name))
	return true
}

// delete removes an object or a whole calendar, honouring If-Match.
func (q *request) delete() {
	ctx := q.r.Context()
	switch q.t.kind {
	case kindObject:
		if q.cal == nil {
			http.NotFound(q.w, q.r)
			return
		}
		if _, set := q.r.Header["If-None-Match"]; set {
			http.Error(q.w, "If-None-Match is not supported on DELETE", http.StatusPreconditionFailed)
			return
		}
		cond, ok := q.condition()
		if !ok {
			return
		}
		err := q.h.store.DeleteObject(ctx, q.cal.ID, q.t.objName, cond)
		switch {
		case err == nil:
			q.w.WriteHeader(http.StatusNoContent)
		case errors.Is(err, model.ErrConflict):
			http.Error(q.w, "precondition failed: the object changed", http.StatusPreconditionFailed)
		default:
			q.h.fail(q.w, q.r, err)
		}
	case kindCalendar:
		if q.cal == nil {
			http.NotFound(q.w, q.r)
			return
		}
		if im := q.r.Header.Get("If-Match"); im != "" {
			tags, star := etagList(im)
			if !star && !containsString(tags, collectionETag(q.cal)) {
				http.Error(q.w, "precondition failed: the calendar changed", http.StatusPreconditionFailed)
				return
			}
		}
		if err := q.h.store.DeleteCalendar(ctx, q.cal.ID); err != nil {
			q.h.fail(q.w, q.r, err)
			return
		}
		q.h.mirror.forget(q.cal.ID)
		q.w.WriteHeader(http.StatusNoContent)
	default:
		writeError(q.w, http.StatusForbidden, elemNeedPrivileges, "principals and calendar homes cannot be deleted")
	}
}

// sameContent reports whether two iCalendar texts hold the same content
// lines, in any order and however folded: then the codec repaired
// nothing.
func sameContent(a, b []byte) bool {
	la, lb := contentLines(a), contentLines(b)
	if len(la) != len(lb) {
		return false
	}
	slices.Sort(la)
	slices.Sort(lb)
	return slices.Equal(la, lb)
}

// contentLines unfolds iCalendar text into its logical lines.
func contentLines(data []byte) []string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out []string
	var cur []byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(l) > 0 && (l[0] == ' ' || l[0] == '\t') {
			cur = append(cur, l[1:]...)
			continue
		}
		if len(cur) > 0 {
			out = append(out, string(cur))
		}
		cur = append(cur[:0:0], l...)
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}
