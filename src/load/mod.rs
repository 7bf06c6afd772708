//! Loading a dataset into DuckDB: reference tables from the manifest, every data file into one long
//! `observations` table with provenance, and every value that cannot be read into `rejects` with its place
//! and reason. For each file, values read = values loaded + values rejected.

mod csv;
// Without the engine, what only the database load uses is unused.
#[cfg_attr(not(feature = "engine"), allow(dead_code))]
mod obs;
#[cfg(feature = "engine")]
mod parquet;
#[cfg(feature = "engine")]
mod reference;
mod shape;
mod sheet;
mod whole;

#[cfg(feature = "engine")]
use crate::db::Db;
use crate::error::Error;
use crate::error::Result;
use crate::manifest::{Dataset, FileSpec, Format, Indicator};
#[cfg(feature = "engine")]
use duckdb::types::Value;
use obs::FxMap;
#[cfg(feature = "engine")]
use std::sync::Mutex;
#[cfg(feature = "engine")]
use std::sync::atomic::{AtomicUsize, Ordering};
use unicode_normalization::UnicodeNormalization;

pub use obs::{Status, ValueType};
pub use shape::{Cell, RowLoc, year_in_header};

#[cfg(feature = "engine")]
pub(crate) const SCHEMA: &str = include_str!("../../sql/schema.sql");
#[cfg(feature = "engine")]
pub(crate) const OBSERVATIONS: &str = include_str!("../../sql/observations.sql");
#[cfg(feature = "engine")]
pub(crate) const TREE: &str = include_str!("../../sql/tree.sql");

/// What loading one file found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileStats {
    pub file: String,
    pub format: &'static str,
    pub encoding: Option<String>,
    pub locale: Option<String>,
    pub sheet: Option<String>,
    /// Data rows read (blank rows are not rows).
    pub rows: u64,
    /// Value cells read: one per row in a long file, one per value column in a wide file.
    pub values: u64,
    pub loaded: u64,
    pub rejected: u64,
    pub blake3: String,
    /// What the reader noticed: conversions, columns not read, ambiguity.
    pub notes: Vec<String>,
}

impl FileStats {
    fn new(spec: &FileSpec) -> FileStats {
        FileStats {
            file: spec.path.clone(),
            format: spec.format.as_str(),
            encoding: (spec.format == Format::Csv).then(|| spec.encoding.name().to_string()),
            locale: spec.locale.map(|l| l.describe()),
            sheet: None,
            rows: 0,
            values: 0,
            loaded: 0,
            rejected: 0,
            blake3: String::new(),
            notes: vec![],
        }
    }
}

/// A value (or a row of values) that could not be loaded.
#[derive(Debug, Clone)]
pub struct Reject {
    pub file: u32,
    pub line: Option<u32>,
    pub cell: Option<String>,
    pub column: Option<String>,
    pub area: Option<String>,
    pub indicator: Option<String>,
    pub year: Option<i32>,
    /// The text as found (cut to 200 characters).
    pub raw: String,
    /// Machine-readable reason: `unparseable_number`, `ambiguous_number`, `unknown_unit`, ...
    pub reason: &'static str,
    pub message: String,
    /// Number of values the reject accounts for (a whole row of a wide file counts each of its values).
    pub records: u32,
}

/// The result of a load.
#[cfg(feature = "engine")]
#[derive(Debug, Clone)]
pub struct LoadReport {
    pub files: Vec<FileStats>,
    pub observations: usize,
    pub rejected: u64,
    pub value_type: ValueType,
}

/// Looks up indicators by code or by name for the loader.
pub struct Resolver<'a> {
    pub ds: &'a Dataset,
    by_code: FxMap<&'a str, &'a Indicator>,
    /// Normalised Vietnamese or English name → code; `None` when two indicators share the name.
    by_name: FxMap<String, Option<&'a str>>,
}

