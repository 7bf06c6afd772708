--! id = "structure.unreadable"
--! severity = "error"
--! description = "Every value in the data files can be read: a number in the declared locale, a known unit, a complete row"
SELECT
    area,
    indicator,
    year,
    CASE WHEN "values" > 1 THEN message || ' (' || "values" || ' values of this row not loaded)' ELSE message END AS message,
    CASE reason
        WHEN 'ambiguous_number' THEN 'declare the file''s locale in the manifest: locale = "vi" or "en"'
        WHEN 'fraction_of_count' THEN 'write the count without a thousands separator, or correct the locale or the indicator''s decimals'
        WHEN 'unknown_unit' THEN 'use a unit from the catalogue (statlint sql ... "select * from units") or declare it with [[unit]]'
        WHEN 'wrong_column_count' THEN 'check for a missing or extra separator on this line'
        WHEN 'invalid_encoding' THEN 'save the file as UTF-8, or declare its encoding'
        WHEN 'unit_in_number' THEN 'keep only the number in the cell'
        WHEN 'spreadsheet_error' THEN 'fix the formula or type the value'
    END AS hint,
    file,
    line,
    cell,
    CASE WHEN reason IN ('wrong_column_count', 'invalid_encoding')
         THEN [struct_pack(role := 'the line reads', area := NULL, value := raw, file := file, line := line, cell := cell)] END AS related
FROM rejects
--! counts
SELECT coalesce(sum(values_read), 0) AS items FROM files
