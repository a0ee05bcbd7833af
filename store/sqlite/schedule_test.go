package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rota/model"
)

func openScheduleStore(t *testing.T) *Store {
	t.Helper()
	now := time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)
	s, err := Open(filepath.Join(t.TempDir(), "rota.db"), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSchedulesTables(t *testing.T) {
	ctx := context.Background()
	s := openScheduleStore(t)
	cal := model.Calendar{Owner: "ann", Name: "classes", Kind: model.CalendarSchedule, TimeZone: "Europe/Berlin"}
	if err := s.CreateCalendar(ctx, &cal); err != nil {
		t.Fatal(err)
	}

	// People and resources.
	if err := s.PutPerson(ctx, model.Person{Name: "john", DisplayName: "John Johnson"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPerson(ctx, model.Person{Name: "john", DisplayName: "John J."}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Person(ctx, "john"); err != nil || p.DisplayName != "John J." {
		t.Fatalf("person %+v %v", p, err)
	}
	if _, err := s.Person(ctx, "nobody"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("missing person: %v", err)
	}
	if err := s.PutPerson(ctx, model.Person{Name: "bad name"}); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("bad person: %v", err)
	}
	proj := model.Resource{Name: "projector", Kind: model.ResourceEquipment, Quantity: 3, OutOfService: 1, Active: true}
	if err := s.PutResource(ctx, proj); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Resources(ctx)
	if err != nil || len(rs) != 1 || rs[0].Units() != 2 {
		t.Fatalf("resources %+v %v", rs, err)
	}
	if err := s.DeleteResource(ctx, "projector"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteResource(ctx, "projector"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}

	// Schedules.
	d := func(s string) model.LocalDate { x, _ := model.ParseLocalDate(s); return x }
	sc := model.Schedule{Owner: "ann", Name: "yoga", CalendarID: cal.ID, TimeZone: "Europe/Berlin",
		Template: model.ScheduleTemplate{Title: "Yoga", Clients: []model.Participant{{Name: "Bob"}}},
		Start:    d("2026-01-05"), End: d("2026-03-01"),
		Series: []model.WeekdaySeries{{Weekday: time.Monday, Person: "john", Time: 14 * time.Hour, Duration: time.Hour, Capacity: 4,
			Labels: []model.Label{{Name: "Tag", Color: "#ff0000"}}, Resources: []string{"room1"}}}}
	if err := s.CreateSchedule(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	if sc.ID == 0 || sc.Created.IsZero() {
		t.Fatalf("no ID or Created: %+v", sc)
	}
	dup := sc
	if err := s.CreateSchedule(ctx, &dup); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	got, err := s.Schedule(ctx, "ann", "yoga")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sc, got); diff != "" {
		t.Fatalf("read back (-want +got):\n%s", diff)
	}
	sc.Series[0].Time = 15 * time.Hour
	if err := s.UpdateSchedule(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	got, _ = s.ScheduleByID(ctx, sc.ID)
	if got.Series[0].Time != 15*time.Hour {
		t.Fatalf("update lost: %+v", got.Series)
	}
	if all, err := s.Schedules(ctx, ""); err != nil || len(all) != 1 {
		t.Fatalf("schedules %v %v", all, err)
	}
	bad := sc
	bad.Series = nil
	if err := s.UpdateSchedule(ctx, &bad); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("invalid update: %v", err)
	}

	// Availability and slot settings.
	av := model.Availability{Owner: "ann", Name: "john-hours", Person: "john", TimeZone: "Europe/Berlin",
		Rules:    []model.AvailabilityRule{{Weekday: time.Monday, Intervals: []model.DayInterval{{From: 9 * time.Hour, To: 17 * time.Hour}}}},
		Absences: []model.Absence{{From: d("2026-02-02"), To: d("2026-02-06"), Leave: true, State: model.AbsenceRequested}}}
	if err := s.PutAvailability(ctx, &av); err != nil {
		t.Fatal(err)
	}
	av.Absences[0].State = model.AbsenceApproved
	if err := s.PutAvailability(ctx, &av); err != nil {
		t.Fatal(err)
	}
	ga, err := s.AvailabilityFor(ctx, "john", 0)
	if err != nil || ga.ID != av.ID || ga.Absences[0].State != model.AbsenceApproved {
		t.Fatalf("availability %+v %v", ga, err)
	}
	if _, err := s.AvailabilityFor(ctx, "", cal.ID); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("calendar availability: %v", err)
	}
	st := model.SlotSettings{Duration: 30 * time.Minute, PerSlot: 2, Resources: []string{"room1"}}
	if err := s.PutSlotSettings(ctx, cal.ID, st); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SlotSettings(ctx, cal.ID); err != nil || !cmp.Equal(st, got) {
		t.Fatalf("slot settings %+v %v", got, err)
	}

	// Deleting the calendar takes its schedules and settings along.
	if err := s.DeleteCalendar(ctx, cal.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ScheduleByID(ctx, sc.ID); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("schedule after calendar delete: %v", err)
	}
	if _, err := s.SlotSettings(ctx, cal.ID); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("settings after calendar delete: %v", err)
	}
}
