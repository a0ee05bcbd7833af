package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"rota/model"
	"rota/model/ics"
)

const timesheetUsage = `start|stop|log|edit|delete|submit|approve|reject|reopen|show|report|workday|off [--person P] ...
  start   [--activity A] [--client C] [--label L] [--link UID] [--note N] [--billable] [--at TIME]
  stop    [--at TIME]                       the running timer becomes an entry
  log     --from TIME (--to TIME | --for LENGTH) [--date DATE] [--activity A] [--client C] [--label L] [--link UID] [--note N] [--billable] [--break]
  edit    UID [--date DATE] [--from TIME] [--to TIME] [--activity A] ... [--billable=false]
  delete  UID
  submit|approve|reopen [DATE] [--period day|week|month]
  reject  [DATE] [--period day|week|month] --reason TEXT
  show    [DATE] [--period day|week|month]   entries per day, overlaps flagged
  report  [--period week|month] [--from DATE] [--format table|csv|json]
  workday [--mon 8h --tue 8h ... --sun 0]   target hours per weekday
  off     DATE [--reason R] [--leave [--approved]] [--all] [--rm]   holidays and leave
TIME is 15:04 (on --date, default today), "2006-01-02 15:04" or RFC 3339; a --to
before --from is on the next day.`

// cmdTimesheet runs `rota timesheet`.
func cmdTimesheet(e *env, args []string) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintf(e.stdout, "usage: rota timesheet %s\n\n", timesheetUsage)
		if len(args) == 0 {
			return usagef("rota timesheet: which subcommand? (see rota timesheet help)")
		}
		return nil
	}
	sub, args := args[0], args[1:]
	ts := &tsCmd{env: e}
	switch sub {
	case "start":
		return ts.start(args)
	case "stop":
		return ts.stop(args)
	case "log":
		return ts.log(args)
	case "edit":
		return ts.edit(args)
	case "delete", "rm":
		return ts.delete(args)
	case "submit", "approve", "reject", "reopen":
		return ts.approval(sub, args)
	case "show":
		return ts.show(args)
	case "report":
		return ts.report(args)
	case "workday":
		return ts.workday(args)
	case "off":
		return ts.off(args)
	}
	return usagef("rota timesheet: unknown subcommand %q (see rota timesheet help)", sub)
}

// tsCmd is one run of `rota timesheet`: the env and the person's calendar.
type tsCmd struct {
	*env
	person string
	cal    model.Calendar
	dayLoc *time.Location // the zone the calendar's days are counted in
}

// flags returns a flag set with --person for `rota timesheet sub`, whose
// -h shows sub's line of timesheetUsage.
func (c *tsCmd) flags(sub string) *flag.FlagSet {
	usage := "[--person NAME] ..."
	for _, line := range strings.Split(timesheetUsage, "\n")[1:] {
		names, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
		if slices.Contains(strings.Split(names, "|"), sub) {
			rest, _, _ = strings.Cut(strings.TrimSpace(rest), "   ") // the description after it
			usage = rest + " [--person NAME]"
			break
		}
	}
	fs := c.newFlags("timesheet "+sub, usage)
	fs.StringVar(&c.person, "person", "", "whose timesheet: a team member `NAME` (default the --user name)")
	return fs
}

// open resolves the person and their timesheet calendar (created on first
// use, in the display zone, owned by the login named like the person so it
// shows in that login's CalDAV home), and the zone its days are counted in.
func (c *tsCmd) open() error {
	if c.person == "" {
		c.person = c.user
	}
	cal, err := c.store.TimesheetCalendar(c.ctx, c.person, c.person, c.zone)
	if err != nil {
		return err
	}
	c.cal = cal
	c.dayLoc = sheetZone(cal)
	return nil
}

