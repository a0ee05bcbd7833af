package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"rota/model"
	"rota/store/sqlite"
)

// config is what the global flags and the environment say, before anything
// is opened.
type config struct {
	StorePath string // --store, ROTA_STORE
	User      string // --user, ROTA_USER
	TZ        string // --tz, ROTA_TZ
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
}

// newEnv resolves the configuration (flags, then environment, then
// defaults) and, when openStore is set, opens the store, creating its file
// and directory on demand.
func newEnv(ctx context.Context, cfg config, stdin io.Reader, stdout, stderr io.Writer, openStore bool) (*env, error) {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, now: cfg.Now}
	if e.now == nil {
		e.now = time.Now
	}
	var err error
	if e.storePath, err = storePath(cfg.StorePath); err != nil {
		return nil, err
	}
	if e.user, err = ownerName(cfg.User); err != nil {
		return nil, err
	}
	tz := cfg.TZ
	if tz == "" {
		tz = os.Getenv("ROTA_TZ")
	}
	e.loc = time.Local
	if tz != "" {
		if e.loc, err = model.LoadZone(tz); err != nil {
			return nil, usagef("--tz: %v", err)
		}
	}
	if openStore {
		if err := os.MkdirAll(filepath.Dir(e.storePath), 0o700); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		if e.store, err = sqlite.Open(e.storePath, sqlite.Options{Now: e.now}); err != nil {
			return nil, fmt.Errorf("open store %s: %w", e.storePath, err)
		}
	}
	return e, nil
}

// close releases the store.
func (e *env) close() {
	if e.store != nil {
		e.store.Close()
		e.store = nil
	}
}

// storePath picks --store, then ROTA_STORE, then
// $XDG_DATA_HOME/rota/rota.db, then ~/.local/share/rota/rota.db.
func storePath(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if p := os.Getenv("ROTA_STORE"); p != "" {
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

// ownerName picks --user, then ROTA_USER, then the OS user name.
func ownerName(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if u := os.Getenv("ROTA_USER"); u != "" {
		return u, nil
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username, nil
	}
	if u := os.Getenv("USER"); u != "" {
		return u, nil
	}
	return "", errors.New("no user name: set --user or ROTA_USER")
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

// parse parses a subcommand's arguments (flags anywhere). On -h it prints the
// usage and returns errHelpShown, which run treats as success.
func (e *env) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	pos, err := parseArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return nil, errHelpShown
	}
	return pos, err
}

// errHelpShown ends a command after it printed its usage on -h.
var errHelpShown = errors.New("help shown")
