//! Reports of a check run, for people (human, Markdown, CSV) and for CI (JSON, JUnit, GitHub annotations,
//! SARIF). One run may cover several datasets (`--changed-since`, several arguments).

pub mod baseline;
pub mod csv;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

use crate::check::{CheckResult, Finding, Report, Severity};
use crate::cli::FailOn;
use crate::load::FileStats;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings grouped by severity and check, for a terminal or a log.
    Human,
    /// Everything, in statlint's versioned JSON schema (see the README).
    Json,
    /// JUnit XML: one test case per check.
    Junit,
    /// GitHub Actions workflow commands (annotations), after the human report.
    Github,
    /// Markdown for pull-request comments and e-mail.
    Markdown,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// One row per finding, UTF-8 with a byte order mark so Excel keeps Vietnamese text.
    Csv,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Sarif => "sarif",
            Format::Csv => "csv",
        }
    }
}

/// Whether a finding was in the baseline report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    New,
    Unchanged,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Unchanged => "unchanged",
        }
    }
}

/// A finding of the baseline that is no longer found.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Fixed {
    pub check: String,
    pub fingerprint: String,
    pub message: String,
}

/// The result of checking one dataset.
#[derive(Debug, Clone)]
pub struct DatasetRun {
    pub name: String,
    /// The dataset folder as given on the command line: report paths start with it.
    pub root: PathBuf,
    pub manifest: PathBuf,
    /// BLAKE3 of the manifest and every data file's hash.
    pub fingerprint: String,
    pub files: Vec<FileStats>,
    pub observations: usize,
    pub rejected: u64,
    pub report: Report,
    /// With a baseline: the status of each finding, by check and position in `report`.
    pub status: Option<Vec<Vec<Status>>>,
    pub fixed: Vec<Fixed>,
}

impl DatasetRun {
    /// A data file as reports name it: the dataset folder joined with the file's path in the dataset.
    pub fn path(&self, file: &str) -> String {
        if self.root == Path::new(".") || self.root.as_os_str().is_empty() {
            file.to_string()
        } else {
            format!(
                "{}/{file}",
                self.root.display().to_string().trim_end_matches('/')
            )
        }
    }

    /// `file:line`, `file (Sheet!C7)`, or the manifest for dataset-wide findings.
    pub fn place(&self, f: &Finding) -> String {
        match &f.location {
            Some(l) => match (l.line, &l.cell) {
                (Some(line), _) => format!("{}:{line}", self.path(&l.file)),
                (None, Some(c)) => format!("{} ({c})", self.path(&l.file)),
                (None, None) => self.path(&l.file),
            },
            None => self.manifest.display().to_string(),
        }
    }

    /// The file a finding is in (the manifest for dataset-wide findings).
    pub fn file_of(&self, f: &Finding) -> String {
        match &f.location {
            Some(l) => self.path(&l.file),
            None => self.manifest.display().to_string(),
        }
    }

    pub fn status(&self, check: usize, finding: usize) -> Option<Status> {
        self.status.as_ref().map(|s| s[check][finding])
    }

    /// Stable identity of a finding across runs and commits: check, dataset, and what the finding is about
    /// (its area, indicator and period; its place when it has no area), not its line or its numbers.
    pub fn fingerprint(&self, check: &str, f: &Finding) -> String {
        let place = if f.area.is_none() || f.indicator.is_none() {
            format!(
                "{}|{}",
                f.location.as_ref().map(|l| l.place()).unwrap_or_default(),
                f.message
            )
        } else {
            String::new()
        };
        let key = format!(
            "{check}|{}|{}|{}|{}|{}|{place}",
            self.name,
            f.area.as_deref().unwrap_or(""),
            f.indicator.as_deref().unwrap_or(""),
            f.year.map(|y| y.to_string()).unwrap_or_default(),
            f.period.as_deref().unwrap_or("")
        );
        blake3::hash(key.as_bytes()).to_hex()[..32].to_string()
    }
}

/// Everything one `statlint check` produced.
#[derive(Debug, Clone)]
pub struct Run {
    pub datasets: Vec<DatasetRun>,
    pub fail_on: FailOn,
    /// With a baseline: only new findings count for `fail_on`.
    pub new_only: bool,
    /// Findings shown per check in the human and Markdown reports (0: all).
    pub limit: usize,
}

/// Counts over a run.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Summary {
    pub datasets: usize,
    pub checks: usize,
    pub passed: usize,
    pub failed: usize,
    pub broken: usize,
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<usize>,
}

