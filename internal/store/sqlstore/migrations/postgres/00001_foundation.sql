-- +goose Up
-- The foundation: organisations, persons, enterprises, accounts and their
-- grants, sessions, API tokens, imported regions, the audit chain, the outbox.
-- Times are UTC. The SQLite file of the same number has the same tables.

CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    uscc        TEXT NOT NULL UNIQUE,
    region_code TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_id   TEXT REFERENCES organizations(id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX organizations_region ON organizations(region_code);

CREATE TABLE persons (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    id_number_enc BYTEA NOT NULL,
    id_number_idx TEXT NOT NULL UNIQUE,
    phone_enc     BYTEA,
    phone_idx     TEXT,
    region_code   TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX persons_phone ON persons(phone_idx);

CREATE TABLE enterprises (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    uscc        TEXT NOT NULL UNIQUE,
    region_code TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    kind          TEXT NOT NULL,
    person_id     TEXT REFERENCES persons(id),
    enterprise_id TEXT REFERENCES enterprises(id),
    org_id        TEXT REFERENCES organizations(id),
    locale        TEXT NOT NULL DEFAULT 'zh-CN',
    elderly       BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMPTZ,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_person ON users(person_id);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE grants (
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    region_code TEXT NOT NULL,
    PRIMARY KEY (user_id, role, org_id, region_code)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ
);

CREATE TABLE imported_regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    region_code TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject_id, seq);
CREATE INDEX audit_log_target ON audit_log(target_type, target_id, seq);

-- One row: the head of the chain. Appending locks it, so appends are serial.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE outbox (
    id           TEXT PRIMARY KEY,
    topic        TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    processed_at TIMESTAMPTZ
);
CREATE INDEX outbox_pending ON outbox(processed_at, created_at);

-- +goose Down
DROP TABLE outbox;
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE imported_regions;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE grants;
DROP TABLE users;
DROP TABLE enterprises;
DROP TABLE persons;
DROP TABLE organizations;
