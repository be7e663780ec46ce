//! Writing a new reference layer aside, batch by batch in a transaction of its own, before an
//! edit brings it into the project (or a dropped writer leaves the file as it was).

use super::*;
use crate::model::value::{FieldType, Value};
use crate::store::batch::Batch;
use crate::store::{ProjectFile, StoreError, ident};
use rusqlite::OptionalExtension;

/// Writes the batches of one import into a new feature table.
pub(super) struct TableWriter {
    /// The project file, for messages.
    path: std::path::PathBuf,
    table: String,
    /// Column names (unique, clear of fid and geom) and the types they were created with.
    cols: Vec<(String, FieldType)>,
    /// The geometry type the table was created with (none before it is).
    created: Option<&'static str>,
    envelopes: Vec<crate::store::rtree::Cell>,
    extent: Option<[f64; 4]>,
    written: u64,
}

impl TableWriter {
    fn add_column(&mut self, field: &str, t: FieldType) -> String {
        let mut c = field.to_string();
        let mut i = 2;
        while c.eq_ignore_ascii_case("fid")
            || c.eq_ignore_ascii_case("geom")
            || self.cols.iter().any(|(o, _)| o.eq_ignore_ascii_case(&c))
        {
            c = format!("{field}_{i}");
            i += 1;
        }
        self.cols.push((c.clone(), t));
        c
    }

    fn insert_sql(&self) -> String {
        format!(
            "INSERT INTO {} (fid, geom{}) VALUES (?1, ?2{})",
            ident(&self.table),
            self.cols
                .iter()
                .map(|(c, _)| format!(", {}", ident(c)))
                .collect::<String>(),
            (0..self.cols.len())
                .map(|i| format!(", ?{}", i + 3))
                .collect::<String>()
        )
    }

    fn write(&mut self, tx: &rusqlite::Transaction, batch: &Batch) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sq = |e: rusqlite::Error| StoreError::sqlite(&path, e);
        if self.created.is_none() {
            let gt = batch.geometry_type.unwrap_or("GEOMETRY");
            let mut ddl = format!(
                "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {gt}",
                ident(&self.table)
            );
            for (f, t) in &batch.new_fields {
                let c = self.add_column(f, *t);
                ddl.push_str(&format!(", {} {}", ident(&c), t.sql()));
            }
            ddl.push(')');
            tx.execute_batch(&ddl).map_err(sq)?;
            self.created = Some(gt);
        } else {
            for (f, t) in &batch.new_fields {
                let c = self.add_column(f, *t);
                tx.execute_batch(&format!(
                    "ALTER TABLE {} ADD COLUMN {} {}",
                    ident(&self.table),
                    ident(&c),
                    t.sql()
                ))
                .map_err(sq)?;
            }
        }
        let mut stmt = tx.prepare_cached(&self.insert_sql()).map_err(sq)?;
        let ncols = self.cols.len();
        for row in &batch.rows {
            self.written += 1;
            let fid = i64::try_from(self.written).unwrap_or(i64::MAX);
            stmt.raw_bind_parameter(1, fid).map_err(sq)?;
            stmt.raw_bind_parameter(2, row.blob.as_deref())
                .map_err(sq)?;
            let mut values = row.values.iter();
            for i in 0..ncols {
                // Bound by reference: the batch goes back to the reading thread to be freed.
                let r = match values.next() {
                    None | Some(Value::Null) => {
                        stmt.raw_bind_parameter(i + 3, rusqlite::types::Null)
                    }
                    Some(Value::Int(v)) => stmt.raw_bind_parameter(i + 3, v),
                    Some(Value::Real(v)) => stmt.raw_bind_parameter(i + 3, v),
                    Some(Value::Text(t)) => stmt.raw_bind_parameter(i + 3, t.as_str()),
                };
                r.map_err(sq)?;
            }
            stmt.raw_execute().map_err(sq)?;
            if let Some(e) = row.envelope {
                self.envelopes
                    .extend(crate::store::rtree::Cell::new(fid, e));
                let x = self.extent.get_or_insert(e);
                *x = [
                    x[0].min(e[0]),
                    x[1].max(e[1]),
                    x[2].min(e[2]),
                    x[3].max(e[3]),
                ];
            }
        }
        Ok(())
    }

    /// Gives every column the type of all its values: a column created from the first
    /// values that later met wider ones (reals after integers, text after numbers) is
    /// rebuilt with the right declared type.
    fn finish(
        &mut self,
        tx: &rusqlite::Transaction,
        fields: &[(String, FieldType)],
        geometry_type: &str,
    ) -> rusqlite::Result<()> {
        if self.created.is_none() {
            tx.execute_batch(&format!(
                "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom GEOMETRY)",
                ident(&self.table)
            ))?;
            self.created = Some("GEOMETRY");
        }
        let mut changed = false;
        for ((_, t), (_, f)) in self.cols.iter_mut().zip(fields) {
            if t != f {
                *t = *f;
                changed = true;
            }
        }
        if !changed && self.created == Some(geometry_type) {
            return Ok(());
        }
        // Rebuild with the final types (and the geometry type, declared on the column
        // as GDAL does).
        let t = ident(&self.table);
        let tmp = ident(&format!("{}__qn_rebuild", self.table));
        let mut ddl = format!(
            "CREATE TABLE {tmp} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {geometry_type}"
        );
        let mut list = String::from("fid, geom");
        for (c, ty) in &self.cols {
            ddl.push_str(&format!(", {} {}", ident(c), ty.sql()));
            let col = ident(c);
            list.push_str(", ");
            list.push_str(&match ty {
                FieldType::Text => format!("CAST({col} AS TEXT)"),
                _ => col,
            });
        }
        ddl.push(')');
        tx.execute_batch(&ddl)?;
        tx.execute_batch(&format!(
            "INSERT INTO {tmp} SELECT {list} FROM {t}; DROP TABLE {t}; ALTER TABLE {tmp} RENAME TO {t};"
        ))?;
        Ok(())
    }
}

