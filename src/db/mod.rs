//! The one owner of the DuckDB connection. Everything else asks it to run SQL, bind values and append
//! Arrow batches; no other module opens a connection.
//!
//! The engine is embedded and in memory unless a database file is asked for. Extensions are never installed
//! or loaded at run time: Parquet and JSON are compiled in, and a statement that needs anything else fails
//! with a clear error instead of reaching the network.

use crate::error::{Error, Result};
use duckdb::arrow::datatypes::SchemaRef;
use duckdb::arrow::record_batch::RecordBatch;
use duckdb::types::Value;
use duckdb::{Connection, ffi};
use std::ffi::{CStr, CString};
use std::mem::ManuallyDrop;
use std::path::Path;
use std::sync::{Arc, OnceLock};

mod append;
mod temp;

pub use append::{Column, Rows};
pub use duckdb::InterruptHandle;
use temp::TempFolder;

/// A result set: its schema and its batches.
pub struct Table {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    /// Rows the query returned beyond those kept (see [`Limits::keep_rows`]).
    pub omitted: u64,
}

/// Bounds on one check's query.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// When the query is stopped (DuckDB's interrupt), if it is still running.
    pub deadline: Option<std::time::Instant>,
    /// Rows kept of the result; the rest are counted, not converted.
    pub keep_rows: Option<usize>,
}

impl Table {
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// The database and the connection statlint queries through. Bulk loads open further connections to the same
/// database (one per loading thread), which is why the database handle is kept here.
pub struct Db {
    conn: ManuallyDrop<Connection>,
    /// A second connection, of the C API, for the checks' queries (see [`Db::query_check`]); opened when first
    /// used, and closed before the database.
    direct: OnceLock<RawCon>,
    shared: Arc<Shared>,
}

/// A connection of DuckDB's C API.
struct RawCon(ffi::duckdb_connection);
// SAFETY: DuckDB serialises the use of one connection from several threads (its client context's lock).
unsafe impl Send for RawCon {}
unsafe impl Sync for RawCon {}

impl Drop for RawCon {
    fn drop(&mut self) {
        // SAFETY: the connection is open, and disconnected exactly once, here.
        unsafe { ffi::duckdb_disconnect(&mut self.0) };
    }
}

/// What the connections to one database share; the last one closes the database.
struct Shared {
    raw: RawDb,
    /// DuckDB's `temp_directory`, private to this database and removed with it: spilling never writes into
    /// the working directory (DuckDB's default `.tmp`), which may be the dataset folder.
    _temp: TempFolder,
    /// Whether the loader's table function is registered (see `append::register_feed`).
    feed: std::sync::Mutex<bool>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // SAFETY: every connection of this database has been dropped (each holds this `Arc`).
        unsafe { ffi::duckdb_close(&mut self.raw.0) };
        // The folder goes with `self._temp`, after the database that spilled into it.
    }
}

/// The database handle, used only to open connections, which DuckDB allows from any thread.
#[derive(Clone, Copy)]
struct RawDb(ffi::duckdb_database);
unsafe impl Send for RawDb {}
unsafe impl Sync for RawDb {}

impl Drop for Db {
    fn drop(&mut self) {
        // SAFETY: the connection is dropped exactly once, here; the database closes when the last `Arc<Shared>`
        // goes, after its connections.
        unsafe { ManuallyDrop::drop(&mut self.conn) };
    }
}

/// How to open the engine.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// DuckDB's `memory_limit`, e.g. `4GB`; `None`: DuckDB's default (80% of RAM). Beyond it, sorts, joins and
    /// aggregates spill to a private temporary folder; what cannot spill fails with an out-of-memory error.
    pub memory_limit: Option<String>,
    /// Worker threads; `None`: one per core.
    pub threads: Option<usize>,
    /// Open a database file for reading only.
    pub read_only: bool,
}

