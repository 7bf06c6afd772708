//! The accuracy benchmark: precision and recall of statlint's findings on every bundled dataset that has an
//! answers file (planted errors, or the known real discrepancies of a real table), and the Hidiroglou–
//! Berthelot flag rate on a panel with realistic noise and nothing wrong. `cargo bench --bench accuracy`
//! prints the table; benches/README.md explains the measure.

mod noisy;
mod score;

use std::path::{Path, PathBuf};
use std::process::Command;

fn statlint(args: &[&str], dataset: &Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_statlint"))
        .args(["check", "-q", "--format", "json", "--limit", "0"])
        .args(args)
        .arg(dataset)
        .output()
        .expect("statlint runs");
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}: exit {:?}\n{}",
        dataset.display(),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn row(name: &str, s: &score::Score) {
    println!("| {name} | {} |", s.cells());
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut details = Vec::new();
    println!("| dataset | recall | | precision (errors and warnings explained) | |");
    println!("|---|---:|---:|---:|---:|");
    let mut sets: Vec<PathBuf> = std::fs::read_dir(root.join("datasets"))
        .expect("datasets")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("answers.csv").is_file())
        .collect();
    sets.sort();
    for ds in &sets {
        let answers = score::answers(&ds.join("answers.csv"));
        let s = score::score(&answers, &score::findings(&statlint(&[], ds)));
        let name = ds.file_name().unwrap().to_string_lossy().to_string();
        row(&name, &s);
        details.push((name, s));
    }

    // The noisy panel: clean (every flag is false), then with planted shifts and swaps.
    let tmp = std::env::temp_dir().join(format!("statlint-accuracy-{}", std::process::id()));
    let clean = tmp.join("clean");
    let pairs = noisy::write(&clean, 7, false);
    let report = statlint(&[], &clean);
    let found = score::findings(&report);
    let hb = found.iter().filter(|f| f.check == "yoy.hb").count();
    // The same panel with HB's floors switched off (no minimum change or precision, A = 0): the
    // Hidiroglou–Berthelot test as published.
    let plain = score::findings(&statlint(
        &[
            "--select",
            "yoy.hb",
            "--param",
            "yoy.hb.min_change=0",
            "--param",
            "yoy.hb.min_units=0",
            "--param",
            "yoy.hb.A=0",
            "--param",
            "yoy.hb.min_group=3",
        ],
        &clean,
    ))
    .len();
    let counted = found
        .iter()
        .filter(|f| f.severity == "error" || f.severity == "warning")
        .count();
    let planted = tmp.join("planted");
    noisy::write(&planted, 7, true);
    let answers = score::answers(&planted.join("answers.csv"));
    let s = score::score(&answers, &score::findings(&statlint(&[], &planted)));
    row("noisy panel, planted shifts and swaps", &s);
    details.push(("noisy panel, planted".into(), s));
    println!();
    println!(
        "noisy panel, clean: yoy.hb flags {hb} of {pairs} year-on-year pairs ({:.3} %); {counted} error and warning findings in all",
        100.0 * hb as f64 / pairs as f64
    );
    println!(
        "noisy panel, clean, yoy.hb without its floors: {plain} flags ({:.3} %)",
        100.0 * plain as f64 / pairs as f64
    );
    let _ = std::fs::remove_dir_all(&tmp);

    for (name, s) in details {
        for a in &s.missed {
            println!(
                "{name}: missed {} {} {:?} ({})",
                a.area, a.indicator, a.year, a.kind
            );
        }
        for f in &s.unexplained {
            println!(
                "{name}: unexplained {} {} {:?} {:?} {:?}: {}",
                f.check, f.severity, f.area, f.indicator, f.year, f.message
            );
        }
    }
}
