//! The observations and rejects of a load, collected in compact columns and handed to DuckDB as Arrow
//! batches once every file is read (the scale of the exact `value` column is known only then).

use crate::db::Db;
use crate::error::Result;
use crate::number::Number;
use duckdb::arrow::array::{
    ArrayRef, Decimal128Builder, Float64Builder, Int8Builder, Int32Builder, StringBuilder,
};
use duckdb::arrow::datatypes::{DataType, Field, Schema};
use duckdb::arrow::record_batch::RecordBatch;
use std::collections::HashMap;
use std::sync::Arc;

/// Interned strings; id 0 is NULL.
#[derive(Debug, Default)]
pub struct Interner {
    ids: HashMap<String, u32>,
    strings: Vec<String>,
}

impl Interner {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        self.strings.push(s.to_string());
        let i = self.strings.len() as u32;
        self.ids.insert(s.to_string(), i);
        i
    }
    pub fn get(&self, id: u32) -> Option<&str> {
        (id > 0).then(|| self.strings[id as usize - 1].as_str())
    }
}

/// Strings stored end to end.
#[derive(Debug, Default)]
struct Texts {
    data: String,
    ends: Vec<usize>,
}

impl Texts {
    fn push(&mut self, s: &str) {
        self.data.push_str(s);
        self.ends.push(self.data.len());
    }
    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.data[start..self.ends[i]]
    }
}

/// Whether an observation carries a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// A number, converted to the indicator's unit.
    Reported,
    /// A placeholder ("-", "..", blank): the area reported nothing.
    NotReported,
    /// A number in a unit of another dimension than the indicator's (e.g. % for an amount): kept as text only.
    Unconvertible,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Reported => "reported",
            Status::NotReported => "not_reported",
            Status::Unconvertible => "unconvertible",
        }
    }
}

/// One observation, as the loader produces it.
pub struct Obs<'a> {
    pub area: &'a str,
    pub indicator: &'a str,
    pub year: i32,
    pub period: Option<&'a str>,
    pub value: Option<Number>,
    pub text: &'a str,
    pub unit_declared: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub status: Status,
    pub file: u32,
    pub line: Option<u32>,
    pub cell: Option<&'a str>,
    pub column: Option<&'a str>,
}

/// Observations in columns.
#[derive(Debug, Default)]
pub struct Observations {
    names: Interner,
    area: Vec<u32>,
    indicator: Vec<u32>,
    year: Vec<i32>,
    period: Vec<u32>,
    mantissa: Vec<i64>,
    /// Mantissas that do not fit in 64 bits, by row.
    big: HashMap<usize, i128>,
    decimals: Vec<i8>,
    status: Vec<Status>,
    text: Texts,
    unit_declared: Vec<u32>,
    unit: Vec<u32>,
    file: Vec<u32>,
    line: Vec<u32>,
    cell: Vec<u32>,
    column: Vec<u32>,
}

impl Observations {
    pub fn len(&self) -> usize {
        self.area.len()
    }

    pub fn push(&mut self, o: Obs<'_>) {
        let row = self.area.len();
        let id = |names: &mut Interner, s: Option<&str>| s.map_or(0, |s| names.id(s));
        self.area.push(self.names.id(o.area));
        self.indicator.push(self.names.id(o.indicator));
        self.year.push(o.year);
        self.period.push(id(&mut self.names, o.period));
        match o.value {
            Some(n) => {
                match i64::try_from(n.mantissa) {
                    Ok(m) => self.mantissa.push(m),
                    Err(_) => {
                        self.mantissa.push(0);
                        self.big.insert(row, n.mantissa);
                    }
                }
                self.decimals.push(n.decimals.clamp(-60, 60) as i8);
            }
            None => {
                self.mantissa.push(0);
                self.decimals.push(0);
            }
        }
        self.status
            .push(if o.value.is_none() && o.status == Status::Reported {
                Status::NotReported
            } else {
                o.status
            });
        self.text.push(o.text);
        self.unit_declared
            .push(id(&mut self.names, o.unit_declared));
        self.unit.push(id(&mut self.names, o.unit));
        self.file.push(o.file);
        self.line.push(o.line.unwrap_or(0));
        self.cell.push(id(&mut self.names, o.cell));
        self.column.push(id(&mut self.names, o.column));
    }

    fn number(&self, row: usize) -> Option<Number> {
        (self.status[row] == Status::Reported).then(|| Number {
            mantissa: self
                .big
                .get(&row)
                .copied()
                .unwrap_or(self.mantissa[row] as i128),
            decimals: self.decimals[row] as i32,
        })
    }

