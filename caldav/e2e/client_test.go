package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	webdavcaldav "github.com/emersion/go-webdav/caldav"
)

// TestGoWebdavClient drives the server with go-webdav's own CalDAV client:
// discovery, listing, PUT, query, multiget, GET and delete.
func TestGoWebdavClient(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	hc := webdav.HTTPClientWithBasicAuth(http.DefaultClient, "alice", "secret")
	c, err := webdavcaldav.NewClient(hc, e.url)
	if err != nil {
		t.Fatal(err)
	}
	principal, err := c.FindCurrentUserPrincipal(ctx)
	if err != nil || principal != "/dav/alice/" {
		t.Fatalf("principal %q, %v", principal, err)
	}
	home, err := c.FindCalendarHomeSet(ctx, principal)
	if err != nil || home != "/dav/alice/calendars/" {
		t.Fatalf("home %q, %v", home, err)
	}
	cals, err := c.FindCalendars(ctx, home)
	if err != nil || len(cals) != 1 || cals[0].Path != calPath || cals[0].Name != "Work" {
		t.Fatalf("calendars %+v, %v", cals, err)
	}
	if got := strings.Join(cals[0].SupportedComponentSet, ","); got != "VEVENT,VTODO" {
		t.Errorf("supported components %q", got)
	}

	for i := 0; i < 3; i++ {
		cal := ical.NewCalendar()
		cal.Props.SetText(ical.PropVersion, "2.0")
		cal.Props.SetText(ical.PropProductID, "-//go-webdav//test//EN")
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, fmt.Sprintf("gw-%d", i))
		ev.Props.SetDateTime(ical.PropDateTimeStamp, clock)
		start := time.Date(2026, 3, 2+i, 10, 0, 0, 0, time.UTC)
		ev.Props.SetDateTime(ical.PropDateTimeStart, start)
		ev.Props.SetDateTime(ical.PropDateTimeEnd, start.Add(time.Hour))
		ev.Props.SetText(ical.PropSummary, fmt.Sprintf("Meeting %d", i))
		if i == 0 {
			rr := ical.NewProp(ical.PropRecurrenceRule)
			rr.Value = "FREQ=DAILY;COUNT=4"
			ev.Props.Set(rr)
		}
		cal.Children = append(cal.Children, ev.Component)
		obj, err := c.PutCalendarObject(ctx, fmt.Sprintf("%sgw-%d.ics", calPath, i), cal)
		if err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
		if obj.ETag == "" {
			t.Errorf("put %d: no ETag", i)
		}
	}

	q := &webdavcaldav.CalendarQuery{
		CompRequest: webdavcaldav.CalendarCompRequest{Name: "VCALENDAR", AllProps: true, AllComps: true},
		CompFilter: webdavcaldav.CompFilter{Name: "VCALENDAR", Comps: []webdavcaldav.CompFilter{{
			Name: "VEVENT", Start: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)}}},
	}
	objs, err := c.QueryCalendar(ctx, calPath, q)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.Path)
		if o.Data == nil || o.ETag == "" {
			t.Errorf("%s: data %v etag %q", o.Path, o.Data != nil, o.ETag)
		}
	}
	if strings.Join(got, " ") != calPath+"gw-0.ics "+calPath+"gw-2.ics" && strings.Join(got, " ") != calPath+"gw-2.ics "+calPath+"gw-0.ics" {
		t.Errorf("query returned %v, want gw-0 (recurring) and gw-2", got)
	}

	mg, err := c.MultiGetCalendar(ctx, calPath, &webdavcaldav.CalendarMultiGet{
		Paths:       []string{calPath + "gw-1.ics", calPath + "gw-2.ics"},
		CompRequest: webdavcaldav.CalendarCompRequest{Name: "VCALENDAR", AllProps: true, AllComps: true},
	})
	if err != nil || len(mg) != 2 {
		t.Fatalf("multiget: %d, %v", len(mg), err)
	}
	obj, err := c.GetCalendarObject(ctx, calPath+"gw-1.ics")
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if s, _ := obj.Data.Children[0].Props.Text(ical.PropSummary); s != "Meeting 1" {
		t.Errorf("summary %q", s)
	}
	if err := c.RemoveAll(ctx, calPath+"gw-1.ics"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := c.GetCalendarObject(ctx, calPath+"gw-1.ics"); err == nil {
		t.Errorf("deleted object still readable")
	}
	// Collection listing through the WebDAV client.
	infos, err := c.ReadDir(ctx, calPath, false)
	if err != nil {
		t.Fatalf("readdir: %v", err)
	}
	if len(infos) != 3 { // the collection and two objects
		t.Errorf("readdir: %d entries", len(infos))
	}
}

// TestIfMatchRace: N writers race with If-Match on one object; exactly one
// wins each round and no acknowledged write is lost.
func TestIfMatchRace(t *testing.T) {
	e := newEnv(t)
	body := func(v string) string {
		return event("race", ":20260302T100000Z", ":20260302T110000Z", "SUMMARY:"+v)
	}
	r := e.put("race.ics", body("v0")).must(t, 201, "create")
	etag := r.hdr.Get("ETag")
	const writers, rounds = 6, 8
	for round := 0; round < rounds; round++ {
		var wins atomic.Int32
		var winner atomic.Value
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v := fmt.Sprintf("r%d-w%d", round, w)
				req, _ := http.NewRequest("PUT", e.url+calPath+"race.ics", strings.NewReader(body(v)))
				req.SetBasicAuth("alice", "secret")
				req.Header.Set("Content-Type", "text/calendar")
				req.Header.Set("If-Match", etag)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				switch res.StatusCode {
				case 204:
					wins.Add(1)
					winner.Store([2]string{v, res.Header.Get("ETag")})
				case 412:
				default:
					t.Errorf("racing PUT: %d", res.StatusCode)
				}
			}()
		}
		wg.Wait()
		if n := wins.Load(); n != 1 {
			t.Fatalf("round %d: %d winners, want exactly 1", round, n)
		}
		w := winner.Load().([2]string)
		g := e.do("GET", calPath+"race.ics", "").must(t, 200, "GET after race")
		if !strings.Contains(g.body, "SUMMARY:"+w[0]) || g.hdr.Get("ETag") != w[1] {
			t.Fatalf("round %d: stored %q (ETag %s), winner was %s (ETag %s)", round, g.body, g.hdr.Get("ETag"), w[0], w[1])
		}
		etag = w[1]
	}
}

// TestConcurrentCreates: writers creating distinct objects at once all
// succeed and all are listed.
func TestConcurrentCreates(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				uid := fmt.Sprintf("c-%d-%d", w, i)
				req, _ := http.NewRequest("PUT", e.url+calPath+uid+".ics", strings.NewReader(event(uid, ":20260302T100000Z", ":20260302T110000Z")))
				req.SetBasicAuth("alice", "secret")
				req.Header.Set("If-None-Match", "*")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				if res.StatusCode != 201 {
					t.Errorf("create %s: %d", uid, res.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	r := e.do("PROPFIND", calPath, `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`, "Depth", "1")
	if n := len(hrefs(r.body)) - 1; n != 40 {
		t.Errorf("%d objects listed, want 40", n)
	}
}
