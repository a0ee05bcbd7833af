// Package storetest is the conformance suite of the store contract (see
// package store): the behaviour every rota store must show, whatever it is
// built on. A store's own tests call Run, and RunShared when several
// handles (processes) may use one store at once.
//
// Test objects are built directly as model.Object values with Timing filled
// in, so the suite depends on no codec.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rota/model"
	"rota/store"
)

// Store lists the methods of the store contract.
type Store interface {
	CreateCalendar(ctx context.Context, c *model.Calendar) error
	Calendars(ctx context.Context, owner string) ([]model.Calendar, error)
	Calendar(ctx context.Context, owner, name string) (model.Calendar, error)
	CalendarByID(ctx context.Context, id int64) (model.Calendar, error)
	UpdateCalendar(ctx context.Context, c *model.Calendar) error
	DeleteCalendar(ctx context.Context, id int64) error

	PutObject(ctx context.Context, o *model.Object, cond model.Condition) (created bool, err error)
	PutObjects(ctx context.Context, calID int64, objs []model.Object) (created, updated int, err error)
	Object(ctx context.Context, calID int64, name string) (model.Object, error)
	ObjectByUID(ctx context.Context, calID int64, uid string) (model.Object, error)
	ObjectsByName(ctx context.Context, calID int64, names []string) ([]model.Object, error)
	ListObjects(ctx context.Context, calID int64, withData bool) ([]model.Object, error)
	DeleteObject(ctx context.Context, calID int64, name string, cond model.Condition) error

	Instances(ctx context.Context, calIDs []int64, r model.Range, floating *time.Location) ([]model.Instance, error)
	Search(ctx context.Context, text string, limit int) ([]model.Object, error)
	Changes(ctx context.Context, calID int64, since int64) ([]model.Change, int64, error)
	Head(ctx context.Context) (int64, error)

	PutUser(ctx context.Context, u model.User) error
	User(ctx context.Context, name string) (model.User, error)
	Users(ctx context.Context) ([]model.User, error)
	DeleteUser(ctx context.Context, name string) error
	CreateFeed(ctx context.Context, f *model.Feed) error
	Feeds(ctx context.Context, owner string) ([]model.Feed, error)
	FeedByToken(ctx context.Context, token string) (model.Feed, error)
	RevokeFeed(ctx context.Context, token string) error
}

