// Package sqlite is rota's embedded store: one SQLite file (modernc.org/sqlite,
// no cgo) in WAL mode with foreign keys and a busy timeout, so the TUI and
// the CalDAV server may use it from two processes at once. The schema lives
// in migrations/*.sql, embedded in the binary and applied in order at Open.
//
// The store keeps the contract described in package store: calendar objects
// kept byte for byte, ETags and sync tokens bumped in the write's own
// transaction, a change log with tombstones, and range queries served by an
// occurrence index (instance.go) whose cost follows the size of the answer.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Defaults of the occurrence index (see instance.go).
const (
	DefaultIndexHorizon = 2 * 366 * 24 * time.Hour
	DefaultIndexCap     = 1000
)

// Options tune a Store. The zero value is ready to use.
type Options struct {
	// Now is the clock; nil means time.Now. Tests inject a fixed one.
	Now func() time.Time
	// IndexHorizon is how far past now recurring objects are materialised
	// in the occurrence index; 0 means DefaultIndexHorizon.
	IndexHorizon time.Duration
	// IndexCap is the most index rows one object gets; 0 means
	// DefaultIndexCap.
	IndexCap int
	// Warn receives what the store did not fail on but cut short: a
	// recurrence so dense that expanding it for a query stopped at
	// model.MaxInstances (the error wraps model.ErrTooManyInstances; the
	// query returns the instances found). nil logs with the standard
	// logger.
	Warn func(error)
}

// Store is a rota store in one SQLite file. It is safe for concurrent use,
// and several Stores (in one or several processes) may share a file.
type Store struct {
	// w is the only connection that writes: every transaction on it begins
	// IMMEDIATE, so two writers queue on the busy timeout instead of failing
	// when a read lock cannot be upgraded.
	w *sql.DB
	// r is a pool of readers; in WAL mode each sees the last commit
	// before its transaction began and never blocks the writer.
	r *sql.DB
	// Statements of the window query, prepared once: planning the
	// fourteen-branch query costs more than running it.
	horizonStmt, bandsStmt *sql.Stmt
	windows                *windowStmts // of the window query, by size
	// writer holds the object-write statements, prepared on w.
	writer *objectWriter
	// names caches the names of indexed objects per calendar (names.go).
	names nameCache

	now     func() time.Time
	horizon time.Duration
	cap     int
	warn    func(error)
}

