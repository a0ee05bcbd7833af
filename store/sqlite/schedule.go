package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"rota/model"
)

// Schedules (Altegio), availability and slot settings (LeadConnector,
// HaloPSA), team members and resources: the tables of migration 0002. A
// schedule's occurrences are objects in its calendar; only the definition
// is kept here.

// PutPerson creates or replaces a team member.
func (s *Store) PutPerson(ctx context.Context, p model.Person) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("store: put person %q: %w", p.Name, err)
	}
	_, err := s.exec(ctx, `INSERT INTO people (name, display_name, email, specialization, created) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET display_name = excluded.display_name, email = excluded.email,
		specialization = excluded.specialization`, p.Name, p.DisplayName, p.Email, p.Specialization, s.now().UnixNano())
	if err != nil {
		return fmt.Errorf("store: put person %q: %w", p.Name, err)
	}
	return nil
}

const personColumns = `name, display_name, email, specialization, created`

func scanPerson(row scanner) (model.Person, error) {
	var p model.Person
	var created int64
	err := row.Scan(&p.Name, &p.DisplayName, &p.Email, &p.Specialization, &created)
	p.Created = fromNanos(created)
	return p, err
}

// People lists the team members by name.
func (s *Store) People(ctx context.Context) ([]model.Person, error) {
	out, err := queryAll(ctx, s.r, scanPerson, `SELECT `+personColumns+` FROM people ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: people: %w", err)
	}
	return out, nil
}

// Person returns one team member, or model.ErrNotFound.
func (s *Store) Person(ctx context.Context, name string) (model.Person, error) {
	p, err := queryOne(ctx, s.r, scanPerson, `SELECT `+personColumns+` FROM people WHERE name = ?`, name)
	if errors.Is(err, model.ErrNotFound) {
		err = fmt.Errorf("no team member %q (add one with rota schedule person add): %w", name, err)
	}
	if err != nil {
		return model.Person{}, fmt.Errorf("store: person %q: %w", name, err)
	}
	return p, nil
}

// DeletePerson removes a team member, or returns model.ErrNotFound.
func (s *Store) DeletePerson(ctx context.Context, name string) error {
	return s.deleteRow(ctx, "delete person "+name, `DELETE FROM people WHERE name = ?`, name)
}

// PutResource creates or replaces a room or piece of equipment.
func (s *Store) PutResource(ctx context.Context, r model.Resource) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("store: put resource %q: %w", r.Name, err)
	}
	_, err := s.exec(ctx, `INSERT INTO resources (name, kind, description, capacity, quantity, out_of_service, active, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, description = excluded.description, capacity = excluded.capacity,
		quantity = excluded.quantity, out_of_service = excluded.out_of_service, active = excluded.active`,
		r.Name, string(r.Kind), r.Description, r.Capacity, r.Quantity, r.OutOfService, r.Active, s.now().UnixNano())
	if err != nil {
		return fmt.Errorf("store: put resource %q: %w", r.Name, err)
	}
	return nil
}

// Resources lists rooms and equipment by name.
func (s *Store) Resources(ctx context.Context) ([]model.Resource, error) {
	out, err := queryAll(ctx, s.r, func(row scanner) (model.Resource, error) {
		var r model.Resource
		var kind string
		var created int64
		err := row.Scan(&r.Name, &kind, &r.Description, &r.Capacity, &r.Quantity, &r.OutOfService, &r.Active, &created)
		r.Kind, r.Created = model.ResourceKind(kind), fromNanos(created)
		return r, err
	}, `SELECT name, kind, description, capacity, quantity, out_of_service, active, created FROM resources ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: resources: %w", err)
	}
	return out, nil
}

// DeleteResource removes a resource, or returns model.ErrNotFound.
func (s *Store) DeleteResource(ctx context.Context, name string) error {
	return s.deleteRow(ctx, "delete resource "+name, `DELETE FROM resources WHERE name = ?`, name)
}

// CreateSchedule stores a new schedule definition and sets its ID, Created
// and Modified. The calendar must exist. It returns model.ErrInvalid for a
// schedule that fails Validate and model.ErrConflict when the owner already
// has one by that name.
func (s *Store) CreateSchedule(ctx context.Context, sc *model.Schedule) error {
	if err := sc.Validate(); err != nil {
		return fmt.Errorf("store: create schedule %q: %w", sc.Name, err)
	}
	now := s.now()
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := nameTaken(ctx, tx, "schedules", "a schedule", sc.Owner, sc.Name, 0); err != nil {
			return err
		}
		c := *sc
		c.Created, c.Modified = fromNanos(now.UnixNano()), fromNanos(now.UnixNano())
		def, err := json.Marshal(c)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO schedules (owner, name, calendar_id, definition, created, modified) VALUES (?, ?, ?, ?, ?, ?)`,
			sc.Owner, sc.Name, sc.CalendarID, def, now.UnixNano(), now.UnixNano())
		if err != nil {
			return err
		}
		sc.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create schedule %q: %w", sc.Name, err)
	}
	sc.Created, sc.Modified = fromNanos(now.UnixNano()), fromNanos(now.UnixNano())
	return nil
}

// UpdateSchedule replaces a schedule's definition (by ID) and sets
// Modified. It returns model.ErrNotFound, model.ErrInvalid, or
// model.ErrConflict when the new name is taken.
func (s *Store) UpdateSchedule(ctx context.Context, sc *model.Schedule) error {
	if err := sc.Validate(); err != nil {
		return fmt.Errorf("store: update schedule %q: %w", sc.Name, err)
	}
	now := s.now()
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := nameTaken(ctx, tx, "schedules", "a schedule", sc.Owner, sc.Name, sc.ID); err != nil {
			return err
		}
		c := *sc
		c.Modified = fromNanos(now.UnixNano())
		def, err := json.Marshal(c)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE schedules SET owner = ?, name = ?, calendar_id = ?, definition = ?, modified = ? WHERE id = ?`,
			sc.Owner, sc.Name, sc.CalendarID, def, now.UnixNano(), sc.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: update schedule %q: %w", sc.Name, err)
	}
	sc.Modified = fromNanos(now.UnixNano())
	return nil
}

