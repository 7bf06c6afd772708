//! statlint: validate reported statistical datasets before they are published.
//!
//! A dataset is a folder with a manifest ([`manifest`]). Its data files are read into one long table of
//! observations with provenance ([`load`]) in an embedded DuckDB database ([`db`]), where SQL checks run.
//! The binary is a thin layer over [`run`].

#[cfg(feature = "engine")]
pub mod cache;
pub mod check;
#[cfg(feature = "engine")]
pub mod cli;
#[cfg(feature = "engine")]
pub mod cmd;
#[cfg(feature = "engine")]
pub mod db;
pub mod error;
pub mod input;
pub mod load;
pub mod manifest;
pub mod number;
pub mod panel;
pub mod period;
#[cfg(feature = "engine")]
pub mod render;
#[cfg(feature = "engine")]
pub mod repl;
#[cfg(feature = "engine")]
pub mod report;
pub mod text;
pub mod timing;
pub mod units;

#[cfg(feature = "engine")]
pub use cmd::{Io, Outcome};
pub use error::{Error, Result};

/// Runs one parsed command line.
#[cfg(feature = "engine")]
pub fn run(cli: cli::Cli, io: &mut Io<'_>) -> Result<Outcome> {
    match &cli.command {
        cli::Command::Check(a) => cmd::check::run(a, io),
        cli::Command::Checks(c) => cmd::checks::run(c, io),
        cli::Command::Sql(a) => cmd::sql::run(a, io),
        cli::Command::Load(a) => cmd::load::run(a, io),
        cli::Command::Generate(a) => {
            let s = panel::generate(a.size, a.seed, &a.out)?;
            let _ = writeln!(
                io.err,
                "wrote {} observations ({} areas, {} indicators, {} years) and {} planted errors to {}",
                s.observations,
                s.areas,
                s.indicators,
                s.years,
                s.planted.len(),
                a.out.display()
            );
            Ok(Outcome::Success)
        }
    }
}

/// `statlint 0.1.0 (DuckDB v1.4.1)`.
#[cfg(feature = "engine")]
pub fn version() -> String {
    format!(
        "{} (DuckDB {})",
        env!("CARGO_PKG_VERSION"),
        db::Db::version()
    )
}