fn norm_name(s: &str) -> String {
    s.nfc()
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl<'a> Resolver<'a> {
    pub fn new(ds: &'a Dataset) -> Resolver<'a> {
        let mut by_name: FxMap<String, Option<&'a str>> = FxMap::default();
        for i in &ds.indicators {
            for n in std::iter::once(&i.name).chain(i.name_en.as_ref()) {
                by_name
                    .entry(norm_name(n))
                    .and_modify(|e| {
                        if *e != Some(i.code.as_str()) {
                            *e = None
                        }
                    })
                    .or_insert(Some(i.code.as_str()));
            }
        }
        Resolver {
            ds,
            by_code: ds.indicators.iter().map(|i| (i.code.as_str(), i)).collect(),
            by_name,
        }
    }

    /// The indicator code a cell or header means: the code itself, or the code of the one indicator with that
    /// name; otherwise the text as it is (the unknown-code check reports it).
    pub fn indicator_code(&self, text: &str) -> String {
        let t = text.trim();
        if self.by_code.contains_key(t) {
            return t.to_string();
        }
        match self.by_name.get(&norm_name(t)) {
            Some(Some(code)) => code.to_string(),
            _ => t.to_string(),
        }
    }

    pub fn indicator(&self, code: &str) -> Option<&'a Indicator> {
        self.by_code.get(code).copied()
    }
}

/// Runs `f` on `0..n` with up to `threads` threads; results in order.
#[cfg(feature = "engine")]
pub(crate) fn parallel<T: Send>(threads: usize, n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    if threads <= 1 || n <= 1 {
        return (0..n).map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<T>>> = (0..n).map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads.min(n) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let r = f(i);
                    *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every task ran")
        })
        .collect()
}

/// A file after its first reading step.
#[cfg(feature = "engine")]
#[allow(clippy::large_enum_variant)] // one per file, short-lived
enum Stage<'a> {
    /// A text file with its header read, to be read in pieces.
    Csv(csv::Prepared<'a>),
    Done(shape::Loaded),
    /// Parquet files are read by DuckDB, on the thread that owns the connection.
    Parquet,
}

/// How to load.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// Threads for reading files and appending to DuckDB.
    pub threads: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// Reads data file `file` of `ds` from `bytes` instead of from its path, without a database: what the reader
/// found, and the rejects. A text file is cut into pieces of about `piece` bytes (`None`: the size [`load`]
/// uses). The fuzz targets (`fuzz/`) call it; Parquet files, which DuckDB reads, are refused.
pub fn read_bytes(
    ds: &Dataset,
    file: usize,
    bytes: Vec<u8>,
    piece: Option<usize>,
) -> Result<(FileStats, Vec<Reject>)> {
    let res = Resolver::new(ds);
    let spec = &ds.files[file];
    let sink = shape::FileSink::new(&res, spec, file as u32);
    let loaded = match spec.format {
        Format::Csv => {
            let p = csv::prepare_bytes(sink, bytes, piece.unwrap_or(csv::PIECE))?;
            let pieces = (0..p.pieces()).map(|k| p.read_piece(k)).collect();
            p.finish(pieces)
        }
        Format::Xlsx | Format::Xls | Format::Xlsb | Format::Ods => sheet::read_bytes(sink, bytes)?,
        Format::Parquet => {
            return Err(Error::input(
                &spec.abs,
                None,
                "Parquet files are read by DuckDB, which this build does not have",
            ));
        }
    };
    Ok((loaded.stats, loaded.rejects))
}

/// Reads every data file: whole files in parallel, then the pieces of large text files in parallel. On an
/// error, the files before the failing one are returned with it, so their counts can still be shown.
#[cfg(feature = "engine")]
fn read_files<'a>(
    db: &Db,
    res: &'a Resolver<'a>,
    opts: LoadOptions,
) -> (Vec<shape::Loaded>, Option<Error>) {
    let ds = res.ds;
    let stages: Vec<Result<Stage<'a>>> = parallel(opts.threads, ds.files.len(), |i| {
        let spec = &ds.files[i];
        let sink = shape::FileSink::new(res, spec, i as u32);
        Ok(match spec.format {
            Format::Csv => Stage::Csv(csv::prepare(sink)?),
            Format::Xlsx | Format::Xls | Format::Xlsb | Format::Ods => {
                Stage::Done(sheet::read(sink)?)
            }
            Format::Parquet => Stage::Parquet,
        })
    });
    // Only the files before the first failure are read further.
    let mut ready: Vec<Stage<'a>> = Vec::new();
    let mut failure = None;
    for s in stages {
        match s {
            Ok(s) if failure.is_none() => ready.push(s),
            Err(e) if failure.is_none() => failure = Some(e),
            _ => {}
        }
    }
    let tasks: Vec<(usize, usize)> = ready
        .iter()
        .enumerate()
        .flat_map(|(f, s)| match s {
            Stage::Csv(p) => (0..p.pieces()).map(|k| (f, k)).collect(),
            _ => vec![],
        })
        .collect();
    let mut pieces = {
        let ready = &ready;
        parallel(opts.threads, tasks.len(), |t| {
            let (f, k) = tasks[t];
            match &ready[f] {
                Stage::Csv(p) => p.read_piece(k),
                _ => unreachable!("pieces belong to text files"),
            }
        })
    }
    .into_iter();
    let mut loaded = Vec::with_capacity(ready.len());
    for (i, stage) in ready.drain(..).enumerate() {
        let result = match stage {
            Stage::Csv(p) => {
                let n = p.pieces();
                Ok(p.finish(pieces.by_ref().take(n).collect()))
            }
            Stage::Done(l) => Ok(l),
            Stage::Parquet => parquet::read(db, shape::FileSink::new(res, &ds.files[i], i as u32)),
        };
        match result {
            Ok(l) => loaded.push(l),
            Err(e) => return (loaded, Some(e)),
        }
    }
    (loaded, failure)
}

