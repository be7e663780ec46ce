//! An editing session on a project file: one qn-planner at a time (a lock file beside the
//! project), WAL journal with full sync so a killed process loses at most the edit in flight,
//! and a rotating backup taken before the first write of the session.

use super::{ProjectFile, StoreError, io_err};
use rusqlite::Connection;
use std::fs::File;
use std::path::{Path, PathBuf};

/// How many backups of one project are kept.
pub const BACKUPS_KEPT: usize = 5;

#[derive(Debug)]
pub(super) struct Session {
    /// Held for the whole session; dropping it releases the lock.
    #[allow(dead_code)]
    lock: Option<Lock>,
    backup_dir: Option<PathBuf>,
    backed_up: bool,
}

/// The lock file beside a project, held while it is open for editing. Dropping it releases
/// the lock and removes the file, also when opening the project failed after the lock was
/// taken (no `.qnlock` is left beside a file the window refused).
#[derive(Debug)]
struct Lock {
    file: Option<File>,
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        drop(self.file.take());
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A backup of a project, as listed by File → Restore backup….
#[derive(Debug, Clone, PartialEq)]
pub struct BackupInfo {
    pub path: PathBuf,
    /// Local time the backup was taken, "YYYY-MM-DD HH:MM:SS".
    pub taken: String,
}

/// What opening a session found.
#[derive(Debug)]
pub struct Opened {
    pub file: ProjectFile,
    /// Set when the file was opened read-only because another qn-planner has it.
    pub notice: Option<String>,
}

impl Opened {
    /// [`Opened::notice`] in `lang`, for the window.
    pub fn notice_text(&self, lang: crate::lang::Language) -> Option<String> {
        match lang {
            crate::lang::Language::En => self.notice.clone(),
            crate::lang::Language::Vi => self.notice.as_ref().map(|_| {
                format!(
                    "{}: tệp đang mở trong một qn-planner khác; ở đây chỉ mở để xem",
                    self.file.path().display()
                )
            }),
        }
    }
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".qnlock");
    path.with_file_name(name)
}

/// A short stable tag of a project's full path, so two "quang-ninh.gpkg" in different folders
/// keep separate backups.
fn path_tag(path: &Path) -> String {
    let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in full.to_string_lossy().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", h & 0xffff_ffff)
}

fn backup_prefix(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    format!("{stem}-{}-", path_tag(path))
}

