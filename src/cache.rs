//! The load cache (`statlint check --cache`): a loaded dataset kept as a DuckDB file, keyed by everything it
//! was loaded from, so that a re-run on unchanged inputs opens the file instead of reading the data again.
//!
//! An entry is `KEY.duckdb` (the tables, the enum types and the checks' prelude) and `KEY.json` (what the
//! load reported per file). The key is BLAKE3 over statlint's and DuckDB's versions, the SQL that builds the
//! tables, the area tree and the prelude, the size and modification time of the statlint executable (a
//! rebuilt statlint may load differently), and the contents of every file the manifest reaches, by resolved
//! path: the manifest and reference tables as read, the check folders and the data files. Any change to any
//! of them is a miss, and a data file that changes while it is loaded is not cached under the old key.
//! A miss loads into `KEY.duckdb.tmp-PID` and renames it once complete, so a run that stops half-way
//! leaves no entry behind (the next run removes the file once that process is gone); the least recently
//! used entries beyond [`KEEP`] are removed.

use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::load::{FileStats, LoadReport, ValueType};
use crate::manifest::Dataset;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Entries kept in the cache folder.
pub const KEEP: usize = 4;

/// The cache folder: `$STATLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/statlint/loads`, else
/// `~/.cache/statlint/loads`.
pub fn dir() -> PathBuf {
    if let Some(d) = std::env::var_os("STATLINT_CACHE_DIR") {
        return d.into();
    }
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("statlint")
        .join("loads")
}

/// One dataset's place in the cache.
pub struct Entry {
    pub key: String,
    pub db: PathBuf,
    meta: PathBuf,
    pub tmp: PathBuf,
    /// BLAKE3 of each data file (by its path in the dataset) when the key was made.
    data: HashMap<String, String>,
}

impl Entry {
    /// Computes the dataset's key (reading every data file once).
    pub fn find(ds: &Dataset) -> Result<Entry> {
        let dir = dir();
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        private(&dir)?;
        let (key, data) = key(ds)?;
        // A run that was killed while loading left its half-written file: it goes now, not a day later.
        trim(&dir);
        Ok(Entry {
            db: dir.join(format!("{key}.duckdb")),
            meta: dir.join(format!("{key}.json")),
            tmp: dir.join(format!("{key}.duckdb.tmp-{}", std::process::id())),
            key,
            data,
        })
    }

    /// Opens the entry read-only, with what its load reported; `None` when there is no complete entry.
    pub fn open(&self, opts: &db::Options) -> Result<Option<(Db, LoadReport)>> {
        let Ok(text) = std::fs::read_to_string(&self.meta) else {
            return Ok(None);
        };
        if !self.db.exists() {
            return Ok(None);
        }
        let Some(report) = serde_json::from_str(&text).ok().and_then(|v| report_of(&v)) else {
            return Ok(None);
        };
        let db = Db::open(
            Some(&self.db),
            &db::Options {
                read_only: true,
                ..opts.clone()
            },
        )?;
        // Most recently used first when the cache is trimmed.
        let now = std::time::SystemTime::now();
        for p in [&self.db, &self.meta] {
            if let Ok(f) = std::fs::File::options().append(true).open(p) {
                let _ = f.set_modified(now);
            }
        }
        Ok(Some((db, report)))
    }

    /// Completes an entry loaded into [`Entry::tmp`]: everything written to the file, the report beside it,
    /// the file renamed into place; then old entries are removed.
    ///
    /// A data file whose bytes as loaded differ from those the key was made of (it was replaced in between)
    /// is not stored under that key: the load is used for this run only, and `false` says so.
    pub fn store(&self, db: &Db, report: &LoadReport) -> Result<bool> {
        let changed = report
            .files
            .iter()
            .any(|f| self.data.get(&f.file).is_some_and(|h| *h != f.blake3));
        if changed {
            return Ok(false);
        }
        db.batch("CHECKPOINT", "cannot write the load cache")?;
        let meta = serde_json::json!({
            "files": report.files,
            "observations": report.observations,
            "rejected": report.rejected,
            "value_type": report.value_type.sql(),
        });
        let write = |path: &Path, bytes: &[u8]| {
            std::fs::write(path, bytes).map_err(|source| Error::Write {
                path: path.to_path_buf(),
                source,
            })
        };
        write(&self.meta, meta.to_string().as_bytes())?;
        std::fs::rename(&self.tmp, &self.db).map_err(|source| Error::Write {
            path: self.db.clone(),
            source,
        })?;
        trim(self.db.parent().unwrap_or(Path::new(".")));
        Ok(true)
    }
}

