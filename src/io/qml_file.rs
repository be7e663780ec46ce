//! QML style files in and out of a project's layers (`qn-planner style`, the style panel).

use crate::model::Project;
use crate::model::style::LayerStyle;
use crate::store::qml::{self, GeomKind, QmlError};
use crate::store::{ProjectFile, StoreError, StyleTarget};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StyleFileError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("no layer {0} in this project (see `qn-planner info`)")]
    NoLayer(String),
    #[error("{path}: {source}")]
    Qml {
        path: String,
        #[source]
        source: QmlError,
    },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl StyleFileError {
    pub fn text(&self, lang: crate::lang::Language) -> String {
        use crate::lang::Language;
        match (self, lang) {
            (_, Language::En) => self.to_string(),
            (StyleFileError::Store(e), _) => e.text(lang),
            (StyleFileError::NoLayer(l), Language::Vi) => {
                format!("dự án không có lớp {l}")
            }
            (StyleFileError::Qml { path, source }, Language::Vi) => {
                format!("{path}: {}", source.text(lang))
            }
            (StyleFileError::Io { path, source }, Language::Vi) => {
                format!("{path}: không đọc/ghi được tệp ({source})")
            }
        }
    }
}

/// The layer `layer` names (a table name or its title), as a style target.
pub fn target(file: &ProjectFile, layer: &str) -> Result<StyleTarget, StyleFileError> {
    target_and_table(file, layer).map(|(t, _)| t)
}

/// The style target of `layer` and the table it names (a planning layer's boundary table
/// names its layer's style).
fn target_and_table(
    file: &ProjectFile,
    layer: &str,
) -> Result<(StyleTarget, String), StyleFileError> {
    let table = file
        .resolve_feature_table(layer)?
        .unwrap_or_else(|| layer.to_string());
    let t = file
        .style_target(&table)?
        .ok_or_else(|| StyleFileError::NoLayer(layer.to_string()))?;
    Ok((t, table))
}

/// A layer's current look: its own style, else its default.
pub fn current(
    file: &ProjectFile,
    project: &Project,
    target: &StyleTarget,
) -> Result<LayerStyle, StoreError> {
    match project.styles.get(&target.table) {
        Some(s) => Ok(s.clone()),
        None => file.default_style(target),
    }
}

/// What reading a QML file for a layer gives: the style to apply and what was left out.
#[derive(Debug, Clone)]
pub struct FromQml {
    pub table: String,
    pub style: LayerStyle,
    pub ignored: Vec<String>,
}

/// Reads QML `text` (from `path`, for messages) as the new style of `layer`. Reads only: the
/// caller applies the result as an edit. A planning layer's boundary table takes fill
/// symbols; every other table the symbols of its geometry.
pub fn from_qml(
    file: &ProjectFile,
    project: &Project,
    layer: &str,
    text: &str,
    path: &str,
) -> Result<FromQml, StyleFileError> {
    let (t, table) = target_and_table(file, layer)?;
    let kind = if table != t.table {
        GeomKind::Polygon
    } else {
        t.kind
    };
    let base = current(file, project, &t)?;
    let r =
        qml::read(text, &table, kind, &t.fields, &base).map_err(|source| StyleFileError::Qml {
            path: path.to_string(),
            source,
        })?;
    Ok(FromQml {
        table: t.table,
        style: r.style,
        ignored: r.ignored,
    })
}

/// The QML of `layer`'s current look (its boundary table's, when `layer` names that).
pub fn to_qml(
    file: &ProjectFile,
    project: &Project,
    layer: &str,
) -> Result<String, StyleFileError> {
    let (t, table) = target_and_table(file, layer)?;
    let style = current(file, project, &t)?;
    Ok(if table != t.table {
        qml::write(&style, GeomKind::Polygon, Some(&t.table))
    } else {
        qml::write(&style, t.kind, None)
    })
}

/// Reads a QML file (any size a style has; refuses what is not text).
pub fn read_file(path: &std::path::Path) -> Result<String, StyleFileError> {
    let io = |source| StyleFileError::Io {
        path: path.display().to_string(),
        source,
    };
    let bytes = crate::fsutil::read_input(path).map_err(io)?;
    String::from_utf8(bytes).map_err(|_| StyleFileError::Qml {
        path: path.display().to_string(),
        source: QmlError::NotXml("the file is not UTF-8 text".into()),
    })
}

/// Writes QML whole or not at all.
pub fn write_file(path: &std::path::Path, qml: &str) -> Result<(), StyleFileError> {
    crate::fsutil::write_atomic(path, qml.as_bytes()).map_err(|source| StyleFileError::Io {
        path: path.display().to_string(),
        source,
    })
}
