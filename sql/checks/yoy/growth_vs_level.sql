--! id = "yoy.growth_vs_level"
--! severity = "error"
--! description = "A published growth rate agrees with the growth of the level series it describes, (v_t / v_t-1 - 1) × 100, within the rounding of the printed values"
--! [params]
--! abs_tolerance = 0.0
WITH g AS (
    SELECT code AS indicator, name, base FROM indicators WHERE class = 'growth' AND base IS NOT NULL
),
calc AS (
    SELECT x.area, g.indicator, x.year, x.period, g.name, x.value AS published, x.value_text, x.decimals, x.file, x.line, x.cell,
           c.value AS level_now, c.value_text AS now_text, c.decimals AS now_decimals, c.area AS now_area,
           c.file AS now_file, c.line AS now_line, c.cell AS now_cell,
           c.prev_value AS level_prev, c.prev_row,
           (CAST(c.value AS DOUBLE) / CAST(c.prev_value AS DOUBLE) - 1) * 100 AS computed
    FROM g
    JOIN obs x ON x.indicator = g.indicator AND x.value IS NOT NULL
    JOIN obs c ON c.indicator = g.base AND c.area = x.area AND c.year = x.year AND c.period IS NOT DISTINCT FROM x.period
              AND c.value IS NOT NULL AND c.prev_value > 0
),
-- Rounding of the published rate and of the current level carried through the ratio: a lower bound of the
-- tolerance, which only the rows beyond it need completed with the previous level's rounding.
beyond AS MATERIALIZED (
    SELECT * FROM calc
    WHERE abs(CAST(published AS DOUBLE) - computed) > CAST(half_unit(decimals) AS DOUBLE)
              + 100 * CAST(half_unit(now_decimals) AS DOUBLE) / CAST(level_prev AS DOUBLE)
      AND abs(CAST(published AS DOUBLE) - computed) > $abs_tolerance
),
tol AS (
    SELECT b.*, p.value_text AS prev_text,
        greatest(CAST(half_unit(b.decimals) AS DOUBLE)
            + 100 * (CAST(half_unit(b.now_decimals) AS DOUBLE) / CAST(b.level_prev AS DOUBLE)
                     + CAST(b.level_now AS DOUBLE) * CAST(half_unit(p.decimals) AS DOUBLE) / pow(CAST(b.level_prev AS DOUBLE), 2)),
            $abs_tolerance) AS tolerance,
        [struct_pack(role := 'level ' || b.year, area := b.now_area, value := b.now_text, file := b.now_file, line := b.now_line, cell := b.now_cell),
         struct_pack(role := 'level ' || (b.year - 1), area := p.area, value := p.value_text, file := p.file, line := p.line, cell := p.cell)] AS related
    FROM beyond b
    JOIN (SELECT rowid AS prev_row, area, value_text, decimals, file, line, cell
          FROM observations WHERE rowid IN (SELECT prev_row FROM beyond)) p USING (prev_row)
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
