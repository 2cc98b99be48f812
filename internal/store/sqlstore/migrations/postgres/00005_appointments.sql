-- +goose Up
-- Appointments at service counters (窗口预约): the counters of each service
-- center, one row per booked slot counting its seats, and the bookings.
-- Days ("2026-11-27") and slot times ("09:00") are Asia/Shanghai; the
-- instants are UTC. The SQLite file of the same number has the same
-- tables.
CREATE TABLE appointment_counters (
    id           TEXT PRIMARY KEY,
    center_id    TEXT NOT NULL REFERENCES organizations(id),
    name         TEXT NOT NULL,
    departments  TEXT NOT NULL,
    opens        TEXT NOT NULL,
    closes       TEXT NOT NULL,
    slot_minutes INTEGER NOT NULL,
    capacity     INTEGER NOT NULL,
    active       BOOLEAN NOT NULL,
    version      INTEGER NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX appointment_counters_name ON appointment_counters(center_id, name);

-- Seats are taken with UPDATE … SET booked = booked + 1 WHERE booked <
-- capacity, so the count never exceeds the counter's capacity.
CREATE TABLE appointment_slots (
    counter_id TEXT NOT NULL REFERENCES appointment_counters(id),
    day        TEXT NOT NULL,
    start_time TEXT NOT NULL,
    booked     INTEGER NOT NULL CHECK (booked >= 0),
    PRIMARY KEY (counter_id, day, start_time)
);

CREATE TABLE appointments (
    id            TEXT PRIMARY KEY,
    counter_id    TEXT NOT NULL REFERENCES appointment_counters(id),
    center_id     TEXT NOT NULL,
    region        TEXT NOT NULL,
    counter_name  TEXT NOT NULL,
    center_name   TEXT NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id),
    person_id     TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    name          TEXT NOT NULL,
    item_code     TEXT NOT NULL,
    item_name     TEXT NOT NULL,
    case_id       TEXT NOT NULL,
    day           TEXT NOT NULL,
    start_time    TEXT NOT NULL,
    starts_at     TIMESTAMPTZ NOT NULL,
    ends_at       TIMESTAMPTZ NOT NULL,
    state         TEXT NOT NULL,
    handled_by    TEXT NOT NULL,
    handled_at    TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX appointments_user ON appointments(user_id, starts_at);
CREATE INDEX appointments_day ON appointments(center_id, day, start_time);
-- One live booking per account and start time.
CREATE UNIQUE INDEX appointments_one_at_a_time ON appointments(user_id, day, start_time) WHERE state = 'booked';

-- +goose Down
DROP TABLE appointments;
DROP TABLE appointment_slots;
DROP TABLE appointment_counters;
