//! Running checks on a loaded dataset. A failing check is a result, not an error; a check that cannot run
//! is a result too (`Failed`), reported with its file so it is never mistaken for a pass.

use super::finding::{self, Finding, Location};
use super::{Check, Severity, header};
use crate::db::{Db, NamedError};
use crate::manifest::{Area, Dataset};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// What running one check gave.
#[derive(Debug, Clone)]
pub enum Outcome {
    Ran {
        /// The findings kept (at most [`Limits::max_findings`]).
        findings: Vec<Finding>,
        /// Findings the check returned beyond those kept: counted, not read.
        omitted: u64,
        /// Items the check evaluated, when it says (its counts query).
        items: Option<u64>,
        /// Items it could not evaluate (missing values), when it says.
        not_evaluated: Option<u64>,
    },
    /// The check could not run; the message says why.
    Failed { message: String },
}

#[derive(Debug, Clone)]
pub struct CheckResult {
    pub check: Check,
    pub outcome: Outcome,
    pub seconds: f64,
}

impl CheckResult {
    pub fn findings(&self) -> &[Finding] {
        match &self.outcome {
            Outcome::Ran { findings, .. } => findings,
            Outcome::Failed { .. } => &[],
        }
    }
    /// How many findings the check returned, kept or not.
    pub fn count(&self) -> u64 {
        match &self.outcome {
            Outcome::Ran {
                findings, omitted, ..
            } => findings.len() as u64 + omitted,
            Outcome::Failed { .. } => 0,
        }
    }
    /// Findings returned beyond those kept.
    pub fn omitted(&self) -> u64 {
        match &self.outcome {
            Outcome::Ran { omitted, .. } => *omitted,
            Outcome::Failed { .. } => 0,
        }
    }
    pub fn failed_to_run(&self) -> bool {
        matches!(self.outcome, Outcome::Failed { .. })
    }
}

/// All results of one run.
#[derive(Debug, Clone)]
pub struct Report {
    pub dataset: String,
    pub results: Vec<CheckResult>,
}

impl Report {
    /// Findings per severity: (errors, warnings, infos).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for r in &self.results {
            let n = r.count() as usize;
            match r.check.severity {
                Severity::Error => c.0 += n,
                Severity::Warning => c.1 += n,
                Severity::Info => c.2 += n,
            }
        }
        c
    }
    /// Checks that could not run.
    pub fn broken(&self) -> usize {
        self.results.iter().filter(|r| r.failed_to_run()).count()
    }
}

/// The name of an area valid on the reference date of `year` (or any name it had).
pub fn area_name<'a>(
    by_code: &HashMap<&str, Vec<&'a Area>>,
    code: &str,
    year: Option<i32>,
    at: crate::period::RefDate,
) -> Option<&'a str> {
    let rows = by_code.get(code)?;
    let date = year.map(|y| crate::period::reference_date(y, None, at));
    rows.iter()
        .find(|a| date.as_deref().is_some_and(|d| a.valid_on(d)))
        .or(rows.last())
        .map(|a| a.name.as_str())
}

fn sort_key(f: &Finding) -> (String, u32, String, String, String, i32, String) {
    let (file, line, cell) = f
        .location
        .as_ref()
        .map_or((String::new(), 0, String::new()), |l| {
            (
                l.file.clone(),
                l.line.unwrap_or(0),
                l.cell.clone().unwrap_or_default(),
            )
        });
    (
        file,
        line,
        cell,
        f.indicator.clone().unwrap_or_default(),
        f.area.clone().unwrap_or_default(),
        f.year.unwrap_or(0),
        f.message.clone(),
    )
}

/// Points DuckDB's `LINE n:` (counted within the query) at the line of the check file.
fn at_file_line(message: &str, check: &Check) -> String {
    let line = message
        .split("LINE ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.trim().parse::<usize>().ok());
    match line {
        Some(n) => format!(
            "{message}\n(line {n} of the query is {}:{})",
            check.path.display(),
            check.sql_line + n - 1
        ),
        None => message.to_string(),
    }
}

/// An engine message, with what to do about it when DuckDB ran out of memory or lacks an extension.
fn engine_advice(db: &Db, message: &str) -> String {
    // DuckDB suggests installing a missing extension or enabling auto-install: neither is possible here.
    if let Some(i) = message.find("Please try installing") {
        return format!(
            "{}\n(statlint installs and loads no extensions: only Parquet and JSON are built in)",
            message[..i].trim_end()
        );
    }
    if !message.contains("Out of Memory") {
        return message.to_string();
    }
    let limit = db
        .memory_limit()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    // DuckDB's own advice (SET memory_limit, SET threads) cannot be followed: the settings are locked.
    let message = message
        .split("Possible solutions")
        .next()
        .unwrap_or(message)
        .trim_end();
    format!(
        "{message}\nhint: the check needs more than DuckDB's memory limit{limit}: raise it with --memory-limit (e.g. --memory-limit 8GB)"
    )
}

/// Bounds on the checks of a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// A check still running after this long is stopped, and reported as a check that could not run.
    pub per_check: Option<Duration>,
    /// All the checks of a dataset: when this has passed, the check running is stopped and the checks not
    /// yet started are not run, each reported as a check that could not run.
    pub run: Option<Duration>,
    /// Findings kept per check; the count of the rest stays exact.
    pub max_findings: Option<usize>,
}

