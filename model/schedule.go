package model

import (
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"
	"time"
)

// dateAt is the instant of the wall-clock time clock (since midnight) on d
// in loc. A time that a DST gap skips is moved forward by the gap, as RFC
// 5545 section 3.3.5 asks.
func dateAt(d LocalDate, clock time.Duration, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	h := int(clock / time.Hour)
	m := int(clock % time.Hour / time.Minute)
	s := int(clock % time.Minute / time.Second)
	return time.Date(d.Year, d.Month, d.Day, h, m, s, 0, loc)
}

// daysBetween is the number of days from d to o (negative when o is earlier).
func daysBetween(d, o LocalDate) int {
	a := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
	b := time.Date(o.Year, o.Month, o.Day, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Round(24*time.Hour) / (24 * time.Hour))
}

var weekdayNames = [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
var weekdayICal = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// ParseWeekday reads a day of the week as the seeds write it: "mon".."sun"
// (Altegio), "monday" or "MO" (iCalendar BYDAY), in any case.
func ParseWeekday(s string) (time.Weekday, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	for i, n := range weekdayNames {
		if l == n || l == strings.ToLower(weekdayICal[i]) || l == strings.ToLower(time.Weekday(i).String()) {
			return time.Weekday(i), nil
		}
	}
	return 0, Invalid("day of week", "%q is not mon, tue, wed, thu, fri, sat or sun", s)
}

// WeekdayName is the seed's short name of a weekday: "mon".
func WeekdayName(d time.Weekday) string { return weekdayNames[d%7] }

// WeekdayICal is the BYDAY code of a weekday: "MO".
func WeekdayICal(d time.Weekday) string { return weekdayICal[d%7] }

// ParseClock reads a time of day "14:00", "14:00:00" as the time since midnight.
func ParseClock(s string) (time.Duration, error) {
	var h, m, sec int
	n, _ := fmt.Sscanf(s, "%d:%d:%d", &h, &m, &sec)
	if n < 2 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59 || len(s) < 4 {
		return 0, fmt.Errorf("time %q is not HH:MM or HH:MM:SS", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second, nil
}

// FormatClock writes a time since midnight as "14:00:00".
func FormatClock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second))
}

// Schedule is a weekly series of events generated from a template event
// between two dates (Altegio schedule, HaloPSA Schedule): one series per
// weekday, each with its team member, start time, duration, technical
// break, capacity, labels and resources.
type Schedule struct {
	ID    int64
	Name  string // handle, unique per owner: what `rota schedule show NAME` takes
	Owner string
	// CalendarID is the calendar of kind "schedule" the occurrences live in.
	CalendarID int64
	// EntityType is "activity" (a group event, the default) or "record" (an
	// individual appointment, capacity 1), as original_entity_type.
	EntityType string
	Template   ScheduleTemplate
	// AddClients copies the template's clients onto every occurrence
	// (add_clients_from_original_entity).
	AddClients bool
	TimeZone   string // IANA zone of the series' start times
	Start, End LocalDate
	Series     []WeekdaySeries
	Created    time.Time
	Modified   time.Time
}

// ScheduleTemplate is the original entity a schedule is based on.
type ScheduleTemplate struct {
	Title       string
	Description string
	Location    string
	Clients     []Participant
}

// WeekdaySeries is the series of one weekday (an Altegio "day").
type WeekdaySeries struct {
	Weekday   time.Weekday
	Person    string        // team member (events_master_id)
	Time      time.Duration // start since local midnight (events_time)
	Duration  time.Duration // events_duration, without the break
	Break     time.Duration // event_technical_break_duration, kept free after each event
	Capacity  int           // events_capacity; 1 for appointments
	Labels    []Label
	Resources []string
}

// MaxScheduleDays bounds how long a schedule runs, so generation stays cheap.
const MaxScheduleDays = 3 * 366

