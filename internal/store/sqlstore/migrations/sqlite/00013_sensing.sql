-- +goose Up
-- 感知: stations, readings, roll-ups, alert rules and alerts (internal/sensing).
CREATE TABLE sensing_stations (
    id         INTEGER PRIMARY KEY,      -- stored with every reading: small and fast
    code       TEXT NOT NULL UNIQUE,     -- as sensors name it: "GZ-TH-RAIN-01"
    name       TEXT NOT NULL,
    region     TEXT NOT NULL,
    lat        REAL NOT NULL,
    lon        REAL NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sensing_stations_region ON sensing_stations(region);

-- Readings are narrow (four numbers) and clustered by station, metric and
-- time, so a station's series is one range scan and a resent reading is a
-- key conflict. WITHOUT ROWID: the key is the row; no second b-tree.
CREATE TABLE sensing_readings (
    station_id INTEGER NOT NULL,
    metric_id  INTEGER NOT NULL,
    ts         INTEGER NOT NULL,         -- Unix seconds of the measurement
    value      REAL NOT NULL,
    PRIMARY KEY (station_id, metric_id, ts)
) WITHOUT ROWID;

-- Roll-ups per grain (60: minute, 3600: hour), metric, region (province,
-- city, county, town) and bucket start; kept up in the readings'
-- transaction. The cockpit reads these, never the readings.
CREATE TABLE sensing_rollups (
    grain     INTEGER NOT NULL,
    metric_id INTEGER NOT NULL,
    region    TEXT NOT NULL,
    bucket    INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    total     REAL NOT NULL,
    lo        REAL NOT NULL,
    hi        REAL NOT NULL,
    PRIMARY KEY (grain, metric_id, region, bucket)
) WITHOUT ROWID;

CREATE TABLE sensing_rules (
    id         TEXT PRIMARY KEY,
    metric     TEXT NOT NULL,
    scope      TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('threshold', 'rate')),
    blue       REAL NOT NULL,            -- 0: level not used
    yellow     REAL NOT NULL,
    orange     REAL NOT NULL,
    red        REAL NOT NULL,
    window_s   INTEGER NOT NULL,
    enabled    INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE sensing_alerts (
    id           TEXT PRIMARY KEY,
    rule_id      TEXT NOT NULL REFERENCES sensing_rules(id),
    kind         TEXT NOT NULL,
    station_id   INTEGER NOT NULL REFERENCES sensing_stations(id),
    station      TEXT NOT NULL,
    station_name TEXT NOT NULL,
    metric       TEXT NOT NULL,
    region       TEXT NOT NULL,
    level        INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    value        REAL NOT NULL,
    threshold    REAL NOT NULL,
    reading_at   INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'closed')),
    raised_at    TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    ack_by       TEXT NOT NULL,
    ack_at       TIMESTAMP,
    closed_by    TEXT NOT NULL,
    closed_at    TIMESTAMP,
    note         TEXT NOT NULL,
    version      INTEGER NOT NULL
);
-- At most one alert per rule and station is not closed.
CREATE UNIQUE INDEX sensing_alerts_active ON sensing_alerts(rule_id, station_id) WHERE state <> 'closed';
CREATE INDEX sensing_alerts_region ON sensing_alerts(state, region);

-- +goose Down
DROP TABLE sensing_alerts;
DROP TABLE sensing_rules;
DROP TABLE sensing_rollups;
DROP TABLE sensing_readings;
DROP TABLE sensing_stations;
