-- +goose Up
-- Open311 media_url given on POST: the client's own URL of the photo,
-- stored as given (never fetched) and shown back as the request's
-- media_url when the event has no uploaded photo.
CREATE TABLE open311_media (
    event_id   TEXT PRIMARY KEY REFERENCES gov_events(id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Open311 API keys (GeoReport v2 api_key): issued to an account from the
-- key page, stored as SHA-256 of the key; a key reports as its account.
CREATE TABLE open311_keys (
    id           TEXT PRIMARY KEY,
    key_hash     TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL DEFAULT '',
    region       TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    revoked_by   TEXT NOT NULL DEFAULT '',
    revoked_at   TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX open311_keys_user ON open311_keys (user_id, created_at);
CREATE INDEX open311_keys_region ON open311_keys (region, created_at);

-- The 12345 hotline's knowledge base (知识库): answers an operator can
-- give at once, by event category, in Chinese and English. Entries are
-- edited in place (version counts edits; the audit log keeps each one) and
-- retired rather than deleted.
CREATE TABLE gov_knowledge (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    category    TEXT NOT NULL,
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL,
    question_en TEXT NOT NULL DEFAULT '',
    answer_en   TEXT NOT NULL DEFAULT '',
    keywords    TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT '',
    retired_at  TIMESTAMP
);
CREATE INDEX gov_knowledge_category ON gov_knowledge (category, slug);

-- +goose Down
DROP TABLE gov_knowledge;
DROP TABLE open311_keys;
DROP TABLE open311_media;
