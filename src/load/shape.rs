//! From rows of cells to observations: the column mapping of a file (long or wide), the keys of each record,
//! and the reading of each value. Every value cell read ends as exactly one observation or one reject.

use super::obs::{Chunk, FxMap, Interner, Obs, PlainKey, Status};
use super::{FileStats, Reject, Resolver};
use crate::manifest::{Blank, FileSpec, Indicator, Key, Layout, WideBy, column_name};
use crate::number::{self, Evidence, Number, NumberError};
use std::borrow::Cow;
use std::sync::Arc;

/// A cell as a reader delivers it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(&'a str),
    Float(f64),
    Int(i64),
    /// An exact decimal from a typed source (Parquet DECIMAL).
    Decimal(Number),
    Bool(bool),
    /// A spreadsheet error value such as `#DIV/0!`.
    Error(&'a str),
}

impl Cell<'_> {
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, for keys, rejects and `value_text`.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(t) => Cow::Borrowed(t.trim()),
            Cell::Float(f) => match Number::from_f64(*f) {
                Some(n) => Cow::Owned(n.to_string()),
                None => Cow::Owned(f.to_string()),
            },
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Decimal(n) => Cow::Owned(n.to_string()),
            Cell::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Cell::Error(e) => Cow::Borrowed(e),
        }
    }
}

/// Where a row is in its file.
#[derive(Debug, Clone, Copy)]
pub enum RowLoc<'a> {
    /// 1-based physical line of a text file.
    Line(u32),
    /// 0-based row of a sheet, whose cells start at column `col0`.
    Sheet { name: &'a str, row: u32, col0: u32 },
    /// 1-based row of a Parquet file.
    Row(u32),
}

impl RowLoc<'_> {
    pub fn line(&self) -> Option<u32> {
        match self {
            RowLoc::Line(l) => Some(*l),
            _ => None,
        }
    }
    /// The address of one cell of the row: `Sheet1!C17`, or `row 17` in a Parquet file.
    pub fn cell(&self, col: usize) -> Option<String> {
        match self {
            RowLoc::Line(_) => None,
            RowLoc::Sheet { name, row, col0 } => Some(format!(
                "{}!{}{}",
                sheet_ref(name),
                column_name(col0 + col as u32),
                row + 1
            )),
            RowLoc::Row(r) => Some(format!("row {r}")),
        }
    }
}

