-- +goose Up
-- Use and consent of electronic licences (internal/license): readings
-- under a recorded legal basis (依法调取) and the basis on each use; the
-- holder's grants listed and revoked.
ALTER TABLE license_uses ADD COLUMN basis TEXT NOT NULL DEFAULT '';
ALTER TABLE license_uses ADD COLUMN reason TEXT NOT NULL DEFAULT '';

CREATE TABLE license_accesses (
    id         TEXT PRIMARY KEY,
    license_id TEXT NOT NULL REFERENCES licenses(id),
    holder_id  TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    law        TEXT NOT NULL,
    article    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX license_accesses_case ON license_accesses(case_id, org_id, at);

CREATE INDEX license_grants_holder ON license_grants(holder_id, created_at);
CREATE INDEX license_grants_case ON license_grants(case_id);

-- +goose Down
DROP INDEX license_grants_case;
DROP INDEX license_grants_holder;
DROP TABLE license_accesses;
ALTER TABLE license_uses DROP COLUMN reason;
ALTER TABLE license_uses DROP COLUMN basis;
