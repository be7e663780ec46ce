//! Reference layers: outside data in its own feature table of the project, and any feature
//! table read back out for export. A new layer is written aside ([`AsideWriter`], batch by
//! batch, in one transaction: an error or a cancel rolls it back and leaves the file as it
//! was) and brought into the project by an edit; undo sets it aside again. Reading the source
//! files is `io::import_layer`'s.

use super::{ProjectFile, StoreError, ident, schema};
use crate::model::value::Value;
use rusqlite::{OptionalExtension, params};

mod read;
mod write;

pub use read::LayerReader;
pub use write::AsideWriter;

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

/// A reference layer whose rows wait in the file outside the project: imported and not yet
/// brought in, or taken out by undo. Everything needed to register it again is here, so
/// bringing it back never reads the file it was imported from.
#[derive(Debug, Clone, PartialEq)]
pub struct AsideLayer {
    /// The table holding its rows meanwhile (`qn_aside_…`, its R-tree `qn_aside_…_rtree`).
    pub aside: String,
    /// Its table in the project.
    pub table: String,
    /// Its title (`gpkg_contents.identifier`, the registry's name).
    pub identifier: String,
    pub description: String,
    pub geometry_type: String,
    /// min x, max x, min y, max y.
    pub extent: Option<[f64; 4]>,
    pub source: String,
    pub source_crs: u32,
    pub color: String,
    pub features: i64,
    /// When it was first imported (`None`: now).
    pub imported_at: Option<String>,
}

fn new_aside_name() -> String {
    format!("qn_aside_{}", uuid::Uuid::new_v4().simple())
}

fn aside_rtree(aside: &str) -> String {
    format!("{aside}_rtree")
}

fn table_exists(conn: &rusqlite::Connection, name: &str) -> rusqlite::Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
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

/// A table another program wrote into the project (see [`ProjectFile::foreign_tables`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignTable {
    pub table: String,
    /// A feature table (one with geometry), which can become a reference layer.
    pub features: bool,
    pub count: i64,
}

/// What registers a layer written aside: where it came from and how it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct AsideAbout {
    /// `gpkg_contents.description`.
    pub description: String,
    /// The file it was read from.
    pub source: String,
    /// The EPSG code of the system it was read in.
    pub source_crs: u32,
    /// `#rrggbb`.
    pub color: String,
}

impl ProjectFile {
    /// Takes the reference layer `table` out of the project in one transaction: its
    /// registration (contents, geometry column, R-tree extension, registry row) goes, its
    /// triggers are dropped, and its rows and R-tree move, renamed, to a table that is not
    /// part of the GeoPackage's contents (GDAL and QGIS do not list it). Returns what brings
    /// it back. Such tables are removed when a window next opens the file for editing.
    pub fn set_aside_reference_layer(&mut self, table: &str) -> Result<AsideLayer, StoreError> {
        self.guarded(|pf| pf.set_aside_inner(table))
    }

