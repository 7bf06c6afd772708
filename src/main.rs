//! The `statlint` binary: parse arguments, run, map the outcome to an exit code.
//! 0: ran, nothing at the failure level; 1: findings at the failure level; 2: could not run.

use clap::FromArgMatches;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = statlint::cli::command().get_matches();
    let cli = match statlint::cli::Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    let stdout = std::io::stdout();
    // stderr is not locked for the whole run: the progress line is drawn from another thread.
    let mut err = std::io::stderr();
    let terminal = std::io::stdin().is_terminal() && stdout.is_terminal();
    let color = stdout.is_terminal()
        && std::env::var_os("NO_COLOR").is_none()
        && std::env::var_os("CI").is_none();
    let mut out = stdout.lock();
    let result = statlint::run(
        cli,
        &mut statlint::Io {
            out: &mut out,
            err: &mut err,
            terminal,
            color,
        },
    );
    let flushed = out.flush();
    match result {
        Ok(statlint::Outcome::Success) => ExitCode::SUCCESS,
        Ok(statlint::Outcome::Failed) => ExitCode::from(1),
        Ok(statlint::Outcome::Incomplete) => ExitCode::from(2),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            let _ = flushed;
            // Messages quote file names, cells and check headers: what they hold is shown, not obeyed.
            let chain = e.chain();
            let _ = writeln!(
                err,
                "statlint: {}",
                statlint::text::escape_controls_keeping_lines(&chain)
            );
            ExitCode::from(2)
        }
    }
}