/// BLAKE3 over statlint's and DuckDB's versions, the SQL that builds the tables, the area tree and the
/// prelude, the executable's size and modification time, and every file the manifest reaches, by its
/// resolved path (a symlink counts as the file it points to, wherever it is, hidden folders included): the
/// manifest and reference tables as [`Dataset::open`] read them, the check folders' `*.sql` files, and the
/// data files, whose hashes are kept to compare with what the load reads (see [`Entry::store`]).
fn key(ds: &Dataset) -> Result<(String, HashMap<String, String>)> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for p in &ds.checks.paths {
        let dir = ds.resolve_path(p)?;
        let files = crate::input::walk(&dir).map_err(|source| Error::Read {
            path: dir.clone(),
            source,
        })?;
        paths.extend(
            files
                .into_iter()
                .filter(|f| f.extension().is_some_and(|x| x == "sql")),
        );
    }
    let checks = paths.len();
    paths.extend(ds.files.iter().map(|f| f.abs.clone()));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let hashes = crate::load::parallel(threads, paths.len(), |i| {
        crate::input::read_regular(&paths[i])
            .map(|bytes| blake3::hash(&bytes).to_hex().to_string())
            .map_err(|source| Error::Read {
                path: paths[i].clone(),
                source,
            })
    });
    let mut h = blake3::Hasher::new();
    h.update(crate::version().as_bytes());
    for sql in [
        crate::load::SCHEMA,
        crate::load::OBSERVATIONS,
        crate::load::TREE,
        crate::check::PRELUDE,
    ] {
        h.update(sql.as_bytes());
    }
    if let Some(exe) = std::env::current_exe().ok().and_then(|p| p.metadata().ok()) {
        h.update(&exe.len().to_le_bytes());
        if let Ok(t) = exe.modified()
            && let Ok(d) = t.duration_since(std::time::UNIX_EPOCH)
        {
            h.update(&d.as_nanos().to_le_bytes());
        }
    }
    let mut entries: Vec<(PathBuf, String)> = ds.sources.clone();
    let mut data = HashMap::new();
    for (i, (p, file)) in paths.iter().zip(hashes).enumerate() {
        let file = file?;
        if i >= checks {
            data.insert(ds.files[i - checks].path.clone(), file.clone());
        }
        entries.push((crate::manifest::resolved(p), file));
    }
    entries.sort();
    entries.dedup();
    for (p, file) in &entries {
        h.update(p.to_string_lossy().as_bytes());
        h.update(&[0]);
        h.update(file.as_bytes());
    }
    Ok((h.finalize().to_hex()[..32].to_string(), data))
}

