use super::*;

fn parse_text(text: &str) -> Result<Check> {
    parse(text, Path::new("checks/x.sql"), "user", false)
}

#[test]
fn a_header_gives_id_severity_description_and_params() {
    let c = parse_text(
        "--! id = \"user.big\"\n--! severity = \"warning\"\n--! description = \"Big values\"\n--! [params]\n--! limit = 100\nSELECT 'x' AS message WHERE $limit > 1\n",
    )
    .unwrap();
    assert_eq!(c.id, "user.big");
    assert_eq!(c.severity, Severity::Warning);
    assert_eq!(c.params.get("limit"), Some(&toml::Value::Integer(100)));
    assert_eq!(c.sql, "SELECT 'x' AS message WHERE $limit > 1");
    assert!(c.counts.is_none());
}

#[test]
fn unknown_header_keys_are_errors_at_their_line() {
    let e = parse_text("-- a comment\n--! id = \"user.a\"\n--! severity = \"error\"\n--! description = \"d\"\n--! colour = \"red\"\nSELECT 1").unwrap_err();
    assert_eq!(
        e.to_string(),
        "checks/x.sql:5: check header: unknown field `colour`, expected one of `id`, `severity`, `description`, `params`, `domains`, `not_evaluated`"
    );
}

#[test]
fn a_bad_severity_is_an_error_at_its_line() {
    let e = parse_text(
        "--! id = \"user.a\"\n--! severity = \"fatal\"\n--! description = \"d\"\nSELECT 1",
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("checks/x.sql:2: check header: unknown variant `fatal`"),
        "{e}"
    );
}

#[test]
fn a_file_without_header_is_an_error() {
    let e = parse_text("SELECT 1").unwrap_err();
    assert!(
        e.to_string()
            .contains("checks/x.sql:1: a check starts with a '--!' header"),
        "{e}"
    );
}

#[test]
fn ids_look_like_family_dot_name() {
    let e = parse_text(
        "--! id = \"Bad Id\"\n--! severity = \"error\"\n--! description = \"d\"\nSELECT 1",
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("checks/x.sql:1: check id 'Bad Id' must look like family.name"),
        "{e}"
    );
}

#[test]
fn the_counts_query_follows_its_marker() {
    let c = parse_text("--! id = \"user.a\"\n--! severity = \"info\"\n--! description = \"d\"\nSELECT 'm' AS message;\n--! counts\nSELECT 3 AS items;\n").unwrap();
    assert_eq!(c.sql, "SELECT 'm' AS message");
    assert_eq!(c.counts.as_deref(), Some("SELECT 3 AS items"));
}

#[test]
fn every_built_in_check_parses() {
    let all = builtin();
    assert!(all.len() >= 15, "{}", all.len());
    for c in &all {
        assert!(
            c.id.starts_with(&format!("{}.", c.family)),
            "{} is in {}",
            c.id,
            c.family
        );
    }
}

fn lib() -> Vec<Check> {
    builtin()
}

#[test]
fn selection_patterns_regrading_and_parameters_apply() {
    let sel = Selection {
        select: vec!["yoy.*".into()],
        exclude: vec!["yoy.swapped".into()],
        severity: vec![("yoy.growth".into(), "error".into())],
        params: vec![("yoy.hb".into(), "C".into(), toml::Value::Integer(3))],
    };
    let checks = select(lib(), &sel, Path::new("m")).unwrap();
    let ids: Vec<&str> = checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["yoy.growth", "yoy.growth_vs_level", "yoy.hb"]);
    assert_eq!(checks[0].severity, Severity::Error);
    assert_eq!(checks[2].params["C"], toml::Value::Float(3.0));
}