/// Hands the memory the process has freed back to the system. glibc keeps freed memory in its arenas for
/// reuse, and with DuckDB's threads much of it stays there: after loading L, the process held about 1.75 GB
/// where the tables need 1 GB, and every large query raised that floor for the ones after it. Called between
/// large steps, so that each step's peak is its own. Elsewhere than glibc, a no-op.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::os::raw::c_int;
        }
        // SAFETY: malloc_trim only returns unused pages of glibc's heap to the kernel.
        unsafe { malloc_trim(0) };
    }
}

/// DuckDB's memory limit when the process's address space is limited (`ulimit -v`): 40 % of it, leaving the
/// rest to statlint's own data and the threads' stacks. DuckDB's default, 80 % of the machine's RAM, knows
/// nothing of such a limit and would run the process out of memory before it spilled. `None`: no limit.
fn address_space_share() -> Option<String> {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct it is given.
        if unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut lim) } == 0
            && lim.rlim_cur != libc::RLIM_INFINITY
        {
            // `rlim_t` is u64 on Linux, not everywhere.
            #[allow(clippy::unnecessary_cast)]
            let bytes = lim.rlim_cur as u64;
            return Some(format!("{}MB", bytes / 1_000_000 * 2 / 5));
        }
    }
    None
}

/// A DuckDB error from the C API, as the `duckdb` crate reports its own.
fn ffi_error(message: String) -> duckdb::Error {
    duckdb::Error::DuckDBFailure(ffi::Error::new(ffi::DuckDBError), Some(message))
}

/// A check's parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Text(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
}

impl Param {
    /// The value as SQL, of its own type: VARCHAR, BIGINT, DOUBLE or BOOLEAN.
    fn sql(&self) -> String {
        match self {
            Param::Text(s) => format!("'{}'", s.replace('\'', "''")),
            Param::Integer(i) => format!("CAST({i} AS BIGINT)"),
            // `{:?}` prints the shortest text that reads back as the same double (and `inf`, `NaN`).
            Param::Float(f) => format!("CAST('{f:?}' AS DOUBLE)"),
            Param::Boolean(b) => b.to_string(),
        }
    }
}

