--! id = "units.scale"
--! severity = "error"
--! description = "A value is not off by a factor of 1000 (or 10^6, ...) against the same area's previous year or against its peers at the same level: the mark of a value in the wrong unit"
--! [params]
--! log_tolerance = 0.15
--! min_peers = 4
WITH
o AS (
    SELECT o.area, o.indicator, o.year, o.period, CAST(o.value AS DOUBLE) AS v, o.value_text, o.file, o.line, o.cell, a.level, o.class
    FROM obs o
    JOIN (SELECT DISTINCT code, level FROM areas) a ON a.code = o.area
    WHERE o.value > 0 AND o.class IN ('additive', 'per_capita', 'non_additive')
),
peers AS (
    SELECT indicator, year, period, level, count(*) AS n, median(v) AS med
    FROM o GROUP BY ALL
),
cmp AS (
    SELECT o.*,
        p.v AS prev, p.value_text AS prev_text, p.file AS prev_file, p.line AS prev_line, p.cell AS prev_cell,
        log10(o.v / p.v) AS lr_prev,
        -- The median of the level (one outlier barely moves it when there are enough peers).
        CASE WHEN g.n - 1 >= $min_peers THEN g.med END AS peer_median,
        g.n - 1 AS n_peers
    FROM o
    LEFT JOIN o p ON p.area = o.area AND p.indicator = o.indicator AND p.year = o.year - 1 AND p.period IS NOT DISTINCT FROM o.period
    JOIN peers g ON g.indicator = o.indicator AND g.year = o.year AND g.period IS NOT DISTINCT FROM o.period AND g.level = o.level
),
flagged AS (
    SELECT *,
        round(lr_prev / 3) AS k_prev,
        log10(v / peer_median) AS lr_peer,
        round(log10(v / peer_median) / 3) AS k_peer
    FROM cmp
)
SELECT
    f.area,
    f.indicator,
    f.year,
    f.period,
    f.v AS observed,
    CASE WHEN k_prev <> 0 AND abs(lr_prev - 3 * k_prev) < $log_tolerance THEN f.prev ELSE f.peer_median END AS expected,
    f.prev AS previous,
    i.name || ': ' || f.value_text || ' is about ' ||
        CASE WHEN k_prev <> 0 AND abs(lr_prev - 3 * k_prev) < $log_tolerance
             THEN CASE WHEN k_prev > 0 THEN CAST(CAST(pow(1000, k_prev) AS BIGINT) AS VARCHAR) || ' times' ELSE '1/' || CAST(CAST(pow(1000, -k_prev) AS BIGINT) AS VARCHAR) || ' of' END
                  || ' the previous year''s ' || f.prev_text
                  || CASE WHEN k_peer = k_prev AND abs(lr_peer - 3 * k_peer) < 0.5 THEN ' and of its ' || n_peers || ' peers'' median' ELSE '' END
             ELSE CASE WHEN k_peer > 0 THEN CAST(CAST(pow(1000, k_peer) AS BIGINT) AS VARCHAR) || ' times' ELSE '1/' || CAST(CAST(pow(1000, -k_peer) AS BIGINT) AS VARCHAR) || ' of' END
                  || ' the median of its ' || n_peers || ' peers (' || fmt_num(round(f.peer_median, 2)) || ')'
        END AS message,
    'is it in ' || CASE WHEN coalesce(CASE WHEN k_prev <> 0 AND abs(lr_prev - 3 * k_prev) < $log_tolerance THEN k_prev END, k_peer) > 0
                        THEN 'a unit 1000 times smaller' ELSE 'a unit 1000 times larger' END
        || ' than ' || u.name || '?' AS hint,
    f.file,
    f.line,
    f.cell,
    CASE WHEN f.prev IS NOT NULL THEN [struct_pack(role := 'previous year', area := f.area, value := f.prev_text, file := f.prev_file, line := f.prev_line, cell := f.prev_cell)] END AS related
FROM flagged f
JOIN indicators i ON i.code = f.indicator
JOIN units u ON u.code = i.unit
WHERE (k_prev <> 0 AND abs(lr_prev - 3 * k_prev) < $log_tolerance)
   OR (lr_prev IS NULL AND k_peer <> 0 AND abs(lr_peer - 3 * k_peer) < $log_tolerance)
--! counts
SELECT count(*) AS items FROM obs WHERE value > 0 AND class IN ('additive', 'per_capita', 'non_additive')
