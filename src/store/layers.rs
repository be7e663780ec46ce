//! Reference layers: outside data imported into its own feature table of the project, and
//! any feature table read back out for export. An import is one transaction: an error or a
//! cancel rolls it back and leaves the file as it was.

use super::{ProjectFile, StoreError, geom, schema};
use crate::io::crs::Crs;
use crate::io::import::{FieldType, ImportError, Source, Value, for_each_feature, scan};
use rusqlite::{OptionalExtension, params};
use std::sync::atomic::{AtomicBool, Ordering};

/// The registry of imported layers (created with the first import).
const REGISTRY: &str = "CREATE TABLE IF NOT EXISTS qn_reference_layers (
  table_name TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  source_crs INTEGER NOT NULL,
  color TEXT NOT NULL,
  features INTEGER NOT NULL,
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)";

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    pub table: String,
    pub name: String,
    pub features: u64,
    pub crs: Crs,
    pub geometry_type: String,
}

/// A reference layer as registered.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceLayer {
    pub table: String,
    pub name: String,
    pub source: String,
    pub source_crs: u32,
    pub color: String,
    pub features: i64,
}

/// One feature of a project table, for export: WGS84 geometry and attributes in column order.
#[derive(Debug, Clone, PartialEq)]
pub struct TableFeature {
    pub fid: i64,
    pub geom: Option<geo_types::Geometry<f64>>,
    pub attrs: Vec<(String, Value)>,
}

