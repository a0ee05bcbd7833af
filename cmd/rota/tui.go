package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"rota/caldav"
	"rota/model"
	"rota/store/sqlite"
	"rota/tui"
)

// cmdTUI runs the terminal UI: bare `rota`, or `rota tui [--serve ADDR]
// [--tz ZONE] [--week-start DAY] [--no-mouse]`. With --serve the CalDAV
// server runs in the same process, so a phone's changes show in the open
// TUI.
func cmdTUI(e *env, args []string) error {
	fs := flag.NewFlagSet("rota tui", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	serve := fs.String("serve", "", "also serve CalDAV on `ADDR` (e.g. 127.0.0.1:5232)")
	tz := fs.String("tz", "", "show times in `ZONE` (IANA name; default the global --tz or local)")
	weekStart := fs.String("week-start", "", "first `DAY` of the week (monday, sunday...; default from LC_TIME, else monday)")
	noMouse := fs.Bool("no-mouse", false, "leave the mouse to the terminal (select text) instead of clicking and scrolling")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(e.stdout, "usage: rota [tui] [--serve ADDR] [--tz ZONE] [--week-start DAY] [--no-mouse]")
			return errHelpShown
		}
		return usagef("rota tui: %v", err)
	}
	loc := e.loc
	if *tz != "" {
		var err error
		if loc, err = model.LoadZone(*tz); err != nil {
			return usagef("rota tui: --tz: %v", err)
		}
	}
	ws, err := weekStartOf(*weekStart)
	if err != nil {
		return usagef("rota tui: --week-start: %v", err)
	}

	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	if *serve != "" {
		stop, err := serveCalDAV(ctx, e, *serve)
		if err != nil {
			return err
		}
		defer stop()
	}
	// The timesheet is the one of the person linked to the login, if any.
	person := e.user
	if u, err := e.store.User(ctx, e.user); err == nil && u.Person != "" {
		person = u.Person
	}
	m := tui.New(tui.Options{
		Store:        e.store,
		Now:          e.now,
		Location:     loc,
		WeekStart:    ws,
		WeekStartSet: true,
		Owner:        e.user,
		Context:      ctx,
		Screens:      tuiScreens(e.store, e.user, person),
		NoMouse:      *noMouse,
	})
	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	if f, ok := e.stdin.(*os.File); ok {
		opts = append(opts, tea.WithInput(f))
	}
	if f, ok := e.stdout.(*os.File); ok {
		opts = append(opts, tea.WithOutput(f))
	}
	p := tea.NewProgram(m, opts...)
	// The TUI owns the terminal now: store warnings go to its status line.
	e.setWarn(func(err error) { p.Send(tui.WarningMsg{Err: err}) })
	defer e.setWarn(e.warnStderr)
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("rota tui: %w", err)
	}
	return nil
}

// tuiScreens are the screens after the four calendar views, keys 5..8:
// schedules, the slot finder, the availability editor and the timesheet of
// person.
func tuiScreens(st *sqlite.Store, user, person string) []tui.Screen {
	return []tui.Screen{
		tui.NewSchedules(st, user),
		tui.NewSlots(st),
		tui.NewAvailability(st, user),
		tui.NewTimesheet(st, user, person),
	}
}

// serveCalDAV runs the CalDAV handler on addr (caldav.Serve) until stop
// is called, which waits for in-flight writes. Server errors go nowhere
// while the TUI owns the terminal.
func serveCalDAV(ctx context.Context, e *env, addr string) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	ready := make(chan struct{})
	done := make(chan error, 1)
	h := caldav.New(caldav.Config{Store: e.store, Now: e.now})
	go func() {
		done <- caldav.Serve(ctx, addr, h, caldav.ServeOptions{
			Ready:           func(net.Addr) { close(ready) },
			ShutdownTimeout: 5 * time.Second,
		})
	}()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		return nil, fmt.Errorf("rota tui: --serve: %w", err)
	}
	return func() {
		cancel()
		<-done
	}, nil
}

// weekStartOf reads --week-start, else the locale: territories that start
// the week on Sunday (US, Canada, Japan...) get Sunday, others Monday.
func weekStartOf(s string) (time.Weekday, error) {
	if s != "" {
		for d := time.Sunday; d <= time.Saturday; d++ {
			name := strings.ToLower(d.String())
			if strings.EqualFold(s, name) || strings.EqualFold(s, name[:3]) {
				return d, nil
			}
		}
		return 0, fmt.Errorf("%q is not a weekday (monday, sunday...)", s)
	}
	loc := os.Getenv("LC_ALL")
	if loc == "" {
		loc = os.Getenv("LC_TIME")
	}
	if loc == "" {
		loc = os.Getenv("LANG")
	}
	if i := strings.IndexAny(loc, ".@"); i >= 0 {
		loc = loc[:i]
	}
	if _, terr, ok := strings.Cut(loc, "_"); ok {
		switch strings.ToUpper(terr) {
		case "US", "CA", "JP", "BR", "MX", "PH", "IL", "KR", "TW", "HK", "IN", "ZA":
			return time.Sunday, nil
		}
	}
	return time.Monday, nil
}
