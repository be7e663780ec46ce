//! The administrative units in the project file (schema 10): Quảng Ninh's commune-level units
//! before and after 1 July 2025, the old → new mapping and the plan's 2006 districts, as
//! GeoPackage attribute tables QGIS lists (`admin_units`, `admin_unit_changes`,
//! `admin_districts_2006`). Reference data, the same in every copy: not logged, never synced.

use super::{ProjectFile, StoreError};
use crate::model::admin::{AdminUnit, AdminUnits, District2006, Era, UNITS_SOURCE, UnitChange};
use rusqlite::{Connection, params};

const V10_ADMIN: &str = "
CREATE TABLE admin_units (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  era TEXT NOT NULL CHECK (era IN ('pre2025', '2025')),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  district_code TEXT,
  district TEXT,
  lon DOUBLE NOT NULL,
  lat DOUBLE NOT NULL,
  area_km2 DOUBLE,
  source TEXT NOT NULL,
  UNIQUE (era, code)
);
CREATE TABLE admin_unit_changes (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  pre2025_code TEXT NOT NULL,
  code_2025 TEXT NOT NULL,
  whole INTEGER NOT NULL CHECK (whole IN (0, 1)),
  is_default INTEGER NOT NULL CHECK (is_default IN (0, 1)),
  UNIQUE (pre2025_code, code_2025)
);
CREATE TABLE admin_districts_2006 (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  name TEXT NOT NULL UNIQUE,
  district_code TEXT NOT NULL,
  change TEXT,
  source TEXT NOT NULL
);";

const TABLES: [(&str, &str, &str); 3] = [
    (
        "admin_units",
        "Đơn vị hành chính (trước và từ 1/7/2025)",
        "Quảng Ninh's commune-level units: 171 before 1 July 2025 (era pre2025, with their \
         district), 54 from then (era 2025). Names and GSO codes; lon/lat an approximate centre \
         (no boundaries exist in open data). Source: vietnamadminunits 1.0.4 (MIT).",
    ),
    (
        "admin_unit_changes",
        "Sắp xếp đơn vị hành chính 2025",
        "Each pre-2025 unit and the 2025 unit(s) it went into (Resolution 1679/NQ-UBTVQH15); \
         whole = 0 for a unit divided between several, is_default its main successor.",
    ),
    (
        "admin_districts_2006",
        "Huyện năm 2006",
        "The 14 districts of 2006 the plan names and the pre-2025 district each became.",
    ),
];

/// Schema 10: the tables, registered as attribute tables, filled from the built-in lists.
pub(super) fn v10_admin_units(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(V10_ADMIN)?;
    for (table, identifier, description) in TABLES {
        conn.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
             VALUES (?1, 'attributes', ?2, ?3)",
            params![table, identifier, description],
        )?;
    }
    let data = crate::model::admin::admin_units()
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let mut st = conn.prepare(
        "INSERT INTO admin_units (era, code, name, kind, district_code, district, lon, lat,
                                  area_km2, source)
         VALUES (?1, ?2, ?3, ?4, NULLIF(?5, ''), NULLIF(?6, ''), ?7, ?8, ?9, ?10)",
    )?;
    for u in &data.units {
        st.execute(params![
            u.era.as_str(),
            u.code,
            u.name,
            u.kind,
            u.district_code,
            u.district,
            u.lon,
            u.lat,
            u.area_km2,
            UNITS_SOURCE
        ])?;
    }
    let mut st = conn.prepare(
        "INSERT INTO admin_unit_changes (pre2025_code, code_2025, whole, is_default)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for c in &data.changes {
        st.execute(params![c.pre2025_code, c.code_2025, c.whole, c.default])?;
    }
    let mut st = conn.prepare(
        "INSERT INTO admin_districts_2006 (name, district_code, change, source)
         VALUES (?1, ?2, NULLIF(?3, ''), ?4)",
    )?;
    for d in &data.districts_2006 {
        st.execute(params![d.name, d.district_code, d.change, d.source])?;
    }
    Ok(())
}

