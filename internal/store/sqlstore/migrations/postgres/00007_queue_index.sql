-- +goose Up
-- The work queue sorts the open cases of a region by deadline and shows the
-- first page. An index holding every column the queue filters and sorts on,
-- and the id, lets the database pick that page from the index alone and
-- read only its rows from the table (with a million cases, reading every
-- open case of a city to sort it cost 20 ms).
DROP INDEX cases_queue;
DROP INDEX cases_received;
CREATE INDEX cases_queue ON cases(state, decided_at, received_at, deadline, submitted_at, id);

-- +goose Down
DROP INDEX cases_queue;
CREATE INDEX cases_queue ON cases(state, decided_at, deadline);
CREATE INDEX cases_received ON cases(state, received_at);
