package main

import (
	"errors"
	"fmt"
	"time"

	"rota/model"
	"rota/model/ics"
	"rota/planner"
)

const demoUsage = "[--open]"

// cmdDemo runs `rota demo`: it fills the store with a small team's
// realistic week of data drawn from the seeds (appointments with
// participants, rooms and equipment, shifts, block slots, downtime,
// holidays and leave, a group-class schedule, tasks, time entries), dated
// around today. Every object has a fixed UID and is upserted, so running it
// again refreshes the data without duplicating it.
func cmdDemo(e *env, args []string) error {
	fs := e.newFlags("demo", demoUsage)
	open := fs.Bool("open", false, "open the TUI on the store afterwards")
	if rest, err := e.parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("demo: unexpected argument %q (usage: rota demo %s)", rest[0], demoUsage)
	}
	d := newDemo(e.now(), e.zone, e.user)
	if err := e.demoDirectory(d); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	cals := d.calendars()
	total, created := 0, 0
	var studio model.Calendar
	for _, dc := range cals {
		cal, err := e.ensureCalendar(dc.cal)
		if err != nil {
			return fmt.Errorf("demo: calendar %s: %w", dc.cal.Name, err)
		}
		objs := make([]model.Object, 0, len(dc.objects))
		for _, ob := range dc.objects {
			if dc.cal.Kind == model.CalendarTimesheet {
				// Time entries are written once: their day may be approved.
				if _, err := e.store.ObjectByUID(e.ctx, cal.ID, ob.master.UID); err == nil {
					total++
					continue
				}
			}
			o, err := ob.encode()
			if err != nil {
				return fmt.Errorf("demo: %s: %w", ob.master.UID, err)
			}
			o.CalendarID = cal.ID
			o.Name = ics.ObjectName(o.UID)
			objs = append(objs, o)
		}
		if dc.cal.Kind == model.CalendarSchedule {
			studio = cal
		}
		if len(objs) == 0 {
			continue
		}
		c, _, err := e.store.PutObjects(e.ctx, cal.ID, objs)
		if err != nil {
			return fmt.Errorf("demo: calendar %s: %w", cal.Name, err)
		}
		total += len(objs)
		created += c
	}
	if err := e.demoSchedule(d, studio); err != nil {
		return fmt.Errorf("demo: schedule: %w", err)
	}
	if err := e.demoApprovals(d); err != nil {
		return fmt.Errorf("demo: timesheet approvals: %w", err)
	}
	fmt.Fprintf(e.stdout, "demo: %d people, %d rooms and equipment, %d calendars, %d objects (%d new, %d refreshed) and a schedule in %s\n",
		len(demoPeople), len(demoResources), len(cals), total, created, total-created, e.storePath)
	if *open {
		return cmdTUI(e, nil)
	}
	fmt.Fprintf(e.stdout, "look at it: rota --store %s    (or: rota --store %s list)\n", e.storePath, e.storePath)
	return nil
}

