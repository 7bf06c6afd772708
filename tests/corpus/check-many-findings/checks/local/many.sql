--! id = "local.many"
--! severity = "warning"
--! description = "One finding per number below 100,000"
SELECT 'number ' || r AS message FROM range(100000) t(r) ORDER BY r
