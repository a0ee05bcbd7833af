package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"rota/model"
	"rota/store/sqlite"
)

// config is what the global flags (or the config file) say, before
// anything is opened.
type config struct {
	StorePath string // --store, ROTA_STORE, store =
	User      string // --user, ROTA_USER, user =
	TZ        string // --tz, ROTA_TZ, tz =
	Now       func() time.Time
}

// env is what every subcommand gets: the opened store, the standard streams,
// the clock, the owner name and the display zone.
type env struct {
	ctx       context.Context
	store     *sqlite.Store // nil for commands that do not need it
	storePath string
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
	now       func() time.Time
	user      string         // owner of calendars the CLI makes; CalDAV login
	loc       *time.Location // display zone and the zone of floating times and plain dates
	zone      string         // loc's IANA name, for TZIDs and calendar zones; "" when the local zone has none
	// warn is where the store's warnings go: stderr, or the TUI's status
	// line while the TUI owns the terminal. Atomic: the in-process CalDAV
	// server's requests may warn while cmdTUI swaps it.
	warn atomic.Pointer[func(error)]
}

// setWarn routes the store's warnings to f.
func (e *env) setWarn(f func(error)) { e.warn.Store(&f) }

// warnStderr is the default home of warnings.
func (e *env) warnStderr(err error) { fmt.Fprintf(e.stderr, "rota: warning: %v\n", err) }

// newEnv resolves the configuration (each setting from its flag, else its
// environment variable, else the config file, else a default) and, when
// openStore is set, opens the store, creating its file and directory on
// demand.
func newEnv(ctx context.Context, cfg config, stdin io.Reader, stdout, stderr io.Writer, openStore bool) (*env, error) {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, now: cfg.Now}
	if e.now == nil {
		e.now = time.Now
	}
	file, err := readConfigFile()
	if err != nil {
		return nil, err
	}
	if e.storePath, err = storePath(pick(cfg.StorePath, "ROTA_STORE", file.StorePath)); err != nil {
		return nil, err
	}
	if e.user, err = ownerName(pick(cfg.User, "ROTA_USER", file.User)); err != nil {
		return nil, err
	}
	if tz := pick(cfg.TZ, "ROTA_TZ", file.TZ); tz != "" {
		if e.loc, err = model.LoadZone(tz); err != nil {
			return nil, usagef("--tz: %v", err)
		}
		e.zone = e.loc.String()
	} else {
		e.loc, e.zone = localZone()
	}
	if openStore {
		if err := os.MkdirAll(filepath.Dir(e.storePath), 0o700); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		e.setWarn(e.warnStderr)
		warn := func(err error) { (*e.warn.Load())(err) }
		if e.store, err = sqlite.Open(e.storePath, sqlite.Options{Now: e.now, Warn: warn}); err != nil {
			return nil, fmt.Errorf("open store %s: %w", e.storePath, err)
		}
	}
	return e, nil
}

// pick is the flag's value, else the environment variable's, else the
// config file's.
func pick(flagValue, envName, fileValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := os.Getenv(envName); v != "" {
		return v
	}
	return fileValue
}

// localZone is the local zone under its IANA name (from TZ, else the
// /etc/localtime link, else /etc/timezone, as Go finds time.Local), so
// that what rota writes carries a real TZID. When none names a loadable
// zone it is time.Local and "".
func localZone() (*time.Location, string) {
	name, set := os.LookupEnv("TZ")
	name = strings.TrimPrefix(name, ":")
	switch {
	case set && name == "":
		return time.UTC, "UTC" // TZ="" means UTC
	case !set:
		if p, err := filepath.EvalSymlinks("/etc/localtime"); err == nil {
			_, name, _ = strings.Cut(p, "zoneinfo/")
		}
		if name == "" {
			if b, err := os.ReadFile("/etc/timezone"); err == nil {
				name = strings.TrimSpace(string(b))
			}
		}
	}
	if name != "" {
		if loc, err := model.LoadZone(name); err == nil {
			return loc, loc.String()
		}
	}
	return time.Local, ""
}

