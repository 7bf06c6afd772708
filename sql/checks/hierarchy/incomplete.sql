--! id = "hierarchy.incomplete"
--! severity = "warning"
--! description = "A parent whose children reported only in part: the missing children named, and what the parent leaves for them (hierarchy.sum gives such a group no verdict in its default mode)"
WITH
fanout AS (
    SELECT parent, year, period, count(*) AS n_children FROM tree GROUP BY ALL
),
-- Groups where some children reported a number and others nothing, or a placeholder ('..'). A group none of
-- whose children reported is an indicator not collected at that level, not a gap.
partial AS (
    SELECT s.parent, s.indicator, s.year, s.period, s.n_present - s.n_null AS n_present, s.child_sum, f.n_children,
           CASE WHEN i.exact THEN 0 ELSE coalesce(s.child_rounding, 0) END AS child_rounding,
           i.exact, i.relation, i.name AS indicator_name
    FROM child_sums s
    JOIN fanout f ON f.parent = s.parent AND f.year = s.year AND f.period IS NOT DISTINCT FROM s.period
    JOIN indicators i ON i.code = s.indicator
    WHERE i.class = 'additive' AND s.n_present - s.n_null < f.n_children AND s.n_present > s.n_null
),
-- The parent's own value leaves more than rounding for the missing children. Less than the present
-- children's sum is hierarchy.sum's error, reported in every mode.
gaps AS (
    SELECT p.*, o.value AS parent_value, o.value - p.child_sum AS gap, o.rid,
           p.child_rounding + CASE WHEN p.exact THEN 0 ELSE half_unit(o.decimals) END AS tol
    FROM partial p
    JOIN obs o ON o.area = p.parent AND o.indicator = p.indicator AND o.year = p.year
              AND o.period IS NOT DISTINCT FROM p.period
    WHERE o.value IS NOT NULL
),
flagged AS MATERIALIZED (
    SELECT * FROM gaps WHERE gap > tol
),
kids AS (
    SELECT f.parent, f.indicator, f.year, f.period, t.child, c.rid, c.value IS NOT NULL AS present
    FROM flagged f
    JOIN tree t ON t.parent = f.parent AND t.year = f.year AND t.period IS NOT DISTINCT FROM f.period
    LEFT JOIN (SELECT area, indicator, year, period, rid, value FROM obs) c ON c.area = t.child AND c.indicator = f.indicator AND c.year = f.year
                   AND c.period IS NOT DISTINCT FROM f.period
),
placed AS (
    SELECT rowid AS rid, value_text, file, line, cell
    FROM observations WHERE rowid IN (SELECT rid FROM flagged UNION ALL SELECT rid FROM kids)
),
listed AS (
    SELECT k.parent, k.indicator, k.year, k.period,
        list(struct_pack(role := CASE WHEN k.present THEN 'child' ELSE 'missing child' END, area := k.child,
                         value := coalesce(pl.value_text, 'not reported'), file := pl.file, line := pl.line, cell := pl.cell)
             ORDER BY k.child) AS related,
        list(k.child ORDER BY k.child) FILTER (WHERE NOT k.present) AS missing
    FROM kids k LEFT JOIN placed pl ON pl.rid = k.rid
    GROUP BY ALL
)
SELECT
    f.parent AS area,
    f.indicator,
    f.year,
    f.period,
    f.parent_value AS observed,
    f.child_sum AS expected,
    f.gap AS difference,
    f.tol AS tolerance,
    CASE WHEN f.tol = 0 THEN 'exact' ELSE 'rounding' END AS tolerance_source,
    f.indicator_name || ': ' || len(l.missing) || ' of ' || f.n_children || ' children did not report ('
        || array_to_string(l.missing, ', ') || '); the ' || f.n_present || ' that did sum to ' || fmt_num(f.child_sum)
        || ', and the parent''s ' || pl.value_text || ' leaves ' || fmt_num(f.gap)
        || CASE WHEN f.relation = '>=' THEN ' at most' ELSE '' END || ' for '
        || CASE WHEN len(l.missing) = 1 THEN 'it' ELSE 'them' END AS message,
    CASE WHEN len(l.missing) = 1 THEN 'ask ' || l.missing[1] || ' for its value (' || fmt_num(f.gap) || ' by the parent''s total), or check that the total is not counting an area that does not belong to it'
         ELSE 'ask the children that did not report for their values, or check that the total is not counting areas that do not belong to it' END AS hint,
    pl.file,
    pl.line,
    pl.cell,
    l.related
FROM flagged f
JOIN placed pl ON pl.rid = f.rid
JOIN listed l ON l.parent = f.parent AND l.indicator = f.indicator AND l.year = f.year
             AND l.period IS NOT DISTINCT FROM f.period
--! counts
WITH fanout AS (SELECT parent, year, period, count(*) AS n_children FROM tree GROUP BY ALL)
SELECT count(*) AS items
FROM child_sums s
JOIN indicators i ON i.code = s.indicator AND i.class = 'additive'
JOIN fanout f ON f.parent = s.parent AND f.year = s.year AND f.period IS NOT DISTINCT FROM s.period
