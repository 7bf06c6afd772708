use super::*;

/// Writes the manifest text into a fresh folder with an empty `data.csv`, and parses it.
fn parse(text: &str) -> Result<Dataset> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.csv"), "area,indicator,year,value\n").unwrap();
    std::fs::write(dir.path().join(MANIFEST), text).unwrap();
    Dataset::open(dir.path())
}

fn message(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.csv"), "area,indicator,year,value\n").unwrap();
    std::fs::write(dir.path().join(MANIFEST), text).unwrap();
    let e = Dataset::open(dir.path()).unwrap_err().to_string();
    // Drop the temporary folder from the message.
    e.replace(&format!("{}/", dir.path().display()), "")
}

const MINIMAL: &str = r#"
[dataset]
name = "t"

[[area]]
code = "11"
name = "Điện Biên"
level = "province"

[[area]]
code = "094"
name = "Thành phố Điện Biên Phủ"
level = "district"
parent = "11"

[[indicator]]
code = "budget_revenue"
name = "Thu ngân sách nhà nước trên địa bàn"
unit = "tỷ đồng"
class = "additive"

[[file]]
path = "data.csv"
locale = "vi"
"#;

#[test]
fn a_minimal_manifest_is_read() {
    let ds = parse(MINIMAL).unwrap();
    assert_eq!(ds.name, "t");
    assert_eq!(ds.areas.len(), 2);
    assert_eq!(ds.indicators[0].unit, "ty_dong");
    assert_eq!(ds.files[0].path, "data.csv");
    assert_eq!(ds.files[0].locale, Some(crate::number::Locale::VI));
}

#[test]
fn unknown_keys_are_errors_with_their_line() {
    let text = MINIMAL.replace("locale = \"vi\"", "locale = \"vi\"\ndecimal_sep = \",\"");
    let m = message(&text);
    assert!(
        m.starts_with(
            "statlint.toml:25:1: unknown field `decimal_sep`, expected one of `path`, `format`"
        ),
        "{m}"
    );
}

#[test]
fn an_unknown_unit_names_the_indicator_and_suggests() {
    let m = message(&MINIMAL.replace("unit = \"tỷ đồng\"", "unit = \"ty dongg\""));
    assert!(m.contains("statlint.toml:16: indicator 'budget_revenue': unit 'ty dongg' is not in the unit catalogue; did you mean 'tỷ đồng'?"), "{m}");
}

#[test]
fn a_parent_that_does_not_exist_is_an_error() {
    let m = message(&MINIMAL.replace("parent = \"11\"", "parent = \"12\""));
    assert!(
        m.contains("area '094': parent '12' is not a declared area"),
        "{m}"
    );
}

#[test]
fn a_cycle_in_the_area_tree_is_an_error() {
    let text = MINIMAL.replace(
        "level = \"province\"",
        "level = \"province\"\nparent = \"094\"",
    );
    let m = message(&text);
    assert!(
        m.contains("the area tree has a cycle: 11 → 094 → 11"),
        "{m}"
    );
}

#[test]
fn two_parents_in_one_period_are_an_error() {
    let text = format!(
        "{MINIMAL}\n[[area]]\ncode = \"094\"\nname = \"x\"\nlevel = \"district\"\nparent = \"11\"\nvalid_from = \"2020\"\n"
    );
    let m = message(&text);
    assert_eq!(
        m,
        "statlint.toml:26: area '094' is declared twice for overlapping periods (the other declaration is at statlint.toml:10)"
    );
}

#[test]
fn validity_periods_let_a_code_move() {
    let text = MINIMAL.replace(
        "parent = \"11\"",
        "parent = \"11\"\nvalid_to = \"2025-06-30\"",
    ) + "\n[[area]]\ncode = \"12\"\nname = \"Lai Châu\"\nlevel = \"province\"\n\n[[area]]\ncode = \"094\"\nname = \"x\"\nlevel = \"district\"\nparent = \"12\"\nvalid_from = \"2025-07-01\"\n";
    let ds = parse(&text).unwrap();
    assert_eq!(ds.areas.iter().filter(|a| a.code == "094").count(), 2);
}

#[test]
fn paths_cannot_leave_the_dataset_folder() {
    let m = message(&MINIMAL.replace("path = \"data.csv\"", "path = \"../data.csv\""));
    assert!(
        m.contains("must be relative and stay inside the dataset folder"),
        "{m}"
    );
    let m = message(&MINIMAL.replace("path = \"data.csv\"", "path = \"/etc/passwd\""));
    assert!(m.contains("must be relative"), "{m}");
}

#[test]
fn ratio_multipliers_follow_from_the_units() {
    let text = format!(
        "{MINIMAL}\n{}",
        r#"
[[indicator]]
code = "households"
name = "Số hộ"
unit = "hộ"
class = "additive"

[[indicator]]
code = "poor_households"
name = "Số hộ nghèo"
unit = "hộ"
class = "additive"

[[indicator]]
code = "poverty_rate"
name = "Tỷ lệ hộ nghèo"
unit = "%"
class = "ratio"
numerator = "poor_households"
denominator = "households"

[[indicator]]
code = "population"
name = "Dân số"
unit = "người"
class = "additive"

[[indicator]]
code = "revenue_per_capita"
name = "Thu ngân sách bình quân đầu người"
unit = "triệu đồng/người"
class = "per_capita"
numerator = "budget_revenue"
denominator = "population"
"#
    );
    let ds = parse(&text).unwrap();
    assert_eq!(
        ds.indicator("poverty_rate").unwrap().multiplier,
        Some(100.0)
    );
    assert_eq!(
        ds.indicator("revenue_per_capita").unwrap().multiplier,
        Some(1000.0)
    );
}

#[test]
fn a_growth_rate_cannot_be_a_numerator() {
    let text = format!(
        "{MINIMAL}\n{}",
        r#"
[[indicator]]
code = "g"
name = "Tăng trưởng"
unit = "%"
class = "growth"

[[indicator]]
code = "r"
name = "Tỷ lệ"
unit = "%"
class = "ratio"
numerator = "g"
denominator = "budget_revenue"
"#
    );
    let m = message(&text);
    assert!(
        m.contains("numerator 'g' must be additive, but it is growth"),
        "{m}"
    );
}

#[test]
fn a_wide_file_needs_to_say_what_its_columns_are() {
    let m = message(&MINIMAL.replace("locale = \"vi\"", "locale = \"vi\"\nlayout = \"wide\""));
    assert!(m.contains("needs wide_by"), "{m}");
}
