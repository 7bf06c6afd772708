//! Loading a dataset into DuckDB: reference tables from the manifest, every data file into one long
//! `observations` table with provenance, and every value that cannot be read into `rejects` with its place
//! and reason. For each file, values read = values loaded + values rejected.

mod csv;
mod obs;
mod parquet;
mod reference;
mod shape;
mod sheet;

use crate::db::Db;
use crate::error::Result;
use crate::manifest::{Dataset, FileSpec, Format, Indicator};
use duckdb::types::Value;
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

pub use obs::{Status, ValueType};
pub use shape::{Cell, RowLoc, year_in_header};

const SCHEMA: &str = include_str!("../../sql/schema.sql");
const OBSERVATIONS: &str = include_str!("../../sql/observations.sql");

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
    by_code: HashMap<&'a str, &'a Indicator>,
    /// Normalised Vietnamese or English name → code; `None` when two indicators share the name.
    by_name: HashMap<String, Option<&'a str>>,
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
        let mut by_name: HashMap<String, Option<&'a str>> = HashMap::new();
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

/// Loads the dataset into `db`: creates the tables, reads every file.
pub fn load(db: &Db, ds: &Dataset, on_file: &mut dyn FnMut(&FileStats)) -> Result<LoadReport> {
    db.batch(SCHEMA, "cannot create statlint's tables")?;
    reference::insert(db, ds)?;
    let res = Resolver::new(ds);
    let mut observations = obs::Observations::default();
    let mut rejects: Vec<Reject> = Vec::new();
    let mut files = Vec::with_capacity(ds.files.len());
    for (i, spec) in ds.files.iter().enumerate() {
        let sink = shape::FileSink::new(&res, spec, &mut observations, &mut rejects, i as u32);
        let stats = match spec.format {
            Format::Csv => csv::read(sink)?,
            Format::Xlsx | Format::Xls | Format::Xlsb | Format::Ods => sheet::read(sink)?,
            Format::Parquet => parquet::read(db, sink)?,
        };
        debug_assert_eq!(
            stats.values,
            stats.loaded + stats.rejected,
            "{}",
            stats.file
        );
        on_file(&stats);
        files.push(stats);
    }
    let value_type = observations.value_type();
    db.batch(
        &OBSERVATIONS.replace("VALUE_TYPE", &value_type.sql()),
        "cannot create the observations table",
    )?;
    let names: Vec<String> = ds.files.iter().map(|f| f.path.clone()).collect();
    obs::append(db, &observations, &ds.name, &names, value_type)?;
    insert_rejects(db, &rejects, &names)?;
    insert_files(db, &files)?;
    Ok(LoadReport {
        observations: observations.len(),
        rejected: files.iter().map(|f| f.rejected).sum(),
        files,
        value_type,
    })
}

fn opt<T: Into<Value>>(v: Option<T>) -> Value {
    v.map_or(Value::Null, Into::into)
}

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
const SEP: &str = "\u{1f}";

pub(crate) fn joined(items: &[String]) -> Value {
    items.join(SEP).into()
}

fn insert_files(db: &Db, files: &[FileStats]) -> Result<()> {
    for f in files {
        db.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, list_filter(string_split(?, chr(31)), lambda x: x <> ''))",
            &[
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
            ],
            "cannot record the loaded files",
        )?;
    }
    Ok(())
}
