//! The manifest's reference tables, written beside the observations.

use super::{joined, opt};
use crate::db::Db;
use crate::error::Result;
use crate::manifest::Dataset;
use duckdb::types::Value;

pub fn insert(db: &Db, ds: &Dataset) -> Result<()> {
    db.append_rows(
        "dataset",
        &[vec![
            ds.name.clone().into(),
            opt(ds.title.clone()),
            opt(ds.description.clone()),
            opt(ds.years.map(|y| y.0)),
            opt(ds.years.map(|y| y.1)),
            ds.reference_date.as_str().to_string().into(),
            ds.manifest_path.display().to_string().into(),
            env!("CARGO_PKG_VERSION").to_string().into(),
        ]],
    )?;

    let areas: Vec<Vec<Value>> = ds
        .areas
        .iter()
        .map(|a| {
            vec![
                a.code.clone().into(),
                a.name.clone().into(),
                a.level.clone().into(),
                opt(a.parent.clone()),
                opt(a.valid_from.clone()),
                opt(a.valid_to.clone()),
            ]
        })
        .collect();
    // Dates arrive as text; the appender casts them to DATE.
    db.batch("CREATE TEMP TABLE areas_text (code VARCHAR, name VARCHAR, level VARCHAR, parent VARCHAR, valid_from VARCHAR, valid_to VARCHAR)", "areas")?;
    db.append_rows("areas_text", &areas)?;
    db.batch(
        "INSERT INTO areas SELECT code, name, level, parent, CAST(valid_from AS DATE), CAST(valid_to AS DATE) FROM areas_text; DROP TABLE areas_text;",
        "cannot load the areas",
    )?;

    let indicators: Vec<Vec<Value>> = ds
        .indicators
        .iter()
        .map(|i| {
            vec![
                i.code.clone().into(),
                i.name.clone().into(),
                opt(i.name_en.clone()),
                i.unit.clone().into(),
                i.class.as_str().to_string().into(),
                opt(i.numerator.clone()),
                opt(i.denominator.clone()),
                opt(i.multiplier),
                opt(i.base.clone()),
                i.relation.as_str().to_string().into(),
                i.exact.into(),
                i.signed.into(),
                opt(i.decimals),
                opt(i.min),
                opt(i.max),
                opt(i.yoy_min),
                opt(i.yoy_max),
                joined(&i.levels),
                opt(i.description.clone()),
            ]
        })
        .collect();
    with_list(db, "indicators", "levels", &indicators)?;

    let units: Vec<Vec<Value>> = ds
        .units
        .units()
        .iter()
        .map(|u| {
            vec![
                u.code.clone().into(),
                u.name.clone().into(),
                opt((!u.name_en.is_empty()).then(|| u.name_en.clone())),
                u.dimension.clone().into(),
                u.factor.into(),
                joined(&u.aliases),
            ]
        })
        .collect();
    with_list(db, "units", "aliases", &units)?;

    let targets: Vec<Vec<Value>> = ds
        .targets
        .iter()
        .map(|t| {
            vec![
                t.area.clone().into(),
                t.indicator.clone().into(),
                t.year.into(),
                t.value.into(),
                t.direction.as_str().to_string().into(),
                t.tolerance.into(),
                opt(t.note.clone()),
            ]
        })
        .collect();
    db.append_rows("targets", &targets)
}

/// Appends rows to a table with one list column, which arrives as its items joined by U+001F: through a
/// temporary table of the same shape with text in that column, in one statement rather than one per row.
pub(super) fn with_list(db: &Db, table: &str, list: &str, rows: &[Vec<Value>]) -> Result<()> {
    let context = format!("cannot load the {table}");
    db.batch(
        &format!(
            "CREATE TEMP TABLE {table}_in AS SELECT * REPLACE (CAST(NULL AS VARCHAR) AS {list}) FROM {table} LIMIT 0"
        ),
        &context,
    )?;
    db.append_rows(&format!("{table}_in"), rows)?;
    db.batch(
        &format!(
            "INSERT INTO {table} SELECT * REPLACE (list_filter(string_split({list}, chr(31)), lambda x: x <> '') AS {list}) FROM {table}_in; DROP TABLE {table}_in;"
        ),
        &context,
    )
}
