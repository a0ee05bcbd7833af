-- 0001 core: calendars, calendar objects, the occurrence index, the change
-- log (sync positions and tombstones), logins and webcal feeds.
-- Times are INTEGER: unix nanoseconds for bookkeeping (created, modified,
-- at), unix seconds for the occurrence index (see instance.go).

-- seq is the global change-log counter: every write takes the next value(s)
-- in its own transaction. It never goes back, so its head is what other
-- processes poll to notice writes (Store.Head).
CREATE TABLE seq (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	head INTEGER NOT NULL
);
INSERT INTO seq (id, head) VALUES (1, 0);

CREATE TABLE calendars (
	id                INTEGER PRIMARY KEY,
	owner             TEXT NOT NULL,
	name              TEXT NOT NULL,
	display_name      TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	color             TEXT NOT NULL DEFAULT '',
	symbolic_color    TEXT NOT NULL DEFAULT '',
	sort_order        INTEGER NOT NULL DEFAULT 0,
	time_zone         TEXT NOT NULL DEFAULT '',
	kind              TEXT NOT NULL DEFAULT '',
	grp               TEXT NOT NULL DEFAULT '',
	person            TEXT NOT NULL DEFAULT '',
	components        TEXT NOT NULL DEFAULT '', -- comma separated
	default_reminders TEXT NOT NULL DEFAULT '', -- JSON
	props             TEXT NOT NULL DEFAULT '', -- JSON object
	sync_token        INTEGER NOT NULL,         -- seq of the last write in this calendar
	min_token         INTEGER NOT NULL,         -- oldest sync position Changes still answers
	created           INTEGER NOT NULL,
	modified          INTEGER NOT NULL,
	UNIQUE (owner, name)
);

-- One row per calendar object resource. seq is the change-log position of
-- the object's last write: live objects are the "put" half of the change
-- log, tombstones the "delete" half, so the log never holds more than one
-- entry per name.
CREATE TABLE objects (
	id            INTEGER PRIMARY KEY,
	calendar_id   INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
	name          TEXT NOT NULL,
	uid           TEXT NOT NULL,
	component     TEXT NOT NULL,
	data          BLOB NOT NULL,
	summary       TEXT NOT NULL,
	search        TEXT NOT NULL, -- lower-cased searchable text
	timing        TEXT NOT NULL, -- see timing.go
	etag          TEXT NOT NULL,
	seq           INTEGER NOT NULL,
	modified      INTEGER NOT NULL,
	indexed_until INTEGER,       -- NULL: the index holds every instance; else those whose start key is before it
	last_end      INTEGER,       -- end key of the last instance; NULL when the rule never ends
	UNIQUE (calendar_id, name),
	UNIQUE (calendar_id, uid)
);
CREATE INDEX objects_seq ON objects (calendar_id, seq);
CREATE INDEX objects_horizon ON objects (calendar_id, indexed_until) WHERE indexed_until IS NOT NULL;

-- The occurrence index: one row per materialised instance, clustered by
-- (calendar, band, start) so a window is a few range scans.
CREATE TABLE instances (
	calendar_id   INTEGER NOT NULL,
	band          INTEGER NOT NULL, -- duration class * 2 + 1 if floating
	start         INTEGER NOT NULL, -- unix seconds; wall clock read as UTC if floating
	end           INTEGER NOT NULL,
	object_id     INTEGER NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
	recurrence_id INTEGER NOT NULL, -- unix seconds (wall clock if floating)
	flags         INTEGER NOT NULL, -- 1 floating, 2 all-day, 4 overridden, 8 recurring
	summary       TEXT,             -- an override's SUMMARY
	PRIMARY KEY (calendar_id, band, start, object_id, recurrence_id)
) WITHOUT ROWID;
CREATE INDEX instances_object ON instances (object_id);

CREATE TABLE tombstones (
	calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
	name        TEXT NOT NULL,
	uid         TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	PRIMARY KEY (calendar_id, name)
);
CREATE INDEX tombstones_seq ON tombstones (calendar_id, seq);

CREATE TABLE users (
	name          TEXT PRIMARY KEY,
	password_hash BLOB NOT NULL,
	person        TEXT NOT NULL DEFAULT '',
	created       INTEGER NOT NULL
);

CREATE TABLE feeds (
	token       TEXT PRIMARY KEY,
	owner       TEXT NOT NULL,
	calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
	label       TEXT NOT NULL DEFAULT '',
	created     INTEGER NOT NULL
);
CREATE INDEX feeds_owner ON feeds (owner);
CREATE INDEX feeds_calendar ON feeds (calendar_id);
