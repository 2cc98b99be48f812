-- +goose Up
-- A grant's purpose as a message code and its arguments (the item's name,
-- the counter's consent), rendered through the message catalog in the
-- reader's language. Grants made before keep their purpose as text
-- (purpose) and purpose_code ''.
ALTER TABLE license_grants ADD COLUMN purpose_code TEXT NOT NULL DEFAULT '';
ALTER TABLE license_grants ADD COLUMN purpose_args TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE license_grants DROP COLUMN purpose_args;
ALTER TABLE license_grants DROP COLUMN purpose_code;
