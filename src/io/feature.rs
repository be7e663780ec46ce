//! What the import readers share: a feature as read ([`RawFeature`] with its attribute
//! [`Value`]s) and what goes wrong reading one ([`ImportError`], with the typed
//! [`Problem`] and where it is, [`At`]). The GeoJSON, CSV and GeoPackage readers and the import
//! orchestration all use these; none of them uses another's module for them.

use super::crs::Crs;
pub use super::problem::{At, Part, Problem};
pub use crate::model::value::Value;
use geo_types::Geometry;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{at}: {problem}")]
    Bad { at: At, problem: Problem },
    #[error("coordinate system: {0}")]
    Crs(String),
    #[error(
        "coordinate system: layer {layer:?} is in SRS {srs} ({org}:{code}), which qn-planner does not read"
    )]
    UnreadSrs {
        layer: String,
        srs: i64,
        org: String,
        code: i64,
    },
    #[error(
        "coordinate system: {0}: cannot tell its coordinate system from the file; give --crs EPSG:N"
    )]
    UnknownCrs(String),
    #[error("the import was cancelled; the project is unchanged")]
    Cancelled,
    /// The file declares its system only after its features, and the guess differed.
    #[error("the file declares {} after its features", .0.name())]
    DeclaredAfter(Crs),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl ImportError {
    /// The message in `lang`, for the window (the CLI prints the English `Display`). The
    /// operating system's detail of an I/O error (`Io`) is quoted as it comes, inside a
    /// Vietnamese frame; a problem inside a file is worded in Vietnamese, quoting a library's
    /// own detail (a JSON or CSV parser's message) where there is one.
    pub fn text(&self, lang: crate::lang::Language) -> String {
        use crate::lang::Language;
        match (self, lang) {
            (_, Language::En) => self.to_string(),
            (ImportError::Io { path, source }, Language::Vi) => {
                format!("{path}: lỗi đọc tệp ({source})")
            }
            (ImportError::Bad { at, problem }, Language::Vi) => {
                format!("{}: {}", at.text(lang), problem.text(lang))
            }
            (ImportError::Crs(m), Language::Vi) => format!("hệ toạ độ: {m}"),
            (
                ImportError::UnreadSrs {
                    layer,
                    srs,
                    org,
                    code,
                },
                Language::Vi,
            ) => format!(
                "hệ toạ độ: lớp {layer:?} dùng SRS {srs} ({org}:{code}), hệ mà qn-planner không đọc"
            ),
            (ImportError::UnknownCrs(path), Language::Vi) => format!(
                "hệ toạ độ: {path}: tệp không cho biết hệ toạ độ; hãy chọn hệ toạ độ trong cửa sổ nhập"
            ),
            (ImportError::Cancelled, Language::Vi) => "đã huỷ nhập; dự án không thay đổi".into(),
            (ImportError::DeclaredAfter(c), Language::Vi) => {
                format!("tệp khai báo {} sau các đối tượng", c.name())
            }
            (ImportError::Store(e), Language::Vi) => e.text(lang),
        }
    }
}

impl ImportError {
    /// Whether the message already names the input file (else the caller names it; a
    /// store error names the project, not the input).
    pub fn names_a_file(&self) -> bool {
        match self {
            ImportError::Io { .. } | ImportError::UnknownCrs(_) => true,
            ImportError::Bad { at, .. } => at.file().is_some(),
            ImportError::Store(_)
            | ImportError::Crs(_)
            | ImportError::UnreadSrs { .. }
            | ImportError::Cancelled
            | ImportError::DeclaredAfter(_) => false,
        }
    }
}

pub(crate) fn bad(at: At, problem: Problem) -> ImportError {
    ImportError::Bad { at, problem }
}

/// One feature as read, in the source's coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFeature {
    pub geom: Option<Geometry<f64>>,
    pub attrs: Vec<(String, Value)>,
}
