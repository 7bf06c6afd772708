--! id = "structure.unknown_area"
--! severity = "error"
--! description = "Every observation's area code is a declared area; the closest declared code is suggested"
WITH unknown AS (
    SELECT DISTINCT area FROM observations WHERE area NOT IN (SELECT code FROM areas)
),
-- For each unknown code, the declared code it most likely means: the same code with its leading zeros
-- restored, or one edit away.
suggestion AS (
    SELECT u.area, s.code, s.name, s.zeros
    FROM unknown u
    LEFT JOIN LATERAL (
        SELECT a.code, any_value(a.name) AS name,
               length(u.area) < length(a.code) AND lpad(u.area, CAST(length(a.code) AS INTEGER), '0') = a.code AS zeros
        FROM areas a
        WHERE (length(u.area) < length(a.code) AND lpad(u.area, CAST(length(a.code) AS INTEGER), '0') = a.code)
           OR levenshtein(u.area, a.code) <= 1
        GROUP BY a.code, zeros
        ORDER BY zeros DESC, levenshtein(u.area, a.code), a.code
        LIMIT 1
    ) s ON true
)
SELECT
    o.area,
    o.indicator,
    o.year,
    o.period,
    'area code ''' || o.area || ''' is not a declared area' AS message,
    CASE
        WHEN s.zeros THEN 'did you mean ' || s.code || ' (' || s.name || ')? Leading zeros are lost when a spreadsheet stores codes as numbers'
        WHEN s.code IS NOT NULL THEN 'did you mean ' || s.code || ' (' || s.name || ')?'
    END AS hint,
    o.file,
    o.line,
    o.cell
FROM observations o
JOIN suggestion s ON s.area = o.area
--! counts
SELECT count(*) AS items FROM observations
