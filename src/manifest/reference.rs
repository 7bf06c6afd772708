//! Reference tables: areas, indicators, units and targets, declared inline in the manifest (`[[area]]`, ...)
//! or in CSV files listed under `[reference]`. Both forms share one row type per table, so a column of a CSV
//! file and a key of the manifest mean the same thing.

use super::Source;
use crate::error::{Error, Place, Result};
use crate::units::{Catalogue, Unit};
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Where a reference row was declared: for messages.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    path: PathBuf,
    line: usize,
}

impl Origin {
    pub fn manifest<T>(src: &Source<'_>, item: &Spanned<T>) -> Origin {
        Origin {
            path: src.path.to_path_buf(),
            line: src.line(item.span().start),
        }
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::invalid(&self.path, Some(Place::Line(self.line)), message)
    }
}

/// A string or a list of strings; in a CSV cell, a list is written `a|b|c`.
pub(crate) fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct V;
    impl<'de> de::Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string or a list of strings")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
            Ok(v.split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect())
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<String>()? {
                out.push(s);
            }
            Ok(out)
        }
        fn visit_none<E: de::Error>(self) -> Result<Vec<String>, E> {
            Ok(vec![])
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
            Ok(vec![])
        }
    }
    d.deserialize_any(V)
}

/// An empty CSV cell is `None`.
fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// Reads a reference CSV file (UTF-8, comma-separated, header row with the row type's keys).
pub(crate) fn read_csv<T: DeserializeOwned>(
    root: &Path,
    rel: &str,
    manifest: &Path,
    sources: &mut Vec<(PathBuf, String)>,
) -> Result<Vec<(Origin, T)>> {
    let path = super::files::inside(root, rel, manifest, None)?;
    let bytes = crate::input::read_regular(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    sources.push((
        super::resolved(&path),
        blake3::hash(&bytes).to_hex().to_string(),
    ));
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Error::invalid(
            &path,
            Some(Place::Line(line)),
            "reference tables must be UTF-8 text",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| {
        let line = e.position().map(|p| Place::Line(p.line() as usize));
        let message = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("{len} fields where the header has {expected_len}"),
            _ => e.to_string(),
        };
        Error::invalid(&path, line, message)
    };
    let headers = rdr.headers().map_err(csv_error)?.clone();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_error)?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let row: T = rec.deserialize(Some(&headers)).map_err(|e| {
            let message = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => {
                    match err.field().and_then(|i| headers.get(i as usize)) {
                        Some(f) => format!("column '{f}': {}", err.kind()),
                        None => err.kind().to_string(),
                    }
                }
                _ => e.to_string(),
            };
            Error::invalid(&path, Some(Place::Line(line)), message)
        })?;
        out.push((
            Origin {
                path: path.clone(),
                line,
            },
            row,
        ));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------------
// Units

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnitRow {
    code: String,
    name: Option<String>,
    name_en: Option<String>,
    dimension: Option<String>,
    factor: Option<f64>,
    #[serde(default, deserialize_with = "one_or_many")]
    aliases: Vec<String>,
}

pub(crate) fn build_catalogue(rows: Vec<(Origin, UnitRow)>) -> Result<Catalogue> {
    let mut cat = Catalogue::built_in();
    for (origin, r) in rows {
        if !super::valid_name(&r.code) {
            return Err(origin.error(format!(
                "unit code '{}' must be letters, digits, '-', '_' or '.'",
                r.code
            )));
        }
        if r.factor.is_some_and(|f| !(f.is_finite() && f > 0.0)) {
            return Err(origin.error(format!("unit '{}' needs a positive factor", r.code)));
        }
        let built_in = cat.get(&r.code).is_some();
        if !built_in && (nonempty(&r.dimension).is_none() || r.factor.is_none()) {
            return Err(origin.error(format!(
                "unit '{}' is not built in: give its dimension and factor",
                r.code
            )));
        }
        let unit = Unit {
            code: r.code.clone(),
            name: nonempty(&r.name).unwrap_or_else(|| r.code.clone()),
            name_en: nonempty(&r.name_en).unwrap_or_default(),
            dimension: nonempty(&r.dimension).unwrap_or_default(),
            factor: r.factor.unwrap_or(0.0),
            aliases: r.aliases,
        };
        let unit = match cat.get(&r.code) {
            Some(b) if unit.dimension.is_empty() => Unit {
                dimension: String::new(),
                factor: b.factor,
                ..unit
            },
            _ => unit,
        };
        cat = cat.extend(vec![unit]).map_err(|e| origin.error(e.0))?;
    }
    Ok(cat)
}

