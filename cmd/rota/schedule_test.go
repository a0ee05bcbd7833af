package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rota/model"
)

const scheduleBody = `{
  "name": "yoga",
  "original_entity_type": "activity",
  "original_entity_id": 123,
  "title": "Yoga",
  "date_end": "2026-04-01",
  "timezone": "UTC",
  "add_clients_from_original_entity": false,
  "days": [
    {"day_of_week": "mon", "events_master_id": 123, "events_time": "14:00:00", "events_duration": 3600,
     "events_capacity": 2, "labels_ids": [123], "resource_instances_ids": [123]}
  ]
}`

func TestScheduleCommands(t *testing.T) {
	store := newStore(t)
	body := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(body, []byte(scheduleBody), 0o600); err != nil {
		t.Fatal(err)
	}
	out := rota(t, store, "schedule", "create", "--file", body, "--calendar", "classes").must(t).stdout
	if !strings.Contains(out, "schedule yoga: 4 occurrences in calendar classes") {
		t.Fatalf("create: %q", out)
	}
	if r := rota(t, store, "schedule", "create", "--file", body); !errors.Is(r.err, model.ErrConflict) {
		t.Fatalf("second create: %v", r.err)
	}
	if out := rota(t, store, "schedule", "list").must(t).stdout; !strings.Contains(out, "mon 14:00 1h 123") {
		t.Fatalf("list: %q", out)
	}
	out = rota(t, store, "schedule", "show", "yoga").must(t).stdout
	if strings.Count(out, "stable") != 4 || !strings.Contains(out, "2026-03-09  mon  14:00 1h") {
		t.Fatalf("show:\n%s", out)
	}

	// Capacity 2.
	rota(t, store, "schedule", "book", "yoga", "2026-03-16", "--client", "Ann <ann@example.com>", "--client", "bob@example.com").must(t)
	r := rota(t, store, "schedule", "book", "yoga", "2026-03-16", "--client", "Cy")
	if !errors.Is(r.err, model.ErrInvalid) || !strings.Contains(r.err.Error(), "2 of 2 places taken") {
		t.Fatalf("third client: %v", r.err)
	}

	// The series moves to 15:00: a dry run writes nothing, then it is done.
	out = rota(t, store, "schedule", "edit", "yoga", "--day", "mon,15:00,1h,123,cap=2,label=123,resource=123", "--dry-run").must(t).stdout
	if !strings.Contains(out, "would regenerate") || !strings.Contains(out, "0 created, 4 changed") {
		t.Fatalf("dry run: %q", out)
	}
	if out := rota(t, store, "schedule", "show", "yoga").must(t).stdout; strings.Contains(out, "15:00") {
		t.Fatalf("dry run wrote:\n%s", out)
	}
	rota(t, store, "schedule", "edit", "yoga", "--day", "mon,15:00,1h,123,cap=2,label=123,resource=123").must(t)

	var shown struct {
		Events []struct {
			Date     string `json:"date"`
			Status   string `json:"event_status"`
			Datetime string `json:"event_datetime"`
			Clients  int    `json:"clients"`
			Changed  bool   `json:"is_entity_datetime_changed"`
		} `json:"events"`
	}
	out = rota(t, store, "schedule", "show", "yoga", "--json").must(t).stdout
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(shown.Events) != 4 || shown.Events[1].Datetime != "2026-03-16T15:00:00Z" || shown.Events[1].Clients != 2 || shown.Events[1].Changed {
		t.Fatalf("after edit: %+v", shown.Events)
	}

	// Free slots of team member 123 on Monday 9 March: office hours less
	// the 15:00 class.
	rota(t, store, "schedule", "availability", "set", "--name", "hours-123", "--person", "123", "--tz", "UTC",
		"--rule", "mon=09:00-12:00,13:00-17:00", "--absence", "2026-03-23..2026-03-23:approved").must(t)
	out = rota(t, store, "slots", "--person", "123", "--from", "2026-03-09", "--to", "2026-03-10", "--duration", "1h").must(t).stdout
	if want := "2026-03-09 mon  09:00 10:00 11:00 13:00 14:00 16:00\n"; out != want {
		t.Fatalf("slots:\n%q\nwant\n%q", out, want)
	}
	var days map[string]struct {
		Slots []struct{ Start string } `json:"slots"`
	}
	out = rota(t, store, "slots", "--person", "123", "--from", "2026-03-16", "--to", "2026-03-31", "--duration", "2h", "--json").must(t).stdout
	if err := json.Unmarshal([]byte(out), &days); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, ok := days["2026-03-23"]; ok || len(days) != 2 {
		t.Fatalf("slots over the leave: %v", days)
	}
	out = rota(t, store, "schedule", "availability", "export", "--name", "hours-123").must(t).stdout
	if !strings.Contains(out, "BEGIN:VAVAILABILITY") || !strings.Contains(out, "RRULE:FREQ=WEEKLY;BYDAY=MO") || !strings.Contains(out, "DTSTART;VALUE=DATE:20260323") {
		t.Fatalf("availability export:\n%s", out)
	}
	if r := rota(t, store, "slots", "--person", "123", "--from", "2026-03-01", "--to", "2026-04-15"); !errors.Is(r.err, model.ErrInvalid) {
		t.Fatalf("45 days: %v", r.err)
	}

	// Removing Mondays is refused (a schedule needs a series); delete works.
	if r := rota(t, store, "schedule", "edit", "yoga", "--remove-day", "mon"); !errors.Is(r.err, model.ErrInvalid) {
		t.Fatalf("no series left: %v", r.err)
	}
	rota(t, store, "schedule", "delete", "yoga").must(t)
	if out := rota(t, store, "schedule", "list").must(t).stdout; !strings.Contains(out, "no schedules") {
		t.Fatalf("after delete: %q", out)
	}
}

