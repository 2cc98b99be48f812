-- +goose Up
-- 多地联办: the authorities that give an opinion on a case decided by
-- another (the 转出地 bureau in a transfer), one row each.
CREATE TABLE case_contributions (
    case_id      TEXT NOT NULL REFERENCES cases(id),
    authority_id TEXT NOT NULL,
    authority    TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    state        TEXT NOT NULL,
    opinion      TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    done_at      TIMESTAMP,
    PRIMARY KEY (case_id, authority_id)
);
CREATE INDEX case_contributions_pending ON case_contributions(authority_id, state);

-- +goose Down
DROP TABLE case_contributions;
