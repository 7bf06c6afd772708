--! id = "hierarchy.ratio"
--! severity = "error"
--! description = "Ratio and per-capita indicators agree with their parts: an area's rate equals numerator / denominator × multiplier, and a parent's rate equals the sum of its children's numerators over the sum of their denominators"
--! [params]
--! rel_tolerance = 0.0
--! abs_tolerance = 0.0
WITH
r AS (
    SELECT code AS indicator, name, numerator, denominator, multiplier
    FROM indicators WHERE class IN ('ratio', 'per_capita') AND numerator IS NOT NULL
),
o AS (SELECT area, indicator, year, period, value, value_text, decimals, file, line, cell FROM obs WHERE value IS NOT NULL),
-- The area's own parts.
own AS (
    SELECT x.area, r.indicator, x.year, x.period, r.name, r.multiplier,
           x.value AS rate, x.value_text AS rate_text, x.decimals AS rate_decimals, x.file, x.line, x.cell,
           n.value AS num, n.decimals AS num_decimals, d.value AS den, d.decimals AS den_decimals,
           [struct_pack(role := 'numerator', area := n.area, value := n.value_text, file := n.file, line := n.line, cell := n.cell),
            struct_pack(role := 'denominator', area := d.area, value := d.value_text, file := d.file, line := d.line, cell := d.cell)] AS related,
           'own' AS kind
    FROM r
    JOIN o x ON x.indicator = r.indicator
    JOIN o n ON n.indicator = r.numerator AND n.area = x.area AND n.year = x.year AND n.period IS NOT DISTINCT FROM x.period
    JOIN o d ON d.indicator = r.denominator AND d.area = x.area AND d.year = x.year AND d.period IS NOT DISTINCT FROM x.period
),
-- The parent's rate from its children's parts, when every child reported both parts and the parent did not
-- report its own (when it did, its own parts are checked above and hierarchy.sum checks them against the
-- children).
kids AS (
    SELECT t.parent, r.indicator, t.year, t.period,
           count(*) AS n_children,
           count(n.value) AS n_num, count(d.value) AS n_den,
           sum(n.value) AS num, sum(d.value) AS den,
           sum(half_unit(n.decimals)) AS num_rounding, sum(half_unit(d.decimals)) AS den_rounding,
           list(struct_pack(role := 'numerator', area := t.child, value := n.value_text, file := n.file, line := n.line, cell := n.cell) ORDER BY t.child)
             || list(struct_pack(role := 'denominator', area := t.child, value := d.value_text, file := d.file, line := d.line, cell := d.cell) ORDER BY t.child) AS related
    FROM r
    CROSS JOIN tree t
    LEFT JOIN o n ON n.indicator = r.numerator AND n.area = t.child AND n.year = t.year AND n.period IS NOT DISTINCT FROM t.period
    LEFT JOIN o d ON d.indicator = r.denominator AND d.area = t.child AND d.year = t.year AND d.period IS NOT DISTINCT FROM t.period
    GROUP BY ALL
),
parent AS (
    SELECT x.area, r.indicator, x.year, x.period, r.name, r.multiplier,
           x.value AS rate, x.value_text AS rate_text, x.decimals AS rate_decimals, x.file, x.line, x.cell,
           k.num, NULL AS num_decimals, k.den, NULL AS den_decimals, k.num_rounding, k.den_rounding,
           k.related, 'children' AS kind, k.n_children
    FROM r
    JOIN o x ON x.indicator = r.indicator
    JOIN kids k ON k.parent = x.area AND k.indicator = r.indicator AND k.year = x.year AND k.period IS NOT DISTINCT FROM x.period
    WHERE k.n_num = k.n_children AND k.n_den = k.n_children
      AND NOT EXISTS (SELECT 1 FROM own w WHERE w.area = x.area AND w.indicator = x.indicator AND w.year = x.year AND w.period IS NOT DISTINCT FROM x.period)
),
both_kinds AS (
    SELECT *, half_unit(num_decimals) AS num_rounding, half_unit(den_decimals) AS den_rounding, NULL AS n_children FROM own
    UNION ALL BY NAME
    SELECT * FROM parent
),
computed AS (
    SELECT *,
        CAST(num AS DOUBLE) / nullif(CAST(den AS DOUBLE), 0) * multiplier AS expected,
        -- Rounding of the printed rate, plus the rounding of the parts carried through the division.
        CAST(half_unit(rate_decimals) AS DOUBLE)
          + abs(CAST(num AS DOUBLE) / nullif(CAST(den AS DOUBLE), 0) * multiplier)
            * (CAST(num_rounding AS DOUBLE) / nullif(abs(CAST(num AS DOUBLE)), 0) + CAST(den_rounding AS DOUBLE) / nullif(abs(CAST(den AS DOUBLE)), 0)) AS rounding
    FROM both_kinds
),
tol AS (
    SELECT *,
        greatest(rounding, abs(CAST(rate AS DOUBLE)) * $rel_tolerance, $abs_tolerance) AS tolerance,
        CASE WHEN rounding >= abs(CAST(rate AS DOUBLE)) * $rel_tolerance AND rounding >= $abs_tolerance THEN 'rounding'
             WHEN abs(CAST(rate AS DOUBLE)) * $rel_tolerance >= $abs_tolerance THEN 'relative' ELSE 'absolute' END AS tolerance_source
    FROM computed
    WHERE expected IS NOT NULL
)
SELECT
    area,
    indicator,
    year,
    period,
    rate AS observed,
    round(expected, 6) AS expected,
    round(CAST(rate AS DOUBLE) - expected, 6) AS difference,
    round(tolerance, 6) AS tolerance,
    tolerance_source,
    name || ': ' || rate_text || CASE kind
        WHEN 'own' THEN ' does not match its parts: ' || fmt_num(num) || ' / ' || fmt_num(den)
        ELSE ' does not match its ' || n_children || ' children''s parts: ' || fmt_num(num) || ' / ' || fmt_num(den)
    END || CASE WHEN multiplier <> 1 THEN ' × ' || fmt_num(multiplier) ELSE '' END
        || ' = ' || fmt_num(round(expected, greatest(rate_decimals, 0) + 2)) AS message,
    CASE
        WHEN expected <> 0 AND abs(CAST(rate AS DOUBLE) * multiplier / expected - 1) < 0.01 AND multiplier <> 1
            THEN 'the rate looks written as a fraction (× ' || fmt_num(multiplier) || ' missing)'
        WHEN kind = 'children' THEN 'a rate is not the sum or mean of the children''s rates: weight them by the denominator'
    END AS hint,
    file,
    line,
    cell,
    related
FROM tol
WHERE abs(CAST(rate AS DOUBLE) - expected) > tolerance
--! counts
SELECT count(*) AS items FROM obs o JOIN indicators i ON i.code = o.indicator
WHERE i.class IN ('ratio', 'per_capita') AND i.numerator IS NOT NULL AND o.value IS NOT NULL
