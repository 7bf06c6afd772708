//! Bulk loading through DuckDB's C API: the loader writes its columns straight into the vectors of the chunks an
//! `INSERT` reads from a table function (enum codes as their integer ids, decimals as integers), from several
//! threads at once, each with its own connection and transaction. The transactions commit in order, so rows
//! keep the order of their parts.

use super::{Db, RawDb, cstring, ffi_error};
use crate::error::{Error, Result};
use duckdb::ffi;
use std::ffi::CStr;
use std::os::raw::c_void;
use std::sync::{Condvar, Mutex};

/// How a column's values are laid out in a DuckDB vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phys {
    U8,
    U16,
    U32,
    I8,
    I32,
    I64,
    I128,
    F64,
    Bool,
    Str,
    Other(u32),
}

fn physical(t: ffi::duckdb_logical_type) -> Phys {
    // SAFETY: `t` is a valid logical type handed out by the appender.
    let id = unsafe { ffi::duckdb_get_type_id(t) };
    let inner = match id {
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_ENUM => unsafe { ffi::duckdb_enum_internal_type(t) },
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_DECIMAL => unsafe { ffi::duckdb_decimal_internal_type(t) },
        other => other,
    };
    match inner {
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_UTINYINT => Phys::U8,
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_USMALLINT => Phys::U16,
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_UINTEGER => Phys::U32,
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_TINYINT => Phys::I8,
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_INTEGER => Phys::I32,
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_BIGINT => Phys::I64,
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_HUGEINT => Phys::I128,
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_DOUBLE => Phys::F64,
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_BOOLEAN => Phys::Bool,
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_VARCHAR => Phys::Str,
        other => Phys::Other(other),
    }
}

/// One column of the chunk being filled: `n` rows, all valid until set to NULL.
pub struct Column {
    vector: ffi::duckdb_vector,
    data: *mut c_void,
    /// The validity mask, made writable on the first NULL.
    validity: *mut u64,
    phys: Phys,
    n: usize,
}

impl Column {
    fn expect(&self, want: &[Phys]) {
        assert!(
            want.contains(&self.phys),
            "column stored as {:?}, written as {want:?}",
            self.phys
        );
    }

    fn null(&mut self, row: usize) {
        debug_assert!(row < self.n);
        // SAFETY: the mask is made writable once, and then holds a bit for each of the vector's `vector size`
        // rows, 64 to a word; `row < n <= vector size`.
        unsafe {
            if self.validity.is_null() {
                ffi::duckdb_vector_ensure_validity_writable(self.vector);
                self.validity = ffi::duckdb_vector_get_validity(self.vector);
            }
            *self.validity.add(row / 64) &= !(1u64 << (row % 64));
        }
    }

    fn put<T: Copy>(&mut self, row: usize, v: T) {
        debug_assert!(row < self.n);
        // SAFETY: the vector holds `vector size` values of the physical type checked by the caller, and
        // `row < n <= vector size`.
        unsafe { (self.data as *mut T).add(row).write_unaligned(v) }
    }

    /// How many rows are to be filled.
    pub fn rows(&self) -> usize {
        self.n
    }

    /// Values stored as they are, of the one physical type `phys`.
    fn fixed<T: Copy>(&mut self, phys: Phys, f: impl Fn(usize) -> Option<T>) {
        self.expect(&[phys]);
        for r in 0..self.n {
            match f(r) {
                None => self.null(r),
                Some(v) => self.put(r, v),
            }
        }
    }

    /// Enum codes by their 0-based position in the enum's list of values. A type without values is VARCHAR,
    /// which can only receive NULLs.
    pub fn ids(&mut self, f: impl Fn(usize) -> Option<u32>) {
        if self.phys == Phys::Str {
            for r in 0..self.n {
                assert!(f(r).is_none(), "a value for a type without values");
                self.null(r);
            }
            return;
        }
        self.expect(&[Phys::U8, Phys::U16, Phys::U32]);
        for r in 0..self.n {
            match (f(r), self.phys) {
                (None, _) => self.null(r),
                (Some(v), Phys::U8) => self.put(r, v as u8),
                (Some(v), Phys::U16) => self.put(r, v as u16),
                (Some(v), _) => self.put(r, v),
            }
        }
    }

