package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"rota/model"
)

// The occurrence index.
//
// Goal: Instances(window) costs in proportion to the instances it returns,
// not to the number of objects stored, for recurring objects too, and
// without running recurrence rules for objects that have nothing in the
// window.
//
// Rows. Every object is expanded when it is written (in the writer, before
// the transaction) and each instance becomes a row of the instances table:
// (calendar, band, start, end, object, recurrence id, flags, override
// summary), or a few instances of one recurring object share a row (see
// chunk.go). The table is WITHOUT ROWID with that primary key, so the rows
// of one calendar and band are stored sorted by start and a window is read
// as contiguous range scans, with no lookups besides the object's name.
//
// Bands. "start < To and end > From" cannot be one range scan on start: a
// long instance that began well before From still overlaps. So instances
// are split by length into classes with an upper bound each (1h, 4h, 26h,
// 8d, 32d, 400d, longer); for class c the scan is start in
// [From - bound(c), To), which holds every overlapping instance of that class
// and only a bounded amount besides (instances of at most bound(c) that
// ended shortly before From). Fourteen bands (seven classes, timed or
// floating) and as many for chunks; a query scans those its calendars use
// (see "Band masks"), in one prepared statement, each scan proportional to
// what it returns. Only the last class (instances longer than 400 days,
// rare) is filtered on end instead.
//
// Floating and all-day values have no place on the time line until a zone
// is chosen at query time. Their key is the wall clock read as UTC, with
// band bit 1 set; their scans are widened by the largest UTC offset
// (16h each side) and each row is then placed exactly in the query's zone
// and checked against the window, so nothing is missed and nothing extra is
// returned. A floating row keeps its nominal days in its flags, so its end
// is placed as the engine places it (days on the wall clock, the rest
// exact).
//
// Recurring objects. A rule with an end (COUNT, UNTIL) that has at most
// 1000 instances (Options.IndexCap) is indexed whole. Any other rule (open,
// or longer) is indexed in a window around now (clamped to the rule's
// life): from half a horizon before to a horizon after (2 years,
// Options.IndexHorizon), narrowed around now while the engine's instance
// cap cuts the expansion; past the row cap, 1000 rows are kept, a quarter
// of them before now. objects.indexed_from and indexed_until record the
// window: the table holds every instance overlapping [indexed_from,
// indexed_until) in key terms (indexed_from NULL: from the first one).
// A rule whose instances from its first one up to the window's end still
// fit under the cap (an open weekly meeting begun a year or two ago) is
// indexed from its first instance instead, so its past reads the index. A
// query whose keys (widened by the largest UTC offset) reach outside the
// window expands such an object on the fly for the window, and that
// expansion replaces the object's rows in the answer. A partial index on
// (calendar, indexed_until) finds those objects without touching the
// others, and objects.last_end skips rules that ended before the window.
// A rule so dense that even a minute-wide window expands to
// model.MaxInstances is not indexed at all (indexed_until = keyMin) and
// always expanded on the fly. An expansion the engine's cap cuts does not
// fail the query: the instances found are returned and the cut goes to
// Options.Warn.
//
// As time passes, ExtendIndex (run at Open) moves the windows forward:
// when one ends less than half a horizon ahead or its middle is past.
// So a daily rule from years ago is read from the index for the weeks
// around now, and only queries far in its past expand it on the fly.
//
// Writes delete and re-insert an object's rows in the write's transaction,
// so the index can never disagree with the objects.

// bandBounds are the upper bounds (seconds) of the length classes; a
// class past the last has no bound.
var bandBounds = [...]int64{3600, 4 * 3600, 26 * 3600, 8 * 86400, 32 * 86400, 400 * 86400}

const (
	nClasses = len(bandBounds) + 1
	nBands   = 2 * nClasses
	// maxOffset bounds every UTC offset a zone has had (-12h..+14h now,
	// local mean times up to about +-15:57).
	maxOffset = 16 * 3600
	// Keys far outside any real time stand for an open side.
	keyMin = math.MinInt64 / 4
	keyMax = math.MaxInt64 / 4
)

// Row flags.
const (
	rowFloating = 1 << iota
	rowAllDay
	rowOverridden
	rowRecurring
	// A floating row's length in nominal days is kept in the flags from
	// this bit on: placed in a zone, those days span wall-clock days (23
	// or 25 hours across DST) while the rest of the length is exact.
	rowDaysShift = 8
)

