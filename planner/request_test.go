package planner

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rota/model"
)

func TestScheduleRequestRoundTrip(t *testing.T) {
	body, err := os.ReadFile("testdata/seed_schedule.json")
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParseScheduleRequest(body)
	if err != nil {
		t.Fatal(err)
	}
	s, err := q.Schedule(model.LocalDate{Year: 2026, Month: 1, Day: 1}, "UTC")
	if err != nil {
		t.Fatal(err)
	}
	ser := s.Series[0]
	if ser.Weekday != time.Monday || ser.Person != "123" || ser.Time != 14*time.Hour || ser.Duration != time.Hour ||
		ser.Capacity != 4 || ser.Labels[0].Name != "123" || ser.Resources[0] != "123" || s.TimeZone != "America/New_York" {
		t.Fatalf("schedule from the seed body: %+v", s)
	}
	back, err := Request(&s).Schedule(s.Start, "UTC")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(s, back); d != "" {
		t.Fatalf("round trip (-want +got):\n%s", d)
	}
	for _, bad := range []string{
		`{"date_end": "2026-02-01", "days": [], "typo": 1}`,
		`{"date_end": "2026-02-31", "days": [{"day_of_week": "mon", "events_master_id": 1, "events_time": "14:00:00", "events_duration": 3600, "events_capacity": 1}]}`,
		`{"name": "x", "date_end": "2026-02-01", "days": [{"day_of_week": "mon", "events_master_id": 1, "events_time": "25:00", "events_duration": 3600, "events_capacity": 1}]}`,
		`{"name": "x", "date_end": "2026-02-01", "days": [{"day_of_week": "mon", "events_master_id": 1, "events_time": "10:00", "events_duration": 0, "events_capacity": 1}]}`,
		`[1, 2]`,
	} {
		q, err := ParseScheduleRequest([]byte(bad))
		if err == nil {
			_, err = q.Schedule(model.LocalDate{Year: 2026, Month: 1, Day: 1}, "UTC")
		}
		if !errors.Is(err, model.ErrInvalid) {
			t.Errorf("%s: %v; want ErrInvalid", bad, err)
		}
	}
}

// FuzzScheduleRequest: whatever the body, parsing either fails with
// ErrInvalid or yields a schedule that validates and generates without
// exceeding its bound.
func FuzzScheduleRequest(f *testing.F) {
	body, err := os.ReadFile("testdata/seed_schedule.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(body)
	f.Add([]byte(`{"name":"a","date_end":"2026-01-10","days":[{"day_of_week":"SU","events_master_id":"x","events_time":"00:00","events_duration":1,"events_capacity":1}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := ParseScheduleRequest(data)
		if err != nil {
			if !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("parse error not ErrInvalid: %v", err)
			}
			return
		}
		s, err := q.Schedule(model.LocalDate{Year: 2026, Month: 1, Day: 1}, "UTC")
		if err != nil {
			return
		}
		occs, err := s.Generate()
		if err != nil {
			t.Fatalf("validated schedule does not generate: %v", err)
		}
		if len(occs) > model.MaxScheduleDays+1 {
			t.Fatalf("%d occurrences", len(occs))
		}
	})
}

// TestScheduleRequestErrorLine: a body that does not decode is refused
// with the line of the mistake.
func TestScheduleRequestErrorLine(t *testing.T) {
	for body, line := range map[string]string{
		"{\n  \"title\": \"x\",\n  \"date_start\": 5\n}": "line 3:",
		"{\n  \"title\": \"x\",\n\n  \"typo\": 1\n}":     "line 4:",
		"{\n  \"title\": \"x\"\n  \"date_end\": \"\"\n}": "line 3:",
	} {
		_, err := ParseScheduleRequest([]byte(body))
		if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), line) {
			t.Errorf("%q: %v; want ErrInvalid at %s", body, err, line)
		}
	}
}
