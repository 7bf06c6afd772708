//! Every report format on one failing dataset, the formats against their schemas, GitHub's escaping and
//! annotation limits, several reports in one run, baselines, and checking what a commit changed.

use crate::schema::{json_errors, xml_errors};
use crate::{copy_dir, root, settings, statlint};
use insta_cmd::assert_cmd_snapshot;
use std::path::Path;
use std::process::Command;

const SUBMISSION: &str = "tests/fixtures/report/submission";
const MANY: &str = "tests/fixtures/report/many";

/// Snapshot settings with timings redacted.
fn timed() -> insta::Settings {
    let mut s = settings();
    s.add_filter(r#"time="[0-9.]+""#, r#"time="[time]""#);
    s.add_filter(r#""seconds": [0-9.e-]+"#, r#""seconds": "[time]""#);
    s
}

fn output(args: &[&str]) -> (Option<i32>, String, String) {
    let o = statlint().args(args).output().unwrap();
    (
        o.status.code(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[test]
fn every_format_on_the_submission() {
    for f in [
        "human", "json", "junit", "github", "markdown", "sarif", "csv",
    ] {
        timed().bind(|| {
            insta::with_settings!({snapshot_suffix => f}, {
                assert_cmd_snapshot!(statlint().args(["check", "-q", "--format", f, SUBMISSION]))
            })
        });
    }
}

#[test]
fn junit_is_valid_against_the_jenkins_schema() {
    let xsd = std::fs::read_to_string(root().join("tests/schemas/junit-10.xsd")).unwrap();
    for ds in [SUBMISSION, MANY, "tests/fixtures/checks-broken"] {
        let (_, xml, _) = output(&["check", "-q", "--format", "junit", ds]);
        assert!(xml.contains("<testcase"), "{xml}");
        let errs = xml_errors(&xsd, &xml);
        assert!(errs.is_empty(), "{ds}: {errs:#?}");
    }
}

#[test]
fn sarif_is_valid_against_the_sarif_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    for ds in [SUBMISSION, MANY, "tests/fixtures/checks-broken"] {
        let (_, text, _) = output(&["check", "-q", "--format", "sarif", ds]);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(!v["runs"][0]["results"].as_array().unwrap().is_empty() || ds.contains("broken"));
        let errs = json_errors(&schema, &schema, &v, "");
        assert!(errs.is_empty(), "{ds}: {errs:#?}");
    }
}

#[test]
fn github_annotations_escape_what_data_cells_contain() {
    let (_, out, _) = output(&["check", "-q", "--format", "github", SUBMISSION]);
    let cell = out
        .lines()
        .find(|l| l.starts_with("::") && l.contains("Ghi chú"))
        .expect("an annotation for the cell with a line break");
    // In the message: % as %25, CR and LF as %0D%0A; ':' and ',' stay.
    assert!(cell.contains("'Ghi chú: 50%25%0D%0Asơ bộ, x'"), "{cell}");
    // In the file property: ',' as %2C and % as %25.
    assert!(cell.starts_with("::error file=tests/fixtures/report/submission/huyen 094%2C 50%25.csv,line=6,title=structure.unreadable::"), "{cell}");
    // A spreadsheet finding is annotated at file level, with the cell in the message.
    let sheet = out
        .lines()
        .find(|l| {
            l.starts_with("::")
                && l.contains("huyen-095.xlsx")
                && l.contains("structure.unreadable")
        })
        .unwrap();
    assert!(sheet.starts_with("::error file=tests/fixtures/report/submission/huyen-095.xlsx,title=structure.unreadable::'Số liệu'!C3: "), "{sheet}");
    // Every workflow command is on one line.
    for l in out.lines().filter(|l| l.starts_with("::")) {
        assert!(!l.contains('\r'), "{l:?}");
    }
}

#[test]
fn github_annotates_at_most_10_errors_and_10_warnings_then_says_how_many_more() {
    let summary = tempfile::NamedTempFile::new().unwrap();
    let o = statlint()
        .args(["check", "-q", MANY])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", summary.path())
        .output()
        .unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    let count = |p: &str| out.lines().filter(|l| l.starts_with(p)).count();
    assert_eq!(
        (count("::error "), count("::warning "), count("::notice ")),
        (10, 10, 1),
        "{out}"
    );
    let notice = out.lines().find(|l| l.starts_with("::notice ")).unwrap();
    assert!(
        notice.contains("2 more errors and 2 more warnings"),
        "{notice}"
    );
    // Errors come first.
    let first_warning = out
        .lines()
        .position(|l| l.starts_with("::warning "))
        .unwrap();
    let last_error = out
        .lines()
        .collect::<Vec<_>>()
        .iter()
        .rposition(|l| l.starts_with("::error "))
        .unwrap();
    assert!(last_error < first_warning);
    // The job summary has every finding.
    let md = std::fs::read_to_string(summary.path()).unwrap();
    assert!(
        md.contains("## statlint") && md.contains("12 findings"),
        "{md}"
    );
    assert_eq!(
        md.matches("| `tests/fixtures/report/many/data.csv:")
            .count(),
        24,
        "{md}"
    );
}

#[test]
fn several_reports_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let sarif = dir.path().join("out.sarif");
    let (code, out, _) = output(&[
        "check",
        "-q",
        "--report",
        &format!("junit={}", junit.display()),
        "--report",
        &format!("sarif={}", sarif.display()),
        SUBMISSION,
    ]);
    assert_eq!(code, Some(1));
    assert!(out.starts_with("statlint check report-submission"), "{out}");
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<testsuites name=\"statlint\"")
    );
    assert!(
        std::fs::read_to_string(&sarif)
            .unwrap()
            .contains("\"version\": \"2.1.0\"")
    );
    let (code, _, err) = output(&["check", "-q", "--report", "pdf=x.pdf", SUBMISSION]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown format 'pdf'"), "{err}");
}

#[test]
fn the_csv_opens_in_excel_with_vietnamese_intact() {
    let o = statlint()
        .args(["check", "-q", "--format", "csv", SUBMISSION])
        .output()
        .unwrap();
    assert!(
        o.stdout
            .starts_with("\u{feff}dataset,check,severity,file,line".as_bytes())
    );
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("Thị xã Mường Lay"));
}

#[test]
fn fail_on_decides_the_exit_code() {
    assert_eq!(
        output(&["check", "-q", "--fail-on", "never", SUBMISSION]).0,
        Some(0)
    );
    assert_eq!(
        output(&["check", "-q", "--select", "yoy.*", SUBMISSION]).0,
        Some(0)
    );
    assert_eq!(
        output(&[
            "check",
            "-q",
            "--select",
            "yoy.*",
            "--fail-on",
            "warning",
            SUBMISSION
        ])
        .0,
        Some(1)
    );
    // A check that cannot run wins over findings: the report is incomplete.
    assert_eq!(
        output(&[
            "check",
            "-q",
            "--fail-on",
            "never",
            "tests/fixtures/checks-broken"
        ])
        .0,
        Some(2)
    );
}

#[test]
fn limit_shortens_the_report_but_not_the_counts() {
    let (_, out, _) = output(&["check", "-q", "--limit", "2", MANY]);
    assert!(out.contains("structure.unknown_area: 12 findings"), "{out}");
    assert!(out.contains("… 10 more (--limit 0 shows all)"), "{out}");
    assert!(out.contains("ERRORS=12 WARNINGS=12"), "{out}");
}

#[test]
fn a_baseline_marks_findings_new_unchanged_and_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("submission");
    copy_dir(&root().join(SUBMISSION), &ds);
    let old = dir.path().join("old.json");
    let (code, _, _) = output(&[
        "check",
        "-q",
        "--output",
        old.to_str().unwrap(),
        "--format",
        "json",
        ds.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1));
    // Fix the province total and add an error elsewhere.
    let tinh = ds.join("tinh.csv");
    let text = std::fs::read_to_string(&tinh)
        .unwrap()
        .replace("\"230,5\"", "\"225,0\"")
        .replace("\"140.000\"", "\"-140.000\"");
    std::fs::write(&tinh, text).unwrap();
    let (_, out, _) = output(&[
        "check",
        "-q",
        "--baseline",
        old.to_str().unwrap(),
        "--format",
        "json",
        ds.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = v["datasets"][0]["findings"].as_array().unwrap();
    let status = |check: &str| {
        findings
            .iter()
            .filter(|f| f["check"] == check)
            .map(|f| f["baseline"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(status("structure.bounds"), ["new"]);
    assert_eq!(status("structure.unreadable"), ["unchanged", "unchanged"]);
    let fixed: Vec<&str> = v["datasets"][0]["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert!(fixed.contains(&"hierarchy.sum"), "{fixed:?}");
    // Only new findings fail with --new-only: the negative population is new.
    assert_eq!(
        output(&[
            "check",
            "-q",
            "--baseline",
            old.to_str().unwrap(),
            "--new-only",
            ds.to_str().unwrap()
        ])
        .0,
        Some(1)
    );
    // Against itself nothing is new.
    let now = dir.path().join("now.json");
    output(&[
        "check",
        "-q",
        "--format",
        "json",
        "--output",
        now.to_str().unwrap(),
        ds.to_str().unwrap(),
    ]);
    let (code, human, _) = output(&[
        "check",
        "-q",
        "--baseline",
        now.to_str().unwrap(),
        "--new-only",
        ds.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{human}");
    assert!(human.contains("NEW=0 FIXED=0"), "{human}");
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn changed_since_checks_only_the_datasets_a_commit_changed() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    copy_dir(
        &root().join("tests/fixtures/checks/clean"),
        &repo.join("data/a"),
    );
    copy_dir(
        &root().join("tests/fixtures/checks/clean"),
        &repo.join("data/b"),
    );
    for (k, v) in [("user.email", "ci@example.org"), ("user.name", "CI")] {
        git(repo, &["init", "-q"]);
        git(repo, &["config", k, v]);
    }
    git(repo, &["add", "."]);
    git(repo, &["commit", "-qm", "two datasets"]);
    let data = repo.join("data/b/data.csv");
    let text = std::fs::read_to_string(&data)
        .unwrap()
        .replacen("\"410,2\"", "\"-410,2\"", 1);
    std::fs::write(&data, text).unwrap();
    git(repo, &["commit", "-qam", "change b"]);
    let o = Command::new(env!("CARGO_BIN_EXE_statlint"))
        .current_dir(repo)
        .args([
            "check",
            "-q",
            "--changed-since",
            "HEAD~1",
            "--select",
            "structure.*",
        ])
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(err.contains("./data/a: unchanged since HEAD~1"), "{err}");
    assert!(
        err.contains("./data/b: 1 file changed since HEAD~1: checking it"),
        "{err}"
    );
    assert!(
        out.contains("structure.bounds: 1 finding") && out.contains("./data/b/data.csv:2"),
        "{out}"
    );
    assert_eq!(out.matches("statlint check clean").count(), 1, "{out}");
    // Nothing changed since HEAD: nothing to check, exit 0.
    let o = Command::new(env!("CARGO_BIN_EXE_statlint"))
        .current_dir(repo)
        .args(["check", "-q", "--changed-since", "HEAD"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no dataset changed since HEAD"));
}

#[test]
fn a_data_file_argument_checks_its_dataset() {
    // What pre-commit passes: changed files, each standing for its dataset (checked once).
    let (code, out, _) = output(&[
        "check",
        "-q",
        "--select",
        "hierarchy.sum",
        "tests/fixtures/report/submission/tinh.csv",
        "tests/fixtures/report/submission/huyen-095.xlsx",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(
        out.matches("statlint check report-submission").count(),
        1,
        "{out}"
    );
    let (code, _, err) = output(&["check", "README.md"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("README.md: not inside a dataset"), "{err}");
}
