-- Timesheets (HaloPSA Timesheet, Workday, Holiday). Time entries themselves
-- are calendar objects (VEVENTs in a calendar of kind 'timesheet'); these
-- tables hold what iCalendar has no place for.

-- The approval state of one person's day. A day with no row is open.
CREATE TABLE timesheet_approvals (
	person  TEXT NOT NULL,
	day     TEXT NOT NULL, -- YYYY-MM-DD in the person's timesheet zone
	state   TEXT NOT NULL CHECK (state IN ('open', 'submitted', 'approved', 'rejected')),
	reason  TEXT NOT NULL DEFAULT '',
	by_user TEXT NOT NULL DEFAULT '',
	at      TEXT NOT NULL, -- RFC 3339 UTC
	PRIMARY KEY (person, day)
) WITHOUT ROWID;

-- Target minutes per weekday (HaloPSA Workday). No row: eight hours Monday
-- to Friday.
CREATE TABLE timesheet_workdays (
	person TEXT PRIMARY KEY,
	sun INTEGER NOT NULL DEFAULT 0,
	mon INTEGER NOT NULL DEFAULT 0,
	tue INTEGER NOT NULL DEFAULT 0,
	wed INTEGER NOT NULL DEFAULT 0,
	thu INTEGER NOT NULL DEFAULT 0,
	fri INTEGER NOT NULL DEFAULT 0,
	sat INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Holidays (person '' = everyone) and leave, which counts once approved.
CREATE TABLE timesheet_days_off (
	person   TEXT NOT NULL DEFAULT '',
	day      TEXT NOT NULL,
	reason   TEXT NOT NULL DEFAULT '',
	leave    INTEGER NOT NULL DEFAULT 0,
	approved INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (person, day)
) WITHOUT ROWID;
CREATE INDEX timesheet_days_off_day ON timesheet_days_off (day);

-- A running timer per person: its start survives restarts.
CREATE TABLE timesheet_timers (
	person   TEXT PRIMARY KEY,
	start    TEXT NOT NULL, -- RFC 3339 with nanoseconds, UTC
	activity TEXT NOT NULL DEFAULT '',
	label    TEXT NOT NULL DEFAULT '',
	client   TEXT NOT NULL DEFAULT '',
	link     TEXT NOT NULL DEFAULT '',
	note     TEXT NOT NULL DEFAULT '',
	billable INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