/// What a load reported, back from the entry's JSON.
fn report_of(v: &serde_json::Value) -> Option<LoadReport> {
    let text = |v: &serde_json::Value| v.as_str().map(String::from);
    let files = v["files"]
        .as_array()?
        .iter()
        .map(|f| {
            Some(FileStats {
                file: text(&f["file"])?,
                format: crate::manifest::Format::ALL
                    .iter()
                    .map(|x| x.as_str())
                    .find(|x| Some(*x) == f["format"].as_str())?,
                encoding: text(&f["encoding"]),
                locale: text(&f["locale"]),
                sheet: text(&f["sheet"]),
                rows: f["rows"].as_u64()?,
                values: f["values"].as_u64()?,
                loaded: f["loaded"].as_u64()?,
                rejected: f["rejected"].as_u64()?,
                blake3: text(&f["blake3"])?,
                notes: f["notes"]
                    .as_array()?
                    .iter()
                    .map(text)
                    .collect::<Option<_>>()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let value_type = match v["value_type"].as_str()? {
        "DOUBLE" => ValueType::Double,
        t => {
            let (w, s) = t
                .strip_prefix("DECIMAL(")?
                .strip_suffix(')')?
                .split_once(',')?;
            ValueType::Decimal {
                width: w.parse().ok()?,
                scale: s.parse().ok()?,
            }
        }
    };
    Some(LoadReport {
        files,
        observations: v["observations"].as_u64()? as usize,
        rejected: v["rejected"].as_u64()?,
        value_type,
    })
}

/// Refuses a cache folder that another user owns or anyone may write to: whoever can put a file there can
/// put a database there that a later run opens as the load of its dataset (a folder under `/tmp`, where
/// the cache goes when `HOME` is not set, may have been made by someone else first).
fn private(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = dir.metadata().map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me || meta.mode() & 0o002 != 0 {
            return Err(Error::Usage(format!(
                "{}: the load cache folder belongs to another user or anyone may write to it; set STATLINT_CACHE_DIR to a folder of your own",
                dir.display()
            )));
        }
    }
    let _ = dir;
    Ok(())
}

/// Whether a `KEY.duckdb.tmp-PID` file (or its `.wal`) is a leftover: the run that wrote it is gone (no
/// `/proc/PID`), or, without `/proc` to ask, it is more than a day old. A killed run cannot remove its own.
fn leftover(name: &str, age: std::time::Duration) -> bool {
    let Some(rest) = name.split(".duckdb.tmp-").nth(1) else {
        return false;
    };
    let pid = rest.strip_suffix(".wal").unwrap_or(rest);
    let proc = Path::new("/proc");
    match pid.parse::<u32>() {
        Ok(pid) if proc.join("self").is_dir() => {
            pid != std::process::id() && !proc.join(pid.to_string()).exists()
        }
        _ => age.as_secs() > 86_400,
    }
}

/// Removes the least recently used entries beyond [`KEEP`], and leftovers of runs that stopped half-way.
fn trim(dir: &Path) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    let mut entries = Vec::new();
    for e in read.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let modified = e.metadata().and_then(|m| m.modified()).unwrap_or(now);
        if name.contains(".duckdb.tmp-") {
            if leftover(&name, now.duration_since(modified).unwrap_or_default()) {
                let _ = std::fs::remove_file(&path);
            }
        } else if let Some(key) = name.strip_suffix(".duckdb") {
            entries.push((modified, key.to_string()));
        }
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (_, key) in entries.into_iter().skip(KEEP) {
        for ext in ["duckdb", "duckdb.wal", "json"] {
            let _ = std::fs::remove_file(dir.join(format!("{key}.{ext}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_of_other_bytes_than_the_key_was_made_of_is_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let entry = Entry {
            key: "k".into(),
            db: dir.path().join("k.duckdb"),
            meta: dir.path().join("k.json"),
            tmp: dir.path().join("k.duckdb.tmp-1"),
            data: HashMap::from([("data.csv".to_string(), "hash-when-keyed".to_string())]),
        };
        let file = FileStats {
            file: "data.csv".into(),
            format: "csv",
            encoding: None,
            locale: None,
            sheet: None,
            rows: 0,
            values: 0,
            loaded: 0,
            rejected: 0,
            blake3: "hash-when-loaded".into(),
            notes: vec![],
        };
        let report = LoadReport {
            files: vec![file],
            observations: 0,
            rejected: 0,
            value_type: ValueType::Double,
        };
        let db = Db::open(None, &db::Options::default()).unwrap();
        assert!(!entry.store(&db, &report).unwrap());
        assert!(!entry.db.exists() && !entry.meta.exists());
    }
}
