//! The bad-input corpus (`tests/corpus/`): one small dataset per broken input, and a snapshot of what
//! statlint says about each (stdout, stderr and exit code). Each must end in a clear message with its place:
//! exit 2 when the dataset cannot be loaded, a reject or a finding when the data is at fault; never a panic,
//! never a silent skip. A case runs `statlint check CASE --select structure.*` unless its folder has an `args`
//! file with other arguments (the dataset is appended to them, or put in place of `DATASET`).
//!
//! The spreadsheets and the zip bomb are written by this module (`STATLINT_REGENERATE=1 cargo test corpus`
//! rewrites them); the megabyte-long line is written before each run, as it is too large to commit.

use crate::{root, settings, statlint};
use insta_cmd::assert_cmd_snapshot;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook, XlsxError};
use std::path::Path;

fn corpus() -> std::path::PathBuf {
    root().join("tests/corpus")
}

/// A workbook with fixed document dates, so the file is the same on every run.
fn workbook() -> Workbook {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2023, 1, 15).expect("valid date");
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&date)
            .set_author("statlint corpus"),
    );
    wb
}

const HEADER: [&str; 4] = ["area", "indicator", "year", "value"];

fn header(ws: &mut rust_xlsxwriter::Worksheet, row: u32) -> Result<(), XlsxError> {
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(row, c as u16, *h)?;
    }
    Ok(())
}

fn error_cells(path: &Path) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("Số liệu")?;
    header(ws, 0)?;
    let rows: [(&str, &str, &str); 4] = [
        ("094", "=1/0", "#DIV/0!"),
        ("095", "=#REF!+1", "#REF!"),
        ("11", "=NA()", "#N/A"),
        ("094", "", ""),
    ];
    for (r, (area, f, result)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *area)?;
        ws.write_string(r, 1, if r == 4 { "budget" } else { "pop" })?;
        ws.write_number(r, 2, 2023.0)?;
        if f.is_empty() {
            let date = ExcelDateTime::from_ymd(2023, 3, 1)?;
            ws.write_datetime_with_format(
                r,
                3,
                &date,
                &Format::new().set_num_format("dd/mm/yyyy"),
            )?;
        } else {
            ws.write_formula(r, 3, Formula::new(*f).set_result(*result))?;
        }
    }
    wb.save(path)
}

fn merged_cells(path: &Path) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("Báo cáo")?;
    header(ws, 0)?;
    ws.merge_range(1, 0, 3, 0, "094", &Format::new())?;
    for (r, (ind, y, v)) in [
        ("pop", 2021, 57.9),
        ("pop", 2022, 58.2),
        ("pop", 2023, 58.5),
    ]
    .iter()
    .enumerate()
    {
        let r = r as u32 + 1;
        ws.write_string(r, 1, *ind)?;
        ws.write_number(r, 2, *y as f64)?;
        ws.write_number(r, 3, *v)?;
    }
    wb.save(path)
}

fn formulas(path: &Path) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("Sheet1")?;
    header(ws, 0)?;
    ws.write_string(1, 0, "094")?;
    ws.write_string(2, 0, "095")?;
    ws.write_string(3, 0, "11")?;
    for r in 1..=3 {
        ws.write_string(r, 1, "pop")?;
        ws.write_number(r, 2, 2023.0)?;
    }
    ws.write_number(1, 3, 58519.0)?;
    ws.write_formula(2, 3, Formula::new("=11000+162").set_result("11162"))?;
    ws.write_formula(3, 3, Formula::new("=D2+D3"))?;
    wb.save(path)
}

fn empty_sheet(path: &Path) -> Result<(), XlsxError> {
    let mut wb = workbook();
    wb.add_worksheet().set_name("Trang bìa")?;
    let ws = wb.add_worksheet().set_name("Số liệu")?;
    header(ws, 0)?;
    ws.write_string(1, 0, "094")?;
    ws.write_string(1, 1, "pop")?;
    ws.write_number(1, 2, 2023.0)?;
    ws.write_number(1, 3, 58519.0)?;
    wb.save(path)
}