func TestScheduleDaySpec(t *testing.T) {
	s, err := parseDaySpec("wed,09:30,45m,john,cap=8,break=10m,label=yoga,label=beginner,resource=room1")
	if err != nil {
		t.Fatal(err)
	}
	if s.Capacity != 8 || len(s.Labels) != 2 || s.Break.Minutes() != 10 || s.Resources[0] != "room1" || s.Person != "john" {
		t.Fatalf("%+v", s)
	}
	for _, bad := range []string{"wed,09:30", "xyz,09:30,1h,j", "wed,25:00,1h,j", "wed,09:00,1x,j", "wed,09:00,1h,j,cap=x", "wed,09:00,1h,j,foo=1"} {
		if _, err := parseDaySpec(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSlotsBookRefusesConflicts(t *testing.T) {
	store := newStore(t)
	rota(t, store, "calendars", "add", "work").must(t)
	rota(t, store, "schedule", "resource", "add", "room1", "--kind", "room", "--capacity", "4").must(t)
	out := rota(t, store, "slots", "book", "--calendar", "work", "--person", "john", "--at", "2026-03-05 10:00", "--duration", "1h",
		"--title", "Review", "--resource", "room1", "--lag", "15m").must(t).stdout
	if !strings.Contains(out, `booked "Review" Thu 5 Mar 2026 10:00 in work`) {
		t.Fatalf("first booking: %q", out)
	}
	// 11:00 for john is inside the first one's 15-minute lag.
	r := rota(t, store, "slots", "book", "--calendar", "work", "--person", "john", "--at", "2026-03-05 11:00", "--title", "Call")
	if !errors.Is(r.err, model.ErrConflict) || !strings.Contains(r.err.Error(), "john is booked") || !strings.Contains(r.err.Error(), "--override") {
		t.Fatalf("conflicting booking: %v", r.err)
	}
	// Mary takes room1 at 10:30: the room is held.
	r = rota(t, store, "slots", "book", "--calendar", "work", "--person", "mary", "--at", "2026-03-05 10:30", "--title", "Other", "--resource", "room1")
	if !errors.Is(r.err, model.ErrConflict) || !strings.Contains(r.err.Error(), "resource room1") {
		t.Fatalf("room clash: %v", r.err)
	}
	out = rota(t, store, "slots", "book", "--calendar", "work", "--person", "john", "--at", "2026-03-05 11:00", "--title", "Call", "--override").must(t).stdout
	if !strings.Contains(out, "despite 1 conflicts (marked)") {
		t.Fatalf("override: %q", out)
	}
	out = rota(t, store, "schedule", "conflicts", "--from", "2026-03-05", "--to", "2026-03-06").must(t).stdout
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, "john is booked") {
		t.Fatalf("conflicts: %q", out)
	}
	if out := rota(t, store, "export", "--calendar", "work").must(t).stdout; !strings.Contains(out, "X-ROTA-CONFLICT") {
		t.Fatalf("conflict not recorded on the event:\n%s", out)
	}
}
