package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"sync"

	"rota/model"
)

// The names of indexed objects.
//
// The index rows hold an object's id, and an instance needs the object's
// name, UID and summary. Reading them from the objects table costs a
// b-tree descent per instance (the objects rows are large: their data is
// inline), which was most of a week's Instances. So a Store keeps, per
// calendar, the names of the objects it has looked up, and keeps them
// right with the calendar's sync token: every write of an object gives it
// a change-log position (objects.seq) and moves its calendar's token to
// the last one in the same transaction. A query reads the tokens in its
// own snapshot; when a calendar's moved since the cache's, the objects
// written since (objects_seq, proportional to the writes) replace their
// entries. Deleted objects leave entries no index row refers to any more;
// an id SQLite gives again is a write past the token, so it is replaced.
// A query on an older snapshot than the cache's does not use it.

type objectNames struct{ name, uid, summary string }

type calendarNames struct {
	token   int64
	created int64 // a calendar deleted and made again under the same id starts afresh
	byID    map[int64]objectNames
}

type nameCache struct {
	mu   sync.Mutex
	cals map[int64]*calendarNames // made on first use
}

// maxCachedNames bounds one calendar's entries (about 200 bytes each).
const maxCachedNames = 500000

// fill sets the ObjectName, UID and (unless an override's is set) Summary
// of out[i] from object objIDs[i], as of tx's snapshot.
func (c *nameCache) fill(ctx context.Context, tx *sql.Tx, out []model.Instance, objIDs []int64) error {
	if len(out) == 0 {
		return nil
	}
	// The calendars' positions in this snapshot.
	type state struct {
		token, created int64
		use            bool // the cache is at this snapshot for it
	}
	cals := map[int64]*state{}
	var ids []int64
	for _, in := range out {
		if cals[in.CalendarID] == nil {
			cals[in.CalendarID] = &state{}
			ids = append(ids, in.CalendarID)
		}
	}
	idsJSON, _ := json.Marshal(ids)
	rows, err := tx.QueryContext(ctx, `SELECT id, sync_token, created FROM calendars WHERE id IN (SELECT value FROM json_each(?))`, string(idsJSON))
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, token, created int64
		if err := rows.Scan(&id, &token, &created); err != nil {
			rows.Close()
			return err
		}
		*cals[id] = state{token: token, created: created}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Bring each calendar's entries to this snapshot.
	for _, id := range ids {
		st := cals[id]
		c.mu.Lock()
		if c.cals == nil {
			c.cals = map[int64]*calendarNames{}
		}
		cn := c.cals[id]
		if cn == nil || cn.created != st.created || len(cn.byID) > maxCachedNames {
			cn = &calendarNames{token: st.token, created: st.created, byID: map[int64]objectNames{}}
			c.cals[id] = cn
		}
		from := cn.token
		if from == st.token {
			st.use = true
		}
		empty := len(cn.byID) == 0
		if from < st.token && empty {
			cn.token, st.use = st.token, true
		}
		c.mu.Unlock()
		if st.use || from > st.token {
			continue
		}
		changed, err := readNames(ctx, tx, `SELECT id, name, uid, summary FROM objects WHERE calendar_id = ? AND seq > ?`, id, from)
		if err != nil {
			return err
		}
		c.mu.Lock()
		if cn := c.cals[id]; cn != nil && cn.token == from && cn.created == st.created {
			for oid, n := range changed {
				cn.byID[oid] = n
			}
			cn.token, st.use = st.token, true
		}
		c.mu.Unlock()
	}
	// Look up what the cache does not hold.
	var missing []int64
	c.mu.Lock()
	for i, in := range out {
		if st := cals[in.CalendarID]; st.use {
			if cn := c.cals[in.CalendarID]; cn != nil && cn.token == st.token && cn.created == st.created {
				if n, ok := cn.byID[objIDs[i]]; ok {
					setNames(&out[i], n)
					continue
				}
			}
		}
		missing = append(missing, objIDs[i])
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return nil
	}
	missJSON, _ := json.Marshal(missing)
	found, err := readNames(ctx, tx, `SELECT id, name, uid, summary FROM objects WHERE id IN (SELECT value FROM json_each(?))`, string(missJSON))
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, in := range out {
		if in.ObjectName != "" {
			continue
		}
		n := found[objIDs[i]]
		setNames(&out[i], n)
		if st := cals[in.CalendarID]; st.use {
			if cn := c.cals[in.CalendarID]; cn != nil && cn.token == st.token && cn.created == st.created {
				cn.byID[objIDs[i]] = n
			}
		}
	}
	return nil
}

func setNames(in *model.Instance, n objectNames) {
	in.ObjectName, in.UID = n.name, n.uid
	if in.Summary == "" {
		in.Summary = n.summary
	}
}

func readNames(ctx context.Context, tx *sql.Tx, query string, args ...any) (map[int64]objectNames, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]objectNames{}
	for rows.Next() {
		var id int64
		var n objectNames
		if err := rows.Scan(&id, &n.name, &n.uid, &n.summary); err != nil {
			return nil, err
		}
		m[id] = n
	}
	return m, rows.Err()
}
