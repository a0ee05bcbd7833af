package model

import "time"

// Object is one calendar object resource, the unit of storage as in CalDAV:
// every component that shares a UID (a master and its RECURRENCE-ID
// overrides) kept as iCalendar text, so properties rota does not model
// survive. Summary and Timing are derived from Data by the codec
// (model/ics) so that stores can index without parsing iCalendar.
type Object struct {
	CalendarID int64
	Name       string // resource name in the collection, e.g. "abc.ics"
	UID        string
	Component  string // "VEVENT", "VTODO" or "VJOURNAL"
	Data       []byte // the whole VCALENDAR, as served to clients
	Summary    string // master SUMMARY, for lists and search
	Timing     Timing // what recurrence expansion and the index need

	// Line is where the object begins in the text it was decoded from
	// (0: unknown), for messages about it.
	Line int

	// Set by the store on write.
	ETag     string // opaque, ASCII; changes on every write
	Modified time.Time
}

// Timing is what a store must know of an object to answer range queries:
// the master's start and length, its recurrence rules and its overrides.
//
// Times carry their zone: a TZID value is a time in that IANA location
// (TZID names the location), a UTC value is in time.UTC, and floating and
// all-day values are wall-clock times stored in time.UTC with Floating or
// AllDay set; they are placed on the time line in a zone chosen at query
// time (the calendar's, or the viewer's).
type Timing struct {
	Start    time.Time
	TZID     string        // IANA name of Start's location; "" for UTC, floating or all-day
	Duration time.Duration // exact part of the length (DTEND-DTSTART, or DURATION's time part)
	Days     int           // nominal days of the length (all-day spans, DURATION's day/week part)
	AllDay   bool          // DTSTART is a DATE
	Floating bool          // DTSTART has neither TZID nor Z
	HasEnd   bool          // the component has DTEND, DURATION or DUE (VTODO)

	RRule   string   // RRULE value as written, "" when not recurring
	RDates  []Period // RDATE values; a zero Duration means the master's length
	ExDates []time.Time
	// Overrides are the RECURRENCE-ID components of the object.
	Overrides []Override
}

// Period is an RDATE value: a start and, for VALUE=PERIOD, a length.
type Period struct {
	Start    time.Time
	Duration time.Duration
}

// Override is a RECURRENCE-ID component: one instance moved, resized or
// cancelled (STATUS:CANCELLED), or with RANGE=THISANDFUTURE, every later
// one shifted by the same amount.
type Override struct {
	RecurrenceID  time.Time
	ThisAndFuture bool
	Start         time.Time
	Duration      time.Duration
	Days          int
	AllDay        bool
	Floating      bool
	TZID          string
	Cancelled     bool
	Summary       string // when the override retitles the instance
}

// Recurring reports whether the object has more than one instance.
func (t *Timing) Recurring() bool { return t.RRule != "" || len(t.RDates) > 0 }

// Instance is one occurrence of an object on the time line, as range
// queries return it. Start and End are absolute times (floating and
// all-day values placed in the zone of the query).
type Instance struct {
	CalendarID   int64
	ObjectName   string
	UID          string
	RecurrenceID time.Time // zero for a non-recurring object
	Start, End   time.Time
	AllDay       bool
	Floating     bool
	Overridden   bool // a RECURRENCE-ID component changed this instance
	Summary      string
}

// Range is a half-open window [From, To) on the time line. A zero From or
// To leaves that side open.
type Range struct {
	From, To time.Time
}

// Overlaps reports whether [start, end) overlaps the range, with RFC 4791
// section 9.9 semantics: a zero-length instance overlaps when it starts
// inside the window or exactly at its start.
func (r Range) Overlaps(start, end time.Time) bool {
	if end.Before(start) {
		end = start
	}
	if end.Equal(start) {
		return (r.From.IsZero() || !start.Before(r.From)) && (r.To.IsZero() || start.Before(r.To))
	}
	return (r.To.IsZero() || start.Before(r.To)) && (r.From.IsZero() || end.After(r.From))
}

// Condition guards a write as HTTP preconditions do.
type Condition struct {
	IfMatch     string // write only if the stored ETag equals this
	IfNoneMatch bool   // write only if nothing is stored (If-None-Match: *)
}

// ChangeOp says what a change-log entry did.
type ChangeOp string

// Change-log operations.
const (
	OpPut    ChangeOp = "put"
	OpDelete ChangeOp = "delete"
)

// Change is one entry of a calendar's change log: the object written or
// removed and the sync position after it. Deletes are tombstones.
type Change struct {
	Seq        int64
	CalendarID int64
	Name       string
	UID        string
	Op         ChangeOp
	ETag       string // of the stored object after a put
	When       time.Time
}
