-- +goose Up
-- 一网统管 events (事件): one row per event from any source, its history of
-- steps, and the routing rules. An event's phone is sealed (phone_enc) with
-- a blind index for look-ups; lists never read it.
CREATE TABLE gov_events (
    id            TEXT PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    version       INTEGER NOT NULL,
    source        TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    category      TEXT NOT NULL,
    description   TEXT NOT NULL,
    region        TEXT NOT NULL,
    address       TEXT NOT NULL,
    lat           REAL,
    lng           REAL,
    cell          TEXT NOT NULL,            -- the point's grid cell (0.01°, about 1 km), '' without a point
    urgency       TEXT NOT NULL,
    reporter_id   TEXT NOT NULL,
    reporter_name TEXT NOT NULL,
    phone_enc     BLOB,
    phone_idx     TEXT NOT NULL,
    photos        TEXT NOT NULL,            -- JSON array of SHA-256
    state         TEXT NOT NULL,
    level         INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    department    TEXT NOT NULL,
    lead_id       TEXT NOT NULL,
    lead_name     TEXT NOT NULL,
    assist        TEXT NOT NULL,            -- JSON array of {id, name}
    deadline      TIMESTAMP,
    pending       TEXT NOT NULL,            -- JSON of a return/reassign request, or ''
    parent_id     TEXT NOT NULL,
    merged_into   TEXT NOT NULL,
    reply         TEXT NOT NULL,
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 0 AND 5),
    supervised    INTEGER NOT NULL,
    escalated     INTEGER NOT NULL,
    timer_at      TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    accepted_at   TIMESTAMP,
    closed_at     TIMESTAMP,
    rated_at      TIMESTAMP
);
-- Scope lists and the cockpit's "today" count: region range, newest first.
CREATE INDEX gov_events_region ON gov_events(region, created_at);
-- The cockpit's "today" for a large scope (province): a time range first.
CREATE INDEX gov_events_created ON gov_events(created_at, region, state);
-- Work queues and the overdue timer: open events by deadline. Closed
-- events (the great majority over time) are left out of the index.
CREATE INDEX gov_events_open ON gov_events(deadline, region)
    WHERE state NOT IN ('closed', 'rejected', 'merged', 'split');
-- Satisfaction over the last 30 days.
CREATE INDEX gov_events_rated ON gov_events(rated_at, region, rating) WHERE rated_at IS NOT NULL;
-- A department's queue, a reporter's list, a sender's own IDs, following changes.
CREATE INDEX gov_events_lead ON gov_events(lead_id, state);
CREATE INDEX gov_events_reporter ON gov_events(reporter_id, created_at);
CREATE INDEX gov_events_updated ON gov_events(updated_at);
-- Duplicate suggestions: same category, recent, in the same grid cells
-- (reports with a point) or the same region (reports without one).
CREATE INDEX gov_events_dup_cell ON gov_events(category, cell, created_at);
CREATE INDEX gov_events_dup_region ON gov_events(category, region, created_at);

CREATE TABLE gov_event_steps (
    event_id   TEXT NOT NULL REFERENCES gov_events(id),
    seq        INTEGER NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    comment    TEXT NOT NULL,
    photos     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, seq)
);

CREATE TABLE gov_event_rules (
    id         TEXT PRIMARY KEY,
    category   TEXT NOT NULL,
    region     TEXT NOT NULL,
    department TEXT NOT NULL,
    level      INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    auto       BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE gov_event_rules;
DROP TABLE gov_event_steps;
DROP TABLE gov_events;