// Validate checks the schedule's rules; errors name the field.
func (s *Schedule) Validate() error {
	if err := validHandle("name", s.Name); err != nil {
		return err
	}
	switch s.EntityType {
	case "", "activity", "record":
	default:
		return Invalid("original entity type", "%q is not activity or record", s.EntityType)
	}
	if s.Template.Title == "" {
		return Invalid("title", "required: the template event's title")
	}
	if _, err := LoadZone(s.TimeZone); err != nil {
		return Invalid("time zone", "%v", err)
	}
	if s.Start.IsZero() {
		return Invalid("date start", "required")
	}
	if s.End.IsZero() {
		return Invalid("date end", "required")
	}
	if s.End.Before(s.Start) {
		return Invalid("date end", "%s is before the start %s", s.End, s.Start)
	}
	if n := daysBetween(s.Start, s.End); n > MaxScheduleDays {
		return Invalid("date end", "the schedule runs %d days; at most %d", n, MaxScheduleDays)
	}
	if len(s.Series) < 1 || len(s.Series) > 7 {
		return Invalid("days", "%d series; give 1 to 7, one per weekday", len(s.Series))
	}
	seen := map[time.Weekday]bool{}
	for _, d := range s.Series {
		f := "days." + WeekdayName(d.Weekday)
		if d.Weekday < time.Sunday || d.Weekday > time.Saturday {
			return Invalid("days", "weekday %d is outside 0..6", d.Weekday)
		}
		if seen[d.Weekday] {
			return Invalid(f, "two series on the same weekday")
		}
		seen[d.Weekday] = true
		if err := validHandle(f+".team member", d.Person); err != nil {
			return err
		}
		if d.Time < 0 || d.Time >= 24*time.Hour {
			return Invalid(f+".time", "%v is outside 00:00..23:59", d.Time)
		}
		if d.Duration <= 0 || d.Duration > 24*time.Hour {
			return Invalid(f+".duration", "%v is outside 1s..24h", d.Duration)
		}
		if d.Break < 0 {
			return Invalid(f+".technical break", "negative")
		}
		if d.Capacity < 1 {
			return Invalid(f+".capacity", "%d; give at least 1", d.Capacity)
		}
		if s.EntityType == "record" && d.Capacity != 1 {
			return Invalid(f+".capacity", "an appointment schedule has capacity 1, not %d", d.Capacity)
		}
		for _, l := range d.Labels {
			if l.Name == "" {
				return Invalid(f+".labels", "a label has no name")
			}
		}
	}
	return nil
}

// SeriesFor returns the series of a weekday, if the schedule has one.
func (s *Schedule) SeriesFor(d time.Weekday) (WeekdaySeries, bool) {
	for _, x := range s.Series {
		if x.Weekday == d {
			return x, true
		}
	}
	return WeekdaySeries{}, false
}

// OccurrenceState is where an occurrence stands, with the seed's names
// (Altegio event_status). A plan's occurrences carry event_created,
// event_changed, event_changed_force or event_deleted until the plan is
// written; what is read back from a calendar is stable or entity_deleted;
// entity_failed marks an occurrence a write refused.
type OccurrenceState string

// Occurrence states.
const (
	StateStable        OccurrenceState = "stable"
	StateCreated       OccurrenceState = "event_created"
	StateChanged       OccurrenceState = "event_changed"
	StateChangedForce  OccurrenceState = "event_changed_force"
	StateDeleted       OccurrenceState = "event_deleted"
	StateEntityDeleted OccurrenceState = "entity_deleted"
	StateFailed        OccurrenceState = "entity_failed"
)

// OccurrenceValues are the fields of an occurrence that a schedule plans
// and a person may change by hand.
type OccurrenceValues struct {
	Start     time.Time
	Duration  time.Duration
	Person    string
	Labels    []Label
	Resources []string
}

// ChangedFields says which values were changed by hand (Altegio
// is_entity_*_changed).
type ChangedFields struct {
	Person    bool `json:"is_entity_master_changed"`
	Time      bool `json:"is_entity_datetime_changed"`
	Duration  bool `json:"is_entity_duration_changed"`
	Labels    bool `json:"is_entity_labels_changed"`
	Resources bool `json:"is_entity_resource_instances_changed"`
}

