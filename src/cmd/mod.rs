//! Subcommands: each turns its arguments into settings, runs the library and writes its output.

pub mod check;
pub mod checks;
pub mod load;
mod progress;
pub mod sql;

pub use progress::Progress;

use crate::cli::DatasetArgs;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::load::{FileStats, LoadReport};
use crate::manifest::Dataset;
use std::io::Write;

/// Where a command writes: results to `out`, notes and progress to `err`.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Whether stdin and stdout are a terminal (the interactive prompt needs both).
    pub terminal: bool,
    /// Whether `out` may be coloured: a terminal, `NO_COLOR` and `CI` unset.
    pub color: bool,
}

/// How a command ended when it could run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: findings at or above the failure level.
    Failed,
    /// Exit 2: the command ran but part of it could not (a check failed to run); its output is incomplete.
    Incomplete,
}

/// Writes to stderr; a closed stderr is not worth failing for.
pub(crate) fn note(io: &mut Io<'_>, text: &str) {
    let _ = writeln!(io.err, "{text}");
}

pub(crate) fn out(e: std::io::Error) -> Error {
    Error::Output(e)
}

/// Prints what loading a file found.
pub(crate) fn print_file(err: &mut dyn Write, f: &FileStats) {
    let sheet = f
        .sheet
        .as_ref()
        .map(|s| format!(" [{s}]"))
        .unwrap_or_default();
    let n = |k: u64, what: &str| format!("{k} {what}{}", if k == 1 { "" } else { "s" });
    // File names, sheet names and notes come from the dataset: their control characters are shown.
    let sheet = crate::text::escape_controls(&sheet);
    let _ = writeln!(
        err,
        "  {}{sheet}: {}, {}: {} loaded, {} rejected",
        crate::text::escape_controls(&f.file),
        n(f.rows, "row"),
        n(f.values, "value"),
        f.loaded,
        f.rejected
    );
    for n in &f.notes {
        let _ = writeln!(err, "    note: {}", crate::text::escape_controls(n));
    }
}

/// The closing line of what was loaded.
fn total(io: &mut Io<'_>, report: &LoadReport) {
    let rejected = if report.rejected > 0 {
        " (see the rejects table)"
    } else {
        ""
    };
    note(
        io,
        &format!(
            "  total: {} observations, {} rejected values{rejected}",
            report.observations, report.rejected
        ),
    );
}

/// A loaded dataset.
pub struct Session {
    pub db: Db,
    pub dataset: Dataset,
    pub report: LoadReport,
}

/// Reads the manifest and loads the dataset, printing per-file counts unless `quiet`.
pub(crate) fn open(args: &DatasetArgs, io: &mut Io<'_>) -> Result<Session> {
    open_dataset(
        &args.dataset,
        args.db.as_deref(),
        false,
        args.quiet,
        args.memory_limit.clone(),
        io,
    )
}

/// Loads one dataset (into the database file `db` when given, replacing it), or with `cache` opens the load
/// cache's copy of it (see [`crate::cache`]).
pub(crate) fn open_dataset(
    dataset: &std::path::Path,
    db: Option<&std::path::Path>,
    cache: bool,
    quiet: bool,
    memory_limit: Option<String>,
    io: &mut Io<'_>,
) -> Result<Session> {
    let dataset = Dataset::open(dataset)?;
    let options = db::Options {
        memory_limit,
        threads: None,
        read_only: false,
    };
    let entry = if cache {
        Some(crate::cache::Entry::find(&dataset)?)
    } else {
        None
    };
    if let Some(entry) = &entry
        && let Some((db, report)) = entry.open(&options)?
    {
        if !quiet {
            note(
                io,
                &format!(
                    "{} is unchanged since it was loaded into {}",
                    dataset.name,
                    entry.db.display()
                ),
            );
            for f in &report.files {
                print_file(&mut *io.err, f);
            }
            total(io, &report);
        }
        return Ok(Session {
            db,
            dataset,
            report,
        });
    }
    let db = entry.as_ref().map(|e| e.tmp.as_path()).or(db);
    if let Some(path) = db {
        for p in [
            path.to_path_buf(),
            path.with_extension(format!(
                "{}.wal",
                path.extension().map_or("".into(), |e| e.to_string_lossy())
            )),
        ] {
            if p.exists() {
                std::fs::remove_file(&p).map_err(|source| Error::Write {
                    path: p.clone(),
                    source,
                })?;
            }
        }
    }
    let db = Db::open(db, &options)?;
    let load_options = crate::load::LoadOptions::default();
    if !quiet {
        note(
            io,
            &format!(
                "loading {} from {}",
                dataset.name,
                dataset.manifest_path.display()
            ),
        );
    }
    let err = &mut *io.err;
    let progress = Progress::new(None, &format!("loading {}", dataset.name));
    let report = crate::load::load(&db, &dataset, load_options, &mut |f| {
        if !quiet {
            progress.suspend(|| print_file(err, f));
        }
    })?;
    crate::check::prelude(&db)?;
    if crate::check::large(report.observations as u64) {
        // The loader's own copy of the rows is gone: its memory goes back before the checks.
        crate::db::release_freed_memory();
    }
    if let Some(entry) = &entry {
        progress.message("writing the load cache");
        if !entry.store(&db, &report)? && !quiet {
            progress.suspend(|| {
                let _ = writeln!(
                    err,
                    "  note: a data file changed while it was loaded: this load is not kept in the cache"
                );
            });
        }
    }
    drop(progress);
    if !quiet {
        total(io, &report);
    }
    Ok(Session {
        db,
        dataset,
        report,
    })
}
