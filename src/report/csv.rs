//! One row per finding, for a spreadsheet: UTF-8 with a byte order mark, which Excel needs to keep
//! Vietnamese text intact. A cell that a spreadsheet would take for a formula (it begins with `=`, `+`, `-`,
//! `@`, a tab or a carriage return, and is not a plain number) is written with a leading `'`, as OWASP's CSV
//! injection guidance says: file names, messages and codes come from other people's files and checks.

use super::Run;
use std::io::{self, Write};

const COLUMNS: &[&str] = &[
    "dataset",
    "check",
    "severity",
    "file",
    "line",
    "cell",
    "area",
    "area_name",
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
    "baseline",
    "fingerprint",
];

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    };
    w.write_record(COLUMNS).map_err(io)?;
    for (d, ci, r, fi, f) in run.findings() {
        let n =
            |x: &Option<crate::check::Num>| x.as_ref().map(|n| n.text.clone()).unwrap_or_default();
        let s = |x: &Option<String>| x.clone().unwrap_or_default();
        let loc = f.location.as_ref();
        let record = [
            d.name.clone(),
            r.check.id.clone(),
            r.check.severity.as_str().to_string(),
            d.file_of(f),
            loc.and_then(|l| l.line)
                .map(|l| l.to_string())
                .unwrap_or_default(),
            loc.and_then(|l| l.cell.clone()).unwrap_or_default(),
            s(&f.area),
            s(&f.area_name),
            s(&f.indicator),
            f.year.map(|y| y.to_string()).unwrap_or_default(),
            s(&f.period),
            n(&f.observed),
            n(&f.expected),
            n(&f.difference),
            n(&f.tolerance),
            s(&f.tolerance_source),
            n(&f.previous),
            f.message.clone(),
            s(&f.hint),
            d.status(ci, fi)
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            d.fingerprint(&r.check.id, f),
        ];
        let cells: Vec<std::borrow::Cow<'_, str>> = record.iter().map(|c| inert(c)).collect();
        w.write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(io)?;
    }
    w.flush()
}

/// The cell as a spreadsheet should show it: text that would start a formula gets a leading `'`. A plain
/// number (`-12.5`, `+3`, `1e-5`) is left as it is, so negative values stay numbers: a spreadsheet reads it
/// as a constant, never as a formula.
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !plain_number(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// `[+-]digits[.digits][e[+-]digits]`, nothing else.
fn plain_number(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(digits)
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn formula_cells_are_neutralised_and_numbers_kept() {
        for (cell, shown) in [
            ("=1+cmd|' /C calc'!A0.csv", "'=1+cmd|' /C calc'!A0.csv"),
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("@SUM(1)", "'@SUM(1)"),
            ("+1+1", "'+1+1"),
            ("-1+1", "'-1+1"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-", "'-"),
            ("-58519", "-58519"),
            ("-12.5", "-12.5"),
            ("+3", "+3"),
            ("-1e-5", "-1e-5"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(inert(cell), shown, "{cell}");
        }
    }
}
