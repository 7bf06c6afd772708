//! Inputs are never modified: every file of several datasets hashes the same before and after `statlint check`,
//! `statlint load --db` and `statlint sql`, run from inside the dataset folder (where DuckDB would put its
//! default `.tmp` spill folder) with a small memory limit, and no file appears or disappears.

use crate::{fixture, root, statlint};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// BLAKE3 of every file under `dir`, by path relative to it (folders included, so a new empty folder shows).
fn hashes(dir: &Path) -> BTreeMap<PathBuf, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(base).unwrap().to_path_buf();
            if p.is_dir() {
                out.insert(rel, "folder".into());
                walk(base, &p, out);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.insert(rel, blake3::hash(&bytes).to_hex().to_string());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn check_load_and_sql_leave_every_input_file_unchanged() {
    let out_dir = tempfile::tempdir().unwrap();
    for (i, ds) in [
        PathBuf::from("datasets/dien-bien-submission"),
        fixture("load/xlsx"),
        fixture("load/vi-csv"),
        fixture("load/parquet"),
        fixture("checks-user"),
        fixture("sandbox"),
    ]
    .iter()
    .enumerate()
    {
        let abs = root().join(ds);
        let before = hashes(&abs);
        assert!(!before.is_empty());
        let db = out_dir.path().join(format!("{i}.duckdb"));
        let mut runs: Vec<Vec<String>> = vec![
            vec!["check".into(), "-q".into(), ".".into()],
            vec![
                "load".into(),
                "-q".into(),
                ".".into(),
                "--db".into(),
                db.display().to_string(),
            ],
            vec![
                "sql".into(),
                "-q".into(),
                ".".into(),
                "SELECT count(*) FROM observations".into(),
            ],
        ];
        if ds.ends_with("checks-user") {
            // A check that runs out of memory under a small limit, from inside the dataset folder.
            runs.push(vec![
                "check".into(),
                "-q".into(),
                ".".into(),
                "--memory-limit".into(),
                "100MB".into(),
                "--checks".into(),
                root()
                    .join("tests/fixtures/memory/checks")
                    .display()
                    .to_string(),
            ]);
        }
        for args in runs {
            let out = statlint().current_dir(&abs).args(&args).output().unwrap();
            assert!(
                out.status.code().is_some_and(|c| c <= 2),
                "{} {args:?}: {}",
                ds.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                hashes(&abs),
                before,
                "statlint {args:?} changed {}",
                ds.display()
            );
        }
        assert!(db.is_file());
    }
}