const scheduleCols = `id, owner, name, calendar_id, definition, created, modified`

// Schedules lists owner's schedules by name ("" = every owner's).
func (s *Store) Schedules(ctx context.Context, owner string) ([]model.Schedule, error) {
	out, err := queryAll(ctx, s.r, scanSchedule, `SELECT `+scheduleCols+` FROM schedules WHERE ? = '' OR owner = ? ORDER BY name, id`, owner, owner)
	if err != nil {
		return nil, fmt.Errorf("store: schedules: %w", err)
	}
	return out, nil
}

// Schedule returns owner's schedule called name, or model.ErrNotFound.
func (s *Store) Schedule(ctx context.Context, owner, name string) (model.Schedule, error) {
	sc, err := queryOne(ctx, s.r, scanSchedule, `SELECT `+scheduleCols+` FROM schedules WHERE owner = ? AND name = ?`, owner, name)
	if errors.Is(err, model.ErrNotFound) {
		err = fmt.Errorf("no schedule %q (see rota schedule list): %w", name, err)
	}
	if err != nil {
		return model.Schedule{}, fmt.Errorf("store: schedule %q: %w", name, err)
	}
	return sc, nil
}

// ScheduleByID returns a schedule, or model.ErrNotFound.
func (s *Store) ScheduleByID(ctx context.Context, id int64) (model.Schedule, error) {
	sc, err := queryOne(ctx, s.r, scanSchedule, `SELECT `+scheduleCols+` FROM schedules WHERE id = ?`, id)
	if err != nil {
		return model.Schedule{}, fmt.Errorf("store: schedule %d: %w", id, err)
	}
	return sc, nil
}

// scanSchedule reads a row of scheduleCols: the JSON definition, with the
// columns that are the truth for ID, owner, name, calendar and times.
func scanSchedule(row scanner) (model.Schedule, error) {
	var sc model.Schedule
	var id, calID, created, modified int64
	var owner, name string
	var def []byte
	if err := row.Scan(&id, &owner, &name, &calID, &def, &created, &modified); err != nil {
		return sc, err
	}
	if err := json.Unmarshal(def, &sc); err != nil {
		return sc, fmt.Errorf("schedule %d: stored definition: %w", id, err)
	}
	sc.ID, sc.Owner, sc.Name, sc.CalendarID = id, owner, name, calID
	sc.Created, sc.Modified = fromNanos(created), fromNanos(modified)
	return sc, nil
}

// DeleteSchedule removes a schedule definition, or returns
// model.ErrNotFound. Its occurrences are objects: the caller deletes them.
func (s *Store) DeleteSchedule(ctx context.Context, id int64) error {
	return s.deleteRow(ctx, fmt.Sprintf("delete schedule %d", id), `DELETE FROM schedules WHERE id = ?`, id)
}