/// A table name from a layer name: lower-case ASCII letters, digits and `_`, prefixed `ref_`.
pub fn table_name_for(name: &str) -> String {
    let folded = crate::model::text::fold(name);
    let mut s = String::from("ref_");
    for ch in folded.chars() {
        if ch.is_ascii_alphanumeric() {
            s.push(ch.to_ascii_lowercase());
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    while s.ends_with('_') && s.len() > 4 {
        s.pop();
    }
    if s == "ref_" {
        s.push_str("layer");
    }
    s
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

impl ProjectFile {
    /// Imports `source` (in `crs`) as a new reference layer called `name`, drawn in `color`
    /// (`#rrggbb`). Runs in one transaction; `cancel` is checked every 500 features and
    /// `progress(done, total)` is called as features are written.
    pub fn import_reference_layer(
        &mut self,
        source: &Source,
        crs: Crs,
        name: &str,
        color: &str,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportSummary, ImportError> {
        if self.read_only {
            return Err(StoreError::ReadOnly(self.path.clone()).into());
        }
        let name = crate::model::text::nfc(name.trim());
        if name.is_empty() {
            return Err(ImportError::Bad {
                at: "layer name".into(),
                msg: "is empty".into(),
            });
        }
        // First pass: fields, count, and every problem found before anything is written.
        let sc = scan(source)?;
        if cancel.load(Ordering::Relaxed) {
            return Err(ImportError::Cancelled);
        }
        self.backup_before_first_write()?;
        let path = self.path.clone();
        let sq = |e: rusqlite::Error| ImportError::from(StoreError::sqlite(&path, e));
        let tx = self.conn.transaction().map_err(sq)?;
        tx.execute_batch(REGISTRY).map_err(sq)?;
        // A free table name.
        let base = table_name_for(&name);
        let mut table = base.clone();
        let mut k = 2;
        while tx
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE lower(name) = lower(?1)",
                [&table],
                |_| Ok(()),
            )
            .optional()
            .map_err(sq)?
            .is_some()
        {
            table = format!("{base}_{k}");
            k += 1;
        }
        if tx
            .query_row(
                "SELECT 1 FROM gpkg_contents WHERE identifier = ?1",
                [&name],
                |_| Ok(()),
            )
            .optional()
            .map_err(sq)?
            .is_some()
        {
            return Err(ImportError::Bad {
                at: "layer name".into(),
                msg: format!("a layer called {name:?} already exists"),
            });
        }
        // Columns: source field names, made unique and kept clear of fid/geom.
        let mut cols: Vec<(String, FieldType)> = Vec::new();
        for (f, t) in &sc.fields {
            let mut c = f.clone();
            let mut i = 2;
            while c.eq_ignore_ascii_case("fid")
                || c.eq_ignore_ascii_case("geom")
                || cols.iter().any(|(o, _)| o.eq_ignore_ascii_case(&c))
            {
                c = format!("{f}_{i}");
                i += 1;
            }
            cols.push((c, *t));
        }
        let mut ddl = format!(
            "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {}",
            quote(&table),
            sc.geometry_type
        );
        for (c, t) in &cols {
            ddl.push_str(&format!(", {} {}", quote(c), t.sql()));
        }
        ddl.push(')');
        tx.execute_batch(&ddl).map_err(sq)?;
        let insert = format!(
            "INSERT INTO {} (geom{}) VALUES (?1{})",
            quote(&table),
            cols.iter()
                .map(|(c, _)| format!(", {}", quote(c)))
                .collect::<String>(),
            (0..cols.len())
                .map(|i| format!(", ?{}", i + 2))
                .collect::<String>()
        );
        let mut written = 0u64;
        {
            let mut stmt = tx.prepare(&insert).map_err(sq)?;
            let total = sc.features;
            for_each_feature(source, crs, &mut |n, feat| {
                if n % 500 == 0 && cancel.load(Ordering::Relaxed) {
                    return Err(ImportError::Cancelled);
                }
                let blob = feat
                    .geom
                    .as_ref()
                    .map(|g| geom::encode(g, super::SRS_WGS84));
                let mut vals: Vec<rusqlite::types::Value> = Vec::with_capacity(cols.len() + 1);
                vals.push(match blob {
                    Some(b) => rusqlite::types::Value::Blob(b),
                    None => rusqlite::types::Value::Null,
                });
                for (f, _) in &sc.fields {
                    let v = feat
                        .attrs
                        .iter()
                        .find(|(k, _)| k == f)
                        .map(|(_, v)| v.clone())
                        .unwrap_or(Value::Null);
                    vals.push(v.into());
                }
                stmt.execute(rusqlite::params_from_iter(vals)).map_err(sq)?;
                written = n;
                if n % 1000 == 0 {
                    progress(n, total);
                }
                Ok(())
            })?;
            progress(written, total);
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(ImportError::Cancelled);
        }
        let geometry_type = sc.geometry_type.as_str();
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
             VALUES (?1, 'features', ?2, ?3, 4326)",
            params![
                table,
                name,
                format!(
                    "Reference layer imported from {} ({})",
                    source.path().display(),
                    crs.name()
                )
            ],
        )
        .map_err(sq)?;
        schema::finish_plain_feature_table(&tx, &table, geometry_type).map_err(sq)?;
        tx.execute(
            "INSERT INTO qn_reference_layers (table_name, name, source, source_crs, color, features)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                table,
                name,
                source.path().display().to_string(),
                crs.epsg(),
                color,
                i64::try_from(written).unwrap_or(i64::MAX)
            ],
        )
        .map_err(sq)?;
        if cancel.load(Ordering::Relaxed) {
            return Err(ImportError::Cancelled);
        }
        tx.commit().map_err(sq)?;
        Ok(ImportSummary {
            table,
            name,
            features: written,
            crs,
            geometry_type: geometry_type.to_string(),
        })
    }

    /// The imported reference layers, in import order.
    pub fn reference_layers(&self) -> Result<Vec<ReferenceLayer>, StoreError> {
        let p = &self.path;
        let exists = self
            .conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE name = 'qn_reference_layers'",
                [],
                |_| Ok(()),
            )
            .optional()
            .map_err(|e| StoreError::sqlite(p, e))?
            .is_some();
        if !exists {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare(
                "SELECT table_name, name, source, source_crs, color, features
                 FROM qn_reference_layers ORDER BY imported_at, rowid",
            )
            .map_err(|e| StoreError::sqlite(p, e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(ReferenceLayer {
                    table: r.get(0)?,
                    name: r.get(1)?,
                    source: r.get(2)?,
                    source_crs: r.get::<_, i64>(3).map(|c| u32::try_from(c).unwrap_or(0))?,
                    color: r.get(4)?,
                    features: r.get(5)?,
                })
            })
            .and_then(|r| r.collect::<Result<Vec<_>, _>>())
            .map_err(|e| StoreError::sqlite(p, e))?;
        Ok(rows)
    }

    /// The feature table a layer name refers to: a table name or a `gpkg_contents`
    /// identifier (either case-insensitive).
    pub fn resolve_feature_table(&self, layer: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'
                 AND (lower(table_name) = lower(?1) OR lower(identifier) = lower(?1))
                 ORDER BY lower(table_name) = lower(?1) DESC LIMIT 1",
                [crate::model::text::nfc(layer)],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// The geometry type name of feature table `table` (`POINT`, `MULTIPOLYGON`, …).
    pub fn geometry_type_of(&self, table: &str) -> Result<String, StoreError> {
        self.conn
            .query_row(
                "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?1",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// The name of the geometry column of feature table `table`.
    fn geometry_column_of(&self, table: &str) -> Result<String, StoreError> {
        self.conn
            .query_row(
                "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?1",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// The attribute columns of feature table `table` (not `fid`, not the geometry) with
    /// their declared SQL types, in table order.
    pub fn attribute_columns(&self, table: &str) -> Result<Vec<(String, String)>, StoreError> {
        let p = &self.path;
        let sq = |e| StoreError::sqlite(p, e);
        let col = self.geometry_column_of(table)?;
        let mut stmt = self
            .conn
            .prepare("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")
            .map_err(sq)?;
        let rows = stmt
            .query_map([table], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .and_then(|r| r.collect::<Result<Vec<_>, _>>())
            .map_err(sq)?;
        Ok(rows
            .into_iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("fid") && *n != col)
            .collect())
    }

    /// Calls `f` with the geometry (WGS84) of every feature of `table` that has one, in fid
    /// order, without reading the attributes (drawing needs only the shapes).
    pub fn for_each_table_geometry(
        &self,
        table: &str,
        f: &mut dyn FnMut(geo_types::Geometry<f64>),
    ) -> Result<(), StoreError> {
        let p = &self.path;
        let sq = |e| StoreError::sqlite(p, e);
        let col = self.geometry_column_of(table)?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT fid, {} FROM {} WHERE {} NOT NULL ORDER BY rowid",
                quote(&col),
                quote(table),
                quote(&col)
            ))
            .map_err(sq)?;
        let mut rows = stmt.query([]).map_err(sq)?;
        while let Some(r) = rows.next().map_err(sq)? {
            let fid: i64 = r.get(0).map_err(sq)?;
            let blob: Vec<u8> = r.get(1).map_err(sq)?;
            if let Some(g) = self.decode_geom(table, fid, Some(&blob))? {
                f(g);
            }
        }
        Ok(())
    }

    /// Calls `f` with every feature of feature table `table` (WGS84), in fid order.
    pub fn for_each_table_feature(
        &self,
        table: &str,
        f: &mut dyn FnMut(TableFeature) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let p = &self.path;
        let sq = |e| StoreError::sqlite(p, e);
        let col = self.geometry_column_of(table)?;
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT * FROM {} ORDER BY rowid", quote(table)))
            .map_err(sq)?;
        let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        let mut rows = stmt.query([]).map_err(sq)?;
        while let Some(r) = rows.next().map_err(sq)? {
            let mut feat = TableFeature {
                fid: 0,
                geom: None,
                attrs: Vec::new(),
            };
            for (i, name) in names.iter().enumerate() {
                let v: rusqlite::types::Value = r.get(i).map_err(sq)?;
                if name.eq_ignore_ascii_case("fid") {
                    if let rusqlite::types::Value::Integer(x) = v {
                        feat.fid = x;
                    }
                    continue;
                }
                if *name == col {
                    if let rusqlite::types::Value::Blob(b) = v {
                        feat.geom = self.decode_geom(table, feat.fid, Some(&b))?;
                    }
                    continue;
                }
                feat.attrs.push((name.clone(), v.into()));
            }
            f(feat)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_ascii_and_prefixed() {
        assert_eq!(
            table_name_for("Ranh giới xã Đông Triều"),
            "ref_ranh_gioi_xa_dong_trieu"
        );
        assert_eq!(table_name_for("  "), "ref_layer");
        assert_eq!(table_name_for("A/B (2020)"), "ref_a_b_2020");
    }
}
