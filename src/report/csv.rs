//! One row per finding, for a spreadsheet: UTF-8 with a byte order mark, which Excel needs to keep
//! Vietnamese text intact.

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
        w.write_record([
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
        ])
        .map_err(io)?;
    }
    w.flush()
}
