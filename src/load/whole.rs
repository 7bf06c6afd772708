//! Counts of whole things (schools, households, people) cannot have a fraction. A count printed `17,941` in a
//! file whose locale reads `,` as the decimal separator is 17.941 schools, which no office meant: the value is
//! rejected as ambiguous with both readings, never loaded as a silent fraction.

use crate::manifest::Indicator;
use crate::number::{Locale, Number};

/// Whether the indicator's values are whole numbers: an exact count, or `decimals = 0`. The unit alone does
/// not say it: an average population in người may be printed with a decimal.
pub(super) fn is_whole(ind: &Indicator) -> bool {
    ind.exact || ind.decimals == Some(0)
}

/// Why `value` (in the indicator's unit, read from `text`) cannot be this indicator's, or None.
pub(super) fn fraction_of_whole(
    ind: &Indicator,
    unit_name: &str,
    value: Number,
    text: &str,
    locale: Option<Locale>,
) -> Option<String> {
    if value.decimals <= 0
        || !is_whole(ind)
        || value.mantissa % 10i128.pow(value.decimals as u32) == 0
    {
        return None;
    }
    let why = if ind.exact {
        "an exact count".to_string()
    } else {
        format!("declared with 0 decimals (in {unit_name})")
    };
    let t = text.trim();
    // The other reading: the separator as a thousands separator, when three digits follow it.
    let sep = t.chars().rev().find(|c| *c == ',' || *c == '.');
    let other = sep.and_then(|s| {
        let (int, frac) = t.rsplit_once(s)?;
        (frac.len() == 3 && frac.chars().all(|c| c.is_ascii_digit()) && !int.contains(s)).then(
            || {
                let digits: String = t
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '-')
                    .collect();
                (s, digits)
            },
        )
    });
    let locale = locale
        .map(|l| format!(" in this file's locale {}", l.describe()))
        .unwrap_or_default();
    Some(match other {
        Some((s, digits)) => format!(
            "'{t}' reads as {value}{locale}, but {} ({}) is {why}: is '{s}' a thousands separator here, for {digits}? Write the number without a separator",
            ind.name, ind.code
        ),
        None => format!(
            "'{t}' reads as {value}{locale}, a fraction, but {} ({}) is {why}",
            ind.name, ind.code
        ),
    })
}
