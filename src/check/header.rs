//! The `--!` header of a check file: TOML, strictly validated, with errors at the file's line.

use crate::error::{Error, Place, Result};
use serde::Deserialize;
use std::path::Path;

/// How serious a finding is. Errors fail a run by default; warnings with `--fail-on warning`; info never.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: String,
    severity: Severity,
    description: String,
    #[serde(default)]
    params: toml::Table,
    /// What each parameter admits: a list of values, or `{ min = …, max = … }` for a number.
    #[serde(default)]
    domains: toml::Table,
    /// Why the counts query's `not_evaluated` items could not be evaluated, for the reports.
    #[serde(default)]
    not_evaluated: Option<String>,
}

/// The values a parameter admits, from the header's `[domains]` table.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    OneOf(Vec<toml::Value>),
    Range { min: Option<f64>, max: Option<f64> },
}

impl Domain {
    fn parse(v: &toml::Value) -> std::result::Result<Domain, String> {
        match v {
            toml::Value::Array(a) if !a.is_empty() => Ok(Domain::OneOf(a.clone())),
            toml::Value::Table(t) => {
                let mut min = None;
                let mut max = None;
                for (k, v) in t {
                    let x = match v {
                        toml::Value::Integer(i) => *i as f64,
                        toml::Value::Float(f) if f.is_finite() => *f,
                        _ => return Err(format!("'{k}' must be a finite number")),
                    };
                    match k.as_str() {
                        "min" => min = Some(x),
                        "max" => max = Some(x),
                        _ => return Err(format!("'{k}' is not min or max")),
                    }
                }
                if min.is_none() && max.is_none() {
                    return Err("a range needs min, max or both".into());
                }
                Ok(Domain::Range { min, max })
            }
            _ => Err("a domain is a list of values or { min = …, max = … }".into()),
        }
    }

    /// Whether `v` (already of the parameter's type) lies in the domain.
    pub fn admits(&self, v: &toml::Value) -> bool {
        match self {
            Domain::OneOf(values) => values.iter().any(|x| coerce(x, v).as_ref() == Some(v)),
            Domain::Range { min, max } => {
                let x = match v {
                    toml::Value::Integer(i) => *i as f64,
                    toml::Value::Float(f) => *f,
                    _ => return false,
                };
                x.is_finite() && min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m)
            }
        }
    }

    /// The domain in words, for an error message and `checks show`.
    pub fn describe(&self) -> String {
        match self {
            Domain::OneOf(values) => {
                let v: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                format!("one of {}", v.join(", "))
            }
            Domain::Range { min, max } => match (min, max) {
                (Some(a), Some(b)) => format!("from {a} to {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => "any number".into(),
            },
        }
    }
}

pub(super) struct Header {
    pub id: String,
    pub severity: Severity,
    pub description: String,
    pub params: toml::Table,
    pub domains: std::collections::BTreeMap<String, Domain>,
    pub not_evaluated: Option<String>,
    /// Byte offset where the SQL starts.
    pub body_start: usize,
}

/// Check ids: `family.name`, lower case letters, digits, `_`.
fn valid_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

