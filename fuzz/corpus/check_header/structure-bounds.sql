--! id = "structure.bounds"
--! severity = "error"
--! description = "Values lie within their indicator's declared bounds; additive amounts and counts are not negative unless the indicator is signed or has a negative minimum"
SELECT
    o.area,
    o.indicator,
    o.year,
    o.period,
    o.value AS observed,
    CASE WHEN o.value < coalesce(i.min, 0) AND NOT (i.min IS NULL AND i.signed) THEN coalesce(i.min, 0) ELSE i.max END AS expected,
    CASE WHEN i.min IS NULL AND NOT i.signed AND o.value < 0 THEN 'a negative value for ' || i.name || ', which is an amount or a count'
         WHEN o.value < i.min THEN 'below the minimum ' || fmt_num(i.min) || ' for ' || i.name
         ELSE 'above the maximum ' || fmt_num(i.max) || ' for ' || i.name END AS message,
    CASE WHEN o.value < 0 THEN 'is the minus sign a typo?' END AS hint,
    o.file,
    o.line,
    o.cell
FROM obs o
JOIN indicators i ON i.code = o.indicator
WHERE o.value < i.min
   OR o.value > i.max
   OR (i.min IS NULL AND NOT i.signed AND i.class IN ('additive') AND o.value < 0)
--! counts
SELECT count(*) AS items FROM obs WHERE value IS NOT NULL
