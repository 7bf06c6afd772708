//! Precision and recall of a statlint report against a dataset's answers file (`answers.csv`: the planted or
//! known real discrepancies, one row each). Shared by the accuracy benchmark and the CLI tests.
//!
//! A finding is explained by an answer when its indicator and year are the answer's (an empty indicator or
//! year on either side matches any: a missing report is about a whole area) and its area is the answer's
//! area or one of the areas listed in `also` (where the same error legitimately shows: the province total of
//! a district's typo, the other district of a swap). A four-digit entry of `also` is a year where the error
//! shows (a value typed under 2032 for 2023). Only error and warning findings count: info findings interrupt
//! nobody.

use std::path::Path;

#[derive(Debug, Clone)]
pub struct Answer {
    pub area: String,
    pub indicator: String,
    pub year: Option<i64>,
    pub kind: String,
    pub also: Vec<String>,
    pub also_years: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub check: String,
    pub severity: String,
    pub area: Option<String>,
    pub indicator: Option<String>,
    pub year: Option<i64>,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Score {
    pub answers: usize,
    pub found: usize,
    pub findings: usize,
    pub explained: usize,
    pub missed: Vec<Answer>,
    pub unexplained: Vec<Finding>,
}

impl Score {
    pub fn recall(&self) -> f64 {
        if self.answers == 0 {
            1.0
        } else {
            self.found as f64 / self.answers as f64
        }
    }
    pub fn precision(&self) -> f64 {
        if self.findings == 0 {
            1.0
        } else {
            self.explained as f64 / self.findings as f64
        }
    }
    /// `found/answers | recall % | explained/findings | precision %`, the cells of a table row.
    pub fn cells(&self) -> String {
        format!(
            "{}/{} | {:.1} % | {}/{} | {:.1} %",
            self.found,
            self.answers,
            100.0 * self.recall(),
            self.explained,
            self.findings,
            100.0 * self.precision()
        )
    }
}

/// Reads `answers.csv` (header `area,indicator,year,kind,also,note`).
pub fn answers(path: &Path) -> Vec<Answer> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().expect("header").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{}: no column {name}", path.display()))
    };
    let (a, i, y, k, al) = (
        col("area"),
        col("indicator"),
        col("year"),
        col("kind"),
        col("also"),
    );
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            Answer {
                area: rec[a].trim().to_string(),
                indicator: rec[i].trim().to_string(),
                year: rec[y].trim().parse().ok(),
                kind: rec[k].trim().to_string(),
                also: rec[al]
                    .split_whitespace()
                    .filter(|t| !is_year(t))
                    .map(String::from)
                    .collect(),
                also_years: rec[al]
                    .split_whitespace()
                    .filter(|t| is_year(t))
                    .filter_map(|t| t.parse().ok())
                    .collect(),
            }
        })
        .collect()
}

/// The findings of a `--format json` report.
pub fn findings(report: &serde_json::Value) -> Vec<Finding> {
    let mut out = Vec::new();
    for ds in report["datasets"].as_array().into_iter().flatten() {
        for f in ds["findings"].as_array().into_iter().flatten() {
            let s = |k: &str| f[k].as_str().map(String::from);
            out.push(Finding {
                check: s("check").unwrap_or_default(),
                severity: s("severity").unwrap_or_default(),
                area: s("area"),
                indicator: s("indicator"),
                year: f["year"].as_i64(),
                message: s("message").unwrap_or_default(),
            });
        }
    }
    out
}

fn is_year(t: &str) -> bool {
    t.len() == 4 && t.parse::<i64>().is_ok_and(|y| (1900..=2100).contains(&y))
}

fn explains(a: &Answer, f: &Finding) -> bool {
    let area = f
        .area
        .as_deref()
        .is_some_and(|x| x == a.area || a.also.iter().any(|o| o == x));
    let indicator = a.indicator.is_empty()
        || f.indicator.is_none()
        || f.indicator.as_deref() == Some(a.indicator.as_str());
    let year = a.year.is_none()
        || f.year.is_none()
        || f.year == a.year
        || f.year.is_some_and(|y| a.also_years.contains(&y));
    area && indicator && year
}

pub fn score(answers: &[Answer], findings: &[Finding]) -> Score {
    let counted: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == "error" || f.severity == "warning")
        .collect();
    let mut s = Score {
        answers: answers.len(),
        findings: counted.len(),
        ..Score::default()
    };
    for a in answers {
        if counted.iter().any(|f| explains(a, f)) {
            s.found += 1;
        } else {
            s.missed.push(a.clone());
        }
    }
    for f in counted {
        if answers.iter().any(|a| explains(a, f)) {
            s.explained += 1;
        } else {
            s.unexplained.push(f.clone());
        }
    }
    s
}