impl Run {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            datasets: self.datasets.len(),
            ..Default::default()
        };
        let with_baseline = self.datasets.iter().any(|d| d.status.is_some());
        if with_baseline {
            s.new = Some(0);
            s.fixed = Some(self.datasets.iter().map(|d| d.fixed.len()).sum());
        }
        for d in &self.datasets {
            for (ci, r) in d.report.results.iter().enumerate() {
                s.checks += 1;
                if r.failed_to_run() {
                    s.broken += 1;
                } else if r.count() == 0 {
                    s.passed += 1;
                } else {
                    s.failed += 1;
                }
                let n = r.count() as usize;
                match r.check.severity {
                    Severity::Error => s.errors += n,
                    Severity::Warning => s.warnings += n,
                    Severity::Info => s.info += n,
                }
                if let Some(new) = s.new.as_mut() {
                    *new += (0..r.findings().len())
                        .filter(|&fi| d.status(ci, fi) == Some(Status::New))
                        .count();
                }
            }
        }
        s
    }

    /// Whether a finding counts toward `--fail-on`.
    pub fn counts_for_failure(&self, d: &DatasetRun, check: usize, finding: usize) -> bool {
        let r = &d.report.results[check];
        let level = match self.fail_on {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Never => return false,
        };
        r.check.severity >= level
            && (!self.new_only || d.status(check, finding) != Some(Status::Unchanged))
    }

    /// 0: nothing at the failure level; 1: something; 2: a check could not run (the report is incomplete).
    pub fn exit_code(&self) -> u8 {
        if self.datasets.iter().any(|d| d.report.broken() > 0) {
            return 2;
        }
        let failing =
            self.datasets.iter().any(|d| {
                d.report.results.iter().enumerate().any(|(ci, r)| {
                    (0..r.findings().len()).any(|fi| self.counts_for_failure(d, ci, fi))
                })
            });
        u8::from(failing)
    }

    /// Every finding with its dataset and check, in report order.
    pub fn findings(
        &self,
    ) -> impl Iterator<Item = (&DatasetRun, usize, &CheckResult, usize, &Finding)> {
        self.datasets.iter().flat_map(|d| {
            d.report
                .results
                .iter()
                .enumerate()
                .flat_map(move |(ci, r)| {
                    r.findings()
                        .iter()
                        .enumerate()
                        .map(move |(fi, f)| (d, ci, r, fi, f))
                })
        })
    }
}

/// The SQL that shows the values behind a finding: `statlint sql DATASET "<this>"`.
pub fn reproduce(check: &str, f: &Finding) -> String {
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    if check == "structure.unreadable" {
        if let Some(l) = &f.location {
            return match (l.line, &l.cell) {
                (Some(line), _) => format!(
                    "SELECT * FROM rejects WHERE file = {} AND line = {line}",
                    q(&l.file)
                ),
                (None, Some(c)) => format!(
                    "SELECT * FROM rejects WHERE file = {} AND cell = {}",
                    q(&l.file),
                    q(c)
                ),
                _ => format!("SELECT * FROM rejects WHERE file = {}", q(&l.file)),
            };
        }
    }
    let mut areas: Vec<&str> = f
        .area
        .iter()
        .map(String::as_str)
        .chain(f.related.iter().filter_map(|r| r.area.as_deref()))
        .collect();
    areas.sort_unstable();
    areas.dedup();
    let mut conds = Vec::new();
    if let Some(i) = &f.indicator {
        conds.push(format!("indicator = {}", q(i)));
    }
    if let Some(y) = f.year {
        conds.push(if f.previous.is_some() || check.starts_with("yoy.") {
            format!("year IN ({}, {y})", y - 1)
        } else {
            format!("year = {y}")
        });
    }
    if !areas.is_empty() {
        conds.push(format!(
            "area IN ({})",
            areas.iter().map(|a| q(a)).collect::<Vec<_>>().join(", ")
        ));
    }
    if conds.is_empty() {
        if let Some(l) = &f.location {
            conds.push(format!("file = {}", q(&l.file)));
            if let Some(line) = l.line {
                conds.push(format!("line = {line}"));
            }
        }
    }
    let cols = "area, indicator, year, period, value, value_text, unit, status, file, line, cell";
    if conds.is_empty() {
        format!("SELECT {cols} FROM observations LIMIT 100")
    } else {
        format!(
            "SELECT {cols} FROM observations WHERE {} ORDER BY year, area",
            conds.join(" AND ")
        )
    }
}

/// Writes one format.
pub fn write(run: &Run, format: Format, out: &mut dyn Write, color: bool) -> io::Result<()> {
    match format {
        Format::Human => human::write(run, out, color),
        Format::Json => json::write(run, out),
        Format::Junit => junit::write(run, out),
        Format::Github => {
            human::write(run, out, false)?;
            github::write(run, out)
        }
        Format::Markdown => markdown::write(run, out),
        Format::Sarif => sarif::write(run, out),
        Format::Csv => csv::write(run, out),
    }
}
