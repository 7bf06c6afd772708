//! A property test of loading: for generated CSV rows, valid and invalid mixed (numbers in the Vietnamese and
//! English formats, with and without digit groups and quotes, placeholders, garbage, rows with a field too many
//! or too few), every value read is loaded or rejected, and every loaded value is the number its printed text
//! denotes, decoded here independently of statlint's parser.

use crate::statlint;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::collections::HashMap;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Locale {
    Vi,
    En,
}

impl Locale {
    /// (decimal separator, group separator)
    fn seps(self) -> (char, char) {
        match self {
            Locale::Vi => (',', '.'),
            Locale::En => ('.', ','),
        }
    }
}

#[derive(Debug, Clone)]
enum Row {
    /// A number: sign, integer part, decimals as printed, digit groups, quoted.
    Number {
        negative: bool,
        int: u64,
        frac: String,
        grouped: bool,
        quoted: bool,
    },
    Placeholder(&'static str),
    /// Text that is no number: always has a letter no unit or placeholder starts with.
    Garbage(String),
    /// A row with a field too many (true) or too few.
    WrongCount(bool),
}

fn row() -> impl Strategy<Value = Row> {
    prop_oneof![
        6 => (any::<bool>(), 0u64..2_000_000_000, "[0-9]{0,3}", any::<bool>(), any::<bool>()).prop_map(
            |(negative, int, frac, grouped, quoted)| Row::Number {
                negative: negative && (int > 0 || frac.chars().any(|c| c != '0')),
                int,
                frac,
                grouped,
                quoted,
            }
        ),
        1 => prop::sample::select(vec!["-", "..", "...", "x", "X", "–"]).prop_map(Row::Placeholder),
        1 => "q[a-z0-9 ,.;'\"]{0,8}".prop_map(Row::Garbage),
        1 => any::<bool>().prop_map(Row::WrongCount),
    ]
}

/// The integer part with groups of three.
fn group(int: u64, sep: char) -> String {
    let digits = int.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A CSV field, quoted (with doubled quotes) when asked or needed.
fn field(text: &str, quoted: bool) -> String {
    if quoted || text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

impl Row {
    /// The printed number, when the row is one.
    fn number_text(&self, l: Locale) -> Option<String> {
        let Row::Number {
            negative,
            int,
            frac,
            grouped,
            ..
        } = self
        else {
            return None;
        };
        let (dec, grp) = l.seps();
        let mut t = String::new();
        if *negative {
            t.push('-');
        }
        t.push_str(&if *grouped {
            group(*int, grp)
        } else {
            int.to_string()
        });
        if !frac.is_empty() {
            t.push(dec);
            t.push_str(frac);
        }
        Some(t)
    }

    /// The exact value the generator meant, in canonical form.
    fn expected(&self) -> Option<String> {
        let Row::Number {
            negative,
            int,
            frac,
            ..
        } = self
        else {
            return None;
        };
        Some(canonical(&format!(
            "{}{int}.{frac}",
            if *negative { "-" } else { "" }
        )))
    }

    fn line(&self, l: Locale, area: &str, year: i32) -> String {
        let key = format!("{area},rev,{year}");
        match self {
            Row::Number { quoted, .. } => {
                format!("{key},{}", field(&self.number_text(l).unwrap(), *quoted))
            }
            Row::Placeholder(p) => format!("{key},{p}"),
            Row::Garbage(g) => format!("{key},{}", field(g, true)),
            Row::WrongCount(true) => format!("{key},1,2"),
            Row::WrongCount(false) => format!("{area},rev"),
        }
    }
}

/// A decimal in canonical form: no trailing zeros after the point, no point without decimals, no sign on zero.
fn canonical(s: &str) -> String {
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let body = if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    };
    if neg && body != "0" {
        format!("-{body}")
    } else {
        body
    }
}

/// Decodes a printed number under a locale, independently of statlint: groups of three digits after the
/// group separator, one decimal separator. `None` when the text is not such a number.
fn decode(text: &str, l: Locale) -> Option<String> {
    let (dec, grp) = l.seps();
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (int, frac) = match t.split_once(dec) {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let groups: Vec<&str> = int.split(grp).collect();
    if groups[0].is_empty()
        || !groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
        || groups[1..].iter().any(|g| g.len() != 3)
    {
        return None;
    }
    Some(canonical(&format!(
        "{}{}.{frac}",
        if neg { "-" } else { "" },
        groups.concat()
    )))
}

const MANIFEST: &str = r#"
[dataset]
name = "prop"

[[area]]
code = "11"
name = "Tỉnh"
level = "province"

[[area]]
code = "094"
name = "Huyện A"
level = "district"
parent = "11"

[[indicator]]
code = "rev"
name = "Thu ngân sách"
unit = "tỷ đồng"
class = "additive"
signed = true

[[file]]
path = "vi.csv"
locale = "vi"

[[file]]
path = "en.csv"
locale = "en"
"#;

/// What statlint made of one line: loaded (value, value_text) or rejected (values it stands for).
#[derive(Debug)]
enum Got {
    Loaded(Option<String>, String),
    Rejected(i64),
}

fn run_case(vi: &[Row], en: &[Row]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("statlint.toml"), MANIFEST).unwrap();
    for (name, rows, l) in [("vi.csv", vi, Locale::Vi), ("en.csv", en, Locale::En)] {
        let mut text = String::from("area,indicator,year,value\n");
        for (i, r) in rows.iter().enumerate() {
            let area = if i % 2 == 0 { "11" } else { "094" };
            writeln!(text, "{}", r.line(l, area, 1900 + i as i32)).unwrap();
        }
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let query = "SELECT file::VARCHAR AS file, line, 'loaded' AS kind, value::VARCHAR AS value, value_text AS text, 1 AS n FROM observations \
                 UNION ALL SELECT file, line, 'rejected', NULL, raw, \"values\" FROM rejects \
                 UNION ALL SELECT file, NULL, 'file', values_loaded || '/' || values_rejected, NULL, values_read FROM files";
    let out = statlint()
        .args([
            "sql",
            "-q",
            "--format",
            "json",
            dir.path().to_str().unwrap(),
            query,
        ])
        .output()
        .unwrap();
    prop_assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: HashMap<(String, i64), Vec<Got>> = HashMap::new();
    let mut files: HashMap<String, (String, i64)> = HashMap::new();
    for r in &rows {
        let file = r["file"].as_str().unwrap().to_string();
        let n = r["n"].as_i64().unwrap();
        match r["kind"].as_str().unwrap() {
            "file" => {
                files.insert(file, (r["value"].as_str().unwrap().to_string(), n));
            }
            kind => {
                let line = r["line"].as_i64().expect("a line for every CSV value");
                let g = if kind == "loaded" {
                    Got::Loaded(
                        r["value"].as_str().map(canonical),
                        r["text"].as_str().unwrap().to_string(),
                    )
                } else {
                    Got::Rejected(n)
                };
                got.entry((file, line)).or_default().push(g);
            }
        }
    }
    for (name, generated, l) in [("vi.csv", vi, Locale::Vi), ("en.csv", en, Locale::En)] {
        // loaded + rejected = read, in the files table and value by value.
        let (counts, values) = files
            .get(name)
            .cloned()
            .unwrap_or_else(|| ("0/0".into(), 0));
        let (loaded, rejected) = counts.split_once('/').unwrap();
        let (loaded, rejected): (i64, i64) = (loaded.parse().unwrap(), rejected.parse().unwrap());
        prop_assert_eq!(values, generated.len() as i64, "{} values read", name);
        prop_assert_eq!(loaded + rejected, values, "{}: {}", name, counts);
        for (i, r) in generated.iter().enumerate() {
            let line = i as i64 + 2;
            let at = got.get(&(name.to_string(), line));
            let what = format!("{name}:{line} {:?} printed as {}", r, r.line(l, "11", 0));
            prop_assert!(at.is_some_and(|v| v.len() == 1), "{}: {:?}", what, at);
            let g = &at.unwrap()[0];
            match (r, g) {
                (Row::Number { .. }, Got::Loaded(value, text)) => {
                    prop_assert_eq!(value.clone(), r.expected(), "{}", what);
                    prop_assert_eq!(decode(text, l), r.expected(), "{}: {}", what, text);
                }
                (Row::Placeholder(_), Got::Loaded(value, _)) => {
                    prop_assert_eq!(value, &None, "{}", what)
                }
                (Row::Garbage(_) | Row::WrongCount(_), Got::Rejected(n)) => {
                    prop_assert_eq!(*n, 1, "{}", what)
                }
                _ => prop_assert!(false, "{}: got {:?}", what, g),
            }
        }
    }
    Ok(())
}

#[test]
fn every_value_read_is_loaded_as_printed_or_rejected() {
    let mut runner = TestRunner::new(Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    });
    let rows = || prop::collection::vec(row(), 1..25);
    runner
        .run(&(rows(), rows()), |(vi, en)| run_case(&vi, &en))
        .unwrap();
}

#[test]
fn the_independent_decoder_reads_both_formats() {
    assert_eq!(decode("1.234,50", Locale::Vi).as_deref(), Some("1234.5"));
    assert_eq!(decode("-1,234.05", Locale::En).as_deref(), Some("-1234.05"));
    assert_eq!(decode("12,34", Locale::En), None);
    assert_eq!(group(1234567, '.'), "1.234.567");
    assert_eq!(canonical("-0.000"), "0");
}
