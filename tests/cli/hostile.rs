//! Hostile inputs that a committed corpus case cannot hold: named pipes, devices and symlink loops made at
//! test time, a reader that closes the pipe, git revisions that look like options, folder names that look
//! like patterns. Each must end, with a clear message and the right exit code.

use crate::{copy_dir, root, statlint};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `cmd`, killing it (and failing the test) if it has not ended after `secs` seconds.
fn within(mut cmd: Command, secs: u64) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "still running after {secs} s\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The clean fixture dataset, copied into `dir`.
fn clean(dir: &Path) {
    copy_dir(&root().join("tests/fixtures/checks/clean"), dir);
}

/// A new repository in `repo`, then each git command.
fn git(repo: &Path, commands: &[&[&str]]) {
    let setup: [&[&str]; 3] = [
        &["init", "-q"],
        &["config", "user.email", "ci@example.org"],
        &["config", "user.name", "CI"],
    ];
    for args in setup.iter().chain(commands) {
        let ok = Command::new("git")
            .current_dir(repo)
            .args(*args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }
}

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[test]
fn a_named_pipe_as_data_file_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path();
    clean(ds);
    std::fs::remove_file(ds.join("data.csv")).unwrap();
    let made = Command::new("mkfifo").arg(ds.join("data.csv")).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    let mut cmd = statlint();
    cmd.args(["check", "-q", ds.to_str().unwrap()]);
    let out = within(cmd, 60);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("statlint.toml:")
            && err.contains("'data.csv' is a named pipe (FIFO), not a regular file"),
        "{err}"
    );
    // Found by a pattern, the same.
    let manifest = ds.join("statlint.toml");
    let m = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        m.replace("path = \"data.csv\"", "path = \"data*.csv\""),
    )
    .unwrap();
    let mut cmd = statlint();
    cmd.args(["check", "-q", ds.to_str().unwrap()]);
    let out = within(cmd, 60);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("named pipe (FIFO)"), "{}", text(&out));
}

#[test]
fn a_device_as_data_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path();
    clean(ds);
    std::fs::remove_file(ds.join("data.csv")).unwrap();
    // /dev/zero's numbers; making a device needs root, so without it there is nothing to test.
    let made = Command::new("mknod")
        .arg(ds.join("data.csv"))
        .args(["c", "1", "5"])
        .stderr(Stdio::null())
        .status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    let mut cmd = statlint();
    cmd.args(["check", "-q", ds.to_str().unwrap()]);
    let out = within(cmd, 60);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("'data.csv' is a character device, not a regular file"),
        "{}",
        text(&out)
    );
}

