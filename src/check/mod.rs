//! Checks: SQL files whose query returns the failing rows in one findings shape, with a `--!` TOML header
//! (id, severity, description, parameters). The built-in library is embedded in the binary; user folders
//! add to it. The manifest and the command line select, exclude, re-grade and re-parameterise checks.

mod builtin;
#[cfg(feature = "engine")]
mod finding;
mod header;
#[cfg(feature = "engine")]
mod run;

use crate::error::{Error, Place, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[cfg(feature = "engine")]
pub use finding::{Finding, Location, Num};
pub use header::{Domain, Severity};
#[cfg(feature = "engine")]
pub use run::{CheckResult, Limits, Outcome as RunOutcome, Report, large, run, side_by_side};

/// One check, ready to run.
#[derive(Debug, Clone)]
pub struct Check {
    pub id: String,
    /// The folder the file sits in (`hierarchy`, `units`, ...), or `user` for top-level user checks.
    pub family: String,
    pub severity: Severity,
    pub description: String,
    /// Parameter values (defaults, then overrides), bound to `$name` in the SQL.
    pub params: BTreeMap<String, toml::Value>,
    /// What each parameter admits (the header's `[domains]`); a parameter without one admits its type.
    pub domains: BTreeMap<String, Domain>,
    /// Why items go unevaluated (the header's `not_evaluated`), said next to their count in the reports.
    pub not_evaluated: Option<String>,
    /// The query that returns findings.
    pub sql: String,
    /// The file line the query starts on (DuckDB's `LINE n` in an error is counted from there).
    pub sql_line: usize,
    /// An optional query that returns one row: `items` evaluated and `not_evaluated`.
    pub counts: Option<String>,
    /// Where the check comes from: `builtin:hierarchy/sum.sql` or a file path.
    pub path: PathBuf,
    pub builtin: bool,
}

#[cfg(feature = "engine")]
pub(crate) const PRELUDE: &str = include_str!("../../sql/prelude.sql");

/// Creates the helpers the checks share (`sql/prelude.sql`: the area tree per period, the observations
/// without later duplicates, macros) in a loaded database. `statlint sql` has them too, so a check's SQL
/// can be tried by hand.
#[cfg(feature = "engine")]
pub fn prelude(db: &crate::db::Db) -> Result<()> {
    let _t = crate::timing::span("prelude");
    db.batch(PRELUDE, "cannot create the check helpers (sql/prelude.sql)")
}

/// The marker line that starts a check's optional counts query.
pub const COUNTS_MARKER: &str = "--! counts";

/// Reads one check file's text.
pub fn parse(text: &str, path: &Path, family: &str, builtin: bool) -> Result<Check> {
    let h = header::parse(text, path)?;
    let body = &text[h.body_start..];
    let (sql, counts) = match body.find(&format!("\n{COUNTS_MARKER}")) {
        Some(i) => {
            let rest = &body[i + 1 + COUNTS_MARKER.len()..];
            (
                body[..i].to_string(),
                Some(rest.trim().trim_end_matches(';').to_string()),
            )
        }
        None => (body.to_string(), None),
    };
    let leading = sql.len() - sql.trim_start().len();
    let sql_line = text[..h.body_start + leading].matches('\n').count() + 1;
    let sql = sql.trim().trim_end_matches(';').trim().to_string();
    if sql.is_empty() {
        return Err(Error::invalid(
            path,
            None,
            "the check has no query after its header",
        ));
    }
    Ok(Check {
        id: h.id,
        family: family.to_string(),
        severity: h.severity,
        description: h.description,
        params: h.params.into_iter().collect(),
        domains: h.domains,
        not_evaluated: h.not_evaluated,
        sql,
        sql_line,
        counts,
        path: path.to_path_buf(),
        builtin,
    })
}

/// Reads every `*.sql` file under `dir` (sorted, recursively); the family is the first folder below `dir`.
pub fn load_dir(dir: &Path) -> Result<Vec<Check>> {
    let mut files: Vec<PathBuf> = crate::input::walk(dir)
        .map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = crate::input::read_regular_text(&f).map_err(|source| Error::Read {
            path: f.clone(),
            source,
        })?;
        let rel = f.strip_prefix(dir).unwrap_or(&f);
        let family = match rel.parent().and_then(|p| p.components().next()) {
            Some(c) => c.as_os_str().to_string_lossy().to_string(),
            None => "user".to_string(),
        };
        out.push(parse(&text, &f, &family, false)?);
    }
    Ok(out)
}

/// The built-in checks.
pub fn builtin() -> Vec<Check> {
    builtin::FILES
        .iter()
        .map(|(rel, text)| {
            let family = rel.split('/').next().unwrap_or("builtin");
            parse(text, Path::new(&format!("builtin:{rel}")), family, true)
                .expect("built-in checks are valid")
        })
        .collect()
}

