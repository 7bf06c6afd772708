--! id = "budget.net_revenue"
--! severity = "error"
--! description = "net_trans is total_rev − total_exp, as the source defines it, within the rounding of the three printed values"
WITH
n AS (SELECT area, year, period, value, value_text, decimals, file, line, cell FROM obs WHERE indicator = 'net_trans' AND value IS NOT NULL),
r AS (SELECT area, year, period, value, value_text, decimals, file, line, cell FROM obs WHERE indicator = 'total_rev' AND value IS NOT NULL),
e AS (SELECT area, year, period, value, value_text, decimals, file, line, cell FROM obs WHERE indicator = 'total_exp' AND value IS NOT NULL),
j AS (
    SELECT n.*, r.value AS rev, r.value_text AS rev_text, e.value AS exp, e.value_text AS exp_text,
           half_unit(n.decimals) + half_unit(r.decimals) + half_unit(e.decimals) AS tolerance,
           [struct_pack(role := 'total_rev', area := r.area, value := r.value_text, file := r.file, line := r.line, cell := r.cell),
            struct_pack(role := 'total_exp', area := e.area, value := e.value_text, file := e.file, line := e.line, cell := e.cell)] AS related
    FROM n
    JOIN r ON r.area = n.area AND r.year = n.year AND r.period IS NOT DISTINCT FROM n.period
    JOIN e ON e.area = n.area AND e.year = n.year AND e.period IS NOT DISTINCT FROM n.period
)
SELECT
    area,
    'net_trans' AS indicator,
    year,
    period,
    value AS observed,
    rev - exp AS expected,
    value - (rev - exp) AS difference,
    tolerance,
    'rounding' AS tolerance_source,
    'net_trans ' || value_text || ' is not total_rev ' || rev_text || ' − total_exp ' || exp_text || ' = ' || fmt_num(rev - exp) AS message,
    'correct net_trans, or the revenue or expenditure it is computed from' AS hint,
    file,
    line,
    cell,
    related
FROM j
WHERE abs(value - (rev - exp)) > tolerance
--! counts
SELECT count(*) AS items FROM obs WHERE indicator = 'net_trans' AND value IS NOT NULL