/// Loads the dataset into `db`: reads every file, then creates the types and tables and fills them.
#[cfg(feature = "engine")]
pub fn load(
    db: &Db,
    ds: &Dataset,
    opts: LoadOptions,
    on_file: &mut dyn FnMut(&FileStats),
) -> Result<LoadReport> {
    let res = Resolver::new(ds);
    let t = crate::timing::span("load: read files");
    let (loaded, failure) = read_files(db, &res, opts);
    drop(t);
    for l in &loaded {
        debug_assert_eq!(
            l.stats.values,
            l.stats.loaded + l.stats.rejected,
            "{}",
            l.stats.file
        );
        on_file(&l.stats);
    }
    if let Some(e) = failure {
        return Err(e);
    }
    let mut files = Vec::with_capacity(loaded.len());
    let mut chunks = Vec::new();
    let mut rejects = Vec::new();
    for l in loaded {
        files.push(l.stats);
        chunks.extend(l.chunks);
        rejects.extend(l.rejects);
    }

    // The enum types: the reference tables' codes first, then what the data adds.
    let t = crate::timing::span("load: types and reference tables");
    let mut dicts = obs::Dictionaries::new(seed(ds));
    let maps = dicts.absorb(&chunks);
    let file_names: Vec<String> = ds.files.iter().map(|f| f.path.clone()).collect();
    let mut paths: Vec<String> = Vec::new();
    let file_ids: Vec<u32> = file_names
        .iter()
        .map(|p| match paths.iter().position(|q| q == p) {
            Some(i) => i as u32,
            None => {
                paths.push(p.clone());
                (paths.len() - 1) as u32
            }
        })
        .collect();
    let mut levels: Vec<String> = ds.areas.iter().map(|a| a.level.clone()).collect();
    levels.sort();
    levels.dedup();
    let types: [(&str, &[String]); 9] = [
        ("area_code", &dicts.kinds[obs::AREA]),
        ("indicator_code", &dicts.kinds[obs::INDICATOR]),
        ("period_code", &dicts.kinds[obs::PERIOD]),
        ("unit_code", &dicts.kinds[obs::UNIT]),
        ("unit_text", &dicts.kinds[obs::DECLARED]),
        ("column_header", &dicts.kinds[obs::COLUMN]),
        ("file_path", &paths),
        ("dataset_name", std::slice::from_ref(&ds.name)),
        ("area_level", &levels),
    ];
    let t2 = crate::timing::span("load: enum types");
    create_enums(db, &types)?;
    drop(t2);
    let t2 = crate::timing::span("load: schema");
    db.batch(SCHEMA, "cannot create statlint's tables")?;
    drop(t2);
    let t2 = crate::timing::span("load: reference tables");
    reference::insert(db, ds)?;
    drop(t2);
    let t2 = crate::timing::span("load: area tree");
    let tree = area_tree(
        db,
        &chunks,
        &maps,
        &dicts.kinds[obs::PERIOD],
        !ds.areas.is_empty(),
    )?;
    drop(t2);

    drop(t);
    let t = crate::timing::span("load: value type and duplicates");
    let value_type = obs::value_type(&chunks);
    db.batch(
        &OBSERVATIONS.replace("VALUE_TYPE", &value_type.sql()),
        "cannot create the observations table",
    )?;
    let t2 = crate::timing::span("load: duplicates and previous years");
    let links = obs::links(&chunks, &maps, &dicts, opts.threads)
        .map_err(|m| Error::invalid(&ds.manifest_path, None, m))?;
    drop(t2);
    let t2 = crate::timing::span("load: previous values");
    let prev_values = obs::prev_values(&chunks, &links, value_type, opts.threads);
    drop(t2);
    let classes: Vec<u32> = dicts.kinds[obs::INDICATOR]
        .iter()
        .map(|code| {
            ds.indicators
                .iter()
                .find(|i| &i.code == code)
                .map_or(u32::MAX, |i| class_id(i.class))
        })
        .collect();
    let total: usize = chunks.iter().map(obs::Chunk::len).sum();
    let statuses = [0, 1, 2];
    let parts: Vec<obs::Part<'_>> = chunks
        .into_iter()
        .zip(maps)
        .zip(links.repeats.into_iter().zip(links.prev))
        .zip(prev_values)
        .map(
            |(((chunk, maps), (repeats, prev)), prev_values)| obs::Part {
                file_id: file_ids[chunk.file as usize],
                chunk,
                maps,
                value_type,
                statuses: &statuses,
                classes: &classes,
                repeats,
                prev,
                prev_values,
                tree: &tree,
            },
        )
        .collect();
    drop(t);
    let t = crate::timing::span("load: append observations");
    db.append_parts("observations", parts, opts.threads)?;
    drop(t);
    let t = crate::timing::span("load: rejects and files");
    insert_rejects(db, &rejects, &file_names)?;
    insert_files(db, &files)?;
    drop(t);
    Ok(LoadReport {
        observations: total,
        rejected: files.iter().map(|f| f.rejected).sum(),
        files,
        value_type,
    })
}

