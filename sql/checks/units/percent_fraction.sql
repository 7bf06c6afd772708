--! id = "units.percent_fraction"
--! severity = "error"
--! description = "A percentage is not written as a fraction (0.312 for 31.2 %): flagged when the same area's previous year, or its peers, are about 100 times larger"
--! [params]
--! log_tolerance = 0.3
WITH
o AS (
    SELECT o.area, o.indicator, o.year, o.period, CAST(o.value AS DOUBLE) AS v, o.value_text, o.file, o.line, o.cell, a.level
    FROM obs o
    JOIN indicators i ON i.code = o.indicator AND i.unit = 'percent'
    JOIN (SELECT DISTINCT code, level FROM areas) a ON a.code = o.area
    WHERE o.value IS NOT NULL
),
peers AS (SELECT indicator, year, period, level, median(v) FILTER (WHERE v > 1) AS med, count(*) FILTER (WHERE v > 1) AS n FROM o GROUP BY ALL)
SELECT
    o.area,
    o.indicator,
    o.year,
    o.period,
    o.v AS observed,
    coalesce(p.v, g.med) AS expected,
    p.v AS previous,
    i.name || ': ' || o.value_text || ' % looks like a fraction: '
        || CASE WHEN p.v IS NOT NULL THEN 'the previous year was ' || p.value_text || ' %'
                ELSE 'the median of ' || g.n || ' peers is ' || fmt_num(round(g.med, 2)) || ' %' END AS message,
    'did you mean ' || fmt_num(round(o.v * 100, 6)) || ' %?' AS hint,
    o.file,
    o.line,
    o.cell,
    CASE WHEN p.v IS NOT NULL THEN [struct_pack(role := 'previous year', area := o.area, value := p.value_text, file := p.file, line := p.line, cell := p.cell)] END AS related
FROM o
JOIN indicators i ON i.code = o.indicator
LEFT JOIN o p ON p.area = o.area AND p.indicator = o.indicator AND p.year = o.year - 1 AND p.period IS NOT DISTINCT FROM o.period
LEFT JOIN peers g ON g.indicator = o.indicator AND g.year = o.year AND g.period IS NOT DISTINCT FROM o.period AND g.level = o.level
WHERE o.v > 0 AND o.v <= 1
  AND ((p.v > 1 AND abs(log10(p.v / o.v) - 2) < $log_tolerance)
       OR (p.v IS NULL AND g.n >= 3 AND abs(log10(g.med / o.v) - 2) < $log_tolerance))
--! counts
SELECT count(*) AS items FROM obs o JOIN indicators i ON i.code = o.indicator AND i.unit = 'percent' WHERE o.value IS NOT NULL