/// A name as a quoted SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Runs `sql` (one or more statements) on a C API connection and returns the last statement's result. Each
/// statement is planned once.
///
/// # Safety
/// `con` is an open connection.
unsafe fn direct_query(
    con: ffi::duckdb_connection,
    sql: &str,
    keep: usize,
) -> Result<Table, duckdb::Error> {
    use duckdb::arrow::array::StructArray;
    use duckdb::arrow::datatypes::Schema;
    use duckdb::arrow::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi};

    /// Turns DuckDB's error data (null: no error) into an error, and frees it.
    unsafe fn check(mut e: ffi::duckdb_error_data) -> Result<(), duckdb::Error> {
        if e.is_null() {
            return Ok(());
        }
        // SAFETY: `e` is error data DuckDB returned, destroyed exactly once, here.
        unsafe {
            let failed = ffi::duckdb_error_data_has_error(e);
            let message = CStr::from_ptr(ffi::duckdb_error_data_message(e))
                .to_string_lossy()
                .into_owned();
            ffi::duckdb_destroy_error_data(&mut e);
            if failed {
                Err(ffi_error(message))
            } else {
                Ok(())
            }
        }
    }

    let q = cstring(sql)?;
    // SAFETY: the result, its Arrow options, the logical types and the data chunks are created and destroyed
    // here, on every path; the Arrow arrays DuckDB fills are taken over by `from_ffi`.
    unsafe {
        let mut result: ffi::duckdb_result = std::mem::zeroed();
        if ffi::duckdb_query(con, q.as_ptr(), &mut result) != ffi::DuckDBSuccess {
            let e = ffi::duckdb_result_error(&mut result);
            let message = if e.is_null() {
                "the query failed".to_string()
            } else {
                CStr::from_ptr(e).to_string_lossy().into_owned()
            };
            ffi::duckdb_destroy_result(&mut result);
            return Err(ffi_error(message));
        }
        let mut options = ffi::duckdb_result_get_arrow_options(&mut result);
        let table = (|| {
            let n = ffi::duckdb_column_count(&mut result);
            let mut types: Vec<ffi::duckdb_logical_type> = (0..n)
                .map(|i| ffi::duckdb_column_logical_type(&mut result, i))
                .collect();
            let mut names: Vec<*const std::os::raw::c_char> = (0..n)
                .map(|i| ffi::duckdb_column_name(&mut result, i))
                .collect();
            let mut ffi_schema = FFI_ArrowSchema::empty();
            let exported = check(ffi::duckdb_to_arrow_schema(
                options,
                types.as_mut_ptr(),
                names.as_mut_ptr(),
                n,
                &mut ffi_schema as *mut FFI_ArrowSchema as *mut ffi::ArrowSchema,
            ));
            for t in &mut types {
                ffi::duckdb_destroy_logical_type(t);
            }
            exported?;
            let schema = Schema::try_from(&ffi_schema)
                .map_err(|e| ffi_error(format!("cannot read the result's schema: {e}")))?;
            let mut batches = Vec::new();
            let (mut kept, mut omitted) = (0usize, 0u64);
            loop {
                let mut chunk = ffi::duckdb_fetch_chunk(result);
                if chunk.is_null() {
                    break;
                }
                let size = ffi::duckdb_data_chunk_get_size(chunk) as usize;
                if size == 0 {
                    ffi::duckdb_destroy_data_chunk(&mut chunk);
                    break;
                }
                // Rows beyond those kept are counted, never converted.
                if kept >= keep {
                    omitted += size as u64;
                    ffi::duckdb_destroy_data_chunk(&mut chunk);
                    continue;
                }
                let mut array = FFI_ArrowArray::empty();
                let converted = check(ffi::duckdb_data_chunk_to_arrow(
                    options,
                    chunk,
                    &mut array as *mut FFI_ArrowArray as *mut ffi::ArrowArray,
                ));
                ffi::duckdb_destroy_data_chunk(&mut chunk);
                converted?;
                let data = from_ffi(array, &ffi_schema)
                    .map_err(|e| ffi_error(format!("cannot read the result: {e}")))?;
                let batch = RecordBatch::from(StructArray::from(data));
                let take = size.min(keep - kept);
                omitted += (size - take) as u64;
                kept += take;
                batches.push(if take < size {
                    batch.slice(0, take)
                } else {
                    batch
                });
            }
            let e = ffi::duckdb_result_error(&mut result);
            if !e.is_null() {
                return Err(ffi_error(CStr::from_ptr(e).to_string_lossy().into_owned()));
            }
            Ok(Table {
                schema: Arc::new(schema),
                batches,
                omitted,
            })
        })();
        ffi::duckdb_destroy_arrow_options(&mut options);
        ffi::duckdb_destroy_result(&mut result);
        table
    }
}

fn cstring(s: &str) -> Result<CString, duckdb::Error> {
    CString::new(s).map_err(|_| ffi_error(format!("'{s}' contains a NUL character")))
}