/// Creates the area tree of every period the data covers (`sql/tree.sql`) and returns it indexed by the
/// loader's enum ids, for the observations' `parent` and `level` columns.
#[cfg(feature = "engine")]
fn area_tree(
    db: &Db,
    chunks: &[obs::Chunk],
    maps: &[obs::Maps],
    period_names: &[String],
    with_areas: bool,
) -> Result<obs::TreeIndex> {
    let context = "cannot create the area tree (sql/tree.sql)";
    let mut periods: std::collections::BTreeSet<(i32, u32)> = Default::default();
    for (c, m) in chunks.iter().zip(maps) {
        let mut last = None;
        for r in 0..c.len() {
            let (_, _, y, p) = c.key(r, m);
            if last != Some((y, p)) {
                periods.insert((y, p));
                last = Some((y, p));
            }
        }
    }
    db.batch(
        "CREATE TEMP TABLE read_periods (year INTEGER, period VARCHAR)",
        context,
    )?;
    let rows: Vec<Vec<Value>> = periods
        .iter()
        .map(|&(y, p)| {
            let period = period_names
                .get(p as usize)
                .map_or(Value::Null, |n| n.clone().into());
            vec![y.into(), period]
        })
        .collect();
    db.append_rows("read_periods", &rows)?;
    db.batch(&format!("{TREE}\nDROP TABLE read_periods;"), context)?;
    // Without areas the tree is empty, and the code and level types are VARCHAR, without enum codes.
    if !with_areas {
        return Ok(obs::TreeIndex::default());
    }
    let table = db
        .query(
            "SELECT CAST(enum_code(child) AS UINTEGER), year, CAST(enum_code(period) AS UINTEGER), \
             CAST(enum_code(parent) AS UINTEGER), CAST(enum_code(child_level) AS UINTEGER) FROM tree",
            &[],
        )
        .map_err(Error::engine(context.to_string()))?;
    let mut index = obs::TreeIndex::default();
    for b in &table.batches {
        use duckdb::arrow::array::{Array, AsArray};
        use duckdb::arrow::datatypes::{Int32Type, UInt32Type};
        let col = |i: usize| b.column(i).as_primitive::<UInt32Type>();
        let (child, period, parent, level) = (col(0), col(2), col(3), col(4));
        let year = b.column(1).as_primitive::<Int32Type>();
        for r in 0..b.num_rows() {
            let p = if period.is_null(r) {
                u32::MAX
            } else {
                period.value(r)
            };
            index.insert(
                (child.value(r), year.value(r), p),
                (parent.value(r), level.value(r)),
            );
        }
    }
    Ok(index)
}

/// The codes the manifest declares, which start each enum type in their declared order.
#[cfg(feature = "engine")]
fn seed(ds: &Dataset) -> [Vec<String>; 6] {
    let areas = ds
        .areas
        .iter()
        .flat_map(|a| std::iter::once(a.code.clone()).chain(a.parent.clone()))
        .chain(ds.targets.iter().map(|t| t.area.clone()))
        .collect();
    let indicators = ds
        .indicators
        .iter()
        .flat_map(|i| {
            [
                Some(&i.code),
                i.numerator.as_ref(),
                i.denominator.as_ref(),
                i.base.as_ref(),
            ]
            .into_iter()
            .flatten()
            .cloned()
        })
        .chain(ds.targets.iter().map(|t| t.indicator.clone()))
        .collect();
    let periods = crate::period::ALL.iter().map(|p| p.to_string()).collect();
    let units = ds
        .units
        .units()
        .iter()
        .map(|u| u.code.clone())
        .chain(ds.indicators.iter().map(|i| i.unit.clone()))
        .collect();
    [areas, indicators, periods, units, vec![], vec![]]
}

