--! id = "yoy.growth"
--! severity = "warning"
--! description = "Year-on-year change stays within the indicator's bounds: percentage points for values in % or ‰ (rates, growth rates), percent change for every other value, levels, densities and per-capita amounts alike (both years positive, or a fall to zero); defaults apply where the manifest sets none, except to non-additive indicators (indices, shares fixed by law), which have only their own"
--! [params]
--! default_min = -50.0
--! default_max = 100.0
--! default_pp = 10.0
--! [domains]
--! default_min = { min = -100 }
--! default_max = { min = 0 }
--! default_pp = { min = 0 }
WITH pairs AS (
    SELECT o.area, o.indicator, o.year, o.period, o.value, o.rid, o.class,
           o.prev_value AS prev, o.prev_row, i.name, i.unit, i.yoy_min, i.yoy_max,
           -- Percentage points are for values that are percentages; a density or an amount per person
           -- changes by a percent of itself. Non-additive indicators are checked too: they are not summed
           -- across areas, but a jump is still a jump.
           o.class = 'growth' OR i.unit IN ('percent', 'permille') AS is_rate
    FROM obs o JOIN indicators i ON i.code = o.indicator
    WHERE o.value IS NOT NULL AND o.prev_value IS NOT NULL
),
change AS (
    SELECT *,
        -- Growth of a level is defined between positive values (a fall to zero is -100 %); a change of sign
        -- is no growth rate.
        CASE WHEN is_rate THEN CAST(value - prev AS DOUBLE)
             WHEN prev > 0 AND value >= 0 THEN (CAST(value AS DOUBLE) / CAST(prev AS DOUBLE) - 1) * 100 END AS delta,
        -- A non-additive indicator (an index, a share fixed by law) has no default bound: only its own.
        CASE WHEN class = 'non_additive' THEN yoy_min WHEN is_rate THEN coalesce(yoy_min, -$default_pp) ELSE coalesce(yoy_min, $default_min) END AS lo,
        CASE WHEN class = 'non_additive' THEN yoy_max WHEN is_rate THEN coalesce(yoy_max, $default_pp) ELSE coalesce(yoy_max, $default_max) END AS hi
    FROM pairs
),
flagged AS MATERIALIZED (
    SELECT * FROM change WHERE delta < lo OR delta > hi
),
-- Where this and the previous year's values were printed, for the flagged rows only.
placed AS (
    SELECT rowid AS rid, value_text, file, line, cell
    FROM observations WHERE rowid IN (SELECT rid FROM flagged UNION ALL SELECT prev_row FROM flagged)
)
SELECT
    area,
    indicator,
    year,
    period,
    value AS observed,
    prev AS previous,
    round(delta, 2) AS difference,
    name || ': ' || prev_text || ' → ' || value_text || ', a change of '
        || CASE WHEN delta >= 0 THEN '+' ELSE '' END || fmt_num(round(delta, 1))
        || CASE WHEN is_rate THEN ' percentage points' ELSE ' %' END
        || ', outside ' || coalesce(fmt_num(lo), '…') || ' … ' || coalesce(fmt_num(hi), '…') || CASE WHEN is_rate THEN ' pp' ELSE ' %' END AS message,
    CASE WHEN NOT is_rate AND value = 0 THEN 'the value fell to 0: not reported, or a real stop?'
         WHEN NOT is_rate AND abs(abs(log10(CAST(value AS DOUBLE) / CAST(prev AS DOUBLE))) - 3) < 0.15
             THEN 'a factor of ' || CASE WHEN value > prev THEN '1000' ELSE '1/1000' END || ': a unit error?'
         ELSE 'confirm the value with the reporting unit; real jumps happen' END AS hint,
    file,
    line,
    cell,
    [struct_pack(role := 'previous year', area := area, value := prev_text, file := prev_file, line := prev_line, cell := prev_cell)] AS related
FROM (
    SELECT f.*, c.value_text, c.file, c.line, c.cell,
           p.value_text AS prev_text, p.file AS prev_file, p.line AS prev_line, p.cell AS prev_cell
    FROM flagged f JOIN placed c ON c.rid = f.rid JOIN placed p ON p.rid = f.prev_row
)
--! counts
SELECT count(*) AS items FROM obs WHERE value IS NOT NULL AND prev_value IS NOT NULL
