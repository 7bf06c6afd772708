//! The dataset manifest, `statlint.toml`: what the dataset is, its reference tables (areas, indicators,
//! units, targets), its data files and how to read each, and which checks to run.
//!
//! Parsing is strict: unknown keys, wrong types and inconsistent references are errors that name the file and
//! the line. The result is a [`Dataset`], whose values are validated and ready for the loader and the checks.

mod files;
mod reference;

use crate::error::{Error, Place, Result};
use crate::units::Catalogue;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub use files::{
    Blank, CellRange, CellRef, Encoding, FileSpec, Format, Key, Layout, WideBy, column_index,
    column_name,
};
pub use reference::{Area, Class, Direction, Indicator, Relation, Target};

/// The name of the manifest file inside a dataset folder.
pub const MANIFEST: &str = "statlint.toml";

/// A validated dataset description.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The folder that holds the manifest; data paths are relative to it.
    pub root: PathBuf,
    /// The manifest file.
    pub manifest_path: PathBuf,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// First and last year the dataset is expected to cover (for the missing-report check); `None`: the
    /// years observed.
    pub years: Option<(i32, i32)>,
    /// The day of its period an observation refers to: where its area must be valid, which tree applies.
    pub reference_date: crate::period::RefDate,
    pub areas: Vec<Area>,
    pub indicators: Vec<Indicator>,
    pub units: Catalogue,
    pub targets: Vec<Target>,
    pub files: Vec<FileSpec>,
    pub checks: ChecksSection,
    /// The manifest and the reference tables as they were read: resolved path and BLAKE3 of the bytes.
    pub sources: Vec<(PathBuf, String)>,
}

/// A path with its symlinks resolved, when it can be.
pub fn resolved(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// `[checks]`: user check folders, selection, severity and parameter overrides.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecksSection {
    /// Folders of user checks, relative to the dataset folder.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Check ids or patterns (`hierarchy.*`) to run; empty: all.
    #[serde(default)]
    pub select: Vec<String>,
    /// Check ids or patterns to leave out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// New severity per check id.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Parameter values per check id.
    #[serde(default)]
    pub params: BTreeMap<String, toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestToml {
    dataset: Spanned<DatasetToml>,
    #[serde(default)]
    defaults: Option<Spanned<files::FileToml>>,
    #[serde(default)]
    reference: ReferenceToml,
    #[serde(default)]
    area: Vec<Spanned<reference::AreaRow>>,
    #[serde(default)]
    indicator: Vec<Spanned<reference::IndicatorRow>>,
    #[serde(default)]
    unit: Vec<Spanned<reference::UnitRow>>,
    #[serde(default)]
    target: Vec<Spanned<reference::TargetRow>>,
    #[serde(default)]
    file: Vec<Spanned<files::FileToml>>,
    #[serde(default)]
    checks: ChecksSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatasetToml {
    name: String,
    title: Option<String>,
    description: Option<String>,
    /// Free text on where the data comes from; shown by `statlint load`.
    source: Option<String>,
    licence: Option<String>,
    first_year: Option<i32>,
    last_year: Option<i32>,
    /// "end" (default): the last day of the period; "start": the first (plans made before the year).
    reference_date: Option<String>,
}

/// `[reference]`: reference tables kept in CSV files beside the manifest.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferenceToml {
    #[serde(default, deserialize_with = "reference::one_or_many")]
    areas: Vec<String>,
    #[serde(default, deserialize_with = "reference::one_or_many")]
    indicators: Vec<String>,
    #[serde(default, deserialize_with = "reference::one_or_many")]
    units: Vec<String>,
    #[serde(default, deserialize_with = "reference::one_or_many")]
    targets: Vec<String>,
}

/// Line (1-based) and column of a byte offset in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, col)
}

/// Where a manifest item starts, for messages.
pub(crate) struct Source<'a> {
    pub path: &'a Path,
    /// Where each line ends: an item's line is found by bisection, so a manifest with 100,000 `[[area]]`
    /// entries does not count newlines from the top for each.
    newlines: Vec<usize>,
}

impl<'a> Source<'a> {
    fn new(path: &'a Path, text: &'a str) -> Source<'a> {
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
        Source { path, newlines }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&n| n < offset) + 1
    }
}

impl Source<'_> {
    pub fn at<T>(&self, item: &Spanned<T>, message: impl Into<String>) -> Error {
        let line = self.line(item.span().start);
        Error::invalid(self.path, Some(Place::Line(line)), message)
    }
}

/// Finds the manifest for a dataset argument: a folder with `statlint.toml`, or the manifest file itself.
pub fn locate(arg: &Path) -> Result<PathBuf> {
    if arg.is_dir() {
        let p = arg.join(MANIFEST);
        if p.is_file() {
            return Ok(p);
        }
        return Err(Error::Usage(format!(
            "{}: no {MANIFEST} in this folder; a dataset is a folder with a manifest",
            arg.display()
        )));
    }
    if arg.is_file() {
        return Ok(arg.to_path_buf());
    }
    Err(Error::Usage(format!(
        "{}: no such dataset folder or manifest",
        arg.display()
    )))
}

