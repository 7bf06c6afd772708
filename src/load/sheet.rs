//! Spreadsheets (xlsx, xlsm, xls, xlsb, ods) through calamine: one sheet, an optional cell range, cells with
//! their addresses.

use super::shape::{Cell, FileSink, Loaded, RowLoc, Shape};
use crate::error::{Error, Place, Result};
use crate::manifest::{CellRef, column_name};
use calamine::{Data, DataRef, Reader, Sheets};
use std::collections::BTreeMap;

/// The most non-empty cells read from one sheet (a table of 250 000 rows by 20 columns).
pub const MAX_CELLS: usize = 5_000_000;
/// The most text read from one sheet's cells: one long shared string that hundreds of cells point to would
/// otherwise be copied into each of them.
pub const MAX_TEXT: usize = 256 << 20;
/// The most a spreadsheet's zip archive may unpack to, by the sizes it declares.
pub const MAX_UNZIPPED: u64 = 1 << 30;
/// The highest compression ratio of a large member (over 16 MiB) of the archive: deflate reaches about 1000
/// only on runs of one byte, which is what a zip bomb is made of; real sheets compress 5 to 50 times.
pub const MAX_RATIO: u64 = 250;
const LARGE_MEMBER: u64 = 16 << 20;

/// The non-empty cells of a sheet by row, each row's cells in column order; only what is there is kept, so a
/// used range that claims a million rows costs nothing.
struct Grid {
    rows: BTreeMap<u32, Vec<(u32, Data)>>,
    start: (u32, u32),
    end: (u32, u32),
    cells: usize,
    text: usize,
}

impl Grid {
    fn new() -> Grid {
        Grid {
            rows: BTreeMap::new(),
            start: (u32::MAX, u32::MAX),
            end: (0, 0),
            cells: 0,
            text: 0,
        }
    }

    /// Counts a cell's text before it is copied; false when the sheet holds more than [`MAX_TEXT`].
    fn room_for(&mut self, d: &DataRef<'_>) -> bool {
        self.text += match d {
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
            DataRef::SharedString(s) => s.len(),
            _ => 0,
        };
        self.text <= MAX_TEXT
    }

    /// Adds a cell; false when the sheet has more than [`MAX_CELLS`].
    fn push(&mut self, (r, c): (u32, u32), d: Data) -> bool {
        if matches!(d, Data::Empty) {
            return true;
        }
        self.cells += 1;
        if self.cells > MAX_CELLS {
            return false;
        }
        self.start = (self.start.0.min(r), self.start.1.min(c));
        self.end = (self.end.0.max(r), self.end.1.max(c));
        self.rows.entry(r).or_default().push((c, d));
        true
    }

    fn sort(&mut self) {
        for row in self.rows.values_mut() {
            row.sort_by_key(|(c, _)| *c);
        }
    }

    fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn get(&self, (r, c): (u32, u32)) -> Option<&Data> {
        let row = self.rows.get(&r)?;
        row.binary_search_by_key(&c, |(c, _)| *c)
            .ok()
            .map(|i| &row[i].1)
    }
}

fn too_much_text(path: &std::path::Path, sheet: &str) -> Error {
    Error::input(
        path,
        Some(Place::Cell(sheet.to_string())),
        format!(
            "the sheet's cells hold more than {} MiB of text, the most statlint reads from one sheet (a long text repeated in many cells counts each time)",
            MAX_TEXT >> 20
        ),
    )
}

fn too_many_cells(path: &std::path::Path, sheet: &str) -> Error {
    Error::input(
        path,
        Some(Place::Cell(sheet.to_string())),
        format!(
            "the sheet has more than {MAX_CELLS} non-empty cells, the most statlint reads from one sheet; split it, or save it as CSV"
        ),
    )
}

/// Reads one sheet's cells. xlsx and xlsb sheets are read cell by cell, stopping at [`MAX_CELLS`]; the other
/// formats come whole from calamine.
fn read_grid(
    wb: &mut Sheets<std::io::Cursor<Vec<u8>>>,
    sheet: &str,
    path: &std::path::Path,
) -> Result<Grid> {
    let fail = |e: String| {
        Error::input(
            path,
            Some(Place::Cell(sheet.to_string())),
            format!("cannot read the sheet: {e}"),
        )
    };
    let mut grid = Grid::new();
    match wb {
        Sheets::Xlsx(x) => {
            let mut cells = x
                .worksheet_cells_reader(sheet)
                .map_err(|e| fail(e.to_string()))?;
            while let Some(c) = cells.next_cell().map_err(|e| fail(e.to_string()))? {
                if !grid.room_for(c.get_value()) {
                    return Err(too_much_text(path, sheet));
                }
                if !grid.push(c.get_position(), c.get_value().clone().into()) {
                    return Err(too_many_cells(path, sheet));
                }
            }
        }
        Sheets::Xlsb(x) => {
            let mut cells = x
                .worksheet_cells_reader(sheet)
                .map_err(|e| fail(e.to_string()))?;
            while let Some(c) = cells.next_cell().map_err(|e| fail(e.to_string()))? {
                if !grid.room_for(c.get_value()) {
                    return Err(too_much_text(path, sheet));
                }
                if !grid.push(c.get_position(), c.get_value().clone().into()) {
                    return Err(too_many_cells(path, sheet));
                }
            }
        }
        other => {
            let range = other
                .worksheet_range(sheet)
                .map_err(|e| fail(e.to_string()))?;
            for (r, c, d) in range.used_cells() {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                if !grid.push((r0 + r as u32, c0 + c as u32), d.clone()) {
                    return Err(too_many_cells(path, sheet));
                }
            }
        }
    }
    grid.sort();
    Ok(grid)
}

