//! Each database's private temporary folder, where DuckDB spills what does not fit in memory.

use crate::error::{Error, Result};
use std::path::Path;

/// One database's private `temp_directory` under the system's temporary folder (`TMPDIR`), removed when it
/// is dropped.
///
/// The folder is created at once, exclusively (`mkdir`, which never follows a symlink that is already
/// there), with mode 0700 and a random name: another local user can neither guess it nor plant a link to
/// `/etc` where DuckDB will spill and where the sandbox lets checks read. DuckDB is given the folder as
/// `/proc/self/fd/N`, a handle this process holds, so `current_setting('temp_directory')` does not name it
/// (DuckDB's list of allowed folders still holds its resolved path, which gives nobody else a way in).
/// Without `/proc`, DuckDB is given the folder's own path. The first folder of a run also removes the
/// folders that runs which were killed left behind (see [`remove_stale_temp_dirs`]).
pub(super) struct TempFolder {
    /// Declared before `dir`: the handle is closed before the folder is removed.
    _handle: Option<std::fs::File>,
    _dir: tempfile::TempDir,
    /// The `temp_directory` DuckDB is given.
    pub(super) engine_path: String,
}

impl TempFolder {
    pub(super) fn new() -> Result<TempFolder> {
        static SWEEP: std::sync::Once = std::sync::Once::new();
        let parent = std::env::temp_dir();
        let prefix = format!("statlint-{}-", std::process::id());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp").rand_bytes(12);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = builder.tempdir_in(&parent).map_err(|source| Error::Write {
            path: parent.clone(),
            source,
        })?;
        SWEEP.call_once(|| remove_stale_temp_dirs(&parent, owner(dir.path())));
        let handle = std::fs::File::open(dir.path()).ok();
        let engine_path = handle
            .as_ref()
            .and_then(|h| by_handle(h, dir.path()))
            .unwrap_or_else(|| dir.path().display().to_string());
        Ok(TempFolder {
            _handle: handle,
            _dir: dir,
            engine_path,
        })
    }

    #[cfg(test)]
    fn path(&self) -> &Path {
        self._dir.path()
    }
}

/// `/proc/self/fd/N` for an open folder, when it leads to that very folder.
#[cfg(target_os = "linux")]
fn by_handle(handle: &std::fs::File, dir: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::io::AsRawFd;
    let path = format!("/proc/self/fd/{}", handle.as_raw_fd());
    let (a, b) = (std::fs::metadata(&path).ok()?, dir.metadata().ok()?);
    (a.is_dir() && a.dev() == b.dev() && a.ino() == b.ino()).then_some(path)
}

#[cfg(not(target_os = "linux"))]
fn by_handle(_: &std::fs::File, _: &Path) -> Option<String> {
    None
}

/// The user who owns a file; `None` where there are no such owners.
fn owner(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        path.symlink_metadata().ok().map(|m| m.uid())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Removes the `temp_directory` folders (`statlint-PID-RANDOM.tmp`) in `dir` of statlint processes that no
/// longer run, when they belong to `uid`. A run removes its own when it ends, but one that is killed (a CI
/// job cancelled, `timeout`) cannot, and a query that spilled may have left gigabytes there. Whether a
/// process runs is read from `/proc`: without it nothing is removed. A process that has since taken the same
/// id keeps the folder; a symlink is never followed. (DuckDB judges the files of one temporary folder the
/// same way, by their process id, but each of statlint's databases has a folder of its own, so DuckDB never
/// sees what an earlier run left.)
fn remove_stale_temp_dirs(dir: &Path, uid: Option<u32>) {
    let proc = Path::new("/proc");
    if !proc.join("self").is_dir() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("statlint-")?.strip_suffix(".tmp"))
            .and_then(|rest| {
                let (pid, random) = rest.split_once('-')?;
                let ok = !random.is_empty() && random.bytes().all(|b| b.is_ascii_alphanumeric());
                ok.then_some(())?;
                pid.parse::<u32>().ok()
            })
        else {
            continue;
        };
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_dir
            && owner(&e.path()) == uid
            && pid != std::process::id()
            && !proc.join(pid.to_string()).exists()
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{TempFolder, owner, remove_stale_temp_dirs};

    #[test]
    fn only_the_temp_folders_of_ended_runs_are_removed() {
        if !std::path::Path::new("/proc/self").is_dir() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let me = std::process::id();
        // Above any process id Linux gives (at most 2^22).
        let ended = 4_000_000_000u32;
        let folder = |name: &str| {
            let p = dir.path().join(name);
            std::fs::create_dir(&p).unwrap();
            std::fs::write(p.join("duckdb_temp_storage_DEFAULT-0.tmp"), b"spilled").unwrap();
            p
        };
        let stale = [
            folder(&format!("statlint-{ended}-0.tmp")),
            folder(&format!("statlint-{ended}-aB3xYz09QwEr.tmp")),
        ];
        let kept = [
            folder(&format!("statlint-{me}-0.tmp")),
            folder("statlint-1-0.tmp"),
            folder(&format!("statlint-{ended}.tmp")),
            folder(&format!("statlint-{ended}-x.y.tmp")),
            folder(&format!("other-{ended}-0.tmp")),
        ];
        let file = dir.path().join(format!("statlint-{ended}-1.tmp"));
        std::fs::write(&file, b"not a folder").unwrap();
        // Someone else's folder, or one that is not ours to judge, stays.
        remove_stale_temp_dirs(dir.path(), owner(dir.path()).map(|u| u + 1));
        assert!(stale.iter().all(|p| p.exists()));
        remove_stale_temp_dirs(dir.path(), owner(dir.path()));
        for p in &stale {
            assert!(!p.exists(), "{} is left", p.display());
        }
        for p in kept.iter().chain([&file]) {
            assert!(p.exists(), "{} is removed", p.display());
        }
    }

    #[test]
    fn the_temp_folder_is_private_unpredictable_and_removed() {
        let a = TempFolder::new().unwrap();
        let b = TempFolder::new().unwrap();
        assert_ne!(a.path(), b.path());
        let name = a.path().file_name().unwrap().to_string_lossy().into_owned();
        let prefix = format!("statlint-{}-", std::process::id());
        assert!(
            name.starts_with(&prefix) && name.ends_with(".tmp"),
            "{name}"
        );
        assert!(name.len() >= prefix.len() + 12 + 4, "{name}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = a.path().symlink_metadata().unwrap();
            assert!(meta.is_dir());
            assert_eq!(meta.permissions().mode() & 0o777, 0o700);
        }
        #[cfg(target_os = "linux")]
        assert!(
            a.engine_path.starts_with("/proc/self/fd/"),
            "{}",
            a.engine_path
        );
        let path = a.path().to_path_buf();
        drop(a);
        assert!(!path.exists());
    }
}
