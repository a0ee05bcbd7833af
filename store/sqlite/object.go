package sqlite

import (
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"rota/model"
	"rota/store"
)

// prepared is an object ready to be written: validated, with its derived
// columns computed outside the transaction.
type prepared struct {
	o      *model.Object
	timing string
	search string
	hash   uint32 // of o.Data, for the ETag
	plan   indexPlan
}

func (s *Store) prepare(o *model.Object) (prepared, error) {
	p := prepared{o: o}
	switch {
	case o.UID == "":
		return p, model.Invalid("uid", "required")
	case o.Component == "":
		return p, model.Invalid("component", "required")
	case len(o.Data) == 0:
		return p, model.Invalid("data", "required")
	}
	if err := validName(o.Name); err != nil {
		return p, err
	}
	var err error
	if p.timing, err = encodeTiming(&o.Timing); err != nil {
		return p, fmt.Errorf("timing: %w", err)
	}
	p.search = searchText(o.Summary, o.Data)
	p.hash = dataHash(o.Data)
	if p.plan, err = s.plan(&o.Timing); err != nil {
		return p, fmt.Errorf("index: %w", err)
	}
	return p, nil
}

func validName(name string) error {
	switch {
	case name == "":
		return model.Invalid("name", "required")
	case name == "." || name == "..":
		return model.Invalid("name", "%q is reserved", name)
	case strings.ContainsAny(name, "/\x00"):
		return model.Invalid("name", "%q has a '/'", name)
	}
	return nil
}

// etag is opaque ASCII, new on every write: the write's change-log position
// (unique in the file) and a hash of the data (dataHash).
func etag(seq int64, hash uint32) string {
	return strconv.FormatInt(seq, 36) + "-" + strconv.FormatUint(uint64(hash), 36)
}