func classOf(length int64) int {
	for c, b := range bandBounds {
		if length <= b {
			return c
		}
	}
	return len(bandBounds)
}

// indexRow is one row of the instances table.
type indexRow struct {
	band       int
	start, end int64
	rid        int64
	flags      int
	summary    string // "" = NULL
	more       []byte // a chunk row's instances (chunk.go); nil for a plain row
}

// indexPlan is what a write puts in the index for one object.
type indexPlan struct {
	rows         []indexRow
	indexedFrom  sql.NullInt64
	indexedUntil sql.NullInt64
	lastEnd      sql.NullInt64
	// count is how many instances the object has, found by the expansion
	// for the index (an import's summary reports it); open is true for a
	// rule without COUNT or UNTIL, whose count is 0.
	count int
	open  bool
	// keys lists the primary keys of rows (rowKeys), stored with the
	// object: how its rows are found again to be deleted.
	keys sql.NullString
}

// plan expands t for the index: the rows to write (chunked, see
// chunk.go) and their keys.
func (s *Store) plan(t *model.Timing) (indexPlan, error) {
	p, err := s.planRows(t)
	if err != nil {
		return p, err
	}
	p.rows = chunk(p.rows)
	p.keys = rowKeys(p.rows)
	return p, nil
}

// planRows expands t for the index, a row per instance. Floating values are
// expanded in UTC, so every instance's start.Unix() is already its key.
func (s *Store) planRows(t *model.Timing) (indexPlan, error) {
	var p indexPlan
	if !t.Recurring() {
		p.count = 1
	}
	if t.Start.IsZero() {
		return p, nil
	}
	if !t.Recurring() {
		st, en, _ := single(t, time.UTC)
		p.rows = []indexRow{makeRow(t, occ{start: st, end: en}, false)}
		p.lastEnd = sql.NullInt64{Int64: en.Unix(), Valid: true}
		return p, nil
	}
	p.open = openRule(t.RRule)
	if !p.open {
		// A rule with an end is indexed whole when it fits under the cap
		// (the usual case: no need to ask the engine for its bounds).
		occs, err := expand(t, model.Range{}, time.UTC)
		if err != nil && !errors.Is(err, errTooManyInstances) {
			return p, err
		}
		if err == nil {
			p.count = len(occs)
		}
		if err == nil && len(occs) <= s.cap {
			p.rows = s.rows(t, occs)
			last := t.Start.Unix()
			for _, r := range p.rows {
				last = max(last, r.end)
			}
			p.lastEnd = sql.NullInt64{Int64: last, Valid: true}
			return p, nil
		}
	}
	first, last, open, err := bounds(t, time.UTC)
	if err != nil {
		return p, err
	}
	if !open {
		p.lastEnd = sql.NullInt64{Int64: last.Unix(), Valid: true}
	}
	// Otherwise a window around now (clamped to the rule's life): from
	// half a horizon before to a horizon after, narrowed sixteenfold while
	// the engine's instance cap cuts it, and not indexed at all (always
	// expanded on the fly) once under a minute.
	center := s.now().UTC().Truncate(time.Second)
	if center.Before(first) {
		center = first
	}
	if !open && center.After(last) {
		center = last
	}
	back, ahead := s.horizon/2, s.horizon
	// A rule begun before the window whose instances from the first one up
	// to the window's end fit under the row cap (the open weekly meeting
	// begun a year or two ago) is indexed from its first instance, so that
	// its past reads the index too. Tried first, the engine stopping at the
	// cap: one expansion of at most cap instances either way.
	if until := center.Add(ahead).Truncate(time.Second); center.Add(-back).After(first) {
		occs, err := expandAtMost(t, model.Range{To: until}, time.UTC, s.cap)
		if err == nil && len(occs) <= s.cap {
			p.indexedUntil = sql.NullInt64{Int64: until.Unix(), Valid: true}
			p.rows = s.rows(t, occs)
			return p, nil
		}
		if err != nil && !errors.Is(err, errTooManyInstances) {
			return p, err
		}
	}
	var occs []occ
	var from time.Time // zero: from the first instance
	for {
		from = center.Add(-back).Truncate(time.Second)
		if !from.After(first) {
			from = time.Time{}
		}
		until := center.Add(ahead).Truncate(time.Second)
		occs, err = expand(t, model.Range{From: from, To: until}, time.UTC)
		if err == nil {
			p.indexedUntil = sql.NullInt64{Int64: until.Unix(), Valid: true}
			break
		}
		if !errors.Is(err, errTooManyInstances) {
			return p, err
		}
		back, ahead = back/16, ahead/16
		if back+ahead < time.Minute {
			p.indexedUntil = sql.NullInt64{Int64: keyMin, Valid: true}
			return p, nil
		}
	}
	if !from.IsZero() {
		p.indexedFrom = sql.NullInt64{Int64: from.Unix(), Valid: true}
	}
	p.rows = s.rows(t, occs)
	if len(p.rows) <= s.cap {
		return p, nil
	}
	// Over the row cap: keep cap rows, a quarter of them before now.
	rows := p.rows
	j := sort.Search(len(rows), func(i int) bool { return rows[i].start >= center.Unix() })
	k := min(max(j-s.cap/4, 0), len(rows)-s.cap)
	if k > 0 {
		// The index then holds every instance overlapping [from, ...):
		// from is past the end of every row left out.
		lo := p.indexedFrom.Int64
		if !p.indexedFrom.Valid {
			lo = keyMin
		}
		for _, r := range rows[:k] {
			lo = max(lo, r.end+1)
		}
		p.indexedFrom = sql.NullInt64{Int64: lo, Valid: true}
	}
	n := k + s.cap
	if n < len(rows) {
		cut := rows[n].start
		for n > k && rows[n-1].start == cut {
			n--
		}
		p.indexedUntil = sql.NullInt64{Int64: cut, Valid: true}
	}
	p.rows = rows[k:n]
	return p, nil
}

