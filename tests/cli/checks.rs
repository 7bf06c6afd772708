//! The check library on its fixtures: every built-in check passes the consistent dataset and fails its
//! own fixture (one snapshot per fixture); user checks are found, re-graded and listed.

use crate::{root, settings, statlint};
use insta_cmd::assert_cmd_snapshot;
use std::path::Path;

fn dir_name(manifest: &Path) -> String {
    manifest
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string()
}

#[test]
fn each_check_fixture() {
    insta::glob!("../fixtures", "checks/*/statlint.toml", |manifest| {
        let id = dir_name(manifest);
        let ds = manifest
            .parent()
            .unwrap()
            .strip_prefix(root())
            .unwrap()
            .display()
            .to_string();
        let mut cmd = statlint();
        cmd.args(["check", "-q", "--limit", "0", &ds]);
        if id != "clean" {
            cmd.args(["--select", &id]);
        }
        let out = cmd.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let summary = text.lines().last().unwrap_or_default().to_string();
        if id == "clean" {
            assert_eq!(out.status.code(), Some(0), "{text}");
            assert!(
                summary.contains("FAIL=0 BROKEN=0 ERRORS=0 WARNINGS=0 INFO=0"),
                "{summary}"
            );
        } else {
            assert!(
                summary.contains("CHECKS=1 PASS=0 FAIL=1 BROKEN=0"),
                "{id}: {summary}"
            );
        }
        settings().bind(|| assert_cmd_snapshot!(cmd));
    });
}

#[test]
fn every_built_in_check_has_a_failing_fixture() {
    for c in statlint::check::builtin() {
        let dir = root().join("tests/fixtures/checks").join(&c.id);
        assert!(
            dir.join("statlint.toml").is_file(),
            "no fixture for {} in {}",
            c.id,
            dir.display()
        );
    }
}

#[test]
fn user_checks_are_found_regraded_and_listed() {
    settings().bind(|| {
        assert_cmd_snapshot!(statlint().args(["checks", "list", "tests/fixtures/checks-user"]))
    });
    settings().bind(|| {
        assert_cmd_snapshot!(statlint().args([
            "check",
            "-q",
            "--select",
            "local.*",
            "tests/fixtures/checks-user"
        ]))
    });
}

#[test]
fn a_user_check_that_cannot_run_is_an_error_not_a_pass() {
    settings().bind(|| {
        assert_cmd_snapshot!(statlint().args([
            "check",
            "-q",
            "--select",
            "local.*",
            "tests/fixtures/checks-broken"
        ]))
    });
}

#[test]
fn the_command_line_regrades_and_reparameterises() {
    let out = statlint()
        .args([
            "check",
            "-q",
            "--select",
            "yoy.hb",
            "--severity",
            "yoy.hb=error",
            "--param",
            "yoy.hb.C=100",
            "tests/fixtures/checks/yoy.hb",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // With C = 100 the planted outlier is inside the bounds.
    assert!(text.contains("PASS=1 FAIL=0"), "{text}");
    let out = statlint()
        .args([
            "check",
            "-q",
            "--select",
            "yoy.hb",
            "--severity",
            "yoy.hb=error",
            "tests/fixtures/checks/yoy.hb",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a re-graded warning fails the run"
    );
}

#[test]
fn a_parameter_for_no_check_is_a_usage_error() {
    settings().bind(|| {
        assert_cmd_snapshot!(statlint().args([
            "check",
            "-q",
            "--param",
            "yoy.hb.K=3",
            "tests/fixtures/checks/clean"
        ]))
    });
}

/// A parameter value outside the domain its check declares is refused, naming the allowed values: a
/// misspelt mode must not run a check with a mode it does not have.
#[test]
fn a_parameter_outside_its_domain_is_an_error() {
    settings().bind(|| {
        assert_cmd_snapshot!(statlint().args([
            "check",
            "-q",
            "--param",
            "hierarchy.sum.mode=partial",
            "tests/fixtures/checks/clean"
        ]))
    });
    let out = statlint()
        .args([
            "check",
            "-q",
            "--param",
            "yoy.hb.C=-1",
            "tests/fixtures/checks/clean",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 0"));
}

#[test]
fn show_prints_description_parameters_and_sql() {
    let out = statlint()
        .args(["checks", "show", "yoy.hb"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for want in [
        "yoy.hb  (warning, yoy)",
        "Hidiroglou",
        "  U = 0.5",
        "  C = 4.0",
        "  min_group = 4",
        "quantile_cont",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

/// `structure.missing_report` counts the (area, indicator, year) keys reported: a key reported for the year
/// and for its quarters counts once, and so does a key reported by quarter only.
#[test]
fn missing_report_counts_each_reported_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = root().join("tests/fixtures/checks/structure.missing_report");
    for f in ["areas.csv", "indicators.csv"] {
        std::fs::copy(fixture.join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(
        dir.path().join("statlint.toml"),
        "[dataset]\nname = \"quarters\"\nfirst_year = 2021\nlast_year = 2021\n\n\
         [reference]\nareas = \"areas.csv\"\nindicators = \"indicators.csv\"\n\n\
         [[file]]\npath = \"data.csv\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("data.csv"),
        "area,indicator,year,period,value\n\
         11,budget_revenue,2021,,900\n\
         094,budget_revenue,2021,,400\n\
         094,budget_revenue,2021,Q1,100\n\
         094,budget_revenue,2021,Q2,100\n\
         095,budget_revenue,2021,Q1,30\n\
         095,budget_revenue,2021,Q2,30\n\
         095,budget_revenue,2021,Q2,30\n",
    )
    .unwrap();
    let out = statlint()
        .args([
            "check",
            "-q",
            "--format",
            "json",
            "--select",
            "structure.missing_report",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let check = &report["datasets"][0]["checks"][0];
    assert_eq!(check["id"], "structure.missing_report");
    // 11, 094 and 095 in 2021; the repeated Q2 row of 095 is a duplicate of a key already counted.
    assert_eq!(check["items"], 3, "{check}");
}
