//! Spreadsheets (xlsx, xlsm, xls, xlsb, ods) through calamine: one sheet, an optional cell range, cells with
//! their addresses.

use super::shape::{Cell, FileSink, Loaded, RowLoc, Shape};
use crate::error::{Error, Place, Result};
use crate::manifest::{CellRef, column_name};
use calamine::{Data, Reader};

fn cell(d: Option<&Data>) -> Cell<'_> {
    match d {
        None | Some(Data::Empty) => Cell::Empty,
        Some(Data::String(s)) => Cell::Text(s),
        Some(Data::Float(f)) => Cell::Float(*f),
        Some(Data::Int(i)) => Cell::Int(*i),
        Some(Data::Bool(b)) => Cell::Bool(*b),
        Some(Data::DateTime(_)) => Cell::Error("a date"),
        Some(Data::DateTimeIso(s)) | Some(Data::DurationIso(s)) => Cell::Text(s),
        Some(Data::Error(e)) => Cell::Error(match e {
            calamine::CellErrorType::Div0 => "#DIV/0!",
            calamine::CellErrorType::NA => "#N/A",
            calamine::CellErrorType::Name => "#NAME?",
            calamine::CellErrorType::Null => "#NULL!",
            calamine::CellErrorType::Num => "#NUM!",
            calamine::CellErrorType::Ref => "#REF!",
            calamine::CellErrorType::Value => "#VALUE!",
            calamine::CellErrorType::GettingData => "#DATA!",
        }),
    }
}

pub fn read(mut sink: FileSink<'_>) -> Result<Loaded> {
    let spec = sink.spec;
    let path = &spec.abs;
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    sink.stats.blake3 = blake3::hash(&bytes).to_hex().to_string();
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| Error::input(path, None, format!("cannot read as a spreadsheet: {e}")))?;
    let names = wb.sheet_names();
    let sheet = match &spec.sheet {
        Some(s) => names.iter().find(|n| *n == s).cloned().ok_or_else(|| {
            Error::input(
                path,
                None,
                format!(
                    "no sheet '{s}'; the workbook has {}",
                    names
                        .iter()
                        .map(|n| format!("'{n}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Error::input(path, None, "the workbook has no sheets"))?,
    };
    sink.stats.sheet = Some(sheet.clone());
    let range = wb.worksheet_range(&sheet).map_err(|e| {
        Error::input(
            path,
            Some(Place::Cell(sheet.clone())),
            format!("cannot read the sheet: {e}"),
        )
    })?;
    let place = |c: CellRef| Place::Cell(format!("{}!{c}", super::shape::sheet_ref(&sheet)));

    let Some((_, used_end_col)) = range.end() else {
        return Err(Error::input(
            path,
            Some(Place::Cell(sheet.clone())),
            "the sheet is empty",
        ));
    };
    let used_end_row = range.end().map_or(0, |e| e.0);
    let (first_row, first_col) = match spec.range {
        Some(r) => (r.start.row, r.start.col),
        None => (spec.header_row - 1, range.start().map_or(0, |s| s.1)),
    };
    let last_col = spec.range.and_then(|r| r.end_col).unwrap_or(used_end_col);
    let last_row = spec.range.and_then(|r| r.end_row).unwrap_or(used_end_row);

    if let Some(c) = spec.unit_cell {
        match cell(range.get_value((c.row, c.col))) {
            Cell::Text(t) if !t.trim().is_empty() => sink.unit_text = Some(t.trim().to_string()),
            _ => {
                return Err(Error::input(
                    path,
                    Some(place(c)),
                    "the unit cell holds no text",
                ));
            }
        }
    }

    let width = (last_col + 1).saturating_sub(first_col) as usize;
    let row_cells = |r: u32| -> Vec<Cell<'_>> {
        (first_col..=last_col)
            .map(|c| cell(range.get_value((r, c))))
            .collect()
    };
    let (header, data_start): (Vec<String>, u32) = if spec.header {
        let h = row_cells(first_row)
            .iter()
            .map(|c| c.text().into_owned())
            .collect();
        (h, first_row + 1)
    } else {
        (
            (0..width as u32)
                .map(|i| column_name(first_col + i))
                .collect(),
            first_row,
        )
    };
    let header_place = place(CellRef {
        row: first_row,
        col: first_col,
    });
    let shape = Shape::new(spec, &header).map_err(|m| Error::input(path, Some(header_place), m))?;
    for r in data_start..=last_row {
        let cells = row_cells(r);
        sink.row(
            &shape,
            &header,
            RowLoc::Sheet {
                name: &sheet,
                row: r,
                col0: first_col,
            },
            &cells,
        );
    }
    Ok(sink.finish(Some(&shape)))
}