// sheetZone is the zone a timesheet calendar's days are counted in: its
// time zone, else UTC. The store's approved-day guard counts the same way.
func sheetZone(cal model.Calendar) *time.Location {
	loc, err := model.LoadZone(cal.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

func (c *tsCmd) today() model.LocalDate { return model.DateOf(c.now().In(c.dayLoc)) }

// tsDay parses an optional DATE ("" = today; also "today", "yesterday").
func (c *tsCmd) tsDay(s string) (model.LocalDate, error) {
	switch s {
	case "", "today":
		return c.today(), nil
	case "yesterday":
		return c.today().AddDays(-1), nil
	case "tomorrow":
		return c.today().AddDays(1), nil
	}
	d, err := model.ParseLocalDate(s)
	if err != nil {
		return d, usagef("rota timesheet: %v", err)
	}
	return d, nil
}

// tsTime parses a TIME: "15:04" on day, "2006-01-02 15:04", or RFC 3339.
func (c *tsCmd) tsTime(s string, day model.LocalDate) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation("15:04", s, c.dayLoc); err == nil {
		return time.Date(day.Year, day.Month, day.Day, t.Hour(), t.Minute(), 0, 0, c.dayLoc), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, c.dayLoc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(c.dayLoc), nil
	}
	return time.Time{}, usagef("rota timesheet: time %q is not 15:04, \"2006-01-02 15:04\" or RFC 3339", s)
}

// tsEnd parses the end TIME of an entry that starts at start: a bare 15:04
// is on start's day, or on the next when that is before start (22:00 to
// 02:00 runs past midnight).
func (c *tsCmd) tsEnd(s string, start time.Time) (time.Time, error) {
	day := model.DateOf(start)
	end, err := c.tsTime(s, day)
	if err == nil && end.Before(start) && !strings.Contains(s, "-") {
		end, err = c.tsTime(s, day.AddDays(1))
	}
	return end, err
}

// entryFlags are the fields of an entry shared by start, log and edit.
type entryFlags struct {
	activity, client, label, link, note string
	billable, brk                       bool
}

func (f *entryFlags) add(fs *flag.FlagSet, withBreak bool) {
	fs.StringVar(&f.activity, "activity", "", "`ACTIVITY`: what was done")
	fs.StringVar(&f.client, "client", "", "`CLIENT` the time is for")
	fs.StringVar(&f.label, "label", "", "`LABEL` to total by")
	fs.StringVar(&f.link, "link", "", "`UID` of the appointment or schedule occurrence worked on")
	fs.StringVar(&f.note, "note", "", "free-text `NOTE`")
	fs.BoolVar(&f.billable, "billable", false, "billable time")
	if withBreak {
		fs.BoolVar(&f.brk, "break", false, "a break, not work")
	}
}

func (c *tsCmd) start(args []string) error {
	fs := c.flags("start")
	var f entryFlags
	f.add(fs, false)
	atStr := fs.String("at", "", "start `TIME` (default now)")
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	start := c.now().In(c.dayLoc).Truncate(time.Second)
	if *atStr != "" {
		var err error
		if start, err = c.tsTime(*atStr, c.today()); err != nil {
			return err
		}
	}
	if err := c.writable(start, start); err != nil {
		return err
	}
	t := model.Timer{Person: c.person, Start: start, Activity: f.activity, Label: f.label, Client: f.client,
		Link: f.link, Note: f.note, Billable: f.billable}
	if err := c.store.StartTimer(c.ctx, t); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "timer of %s started at %s\n", c.person, start.Format("2006-01-02 15:04"))
	return nil
}

func (c *tsCmd) stop(args []string) error {
	fs := c.flags("stop")
	atStr := fs.String("at", "", "end `TIME` (default now)")
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	t, err := c.store.Timer(c.ctx, c.person)
	if err != nil {
		return fmt.Errorf("rota timesheet: stop: no timer of %s is running; start one with rota timesheet start", c.person)
	}
	end := c.now().In(c.dayLoc).Truncate(time.Second)
	if *atStr != "" {
		if end, err = c.tsTime(*atStr, c.today()); err != nil {
			return err
		}
	}
	entry, err := t.Stop(end)
	if err != nil {
		return err
	}
	// Store first, then clear: a crash in between leaves the timer running
	// rather than losing the time. The entry's UID is fixed by the timer, so
	// a second stop of the same timer (another door) finds it stored.
	uid, err := c.putEntry(entry)
	if errors.Is(err, model.ErrConflict) {
		if err := c.store.ClearTimer(c.ctx, t); err != nil && !errors.Is(err, model.ErrNotFound) {
			return err
		}
		fmt.Fprintf(c.stdout, "the timer of %s was stopped elsewhere: its entry %s is stored\n", c.person, entry.UID)
		return nil
	}
	if err != nil {
		return err
	}
	if err := c.store.ClearTimer(c.ctx, t); err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	fmt.Fprintf(c.stdout, "logged %s %s-%s %s (%s) %s\n", model.DateOf(entry.Start.In(c.dayLoc)),
		entry.Start.In(c.dayLoc).Format("15:04"), entry.End.In(c.dayLoc).Format("15:04"),
		model.FormatHours(entry.End.Sub(entry.Start)), entry.Title(), uid)
	return nil
}

