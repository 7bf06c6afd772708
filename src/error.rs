//! The one error type: everything that stops statlint from running. Data problems are not errors: they are
//! rejects (at load) and findings (from checks).

use std::path::PathBuf;

/// A place in an input: a line (and column) of a text file, or a spreadsheet cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Line(usize),
    LineColumn(usize, usize),
    Cell(String),
    Key(String),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Line(l) => write!(f, "{l}"),
            Place::LineColumn(l, c) => write!(f, "{l}:{c}"),
            Place::Cell(c) => f.write_str(c),
            Place::Key(k) => write!(f, "[{k}]"),
        }
    }
}

fn at(path: &std::path::Path, place: &Option<Place>) -> String {
    match place {
        Some(p) => format!("{}:{p}", path.display()),
        None => path.display().to_string(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A manifest, reference table or check header that is not valid.
    #[error("{}: {message}", at(path, place))]
    Invalid {
        path: PathBuf,
        place: Option<Place>,
        message: String,
    },

    /// A file that cannot be read at all.
    #[error("{}: cannot read", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A file that cannot be written.
    #[error("{}: cannot write", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A data file that cannot be loaded as a whole (not a spreadsheet, sheet missing, ...).
    #[error("{}: {message}", at(path, place))]
    Input {
        path: PathBuf,
        place: Option<Place>,
        message: String,
    },

    /// The database engine failed.
    #[cfg(feature = "engine")]
    #[error("{context}")]
    Engine {
        context: String,
        #[source]
        source: duckdb::Error,
    },

    /// A check that could not run.
    #[error("check {id} ({}): {message}", path.display())]
    Check {
        id: String,
        path: PathBuf,
        message: String,
    },

    /// Wrong use of the command line that clap cannot see.
    #[error("{0}")]
    Usage(String),

    /// Writing to stdout or stderr failed (other than a closed pipe).
    #[error("cannot write output")]
    Output(#[source] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(
        path: impl Into<PathBuf>,
        place: Option<Place>,
        message: impl Into<String>,
    ) -> Error {
        Error::Invalid {
            path: path.into(),
            place,
            message: message.into(),
        }
    }

    pub fn input(
        path: impl Into<PathBuf>,
        place: Option<Place>,
        message: impl Into<String>,
    ) -> Error {
        Error::Input {
            path: path.into(),
            place,
            message: message.into(),
        }
    }

    #[cfg(feature = "engine")]
    pub fn engine(context: impl Into<String>) -> impl FnOnce(duckdb::Error) -> Error {
        let context = context.into();
        move |source| Error::Engine { context, source }
    }

    /// The whole chain, `a: b: c`, as printed after `statlint:`.
    pub fn chain(&self) -> String {
        #[cfg(feature = "engine")]
        if let Error::Engine { context, source } = self {
            // DuckDB's own message is complete; its source is only a numeric error code.
            return format!("{context}: {}", source.to_string().trim_end());
        }
        let mut out = self.to_string();
        let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(self);
        while let Some(e) = cur {
            let text = e.to_string();
            if !text.is_empty() && !out.ends_with(&text) {
                out.push_str(": ");
                out.push_str(text.trim_end());
            }
            cur = e.source();
        }
        out
    }

    /// True when the error is a closed stdout (`statlint sql ... | head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
