//! Precision and recall on the bundled datasets that have an answers file (`answers.csv`): every answer is
//! found, and every error and warning is explained by an answer. The accuracy benchmark prints the same
//! measure with the noisy panel (`cargo bench --bench accuracy`).

#[path = "../../benches/accuracy/score.rs"]
mod score;

use crate::{root, statlint};

#[test]
fn every_answer_is_found_and_every_finding_explained() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for e in std::fs::read_dir(root().join("datasets")).unwrap() {
        let ds = e.unwrap().path();
        if !ds.join("answers.csv").is_file() {
            continue;
        }
        let out = statlint()
            .args(["check", "-q", "--format", "json", "--limit", "0"])
            .arg(&ds)
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let s = score::score(
            &score::answers(&ds.join("answers.csv")),
            &score::findings(&report),
        );
        let name = ds.file_name().unwrap().to_string_lossy().to_string();
        eprintln!("{name}: {}", s.cells());
        for a in &s.missed {
            failures.push(format!(
                "{name}: missed {} {} {:?} ({})",
                a.area, a.indicator, a.year, a.kind
            ));
        }
        for f in &s.unexplained {
            failures.push(format!(
                "{name}: unexplained {} {:?} {:?} {:?}: {}",
                f.check, f.area, f.indicator, f.year, f.message
            ));
        }
        checked += 1;
    }
    assert!(checked >= 3, "{checked} datasets with answers");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