// writable refuses a change touching an approved day before anything is
// written (the store's guard refuses it too; this gives the message early).
func (c *tsCmd) writable(start, end time.Time) error {
	for _, d := range model.DaysTouched(start, end, c.dayLoc) {
		a, err := c.store.Approval(c.ctx, c.person, d)
		if err != nil {
			return err
		}
		if a.Current() == model.SheetApproved {
			return model.ReadOnlyError(c.person, d)
		}
	}
	return nil
}

// putEntry stores a new entry as a VEVENT in the person's calendar.
func (c *tsCmd) putEntry(entry model.TimeEntry) (string, error) {
	entry.Person = c.person
	entry.Start, entry.End = entry.Start.In(c.dayLoc), entry.End.In(c.dayLoc)
	if err := entry.Validate(); err != nil {
		return "", fmt.Errorf("rota timesheet: %w", err)
	}
	obj, err := ics.New(entry.Event())
	if err != nil {
		return "", fmt.Errorf("rota timesheet: encode entry: %w", err)
	}
	obj.CalendarID = c.cal.ID
	obj.Name = ics.ObjectName(obj.UID)
	if _, err := c.store.PutObject(c.ctx, &obj, model.Condition{IfNoneMatch: true}); err != nil {
		return "", err
	}
	return obj.UID, nil
}

func (c *tsCmd) log(args []string) error {
	fs := c.flags("log")
	var f entryFlags
	f.add(fs, true)
	dateStr := fs.String("date", "", "`DATE` the times are on (default today)")
	fromStr := fs.String("from", "", "start `TIME`")
	toStr := fs.String("to", "", "end `TIME` (before --from: the next day)")
	forStr := fs.String("for", "", "`LENGTH` instead of --to, e.g. 1h30m")
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	if *fromStr == "" || (*toStr == "" && *forStr == "") {
		return usagef("rota timesheet log: --from and --to (or --for) are required")
	}
	if err := c.open(); err != nil {
		return err
	}
	day, err := c.tsDay(*dateStr)
	if err != nil {
		return err
	}
	start, err := c.tsTime(*fromStr, day)
	if err != nil {
		return err
	}
	var end time.Time
	if *forStr != "" {
		d, err := time.ParseDuration(*forStr)
		if err != nil || d < 0 {
			return usagef("rota timesheet log: --for %q is not a length like 1h30m", *forStr)
		}
		end = start.Add(d)
	} else if end, err = c.tsEnd(*toStr, start); err != nil {
		return err
	}
	if err := c.writable(start, end); err != nil {
		return err
	}
	entry := model.TimeEntry{Start: start, End: end, Activity: f.activity, Label: f.label, Client: f.client,
		Link: f.link, Note: f.note, Billable: f.billable, Break: f.brk}
	uid, err := c.putEntry(entry)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "logged %s %s-%s %s %s %s\n", model.DateOf(start), start.Format("15:04"), end.Format("15:04"),
		model.FormatHours(end.Sub(start)), entry.Title(), uid)
	return nil
}

