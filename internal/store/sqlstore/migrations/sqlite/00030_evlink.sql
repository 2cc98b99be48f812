-- +goose Up
-- The event a sensing alert opened (预警联动) is found by its external ID,
-- and the incidents declared from an alert by their source alert: an
-- incident declared from an alert is linked to the alert's event, whichever
-- of the two comes first.
CREATE INDEX gov_events_external ON gov_events(external_id) WHERE external_id <> '';
CREATE INDEX emergency_incidents_source_alert ON emergency_incidents(source_alert) WHERE source_alert IS NOT NULL;

-- When a station was last created or changed: every instance's ingestion
-- looks for stations changed since it last looked (a range of this index,
-- empty almost always) and forgets them, so an edit made on one instance
-- reaches the others within seconds.
ALTER TABLE sensing_stations ADD COLUMN changed_at TIMESTAMP;
UPDATE sensing_stations SET changed_at = created_at;
CREATE INDEX sensing_stations_changed ON sensing_stations(changed_at, code);
-- A disabled station (停用) keeps its readings; new ones are refused.
ALTER TABLE sensing_stations ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE sensing_stations DROP COLUMN disabled;
DROP INDEX sensing_stations_changed;
ALTER TABLE sensing_stations DROP COLUMN changed_at;
DROP INDEX emergency_incidents_source_alert;
DROP INDEX gov_events_external;
