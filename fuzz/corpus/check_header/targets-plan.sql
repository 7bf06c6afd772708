--! id = "targets.plan"
--! severity = "info"
--! description = "Targets against actual values: met, missed, and by how much"
SELECT
    t.area,
    t.indicator,
    t.year,
    o.value AS observed,
    t.value AS expected,
    o.value - t.value AS difference,
    i.name || ' ' || t.year || ': target ' ||
        CASE t.direction WHEN 'at_least' THEN 'at least ' WHEN 'at_most' THEN 'at most ' ELSE 'about ' END || fmt_num(t.value) || ' ' || u.name || ', '
        || CASE
            WHEN o.value IS NULL THEN 'no value reported'
            WHEN (t.direction = 'at_least' AND o.value >= t.value) OR (t.direction = 'at_most' AND o.value <= t.value)
                 OR (t.direction = 'about' AND abs(o.value - t.value) <= abs(t.value) * t.tolerance)
                THEN 'met: ' || o.value_text
            ELSE 'missed: ' || o.value_text
        END
        || CASE WHEN o.value IS NOT NULL AND t.value <> 0
                THEN ' (' || CASE WHEN o.value >= t.value THEN '+' ELSE '' END || fmt_num(round((CAST(o.value AS DOUBLE) / t.value - 1) * 100, 1)) || ' % against the target)'
                ELSE '' END AS message,
    t.note AS hint,
    o.file,
    o.line,
    o.cell
FROM targets t
JOIN indicators i ON i.code = t.indicator
JOIN units u ON u.code = i.unit
LEFT JOIN obs o ON o.area = t.area AND o.indicator = t.indicator AND o.year = t.year AND o.period IS NULL
--! counts
SELECT count(*) AS items FROM targets
