//! The report a statistician reads: findings grouped by severity and check, each with its place, area,
//! indicator, year, what was found and expected, the tolerance and a hint; one summary line at the end.

use super::{DatasetRun, Run, Status};
use crate::check::{CheckResult, Finding, RunOutcome, Severity};
use crate::render::escape_controls;
use std::io::{self, Write};

/// Related values shown under a finding before "and N more".
const RELATED_SHOWN: usize = 4;

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn severity(&self, s: Severity, text: &str) -> String {
        self.paint(
            match s {
                Severity::Error => "1;31",
                Severity::Warning => "1;33",
                Severity::Info => "1;36",
            },
            text,
        )
    }
}

fn heading(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERRORS",
        Severity::Warning => "WARNINGS",
        Severity::Info => "INFO",
    }
}

pub(crate) fn subject(f: &Finding) -> String {
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

pub(crate) fn numbers(f: &Finding) -> Option<String> {
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

fn write_finding(
    out: &mut dyn Write,
    d: &DatasetRun,
    f: &Finding,
    status: Option<Status>,
) -> io::Result<()> {
    let subject = subject(f);
    let tag = match status {
        Some(Status::New) => " [new]",
        _ => "",
    };
    let place = d.place(f);
    let place = escape_controls(&place);
    if subject.is_empty() {
        writeln!(out, "  {place}{tag}")?;
    } else {
        writeln!(out, "  {place} · {}{tag}", escape_controls(&subject))?;
    }
    writeln!(out, "    {}", escape_controls(&f.message))?;
    if let Some(n) = numbers(f) {
        writeln!(out, "    {}", escape_controls(&n))?;
    }
    if let Some(h) = &f.hint {
        writeln!(out, "    hint: {}", escape_controls(h))?;
    }
    // The values the hint names come first: they are the ones to look at.
    let named = |r: &&crate::check::Location| {
        let hint = f.hint.as_deref().unwrap_or("");
        r.area
            .as_deref()
            .is_some_and(|a| hint.split(|c: char| !c.is_alphanumeric()).any(|w| w == a))
    };
    let ordered: Vec<&crate::check::Location> = f
        .related
        .iter()
        .filter(named)
        .chain(f.related.iter().filter(|r| !named(r)))
        .collect();
    for r in ordered.into_iter().take(RELATED_SHOWN) {
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
            (Some(l), _) => format!("{}:{l}", d.path(&r.file)),
            (None, Some(c)) => format!("{} ({c})", d.path(&r.file)),
            (None, None) => d.path(&r.file),
        };
        writeln!(
            out,
            "    {}{value} at {}",
            escape_controls(&what),
            escape_controls(&place)
        )?;
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
    d: &DatasetRun,
    ci: usize,
    r: &CheckResult,
    limit: usize,
) -> io::Result<()> {
    let n = r.findings().len();
    let total = r.count();
    writeln!(
        out,
        "{}: {total} finding{}",
        r.check.id,
        if total == 1 { "" } else { "s" }
    )?;
    let shown = if limit == 0 { n } else { n.min(limit) };
    for (fi, f) in r.findings()[..shown].iter().enumerate() {
        write_finding(out, d, f, d.status(ci, fi))?;
    }
    if shown < n {
        writeln!(out, "  … {} more (--limit 0 shows all)", n - shown)?;
    }
    if r.omitted() > 0 {
        writeln!(
            out,
            "  … and {} more, counted but not kept: a check keeps its first {n} findings (--max-findings)",
            r.omitted()
        )?;
    }
    writeln!(out)
}

fn write_dataset(out: &mut dyn Write, run: &Run, d: &DatasetRun, style: &Style) -> io::Result<()> {
    writeln!(
        out,
        "statlint check {}: {} checks on {} observations from {} file{}\n",
        d.name,
        d.report.results.len(),
        d.observations,
        d.files.len(),
        if d.files.len() == 1 { "" } else { "s" }
    )?;
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let with: Vec<(usize, &CheckResult)> = d
            .report
            .results
            .iter()
            .enumerate()
            .filter(|(_, r)| r.check.severity == sev && !r.findings().is_empty())
            .collect();
        if with.is_empty() {
            continue;
        }
        writeln!(out, "{}\n", style.severity(sev, heading(sev)))?;
        for (ci, r) in with {
            write_check(out, d, ci, r, run.limit)?;
        }
    }
    // Items a check could not evaluate are no verdict, not a pass: the count and the reason.
    let unevaluated: Vec<(&CheckResult, u64, Option<u64>)> = d
        .report
        .results
        .iter()
        .filter_map(|r| match &r.outcome {
            RunOutcome::Ran {
                not_evaluated: Some(n),
                items,
                ..
            } if *n > 0 => Some((r, *n, *items)),
            _ => None,
        })
        .collect();
    if !unevaluated.is_empty() {
        writeln!(out, "NOT EVALUATED\n")?;
        for (r, n, items) in unevaluated {
            let of = items.map(|i| format!(" of {i}")).unwrap_or_default();
            let why = r
                .check
                .not_evaluated
                .as_deref()
                .map(|w| format!(": {w}"))
                .unwrap_or_default();
            writeln!(out, "  {}: {n}{of} items{why}", r.check.id)?;
        }
        writeln!(out)?;
    }
    let broken: Vec<&CheckResult> = d
        .report
        .results
        .iter()
        .filter(|r| r.failed_to_run())
        .collect();
    if !broken.is_empty() {
        writeln!(out, "{}\n", style.paint("1;31", "COULD NOT RUN"))?;
        for r in &broken {
            if let RunOutcome::Failed { message } = &r.outcome {
                writeln!(
                    out,
                    "{} ({}):\n  {}\n",
                    r.check.id,
                    r.check.path.display(),
                    crate::text::escape_controls_keeping_lines(message).replace('\n', "\n  ")
                )?;
            }
        }
    }
    if !d.fixed.is_empty() {
        writeln!(out, "FIXED SINCE THE BASELINE\n")?;
        for f in &d.fixed {
            writeln!(out, "  {}: {}", f.check, escape_controls(&f.message))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Writes the report of every dataset, then one summary line.
pub fn write(run: &Run, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let style = Style { color };
    for d in &run.datasets {
        write_dataset(out, run, d, &style)?;
    }
    let s = run.summary();
    let datasets = if s.datasets == 1 {
        String::new()
    } else {
        format!("DATASETS={} ", s.datasets)
    };
    let baseline = match (s.new, s.fixed) {
        (Some(n), Some(f)) => format!(" NEW={n} FIXED={f}"),
        _ => String::new(),
    };
    writeln!(
        out,
        "Done. {datasets}CHECKS={} PASS={} FAIL={} BROKEN={} ERRORS={} WARNINGS={} INFO={}{baseline} EXIT={}",
        s.checks,
        s.passed,
        s.failed,
        s.broken,
        s.errors,
        s.warnings,
        s.info,
        run.exit_code()
    )
}