// Open opens the store at path, creating the file if needed, and brings its
// schema up to date.
func Open(path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("store: open: %w", errors.New("no path given"))
	}
	s := &Store{now: opts.Now, horizon: opts.IndexHorizon, cap: opts.IndexCap, warn: opts.Warn}
	if s.now == nil {
		s.now = time.Now
	}
	if s.warn == nil {
		s.warn = func(err error) { log.Print(err) }
	}
	if s.horizon <= 0 {
		s.horizon = DefaultIndexHorizon
	}
	if s.cap <= 0 {
		s.cap = DefaultIndexCap
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	var err error
	if s.w, err = sql.Open("sqlite", dsn(path, true)); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetConnMaxIdleTime(0)
	if err := s.w.Ping(); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := s.migrate(context.Background()); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if s.writer, err = prepareObjectWriter(s.w); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if s.r, err = sql.Open("sqlite", dsn(path, false)); err != nil {
		s.writer.close()
		s.w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(maxReaders)
	s.windows = &windowStmts{db: s.r}
	s.horizonStmt, err = s.r.Prepare(horizonSQL)
	if err == nil {
		s.bandsStmt, err = s.r.Prepare(bandsSQL)
	}
	if err == nil {
		_, err = s.ExtendIndex(context.Background())
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return s, nil
}

// Page cache sizes in KiB. SQLite's caches live outside the Go heap, so
// neither the garbage collector nor GOMEMLIMIT sees them: they are kept
// small except while a large import runs, which must not spill pages to
// the WAL mid-transaction and read them back. Readers keep SQLite's default
// (2000 KiB each, at most maxReaders of them): a window query scans only
// the bands its calendars use, whose pages fit.
const (
	writerCacheKiB = 16 << 10
	importCacheKiB = 64 << 10
	maxReaders     = 4
)

func dsn(path string, writer bool) string {
	q := url.Values{}
	// A new file gets 16 KiB pages (an existing one keeps its own): a
	// quarter of the page writes, WAL frames and b-tree levels of 4 KiB
	// for a large import, about 10% less CPU. It must precede the first
	// write, so journal_mode goes in the driver's _journal_mode key, which
	// runs after the _pragma list (the driver sorts that list by name).
	q.Add("_pragma", "page_size(16384)")
	// Statement journals (multi-row INSERTs inside a transaction) stay in
	// memory instead of a temporary file.
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Set("_journal_mode", "WAL")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if writer {
		// The writer's page cache: enough for the pages single writes
		// touch; a large import raises it for its transaction (see
		// importCacheKiB), and gives it back after.
		q.Add("_pragma", "cache_size(-"+strconv.Itoa(writerCacheKiB)+")")
		// and the WAL a large import grew is cut back after checkpoints.
		q.Add("_pragma", "journal_size_limit(67108864)")
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Close releases the store's connections.
func (s *Store) Close() error {
	var errs []error
	for _, st := range []*sql.Stmt{s.horizonStmt, s.bandsStmt} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if s.windows != nil {
		errs = append(errs, s.windows.close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.close())
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// migrate applies every embedded migration not yet recorded in
// schema_migrations, each in its own transaction. Two processes opening a
// new file at once queue on the IMMEDIATE lock; the second sees the first's
// record and skips.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name    TEXT NOT NULL,
		applied INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	type mig struct {
		version int
		name    string
	}
	var list []mig
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return fmt.Errorf("migrate %s: name must start with NNNN_", name)
		}
		if other, ok := seen[v]; ok {
			return fmt.Errorf("migrate %s: version %d taken by %s", name, v, other)
		}
		seen[v] = name
		list = append(list, mig{v, name})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	for _, m := range list {
		body, err := migrations.ReadFile("migrations/" + m.name)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
		err = s.write(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`,
				m.version, m.name, s.now().UnixNano())
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
	}
	return nil
}

// write runs fn in one IMMEDIATE transaction on the writer, committing when
// fn returns nil and rolling back otherwise.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	return commit(tx, fn)
}

// commit runs fn in tx, committing when fn returns nil and rolling back
// otherwise.
func commit(tx *sql.Tx, fn func(tx *sql.Tx) error) error {
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// writeBulk is write for a large import, on the writer connection held
// for the whole call with settings of its own (given back after):
//   - a larger page cache (importCacheKiB), so that pages are not spilled
//     to the WAL mid-transaction and read back;
//   - foreign keys off. Checking them makes SQLite keep a statement journal
//     of every multi-row INSERT (a copy of each page it changes, in case it
//     must be undone alone): with the other causes gone (see
//     objectBatches), a quarter of the time of an import of the 140 MB
//     benchmark file, and half of its 3 GB of memory. The import keeps the
//     references right itself: its calendar is read in the transaction and
//     the instance rows name the objects it writes.
func (s *Store) writeBulk(ctx context.Context, fn func(tx *sql.Tx) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	restore := context.WithoutCancel(ctx)
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -`+strconv.Itoa(importCacheKiB)); err != nil {
		return err
	}
	defer conn.ExecContext(restore, `PRAGMA cache_size = -`+strconv.Itoa(writerCacheKiB))
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	defer func() {
		if _, err := conn.ExecContext(restore, `PRAGMA foreign_keys = ON`); err != nil {
			// A writer left without foreign keys must not serve again
			// (deleting a calendar relies on them): the pool drops it
			// and opens a fresh one.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	return commit(tx, fn)
}

// read runs fn in one read transaction, so everything fn reads comes from
// the same snapshot.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// nextSeq takes n positions of the change log and returns the last one.
func nextSeq(ctx context.Context, tx *sql.Tx, n int) (int64, error) {
	var head int64
	err := tx.QueryRowContext(ctx, `UPDATE seq SET head = head + ? WHERE id = 1 RETURNING head`, n).Scan(&head)
	return head, err
}

// Head returns the global change-log position: it grows with every write to
// any calendar, object, login or feed, from any process. A door polls it
// (a single-row read) to learn that something changed elsewhere.
func (s *Store) Head(ctx context.Context) (int64, error) {
	var head int64
	if err := s.r.QueryRowContext(ctx, `SELECT head FROM seq WHERE id = 1`).Scan(&head); err != nil {
		return 0, fmt.Errorf("store: head: %w", err)
	}
	return head, nil
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
