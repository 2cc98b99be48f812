-- +goose Up
-- Cases (办件), their transitions and per-authority case numbers. The form
-- holds personal data and is stored sealed under the node key.
CREATE TABLE cases (
    id            TEXT PRIMARY KEY,
    number        TEXT NOT NULL,
    item_code     TEXT NOT NULL,
    item_name     TEXT NOT NULL,
    applicant_id  TEXT NOT NULL REFERENCES users(id),
    person_id     TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    applicant     TEXT NOT NULL,
    proxy_id      TEXT NOT NULL,
    consent       TEXT NOT NULL,
    channel       TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    authority_id  TEXT NOT NULL,
    authority     TEXT NOT NULL,
    decided_at    TEXT NOT NULL,
    state         TEXT NOT NULL,
    resume_state  TEXT NOT NULL,
    form          BLOB NOT NULL,
    materials     TEXT NOT NULL,
    submitted_at  TIMESTAMP,
    accepted_at   TIMESTAMP,
    deadline      TIMESTAMP,
    paused_at     TIMESTAMP,
    decision      TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    completed_at  TIMESTAMP,
    trips         INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX cases_number ON cases(authority_id, number) WHERE number <> '';
CREATE INDEX cases_applicant ON cases(applicant_id, created_at);
CREATE INDEX cases_queue ON cases(state, decided_at, deadline);
CREATE INDEX cases_received ON cases(state, received_at);

CREATE TABLE case_events (
    case_id    TEXT NOT NULL REFERENCES cases(id),
    seq        INTEGER NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    comment    TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- A series is an item department's prefix and the region where its cases
-- are decided (HRSS440106): the readable number's stem.
CREATE TABLE case_numbers (
    series TEXT NOT NULL,
    day    TEXT NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (series, day)
);

-- +goose Down
DROP TABLE case_numbers;
DROP TABLE case_events;
DROP TABLE cases;