pub(super) fn parse(text: &str, path: &Path) -> Result<Header> {
    // The header: the `--!` lines at the top of the file (blank lines and plain comments before it allowed).
    let mut toml_text = String::new();
    let mut lines_of: Vec<usize> = Vec::new(); // header line index → file line
    let mut body_start = 0;
    let mut started = false;
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let t = line.trim_end_matches(['\n', '\r']);
        if let Some(rest) = t.strip_prefix("--!") {
            if rest.trim() == "counts" {
                break;
            }
            started = true;
            toml_text.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            toml_text.push('\n');
            lines_of.push(i + 1);
            offset += line.len();
            body_start = offset;
            continue;
        }
        if !started && (t.trim().is_empty() || t.trim_start().starts_with("--")) {
            offset += line.len();
            continue;
        }
        break;
    }
    if !started {
        return Err(Error::invalid(
            path,
            Some(Place::Line(1)),
            "a check starts with a '--!' header giving id, severity and description",
        ));
    }
    let raw: Raw = toml::from_str(&toml_text).map_err(|e| {
        let line = e.span().map(|s| {
            let idx = toml_text[..s.start.min(toml_text.len())]
                .matches('\n')
                .count();
            lines_of.get(idx).copied().unwrap_or(lines_of[0])
        });
        Error::invalid(
            path,
            line.map(Place::Line),
            format!("check header: {}", e.message().trim_end()),
        )
    })?;
    let at = |key: &str| {
        lines_of
            .iter()
            .zip(toml_text.lines())
            .find(|(_, l)| l.trim_start().starts_with(key))
            .map(|(n, _)| Place::Line(*n))
    };
    if !valid_id(&raw.id) {
        return Err(Error::invalid(
            path,
            at("id"),
            format!(
                "check id '{}' must look like family.name (lower case, digits, '_')",
                raw.id
            ),
        ));
    }
    if raw.description.trim().is_empty() {
        return Err(Error::invalid(
            path,
            at("description"),
            "the description is empty",
        ));
    }
    for (k, v) in &raw.params {
        let ok_name = !k.is_empty()
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !k.starts_with(|c: char| c.is_ascii_digit());
        if !ok_name {
            return Err(Error::invalid(
                path,
                at("params"),
                format!("parameter name '{k}' must be letters, digits and '_'"),
            ));
        }
        if !matches!(
            v,
            toml::Value::String(_) | toml::Value::Integer(_) | toml::Value::Boolean(_)
        ) && !matches!(v, toml::Value::Float(f) if f.is_finite())
        {
            return Err(Error::invalid(
                path,
                at("params"),
                format!("parameter '{k}' must be a string, a finite number or a boolean"),
            ));
        }
    }
    let mut domains = std::collections::BTreeMap::new();
    for (k, v) in &raw.domains {
        let Some(default) = raw.params.get(k) else {
            return Err(Error::invalid(
                path,
                at("domains"),
                format!("domain for '{k}', which is not a parameter"),
            ));
        };
        let d = Domain::parse(v)
            .map_err(|e| Error::invalid(path, at("domains"), format!("domain of '{k}': {e}")))?;
        if !d.admits(default) {
            return Err(Error::invalid(
                path,
                at("domains"),
                format!(
                    "the default of '{k}', {default}, is outside its domain ({})",
                    d.describe()
                ),
            ));
        }
        domains.insert(k.clone(), d);
    }
    Ok(Header {
        id: raw.id,
        severity: raw.severity,
        description: raw.description.trim().to_string(),
        params: raw.params,
        domains,
        not_evaluated: raw.not_evaluated.map(|w| w.trim().to_string()),
        body_start,
    })
}

/// A new value for a parameter, of the default's type (an integer is accepted for a float). A float must be
/// finite: compared with NaN, every value would pass a bound.
pub(super) fn coerce(v: &toml::Value, default: &toml::Value) -> Option<toml::Value> {
    use toml::Value::*;
    let v = coerce_any(v, default)?;
    match v {
        Float(f) if !f.is_finite() => None,
        v => Some(v),
    }
}

fn coerce_any(v: &toml::Value, default: &toml::Value) -> Option<toml::Value> {
    use toml::Value::*;
    match (v, default) {
        (Integer(i), Float(_)) => Some(Float(*i as f64)),
        (String(s), Float(_)) => s.parse().ok().map(Float),
        (String(s), Integer(_)) => s.parse().ok().map(Integer),
        (String(s), Boolean(_)) => s.parse().ok().map(Boolean),
        (a, b) if std::mem::discriminant(a) == std::mem::discriminant(b) => Some(a.clone()),
        _ => None,
    }
}

/// A parameter as a value DuckDB can bind.
#[cfg(feature = "engine")]
pub(crate) fn bind(v: &toml::Value) -> crate::db::Param {
    use crate::db::Param;
    match v {
        toml::Value::String(s) => Param::Text(s.clone()),
        toml::Value::Integer(i) => Param::Integer(*i),
        toml::Value::Float(f) => Param::Float(*f),
        toml::Value::Boolean(b) => Param::Boolean(*b),
        other => Param::Text(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::coerce;
    use toml::Value;

    #[test]
    fn a_float_parameter_must_be_finite() {
        let default = Value::Float(0.5);
        for bad in ["nan", "inf", "-inf"] {
            assert_eq!(coerce(&Value::String(bad.into()), &default), None, "{bad}");
        }
        assert_eq!(coerce(&Value::Float(f64::NAN), &default), None);
        assert_eq!(
            coerce(&Value::String("0.25".into()), &default),
            Some(Value::Float(0.25))
        );
        assert_eq!(
            coerce(&Value::Integer(2), &default),
            Some(Value::Float(2.0))
        );
    }
}
