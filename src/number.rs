//! Numbers as statistical offices print them.
//!
//! A value is kept exactly as `mantissa × 10^-decimals`, with `decimals` counted from the printed text
//! (trailing zeros included: `43,50` has two), because the rounding tolerance of the hierarchy checks comes
//! from the printed precision, not from a binary double.
//!
//! The locale decides which of `.` and `,` is the decimal separator. With a declared locale every cell is read
//! by that locale and a cell that does not fit it (a decimal comma in an English file) is an error that says
//! why. Without one, a cell is read only when exactly one reading exists: `43,5` and `1.234,5` are Vietnamese,
//! `43.5` and `1,234.5` English, `1.234` could be either and is reported as ambiguous, never guessed.

use std::fmt;

/// Which characters separate decimals and thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale {
    pub decimal: char,
    /// `None`: digit grouping is not allowed at all.
    pub group: Option<char>,
}

impl Locale {
    /// Vietnamese convention: `2.300` is two thousand three hundred, `43,5` is 43.5.
    pub const VI: Locale = Locale {
        decimal: ',',
        group: Some('.'),
    };
    /// English convention: `2,300.5`.
    pub const EN: Locale = Locale {
        decimal: '.',
        group: Some(','),
    };

    /// A short name for messages: `vi`, `en`, or the separators themselves.
    pub fn describe(&self) -> String {
        match *self {
            Locale::VI => "vi (decimal ',', thousands '.')".to_string(),
            Locale::EN => "en (decimal '.', thousands ',')".to_string(),
            Locale {
                decimal,
                group: Some(g),
            } => format!("decimal '{decimal}', thousands '{}'", show_sep(g)),
            Locale {
                decimal,
                group: None,
            } => format!("decimal '{decimal}', no thousands separator"),
        }
    }
}

fn show_sep(c: char) -> String {
    match c {
        ' ' => "space".to_string(),
        '\u{a0}' => "no-break space".to_string(),
        '\u{202f}' => "narrow no-break space".to_string(),
        c => c.to_string(),
    }
}

/// An exact decimal number: `mantissa × 10^-decimals`. `decimals` may be negative for numbers printed in
/// scientific notation with few significant digits (`1.5E+06` has a precision of 10^5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number {
    pub mantissa: i128,
    pub decimals: i32,
}

/// The largest number of significant digits kept exactly (DuckDB's DECIMAL(38)).
pub const MAX_DIGITS: usize = 38;

/// The most decimals a loaded value keeps, and the most digits before its decimal point: every value then
/// fits DECIMAL(38,18), so one odd value cannot turn a column that is exact into DOUBLE.
pub const MAX_DECIMALS: i32 = 18;
pub const MAX_INT_DIGITS: i32 = MAX_DIGITS as i32 - MAX_DECIMALS;