    pub fn i8s(&mut self, f: impl Fn(usize) -> Option<i8>) {
        self.fixed(Phys::I8, f)
    }

    pub fn i32s(&mut self, f: impl Fn(usize) -> Option<i32>) {
        self.fixed(Phys::I32, f)
    }

    pub fn u32s(&mut self, f: impl Fn(usize) -> Option<u32>) {
        self.fixed(Phys::U32, f)
    }

    /// Integers, or the unscaled integers of a DECIMAL column.
    pub fn i128s(&mut self, f: impl Fn(usize) -> Option<i128>) {
        self.expect(&[Phys::I64, Phys::I128]);
        for r in 0..self.n {
            match (f(r), self.phys) {
                (None, _) => self.null(r),
                (Some(v), Phys::I64) => self.put(r, v as i64),
                // DuckDB's hugeint is the lower 64 bits, then the upper: an i128 in little-endian order.
                (Some(v), _) => self.put(r, [v as u64, (v >> 64) as u64]),
            }
        }
    }

    pub fn f64s(&mut self, f: impl Fn(usize) -> Option<f64>) {
        self.fixed(Phys::F64, f)
    }

    pub fn strs<'s>(&mut self, f: impl Fn(usize) -> Option<&'s str>) {
        self.expect(&[Phys::Str]);
        for r in 0..self.n {
            match f(r) {
                None => self.null(r),
                // Up to 12 bytes are stored inline in the string_t: length, then the bytes, zero-padded.
                Some(s) if s.len() <= 12 => {
                    let mut st = [0u8; 16];
                    st[..4].copy_from_slice(&(s.len() as u32).to_le_bytes());
                    st[4..4 + s.len()].copy_from_slice(s.as_bytes());
                    self.put(r, st);
                }
                // SAFETY: the vector is a VARCHAR vector and `r` is in range; DuckDB copies the bytes.
                Some(s) => unsafe {
                    ffi::duckdb_vector_assign_string_element_len(
                        self.vector,
                        r as u64,
                        s.as_ptr().cast(),
                        s.len() as u64,
                    )
                },
            }
        }
    }
}

/// Rows that can write themselves into DuckDB vectors.
pub trait Rows: Send {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Writes rows `start .. start + cols[0].n` into the columns, one writer per table column.
    fn fill(&self, start: usize, cols: &mut [Column]);
}

/// A raw connection with its own transaction, and the column types of the table it loads.
struct Loader {
    conn: ffi::duckdb_connection,
    types: Vec<ffi::duckdb_logical_type>,
}

impl Loader {
    fn open(db: RawDb, table: &str) -> Result<Loader, duckdb::Error> {
        let mut l = Loader {
            conn: std::ptr::null_mut(),
            types: vec![],
        };
        // SAFETY: out-parameters are valid; on error `Drop` releases what was created; the appender is only
        // asked for the table's column types, which outlive it, and destroyed on every path.
        unsafe {
            if ffi::duckdb_connect(db.0, &mut l.conn) != ffi::DuckDBSuccess {
                return Err(ffi_error("cannot open a loading connection".into()));
            }
            l.sql("BEGIN TRANSACTION")?;
            let t = cstring(table)?;
            let mut app: ffi::duckdb_appender = std::ptr::null_mut();
            let created =
                ffi::duckdb_appender_create(l.conn, std::ptr::null(), t.as_ptr(), &mut app);
            if created == ffi::DuckDBSuccess {
                let n = ffi::duckdb_appender_column_count(app);
                l.types = (0..n)
                    .map(|i| ffi::duckdb_appender_column_type(app, i))
                    .collect();
            }
            let message = (created != ffi::DuckDBSuccess && !app.is_null())
                .then(|| ffi::duckdb_appender_error(app))
                .filter(|e| !e.is_null())
                .map(|e| CStr::from_ptr(e).to_string_lossy().into_owned());
            ffi::duckdb_appender_destroy(&mut app);
            if created != ffi::DuckDBSuccess {
                return Err(ffi_error(
                    message.unwrap_or_else(|| format!("cannot append to table {table}")),
                ));
            }
        }
        Ok(l)
    }

