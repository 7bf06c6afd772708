//! The manifest's reference tables, written beside the observations.

use super::{joined, opt};
use crate::db::Db;
use crate::error::Result;
use crate::manifest::Dataset;
use duckdb::types::Value;

const LIST: &str = "list_filter(string_split(?, chr(31)), lambda x: x <> '')";

pub fn insert(db: &Db, ds: &Dataset) -> Result<()> {
    db.execute(
        "INSERT INTO dataset VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            ds.name.clone().into(),
            opt(ds.title.clone()),
            opt(ds.description.clone()),
            opt(ds.years.map(|y| y.0)),
            opt(ds.years.map(|y| y.1)),
            ds.reference_date.as_str().to_string().into(),
            ds.manifest_path.display().to_string().into(),
            env!("CARGO_PKG_VERSION").to_string().into(),
        ],
        "cannot record the dataset",
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

    for i in &ds.indicators {
        db.execute(
            &format!("INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {LIST}, ?)"),
            &[
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
            ],
            "cannot load the indicators",
        )?;
    }

    for u in ds.units.units() {
        db.execute(
            &format!("INSERT INTO units VALUES (?, ?, ?, ?, ?, {LIST})"),
            &[
                u.code.clone().into(),
                u.name.clone().into(),
                opt((!u.name_en.is_empty()).then(|| u.name_en.clone())),
                u.dimension.clone().into(),
                u.factor.into(),
                joined(&u.aliases),
            ],
            "cannot load the units",
        )?;
    }

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
