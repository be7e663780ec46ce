//! The shared side of a project file: its change log (`qn_oplog`, read as
//! [`crate::model::oplog::Operation`]s), and its shared tables read whole for publishing
//! (`SharedTable`) and replaced whole by a clone of the shared plan (`replace_shared`).

use super::{ProjectFile, StoreError};
use rusqlite::{OptionalExtension, params};

/// One row of the change log as stored (values as SQLite holds them).
pub(crate) struct RawOp {
    pub seq: i64,
    /// As a UUID text.
    pub op_key: String,
    pub table: String,
    pub record_key: String,
    pub kind: crate::model::oplog::OpKind,
    pub field: String,
    pub before: rusqlite::types::Value,
    pub after: rusqlite::types::Value,
    pub author: Option<String>,
    pub at: String,
}

/// The columns [`ProjectFile::raw_ops`] reads, in its order.
pub(crate) const RAW_OP_COLUMNS: &str =
    "seq, op_key, tbl, record_key, kind, field, before, after, author, at";

impl ProjectFile {
    /// The log rows `sql` selects (its columns [`RAW_OP_COLUMNS`], in that order).
    pub(crate) fn raw_ops(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<RawOp>, StoreError> {
        use crate::model::oplog::OpKind;
        let p = &self.path;
        let sq = |e| StoreError::sqlite(p, e);
        let mut stmt = self.conn.prepare(sql).map_err(sq)?;
        let rows = stmt
            .query_map(params, |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    op_key_text(&r.get::<_, Vec<u8>>(1)?),
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, rusqlite::types::Value>(6)?,
                    r.get::<_, rusqlite::types::Value>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, String>(9)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(sq)?;
        rows.into_iter()
            .map(
                |(seq, op_key, table, record_key, kind, field, before, after, author, at)| {
                    let kind = OpKind::parse(&kind).ok_or_else(|| StoreError::BadValue {
                        path: p.clone(),
                        table: "qn_oplog".into(),
                        fid: seq,
                        msg: format!("unknown operation kind {kind:?}"),
                    })?;
                    Ok(RawOp {
                        seq,
                        op_key,
                        table,
                        record_key,
                        kind,
                        field,
                        before,
                        after,
                        author,
                        at,
                    })
                },
            )
            .collect()
    }

    /// The change log, oldest first: every operation after `since` (a `seq`), or only those
    /// of the record `record_key` (a site and its boundary share the key); at most `limit`,
    /// the newest when there are more.
    pub fn operations(
        &self,
        record_key: Option<&str>,
        since: i64,
        limit: usize,
    ) -> Result<Vec<crate::model::oplog::Operation>, StoreError> {
        use crate::model::oplog::{LogValue, Operation};
        let value = |v: rusqlite::types::Value, field: &str| -> LogValue {
            use rusqlite::types::Value as S;
            match v {
                S::Null => LogValue::Null,
                S::Integer(i) => LogValue::Int(i),
                S::Real(r) => LogValue::Real(r),
                S::Text(t) => LogValue::Text(t),
                S::Blob(b) if field == "geom" => {
                    LogValue::Geometry(super::geom::decode(&b).ok().and_then(|d| d.geometry))
                }
                S::Blob(_) => LogValue::Geometry(None),
            }
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.raw_ops(
            &format!(
                "SELECT * FROM (
                   SELECT {RAW_OP_COLUMNS}
                   FROM qn_oplog WHERE seq > ?1 AND (?2 IS NULL OR record_key = ?2)
                   ORDER BY seq DESC LIMIT ?3)
                 ORDER BY seq"
            ),
            params![since, record_key, limit],
        )?;
        Ok(rows
            .into_iter()
            .map(|o| Operation {
                seq: o.seq,
                op_key: o.op_key,
                before: value(o.before, &o.field),
                after: value(o.after, &o.field),
                table: o.table,
                record_key: o.record_key,
                kind: o.kind,
                field: o.field,
                author: o.author,
                at: o.at,
            })
            .collect())
    }
}

/// An operation key (16 random bytes) written as a UUID is: 8-4-4-4-12 hexadecimal digits.
pub(crate) fn op_key_text(b: &[u8]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    if hex.len() != 32 {
        return hex;
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A WKB geometry (as a conflict or a sync carries it) read as a geometry.
pub fn geometry_of_wkb(wkb: &[u8]) -> Option<geo_types::Geometry<f64>> {
    let blob = gpkg_blob(wkb).ok()?;
    super::geom::decode(&blob).ok()?.geometry
}

/// A value of a shared table as it leaves the file: a geometry as its WKB (the GeoPackage
/// header taken off).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Cell {
    #[default]
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Wkb(Vec<u8>),
}

/// A column of a shared table: its name, declared type and, for the geometry column, its
/// geometry type (`POINT`, `MULTIPOLYGON`…).
#[derive(Debug, Clone, PartialEq)]
pub struct SharedColumn {
    pub name: String,
    pub decl: String,
    /// The geometry type of the geometry column (a GeoPackage name, see
    /// [`super::geometry_type_name`]).
    pub geometry: Option<&'static str>,
    /// Declared NOT NULL in the GeoPackage.
    pub not_null: bool,
}

/// One shared table as it is now: its columns (without the local ids `fid`, `scenario_id`
/// and `site_fid`) and its rows that have a key.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedTable {
    pub table: String,
    pub key: String,
    pub columns: Vec<SharedColumn>,
    pub rows: Vec<Vec<Cell>>,
    /// Rows left out because they have no key (a boundary drawn in QGIS and never linked).
    pub unkeyed: usize,
}

impl ProjectFile {
    /// The tables a shared plan holds, each with the column of its stable key.
    pub fn shared_tables(&self) -> Vec<(&'static str, &'static str)> {
        super::schema::logged_tables()
    }

    /// Reads the shared table `table` (key in `key`) whole.
    pub fn read_shared_table(&self, table: &str, key: &str) -> Result<SharedTable, StoreError> {
        self.read_shared_rows(table, key, None)
    }

    /// Reads the rows of `table` whose key is one of `keys` (all rows with a key for `None`).
    pub(crate) fn read_shared_rows(
        &self,
        table: &str,
        key: &str,
        keys: Option<&[String]>,
    ) -> Result<SharedTable, StoreError> {
        let p = &self.path;
        let sq = |e| StoreError::sqlite(p, e);
        let geometry: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT column_name, geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?1",
                [table],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(sq)?;
        // The declared type reaches PostgreSQL's DDL: only a GeoPackage geometry type does.
        let geometry: Option<(String, &'static str)> = match geometry {
            None => None,
            Some((column, found)) => match super::geometry_type_name(&found) {
                Some(t) => Some((column, t)),
                None => {
                    return Err(StoreError::BadGeometryType {
                        path: p.clone(),
                        table: table.to_string(),
                        found,
                    });
                }
            },
        };
        let columns: Vec<SharedColumn> = self
            .conn
            .prepare("SELECT name, type, \"notnull\" FROM pragma_table_info(?1) ORDER BY cid")
            .map_err(sq)?
            .query_map([table], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)? != 0,
                ))
            })
            .and_then(|r| r.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(sq)?
            .into_iter()
            .filter(|(n, _, _)| !matches!(n.as_str(), "fid" | "scenario_id" | "site_fid"))
            .map(|(name, decl, not_null)| SharedColumn {
                not_null,
                geometry: geometry
                    .as_ref()
                    .filter(|(g, _)| *g == name)
                    .map(|(_, t)| *t),
                name,
                decl,
            })
            .collect();
        let list: Vec<String> = columns.iter().map(|c| super::ident(&c.name)).collect();
        let filter = match keys {
            Some(_) => format!(
                " WHERE {} IN (SELECT value FROM json_each(?1))",
                super::ident(key)
            ),
            None => String::new(),
        };
        let sql = format!(
            "SELECT {}, {} IS NULL FROM {}{filter} ORDER BY fid",
            list.join(", "),
            super::ident(key),
            super::ident(table)
        );
        let mut stmt = self.conn.prepare(&sql).map_err(sq)?;
        let n = columns.len();
        let mut rows = Vec::new();
        let mut unkeyed = 0;
        let mut q = match keys {
            Some(k) => {
                let list = serde_json::to_string(k).unwrap_or_else(|_| "[]".into());
                stmt.query([list])
            }
            None => stmt.query([]),
        }
        .map_err(sq)?;
        while let Some(r) = q.next().map_err(sq)? {
            if r.get::<_, bool>(n).map_err(sq)? {
                unkeyed += 1;
                continue;
            }
            let mut row = Vec::with_capacity(n);
            for (i, c) in columns.iter().enumerate() {
                use rusqlite::types::Value as V;
                row.push(match r.get::<_, V>(i).map_err(sq)? {
                    V::Null => Cell::Null,
                    V::Integer(v) => Cell::Int(v),
                    V::Real(v) => Cell::Real(v),
                    V::Text(t) => Cell::Text(t),
                    V::Blob(b) if c.geometry.is_some() => {
                        let (_, _, empty, at) =
                            super::geom::decode_header(&b).map_err(|err| StoreError::Geometry {
                                path: p.clone(),
                                table: table.into(),
                                fid: 0,
                                err,
                            })?;
                        if empty {
                            Cell::Null
                        } else {
                            Cell::Wkb(b[at..].to_vec())
                        }
                    }
                    V::Blob(_) => Cell::Null,
                });
            }
            rows.push(row);
        }
        Ok(SharedTable {
            table: table.to_string(),
            key: key.to_string(),
            columns,
            rows,
            unkeyed,
        })
    }
}