    fn sql(&self, sql: &str) -> Result<(), duckdb::Error> {
        // SAFETY: the connection is open until `Drop`.
        unsafe { super::direct_query(self.conn, sql, usize::MAX) }.map(drop)
    }

    /// Inserts the rows of `parts` into `table` in order, through [`FEED`]; each part is dropped once DuckDB
    /// has taken its rows.
    fn insert<P: Rows>(&self, table: &str, parts: Vec<P>) -> Result<(), duckdb::Error> {
        let feed = Feed {
            types: self.types.iter().map(|&t| TypeHandle(t)).collect(),
            phys: self.types.iter().map(|&t| physical(t)).collect(),
            parts: Mutex::new((parts.into(), 0)),
        };
        let key = Registered::new(&feed);
        self.sql(&format!(
            "INSERT INTO {table} SELECT * FROM {FEED}({})",
            key.key
        ))
    }
}

impl Drop for Loader {
    fn drop(&mut self) {
        // SAFETY: each handle is destroyed once; an open transaction is rolled back by the disconnect.
        unsafe {
            for t in &mut self.types {
                ffi::duckdb_destroy_logical_type(t);
            }
            if !self.conn.is_null() {
                ffi::duckdb_disconnect(&mut self.conn);
            }
        }
    }
}

/// The table function that hands the loader's rows to an `INSERT`, chunk by chunk, written straight into the
/// vectors of the chunk DuckDB scans. (DuckDB's appender copies each chunk into a collection of its own first,
/// and plans an `INSERT` from that collection every 204,800 rows.) Its one argument is the key under which
/// [`Registered`] put the rows; any other key fails to bind.
const FEED: &str = "statlint_feed";

/// Where a [`Feed`] is, by key, while it is registered.
struct FeedPtr(*const (dyn Source + 'static));
// SAFETY: a feed is `Sync`, and is only reached while registered (see `Registered`).
unsafe impl Send for FeedPtr {}
unsafe impl Sync for FeedPtr {}

static FEEDS: std::sync::RwLock<std::collections::BTreeMap<i64, FeedPtr>> =
    std::sync::RwLock::new(std::collections::BTreeMap::new());
static NEXT_KEY: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);

/// A feed's registration, removed when dropped: the feed outlives it, and the callbacks read a feed under
/// the registry's read lock, so removing it (under the write lock) waits until no callback uses it.
struct Registered<'f> {
    key: i64,
    _feed: std::marker::PhantomData<&'f ()>,
}

impl<'f> Registered<'f> {
    fn new(feed: &'f (dyn Source + 'f)) -> Registered<'f> {
        let key = NEXT_KEY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let ptr: *const (dyn Source + 'f) = feed;
        // SAFETY: only the lifetime changes; the pointer is removed from the registry before 'f ends.
        let ptr: *const (dyn Source + 'static) = unsafe { std::mem::transmute(ptr) };
        FEEDS
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, FeedPtr(ptr));
        Registered {
            key,
            _feed: std::marker::PhantomData,
        }
    }
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        FEEDS
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.key);
    }
}

/// A logical type handle, read by the bind callback on whichever thread plans the `INSERT`.
struct TypeHandle(ffi::duckdb_logical_type);
// SAFETY: the handle is only read (copied into the bound columns) while its loader is alive.
unsafe impl Send for TypeHandle {}
unsafe impl Sync for TypeHandle {}

/// What [`FEED`] reads: column types, and chunks of rows.
trait Source: Sync {
    fn types(&self) -> &[TypeHandle];
    /// Writes the next rows into `out` (a chunk of the types) and returns how many (0: no more).
    ///
    /// # Safety
    /// `out` is a data chunk of [`Source::types`] with room for `vector size` rows.
    unsafe fn next(&self, out: ffi::duckdb_data_chunk) -> usize;
}

/// The parts of one loading thread, with where the next chunk starts in the first of them.
struct Feed<P> {
    types: Vec<TypeHandle>,
    phys: Vec<Phys>,
    parts: Mutex<(std::collections::VecDeque<P>, usize)>,
}

