//! Integration tests: the `statlint` binary on fixture datasets, with insta snapshots of what a person reads.

mod accuracy;
mod cache;
mod checks;
mod corpus;
mod datasets;
mod formulas;
mod generated;
mod help;
mod hostile;
mod load;
mod panel;
mod prop;
mod readonly;
mod repl;
mod reports;
mod sandbox;
mod schema;
mod sql;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The built binary.
pub fn statlint() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_statlint"));
    c.env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("CI")
        .current_dir(root());
    c
}

/// The repository root; commands run from here so paths in output are relative.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture dataset, relative to the repository root.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from("tests/fixtures").join(name)
}

/// Snapshot settings: versions and temporary paths redacted.
pub fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"DuckDB v[0-9][0-9A-Za-z.\-]*", "DuckDB [VERSION]");
    s.add_filter(r"statlint \d+\.\d+\.\d+", "statlint [VERSION]");
    s.add_filter(r"/tmp/\.tmp[A-Za-z0-9]+", "[TMP]");
    s.add_filter(r#""duckdb": "v[^"]+""#, r#""duckdb": "[VERSION]""#);
    s.add_filter(r#""version": "\d+\.\d+\.\d+""#, r#""version": "[VERSION]""#);
    s.set_prepend_module_to_snapshot(false);
    s
}

/// Copies a fixture dataset into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            copy_dir(&p, &to.join(p.file_name().unwrap()));
        } else {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}