/// The position of an indicator class in the `indicator_class` enum of sql/schema.sql.
#[cfg(feature = "engine")]
fn class_id(c: crate::manifest::Class) -> u32 {
    use crate::manifest::Class;
    match c {
        Class::Additive => 0,
        Class::Ratio => 1,
        Class::PerCapita => 2,
        Class::Growth => 3,
        Class::NonAdditive => 4,
    }
}

/// Creates enum types whose values, in order, are the given ones (a VARCHAR type where there are none). The
/// values go through one table, never through SQL text, and the types are created in one batch.
#[cfg(feature = "engine")]
fn create_enums(db: &Db, types: &[(&str, &[String])]) -> Result<()> {
    let context = "cannot create the enum types";
    db.batch(
        "CREATE OR REPLACE TEMP TABLE enum_values (t INTEGER, i INTEGER, v VARCHAR)",
        context,
    )?;
    let rows: Vec<Vec<Value>> = types
        .iter()
        .enumerate()
        .flat_map(|(t, (_, values))| {
            values
                .iter()
                .enumerate()
                .map(move |(i, v)| vec![(t as i32).into(), (i as i32).into(), v.clone().into()])
        })
        .collect();
    db.append_rows("enum_values", &rows)?;
    let mut sql = String::new();
    for (t, (name, values)) in types.iter().enumerate() {
        if values.is_empty() {
            sql.push_str(&format!("CREATE TYPE {name} AS VARCHAR;\n"));
        } else {
            sql.push_str(&format!(
                "CREATE TYPE {name} AS ENUM (SELECT v FROM enum_values WHERE t = {t} ORDER BY i);\n"
            ));
        }
    }
    sql.push_str("DROP TABLE enum_values;");
    db.batch(&sql, context)?;
    if cfg!(debug_assertions) {
        for (name, values) in types.iter().filter(|(_, v)| !v.is_empty()) {
            let n: i64 = db
                .scalar(&format!("SELECT len(enum_range(NULL::{name}))"), &[])
                .map_err(Error::engine(context))?;
            assert_eq!(n as usize, values.len(), "enum type {name}");
        }
    }
    Ok(())
}

#[cfg(feature = "engine")]
fn opt<T: Into<Value>>(v: Option<T>) -> Value {
    v.map_or(Value::Null, Into::into)
}

#[cfg(feature = "engine")]
fn insert_rejects(db: &Db, rejects: &[Reject], names: &[String]) -> Result<()> {
    let rows: Vec<Vec<Value>> = rejects
        .iter()
        .map(|r| {
            let raw: String = if r.raw.chars().count() > 200 {
                r.raw.chars().take(200).chain("…".chars()).collect()
            } else {
                r.raw.clone()
            };
            vec![
                names[r.file as usize].clone().into(),
                opt(r.line.map(|l| l as i32)),
                opt(r.cell.clone()),
                opt(r.column.clone()),
                opt(r.area.clone()),
                opt(r.indicator.clone()),
                opt(r.year),
                raw.into(),
                r.reason.to_string().into(),
                r.message.clone().into(),
                (r.records as i32).into(),
            ]
        })
        .collect();
    db.append_rows("rejects", &rows)
}

/// Lists go in as text joined by U+001F and are split in SQL.
#[cfg(feature = "engine")]
const SEP: &str = "\u{1f}";

#[cfg(feature = "engine")]
pub(crate) fn joined(items: &[String]) -> Value {
    items.join(SEP).into()
}

#[cfg(feature = "engine")]
fn insert_files(db: &Db, files: &[FileStats]) -> Result<()> {
    let rows: Vec<Vec<Value>> = files
        .iter()
        .map(|f| {
            vec![
                f.file.clone().into(),
                f.format.to_string().into(),
                opt(f.encoding.clone()),
                opt(f.locale.clone()),
                opt(f.sheet.clone()),
                (f.rows as i64).into(),
                (f.values as i64).into(),
                (f.loaded as i64).into(),
                (f.rejected as i64).into(),
                f.blake3.clone().into(),
                joined(&f.notes),
            ]
        })
        .collect();
    reference::with_list(db, "files", "notes", &rows)
}
