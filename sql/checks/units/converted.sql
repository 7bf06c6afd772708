--! id = "units.converted"
--! severity = "info"
--! description = "Notes where values were converted from their declared unit to the indicator's unit"
SELECT
    NULL AS area,
    o.indicator,
    min(o.year) AS year,
    count(*) || ' value' || CASE WHEN count(*) > 1 THEN 's' ELSE '' END || ' of ' || any_value(i.name) || ' converted from '
        || any_value(du.name) || ' to ' || any_value(cu.name) || ' (× ' || fmt_num(CAST(any_value(du.factor) / any_value(cu.factor) AS DECIMAL(38, 12))) || ')' AS message,
    o.file,
    min(o.line) AS line,
    min(o.cell) AS cell
FROM obs o
JOIN indicators i ON i.code = o.indicator
JOIN units du ON du.code = o.unit
JOIN units cu ON cu.code = i.unit
WHERE o.status = 'reported' AND o.unit <> i.unit
GROUP BY o.indicator, o.file, o.unit
--! counts
SELECT count(*) AS items FROM obs WHERE status = 'reported' AND unit IS NOT NULL
