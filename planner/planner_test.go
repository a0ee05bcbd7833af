package planner_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rota/caldav"
	"rota/model"
	"rota/model/ics"
	"rota/planner"
	"rota/store/sqlite"
)

var _ planner.SlotStore = (*sqlite.Store)(nil)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func openStore(t *testing.T, c *clock) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "rota.db"), sqlite.Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// seedSchedule stores the seed's example body as schedule "yoga" in a
// calendar of kind schedule owned by ann, and generates it.
func seedSchedule(t *testing.T, st *sqlite.Store, c *clock) model.Schedule {
	t.Helper()
	ctx := context.Background()
	cal := model.Calendar{Owner: "ann", Name: "classes", Kind: model.CalendarSchedule, TimeZone: "America/New_York", Components: []string{"VEVENT"}}
	if err := st.CreateCalendar(ctx, &cal); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile("testdata/seed_schedule.json")
	if err != nil {
		t.Fatal(err)
	}
	req, err := planner.ParseScheduleRequest(body)
	if err != nil {
		t.Fatal(err)
	}
	s, err := req.Schedule(model.DateOf(c.t), "UTC")
	if err != nil {
		t.Fatal(err)
	}
	s.Owner, s.CalendarID = "ann", cal.ID
	if err := st.CreateSchedule(ctx, &s); err != nil {
		t.Fatal(err)
	}
	p, err := planner.Regenerate(ctx, st, &s, c.t, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Create) != 4 || len(p.Written) != 1 {
		t.Fatalf("first generation: %d created, %d objects written; want 4 Mondays in one object", len(p.Create), len(p.Written))
	}
	return s
}

func byDate(t *testing.T, occs []model.ScheduleOccurrence) map[string]model.ScheduleOccurrence {
	t.Helper()
	m := map[string]model.ScheduleOccurrence{}
	for _, o := range occs {
		m[o.Date.String()] = o
	}
	return m
}

