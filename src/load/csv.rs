//! CSV and TSV files: decoding, the header, and rows with their physical line numbers.

use super::FileStats;
use super::shape::{Cell, FileSink, RowLoc, Shape};
use crate::error::{Error, Place, Result};
use crate::manifest::{Encoding, column_name};
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// The file as UTF-8 bytes, and what was done to get there.
fn decode<'b>(
    bytes: &'b [u8],
    encoding: Encoding,
    path: &std::path::Path,
) -> Result<(Cow<'b, [u8]>, Option<String>)> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        if enc == encoding_rs::UTF_8 {
            return Ok((Cow::Borrowed(&bytes[bom..]), None));
        }
        // UTF-16, as Excel's "Unicode text" writes it: certain from the byte order mark.
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(Error::input(
                path,
                None,
                format!(
                    "the file starts with a {} byte order mark but is not valid {}",
                    enc.name(),
                    enc.name()
                ),
            ));
        }
        return Ok((
            Cow::Owned(text.into_owned().into_bytes()),
            Some(format!("converted from {} (byte order mark)", enc.name())),
        ));
    }
    match encoding {
        Encoding::Utf8 => Ok((Cow::Borrowed(bytes), None)),
        Encoding::Legacy(enc) => {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(Error::input(
                    path,
                    None,
                    format!("the file is not valid {}", enc.name()),
                ));
            }
            // windows-1258 writes tones as combining marks; compose them as UTF-8 text does.
            let text: String = text.nfc().collect();
            Ok((
                Cow::Owned(text.into_bytes()),
                Some(format!("decoded from {}", enc.name())),
            ))
        }
    }
}

/// A short description of an invalid UTF-8 field for a reject message.
fn invalid_utf8(field: &[u8], e: std::str::Utf8Error) -> String {
    let at = e.valid_up_to();
    let byte = field
        .get(at)
        .map(|b| format!("0x{b:02X}"))
        .unwrap_or_default();
    format!(
        "the line is not valid UTF-8 (byte {byte} after '{}'); if the file is in a legacy encoding, declare it, e.g. encoding = \"windows-1258\"",
        String::from_utf8_lossy(&field[..at])
            .chars()
            .rev()
            .take(20)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<String>()
    )
}

pub fn read(mut sink: FileSink<'_>) -> Result<FileStats> {
    let spec = sink.spec;
    let path = &spec.abs;
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    sink.stats.blake3 = blake3::hash(&bytes).to_hex().to_string();
    let (text, note) = decode(&bytes, spec.encoding, path)?;
    if let Some(n) = note {
        sink.stats.encoding = Some(n.clone());
        sink.stats.notes.push(n);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(spec.delimiter)
        .quote(spec.quote)
        .from_reader(&text[..]);
    let mut rec = csv::ByteRecord::new();
    let mut lines = LineCounter::default();
    let mut header: Option<Vec<String>> = None;
    let mut shape: Option<Shape> = None;
    let header_line = spec.header_row as u64;
    loop {
        let more = rdr.read_byte_record(&mut rec).map_err(|e| {
            Error::input(
                path,
                e.position().map(|p| Place::Line(p.line() as usize)),
                e.to_string(),
            )
        })?;
        if !more {
            break;
        }
        let line = lines.line_at(&text, rec.position().map_or(0, |p| p.byte() as usize));
        let Some(sh) = &shape else {
            // Before the data: title lines, the unit cell, the header.
            if let Some(c) = spec.unit_cell {
                if line == c.row as u64 + 1 {
                    let f = rec.get(c.col as usize).unwrap_or(b"");
                    let t = std::str::from_utf8(f).map_err(|e| {
                        Error::input(path, Some(Place::Line(line as usize)), invalid_utf8(f, e))
                    })?;
                    sink.unit_text = Some(t.trim().to_string()).filter(|t| !t.is_empty());
                    if sink.unit_text.is_none() {
                        return Err(Error::input(
                            path,
                            Some(Place::Cell(c.to_string())),
                            "the unit cell is empty",
                        ));
                    }
                }
            }
            if spec.header && line < header_line {
                continue;
            }
            if spec.header && line > header_line {
                return Err(Error::input(
                    path,
                    Some(Place::Line(header_line as usize)),
                    "the header line is empty",
                ));
            }
            let fields: Vec<String> = if spec.header {
                rec.iter()
                    .map(|f| {
                        std::str::from_utf8(f).map(|s| s.to_string()).map_err(|e| {
                            Error::input(path, Some(Place::Line(line as usize)), invalid_utf8(f, e))
                        })
                    })
                    .collect::<Result<_>>()?
            } else {
                (0..rec.len()).map(|i| column_name(i as u32)).collect()
            };
            if fields.len() == 1 && spec.header {
                let h = &fields[0];
                if let Some(d) = [';', '\t', ',', '|']
                    .into_iter()
                    .find(|d| h.contains(*d) && *d as u8 != spec.delimiter)
                {
                    return Err(Error::input(
                        path,
                        Some(Place::Line(line as usize)),
                        format!(
                            "the header is a single column '{}'; the file seems to be separated by '{}': set delimiter = \"{}\"",
                            h.chars().take(60).collect::<String>(),
                            if d == '\t' {
                                "tab".to_string()
                            } else {
                                d.to_string()
                            },
                            if d == '\t' {
                                "tab".to_string()
                            } else {
                                d.to_string()
                            }
                        ),
                    ));
                }
            }
            let s = Shape::new(spec, &fields)
                .map_err(|m| Error::input(path, Some(Place::Line(line as usize)), m))?;
            header = Some(fields);
            shape = Some(s);
            if !spec.header {
                // The first record is data.
                let sh = shape.as_ref().unwrap();
                data_row(&mut sink, sh, header.as_deref().unwrap(), line, &rec);
            }
            continue;
        };
        data_row(&mut sink, sh, header.as_deref().unwrap_or(&[]), line, &rec);
    }
    if shape.is_none() {
        return Err(Error::input(
            path,
            None,
            if bytes.is_empty() {
                "the file is empty"
            } else {
                "the file has no header line"
            },
        ));
    }
    Ok(sink.finish(shape.as_ref()))
}

/// Physical line numbers from byte offsets. The CSV reader's own line count skips blank lines and miscounts
/// CRLF, and its record offsets can point at the terminator before the record; the record starts at the
/// first byte after them.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, text: &[u8], reported: usize) -> u64 {
        let mut start = reported.min(text.len());
        while start < text.len() && matches!(text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.offset {
            self.offset = 0;
            self.line = 0;
        }
        self.line += memchr::memchr_iter(b'\n', &text[self.offset..start]).count() as u64;
        self.offset = start;
        self.line + 1
    }
}