    fn set_aside_inner(&mut self, table: &str) -> Result<AsideLayer, StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        let layer = self
            .reference_layers()?
            .into_iter()
            .find(|l| l.table == table)
            .ok_or_else(|| StoreError::BadValue {
                path: self.path.clone(),
                table: table.into(),
                fid: 0,
                msg: "no such reference layer".into(),
            })?;
        self.backup_before_first_write()?;
        let path = self.path.clone();
        let sq = |e| StoreError::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(sq)?;
        type Contents = (Option<String>, Option<String>, [Option<f64>; 4]);
        let (identifier, description, [x0, x1, y0, y1]): Contents = tx
            .query_row(
                "SELECT identifier, description, min_x, max_x, min_y, max_y
                 FROM gpkg_contents WHERE table_name = ?1",
                [table],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?],
                    ))
                },
            )
            .optional()
            .map_err(sq)?
            .unwrap_or_default();
        let geometry_type: String = tx
            .query_row(
                "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?1",
                [table],
                |r| r.get(0),
            )
            .optional()
            .map_err(sq)?
            .unwrap_or_else(|| "GEOMETRY".into());
        let imported_at: Option<String> = tx
            .query_row(
                "SELECT imported_at FROM qn_reference_layers WHERE table_name = ?1",
                [table],
                |r| r.get(0),
            )
            .optional()
            .map_err(sq)?;
        let triggers: Vec<String> = tx
            .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1")
            .and_then(|mut st| {
                st.query_map([table], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .map_err(sq)?;
        for t in triggers {
            tx.execute_batch(&format!("DROP TRIGGER {}", ident(&t)))
                .map_err(sq)?;
        }
        let aside = new_aside_name();
        tx.execute_batch(&format!(
            "ALTER TABLE {} RENAME TO {}",
            ident(table),
            ident(&aside)
        ))
        .map_err(sq)?;
        let rtree = format!("rtree_{table}_geom");
        if table_exists(&tx, &rtree).map_err(sq)? {
            tx.execute_batch(&format!(
                "ALTER TABLE {} RENAME TO {}",
                ident(&rtree),
                ident(&aside_rtree(&aside))
            ))
            .map_err(sq)?;
        }
        for meta in [
            "gpkg_extensions",
            "gpkg_geometry_columns",
            "gpkg_contents",
            "qn_reference_layers",
        ] {
            tx.execute(
                &format!("DELETE FROM {meta} WHERE table_name = ?1"),
                [table],
            )
            .map_err(sq)?;
        }
        tx.commit().map_err(sq)?;
        let extent = match (x0, x1, y0, y1) {
            (Some(a), Some(b), Some(c), Some(d)) => Some([a, b, c, d]),
            _ => None,
        };
        Ok(AsideLayer {
            aside,
            table: table.to_string(),
            identifier: identifier.unwrap_or_else(|| layer.name.clone()),
            description: description.unwrap_or_default(),
            geometry_type,
            extent,
            source: layer.source,
            source_crs: layer.source_crs,
            color: layer.color,
            features: layer.features,
            imported_at,
        })
    }

    /// Brings a layer set aside (or freshly imported aside) into the project as the
    /// reference layer `layer.table`, in one transaction: renamed back, registered, its
    /// R-tree triggers made. Refused when the aside table is gone (the file was opened for
    /// editing elsewhere meanwhile) or its name or title is taken.
    pub fn bring_back_reference_layer(&mut self, layer: &AsideLayer) -> Result<(), StoreError> {
        self.guarded(|pf| pf.bring_back_inner(layer))
    }

    fn bring_back_inner(&mut self, a: &AsideLayer) -> Result<(), StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        self.backup_before_first_write()?;
        let path = self.path.clone();
        let sq = |e| StoreError::sqlite(&path, e);
        let refused = |msg: String| StoreError::BadValue {
            path: path.clone(),
            table: a.table.clone(),
            fid: 0,
            msg,
        };
        let tx = self.conn.transaction().map_err(sq)?;
        if !table_exists(&tx, &a.aside).map_err(sq)? {
            return Err(refused(
                "the layer's rows are no longer in the file (it was opened for editing elsewhere meanwhile)".into(),
            ));
        }
        let name_taken = tx
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE lower(name) = lower(?1)
                 UNION ALL SELECT 1 FROM gpkg_contents WHERE identifier = ?2",
                params![a.table, a.identifier],
                |_| Ok(()),
            )
            .optional()
            .map_err(sq)?
            .is_some();
        if name_taken {
            return Err(refused(format!(
                "a layer named {} or “{}” is already in the project",
                a.table, a.identifier
            )));
        }
        tx.execute_batch(REGISTRY).map_err(sq)?;
        tx.execute_batch(&format!(
            "ALTER TABLE {} RENAME TO {}",
            ident(&a.aside),
            ident(&a.table)
        ))
        .map_err(sq)?;
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id,
               min_x, max_x, min_y, max_y, last_change)
             VALUES (?1, 'features', ?2, ?3, 4326, ?4, ?5, ?6, ?7,
               strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
            params![
                a.table,
                a.identifier,
                a.description,
                a.extent.map(|e| e[0]),
                a.extent.map(|e| e[1]),
                a.extent.map(|e| e[2]),
                a.extent.map(|e| e[3]),
            ],
        )
        .map_err(sq)?;
        tx.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, 0, 0)",
            params![a.table, a.geometry_type],
        )
        .map_err(sq)?;
        let rtree = aside_rtree(&a.aside);
        if table_exists(&tx, &rtree).map_err(sq)? {
            tx.execute_batch(&format!(
                "ALTER TABLE {} RENAME TO {}",
                ident(&rtree),
                ident(&format!("rtree_{}_geom", a.table))
            ))
            .map_err(sq)?;
            schema::create_rtree_triggers(&tx, &a.table, "geom", "fid").map_err(sq)?;
        } else {
            schema::create_rtree(&tx, &a.table, "geom", "fid").map_err(sq)?;
            tx.execute_batch(&format!(
                "INSERT INTO {} SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom)
                 FROM {} WHERE geom NOT NULL AND NOT ST_IsEmpty(geom)",
                ident(&format!("rtree_{}_geom", a.table)),
                ident(&a.table)
            ))
            .map_err(sq)?;
        }
        tx.execute(
            "INSERT INTO qn_reference_layers (table_name, name, source, source_crs, color, features, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, strftime('%Y-%m-%dT%H:%M:%fZ','now')))",
            params![
                a.table,
                a.identifier,
                a.source,
                a.source_crs,
                a.color,
                a.features,
                a.imported_at
            ],
        )
        .map_err(sq)?;
        tx.commit().map_err(sq)?;
        Ok(())
    }

    /// Drops the tables of layers set aside by an earlier session (its history, which could
    /// have brought them back, ended with it). Called when a window takes the file's lock.
    pub(super) fn drop_aside_tables(&mut self) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let sq = |e| StoreError::sqlite(&path, e);
        let names = |tx: &rusqlite::Transaction, virtual_only: bool| {
            tx.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'qn_aside_*'
                 AND (?1 = 0 OR sql LIKE 'CREATE VIRTUAL%')",
            )
            .and_then(|mut st| {
                st.query_map([virtual_only], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
        };
        let tx = self.conn.transaction().map_err(sq)?;
        // The R-trees first: dropping one drops its shadow tables.
        let mut dropped = 0;
        for virtual_only in [true, false] {
            for t in names(&tx, virtual_only).map_err(sq)? {
                tx.execute_batch(&format!("DROP TABLE IF EXISTS {}", ident(&t)))
                    .map_err(sq)?;
                dropped += 1;
            }
        }
        tx.commit().map_err(sq)?;
        Ok(dropped)
    }

    /// The imported reference layers, in import order.
    /// The tables another program wrote into the project (a QGIS Processing result saved into
    /// the GeoPackage, a table added with GDAL): registered in `gpkg_contents` but neither a
    /// layer of qn-planner's nor a reference layer. qn-planner does not draw them; the window
    /// lists them and `import FILE FILE --layer TABLE --name NAME` makes one a reference
    /// layer.
    pub fn foreign_tables(&self) -> Result<Vec<ForeignTable>, StoreError> {
        let sq = |e| StoreError::sqlite(&self.path, e);
        let mut known: Vec<String> = super::schema::logged_tables()
            .into_iter()
            .map(|(t, _)| t.to_string())
            .collect();
        known.extend(
            [
                "industrial_centres",
                "qn_meta",
                "qn_reference_layers",
                "layer_styles",
                "scenarios",
                "scenario_phasing",
                "scenario_growth",
                "scenario_programme",
                "actuals",
                "rules",
                "document_figures",
                "admin_units",
                "admin_unit_changes",
                "admin_districts_2006",
            ]
            .map(String::from),
        );
        known.extend(self.reference_layers()?.into_iter().map(|r| r.table));
        let rows: Vec<(String, String)> = self
            .conn
            .prepare("SELECT table_name, data_type FROM gpkg_contents ORDER BY table_name")
            .map_err(sq)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|r| r.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(sq)?;
        let mut out = Vec::new();
        for (table, data_type) in rows {
            if known.contains(&table) || table.starts_with("qn_") {
                continue;
            }
            let count: i64 = self
                .conn
                .query_row(
                    &format!("SELECT count(*) FROM {}", ident(&table)),
                    [],
                    |r| r.get(0),
                )
                .unwrap_or(0);
            out.push(ForeignTable {
                features: data_type == "features",
                table,
                count,
            });
        }
        Ok(out)
    }

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

    /// The geometry type of the features [`Self::for_each_table_feature`] gives for `table`:
    /// a planning layer with drawn boundaries mixes points and polygons (`GEOMETRY`).
    pub fn feature_geometry_type_of(&self, table: &str) -> Result<&'static str, StoreError> {
        if let Some(b) = crate::model::Layer::from_table(table).and_then(|l| l.boundary_table()) {
            let any: bool = self
                .conn
                .query_row(
                    &format!("SELECT EXISTS (SELECT 1 FROM {})", ident(b)),
                    [],
                    |r| r.get(0),
                )
                .map_err(|e| StoreError::sqlite(&self.path, e))?;
            if any {
                return Ok("GEOMETRY");
            }
        }
        self.geometry_type_of(table)
    }

    /// Records that the reference layer `table` is now the shared layer `source` (its mark in
    /// the registry), so that a sync does not bring it in a second time.
    pub fn mark_layer_shared(&mut self, table: &str, source: &str) -> Result<(), StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        self.conn
            .execute(
                "UPDATE qn_reference_layers SET source = ?2 WHERE table_name = ?1",
                [table, source],
            )
            .map(|_| ())
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// Makes the reference layer `table` read-only for every SQLite client (QGIS, GDAL, the
    /// sqlite3 shell): a change is refused with `why`. For the layers a copy receives from the
    /// shared plan.
    pub fn make_layer_read_only(&mut self, table: &str, why: &str) -> Result<(), StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        let t = ident(table);
        let why = why.replace('\'', "''");
        let mut sql = String::new();
        for op in ["INSERT", "UPDATE", "DELETE"] {
            sql.push_str(&format!(
                "CREATE TRIGGER IF NOT EXISTS {} BEFORE {op} ON {t}
                 BEGIN SELECT RAISE(ABORT, '{why}'); END;",
                ident(&format!("qn_read_only_{table}_{}", op.to_ascii_lowercase()))
            ));
        }
        self.conn
            .execute_batch(&sql)
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// The geometry type name of feature table `table` (`POINT`, `MULTIPOLYGON`, …).
    pub fn geometry_type_of(&self, table: &str) -> Result<&'static str, StoreError> {
        let found: String = self
            .conn
            .query_row(
                "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?1",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        super::geometry_type_name(&found).ok_or_else(|| StoreError::BadGeometryType {
            path: self.path.clone(),
            table: table.to_string(),
            found,
        })
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

    /// Calls `f` with every feature of `table` in fid order: its fid, its attribute values (the
    /// columns of [`Self::attribute_columns`], in order) and its geometry blob as stored.
    /// `f` stops the walk by returning false.
    pub fn for_each_feature_row(
        &self,
        table: &str,
        f: &mut FeatureRowFn<'_>,
    ) -> Result<(), StoreError> {
        let p = &self.path;
        let sq = |e| StoreError::sqlite(p, e);
        let col = self.geometry_column_of(table)?;
        let attrs = self.attribute_columns(table)?;
        let mut list: Vec<String> = vec!["fid".into(), ident(&col)];
        list.extend(attrs.iter().map(|(n, _)| ident(n)));
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {} FROM {} ORDER BY fid",
                list.join(", "),
                ident(table)
            ))
            .map_err(sq)?;
        let mut rows = stmt.query([]).map_err(sq)?;
        let mut values = Vec::with_capacity(attrs.len());
        while let Some(r) = rows.next().map_err(sq)? {
            let fid: i64 = r.get(0).map_err(sq)?;
            let blob = r.get_ref(1).map_err(sq)?.as_blob_or_null().map_err(|e| {
                StoreError::sqlite(
                    p,
                    rusqlite::Error::FromSqlConversionFailure(
                        1,
                        rusqlite::types::Type::Blob,
                        Box::new(e),
                    ),
                )
            })?;
            values.clear();
            for i in 0..attrs.len() {
                let v: rusqlite::types::Value = r.get(i + 2).map_err(sq)?;
                values.push(v.into());
            }
            if !f(fid, &values, blob) {
                break;
            }
        }
        Ok(())
    }

    /// Calls `f` with the geometry (WGS84) of every feature of `table` that has one, in fid
    /// order, without reading the attributes (drawing needs only the shapes).
    pub fn for_each_table_geometry(
        &self,
        table: &str,
        f: &mut dyn FnMut(i64, geo_types::Geometry<f64>),
    ) -> Result<(), StoreError> {
        let p = &self.path;
        let sq = |e| StoreError::sqlite(p, e);
        let col = self.geometry_column_of(table)?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT fid, {} FROM {} WHERE {} NOT NULL ORDER BY rowid",
                ident(&col),
                ident(table),
                ident(&col)
            ))
            .map_err(sq)?;
        let mut rows = stmt.query([]).map_err(sq)?;
        while let Some(r) = rows.next().map_err(sq)? {
            let fid: i64 = r.get(0).map_err(sq)?;
            let blob: Vec<u8> = r.get(1).map_err(sq)?;
            if let Some(g) = self.decode_geom(table, fid, Some(&blob))? {
                f(fid, g);
            }
        }
        Ok(())
    }

    /// One row of feature table `table` (all its columns, named `names`; `col` the geometry)
    /// as a feature: fid, geometry (WGS84) and the other columns as attributes.
    fn row_feature(
        &self,
        table: &str,
        col: &str,
        names: &[String],
        r: &rusqlite::Row<'_>,
    ) -> Result<TableFeature, StoreError> {
        let mut feat = TableFeature {
            fid: 0,
            geom: None,
            attrs: Vec::new(),
        };
        for (i, name) in names.iter().enumerate() {
            let v: rusqlite::types::Value =
                r.get(i).map_err(|e| StoreError::sqlite(&self.path, e))?;
            if name.eq_ignore_ascii_case("fid") {
                if let rusqlite::types::Value::Integer(x) = v {
                    feat.fid = x;
                }
            } else if name == col {
                if let rusqlite::types::Value::Blob(b) = v {
                    feat.geom = self.decode_geom(table, feat.fid, Some(&b))?;
                }
            } else {
                feat.attrs.push((name.clone(), v.into()));
            }
        }
        Ok(feat)
    }

    /// The features of reference table `table` under a click at `lon`, `lat`: polygons that
    /// contain the point, and points and lines within `tol_m` metres of it; nearest first, at
    /// most `limit`. Candidates come from the table's R-tree, so a click costs the same in a
    /// layer of ten features or of a million.
    pub fn features_at(
        &self,
        table: &str,
        lon: f64,
        lat: f64,
        tol_m: f64,
        limit: usize,
    ) -> Result<Vec<TableFeature>, StoreError> {
        use geo::{Contains, Distance, Haversine};
        let p = &self.path;
        let sq = |e| StoreError::sqlite(p, e);
        let col = self.geometry_column_of(table)?;
        // Metres to degrees, generously (a degree of longitude is shorter than one of latitude).
        let dlat = tol_m / 110_000.0;
        let dlon = tol_m / (110_000.0 * lat.to_radians().cos().max(0.1));
        let rtree = format!("rtree_{table}_{col}");
        let has_rtree = self
            .conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [&rtree],
                |_| Ok(()),
            )
            .optional()
            .map_err(sq)?
            .is_some();
        let sql = if has_rtree {
            format!(
                "SELECT t.* FROM {} t JOIN {} r ON r.id = t.fid
                 WHERE r.maxx >= ?1 AND r.minx <= ?2 AND r.maxy >= ?3 AND r.miny <= ?4",
                ident(table),
                ident(&rtree)
            )
        } else {
            format!(
                "SELECT * FROM {} WHERE ?1 = ?1 AND ?2 = ?2 AND ?3 = ?3 AND ?4 = ?4",
                ident(table)
            )
        };
        let mut stmt = self.conn.prepare(&sql).map_err(sq)?;
        let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        let mut rows = stmt
            .query(rusqlite::params![
                lon - dlon,
                lon + dlon,
                lat - dlat,
                lat + dlat
            ])
            .map_err(sq)?;
        let at = geo_types::Point::new(lon, lat);
        let mut hits: Vec<(f64, TableFeature)> = Vec::new();
        while let Some(r) = rows.next().map_err(sq)? {
            let feat = self.row_feature(table, &col, &names, r)?;
            let Some(g) = &feat.geom else { continue };
            let d = match g {
                geo_types::Geometry::Polygon(_) | geo_types::Geometry::MultiPolygon(_)
                    if g.contains(&at) =>
                {
                    0.0
                }
                geo_types::Geometry::Point(q) => Haversine.distance(at, *q),
                other => {
                    // Lines, and polygons not under the click: the distance to the nearest
                    // segment, in degrees of latitude turned to metres (close enough to judge
                    // a few metres of tolerance on screen).
                    use geo::Euclidean;
                    Euclidean.distance(&at, other) * 110_000.0
                }
            };
            if d <= tol_m {
                hits.push((d, feat));
            }
        }
        hits.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(hits.into_iter().take(limit).map(|(_, f)| f).collect())
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
        // A planning layer's sites: the boundary where one is drawn, else the point.
        let boundary = crate::model::Layer::from_table(table).and_then(|l| l.boundary_table());
        let sql = match boundary {
            Some(b) => format!(
                "SELECT t.*, b.geom AS qn_boundary FROM {} t LEFT JOIN {} b ON b.site_key = t.site_key ORDER BY t.rowid",
                ident(table),
                ident(b)
            ),
            None => format!("SELECT * FROM {} ORDER BY rowid", ident(table)),
        };
        let mut stmt = self.conn.prepare(&sql).map_err(sq)?;
        let mut names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        if boundary.is_some() {
            names.pop();
        }
        let mut rows = stmt.query([]).map_err(sq)?;
        while let Some(r) = rows.next().map_err(sq)? {
            let mut feat = self.row_feature(table, &col, &names, r)?;
            if let Some(b) = boundary {
                let blob: Option<Vec<u8>> = r.get(names.len()).map_err(sq)?;
                if let Some(g) = self.decode_geom(b, feat.fid, blob.as_deref())? {
                    feat.geom = Some(match g {
                        geo_types::Geometry::MultiPolygon(mut mp) if mp.0.len() == 1 => {
                            geo_types::Geometry::Polygon(mp.0.remove(0))
                        }
                        g => g,
                    });
                }
            }
            f(feat)?;
        }
        Ok(())
    }
}

/// A feature table of a project file read on its own read-only connection, in one read
/// transaction (a worker drawing an export reads while the window keeps the file open): its
/// What [`ProjectFile::for_each_feature_row`] calls per feature: fid, attribute values,
/// geometry blob; false stops the walk.
pub type FeatureRowFn<'a> =
    dyn FnMut(i64, &[crate::model::value::Value], Option<&[u8]>) -> bool + 'a;

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
