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

-- gov_events_region (region, created_at) for scope lists and
-- gov_events_dup_region (category, region, created_at) for the duplicate
-- search of reports without a point are one index: (region, category,
-- created_at). Lists seek a range of regions either way (their order comes
-- from a sort or from gov_events_created), the duplicate search seeks one
-- region and category with a time. Every report wrote both; it writes ten
-- indexes now instead of eleven. (gov_events_updated stays although
-- SQLite does not use it: PostgreSQL plans Open311's updated_after with
-- it.)
DROP INDEX gov_events_dup_region;
DROP INDEX gov_events_region;
CREATE INDEX gov_events_region ON gov_events(region, category, created_at);

-- +goose Down
DROP INDEX gov_events_region;
CREATE INDEX gov_events_region ON gov_events(region, created_at);
CREATE INDEX gov_events_dup_region ON gov_events(category, region, created_at);
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(created_at, id) WHERE processed_at IS NULL AND failed_at IS NULL;
