//! Correctness of each tool's output: planted errors found, findings no planted error explains, and, for the
//! checks the peers share, agreement with the exact reference ([`crate::floor::reference`]).
//!
//! Every output becomes a set of findings keyed (check, area, indicator, year); the peers' and the floors'
//! `hierarchy` and `yoy` lists count as `hierarchy.sum` and `yoy.growth` findings. The rules are those of
//! tests/cli/panel.rs: a planted error is found when a finding has check = `found_by`, area = `found_at` and the
//! same indicator and year; a finding is explained when it is in some planted error's `expect` list.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The check ids of the two checks the peers share.
pub const SHARED: [&str; 2] = ["hierarchy.sum", "yoy.growth"];

/// (check, area, indicator, year), the three last as JSON text so that a code and a number never compare equal.
type Key = (String, String, String, String);

fn key(check: &str, area: &Value, indicator: &Value, year: &Value) -> Key {
    (
        check.to_string(),
        area.to_string(),
        indicator.to_string(),
        year.to_string(),
    )
}

/// The violation lists the peers print: (area, indicator, year), sorted.
#[derive(Debug, Default, Deserialize, PartialEq)]
pub struct Violations {
    pub hierarchy: Vec<(String, String, i64)>,
    pub yoy: Vec<(String, String, i64)>,
}

impl Violations {
    /// The peers' JSON object.
    pub fn to_json(&self, tool: &str, version: &str) -> Value {
        serde_json::json!({"tool": tool, "version": version, "hierarchy": self.hierarchy, "yoy": self.yoy})
    }

    fn keys(&self) -> BTreeSet<Key> {
        let as_key = |check: &str, (a, i, y): &(String, String, i64)| {
            key(check, &a[..].into(), &i[..].into(), &(*y).into())
        };
        let h = self.hierarchy.iter().map(|v| as_key(SHARED[0], v));
        h.chain(self.yoy.iter().map(|v| as_key(SHARED[1], v)))
            .collect()
    }
}

#[derive(Deserialize)]
struct Expect {
    check: String,
    area: Value,
    indicator: Value,
    year: Value,
}

#[derive(Deserialize)]
struct PlantedError {
    found_by: String,
    found_at: Value,
    indicator: Value,
    year: Value,
    expect: Vec<Expect>,
}

/// planted.json of a generated panel.
pub struct Planted {
    /// Observations the generator wrote.
    pub observations: u64,
    errors: Vec<PlantedError>,
    /// The panel's additive indicators (indicators.csv), the only ones the peers' checks cover.
    additive: BTreeSet<String>,
}

impl Planted {
    pub fn read(path: &Path) -> Result<Planted> {
        #[derive(Deserialize)]
        struct File {
            observations: u64,
            planted: Vec<PlantedError>,
        }
        let f: File = serde_json::from_slice(&std::fs::read(path)?)?;
        let indicators = std::fs::read_to_string(path.with_file_name("indicators.csv"))?;
        let mut lines = indicators.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        let (code, class) = (
            header
                .iter()
                .position(|h| *h == "code")
                .ok_or("indicators.csv has no code")?,
            header
                .iter()
                .position(|h| *h == "class")
                .ok_or("indicators.csv has no class")?,
        );
        let additive = lines
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| f.get(class) == Some(&"additive"))
            .filter_map(|f| f.get(code).map(|c| c.to_string()))
            .collect();
        Ok(Planted {
            observations: f.observations,
            errors: f.planted,
            additive,
        })
    }

    /// The number of planted errors.
    pub fn count(&self) -> usize {
        self.errors.len()
    }
}

/// What a tool's output says about the planted errors and the reference.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Score {
    /// Findings (violations) in the output.
    pub findings: usize,
    /// Planted errors whose `found_by` check the tool ran, and how many of them it found.
    pub planted: usize,
    pub found: usize,
    /// Findings that no planted error's `expect` list explains (must be 0).
    pub unexplained: usize,
    /// Shared checks only: the output's hierarchy and yoy lists against the reference's
    /// (in both, only in the reference, only in the output).
    pub hierarchy: Option<[usize; 3]>,
    pub yoy: Option<[usize; 3]>,
}

