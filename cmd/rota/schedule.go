package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"rota/model"
	"rota/model/ics"
	"rota/planner"
)

// cmdSchedule runs `rota schedule`: Altegio-style schedules whose
// occurrences live in a calendar of kind schedule.
func cmdSchedule(e *env, args []string) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprint(e.stdout, scheduleUsage)
		return nil
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "create":
		return scheduleCreate(e, args)
	case "list", "ls":
		return scheduleList(e, args)
	case "show":
		return scheduleShow(e, args)
	case "edit", "regenerate":
		return scheduleEdit(e, args)
	case "delete", "rm":
		return scheduleDelete(e, args)
	case "book":
		return scheduleBook(e, args)
	case "person":
		return schedulePerson(e, args)
	case "resource":
		return scheduleResource(e, args)
	case "availability":
		return scheduleAvailability(e, args)
	case "conflicts":
		return scheduleConflicts(e, args)
	}
	return usagef("rota schedule: unknown subcommand %q (see rota schedule help)", sub)
}

// isHelp reports whether a subcommand word asks for help.
func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "help" }

const scheduleUsage = `usage: rota schedule SUBCOMMAND ...
  create --file BODY.json | --name N --title T --end DATE --day SPEC...   [--calendar C] [--start DATE] [--tz ZONE]
  list
  show NAME [--json]                       occurrences with state and hand-changed fields
  edit NAME [--file BODY.json] [--day SPEC]... [--remove-day DAY]... [--end DATE] [--title T] [--force] [--dry-run]
  regenerate NAME [--force] [--dry-run]   rewrite future occurrences from the schedule as it is
  delete NAME
  book NAME DATE --client "Name <email>"... (refused beyond capacity)
  person add|rm|list NAME [--display D] [--email E] [--specialization S]
  resource add|rm|list NAME --kind room|equipment [--capacity N] [--quantity N] [--out-of-service N]
  availability set --name N (--person P | --calendar C) --tz ZONE --rule mon=09:00-12:00,13:00-17:00 ...
               [--date 2026-12-24=10:00-12:00] [--date 2026-12-25=] [--absence 2026-12-28..2026-12-31:approved]
  availability list
  availability export --name N           VAVAILABILITY (RFC 7953), holiday/block/downtime events included
  conflicts [--from DATE] [--to DATE]    people booked twice, resources over-used (lead and lag included)

SPEC is one weekday series: "mon,14:00,1h,PERSON[,cap=4][,break=10m][,label=L]...[,resource=R]..."
BODY.json is shaped like Altegio's create-schedule request body (see planner/testdata/seed_schedule.json).
`

// parseDaySpec reads "mon,14:00,1h,john,cap=4,break=10m,label=Tag,resource=room1".
func parseDaySpec(spec string) (model.WeekdaySeries, error) {
	parts := strings.Split(spec, ",")
	if len(parts) < 4 {
		return model.WeekdaySeries{}, usagef("--day %q: want DAY,HH:MM,DURATION,PERSON[,cap=N][,break=D][,label=L][,resource=R]", spec)
	}
	var s model.WeekdaySeries
	var err error
	if s.Weekday, err = model.ParseWeekday(parts[0]); err != nil {
		return s, usagef("--day %q: %v", spec, err)
	}
	if s.Time, err = model.ParseClock(parts[1]); err != nil {
		return s, usagef("--day %q: %v", spec, err)
	}
	if s.Duration, err = time.ParseDuration(parts[2]); err != nil {
		return s, usagef("--day %q: duration %q: use 1h, 45m...", spec, parts[2])
	}
	s.Person, s.Capacity = strings.TrimSpace(parts[3]), 1
	for _, p := range parts[4:] {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		switch k {
		case "cap", "capacity":
			if s.Capacity, err = strconv.Atoi(v); err != nil {
				return s, usagef("--day %q: capacity %q is not a number", spec, v)
			}
		case "break":
			if s.Break, err = time.ParseDuration(v); err != nil {
				return s, usagef("--day %q: break %q: use 10m", spec, v)
			}
		case "label":
			s.Labels = append(s.Labels, model.Label{Name: v})
		case "resource":
			s.Resources = append(s.Resources, v)
		default:
			return s, usagef("--day %q: unknown part %q (cap=, break=, label=, resource=)", spec, p)
		}
	}
	return s, nil
}

