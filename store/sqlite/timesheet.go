package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"rota/model"
)

// Timesheets: entries are ordinary objects in a calendar of kind
// model.CalendarTimesheet (one per person, Person set), so every door sees
// them. The approval states, workday rules, days off and running timers
// live in the tables of migration 0003.

// TimesheetCalendarName is the name of person's timesheet calendar when the
// store creates it.
func TimesheetCalendarName(person string) string {
	return "timesheet-" + nameUnsafe.ReplaceAllString(person, "_")
}

var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// TimesheetCalendar returns the timesheet calendar of person, creating it
// for owner (in zone, an IANA name) when there is none.
func (s *Store) TimesheetCalendar(ctx context.Context, owner, person, zone string) (model.Calendar, error) {
	cals, err := s.Calendars(ctx, "")
	if err != nil {
		return model.Calendar{}, fmt.Errorf("store: timesheet calendar of %q: %w", person, err)
	}
	for _, c := range cals {
		if c.Kind == model.CalendarTimesheet && c.Person == person {
			return c, nil
		}
	}
	c := model.Calendar{
		Owner:       owner,
		Name:        TimesheetCalendarName(person),
		DisplayName: "Timesheet " + person,
		Kind:        model.CalendarTimesheet,
		Person:      person,
		TimeZone:    zone,
		Components:  []string{"VEVENT"},
		Color:       "#2E7D32",
	}
	if err := s.CreateCalendar(ctx, &c); err != nil {
		return model.Calendar{}, fmt.Errorf("store: create timesheet calendar of %q: %w", person, err)
	}
	return c, nil
}

// Approval returns the approval state of person's day; a day never
// submitted is open (no error).
func (s *Store) Approval(ctx context.Context, person string, d model.LocalDate) (model.Approval, error) {
	as, err := s.Approvals(ctx, person, d, d)
	if err != nil {
		return model.Approval{}, err
	}
	if len(as) == 0 {
		return model.Approval{Person: person, Date: d, State: model.SheetOpen}, nil
	}
	return as[0], nil
}

// Approvals returns the stored approval states of person's days in
// [first, last]; days with no row (open) are left out.
func (s *Store) Approvals(ctx context.Context, person string, first, last model.LocalDate) ([]model.Approval, error) {
	out, err := queryAll(ctx, s.r, func(row scanner) (model.Approval, error) {
		a := model.Approval{Person: person}
		var day, state, at string
		if err := row.Scan(&day, &state, &a.Reason, &a.By, &at); err != nil {
			return a, err
		}
		a.State = model.ApprovalState(state)
		a.At, _ = time.Parse(time.RFC3339Nano, at)
		var err error
		a.Date, err = model.ParseLocalDate(day)
		return a, err
	}, `SELECT day, state, reason, by_user, at FROM timesheet_approvals WHERE person = ? AND day >= ? AND day <= ? ORDER BY day`,
		person, first.String(), last.String())
	if err != nil {
		return nil, fmt.Errorf("store: approvals of %q: %w", person, err)
	}
	return out, nil
}

