--! id = "structure.duplicate"
--! severity = "error"
--! description = "Each area, indicator, year and period is reported once; every copy is shown and the first is used by the other checks"
WITH copies AS (
    SELECT o.*, o.rowid AS rid,
           count(*) OVER k AS n,
           row_number() OVER (k ORDER BY o.rowid) AS copy,
           first(o.value) OVER (k ORDER BY o.rowid) AS first_value,
           first(o.file) OVER (k ORDER BY o.rowid) AS first_file,
           first(o.line) OVER (k ORDER BY o.rowid) AS first_line,
           first(o.cell) OVER (k ORDER BY o.rowid) AS first_cell,
           first(o.value_text) OVER (k ORDER BY o.rowid) AS first_text
    FROM observations o
    WHERE o.rowid IN (SELECT rid FROM duplicate_rows)
       OR (o.area, o.indicator, o.year, coalesce(o.period, '')) IN (
            SELECT (d.area, d.indicator, d.year, coalesce(d.period, '')) FROM observations d WHERE d.rowid IN (SELECT rid FROM duplicate_rows))
    WINDOW k AS (PARTITION BY o.area, o.indicator, o.year, o.period)
)
SELECT
    area,
    indicator,
    year,
    period,
    value AS observed,
    first_value AS expected,
    'reported ' || n || ' times; this copy (' || value_text || ') is not used, the first one (' || first_text || ') is'
        || CASE WHEN value IS NOT DISTINCT FROM first_value THEN ', with the same value' ELSE ', with a different value' END AS message,
    CASE WHEN value IS NOT DISTINCT FROM first_value THEN 'delete the repeated row' ELSE 'keep the right value and delete the other' END AS hint,
    file,
    line,
    cell,
    [struct_pack(role := 'first copy', area := area, value := first_text, file := first_file, line := first_line, cell := first_cell)] AS related
FROM copies
WHERE copy > 1
--! counts
SELECT count(*) AS items FROM observations
