package main

import (
	"bufio"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/charmbracelet/x/term"

	"rota/caldav"
	"rota/model"
	"rota/store/sqlite"
)

// The CalDAV server's view of the store is the concrete store.
var _ caldav.Store = (*sqlite.Store)(nil)

// cmdServe runs `rota serve`: the CalDAV server and webcal feeds until
// SIGINT or SIGTERM, then a graceful shutdown that lets in-flight writes
// finish.
func cmdServe(e *env, args []string) error {
	fs := e.newFlags("serve", "[--addr ADDR] [--tls-cert FILE --tls-key FILE | --tls-self-signed] [--max-size BYTES]")
	addr := fs.String("addr", "127.0.0.1:5232", "listen `ADDR` (host:port); loopback by default")
	cert := fs.String("tls-cert", "", "TLS certificate `FILE` (PEM)")
	key := fs.String("tls-key", "", "TLS key `FILE` (PEM)")
	self := fs.Bool("tls-self-signed", false, "serve HTTPS with a self-signed certificate kept next to the store")
	maxSize := fs.Int64("max-size", caldav.DefaultMaxResourceSize, "largest calendar object and request body in `BYTES`")
	quiet := fs.Bool("quiet", false, "log warnings and errors only")
	cache := fs.String("cache", "128MiB", "object data kept in memory for PROPFIND and REPORT answers, `SIZE` (0 for none)")
	memLimit := fs.String("mem-limit", "", "soft memory limit of the process, `SIZE` (e.g. 512MiB; \"off\" for none); default GOMEMLIMIT, else "+formatSize(defaultMemLimit))
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	cacheBytes, err := parseSize(*cache)
	if err != nil {
		return usagef("serve: --cache: %v", err)
	}
	if cacheBytes == 0 {
		cacheBytes = -1 // caldav.Config: negative caches none
	}
	if err := setMemLimit(*memLimit, os.Getenv("GOMEMLIMIT")); err != nil {
		return usagef("serve: --mem-limit: %v", err)
	}
	if (*cert == "") != (*key == "") {
		return usagef("serve: --tls-cert and --tls-key go together")
	}
	if *self && *cert != "" {
		return usagef("serve: --tls-self-signed or --tls-cert/--tls-key, not both")
	}
	if *self {
		dir := filepath.Dir(e.storePath)
		*cert, *key = filepath.Join(dir, "rota-cert.pem"), filepath.Join(dir, "rota-key.pem")
		host, _, err := net.SplitHostPort(*addr)
		if err != nil {
			return usagef("serve: --addr %q: %v", *addr, err)
		}
		hosts := []string{"localhost", "127.0.0.1", "::1"}
		if host != "" {
			hosts = append(hosts, host)
		}
		if err := caldav.EnsureSelfSigned(*cert, *key, hosts, e.now()); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelWarn
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	h := caldav.New(caldav.Config{Store: e.store, Logger: log, MaxResourceSize: *maxSize, Now: e.now, CacheBytes: cacheBytes})
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	users, _ := e.store.Users(e.ctx)
	return caldav.Serve(e.ctx, *addr, h, caldav.ServeOptions{
		TLSCert: *cert, TLSKey: *key, Logger: log,
		Ready: func(a net.Addr) {
			fmt.Fprintf(e.stdout, "rota: serving CalDAV at %s://%s/ (store %s)\n", scheme, a, e.storePath)
			if len(users) == 0 {
				fmt.Fprintln(e.stdout, "rota: no logins yet: add one with `rota user add NAME`")
			}
		},
	})
}

// cmdUser runs `rota user add|passwd|del|list`.
func cmdUser(e *env, args []string) error {
	fs := e.newFlags("user", "add|passwd|del|list [NAME] [--person P]")
	person := fs.String("person", "", "link the login to team member `P`")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("user: add|passwd|del|list [NAME]")
	}
	ctx := e.ctx
	switch sub := pos[0]; sub {
	case "list", "ls":
		users, err := e.store.Users(ctx)
		if err != nil {
			return fmt.Errorf("user list: %w", err)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, u.Person, u.Created.Format("2006-01-02"))
		}
		return tw.Flush()
	case "add", "passwd":
		if len(pos) != 2 {
			return usagef("user %s NAME", sub)
		}
		name := pos[1]
		old, err := e.store.User(ctx, name)
		exists := err == nil
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return fmt.Errorf("user %s: %w", sub, err)
		}
		if sub == "add" && exists {
			return fmt.Errorf("user add: %q exists; change the password with `rota user passwd %s`", name, name)
		}
		if sub == "passwd" && !exists {
			return fmt.Errorf("user passwd: no login %q; add it with `rota user add %s`", name, name)
		}
		pw, err := readPassword(e, "Password for "+name+": ")
		if err != nil {
			return fmt.Errorf("user %s: %w", sub, err)
		}
		if pw == "" {
			return fmt.Errorf("user %s: empty password", sub)
		}
		hash, err := caldav.HashPassword(pw)
		if err != nil {
			return fmt.Errorf("user %s: %w", sub, err)
		}
		u := model.User{Name: name, PasswordHash: hash, Person: old.Person, Created: old.Created}
		if *person != "" {
			u.Person = *person
		}
		if u.Created.IsZero() {
			u.Created = e.now()
		}
		if err := e.store.PutUser(ctx, u); err != nil {
			return fmt.Errorf("user %s: %w", sub, err)
		}
		fmt.Fprintf(e.stdout, "login %q saved; its principal is /dav/%s/\n", name, name)
		return nil
	case "del", "rm":
		if len(pos) != 2 {
			return usagef("user %s NAME", sub)
		}
		if err := e.store.DeleteUser(ctx, pos[1]); err != nil {
			return fmt.Errorf("user del: %w", err)
		}
		fmt.Fprintf(e.stdout, "login %q deleted\n", pos[1])
		return nil
	}
	return usagef("user: unknown subcommand %q (add, passwd, del, list)", pos[0])
}

