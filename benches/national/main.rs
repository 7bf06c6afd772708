//! The national-size benchmark (issue 6): statlint, the DuckDB floor and the Python peers on the same generated
//! panels, timed side by side, each tool's output checked against the planted errors and an exact reference.
//!
//! `cargo bench --bench national -- [--sizes S,M,L] [--runs 3] [--out FILE.json] [--skip-peers]
//! [--peers polars,pandas,vtl-duckdb,vtl-pandas,vtl-ruleset] [--timeout 600]`
//!
//! Per size it generates (or reuses) a panel under `$CARGO_TARGET_DIR/bench-panels/`, then times, median of
//! `--runs`: statlint cold and warm on the shared checks and on the full library, the DuckDB floor on the CSV
//! files and on an already-loaded DuckDB file, and the peers of benches/peers/ from a virtual environment the
//! bench creates itself. It prints a table and writes it as JSON (benches/README.md says what each row means).
//! Timing is this program's business only: no test asserts a duration.

mod floor;
mod measure;
mod report;
mod score;

use clap::{Parser, ValueEnum};
use measure::{Cache, Spec, Status};
use report::{Kind, Row};
use score::{Planted, SHARED, Score};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Times statlint against the DuckDB floor and the Python peers on generated national panels.
#[derive(Parser)]
struct Args {
    /// Panel sizes, comma-separated: S (215k values), M (2.15M), L (10.8M).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "S,M,L",
        ignore_case = true
    )]
    sizes: Vec<Size>,

    /// Timed runs per row; the table shows their median.
    #[arg(long, default_value_t = 3)]
    runs: usize,

    /// Where to write the JSON record [default: $CARGO_TARGET_DIR/bench/national.json].
    #[arg(long, value_name = "FILE.json")]
    out: Option<PathBuf>,

    /// Run statlint and the DuckDB floor only.
    #[arg(long)]
    skip_peers: bool,

    /// Peers to run, comma-separated [default: all; vtl-ruleset only at size S].
    #[arg(long, value_delimiter = ',')]
    peers: Option<Vec<Peer>>,

    /// Limit of one run in seconds; a row whose run outlives it stops there.
    #[arg(long, default_value_t = 600)]
    timeout: u64,

    /// Passed by `cargo bench` to every bench binary; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Size {
    S,
    M,
    L,
}

impl Size {
    fn name(self) -> &'static str {
        match self {
            Size::S => "S",
            Size::M => "M",
            Size::L => "L",
        }
    }
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Peer {
    Polars,
    Pandas,
    VtlDuckdb,
    VtlPandas,
    VtlRuleset,
}

impl Peer {
    /// The row's name and the script's arguments after the panel folder, as in benches/peers/bench.sh.
    /// `vtl-ruleset` runs on the pandas backend: on the DuckDB backend it does not finish S in 10 minutes.
    fn command(self) -> (&'static str, &'static str, &'static [&'static str]) {
        match self {
            Peer::Polars => ("polars", "polars_checks.py", &[]),
            Peer::Pandas => ("pandas", "pandas_checks.py", &[]),
            Peer::VtlDuckdb => (
                "vtlengine duckdb, join",
                "vtl_checks.py",
                &["--backend", "duckdb", "--hierarchy", "join"],
            ),
            Peer::VtlPandas => (
                "vtlengine pandas, join",
                "vtl_checks.py",
                &["--backend", "pandas", "--hierarchy", "join"],
            ),
            Peer::VtlRuleset => (
                "vtlengine pandas, ruleset",
                "vtl_checks.py",
                &["--backend", "pandas", "--hierarchy", "ruleset"],
            ),
        }
    }
}

