--! id = "local.big"
--! severity = "warning"
--! descripton = "big"
SELECT 'm' AS message WHERE false
