//! An attribute value as features carry it (read from a file, stored in a table, written
//! out), and the column type a field gets from its values.

/// An attribute value of an imported feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// The kind of a field, from the values seen in the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Integer,
    Real,
    Text,
}

impl FieldType {
    /// The type of a field that held `self` so far and now `v`.
    pub fn merge(self, v: &Value) -> FieldType {
        match (self, v) {
            (t, Value::Null) => t,
            (FieldType::Integer, Value::Int(_)) => FieldType::Integer,
            (FieldType::Integer | FieldType::Real, Value::Real(_) | Value::Int(_)) => {
                FieldType::Real
            }
            _ => FieldType::Text,
        }
    }

    /// The type of a first value (a null counts as an integer until something else comes).
    pub fn of(v: &Value) -> FieldType {
        match v {
            Value::Int(_) | Value::Null => FieldType::Integer,
            Value::Real(_) => FieldType::Real,
            Value::Text(_) => FieldType::Text,
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            FieldType::Integer => "INTEGER",
            FieldType::Real => "DOUBLE",
            FieldType::Text => "TEXT",
        }
    }
}
