--! id = "budget.transfer_parts"
--! severity = "error"
--! description = "Transfers for major investment projects (project_trans) are a part of the targeted transfers (target_trans): never larger"
WITH
p AS (SELECT area, year, period, value, value_text, file, line, cell FROM obs WHERE indicator = 'project_trans' AND value IS NOT NULL),
t AS (SELECT area, year, period, value, value_text, file, line, cell FROM obs WHERE indicator = 'target_trans' AND value IS NOT NULL)
SELECT
    p.area,
    'project_trans' AS indicator,
    p.year,
    p.period,
    p.value AS observed,
    t.value AS expected,
    p.value - t.value AS difference,
    'project_trans ' || p.value_text || ' is larger than target_trans ' || t.value_text || ', of which it is a part' AS message,
    'check which column each value was taken from' AS hint,
    p.file,
    p.line,
    p.cell,
    [struct_pack(role := 'target_trans', area := t.area, value := t.value_text, file := t.file, line := t.line, cell := t.cell)] AS related
FROM p
JOIN t ON t.area = p.area AND t.year = p.year AND t.period IS NOT DISTINCT FROM p.period
WHERE p.value > t.value
--! counts
SELECT count(*) AS items FROM obs p JOIN obs t ON t.area = p.area AND t.year = p.year AND t.period IS NOT DISTINCT FROM p.period
WHERE p.indicator = 'project_trans' AND t.indicator = 'target_trans' AND p.value IS NOT NULL AND t.value IS NOT NULL
