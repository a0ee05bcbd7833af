package ics

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rota/model"
)

var clock = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestNewEventsRoundTrip(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	cases := []model.Event{
		{
			UID: "full@rota", Kind: model.KindAppointment, Component: "VEVENT", Title: "Haircut, wash; dry",
			Description: "line 1\nline 2", Agenda: "cut", Location: "Salon",
			Start: time.Date(2026, 3, 10, 9, 0, 0, 0, berlin), End: time.Date(2026, 3, 10, 10, 0, 0, 0, berlin), TZID: "Europe/Berlin",
			Status: model.StatusConfirmed, Organizer: &model.Participant{Name: "Ann", Email: "ann@example.com"},
			Participants: []model.Participant{
				{Name: "Bob B", Email: "bob@example.com", Role: model.RoleRequired, Type: model.TypeIndividual, Status: model.InviteAccepted, RSVP: true},
				{Name: "Room 1", Email: "room1@example.com", Type: model.TypeRoom, Status: model.InviteAccepted},
			},
			Labels:    []model.Label{{Name: "VIP"}, {Name: "New client", Color: "#ff8800"}},
			Resources: []string{"Chair 2", "Dryer"}, Priority: 3, Privacy: model.PrivacyPrivate,
			LeadTime: 15 * time.Minute, LagTime: 10 * time.Minute,
			Reminders: []model.Reminder{{Before: 30 * time.Minute, Action: "DISPLAY", Description: "Go"}},
			Notes:     []model.Note{{Text: "likes tea"}}, Capacity: 3, ScheduleID: "sched-1", Conflict: true,
			Recurrence: &model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=TU;COUNT=10",
				ExDates: []time.Time{time.Date(2026, 3, 17, 9, 0, 0, 0, berlin)},
				RDates:  []model.Period{{Start: time.Date(2026, 3, 12, 9, 0, 0, 0, berlin), Duration: 2 * time.Hour}}},
			Sequence: 2, Created: clock, Modified: clock,
		},
		{
			UID: "holiday@rota", Kind: model.KindHoliday, Component: "VEVENT", Title: "Easter",
			Start: time.Date(2026, 4, 3, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 4, 7, 0, 0, 0, 0, time.UTC), AllDay: true,
			Labels: []model.Label{{Name: "Family"}}, Created: clock, Modified: clock,
		},
		{
			UID: "entry@rota", Kind: model.KindTimeEntry, Component: "VEVENT", Title: "Support",
			Start: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC),
			Person: "ann", Activity: "support", Client: "ACME", Link: "appt-1", Billable: true, Free: true, Break: true,
			Created: clock, Modified: clock,
		},
		{
			UID: "task@rota", Kind: model.KindTask, Component: "VTODO", Title: "Order stock",
			Due: time.Date(2026, 3, 5, 17, 0, 0, 0, time.UTC), Status: model.StatusCompleted,
			Completed: time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC), PercentComplete: 100, Created: clock, Modified: clock,
		},
		{
			UID: "allday-task@rota", Kind: model.KindTask, Component: "VTODO", Title: "Birthday card",
			Due: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), AllDay: true, Created: clock, Modified: clock,
		},
		{
			UID: "floating@rota", Kind: model.KindShift, Component: "VEVENT", Title: "Early shift",
			Start: time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC), Floating: true,
			Created: clock, Modified: clock,
		},
	}
	opt := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
	for _, ev := range cases {
		t.Run(ev.UID, func(t *testing.T) {
			o, err := New(ev)
			if err != nil {
				t.Fatal(err)
			}
			checkFolded(t, o.Data)
			checkGoICal(t, o)
			evs, err := Events(o.Data)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 {
				t.Fatalf("%d events", len(evs))
			}
			want := ev
			if want.Sequence == 0 {
				want.Sequence = 0
			}
			if diff := cmp.Diff(want, evs[0], opt); diff != "" {
				t.Errorf("Events(New(ev)) differs (-want +got):\n%s\n%s", diff, o.Data)
			}
			if o.Summary != ev.Title || o.UID != ev.UID {
				t.Errorf("object %q %q", o.UID, o.Summary)
			}
			if ev.TZID != "" && !strings.Contains(string(o.Data), "BEGIN:VTIMEZONE\r\nTZID:"+ev.TZID) {
				t.Errorf("no VTIMEZONE:\n%s", o.Data)
			}
		})
	}
}