impl Db {
    /// Opens an in-memory database, or the database file at `path`.
    pub fn open(path: Option<&Path>, opts: &Options) -> Result<Db> {
        let context = match path {
            None => "cannot open an in-memory DuckDB database".to_string(),
            Some(p) => format!("{}: cannot open as a DuckDB database", p.display()),
        };
        let mut settings: Vec<(&str, String)> = vec![
            ("autoinstall_known_extensions", "false".into()),
            ("autoload_known_extensions", "false".into()),
            // Parquet files are read by `/proc/self/fd/N`, a name the next file can have too (see
            // `load::parquet`): DuckDB must not serve one file's cached blocks for another's.
            ("enable_external_file_cache", "false".into()),
        ];
        if let Some(m) = opts.memory_limit.clone().or_else(address_space_share) {
            settings.push(("memory_limit", m));
        }
        let temp = TempFolder::new()?;
        settings.push(("temp_directory", temp.engine_path.clone()));
        if let Some(t) = opts.threads {
            settings.push(("threads", t.to_string()));
        }
        if opts.read_only {
            settings.push(("access_mode", "READ_ONLY".into()));
        }
        let raw = open_raw(path, &settings).map_err(|e| {
            let e = match &opts.memory_limit {
                Some(m) if e.to_string().contains("memory_limit") => ffi_error(format!(
                    "invalid memory limit '{m}': give a size such as 500MB or 4GB"
                )),
                _ => e,
            };
            Error::engine(context.clone())(e)
        })?;
        // SAFETY: `raw` is an open database; the connection does not close it (that is `Drop`'s job).
        let conn = unsafe { Connection::open_from_raw(raw) }.map_err(|e| {
            let mut raw = raw;
            unsafe { ffi::duckdb_close(&mut raw) };
            Error::engine(context)(e)
        })?;
        Ok(Db {
            conn: ManuallyDrop::new(conn),
            direct: OnceLock::new(),
            shared: Arc::new(Shared {
                raw: RawDb(raw),
                _temp: temp,
                feed: std::sync::Mutex::new(false),
            }),
        })
    }

    /// The DuckDB library version, e.g. `v1.4.1`.
    /// Asked of the library, not of a database: opening one costs tens of milliseconds.
    pub fn version() -> String {
        // SAFETY: the library returns a pointer to a static, NUL-terminated string (or null).
        let v = unsafe { ffi::duckdb_library_version() };
        if v.is_null() {
            return "unknown".to_string();
        }
        // SAFETY: non-null, and static for the life of the process.
        unsafe { CStr::from_ptr(v) }.to_string_lossy().into_owned()
    }

    /// Runs statements that return nothing (DDL from `sql/`).
    pub fn batch(&self, sql: &str, context: &str) -> Result<()> {
        self.conn
            .execute_batch(sql)
            .map_err(Error::engine(context.to_string()))
    }

    /// Runs a query with bound values and collects its result.
    pub fn query(&self, sql: &str, params: &[Value]) -> Result<Table, duckdb::Error> {
        let mut stmt = self.conn.prepare(sql)?;
        let arrow = stmt.query_arrow(duckdb::params_from_iter(params.iter()))?;
        let schema = arrow.get_schema();
        let batches = arrow.collect();
        Ok(Table {
            schema,
            batches,
            omitted: 0,
        })
    }

    /// One value from a query with one row and one column.
    pub fn scalar<T: duckdb::types::FromSql>(
        &self,
        sql: &str,
        params: &[Value],
    ) -> Result<T, duckdb::Error> {
        self.conn
            .query_row(sql, duckdb::params_from_iter(params.iter()), |r| r.get(0))
    }

    /// Appends Arrow batches to a table whose columns match them in order and type.
    pub fn append(
        &self,
        table: &str,
        batches: impl IntoIterator<Item = RecordBatch>,
    ) -> Result<()> {
        let context = || format!("cannot append to table {table}");
        let mut app = self
            .conn
            .appender(table)
            .map_err(Error::engine(context()))?;
        for b in batches {
            app.append_record_batch(b)
                .map_err(Error::engine(context()))?;
        }
        app.flush().map_err(Error::engine(context()))
    }

    /// Appends rows of plain values (small reference tables).
    pub fn append_rows(&self, table: &str, rows: &[Vec<Value>]) -> Result<()> {
        let context = || format!("cannot append to table {table}");
        let mut app = self
            .conn
            .appender(table)
            .map_err(Error::engine(context()))?;
        for r in rows {
            app.append_row(duckdb::appender_params_from_iter(r.iter()))
                .map_err(Error::engine(context()))?;
        }
        app.flush().map_err(Error::engine(context()))
    }

    /// Stops a running query from another thread (Ctrl-C).
    pub fn interrupt_handle(&self) -> Arc<InterruptHandle> {
        self.conn.interrupt_handle()
    }

