use crate::{fixture, settings, statlint};
use insta_cmd::assert_cmd_snapshot;

fn ds() -> String {
    fixture("load/wide-csv").display().to_string()
}

const QUERY: &str = "SELECT area, year, value, value_text, file, line FROM observations WHERE indicator = 'budget_revenue' AND value IS NOT NULL ORDER BY rowid LIMIT 4";

#[test]
fn count_of_observations() {
    settings().bind(|| {
        assert_cmd_snapshot!(statlint().args([
            "sql",
            "-q",
            &ds(),
            "select count(*) from observations"
        ]))
    });
}

#[test]
fn formats() {
    for f in ["table", "csv", "json", "markdown"] {
        settings().bind(|| {
            insta::with_settings!({snapshot_suffix => f}, {
                assert_cmd_snapshot!(statlint().args(["sql", "-q", "--format", f, &ds(), QUERY]))
            })
        });
    }
}

#[test]
fn a_failing_query_exits_2_with_the_engine_message() {
    settings().bind(|| {
        assert_cmd_snapshot!(statlint().args(["sql", "-q", &ds(), "select * from nowhere"]))
    });
}

#[test]
fn a_missing_dataset_exits_2() {
    settings()
        .bind(|| assert_cmd_snapshot!(statlint().args(["sql", "tests/fixtures/none", "select 1"])));
}

#[test]
fn the_database_file_can_be_opened_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("dien-bien.duckdb");
    let out = statlint()
        .args([
            "load",
            "-q",
            &ds(),
            "--db",
            db.to_str().unwrap(),
            "--parquet",
            dir.path().join("pq").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = duckdb::Connection::open(&db).unwrap();
    let n: i64 = conn
        .query_row("select count(*) from observations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 15);
    let pq = dir.path().join("pq/observations.parquet");
    let m: i64 = conn
        .query_row(
            "select count(*) from read_parquet(?)",
            [pq.to_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(m, n);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::process::Stdio;
    let mut child = statlint()
        .args([
            "sql",
            "-q",
            "--format",
            "csv",
            &ds(),
            "select * from range(1000000)",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
