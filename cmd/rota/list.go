package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"rota/model"
)

const listUsage = "[--from DATE] [--to DATE] [--calendar NAME] [--json]"

// cmdList runs `rota list`: every instance in [from, to), sorted by start,
// one per line. DATE is YYYY-MM-DD (midnight in --tz), RFC 3339, today,
// tomorrow or yesterday; the default window is today and the next 6 days.
func cmdList(e *env, args []string) error {
	fs := e.newFlags("list", listUsage)
	from := fs.String("from", "today", "start of the window: `DATE` (YYYY-MM-DD or RFC 3339), inclusive")
	to := fs.String("to", "", "end of the window: `DATE`, exclusive (default from + 7 days)")
	calName := fs.String("calendar", "", "only this calendar `NAME` (default all)")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	if rest, err := e.parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("list: unexpected argument %q (usage: rota list %s)", rest[0], listUsage)
	}
	var r model.Range
	var err error
	if r.From, err = parseDate(*from, e.now(), e.loc); err != nil {
		return usagef("list: --from: %v", err)
	}
	if *to == "" {
		r.To = r.From.AddDate(0, 0, 7)
	} else if r.To, err = parseDate(*to, e.now(), e.loc); err != nil {
		return usagef("list: --to: %v", err)
	}
	if !r.To.After(r.From) {
		return usagef("list: --to %s is not after --from %s", *to, *from)
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
	w := bufio.NewWriter(e.stdout)
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, in := range insts {
			if err := enc.Encode(listJSON(in, names[in.CalendarID], e.loc)); err != nil {
				return err
			}
		}
		return w.Flush()
	}
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, in := range insts {
		fmt.Fprintln(w, listLine(in, names[in.CalendarID], width, e.loc))
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
