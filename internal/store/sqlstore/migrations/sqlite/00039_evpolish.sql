-- +goose Up
-- Open311 keys expire: the issuer chooses how long a key works (a year by
-- default); NULL for keys issued before expiry existed, which keep working
-- until revoked.
ALTER TABLE open311_keys ADD COLUMN expires_at TIMESTAMP;

-- +goose Down
ALTER TABLE open311_keys DROP COLUMN expires_at;
