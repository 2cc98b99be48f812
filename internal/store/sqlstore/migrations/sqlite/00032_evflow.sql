-- +goose Up
-- Event notices (一网统管 → 消息): the dispatcher finds the staff of the
-- bodies an event step concerns (grants at an organisation) and the
-- dispatchers over a region (grants with a scope).
CREATE INDEX grants_org ON grants(org_id);
CREATE INDEX grants_region ON grants(region_code);

-- +goose Down
DROP INDEX grants_region;
DROP INDEX grants_org;