impl Number {
    pub fn to_f64(self) -> f64 {
        // Parsing the canonical text gives the correctly rounded double.
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// The mantissa of this number at `scale` decimals, if it is exact there and fits.
    pub fn mantissa_at(self, scale: i32) -> Option<i128> {
        let shift = scale - self.decimals;
        if shift >= 0 {
            10i128
                .checked_pow(shift as u32)
                .and_then(|p| self.mantissa.checked_mul(p))
        } else {
            let p = 10i128.checked_pow((-shift) as u32)?;
            (self.mantissa % p == 0).then(|| self.mantissa / p)
        }
    }

    /// The number as a loaded value keeps it: within [`MAX_DECIMALS`] decimals (trailing zeros beyond them
    /// dropped) and [`MAX_INT_DIGITS`] digits before the point; otherwise why it cannot be kept exactly.
    /// Such a value is rejected, never rounded.
    pub fn storable(self) -> Result<Number, String> {
        let mut n = self;
        if n.decimals > MAX_DECIMALS {
            match n.mantissa_at(MAX_DECIMALS) {
                Some(m) => {
                    n = Number {
                        mantissa: m,
                        decimals: MAX_DECIMALS,
                    }
                }
                None => {
                    return Err(format!(
                        "it has {} decimals, and values keep at most {MAX_DECIMALS} exactly: it would be rounded",
                        n.decimals
                    ));
                }
            }
        }
        let int_digits = n.digits() as i32 - n.decimals;
        if n.mantissa != 0 && int_digits > MAX_INT_DIGITS {
            return Err(format!(
                "it has {int_digits} digits before the decimal point, and values keep at most {MAX_INT_DIGITS} exactly"
            ));
        }
        Ok(n)
    }

    /// Multiplies by 10^k exactly: the printed precision moves with the value.
    pub fn shift(self, k: i32) -> Number {
        Number {
            mantissa: self.mantissa,
            decimals: self.decimals - k,
        }
    }

    /// Number of digits in the mantissa (0 has one).
    pub fn digits(self) -> u32 {
        let m = self.mantissa.unsigned_abs();
        match u64::try_from(m) {
            Ok(m) => m.checked_ilog10().map_or(1, |l| l + 1),
            Err(_) => m.ilog10() + 1,
        }
    }

    /// The number from a double, as a spreadsheet shows it: rounded to 15 significant digits (Excel's
    /// precision) so that `0.1 + 0.2` is 0.3, then the shortest text that reads back to that double.
    pub fn from_f64(x: f64) -> Option<Number> {
        if !x.is_finite() {
            return None;
        }
        let rounded: f64 = format!("{x:.14e}").parse().ok()?;
        let text = format!("{rounded}");
        // `{}` on f64 never uses exponent notation; it prints the shortest round-trip digits.
        parse(
            &text,
            Some(Locale {
                decimal: '.',
                group: None,
            }),
        )
        .ok()
    }
}

impl fmt::Display for Number {
    /// Canonical text: '.' decimal separator, no grouping, all printed decimals kept.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.mantissa < 0;
        let digits = self.mantissa.unsigned_abs().to_string();
        let sign = if neg { "-" } else { "" };
        if self.decimals <= 0 {
            let zeros = "0".repeat((-self.decimals) as usize);
            if self.mantissa == 0 {
                return write!(f, "0");
            }
            return write!(f, "{sign}{digits}{zeros}");
        }
        let d = self.decimals as usize;
        if digits.len() > d {
            let (int, frac) = digits.split_at(digits.len() - d);
            write!(f, "{sign}{int}.{frac}")
        } else {
            write!(f, "{sign}0.{}{digits}", "0".repeat(d - digits.len()))
        }
    }
}

/// Why a cell is not a number. The message is written for the person who has to fix the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    /// Not a number at all, or malformed under the locale.
    Unparseable(String),
    /// Valid under more than one locale with different values.
    Ambiguous(String),
    /// A number followed by words, e.g. `2.300 tỷ`.
    UnitInNumber { number: String, unit: String },
    /// More significant digits than can be kept exactly.
    TooManyDigits,
}

impl NumberError {
    /// The reject reason code stored in the `rejects` table.
    pub fn reason(&self) -> &'static str {
        match self {
            NumberError::Unparseable(_) | NumberError::TooManyDigits => "unparseable_number",
            NumberError::Ambiguous(_) => "ambiguous_number",
            NumberError::UnitInNumber { .. } => "unit_in_number",
        }
    }
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberError::Unparseable(m) | NumberError::Ambiguous(m) => f.write_str(m),
            NumberError::UnitInNumber { number, unit } => write!(
                f,
                "the number {number} is followed by '{unit}': give the unit in a unit column, a unit cell or the manifest"
            ),
            NumberError::TooManyDigits => write!(f, "more than {MAX_DIGITS} significant digits"),
        }
    }
}

/// What the text looked like, for the evidence the loader reports about an undeclared locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// No separator: reads the same in every locale.
    None,
    /// Only a reading with this decimal separator is valid.
    Decimal(char),
}

/// A parsed number, with a trailing `%` or `‰` if the cell carried one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    pub number: Number,
    pub suffix: Option<char>,
    pub evidence: Evidence,
}

/// Parses `text` under `locale` (`None`: undeclared). Leading and trailing white space is ignored; the text
/// must not be empty (placeholders are the caller's business).
pub fn parse(text: &str, locale: Option<Locale>) -> Result<Number, NumberError> {
    parse_cell(text, locale).and_then(|p| match p.suffix {
        None => Ok(p.number),
        Some(s) => Err(NumberError::UnitInNumber {
            number: text.trim().trim_end_matches(s).trim().to_string(),
            unit: s.to_string(),
        }),
    })
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2009}'
}

