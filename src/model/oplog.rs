//! The change log as data: one [`Operation`] per field that an insert, update or delete
//! touched, in the order they happened, with the record's stable key, the values before and
//! after, who made it (none for an edit made by another program, such as QGIS) and when.
//!
//! ```
//! use qn_planner::model::oplog::{LogValue, OpKind};
//! assert_eq!(OpKind::parse("update"), Some(OpKind::Update));
//! use qn_planner::lang::Language;
//! assert_eq!(LogValue::Text("Hà Khánh".into()).short(Language::Vi), "Hà Khánh");
//! assert_eq!(LogValue::Null.short(Language::Vi), "—");
//! // An empty text reads as nothing, as a missing one does.
//! assert_eq!(LogValue::Text(String::new()).short(Language::Vi), "—");
//! ```

use crate::lang::Language;

/// What an operation did to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Insert,
    Update,
    Delete,
}

impl OpKind {
    pub fn parse(s: &str) -> Option<OpKind> {
        match s {
            "insert" => Some(OpKind::Insert),
            "update" => Some(OpKind::Update),
            "delete" => Some(OpKind::Delete),
            _ => None,
        }
    }

    pub fn text(self, lang: Language) -> &'static str {
        match (self, lang) {
            (OpKind::Insert, Language::Vi) => "tạo",
            (OpKind::Insert, Language::En) => "created",
            (OpKind::Update, Language::Vi) => "sửa",
            (OpKind::Update, Language::En) => "changed",
            (OpKind::Delete, Language::Vi) => "xoá",
            (OpKind::Delete, Language::En) => "deleted",
        }
    }
}

/// A value as the log holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum LogValue {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    /// A geometry, decoded (`None`: a blob that is not one).
    Geometry(Option<geo_types::Geometry<f64>>),
}

impl LogValue {
    /// A short form for a list, in `lang`: text as it is (cut at 60 characters), a point as
    /// its coordinates, an area by its number of vertices.
    pub fn short(&self, lang: Language) -> String {
        match self {
            LogValue::Null => "—".into(),
            LogValue::Int(i) => i.to_string(),
            LogValue::Real(r) => super::text::fmt_coord(*r),
            LogValue::Text(t) if t.trim().is_empty() => "—".into(),
            LogValue::Text(t) => {
                let mut s: String = t.chars().take(60).collect();
                if t.chars().count() > 60 {
                    s.push('…');
                }
                s
            }
            LogValue::Geometry(Some(geo_types::Geometry::Point(p))) => {
                format!("{:.5}, {:.5}", p.x(), p.y())
            }
            LogValue::Geometry(Some(g)) => {
                use geo::CoordsIter;
                match lang {
                    Language::Vi => format!("vùng, {} đỉnh", g.coords_count()),
                    Language::En => format!("area, {} vertices", g.coords_count()),
                }
            }
            LogValue::Geometry(None) => "?".into(),
        }
    }
}

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Its place in this file's log.
    pub seq: i64,
    /// Its key, the same in every copy it reaches.
    pub op_key: String,
    pub table: String,
    pub record_key: String,
    pub kind: OpKind,
    /// The column (`*` for a whole record deleted).
    pub field: String,
    pub before: LogValue,
    pub after: LogValue,
    /// Who made it; `None` for an edit made outside qn-planner.
    pub author: Option<String>,
    /// ISO 8601 UTC.
    pub at: String,
}
