//! `[[file]]` entries: where a data file is and how to read it. `[defaults]` holds the same keys (but `path`)
//! and applies to every file that does not set them.

use super::Source;
use crate::error::{Error, Place, Result};
use crate::number::Locale;
use crate::units::Catalogue;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use toml::Spanned;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileToml {
    path: Option<String>,
    format: Option<String>,
    locale: Option<String>,
    decimal: Option<String>,
    group: Option<String>,
    encoding: Option<String>,
    delimiter: Option<String>,
    quote: Option<String>,
    sheet: Option<String>,
    range: Option<String>,
    header: Option<bool>,
    header_row: Option<u32>,
    layout: Option<String>,
    wide_by: Option<String>,
    value_columns: Option<Vec<String>>,
    ignore_columns: Option<Vec<String>>,
    columns: Option<BTreeMap<String, String>>,
    area: Option<String>,
    indicator: Option<String>,
    year: Option<i32>,
    period: Option<String>,
    unit: Option<String>,
    unit_cell: Option<String>,
    placeholders: Option<Vec<String>>,
    blank: Option<String>,
}

/// The kinds of data file statlint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Xls,
    Xlsb,
    Ods,
    Parquet,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Csv,
        Format::Xlsx,
        Format::Xls,
        Format::Xlsb,
        Format::Ods,
        Format::Parquet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Xlsb => "xlsb",
            Format::Ods => "ods",
            Format::Parquet => "parquet",
        }
    }
    pub fn is_spreadsheet(self) -> bool {
        matches!(
            self,
            Format::Xlsx | Format::Xls | Format::Xlsb | Format::Ods
        )
    }
}

/// Text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without BOM; a UTF-16 BOM is recognised and converted.
    Utf8,
    /// A legacy encoding known to the WHATWG encoding standard (windows-1258, windows-1252, ...).
    Legacy(&'static encoding_rs::Encoding),
    /// TCVN3 (ABC, TCVN 5712 VN3): the legacy Vietnamese font encoding of old files ("Tæng sè" for "Tổng số").
    Tcvn3,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Legacy(e) => e.name(),
            Encoding::Tcvn3 => "TCVN3",
        }
    }
}

/// The key columns of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Area,
    Indicator,
    Year,
    Period,
    Value,
    Unit,
}

impl Key {
    pub const ALL: [Key; 6] = [
        Key::Area,
        Key::Indicator,
        Key::Year,
        Key::Period,
        Key::Value,
        Key::Unit,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Key::Area => "area",
            Key::Indicator => "indicator",
            Key::Year => "year",
            Key::Period => "period",
            Key::Value => "value",
            Key::Unit => "unit",
        }
    }
}

/// What the header of each value column of a wide file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WideBy {
    Year,
    Indicator,
    Area,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One value per row.
    Long,
    /// One value column per year, indicator or area.
    Wide(WideBy),
}

/// What an empty value cell means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blank {
    /// Not reported: loaded with a NULL value (the default).
    NotReported,
    /// Zero (census tables leave zero cells blank).
    Zero,
}

/// A cell address, 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRef {
    pub row: u32,
    pub col: u32,
}

impl CellRef {
    /// Reads `C17`.
    pub fn parse(s: &str) -> Option<CellRef> {
        let s = s.trim();
        let letters: String = s.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        let digits = &s[letters.len()..];
        if letters.is_empty()
            || letters.len() > 3
            || digits.is_empty()
            || !digits.chars().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let col = column_index(&letters)?;
        let row: u32 = digits.parse().ok().filter(|r| *r >= 1 && *r <= 1_048_576)?;
        Some(CellRef { row: row - 1, col })
    }
}

impl std::fmt::Display for CellRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", column_name(self.col), self.row + 1)
    }
}

/// `A` → 0, `Z` → 25, `AA` → 26.
pub fn column_index(letters: &str) -> Option<u32> {
    let mut n: u32 = 0;
    for c in letters.chars() {
        if !c.is_ascii_alphabetic() {
            return None;
        }
        n = n
            .checked_mul(26)?
            .checked_add(c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)?;
    }
    (1..=16_384).contains(&n).then(|| n - 1)
}

/// 0 → `A`, 26 → `AA`.
pub fn column_name(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push((b'A' + (col % 26) as u8) as char);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.iter().rev().collect()
}

