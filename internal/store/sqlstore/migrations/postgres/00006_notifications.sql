-- +goose Up
-- The outbox dispatcher (internal/jobs) and the applicants' inbox
-- (internal/notify). The SQLite file of the same number has the same
-- tables.
--
-- An outbox row is due while processed_at and failed_at are NULL and
-- next_attempt_at (NULL: at once) has passed. A handler's failure bumps
-- attempts, keeps the error and pushes next_attempt_at back; after the
-- last attempt failed_at is set and the row is kept for an operator.
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN next_attempt_at TIMESTAMPTZ;
ALTER TABLE outbox ADD COLUMN failed_at TIMESTAMPTZ;
CREATE INDEX outbox_due ON outbox(created_at, id) WHERE processed_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_failed ON outbox(failed_at) WHERE failed_at IS NOT NULL;

-- A notification stores message keys and their arguments, not text: it is
-- rendered in the reader's language when read. event_id is the outbox
-- event it came from; (event_id, user_id) is unique, so an event replayed
-- by mistake cannot notify twice.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event_id   TEXT,
    topic      TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    args       TEXT NOT NULL,
    link       TEXT NOT NULL,
    urgent     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX notifications_event ON notifications(event_id, user_id);
CREATE INDEX notifications_user ON notifications(user_id, created_at);
-- The header's badge counts a person's unread notifications on every page.
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE notifications;
DROP INDEX outbox_failed;
DROP INDEX outbox_due;
ALTER TABLE outbox DROP COLUMN failed_at;
ALTER TABLE outbox DROP COLUMN next_attempt_at;
ALTER TABLE outbox DROP COLUMN last_error;
ALTER TABLE outbox DROP COLUMN attempts;
