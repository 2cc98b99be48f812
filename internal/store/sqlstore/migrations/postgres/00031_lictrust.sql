-- +goose Up
-- The node of the trust list a key came from (证照互认): the licences its
-- keys sign must name issuers under that node's URL. '' for keys imported
-- before it was kept.
ALTER TABLE trusted_keys ADD COLUMN node TEXT NOT NULL DEFAULT '';
-- A key withdrawn from trust (its source removed, or left out of a newer
-- list of its source) is kept, so that a licence it signed is refused with
-- that reason rather than as an unknown key.
ALTER TABLE trusted_keys ADD COLUMN removed_at TIMESTAMPTZ;
ALTER TABLE trusted_keys ADD COLUMN removed_by TEXT NOT NULL DEFAULT '';
CREATE INDEX trusted_keys_source ON trusted_keys(source);
-- The compact signed reference a licence's PDF carries in its QR code
-- (license.Reference), signed on the first download and reused after.
ALTER TABLE licenses ADD COLUMN ref_jws TEXT NOT NULL DEFAULT '';
-- Every use of every seal, newest first, paged by (at, id) (用印记录).
CREATE INDEX seal_uses_at ON seal_uses(at, id);

-- +goose Down
ALTER TABLE licenses DROP COLUMN ref_jws;
DROP INDEX seal_uses_at;
DROP INDEX trusted_keys_source;
ALTER TABLE trusted_keys DROP COLUMN removed_by;
ALTER TABLE trusted_keys DROP COLUMN removed_at;
ALTER TABLE trusted_keys DROP COLUMN node;
