--! id = "structure.year_range"
--! severity = "error"
--! description = "A year outside the dataset's years: after last_year where the manifest declares it, else five or more years after every other year of the data (2042 among 2019–2023); an area not valid in such a year is said in the same finding"
WITH
span AS (
    SELECT first_year, last_year FROM dataset
),
years AS (
    SELECT DISTINCT year FROM periods
),
-- The years out of range, and the basis (the prelude's years_outside, which structure.area_validity skips).
outside AS (
    SELECT year, basis FROM years_outside
),
-- The years of the range, for a typo hint: one digit changed, or two adjacent digits exchanged.
in_range AS (
    SELECT y.year FROM years y WHERE y.year NOT IN (SELECT year FROM outside)
    UNION
    SELECT unnest(range(s.first_year, s.last_year + 1)) FROM span s WHERE s.first_year IS NOT NULL AND s.last_year IS NOT NULL
),
typos AS (
    SELECT year, CASE WHEN len(swapped) > 0 THEN swapped ELSE changed END AS candidates
    FROM (
        SELECT o.year,
            -- Two adjacent digits exchanged (2032 for 2023) is the likeliest slip ...
            list(r.year ORDER BY r.year) FILTER (WHERE list_contains(
                list_transform(range(1, 4), lambda i:
                    CAST(o.year AS VARCHAR)[1:i - 1] || CAST(o.year AS VARCHAR)[i + 1] || CAST(o.year AS VARCHAR)[i]
                    || CAST(o.year AS VARCHAR)[i + 2:]),
                CAST(r.year AS VARCHAR))) AS swapped,
            -- ... then one digit changed, but not the last: years of one decade differ there anyway.
            list(r.year ORDER BY r.year) FILTER (WHERE
                length(list_filter(range(1, 5), lambda i: CAST(r.year AS VARCHAR)[i] <> CAST(o.year AS VARCHAR)[i])) = 1
                AND CAST(r.year AS VARCHAR)[4] = CAST(o.year AS VARCHAR)[4]) AS changed
        FROM outside o
        JOIN in_range r ON length(CAST(r.year AS VARCHAR)) = length(CAST(o.year AS VARCHAR))
        GROUP BY o.year
    )
),
-- An area not valid in that year is said in the same finding: the year is the first suspect.
validity AS (
    SELECT code, min(valid_from) AS first_day, max(coalesce(valid_to, DATE '9999-12-31')) AS last_day, any_value(name) AS name
    FROM areas GROUP BY code
)
SELECT
    ob.area,
    ob.indicator,
    ob.year,
    ob.period,
    'year ' || ob.year || ' is '
        || CASE WHEN o.basis = 'declared'
                THEN 'after the dataset''s last year, ' || s.last_year || ' ([dataset] last_year)'
                ELSE 'at least 5 years after every other year of the data' END
        || CASE WHEN v.code IS NOT NULL AND NOT valid_on(v.first_day, CASE WHEN v.last_day = DATE '9999-12-31' THEN NULL ELSE v.last_day END, ref_date(ob.year, ob.period))
                THEN '; ' || v.name || ' (' || ob.area || ') does not exist then either (valid '
                     || CASE WHEN v.first_day IS NULL THEN 'until ' || strftime(v.last_day, '%Y-%m-%d')
                             WHEN v.last_day = DATE '9999-12-31' THEN 'from ' || strftime(v.first_day, '%Y-%m-%d')
                             ELSE strftime(v.first_day, '%Y-%m-%d') || ' to ' || strftime(v.last_day, '%Y-%m-%d') END || ')'
                ELSE '' END AS message,
    CASE WHEN len(t.candidates) > 0
         THEN 'a typo for ' || array_to_string(list_transform(t.candidates, lambda c: CAST(c AS VARCHAR)), ' or ') || '?'
         ELSE 'a forecast or a plan belongs in a dataset that declares its year, or in targets' END AS hint,
    ob.file,
    ob.line,
    ob.cell
FROM observations ob
JOIN outside o ON o.year = ob.year
CROSS JOIN span s
LEFT JOIN typos t ON t.year = ob.year
LEFT JOIN validity v ON v.code = ob.area
--! counts
SELECT count(*) AS items FROM observations