// TestScheduleHandChangeOverCalDAV is the end-to-end flow of issue 5:
// create a schedule from the seed's body, move one occurrence over CalDAV
// (GET, edit, PUT with If-Match through the real handler), regenerate after
// editing the schedule, and check that the hand change survived and is
// reported; then force it away.
func TestScheduleHandChangeOverCalDAV(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	st := openStore(t, c)
	s := seedSchedule(t, st, c)

	hash, err := caldav.HashPassword("secret")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutUser(ctx, model.User{Name: "ann", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(caldav.New(caldav.Config{Store: st, Now: c.now}))
	defer srv.Close()

	objs, err := st.ListObjects(ctx, s.CalendarID, false)
	if err != nil || len(objs) != 1 {
		t.Fatalf("objects %v %v", objs, err)
	}
	url := srv.URL + "/dav/ann/calendars/classes/" + objs[0].Name
	do := func(method string, body []byte, hdr map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, url, bytes.NewReader(body))
		req.SetBasicAuth("ann", "secret")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := do("GET", nil, nil)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" || !bytes.Contains(data, []byte("X-ROTA-SCHEDULE")) || !bytes.Contains(data, []byte("FREQ=WEEKLY;BYDAY=MO;UNTIL=")) {
		t.Fatalf("GET %d etag %q:\n%s", resp.StatusCode, etag, data)
	}

	// The phone moves Monday 19 January from 14:00 to 16:30.
	evs, err := ics.Events(data)
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := model.LoadZone("America/New_York")
	recID := time.Date(2026, 1, 19, 14, 0, 0, 0, ny)
	ov := evs[0]
	ov.Recurrence = nil
	ov.RecurrenceID = recID
	ov.Start = time.Date(2026, 1, 19, 16, 30, 0, 0, ny)
	ov.End = ov.Start.Add(time.Hour)
	edited, err := ics.Apply(data, ov)
	if err != nil {
		t.Fatal(err)
	}
	resp = do("PUT", edited.Data, map[string]string{"If-Match": etag, "Content-Type": "text/calendar"})
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT with If-Match: %d", resp.StatusCode)
	}
	resp = do("PUT", edited.Data, map[string]string{"If-Match": etag, "Content-Type": "text/calendar"})
	resp.Body.Close()
	if resp.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("PUT with a stale ETag: %d; want 412", resp.StatusCode)
	}

	occs, err := planner.Occurrences(ctx, st, &s)
	if err != nil {
		t.Fatal(err)
	}
	got := byDate(t, occs)
	if o := got["2026-01-19"]; !o.Changed.Time || o.Changed.Duration || o.Actual.Start.Hour() != 16 {
		t.Fatalf("19 Jan after the phone's edit: changed %v, actual %s; want time changed by hand", o.Changed.Names(), o.Actual.Start)
	}

	// On 13 January the series moves to 15:00 for 90 minutes.
	c.t = time.Date(2026, 1, 13, 12, 0, 0, 0, time.UTC)
	s.Series[0].Time = 15 * time.Hour
	s.Series[0].Duration = 90 * time.Minute
	if err := st.UpdateSchedule(ctx, &s); err != nil {
		t.Fatal(err)
	}
	preview, err := planner.Regenerate(ctx, st, &s, c.t, false, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(preview.Written) != 0 || len(preview.Kept) != 1 || len(preview.Update) != 1 {
		t.Fatalf("preview: written %v kept %d updated %d", preview.Written, len(preview.Kept), len(preview.Update))
	}
	p, err := planner.Regenerate(ctx, st, &s, c.t, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Kept) != 1 || p.Kept[0].Date.String() != "2026-01-19" || !p.Kept[0].Changed.Time {
		t.Fatalf("kept %+v; want 19 Jan reported with its time changed by hand", p.Kept)
	}
	occs, err = planner.Occurrences(ctx, st, &s)
	if err != nil {
		t.Fatal(err)
	}
	got = byDate(t, occs)
	for day, want := range map[string]string{
		"2026-01-05": "14:00 60m", "2026-01-12": "14:00 60m", // past: untouched
		"2026-01-19": "16:30 60m", // hand change kept
		"2026-01-26": "15:00 90m", // regenerated
	} {
		o, ok := got[day]
		if !ok {
			t.Errorf("%s missing", day)
			continue
		}
		if g := o.Actual.Start.In(ny).Format("15:04") + " " + o.Actual.Duration.String(); !strings.HasPrefix(g, want[:6]) || o.Actual.Duration.Minutes() != mins(want) {
			t.Errorf("%s: %s; want %s", day, g, want)
		}
	}
	if o := got["2026-01-19"]; !o.Changed.Time {
		t.Errorf("19 Jan no longer reported as changed by hand: %v", o.Changed.Names())
	}

	// Force: the hand change goes.
	p, err = planner.Regenerate(ctx, st, &s, c.t, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Update) != 1 || p.Update[0].State != model.StateChangedForce {
		t.Fatalf("force: %+v", p.Update)
	}
	occs, _ = planner.Occurrences(ctx, st, &s)
	got = byDate(t, occs)
	if o := got["2026-01-19"]; o.Changed.Any() || o.Actual.Start.In(ny).Hour() != 15 {
		t.Fatalf("19 Jan after force: %s changed %v", o.Actual.Start, o.Changed.Names())
	}
	// Regenerating again writes nothing.
	p, err = planner.Regenerate(ctx, st, &s, c.t, false, false)
	if err != nil || len(p.Written) != 0 || p.Changes() != 0 {
		t.Fatalf("idempotent regenerate wrote %v (%d changes) %v", p.Written, p.Changes(), err)
	}
	// The CalDAV view of the series still expands to the right instances.
	insts, err := st.Instances(ctx, []int64{s.CalendarID}, model.Range{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(insts) != 4 {
		t.Fatalf("%d instances in January; want 4", len(insts))
	}
}

func mins(s string) float64 {
	var h, m, d int
	if n, _ := fmt.Sscanf(s, "%d:%d %dm", &h, &m, &d); n == 3 {
		return float64(d)
	}
	return -1
}

func TestRemovedWeekdayAndBooking(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	st := openStore(t, c)
	s := seedSchedule(t, st, c)

	// Capacity 4: four clients fit, the fifth is refused with a clear message.
	day, _ := model.ParseLocalDate("2026-01-12")
	for i, name := range []string{"a", "b", "c"} {
		if _, err := planner.Book(ctx, st, &s, day, model.Participant{Name: name, Email: name + "@example.com"}); err != nil {
			t.Fatalf("client %d: %v", i+1, err)
		}
	}
	if _, err := planner.Book(ctx, st, &s, day, model.Participant{Name: "d", Email: "d@example.com"}, model.Participant{Name: "e", Email: "e@example.com"}); !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "3 of 4 places taken") {
		t.Fatalf("two more than fit: %v", err)
	}
	occs, _ := planner.Occurrences(ctx, st, &s)
	if o := byDate(t, occs)["2026-01-12"]; len(o.Clients) != 3 || o.Changed.Any() {
		t.Fatalf("12 Jan: %d clients, changed %v; want 3 and no hand change", len(o.Clients), o.Changed.Names())
	}

	// Add Wednesdays, then remove them again after the first one.
	s.Series = append(s.Series, model.WeekdaySeries{Weekday: time.Wednesday, Person: "123", Time: 9 * time.Hour, Duration: time.Hour, Capacity: 2})
	if _, err := planner.Regenerate(ctx, st, &s, c.t, false, false); err != nil {
		t.Fatal(err)
	}
	c.t = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	s.Series = s.Series[:1]
	p, err := planner.Regenerate(ctx, st, &s, c.t, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Delete) != 2 {
		t.Fatalf("deleted %d Wednesdays; want 21 and 28 Jan", len(p.Delete))
	}
	occs, _ = planner.Occurrences(ctx, st, &s)
	got := byDate(t, occs)
	for _, d := range []string{"2026-01-07", "2026-01-14"} {
		if _, ok := got[d]; !ok {
			t.Errorf("past Wednesday %s removed", d)
		}
	}
	for _, d := range []string{"2026-01-21", "2026-01-28"} {
		if o, ok := got[d]; ok && !o.Deleted {
			t.Errorf("future Wednesday %s still there", d)
		}
	}
	if o := got["2026-01-12"]; len(o.Clients) != 3 {
		t.Errorf("12 Jan clients after regenerations: %d", len(o.Clients))
	}
	if n, err := planner.Delete(ctx, st, &s); err != nil || n == 0 {
		t.Fatalf("delete: %d %v", n, err)
	}
}

// A phone deletes one occurrence (EXDATE through the codec): it reads as
// entity_deleted, regeneration keeps it deleted, force brings it back.
func TestHandDeletedOccurrence(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	st := openStore(t, c)
	s := seedSchedule(t, st, c)
	objs, err := st.ListObjects(ctx, s.CalendarID, true)
	if err != nil || len(objs) != 1 {
		t.Fatalf("objects: %d %v", len(objs), err)
	}
	ny, _ := model.LoadZone("America/New_York")
	o, err := ics.RemoveInstance(objs[0].Data, time.Date(2026, 1, 12, 14, 0, 0, 0, ny))
	if err != nil {
		t.Fatal(err)
	}
	o.CalendarID, o.Name = s.CalendarID, objs[0].Name
	if _, err := st.PutObject(ctx, &o, model.Condition{IfMatch: objs[0].ETag}); err != nil {
		t.Fatal(err)
	}
	occs, err := planner.Occurrences(ctx, st, &s)
	if err != nil {
		t.Fatal(err)
	}
	if o := byDate(t, occs)["2026-01-12"]; !o.Deleted || o.State != model.StateEntityDeleted {
		t.Fatalf("12 Jan after the phone deleted it: %+v", o)
	}
	p, err := planner.Regenerate(ctx, st, &s, c.t, false, false)
	if err != nil || len(p.Kept) != 1 || p.Changes() != 0 {
		t.Fatalf("regenerate: kept %d, %d changes, %v", len(p.Kept), p.Changes(), err)
	}
	p, err = planner.Regenerate(ctx, st, &s, c.t, true, false)
	if err != nil || len(p.Update) != 1 || p.Update[0].State != model.StateChangedForce {
		t.Fatalf("forced regenerate: %+v %v", p.Update, err)
	}
	occs, _ = planner.Occurrences(ctx, st, &s)
	if o := byDate(t, occs)["2026-01-12"]; o.Deleted || o.State != model.StateStable {
		t.Fatalf("12 Jan after force: %+v", o)
	}
	insts, err := st.Instances(ctx, []int64{s.CalendarID}, model.Range{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)}, nil)
	if err != nil || len(insts) != 4 {
		t.Fatalf("%d instances after force; want 4 (%v)", len(insts), err)
	}
}