// entry opens the timesheet and reads the entry named by the one
// positional argument of `rota timesheet sub`: its UID or resource name.
func (c *tsCmd) entry(sub string, pos []string) (model.Object, model.Event, error) {
	if len(pos) != 1 {
		return model.Object{}, model.Event{}, usagef("rota timesheet %s: which entry? give its UID (see rota timesheet show)", sub)
	}
	if err := c.open(); err != nil {
		return model.Object{}, model.Event{}, err
	}
	id := pos[0]
	obj, err := c.store.ObjectByUID(c.ctx, c.cal.ID, id)
	if errors.Is(err, model.ErrNotFound) {
		name := id
		if !strings.HasSuffix(name, ".ics") {
			name += ".ics"
		}
		obj, err = c.store.Object(c.ctx, c.cal.ID, name)
	}
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return obj, model.Event{}, fmt.Errorf("rota timesheet: no entry %q in the timesheet of %s (see rota timesheet show): %w", id, c.person, err)
		}
		return obj, model.Event{}, err
	}
	evs, err := ics.Events(obj.Data)
	if err != nil {
		return obj, model.Event{}, fmt.Errorf("rota timesheet: read entry %q: %w", id, err)
	}
	if len(evs) == 0 {
		return obj, model.Event{}, fmt.Errorf("rota timesheet: entry %q has no event: %w", id, model.ErrInvalid)
	}
	return obj, evs[0], nil
}

func (c *tsCmd) edit(args []string) error {
	fs := c.flags("edit")
	var f entryFlags
	f.add(fs, true)
	dateStr := fs.String("date", "", "`DATE` for --from and --to (default the entry's)")
	fromStr := fs.String("from", "", "new start `TIME`")
	toStr := fs.String("to", "", "new end `TIME`")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	obj, ev, err := c.entry("edit", pos)
	if err != nil {
		return err
	}
	old, ok := model.EntryFromEvent(ev, c.person)
	if !ok {
		return fmt.Errorf("rota timesheet: %q is not a time entry (all-day or a task): %w", pos[0], model.ErrInvalid)
	}
	if err := c.writable(old.Start, old.End); err != nil {
		return err
	}
	day := model.DateOf(old.Start.In(c.dayLoc))
	if *dateStr != "" {
		if day, err = c.tsDay(*dateStr); err != nil {
			return err
		}
	}
	set := flagsSet(fs)
	n := old
	if set["from"] || set["date"] {
		from := *fromStr
		if from == "" {
			from = old.Start.In(c.dayLoc).Format("15:04")
		}
		if n.Start, err = c.tsTime(from, day); err != nil {
			return err
		}
	}
	if set["to"] || set["date"] || set["from"] {
		if set["to"] || set["date"] {
			to := *toStr
			if to == "" {
				to = old.End.In(c.dayLoc).Format("15:04")
			}
			if n.End, err = c.tsEnd(to, n.Start); err != nil {
				return err
			}
		} else {
			n.End = n.Start.Add(old.End.Sub(old.Start)) // moving keeps the length
		}
	}
	if set["activity"] {
		n.Activity = f.activity
	}
	if set["client"] {
		n.Client = f.client
	}
	if set["label"] {
		n.Label = f.label
	}
	if set["link"] {
		n.Link = f.link
	}
	if set["note"] {
		n.Note = f.note
	}
	if set["billable"] {
		n.Billable = f.billable
	}
	if set["break"] {
		n.Break = f.brk
	}
	if err := n.Validate(); err != nil {
		return fmt.Errorf("rota timesheet: edit %s: %w", pos[0], err)
	}
	if err := c.writable(n.Start, n.End); err != nil {
		return err
	}
	// Change the fields the entry holds on the stored event, so properties
	// rota does not model (alarms, a phone's X- properties) survive.
	nev := n.Event()
	ev.Kind, ev.Person, ev.Activity, ev.Client, ev.Link = model.KindTimeEntry, n.Person, n.Activity, n.Client, n.Link
	ev.Billable, ev.Break, ev.Free, ev.Description = n.Billable, n.Break, n.Break, n.Note
	ev.Start, ev.End, ev.TZID = nev.Start, nev.End, nev.TZID
	ev.Floating = false
	if ev.Title == "" || ev.Title == old.Title() {
		ev.Title = nev.Title
	}
	if set["label"] {
		ev.Labels = nev.Labels
	}
	nobj, err := ics.Apply(obj.Data, ev)
	if err != nil {
		return fmt.Errorf("rota timesheet: edit %s: %w", pos[0], err)
	}
	nobj.CalendarID, nobj.Name = obj.CalendarID, obj.Name
	if _, err := c.store.PutObject(c.ctx, &nobj, model.Condition{IfMatch: obj.ETag}); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "changed %s: %s %s-%s %s\n", obj.UID, model.DateOf(n.Start.In(c.dayLoc)),
		n.Start.In(c.dayLoc).Format("15:04"), n.End.In(c.dayLoc).Format("15:04"), n.Title())
	return nil
}

