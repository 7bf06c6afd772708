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
moved AS (SELECT * FROM pairs WHERE abs(ln(x / x_prev)) > ln(1 + $min_change)),
-- Pairs that look exchanged this year.
swaps AS (
    SELECT a.*, b.area AS b_area, b.x AS b_x, b.x_prev AS b_prev, b.prev_text AS b_prev_text, b.value_text AS b_text,
           b.file AS b_file, b.line AS b_line, b.cell AS b_cell
    FROM moved a
    JOIN moved b ON b.parent = a.parent AND b.indicator = a.indicator AND b.year = a.year AND b.period IS NOT DISTINCT FROM a.period AND a.area < b.area
    WHERE abs(a.x / b.x_prev - 1) < $match AND abs(b.x / a.x_prev - 1) < $match
      -- The exchange explains the two changes better than the values as reported.
      AND abs(ln(a.x / b.x_prev)) + abs(ln(b.x / a.x_prev)) < abs(ln(a.x / a.x_prev)) + abs(ln(b.x / b.x_prev))
)
SELECT
    a.area,
    a.indicator,
    a.year,
    a.period,
    a.x AS observed,
    a.x_prev AS previous,
    a.b_prev AS expected,
    i.name || ': ' || a.area || ' and ' || a.b_area || ' look swapped: ' || a.area || ' went ' || a.prev_text || ' → ' || a.value_text
        || ' and ' || a.b_area || ' went ' || a.b_prev_text || ' → ' || a.b_text
        || '; exchanged, each would match its previous year' AS message,
    'exchange the values of ' || a.area || ' and ' || a.b_area || ' if they were entered in each other''s row' AS hint,
    a.file,
    a.line,
    a.cell,
    [struct_pack(role := 'swapped with', area := a.b_area, value := a.b_text, file := a.b_file, line := a.b_line, cell := a.b_cell)] AS related
FROM swaps a
JOIN indicators i ON i.code = a.indicator
-- A pair exchanged the year before is exchanged back now: that year's finding is the one to act on.
WHERE NOT EXISTS (
    SELECT 1 FROM swaps e
    WHERE e.area = a.area AND e.b_area = a.b_area AND e.indicator = a.indicator AND e.year = a.year - 1 AND e.period IS NOT DISTINCT FROM a.period
)
--! counts
SELECT count(*) AS items FROM obs WHERE value > 0 AND class IN ('additive', 'per_capita', 'ratio')
