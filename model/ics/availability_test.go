package ics

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"rota/model"
)

func TestEncodeAvailability(t *testing.T) {
	d := func(s string) model.LocalDate { x, _ := model.ParseLocalDate(s); return x }
	berlin, _ := model.LoadZone("Europe/Berlin")
	a := model.Availability{ID: 3, Name: "john", Person: "john", TimeZone: "Europe/Berlin",
		Rules: []model.AvailabilityRule{
			{Weekday: time.Monday, Intervals: []model.DayInterval{{From: 9 * time.Hour, To: 12 * time.Hour}, {From: 13 * time.Hour, To: 17 * time.Hour}}},
			{Date: d("2026-03-30"), Intervals: []model.DayInterval{{From: 10 * time.Hour, To: 11 * time.Hour}}},
		},
		Absences: []model.Absence{{From: d("2026-04-06"), To: d("2026-04-10"), Leave: true, State: model.AbsenceApproved, Reason: "Easter; family"},
			{From: d("2026-05-01"), To: d("2026-05-01"), Leave: true, State: model.AbsenceRejected}},
		Blocks: []model.Block{{Start: time.Date(2026, 3, 16, 9, 0, 0, 0, berlin), End: time.Date(2026, 3, 16, 10, 0, 0, 0, berlin), Kind: model.KindDowntime}},
	}
	var buf bytes.Buffer
	if err := EncodeAvailability(&buf, &a, time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin",
		"BUSYTYPE:BUSY-UNAVAILABLE\r\nPRIORITY:9",
		"DTSTART;TZID=Europe/Berlin:20260309T090000\r\nDTEND;TZID=Europe/Berlin:20260309T120000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO",
		"EXDATE;TZID=Europe/Berlin:20260330T130000",
		"DTSTART;TZID=Europe/Berlin:20260330T100000\r\nDTEND;TZID=Europe/Berlin:20260330T110000",
		"DTSTART;VALUE=DATE:20260406\r\nDTEND;VALUE=DATE:20260411",
		"SUMMARY:leave (approved): Easter\\; family",
		"DTSTART;TZID=Europe/Berlin:20260316T090000\r\nDTEND;TZID=Europe/Berlin:20260316T100000",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "20260501") {
		t.Error("rejected leave written as unavailable")
	}
	if n := strings.Count(out, "BEGIN:AVAILABLE"); n != 3 {
		t.Errorf("%d AVAILABLE components; want 3", n)
	}
	if n := strings.Count(out, "BEGIN:VAVAILABILITY"); n != 3 {
		t.Errorf("%d VAVAILABILITY components; want base, leave, downtime", n)
	}
	cals, err := parse(out)
	if err != nil || len(cals) != 1 {
		t.Fatalf("own parser refuses the output: %v", err)
	}
	for _, l := range strings.Split(out, "\r\n") {
		if len(l) > 75 {
			t.Errorf("line longer than 75 octets: %q", l)
		}
	}
	a.TimeZone = "Mars/Olympus"
	if err := EncodeAvailability(&buf, &a, time.Now(), time.Now()); err == nil {
		t.Error("invalid availability encoded")
	}
}