// readRequest reads a schedule request body (JSON shaped like the seed's)
// from path, "-" for standard input; errors name the file and line.
func readRequest(e *env, path string) (planner.ScheduleRequest, error) {
	var body []byte
	var err error
	if path == "-" {
		body, err = io.ReadAll(e.stdin)
	} else {
		body, err = os.ReadFile(path)
	}
	if err != nil {
		return planner.ScheduleRequest{}, fmt.Errorf("rota schedule: %w", err)
	}
	req, err := planner.ParseScheduleRequest(body)
	if err != nil {
		return req, fmt.Errorf("rota schedule: %s: %w", path, err)
	}
	return req, nil
}

func scheduleCreate(e *env, args []string) error {
	fs := e.newFlags("schedule create", "--file BODY.json | --name N --title T --end DATE --day SPEC...")
	file := fs.String("file", "", "request body `FILE` (JSON shaped like the seed's; - for stdin)")
	calName := fs.String("calendar", "schedules", "`CALENDAR` the occurrences go to (created, kind schedule, when missing)")
	name := fs.String("name", "", "schedule `NAME`")
	title := fs.String("title", "", "template event `TITLE`")
	desc := fs.String("description", "", "template `DESCRIPTION`")
	where := fs.String("location", "", "template `LOCATION`")
	start := fs.String("start", "", "first `DATE` (default today)")
	end := fs.String("end", "", "last `DATE`")
	tz := fs.String("tz", "", "time `ZONE` of the start times (default the calendar's, else --tz)")
	var days listFlag
	fs.Var(&days, "day", "weekday series `SPEC` (repeat)")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	var s model.Schedule
	var err error
	zone := *tz
	if zone == "" {
		zone = e.zoneOr("UTC")
	}
	if *file != "" {
		req, err := readRequest(e, *file)
		if err != nil {
			return err
		}
		if *name != "" {
			req.Name = *name
		}
		if s, err = req.Schedule(e.today(), zone); err != nil {
			return err
		}
	} else {
		s = model.Schedule{Name: *name, TimeZone: zone, EntityType: "activity", Start: e.today(),
			Template: model.ScheduleTemplate{Title: *title, Description: *desc, Location: *where}}
		if s.Template.Title == "" {
			s.Template.Title = *name
		}
		if *start != "" {
			if s.Start, err = model.ParseLocalDate(*start); err != nil {
				return usagef("--start: %v", err)
			}
		}
		if *end == "" {
			return usagef("rota schedule create: --end DATE is required (or --file)")
		}
		if s.End, err = model.ParseLocalDate(*end); err != nil {
			return usagef("rota schedule create: --end: %v", err)
		}
		for _, d := range days {
			ser, err := parseDaySpec(d)
			if err != nil {
				return err
			}
			s.Series = append(s.Series, ser)
		}
	}
	cal, err := e.scheduleCalendar(*calName, s.TimeZone)
	if err != nil {
		return err
	}
	s.Owner, s.CalendarID = e.user, cal.ID
	if err := e.store.CreateSchedule(e.ctx, &s); err != nil {
		return err
	}
	p, err := planner.Regenerate(e.ctx, e.store, &s, e.now(), false, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "schedule %s: %d occurrences in calendar %s, %s to %s\n", s.Name, len(p.Create), cal.Name, s.Start, s.End)
	return nil
}

// scheduleCalendar returns the owner's calendar called name, creating it as
// a schedule calendar when there is none.
func (e *env) scheduleCalendar(name, zone string) (model.Calendar, error) {
	cal, err := e.store.Calendar(e.ctx, e.user, name)
	if err == nil {
		return cal, nil
	}
	if !errors.Is(err, model.ErrNotFound) {
		return cal, err
	}
	cal = model.Calendar{Owner: e.user, Name: name, DisplayName: "Schedules", Kind: model.CalendarSchedule, TimeZone: zone,
		Components: []string{"VEVENT"}, Color: "#6A1B9A"}
	err = e.store.CreateCalendar(e.ctx, &cal)
	return cal, err
}

func scheduleList(e *env, args []string) error {
	fs := e.newFlags("schedule list", "")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	ss, err := e.store.Schedules(e.ctx, e.user)
	if err != nil {
		return err
	}
	if len(ss) == 0 {
		fmt.Fprintln(e.stdout, "no schedules (create one with rota schedule create)")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTITLE\tFROM\tTO\tSERIES")
	for _, s := range ss {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.Template.Title, s.Start, s.End, seriesSummary(&s))
	}
	return tw.Flush()
}

