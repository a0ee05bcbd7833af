-- 0006 index chunks: a recurring object's instances are written several
-- to an instances row (see chunk.go); more packs them. NULL: the row is
-- one instance, described by its own columns.
ALTER TABLE instances ADD COLUMN more BLOB;

-- Bit b of bands is set once band b holds a row of the calendar: a window
-- query scans only those (see "Band masks" in instance.go).
ALTER TABLE calendars ADD COLUMN bands INTEGER NOT NULL DEFAULT 0;
UPDATE calendars SET bands = coalesce(
	(SELECT sum(1 << band) FROM (SELECT DISTINCT band FROM instances WHERE instances.calendar_id = calendars.id)), 0);