// dataHash is CRC-32C, which the CPU computes (FNV-1a, a byte at a time,
// was a tenth of an import's preparation).
func dataHash(data []byte) uint32 {
	return crc32.Checksum(data, castagnoli)
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// objectBatches are the row counts of the prepared multi-row INSERTs of
// new objects.
//
// The INSERTs leave the id to SQLite, which gives a new row the rowid after
// the largest: the id the import reserved (and checks). Naming the id would
// make SQLite keep a statement journal of every such INSERT (a copy of
// each page it changes, in case the id turned out not to be an integer),
// as would the default ABORT conflict handling: hence OR FAIL, since a
// failed INSERT rolls the whole import back anyway.
var objectBatches = [...]int{256, 32, 1}

const objectInsertColumns = `calendar_id, name, uid, component, data, summary, search, timing, etag, seq, modified,
		indexed_from, indexed_until, last_end, index_keys`

func insertObjectsSQL(n int) string {
	return `INSERT OR FAIL INTO objects (` + objectInsertColumns + `) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
}

// objectBuffer holds new objects of an import, with the ids given them,
// until they are written many to a statement.
type objectBuffer struct {
	calID   int64
	items   []newObject
	pending map[int64]bool
	args    []any
}

type newObject struct {
	id       int64
	p        *prepared
	seq, now int64
}

func (b *objectBuffer) add(id int64, p *prepared, seq int64, now time.Time) {
	o := p.o
	o.CalendarID = b.calID
	o.ETag = etag(seq, p.hash)
	o.Modified = fromNanos(now.UnixNano())
	b.items = append(b.items, newObject{id, p, seq, now.UnixNano()})
	b.pending[id] = true
}

func (b *objectBuffer) full() bool { return len(b.items) >= 4*objectBatches[0] }

func (b *objectBuffer) flush(ctx context.Context, stmts []*sql.Stmt) error {
	items := b.items
	for i, n := range objectBatches {
		for len(items) >= n {
			args := b.args[:0]
			for _, it := range items[:n] {
				o, p := it.p.o, it.p
				args = append(args, b.calID, o.Name, o.UID, o.Component, o.Data, o.Summary, p.search, p.timing, o.ETag,
					it.seq, it.now, p.plan.indexedFrom, p.plan.indexedUntil, p.plan.lastEnd, p.plan.keys)
			}
			b.args = args
			res, err := stmts[i].ExecContext(ctx, args...)
			if err != nil {
				return fmt.Errorf("object %q: %w", items[0].p.o.UID, err)
			}
			// The ids are SQLite's own choice (see insertObjectsSQL);
			// should it ever differ from the one reserved, the index rows
			// would name other objects.
			if last, err := res.LastInsertId(); err != nil || last != items[n-1].id {
				return fmt.Errorf("object %q: stored as row %d, not %d as reserved (%v)", items[n-1].p.o.UID, last, items[n-1].id, err)
			}
			items = items[n:]
		}
	}
	clear(b.items)
	b.items = b.items[:0]
	clear(b.pending)
	return nil
}

// calendarComponents returns the component list of calendar id, or
// model.ErrNotFound.
func calendarComponents(ctx context.Context, tx *sql.Tx, id int64) (model.Calendar, error) {
	var c model.Calendar
	var comps string
	err := tx.QueryRowContext(ctx, `SELECT id, components FROM calendars WHERE id = ?`, id).Scan(&c.ID, &comps)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("calendar %d: %w", id, model.ErrNotFound)
	}
	if comps != "" {
		c.Components = strings.Split(comps, ",")
	}
	return c, err
}

func supports(c *model.Calendar, comp string) error {
	if !c.Supports(comp) {
		return model.Invalid("component", "the calendar does not take %s", comp)
	}
	return nil
}

// objectWriter holds the statements of a write transaction.
type objectWriter struct {
	insert, update, untomb *sql.Stmt
	keys, unindex          *sql.Stmt   // an object's index keys; delete one index row
	bands                  *sql.Stmt   // adds bands to calendars.bands
	index                  []*sql.Stmt // by insertBatches
	inserts                []*sql.Stmt // by objectBatches
}

// prepareObjectWriter prepares the write statements once on the writer's
// connection; every write transaction then binds them (bindObjectWriter)
// instead of parsing them again.
func prepareObjectWriter(db *sql.DB) (*objectWriter, error) {
	var w objectWriter
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = db.Prepare(q)
		return st
	}
	w.insert = prep(`INSERT INTO objects (` + objectInsertColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	w.update = prep(`UPDATE objects SET name = ?, uid = ?, component = ?, data = ?, summary = ?, search = ?, timing = ?, etag = ?,
		seq = ?, modified = ?, indexed_from = ?, indexed_until = ?, last_end = ?, index_keys = ? WHERE id = ?`)
	w.keys = prep(`SELECT calendar_id, index_keys FROM objects WHERE id = ?`)
	w.unindex = prep(`DELETE FROM instances WHERE calendar_id = ? AND band = ? AND start = ? AND object_id = ? AND recurrence_id = ?`)
	w.untomb = prep(`DELETE FROM tombstones WHERE calendar_id = ? AND name = ?`)
	w.bands = prep(`UPDATE calendars SET bands = bands | ?2 WHERE id = ?1 AND bands & ?2 <> ?2`)
	for _, n := range insertBatches {
		w.index = append(w.index, prep(insertInstanceSQL(n)))
	}
	for _, n := range objectBatches {
		w.inserts = append(w.inserts, prep(insertObjectsSQL(n)))
	}
	if err != nil {
		w.close()
		return nil, err
	}
	return &w, nil
}

// bind returns the statements bound to tx; they close with it.
func (w *objectWriter) bind(ctx context.Context, tx *sql.Tx) *objectWriter {
	b := &objectWriter{
		insert:  tx.StmtContext(ctx, w.insert),
		update:  tx.StmtContext(ctx, w.update),
		untomb:  tx.StmtContext(ctx, w.untomb),
		keys:    tx.StmtContext(ctx, w.keys),
		unindex: tx.StmtContext(ctx, w.unindex),
		bands:   tx.StmtContext(ctx, w.bands),
	}
	for _, st := range w.index {
		b.index = append(b.index, tx.StmtContext(ctx, st))
	}
	for _, st := range w.inserts {
		b.inserts = append(b.inserts, tx.StmtContext(ctx, st))
	}
	return b
}

func (w *objectWriter) close() error {
	var errs []error
	all := append([]*sql.Stmt{w.insert, w.update, w.untomb, w.keys, w.unindex, w.bands}, w.index...)
	for _, st := range append(all, w.inserts...) {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// put writes p as object id (0 = a new object) at position seq and
// returns the object's id.
func (w *objectWriter) put(ctx context.Context, calID, id int64, p *prepared, seq int64, now time.Time, tombstones bool) (int64, error) {
	id, err := w.putObject(ctx, calID, id, p, seq, now, tombstones)
	if err != nil {
		return 0, err
	}
	return id, insertRows(ctx, w, calID, id, p.plan.rows)
}

// putObject is put without the index rows, which the caller writes.
func (w *objectWriter) putObject(ctx context.Context, calID, id int64, p *prepared, seq int64, now time.Time, tombstones bool) (int64, error) {
	o := p.o
	o.CalendarID = calID
	o.ETag = etag(seq, p.hash)
	o.Modified = fromNanos(now.UnixNano())
	if id == 0 {
		res, err := w.insert.ExecContext(ctx, calID, o.Name, o.UID, o.Component, o.Data, o.Summary, p.search, p.timing, o.ETag,
			seq, now.UnixNano(), p.plan.indexedFrom, p.plan.indexedUntil, p.plan.lastEnd, p.plan.keys)
		if err != nil {
			return 0, err
		}
		if id, err = res.LastInsertId(); err != nil {
			return 0, err
		}
	} else {
		if err := w.clearIndex(ctx, id); err != nil {
			return 0, err
		}
		if _, err := w.update.ExecContext(ctx, o.Name, o.UID, o.Component, o.Data, o.Summary, p.search, p.timing, o.ETag,
			seq, now.UnixNano(), p.plan.indexedFrom, p.plan.indexedUntil, p.plan.lastEnd, p.plan.keys, id); err != nil {
			return 0, err
		}
	}
	if tombstones {
		if _, err := w.untomb.ExecContext(ctx, calID, o.Name); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func touchCalendar(ctx context.Context, tx *sql.Tx, calID, seq int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE calendars SET sync_token = ?, modified = ? WHERE id = ?`, seq, now.UnixNano(), calID)
	return err
}

// PutObject creates or replaces the object o.Name in calendar o.CalendarID
// and sets o.ETag and o.Modified. created is true when nothing was stored
// under that name. Errors: model.ErrNotFound (no such calendar),
// model.ErrInvalid (missing name, UID, component or data; a component the
// calendar does not take), model.ErrConflict (cond fails: If-Match with
// another ETag or nothing stored, If-None-Match with something stored; or
// the UID belongs to another object of the calendar). A refused write
// changes nothing.
func (s *Store) PutObject(ctx context.Context, o *model.Object, cond model.Condition) (created bool, err error) {
	p, err := s.prepare(o)
	if err != nil {
		return false, fmt.Errorf("store: put object %q: %w", o.Name, err)
	}
	now := s.now()
	err = s.write(ctx, func(tx *sql.Tx) error {
		cal, err := calendarComponents(ctx, tx, o.CalendarID)
		if err != nil {
			return err
		}
		if err := supports(&cal, o.Component); err != nil {
			return err
		}
		var id int64
		var tag string
		err = tx.QueryRowContext(ctx, `SELECT id, etag FROM objects WHERE calendar_id = ? AND name = ?`, o.CalendarID, o.Name).Scan(&id, &tag)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		switch {
		case cond.IfNoneMatch && id != 0:
			return fmt.Errorf("already exists: %w", model.ErrConflict)
		case cond.IfMatch != "" && id == 0:
			return fmt.Errorf("if-match %q: nothing stored: %w", cond.IfMatch, model.ErrConflict)
		case cond.IfMatch != "" && cond.IfMatch != tag:
			return fmt.Errorf("if-match %q: stored etag is %q: %w", cond.IfMatch, tag, model.ErrConflict)
		}
		var other string
		err = tx.QueryRowContext(ctx, `SELECT name FROM objects WHERE calendar_id = ? AND uid = ? AND name != ?`,
			o.CalendarID, o.UID, o.Name).Scan(&other)
		if err == nil {
			return fmt.Errorf("uid %q is already used by %q: %w", o.UID, other, model.ErrConflict)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := s.guardTimesheet(ctx, tx, o.CalendarID, o.Name, o); err != nil {
			return err
		}
		seq, err := nextSeq(ctx, tx, 1)
		if err != nil {
			return err
		}
		w := s.writer.bind(ctx, tx)
		if _, err := w.put(ctx, o.CalendarID, id, &p, seq, now, true); err != nil {
			return err
		}
		created = id == 0
		return touchCalendar(ctx, tx, o.CalendarID, seq, now)
	})
	if err != nil {
		o.ETag, o.Modified = "", time.Time{}
		return false, fmt.Errorf("store: put object %q: %w", o.Name, err)
	}
	return created, nil
}

// PutObjects imports objs into calendar calID in one transaction, all or
// nothing: an object whose UID is stored already replaces it (keeping its
// name), the others are added under their Name, or "<uid>.ics" when it has
// none (a hash of the UID when that name is taken or unsafe). It sets each
// object's CalendarID, Name, ETag and Modified.
func (s *Store) PutObjects(ctx context.Context, calID int64, objs []model.Object) (created, updated int, err error) {
	res, err := s.Import(ctx, calID, objs)
	return res.Created, res.Updated, err
}

// Imported is what an import wrote.
type Imported struct {
	Created, Updated int
	// Instances counts the instances of the objects with an end (a
	// non-recurring object has one; a rule the engine's cap cuts counts
	// 0), Open the series without an end (RRULE with neither COUNT nor
	// UNTIL). Both come from the expansion done for the index.
	Instances, Open int
}

// Import is PutObjects that also counts the instances written.
func (s *Store) Import(ctx context.Context, calID int64, objs []model.Object) (Imported, error) {
	var res Imported
	created, updated, err := s.putObjects(ctx, calID, objs, &res)
	res.Created, res.Updated = created, updated
	if err != nil {
		return Imported{}, err
	}
	return res, nil
}

func (s *Store) putObjects(ctx context.Context, calID int64, objs []model.Object, res *Imported) (created, updated int, err error) {
	prep := s.startPrepare(objs)
	defer prep.finish()
	if len(objs) < preloadAt {
		// A small import is checked whole before the write lock is taken.
		if err := prep.first(); err != nil {
			return 0, 0, err
		}
	}
	now := s.now()
	write := s.write
	if len(objs) >= preloadAt {
		write = s.writeBulk
	}
	err = write(ctx, func(tx *sql.Tx) error {
		cal, err := calendarComponents(ctx, tx, calID)
		if err != nil {
			return err
		}
		known, err := newCatalog(ctx, tx, calID, len(objs))
		if err != nil {
			return err
		}
		defer known.close()
		guard, err := s.timesheetGuard(ctx, tx, calID)
		if err != nil {
			return err
		}
		var tombs int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tombstones WHERE calendar_id = ?`, calID).Scan(&tombs); err != nil {
			return err
		}
		last, err := nextSeq(ctx, tx, len(objs))
		if err != nil {
			return err
		}
		seq := last - int64(len(objs))
		var nextID int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM objects`).Scan(&nextID); err != nil {
			return err
		}
		w := s.writer.bind(ctx, tx)
		// New objects and index rows are buffered and written many to a
		// statement; new objects get their ids here (as SQLite would:
		// after the largest), so their rows can be buffered too. Objects
		// are flushed before rows (the rows refer to them).
		news := objectBuffer{calID: calID, pending: map[int64]bool{}}
		rows := rowBuffer{pending: map[int64]bool{}}
		flush := func() error {
			if err := news.flush(ctx, w.inserts); err != nil {
				return err
			}
			return rows.flush(ctx, w)
		}
		for i := range objs {
			p, err := prep.get(i)
			if err != nil {
				return err
			}
			o := p.o
			if err := supports(&cal, o.Component); err != nil {
				return &store.ObjectError{Index: i, UID: o.UID, Err: err}
			}
			id, name, err := known.byUID(ctx, o.UID)
			if err != nil {
				return err
			}
			if id != 0 && (news.pending[id] || rows.holds(id)) { // the same object twice in one import
				if err := flush(); err != nil {
					return err
				}
			}
			if id != 0 {
				o.Name = name
				updated++
			} else {
				taken, err := known.nameTaken(ctx, o.Name)
				if err != nil {
					return err
				}
				if taken { // by another UID
					o.Name = hashName(o.UID)
				}
				created++
			}
			if err := guard.check(ctx, tx, calID, o.Name, o); err != nil {
				return &store.ObjectError{Index: i, UID: o.UID, Err: err}
			}
			seq++
			if id == 0 {
				id = nextID
				nextID++
				news.add(id, p, seq, now)
				if tombs > 0 {
					if _, err := w.untomb.ExecContext(ctx, calID, o.Name); err != nil {
						return fmt.Errorf("object %q: %w", o.UID, err)
					}
				}
			} else if _, err = w.putObject(ctx, calID, id, p, seq, now, tombs > 0); err != nil {
				return fmt.Errorf("object %q: %w", o.UID, err)
			}
			known.add(id, o.UID, o.Name)
			rows.add(calID, id, p.plan.rows)
			res.Instances += p.plan.count
			if p.plan.open {
				res.Open++
			}
			if news.full() || rows.full() {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		return touchCalendar(ctx, tx, calID, last, now)
	})
	if err != nil {
		for i := range objs {
			objs[i].ETag, objs[i].Modified = "", time.Time{}
		}
		if pe := (*prepareError)(nil); errors.As(err, &pe) {
			return 0, 0, pe.err
		}
		return 0, 0, fmt.Errorf("store: import into calendar %d: %w", calID, err)
	}
	return created, updated, nil
}

// catalog answers, during an import, which UIDs and names a calendar
// already holds: from two maps loaded up front for a large import (one
// scan instead of two lookups per object), from the indexes otherwise.
type catalog struct {
	calID int64
	uids  map[string]catalogEntry // nil: ask the database
	names map[string]bool
	// added and addedNames are this import's objects when the database
	// is asked: they may still wait in a buffer.
	added       map[string]catalogEntry
	addedNames  map[string]bool
	uidQ, nameQ *sql.Stmt
}

type catalogEntry struct {
	id   int64
	name string
}

// preloadAt is the import size from which the catalog is loaded up front.
const preloadAt = 500

func newCatalog(ctx context.Context, tx *sql.Tx, calID int64, n int) (*catalog, error) {
	c := &catalog{calID: calID}
	if n < preloadAt {
		var err error
		if c.uidQ, err = tx.PrepareContext(ctx, `SELECT id, name FROM objects WHERE calendar_id = ? AND uid = ?`); err != nil {
			return nil, err
		}
		if c.nameQ, err = tx.PrepareContext(ctx, `SELECT count(*) FROM objects WHERE calendar_id = ? AND name = ?`); err != nil {
			c.close()
			return nil, err
		}
		return c, nil
	}
	c.uids, c.names = map[string]catalogEntry{}, map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT id, uid, name FROM objects WHERE calendar_id = ?`, calID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e catalogEntry
		var uid string
		if err := rows.Scan(&e.id, &uid, &e.name); err != nil {
			return nil, err
		}
		c.uids[uid], c.names[e.name] = e, true
	}
	return c, rows.Err()
}

// byUID returns the id and name of the object with uid, id 0 if none.
func (c *catalog) byUID(ctx context.Context, uid string) (int64, string, error) {
	if c.uids != nil {
		e := c.uids[uid]
		return e.id, e.name, nil
	}
	if e, ok := c.added[uid]; ok { // maybe not written yet
		return e.id, e.name, nil
	}
	var e catalogEntry
	err := c.uidQ.QueryRowContext(ctx, c.calID, uid).Scan(&e.id, &e.name)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return e.id, e.name, err
}

func (c *catalog) nameTaken(ctx context.Context, name string) (bool, error) {
	if c.names != nil {
		return c.names[name], nil
	}
	if c.addedNames[name] {
		return true, nil
	}
	var n int
	err := c.nameQ.QueryRowContext(ctx, c.calID, name).Scan(&n)
	return n > 0, err
}

// add records an object just written.
func (c *catalog) add(id int64, uid, name string) {
	if c.uids != nil {
		c.uids[uid], c.names[name] = catalogEntry{id, name}, true
		return
	}
	if c.added == nil {
		c.added, c.addedNames = map[string]catalogEntry{}, map[string]bool{}
	}
	c.added[uid], c.addedNames[name] = catalogEntry{id, name}, true
}

func (c *catalog) close() {
	for _, st := range []*sql.Stmt{c.uidQ, c.nameQ} {
		if st != nil {
			st.Close()
		}
	}
}

// preparing prepares the objects of an import (validation, timing
// encoding, search text, index expansion: most of an import's work outside
// SQLite) on every CPU while the writer stores the ones already prepared.
// Objects are prepared in chunks, claimed in order, so the writer rarely
// waits.
type preparing struct {
	objs  []model.Object
	ps    []prepared
	errs  []error
	done  []chan struct{} // closed when chunk k is prepared (or abandoned)
	next  atomic.Int64    // the next chunk to claim
	stop  atomic.Bool
	wg    sync.WaitGroup
	store *Store
}

// prepareChunk is how many objects a worker prepares at a time.
const prepareChunk = 256

// startPrepare begins preparing objs; the caller takes them in order with
// get and must call finish. A small import is prepared at once.
func (s *Store) startPrepare(objs []model.Object) *preparing {
	n := (len(objs) + prepareChunk - 1) / prepareChunk
	p := &preparing{objs: objs, ps: make([]prepared, len(objs)), errs: make([]error, len(objs)),
		done: make([]chan struct{}, n), store: s}
	for k := range p.done {
		p.done[k] = make(chan struct{})
	}
	workers := min(runtime.GOMAXPROCS(0), n)
	if n <= 1 || workers <= 1 {
		p.work()
		return p
	}
	for range workers {
		p.wg.Go(p.work)
	}
	return p
}

func (p *preparing) work() {
	for {
		k := int(p.next.Add(1) - 1)
		if k >= len(p.done) {
			return
		}
		if !p.stop.Load() {
			for i := k * prepareChunk; i < min((k+1)*prepareChunk, len(p.objs)); i++ {
				o := &p.objs[i]
				if o.Name == "" {
					o.Name = defaultName(o.UID)
				}
				if p.ps[i], p.errs[i] = p.store.prepare(o); p.errs[i] != nil {
					break
				}
			}
		}
		close(p.done[k])
	}
}

// first returns the error of the first object refused, nil if none,
// waiting for every object to be prepared.
func (p *preparing) first() error {
	for i := range p.objs {
		if _, err := p.get(i); err != nil {
			return err
		}
	}
	return nil
}

// get waits for object i and returns it prepared, or the error that
// refused it (naming the object).
func (p *preparing) get(i int) (*prepared, error) {
	<-p.done[i/prepareChunk]
	if err := p.errs[i]; err != nil {
		return nil, &prepareError{fmt.Errorf("store: import: %w", &store.ObjectError{Index: i, UID: p.objs[i].UID, Err: err})}
	}
	return &p.ps[i], nil
}

// finish stops the workers and waits for them.
func (p *preparing) finish() {
	p.stop.Store(true)
	p.wg.Wait()
}

// prepareError is a refusal found while preparing, returned as it is.
type prepareError struct{ err error }

func (e *prepareError) Error() string { return e.err.Error() }
func (e *prepareError) Unwrap() error { return e.err }

// defaultName is the resource name of an imported object: its UID, when
// that is a safe path segment, plus ".ics".
func defaultName(uid string) string {
	for _, r := range uid {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '@') {
			return hashName(uid)
		}
	}
	if uid == "" || len(uid) > 200 || uid[0] == '.' {
		return hashName(uid)
	}
	return uid + ".ics"
}

func hashName(uid string) string {
	sum := sha1.Sum([]byte(uid))
	return hex.EncodeToString(sum[:]) + ".ics"
}

const objectColumns = `calendar_id, name, uid, component, summary, timing, etag, modified`

func scanObject(row scanner, withData bool) (model.Object, error) {
	var (
		o        model.Object
		timing   string
		modified int64
	)
	dest := []any{&o.CalendarID, &o.Name, &o.UID, &o.Component, &o.Summary, &timing, &o.ETag, &modified}
	if withData {
		dest = append(dest, &o.Data)
	}
	if err := row.Scan(dest...); err != nil {
		return o, err
	}
	o.Modified = fromNanos(modified)
	var err error
	if o.Timing, err = decodeTiming(timing); err != nil {
		return o, fmt.Errorf("object %q: %w", o.Name, err)
	}
	return o, nil
}

// Object returns the object name of calendar calID, or model.ErrNotFound.
func (s *Store) Object(ctx context.Context, calID int64, name string) (model.Object, error) {
	o, err := scanObject(s.r.QueryRowContext(ctx, `SELECT `+objectColumns+`, data FROM objects WHERE calendar_id = ? AND name = ?`,
		calID, name), true)
	if errors.Is(err, sql.ErrNoRows) {
		err = model.ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("store: get object %q: %w", name, err)
	}
	return o, nil
}

// ObjectByUID returns the object of calendar calID with uid, or
// model.ErrNotFound.
func (s *Store) ObjectByUID(ctx context.Context, calID int64, uid string) (model.Object, error) {
	o, err := scanObject(s.r.QueryRowContext(ctx, `SELECT `+objectColumns+`, data FROM objects WHERE calendar_id = ? AND uid = ?`,
		calID, uid), true)
	if errors.Is(err, sql.ErrNoRows) {
		err = model.ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("store: get object with uid %q: %w", uid, err)
	}
	return o, nil
}

// ObjectsByName returns the objects of calID named in names (a CalDAV
// multiget), in the order of names; names not stored are left out.
func (s *Store) ObjectsByName(ctx context.Context, calID int64, names []string) ([]model.Object, error) {
	if len(names) == 0 {
		return nil, nil
	}
	list, _ := json.Marshal(names)
	rows, err := s.r.QueryContext(ctx, `SELECT `+objectColumns+`, data FROM objects
		WHERE calendar_id = ? AND name IN (SELECT value FROM json_each(?))`, calID, string(list))
	if err != nil {
		return nil, fmt.Errorf("store: get objects: %w", err)
	}
	defer rows.Close()
	found := map[string]model.Object{}
	for rows.Next() {
		o, err := scanObject(rows, true)
		if err != nil {
			return nil, fmt.Errorf("store: get objects: %w", err)
		}
		found[o.Name] = o
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: get objects: %w", err)
	}
	out := make([]model.Object, 0, len(found))
	for _, n := range names {
		if o, ok := found[n]; ok {
			out = append(out, o)
			delete(found, n)
		}
	}
	return out, nil
}

// ListObjects returns every object of calendar calID by name, with Data
// only when withData is set. It returns model.ErrNotFound for a calendar
// that does not exist.
func (s *Store) ListObjects(ctx context.Context, calID int64, withData bool) ([]model.Object, error) {
	var out []model.Object
	err := s.read(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM calendars WHERE id = ?`, calID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("calendar %d: %w", calID, model.ErrNotFound)
		}
		q := `SELECT ` + objectColumns
		if withData {
			q += `, data`
		}
		rows, err := tx.QueryContext(ctx, q+` FROM objects WHERE calendar_id = ? ORDER BY name`, calID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			o, err := scanObject(rows, withData)
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: list objects: %w", err)
	}
	return out, nil
}

// DeleteObject removes the object name of calendar calID and leaves a
// tombstone in the change log. Errors: model.ErrNotFound, and
// model.ErrConflict when cond.IfMatch names another ETag.
func (s *Store) DeleteObject(ctx context.Context, calID int64, name string, cond model.Condition) error {
	now := s.now()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var id int64
		var uid, tag string
		err := tx.QueryRowContext(ctx, `SELECT id, uid, etag FROM objects WHERE calendar_id = ? AND name = ?`, calID, name).Scan(&id, &uid, &tag)
		if errors.Is(err, sql.ErrNoRows) {
			return model.ErrNotFound
		}
		if err != nil {
			return err
		}
		if cond.IfMatch != "" && cond.IfMatch != tag {
			return fmt.Errorf("if-match %q: stored etag is %q: %w", cond.IfMatch, tag, model.ErrConflict)
		}
		if err := s.guardTimesheet(ctx, tx, calID, name, nil); err != nil {
			return err
		}
		seq, err := nextSeq(ctx, tx, 1)
		if err != nil {
			return err
		}
		if err := s.writer.bind(ctx, tx).clearIndex(ctx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM objects WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO tombstones (calendar_id, name, uid, seq, at) VALUES (?, ?, ?, ?, ?)`,
			calID, name, uid, seq, now.UnixNano()); err != nil {
			return err
		}
		return touchCalendar(ctx, tx, calID, seq, now)
	})
	if err != nil {
		return fmt.Errorf("store: delete object %q: %w", name, err)
	}
	return nil
}

// Search returns the objects whose title, description, location, notes,
// categories, organizer or attendees contain text (case-insensitive),
// most recently written first, at most limit (<= 0: no limit). Empty text
// matches every object.
func (s *Store) Search(ctx context.Context, text string, limit int) ([]model.Object, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+objectColumns+`, data FROM objects WHERE instr(search, ?) > 0
		ORDER BY modified DESC, id DESC LIMIT ?`, strings.ToLower(text), limit)
	if err != nil {
		return nil, fmt.Errorf("store: search %q: %w", text, err)
	}
	defer rows.Close()
	var out []model.Object
	for rows.Next() {
		o, err := scanObject(rows, true)
		if err != nil {
			return nil, fmt.Errorf("store: search %q: %w", text, err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search %q: %w", text, err)
	}
	return out, nil
}
