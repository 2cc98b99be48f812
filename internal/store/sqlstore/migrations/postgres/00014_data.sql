-- +goose Up
-- 数据要素: the government data catalog (政务信息资源目录) with its schema
-- versions and rows, sharing requests and access grants, the exchange's
-- signed message log, and the open-data portal with its data requests.
CREATE TABLE datashare_resources (
    id               TEXT PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    description      TEXT NOT NULL,
    classification   TEXT NOT NULL,
    fields           TEXT NOT NULL, -- JSON: the current schema version's fields
    schema_version   INTEGER NOT NULL,
    update_frequency TEXT NOT NULL,
    format           TEXT NOT NULL,
    source_system    TEXT NOT NULL,
    share_class      TEXT NOT NULL,
    share_conditions TEXT NOT NULL,
    share_basis      TEXT NOT NULL,
    open_class       TEXT NOT NULL,
    provider_id      TEXT NOT NULL,
    provider         TEXT NOT NULL,
    region_code      TEXT NOT NULL,
    cdo_id           TEXT NOT NULL,
    cdo_name         TEXT NOT NULL,
    row_count        INTEGER NOT NULL,
    filled           DOUBLE PRECISION NOT NULL,
    loaded_at        TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX datashare_resources_provider ON datashare_resources(provider_id, code);

CREATE TABLE datashare_schemas (
    resource_id TEXT NOT NULL REFERENCES datashare_resources(id),
    version     INTEGER NOT NULL,
    fields      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (resource_id, version)
);

-- A resource's rows, numbered from 0 in upload order; an upload replaces them all.
CREATE TABLE datashare_rows (
    resource_id TEXT NOT NULL REFERENCES datashare_resources(id),
    n           INTEGER NOT NULL,
    data        TEXT NOT NULL, -- JSON object: field name → value as text
    PRIMARY KEY (resource_id, n)
);

CREATE TABLE datashare_requests (
    id             TEXT PRIMARY KEY,
    resource_id    TEXT NOT NULL REFERENCES datashare_resources(id),
    resource_code  TEXT NOT NULL,
    resource_name  TEXT NOT NULL,
    provider_id    TEXT NOT NULL,
    provider       TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    consumer_id    TEXT NOT NULL,
    consumer       TEXT NOT NULL,
    requester_id   TEXT NOT NULL,
    requester_name TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    legal_basis    TEXT NOT NULL,
    fields         TEXT NOT NULL,
    days           INTEGER NOT NULL,
    state          TEXT NOT NULL,
    due            TIMESTAMPTZ NOT NULL,
    decided_by_id  TEXT NOT NULL,
    decided_by     TEXT NOT NULL,
    decided_at     TIMESTAMPTZ,
    reason         TEXT NOT NULL,
    granted_fields TEXT NOT NULL,
    grant_id       TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX datashare_requests_provider ON datashare_requests(provider_id, created_at);
CREATE INDEX datashare_requests_consumer ON datashare_requests(consumer_id, created_at);

CREATE TABLE datashare_grants (
    id            TEXT PRIMARY KEY,
    request_id    TEXT NOT NULL UNIQUE REFERENCES datashare_requests(id),
    resource_id   TEXT NOT NULL,
    resource_code TEXT NOT NULL,
    provider_id   TEXT NOT NULL,
    consumer_id   TEXT NOT NULL,
    consumer      TEXT NOT NULL,
    fields        TEXT NOT NULL,
    rate_per_sec  INTEGER NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    secret_hash   TEXT UNIQUE, -- SHA-256 of the credential; NULL until delivered
    state         TEXT NOT NULL,
    delivered_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ,
    revoked_by    TEXT NOT NULL,
    revoke_reason TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX datashare_grants_resource ON datashare_grants(resource_id);

-- The exchange's message log: every call, hash-chained and signed.
CREATE TABLE datashare_exchange_log (
    seq           BIGINT PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    at            TIMESTAMPTZ NOT NULL,
    grant_id      TEXT NOT NULL,
    consumer_id   TEXT NOT NULL,
    provider_id   TEXT NOT NULL,
    resource_code TEXT NOT NULL,
    caller        TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    response_hash TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    status        INTEGER NOT NULL,
    rows_served   INTEGER NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL,
    signature     TEXT NOT NULL
);
CREATE INDEX datashare_exchange_provider ON datashare_exchange_log(provider_id, seq);
CREATE INDEX datashare_exchange_consumer ON datashare_exchange_log(consumer_id, seq);
CREATE INDEX datashare_exchange_grant ON datashare_exchange_log(grant_id, seq);
CREATE INDEX datashare_exchange_resource ON datashare_exchange_log(resource_code, outcome);

CREATE TABLE datashare_exchange_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO datashare_exchange_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The open-data portal. Organisations and themes (CKAN groups) have URL names.
CREATE TABLE opendata_orgs (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    region_code TEXT NOT NULL,
    body_id     TEXT NOT NULL, -- the government body (organizations.id), "" if none
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE TABLE opendata_groups (
    name        TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT NOT NULL
);
-- rev orders changes: the search index of each node loads the datasets
-- whose rev is above the last it saw.
CREATE TABLE opendata_datasets (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    notes       TEXT NOT NULL,
    org_id      TEXT NOT NULL REFERENCES opendata_orgs(id),
    license_id  TEXT NOT NULL,
    themes      TEXT NOT NULL, -- JSON array of group (theme) names
    tags        TEXT NOT NULL, -- JSON array
    source_id   TEXT NOT NULL, -- datashare resource it is published from, "" if none
    frequency   TEXT NOT NULL,
    state       TEXT NOT NULL,
    downloads   INTEGER NOT NULL,
    rev         BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    modified_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX opendata_datasets_rev ON opendata_datasets(rev);
CREATE INDEX opendata_datasets_org ON opendata_datasets(org_id, name);
CREATE TABLE opendata_head (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    rev BIGINT NOT NULL
);
INSERT INTO opendata_head (id, rev) VALUES (1, 0);

CREATE TABLE opendata_resources (
    id          TEXT PRIMARY KEY,
    dataset_id  TEXT NOT NULL REFERENCES opendata_datasets(id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    format      TEXT NOT NULL, -- CSV, JSON, XLSX
    content     TEXT NOT NULL, -- CSV text for datasets not fed by a catalog resource
    downloads   INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX opendata_resources_dataset ON opendata_resources(dataset_id, position);

-- Data requests from the public (in the manner of ckanext-datarequests).
CREATE TABLE opendata_data_requests (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    state       TEXT NOT NULL,
    dataset_id  TEXT NOT NULL, -- the dataset that fulfilled it, "" if none
    close_note  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    closed_at   TIMESTAMPTZ
);
CREATE INDEX opendata_data_requests_created ON opendata_data_requests(created_at);
CREATE TABLE opendata_request_comments (
    id         TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES opendata_data_requests(id),
    user_id    TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX opendata_request_comments_request ON opendata_request_comments(request_id, created_at);
CREATE TABLE opendata_request_followers (
    request_id TEXT NOT NULL REFERENCES opendata_data_requests(id),
    user_id    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (request_id, user_id)
);

-- +goose Down
DROP TABLE opendata_request_followers;
DROP TABLE opendata_request_comments;
DROP TABLE opendata_data_requests;
DROP TABLE opendata_resources;
DROP TABLE opendata_head;
DROP TABLE opendata_datasets;
DROP TABLE opendata_groups;
DROP TABLE opendata_orgs;
DROP TABLE datashare_exchange_head;
DROP TABLE datashare_exchange_log;
DROP TABLE datashare_grants;
DROP TABLE datashare_requests;
DROP TABLE datashare_rows;
DROP TABLE datashare_schemas;
DROP TABLE datashare_resources;
