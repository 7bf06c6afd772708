//! The sandbox: user checks and `statlint sql` cannot touch files, the network, extensions, other databases or
//! the settings, and cannot change the data the next check sees; manifest texts cannot inject SQL; DuckDB's
//! memory limit stops a runaway check with a message that says what to do.

use crate::{fixture, root, settings, statlint};
use insta_cmd::assert_cmd_snapshot;
use std::path::Path;
use std::process::Output;

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Where the evil checks try to write.
const TARGETS: &[&str] = &[
    "/tmp/statlint-sandbox-pwned.csv",
    "/tmp/statlint-sandbox-export",
    "/tmp/statlint-sandbox.duckdb",
    "/tmp/statlint-sandbox-profile.json",
];

#[test]
fn malicious_user_checks_fail_naming_the_check_and_change_nothing() {
    let ds = fixture("sandbox");
    settings().bind(|| {
        assert_cmd_snapshot!(statlint().args(["check", "-q", ds.to_str().unwrap()]));
    });
    for t in TARGETS {
        assert!(!Path::new(t).exists(), "a check wrote {t}");
    }
    assert!(!root().join("statlint-sandbox-pwned.parquet").exists());
    let out = statlint()
        .args(["check", "-q", "--format", "json", ds.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = json["datasets"][0]["checks"]
        .as_array()
        .expect("checks in the JSON report");
    let evil: Vec<&serde_json::Value> = checks
        .iter()
        .filter(|c| c["id"].as_str().unwrap().starts_with("evil."))
        .collect();
    assert_eq!(evil.len(), 23);
    for c in evil {
        assert_eq!(c["status"], "error", "{c}");
    }
}

#[test]
fn statlint_sql_cannot_write_files() {
    let ds = fixture("sandbox");
    settings().bind(|| {
        assert_cmd_snapshot!(statlint().args([
            "sql",
            "-q",
            ds.to_str().unwrap(),
            "COPY (SELECT 1) TO 'statlint-sandbox-sql.csv'"
        ]));
    });
    assert!(!root().join("statlint-sandbox-sql.csv").exists());
}

#[test]
fn statlint_sql_cannot_read_files() {
    let ds = fixture("sandbox");
    settings().bind(|| {
        assert_cmd_snapshot!(statlint().args([
            "sql",
            "-q",
            ds.to_str().unwrap(),
            "SELECT * FROM read_text('/etc/passwd')"
        ]));
    });
}

#[test]
fn statlint_sql_cannot_undo_the_sandbox() {
    let ds = fixture("sandbox");
    settings().bind(|| {
        assert_cmd_snapshot!(statlint().args([
            "sql",
            "-q",
            ds.to_str().unwrap(),
            "SET enable_external_access = true; SELECT 1"
        ]));
    });
}

#[test]
fn unsafe_sql_lifts_the_sandbox_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.csv");
    let out = statlint()
        .args([
            "sql",
            "-q",
            "--unsafe-sql",
            fixture("sandbox").to_str().unwrap(),
            &format!(
                "COPY (SELECT area, value FROM observations ORDER BY rowid) TO '{}'",
                target.display()
            ),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", text(&out));
    let csv = std::fs::read_to_string(&target).unwrap();
    assert_eq!(csv, "area,value\n11,100.5\n094,60.2\n095,40.3\n");
}

#[test]
fn spilling_goes_to_a_private_temporary_folder_duckdb_knows_by_a_handle() {
    let tmp = tempfile::tempdir().unwrap();
    // Spilling works there: a sort of 150 MB of text under a 100 MB limit.
    let out = statlint()
        .env("TMPDIR", tmp.path())
        .args([
            "sql",
            "-q",
            "--format",
            "csv",
            "--memory-limit",
            "100MB",
            fixture("sandbox").to_str().unwrap(),
            "SELECT current_setting('temp_directory') AS t, \
                    (SELECT max(s) FROM (SELECT md5(r::VARCHAR) || md5((r + 1)::VARCHAR) AS s \
                     FROM range(4000000) t(r) ORDER BY s DESC LIMIT 3000000)) AS m",
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("fffffe98d0963d27"), "{stdout}");
    // The folder's name is random, and DuckDB knows it by a handle, which is what the checks see.
    let tmp_name = tmp.path().to_string_lossy().into_owned();
    let t = stdout.lines().nth(1).expect("one row");
    assert!(t.starts_with("/proc/self/fd/"), "{stdout}");
    assert!(
        !t.contains(&tmp_name) && !t.contains("statlint-"),
        "{stdout}"
    );
    // The folder goes with the database.
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?} left behind");
}

#[test]
fn a_check_over_the_memory_limit_names_the_check_and_the_flag() {
    let out = statlint()
        .args([
            "check",
            "-q",
            "tests/fixtures/checks-user",
            "--checks",
            "tests/fixtures/memory/checks",
            "--select",
            "memory.*",
            "--memory-limit",
            "50MB",
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    let block = stdout
        .split("COULD NOT RUN")
        .nth(1)
        .unwrap_or_else(|| panic!("no COULD NOT RUN section in\n{stdout}"));
    assert!(
        block.contains("memory.cross_join (tests/fixtures/memory/checks/memory/cross_join.sql)"),
        "{stdout}"
    );
    assert!(block.contains("Out of Memory Error"), "{stdout}");
    assert!(
        block.contains("raise it with --memory-limit (e.g. --memory-limit 8GB)"),
        "{stdout}"
    );
    // DuckDB's advice to SET the limit cannot be followed in a locked database: it is not repeated.
    assert!(!block.contains("SET memory_limit"), "{stdout}");
    assert!(stderr.contains("1 check could not run"), "{stderr}");
}

#[test]
fn an_invalid_memory_limit_is_a_usage_error() {
    settings().bind(|| {
        assert_cmd_snapshot!(statlint().args([
            "sql",
            "-q",
            "--memory-limit",
            "lots",
            fixture("sandbox").to_str().unwrap(),
            "SELECT 1"
        ]));
    });
}

/// A manifest whose every free text (title, names, file name, sheet name, column headers) reads as SQL, and
/// data whose cells do too.
fn hostile_dataset(dir: &Path) {
    const EVIL: &str = "'); DROP TABLE observations; --";
    let manifest = r#"
[dataset]
name = "hostile"
title = "x'); DROP TABLE observations; --"
description = "\"; DETACH memory; --"

[[area]]
code = "11"
name = "Tỉnh'); DROP TABLE observations; --"
level = "province"

[[area]]
code = "094"
name = "Huyện \"Mường\"; DELETE FROM areas; --"
level = "district"
parent = "11"

[[indicator]]
code = "rev"
name = "Thu'); DROP TABLE observations; --"
name_en = "it's; --"
unit = "tỷ đồng"
class = "additive"
description = "'; SELECT 1; --"

[[file]]
path = "d'ata; DROP TABLE files; --.csv"
locale = "vi"
columns = { area = "Mã'); DROP TABLE observations; --", indicator = "Chỉ \"tiêu\"", year = "Năm;", value = "Giá trị'" }

[[file]]
path = "b'ook; --.xlsx"
sheet = "Bi'ểu; 01"
locale = "vi"
columns = { area = "Mã\"; --", indicator = "x' OR '1'='1", year = "năm", value = "v'); --" }
"#;
    std::fs::write(dir.join("statlint.toml"), manifest).unwrap();
    let csv = format!(
        "\"Mã'); DROP TABLE observations; --\",\"Chỉ \"\"tiêu\"\"\",\"Năm;\",\"Giá trị'\"\n\
         11,rev,2023,\"1.234,5\"\n\
         094,rev,2023,\"{EVIL}\"\n\
         094,Thu{EVIL},2022,\"12,5\"\n"
    );
    std::fs::write(dir.join("d'ata; DROP TABLE files; --.csv"), csv).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Bi'ểu; 01").unwrap();
    for (c, h) in ["Mã\"; --", "x' OR '1'='1", "năm", "v'); --"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "094").unwrap();
    sheet.write_string(1, 1, "rev").unwrap();
    sheet.write_number(1, 2, 2023).unwrap();
    sheet.write_string(1, 3, "1.222,3").unwrap();
    sheet.write_string(2, 0, "11").unwrap();
    sheet.write_string(2, 1, "rev").unwrap();
    sheet.write_number(2, 2, 2022).unwrap();
    sheet.write_string(2, 3, EVIL).unwrap();
    book.save(dir.join("b'ook; --.xlsx")).unwrap();
}

fn sql_json(dir: &Path, query: &str) -> serde_json::Value {
    let out = statlint()
        .args([
            "sql",
            "-q",
            "--format",
            "json",
            dir.to_str().unwrap(),
            query,
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{query}: {stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn manifest_texts_cannot_inject_sql() {
    let dir = tempfile::tempdir().unwrap();
    hostile_dataset(dir.path());
    let data = sql_json(
        dir.path(),
        "SELECT area, indicator, year, value::VARCHAR AS value, value_text, file, line, cell, source_column \
         FROM observations ORDER BY file, line, cell",
    );
    let rejects = sql_json(
        dir.path(),
        "SELECT file, line, cell, source_column, raw, reason FROM rejects ORDER BY file, line, cell",
    );
    let reference = sql_json(
        dir.path(),
        "SELECT (SELECT list(name ORDER BY code) FROM areas) AS areas, \
                (SELECT list(name || ' / ' || name_en || ' / ' || description) FROM indicators) AS indicators, \
                (SELECT list(file ORDER BY file) FROM files) AS files, \
                (SELECT list(sheet ORDER BY file) FROM files) AS sheets, \
                (SELECT title || ' / ' || description FROM dataset) AS dataset",
    );
    settings().bind(|| {
        insta::assert_json_snapshot!(
            "manifest_texts_cannot_inject_sql",
            serde_json::json!({ "data": data, "rejects": rejects, "reference": reference })
        )
    });
    assert_eq!(data.as_array().unwrap().len(), 3);
    assert_eq!(rejects.as_array().unwrap().len(), 2);
    let reference = reference.to_string();
    for s in [
        "Tỉnh'); DROP TABLE observations; --",
        "Huyện \\\"Mường\\\"; DELETE FROM areas; --",
        "d'ata; DROP TABLE files; --.csv",
        "b'ook; --.xlsx",
        "Bi'ểu; 01",
    ] {
        assert!(reference.contains(s), "{s} not in {reference}");
    }
    // And the checks run on it.
    let out = statlint()
        .args(["check", "-q", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_ne!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(!stdout.contains("COULD NOT RUN"), "{stdout}");
}

#[test]
fn a_hostile_area_code_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("statlint.toml"),
        "[dataset]\nname = \"x\"\n\n[[area]]\ncode = \"11'); DROP TABLE areas; --\"\nname = \"a\"\nlevel = \"province\"\n",
    )
    .unwrap();
    let out = statlint()
        .args(["sql", "-q", dir.path().to_str().unwrap(), "SELECT 1"])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("statlint.toml"), "{stderr}");
    assert!(stderr.contains("11'); DROP TABLE areas; --"), "{stderr}");
}
