--! id = "local.endless"
--! severity = "error"
--! description = "A scan that does not end in any useful time"
SELECT 'never' AS message FROM range(1000000000000000) t(r) WHERE r < 0
