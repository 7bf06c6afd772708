use crate::{settings, statlint};
use insta_cmd::assert_cmd_snapshot;

#[test]
fn help() {
    settings().bind(|| assert_cmd_snapshot!(statlint().arg("--help")));
}

#[test]
fn sql_help() {
    settings().bind(|| assert_cmd_snapshot!(statlint().args(["sql", "--help"])));
}

#[test]
fn load_help() {
    settings().bind(|| assert_cmd_snapshot!(statlint().args(["load", "--help"])));
}

#[test]
fn version_names_statlint_and_duckdb() {
    let out = statlint().arg("--version").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(
        text.starts_with(&format!("statlint {} (DuckDB v", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
}
