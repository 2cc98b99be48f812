-- +goose Up
-- 用证率 (internal/license UseRates): a grant records the material of the
-- case's item its licence stands in for (免提交), so that a case counts as
-- using e-licences only when every licence-capable material is covered.
ALTER TABLE license_grants ADD COLUMN material TEXT NOT NULL DEFAULT '';
-- The granted licence's type (a licence never changes type), so that 用证率
-- reads grants alone.
ALTER TABLE license_grants ADD COLUMN license_type TEXT NOT NULL DEFAULT '';
UPDATE license_grants SET license_type = COALESCE((SELECT l.type FROM licenses l WHERE l.id = license_grants.license_id), '');
-- Back-fill, first from the case itself: the material its application
-- names the granted licence for.
UPDATE license_grants SET material = COALESCE((
    SELECT m.value ->> 'name'
    FROM cases c, jsonb_array_elements(CASE WHEN jsonb_typeof(c.materials::jsonb) = 'array' THEN c.materials::jsonb
        ELSE '[]'::jsonb END) WITH ORDINALITY AS m(value, n)
    WHERE c.id = license_grants.case_id AND m.value -> 'license' ->> 'id' = license_grants.license_id
    ORDER BY m.n LIMIT 1), '');
-- Then by licence type (grants from the wallet): the first material of the
-- case's item that accepts the licence's type.
UPDATE license_grants SET material = COALESCE((
    SELECT m.value ->> 'name'
    FROM cases c JOIN service_items i ON i.code = c.item_code JOIN licenses l ON l.id = license_grants.license_id,
         jsonb_array_elements(CASE WHEN jsonb_typeof(i.doc::jsonb -> 'materials') = 'array' THEN i.doc::jsonb -> 'materials'
             ELSE '[]'::jsonb END) WITH ORDINALITY AS m(value, n)
    WHERE c.id = license_grants.case_id AND jsonb_typeof(m.value -> 'license_types') = 'array'
      AND m.value -> 'license_types' @> jsonb_build_array(l.type)
    ORDER BY m.n LIMIT 1), '')
WHERE material = '';
-- What 用证率 looks up per case and material.
CREATE INDEX license_grants_use ON license_grants(case_id, material, license_type) WHERE revoked_at IS NULL;

-- +goose Down
DROP INDEX license_grants_use;
ALTER TABLE license_grants DROP COLUMN license_type;
ALTER TABLE license_grants DROP COLUMN material;
