-- 0002 schedules: team members, resources, schedule definitions,
-- availability and a calendar's slot settings. The occurrences of a
-- schedule are ordinary calendar objects (recurring VEVENTs with
-- X-ROTA-SCHEDULE in a calendar of kind 'schedule'); these tables hold what
-- iCalendar has no place for. Times are unix nanoseconds; nested values
-- (series, rules, absences) are JSON of the model types.

CREATE TABLE people (
	name           TEXT PRIMARY KEY,
	display_name   TEXT NOT NULL DEFAULT '',
	email          TEXT NOT NULL DEFAULT '',
	specialization TEXT NOT NULL DEFAULT '',
	created        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE resources (
	name           TEXT PRIMARY KEY,
	kind           TEXT NOT NULL CHECK (kind IN ('room', 'equipment')),
	description    TEXT NOT NULL DEFAULT '',
	capacity       INTEGER NOT NULL DEFAULT 0,
	quantity       INTEGER NOT NULL DEFAULT 0,
	out_of_service INTEGER NOT NULL DEFAULT 0,
	active         INTEGER NOT NULL DEFAULT 1,
	created        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE schedules (
	id          INTEGER PRIMARY KEY,
	owner       TEXT NOT NULL,
	name        TEXT NOT NULL,
	calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
	definition  TEXT NOT NULL, -- JSON of model.Schedule
	created     INTEGER NOT NULL,
	modified    INTEGER NOT NULL,
	UNIQUE (owner, name)
);
CREATE INDEX schedules_calendar ON schedules (calendar_id);

CREATE TABLE availabilities (
	id          INTEGER PRIMARY KEY,
	owner       TEXT NOT NULL,
	name        TEXT NOT NULL,
	person      TEXT NOT NULL DEFAULT '',
	calendar_id INTEGER REFERENCES calendars (id) ON DELETE CASCADE,
	definition  TEXT NOT NULL, -- JSON of model.Availability
	created     INTEGER NOT NULL,
	modified    INTEGER NOT NULL,
	UNIQUE (owner, name)
);
CREATE INDEX availabilities_person ON availabilities (person);
CREATE INDEX availabilities_calendar ON availabilities (calendar_id);

CREATE TABLE slot_settings (
	calendar_id INTEGER PRIMARY KEY REFERENCES calendars (id) ON DELETE CASCADE,
	settings    TEXT NOT NULL -- JSON of model.SlotSettings
);
