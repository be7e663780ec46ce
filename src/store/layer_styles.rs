//! Layer styles in the GeoPackage's `layer_styles` table, as QGIS keeps them: one row per
//! feature table, QML in `styleQML`, `useAsDefault` set, so that QGIS opens the layer in our
//! look. A planning layer's style is written twice: for its point table (markers) and for its
//! boundary table (fills), which reads the site's fields through `site_key`.

use super::{ProjectFile, StoreError, finish_write, ident};
use crate::model::style::{LayerStyle, SITE_FIELDS};
use crate::model::{Layer, palette};
use crate::store::qml::{self, GeomKind};
use rusqlite::{OptionalExtension, params};
use std::collections::BTreeMap;

/// The name our rows carry in `styleName`.
pub const STYLE_NAME: &str = "qn-planner";

const CREATE: &str = "CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  f_table_catalog TEXT(256),
  f_table_schema TEXT(256),
  f_table_name TEXT(256),
  f_geometry_column TEXT(256),
  styleName TEXT(30),
  styleQML TEXT,
  styleSLD TEXT,
  useAsDefault BOOLEAN,
  description TEXT,
  owner TEXT(30),
  ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
  VALUES ('layer_styles', 'attributes', 'layer_styles', 'Layer styles (QGIS QML), written by qn-planner and QGIS');";

/// A table a style can belong to: its geometry kind and fields.
#[derive(Debug, Clone)]
pub struct StyleTarget {
    /// The table the style is keyed by (a planning layer's point table, or a reference table).
    pub table: String,
    pub kind: GeomKind,
    pub fields: Vec<String>,
    /// (field, numeric) for the style panel's choices.
    pub typed_fields: Vec<(String, bool)>,
}

