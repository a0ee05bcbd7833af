package model

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := LoadZone(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustDate(t testing.TB, s string) LocalDate {
	t.Helper()
	d, err := ParseLocalDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// seedSchedule is the seed's example body (000_*.txt): Mondays 14:00 for an
// hour, team member 123, capacity 4, tag 123, resource 123; plus Wednesdays.
func seedSchedule(t testing.TB) *Schedule {
	return &Schedule{
		ID: 7, Name: "yoga", TimeZone: "America/New_York", EntityType: "activity",
		Template: ScheduleTemplate{Title: "Yoga"},
		Start:    mustDate(t, "2026-01-05"), End: mustDate(t, "2026-02-01"),
		Series: []WeekdaySeries{
			{Weekday: time.Monday, Person: "m123", Time: 14 * time.Hour, Duration: time.Hour, Capacity: 4,
				Labels: []Label{{Name: "Tag", Color: "#ff0000"}}, Resources: []string{"room1"}},
			{Weekday: time.Wednesday, Person: "m124", Time: 9*time.Hour + 30*time.Minute, Duration: 45 * time.Minute, Capacity: 4},
		},
	}
}

func TestScheduleValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(s *Schedule)
		field string
	}{
		{"no days", func(s *Schedule) { s.Series = nil }, "days"},
		{"end before start", func(s *Schedule) { s.End = s.Start.AddDays(-1) }, "date end"},
		{"same weekday twice", func(s *Schedule) { s.Series[1].Weekday = time.Monday }, "days.mon"},
		{"zero capacity", func(s *Schedule) { s.Series[0].Capacity = 0 }, "days.mon.capacity"},
		{"record with capacity 4", func(s *Schedule) { s.EntityType = "record" }, "days.mon.capacity"},
		{"bad zone", func(s *Schedule) { s.TimeZone = "Mars/Base" }, "time zone"},
		{"no duration", func(s *Schedule) { s.Series[1].Duration = 0 }, "days.wed.duration"},
		{"too long", func(s *Schedule) { s.End = s.Start.AddDays(MaxScheduleDays + 1) }, "date end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := seedSchedule(t)
			tc.edit(s)
			err := s.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v; want a FieldError on %q", err, tc.field)
			}
		})
	}
	if err := seedSchedule(t).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestGenerate(t *testing.T) {
	s := seedSchedule(t)
	occs, err := s.Generate()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range occs {
		got = append(got, o.Planned.Start.Format(time.RFC3339)+" "+o.Planned.Person)
	}
	want := []string{
		"2026-01-05T14:00:00-05:00 m123", "2026-01-07T09:30:00-05:00 m124",
		"2026-01-12T14:00:00-05:00 m123", "2026-01-14T09:30:00-05:00 m124",
		"2026-01-19T14:00:00-05:00 m123", "2026-01-21T09:30:00-05:00 m124",
		"2026-01-26T14:00:00-05:00 m123", "2026-01-28T09:30:00-05:00 m124",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("Generate (-want +got):\n%s", d)
	}
	for _, o := range occs {
		if o.State != StateCreated || o.Changed.Any() {
			t.Errorf("%s: state %s changed %v; want event_created, unchanged", o.Date, o.State, o.Changed)
		}
	}
}

func TestGenerateKeepsWallClockAcrossDST(t *testing.T) {
	s := seedSchedule(t)
	s.Start, s.End = mustDate(t, "2026-03-02"), mustDate(t, "2026-03-16")
	occs, err := s.Generate()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range occs {
		if o.Weekday == time.Monday && o.Planned.Start.Hour() != 14 {
			t.Errorf("%s starts %s; want 14:00 local on both sides of the 8 March change", o.Date, o.Planned.Start)
		}
	}
	if off1, off2 := offset(occs[0].Planned.Start), offset(occs[len(occs)-1].Planned.Start); off1 == off2 {
		t.Errorf("offsets %d and %d; want EST then EDT", off1, off2)
	}
}

func offset(t time.Time) int { _, o := t.Zone(); return o }

// existingFrom builds what a store would read back: the generated plan,
// written (stable).
func existingFrom(t *testing.T, s *Schedule) []ScheduleOccurrence {
	t.Helper()
	occs, err := s.Generate()
	if err != nil {
		t.Fatal(err)
	}
	for i := range occs {
		occs[i].State = StateStable
	}
	return occs
}

func dates(occs []ScheduleOccurrence) []string {
	var out []string
	for _, o := range occs {
		out = append(out, o.Date.String())
	}
	return out
}

