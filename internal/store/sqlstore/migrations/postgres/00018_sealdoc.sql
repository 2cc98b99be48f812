-- +goose Up
-- Sealed documents (决定书, 证明) with their detached signatures, the
-- serials of their numbers, and a fix to seals: a revoked seal no longer
-- holds its name, so an organisation can have a new seal of the same kind
-- and name after revoking the old one.
ALTER TABLE seals DROP CONSTRAINT seals_org_id_kind_name_key;
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
    pdf_size          BIGINT NOT NULL,
    jws               TEXT NOT NULL,
    ref_type          TEXT NOT NULL,         -- what it is about: 'case', … ('' for nothing)
    ref_id            TEXT NOT NULL,
    doc_key           TEXT NOT NULL,         -- '' or a key unique per issuer (one decision per case)
    holder_user       TEXT NOT NULL,         -- who may download it besides the issuer's staff
    holder_person     TEXT NOT NULL,
    holder_enterprise TEXT NOT NULL,
    signed_by         TEXT NOT NULL,
    signed_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX documents_ref ON documents(ref_type, ref_id, signed_at);
CREATE INDEX documents_pdf ON documents(pdf_sha256);
CREATE UNIQUE INDEX documents_key ON documents(issuer_id, doc_key) WHERE doc_key <> '';

-- The last serial handed out per number prefix (kind, region, year).
CREATE TABLE document_serials (
    prefix TEXT PRIMARY KEY,
    last   BIGINT NOT NULL
);

-- +goose Down
DROP TABLE document_serials;
DROP TABLE documents;
DROP INDEX seals_live_name;
ALTER TABLE seals ADD CONSTRAINT seals_org_id_kind_name_key UNIQUE (org_id, kind, name);
