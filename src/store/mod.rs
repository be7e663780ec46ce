//! The project file: an OGC GeoPackage 1.2 written with rusqlite.
//!
//! Planning layers are feature tables (geometry in EPSG:4326) with the R-tree spatial index
//! and the GeoPackage 1.2 trigger set; project metadata lives in the `qn_meta` attributes table.
//! Every shared record has a stable key, and triggers in the file append every edit of one to
//! the change log `qn_oplog` (schema 7), whoever makes it.
//! A file that is not ours, is newer, is locked or is read-only is refused with a clear error
//! and is never modified.

pub mod batch;
pub mod domain;
pub mod geom;
mod layer_styles;
mod layers;
pub mod qml;
pub mod rtree;
mod scenarios;
pub(crate) mod schema;
pub mod session;
mod shared;
pub mod sync;

pub use layers::{
    AsideAbout, AsideLayer, AsideWriter, ForeignTable, LayerReader, ReferenceLayer, TableFeature,
    table_name_for,
};

use crate::model::{Centre, Layer, Phase, Precision, Project, Site, Status, seed};
use geo_types::Geometry;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};
use thiserror::Error;

pub use layer_styles::{STYLE_NAME, StyleTarget};
use scenarios::finish_write;
pub use schema::{SCHEMA_VERSION, SITE_TABLES};
pub use shared::{Cell, NewColumn, SharedColumn, SharedTable, pg_type_of_decl, sqlite_type_of_pg};

/// An SQL identifier (a table or column name) quoted for SQLite: the one place names are
/// quoted, whatever program chose them.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A geometry type name as it may stand in SQL (a column's declared type in SQLite, a PostGIS
/// typmod): one of the GeoPackage's own names, whatever case a file wrote it in; `None` for
/// anything else. A name read from a file (`gpkg_geometry_columns`, a server's table) reaches
/// SQL only through this.
///
/// ```
/// use qn_planner::store::geometry_type_name;
/// assert_eq!(geometry_type_name("multiPolygon"), Some("MULTIPOLYGON"));
/// assert_eq!(geometry_type_name("POINT, 4326)); DROP TABLE x; --"), None);
/// ```
pub fn geometry_type_name(name: &str) -> Option<&'static str> {
    const NAMES: [&str; 15] = [
        "GEOMETRY",
        "POINT",
        "LINESTRING",
        "POLYGON",
        "MULTIPOINT",
        "MULTILINESTRING",
        "MULTIPOLYGON",
        "GEOMETRYCOLLECTION",
        "CIRCULARSTRING",
        "COMPOUNDCURVE",
        "CURVEPOLYGON",
        "MULTICURVE",
        "MULTISURFACE",
        "CURVE",
        "SURFACE",
    ];
    NAMES
        .into_iter()
        .find(|n| n.eq_ignore_ascii_case(name.trim()))
}

/// The GeoPackage geometry type name of `g` (`POINT`, `MULTIPOLYGON`…).
pub fn geometry_kind(g: &geo_types::Geometry<f64>) -> &'static str {
    use geo_types::Geometry as G;
    match g {
        G::Point(_) => "POINT",
        G::MultiPoint(_) => "MULTIPOINT",
        G::Line(_) | G::LineString(_) => "LINESTRING",
        G::MultiLineString(_) => "MULTILINESTRING",
        G::Polygon(_) | G::Rect(_) | G::Triangle(_) => "POLYGON",
        G::MultiPolygon(_) => "MULTIPOLYGON",
        G::GeometryCollection(_) => "GEOMETRYCOLLECTION",
    }
}

/// A column's declared type as it may stand in SQL: a GeoPackage data type when it is one
/// (`TEXT(20)` keeps no length), else the type of the same SQLite affinity. A declaration read
/// from a file reaches SQL only through this.
///
/// ```
/// use qn_planner::store::column_type;
/// assert_eq!(column_type("double"), "DOUBLE");
/// assert_eq!(column_type("VARCHAR(80)"), "TEXT");
/// assert_eq!(column_type("INT); DROP TABLE x; --"), "INTEGER");
/// ```
pub fn column_type(decl: &str) -> &'static str {
    const NAMES: [&str; 13] = [
        "BOOLEAN",
        "TINYINT",
        "SMALLINT",
        "MEDIUMINT",
        "INT",
        "INTEGER",
        "FLOAT",
        "DOUBLE",
        "REAL",
        "TEXT",
        "BLOB",
        "DATE",
        "DATETIME",
    ];
    let d = decl.trim().to_ascii_uppercase();
    let bare = d.split('(').next().unwrap_or("").trim();
    if let Some(n) = NAMES.into_iter().find(|n| *n == bare) {
        return n;
    }
    // SQLite's affinity rules (§3.1 of "Datatypes In SQLite").
    if d.contains("INT") {
        "INTEGER"
    } else if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") {
        "TEXT"
    } else if d.contains("BLOB") || d.is_empty() {
        "BLOB"
    } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
        "REAL"
    } else {
        "TEXT"
    }
}

