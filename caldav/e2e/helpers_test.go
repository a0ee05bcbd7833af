package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"rota/caldav"
	"rota/model"
	"rota/store/sqlite"
)

// env is one running server over a fresh store, with logins alice/secret
// and bob/hunter2 and alice's calendar "work".
type env struct {
	t     *testing.T
	store *sqlite.Store
	srv   *httptest.Server
	url   string
	now   time.Time
}

var clock = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, wrap ...func(caldav.Store) caldav.Store) *env {
	t.Helper()
	return newEnvConfig(t, caldav.Config{MaxResourceSize: 1 << 20}, wrap...)
}

func newEnvConfig(t *testing.T, cfg caldav.Config, wrap ...func(caldav.Store) caldav.Store) *env {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "rota.db"), sqlite.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	for name, pw := range map[string]string{"alice": "secret", "bob": "hunter2"} {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.PutUser(ctx, model.User{Name: name, PasswordHash: h, Created: clock}); err != nil {
			t.Fatalf("put user: %v", err)
		}
	}
	c := model.Calendar{Owner: "alice", Name: "work", DisplayName: "Work", TimeZone: "Europe/Berlin", Kind: model.CalendarEvents}
	if err := st.CreateCalendar(ctx, &c); err != nil {
		t.Fatalf("create calendar: %v", err)
	}
	var s caldav.Store = st
	for _, w := range wrap {
		s = w(s)
	}
	cfg.Store, cfg.Now = s, func() time.Time { return clock }
	h := caldav.New(cfg)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, store: st, srv: srv, url: srv.URL, now: clock}
}

type resp struct {
	code int
	hdr  http.Header
	body string
}

// do sends one request as alice (user "" sends none; "bob" as bob).
func (e *env) do(method, path, body string, hdr ...string) resp {
	return e.doAs("alice", method, path, body, hdr...)
}

func (e *env) doAs(user, method, path, body string, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	target := path
	if strings.HasPrefix(path, "/") {
		target = e.url + path
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		e.t.Fatalf("request: %v", err)
	}
	switch user {
	case "alice":
		req.SetBasicAuth("alice", "secret")
	case "bob":
		req.SetBasicAuth("bob", "hunter2")
	case "":
	default:
		req.SetBasicAuth(user, "wrong")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{code: res.StatusCode, hdr: res.Header, body: string(b)}
}

func (r resp) must(t *testing.T, code int, what string) resp {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: status %d, want %d; body:\n%s", what, r.code, code, r.body)
	}
	return r
}

func (r resp) has(t *testing.T, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.body, s) {
			t.Errorf("answer lacks %q:\n%s", s, r.body)
		}
	}
}

func (r resp) lacks(t *testing.T, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(r.body, s) {
			t.Errorf("answer has %q:\n%s", s, r.body)
		}
	}
}

// event builds a VCALENDAR with one VEVENT; extra lines go inside it.
func event(uid, start, end string, extra ...string) string {
	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//e2e//EN\r\nBEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20260101T000000Z\r\n")
	b.WriteString("DTSTART" + start + "\r\n")
	if end != "" {
		b.WriteString("DTEND" + end + "\r\n")
	}
	for _, x := range extra {
		b.WriteString(x + "\r\n")
	}
	b.WriteString("END:VEVENT\r\nEND:VCALENDAR\r\n")
	return b.String()
}

const calPath = "/dav/alice/calendars/work/"

func (e *env) put(name, body string, hdr ...string) resp {
	e.t.Helper()
	h := append([]string{"Content-Type", "text/calendar; charset=utf-8"}, hdr...)
	return e.do("PUT", calPath+name, body, h...)
}

func query(filter string, prop string) string {
	if prop == "" {
		prop = "<D:getetag/>"
	}
	return `<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>` +
		prop + `</D:prop><C:filter>` + filter + `</C:filter></C:calendar-query>`
}

// hrefs lists the hrefs of 200 responses, in order.
func hrefs(body string) []string {
	var out []string
	for _, part := range strings.Split(body, "<D:response>")[1:] {
		i := strings.Index(part, "<D:href>")
		j := strings.Index(part, "</D:href>")
		if i < 0 || j < 0 {
			continue
		}
		if strings.Contains(part, "HTTP/1.1 200 OK") {
			out = append(out, part[i+8:j])
		}
	}
	return out
}