func (c *tsCmd) delete(args []string) error {
	fs := c.flags("delete")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	obj, ev, err := c.entry("delete", pos)
	if err != nil {
		return err
	}
	if old, ok := model.EntryFromEvent(ev, c.person); ok {
		if err := c.writable(old.Start, old.End); err != nil {
			return err
		}
	}
	if err := c.store.DeleteObject(c.ctx, c.cal.ID, obj.Name, model.Condition{IfMatch: obj.ETag}); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "deleted %s\n", obj.UID)
	return nil
}

// periodDays returns the first and last day of the period ("day", "week",
// "month") holding the positional DATE (default today).
func (c *tsCmd) periodDays(period string, pos []string) (model.LocalDate, model.LocalDate, error) {
	ds := ""
	if len(pos) > 0 {
		ds = pos[0]
	}
	d, err := c.tsDay(ds)
	if err != nil {
		return d, d, err
	}
	first, last, err := model.PeriodDays(model.ReportPeriod(period), d)
	if err != nil {
		return first, last, usagef("rota timesheet: --period: %v", err)
	}
	return first, last, nil
}

func (c *tsCmd) approval(op string, args []string) error {
	fs := c.flags(op)
	period := fs.String("period", "day", "`PERIOD` holding DATE: day, week or month")
	reason := fs.String("reason", "", "`TEXT`: why it is rejected (reject)")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if op == "reject" && strings.TrimSpace(*reason) == "" {
		return usagef("rota timesheet reject: --reason is required: say what to fix")
	}
	if err := c.open(); err != nil {
		return err
	}
	first, last, err := c.periodDays(*period, pos)
	if err != nil {
		return err
	}
	now := c.now()
	by := c.user
	step := map[string]func(model.Approval) (model.Approval, error){
		"submit":  func(a model.Approval) (model.Approval, error) { return a.Submit(by, now) },
		"approve": func(a model.Approval) (model.Approval, error) { return a.Approve(by, now) },
		"reject":  func(a model.Approval) (model.Approval, error) { return a.Reject(by, *reason, now) },
		"reopen":  func(a model.Approval) (model.Approval, error) { return a.Reopen(by, now) },
	}[op]
	as, err := c.store.UpdateApprovals(c.ctx, c.person, first, last, step)
	if err != nil {
		return err
	}
	span := first.String()
	if last != first {
		span += " to " + last.String()
	}
	days := "1 day"
	if len(as) != 1 {
		days = fmt.Sprintf("%d days", len(as))
	}
	fmt.Fprintf(c.stdout, "%s of %s: %s (%s)\n", span, c.person, as[0].Current(), days)
	return nil
}

// periodSheets opens the timesheet and loads the days of the period
// holding the positional DATE (see periodDays).
func (c *tsCmd) periodSheets(period string, pos []string) ([]model.Timesheet, error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	first, last, err := c.periodDays(period, pos)
	if err != nil {
		return nil, err
	}
	return c.sheets(first, last)
}

// sheets loads the person's timesheets for [first, last].
func (c *tsCmd) sheets(first, last model.LocalDate) ([]model.Timesheet, error) {
	entries, err := timeEntries(c.env, c.cal, first, last, c.dayLoc)
	if err != nil {
		return nil, err
	}
	rule, err := c.store.WorkdayRule(c.ctx, c.person)
	if err != nil {
		return nil, err
	}
	offs, err := c.store.DaysOff(c.ctx, c.person, first, last)
	if err != nil {
		return nil, err
	}
	apps, err := c.store.Approvals(c.ctx, c.person, first, last)
	if err != nil {
		return nil, err
	}
	return model.Timesheets(model.SheetInput{Person: c.person, First: first, Last: last, Zone: c.dayLoc,
		Entries: entries, Rule: &rule, DaysOff: offs, Approvals: apps}), nil
}

