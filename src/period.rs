//! Sub-annual periods (`Q1`–`Q4`, `H1`–`H2`, `M01`–`M12`) and the reference date of an observation: the
//! date at which its area must be valid and the area tree is taken. By default the last day of its period
//! (published figures follow the units that exist at the end); a dataset of plans made before the year
//! (`reference_date = "start"`) takes the first day.

/// Every period code, in calendar order within each kind.
pub const ALL: [&str; 18] = [
    "Q1", "Q2", "Q3", "Q4", "H1", "H2", "M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08",
    "M09", "M10", "M11", "M12",
];

/// Whether `p` is a period code statlint knows.
pub fn valid(p: &str) -> bool {
    last_month(p).is_some()
}

/// The last month of a period.
fn last_month(p: &str) -> Option<u32> {
    let (kind, n) = p.split_at_checked(1)?;
    if !((kind == "M" && n.len() == 2) || n.len() == 1) {
        return None;
    }
    let n: u32 = n.parse().ok()?;
    match (kind, n) {
        ("Q", 1..=4) => Some(n * 3),
        ("H", 1..=2) => Some(n * 6),
        ("M", 1..=12) => Some(n),
        _ => None,
    }
}

/// Normalises how periods are written in files: `q1`, `Quý 1`, `Q.1` → `Q1`; `T3`, `Tháng 3`, `M3` → `M03`;
/// `6 tháng đầu năm` and `H1` → `H1`. Returns `None` for text that is not a period.
pub fn normalize(text: &str) -> Option<String> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return None;
    }
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    let letters: String = t
        .chars()
        .filter(|c| c.is_alphabetic() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let n: u32 = digits.parse().ok()?;
    let code = match letters.as_str() {
        "q" | "quý" | "quy" | "quarter" => format!("Q{n}"),
        "h" | "half" => format!("H{n}"),
        "tháng đầu năm" | "thang dau nam" if n == 6 => "H1".to_string(),
        "m" | "t" | "tháng" | "thang" | "month" => format!("M{n:02}"),
        _ => return None,
    };
    valid(&code).then_some(code)
}

/// Which day of its period an observation refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefDate {
    Start,
    #[default]
    End,
}

impl RefDate {
    pub fn as_str(self) -> &'static str {
        match self {
            RefDate::Start => "start",
            RefDate::End => "end",
        }
    }
}

/// The first month of a period.
fn first_month(p: &str) -> Option<u32> {
    let last = last_month(p)?;
    Some(match &p[..1] {
        "Q" => last - 2,
        "H" => last - 5,
        _ => last,
    })
}

/// The reference date (`YYYY-MM-DD`) of an observation for `year` and an optional period.
pub fn reference_date(year: i32, period: Option<&str>, at: RefDate) -> String {
    if at == RefDate::Start {
        return format!(
            "{year:04}-{:02}-01",
            period.and_then(first_month).unwrap_or(1)
        );
    }
    let month = period.and_then(last_month).unwrap_or(12);
    let day = match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_spellings_normalise() {
        assert_eq!(normalize("Quý 1").as_deref(), Some("Q1"));
        assert_eq!(normalize("q4").as_deref(), Some("Q4"));
        assert_eq!(normalize("Tháng 3").as_deref(), Some("M03"));
        assert_eq!(normalize("6 tháng đầu năm").as_deref(), Some("H1"));
        assert_eq!(normalize("Q5"), None);
        assert_eq!(normalize("năm"), None);
    }

    #[test]
    fn reference_date_is_the_last_day_of_the_period_or_the_first() {
        let end = RefDate::End;
        assert_eq!(reference_date(2022, None, end), "2022-12-31");
        assert_eq!(reference_date(2025, Some("H1"), end), "2025-06-30");
        assert_eq!(reference_date(2024, Some("M02"), end), "2024-02-29");
        assert_eq!(reference_date(2025, Some("Q3"), end), "2025-09-30");
        assert_eq!(reference_date(2008, None, RefDate::Start), "2008-01-01");
        assert_eq!(
            reference_date(2025, Some("Q3"), RefDate::Start),
            "2025-07-01"
        );
        assert_eq!(
            reference_date(2025, Some("H2"), RefDate::Start),
            "2025-07-01"
        );
    }
}