impl ProjectFile {
    /// Replaces every shared table by `tables` (as read from the shared plan), in one
    /// transaction: the local ids are made anew (a scenario's rows find their scenario by
    /// `scenario_key`, a phasing row its site by `site_key`), geometries get their GeoPackage
    /// header and envelope, extents are recomputed. The change log is emptied and the file
    /// compacted: a copy starts from the plan as it is.
    pub fn replace_shared(&mut self, tables: &[SharedTable]) -> Result<(), StoreError> {
        self.guarded(|pf| pf.replace_shared_inner(tables))
    }

    fn replace_shared_inner(&mut self, tables: &[SharedTable]) -> Result<(), StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        let path = self.path.clone();
        let sq = |e| StoreError::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(sq)?;
        // Children first out, parents first in.
        for t in tables.iter().rev() {
            tx.execute_batch(&format!("DELETE FROM {}", super::ident(&t.table)))
                .map_err(sq)?;
        }
        for t in tables {
            for row in &t.rows {
                insert_shared_row(&tx, &t.table, &t.columns, row).map_err(|e| match e {
                    RowError::Sql(e) => sq(e),
                    RowError::Geometry(err) => StoreError::Geometry {
                        path: path.clone(),
                        table: t.table.clone(),
                        fid: 0,
                        err,
                    },
                })?;
            }
        }
        super::schema::update_extents(&tx).map_err(sq)?;
        tx.execute_batch("DELETE FROM qn_oplog;").map_err(sq)?;
        tx.commit().map_err(sq)?;
        self.conn.execute_batch("VACUUM").map_err(sq)?;
        Ok(())
    }

    /// Remembers in `qn_meta` a value of this copy's link to the shared plan (the server's
    /// address without its password, the last server operation seen).
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        let n = self
            .conn
            .execute("UPDATE qn_meta SET value = ?2 WHERE key = ?1", [key, value])
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        if n == 0 {
            self.conn
                .execute(
                    "INSERT INTO qn_meta (key, value) VALUES (?1, ?2)",
                    [key, value],
                )
                .map_err(|e| StoreError::sqlite(&self.path, e))?;
        }
        Ok(())
    }
}