func seriesSummary(s *model.Schedule) string {
	var parts []string
	series := append([]model.WeekdaySeries(nil), s.Series...)
	sort.Slice(series, func(i, j int) bool { return (series[i].Weekday+6)%7 < (series[j].Weekday+6)%7 })
	for _, d := range series {
		parts = append(parts, fmt.Sprintf("%s %s %s %s", model.WeekdayName(d.Weekday), model.FormatClock(d.Time)[:5], shortDur(d.Duration), d.Person))
	}
	return strings.Join(parts, "; ")
}

func shortDur(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
}

// schedule loads the user's schedule named by the one positional argument
// of `rota schedule sub`.
func (e *env) schedule(sub string, pos []string) (model.Schedule, error) {
	if len(pos) != 1 {
		return model.Schedule{}, usagef("rota schedule %s: give one schedule name", sub)
	}
	return e.store.Schedule(e.ctx, e.user, pos[0])
}

// occurrenceJSON is one occurrence as the seed lists them (001_*.txt).
type occurrenceJSON struct {
	Date           string        `json:"date"`
	DayOfWeek      string        `json:"day_of_week"`
	Status         string        `json:"event_status"`
	Datetime       string        `json:"event_datetime"`
	Duration       int           `json:"events_duration"`
	Master         string        `json:"events_master"`
	EntityDatetime string        `json:"entity_datetime"`
	EntityDuration int           `json:"entity_duration"`
	EntityMaster   string        `json:"entity_master"`
	EntityLabels   []model.Label `json:"entity_labels"`
	EntityRes      []string      `json:"entity_resource_instances"`
	Capacity       int           `json:"capacity"`
	Clients        int           `json:"clients"`
	model.ChangedFields
}

func scheduleShow(e *env, args []string) error {
	fs := e.newFlags("schedule show", "NAME [--json]")
	asJSON := fs.Bool("json", false, "print JSON shaped like the seed's event list")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	s, err := e.schedule("show", pos)
	if err != nil {
		return err
	}
	occs, err := planner.Occurrences(e.ctx, e.store, &s)
	if err != nil {
		return err
	}
	loc, _ := model.LoadZone(s.TimeZone)
	if *asJSON {
		out := struct {
			Schedule    planner.ScheduleRequest `json:"schedule"`
			Occurrences []occurrenceJSON        `json:"events"`
		}{Schedule: planner.Request(&s), Occurrences: []occurrenceJSON{}}
		for _, o := range occs {
			out.Occurrences = append(out.Occurrences, occurrenceJSON{
				Date: o.Date.String(), DayOfWeek: model.WeekdayName(o.Weekday), Status: string(o.State),
				Datetime: o.Planned.Start.In(loc).Format(time.RFC3339), Duration: int(o.Planned.Duration / time.Second), Master: o.Planned.Person,
				EntityDatetime: o.Actual.Start.In(loc).Format(time.RFC3339), EntityDuration: int(o.Actual.Duration / time.Second),
				EntityMaster: o.Actual.Person, EntityLabels: o.Actual.Labels, EntityRes: o.Actual.Resources,
				Capacity: o.Capacity, Clients: len(o.Clients), ChangedFields: o.Changed,
			})
		}
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "%s: %s, %s to %s (%s)\n%s\n\n", s.Name, s.Template.Title, s.Start, s.End, s.TimeZone, seriesSummary(&s))
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DATE\tDAY\tPLANNED\tACTUAL\tWHO\tCLIENTS\tSTATE\tCHANGED BY HAND")
	for _, o := range occs {
		actual := o.Actual.Start.In(loc).Format("15:04") + " " + shortDur(o.Actual.Duration)
		if o.Deleted {
			actual = "-"
		}
		who := o.Actual.Person
		changed := strings.Join(o.Changed.Names(), ", ")
		if o.Deleted {
			changed = "deleted"
		}
		clients := fmt.Sprintf("%d/%d", len(o.Clients), o.Capacity)
		if o.Overbooked() {
			clients += " overbooked"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.Date, model.WeekdayName(o.Weekday),
			o.Planned.Start.In(loc).Format("15:04")+" "+shortDur(o.Planned.Duration), actual, who, clients, o.State, changed)
	}
	return tw.Flush()
}

