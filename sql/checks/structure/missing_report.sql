--! id = "structure.missing_report"
--! severity = "warning"
--! description = "Every area expected to report an indicator in a year has an observation (placeholders count as reported)"
--! [params]
--! max_listed = 5
WITH years AS (
    SELECT y AS year
    FROM (SELECT coalesce((SELECT first_year FROM dataset), min(year)) AS lo,
                 coalesce((SELECT last_year FROM dataset), max(year)) AS hi FROM observations) b,
         range(b.lo, b.hi + 1) r(y)
),
expected AS (
    -- Areas valid on the year's reference date, at a level that reports the indicator, and with the level present
    -- in the data for that indicator.
    SELECT a.code AS area, a.name, a.level, i.code AS indicator, y.year
    FROM years y
    JOIN areas a ON valid_on(a.valid_from, a.valid_to, ref_date(y.year, NULL))
    JOIN indicators i ON (len(i.levels) = 0 OR list_contains(i.levels, a.level))
    WHERE a.level IN (
        SELECT DISTINCT x.level FROM observations o JOIN areas x ON x.code = o.area WHERE o.indicator = i.code
    )
),
missing AS (
    -- Neither an observation nor a value that could not be read (structure.unreadable reports those).
    SELECT e.* FROM expected e
    ANTI JOIN observations o ON o.area = e.area AND o.indicator = e.indicator AND o.year = e.year
    ANTI JOIN rejects r ON r.area = e.area AND r.indicator = e.indicator AND r.year = e.year
),
per_area AS (
    SELECT area, any_value(name) AS name, year,
           count(*) AS n,
           list(indicator ORDER BY indicator) AS indicators,
           (SELECT count(*) FROM indicators i WHERE len(i.levels) = 0 OR list_contains(i.levels, any_value(m.level))) AS n_expected
    FROM missing m
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
SELECT count(*) AS items FROM (
    SELECT DISTINCT o.area, o.indicator, o.year FROM observations o
)