/// A WKB geometry (SRS 4326) as a GeoPackage blob, with its envelope.
pub(crate) fn gpkg_blob(wkb: &[u8]) -> Result<Vec<u8>, super::geom::GeomError> {
    let mut bare = Vec::with_capacity(8 + wkb.len());
    bare.extend_from_slice(b"GP");
    bare.push(0);
    bare.push(1);
    bare.extend_from_slice(&4326i32.to_le_bytes());
    bare.extend_from_slice(wkb);
    let d = super::geom::decode(&bare)?;
    Ok(match d.geometry {
        Some(g) => super::geom::encode(&g, 4326),
        None => bare,
    })
}

/// Why a shared row could not be written.
pub(crate) enum RowError {
    Sql(rusqlite::Error),
    Geometry(super::geom::GeomError),
}

impl From<rusqlite::Error> for RowError {
    fn from(e: rusqlite::Error) -> Self {
        RowError::Sql(e)
    }
}

/// Inserts one row of a shared table as the shared plan holds it (`columns` as read by
/// [`ProjectFile::read_shared_table`]), making its local ids: a scenario's row finds its
/// scenario by `scenario_key`, a phasing row its site by `site_key`.
pub(crate) fn insert_shared_row(
    tx: &rusqlite::Connection,
    table: &str,
    columns: &[SharedColumn],
    row: &[Cell],
) -> Result<(), RowError> {
    use rusqlite::types::Value as V;
    let mut names: Vec<String> = columns.iter().map(|c| super::ident(&c.name)).collect();
    let scoped = columns.iter().any(|c| c.name == "scenario_key");
    let phasing = table == "scenario_phasing";
    if scoped {
        names.push("scenario_id".into());
    }
    if phasing {
        names.push("site_fid".into());
    }
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        super::ident(table),
        names.join(", "),
        marks.join(", ")
    );
    let mut values: Vec<V> = Vec::with_capacity(names.len());
    let mut scenario_key = None;
    let mut site = (None, None);
    for (c, v) in columns.iter().zip(row) {
        let value = match v {
            Cell::Null => V::Null,
            Cell::Int(i) => V::Integer(*i),
            Cell::Real(r) => V::Real(*r),
            Cell::Text(x) => V::Text(x.clone()),
            Cell::Wkb(w) => V::Blob(gpkg_blob(w).map_err(RowError::Geometry)?),
        };
        match (c.name.as_str(), &value) {
            ("scenario_key", V::Text(k)) => scenario_key = Some(k.clone()),
            ("site_key", V::Text(k)) if phasing => site.0 = Some(k.clone()),
            ("site_table", V::Text(k)) if phasing => site.1 = Some(k.clone()),
            _ => {}
        }
        values.push(value);
    }
    if scoped {
        let id: Option<i64> = tx
            .prepare_cached("SELECT fid FROM scenarios WHERE key = ?1")
            .and_then(|mut st| st.query_row([&scenario_key], |r| r.get(0)).optional())?;
        values.push(id.map(V::Integer).unwrap_or(V::Null));
    }
    if phasing {
        let fid: Option<i64> = match (&site.0, &site.1) {
            (Some(k), Some(t)) if crate::model::Layer::from_table(t).is_some() => tx
                .prepare_cached(&format!(
                    "SELECT fid FROM {} WHERE site_key = ?1",
                    super::ident(t)
                ))
                .and_then(|mut st| st.query_row([k], |r| r.get(0)).optional())?,
            _ => None,
        };
        values.push(fid.map(V::Integer).unwrap_or(V::Integer(0)));
    }
    tx.prepare_cached(&sql)
        .and_then(|mut st| st.execute(rusqlite::params_from_iter(values)))?;
    Ok(())
}

