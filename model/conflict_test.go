package model

import (
	"errors"
	"testing"
	"time"
)

func TestConflictsWith(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return t0.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	res := map[string]Resource{
		"room1":     {Name: "room1", Kind: ResourceRoom, Capacity: 3, Active: true},
		"projector": {Name: "projector", Kind: ResourceEquipment, Quantity: 2, Active: true},
		"broken":    {Name: "broken", Kind: ResourceEquipment, Quantity: 1, OutOfService: 1, Active: true},
	}
	existing := []Booking{
		{UID: "a", Start: at(0, 0), End: at(1, 0), People: []string{"ann"}, Resources: []string{"projector"}},
		{UID: "b", Start: at(0, 30), End: at(1, 30), People: []string{"bob"}, Resources: []string{"projector", "room1"}},
	}
	for _, tc := range []struct {
		name  string
		b     Booking
		kinds []ConflictKind
	}{
		{"free", Booking{UID: "x", Start: at(2, 0), End: at(3, 0), People: []string{"ann"}, Resources: []string{"room1"}}, nil},
		{"person overlaps", Booking{UID: "x", Start: at(0, 45), End: at(2, 0), People: []string{"ANN"}}, []ConflictKind{ConflictPerson}},
		{"lead buffer reaches back", Booking{UID: "x", Start: at(1, 0), End: at(2, 0), Lead: 10 * time.Minute, People: []string{"ann"}}, []ConflictKind{ConflictPerson}},
		{"lag buffer reaches forward", Booking{UID: "x", Start: at(-1, 0), End: at(0, 0), Lag: time.Minute, People: []string{"ann"}}, []ConflictKind{ConflictPerson}},
		{"back to back is fine", Booking{UID: "x", Start: at(1, 0), End: at(2, 0), People: []string{"ann"}}, nil},
		{"equipment exhausted", Booking{UID: "x", Start: at(0, 40), End: at(0, 50), Resources: []string{"projector"}}, []ConflictKind{ConflictResource}},
		{"equipment one left", Booking{UID: "x", Start: at(1, 10), End: at(1, 20), Resources: []string{"projector"}}, nil},
		{"room taken", Booking{UID: "x", Start: at(1, 0), End: at(2, 0), Resources: []string{"room1"}}, []ConflictKind{ConflictResource}},
		{"room too small", Booking{UID: "x", Start: at(3, 0), End: at(4, 0), Attendees: 4, Resources: []string{"room1"}}, []ConflictKind{ConflictRoomCapacity}},
		{"out of service", Booking{UID: "x", Start: at(3, 0), End: at(4, 0), Resources: []string{"broken"}}, []ConflictKind{ConflictOutOfService}},
		{"itself", Booking{UID: "a", Start: at(0, 0), End: at(1, 0), People: []string{"ann"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ConflictsWith(tc.b, existing, res)
			var kinds []ConflictKind
			for _, c := range got {
				kinds = append(kinds, c.Kind)
				if !errors.Is(c, ErrConflict) || c.Error() == "" {
					t.Errorf("conflict %+v does not read as ErrConflict", c)
				}
			}
			if len(kinds) != len(tc.kinds) || (len(kinds) > 0 && kinds[0] != tc.kinds[0]) {
				t.Fatalf("conflicts %v; want %v (%+v)", kinds, tc.kinds, got)
			}
		})
	}
}

func TestFindConflicts(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	bs := []Booking{
		{UID: "c", Start: t0.Add(3 * time.Hour), End: t0.Add(4 * time.Hour), People: []string{"ann"}},
		{UID: "a", Start: t0, End: t0.Add(time.Hour), People: []string{"ann"}},
		{UID: "b", Start: t0.Add(30 * time.Minute), End: t0.Add(2 * time.Hour), People: []string{"ann", "bob"}, Lag: 70 * time.Minute},
	}
	got := FindConflicts(bs, nil)
	if len(got) != 2 {
		t.Fatalf("%d conflicts %+v; want b-a and c-b (lag)", len(got), got)
	}
	if got[0].UID != "b" || got[0].With != "a" || got[1].UID != "c" || got[1].With != "b" {
		t.Fatalf("got %+v", got)
	}
}

func TestBookingFromEvent(t *testing.T) {
	ev := Event{UID: "u", Person: "john", Organizer: &Participant{Name: "john", Email: "john@rota.invalid"},
		Participants: []Participant{{Email: "ann@example.com", Type: TypeIndividual}, {Name: "room1", Type: TypeRoom}, {Email: "no@example.com", Status: InviteDeclined}},
		Resources:    []string{"projector"}}
	b, ok := BookingFromEvent(&ev, time.Time{}, time.Time{})
	if !ok || len(b.People) != 2 || b.Attendees != 1 || len(b.Resources) != 2 {
		t.Fatalf("got %+v", b)
	}
	ev.Free = true
	if _, ok := BookingFromEvent(&ev, time.Time{}, time.Time{}); ok {
		t.Fatal("transparent event holds time")
	}
	ev.Free, ev.Status = false, StatusCancelled
	if _, ok := BusyFromEvent(&ev, time.Time{}, time.Time{}, false); ok {
		t.Fatal("cancelled event is busy")
	}
}

func TestResourceValidate(t *testing.T) {
	for _, r := range []Resource{
		{Name: "", Kind: ResourceRoom},
		{Name: "p", Kind: ResourceEquipment, Quantity: 0},
		{Name: "p", Kind: ResourceEquipment, Quantity: 2, OutOfService: 3},
		{Name: "p", Kind: "car"},
		{Name: "a b", Kind: ResourceRoom},
	} {
		if err := r.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", r, err)
		}
	}
	r := Resource{Name: "p", Kind: ResourceEquipment, Quantity: 3, OutOfService: 1, Active: true}
	if r.Validate() != nil || r.Units() != 2 {
		t.Fatalf("units %d", r.Units())
	}
	r.Active = false
	if r.Units() != 0 {
		t.Fatal("inactive resource lends units")
	}
}

// BenchmarkFindConflicts: a month of 1,000 bookings among 20 people and 5
// rooms.
func BenchmarkFindConflicts(b *testing.B) {
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	res := map[string]Resource{}
	for r := 0; r < 5; r++ {
		name := string(rune('a'+r)) + "-room"
		res[name] = Resource{Name: name, Kind: ResourceRoom, Capacity: 8, Active: true}
	}
	var bs []Booking
	for i := 0; i < 1000; i++ {
		s := t0.Add(time.Duration(i) * 31 * 24 * time.Hour / 1000)
		bs = append(bs, Booking{UID: string(rune(i)), Start: s, End: s.Add(50 * time.Minute), Lag: 10 * time.Minute,
			People: []string{string(rune('A' + i%20))}, Resources: []string{string(rune('a'+i%5)) + "-room"}, Attendees: 3})
	}
	b.ReportAllocs()
	for b.Loop() {
		FindConflicts(bs, res)
	}
}