/// The common case read directly: ASCII digits with an optional sign and one decimal separator of a
/// declared locale, at most 18 digits. Anything else (`None`) goes through the full reader, which gives the
/// same number for every text this accepts.
pub fn plain(text: &str, locale: Option<Locale>) -> Option<Parsed> {
    let loc = locale?;
    let t = text.as_bytes().trim_ascii();
    let (negative, body) = match t.first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let decimal = u8::try_from(loc.decimal).ok().filter(u8::is_ascii)?;
    let (int, frac) = match body.iter().position(|&b| b == decimal) {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, &[][..]),
    };
    if int.is_empty() || int.len() + frac.len() > 18 || (frac.is_empty() && int.len() < body.len())
    {
        return None;
    }
    let mut m: i64 = 0;
    for &b in int.iter().chain(frac) {
        if !b.is_ascii_digit() {
            return None;
        }
        m = m * 10 + (b - b'0') as i64;
    }
    Some(Parsed {
        number: Number {
            mantissa: if negative { -(m as i128) } else { m as i128 },
            decimals: frac.len() as i32,
        },
        suffix: None,
        evidence: Evidence::None,
    })
}

/// Parses a cell that may end in `%` or `‰`.
pub fn parse_cell(text: &str, locale: Option<Locale>) -> Result<Parsed, NumberError> {
    if let Some(p) = plain(text, locale) {
        return Ok(p);
    }
    let t = text.trim_matches(is_space);
    if t.is_empty() {
        return Err(NumberError::Unparseable("empty cell".to_string()));
    }
    // Split off a trailing percent or per-mille sign.
    let (t, suffix) = match t.chars().last() {
        Some(c @ ('%' | '‰')) => (
            t[..t.len() - c.len_utf8()].trim_end_matches(is_space),
            Some(c),
        ),
        _ => (t, None),
    };
    let (negative, body) = match t.chars().next() {
        Some('-') => (true, &t[1..]),
        Some('+') => (false, &t[1..]),
        Some('\u{2212}') => (true, &t['\u{2212}'.len_utf8()..]),
        _ => (false, t),
    };
    // Find where the numeric part ends; anything after it that is a word is a glued unit.
    let numeric_end = body
        .char_indices()
        .find(|&(_, c)| {
            !(c.is_ascii_digit()
                || c == '.'
                || c == ','
                || c == '\''
                || is_space(c)
                || c == 'e'
                || c == 'E'
                || c == '+'
                || c == '-')
        })
        .map(|(i, _)| i)
        .unwrap_or(body.len());
    if numeric_end < body.len() {
        let (num, rest) = body.split_at(numeric_end);
        let num = num.trim_end_matches(is_space);
        let starts_alpha = rest
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '$' || c == '€');
        if !num.is_empty() && num.chars().next().is_some_and(|c| c.is_ascii_digit()) && starts_alpha
        {
            // `2.300 tỷ`, `1,5tr`, `15 người`; but `1e5` never reaches here (e is allowed above).
            return Err(NumberError::UnitInNumber {
                number: format!("{}{}", if negative { "-" } else { "" }, num),
                unit: rest.trim().to_string(),
            });
        }
        return Err(NumberError::Unparseable(format!(
            "'{}' is not a number",
            text.trim()
        )));
    }
    // Exponent part.
    let (mant_text, exponent) = match body.find(['e', 'E']) {
        Some(i) => {
            let exp_text = &body[i + 1..];
            let exp: i32 = exp_text
                .strip_prefix('+')
                .unwrap_or(exp_text)
                .parse()
                .ok()
                .filter(|e: &i32| e.abs() <= 60)
                .ok_or_else(|| {
                    NumberError::Unparseable(format!("'{}' has a malformed exponent", text.trim()))
                })?;
            (&body[..i], exp)
        }
        None => (body, 0),
    };
    if mant_text.contains(['+', '-']) {
        return Err(NumberError::Unparseable(format!(
            "'{}' is not a number",
            text.trim()
        )));
    }
    let (number, evidence) = match locale {
        Some(loc) => (
            read_with(mant_text, loc).map_err(|why| explain(text.trim(), loc, why))?,
            Evidence::None,
        ),
        None => read_undeclared(mant_text, text.trim())?,
    };
    let Number {
        mut mantissa,
        mut decimals,
    } = number;
    if negative {
        mantissa = -mantissa;
    }
    decimals -= exponent;
    // Keep `decimals >= 0` when the exponent leaves a short integer mantissa; printed precision stays negative
    // only where the digits really stop above the units (1.5E+06 keeps a precision of 10^5).
    let number = Number { mantissa, decimals };
    if number.digits() as usize > MAX_DIGITS {
        return Err(NumberError::TooManyDigits);
    }
    Ok(Parsed {
        number,
        suffix,
        evidence,
    })
}

