-- The area tree of every period the data covers, created by the loader once the files are read and before
-- the observations are stored: each observation is stored with its parent and level in this tree (the
-- `parent` and `level` columns of sql/observations.sql). The loader fills `read_periods` (year, period as
-- text) with the distinct periods of the data, and drops it afterwards.

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
SELECT year, period, ref_date(year, period) AS ref_date
FROM (SELECT year, CAST(period AS period_code) AS period FROM read_periods);

-- The area tree of every period: each child with its parent and its level, valid on the period's reference
-- date.
CREATE TABLE tree AS
SELECT p.year, p.period, a.code AS child, a.parent, CAST(a.level AS area_level) AS child_level
FROM periods p
JOIN areas a ON valid_on(a.valid_from, a.valid_to, p.ref_date)
WHERE a.parent IS NOT NULL;
