--! id = "yoy.hb"
--! severity = "warning"
--! description = "Hidiroglou–Berthelot outliers: an area whose year-on-year ratio of an additive indicator stands out from the other areas of its level, weighted by size, and departs from their median growth by more than min_change and more than the printed precision"
--! not_evaluated = "year-on-year pairs in groups with fewer than min_group distinct ratios: too few areas, or counts that mostly did not change"
--! [params]
--! U = 0.5
--! A = 0.05
--! C = 4.0
--! min_group = 4
--! min_change = 0.25
--! min_units = 2
--! pool = "none"
--! [domains]
--! U = { min = 0, max = 1 }
--! A = { min = 0, max = 1 }
--! C = { min = 0 }
--! min_group = { min = 3 }
--! min_change = { min = 0 }
--! min_units = { min = 0 }
--! pool = ["none", "years"]
-- Beyond HB (1986), three floors keep a flag worth reading (docs: README "yoy.hb"): the group counts distinct
-- ratios (small counts are often unchanged, and then the quartiles coincide); A scales the median size weight,
-- the score of an A-fraction departure at the median size, as HB's A·|E_m| is near 0 once E is centred; and a
-- flag departs from the median growth by at least min_change and by min_units units of its printed precision.
-- The year-on-year pairs, narrow (the medians and quartiles go over millions of them at national size): the
-- level as its enum, and the rest of a flagged row is looked up by rowid.
WITH pairs AS (
    SELECT o.rid, o.indicator, o.period, a.level,
           CASE WHEN $pool = 'years' THEN NULL ELSE o.year END AS group_year,
           -- Rounded, so ratios equal in decimal are equal here (no binary noise).
           round(CAST(o.value AS DOUBLE) / CAST(o.prev_value AS DOUBLE), 12) AS r,
           -- The size weight of the HB score.
           pow(greatest(CAST(o.prev_value AS DOUBLE), CAST(o.value AS DOUBLE)), $U) AS w
    FROM obs o
    JOIN (SELECT DISTINCT code, CAST(level AS area_level) AS level FROM areas) a ON a.code = o.area
    WHERE o.value > 0 AND o.prev_value > 0 AND o.class = 'additive'
),
medians AS (
    SELECT indicator, group_year, period, level, median(r) AS r_m, count(*) AS n,
           count(DISTINCT r) AS n_distinct, median(w) AS w_m
    FROM pairs GROUP BY ALL
),
-- Each pair's HB score, computed where it is used rather than stored for millions of pairs.
scored AS NOT MATERIALIZED (
    SELECT p.rid, p.indicator, p.group_year, p.period, p.level, p.r, m.r_m, m.n, m.w_m,
        round((CASE WHEN p.r < m.r_m THEN 1 - m.r_m / p.r ELSE p.r / m.r_m - 1 END) * p.w, 9) AS e
    FROM pairs p
    JOIN medians m ON m.indicator = p.indicator AND m.group_year IS NOT DISTINCT FROM p.group_year
                  AND m.period IS NOT DISTINCT FROM p.period AND m.level = p.level
    WHERE m.n_distinct >= $min_group
),
-- The three quartiles from one sort of each group's scores.
quartiles AS (
    SELECT indicator, group_year, period, level, q[1] AS e_q1, q[2] AS e_m, q[3] AS e_q3
    FROM (SELECT indicator, group_year, period, level, quantile_cont(e, [0.25, 0.5, 0.75]) AS q FROM scored GROUP BY ALL)
),
bounds AS (
    SELECT s.*,
        q.e_m - $C * greatest(q.e_m - q.e_q1, $A * s.w_m) AS lo,
        q.e_m + $C * greatest(q.e_q3 - q.e_m, $A * s.w_m) AS hi
    FROM scored s
    JOIN quartiles q ON q.indicator = s.indicator AND q.group_year IS NOT DISTINCT FROM s.group_year
                    AND q.period IS NOT DISTINCT FROM s.period AND q.level = s.level
),
-- Outside the bounds and far enough from the median growth, relatively: |s| >= min_change, s being HB's
-- centred ratio.
outliers AS MATERIALIZED (
    SELECT * FROM bounds
    WHERE (e < lo OR e > hi) AND greatest(r / r_m, r_m / r) - 1 >= $min_change
),
-- The flagged values and where they were printed.
current AS (
    SELECT rowid AS rid, area, year, CAST(value AS DOUBLE) AS x, CAST(prev_value AS DOUBLE) AS x_prev, prev_row,
           value_text, decimals, file, line, cell
    FROM observations WHERE rowid IN (SELECT rid FROM outliers)
),
-- Where the previous year's values were printed.
previous AS (
    SELECT p.rowid AS prev_row, p.value_text AS prev_text, p.file AS prev_file, p.line AS prev_line, p.cell AS prev_cell
    FROM observations p WHERE p.rowid IN (SELECT prev_row FROM current)
),
-- Far enough absolutely too: min_units units of the last printed digit or more from the previous year's value
-- grown at the median ratio (21 → 20 hospitals is one unit of a count).
flagged AS (
    SELECT * FROM outliers JOIN current USING (rid) JOIN previous USING (prev_row)
    WHERE abs(x - x_prev * r_m) >= $min_units * 2 * CAST(half_unit(coalesce(decimals, 0)) AS DOUBLE)
)
SELECT
    b.area,
    b.indicator,
    b.year,
    b.period,
    b.x AS observed,
    b.x_prev AS previous,
    -- What the value would be had it grown like the median area.
    round(b.x_prev * b.r_m, 4) AS expected,
    i.name || ': ' || b.prev_text || ' → ' || b.value_text || ' (× ' || fmt_num(round(b.r, 3)) || ') against a median ratio of '
        || fmt_num(round(b.r_m, 3)) || ' across the ' || b.n || ' ' || b.level || ' units'
        || CASE WHEN $pool = 'years' THEN ' of all years' ELSE '' END
        || '; HB score ' || fmt_num(round(b.e, 2)) || ' outside ' || fmt_num(round(b.lo, 2)) || ' … ' || fmt_num(round(b.hi, 2))
        || '; ' || fmt_num(round((greatest(b.r / b.r_m, b.r_m / b.r) - 1) * 100, 0)) || ' % ' || CASE WHEN b.r > b.r_m THEN 'above' ELSE 'below' END || ' the median growth'
        || CASE WHEN b.n < 15 THEN ' (a group of ' || b.n || ' is small: the bounds are rough)' ELSE '' END AS message,
    CASE WHEN b.n < 15 AND $pool <> 'years' THEN 'with few units, pool the years: --param yoy.hb.pool=years' ELSE 'confirm the change with the reporting unit' END AS hint,
    b.file,
    b.line,
    b.cell,
    [struct_pack(role := 'previous year', area := b.area, value := b.prev_text, file := b.prev_file, line := b.prev_line, cell := b.prev_cell)] AS related
FROM flagged b
JOIN indicators i ON i.code = b.indicator
--! counts
WITH pairs AS (
    SELECT o.indicator, o.period, a.level, CASE WHEN $pool = 'years' THEN NULL ELSE o.year END AS group_year,
           round(CAST(o.value AS DOUBLE) / CAST(o.prev_value AS DOUBLE), 12) AS r
    FROM obs o
    JOIN (SELECT DISTINCT code, CAST(level AS area_level) AS level FROM areas) a ON a.code = o.area
    WHERE o.value > 0 AND o.prev_value > 0 AND o.class = 'additive'
)
SELECT coalesce(sum(n), 0) AS items, coalesce(sum(n) FILTER (WHERE n_distinct < $min_group), 0) AS not_evaluated
FROM (SELECT count(*) AS n, count(DISTINCT r) AS n_distinct FROM pairs GROUP BY indicator, group_year, period, level)
