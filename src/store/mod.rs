//! The project file: an OGC GeoPackage 1.2 written with rusqlite.
//!
//! Planning layers are feature tables (geometry in EPSG:4326) with the R-tree spatial index
//! and the GeoPackage 1.2 trigger set; project metadata lives in the `qn_meta` attributes table.
//! Every shared record has a stable key, and triggers in the file append every edit of one to
//! the change log `qn_oplog` (schema 7), whoever makes it.
//! A file that is not ours, is newer, is locked or is read-only is refused with a clear error
//! and is never modified.

mod admin;
pub mod batch;
mod changelog;
pub mod domain;
mod error;
pub mod geom;
mod layer_styles;
mod layers;
mod migrations;
pub mod qml;
pub mod rtree;
pub(crate) mod scenarios;
pub(crate) mod schema;
pub mod session;
pub(crate) mod shared;
mod site_rows;
mod sql;
pub mod time;

pub use layers::{
    AsideAbout, AsideLayer, AsideWriter, ForeignTable, LayerReader, ReferenceLayer, TableFeature,
    table_name_for,
};

use crate::model::{Centre, Layer, Phase, Precision, Project, Site, Status, seed};
use geo_types::Geometry;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};

pub use admin::added_by_schema_11;
pub(crate) use changelog::{LogFold, end_author, fold_log, name_author};
pub use error::StoreError;
pub use layer_styles::{STYLE_NAME, StyleTarget};
use scenarios::finish_write;
pub use schema::{SCHEMA_VERSION, SITE_TABLES};
pub use shared::{
    Cell, NewColumn, SharedColumn, SharedTable, geometry_of_wkb, pg_type_of_decl, sqlite_type_of_pg,
};
use site_rows::{SITE_COLS, insert_site, insert_site_with_fid, single_part, update_site};
pub use sql::{column_type, geometry_kind, geometry_type_name, ident};

