-- +goose Up
-- Public alerts named the duty officer as their sender (CAP senderName, the
-- page's byline); they now name the issuing body, the officer's
-- organisation. Earlier messages take the organisation of the officer who
-- declared the incident; a message whose incident has none names no sender
-- (senderName is optional in CAP 1.2), so no officer's name stays public.
UPDATE emergency_alerts SET sender_name = COALESCE((
    SELECT o.name FROM emergency_incidents i
    JOIN users u ON u.id = i.declared_by
    JOIN organizations o ON o.id = u.org_id
    WHERE i.id = emergency_alerts.incident_id), '');

-- +goose Down
SELECT 1;
