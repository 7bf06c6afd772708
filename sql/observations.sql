-- One row per value read from a data file. `value` is exact: DECIMAL at the largest scale the data was printed
-- with (DOUBLE only when no DECIMAL holds every value); the loader puts that type in place of VALUE_TYPE.
-- Codes and other repeated texts are enum types whose values are the dataset's own (see sql/schema.sql).
CREATE TABLE observations (
    dataset dataset_name NOT NULL,
    area area_code NOT NULL,
    indicator indicator_code NOT NULL,
    year INTEGER NOT NULL,
    period period_code,
    value VALUE_TYPE,
    value_text VARCHAR NOT NULL,
    decimals TINYINT,
    unit_declared unit_text,
    unit unit_code,
    status ENUM('reported', 'not_reported', 'unconvertible') NOT NULL,
    file file_path NOT NULL,
    line INTEGER,
    cell VARCHAR,
    source_column column_header,
    -- Filled by the loader from the keys (area, indicator, period, year): the indicator's class; the rowid of
    -- the first copy when this row repeats a key (the checks read the first copy only); the rowid and value
    -- of the same key one year earlier (its first copy). Row ids are UINTEGER: the loader stores fewer than
    -- 2^32 rows, and half the width of a rowid is 86 MB less on 10 million rows.
    class indicator_class,
    duplicate_of UINTEGER,
    prev_row UINTEGER,
    prev_value VALUE_TYPE,
    -- Filled by the loader from the area tree of the row's period (the `tree` table, sql/tree.sql): the
    -- area's parent and its level; NULL for an area the tree has no parent for (the top of the tree, a code
    -- not valid on the period's reference date, an unknown code).
    parent area_code,
    level area_level
);
