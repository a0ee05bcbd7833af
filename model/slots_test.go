package model

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// nineToFive is open Monday to Friday 09:00-17:00 in Berlin.
func nineToFive(t testing.TB) *Availability {
	a := &Availability{Name: "office", TimeZone: "Europe/Berlin"}
	for d := time.Monday; d <= time.Friday; d++ {
		a.Rules = append(a.Rules, AvailabilityRule{Weekday: d, Intervals: []DayInterval{{9 * time.Hour, 17 * time.Hour}}})
	}
	return a
}

func starts(days []DaySlots) map[string][]string {
	out := map[string][]string{}
	for _, d := range days {
		for _, s := range d.Slots {
			out[d.Date.String()] = append(out[d.Date.String()], s.Start.Format("15:04"))
		}
	}
	return out
}

func TestFreeSlots(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	at := func(day string, h, m int) time.Time {
		d := mustDate(t, day)
		return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, berlin)
	}
	// Tuesday 3 March 2026, one day.
	day := Range{From: at("2026-03-03", 0, 0), To: at("2026-03-04", 0, 0)}
	now := at("2026-03-01", 12, 0)
	hours := func(hs ...int) []string {
		var out []string
		for _, h := range hs {
			out = append(out, fmt.Sprintf("%02d:00", h))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		req  SlotRequest
		want map[string][]string
	}{
		{"hourly in open hours", SlotRequest{Range: day, Duration: time.Hour, Now: now, Availability: nineToFive(t)},
			map[string][]string{"2026-03-03": hours(9, 10, 11, 12, 13, 14, 15, 16)}},
		{"interval shorter than duration", SlotRequest{Range: Range{at("2026-03-03", 15, 0), day.To}, Duration: time.Hour, Interval: 30 * time.Minute, Now: now, Availability: nineToFive(t)},
			map[string][]string{"2026-03-03": {"15:00", "15:30", "16:00"}}},
		{"busy event with buffers", SlotRequest{Range: day, Duration: time.Hour, PreBuffer: 30 * time.Minute, PostBuffer: 15 * time.Minute,
			Now: now, Availability: nineToFive(t), Busy: []Busy{{Start: at("2026-03-03", 12, 0), End: at("2026-03-03", 13, 0)}}},
			// 11:00 ends at 12:00, its post-buffer reaches into the event; 13:00's pre-buffer does too.
			map[string][]string{"2026-03-03": hours(9, 10, 14, 15, 16)}},
		{"event lead and lag", SlotRequest{Range: day, Duration: time.Hour, Now: now, Availability: nineToFive(t),
			Busy: []Busy{{Start: at("2026-03-03", 12, 0), End: at("2026-03-03", 13, 0), Lead: time.Hour, Lag: time.Minute}}},
			map[string][]string{"2026-03-03": hours(9, 10, 14, 15, 16)}},
		{"minimum notice", SlotRequest{Range: day, Duration: time.Hour, Now: at("2026-03-03", 10, 30), Notice: 2 * time.Hour, Availability: nineToFive(t)},
			map[string][]string{"2026-03-03": hours(13, 14, 15, 16)}},
		{"horizon", SlotRequest{Range: Range{day.From, day.To.AddDate(0, 0, 2)}, Duration: 4 * time.Hour, Now: at("2026-03-03", 8, 0), Horizon: 26 * time.Hour, Availability: nineToFive(t)},
			map[string][]string{"2026-03-03": hours(9, 13), "2026-03-04": hours(9)}},
		{"per slot seats", SlotRequest{Range: Range{at("2026-03-03", 9, 0), at("2026-03-03", 11, 0)}, Duration: time.Hour, PerSlot: 2, Now: now, Availability: nineToFive(t),
			Busy: []Busy{{Start: at("2026-03-03", 9, 0), End: at("2026-03-03", 10, 0), Booking: true}, {Start: at("2026-03-03", 9, 0), End: at("2026-03-03", 10, 0), Booking: true},
				{Start: at("2026-03-03", 10, 0), End: at("2026-03-03", 11, 0), Booking: true}}},
			map[string][]string{"2026-03-03": hours(10)}},
		{"per day cap", SlotRequest{Range: Range{day.From, day.To.AddDate(0, 0, 1)}, Duration: 4 * time.Hour, PerDay: 2, Now: now, Availability: nineToFive(t),
			Busy: []Busy{{Start: at("2026-03-03", 7, 0), End: at("2026-03-03", 7, 30), Booking: true}, {Start: at("2026-03-03", 20, 0), End: at("2026-03-03", 21, 0), Booking: true}}},
			map[string][]string{"2026-03-04": hours(9, 13)}},
		{"holiday and rejected leave", SlotRequest{Range: Range{day.From, day.To.AddDate(0, 0, 2)}, Duration: 4 * time.Hour, Now: now, Availability: func() *Availability {
			a := nineToFive(t)
			a.Absences = []Absence{{From: mustDate(t, "2026-03-03"), To: mustDate(t, "2026-03-03"), State: AbsenceApproved},
				{From: mustDate(t, "2026-03-04"), To: mustDate(t, "2026-03-04"), Leave: true, State: AbsenceRejected},
				{From: mustDate(t, "2026-03-05"), To: mustDate(t, "2026-03-05"), Leave: true, State: AbsenceRequested}}
			return a
		}()}, map[string][]string{"2026-03-04": hours(9, 13)}},
		{"date rule replaces weekly, block slot cuts", SlotRequest{Range: Range{day.From, day.To.AddDate(0, 0, 1)}, Duration: time.Hour, Now: now, Availability: func() *Availability {
			a := nineToFive(t)
			a.Rules = append(a.Rules, AvailabilityRule{Date: mustDate(t, "2026-03-03"), Intervals: []DayInterval{{18 * time.Hour, 20 * time.Hour}}},
				AvailabilityRule{Date: mustDate(t, "2026-03-04")})
			a.Blocks = []Block{{Start: at("2026-03-03", 19, 0), End: at("2026-03-03", 19, 10), Kind: KindBlock}}
			return a
		}()}, map[string][]string{"2026-03-03": hours(18)}},
		{"resource units", SlotRequest{Range: Range{at("2026-03-03", 9, 0), at("2026-03-03", 12, 0)}, Duration: time.Hour, PerSlot: 5, Now: now, Availability: nineToFive(t),
			Resources: []Resource{{Name: "projector", Kind: ResourceEquipment, Quantity: 3, OutOfService: 1, Active: true}},
			Busy: []Busy{{Start: at("2026-03-03", 9, 0), End: at("2026-03-03", 10, 0), Booking: true, Resources: []string{"projector"}},
				{Start: at("2026-03-03", 9, 0), End: at("2026-03-03", 10, 0), Booking: true, Resources: []string{"projector"}},
				{Start: at("2026-03-03", 10, 0), End: at("2026-03-03", 11, 0), Booking: true, Resources: []string{"projector"}}}},
			map[string][]string{"2026-03-03": hours(10, 11)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FreeSlots(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, starts(got)); d != "" {
				t.Fatalf("slots (-want +got):\n%s", d)
			}
		})
	}
}

