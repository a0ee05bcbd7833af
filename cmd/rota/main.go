// Command rota runs schedules, appointments and timesheets from a terminal:
// one local SQLite store with a TUI, a CalDAV server, webcal feeds and .ics
// import and export. Bare `rota` opens the TUI; subcommands do the rest.
//
// main.go is the only place that knows which store and which doors run: it
// parses the global flags, opens the store and dispatches to cmdX functions
// with the signature func(e *env, args []string) error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"
)

// command is one subcommand of the dispatch table.
type command struct {
	run   func(e *env, args []string) error
	args  string // its arguments, for `rota help COMMAND`
	about string // what it does, for the list of commands
}

// commands is the dispatch table; each command lives in the file named in
// the comment above it.
var commands = map[string]command{
	// import.go, export.go, list.go, calendars.go, demo.go.
	"import":    {run: cmdImport, args: "FILE... [--calendar NAME]", about: "import .ics files, each all or nothing"},
	"export":    {run: cmdExport, args: "[--calendar NAME] [-o FILE]", about: "write one VCALENDAR (all calendars by default)"},
	"list":      {run: cmdList, args: "[--from DATE] [--to DATE] [--calendar NAME] [--json] [--conflicts=false]", about: "every instance in a window, clashes marked; --json for scripts"},
	"calendars": {run: cmdCalendars, args: "[add NAME [--color C] [--kind K] [--tz Z] [--display D] | rm NAME]", about: "list or change calendars"},
	"demo":      {run: cmdDemo, args: "[--open]", about: "fill the store with realistic sample data (idempotent)"},
	// serve.go.
	"serve": {run: cmdServe, args: "[--addr ADDR] [--tls-self-signed | --tls-cert F --tls-key F]", about: "the CalDAV server and webcal feeds"},
	"user":  {run: cmdUser, args: "add|passwd|del|list [NAME] [--person P]", about: "CalDAV logins"},
	"feed":  {run: cmdFeed, args: "add --calendar NAME | list | revoke TOKEN", about: "read-only webcal feeds"},
	// schedule.go.
	"schedule": {run: cmdSchedule, args: "create|list|show|edit|regenerate|delete|book|person|resource|availability|conflicts ...", about: "schedules, team members, rooms and equipment, availability"},
	"slots":    {run: cmdSlots, args: "(--calendar C | --person P) [--from DATE] [--to DATE] [--json] | book ...", about: "free slots of a person or calendar; book one after a conflict check"},
	// timesheet.go.
	"timesheet": {run: cmdTimesheet, args: "start|stop|log|edit|delete|submit|approve|reject|reopen|show|report|workday|off ...", about: "time entries, timer, approval, reports"},
	// tui.go (bare `rota`, also `rota tui`).
	"tui": {run: cmdTUI, args: "[--serve ADDR] [--week-start DAY] [--no-mouse]", about: "the terminal UI (also bare rota)"},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "rota ") && !strings.HasPrefix(msg, "rota: ") {
			msg = "rota: " + msg
		}
		fmt.Fprintln(os.Stderr, msg)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a mistake in how rota was called; main exits 2 for it.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{msg: fmt.Sprintf(format, args...)}
}

// run parses the global flags, opens the store and runs one subcommand.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runAt(ctx, time.Now, args, stdin, stdout, stderr)
}

// runAt is run with an injected clock, so tests pin "today".
func runAt(ctx context.Context, now func() time.Time, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rota", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	storePath := fs.String("store", "", "store `PATH` (also ROTA_STORE; default $XDG_DATA_HOME/rota/rota.db)")
	user := fs.String("user", "", "owner `NAME` of calendars the CLI makes (also ROTA_USER; default the OS user)")
	tz := fs.String("tz", "", "time `ZONE` for display and dates (IANA name; default local)")
	serve := fs.String("serve", "", "with the TUI, also serve CalDAV on `ADDR` in the same process")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, fs)
			return nil
		}
		return usagef("%v (see rota help)", err)
	}
	args = fs.Args()
	name := "tui"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		if len(args) > 0 {
			if c, ok := commands[args[0]]; ok {
				fmt.Fprintf(stdout, "usage: rota %s %s\n%s\n", args[0], c.args, c.about)
				return nil
			}
		}
		printUsage(stdout, fs)
		return nil
	}
	c, ok := commands[name]
	if !ok {
		return usagef("unknown command %q (see rota help)", name)
	}
	if *serve != "" {
		// `rota --serve ADDR` is the TUI with the server inside it.
		if name != "tui" {
			return usagef("--serve goes with the TUI (rota --serve ADDR); use rota serve for the server alone")
		}
		args = append([]string{"--serve", *serve}, args...)
	}
	cfg := config{StorePath: *storePath, User: *user, TZ: *tz, Now: now}
	e, err := newEnv(ctx, cfg, stdin, stdout, stderr, true)
	if err != nil {
		return err
	}
	defer e.close()
	if err := c.run(e, args); err != nil && !errors.Is(err, errHelpShown) {
		return err
	}
	return nil
}

// printUsage lists the global flags and every command.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "usage: rota [--store PATH] [--user NAME] [--tz ZONE] [COMMAND [ARGS]]")
	fmt.Fprintln(w, "\nWith no command rota opens the terminal UI.\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].about)
	}
	fmt.Fprintln(w, "  help       this list; rota help COMMAND or rota COMMAND -h for one command")
	fmt.Fprintln(w, "\nGlobal flags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// parseArgs parses flags that may come before, between or after positional
// arguments (`rota import a.ics --calendar work b.ics`), which flag.Parse
// alone does not allow. Everything after "--" is positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		rest := fs.Args()
		consumed := args[:len(args)-len(rest)]
		if len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
