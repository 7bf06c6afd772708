//! `statlint checks list|show`: the check library as a run would see it.

use super::{Io, Outcome, out};
use crate::cli::ChecksCommand;
use crate::error::{Error, Result};
use crate::manifest::Dataset;

pub fn run(cmd: &ChecksCommand, io: &mut Io<'_>) -> Result<Outcome> {
    match cmd {
        ChecksCommand::List(a) => {
            let ds = a.dataset.as_deref().map(Dataset::open).transpose()?;
            let checks = super::check::library(ds.as_ref(), &a.checks)?;
            let w = checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
            for c in &checks {
                let source = if c.builtin {
                    "built-in".to_string()
                } else {
                    c.path.display().to_string()
                };
                writeln!(
                    io.out,
                    "{:<w$}  {:<7}  {}  [{source}]",
                    c.id,
                    c.severity.as_str(),
                    c.description
                )
                .map_err(out)?;
            }
            writeln!(io.out, "{} checks", checks.len()).map_err(out)?;
        }
        ChecksCommand::Show(a) => {
            let ds = a.dataset.as_deref().map(Dataset::open).transpose()?;
            let checks = super::check::library(ds.as_ref(), &a.checks)?;
            let c = checks.iter().find(|c| c.id == a.id).ok_or_else(|| {
                let near = checks
                    .iter()
                    .map(|c| (strsim::jaro_winkler(&c.id, &a.id), &c.id))
                    .max_by(|x, y| x.0.total_cmp(&y.0));
                Error::Usage(match near {
                    Some((s, id)) if s > 0.8 => format!("no check '{}'; did you mean {id}?", a.id),
                    _ => format!("no check '{}' (statlint checks list shows them)", a.id),
                })
            })?;
            let o = &mut *io.out;
            writeln!(o, "{}  ({}, {})", c.id, c.severity.as_str(), c.family).map_err(out)?;
            writeln!(o, "{}", c.description).map_err(out)?;
            writeln!(
                o,
                "source: {}",
                if c.builtin {
                    format!("built-in ({})", c.path.display())
                } else {
                    c.path.display().to_string()
                }
            )
            .map_err(out)?;
            if c.params.is_empty() {
                writeln!(o, "parameters: none").map_err(out)?;
            } else {
                writeln!(o, "parameters:").map_err(out)?;
                for (k, v) in &c.params {
                    match c.domains.get(k) {
                        Some(d) => writeln!(o, "  {k} = {v}  ({})", d.describe()),
                        None => writeln!(o, "  {k} = {v}"),
                    }
                    .map_err(out)?;
                }
            }
            writeln!(o, "\n{}", c.sql).map_err(out)?;
            if let Some(counts) = &c.counts {
                writeln!(o, "\n-- counts\n{counts}").map_err(out)?;
            }
        }
    }
    Ok(Outcome::Success)
}
