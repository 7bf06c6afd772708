//! `statlint check`: find the datasets to check, load each, run the check library, write the reports, and
//! exit by the worst finding.

use super::{Io, Outcome, note, out};
use crate::check::{self, Check, Selection};
use crate::cli::{CheckArgs, CheckOptions};
use crate::error::{Error, Result};
use crate::manifest::{Dataset, MANIFEST};
use crate::report::{self, DatasetRun, Format, Run};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

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
    if let Some(ds) = ds {
        let mut sel = Selection {
            select: ds.checks.select.clone(),
            exclude: ds.checks.exclude.clone(),
            severity: ds
                .checks
                .severity
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            params: vec![],
        };
        for (id, table) in &ds.checks.params {
            for (name, value) in table {
                sel.params.push((id.clone(), name.clone(), value.clone()));
            }
        }
        checks = check::select(checks, &sel, &ds.manifest_path)?;
    }
    let mut sel = Selection {
        select: opts.select.clone(),
        exclude: opts.exclude.clone(),
        ..Default::default()
    };
    for s in &opts.severity {
        sel.severity.push(check::parse_severity(s)?);
    }
    for p in &opts.param {
        sel.params.push(check::parse_param(p)?);
    }
    check::select(checks, &sel, Path::new("command line"))
}

/// The dataset folder an argument stands for: a folder with a manifest, a manifest, or a file inside a
/// dataset (the nearest folder above it with a manifest).
fn dataset_of(arg: &Path) -> Result<PathBuf> {
    if arg.is_dir() {
        return Ok(arg.to_path_buf());
    }
    if !arg.exists() {
        return Err(Error::Usage(format!(
            "{}: no such dataset folder or file",
            arg.display()
        )));
    }
    if arg.file_name().is_some_and(|n| n == MANIFEST) {
        return Ok(arg
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from(".")));
    }
    let mut dir = arg.parent();
    while let Some(d) = dir {
        let d = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        if d.join(MANIFEST).is_file() {
            return Ok(d.to_path_buf());
        }
        dir = if d == Path::new(".") {
            None
        } else {
            d.parent()
        };
    }
    Err(Error::Usage(format!(
        "{}: not inside a dataset (no {MANIFEST} in its folder or above)",
        arg.display()
    )))
}

/// Every dataset folder under `root` (not descending into hidden folders or `target`). Each folder is
/// visited once, by its resolved path, so a symlink back up the tree (`a -> .`) cannot make the walk endless.
fn find_datasets(root: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    find_datasets_in(root, &mut BTreeSet::new(), out)
}

fn find_datasets_in(
    root: &Path,
    seen: &mut BTreeSet<PathBuf>,
    out: &mut Vec<PathBuf>,
) -> Result<()> {
    let read = |source| Error::Read {
        path: root.to_path_buf(),
        source,
    };
    if !seen.insert(root.canonicalize().map_err(read)?) {
        return Ok(());
    }
    if root.join(MANIFEST).is_file() {
        out.push(root.to_path_buf());
    }
    let entries = std::fs::read_dir(root).map_err(read)?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let name = d
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if !name.starts_with('.') && name != "target" {
            find_datasets_in(&d, seen, out)?;
        }
    }
    Ok(())
}

fn git(args: &[&str]) -> Result<Vec<u8>> {
    let o = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| Error::Usage(format!("cannot run git: {e}")))?;
    if !o.status.success() {
        return Err(Error::Usage(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr).trim()
        )));
    }
    Ok(o.stdout)
}

