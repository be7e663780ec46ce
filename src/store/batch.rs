//! The unit of a batch insert into a new feature table: features ready to write (GeoPackage
//! geometry blob, envelope, attribute values) and the fields first seen with them. The import
//! readers (`io`) fill batches; `store` writes them.

use crate::model::value::{FieldType, Value};

/// A feature ready to write: its GeoPackage geometry (WGS84) with the envelope, and its
/// values by field number (fields past the end are null).
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub blob: Option<Vec<u8>>,
    /// minx, maxx, miny, maxy; none for an empty or missing geometry.
    pub envelope: Option<[f64; 4]>,
    pub values: Vec<Value>,
}

/// Features handed from the reading thread to the writing one.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Fields first seen in this batch, numbered after the earlier ones, with the type of
    /// their values so far.
    pub new_fields: Vec<(String, FieldType)>,
    pub rows: Vec<Prepared>,
    /// The share of the input read, 0 to 1.
    pub fraction: f64,
    /// The GeoPackage geometry type of all features so far (`GEOMETRY` when mixed), if
    /// any had a geometry.
    pub geometry_type: Option<&'static str>,
}

/// Attribute values to and from SQLite (store owns the SQL side).
impl From<rusqlite::types::Value> for Value {
    /// A SQLite value as an attribute; blobs have no attribute form and read as null.
    fn from(v: rusqlite::types::Value) -> Value {
        use rusqlite::types::Value as S;
        match v {
            S::Null | S::Blob(_) => Value::Null,
            S::Integer(i) => Value::Int(i),
            S::Real(r) => Value::Real(r),
            S::Text(t) => Value::Text(t),
        }
    }
}

impl From<Value> for rusqlite::types::Value {
    fn from(v: Value) -> rusqlite::types::Value {
        use rusqlite::types::Value as S;
        match v {
            Value::Null => S::Null,
            Value::Int(i) => S::Integer(i),
            Value::Real(r) => S::Real(r),
            Value::Text(t) => S::Text(t),
        }
    }
}
