-- +goose Up
-- Nothing to do on SQLite: its ratings_region index (00004) is already a
-- plain index, which the range filters use. The PostgreSQL file of the
-- same number replaces a LIKE-only index.
SELECT 1;

-- +goose Down
SELECT 1;
