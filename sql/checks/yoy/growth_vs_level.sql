--! id = "yoy.growth_vs_level"
--! severity = "error"
--! description = "A published growth rate agrees with the growth of the level series it describes, (v_t / v_t-1 - 1) × 100, within the rounding of the printed values"
--! [params]
--! abs_tolerance = 0.0
--! [domains]
--! abs_tolerance = { min = 0 }
WITH g AS (
    SELECT code AS indicator, name, base FROM indicators WHERE class = 'growth' AND base IS NOT NULL
),
-- Rates and levels, narrow: only the level indicators' rows are matched, and the printed texts and places
-- are looked up for the rows beyond the bound only.
calc AS (
    SELECT x.area, g.indicator, x.year, x.period, g.name, x.value AS published, x.decimals, x.rid,
           c.value AS level_now, c.decimals AS now_decimals, c.rid AS now_rid,
           c.prev_value AS level_prev, c.prev_row,
           (CAST(c.value AS DOUBLE) / CAST(c.prev_value AS DOUBLE) - 1) * 100 AS computed
    FROM g
    JOIN obs x ON x.indicator = g.indicator AND x.value IS NOT NULL
    JOIN (SELECT area, indicator, year, period, value, decimals, rid, prev_value, prev_row
          FROM obs WHERE indicator IN (SELECT base FROM g) AND value IS NOT NULL AND prev_value > 0) c
      ON c.indicator = g.base AND c.area = x.area AND c.year = x.year AND c.period IS NOT DISTINCT FROM x.period
),
-- Rounding of the published rate and of the current level carried through the ratio: a lower bound of the
-- tolerance, which only the rows beyond it need completed with the previous level's rounding.
beyond AS MATERIALIZED (
    SELECT * FROM calc
    WHERE abs(CAST(published AS DOUBLE) - computed) > CAST(half_unit(decimals) AS DOUBLE)
              + 100 * CAST(half_unit(now_decimals) AS DOUBLE) / CAST(level_prev AS DOUBLE)
      AND abs(CAST(published AS DOUBLE) - computed) > $abs_tolerance
),
placed AS (
    SELECT rowid AS rid, area, value_text, decimals, file, line, cell FROM observations
    WHERE rowid IN (SELECT rid FROM beyond UNION ALL SELECT now_rid FROM beyond UNION ALL SELECT prev_row FROM beyond)
),
tol AS (
    SELECT b.*, t.value_text, t.file, t.line, t.cell, n.value_text AS now_text, p.value_text AS prev_text,
        greatest(CAST(half_unit(b.decimals) AS DOUBLE)
            + 100 * (CAST(half_unit(b.now_decimals) AS DOUBLE) / CAST(b.level_prev AS DOUBLE)
                     + CAST(b.level_now AS DOUBLE) * CAST(half_unit(p.decimals) AS DOUBLE) / pow(CAST(b.level_prev AS DOUBLE), 2)),
            $abs_tolerance) AS tolerance,
        [struct_pack(role := 'level ' || b.year, area := n.area, value := n.value_text, file := n.file, line := n.line, cell := n.cell),
         struct_pack(role := 'level ' || (b.year - 1), area := p.area, value := p.value_text, file := p.file, line := p.line, cell := p.cell)] AS related
    FROM beyond b
    JOIN placed t ON t.rid = b.rid
    JOIN placed n ON n.rid = b.now_rid
    JOIN placed p ON p.rid = b.prev_row
)
SELECT
    area,
    indicator,
    year,
    period,
    published AS observed,
    round(computed, 4) AS expected,
    round(CAST(published AS DOUBLE) - computed, 4) AS difference,
    round(tolerance, 4) AS tolerance,
    CASE WHEN tolerance = $abs_tolerance THEN 'absolute' ELSE 'rounding' END AS tolerance_source,
    name || ': the published ' || value_text || ' % does not match the level series, '
        || prev_text || ' → ' || now_text || ' = ' || CASE WHEN computed >= 0 THEN '+' ELSE '' END || fmt_num(round(computed, 2)) || ' %' AS message,
    CASE WHEN abs(CAST(published AS DOUBLE) - (computed + 100)) <= tolerance THEN 'the rate looks published as an index (previous year = 100)'
         ELSE 'correct the growth rate or the level it is computed from' END AS hint,
    file,
    line,
    cell,
    related
FROM tol
WHERE abs(CAST(published AS DOUBLE) - computed) > tolerance
--! counts
SELECT count(*) AS items FROM obs x JOIN indicators i ON i.code = x.indicator WHERE i.class = 'growth' AND i.base IS NOT NULL AND x.value IS NOT NULL
