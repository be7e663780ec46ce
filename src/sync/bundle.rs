//! Change bundles (`.qnchanges`): the operations of a copy that the shared plan has not
//! acknowledged, with the current values of the records they touch, in one UTF-8 JSON file
//! that travels without a network (USB stick, e-mail) — `sync FILE.gpkg --export-changes
//! OUT.qnchanges` and `--import-changes IN.qnchanges`.
//!
//! Importing merges exactly as a sync does (`crate::sync::merge`, three-way per field,
//! conflicts kept), and is idempotent: an operation whose key the copy already holds is
//! skipped. What a bundle brings waits in the copy's log under its original keys until the
//! next sync takes it to the server, where those keys make it arrive once, whichever copy
//! takes it there first.
//!
//! ```json
//! {"format": "qn-planner-changes", "version": 1, "schema": 8,
//!  "exported_at": "2026-12-03T15:40:00Z", "exported_by": "Lan",
//!  "operations": [{"op_key": "…", "table": "industrial_zones", "record_key": "…",
//!                  "kind": "update", "field": "jobs", "author": "Lan", "at": "…"}],
//!  "records": [{"table": "industrial_zones", "key": "…",
//!               "row": {"name": "Việt Hưng", "jobs": 5000, "geom": {"wkb": "0101…"}}}]}
//! ```
//! A record absent on the exporting copy (deleted there) has `"row": null`.

use super::merge::Mode;
use super::types::{RemoteOp, SyncOutcome};
use crate::model::oplog::OpKind;
use crate::store::{Cell, ProjectFile, SharedTable, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use thiserror::Error;

pub const FORMAT: &str = "qn-planner-changes";
pub const VERSION: i64 = 1;

#[derive(Debug, Error)]
pub enum BundleError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: not a qn-planner change bundle ({1})")]
    NotBundle(String, String),
    #[error("{0}: a change bundle of version {1}; this qn-planner reads version {VERSION}")]
    Version(String, i64),
    #[error("{path}: {msg}")]
    Bad { path: String, msg: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Serialize, Deserialize)]
