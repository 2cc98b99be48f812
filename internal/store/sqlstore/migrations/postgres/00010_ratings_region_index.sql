-- +goose Up
-- Region filters are ranges now (within() in sqlstore), which a plain
-- btree serves under any collation; the text_pattern_ops index of 00004
-- served only LIKE prefixes.
DROP INDEX ratings_region;
CREATE INDEX ratings_region ON ratings(region);

-- +goose Down
DROP INDEX ratings_region;
CREATE INDEX ratings_region ON ratings(region text_pattern_ops);