/// A block of cells: `A3:F20`, or `A3:F` (to the last used row), or `A3` (to the last used row and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRange {
    pub start: CellRef,
    pub end_row: Option<u32>,
    pub end_col: Option<u32>,
}

impl CellRange {
    pub fn parse(s: &str) -> Option<CellRange> {
        let (a, b) = match s.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let start = CellRef::parse(a)?;
        let (end_row, end_col) = match b {
            None => (None, None),
            Some(b) => match CellRef::parse(b) {
                Some(e) => (Some(e.row), Some(e.col)),
                None => (None, Some(column_index(b.trim())?)),
            },
        };
        if end_row.is_some_and(|r| r < start.row) || end_col.is_some_and(|c| c < start.col) {
            return None;
        }
        Some(CellRange {
            start,
            end_row,
            end_col,
        })
    }
}

/// One data file, resolved.
#[derive(Debug, Clone)]
pub struct FileSpec {
    /// Path relative to the dataset folder, with `/` separators: how reports name the file.
    pub path: String,
    /// Path to open.
    pub abs: PathBuf,
    /// Line of the `[[file]]` entry in the manifest.
    pub manifest_line: usize,
    pub format: Format,
    /// `None`: undeclared; only unambiguous numbers are read.
    pub locale: Option<Locale>,
    pub encoding: Encoding,
    pub delimiter: u8,
    pub quote: u8,
    pub sheet: Option<String>,
    pub range: Option<CellRange>,
    /// Whether the first row (of the range) is a header.
    pub header: bool,
    /// 1-based line (CSV) or row (spreadsheet) of the header when there is no range.
    pub header_row: u32,
    pub layout: Layout,
    /// Wide layout: headers of the value columns (empty: every column that is not a key or ignored).
    pub value_columns: Vec<String>,
    pub ignore_columns: Vec<String>,
    /// Key → header name (or column letter when there is no header).
    pub columns: HashMap<Key, String>,
    /// Key → value for every record of the file.
    pub constants: HashMap<Key, String>,
    pub unit_cell: Option<CellRef>,
    /// Cell texts that mean "not reported".
    pub placeholders: Vec<String>,
    pub blank: Blank,
}

/// The placeholders offices use for "not reported" when the manifest does not say.
pub const DEFAULT_PLACEHOLDERS: &[&str] = &["-", "–", "—", "..", "...", "…", "x", "X"];

pub(crate) fn defaults(src: &Source<'_>, d: &Spanned<FileToml>) -> Result<FileToml> {
    if d.get_ref().path.is_some() {
        return Err(src.at(d, "[defaults] cannot have a path"));
    }
    Ok(d.get_ref().clone())
}

/// Joins `rel` to `root` and makes sure the result stays inside the dataset folder.
pub(crate) fn inside(
    root: &Path,
    rel: &str,
    manifest: &Path,
    line: Option<usize>,
) -> Result<PathBuf> {
    let here = || line.map(Place::Line);
    let p = Path::new(rel);
    if p.is_absolute()
        || p.components()
            .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
    {
        return Err(Error::invalid(
            manifest,
            here(),
            format!("path '{rel}' must be relative and stay inside the dataset folder"),
        ));
    }
    let full = root.join(p);
    let canon_root = root.canonicalize().map_err(|source| Error::Read {
        path: root.to_path_buf(),
        source,
    })?;
    let canon = full.canonicalize().map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::invalid(
            manifest,
            here(),
            format!("'{rel}': no such file in the dataset folder"),
        ),
        _ => Error::Read {
            path: full.clone(),
            source,
        },
    })?;
    if !canon.starts_with(&canon_root) {
        return Err(Error::invalid(
            manifest,
            here(),
            format!("'{rel}' leads outside the dataset folder"),
        ));
    }
    Ok(full)
}

fn one_char(v: &str) -> Option<char> {
    match v {
        "space" => Some(' '),
        "tab" | "\\t" => Some('\t'),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let mut it = v.chars();
            let c = it.next()?;
            it.next().is_none().then_some(c)
        }
    }
}

