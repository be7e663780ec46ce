//! What can go wrong with a project file, and its message in the planner's language.

use super::geom;
use crate::model::seed;
use std::path::{Path, PathBuf};
use thiserror::Error;

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
    pub(crate) fn sqlite(path: &Path, err: rusqlite::Error) -> Self {
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
