//! A check file: its `--!` TOML header, the query after it and the optional counts query.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match statlint::check::parse(text, Path::new("checks/fuzz/x.sql"), "fuzz", false) {
        Ok(c) => {
            assert!(!c.sql.is_empty());
            assert!(c.sql_line >= 1 && c.sql_line <= text.lines().count().max(1));
            assert!(c.id.contains('.'));
        }
        Err(e) => {
            let _ = e.chain();
        }
    }
});
