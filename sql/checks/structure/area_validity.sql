--! id = "structure.area_validity"
--! severity = "error"
--! description = "An area reports only for periods in which it exists (codes change with administrative reforms)"
WITH span AS (
    SELECT code, min(valid_from) AS first_day, max(coalesce(valid_to, DATE '9999-12-31')) AS last_day, any_value(name) AS name
    FROM areas GROUP BY code
),
-- The declared areas not valid on the reference date of a period the data covers.
invalid AS (
    SELECT s.code AS area, p.year, p.period, p.ref_date
    FROM span s, periods p
    WHERE NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = s.code AND valid_on(a.valid_from, a.valid_to, p.ref_date))
)
SELECT
    o.area,
    o.indicator,
    o.year,
    o.period,
    s.name || ' (' || o.area || ') does not exist on ' || strftime(v.ref_date, '%Y-%m-%d') || ': it is valid '
        || CASE WHEN s.first_day IS NULL THEN 'until ' || strftime(s.last_day, '%Y-%m-%d')
                WHEN s.last_day = DATE '9999-12-31' THEN 'from ' || strftime(s.first_day, '%Y-%m-%d')
                ELSE 'from ' || strftime(s.first_day, '%Y-%m-%d') || ' to ' || strftime(s.last_day, '%Y-%m-%d') END AS message,
    CASE WHEN v.ref_date > s.last_day THEN 'report this value for the unit that replaced it' END AS hint,
    o.file,
    o.line,
    o.cell
FROM observations o
JOIN invalid v ON v.area = o.area AND v.year = o.year AND v.period IS NOT DISTINCT FROM o.period
JOIN span s ON s.code = o.area
-- A year out of the dataset's range is structure.year_range's finding, which names the area's validity too.
-- A placeholder ('..', '-') printed for a unit that no longer exists reports nothing: only values count.
WHERE o.year NOT IN (SELECT year FROM years_outside) AND o.status <> 'not_reported'
--! counts
SELECT count(*) AS items FROM observations WHERE area IN (SELECT code FROM areas) AND status <> 'not_reported'
