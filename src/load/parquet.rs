//! Parquet files, read by DuckDB's built-in reader. Typed columns keep their types: an integer or DECIMAL
//! value is exact, a DOUBLE is read as a spreadsheet shows it, text goes through the number parser.

use super::shape::{Cell, FileSink, Loaded, RowLoc, Shape};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::number::Number;
use duckdb::arrow::array::{Array, ArrayRef, AsArray};
use duckdb::arrow::compute::cast;
use duckdb::arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int64Type};

/// A column in the form the cell reader understands.
enum Col {
    Text(ArrayRef),
    Int(ArrayRef),
    Float(ArrayRef),
    Decimal(ArrayRef, i8),
    Bool(ArrayRef),
}

fn column(a: &ArrayRef) -> Col {
    let to = |t: DataType| cast(a, &t).expect("cast between primitive types");
    match a.data_type() {
        DataType::Utf8 => Col::Text(a.clone()),
        DataType::LargeUtf8 | DataType::Utf8View => Col::Text(to(DataType::Utf8)),
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::Int64 => Col::Int(to(DataType::Int64)),
        DataType::Float16 | DataType::Float32 | DataType::Float64 => {
            Col::Float(to(DataType::Float64))
        }
        DataType::Decimal128(_, s) => Col::Decimal(a.clone(), *s),
        DataType::Boolean => Col::Bool(a.clone()),
        // UInt64, dates and anything else: as text.
        _ => Col::Text(cast(a, &DataType::Utf8).unwrap_or_else(|_| a.clone())),
    }
}

fn cell_at(c: &Col, i: usize) -> Cell<'_> {
    match c {
        Col::Text(a) if a.is_valid(i) => match a.as_string_opt::<i32>() {
            Some(s) => Cell::Text(s.value(i)),
            None => Cell::Error("a value of an unsupported type"),
        },
        Col::Int(a) if a.is_valid(i) => Cell::Int(a.as_primitive::<Int64Type>().value(i)),
        Col::Float(a) if a.is_valid(i) => Cell::Float(a.as_primitive::<Float64Type>().value(i)),
        Col::Decimal(a, s) if a.is_valid(i) => Cell::Decimal(Number {
            mantissa: a.as_primitive::<Decimal128Type>().value(i),
            decimals: *s as i32,
        }),
        Col::Bool(a) if a.is_valid(i) => Cell::Bool(a.as_boolean().value(i)),
        _ => Cell::Empty,
    }
}

pub fn read(db: &Db, mut sink: FileSink<'_>) -> Result<Loaded> {
    let spec = sink.spec;
    let path = &spec.abs;
    let read = |source| Error::Read {
        path: path.clone(),
        source,
    };
    let mut file = crate::input::open_regular(path).map_err(read)?;
    let mut hasher = blake3::Hasher::new();
    std::io::copy(&mut file, &mut hasher).map_err(read)?;
    sink.stats.blake3 = hasher.finalize().to_hex().to_string();
    let engine = engine_path(&file, path)?;
    let table = db
        .query("SELECT * FROM read_parquet(?)", &[engine.clone().into()])
        .map_err(|e| {
            // DuckDB names the file by the path it was given.
            let e = e.to_string().replace(&engine, &path.display().to_string());
            Error::input(path, None, format!("cannot read as Parquet: {e}"))
        })?;
    drop(file);
    let header: Vec<String> = table
        .schema
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let shape = Shape::new(spec, &header).map_err(|m| Error::input(path, None, m))?;
    let mut row = 0u32;
    for batch in &table.batches {
        let cols: Vec<Col> = batch.columns().iter().map(column).collect();
        let mut cells: Vec<Cell<'_>> = Vec::with_capacity(header.len());
        for i in 0..batch.num_rows() {
            row += 1;
            cells.clear();
            cells.extend(cols.iter().map(|c| cell_at(c, i)));
            sink.row(&shape, &header, RowLoc::Row(row), &cells);
        }
    }
    Ok(sink.finish(Some(&shape)))
}

/// The path DuckDB reads the open file by. DuckDB takes `*`, `?` and `[` in a path as a pattern (the file
/// `pq[1]/data.parquet` would be read from `pq1/`), and opens the path again after statlint hashed the file.
/// `/proc/self/fd/N` has neither problem: it is the file already open, whatever its name. Without `/proc`, a
/// path with those characters is refused rather than read as a pattern.
fn engine_path(file: &std::fs::File, path: &std::path::Path) -> Result<String> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::io::AsRawFd;
        let by_handle = format!("/proc/self/fd/{}", file.as_raw_fd());
        if let (Ok(a), Ok(b)) = (std::fs::metadata(&by_handle), file.metadata())
            && a.dev() == b.dev()
            && a.ino() == b.ino()
        {
            return Ok(by_handle);
        }
    }
    let _ = file;
    let text = path.display().to_string();
    if text.contains(['*', '?', '[']) {
        return Err(Error::input(
            path,
            None,
            "DuckDB would read this path as a pattern ('*', '?' or '['); rename the file or its folder",
        ));
    }
    Ok(text)
}