impl Dataset {
    /// Reads and validates the manifest of the dataset at `arg` (folder or manifest file).
    pub fn open(arg: &Path) -> Result<Dataset> {
        let manifest_path = locate(arg)?;
        let text =
            crate::input::read_regular_text(&manifest_path).map_err(|source| {
                match source.kind() {
                    std::io::ErrorKind::InvalidData => {
                        Error::invalid(&manifest_path, None, "the manifest is not valid UTF-8")
                    }
                    _ => Error::Read {
                        path: manifest_path.clone(),
                        source,
                    },
                }
            })?;
        let root = manifest_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let root = if root.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            root
        };
        Dataset::parse(&text, &manifest_path, &root)
    }

    /// Validates manifest text; `root` is the folder that relative paths start from.
    pub fn parse(text: &str, manifest_path: &Path, root: &Path) -> Result<Dataset> {
        let src = Source::new(manifest_path, text);
        let m: ManifestToml = toml::from_str(text).map_err(|e| {
            let place = e.span().map(|s| {
                let (l, c) = line_col(text, s.start);
                Place::LineColumn(l, c)
            });
            Error::invalid(manifest_path, place, e.message().trim_end().to_string())
        })?;

        let ds = m.dataset.get_ref();
        if !valid_name(&ds.name) {
            return Err(src.at(
                &m.dataset,
                format!(
                    "dataset name '{}' must be 1 to 64 characters of a-z, 0-9, '-', '_' or '.'",
                    ds.name
                ),
            ));
        }
        let years = match (ds.first_year, ds.last_year) {
            (None, None) => None,
            (Some(a), Some(b))
                if a <= b && (1800..=2200).contains(&a) && (1800..=2200).contains(&b) =>
            {
                Some((a, b))
            }
            (Some(a), Some(b)) => {
                return Err(src.at(
                    &m.dataset,
                    format!("first_year {a} and last_year {b} must be in order, within 1800–2200"),
                ));
            }
            _ => return Err(src.at(&m.dataset, "give both first_year and last_year, or neither")),
        };
        let _ = (&ds.source, &ds.licence);
        let reference_date = match ds.reference_date.as_deref() {
            None | Some("end") => crate::period::RefDate::End,
            Some("start") => crate::period::RefDate::Start,
            Some(o) => {
                return Err(src.at(
                    &m.dataset,
                    format!("reference_date '{o}' must be \"end\" or \"start\""),
                ));
            }
        };

        let mut sources = vec![(
            resolved(manifest_path),
            blake3::hash(text.as_bytes()).to_hex().to_string(),
        )];
        // Units first: indicators name them.
        let mut unit_rows: Vec<(reference::Origin, reference::UnitRow)> = Vec::new();
        for f in &m.reference.units {
            unit_rows.extend(reference::read_csv::<reference::UnitRow>(
                root,
                f,
                manifest_path,
                &mut sources,
            )?);
        }
        for u in &m.unit {
            unit_rows.push((reference::Origin::manifest(&src, u), u.get_ref().clone()));
        }
        let units = reference::build_catalogue(unit_rows)?;

        let mut area_rows = Vec::new();
        for f in &m.reference.areas {
            area_rows.extend(reference::read_csv::<reference::AreaRow>(
                root,
                f,
                manifest_path,
                &mut sources,
            )?);
        }
        for a in &m.area {
            area_rows.push((reference::Origin::manifest(&src, a), a.get_ref().clone()));
        }
        let mut areas = reference::build_areas(area_rows)?;
        for a in &mut areas {
            if let Ok(rel) = a.declared.0.strip_prefix(root) {
                a.declared.0 = rel.to_path_buf();
            }
        }

        let mut ind_rows = Vec::new();
        for f in &m.reference.indicators {
            ind_rows.extend(reference::read_csv::<reference::IndicatorRow>(
                root,
                f,
                manifest_path,
                &mut sources,
            )?);
        }
        for i in &m.indicator {
            ind_rows.push((reference::Origin::manifest(&src, i), i.get_ref().clone()));
        }
        let indicators = reference::build_indicators(ind_rows, &units)?;

        let mut target_rows = Vec::new();
        for f in &m.reference.targets {
            target_rows.extend(reference::read_csv::<reference::TargetRow>(
                root,
                f,
                manifest_path,
                &mut sources,
            )?);
        }
        for t in &m.target {
            target_rows.push((reference::Origin::manifest(&src, t), t.get_ref().clone()));
        }
        let targets = reference::build_targets(target_rows, &areas, &indicators)?;

        let defaults = match &m.defaults {
            Some(d) => files::defaults(&src, d)?,
            None => files::FileToml::default(),
        };
        let mut specs = Vec::new();
        for f in &m.file {
            specs.extend(files::resolve(&src, root, f, &defaults, &units)?);
        }
        let mut seen = std::collections::HashMap::new();
        for (i, s) in specs.iter().enumerate() {
            if let Some(j) = seen.insert(s.path.clone(), i) {
                let _ = j;
                return Err(Error::invalid(
                    manifest_path,
                    Some(Place::Line(s.manifest_line)),
                    format!(
                        "data file '{}' is listed twice; its rows would be loaded twice",
                        s.path
                    ),
                ));
            }
        }

        for (id, sev) in &m.checks.severity {
            if !matches!(sev.as_str(), "error" | "warning" | "info" | "off") {
                return Err(Error::invalid(
                    manifest_path,
                    Some(Place::Key(format!("checks.severity.{id}"))),
                    format!("severity '{sev}' must be one of error, warning, info, off"),
                ));
            }
        }

        Ok(Dataset {
            root: root.to_path_buf(),
            manifest_path: manifest_path.to_path_buf(),
            name: ds.name.clone(),
            title: ds.title.clone(),
            description: ds.description.clone(),
            years,
            reference_date,
            areas,
            indicators,
            units,
            targets,
            files: specs,
            checks: m.checks,
            sources,
        })
    }

    /// A path from the manifest, inside the dataset folder.
    pub fn resolve_path(&self, rel: &str) -> Result<PathBuf> {
        files::inside(&self.root, rel, &self.manifest_path, None)
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }
}

/// Dataset, indicator and area codes: short, printable, no quotes (they reach SQL as values, and are also
/// safe in file names and annotations).
pub fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests;
