package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"rota/model"
	"rota/planner"
)

const listUsage = "[--from DATE] [--to DATE] [--calendar NAME] [--json] [--conflicts=false]"

// cmdList runs `rota list`: every instance in [from, to), sorted by start,
// one per line. DATE is YYYY-MM-DD (midnight in --tz), RFC 3339, today,
// tomorrow or yesterday; the default window is today and the next 6 days.
func cmdList(e *env, args []string) error {
	fs := e.newFlags("list", listUsage)
	from := fs.String("from", "today", "start of the window: `DATE` (YYYY-MM-DD or RFC 3339), inclusive")
	to := fs.String("to", "", "end of the window: `DATE`, exclusive (default from + 7 days)")
	calName := fs.String("calendar", "", "only this calendar `NAME` (default all)")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	withConflicts := fs.Bool("conflicts", true, "mark instances that clash over a person or resource (JSON: a conflicts field)")
	if rest, err := e.parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("list: unexpected argument %q (usage: rota list %s)", rest[0], listUsage)
	}
	r, err := e.window(*from, *to, 7)
	if err != nil {
		return usagef("list: %v", err)
	}
	cals, err := e.calendarsFor(*calName)
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	names := make(map[int64]string, len(cals))
	ids := make([]int64, 0, len(cals))
	for _, c := range cals {
		names[c.ID] = c.Name
		ids = append(ids, c.ID)
	}
	if len(ids) == 0 {
		return nil
	}
	insts, err := e.store.Instances(e.ctx, ids, r, e.loc)
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	var clashes map[int][]string
	if *withConflicts && (!*asJSON || flagsSet(fs)["conflicts"]) {
		if clashes, err = e.conflicts(r, insts); err != nil {
			fmt.Fprintf(e.stderr, "rota: list: conflicts not checked: %v\n", err)
		}
	}
	w := bufio.NewWriter(e.stdout)
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for i, in := range insts {
			j := listJSON(in, names[in.CalendarID], e.loc)
			j.Conflicts = clashes[i]
			if err := enc.Encode(j); err != nil {
				return err
			}
		}
		return w.Flush()
	}
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for i, in := range insts {
		line := listLine(in, names[in.CalendarID], width, e.loc)
		for _, c := range clashes[i] {
			line += "  ! " + c
		}
		fmt.Fprintln(w, line)
	}
	if len(insts) == 0 {
		fmt.Fprintf(e.stderr, "nothing between %s and %s\n", r.From.Format("2006-01-02 15:04"), r.To.Format("2006-01-02 15:04"))
	}
	return w.Flush()
}

// instanceJSON is one line of `rota list --json`. Scripts depend on these
// names and formats: timed values RFC 3339 with offset, all-day values
// YYYY-MM-DD with an exclusive end.
type instanceJSON struct {
	Calendar     string `json:"calendar"`
	UID          string `json:"uid"`
	RecurrenceID string `json:"recurrence_id"`
	Summary      string `json:"summary"`
	Start        string `json:"start"`
	End          string `json:"end"`
	AllDay       bool   `json:"all_day"`
	Floating     bool   `json:"floating"`
	Overridden   bool   `json:"overridden"`
	Object       string `json:"object"`
	// Conflicts is there with --conflicts: what the instance clashes over.
	Conflicts []string `json:"conflicts,omitempty"`
}

func listJSON(in model.Instance, cal string, loc *time.Location) instanceJSON {
	j := instanceJSON{Calendar: cal, UID: in.UID, Summary: in.Summary, AllDay: in.AllDay, Floating: in.Floating,
		Overridden: in.Overridden, Object: in.ObjectName}
	j.Start = formatValue(in.Start, in.AllDay, loc)
	j.End = formatValue(in.End, in.AllDay, loc)
	if !in.RecurrenceID.IsZero() {
		j.RecurrenceID = formatValue(in.RecurrenceID, in.AllDay, loc)
	}
	return j
}

// formatValue writes an all-day value as its date and a timed one as RFC
// 3339 in loc.
func formatValue(t time.Time, allDay bool, loc *time.Location) string {
	if allDay {
		return t.In(loc).Format(time.DateOnly)
	}
	return t.In(loc).Format(time.RFC3339)
}