/// `PRAGMA application_id` of a GeoPackage ("GPKG").
pub const GPKG_APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version` of GeoPackage 1.2.0, the version GDAL 3.6 writes.
pub const GPKG_USER_VERSION: i32 = 10200;
/// SRS of stored geometry.
pub const SRS_WGS84: i32 = 4326;
/// How long a command or a worker thread waits for another program's write to the same file
/// to finish (two imports at once queue up rather than fail).
pub const WRITE_WAIT: std::time::Duration = std::time::Duration::from_secs(30);
/// How long the window waits: it must not freeze, so a file another program is writing is
/// reported after a second.
pub const WINDOW_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

#[derive(Debug, Error)]
pub enum StoreError {
    /// A caller stopped a read early (its own error is reported instead).
    #[error("the operation was stopped")]
    Cancelled,
    #[error("{0}: file not found")]
    NotFound(PathBuf),
    #[error("{0}: not a GeoPackage ({1})")]
    NotGeoPackage(PathBuf, String),
    #[error(
        "{path}: table {table} declares the geometry type {found:?}, which is not a GeoPackage geometry type"
    )]
    BadGeometryType {
        path: PathBuf,
        table: String,
        found: String,
    },
    #[error(
        "{0}: a GeoPackage, but not a qn-planner project (no qn_meta table); create one with `qn-planner init`"
    )]
    NotProject(PathBuf),
    #[error(
        "{path}: made by a newer qn-planner (schema {found}, this version reads up to {supported}); update qn-planner to open it"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{0}: the file is locked by another program; close it there and try again")]
    Locked(PathBuf),
    #[error("{0}: the file is read-only")]
    ReadOnly(PathBuf),
    #[error(
        "{path}: written by an older qn-planner (schema {found}); opening it updates it to schema {current}, which a read-only file does not allow: copy it to a folder you can write to"
    )]
    OldAndReadOnly {
        path: PathBuf,
        found: i64,
        current: i64,
    },
    #[error(
        "{0}: the folder holding the file is read-only (SQLite writes its journal beside the file); copy the file to a folder you can write to"
    )]
    ReadOnlyFolder(PathBuf),
    #[error("{0}: the disk is full. Free some space and try again")]
    DiskFull(PathBuf),
    #[error("{0}: the disk failed to read or write ({1})")]
    WriteFailed(PathBuf, #[source] rusqlite::Error),
    #[error(
        "{0}: the file is damaged (truncated or corrupted); open a backup instead (File > Restore backup…)"
    )]
    Corrupt(PathBuf),
    #[error("{0}: already exists (use --force to overwrite)")]
    Exists(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: table {table}, feature {fid}: bad geometry: {err}")]
    Geometry {
        path: PathBuf,
        table: String,
        fid: i64,
        err: geom::GeomError,
    },
    #[error("{path}: table {table}, feature {fid}: {msg}")]
    BadValue {
        path: PathBuf,
        table: String,
        fid: i64,
        msg: String,
    },
    #[error("{path}: database error: {err}")]
    Sqlite { path: PathBuf, err: rusqlite::Error },
    #[error("{path}: no layer {table} in this file")]
    NoLayer { path: PathBuf, table: String },
    #[error("built-in seed data: {0}")]
    Seed(#[from] seed::SeedError),
}

impl StoreError {
    fn sqlite(path: &Path, err: rusqlite::Error) -> Self {
        if is_busy(&err) {
            return StoreError::Locked(path.to_path_buf());
        }
        if let rusqlite::Error::SqliteFailure(e, _) = &err {
            match e.code {
                rusqlite::ErrorCode::NotADatabase => {
                    return StoreError::NotGeoPackage(
                        path.to_path_buf(),
                        "not an SQLite database".into(),
                    );
                }
                rusqlite::ErrorCode::ReadOnly => return StoreError::ReadOnly(path.to_path_buf()),
                rusqlite::ErrorCode::DiskFull => return StoreError::DiskFull(path.to_path_buf()),
                rusqlite::ErrorCode::SystemIoFailure => {
                    return StoreError::WriteFailed(path.to_path_buf(), err);
                }
                rusqlite::ErrorCode::DatabaseCorrupt => {
                    return StoreError::Corrupt(path.to_path_buf());
                }
                _ => {}
            }
        }
        StoreError::Sqlite {
            path: path.to_path_buf(),
            err,
        }
    }
}

impl StoreError {
    /// The message in `lang`, for the window (the CLI prints the English `Display`). What a
    /// planner meets day to day (a file that is not a project, newer, locked, read-only,
    /// damaged, a full disk) is worded for the planner; technical details (an SQLite error, a
    /// bad value in a table) keep their English detail after a Vietnamese frame.
    pub fn text(&self, lang: crate::lang::Language) -> String {
        use crate::lang::Language;
        if lang == Language::En {
            return self.to_string();
        }
        let p = |p: &Path| p.display().to_string();
        match self {
            StoreError::Cancelled => "thao tác đã dừng".into(),
            StoreError::NotFound(f) => format!("{}: không tìm thấy tệp", p(f)),
            StoreError::NotGeoPackage(f, why) => format!(
                "{}: không phải tệp GeoPackage ({})",
                p(f),
                if why == "not an SQLite database" {
                    "không phải cơ sở dữ liệu SQLite"
                } else {
                    why
                }
            ),
            StoreError::BadGeometryType { path, table, found } => format!(
                "{}: bảng {table} khai kiểu hình học {found:?}, không phải kiểu hình học của GeoPackage",
                p(path)
            ),
            StoreError::NotProject(f) => format!(
                "{}: là GeoPackage nhưng không phải dự án qn-planner (không có bảng qn_meta); tạo dự án bằng `qn-planner init`",
                p(f)
            ),
            StoreError::NewerSchema {
                path,
                found,
                supported,
            } => format!(
                "{}: tệp do qn-planner mới hơn tạo (lược đồ {found}, bản này đọc tới {supported}); hãy cập nhật qn-planner để mở",
                p(path)
            ),
            StoreError::Locked(f) => format!(
                "{}: tệp đang bị chương trình khác khoá; hãy đóng ở đó rồi thử lại",
                p(f)
            ),
            StoreError::ReadOnly(f) => format!("{}: tệp chỉ đọc", p(f)),
            StoreError::OldAndReadOnly {
                path,
                found,
                current,
            } => format!(
                "{}: tệp do qn-planner cũ hơn tạo (lược đồ {found}); mở tệp sẽ nâng lên lược đồ {current}, điều mà tệp chỉ đọc không cho phép: hãy chép tệp sang thư mục ghi được",
                p(path)
            ),
            StoreError::ReadOnlyFolder(f) => format!(
                "{}: thư mục chứa tệp chỉ đọc (SQLite ghi nhật ký bên cạnh tệp); hãy chép tệp sang thư mục ghi được",
                p(f)
            ),
            StoreError::DiskFull(f) => format!(
                "{}: ổ đĩa đã đầy. Hãy giải phóng chỗ trống rồi thử lại",
                p(f)
            ),
            StoreError::WriteFailed(f, e) => {
                format!("{}: ổ đĩa không đọc/ghi được ({e})", p(f))
            }
            StoreError::Corrupt(f) => format!(
                "{}: tệp bị hỏng (cắt cụt hoặc sai lệch); hãy mở bản sao lưu (Tệp > Khôi phục bản sao lưu…)",
                p(f)
            ),
            StoreError::Exists(f) => format!("{}: đã có tệp này (dùng --force để ghi đè)", p(f)),
            StoreError::Io { path, source } => {
                format!("{}: lỗi đọc/ghi ({source})", p(path))
            }
            StoreError::Geometry {
                path,
                table,
                fid,
                err,
            } => format!(
                "{}: bảng {table}, đối tượng {fid}: hình học hỏng ({err})",
                p(path)
            ),
            StoreError::BadValue {
                path,
                table,
                fid,
                msg,
            } => format!(
                "{}: bảng {table}, đối tượng {fid}: giá trị không hợp lệ ({msg})",
                p(path)
            ),
            StoreError::Sqlite { path, err } => {
                format!("{}: lỗi cơ sở dữ liệu ({err})", p(path))
            }
            StoreError::NoLayer { path, table } => {
                format!("{}: tệp không có lớp {table}", p(path))
            }
            StoreError::Seed(e) => format!("dữ liệu gốc trong chương trình: {e}"),
        }
    }
}

fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(err, rusqlite::Error::SqliteFailure(e, _)
        if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// Extent and count of one table, as `info` prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerInfo {
    pub table: String,
    pub identifier: String,
    pub data_type: String,
    pub count: i64,
    /// (min_x, min_y, max_x, max_y) in EPSG:4326, `None` for attributes or all-empty tables.
    pub extent: Option<(f64, f64, f64, f64)>,
    /// Declared geometry type (`POINT`, `MULTIPOLYGON`…) of a feature table.
    pub geometry_type: Option<String>,
}

/// An open project file.
pub struct ProjectFile {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
    /// Why the file is read-only, for the message a refused write gets.
    read_only_folder: bool,
    /// Editing session state (lock, backups); `None` for plain opens (CLI, tests).
    session: Option<session::Session>,
    /// Who this program's writes are logged as in the change log (`None`: not named).
    author: Option<String>,
    /// The file registered as held by this process while the connection lives, so nothing
    /// else in the process opens and closes it (see [`crate::fsutil::hold`]). Declared after
    /// `conn`: the registration ends once the connection has closed.
    _held: Option<crate::fsutil::Held>,
    /// Set while an edit that continues a gesture is written (see [`ProjectFile::fold_log_from`]).
    fold_from: Option<i64>,
}

impl std::fmt::Debug for ProjectFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectFile")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// Refuses an empty file. Whether the file is an SQLite database at all is asked of SQLite
/// itself (`NOTADB` at the first read): a plain open and close of a file this process holds
/// through SQLite would cancel that connection's locks (see [`crate::fsutil`]).
fn check_not_empty(path: &Path, meta: &std::fs::Metadata) -> Result<(), StoreError> {
    if meta.len() == 0 {
        return Err(StoreError::NotGeoPackage(
            path.to_path_buf(),
            "the file is empty".into(),
        ));
    }
    Ok(())
}

fn io_err(path: &Path, e: std::io::Error) -> StoreError {
    if e.kind() == std::io::ErrorKind::NotFound {
        StoreError::NotFound(path.to_path_buf())
    } else {
        StoreError::Io {
            path: path.to_path_buf(),
            source: e,
        }
    }
}

impl ProjectFile {
    /// Writes a new seeded project at `path`. Refuses an existing file unless `force`.
    /// The file is built under a temporary name and renamed into place when complete.
    pub fn create(path: &Path, force: bool) -> Result<ProjectFile, StoreError> {
        if path.exists() && !force {
            return Err(StoreError::Exists(path.to_path_buf()));
        }
        let tmp = crate::fsutil::part_path(path).map_err(|e| io_err(path, e))?;
        ProjectFile::build_part(&tmp)?;
        crate::fsutil::commit_part(&tmp, path).map_err(|e| io_err(path, e))?;
        ProjectFile::open(path)
    }

    /// Writes a new seeded project at `tmp`, a temporary part (see [`crate::fsutil`]) that the
    /// caller renames into place when it is complete; on failure nothing is left at `tmp`.
    pub(crate) fn build_part(tmp: &Path) -> Result<(), StoreError> {
        let _ = std::fs::remove_file(tmp);
        let tmp = tmp.to_path_buf();
        let result = (|| {
            let conn = Connection::open(crate::fsutil::for_sqlite(&tmp))
                .map_err(|e| StoreError::sqlite(&tmp, e))?;
            let held = crate::fsutil::hold(&tmp);
            schema::register_functions(&conn).map_err(|e| StoreError::sqlite(&tmp, e))?;
            schema::create(&conn).map_err(|e| StoreError::sqlite(&tmp, e))?;
            let mut pf = ProjectFile {
                conn,
                path: tmp.clone(),
                read_only: false,
                read_only_folder: false,
                session: None,
                author: None,
                _held: held,
                fold_from: None,
            };
            pf.seed()?;
            // The change log starts with the project: the seed is what every copy begins
            // from, not a change.
            // VACUUM: the pages the seed's log took are not left free in a new file.
            pf.conn
                .execute_batch(
                    "DELETE FROM qn_oplog; DELETE FROM sqlite_sequence WHERE name = 'qn_oplog'; VACUUM;",
                )
                .map_err(|e| StoreError::sqlite(&tmp, e))?;
            pf.conn
                .close()
                .map_err(|(_, e)| StoreError::sqlite(&tmp, e))?;
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    /// Opens an existing project, read-write when the file allows it, else read-only.
    pub fn open(path: &Path) -> Result<ProjectFile, StoreError> {
        ProjectFile::open_with(path, false, WRITE_WAIT, false)
    }

    /// Opens `path`; a write by another program is waited for up to `wait` (at the open and
    /// at every write later).
    /// `view_old`: a read-only file of an older schema is migrated in a copy in memory, to be
    /// viewed (the window); else it is refused (the command line reports the file as it is).
    pub(crate) fn open_with(
        path: &Path,
        force_read_only: bool,
        wait: std::time::Duration,
        view_old: bool,
    ) -> Result<ProjectFile, StoreError> {
        let meta = std::fs::metadata(path).map_err(|e| io_err(path, e))?;
        if meta.is_dir() {
            return Err(StoreError::NotGeoPackage(
                path.to_path_buf(),
                "it is a folder".into(),
            ));
        }
        check_not_empty(path, &meta)?;
        let read_only_folder = !meta.permissions().readonly() && !dir_writable(path);
        let read_only = force_read_only || meta.permissions().readonly() || read_only_folder;
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(crate::fsutil::for_sqlite(path), flags).map_err(|e| {
                if crate::fsutil::held_exclusively_elsewhere(path) {
                    StoreError::Locked(path.to_path_buf())
                } else {
                    StoreError::sqlite(path, e)
                }
            })?;
        let held = crate::fsutil::hold(path);
        conn.busy_timeout(wait)
            .map_err(|e| StoreError::sqlite(path, e))?;
        schema::register_functions(&conn).map_err(|e| StoreError::sqlite(path, e))?;
        let mut pf = ProjectFile {
            conn,
            path: path.to_path_buf(),
            read_only,
            read_only_folder,
            session: None,
            author: None,
            _held: held,
            fold_from: None,
        };
        pf.check_identity()?;
        if !read_only {
            // Take and release the write lock: a file another program is writing is refused
            // now rather than failing at the first edit.
            pf.conn
                .execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
                .map_err(|e| StoreError::sqlite(path, e))?;
        }
        let version = pf.schema_version()?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < SCHEMA_VERSION {
            if read_only && view_old {
                // The file is never written: a copy in memory is brought up to date.
                let sq = |e| StoreError::sqlite(path, e);
                let mut mem = Connection::open_in_memory().map_err(sq)?;
                {
                    let b = rusqlite::backup::Backup::new(&pf.conn, &mut mem).map_err(sq)?;
                    b.run_to_completion(1024, std::time::Duration::ZERO, None)
                        .map_err(sq)?;
                }
                schema::register_functions(&mem).map_err(sq)?;
                schema::migrate(&mem, version).map_err(sq)?;
                pf.conn = mem;
                return Ok(pf);
            }
            if read_only {
                return Err(StoreError::OldAndReadOnly {
                    path: path.to_path_buf(),
                    found: version,
                    current: SCHEMA_VERSION,
                });
            }
            schema::migrate(&pf.conn, version).map_err(|e| {
                let e = StoreError::sqlite(path, e);
                pf.settle();
                e
            })?;
        }
        Ok(pf)
    }

    /// The error a write to a read-only file gets, saying why it is read-only.
    pub(crate) fn read_only_error(&self) -> StoreError {
        if self.read_only_folder {
            StoreError::ReadOnlyFolder(self.path.clone())
        } else {
            StoreError::ReadOnly(self.path.clone())
        }
    }

    /// Waits, after a write failed, until the file on disk is whole by itself: a statement
    /// that failed half-way (disk full, an I/O error) can leave SQLite's pager in its error
    /// state with a hot rollback journal beside the file, and a copy of the file alone is
    /// then malformed until some later reader rolls it back. The next read on this
    /// connection plays the journal back; if the journal is still there, a fresh connection
    /// does.
    pub(crate) fn settle(&self) {
        let _ = self.conn.execute_batch("ROLLBACK");
        let probe = |c: &Connection| {
            c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
        };
        let _ = probe(&self.conn);
        let mut journal = self.path.clone().into_os_string();
        journal.push("-journal");
        let journal = PathBuf::from(journal);
        if journal.exists()
            && let Ok(c) = Connection::open_with_flags(
                crate::fsutil::for_sqlite(&self.path),
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        {
            let _ = c.busy_timeout(std::time::Duration::from_secs(2));
            let _ = probe(&c);
            let _ = c.close();
        }
    }

    /// Runs a write; when it fails, settles the file (see [`Self::settle`]) before the error
    /// goes back to the caller.
    pub(crate) fn guarded<T, E>(
        &mut self,
        write: impl FnOnce(&mut ProjectFile) -> Result<T, E>,
    ) -> Result<T, E> {
        let r = write(self);
        if r.is_err() {
            self.settle();
        }
        r
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Begins a write of qn-planner's: refused on a read-only file; the session's backup taken
    /// before its first write; the change log's author named for the transaction (see
    /// [`name_author`]). Returns the transaction and the file's path, for messages.
    pub(crate) fn begin_write(
        &mut self,
    ) -> Result<(rusqlite::Transaction<'_>, PathBuf), StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        self.backup_before_first_write()?;
        let path = self.path.clone();
        let author = self.author.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::sqlite(&path, e))?;
        name_author(&tx, author.as_deref()).map_err(|e| StoreError::sqlite(&path, e))?;
        Ok((tx, path))
    }

    /// The sequence number the next change-log operation gets (at least; AUTOINCREMENT never
    /// reuses one).
    pub fn next_log_seq(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT coalesce(max(seq), 0) + 1 FROM qn_oplog", [], |r| {
                r.get(0)
            })
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// While set, the writes of this program fold their change-log operations into those of
    /// the same gesture written since sequence number `from` (see [`fold_log`]): the
    /// keystrokes of one value typed into a field are one operation, not one a keystroke.
    pub fn fold_log_from(&mut self, from: Option<i64>) {
        self.fold_from = from;
    }

    /// What the next write folds, if anything.
    pub(crate) fn log_fold(&self) -> Option<LogFold> {
        self.fold_from.map(|from| LogFold {
            from,
            author: self.author.clone(),
        })
    }

    /// Names the author of this program's edits in the change log (the planner's name, from
    /// the settings, or the login name).
    pub fn set_author(&mut self, author: &str) {
        let a = crate::model::text::nfc(author.trim());
        self.author = (!a.is_empty()).then_some(a);
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn check_identity(&self) -> Result<(), StoreError> {
        let p = &self.path;
        let app_id: i32 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| StoreError::sqlite(p, e))?;
        // GeoPackage 1.0 files used "GP10"/"GP11".
        if ![GPKG_APPLICATION_ID, 0x4750_3130, 0x4750_3131].contains(&app_id) {
            return Err(StoreError::NotGeoPackage(
                p.clone(),
                format!("application_id is {app_id:#x}, not GPKG"),
            ));
        }
        let has = |t: &str| -> Result<bool, StoreError> {
            self.conn
                .query_row(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                    [t],
                    |_| Ok(()),
                )
                .optional()
                .map(|o| o.is_some())
                .map_err(|e| StoreError::sqlite(p, e))
        };
        if !has("gpkg_contents")? || !has("gpkg_spatial_ref_sys")? {
            return Err(StoreError::NotGeoPackage(
                p.clone(),
                "gpkg_contents or gpkg_spatial_ref_sys is missing".into(),
            ));
        }
        if !has("qn_meta")? {
            return Err(StoreError::NotProject(p.clone()));
        }
        Ok(())
    }

    /// The qn-planner schema version recorded in the file.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        let v: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM qn_meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        match v.as_deref().map(str::parse::<i64>) {
            Some(Ok(v)) => Ok(v),
            _ => Err(StoreError::NotProject(self.path.clone())),
        }
    }

    fn seed(&mut self) -> Result<(), StoreError> {
        let sites = seed::seed_sites()?;
        let centres = seed::seed_centres(&sites)?;
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::sqlite(&path, e))?;
        for s in &sites {
            insert_site(&tx, s).map_err(|e| StoreError::sqlite(&path, e))?;
        }
        for c in &centres {
            tx.execute(
                "INSERT INTO industrial_centres (geom, key, name, name_en, source_para, location_precision, notes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    c.geom.as_ref().map(|g| geom::encode(g, SRS_WGS84)),
                    c.key,
                    c.name,
                    c.name_en,
                    c.source_para,
                    if c.geom.is_some() { "plants" } else { Precision::NotLocated.as_str() },
                    c.notes
                ],
            )
            .map_err(|e| StoreError::sqlite(&path, e))?;
        }
        schema::update_extents(&tx).map_err(|e| StoreError::sqlite(&path, e))?;
        schema::fill_reference_phasing(&tx).map_err(|e| StoreError::sqlite(&path, e))?;
        tx.commit().map_err(|e| StoreError::sqlite(&path, e))?;
        Ok(())
    }

    /// Reads every site and centre.
    pub fn read_project(&self) -> Result<Project, StoreError> {
        let mut project = Project {
            styles: self.read_styles()?,
            ..Project::default()
        };
        for layer in Layer::ALL {
            let table = layer.table();
            let sql = format!("SELECT fid, {SITE_COLS} FROM \"{table}\" ORDER BY fid");
            let mut stmt = self
                .conn
                .prepare(&sql)
                .map_err(|e| StoreError::sqlite(&self.path, e))?;
            let mut rows = stmt
                .query([])
                .map_err(|e| StoreError::sqlite(&self.path, e))?;
            let boundaries = self.boundaries_of(layer)?;
            while let Some(r) = rows.next().map_err(|e| StoreError::sqlite(&self.path, e))? {
                let mut site = self.site_from_row(layer, r)?;
                if let Some(b) = boundaries.get(&site.key) {
                    site.geom = Some(b.clone());
                }
                site.geom = site.geom.map(single_part);
                site.area_ha = site.geom.as_ref().and_then(crate::model::geodesic_area_ha);
                project.sites.push(site);
            }
        }
        let mut stmt = self
            .conn
            .prepare("SELECT fid, geom, key, name, name_en, source_para, notes FROM industrial_centres ORDER BY fid")
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<Vec<u8>>>(1)?,
                    [
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                    ],
                ))
            })
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        for row in rows {
            let (fid, blob, f) = row.map_err(|e| StoreError::sqlite(&self.path, e))?;
            let geom = self.decode_geom("industrial_centres", fid, blob.as_deref())?;
            let [key, name, name_en, source_para, notes] = f.map(Option::unwrap_or_default);
            project.centres.push(Centre {
                fid,
                key,
                name,
                name_en,
                source_para,
                notes,
                geom,
            });
        }
        project.scenarios = self.read_scenarios()?;
        project.actuals = self.read_actuals()?;
        project.rules = self.read_rules()?;
        project.figures = self.read_figures()?;
        Ok(project)
    }

    /// The boundaries of `layer`'s sites by site key (empty for the area-only layers).
    fn boundaries_of(
        &self,
        layer: Layer,
    ) -> Result<std::collections::HashMap<String, Geometry<f64>>, StoreError> {
        let mut out = std::collections::HashMap::new();
        let Some(table) = layer.boundary_table() else {
            return Ok(out);
        };
        let sq = |e| StoreError::sqlite(&self.path, e);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT fid, site_key, geom FROM \"{table}\" WHERE geom IS NOT NULL"
            ))
            .map_err(sq)?;
        let mut rows = stmt.query([]).map_err(sq)?;
        while let Some(r) = rows.next().map_err(sq)? {
            let fid: i64 = r.get(0).map_err(sq)?;
            let key: Option<String> = r.get(1).map_err(sq)?;
            let blob: Option<Vec<u8>> = r.get(2).map_err(sq)?;
            if let (Some(key), Some(g)) = (key, self.decode_geom(table, fid, blob.as_deref())?) {
                out.insert(key, g);
            }
        }
        Ok(out)
    }

    /// Boundaries whose `site_key` names no site of their layer (drawn in another program
    /// without linking them): `(boundary table, fid, site_key)`. They are not part of any
    /// site until a planner sets the key of the site they belong to.
    pub fn unlinked_boundaries(&self) -> Result<Vec<(String, i64, String)>, StoreError> {
        let sq = |e| StoreError::sqlite(&self.path, e);
        let mut out = Vec::new();
        for layer in Layer::PLANNING {
            let Some(b) = layer.boundary_table() else {
                continue;
            };
            let t = layer.table();
            let mut stmt = self
                .conn
                .prepare(&format!(
                    "SELECT fid, coalesce(site_key, '') FROM \"{b}\" WHERE site_key IS NULL
                     OR site_key NOT IN (SELECT site_key FROM \"{t}\" WHERE site_key IS NOT NULL)
                     ORDER BY fid"
                ))
                .map_err(sq)?;
            let rows = stmt
                .query_map([], |r| Ok((b.to_string(), r.get(0)?, r.get(1)?)))
                .and_then(|r| r.collect::<Result<Vec<_>, _>>())
                .map_err(sq)?;
            out.extend(rows);
        }
        Ok(out)
    }

    fn site_from_row(&self, layer: Layer, r: &rusqlite::Row<'_>) -> Result<Site, StoreError> {
        let table = layer.table();
        let sq = |e| StoreError::sqlite(&self.path, e);
        let fid: i64 = r.get(0).map_err(sq)?;
        let bad = |msg: String| StoreError::BadValue {
            path: self.path.clone(),
            table: table.into(),
            fid,
            msg,
        };
        let text = |i: usize| -> Result<String, StoreError> {
            Ok(r.get::<_, Option<String>>(i)
                .map_err(sq)?
                .unwrap_or_default())
        };
        let blob: Option<Vec<u8>> = r.get(1).map_err(sq)?;
        let geom = self.decode_geom(table, fid, blob.as_deref())?;
        // A value another program wrote that qn-planner does not know is read as itself (kept
        // in `unread`), never a reason to refuse the whole project.
        let mut unread = Vec::new();
        let status_raw = text(4)?;
        let status = Status::parse(&status_raw).unwrap_or_else(|| {
            unread.push(("status".to_string(), status_raw.clone()));
            Status::Unknown
        });
        let precision_raw = text(7)?;
        let precision = Precision::parse(&precision_raw).unwrap_or_else(|| {
            unread.push(("location_precision".to_string(), precision_raw.clone()));
            Precision::Unknown
        });
        let phase = text(12)?;
        let planned_phase = if phase.is_empty() {
            None
        } else {
            Phase::parse(&phase).or_else(|| {
                unread.push(("planned_phase".to_string(), phase.clone()));
                None
            })
        };
        let accepted = text(18)?;
        let accepted_warnings = if accepted.is_empty() {
            Vec::new()
        } else {
            serde_json::from_str(&accepted)
                .map_err(|e| bad(format!("accepted_warnings is not valid JSON: {e}")))?
        };
        let year: Option<i64> = r.get(17).map_err(sq)?;
        Ok(Site {
            fid,
            key: text(24)?,
            layer,
            name: text(2)?,
            kind: text(3)?,
            status,
            district_2006: text(5)?,
            source_para: text(6)?,
            location_precision: precision,
            location_source: text(8)?,
            craft: text(9)?,
            centre_key: text(10)?,
            notes: text(11)?,
            geom,
            planned_phase,
            area_ha: r.get(13).map_err(sq)?,
            main_industries: text(14)?,
            investment_bn_vnd: r.get(15).map_err(sq)?,
            jobs: r.get(16).map_err(sq)?,
            decision_year: year
                .map(|y| i32::try_from(y).map_err(|_| bad(format!("year {y} out of range"))))
                .transpose()?,
            accepted_warnings,
            is_expansion: r.get::<_, Option<i64>>(19).map_err(sq)?.unwrap_or(0) != 0,
            occupancy_pct: r.get(20).map_err(sq)?,
            occupancy_year: r
                .get::<_, Option<i64>>(21)
                .map_err(sq)?
                .map(|y| {
                    i32::try_from(y).map_err(|_| bad(format!("occupancy year {y} out of range")))
                })
                .transpose()?,
            green_buffer_m: r.get(22).map_err(sq)?,
            pollution_class: r
                .get::<_, Option<i64>>(23)
                .map_err(sq)?
                .map(|c| {
                    u8::try_from(c).map_err(|_| bad(format!("pollution class {c} out of range")))
                })
                .transpose()?,
            unread,
        })
    }

    /// Writes the record (`layer`, `fid`) as `after` (`None` deletes it) in one transaction,
    /// with the R-tree (by its triggers) and the layer's extent kept in step. A `fid` of 0
    /// inserts a new record; the stored fid is returned.
    pub fn put_site(
        &mut self,
        layer: Layer,
        fid: i64,
        after: Option<&Site>,
    ) -> Result<i64, StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        self.put_sites(layer, &[(fid, after)])
            .map(|f| f.first().copied().unwrap_or(fid))
    }

    /// Writes several records of one layer as [`Self::put_site`] does, all in one
    /// transaction (all or none). Returns the stored fids in order.
    pub fn put_sites(
        &mut self,
        layer: Layer,
        changes: &[(i64, Option<&Site>)],
    ) -> Result<Vec<i64>, StoreError> {
        self.guarded(|pf| pf.put_sites_inner(layer, changes))
    }

    fn put_sites_inner(
        &mut self,
        layer: Layer,
        changes: &[(i64, Option<&Site>)],
    ) -> Result<Vec<i64>, StoreError> {
        let fold = self.log_fold();
        let (tx, path) = self.begin_write()?;
        let sq = |e| StoreError::sqlite(&path, e);
        let table = layer.table();
        let mut fids = Vec::with_capacity(changes.len());
        for &(fid, after) in changes {
            let fid = match after {
                None => {
                    if let Some(b) = layer.boundary_table() {
                        tx.execute(
                            &format!(
                                "DELETE FROM \"{b}\" WHERE site_key = (SELECT site_key FROM \"{table}\" WHERE fid = ?1)"
                            ),
                            [fid],
                        )
                        .map_err(sq)?;
                    }
                    tx.execute(&format!("DELETE FROM \"{table}\" WHERE fid = ?1"), [fid])
                        .map_err(sq)?;
                    fid
                }
                Some(site) => {
                    let exists = tx
                        .query_row(
                            &format!("SELECT 1 FROM \"{table}\" WHERE fid = ?1"),
                            [fid],
                            |_| Ok(()),
                        )
                        .optional()
                        .map_err(sq)?
                        .is_some();
                    if exists {
                        update_site(&tx, fid, site).map_err(sq)?;
                        fid
                    } else {
                        insert_site_with_fid(&tx, (fid > 0).then_some(fid), site).map_err(sq)?
                    }
                }
            };
            fids.push(fid);
        }
        schema::update_extent(&tx, table).map_err(sq)?;
        if let Some(b) = layer.boundary_table() {
            schema::update_extent(&tx, b).map_err(sq)?;
        }
        if let Some(f) = fold {
            fold_log(&tx, &f).map_err(sq)?;
        }
        end_author(&tx).map_err(sq)?;
        tx.commit().map_err(sq)?;
        Ok(fids)
    }

    fn decode_geom(
        &self,
        table: &str,
        fid: i64,
        blob: Option<&[u8]>,
    ) -> Result<Option<geo_types::Geometry<f64>>, StoreError> {
        let Some(b) = blob else { return Ok(None) };
        let d = geom::decode(b).map_err(|err| StoreError::Geometry {
            path: self.path.clone(),
            table: table.into(),
            fid,
            err,
        })?;
        if d.srs_id != SRS_WGS84 {
            return Err(StoreError::BadValue {
                path: self.path.clone(),
                table: table.into(),
                fid,
                msg: format!("geometry in SRS {} (expected 4326)", d.srs_id),
            });
        }
        Ok(d.geometry)
    }

    /// Every table of `gpkg_contents` with its feature count and extent.
    pub fn layer_infos(&self) -> Result<Vec<LayerInfo>, StoreError> {
        let p = &self.path;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT table_name, identifier, data_type FROM gpkg_contents ORDER BY table_name",
            )
            .map_err(|e| StoreError::sqlite(p, e))?;
        let tables: Vec<(String, String, String)> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    r.get(2)?,
                ))
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| StoreError::sqlite(p, e))?;
        let mut out = Vec::new();
        for (table, identifier, data_type) in tables {
            let count: i64 = self
                .conn
                .query_row(
                    &format!("SELECT count(*) FROM {}", ident(&table)),
                    [],
                    |r| r.get(0),
                )
                .map_err(|e| StoreError::sqlite(p, e))?;
            let extent = if data_type == "features" {
                let col: Option<String> = self
                    .conn
                    .query_row(
                        "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?1",
                        [&table],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(|e| StoreError::sqlite(p, e))?;
                match col {
                    Some(col) => self.extent_of(&table, &col)?,
                    None => None,
                }
            } else {
                None
            };
            let geometry_type = if data_type == "features" {
                self.conn
                    .query_row(
                        "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?1",
                        [&table],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(|e| StoreError::sqlite(p, e))?
            } else {
                None
            };
            out.push(LayerInfo {
                table,
                identifier,
                data_type,
                count,
                extent,
                geometry_type,
            });
        }
        Ok(out)
    }

    fn extent_of(
        &self,
        table: &str,
        col: &str,
    ) -> Result<Option<(f64, f64, f64, f64)>, StoreError> {
        let p = &self.path;
        let sql = format!(
            "SELECT {c} FROM {} WHERE {c} IS NOT NULL",
            ident(table),
            c = ident(col)
        );
        let mut stmt = self
            .conn
            .prepare(&sql)
            .map_err(|e| StoreError::sqlite(p, e))?;
        let mut rows = stmt.query([]).map_err(|e| StoreError::sqlite(p, e))?;
        let mut ext: Option<(f64, f64, f64, f64)> = None;
        while let Some(r) = rows.next().map_err(|e| StoreError::sqlite(p, e))? {
            let blob: Vec<u8> = r.get(0).map_err(|e| StoreError::sqlite(p, e))?;
            if let Ok(Some((x0, x1, y0, y1))) = geom::envelope_of(&blob) {
                ext = Some(match ext {
                    None => (x0, y0, x1, y1),
                    Some((a, b, c, d)) => (a.min(x0), b.min(y0), c.max(x1), d.max(y1)),
                });
            }
        }
        Ok(ext)
    }

    /// `PRAGMA integrity_check` result ("ok" when sound).
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }
}

fn dir_writable(path: &Path) -> bool {
    // SQLite needs to create a journal beside the file.
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::metadata(dir)
        .map(|m| !m.permissions().readonly())
        .unwrap_or(false)
}

/// The site columns after `fid`, in the order every query uses.
const SITE_COLS: &str = "geom, name, kind, status, district_2006, source_para, location_precision, \
    location_source, craft, centre_key, notes, planned_phase, area_ha, main_industries, \
    investment_bn_vnd, jobs, decision_year, accepted_warnings, is_expansion, occupancy_pct, \
    occupancy_year, green_buffer_m, pollution_class, site_key";

fn site_values(s: &Site) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value;
    let text = |t: &str| Value::Text(t.to_string());
    let opt_text = |t: Option<&str>| t.map(text).unwrap_or(Value::Null);
    let real = |v: Option<f64>| v.map(Value::Real).unwrap_or(Value::Null);
    let accepted = if s.accepted_warnings.is_empty() {
        Value::Null
    } else {
        serde_json::to_string(&s.accepted_warnings)
            .map(Value::Text)
            .unwrap_or(Value::Null)
    };
    let (point, area) = split_geometry(s);
    let geom_value = if s.layer.holds_areas_only() {
        area
    } else {
        point
    };
    vec![
        geom_value
            .map(|g| Value::Blob(geom::encode(&g, SRS_WGS84)))
            .unwrap_or(Value::Null),
        text(&s.name),
        text(&s.kind),
        text(s.status_text()),
        text(&s.district_2006),
        text(&s.source_para),
        text(s.precision_text()),
        text(&s.location_source),
        text(&s.craft),
        text(&s.centre_key),
        text(&s.notes),
        opt_text(Some(s.phase_text()).filter(|t| !t.is_empty())),
        real(s.area_ha),
        text(&s.main_industries),
        real(s.investment_bn_vnd),
        s.jobs.map(Value::Integer).unwrap_or(Value::Null),
        s.decision_year
            .map(|y| Value::Integer(i64::from(y)))
            .unwrap_or(Value::Null),
        accepted,
        Value::Integer(i64::from(s.is_expansion)),
        real(s.occupancy_pct),
        s.occupancy_year
            .map(|y| Value::Integer(i64::from(y)))
            .unwrap_or(Value::Null),
        real(s.green_buffer_m),
        s.pollution_class
            .map(|c| Value::Integer(i64::from(c)))
            .unwrap_or(Value::Null),
        text(&s.key),
    ]
}

/// A site's geometry as the file holds it (schema 5): its location as a point (a point inside
/// the boundary when it has one) and its boundary as a multipolygon.
fn split_geometry(s: &Site) -> (Option<Geometry<f64>>, Option<Geometry<f64>>) {
    use geo::InteriorPoint;
    match &s.geom {
        Some(Geometry::Polygon(p)) => (
            p.interior_point().map(Geometry::Point),
            Some(Geometry::MultiPolygon(geo_types::MultiPolygon(vec![
                p.clone(),
            ]))),
        ),
        Some(Geometry::MultiPolygon(mp)) => (
            mp.interior_point().map(Geometry::Point),
            Some(Geometry::MultiPolygon(mp.clone())),
        ),
        Some(g) => (Some(g.clone()), None),
        None => (None, None),
    }
}

/// A geometry read from a MULTIPOLYGON column: one part is the polygon a planner drew.
fn single_part(g: Geometry<f64>) -> Geometry<f64> {
    match g {
        Geometry::MultiPolygon(mut mp) if mp.0.len() == 1 => Geometry::Polygon(mp.0.remove(0)),
        other => other,
    }
}

/// Writes the boundary of planning site `s` (stored with key `key`) into its boundary table,
/// or removes it when the site has none.
/// Names the author that the change log gives the writes of the current transaction; a
/// transaction names it first and clears it (`None`) before it commits, so that another
/// program's later edits are not put to this one's author.
/// Which change-log operations a write folds into one: those of the same gesture (from
/// sequence number `from` on) by the same author, not yet sent anywhere.
#[derive(Debug, Clone)]
pub(crate) struct LogFold {
    from: i64,
    author: Option<String>,
}

/// Folds the update operations of one gesture into one per record and field: the first keeps
/// its `before`, takes the last one's `after` and time and a new operation key (an earlier
/// value may have left in a change bundle); the rest go; a field typed back to where it was
/// leaves no operation. Only operations no server has acknowledged (`server_seq IS NULL`)
/// and of the same author fold: another program's edits in between stay as they are.
pub(crate) fn fold_log(conn: &Connection, f: &LogFold) -> rusqlite::Result<()> {
    const GESTURE: &str = "kind = 'update' AND seq >= ?1 AND server_seq IS NULL AND author IS ?2";
    conn.execute(
        &format!(
            "WITH g AS (
               SELECT tbl, record_key, field, min(seq) AS first, max(seq) AS last
               FROM qn_oplog WHERE {GESTURE}
               GROUP BY tbl, record_key, field HAVING count(*) > 1)
             UPDATE qn_oplog SET
               after = (SELECT o.after FROM qn_oplog o JOIN g ON o.seq = g.last
                        WHERE g.first = qn_oplog.seq),
               at = (SELECT o.at FROM qn_oplog o JOIN g ON o.seq = g.last
                     WHERE g.first = qn_oplog.seq),
               op_key = randomblob(16)
             WHERE seq IN (SELECT first FROM g)"
        ),
        params![f.from, f.author],
    )?;
    conn.execute(
        &format!(
            "DELETE FROM qn_oplog WHERE {GESTURE} AND seq > (
               SELECT min(o.seq) FROM qn_oplog o
               WHERE o.tbl = qn_oplog.tbl AND o.record_key = qn_oplog.record_key
                 AND o.field = qn_oplog.field AND o.kind = 'update' AND o.seq >= ?1
                 AND o.server_seq IS NULL AND o.author IS ?2)"
        ),
        params![f.from, f.author],
    )?;
    conn.execute(
        &format!("DELETE FROM qn_oplog WHERE {GESTURE} AND before IS after"),
        params![f.from, f.author],
    )?;
    Ok(())
}

/// Names the author of this write transaction's changes in the change log (`None`: not
/// named), and says the writer is qn-planner (`app`): the triggers that mark another
/// program's moves as drafted leave qn-planner's own alone (it records its drafting itself).
/// [`end_author`] ends both before the transaction commits.
pub(crate) fn name_author(conn: &Connection, author: Option<&str>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE qn_session SET author = ?1, app = 1 WHERE id = 1",
        params![author],
    )?;
    Ok(())
}

/// Ends what [`name_author`] said: later writes are another program's.
pub(crate) fn end_author(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE qn_session SET author = NULL, app = NULL WHERE id = 1",
        [],
    )?;
    Ok(())
}

fn put_boundary(conn: &Connection, s: &Site) -> rusqlite::Result<()> {
    let Some(table) = s.layer.boundary_table() else {
        return Ok(());
    };
    match split_geometry(s).1 {
        Some(area) => {
            // Not an UPSERT: its conflict clause would carry into the R-tree triggers' own
            // INSERT OR REPLACE and fail there.
            let blob = geom::encode(&area, SRS_WGS84);
            let updated = conn
                .prepare_cached(&format!(
                    "UPDATE \"{table}\" SET geom = ?1 WHERE site_key = ?2"
                ))?
                .execute(params![blob, s.key])?;
            if updated == 0 {
                conn.prepare_cached(&format!(
                    "INSERT INTO \"{table}\" (geom, site_key) VALUES (?1, ?2)"
                ))?
                .execute(params![blob, s.key])?;
            }
        }
        None => {
            conn.prepare_cached(&format!("DELETE FROM \"{table}\" WHERE site_key = ?1"))?
                .execute([&s.key])?;
        }
    }
    Ok(())
}

fn insert_site(conn: &Connection, s: &Site) -> rusqlite::Result<i64> {
    insert_site_with_fid(conn, None, s)
}

fn insert_site_with_fid(conn: &Connection, fid: Option<i64>, s: &Site) -> rusqlite::Result<i64> {
    let keyed;
    let s = if s.key.is_empty() {
        let mut k = s.clone();
        k.key = crate::model::new_key();
        keyed = k;
        &keyed
    } else {
        s
    };
    let table = s.layer.table();
    let mut values = site_values(s);
    values.insert(
        0,
        fid.map(rusqlite::types::Value::Integer)
            .unwrap_or(rusqlite::types::Value::Null),
    );
    let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
    // Cached: preparing a statement on a table with the change-log triggers costs more than
    // running it.
    conn.prepare_cached(&format!(
        "INSERT INTO \"{table}\" (fid, {SITE_COLS}) VALUES ({})",
        marks.join(", ")
    ))?
    .execute(rusqlite::params_from_iter(values))?;
    let fid = conn.last_insert_rowid();
    put_boundary(conn, s)?;
    Ok(fid)
}

fn update_site(conn: &Connection, fid: i64, s: &Site) -> rusqlite::Result<()> {
    let table = s.layer.table();
    let keyed;
    let s = if s.key.is_empty() {
        // A record written without a key keeps the one the file gave it.
        let mut k = s.clone();
        k.key = conn.query_row(
            &format!("SELECT coalesce(site_key, '') FROM \"{table}\" WHERE fid = ?1"),
            [fid],
            |r| r.get(0),
        )?;
        if k.key.is_empty() {
            k.key = crate::model::new_key();
        }
        keyed = k;
        &keyed
    } else {
        s
    };
    // A record whose key changed leaves no boundary behind under the old key.
    if let Some(b) = s.layer.boundary_table() {
        conn.execute(
            &format!(
                "DELETE FROM \"{b}\" WHERE site_key = (SELECT site_key FROM \"{table}\" WHERE fid = ?1) AND site_key != ?2"
            ),
            params![fid, s.key],
        )?;
    }
    let mut values = site_values(s);
    let sets: Vec<String> = SITE_COLS
        .split(',')
        .enumerate()
        .map(|(i, c)| format!("{} = ?{}", c.trim(), i + 1))
        .collect();
    values.push(rusqlite::types::Value::Integer(fid));
    let n = values.len();
    conn.prepare_cached(&format!(
        "UPDATE \"{table}\" SET {} WHERE fid = ?{n}",
        sets.join(", ")
    ))?
    .execute(rusqlite::params_from_iter(values))?;
    put_boundary(conn, s)
}

#[cfg(test)]
mod error_tests {
    use super::*;

    #[test]
    fn an_io_error_keeps_its_cause() {
        let e = io_err(
            Path::new("x.gpkg"),
            std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied"),
        );
        let cause = std::error::Error::source(&e).expect("the I/O error is kept as the source");
        assert_eq!(cause.to_string(), "denied");
        assert_eq!(e.to_string(), "x.gpkg: denied");
        // A missing file is said plainly.
        let gone = io_err(Path::new("y.gpkg"), std::io::ErrorKind::NotFound.into());
        assert!(matches!(gone, StoreError::NotFound(_)));
    }
}