impl ProjectFile {
    /// Opens `path` for an editing session. If another qn-planner holds the file, it opens
    /// read-only with a notice. `backup_dir` is where backups go (`None`: no backups).
    pub fn open_session(path: &Path, backup_dir: Option<PathBuf>) -> Result<Opened, StoreError> {
        let mut notice = None;
        let lock_file = lock_path(path);
        let mut lock = None;
        // Only a regular file gets a lock beside it: a missing path or a folder is refused by
        // the open below without leaving anything behind.
        if path.is_file() {
            // A read-only folder cannot hold the lock file: the plain open below then says
            // read-only.
            let existed = lock_file.exists();
            if let Ok(f) = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock_file)
            {
                match f.try_lock() {
                    Ok(()) => {
                        lock = Some(Lock {
                            file: Some(f),
                            path: lock_file.clone(),
                        })
                    }
                    Err(std::fs::TryLockError::WouldBlock) => {
                        notice = Some(format!(
                            "{}: open in another qn-planner; opened read-only here",
                            path.display()
                        ));
                    }
                    Err(std::fs::TryLockError::Error(e)) => {
                        drop(f);
                        if !existed {
                            let _ = std::fs::remove_file(&lock_file);
                        }
                        return Err(io_err(&lock_file, e));
                    }
                }
            }
        }
        let mut file = if notice.is_some() {
            ProjectFile::open_read_only(path)?
        } else {
            ProjectFile::open_with(path, false, super::WINDOW_WAIT, true)?
        };
        if !file.read_only {
            file.conn
                .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
                .map_err(|e| StoreError::sqlite(path, e))?;
            // Layers set aside by an earlier session's undo (or an import that never came
            // in) have no history left to bring them back. Only the lock holder may drop
            // them; failing to is not a reason to refuse the file.
            if lock.is_some()
                && let Err(e) = file.drop_aside_tables()
            {
                eprintln!("qn-planner: {e}");
            }
        }
        file.session = Some(Session {
            lock,
            backup_dir,
            backed_up: false,
        });
        Ok(Opened { file, notice })
    }

    /// Opens without ever writing (another instance holds the file).
    pub fn open_read_only(path: &Path) -> Result<ProjectFile, StoreError> {
        let mut f = ProjectFile::open_with(path, true, super::WINDOW_WAIT, true)?;
        f.read_only = true;
        Ok(f)
    }

    pub(super) fn backup_before_first_write(&mut self) -> Result<(), StoreError> {
        let Some(session) = &self.session else {
            return Ok(());
        };
        if session.backed_up {
            return Ok(());
        }
        if let Some(dir) = session.backup_dir.clone() {
            self.backup_to(&dir)?;
        }
        if let Some(s) = &mut self.session {
            s.backed_up = true;
        }
        Ok(())
    }

    /// Writes a consistent copy of the project into `dir` and keeps the newest
    /// [`BACKUPS_KEPT`] of this project there.
    pub fn backup_to(&self, dir: &Path) -> Result<PathBuf, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        let stamp: String = self
            .conn
            .query_row(
                "SELECT strftime('%Y%m%d-%H%M%f', 'now', 'localtime')",
                [],
                |r| r.get(0),
            )
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        let stamp = stamp.replace('.', "");
        let name = format!("{}{stamp}.gpkg", backup_prefix(&self.path));
        let dest = dir.join(&name);
        let tmp = crate::fsutil::part_path(&dest).map_err(|e| io_err(&dest, e))?;
        let _ = std::fs::remove_file(&tmp);
        let result = (|| {
            let mut out = Connection::open(crate::fsutil::for_sqlite(&tmp))
                .map_err(|e| StoreError::sqlite(&tmp, e))?;
            let b = rusqlite::backup::Backup::new(&self.conn, &mut out)
                .map_err(|e| StoreError::sqlite(&tmp, e))?;
            b.run_to_completion(256, std::time::Duration::from_millis(0), None)
                .map_err(|e| StoreError::sqlite(&tmp, e))?;
            drop(b);
            // A backup is a plain single file, whatever the journal mode of the original.
            out.execute_batch("PRAGMA journal_mode = DELETE;")
                .map_err(|e| StoreError::sqlite(&tmp, e))?;
            out.close().map_err(|(_, e)| StoreError::sqlite(&tmp, e))
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        crate::fsutil::commit_part(&tmp, &dest).map_err(|e| io_err(&dest, e))?;
        let list = self.backups_in(dir);
        if list.len() > BACKUPS_KEPT {
            for old in &list[BACKUPS_KEPT..] {
                let _ = std::fs::remove_file(&old.path);
            }
        }
        Ok(dest)
    }

    /// The backups of this project in `dir`, newest first.
    pub fn backups_in(&self, dir: &Path) -> Vec<BackupInfo> {
        let prefix = backup_prefix(&self.path);
        let mut out: Vec<BackupInfo> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let stamp = name
                    .strip_prefix(&prefix)?
                    .strip_suffix(".gpkg")?
                    .to_string();
                // YYYYMMDD-HHMMSSmmm
                let taken = if stamp.len() >= 15 {
                    format!(
                        "{}-{}-{} {}:{}:{}",
                        &stamp[0..4],
                        &stamp[4..6],
                        &stamp[6..8],
                        &stamp[9..11],
                        &stamp[11..13],
                        &stamp[13..15]
                    )
                } else {
                    stamp.clone()
                };
                Some(BackupInfo {
                    path: e.path(),
                    taken,
                })
            })
            .collect();
        out.sort_by(|a, b| b.path.cmp(&a.path));
        out
    }

    /// The backup folder of this session, if any.
    pub fn backup_dir(&self) -> Option<&Path> {
        self.session.as_ref().and_then(|s| s.backup_dir.as_deref())
    }

    /// Replaces the project's content by the backup at `from`, after backing up the current
    /// state (so a restore can itself be undone by restoring that backup).
    pub fn restore_backup(&mut self, from: &Path) -> Result<(), StoreError> {
        self.guarded(|pf| pf.restore_backup_inner(from))
    }

    fn restore_backup_inner(&mut self, from: &Path) -> Result<(), StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        // The backup must itself be a project we can read.
        let src = ProjectFile::open_read_only(from)?;
        if let Some(dir) = self.backup_dir().map(Path::to_path_buf) {
            self.backup_to(&dir)?;
        }
        let b = rusqlite::backup::Backup::new(&src.conn, &mut self.conn)
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        b.run_to_completion(256, std::time::Duration::from_millis(0), None)
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        drop(b);
        // The copied header carries the backup's journal mode; editing continues in WAL.
        self.conn
            .execute_batch("PRAGMA journal_mode = WAL;")
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        Ok(())
    }
}