/// Why a text does not fit a declared locale.
enum Misfit {
    ForeignChar(char),
    TwoDecimals,
    BadGroup { sep: char, digits_after: usize },
    GroupAfterDecimal,
    NoDigits,
    TooLong,
}

fn explain(text: &str, loc: Locale, why: Misfit) -> NumberError {
    let l = loc.describe();
    NumberError::Unparseable(match why {
        Misfit::NoDigits => format!("'{text}' is not a number"),
        Misfit::TooLong => format!("'{text}' has more than {MAX_DIGITS} significant digits"),
        Misfit::ForeignChar(c) => {
            format!(
                "'{text}' contains '{}', which is not a separator in this file's locale {l}",
                show_sep(c)
            )
        }
        Misfit::TwoDecimals => format!(
            "'{text}' has more than one decimal separator '{}' (locale {l})",
            loc.decimal
        ),
        Misfit::GroupAfterDecimal => {
            format!("'{text}' has a thousands separator after the decimal separator (locale {l})")
        }
        Misfit::BadGroup { sep, digits_after } => {
            let hint = if sep == ',' && digits_after != 3 {
                ": is this a decimal comma in a file declared English?"
            } else if sep == '.' && digits_after != 3 {
                ": is this a decimal point in a file declared Vietnamese?"
            } else {
                ""
            };
            format!(
                "'{text}': '{}' is the thousands separator in this file's locale {l}, but a group of {digits_after} digit{} follows it{hint}",
                show_sep(sep),
                if digits_after == 1 { "" } else { "s" }
            )
        }
    })
}

/// Reads digits with separators under a declared locale (sign and exponent already removed).
fn read_with(s: &str, loc: Locale) -> Result<Number, Misfit> {
    let (int_part, frac_part) = match s.find(loc.decimal) {
        Some(i) => {
            let frac = &s[i + loc.decimal.len_utf8()..];
            if frac.contains(loc.decimal) {
                return Err(Misfit::TwoDecimals);
            }
            (&s[..i], Some(frac))
        }
        None => (s, None),
    };
    if let Some(frac) = frac_part {
        if let Some(c) = frac.chars().find(|c| !c.is_ascii_digit()) {
            return Err(if Some(c) == loc.group {
                Misfit::GroupAfterDecimal
            } else {
                Misfit::ForeignChar(c)
            });
        }
    }
    let mut digits = String::with_capacity(s.len());
    match loc.group {
        Some(g) if int_part.contains(g) => {
            let groups: Vec<&str> = int_part.split(g).collect();
            for (i, grp) in groups.iter().enumerate() {
                if let Some(c) = grp.chars().find(|c| !c.is_ascii_digit()) {
                    return Err(Misfit::ForeignChar(c));
                }
                // A first group of 1-3 digits without a leading zero, then groups of exactly 3.
                let ok = if i == 0 {
                    (1..=3).contains(&grp.len()) && !grp.starts_with('0')
                } else {
                    grp.len() == 3
                };
                if !ok {
                    let digits_after = if i == 0 {
                        groups.get(1).map_or(0, |g| g.len())
                    } else {
                        grp.len()
                    };
                    return Err(Misfit::BadGroup {
                        sep: g,
                        digits_after,
                    });
                }
                digits.push_str(grp);
            }
        }
        _ => {
            if let Some(c) = int_part.chars().find(|c| !c.is_ascii_digit()) {
                return Err(Misfit::ForeignChar(c));
            }
            digits.push_str(int_part);
        }
    }
    let frac = frac_part.unwrap_or("");
    if digits.is_empty() && frac.is_empty() {
        return Err(Misfit::NoDigits);
    }
    digits.push_str(frac);
    let mantissa = mantissa_of(&digits).ok_or(Misfit::TooLong)?;
    Ok(Number {
        mantissa,
        decimals: frac.len() as i32,
    })
}

fn mantissa_of(digits: &str) -> Option<i128> {
    let significant = digits.trim_start_matches('0');
    if significant.len() > MAX_DIGITS {
        return None;
    }
    if significant.is_empty() {
        return Some(0);
    }
    significant.parse().ok()
}

