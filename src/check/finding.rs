//! The findings shape: the columns a check query may return, read from its Arrow result.

use duckdb::arrow::array::{Array, ArrayRef, AsArray, ListArray, StructArray};
use duckdb::arrow::datatypes::DataType;
use duckdb::arrow::record_batch::RecordBatch;
use duckdb::arrow::util::display::{ArrayFormatter, FormatOptions};
use serde::Serialize;

/// A number as the check computed it: exact text for display, and a double for ordering and arithmetic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Num {
    pub text: String,
    #[serde(skip)]
    pub value: f64,
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    /// What the value is to the finding: `parent`, `child`, `previous`, `duplicate`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Location {
    /// `file:line` or `file (Sheet!C7)` or `file`.
    pub fn place(&self) -> String {
        match (&self.line, &self.cell) {
            (Some(l), _) => format!("{}:{l}", self.file),
            (None, Some(c)) => format!("{} ({c})", self.file),
            (None, None) => self.file.clone(),
        }
    }
}

/// One failing row of a check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub area: Option<String>,
    /// The area's name, valid in the finding's year.
    pub area_name: Option<String>,
    pub indicator: Option<String>,
    pub year: Option<i32>,
    pub period: Option<String>,
    pub observed: Option<Num>,
    pub expected: Option<Num>,
    pub difference: Option<Num>,
    pub tolerance: Option<Num>,
    /// Which term set the tolerance: `rounding`, `relative` or `absolute`.
    pub tolerance_source: Option<String>,
    /// The previous year's value, for year-on-year findings.
    pub previous: Option<Num>,
    pub message: String,
    pub hint: Option<String>,
    /// The value the finding is about.
    pub location: Option<Location>,
    /// Every other value involved.
    pub related: Vec<Location>,
}

/// The columns a check may return; `message` is required.
pub const COLUMNS: &[&str] = &[
    "area",
    "indicator",
    "year",
    "period",
    "observed",
    "expected",
    "difference",
    "tolerance",
    "tolerance_source",
    "previous",
    "message",
    "hint",
    "file",
    "line",
    "cell",
    "related",
];

/// Whether a value is present (a column of type NULL has no validity buffer but holds only NULLs).
fn valid(a: &ArrayRef, i: usize) -> bool {
    a.logical_nulls().is_none_or(|n| n.is_valid(i))
}

fn text_at(a: &ArrayRef, i: usize) -> Option<String> {
    if !valid(a, i) {
        return None;
    }
    let f = ArrayFormatter::try_new(a.as_ref(), &FormatOptions::default()).ok()?;
    Some(f.value(i).to_string())
}