impl<P: Rows> Source for Feed<P> {
    fn types(&self) -> &[TypeHandle] {
        &self.types
    }

    unsafe fn next(&self, out: ffi::duckdb_data_chunk) -> usize {
        let mut guard = self.parts.lock().unwrap_or_else(|e| e.into_inner());
        let (parts, start) = &mut *guard;
        while parts.front().is_some_and(|p| *start >= p.len()) {
            parts.pop_front();
            *start = 0;
        }
        let Some(part) = parts.front() else {
            return 0;
        };
        // SAFETY: the caller's chunk has these types and room for `vector size` rows.
        unsafe {
            let n = (ffi::duckdb_vector_size() as usize).min(part.len() - *start);
            ffi::duckdb_data_chunk_reset(out);
            let mut cols: Vec<Column> = self
                .phys
                .iter()
                .enumerate()
                .map(|(i, &phys)| {
                    let vector = ffi::duckdb_data_chunk_get_vector(out, i as u64);
                    Column {
                        vector,
                        data: ffi::duckdb_vector_get_data(vector),
                        validity: std::ptr::null_mut(),
                        phys,
                        n,
                    }
                })
                .collect();
            part.fill(*start, &mut cols);
            *start += n;
            n
        }
    }
}

/// Runs a callback's body, and returns its error, or a panic's message, as a message for DuckDB to report:
/// a panic must not unwind through DuckDB.
fn guarded(body: impl FnOnce() -> Result<(), String>) -> Option<std::ffi::CString> {
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|p| {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(format!("{FEED}: the loader failed: {what}"))
        });
    outcome
        .err()
        .map(|m| std::ffi::CString::new(m.replace('\0', " ")).unwrap_or_default())
}

unsafe extern "C" fn feed_bind(info: ffi::duckdb_bind_info) {
    let error = guarded(|| {
        // SAFETY: `info` is the bind info DuckDB passes; the parameter value is destroyed after reading; the
        // feed is registered, so alive, while the read lock is held; DuckDB copies each column's type.
        unsafe {
            let mut v = ffi::duckdb_bind_get_parameter(info, 0);
            let key = ffi::duckdb_get_int64(v);
            ffi::duckdb_destroy_value(&mut v);
            let feeds = FEEDS.read().unwrap_or_else(|e| e.into_inner());
            let Some(feed) = feeds.get(&key) else {
                return Err(format!("{FEED}: nothing to load under key {key}"));
            };
            for (i, t) in (*feed.0).types().iter().enumerate() {
                let name = cstring(&format!("c{i}")).map_err(|e| e.to_string())?;
                ffi::duckdb_bind_add_result_column(info, name.as_ptr(), t.0);
            }
            let data = Box::into_raw(Box::new(key));
            ffi::duckdb_bind_set_bind_data(info, data.cast(), Some(drop_key));
        }
        Ok(())
    });
    if let Some(m) = error {
        // SAFETY: DuckDB copies the message.
        unsafe { ffi::duckdb_bind_set_error(info, m.as_ptr()) };
    }
}

unsafe extern "C" fn drop_key(data: *mut c_void) {
    // SAFETY: `data` is the box `feed_bind` leaked, freed once, here.
    drop(unsafe { Box::from_raw(data.cast::<i64>()) });
}

unsafe extern "C" fn feed_init(info: ffi::duckdb_init_info) {
    // SAFETY: `info` is the init info DuckDB passes. One thread reads a feed, in order: the rows keep the
    // order of their parts.
    unsafe { ffi::duckdb_init_set_max_threads(info, 1) };
}

unsafe extern "C" fn feed_function(
    info: ffi::duckdb_function_info,
    output: ffi::duckdb_data_chunk,
) {
    let error = guarded(|| {
        // SAFETY: the bind data is the key `feed_bind` set; the feed is alive while the read lock is held;
        // `output` is DuckDB's chunk of the bound types.
        unsafe {
            let key = *ffi::duckdb_function_get_bind_data(info).cast::<i64>();
            let feeds = FEEDS.read().unwrap_or_else(|e| e.into_inner());
            let Some(feed) = feeds.get(&key) else {
                return Err(format!("{FEED}: nothing to load under key {key}"));
            };
            let n = (*feed.0).next(output);
            ffi::duckdb_data_chunk_set_size(output, n as u64);
        }
        Ok(())
    });
    if let Some(m) = error {
        // SAFETY: DuckDB copies the message.
        unsafe { ffi::duckdb_function_set_error(info, m.as_ptr()) };
    }
}

