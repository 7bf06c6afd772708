--! id = "structure.area_validity"
--! severity = "error"
--! description = "An area reports only for periods in which it exists (codes change with administrative reforms)"
WITH valid AS (
    SELECT o.rowid AS rid
    FROM observations o
    JOIN areas a ON a.code = o.area AND valid_on(a.valid_from, a.valid_to, ref_date(o.year, o.period))
),
span AS (
    SELECT code, min(valid_from) AS first_day, max(coalesce(valid_to, DATE '9999-12-31')) AS last_day, any_value(name) AS name
    FROM areas GROUP BY code
)
SELECT
    o.area,
    o.indicator,
    o.year,
    o.period,
    s.name || ' (' || o.area || ') does not exist on ' || strftime(ref_date(o.year, o.period), '%Y-%m-%d') || ': it is valid '
        || CASE WHEN s.first_day IS NULL THEN 'until ' || strftime(s.last_day, '%Y-%m-%d')
                WHEN s.last_day = DATE '9999-12-31' THEN 'from ' || strftime(s.first_day, '%Y-%m-%d')
                ELSE 'from ' || strftime(s.first_day, '%Y-%m-%d') || ' to ' || strftime(s.last_day, '%Y-%m-%d') END AS message,
    CASE WHEN ref_date(o.year, o.period) > s.last_day THEN 'report this value for the unit that replaced it' END AS hint,
    o.file,
    o.line,
    o.cell
FROM observations o
JOIN span s ON s.code = o.area
WHERE o.rowid NOT IN (SELECT rid FROM valid)
--! counts
SELECT count(*) AS items FROM observations WHERE area IN (SELECT code FROM areas)