// UpdateApprovals applies step (model.Approval's Submit, Approve, Reject or
// Reopen) to each of person's days in [first, last] in one transaction: if
// one day refuses, none changes.
func (s *Store) UpdateApprovals(ctx context.Context, person string, first, last model.LocalDate, step func(model.Approval) (model.Approval, error)) ([]model.Approval, error) {
	var out []model.Approval
	err := s.write(ctx, func(tx *sql.Tx) error {
		out = nil
		return updateApprovals(ctx, tx, person, first, last, step, &out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func updateApprovals(ctx context.Context, tx *sql.Tx, person string, first, last model.LocalDate, step func(model.Approval) (model.Approval, error), out *[]model.Approval) error {
	for d := first; !last.Before(d); d = d.AddDays(1) {
		a := model.Approval{Person: person, Date: d, State: model.SheetOpen}
		var state, at string
		err := tx.QueryRowContext(ctx, `SELECT state, reason, by_user, at FROM timesheet_approvals WHERE person = ? AND day = ?`,
			person, d.String()).Scan(&state, &a.Reason, &a.By, &at)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("store: update approval of %q on %s: %w", person, d, err)
		default:
			a.State = model.ApprovalState(state)
			a.At, _ = time.Parse(time.RFC3339Nano, at)
		}
		n, err := step(a)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO timesheet_approvals (person, day, state, reason, by_user, at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (person, day) DO UPDATE SET state = excluded.state, reason = excluded.reason, by_user = excluded.by_user, at = excluded.at`,
			person, d.String(), string(n.Current()), n.Reason, n.By, n.At.UTC().Format(time.RFC3339Nano)); err != nil {
			return fmt.Errorf("store: update approval of %q on %s: %w", person, d, err)
		}
		*out = append(*out, n)
	}
	_, err := nextSeq(ctx, tx, 1) // doors watching Head reload
	return err
}

var weekdayColumns = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// WorkdayRule returns person's target hours per weekday; a person with no
// rule gets model.StandardWorkday (no error).
func (s *Store) WorkdayRule(ctx context.Context, person string) (model.WorkdayRule, error) {
	var m [7]int64
	err := s.r.QueryRowContext(ctx, `SELECT sun, mon, tue, wed, thu, fri, sat FROM timesheet_workdays WHERE person = ?`, person).
		Scan(&m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &m[6])
	if errors.Is(err, sql.ErrNoRows) {
		return model.StandardWorkday(person), nil
	}
	if err != nil {
		return model.WorkdayRule{}, fmt.Errorf("store: workday rule of %q: %w", person, err)
	}
	w := model.WorkdayRule{Person: person}
	for i, v := range m {
		w.Hours[i] = time.Duration(v) * time.Minute
	}
	return w, nil
}

// PutWorkdayRule creates or replaces a person's workday rule.
func (s *Store) PutWorkdayRule(ctx context.Context, w model.WorkdayRule) error {
	if err := w.Validate(); err != nil {
		return fmt.Errorf("store: put workday rule of %q: %w", w.Person, err)
	}
	var m [7]any
	for i, h := range w.Hours {
		m[i] = int64(h / time.Minute)
	}
	_, err := s.exec(ctx, `INSERT OR REPLACE INTO timesheet_workdays (person, `+strings.Join(weekdayColumns[:], ", ")+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, w.Person, m[0], m[1], m[2], m[3], m[4], m[5], m[6])
	if err != nil {
		return fmt.Errorf("store: put workday rule of %q: %w", w.Person, err)
	}
	return nil
}

// PutDayOff creates or replaces a holiday (Person "") or a person's leave.
func (s *Store) PutDayOff(ctx context.Context, o model.DayOff) error {
	if o.Date.IsZero() {
		return fmt.Errorf("store: put day off: %w", model.Invalid("date", "required"))
	}
	_, err := s.exec(ctx, `INSERT OR REPLACE INTO timesheet_days_off (person, day, reason, leave, approved) VALUES (?, ?, ?, ?, ?)`,
		o.Person, o.Date.String(), o.Reason, o.Leave, o.Approved)
	if err != nil {
		return fmt.Errorf("store: put day off %s: %w", o.Date, err)
	}
	return nil
}

// DeleteDayOff removes a holiday (person "") or leave day; model.ErrNotFound
// when there is none.
func (s *Store) DeleteDayOff(ctx context.Context, person string, d model.LocalDate) error {
	return s.deleteRow(ctx, fmt.Sprintf("delete day off %s of %q", d, person),
		`DELETE FROM timesheet_days_off WHERE person = ? AND day = ?`, person, d.String())
}

// DaysOff returns the holidays and person's leave in [first, last], from
// the timesheet's own table and from the absences of the person's
// availability (rejected ones left out), sorted by day.
func (s *Store) DaysOff(ctx context.Context, person string, first, last model.LocalDate) ([]model.DayOff, error) {
	out, err := queryAll(ctx, s.r, func(row scanner) (model.DayOff, error) {
		var o model.DayOff
		var day string
		if err := row.Scan(&o.Person, &day, &o.Reason, &o.Leave, &o.Approved); err != nil {
			return o, err
		}
		var err error
		o.Date, err = model.ParseLocalDate(day)
		return o, err
	}, `SELECT person, day, reason, leave, approved FROM timesheet_days_off
		WHERE (person = '' OR person = ?) AND day >= ? AND day <= ? ORDER BY day, person`, person, first.String(), last.String())
	if err != nil {
		return nil, fmt.Errorf("store: days off of %q: %w", person, err)
	}
	// The person's availability (rota schedule) holds holidays and leave
	// too: the same days zero the timesheet's target.
	av, err := s.AvailabilityFor(ctx, person, 0)
	if errors.Is(err, model.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: days off of %q: %w", person, err)
	}
	for _, a := range av.Absences {
		if a.State == model.AbsenceRejected {
			continue
		}
		for d := a.From; !a.To.Before(d); d = d.AddDays(1) {
			if !d.Before(first) && !last.Before(d) {
				out = append(out, model.DayOff{Person: person, Date: d, Reason: a.Reason, Leave: a.Leave,
					Approved: a.State == model.AbsenceApproved})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

// StartTimer stores a running timer. A person has at most one: starting a
// second is model.ErrConflict naming the one that runs.
func (s *Store) StartTimer(ctx context.Context, t model.Timer) error {
	if t.Person == "" || t.Start.IsZero() {
		return fmt.Errorf("store: start timer: %w", model.Invalid("person", "and start required"))
	}
	n, err := s.exec(ctx, `INSERT INTO timesheet_timers (person, start, activity, label, client, link, note, billable)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (person) DO NOTHING`,
		t.Person, t.Start.UTC().Format(time.RFC3339Nano), t.Activity, t.Label, t.Client, t.Link, t.Note, t.Billable)
	if err != nil {
		return fmt.Errorf("store: start timer of %q: %w", t.Person, err)
	}
	if n == 0 {
		running, err := s.Timer(ctx, t.Person)
		if err != nil {
			return fmt.Errorf("store: start timer of %q: one is running: %w", t.Person, model.ErrConflict)
		}
		what := running.Activity
		if what == "" {
			what = "no activity"
		}
		return fmt.Errorf("store: start timer of %q: one is running since %s (%s); stop it first: %w",
			t.Person, running.Start.UTC().Format(time.RFC3339), what, model.ErrConflict)
	}
	return nil
}

// Timer returns person's running timer, or model.ErrNotFound.
func (s *Store) Timer(ctx context.Context, person string) (model.Timer, error) {
	t := model.Timer{Person: person}
	var start string
	err := s.r.QueryRowContext(ctx, `SELECT start, activity, label, client, link, note, billable FROM timesheet_timers WHERE person = ?`, person).
		Scan(&start, &t.Activity, &t.Label, &t.Client, &t.Link, &t.Note, &t.Billable)
	if errors.Is(err, sql.ErrNoRows) {
		return model.Timer{}, fmt.Errorf("store: timer of %q: none is running: %w", person, model.ErrNotFound)
	}
	if err != nil {
		return model.Timer{}, fmt.Errorf("store: timer of %q: %w", person, err)
	}
	if t.Start, err = time.Parse(time.RFC3339Nano, start); err != nil {
		return model.Timer{}, fmt.Errorf("store: timer of %q: start %q: %w", person, start, err)
	}
	return t, nil
}

// ClearTimer removes the timer t, if it is still the one running (same
// start): call it after the entry the timer became is stored, so a crash in
// between leaves the timer running rather than losing the time.
func (s *Store) ClearTimer(ctx context.Context, t model.Timer) error {
	n, err := s.exec(ctx, `DELETE FROM timesheet_timers WHERE person = ? AND start = ?`, t.Person, t.Start.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("store: clear timer of %q: %w", t.Person, err)
	}
	if n == 0 {
		return fmt.Errorf("store: clear timer of %q: none is running: %w", t.Person, model.ErrNotFound)
	}
	return nil
}

// guardTimesheet refuses a write to a timesheet calendar when the object
// stored under name, or the one replacing it (new; nil for a delete), has
// an instance on a day the calendar's person has approved: approved days
// are read-only through every door (CLI, TUI, CalDAV, import). It runs
// inside the write's transaction; the error wraps model.ErrReadOnly.
func (s *Store) guardTimesheet(ctx context.Context, tx *sql.Tx, calID int64, name string, new *model.Object) error {
	g, err := s.timesheetGuard(ctx, tx, calID)
	if err != nil {
		return err
	}
	return g.check(ctx, tx, calID, name, new)
}

// tsGuard holds what guarding one calendar needs, so an import of many
// objects reads it once. A nil *tsGuard lets everything through.
type tsGuard struct {
	person   string
	zone     *time.Location
	approved map[model.LocalDate]bool
	window   model.Range // from the first approved day to the end of the last
}

// timesheetGuard returns the guard of calendar calID: nil when it is not a
// timesheet calendar or its person has no approved day.
func (s *Store) timesheetGuard(ctx context.Context, tx *sql.Tx, calID int64) (*tsGuard, error) {
	var kind, person, tz string
	err := tx.QueryRowContext(ctx, `SELECT kind, person, time_zone FROM calendars WHERE id = ?`, calID).Scan(&kind, &person, &tz)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // the write itself reports the missing calendar
	}
	if err != nil {
		return nil, fmt.Errorf("timesheet guard: %w", err)
	}
	if model.CalendarKind(kind) != model.CalendarTimesheet || person == "" {
		return nil, nil
	}
	approved, first, last, err := approvedDays(ctx, tx, person)
	if err != nil || len(approved) == 0 {
		return nil, err
	}
	zone, err := model.LoadZone(tz)
	if err != nil {
		zone = time.UTC
	}
	return &tsGuard{person: person, zone: zone, approved: approved,
		window: model.Range{From: first.In(zone), To: last.AddDays(1).In(zone)}}, nil
}

// check refuses replacing (or deleting, new nil) the object stored under
// name when either version touches an approved day.
func (g *tsGuard) check(ctx context.Context, tx *sql.Tx, calID int64, name string, new *model.Object) error {
	if g == nil {
		return nil
	}
	var enc string
	err := tx.QueryRowContext(ctx, `SELECT timing FROM objects WHERE calendar_id = ? AND name = ?`, calID, name).Scan(&enc)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("timesheet guard: %w", err)
	default:
		old, err := decodeTiming(enc)
		if err != nil {
			return fmt.Errorf("timesheet guard: stored timing of %q: %w", name, err)
		}
		if err := g.touches(&old, name); err != nil {
			return err
		}
	}
	if new != nil {
		return g.touches(&new.Timing, name)
	}
	return nil
}

// touches returns the read-only error when an instance of t falls on an
// approved day.
func (g *tsGuard) touches(t *model.Timing, name string) error {
	if t.AllDay {
		return nil // all-day events are not time entries
	}
	var spans []occ
	if !t.Recurring() {
		st, en, ok := single(t, g.zone)
		if !ok {
			return nil
		}
		spans = []occ{{start: st, end: en}}
	} else {
		var err error
		if spans, err = expand(t, g.window, g.zone); err != nil {
			// Fail closed: a rule we cannot expand might touch an approved day.
			return fmt.Errorf("timesheet: %s: %v; approved days of %s may not change: %w", name, err, g.person, model.ErrReadOnly)
		}
	}
	for _, sp := range spans {
		for _, d := range model.DaysTouched(sp.start, sp.end, g.zone) {
			if g.approved[d] {
				return model.ReadOnlyError(g.person, d)
			}
		}
	}
	return nil
}

// approvedDays returns person's approved days and the first and last.
func approvedDays(ctx context.Context, tx *sql.Tx, person string) (map[model.LocalDate]bool, model.LocalDate, model.LocalDate, error) {
	rows, err := tx.QueryContext(ctx, `SELECT day FROM timesheet_approvals WHERE person = ? AND state = 'approved' ORDER BY day`, person)
	if err != nil {
		return nil, model.LocalDate{}, model.LocalDate{}, fmt.Errorf("timesheet guard: %w", err)
	}
	defer rows.Close()
	days := map[model.LocalDate]bool{}
	var first, last model.LocalDate
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, first, last, fmt.Errorf("timesheet guard: %w", err)
		}
		d, err := model.ParseLocalDate(s)
		if err != nil {
			return nil, first, last, fmt.Errorf("timesheet guard: %w", err)
		}
		if len(days) == 0 {
			first = d
		}
		days[d], last = true, d
	}
	return days, first, last, rows.Err()
}
