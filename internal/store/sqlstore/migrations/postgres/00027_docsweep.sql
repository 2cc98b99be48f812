-- +goose Up
-- The decision sweep (internal/app/sealdoc_sweep.go) looks for completed
-- cases with an outcome whose decision document (决定书) is missing: it
-- walks the completed cases in order of completion, from a point in time,
-- and probes documents_key (issuer_id, doc_key) for each. This index
-- serves the walk: state fixed, then completion time and ID, the order it
-- pages in, so a round over the last day reads that day's completions and
-- nothing else. (A partial index on completed cases alone lost to
-- cases_queue's "state =" in SQLite's planner without statistics.)
CREATE INDEX cases_completed ON cases(state, completed_at, id);

-- +goose Down
DROP INDEX cases_completed;