    /// Closes the door after loading: no file or network access (only the private temporary folder stays
    /// reachable, for spilling), no extensions, no attaching database files, no persistent secrets, and no way
    /// for later SQL to undo it (`SET`, `RESET` and `PRAGMA` of any setting fail once it is locked).
    pub fn sandbox(&self) -> Result<()> {
        self.batch(
            "SET enable_external_access = false; SET allow_community_extensions = false; \
             SET allow_persistent_secrets = false; SET lock_configuration = true;",
            "cannot restrict the database",
        )
    }

    /// Runs a check's query. A user check must be exactly one statement, which the engine's parser (not its
    /// first keyword) says is a query, and runs in a read-only transaction that is rolled back afterwards. So
    /// it can neither change the data the next check sees (DML with `RETURNING`, `CREATE OR REPLACE VIEW obs`)
    /// nor smuggle in a second statement after a `;`.
    ///
    /// The query is not prepared: DuckDB plans a prepared statement that reads a table once when it is
    /// prepared and again when it executes, and planning is most of a check's time on small data. The
    /// parameters are set as the connection's variables instead, which `$name` reads when nothing is bound.
    ///
    /// `built_in` checks are part of statlint itself, and a test holds each to one query whose parameters
    /// are all declared: they skip the classification, which costs a parse and plan of the statement, and the
    /// statements around them (the transaction, clearing their parameters), which cost a parse and plan each.
    ///
    /// `limits` may stop the query at a deadline (then [`NamedError::TimedOut`]) and bound the rows kept.
    pub fn query_check(
        &self,
        sql: &str,
        params: &[(String, Param)],
        built_in: bool,
        limits: Limits,
    ) -> Result<Table, NamedError> {
        if !built_in {
            for name in self.only_a_query(sql)? {
                if !params.iter().any(|(n, _)| *n == name) {
                    return Err(NamedError::Unbound(name));
                }
            }
        }
        let con = self.direct().map_err(NamedError::Engine)?;
        let mut setup = String::new();
        for (name, value) in params {
            setup.push_str(&format!(
                "SET VARIABLE {} = {};\n",
                ident(name),
                value.sql()
            ));
        }
        if !built_in {
            setup.push_str("BEGIN TRANSACTION READ ONLY;");
        }
        // SAFETY (all): `con` is an open connection of this database.
        if !setup.is_empty() {
            unsafe { direct_query(con, &setup, usize::MAX) }.map_err(NamedError::Engine)?;
        }
        let run = |q: &str, keep: usize| match limits.deadline {
            None => unsafe { direct_query(con, q, keep) }.map_err(NamedError::Engine),
            Some(deadline) => {
                let (result, stopped) = until(RawPtr(con), deadline, || unsafe {
                    direct_query(con, q, keep)
                });
                result.map_err(|e| {
                    if stopped {
                        NamedError::TimedOut
                    } else {
                        NamedError::Engine(e)
                    }
                })
            }
        };
        let result = match limits.keep_rows {
            None => run(sql, usize::MAX),
            // The rows beyond those kept are counted by DuckDB, within its memory limit (a window can
            // spill), rather than handed over as a result, which DuckDB keeps whole outside the limit. The
            // wrapper starts on the query's first line, so DuckDB's `LINE n` still counts the check's lines.
            Some(n) => {
                let wrapped =
                    format!("SELECT *, count(*) OVER () AS {ROWS} FROM ({sql}\n) LIMIT {n}");
                match run(&wrapped, usize::MAX) {
                    Ok(t) => Ok(split_total(t)),
                    // A query that does not plan is run as written, so its error quotes the check.
                    Err(NamedError::Engine(e)) if does_not_plan(&e) => {
                        if !built_in {
                            unsafe {
                                direct_query(con, "ROLLBACK; BEGIN TRANSACTION READ ONLY;", 0)
                            }
                            .map_err(NamedError::Engine)?;
                        }
                        run(sql, n)
                    }
                    Err(e) => Err(e),
                }
            }
        };
        if !built_in {
            let _ = unsafe { direct_query(con, "ROLLBACK", usize::MAX) };
            // What the check did not declare fails to bind, and never reads a value another check left.
            if !params.is_empty() {
                let reset: String = params
                    .iter()
                    .map(|(name, _)| format!("RESET VARIABLE {};\n", ident(name)))
                    .collect();
                unsafe { direct_query(con, &reset, usize::MAX) }.map_err(NamedError::Engine)?;
            }
        }
        result
    }

