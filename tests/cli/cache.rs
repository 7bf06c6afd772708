//! The load cache: a re-run on unchanged inputs checks the cached copy and reports the same; a changed input
//! is a miss.

use crate::{copy_dir, statlint};
use std::path::Path;

fn check(dataset: &Path, cache: &Path) -> (String, String) {
    let out = statlint()
        .args(["check", "--cache", "--limit", "0"])
        .arg(dataset)
        .env("STATLINT_CACHE_DIR", cache)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_rerun_on_unchanged_files_checks_the_cached_copy_and_a_change_is_a_miss() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cache) = (tmp.path().join("data"), tmp.path().join("cache"));
    copy_dir(Path::new("datasets/dien-bien-submission"), &data);

    let (first, err) = check(&data, &cache);
    assert!(err.contains("loading dien-bien-submission"), "{err}");
    let (second, err) = check(&data, &cache);
    assert!(
        err.contains("is unchanged since it was loaded into"),
        "{err}"
    );
    assert!(
        err.contains("huyen/097-kinh-te.xlsx"),
        "the files are listed: {err}"
    );
    assert_eq!(first, second, "the cached copy gives the same report");

    // One changed value: a different key, loaded again, and the report follows the data.
    let path = data.join("tinh/2023.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("3.519,2", "3.512,2", 1)).unwrap();
    let (third, err) = check(&data, &cache);
    assert!(err.contains("loading dien-bien-submission"), "{err}");
    assert_ne!(third, first);

    let entries = std::fs::read_dir(&cache)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "duckdb")
        })
        .count();
    assert_eq!(entries, 2);
}
