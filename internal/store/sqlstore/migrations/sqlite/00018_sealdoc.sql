-- +goose NO TRANSACTION
-- +goose Up
-- Sealed documents (决定书, 证明) with their detached signatures, the
-- serials of their numbers, and a fix to seals: a revoked seal no longer
-- holds its name, so an organisation can have a new seal of the same kind
-- and name after revoking the old one.
--
-- SQLite cannot drop a UNIQUE table constraint, so seals is rebuilt as
-- https://sqlite.org/lang_altertable.html#otheralter describes: foreign
-- keys off (only possible outside a transaction, hence NO TRANSACTION;
-- goose runs every statement on the one writer connection), copy, drop,
-- rename, in one transaction; foreign keys on again.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE seals_new (
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
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO seals_new (id, org_id, org_name, org_uscc, region, kind, name, alg, state, reason, key_id, created_at, updated_at)
    SELECT id, org_id, org_name, org_uscc, region, kind, name, alg, state, reason, key_id, created_at, updated_at FROM seals;
DROP TABLE seals;
ALTER TABLE seals_new RENAME TO seals;
CREATE INDEX seals_region ON seals(region);
-- One live seal per organisation, kind and name; revoked ones do not count.
CREATE UNIQUE INDEX seals_live_name ON seals(org_id, kind, name) WHERE state <> 'revoked';

-- A sealed document: the PDF is in the blob store (by its SHA-256); jws
-- is its detached signature (a compact JWS over a statement naming the
-- PDF's SHA-256, by the seal's key kid).
CREATE TABLE documents (
    id                TEXT PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,  -- JD4401062026000001: kind, region, year, serial
    kind              TEXT NOT NULL,         -- decision | certificate | notice
    title             TEXT NOT NULL,
    issuer_id         TEXT NOT NULL REFERENCES organizations(id),
    issuer_name       TEXT NOT NULL,
    region            TEXT NOT NULL,         -- the issuer's, for scope checks
    seal_id           TEXT NOT NULL REFERENCES seals(id),
    kid               TEXT NOT NULL,
    alg               TEXT NOT NULL,
    pdf_sha256        TEXT NOT NULL,
    pdf_size          INTEGER NOT NULL,
    jws               TEXT NOT NULL,
    ref_type          TEXT NOT NULL,         -- what it is about: 'case', … ('' for nothing)
    ref_id            TEXT NOT NULL,
    doc_key           TEXT NOT NULL,         -- '' or a key unique per issuer (one decision per case)
    holder_user       TEXT NOT NULL,         -- who may download it besides the issuer's staff
    holder_person     TEXT NOT NULL,
    holder_enterprise TEXT NOT NULL,
    signed_by         TEXT NOT NULL,
    signed_at         TIMESTAMP NOT NULL
);
CREATE INDEX documents_ref ON documents(ref_type, ref_id, signed_at);
CREATE INDEX documents_pdf ON documents(pdf_sha256);
CREATE UNIQUE INDEX documents_key ON documents(issuer_id, doc_key) WHERE doc_key <> '';

-- The last serial handed out per number prefix (kind, region, year).
CREATE TABLE document_serials (
    prefix TEXT PRIMARY KEY,
    last   INTEGER NOT NULL
);
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
DROP TABLE document_serials;
DROP TABLE documents;
DROP INDEX seals_live_name;
CREATE UNIQUE INDEX seals_name ON seals(org_id, kind, name);