// ---------------------------------------------------------------------------------------------------------
// Areas

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AreaRow {
    code: String,
    name: String,
    level: String,
    parent: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

/// An administrative unit for one period of validity. A code may have several rows (a district that moved to
/// another province) as long as their periods do not overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent: Option<String>,
    /// First day of validity, `YYYY-MM-DD`; `None`: since always.
    pub valid_from: Option<String>,
    /// Last day of validity, `YYYY-MM-DD`; `None`: still valid.
    pub valid_to: Option<String>,
    /// Where the area is declared (file relative to the dataset folder, line): the place of a finding
    /// about an area that has no value to point at.
    pub declared: (PathBuf, usize),
}

impl Area {
    fn from(&self) -> &str {
        self.valid_from.as_deref().unwrap_or("0000-01-01")
    }
    fn to(&self) -> &str {
        self.valid_to.as_deref().unwrap_or("9999-12-31")
    }
    /// Whether the area is valid on `date` (`YYYY-MM-DD`).
    pub fn valid_on(&self, date: &str) -> bool {
        self.from() <= date && date <= self.to()
    }
    fn overlaps(&self, other: &Area) -> bool {
        self.from() <= other.to() && other.from() <= self.to()
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a partial date is the first day of its span (`end = false`) or
/// the last (`end = true`).
pub(crate) fn parse_date(s: &str, end: bool) -> Option<String> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let num = |p: &str, len: usize| {
        (p.len() == len && p.chars().all(|c| c.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    let y = num(parts.first()?, 4)? as i32;
    let (m, d) = match parts.len() {
        1 => (if end { 12 } else { 1 }, None),
        2 => (num(parts[1], 2)?, None),
        3 => (num(parts[1], 2)?, Some(num(parts[2], 2)?)),
        _ => return None,
    };
    if !(1..=12).contains(&m) {
        return None;
    }
    let last = days_in_month(y, m);
    let d = match d {
        Some(d) if (1..=last).contains(&d) => d,
        Some(_) => return None,
        None if end => last,
        None => 1,
    };
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

pub(crate) fn build_areas(rows: Vec<(Origin, AreaRow)>) -> Result<Vec<Area>> {
    let mut areas: Vec<Area> = Vec::with_capacity(rows.len());
    let mut origins: Vec<Origin> = Vec::with_capacity(rows.len());
    let mut by_code: HashMap<String, Vec<usize>> = HashMap::new();
    for (origin, r) in rows {
        let code = r.code.trim().to_string();
        if !super::valid_name(&code) {
            return Err(origin.error(format!(
                "area code '{code}' must be letters, digits, '-', '_' or '.'"
            )));
        }
        let date = |v: &Option<String>, end: bool, key: &str| -> Result<Option<String>> {
            match nonempty(v) {
                None => Ok(None),
                Some(s) => parse_date(&s, end).map(Some).ok_or_else(|| {
                    origin.error(format!(
                        "area '{code}': {key} '{s}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
                    ))
                }),
            }
        };
        let area = Area {
            code: code.clone(),
            name: r.name.trim().to_string(),
            level: r.level.trim().to_string(),
            parent: nonempty(&r.parent),
            valid_from: date(&r.valid_from, false, "valid_from")?,
            valid_to: date(&r.valid_to, true, "valid_to")?,
            declared: (origin.path.clone(), origin.line),
        };
        if area.level.is_empty() {
            return Err(origin.error(format!("area '{code}' has no level")));
        }
        if area.from() > area.to() {
            return Err(origin.error(format!(
                "area '{code}' is valid from {} to {}: the period is empty",
                area.from(),
                area.to()
            )));
        }
        if area.parent.as_deref() == Some(code.as_str()) {
            return Err(origin.error(format!("area '{code}' is its own parent")));
        }
        for &j in by_code.get(&code).map(Vec::as_slice).unwrap_or(&[]) {
            if areas[j].overlaps(&area) {
                let what = if areas[j].parent != area.parent {
                    format!(
                        "area '{code}' has two parents ({} and {}) in overlapping periods",
                        areas[j].parent.as_deref().unwrap_or("none"),
                        area.parent.as_deref().unwrap_or("none")
                    )
                } else {
                    format!("area '{code}' is declared twice for overlapping periods")
                };
                return Err(origin.error(format!(
                    "{what} (the other declaration is at {}:{})",
                    origins[j].path.display(),
                    origins[j].line
                )));
            }
        }
        by_code.entry(code).or_default().push(areas.len());
        areas.push(area);
        origins.push(origin);
    }
    // Every parent exists for the whole validity of its child.
    for (i, a) in areas.iter().enumerate() {
        let Some(p) = &a.parent else { continue };
        let Some(prows) = by_code.get(p) else {
            return Err(origins[i].error(format!(
                "area '{}': parent '{p}' is not a declared area",
                a.code
            )));
        };
        let covered = |date: &str| prows.iter().any(|&j| areas[j].valid_on(date));
        if !covered(a.from()) || !covered(a.to()) {
            return Err(origins[i].error(format!(
                "area '{}' is valid from {} to {}, but its parent '{p}' is not valid for all of that period",
                a.code,
                a.valid_from.as_deref().unwrap_or("always"),
                a.valid_to.as_deref().unwrap_or("now")
            )));
        }
    }
    // No cycles: follow parents from every area (any period), which must end.
    for (i, a) in areas.iter().enumerate() {
        let mut path = vec![a.code.as_str()];
        let mut seen: HashSet<&str> = HashSet::from([a.code.as_str()]);
        let mut cur = a.parent.as_deref();
        while let Some(c) = cur {
            path.push(c);
            if !seen.insert(c) {
                return Err(
                    origins[i].error(format!("the area tree has a cycle: {}", path.join(" → ")))
                );
            }
            cur = by_code
                .get(c)
                .and_then(|rows| rows.iter().find_map(|&j| areas[j].parent.as_deref()));
        }
    }
    Ok(areas)
}

// ---------------------------------------------------------------------------------------------------------
// Indicators

/// How the value of a parent area relates to its children's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Flows and stocks: parent = Σ children.
    Additive,
    /// numerator / denominator × multiplier (poverty rate, forest cover).
    Ratio,
    /// total / population × multiplier (income per capita).
    PerCapita,
    /// Growth of a level indicator in percent: not aggregable, checked against the level series.
    Growth,
    /// Prices, indices: no hierarchy relation.
    NonAdditive,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Additive => "additive",
            Class::Ratio => "ratio",
            Class::PerCapita => "per_capita",
            Class::Growth => "growth",
            Class::NonAdditive => "non_additive",
        }
    }
}

/// Parent against the sum of its children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Equal,
    AtLeast,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Equal => "=",
            Relation::AtLeast => ">=",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IndicatorRow {
    code: String,
    name: String,
    name_en: Option<String>,
    unit: String,
    class: Class,
    numerator: Option<String>,
    denominator: Option<String>,
    multiplier: Option<f64>,
    base: Option<String>,
    relation: Option<String>,
    exact: Option<bool>,
    signed: Option<bool>,
    decimals: Option<i32>,
    min: Option<f64>,
    max: Option<f64>,
    yoy_min: Option<f64>,
    yoy_max: Option<f64>,
    #[serde(default, deserialize_with = "one_or_many")]
    levels: Vec<String>,
    description: Option<String>,
}

/// One indicator of the dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    pub name_en: Option<String>,
    /// Canonical unit (catalogue code).
    pub unit: String,
    pub class: Class,
    /// Ratio and per-capita indicators: the additive parts.
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    /// parent = Σ numerator / Σ denominator × multiplier.
    pub multiplier: Option<f64>,
    /// Growth indicators: the level indicator the growth describes.
    pub base: Option<String>,
    pub relation: Relation,
    /// Values are exact (counts), not rounded: the hierarchy tolerates no rounding difference.
    pub exact: bool,
    /// Negative values are normal (balances, net transfers): no bound at zero.
    pub signed: bool,
    /// Decimals the office prints; used for values that carry no printed text.
    pub decimals: Option<i32>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Year-on-year bounds: percent change for levels, percentage points for rates.
    pub yoy_min: Option<f64>,
    pub yoy_max: Option<f64>,
    /// Area levels expected to report the indicator; empty: all.
    pub levels: Vec<String>,
    pub description: Option<String>,
}

pub(crate) fn build_indicators(
    rows: Vec<(Origin, IndicatorRow)>,
    units: &Catalogue,
) -> Result<Vec<Indicator>> {
    let mut out: Vec<Indicator> = Vec::with_capacity(rows.len());
    let mut origins = Vec::with_capacity(rows.len());
    for (origin, r) in rows {
        let code = r.code.trim().to_string();
        if !super::valid_name(&code) {
            return Err(origin.error(format!(
                "indicator code '{code}' must be letters, digits, '-', '_' or '.'"
            )));
        }
        if let Some(j) = out.iter().position(|i| i.code == code) {
            let o: &Origin = &origins[j];
            return Err(origin.error(format!(
                "indicator '{code}' is declared twice (also at {}:{})",
                o.path.display(),
                o.line
            )));
        }
        let unit = match units.resolve(&r.unit) {
            Some((u, _)) => u.code.clone(),
            None => {
                let hint = units
                    .suggest(&r.unit)
                    .map(|u| format!("; did you mean '{}'?", u.name))
                    .unwrap_or_default();
                return Err(origin.error(format!(
                    "indicator '{code}': unit '{}' is not in the unit catalogue{hint}",
                    r.unit
                )));
            }
        };
        let relation = match nonempty(&r.relation).as_deref() {
            None | Some("=") | Some("==") => Relation::Equal,
            Some(">=") => Relation::AtLeast,
            Some(other) => {
                return Err(origin.error(format!(
                    "indicator '{code}': relation '{other}' must be '=' or '>='"
                )));
            }
        };
        if relation == Relation::AtLeast && r.class != Class::Additive {
            return Err(origin.error(format!(
                "indicator '{code}': relation '>=' applies to additive indicators only"
            )));
        }
        for (key, v) in [
            ("min", r.min),
            ("max", r.max),
            ("yoy_min", r.yoy_min),
            ("yoy_max", r.yoy_max),
        ] {
            // A NaN bound compares false with every value, so nothing would ever be out of bounds.
            if v.is_some_and(|v| !v.is_finite()) {
                return Err(origin.error(format!(
                    "indicator '{code}': {key} must be a finite number, not {}",
                    v.unwrap()
                )));
            }
        }
        if let (Some(a), Some(b)) = (r.min, r.max) {
            if a > b {
                return Err(origin.error(format!("indicator '{code}': min {a} is above max {b}")));
            }
        }
        if let (Some(a), Some(b)) = (r.yoy_min, r.yoy_max) {
            if a > b {
                return Err(origin.error(format!(
                    "indicator '{code}': yoy_min {a} is above yoy_max {b}"
                )));
            }
        }
        let numerator = nonempty(&r.numerator);
        let denominator = nonempty(&r.denominator);
        let base = nonempty(&r.base);
        match r.class {
            Class::Ratio | Class::PerCapita => {
                if numerator.is_some() != denominator.is_some() {
                    return Err(origin.error(format!(
                        "indicator '{code}': give both numerator and denominator, or neither"
                    )));
                }
            }
            _ => {
                if numerator.is_some() || denominator.is_some() {
                    return Err(origin.error(format!(
                        "indicator '{code}': numerator and denominator apply to ratio and per_capita indicators, not {}",
                        r.class.as_str()
                    )));
                }
            }
        }
        if base.is_some() && r.class != Class::Growth {
            return Err(origin.error(format!(
                "indicator '{code}': base applies to growth indicators only"
            )));
        }
        if let Some(d) = r.decimals {
            if !(-9..=18).contains(&d) {
                return Err(origin.error(format!(
                    "indicator '{code}': decimals {d} is outside -9..18"
                )));
            }
        }
        if let Some(m) = r.multiplier {
            if !(m.is_finite() && m > 0.0) {
                return Err(
                    origin.error(format!("indicator '{code}': multiplier must be positive"))
                );
            }
        }
        out.push(Indicator {
            code,
            name: r.name.trim().to_string(),
            name_en: nonempty(&r.name_en),
            unit,
            class: r.class,
            numerator,
            denominator,
            multiplier: r.multiplier,
            base,
            relation,
            exact: r.exact.unwrap_or(false),
            signed: r.signed.unwrap_or(false),
            decimals: r.decimals,
            min: r.min,
            max: r.max,
            yoy_min: r.yoy_min,
            yoy_max: r.yoy_max,
            levels: r.levels,
            description: nonempty(&r.description),
        });
        origins.push(origin);
    }
    // References between indicators, and the multiplier implied by the units when not given.
    for i in 0..out.len() {
        let ind = out[i].clone();
        let find = |c: &str| out.iter().find(|x| x.code == c);
        for (key, part) in [
            ("numerator", &ind.numerator),
            ("denominator", &ind.denominator),
            ("base", &ind.base),
        ] {
            if let Some(p) = part {
                match find(p) {
                    None => {
                        return Err(origins[i].error(format!(
                            "indicator '{}': {key} '{p}' is not a declared indicator",
                            ind.code
                        )));
                    }
                    Some(x) if x.class != Class::Additive => {
                        return Err(origins[i].error(format!(
                            "indicator '{}': {key} '{p}' must be additive, but it is {}",
                            ind.code,
                            x.class.as_str()
                        )));
                    }
                    Some(_) => {}
                }
            }
        }
        if let (Some(n), Some(d), None) = (&ind.numerator, &ind.denominator, ind.multiplier) {
            let (nu, du, iu) = (
                units.get(&find(n).unwrap().unit).unwrap(),
                units.get(&find(d).unwrap().unit).unwrap(),
                units.get(&ind.unit).unwrap(),
            );
            let implied = nu.factor / (du.factor * iu.factor);
            if ind.class == Class::Ratio && nu.dimension != du.dimension {
                return Err(origins[i].error(format!(
                    "indicator '{}': a ratio of {} to {} has no unit-free value; give a multiplier",
                    ind.code, nu.name, du.name
                )));
            }
            out[i].multiplier = Some(round_sig(implied));
        }
    }
    Ok(out)
}

/// Rounds a product of unit factors to 12 significant digits (1e9 / 1e6 is 1000, not 999.9999999999999).
fn round_sig(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}

// ---------------------------------------------------------------------------------------------------------
// Targets

/// How a target is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    AtLeast,
    AtMost,
    About,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::AtLeast => "at_least",
            Direction::AtMost => "at_most",
            Direction::About => "about",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TargetRow {
    area: String,
    indicator: String,
    year: i32,
    value: f64,
    direction: String,
    tolerance: Option<f64>,
    note: Option<String>,
}

/// A planned value, e.g. the province's 2022 resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub area: String,
    pub indicator: String,
    pub year: i32,
    pub value: f64,
    pub direction: Direction,
    /// For `about`: the relative distance still counted as met (default 0.05).
    pub tolerance: f64,
    pub note: Option<String>,
}

