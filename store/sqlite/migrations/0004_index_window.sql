-- 0004 index window (performance engineer): an open or very long rule is
-- indexed in a window around the time it was written instead of from its
-- first instance (see instance.go). indexed_from is the key from which the
-- index holds every instance overlapping [indexed_from, indexed_until);
-- NULL: from the first instance.
ALTER TABLE objects ADD COLUMN indexed_from INTEGER;
