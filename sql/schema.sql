-- The tables a loaded dataset consists of. `observations` is created by the loader once every file is read,
-- because the scale of its exact `value` column comes from the data (see the README's schema section).
--
-- Codes are enum types the loader creates before these tables, with the dataset's own values: area_code (the
-- declared areas, then any other code the data uses), indicator_code, unit_code, period_code (Q1–Q4, H1, H2,
-- M01–M12), area_level (the declared areas' levels, sorted), and for observations unit_text, column_header,
-- file_path and dataset_name. They compare and join as integers and read as text.

CREATE TYPE indicator_class AS ENUM ('additive', 'ratio', 'per_capita', 'growth', 'non_additive');

CREATE TABLE dataset (
    name VARCHAR NOT NULL,
    title VARCHAR,
    description VARCHAR,
    first_year INTEGER,
    last_year INTEGER,
    reference_date VARCHAR NOT NULL,
    manifest VARCHAR NOT NULL,
    statlint_version VARCHAR NOT NULL
);

CREATE TABLE areas (
    code area_code NOT NULL,
    name VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    parent area_code,
    valid_from DATE,
    valid_to DATE
);

CREATE TABLE indicators (
    code indicator_code NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL,
    name_en VARCHAR,
    unit unit_code NOT NULL,
    class indicator_class NOT NULL,
    numerator indicator_code,
    denominator indicator_code,
    multiplier DOUBLE,
    base indicator_code,
    relation VARCHAR NOT NULL,
    exact BOOLEAN NOT NULL,
    signed BOOLEAN NOT NULL,
    decimals INTEGER,
    min DOUBLE,
    max DOUBLE,
    yoy_min DOUBLE,
    yoy_max DOUBLE,
    levels VARCHAR[] NOT NULL,
    description VARCHAR
);

CREATE TABLE units (
    code unit_code NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL,
    name_en VARCHAR,
    dimension VARCHAR NOT NULL,
    factor DOUBLE NOT NULL,
    aliases VARCHAR[] NOT NULL
);

CREATE TABLE targets (
    area area_code NOT NULL,
    indicator indicator_code NOT NULL,
    year INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    direction VARCHAR NOT NULL,
    tolerance DOUBLE NOT NULL,
    note VARCHAR
);

CREATE TABLE files (
    file VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    encoding VARCHAR,
    locale VARCHAR,
    sheet VARCHAR,
    rows_read BIGINT NOT NULL,
    values_read BIGINT NOT NULL,
    values_loaded BIGINT NOT NULL,
    values_rejected BIGINT NOT NULL,
    blake3 VARCHAR NOT NULL,
    notes VARCHAR[] NOT NULL
);

CREATE TABLE rejects (
    file VARCHAR NOT NULL,
    line INTEGER,
    cell VARCHAR,
    source_column VARCHAR,
    area VARCHAR,
    indicator VARCHAR,
    year INTEGER,
    raw VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    "values" INTEGER NOT NULL
);

