--! id = "units.declared"
--! severity = "error"
--! description = "A value's declared unit is its indicator's unit, or one of the same dimension (converted, with a note); a unit of another dimension is an error"
SELECT
    o.area,
    o.indicator,
    o.year,
    o.period,
    i.name || ' is measured in ' || cu.name || ', but this value is given in ' || du.name
        || ' (' || du.dimension || ', not ' || cu.dimension || '); it is not used' AS message,
    'give the value in ' || cu.name || ' or a unit of the same kind' AS hint,
    o.file,
    o.line,
    o.cell
FROM obs o
JOIN indicators i ON i.code = o.indicator
JOIN units cu ON cu.code = i.unit
JOIN units du ON du.code = o.unit
WHERE o.status = 'unconvertible'
--! counts
SELECT count(*) AS items FROM obs WHERE unit_declared IS NOT NULL