/// A stored value as it leaves the file (a geometry's GeoPackage blob as WKB; an empty or
/// unreadable geometry as null).
pub(crate) fn cell_of(v: rusqlite::types::Value) -> Cell {
    use rusqlite::types::Value as V;
    match v {
        V::Null => Cell::Null,
        V::Integer(i) => Cell::Int(i),
        V::Real(r) => Cell::Real(r),
        V::Text(t) => Cell::Text(t),
        V::Blob(b) => match super::geom::decode_header(&b) {
            Ok((_, _, false, at)) => Cell::Wkb(b[at..].to_vec()),
            _ => Cell::Null,
        },
    }
}

/// A column added to a shared table (by `field add`, by QGIS, or on the server): its table,
/// name and SQLite type.
#[derive(Debug, Clone, PartialEq)]
pub struct NewColumn {
    pub table: String,
    pub name: String,
    /// `INTEGER`, `REAL` or `TEXT`.
    pub decl: &'static str,
}

/// The SQLite type a shared column of PostgreSQL type `pg` takes here, if it can carry one.
pub fn sqlite_type_of_pg(pg: &str) -> Option<&'static str> {
    match pg {
        "bigint" | "integer" | "smallint" | "boolean" => Some("INTEGER"),
        "double precision" | "real" | "numeric" => Some("REAL"),
        "text"
        | "character varying"
        | "character"
        | "date"
        | "timestamp without time zone"
        | "timestamp with time zone"
        | "uuid" => Some("TEXT"),
        _ => None,
    }
}