func scheduleEdit(e *env, args []string) error {
	fs := e.newFlags("schedule edit", "NAME [--file BODY.json] [--day SPEC]... [--remove-day DAY]... [--end DATE] [--force] [--dry-run]")
	file := fs.String("file", "", "replace the definition with this request body `FILE`")
	title := fs.String("title", "", "new template `TITLE`")
	end := fs.String("end", "", "new last `DATE`")
	force := fs.Bool("force", false, "overwrite occurrences changed by hand")
	dry := fs.Bool("dry-run", false, "show what would change and write nothing")
	var days, remove listFlag
	fs.Var(&days, "day", "set a weekday series `SPEC` (repeat)")
	fs.Var(&remove, "remove-day", "remove the series of `DAY` (repeat)")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	s, err := e.schedule("edit", pos)
	if err != nil {
		return err
	}
	if *file != "" {
		req, err := readRequest(e, *file)
		if err != nil {
			return err
		}
		req.Name = s.Name
		if req.DateStart == "" {
			req.DateStart = s.Start.String()
		}
		ns, err := req.Schedule(s.Start, s.TimeZone)
		if err != nil {
			return err
		}
		ns.ID, ns.Owner, ns.CalendarID, ns.Created = s.ID, s.Owner, s.CalendarID, s.Created
		s = ns
	}
	if *title != "" {
		s.Template.Title = *title
	}
	if *end != "" {
		if s.End, err = model.ParseLocalDate(*end); err != nil {
			return usagef("--end: %v", err)
		}
	}
	for _, d := range days {
		ser, err := parseDaySpec(d)
		if err != nil {
			return err
		}
		replaced := false
		for i := range s.Series {
			if s.Series[i].Weekday == ser.Weekday {
				s.Series[i], replaced = ser, true
			}
		}
		if !replaced {
			s.Series = append(s.Series, ser)
		}
	}
	for _, r := range remove {
		wd, err := model.ParseWeekday(r)
		if err != nil {
			return usagef("--remove-day: %v", err)
		}
		kept := s.Series[:0]
		for _, ser := range s.Series {
			if ser.Weekday != wd {
				kept = append(kept, ser)
			}
		}
		s.Series = kept
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("rota schedule edit %s: %w", s.Name, err)
	}
	if !*dry {
		if err := e.store.UpdateSchedule(e.ctx, &s); err != nil {
			return err
		}
	}
	p, err := planner.Regenerate(e.ctx, e.store, &s, e.now(), *force, *dry)
	if err != nil {
		return err
	}
	printPlan(e, &s, p, *dry)
	return nil
}

func printPlan(e *env, s *model.Schedule, p planner.Plan, dry bool) {
	loc, _ := model.LoadZone(s.TimeZone)
	verb := "regenerated"
	if dry {
		verb = "would regenerate (dry run, nothing written)"
	}
	fmt.Fprintf(e.stdout, "schedule %s %s: %d created, %d changed, %d deleted, %d kept, %d unchanged, %d past left alone\n",
		s.Name, verb, len(p.Create), len(p.Update), len(p.Delete), len(p.Kept), len(p.Unchanged), len(p.Past))
	line := func(tag string, o model.ScheduleOccurrence, note string) {
		fmt.Fprintf(e.stdout, "  %-8s %s %s %s %s\n", tag, o.Date, model.WeekdayName(o.Weekday), o.Planned.Start.In(loc).Format("15:04"), note)
	}
	for _, o := range p.Create {
		line("create", o, string(o.State))
	}
	for _, o := range p.Update {
		line("change", o, string(o.State))
	}
	for _, o := range p.Delete {
		line("delete", o, string(o.State))
	}
	for _, o := range p.Kept {
		why := "changed by hand: " + strings.Join(o.Changed.Names(), ", ")
		if o.Deleted {
			why = "deleted by hand"
		}
		line("kept", o, why+" (use --force to overwrite)")
	}
}

func scheduleDelete(e *env, args []string) error {
	fs := e.newFlags("schedule delete", "NAME")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	s, err := e.schedule("delete", pos)
	if err != nil {
		return err
	}
	n, err := planner.Delete(e.ctx, e.store, &s)
	if err != nil {
		return err
	}
	if err := e.store.DeleteSchedule(e.ctx, s.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "schedule %s deleted with its %d series objects\n", s.Name, n)
	return nil
}

// parseClient reads "Name <email>", "email" or "Name".
func parseClient(s string) model.Participant {
	p := model.Participant{Type: model.TypeIndividual, Role: model.RoleRequired, Status: model.InviteAccepted}
	if i := strings.Index(s, "<"); i >= 0 && strings.HasSuffix(s, ">") {
		p.Name, p.Email = strings.TrimSpace(s[:i]), s[i+1:len(s)-1]
	} else if strings.Contains(s, "@") {
		p.Email = strings.TrimSpace(s)
	} else {
		p.Name = strings.TrimSpace(s)
	}
	return p
}

