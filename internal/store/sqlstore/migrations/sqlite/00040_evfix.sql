-- +goose Up
-- Open311 device_id (GeoReport v2): the client device that sent a
-- request, kept as an attribute of the event. It is not the request's
-- identity: one phone reports many problems. Retries are recognised by a
-- request token instead (the event's external ID).
CREATE TABLE open311_devices (
    event_id   TEXT PRIMARY KEY REFERENCES gov_events(id) ON DELETE CASCADE,
    device_id  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX open311_devices_device ON open311_devices (device_id, created_at);

-- Emergency tasks to departments: each department's list of its open
-- tasks, and the overdue reminder sent once per task.
ALTER TABLE emergency_tasks ADD COLUMN overdue_noticed_at TIMESTAMP;
CREATE INDEX emergency_tasks_org ON emergency_tasks (org_id, state, due);

-- The reporters of the events merged (并单) into an event follow it:
-- they read it, confirm the result and rate it, and get its reply.
CREATE INDEX gov_events_merged_into ON gov_events (merged_into) WHERE merged_into <> '';

-- +goose Down
DROP INDEX gov_events_merged_into;
DROP INDEX emergency_tasks_org;
ALTER TABLE emergency_tasks DROP COLUMN overdue_noticed_at;
DROP TABLE open311_devices;
