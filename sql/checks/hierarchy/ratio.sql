--! id = "hierarchy.ratio"
--! severity = "error"
--! description = "Ratio and per-capita indicators agree with their parts: an area's rate equals numerator / denominator × multiplier, and a parent's rate equals the sum of its children's numerators over the sum of their denominators"
--! [params]
--! rel_tolerance = 0.0
--! abs_tolerance = 0.0
--! [domains]
--! rel_tolerance = { min = 0, max = 1 }
--! abs_tolerance = { min = 0 }
WITH
r AS (
    SELECT code AS indicator, name, numerator, denominator, multiplier
    FROM indicators WHERE class IN ('ratio', 'per_capita') AND numerator IS NOT NULL
),
-- Rates and their parts, narrow: the printed texts and places are looked up for the failing rows only. The
-- parts are filtered to their indicators before the four-key joins (the join alone would probe every
-- observation).
rates AS (
    SELECT r.indicator, o.area, o.year, o.period, o.value AS rate, o.decimals AS rate_decimals, o.rid
    FROM r JOIN obs o ON o.indicator = r.indicator WHERE o.value IS NOT NULL
),
num AS (
    SELECT r.indicator AS rate_indicator, o.area, o.year, o.period, o.value, o.decimals, o.rid
    FROM r JOIN (SELECT * FROM obs WHERE indicator IN (SELECT numerator FROM r) AND value IS NOT NULL) o ON o.indicator = r.numerator
),
den AS (
    SELECT r.indicator AS rate_indicator, o.area, o.year, o.period, o.value, o.decimals, o.rid
    FROM r JOIN (SELECT * FROM obs WHERE indicator IN (SELECT denominator FROM r) AND value IS NOT NULL) o ON o.indicator = r.denominator
),
-- The area's own parts.
own AS MATERIALIZED (
    SELECT x.*, n.value AS num, n.decimals AS num_decimals, n.rid AS num_rid,
           d.value AS den, d.decimals AS den_decimals, d.rid AS den_rid
    FROM rates x
    JOIN num n ON n.rate_indicator = x.indicator AND n.area = x.area AND n.year = x.year AND n.period IS NOT DISTINCT FROM x.period
    JOIN den d ON d.rate_indicator = x.indicator AND d.area = x.area AND d.year = x.year AND d.period IS NOT DISTINCT FROM x.period
),
-- The parent's rate from its children's parts, when every child reported both parts and the parent did not
-- report its own (when it did, its own parts are checked above and hierarchy.sum checks them against the
-- children).
fanout AS (SELECT parent, year, period, count(*) AS n_children FROM tree GROUP BY ALL),
kid_num AS (
    SELECT s.parent, r.indicator, s.year, s.period,
           s.n_present - s.n_null AS n_num, s.child_sum AS num, s.child_rounding AS num_rounding
    FROM r JOIN child_sums s ON s.indicator = r.numerator
),
kid_den AS (
    SELECT s.parent, r.indicator, s.year, s.period,
           s.n_present - s.n_null AS n_den, s.child_sum AS den, s.child_rounding AS den_rounding
    FROM r JOIN child_sums s ON s.indicator = r.denominator
),
parent AS (
    SELECT x.*, kn.num, NULL AS num_decimals, kd.den, NULL AS den_decimals, kn.num_rounding, kd.den_rounding,
           'children' AS kind, f.n_children
    FROM rates x
    JOIN fanout f ON f.parent = x.area AND f.year = x.year AND f.period IS NOT DISTINCT FROM x.period
    JOIN kid_num kn ON kn.parent = x.area AND kn.indicator = x.indicator AND kn.year = x.year AND kn.period IS NOT DISTINCT FROM x.period
    JOIN kid_den kd ON kd.parent = x.area AND kd.indicator = x.indicator AND kd.year = x.year AND kd.period IS NOT DISTINCT FROM x.period
    WHERE kn.n_num = f.n_children AND kd.n_den = f.n_children
      -- One own row per rate row at most (a key is reported once in obs); only parents' rows can match.
      AND x.rid NOT IN (SELECT w.rid FROM own w WHERE w.area IN (SELECT unnest(list(DISTINCT parent)) FROM tree))
),
both_kinds AS (
    SELECT *, half_unit(num_decimals) AS num_rounding, half_unit(den_decimals) AS den_rounding, 'own' AS kind, NULL AS n_children
    FROM own
    UNION ALL BY NAME
    SELECT * FROM parent
),
computed AS (
    SELECT b.*, r.name, r.multiplier,
        CAST(num AS DOUBLE) / nullif(CAST(den AS DOUBLE), 0) * multiplier AS expected,
        -- Rounding of the printed rate, plus the rounding of the parts carried through the division.
        CAST(half_unit(rate_decimals) AS DOUBLE)
          + abs(CAST(num AS DOUBLE) / nullif(CAST(den AS DOUBLE), 0) * multiplier)
            * (CAST(num_rounding AS DOUBLE) / nullif(abs(CAST(num AS DOUBLE)), 0) + CAST(den_rounding AS DOUBLE) / nullif(abs(CAST(den AS DOUBLE)), 0)) AS rounding
    FROM both_kinds b JOIN r USING (indicator)
),
tol AS (
    SELECT *,
        greatest(rounding, abs(CAST(rate AS DOUBLE)) * $rel_tolerance, $abs_tolerance) AS tolerance,
        CASE WHEN rounding >= abs(CAST(rate AS DOUBLE)) * $rel_tolerance AND rounding >= $abs_tolerance THEN 'rounding'
             WHEN abs(CAST(rate AS DOUBLE)) * $rel_tolerance >= $abs_tolerance THEN 'relative' ELSE 'absolute' END AS tolerance_source
    FROM computed
    WHERE expected IS NOT NULL
),
failing AS MATERIALIZED (
    SELECT * FROM tol WHERE abs(CAST(rate AS DOUBLE) - expected) > tolerance
),
-- The children's parts behind a failing parent.
child_rows AS (
    SELECT f.area, f.indicator, f.year, f.period, t.child, n.rid AS num_rid, d.rid AS den_rid
    FROM failing f
    JOIN r ON r.indicator = f.indicator
    JOIN tree t ON t.parent = f.area AND t.year = f.year AND t.period IS NOT DISTINCT FROM f.period
    LEFT JOIN (SELECT indicator, area, year, period, rid FROM obs WHERE value IS NOT NULL) n
        ON n.indicator = r.numerator AND n.area = t.child AND n.year = t.year AND n.period IS NOT DISTINCT FROM t.period
    LEFT JOIN (SELECT indicator, area, year, period, rid FROM obs WHERE value IS NOT NULL) d
        ON d.indicator = r.denominator AND d.area = t.child AND d.year = t.year AND d.period IS NOT DISTINCT FROM t.period
    WHERE f.kind = 'children'
),
-- Where the values involved were printed, for the failing rows only.
texts AS (
    SELECT rowid AS rid, area, value_text, file, line, cell FROM observations
    WHERE rowid IN (SELECT rid FROM failing UNION ALL SELECT num_rid FROM failing UNION ALL SELECT den_rid FROM failing
                    UNION ALL SELECT num_rid FROM child_rows UNION ALL SELECT den_rid FROM child_rows)
),
child_parts AS (
    SELECT c.area, c.indicator, c.year, c.period,
           list(struct_pack(role := 'numerator', area := c.child, value := n.value_text, file := n.file, line := n.line, cell := n.cell) ORDER BY c.child)
             || list(struct_pack(role := 'denominator', area := c.child, value := d.value_text, file := d.file, line := d.line, cell := d.cell) ORDER BY c.child) AS related
    FROM child_rows c
    LEFT JOIN texts n ON n.rid = c.num_rid
    LEFT JOIN texts d ON d.rid = c.den_rid
    GROUP BY c.area, c.indicator, c.year, c.period
)
SELECT
    f.area,
    f.indicator,
    f.year,
    f.period,
    rate AS observed,
    round(expected, 6) AS expected,
    round(CAST(rate AS DOUBLE) - expected, 6) AS difference,
    round(tolerance, 6) AS tolerance,
    tolerance_source,
    name || ': ' || tx.value_text || CASE kind
        WHEN 'own' THEN ' does not match its parts: ' || fmt_num(num) || ' / ' || fmt_num(den)
        ELSE ' does not match its ' || n_children || ' children''s parts: ' || fmt_num(num) || ' / ' || fmt_num(den)
    END || CASE WHEN multiplier <> 1 THEN ' × ' || fmt_num(multiplier) ELSE '' END
        || ' = ' || fmt_num(round(expected, greatest(rate_decimals, 0) + 2)) AS message,
    CASE
        WHEN expected <> 0 AND abs(CAST(rate AS DOUBLE) * multiplier / expected - 1) < 0.01 AND multiplier <> 1
            THEN 'the rate looks written as a fraction (× ' || fmt_num(multiplier) || ' missing)'
        WHEN kind = 'children' THEN 'a rate is not the sum or mean of the children''s rates: weight them by the denominator'
    END AS hint,
    tx.file,
    tx.line,
    tx.cell,
    CASE WHEN f.kind = 'own' THEN
        [struct_pack(role := 'numerator', area := tn.area, value := tn.value_text, file := tn.file, line := tn.line, cell := tn.cell),
         struct_pack(role := 'denominator', area := td.area, value := td.value_text, file := td.file, line := td.line, cell := td.cell)]
        ELSE c.related END AS related
FROM failing f
JOIN texts tx ON tx.rid = f.rid
LEFT JOIN texts tn ON tn.rid = f.num_rid
LEFT JOIN texts td ON td.rid = f.den_rid
LEFT JOIN child_parts c ON c.area = f.area AND c.indicator = f.indicator AND c.year = f.year AND c.period IS NOT DISTINCT FROM f.period
--! counts
SELECT count(*) AS items FROM obs o JOIN indicators i ON i.code = o.indicator
WHERE i.class IN ('ratio', 'per_capita') AND i.numerator IS NOT NULL AND o.value IS NOT NULL