/// Reads one data record.
fn data_row(
    sink: &mut FileSink<'_>,
    shape: &Shape,
    header: &[String],
    line: u64,
    rec: &csv::ByteRecord,
) {
    let loc = RowLoc::Line(line as u32);
    let mut fields: Vec<&str> = Vec::with_capacity(rec.len());
    for f in rec.iter() {
        match std::str::from_utf8(f) {
            Ok(s) => fields.push(s),
            Err(e) => {
                let sep = (sink.spec.delimiter as char).to_string();
                let raw = rec
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect::<Vec<_>>()
                    .join(&sep);
                sink.reject_row(shape, loc, "invalid_encoding", invalid_utf8(f, e), raw, &[]);
                return;
            }
        }
    }
    if fields.iter().all(|f| f.trim().is_empty()) {
        return;
    }
    // Trailing empty fields beyond the header are what spreadsheets write; anything else is a ragged row.
    let extra_filled = fields
        .iter()
        .skip(shape.width)
        .any(|f| !f.trim().is_empty());
    if fields.len() < shape.width || extra_filled {
        let raw = fields.join(&(sink.spec.delimiter as char).to_string());
        let message = format!(
            "{} fields where the header has {}",
            fields.len(),
            shape.width
        );
        let cells: Vec<Cell<'_>> = fields.iter().map(|f| Cell::Text(f)).collect();
        sink.reject_row(shape, loc, "wrong_column_count", message, raw, &cells);
        return;
    }
    let cells: Vec<Cell<'_>> = fields
        .iter()
        .take(shape.width)
        .map(|f| Cell::Text(f))
        .collect();
    sink.row(shape, header, loc, &cells);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(data: &str) -> Vec<u64> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(data.as_bytes());
        let mut rec = csv::ByteRecord::new();
        let mut lc = LineCounter::default();
        let mut out = vec![];
        while r.read_byte_record(&mut rec).unwrap() {
            out.push(lc.line_at(data.as_bytes(), rec.position().unwrap().byte() as usize));
        }
        out
    }

    #[test]
    fn physical_lines_survive_blank_lines_crlf_and_quoted_breaks() {
        assert_eq!(lines("a,b\n1,2\n3,4\n"), [1, 2, 3]);
        assert_eq!(lines("a,b\r\n1,2\r\n\r\n3,4\r\n"), [1, 2, 4]);
        assert_eq!(lines("a,b\n1,2\n\n\n3,4"), [1, 2, 5]);
        assert_eq!(lines("a,b\n\"x\ny\",2\n3,4\n"), [1, 2, 4]);
        assert_eq!(lines("\n\na,b\n1,2\n"), [3, 4]);
    }
}
