//! The synthetic national panel at size S (the benchmark's smallest): every planted error is found, and every
//! finding is explained by a planted error. Timings are the benchmark's business, not this test's.

use crate::statlint;
use std::collections::BTreeMap;

#[test]
fn every_planted_error_is_found_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = statlint()
        .args([
            "generate",
            "--size",
            "S",
            "--out",
            dir.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let planted: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("planted.json")).unwrap()).unwrap();
    let planted = planted["planted"].as_array().unwrap();
    let out = statlint()
        .args([
            "check",
            "-q",
            "--format",
            "json",
            "--limit",
            "0",
            dir.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["datasets"][0]["findings"].as_array().unwrap();
    let key = |f: &serde_json::Value, area: &str| {
        (
            f["check"].as_str().unwrap().to_string(),
            f[area].clone(),
            f["indicator"].clone(),
            f["year"].clone(),
        )
    };

    let mut missed = Vec::new();
    let mut by_class: BTreeMap<String, usize> = BTreeMap::new();
    for p in planted {
        *by_class
            .entry(p["class"].as_str().unwrap().to_string())
            .or_default() += 1;
        let want = (
            p["found_by"].as_str().unwrap().to_string(),
            p["found_at"].clone(),
            p["indicator"].clone(),
            p["year"].clone(),
        );
        if !findings.iter().any(|f| key(f, "area") == want) {
            missed.push(want);
        }
    }
    let unexplained: Vec<_> = findings
        .iter()
        .filter(|f| {
            !planted.iter().any(|p| {
                p["expect"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| key(e, "area") == key(f, "area"))
            })
        })
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert!(missed.is_empty(), "planted errors not found: {missed:#?}");
    assert!(
        unexplained.is_empty(),
        "findings no planted error explains: {unexplained:#?}"
    );
    // Every class of error is planted.
    assert_eq!(by_class.len(), 11, "{by_class:?}");
}
