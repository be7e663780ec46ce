//! Reading a reference layer on a connection of its own (a worker thread): R-tree entries in
//! a window, and the geometry of a feature.

use crate::store::{StoreError, ident};
use rusqlite::OptionalExtension;

/// R-tree entries in a window, and the geometry of a feature.
pub struct LayerReader {
    conn: rusqlite::Connection,
    path: std::path::PathBuf,
    table: String,
}

impl LayerReader {
    pub fn open(path: &std::path::Path, table: &str) -> Result<LayerReader, StoreError> {
        let sq = |e| StoreError::sqlite(path, e);
        let conn = rusqlite::Connection::open_with_flags(
            crate::fsutil::for_sqlite(path),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .map_err(sq)?;
        // One read transaction for the whole layer, not a lock per query.
        conn.execute_batch("BEGIN").map_err(sq)?;
        Ok(LayerReader {
            conn,
            path: path.to_path_buf(),
            table: table.to_string(),
        })
    }

    /// The (fid, [min x, max x, min y, max y]) of every feature whose box meets `window`
    /// (lon/lat; `None`: all), from the R-tree alone.
    pub fn entries(&self, window: Option<[f64; 4]>) -> Result<Vec<(i64, [f64; 4])>, StoreError> {
        let mut out = Vec::new();
        crate::store::rtree::for_each_entry(
            &self.conn,
            &format!("rtree_{}_geom", self.table),
            window,
            &mut |id, b| out.push((id, b)),
        )
        .map_err(|e| StoreError::sqlite(&self.path, e))?;
        Ok(out)
    }

    /// The geometry of feature `fid` (`None`: no such feature, no geometry, or one that does
    /// not decode).
    pub fn geometry(&self, fid: i64) -> Result<Option<geo_types::Geometry<f64>>, StoreError> {
        let blob: Option<Vec<u8>> = self
            .conn
            .prepare_cached(&format!(
                "SELECT geom FROM {} WHERE fid = ?1",
                ident(&self.table)
            ))
            .and_then(|mut st| st.query_row([fid], |r| r.get(0)).optional())
            .map_err(|e| StoreError::sqlite(&self.path, e))?
            .flatten();
        Ok(blob
            .and_then(|b| crate::store::geom::decode(&b).ok())
            .and_then(|d| d.geometry))
    }

    /// Every feature's geometry blob, in table order, calling `each(fid, blob)`.
    pub fn scan(&self, each: &mut dyn FnMut(i64, &[u8])) -> Result<(), StoreError> {
        let sq = |e| StoreError::sqlite(&self.path, e);
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT fid, geom FROM {} WHERE geom IS NOT NULL",
                ident(&self.table)
            ))
            .map_err(sq)?;
        let mut rows = st.query([]).map_err(sq)?;
        while let Some(r) = rows.next().map_err(sq)? {
            let fid: i64 = r.get(0).map_err(sq)?;
            if let rusqlite::types::ValueRef::Blob(b) = r.get_ref(1).map_err(sq)? {
                each(fid, b);
            }
        }
        Ok(())
    }

    /// Every feature's value of `field`, calling `each(fid, value)`.
    pub fn values(
        &self,
        field: &str,
        each: &mut dyn FnMut(i64, &crate::model::style::Value),
    ) -> Result<(), StoreError> {
        use crate::model::style::Value;
        use rusqlite::types::ValueRef;
        let sq = |e| StoreError::sqlite(&self.path, e);
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT fid, {} FROM {}",
                ident(field),
                ident(&self.table)
            ))
            .map_err(sq)?;
        let mut rows = st.query([]).map_err(sq)?;
        // One value reused row after row: no allocation per feature.
        let mut v = Value::Null;
        while let Some(r) = rows.next().map_err(sq)? {
            let fid: i64 = r.get(0).map_err(sq)?;
            match r.get_ref(1).map_err(sq)? {
                ValueRef::Null | ValueRef::Blob(_) => v = Value::Null,
                ValueRef::Integer(i) => v = Value::Num(i as f64),
                ValueRef::Real(f) => v = Value::Num(f),
                ValueRef::Text(t) => {
                    let t = String::from_utf8_lossy(t);
                    match &mut v {
                        Value::Text(s) => {
                            s.clear();
                            s.push_str(&t);
                        }
                        _ => v = Value::Text(t.into_owned()),
                    }
                }
            }
            each(fid, &v);
        }
        Ok(())
    }
}

impl LayerReader {
    /// The layer's attribute columns (not its fid or geometry), in table order.
    pub fn columns(&self) -> Result<Vec<String>, StoreError> {
        let sq = |e| StoreError::sqlite(&self.path, e);
        let geometry: Option<String> = self
            .conn
            .query_row(
                "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?1",
                [&self.table],
                |r| r.get(0),
            )
            .optional()
            .map_err(sq)?;
        Ok(self
            .conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
            .and_then(|mut st| {
                st.query_map([&self.table], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(sq)?
            .into_iter()
            .filter(|c| !c.eq_ignore_ascii_case("fid") && Some(c) != geometry.as_ref())
            .collect())
    }

    /// Every feature of the table in fid order: `each` gets the row of its fid then `columns`.
    fn walk(
        &self,
        columns: &[String],
        each: &mut dyn FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<()>,
    ) -> Result<(), StoreError> {
        let sq = |e| StoreError::sqlite(&self.path, e);
        let mut list = vec!["fid".to_string()];
        list.extend(columns.iter().map(|c| ident(c)));
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT {} FROM {} ORDER BY fid",
                list.join(", "),
                ident(&self.table)
            ))
            .map_err(sq)?;
        let mut rows = st.query([]).map_err(sq)?;
        while let Some(r) = rows.next().map_err(sq)? {
            each(r).map_err(sq)?;
        }
        Ok(())
    }

    /// Every feature's values of `columns` in fid order, calling `each(fid, values)` (one
    /// buffer reused: no allocation per feature beyond its texts).
    pub fn rows(
        &self,
        columns: &[String],
        each: &mut dyn FnMut(i64, &[crate::model::style::Value]),
    ) -> Result<(), StoreError> {
        use crate::model::style::Value;
        use rusqlite::types::ValueRef;
        let mut values = vec![Value::Null; columns.len()];
        self.walk(columns, &mut |r| {
            for (i, v) in values.iter_mut().enumerate() {
                *v = match r.get_ref(i + 1)? {
                    ValueRef::Null | ValueRef::Blob(_) => Value::Null,
                    ValueRef::Integer(n) => Value::Num(n as f64),
                    ValueRef::Real(x) => Value::Num(x),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                };
            }
            each(r.get(0)?, &values);
            Ok(())
        })
    }

    /// Every feature's attribute values as text (numbers written out, empty for null or a
    /// blob), in column order, calling `each(fid, values)` in table order.
    pub fn texts(&self, each: &mut dyn FnMut(i64, &[String])) -> Result<(), StoreError> {
        use rusqlite::types::ValueRef;
        let columns = self.columns()?;
        let mut values = vec![String::new(); columns.len()];
        self.walk(&columns, &mut |r| {
            for (i, v) in values.iter_mut().enumerate() {
                v.clear();
                match r.get_ref(i + 1)? {
                    ValueRef::Null | ValueRef::Blob(_) => {}
                    ValueRef::Integer(n) => v.push_str(&n.to_string()),
                    ValueRef::Real(x) => v.push_str(&x.to_string()),
                    ValueRef::Text(t) => v.push_str(&String::from_utf8_lossy(t)),
                }
            }
            each(r.get(0)?, &values);
            Ok(())
        })
    }
}
