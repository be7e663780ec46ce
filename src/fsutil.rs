//! Writing files whole or not at all: a temporary `.NAME.PID.part` beside the target, synced
//! to disk, renamed into place, then the folder synced, so that a crash or a power cut leaves
//! either the old file or the new one, never half of one. Parts left by a killed process are
//! removed the next time the same file is written.
//!
//! And never touching a database this process holds through SQLite by any other means: on
//! POSIX systems a process's advisory locks on a file are all cancelled when *any* descriptor
//! of that file is closed in it ("How To Corrupt An SQLite Database File", §2.2). A plain
//! `File::open` of an open project, closed again, silently drops the window's locks; the next
//! program that opens the file then takes the WAL for its own and deletes it, and every later
//! edit of the window goes into a deleted file. So every project connection registers the file
//! it holds ([`hold`]), inputs are opened through [`open_input`]/[`read_input`], which refuse a
//! held file (and its `-wal`, `-shm`, `-journal`), and [`commit_part`] never renames over one.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file's identity, stable across names and links: device and inode where there are such,
/// else the canonical path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

fn file_id(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // stat(2): reads the inode without opening the file.
        let m = std::fs::metadata(path).ok()?;
        Some(FileId((m.dev(), m.ino())))
    }
    #[cfg(not(unix))]
    {
        std::fs::canonicalize(path).ok().map(FileId)
    }
}

/// How many connections of this process hold each file.
static HELD: Mutex<Option<HashMap<FileId, usize>>> = Mutex::new(None);

/// A file held open by an SQLite connection of this process, registered while this lives.
#[derive(Debug)]
pub struct Held(FileId);

impl Drop for Held {
    fn drop(&mut self) {
        let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(map) = held.as_mut()
            && let Some(n) = map.get_mut(&self.0)
        {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.0);
            }
        }
    }
}

/// Registers `path` as held by an SQLite connection of this process until the returned
/// token is dropped. `None` when the file cannot be identified (it is gone).
pub fn hold(path: &Path) -> Option<Held> {
    let id = file_id(path)?;
    let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
    *held
        .get_or_insert_with(HashMap::new)
        .entry(id.clone())
        .or_insert(0) += 1;
    Some(Held(id))
}

/// Whether `path` is a database an SQLite connection of this process holds, or the WAL,
/// shared-memory or journal file of one.
pub fn is_held(path: &Path) -> bool {
    let held = HELD.lock().unwrap_or_else(|p| p.into_inner());
    let Some(map) = held.as_ref().filter(|m| !m.is_empty()) else {
        return false;
    };
    let is = |p: &Path| file_id(p).is_some_and(|id| map.contains_key(&id));
    if is(path) {
        return true;
    }
    let name = path.as_os_str().to_string_lossy();
    ["-wal", "-shm", "-journal"].iter().any(|suffix| {
        name.strip_suffix(suffix)
            .is_some_and(|base| is(Path::new(base)))
    })
}

/// The error an open of a held file gets.
fn held_error(path: &Path) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::ResourceBusy,
        format!(
            "{} is the project open in this qn-planner: it is read and written only through its database connection",
            path.display()
        ),
    )
}

/// Opens a file to read, refusing a database this process holds (see the module's note).
pub fn open_input(path: &Path) -> std::io::Result<std::fs::File> {
    if is_held(path) {
        return Err(held_error(path));
    }
    std::fs::File::open(path)
}

/// Reads a whole file, refusing a database this process holds (see the module's note).
pub fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    if is_held(path) {
        return Err(held_error(path));
    }
    std::fs::read(path)
}

/// Where a file is written before it is renamed to `target`, after removing the stale parts
/// of `target` that earlier, killed runs left behind.
pub fn part_path(target: &Path) -> std::io::Result<PathBuf> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{}: not a file name", target.display()),
            )
        })?;
    remove_stale_parts(target, &name);
    Ok(target.with_file_name(format!(".{name}.{}.part", std::process::id())))
}

/// Removes `.NAME.PID.part` files beside `target` whose process is gone (another running
/// writer's part is left alone).
fn remove_stale_parts(target: &Path, name: &str) {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = file
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".part"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid, &e.path()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Whether process `pid` may still be writing `part`. Where the system cannot say (no
/// `/proc`), a part untouched for a day counts as abandoned.
fn process_alive(pid: u32, part: &Path) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    std::fs::metadata(part)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age.as_secs() < 24 * 3600)
}

