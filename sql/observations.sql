-- One row per value read from a data file. `value` is exact: DECIMAL at the largest scale the data was printed
-- with (DOUBLE only when no DECIMAL holds every value); the loader puts that type in place of VALUE_TYPE.
CREATE TABLE observations (
    dataset VARCHAR NOT NULL,
    area VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    period VARCHAR,
    value VALUE_TYPE,
    value_text VARCHAR NOT NULL,
    decimals TINYINT,
    unit_declared VARCHAR,
    unit VARCHAR,
    status VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    line INTEGER,
    cell VARCHAR,
    source_column VARCHAR
);
