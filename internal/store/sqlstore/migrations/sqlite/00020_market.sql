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
    search      TEXT NOT NULL, -- name, description and provider, for LIKE search
    doc         TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX market_products_provider ON market_products(provider_id, created_at);
CREATE INDEX market_products_state ON market_products(state, updated_at);

CREATE TABLE market_orders (
    id          TEXT PRIMARY KEY,
    product_id  TEXT NOT NULL REFERENCES market_products(id),
    provider_id TEXT NOT NULL,
    buyer_id    TEXT NOT NULL, -- the enterprise
    region_code TEXT NOT NULL, -- the provider's
    state       TEXT NOT NULL,
    doc         TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
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
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE market_certificates (
    id          TEXT PRIMARY KEY,
    holder_id   TEXT NOT NULL, -- the body holding the asset
    region_code TEXT NOT NULL,
    state       TEXT NOT NULL,
    doc         TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX market_certificates_holder ON market_certificates(holder_id, created_at);
CREATE INDEX market_certificates_state ON market_certificates(state, created_at);

-- An access grant may now be born from a market contract rather than a
-- sharing request: request_id becomes nullable and origin names the
-- contract. SQLite cannot drop NOT NULL, so the table is rebuilt.
CREATE TABLE datashare_grants_new (
    id            TEXT PRIMARY KEY,
    request_id    TEXT UNIQUE REFERENCES datashare_requests(id),
    resource_id   TEXT NOT NULL,
    resource_code TEXT NOT NULL,
    provider_id   TEXT NOT NULL,
    consumer_id   TEXT NOT NULL,
    consumer      TEXT NOT NULL,
    fields        TEXT NOT NULL,
    rate_per_sec  INTEGER NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    secret_hash   TEXT UNIQUE,
    state         TEXT NOT NULL,
    delivered_at  TIMESTAMP,
    revoked_at    TIMESTAMP,
    revoked_by    TEXT NOT NULL,
    revoke_reason TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    origin        TEXT NOT NULL DEFAULT ''
);
INSERT INTO datashare_grants_new (id, request_id, resource_id, resource_code, provider_id, consumer_id, consumer, fields,
    rate_per_sec, expires_at, secret_hash, state, delivered_at, revoked_at, revoked_by, revoke_reason, created_at)
SELECT id, request_id, resource_id, resource_code, provider_id, consumer_id, consumer, fields,
    rate_per_sec, expires_at, secret_hash, state, delivered_at, revoked_at, revoked_by, revoke_reason, created_at
FROM datashare_grants;
DROP TABLE datashare_grants;
ALTER TABLE datashare_grants_new RENAME TO datashare_grants;
CREATE INDEX datashare_grants_resource ON datashare_grants(resource_id);

-- +goose Down
CREATE TABLE datashare_grants_old (
    id            TEXT PRIMARY KEY,
    request_id    TEXT NOT NULL UNIQUE REFERENCES datashare_requests(id),
    resource_id   TEXT NOT NULL,
    resource_code TEXT NOT NULL,
    provider_id   TEXT NOT NULL,
    consumer_id   TEXT NOT NULL,
    consumer      TEXT NOT NULL,
    fields        TEXT NOT NULL,
    rate_per_sec  INTEGER NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    secret_hash   TEXT UNIQUE,
    state         TEXT NOT NULL,
    delivered_at  TIMESTAMP,
    revoked_at    TIMESTAMP,
    revoked_by    TEXT NOT NULL,
    revoke_reason TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
INSERT INTO datashare_grants_old SELECT id, request_id, resource_id, resource_code, provider_id, consumer_id, consumer, fields,
    rate_per_sec, expires_at, secret_hash, state, delivered_at, revoked_at, revoked_by, revoke_reason, created_at
FROM datashare_grants WHERE request_id IS NOT NULL;
DROP TABLE datashare_grants;
ALTER TABLE datashare_grants_old RENAME TO datashare_grants;
CREATE INDEX datashare_grants_resource ON datashare_grants(resource_id);
DROP TABLE market_certificates;
DROP TABLE market_contracts;
DROP TABLE market_orders;
DROP TABLE market_products;