/// A sheet name as Excel writes it in a reference: quoted when it has spaces or punctuation.
pub fn sheet_ref(name: &str) -> String {
    if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

#[derive(Debug, Clone)]
enum KeySrc {
    Column(usize),
    Constant(String),
    Absent,
}

/// One column that holds values.
#[derive(Debug, Clone)]
struct ValueCol {
    idx: usize,
    header: String,
    /// Wide layout: the year, indicator or area the column's header names.
    key: Option<String>,
}

/// How the columns of one file map to records.
#[derive(Debug)]
pub struct Shape {
    area: KeySrc,
    indicator: KeySrc,
    year: KeySrc,
    period: KeySrc,
    unit: KeySrc,
    values: Vec<ValueCol>,
    wide: Option<WideBy>,
    /// Columns without a header whose cells are reported if they hold anything (wide layout).
    unnamed: Vec<usize>,
    pub width: usize,
    /// Columns that are neither keys nor values nor ignored.
    pub unread: Vec<String>,
}

fn norm_header(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc()
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads a year from a column header: `2022`, `Năm 2022`, `2022 (sơ bộ)`; exactly one four-digit number.
pub fn year_in_header(h: &str) -> Option<i32> {
    let runs: Vec<&str> = h
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .collect();
    match runs.as_slice() {
        [y] if y.len() == 4 => y.parse().ok().filter(|y| (1800..=2200).contains(y)),
        _ => None,
    }
}

impl Shape {
    /// Maps the header to keys and values. The error says what is wrong with the header.
    pub fn new(spec: &FileSpec, header: &[String]) -> Result<Shape, String> {
        let names: Vec<String> = header.iter().map(|h| norm_header(h)).collect();
        let shown = |i: usize| format!("'{}' ({})", header[i].trim(), column_name(i as u32));
        let find = |wanted: &str| -> Result<Option<usize>, String> {
            let w = norm_header(wanted);
            let hits: Vec<usize> = (0..names.len()).filter(|&i| names[i] == w).collect();
            match hits.as_slice() {
                [] => Ok(None),
                [i] => Ok(Some(*i)),
                [a, b, ..] => Err(format!(
                    "the header '{wanted}' appears twice, in columns {} and {}",
                    column_name(*a as u32),
                    column_name(*b as u32)
                )),
            }
        };
        let header_list = || {
            let hs: Vec<String> = header
                .iter()
                .filter(|h| !h.trim().is_empty())
                .map(|h| format!("'{}'", h.trim()))
                .collect();
            if hs.is_empty() {
                "no named columns".to_string()
            } else {
                hs.join(", ")
            }
        };
        let mut used = vec![false; header.len()];
        let mut key = |k: Key| -> Result<KeySrc, String> {
            if let Some(c) = spec.constants.get(&k) {
                return Ok(KeySrc::Constant(c.clone()));
            }
            let (wanted, explicit) = match spec.columns.get(&k) {
                Some(h) => (h.as_str(), true),
                None => (k.as_str(), false),
            };
            match find(wanted)? {
                Some(i) => {
                    used[i] = true;
                    Ok(KeySrc::Column(i))
                }
                None if explicit => Err(format!(
                    "column '{wanted}' (columns.{}) is not in the header, which has {}",
                    k.as_str(),
                    header_list()
                )),
                None => Ok(KeySrc::Absent),
            }
        };
        let wide = match spec.layout {
            Layout::Long => None,
            Layout::Wide(by) => Some(by),
        };
        let area = if wide == Some(WideBy::Area) {
            KeySrc::Absent
        } else {
            key(Key::Area)?
        };
        let indicator = if wide == Some(WideBy::Indicator) {
            KeySrc::Absent
        } else {
            key(Key::Indicator)?
        };
        let year = if wide == Some(WideBy::Year) {
            KeySrc::Absent
        } else {
            key(Key::Year)?
        };
        let period = key(Key::Period)?;
        let unit = key(Key::Unit)?;
        let value = if wide.is_none() {
            key(Key::Value)?
        } else {
            KeySrc::Absent
        };
        for (k, src, by) in [
            (Key::Area, &area, WideBy::Area),
            (Key::Indicator, &indicator, WideBy::Indicator),
            (Key::Year, &year, WideBy::Year),
        ] {
            if matches!(src, KeySrc::Absent) && wide != Some(by) {
                return Err(format!(
                    "no {0} column: name one with columns.{0} = \"<header>\" or give {0} = \"...\" for the whole file (the header has {1})",
                    k.as_str(),
                    header_list()
                ));
            }
        }
        for ig in &spec.ignore_columns {
            match find(ig)? {
                Some(i) => used[i] = true,
                None => {
                    return Err(format!(
                        "ignore_columns names '{ig}', which is not in the header ({})",
                        header_list()
                    ));
                }
            }
        }
        let mut values = Vec::new();
        let mut unnamed = Vec::new();
        let mut unread = Vec::new();
        match wide {
            None => {
                let KeySrc::Column(i) = value else {
                    return Err(format!(
                        "no value column: name it with columns.value = \"<header>\" (the header has {})",
                        header_list()
                    ));
                };
                values.push(ValueCol {
                    idx: i,
                    header: header[i].trim().to_string(),
                    key: None,
                });
                for (i, h) in header.iter().enumerate() {
                    if !used[i] && !h.trim().is_empty() {
                        unread.push(h.trim().to_string());
                    }
                }
            }
            Some(by) => {
                let candidates: Vec<usize> = if spec.value_columns.is_empty() {
                    (0..header.len()).filter(|&i| !used[i]).collect()
                } else {
                    let mut v = Vec::new();
                    for c in &spec.value_columns {
                        match find(c)? {
                            Some(i) if used[i] => {
                                return Err(format!(
                                    "value column {} is also a key or ignored column",
                                    shown(i)
                                ));
                            }
                            Some(i) => v.push(i),
                            None => {
                                return Err(format!(
                                    "value column '{c}' is not in the header ({})",
                                    header_list()
                                ));
                            }
                        }
                    }
                    for (i, h) in header.iter().enumerate() {
                        if !used[i] && !v.contains(&i) && !h.trim().is_empty() {
                            unread.push(h.trim().to_string());
                        }
                    }
                    v
                };
                for i in candidates {
                    let h = header[i].trim();
                    if h.is_empty() {
                        unnamed.push(i);
                        continue;
                    }
                    let key = match by {
                        WideBy::Year => match year_in_header(h) {
                            Some(y) => y.to_string(),
                            None => {
                                return Err(format!(
                                    "column {} is not a year; list the year columns in value_columns or add the column to ignore_columns",
                                    shown(i)
                                ));
                            }
                        },
                        WideBy::Indicator | WideBy::Area => h.to_string(),
                    };
                    if let Some(prev) = values.iter().find(|v: &&ValueCol| {
                        norm_header(v.key.as_deref().unwrap_or("")) == norm_header(&key)
                    }) {
                        return Err(format!(
                            "columns {} and {} both hold {key}",
                            shown(prev.idx),
                            shown(i)
                        ));
                    }
                    values.push(ValueCol {
                        idx: i,
                        header: h.to_string(),
                        key: Some(key),
                    });
                }
                if values.is_empty() {
                    return Err(format!(
                        "no value columns found in the header ({})",
                        header_list()
                    ));
                }
            }
        }
        Ok(Shape {
            area,
            indicator,
            year,
            period,
            unit,
            values,
            wide,
            unnamed,
            width: header.len(),
            unread,
        })
    }

    /// Value cells per row.
    pub fn values_per_row(&self) -> usize {
        self.values.len()
    }

    /// The columns of a plain long file (area, indicator, year and value columns; no period, no unit),
    /// whose rows the loader can read without the general machinery.
    pub fn plain(&self) -> Option<PlainCols> {
        match (
            &self.area,
            &self.indicator,
            &self.year,
            &self.period,
            &self.unit,
            self.wide,
        ) {
            (
                KeySrc::Column(a),
                KeySrc::Column(i),
                KeySrc::Column(y),
                KeySrc::Absent,
                KeySrc::Absent,
                None,
            ) if self.unnamed.is_empty() => Some(PlainCols {
                area: *a,
                indicator: *i,
                year: *y,
                value: self.values.first()?.idx,
            }),
            _ => None,
        }
    }
}

/// The columns of a plain long file.
#[derive(Debug, Clone, Copy)]
pub struct PlainCols {
    area: usize,
    indicator: usize,
    year: usize,
    value: usize,
}

/// Reads the records of one file (or one piece of a file) into observations and rejects.
pub struct FileSink<'a> {
    pub res: &'a Resolver<'a>,
    pub spec: &'a FileSpec,
    /// The observations being read, and those of earlier pieces of the file.
    obs: Chunk,
    chunks: Vec<Chunk>,
    pub rejects: Vec<Reject>,
    pub file: u32,
    pub stats: FileStats,
    /// Unit text from a unit cell, for every record of the file.
    pub unit_text: Option<String>,
    unit_cache: FxMap<String, Result<Arc<str>, String>>,
    indicator_cache: FxMap<String, Arc<str>>,
    /// The indicator texts of plain rows, and the declared indicator each names (by the text's id).
    plain_texts: Interner,
    plain_indicators: Vec<Option<&'a Indicator>>,
    /// The length of the longest placeholder, in bytes: a longer value is none of them.
    longest_placeholder: usize,
    /// First cell read as Vietnamese and as English, for the note on an undeclared locale.
    evidence: [Option<(String, String)>; 2],
    ambiguous: usize,
}

/// What reading a file produced.
pub struct Loaded {
    pub stats: FileStats,
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    pub chunks: Vec<Chunk>,
    pub rejects: Vec<Reject>,
}

/// Where a reject is: the row, the cell's column, and the record's keys when known.
struct At<'l> {
    loc: RowLoc<'l>,
    col: Option<usize>,
    column: Option<Cow<'l, str>>,
    keys: (Option<&'l str>, Option<&'l str>, Option<i32>),
}