func TestRegenerate(t *testing.T) {
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC) // Thursday of week 2
	base := seedSchedule(t)

	// A hand change on Monday 19 Jan: moved to 15:00 by hand.
	handChanged := func(t *testing.T) []ScheduleOccurrence {
		occs := existingFrom(t, base)
		for i := range occs {
			if occs[i].Date.String() == "2026-01-19" {
				occs[i].Actual.Start = occs[i].Actual.Start.Add(time.Hour)
			}
		}
		return occs
	}

	t.Run("nothing changed", func(t *testing.T) {
		p, err := Regenerate(base, existingFrom(t, base), now, false)
		if err != nil {
			t.Fatal(err)
		}
		if p.Changes() != 0 || len(p.Unchanged) != 4 || len(p.Past) != 4 {
			t.Fatalf("plan %d changes, %d unchanged, %d past; want 0, 4, 4", p.Changes(), len(p.Unchanged), len(p.Past))
		}
	})

	t.Run("keep hand change, rewrite the rest of the future", func(t *testing.T) {
		s := seedSchedule(t)
		s.Series[0].Time = 16 * time.Hour
		p, err := Regenerate(s, handChanged(t), now, false)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"2026-01-19"}, dates(p.Kept)); d != "" {
			t.Errorf("kept (-want +got):\n%s", d)
		}
		if d := cmp.Diff([]string{"2026-01-26"}, dates(p.Update)); d != "" {
			t.Errorf("updated (-want +got):\n%s", d)
		}
		if !p.Kept[0].Changed.Time || p.Kept[0].Changed.Person {
			t.Errorf("kept changed fields %v; want time only", p.Kept[0].Changed.Names())
		}
		if p.Update[0].State != StateChanged || p.Update[0].Planned.Start.Hour() != 16 {
			t.Errorf("update %+v; want event_changed at 16:00", p.Update[0])
		}
		for _, o := range p.Past {
			if o.Weekday == time.Monday && o.Planned.Start.Hour() != 14 {
				t.Errorf("past %s rewritten to %s", o.Date, o.Planned.Start)
			}
		}
		if d := cmp.Diff([]string{"2026-01-05", "2026-01-07", "2026-01-12", "2026-01-14"}, dates(p.Past)); d != "" {
			t.Errorf("past (-want +got):\n%s", d)
		}
	})

	t.Run("force overwrites hand change", func(t *testing.T) {
		s := seedSchedule(t)
		s.Series[0].Time = 16 * time.Hour
		p, err := Regenerate(s, handChanged(t), now, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Kept) != 0 {
			t.Fatalf("kept %v with force", dates(p.Kept))
		}
		var forced *ScheduleOccurrence
		for i := range p.Update {
			if p.Update[i].Date.String() == "2026-01-19" {
				forced = &p.Update[i]
			}
		}
		if forced == nil || forced.State != StateChangedForce || forced.Actual.Start.Hour() != 16 {
			t.Fatalf("19 Jan after force: %+v; want event_changed_force at 16:00", forced)
		}
	})

	t.Run("force rewrites an unchanged plan's hand change back", func(t *testing.T) {
		p, err := Regenerate(base, handChanged(t), now, true)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"2026-01-19"}, dates(p.Update)); d != "" || p.Update[0].State != StateChangedForce {
			t.Fatalf("update (-want +got):\n%s %v", d, p.Update)
		}
	})

	t.Run("removed weekday removes its future occurrences", func(t *testing.T) {
		s := seedSchedule(t)
		s.Series = s.Series[:1] // Wednesdays gone
		p, err := Regenerate(s, existingFrom(t, base), now, false)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"2026-01-21", "2026-01-28"}, dates(p.Delete)); d != "" {
			t.Errorf("deleted (-want +got):\n%s", d)
		}
		for _, o := range p.Delete {
			if o.State != StateDeleted {
				t.Errorf("%s state %s; want event_deleted", o.Date, o.State)
			}
		}
		// The past Wednesdays stay.
		if d := cmp.Diff([]string{"2026-01-05", "2026-01-07", "2026-01-12", "2026-01-14"}, dates(p.Past)); d != "" {
			t.Errorf("past (-want +got):\n%s", d)
		}
		for _, o := range p.Result() {
			if o.Weekday == time.Wednesday && !o.Planned.Start.Before(now) {
				t.Errorf("result still has future Wednesday %s", o.Date)
			}
		}
	})

	t.Run("removed weekday keeps a hand-changed one unless forced", func(t *testing.T) {
		occs := existingFrom(t, base)
		for i := range occs {
			if occs[i].Date.String() == "2026-01-21" {
				occs[i].Actual.Person = "m999"
			}
		}
		s := seedSchedule(t)
		s.Series = s.Series[:1]
		p, _ := Regenerate(s, occs, now, false)
		if d := cmp.Diff([]string{"2026-01-21"}, dates(p.Kept)); d != "" {
			t.Errorf("kept (-want +got):\n%s", d)
		}
		p, _ = Regenerate(s, occs, now, true)
		if d := cmp.Diff([]string{"2026-01-21", "2026-01-28"}, dates(p.Delete)); d != "" {
			t.Errorf("forced delete (-want +got):\n%s", d)
		}
	})

	t.Run("past never created, end extended creates future", func(t *testing.T) {
		s := seedSchedule(t)
		s.End = mustDate(t, "2026-02-08")
		s.Series = append(s.Series, WeekdaySeries{Weekday: time.Tuesday, Person: "m1", Time: 8 * time.Hour, Duration: time.Hour, Capacity: 1})
		p, err := Regenerate(s, existingFrom(t, base), now, false)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"2026-01-20", "2026-01-27", "2026-02-02", "2026-02-03", "2026-02-04"}
		if d := cmp.Diff(want, dates(p.Create)); d != "" {
			t.Errorf("created (-want +got):\n%s", d)
		}
	})

	t.Run("hand-deleted occurrence stays deleted", func(t *testing.T) {
		occs := existingFrom(t, base)
		occs[6].Deleted = true // 26 Jan
		s := seedSchedule(t)
		s.Series[0].Duration = 2 * time.Hour
		p, _ := Regenerate(s, occs, now, false)
		if d := cmp.Diff([]string{"2026-01-26"}, dates(p.Kept)); d != "" {
			t.Errorf("kept (-want +got):\n%s", d)
		}
	})

	t.Run("clients survive an update", func(t *testing.T) {
		occs := existingFrom(t, base)
		occs[6].Clients = []Participant{{Name: "Ann", Email: "ann@example.com"}}
		s := seedSchedule(t)
		s.Series[0].Duration = 2 * time.Hour
		p, _ := Regenerate(s, occs, now, false)
		for _, o := range p.Update {
			if o.Date.String() == "2026-01-26" && len(o.Clients) != 1 {
				t.Errorf("26 Jan clients %v; want Ann kept", o.Clients)
			}
		}
	})
}

