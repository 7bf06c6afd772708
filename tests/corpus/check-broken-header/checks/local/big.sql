--! id = "local.big"
--! severity = "warning
--! description = "big"
SELECT 1 AS x, 'm' AS message WHERE false