/// Registers [`FEED`] in the database, once.
fn register_feed(db: RawDb, done: &Mutex<bool>) -> Result<(), duckdb::Error> {
    let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
    if *done {
        return Ok(());
    }
    let name = cstring(FEED)?;
    // SAFETY: the function, its parameter type and the connection are created and destroyed here; DuckDB
    // copies the function when it registers it.
    unsafe {
        let mut con: ffi::duckdb_connection = std::ptr::null_mut();
        if ffi::duckdb_connect(db.0, &mut con) != ffi::DuckDBSuccess {
            return Err(ffi_error("cannot open a connection".into()));
        }
        let mut f = ffi::duckdb_create_table_function();
        ffi::duckdb_table_function_set_name(f, name.as_ptr());
        let mut key = ffi::duckdb_create_logical_type(ffi::DUCKDB_TYPE_DUCKDB_TYPE_BIGINT);
        ffi::duckdb_table_function_add_parameter(f, key);
        ffi::duckdb_destroy_logical_type(&mut key);
        ffi::duckdb_table_function_set_bind(f, Some(feed_bind));
        ffi::duckdb_table_function_set_init(f, Some(feed_init));
        ffi::duckdb_table_function_set_function(f, Some(feed_function));
        let ok = ffi::duckdb_register_table_function(con, f) == ffi::DuckDBSuccess;
        ffi::duckdb_destroy_table_function(&mut f);
        ffi::duckdb_disconnect(&mut con);
        if !ok {
            return Err(ffi_error(format!(
                "cannot register the table function {FEED}"
            )));
        }
    }
    *done = true;
    Ok(())
}

/// The order in which the loading transactions commit.
struct Turn {
    next: Mutex<(usize, bool)>,
    cv: Condvar,
}