#[test]
fn symlink_loops_end_every_walk() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let ds = repo.join("data/a");
    clean(&ds);
    // A loop in a checks folder, under a `**` pattern, and under the --changed-since walk.
    std::fs::create_dir_all(ds.join("checks/local")).unwrap();
    std::fs::write(
        ds.join("checks/local/none.sql"),
        "--! id = \"local.none\"\n--! severity = \"error\"\n--! description = \"nothing\"\nSELECT 'm' AS message WHERE false\n",
    )
    .unwrap();
    symlink(".", &ds.join("checks/local/loop"));
    symlink("..", &ds.join("checks/up"));
    std::fs::create_dir_all(ds.join("parts")).unwrap();
    std::fs::rename(ds.join("data.csv"), ds.join("parts/data.csv")).unwrap();
    symlink(".", &ds.join("parts/again"));
    symlink("..", &ds.join("parts/up"));
    let manifest = ds.join("statlint.toml");
    let m = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        m.replace("path = \"data.csv\"", "path = \"**/data.csv\"")
            + "\n[checks]\npaths = [\"checks\"]\n",
    )
    .unwrap();
    symlink(".", &repo.join("data/loop"));
    let mut cmd = statlint();
    cmd.args(["check", "-q", ds.to_str().unwrap()]);
    let out = within(cmd, 60);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("BROKEN=0"), "{report}");
    let mut cmd = statlint();
    cmd.args(["check", "-q", "--format", "json", ds.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&within(cmd, 60).stdout).unwrap();
    let files: Vec<&str> = json["datasets"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(
        files.len() == 1 && files[0].ends_with("/parts/data.csv"),
        "{files:?}"
    );

    git(
        repo,
        &[
            &["add", "."],
            &["commit", "-qm", "a dataset with symlink loops"],
        ],
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_statlint"));
    cmd.current_dir(repo)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .args(["check", "-q", "--changed-since", "HEAD"]);
    let out = within(cmd, 60);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("no dataset changed since HEAD"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_revision_is_never_an_option_to_git() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    clean(&repo.join("ds"));
    git(repo, &[&["add", "."], &["commit", "-qm", "one dataset"]]);
    let target = repo.join("written-by-git");
    let out = Command::new(env!("CARGO_BIN_EXE_statlint"))
        .current_dir(repo)
        .args([
            "check",
            "-q",
            &format!("--changed-since=--output={}", target.display()),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!target.exists(), "git wrote {}", target.display());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot start with '-'"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_reader_that_stops_early_keeps_the_exit_code() {
    // What `statlint check DS | head -1` does: the pipe closes before the report is written.
    let mut child = statlint()
        .args([
            "check",
            "tests/corpus/negative-not-allowed",
            "--select",
            "structure.*",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn a_folder_named_like_a_pattern_is_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds [2023]");
    clean(&ds);
    let manifest = ds.join("statlint.toml");
    let m = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        m.replace("path = \"data.csv\"", "path = \"data*.csv\""),
    )
    .unwrap();
    let out = statlint()
        .args(["check", "-q", ds.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// A dataset in `dir` whose one data file is `name`.
fn one_file(dir: &Path, name: &str) {
    std::fs::write(
        dir.join("statlint.toml"),
        format!(
            "[dataset]\nname = \"bomb\"\n\n[[area]]\ncode = \"11\"\nname = \"Tỉnh\"\nlevel = \"province\"\n\n\
             [[indicator]]\ncode = \"pop\"\nname = \"Dân số\"\nunit = \"người\"\nclass = \"additive\"\n\n\
             [[file]]\npath = \"{name}\"\n"
        ),
    )
    .unwrap();
}

#[test]
fn a_long_text_shared_by_many_cells_is_refused_before_it_is_copied() {
    let dir = tempfile::tempdir().unwrap();
    one_file(dir.path(), "book.xlsx");
    // One shared string of 32,767 characters (Excel's longest) in 9,000 cells: 295 MB of text from a small
    // file.
    let long = "x".repeat(32_767);
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["area", "indicator", "year", "value", "note"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=9_000u32 {
        ws.write_string(r, 0, "11").unwrap();
        ws.write_string(r, 1, "pop").unwrap();
        ws.write_number(r, 2, 2023).unwrap();
        ws.write_number(r, 3, r).unwrap();
        ws.write_string(r, 4, &long).unwrap();
    }
    book.save(dir.path().join("book.xlsx")).unwrap();
    let mut cmd = statlint();
    cmd.args(["check", "-q", dir.path().to_str().unwrap()]);
    let out = within(cmd, 120);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("more than 256 MiB of text"),
        "{}",
        text(&out)
    );
}

#[test]
fn repeated_ods_cells_are_counted_before_they_are_unpacked() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    one_file(dir.path(), "book.ods");
    // One cell repeated across 16,381 columns and 100,000 rows: 1.6 billion cells from a few hundred bytes.
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row><table:table-cell office:value-type="string"><text:p>area</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="16381" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let file = std::fs::File::create(dir.path().join("book.ods")).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", content),
        ("META-INF/manifest.xml", manifest),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let mut cmd = statlint();
    cmd.args(["check", "-q", dir.path().to_str().unwrap()]);
    let out = within(cmd, 60);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("more than 5000000 non-empty cells"),
        "{}",
        text(&out)
    );
}

#[test]
fn the_checks_of_a_run_stop_at_the_run_timeout() {
    let mut cmd = statlint();
    cmd.args([
        "check",
        "tests/corpus/check-endless",
        "--select",
        "local.*",
        "--run-timeout",
        "1s",
    ]);
    let out = within(cmd, 60);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains(
            "stopped: the checks of this dataset reached their time limit (--run-timeout 1s)"
        ),
        "{}",
        text(&out)
    );
    // A duration that is not one is a usage error, before anything is loaded.
    let out = statlint()
        .args(["check", "tests/corpus/check-endless", "--timeout", "soon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--timeout 'soon': give a duration such as 90s, 10m or 1h"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_hundred_thousand_inline_areas_are_read_in_seconds() {
    // Each entry's line used to be counted from the top of the manifest: quadratic, over a minute here.
    let dir = tempfile::tempdir().unwrap();
    let mut m = String::from(
        "[dataset]\nname = \"many\"\n\n[[area]]\ncode = \"11\"\nname = \"Tỉnh\"\nlevel = \"province\"\n\n",
    );
    for i in 0..100_000 {
        m.push_str(&format!(
            "[[area]]\ncode = \"a{i}\"\nname = \"Xã {i}\"\nlevel = \"commune\"\nparent = \"11\"\n\n"
        ));
    }
    m.push_str("[[indicator]]\ncode = \"pop\"\nname = \"Dân số\"\nunit = \"người\"\nclass = \"additive\"\n\n[[file]]\npath = \"data.csv\"\n");
    std::fs::write(dir.path().join("statlint.toml"), m).unwrap();
    std::fs::write(
        dir.path().join("data.csv"),
        "area,indicator,year,value\n11,pop,2023,5\n",
    )
    .unwrap();
    let mut cmd = statlint();
    cmd.args([
        "sql",
        "-q",
        "--format",
        "csv",
        dir.path().to_str().unwrap(),
        "SELECT count(*) AS n FROM areas",
    ]);
    let out = within(cmd, 30);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "n\n100001\n");
}

#[test]
fn running_out_of_address_space_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("panel");
    let made = statlint()
        .args(["generate", "--size", "s", "--out", ds.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made));
    // 600 MB of address space: not enough to load 215,000 values beside DuckDB's threads.
    let mut cmd = Command::new("sh");
    cmd.current_dir(root()).env("NO_COLOR", "1").args([
        "-c",
        &format!(
            "ulimit -v 600000 && exec {} check -q --select structure.unreadable {}",
            env!("CARGO_BIN_EXE_statlint"),
            ds.display()
        ),
    ]);
    let out = within(cmd, 120);
    let code = out.status.code();
    assert!(
        matches!(code, Some(1 | 2)),
        "ended by a signal: {}",
        text(&out)
    );
    if code == Some(2) {
        assert!(
            String::from_utf8_lossy(&out.stderr).starts_with("statlint: "),
            "{}",
            text(&out)
        );
    }
}