/// Expands one `[[file]]` entry (a glob may name several files) into resolved specs.
pub(crate) fn resolve(
    src: &Source<'_>,
    root: &Path,
    item: &Spanned<FileToml>,
    defaults: &FileToml,
    units: &Catalogue,
) -> Result<Vec<FileSpec>> {
    let f = item.get_ref();
    let err = |m: String| src.at(item, m);
    let line = src.line(item.span().start);
    let Some(path) = &f.path else {
        return Err(err("[[file]] needs a path".into()));
    };
    macro_rules! pick {
        ($field:ident) => {
            f.$field.clone().or_else(|| defaults.$field.clone())
        };
    }
    // A path that names a file is that file, even with `[1]` in its name; otherwise `*`, `?` and `[...]`
    // make it a pattern, matched against paths inside the dataset folder only: the folder's own name is
    // never read as a pattern.
    let literal = std::fs::symlink_metadata(root.join(path)).is_ok();
    let rels: Vec<String> = if !literal && path.contains(['*', '?', '[']) {
        // Searched only inside the dataset folder: `/**` or `../**` would walk the whole disk first.
        let p = Path::new(path);
        if p.is_absolute()
            || p.components()
                .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
        {
            return Err(err(format!(
                "path pattern '{path}' must be relative and stay inside the dataset folder"
            )));
        }
        let pattern =
            glob::Pattern::new(path).map_err(|e| err(format!("path pattern '{path}': {e}")))?;
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        // The walk starts at the folders the pattern names literally.
        let base: PathBuf = p
            .parent()
            .into_iter()
            .flat_map(Path::components)
            .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[']))
            .collect();
        let mut found: Vec<String> = crate::input::walk(&root.join(&base))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| {
                p.strip_prefix(root)
                    .ok()
                    .map(|r| r.to_string_lossy().replace('\\', "/"))
            })
            .filter(|r| pattern.matches_with(r, options))
            .collect();
        found.sort();
        if found.is_empty() {
            return Err(err(format!("path pattern '{path}' matches no file")));
        }
        found
    } else {
        vec![path.clone()]
    };

    let locale = match (pick!(locale), pick!(decimal), pick!(group)) {
        (Some(l), None, None) => Some(match l.as_str() {
            "vi" | "vi-VN" => Locale::VI,
            "en" | "en-US" | "en-GB" => Locale::EN,
            other => {
                return Err(err(format!(
                    "locale '{other}' must be 'vi' or 'en' (or give decimal and group)"
                )));
            }
        }),
        (None, Some(d), g) => {
            let decimal = one_char(&d)
                .filter(|c| matches!(c, '.' | ','))
                .ok_or_else(|| err(format!("decimal '{d}' must be '.' or ','")))?;
            let group = match g.as_deref() {
                None | Some("") | Some("none") => None,
                Some(g) => Some(one_char(g).filter(|c| *c != decimal && !c.is_ascii_digit()).ok_or_else(|| {
                    err(format!("group '{g}' must be one character other than the decimal separator (or 'space', 'none')"))
                })?),
            };
            Some(Locale { decimal, group })
        }
        (None, None, Some(_)) => return Err(err("group needs decimal too".into())),
        (None, None, None) => None,
        (Some(_), _, _) => return Err(err("give either locale or decimal/group, not both".into())),
    };

    let encoding = match pick!(encoding).as_deref() {
        None | Some("utf-8") | Some("utf8") | Some("UTF-8") => Encoding::Utf8,
        Some(label)
            if ["tcvn3", "tcvn", "abc", "tcvn5712", "tcvn-5712", "vn3"]
                .contains(&label.trim().to_ascii_lowercase().as_str()) =>
        {
            Encoding::Tcvn3
        }
        Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 => Encoding::Utf8,
            Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => {
                return Err(err(format!(
                    "encoding '{label}': UTF-16 files are recognised by their byte order mark; leave the encoding out"
                )));
            }
            Some(e) => Encoding::Legacy(e),
            None => {
                return Err(err(format!(
                    "encoding '{label}' is not known (try utf-8, windows-1258, tcvn3, windows-1252)"
                )));
            }
        },
    };

    let layout = match (pick!(layout).as_deref(), pick!(wide_by).as_deref()) {
        (None | Some("long"), None) => Layout::Long,
        (Some("wide"), Some("year")) => Layout::Wide(WideBy::Year),
        (Some("wide"), Some("indicator")) => Layout::Wide(WideBy::Indicator),
        (Some("wide"), Some("area")) => Layout::Wide(WideBy::Area),
        (Some("wide"), None) => {
            return Err(err(
                "layout = \"wide\" needs wide_by = \"year\", \"indicator\" or \"area\"".into(),
            ));
        }
        (Some("wide"), Some(o)) => {
            return Err(err(format!(
                "wide_by '{o}' must be year, indicator or area"
            )));
        }
        (None | Some("long"), Some(_)) => {
            return Err(err("wide_by applies to layout = \"wide\"".into()));
        }
        (Some(o), _) => return Err(err(format!("layout '{o}' must be long or wide"))),
    };

    let mut columns = HashMap::new();
    for (k, v) in pick!(columns).unwrap_or_default() {
        let key = Key::ALL.iter().copied().find(|key| key.as_str() == k).ok_or_else(|| {
            err(format!("columns.{k}: unknown key; columns maps area, indicator, year, period, value and unit to headers"))
        })?;
        columns.insert(key, v);
    }
    let mut constants = HashMap::new();
    let year = pick!(year).map(|y| y.to_string());
    for (key, v) in [
        (Key::Area, pick!(area)),
        (Key::Indicator, pick!(indicator)),
        (Key::Year, year),
        (Key::Period, pick!(period)),
        (Key::Unit, pick!(unit)),
    ] {
        if let Some(v) = v {
            if columns.contains_key(&key) {
                return Err(err(format!(
                    "{0} is given both as a constant and as columns.{0}",
                    key.as_str()
                )));
            }
            constants.insert(key, v);
        }
    }
    if let Some(u) = constants.get(&Key::Unit) {
        if units.resolve(u).is_none() {
            let hint = units
                .suggest(u)
                .map(|x| format!("; did you mean '{}'?", x.name))
                .unwrap_or_default();
            return Err(err(format!(
                "unit '{u}' is not in the unit catalogue{hint}"
            )));
        }
    }
    if let Layout::Wide(by) = layout {
        let key = match by {
            WideBy::Year => Key::Year,
            WideBy::Indicator => Key::Indicator,
            WideBy::Area => Key::Area,
        };
        if columns.contains_key(&key)
            || constants.contains_key(&key)
            || columns.contains_key(&Key::Value)
        {
            return Err(err(format!(
                "a file wide by {0} takes the {0} from its column headers: remove {0} and value from columns and constants",
                key.as_str()
            )));
        }
    }

    let format = |rel: &str| -> Result<Format> {
        let ext = pick!(format).unwrap_or_else(|| {
            Path::new(rel)
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default()
        });
        Ok(match ext.as_str() {
            "csv" | "txt" | "tsv" | "tab" => Format::Csv,
            "xlsx" | "xlsm" => Format::Xlsx,
            "xls" => Format::Xls,
            "xlsb" => Format::Xlsb,
            "ods" => Format::Ods,
            "parquet" | "pq" => Format::Parquet,
            "" => {
                return Err(err(format!(
                    "'{rel}' has no extension: give format = \"csv\", \"xlsx\", ... "
                )));
            }
            other => {
                return Err(err(format!(
                    "format '{other}' is not read by statlint (csv, tsv, xlsx, xls, xlsb, ods, parquet)"
                )));
            }
        })
    };

    let delimiter = |rel: &str| -> Result<u8> {
        match pick!(delimiter) {
            Some(d) => one_char(&d)
                .filter(|c| {
                    c.is_ascii()
                        && !c.is_ascii_alphanumeric()
                        && *c != '"'
                        && *c != '\n'
                        && *c != '\r'
                })
                .map(|c| c as u8)
                .ok_or_else(|| {
                    err(format!(
                        "delimiter '{d}' must be one ASCII punctuation character or 'tab'"
                    ))
                }),
            None => Ok(
                if rel.ends_with(".tsv")
                    || rel.ends_with(".tab")
                    || pick!(format).as_deref() == Some("tsv")
                {
                    b'\t'
                } else {
                    b','
                },
            ),
        }
    };
    let quote = match pick!(quote) {
        None => b'"',
        Some(q) => one_char(&q)
            .filter(|c| matches!(c, '"' | '\''))
            .map(|c| c as u8)
            .ok_or_else(|| err(format!("quote '{q}' must be \" or '")))?,
    };
    let range = match pick!(range) {
        None => None,
        Some(r) => Some(
            CellRange::parse(&r)
                .ok_or_else(|| err(format!("range '{r}' is not a cell range like A3:F20")))?,
        ),
    };
    let unit_cell = match pick!(unit_cell) {
        None => None,
        Some(c) => Some(
            CellRef::parse(&c)
                .ok_or_else(|| err(format!("unit_cell '{c}' is not a cell like A2")))?,
        ),
    };
    if unit_cell.is_some()
        && (constants.contains_key(&Key::Unit) || columns.contains_key(&Key::Unit))
    {
        return Err(err(
            "give the unit once: unit, unit_cell or columns.unit".into()
        ));
    }
    let header_row = pick!(header_row).unwrap_or(1);
    if header_row == 0 {
        return Err(err("header_row counts from 1".into()));
    }
    if range.is_some() && pick!(header_row).is_some() {
        return Err(err(
            "with a range, the header is the range's first row: leave out header_row".into(),
        ));
    }
    if let Some(c) = unit_cell {
        let header_at = range.map_or(header_row, |r| r.start.row + 1);
        if pick!(header).unwrap_or(true) && c.row + 1 >= header_at {
            return Err(err(format!(
                "unit_cell {c} must be above the header (row {header_at})"
            )));
        }
    }
    let blank = match pick!(blank).as_deref() {
        None | Some("not_reported") => Blank::NotReported,
        Some("zero") => Blank::Zero,
        Some(o) => return Err(err(format!("blank '{o}' must be not_reported or zero"))),
    };
    let placeholders = pick!(placeholders)
        .unwrap_or_else(|| DEFAULT_PLACEHOLDERS.iter().map(|s| s.to_string()).collect());
    if let Some(p) = &constants.get(&Key::Period) {
        if !crate::period::valid(p) {
            return Err(err(format!(
                "period '{p}' must be Q1–Q4, H1, H2 or M01–M12"
            )));
        }
    }

    let mut out = Vec::new();
    for rel in rels {
        let abs = inside(root, &rel, src.path, Some(line))?;
        if let Some(what) = std::fs::metadata(&abs)
            .ok()
            .as_ref()
            .and_then(crate::input::not_regular)
        {
            return Err(err(format!(
                "'{rel}' is {what}, not a regular file: only regular files are data"
            )));
        }
        let format = format(&rel)?;
        if format != Format::Csv
            && (f.delimiter.is_some() || f.quote.is_some() || f.encoding.is_some())
        {
            return Err(err(format!(
                "'{rel}' is {}: delimiter, quote and encoding apply to CSV files",
                format.as_str()
            )));
        }
        if !format.is_spreadsheet() && (f.sheet.is_some() || f.range.is_some()) {
            return Err(err(format!(
                "'{rel}' is {}: sheet and range apply to spreadsheets",
                format.as_str()
            )));
        }
        out.push(FileSpec {
            path: rel.clone(),
            abs,
            manifest_line: line,
            format,
            locale,
            encoding,
            delimiter: delimiter(&rel)?,
            quote,
            sheet: pick!(sheet),
            range,
            header: pick!(header).unwrap_or(true),
            header_row,
            layout,
            value_columns: pick!(value_columns).unwrap_or_default(),
            ignore_columns: pick!(ignore_columns).unwrap_or_default(),
            columns: columns.clone(),
            constants: constants.clone(),
            unit_cell,
            placeholders: placeholders.clone(),
            blank,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_addresses_round_trip() {
        for s in ["A1", "C17", "Z9", "AA10", "XFD1048576"] {
            assert_eq!(CellRef::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(CellRef::parse("A0"), None);
        assert_eq!(CellRef::parse("17"), None);
        assert_eq!(CellRef::parse("XFE1"), None);
    }

    #[test]
    fn ranges_may_be_open_ended() {
        let r = CellRange::parse("B3:F").unwrap();
        assert_eq!(
            (r.start.row, r.start.col, r.end_row, r.end_col),
            (2, 1, None, Some(5))
        );
        let r = CellRange::parse("A5:D20").unwrap();
        assert_eq!((r.end_row, r.end_col), (Some(19), Some(3)));
        assert_eq!(CellRange::parse("D5:A1"), None);
    }
}
