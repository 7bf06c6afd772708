//! The interactive prompt, driven through a pseudo-terminal.

use crate::{fixture, root};
use std::process::Command;

#[test]
fn the_prompt_runs_queries_over_several_lines_and_meta_commands() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_statlint"));
    cmd.current_dir(root())
        .env("STATLINT_HISTORY", dir.path().join("history"))
        .env("NO_COLOR", "1")
        .args(["sql", "-q", fixture("load/wide-csv").to_str().unwrap()]);
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    p.exp_string("statlint> ").unwrap();
    p.send_line("SELECT count(*) AS n").unwrap();
    p.exp_string("...> ").unwrap();
    p.send_line("FROM observations WHERE year = 2022;").unwrap();
    p.exp_string("1 row").unwrap();
    p.exp_string("statlint> ").unwrap();
    p.send_line(".tables").unwrap();
    p.exp_string("observations").unwrap();
    p.exp_string("statlint> ").unwrap();
    p.send_line(".schema rejects").unwrap();
    p.exp_string("source_column").unwrap();
    p.exp_string("statlint> ").unwrap();
    p.send_line("select * from nowhere;").unwrap();
    p.exp_string("error: Catalog Error").unwrap();
    p.exp_string("statlint> ").unwrap();
    // Ctrl-C abandons the statement being typed and keeps the session.
    p.send("select 1").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("statlint> ").unwrap();
    p.send_line(".quit").unwrap();
    p.exp_eof().unwrap();
    let history = std::fs::read_to_string(dir.path().join("history")).unwrap();
    assert!(
        history.contains("FROM observations WHERE year = 2022;"),
        "{history}"
    );
}

#[test]
fn ctrl_c_cancels_a_running_query_and_keeps_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_statlint"));
    cmd.current_dir(root())
        .env("STATLINT_HISTORY", dir.path().join("history"))
        .args(["sql", "-q", fixture("load/wide-csv").to_str().unwrap()]);
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    p.exp_string("statlint> ").unwrap();
    p.send_line(
        "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range * b.range = -1;",
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    p.send_control('c').unwrap();
    p.exp_string("query cancelled").unwrap();
    p.exp_string("statlint> ").unwrap();
    p.send_line("select 6*7 as answer;").unwrap();
    p.exp_string("42").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

/// On a terminal, a run that lasts over a second draws its progress from another thread while the run
/// writes to stderr too: it must show the progress and finish.
#[test]
fn a_long_run_on_a_terminal_shows_progress_and_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_statlint"))
        .args(["generate", "--size", "S", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(status.status.success());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_statlint"));
    cmd.current_dir(root())
        .env("NO_COLOR", "1")
        .env("STATLINT_PROGRESS_DELAY_MS", "0")
        .args(["check", "--limit", "1"])
        .arg(dir.path());
    let mut p = rexpect::session::spawn_command(cmd, Some(60_000)).unwrap();
    p.exp_regex(r"\[=*>? *\] \d+/\d+").unwrap();
    p.exp_string("Done. CHECKS=").unwrap();
    p.exp_eof().unwrap();
}
