-- +goose Up
-- Blocks of status list entries a process reserved (license.entryPool).
-- A block is reserved in the transaction of the issuance that needed it;
-- if that transaction (or a savepoint around it) rolls back, the block's
-- row goes with it, and the process sees that before it hands out another
-- entry of the block, so an entry is never given to two licences. (The
-- licences' UNIQUE (status_list, status_index) is the last guard.)
CREATE TABLE status_reservations (
    id          TEXT PRIMARY KEY,
    status_list INTEGER NOT NULL REFERENCES status_lists(id),
    first_index INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE status_reservations;
