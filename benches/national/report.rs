//! The results: one row per tool × size, printed as a table and written as JSON with the machine, the versions
//! and the exact commands.

use crate::measure::{Status, Timing};
use crate::score::Score;
use serde_json::{Value, json};
use std::path::Path;

/// What a row measures, which decides its ratio.
#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    FloorCsv,
    FloorFile,
    Statlint { shared: bool, warm: bool },
    Peer,
}

pub struct Row {
    pub size: String,
    pub tool: String,
    pub kind: Kind,
    pub command: String,
    pub timing: Timing,
    /// `None` when no run finished or the output could not be read.
    pub score: Option<Score>,
    pub version: Option<String>,
    /// Filled by [`ratios`]: median ÷ the DuckDB CSV floor and ÷ the loaded-file floor (statlint rows), median ÷
    /// statlint cold on the shared checks (peers).
    pub ratio_floor_csv: Option<f64>,
    pub ratio_floor_file: Option<f64>,
    pub ratio_statlint: Option<f64>,
}

impl Row {
    fn peak_mib(&self) -> Option<f64> {
        self.timing
            .peak_kb
            .iter()
            .max()
            .map(|&kb| kb as f64 / 1024.0)
    }

    fn verdict(&self) -> &'static str {
        match &self.score {
            Some(s) if s.agrees() => "agree",
            Some(_) => "differ",
            None => "-",
        }
    }
}

/// Fills the ratios of the rows of one size.
pub fn ratios(rows: &mut [Row]) {
    let median = |rows: &[Row], pick: &dyn Fn(Kind) -> bool| {
        rows.iter()
            .find(|r| pick(r.kind))
            .and_then(|r| r.timing.median())
    };
    let csv = median(rows, &|k| k == Kind::FloorCsv);
    let file = median(rows, &|k| k == Kind::FloorFile);
    let statlint = median(rows, &|k| {
        k == Kind::Statlint {
            shared: true,
            warm: false,
        }
    });
    for r in rows.iter_mut() {
        let Some(m) = r.timing.median() else { continue };
        match r.kind {
            Kind::Statlint { warm, .. } => {
                r.ratio_floor_csv = csv.map(|c| m / c);
                r.ratio_floor_file = file.filter(|_| warm).map(|f| m / f);
            }
            Kind::Peer => r.ratio_statlint = statlint.map(|s| m / s),
            _ => {}
        }
    }
}

const HEADER: [&str; 11] = [
    "size",
    "tool",
    "median s",
    "min–max s",
    "peak MiB",
    "ratio",
    "findings",
    "planted",
    "unexplained",
    "vs reference",
    "result",
];

fn cells(r: &Row) -> [String; 11] {
    let t = &r.timing;
    let median = match (&t.status, t.median()) {
        (Status::TimedOut(limit), _) => format!("> {limit} s"),
        (Status::Failed(_), _) => "failed".into(),
        (Status::Done, Some(m)) => format!("{m:.3}"),
        (Status::Done, None) => "-".into(),
    };
    let range = match (
        t.secs.iter().copied().reduce(f64::min),
        t.secs.iter().copied().reduce(f64::max),
    ) {
        (Some(lo), Some(hi)) if t.secs.len() > 1 => format!("{lo:.3}–{hi:.3}"),
        _ => "-".into(),
    };
    let mut ratio = Vec::new();
    if let Some(x) = r.ratio_floor_csv {
        ratio.push(format!("{x:.2}× csv floor"));
    }
    if let Some(x) = r.ratio_floor_file {
        ratio.push(format!("{x:.2}× file floor"));
    }
    if let Some(x) = r.ratio_statlint {
        ratio.push(format!("{x:.2}× statlint"));
    }
    let score = r.score.as_ref();
    [
        r.size.clone(),
        r.tool.clone(),
        median,
        range,
        r.peak_mib().map_or("-".into(), |m| format!("{m:.0}")),
        if ratio.is_empty() {
            "-".into()
        } else {
            ratio.join(" · ")
        },
        score.map_or("-".into(), |s| s.findings.to_string()),
        score.map_or("-".into(), |s| format!("{}/{}", s.found, s.planted)),
        score.map_or("-".into(), |s| s.unexplained.to_string()),
        score
            .map(|s| s.versus_reference())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "-".into()),
        r.verdict().into(),
    ]
}

/// The table, as printed to stdout.
pub fn table(rows: &[Row]) -> String {
    let body: Vec<[String; 11]> = rows.iter().map(cells).collect();
    let width = |i: usize| {
        body.iter()
            .map(|c| c[i].chars().count())
            .chain([HEADER[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..HEADER.len()).map(width).collect();
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let mut out = line(&HEADER.map(String::from));
    out += &line(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>());
    for c in &body {
        out += &line(c);
    }
    out
}

/// The machine the bench ran on: cores, CPU model and RAM, from /proc.
pub fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown".to_string(), |(_, m)| m.trim().to_string());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram_kb: Option<u64> = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse().ok());
    json!({
        "nproc": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "cpu": cpu,
        "ram_gib": ram_kb.map(|k| (k as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0),
    })
}

/// Writes the JSON record: `header` (date, machine, versions, settings) plus every row.
pub fn write_json(path: &Path, mut header: Value, rows: &[Row]) -> std::io::Result<()> {
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            let t = &r.timing;
            let (status, detail) = match &t.status {
                Status::Done => ("done", None),
                Status::TimedOut(limit) => ("timeout", Some(format!("stopped after {limit} s"))),
                Status::Failed(why) => ("failed", Some(why.clone())),
            };
            json!({
                "size": r.size,
                "tool": r.tool,
                "version": r.version,
                "command": r.command,
                "status": status,
                "detail": detail,
                "secs": t.secs,
                "median_s": t.median(),
                "min_s": t.secs.iter().copied().reduce(f64::min),
                "max_s": t.secs.iter().copied().reduce(f64::max),
                "peak_kib": t.peak_kb,
                "peak_mib": r.peak_mib(),
                "ratio_floor_csv": r.ratio_floor_csv,
                "ratio_floor_file": r.ratio_floor_file,
                "ratio_statlint_cold_shared": r.ratio_statlint,
                "score": r.score,
                "result": r.verdict(),
            })
        })
        .collect();
    header["rows"] = Value::Array(rows);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, serde_json::to_string_pretty(&header)? + "\n")
}
