-- +goose Up
-- 电子印章 and 电子证照: seals with their keys and use log; licences with
-- their Bitstring Status List entries; holders' grants and the log of who
-- used which licence; keys of other provinces' issuers imported from trust
-- lists. Times are UTC.

CREATE TABLE seals (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    org_name   TEXT NOT NULL,
    org_uscc   TEXT NOT NULL,
    region     TEXT NOT NULL,
    kind       TEXT NOT NULL,            -- official 公章 | business 业务专用章
    name       TEXT NOT NULL,            -- '' for a 公章
    alg        TEXT NOT NULL,            -- SM2 | EdDSA | ES256
    state      TEXT NOT NULL,            -- active | suspended | revoked
    reason     TEXT NOT NULL,
    key_id     TEXT NOT NULL,            -- the current key
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, kind, name)
);
CREATE INDEX seals_region ON seals(region);

-- Private keys are sealed under the node key (AES-256-GCM, associated data
-- "seal_key|" || kid); the public half is a JWK.
CREATE TABLE seal_keys (
    kid         TEXT PRIMARY KEY,        -- RFC 7638 thumbprint
    seal_id     TEXT NOT NULL REFERENCES seals(id),
    alg         TEXT NOT NULL,
    public_jwk  TEXT NOT NULL,
    private_enc BYTEA NOT NULL,
    state       TEXT NOT NULL,           -- active | retired | revoked
    created_at  TIMESTAMPTZ NOT NULL,
    retired_at  TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX seal_keys_seal ON seal_keys(seal_id, created_at);

-- 用印记录: every signature, named by the SHA-256 of what was signed. Its
-- audit entry (target seal_use/id) proves when.
CREATE TABLE seal_uses (
    id         TEXT PRIMARY KEY,
    seal_id    TEXT NOT NULL REFERENCES seals(id),
    kid        TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    doc_hash   TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    ref        TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX seal_uses_seal ON seal_uses(seal_id, at);
CREATE INDEX seal_uses_doc ON seal_uses(kid, doc_hash);

-- Bitstring Status Lists: each list has `size` entries per purpose
-- (revocation, suspension); next_index counts the entries handed out.
CREATE TABLE status_lists (
    id         BIGINT PRIMARY KEY,
    size       INTEGER NOT NULL,
    next_index INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE licenses (
    id           TEXT PRIMARY KEY,
    issuer_id    TEXT NOT NULL REFERENCES organizations(id),
    issuer_name  TEXT NOT NULL,
    region       TEXT NOT NULL,          -- the issuer's region
    type         TEXT NOT NULL,          -- license type key: business_license, …
    number       TEXT NOT NULL,          -- 证照编号, unique per issuer
    holder_kind  TEXT NOT NULL,          -- person | enterprise
    holder_id    TEXT NOT NULL,          -- persons.id or enterprises.id
    holder_ref   TEXT NOT NULL,          -- keyed hash naming the holder in the credential
    holder_name  TEXT NOT NULL,
    fields       TEXT NOT NULL,          -- JSON object of the type's fields
    valid_from   TIMESTAMPTZ NOT NULL,
    valid_until  TIMESTAMPTZ,              -- NULL: 长期
    state        TEXT NOT NULL,          -- valid | suspended | revoked
    reason       TEXT NOT NULL,
    status_list  INTEGER NOT NULL REFERENCES status_lists(id),
    status_index INTEGER NOT NULL,
    seal_id      TEXT NOT NULL REFERENCES seals(id),
    kid          TEXT NOT NULL,
    jws          TEXT NOT NULL,          -- the credential as issued (compact JWS)
    case_id      TEXT NOT NULL,          -- '' when issued by hand
    issued_by    TEXT NOT NULL,
    issued_at    TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (issuer_id, number),
    UNIQUE (status_list, status_index)
);
CREATE INDEX licenses_holder ON licenses(holder_id, issued_at);
CREATE INDEX licenses_issuer ON licenses(issuer_id, issued_at);
CREATE INDEX licenses_status ON licenses(status_list, state);
CREATE UNIQUE INDEX licenses_case ON licenses(case_id, type) WHERE case_id <> '';

-- 用证授权: a holder lets an organisation use a licence for one case.
CREATE TABLE license_grants (
    id         TEXT PRIMARY KEY,
    license_id TEXT NOT NULL REFERENCES licenses(id),
    holder_id  TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX license_grants_license ON license_grants(license_id, org_id);

-- 用证记录: who used which licence, when, for what (the holder's page).
CREATE TABLE license_uses (
    id         TEXT PRIMARY KEY,
    license_id TEXT NOT NULL REFERENCES licenses(id),
    holder_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    org_name   TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    purpose    TEXT NOT NULL,            -- verify, case_evidence, point_of_use, …
    scenario   TEXT NOT NULL,            -- 电子社保卡 scenario, '' otherwise
    place      TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX license_uses_holder ON license_uses(holder_id, at);

-- 证照互认: keys of other provinces' issuers, imported from their trust lists.
CREATE TABLE trusted_keys (
    kid         TEXT PRIMARY KEY,
    jwk         TEXT NOT NULL,
    org_name    TEXT NOT NULL,
    source      TEXT NOT NULL,           -- the trust list's issuer
    imported_at TIMESTAMPTZ NOT NULL,
    imported_by TEXT NOT NULL
);

-- +goose Down
DROP TABLE trusted_keys;
DROP TABLE license_uses;
DROP TABLE license_grants;
DROP TABLE licenses;
DROP TABLE status_lists;
DROP TABLE seal_uses;
DROP TABLE seal_keys;
DROP TABLE seals;
