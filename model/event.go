package model

import "time"

// EventKind says what an event stands for in the seeds' domain. It is
// written as X-ROTA-KIND (and a matching CATEGORIES entry) in iCalendar.
type EventKind string

// Event kinds.
const (
	KindAppointment EventKind = "appointment" // all four seeds
	KindShift       EventKind = "shift"       // HaloPSA shift
	KindBlock       EventKind = "block"       // LeadConnector block slot
	KindHoliday     EventKind = "holiday"     // HaloPSA holiday / leave; all-day, busy
	KindDowntime    EventKind = "downtime"    // HaloPSA downtime
	KindTimeEntry   EventKind = "time_entry"  // HaloPSA timesheet event
	KindTask        EventKind = "task"        // VTODO
)

// Status is the lifecycle state of an event or task (STATUS).
type Status string

// Statuses from RFC 5545 section 3.8.1.11.
const (
	StatusNone        Status = ""
	StatusTentative   Status = "TENTATIVE"
	StatusConfirmed   Status = "CONFIRMED"
	StatusCancelled   Status = "CANCELLED"
	StatusNeedsAction Status = "NEEDS-ACTION" // VTODO
	StatusCompleted   Status = "COMPLETED"    // VTODO
	StatusInProcess   Status = "IN-PROCESS"   // VTODO
)

// Privacy is CLASS: who may see an event's details (SuperOffice Private).
type Privacy string

// Privacy levels.
const (
	PrivacyPublic       Privacy = "PUBLIC"
	PrivacyPrivate      Privacy = "PRIVATE"
	PrivacyConfidential Privacy = "CONFIDENTIAL"
)

// Event is one appointment-like thing: an appointment, shift, block slot,
// holiday, downtime, time entry or task. A recurring event is its master;
// overrides are Events with RecurrenceID set.
type Event struct {
	UID          string
	RecurrenceID time.Time // zero on the master or a non-recurring event
	Kind         EventKind
	Component    string // "VEVENT" or "VTODO"

	Title       string // SUMMARY
	Description string
	Agenda      string // SuperOffice agenda: X-ROTA-AGENDA
	Location    string

	Start    time.Time
	End      time.Time // exclusive; for all-day events the day after the last
	AllDay   bool
	Floating bool
	TZID     string // IANA name of Start's zone when it has one

	Status    Status
	Organizer *Participant // owner / assignee
	// Participants are attendees: people, rooms and equipment, clients.
	Participants []Participant
	Labels       []Label  // CATEGORIES, colours from X-ROTA-LABEL-COLOR
	Resources    []string // RESOURCES: names of model Resources
	Priority     int      // 0 undefined, 1 highest .. 9 lowest
	Privacy      Privacy
	Free         bool          // TRANSP:TRANSPARENT; busy otherwise
	LeadTime     time.Duration // blocked before Start (travel, preparation)
	LagTime      time.Duration // blocked after End
	Reminders    []Reminder
	Notes        []Note
	Recurrence   *Recurrence // nil when not recurring
	Capacity     int         // most clients a group event takes; 0 unlimited
	ScheduleID   string      // the schedule series that generated it
	Conflict     bool        // saved although it clashes (X-ROTA-CONFLICT)

	// Tasks (VTODO).
	Due             time.Time
	Completed       time.Time
	PercentComplete int

	// Time entries (HaloPSA timesheet events).
	Person   string // whose time
	Activity string
	Client   string
	Link     string // UID of the appointment or occurrence worked on
	Billable bool
	Break    bool

	Sequence int
	Created  time.Time
	Modified time.Time
}

// Recurrence is the rule part of a recurring master.
type Recurrence struct {
	RRule   string // RRULE value, e.g. "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301T000000Z"
	RDates  []Period
	ExDates []time.Time
}

// Role of a participant (ROLE).
type Role string

// Roles from RFC 5545 section 3.2.16.
const (
	RoleChair          Role = "CHAIR"
	RoleRequired       Role = "REQ-PARTICIPANT"
	RoleOptional       Role = "OPT-PARTICIPANT"
	RoleNonParticipant Role = "NON-PARTICIPANT"
)

