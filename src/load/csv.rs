//! CSV and TSV files: decoding, the header, and rows with their physical line numbers.

use super::shape::{Cell, FileSink, Loaded, RowLoc, Shape};
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

/// Pieces of at least this many bytes are read in parallel.
const PIECE: usize = 4 << 20;

/// A CSV file whose header has been read: the rest is read in pieces, possibly on several threads.
pub struct Prepared<'a> {
    sink: FileSink<'a>,
    text: Vec<u8>,
    shape: Shape,
    header: Vec<String>,
    /// Byte ranges of the data after the header, each starting a record, with the line its first byte is on.
    pieces: Vec<(usize, usize, u64)>,
}

impl<'a> Prepared<'a> {
    pub fn pieces(&self) -> usize {
        self.pieces.len()
    }

    /// Reads one piece into a sink of its own.
    pub fn read_piece(&self, i: usize) -> FileSink<'a> {
        let mut sink = self.sink.piece();
        let (start, end, line) = self.pieces[i];
        read_records(
            &mut sink,
            &self.shape,
            &self.header,
            &self.text,
            start,
            end,
            line,
        );
        sink
    }

    /// Puts the pieces, read in order, together.
    pub fn finish(mut self, pieces: Vec<FileSink<'a>>) -> Loaded {
        for p in pieces {
            self.sink.absorb(p);
        }
        self.sink.finish(Some(&self.shape))
    }
}

/// Reads the file, its encoding and its header, and splits the data into pieces.
pub fn prepare(mut sink: FileSink<'_>) -> Result<Prepared<'_>> {
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
    let text = match text {
        Cow::Owned(t) => t,
        Cow::Borrowed(b) if b.len() == bytes.len() => bytes,
        Cow::Borrowed(b) => b.to_vec(),
    };
    let mut rdr = reader(spec, &text[..]);
    let mut rec = csv::ByteRecord::new();
    let mut lines = LineCounter::default();
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
                let name = if d == '\t' {
                    "tab".to_string()
                } else {
                    d.to_string()
                };
                return Err(Error::input(
                    path,
                    Some(Place::Line(line as usize)),
                    format!(
                        "the header is a single column '{}'; the file seems to be separated by '{name}': set delimiter = \"{name}\"",
                        h.chars().take(60).collect::<String>(),
                    ),
                ));
            }
        }
        let shape = Shape::new(spec, &fields)
            .map_err(|m| Error::input(path, Some(Place::Line(line as usize)), m))?;
        if !spec.header {
            // The first record is data.
            data_row(&mut sink, &shape, &fields, line, &rec);
        }
        // The data starts after this record.
        let start = rdr.position().byte() as usize;
        let first_line = 1 + memchr::memchr_iter(b'\n', &text[..start]).count() as u64;
        let pieces = split(&text, start, first_line, spec.quote, spec.delimiter, PIECE);
        return Ok(Prepared {
            sink,
            text,
            shape,
            header: fields,
            pieces,
        });
    }
    Err(Error::input(
        path,
        None,
        if bytes_empty(&text) {
            "the file is empty"
        } else {
            "the file has no header line"
        },
    ))
}

fn bytes_empty(text: &[u8]) -> bool {
    text.iter().all(|b| b.is_ascii_whitespace())
}

fn reader<'t>(spec: &crate::manifest::FileSpec, text: &'t [u8]) -> csv::Reader<&'t [u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(spec.delimiter)
        .quote(spec.quote)
        .from_reader(text)
}

/// Reads the records in `text[start..end]`, whose first byte is on line `line`.
fn read_records(
    sink: &mut FileSink<'_>,
    shape: &Shape,
    header: &[String],
    text: &[u8],
    start: usize,
    end: usize,
    line: u64,
) {
    let mut rdr = reader(sink.spec, &text[start..end]);
    let mut rec = csv::ByteRecord::new();
    let mut lines = LineCounter {
        offset: start,
        line: line - 1,
    };
    let plain = shape.plain();
    // The pieces were cut at record boundaries, where a reader cannot fail: a CSV reader accepts any bytes.
    while let Ok(true) = rdr.read_byte_record(&mut rec) {
        let at = start + rec.position().map_or(0, |p| p.byte() as usize);
        let line = lines.line_at(text, at);
        if let Some(cols) = plain {
            if sink.plain_row(cols, shape, &rec, line as u32) {
                continue;
            }
        }
        data_row(sink, shape, header, line, &rec);
    }
}