#[test]
fn overrides_for_unknown_checks_or_parameters_are_errors() {
    let sel = Selection {
        severity: vec![("yoy.grwth".into(), "error".into())],
        ..Default::default()
    };
    assert!(
        select(lib(), &sel, Path::new("m"))
            .unwrap_err()
            .to_string()
            .contains("matches no check")
    );
    let sel = Selection {
        params: vec![("yoy.hb".into(), "K".into(), toml::Value::Integer(3))],
        ..Default::default()
    };
    let e = select(lib(), &sel, Path::new("m")).unwrap_err().to_string();
    assert!(
        e.contains("check yoy.hb has no parameter 'K' (it has: A, C, U, min_change, min_group, min_units, pool)"),
        "{e}"
    );
    let sel = Selection {
        params: vec![(
            "yoy.hb".into(),
            "C".into(),
            toml::Value::String("big".into()),
        )],
        ..Default::default()
    };
    assert!(
        select(lib(), &sel, Path::new("m"))
            .unwrap_err()
            .to_string()
            .contains("takes a float")
    );
}

#[test]
fn severity_off_removes_a_check() {
    let sel = Selection {
        severity: vec![("targets.plan".into(), "off".into())],
        ..Default::default()
    };
    assert!(
        !select(lib(), &sel, Path::new("m"))
            .unwrap()
            .iter()
            .any(|c| c.id == "targets.plan")
    );
}

#[test]
fn command_line_parameters_are_read_as_toml_values() {
    assert_eq!(
        parse_param("yoy.hb.C=3").unwrap(),
        ("yoy.hb".into(), "C".into(), toml::Value::Integer(3))
    );
    assert_eq!(
        parse_param("yoy.hb.pool=years").unwrap().2,
        toml::Value::String("years".into())
    );
    assert!(parse_param("nonsense").is_err());
}

/// Built-in checks skip the classification that user checks go through (`Db::query_check`): each must be
/// one statement that DuckDB prepares, on a loaded dataset, as a query whose parameters the check declares,
/// and so must its counts query.
#[cfg(feature = "engine")]
#[test]
fn every_built_in_query_is_one_select_that_prepares() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/dien-bien-submission");
    let ds = crate::manifest::Dataset::open(&root).unwrap();
    let db = crate::db::Db::open(None, &Default::default()).unwrap();
    crate::load::load(&db, &ds, Default::default(), &mut |_| {}).unwrap();
    prelude(&db).unwrap();
    for c in builtin() {
        for sql in std::iter::once(&c.sql).chain(c.counts.as_ref()) {
            let names = db
                .only_a_query(sql)
                .unwrap_or_else(|e| panic!("{}: {e}", c.id));
            for n in &names {
                assert!(c.params.contains_key(n), "{}: ${n} is not declared", c.id);
            }
            // Preparing is not running: the real run must succeed too.
            let params: Vec<_> = c
                .params
                .iter()
                .map(|(n, v)| (n.clone(), header::bind(v)))
                .collect();
            db.query_check(sql, &params, false, crate::db::Limits::default())
                .unwrap_or_else(|e| panic!("{}: {e}", c.id));
        }
    }
}

#[test]
fn every_built_in_parameter_declares_its_domain() {
    for c in builtin() {
        for name in c.params.keys() {
            assert!(
                c.domains.contains_key(name),
                "{}: parameter '{name}' has no [domains] entry",
                c.id
            );
        }
    }
}

#[test]
fn a_default_outside_its_domain_and_a_domain_without_parameter_are_errors() {
    let head = "--! id = \"user.a\"\n--! severity = \"error\"\n--! description = \"d\"\n--! [params]\n--! mode = \"x\"\n--! [domains]\n";
    let e = parse_text(&format!("{head}--! mode = [\"a\", \"b\"]\nSELECT 1")).unwrap_err();
    assert!(
        e.to_string()
            .contains("the default of 'mode', \"x\", is outside its domain (one of \"a\", \"b\")"),
        "{e}"
    );
    let e = parse_text(&format!("{head}--! mood = [\"x\"]\nSELECT 1")).unwrap_err();
    assert!(
        e.to_string()
            .contains("domain for 'mood', which is not a parameter"),
        "{e}"
    );
    let ok = parse_text(&format!("{head}--! mode = [\"x\", \"y\"]\nSELECT 1")).unwrap();
    assert!(ok.domains["mode"].admits(&toml::Value::String("y".into())));
    assert!(!ok.domains["mode"].admits(&toml::Value::String("z".into())));
}