fn main() -> ExitCode {
    // The DuckDB floor runs in a child process, this binary re-executed: decide that before anything else.
    let argv: Vec<String> = std::env::args().collect();
    if argv.get(1).map(String::as_str) == Some("--floor") {
        return match floor::child(&argv[2..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("national --floor: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("national: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `$CARGO_TARGET_DIR`, or the `target` folder this binary sits in (`target/release/deps/national-…`).
fn target_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Ok(std::path::absolute(dir)?);
    }
    let exe = std::env::current_exe()?;
    Ok(exe
        .ancestors()
        .nth(3)
        .ok_or("cannot find the target folder")?
        .to_path_buf())
}

/// Runs a setup command, failing with its name when it fails.
fn setup(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !status.success() {
        return Err(format!("{cmd:?} failed ({status})").into());
    }
    Ok(())
}

/// The panel of `size` under `bench-panels/`, generated with seed 1 unless a complete one (with planted.json) is
/// there. Returns its folder and whether it was generated now.
fn panel(statlint: &Path, target: &Path, size: Size) -> Result<(PathBuf, bool)> {
    let dir = target.join("bench-panels").join(size.name());
    if dir.join("planted.json").exists() {
        return Ok((dir, false));
    }
    eprintln!(
        "generating the {} panel into {}",
        size.name(),
        dir.display()
    );
    let tmp = dir.with_extension("tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    let _ = std::fs::remove_dir_all(&dir);
    setup(
        Command::new(statlint)
            .args(["generate", "--size", size.name(), "--seed", "1", "--out"])
            .arg(&tmp),
    )?;
    std::fs::rename(&tmp, &dir)?;
    Ok((dir, true))
}

/// The peers' Python: `$CARGO_TARGET_DIR/bench-venv`, created and filled from benches/peers/requirements.txt
/// unless it already holds exactly those requirements.
fn venv(target: &Path, peers: &Path) -> Result<PathBuf> {
    let venv = target.join("bench-venv");
    let python = venv.join("bin/python");
    let requirements = peers.join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)?;
    let marker = venv.join("statlint-requirements.txt");
    if python.exists() && std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str())
    {
        return Ok(python);
    }
    eprintln!("installing the peers into {}", venv.display());
    if !python.exists() {
        setup(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    setup(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "-r"])
            .arg(&requirements),
    )?;
    std::fs::write(&marker, wanted)?;
    Ok(python)
}

/// The rows of one size, in the order they run: (tool, kind, command).
fn specs(
    statlint: &Path,
    panel: &Path,
    db_file: &Path,
    peers: &[Peer],
    python: Option<&Path>,
) -> Result<Vec<(String, Kind, Spec)>> {
    let me = std::env::current_exe()?;
    let path = |p: &Path| p.to_string_lossy().into_owned();
    let floor = |mode: &str, arg: &Path| Spec {
        program: me.clone(),
        args: vec!["--floor".into(), mode.into(), path(arg)],
        cache: Cache::Unset,
        ok_codes: &[0],
    };
    let check = |shared: bool, cache: Cache| {
        let mut args: Vec<String> = ["check", "-q", "--format", "json", "--limit", "0"]
            .map(String::from)
            .into();
        if shared {
            for c in SHARED {
                args.extend(["--select".into(), c.into()]);
            }
        }
        // Warm runs keep the load in statlint's cache; cold runs read the CSV files and write nothing.
        if cache == Cache::Warm {
            args.push("--cache".into());
        }
        args.push(path(panel));
        // exit 1: the run has findings, which it must on a panel with planted errors
        Spec {
            program: statlint.to_path_buf(),
            args,
            cache,
            ok_codes: &[0, 1],
        }
    };
    let mut rows = vec![
        (
            "duckdb floor, csv".to_string(),
            Kind::FloorCsv,
            floor("csv", panel),
        ),
        (
            "duckdb floor, loaded file".to_string(),
            Kind::FloorFile,
            floor("file", db_file),
        ),
    ];
    for (name, shared, warm) in [
        ("statlint cold, shared checks", true, false),
        ("statlint warm, shared checks", true, true),
        ("statlint cold, full library", false, false),
        ("statlint warm, full library", false, true),
    ] {
        let cache = if warm { Cache::Warm } else { Cache::Cold };
        rows.push((
            name.to_string(),
            Kind::Statlint { shared, warm },
            check(shared, cache),
        ));
    }
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers");
    if let Some(python) = python {
        for peer in peers {
            let (name, script, extra) = peer.command();
            let mut args = vec![path(&scripts.join(script)), path(panel)];
            args.extend(extra.iter().map(|a| a.to_string()));
            let spec = Spec {
                program: python.to_path_buf(),
                args,
                cache: Cache::Unset,
                ok_codes: &[0],
            };
            rows.push((name.to_string(), Kind::Peer, spec));
        }
    }
    Ok(rows)
}

/// A file name for a row's output: `statlint cold, shared checks` → `statlint-cold-shared-checks`.
fn slug(tool: &str) -> String {
    let s: String = tool
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    s.split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn run(args: &Args) -> Result<()> {
    let target = target_dir()?;
    let statlint = PathBuf::from(env!("CARGO_BIN_EXE_statlint"));
    let statlint_version =
        String::from_utf8(Command::new(&statlint).arg("--version").output()?.stdout)?
            .trim()
            .to_string();
    let explicit = args.peers.is_some();
    let peers = match (&args.peers, args.skip_peers) {
        (_, true) => vec![],
        (Some(p), false) => p.clone(),
        (None, false) => Peer::value_variants().to_vec(),
    };
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers");
    let python = if peers.is_empty() {
        None
    } else {
        Some(venv(&target, &scripts)?)
    };

    let mut rows = Vec::new();
    let mut panels = serde_json::Map::new();
    for &size in &args.sizes {
        let (dir, generated) = panel(&statlint, &target, size)?;
        let planted = Planted::read(&dir.join("planted.json"))?;
        let db_file = target
            .join("bench-panels")
            .join(format!("{}.duckdb", size.name()));
        if generated || !db_file.exists() {
            eprintln!(
                "building the loaded-file floor's database {}",
                db_file.display()
            );
            floor::build_file(&dir, &db_file)?;
        }
        let reference = floor::reference(&dir)?;
        eprintln!(
            "{}: {} observations, {} planted errors; reference (exact tenths): hierarchy {}, yoy {}",
            size.name(),
            planted.observations,
            planted.count(),
            reference.hierarchy.len(),
            reference.yoy.len()
        );
        panels.insert(
            size.name().into(),
            json!({"dir": dir, "observations": planted.observations, "planted": planted.count(),
                   "reference": {"hierarchy": reference.hierarchy.len(), "yoy": reference.yoy.len()}}),
        );
        // The slow textbook VTL form runs only at S unless asked for by name.
        let peers: Vec<Peer> = peers
            .iter()
            .copied()
            .filter(|&p| explicit || p != Peer::VtlRuleset || matches!(size, Size::S))
            .collect();
        let outputs = target.join("bench/national").join(size.name());
        std::fs::create_dir_all(&outputs)?;

        let mut size_rows = Vec::new();
        for (tool, kind, spec) in specs(&statlint, &dir, &db_file, &peers, python.as_deref())? {
            eprint!("{} {tool}: ", size.name());
            let out = outputs.join(format!("{}.out", slug(&tool)));
            let err = outputs.join(format!("{}.err", slug(&tool)));
            let timing = measure::measure(&spec, args.runs, args.timeout, &out, &err)?;
            let (score, version) = if timing.status == Status::Done {
                let output = std::fs::read(&out)?;
                let scored = match kind {
                    Kind::Statlint { shared, .. } => {
                        let checks = shared.then_some(&SHARED[..]);
                        Score::of_report(&output, checks, &planted, &reference)
                            .map(|s| (s, statlint_version.clone()))
                    }
                    _ => Score::of_violations(&output, &planted, &reference),
                };
                match scored {
                    Ok((s, v)) => (Some(s), Some(v)),
                    Err(e) => {
                        eprint!("(cannot read {}: {e}) ", out.display());
                        (None, None)
                    }
                }
            } else {
                (None, None)
            };
            match (&timing.status, timing.median()) {
                (Status::Done, Some(m)) => eprintln!("median {m:.3} s"),
                (status, _) => eprintln!("{status:?}"),
            }
            size_rows.push(Row {
                size: size.name().into(),
                tool,
                kind,
                command: spec.display(),
                timing,
                score,
                version,
                ratio_floor_csv: None,
                ratio_floor_file: None,
                ratio_statlint: None,
            });
        }
        report::ratios(&mut size_rows);
        rows.extend(size_rows);
    }

    println!("{}", report::table(&rows));
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()?
        .stdout;
    // every tool's version as its output reported it (statlint's from `--version`)
    let versions: serde_json::Map<_, _> = rows
        .iter()
        .filter_map(|r| Some((r.tool.clone(), json!(r.version.as_ref()?))))
        .collect();
    let header = json!({
        "date": String::from_utf8_lossy(&date).trim(),
        "invocation": std::env::args().collect::<Vec<_>>(),
        "tools": versions,
        "machine": report::machine(),
        "versions": {"statlint": statlint_version, "duckdb": floor::version()},
        "runs": args.runs,
        "timeout_s": args.timeout,
        "panels": panels,
    });
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| target.join("bench/national.json"));
    report::write_json(&out, header, &rows)?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
