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
        Encoding::Utf8 => {
            if let Some(enc) = utf16_without_bom(bytes) {
                let (text, had_errors) = enc.decode_without_bom_handling(bytes);
                if !had_errors {
                    return Ok((
                        Cow::Owned(text.into_owned().into_bytes()),
                        Some(format!(
                            "converted from {} (no byte order mark, but every second byte is zero)",
                            enc.name()
                        )),
                    ));
                }
            }
            if std::str::from_utf8(bytes).is_err() {
                if let Some((text, note)) = legacy::detect(bytes) {
                    return Ok((Cow::Owned(text.into_bytes()), Some(note)));
                }
            }
            Ok((Cow::Borrowed(bytes), None))
        }
        Encoding::Tcvn3 => Ok((
            Cow::Owned(legacy::tcvn3(bytes).into_bytes()),
            Some("decoded from TCVN3".to_string()),
        )),
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

/// UTF-16 text without a byte order mark, told by its zero bytes: in the first 4 KiB, every second byte is
/// zero (ASCII text) and the others are not.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 8 {
        return None;
    }
    let zeros = |k: usize| head.iter().skip(k).step_by(2).filter(|b| **b == 0).count();
    let half = head.len() / 2;
    let (even, odd) = (zeros(0), zeros(1));
    // ASCII has a zero high byte; Vietnamese letters (U+00C0–U+1EF9) do not, so allow a quarter of them.
    if odd * 4 >= half * 3 && even * 20 < half {
        Some(encoding_rs::UTF_16LE)
    } else if even * 4 >= half * 3 && odd * 20 < half {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Legacy Vietnamese encodings: TCVN3, and telling it from windows-1258 when no encoding is declared.
mod legacy {
    use unicode_normalization::UnicodeNormalization;

    /// TCVN3 (TCVN 5712 VN3, the ABC fonts), bytes 0x80–0xFF; bytes below are ASCII.
    const TCVN3_HIGH: [char; 128] = [
        '\u{00C0}', '\u{1EA2}', '\u{00C3}', '\u{00C1}', '\u{1EA0}', '\u{1EB6}', '\u{1EAC}',
        '\u{00C8}', '\u{1EBA}', '\u{1EBC}', '\u{00C9}', '\u{1EB8}', '\u{1EC6}', '\u{00CC}',
        '\u{1EC8}', '\u{0128}', '\u{00CD}', '\u{1ECA}', '\u{00D2}', '\u{1ECE}', '\u{00D5}',
        '\u{00D3}', '\u{1ECC}', '\u{1ED8}', '\u{1EDC}', '\u{1EDE}', '\u{1EE0}', '\u{1EDA}',
        '\u{1EE2}', '\u{00D9}', '\u{1EE6}', '\u{0168}', '\u{00A0}', '\u{0102}', '\u{00C2}',
        '\u{00CA}', '\u{00D4}', '\u{01A0}', '\u{01AF}', '\u{0110}', '\u{0103}', '\u{00E2}',
        '\u{00EA}', '\u{00F4}', '\u{01A1}', '\u{01B0}', '\u{0111}', '\u{1EB0}', '\u{0300}',
        '\u{0309}', '\u{0303}', '\u{0301}', '\u{0323}', '\u{00E0}', '\u{1EA3}', '\u{00E3}',
        '\u{00E1}', '\u{1EA1}', '\u{1EB2}', '\u{1EB1}', '\u{1EB3}', '\u{1EB5}', '\u{1EAF}',
        '\u{1EB4}', '\u{1EAE}', '\u{1EA6}', '\u{1EA8}', '\u{1EAA}', '\u{1EA4}', '\u{1EC0}',
        '\u{1EB7}', '\u{1EA7}', '\u{1EA9}', '\u{1EAB}', '\u{1EA5}', '\u{1EAD}', '\u{00E8}',
        '\u{1EC2}', '\u{1EBB}', '\u{1EBD}', '\u{00E9}', '\u{1EB9}', '\u{1EC1}', '\u{1EC3}',
        '\u{1EC5}', '\u{1EBF}', '\u{1EC7}', '\u{00EC}', '\u{1EC9}', '\u{1EC4}', '\u{1EBE}',
        '\u{1ED2}', '\u{0129}', '\u{00ED}', '\u{1ECB}', '\u{00F2}', '\u{1ED4}', '\u{1ECF}',
        '\u{00F5}', '\u{00F3}', '\u{1ECD}', '\u{1ED3}', '\u{1ED5}', '\u{1ED7}', '\u{1ED1}',
        '\u{1ED9}', '\u{1EDD}', '\u{1EDF}', '\u{1EE1}', '\u{1EDB}', '\u{1EE3}', '\u{00F9}',
        '\u{1ED6}', '\u{1EE7}', '\u{0169}', '\u{00FA}', '\u{1EE5}', '\u{1EEB}', '\u{1EED}',
        '\u{1EEF}', '\u{1EE9}', '\u{1EF1}', '\u{1EF3}', '\u{1EF7}', '\u{1EF9}', '\u{00FD}',
        '\u{1EF5}', '\u{1ED0}',
    ];

    /// TCVN3 bytes as (composed) UTF-8 text.
    pub fn tcvn3(bytes: &[u8]) -> String {
        bytes
            .iter()
            .map(|&b| {
                if b < 0x80 {
                    b as char
                } else {
                    TCVN3_HIGH[(b - 0x80) as usize]
                }
            })
            .nfc()
            .collect()
    }

    fn windows_1258(bytes: &[u8]) -> String {
        let (text, _) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(bytes);
        text.nfc().collect()
    }

    /// Whether a word can be Vietnamese: Latin letters with Vietnamese marks only (circumflex, breve, horn,
    /// đ) and at most one tone mark.
    fn vietnamese(word: &str) -> bool {
        let mut tones = 0;
        for c in word.to_lowercase().nfd() {
            match c {
                'a'..='z' | '0'..='9' | 'đ' | '\u{0302}' | '\u{0306}' | '\u{031B}' => {}
                '\u{0300}' | '\u{0301}' | '\u{0303}' | '\u{0309}' | '\u{0323}' => tones += 1,
                _ => return false,
            }
        }
        tones <= 1
    }

    /// Words with a byte outside ASCII, as byte ranges (words are separated by ASCII punctuation and
    /// whitespace).
    fn words(bytes: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 0..=bytes.len() {
            let end = i == bytes.len() || (bytes[i] < 0x80 && !bytes[i].is_ascii_alphanumeric());
            if end {
                if bytes[start..i].iter().any(|b| *b >= 0x80) {
                    out.push((start, i));
                }
                start = i + 1;
            }
        }
        out
    }

    /// A file that is not UTF-8 whose words are Vietnamese in exactly one of windows-1258 and TCVN3 (and
    /// there are at least three of them): the text in that encoding, and a note that says so.
    pub fn detect(bytes: &[u8]) -> Option<(String, String)> {
        let ws = words(bytes);
        if ws.len() < 3 {
            return None;
        }
        let fits = |decode: fn(&[u8]) -> String| {
            ws.iter()
                .all(|&(a, b)| decode(&bytes[a..b]).split_whitespace().all(vietnamese))
        };
        let (name, decode): (&str, fn(&[u8]) -> String) = match (fits(windows_1258), fits(tcvn3)) {
            (true, false) => ("windows-1258", windows_1258),
            (false, true) => ("TCVN3", tcvn3),
            _ => return None,
        };
        // An example word that a Western (windows-1252) reading shows differently.
        let western = |a: usize, b: usize| {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&bytes[a..b])
                .0
                .into_owned()
        };
        let (a, b) = ws
            .iter()
            .copied()
            .find(|&(a, b)| western(a, b) != decode(&bytes[a..b]))
            .unwrap_or(ws[0]);
        let shown = western(a, b);
        let note = format!(
            "read as {name}: no encoding is declared and the file is not UTF-8, but each of its {} words with letters outside ASCII is Vietnamese in {name} and not in {} ('{shown}' is '{}'); declare encoding = \"{}\" to make it explicit",
            ws.len(),
            if name == "TCVN3" {
                "windows-1258"
            } else {
                "TCVN3"
            },
            decode(&bytes[a..b]),
            name.to_lowercase(),
        );
        Some((decode(bytes), note))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn tcvn3_and_windows_1258_are_told_apart() {
            let tcvn = b"T\xe6ng s\xe8 d\xa9n, \xa7i\xd6n Bi\xaan";
            assert_eq!(tcvn3(tcvn), "Tổng số dân, Điện Biên");
            assert!(detect(tcvn).unwrap().1.starts_with("read as TCVN3"));
            let cp1258 = b"T\xf4\xd2ng s\xf4\xec d\xe2n, \xd0i\xea\xf2n Bi\xean";
            let (text, note) = detect(cp1258).unwrap();
            assert_eq!(text, "Tổng số dân, Điện Biên");
            assert!(note.starts_with("read as windows-1258"));
            // UTF-8 text with one legacy word is neither.
            assert!(detect("Điện Biên Phủ, M\u{fc}ong".as_bytes()).is_none());
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
        "the line is not valid UTF-8 (byte {byte} after '{}'); if the file is in a legacy encoding, declare it, e.g. encoding = \"windows-1258\" or \"tcvn3\"",
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
pub(super) const PIECE: usize = 4 << 20;

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
#[cfg(feature = "engine")]
pub fn prepare(sink: FileSink<'_>) -> Result<Prepared<'_>> {
    let path = &sink.spec.abs;
    let bytes = crate::input::read_regular(path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    prepare_bytes(sink, bytes, PIECE)
}

/// [`prepare`] on the file's bytes, with pieces of about `piece` bytes.
pub fn prepare_bytes(mut sink: FileSink<'_>, bytes: Vec<u8>, piece: usize) -> Result<Prepared<'_>> {
    let spec = sink.spec;
    let path = &spec.abs;
    sink.stats.blake3 = blake3::hash(&bytes).to_hex().to_string();
    let (text, note) = decode(&bytes, spec.encoding, path)?;
    if let Some(n) = note {
        sink.stats.encoding = Some(n.clone());
        sink.stats.notes.push(n);
    }
    let mut text = match text {
        Cow::Owned(t) => t,
        Cow::Borrowed(b) if b.len() == bytes.len() => bytes,
        Cow::Borrowed(b) => b.to_vec(),
    };
    // Old Mac line ends (CR only): lines are counted by LF, so make them LF.
    if memchr::memchr(b'\n', &text).is_none() && memchr::memchr(b'\r', &text).is_some() {
        for b in text.iter_mut().filter(|b| **b == b'\r') {
            *b = b'\n';
        }
        sink.stats
            .notes
            .push("line ends are CR only (classic Mac OS); read as lines".to_string());
    }
    let mut rdr = reader(spec.delimiter, spec.quote, &text[..]);
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
        if let Some((_, message)) = guard(&rec) {
            return Err(Error::input(
                path,
                Some(Place::Line(line as usize)),
                format!("the header line: {message}"),
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
        let pieces = split(&text, start, first_line, spec.quote, spec.delimiter, piece);
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

fn reader(delimiter: u8, quote: u8, text: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quote(quote)
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
    let (delimiter, quote) = (sink.spec.delimiter, sink.spec.quote);
    let plain = shape.plain();
    let mut record = |rec: &csv::ByteRecord, line: u64, unclosed_at: Option<usize>| {
        if let Some(at) = unclosed_at {
            let swallowed = memchr::memchr_iter(b'\n', text[at..].trim_ascii_end()).count();
            let message = format!(
                "a quote opened on this line is never closed, so the {swallowed} line{} after it {} read as part of one field; close the quote, or set quote to a character the file does not use",
                if swallowed == 1 { "" } else { "s" },
                if swallowed == 1 { "was" } else { "were" },
            );
            reject_whole(sink, shape, line, rec, "unclosed_quote", message);
            return;
        }
        if let Some((reason, message)) = guard(rec) {
            reject_whole(sink, shape, line, rec, reason, message);
            return;
        }
        if let Some(cols) = plain {
            if sink.plain_row(cols, shape, rec, line as u32) {
                return;
            }
        }
        data_row(sink, shape, header, line, rec);
    };
    records(text, start, end, line, delimiter, quote, &mut record);
}

/// Calls `f` with each record of `text[start..end]`, whose first byte is on line `line`, as a CSV reader reads
/// them: the plain lines up to the first quote (or lone carriage return) with [`line_records`], then a CSV
/// reader for the rest. Returns the length of the plain lines.
fn records(
    text: &[u8],
    start: usize,
    end: usize,
    line: u64,
    delimiter: u8,
    quote: u8,
    f: &mut dyn FnMut(&csv::ByteRecord, u64, Option<usize>),
) -> usize {
    let plain = plain_lines(&text[start..end], delimiter, quote);
    line_records(&text[start..start + plain], line, delimiter, f);
    if start + plain < end {
        let line = line + memchr::memchr_iter(b'\n', &text[start..start + plain]).count() as u64;
        reader_records(text, start + plain, end, line, delimiter, quote, f);
    }
    plain
}

/// Calls `f` with each record of `text[start..end]`, whose first byte is on line `line`, as a CSV reader reads
/// it, with its line and, for a last record whose quote is never closed, where it starts.
fn reader_records(
    text: &[u8],
    start: usize,
    end: usize,
    line: u64,
    delimiter: u8,
    quote: u8,
    f: &mut dyn FnMut(&csv::ByteRecord, u64, Option<usize>),
) {
    let mut rdr = reader(delimiter, quote, &text[start..end]);
    let mut rec = csv::ByteRecord::new();
    let mut lines = LineCounter {
        offset: start,
        line: line - 1,
    };
    // The pieces were cut at record boundaries, where a reader cannot fail: a CSV reader accepts any bytes.
    while let Ok(true) = rdr.read_byte_record(&mut rec) {
        let at = start + rec.position().map_or(0, |p| p.byte() as usize);
        let line = lines.line_at(text, at);
        let rest = start + rdr.position().byte() as usize;
        let unclosed = rest >= text.len() && unclosed_quote(&text[at..], quote, delimiter);
        f(&rec, line, unclosed.then_some(at));
    }
}

/// How much of `text`, which starts a record, is a plain sequence of lines: whole lines before the first quote
/// character or carriage return not followed by a line feed. A CSV reader reads such lines as one record per line
/// that is not empty, split at every delimiter, as [`line_records`] does several times faster. A reader goes on
/// where they end, so they never end before a byte order mark, which a reader drops at its start (and there are
/// none if the text starts with one).
fn plain_lines(text: &[u8], delimiter: u8, quote: u8) -> usize {
    if !delimiter.is_ascii()
        || matches!(delimiter, b'\r' | b'\n')
        || text.starts_with(b"\xEF\xBB\xBF")
    {
        return 0;
    }
    let quote_at = memchr::memchr(quote, text);
    let lone_cr = memchr::memchr_iter(b'\r', &text[..quote_at.unwrap_or(text.len())])
        .find(|&i| text.get(i + 1) != Some(&b'\n'));
    let Some(at) = lone_cr.or(quote_at) else {
        return text.len();
    };
    let line_start = |at: usize| memchr::memrchr(b'\n', &text[..at]).map_or(0, |nl| nl + 1);
    let mut end = line_start(at);
    // The CSV reader that goes on from there would drop a byte order mark at its start.
    while end > 0 && text[end..].starts_with(b"\xEF\xBB\xBF") {
        end = line_start(end - 1);
    }
    end
}

/// Calls `f` with each record of `text` (all plain lines, see [`plain_lines`]), whose first byte is on line
/// `line`, the way [`reader_records`] would.
fn line_records(
    text: &[u8],
    line: u64,
    delimiter: u8,
    f: &mut dyn FnMut(&csv::ByteRecord, u64, Option<usize>),
) {
    let mut rec = csv::ByteRecord::new();
    let (mut at, mut line) = (0, line);
    while at < text.len() {
        let nl = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |o| at + o);
        let row = &text[at..nl];
        let row = row.strip_suffix(b"\r").unwrap_or(row);
        if !row.is_empty() {
            rec.clear();
            for field in row.split(|&b| b == delimiter) {
                rec.push_field(field);
            }
            f(&rec, line, None);
        }
        line += 1;
        at = nl + 1;
    }
}

/// The longest line (record) read, in bytes: a longer one is rejected, not read into memory cell by cell.
pub const MAX_LINE: usize = 1 << 20;

/// A record that is not read at all: longer than [`MAX_LINE`], or holding NUL bytes (a binary file, or
/// UTF-16 text without its byte order mark).
fn guard(rec: &csv::ByteRecord) -> Option<(&'static str, String)> {
    let bytes = rec.as_slice();
    if bytes.len() > MAX_LINE {
        let (i, longest) = rec
            .iter()
            .enumerate()
            .max_by_key(|(_, f)| f.len())
            .unwrap_or((0, b""));
        return Some((
            "too_long",
            format!(
                "the line holds {} bytes, more than the {} bytes (1 MiB) a line may have; field {} alone has {} bytes",
                bytes.len(),
                MAX_LINE,
                i + 1,
                longest.len()
            ),
        ));
    }
    memchr::memchr(0, bytes)?;
    let field = rec.iter().position(|f| memchr::memchr(0, f).is_some())?;
    Some((
        "invalid_encoding",
        format!(
            "field {} holds a NUL byte (0x00): the file may be binary, or UTF-16 text without a byte order mark",
            field + 1
        ),
    ))
}

/// Rejects a whole record without reading its cells; the raw text shown is cut to 200 characters.
fn reject_whole(
    sink: &mut FileSink<'_>,
    shape: &Shape,
    line: u64,
    rec: &csv::ByteRecord,
    reason: &'static str,
    message: String,
) {
    let raw: Vec<u8> = rec
        .iter()
        .flat_map(|f| f.iter().chain(std::iter::once(&sink.spec.delimiter)))
        .take(800)
        .copied()
        .collect();
    let raw: String = String::from_utf8_lossy(&raw)
        .replace('\0', "\\0")
        .chars()
        .take(200)
        .collect();
    sink.reject_row(shape, RowLoc::Line(line as u32), reason, message, raw, &[]);
}

/// Whether `text`, read as CSV from the start of a record to the end of the file, ends inside a quoted field.
fn unclosed_quote(text: &[u8], quote: u8, delim: u8) -> bool {
    let (mut quoted, mut field_start) = (false, true);
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if quoted {
            if b == quote {
                if text.get(i + 1) == Some(&quote) {
                    i += 2;
                    continue;
                }
                quoted = false;
            }
        } else if b == quote && field_start {
            quoted = true;
            field_start = false;
        } else {
            field_start = b == delim || b == b'\n' || b == b'\r';
        }
        i += 1;
    }
    quoted
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
                // A piece's own reader would drop a byte order mark at its start (found by fuzzing).
                _ if text[nl + 1..].starts_with(b"\xEF\xBB\xBF") => at = nl + 1,
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
        let gap = &text[self.offset..start];
        // Between two records of a file there is usually one line break: a plain loop counts a short gap
        // faster than the vectorised search, which pays for its set-up on every record.
        self.line += if gap.len() < 64 {
            gap.iter().filter(|&&b| b == b'\n').count()
        } else {
            memchr::memchr_iter(b'\n', gap).count()
        } as u64;
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
        let mut message = format!(
            "{} fields where the header has {}",
            cells.len(),
            shape.width
        );
        let breaks: usize = rec
            .iter()
            .map(|f| memchr::memchr_iter(b'\n', f).count())
            .sum();
        if breaks > 0 {
            message.push_str(&format!(
                "; a quoted field runs over the next {breaks} line{}, which were read as part of this row: is a quote missing or extra on this line?",
                if breaks == 1 { "" } else { "s" }
            ));
        }
        sink.reject_row(shape, loc, "wrong_column_count", message, raw, &cells);
        return;
    }
    cells.truncate(shape.width);
    sink.row(shape, header, loc, &cells);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each record of `data` (from line 1) with its line, as the CSV reader reads them and as [`records`] does,
    /// and the length of the plain lines.
    #[allow(clippy::type_complexity)]
    fn both(data: &[u8]) -> (Vec<(u64, Vec<Vec<u8>>)>, Vec<(u64, Vec<Vec<u8>>)>, usize) {
        fn collect(
            out: &mut Vec<(u64, Vec<Vec<u8>>)>,
        ) -> impl FnMut(&csv::ByteRecord, u64, Option<usize>) + '_ {
            |rec, line, _| out.push((line, rec.iter().map(<[u8]>::to_vec).collect()))
        }
        let mut by_reader = vec![];
        reader_records(
            data,
            0,
            data.len(),
            1,
            b',',
            b'"',
            &mut collect(&mut by_reader),
        );
        let mut by_lines = vec![];
        let plain = records(
            data,
            0,
            data.len(),
            1,
            b',',
            b'"',
            &mut collect(&mut by_lines),
        );
        (by_reader, by_lines, plain)
    }

    fn lines(data: &str) -> Vec<u64> {
        let (by_reader, by_lines, _) = both(data.as_bytes());
        assert_eq!(by_lines, by_reader, "{data:?}");
        by_reader.iter().map(|r| r.0).collect()
    }

    #[test]
    fn physical_lines_survive_blank_lines_crlf_and_quoted_breaks() {
        assert_eq!(lines("a,b\n1,2\n3,4\n"), [1, 2, 3]);
        assert_eq!(lines("a,b\r\n1,2\r\n\r\n3,4\r\n"), [1, 2, 4]);
        assert_eq!(lines("a,b\n1,2\n\n\n3,4"), [1, 2, 5]);
        assert_eq!(lines("a,b\n\"x\ny\",2\n3,4\n"), [1, 2, 4]);
        assert_eq!(lines("\n\na,b\n1,2\n"), [3, 4]);
    }

    #[test]
    fn plain_lines_end_at_the_line_of_a_quote_or_lone_carriage_return() {
        let plain = |data: &str| both(data.as_bytes()).2;
        assert_eq!(plain("a,b\r\n\r\n c ,\n\n"), 13);
        assert_eq!(plain("a,b\nc,\"d\"\ne,f\n"), 4);
        assert_eq!(plain("a,b\nc,d\re,f\n"), 4);
        assert_eq!(plain("a,b\r\r\n"), 0);
        assert_eq!(plain("\u{feff}a,b\n"), 0);
        assert_eq!(plain("a\nb\n\u{feff}c\r\r"), 2);
    }

    proptest::proptest! {
        /// Any text reads the same, record for record and line for line, with the line reader for its plain lines
        /// and the CSV reader after them as with the CSV reader alone.
        #[test]
        fn the_line_reader_reads_as_the_csv_reader(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'1', b',', b' ', b'\n', b'\n', b'\r', b'"', 0, 0xEF, 0xBB, 0xBF]),
                0..80,
            )
        ) {
            let (by_reader, by_lines, _) = both(&bytes);
            proptest::prop_assert_eq!(by_lines, by_reader);
        }

        /// The same on text made of fields, quoted or not, whose contents may hold delimiters, quotes, line
        /// breaks and carriage returns: the CSV reader takes over at the right line.
        #[test]
        fn text_with_quoted_fields_reads_the_same(
            lines in proptest::collection::vec(
                (
                    proptest::collection::vec(
                        (
                            proptest::bool::ANY,
                            proptest::collection::vec(
                                proptest::sample::select(vec![b'a', b'1', b' ', b',', b'"', b'\n', b'\r']),
                                0..6,
                            ),
                        ),
                        0..5,
                    ),
                    proptest::bool::ANY,
                ),
                0..8,
            )
        ) {
            let mut bytes = Vec::new();
            for (fields, crlf) in lines {
                for (i, (quoted, content)) in fields.iter().enumerate() {
                    if i > 0 {
                        bytes.push(b',');
                    }
                    if *quoted {
                        bytes.push(b'"');
                    }
                    bytes.extend(content);
                    if *quoted {
                        bytes.push(b'"');
                    }
                }
                bytes.extend(if crlf { &b"\r\n"[..] } else { &b"\n"[..] });
            }
            let (by_reader, by_lines, _) = both(&bytes);
            proptest::prop_assert_eq!(by_lines, by_reader);
        }
    }
}