    /// The SQL type of the exact `value` column: DECIMAL at the largest printed scale, wide enough for every
    /// value; DOUBLE only when no DECIMAL can hold them all exactly.
    pub fn value_type(&self) -> ValueType {
        let rows = || (0..self.len()).filter_map(|r| self.number(r));
        let scale = rows().map(|n| n.decimals).max().unwrap_or(0).max(0);
        let mut width = 18;
        for n in rows() {
            let digits = n.digits() as i32 + (scale - n.decimals);
            if digits > 38 || scale > 38 {
                return ValueType::Double;
            }
            if digits > 18 {
                width = 38;
            }
        }
        ValueType::Decimal {
            width: width as u8,
            scale: scale as i8,
        }
    }
}

/// How `observations.value` is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Decimal { width: u8, scale: i8 },
    Double,
}

impl ValueType {
    pub fn sql(self) -> String {
        match self {
            ValueType::Decimal { width, scale } => format!("DECIMAL({width},{scale})"),
            ValueType::Double => "DOUBLE".to_string(),
        }
    }
    fn arrow(self) -> DataType {
        match self {
            ValueType::Decimal { width, scale } => DataType::Decimal128(width, scale),
            ValueType::Double => DataType::Float64,
        }
    }
}

const BATCH: usize = 65_536;

fn string_array<'a>(
    rows: std::ops::Range<usize>,
    f: impl Fn(usize) -> Option<&'a str>,
) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(rows.len(), rows.len() * 8);
    for r in rows {
        b.append_option(f(r));
    }
    Arc::new(b.finish())
}

/// Appends the observations to the `observations` table, created with `value` of type `vt`.
pub fn append(
    db: &Db,
    obs: &Observations,
    dataset: &str,
    files: &[String],
    vt: ValueType,
) -> Result<()> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("dataset", DataType::Utf8, false),
        Field::new("area", DataType::Utf8, false),
        Field::new("indicator", DataType::Utf8, false),
        Field::new("year", DataType::Int32, false),
        Field::new("period", DataType::Utf8, true),
        Field::new("value", vt.arrow(), true),
        Field::new("value_text", DataType::Utf8, false),
        Field::new("decimals", DataType::Int8, true),
        Field::new("unit_declared", DataType::Utf8, true),
        Field::new("unit", DataType::Utf8, true),
        Field::new("status", DataType::Utf8, false),
        Field::new("file", DataType::Utf8, false),
        Field::new("line", DataType::Int32, true),
        Field::new("cell", DataType::Utf8, true),
        Field::new("source_column", DataType::Utf8, true),
    ]));
    let names = &obs.names;
    let batches = (0..obs.len()).step_by(BATCH).map(|start| {
        let end = (start + BATCH).min(obs.len());
        let n = end - start;
        let value: ArrayRef = match vt {
            ValueType::Decimal { width, scale } => {
                let mut b = Decimal128Builder::with_capacity(n);
                for r in start..end {
                    b.append_option(obs.number(r).map(|v| {
                        v.mantissa_at(scale as i32)
                            .expect("scale covers every value")
                    }));
                }
                Arc::new(
                    b.finish()
                        .with_precision_and_scale(width, scale)
                        .expect("valid decimal type"),
                )
            }
            ValueType::Double => {
                let mut b = Float64Builder::with_capacity(n);
                for r in start..end {
                    b.append_option(obs.number(r).map(Number::to_f64));
                }
                Arc::new(b.finish())
            }
        };
        let mut year = Int32Builder::with_capacity(n);
        let mut decimals = Int8Builder::with_capacity(n);
        let mut line = Int32Builder::with_capacity(n);
        for r in start..end {
            year.append_value(obs.year[r]);
            decimals.append_option((obs.status[r] == Status::Reported).then_some(obs.decimals[r]));
            line.append_option((obs.line[r] > 0).then_some(obs.line[r] as i32));
        }
        let columns: Vec<ArrayRef> = vec![
            string_array(start..end, |_| Some(dataset)),
            string_array(start..end, |r| names.get(obs.area[r])),
            string_array(start..end, |r| names.get(obs.indicator[r])),
            Arc::new(year.finish()),
            string_array(start..end, |r| names.get(obs.period[r])),
            value,
            string_array(start..end, |r| Some(obs.text.get(r))),
            Arc::new(decimals.finish()),
            string_array(start..end, |r| names.get(obs.unit_declared[r])),
            string_array(start..end, |r| names.get(obs.unit[r])),
            string_array(start..end, |r| Some(obs.status[r].as_str())),
            string_array(start..end, |r| Some(files[obs.file[r] as usize].as_str())),
            Arc::new(line.finish()),
            string_array(start..end, |r| names.get(obs.cell[r])),
            string_array(start..end, |r| names.get(obs.column[r])),
        ];
        RecordBatch::try_new(schema.clone(), columns).expect("columns match the schema")
    });
    db.append("observations", batches)
}
