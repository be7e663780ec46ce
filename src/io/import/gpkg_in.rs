//! A layer of another GeoPackage as an import source: its layers listed, its features read in
//! its declared coordinate system.

use super::*;
use crate::io::crs::Crs;
use crate::model::text::nfc;
use std::path::{Path, PathBuf};

/// The feature tables of a GeoPackage.
pub fn gpkg_layers(path: &Path) -> Result<Vec<String>, ImportError> {
    let c = open_gpkg(path)?;
    let mut stmt = c
        .prepare(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name",
        )
        .map_err(|e| io_err(path, e))?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|r| r.collect::<Result<Vec<_>, _>>())
        .map_err(|e| io_err(path, e))?;
    Ok(rows)
}

pub(super) fn open_gpkg(path: &Path) -> Result<rusqlite::Connection, ImportError> {
    let c = rusqlite::Connection::open_with_flags(
        crate::fsutil::for_sqlite(path),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .map_err(|e| io_err(path, e))?;
    c.query_row("SELECT count(*) FROM gpkg_contents", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|_| bad(At::File(path.display().to_string()), Problem::NotGeoPackage))?;
    Ok(c)
}

/// A feature table of another GeoPackage, read in pages of rows by rowid.
pub(super) struct GpkgIn {
    pub(super) conn: rusqlite::Connection,
    pub(super) path: PathBuf,
    pub(super) select: String,
    pub(super) names: Vec<String>,
    pub(super) gi: Option<usize>,
    pub(super) last: i64,
    pub(super) page: std::collections::VecDeque<RawFeature>,
    pub(super) done: bool,
    pub(super) crs: Crs,
    pub(super) total: u64,
}

impl GpkgIn {
    pub(super) fn open(path: &Path, layer: &str) -> Result<GpkgIn, ImportError> {
        let conn = open_gpkg(path)?;
        let (col, srs): (String, i64) = conn
            .query_row(
                "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
                [layer],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|_| {
                bad(
                    At::File(path.display().to_string()),
                    Problem::NoFeatureTable(layer.to_string()),
                )
            })?;
        let crs = match u32::try_from(srs).ok().and_then(Crs::from_epsg) {
            Some(c) => c,
            None => {
                let (org, code): (String, i64) = conn
                    .query_row(
                        "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
                        [srs],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .unwrap_or_default();
                match (org.eq_ignore_ascii_case("epsg"))
                    .then(|| u32::try_from(code).ok().and_then(Crs::from_epsg))
                    .flatten()
                {
                    Some(c) => c,
                    None => {
                        return Err(ImportError::UnreadSrs {
                            layer: layer.to_string(),
                            srs,
                            org: org.to_string(),
                            code,
                        });
                    }
                }
            }
        };
        let q = crate::store::ident;
        let names: Vec<String> = conn
            .prepare(&format!("SELECT * FROM {} LIMIT 0", q(layer)))
            .map_err(|e| io_err(path, e))?
            .column_names()
            .map(|s| s.to_string())
            .collect();
        let gi = names.iter().position(|n| *n == col);
        let total: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {}", q(layer)), [], |r| {
                r.get(0)
            })
            .map_err(|e| io_err(path, e))?;
        Ok(GpkgIn {
            select: format!(
                "SELECT rowid, * FROM {} WHERE rowid > ?1 ORDER BY rowid LIMIT 2000",
                q(layer)
            ),
            conn,
            path: path.to_path_buf(),
            names,
            gi,
            last: i64::MIN,
            page: Default::default(),
            done: false,
            crs,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    pub(super) fn next(&mut self, n: u64) -> Result<Option<RawFeature>, ImportError> {
        if self.page.is_empty() && !self.done {
            self.read_page(n)?;
        }
        Ok(self.page.pop_front())
    }

    pub(super) fn read_page(&mut self, first: u64) -> Result<(), ImportError> {
        let path = &self.path;
        let mut stmt = self
            .conn
            .prepare_cached(&self.select)
            .map_err(|e| io_err(path, e))?;
        let mut rows = stmt.query([self.last]).map_err(|e| io_err(path, e))?;
        let mut n = first;
        while let Some(r) = rows.next().map_err(|e| io_err(path, e))? {
            self.last = r.get(0).map_err(|e| io_err(path, e))?;
            let mut geom = None;
            let mut attrs = Vec::new();
            for (i, name) in self.names.iter().enumerate() {
                let v: rusqlite::types::Value = r.get(i + 1).map_err(|e| io_err(path, e))?;
                if Some(i) == self.gi {
                    if let rusqlite::types::Value::Blob(b) = v {
                        let d = crate::store::geom::decode(&b)
                            .map_err(|e| bad(At::feature(n), Problem::BadGeometry(e)))?;
                        geom = d.geometry;
                    }
                    continue;
                }
                if name.eq_ignore_ascii_case("fid") {
                    continue;
                }
                attrs.push((
                    nfc(name),
                    match Value::from(v) {
                        Value::Text(t) => Value::Text(nfc(&t)),
                        other => other,
                    },
                ));
            }
            self.page.push_back(RawFeature { geom, attrs });
            n += 1;
        }
        if n == first {
            self.done = true;
        }
        Ok(())
    }
}
