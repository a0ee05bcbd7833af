package caldav

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"

	"rota/model"
)

// kind is what a path names.
type kind int

const (
	kindRoot      kind = iota // "/" and "/dav/"
	kindPrincipal             // /dav/<user>/
	kindHome                  // /dav/<user>/calendars/
	kindCalendar              // /dav/<user>/calendars/<cal>/
	kindObject                // /dav/<user>/calendars/<cal>/<name>
)

// target is a parsed request path.
type target struct {
	kind    kind
	user    string
	calName string
	objName string
}

// href paths. Segments are escaped for use in XML and HTTP.
func principalHref(user string) string { return "/dav/" + pathEscape(user) + "/" }
func homeHref(user string) string      { return principalHref(user) + "calendars/" }
func calendarHref(user, cal string) string {
	return homeHref(user) + pathEscape(cal) + "/"
}
func objectHref(user, cal, name string) string {
	return calendarHref(user, cal) + pathEscape(name)
}

// errBadPath marks a path that is refused outright (dot segments, encoded
// slashes).
var errBadPath = errors.New("bad path")

// parsePath splits a request path into a target. Dot segments and encoded
// slashes or backslashes are refused: they have no meaning in rota's layout
// and are the usual tools of path traversal.
func parsePath(r *http.Request) (target, error) {
	raw := r.URL.EscapedPath()
	low := strings.ToLower(raw)
	if strings.Contains(low, "%2f") || strings.Contains(low, "%5c") || strings.Contains(low, "%00") || strings.ContainsRune(r.URL.Path, '\\') {
		return target{}, errBadPath
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") {
		return target{}, errBadPath
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for _, s := range segs {
		if s == "." || s == ".." {
			return target{}, errBadPath
		}
	}
	if strings.Contains(strings.Trim(p, "/"), "//") {
		return target{}, errBadPath
	}
	if p == "/" || p == "/dav" || p == "/dav/" {
		return target{kind: kindRoot}, nil
	}
	if segs[0] != "dav" || len(segs) < 2 {
		return target{}, model.ErrNotFound
	}
	t := target{kind: kindPrincipal, user: segs[1]}
	switch len(segs) {
	case 2:
		return t, nil
	case 3:
		if segs[2] != "calendars" {
			return target{}, model.ErrNotFound
		}
		t.kind = kindHome
		return t, nil
	case 4, 5:
		if segs[2] != "calendars" {
			return target{}, model.ErrNotFound
		}
		t.kind = kindCalendar
		t.calName = segs[3]
		if len(segs) == 5 {
			t.kind = kindObject
			t.objName = segs[4]
		}
		return t, nil
	}
	return target{}, model.ErrNotFound
}

// statusRecorder remembers whether a response was started, so the panic
// handler knows whether it may still answer 500.
type statusRecorder struct {
	http.ResponseWriter
	code    int
	written bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.written {
		s.code = code
		s.written = true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if !s.written {
		s.code = http.StatusOK
		s.written = true
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// ServeHTTP routes a request: feeds without a login, everything else
// behind Basic auth. A panic anywhere below (a library choking on a
// malformed body) is logged and answered 500; the server keeps serving.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.Error("caldav: panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !rec.written {
				http.Error(rec, "internal error", http.StatusInternalServerError)
			}
		}
	}()
	h.serve(rec, r)
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, h.maxSize)
	}
	p := r.URL.Path
	if strings.HasPrefix(p, "/feeds/") {
		h.serveFeed(w, r)
		return
	}
	user, person, ok := h.authenticate(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="rota", charset="UTF-8"`)
		http.Error(w, "login required", http.StatusUnauthorized)
		return
	}
	if r.Method == http.MethodOptions {
		h.serveOptions(w, r)
		return
	}
	if p == "/.well-known/caldav" || p == "/.well-known/caldav/" {
		// RFC 6764 section 5: redirect to the context path; the principal
		// itself is the most useful answer.
		http.Redirect(w, r, principalHref(user), http.StatusMovedPermanently)
		return
	}
	t, err := parsePath(r)
	if err != nil {
		if errors.Is(err, errBadPath) {
			h.log.Warn("caldav: refused path", "path", r.URL.EscapedPath(), "user", user)
			http.Error(w, "bad path", http.StatusBadRequest)
			return
		}
		http.NotFound(w, r)
		return
	}
	if t.kind != kindRoot && t.user != user {
		// A user sees only their own principal and calendars.
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	ctx := r.Context()
	req := &request{h: h, w: w, r: r, user: user, person: person, t: t}
	if t.kind >= kindCalendar {
		cal, err := req.calendar(ctx, t.calName)
		switch {
		case err == nil:
			req.cal = cal
		case errors.Is(err, model.ErrNotFound):
		default:
			h.fail(w, r, err)
			return
		}
	}
	switch r.Method {
	case "PROPFIND":
		req.propfind()
	case "PROPPATCH":
		req.proppatch()
	case "REPORT":
		req.report()
	case http.MethodGet, http.MethodHead:
		req.get()
	case http.MethodPut:
		req.put()
	case http.MethodDelete:
		req.delete()
	case "MKCALENDAR", "MKCOL":
		req.mkcalendar()
	case http.MethodPost:
		http.Error(w, "POST is not supported", http.StatusMethodNotAllowed)
	default:
		w.Header().Set("Allow", allowed)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

const allowed = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCALENDAR, MKCOL"

// serveOptions answers OPTIONS (RFC 4791 section 5.1): 200, as
// Thunderbird wants, with the DAV classes.
func (h *Handler) serveOptions(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("DAV", "1, 3, calendar-access, extended-mkcol")
	w.Header().Set("Allow", allowed)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// request is one authenticated DAV request.
type request struct {
	h      *Handler
	w      http.ResponseWriter
	r      *http.Request
	user   string
	person string // team member the login is linked to, "" if none
	t      target
	cal    *model.Calendar // the calendar of a calendar or object target, nil if missing
}

// fail answers an unexpected store error.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, model.ErrNotFound):
		http.Error(w, "not found", http.StatusNotFound)
	case errors.Is(err, model.ErrReadOnly):
		writeError(w, http.StatusForbidden, elemValidObject, err.Error())
	case errors.Is(err, model.ErrInvalid):
		writeError(w, http.StatusForbidden, elemValidObject, err.Error())
	case errors.Is(err, r.Context().Err()) && r.Context().Err() != nil:
		h.log.Info("caldav: request cancelled", "method", r.Method, "path", r.URL.Path)
	default:
		h.log.Error("caldav: store error", "method", r.Method, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// calendar finds the login's calendar name: its own, else (for a login
// linked to a team member) one of that person's calendars, so schedules
// and timesheets made for the person show up in the login's home
// (DESIGN.md, CalDAV layout).
func (q *request) calendar(ctx context.Context, name string) (*model.Calendar, error) {
	c, err := q.h.store.Calendar(ctx, q.user, name)
	if err == nil {
		return &c, nil
	}
	if !errors.Is(err, model.ErrNotFound) || q.person == "" {
		return nil, err
	}
	linked, err := q.linkedCalendars(ctx)
	if err != nil {
		return nil, err
	}
	for i := range linked {
		if linked[i].Name == name {
			return &linked[i], nil
		}
	}
	return nil, fmt.Errorf("calendar %q: %w", name, model.ErrNotFound)
}

// linkedCalendars are the calendars of other owners made for the login's
// team member.
func (q *request) linkedCalendars(ctx context.Context) ([]model.Calendar, error) {
	if q.person == "" {
		return nil, nil
	}
	all, err := q.h.store.Calendars(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []model.Calendar
	for _, c := range all {
		if c.Person == q.person && c.Owner != q.user {
			out = append(out, c)
		}
	}
	return out, nil
}

// calendars lists the login's home: its own calendars, then linked ones
// whose names its own do not shadow.
func (q *request) calendars(ctx context.Context) ([]model.Calendar, error) {
	own, err := q.h.store.Calendars(ctx, q.user)
	if err != nil {
		return nil, err
	}
	linked, err := q.linkedCalendars(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]bool, len(own))
	for _, c := range own {
		names[c.Name] = true
	}
	for _, c := range linked {
		if !names[c.Name] {
			names[c.Name] = true
			own = append(own, c)
		}
	}
	return own, nil
}
