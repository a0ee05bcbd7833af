package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"rota/model"
)

const calendarColumns = `id, owner, name, display_name, description, color, symbolic_color, sort_order,
	time_zone, kind, grp, person, components, default_reminders, props, sync_token, created, modified`

// CreateCalendar stores a new calendar and sets its ID, SyncToken, Created
// and Modified. It returns model.ErrInvalid for a calendar that fails
// Validate and model.ErrConflict when the owner already has one by that
// name.
func (s *Store) CreateCalendar(ctx context.Context, c *model.Calendar) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("store: create calendar %q: %w", c.Name, err)
	}
	reminders, props, err := calendarJSON(c)
	if err != nil {
		return fmt.Errorf("store: create calendar %q: %w", c.Name, err)
	}
	now := s.now()
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := nameTaken(ctx, tx, "calendars", "a calendar", c.Owner, c.Name, 0); err != nil {
			return err
		}
		seq, err := nextSeq(ctx, tx, 1)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO calendars (owner, name, display_name, description, color, symbolic_color,
			sort_order, time_zone, kind, grp, person, components, default_reminders, props, sync_token, min_token, created, modified)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Owner, c.Name, c.DisplayName, c.Description, c.Color, c.SymbolicColor, c.Order, c.TimeZone, string(c.Kind),
			c.Group, c.Person, strings.Join(c.Components, ","), reminders, props, seq, seq, now.UnixNano(), now.UnixNano())
		if err != nil {
			return err
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		c.SyncToken = seq
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: create calendar %q: %w", c.Name, err)
	}
	c.Created, c.Modified = fromNanos(now.UnixNano()), fromNanos(now.UnixNano())
	return nil
}

func ownerName(owner string) string {
	if owner == "" {
		return "the store"
	}
	return fmt.Sprintf("%q", owner)
}

func calendarJSON(c *model.Calendar) (reminders, props string, err error) {
	if len(c.DefaultReminders) > 0 {
		b, err := json.Marshal(c.DefaultReminders)
		if err != nil {
			return "", "", err
		}
		reminders = string(b)
	}
	if len(c.Props) > 0 {
		b, err := json.Marshal(c.Props)
		if err != nil {
			return "", "", err
		}
		props = string(b)
	}
	return reminders, props, nil
}

func scanCalendar(row scanner) (model.Calendar, error) {
	var (
		c                        model.Calendar
		kind, comps, rems, props string
		created, modified        int64
	)
	err := row.Scan(&c.ID, &c.Owner, &c.Name, &c.DisplayName, &c.Description, &c.Color, &c.SymbolicColor, &c.Order,
		&c.TimeZone, &kind, &c.Group, &c.Person, &comps, &rems, &props, &c.SyncToken, &created, &modified)
	if err != nil {
		return c, err
	}
	c.Kind = model.CalendarKind(kind)
	if comps != "" {
		c.Components = strings.Split(comps, ",")
	}
	if rems != "" {
		if err := json.Unmarshal([]byte(rems), &c.DefaultReminders); err != nil {
			return c, fmt.Errorf("default reminders: %w", err)
		}
	}
	if props != "" {
		if err := json.Unmarshal([]byte(props), &c.Props); err != nil {
			return c, fmt.Errorf("props: %w", err)
		}
	}
	c.Created, c.Modified = fromNanos(created), fromNanos(modified)
	return c, nil
}

// Calendars lists the calendars of owner ("" = every owner), by order
// then name.
func (s *Store) Calendars(ctx context.Context, owner string) ([]model.Calendar, error) {
	q := `SELECT ` + calendarColumns + ` FROM calendars`
	var args []any
	if owner != "" {
		q += ` WHERE owner = ?`
		args = append(args, owner)
	}
	out, err := queryAll(ctx, s.r, scanCalendar, q+` ORDER BY sort_order, name, owner`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list calendars: %w", err)
	}
	return out, nil
}

// Calendar returns owner's calendar called name, or model.ErrNotFound.
func (s *Store) Calendar(ctx context.Context, owner, name string) (model.Calendar, error) {
	c, err := queryOne(ctx, s.r, scanCalendar, `SELECT `+calendarColumns+` FROM calendars WHERE owner = ? AND name = ?`, owner, name)
	if err != nil {
		return c, fmt.Errorf("store: get calendar %q: %w", name, err)
	}
	return c, nil
}

// CalendarByID returns the calendar with id, or model.ErrNotFound.
func (s *Store) CalendarByID(ctx context.Context, id int64) (model.Calendar, error) {
	c, err := queryOne(ctx, s.r, scanCalendar, `SELECT `+calendarColumns+` FROM calendars WHERE id = ?`, id)
	if err != nil {
		return c, fmt.Errorf("store: get calendar %d: %w", id, err)
	}
	return c, nil
}

// UpdateCalendar replaces every field of the calendar c.ID (owner and name
// too) and bumps its SyncToken (the CTag), setting c.SyncToken, c.Modified
// and c.Created. It returns model.ErrNotFound, model.ErrInvalid, or
// model.ErrConflict when the new owner and name belong to another calendar.
func (s *Store) UpdateCalendar(ctx context.Context, c *model.Calendar) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("store: update calendar %q: %w", c.Name, err)
	}
	reminders, props, err := calendarJSON(c)
	if err != nil {
		return fmt.Errorf("store: update calendar %q: %w", c.Name, err)
	}
	now := s.now()
	var created int64
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT created FROM calendars WHERE id = ?`, c.ID).Scan(&created); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return model.ErrNotFound
			}
			return err
		}
		if err := nameTaken(ctx, tx, "calendars", "a calendar", c.Owner, c.Name, c.ID); err != nil {
			return err
		}
		seq, err := nextSeq(ctx, tx, 1)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE calendars SET owner = ?, name = ?, display_name = ?, description = ?, color = ?,
			symbolic_color = ?, sort_order = ?, time_zone = ?, kind = ?, grp = ?, person = ?, components = ?,
			default_reminders = ?, props = ?, sync_token = ?, modified = ? WHERE id = ?`,
			c.Owner, c.Name, c.DisplayName, c.Description, c.Color, c.SymbolicColor, c.Order, c.TimeZone, string(c.Kind),
			c.Group, c.Person, strings.Join(c.Components, ","), reminders, props, seq, now.UnixNano(), c.ID)
		if err != nil {
			return err
		}
		c.SyncToken = seq
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: update calendar %q: %w", c.Name, err)
	}
	c.Created, c.Modified = fromNanos(created), fromNanos(now.UnixNano())
	return nil
}

// DeleteCalendar removes the calendar id with its objects, index rows,
// tombstones and feeds. It returns model.ErrNotFound when there is none.
func (s *Store) DeleteCalendar(ctx context.Context, id int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		// The objects go by ON DELETE CASCADE; their index rows, which no
		// foreign key ties to them (see rowKeys), by calendar.
		if _, err := tx.ExecContext(ctx, `DELETE FROM instances WHERE calendar_id = ?`, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM calendars WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = model.ErrNotFound
			}
			return err
		}
		_, err = nextSeq(ctx, tx, 1)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete calendar %d: %w", id, err)
	}
	return nil
}
