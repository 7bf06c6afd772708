//! The number parser: every text under every locale, a declared one with unusual separators among them.
//! Checks that a parsed number prints as text that parses back to it, that the fast path for plain numbers
//! agrees with the full reader, and that a spreadsheet's double survives `from_f64`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use statlint::number::{self, Locale, Number};

/// Thousands separators a manifest can declare (`group = ...`).
const GROUPS: [Option<char>; 10] = [
    None,
    Some('.'),
    Some(','),
    Some(' '),
    Some('\u{a0}'),
    Some('\''),
    Some('_'),
    Some('e'),
    Some('-'),
    Some('%'),
];

const CANONICAL: Locale = Locale {
    decimal: '.',
    group: None,
};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    if rest.len() >= 8 {
        let x = f64::from_le_bytes(rest[..8].try_into().expect("8 bytes"));
        if let Some(n) = Number::from_f64(x) {
            let y = n.to_f64();
            assert!(
                (y - x).abs() <= x.abs() * 1e-14 + 1e-322,
                "from_f64({x:e}) = {n} reads back as {y:e}"
            );
        }
    }
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let decimal = if sel & 1 == 0 { '.' } else { ',' };
    let group = GROUPS[(sel >> 1) as usize % GROUPS.len()].filter(|g| *g != decimal);
    let custom = Locale { decimal, group };
    for locale in [None, Some(Locale::VI), Some(Locale::EN), Some(custom)] {
        let parsed = number::parse_cell(text, locale);
        match &parsed {
            Ok(p) => {
                let n = p.number;
                assert!(n.digits() as usize <= number::MAX_DIGITS, "{n:?}");
                let _ = n.to_f64();
                for scale in [0, 1, 2, 6, 18, 38] {
                    let _ = n.mantissa_at(scale);
                }
                if n.decimals >= 0 {
                    let printed = n.to_string();
                    assert_eq!(
                        number::parse(&printed, Some(CANONICAL)),
                        Ok(n),
                        "{text:?} under {locale:?} prints as {printed:?}"
                    );
                }
            }
            Err(e) => {
                let _ = (e.to_string(), e.reason());
            }
        }
        let _ = number::parse(text, locale);
        // The fast path: a trailing no-break space sends the same text through the full reader.
        if let Some(p) = number::plain(text, locale) {
            assert_eq!(parsed, Ok(p));
            let full = number::parse_cell(&format!("{text}\u{a0}"), locale);
            assert_eq!(
                full.map(|f| f.number),
                Ok(p.number),
                "{text:?} under {locale:?}: the fast path and the full reader differ"
            );
        }
    }
});
