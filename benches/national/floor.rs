//! The DuckDB floor and the reference: the two checks the peers share (benches/peers/README.md), written once in
//! plain DuckDB SQL with no statlint code.
//!
//! - **floor, CSV**: an in-memory database reads the panel's CSV files and runs one hierarchy GROUP BY and one
//!   year-on-year self-join: what any embedded-SQL design must pay to answer the same question.
//! - **floor, loaded file**: the same two queries on a DuckDB file that already holds the typed, de-duplicated
//!   observations and the tree (built once per size, untimed): the floor of a re-run on unchanged files.
//! - **reference**: the same queries in exact integer tenths (the panel prints one decimal), as
//!   benches/peers/compare.py computes them, so a float sum landing on the tolerance cannot hide a disagreement.
//!
//! The floors run in a child process (the bench binary re-executed with `--floor`), so their time and peak memory
//! are measured like every other tool's; each prints the peers' JSON (`{"tool", "version", "hierarchy", "yoy"}`).

use crate::score::Violations;
use duckdb::Connection;
use std::path::Path;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// How values are held: doubles (what the peers and statlint compute with) or exact integer tenths (the reference).
#[derive(Clone, Copy, PartialEq)]
enum Values {
    Double,
    Tenths,
}

/// A SQL string literal. Table-function arguments (`read_csv('…')`) inside DDL cannot be bound parameters, and
/// the only strings that reach SQL here are the bench's own paths.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The settings statlint opens DuckDB with (no extension downloads); threads stay at DuckDB's default.
fn settle(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;",
    )?;
    Ok(())
}

/// Creates `tree(area, parent)`, `additive(indicator)` and `obs(area, indicator, year, v)` from the panel's CSVs.
///
/// `v` is the value, NULL when unparseable (`TRY_CAST`, so `"1234,5"` is missing, never guessed). Of rows sharing
/// (area, indicator, year) the first in file order counts: `row_number() OVER ()` numbers the rows in scan order
/// (DuckDB guarantees that order for an empty OVER clause) and `arg_min_null` keeps the value of the lowest
/// number, NULL included. With `additive_only`, other indicators are dropped while reading, as the peers do.
fn load(
    conn: &Connection,
    dir: &Path,
    values: Values,
    additive_only: bool,
    temp: bool,
) -> Result<()> {
    let path = |rel: &str| literal(&dir.join(rel).to_string_lossy());
    let table = if temp { "TEMP TABLE" } else { "TABLE" };
    let value = match values {
        Values::Double => "TRY_CAST(value AS DOUBLE)",
        Values::Tenths => "CAST(round(TRY_CAST(value AS DOUBLE) * 10) AS BIGINT)",
    };
    let filter = if additive_only {
        "WHERE indicator IN (SELECT indicator FROM additive)"
    } else {
        ""
    };
    conn.execute_batch(&format!(
        "CREATE {table} tree AS
           SELECT code AS area, parent FROM read_csv({areas}, all_varchar = true)
           WHERE valid_to IS NULL AND parent IS NOT NULL;
         CREATE {table} additive AS
           SELECT code AS indicator FROM read_csv({indicators}, all_varchar = true) WHERE class = 'additive';
         CREATE {table} obs AS
           SELECT area, indicator, year, arg_min_null(v, pos) AS v
           FROM (
             SELECT area, indicator, year, {value} AS v, row_number() OVER () AS pos
             FROM read_csv({data}, auto_detect = false, header = true, delim = ',', quote = '\"', escape = '\"',
                           columns = {{'area': 'VARCHAR', 'indicator': 'VARCHAR', 'year': 'INTEGER',
                                      'value': 'VARCHAR'}})
           )
           {filter}
           GROUP BY area, indicator, year;",
        areas = path("areas.csv"),
        indicators = path("indicators.csv"),
        data = path("data/*.csv"),
    ))?;
    Ok(())
}