impl Db {
    /// Appends `parts` to `table` in order, from up to `threads` threads. Each part is dropped as soon as it is
    /// in DuckDB's hands, so the loader's copy of the data shrinks while DuckDB's grows.
    pub fn append_parts<P: Rows>(&self, table: &str, parts: Vec<P>, threads: usize) -> Result<()> {
        let context = || format!("cannot append to table {table}");
        let total: usize = parts.iter().map(Rows::len).sum();
        // Contiguous groups of parts, one per thread, of about equal size. A thread's connection, transaction
        // and statements cost more than a small table's rows: below `ONE_THREAD` rows one thread loads them.
        const ONE_THREAD: usize = 1 << 16;
        let threads = if total < ONE_THREAD {
            1
        } else {
            threads.clamp(1, parts.len().max(1))
        };
        let mut groups: Vec<Vec<P>> = (0..threads).map(|_| Vec::new()).collect();
        let mut seen = 0;
        for p in parts {
            let g = (seen * threads / total.max(1)).min(threads - 1);
            seen += p.len();
            groups[g].push(p);
        }
        groups.retain(|g| !g.is_empty());
        let turn = Turn {
            next: Mutex::new((0, false)),
            cv: Condvar::new(),
        };
        register_feed(self.shared.raw, &self.shared.feed).map_err(Error::engine(context()))?;
        // Each loading thread runs an INSERT of its own; with DuckDB's worker threads also at work, they only
        // take turns on the same cores. DuckDB runs on the calling threads meanwhile.
        let engine_threads: Option<i64> = if groups.len() > 1 {
            let n = self
                .scalar("SELECT current_setting('threads')", &[])
                .map_err(Error::engine(context()))?;
            self.batch("SET threads = 1", &context())?;
            Some(n)
        } else {
            None
        };
        let raw = self.shared.raw;
        let run = |i: usize, group: Vec<P>| -> Result<(), duckdb::Error> {
            let result = (|| {
                let l = Loader::open(raw, table)?;
                l.insert(table, group)?;
                Ok(l)
            })();
            // Wait for the groups before this one, then commit (or give up if one failed).
            let mut next = turn.next.lock().unwrap_or_else(|e| e.into_inner());
            while next.0 != i && !next.1 {
                next = turn.cv.wait(next).unwrap_or_else(|e| e.into_inner());
            }
            let out = match result {
                Ok(l) if !next.1 => l.sql("COMMIT"),
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            };
            if out.is_err() {
                next.1 = true;
            }
            next.0 += 1;
            turn.cv.notify_all();
            out
        };
        let results: Vec<Result<(), duckdb::Error>> = std::thread::scope(|s| {
            let handles: Vec<_> = groups
                .into_iter()
                .enumerate()
                .map(|(i, g)| {
                    let run = &run;
                    s.spawn(move || run(i, g))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        if let Some(n) = engine_threads {
            self.batch(&format!("SET threads = {n}"), &context())?;
        }
        for r in results {
            r.map_err(Error::engine(context()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows `from .. from + n` of a table (i INTEGER, s VARCHAR): i is the row number; s is NULL for every
    /// seventh row, else the number as text (longer than 12 bytes for every third, which DuckDB stores apart).
    struct Numbers {
        from: usize,
        n: usize,
    }

    fn text(i: usize) -> Option<String> {
        (i % 7 != 0).then(|| {
            if i % 3 == 0 {
                format!("a longer text {i}")
            } else {
                i.to_string()
            }
        })
    }

    impl Rows for Numbers {
        fn len(&self) -> usize {
            self.n
        }
        fn fill(&self, start: usize, cols: &mut [Column]) {
            let first = self.from + start;
            cols[0].i32s(|r| Some((first + r) as i32));
            let texts: Vec<Option<String>> = (0..cols[1].n).map(|r| text(first + r)).collect();
            cols[1].strs(|r| texts[r].as_deref());
        }
    }

    #[test]
    fn parts_keep_their_order_across_threads_and_chunks() {
        let db = Db::open(None, &crate::db::Options::default()).unwrap();
        db.batch("CREATE TABLE t (i INTEGER, s VARCHAR)", "test")
            .unwrap();
        // Parts of uneven sizes, some not a multiple of the vector size, one empty; more rows than one thread
        // loads alone.
        let sizes = [5000, 1, 0, 70_000, 2048, 30_001];
        let mut parts = Vec::new();
        let mut from = 0;
        for n in sizes {
            parts.push(Numbers { from, n });
            from += n;
        }
        db.append_parts("t", parts, 3).unwrap();
        let t = db.query("SELECT i, s FROM t ORDER BY rowid", &[]).unwrap();
        let mut rows = 0;
        for b in &t.batches {
            use duckdb::arrow::array::{Array, AsArray};
            use duckdb::arrow::datatypes::Int32Type;
            let (i, s) = (
                b.column(0).as_primitive::<Int32Type>(),
                b.column(1).as_string::<i32>(),
            );
            for r in 0..b.num_rows() {
                assert_eq!(i.value(r) as usize, rows);
                let got = s.is_valid(r).then(|| s.value(r).to_string());
                assert_eq!(got, text(rows), "row {rows}");
                rows += 1;
            }
        }
        assert_eq!(rows, from);
        // The engine's threads are back to what they were.
        let threads: i64 = db.scalar("SELECT current_setting('threads')", &[]).unwrap();
        assert_eq!(
            threads as usize,
            std::thread::available_parallelism().unwrap().get()
        );
    }

    #[test]
    fn the_feed_reads_nothing_outside_a_load() {
        let db = Db::open(None, &crate::db::Options::default()).unwrap();
        db.batch("CREATE TABLE t (i INTEGER, s VARCHAR)", "test")
            .unwrap();
        db.append_parts("t", vec![Numbers { from: 0, n: 10 }], 1)
            .unwrap();
        let Err(e) = db.query(&format!("SELECT * FROM {FEED}(1)"), &[]) else {
            panic!("the feed read rows outside a load");
        };
        assert!(e.to_string().contains("nothing to load under key 1"), "{e}");
    }
}