    /// The connection [`Db::query_check`] runs on, opened when first asked for.
    fn direct(&self) -> Result<ffi::duckdb_connection, duckdb::Error> {
        if let Some(c) = self.direct.get() {
            return Ok(c.0);
        }
        let mut con: ffi::duckdb_connection = std::ptr::null_mut();
        // SAFETY: `self.shared.raw` is an open database.
        if unsafe { ffi::duckdb_connect(self.shared.raw.0, &mut con) } != ffi::DuckDBSuccess {
            return Err(ffi_error("cannot open a connection".into()));
        }
        Ok(self.direct.get_or_init(|| RawCon(con)).0)
    }

    /// Fails unless `sql` is one statement of the query kind that prepares, and returns the names of its
    /// parameters. Parsing and preparing happen on a connection of their own, which runs nothing; a statement
    /// that does not parse or prepare fails with the engine's message.
    pub(crate) fn only_a_query(&self, sql: &str) -> Result<Vec<String>, NamedError> {
        let q = cstring(sql).map_err(NamedError::Engine)?;
        // SAFETY: the connection, the extracted statements and the prepared statement are created and destroyed
        // here, on every path; `self.shared.raw` is an open database; a parameter's name is freed after copying.
        unsafe {
            let mut con: ffi::duckdb_connection = std::ptr::null_mut();
            if ffi::duckdb_connect(self.shared.raw.0, &mut con) != ffi::DuckDBSuccess {
                return Err(NamedError::Engine(ffi_error(
                    "cannot open a connection".into(),
                )));
            }
            let mut extracted: ffi::duckdb_extracted_statements = std::ptr::null_mut();
            let n = ffi::duckdb_extract_statements(con, q.as_ptr(), &mut extracted);
            let message = |e: *const std::os::raw::c_char, what: &str| {
                if e.is_null() {
                    format!("the statement does not {what}")
                } else {
                    CStr::from_ptr(e).to_string_lossy().into_owned()
                }
            };
            let mut outcome = Err(NamedError::Statements(n as usize));
            if n == 0 {
                let e = ffi::duckdb_extract_statements_error(extracted);
                outcome = Err(NamedError::Engine(ffi_error(message(e, "parse"))));
            } else if n == 1 {
                let mut stmt: ffi::duckdb_prepared_statement = std::ptr::null_mut();
                if ffi::duckdb_prepare_extracted_statement(con, extracted, 0, &mut stmt)
                    == ffi::DuckDBSuccess
                {
                    let kind = ffi::duckdb_prepared_statement_type(stmt);
                    if kind == ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_SELECT {
                        let mut names = Vec::new();
                        for i in 1..=ffi::duckdb_nparams(stmt) {
                            let name = ffi::duckdb_parameter_name(stmt, i);
                            if !name.is_null() {
                                names.push(CStr::from_ptr(name).to_string_lossy().into_owned());
                                ffi::duckdb_free(name as *mut std::ffi::c_void);
                            }
                        }
                        outcome = Ok(names);
                    } else {
                        outcome = Err(NamedError::NotAQuery(statement_kind(kind)));
                    }
                } else {
                    let e = ffi::duckdb_prepare_error(stmt);
                    outcome = Err(NamedError::Engine(ffi_error(message(e, "prepare"))));
                }
                ffi::duckdb_destroy_prepare(&mut stmt);
            }
            ffi::duckdb_destroy_extracted(&mut extracted);
            ffi::duckdb_disconnect(&mut con);
            outcome
        }
    }

