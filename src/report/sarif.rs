//! SARIF 2.1.0 for GitHub code scanning: one rule per check, one result per finding at its file and line
//! (spreadsheet findings at file level, the cell in the message), with a partial fingerprint built from what
//! the finding is about, so code scanning recognises it across commits when lines move.

use super::{Run, human};
use crate::check::{RunOutcome, Severity};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn location(uri: &str, line: Option<u32>) -> Value {
    let mut physical = json!({"artifactLocation": {"uri": uri}});
    if let Some(l) = line.filter(|l| *l > 0) {
        physical["region"] = json!({"startLine": l});
    }
    json!({"physicalLocation": physical})
}

pub fn value(run: &Run) -> Value {
    // Rules: every check that ran, once, in id order.
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    for d in &run.datasets {
        for r in &d.report.results {
            rules.entry(r.check.id.clone()).or_insert_with(|| {
                json!({
                    "id": r.check.id,
                    "name": r.check.id.replace('.', "/"),
                    "shortDescription": {"text": r.check.description},
                    "defaultConfiguration": {"level": level(r.check.severity)},
                    "properties": {"family": r.check.family},
                })
            });
        }
    }
    let index: BTreeMap<&String, usize> = rules.keys().enumerate().map(|(i, k)| (k, i)).collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for d in &run.datasets {
        for (ci, r) in d.report.results.iter().enumerate() {
            if let RunOutcome::Failed { message } = &r.outcome {
                notifications.push(json!({
                    "level": "error",
                    "message": {"text": format!("{} could not run: {message}", r.check.id)},
                    "descriptor": {"id": r.check.id},
                }));
            }
            for (fi, f) in r.findings().iter().enumerate() {
                let line = f.location.as_ref().and_then(|l| l.line);
                let mut text = String::new();
                if let Some(cell) = f
                    .location
                    .as_ref()
                    .and_then(|l| l.cell.as_deref())
                    .filter(|_| line.is_none())
                {
                    text.push_str(&format!("{cell}: "));
                }
                let subject = human::subject(f);
                if !subject.is_empty() {
                    text.push_str(&format!("{subject}: "));
                }
                text.push_str(&f.message);
                if let Some(h) = &f.hint {
                    text.push_str(&format!(" Hint: {h}"));
                }
                let mut result = json!({
                    "ruleId": r.check.id,
                    "ruleIndex": index[&r.check.id],
                    "level": level(r.check.severity),
                    "message": {"text": text},
                    "locations": [location(&d.file_of(f), line)],
                    "partialFingerprints": {"statlint/v1": d.fingerprint(&r.check.id, f)},
                    "properties": {
                        "dataset": d.name,
                        "area": f.area,
                        "indicator": f.indicator,
                        "year": f.year,
                        "observed": f.observed.as_ref().map(|n| n.text.clone()),
                        "expected": f.expected.as_ref().map(|n| n.text.clone()),
                    },
                });
                if !f.related.is_empty() {
                    result["relatedLocations"] = Value::Array(
                        f.related
                            .iter()
                            .enumerate()
                            .map(|(i, l)| {
                                let mut loc = location(&d.path(&l.file), l.line);
                                loc["id"] = json!(i + 1);
                                let what = [
                                    l.role.as_deref(),
                                    l.area.as_deref(),
                                    l.value.as_deref(),
                                    l.cell.as_deref(),
                                ]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                                .join(" ");
                                loc["message"] = json!({"text": what});
                                loc
                            })
                            .collect(),
                    );
                }
                if let Some(s) = d.status(ci, fi) {
                    result["baselineState"] = json!(if s == super::Status::New {
                        "new"
                    } else {
                        "unchanged"
                    });
                }
                results.push(result);
            }
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "statlint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.into_values().collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    // Serialised first, so a closed pipe is reported as such by the write.
    let text = serde_json::to_string_pretty(&value(run)).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}
