//! The check formulas pinned to worked numbers: the VTL manual's hierarchy example and its missing-data
//! modes, the rounding tolerance rule and its floors, and Hidiroglou–Berthelot on a small table.

use statlint::check::{self, Finding, RunOutcome, Selection};
use statlint::db::{Db, Options};
use statlint::manifest::Dataset;
use std::path::Path;

/// Loads a dataset written from `manifest` and `data` (CSV, English locale) and runs one check with
/// parameter overrides; returns its findings.
fn run(manifest: &str, data: &str, check_id: &str, params: &[(&str, toml::Value)]) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("statlint.toml"), manifest).unwrap();
    std::fs::write(dir.path().join("data.csv"), data).unwrap();
    let ds = Dataset::open(dir.path()).unwrap();
    let db = Db::open(None, &Options::default()).unwrap();
    let loaded = statlint::load::load(&db, &ds, Default::default(), &mut |_| {}).unwrap();
    check::prelude(&db).unwrap();
    db.sandbox().unwrap();
    let sel = Selection {
        select: vec![check_id.to_string()],
        params: params
            .iter()
            .map(|(k, v)| (check_id.to_string(), k.to_string(), v.clone()))
            .collect(),
        ..Default::default()
    };
    let checks = check::select(check::builtin(), &sel, Path::new("test")).unwrap();
    let report = check::run(
        &db,
        &ds,
        checks,
        check::side_by_side(loaded.observations as u64),
        &check::Limits::default(),
        &mut |_| {},
    );
    match &report.results[0].outcome {
        RunOutcome::Ran { findings, .. } => findings.clone(),
        RunOutcome::Failed { message } => panic!("{check_id} failed to run: {message}"),
    }
}

const GBC: &str = r#"
[dataset]
name = "vtl"

[[area]]
code = "G"
name = "G"
level = "total"

[[area]]
code = "B"
name = "B"
level = "part"
parent = "G"

[[area]]
code = "C"
name = "C"
level = "part"
parent = "G"

[[indicator]]
code = "x"
name = "x"
unit = "người"
class = "additive"

[[file]]
path = "data.csv"
locale = "en"
"#;

fn mode(m: &str) -> Vec<(&'static str, toml::Value)> {
    vec![("mode", toml::Value::String(m.to_string()))]
}

#[test]
fn vtl_example_g_equals_b_plus_c_has_imbalance_8() {
    let f = run(
        GBC,
        "area,indicator,year,value\nG,x,2020,19\nB,x,2020,11\nC,x,2020,0\n",
        "hierarchy.sum",
        &[],
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].area.as_deref(), Some("G"));
    assert_eq!(f[0].observed.as_ref().unwrap().value, 19.0);
    assert_eq!(f[0].expected.as_ref().unwrap().value, 11.0);
    assert_eq!(f[0].difference.as_ref().unwrap().value, 8.0);
}

#[test]
fn vtl_modes_decide_what_a_missing_child_means() {
    let data = "area,indicator,year,value\nG,x,2020,19\nB,x,2020,11\n";
    // non_null (default): C is missing, the rule is not evaluated.
    assert!(run(GBC, data, "hierarchy.sum", &mode("non_null")).is_empty());
    // partial_null: evaluated, but a missing C is NULL, so the sum is NULL: no verdict.
    assert!(run(GBC, data, "hierarchy.sum", &mode("partial_null")).is_empty());
    // partial_zero: C counts as 0; 19 against 11 gives the same imbalance of 8, and C is named.
    let f = run(GBC, data, "hierarchy.sum", &mode("partial_zero"));
    assert_eq!(f[0].difference.as_ref().unwrap().value, 8.0);
    assert!(
        f[0].message.contains("not reported: C (counted as 0)"),
        "{}",
        f[0].message
    );
    // always_zero with no parent: the parent counts as 0 against the children's 11.
    let f = run(
        GBC,
        "area,indicator,year,value\nB,x,2020,11\n",
        "hierarchy.sum",
        &mode("always_zero"),
    );
    assert_eq!(f[0].difference.as_ref().unwrap().value, -11.0);
    // non_zero: everything zero is not evaluated.
    assert!(
        run(
            GBC,
            "area,indicator,year,value\nG,x,2020,0\nB,x,2020,0\nC,x,2020,0\n",
            "hierarchy.sum",
            &mode("non_zero")
        )
        .is_empty()
    );
}