impl ProjectFile {
    fn has_layer_styles(&self) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'layer_styles'",
                [],
                |_| Ok(()),
            )
            .optional()
            .map_err(|e| StoreError::sqlite(&self.path, e))?
            .is_some())
    }

    /// What a style for layer `table` (a planning layer's table or boundary table, or a
    /// reference layer) applies to; `None` when the file has no such layer.
    pub fn style_target(&self, table: &str) -> Result<Option<StyleTarget>, StoreError> {
        let planning = Layer::ALL
            .into_iter()
            .find(|l| l.table() == table || l.boundary_table() == Some(table));
        if let Some(l) = planning {
            let fields = SITE_FIELDS.iter().map(|(f, _)| f.to_string()).collect();
            return Ok(Some(StyleTarget {
                table: l.table().to_string(),
                kind: if l.holds_areas_only() {
                    GeomKind::Polygon
                } else {
                    GeomKind::Point
                },
                fields,
                typed_fields: SITE_FIELDS
                    .iter()
                    .map(|(f, n)| (f.to_string(), *n))
                    .collect(),
            }));
        }
        let p = &self.path;
        let Some(gtype) = self
            .conn
            .query_row(
                "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?1",
                [table],
                |r| r.get::<_, String>(0),
            )
            .optional()
            .map_err(|e| StoreError::sqlite(p, e))?
        else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare(&format!("PRAGMA table_info({})", ident(table)))
            .map_err(|e| StoreError::sqlite(p, e))?;
        let cols: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .and_then(|r| r.collect())
            .map_err(|e| StoreError::sqlite(p, e))?;
        let typed_fields: Vec<(String, bool)> = cols
            .into_iter()
            .filter(|(c, _)| c != "fid" && c != "geom")
            .map(|(c, t)| {
                let t = t.to_ascii_uppercase();
                let numeric = t.contains("INT")
                    || t.contains("REAL")
                    || t.contains("DOUBLE")
                    || t.contains("FLOAT")
                    || t.contains("NUMERIC");
                (c, numeric)
            })
            .collect();
        Ok(Some(StyleTarget {
            table: table.to_string(),
            kind: GeomKind::of_gpkg_type(&gtype),
            fields: typed_fields.iter().map(|(f, _)| f.clone()).collect(),
            typed_fields,
        }))
    }

    /// The look a layer has with no style of its own.
    pub fn default_style(&self, target: &StyleTarget) -> Result<LayerStyle, StoreError> {
        if let Some(l) = Layer::from_table(&target.table) {
            return Ok(LayerStyle::default_for(l));
        }
        let colour = self
            .reference_layers()?
            .into_iter()
            .find(|r| r.table == target.table)
            .and_then(|r| palette::parse_hex(&r.color))
            .unwrap_or([0x7a, 0x51, 0x95]);
        Ok(LayerStyle::default_reference(colour))
    }

    /// The QML of the default style row of `table`, if it has one.
    pub fn style_qml(&self, table: &str) -> Result<Option<String>, StoreError> {
        if !self.has_layer_styles()? {
            return Ok(None);
        }
        self.conn
            .query_row(
                "SELECT styleQML FROM layer_styles
                 WHERE f_table_name = ?1 AND useAsDefault AND styleQML IS NOT NULL
                 ORDER BY update_time DESC, id DESC LIMIT 1",
                [table],
                |r| r.get::<_, String>(0),
            )
            .optional()
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// The styles of every layer that has one, keyed by [`StyleTarget::table`]. A row that
    /// cannot be read (broken by another program) leaves its layer in its default look (see
    /// [`Self::style_problems`]).
    pub fn read_styles(&self) -> Result<BTreeMap<String, LayerStyle>, StoreError> {
        self.read_styles_noting(&mut |_, _| {})
    }

    /// Each stored style that cannot be read, with why: its layer is drawn in its default
    /// look, and whatever draws it says so.
    pub fn style_problems(&self) -> Result<Vec<(String, crate::store::qml::QmlError)>, StoreError> {
        let mut out = Vec::new();
        self.read_styles_noting(&mut |t, e| out.push((t.to_string(), e)))?;
        Ok(out)
    }

    fn read_styles_noting(
        &self,
        problem: &mut dyn FnMut(&str, crate::store::qml::QmlError),
    ) -> Result<BTreeMap<String, LayerStyle>, StoreError> {
        let mut out = BTreeMap::new();
        if !self.has_layer_styles()? {
            return Ok(out);
        }
        let mut tables: Vec<String> = Layer::ALL.iter().map(|l| l.table().to_string()).collect();
        tables.extend(self.reference_layers()?.into_iter().map(|r| r.table));
        for t in tables {
            let Some(target) = self.style_target(&t)? else {
                continue;
            };
            let boundary = Layer::from_table(&t).and_then(|l| l.boundary_table());
            let (qml, kind) = match self.style_qml(&t)? {
                Some(q) => (q, target.kind),
                None => match boundary.map(|b| self.style_qml(b)).transpose()?.flatten() {
                    Some(q) => (q, GeomKind::Polygon),
                    None => continue,
                },
            };
            let base = self.default_style(&target)?;
            match qml::read(&qml, &t, kind, &target.fields, &base) {
                Ok(r) => {
                    out.insert(t, r.style);
                }
                Err(e) => problem(&t, e),
            }
        }
        Ok(out)
    }

    /// Writes `style` as the default style of layer `table` (see [`StyleTarget`]), or with
    /// `None` takes the layer back to its default look. One transaction.
    pub fn put_style(&mut self, table: &str, style: Option<&LayerStyle>) -> Result<(), StoreError> {
        self.guarded(|pf| pf.put_style_inner(table, style))
    }

    fn put_style_inner(
        &mut self,
        table: &str,
        style: Option<&LayerStyle>,
    ) -> Result<(), StoreError> {
        let Some(target) = self.style_target(table)? else {
            return Err(StoreError::NoLayer {
                path: self.path.clone(),
                table: table.to_string(),
            });
        };
        let mut rows: Vec<(String, Option<String>)> = Vec::new();
        let layer = Layer::from_table(&target.table);
        rows.push((
            target.table.clone(),
            style.map(|s| qml::write(s, target.kind, None)),
        ));
        if let Some(b) = layer.and_then(|l| l.boundary_table()) {
            rows.push((
                b.to_string(),
                style.map(|s| qml::write(s, GeomKind::Polygon, Some(&target.table))),
            ));
        }
        let fold = self.log_fold();
        let (tx, path) = self.begin_write()?;
        let sq = |e| StoreError::sqlite(&path, e);
        tx.execute_batch(CREATE).map_err(sq)?;
        for (t, qml) in &rows {
            match qml {
                Some(q) => {
                    tx.execute(
                        "UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name = ?1 AND styleName IS NOT ?2",
                        params![t, STYLE_NAME],
                    )
                    .map_err(sq)?;
                    let n = tx
                        .execute(
                            "UPDATE layer_styles SET styleQML = ?2, useAsDefault = 1,
                               update_time = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                             WHERE f_table_name = ?1 AND styleName = ?3",
                            params![t, q, STYLE_NAME],
                        )
                        .map_err(sq)?;
                    if n == 0 {
                        tx.execute(
                            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name,
                               f_geometry_column, styleName, styleQML, styleSLD, useAsDefault,
                               description, owner, ui)
                             VALUES ('', '', ?1, 'geom', ?2, ?3, '', 1, ?4, '', NULL)",
                            params![t, STYLE_NAME, q, "qn-planner layer style"],
                        )
                        .map_err(sq)?;
                    }
                }
                None => {
                    tx.execute(
                        "DELETE FROM layer_styles WHERE f_table_name = ?1 AND styleName = ?2",
                        params![t, STYLE_NAME],
                    )
                    .map_err(sq)?;
                    tx.execute(
                        "UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name = ?1",
                        params![t],
                    )
                    .map_err(sq)?;
                }
            }
        }
        finish_write(tx, &["layer_styles"], fold).map_err(sq)?;
        Ok(())
    }
}
