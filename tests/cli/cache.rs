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

/// A run through the load cache of one quick check; what it said on stderr.
fn cached(dataset: &Path, cache: &Path) -> String {
    let out = statlint()
        .args(["check", "--cache", "--select", "structure.unknown_area"])
        .arg(dataset)
        .env("STATLINT_CACHE_DIR", cache)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{err}");
    err
}

#[test]
fn the_key_covers_hidden_folders_and_symlinked_files_and_leftovers_of_killed_runs_go() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cache) = (tmp.path().join("data"), tmp.path().join("cache"));
    copy_dir(Path::new("tests/fixtures/checks/clean"), &data);
    // The areas in a hidden folder, reached through a symlink.
    std::fs::create_dir(data.join(".ref")).unwrap();
    std::fs::rename(data.join("areas.csv"), data.join(".ref/areas-a.csv")).unwrap();
    std::os::unix::fs::symlink("areas-a.csv", data.join(".ref/areas.csv")).unwrap();
    let manifest = data.join("statlint.toml");
    let m = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        m.replace("areas = \"areas.csv\"", "areas = \".ref/areas.csv\""),
    )
    .unwrap();
    // What a killed run left: a process id that no process has.
    std::fs::create_dir_all(&cache).unwrap();
    let leftover = cache.join("0123456789abcdef.duckdb.tmp-4000000000");
    std::fs::write(&leftover, b"half a database").unwrap();

    let err = cached(&data, &cache);
    assert!(err.contains("loading clean"), "{err}");
    assert!(
        !leftover.exists(),
        "the leftover of a killed run is still there"
    );
    let err = cached(&data, &cache);
    assert!(err.contains("is unchanged since it was loaded"), "{err}");

    // An edit in the hidden folder is a miss.
    let a = std::fs::read_to_string(data.join(".ref/areas-a.csv")).unwrap();
    std::fs::write(
        data.join(".ref/areas-a.csv"),
        a.replace("Tỉnh Điện Biên", "Tỉnh A"),
    )
    .unwrap();
    let err = cached(&data, &cache);
    assert!(err.contains("loading clean"), "{err}");
    // So is the link pointed at another file.
    std::fs::write(
        data.join(".ref/areas-b.csv"),
        a.replace("Tỉnh Điện Biên", "Tỉnh B"),
    )
    .unwrap();
    std::fs::remove_file(data.join(".ref/areas.csv")).unwrap();
    std::os::unix::fs::symlink("areas-b.csv", data.join(".ref/areas.csv")).unwrap();
    let err = cached(&data, &cache);
    assert!(err.contains("loading clean"), "{err}");
    let err = cached(&data, &cache);
    assert!(err.contains("is unchanged since it was loaded"), "{err}");
}

#[test]
fn a_cache_folder_anyone_may_write_to_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = statlint()
        .args(["check", "-q", "--cache", "tests/fixtures/checks/clean"])
        .env("STATLINT_CACHE_DIR", &cache)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("anyone may write to it"), "{err}");
}
