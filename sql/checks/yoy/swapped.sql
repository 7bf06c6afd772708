--! id = "yoy.swapped"
--! severity = "warning"
--! description = "Two areas under one parent whose values look exchanged: both changed a lot, and each matches the other's previous year"
--! [params]
--! min_change = 0.15
--! match = 0.1
WITH o AS (
    SELECT o.area, o.indicator, o.year, o.period, CAST(o.value AS DOUBLE) AS x, o.value_text, o.file, o.line, o.cell
    FROM obs o WHERE o.value > 0 AND o.class IN ('additive', 'per_capita', 'ratio')
),
pairs AS (
    SELECT c.*, p.x AS x_prev, p.value_text AS prev_text, t.parent
    FROM o c
    JOIN o p ON p.area = c.area AND p.indicator = c.indicator AND p.year = c.year - 1 AND p.period IS NOT DISTINCT FROM c.period
    JOIN tree t ON t.child = c.area AND t.year = c.year AND t.period IS NOT DISTINCT FROM c.period
),
-- Areas whose value changed a lot: a swap changes both values (two similar values exchanged are invisible,
-- and harmless to the totals).
moved AS (SELECT * FROM pairs WHERE abs(ln(x / x_prev)) > ln(1 + $min_change))
SELECT
    a.area,
    a.indicator,
    a.year,
    a.period,
    a.x AS observed,
    a.x_prev AS previous,
    b.x_prev AS expected,
    i.name || ': ' || a.area || ' and ' || b.area || ' look swapped: ' || a.area || ' went ' || a.prev_text || ' → ' || a.value_text
        || ' and ' || b.area || ' went ' || b.prev_text || ' → ' || b.value_text
        || '; exchanged, each would match its previous year' AS message,
    'exchange the values of ' || a.area || ' and ' || b.area || ' if they were entered in each other''s row' AS hint,
    a.file,
    a.line,
    a.cell,
    [struct_pack(role := 'swapped with', area := b.area, value := b.value_text, file := b.file, line := b.line, cell := b.cell)] AS related
FROM moved a
JOIN moved b ON b.parent = a.parent AND b.indicator = a.indicator AND b.year = a.year AND b.period IS NOT DISTINCT FROM a.period AND a.area < b.area
JOIN indicators i ON i.code = a.indicator
WHERE abs(a.x / b.x_prev - 1) < $match AND abs(b.x / a.x_prev - 1) < $match
  -- The exchange explains the two changes better than the values as reported.
  AND abs(ln(a.x / b.x_prev)) + abs(ln(b.x / a.x_prev)) < abs(ln(a.x / a.x_prev)) + abs(ln(b.x / b.x_prev))
--! counts
SELECT count(*) AS items FROM obs WHERE value > 0 AND class IN ('additive', 'per_capita', 'ratio')
