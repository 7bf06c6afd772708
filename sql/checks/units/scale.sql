--! id = "units.scale"
--! severity = "error"
--! description = "A value is not off by a factor of 1000 (or 10^6, ...): against the same area's previous year, or, without one, against its peers at the same level when it stands apart from all of them: the mark of a value in the wrong unit"
--! [params]
--! log_tolerance = 0.15
--! min_peers = 4
--! min_gap = 2.0
WITH
o AS (
    SELECT o.area, o.indicator, o.year, o.period, CAST(o.value AS DOUBLE) AS v, o.value_text, o.file, o.line, o.cell, a.level
    FROM obs o
    JOIN (SELECT DISTINCT code, level FROM areas) a ON a.code = o.area
    WHERE o.value > 0 AND o.class IN ('additive', 'per_capita', 'non_additive')
),
peers AS (
    SELECT indicator, year, period, level, count(*) AS n, median(v) AS med
    FROM o GROUP BY ALL
),
cmp AS (
    SELECT o.*, g.n - 1 AS n_peers, g.med,
        p.v AS prev, p.value_text AS prev_text, p.file AS prev_file, p.line AS prev_line, p.cell AS prev_cell,
        log10(o.v / p.v) AS lr_prev,
        log10(o.v / pp.v) AS lr_prev2,
        log10(o.v / g.med) AS lr_peer
    FROM o
    JOIN peers g ON g.indicator = o.indicator AND g.year = o.year AND g.period IS NOT DISTINCT FROM o.period AND g.level = o.level
    LEFT JOIN o p ON p.area = o.area AND p.indicator = o.indicator AND p.year = o.year - 1 AND p.period IS NOT DISTINCT FROM o.period
    LEFT JOIN o pp ON pp.area = o.area AND pp.indicator = o.indicator AND pp.year = o.year - 2 AND pp.period IS NOT DISTINCT FROM o.period
),
candidates AS (
    SELECT *, round(lr_prev / 3) AS k_prev, round(lr_peer / 3) AS k_peer FROM cmp
    WHERE (lr_prev IS NOT NULL AND round(lr_prev / 3) <> 0 AND abs(lr_prev - 3 * round(lr_prev / 3)) < $log_tolerance
           -- Not the return to the level of two years ago after an error the year before.
           AND NOT (lr_prev2 IS NOT NULL AND abs(lr_prev2) < 0.5))
       OR (lr_prev IS NULL AND n_peers >= $min_peers AND round(lr_peer / 3) <> 0 AND abs(lr_peer - 3 * round(lr_peer / 3)) < $log_tolerance)
),
-- Without a previous year, a value is only suspect when it stands apart: no peer within min_gap decades.
gaps AS (
    SELECT c.area, c.indicator, c.year, c.period, min(abs(log10(c.v / x.v))) AS gap
    FROM candidates c
    JOIN o x ON x.indicator = c.indicator AND x.year = c.year AND x.period IS NOT DISTINCT FROM c.period AND x.level = c.level AND x.area <> c.area
    WHERE c.lr_prev IS NULL
    GROUP BY ALL
),
flagged AS (
    SELECT c.*, g.gap FROM candidates c
    LEFT JOIN gaps g ON g.area = c.area AND g.indicator = c.indicator AND g.year = c.year AND g.period IS NOT DISTINCT FROM c.period
    WHERE c.lr_prev IS NOT NULL OR g.gap >= $min_gap
)
SELECT
    f.area,
    f.indicator,
    f.year,
    f.period,
    f.v AS observed,
    coalesce(f.prev, f.med) AS expected,
    f.prev AS previous,
    i.name || ': ' || f.value_text || ' is about ' ||
        CASE WHEN f.lr_prev IS NOT NULL
             THEN CASE WHEN f.k_prev > 0 THEN fmt_num(pow(1000, f.k_prev)) || ' times' ELSE '1/' || fmt_num(pow(1000, -f.k_prev)) || ' of' END
                  || ' the previous year''s ' || f.prev_text
                  || CASE WHEN f.k_peer = f.k_prev AND f.n_peers >= $min_peers THEN ' and of the median of its ' || f.n_peers || ' peers' ELSE '' END
             ELSE CASE WHEN f.k_peer > 0 THEN fmt_num(pow(1000, f.k_peer)) || ' times' ELSE '1/' || fmt_num(pow(1000, -f.k_peer)) || ' of' END
                  || ' the median of its ' || f.n_peers || ' peers (' || fmt_num(round(f.med, 2)) || '), and no peer is within a factor of '
                  || fmt_num(round(pow(10, f.gap))) || ' of it'
        END AS message,
    'is it in ' || CASE WHEN coalesce(f.k_prev, f.k_peer) > 0 THEN 'a unit 1000 times smaller' ELSE 'a unit 1000 times larger' END
        || ' than ' || u.name || '?' AS hint,
    f.file,
    f.line,
    f.cell,
    CASE WHEN f.prev IS NOT NULL THEN [struct_pack(role := 'previous year', area := f.area, value := f.prev_text, file := f.prev_file, line := f.prev_line, cell := f.prev_cell)] END AS related
FROM flagged f
JOIN indicators i ON i.code = f.indicator
JOIN units u ON u.code = i.unit
--! counts
SELECT count(*) AS items FROM obs WHERE value > 0 AND class IN ('additive', 'per_capita', 'non_additive')