impl ProjectFile {
    /// The administrative units this file holds (empty lists when another program removed
    /// the tables).
    pub fn admin_units(&self) -> Result<AdminUnits, StoreError> {
        let sq = |e| StoreError::sqlite(&self.path, e);
        let mut out = AdminUnits::default();
        let present: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN
                 ('admin_units', 'admin_unit_changes', 'admin_districts_2006')",
                [],
                |r| r.get(0),
            )
            .map_err(sq)?;
        if present < 3 {
            return Ok(out);
        }
        let mut st = self
            .conn
            .prepare(
                "SELECT era, code, name, kind, district_code, district, lon, lat, area_km2
                 FROM admin_units ORDER BY fid",
            )
            .map_err(sq)?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    AdminUnit {
                        code: r.get(1)?,
                        era: Era::Pre2025,
                        name: r.get(2)?,
                        kind: r.get(3)?,
                        district_code: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                        district: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                        lon: r.get(6)?,
                        lat: r.get(7)?,
                        area_km2: r.get(8)?,
                    },
                ))
            })
            .map_err(sq)?;
        for row in rows {
            let (era, mut unit) = row.map_err(sq)?;
            // A row another program wrote with an era this version does not know is left out.
            let Some(era) = Era::parse(&era) else {
                continue;
            };
            unit.era = era;
            out.units.push(unit);
        }
        let mut st = self
            .conn
            .prepare(
                "SELECT pre2025_code, code_2025, whole, is_default FROM admin_unit_changes
                 ORDER BY fid",
            )
            .map_err(sq)?;
        out.changes = st
            .query_map([], |r| {
                Ok(UnitChange {
                    pre2025_code: r.get(0)?,
                    code_2025: r.get(1)?,
                    whole: r.get(2)?,
                    default: r.get(3)?,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(sq)?;
        let mut st = self
            .conn
            .prepare(
                "SELECT name, district_code, change, source FROM admin_districts_2006
                 ORDER BY fid",
            )
            .map_err(sq)?;
        out.districts_2006 = st
            .query_map([], |r| {
                Ok(District2006 {
                    name: r.get(0)?,
                    district_code: r.get(1)?,
                    change: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    source: r.get(3)?,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(sq)?;
        Ok(out)
    }
}

/// The columns schema 11 adds to every site table: the 2006 commune, the 2025 unit and where
/// that unit comes from.
pub(super) const V11_SITE_COLUMNS: [&str; 3] = ["commune_2006", "unit_2025", "unit_2025_source"];

/// Whether `column` of a site table is one schema 11 added: a plan published by an older
/// qn-planner lacks it, and a copy that may not add fields to the plan keeps it as its own
/// until one that may does (at its next sync).
pub fn added_by_schema_11(column: &str) -> bool {
    V11_SITE_COLUMNS.contains(&column)
}

/// Schema 11: each site carries its 2006 commune and its 2025 unit. The columns are added to
/// every site table (kept when a planner had added one of that name already, as a field of
/// his own), the change log and the guards take them in, and the seeded sites a file still
/// holds under their seeded name and district get the seed's commune and the unit derived
/// from it.
pub(super) fn v11_units_of_sites(conn: &Connection) -> rusqlite::Result<()> {
    use super::schema::{CONTEXT_TABLES, SITE_TABLES};
    let seeds = crate::model::seed::seed_sites().map_err(|e| {
        rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e.to_string())))
    })?;
    for (table, _, _) in SITE_TABLES.iter().chain(CONTEXT_TABLES.iter()) {
        let have: Vec<String> = conn
            .prepare(&format!("PRAGMA table_info({})", super::ident(table)))?
            .query_map([], |r| r.get::<_, String>(1))?
            .collect::<rusqlite::Result<_>>()?;
        for c in V11_SITE_COLUMNS {
            if !have.iter().any(|h| h.eq_ignore_ascii_case(c)) {
                conn.execute_batch(&format!(
                    "ALTER TABLE {} ADD COLUMN {c} TEXT",
                    super::ident(table)
                ))?;
            }
        }
        // Before the triggers: a migration's own fill is not a planner's edit to log.
        for s in seeds.iter().filter(|s| s.layer.table() == *table) {
            if s.commune_2006.is_empty() {
                continue;
            }
            conn.execute(
                &format!(
                    "UPDATE {} SET commune_2006 = ?1, unit_2025 = ?2, unit_2025_source = ?3
                     WHERE name = ?4 AND coalesce(district_2006, '') = ?5
                       AND coalesce(commune_2006, '') = ''",
                    super::ident(table)
                ),
                params![
                    s.commune_2006,
                    s.unit_2025,
                    s.unit_2025_source,
                    s.name,
                    s.district_2006
                ],
            )?;
        }
        super::schema::install_log_triggers(conn, table, "site_key")?;
        super::schema::install_site_guards(conn, table)?;
    }
    Ok(())
}
