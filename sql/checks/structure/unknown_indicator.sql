--! id = "structure.unknown_indicator"
--! severity = "error"
--! description = "Every observation's indicator is a declared indicator (by code or name); the closest one is suggested"
WITH unknown AS (
    SELECT DISTINCT indicator FROM observations WHERE indicator NOT IN (SELECT code FROM indicators)
),
best AS (
    SELECT u.indicator, arg_max(i.code, greatest(jaro_winkler_similarity(lower(u.indicator), lower(i.code)),
                                                 jaro_winkler_similarity(lower(u.indicator), lower(i.name)),
                                                 jaro_winkler_similarity(lower(u.indicator), lower(coalesce(i.name_en, ''))))) AS code,
           max(greatest(jaro_winkler_similarity(lower(u.indicator), lower(i.code)),
                        jaro_winkler_similarity(lower(u.indicator), lower(i.name)),
                        jaro_winkler_similarity(lower(u.indicator), lower(coalesce(i.name_en, ''))))) AS score
    FROM unknown u, indicators i
    GROUP BY u.indicator
)
SELECT
    o.area,
    o.indicator,
    o.year,
    o.period,
    'indicator ''' || o.indicator || ''' is not a declared indicator code or name' AS message,
    CASE WHEN b.score >= 0.8 THEN 'did you mean ' || b.code || ' (' || i.name || ')?' END AS hint,
    o.file,
    o.line,
    o.cell
FROM observations o
JOIN unknown u USING (indicator)
LEFT JOIN best b USING (indicator)
LEFT JOIN indicators i ON i.code = b.code
--! counts
SELECT count(*) AS items FROM observations