// listLine is the human form: date, time range, calendar, summary, marks.
func listLine(in model.Instance, cal string, width int, loc *time.Location) string {
	start, end := in.Start.In(loc), in.End.In(loc)
	var when string
	switch {
	case in.AllDay:
		last := end.AddDate(0, 0, -1)
		when = "all day"
		if last.After(start) {
			when = "to " + last.Format("Mon 02 Jan")
		}
	case end.Equal(start): // a task's due time, a reminder-like event
		when = start.Format("15:04")
	case sameDay(start, end):
		when = start.Format("15:04") + "-" + end.Format("15:04")
	case end.Sub(start) < 6*24*time.Hour:
		when = start.Format("15:04") + "-" + end.Format("Mon 15:04")
	default:
		when = start.Format("15:04") + "-" + end.Format("02 Jan 15:04")
	}
	var marks []string
	if !in.RecurrenceID.IsZero() {
		marks = append(marks, "recurring")
	}
	if in.Overridden {
		marks = append(marks, "changed")
	}
	if in.Floating {
		marks = append(marks, "floating")
	}
	line := fmt.Sprintf("%s  %-16s  %-*s  %s", start.Format("Mon 2006-01-02"), when, width, cal, oneLine(in.Summary))
	if len(marks) > 0 {
		line += "  (" + strings.Join(marks, ", ") + ")"
	}
	return line
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

func oneLine(s string) string {
	if s == "" {
		return "(no title)"
	}
	return strings.Join(strings.Fields(s), " ")
}

// parseDate reads YYYY-MM-DD as midnight in loc, RFC 3339 as written, and
// today / tomorrow / yesterday relative to now in loc.
func parseDate(s string, now time.Time, loc *time.Location) (time.Time, error) {
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	switch strings.ToLower(s) {
	case "today":
		return today, nil
	case "tomorrow":
		return today.AddDate(0, 0, 1), nil
	case "yesterday":
		return today.AddDate(0, 0, -1), nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date: use YYYY-MM-DD, RFC 3339 (2026-11-23T09:00:00+01:00) or today", s)
}

// conflicts finds the clashes among everything stored in r (people booked
// twice, resources over-used, buffers included: planner.Conflicts) and
// returns them by index into insts: each conflict goes to the instance of
// its UID nearest to where the clash is.
func (e *env) conflicts(r model.Range, insts []model.Instance) (map[int][]string, error) {
	cs, err := planner.Conflicts(e.ctx, e.store, r, e.loc)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	byUID := map[string][]int{}
	for i, in := range insts {
		byUID[in.UID] = append(byUID[in.UID], i)
	}
	// nearest is the instance of uid nearest to t, -1 if none is listed.
	nearest := func(uid string, t time.Time) int {
		best, dist := -1, time.Duration(0)
		for _, i := range byUID[uid] {
			if d := distance(insts[i].Start, insts[i].End, t); best < 0 || d < dist {
				best, dist = i, d
			}
		}
		return best
	}
	summary := func(uid string, t time.Time) string {
		if i := nearest(uid, t); i >= 0 {
			return oneLine(insts[i].Summary)
		}
		return uid
	}
	out := map[int][]string{}
	for _, c := range cs {
		best := nearest(c.UID, c.From)
		if best < 0 {
			continue
		}
		var msg string
		switch c.Kind {
		case model.ConflictPerson:
			msg = fmt.Sprintf("clash: %s also in %q", c.Who, summary(c.With, c.From))
		case model.ConflictResource:
			msg = fmt.Sprintf("clash: %s already taken by %q", c.Who, summary(c.With, c.From))
		case model.ConflictRoomCapacity:
			msg = fmt.Sprintf("clash: room %s too small", c.Who)
		default:
			msg = fmt.Sprintf("clash: %s out of service", c.Who)
		}
		out[best] = append(out[best], msg)
	}
	return out, nil
}

// distance is how far t lies from [start, end].
func distance(start, end, t time.Time) time.Duration {
	switch {
	case t.Before(start):
		return start.Sub(t)
	case t.After(end):
		return t.Sub(end)
	}
	return 0
}