/// Reads digits with separators when no locale is declared: only a text with a single valid reading is
/// accepted.
fn read_undeclared(s: &str, original: &str) -> Result<(Number, Evidence), NumberError> {
    let has_dot = s.contains('.');
    let has_comma = s.contains(',');
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_digit() || *c == '.' || *c == ','))
    {
        return Err(NumberError::Unparseable(format!(
            "'{original}' contains '{}'; declare the file's locale if it is a separator",
            show_sep(c)
        )));
    }
    if !has_dot && !has_comma {
        let n = read_with(
            s,
            Locale {
                decimal: '.',
                group: None,
            },
        )
        .map_err(|m| match m {
            Misfit::TooLong => NumberError::TooManyDigits,
            _ => NumberError::Unparseable(format!("'{original}' is not a number")),
        })?;
        return Ok((n, Evidence::None));
    }
    let readings: Vec<(Locale, Number)> = [Locale::VI, Locale::EN]
        .into_iter()
        .filter_map(|loc| read_with(s, loc).ok().map(|n| (loc, n)))
        .collect();
    match readings.as_slice() {
        [] => Err(NumberError::Unparseable(format!(
            "'{original}' is not a number in either the Vietnamese or the English format"
        ))),
        [(loc, n)] => Ok((*n, Evidence::Decimal(loc.decimal))),
        [(_, a), (_, b)] if a == b => Ok((*a, Evidence::None)),
        [(_, vi), (_, en), ..] => Err(NumberError::Ambiguous(format!(
            "'{original}' reads as {vi} in the Vietnamese format and as {en} in the English format; declare the file's locale"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_that_cannot_be_kept_exactly_are_refused_not_rounded() {
        let vi = Some(Locale::VI);
        let tiny = format!("0,{}1", "0".repeat(60));
        let n = parse(&tiny, vi).unwrap();
        assert_eq!(n.decimals, 61);
        assert!(n.storable().unwrap_err().contains("61 decimals"));
        let n = Number::from_f64(5e-324).unwrap();
        assert!(n.storable().is_err());
        let n = parse("0,1234567890123456789012", vi).unwrap();
        assert!(n.storable().unwrap_err().contains("22 decimals"));
        // Trailing zeros beyond the kept decimals lose nothing.
        let n = parse(&format!("1,5{}", "0".repeat(30)), vi).unwrap();
        assert_eq!(
            n.storable(),
            Ok(Number {
                mantissa: 15 * 10i128.pow(17),
                decimals: 18
            })
        );
        let n = parse("123456789012345678901", vi).unwrap();
        assert!(n.storable().unwrap_err().contains("21 digits"));
        let n = parse("12345678901234567890,123456789012345678", vi).unwrap();
        assert_eq!(n.storable(), Ok(n));
        let n = parse("-0,5", vi).unwrap();
        assert_eq!(n.storable(), Ok(n));
    }

    #[test]
    fn the_plain_reader_agrees_with_the_full_reader() {
        let slow = |t: &str, l: Locale| {
            let mut p = parse_cell(&format!("{t}\u{a0}"), Some(l));
            if let Ok(p) = &mut p {
                p.evidence = Evidence::None;
            }
            p
        };
        for l in [Locale::VI, Locale::EN] {
            for t in [
                "0",
                "-0",
                "+12",
                "007",
                "12.5",
                "12,5",
                "-0.05",
                "-0,05",
                " 42 ",
                "123456789012345678",
                "1.234",
                "1,234",
                "12.",
                "12,",
                ".5",
                ",5",
                "1.2.3",
                "1e5",
                "12a",
                "-",
                "+",
            ] {
                if let Some(fast) = plain(t, Some(l)) {
                    assert_eq!(Ok(fast), slow(t, l), "{t:?} in {l:?}");
                }
            }
        }
        assert_eq!(plain("12.5", None), None);
    }

    fn n(m: i128, d: i32) -> Number {
        Number {
            mantissa: m,
            decimals: d,
        }
    }

    #[test]
    fn vietnamese_locale_reads_dot_groups_and_decimal_comma() {
        assert_eq!(parse("2.300", Some(Locale::VI)), Ok(n(2300, 0)));
        assert_eq!(parse("43,5", Some(Locale::VI)), Ok(n(435, 1)));
        assert_eq!(parse("1.234.567,50", Some(Locale::VI)), Ok(n(123456750, 2)));
        assert_eq!(parse("-0,05", Some(Locale::VI)), Ok(n(-5, 2)));
    }

    #[test]
    fn english_locale_rejects_a_decimal_comma_with_a_reason() {
        let err = parse("43,5", Some(Locale::EN)).unwrap_err();
        assert_eq!(err.reason(), "unparseable_number");
        assert!(err.to_string().contains("decimal comma"), "{err}");
        assert_eq!(parse("1,234.5", Some(Locale::EN)), Ok(n(12345, 1)));
    }

    #[test]
    fn misplaced_group_separators_are_rejected() {
        assert!(parse("12.34.567", Some(Locale::VI)).is_err());
        assert!(parse("1234.567", Some(Locale::VI)).is_err());
        assert!(parse("1.234,5.6", Some(Locale::VI)).is_err());
    }

    #[test]
    fn undeclared_locale_reads_only_unambiguous_text() {
        assert_eq!(parse("43,5", None), Ok(n(435, 1)));
        assert_eq!(parse("43.5", None), Ok(n(435, 1)));
        assert_eq!(parse("1.234,5", None), Ok(n(12345, 1)));
        assert_eq!(parse("1,234.5", None), Ok(n(12345, 1)));
        assert_eq!(parse("1.234.567", None), Ok(n(1234567, 0)));
        assert_eq!(parse("0.123", None), Ok(n(123, 3)));
        assert_eq!(parse("1234", None), Ok(n(1234, 0)));
        let err = parse("1.234", None).unwrap_err();
        assert_eq!(err.reason(), "ambiguous_number");
        assert!(
            err.to_string().contains("1234") && err.to_string().contains("1.234"),
            "{err}"
        );
        assert_eq!(
            parse("2,300", None).unwrap_err().reason(),
            "ambiguous_number"
        );
    }

    #[test]
    fn printed_decimals_are_kept() {
        assert_eq!(parse("43,50", Some(Locale::VI)), Ok(n(4350, 2)));
        assert_eq!(parse("7.0", Some(Locale::EN)), Ok(n(70, 1)));
        assert_eq!(parse("7.0", Some(Locale::EN)).unwrap().to_string(), "7.0");
    }

    #[test]
    fn scientific_notation_keeps_its_precision() {
        assert_eq!(parse("1.5E+06", Some(Locale::EN)), Ok(n(15, -5)));
        assert_eq!(
            parse("1.5E+06", Some(Locale::EN)).unwrap().to_string(),
            "1500000"
        );
        assert_eq!(parse("2,5e-3", Some(Locale::VI)), Ok(n(25, 4)));
    }

    #[test]
    fn units_glued_to_numbers_are_rejected_by_name() {
        let err = parse("2.300 tỷ", Some(Locale::VI)).unwrap_err();
        assert_eq!(
            err,
            NumberError::UnitInNumber {
                number: "2.300".into(),
                unit: "tỷ".into()
            }
        );
        assert_eq!(
            parse("15người", None).unwrap_err().reason(),
            "unit_in_number"
        );
    }

    #[test]
    fn percent_sign_is_returned_as_a_suffix() {
        let p = parse_cell("43,5 %", Some(Locale::VI)).unwrap();
        assert_eq!((p.number, p.suffix), (n(435, 1), Some('%')));
        assert_eq!(
            parse("43,5%", Some(Locale::VI)).unwrap_err().reason(),
            "unit_in_number"
        );
    }

    #[test]
    fn garbage_is_unparseable() {
        for t in [
            "abc", "1-2", "--1", ".", ",", "1e", "1e999", "(123)", "#DIV/0!",
        ] {
            assert_eq!(
                parse(t, Some(Locale::VI)).map_err(|e| e.reason()),
                Err("unparseable_number"),
                "{t}"
            );
        }
    }

    #[test]
    fn too_many_digits_are_refused_not_rounded() {
        let long = "1".repeat(39);
        assert_eq!(parse(&long, None), Err(NumberError::TooManyDigits));
        let ok = "9".repeat(38);
        assert!(parse(&ok, None).is_ok());
    }

    #[test]
    fn doubles_read_as_a_spreadsheet_shows_them() {
        assert_eq!(Number::from_f64(0.1 + 0.2), Some(n(3, 1)));
        assert_eq!(Number::from_f64(43.5), Some(n(435, 1)));
        assert_eq!(Number::from_f64(96208984.0), Some(n(96208984, 0)));
        assert_eq!(Number::from_f64(-2.5e-7), Some(n(-25, 8)));
        assert_eq!(Number::from_f64(f64::NAN), None);
    }

    #[test]
    fn rescaling_is_exact_or_refused() {
        assert_eq!(n(435, 1).mantissa_at(3), Some(43500));
        assert_eq!(n(43500, 3).mantissa_at(1), Some(435));
        assert_eq!(n(43501, 3).mantissa_at(1), None);
        assert_eq!(n(15, -5).mantissa_at(0), Some(1_500_000));
    }
}
