package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"rota/model"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// queryAll runs q on db and returns every row through scan.
func queryAll[T any](ctx context.Context, db *sql.DB, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// queryOne returns the first row of q on db through scan, or
// model.ErrNotFound when there is none.
func queryOne[T any](ctx context.Context, db *sql.DB, scan func(scanner) (T, error), q string, args ...any) (T, error) {
	v, err := scan(db.QueryRowContext(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		err = model.ErrNotFound
	}
	return v, err
}

// exec runs one statement in a write transaction that also moves the
// change-log head when it changed a row, so doors watching Head (an open
// TUI, another process) notice. It returns the number of rows changed.
func (s *Store) exec(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		_, err = nextSeq(ctx, tx, 1)
		return err
	})
	return n, err
}

// deleteRow runs a DELETE through exec; no row deleted is
// model.ErrNotFound. Errors read "store: op: cause".
func (s *Store) deleteRow(ctx context.Context, op, query string, args ...any) error {
	n, err := s.exec(ctx, query, args...)
	if err == nil && n == 0 {
		err = model.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	return nil
}

// nameTaken returns model.ErrConflict when a row of table other than id
// (0: any row) gives owner the name already; what says what the row is
// ("a calendar") in the message.
func nameTaken(ctx context.Context, tx *sql.Tx, table, what, owner, name string, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE owner = ? AND name = ? AND id <> ?`,
		owner, name, id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%s already has %s named %q: %w", ownerName(owner), what, name, model.ErrConflict)
	}
	return nil
}
