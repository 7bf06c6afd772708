--! id = "units.percent_fraction"
--! severity = "error"
--! description = "A percentage is not written as a fraction (0.312 for 31.2 %): flagged when the same area's previous year was about 100 times larger"
--! [params]
--! log_tolerance = 0.3
WITH
o AS (
    SELECT o.area, o.indicator, o.year, o.period, CAST(o.value AS DOUBLE) AS v, o.value_text, o.file, o.line, o.cell
    FROM obs o
    JOIN indicators i ON i.code = o.indicator AND i.unit = 'percent'
    WHERE o.value IS NOT NULL
)
SELECT
    o.area,
    o.indicator,
    o.year,
    o.period,
    o.v AS observed,
    p.v AS expected,
    p.v AS previous,
    i.name || ': ' || o.value_text || ' % looks like a fraction: the previous year was ' || p.value_text || ' %' AS message,
    'did you mean ' || fmt_num(round(o.v * 100, 6)) || ' %?' AS hint,
    o.file,
    o.line,
    o.cell,
    [struct_pack(role := 'previous year', area := o.area, value := p.value_text, file := p.file, line := p.line, cell := p.cell)] AS related
FROM o
JOIN indicators i ON i.code = o.indicator
JOIN o p ON p.area = o.area AND p.indicator = o.indicator AND p.year = o.year - 1 AND p.period IS NOT DISTINCT FROM o.period
WHERE o.v > 0 AND o.v <= 1 AND p.v > 1 AND abs(log10(p.v / o.v) - 2) < $log_tolerance
--! counts
SELECT count(*) AS items FROM obs o JOIN indicators i ON i.code = o.indicator AND i.unit = 'percent' WHERE o.value IS NOT NULL