/// A duration as the command line writes it: `90s`, `10m`, `1h`, `1.5s`.
fn show_duration(d: Duration) -> String {
    let s = d.as_secs();
    if d.subsec_nanos() != 0 {
        format!("{}s", d.as_secs_f64())
    } else if s >= 3600 && s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else if s >= 60 && s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// Why a check was stopped or not started, by the limit that ended it.
fn over_time(limits: &Limits, by_run: bool, started: bool) -> String {
    match (by_run, limits.run, limits.per_check) {
        (true, Some(r), _) if started => format!(
            "stopped: the checks of this dataset reached their time limit (--run-timeout {})",
            show_duration(r)
        ),
        (true, Some(r), _) => format!(
            "not run: the checks of this dataset reached their time limit (--run-timeout {}) before it started",
            show_duration(r)
        ),
        (_, _, Some(c)) => format!(
            "stopped after {}: the check ran longer than its time limit (--timeout {})",
            show_duration(c),
            show_duration(c)
        ),
        _ => "stopped at its time limit".to_string(),
    }
}

/// Runs one check.
fn run_one(
    db: &Db,
    check: &Check,
    areas: &HashMap<&str, Vec<&Area>>,
    at: crate::period::RefDate,
    limits: &Limits,
    run_deadline: Option<Instant>,
) -> Outcome {
    let start = Instant::now();
    if run_deadline.is_some_and(|d| start >= d) {
        return Outcome::Failed {
            message: over_time(limits, true, false),
        };
    }
    let own = limits.per_check.map(|d| start + d);
    let (deadline, by_run) = match (own, run_deadline) {
        (Some(a), Some(b)) if b < a => (Some(b), true),
        (None, Some(b)) => (Some(b), true),
        (a, _) => (a, false),
    };
    let query_limits = crate::db::Limits {
        deadline,
        keep_rows: limits.max_findings,
    };
    let params: Vec<(String, crate::db::Param)> = check
        .params
        .iter()
        .map(|(name, v)| (name.clone(), header::bind(v)))
        .collect();
    let why = |e: NamedError| match e {
        NamedError::Engine(e) => engine_advice(db, e.to_string().trim_end()),
        NamedError::TimedOut => over_time(limits, by_run, true),
        other => other.to_string(),
    };
    let table = match db.query_check(&check.sql, &params, check.builtin, query_limits) {
        Ok(t) => t,
        Err(e) => {
            return Outcome::Failed {
                message: at_file_line(&why(e), check),
            };
        }
    };
    let mut findings = match finding::read(&table.schema, &table.batches) {
        Ok(f) => f,
        Err(m) => return Outcome::Failed { message: m },
    };
    for f in &mut findings {
        if let Some(a) = &f.area {
            f.area_name = area_name(areas, a, f.year, at).map(String::from);
            // A finding about an area with no value to point at (it reported nothing) points at the
            // row that declares the area.
            if f.location.is_none()
                && f.observed.is_none()
                && let Some(decl) = areas.get(a.as_str()).and_then(|v| v.first())
            {
                f.location = Some(Location {
                    role: Some("declared".to_string()),
                    area: None,
                    value: None,
                    file: decl.declared.0.display().to_string(),
                    line: Some(decl.declared.1 as u32),
                    cell: None,
                });
            }
        }
    }
    findings.sort_by_key(sort_key);
    let (mut items, mut not_evaluated) = (None, None);
    if let Some(sql) = &check.counts {
        let t = match db.query_check(sql, &params, check.builtin, query_limits) {
            Ok(t) => t,
            Err(e) => {
                return Outcome::Failed {
                    message: format!("counts query: {}", why(e)),
                };
            }
        };
        let get = |name: &str| -> Option<u64> {
            let b = t.batches.iter().find(|b| b.num_rows() > 0)?;
            let a = b.column_by_name(name)?;
            duckdb::arrow::compute::cast(a, &duckdb::arrow::datatypes::DataType::Int64)
                .ok()
                .and_then(|a| {
                    use duckdb::arrow::array::{Array, AsArray};
                    a.is_valid(0).then(|| {
                        a.as_primitive::<duckdb::arrow::datatypes::Int64Type>()
                            .value(0) as u64
                    })
                })
        };
        items = get("items");
        not_evaluated = get("not_evaluated");
        if items.is_none() {
            return Outcome::Failed {
                message: "the counts query must return one row with an 'items' column".to_string(),
            };
        }
    }
    Outcome::Ran {
        findings,
        omitted: table.omitted,
        items,
        not_evaluated,
    }
}

/// Below this many observations the checks run side by side, one connection per core: on small data a
/// check's time is mostly planning, which is single-threaded, and up to a few million observations the
/// engine's threads do not keep the cores busy either (on the generated M panel, 2.15 million, the full
/// library took 2.6–3.8 s side by side against 3.2–4.9 s one at a time, eight runs each, at 408–429 MiB
/// against 322–342 MiB). Above it each check has the engine's threads to itself, and the memory of one
/// check at a time: on the L panel (10.8 million) side by side was faster too (9.5–9.7 s against
/// 10.1–13.8 s) but peaked at 1,609 MiB against 1,297–1,310 MiB, and on 5.4 million observations (ten of
/// L's years) it gained 3–4 % for 140 MiB more.
const SIDE_BY_SIDE: u64 = 3_000_000;

/// From this many observations a dataset is large: the memory its load frees is handed back before the
/// checks (see [`crate::db::release_freed_memory`]).
const LARGE: u64 = 1_000_000;

/// Whether the checks run side by side: on data below [`SIDE_BY_SIDE`] observations (as loaded), with more
/// than one core. Then DuckDB's own worker threads only add hand-offs between threads, and the caller sets
/// the engine to one thread before the configuration is locked.
pub fn side_by_side(observations: u64) -> bool {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    threads > 1 && observations < SIDE_BY_SIDE
}

/// Whether a dataset is large: at least [`LARGE`] observations. (Checks that run one at a time hand back
/// what each frees before the next, whatever the size.)
pub fn large(observations: u64) -> bool {
    observations >= LARGE
}

/// Runs the checks and returns their results in order, side by side on one connection per core when
/// `side_by_side` (see [`side_by_side`]). `on_result` sees each result as it is ready (for progress).
pub fn run(
    db: &Db,
    ds: &Dataset,
    checks: Vec<Check>,
    side_by_side: bool,
    limits: &Limits,
    on_result: &mut dyn FnMut(&CheckResult),
) -> Report {
    let run_deadline = limits.run.map(|d| Instant::now() + d);
    let mut areas: HashMap<&str, Vec<&Area>> = HashMap::new();
    for a in &ds.areas {
        areas.entry(a.code.as_str()).or_default().push(a);
    }
    let timed = |db: &Db, check: Check| {
        let start = Instant::now();
        let outcome = run_one(db, &check, &areas, ds.reference_date, limits, run_deadline);
        CheckResult {
            check,
            outcome,
            seconds: start.elapsed().as_secs_f64(),
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers: Vec<Db> = if checks.len() > 1 && side_by_side {
        (0..threads.min(checks.len()))
            .map_while(|_| db.connect().ok())
            .collect()
    } else {
        vec![]
    };
    if workers.is_empty() {
        let mut results = Vec::with_capacity(checks.len());
        for check in checks {
            let r = timed(db, check);
            // One at a time (large data, or one core): what this check freed goes back before the next one.
            crate::db::release_freed_memory();
            on_result(&r);
            results.push(r);
        }
        return Report {
            dataset: ds.name.clone(),
            results,
        };
    }
    // Side by side: each connection takes the next check; results come back in any order and are put back
    // in the order of the checks. On small data a check's time is mostly parsing and planning its queries,
    // which grows with their length: the longest start first, so that the connections finish together.
    let n = checks.len();
    let mut order: Vec<(usize, Check)> = checks.into_iter().enumerate().collect();
    order.sort_by_key(|(_, c)| {
        std::cmp::Reverse(c.sql.len() + c.counts.as_ref().map_or(0, String::len))
    });
    let queue = std::sync::Mutex::new(order.into_iter());
    let mut slots: Vec<Option<CheckResult>> = (0..n).map(|_| None).collect();
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel();
        for conn in workers {
            let (tx, queue, timed) = (tx.clone(), &queue, &timed);
            s.spawn(move || {
                loop {
                    let next = queue.lock().expect("not poisoned").next();
                    let Some((i, check)) = next else { break };
                    if tx.send((i, timed(&conn, check))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, r) in rx {
            on_result(&r);
            slots[i] = Some(r);
        }
    });
    Report {
        dataset: ds.name.clone(),
        results: slots
            .into_iter()
            .map(|r| r.expect("every check ran"))
            .collect(),
    }
}
