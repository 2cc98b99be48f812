-- +goose Up
-- A bundled matter (一件事) is one application that fans out to several
-- items: each item is its own case, and the cases of one application share
-- a bundle id ('' for a case applied for alone).
ALTER TABLE cases ADD COLUMN bundle_id TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_bundle ON cases(bundle_id) WHERE bundle_id <> '';

-- +goose Down
DROP INDEX cases_bundle;
ALTER TABLE cases DROP COLUMN bundle_id;