/// A record's key problem.
struct KeyError {
    reason: &'static str,
    message: String,
    raw: String,
    column: Option<String>,
    col: Option<usize>,
}

impl<'a> FileSink<'a> {
    pub fn new(res: &'a Resolver<'a>, spec: &'a FileSpec, file: u32) -> Self {
        FileSink {
            res,
            spec,
            obs: Chunk::new(file),
            chunks: Vec::new(),
            rejects: Vec::new(),
            file,
            stats: FileStats::new(spec),
            unit_text: None,
            unit_cache: FxMap::default(),
            indicator_cache: FxMap::default(),
            plain_texts: Interner::default(),
            plain_indicators: Vec::new(),
            longest_placeholder: spec.placeholders.iter().map(String::len).max().unwrap_or(0),
            evidence: [None, None],
            ambiguous: 0,
        }
    }

    /// Reads a row of a plain long file when it is a plain row: a valid area code, a declared indicator code,
    /// a year, and a number the locale reads directly. Returns false, having changed nothing, for any other row,
    /// which then goes through [`FileSink::row`] (which would read a plain row the same way).
    pub fn plain_row(
        &mut self,
        cols: PlainCols,
        shape: &Shape,
        fields: &csv::ByteRecord,
        line: u32,
    ) -> bool {
        if fields.len() != shape.width || self.unit_text.is_some() {
            return false;
        }
        let field = |i: usize| fields.get(i).unwrap_or(b"").trim_ascii();
        let (area, ind, year, value) = (
            field(cols.area),
            field(cols.indicator),
            field(cols.year),
            field(cols.value),
        );
        if area.is_empty()
            || area.len() > 64
            || !area
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            return false;
        }
        let year = match year {
            [a, b, c, d] if year.iter().all(u8::is_ascii_digit) => {
                let y = [a, b, c, d]
                    .iter()
                    .fold(0i32, |y, &&d| y * 10 + (d - b'0') as i32);
                if !(1800..=2200).contains(&y) {
                    return false;
                }
                y
            }
            _ => return false,
        };
        // A plain row is ASCII throughout (any other row takes the general path).
        if !ind.is_ascii() || !value.is_ascii() {
            return false;
        }
        // SAFETY: ASCII bytes are valid UTF-8; `area` was checked above to be ASCII letters, digits and `-_.`.
        let (area, ind, value) = unsafe {
            (
                std::str::from_utf8_unchecked(area),
                std::str::from_utf8_unchecked(ind),
                std::str::from_utf8_unchecked(value),
            )
        };
        let id = self.plain_texts.id(ind) as usize;
        if id > self.plain_indicators.len() {
            self.plain_indicators.push(self.res.indicator(ind));
        }
        let Some(indicator) = self.plain_indicators[id - 1] else {
            return false;
        };
        if value.is_empty()
            || (value.len() <= self.longest_placeholder
                && self.spec.placeholders.iter().any(|p| p == value))
        {
            return false;
        }
        let Some(parsed) = crate::number::plain(value, self.spec.locale) else {
            return false;
        };
        // A fraction of a count is rejected on the general path, which says why.
        let n = parsed.number;
        if n.decimals > 0
            && super::whole::is_whole(indicator)
            && n.mantissa % 10i128.pow(n.decimals as u32) != 0
        {
            return false;
        }
        let column = shape.values[0].header.as_str();
        self.stats.rows += 1;
        self.stats.values += 1;
        self.stats.loaded += 1;
        self.obs.push_plain(
            PlainKey {
                area,
                id,
                indicator: &indicator.code,
                unit: &indicator.unit,
                column,
            },
            year,
            parsed.number,
            value,
            line,
        );
        true
    }

    /// A sink for another piece of the same file, read separately and then absorbed in order.
    pub fn piece(&self) -> FileSink<'a> {
        let mut s = FileSink::new(self.res, self.spec, self.file);
        s.unit_text = self.unit_text.clone();
        s
    }

    /// Takes over what a sink for a later piece of the file read.
    pub fn absorb(&mut self, other: FileSink<'a>) {
        let own = std::mem::replace(&mut self.obs, Chunk::new(self.file));
        if own.len() > 0 {
            self.chunks.push(own);
        }
        self.chunks.extend(other.chunks);
        if other.obs.len() > 0 {
            self.chunks.push(other.obs);
        }
        self.rejects.extend(other.rejects);
        self.stats.rows += other.stats.rows;
        self.stats.values += other.stats.values;
        self.stats.loaded += other.stats.loaded;
        self.stats.rejected += other.stats.rejected;
        for (mine, theirs) in self.evidence.iter_mut().zip(other.evidence) {
            if mine.is_none() {
                *mine = theirs;
            }
        }
        self.ambiguous += other.ambiguous;
    }

    /// A row that cannot be read at all (wrong number of fields, invalid encoding): one reject for all its
    /// values.
    pub fn reject_row(
        &mut self,
        shape: &Shape,
        loc: RowLoc<'_>,
        reason: &'static str,
        message: String,
        raw: String,
        cells: &[Cell<'_>],
    ) {
        let n = shape.values_per_row() as u32;
        self.stats.rows += 1;
        self.stats.values += n as u64;
        self.stats.rejected += n as u64;
        // The row's keys where they can still be read, so the reject is recognised as this area's report.
        let area = self
            .key_text(&shape.area, cells)
            .map(|k| k.0.into_owned())
            .filter(|a| crate::manifest::valid_name(a));
        let indicator = self
            .key_text(&shape.indicator, cells)
            .map(|k| self.res.indicator_code(&k.0));
        let year = self
            .key_text(&shape.year, cells)
            .and_then(|k| parse_year(&k.0));
        self.rejects.push(Reject {
            file: self.file,
            line: loc.line(),
            cell: loc.cell(0).filter(|_| !matches!(loc, RowLoc::Sheet { .. })),
            column: None,
            area,
            indicator,
            year,
            raw,
            reason,
            message,
            records: n,
        });
    }

    fn reject(
        &mut self,
        at: At<'_>,
        raw: String,
        reason: &'static str,
        message: String,
        records: u32,
    ) {
        self.stats.rejected += records as u64;
        self.rejects.push(Reject {
            file: self.file,
            line: at.loc.line(),
            cell: at.col.and_then(|c| at.loc.cell(c)),
            column: at.column.map(Cow::into_owned),
            area: at.keys.0.map(String::from),
            indicator: at.keys.1.map(String::from),
            year: at.keys.2,
            raw,
            reason,
            message,
            records,
        });
    }

    fn key_text<'c>(
        &self,
        src: &'c KeySrc,
        cells: &[Cell<'c>],
    ) -> Option<(Cow<'c, str>, Option<usize>)> {
        match src {
            KeySrc::Column(i) => {
                let c = cells.get(*i).copied().unwrap_or(Cell::Empty);
                if c.is_blank() {
                    return None;
                }
                let t = match c {
                    // Codes typed as numbers: 94.0 is "94".
                    Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        Cow::Owned(format!("{}", f as i64))
                    }
                    Cell::Text(t) => Cow::Borrowed(t.trim()),
                    other => Cow::Owned(other.text().into_owned()),
                };
                Some((t, Some(*i)))
            }
            KeySrc::Constant(s) => Some((Cow::Borrowed(s.as_str()), None)),
            KeySrc::Absent => None,
        }
    }

    /// Reads one row: its keys once, then each value cell.
    pub fn row(&mut self, shape: &Shape, header: &[String], loc: RowLoc<'_>, cells: &[Cell<'_>]) {
        if cells.iter().all(Cell::is_blank) {
            return;
        }
        let n_values = shape.values.len() as u32;
        self.stats.rows += 1;
        self.stats.values += n_values as u64;
        // Cells in columns without a header (wide layout) are reported: nothing is read from them.
        for &i in &shape.unnamed {
            if let Some(c) = cells.get(i).filter(|c| !c.is_blank()) {
                self.stats.values += 1;
                self.reject(
                    At {
                        loc,
                        col: Some(i),
                        column: Some(Cow::Owned(column_name(i as u32))),
                        keys: (None, None, None),
                    },
                    c.text().into_owned(),
                    "unnamed_column",
                    format!(
                        "column {} has no header, so its value cannot be given a {}",
                        column_name(i as u32),
                        match shape.wide {
                            Some(WideBy::Year) => "year",
                            Some(WideBy::Indicator) => "indicator",
                            _ => "area",
                        }
                    ),
                    1,
                );
            }
        }

        let keys = match self.keys(shape, header, cells) {
            Ok(k) => k,
            Err(e) => {
                let first = shape.values.first().map(|v| v.idx);
                self.reject(
                    At {
                        loc,
                        col: e.col.or(first),
                        column: e.column.map(Cow::Owned),
                        keys: (None, None, None),
                    },
                    e.raw,
                    e.reason,
                    e.message,
                    n_values,
                );
                return;
            }
        };
        for v in &shape.values {
            let (area, indicator, year): (&str, Cow<'_, str>, i32) =
                match (shape.wide, v.key.as_deref()) {
                    (Some(WideBy::Area), Some(k)) => {
                        (k, Cow::Borrowed(keys.indicator.as_ref()), keys.year)
                    }
                    (Some(WideBy::Indicator), Some(k)) => (
                        keys.area.as_ref(),
                        Cow::Owned(self.indicator(k).into_owned()),
                        keys.year,
                    ),
                    (Some(WideBy::Year), Some(k)) => (
                        keys.area.as_ref(),
                        Cow::Borrowed(keys.indicator.as_ref()),
                        k.parse().unwrap_or(0),
                    ),
                    _ => (
                        keys.area.as_ref(),
                        Cow::Borrowed(keys.indicator.as_ref()),
                        keys.year,
                    ),
                };
            let cell = cells.get(v.idx).copied().unwrap_or(Cell::Empty);
            let ind = match shape.wide {
                Some(WideBy::Indicator) => self.res.indicator(&indicator),
                _ => keys.ind,
            };
            let bad_header = match shape.wide {
                Some(WideBy::Indicator)
                    if ind.is_none() && !crate::manifest::valid_name(&indicator) =>
                {
                    Some(format!(
                        "the column header '{}' is neither the code nor the name of a declared indicator",
                        v.header
                    ))
                }
                Some(WideBy::Area) if !crate::manifest::valid_name(area) => Some(format!(
                    "the column header '{}' is not an area code",
                    v.header
                )),
                _ => None,
            };
            if let Some(message) = bad_header {
                self.reject(
                    At {
                        loc,
                        col: Some(v.idx),
                        column: Some(Cow::Borrowed(v.header.as_str())),
                        keys: (None, None, Some(year)),
                    },
                    cell.text().into_owned(),
                    "invalid_code",
                    message,
                    1,
                );
                continue;
            }
            self.value(
                loc,
                v,
                area,
                &indicator,
                year,
                keys.period.as_deref(),
                keys.unit.as_deref(),
                cell,
                ind,
            );
        }
    }

    fn keys<'c>(
        &mut self,
        shape: &'c Shape,
        header: &[String],
        cells: &[Cell<'c>],
    ) -> Result<Keys<'a, 'c>, KeyError> {
        let missing = |what: &str, src: &KeySrc| KeyError {
            reason: "missing_key",
            message: format!("no {what} in this row"),
            raw: String::new(),
            column: match src {
                KeySrc::Column(i) => header_of(Some(*i), header),
                _ => None,
            },
            col: match src {
                KeySrc::Column(i) => Some(*i),
                _ => None,
            },
        };
        let area = match shape.wide {
            Some(WideBy::Area) => Cow::Borrowed(""),
            _ => match self.key_text(&shape.area, cells) {
                Some((t, col)) => {
                    if !crate::manifest::valid_name(&t) {
                        return Err(KeyError {
                            reason: "invalid_code",
                            message: format!("'{t}' is not an area code"),
                            raw: t.into_owned(),
                            column: header_of(col, header),
                            col,
                        });
                    }
                    t
                }
                None => return Err(missing("area code", &shape.area)),
            },
        };
        let mut ind = None;
        let indicator = match shape.wide {
            Some(WideBy::Indicator) => Cow::Borrowed(""),
            _ => match self.key_text(&shape.indicator, cells) {
                Some((t, col)) => {
                    let code = match t {
                        Cow::Borrowed(b) => self.indicator(b),
                        Cow::Owned(o) => Cow::Owned(self.indicator(&o).into_owned()),
                    };
                    ind = self.res.indicator(&code);
                    if ind.is_none() && !crate::manifest::valid_name(&code) {
                        let raw = code.into_owned();
                        return Err(KeyError {
                            reason: "invalid_code",
                            message: format!(
                                "'{raw}' is neither the code nor the name of a declared indicator"
                            ),
                            raw,
                            column: header_of(col, header),
                            col,
                        });
                    }
                    code
                }
                None => return Err(missing("indicator", &shape.indicator)),
            },
        };
        let year = match shape.wide {
            Some(WideBy::Year) => 0,
            _ => {
                let Some((t, col)) = self.key_text(&shape.year, cells) else {
                    return Err(missing("year", &shape.year));
                };
                match parse_year(&t) {
                    Some(y) => y,
                    None => {
                        return Err(KeyError {
                            reason: "invalid_year",
                            message: format!("'{t}' is not a year"),
                            raw: t.into_owned(),
                            column: header_of(col, header),
                            col,
                        });
                    }
                }
            }
        };
        let period = match self.key_text(&shape.period, cells) {
            None => None,
            Some((t, col)) => match crate::period::normalize(&t) {
                Some(p) => Some(p),
                None => {
                    return Err(KeyError {
                        reason: "invalid_period",
                        message: format!("'{t}' is not a period (Q1–Q4, H1, H2, M01–M12)"),
                        raw: t.into_owned(),
                        column: header_of(col, header),
                        col,
                    });
                }
            },
        };
        let unit = match self.key_text(&shape.unit, cells) {
            Some((t, _)) => Some(t),
            None => self.unit_text.clone().map(Cow::Owned),
        };
        Ok(Keys {
            ind,
            area,
            indicator,
            year,
            period,
            unit,
        })
    }

    /// Indicator code for the text of an indicator cell or header (a code, or a declared name).
    fn indicator<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        let t = text.trim();
        if self.res.indicator(t).is_some() {
            return Cow::Borrowed(t);
        }
        if let Some(c) = self.indicator_cache.get(text) {
            return Cow::Owned(c.to_string());
        }
        let code = self.res.indicator_code(text);
        self.indicator_cache
            .insert(text.to_string(), code.as_str().into());
        Cow::Owned(code)
    }

    #[allow(clippy::too_many_arguments)]
    fn value(
        &mut self,
        loc: RowLoc<'_>,
        v: &ValueCol,
        area: &str,
        indicator: &str,
        year: i32,
        period: Option<&str>,
        unit_text: Option<&str>,
        cell: Cell<'_>,
        ind: Option<&'a crate::manifest::Indicator>,
    ) {
        let keys = (Some(area), Some(indicator), Some(year));
        let col = Some(v.idx);
        let column = Some(Cow::Borrowed(v.header.as_str()));
        let res = self.res;
        let text = cell.text();
        let push_obs = |s: &mut Self,
                        value: Option<Number>,
                        text: &str,
                        declared: Option<&str>,
                        unit: Option<&str>,
                        status: Status| {
            s.stats.loaded += 1;
            let cell_addr = loc.cell(v.idx);
            s.obs.push(Obs {
                area,
                indicator,
                year,
                period,
                value,
                text,
                unit_declared: declared,
                unit,
                status,
                line: loc.line(),
                cell: cell_addr.as_deref(),
                column: Some(v.header.as_str()),
            });
        };

        // Placeholders and blanks.
        let is_placeholder = matches!(cell, Cell::Text(t) if { let t = t.trim(); !t.is_empty() && self.spec.placeholders.iter().any(|p| p == t) });
        if cell.is_blank() || is_placeholder {
            let canonical = ind.map(|i| i.unit.as_str());
            if cell.is_blank() && self.spec.blank == Blank::Zero {
                push_obs(
                    self,
                    Some(Number {
                        mantissa: 0,
                        decimals: 0,
                    }),
                    "",
                    unit_text,
                    canonical,
                    Status::Reported,
                );
            } else {
                push_obs(self, None, &text, unit_text, canonical, Status::NotReported);
            }
            return;
        }

        // The number.
        let (number, suffix) = match cell {
            Cell::Text(t) => match number::parse_cell(t, self.spec.locale) {
                Ok(p) => {
                    if let Evidence::Decimal(c) = p.evidence {
                        let slot = if c == ',' { 0 } else { 1 };
                        if self.evidence[slot].is_none() {
                            let at = loc
                                .line()
                                .map(|l| format!("line {l}"))
                                .or_else(|| loc.cell(v.idx))
                                .unwrap_or_default();
                            self.evidence[slot] = Some((at, t.trim().to_string()));
                        }
                    }
                    (p.number, p.suffix)
                }
                Err(e) => {
                    if matches!(e, NumberError::Ambiguous(_)) {
                        self.ambiguous += 1;
                    }
                    self.reject(
                        At {
                            loc,
                            col,
                            column,
                            keys,
                        },
                        t.trim().to_string(),
                        e.reason(),
                        e.to_string(),
                        1,
                    );
                    return;
                }
            },
            Cell::Int(i) => (
                Number {
                    mantissa: i as i128,
                    decimals: 0,
                },
                None,
            ),
            Cell::Decimal(n) => (n, None),
            Cell::Float(f) => match Number::from_f64(f) {
                Some(mut n) => {
                    // A typed number has no printed text: the indicator's declared decimals give its precision.
                    if let Some(d) = ind.and_then(|i| i.decimals) {
                        if d > n.decimals {
                            n = Number {
                                mantissa: n.mantissa_at(d).unwrap_or(n.mantissa),
                                decimals: d,
                            };
                        }
                    }
                    (n, None)
                }
                None => {
                    self.reject(
                        At {
                            loc,
                            col,
                            column,
                            keys,
                        },
                        text.into_owned(),
                        "unparseable_number",
                        format!("{f} is not a finite number"),
                        1,
                    );
                    return;
                }
            },
            Cell::Bool(b) => {
                self.reject(
                    At {
                        loc,
                        col,
                        column,
                        keys,
                    },
                    text.into_owned(),
                    "unparseable_number",
                    format!(
                        "{} is a logical value, not a number",
                        if b { "TRUE" } else { "FALSE" }
                    ),
                    1,
                );
                return;
            }
            Cell::Error(e) => {
                self.reject(
                    At {
                        loc,
                        col,
                        column,
                        keys,
                    },
                    e.to_string(),
                    "spreadsheet_error",
                    if e.starts_with('#') {
                        format!("the cell holds the spreadsheet error {e}")
                    } else {
                        format!("the cell holds {e}, not a number")
                    },
                    1,
                );
                return;
            }
            Cell::Empty => unreachable!("blank cells are handled above"),
        };

        // The unit: declared by the row, the file or a percent sign.
        let declared: Option<Cow<'_, str>> = match (unit_text, suffix) {
            (None, Some(s)) => Some(Cow::Owned(s.to_string())),
            (u, _) => u.map(Cow::Borrowed),
        };
        let declared_unit = match declared.as_deref() {
            None => None,
            Some(d) => match self.unit(d) {
                Ok(code) => Some(code),
                Err(message) => {
                    self.reject(
                        At {
                            loc,
                            col,
                            column,
                            keys,
                        },
                        text.into_owned(),
                        "unknown_unit",
                        message,
                        1,
                    );
                    return;
                }
            },
        };
        if let Some(s) = suffix {
            let want = if s == '%' { "percent" } else { "permille" };
            if declared_unit.as_deref() != Some(want) {
                let message = format!(
                    "the value is written with '{s}' but its unit is {}",
                    declared.as_deref().unwrap_or("not a percentage")
                );
                self.reject(
                    At {
                        loc,
                        col,
                        column,
                        keys,
                    },
                    text.into_owned(),
                    "unit_mismatch",
                    message,
                    1,
                );
                return;
            }
        }
        let units = &res.ds.units;
        let (value, unit, status) = match (ind, declared_unit.as_deref()) {
            (Some(i), None) => (Some(number), Some(i.unit.as_str()), Status::Reported),
            (Some(i), Some(d)) if d == i.unit => {
                (Some(number), Some(i.unit.as_str()), Status::Reported)
            }
            (Some(i), Some(d)) => {
                let (from, to) = (
                    units.get(d).expect("resolved unit"),
                    units.get(&i.unit).expect("canonical unit"),
                );
                match units.conversion(from, to) {
                    Some(f) => (Some(convert(number, f)), Some(d), Status::Reported),
                    None => (None, Some(d), Status::Unconvertible),
                }
            }
            (None, d) => (Some(number), d, Status::Reported),
        };
        let value = if status == Status::Reported {
            value
        } else {
            None
        };
        // Judged as printed, in the indicator's own unit: 17,9 nghìn người is 17,900 people.
        let unconverted = unit.is_none_or(|u| ind.is_some_and(|i| i.unit == u));
        if let (Cell::Text(t), Some(i), Some(v), true) = (cell, ind, value, unconverted)
            && let Some(message) = super::whole::fraction_of_whole(
                i,
                units
                    .get(&i.unit)
                    .map_or(i.unit.as_str(), |u| u.name.as_str()),
                v,
                t,
                self.spec.locale,
            )
        {
            self.reject(
                At {
                    loc,
                    col,
                    column,
                    keys,
                },
                t.trim().to_string(),
                "fraction_of_count",
                message,
                1,
            );
            return;
        }
        // A typed number has no printed text: show it at the precision it was given.
        let printed = match cell {
            Cell::Text(_) => text,
            _ => Cow::Owned(number.to_string()),
        };
        let value = match value.map(Number::storable).transpose() {
            Err(why) => {
                self.reject(
                    At {
                        loc,
                        col,
                        column,
                        keys,
                    },
                    printed.trim().to_string(),
                    "not_exact",
                    format!("'{}' cannot be stored exactly: {why}", printed.trim()),
                    1,
                );
                return;
            }
            Ok(kept) => kept,
        };
        push_obs(self, value, &printed, declared.as_deref(), unit, status);
    }

    /// Resolves unit text to a unit code, or says why not.
    fn unit(&mut self, text: &str) -> Result<Arc<str>, String> {
        if let Some(r) = self.unit_cache.get(text) {
            return r.clone();
        }
        let units = &self.res.ds.units;
        let r = match units.resolve(text) {
            Some((u, _)) => Ok(u.code.as_str().into()),
            None => Err(match units.suggest(text) {
                Some(s) => format!(
                    "unit '{}' is not in the unit catalogue; did you mean '{}'?",
                    text.trim(),
                    s.name
                ),
                None => format!(
                    "unit '{}' is not in the unit catalogue; declare it with [[unit]] in the manifest",
                    text.trim()
                ),
            }),
        };
        self.unit_cache.insert(text.to_string(), r.clone());
        r
    }

    /// Closes the file: notes on what the reader saw.
    pub fn finish(mut self, shape: Option<&Shape>) -> Loaded {
        if let Some(s) = shape {
            if !s.unread.is_empty() {
                self.stats
                    .notes
                    .push(format!("columns not read: {}", s.unread.join(", ")));
            }
        }
        // Numbers that can only be Vietnamese and numbers that can only be English in one file without a
        // declared locale: each was read as it must be, but one of the two formats is a mistake.
        if let ([Some((at_vi, vi)), Some((at_en, en))], None) = (&self.evidence, self.spec.locale) {
            self.stats.notes.push(format!(
                "the file mixes number formats: {at_vi} '{vi}' can only be Vietnamese, {at_en} '{en}' only English; declare locale = \"vi\" or \"en\" so the other kind is rejected"
            ));
        }
        if self.ambiguous > 0 {
            let seen: Vec<String> = self
                .evidence
                .iter()
                .zip(["Vietnamese", "English"])
                .filter_map(|(e, name)| {
                    e.as_ref()
                        .map(|(at, t)| format!("{at} '{t}' can only be {name}"))
                })
                .collect();
            let why = if seen.is_empty() {
                String::new()
            } else {
                format!(" ({})", seen.join("; "))
            };
            self.stats.notes.push(format!(
                "{} ambiguous number{} rejected: declare locale = \"vi\" or \"en\" for this file{why}",
                self.ambiguous,
                if self.ambiguous == 1 { "" } else { "s" }
            ));
        }
        let mut chunks = self.chunks;
        if self.obs.len() > 0 {
            chunks.push(self.obs);
        }
        Loaded {
            stats: self.stats,
            chunks,
            rejects: self.rejects,
        }
    }
}

