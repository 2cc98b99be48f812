-- +goose Up
-- Minute roll-ups for the province, cities and counties, and hour roll-ups
-- folded from them when an hour closes; towns' minutes and hours are
-- summed from their stations' readings when read (sensing.StoredLevel,
-- internal/sensing/rollup.go, docs/sensing.md "Roll-ups").
--
-- sensing_minutes is keyed time first: a batch of readings spans a few
-- minutes, so its upserts land on the few right-most pages of the key
-- index instead of one page per region. Readers name the minutes they want (bucket IN
-- (...)): a point look-up per minute and region. The region is an integer
-- (the code behind a 1, so that no leading zero is lost): a narrower row
-- and a cheaper comparison than the text code.
CREATE TABLE sensing_minutes (
    bucket    BIGINT NOT NULL,           -- minute start, Unix seconds
    metric_id INTEGER NOT NULL,
    region    BIGINT NOT NULL,           -- '1' || code: 144, 14401, 1440106
    n         BIGINT NOT NULL,
    total     DOUBLE PRECISION NOT NULL,
    lo        DOUBLE PRECISION NOT NULL,
    hi        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (bucket, metric_id, region)
);
INSERT INTO sensing_minutes (bucket, metric_id, region, n, total, lo, hi)
    SELECT bucket, metric_id, CAST('1' || region AS BIGINT), n, total, lo, hi FROM sensing_rollups WHERE grain = 60;
DELETE FROM sensing_rollups WHERE grain = 60;

-- folded: the hours before it are in sensing_rollups (grain 3600); the
-- hours from it on are still only minutes (readers add them up). The
-- fold (sqlstore.FoldRollups) advances it an hour at a time in the
-- transaction that writes the hour's rows; a reading for an hour before it
-- adds into that hour's row directly. Databases from before this
-- migration kept hour rows of every level up to now: they count as folded.
CREATE TABLE sensing_rollup_fold (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    folded BIGINT NOT NULL
);
INSERT INTO sensing_rollup_fold (id, folded)
    SELECT 1, COALESCE(MAX(bucket) + 3600, 0) FROM sensing_rollups WHERE grain = 3600;
-- Towns' hour rows are read from the readings now.
DELETE FROM sensing_rollups WHERE length(region) > 6;

-- +goose Down
-- (Towns' hour rows are not rebuilt.)
INSERT INTO sensing_rollups (grain, metric_id, region, bucket, n, total, lo, hi)
    SELECT 60, metric_id, substr(CAST(region AS TEXT), 2), bucket, n, total, lo, hi FROM sensing_minutes
    WHERE region < 100000;
DROP TABLE sensing_rollup_fold;
DROP TABLE sensing_minutes;
