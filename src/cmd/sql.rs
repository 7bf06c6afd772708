//! `statlint sql`: ad-hoc SQL over a loaded dataset, one query or an interactive prompt.

use super::{Io, Outcome, out};
use crate::cli::SqlArgs;
use crate::error::{Error, Result};
use crate::render;

pub fn run(args: &SqlArgs, io: &mut Io<'_>) -> Result<Outcome> {
    let session = super::open(&args.data, io)?;
    // The same sandbox as the checks: a query pasted from elsewhere cannot read or write files, reach the
    // network, load extensions or undo the sandbox, unless asked for.
    if !args.unsafe_sql {
        session.db.sandbox()?;
    }
    match &args.query {
        Some(q) => {
            let table = session
                .db
                .query(q, &[])
                .map_err(Error::engine("query failed"))?;
            render::write(&table, args.format, io.out).map_err(out)?;
            Ok(Outcome::Success)
        }
        None => {
            if !io.terminal {
                return Err(Error::Usage(
                    "no query given and the input is not a terminal; pass the SQL as an argument"
                        .into(),
                ));
            }
            crate::repl::run(&session, args.format, io)?;
            Ok(Outcome::Success)
        }
    }
}