// Run checks the contract on stores made by open; every call must return
// a new, empty store that the test owns (open closes it with t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s Store)
	}{
		{"Calendars", testCalendars},
		{"CalendarDeleteCascades", testCalendarDelete},
		{"Objects", testObjects},
		{"Conditions", testConditions},
		{"UIDConflict", testUIDConflict},
		{"RefusedWrites", testRefusedWrites},
		{"Import", testImport},
		{"Changes", testChanges},
		{"Instances", testInstances},
		{"InstancesRecurring", testInstancesRecurring},
		{"Search", testSearch},
		{"Users", testUsers},
		{"Feeds", testFeeds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

// RunShared checks that two handles on one store (two processes on one
// file) see each other's writes: open returns both, owned by the test.
func RunShared(t *testing.T, open func(t *testing.T) (Store, Store)) {
	ctx := context.Background()
	a, b := open(t)
	headA, err := a.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cal := mustCalendar(t, a, "alice", "work")
	headB, err := b.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if headB <= headA {
		t.Errorf("head seen by b after a created a calendar = %d, want > %d", headB, headA)
	}
	if _, err := b.CalendarByID(ctx, cal.ID); err != nil {
		t.Errorf("b cannot read a's calendar: %v", err)
	}
	o := event(cal.ID, "one.ics", "one", "Written by b", timed(at("2026-03-02T09:00:00Z"), time.Hour))
	if _, err := b.PutObject(ctx, &o, model.Condition{}); err != nil {
		t.Fatal(err)
	}
	head2, err := a.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if head2 <= headB {
		t.Errorf("head seen by a after b wrote = %d, want > %d", head2, headB)
	}
	got, err := a.Object(ctx, cal.ID, "one.ics")
	if err != nil || got.ETag != o.ETag {
		t.Errorf("a reads b's object: etag %q, %v; want %q", got.ETag, err, o.ETag)
	}
	ins, err := a.Instances(ctx, nil, model.Range{From: at("2026-03-02T00:00:00Z"), To: at("2026-03-03T00:00:00Z")}, nil)
	if err != nil || len(ins) != 1 {
		t.Errorf("a's instances of b's object: %v, %v", ins, err)
	}
	// Both write at once; both writes land (the loser waits, it does
	// not fail).
	errs := make(chan error, 2)
	for i, s := range []Store{a, b} {
		go func() {
			for j := range 20 {
				o := event(cal.ID, fmt.Sprintf("c%d-%d.ics", i, j), fmt.Sprintf("c%d-%d", i, j), "Concurrent",
					timed(at("2026-03-03T09:00:00Z"), time.Hour))
				if _, err := s.PutObject(ctx, &o, model.Condition{IfNoneMatch: true}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent write: %v", err)
		}
	}
	list, err := b.ListObjects(ctx, cal.ID, false)
	if err != nil || len(list) != 41 {
		t.Errorf("after concurrent writes b lists %d objects (%v), want 41", len(list), err)
	}
	// The two handles' change logs agree.
	ca, pa, errA := a.Changes(ctx, cal.ID, 0)
	cb, pb, errB := b.Changes(ctx, cal.ID, 0)
	if errA != nil || errB != nil || pa != pb || len(ca) != len(cb) {
		t.Errorf("changes differ between handles: %d@%d (%v) vs %d@%d (%v)", len(ca), pa, errA, len(cb), pb, errB)
	}
}

var ctx = context.Background()

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func zone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// timed is a timing with an absolute start (UTC or a zone) and a length.
func timed(start time.Time, d time.Duration) model.Timing {
	t := model.Timing{Start: start, Duration: d, HasEnd: true}
	if start.Location() != time.UTC {
		t.TZID = start.Location().String()
	}
	return t
}

// allDay is a timing of days whole days from the date of y-m-d.
func allDay(y int, m time.Month, d, days int) model.Timing {
	return model.Timing{Start: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), AllDay: true, Days: days, HasEnd: true}
}

// floating is a floating timing: wall clock start held in UTC.
func floating(wall string, d time.Duration) model.Timing {
	return model.Timing{Start: at(wall + "Z"), Floating: true, Duration: d, HasEnd: true}
}

// event builds an object with a small VCALENDAR around it. The store keeps
// Data as given; the test compares bytes.
func event(calID int64, name, uid, summary string, t model.Timing, extra ...string) model.Object {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rota//storetest//EN\r\nBEGIN:VEVENT\r\n")
	b.WriteString("UID:" + uid + "\r\nDTSTAMP:20260101T000000Z\r\n")
	b.WriteString("SUMMARY:" + summary + "\r\n")
	for _, e := range extra {
		b.WriteString(e + "\r\n")
	}
	b.WriteString("X-UNKNOWN;X-PARAM=kept:unchanged\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	return model.Object{CalendarID: calID, Name: name, UID: uid, Component: "VEVENT", Data: []byte(b.String()),
		Summary: summary, Timing: t}
}

func mustCalendar(t *testing.T, s Store, owner, name string) model.Calendar {
	t.Helper()
	c := model.Calendar{Owner: owner, Name: name, DisplayName: strings.ToUpper(name), Kind: model.CalendarEvents}
	if err := s.CreateCalendar(ctx, &c); err != nil {
		t.Fatalf("create calendar %s/%s: %v", owner, name, err)
	}
	return c
}

func mustPut(t *testing.T, s Store, o *model.Object) {
	t.Helper()
	if _, err := s.PutObject(ctx, o, model.Condition{}); err != nil {
		t.Fatalf("put %s: %v", o.Name, err)
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want %v", what, err, target)
	}
}

// timeEqual compares instants and zone names, so a store that loses the
// zone of a time fails.
var timeEqual = cmp.Comparer(func(a, b time.Time) bool {
	return a.Equal(b) && a.Location().String() == b.Location().String()
})

func testCalendars(t *testing.T, s Store) {
	c := model.Calendar{
		Owner: "alice", Name: "work", DisplayName: "Work", Description: "Client meetings", Color: "#FF8800",
		SymbolicColor: "orange", Order: 2, TimeZone: "Europe/Berlin", Kind: model.CalendarEvents, Group: "Sales",
		Person: "alice", Components: []string{"VEVENT", "VTODO"},
		DefaultReminders: []model.Reminder{{Before: 15 * time.Minute, Action: "DISPLAY", Description: "soon"}},
		Props:            map[string]string{"{http://apple.com/ns/ical/}calendar-order": "2"},
	}
	if err := s.CreateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.Created.IsZero() || c.SyncToken == 0 {
		t.Errorf("create did not set ID, Created and SyncToken: %+v", c)
	}
	got, err := s.Calendar(ctx, "alice", "work")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, got, timeEqual); diff != "" {
		t.Errorf("calendar read back (-created +read):\n%s", diff)
	}
	if got, err := s.CalendarByID(ctx, c.ID); err != nil || got.Name != "work" {
		t.Errorf("by id: %v, %v", got.Name, err)
	}
	dup := model.Calendar{Owner: "alice", Name: "work"}
	wantErr(t, "same owner and name", s.CreateCalendar(ctx, &dup), model.ErrConflict)
	other := model.Calendar{Owner: "bob", Name: "work"}
	if err := s.CreateCalendar(ctx, &other); err != nil {
		t.Errorf("another owner's calendar of the same name: %v", err)
	}
	bad := model.Calendar{Owner: "alice", Name: "no/slash"}
	wantErr(t, "invalid name", s.CreateCalendar(ctx, &bad), model.ErrInvalid)
	_, err = s.Calendar(ctx, "alice", "missing")
	wantErr(t, "missing calendar", err, model.ErrNotFound)
	_, err = s.CalendarByID(ctx, 987654)
	wantErr(t, "missing id", err, model.ErrNotFound)

	list, err := s.Calendars(ctx, "alice")
	if err != nil || len(list) != 1 || list[0].ID != c.ID {
		t.Errorf("alice's calendars: %v, %v", list, err)
	}
	if all, err := s.Calendars(ctx, ""); err != nil || len(all) != 2 {
		t.Errorf("every calendar: %d, %v; want 2", len(all), err)
	}

	before := c.SyncToken
	c.DisplayName, c.Color = "Work (new)", "#112233"
	c.Props = map[string]string{"{DAV:}x": "<y/>"}
	if err := s.UpdateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if c.SyncToken <= before {
		t.Errorf("update kept sync token %d, want > %d", c.SyncToken, before)
	}
	got, _ = s.CalendarByID(ctx, c.ID)
	if diff := cmp.Diff(c, got, timeEqual); diff != "" {
		t.Errorf("updated calendar read back (-updated +read):\n%s", diff)
	}
	clash := c
	clash.Owner = "bob"
	wantErr(t, "rename onto bob's work", s.UpdateCalendar(ctx, &clash), model.ErrConflict)
	gone := model.Calendar{ID: 987654, Name: "x"}
	wantErr(t, "update missing", s.UpdateCalendar(ctx, &gone), model.ErrNotFound)
	badColor := c
	badColor.Color = "orange"
	wantErr(t, "update invalid", s.UpdateCalendar(ctx, &badColor), model.ErrInvalid)

	if err := s.DeleteCalendar(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.CalendarByID(ctx, other.ID)
	wantErr(t, "deleted calendar", err, model.ErrNotFound)
	wantErr(t, "delete twice", s.DeleteCalendar(ctx, other.ID), model.ErrNotFound)
}

func testCalendarDelete(t *testing.T, s Store) {
	cal := mustCalendar(t, s, "alice", "work")
	keep := mustCalendar(t, s, "alice", "home")
	o := event(cal.ID, "a.ics", "a", "Doomed", timed(at("2026-03-02T09:00:00Z"), time.Hour))
	mustPut(t, s, &o)
	k := event(keep.ID, "a.ics", "a", "Kept", timed(at("2026-03-02T09:00:00Z"), time.Hour))
	mustPut(t, s, &k)
	f := model.Feed{Token: "feed-token-0123456789", Owner: "alice", CalendarID: cal.ID}
	if err := s.CreateFeed(ctx, &f); err != nil {
		t.Fatal(err)
	}
	head, _ := s.Head(ctx)
	if err := s.DeleteCalendar(ctx, cal.ID); err != nil {
		t.Fatal(err)
	}
	if h, _ := s.Head(ctx); h <= head {
		t.Errorf("head after deleting a calendar = %d, want > %d", h, head)
	}
	_, err := s.Object(ctx, cal.ID, "a.ics")
	wantErr(t, "object of a deleted calendar", err, model.ErrNotFound)
	_, err = s.ListObjects(ctx, cal.ID, false)
	wantErr(t, "list a deleted calendar", err, model.ErrNotFound)
	_, _, err = s.Changes(ctx, cal.ID, 0)
	wantErr(t, "changes of a deleted calendar", err, model.ErrNotFound)
	_, err = s.FeedByToken(ctx, f.Token)
	wantErr(t, "feed of a deleted calendar", err, model.ErrNotFound)
	ins, err := s.Instances(ctx, nil, model.Range{From: at("2026-03-01T00:00:00Z"), To: at("2026-03-09T00:00:00Z")}, nil)
	if err != nil || len(ins) != 1 || ins[0].CalendarID != keep.ID {
		t.Errorf("instances after delete: %+v, %v; want only the kept calendar's", ins, err)
	}
	// A new calendar of the same name starts afresh.
	again := mustCalendar(t, s, "alice", "work")
	if list, err := s.ListObjects(ctx, again.ID, false); err != nil || len(list) != 0 {
		t.Errorf("recreated calendar lists %d objects (%v)", len(list), err)
	}
	_, _, err = s.Changes(ctx, again.ID, cal.SyncToken)
	wantErr(t, "a token of the deleted calendar on the new one", err, store.ErrBadSyncToken)
}

func testObjects(t *testing.T, s Store) {
	cal := mustCalendar(t, s, "alice", "work")
	berlin := zone("Europe/Berlin")
	tm := timed(time.Date(2026, 3, 2, 9, 30, 0, 0, berlin), 90*time.Minute)
	tm.RRule = "FREQ=WEEKLY;COUNT=3"
	tm.ExDates = []time.Time{time.Date(2026, 3, 9, 9, 30, 0, 0, berlin)}
	tm.RDates = []model.Period{{Start: time.Date(2026, 3, 20, 14, 0, 0, 0, berlin), Duration: time.Hour}}
	tm.Overrides = []model.Override{{RecurrenceID: time.Date(2026, 3, 16, 9, 30, 0, 0, berlin),
		Start: time.Date(2026, 3, 16, 11, 0, 0, 0, berlin), TZID: "Europe/Berlin", Duration: time.Hour, Summary: "Moved"}}
	o := event(cal.ID, "standup.ics", "standup-1", "Stand-up", tm, "LOCATION:Room 1")
	created, err := s.PutObject(ctx, &o, model.Condition{})
	if err != nil {
		t.Fatal(err)
	}
	if !created || o.ETag == "" || o.Modified.IsZero() {
		t.Errorf("first put: created %v, etag %q, modified %v", created, o.ETag, o.Modified)
	}
	for _, r := range o.ETag {
		if r < 0x21 || r > 0x7e || r == '"' {
			t.Errorf("etag %q is not plain ASCII", o.ETag)
		}
	}
	got, err := s.Object(ctx, cal.ID, "standup.ics")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(o, got, timeEqual); diff != "" {
		t.Errorf("object read back (-put +read):\n%s", diff)
	}
	byUID, err := s.ObjectByUID(ctx, cal.ID, "standup-1")
	if err != nil || byUID.Name != "standup.ics" || string(byUID.Data) != string(o.Data) {
		t.Errorf("by uid: %q, %v", byUID.Name, err)
	}
	_, err = s.ObjectByUID(ctx, cal.ID, "nope")
	wantErr(t, "missing uid", err, model.ErrNotFound)
	_, err = s.Object(ctx, cal.ID, "nope.ics")
	wantErr(t, "missing name", err, model.ErrNotFound)

	first := o.ETag
	o.Summary = "Stand-up (longer)"
	o.Data = []byte(strings.Replace(string(o.Data), "SUMMARY:Stand-up", "SUMMARY:Stand-up (longer)", 1))
	created, err = s.PutObject(ctx, &o, model.Condition{})
	if err != nil || created {
		t.Fatalf("replace: created %v, %v", created, err)
	}
	if o.ETag == first {
		t.Errorf("replace kept etag %q", first)
	}
	same := o
	if _, err := s.PutObject(ctx, &same, model.Condition{}); err != nil || same.ETag == o.ETag {
		t.Errorf("rewriting the same bytes kept etag %q (%v); every write needs a new one", same.ETag, err)
	}

	b := event(cal.ID, "b.ics", "b", "Bee", timed(at("2026-03-03T10:00:00Z"), time.Hour))
	mustPut(t, s, &b)
	multi, err := s.ObjectsByName(ctx, cal.ID, []string{"b.ics", "missing.ics", "standup.ics"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range multi {
		names = append(names, m.Name)
		if len(m.Data) == 0 {
			t.Errorf("multiget %s without data", m.Name)
		}
	}
	if diff := cmp.Diff([]string{"b.ics", "standup.ics"}, names); diff != "" {
		t.Errorf("multiget names (-want +got):\n%s", diff)
	}
	list, err := s.ListObjects(ctx, cal.ID, false)
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %d, %v", len(list), err)
	}
	if list[0].Data != nil || list[0].ETag == "" || list[0].UID == "" {
		t.Errorf("list without data: %+v", list[0])
	}
	withData, _ := s.ListObjects(ctx, cal.ID, true)
	for _, m := range withData {
		if len(m.Data) == 0 {
			t.Errorf("list with data: %s has none", m.Name)
		}
	}

	if err := s.DeleteObject(ctx, cal.ID, "b.ics", model.Condition{}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Object(ctx, cal.ID, "b.ics")
	wantErr(t, "deleted object", err, model.ErrNotFound)
	wantErr(t, "delete twice", s.DeleteObject(ctx, cal.ID, "b.ics", model.Condition{}), model.ErrNotFound)
	// The name and UID are free again.
	b2 := event(cal.ID, "b.ics", "b", "Bee again", timed(at("2026-03-04T10:00:00Z"), time.Hour))
	if created, err := s.PutObject(ctx, &b2, model.Condition{IfNoneMatch: true}); err != nil || !created {
		t.Errorf("re-create after delete: created %v, %v", created, err)
	}
}

func testConditions(t *testing.T, s Store) {
	cal := mustCalendar(t, s, "alice", "work")
	o := event(cal.ID, "a.ics", "a", "First", timed(at("2026-03-02T09:00:00Z"), time.Hour))
	if _, err := s.PutObject(ctx, &o, model.Condition{IfNoneMatch: true}); err != nil {
		t.Fatalf("if-none-match on a new name: %v", err)
	}
	stored := o
	head, _ := s.Head(ctx)

	tests := []struct {
		name string
		cond model.Condition
		obj  string // name written
		ok   bool
	}{
		{"if-none-match on a stored name", model.Condition{IfNoneMatch: true}, "a.ics", false},
		{"if-match with a stale etag", model.Condition{IfMatch: stored.ETag + "x"}, "a.ics", false},
		{"if-match on nothing stored", model.Condition{IfMatch: stored.ETag}, "new.ics", false},
		{"if-match with the stored etag", model.Condition{IfMatch: stored.ETag}, "a.ics", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur, err := s.Object(ctx, cal.ID, "a.ics")
			if err != nil {
				t.Fatal(err)
			}
			w := event(cal.ID, tt.obj, "a", "Second", timed(at("2026-03-05T09:00:00Z"), time.Hour))
			if tt.obj != "a.ics" {
				w.UID = "new"
			}
			_, err = s.PutObject(ctx, &w, tt.cond)
			if tt.ok {
				if err != nil {
					t.Fatalf("put: %v", err)
				}
				return
			}
			wantErr(t, "put", err, model.ErrConflict)
			after, err := s.Object(ctx, cal.ID, "a.ics")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(cur, after, timeEqual); diff != "" {
				t.Errorf("a refused write changed the object:\n%s", diff)
			}
			if h, _ := s.Head(ctx); h != head {
				t.Errorf("a refused write moved head from %d to %d", head, h)
			}
		})
		head, _ = s.Head(ctx)
	}

	cur, _ := s.Object(ctx, cal.ID, "a.ics")
	wantErr(t, "delete with a stale etag", s.DeleteObject(ctx, cal.ID, "a.ics", model.Condition{IfMatch: stored.ETag}), model.ErrConflict)
	if _, err := s.Object(ctx, cal.ID, "a.ics"); err != nil {
		t.Errorf("refused delete removed the object: %v", err)
	}
	if err := s.DeleteObject(ctx, cal.ID, "a.ics", model.Condition{IfMatch: cur.ETag}); err != nil {
		t.Errorf("delete with the stored etag: %v", err)
	}
}

func testUIDConflict(t *testing.T, s Store) {
	cal := mustCalendar(t, s, "alice", "work")
	other := mustCalendar(t, s, "alice", "home")
	o := event(cal.ID, "a.ics", "shared-uid", "First", timed(at("2026-03-02T09:00:00Z"), time.Hour))
	mustPut(t, s, &o)
	dup := event(cal.ID, "b.ics", "shared-uid", "Second", timed(at("2026-03-02T09:00:00Z"), time.Hour))
	_, err := s.PutObject(ctx, &dup, model.Condition{})
	wantErr(t, "same uid under another name", err, model.ErrConflict)
	if _, err := s.Object(ctx, cal.ID, "b.ics"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("refused object was stored: %v", err)
	}
	elsewhere := event(other.ID, "b.ics", "shared-uid", "Elsewhere", timed(at("2026-03-02T09:00:00Z"), time.Hour))
	if _, err := s.PutObject(ctx, &elsewhere, model.Condition{}); err != nil {
		t.Errorf("same uid in another calendar: %v", err)
	}
}

func testRefusedWrites(t *testing.T, s Store) {
	cal := mustCalendar(t, s, "alice", "work")
	tasks := model.Calendar{Owner: "alice", Name: "tasks", Components: []string{"VTODO"}}
	if err := s.CreateCalendar(ctx, &tasks); err != nil {
		t.Fatal(err)
	}
	good := func() model.Object {
		return event(cal.ID, "a.ics", "a", "A", timed(at("2026-03-02T09:00:00Z"), time.Hour))
	}
	tests := []struct {
		name   string
		change func(o *model.Object)
		want   error
	}{
		{"no uid", func(o *model.Object) { o.UID = "" }, model.ErrInvalid},
		{"no name", func(o *model.Object) { o.Name = "" }, model.ErrInvalid},
		{"a slash in the name", func(o *model.Object) { o.Name = "a/b.ics" }, model.ErrInvalid},
		{"no component", func(o *model.Object) { o.Component = "" }, model.ErrInvalid},
		{"no data", func(o *model.Object) { o.Data = nil }, model.ErrInvalid},
		{"no such calendar", func(o *model.Object) { o.CalendarID = 987654 }, model.ErrNotFound},
		{"a component the calendar does not take", func(o *model.Object) { o.CalendarID = tasks.ID }, model.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head, _ := s.Head(ctx)
			o := good()
			tt.change(&o)
			_, err := s.PutObject(ctx, &o, model.Condition{})
			wantErr(t, "put", err, tt.want)
			if h, _ := s.Head(ctx); h != head {
				t.Errorf("refused write moved head from %d to %d", head, h)
			}
		})
	}
}

func testImport(t *testing.T, s Store) {
	cal := mustCalendar(t, s, "alice", "work")
	pre := event(cal.ID, "existing-name.ics", "u1", "Before import", timed(at("2026-03-02T09:00:00Z"), time.Hour))
	mustPut(t, s, &pre)
	objs := []model.Object{
		event(0, "", "u1", "Updated by import", timed(at("2026-03-02T10:00:00Z"), time.Hour)),
		event(0, "", "u2", "New", timed(at("2026-03-03T10:00:00Z"), time.Hour)),
		event(0, "", "odd/uid with spaces", "Odd", allDay(2026, 3, 4, 1)),
		event(0, "", "u4", "Floating", floating("2026-03-05T08:00:00", time.Hour)),
	}
	for i := range objs {
		objs[i].Name = ""
	}
	created, updated, err := s.PutObjects(ctx, cal.ID, objs)
	if err != nil {
		t.Fatal(err)
	}
	if created != 3 || updated != 1 {
		t.Errorf("import: created %d, updated %d; want 3, 1", created, updated)
	}
	if objs[0].Name != "existing-name.ics" {
		t.Errorf("an updated object was renamed to %q", objs[0].Name)
	}
	for _, o := range objs {
		if o.ETag == "" || o.CalendarID != cal.ID || o.Name == "" || strings.Contains(o.Name, "/") {
			t.Errorf("imported object not filled in: name %q etag %q calendar %d", o.Name, o.ETag, o.CalendarID)
		}
		got, err := s.ObjectByUID(ctx, cal.ID, o.UID)
		if err != nil || got.ETag != o.ETag || got.Summary != o.Summary {
			t.Errorf("read back %q: %+v, %v", o.UID, got, err)
		}
	}

	// All or nothing: one bad object refuses the lot.
	head, _ := s.Head(ctx)
	bad := []model.Object{
		event(0, "", "u5", "Fine", timed(at("2026-03-06T10:00:00Z"), time.Hour)),
		event(0, "", "", "No UID", timed(at("2026-03-06T11:00:00Z"), time.Hour)),
	}
	if _, _, err := s.PutObjects(ctx, cal.ID, bad); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("import with an invalid object: %v, want ErrInvalid", err)
	}
	if _, err := s.ObjectByUID(ctx, cal.ID, "u5"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("refused import stored part of itself: %v", err)
	}
	if h, _ := s.Head(ctx); h != head {
		t.Errorf("refused import moved head from %d to %d", head, h)
	}
	_, _, err = s.PutObjects(ctx, 987654, bad[:1])
	wantErr(t, "import into a missing calendar", err, model.ErrNotFound)
	ins, err := s.Instances(ctx, []int64{cal.ID}, model.Range{From: at("2026-03-01T00:00:00Z"), To: at("2026-03-08T00:00:00Z")}, nil)
	if err != nil || len(ins) != 4 {
		t.Errorf("instances of the import: %d, %v; want 4", len(ins), err)
	}
}

func testChanges(t *testing.T, s Store) {
	cal := mustCalendar(t, s, "alice", "work")
	other := mustCalendar(t, s, "alice", "home")
	put := func(c model.Calendar, name, summary string) model.Object {
		o := event(c.ID, name, strings.TrimSuffix(name, ".ics"), summary, timed(at("2026-03-02T09:00:00Z"), time.Hour))
		mustPut(t, s, &o)
		return o
	}
	a := put(cal, "a.ics", "A")
	put(cal, "b.ics", "B")
	put(other, "x.ics", "X")

	all, pos, err := s.Changes(ctx, cal.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Op != model.OpPut || all[1].Op != model.OpPut {
		t.Fatalf("changes since 0: %+v, want two puts", all)
	}
	c, _ := s.CalendarByID(ctx, cal.ID)
	if pos != c.SyncToken || pos == 0 {
		t.Errorf("position %d, calendar sync token %d: want equal and set", pos, c.SyncToken)
	}
	if all[0].Name != "a.ics" || all[0].UID != "a" || all[0].ETag != a.ETag || all[0].When.IsZero() || all[0].Seq == 0 {
		t.Errorf("first change: %+v", all[0])
	}

	// After pos: a put, a put then delete, a delete of an older object and
	// a new object deleted again.
	a.Summary = "A2"
	mustPut(t, s, &a)
	put(cal, "c.ics", "C")
	if err := s.DeleteObject(ctx, cal.ID, "c.ics", model.Condition{}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteObject(ctx, cal.ID, "b.ics", model.Condition{}); err != nil {
		t.Fatal(err)
	}
	put(other, "y.ics", "Y")
	got, pos2, err := s.Changes(ctx, cal.ID, pos)
	if err != nil {
		t.Fatal(err)
	}
	type ch struct {
		Name, ETag string
		Op         model.ChangeOp
	}
	var short []ch
	for _, g := range got {
		short = append(short, ch{g.Name, g.ETag, g.Op})
		if g.CalendarID != cal.ID {
			t.Errorf("change of calendar %d in calendar %d's log", g.CalendarID, cal.ID)
		}
	}
	want := []ch{{"a.ics", a.ETag, model.OpPut}, {"c.ics", "", model.OpDelete}, {"b.ics", "", model.OpDelete}}
	if diff := cmp.Diff(want, short); diff != "" {
		t.Errorf("changes since %d (-want +got):\n%s", pos, diff)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Seq <= got[i-1].Seq {
			t.Errorf("changes out of order: %d then %d", got[i-1].Seq, got[i].Seq)
		}
	}
	if pos2 <= pos {
		t.Errorf("position did not move: %d then %d", pos, pos2)
	}
	if again, pos3, err := s.Changes(ctx, cal.ID, pos2); err != nil || len(again) != 0 || pos3 != pos2 {
		t.Errorf("changes since the latest position: %+v, %d, %v", again, pos3, err)
	}
	now, _, _ := s.Changes(ctx, cal.ID, 0)
	if len(now) != 1 || now[0].Name != "a.ics" {
		t.Errorf("since 0 after deletes: %+v, want only a.ics", now)
	}

	// Calendar properties move the sync token too.
	c, _ = s.CalendarByID(ctx, cal.ID)
	c.DisplayName = "Renamed"
	if err := s.UpdateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if _, pos4, err := s.Changes(ctx, cal.ID, pos2); err != nil || pos4 <= pos2 {
		t.Errorf("after a property change: position %d (%v), want > %d", pos4, err, pos2)
	}

	head, _ := s.Head(ctx)
	for _, bad := range []int64{head + 1, head + 1000, -1} {
		_, _, err := s.Changes(ctx, cal.ID, bad)
		wantErr(t, fmt.Sprintf("position %d (head %d)", bad, head), err, store.ErrBadSyncToken)
	}
	_, _, err = s.Changes(ctx, 987654, 0)
	wantErr(t, "missing calendar", err, model.ErrNotFound)
}

func instanceKeys(ins []model.Instance) []string {
	var out []string
	for _, in := range ins {
		k := in.UID + " " + in.Start.Format(time.RFC3339) + " " + in.End.Format(time.RFC3339)
		if !in.RecurrenceID.IsZero() {
			k += " rid=" + in.RecurrenceID.Format(time.RFC3339)
		}
		if in.Overridden {
			k += " overridden"
		}
		if in.AllDay {
			k += " all-day"
		}
		if in.Floating {
			k += " floating"
		}
		k += " " + in.Summary
		out = append(out, k)
	}
	return out
}

func testInstances(t *testing.T, s Store) {
	cal := mustCalendar(t, s, "alice", "work")
	home := mustCalendar(t, s, "alice", "home")
	berlin, tokyo, ny := zone("Europe/Berlin"), zone("Asia/Tokyo"), zone("America/New_York")
	objs := []model.Object{
		event(cal.ID, "utc.ics", "utc", "UTC hour", timed(at("2026-03-02T09:00:00Z"), time.Hour)),
		event(cal.ID, "berlin.ics", "berlin", "Berlin", timed(time.Date(2026, 3, 3, 9, 0, 0, 0, berlin), 2*time.Hour)),
		event(cal.ID, "day.ics", "day", "Holiday", allDay(2026, 3, 4, 1)),
		event(cal.ID, "nodur.ics", "nodur", "Date without end", model.Timing{Start: time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC), AllDay: true}),
		event(cal.ID, "float.ics", "float", "Floating", floating("2026-03-05T08:00:00", 30*time.Minute)),
		event(cal.ID, "zero.ics", "zero", "Reminder", model.Timing{Start: at("2026-03-09T00:00:00Z")}),
		event(cal.ID, "long.ics", "long", "Conference", timed(at("2026-02-25T08:00:00Z"), 10*24*time.Hour)),
		event(cal.ID, "year.ics", "year", "Sabbatical", allDay(2025, 6, 1, 500)),
		event(cal.ID, "task.ics", "task", "Undated task", model.Timing{}),
		event(home.ID, "gym.ics", "gym", "Gym", timed(at("2026-03-02T18:00:00Z"), time.Hour)),
	}
	objs[8].Component = "VTODO"
	for i := range objs {
		mustPut(t, s, &objs[i])
	}
	week := model.Range{From: at("2026-03-02T00:00:00Z"), To: at("2026-03-09T00:00:00Z")}
	tests := []struct {
		name string
		cals []int64
		r    model.Range
		loc  *time.Location
		want []string
	}{
		{"a week, all calendars, UTC", nil, week, nil, []string{
			"year 2025-06-01T00:00:00Z 2026-10-14T00:00:00Z all-day Sabbatical",
			"long 2026-02-25T08:00:00Z 2026-03-07T08:00:00Z Conference",
			"utc 2026-03-02T09:00:00Z 2026-03-02T10:00:00Z UTC hour",
			"gym 2026-03-02T18:00:00Z 2026-03-02T19:00:00Z Gym",
			"berlin 2026-03-03T08:00:00Z 2026-03-03T10:00:00Z Berlin",
			"day 2026-03-04T00:00:00Z 2026-03-05T00:00:00Z all-day Holiday",
			"float 2026-03-05T08:00:00Z 2026-03-05T08:30:00Z floating Floating",
			"nodur 2026-03-06T00:00:00Z 2026-03-07T00:00:00Z all-day Date without end",
		}},
		{"one calendar", []int64{home.ID}, week, nil, []string{
			"gym 2026-03-02T18:00:00Z 2026-03-02T19:00:00Z Gym",
		}},
		{"no calendars", []int64{}, week, nil, nil},
		{"floating and all-day placed in Tokyo", []int64{cal.ID}, model.Range{From: at("2026-03-04T00:00:00Z"), To: at("2026-03-05T00:00:00Z")}, tokyo, []string{
			"year 2025-06-01T00:00:00+09:00 2026-10-14T00:00:00+09:00 all-day Sabbatical",
			"long 2026-02-25T17:00:00+09:00 2026-03-07T17:00:00+09:00 Conference",
			"day 2026-03-04T00:00:00+09:00 2026-03-05T00:00:00+09:00 all-day Holiday",
			"float 2026-03-05T08:00:00+09:00 2026-03-05T08:30:00+09:00 floating Floating",
		}},
		{"floating and all-day placed in New York", []int64{cal.ID}, model.Range{From: at("2026-03-04T00:00:00Z"), To: at("2026-03-05T00:00:00Z")}, ny, []string{
			"year 2025-06-01T00:00:00-04:00 2026-10-14T00:00:00-04:00 all-day Sabbatical",
			"long 2026-02-25T03:00:00-05:00 2026-03-07T03:00:00-05:00 Conference",
			"day 2026-03-04T00:00:00-05:00 2026-03-05T00:00:00-05:00 all-day Holiday",
		}},
		{"window ends where an event starts", []int64{cal.ID}, model.Range{From: at("2026-03-02T08:00:00Z"), To: at("2026-03-02T09:00:00Z")}, nil, []string{
			"year 2025-06-01T00:00:00Z 2026-10-14T00:00:00Z all-day Sabbatical",
			"long 2026-02-25T08:00:00Z 2026-03-07T08:00:00Z Conference",
		}},
		{"window starts where an event ends", []int64{cal.ID}, model.Range{From: at("2026-03-02T10:00:00Z"), To: at("2026-03-02T10:30:00Z")}, nil, []string{
			"year 2025-06-01T00:00:00Z 2026-10-14T00:00:00Z all-day Sabbatical",
			"long 2026-02-25T08:00:00Z 2026-03-07T08:00:00Z Conference",
		}},
		{"zero-length at the window start", []int64{cal.ID}, model.Range{From: at("2026-03-09T00:00:00Z"), To: at("2026-03-09T01:00:00Z")}, nil, []string{
			"year 2025-06-01T00:00:00Z 2026-10-14T00:00:00Z all-day Sabbatical",
			"zero 2026-03-09T00:00:00Z 2026-03-09T00:00:00Z Reminder",
		}},
		{"zero-length at the window end", []int64{cal.ID}, model.Range{From: at("2026-03-08T23:00:00Z"), To: at("2026-03-09T00:00:00Z")}, nil, []string{
			"year 2025-06-01T00:00:00Z 2026-10-14T00:00:00Z all-day Sabbatical",
		}},
		{"open start", []int64{home.ID}, model.Range{To: at("2026-03-03T00:00:00Z")}, nil, []string{
			"gym 2026-03-02T18:00:00Z 2026-03-02T19:00:00Z Gym",
		}},
		{"open end", []int64{home.ID}, model.Range{From: at("2026-03-02T18:30:00Z")}, nil, []string{
			"gym 2026-03-02T18:00:00Z 2026-03-02T19:00:00Z Gym",
		}},
		{"nothing before", []int64{cal.ID}, model.Range{From: at("2020-01-01T00:00:00Z"), To: at("2025-01-01T00:00:00Z")}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Instances(ctx, tt.cals, tt.r, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, instanceKeys(got)); diff != "" {
				t.Errorf("instances (-want +got):\n%s", diff)
			}
			for _, in := range got {
				if in.ObjectName == "" || in.CalendarID == 0 {
					t.Errorf("instance without object name or calendar: %+v", in)
				}
			}
		})
	}
	// A write moves the instances; a delete removes them.
	objs[0].Timing = timed(at("2026-03-20T09:00:00Z"), time.Hour)
	mustPut(t, s, &objs[0])
	if err := s.DeleteObject(ctx, cal.ID, "berlin.ics", model.Condition{}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Instances(ctx, []int64{cal.ID}, model.Range{From: at("2026-03-02T00:00:00Z"), To: at("2026-03-04T00:00:00Z")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range got {
		if in.UID == "utc" || in.UID == "berlin" {
			t.Errorf("stale instance after a write: %+v", in)
		}
	}
}

func testInstancesRecurring(t *testing.T, s Store) {
	cal := mustCalendar(t, s, "alice", "work")
	berlin := zone("Europe/Berlin")
	weekly := timed(time.Date(2026, 3, 2, 9, 0, 0, 0, berlin), time.Hour)
	weekly.RRule = "FREQ=WEEKLY;BYDAY=MO"
	weekly.ExDates = []time.Time{time.Date(2026, 3, 16, 9, 0, 0, 0, berlin)}
	weekly.Overrides = []model.Override{
		{RecurrenceID: time.Date(2026, 3, 9, 9, 0, 0, 0, berlin), Start: time.Date(2026, 3, 10, 14, 0, 0, 0, berlin),
			TZID: "Europe/Berlin", Duration: 2 * time.Hour, Summary: "Moved to Tuesday"},
		{RecurrenceID: time.Date(2026, 3, 23, 9, 0, 0, 0, berlin), Start: time.Date(2026, 3, 23, 9, 0, 0, 0, berlin),
			TZID: "Europe/Berlin", Duration: time.Hour, Cancelled: true},
		// Moved from far in the future into the window.
		{RecurrenceID: time.Date(2027, 6, 7, 9, 0, 0, 0, berlin), Start: time.Date(2026, 3, 31, 9, 0, 0, 0, berlin),
			TZID: "Europe/Berlin", Duration: time.Hour, Summary: "Early"},
	}
	daily := allDay(2026, 3, 1, 1)
	daily.RRule = "FREQ=DAILY;COUNT=3"
	flo := floating("2026-03-02T07:30:00", 15*time.Minute)
	flo.RRule = "FREQ=DAILY;INTERVAL=7;UNTIL=20260320T000000"
	rdates := timed(at("2026-03-03T12:00:00Z"), time.Hour)
	rdates.RDates = []model.Period{{Start: at("2026-03-05T12:00:00Z")}, {Start: at("2026-03-06T15:00:00Z"), Duration: 3 * time.Hour}}
	old := timed(at("2016-01-04T06:00:00Z"), 30*time.Minute)
	old.RRule = "FREQ=DAILY"
	for _, o := range []model.Object{
		event(cal.ID, "weekly.ics", "weekly", "Weekly", weekly),
		event(cal.ID, "daily.ics", "daily", "Three days", daily),
		event(cal.ID, "flo.ics", "flo", "Floating weekly", flo),
		event(cal.ID, "rdates.ics", "rdates", "With RDATEs", rdates),
		event(cal.ID, "old.ics", "old", "Daily for ten years", old),
	} {
		mustPut(t, s, &o)
	}
	got, err := s.Instances(ctx, []int64{cal.ID}, model.Range{From: at("2026-03-01T00:00:00Z"), To: at("2026-04-01T00:00:00Z")}, berlin)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, k := range instanceKeys(got) {
		if !strings.HasPrefix(k, "old ") {
			keys = append(keys, k)
		}
	}
	want := []string{
		"daily 2026-03-01T00:00:00+01:00 2026-03-02T00:00:00+01:00 rid=2026-03-01T00:00:00+01:00 all-day Three days",
		"daily 2026-03-02T00:00:00+01:00 2026-03-03T00:00:00+01:00 rid=2026-03-02T00:00:00+01:00 all-day Three days",
		"flo 2026-03-02T07:30:00+01:00 2026-03-02T07:45:00+01:00 rid=2026-03-02T07:30:00+01:00 floating Floating weekly",
		"weekly 2026-03-02T09:00:00+01:00 2026-03-02T10:00:00+01:00 rid=2026-03-02T09:00:00+01:00 Weekly",
		"daily 2026-03-03T00:00:00+01:00 2026-03-04T00:00:00+01:00 rid=2026-03-03T00:00:00+01:00 all-day Three days",
		"rdates 2026-03-03T13:00:00+01:00 2026-03-03T14:00:00+01:00 rid=2026-03-03T13:00:00+01:00 With RDATEs",
		"rdates 2026-03-05T13:00:00+01:00 2026-03-05T14:00:00+01:00 rid=2026-03-05T13:00:00+01:00 With RDATEs",
		"rdates 2026-03-06T16:00:00+01:00 2026-03-06T19:00:00+01:00 rid=2026-03-06T16:00:00+01:00 With RDATEs",
		"flo 2026-03-09T07:30:00+01:00 2026-03-09T07:45:00+01:00 rid=2026-03-09T07:30:00+01:00 floating Floating weekly",
		"weekly 2026-03-10T14:00:00+01:00 2026-03-10T16:00:00+01:00 rid=2026-03-09T09:00:00+01:00 overridden Moved to Tuesday",
		"flo 2026-03-16T07:30:00+01:00 2026-03-16T07:45:00+01:00 rid=2026-03-16T07:30:00+01:00 floating Floating weekly",
		"weekly 2026-03-30T09:00:00+02:00 2026-03-30T10:00:00+02:00 rid=2026-03-30T09:00:00+02:00 Weekly",
		"weekly 2026-03-31T09:00:00+02:00 2026-03-31T10:00:00+02:00 rid=2027-06-07T09:00:00+02:00 overridden Early",
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("instances in March (-want +got):\n%s", diff)
	}
	n := 0
	for _, in := range got {
		if in.UID == "old" {
			n++
		}
	}
	if n != 31 {
		t.Errorf("a daily rule from 2016 has %d instances in March 2026, want 31", n)
	}
	// Far in the future, past any index horizon.
	far, err := s.Instances(ctx, []int64{cal.ID}, model.Range{From: at("2040-01-02T00:00:00Z"), To: at("2040-01-09T00:00:00Z")}, berlin)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, in := range far {
		count[in.UID]++
	}
	if diff := cmp.Diff(map[string]int{"weekly": 1, "old": 7}, count); diff != "" {
		t.Errorf("instances in January 2040 (-want +got):\n%s", diff)
	}
	// The override moved out of June 2027 leaves that Monday empty.
	june, err := s.Instances(ctx, []int64{cal.ID}, model.Range{From: at("2027-06-07T00:00:00Z"), To: at("2027-06-08T00:00:00Z")}, berlin)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range june {
		if in.UID == "weekly" {
			t.Errorf("the moved instance is also at its old time: %+v", in)
		}
	}
}

func testSearch(t *testing.T, s Store) {
	cal := mustCalendar(t, s, "alice", "work")
	objs := []model.Object{
		event(cal.ID, "a.ics", "a", "Quarterly Review", timed(at("2026-03-02T09:00:00Z"), time.Hour)),
		event(cal.ID, "b.ics", "b", "Lunch", timed(at("2026-03-03T12:00:00Z"), time.Hour), "LOCATION:Café Zürich"),
		event(cal.ID, "c.ics", "c", "Call", timed(at("2026-03-04T12:00:00Z"), time.Hour),
			"DESCRIPTION:Discuss the\\nREVIEW notes", `ATTENDEE;CN="Bob Builder";PARTSTAT=ACCEPTED:mailto:bob@example.com`),
	}
	for i := range objs {
		mustPut(t, s, &objs[i])
	}
	tests := []struct {
		text  string
		limit int
		want  []string
	}{
		{"review", 10, []string{"c", "a"}},
		{"REVIEW", 1, []string{"c"}},
		{"zürich", 10, []string{"b"}},
		{"ZÜRICH", 10, []string{"b"}},
		{"bob builder", 10, []string{"c"}},
		{"nothing like it", 10, nil},
	}
	for _, tt := range tests {
		got, err := s.Search(ctx, tt.text, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		var uids []string
		for _, o := range got {
			uids = append(uids, o.UID)
		}
		if diff := cmp.Diff(tt.want, uids); diff != "" {
			t.Errorf("search %q (-want +got):\n%s", tt.text, diff)
		}
	}
}

func testUsers(t *testing.T, s Store) {
	u := model.User{Name: "alice", PasswordHash: []byte("$2a$10$hash"), Person: "Alice A."}
	if err := s.PutUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := s.User(ctx, "alice")
	if err != nil || string(got.PasswordHash) != "$2a$10$hash" || got.Person != "Alice A." || got.Created.IsZero() {
		t.Errorf("user read back: %+v, %v", got, err)
	}
	u.PasswordHash = []byte("$2a$10$new")
	if err := s.PutUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	again, _ := s.User(ctx, "alice")
	if string(again.PasswordHash) != "$2a$10$new" || !again.Created.Equal(got.Created) {
		t.Errorf("replaced user: %+v (created was %v)", again, got.Created)
	}
	if err := s.PutUser(ctx, model.User{Name: "bob", PasswordHash: []byte("h")}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "user without a hash", s.PutUser(ctx, model.User{Name: "eve"}), model.ErrInvalid)
	list, err := s.Users(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "alice" || list[1].Name != "bob" {
		t.Errorf("users: %+v, %v", list, err)
	}
	if err := s.DeleteUser(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	_, err = s.User(ctx, "bob")
	wantErr(t, "deleted user", err, model.ErrNotFound)
	wantErr(t, "delete twice", s.DeleteUser(ctx, "bob"), model.ErrNotFound)
}

func testFeeds(t *testing.T, s Store) {
	cal := mustCalendar(t, s, "alice", "work")
	f := model.Feed{Token: "tok-abcdefghijklmnop", Owner: "alice", CalendarID: cal.ID, Label: "phone"}
	if err := s.CreateFeed(ctx, &f); err != nil {
		t.Fatal(err)
	}
	if f.Created.IsZero() {
		t.Error("create did not set Created")
	}
	got, err := s.FeedByToken(ctx, f.Token)
	if diff := cmp.Diff(f, got, timeEqual); err != nil || diff != "" {
		t.Errorf("feed read back (%v):\n%s", err, diff)
	}
	dup := f
	wantErr(t, "same token", s.CreateFeed(ctx, &dup), model.ErrConflict)
	noCal := model.Feed{Token: "tok-qrstuvwxyz012345", Owner: "alice", CalendarID: 987654}
	wantErr(t, "missing calendar", s.CreateFeed(ctx, &noCal), model.ErrNotFound)
	short := model.Feed{Token: "short", Owner: "alice", CalendarID: cal.ID}
	wantErr(t, "guessable token", s.CreateFeed(ctx, &short), model.ErrInvalid)
	bobs := model.Feed{Token: "tok-bob-0123456789ab", Owner: "bob", CalendarID: cal.ID}
	if err := s.CreateFeed(ctx, &bobs); err != nil {
		t.Fatal(err)
	}
	if list, err := s.Feeds(ctx, "alice"); err != nil || len(list) != 1 || list[0].Token != f.Token {
		t.Errorf("alice's feeds: %+v, %v", list, err)
	}
	if list, err := s.Feeds(ctx, ""); err != nil || len(list) != 2 {
		t.Errorf("every feed: %d, %v", len(list), err)
	}
	if err := s.RevokeFeed(ctx, f.Token); err != nil {
		t.Fatal(err)
	}
	_, err = s.FeedByToken(ctx, f.Token)
	wantErr(t, "revoked feed", err, model.ErrNotFound)
	wantErr(t, "revoke twice", s.RevokeFeed(ctx, f.Token), model.ErrNotFound)
}
