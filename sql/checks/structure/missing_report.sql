--! id = "structure.missing_report"
--! severity = "warning"
--! description = "Every area expected to report an indicator in a year has an observation (placeholders count as reported)"
--! [params]
--! max_listed = 5
--! [domains]
--! max_listed = { min = 0 }
WITH span AS (
    SELECT CAST(coalesce((SELECT first_year FROM dataset), min(year)) AS INTEGER) AS lo,
           CAST(coalesce((SELECT last_year FROM dataset), max(year)) AS INTEGER) AS hi
    FROM observations
),
years AS (
    SELECT CAST(y AS INTEGER) AS year, ref_date(CAST(y AS INTEGER), NULL) AS day
    FROM span s, range(s.lo, s.hi + 1) r(y)
),
-- The levels at which each indicator is reported somewhere in the data, where the indicator applies.
level_of AS (SELECT DISTINCT code, level FROM areas),
applicable AS (
    SELECT r.indicator, r.level
    FROM (SELECT DISTINCT k.indicator, a.level FROM observations k JOIN level_of a ON a.code = k.area) r
    JOIN indicators i ON i.code = r.indicator AND (len(i.levels) = 0 OR list_contains(i.levels, r.level))
),
n_applicable AS (SELECT level, count(*) AS n FROM applicable GROUP BY level),
-- Areas valid on each year's reference date, at a level that reports something.
area_years AS (
    SELECT a.code AS area, a.name, a.level, y.year, n.n AS n_expected
    FROM years y
    JOIN areas a ON valid_on(a.valid_from, a.valid_to, y.day)
    JOIN n_applicable n ON n.level = a.level
),
-- Observations of applicable indicators per area and year. Without sub-annual periods each is a different
-- indicator (obs has one row per key), so a full count means nothing is missing; only the other area-years
-- are looked at indicator by indicator.
have AS (
    SELECT o.area, o.year,
           count(*) FILTER (WHERE o.period IS NULL) AS n_annual,
           count(*) FILTER (WHERE o.period IS NOT NULL) AS n_sub
    FROM obs o
    JOIN level_of l ON l.code = o.area
    SEMI JOIN applicable a ON a.indicator = o.indicator AND a.level = l.level
    GROUP BY ALL
),
short AS MATERIALIZED (
    SELECT y.* FROM area_years y
    LEFT JOIN have h ON h.area = y.area AND h.year = y.year
    WHERE h.area IS NULL OR h.n_sub > 0 OR h.n_annual < y.n_expected
),
expected AS (
    SELECT s.area, s.name, s.level, a.indicator, s.year
    FROM short s JOIN applicable a ON a.level = s.level
),
missing AS (
    -- Neither an observation nor a value that could not be read (structure.unreadable reports those).
    SELECT e.* FROM expected e
    ANTI JOIN (SELECT o.area, o.indicator, o.year FROM observations o SEMI JOIN short s ON s.area = o.area AND s.year = o.year) o
        ON o.area = e.area AND o.indicator = e.indicator AND o.year = e.year
),
unread AS (
    SELECT m.* FROM missing m
    ANTI JOIN rejects r ON r.area = CAST(m.area AS VARCHAR) AND r.indicator = CAST(m.indicator AS VARCHAR) AND r.year = m.year
),
per_area AS (
    SELECT area, any_value(name) AS name, year,
           count(*) AS n,
           list(indicator ORDER BY indicator) AS indicators,
           (SELECT count(*) FROM indicators i WHERE len(i.levels) = 0 OR list_contains(i.levels, any_value(m.level))) AS n_expected
    FROM unread m
    GROUP BY area, year
)
SELECT
    area,
    CASE WHEN n = 1 THEN indicators[1] END AS indicator,
    year,
    CASE WHEN n = n_expected THEN name || ' reported none of its ' || n || ' indicators for ' || year
         ELSE name || ' did not report ' || n || ' of ' || n_expected || ' indicators for ' || year || ': '
              || array_to_string(indicators[1:$max_listed], ', ') || CASE WHEN n > $max_listed THEN ', …' ELSE '' END
    END AS message,
    CASE WHEN n = n_expected THEN 'is a file missing from the submission?' END AS hint
FROM per_area
--! counts
-- The (area, indicator, year) keys reported. obs has one row per key and period, so the annual rows are
-- distinct keys already: only the sub-annual ones are deduplicated (a DISTINCT over every observation would
-- hash millions of keys), and those that also have an annual row are counted once.
WITH sub AS (SELECT DISTINCT area, indicator, year FROM obs WHERE period IS NOT NULL)
SELECT (SELECT count(*) FROM obs WHERE period IS NULL)
     + (SELECT count(*) FROM sub)
     - (SELECT count(*) FROM obs a
        SEMI JOIN sub s ON s.area IS NOT DISTINCT FROM a.area AND s.indicator IS NOT DISTINCT FROM a.indicator AND s.year IS NOT DISTINCT FROM a.year
        WHERE a.period IS NULL) AS items
