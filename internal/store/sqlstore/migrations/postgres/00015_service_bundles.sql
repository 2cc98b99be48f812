-- +goose Up
-- Bundled matters (一件事), maintained like service items: each kept whole
-- as a JSON document; a change bumps catalog_revision like an item's.
CREATE TABLE service_bundles (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    doc        TEXT NOT NULL
);

-- +goose Down
DROP TABLE service_bundles;
