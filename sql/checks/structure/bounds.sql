--! id = "structure.bounds"
--! severity = "error"
--! description = "Values lie within their indicator's declared bounds; additive amounts and counts are not negative unless the indicator is signed or has a negative minimum"
-- The values outside their bounds, narrow; where they were printed is looked up for those rows only.
WITH flagged AS MATERIALIZED (
    SELECT o.rid, o.area, o.indicator, o.year, o.period, o.value, i.name, i.min, i.max, i.signed
    FROM obs o
    -- Whether a negative value is out of bounds, once per indicator.
    JOIN (SELECT *, min IS NULL AND NOT signed AND class = 'additive' AS unsigned FROM indicators) i ON i.code = o.indicator
    WHERE o.value < i.min OR o.value > i.max OR (i.unsigned AND o.value < 0)
)
SELECT
    o.area,
    o.indicator,
    o.year,
    o.period,
    o.value AS observed,
    CASE WHEN o.value < coalesce(o.min, 0) AND NOT (o.min IS NULL AND o.signed) THEN coalesce(o.min, 0) ELSE o.max END AS expected,
    CASE WHEN o.min IS NULL AND NOT o.signed AND o.value < 0 THEN 'a negative value for ' || o.name || ', which is an amount or a count'
         WHEN o.value < o.min THEN 'below the minimum ' || fmt_num(o.min) || ' for ' || o.name
         ELSE 'above the maximum ' || fmt_num(o.max) || ' for ' || o.name END AS message,
    CASE WHEN o.value < 0 THEN 'is the minus sign a typo?' END AS hint,
    p.file,
    p.line,
    p.cell
FROM flagged o
JOIN (SELECT rowid AS rid, file, line, cell FROM observations WHERE rowid IN (SELECT rid FROM flagged)) p ON p.rid = o.rid
--! counts
SELECT count(*) AS items FROM obs WHERE value IS NOT NULL