// ParticipantType is CUTYPE: what kind of calendar user.
type ParticipantType string

// Participant types from RFC 5545 section 3.2.3.
const (
	TypeIndividual ParticipantType = "INDIVIDUAL"
	TypeGroup      ParticipantType = "GROUP"
	TypeResource   ParticipantType = "RESOURCE"
	TypeRoom       ParticipantType = "ROOM"
	TypeUnknown    ParticipantType = "UNKNOWN"
)

// Invitation is PARTSTAT: the participant's answer (SuperOffice
// InvitationStatus).
type Invitation string

// Invitation states from RFC 5545 section 3.2.12.
const (
	InviteNeedsAction Invitation = "NEEDS-ACTION"
	InviteAccepted    Invitation = "ACCEPTED"
	InviteDeclined    Invitation = "DECLINED"
	InviteTentative   Invitation = "TENTATIVE"
	InviteDelegated   Invitation = "DELEGATED"
)

// Participant is an ATTENDEE or the ORGANIZER.
type Participant struct {
	Name   string // CN
	Email  string // from the mailto: address
	Role   Role
	Type   ParticipantType
	Status Invitation
	RSVP   bool
}

// Label is a tag with a colour (LeadConnector/Altegio labels, SuperOffice
// task types).
type Label struct {
	Name  string
	Color string
}

// Reminder is a VALARM relative to the start (SuperOffice AlarmLeadTime,
// LeadConnector reminders).
type Reminder struct {
	Before      time.Duration // how long before the start; negative is after
	Action      string        // DISPLAY, AUDIO or EMAIL
	Description string
}

// Note is an appointment note (LeadConnector notes), kept as COMMENT.
type Note struct {
	Text string
}

// Validate checks an event's own rules; errors name the field.
func (e *Event) Validate() error {
	if e.UID == "" {
		return Invalid("uid", "required")
	}
	if e.Start.IsZero() && e.Component != "VTODO" {
		return Invalid("start", "required")
	}
	if !e.End.IsZero() && !e.Start.IsZero() && e.End.Before(e.Start) {
		return Invalid("end", "before start")
	}
	if e.AllDay && !e.End.IsZero() && e.End.Equal(e.Start) {
		return Invalid("end", "an all-day event lasts at least one day")
	}
	if e.Priority < 0 || e.Priority > 9 {
		return Invalid("priority", "%d is outside 0..9", e.Priority)
	}
	if e.PercentComplete < 0 || e.PercentComplete > 100 {
		return Invalid("percent complete", "%d is outside 0..100", e.PercentComplete)
	}
	if e.LeadTime < 0 {
		return Invalid("lead time", "negative")
	}
	if e.LagTime < 0 {
		return Invalid("lag time", "negative")
	}
	if e.Capacity < 0 {
		return Invalid("capacity", "negative")
	}
	if e.Capacity > 0 {
		clients := 0
		for _, p := range e.Participants {
			if p.Type == TypeIndividual || p.Type == "" {
				clients++
			}
		}
		if clients > e.Capacity {
			return Invalid("participants", "%d clients exceed the capacity of %d", clients, e.Capacity)
		}
	}
	for i, l := range e.Labels {
		if l.Name == "" {
			return Invalid("labels", "label %d has no name", i+1)
		}
		if l.Color != "" && !validColor(l.Color) {
			return Invalid("labels", "colour %q of %q is not #RRGGBB", l.Color, l.Name)
		}
	}
	return nil
}

// InstanceEvent picks from an object's events (master first, as the codec
// returns them) the one that describes the instance recID: its
// RECURRENCE-ID override, else the master. evs must not be empty.
func InstanceEvent(evs []Event, recID time.Time) Event {
	if !recID.IsZero() {
		for _, ev := range evs {
			if ev.RecurrenceID.Equal(recID) {
				return ev
			}
		}
	}
	for _, ev := range evs {
		if ev.RecurrenceID.IsZero() {
			return ev
		}
	}
	return evs[0]
}
