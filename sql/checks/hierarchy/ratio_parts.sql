--! id = "hierarchy.ratio_parts"
--! severity = "info"
--! description = "Says which ratio and per-capita indicators could not be checked against their parts, and why"
WITH r AS (
    SELECT code, name, numerator, denominator FROM indicators WHERE class IN ('ratio', 'per_capita')
),
reported AS (
    SELECT indicator, year, count(*) AS n FROM obs WHERE value IS NOT NULL GROUP BY ALL
)
SELECT
    NULL AS area,
    r.code AS indicator,
    x.year,
    CASE
        WHEN r.numerator IS NULL THEN r.name || ' is not checked against the hierarchy: its numerator and denominator are not declared (a rate cannot be summed)'
        WHEN coalesce(n.n, 0) = 0 AND coalesce(d.n, 0) = 0 THEN r.name || ' is not checked for ' || x.year || ': neither ' || r.numerator || ' nor ' || r.denominator || ' is reported'
        WHEN coalesce(n.n, 0) = 0 THEN r.name || ' is not checked for ' || x.year || ': its numerator ' || r.numerator || ' is not reported'
        ELSE r.name || ' is not checked for ' || x.year || ': its denominator ' || r.denominator || ' is not reported'
    END AS message,
    CASE WHEN r.numerator IS NULL THEN 'declare numerator and denominator for the indicator and report them'
         ELSE 'report the parts so the rate can be checked' END AS hint
FROM r
JOIN reported x ON x.indicator = r.code
LEFT JOIN reported n ON n.indicator = r.numerator AND n.year = x.year
LEFT JOIN reported d ON d.indicator = r.denominator AND d.year = x.year
WHERE r.numerator IS NULL OR coalesce(n.n, 0) = 0 OR coalesce(d.n, 0) = 0
--! counts
SELECT count(*) AS items FROM (SELECT DISTINCT o.indicator, o.year FROM obs o JOIN indicators i ON i.code = o.indicator WHERE i.class IN ('ratio', 'per_capita'))
