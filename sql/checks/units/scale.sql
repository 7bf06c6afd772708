--! id = "units.scale"
--! severity = "error"
--! description = "A value is not off by a factor of 1000 (or 10^6, ...): against the same area's previous year, or, without one, against its peers at the same level when it stands apart from all of them: the mark of a value in the wrong unit"
--! [params]
--! log_tolerance = 0.15
--! min_peers = 4
--! min_gap = 2.0
--! [domains]
--! log_tolerance = { min = 0, max = 1 }
--! min_peers = { min = 1 }
--! min_gap = { min = 0 }
WITH
o AS NOT MATERIALIZED (
    SELECT o.area, o.indicator, o.year, o.period, CAST(o.value AS DOUBLE) AS v, o.rid,
           CASE WHEN o.prev_value > 0 THEN CAST(o.prev_value AS DOUBLE) END AS prev, o.prev_row
    FROM obs o
    -- Additive, per-capita and non-additive indicators, written as the classes left out, which DuckDB tests as
    -- it scans the table (a list of the classes kept is a filter of its own: about 0.2 s of CPU on L).
    WHERE o.value > 0 AND o.class NOT IN ('ratio', 'growth')
),
levels AS (SELECT DISTINCT code, CAST(level AS area_level) AS level FROM areas),
-- Against the previous year: a ratio of about 1000^k, k <> 0.
vs_prev AS MATERIALIZED (
    SELECT *, log10(v / prev) AS lr_prev FROM o
    WHERE prev IS NOT NULL AND round(log10(v / prev) / 3) <> 0
      AND abs(log10(v / prev) - 3 * round(log10(v / prev) / 3)) < $log_tolerance
),
previous AS (
    SELECT p.rowid AS prev_row, p.value_text AS prev_text, p.file AS prev_file, p.line AS prev_line, p.cell AS prev_cell,
           CASE WHEN p.prev_value > 0 THEN CAST(p.prev_value AS DOUBLE) END AS prev2
    FROM observations p WHERE p.rowid IN (SELECT prev_row FROM vs_prev)
),
-- Not the return to the level of two years ago after an error the year before.
prev_candidates AS MATERIALIZED (
    SELECT c.*, p.prev_text, p.prev_file, p.prev_line, p.prev_cell, l.level
    FROM vs_prev c
    JOIN previous p USING (prev_row)
    JOIN levels l ON l.code = c.area
    WHERE NOT (p.prev2 IS NOT NULL AND abs(log10(c.v / p.prev2)) < 0.5)
),
-- Without a previous year, against the peers at the same level.
no_prev AS MATERIALIZED (
    SELECT o.*, l.level FROM o JOIN levels l ON l.code = o.area WHERE o.prev IS NULL
),
-- The peer groups to look at: a few hundred at national size. Gathered into one list and unnested, so that
-- DuckDB knows them to be few and matches the millions of observations against them, instead of holding the
-- observations in a hash table (it cannot tell how few distinct keys a DISTINCT leaves).
groups AS (
    SELECT unnest(list(DISTINCT g), recursive := true) FROM (
        SELECT struct_pack(indicator, year, period, level) AS g FROM no_prev
        UNION ALL
        SELECT struct_pack(indicator, year, period, level) FROM prev_candidates
    )
),
members AS MATERIALIZED (
    SELECT o.*, l.level FROM o JOIN levels l ON l.code = o.area
    SEMI JOIN groups g ON g.indicator = o.indicator AND g.year = o.year AND g.period IS NOT DISTINCT FROM o.period AND g.level = l.level
),
peers AS (
    SELECT indicator, year, period, level, count(*) AS n, median(v) AS med
    FROM members GROUP BY ALL
),
peer_candidates AS MATERIALIZED (
    SELECT c.*, log10(c.v / g.med) AS lr_peer, g.n - 1 AS n_peers, g.med
    FROM no_prev c
    JOIN peers g ON g.indicator = c.indicator AND g.year = c.year AND g.period IS NOT DISTINCT FROM c.period AND g.level = c.level
    WHERE g.n - 1 >= $min_peers AND round(log10(c.v / g.med) / 3) <> 0
      AND abs(log10(c.v / g.med) - 3 * round(log10(c.v / g.med) / 3)) < $log_tolerance
),
-- Without a previous year, a value is only suspect when it stands apart: no peer within min_gap decades.
gaps AS (
    SELECT c.area, c.indicator, c.year, c.period, min(abs(log10(c.v / x.v))) AS gap
    FROM peer_candidates c
    JOIN members x ON x.indicator = c.indicator AND x.year = c.year AND x.period IS NOT DISTINCT FROM c.period AND x.level = c.level AND x.area <> c.area
    GROUP BY ALL
),
flagged_keys AS (
    SELECT c.*, g.n - 1 AS n_peers, g.med, log10(c.v / g.med) AS lr_peer, NULL AS gap,
           round(c.lr_prev / 3) AS k_prev, round(log10(c.v / g.med) / 3) AS k_peer
    FROM prev_candidates c
    LEFT JOIN peers g ON g.indicator = c.indicator AND g.year = c.year AND g.period IS NOT DISTINCT FROM c.period AND g.level = c.level
    UNION ALL BY NAME
    SELECT c.*, NULL AS lr_prev, g.gap, NULL AS k_prev, round(c.lr_peer / 3) AS k_peer
    FROM peer_candidates c
    JOIN gaps g ON g.area = c.area AND g.indicator = c.indicator AND g.year = c.year AND g.period IS NOT DISTINCT FROM c.period
    WHERE g.gap >= $min_gap
),
flagged AS (
    SELECT f.*, t.value_text, t.file, t.line, t.cell
    FROM flagged_keys f
    JOIN (SELECT rowid AS rid, value_text, file, line, cell FROM observations
          WHERE rowid IN (SELECT rid FROM flagged_keys)) t USING (rid)
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
SELECT count(*) AS items FROM obs WHERE value > 0 AND class NOT IN ('ratio', 'growth')
