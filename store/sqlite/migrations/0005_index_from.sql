-- 0005 index window start (performance engineer): the objects whose index
-- begins after a query's start are found through an index too, not by
-- reading every window-indexed object's row (see horizonSQL in instance.go).
CREATE INDEX objects_horizon_from ON objects (calendar_id, indexed_from) WHERE indexed_from IS NOT NULL;
