-- Helpers the checks share, created once the data is loaded and before the database is locked.

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

-- The day an observation refers to: the date its area must be valid on, and the date the area tree is
-- taken at. The last day of its period, or the first for a dataset with reference_date = "start".
CREATE MACRO period_last_month(p) AS CASE
    WHEN p IS NULL THEN 12
    WHEN CAST(p AS VARCHAR)[1] = 'Q' THEN CAST(CAST(p AS VARCHAR)[2:] AS INTEGER) * 3
    WHEN CAST(p AS VARCHAR)[1] = 'H' THEN CAST(CAST(p AS VARCHAR)[2:] AS INTEGER) * 6
    ELSE CAST(CAST(p AS VARCHAR)[2:] AS INTEGER)
END;
CREATE MACRO period_months(p) AS CASE
    WHEN p IS NULL THEN 12 WHEN CAST(p AS VARCHAR)[1] = 'Q' THEN 3 WHEN CAST(p AS VARCHAR)[1] = 'H' THEN 6 ELSE 1
END;
CREATE MACRO ref_date(y, p) AS CASE
    WHEN (SELECT reference_date FROM dataset) = 'start' THEN make_date(y, period_last_month(p) - period_months(p) + 1, 1)
    ELSE last_day(make_date(y, period_last_month(p), 1))
END;

-- Whether a validity interval (NULL = open) contains a date.
CREATE MACRO valid_on(valid_from, valid_to, d) AS
    (valid_from IS NULL OR valid_from <= d) AND (valid_to IS NULL OR d <= valid_to);

-- The periods the data covers.
CREATE TABLE periods AS
SELECT year, period, ref_date(year, period) AS ref_date FROM (SELECT DISTINCT year, period FROM observations);

-- The area tree of every period: each child with its parent, valid on the period's reference date.
CREATE TABLE tree AS
SELECT p.year, p.period, a.code AS child, a.parent, a.level AS child_level
FROM periods p
JOIN areas a ON valid_on(a.valid_from, a.valid_to, p.ref_date)
WHERE a.parent IS NOT NULL;

-- The observations the checks read: one per key (the first copy), with its rowid in observations as rid.
CREATE VIEW obs AS
SELECT *, rowid AS rid FROM observations WHERE duplicate_of IS NULL;

-- What the children that reported add up to, per parent, indicator and period: summed once here for the
-- hierarchy checks. n_null counts children that reported no number; child_rounding is the sum of half a
-- unit in the last printed place of each child's number, whatever the indicator (exact counts have none:
-- a check that knows the indicator drops it).
CREATE TABLE child_sums AS
SELECT t.parent, o.indicator, o.year, o.period,
       count(*) AS n_present,
       count(*) - count(o.value) AS n_null,
       sum(o.value) AS child_sum,
       sum(half_unit(o.decimals)) FILTER (WHERE o.value IS NOT NULL) AS child_rounding,
       bool_or(o.value <> 0) AS child_nonzero,
       bool_and(o.value >= 0 OR o.value IS NULL) AS children_nonnegative
FROM obs o JOIN tree t ON t.child = o.area AND t.year = o.year AND t.period IS NOT DISTINCT FROM o.period
GROUP BY ALL;
