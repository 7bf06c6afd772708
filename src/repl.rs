//! The interactive SQL prompt of `statlint sql`: line editing and history (rustyline), statements over
//! several lines until `;`, dot-commands to list and describe tables, and Ctrl-C to cancel a running query
//! without leaving the session.

use crate::cli::OutputFormat;
use crate::cmd::{Io, Session, out};
use crate::db::InterruptHandle;
use crate::error::{Error, Result};
use crate::render;
use rustyline::error::ReadlineError;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

const HELP: &str = "\
Enter SQL ending with ';'. Tables: observations, rejects, areas, indicators, units, targets, files, dataset.
  .tables            list the tables
  .schema [TABLE]    describe a table (all tables without a name)
  .mode FORMAT       print results as table, csv, json or markdown
  .help              this text
  .quit              leave (Ctrl-D works too)
Ctrl-C cancels the statement being typed or the query that is running.";

/// The query that Ctrl-C should stop, if one is running.
static RUNNING: OnceLock<Mutex<Option<Arc<InterruptHandle>>>> = OnceLock::new();

fn running() -> &'static Mutex<Option<Arc<InterruptHandle>>> {
    RUNNING.get_or_init(|| Mutex::new(None))
}

/// Where the prompt keeps its history: `$STATLINT_HISTORY`, else `$XDG_STATE_HOME/statlint/history`, else
/// `~/.local/state/statlint/history`.
fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("STATLINT_HISTORY") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("statlint").join("history"))
}

/// Whether the buffer holds a complete statement: ends with ';' outside quotes and comments.
fn complete(buf: &str) -> bool {
    let mut in_single = false;
    let mut in_double = false;
    let mut last = None;
    let mut chars = buf.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if !in_double => in_single = !in_single,
            '"' if !in_single => in_double = !in_double,
            '-' if !in_single && !in_double && chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                continue;
            }
            _ => {}
        }
        if !c.is_whitespace() {
            last = Some((c, in_single || in_double));
        }
    }
    matches!(last, Some((';', false)))
}

pub fn run(session: &Session, mut format: OutputFormat, io: &mut Io<'_>) -> Result<()> {
    let mut rl = rustyline::DefaultEditor::new()
        .map_err(|e| Error::Usage(format!("cannot start the prompt: {e}")))?;
    let history = history_path();
    if let Some(h) = &history {
        let _ = rl.load_history(h);
    }
    // Ctrl-C while a query runs arrives as a signal (the terminal is not in raw mode then).
    let _ = ctrlc::set_handler(|| {
        if let Some(h) = running().lock().ok().and_then(|g| g.clone()) {
            h.interrupt();
        }
    });
    let _ = writeln!(
        io.err,
        "{} loaded: {} observations. Type .help for help.",
        session.dataset.name, session.report.observations
    );
    let mut buf = String::new();
    loop {
        let prompt = if buf.is_empty() {
            "statlint> "
        } else {
            "     ...> "
        };
        match rl.readline(prompt) {
            Ok(line) => {
                if buf.is_empty() && line.trim_start().starts_with('.') {
                    let _ = rl.add_history_entry(line.as_str());
                    match meta(line.trim(), session, &mut format, io)? {
                        Flow::Continue => continue,
                        Flow::Quit => break,
                    }
                }
                if !buf.is_empty() {
                    buf.push('\n');
                }
                buf.push_str(&line);
                if buf.trim().is_empty() {
                    buf.clear();
                    continue;
                }
                if complete(&buf) {
                    let _ = rl.add_history_entry(buf.as_str());
                    execute(session, &buf, format, io)?;
                    buf.clear();
                }
            }
            Err(ReadlineError::Interrupted) => {
                buf.clear();
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(Error::Usage(format!("prompt: {e}"))),
        }
    }
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = rl.save_history(h);
    }
    Ok(())
}

fn execute(session: &Session, sql: &str, format: OutputFormat, io: &mut Io<'_>) -> Result<()> {
    *running().lock().expect("lock") = Some(session.db.interrupt_handle());
    let result = session.db.query(sql, &[]);
    *running().lock().expect("lock") = None;
    match result {
        Ok(t) => render::write(&t, format, io.out).map_err(out)?,
        Err(e) if e.to_string().contains("Interrupt") => {
            let _ = writeln!(io.err, "query cancelled");
        }
        Err(e) => {
            let _ = writeln!(io.err, "error: {}", e.to_string().trim_end());
        }
    }
    Ok(())
}

enum Flow {
    Continue,
    Quit,
}

fn meta(line: &str, session: &Session, format: &mut OutputFormat, io: &mut Io<'_>) -> Result<Flow> {
    let mut words = line.split_whitespace();
    let cmd = words.next().unwrap_or("");
    let arg = words.next();
    match cmd {
        ".quit" | ".exit" | ".q" => return Ok(Flow::Quit),
        ".help" | ".h" => {
            let _ = writeln!(io.err, "{HELP}");
        }
        ".tables" => execute(
            session,
            "SELECT table_name AS table, estimated_size AS rows, column_count AS columns FROM duckdb_tables() WHERE NOT internal ORDER BY 1",
            OutputFormat::Table,
            io,
        )?,
        ".schema" | ".describe" => match arg {
            Some(t) => {
                let table = session
                    .db
                    .query(
                        "SELECT column_name AS column, data_type AS type, is_nullable AS nullable FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                        &[t.to_string().into()],
                    )
                    .map_err(Error::engine("cannot describe the table"))?;
                if table.num_rows() == 0 {
                    let _ = writeln!(io.err, "no table '{t}' (.tables lists them)");
                } else {
                    render::write(&table, OutputFormat::Table, io.out).map_err(out)?;
                }
            }
            None => execute(
                session,
                "SELECT table_name AS table, string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) AS columns FROM information_schema.columns GROUP BY 1 ORDER BY 1",
                OutputFormat::Table,
                io,
            )?,
        },
        ".mode" => {
            match arg.and_then(|a| <OutputFormat as clap::ValueEnum>::from_str(a, true).ok()) {
                Some(f) => *format = f,
                None => {
                    let _ = writeln!(io.err, "usage: .mode table|csv|json|markdown");
                }
            }
        }
        other => {
            let _ = writeln!(io.err, "unknown command {other}; .help lists the commands");
        }
    }
    Ok(Flow::Continue)
}

#[cfg(test)]
mod tests {
    use super::complete;

    #[test]
    fn statements_end_at_a_semicolon_outside_quotes_and_comments() {
        assert!(complete("select 1;"));
        assert!(complete("select 1\n;  "));
        assert!(!complete("select ';'"));
        assert!(!complete("select 1 -- done;"));
        assert!(complete("select 1; -- done"));
        assert!(!complete("select 1"));
    }
}
