-- +goose Up
-- A disabled station (停用) keeps its readings; new ones are refused.
-- (00030 was merged before this column was added, so it has a file of
-- its own: a database that ran 00030 already gets it too.)
ALTER TABLE sensing_stations ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE sensing_stations DROP COLUMN disabled;
