--! id = "census.urban_rural"
--! severity = "error"
--! description = "Every area's population is its urban plus its rural population (the census splits every person into one of the two)"
WITH t AS (
    SELECT area, year, period, value, value_text, file, line, cell FROM obs WHERE indicator = 'population'
),
u AS (SELECT area, year, period, value, value_text, file, line, cell FROM obs WHERE indicator = 'population_urban'),
r AS (SELECT area, year, period, value, value_text, file, line, cell FROM obs WHERE indicator = 'population_rural')
SELECT
    t.area,
    'population' AS indicator,
    t.year,
    t.period,
    t.value AS observed,
    u.value + r.value AS expected,
    t.value - (u.value + r.value) AS difference,
    'population ' || t.value_text || ' is not urban ' || u.value_text || ' + rural ' || r.value_text
        || ' = ' || fmt_num(u.value + r.value) AS message,
    t.file,
    t.line,
    t.cell,
    [struct_pack(role := 'urban', area := u.area, value := u.value_text, file := u.file, line := u.line, cell := u.cell),
     struct_pack(role := 'rural', area := r.area, value := r.value_text, file := r.file, line := r.line, cell := r.cell)] AS related
FROM t
JOIN u ON u.area = t.area AND u.year = t.year AND u.period IS NOT DISTINCT FROM t.period
JOIN r ON r.area = t.area AND r.year = t.year AND r.period IS NOT DISTINCT FROM t.period
WHERE t.value <> u.value + r.value
--! counts
SELECT count(*) AS items FROM obs WHERE indicator = 'population' AND value IS NOT NULL
