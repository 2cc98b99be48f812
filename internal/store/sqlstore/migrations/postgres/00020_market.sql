-- +goose Up
-- 数据要素市场: data products listed by bodies, orders from enterprises,
-- contracts with a frozen usage policy, and data asset certificates
-- (公共数据资产凭证). Each row keeps its whole record as a JSON document
-- beside the columns that lists filter and sort on; updates are
-- conditional on the state they were decided on.
CREATE TABLE market_products (
    id          TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL,
    region_code TEXT NOT NULL,
    theme       TEXT NOT NULL,
    state       TEXT NOT NULL,
    name        TEXT NOT NULL,
    search      TEXT NOT NULL,
    doc         TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX market_products_provider ON market_products(provider_id, created_at);
CREATE INDEX market_products_state ON market_products(state, updated_at);

CREATE TABLE market_orders (
    id          TEXT PRIMARY KEY,
    product_id  TEXT NOT NULL REFERENCES market_products(id),
    provider_id TEXT NOT NULL,
    buyer_id    TEXT NOT NULL,
    region_code TEXT NOT NULL,
    state       TEXT NOT NULL,
    doc         TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX market_orders_provider ON market_orders(provider_id, created_at);
CREATE INDEX market_orders_buyer ON market_orders(buyer_id, created_at);

CREATE TABLE market_contracts (
    id          TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL UNIQUE REFERENCES market_orders(id),
    provider_id TEXT NOT NULL,
    buyer_id    TEXT NOT NULL,
    state       TEXT NOT NULL,
    doc         TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE market_certificates (
    id          TEXT PRIMARY KEY,
    holder_id   TEXT NOT NULL,
    region_code TEXT NOT NULL,
    state       TEXT NOT NULL,
    doc         TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX market_certificates_holder ON market_certificates(holder_id, created_at);
CREATE INDEX market_certificates_state ON market_certificates(state, created_at);

-- An access grant may now be born from a market contract rather than a
-- sharing request.
ALTER TABLE datashare_grants ALTER COLUMN request_id DROP NOT NULL;
ALTER TABLE datashare_grants ADD COLUMN origin TEXT NOT NULL DEFAULT '';

-- +goose Down
DELETE FROM datashare_grants WHERE request_id IS NULL;
ALTER TABLE datashare_grants DROP COLUMN origin;
ALTER TABLE datashare_grants ALTER COLUMN request_id SET NOT NULL;
DROP TABLE market_certificates;
DROP TABLE market_contracts;
DROP TABLE market_orders;
DROP TABLE market_products;
