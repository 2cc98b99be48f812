-- +goose Up
-- 数据要素, second part: resources fed by digigov's own records (case and
-- event statistics), the conditions of conditionally open (有条件开放)
-- datasets and the applications to use them.

-- A catalog resource whose rows the platform computes (feed names one of
-- datashare's feeds); refreshed periodically and on demand.
CREATE TABLE datashare_feeds (
    resource_id  TEXT PRIMARY KEY REFERENCES datashare_resources(id),
    feed         TEXT NOT NULL,
    refreshed_at TIMESTAMP,
    rows_loaded  INTEGER NOT NULL
);

-- A dataset with a row here is 有条件开放: its data is served only to
-- applicants whose application is approved and not expired.
CREATE TABLE opendata_conditions (
    dataset_id TEXT PRIMARY KEY REFERENCES opendata_datasets(id),
    conditions TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE opendata_applications (
    id             TEXT PRIMARY KEY,
    dataset_id     TEXT NOT NULL REFERENCES opendata_datasets(id),
    dataset_name   TEXT NOT NULL,
    dataset_title  TEXT NOT NULL,
    body_id        TEXT NOT NULL, -- the publishing body (organizations.id)
    region_code    TEXT NOT NULL, -- its region
    applicant_id   TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    applicant_kind TEXT NOT NULL, -- person, enterprise, staff
    enterprise_id  TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    intended_use   TEXT NOT NULL,
    days           INTEGER NOT NULL,
    contact_enc    BYTEA NOT NULL, -- sealed with the node keyring
    state          TEXT NOT NULL, -- pending, approved, refused
    due            TIMESTAMP NOT NULL,
    decided_by_id  TEXT NOT NULL,
    decided_by     TEXT NOT NULL,
    decided_at     TIMESTAMP,
    reason         TEXT NOT NULL,
    expires_at     TIMESTAMP,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX opendata_applications_applicant ON opendata_applications(applicant_id, created_at);
CREATE INDEX opendata_applications_body ON opendata_applications(body_id, created_at);
CREATE INDEX opendata_applications_dataset ON opendata_applications(dataset_id, applicant_id, state);

-- +goose Down
DROP TABLE opendata_applications;
DROP TABLE opendata_conditions;
DROP TABLE datashare_feeds;
