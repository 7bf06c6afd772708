//! Reports of a check run, for people and for CI.

pub mod human;

use crate::check::Finding;
use crate::cmd::Session;
use std::path::Path;

/// A data file as the report names it: the dataset folder joined with the file's path in the dataset.
pub fn file_path(session: &Session, file: &str) -> String {
    let root = &session.dataset.root;
    if root == Path::new(".") {
        file.to_string()
    } else {
        format!(
            "{}/{file}",
            root.display().to_string().trim_end_matches('/')
        )
    }
}

/// Where a finding is: `file:line`, `file (Sheet!C7)`, or the dataset itself.
pub fn where_(session: &Session, f: &Finding) -> String {
    match &f.location {
        Some(l) => match (l.line, &l.cell) {
            (Some(line), _) => format!("{}:{line}", file_path(session, &l.file)),
            (None, Some(c)) => format!("{} ({c})", file_path(session, &l.file)),
            (None, None) => file_path(session, &l.file),
        },
        None => session.dataset.manifest_path.display().to_string(),
    }
}
