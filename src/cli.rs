//! The command line: clap types only. Each subcommand's arguments are turned into settings by its module
//! under `cmd/`, so the library runs without argv.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Validate reported statistical datasets before they are published.
///
/// A dataset is a folder with a manifest (statlint.toml) that lists its data files (CSV, Excel, Parquet) and
/// its reference tables (areas, indicators, units, targets). statlint loads it into an embedded DuckDB
/// database and runs SQL checks on it.
#[derive(Debug, Parser)]
#[command(name = "statlint", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load a dataset and run the checks on it; exit 0 when nothing reaches --fail-on, 1 when something
    /// does, 2 when the checks could not run.
    Check(CheckArgs),
    /// List the checks, or show one with its parameters and SQL.
    #[command(subcommand)]
    Checks(ChecksCommand),
    /// Load a dataset and run SQL on it: one query, or an interactive prompt when no query is given.
    Sql(SqlArgs),
    /// Load a dataset, report what was read, and optionally keep it as a DuckDB file or Parquet files.
    Load(LoadArgs),
    /// Write a synthetic national panel with planted errors (for benchmarks and scale tests).
    Generate(GenerateArgs),
}

/// Options shared by the commands that load a dataset.
#[derive(Debug, Args)]
pub struct DatasetArgs {
    /// The dataset folder (or its statlint.toml).
    #[arg(value_name = "DATASET")]
    pub dataset: PathBuf,

    /// Keep the loaded data in this DuckDB database file (replaced if it exists) instead of in memory.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,

    /// Do not print what was loaded from each file.
    #[arg(short, long)]
    pub quiet: bool,

    /// DuckDB memory limit, e.g. 2GB.
    #[arg(long, value_name = "SIZE")]
    pub memory_limit: Option<String>,
}

#[derive(Debug, Args)]
pub struct SqlArgs {
    #[command(flatten)]
    pub data: DatasetArgs,

    /// The SQL to run; several statements separated by ';' print the result of the last. Without a query,
    /// an interactive prompt opens.
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,

    /// How to print results.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// Lift the sandbox the SQL otherwise runs in: allow reading and writing files (COPY … TO, read_csv),
    /// attaching databases, loading extensions and changing settings. Only for SQL you wrote yourself.
    #[arg(long)]
    pub unsafe_sql: bool,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    #[command(flatten)]
    pub data: DatasetArgs,

    /// Also write every table as a Parquet file into this folder.
    #[arg(long, value_name = "DIR")]
    pub parquet: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// S: 10 indicators × 2 years (215,000 values); M: 20 × 10 (2.15 million); L: 50 × 20 (10.8 million).
    #[arg(long, value_enum, ignore_case = true, default_value_t = crate::panel::Size::S)]
    pub size: crate::panel::Size,

    /// The folder to write the dataset into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Seed of the generator: the same seed gives the same files.
    #[arg(long, default_value_t = 2025)]
    pub seed: u64,
}

/// Which checks to run and how.
#[derive(Debug, Args)]
pub struct CheckOptions {
    /// A folder of user checks (*.sql, one family per subfolder); repeatable.
    #[arg(long = "checks", value_name = "DIR")]
    pub check_dirs: Vec<PathBuf>,

    /// Run only checks whose id matches (e.g. hierarchy.* ); repeatable.
    #[arg(long, value_name = "PATTERN")]
    pub select: Vec<String>,

    /// Leave out checks whose id matches; repeatable.
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,

    /// Re-grade a check: ID=error|warning|info|off; repeatable.
    #[arg(long, value_name = "ID=LEVEL")]
    pub severity: Vec<String>,

    /// Set a check parameter: ID.NAME=VALUE (e.g. yoy.hb.C=3); repeatable.
    #[arg(long, value_name = "ID.NAME=VALUE")]
    pub param: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Dataset folders, their statlint.toml, or files inside datasets (each stands for its dataset, as
    /// pre-commit passes them). With --changed-since: where to look for datasets (default: here).
    #[arg(value_name = "DATASET")]
    pub datasets: Vec<PathBuf>,

    /// Check only the datasets with files changed since this git revision (committed or not).
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,

    /// Keep the loaded data in this DuckDB database file (one dataset only).
    #[arg(long, value_name = "FILE", conflicts_with = "cache")]
    pub db: Option<PathBuf>,

    /// Keep the loaded data in the load cache ($STATLINT_CACHE_DIR, else ~/.cache/statlint/loads), keyed by
    /// the hashes of the manifest and the data files, and on a re-run with unchanged inputs check the
    /// cached copy instead of reading the files again.
    #[arg(long)]
    pub cache: bool,

    /// Do not print what was loaded from each file.
    #[arg(short, long)]
    pub quiet: bool,

    /// DuckDB memory limit, e.g. 2GB.
    #[arg(long, value_name = "SIZE")]
    pub memory_limit: Option<String>,

    #[command(flatten)]
    pub checks: CheckOptions,

    /// The lowest severity that makes the run fail (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Findings shown per check in the human and Markdown reports (the counts stay exact); 0 shows all.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,

    /// Findings kept per check, in every report; the count of the rest stays exact.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_findings: usize,

    /// Stop a check that runs longer than this (e.g. 90s, 10m, 1h; 0: no limit); it is reported as a check
    /// that could not run. Default: 10m when CI is set, else no limit.
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,

    /// Stop the checks of a dataset after this long in all (0: no limit); the one running and those not yet
    /// started are reported as checks that could not run. Default: 1h when CI is set, else no limit.
    #[arg(long, value_name = "DURATION")]
    pub run_timeout: Option<String>,

    /// Report format on stdout (or --output); github when GITHUB_ACTIONS is set, else human.
    #[arg(short, long, value_enum)]
    pub format: Option<crate::report::Format>,

    /// Write the report to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write a report in another format to a file, e.g. --report junit=junit.xml; repeatable.
    #[arg(long = "report", value_name = "FORMAT=FILE")]
    pub reports: Vec<String>,

    /// An earlier JSON report: mark each finding new or unchanged, and list the fixed ones.
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,

    /// With --baseline: only new findings count for --fail-on.
    #[arg(long, requires = "baseline")]
    pub new_only: bool,
}

#[derive(Debug, Subcommand)]
pub enum ChecksCommand {
    /// List the checks: built-in, from the dataset's manifest and from --checks folders.
    List(ChecksListArgs),
    /// Show one check: description, parameters and SQL.
    Show(ChecksShowArgs),
}

#[derive(Debug, Args)]
pub struct ChecksListArgs {
    /// A dataset whose manifest adds, selects or re-grades checks.
    #[arg(value_name = "DATASET")]
    pub dataset: Option<PathBuf>,

    #[command(flatten)]
    pub checks: CheckOptions,
}

#[derive(Debug, Args)]
pub struct ChecksShowArgs {
    /// The check id, e.g. hierarchy.sum.
    #[arg(value_name = "ID")]
    pub id: String,

    /// A dataset whose manifest adds or re-parameterises checks.
    #[arg(value_name = "DATASET")]
    pub dataset: Option<PathBuf>,

    #[command(flatten)]
    pub checks: CheckOptions,
}

/// When a run fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when there is an error finding.
    Error,
    /// Exit 1 when there is an error or warning finding.
    Warning,
    /// Exit 0 whatever is found (2 still means the checks could not run).
    Never,
}

/// Result formats of `statlint sql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// An aligned table for the terminal.
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects, one per row.
    Json,
    /// A Markdown table.
    Markdown,
}

/// The command line definition, with the version string (which asks DuckDB for its version).
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command().version(crate::version())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        super::command().debug_assert();
    }
}
