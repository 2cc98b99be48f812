-- +goose Up
-- Write paths made cheaper (the SQLite file and the PostgreSQL file of the
-- same number do the same).
--
-- outbox_pending (processed_at, created_at) held every outbox row, so each
-- new event and each delivery wrote it. Due events are found through
-- outbox_due since 00006; the index left is for pruning, over processed
-- rows only: a new event no longer writes it.
DROP INDEX outbox_pending;
CREATE INDEX outbox_processed ON outbox(processed_at) WHERE processed_at IS NOT NULL;

-- Duplicate candidates are also narrowed to a box around the report's
-- point: with the point in the index, rows outside the box are skipped
-- without reading them.
DROP INDEX gov_events_dup_cell;
CREATE INDEX gov_events_dup_cell ON gov_events(category, cell, created_at, lat, lng);

-- +goose Down
DROP INDEX gov_events_dup_cell;
CREATE INDEX gov_events_dup_cell ON gov_events(category, cell, created_at);
DROP INDEX outbox_processed;
CREATE INDEX outbox_pending ON outbox(processed_at, created_at);