// PutAvailability creates (ID 0) or replaces (by ID) an availability and
// sets ID, Created and Modified. Names are unique per owner
// (model.ErrConflict).
func (s *Store) PutAvailability(ctx context.Context, a *model.Availability) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("store: put availability %q: %w", a.Name, err)
	}
	now := s.now()
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := nameTaken(ctx, tx, "availabilities", "an availability", a.Owner, a.Name, a.ID); err != nil {
			return err
		}
		c := *a
		if c.Created.IsZero() {
			c.Created = fromNanos(now.UnixNano())
		}
		c.Modified = fromNanos(now.UnixNano())
		def, err := json.Marshal(c)
		if err != nil {
			return err
		}
		var cal any
		if a.CalendarID != 0 {
			cal = a.CalendarID
		}
		if a.ID == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO availabilities (owner, name, person, calendar_id, definition, created, modified)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, a.Owner, a.Name, a.Person, cal, def, now.UnixNano(), now.UnixNano())
			if err != nil {
				return err
			}
			a.ID, err = res.LastInsertId()
			a.Created = c.Created
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE availabilities SET owner = ?, name = ?, person = ?, calendar_id = ?, definition = ?, modified = ?
			WHERE id = ?`, a.Owner, a.Name, a.Person, cal, def, now.UnixNano(), a.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: put availability %q: %w", a.Name, err)
	}
	a.Modified = fromNanos(now.UnixNano())
	return nil
}

// Availabilities lists owner's availabilities by name ("" = all owners).
func (s *Store) Availabilities(ctx context.Context, owner string) ([]model.Availability, error) {
	out, err := queryAll(ctx, s.r, scanAvailability, `SELECT `+availabilityColumns+` FROM availabilities
		WHERE ? = '' OR owner = ? ORDER BY name, id`, owner, owner)
	if err != nil {
		return nil, fmt.Errorf("store: availabilities: %w", err)
	}
	return out, nil
}

// AvailabilityFor returns the availability of a person (calID 0) or of a
// calendar (person ""), or model.ErrNotFound.
func (s *Store) AvailabilityFor(ctx context.Context, person string, calID int64) (model.Availability, error) {
	q, arg := `SELECT `+availabilityColumns+` FROM availabilities WHERE person = ? AND calendar_id IS NULL ORDER BY id LIMIT 1`, any(person)
	if calID != 0 {
		q, arg = `SELECT `+availabilityColumns+` FROM availabilities WHERE calendar_id = ? ORDER BY id LIMIT 1`, calID
	}
	a, err := queryOne(ctx, s.r, scanAvailability, q, arg)
	if err != nil {
		return model.Availability{}, fmt.Errorf("store: availability of %q/%d: %w", person, calID, err)
	}
	return a, nil
}

const availabilityColumns = `id, owner, name, person, calendar_id, definition, created, modified`

// scanAvailability reads a row of availabilityColumns like scanSchedule.
func scanAvailability(row scanner) (model.Availability, error) {
	var a model.Availability
	var id, created, modified int64
	var cal sql.NullInt64
	var owner, name, person string
	var def []byte
	if err := row.Scan(&id, &owner, &name, &person, &cal, &def, &created, &modified); err != nil {
		return a, err
	}
	if err := json.Unmarshal(def, &a); err != nil {
		return a, fmt.Errorf("availability %d: stored definition: %w", id, err)
	}
	a.ID, a.Owner, a.Name, a.Person, a.CalendarID = id, owner, name, person, cal.Int64
	a.Created, a.Modified = fromNanos(created), fromNanos(modified)
	return a, nil
}

// DeleteAvailability removes an availability, or returns model.ErrNotFound.
func (s *Store) DeleteAvailability(ctx context.Context, id int64) error {
	return s.deleteRow(ctx, fmt.Sprintf("delete availability %d", id), `DELETE FROM availabilities WHERE id = ?`, id)
}

// PutSlotSettings sets a calendar's booking rules.
func (s *Store) PutSlotSettings(ctx context.Context, calID int64, st model.SlotSettings) error {
	def, err := json.Marshal(st)
	if err == nil {
		_, err = s.exec(ctx, `INSERT INTO slot_settings (calendar_id, settings) VALUES (?, ?)
			ON CONFLICT (calendar_id) DO UPDATE SET settings = excluded.settings`, calID, def)
	}
	if err != nil {
		return fmt.Errorf("store: put slot settings of calendar %d: %w", calID, err)
	}
	return nil
}

// SlotSettings returns a calendar's booking rules, or model.ErrNotFound.
func (s *Store) SlotSettings(ctx context.Context, calID int64) (model.SlotSettings, error) {
	st, err := queryOne(ctx, s.r, func(row scanner) (model.SlotSettings, error) {
		var st model.SlotSettings
		var def []byte
		if err := row.Scan(&def); err != nil {
			return st, err
		}
		return st, json.Unmarshal(def, &st)
	}, `SELECT settings FROM slot_settings WHERE calendar_id = ?`, calID)
	if err != nil {
		return st, fmt.Errorf("store: slot settings of calendar %d: %w", calID, err)
	}
	return st, nil
}
