//! GitHub Actions workflow commands: an `::error` or `::warning` annotation per finding at its file and line
//! (spreadsheet findings at file level, the cell in the message), errors first, within GitHub's limit of 10
//! errors and 10 warnings per step, then one notice saying how many were left out. The full report goes to
//! the job summary as Markdown when `$GITHUB_STEP_SUMMARY` is set.

use super::{DatasetRun, Run, human};
use crate::check::{Finding, Severity};
use crate::text::escape_controls_keeping_breaks as escape_controls;
use std::io::{self, Write};

/// Annotations GitHub shows per step and level.
pub const LIMIT: usize = 10;

/// Escapes a command's message: `%`, CR, LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: also `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn annotation(d: &DatasetRun, check: &str, sev: Severity, f: &Finding) -> String {
    let level = match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let file = d.file_of(f);
    // Text from data files and checks has its other control characters shown, so it cannot write escape
    // sequences into the log; line breaks are left to `escape_data`.
    let mut props = vec![format!("file={}", escape_property(&escape_controls(&file)))];
    let line = f.location.as_ref().and_then(|l| l.line);
    if let Some(l) = line {
        props.push(format!("line={l}"));
    }
    props.push(format!(
        "title={}",
        escape_property(&escape_controls(check))
    ));
    let mut text = String::new();
    if let Some(cell) = f
        .location
        .as_ref()
        .and_then(|l| l.cell.as_deref())
        .filter(|_| line.is_none())
    {
        text.push_str(&format!("{}: ", escape_controls(cell)));
    }
    let subject = human::subject(f);
    if !subject.is_empty() {
        text.push_str(&format!("{}: ", escape_controls(&subject)));
    }
    text.push_str(&escape_controls(&f.message));
    if let Some(n) = human::numbers(f) {
        text.push_str(&format!("\n{}", escape_controls(&n)));
    }
    if let Some(h) = &f.hint {
        text.push_str(&format!("\nhint: {}", escape_controls(h)));
    }
    format!("::{level} {}::{}", props.join(","), escape_data(&text))
}

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    let mut shown = [0usize; 2];
    let mut left = [0usize; 3];
    for sev in [Severity::Error, Severity::Warning] {
        let slot = if sev == Severity::Error { 0 } else { 1 };
        for (d, _, r, _, f) in run
            .findings()
            .filter(|(_, _, r, _, _)| r.check.severity == sev)
        {
            if shown[slot] < LIMIT {
                writeln!(out, "{}", annotation(d, &r.check.id, sev, f))?;
                shown[slot] += 1;
            } else {
                left[slot] += 1;
            }
        }
    }
    left[2] = run
        .findings()
        .filter(|(_, _, r, _, _)| r.check.severity == Severity::Info)
        .count();
    let s = run.summary();
    let mut text = format!(
        "{} checks: {} passed, {} failed, {} could not run; {} errors, {} warnings, {} info",
        s.checks, s.passed, s.failed, s.broken, s.errors, s.warnings, s.info
    );
    if left[0] + left[1] > 0 {
        text.push_str(&format!(
            ". Not annotated (GitHub shows {LIMIT} per level): {} more errors and {} more warnings; the job summary has them all",
            left[0], left[1]
        ));
    }
    writeln!(out, "::notice title=statlint::{}", escape_data(&text))?;
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        super::markdown::write(run, &mut f)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped() {
        assert_eq!(
            escape_data("50% of\r\nrows: a,b"),
            "50%25 of%0D%0Arows: a,b"
        );
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