// Any reports whether any field was changed.
func (c ChangedFields) Any() bool {
	return c.Person || c.Time || c.Duration || c.Labels || c.Resources
}

// Names lists the changed fields in words: "team member", "time",
// "duration", "labels", "resources".
func (c ChangedFields) Names() []string {
	var out []string
	for _, f := range []struct {
		on   bool
		name string
	}{{c.Person, "team member"}, {c.Time, "time"}, {c.Duration, "duration"}, {c.Labels, "labels"}, {c.Resources, "resources"}} {
		if f.on {
			out = append(out, f.name)
		}
	}
	return out
}

// Compare returns which of actual's fields differ from planned.
func Compare(planned, actual OccurrenceValues) ChangedFields {
	return ChangedFields{
		Person:    planned.Person != actual.Person,
		Time:      !planned.Start.Equal(actual.Start),
		Duration:  planned.Duration != actual.Duration,
		Labels:    !sameLabels(planned.Labels, actual.Labels),
		Resources: !sameSet(planned.Resources, actual.Resources),
	}
}

func sameLabels(a, b []Label) bool {
	an := make([]string, len(a))
	for i, l := range a {
		an[i] = strings.ToLower(l.Name)
	}
	bn := make([]string, len(b))
	for i, l := range b {
		bn[i] = strings.ToLower(l.Name)
	}
	return sameSet(an, bn)
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// ScheduleOccurrence is one generated event of a schedule: what was
// planned, what it actually is, and which fields were changed by hand.
// Date and Weekday identify it within the schedule.
type ScheduleOccurrence struct {
	ScheduleID int64
	Weekday    time.Weekday
	Date       LocalDate // planned local day
	Title      string
	Planned    OccurrenceValues // event_datetime and the series' values
	Actual     OccurrenceValues // entity_datetime, entity_duration...
	Capacity   int
	Break      time.Duration // technical break kept free after it (X-ROTA-LAG)
	Clients    []Participant // booked clients
	// Deleted is true when the instance was removed from the calendar
	// (EXDATE or a cancelled override) by hand.
	Deleted bool
	State   OccurrenceState
	// Changed is filled by Compare when the occurrence is read back or
	// planned.
	Changed ChangedFields
	// Where it lives in calendar data (set when read back).
	UID          string
	RecurrenceID time.Time
}

// HandChanged reports whether a person changed or deleted the occurrence.
func (o *ScheduleOccurrence) HandChanged() bool { return o.Deleted || o.Changed.Any() }

// Overbooked reports more clients than places: a write that skipped the
// capacity check (an old client, a hand-edited file) left it so.
func (o *ScheduleOccurrence) Overbooked() bool { return o.Capacity > 0 && len(o.Clients) > o.Capacity }

// End is the actual end.
func (o *ScheduleOccurrence) End() time.Time { return o.Actual.Start.Add(o.Actual.Duration) }

// Book adds clients to the occurrence, refusing to go beyond its capacity.
func (o *ScheduleOccurrence) Book(clients ...Participant) error {
	if o.Deleted {
		return Invalid("occurrence", "%s was deleted; nothing to book", o.Date)
	}
	if err := CheckCapacity(o.Capacity, len(o.Clients), len(clients)); err != nil {
		return fmt.Errorf("occurrence %s %s: %w", o.Date, FormatClock(clockOf(o.Actual.Start)), err)
	}
	o.Clients = append(o.Clients, clients...)
	return nil
}

// CheckCapacity refuses adding clients when booked+adding exceeds capacity
// (0 = unlimited). The error says how many places are left.
func CheckCapacity(capacity, booked, adding int) error {
	if capacity <= 0 || booked+adding <= capacity {
		return nil
	}
	left := capacity - booked
	if left < 0 {
		left = 0
	}
	return Invalid("capacity", "%d of %d places taken, %d left; cannot book %d more (raise the capacity or pick another occurrence)",
		booked, capacity, left, adding)
}

func clockOf(t time.Time) time.Duration {
	h, m, s := t.Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second
}

// Generate plans every occurrence of the schedule, sorted by start, in the
// state event_created.
func (s *Schedule) Generate() ([]ScheduleOccurrence, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	loc, _ := LoadZone(s.TimeZone)
	var out []ScheduleOccurrence
	for d := s.Start; !s.End.Before(d); d = d.AddDays(1) {
		ser, ok := s.SeriesFor(d.Weekday())
		if !ok {
			continue
		}
		out = append(out, s.planned(ser, d, loc))
	}
	return out, nil
}

func (s *Schedule) planned(ser WeekdaySeries, d LocalDate, loc *time.Location) ScheduleOccurrence {
	v := OccurrenceValues{
		Start:     dateAt(d, ser.Time, loc),
		Duration:  ser.Duration,
		Person:    ser.Person,
		Labels:    slices.Clone(ser.Labels),
		Resources: slices.Clone(ser.Resources),
	}
	o := ScheduleOccurrence{
		ScheduleID: s.ID,
		Weekday:    d.Weekday(),
		Date:       d,
		Title:      s.Template.Title,
		Planned:    v,
		Actual:     v,
		Capacity:   ser.Capacity,
		Break:      ser.Break,
		State:      StateCreated,
	}
	if s.AddClients {
		o.Clients = slices.Clone(s.Template.Clients)
	}
	return o
}

// RegenPlan is what regenerating a schedule does to its occurrences.
type RegenPlan struct {
	Create    []ScheduleOccurrence // new future occurrences (event_created)
	Update    []ScheduleOccurrence // future ones rewritten to the new plan (event_changed[_force])
	Delete    []ScheduleOccurrence // future ones no longer planned (event_deleted)
	Kept      []ScheduleOccurrence // future ones changed by hand and left alone (use force)
	Unchanged []ScheduleOccurrence // future ones already as planned
	Past      []ScheduleOccurrence // started before now: never rewritten
}

// Changes counts the occurrences the plan writes.
func (p *RegenPlan) Changes() int { return len(p.Create) + len(p.Update) + len(p.Delete) }

// Result is the occurrence list after the plan is applied, sorted by
// planned start: deleted-by-plan occurrences are gone, the rest carry their
// new state.
func (p *RegenPlan) Result() []ScheduleOccurrence {
	var out []ScheduleOccurrence
	for _, l := range [][]ScheduleOccurrence{p.Past, p.Unchanged, p.Kept, p.Create, p.Update} {
		out = append(out, l...)
	}
	SortOccurrences(out)
	return out
}

// SortOccurrences sorts by planned start, then weekday.
func SortOccurrences(occs []ScheduleOccurrence) {
	sort.SliceStable(occs, func(i, j int) bool {
		if !occs[i].Planned.Start.Equal(occs[j].Planned.Start) {
			return occs[i].Planned.Start.Before(occs[j].Planned.Start)
		}
		return occs[i].Weekday < occs[j].Weekday
	})
}

// Regenerate plans how the occurrences of s (as edited) replace existing,
// with the rules of Altegio schedules:
//   - the past is never rewritten: an occurrence planned or moved to before
//     now stays as it is, and no occurrence is created before now;
//   - a future occurrence changed or deleted by hand is kept and listed,
//     unless force, which rewrites it to the plan (event_changed_force);
//   - a future occurrence no longer planned (its weekday removed, the end
//     moved earlier) is deleted, unless kept as changed by hand;
//   - booked clients stay on an occurrence that is rewritten.
//
// Occurrences are matched by planned day.
func Regenerate(s *Schedule, existing []ScheduleOccurrence, now time.Time, force bool) (RegenPlan, error) {
	want, err := s.Generate()
	if err != nil {
		return RegenPlan{}, err
	}
	var p RegenPlan
	have := make(map[LocalDate]ScheduleOccurrence, len(existing))
	for _, o := range existing {
		o.Changed = Compare(o.Planned, o.Actual)
		have[o.Date] = o
	}
	isPast := func(o ScheduleOccurrence) bool {
		return o.Planned.Start.Before(now) || !o.Deleted && o.Actual.Start.Before(now)
	}
	wanted := make(map[LocalDate]bool, len(want))
	for _, w := range want {
		wanted[w.Date] = true
		old, ok := have[w.Date]
		switch {
		case ok && isPast(old):
			p.Past = append(p.Past, old)
		case !ok && w.Planned.Start.Before(now):
			// The past is not filled in after the fact.
		case !ok:
			p.Create = append(p.Create, w)
		case samePlan(old, w) && !old.Deleted && !old.Changed.Any():
			old.State = StateStable
			p.Unchanged = append(p.Unchanged, old)
		case old.HandChanged() && !force:
			p.Kept = append(p.Kept, old)
		default:
			w.State = StateChanged
			if old.HandChanged() {
				w.State = StateChangedForce
			}
			w.Clients = mergeClients(old.Clients, w.Clients)
			if samePlan(old, w) && !old.HandChanged() {
				w.State = StateStable
			}
			w.UID, w.RecurrenceID = old.UID, old.RecurrenceID
			p.Update = append(p.Update, w)
		}
	}
	for _, old := range existing {
		if wanted[old.Date] {
			continue
		}
		old.Changed = Compare(old.Planned, old.Actual)
		switch {
		case isPast(old):
			p.Past = append(p.Past, old)
		case old.Deleted:
			// Already gone from the calendar.
		case old.Changed.Any() && !force:
			p.Kept = append(p.Kept, old)
		default:
			old.State = StateDeleted
			p.Delete = append(p.Delete, old)
		}
	}
	for _, l := range [][]ScheduleOccurrence{p.Create, p.Update, p.Delete, p.Kept, p.Unchanged, p.Past} {
		SortOccurrences(l)
	}
	return p, nil
}

// samePlan reports whether two occurrences were planned alike.
func samePlan(a, b ScheduleOccurrence) bool {
	return !Compare(a.Planned, b.Planned).Any() && a.Capacity == b.Capacity && a.Title == b.Title && a.Break == b.Break
}

func mergeClients(old, add []Participant) []Participant {
	out := slices.Clone(old)
	for _, c := range add {
		dup := false
		for _, o := range old {
			if strings.EqualFold(o.Email, c.Email) && strings.EqualFold(o.Name, c.Name) {
				dup = true
			}
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

// ScheduleUID is the UID of the calendar object holding one weekday
// series' occurrences planned alike. It is stable: the same schedule,
// weekday and plan give the same UID, so regeneration rewrites in place.
func ScheduleUID(scheduleID int64, o ScheduleOccurrence, tz string) string {
	h := fnv.New32a()
	labels := make([]string, len(o.Planned.Labels))
	for i, l := range o.Planned.Labels {
		labels[i] = l.Name + l.Color
	}
	res := slices.Clone(o.Planned.Resources)
	sort.Strings(labels)
	sort.Strings(res)
	fmt.Fprintf(h, "%s|%v|%v|%s|%s|%s|%d|%s", tz, clockOf(o.Planned.Start), o.Planned.Duration, o.Planned.Person,
		strings.Join(labels, ","), strings.Join(res, ","), o.Capacity, o.Title)
	if o.Break > 0 {
		fmt.Fprintf(h, "|%v", o.Break)
	}
	return fmt.Sprintf("rota-schedule-%d-%s-%08x", scheduleID, WeekdayName(o.Weekday), h.Sum32())
}

// ScheduleTag is the X-ROTA-SCHEDULE value (Event.ScheduleID) of a
// schedule's weekday series: "12/mon".
func ScheduleTag(scheduleID int64, d time.Weekday) string {
	return fmt.Sprintf("%d/%s", scheduleID, WeekdayName(d))
}

// ParseScheduleTag reads a ScheduleTag.
func ParseScheduleTag(tag string) (id int64, d time.Weekday, err error) {
	a, b, ok := strings.Cut(tag, "/")
	if !ok {
		return 0, 0, Invalid("x-rota-schedule", "%q is not ID/weekday", tag)
	}
	if _, err := fmt.Sscanf(a, "%d", &id); err != nil {
		return 0, 0, Invalid("x-rota-schedule", "%q is not ID/weekday", tag)
	}
	d, err = ParseWeekday(b)
	return id, d, err
}