/// Syncs the folder holding `path`, so that a rename in it survives a power cut.
pub fn sync_dir_of(path: &Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Syncs the written part, renames it to `target` and syncs the folder. On failure the part
/// is removed and `target` is as it was.
pub fn commit_part(part: &Path, target: &Path) -> std::io::Result<()> {
    if is_held(target) {
        // Renamed over, the open project would live on only in the connection that holds it:
        // every later edit would go into a file no longer on disk.
        let _ = std::fs::remove_file(part);
        return Err(std::io::Error::new(
            std::io::ErrorKind::ResourceBusy,
            format!(
                "{} is the project open in this qn-planner and cannot be replaced; choose another name",
                target.display()
            ),
        ));
    }
    let result = std::fs::OpenOptions::new()
        .write(true)
        .open(part)
        .and_then(|f| f.sync_all())
        .and_then(|_| replace(part, target))
        .and_then(|_| sync_dir_of(target));
    if result.is_err() {
        let _ = std::fs::remove_file(part);
    }
    result
}

/// The name to give SQLite for `path`. Windows refuses paths of 260 characters or more unless
/// they are written in the "verbatim" form `\\?\C:\…` (or the machine's policy allows long
/// paths, which locked-down laptops do not); Rust's own file functions add that form by
/// themselves, SQLite does not, but takes it. So on Windows a long path goes to SQLite
/// absolute and verbatim; elsewhere, and for short paths, as it is.
pub fn for_sqlite(path: &Path) -> std::borrow::Cow<'_, Path> {
    const SHORT: usize = 240;
    if !cfg!(windows) || path.as_os_str().len() < SHORT {
        return std::borrow::Cow::Borrowed(path);
    }
    let Ok(full) = std::path::absolute(path) else {
        return std::borrow::Cow::Borrowed(path);
    };
    let text = full.to_string_lossy();
    if text.starts_with(r"\\?\") {
        return std::borrow::Cow::Owned(full);
    }
    let verbatim = match text.strip_prefix(r"\\") {
        Some(unc) => format!(r"\\?\UNC\{unc}"),
        None => format!(r"\\?\{text}"),
    };
    std::borrow::Cow::Owned(PathBuf::from(verbatim))
}

/// Windows: whether another program holds `path` open sharing nothing (Excel holds its files
/// so), which is why nothing here could open it. Elsewhere always `false`: POSIX files are
/// never held so, and a probe of an open database there would cancel its locks.
pub fn held_exclusively_elsewhere(path: &Path) -> bool {
    if !cfg!(windows) {
        return false;
    }
    match std::fs::OpenOptions::new().read(true).open(path) {
        Ok(_) => false,
        Err(e) => matches!(e.raw_os_error(), Some(32 | 33)),
    }
}

/// How long a replace waits for another program to let go of the target (Windows).
pub const REPLACE_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Whether `e` says another program holds the file (Windows: access denied, sharing or lock
/// violation).
fn held_elsewhere(e: &std::io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32 | 33))
}

/// Renames `from` over `to`. On Windows (`MoveFileExW`, unlike `rename(2)`) the target cannot
/// be replaced while another program holds it open without sharing deletion: Excel holding a
/// CSV, QGIS a GeoPackage, or an antivirus scanning the file just written. The rename is then
/// tried again for [`REPLACE_WAIT`] (the antivirus lets go within it), and at last refused
/// with a message saying so (the callers name the file), the target untouched.
pub fn replace(from: &Path, to: &Path) -> std::io::Result<()> {
    let started = std::time::Instant::now();
    let mut pause = std::time::Duration::from_millis(20);
    loop {
        match std::fs::rename(from, to) {
            Ok(()) => return Ok(()),
            Err(e) if held_elsewhere(&e) && started.elapsed() < REPLACE_WAIT => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_millis(400));
            }
            Err(e) if held_elsewhere(&e) => {
                return Err(std::io::Error::new(
                    e.kind(),
                    format!(
                        "open in another program (Excel, QGIS, an antivirus…) or read-only, so it could not be replaced within {} s: close it there and try again; it was left as it was ({e})",
                        REPLACE_WAIT.as_secs()
                    ),
                ));
            }
            Err(e) => return Err(e),
        }
    }
}

/// A new, empty temporary file (read and write) in the system's temporary folder, and its path:
/// the caller removes it.
pub fn temp_file(tag: &str) -> std::io::Result<(std::fs::File, PathBuf)> {
    let path = std::env::temp_dir().join(format!(
        "qn-planner-{tag}-{}-{}.part",
        std::process::id(),
        crate::model::new_key()
    ));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((file, path))
}

/// Writes `bytes` to `path` whole or not at all.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("bản đồ.txt");
/// qn_planner::fsutil::write_atomic(&path, "Hạ Long".as_bytes()).unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "Hạ Long");
/// // No temporary part is left beside it.
/// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
/// ```
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let part = part_path(path)?;
    let result = std::fs::File::create(&part).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = result {
        let _ = std::fs::remove_file(&part);
        return Err(e);
    }
    commit_part(&part, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_and_removes_the_parts_of_dead_writers() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("bản đồ.pdf");
        // A part left by a process that no longer exists (pid numbers wrap far below this),
        // and one of this very process that must stay while it writes.
        let dead = dir.path().join(".bản đồ.pdf.4000000000.part");
        std::fs::write(&dead, b"half").unwrap();
        let other = dir.path().join(".khác.pdf.4000000000.part");
        std::fs::write(&other, b"x").unwrap();
        write_atomic(&out, b"%PDF whole").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"%PDF whole");
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists(), "the stale part is gone");
        }
        assert!(other.exists(), "parts of other files are left alone");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".part") && n.contains("bản đồ"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.png");
        std::fs::write(&out, b"old").unwrap();
        // The target is a folder's child that cannot be created: the folder does not exist.
        let bad = dir.path().join("no-such-folder").join("x.png");
        assert!(write_atomic(&bad, b"new").is_err());
        assert_eq!(std::fs::read(&out).unwrap(), b"old");
    }
}