/// Cuts `text[start..]` into pieces of about `size` bytes at line breaks outside quoted fields. Quotes are
/// followed through the text; where one is not where a CSV quote can be (a quote inside an unquoted field),
/// the data is read as one piece, as a reader from the start would read it.
fn split(
    text: &[u8],
    start: usize,
    line: u64,
    quote: u8,
    delim: u8,
    size: usize,
) -> Vec<(usize, usize, u64)> {
    let ends_field = |b: Option<&u8>| matches!(b, None | Some(b'\n' | b'\r')) || b == Some(&delim);
    let whole = vec![(start, text.len(), line)];
    if text.len() - start < 2 * size {
        return whole;
    }
    // Quoted stretches, [open, close], checked to be well formed.
    let mut quoted: Vec<(usize, usize)> = Vec::new();
    let mut open: Option<usize> = None;
    let mut i = start;
    while let Some(off) = memchr::memchr(quote, &text[i..]) {
        let q = i + off;
        match open {
            None => {
                // An opening quote starts a field.
                if q > start && !ends_field(Some(&text[q - 1])) {
                    return whole;
                }
                open = Some(q);
                i = q + 1;
            }
            Some(o) => {
                if text.get(q + 1) == Some(&quote) {
                    // An escaped quote inside the field.
                    i = q + 2;
                    continue;
                }
                if !ends_field(text.get(q + 1)) {
                    return whole;
                }
                quoted.push((o, q));
                open = None;
                i = q + 1;
            }
        }
    }
    if open.is_some() {
        return whole;
    }
    let mut pieces = Vec::new();
    let (mut from, mut from_line) = (start, line);
    loop {
        let target = from + size;
        if target >= text.len() || text.len() - target < size / 2 {
            break;
        }
        // The first line break at or after the target that is not inside quotes.
        let mut at = target;
        let cut = loop {
            let Some(off) = memchr::memchr(b'\n', &text[at..]) else {
                break None;
            };
            let nl = at + off;
            let k = quoted.partition_point(|&(_, close)| close < nl);
            match quoted.get(k) {
                Some(&(o, close)) if o < nl && nl < close => at = close + 1,
                _ => break Some(nl + 1),
            }
        };
        let Some(cut) = cut.filter(|&c| c < text.len()) else {
            break;
        };
        pieces.push((from, cut, from_line));
        from_line += memchr::memchr_iter(b'\n', &text[from..cut]).count() as u64;
        from = cut;
    }
    pieces.push((from, text.len(), from_line));
    pieces
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
    let mut cells: Vec<Cell<'_>> = Vec::with_capacity(rec.len());
    for f in rec.iter() {
        match std::str::from_utf8(f) {
            Ok(s) => cells.push(Cell::Text(s)),
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
    if cells.iter().all(Cell::is_blank) {
        return;
    }
    // Trailing empty fields beyond the header are what spreadsheets write; anything else is a ragged row.
    let extra_filled = cells.iter().skip(shape.width).any(|c| !c.is_blank());
    if cells.len() < shape.width || extra_filled {
        let raw = cells
            .iter()
            .map(|c| match c {
                Cell::Text(s) => *s,
                _ => "",
            })
            .collect::<Vec<_>>()
            .join(&(sink.spec.delimiter as char).to_string());
        let message = format!(
            "{} fields where the header has {}",
            cells.len(),
            shape.width
        );
        sink.reject_row(shape, loc, "wrong_column_count", message, raw, &cells);
        return;
    }
    cells.truncate(shape.width);
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