// zoneOr is e.zone, or def when the local zone has no name.
func (e *env) zoneOr(def string) string {
	if e.zone == "" {
		return def
	}
	return e.zone
}

// close releases the store.
func (e *env) close() {
	if e.store != nil {
		e.store.Close()
		e.store = nil
	}
}

// storePath is the store's path, by default $XDG_DATA_HOME/rota/rota.db or
// ~/.local/share/rota/rota.db.
func storePath(p string) (string, error) {
	if p != "" {
		return p, nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "rota", "rota.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no store path: set --store or ROTA_STORE (%w)", err)
	}
	return filepath.Join(home, ".local", "share", "rota", "rota.db"), nil
}

// ownerName is the owner name, by default the OS user's.
func ownerName(name string) (string, error) {
	if name != "" {
		return name, nil
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username, nil
	}
	if u := os.Getenv("USER"); u != "" {
		return u, nil
	}
	return "", errors.New("no user name: set --user or ROTA_USER")
}

// configPath is ROTA_CONFIG, else $XDG_CONFIG_HOME/rota/config, else
// ~/.config/rota/config.
func configPath() string {
	if p := os.Getenv("ROTA_CONFIG"); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "rota", "config")
}

// readConfigFile reads the optional config file: "key = value" lines with
// the keys store, user and tz; '#' starts a comment. A missing file is an
// empty config.
func readConfigFile() (config, error) {
	var c config
	p := configPath()
	if p == "" {
		return c, nil
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	} else if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case !ok:
			return c, fmt.Errorf("config %s: line %d: want key = value", p, i+1)
		case k == "store":
			c.StorePath = v
		case k == "user":
			c.User = v
		case k == "tz":
			c.TZ = v
		default:
			return c, fmt.Errorf("config %s: line %d: unknown key %q (store, user or tz)", p, i+1, k)
		}
	}
	return c, nil
}

// newFlags returns a flag set for a subcommand whose usage prints to e.stdout
// on -h.
func (e *env) newFlags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("rota "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "usage: rota %s %s\n", name, usage)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parse parses a subcommand's arguments (flags anywhere). On -h the flag
// set has printed its usage; parse returns errHelpShown, which run treats
// as success.
// subcommand reads `SUB [flags] [args]` for a command with subcommands
// (subs lists them for the message): no SUB is a usage error after the
// usage, -h shows the usage, and the flags after SUB are parsed.
func (e *env) subcommand(fs *flag.FlagSet, args []string, what, subs string) (sub string, pos []string, err error) {
	if len(args) == 0 || isHelp(args[0]) {
		fs.Usage()
		if len(args) == 0 {
			return "", nil, usagef("rota %s: which subcommand? (%s)", what, subs)
		}
		return "", nil, errHelpShown
	}
	pos, err = e.parse(fs, args[1:])
	return args[0], pos, err
}

func (e *env) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	pos, err := parseArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, errHelpShown
	}
	return pos, err
}

// listFlag collects a repeated flag (--day, --client, --resource...).
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// flagsSet names the flags given on the command line, to tell a flag set
// to its default from one left out.
func flagsSet(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// window reads a --from/--to pair of DATEs (see parseDate) into a range;
// an empty to is days after from. Mistakes are usage errors.
func (e *env) window(from, to string, days int) (model.Range, error) {
	var r model.Range
	var err error
	if r.From, err = parseDate(from, e.now(), e.loc); err != nil {
		return r, usagef("--from: %v", err)
	}
	if to == "" {
		r.To = r.From.AddDate(0, 0, days)
	} else if r.To, err = parseDate(to, e.now(), e.loc); err != nil {
		return r, usagef("--to: %v", err)
	}
	if !r.To.After(r.From) {
		return r, usagef("--to %s is not after --from %s", to, from)
	}
	return r, nil
}

// today is the date in the display zone.
func (e *env) today() model.LocalDate { return model.DateOf(e.now().In(e.loc)) }

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// dash is s, or "-" when it is empty, for a table cell.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// errHelpShown ends a command after it printed its usage on -h.
var errHelpShown = errors.New("help shown")
