-- +goose Up
-- 突发事件应急指挥: incidents, tasks, resources, deployments, the situation
-- timeline and public CAP alerts (internal/emergency).
CREATE TABLE emergency_incidents (
    id               TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    type             TEXT NOT NULL CHECK (type IN ('natural_disaster', 'accident', 'public_health', 'social_security')),
    grade            INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 4),
    region           TEXT NOT NULL,
    address          TEXT NOT NULL,
    lat              REAL NOT NULL,
    lon              REAL NOT NULL,
    summary          TEXT NOT NULL,
    drill            INTEGER NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('declared', 'responding', 'closed')),
    commander        TEXT NOT NULL,
    operations       TEXT NOT NULL,
    planning         TEXT NOT NULL,
    logistics        TEXT NOT NULL,
    finance          TEXT NOT NULL,
    source_alert     TEXT,
    report           TEXT NOT NULL,
    declared_by      TEXT NOT NULL,
    declared_by_name TEXT NOT NULL,
    declared_at      TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    closed_by_name   TEXT NOT NULL,
    closed_at        TIMESTAMP,
    version          INTEGER NOT NULL
);
CREATE INDEX emergency_incidents_region ON emergency_incidents(region);

CREATE TABLE emergency_tasks (
    id          TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES emergency_incidents(id),
    org_id      TEXT NOT NULL,
    org_name    TEXT NOT NULL,
    title       TEXT NOT NULL,
    due         TIMESTAMP NOT NULL,
    progress    INTEGER NOT NULL,
    note        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('open', 'done')),
    by_name     TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    done_at     TIMESTAMP,
    version     INTEGER NOT NULL
);
CREATE INDEX emergency_tasks_incident ON emergency_tasks(incident_id);

CREATE TABLE emergency_resources (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('shelter', 'team', 'supply')),
    name       TEXT NOT NULL,
    region     TEXT NOT NULL,
    address    TEXT NOT NULL,
    lat        REAL NOT NULL,
    lon        REAL NOT NULL,
    quantity   INTEGER NOT NULL,
    unit       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX emergency_resources_region ON emergency_resources(region);

CREATE TABLE emergency_deployments (
    id          TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES emergency_incidents(id),
    resource_id TEXT NOT NULL REFERENCES emergency_resources(id),
    quantity    INTEGER NOT NULL,
    note        TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX emergency_deployments_incident ON emergency_deployments(incident_id);
CREATE INDEX emergency_deployments_resource ON emergency_deployments(resource_id);

CREATE TABLE emergency_entries (
    id          TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES emergency_incidents(id),
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX emergency_entries_incident ON emergency_entries(incident_id, at);

-- Public alerts as issued: the CAP message is rebuilt from these columns,
-- so an issued message never changes (only its state: current → replaced).
CREATE TABLE emergency_alerts (
    id             TEXT PRIMARY KEY,    -- the CAP identifier
    incident_id    TEXT NOT NULL REFERENCES emergency_incidents(id),
    sender         TEXT NOT NULL,
    sent           TIMESTAMP NOT NULL,
    status         TEXT NOT NULL,
    msg_type       TEXT NOT NULL CHECK (msg_type IN ('Alert', 'Update', 'Cancel')),
    refs           TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('current', 'replaced')),
    type           TEXT NOT NULL,
    grade          INTEGER NOT NULL,
    region         TEXT NOT NULL,
    area_desc      TEXT NOT NULL,
    event          TEXT NOT NULL,
    response_type  TEXT NOT NULL,
    headline       TEXT NOT NULL,
    description    TEXT NOT NULL,
    instruction    TEXT NOT NULL,
    headline_en    TEXT NOT NULL,
    description_en TEXT NOT NULL,
    instruction_en TEXT NOT NULL,
    sender_name    TEXT NOT NULL,
    expires        TIMESTAMP NOT NULL
);
CREATE INDEX emergency_alerts_incident ON emergency_alerts(incident_id, sent);
CREATE INDEX emergency_alerts_current ON emergency_alerts(state, expires);

-- +goose Down
DROP TABLE emergency_alerts;
DROP TABLE emergency_entries;
DROP TABLE emergency_deployments;
DROP TABLE emergency_resources;
DROP TABLE emergency_tasks;
DROP TABLE emergency_incidents;