    /// Another connection to the same database, for running queries on another thread.
    pub fn connect(&self) -> Result<Db> {
        let conn = self
            .conn
            .try_clone()
            .map_err(Error::engine("cannot open a connection"))?;
        Ok(Db {
            conn: ManuallyDrop::new(conn),
            direct: OnceLock::new(),
            shared: self.shared.clone(),
        })
    }

    /// DuckDB's `memory_limit` now in force, e.g. `50.0 MiB`.
    pub fn memory_limit(&self) -> Option<String> {
        self.scalar("SELECT current_setting('memory_limit')", &[])
            .ok()
    }
}

/// A query with named parameters failed.
#[derive(Debug)]
pub enum NamedError {
    Engine(duckdb::Error),
    Unbound(String),
    /// A check with more than one statement.
    Statements(usize),
    /// A check whose statement is not a query: its kind, e.g. `DELETE`.
    NotAQuery(&'static str),
    /// The query was stopped at its deadline.
    TimedOut,
}

impl std::fmt::Display for NamedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NamedError::Engine(e) => write!(f, "{e}"),
            NamedError::Unbound(n) => {
                write!(f, "the query uses ${n}, which is not a declared parameter")
            }
            NamedError::Statements(n) => write!(
                f,
                "a check is one query, but this has {n} statements separated by ';' (a counts query goes after a `--! counts` line)"
            ),
            NamedError::TimedOut => write!(f, "the query was stopped at its time limit"),
            NamedError::NotAQuery(kind) => write!(
                f,
                "a check is one query that returns findings (SELECT, WITH, FROM …), and this statement is {kind}: checks cannot change the database, its settings or anything outside it"
            ),
        }
    }
}

/// The column of a check's wrapped query that holds how many rows the check returned.
const ROWS: &str = "__statlint_rows";

/// Whether an engine error comes from parsing, binding or the catalog, before anything ran.
fn does_not_plan(e: &duckdb::Error) -> bool {
    let m = e.to_string();
    ["Parser Error", "Binder Error", "Catalog Error"]
        .iter()
        .any(|k| m.starts_with(k))
}

/// A wrapped check's result without its [`ROWS`] column, and the rows beyond those kept as omitted.
fn split_total(t: Table) -> Table {
    use duckdb::arrow::array::{Array, AsArray};
    use duckdb::arrow::datatypes::Int64Type;
    let Ok(i) = t.schema.index_of(ROWS) else {
        return t;
    };
    let total = t
        .batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .and_then(|b| {
            let c = duckdb::arrow::compute::cast(
                b.column(i),
                &duckdb::arrow::datatypes::DataType::Int64,
            )
            .ok()?;
            c.is_valid(0)
                .then(|| c.as_primitive::<Int64Type>().value(0))
        })
        .unwrap_or(0) as u64;
    let keep: Vec<usize> = (0..t.schema.fields().len()).filter(|&j| j != i).collect();
    let kept = t.num_rows() as u64;
    let batches: Vec<RecordBatch> = t
        .batches
        .iter()
        .filter_map(|b| b.project(&keep).ok())
        .collect();
    Table {
        schema: Arc::new(t.schema.project(&keep).expect("columns of the schema")),
        batches,
        omitted: total.saturating_sub(kept),
    }
}

/// A connection handle handed to the thread that may interrupt it.
#[derive(Clone, Copy)]
struct RawPtr(ffi::duckdb_connection);
// SAFETY: DuckDB's interrupt may be called from any thread while the connection runs a query.
unsafe impl Send for RawPtr {}
unsafe impl Sync for RawPtr {}

impl RawPtr {
    /// # Safety
    /// The connection is open.
    unsafe fn interrupt(self) {
        unsafe { ffi::duckdb_interrupt(self.0) };
    }
}