func scheduleBook(e *env, args []string) error {
	fs := e.newFlags("schedule book", `NAME DATE --client "Name <email>"...`)
	var clients listFlag
	fs.Var(&clients, "client", "`CLIENT` to book, \"Name <email>\" (repeat)")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || len(clients) == 0 {
		return usagef(`rota schedule book: give NAME DATE and at least one --client "Name <email>"`)
	}
	s, err := e.schedule("book", pos[:1])
	if err != nil {
		return err
	}
	day, err := model.ParseLocalDate(pos[1])
	if err != nil {
		return usagef("rota schedule book: %v", err)
	}
	var ps []model.Participant
	for _, c := range clients {
		ps = append(ps, parseClient(c))
	}
	o, err := planner.Book(e.ctx, e.store, &s, day, ps...)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "booked %d on %s %s: %d of %d places taken\n", len(ps), s.Name, day, len(o.Clients), o.Capacity)
	return nil
}

func schedulePerson(e *env, args []string) error {
	fs := e.newFlags("schedule person", "add|rm|list [NAME] [--display D] [--email E] [--specialization S]")
	display := fs.String("display", "", "display `NAME`")
	email := fs.String("email", "", "`EMAIL`")
	spec := fs.String("specialization", "", "`TITLE` or position")
	sub, pos, err := e.subcommand(fs, args, "schedule person", "add, rm, list")
	if err != nil {
		return err
	}
	switch sub {
	case "list", "ls":
		ps, err := e.store.People(e.ctx)
		if err != nil {
			return err
		}
		for _, p := range ps {
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", p.Name, p.DisplayName, p.Email, p.Specialization)
		}
		return nil
	case "add":
		if len(pos) != 1 {
			return usagef("rota schedule person add NAME")
		}
		if err := e.store.PutPerson(e.ctx, model.Person{Name: pos[0], DisplayName: *display, Email: *email, Specialization: *spec}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "team member %s saved\n", pos[0])
		return nil
	case "rm":
		if len(pos) != 1 {
			return usagef("rota schedule person rm NAME")
		}
		if err := e.store.DeletePerson(e.ctx, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "team member %s removed\n", pos[0])
		return nil
	}
	return usagef("rota schedule person: unknown %q (add, rm, list)", sub)
}

func scheduleResource(e *env, args []string) error {
	fs := e.newFlags("schedule resource", "add|rm|list [NAME] [--kind room|equipment] [--capacity N] [--quantity N] [--out-of-service N]")
	kind := fs.String("kind", "room", "`KIND`: room or equipment")
	capacity := fs.Int("capacity", 0, "room: most `PEOPLE` it holds")
	qty := fs.Int("quantity", 1, "equipment: `UNITS` in all")
	oos := fs.Int("out-of-service", 0, "equipment: `UNITS` out of service")
	desc := fs.String("description", "", "`TEXT`")
	inactive := fs.Bool("inactive", false, "take the resource out of use")
	sub, pos, err := e.subcommand(fs, args, "schedule resource", "add, rm, list")
	if err != nil {
		return err
	}
	switch sub {
	case "list", "ls":
		rs, err := e.store.Resources(e.ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tKIND\tCAPACITY\tQUANTITY\tOUT OF SERVICE\tACTIVE")
		for _, r := range rs {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%v\n", r.Name, r.Kind, r.Capacity, r.Quantity, r.OutOfService, r.Active)
		}
		return tw.Flush()
	case "add":
		if len(pos) != 1 {
			return usagef("rota schedule resource add NAME --kind room|equipment")
		}
		r := model.Resource{Name: pos[0], Kind: model.ResourceKind(*kind), Capacity: *capacity, Description: *desc, Active: !*inactive}
		if r.Kind == model.ResourceEquipment {
			r.Quantity, r.OutOfService = *qty, *oos
		}
		if err := e.store.PutResource(e.ctx, r); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s %s saved\n", r.Kind, r.Name)
		return nil
	case "rm":
		if len(pos) != 1 {
			return usagef("rota schedule resource rm NAME")
		}
		if err := e.store.DeleteResource(e.ctx, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "resource %s removed\n", pos[0])
		return nil
	}
	return usagef("rota schedule resource: unknown %q (add, rm, list)", sub)
}

// parseIntervals reads "09:00-12:00,13:00-17:00" ("" = none).
func parseIntervals(s string) ([]model.DayInterval, error) {
	var out []model.DayInterval
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		a, b, ok := strings.Cut(part, "-")
		if !ok {
			return nil, fmt.Errorf("interval %q: want HH:MM-HH:MM", part)
		}
		from, err := model.ParseClock(a)
		if err != nil {
			return nil, err
		}
		to := 24 * time.Hour
		if b != "24:00" {
			if to, err = model.ParseClock(b); err != nil {
				return nil, err
			}
		}
		out = append(out, model.DayInterval{From: from, To: to})
	}
	return out, nil
}

