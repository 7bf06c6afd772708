--! id = "units.percent_fraction"
--! severity = "error"
--! description = "A percentage is not written as a fraction (0.312 for 31.2 %): flagged when the same area's previous year was about 100 times larger"
--! [params]
--! log_tolerance = 0.3
--! [domains]
--! log_tolerance = { min = 0, max = 1 }
WITH
f AS MATERIALIZED (
    SELECT o.area, o.indicator, o.year, o.period, CAST(o.value AS DOUBLE) AS v, CAST(o.prev_value AS DOUBLE) AS pv,
           o.prev_row, o.value_text, o.file, o.line, o.cell, i.name
    FROM obs o
    JOIN indicators i ON i.code = o.indicator AND i.unit = 'percent'
    WHERE o.value > 0 AND o.value <= 1 AND o.prev_value > 1
      AND abs(log10(CAST(o.prev_value AS DOUBLE) / CAST(o.value AS DOUBLE)) - 2) < $log_tolerance
),
previous AS (
    SELECT p.rowid AS prev_row, p.value_text AS prev_text, p.file AS prev_file, p.line AS prev_line, p.cell AS prev_cell
    FROM observations p WHERE p.rowid IN (SELECT prev_row FROM f)
)
SELECT
    area,
    indicator,
    year,
    period,
    v AS observed,
    pv AS expected,
    pv AS previous,
    name || ': ' || value_text || ' % looks like a fraction: the previous year was ' || prev_text || ' %' AS message,
    'did you mean ' || fmt_num(round(v * 100, 6)) || ' %?' AS hint,
    file,
    line,
    cell,
    [struct_pack(role := 'previous year', area := area, value := prev_text, file := prev_file, line := prev_line, cell := prev_cell)] AS related
FROM f JOIN previous USING (prev_row)
--! counts
SELECT count(*) AS items FROM obs o JOIN indicators i ON i.code = o.indicator AND i.unit = 'percent' WHERE o.value IS NOT NULL
