//! Every load fixture: its observations and rejects as snapshots, and the invariant that each value read is
//! either loaded or rejected.

use crate::{fixture, root, settings, statlint};
use insta_cmd::assert_cmd_snapshot;
use std::path::Path;

fn dataset_of(manifest: &Path) -> String {
    manifest
        .parent()
        .unwrap()
        .strip_prefix(root())
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn observations_of_each_load_fixture() {
    insta::glob!("../fixtures", "load/*/statlint.toml", |manifest| {
        let ds = dataset_of(manifest);
        settings().bind(|| {
            assert_cmd_snapshot!(statlint().args([
                "sql",
                &ds,
                "SELECT * EXCLUDE (dataset) FROM observations ORDER BY rowid"
            ]))
        });
    });
}

#[test]
fn rejects_of_each_load_fixture() {
    insta::glob!("../fixtures", "load/*/statlint.toml", |manifest| {
        let ds = dataset_of(manifest);
        settings().bind(|| {
            assert_cmd_snapshot!(statlint().args([
                "sql",
                "--quiet",
                &ds,
                "SELECT * FROM rejects ORDER BY rowid"
            ]))
        });
    });
}

/// Runs a query and returns its rows as JSON objects.
pub fn json_rows(dataset: &str, sql: &str) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let out = statlint()
        .args(["sql", "--quiet", "--format", "json", dataset, sql])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_object().unwrap().clone())
        .collect()
}

#[test]
fn every_value_read_is_loaded_or_rejected() {
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("tests/fixtures/load")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("statlint.toml").is_file() {
            continue;
        }
        let ds = dataset_of(&dir.join("statlint.toml"));
        let rows = json_rows(
            &ds,
            "SELECT f.file, f.values_read, f.values_loaded, f.values_rejected,
                    (SELECT count(*) FROM observations o WHERE o.file = f.file) AS observations,
                    (SELECT coalesce(sum(r.\"values\"), 0) FROM rejects r WHERE r.file = f.file) AS rejected
             FROM files f",
        );
        assert!(!rows.is_empty(), "{ds}: no files");
        for r in rows {
            let n = |k: &str| r[k].as_i64().unwrap();
            assert_eq!(
                n("values_read"),
                n("values_loaded") + n("values_rejected"),
                "{ds}: {r:?}"
            );
            assert_eq!(n("values_loaded"), n("observations"), "{ds}: {r:?}");
            assert_eq!(n("values_rejected"), n("rejected"), "{ds}: {r:?}");
            assert!(n("values_read") > 0, "{ds}: {r:?}");
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} fixture files were checked");
}

/// The loader stores each observation's parent and level (looked up in the area tree of its period): they are
/// the tree's, on every load fixture and on the bundled datasets, which between them have sub-annual periods,
/// an area that changes parent within a year, areas without a parent and codes the manifest does not declare.
#[test]
fn the_stored_parent_and_level_are_those_of_the_tree() {
    let dirs: Vec<_> = std::fs::read_dir(root().join("tests/fixtures/load"))
        .unwrap()
        .chain(std::fs::read_dir(root().join("datasets")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|d| d.join("statlint.toml").is_file())
        .collect();
    assert!(dirs.len() >= 10, "only {} datasets", dirs.len());
    let mut with_parent = 0;
    for dir in dirs {
        let ds = dataset_of(&dir.join("statlint.toml"));
        let rows = json_rows(
            &ds,
            "SELECT count(o.parent) AS with_parent,
                    count(*) FILTER (WHERE o.parent IS DISTINCT FROM t.parent
                                        OR o.level IS DISTINCT FROM t.child_level) AS different
             FROM observations o
             LEFT JOIN tree t ON t.child = o.area AND t.year = o.year AND t.period IS NOT DISTINCT FROM o.period",
        );
        assert_eq!(rows[0]["different"].as_i64(), Some(0), "{ds}");
        with_parent += rows[0]["with_parent"].as_i64().unwrap();
    }
    assert!(with_parent > 1000, "only {with_parent} rows have a parent");
}

#[test]
fn a_fixture_path_is_relative_to_the_repository() {
    assert!(
        root()
            .join(fixture("load/vi-csv"))
            .join("statlint.toml")
            .is_file()
    );
}
