--! id = "local.esc"
--! severity = "error"
--! description = "A message with a terminal escape sequence"
SELECT o.area, o.indicator, o.year, 'value ' || chr(27) || '[2J' || o.value_text || chr(13) || 'fake' AS message,
       'check ' || chr(27) || '[31m' AS hint, o.file, o.line
FROM obs o
