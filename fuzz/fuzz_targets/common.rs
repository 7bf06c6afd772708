//! What the fuzz targets share: the dataset their data files belong to, and the invariants of a read.

#![allow(dead_code)]

use statlint::load::{FileStats, Reject};
use statlint::manifest::Dataset;
use std::path::Path;
use std::sync::OnceLock;

/// `fuzz/dataset`: one `[[file]]` for each layout statlint reads.
pub fn dataset() -> &'static Dataset {
    static DS: OnceLock<Dataset> = OnceLock::new();
    DS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dataset");
        Dataset::open(&dir).unwrap_or_else(|e| panic!("fuzz/dataset: {}", e.chain()))
    })
}

/// The indices of the dataset's files that `keep` selects.
pub fn files(keep: impl Fn(statlint::manifest::Format) -> bool) -> Vec<usize> {
    dataset()
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| keep(f.format))
        .map(|(i, _)| i)
        .collect()
}

/// Checks what a read returned: every value read is loaded or rejected, rejects account for the rejected
/// values, and an error can be printed.
pub fn check(result: &statlint::Result<(FileStats, Vec<Reject>)>) {
    match result {
        Ok((stats, rejects)) => {
            assert_eq!(
                stats.values,
                stats.loaded + stats.rejected,
                "values read = loaded + rejected: {stats:?}"
            );
            let records: u64 = rejects.iter().map(|r| r.records as u64).sum();
            assert_eq!(
                records, stats.rejected,
                "rejects account for the rejected values"
            );
            for r in rejects {
                assert!(!r.message.is_empty(), "a reject says why: {r:?}");
            }
        }
        Err(e) => {
            let _ = e.chain();
        }
    }
}

/// A read as text, to compare two reads of the same bytes.
pub fn summary(result: &statlint::Result<(FileStats, Vec<Reject>)>) -> String {
    match result {
        Ok((stats, rejects)) => format!("{stats:?}\n{rejects:?}"),
        Err(e) => e.chain(),
    }
}
