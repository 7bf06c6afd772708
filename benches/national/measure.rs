//! Timing one command: wall time and peak memory of each run, with a limit per run.
//!
//! Each run is `timeout -k 10 LIMIT /usr/bin/time -o FILE -f "%e %M" PROGRAM ARGS…`: GNU time reports the peak
//! RSS of the command alone (not of this process), and timeout stops the whole process group, Python workers
//! included, when a run outlives the limit. Wall time is taken here around the whole run, so it includes the two
//! wrappers' start-up (a few milliseconds).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Which statlint load cache a run sees (`STATLINT_CACHE_DIR`).
#[derive(Clone, Copy, PartialEq)]
pub enum Cache {
    /// Not a statlint run: the variable is not set.
    Unset,
    /// A fresh empty directory for every run.
    Cold,
    /// One directory, primed by an untimed run before the timed ones.
    Warm,
}

/// A command to time.
pub struct Spec {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub cache: Cache,
    /// Exit codes of a successful run (statlint exits 1 when it has findings).
    pub ok_codes: &'static [i32],
}

impl Spec {
    /// The command as a shell line, for the JSON record.
    pub fn display(&self) -> String {
        let env = match self.cache {
            Cache::Unset => "",
            Cache::Cold => "STATLINT_CACHE_DIR=<fresh empty dir> ",
            Cache::Warm => "STATLINT_CACHE_DIR=<primed dir> ",
        };
        let mut line = format!("{env}{}", self.program.display());
        for a in &self.args {
            line.push(' ');
            line.push_str(a);
        }
        line
    }
}

/// How the runs of one row ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Done,
    /// A run outlived the limit (seconds); later runs were skipped.
    TimedOut(u64),
    /// A run failed; later runs were skipped.
    Failed(String),
}

/// The timed runs of one row.
pub struct Timing {
    pub secs: Vec<f64>,
    pub peak_kb: Vec<u64>,
    pub status: Status,
}

impl Timing {
    pub fn median(&self) -> Option<f64> {
        let mut s = self.secs.clone();
        s.sort_by(f64::total_cmp);
        let n = s.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(s[n / 2]),
            _ => Some((s[n / 2 - 1] + s[n / 2]) / 2.0),
        }
    }
}

/// Runs `spec` `runs` times; the last run's stdout and stderr stay in `out` and `err`.
pub fn measure(spec: &Spec, runs: usize, limit: u64, out: &Path, err: &Path) -> Result<Timing> {
    let primed = tempfile::tempdir()?;
    if spec.cache == Cache::Warm {
        let (_, _, status) = run_once(spec, Some(primed.path()), limit, out, err)?;
        if status != Status::Done {
            return Ok(Timing {
                secs: vec![],
                peak_kb: vec![],
                status,
            });
        }
    }
    let mut timing = Timing {
        secs: vec![],
        peak_kb: vec![],
        status: Status::Done,
    };
    for _ in 0..runs {
        let fresh = tempfile::tempdir()?;
        let cache = match spec.cache {
            Cache::Unset => None,
            Cache::Cold => Some(fresh.path()),
            Cache::Warm => Some(primed.path()),
        };
        let (secs, kb, status) = run_once(spec, cache, limit, out, err)?;
        if status != Status::Done {
            timing.status = status;
            break;
        }
        timing.secs.push(secs);
        timing.peak_kb.push(kb);
    }
    Ok(timing)
}

/// One run: (wall seconds, peak RSS in KiB, status).
fn run_once(
    spec: &Spec,
    cache: Option<&Path>,
    limit: u64,
    out: &Path,
    err: &Path,
) -> Result<(f64, u64, Status)> {
    let time_file = tempfile::NamedTempFile::new()?;
    let mut cmd = Command::new("timeout");
    cmd.args([
        "-k",
        "10",
        &limit.to_string(),
        "/usr/bin/time",
        "-f",
        "%e %M",
        "-o",
    ])
    .arg(time_file.path())
    .arg(&spec.program)
    .args(&spec.args)
    .stdout(File::create(out)?)
    .stderr(File::create(err)?);
    if let Some(dir) = cache {
        cmd.env("STATLINT_CACHE_DIR", dir);
    }
    let start = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run timeout and /usr/bin/time: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    let code = status.code().unwrap_or(-1);
    // timeout exits 124 when it stopped the command with SIGTERM, 137 when it had to use SIGKILL
    if code == 124 || code == 137 {
        return Ok((secs, 0, Status::TimedOut(limit)));
    }
    if !spec.ok_codes.contains(&code) {
        let tail = std::fs::read_to_string(err).unwrap_or_default();
        let tail = tail
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        return Ok((secs, 0, Status::Failed(format!("exit {code}: {tail}"))));
    }
    // GNU time may write "Command exited with non-zero status 1" first; the figures are on the last line.
    let report = std::fs::read_to_string(time_file.path())?;
    let kb = report
        .lines()
        .last()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse().ok())
        .ok_or_else(|| format!("cannot read /usr/bin/time's report: {report:?}"))?;
    Ok((secs, kb, Status::Done))
}