func TestFreeSlotsDSTDays(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	a := &Availability{Name: "night", TimeZone: "Europe/Berlin", Rules: []AvailabilityRule{{Weekday: time.Sunday, Intervals: []DayInterval{{0, 24 * time.Hour}}}}}
	for _, tc := range []struct {
		day   string
		slots int
	}{{"2026-03-29", 23}, {"2026-10-25", 25}, {"2026-03-22", 24}} {
		d := mustDate(t, tc.day)
		got, err := FreeSlots(SlotRequest{Range: d.Bounds(berlin), Duration: time.Hour, Availability: a, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || len(got[0].Slots) != tc.slots || got[0].Date != d {
			t.Errorf("%s: %v; want %d hourly slots on the day", tc.day, starts(got), tc.slots)
		}
	}
	// Office hours keep their wall-clock times on the spring-forward Monday.
	a = nineToFive(t)
	got, err := FreeSlots(SlotRequest{Range: mustDate(t, "2026-03-30").Bounds(berlin), Duration: 8 * time.Hour, Availability: a, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(got) != 1 || got[0].Slots[0].Start.Hour() != 9 || got[0].Slots[0].End.Hour() != 17 {
		t.Fatalf("after DST: %v %v", starts(got), err)
	}
}

func TestFreeSlotsRefusesLongRanges(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, q := range []SlotRequest{
		{Range: Range{from, from.AddDate(0, 0, 32)}, Duration: time.Hour},
		{Range: Range{from, from}, Duration: time.Hour},
		{Range: Range{from, from.AddDate(0, 0, 1)}},
		{Range: Range{from, from.AddDate(0, 0, 1)}, Duration: time.Hour, Notice: -time.Hour},
	} {
		if _, err := FreeSlots(q); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v; want ErrInvalid", q, err)
		}
	}
	if _, err := FreeSlots(SlotRequest{Range: Range{from, from.AddDate(0, 0, 31)}, Duration: time.Hour}); err != nil {
		t.Errorf("31 days refused: %v", err)
	}
}

func TestSubtractRanges(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	got := subtractRanges([]Range{{h(0), h(10)}, {h(12), h(14)}}, []Range{{h(1), h(2)}, {h(9), h(13)}})
	want := []Range{{h(0), h(1)}, {h(2), h(9)}, {h(13), h(14)}}
	if !cmp.Equal(want, got) {
		t.Fatalf("got %v", got)
	}
}

// BenchmarkFreeSlots31Days: a month of 15-minute slots against a busy
// calendar with 1,000 events in range.
func BenchmarkFreeSlots31Days(b *testing.B) {
	berlin := mustZone(b, "Europe/Berlin")
	a := nineToFive(b)
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, berlin)
	var busy []Busy
	for i := 0; i < 1000; i++ {
		s := from.Add(time.Duration(i) * 31 * 24 * time.Hour / 1000)
		busy = append(busy, Busy{Start: s, End: s.Add(25 * time.Minute), Booking: i%3 == 0, Lead: 5 * time.Minute})
	}
	q := SlotRequest{Range: Range{from, from.AddDate(0, 0, 31)}, Duration: 30 * time.Minute, Interval: 15 * time.Minute,
		PreBuffer: 5 * time.Minute, PostBuffer: 10 * time.Minute, PerSlot: 2, PerDay: 40, Availability: a, Busy: busy, Now: from}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FreeSlots(q); err != nil {
			b.Fatal(err)
		}
	}
}