// openRule reports whether an RRULE may go on for ever: it has neither
// COUNT nor UNTIL (RFC 5545 section 3.3.10). The engine's Bounds has the
// last word; this only spares expanding such a rule whole.
func openRule(rule string) bool {
	if rule == "" {
		return false
	}
	u := strings.ToUpper(rule)
	return !strings.Contains(u, "COUNT=") && !strings.Contains(u, "UNTIL=")
}

// rows turns the instances of a recurring t into index rows sorted by start.
func (s *Store) rows(t *model.Timing, occs []occ) []indexRow {
	rows := make([]indexRow, 0, len(occs))
	for _, o := range occs {
		rows = append(rows, makeRow(t, o, true))
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].start < rows[j].start })
	return rows
}

// instanceFlags says whether the instance with recurrence id key ridKey is
// floating and all-day, and how many nominal days its length has: an
// override's own DTSTART and length decide for the instance it replaces,
// the master's for the others.
func instanceFlags(t *model.Timing, ridKey int64, recurring bool) (floating, allDay bool, days int) {
	floating, allDay, days = t.Floating || t.AllDay, t.AllDay, t.Days
	if !t.HasEnd && t.AllDay && t.Days == 0 && t.Duration == 0 {
		days = 1
	}
	if !recurring {
		return
	}
	for i := range t.Overrides {
		o := &t.Overrides[i]
		if !o.ThisAndFuture && o.RecurrenceID.Unix() == ridKey {
			return o.Floating || o.AllDay, o.AllDay, o.Days
		}
	}
	return
}

// makeRow turns an instance expanded with floating values in UTC into a row.
func makeRow(t *model.Timing, o occ, recurring bool) indexRow {
	r := indexRow{start: o.start.Unix(), end: o.end.Unix(), summary: o.summary}
	if r.end < r.start {
		r.end = r.start
	}
	if recurring {
		r.flags |= rowRecurring
		r.rid = o.rid.Unix()
	}
	floating, allDay, days := instanceFlags(t, r.rid, recurring)
	if floating {
		r.flags |= rowFloating | days<<rowDaysShift
		r.band = 1
	}
	if allDay {
		r.flags |= rowAllDay
	}
	if o.overridden {
		r.flags |= rowOverridden
	}
	r.band += 2 * classOf(r.end-r.start)
	return r
}

// insertBatches are the row counts of the prepared INSERTs: rows are
// written many to a statement rather than one per instance (an import
// buffers the rows of many objects, see rowBuffer).
var insertBatches = [...]int{1024, 128, 16, 1}