func TestNewFillsUID(t *testing.T) {
	o, err := New(model.Event{Title: "x", Start: clock, End: clock.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if o.UID == "" || o.Component != "VEVENT" {
		t.Errorf("got %+v", o)
	}
	if _, err := New(model.Event{Title: "x", Start: clock, End: clock.Add(-time.Hour)}); err == nil {
		t.Errorf("end before start accepted")
	}
}

func TestApplyKeepsUnknown(t *testing.T) {
	objs := decodeFile(t, "outlook_windows_tz.ics")
	o := objs["040000008200E00074C5B7101A82E00800000000"]
	evs, err := Events(o.Data)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || !evs[1].RecurrenceID.Equal(time.Date(2025, 2, 3, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("events %+v", evs)
	}
	ev := evs[0]
	if ev.TZID != "Europe/Berlin" || ev.Organizer == nil || ev.Organizer.Name != "Alice, Smith" ||
		len(ev.Participants) != 1 || ev.Participants[0].Email != "bob@example.com" || !ev.Participants[0].RSVP ||
		len(ev.Reminders) != 1 || ev.Reminders[0].Before != 15*time.Minute || ev.Priority != 5 ||
		ev.Recurrence == nil || len(ev.Recurrence.ExDates) != 2 {
		t.Fatalf("master event %+v", ev)
	}
	// Edit the title and one attendee's answer, move it an hour.
	ev.Title = "Jour fixe"
	ev.Participants[0].Status = model.InviteDeclined
	ev.Participants = append(ev.Participants, model.Participant{Email: "carol@example.com", Name: "Carol"})
	ev.Start = ev.Start.Add(time.Hour)
	ev.End = ev.End.Add(time.Hour)
	ev.Modified = clock
	n, err := Apply(o.Data, ev)
	if err != nil {
		t.Fatal(err)
	}
	d := string(n.Data)
	for _, want := range []string{"X-MICROSOFT-CDO-BUSYSTATUS:BUSY", "SUMMARY;LANGUAGE=de-de:Jour fixe", "X-NUM-GUESTS=0",
		"PARTSTAT=DECLINED", "CN=Carol", "DTSTART;TZID=W. Europe Standard Time:20250113T110000",
		"TZID:W. Europe Standard Time", "SEQUENCE:1", "DTSTAMP:20260301T120000Z", "LAST-MODIFIED:20260301T120000Z",
		"RECURRENCE-ID;TZID=W. Europe Standard Time:20250203T100000", "TRIGGER:-PT15M"} {
		if !strings.Contains(d, want) {
			t.Errorf("Data lacks %q:\n%s", want, d)
		}
	}
	if n.Summary != "Jour fixe" || n.Timing.Start.Hour() != 11 || len(n.Timing.Overrides) != 1 {
		t.Errorf("object %+v", n)
	}
	checkGoICal(t, n)
	// Unchanged fields are not rewritten at all: applying the same event
	// changes only SEQUENCE, DTSTAMP and LAST-MODIFIED.
	evs2, _ := Events(n.Data)
	same := evs2[0]
	same.Modified = clock
	n2, err := Apply(n.Data, same)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Replace(string(n2.Data), "SEQUENCE:2", "SEQUENCE:1", 1); got != d {
		t.Errorf("a no-op Apply changed Data:\n%s\nwas\n%s", n2.Data, d)
	}
}

func TestApplyAddsOverrideAndRemoveInstance(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	o, err := New(model.Event{UID: "series", Title: "Standup", Start: start, End: start.Add(15 * time.Minute),
		Recurrence: &model.Recurrence{RRule: "FREQ=DAILY;COUNT=5"}, Modified: clock})
	if err != nil {
		t.Fatal(err)
	}
	rid := start.AddDate(0, 0, 2)
	ov := model.Event{UID: "series", RecurrenceID: rid, Title: "Standup (late)", Start: rid.Add(time.Hour), End: rid.Add(75 * time.Minute), Modified: clock}
	o, err = Apply(o.Data, ov)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Timing.Overrides) != 1 || !o.Timing.Overrides[0].Start.Equal(rid.Add(time.Hour)) || o.Timing.Overrides[0].Summary != "Standup (late)" {
		t.Fatalf("override %+v\n%s", o.Timing.Overrides, o.Data)
	}
	if strings.Count(string(o.Data), "RRULE") != 1 || !strings.Contains(string(o.Data), "RECURRENCE-ID:20260304T090000Z") {
		t.Errorf("override copied the RRULE or lacks RECURRENCE-ID:\n%s", o.Data)
	}
	o, err = RemoveInstance(o.Data, rid)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Timing.Overrides) != 0 || len(o.Timing.ExDates) != 1 || !o.Timing.ExDates[0].Equal(rid) {
		t.Errorf("after remove: %+v\n%s", o.Timing, o.Data)
	}
	if _, err := Apply(o.Data, model.Event{UID: "other", Title: "x", Start: start, End: start}); err == nil {
		t.Errorf("Apply accepted another UID")
	}
}

func TestEncodeMergesZones(t *testing.T) {
	a := decodeFile(t, "outlook_windows_tz.ics")
	b := decodeFile(t, "zones_and_kinds.ics")
	var objs []model.Object
	for _, m := range []map[string]model.Object{a, b} {
		for _, o := range m {
			objs = append(objs, o)
		}
	}
	n, _ := New(model.Event{UID: "ny", Title: "NY", Start: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC), TZID: "America/New_York"})
	objs = append(objs, n, n)
	var sb strings.Builder
	if err := Encode(&sb, objs[:len(objs)-1], "Team, work"); err != nil {
		t.Fatal(err)
	}
	out := sb.String()
	if strings.Count(out, "TZID:America/New_York\r\n") != 1 || !strings.Contains(out, `X-WR-CALNAME:Team\, work`) {
		t.Errorf("zones not merged or name missing:\n%s", out)
	}
	back, err := Decode(strings.NewReader(out))
	if err != nil || len(back) != len(objs)-1 {
		t.Fatalf("re-import: %d objects, %v", len(back), err)
	}
}