/// Refuses an OpenDocument spreadsheet whose `content.xml` is not well-formed XML. calamine 0.38 reads a
/// table until its end tag and never stops when the file ends first (found by the `sheet` fuzz target); in
/// well-formed XML every table ends. Also refuses, before calamine unpacks them, sheets whose repeated
/// cells (`number-columns-repeated` within `number-rows-repeated`) stand for more than [`MAX_CELLS`]
/// cells with a value, or more than [`MAX_TEXT`] of text: calamine copies each repetition, all sheets at once.
fn ods_guard(bytes: &[u8], path: &std::path::Path) -> Result<()> {
    use quick_xml::events::Event;
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let repeats = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> u64 {
        e.try_get_attribute(name)
            .ok()
            .flatten()
            .and_then(|a| a.value.trim().parse().ok())
            .unwrap_or(1)
    };
    // Per sheet: the repetitions of the current row, the current cell's, and what the cells stand for.
    let (mut sheet, mut row, mut cell) = (String::new(), 1u64, 0u64);
    let (mut cells, mut text) = (0u64, 0u64);
    loop {
        let bad = |m: String| {
            Error::input(
                path,
                None,
                format!("cannot read as a spreadsheet: its content.xml is damaged: {m}"),
            )
        };
        let event = reader.read_event_into(&mut buf);
        match &event {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.name().as_ref() {
                "table:table" => {
                    sheet = e
                        .try_get_attribute("table:name")
                        .ok()
                        .flatten()
                        .map(|a| a.value.into_owned())
                        .unwrap_or_default();
                    (cells, text) = (0, 0);
                }
                "table:table-row" => row = repeats(e, "table:number-rows-repeated"),
                "table:table-cell" | "table:covered-table-cell" => {
                    let n = row.saturating_mul(repeats(e, "table:number-columns-repeated"));
                    let valued = e
                        .try_get_attribute("office:value-type")
                        .ok()
                        .flatten()
                        .is_some();
                    cell = if matches!(event, Ok(Event::Start(_))) {
                        n
                    } else {
                        0
                    };
                    if valued {
                        cells = cells.saturating_add(n);
                    }
                }
                _ => {}
            },
            Ok(Event::End(e))
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                cell = 0
            }
            Ok(Event::Text(t)) if cell > 0 => {
                text = text.saturating_add(cell.saturating_mul(t.len() as u64));
            }
            _ => {}
        }
        if cells > MAX_CELLS as u64 {
            return Err(too_many_cells(path, &sheet));
        }
        if text > MAX_TEXT as u64 {
            return Err(too_much_text(path, &sheet));
        }
        match event {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) if depth > 0 => {
                return Err(bad(format!("{depth} elements are not closed")));
            }
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(bad(e.to_string())),
        }
        buf.clear();
    }
}

/// Refuses a zip archive (xlsx, xlsb, ods) that would unpack to more than [`MAX_UNZIPPED`], or with a large
/// member compressed more than [`MAX_RATIO`] times, by the sizes in its central directory, before anything is
/// unpacked. An archive whose directory cannot be read is left to calamine, which says what is wrong.
fn zip_guard(bytes: &[u8], path: &std::path::Path) -> Result<()> {
    let Some(members) = zip_members(bytes) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for (name, compressed, size) in &members {
        total = total.saturating_add(*size);
        if *size > LARGE_MEMBER && *size / (*compressed).max(1) > MAX_RATIO {
            return Err(Error::input(
                path,
                None,
                format!(
                    "refused as a zip bomb: its member '{name}' is {compressed} bytes that unpack to {size} bytes, {} times as many (a spreadsheet compresses at most about {MAX_RATIO} times)",
                    size / (*compressed).max(1)
                ),
            ));
        }
    }
    if total > MAX_UNZIPPED {
        return Err(Error::input(
            path,
            None,
            format!(
                "refused: the file's {} zip members would unpack to {total} bytes, more than the {MAX_UNZIPPED} bytes (1 GiB) statlint unpacks from a spreadsheet",
                members.len()
            ),
        ));
    }
    Ok(())
}

