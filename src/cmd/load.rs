//! `statlint load`: load a dataset, report what each file gave, keep it as DuckDB or Parquet.

use super::{Io, Outcome, note};
use crate::cli::LoadArgs;
use crate::error::{Error, Result};

/// The tables written by `--parquet`, in order.
pub const TABLES: &[&str] = &[
    "observations",
    "rejects",
    "areas",
    "indicators",
    "units",
    "targets",
    "files",
    "dataset",
];

pub fn run(args: &LoadArgs, io: &mut Io<'_>) -> Result<Outcome> {
    let session = super::open(&args.data, io)?;
    if let Some(dir) = &args.parquet {
        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        for t in TABLES {
            let file = dir.join(format!("{t}.parquet"));
            // COPY takes the file name as a literal; the table name is one of ours.
            let target = file.display().to_string().replace('\'', "''");
            session.db.batch(
                &format!("COPY {t} TO '{target}' (FORMAT parquet)"),
                &format!("cannot write {}", file.display()),
            )?;
        }
        if !args.data.quiet {
            note(
                io,
                &format!(
                    "wrote {} tables as Parquet into {}",
                    TABLES.len(),
                    dir.display()
                ),
            );
        }
    }
    if let Some(db) = &args.data.db {
        session
            .db
            .batch("CHECKPOINT", "cannot write the database file")?;
        if !args.data.quiet {
            note(io, &format!("wrote the database to {}", db.display()));
        }
    }
    Ok(Outcome::Success)
}