// parseDayRule reads the value of --rule ("mon=09:00-12:00,13:00-17:00")
// or --date ("2026-12-24=10:00-12:00"; nothing after = is closed).
func parseDayRule(flagName, s string) (model.AvailabilityRule, error) {
	day, ivs, _ := strings.Cut(s, "=")
	var r model.AvailabilityRule
	var err error
	if flagName == "date" {
		r.Date, err = model.ParseLocalDate(day)
	} else {
		r.Weekday, err = model.ParseWeekday(day)
	}
	if err == nil {
		r.Intervals, err = parseIntervals(ivs)
	}
	if err != nil {
		return r, usagef("--%s %q: %v", flagName, s, err)
	}
	return r, nil
}

func scheduleAvailability(e *env, args []string) error {
	fs := e.newFlags("schedule availability", "set --name N (--person P | --calendar C) [--tz ZONE] [--rule DAY=HH:MM-HH:MM,...]... | list | export --name N")
	name := fs.String("name", "", "availability `NAME`")
	person := fs.String("person", "", "team `MEMBER` it belongs to")
	calName := fs.String("calendar", "", "`CALENDAR` it applies to")
	tz := fs.String("tz", "", "time `ZONE` of the rules")
	var rules, dates, absences listFlag
	fs.Var(&rules, "rule", "weekly `DAY=HH:MM-HH:MM[,...]` (repeat)")
	fs.Var(&dates, "date", "date rule `YYYY-MM-DD=HH:MM-HH:MM[,...]`, empty = closed (repeat)")
	fs.Var(&absences, "absence", "holiday or leave `FROM..TO:STATE` (requested, approved, rejected; repeat)")
	sub, _, err := e.subcommand(fs, args, "schedule availability", "set, list, export")
	if err != nil {
		return err
	}
	switch sub {
	case "list", "ls":
		as, err := e.store.Availabilities(e.ctx, e.user)
		if err != nil {
			return err
		}
		for _, a := range as {
			fmt.Fprintf(e.stdout, "%s\tperson=%s\tcalendar=%d\t%s\t%d rules\t%d absences\n", a.Name, a.Person, a.CalendarID, a.TimeZone, len(a.Rules), len(a.Absences))
		}
		return nil
	case "export":
		if *name == "" {
			return usagef("rota schedule availability export --name NAME")
		}
		as, err := e.store.Availabilities(e.ctx, e.user)
		if err != nil {
			return err
		}
		for _, a := range as {
			if a.Name != *name {
				continue
			}
			now := e.now()
			cur, err := planner.CurrentAvailability(e.ctx, e.store, a, model.Range{From: now.AddDate(0, 0, -7), To: now.AddDate(0, 3, 0)})
			if err != nil {
				return err
			}
			return ics.EncodeAvailability(e.stdout, &cur, now, now)
		}
		return fmt.Errorf("rota schedule availability: no availability %q: %w", *name, model.ErrNotFound)
	case "set":
	default:
		return usagef("rota schedule availability: unknown %q (set, list, export)", sub)
	}
	a := model.Availability{Owner: e.user, Name: *name, Person: *person, TimeZone: *tz}
	if a.TimeZone == "" {
		a.TimeZone = e.zoneOr("UTC")
	}
	if old, err := e.store.Availabilities(e.ctx, e.user); err == nil {
		for _, o := range old {
			if o.Name == a.Name {
				a.ID, a.Created = o.ID, o.Created
			}
		}
	}
	if *calName != "" {
		cal, err := e.store.Calendar(e.ctx, e.user, *calName)
		if err != nil {
			return err
		}
		a.CalendarID = cal.ID
	}
	for _, r := range rules {
		rule, err := parseDayRule("rule", r)
		if err != nil {
			return err
		}
		a.Rules = append(a.Rules, rule)
	}
	for _, r := range dates {
		rule, err := parseDayRule("date", r)
		if err != nil {
			return err
		}
		a.Rules = append(a.Rules, rule)
	}
	for _, r := range absences {
		span, state, _ := strings.Cut(r, ":")
		from, to, ok := strings.Cut(span, "..")
		if !ok {
			to = from
		}
		var ab model.Absence
		var err error
		if ab.From, err = model.ParseLocalDate(from); err != nil {
			return usagef("--absence %q: %v", r, err)
		}
		if ab.To, err = model.ParseLocalDate(to); err != nil {
			return usagef("--absence %q: %v", r, err)
		}
		ab.State, ab.Leave = model.AbsenceState(state), true
		if state == "" || state == "holiday" {
			ab.State, ab.Leave = model.AbsenceApproved, false
		}
		a.Absences = append(a.Absences, ab)
	}
	if err := e.store.PutAvailability(e.ctx, &a); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "availability %s: %s, %s\n", a.Name, plural(len(a.Rules), "rule"), plural(len(a.Absences), "absence"))
	return nil
}