func TestBookCapacity(t *testing.T) {
	occs := existingFrom(t, seedSchedule(t))
	o := occs[0]
	for i := 0; i < 4; i++ {
		if err := o.Book(Participant{Name: string(rune('A' + i))}); err != nil {
			t.Fatalf("client %d: %v", i+1, err)
		}
	}
	err := o.Book(Participant{Name: "E"})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "4 of 4 places taken") {
		t.Fatalf("fifth client: %v; want a capacity error naming 4 of 4", err)
	}
	if len(o.Clients) != 4 || o.Overbooked() {
		t.Fatalf("%d clients after refusal", len(o.Clients))
	}
	o.Clients = append(o.Clients, Participant{Name: "F"})
	if !o.Overbooked() {
		t.Fatal("5 clients on 4 places not overbooked")
	}
	if err := CheckCapacity(4, 2, 3); err == nil {
		t.Fatal("2+3 > 4 accepted")
	}
	if err := CheckCapacity(0, 100, 1); err != nil {
		t.Fatalf("unlimited: %v", err)
	}
}

func TestScheduleObjectsRoundTrip(t *testing.T) {
	s := seedSchedule(t)
	s.AddClients = true
	s.Template.Clients = []Participant{{Name: "Ann", Email: "ann@example.com", Type: TypeIndividual}}
	s.Series[0].Break = 15 * time.Minute
	occs := existingFrom(t, s)
	// 19 Jan: moved by hand and given another team member; 21 Jan deleted;
	// 26 Jan got a second client.
	for i := range occs {
		switch occs[i].Date.String() {
		case "2026-01-19":
			occs[i].Actual.Start = occs[i].Actual.Start.Add(30 * time.Minute)
			occs[i].Actual.Person = "m999"
		case "2026-01-21":
			occs[i].Deleted = true
		case "2026-01-26":
			occs[i].Clients = append(occs[i].Clients, Participant{Name: "Bob", Email: "bob@example.com", Type: TypeIndividual})
		}
	}
	objs, err := ScheduleObjects(s, occs)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 {
		t.Fatalf("%d objects; want one per weekday", len(objs))
	}
	var evs [][]Event
	for _, o := range objs {
		if !strings.HasPrefix(o.Master.Recurrence.RRule, "FREQ=WEEKLY;BYDAY=") || !strings.Contains(o.Master.Recurrence.RRule, "UNTIL=") {
			t.Errorf("rule %q", o.Master.Recurrence.RRule)
		}
		if err := o.Master.Validate(); err != nil {
			t.Errorf("master: %v", err)
		}
		evs = append(evs, append([]Event{o.Master}, o.Overrides...))
		if !o.Covers(o.Master.Start) || o.Covers(o.Master.Start.Add(24*time.Hour)) || o.Covers(o.Master.Start.AddDate(0, 0, 70)) {
			t.Errorf("%s: Covers is wrong about its first instance, the next day or ten weeks on", o.UID)
		}
		for _, ov := range o.Overrides {
			if !o.Covers(ov.RecurrenceID) {
				t.Errorf("%s does not cover its override %s", o.UID, ov.RecurrenceID)
			}
		}
		for _, x := range o.Master.Recurrence.ExDates {
			if o.Covers(x) {
				t.Errorf("%s covers its EXDATE %s", o.UID, x)
			}
		}
	}
	back, err := ScheduleOccurrences(s, evs)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(dates(occs), dates(back)); d != "" {
		t.Fatalf("dates (-want +got):\n%s", d)
	}
	for i, o := range back {
		want := occs[i]
		if got, w := o.Changed.Names(), Compare(want.Planned, want.Actual).Names(); !cmp.Equal(got, w) && !want.Deleted {
			t.Errorf("%s changed %v; want %v", o.Date, got, w)
		}
		if o.Deleted != want.Deleted {
			t.Errorf("%s deleted %v; want %v", o.Date, o.Deleted, want.Deleted)
		}
		if o.Deleted && o.State != StateEntityDeleted {
			t.Errorf("%s state %s; want entity_deleted", o.Date, o.State)
		}
		if !o.Actual.Start.Equal(want.Actual.Start) && !want.Deleted {
			t.Errorf("%s actual start %s; want %s", o.Date, o.Actual.Start, want.Actual.Start)
		}
		if o.Break != want.Break {
			t.Errorf("%s break %v; want %v (the technical break travels as X-ROTA-LAG)", o.Date, o.Break, want.Break)
		}
		if len(o.Clients) != len(want.Clients) {
			t.Errorf("%s clients %v; want %v", o.Date, o.Clients, want.Clients)
		}
	}
	// Regenerating the read-back list with no edit changes nothing.
	p, err := Regenerate(s, back, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), false)
	if err != nil {
		t.Fatal(err)
	}
	if p.Changes() != 0 || len(p.Kept) != 2 {
		t.Fatalf("regenerate after round trip: %d changes, kept %v; want 0 and the two hand changes", p.Changes(), dates(p.Kept))
	}
}

