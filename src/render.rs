//! Printing query results: an aligned table, CSV, JSON or Markdown. Text from data cells is printed with
//! control characters escaped, so a cell cannot move the cursor or fake a line of output.

use crate::cli::OutputFormat;
use crate::db::Table;
use duckdb::arrow::array::{Array, ArrayRef};
use duckdb::arrow::datatypes::DataType;
use duckdb::arrow::util::display::{ArrayFormatter, FormatOptions};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// One cell of a result, as text, with whether it is a number (right-aligned, unquoted in JSON).
struct Value {
    text: Option<String>,
    numeric: bool,
}

fn is_numeric(t: &DataType) -> bool {
    t.is_numeric()
}

fn columns(table: &Table) -> Vec<(String, DataType)> {
    table
        .schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect()
}

/// The rows of a result as text cells.
fn rows(table: &Table) -> Vec<Vec<Value>> {
    let opts = FormatOptions::default().with_null("");
    let mut out = Vec::with_capacity(table.num_rows());
    for b in &table.batches {
        let arrays: Vec<&ArrayRef> = b.columns().iter().collect();
        let fmts: Vec<Option<ArrayFormatter<'_>>> = arrays
            .iter()
            .map(|a| ArrayFormatter::try_new(a.as_ref(), &opts).ok())
            .collect();
        for r in 0..b.num_rows() {
            out.push(
                arrays
                    .iter()
                    .zip(&fmts)
                    .map(|(a, f)| Value {
                        text: a.is_valid(r).then(|| {
                            f.as_ref()
                                .map_or_else(|| "?".to_string(), |f| f.value(r).to_string())
                        }),
                        numeric: is_numeric(a.data_type()),
                    })
                    .collect(),
            );
        }
    }
    out
}

pub use crate::text::escape_controls;

/// Longest cell text printed in a terminal table.
const MAX_CELL: usize = 60;

fn clip(s: &str) -> String {
    let s = escape_controls(s);
    if s.width() <= MAX_CELL {
        return s.into_owned();
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.width() + 1 >= MAX_CELL {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

pub fn write(table: &Table, format: OutputFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        OutputFormat::Table => write_table(table, out),
        OutputFormat::Csv => write_csv(table, out),
        OutputFormat::Json => write_json(table, out),
        OutputFormat::Markdown => write_markdown(table, out),
    }
}

fn write_table(table: &Table, out: &mut dyn Write) -> io::Result<()> {
    let cols = columns(table);
    let rows = rows(table);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|v| v.text.as_deref().map_or_else(|| "NULL".to_string(), clip))
                .collect()
        })
        .collect();
    let heads: Vec<String> = cols.iter().map(|(n, _)| clip(n)).collect();
    let widths: Vec<usize> = (0..cols.len())
        .map(|i| {
            cells
                .iter()
                .map(|r| r[i].width())
                .chain([heads[i].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule = |l: &str, m: &str, r: &str| -> String {
        let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        format!("{l}{}{r}", parts.join(m))
    };
    let line = |cells: &[String], right: &[bool]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .zip(right)
            .map(|((c, w), r)| {
                let pad = " ".repeat(w - c.width());
                if *r {
                    format!(" {pad}{c} ")
                } else {
                    format!(" {c}{pad} ")
                }
            })
            .collect();
        format!("│{}│", parts.join("│"))
    };
    if cols.is_empty() {
        return writeln!(out, "(no columns)");
    }
    writeln!(out, "{}", rule("┌", "┬", "┐"))?;
    writeln!(out, "{}", line(&heads, &vec![false; cols.len()]))?;
    writeln!(out, "{}", rule("├", "┼", "┤"))?;
    let right: Vec<bool> = cols.iter().map(|(_, t)| is_numeric(t)).collect();
    for r in &cells {
        writeln!(out, "{}", line(r, &right))?;
    }
    writeln!(out, "{}", rule("└", "┴", "┘"))?;
    let n = cells.len();
    writeln!(out, "{n} row{}", if n == 1 { "" } else { "s" })
}

/// The I/O error inside a CSV writer error, so a closed pipe stays recognisable.
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn write_csv(table: &Table, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let cols = columns(table);
    w.write_record(cols.iter().map(|(n, _)| n.as_str()))
        .map_err(csv_io)?;
    for r in rows(table) {
        w.write_record(r.iter().map(|v| v.text.as_deref().unwrap_or("")))
            .map_err(csv_io)?;
    }
    w.flush()
}

fn write_json(table: &Table, out: &mut dyn Write) -> io::Result<()> {
    let cols = columns(table);
    let rows = rows(table);
    writeln!(out, "[")?;
    for (i, r) in rows.iter().enumerate() {
        let fields: Vec<String> = cols
            .iter()
            .zip(r)
            .map(|((name, t), v)| {
                let value = match (&v.text, t) {
                    (None, _) => "null".to_string(),
                    (Some(s), DataType::Boolean) => s.clone(),
                    // Numbers are written as their exact decimal text; NaN and infinities are not JSON numbers.
                    (Some(s), _) if v.numeric && s.parse::<f64>().is_ok_and(f64::is_finite) => {
                        s.clone()
                    }
                    (Some(s), _) => serde_json::to_string(s).expect("strings serialise"),
                };
                format!(
                    "{}: {value}",
                    serde_json::to_string(name).expect("strings serialise")
                )
            })
            .collect();
        writeln!(
            out,
            "  {{{}}}{}",
            fields.join(", "),
            if i + 1 < rows.len() { "," } else { "" }
        )?;
    }
    writeln!(out, "]")
}

/// Escapes text for a Markdown table cell.
pub fn markdown_cell(s: &str) -> String {
    escape_controls(s)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn write_markdown(table: &Table, out: &mut dyn Write) -> io::Result<()> {
    let cols = columns(table);
    writeln!(
        out,
        "| {} |",
        cols.iter()
            .map(|(n, _)| markdown_cell(n))
            .collect::<Vec<_>>()
            .join(" | ")
    )?;
    writeln!(
        out,
        "|{}|",
        cols.iter()
            .map(|(_, t)| if is_numeric(t) { "---:" } else { "---" })
            .collect::<Vec<_>>()
            .join("|")
    )?;
    for r in rows(table) {
        writeln!(
            out,
            "| {} |",
            r.iter()
                .map(|v| v.text.as_deref().map_or(String::new(), markdown_cell))
                .collect::<Vec<_>>()
                .join(" | ")
        )?;
    }
    Ok(())
}
