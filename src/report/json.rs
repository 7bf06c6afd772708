//! The JSON report, schema `statlint-report/1` (documented in the README): versions, each dataset's
//! fingerprint, files, per-check counts (items, passed, failed, not evaluated) and every finding with its
//! provenance, fingerprint and the SQL that shows its values.

use super::{DatasetRun, Fixed, Run, Summary, reproduce};
use crate::check::{CheckResult, Finding, Location, Num, RunOutcome};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The schema identifier; a change that removes or renames a field gets a new number.
pub const SCHEMA: &str = "statlint-report/1";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    tool: Tool,
    fail_on: String,
    new_only: bool,
    exit_code: u8,
    summary: Summary,
    datasets: Vec<Dataset<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
    duckdb: String,
}

#[derive(Serialize)]
struct File<'a> {
    file: String,
    format: &'a str,
    sheet: Option<&'a str>,
    rows: u64,
    values: u64,
    loaded: u64,
    rejected: u64,
    blake3: &'a str,
    notes: &'a [String],
}

#[derive(Serialize)]
struct Check<'a> {
    id: &'a str,
    family: &'a str,
    severity: &'static str,
    description: &'a str,
    source: String,
    params: &'a BTreeMap<String, toml::Value>,
    status: &'static str,
    items: Option<u64>,
    passed: Option<u64>,
    failed: u64,
    not_evaluated: Option<u64>,
    seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct Place {
    file: String,
    line: Option<u32>,
    cell: Option<String>,
}

#[derive(Serialize)]
struct Related<'a> {
    role: Option<&'a str>,
    area: Option<&'a str>,
    value: Option<&'a str>,
    file: String,
    line: Option<u32>,
    cell: Option<&'a str>,
}

/// A number, or its text when it is not finite.
#[derive(Serialize)]
#[serde(untagged)]
enum Number<'a> {
    Value(f64),
    Text(&'a str),
}

fn num(n: &Option<Num>) -> Option<Number<'_>> {
    n.as_ref().map(|n| {
        if n.value.is_finite() {
            Number::Value(n.value)
        } else {
            Number::Text(&n.text)
        }
    })
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    check: &'a str,
    severity: &'static str,
    fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'static str>,
    area: Option<&'a str>,
    area_name: Option<&'a str>,
    indicator: Option<&'a str>,
    year: Option<i32>,
    period: Option<&'a str>,
    observed: Option<Number<'a>>,
    expected: Option<Number<'a>>,
    difference: Option<Number<'a>>,
    tolerance: Option<Number<'a>>,
    tolerance_source: Option<&'a str>,
    previous: Option<Number<'a>>,
    message: &'a str,
    hint: Option<&'a str>,
    location: Option<Place>,
    related: Vec<Related<'a>>,
    sql: String,
}

#[derive(Serialize)]
struct Dataset<'a> {
    name: &'a str,
    path: String,
    manifest: String,
    fingerprint: &'a str,
    observations: usize,
    rejected_values: u64,
    files: Vec<File<'a>>,
    checks: Vec<Check<'a>>,
    findings: Vec<JsonFinding<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<&'a [Fixed]>,
}

fn check(r: &CheckResult) -> Check<'_> {
    let failed = r.count();
    let (status, items, not_evaluated, error) = match &r.outcome {
        RunOutcome::Ran {
            items,
            not_evaluated,
            ..
        } => (
            if failed == 0 { "passed" } else { "failed" },
            *items,
            *not_evaluated,
            None,
        ),
        RunOutcome::Failed { message } => ("error", None, None, Some(message.as_str())),
    };
    Check {
        id: &r.check.id,
        family: &r.check.family,
        severity: r.check.severity.as_str(),
        description: &r.check.description,
        source: if r.check.builtin {
            "built-in".to_string()
        } else {
            r.check.path.display().to_string()
        },
        params: &r.check.params,
        status,
        items,
        passed: items.map(|i| i.saturating_sub(failed + not_evaluated.unwrap_or(0))),
        failed,
        not_evaluated,
        seconds: (r.seconds * 1000.0).round() / 1000.0,
        error,
    }
}

fn finding<'a>(
    d: &'a DatasetRun,
    ci: usize,
    r: &'a CheckResult,
    fi: usize,
    f: &'a Finding,
) -> JsonFinding<'a> {
    let related = |l: &'a Location| Related {
        role: l.role.as_deref(),
        area: l.area.as_deref(),
        value: l.value.as_deref(),
        file: d.path(&l.file),
        line: l.line,
        cell: l.cell.as_deref(),
    };
    JsonFinding {
        check: &r.check.id,
        severity: r.check.severity.as_str(),
        fingerprint: d.fingerprint(&r.check.id, f),
        baseline: d.status(ci, fi).map(|s| s.as_str()),
        area: f.area.as_deref(),
        area_name: f.area_name.as_deref(),
        indicator: f.indicator.as_deref(),
        year: f.year,
        period: f.period.as_deref(),
        observed: num(&f.observed),
        expected: num(&f.expected),
        difference: num(&f.difference),
        tolerance: num(&f.tolerance),
        tolerance_source: f.tolerance_source.as_deref(),
        previous: num(&f.previous),
        message: &f.message,
        hint: f.hint.as_deref(),
        location: f.location.as_ref().map(|l| Place {
            file: d.path(&l.file),
            line: l.line,
            cell: l.cell.clone(),
        }),
        related: f.related.iter().map(related).collect(),
        sql: reproduce(&r.check.id, f),
    }
}

fn dataset(d: &DatasetRun) -> Dataset<'_> {
    Dataset {
        name: &d.name,
        path: d.root.display().to_string(),
        manifest: d.manifest.display().to_string(),
        fingerprint: &d.fingerprint,
        observations: d.observations,
        rejected_values: d.rejected,
        files: d
            .files
            .iter()
            .map(|f| File {
                file: d.path(&f.file),
                format: f.format,
                sheet: f.sheet.as_deref(),
                rows: f.rows,
                values: f.values,
                loaded: f.loaded,
                rejected: f.rejected,
                blake3: &f.blake3,
                notes: &f.notes,
            })
            .collect(),
        checks: d.report.results.iter().map(check).collect(),
        findings: d
            .report
            .results
            .iter()
            .enumerate()
            .flat_map(|(ci, r)| {
                r.findings()
                    .iter()
                    .enumerate()
                    .map(move |(fi, f)| finding(d, ci, r, fi, f))
            })
            .collect(),
        fixed: d.status.as_ref().map(|_| d.fixed.as_slice()),
    }
}

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    let report = Report {
        schema: SCHEMA,
        tool: Tool {
            name: "statlint",
            version: env!("CARGO_PKG_VERSION"),
            duckdb: crate::db::Db::version(),
        },
        fail_on: format!("{:?}", run.fail_on).to_lowercase(),
        new_only: run.new_only,
        exit_code: run.exit_code(),
        summary: run.summary(),
        datasets: run.datasets.iter().map(dataset).collect(),
    };
    // Serialised first, so a closed pipe is reported as such by the write.
    let text = serde_json::to_string_pretty(&report).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}