/// Runs both checks on `tree`, `additive` and `obs`, fetching every violating row.
///
/// hierarchy: for each parent and year, judged only when the parent and all n children have a number (VTL's
/// `non_null` mode); a violation is |parent − Σ children| > (n + 1) × 0.05.
/// yoy: g = v_t / v_{t−1} − 1 where v_{t−1} > 0; a violation is g < −0.5 or g > 1.0.
fn checks(conn: &Connection, values: Values) -> Result<Violations> {
    let beyond = match values {
        Values::Double => "abs(p.v - s.s) > (n.n + 1) * 0.05",
        // in tenths: |d| > (n + 1) × 0.5  ⇔  2|d| > n + 1, in integers
        Values::Tenths => "2 * abs(p.v - s.s) > n.n + 1",
    };
    let hierarchy = format!(
        "WITH a AS (SELECT * FROM obs WHERE indicator IN (SELECT indicator FROM additive)),
              n AS (SELECT parent, count(*) AS n FROM tree GROUP BY parent),
              s AS (SELECT t.parent, a.indicator, a.year, sum(a.v) AS s, count(a.v) AS k
                    FROM a JOIN tree t USING (area) GROUP BY t.parent, a.indicator, a.year)
         SELECT s.parent, s.indicator, s.year
         FROM s JOIN n USING (parent)
              JOIN a p ON p.area = s.parent AND p.indicator = s.indicator AND p.year = s.year
         WHERE s.k = n.n AND {beyond}
         ORDER BY ALL"
    );
    let yoy = "WITH a AS (SELECT * FROM obs WHERE indicator IN (SELECT indicator FROM additive))
               SELECT c.area, c.indicator, c.year
               FROM a c JOIN a p ON p.area = c.area AND p.indicator = c.indicator AND p.year = c.year - 1
               WHERE p.v > 0 AND (c.v::DOUBLE / p.v - 1 < -0.5 OR c.v::DOUBLE / p.v - 1 > 1.0)
               ORDER BY ALL";
    Ok(Violations {
        hierarchy: fetch(conn, &hierarchy)?,
        yoy: fetch(conn, yoy)?,
    })
}

fn fetch(conn: &Connection, sql: &str) -> Result<Vec<(String, String, i64)>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// The DuckDB library version, e.g. `v1.4.1`.
pub fn version() -> String {
    Connection::open_in_memory()
        .and_then(|c| {
            c.query_row("SELECT library_version FROM pragma_version()", [], |r| {
                r.get(0)
            })
        })
        .unwrap_or_else(|_| "unknown".into())
}

/// The exact-tenths result of both checks on a panel (untimed, in the bench process).
pub fn reference(dir: &Path) -> Result<Violations> {
    let conn = Connection::open_in_memory()?;
    settle(&conn)?;
    load(&conn, dir, Values::Tenths, true, true)?;
    checks(&conn, Values::Tenths)
}

/// Writes the loaded-file floor's database: typed, de-duplicated observations of every indicator and the tree.
/// Written under a temporary name and renamed, so an interrupted build is never mistaken for a finished one.
pub fn build_file(dir: &Path, file: &Path) -> Result<()> {
    let tmp = file.with_extension("duckdb.tmp");
    let _ = std::fs::remove_file(&tmp);
    let conn = Connection::open(&tmp)?;
    settle(&conn)?;
    load(&conn, dir, Values::Double, false, false)?;
    conn.execute_batch("CHECKPOINT")?;
    drop(conn);
    std::fs::rename(&tmp, file)?;
    Ok(())
}

/// The child process: `--floor csv PANEL_DIR` or `--floor file DB_FILE`. Prints the peers' JSON on stdout and
/// the two list sizes on stderr.
pub fn child(args: &[String]) -> Result<()> {
    let (tool, conn) = match args {
        [mode, dir] if mode == "csv" => {
            let conn = Connection::open_in_memory()?;
            settle(&conn)?;
            load(&conn, Path::new(dir), Values::Double, true, true)?;
            ("duckdb-csv", conn)
        }
        [mode, file] if mode == "file" => {
            let conn = Connection::open(file)?;
            settle(&conn)?;
            ("duckdb-file", conn)
        }
        _ => return Err("usage: national --floor csv PANEL_DIR | --floor file DB_FILE".into()),
    };
    let v = checks(&conn, Values::Double)?;
    eprintln!(
        "{tool}: hierarchy {}, yoy {}",
        v.hierarchy.len(),
        v.yoy.len()
    );
    let version = version();
    println!("{}", v.to_json(tool, &version));
    Ok(())
}
