//! Opening input files and walking input folders. Only regular files are read: a named pipe would block the
//! run until someone writes to it, and a device such as `/dev/zero` never ends. Folders are walked once
//! each, however many symlinks lead to them, so a link such as `a -> .` cannot make a walk endless.

use std::collections::HashSet;
use std::fs::{File, FileType, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// What a file that is not a regular file is, for messages; `None` for a regular file.
pub fn not_regular(meta: &Metadata) -> Option<&'static str> {
    kind(&meta.file_type())
}

fn kind(t: &FileType) -> Option<&'static str> {
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

fn refused(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {what}: only regular files are read"),
    )
}

/// Opens a file for reading, refusing anything but a regular file. The file is opened without waiting (a
/// named pipe with no writer would block `open` itself), and judged by what was opened, so it cannot be
/// swapped for a pipe between a check and the read.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    match not_regular(&file.metadata()?) {
        Some(what) => Err(refused(what)),
        None => Ok(file),
    }
}

/// The whole of a regular file.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = open_regular(path)?;
    let mut bytes = Vec::with_capacity(file.metadata().map_or(0, |m| m.len() as usize));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A regular file as UTF-8 text.
pub fn read_regular_text(path: &Path) -> io::Result<String> {
    String::from_utf8(read_regular(path)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.utf8_error()))
}

/// Every entry below `dir` that is not a folder (regular files, and pipes or devices for the caller to
/// refuse), with its path under `dir`. Symlinks are followed, but each folder is entered once, by its
/// resolved path: a link back up the tree ends there.
pub fn walk(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    walk_into(dir, &mut seen, &mut out)?;
    Ok(out)
}

fn walk_into(dir: &Path, seen: &mut HashSet<PathBuf>, out: &mut Vec<PathBuf>) -> io::Result<()> {
    if !seen.insert(dir.canonicalize()?) {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    entries.sort();
    for p in entries {
        // Followed through symlinks; a broken link is left out.
        let Ok(meta) = std::fs::metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            walk_into(&p, seen, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_ends_despite_symlink_loops() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/b")).unwrap();
        std::fs::write(d.join("a/b/x.csv"), "x").unwrap();
        std::fs::write(d.join("top.csv"), "x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(".", d.join("a/loop")).unwrap();
            std::os::unix::fs::symlink("..", d.join("a/b/up")).unwrap();
            std::os::unix::fs::symlink("nowhere", d.join("broken")).unwrap();
        }
        let found = walk(d).unwrap();
        let rel: Vec<String> = found
            .iter()
            .map(|p| p.strip_prefix(d).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(rel, ["a/b/x.csv", "top.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn pipes_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("data.csv");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_regular(&fifo).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is a named pipe (FIFO): only regular files are read"
        );
        let e = read_regular(Path::new("/dev/zero")).unwrap_err();
        assert!(e.to_string().contains("a character device"), "{e}");
        assert!(read_regular(dir.path()).is_err());
    }
}
