--! id = "structure.unknown_area"
--! severity = "error"
--! description = "Every observation's area code is a declared area; the closest declared code is suggested"
SELECT
    o.area,
    o.indicator,
    o.year,
    o.period,
    'area code ''' || o.area || ''' is not a declared area' AS message,
    CASE
        WHEN s.code IS NOT NULL AND lpad(o.area, CAST(length(s.code) AS INTEGER), '0') = s.code
            THEN 'did you mean ' || s.code || ' (' || s.name || ')? Leading zeros are lost when a spreadsheet stores codes as numbers'
        WHEN s.code IS NOT NULL THEN 'did you mean ' || s.code || ' (' || s.name || ')?'
    END AS hint,
    o.file,
    o.line,
    o.cell
FROM observations o
LEFT JOIN LATERAL (
    SELECT a.code, a.name
    FROM areas a
    WHERE lpad(o.area, CAST(length(a.code) AS INTEGER), '0') = a.code OR levenshtein(o.area, a.code) <= 1
    ORDER BY lpad(o.area, CAST(length(a.code) AS INTEGER), '0') = a.code DESC, levenshtein(o.area, a.code), a.code
    LIMIT 1
) s ON true
WHERE o.area NOT IN (SELECT code FROM areas)
--! counts
SELECT count(*) AS items FROM observations
