-- +goose Up
-- Event notices (一网统管 → 消息): the dispatcher finds the staff of the
-- bodies an event step concerns (grants at an organisation) and the
-- dispatchers over a region (grants with a scope).
CREATE INDEX grants_org ON grants(org_id);
CREATE INDEX grants_region ON grants(region_code);

-- Every step has a time limit now, not only handling (governance/
-- timelimit.go): events waiting for acceptance or dispatch get one from
-- their last change (two hours); those waiting for a review, a
-- confirmation or closure, whose deadline was the handling one, get three
-- days (natural, a little more generous than the working-day limits).
UPDATE gov_events SET deadline = strftime('%Y-%m-%d %H:%M:%f', updated_at, '+2 hours') || '+00:00'
    WHERE deadline IS NULL AND state IN ('reported', 'accepted');
UPDATE gov_events SET deadline = strftime('%Y-%m-%d %H:%M:%f', updated_at, '+3 days') || '+00:00'
    WHERE state IN ('return_requested', 'replied', 'verified');

-- +goose Down
DROP INDEX grants_region;
DROP INDEX grants_org;
