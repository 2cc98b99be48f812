-- +goose Up
-- Licence PDFs as sealed documents, documents superseded by a newer one,
-- and timestamp tokens (签章时间证明) that travel with a document.
--
-- A document a newer one of the same subject replaced (a licence's PDF
-- sealed again after its seal changed): the newer one's number and when.
ALTER TABLE documents ADD COLUMN superseded_by TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN superseded_at TIMESTAMPTZ;
-- The node's timestamp token over the document's signature (a compact JWS
-- by the node's timestamp key, see sealdoc.Timestamp); '' for documents
-- sealed before tokens existed.
ALTER TABLE documents ADD COLUMN tst TEXT NOT NULL DEFAULT '';

-- The node's own keys that are no seal's: the timestamp key. Private
-- halves are kept by the seal Vault like seal keys.
CREATE TABLE node_keys (
    kid         TEXT PRIMARY KEY,        -- RFC 7638 thumbprint
    purpose     TEXT NOT NULL,           -- timestamp
    alg         TEXT NOT NULL,
    public_jwk  TEXT NOT NULL,
    private_enc BYTEA NOT NULL,
    state       TEXT NOT NULL,           -- active | retired
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX node_keys_active ON node_keys(purpose) WHERE state = 'active';

-- When another node revoked a key its trust list now names as revoked
-- (its documents signed before then still verify with a timestamp token).
ALTER TABLE trusted_keys ADD COLUMN revoked_at TIMESTAMPTZ;

-- Other nodes' timestamp keys, imported with their trust lists.
CREATE TABLE trusted_timestamp_keys (
    kid         TEXT PRIMARY KEY,
    jwk         TEXT NOT NULL,
    source      TEXT NOT NULL,
    node        TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    removed_at  TIMESTAMPTZ
);

-- +goose Down
DROP TABLE trusted_timestamp_keys;
ALTER TABLE trusted_keys DROP COLUMN revoked_at;
DROP TABLE node_keys;
ALTER TABLE documents DROP COLUMN tst;
ALTER TABLE documents DROP COLUMN superseded_at;
ALTER TABLE documents DROP COLUMN superseded_by;