// timeEntries reads the entries of a timesheet calendar touching the days
// [first, last] of zone: each instance of its events, with the fields of the
// master or of the override that changed it.
func timeEntries(e *env, cal model.Calendar, first, last model.LocalDate, zone *time.Location) ([]model.TimeEntry, error) {
	r := model.Range{From: first.In(zone), To: last.AddDays(1).In(zone)}
	insts, err := e.store.Instances(e.ctx, []int64{cal.ID}, r, zone)
	if err != nil {
		return nil, err
	}
	var names []string
	seen := map[string]bool{}
	for _, in := range insts {
		if !seen[in.ObjectName] {
			seen[in.ObjectName] = true
			names = append(names, in.ObjectName)
		}
	}
	objs, err := e.store.ObjectsByName(e.ctx, cal.ID, names)
	if err != nil {
		return nil, err
	}
	events := make(map[string][]model.Event, len(objs))
	for _, o := range objs {
		evs, err := ics.Events(o.Data)
		if err != nil {
			return nil, fmt.Errorf("rota timesheet: read %s: %w", o.Name, err)
		}
		events[o.Name] = evs
	}
	return model.EntriesOf(insts, events, cal.Person), nil
}

func (c *tsCmd) show(args []string) error {
	fs := c.flags("show")
	period := fs.String("period", "day", "`PERIOD` holding DATE: day, week or month")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	sheets, err := c.periodSheets(*period, pos)
	if err != nil {
		return err
	}
	if t, err := c.store.Timer(c.ctx, c.person); err == nil {
		fmt.Fprintf(c.stdout, "timer running since %s (%s): %s\n", t.Start.In(c.dayLoc).Format("2006-01-02 15:04"),
			model.FormatHours(t.Elapsed(c.now())), dash(t.Activity))
	}
	for i := range sheets {
		s := &sheets[i]
		t := s.Totals()
		head := fmt.Sprintf("%s %s  worked %s of %s (%s)  breaks %s  %s", s.Date, s.Date.Weekday().String()[:3],
			model.FormatHours(t.Worked), model.FormatHours(t.Target), signed(t.Balance()), model.FormatHours(t.Breaks), s.Approval.Current())
		if s.Approval.Current() == model.SheetRejected && s.Approval.Reason != "" {
			head += ": " + s.Approval.Reason
		}
		if s.Off != nil {
			head += "  off: " + s.Off.Reason
		}
		fmt.Fprintln(c.stdout, head)
		for j, e := range s.Entries {
			var flags []string
			if e.Billable {
				flags = append(flags, "billable")
			}
			if e.Break {
				flags = append(flags, "break")
			}
			if s.Overlapping(j) {
				flags = append(flags, "OVERLAP")
			}
			if model.DateOf(e.Start.In(c.dayLoc)) != s.Date || model.DateOf(e.End.Add(-1).In(c.dayLoc)) != s.Date {
				flags = append(flags, "spans days")
			}
			fmt.Fprintf(c.stdout, "  %s-%s %6s  %-30s %-16s %s\n", e.Start.In(c.dayLoc).Format("15:04"), e.End.In(c.dayLoc).Format("15:04"),
				model.FormatHours(e.End.Sub(e.Start)), e.Title(), strings.Join(flags, ","), e.UID)
		}
	}
	return nil
}

func signed(d time.Duration) string {
	if d >= 0 {
		return "+" + model.FormatHours(d)
	}
	return model.FormatHours(d)
}

func hoursDecimal(d time.Duration) string {
	return strconv.FormatFloat(d.Hours(), 'f', 2, 64)
}

func (c *tsCmd) report(args []string) error {
	fs := c.flags("report")
	period := fs.String("period", "week", "`PERIOD`: week or month (or day)")
	fromStr := fs.String("from", "", "a `DATE` in the period (default today)")
	format := fs.String("format", "table", "`FORMAT`: table, csv or json")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if *format != "table" && *format != "csv" && *format != "json" {
		return usagef("rota timesheet report: --format %q is not table, csv or json", *format)
	}
	if *fromStr != "" {
		pos = []string{*fromStr}
	}
	sheets, err := c.periodSheets(*period, pos)
	if err != nil {
		return err
	}
	r := model.NewReport(sheets)
	switch *format {
	case "csv":
		return writeReportCSV(c.stdout, r)
	case "json":
		return writeJSON(c.stdout, reportJSONOf(r))
	}
	return writeReportTable(c.stdout, r)
}

