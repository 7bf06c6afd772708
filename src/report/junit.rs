//! JUnit XML: one test suite per dataset, one test case per check (classname = the check's family), valid
//! against the Jenkins JUnit schema (`tests/schemas/junit-10.xsd`).
//!
//! JUnit has no warning state. A check fails (`<failure>`) when it has findings at or above `--fail-on`,
//! exactly the findings that make the exit code 1; findings below that level (warnings by default, and info)
//! leave the test case passing and are listed in its `<system-out>`. A check that could not run is an
//! `<error>`.

use super::{DatasetRun, Run};
use crate::check::{CheckResult, RunOutcome};
use std::io::{self, Write};

/// Findings written into a failure's body before "and N more".
const IN_BODY: usize = 20;

/// Escapes text for XML content or a quoted attribute, dropping characters XML 1.0 cannot carry.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn lines(d: &DatasetRun, r: &CheckResult, which: &[usize]) -> String {
    let mut s = String::new();
    for &fi in which.iter().take(IN_BODY) {
        let f = &r.findings()[fi];
        s.push_str(&format!("{}: {}\n", d.place(f), f.message));
        if let Some(h) = &f.hint {
            s.push_str(&format!("  hint: {h}\n"));
        }
    }
    if which.len() > IN_BODY {
        s.push_str(&format!("… and {} more\n", which.len() - IN_BODY));
    }
    s
}

fn secs(x: f64) -> String {
    format!("{x:.3}")
}

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors, mut time) = (0, 0, 0, 0.0);
    for d in &run.datasets {
        let (mut s_failures, mut s_errors, mut s_time) = (0, 0, 0.0);
        let mut cases = String::new();
        for (ci, r) in d.report.results.iter().enumerate() {
            s_time += r.seconds;
            cases.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">\n",
                escape(&r.check.id),
                escape(&r.check.family),
                secs(r.seconds)
            ));
            let failing: Vec<usize> = (0..r.findings().len())
                .filter(|&fi| run.counts_for_failure(d, ci, fi))
                .collect();
            match &r.outcome {
                RunOutcome::Failed { message } => {
                    s_errors += 1;
                    cases.push_str(&format!("      <error type=\"could not run\" message=\"the check could not run\">{}</error>\n", escape(message)));
                }
                RunOutcome::Ran { .. } if !failing.is_empty() => {
                    s_failures += 1;
                    let n = failing.len();
                    cases.push_str(&format!(
                        "      <failure type=\"{}\" message=\"{n} {} finding{}\">{}</failure>\n",
                        escape(&r.check.id),
                        r.check.severity.as_str(),
                        if n == 1 { "" } else { "s" },
                        escape(&lines(d, r, &failing))
                    ));
                }
                RunOutcome::Ran { .. } => {}
            }
            let others: Vec<usize> = (0..r.findings().len())
                .filter(|fi| !failing.contains(fi))
                .collect();
            if !others.is_empty() {
                cases.push_str(&format!(
                    "      <system-out>{} {} finding{} below --fail-on:\n{}</system-out>\n",
                    others.len(),
                    r.check.severity.as_str(),
                    if others.len() == 1 { "" } else { "s" },
                    escape(&lines(d, r, &others))
                ));
            }
            if cases.ends_with("\">\n") {
                // Nothing inside: close the element where it opened.
                cases.truncate(cases.len() - 2);
                cases.push_str("/>\n");
            } else {
                cases.push_str("    </testcase>\n");
            }
        }
        let n = d.report.results.len();
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{s_failures}\" errors=\"{s_errors}\" time=\"{}\">\n{cases}  </testsuite>\n",
            escape(&d.root.display().to_string()),
            secs(s_time)
        ));
        tests += n;
        failures += s_failures;
        errors += s_errors;
        time += s_time;
    }
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"statlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{}\">\n{suites}</testsuites>\n",
        secs(time)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_text_is_escaped_and_invalid_characters_dropped() {
        assert_eq!(
            super::escape("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;\u{fffd}"
        );
    }
}