// readPassword prompts without echo on a terminal, or reads one line from
// stdin when it is not one (scripts: `echo secret | rota user add bob`).
func readPassword(e *env, prompt string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(f.Fd()) {
		fmt.Fprint(e.stderr, prompt)
		b, err := term.ReadPassword(f.Fd())
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// cmdFeed runs `rota feed add|list|revoke`.
func cmdFeed(e *env, args []string) error {
	fs := e.newFlags("feed", "add --calendar NAME [--label L] [--base URL] | list | revoke TOKEN")
	calName := fs.String("calendar", "", "calendar `NAME` to publish")
	label := fs.String("label", "", "what the feed is for (\"phone\", \"family\")")
	base := fs.String("base", "http://127.0.0.1:5232", "base `URL` of `rota serve` for the printed link")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("feed: add|list|revoke")
	}
	ctx := e.ctx
	baseURL := strings.TrimRight(*base, "/")
	switch sub := pos[0]; sub {
	case "add":
		if *calName == "" {
			return usagef("feed add: --calendar NAME is required")
		}
		c, err := e.store.Calendar(ctx, e.user, *calName)
		if err != nil {
			return fmt.Errorf("feed add: calendar %q of %s: %w", *calName, e.user, err)
		}
		tok, err := newToken()
		if err != nil {
			return fmt.Errorf("feed add: %w", err)
		}
		f := model.Feed{Token: tok, Owner: e.user, CalendarID: c.ID, Label: *label, Created: e.now()}
		if err := e.store.CreateFeed(ctx, &f); err != nil {
			return fmt.Errorf("feed add: %w", err)
		}
		fmt.Fprintf(e.stdout, "%s/feeds/%s.ics\n", baseURL, f.Token)
		return nil
	case "list", "ls":
		feeds, err := e.store.Feeds(ctx, e.user)
		if err != nil {
			return fmt.Errorf("feed list: %w", err)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		for _, f := range feeds {
			name := fmt.Sprint(f.CalendarID)
			if c, err := e.store.CalendarByID(ctx, f.CalendarID); err == nil {
				name = c.Name
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s/feeds/%s.ics\n", f.Token, name, f.Label, baseURL, f.Token)
		}
		return tw.Flush()
	case "revoke", "rm", "del":
		if len(pos) != 2 {
			return usagef("feed revoke TOKEN")
		}
		tok := strings.TrimSuffix(filepath.Base(pos[1]), ".ics")
		if err := e.store.RevokeFeed(ctx, tok); err != nil {
			return fmt.Errorf("feed revoke: %w", err)
		}
		fmt.Fprintln(e.stdout, "feed revoked")
		return nil
	}
	return usagef("feed: unknown subcommand %q (add, list, revoke)", pos[0])
}

// newToken returns 32 random bytes in lower-case base32 without padding:
// URL-safe and unguessable.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

// defaultMemLimit is the soft memory limit of `rota serve` when neither
// --mem-limit nor GOMEMLIMIT sets one. The live heap of a server over 100k
// objects with the default cache is well under it; past it the collector
// runs more often (at most about half the CPU), and memory a large answer
// took goes back to the system sooner instead of staying at the peak.
const defaultMemLimit = 384 << 20

// setMemLimit applies --mem-limit (flag), or else the default unless the
// GOMEMLIMIT environment variable (env) already set one.
func setMemLimit(flag, env string) error {
	switch {
	case flag == "off" || flag == "none":
		debug.SetMemoryLimit(math.MaxInt64)
	case flag != "":
		n, err := parseSize(flag)
		if err != nil {
			return err
		}
		if n <= 0 {
			debug.SetMemoryLimit(math.MaxInt64)
		} else {
			debug.SetMemoryLimit(n)
		}
	case env == "":
		debug.SetMemoryLimit(defaultMemLimit)
	}
	return nil
}

// parseSize reads a byte count: 1000, 64KiB, 128MiB, 1GiB, 64k, 512M, 1G
// (binary multiples either way).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if len(t) > len(u.suf) && strings.EqualFold(t[len(t)-len(u.suf):], u.suf) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suf)]), u.m
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size (bytes, or with KiB, MiB, GiB)", s)
	}
	return n * mult, nil
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + "GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	}
	return strconv.FormatInt(n, 10)
}
