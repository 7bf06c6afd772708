//! The binary test fixtures (spreadsheets and Parquet files) under `tests/fixtures/` are written by this
//! code. The test compares the committed files with a fresh copy; `STATLINT_REGENERATE=1 cargo test
//! generated` rewrites them.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Formula, Workbook, XlsxError};
use std::path::{Path, PathBuf};

/// A workbook with fixed document dates, so the file is the same on every run.
fn workbook() -> Workbook {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2023, 1, 15).expect("valid date");
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&date)
            .set_author("statlint fixtures"),
    );
    wb
}

/// A district's budget table as offices send it: a title, a unit line, a header on row 4, values typed as
/// numbers and as Vietnamese-formatted text, placeholders, an error cell, and a notes sheet.
fn budget_xlsx(path: &Path) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("Biểu 01")?;
    ws.write_string(0, 0, "BIỂU 01: THU NGÂN SÁCH NHÀ NƯỚC TRÊN ĐỊA BÀN")?;
    ws.write_string(1, 0, "Đơn vị tính: Tỷ đồng")?;
    for (c, h) in ["Mã", "Tên đơn vị", "2021", "2022", "2023"]
        .iter()
        .enumerate()
    {
        ws.write_string(3, c as u16, *h)?;
    }
    // Row 5: the province, numbers typed as numbers.
    ws.write_string(4, 0, "11")?;
    ws.write_string(4, 1, "Tỉnh Điện Biên")?;
    ws.write_number(4, 2, 2100.0)?;
    ws.write_number(4, 3, 2345.6)?;
    ws.write_string(4, 4, "-")?;
    // Row 6: a district with text in the Vietnamese format.
    ws.write_string(5, 0, "094")?;
    ws.write_string(5, 1, "Thành phố Điện Biên Phủ")?;
    ws.write_string(5, 2, "1.000,1")?;
    ws.write_string(5, 3, "1.234,5")?;
    ws.write_formula(5, 4, Formula::new("=1300/1").set_result("1300"))?;
    // Row 7: a district code typed as a number, a blank, a placeholder and an error value.
    ws.write_number(6, 0, 95.0)?;
    ws.write_string(6, 1, "Thị xã Mường Lay")?;
    ws.write_string(6, 2, "..")?;
    ws.write_formula(6, 4, Formula::new("=1/0").set_result("#DIV/0!"))?;
    // Row 8: the sum of floating point noise Excel shows as 45.3.
    ws.write_string(7, 0, "096")?;
    ws.write_string(7, 1, "Huyện Mường Nhé")?;
    ws.write_number(7, 2, 45.1 + 0.2)?;
    ws.write_string(7, 3, "45,2 tỷ")?;
    ws.write_boolean(7, 4, true)?;
    let notes = wb.add_worksheet().set_name("Ghi chú")?;
    notes.write_string(0, 0, "Số liệu năm 2023 là số ước tính.")?;
    wb.save(path)
}

/// A district's submission for the report fixture: one row per indicator, one column per year, and a
/// number with its unit typed into the cell.
fn district_xlsx(path: &Path) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("Số liệu")?;
    for (c, h) in ["indicator", "2021", "2022"].iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    ws.write_string(1, 0, "budget_revenue")?;
    ws.write_number(1, 1, 100.0)?;
    ws.write_number(1, 2, 105.0)?;
    ws.write_string(2, 0, "population")?;
    ws.write_number(2, 1, 60000.0)?;
    ws.write_string(2, 2, "60.500 người")?;
    wb.save(path)
}

fn parquet(dir: &Path) -> duckdb::Result<()> {
    let conn = duckdb::Connection::open_in_memory()?;
    let target = |name: &str| dir.join(name).display().to_string().replace('\'', "''");
    conn.execute_batch(&format!(
        "COPY (SELECT * FROM (VALUES
            ('11',  'population', 2019, CAST(598856 AS DECIMAL(12, 0)), CAST(43.5 AS DECIMAL(5, 1))),
            ('094', 'population', 2019, 58519, 12.0),
            ('095', 'population', 2019, 11162, NULL)
         ) t(area, indicator, year, value, forest_cover)) TO '{}' (FORMAT parquet);
         COPY (SELECT * FROM (VALUES
            ('11',  'Tỷ lệ che phủ rừng', 2022, 43.5::DOUBLE),
            ('094', 'forest_cover', 2022, 0.1::DOUBLE + 0.2::DOUBLE),
            ('095', 'forest_cover', 2022, NULL),
            ('096', 'forest_cover', 2022, 'NaN'::DOUBLE)
         ) t(area, indicator, year, value)) TO '{}' (FORMAT parquet);",
        target("decimal.parquet"),
        target("double.parquet")
    ))
}

/// Writes every generated fixture below `root` (the `tests/fixtures` folder or a copy of its layout).
fn generate(root: &Path) {
    std::fs::create_dir_all(root.join("load/xlsx")).unwrap();
    std::fs::create_dir_all(root.join("load/parquet")).unwrap();
    std::fs::create_dir_all(root.join("report/submission")).unwrap();
    budget_xlsx(&root.join("load/xlsx/budget.xlsx")).expect("write the spreadsheet fixture");
    district_xlsx(&root.join("report/submission/huyen-095.xlsx"))
        .expect("write the district spreadsheet");
    parquet(&root.join("load/parquet")).expect("write the Parquet fixtures");
}

const GENERATED: &[&str] = &[
    "load/xlsx/budget.xlsx",
    "load/parquet/decimal.parquet",
    "load/parquet/double.parquet",
];

#[test]
fn generated_fixtures_are_up_to_date() {
    let committed: PathBuf = crate::root().join("tests/fixtures");
    if std::env::var_os("STATLINT_REGENERATE").is_some() {
        generate(&committed);
    }
    let fresh = tempfile::tempdir().unwrap();
    generate(fresh.path());
    for f in GENERATED {
        let a = std::fs::read(committed.join(f)).unwrap_or_default();
        let b = std::fs::read(fresh.path().join(f)).unwrap();
        assert!(
            a == b,
            "{f} differs from what tests/cli/generated.rs writes; run STATLINT_REGENERATE=1 cargo test generated"
        );
    }
}
