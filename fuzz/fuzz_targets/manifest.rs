//! The manifest, `statlint.toml`, parsed against a dataset folder that holds a few files (fuzz/dataset), so
//! that file entries, globs and reference tables can resolve.

#![no_main]

use libfuzzer_sys::fuzz_target;
use statlint::manifest::Dataset;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("dataset");
    match Dataset::parse(text, &root.join("statlint.toml"), &root) {
        Ok(ds) => {
            for f in &ds.files {
                assert!(
                    f.abs.starts_with(&root),
                    "{} is outside the dataset",
                    f.abs.display()
                );
            }
        }
        Err(e) => {
            let _ = e.chain();
        }
    }
});