/// How to choose and adjust checks: from the manifest's `[checks]`, then the command line.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Patterns of ids to run; empty: all.
    pub select: Vec<String>,
    pub exclude: Vec<String>,
    /// id → severity (`off` disables).
    pub severity: Vec<(String, String)>,
    /// (id, name, value).
    pub params: Vec<(String, String, toml::Value)>,
}

fn matches(pattern: &str, id: &str) -> bool {
    glob::Pattern::new(pattern)
        .map(|p| p.matches(id))
        .unwrap_or(pattern == id)
}

/// Applies a selection to a library of checks. Unknown ids in severity or parameter overrides are errors (a
/// typo must not silently leave a check as it was).
pub fn select(mut checks: Vec<Check>, sel: &Selection, origin: &Path) -> Result<Vec<Check>> {
    let bad = |m: String| Error::invalid(origin, None, m);
    // Duplicate ids: a user check may not shadow a built-in one silently.
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for c in &checks {
        if let Some(prev) = seen.insert(c.id.clone(), c.path.clone()) {
            return Err(Error::invalid(
                &c.path,
                None,
                format!("check id '{}' is already used by {}", c.id, prev.display()),
            ));
        }
    }
    for p in sel.select.iter().chain(&sel.exclude) {
        if !checks.iter().any(|c| matches(p, &c.id)) {
            return Err(bad(format!(
                "'{p}' matches no check (statlint checks list shows them)"
            )));
        }
    }
    for (id, sev) in &sel.severity {
        let targets: Vec<&mut Check> = checks.iter_mut().filter(|c| matches(id, &c.id)).collect();
        if targets.is_empty() {
            return Err(bad(format!("severity for '{id}', which matches no check")));
        }
        if sev == "off" {
            continue;
        }
        let s = Severity::parse(sev).ok_or_else(|| {
            bad(format!(
                "severity '{sev}' for '{id}' must be error, warning, info or off"
            ))
        })?;
        for c in targets {
            c.severity = s;
        }
    }
    for (id, name, value) in &sel.params {
        let targets: Vec<&mut Check> = checks.iter_mut().filter(|c| matches(id, &c.id)).collect();
        if targets.is_empty() {
            return Err(bad(format!("parameter for '{id}', which matches no check")));
        }
        for c in targets {
            let Some(default) = c.params.get(name) else {
                let known: Vec<&String> = c.params.keys().collect();
                return Err(bad(format!(
                    "check {} has no parameter '{name}' (it has: {})",
                    c.id,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                )));
            };
            let v = header::coerce(value, default).ok_or_else(|| {
                bad(format!(
                    "parameter {}.{name} takes a {} like its default {default}, not {value}",
                    c.id,
                    default.type_str()
                ))
            })?;
            if let Some(d) = c.domains.get(name)
                && !d.admits(&v)
            {
                return Err(bad(format!(
                    "parameter {}.{name} = {v} is not allowed: it takes {}",
                    c.id,
                    d.describe()
                )));
            }
            c.params.insert(name.clone(), v);
        }
    }
    let off: Vec<&String> = sel
        .severity
        .iter()
        .filter(|(_, s)| s == "off")
        .map(|(id, _)| id)
        .collect();
    checks.retain(|c| {
        (sel.select.is_empty() || sel.select.iter().any(|p| matches(p, &c.id)))
            && !sel.exclude.iter().any(|p| matches(p, &c.id))
            && !off.iter().any(|p| matches(p, &c.id))
    });
    checks.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(checks)
}

/// Parses `ID.NAME=VALUE` from the command line (the value as TOML, or a string).
pub fn parse_param(arg: &str) -> Result<(String, String, toml::Value)> {
    let (key, value) = arg
        .split_once('=')
        .ok_or_else(|| Error::Usage(format!("--param '{arg}': expected CHECK.NAME=VALUE")))?;
    let (id, name) = key
        .rsplit_once('.')
        .ok_or_else(|| Error::Usage(format!("--param '{arg}': expected CHECK.NAME=VALUE")))?;
    let v = toml::from_str::<toml::Table>(&format!("v = {value}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(value.to_string()));
    Ok((id.to_string(), name.to_string(), v))
}

/// `ID=LEVEL` from the command line.
pub fn parse_severity(arg: &str) -> Result<(String, String)> {
    let (id, s) = arg
        .split_once('=')
        .ok_or_else(|| Error::Usage(format!("--severity '{arg}': expected CHECK=LEVEL")))?;
    Ok((id.to_string(), s.to_string()))
}

/// Where a check is, for messages: the file, or `builtin:family/name.sql`.
pub fn place(check: &Check, line: Option<usize>) -> (PathBuf, Option<Place>) {
    (check.path.clone(), line.map(Place::Line))
}

#[cfg(test)]
mod tests;
