-- Helpers the checks share, created once the data is loaded and before the database is locked (the area
-- tree and the macros it is built with are in sql/tree.sql, which the loader runs).

-- Half a unit in the last printed place: a value printed with d decimals stands for [v - u/2, v + u/2],
-- u = 10^-d. Exact for d up to 10 (DECIMAL(38,11)).
-- The usual places are spelled out: the same values as the general formula, without a power per row.
CREATE MACRO half_unit(d) AS CAST(CASE d
    WHEN 0 THEN 1 WHEN 1 THEN 0.1 WHEN 2 THEN 0.01 WHEN 3 THEN 0.001 WHEN 4 THEN 0.0001
    ELSE pow(10, -d) END AS DECIMAL(38, 10)) * 0.5;

-- A number as text without trailing decimal zeros: 968.40 -> 968.4, 320873.0 -> 320873.
CREATE MACRO fmt_num(x) AS CASE
    WHEN x IS NULL THEN NULL
    WHEN contains(CAST(x AS VARCHAR), '.') AND NOT contains(CAST(x AS VARCHAR), 'e')
        THEN rtrim(rtrim(CAST(x AS VARCHAR), '0'), '.')
    ELSE CAST(x AS VARCHAR)
END;

-- The observations the checks read: one per key (the first copy), with its rowid in observations as rid.
CREATE VIEW obs AS
SELECT *, rowid AS rid FROM observations WHERE duplicate_of IS NULL;

-- What the children that reported add up to, per parent, indicator and period: summed once here for the
-- hierarchy checks. n_null counts children that reported no number; child_rounding is the sum of half a
-- unit in the last printed place of each child's number, whatever the indicator (exact counts have none:
-- a check that knows the indicator drops it).
CREATE TABLE child_sums AS
SELECT o.parent, o.indicator, o.year, o.period,
       count(*) AS n_present,
       count(*) - count(o.value) AS n_null,
       sum(o.value) AS child_sum,
       sum(half_unit(o.decimals)) FILTER (WHERE o.value IS NOT NULL) AS child_rounding,
       bool_or(o.value <> 0) AS child_nonzero,
       bool_and(o.value >= 0 OR o.value IS NULL) AS children_nonnegative
FROM obs o
WHERE o.parent IS NOT NULL
GROUP BY ALL;

-- Years out of the dataset's range: after last_year where the manifest declares it (a year before first_year
-- is a base year, as published series carry); where it does not, a year 5 or more years after every other
-- year of three or more (a typed 2042 among 2019–2023; two censuses ten years apart are not a typo). Checks
-- other than structure.year_range leave them alone: the year, not the area or the value, is the suspect.
CREATE VIEW years_outside AS
WITH span AS (SELECT last_year FROM dataset), years AS (SELECT DISTINCT year FROM periods)
SELECT y.year, CASE WHEN y.year > s.last_year THEN 'declared' ELSE 'isolated' END AS basis
FROM years y, span s
WHERE y.year > coalesce(s.last_year, y.year)
   OR (s.last_year IS NULL AND (SELECT count(*) FROM years) >= 3
       AND y.year >= (SELECT max(o.year) FROM years o WHERE o.year <> y.year) + 5);