fn hidden_sheet(path: &Path) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let old = wb.add_worksheet().set_name("2022")?;
    header(old, 0)?;
    old.write_string(1, 0, "094")?;
    old.write_string(1, 1, "pop")?;
    old.write_number(1, 2, 2022.0)?;
    old.write_number(1, 3, 1.0)?;
    old.set_hidden(true);
    let ws = wb.add_worksheet().set_name("2023")?;
    header(ws, 0)?;
    ws.write_string(1, 0, "094")?;
    ws.write_string(1, 1, "pop")?;
    ws.write_number(1, 2, 2023.0)?;
    ws.write_number(1, 3, 58519.0)?;
    ws.set_active(true);
    wb.save(path)
}

/// Three rows of data and one stray cell in the sheet's last row and column.
fn million_rows(path: &Path) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("Sheet1")?;
    header(ws, 0)?;
    for (r, (area, v)) in [("094", 58519.0), ("095", 11162.0)].iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *area)?;
        ws.write_string(r, 1, "pop")?;
        ws.write_number(r, 2, 2023.0)?;
        ws.write_number(r, 3, *v)?;
    }
    ws.write_string(1_048_575, 16_383, "x")?;
    wb.save(path)
}

fn plain(path: &Path) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("Sheet1")?;
    header(ws, 0)?;
    ws.write_string(1, 0, "094")?;
    ws.write_string(1, 1, "pop")?;
    ws.write_number(1, 2, 2023.0)?;
    ws.write_number(1, 3, 58519.0)?;
    wb.save(path)
}

/// CRC-32 (IEEE), as zip archives carry it.
fn crc32(parts: &[&[u8]], repeat: (u8, usize)) -> u32 {
    let table: Vec<u32> = (0..256u32)
        .map(|n| {
            (0..8).fold(n, |c, _| {
                if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                }
            })
        })
        .collect();
    let mut c = !0u32;
    let mut feed = |b: u8| c = table[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
    parts[0].iter().for_each(|b| feed(*b));
    (0..repeat.1).for_each(|_| feed(repeat.0));
    parts[1].iter().for_each(|b| feed(*b));
    !c
}

/// Bits written least significant first, as deflate packs them.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, bits: u32) {
        self.acc |= value << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u64, len: u32) {
        for i in (0..len).rev() {
            self.put((code >> i) & 1, 1);
        }
    }
    fn align(&mut self) {
        if self.n > 0 {
            self.put(0, 8 - self.n);
        }
    }
    fn stored(&mut self, last: bool, data: &[u8]) {
        self.put(last as u64, 1);
        self.put(0, 2);
        self.align();
        let len = data.len() as u16;
        self.out.extend(len.to_le_bytes());
        self.out.extend((!len).to_le_bytes());
        self.out.extend(data);
    }
}

/// A deflate stream of `prefix`, 1 + 258·k spaces, and `suffix`: the spaces as one literal and k copies of
/// 258 bytes at distance 1, two bits each (a dynamic Huffman block whose only codes are those), which is the
/// ratio of about 1000 that zip bombs are made of.
fn deflate_spaces(prefix: &[u8], k: usize, suffix: &[u8]) -> Vec<u8> {
    let mut w = Bits::default();
    w.stored(false, prefix);
    w.put(0, 1); // not the last block
    w.put(2, 2); // dynamic Huffman codes
    w.put(29, 5); // 286 literal/length codes
    w.put(0, 5); // 1 distance code
    w.put(14, 4); // 18 code length codes, in the order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1
    for sym in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1] {
        w.put(if matches!(sym, 1 | 2 | 17 | 18) { 2 } else { 0 }, 3);
    }
    // Code length codes: 1 → 00, 2 → 01, 17 → 10, 18 → 11. Symbol 18 repeats zero 11 + (7 bits) times.
    let zeros = |w: &mut Bits, n: u64| {
        w.code(0b11, 2);
        w.put(n - 11, 7);
    };
    zeros(&mut w, 32); // 0..=31
    w.code(0b01, 2); // ' ' (32): length 2
    zeros(&mut w, 138); // 33..=170
    zeros(&mut w, 85); // 171..=255
    w.code(0b01, 2); // end of block (256): length 2
    zeros(&mut w, 28); // 257..=284
    w.code(0b00, 2); // length 258 (285): length 1
    w.code(0b00, 2); // distance 1: length 1
    // Literal/length codes: 285 → 0, ' ' → 10, end of block → 11; distance 1 → 0.
    w.code(0b10, 2);
    for _ in 0..k {
        w.code(0, 1);
        w.code(0, 1);
    }
    w.code(0b11, 2);
    w.stored(true, suffix);
    w.align();
    w.out
}