// cmdSlots runs `rota slots`: free slots of a calendar or person, or
// `rota slots book` to book one.
func cmdSlots(e *env, args []string) error {
	if len(args) > 0 && args[0] == "book" {
		return slotsBook(e, args[1:])
	}
	fs := e.newFlags("slots", "(--calendar C | --person P) [--from DATE] [--to DATE] [--duration LENGTH] [--json] ...\n       rota slots book --calendar C --at TIME --title T ... (see rota slots book -h)")
	calName := fs.String("calendar", "", "`CALENDAR` whose slots (its events take seats)")
	person := fs.String("person", "", "`PERSON` whose slots (every event holding them blocks)")
	from := fs.String("from", "today", "first `DATE`")
	to := fs.String("to", "", "`DATE` after the last (default from + 7 days; at most 31 days)")
	var st model.SlotSettings
	dur := fs.Duration("duration", 0, "slot `LENGTH` (default the calendar's setting, else 30m)")
	fs.DurationVar(&st.Interval, "interval", 0, "`LENGTH` between slot starts (default the duration)")
	fs.DurationVar(&st.PreBuffer, "pre", 0, "buffer `LENGTH` kept free before a slot")
	fs.DurationVar(&st.PostBuffer, "post", 0, "buffer `LENGTH` kept free after a slot")
	fs.DurationVar(&st.Notice, "notice", 0, "minimum scheduling notice (`LENGTH`)")
	fs.DurationVar(&st.Horizon, "horizon", 0, "how far ahead booking is allowed (`LENGTH`; 0 = no limit)")
	fs.IntVar(&st.PerSlot, "per-slot", 0, "`N` appointments per slot (default 1)")
	fs.IntVar(&st.PerDay, "per-day", 0, "`N` appointments per day (0 = no limit)")
	var res listFlag
	fs.Var(&res, "resource", "`RESOURCE` every booking needs (repeat)")
	save := fs.Bool("save", false, "store these settings as the calendar's")
	asJSON := fs.Bool("json", false, "print a JSON map keyed by date")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	if (*calName == "") == (*person == "") {
		return usagef("rota slots: give --calendar or --person")
	}
	r, err := e.window(*from, *to, 7)
	if err != nil {
		return err
	}
	q := planner.SlotQuery{Person: *person, Range: r, Zone: e.loc, Now: e.now()}
	set := flagsSet(fs)
	if *calName != "" {
		cal, err := e.store.Calendar(e.ctx, e.user, *calName)
		if err != nil {
			return err
		}
		q.Calendar = &cal
		if saved, err := e.store.SlotSettings(e.ctx, cal.ID); err == nil {
			st = mergeSettings(saved, st, set)
			if !set["duration"] {
				*dur = saved.Duration
			}
		}
	}
	st.Duration = *dur
	if st.Duration == 0 {
		st.Duration = 30 * time.Minute
	}
	if len(res) > 0 {
		st.Resources = res
	}
	q.Settings = st
	if *save {
		if q.Calendar == nil {
			return usagef("rota slots: --save needs --calendar")
		}
		if err := e.store.PutSlotSettings(e.ctx, q.Calendar.ID, st); err != nil {
			return err
		}
	}
	days, err := planner.FreeSlots(e.ctx, e.store, q)
	if err != nil {
		return err
	}
	if *asJSON {
		out := map[string]model.DaySlots{}
		for _, d := range days {
			out[d.Date.String()] = d
		}
		return writeJSON(e.stdout, out)
	}
	if len(days) == 0 {
		fmt.Fprintln(e.stdout, "no free slots in range")
		return nil
	}
	for _, d := range days {
		var starts []string
		for _, s := range d.Slots {
			starts = append(starts, s.Start.Format("15:04"))
		}
		fmt.Fprintf(e.stdout, "%s %s  %s\n", d.Date, model.WeekdayName(d.Date.Weekday()), strings.Join(starts, " "))
	}
	return nil
}

