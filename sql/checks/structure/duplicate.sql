--! id = "structure.duplicate"
--! severity = "error"
--! description = "Each area, indicator, year and period is reported once; every copy is shown and the first is used by the other checks"
WITH copies AS (
    SELECT * FROM observations WHERE duplicate_of IS NOT NULL
),
firsts AS (
    SELECT o.rowid AS duplicate_of, o.value AS first_value, o.value_text AS first_text, o.file AS first_file,
           o.line AS first_line, o.cell AS first_cell
    FROM observations o
    WHERE o.rowid IN (SELECT duplicate_of FROM copies)
),
counts AS (
    SELECT duplicate_of, count(*) + 1 AS n FROM copies GROUP BY ALL
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
JOIN firsts USING (duplicate_of)
JOIN counts USING (duplicate_of)
--! counts
SELECT count(*) AS items FROM observations