func TestScheduleTag(t *testing.T) {
	id, d, err := ParseScheduleTag(ScheduleTag(42, time.Friday))
	if err != nil || id != 42 || d != time.Friday {
		t.Fatalf("got %d %v %v", id, d, err)
	}
	if _, _, err := ParseScheduleTag("nonsense"); err == nil {
		t.Fatal("nonsense accepted")
	}
}

func TestParseClockAndWeekday(t *testing.T) {
	for in, want := range map[string]time.Duration{"14:00:00": 14 * time.Hour, "09:30": 9*time.Hour + 30*time.Minute, "00:00:01": time.Second} {
		got, err := ParseClock(in)
		if err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", in, got, err, want)
		}
		if in == "14:00:00" && FormatClock(got) != in {
			t.Errorf("FormatClock = %q", FormatClock(got))
		}
	}
	for _, bad := range []string{"24:00", "9", "ab:cd", "12:60"} {
		if _, err := ParseClock(bad); err == nil {
			t.Errorf("ParseClock(%q) accepted", bad)
		}
	}
	for in, want := range map[string]time.Weekday{"mon": time.Monday, "SU": time.Sunday, "Friday": time.Friday} {
		if got, err := ParseWeekday(in); err != nil || got != want {
			t.Errorf("ParseWeekday(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseWeekday("mo1"); err == nil {
		t.Error("mo1 accepted")
	}
}

func FuzzParseScheduleTag(f *testing.F) {
	f.Add("12/mon")
	f.Add("/")
	f.Add("x/y/z")
	f.Fuzz(func(t *testing.T, s string) {
		id, d, err := ParseScheduleTag(s)
		if err == nil {
			if id2, d2, err2 := ParseScheduleTag(ScheduleTag(id, d)); err2 != nil || id2 != id || d2 != d {
				t.Fatalf("%q: round trip %d %v %v", s, id2, d2, err2)
			}
		}
	})
}