func insertInstanceSQL(n int) string {
	return `INSERT OR FAIL INTO instances (calendar_id, band, start, end, object_id, recurrence_id, flags, summary, more) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
}

// objectRow is an index row with the object it belongs to.
type objectRow struct {
	calID, objID int64
	indexRow
}

// An object's index rows are found again by their primary keys, kept with
// the object (objects.index_keys: "band:start:recurrence id" per row,
// separated by ";"), rather than through an index on object_id: that
// index cost a b-tree insert per row written, a third of an import's
// index work.

// rowKeys lists the keys of rows (NULL when there are none).
func rowKeys(rows []indexRow) sql.NullString {
	if len(rows) == 0 {
		return sql.NullString{}
	}
	b := make([]byte, 0, 24*len(rows))
	for i, r := range rows {
		if i > 0 {
			b = append(b, ';')
		}
		b = strconv.AppendInt(b, int64(r.band), 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, r.start, 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, r.rid, 10)
	}
	return sql.NullString{String: string(b), Valid: true}
}

// parseKeys reads what rowKeys wrote.
func parseKeys(s string) ([][3]int64, error) {
	var keys [][3]int64
	for s != "" {
		var one string
		one, s, _ = strings.Cut(s, ";")
		var k [3]int64
		for i := range k {
			var f string
			f, one, _ = strings.Cut(one, ":")
			v, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("index keys: %w", err)
			}
			k[i] = v
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// clearIndex deletes the index rows of object id (none if it has none).
func (w *objectWriter) clearIndex(ctx context.Context, id int64) error {
	var calID int64
	var keys sql.NullString
	err := w.keys.QueryRowContext(ctx, id).Scan(&calID, &keys)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !keys.Valid {
		return nil
	}
	if err != nil {
		return err
	}
	list, err := parseKeys(keys.String)
	if err != nil {
		return fmt.Errorf("object %d: %w", id, err)
	}
	for _, k := range list {
		if _, err := w.unindex.ExecContext(ctx, calID, k[0], k[1], id, k[2]); err != nil {
			return err
		}
	}
	return nil
}

// insertRows writes the rows of one object with w.
func insertRows(ctx context.Context, w *objectWriter, calID, objID int64, rows []indexRow) error {
	var b rowBuffer
	b.add(calID, objID, rows)
	return b.flush(ctx, w)
}

// rowBuffer collects the index rows of several objects so that an import
// writes them in a few large INSERTs, sorted by key: one statement per
// 128 rows instead of one or more per object, and each b-tree page is
// visited once per batch rather than once per object.
type rowBuffer struct {
	rows    []objectRow
	pending map[int64]bool // objects with rows in the buffer
	args    []any
}

// rowBufferSize is how many rows an import buffers before writing them.
const rowBufferSize = 4096

func (b *rowBuffer) add(calID, objID int64, rows []indexRow) {
	for _, r := range rows {
		b.rows = append(b.rows, objectRow{calID, objID, r})
	}
	if len(rows) > 0 && b.pending != nil {
		b.pending[objID] = true
	}
}

// holds reports whether rows of object id wait in the buffer (such an
// object rewritten in the same import must flush them before its rows are
// cleared).
func (b *rowBuffer) holds(id int64) bool { return b.pending[id] }

func (b *rowBuffer) full() bool { return len(b.rows) >= rowBufferSize }

// flush writes the buffered rows with w and empties the buffer. It also
// records their bands in calendars.bands.
func (b *rowBuffer) flush(ctx context.Context, w *objectWriter) error {
	if err := b.markBands(ctx, w.bands); err != nil {
		return err
	}
	stmts := w.index
	rows := b.rows
	if len(rows) > insertBatches[len(insertBatches)-1] {
		slices.SortFunc(rows, func(x, y objectRow) int {
			if c := cmp.Compare(x.calID, y.calID); c != 0 {
				return c
			}
			if c := cmp.Compare(x.band, y.band); c != 0 {
				return c
			}
			if c := cmp.Compare(x.start, y.start); c != 0 {
				return c
			}
			if c := cmp.Compare(x.objID, y.objID); c != 0 {
				return c
			}
			return cmp.Compare(x.rid, y.rid)
		})
	}
	if b.args == nil {
		b.args = make([]any, 0, 9*insertBatches[0])
	}
	for i, n := range insertBatches {
		for len(rows) >= n {
			args := b.args[:0]
			for k := range rows[:n] {
				r := &rows[k]
				var summary, more any
				if r.summary != "" {
					summary = r.summary
				}
				if r.more != nil {
					more = r.more
				}
				args = append(args, r.calID, r.band, r.start, r.end, r.objID, r.rid, r.flags, summary, more)
			}
			if _, err := stmts[i].ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("index: %w", err)
			}
			rows = rows[n:]
		}
	}
	clear(b.rows)
	b.rows = b.rows[:0]
	clear(b.pending)
	return nil
}

// windowSQL reads the index for a window in one statement: n scans,
// each five parameters (calendar, band, lowest start, start bound, end
// bound; the end bound is keyMin for the bounded classes, whose range of
// starts suffices) in a VALUES table. Each scan is one range of the
// primary key. CROSS JOIN keeps that loop order: without statistics the
// planner would rather build an index on band.
func windowSQL(n int) string {
	var b strings.Builder
	b.WriteString(`SELECT i.calendar_id, i.start, i.end, i.recurrence_id, i.flags, i.summary, i.object_id, i.more
	FROM (VALUES `)
	for k := range n {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?)")
	}
	b.WriteString(`) AS w CROSS JOIN instances AS i
	WHERE i.calendar_id = w.column1 AND i.band = w.column2 AND i.start >= w.column3 AND i.start < w.column4 AND i.end > w.column5`)
	return b.String()
}

// windowStmts holds windowSQL prepared for each power of two of scans a
// query has needed: a query's scans are padded with ones that find nothing
// (calendar 0) up to the next power, so a handful of statements serve
// every query, with no JSON to parse per query.
type windowStmts struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[int]*sql.Stmt
}

// stmt returns the statement for the scans in args (five values each)
// and args padded to its size.
func (w *windowStmts) stmt(args []any) (*sql.Stmt, []any, error) {
	n := 8
	for n < len(args)/5 {
		n *= 2
	}
	for len(args) < 5*n {
		args = append(args, 0, 0, 0, 0, 0)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if st := w.stmts[n]; st != nil {
		return st, args, nil
	}
	st, err := w.db.Prepare(windowSQL(n))
	if err != nil {
		return nil, nil, err
	}
	if w.stmts == nil {
		w.stmts = map[int]*sql.Stmt{}
	}
	w.stmts[n] = st
	return st, args, nil
}

func (w *windowStmts) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	for _, st := range w.stmts {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

// bandsSQL lists the calendars of the JSON array ?1 (NULL: every
// calendar) with their band masks.
const bandsSQL = `SELECT id, bands FROM calendars WHERE ?1 IS NULL OR id IN (SELECT value FROM json_each(?1)) ORDER BY id`

// horizonSQL finds the objects whose index rows do not cover the window
// (low key ?3, high key ?2): a window-indexed rule whose index ends
// before the window's end or begins after its start.
// Each side of the condition is a range of its own partial index
// (objects_horizon, objects_horizon_from), so most window-indexed rules
// (covering the window) are not read at all.
const horizonSQL = `SELECT calendar_id, name, uid, summary, timing FROM objects
	WHERE id IN (
		SELECT id FROM objects WHERE calendar_id IN (SELECT value FROM json_each(?1))
			AND indexed_until IS NOT NULL AND indexed_until < ?2
		UNION
		SELECT id FROM objects WHERE calendar_id IN (SELECT value FROM json_each(?1))
			AND indexed_from IS NOT NULL AND indexed_from > ?3)
	AND indexed_until IS NOT NULL AND (last_end IS NULL OR last_end > ?3)`

// Instances returns every instance overlapping r in the given calendars
// (nil = all), sorted by start. floating is the zone for floating and
// all-day values (nil = UTC); every time returned is in that zone.
// Overlap follows RFC 4791 section 9.9 (model.Range.Overlaps).
func (s *Store) Instances(ctx context.Context, calIDs []int64, r model.Range, floating *time.Location) ([]model.Instance, error) {
	if floating == nil {
		floating = time.UTC
	}
	var out []model.Instance
	err := s.read(ctx, func(tx *sql.Tx) error {
		cals, idsJSON, err := s.calendarBands(ctx, tx, calIDs)
		if err != nil || len(cals) == 0 {
			return err
		}
		lo, hi := int64(keyMin), int64(keyMax)
		if !r.From.IsZero() {
			lo = r.From.Unix()
		}
		if !r.To.IsZero() {
			hi = r.To.Unix() + 1 // keys are whole seconds
		}
		// One scan per calendar and band in use: calendar, band, lowest
		// start, start bound, end bound.
		args := make([]any, 0, 5*16)
		for band := 0; band < 2*nBands; band++ {
			blo, bhi := lo, hi
			if band&1 == 1 {
				blo, bhi = sat(blo-maxOffset), sat(bhi+maxOffset)
			}
			var endLo int64 = keyMin
			if c := band % nBands / 2; c < len(bandBounds) {
				blo = sat(blo - bandBounds[c])
				if band >= nBands {
					blo = sat(blo - chunkSpan)
				}
			} else { // unbounded: every start before the window, filtered on end
				blo, endLo = keyMin, blo
			}
			for _, c := range cals {
				if c.bands&(1<<band) != 0 {
					args = append(args, c.id, band, blo, bhi, endLo)
				}
			}
		}
		// No scans at all still runs (padded, it finds nothing): the
		// objects expanded on the fly below are not in the bands.
		st, args, err := s.windows.stmt(args)
		if err != nil {
			return err
		}
		rows, err := tx.StmtContext(ctx, st).QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var objIDs []int64 // of out's instances
		var calID, objID int64
		add := func(row indexRow) {
			// Most instances of a chunk miss the window: ruled out on
			// their keys (widened by any UTC offset, for floating ones)
			// before times are made of them.
			if row.start >= sat(hi+maxOffset) || row.end < sat(lo-maxOffset) {
				return
			}
			in := model.Instance{CalendarID: calID}
			wall := row.flags&rowFloating != 0
			in.AllDay = row.flags&rowAllDay != 0
			in.Floating = wall && !in.AllDay
			in.Overridden = row.flags&rowOverridden != 0
			in.Start = fromKey(row.start, wall, floating)
			in.End = fromKey(row.end, wall, floating)
			if wall {
				in.End = placeEnd(row.start, row.end, int64(row.flags>>rowDaysShift), floating)
			}
			if !r.Overlaps(in.Start, in.End) {
				return
			}
			if row.flags&rowRecurring != 0 {
				in.RecurrenceID = fromKey(row.rid, wall, floating)
			}
			in.Summary = row.summary // an override's
			out = append(out, in)
			objIDs = append(objIDs, objID)
		}
		for rows.Next() {
			var (
				row     indexRow
				summary sql.NullString
			)
			if err := rows.Scan(&calID, &row.start, &row.end, &row.rid, &row.flags, &summary, &objID, &row.more); err != nil {
				return err
			}
			if row.more == nil {
				row.summary = summary.String
				add(row)
			} else if err := unpackChunk(row.start, row.more, add); err != nil {
				return fmt.Errorf("object %d: %w", objID, err)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if err := s.names.fill(ctx, tx, out, objIDs); err != nil {
			return err
		}
		more, expanded, err := s.unindexed(ctx, tx, string(idsJSON), r, lo, hi, floating)
		if err != nil {
			return err
		}
		if len(expanded) > 0 {
			// Their expansion for the window is whole: it replaces their rows.
			keep := out[:0]
			for _, in := range out {
				if !expanded[objectKey{in.CalendarID, in.ObjectName}] {
					keep = append(keep, in)
				}
			}
			out = keep
		}
		out = append(out, more...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: instances: %w", err)
	}
	// Sorted through an index: an Instance is large to move and compare by value.
	idx := make([]int32, len(out))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(i, j int32) int {
		a, b := &out[i], &out[j]
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		if c := cmp.Compare(a.CalendarID, b.CalendarID); c != 0 {
			return c
		}
		if c := strings.Compare(a.UID, b.UID); c != 0 {
			return c
		}
		return a.RecurrenceID.Compare(b.RecurrenceID)
	})
	sorted := make([]model.Instance, len(out))
	for k, i := range idx {
		sorted[k] = out[i]
	}
	out = sorted
	return out, nil
}

// objectKey names an object in Instances.
type objectKey struct {
	calID int64
	name  string
}

// unindexed expands on the fly, for the window, the objects whose index
// rows do not cover it, and says which they were: their expansion replaces
// their rows. A rule so dense that the engine's cap (model.MaxInstances)
// cuts its expansion does not fail the query: the instances found are
// returned and the cut is reported to Options.Warn.
func (s *Store) unindexed(ctx context.Context, tx *sql.Tx, idsJSON string, r model.Range, lo, hi int64, floating *time.Location) ([]model.Instance, map[objectKey]bool, error) {
	rows, err := tx.StmtContext(ctx, s.horizonStmt).QueryContext(ctx, idsJSON, sat(hi+maxOffset), sat(lo-maxOffset))
	if err != nil {
		return nil, nil, err
	}
	type pending struct {
		in     model.Instance
		timing string
	}
	var todo []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.in.CalendarID, &p.in.ObjectName, &p.in.UID, &p.in.Summary, &p.timing); err != nil {
			rows.Close()
			return nil, nil, err
		}
		todo = append(todo, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(todo) == 0 {
		return nil, nil, nil
	}
	var out []model.Instance
	expanded := make(map[objectKey]bool, len(todo))
	for _, p := range todo {
		expanded[objectKey{p.in.CalendarID, p.in.ObjectName}] = true
		t, err := decodeTiming(p.timing)
		if err != nil {
			return nil, nil, fmt.Errorf("object %q: %w", p.in.ObjectName, err)
		}
		occs, err := expandPartial(&t, r, floating)
		if errors.Is(err, errTooManyInstances) {
			s.warn(fmt.Errorf("store: instances of %q in calendar %d from %s: only the first %d: %w",
				p.in.ObjectName, p.in.CalendarID, r.From.Format(time.RFC3339), len(occs), err))
		} else if err != nil {
			return nil, nil, fmt.Errorf("object %q: %w", p.in.ObjectName, err)
		}
		recurring := t.Recurring()
		for _, o := range occs {
			var ridKey int64
			if recurring {
				ridKey = o.rid.Unix()
				if t.Floating || t.AllDay {
					ridKey = wallKey(o.rid)
				}
			}
			fl, allDay, _ := instanceFlags(&t, ridKey, recurring)
			in := p.in
			in.Start, in.End = o.start.In(floating), o.end.In(floating)
			if recurring {
				in.RecurrenceID = o.rid.In(floating)
			}
			in.Floating, in.AllDay, in.Overridden = fl && !allDay, allDay, o.overridden
			if o.summary != "" {
				in.Summary = o.summary
			}
			out = append(out, in)
		}
	}
	return out, expanded, nil
}

// expandPartial is expand that, when the engine's cap cuts a rule, also
// returns the instances found before the cut (with the error).
func expandPartial(t *model.Timing, r model.Range, floating *time.Location) ([]occ, error) {
	if !t.Recurring() {
		return expand(t, r, floating)
	}
	list, err := t.Expand(r, floating)
	if err != nil && !errors.Is(err, errTooManyInstances) {
		return nil, err
	}
	out := make([]occ, len(list))
	for i, o := range list {
		out[i] = occ{rid: o.RecurrenceID, start: o.Start, end: o.End, overridden: o.Overridden, summary: o.Summary}
	}
	return out, err
}

// fromKey turns an index key back into a time in loc: a floating key is a
// wall clock placed in loc, any other an instant.
func fromKey(key int64, floating bool, loc *time.Location) time.Time {
	t := time.Unix(key, 0).UTC()
	if floating {
		return place(t, loc)
	}
	return t.In(loc)
}

// placeEnd places the end of a floating row in loc: its nominal days are
// wall-clock days in loc, the rest of its length is exact.
func placeEnd(start, end, days int64, loc *time.Location) time.Time {
	nominal := start + days*86400
	if nominal > end {
		nominal = end
	}
	return place(time.Unix(nominal, 0).UTC(), loc).Add(time.Duration(end-nominal) * time.Second)
}

// sat keeps key arithmetic inside the open-side sentinels.
func sat(k int64) int64 {
	if k < keyMin {
		return keyMin
	}
	if k > keyMax {
		return keyMax
	}
	return k
}

// Band masks. A calendar uses few of the bands (a team calendar: short
// timed events and some all-day ones), and each band a query scans costs a
// b-tree search per calendar whether it holds rows or not: with ten
// calendars, 280 searches where 30 find something. So calendars.bands has
// bit b set once band b holds a row of the calendar (bits are never
// cleared: a superset is harmless) and a query scans those bands only.

// markBands adds the bands of the buffered rows to their calendars' masks.
func (b *rowBuffer) markBands(ctx context.Context, st *sql.Stmt) error {
	var calID, mask int64
	for i, r := range b.rows {
		if i > 0 && r.calID != calID {
			if _, err := st.ExecContext(ctx, calID, mask); err != nil {
				return err
			}
			mask = 0
		}
		calID, mask = r.calID, mask|1<<r.band
	}
	if mask != 0 {
		_, err := st.ExecContext(ctx, calID, mask)
		return err
	}
	return nil
}

// calendarBands returns calendars ids (nil: every calendar) with their
// band masks, and their ids as a JSON array.
func (s *Store) calendarBands(ctx context.Context, tx *sql.Tx, ids []int64) (cals []calendarMask, idsJSON string, err error) {
	var arg any
	if ids != nil {
		j, _ := json.Marshal(ids)
		arg = string(j)
	}
	rows, err := tx.StmtContext(ctx, s.bandsStmt).QueryContext(ctx, arg)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	ids = []int64{}
	for rows.Next() {
		var c calendarMask
		if err := rows.Scan(&c.id, &c.bands); err != nil {
			return nil, "", err
		}
		cals, ids = append(cals, c), append(ids, c.id)
	}
	j, _ := json.Marshal(ids)
	return cals, string(j), rows.Err()
}

type calendarMask struct{ id, bands int64 }

// extendBatch is how many objects ExtendIndex rewrites per transaction,
// so other writers wait at most that long.
const extendBatch = 200

// ExtendIndex moves the index of open-ended rules forward as time passes:
// every object whose rows stop less than half a horizon past now is
// expanded again up to now + horizon. It changes no object, ETag or sync
// token. Open calls it; a long-running process may call it now and then.
// It returns how many objects it re-indexed.
func (s *Store) ExtendIndex(ctx context.Context) (int, error) {
	now := s.now().Unix()
	limit := s.now().Add(s.horizon / 2).Unix()
	type stale struct {
		id, calID int64
		timing    string
		until     int64
	}
	var list []stale
	// Due: a window that ends less than half a horizon ahead, or whose
	// middle is past (a window the row cap narrowed moves once a quarter
	// of it has gone by); not a rule over, nor one too dense to index.
	rows, err := s.r.QueryContext(ctx, `SELECT id, calendar_id, timing, indexed_until FROM objects
		WHERE indexed_until IS NOT NULL AND indexed_until > ?1
		AND (indexed_until < ?2 OR indexed_from / 2 + indexed_until / 2 < ?3)
		AND (last_end IS NULL OR last_end > ?3)`, int64(keyMin), limit, now)
	if err != nil {
		return 0, fmt.Errorf("store: extend index: %w", err)
	}
	for rows.Next() {
		var st stale
		if err := rows.Scan(&st.id, &st.calID, &st.timing, &st.until); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: extend index: %w", err)
		}
		list = append(list, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: extend index: %w", err)
	}
	n := 0
	for len(list) > 0 {
		batch := list[:min(extendBatch, len(list))]
		list = list[len(batch):]
		type work struct {
			stale
			plan indexPlan
		}
		var todo []work
		for _, st := range batch {
			t, err := decodeTiming(st.timing)
			if err != nil {
				return n, fmt.Errorf("store: extend index: object %d: %w", st.id, err)
			}
			p, err := s.plan(&t)
			if err != nil {
				return n, fmt.Errorf("store: extend index: object %d: %w", st.id, err)
			}
			if p.indexedUntil.Valid && p.indexedUntil.Int64 <= st.until {
				continue
			}
			todo = append(todo, work{st, p})
		}
		if len(todo) == 0 {
			continue
		}
		err := s.write(ctx, func(tx *sql.Tx) error {
			w := s.writer.bind(ctx, tx)
			for _, wk := range todo {
				// Skip an object rewritten since it was read.
				var same int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM objects WHERE id = ? AND timing = ? AND indexed_until = ?`,
					wk.id, wk.timing, wk.until).Scan(&same); err != nil {
					return err
				}
				if same == 0 {
					continue
				}
				if err := w.clearIndex(ctx, wk.id); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE objects SET indexed_from = ?, indexed_until = ?, index_keys = ? WHERE id = ?`,
					wk.plan.indexedFrom, wk.plan.indexedUntil, wk.plan.keys, wk.id); err != nil {
					return err
				}
				if err := insertRows(ctx, w, wk.calID, wk.id, wk.plan.rows); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("store: extend index: %w", err)
		}
	}
	return n, nil
}