pub(crate) fn build_targets(
    rows: Vec<(Origin, TargetRow)>,
    areas: &[Area],
    indicators: &[Indicator],
) -> Result<Vec<Target>> {
    let mut out: Vec<Target> = Vec::new();
    for (origin, r) in rows {
        let direction = match r.direction.trim() {
            "at_least" | ">=" | ">" => Direction::AtLeast,
            "at_most" | "<=" | "<" => Direction::AtMost,
            "about" | "~" | "=" => Direction::About,
            d => {
                return Err(origin.error(format!(
                    "target direction '{d}' must be at_least, at_most or about"
                )));
            }
        };
        if !areas.is_empty() && !areas.iter().any(|a| a.code == r.area) {
            return Err(origin.error(format!(
                "target for area '{}', which is not a declared area",
                r.area
            )));
        }
        if !indicators.iter().any(|i| i.code == r.indicator) {
            return Err(origin.error(format!(
                "target for indicator '{}', which is not a declared indicator",
                r.indicator
            )));
        }
        if !r.value.is_finite() {
            return Err(origin.error(format!(
                "target value must be a finite number, not {}",
                r.value
            )));
        }
        let tolerance = r.tolerance.unwrap_or(0.05);
        if !(0.0..1.0).contains(&tolerance) {
            return Err(origin.error("target tolerance is a fraction between 0 and 1"));
        }
        if out
            .iter()
            .any(|t| t.area == r.area && t.indicator == r.indicator && t.year == r.year)
        {
            return Err(origin.error(format!(
                "two targets for {} {} {}",
                r.area, r.indicator, r.year
            )));
        }
        out.push(Target {
            area: r.area,
            indicator: r.indicator,
            year: r.year,
            value: r.value,
            direction,
            tolerance,
            note: nonempty(&r.note),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_open_and_close_their_span() {
        assert_eq!(parse_date("2025", false).as_deref(), Some("2025-01-01"));
        assert_eq!(parse_date("2025", true).as_deref(), Some("2025-12-31"));
        assert_eq!(parse_date("2024-02", true).as_deref(), Some("2024-02-29"));
        assert_eq!(
            parse_date("2025-06-30", true).as_deref(),
            Some("2025-06-30")
        );
        assert_eq!(parse_date("2025-02-30", true), None);
        assert_eq!(parse_date("25", true), None);
        assert_eq!(parse_date("2025-13", true), None);
    }
}