/// Files changed since `rev` (committed, staged, unstaged or new), as absolute paths.
fn changed_files(rev: &str) -> Result<Vec<PathBuf>> {
    // A revision is never an option: `--output=FILE` would make git write a file.
    if rev.starts_with('-') || rev.is_empty() {
        return Err(Error::Usage(format!(
            "--changed-since '{rev}': a git revision (a branch, tag or commit) cannot start with '-'"
        )));
    }
    let top =
        PathBuf::from(String::from_utf8_lossy(&git(&["rev-parse", "--show-toplevel"])?).trim());
    let mut files = Vec::new();
    for out in [
        git(&["diff", "--name-only", "-z", "--end-of-options", rev, "--"])?,
        git(&["ls-files", "--others", "--exclude-standard", "-z"])?,
    ] {
        for name in out.split(|b| *b == 0).filter(|n| !n.is_empty()) {
            files.push(top.join(String::from_utf8_lossy(name).as_ref()));
        }
    }
    Ok(files)
}

/// The datasets a run checks, with a note on how they were chosen.
fn datasets(args: &CheckArgs, io: &mut Io<'_>) -> Result<Vec<PathBuf>> {
    let Some(rev) = &args.changed_since else {
        if args.datasets.is_empty() {
            return Err(Error::Usage(
                "give a dataset folder to check (or --changed-since REV)".into(),
            ));
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for a in &args.datasets {
            let d = dataset_of(a)?;
            let key = d.canonicalize().unwrap_or_else(|_| d.clone());
            if seen.insert(key) {
                out.push(d);
            }
        }
        return Ok(out);
    };
    let roots = if args.datasets.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.datasets.clone()
    };
    let mut all = Vec::new();
    for r in &roots {
        find_datasets(r, &mut all)?;
    }
    let changed = changed_files(rev)?;
    let mut picked = Vec::new();
    for d in all {
        let abs = d.canonicalize().map_err(|source| Error::Read {
            path: d.clone(),
            source,
        })?;
        let n = changed.iter().filter(|f| f.starts_with(&abs)).count();
        if n > 0 {
            note(
                io,
                &format!(
                    "{}: {n} file{} changed since {rev}: checking it",
                    d.display(),
                    if n == 1 { "" } else { "s" }
                ),
            );
            picked.push(d);
        } else {
            note(io, &format!("{}: unchanged since {rev}", d.display()));
        }
    }
    if picked.is_empty() {
        note(io, &format!("no dataset changed since {rev}"));
    }
    Ok(picked)
}

/// BLAKE3 over the manifest and the hashes of the data files: changes when any input changes.
fn fingerprint(manifest: &Path, files: &[crate::load::FileStats]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(&std::fs::read(manifest).unwrap_or_default());
    for f in files {
        h.update(f.file.as_bytes());
        h.update(f.blake3.as_bytes());
    }
    h.finalize().to_hex()[..32].to_string()
}

/// A time limit from the command line (`90`, `90s`, `10m`, `1h`, `1.5s`; `0`: none), or the default in CI
/// (`CI` set): a runaway check should fail the job, not hold it until the CI system kills it unexplained.
fn duration(flag: &str, given: Option<&str>, ci_default_secs: u64) -> Result<Option<Duration>> {
    let Some(text) = given else {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        return Ok(ci.then(|| Duration::from_secs(ci_default_secs)));
    };
    let t = text.trim();
    let (number, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let scale = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => f64::NAN,
    };
    let secs = number.trim().parse::<f64>().ok().map(|n| n * scale);
    match secs {
        Some(0.0) => Ok(None),
        Some(s) if s.is_finite() && s > 0.0 && s < 1e9 => Ok(Some(Duration::from_secs_f64(s))),
        _ => Err(Error::Usage(format!(
            "{flag} '{text}': give a duration such as 90s, 10m or 1h (0: no limit)"
        ))),
    }
}

