--! id = "hierarchy.sum"
--! severity = "error"
--! description = "For additive indicators, a parent area's value equals the sum of its children's (at least the sum for '>=' indicators) within the rounding of the printed values (exactly for exact counts), at every level of the area tree valid in the year"
--! not_evaluated = "groups in which a child or the parent did not report: no verdict in the default mode non_null (hierarchy.incomplete names the missing children where the parent leaves a gap; --param hierarchy.sum.mode=partial_null checks the children present)"
--! [params]
--! mode = "non_null"
--! rel_tolerance = 0.0
--! abs_tolerance = 0.0
--! [domains]
--! mode = ["non_null", "non_zero", "partial_null", "partial_zero", "always_null", "always_zero"]
--! rel_tolerance = { min = 0, max = 1 }
--! abs_tolerance = { min = 0 }
WITH
-- How many children each parent has in each period.
fanout AS (
    SELECT parent, year, period, count(*) AS n_children FROM tree GROUP BY ALL
),
-- The children that reported, per parent, indicator and period (summed once, in the prelude's child_sums).
-- An exact count carries no rounding.
sums AS (
    SELECT s.parent, s.indicator, s.year, s.period, s.n_present, s.n_null, s.child_sum,
           CASE WHEN i.exact THEN 0 ELSE coalesce(s.child_rounding, 0) END AS child_rounding,
           s.child_nonzero, s.children_nonnegative
    FROM child_sums s JOIN indicators i ON i.code = s.indicator
    WHERE i.class = 'additive'
),
-- The parents' own observations, narrow: the printed texts and places are looked up for failing groups only.
parents AS (
    SELECT o.area AS parent, o.indicator, o.year, o.period, o.value AS parent_value,
           CASE WHEN i.exact THEN NULL ELSE o.decimals END AS parent_decimals, o.rid
    FROM obs o JOIN (SELECT code, exact FROM indicators) i ON i.code = o.indicator
    SEMI JOIN fanout f ON f.parent = o.area AND f.year = o.year AND f.period IS NOT DISTINCT FROM o.period
    WHERE o.class = 'additive'
),
-- Groups: a parent, an indicator and a period in which the parent or one of its children reported.
evaluated AS (
    SELECT g.*, f.n_children, i.relation, i.name AS indicator_name,
           $mode IN ('non_zero', 'partial_zero', 'always_zero') AS missing_is_zero
    FROM (
        SELECT coalesce(s.parent, p.parent) AS parent, coalesce(s.indicator, p.indicator) AS indicator,
               coalesce(s.year, p.year) AS year, coalesce(s.period, p.period) AS period,
               coalesce(s.n_present, 0) AS n_present, coalesce(s.n_null, 0) AS n_null, s.child_sum,
               coalesce(s.child_rounding, 0) AS child_rounding, s.child_nonzero, s.children_nonnegative,
               p.parent_value, p.parent_decimals, p.rid,
               p.parent IS NOT NULL AS parent_present
        FROM sums s
        FULL JOIN parents p ON p.parent = s.parent AND p.indicator = s.indicator AND p.year = s.year
                            AND p.period IS NOT DISTINCT FROM s.period
    ) g
    JOIN fanout f ON f.parent = g.parent AND f.year = g.year AND f.period IS NOT DISTINCT FROM g.period
    JOIN indicators i ON i.code = g.indicator
),
rule AS (
    SELECT *,
        CASE WHEN parent_present THEN parent_value WHEN missing_is_zero THEN 0 END AS lhs,
        CASE WHEN n_null > 0 THEN NULL
             WHEN n_present < n_children AND NOT missing_is_zero THEN NULL
             ELSE coalesce(child_sum, 0) END AS rhs,
        CASE $mode
            WHEN 'non_null' THEN parent_present AND parent_value IS NOT NULL AND n_present = n_children AND n_null = 0
            WHEN 'non_zero' THEN coalesce(parent_value, 0) <> 0 OR coalesce(child_nonzero, false)
            WHEN 'partial_null' THEN parent_present OR n_present > 0
            WHEN 'partial_zero' THEN parent_present OR n_present > 0
            ELSE true
        END AS in_scope,
        coalesce(half_unit(parent_decimals), 0) + child_rounding AS rounding
    FROM evaluated
),
tolerance AS (
    SELECT *,
        greatest(rounding, abs(coalesce(lhs, 0)) * CAST($rel_tolerance AS DECIMAL(18, 9)), CAST($abs_tolerance AS DECIMAL(38, 10))) AS tol,
        CASE WHEN rounding = 0 AND $rel_tolerance = 0 AND $abs_tolerance = 0 THEN 'exact'
             WHEN rounding >= abs(coalesce(lhs, 0)) * $rel_tolerance AND rounding >= $abs_tolerance THEN 'rounding'
             WHEN abs(coalesce(lhs, 0)) * $rel_tolerance >= $abs_tolerance THEN 'relative'
             ELSE 'absolute' END AS tol_source
    FROM rule
),
failing AS MATERIALIZED (
    -- The VTL rule, where it can be evaluated.
    SELECT *, lhs - rhs AS imbalance, 'rule' AS kind FROM tolerance
    WHERE in_scope AND lhs IS NOT NULL AND rhs IS NOT NULL
      AND CASE relation WHEN '>=' THEN lhs - rhs < -tol ELSE abs(lhs - rhs) > tol END
    UNION ALL BY NAME
    -- Where children are missing, the ones present still may not exceed a non-negative parent.
    SELECT *, parent_value - child_sum AS imbalance, 'partial' AS kind FROM tolerance
    WHERE NOT (in_scope AND lhs IS NOT NULL AND rhs IS NOT NULL)
      AND parent_value IS NOT NULL AND n_present > 0 AND n_present < n_children AND n_null = 0
      AND children_nonnegative AND parent_value >= 0
      AND child_sum - parent_value > tol
),
-- The children of failing groups, and what each would explain.
kids AS (
    SELECT f.parent, f.indicator, f.year, f.period, t.child, c.value, c.rid,
           c.area IS NOT NULL AS present, f.imbalance, f.tol, f.relation
    FROM failing f
    JOIN tree t ON t.parent = f.parent AND t.year = f.year AND t.period IS NOT DISTINCT FROM f.period
    LEFT JOIN (SELECT area, indicator, year, period, value, rid FROM obs WHERE class = 'additive') c
        ON c.area = t.child AND c.indicator = f.indicator AND c.year = f.year AND c.period IS NOT DISTINCT FROM f.period
),
-- Where the values of the failing groups were printed.
placed AS (
    SELECT rowid AS rid, value_text, file, line, cell
    FROM observations WHERE rowid IN (SELECT rid FROM failing UNION ALL SELECT rid FROM kids)
),
failing_kids AS (
    SELECT k.*, pl.value_text, pl.file, pl.line, pl.cell,
           CAST(k.value AS VARCHAR) AS v_text, CAST(k.value + k.imbalance AS VARCHAR) AS fixed_text,
           k.relation = '=' AND k.present AND k.value IS NOT NULL AND k.value <> 0 AS usable
    FROM kids k LEFT JOIN placed pl ON pl.rid = k.rid
),
-- Each child's explanations of the gap d = parent − Σ children, most specific first: one that fits the gap
-- within the rounding tolerance beats a unit factor, which fits only to 1 % (a value converted by hand).
candidates AS (
    SELECT *,
        CASE WHEN NOT usable THEN NULL
             -- The total leaves the child out: d = −v; or counts it twice: d = +v.
             WHEN abs(imbalance + value) <= tol THEN 1
             WHEN abs(imbalance - value) <= tol THEN 2
             WHEN value < 0 AND abs(imbalance + 2 * value) <= tol THEN 3
             WHEN swapped THEN 4
             WHEN typo THEN 5
             WHEN shift IS NOT NULL THEN 6
             WHEN unit_factor IS NOT NULL THEN 7
        END AS rank
    FROM (
        SELECT *,
            -- Two adjacent digits exchanged (3.816 for 3.186): the texts differ in exactly two neighbouring digits.
            usable AND length(v_text) = length(fixed_text)
                AND length(list_filter(range(1, length(v_text) + 1), lambda i: v_text[i] <> fixed_text[i])) = 2
                AND list_bool_or(list_transform(range(1, length(v_text)), lambda i:
                        v_text[i] <> fixed_text[i] AND v_text[i] = fixed_text[i + 1] AND v_text[i + 1] = fixed_text[i]
                        AND v_text[i] BETWEEN '0' AND '9' AND v_text[i + 1] BETWEEN '0' AND '9')) AS swapped,
            usable AND value + imbalance >= 0 AND length(v_text) = length(fixed_text)
                AND length(list_filter(range(1, length(v_text) + 1), lambda i: v_text[i] <> fixed_text[i])) = 1 AS typo,
            -- The decimal point moved by one or two places: v/10, v/100, 10v or 100v fits the gap exactly.
            CASE WHEN NOT usable THEN NULL
                 WHEN abs(imbalance - (value / 10 - value)) <= tol THEN '10 times too large'
                 WHEN abs(imbalance - (value / 100 - value)) <= tol THEN '100 times too large'
                 WHEN abs(imbalance - (value * 10 - value)) <= tol THEN '10 times too small'
                 WHEN abs(imbalance - (value * 100 - value)) <= tol THEN '100 times too small' END AS shift,
            CASE WHEN NOT usable THEN NULL
                 WHEN abs(imbalance - (value / 1000 - value)) <= greatest(tol, abs(imbalance) * 0.01) THEN 'large'
                 WHEN abs(imbalance - (value * 1000 - value)) <= greatest(tol, abs(imbalance) * 0.01) THEN 'small' END AS unit_factor
        FROM failing_kids
    )
),
explained AS (
    SELECT *, min(rank) OVER (PARTITION BY parent, indicator, year, period) AS best,
        CASE rank
            WHEN 1 THEN child || ' (' || value_text || ')'
            WHEN 2 THEN child || ' (' || value_text || ')'
            WHEN 3 THEN child || ' has the wrong sign (' || value_text || ')'
            WHEN 4 THEN child || ' (' || value_text || ' → ' || fmt_num(value + imbalance) || ')'
            WHEN 5 THEN child || ' (' || value_text || ' → ' || fmt_num(value + imbalance) || ')'
            WHEN 6 THEN child || ' (' || value_text || ' → ' || fmt_num(value + imbalance) || ', ' || shift || ')'
            WHEN 7 THEN CASE unit_factor
                WHEN 'large' THEN child || ' looks 1000 times too large (' || value_text || '): a value in a unit 1000 times smaller, e.g. triệu đồng for tỷ đồng?'
                ELSE child || ' looks 1000 times too small (' || value_text || '): a value in a unit 1000 times larger?' END
        END AS why
    FROM candidates
),
hints AS (
    SELECT parent, indicator, year, period,
        list(struct_pack(role := 'child', area := child, value := coalesce(value_text, 'not reported'), file := file, line := line, cell := cell) ORDER BY child) AS related,
        list(child ORDER BY child) FILTER (WHERE NOT present) AS missing,
        any_value(best) AS best,
        list(why ORDER BY child) FILTER (WHERE rank = best) AS whys
    FROM explained
    GROUP BY ALL
)
SELECT
    f.parent AS area,
    f.indicator,
    f.year,
    f.period,
    f.lhs AS observed,
    f.rhs AS expected,
    f.imbalance AS difference,
    f.tol AS tolerance,
    f.tol_source AS tolerance_source,
    CASE f.kind
        WHEN 'partial' THEN f.indicator_name || ': the ' || f.n_present || ' children that reported already sum to '
            || fmt_num(f.child_sum) || ', more than the parent''s ' || pl.parent_text
        ELSE f.indicator_name || ': ' || coalesce(pl.parent_text, '0 (not reported)')
            || CASE WHEN f.relation = '>=' THEN ' is less than' ELSE ' differs from' END
            || ' the sum of its ' || f.n_children || ' children, ' || fmt_num(f.rhs)
            || ', by ' || fmt_num(f.imbalance)
    END || CASE WHEN len(h.missing) > 0
            THEN '; not reported: ' || array_to_string(h.missing, ', ') || CASE WHEN f.missing_is_zero AND f.kind = 'rule' THEN ' (counted as 0)' ELSE '' END
            ELSE '' END AS message,
    coalesce(
        CASE WHEN h.best IS NULL THEN NULL
             WHEN h.best = 3 OR h.best = 7 THEN h.whys[1]
             ELSE CASE h.best
                 WHEN 1 THEN 'the total leaves out '
                 WHEN 2 THEN 'the total counts twice '
                 WHEN 4 THEN 'two adjacent digits exchanged would explain it: '
                 WHEN 5 THEN 'a one-digit typo would explain it: '
                 WHEN 6 THEN 'a decimal point shifted would explain it: ' END
                 || array_to_string(h.whys[1:3], ' or ')
                 || CASE WHEN len(h.whys) > 3 THEN ' or ' || (len(h.whys) - 3) || ' more' ELSE '' END
                 || CASE h.best WHEN 1 THEN ': the difference is its value' WHEN 2 THEN ': the difference is its value' ELSE '' END
        END,
        CASE WHEN f.relation = '=' AND f.parent_value IS NOT NULL
                  AND length(CAST(f.parent_value AS VARCHAR)) = length(CAST(f.rhs AS VARCHAR))
                  AND length(list_filter(range(1, length(CAST(f.rhs AS VARCHAR)) + 1),
                        lambda i: CAST(f.parent_value AS VARCHAR)[i] <> CAST(f.rhs AS VARCHAR)[i])) = 1
             THEN 'the parent value may have a typo: the children sum to ' || fmt_num(f.rhs) END) AS hint,
    pl.file,
    pl.line,
    pl.cell,
    h.related
FROM failing f
LEFT JOIN (SELECT rid, value_text AS parent_text, file, line, cell FROM placed) pl ON pl.rid = f.rid
JOIN hints h ON h.parent = f.parent AND h.indicator = f.indicator AND h.year = f.year AND h.period IS NOT DISTINCT FROM f.period
--! counts
WITH fanout AS (SELECT parent, year, period, count(*) AS n_children FROM tree GROUP BY ALL)
SELECT count(*) AS items,
       count(*) FILTER (WHERE s.n_present < f.n_children OR s.n_null > 0 OR p.area IS NULL) AS not_evaluated
FROM child_sums s
JOIN indicators i ON i.code = s.indicator AND i.class = 'additive'
JOIN fanout f ON f.parent = s.parent AND f.year = s.year AND f.period IS NOT DISTINCT FROM s.period
LEFT JOIN (SELECT area, indicator, year, period FROM obs WHERE class = 'additive') p
    ON p.area = s.parent AND p.indicator = s.indicator AND p.year = s.year AND p.period IS NOT DISTINCT FROM s.period
