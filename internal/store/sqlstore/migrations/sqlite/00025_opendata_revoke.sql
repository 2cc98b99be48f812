-- +goose Up
-- 有条件开放 applications: a CDO of the publishing body may revoke an
-- approval before it expires, with a reason (state becomes 'revoked').
ALTER TABLE opendata_applications ADD COLUMN revoked_by_id TEXT NOT NULL DEFAULT '';
ALTER TABLE opendata_applications ADD COLUMN revoked_by TEXT NOT NULL DEFAULT '';
ALTER TABLE opendata_applications ADD COLUMN revoked_at TIMESTAMP;
ALTER TABLE opendata_applications ADD COLUMN revoke_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE opendata_applications DROP COLUMN revoke_reason;
ALTER TABLE opendata_applications DROP COLUMN revoked_at;
ALTER TABLE opendata_applications DROP COLUMN revoked_by;
ALTER TABLE opendata_applications DROP COLUMN revoked_by_id;