struct BundleFile {
    format: String,
    version: i64,
    schema: i64,
    exported_at: String,
    exported_by: Option<String>,
    operations: Vec<BundleOp>,
    records: Vec<BundleRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
struct BundleOp {
    op_key: String,
    table: String,
    record_key: String,
    kind: String,
    field: String,
    author: Option<String>,
    at: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct BundleRecord {
    table: String,
    key: String,
    row: Option<serde_json::Map<String, serde_json::Value>>,
}

fn json_of(c: &Cell) -> serde_json::Value {
    use serde_json::Value as J;
    match c {
        Cell::Null => J::Null,
        Cell::Int(i) => J::from(*i),
        Cell::Real(r) => serde_json::Number::from_f64(*r).map_or(J::Null, J::Number),
        Cell::Text(t) => J::String(t.clone()),
        Cell::Wkb(w) => {
            let hex: String = w.iter().map(|b| format!("{b:02x}")).collect();
            serde_json::json!({ "wkb": hex })
        }
    }
}

fn cell_of(v: &serde_json::Value) -> Option<Cell> {
    use serde_json::Value as J;
    Some(match v {
        J::Null => Cell::Null,
        J::Bool(b) => Cell::Int(i64::from(*b)),
        J::Number(n) => match n.as_i64() {
            Some(i) if !n.is_f64() => Cell::Int(i),
            _ => Cell::Real(n.as_f64()?),
        },
        J::String(s) => Cell::Text(crate::model::text::nfc(s)),
        J::Object(o) => {
            let hex = o.get("wkb")?.as_str()?;
            if hex.len() % 2 != 0 {
                return None;
            }
            let bytes: Option<Vec<u8>> = (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
                .collect();
            Cell::Wkb(bytes?)
        }
        J::Array(_) => return None,
    })
}

fn kind_text(k: OpKind) -> &'static str {
    match k {
        OpKind::Insert => "insert",
        OpKind::Update => "update",
        OpKind::Delete => "delete",
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub operations: usize,
    pub records: usize,
}

/// Writes the operations of `pf` the shared plan has not acknowledged (its own, and those it
/// took from other bundles) into `out`, whole or not at all.
pub fn export(pf: &ProjectFile, out: &Path, author: Option<&str>) -> Result<Exported, BundleError> {
    let ops = pf.pending_operations()?;
    let tables = pf.shared_tables();
    let mut by_table: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for o in &ops {
        if let Some((t, _)) = tables.iter().find(|(t, _)| *t == o.table) {
            let keys = by_table.entry(t).or_default();
            if !keys.contains(&o.record_key) {
                keys.push(o.record_key.clone());
            }
        }
    }
    let mut records = Vec::new();
    for (table, keys) in &by_table {
        let key_col = tables
            .iter()
            .find(|(t, _)| t == table)
            .map(|(_, k)| *k)
            .unwrap_or("key");
        let t = pf.shared_rows(table, key_col, keys)?;
        let ki = t.columns.iter().position(|c| c.name == key_col);
        let mut rows: HashMap<String, serde_json::Map<String, serde_json::Value>> = HashMap::new();
        for r in &t.rows {
            let Some(Cell::Text(k)) = ki.and_then(|i| r.get(i)) else {
                continue;
            };
            let row = t
                .columns
                .iter()
                .zip(r)
                .map(|(c, v)| (c.name.clone(), json_of(v)))
                .collect();
            rows.insert(k.clone(), row);
        }
        for k in keys {
            records.push(BundleRecord {
                table: (*table).to_string(),
                key: k.clone(),
                row: rows.remove(k),
            });
        }
    }
    let file = BundleFile {
        format: FORMAT.into(),
        version: VERSION,
        schema: crate::store::SCHEMA_VERSION,
        exported_at: crate::model::scenario::now_utc_iso(),
        exported_by: author.map(str::to_string),
        operations: ops
            .iter()
            .map(|o| BundleOp {
                op_key: o.op_key.clone(),
                table: o.table.clone(),
                record_key: o.record_key.clone(),
                kind: kind_text(o.kind).into(),
                field: o.field.clone(),
                author: o.author.clone(),
                at: o.at.clone(),
            })
            .collect(),
        records,
    };
    let text = serde_json::to_vec_pretty(&file).map_err(|e| BundleError::Bad {
        path: out.display().to_string(),
        msg: e.to_string(),
    })?;
    crate::fsutil::write_atomic(out, &text).map_err(|source| BundleError::Io {
        path: out.display().to_string(),
        source,
    })?;
    Ok(Exported {
        operations: file.operations.len(),
        records: file.records.len(),
    })
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// Operations in the bundle, and those this copy already held (skipped).
    pub operations: usize,
    pub known: usize,
    /// Records changed here.
    pub applied: usize,
    /// Conflicts found by this import.
    pub new_conflicts: usize,
    /// Conflicts open after it.
    pub open: Vec<super::types::Conflict>,
}

/// Merges the bundle at `input` into `pf` (see the module comment), in one transaction.
pub fn import(pf: &mut ProjectFile, input: &Path) -> Result<Imported, BundleError> {
    let name = input.display().to_string();
    let bytes = crate::fsutil::read_input(input).map_err(|source| BundleError::Io {
        path: name.clone(),
        source,
    })?;
    import_bytes(pf, &name, &bytes)
}

/// [`import`] of a bundle already read (`name` for messages).
pub fn import_bytes(
    pf: &mut ProjectFile,
    name: &str,
    bytes: &[u8],
) -> Result<Imported, BundleError> {
    let name = name.to_string();
    let file: BundleFile = serde_json::from_slice(bytes)
        .map_err(|e| BundleError::NotBundle(name.clone(), e.to_string()))?;
    if file.format != FORMAT {
        return Err(BundleError::NotBundle(
            name,
            format!("its format is {:?}", file.format),
        ));
    }
    if file.version > VERSION {
        return Err(BundleError::Version(name, file.version));
    }
    let tables = pf.shared_tables();
    let mut remote = Vec::with_capacity(file.operations.len());
    for o in &file.operations {
        let kind = OpKind::parse(&o.kind).ok_or_else(|| BundleError::Bad {
            path: name.clone(),
            msg: format!("operation {}: unknown kind {:?}", o.op_key, o.kind),
        })?;
        if !tables.iter().any(|(t, _)| *t == o.table) {
            return Err(BundleError::Bad {
                path: name.clone(),
                msg: format!("operation {}: {} is not a shared table", o.op_key, o.table),
            });
        }
        remote.push(RemoteOp {
            seq: 0,
            op_key: o.op_key.clone(),
            table: o.table.clone(),
            record_key: o.record_key.clone(),
            kind,
            field: o.field.clone(),
            author: o.author.clone(),
            at: o.at.clone(),
        });
    }
    let operations = remote.len();
    let rows: HashMap<(&str, &str), &Option<serde_json::Map<String, serde_json::Value>>> = file
        .records
        .iter()
        .map(|r| ((r.table.as_str(), r.key.as_str()), &r.row))
        .collect();
    let local = pf.pending_operations()?;
    let conflicts = pf.conflicts()?;
    let local_keys: Vec<String> = remote.iter().map(|o| o.op_key.clone()).collect();
    let known = pf.known_op_keys(&local_keys)?.len();
    let mut fetch = |t: &SharedTable, keys: &[String]| -> Result<Vec<Vec<Cell>>, BundleError> {
        let mut out = Vec::new();
        for k in keys {
            let Some(Some(row)) = rows.get(&(t.table.as_str(), k.as_str())) else {
                continue;
            };
            let mut cells = Vec::with_capacity(t.columns.len());
            for c in &t.columns {
                let v = row.get(&c.name).unwrap_or(&serde_json::Value::Null);
                let cell = cell_of(v).ok_or_else(|| BundleError::Bad {
                    path: name.clone(),
                    msg: format!(
                        "{} {k}: {} holds a value qn-planner cannot read",
                        t.table, c.name
                    ),
                })?;
                // Checked as the window checks an entry: a bundle that carries one value the
                // file cannot hold is refused whole, the operation named.
                if let Some(why) = super::merge::refused(&t.table, c, &cell) {
                    let of_record = || {
                        file.operations
                            .iter()
                            .filter(|o| o.table == t.table && o.record_key == *k)
                    };
                    let op = of_record()
                        .find(|o| o.field == c.name || o.field == "*")
                        .or_else(|| of_record().next())
                        .map(|o| format!("operation {} (record {k})", o.op_key))
                        .unwrap_or_else(|| format!("the record {k}"));
                    return Err(BundleError::Bad {
                        path: name.clone(),
                        msg: format!("{op}: {why}; nothing of the bundle was applied"),
                    });
                }
                cells.push(cell);
            }
            out.push(cells);
        }
        Ok(out)
    };
    let plan = super::merge::plan(pf, remote, local, &conflicts, Mode::Bundle, &mut fetch)?;
    let outcome = SyncOutcome {
        server_seq: None,
        server_url: None,
        ..plan.outcome
    };
    pf.apply_sync(&outcome)?;
    Ok(Imported {
        operations,
        known,
        applied: plan.pulled,
        new_conflicts: outcome.conflicts.len(),
        open: pf
            .conflicts()?
            .into_iter()
            .filter(|c| c.resolution.is_none())
            .collect(),
    })
}
