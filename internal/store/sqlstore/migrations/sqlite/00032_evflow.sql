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

-- The hotline's call-backs due (回访): hotline tickets closed and not yet
-- called back, longest waiting first; a few rows however large the history.
CREATE INDEX gov_events_callbacks ON gov_events(closed_at, region)
    WHERE state = 'closed' AND source = 'hotline' AND rated_at IS NULL;

-- A source's external ID names one event: a retry from another system
-- returns the event it made the first time. Duplicates written before
-- keep the oldest; the later ones get their number appended to the ID.
UPDATE gov_events SET external_id = external_id || '#' || number
    WHERE external_id <> '' AND EXISTS (SELECT 1 FROM gov_events o WHERE o.source = gov_events.source
        AND o.external_id = gov_events.external_id
        AND (o.created_at < gov_events.created_at OR (o.created_at = gov_events.created_at AND o.id < gov_events.id)));
CREATE UNIQUE INDEX gov_events_source_external ON gov_events(source, external_id) WHERE external_id <> '';

-- +goose Down
DROP INDEX gov_events_source_external;
DROP INDEX gov_events_callbacks;
DROP INDEX grants_region;
DROP INDEX grants_org;
