-- +goose Up
-- 好差评: one rating per completed case, and the rectification task (整改)
-- a bad rating opens for the case's authority. A rating copies the case's
-- particulars it is counted by, so statistics read this table alone.
CREATE TABLE ratings (
    case_id      TEXT PRIMARY KEY REFERENCES cases(id),
    case_number  TEXT NOT NULL,
    item_code    TEXT NOT NULL,
    item_name    TEXT NOT NULL,
    authority_id TEXT NOT NULL,
    authority    TEXT NOT NULL,
    region       TEXT NOT NULL,
    applicant_id TEXT NOT NULL,
    person_id    TEXT NOT NULL,
    score        INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    guide        INTEGER NOT NULL CHECK (guide BETWEEN 0 AND 5),        -- 0: not given
    convenience  INTEGER NOT NULL CHECK (convenience BETWEEN 0 AND 5),
    timeliness   INTEGER NOT NULL CHECK (timeliness BETWEEN 0 AND 5),
    attitude     INTEGER NOT NULL CHECK (attitude BETWEEN 0 AND 5),
    comment      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
-- Statistics select by region prefix and group by item, authority or region.
CREATE INDEX ratings_region ON ratings(region text_pattern_ops); -- LIKE prefix scans use it under any collation
CREATE INDEX ratings_item ON ratings(item_code, region);
CREATE INDEX ratings_authority ON ratings(authority_id, region);

CREATE TABLE rectifications (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL UNIQUE REFERENCES ratings(case_id),
    rating         INTEGER NOT NULL,
    authority_id   TEXT NOT NULL,
    region         TEXT NOT NULL,
    due            TIMESTAMPTZ NOT NULL,
    state          TEXT NOT NULL,
    callback       TEXT NOT NULL,
    action         TEXT NOT NULL,
    closed_by      TEXT NOT NULL,
    closed_by_name TEXT NOT NULL,
    closed_at      TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL
);
-- A department head's list: their authority's tasks, by state, earliest due first.
CREATE INDEX rectifications_work ON rectifications(authority_id, state, due);

-- +goose Down
DROP TABLE rectifications;
DROP TABLE ratings;
