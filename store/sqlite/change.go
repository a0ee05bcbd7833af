package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"rota/model"
	"rota/store"
)

// The change log is kept compact: a live object carries the position (seq)
// of its last write, a deleted one leaves a tombstone with the position of
// its deletion, and a put removes the tombstone of its name. So every name
// appears in the log once, with its latest change, and "what changed after
// position p" is a range scan on seq over objects and tombstones. Positions
// come from one counter per file (table seq), so they also order writes
// across calendars and processes. A calendar's SyncToken is the position
// of its last write (objects or its own properties).

// Changes returns the latest change of every name in calendar calID after
// position since, by position, and the calendar's current position. A
// name written and then deleted after since is one delete. since = 0 lists
// every stored object as a put. A position the calendar cannot answer for
// (later than the store's head, earlier than the calendar's creation, or
// pruned) is store.ErrBadSyncToken; an unknown calendar model.ErrNotFound.
func (s *Store) Changes(ctx context.Context, calID int64, since int64) ([]model.Change, int64, error) {
	var (
		out []model.Change
		pos int64
	)
	err := s.read(ctx, func(tx *sql.Tx) error {
		var minTok, head int64
		err := tx.QueryRowContext(ctx, `SELECT sync_token, min_token, (SELECT head FROM seq WHERE id = 1) FROM calendars WHERE id = ?`,
			calID).Scan(&pos, &minTok, &head)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("calendar %d: %w", calID, model.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if since < 0 || since > head || since != 0 && since < minTok {
			return fmt.Errorf("position %d: %w", since, store.ErrBadSyncToken)
		}
		rows, err := tx.QueryContext(ctx, `SELECT seq, name, uid, 'put', etag, modified FROM objects WHERE calendar_id = ?1 AND seq > ?2
			UNION ALL
			SELECT seq, name, uid, 'delete', '', at FROM tombstones WHERE calendar_id = ?1 AND seq > ?2 AND ?2 > 0
			ORDER BY 1`, calID, since)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := model.Change{CalendarID: calID}
			var op string
			var when int64
			if err := rows.Scan(&c.Seq, &c.Name, &c.UID, &op, &c.ETag, &when); err != nil {
				return err
			}
			c.Op, c.When = model.ChangeOp(op), fromNanos(when)
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: changes: %w", err)
	}
	return out, max(pos, since), nil
}

// PruneChanges forgets the tombstones of calendar calID written at or
// before position upTo; Changes then refuses positions before upTo with
// store.ErrBadSyncToken, so clients holding them sync afresh.
func (s *Store) PruneChanges(ctx context.Context, calID int64, upTo int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE calendars SET min_token = max(min_token, ?) WHERE id = ?`, upTo, calID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("calendar %d: %w", calID, model.ErrNotFound)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM tombstones WHERE calendar_id = ? AND seq <= ?`, calID, upTo)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: prune changes: %w", err)
	}
	return nil
}