/// The header of a column, or its letter when the header is empty.
fn header_of(col: Option<usize>, header: &[String]) -> Option<String> {
    let c = col?;
    match header.get(c).map(|h| h.trim()).filter(|h| !h.is_empty()) {
        Some(h) => Some(h.to_string()),
        None => Some(column_name(c as u32)),
    }
}

struct Keys<'a, 'c> {
    ind: Option<&'a crate::manifest::Indicator>,
    area: Cow<'c, str>,
    indicator: Cow<'c, str>,
    year: i32,
    period: Option<String>,
    unit: Option<Cow<'c, str>>,
}

/// A year key: an integer 1800–2200, possibly typed as `2022.0`.
fn parse_year(t: &str) -> Option<i32> {
    let t = t.trim();
    let t = t.strip_suffix(".0").unwrap_or(t);
    t.parse::<i32>().ok().filter(|y| (1800..=2200).contains(y))
}

/// Converts a number by a unit factor. Powers of ten move the decimal point exactly (and the printed
/// precision with it); other factors go through a double, keeping the printed significant digits.
fn convert(n: Number, factor: f64) -> Number {
    let k = factor.log10().round();
    if (10f64.powi(k as i32) - factor).abs() <= factor * 1e-12 {
        return n.shift(k as i32);
    }
    Number::from_f64(n.to_f64() * factor).unwrap_or(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_read_from_headers_with_words() {
        assert_eq!(year_in_header("2022"), Some(2022));
        assert_eq!(year_in_header("Năm 2022"), Some(2022));
        assert_eq!(year_in_header("2022 (sơ bộ)"), Some(2022));
        assert_eq!(year_in_header("2021-2022"), None);
        assert_eq!(year_in_header("Ghi chú"), None);
    }

    #[test]
    fn unit_conversion_by_powers_of_ten_is_exact() {
        let n = Number {
            mantissa: 12345,
            decimals: 1,
        }; // 1234.5 triệu đồng
        assert_eq!(
            convert(n, 1e-3),
            Number {
                mantissa: 12345,
                decimals: 4
            }
        ); // 1.2345 tỷ đồng
        assert_eq!(
            convert(n, 1e3),
            Number {
                mantissa: 12345,
                decimals: -2
            }
        );
        let km2 = Number {
            mantissa: 95,
            decimals: 1,
        }; // 9.5 km² = 950 ha
        assert_eq!(convert(km2, 100.0).to_string(), "950");
    }

    #[test]
    fn other_factors_keep_the_printed_digits() {
        let n = Number {
            mantissa: 10,
            decimals: 0,
        };
        assert_eq!(convert(n, 0.3048).to_string(), "3.048");
    }
}
