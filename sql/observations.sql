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
    source_column column_header
);
