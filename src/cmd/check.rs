//! `statlint check`: load, run the check library, report, and exit by the worst finding.

use super::{Io, Outcome, note, out};
use crate::check::{self, Check, Selection};
use crate::cli::{CheckArgs, CheckOptions, FailOn};
use crate::error::Result;
use crate::manifest::Dataset;
use std::path::PathBuf;

/// The checks for a run: built-in, the manifest's folders, the command line's folders; then the manifest's
/// selection and overrides, then the command line's.
pub fn library(ds: Option<&Dataset>, opts: &CheckOptions) -> Result<Vec<Check>> {
    let mut checks = check::builtin();
    if let Some(ds) = ds {
        for p in &ds.checks.paths {
            checks.extend(check::load_dir(&ds.resolve_path(p)?)?);
        }
    }
    for d in &opts.check_dirs {
        checks.extend(check::load_dir(d)?);
    }
    let mut sel = Selection::default();
    let mut origin = PathBuf::from("command line");
    if let Some(ds) = ds {
        origin = ds.manifest_path.clone();
        sel.select = ds.checks.select.clone();
        sel.exclude = ds.checks.exclude.clone();
        sel.severity = ds
            .checks
            .severity
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (id, table) in &ds.checks.params {
            for (name, value) in table {
                sel.params.push((id.clone(), name.clone(), value.clone()));
            }
        }
        // The manifest's selection is checked against the library first, with the manifest as the place.
        checks = check::select(checks, &sel, &origin)?;
        sel = Selection::default();
        origin = PathBuf::from("command line");
    }
    if !opts.select.is_empty() {
        sel.select = opts.select.clone();
    }
    sel.exclude = opts.exclude.clone();
    for s in &opts.severity {
        sel.severity.push(check::parse_severity(s)?);
    }
    for p in &opts.param {
        sel.params.push(check::parse_param(p)?);
    }
    check::select(checks, &sel, &origin)
}

pub fn run(args: &CheckArgs, io: &mut Io<'_>) -> Result<Outcome> {
    let session = super::open(&args.data, io)?;
    let checks = library(Some(&session.dataset), &args.checks)?;
    session.db.sandbox()?;
    let report = check::run(&session.db, &session.dataset, checks, &mut |_| {});
    crate::report::human::write(&report, &session, args.limit, args.fail_on, io.out)
        .map_err(out)?;
    let broken = report.broken();
    if broken > 0 {
        note(
            io,
            &format!(
                "statlint: {broken} check{} could not run; the report is incomplete",
                if broken == 1 { "" } else { "s" }
            ),
        );
        return Ok(Outcome::Incomplete);
    }
    Ok(if fails(&report, args.fail_on) {
        Outcome::Failed
    } else {
        Outcome::Success
    })
}

/// Whether any finding reaches the failure level.
pub fn fails(report: &check::Report, fail_on: FailOn) -> bool {
    let (e, w, _) = report.counts();
    match fail_on {
        FailOn::Error => e > 0,
        FailOn::Warning => e + w > 0,
        FailOn::Never => false,
    }
}

/// The exit code a report gives.
pub fn exit_code(report: &check::Report, fail_on: FailOn) -> u8 {
    if report.broken() > 0 {
        2
    } else if fails(report, fail_on) {
        1
    } else {
        0
    }
}
