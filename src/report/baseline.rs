//! Comparing a run with an earlier JSON report: each finding is new or unchanged (same fingerprint in the
//! same dataset), and the baseline's findings that are gone are fixed.

use super::{DatasetRun, Fixed, Status};
use crate::error::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The findings of an earlier report, by dataset name.
pub struct Baseline {
    by_dataset: HashMap<String, Vec<Fixed>>,
}

impl Baseline {
    /// Reads a report written by `statlint check --format json`.
    pub fn read(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::invalid(path, None, format!("not a JSON report: {e}")))?;
        if v["schema"] != super::json::SCHEMA {
            return Err(Error::invalid(
                path,
                None,
                format!(
                    "not a statlint JSON report ({}); write one with --format json",
                    super::json::SCHEMA
                ),
            ));
        }
        let mut by_dataset: HashMap<String, Vec<Fixed>> = HashMap::new();
        for d in v["datasets"].as_array().into_iter().flatten() {
            let name = d["name"].as_str().unwrap_or_default().to_string();
            let findings = d["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| Fixed {
                    check: f["check"].as_str().unwrap_or_default().to_string(),
                    fingerprint: f["fingerprint"].as_str().unwrap_or_default().to_string(),
                    message: f["message"].as_str().unwrap_or_default().to_string(),
                });
            by_dataset.entry(name).or_default().extend(findings);
        }
        Ok(Baseline { by_dataset })
    }

    /// Marks the findings of a dataset run.
    pub fn apply(&self, d: &mut DatasetRun) {
        let old = self
            .by_dataset
            .get(&d.name)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let old_prints: HashSet<&str> = old.iter().map(|f| f.fingerprint.as_str()).collect();
        let mut now = HashSet::new();
        let status: Vec<Vec<Status>> = d
            .report
            .results
            .iter()
            .map(|r| {
                r.findings()
                    .iter()
                    .map(|f| {
                        let fp = d.fingerprint(&r.check.id, f);
                        let s = if old_prints.contains(fp.as_str()) {
                            Status::Unchanged
                        } else {
                            Status::New
                        };
                        now.insert(fp);
                        s
                    })
                    .collect()
            })
            .collect();
        d.fixed = old
            .iter()
            .filter(|f| !now.contains(&f.fingerprint))
            .cloned()
            .collect();
        d.status = Some(status);
    }
}