/// Runs `f`, a query on `con`, interrupting the connection if it still runs at `deadline`; says whether it
/// was interrupted. The interrupt and the query's end are ordered by one lock, so a query that has ended is
/// never interrupted, and the next statement on the connection runs undisturbed.
fn until<T>(con: RawPtr, deadline: std::time::Instant, f: impl FnOnce() -> T) -> (T, bool) {
    use std::sync::{Condvar, Mutex};
    // (the query has ended, the query was interrupted)
    let state = (Mutex::new((false, false)), Condvar::new());
    std::thread::scope(|s| {
        s.spawn(|| {
            let (lock, wake) = &state;
            let mut g = lock.lock().expect("not poisoned");
            while !g.0 {
                let now = std::time::Instant::now();
                if now >= deadline {
                    // SAFETY: the connection is open and runs the query (`g.0` is false under the lock).
                    unsafe { con.interrupt() };
                    g.1 = true;
                    break;
                }
                g = wake
                    .wait_timeout(g, deadline - now)
                    .expect("not poisoned")
                    .0;
            }
        });
        let out = f();
        let (lock, wake) = &state;
        let mut g = lock.lock().expect("not poisoned");
        g.0 = true;
        wake.notify_all();
        (out, g.1)
    })
}

/// The name of a statement kind, for messages.
fn statement_kind(k: ffi::duckdb_statement_type) -> &'static str {
    match k {
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_INSERT => "INSERT",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_UPDATE => "UPDATE",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_DELETE => "DELETE",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_CREATE => "CREATE",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_DROP => "DROP",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_ALTER => "ALTER",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_COPY => "COPY",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_EXPORT => "EXPORT",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_ATTACH => "ATTACH",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_DETACH => "DETACH",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_SET => "SET",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_VARIABLE_SET => "SET VARIABLE",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_PRAGMA => "PRAGMA",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_LOAD => "LOAD or INSTALL",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_TRANSACTION => "BEGIN, COMMIT or ROLLBACK",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_CALL => "CALL",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_EXPLAIN => "EXPLAIN",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_VACUUM => "VACUUM",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_ANALYZE => "ANALYZE",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_MULTI => "multi-part",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_CREATE_FUNC => "CREATE FUNCTION",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_COPY_DATABASE => "COPY DATABASE",
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_MERGE_INTO => "MERGE",
        _ => "non-query",
    }
}

/// Opens a database through the C API with the given settings.
fn open_raw(
    path: Option<&Path>,
    settings: &[(&str, String)],
) -> Result<ffi::duckdb_database, duckdb::Error> {
    let path = match path {
        Some(p) => Some(cstring(&p.to_string_lossy())?),
        None => None,
    };
    // SAFETY: every pointer handed to DuckDB is a valid NUL-terminated string or an out-parameter; the config
    // and the error message are freed on every path.
    unsafe {
        let mut config: ffi::duckdb_config = std::ptr::null_mut();
        if ffi::duckdb_create_config(&mut config) != ffi::DuckDBSuccess {
            return Err(ffi_error("cannot create a configuration".into()));
        }
        for (name, value) in settings {
            let (n, v) = (cstring(name)?, cstring(value)?);
            if ffi::duckdb_set_config(config, n.as_ptr(), v.as_ptr()) != ffi::DuckDBSuccess {
                ffi::duckdb_destroy_config(&mut config);
                return Err(ffi_error(format!("invalid setting {name} = '{value}'")));
            }
        }
        let mut db: ffi::duckdb_database = std::ptr::null_mut();
        let mut err: *mut std::os::raw::c_char = std::ptr::null_mut();
        let rc = ffi::duckdb_open_ext(
            path.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
            &mut db,
            config,
            &mut err,
        );
        ffi::duckdb_destroy_config(&mut config);
        if rc != ffi::DuckDBSuccess {
            let message = if err.is_null() {
                "unknown error".to_string()
            } else {
                let m = CStr::from_ptr(err).to_string_lossy().into_owned();
                ffi::duckdb_free(err.cast());
                m
            };
            return Err(ffi_error(message));
        }
        Ok(db)
    }
}