/// Formats a double without binary noise: up to 12 significant digits, trailing zeros removed.
pub fn tidy(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let digits = 12 - (x.abs().log10().floor() as i32 + 1);
    let s = format!("{:.*}", digits.clamp(0, 15) as usize, x);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn num_at(a: &ArrayRef, i: usize) -> Option<Num> {
    if !valid(a, i) {
        return None;
    }
    match a.data_type() {
        DataType::Float64 => {
            let v = a
                .as_primitive::<duckdb::arrow::datatypes::Float64Type>()
                .value(i);
            Some(Num {
                text: tidy(v),
                value: v,
            })
        }
        DataType::Float32 => {
            let v = a
                .as_primitive::<duckdb::arrow::datatypes::Float32Type>()
                .value(i) as f64;
            Some(Num {
                text: tidy(v),
                value: v,
            })
        }
        _ => {
            let text = text_at(a, i)?;
            let value = text.parse().unwrap_or(f64::NAN);
            // DECIMAL columns print every digit of their scale: 0.3500000000 is 0.35.
            let text = if text.contains('.') && !text.contains(['e', 'E']) {
                text.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                text
            };
            Some(Num { text, value })
        }
    }
}

fn int_at(a: &ArrayRef, i: usize) -> Option<i64> {
    text_at(a, i).and_then(|t| t.parse().ok())
}

fn related_at(a: &ArrayRef, i: usize) -> Vec<Location> {
    if !valid(a, i) {
        return vec![];
    }
    let Some(list) = a.as_any().downcast_ref::<ListArray>() else {
        return vec![];
    };
    let items = list.value(i);
    let Some(st) = items.as_any().downcast_ref::<StructArray>() else {
        return vec![];
    };
    let field = |name: &str| st.column_by_name(name).cloned();
    let (role, area, value, file, line, cell) = (
        field("role"),
        field("area"),
        field("value"),
        field("file"),
        field("line"),
        field("cell"),
    );
    (0..st.len())
        .filter(|&j| st.is_valid(j))
        .filter_map(|j| {
            let file = file.as_ref().and_then(|a| text_at(a, j))?;
            Some(Location {
                role: role.as_ref().and_then(|a| text_at(a, j)),
                area: area.as_ref().and_then(|a| text_at(a, j)),
                value: value.as_ref().and_then(|a| text_at(a, j)),
                file,
                line: line.as_ref().and_then(|a| int_at(a, j)).map(|l| l as u32),
                cell: cell.as_ref().and_then(|a| text_at(a, j)),
            })
        })
        .collect()
}

/// Reads the findings of a check's result. An unknown column or a missing `message` is an error message.
pub fn read(
    schema: &duckdb::arrow::datatypes::Schema,
    batches: &[RecordBatch],
) -> Result<Vec<Finding>, String> {
    for f in schema.fields() {
        if !COLUMNS.contains(&f.name().as_str()) {
            return Err(format!(
                "the query returns a column '{}', which is not part of the findings shape ({})",
                f.name(),
                COLUMNS.join(", ")
            ));
        }
    }
    if schema.field_with_name("message").is_err() {
        return Err("the query returns no 'message' column".to_string());
    }
    if let Ok(f) = schema.field_with_name("related") {
        let ok = matches!(f.data_type(), DataType::List(inner) if matches!(inner.data_type(), DataType::Struct(fields) if fields.iter().any(|x| x.name() == "file")));
        if !ok {
            return Err(
                "'related' must be a list of structs with at least a 'file' field".to_string(),
            );
        }
    }
    let mut out = Vec::new();
    for b in batches {
        let col = |name: &str| b.column_by_name(name).cloned();
        let cols: Vec<Option<ArrayRef>> = COLUMNS.iter().map(|c| col(c)).collect();
        let get = |name: &str| cols[COLUMNS.iter().position(|c| *c == name).unwrap()].as_ref();
        for i in 0..b.num_rows() {
            let text = |n: &str| get(n).and_then(|a| text_at(a, i));
            let num = |n: &str| get(n).and_then(|a| num_at(a, i));
            let file = text("file");
            let location = file.map(|file| Location {
                role: None,
                area: text("area"),
                value: None,
                file,
                line: get("line").and_then(|a| int_at(a, i)).map(|l| l as u32),
                cell: text("cell"),
            });
            out.push(Finding {
                area: text("area"),
                area_name: None,
                indicator: text("indicator"),
                year: get("year").and_then(|a| int_at(a, i)).map(|y| y as i32),
                period: text("period"),
                observed: num("observed"),
                expected: num("expected"),
                difference: num("difference"),
                tolerance: num("tolerance"),
                tolerance_source: text("tolerance_source"),
                previous: num("previous"),
                message: text("message").unwrap_or_else(|| "(no message)".to_string()),
                hint: text("hint"),
                location,
                related: get("related").map(|a| related_at(a, i)).unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn doubles_print_without_binary_noise() {
        assert_eq!(tidy(0.1 + 0.2), "0.3");
        assert_eq!(tidy(2345.0), "2345");
        assert_eq!(tidy(-12.5), "-12.5");
        assert_eq!(tidy(1.0 / 3.0), "0.333333333333");
    }
}
