//! The report a statistician reads: findings grouped by severity and check, each with its place, area,
//! indicator, year, what was found and expected, the tolerance and a hint; one summary line at the end.

use super::{file_path, where_};
use crate::check::{CheckResult, Finding, Report, RunOutcome, Severity};
use crate::cli::FailOn;
use crate::cmd::Session;
use crate::render::escape_controls;
use std::io::{self, Write};

/// Related values shown under a finding before "and N more".
const RELATED_SHOWN: usize = 4;

fn heading(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERRORS",
        Severity::Warning => "WARNINGS",
        Severity::Info => "INFO",
    }
}

fn subject(f: &Finding) -> String {
    let mut parts = Vec::new();
    if let Some(a) = &f.area {
        parts.push(match &f.area_name {
            Some(n) => format!("{a} {n}"),
            None => a.clone(),
        });
    }
    if let Some(i) = &f.indicator {
        parts.push(i.clone());
    }
    match (f.year, &f.period) {
        (Some(y), Some(p)) => parts.push(format!("{y} {p}")),
        (Some(y), None) => parts.push(y.to_string()),
        _ => {}
    }
    parts.join(" · ")
}

fn numbers(f: &Finding) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(p) = &f.previous {
        parts.push(format!("previous {}", p.text));
    }
    if let Some(o) = &f.observed {
        parts.push(format!("observed {}", o.text));
    }
    if let Some(e) = &f.expected {
        parts.push(format!("expected {}", e.text));
    }
    if let Some(d) = &f.difference {
        parts.push(format!("difference {}", d.text));
    }
    if let Some(t) = &f.tolerance {
        match &f.tolerance_source {
            Some(s) => parts.push(format!("tolerance {} ({s})", t.text)),
            None => parts.push(format!("tolerance {}", t.text)),
        }
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn write_finding(out: &mut dyn Write, session: &Session, f: &Finding) -> io::Result<()> {
    let subject = subject(f);
    if subject.is_empty() {
        writeln!(out, "  {}", where_(session, f))?;
    } else {
        writeln!(
            out,
            "  {} · {}",
            where_(session, f),
            escape_controls(&subject)
        )?;
    }
    writeln!(out, "    {}", escape_controls(&f.message))?;
    if let Some(n) = numbers(f) {
        writeln!(out, "    {n}")?;
    }
    if let Some(h) = &f.hint {
        writeln!(out, "    hint: {}", escape_controls(h))?;
    }
    for r in f.related.iter().take(RELATED_SHOWN) {
        let what = [r.role.as_deref(), r.area.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let value = r
            .value
            .as_deref()
            .map(|v| format!(" {}", escape_controls(v)))
            .unwrap_or_default();
        let place = match (r.line, &r.cell) {
            (Some(l), _) => format!("{}:{l}", file_path(session, &r.file)),
            (None, Some(c)) => format!("{} ({c})", file_path(session, &r.file)),
            (None, None) => file_path(session, &r.file),
        };
        writeln!(out, "    {what}{value} at {place}")?;
    }
    if f.related.len() > RELATED_SHOWN {
        writeln!(
            out,
            "    … and {} more values involved",
            f.related.len() - RELATED_SHOWN
        )?;
    }
    Ok(())
}

fn write_check(
    out: &mut dyn Write,
    session: &Session,
    r: &CheckResult,
    limit: usize,
) -> io::Result<()> {
    let n = r.findings().len();
    writeln!(
        out,
        "{}: {n} finding{}",
        r.check.id,
        if n == 1 { "" } else { "s" }
    )?;
    let shown = if limit == 0 { n } else { n.min(limit) };
    for f in &r.findings()[..shown] {
        write_finding(out, session, f)?;
    }
    if shown < n {
        writeln!(out, "  … {} more (--limit 0 shows all)", n - shown)?;
    }
    writeln!(out)
}

/// Writes the report.
pub fn write(
    report: &Report,
    session: &Session,
    limit: usize,
    fail_on: FailOn,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (e, w, i) = report.counts();
    writeln!(
        out,
        "statlint check {}: {} checks on {} observations from {} files\n",
        report.dataset,
        report.results.len(),
        session.report.observations,
        session.report.files.len()
    )?;
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let with: Vec<&CheckResult> = report
            .results
            .iter()
            .filter(|r| r.check.severity == sev && !r.findings().is_empty())
            .collect();
        if with.is_empty() {
            continue;
        }
        writeln!(out, "{}\n", heading(sev))?;
        for r in with {
            write_check(out, session, r, limit)?;
        }
    }
    let broken: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.failed_to_run())
        .collect();
    if !broken.is_empty() {
        writeln!(out, "COULD NOT RUN\n")?;
        for r in &broken {
            if let RunOutcome::Failed { message } = &r.outcome {
                writeln!(
                    out,
                    "{} ({}):\n  {}\n",
                    r.check.id,
                    r.check.path.display(),
                    message.replace('\n', "\n  ")
                )?;
            }
        }
    }
    let failed_checks = report
        .results
        .iter()
        .filter(|r| !r.findings().is_empty())
        .count();
    let passed = report.results.len() - failed_checks - broken.len();
    let code = crate::cmd::check::exit_code(report, fail_on);
    writeln!(
        out,
        "Done. CHECKS={} PASS={passed} FAIL={failed_checks} BROKEN={} ERRORS={e} WARNINGS={w} INFO={i} EXIT={code}",
        report.results.len(),
        broken.len()
    )
}