/// Name, compressed and uncompressed size of each member of a zip archive, from its central directory
/// (zip64 sizes included); `None` when the bytes are not a zip archive with a readable directory.
fn zip_members(b: &[u8]) -> Option<Vec<(String, u64, u64)>> {
    let u16_at = |i: usize| -> Option<u64> {
        Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?) as u64)
    };
    let u32_at = |i: usize| -> Option<u64> {
        Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?) as u64)
    };
    let u64_at =
        |i: usize| -> Option<u64> { u64::from_le_bytes(b.get(i..i + 8)?.try_into().ok()?).into() };
    if !b.starts_with(b"PK\x03\x04") {
        return None;
    }
    let from = b.len().saturating_sub(22 + 65535);
    let eocd = (from..=b.len().checked_sub(22)?)
        .rev()
        .find(|&i| b[i..i + 4] == *b"PK\x05\x06")?;
    let (mut entries, mut offset) = (u16_at(eocd + 10)?, u32_at(eocd + 16)?);
    if entries == 0xFFFF || offset == 0xFFFF_FFFF {
        let loc = eocd.checked_sub(20)?;
        if b.get(loc..loc + 4)? != b"PK\x06\x07" {
            return None;
        }
        let z = usize::try_from(u64_at(loc + 8)?).ok()?;
        if b.get(z..z + 4)? != b"PK\x06\x06" {
            return None;
        }
        entries = u64_at(z + 32)?;
        offset = u64_at(z + 48)?;
    }
    let mut at = usize::try_from(offset).ok()?;
    let mut out = Vec::new();
    for _ in 0..entries.min(1 << 20) {
        if b.get(at..at + 4)? != b"PK\x01\x02" {
            return None;
        }
        let (mut compressed, mut size) = (u32_at(at + 20)?, u32_at(at + 24)?);
        let (name_len, extra_len, comment_len) = (
            u16_at(at + 28)? as usize,
            u16_at(at + 30)? as usize,
            u16_at(at + 32)? as usize,
        );
        let name = String::from_utf8_lossy(b.get(at + 46..at + 46 + name_len)?).into_owned();
        // The zip64 extra field holds the sizes that do not fit in 32 bits, uncompressed first.
        let mut e = at + 46 + name_len;
        let extra_end = e + extra_len;
        while e + 4 <= extra_end {
            let (id, len) = (u16_at(e)?, u16_at(e + 2)? as usize);
            if id == 1 {
                let mut f = e + 4;
                if size == 0xFFFF_FFFF {
                    size = u64_at(f)?;
                    f += 8;
                }
                if compressed == 0xFFFF_FFFF {
                    compressed = u64_at(f)?;
                }
            }
            e += 4 + len;
        }
        out.push((name, compressed, size));
        at = extra_end + comment_len;
    }
    Some(out)
}

/// What a file that is not a spreadsheet starts with, for the error message.
fn not_a_spreadsheet(bytes: &[u8]) -> Option<String> {
    const MAGIC: [&[u8]; 2] = [b"PK\x03\x04", b"\xD0\xCF\x11\xE0"];
    if bytes.is_empty() {
        return Some("the file is empty".to_string());
    }
    if MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return None;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(60)]);
    let line = head.lines().next().unwrap_or("").trim();
    let text = bytes[..bytes.len().min(512)]
        .iter()
        .all(|b| !b.is_ascii_control() || b.is_ascii_whitespace());
    Some(if text {
        format!(
            "this is not a spreadsheet but text starting '{line}'; if it is CSV, set format = \"csv\""
        )
    } else {
        "this is not a spreadsheet (it is neither a zip archive nor an Excel 97-2003 file)"
            .to_string()
    })
}

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

