-- 0007 index keys: an object lists the primary keys of its index rows
-- (index_keys, see rowKeys in instance.go), and the instances table loses
-- its index on object_id and its foreign key: that index cost a b-tree
-- insert per row written. Rows are deleted by key, or by calendar.
ALTER TABLE objects ADD COLUMN index_keys TEXT;
UPDATE objects SET index_keys = (SELECT group_concat(band || ':' || start || ':' || recurrence_id, ';')
	FROM instances WHERE object_id = objects.id);

CREATE TABLE instances_0007 (
	calendar_id   INTEGER NOT NULL,
	band          INTEGER NOT NULL, -- duration class * 2 + 1 if floating, + 14 for a chunk
	start         INTEGER NOT NULL, -- unix seconds; wall clock read as UTC if floating
	end           INTEGER NOT NULL,
	object_id     INTEGER NOT NULL,
	recurrence_id INTEGER NOT NULL, -- unix seconds (wall clock if floating)
	flags         INTEGER NOT NULL, -- 1 floating, 2 all-day, 4 overridden, 8 recurring
	summary       TEXT,             -- an override's SUMMARY
	more          BLOB,             -- a chunk's instances (chunk.go)
	PRIMARY KEY (calendar_id, band, start, object_id, recurrence_id)
) WITHOUT ROWID;
INSERT INTO instances_0007 SELECT calendar_id, band, start, end, object_id, recurrence_id, flags, summary, more FROM instances;
DROP TABLE instances;
ALTER TABLE instances_0007 RENAME TO instances;