/// The PostgreSQL type of a shared column declared `decl` here (as `server init` makes it).
pub fn pg_type_of_decl(decl: &str) -> &'static str {
    match super::column_type(decl) {
        "INTEGER" | "INT" | "TINYINT" | "SMALLINT" | "MEDIUMINT" | "BOOLEAN" => "bigint",
        "REAL" | "DOUBLE" | "FLOAT" => "double precision",
        _ => "text",
    }
}

impl ProjectFile {
    /// The columns of shared table `table` as this copy has them (name, declared type), the
    /// local ids left out.
    pub fn shared_columns(&self, table: &str) -> Result<Vec<(String, String)>, StoreError> {
        let sq = |e| StoreError::sqlite(&self.path, e);
        self.conn
            .prepare("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")
            .map_err(sq)?
            .query_map([table], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .and_then(|r| r.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(sq)
            .map(|cols| {
                cols.into_iter()
                    .filter(|(n, _)| !matches!(n.as_str(), "fid" | "scenario_id" | "site_fid"))
                    .collect()
            })
    }

    /// Adds column `name` of type `kind` (`text`, `integer` or `real`) to shared table
    /// `table`, in one transaction; the change log and the table's guards then cover it, and
    /// the next sync takes it to the shared plan and every copy.
    pub fn add_field(&mut self, table: &str, name: &str, kind: &str) -> Result<(), StoreError> {
        let decl = match kind.to_ascii_lowercase().as_str() {
            "text" => "TEXT",
            "integer" | "int" => "INTEGER",
            "real" | "double" | "number" => "REAL",
            other => {
                return Err(self.field_refused(
                    table,
                    format!("a field is text, integer or real, not {other:?}"),
                ));
            }
        };
        let key = super::schema::logged_tables()
            .into_iter()
            .find(|(t, _)| *t == table)
            .map(|(_, k)| k)
            .ok_or_else(|| self.field_refused(table, "not a shared layer (see `info`)".into()))?;
        let name = crate::model::text::nfc(name.trim());
        if name.is_empty() || name.len() > 63 || name.chars().any(char::is_control) {
            return Err(self.field_refused(table, format!("{name:?} is not a field name")));
        }
        let existing = self.shared_columns(table)?;
        if matches!(name.as_str(), "fid" | "scenario_id" | "site_fid")
            || existing.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name))
        {
            return Err(self.field_refused(table, format!("it has a field {name:?} already")));
        }
        self.guarded(|pf| {
            let (tx, path) = pf.begin_write()?;
            let sq = |e| StoreError::sqlite(&path, e);
            add_column(
                &tx,
                &NewColumn {
                    table: table.to_string(),
                    name: name.clone(),
                    decl,
                },
                key,
            )
            .map_err(sq)?;
            super::scenarios::finish_write(tx, &[table], None).map_err(sq)
        })
    }

    fn field_refused(&self, table: &str, why: String) -> StoreError {
        StoreError::BadValue {
            path: self.path.clone(),
            table: table.to_string(),
            fid: 0,
            msg: why,
        }
    }

    /// The columns of each shared table on the server as this copy last saw them (after its
    /// last clone or sync): a column here and not there was dropped there only if it was seen.
    pub fn seen_server_columns(
        &self,
    ) -> Result<std::collections::BTreeMap<String, Vec<String>>, StoreError> {
        Ok(self
            .meta("server_columns")?
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default())
    }
}

/// Adds `c` to its table in the transaction `conn` is in, and covers it with the change log's
/// triggers (the table's key is `key`) and, for a site table, the guards.
pub(crate) fn add_column(
    conn: &rusqlite::Connection,
    c: &NewColumn,
    key: &str,
) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "ALTER TABLE {} ADD COLUMN {} {}",
        super::ident(&c.table),
        super::ident(&c.name),
        c.decl
    ))?;
    super::schema::install_log_triggers(conn, &c.table, key)?;
    if crate::model::Layer::from_table(&c.table).is_some() {
        super::schema::install_site_guards(conn, &c.table)?;
    }
    Ok(())
}
