-- +goose Up
-- The cockpit's events figures, pre-aggregated (事件统计汇总). Every event
-- contributes counts to one row per (level, region, day) for each of the
-- five levels of its region (province, city, county, town, village code
-- prefixes), days being Asia/Shanghai calendar days since 1970-01-01:
--   on the day it was reported: reported, closed (if it is closed now);
--   on day 2147483647 (after every real day): in_hand (if it is still open);
--   on its deadline's day: due (if it is still in hand);
--   on the day it was rated: rated, satisfied (rating 4 or 5).
-- Any figure of any region is then a sum over a few rows. The event's
-- transaction only appends its change (new minus old contribution, at the
-- event's own region) to gov_event_tally_log; the roll-up
-- (sqlstore.RollUpEventTally) moves logged changes into gov_event_tally in
-- batches, and readers add what is still in the log, so figures are exact
-- at every moment. built = 0 asks the roll-up to rebuild the tally from
-- gov_events first (databases with events from before this migration).
CREATE TABLE gov_event_tally (
    lvl       INTEGER NOT NULL,
    region    TEXT NOT NULL,
    day       INTEGER NOT NULL,
    reported  INTEGER NOT NULL DEFAULT 0,
    closed    INTEGER NOT NULL DEFAULT 0,
    in_hand   INTEGER NOT NULL DEFAULT 0,
    due       INTEGER NOT NULL DEFAULT 0,
    rated     INTEGER NOT NULL DEFAULT 0,
    satisfied INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (lvl, region, day)
);
-- Overdue: the rows with open deadlines only.
CREATE INDEX gov_event_tally_due ON gov_event_tally(lvl, region, day) WHERE due <> 0;
CREATE TABLE gov_event_tally_log (
    id        INTEGER PRIMARY KEY,
    region    TEXT NOT NULL,
    day       INTEGER NOT NULL,
    reported  INTEGER NOT NULL,
    closed    INTEGER NOT NULL,
    in_hand   INTEGER NOT NULL,
    due       INTEGER NOT NULL,
    rated     INTEGER NOT NULL,
    satisfied INTEGER NOT NULL
);
CREATE TABLE gov_event_tally_state (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    built INTEGER NOT NULL
);
INSERT INTO gov_event_tally_state (id, built) VALUES (1, 0);

-- +goose Down
DROP TABLE gov_event_tally_state;
DROP TABLE gov_event_tally_log;
DROP TABLE gov_event_tally;
