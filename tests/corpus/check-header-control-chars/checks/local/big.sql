--! id = "local.\u001b[2Jbig"
--! severity = "warning"
--! description = "big"
SELECT 1 AS x, 'm' AS message WHERE false
