package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"rota/model"
)

// PutUser creates the login u.Name or replaces its password hash and
// linked person; Created is kept from the first write (u.Created, or now).
// It returns model.ErrInvalid for a user that fails Validate.
func (s *Store) PutUser(ctx context.Context, u model.User) error {
	if err := u.Validate(); err != nil {
		return fmt.Errorf("store: put user %q: %w", u.Name, err)
	}
	created := u.Created
	if created.IsZero() {
		created = s.now()
	}
	_, err := s.exec(ctx, `INSERT INTO users (name, password_hash, person, created) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, person = excluded.person`,
		u.Name, u.PasswordHash, u.Person, created.UnixNano())
	if err != nil {
		return fmt.Errorf("store: put user %q: %w", u.Name, err)
	}
	return nil
}

const userColumns = `name, password_hash, person, created`

func scanUser(row scanner) (model.User, error) {
	var u model.User
	var created int64
	if err := row.Scan(&u.Name, &u.PasswordHash, &u.Person, &created); err != nil {
		return u, err
	}
	u.Created = fromNanos(created)
	return u, nil
}

// User returns the login name, or model.ErrNotFound.
func (s *Store) User(ctx context.Context, name string) (model.User, error) {
	u, err := queryOne(ctx, s.r, scanUser, `SELECT `+userColumns+` FROM users WHERE name = ?`, name)
	if err != nil {
		return u, fmt.Errorf("store: get user %q: %w", name, err)
	}
	return u, nil
}

// Users lists every login by name.
func (s *Store) Users(ctx context.Context) ([]model.User, error) {
	out, err := queryAll(ctx, s.r, scanUser, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return out, nil
}

// DeleteUser removes the login name (not its calendars), or returns
// model.ErrNotFound.
func (s *Store) DeleteUser(ctx context.Context, name string) error {
	return s.deleteRow(ctx, fmt.Sprintf("delete user %q", name), `DELETE FROM users WHERE name = ?`, name)
}

// CreateFeed stores a webcal feed and sets f.Created. Errors:
// model.ErrInvalid (see model.Feed.Validate), model.ErrNotFound (no such
// calendar), model.ErrConflict (the token is taken).
func (s *Store) CreateFeed(ctx context.Context, f *model.Feed) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("store: create feed: %w", err)
	}
	now := s.now()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM calendars WHERE id = ?`, f.CalendarID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("calendar %d: %w", f.CalendarID, model.ErrNotFound)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM feeds WHERE token = ?`, f.Token).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("token in use: %w", model.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO feeds (token, owner, calendar_id, label, created) VALUES (?, ?, ?, ?, ?)`,
			f.Token, f.Owner, f.CalendarID, f.Label, now.UnixNano()); err != nil {
			return err
		}
		_, err := nextSeq(ctx, tx, 1)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create feed: %w", err)
	}
	f.Created = fromNanos(now.UnixNano())
	return nil
}

const feedColumns = `token, owner, calendar_id, label, created`

func scanFeed(row scanner) (model.Feed, error) {
	var f model.Feed
	var created int64
	if err := row.Scan(&f.Token, &f.Owner, &f.CalendarID, &f.Label, &created); err != nil {
		return f, err
	}
	f.Created = fromNanos(created)
	return f, nil
}

// Feeds lists the feeds of owner ("" = every owner), oldest first.
func (s *Store) Feeds(ctx context.Context, owner string) ([]model.Feed, error) {
	q := `SELECT ` + feedColumns + ` FROM feeds`
	var args []any
	if owner != "" {
		q += ` WHERE owner = ?`
		args = append(args, owner)
	}
	out, err := queryAll(ctx, s.r, scanFeed, q+` ORDER BY created, token`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list feeds: %w", err)
	}
	return out, nil
}

// FeedByToken returns the live feed with token, or model.ErrNotFound
// (also for a revoked one).
func (s *Store) FeedByToken(ctx context.Context, token string) (model.Feed, error) {
	f, err := queryOne(ctx, s.r, scanFeed, `SELECT `+feedColumns+` FROM feeds WHERE token = ?`, token)
	if err != nil {
		return f, fmt.Errorf("store: get feed: %w", err)
	}
	return f, nil
}

// RevokeFeed deletes the feed with token, or returns model.ErrNotFound.
func (s *Store) RevokeFeed(ctx context.Context, token string) error {
	return s.deleteRow(ctx, "revoke feed", `DELETE FROM feeds WHERE token = ?`, token)
}
