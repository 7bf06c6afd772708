//! Bulk appends through DuckDB's C API: the loader writes its columns straight into DuckDB's vectors (enum
//! codes as their integer ids, decimals as integers), from several threads at once, each with its own
//! connection and transaction. The transactions commit in order, so rows keep the order of their parts.

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
        self.expect(&[Phys::I8]);
        for r in 0..self.n {
            match f(r) {
                None => self.null(r),
                Some(v) => self.put(r, v),
            }
        }
    }

    pub fn i32s(&mut self, f: impl Fn(usize) -> Option<i32>) {
        self.expect(&[Phys::I32]);
        for r in 0..self.n {
            match f(r) {
                None => self.null(r),
                Some(v) => self.put(r, v),
            }
        }
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
        self.expect(&[Phys::F64]);
        for r in 0..self.n {
            match f(r) {
                None => self.null(r),
                Some(v) => self.put(r, v),
            }
        }
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

/// A raw connection with its own transaction and appender.
struct Loader {
    conn: ffi::duckdb_connection,
    app: ffi::duckdb_appender,
    types: Vec<ffi::duckdb_logical_type>,
    chunk: ffi::duckdb_data_chunk,
}

impl Loader {
    fn open(db: RawDb, table: &str) -> Result<Loader, duckdb::Error> {
        let mut l = Loader {
            conn: std::ptr::null_mut(),
            app: std::ptr::null_mut(),
            types: vec![],
            chunk: std::ptr::null_mut(),
        };
        // SAFETY: out-parameters are valid; on error `Drop` releases what was created.
        unsafe {
            if ffi::duckdb_connect(db.0, &mut l.conn) != ffi::DuckDBSuccess {
                return Err(ffi_error("cannot open a loading connection".into()));
            }
            l.sql("BEGIN TRANSACTION")?;
            let t = cstring(table)?;
            if ffi::duckdb_appender_create(l.conn, std::ptr::null(), t.as_ptr(), &mut l.app)
                != ffi::DuckDBSuccess
            {
                return Err(l.appender_error());
            }
            let n = ffi::duckdb_appender_column_count(l.app);
            l.types = (0..n)
                .map(|i| ffi::duckdb_appender_column_type(l.app, i))
                .collect();
            l.chunk = ffi::duckdb_create_data_chunk(l.types.as_mut_ptr(), n);
        }
        Ok(l)
    }

    fn sql(&self, sql: &str) -> Result<(), duckdb::Error> {
        // SAFETY: the connection is open until `Drop`.
        unsafe { super::direct_query(self.conn, sql) }.map(drop)
    }

    fn appender_error(&self) -> duckdb::Error {
        // SAFETY: the appender (possibly null) owns the message, which is copied before use.
        let e = if self.app.is_null() {
            std::ptr::null()
        } else {
            unsafe { ffi::duckdb_appender_error(self.app) }
        };
        ffi_error(if e.is_null() {
            "the append failed".to_string()
        } else {
            unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
        })
    }

    fn append(&mut self, rows: &dyn Rows) -> Result<(), duckdb::Error> {
        // SAFETY: the chunk was created from the appender's own column types, so every column's data pointer
        // holds `vector size` values of the physical type `physical` reports.
        unsafe {
            let size = ffi::duckdb_vector_size() as usize;
            let mut start = 0;
            while start < rows.len() {
                let n = size.min(rows.len() - start);
                ffi::duckdb_data_chunk_reset(self.chunk);
                let mut cols: Vec<Column> = self
                    .types
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let vector = ffi::duckdb_data_chunk_get_vector(self.chunk, i as u64);
                        Column {
                            vector,
                            data: ffi::duckdb_vector_get_data(vector),
                            validity: std::ptr::null_mut(),
                            phys: physical(*t),
                            n,
                        }
                    })
                    .collect();
                rows.fill(start, &mut cols);
                ffi::duckdb_data_chunk_set_size(self.chunk, n as u64);
                if ffi::duckdb_append_data_chunk(self.app, self.chunk) != ffi::DuckDBSuccess {
                    return Err(self.appender_error());
                }
                start += n;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), duckdb::Error> {
        // SAFETY: the appender is open.
        if unsafe { ffi::duckdb_appender_close(self.app) } != ffi::DuckDBSuccess {
            return Err(self.appender_error());
        }
        Ok(())
    }
}

impl Drop for Loader {
    fn drop(&mut self) {
        // SAFETY: each handle is destroyed once; an open transaction is rolled back by the disconnect.
        unsafe {
            if !self.chunk.is_null() {
                ffi::duckdb_destroy_data_chunk(&mut self.chunk);
            }
            for t in &mut self.types {
                ffi::duckdb_destroy_logical_type(t);
            }
            if !self.app.is_null() {
                ffi::duckdb_appender_destroy(&mut self.app);
            }
            if !self.conn.is_null() {
                ffi::duckdb_disconnect(&mut self.conn);
            }
        }
    }
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
        // Contiguous groups of parts, one per thread, of about equal size.
        let threads = threads.clamp(1, parts.len().max(1));
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
        // Each loading thread's appender flushes through an INSERT of its own; with DuckDB's worker threads
        // also at work, they only take turns on the same cores. DuckDB runs on the calling threads meanwhile.
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
                let mut l = Loader::open(raw, table)?;
                for p in group {
                    l.append(&p)?;
                }
                l.flush()?;
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