func writeReportTable(w io.Writer, r model.Report) error {
	fmt.Fprintf(w, "Timesheet of %s, %s to %s\n\n", r.Person, r.First, r.Last)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "date\tday\tworked\tbreaks\tbillable\ttarget\tbalance\tstate\tnotes\t")
	for i, s := range r.Days {
		t := r.Daily[i]
		var notes []string
		if t.Overlaps > 0 {
			notes = append(notes, fmt.Sprintf("%d overlaps", t.Overlaps))
		}
		if s.Off != nil {
			notes = append(notes, "off: "+s.Off.Reason)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", s.Date, s.Date.Weekday().String()[:3], model.FormatHours(t.Worked),
			model.FormatHours(t.Breaks), model.FormatHours(t.Billable), model.FormatHours(t.Target), signed(t.Balance()),
			s.Approval.Current(), strings.Join(notes, "; "))
	}
	t := r.Total
	fmt.Fprintf(tw, "total\t\t%s\t%s\t%s\t%s\t%s\t\t%d entries\t\n", model.FormatHours(t.Worked), model.FormatHours(t.Breaks),
		model.FormatHours(t.Billable), model.FormatHours(t.Target), signed(t.Balance()), t.Entries)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, g := range []struct {
		title string
		m     map[string]time.Duration
	}{{"by label", t.ByLabel}, {"by client", t.ByClient}} {
		if len(g.m) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", g.title)
		for _, k := range sortedKeys(g.m) {
			fmt.Fprintf(w, "  %-30s %7s\n", k, model.FormatHours(g.m[k]))
		}
	}
	return nil
}

func sortedKeys(m map[string]time.Duration) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func writeReportCSV(w io.Writer, r model.Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"person", "date", "worked_hours", "breaks_hours", "billable_hours", "target_hours", "balance_hours", "state", "overlaps", "day_off"})
	for i, s := range r.Days {
		t := r.Daily[i]
		off := ""
		if s.Off != nil {
			off = s.Off.Reason
		}
		cw.Write([]string{r.Person, s.Date.String(), hoursDecimal(t.Worked), hoursDecimal(t.Breaks), hoursDecimal(t.Billable),
			hoursDecimal(t.Target), hoursDecimal(t.Balance()), string(s.Approval.Current()), strconv.Itoa(t.Overlaps), off})
	}
	t := r.Total
	cw.Write([]string{r.Person, "total", hoursDecimal(t.Worked), hoursDecimal(t.Breaks), hoursDecimal(t.Billable),
		hoursDecimal(t.Target), hoursDecimal(t.Balance()), "", strconv.Itoa(t.Overlaps), ""})
	cw.Flush()
	return cw.Error()
}

// reportJSON is the JSON form of a report; durations in minutes.
type reportJSON struct {
	Person string     `json:"person"`
	From   string     `json:"from"`
	To     string     `json:"to"`
	Days   []dayJSON  `json:"days"`
	Total  totalsJSON `json:"total"`
}

type dayJSON struct {
	Date   string `json:"date"`
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
	DayOff string `json:"day_off,omitempty"`
	totalsJSON
	Entries []entryJSON `json:"entries"`
}

type totalsJSON struct {
	Worked   int64            `json:"worked_minutes"`
	Breaks   int64            `json:"breaks_minutes"`
	Billable int64            `json:"billable_minutes"`
	Target   int64            `json:"target_minutes"`
	Balance  int64            `json:"balance_minutes"`
	Overlaps int              `json:"overlaps"`
	ByLabel  map[string]int64 `json:"by_label,omitempty"`
	ByClient map[string]int64 `json:"by_client,omitempty"`
}