/// A new reference layer being written aside, in a transaction of its own: [`AsideWriter::write`]
/// each batch, then [`AsideWriter::finish`]. Dropped unfinished, it leaves the file as it was.
pub struct AsideWriter<'a> {
    tx: rusqlite::Transaction<'a>,
    w: TableWriter,
    path: std::path::PathBuf,
    aside: String,
    table: String,
    name: String,
}

impl ProjectFile {
    /// Whether a layer of the project already has the title `name`.
    pub fn layer_title_taken(&self, name: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM gpkg_contents WHERE identifier = ?1",
                [name],
                |_| Ok(()),
            )
            .optional()
            .map_err(|e| StoreError::sqlite(&self.path, e))?
            .is_some())
    }

    /// Starts writing a new reference layer titled `name` (NFC, not empty) aside: its table
    /// in the project will be a free name made from `name` (see [`table_name_for`]).
    pub fn begin_aside(&mut self, name: &str) -> Result<AsideWriter<'_>, StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        self.backup_before_first_write()?;
        let path = self.path.clone();
        let sq = |e: rusqlite::Error| StoreError::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(sq)?;
        tx.execute_batch(REGISTRY).map_err(sq)?;
        let base = table_name_for(name);
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
        let aside = new_aside_name();
        Ok(AsideWriter {
            tx,
            w: TableWriter {
                path: path.clone(),
                table: aside.clone(),
                cols: Vec::new(),
                created: None,
                envelopes: Vec::new(),
                extent: None,
                written: 0,
            },
            path,
            aside,
            table,
            name: name.to_string(),
        })
    }
}

impl AsideWriter<'_> {
    /// The layer's table once it is brought into the project.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Writes one batch (creating the table, or adding the columns it brings); returns the
    /// number of features written so far.
    pub fn write(&mut self, batch: &Batch) -> Result<u64, StoreError> {
        self.w.write(&self.tx, batch)?;
        Ok(self.w.written)
    }

    /// Gives the columns their final types (`fields`, every field with the type of all its
    /// values) and the geometry column `geometry_type`, builds the R-tree and commits.
    pub fn finish(
        mut self,
        fields: &[(String, FieldType)],
        geometry_type: &str,
        about: AsideAbout,
    ) -> Result<AsideLayer, StoreError> {
        let path = self.path.clone();
        let sq = |e: rusqlite::Error| StoreError::sqlite(&path, e);
        self.w.finish(&self.tx, fields, geometry_type).map_err(sq)?;
        let rtree = aside_rtree(&self.aside);
        self.tx
            .execute_batch(&format!(
                "CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy)",
                ident(&rtree)
            ))
            .map_err(sq)?;
        crate::store::rtree::bulk_load(&self.tx, &rtree, &mut self.w.envelopes).map_err(sq)?;
        self.w.envelopes = Vec::new();
        self.tx.commit().map_err(sq)?;
        Ok(AsideLayer {
            aside: self.aside,
            table: self.table,
            identifier: self.name,
            description: about.description,
            geometry_type: geometry_type.to_string(),
            extent: self.w.extent,
            source: about.source,
            source_crs: about.source_crs,
            color: about.color,
            features: i64::try_from(self.w.written).unwrap_or(i64::MAX),
            imported_at: None,
        })
    }
}