/// `PRAGMA application_id` of a GeoPackage ("GPKG").
pub const GPKG_APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version` of GeoPackage 1.2.0, the version GDAL 3.6 writes.
pub const GPKG_USER_VERSION: i32 = 10200;
/// SRS of stored geometry.
pub const SRS_WGS84: i32 = 4326;
/// How long a command or a worker thread waits for another program's write to the same file
/// to finish (two imports at once queue up rather than fail).
pub const WRITE_WAIT: std::time::Duration = std::time::Duration::from_secs(30);
/// How long the window waits: it must not freeze, so a file another program is writing is
/// reported after a second.
pub const WINDOW_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Extent and count of one table, as `info` prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerInfo {
    pub table: String,
    pub identifier: String,
    pub data_type: String,
    pub count: i64,
    /// (min_x, min_y, max_x, max_y) in EPSG:4326, `None` for attributes or all-empty tables.
    pub extent: Option<(f64, f64, f64, f64)>,
    /// Declared geometry type (`POINT`, `MULTIPOLYGON`…) of a feature table.
    pub geometry_type: Option<String>,
}

/// An open project file.
pub struct ProjectFile {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    read_only: bool,
    /// Why the file is read-only, for the message a refused write gets.
    read_only_folder: bool,
    /// Editing session state (lock, backups); `None` for plain opens (CLI, tests).
    session: Option<session::Session>,
    /// Who this program's writes are logged as in the change log (`None`: not named).
    pub(crate) author: Option<String>,
    /// The file registered as held by this process while the connection lives, so nothing
    /// else in the process opens and closes it (see [`crate::fsutil::hold`]). Declared after
    /// `conn`: the registration ends once the connection has closed.
    _held: Option<crate::fsutil::Held>,
    /// Set while an edit that continues a gesture is written (see [`ProjectFile::fold_log_from`]).
    fold_from: Option<i64>,
}

impl std::fmt::Debug for ProjectFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectFile")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// Refuses an empty file. Whether the file is an SQLite database at all is asked of SQLite
/// itself (`NOTADB` at the first read): a plain open and close of a file this process holds
/// through SQLite would cancel that connection's locks (see [`crate::fsutil`]).
fn check_not_empty(path: &Path, meta: &std::fs::Metadata) -> Result<(), StoreError> {
    if meta.len() == 0 {
        return Err(StoreError::NotGeoPackage(
            path.to_path_buf(),
            "the file is empty".into(),
        ));
    }
    Ok(())
}

fn io_err(path: &Path, e: std::io::Error) -> StoreError {
    if e.kind() == std::io::ErrorKind::NotFound {
        StoreError::NotFound(path.to_path_buf())
    } else {
        StoreError::Io {
            path: path.to_path_buf(),
            source: e,
        }
    }
}

impl ProjectFile {
    /// Writes a new seeded project at `path`. Refuses an existing file unless `force`.
    /// The file is built under a temporary name and renamed into place when complete.
    pub fn create(path: &Path, force: bool) -> Result<ProjectFile, StoreError> {
        if path.exists() && !force {
            return Err(StoreError::Exists(path.to_path_buf()));
        }
        let tmp = crate::fsutil::part_path(path).map_err(|e| io_err(path, e))?;
        ProjectFile::build_part(&tmp)?;
        crate::fsutil::commit_part(&tmp, path).map_err(|e| io_err(path, e))?;
        ProjectFile::open(path)
    }

    /// Writes a new seeded project at `tmp`, a temporary part (see [`crate::fsutil`]) that the
    /// caller renames into place when it is complete; on failure nothing is left at `tmp`.
    pub(crate) fn build_part(tmp: &Path) -> Result<(), StoreError> {
        let _ = std::fs::remove_file(tmp);
        let tmp = tmp.to_path_buf();
        let result = (|| {
            let conn = Connection::open(crate::fsutil::for_sqlite(&tmp))
                .map_err(|e| StoreError::sqlite(&tmp, e))?;
            let held = crate::fsutil::hold(&tmp);
            schema::register_functions(&conn).map_err(|e| StoreError::sqlite(&tmp, e))?;
            migrations::create(&conn).map_err(|e| StoreError::sqlite(&tmp, e))?;
            let mut pf = ProjectFile {
                conn,
                path: tmp.clone(),
                read_only: false,
                read_only_folder: false,
                session: None,
                author: None,
                _held: held,
                fold_from: None,
            };
            pf.seed()?;
            // The change log starts with the project: the seed is what every copy begins
            // from, not a change.
            // VACUUM: the pages the seed's log took are not left free in a new file.
            pf.conn
                .execute_batch(
                    "DELETE FROM qn_oplog; DELETE FROM sqlite_sequence WHERE name = 'qn_oplog'; VACUUM;",
                )
                .map_err(|e| StoreError::sqlite(&tmp, e))?;
            pf.conn
                .close()
                .map_err(|(_, e)| StoreError::sqlite(&tmp, e))?;
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    /// Opens an existing project, read-write when the file allows it, else read-only.
    pub fn open(path: &Path) -> Result<ProjectFile, StoreError> {
        ProjectFile::open_with(path, false, WRITE_WAIT, false)
    }

    /// Opens `path`; a write by another program is waited for up to `wait` (at the open and
    /// at every write later).
    /// `view_old`: a read-only file of an older schema is migrated in a copy in memory, to be
    /// viewed (the window); else it is refused (the command line reports the file as it is).
    pub(crate) fn open_with(
        path: &Path,
        force_read_only: bool,
        wait: std::time::Duration,
        view_old: bool,
    ) -> Result<ProjectFile, StoreError> {
        let meta = std::fs::metadata(path).map_err(|e| io_err(path, e))?;
        if meta.is_dir() {
            return Err(StoreError::NotGeoPackage(
                path.to_path_buf(),
                "it is a folder".into(),
            ));
        }
        check_not_empty(path, &meta)?;
        let read_only_folder = !meta.permissions().readonly() && !dir_writable(path);
        let read_only = force_read_only || meta.permissions().readonly() || read_only_folder;
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(crate::fsutil::for_sqlite(path), flags).map_err(|e| {
                if crate::fsutil::held_exclusively_elsewhere(path) {
                    StoreError::Locked(path.to_path_buf())
                } else {
                    StoreError::sqlite(path, e)
                }
            })?;
        let held = crate::fsutil::hold(path);
        conn.busy_timeout(wait)
            .map_err(|e| StoreError::sqlite(path, e))?;
        schema::register_functions(&conn).map_err(|e| StoreError::sqlite(path, e))?;
        let mut pf = ProjectFile {
            conn,
            path: path.to_path_buf(),
            read_only,
            read_only_folder,
            session: None,
            author: None,
            _held: held,
            fold_from: None,
        };
        pf.check_identity()?;
        if !read_only {
            // Take and release the write lock: a file another program is writing is refused
            // now rather than failing at the first edit.
            pf.conn
                .execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
                .map_err(|e| StoreError::sqlite(path, e))?;
        }
        let version = pf.schema_version()?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < SCHEMA_VERSION {
            if read_only && view_old {
                // The file is never written: a copy in memory is brought up to date.
                let sq = |e| StoreError::sqlite(path, e);
                let mut mem = Connection::open_in_memory().map_err(sq)?;
                {
                    let b = rusqlite::backup::Backup::new(&pf.conn, &mut mem).map_err(sq)?;
                    b.run_to_completion(1024, std::time::Duration::ZERO, None)
                        .map_err(sq)?;
                }
                schema::register_functions(&mem).map_err(sq)?;
                migrations::migrate(&mem, version).map_err(sq)?;
                pf.conn = mem;
                return Ok(pf);
            }
            if read_only {
                return Err(StoreError::OldAndReadOnly {
                    path: path.to_path_buf(),
                    found: version,
                    current: SCHEMA_VERSION,
                });
            }
            migrations::migrate(&pf.conn, version).map_err(|e| {
                let e = StoreError::sqlite(path, e);
                pf.settle();
                e
            })?;
        }
        Ok(pf)
    }

    /// The error a write to a read-only file gets, saying why it is read-only.
    pub(crate) fn read_only_error(&self) -> StoreError {
        if self.read_only_folder {
            StoreError::ReadOnlyFolder(self.path.clone())
        } else {
            StoreError::ReadOnly(self.path.clone())
        }
    }

    /// Waits, after a write failed, until the file on disk is whole by itself: a statement
    /// that failed half-way (disk full, an I/O error) can leave SQLite's pager in its error
    /// state with a hot rollback journal beside the file, and a copy of the file alone is
    /// then malformed until some later reader rolls it back. The next read on this
    /// connection plays the journal back; if the journal is still there, a fresh connection
    /// does.
    pub(crate) fn settle(&self) {
        let _ = self.conn.execute_batch("ROLLBACK");
        let probe = |c: &Connection| {
            c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
        };
        let _ = probe(&self.conn);
        let mut journal = self.path.clone().into_os_string();
        journal.push("-journal");
        let journal = PathBuf::from(journal);
        if journal.exists()
            && let Ok(c) = Connection::open_with_flags(
                crate::fsutil::for_sqlite(&self.path),
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        {
            let _ = c.busy_timeout(std::time::Duration::from_secs(2));
            let _ = probe(&c);
            let _ = c.close();
        }
    }

    /// Runs a write; when it fails, settles the file (see [`Self::settle`]) before the error
    /// goes back to the caller.
    pub(crate) fn guarded<T, E>(
        &mut self,
        write: impl FnOnce(&mut ProjectFile) -> Result<T, E>,
    ) -> Result<T, E> {
        let r = write(self);
        if r.is_err() {
            self.settle();
        }
        r
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Begins a write of qn-planner's: refused on a read-only file; the session's backup taken
    /// before its first write; the change log's author named for the transaction (see
    /// [`name_author`]). Returns the transaction and the file's path, for messages.
    pub(crate) fn begin_write(
        &mut self,
    ) -> Result<(rusqlite::Transaction<'_>, PathBuf), StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        self.backup_before_first_write()?;
        let path = self.path.clone();
        let author = self.author.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::sqlite(&path, e))?;
        name_author(&tx, author.as_deref()).map_err(|e| StoreError::sqlite(&path, e))?;
        Ok((tx, path))
    }

    /// The sequence number the next change-log operation gets (at least; AUTOINCREMENT never
    /// reuses one).
    pub fn next_log_seq(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT coalesce(max(seq), 0) + 1 FROM qn_oplog", [], |r| {
                r.get(0)
            })
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// While set, the writes of this program fold their change-log operations into those of
    /// the same gesture written since sequence number `from` (see [`fold_log`]): the
    /// keystrokes of one value typed into a field are one operation, not one a keystroke.
    pub fn fold_log_from(&mut self, from: Option<i64>) {
        self.fold_from = from;
    }

    /// What the next write folds, if anything.
    pub(crate) fn log_fold(&self) -> Option<LogFold> {
        self.fold_from.map(|from| LogFold {
            from,
            author: self.author.clone(),
        })
    }

    /// Names the author of this program's edits in the change log (the planner's name, from
    /// the settings, or the login name).
    pub fn set_author(&mut self, author: &str) {
        let a = crate::model::text::nfc(author.trim());
        self.author = (!a.is_empty()).then_some(a);
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn check_identity(&self) -> Result<(), StoreError> {
        let p = &self.path;
        let app_id: i32 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| StoreError::sqlite(p, e))?;
        // GeoPackage 1.0 files used "GP10"/"GP11".
        if ![GPKG_APPLICATION_ID, 0x4750_3130, 0x4750_3131].contains(&app_id) {
            return Err(StoreError::NotGeoPackage(
                p.clone(),
                format!("application_id is {app_id:#x}, not GPKG"),
            ));
        }
        let has = |t: &str| -> Result<bool, StoreError> {
            self.conn
                .query_row(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                    [t],
                    |_| Ok(()),
                )
                .optional()
                .map(|o| o.is_some())
                .map_err(|e| StoreError::sqlite(p, e))
        };
        if !has("gpkg_contents")? || !has("gpkg_spatial_ref_sys")? {
            return Err(StoreError::NotGeoPackage(
                p.clone(),
                "gpkg_contents or gpkg_spatial_ref_sys is missing".into(),
            ));
        }
        if !has("qn_meta")? {
            return Err(StoreError::NotProject(p.clone()));
        }
        Ok(())
    }

    /// The qn-planner schema version recorded in the file.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        let v: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM qn_meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        match v.as_deref().map(str::parse::<i64>) {
            Some(Ok(v)) => Ok(v),
            _ => Err(StoreError::NotProject(self.path.clone())),
        }
    }

    fn seed(&mut self) -> Result<(), StoreError> {
        let sites = seed::seed_sites()?;
        let centres = seed::seed_centres(&sites)?;
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::sqlite(&path, e))?;
        for s in &sites {
            insert_site(&tx, s).map_err(|e| StoreError::sqlite(&path, e))?;
        }
        for c in &centres {
            tx.execute(
                "INSERT INTO industrial_centres (geom, key, name, name_en, source_para, location_precision, notes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    c.geom.as_ref().map(|g| geom::encode(g, SRS_WGS84)),
                    c.key,
                    c.name,
                    c.name_en,
                    c.source_para,
                    if c.geom.is_some() { "plants" } else { Precision::NotLocated.as_str() },
                    c.notes
                ],
            )
            .map_err(|e| StoreError::sqlite(&path, e))?;
        }
        schema::update_extents(&tx).map_err(|e| StoreError::sqlite(&path, e))?;
        schema::fill_reference_phasing(&tx).map_err(|e| StoreError::sqlite(&path, e))?;
        tx.commit().map_err(|e| StoreError::sqlite(&path, e))?;
        Ok(())
    }

    /// Reads every site and centre.
    pub fn read_project(&self) -> Result<Project, StoreError> {
        let mut project = Project {
            styles: self.read_styles()?,
            ..Project::default()
        };
        for layer in Layer::ALL {
            let table = layer.table();
            let sql = format!("SELECT fid, {SITE_COLS} FROM \"{table}\" ORDER BY fid");
            let mut stmt = self
                .conn
                .prepare(&sql)
                .map_err(|e| StoreError::sqlite(&self.path, e))?;
            let mut rows = stmt
                .query([])
                .map_err(|e| StoreError::sqlite(&self.path, e))?;
            let boundaries = self.boundaries_of(layer)?;
            while let Some(r) = rows.next().map_err(|e| StoreError::sqlite(&self.path, e))? {
                let mut site = self.site_from_row(layer, r)?;
                if let Some(b) = boundaries.get(&site.key) {
                    site.geom = Some(b.clone());
                }
                site.geom = site.geom.map(single_part);
                site.area_ha = site.geom.as_ref().and_then(crate::model::geodesic_area_ha);
                project.sites.push(site);
            }
        }
        let mut stmt = self
            .conn
            .prepare("SELECT fid, geom, key, name, name_en, source_para, notes FROM industrial_centres ORDER BY fid")
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<Vec<u8>>>(1)?,
                    [
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                    ],
                ))
            })
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        for row in rows {
            let (fid, blob, f) = row.map_err(|e| StoreError::sqlite(&self.path, e))?;
            let geom = self.decode_geom("industrial_centres", fid, blob.as_deref())?;
            let [key, name, name_en, source_para, notes] = f.map(Option::unwrap_or_default);
            project.centres.push(Centre {
                fid,
                key,
                name,
                name_en,
                source_para,
                notes,
                geom,
            });
        }
        project.scenarios = self.read_scenarios()?;
        project.actuals = self.read_actuals()?;
        project.rules = self.read_rules()?;
        project.figures = self.read_figures()?;
        Ok(project)
    }

    /// The boundaries of `layer`'s sites by site key (empty for the area-only layers).
    fn boundaries_of(
        &self,
        layer: Layer,
    ) -> Result<std::collections::HashMap<String, Geometry<f64>>, StoreError> {
        let mut out = std::collections::HashMap::new();
        let Some(table) = layer.boundary_table() else {
            return Ok(out);
        };
        let sq = |e| StoreError::sqlite(&self.path, e);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT fid, site_key, geom FROM \"{table}\" WHERE geom IS NOT NULL"
            ))
            .map_err(sq)?;
        let mut rows = stmt.query([]).map_err(sq)?;
        while let Some(r) = rows.next().map_err(sq)? {
            let fid: i64 = r.get(0).map_err(sq)?;
            let key: Option<String> = r.get(1).map_err(sq)?;
            let blob: Option<Vec<u8>> = r.get(2).map_err(sq)?;
            if let (Some(key), Some(g)) = (key, self.decode_geom(table, fid, blob.as_deref())?) {
                out.insert(key, g);
            }
        }
        Ok(out)
    }

    /// Boundaries whose `site_key` names no site of their layer (drawn in another program
    /// without linking them): `(boundary table, fid, site_key)`. They are not part of any
    /// site until a planner sets the key of the site they belong to.
    pub fn unlinked_boundaries(&self) -> Result<Vec<(String, i64, String)>, StoreError> {
        let sq = |e| StoreError::sqlite(&self.path, e);
        let mut out = Vec::new();
        for layer in Layer::PLANNING {
            let Some(b) = layer.boundary_table() else {
                continue;
            };
            let t = layer.table();
            let mut stmt = self
                .conn
                .prepare(&format!(
                    "SELECT fid, coalesce(site_key, '') FROM \"{b}\" WHERE site_key IS NULL
                     OR site_key NOT IN (SELECT site_key FROM \"{t}\" WHERE site_key IS NOT NULL)
                     ORDER BY fid"
                ))
                .map_err(sq)?;
            let rows = stmt
                .query_map([], |r| Ok((b.to_string(), r.get(0)?, r.get(1)?)))
                .and_then(|r| r.collect::<Result<Vec<_>, _>>())
                .map_err(sq)?;
            out.extend(rows);
        }
        Ok(out)
    }

    fn site_from_row(&self, layer: Layer, r: &rusqlite::Row<'_>) -> Result<Site, StoreError> {
        let table = layer.table();
        let sq = |e| StoreError::sqlite(&self.path, e);
        let fid: i64 = r.get(0).map_err(sq)?;
        let bad = |msg: String| StoreError::BadValue {
            path: self.path.clone(),
            table: table.into(),
            fid,
            msg,
        };
        let text = |i: usize| -> Result<String, StoreError> {
            Ok(r.get::<_, Option<String>>(i)
                .map_err(sq)?
                .unwrap_or_default())
        };
        let blob: Option<Vec<u8>> = r.get(1).map_err(sq)?;
        let geom = self.decode_geom(table, fid, blob.as_deref())?;
        // A value another program wrote that qn-planner does not know is read as itself (kept
        // in `unread`), never a reason to refuse the whole project.
        let mut unread = Vec::new();
        let status_raw = text(4)?;
        let status = Status::parse(&status_raw).unwrap_or_else(|| {
            unread.push(("status".to_string(), status_raw.clone()));
            Status::Unknown
        });
        let precision_raw = text(7)?;
        let precision = Precision::parse(&precision_raw).unwrap_or_else(|| {
            unread.push(("location_precision".to_string(), precision_raw.clone()));
            Precision::Unknown
        });
        let phase = text(12)?;
        let planned_phase = if phase.is_empty() {
            None
        } else {
            Phase::parse(&phase).or_else(|| {
                unread.push(("planned_phase".to_string(), phase.clone()));
                None
            })
        };
        let accepted = text(18)?;
        let accepted_warnings = if accepted.is_empty() {
            Vec::new()
        } else {
            serde_json::from_str(&accepted)
                .map_err(|e| bad(format!("accepted_warnings is not valid JSON: {e}")))?
        };
        let year: Option<i64> = r.get(17).map_err(sq)?;
        Ok(Site {
            fid,
            key: text(24)?,
            layer,
            name: text(2)?,
            kind: text(3)?,
            status,
            district_2006: text(5)?,
            commune_2006: text(25)?,
            unit_2025: text(26)?,
            unit_2025_source: text(27)?,
            source_para: text(6)?,
            location_precision: precision,
            location_source: text(8)?,
            craft: text(9)?,
            centre_key: text(10)?,
            notes: text(11)?,
            geom,
            planned_phase,
            area_ha: r.get(13).map_err(sq)?,
            main_industries: text(14)?,
            investment_bn_vnd: r.get(15).map_err(sq)?,
            jobs: r.get(16).map_err(sq)?,
            decision_year: year
                .map(|y| i32::try_from(y).map_err(|_| bad(format!("year {y} out of range"))))
                .transpose()?,
            accepted_warnings,
            is_expansion: r.get::<_, Option<i64>>(19).map_err(sq)?.unwrap_or(0) != 0,
            occupancy_pct: r.get(20).map_err(sq)?,
            occupancy_year: r
                .get::<_, Option<i64>>(21)
                .map_err(sq)?
                .map(|y| {
                    i32::try_from(y).map_err(|_| bad(format!("occupancy year {y} out of range")))
                })
                .transpose()?,
            green_buffer_m: r.get(22).map_err(sq)?,
            pollution_class: r
                .get::<_, Option<i64>>(23)
                .map_err(sq)?
                .map(|c| {
                    u8::try_from(c).map_err(|_| bad(format!("pollution class {c} out of range")))
                })
                .transpose()?,
            unread,
        })
    }

    /// Writes the record (`layer`, `fid`) as `after` (`None` deletes it) in one transaction,
    /// with the R-tree (by its triggers) and the layer's extent kept in step. A `fid` of 0
    /// inserts a new record; the stored fid is returned.
    pub fn put_site(
        &mut self,
        layer: Layer,
        fid: i64,
        after: Option<&Site>,
    ) -> Result<i64, StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        self.put_sites(layer, &[(fid, after)])
            .map(|f| f.first().copied().unwrap_or(fid))
    }

    /// Writes several records of one layer as [`Self::put_site`] does, all in one
    /// transaction (all or none). Returns the stored fids in order.
    pub fn put_sites(
        &mut self,
        layer: Layer,
        changes: &[(i64, Option<&Site>)],
    ) -> Result<Vec<i64>, StoreError> {
        let changes: Vec<(Layer, i64, Option<&Site>)> =
            changes.iter().map(|&(fid, s)| (layer, fid, s)).collect();
        self.put_site_changes(&changes)
    }

    /// As [`ProjectFile::put_sites`], for sites of any layers, in one transaction.
    pub fn put_site_changes(
        &mut self,
        changes: &[(Layer, i64, Option<&Site>)],
    ) -> Result<Vec<i64>, StoreError> {
        self.guarded(|pf| pf.put_sites_inner(changes))
    }

    fn put_sites_inner(
        &mut self,
        changes: &[(Layer, i64, Option<&Site>)],
    ) -> Result<Vec<i64>, StoreError> {
        let fold = self.log_fold();
        let (tx, path) = self.begin_write()?;
        let sq = |e| StoreError::sqlite(&path, e);
        let mut fids = Vec::with_capacity(changes.len());
        let mut touched: Vec<Layer> = Vec::new();
        for &(layer, fid, after) in changes {
            if !touched.contains(&layer) {
                touched.push(layer);
            }
            let table = layer.table();
            let fid = match after {
                None => {
                    if let Some(b) = layer.boundary_table() {
                        tx.execute(
                            &format!(
                                "DELETE FROM \"{b}\" WHERE site_key = (SELECT site_key FROM \"{table}\" WHERE fid = ?1)"
                            ),
                            [fid],
                        )
                        .map_err(sq)?;
                    }
                    tx.execute(&format!("DELETE FROM \"{table}\" WHERE fid = ?1"), [fid])
                        .map_err(sq)?;
                    fid
                }
                Some(site) => {
                    let exists = tx
                        .query_row(
                            &format!("SELECT 1 FROM \"{table}\" WHERE fid = ?1"),
                            [fid],
                            |_| Ok(()),
                        )
                        .optional()
                        .map_err(sq)?
                        .is_some();
                    if exists {
                        update_site(&tx, fid, site).map_err(sq)?;
                        fid
                    } else {
                        insert_site_with_fid(&tx, (fid > 0).then_some(fid), site).map_err(sq)?
                    }
                }
            };
            fids.push(fid);
        }
        for layer in touched {
            schema::update_extent(&tx, layer.table()).map_err(sq)?;
            if let Some(b) = layer.boundary_table() {
                schema::update_extent(&tx, b).map_err(sq)?;
            }
        }
        if let Some(f) = fold {
            fold_log(&tx, &f).map_err(sq)?;
        }
        end_author(&tx).map_err(sq)?;
        tx.commit().map_err(sq)?;
        Ok(fids)
    }

    fn decode_geom(
        &self,
        table: &str,
        fid: i64,
        blob: Option<&[u8]>,
    ) -> Result<Option<geo_types::Geometry<f64>>, StoreError> {
        let Some(b) = blob else { return Ok(None) };
        let d = geom::decode(b).map_err(|err| StoreError::Geometry {
            path: self.path.clone(),
            table: table.into(),
            fid,
            err,
        })?;
        if d.srs_id != SRS_WGS84 {
            return Err(StoreError::BadValue {
                path: self.path.clone(),
                table: table.into(),
                fid,
                msg: format!("geometry in SRS {} (expected 4326)", d.srs_id),
            });
        }
        Ok(d.geometry)
    }

    /// Every table of `gpkg_contents` with its feature count and extent.
    pub fn layer_infos(&self) -> Result<Vec<LayerInfo>, StoreError> {
        let p = &self.path;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT table_name, identifier, data_type FROM gpkg_contents ORDER BY table_name",
            )
            .map_err(|e| StoreError::sqlite(p, e))?;
        let tables: Vec<(String, String, String)> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    r.get(2)?,
                ))
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| StoreError::sqlite(p, e))?;
        let mut out = Vec::new();
        for (table, identifier, data_type) in tables {
            let count: i64 = self
                .conn
                .query_row(
                    &format!("SELECT count(*) FROM {}", ident(&table)),
                    [],
                    |r| r.get(0),
                )
                .map_err(|e| StoreError::sqlite(p, e))?;
            let extent = if data_type == "features" {
                let col: Option<String> = self
                    .conn
                    .query_row(
                        "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?1",
                        [&table],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(|e| StoreError::sqlite(p, e))?;
                match col {
                    Some(col) => self.extent_of(&table, &col)?,
                    None => None,
                }
            } else {
                None
            };
            let geometry_type = if data_type == "features" {
                self.conn
                    .query_row(
                        "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?1",
                        [&table],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(|e| StoreError::sqlite(p, e))?
            } else {
                None
            };
            out.push(LayerInfo {
                table,
                identifier,
                data_type,
                count,
                extent,
                geometry_type,
            });
        }
        Ok(out)
    }

    fn extent_of(
        &self,
        table: &str,
        col: &str,
    ) -> Result<Option<(f64, f64, f64, f64)>, StoreError> {
        let p = &self.path;
        let sql = format!(
            "SELECT {c} FROM {} WHERE {c} IS NOT NULL",
            ident(table),
            c = ident(col)
        );
        let mut stmt = self
            .conn
            .prepare(&sql)
            .map_err(|e| StoreError::sqlite(p, e))?;
        let mut rows = stmt.query([]).map_err(|e| StoreError::sqlite(p, e))?;
        let mut ext: Option<(f64, f64, f64, f64)> = None;
        while let Some(r) = rows.next().map_err(|e| StoreError::sqlite(p, e))? {
            let blob: Vec<u8> = r.get(0).map_err(|e| StoreError::sqlite(p, e))?;
            if let Ok(Some((x0, x1, y0, y1))) = geom::envelope_of(&blob) {
                ext = Some(match ext {
                    None => (x0, y0, x1, y1),
                    Some((a, b, c, d)) => (a.min(x0), b.min(y0), c.max(x1), d.max(y1)),
                });
            }
        }
        Ok(ext)
    }

    /// `PRAGMA integrity_check` result ("ok" when sound).
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }
}

fn dir_writable(path: &Path) -> bool {
    // SQLite needs to create a journal beside the file.
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::metadata(dir)
        .map(|m| !m.permissions().readonly())
        .unwrap_or(false)
}

#[cfg(test)]
mod error_tests {
    use super::*;

    #[test]
    fn an_io_error_keeps_its_cause() {
        let e = io_err(
            Path::new("x.gpkg"),
            std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied"),
        );
        let cause = std::error::Error::source(&e).expect("the I/O error is kept as the source");
        assert_eq!(cause.to_string(), "denied");
        assert_eq!(e.to_string(), "x.gpkg: denied");
        // A missing file is said plainly.
        let gone = io_err(Path::new("y.gpkg"), std::io::ErrorKind::NotFound.into());
        assert!(matches!(gone, StoreError::NotFound(_)));
    }
}