#[cfg(feature = "engine")]
pub fn read(sink: FileSink<'_>) -> Result<Loaded> {
    let path = &sink.spec.abs;
    let bytes = crate::input::read_regular(path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    read_bytes(sink, bytes)
}

/// [`read`] on the file's bytes.
pub fn read_bytes(mut sink: FileSink<'_>, bytes: Vec<u8>) -> Result<Loaded> {
    let spec = sink.spec;
    let path = &spec.abs;
    sink.stats.blake3 = blake3::hash(&bytes).to_hex().to_string();
    if let Some(m) = not_a_spreadsheet(&bytes) {
        return Err(Error::input(path, None, m));
    }
    if bytes.starts_with(b"PK\x03\x04") && zip_members(&bytes).is_none() {
        return Err(Error::input(
            path,
            None,
            format!(
                "the spreadsheet's zip archive has no readable directory at its end: the file ({} bytes) is damaged or was cut off in transfer",
                bytes.len()
            ),
        ));
    }
    zip_guard(&bytes, path)?;
    ods_guard(&bytes, path)?;
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| Error::input(path, None, format!("cannot read as a spreadsheet: {e}")))?;
    let names = wb.sheet_names();
    let hidden: Vec<String> = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible != calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
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
        // The first sheet a person sees: hidden sheets are skipped.
        None => names
            .iter()
            .find(|n| !hidden.contains(n))
            .cloned()
            .ok_or_else(|| {
                Error::input(
                    path,
                    None,
                    if names.is_empty() {
                        "the workbook has no sheets".to_string()
                    } else {
                        format!(
                            "every sheet of the workbook is hidden ({}); name the one to read with sheet = \"...\"",
                            names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
                        )
                    },
                )
            })?,
    };
    sink.stats.sheet = Some(sheet.clone());
    if hidden.contains(&sheet) {
        sink.stats
            .notes
            .push(format!("sheet '{sheet}' is hidden in the workbook"));
    } else if spec.sheet.is_none() && names.first() != Some(&sheet) {
        sink.stats.notes.push(format!(
            "hidden sheet{} not read: {}",
            if hidden.len() == 1 { "" } else { "s" },
            hidden
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let range = read_grid(&mut wb, &sheet, path)?;
    if let Sheets::Xlsx(x) = &mut wb {
        if let Ok(merged) = x.merge_cells_by_sheet_name(&sheet) {
            let shown: Vec<String> = merged
                .iter()
                .take(5)
                .map(|d| {
                    let at = |(row, col)| CellRef { row, col }.to_string();
                    format!("{}:{}", at(d.start), at(d.end))
                })
                .collect();
            if !shown.is_empty() {
                sink.stats.notes.push(format!(
                    "merged cells {}{}: only the first cell of each holds a value, the others are read as empty",
                    shown.join(", "),
                    if merged.len() > 5 { ", ..." } else { "" }
                ));
            }
        }
    }
    if let Sheets::Xlsx(x) = &mut wb {
        if let Ok(mut cells) = x.worksheet_cells_reader(&sheet) {
            let mut formulas: Vec<String> = Vec::new();
            let mut n = 0usize;
            while let Ok(Some(c)) = cells.next_formula() {
                if !c.get_value().is_empty() {
                    n += 1;
                    if formulas.len() < 5 {
                        let (row, col) = c.get_position();
                        formulas.push(CellRef { row, col }.to_string());
                    }
                }
            }
            if n > 0 {
                sink.stats.notes.push(format!(
                    "{n} cell{} hold{} formulas ({}{}): their values are the results saved with the file, which a file written by a program and never opened in Excel may not have",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "s" } else { "" },
                    formulas.join(", "),
                    if n > 5 { ", ..." } else { "" }
                ));
            }
        }
    }
    let place = |c: CellRef| Place::Cell(format!("{}!{c}", super::shape::sheet_ref(&sheet)));

    if range.is_empty() {
        let others: Vec<String> = names
            .iter()
            .filter(|n| **n != sheet)
            .map(|n| format!("'{n}'"))
            .collect();
        return Err(Error::input(
            path,
            Some(Place::Cell(sheet.clone())),
            if others.is_empty() {
                "the sheet is empty".to_string()
            } else {
                format!(
                    "the sheet is empty; the workbook also has {}: name the one to read with sheet = \"...\"",
                    others.join(", ")
                )
            },
        ));
    }
    let used_end_col = range.end.1;
    let used_end_row = range.end.0;
    let (first_row, first_col) = match spec.range {
        Some(r) => (r.start.row, r.start.col),
        None => (spec.header_row - 1, range.start.1),
    };
    if first_row > used_end_row || first_col > used_end_col {
        let at = CellRef {
            row: first_row,
            col: first_col,
        };
        return Err(Error::input(
            path,
            Some(place(at)),
            format!(
                "the table should start at {at}, but the sheet's cells end at {}",
                CellRef {
                    row: used_end_row,
                    col: used_end_col
                }
            ),
        ));
    }
    let last_col = spec.range.and_then(|r| r.end_col).unwrap_or(used_end_col);
    let last_row = spec.range.and_then(|r| r.end_row).unwrap_or(used_end_row);

    if let Some(c) = spec.unit_cell {
        match cell(range.get((c.row, c.col))) {
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
            .map(|c| cell(range.get((r, c))))
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
    // Only rows with cells: blank rows are not rows.
    let data_rows: Vec<u32> = if data_start > last_row {
        vec![]
    } else {
        range
            .rows
            .range(data_start..=last_row)
            .map(|(r, _)| *r)
            .collect()
    };
    for r in data_rows {
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
