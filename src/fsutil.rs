//! Writing files whole or not at all: a temporary `.NAME.PID.part` beside the target, synced
//! to disk, renamed into place, then the folder synced, so that a crash or a power cut leaves
//! either the old file or the new one, never half of one. Parts left by a killed process are
//! removed the next time the same file is written.

use std::io::Write;
use std::path::{Path, PathBuf};

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
    let result = std::fs::OpenOptions::new()
        .write(true)
        .open(part)
        .and_then(|f| f.sync_all())
        .and_then(|_| std::fs::rename(part, target))
        .and_then(|_| sync_dir_of(target));
    if result.is_err() {
        let _ = std::fs::remove_file(part);
    }
    result
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