type entryJSON struct {
	UID      string    `json:"uid"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Activity string    `json:"activity,omitempty"`
	Label    string    `json:"label,omitempty"`
	Client   string    `json:"client,omitempty"`
	Link     string    `json:"link,omitempty"`
	Note     string    `json:"note,omitempty"`
	Billable bool      `json:"billable"`
	Break    bool      `json:"break"`
	Overlap  bool      `json:"overlap"`
}

func minutes(d time.Duration) int64 { return int64(d.Round(time.Minute) / time.Minute) }

func totalsJSONOf(t model.Totals) totalsJSON {
	j := totalsJSON{Worked: minutes(t.Worked), Breaks: minutes(t.Breaks), Billable: minutes(t.Billable),
		Target: minutes(t.Target), Balance: minutes(t.Balance()), Overlaps: t.Overlaps}
	if len(t.ByLabel) > 0 {
		j.ByLabel = map[string]int64{}
		for k, v := range t.ByLabel {
			j.ByLabel[k] = minutes(v)
		}
	}
	if len(t.ByClient) > 0 {
		j.ByClient = map[string]int64{}
		for k, v := range t.ByClient {
			j.ByClient[k] = minutes(v)
		}
	}
	return j
}

func reportJSONOf(r model.Report) reportJSON {
	out := reportJSON{Person: r.Person, From: r.First.String(), To: r.Last.String(), Total: totalsJSONOf(r.Total), Days: []dayJSON{}}
	for i := range r.Days {
		s := &r.Days[i]
		d := dayJSON{Date: s.Date.String(), State: string(s.Approval.Current()), Reason: s.Approval.Reason,
			totalsJSON: totalsJSONOf(r.Daily[i]), Entries: []entryJSON{}}
		if s.Off != nil {
			d.DayOff = s.Off.Reason
		}
		for j, e := range s.Entries {
			d.Entries = append(d.Entries, entryJSON{UID: e.UID, Start: e.Start, End: e.End, Activity: e.Activity, Label: e.Label,
				Client: e.Client, Link: e.Link, Note: e.Note, Billable: e.Billable, Break: e.Break, Overlap: s.Overlapping(j)})
		}
		out.Days = append(out.Days, d)
	}
	return out
}

func (c *tsCmd) workday(args []string) error {
	fs := c.flags("workday")
	var hours [7]*string
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String()[:3])
		hours[d] = fs.String(name, "", "target `HOURS` on "+d.String()+", e.g. 8h or 7h30m")
	}
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	w, err := c.store.WorkdayRule(c.ctx, c.person)
	if err != nil {
		return err
	}
	changed := false
	for d, s := range hours {
		if *s == "" {
			continue
		}
		v, err := time.ParseDuration(*s)
		if *s == "0" {
			v, err = 0, nil
		}
		if err != nil {
			return usagef("rota timesheet workday: --%s %q is not a length like 8h", strings.ToLower(time.Weekday(d).String()[:3]), *s)
		}
		w.Hours[d], changed = v, true
	}
	if changed {
		if err := c.store.PutWorkdayRule(c.ctx, w); err != nil {
			return err
		}
	}
	for d := time.Monday; ; d = (d + 1) % 7 {
		fmt.Fprintf(c.stdout, "%s %s\n", d.String()[:3], model.FormatHours(w.Hours[d]))
		if d == time.Sunday {
			break
		}
	}
	return nil
}

func (c *tsCmd) off(args []string) error {
	fs := c.flags("off")
	reason := fs.String("reason", "", "`REASON`: the holiday's name, the kind of leave")
	leave := fs.Bool("leave", false, "leave of the person (counts once --approved)")
	approved := fs.Bool("approved", false, "the leave is approved")
	all := fs.Bool("all", false, "a public holiday for everyone")
	rm := fs.Bool("rm", false, "remove the day off")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("rota timesheet off: which DATE?")
	}
	if err := c.open(); err != nil {
		return err
	}
	d, err := c.tsDay(pos[0])
	if err != nil {
		return err
	}
	o := model.DayOff{Person: c.person, Date: d, Reason: *reason, Leave: *leave, Approved: *approved}
	if *all {
		o.Person = ""
	}
	if *rm {
		return c.store.DeleteDayOff(c.ctx, o.Person, d)
	}
	if o.Reason == "" {
		o.Reason = "holiday"
		if o.Leave {
			o.Reason = "leave"
		}
	}
	if err := c.store.PutDayOff(c.ctx, o); err != nil {
		return err
	}
	who := c.person
	if *all {
		who = "everyone"
	}
	fmt.Fprintf(c.stdout, "%s off for %s: %s\n", d, who, o.Reason)
	return nil
}