// mergeSettings takes saved settings and overrides the flags given.
func mergeSettings(saved, flags model.SlotSettings, set map[string]bool) model.SlotSettings {
	out := saved
	if set["interval"] {
		out.Interval = flags.Interval
	}
	if set["pre"] {
		out.PreBuffer = flags.PreBuffer
	}
	if set["post"] {
		out.PostBuffer = flags.PostBuffer
	}
	if set["notice"] {
		out.Notice = flags.Notice
	}
	if set["horizon"] {
		out.Horizon = flags.Horizon
	}
	if set["per-slot"] {
		out.PerSlot = flags.PerSlot
	}
	if set["per-day"] {
		out.PerDay = flags.PerDay
	}
	return out
}

func scheduleConflicts(e *env, args []string) error {
	fs := e.newFlags("schedule conflicts", "[--from DATE] [--to DATE]")
	from := fs.String("from", "today", "first `DATE`")
	to := fs.String("to", "", "`DATE` after the last (default from + 31 days)")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	r, err := e.window(*from, *to, 31)
	if err != nil {
		return err
	}
	cs, err := planner.Conflicts(e.ctx, e.store, r, e.loc)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		fmt.Fprintln(e.stdout, "no conflicts")
		return nil
	}
	for _, c := range cs {
		fmt.Fprintf(e.stdout, "%s %s: %s (%s)\n", c.From.In(e.loc).Format("2006-01-02 15:04"), c.UID, c.Error(), c.Kind)
	}
	return nil
}

// slotsBook books one appointment after a conflict check: refused with the
// conflicts listed unless --override, which books it marked as a conflict
// (X-ROTA-CONFLICT).
func slotsBook(e *env, args []string) error {
	fs := e.newFlags("slots book", "--calendar C [--person P] --at TIME [--duration D] --title T [--resource R]... [--override]")
	calName := fs.String("calendar", "", "`CALENDAR` to book into")
	person := fs.String("person", "", "`PERSON` the appointment is with")
	atFlag := fs.String("at", "", "start `TIME`: RFC 3339 or \"YYYY-MM-DD HH:MM\" in --tz")
	dur := fs.Duration("duration", 30*time.Minute, "`LENGTH` of the appointment")
	title := fs.String("title", "", "`TITLE`")
	lead := fs.Duration("lead", 0, "lead time (`LENGTH`) blocked before")
	lag := fs.Duration("lag", 0, "lag time (`LENGTH`) blocked after")
	override := fs.Bool("override", false, "book despite conflicts (recorded on the event)")
	var res listFlag
	fs.Var(&res, "resource", "`RESOURCE` it books (repeat)")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	if *calName == "" || *atFlag == "" || *title == "" {
		return usagef("rota slots book: give --calendar, --at and --title")
	}
	start, err := time.Parse(time.RFC3339, *atFlag)
	if err != nil {
		if start, err = time.ParseInLocation("2006-01-02 15:04", *atFlag, e.loc); err != nil {
			return usagef("--at %q: use RFC 3339 or \"YYYY-MM-DD HH:MM\"", *atFlag)
		}
	}
	cal, err := e.store.Calendar(e.ctx, e.user, *calName)
	if err != nil {
		return err
	}
	ev := model.Event{UID: "", Kind: model.KindAppointment, Component: "VEVENT", Title: *title, Start: start, End: start.Add(*dur),
		Status: model.StatusConfirmed, Person: *person, Resources: res, LeadTime: *lead, LagTime: *lag}
	if e.zone != "UTC" {
		ev.TZID = e.zone
	}
	cs, err := planner.Check(e.ctx, e.store, &ev, ev.Start, ev.End, e.loc)
	if err != nil {
		return err
	}
	if len(cs) > 0 && !*override {
		var msgs []string
		for _, c := range cs {
			msgs = append(msgs, c.Error())
		}
		return fmt.Errorf("rota slots book: not booked, it conflicts: %s (use --override to book anyway): %w", strings.Join(msgs, "; "), model.ErrConflict)
	}
	ev.Conflict = len(cs) > 0
	o, err := ics.New(ev)
	if err != nil {
		return err
	}
	o.CalendarID, o.Name = cal.ID, ics.ObjectName(o.UID)
	if _, err := e.store.PutObject(e.ctx, &o, model.Condition{IfNoneMatch: true}); err != nil {
		return err
	}
	note := ""
	if ev.Conflict {
		note = fmt.Sprintf(" despite %d conflicts (marked)", len(cs))
	}
	fmt.Fprintf(e.stdout, "booked %q %s in %s%s\n", ev.Title, start.In(e.loc).Format("Mon 2 Jan 2006 15:04"), cal.Name, note)
	return nil
}