// ensureCalendar returns e.user's calendar named c.Name, creating it from c.
func (e *env) ensureCalendar(c model.Calendar) (model.Calendar, error) {
	got, err := e.store.Calendar(e.ctx, c.Owner, c.Name)
	if err == nil {
		return got, nil
	}
	if !errors.Is(err, model.ErrNotFound) {
		return got, err
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	err = e.store.CreateCalendar(e.ctx, &c)
	return c, err
}

// demoObject is a master event and its overrides (moved, retitled or
// cancelled instances).
type demoObject struct {
	master    model.Event
	overrides []model.Event
}

// encode builds the object through the codec, so the demo exercises it.
func (d demoObject) encode() (model.Object, error) {
	o, err := ics.New(d.master)
	if err != nil {
		return o, err
	}
	for _, ov := range d.overrides {
		ov.UID = d.master.UID
		if o, err = ics.Apply(o.Data, ov); err != nil {
			return o, fmt.Errorf("override %s: %w", ov.RecurrenceID.Format(time.RFC3339), err)
		}
	}
	return o, nil
}

type demoCalendar struct {
	cal     model.Calendar
	objects []demoObject
}

// demo builds the data relative to today in the demo's zone.
type demo struct {
	owner  string
	zone   string         // IANA name written as TZID
	loc    *time.Location // zone
	today  time.Time      // midnight
	monday time.Time      // midnight of the Monday of the demo's week

	sheetDays []model.LocalDate // days of Ben's time entries, newest first
}

// newDemo dates the demo around now in zone (an IANA name; "" is UTC).
func newDemo(now time.Time, zone, owner string) *demo {
	d := &demo{owner: owner, zone: zone}
	d.loc, _ = model.LoadZone(d.zone)
	if d.zone == "" || d.loc == nil {
		d.zone, d.loc = "UTC", time.UTC
	}
	y, m, day := now.In(d.loc).Date()
	d.today = time.Date(y, m, day, 0, 0, 0, 0, d.loc)
	// The demo's week is this one, or the next on a weekend, so that the
	// default `rota list` window shows a working week.
	d.monday = d.today.AddDate(0, 0, -((int(d.today.Weekday()) + 6) % 7))
	if wd := d.today.Weekday(); wd == time.Saturday || wd == time.Sunday {
		d.monday = d.monday.AddDate(0, 0, 7)
	}
	return d
}

// at is day (relative to this week's Monday) at hh:mm in the demo's zone.
func (d *demo) at(day, hh, mm int) time.Time {
	t := d.monday.AddDate(0, 0, day)
	return time.Date(t.Year(), t.Month(), t.Day(), hh, mm, 0, 0, d.loc)
}

// date is the all-day value of a day relative to this week's Monday: the
// wall-clock midnight in UTC, as model.Timing keeps dates.
func (d *demo) date(day int) time.Time {
	t := d.monday.AddDate(0, 0, day)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// timed returns a timed event of kind in the demo's zone.
func (d *demo) timed(uid, title string, kind model.EventKind, start time.Time, length time.Duration) model.Event {
	return model.Event{UID: uid, Kind: kind, Component: "VEVENT", Title: title, Start: start, End: start.Add(length),
		TZID: d.zone, Status: model.StatusConfirmed}
}

// allDay returns an all-day event of kind covering days [from, from+n).
func (d *demo) allDay(uid, title string, kind model.EventKind, from, n int) model.Event {
	return model.Event{UID: uid, Kind: kind, Component: "VEVENT", Title: title, Start: d.date(from), End: d.date(from + n),
		AllDay: true, Status: model.StatusConfirmed}
}

// The team, rooms and equipment of the demo.
var (
	ana   = model.Participant{Name: "Ana García", Email: "ana@example.com", Type: model.TypeIndividual}
	ben   = model.Participant{Name: "Ben Okafor", Email: "ben@example.com", Type: model.TypeIndividual}
	chloe = model.Participant{Name: "Chloé Martin", Email: "chloe@example.com", Type: model.TypeIndividual}
	dev   = model.Participant{Name: "Dev Patel", Email: "dev@example.com", Type: model.TypeIndividual}
	// Rooms and equipment are attendees with CUTYPE=ROOM / RESOURCE and
	// named in RESOURCES.
	roomEverest = model.Participant{Name: "Room Everest", Email: "everest@rooms.example.com", Type: model.TypeRoom, Role: model.RoleNonParticipant, Status: model.InviteAccepted}
	projector   = model.Participant{Name: "Projector 1", Email: "projector-1@equipment.example.com", Type: model.TypeResource, Role: model.RoleNonParticipant, Status: model.InviteAccepted}
)

// as returns p with a role and an answer.
func as(p model.Participant, role model.Role, st model.Invitation) model.Participant {
	p.Role, p.Status = role, st
	p.RSVP = st == model.InviteNeedsAction
	return p
}

// Labels with colours (LeadConnector / Altegio tags, SuperOffice task types).
var (
	labelInternal = model.Label{Name: "internal", Color: "#8250DF"}
	labelClient   = model.Label{Name: "client", Color: "#D29922"}
	labelSupport  = model.Label{Name: "support", Color: "#1F6FEB"}
	labelYoga     = model.Label{Name: "yoga", Color: "#2DA44E"}
	labelLeave    = model.Label{Name: "leave", Color: "#CF222E"}
)

func (d *demo) calendars() []demoCalendar {
	return []demoCalendar{d.work(), d.shifts(), d.holidays(), d.studio(), d.tasks(), d.timesheet()}
}

func (d *demo) cal(name, display, color string, kind model.CalendarKind, person string, comps ...string) model.Calendar {
	return model.Calendar{Owner: d.owner, Name: name, DisplayName: display, Color: color, Kind: kind, TimeZone: d.zone,
		Person: person, Components: comps}
}

// work: appointments (SuperOffice, LeadConnector, HaloPSA).
func (d *demo) work() demoCalendar {
	c := demoCalendar{cal: d.cal("work", "Work", "#1F6FEB", model.CalendarEvents, "")}
	c.cal.Description = "Appointments of the team: stand-ups, client meetings, site visits."
	c.cal.DefaultReminders = []model.Reminder{{Before: 10 * time.Minute, Action: "DISPLAY"}}

	// A daily stand-up over four weeks before and eight after this week,
	// with one moved and one cancelled instance (RECURRENCE-ID overrides)
	// and one removed (EXDATE).
	standup := d.timed("demo-standup@rota.example", "Team stand-up", model.KindAppointment, d.at(-28, 9, 15), 15*time.Minute)
	standup.Organizer = &ana
	standup.Participants = []model.Participant{as(ana, model.RoleChair, model.InviteAccepted), as(ben, model.RoleRequired, model.InviteAccepted),
		as(chloe, model.RoleRequired, model.InviteAccepted), as(dev, model.RoleOptional, model.InviteTentative)}
	standup.Location = "Room Everest"
	standup.Labels = []model.Label{labelInternal}
	standup.Reminders = []model.Reminder{{Before: 5 * time.Minute, Action: "DISPLAY", Description: "Stand-up in 5 minutes"}}
	standup.Recurrence = &model.Recurrence{
		RRule:   "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=" + d.at(7*8+4, 9, 15).UTC().Format("20060102T150405Z"),
		ExDates: []time.Time{d.at(7+4, 9, 15)}, // next Friday: team offsite
	}
	moved := standup
	moved.Recurrence, moved.Reminders = nil, nil
	moved.RecurrenceID = d.at(2, 9, 15) // this Wednesday, after the all-hands
	moved.Start, moved.End = d.at(2, 10, 30), d.at(2, 10, 45)
	moved.Title = "Team stand-up (after the all-hands)"
	moved.Sequence = 1
	cancelled := standup
	cancelled.Recurrence, cancelled.Reminders = nil, nil
	cancelled.RecurrenceID = d.at(7+1, 9, 15) // next Tuesday
	cancelled.Start, cancelled.End = d.at(7+1, 9, 15), d.at(7+1, 9, 30)
	cancelled.Status = model.StatusCancelled
	cancelled.Sequence = 1
	c.objects = append(c.objects, demoObject{master: standup, overrides: []model.Event{moved, cancelled}})

	review := d.timed("demo-northwind-review@rota.example", "Quarterly review with Northwind", model.KindAppointment, d.at(1, 14, 0), 90*time.Minute)
	review.Description = "Review of the third quarter's support tickets and the renewal."
	review.Agenda = "1. Ticket statistics\n2. Open escalations\n3. Renewal and pricing"
	review.Location = "Room Everest, 2nd floor"
	review.Organizer = &ben
	review.Participants = []model.Participant{
		as(ben, model.RoleChair, model.InviteAccepted),
		as(model.Participant{Name: "María López (Northwind)", Email: "maria.lopez@northwind.example", Type: model.TypeIndividual}, model.RoleRequired, model.InviteNeedsAction),
		as(chloe, model.RoleRequired, model.InviteDeclined),
		as(ana, model.RoleOptional, model.InviteTentative),
		roomEverest, projector,
	}
	review.Resources = []string{"everest", "projector-1"}
	review.Labels = []model.Label{labelClient}
	review.Priority = 2
	review.Reminders = []model.Reminder{{Before: 15 * time.Minute, Action: "DISPLAY"}, {Before: 24 * time.Hour, Action: "EMAIL", Description: "Northwind review tomorrow"}}
	review.Notes = []model.Note{{Text: "Bring the Q3 numbers and the renewal offer."}, {Text: "María asked for the escalation list beforehand."}}
	c.objects = append(c.objects, demoObject{master: review})

	vendor := d.timed("demo-vendor-call@rota.example", "Vendor call: phone system", model.KindAppointment, d.at(1, 15, 0), 30*time.Minute)
	vendor.Organizer = &ben
	vendor.Conflict = true // saved although it clashes with the review
	vendor.Status = model.StatusTentative
	c.objects = append(c.objects, demoObject{master: vendor})

	dentist := d.timed("demo-dentist@rota.example", "Dentist", model.KindAppointment, d.at(2, 8, 0), 45*time.Minute)
	dentist.Privacy = model.PrivacyPrivate
	dentist.Organizer = &ana
	c.objects = append(c.objects, demoObject{master: dentist})

	visit := d.timed("demo-contoso-visit@rota.example", "Site visit: Contoso warehouse", model.KindAppointment, d.at(3, 10, 15), 75*time.Minute)
	visit.Location = "Contoso Ltd, Harbour Road 12"
	visit.Organizer = &dev
	visit.Participants = []model.Participant{as(dev, model.RoleChair, model.InviteAccepted), as(ben, model.RoleRequired, model.InviteAccepted)}
	// Travel there and back: blocked from the end of the stand-up to the
	// start of Dev's late shift.
	visit.LeadTime, visit.LagTime = 45*time.Minute, 30*time.Minute
	visit.Labels = []model.Label{labelClient}
	c.objects = append(c.objects, demoObject{master: visit})

	lunch := d.timed("demo-lunch@rota.example", "Lunch with Chloé", model.KindAppointment, d.at(4, 12, 30), time.Hour)
	lunch.Free = true
	lunch.Status = model.StatusTentative
	c.objects = append(c.objects, demoObject{master: lunch})

	oneOnOne := d.timed("demo-1on1@rota.example", "1:1 Ana / Ben", model.KindAppointment, d.at(-14, 8, 30), 30*time.Minute)
	oneOnOne.Organizer = &ana
	oneOnOne.Participants = []model.Participant{as(ana, model.RoleChair, model.InviteAccepted), as(ben, model.RoleRequired, model.InviteAccepted)}
	oneOnOne.Recurrence = &model.Recurrence{RRule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=10"}
	c.objects = append(c.objects, demoObject{master: oneOnOne})

	conf := d.allDay("demo-conference@rota.example", "Conference: GopherCon EU", model.KindAppointment, 7*3+1, 3)
	conf.Location = "Berlin"
	conf.Participants = []model.Participant{as(dev, model.RoleRequired, model.InviteAccepted)}
	c.objects = append(c.objects, demoObject{master: conf})
	return c
}

// shifts: HaloPSA shifts, LeadConnector block slots, downtime.
func (d *demo) shifts() demoCalendar {
	c := demoCalendar{cal: d.cal("shifts", "Support shifts", "#2DA44E", model.CalendarEvents, "", "VEVENT")}
	until := ";UNTIL=" + d.at(7*12, 0, 0).UTC().Format("20060102T150405Z")

	early := d.timed("demo-shift-ben@rota.example", "Support shift: Ben (early)", model.KindShift, d.at(-7, 9, 30), 8*time.Hour)
	early.Organizer = &ben
	early.Labels = []model.Label{labelSupport}
	early.Recurrence = &model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=MO,WE,FR" + until}
	swap := early // Ben swapped this Wednesday with Dev
	swap.Recurrence = nil
	swap.RecurrenceID = d.at(2, 9, 30)
	swap.Start, swap.End = d.at(2, 9, 30), d.at(2, 17, 30)
	swap.Title = "Support shift: Dev (swapped with Ben)"
	swap.Organizer = &dev
	c.objects = append(c.objects, demoObject{master: early, overrides: []model.Event{swap}})

	late := d.timed("demo-shift-dev@rota.example", "Support shift: Dev (late)", model.KindShift, d.at(-6, 12, 0), 8*time.Hour)
	late.Organizer = &dev
	late.Labels = []model.Label{labelSupport}
	late.Recurrence = &model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=TU,TH" + until}
	c.objects = append(c.objects, demoObject{master: late})

	focus := d.timed("demo-block-focus@rota.example", "Blocked: focus time", model.KindBlock, d.at(-3, 13, 0), 4*time.Hour)
	focus.Organizer = &chloe
	focus.Recurrence = &model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=FR" + until}
	c.objects = append(c.objects, demoObject{master: focus})

	down := d.timed("demo-downtime-db@rota.example", "Downtime: database upgrade", model.KindDowntime, d.at(5, 22, 0), 4*time.Hour)
	down.Description = "Ticketing system read-only while the database is upgraded."
	down.Priority = 1
	c.objects = append(c.objects, demoObject{master: down})
	return c
}

// holidays: public holidays and leave, all-day and busy (HaloPSA).
func (d *demo) holidays() demoCalendar {
	c := demoCalendar{cal: d.cal("holidays", "Holidays and leave", "#CF222E", model.CalendarEvents, "", "VEVENT")}
	xmas := model.Event{UID: "demo-christmas@rota.example", Kind: model.KindHoliday, Component: "VEVENT", Title: "Christmas Day",
		Start: time.Date(2020, 12, 25, 0, 0, 0, 0, time.UTC), End: time.Date(2020, 12, 26, 0, 0, 0, 0, time.UTC), AllDay: true,
		Recurrence: &model.Recurrence{RRule: "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25"}}
	newYear := xmas
	newYear.UID, newYear.Title = "demo-new-year@rota.example", "New Year's Day"
	newYear.Start, newYear.End = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 1, 2, 0, 0, 0, 0, time.UTC)
	newYear.Recurrence = &model.Recurrence{RRule: "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1"}
	c.objects = append(c.objects, demoObject{master: xmas}, demoObject{master: newYear})

	company := d.allDay("demo-company-day@rota.example", "Company day (office closed)", model.KindHoliday, 7+4, 1)
	leave := d.allDay("demo-leave-chloe@rota.example", "Chloé: annual leave", model.KindHoliday, 14, 5)
	leave.Organizer = &chloe
	leave.Labels = []model.Label{labelLeave}
	leave.Description = "Approved by Ana."
	sick := d.allDay("demo-sick-ben@rota.example", "Ben: sick leave", model.KindHoliday, -7+3, 1)
	sick.Organizer = &ben
	sick.Labels = []model.Label{labelLeave}
	c.objects = append(c.objects, demoObject{master: company}, demoObject{master: leave}, demoObject{master: sick})
	return c
}

// studio is the calendar of the group-class schedule; its occurrences are
// generated by the planner from demoSchedule.
func (d *demo) studio() demoCalendar {
	c := demoCalendar{cal: d.cal("studio", "Studio schedule", "#8250DF", model.CalendarSchedule, "", "VEVENT")}
	c.cal.Group = "Wellbeing"
	return c
}

// people are the demo's team members (Altegio masters, HaloPSA agents).
var demoPeople = []model.Person{
	{Name: "ana", DisplayName: "Ana García", Email: "ana@example.com", Specialization: "Team lead"},
	{Name: "ben", DisplayName: "Ben Okafor", Email: "ben@example.com", Specialization: "Support engineer"},
	{Name: "chloe", DisplayName: "Chloé Martin", Email: "chloe@example.com", Specialization: "Yoga teacher and office manager"},
	{Name: "dev", DisplayName: "Dev Patel", Email: "dev@example.com", Specialization: "Field technician"},
}

// demoResources are the rooms and equipment events book.
var demoResources = []model.Resource{
	{Name: "everest", Kind: model.ResourceRoom, Description: "Meeting room, 2nd floor", Capacity: 10, Active: true},
	{Name: "studio-a", Kind: model.ResourceRoom, Description: "Yoga studio, ground floor", Capacity: 12, Active: true},
	{Name: "projector-1", Kind: model.ResourceEquipment, Description: "Portable projectors", Quantity: 2, OutOfService: 1, Active: true},
}

// demoDirectory stores the team, the resources, working hours,
// availability, holidays and leave: upserts, so a second run changes
// nothing but the dates.
func (e *env) demoDirectory(d *demo) error {
	for _, p := range demoPeople {
		if err := e.store.PutPerson(e.ctx, p); err != nil {
			return err
		}
	}
	for _, r := range demoResources {
		if err := e.store.PutResource(e.ctx, r); err != nil {
			return err
		}
	}
	// Working hours: full time, and Chloé four days of six hours.
	part := model.WorkdayRule{Person: "chloe"}
	for wd := time.Monday; wd <= time.Thursday; wd++ {
		part.Hours[wd] = 6 * time.Hour
	}
	for _, w := range []model.WorkdayRule{model.StandardWorkday("ana"), model.StandardWorkday("ben"), part, model.StandardWorkday("dev")} {
		if err := e.store.PutWorkdayRule(e.ctx, w); err != nil {
			return err
		}
	}
	// A public holiday for everyone, Chloé's approved leave, Ben's sick day.
	offs := []model.DayOff{{Date: model.DateOf(d.date(7 + 4)), Reason: "Company day"},
		{Person: "ben", Date: model.DateOf(d.date(-7 + 3)), Reason: "Sick", Leave: true, Approved: true}}
	for i := 14; i < 19; i++ {
		offs = append(offs, model.DayOff{Person: "chloe", Date: model.DateOf(d.date(i)), Reason: "Annual leave", Leave: true, Approved: true})
	}
	for _, o := range offs {
		if err := e.store.PutDayOff(e.ctx, o); err != nil {
			return err
		}
	}
	// Availability: office hours, Chloé's mornings, her leave, a block slot.
	have, err := e.store.Availabilities(e.ctx, e.user)
	if err != nil {
		return err
	}
	for _, p := range demoPeople {
		a := model.Availability{Name: "hours-" + p.Name, Owner: e.user, Person: p.Name, TimeZone: d.zone}
		for wd := time.Monday; wd <= time.Friday; wd++ {
			iv := []model.DayInterval{{From: 9 * time.Hour, To: 12*time.Hour + 30*time.Minute}, {From: 13*time.Hour + 30*time.Minute, To: 17 * time.Hour}}
			if p.Name == "chloe" {
				if wd == time.Friday {
					continue
				}
				iv = []model.DayInterval{{From: 8 * time.Hour, To: 14 * time.Hour}}
			}
			a.Rules = append(a.Rules, model.AvailabilityRule{Weekday: wd, Intervals: iv})
		}
		switch p.Name {
		case "chloe":
			a.Absences = []model.Absence{{From: model.DateOf(d.date(14)), To: model.DateOf(d.date(18)), Reason: "Annual leave", Leave: true, State: model.AbsenceApproved}}
		case "dev":
			a.Blocks = []model.Block{{Start: d.at(3, 13, 0), End: d.at(3, 15, 0), Title: "Van service", Kind: model.KindBlock}}
		}
		for _, h := range have {
			if h.Name == a.Name {
				a.ID, a.Created = h.ID, h.Created
			}
		}
		if err := e.store.PutAvailability(e.ctx, &a); err != nil {
			return err
		}
	}
	return nil
}

// demoApprovals approves Ben's oldest timesheet day and submits the next:
// steps that leave a day already there as it is, so a second run passes.
func (e *env) demoApprovals(d *demo) error {
	n := len(d.sheetDays)
	if n < 2 {
		return nil
	}
	now := e.now()
	approve := func(a model.Approval) (model.Approval, error) {
		var err error
		switch a.Current() {
		case model.SheetApproved:
			return a, nil
		case model.SheetOpen, model.SheetRejected:
			if a, err = a.Submit("ben", now); err != nil {
				return a, err
			}
		}
		return a.Approve("ana", now)
	}
	submit := func(a model.Approval) (model.Approval, error) {
		if a.Current() != model.SheetOpen {
			return a, nil
		}
		return a.Submit("ben", now)
	}
	if _, err := e.store.UpdateApprovals(e.ctx, "ben", d.sheetDays[n-1], d.sheetDays[n-1], approve); err != nil {
		return err
	}
	_, err := e.store.UpdateApprovals(e.ctx, "ben", d.sheetDays[n-2], d.sheetDays[n-2], submit)
	return err
}

// demoSchedule creates (or moves to the current dates) an Altegio-style
// schedule of a group class, one weekly series per weekday with its
// teacher, capacity, label and room, has the planner generate it, and
// moves next Wednesday's class by hand (a RECURRENCE-ID override), which
// regeneration keeps.
func (e *env) demoSchedule(d *demo, cal model.Calendar) error {
	clients := []model.Participant{
		{Name: "Jo Baker", Email: "jo@clients.example", Type: model.TypeIndividual, Role: model.RoleRequired, Status: model.InviteAccepted},
		{Name: "Sam Lee", Email: "sam@clients.example", Type: model.TypeIndividual, Role: model.RoleRequired, Status: model.InviteAccepted},
		{Name: "Kim Novak", Email: "kim@clients.example", Type: model.TypeIndividual, Role: model.RoleRequired, Status: model.InviteNeedsAction, RSVP: true},
	}
	series := func(wd time.Weekday, person string, at time.Duration) model.WeekdaySeries {
		return model.WeekdaySeries{Weekday: wd, Person: person, Time: at, Duration: time.Hour, Break: 15 * time.Minute, Capacity: 8,
			Labels: []model.Label{labelYoga}, Resources: []string{"studio-a"}}
	}
	s := model.Schedule{Name: "yoga", Owner: e.user, CalendarID: cal.ID, EntityType: "activity", AddClients: true, TimeZone: d.zone,
		Template: model.ScheduleTemplate{Title: "Yoga (group)", Description: "Vinyasa flow for all levels. Mats provided.", Location: "Studio A", Clients: clients},
		Start:    model.DateOf(d.date(-7)), End: model.DateOf(d.date(7*8 + 6)),
		Series: []model.WeekdaySeries{series(time.Monday, "chloe", 7*time.Hour+30*time.Minute), series(time.Wednesday, "ana", 7*time.Hour+30*time.Minute),
			series(time.Friday, "chloe", 18*time.Hour+30*time.Minute)}}
	old, err := e.store.Schedule(e.ctx, e.user, s.Name)
	switch {
	case err == nil:
		s.ID, s.Created = old.ID, old.Created
		err = e.store.UpdateSchedule(e.ctx, &s)
	case errors.Is(err, model.ErrNotFound):
		err = e.store.CreateSchedule(e.ctx, &s)
	}
	if err != nil {
		return err
	}
	if _, err := planner.Regenerate(e.ctx, e.store, &s, e.now(), false, false); err != nil {
		return err
	}
	objs, err := e.store.ListObjects(e.ctx, cal.ID, true)
	if err != nil {
		return err
	}
	for _, o := range objs {
		evs, err := ics.Events(o.Data)
		if err != nil || len(evs) == 0 || !evs[0].RecurrenceID.IsZero() || evs[0].Start.Weekday() != time.Wednesday {
			continue
		}
		ov := evs[0]
		ov.Recurrence, ov.RecurrenceID = nil, d.at(9, 7, 30)
		ov.Start, ov.End = d.at(9, 8, 0), d.at(9, 9, 0)
		ov.Sequence++
		moved, err := ics.Apply(o.Data, ov)
		if err != nil {
			return err
		}
		moved.CalendarID, moved.Name = o.CalendarID, o.Name
		if _, err := e.store.PutObject(e.ctx, &moved, model.Condition{IfMatch: o.ETag}); err != nil {
			return err
		}
	}
	return nil
}

// tasks: a VTODO list (HaloPSA tasks, SuperOffice completed state).
func (d *demo) tasks() demoCalendar {
	c := demoCalendar{cal: d.cal("tasks", "Tasks", "#BF8700", model.CalendarTasks, "", "VTODO")}
	task := func(uid, title string, due time.Time, st model.Status, pct, prio int) model.Event {
		return model.Event{UID: uid, Kind: model.KindTask, Component: "VTODO", Title: title, Due: due, Status: st,
			PercentComplete: pct, Priority: prio, Organizer: &ana}
	}
	proposal := task("demo-task-proposal@rota.example", "Send Northwind the renewal proposal", d.at(1, 17, 0), model.StatusNeedsAction, 0, 1)
	proposal.Labels = []model.Label{labelClient}
	certs := task("demo-task-certs@rota.example", "Renew TLS certificates", d.at(4, 12, 0), model.StatusInProcess, 40, 3)
	certs.Organizer = &dev
	venue := task("demo-task-venue@rota.example", "Book a venue for the offsite", d.at(-1, 12, 0), model.StatusCompleted, 100, 5)
	venue.Completed = d.at(-2, 15, 20)
	bulb := task("demo-task-bulb@rota.example", "Order a spare projector bulb", time.Time{}, model.StatusNeedsAction, 0, 0)
	bulb.Description = "Projector 1 in Room Everest flickers."
	c.objects = append(c.objects, demoObject{master: proposal}, demoObject{master: certs}, demoObject{master: venue}, demoObject{master: bulb})
	return c
}

// timesheet: Ben's time entries of his last five working days (HaloPSA
// timesheet events: activity, client, billable, breaks), not on his sick
// day. UIDs carry the date: an entry once written is never moved to
// another day, so days approved by an earlier run stay untouched.
func (d *demo) timesheet() demoCalendar {
	c := demoCalendar{cal: d.cal("timesheet-ben", "Timesheet: Ben", "#57606A", model.CalendarTimesheet, "ben", "VEVENT")}
	sick := model.DateOf(d.date(-7 + 3))
	for back, days := 1, 0; back <= 14 && days < 5; back++ {
		t := d.today.AddDate(0, 0, -back)
		if t.Weekday() == time.Saturday || t.Weekday() == time.Sunday || model.DateOf(t) == sick {
			continue
		}
		days++
		at := func(hh, mm int) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), hh, mm, 0, 0, d.loc) }
		entries := []model.TimeEntry{
			{Activity: "Support tickets", Label: "support", Client: "Northwind", Start: at(8, 0), End: at(12, 15), Billable: true},
			{Start: at(12, 15), End: at(12, 45), Break: true},
			{Activity: "Phone system migration", Label: "project", Client: "Contoso", Start: at(12, 45), End: at(15, 30), Billable: true,
				Note: "Number porting and call flows."},
			{Activity: "Team stand-up and admin", Label: "internal", Start: at(15, 30), End: at(16, 30)},
		}
		if days == 2 {
			entries[2].Link = "demo-contoso-visit@rota.example"
		}
		for i, te := range entries {
			te.Person = "ben"
			te.UID = fmt.Sprintf("demo-ts-ben-%s-%d@rota.example", t.Format("20060102"), i+1)
			c.objects = append(c.objects, demoObject{master: te.Event()})
		}
		d.sheetDays = append(d.sheetDays, model.DateOf(t))
	}
	return c
}
