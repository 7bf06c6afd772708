--! id = "yoy.swapped"
--! severity = "warning"
--! description = "Two areas under one parent whose values look exchanged: each is far from what its siblings' growth predicts, and close to what was predicted for the other or equal to the other's previous value"
--! [params]
--! min_change = 0.15
--! match = 0.05
--! [domains]
--! min_change = { min = 0 }
--! match = { min = 0, max = 1 }
-- The year-on-year pairs, narrow (each row's parent and level in the tree are stored with it), and the rest
-- of a finding's rows is looked up by rowid. At national size there are millions: rather than stored, they
-- are read twice, for the siblings' growth and for the departures from it, and of the second pass only the
-- pairs off by enough to count are kept.
WITH pairs AS NOT MATERIALIZED (
    SELECT o.rid, o.area, o.indicator, o.year, o.period, CAST(o.value AS DOUBLE) AS x,
           CAST(o.prev_value AS DOUBLE) AS x_prev, o.parent, o.level
    FROM obs o
    -- Levels: the additive, per-capita and ratio indicators, written as the classes left out, which DuckDB
    -- tests as it scans the table (a list of the classes kept is a filter of its own: about 0.2 s of CPU a
    -- pass on L).
    WHERE o.parent IS NOT NULL AND o.value > 0 AND o.prev_value > 0 AND o.class NOT IN ('growth', 'non_additive')
),
-- How the siblings grew (median): what an area's value should be this year.
growth AS MATERIALIZED (
    SELECT parent, indicator, year, period, median(x / x_prev) AS g FROM pairs GROUP BY ALL
),
-- One more pass over the pairs, with their siblings' growth: how much growth usually differs between the
-- areas of the level (median absolute deviation, in logs), which says how far off is unusual; and the pairs
-- off by more than the least limit, the only ones that can be off by enough. On noisy data these are many (a
-- third of the pairs of vn-budget-2006-2015), so each is kept as its row id and departure only.
departures AS MATERIALIZED (
    SELECT p.level, p.indicator, p.year, p.period, median(abs(ln(p.x / p.x_prev) - ln(g.g))) AS spread,
           list(struct_pack(rid := CAST(p.rid AS UINTEGER), off := abs(ln(p.x / (p.x_prev * g.g)))))
               FILTER (WHERE abs(ln(p.x / (p.x_prev * g.g))) > ln(1 + $min_change)) AS candidates
    FROM pairs p
    JOIN growth g ON g.parent = p.parent AND g.indicator = p.indicator AND g.year = p.year AND g.period IS NOT DISTINCT FROM p.period
    GROUP BY ALL
),
-- Areas far from their expected value, for this indicator: a swap moves both (two similar values exchanged
-- are invisible, and harmless to the totals). Where growth varies a lot between siblings, only an extreme
-- departure counts.
far AS MATERIALIZED (
    SELECT d.level, d.indicator, d.year, d.period, c.rid
    FROM (SELECT level, indicator, year, period, spread, unnest(candidates) AS c FROM departures WHERE len(candidates) > 0) d
    WHERE c.off > greatest(ln(1 + $min_change), 4 * d.spread)
),
-- Their values and expected values.
moved AS MATERIALIZED (
    SELECT o.rid, o.area, f.indicator, f.year, f.period, CAST(o.value AS DOUBLE) AS x,
           CAST(o.prev_value AS DOUBLE) AS x_prev, o.parent, f.level, CAST(o.prev_value AS DOUBLE) * g.g AS x_exp
    FROM far f
    JOIN (SELECT rowid AS rid, area, parent, value, prev_value FROM observations WHERE rowid IN (SELECT rid FROM far)) o
      ON o.rid = f.rid
    JOIN growth g ON g.parent = o.parent AND g.indicator = f.indicator AND g.year = f.year AND g.period IS NOT DISTINCT FROM f.period
),
-- Pairs whose values fit each other's expected values closely, or equal each other's previous values (small
-- counts grow by whole units or not at all: 7 and 12 exchanged, against a median growth of 10 %), and explain
-- both changes far better.
fits AS (
    SELECT a.*, b.area AS b_area, b.x AS b_x, b.x_prev AS b_prev, b.rid AS b_rid,
           CASE WHEN a.x = b.x_prev THEN 0 ELSE abs(ln(a.x / b.x_exp)) END AS fit_a,
           CASE WHEN b.x = a.x_prev THEN 0 ELSE abs(ln(b.x / a.x_exp)) END AS fit_b,
           abs(ln(a.x / a.x_exp)) + abs(ln(b.x / b.x_exp)) AS own
    FROM moved a
    JOIN moved b ON b.parent = a.parent AND b.indicator = a.indicator AND b.year = a.year AND b.period IS NOT DISTINCT FROM a.period AND a.area < b.area
),
swaps AS MATERIALIZED (
    SELECT * EXCLUDE (fit_a, fit_b, own), fit_a + fit_b AS miss
    FROM fits
    WHERE fit_a < ln(1 + $match) AND fit_b < ln(1 + $match) AND fit_a + fit_b < own / 3
),
-- Among many siblings chance matches happen: keep a pair only when each is the other's best match.
mutual AS (
    SELECT * FROM swaps s
    WHERE miss = (SELECT min(miss) FROM swaps o WHERE o.indicator = s.indicator AND o.year = s.year AND o.period IS NOT DISTINCT FROM s.period
                  AND (o.area IN (s.area, s.b_area) OR o.b_area IN (s.area, s.b_area)))
),
-- A pair exchanged the year before is exchanged back now: that year's finding is the one to act on.
kept AS MATERIALIZED (
    SELECT * FROM mutual a
    WHERE NOT EXISTS (
        SELECT 1 FROM swaps e
        WHERE e.area = a.area AND e.b_area = a.b_area AND e.indicator = a.indicator AND e.year = a.year - 1 AND e.period IS NOT DISTINCT FROM a.period
    )
),
-- Both years' values as printed, and where.
current AS (
    SELECT rowid AS rid, prev_row, value_text, file, line, cell FROM observations
    WHERE rowid IN (SELECT rid FROM kept UNION ALL SELECT b_rid FROM kept)
),
previous AS (
    SELECT rowid AS rid, value_text FROM observations WHERE rowid IN (SELECT prev_row FROM current)
)
SELECT
    a.area,
    a.indicator,
    a.year,
    a.period,
    a.x AS observed,
    a.x_prev AS previous,
    a.b_prev AS expected,
    i.name || ': ' || a.area || ' and ' || a.b_area || ' look swapped: ' || a.area || ' went ' || pa.value_text || ' → ' || ta.value_text
        || ' and ' || a.b_area || ' went ' || pb.value_text || ' → ' || tb.value_text
        || '; exchanged, each would grow like their siblings' AS message,
    'exchange the values of ' || a.area || ' and ' || a.b_area || ' if they were entered in each other''s row' AS hint,
    ta.file,
    ta.line,
    ta.cell,
    [struct_pack(role := 'swapped with', area := a.b_area, value := tb.value_text, file := tb.file, line := tb.line, cell := tb.cell)] AS related
FROM kept a
JOIN current ta ON ta.rid = a.rid
JOIN current tb ON tb.rid = a.b_rid
JOIN previous pa ON pa.rid = ta.prev_row
JOIN previous pb ON pb.rid = tb.prev_row
JOIN indicators i ON i.code = a.indicator
--! counts
SELECT count(*) AS items FROM obs WHERE value > 0 AND class NOT IN ('growth', 'non_additive')