impl Score {
    /// Scores findings from a tool that ran `checks` (`None`: the whole library), against `reference` when the
    /// tool ran the shared checks.
    fn new(
        findings: &BTreeSet<Key>,
        checks: Option<&[&str]>,
        planted: &Planted,
        reference: Option<&Violations>,
    ) -> Score {
        let ran = |c: &str| checks.is_none_or(|cs| cs.contains(&c));
        let considered: Vec<_> = planted.errors.iter().filter(|p| ran(&p.found_by)).collect();
        let found = considered
            .iter()
            .filter(|p| findings.contains(&key(&p.found_by, &p.found_at, &p.indicator, &p.year)))
            .count();
        let explained: BTreeSet<Key> = planted
            .errors
            .iter()
            .flat_map(|p| &p.expect)
            .map(|e| key(&e.check, &e.area, &e.indicator, &e.year))
            .collect();
        let compare = |check: &str| {
            let reference = reference?.keys();
            let of = |s: &BTreeSet<Key>| {
                s.iter()
                    .filter(|k| k.0 == check)
                    .cloned()
                    .collect::<BTreeSet<_>>()
            };
            let (want, got) = (of(&reference), of(findings));
            Some([
                want.intersection(&got).count(),
                want.difference(&got).count(),
                got.difference(&want).count(),
            ])
        };
        Score {
            findings: findings.len(),
            planted: considered.len(),
            found,
            unexplained: findings.difference(&explained).count(),
            hierarchy: compare(SHARED[0]),
            yoy: compare(SHARED[1]),
        }
    }

    /// A peer's or a floor's JSON output.
    pub fn of_violations(
        output: &[u8],
        planted: &Planted,
        reference: &Violations,
    ) -> Result<(Score, String)> {
        let v: Value = serde_json::from_slice(output)?;
        let version = v["version"].as_str().unwrap_or("unknown").to_string();
        let v: Violations = serde_json::from_value(v)?;
        Ok((
            Score::new(&v.keys(), Some(&SHARED), planted, Some(reference)),
            version,
        ))
    }

    /// statlint's JSON report; `checks` are the `--select`ed checks (`None`: the whole library).
    pub fn of_report(
        output: &[u8],
        checks: Option<&[&str]>,
        planted: &Planted,
        reference: &Violations,
    ) -> Result<Score> {
        let report: Value = serde_json::from_slice(output)?;
        let findings = report["datasets"][0]["findings"]
            .as_array()
            .ok_or("the report has no findings list")?;
        // statlint's yoy.growth also bounds rates and shares (in percentage points); the peers' yoy check
        // covers additive indicators only, so only those findings are compared with it.
        let shared_scope = |f: &&Value| {
            checks.is_none()
                || f["check"] != "yoy.growth"
                || f["indicator"]
                    .as_str()
                    .is_some_and(|i| planted.additive.contains(i))
        };
        let keys = findings
            .iter()
            .filter(shared_scope)
            .map(|f| {
                key(
                    f["check"].as_str().unwrap_or_default(),
                    &f["area"],
                    &f["indicator"],
                    &f["year"],
                )
            })
            .collect();
        Ok(Score::new(
            &keys,
            checks,
            planted,
            checks.map(|_| reference),
        ))
    }

    /// Every planted error the tool could find is found, nothing is unexplained, and the shared checks'
    /// lists equal the reference.
    pub fn agrees(&self) -> bool {
        let same =
            |c: Option<[usize; 3]>| c.is_none_or(|[_, missing, extra]| missing == 0 && extra == 0);
        self.found == self.planted
            && self.unexplained == 0
            && same(self.hierarchy)
            && same(self.yoy)
    }

    /// One cell of the table, e.g. `h 6/6 · y 4/6 +2`.
    pub fn versus_reference(&self) -> String {
        let cell = |name: &str, c: Option<[usize; 3]>| {
            c.map(|[both, missing, extra]| {
                let extra = if extra > 0 {
                    format!(" +{extra}")
                } else {
                    String::new()
                };
                format!("{name} {both}/{}{extra}", both + missing)
            })
        };
        [cell("h", self.hierarchy), cell("y", self.yoy)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ")
    }
}
