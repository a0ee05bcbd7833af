package model

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"time"
)

// Timesheets (HaloPSA Timesheet, TimesheetEvent, Workday, Holiday): a sheet
// per person per day with a target from the person's workday rule, the time
// entries touching the day, and an approval state. The arithmetic here is
// pure; stores keep entries as VEVENTs (KindTimeEntry) and the approval
// states, rules and timers in their own tables.

// LocalDate is a calendar day with no zone: the day a timesheet covers, a
// schedule's start and end, a holiday.
type LocalDate struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day t falls on in t's own location.
func DateOf(t time.Time) LocalDate {
	y, m, d := t.Date()
	return LocalDate{y, m, d}
}

// ParseLocalDate reads "2006-01-02".
func ParseLocalDate(s string) (LocalDate, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return LocalDate{}, Invalid("date", "%q is not YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String writes the day as "2006-01-02".
func (d LocalDate) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero LocalDate.
func (d LocalDate) IsZero() bool { return d == LocalDate{} }

// In returns the first instant of the day in loc (nil = UTC). On a day that
// starts in a DST gap this is the first instant that exists.
func (d LocalDate) In(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the day n days later (earlier when n < 0).
func (d LocalDate) AddDays(n int) LocalDate {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week.
func (d LocalDate) Weekday() time.Weekday { return d.In(time.UTC).Weekday() }

// Before reports whether d is an earlier day than o.
func (d LocalDate) Before(o LocalDate) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// Bounds returns the day as a Range [start of day, start of next day) in
// loc: 23 hours long on a spring-forward day and 25 on a fall-back day.
func (d LocalDate) Bounds(loc *time.Location) Range {
	return Range{From: d.In(loc), To: d.AddDays(1).In(loc)}
}

// ReportPeriod names the spans a report covers.
type ReportPeriod string

// Report periods.
const (
	PeriodDay   ReportPeriod = "day"
	PeriodWeek  ReportPeriod = "week" // ISO week, Monday to Sunday
	PeriodMonth ReportPeriod = "month"
)

// PeriodDays returns the first and last day of the period that holds d.
func PeriodDays(p ReportPeriod, d LocalDate) (first, last LocalDate, err error) {
	switch p {
	case PeriodDay:
		return d, d, nil
	case PeriodWeek:
		back := (int(d.Weekday()) + 6) % 7 // days since Monday
		first = d.AddDays(-back)
		return first, first.AddDays(6), nil
	case PeriodMonth:
		first = LocalDate{d.Year, d.Month, 1}
		return first, DateOf(time.Date(d.Year, d.Month+1, 0, 12, 0, 0, 0, time.UTC)), nil
	}
	return LocalDate{}, LocalDate{}, Invalid("period", "%q is not day, week or month", p)
}

// TimeEntry is one HaloPSA timesheet event: time a person worked, or a
// break. Start and End are absolute instants.
type TimeEntry struct {
	UID      string // of the VEVENT; with RecurrenceID for one instance of a recurring one
	Person   string
	Start    time.Time
	End      time.Time
	Activity string // what was done: "support", a ticket's summary
	Label    string // CATEGORIES label; totals group by it, else by Activity
	Client   string
	Link     string // UID of the appointment or schedule occurrence worked on
	Note     string
	Billable bool
	Break    bool

	RecurrenceID time.Time // set when the entry is one instance of a recurring VEVENT
	ObjectName   string    // resource name in the timesheet calendar, when stored
}

// Validate checks an entry's own rules; errors name the field.
func (e *TimeEntry) Validate() error {
	if e.Person == "" {
		return Invalid("person", "required")
	}
	if e.Start.IsZero() {
		return Invalid("start", "required")
	}
	if e.End.IsZero() {
		return Invalid("end", "required")
	}
	if e.End.Before(e.Start) {
		return Invalid("end", "%s is before the start %s", e.End.Format("2006-01-02 15:04"), e.Start.Format("2006-01-02 15:04"))
	}
	if e.Break && e.Billable {
		return Invalid("billable", "a break cannot be billable")
	}
	return nil
}

// Group is the key totals per label use: the Label, else the Activity,
// else "(none)".
func (e *TimeEntry) Group() string {
	switch {
	case e.Label != "":
		return e.Label
	case e.Activity != "":
		return e.Activity
	case e.Break:
		return "break"
	}
	return "(none)"
}

// Title is the SUMMARY an entry gets: activity and client.
func (e *TimeEntry) Title() string {
	t := e.Activity
	if t == "" {
		t = "Work"
		if e.Break {
			t = "Break"
		}
	}
	if e.Client != "" {
		t += " (" + e.Client + ")"
	}
	return t
}

// Event returns the entry as a VEVENT-shaped Event of KindTimeEntry, ready
// for the codec (ics.New or ics.Apply).
func (e *TimeEntry) Event() Event {
	ev := Event{
		UID:         e.UID,
		Kind:        KindTimeEntry,
		Component:   "VEVENT",
		Title:       e.Title(),
		Description: e.Note,
		Start:       e.Start,
		End:         e.End,
		Person:      e.Person,
		Activity:    e.Activity,
		Client:      e.Client,
		Link:        e.Link,
		Billable:    e.Billable,
		Break:       e.Break,
		Free:        e.Break,
	}
	if name := e.Start.Location().String(); name != "UTC" && name != "Local" && name != "" {
		ev.TZID = name
	}
	if e.Label != "" {
		ev.Labels = []Label{{Name: e.Label}}
	}
	return ev
}

// EntryFromEvent reads a time entry from an event of a timesheet calendar.
// An event created on a phone has no X-ROTA-* properties: its title is the
// activity and person is the calendar's. All-day events and tasks are not
// time entries (ok false).
func EntryFromEvent(ev Event, person string) (TimeEntry, bool) {
	if ev.AllDay || ev.Component == "VTODO" || ev.Start.IsZero() || ev.Status == StatusCancelled {
		return TimeEntry{}, false
	}
	e := TimeEntry{
		UID:          ev.UID,
		RecurrenceID: ev.RecurrenceID,
		Person:       ev.Person,
		Start:        ev.Start,
		End:          ev.End,
		Activity:     ev.Activity,
		Client:       ev.Client,
		Link:         ev.Link,
		Note:         ev.Description,
		Billable:     ev.Billable,
		Break:        ev.Break,
	}
	if e.Person == "" {
		e.Person = person
	}
	if e.End.IsZero() {
		e.End = e.Start
	}
	if e.Activity == "" && ev.Kind != KindTimeEntry {
		e.Activity = ev.Title
	}
	for _, l := range ev.Labels {
		if l.Name != "" && !strings.EqualFold(l.Name, string(KindTimeEntry)) && !strings.EqualFold(l.Name, "break") {
			e.Label = l.Name
			break
		}
	}
	return e, true
}

// EntriesOf turns instances of a timesheet calendar into entries: each
// instance takes the fields of its object's master, or of the override
// for its RECURRENCE-ID, and the instance's own start and end. events maps
// an ObjectName to its object's events, master first (as the codec's
// ics.Events returns them). Instances that are not time entries (all-day,
// cancelled) are left out.
func EntriesOf(insts []Instance, events map[string][]Event, person string) []TimeEntry {
	var out []TimeEntry
	for _, in := range insts {
		evs := events[in.ObjectName]
		if len(evs) == 0 || in.AllDay {
			continue
		}
		ev := InstanceEvent(evs, in.RecurrenceID)
		ev.Start, ev.End, ev.RecurrenceID = in.Start, in.End, in.RecurrenceID
		e, ok := EntryFromEvent(ev, person)
		if !ok {
			continue
		}
		e.ObjectName = in.ObjectName
		out = append(out, e)
	}
	return out
}

// Days returns the days of loc the entry touches: both days for an entry
// past midnight; a zero-length entry touches the day it sits on.
func (e *TimeEntry) Days(loc *time.Location) []LocalDate {
	return DaysTouched(e.Start, e.End, loc)
}

// DaysTouched returns the days of loc that [start, end) overlaps; a
// zero-length span touches the day it sits on.
func DaysTouched(start, end time.Time, loc *time.Location) []LocalDate {
	if loc == nil {
		loc = time.UTC
	}
	first := DateOf(start.In(loc))
	if !end.After(start) {
		return []LocalDate{first}
	}
	last := DateOf(end.Add(-1).In(loc))
	var days []LocalDate
	for d := first; !last.Before(d); d = d.AddDays(1) {
		days = append(days, d)
	}
	return days
}

// WorkdayRule is a person's target hours per weekday (HaloPSA Workday).
type WorkdayRule struct {
	Person string
	Hours  [7]time.Duration // indexed by time.Weekday
}

// StandardWorkday is eight hours Monday to Friday: the rule for a person
// who has none.
func StandardWorkday(person string) WorkdayRule {
	w := WorkdayRule{Person: person}
	for d := time.Monday; d <= time.Friday; d++ {
		w.Hours[d] = 8 * time.Hour
	}
	return w
}

// Target returns the hours the rule asks for on d.
func (w WorkdayRule) Target(d LocalDate) time.Duration { return w.Hours[d.Weekday()] }

// Validate checks the rule's hours.
func (w WorkdayRule) Validate() error {
	for d, h := range w.Hours {
		if h < 0 || h > 24*time.Hour {
			return Invalid("hours", "%s: %v is outside 0..24h", time.Weekday(d), h)
		}
	}
	return nil
}

// DayOff is a holiday or leave day (HaloPSA Holiday). A public holiday
// (Person "") applies to everyone; leave counts only once approved.
type DayOff struct {
	Person   string // "" for a public holiday
	Date     LocalDate
	Reason   string
	Leave    bool // leave asked for by the person, as opposed to a holiday
	Approved bool // leave only: approved leave zeroes the target
}

// Counts reports whether the day off zeroes person's target.
func (o DayOff) Counts(person string) bool {
	if o.Person != "" && o.Person != person {
		return false
	}
	return !o.Leave || o.Approved
}

// ApprovalState is where a timesheet day is in its approval workflow.
type ApprovalState string

// Approval states. The zero state reads as open.
const (
	SheetOpen      ApprovalState = "open"
	SheetSubmitted ApprovalState = "submitted"
	SheetApproved  ApprovalState = "approved"
	SheetRejected  ApprovalState = "rejected"
)

// Approval is the approval state of one person's day.
type Approval struct {
	Person string
	Date   LocalDate
	State  ApprovalState
	Reason string // why it was rejected
	By     string // who made the last change
	At     time.Time
}

// Current returns the state, reading the zero state as open.
func (a Approval) Current() ApprovalState {
	if a.State == "" {
		return SheetOpen
	}
	return a.State
}

func (a Approval) step(op string, to ApprovalState, by string, at time.Time, from ...ApprovalState) (Approval, error) {
	cur := a.Current()
	for _, f := range from {
		if cur == f {
			a.State, a.By, a.At = to, by, at
			if to != SheetRejected {
				a.Reason = ""
			}
			return a, nil
		}
	}
	hint := ""
	switch {
	case cur == SheetApproved:
		hint = "; reopen it first"
	case cur == SheetOpen || cur == SheetRejected:
		if to == SheetApproved || to == SheetRejected {
			hint = "; submit it first"
		}
	}
	return a, fmt.Errorf("timesheet: %s %s %s: it is %s%s: %w", op, a.Person, a.Date, cur, hint, ErrConflict)
}

// Submit hands an open or rejected day in for approval.
func (a Approval) Submit(by string, at time.Time) (Approval, error) {
	return a.step("submit", SheetSubmitted, by, at, SheetOpen, SheetRejected)
}

// Approve approves a submitted day; it becomes read-only.
func (a Approval) Approve(by string, at time.Time) (Approval, error) {
	return a.step("approve", SheetApproved, by, at, SheetSubmitted)
}

// Reject sends a submitted day back with a reason, which is required.
func (a Approval) Reject(by, reason string, at time.Time) (Approval, error) {
	if strings.TrimSpace(reason) == "" {
		return a, Invalid("reason", "say why the timesheet is rejected")
	}
	n, err := a.step("reject", SheetRejected, by, at, SheetSubmitted)
	if err == nil {
		n.Reason = reason
	}
	return n, err
}

// Reopen makes a submitted, approved or rejected day open again.
func (a Approval) Reopen(by string, at time.Time) (Approval, error) {
	return a.step("reopen", SheetOpen, by, at, SheetSubmitted, SheetApproved, SheetRejected)
}

// ReadOnlyError is the error for a write touching an approved day.
func ReadOnlyError(person string, d LocalDate) error {
	return fmt.Errorf("timesheet: %s of %s is approved; reopen it first: %w", d, person, ErrReadOnly)
}

// Timesheet is one person's day.
type Timesheet struct {
	Person   string
	Date     LocalDate
	Zone     *time.Location
	Target   time.Duration
	Off      *DayOff     // the holiday or approved leave that zeroed the target
	Entries  []TimeEntry // every entry touching the day, whole, sorted by start
	Approval Approval
}

// Writable returns an error wrapping ErrReadOnly when the day is approved.
func (s *Timesheet) Writable() error {
	if s.Approval.Current() == SheetApproved {
		return ReadOnlyError(s.Person, s.Date)
	}
	return nil
}

// Totals is the arithmetic of a day or a sum of days.
//
// Worked is the time covered by at least one work entry and by no break:
// overlapping entries do not count twice, and a break logged inside a
// work entry is taken out of it. Billable is the same over billable
// entries. Breaks is the time covered by break entries. ByLabel and
// ByClient give each group's worked time; under overlapping entries of
// different groups their sum can exceed Worked. Entries past midnight count
// on each day for the part that falls in it.
type Totals struct {
	Worked   time.Duration
	Breaks   time.Duration
	Billable time.Duration
	Target   time.Duration
	ByLabel  map[string]time.Duration
	ByClient map[string]time.Duration
	Overlaps int // pairs of work entries that overlap
	Entries  int // entries that touch the day(s)
}

// Balance is Worked minus Target: overtime when positive, shortfall when
// negative.
func (t Totals) Balance() time.Duration { return t.Worked - t.Target }

// Add adds o into t.
func (t *Totals) Add(o Totals) {
	t.Worked += o.Worked
	t.Breaks += o.Breaks
	t.Billable += o.Billable
	t.Target += o.Target
	t.Overlaps += o.Overlaps
	t.Entries += o.Entries
	t.ByLabel = addMap(t.ByLabel, o.ByLabel)
	t.ByClient = addMap(t.ByClient, o.ByClient)
}

func addMap(dst, src map[string]time.Duration) map[string]time.Duration {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]time.Duration, len(src))
	}
	for k, v := range src {
		dst[k] += v
	}
	return dst
}

// clipSpan cuts [start, end) to r; ok is false when nothing is left.
func clipSpan(start, end time.Time, r Range) (sp Range, ok bool) {
	sp = clip(Range{From: start, To: end}, r)
	return sp, sp.To.After(sp.From)
}

// Totals computes the day's arithmetic.
func (s *Timesheet) Totals() Totals {
	t := Totals{Target: s.Target, Entries: len(s.Entries)}
	day := s.Date.Bounds(s.Zone)
	var work, breaks, billable []Range
	labels := map[string][]Range{}
	clients := map[string][]Range{}
	for i := range s.Entries {
		e := &s.Entries[i]
		sp, ok := clipSpan(e.Start, e.End, day)
		if !ok {
			continue
		}
		if e.Break {
			breaks = append(breaks, sp)
			continue
		}
		work = append(work, sp)
		if e.Billable {
			billable = append(billable, sp)
		}
		labels[e.Group()] = append(labels[e.Group()], sp)
		if e.Client != "" {
			clients[e.Client] = append(clients[e.Client], sp)
		}
	}
	breaks = mergeRanges(breaks)
	t.Breaks = rangesLength(breaks)
	t.Worked = rangesLength(subtractRanges(mergeRanges(work), breaks))
	t.Billable = rangesLength(subtractRanges(mergeRanges(billable), breaks))
	if len(labels) > 0 {
		t.ByLabel = make(map[string]time.Duration, len(labels))
		for k, v := range labels {
			if d := rangesLength(subtractRanges(mergeRanges(v), breaks)); d > 0 {
				t.ByLabel[k] = d
			}
		}
	}
	if len(clients) > 0 {
		t.ByClient = make(map[string]time.Duration, len(clients))
		for k, v := range clients {
			if d := rangesLength(subtractRanges(mergeRanges(v), breaks)); d > 0 {
				t.ByClient[k] = d
			}
		}
	}
	t.Overlaps = len(s.Overlaps())
	return t
}

// Overlaps returns the pairs of work entries (indexes into Entries) that
// overlap within the day. They are allowed, and flagged.
func (s *Timesheet) Overlaps() [][2]int {
	day := s.Date.Bounds(s.Zone)
	var pairs [][2]int
	for i := range s.Entries {
		a := &s.Entries[i]
		if a.Break {
			continue
		}
		sa, ok := clipSpan(a.Start, a.End, day)
		if !ok {
			continue
		}
		for j := i + 1; j < len(s.Entries); j++ {
			b := &s.Entries[j]
			if !b.Start.Before(sa.To) { // sorted by start: no later one overlaps a
				break
			}
			if b.Break {
				continue
			}
			if sb, ok := clipSpan(b.Start, b.End, day); ok && sb.From.Before(sa.To) && sa.From.Before(sb.To) {
				pairs = append(pairs, [2]int{i, j})
			}
		}
	}
	return pairs
}

// Overlapping reports whether entry i overlaps another work entry.
func (s *Timesheet) Overlapping(i int) bool {
	for _, p := range s.Overlaps() {
		if p[0] == i || p[1] == i {
			return true
		}
	}
	return false
}

// SheetInput is what Timesheets needs for one person and a span of days.
type SheetInput struct {
	Person    string
	First     LocalDate
	Last      LocalDate      // inclusive
	Zone      *time.Location // the person's zone; nil = UTC
	Entries   []TimeEntry    // at least those touching the days; others are ignored
	Rule      *WorkdayRule   // nil = StandardWorkday
	DaysOff   []DayOff
	Approvals []Approval
}

// Timesheets builds one Timesheet per day from First to Last.
func Timesheets(in SheetInput) []Timesheet {
	zone := in.Zone
	if zone == nil {
		zone = time.UTC
	}
	rule := StandardWorkday(in.Person)
	if in.Rule != nil {
		rule = *in.Rule
	}
	var sheets []Timesheet
	index := map[LocalDate]int{}
	for d := in.First; !in.Last.Before(d); d = d.AddDays(1) {
		index[d] = len(sheets)
		sheets = append(sheets, Timesheet{
			Person: in.Person, Date: d, Zone: zone, Target: rule.Target(d),
			Approval: Approval{Person: in.Person, Date: d, State: SheetOpen},
		})
	}
	for i := range in.DaysOff {
		o := in.DaysOff[i]
		if k, ok := index[o.Date]; ok && o.Counts(in.Person) {
			sheets[k].Target = 0
			sheets[k].Off = &o
		}
	}
	for _, a := range in.Approvals {
		if k, ok := index[a.Date]; ok && (a.Person == "" || a.Person == in.Person) {
			sheets[k].Approval = a
		}
	}
	for _, e := range in.Entries {
		if e.Person != "" && e.Person != in.Person {
			continue
		}
		for _, d := range e.Days(zone) {
			if k, ok := index[d]; ok {
				sheets[k].Entries = append(sheets[k].Entries, e)
			}
		}
	}
	for k := range sheets {
		es := sheets[k].Entries
		sort.SliceStable(es, func(i, j int) bool { return es[i].Start.Before(es[j].Start) })
	}
	return sheets
}

// Report is a person's timesheets over a span of days with their totals.
type Report struct {
	Person string
	First  LocalDate
	Last   LocalDate
	Days   []Timesheet
	Daily  []Totals // one per day, in order
	Total  Totals
}

// NewReport totals sheets (as Timesheets returns them) per day and overall.
func NewReport(sheets []Timesheet) Report {
	r := Report{Days: sheets, Daily: make([]Totals, len(sheets))}
	if len(sheets) > 0 {
		r.Person, r.First, r.Last = sheets[0].Person, sheets[0].Date, sheets[len(sheets)-1].Date
	}
	for i := range sheets {
		r.Daily[i] = sheets[i].Totals()
		r.Total.Add(r.Daily[i])
	}
	// Entries touching two days are counted once in the total.
	seen := map[string]bool{}
	r.Total.Entries = 0
	for i := range sheets {
		for _, e := range sheets[i].Entries {
			k := e.UID + "\x00" + e.RecurrenceID.String() + "\x00" + e.Start.String()
			if !seen[k] {
				seen[k] = true
				r.Total.Entries++
			}
		}
	}
	return r
}

// Timer is a running stopwatch for a person: it survives restarts because
// stores keep its start.
type Timer struct {
	Person   string
	Start    time.Time
	Activity string
	Label    string
	Client   string
	Link     string
	Note     string
	Billable bool
}

// Elapsed returns how long the timer has run at now.
func (t Timer) Elapsed(now time.Time) time.Duration {
	if now.Before(t.Start) {
		return 0
	}
	return now.Sub(t.Start)
}

// EntryUID is the UID of the entry a timer becomes: fixed by the person
// and the start, so two doors stopping the same timer at once store one
// entry, not two (the second write finds the name taken).
func (t Timer) EntryUID() string {
	h := fnv.New64a()
	h.Write([]byte(t.Person))
	return fmt.Sprintf("timer-%x-%d@rota", h.Sum64(), t.Start.UTC().Unix())
}

// Stop turns the timer into an entry ending at end, with EntryUID.
func (t Timer) Stop(end time.Time) (TimeEntry, error) {
	e := TimeEntry{
		UID:    t.EntryUID(),
		Person: t.Person, Start: t.Start, End: end, Activity: t.Activity, Label: t.Label,
		Client: t.Client, Link: t.Link, Note: t.Note, Billable: t.Billable,
	}
	if err := e.Validate(); err != nil {
		return TimeEntry{}, fmt.Errorf("timesheet: stop timer of %s: %w", t.Person, err)
	}
	return e, nil
}

// FormatHours writes a duration as hours and minutes, "7:30" or "-0:45".
func FormatHours(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	m := int64(d.Round(time.Minute) / time.Minute)
	return fmt.Sprintf("%s%d:%02d", sign, m/60, m%60)
}