func TestApplyKeepsAlarmsAndDurationForm(t *testing.T) {
	in := head + "BEGIN:VEVENT\r\nUID:d\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20250301T100000\r\nDURATION:PT1H\r\n" +
		"X-ROTA-KIND:holiday\r\nCATEGORIES:holiday,Family\r\nCATEGORIES;X-ROTA-LABEL-COLOR=#00ff00:Green\r\n" +
		"BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER;VALUE=DATE-TIME:20250301T080000Z\r\nX-APPLE-DEFAULT-ALARM:TRUE\r\nEND:VALARM\r\n" +
		"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:soon\r\nTRIGGER;RELATED=START:-PT10M\r\nEND:VALARM\r\n" +
		"END:VEVENT\r\nEND:VCALENDAR\r\n"
	o, err := DecodeObject([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := Events(o.Data)
	if err != nil {
		t.Fatal(err)
	}
	ev := evs[0]
	wantLabels := []model.Label{{Name: "Family"}, {Name: "Green", Color: "#00ff00"}}
	if ev.Kind != model.KindHoliday || !cmp.Equal(ev.Labels, wantLabels) || len(ev.Reminders) != 1 || ev.Reminders[0].Before != 10*time.Minute {
		t.Fatalf("event %+v", ev)
	}
	ev.Reminders = []model.Reminder{{Before: time.Hour, Action: "DISPLAY", Description: "an hour"}}
	ev.End = ev.End.Add(30 * time.Minute)
	ev.Labels = append(ev.Labels, model.Label{Name: "New"})
	ev.Modified = clock
	n, err := Apply(o.Data, ev)
	if err != nil {
		t.Fatal(err)
	}
	d := string(n.Data)
	for _, want := range []string{"DURATION:PT1H30M", "TRIGGER;VALUE=DATE-TIME:20250301T080000Z", "X-APPLE-DEFAULT-ALARM:TRUE",
		"TRIGGER:-PT1H", "CATEGORIES:holiday,Family\r\nCATEGORIES;X-ROTA-LABEL-COLOR=#00ff00:Green\r\nCATEGORIES:New"} {
		if !strings.Contains(d, want) {
			t.Errorf("Data lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "DTEND") || strings.Contains(d, "-PT10M") {
		t.Errorf("DTEND added or old alarm kept:\n%s", d)
	}
	back, _ := Events(n.Data)
	if !cmp.Equal(back[0].Labels, ev.Labels) || back[0].Kind != model.KindHoliday {
		t.Errorf("labels %+v kind %q", back[0].Labels, back[0].Kind)
	}
}

func TestApplyTask(t *testing.T) {
	o, err := New(model.Event{UID: "t", Kind: model.KindTask, Title: "Call", Due: clock, Modified: clock})
	if err != nil {
		t.Fatal(err)
	}
	if o.Component != "VTODO" || !strings.Contains(string(o.Data), "DUE:20260301T120000Z") {
		t.Fatalf("%s", o.Data)
	}
	evs, _ := Events(o.Data)
	ev := evs[0]
	ev.Status, ev.Completed, ev.PercentComplete = model.StatusCompleted, clock, 100
	n, err := Apply(o.Data, ev)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"STATUS:COMPLETED", "COMPLETED:20260301T120000Z", "PERCENT-COMPLETE:100", "SEQUENCE:1"} {
		if !strings.Contains(string(n.Data), want) {
			t.Errorf("lacks %q:\n%s", want, n.Data)
		}
	}
	checkGoICal(t, n)
}

// A TZID the file uses without defining it (Outlook's Windows names,
// Evolution's prefixed names) gets a generated VTIMEZONE on export, as
// RFC 5545 section 3.2.19 requires for every TZID used, with the TZID
// spelled as the events spell it.
func TestEncodeDefinesWindowsAndPrefixedZones(t *testing.T) {
	in := head +
		"BEGIN:VEVENT\r\nUID:w\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Pacific Standard Time:20261020T100000\r\nDTEND;TZID=Pacific Standard Time:20261020T110000\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:e\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=/freeassociation.sourceforge.net/Europe/Berlin:20261023T080000\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	objs, err := Decode(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if err := Encode(&sb, objs, ""); err != nil {
		t.Fatal(err)
	}
	out := sb.String()
	for _, id := range []string{"Pacific Standard Time", "/freeassociation.sourceforge.net/Europe/Berlin"} {
		if strings.Count(out, "BEGIN:VTIMEZONE\r\nTZID:"+id+"\r\n") != 1 {
			t.Errorf("no VTIMEZONE for TZID %q:\n%s", id, out)
		}
	}
	back, err := Decode(strings.NewReader(out))
	if err != nil || len(back) != 2 {
		t.Fatalf("re-import: %d objects, %v", len(back), err)
	}
	for i := range back {
		if !back[i].Timing.Start.Equal(objs[i].Timing.Start) {
			t.Errorf("%s: start %v after round trip, was %v", back[i].UID, back[i].Timing.Start, objs[i].Timing.Start)
		}
	}
}
