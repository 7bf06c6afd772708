-- The tables a loaded dataset consists of. `observations` is created by the loader once every file is read,
-- because the scale of its exact `value` column comes from the data (see the README's schema section).

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
    code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    parent VARCHAR,
    valid_from DATE,
    valid_to DATE
);

CREATE TABLE indicators (
    code VARCHAR NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL,
    name_en VARCHAR,
    unit VARCHAR NOT NULL,
    class VARCHAR NOT NULL,
    numerator VARCHAR,
    denominator VARCHAR,
    multiplier DOUBLE,
    base VARCHAR,
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
    code VARCHAR NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL,
    name_en VARCHAR,
    dimension VARCHAR NOT NULL,
    factor DOUBLE NOT NULL,
    aliases VARCHAR[] NOT NULL
);

CREATE TABLE targets (
    area VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
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
