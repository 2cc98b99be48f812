-- +goose Up
-- Event reports made cheaper (issue 5; the SQLite file and the PostgreSQL
-- file of the same number do the same).
--
-- outbox_due leads with the topic, so that the dispatcher seeks the topics
-- it has handlers for (bytewise, COLLATE "C", whatever the database's
-- collation): rows of other topics (events.*, which nothing
-- consumes yet and which therefore stay pending) were read by every poll,
-- a cost that grew with every event ever reported.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(topic COLLATE "C", created_at, id) WHERE processed_at IS NULL AND failed_at IS NULL;

-- +goose Down
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(created_at, id) WHERE processed_at IS NULL AND failed_at IS NULL;
