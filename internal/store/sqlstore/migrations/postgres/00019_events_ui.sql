-- +goose Up
-- Event photo uploads not yet attached (一网统管): a photo blob created by an
-- upload is listed here until an event or a step names it; the cleanup
-- removes the blobs still unattached a day after their upload. Blobs that
-- were already stored when uploaded (someone else's) are never listed.
CREATE TABLE gov_event_uploads (
    sha256      TEXT PRIMARY KEY,
    uploaded_at TIMESTAMPTZ NOT NULL,
    attached_at TIMESTAMPTZ                -- NULL: not named by any event yet
);
CREATE INDEX gov_event_uploads_pending ON gov_event_uploads(uploaded_at) WHERE attached_at IS NULL;

-- Routing rules are edited in place: who changed one last, and when.
ALTER TABLE gov_event_rules ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
ALTER TABLE gov_event_rules ADD COLUMN updated_at TIMESTAMPTZ;

-- The metrics a station measures (JSON array of metric codes; empty: any).
ALTER TABLE sensing_stations ADD COLUMN metrics TEXT NOT NULL DEFAULT '[]';

-- Events linked to an incident (突发事件 ↔ 事件): the reports from the
-- ground that an emergency is being run for.
CREATE TABLE emergency_incident_events (
    incident_id  TEXT NOT NULL REFERENCES emergency_incidents(id),
    event_id     TEXT NOT NULL REFERENCES gov_events(id),
    event_number TEXT NOT NULL,
    category     TEXT NOT NULL,
    region       TEXT NOT NULL,
    linked_by    TEXT NOT NULL,
    linked_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, event_id)
);
CREATE INDEX emergency_incident_events_event ON emergency_incident_events(event_id);

-- +goose Down
DROP TABLE emergency_incident_events;
ALTER TABLE sensing_stations DROP COLUMN metrics;
ALTER TABLE gov_event_rules DROP COLUMN updated_at;
ALTER TABLE gov_event_rules DROP COLUMN updated_by;
DROP TABLE gov_event_uploads;
