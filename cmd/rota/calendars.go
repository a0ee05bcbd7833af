package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"rota/model"
)

const calendarsUsage = "[add NAME [--color #RRGGBB] [--kind events|tasks|schedule|timesheet] [--tz ZONE] [--display NAME] | rm NAME [--force]]"

// cmdCalendars runs `rota calendars`: the list, or add / rm.
func cmdCalendars(e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "add":
			return e.calendarAdd(args[1:])
		case "rm", "remove", "delete":
			return e.calendarRemove(args[1:])
		case "list", "ls":
			args = args[1:]
		}
	}
	fs := e.newFlags("calendars", calendarsUsage)
	if rest, err := e.parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("calendars: unknown argument %q (usage: rota calendars %s)", rest[0], calendarsUsage)
	}
	cals, err := e.store.Calendars(e.ctx, "")
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tOWNER\tKIND\tCOLOUR\tOBJECTS\tDISPLAY NAME")
	for _, c := range cals {
		objs, err := e.store.ListObjects(e.ctx, c.ID, false)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", c.Name, c.Owner, c.Kind, dash(c.Color), len(objs), c.DisplayName)
	}
	if len(cals) == 0 {
		fmt.Fprintf(e.stderr, "no calendars in %s yet: try `rota demo` or `rota import FILE`\n", e.storePath)
	}
	return tw.Flush()
}

func (e *env) calendarAdd(args []string) error {
	const usage = "NAME [--color #RRGGBB] [--kind events|tasks|schedule|timesheet] [--tz ZONE] [--display NAME]"
	fs := e.newFlags("calendars add", usage)
	color := fs.String("color", "", "colour `#RRGGBB`")
	kind := fs.String("kind", string(model.CalendarEvents), "`KIND` of calendar: events, tasks, schedule or timesheet")
	tz := fs.String("tz", "", "IANA time `ZONE` for floating times")
	display := fs.String("display", "", "display `NAME` (default NAME)")
	rest, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("calendars add: want one NAME (usage: rota calendars add %s)", usage)
	}
	c := model.Calendar{Owner: e.user, Name: rest[0], DisplayName: *display, Color: *color, TimeZone: *tz, Kind: model.CalendarKind(*kind)}
	if c.DisplayName == "" {
		c.DisplayName = c.Name
	}
	switch c.Kind {
	case model.CalendarEvents, model.CalendarSchedule, model.CalendarTimesheet:
		c.Components = []string{"VEVENT"}
		if c.Kind == model.CalendarEvents {
			c.Components = nil // events and tasks, as CalDAV clients expect
		}
	case model.CalendarTasks:
		c.Components = []string{"VTODO"}
	default:
		return usagef("calendars add: --kind %q is not events, tasks, schedule or timesheet", *kind)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("calendars add: %w", err)
	}
	if err := e.store.CreateCalendar(e.ctx, &c); err != nil {
		if errors.Is(err, model.ErrConflict) {
			return fmt.Errorf("calendars add: %s already has a calendar %q", e.user, c.Name)
		}
		return fmt.Errorf("calendars add: %w", err)
	}
	fmt.Fprintf(e.stdout, "created calendar %s (owner %s)\n", c.Name, c.Owner)
	return nil
}

func (e *env) calendarRemove(args []string) error {
	const usage = "NAME [--force]"
	fs := e.newFlags("calendars rm", usage)
	force := fs.Bool("force", false, "remove it even if it holds objects")
	rest, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("calendars rm: want one NAME (usage: rota calendars rm %s)", usage)
	}
	c, err := e.findCalendar(rest[0])
	if err != nil {
		return fmt.Errorf("calendars rm: %w", err)
	}
	objs, err := e.store.ListObjects(e.ctx, c.ID, false)
	if err != nil {
		return err
	}
	if len(objs) > 0 && !*force {
		return fmt.Errorf("calendars rm: %s holds %d objects; add --force to remove them too", c.Name, len(objs))
	}
	if err := e.store.DeleteCalendar(e.ctx, c.ID); err != nil {
		return fmt.Errorf("calendars rm: %w", err)
	}
	fmt.Fprintf(e.stdout, "removed calendar %s and its %d objects\n", c.Name, len(objs))
	return nil
}

// findCalendar finds a calendar by name: e.user's first, else the only one
// of that name among all owners. "owner/name" picks the owner.
func (e *env) findCalendar(name string) (model.Calendar, error) {
	owner := e.user
	if o, n, ok := strings.Cut(name, "/"); ok {
		owner, name = o, n
	}
	c, err := e.store.Calendar(e.ctx, owner, name)
	if err == nil || !errors.Is(err, model.ErrNotFound) || owner != e.user {
		return c, err
	}
	all, err := e.store.Calendars(e.ctx, "")
	if err != nil {
		return c, err
	}
	var found []model.Calendar
	var names []string
	for _, c := range all {
		if c.Name == name {
			found = append(found, c)
		}
		names = append(names, c.Owner+"/"+c.Name)
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		have := strings.Join(names, ", ")
		if len(names) > 8 {
			have = strings.Join(names[:8], ", ") + fmt.Sprintf(" and %d more: see rota calendars", len(names)-8)
		}
		if len(names) == 0 {
			have = "none yet"
		}
		return c, fmt.Errorf("no calendar %q (have: %s): %w", name, have, model.ErrNotFound)
	}
	return c, fmt.Errorf("several owners have a calendar %q; say which as OWNER/%s", name, name)
}

// calendarsFor returns the calendar named, or every calendar when name is "".
func (e *env) calendarsFor(name string) ([]model.Calendar, error) {
	if name == "" {
		return e.store.Calendars(e.ctx, "")
	}
	c, err := e.findCalendar(name)
	if err != nil {
		return nil, err
	}
	return []model.Calendar{c}, nil
}
