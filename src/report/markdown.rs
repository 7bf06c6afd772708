//! Markdown for pull-request comments, e-mail and the GitHub job summary: a table of checks per dataset,
//! then the findings of each failing check as a table.

use super::{Run, Status, human};
use crate::check::{RunOutcome, Severity};
use crate::render::markdown_cell;
use std::io::{self, Write};

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Info => "ℹ️",
    }
}

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    let s = run.summary();
    writeln!(out, "## statlint\n")?;
    let baseline = match (s.new, s.fixed) {
        (Some(n), Some(f)) => format!(", {n} new, {f} fixed since the baseline"),
        _ => String::new(),
    };
    writeln!(
        out,
        "**{} checks**: {} passed, {} failed, {} could not run · **{} errors**, {} warnings, {} info{baseline} · exit {}\n",
        s.checks,
        s.passed,
        s.failed,
        s.broken,
        s.errors,
        s.warnings,
        s.info,
        run.exit_code()
    )?;
    for d in &run.datasets {
        writeln!(
            out,
            "### {} (`{}`)\n",
            markdown_cell(&d.name),
            markdown_cell(&d.root.display().to_string())
        )?;
        writeln!(
            out,
            "{} observations from {} files, {} values not loaded.\n",
            d.observations,
            d.files.len(),
            d.rejected
        )?;
        writeln!(
            out,
            "| check | severity | findings | items | not evaluated |"
        )?;
        writeln!(out, "|---|---|---:|---:|---:|")?;
        let mut why = Vec::new();
        for r in &d.report.results {
            let (findings, items, unevaluated) = match &r.outcome {
                RunOutcome::Ran {
                    items,
                    not_evaluated,
                    ..
                } => (
                    r.count().to_string(),
                    items.map(|i| i.to_string()).unwrap_or_default(),
                    not_evaluated.map(|n| n.to_string()).unwrap_or_default(),
                ),
                RunOutcome::Failed { .. } => {
                    ("could not run".to_string(), String::new(), String::new())
                }
            };
            if let (
                RunOutcome::Ran {
                    not_evaluated: Some(n),
                    ..
                },
                Some(w),
            ) = (&r.outcome, &r.check.not_evaluated)
                && *n > 0
            {
                why.push(format!(
                    "- `{}`: {n} not evaluated: {}",
                    r.check.id,
                    markdown_cell(w)
                ));
            }
            writeln!(
                out,
                "| `{}` | {} | {findings} | {items} | {unevaluated} |",
                r.check.id,
                r.check.severity.as_str()
            )?;
        }
        writeln!(out)?;
        if !why.is_empty() {
            writeln!(out, "{}\n", why.join("\n"))?;
        }
        for sev in [Severity::Error, Severity::Warning, Severity::Info] {
            for (ci, r) in d
                .report
                .results
                .iter()
                .enumerate()
                .filter(|(_, r)| r.check.severity == sev && !r.findings().is_empty())
            {
                let n = r.findings().len();
                let total = r.count();
                writeln!(
                    out,
                    "#### {} `{}`: {total} finding{}\n",
                    icon(sev),
                    r.check.id,
                    if total == 1 { "" } else { "s" }
                )?;
                writeln!(
                    out,
                    "| where | what | observed | expected | message | hint |"
                )?;
                writeln!(out, "|---|---|---:|---:|---|---|")?;
                let shown = if run.limit == 0 { n } else { n.min(run.limit) };
                for (fi, f) in r.findings()[..shown].iter().enumerate() {
                    let new = if d.status(ci, fi) == Some(Status::New) {
                        " **new**"
                    } else {
                        ""
                    };
                    writeln!(
                        out,
                        "| `{}`{new} | {} | {} | {} | {} | {} |",
                        markdown_cell(&d.place(f)),
                        markdown_cell(&human::subject(f)),
                        f.observed.as_ref().map(|n| n.text.as_str()).unwrap_or(""),
                        f.expected.as_ref().map(|n| n.text.as_str()).unwrap_or(""),
                        markdown_cell(&f.message),
                        markdown_cell(f.hint.as_deref().unwrap_or(""))
                    )?;
                }
                if (shown as u64) < total {
                    writeln!(out, "\n… {} more findings.", total - shown as u64)?;
                }
                writeln!(out)?;
            }
        }
        for r in d.report.results.iter().filter(|r| r.failed_to_run()) {
            if let RunOutcome::Failed { message } = &r.outcome {
                writeln!(
                    out,
                    "#### ❗ `{}` could not run\n\n```\n{}\n```\n",
                    r.check.id,
                    message.replace("```", "'''")
                )?;
            }
        }
        if !d.fixed.is_empty() {
            writeln!(out, "#### ✅ Fixed since the baseline\n")?;
            for f in &d.fixed {
                writeln!(out, "- `{}`: {}", f.check, markdown_cell(&f.message))?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}