#[test]
fn rounding_tolerance_is_half_a_unit_of_every_printed_value() {
    let sum = |g: &str, b: &str, c: &str| {
        format!("area,indicator,year,value\nG,x,2020,{g}\nB,x,2020,{b}\nC,x,2020,{c}\n")
    };
    // 100.0 against 33.3 + 66.6 = 99.9: |0.1| <= 3 × 0.05.
    assert!(run(GBC, &sum("100.0", "33.3", "66.6"), "hierarchy.sum", &[]).is_empty());
    // 100 against 33.3 + 66.1 = 99.4: |0.6| <= 0.5 + 0.05 + 0.05, exactly at the bound: passes.
    assert!(run(GBC, &sum("100", "33.3", "66.1"), "hierarchy.sum", &[]).is_empty());
    // 100 against 99.3: 0.7 > 0.6.
    let f = run(GBC, &sum("100", "33.3", "66.0"), "hierarchy.sum", &[]);
    assert_eq!(f[0].tolerance.as_ref().unwrap().text, "0.6");
    // 100.0 against 33.3 + 66.5 = 99.8: 0.2 > 3 × 0.05.
    let f = run(GBC, &sum("100.0", "33.3", "66.5"), "hierarchy.sum", &[]);
    assert_eq!(f[0].tolerance.as_ref().unwrap().text, "0.15");
    assert_eq!(f[0].tolerance_source.as_deref(), Some("rounding"));
    // Floors: 1 % of the parent, or an absolute 0.5, when larger than the rounding term.
    let f = run(
        GBC,
        &sum("100.0", "33.3", "65.5"),
        "hierarchy.sum",
        &[("rel_tolerance", toml::Value::Float(0.01))],
    );
    assert_eq!(
        (
            f[0].tolerance.as_ref().unwrap().text.as_str(),
            f[0].tolerance_source.as_deref()
        ),
        ("1", Some("relative"))
    );
    let f = run(
        GBC,
        &sum("100.0", "33.3", "65.5"),
        "hierarchy.sum",
        &[("abs_tolerance", toml::Value::Float(0.5))],
    );
    assert_eq!(
        (
            f[0].tolerance.as_ref().unwrap().text.as_str(),
            f[0].tolerance_source.as_deref()
        ),
        ("0.5", Some("absolute"))
    );
}

const HB: &str = r#"
[dataset]
name = "hb"

[[area]]
code = "P"
name = "P"
level = "province"

[[indicator]]
code = "x"
name = "x"
unit = "người"
class = "additive"

[[file]]
path = "data.csv"
locale = "en"
"#;

/// Six units, t-1 → t: A 100→110, B 200→216, C 50→55, D 400→436, E 80→88, F 120→240.
/// r = 1.1, 1.08, 1.1, 1.09, 1.1, 2; median r_M = 1.1.
/// s = 0, 1 - 1.1/1.08, 0, 1 - 1.1/1.09, 0, 2/1.1 - 1 = 0.818182.
/// E = s·max(x)^0.5 = 0, -0.272166, 0, -0.191566, 0, 12.675 (F: 0.818182 · √240).
/// Quartiles (linear): E_Q1 = -0.143675, E_M = 0, E_Q3 = 0. HB's floor |A·E_M| is 0 here; statlint's is
/// A times the median size weight: w = √110, √216, √55, √436, √88, √240, median (√110 + √216)/2 = 12.5924,
/// A·w_M = 0.62962, larger than both quartile distances. Bounds: 0 ∓ 4 · 0.62962 = ∓2.52: only F (12.675,
/// 82 % above the median growth, beyond min_change) is outside; 4 distinct ratios meet min_group = 4.
#[test]
fn hidiroglou_berthelot_on_a_worked_table() {
    let mut manifest = HB.to_string();
    let mut data = String::from("area,indicator,year,value\n");
    for (a, x0, x1) in [
        ("A", 100, 110),
        ("B", 200, 216),
        ("C", 50, 55),
        ("D", 400, 436),
        ("E", 80, 88),
        ("F", 120, 240),
    ] {
        manifest.push_str(&format!(
            "\n[[area]]\ncode = \"{a}\"\nname = \"{a}\"\nlevel = \"unit\"\nparent = \"P\"\n"
        ));
        data.push_str(&format!("{a},x,2020,{x0}\n{a},x,2021,{x1}\n"));
    }
    let f = run(&manifest, &data, "yoy.hb", &[]);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].area.as_deref(), Some("F"));
    assert!(
        f[0].message
            .contains("(× 2) against a median ratio of 1.1 across the 6 unit units"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].message
            .contains("HB score 12.68 outside -2.52 … 2.52; 82 % above the median growth"),
        "{}",
        f[0].message
    );
    // Below the minimum group size nothing is tested.
    assert!(
        run(
            &manifest,
            &data,
            "yoy.hb",
            &[("min_group", toml::Value::Integer(7))]
        )
        .is_empty()
    );
}