/// A zip archive of (name, method, crc, uncompressed size, data) members.
fn zip(members: &[(&str, u16, u32, u32, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, method, crc, size, data) in members {
        let offset = out.len() as u32;
        let fixed = |sig: &[u8], central: bool| {
            let mut h = sig.to_vec();
            if central {
                h.extend(20u16.to_le_bytes());
            }
            h.extend(20u16.to_le_bytes());
            h.extend(0u16.to_le_bytes());
            h.extend(method.to_le_bytes());
            h.extend(0u16.to_le_bytes());
            h.extend(0x21u16.to_le_bytes());
            h.extend(crc.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend(size.to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes());
            h
        };
        out.extend(fixed(b"PK\x03\x04", false));
        out.extend(name.as_bytes());
        out.extend(data);
        central.extend(fixed(b"PK\x01\x02", true));
        central.extend([0u8; 6]); // comment length, disk, internal attributes
        central.extend([0u8; 4]); // external attributes
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let at = out.len() as u32;
    out.extend(&central);
    out.extend(b"PK\x05\x06");
    out.extend([0u8; 4]);
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend([0u8; 2]);
    out
}

fn stored(name: &'static str, text: &str) -> (&'static str, u16, u32, u32, Vec<u8>) {
    let b = text.as_bytes();
    (
        name,
        0,
        crc32(&[b, b""], (0, 0)),
        b.len() as u32,
        b.to_vec(),
    )
}

/// An xlsx whose one sheet unpacks to 64 MiB of spaces from about 64 KiB.
fn zip_bomb(path: &Path) {
    let prefix = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
    let suffix = b"</sheetData></worksheet>";
    let k = (64 << 20) / 258;
    let spaces = 1 + 258 * k;
    let data = deflate_spaces(prefix, k, suffix);
    let size = prefix.len() + spaces + suffix.len();
    let sheet = (
        "xl/worksheets/sheet1.xml",
        8,
        crc32(&[prefix, suffix], (b' ', spaces)),
        size as u32,
        data,
    );
    let ns = "http://schemas.openxmlformats.org";
    let members = vec![
        stored(
            "[Content_Types].xml",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#
            ),
        ),
        stored(
            "_rels/.rels",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        stored(
            "xl/workbook.xml",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        stored(
            "xl/_rels/workbook.xml.rels",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
        ),
        sheet,
    ];
    std::fs::write(path, zip(&members)).unwrap();
}

/// Writes every generated corpus file below `dir` (the corpus folder or a copy of its layout).
fn generate(dir: &Path) {
    type Gen = fn(&Path) -> Result<(), XlsxError>;
    let books: [(&str, Gen); 8] = [
        ("xlsx-error-cells", error_cells),
        ("xlsx-merged-cells", merged_cells),
        ("xlsx-formulas", formulas),
        ("xlsx-empty-sheet", empty_sheet),
        ("xlsx-hidden-sheet", hidden_sheet),
        ("xlsx-million-rows", million_rows),
        ("xlsx-sheet-missing", plain),
        ("xlsx-range-outside", plain),
    ];
    for (case, write) in books {
        std::fs::create_dir_all(dir.join(case)).unwrap();
        write(&dir.join(case).join("report.xlsx")).expect("write the workbook");
    }
    // A workbook cut off after 2 KiB.
    std::fs::create_dir_all(dir.join("xlsx-truncated")).unwrap();
    let whole = dir.join("xlsx-truncated/whole.xlsx");
    million_rows(&whole).expect("write the workbook");
    let bytes = std::fs::read(&whole).unwrap();
    std::fs::remove_file(&whole).unwrap();
    std::fs::write(dir.join("xlsx-truncated/data.xlsx"), &bytes[..2048]).unwrap();
    std::fs::create_dir_all(dir.join("xlsx-zip-bomb")).unwrap();
    zip_bomb(&dir.join("xlsx-zip-bomb/report.xlsx"));
}

const GENERATED: &[&str] = &[
    "xlsx-error-cells/report.xlsx",
    "xlsx-merged-cells/report.xlsx",
    "xlsx-formulas/report.xlsx",
    "xlsx-empty-sheet/report.xlsx",
    "xlsx-hidden-sheet/report.xlsx",
    "xlsx-million-rows/report.xlsx",
    "xlsx-sheet-missing/report.xlsx",
    "xlsx-range-outside/report.xlsx",
    "xlsx-truncated/data.xlsx",
    "xlsx-zip-bomb/report.xlsx",
];

#[test]
fn corpus_generated_files_are_up_to_date() {
    if std::env::var_os("STATLINT_REGENERATE").is_some() {
        generate(&corpus());
    }
    let fresh = tempfile::tempdir().unwrap();
    generate(fresh.path());
    for f in GENERATED {
        let a = std::fs::read(corpus().join(f)).unwrap_or_default();
        let b = std::fs::read(fresh.path().join(f)).unwrap();
        assert!(
            a == b,
            "tests/corpus/{f} differs from what tests/cli/corpus.rs writes; run STATLINT_REGENERATE=1 cargo test corpus"
        );
    }
}

/// The line of 1.5 MiB, written where the case expects it.
fn megabyte_line() {
    let path = corpus().join("megabyte-cell/data.csv");
    let text = format!(
        "area,indicator,year,value,note\n094,pop,2023,58.519,ok\n095,pop,2023,11.162,{}\n11,pop,2023,598.856,ok\n",
        "x".repeat(3 << 19)
    );
    if std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
        std::fs::write(&path, text).unwrap();
    }
}

/// The arguments of a case: from its `args` file, or the structure checks.
fn args_of(dir: &Path, ds: &str) -> Vec<String> {
    let line = std::fs::read_to_string(dir.join("args"))
        .unwrap_or_else(|_| "check --select structure.*".to_string());
    let mut args: Vec<String> = Vec::new();
    let mut rest = line.trim();
    // Whitespace-separated words; a double-quoted word may hold spaces.
    while !rest.is_empty() {
        let (word, next) = if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').expect("closing quote in args");
            (&r[..end], &r[end + 1..])
        } else {
            let end = rest.find(' ').unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        args.push(word.to_string());
        rest = next.trim_start();
    }
    // The dataset goes right after the subcommand.
    args.insert(1, ds.to_string());
    args
}

#[test]
fn each_corpus_case() {
    megabyte_line();
    let mut cases: Vec<std::path::PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "only {} corpus cases", cases.len());
    for dir in cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let ds = format!("tests/corpus/{name}");
        let args = args_of(&dir, &ds);
        let out = statlint().args(&args).output().unwrap();
        let code = out.status.code();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(code, Some(0..=2)) && !stderr.contains("panicked"),
            "{name}: exit {code:?}\n{stderr}"
        );
        let mut s = settings();
        s.set_snapshot_suffix(name.clone());
        s.set_info(&args);
        s.bind(|| assert_cmd_snapshot!("corpus", statlint().args(&args)));
    }
}