fn check_one(
    root: &Path,
    args: &CheckArgs,
    limits: &check::Limits,
    io: &mut Io<'_>,
) -> Result<DatasetRun> {
    let t = crate::timing::span("open and load");
    let session = super::open_dataset(
        root,
        args.db.as_deref(),
        args.cache,
        args.quiet,
        args.memory_limit.clone(),
        io,
    )?;
    drop(t);
    let checks = library(Some(&session.dataset), &args.checks)?;
    let side_by_side = check::side_by_side(session.report.observations as u64);
    if side_by_side {
        session
            .db
            .batch("SET threads = 1", "cannot set DuckDB's threads")?;
    }
    session.db.sandbox()?;
    let _t = crate::timing::span("checks");
    let progress = super::Progress::new(Some(checks.len() as u64), "checks");
    let report = check::run(
        &session.db,
        &session.dataset,
        checks,
        side_by_side,
        limits,
        &mut |r| {
            progress.message(&r.check.id);
            progress.step();
        },
    );
    drop(progress);
    Ok(DatasetRun {
        name: session.dataset.name.clone(),
        root: root.to_path_buf(),
        manifest: session.dataset.manifest_path.clone(),
        fingerprint: fingerprint(&session.dataset.manifest_path, &session.report.files),
        files: session.report.files.clone(),
        observations: session.report.observations,
        rejected: session.report.rejected,
        report,
        status: None,
        fixed: vec![],
    })
}

fn write_to(path: &Path, run: &Run, format: Format) -> Result<()> {
    let mut f = std::fs::File::create(path).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })?;
    report::write(run, format, &mut f, false).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

pub fn run(args: &CheckArgs, io: &mut Io<'_>) -> Result<Outcome> {
    let extra: Vec<(Format, PathBuf)> = args
        .reports
        .iter()
        .map(|r| {
            let (f, path) = r.split_once('=').ok_or_else(|| Error::Usage(format!("--report '{r}': expected FORMAT=FILE")))?;
            let format = <Format as clap::ValueEnum>::from_str(f, true)
                .map_err(|_| Error::Usage(format!("--report '{r}': unknown format '{f}' (human, json, junit, github, markdown, sarif, csv)")))?;
            Ok((format, PathBuf::from(path)))
        })
        .collect::<Result<_>>()?;
    let baseline = args
        .baseline
        .as_deref()
        .map(report::baseline::Baseline::read)
        .transpose()?;
    let limits = check::Limits {
        per_check: duration("--timeout", args.timeout.as_deref(), 600)?,
        run: duration("--run-timeout", args.run_timeout.as_deref(), 3600)?,
        max_findings: Some(args.max_findings.max(1)),
    };
    let roots = datasets(args, io)?;
    if args.db.is_some() && roots.len() > 1 {
        return Err(Error::Usage(
            "--db keeps one dataset; give one dataset".into(),
        ));
    }
    let mut run = Run {
        datasets: Vec::new(),
        fail_on: args.fail_on,
        new_only: args.new_only,
        limit: args.limit,
    };
    for root in &roots {
        let mut d = check_one(root, args, &limits, io)?;
        if let Some(b) = &baseline {
            b.apply(&mut d);
        }
        run.datasets.push(d);
    }
    let format = args.format.unwrap_or(
        if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
            Format::Github
        } else {
            Format::Human
        },
    );
    let _t = crate::timing::span("report");
    match &args.output {
        Some(path) => write_to(path, &run, format)?,
        None => {
            match report::write(&run, format, io.out, io.color && format == Format::Human) {
                // A reader that stopped early (`| head`) does not change what was found: the exit code
                // still says it, so `set -o pipefail` keeps a failing step failing.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                written => written.map_err(out)?,
            }
        }
    }
    for (f, path) in &extra {
        write_to(path, &run, *f)?;
    }
    let broken: usize = run.datasets.iter().map(|d| d.report.broken()).sum();
    if broken > 0 {
        note(
            io,
            &format!(
                "statlint: {broken} check{} could not run; the report is incomplete",
                if broken == 1 { "" } else { "s" }
            ),
        );
    }
    Ok(match run.exit_code() {
        0 => Outcome::Success,
        1 => Outcome::Failed,
        _ => Outcome::Incomplete,
    })
}
