-- +goose Up
-- The service catalog. Each item is kept whole as a JSON document (its
-- elements are read and written together, and change shape as the guide
-- standard grows); the columns beside it are what lists and filters need.
CREATE TABLE service_items (
    code           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    department     TEXT NOT NULL,
    level          TEXT NOT NULL,
    high_frequency BOOLEAN NOT NULL,
    version        INTEGER NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    doc            TEXT NOT NULL
);
CREATE INDEX service_items_department ON service_items(department);

-- One row: bumped by every change, so every instance knows when to rebuild
-- its search index.
CREATE TABLE catalog_revision (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    rev INTEGER NOT NULL
);
INSERT INTO catalog_revision (id, rev) VALUES (1, 0);

-- Government bodies are departments of a kind ("hrss" for 人力资源和社会保障局),
-- so that an item's competent authority can be found for a region.
ALTER TABLE organizations ADD COLUMN department TEXT NOT NULL DEFAULT '';
CREATE INDEX organizations_department ON organizations(department, region_code);

-- +goose Down
DROP INDEX organizations_department;
ALTER TABLE organizations DROP COLUMN department;
DROP TABLE catalog_revision;
DROP TABLE service_items;
