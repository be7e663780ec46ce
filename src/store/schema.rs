//! The GeoPackage schema: core tables, feature tables with R-tree indexes, SQL functions the
//! R-tree triggers call, and migrations between qn-planner schema versions.

use super::geom;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension, params};

/// The qn-planner schema version this build writes. Bump it with a step in `migrate`.
pub const SCHEMA_VERSION: i64 = 9;

/// Feature tables of planning sites, with their `gpkg_contents` identifier and description.
pub const SITE_TABLES: [(&str, &str, &str); 5] = [
    (
        "industrial_zones",
        "Khu công nghiệp",
        "Industrial zones (khu công nghiệp), ¶3 and ¶9 of the 2007 report",
    ),
    (
        "industrial_clusters",
        "Cụm công nghiệp",
        "Established industrial clusters and points (cụm, điểm công nghiệp), ¶9",
    ),
    (
        "proposed_clusters",
        "Cụm công nghiệp dự kiến",
        "Proposed industrial clusters (dự kiến thành lập thêm), ¶9",
    ),
    (
        "craft_villages",
        "Làng nghề",
        "Craft villages (làng nghề, làng nghề truyền thống), ¶6",
    ),
    (
        "centre_plants",
        "Nhà máy của trung tâm công nghiệp",
        "Plants of the industrial centres of ¶3, linked by centre_key",
    ),
];

const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

const CORE: &str = r#"
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10200;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
"#;

/// The project's metadata table (not part of a plain GeoPackage).
const QN_META: &str = r#"
CREATE TABLE qn_meta (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  key TEXT NOT NULL UNIQUE,
  value TEXT
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
  VALUES ('qn_meta', 'attributes', 'qn_meta', 'qn-planner project metadata (schema version)');
"#;

/// Registers `ST_IsEmpty`, `ST_MinX`, `ST_MaxX`, `ST_MinY`, `ST_MaxY`, which the GeoPackage
/// R-tree triggers call on every insert and update.
pub fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("ST_IsEmpty", 1, flags, |ctx| {
        let Some(b) = ctx.get::<Option<Vec<u8>>>(0)? else {
            return Ok(None);
        };
        Ok(Some(match geom::envelope_of(&b) {
            Ok(Some(_)) => 0i64,
            _ => 1i64,
        }))
    })?;
    for (name, idx) in [
        ("ST_MinX", 0usize),
        ("ST_MaxX", 1),
        ("ST_MinY", 2),
        ("ST_MaxY", 3),
    ] {
        conn.create_scalar_function(name, 1, flags, move |ctx| {
            let Some(b) = ctx.get::<Option<Vec<u8>>>(0)? else {
                return Ok(None);
            };
            Ok(match geom::envelope_of(&b) {
                Ok(Some(e)) => Some([e.0, e.1, e.2, e.3][idx]),
                _ => None,
            })
        })?;
    }
    Ok(())
}

/// Creates the GeoPackage core, the project tables and their spatial indexes (empty).
pub fn create(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("BEGIN")?;
    conn.execute_batch(CORE)?;
    conn.execute_batch(QN_META)?;
    insert_base_srs(conn)?;
    for (table, identifier, description) in SITE_TABLES {
        create_site_table_v1(conn, table, identifier, description)?;
    }
    conn.execute_batch(
        "CREATE TABLE industrial_centres (
           fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
           geom MULTIPOINT,
           key TEXT NOT NULL UNIQUE,
           name TEXT NOT NULL,
           name_en TEXT,
           source_para TEXT,
           location_precision TEXT NOT NULL,
           notes TEXT
         );",
    )?;
    register_feature_table(
        conn,
        "industrial_centres",
        "Trung tâm công nghiệp",
        "The five industrial centres of ¶3; geometry = the located plants of centre_plants",
        "MULTIPOINT",
    )?;
    conn.execute(
        "INSERT INTO qn_meta (key, value) VALUES ('schema_version', '1')",
        [],
    )?;
    // A new file takes the same steps as an old one being migrated.
    migration_steps(conn, 1)?;
    conn.execute(
        "INSERT INTO qn_meta (key, value) VALUES ('created_by', ?1)",
        [format!("qn-planner {}", env!("CARGO_PKG_VERSION"))],
    )?;
    conn.execute_batch("COMMIT")?;
    Ok(())
}

/// The three spatial reference systems every GeoPackage carries: undefined cartesian,
/// undefined geographic and WGS 84.
fn insert_base_srs(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            "Undefined cartesian SRS",
            -1,
            "NONE",
            -1,
            "undefined",
            "undefined cartesian coordinate reference system"
        ],
    )?;
    conn.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            "Undefined geographic SRS",
            0,
            "NONE",
            0,
            "undefined",
            "undefined geographic coordinate reference system"
        ],
    )?;
    conn.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            "WGS 84 geodetic",
            4326,
            "EPSG",
            4326,
            WGS84_WKT,
            "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"
        ],
    )?;
    Ok(())
}

/// Makes `conn` (a new, empty database) a plain GeoPackage with one WGS84 feature table
/// `table` whose columns after `fid` and `geom` are `columns` (already quoted, with types).
/// The R-tree is created by [`finish_plain_feature_table`] once the rows are in.
pub fn create_plain_feature_file(
    conn: &Connection,
    table: &str,
    identifier: &str,
    description: &str,
    geometry_type: &str,
    columns: &str,
) -> rusqlite::Result<()> {
    conn.execute_batch(CORE)?;
    insert_base_srs(conn)?;
    let q = super::ident(table);
    conn.execute_batch(&format!(
        "CREATE TABLE {q} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {geometry_type}{columns})"
    ))?;
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
         VALUES (?1, 'features', ?2, ?3, 4326)",
        params![table, identifier, description],
    )?;
    Ok(())
}

/// Registers the geometry column of a table made by [`create_plain_feature_file`] as
/// `geometry_type`, builds its R-tree from the rows and sets its extent.
pub fn finish_plain_feature_table(
    conn: &Connection,
    table: &str,
    geometry_type: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, 0, 0)",
        params![table, geometry_type],
    )?;
    index_and_extent(conn, table)
}

/// A site table as schema 1 made it (later steps add columns).
fn create_site_table_v1(
    conn: &Connection,
    table: &str,
    identifier: &str,
    description: &str,
) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "CREATE TABLE \"{table}\" (
           fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
           geom GEOMETRY,
           name TEXT NOT NULL,
           kind TEXT,
           status TEXT NOT NULL,
           district_2006 TEXT,
           source_para TEXT,
           location_precision TEXT NOT NULL,
           location_source TEXT,
           craft TEXT,
           centre_key TEXT,
           notes TEXT
         );"
    ))?;
    register_feature_table(conn, table, identifier, description, "GEOMETRY")
}

/// Context layers the planner loads or draws (schema 4), with the columns of a site table.
pub const CONTEXT_TABLES: [(&str, &str, &str); 2] = [
    (
        "protected_areas",
        "Vùng bảo vệ",
        "Protected areas loaded or drawn by the planner (e.g. the Hạ Long Bay core zone); none is shipped",
    ),
    (
        "residential_areas",
        "Khu dân cư",
        "Residential areas marked by the planner, for isolation distances",
    ),
];

/// Columns added to every site table by schema 4 (rule checks).
const V4_SITE_COLUMNS: [(&str, &str); 5] = [
    ("is_expansion", "INTEGER"),
    ("occupancy_pct", "DOUBLE"),
    ("occupancy_year", "INTEGER"),
    ("green_buffer_m", "DOUBLE"),
    ("pollution_class", "INTEGER"),
];

const V4_RULES: &str = r#"
CREATE TABLE rules (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  rule_key TEXT NOT NULL UNIQUE,
  check_kind TEXT NOT NULL,
  params TEXT NOT NULL,
  instrument TEXT,
  article TEXT,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  source TEXT,
  confidence TEXT,
  enabled INTEGER NOT NULL DEFAULT 1,
  note TEXT
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
  VALUES ('rules', 'attributes', 'Quy định', 'Zone and cluster rules as data: check, figures (JSON), instrument, article, period in force, source, confidence (✔ ~ ✘)');
"#;

/// Writes `rules` into the (empty or emptied) rules table.
pub fn insert_rules(
    conn: &Connection,
    rules: &[crate::model::rules::Rule],
) -> rusqlite::Result<()> {
    for r in rules {
        conn.execute(
            "INSERT INTO rules (fid, rule_key, check_kind, params, instrument, article, valid_from, valid_to, source, confidence, enabled, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                (r.id > 0).then_some(r.id),
                r.key,
                r.check.as_str(),
                serde_json::to_string(&r.params).unwrap_or_else(|_| "{}".into()),
                r.instrument,
                r.article,
                r.valid_from,
                r.valid_to,
                r.source,
                r.confidence,
                i64::from(r.enabled),
                r.note
            ],
        )?;
    }
    Ok(())
}

fn register_feature_table(
    conn: &Connection,
    table: &str,
    identifier: &str,
    description: &str,
    geometry_type: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
         VALUES (?1, 'features', ?2, ?3, 4326)",
        params![table, identifier, description],
    )?;
    conn.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, 0, 0)",
        params![table, geometry_type],
    )?;
    create_rtree(conn, table, "geom", "fid")
}

/// Creates the R-tree index of `table.col` with the GeoPackage 1.2 trigger set.
pub fn create_rtree(conn: &Connection, t: &str, c: &str, i: &str) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE \"rtree_{t}_{c}\" USING rtree(id, minx, maxx, miny, maxy);"
    ))?;
    create_rtree_triggers(conn, t, c, i)
}

/// The triggers that keep the R-tree `rtree_<t>_<c>` in step with table `t`, and the
/// extension row that declares it (the R-tree itself exists already).
pub fn create_rtree_triggers(conn: &Connection, t: &str, c: &str, i: &str) -> rusqlite::Result<()> {
    let r = format!("rtree_{t}_{c}");
    conn.execute_batch(&format!(
        r#"
CREATE TRIGGER "{r}_insert" AFTER INSERT ON "{t}"
  WHEN (new."{c}" NOT NULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN
  INSERT OR REPLACE INTO "{r}" VALUES (NEW."{i}", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}"));
END;
CREATE TRIGGER "{r}_update1" AFTER UPDATE OF "{c}" ON "{t}"
  WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN
  INSERT OR REPLACE INTO "{r}" VALUES (NEW."{i}", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}"));
END;
CREATE TRIGGER "{r}_update2" AFTER UPDATE OF "{c}" ON "{t}"
  WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}"))
BEGIN
  DELETE FROM "{r}" WHERE id = OLD."{i}";
END;
CREATE TRIGGER "{r}_update3" AFTER UPDATE ON "{t}"
  WHEN OLD."{i}" != NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN
  DELETE FROM "{r}" WHERE id = OLD."{i}";
  INSERT OR REPLACE INTO "{r}" VALUES (NEW."{i}", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}"));
END;
CREATE TRIGGER "{r}_update4" AFTER UPDATE ON "{t}"
  WHEN OLD."{i}" != NEW."{i}" AND (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}"))
BEGIN
  DELETE FROM "{r}" WHERE id IN (OLD."{i}", NEW."{i}");
END;
CREATE TRIGGER "{r}_delete" AFTER DELETE ON "{t}"
  WHEN old."{c}" NOT NULL
BEGIN
  DELETE FROM "{r}" WHERE id = OLD."{i}";
END;
"#
    ))?;
    conn.execute(
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
         VALUES (?1, ?2, 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        params![t, c],
    )?;
    Ok(())
}

/// Recomputes the extent of `table` in `gpkg_contents` from its R-tree and marks it changed.
pub fn update_extent(conn: &Connection, t: &str) -> rusqlite::Result<()> {
    let (x0, x1, y0, y1): (Option<f64>, Option<f64>, Option<f64>, Option<f64>) = conn.query_row(
        &format!("SELECT min(minx), max(maxx), min(miny), max(maxy) FROM \"rtree_{t}_geom\""),
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    conn.execute(
        "UPDATE gpkg_contents SET min_x = ?1, max_x = ?2, min_y = ?3, max_y = ?4,
           last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?5",
        params![x0, x1, y0, y1, t],
    )?;
    Ok(())
}

/// Recomputes the extent of every feature table in `gpkg_contents` from its R-tree.
pub fn update_extents(conn: &Connection) -> rusqlite::Result<()> {
    let tables: Vec<String> = conn
        .prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for t in tables {
        update_extent(conn, &t)?;
    }
    Ok(())
}

/// Columns added to every site table by schema 2 (drafting: phase, area, investment…).
const V2_SITE_COLUMNS: [(&str, &str); 7] = [
    ("planned_phase", "TEXT"),
    ("area_ha", "DOUBLE"),
    ("main_industries", "TEXT"),
    ("investment_bn_vnd", "DOUBLE"),
    ("jobs", "INTEGER"),
    ("decision_year", "INTEGER"),
    ("accepted_warnings", "TEXT"),
];

/// Applies every step after schema `from` and records the new version. Runs inside the
/// caller's transaction.
fn migration_steps(conn: &Connection, from: i64) -> rusqlite::Result<()> {
    if from < 2 {
        for (table, _, _) in SITE_TABLES {
            for (col, ty) in V2_SITE_COLUMNS {
                conn.execute_batch(&format!("ALTER TABLE \"{table}\" ADD COLUMN {col} {ty};"))?;
            }
        }
    }
    if from < 3 {
        conn.execute_batch(V3_SCENARIOS)?;
        for (table, identifier, description) in V3_ATTRIBUTE_TABLES {
            conn.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
                 VALUES (?1, 'attributes', ?2, ?3)",
                params![table, identifier, description],
            )?;
        }
        seed_reference_scenario(conn)?;
        seed_reported_actuals(conn)?;
    }
    if from < 4 {
        for (table, _, _) in SITE_TABLES {
            for (col, ty) in V4_SITE_COLUMNS {
                conn.execute_batch(&format!("ALTER TABLE \"{table}\" ADD COLUMN {col} {ty};"))?;
            }
        }
        for (table, identifier, description) in CONTEXT_TABLES {
            create_site_table_v1(conn, table, identifier, description)?;
            for (col, ty) in V2_SITE_COLUMNS.iter().chain(V4_SITE_COLUMNS.iter()) {
                conn.execute_batch(&format!("ALTER TABLE \"{table}\" ADD COLUMN {col} {ty};"))?;
            }
        }
        conn.execute_batch(V4_RULES)?;
        let rules = crate::model::rules::seed_rules().map_err(|e| {
            rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e)))
        })?;
        insert_rules(conn, &rules)?;
    }
    if from < 5 {
        v5_typed_geometries(conn)?;
        v5_rule_texts_in_vietnamese(conn)?;
        v5_seed_texts_in_vietnamese(conn)?;
    }
    if from < 6 {
        v6_document_figures(conn)?;
    }
    if from < 7 {
        v7_change_log(conn)?;
    }
    if from < 8 {
        conn.execute_batch(V8_SYNC)?;
    }
    if from < 9 {
        v9_guarded_sites(conn)?;
    }
    conn.execute(
        "UPDATE qn_meta SET value = ?1 WHERE key = 'schema_version'",
        [SCHEMA_VERSION.to_string()],
    )?;
    Ok(())
}

/// Schema 9: the site tables guard themselves against every program. Triggers refuse a value
/// the app would refuse (see [`super::domain`]), whoever writes it; `qn_session.app` is set
/// for the length of qn-planner's own write transactions, and a position another program
/// changes (a point moved in QGIS, a boundary reshaped) is marked drafted, as the app marks its
/// own: no moved point claims to be surveyed.
fn v9_guarded_sites(conn: &Connection) -> rusqlite::Result<()> {
    // A conflict may also be a value from the server that breaks a rule of the file.
    conn.execute_batch(
        "ALTER TABLE qn_session ADD COLUMN app INTEGER;
         ALTER TABLE qn_conflicts ADD COLUMN reason TEXT;",
    )?;
    for (table, _, _) in SITE_TABLES.iter().chain(CONTEXT_TABLES.iter()) {
        install_site_guards(conn, table)?;
    }
    install_centre_triggers(conn)?;
    // The centres as their plants are now.
    conn.execute_batch(&format!(
        "UPDATE industrial_centres SET geom = {}",
        centre_geom_sql("industrial_centres.key")
    ))?;
    Ok(())
}

/// SQL for the geometry of the centre whose key is `key` (an SQL expression): a MULTIPOINT
/// GeoPackage blob (`GP`, version 0, little-endian, no envelope, SRS 4326) of its located
/// plants in fid order, NULL when none is located. Written in
/// plain SQL (no function of qn-planner's), so a plant moved by QGIS or the sqlite3 shell
/// moves its centre too: each plant's 2-D point WKB is cut out of its blob after the header
/// and the envelope its flags declare, and the blob is made without an envelope (the R-tree
/// triggers compute the extent). A centre of more than 64 located plants is left as it is.
fn centre_geom_sql(key: &str) -> String {
    // The flags byte (the 4th) as a number, from its two hex digits.
    let flags = "((instr('0123456789ABCDEF', substr(hex(p.geom), 7, 1)) - 1) * 16 \
                 + instr('0123456789ABCDEF', substr(hex(p.geom), 8, 1)) - 1)";
    let envelope = format!(
        "(CASE (({flags}) / 2) % 8 WHEN 0 THEN 0 WHEN 1 THEN 32 WHEN 2 THEN 48 WHEN 3 THEN 48 WHEN 4 THEN 64 END)"
    );
    let wkb = format!("substr(p.geom, 9 + {envelope}, 21)");
    let counts: String = (1..=64u32)
        .map(|n| format!(" WHEN {n} THEN X'{}'", hex_le(n)))
        .collect();
    format!(
        "(SELECT CASE WHEN count(*) = 0 OR count(*) > 64 THEN NULL ELSE
            CAST(X'47500001E6100000' || X'0104000000' || (CASE count(*){counts} END)
                 || group_concat(w, '') AS BLOB) END
          FROM (SELECT {wkb} AS w FROM centre_plants p
                WHERE p.centre_key = {key} AND p.geom IS NOT NULL
                  AND hex(substr({wkb}, 1, 5)) IN ('0101000000', '0000000001')
                ORDER BY p.fid))"
    )
}

/// `n` as 4 little-endian bytes in hex.
fn hex_le(n: u32) -> String {
    n.to_le_bytes().iter().map(|b| format!("{b:02X}")).collect()
}

/// The triggers that keep each industrial centre's geometry the multipoint of its located
/// plants, whoever moves, adds, removes or reassigns a plant.
pub fn install_centre_triggers(conn: &Connection) -> rusqlite::Result<()> {
    let set = |key: &str| {
        format!(
            "UPDATE industrial_centres SET geom = {} WHERE key = {key};",
            centre_geom_sql(key)
        )
    };
    conn.execute_batch(&format!(
        "DROP TRIGGER IF EXISTS qn_centre_plant_insert;
         CREATE TRIGGER qn_centre_plant_insert AFTER INSERT ON centre_plants
         BEGIN {new} END;
         DROP TRIGGER IF EXISTS qn_centre_plant_update;
         CREATE TRIGGER qn_centre_plant_update AFTER UPDATE OF geom, centre_key ON centre_plants
         BEGIN {new} {old} END;
         DROP TRIGGER IF EXISTS qn_centre_plant_delete;
         CREATE TRIGGER qn_centre_plant_delete AFTER DELETE ON centre_plants
         BEGIN {old} END;",
        new = set("NEW.centre_key"),
        old = set("OLD.centre_key"),
    ))
}

/// The Vietnamese label of a stored location precision, as SQL over `col`.
fn precision_label_sql(col: &str) -> String {
    let whens: String = [
        crate::model::Precision::Site,
        crate::model::Precision::CommuneCentre,
        crate::model::Precision::Approximate,
        crate::model::Precision::NotLocated,
        crate::model::Precision::Drafted,
    ]
    .iter()
    .map(|p| {
        format!(
            " WHEN '{}' THEN '{}'",
            p.as_str(),
            p.label(crate::lang::Language::Vi)
        )
    })
    .collect();
    format!("CASE {col}{whens} ELSE {col} END")
}

/// (Re)creates the guards of site table `table`: its domain triggers and the trigger that
/// marks a position changed outside qn-planner as drafted (on the table and on its boundary
/// table).
pub fn install_site_guards(conn: &Connection, table: &str) -> rusqlite::Result<()> {
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info(?1)")?
        .query_map([table], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    conn.execute_batch(&super::domain::sqlite_triggers(table, &cols))?;
    let t = super::ident(table);
    let label = precision_label_sql("OLD.location_precision");
    let drafted = |name: &str, on: &str, when: &str, target: &str| {
        let n = super::ident(name);
        format!(
            "DROP TRIGGER IF EXISTS {n};
             CREATE TRIGGER {n} AFTER UPDATE OF geom ON {on}
               WHEN coalesce((SELECT app FROM qn_session WHERE id = 1), 0) = 0
                 AND NEW.geom IS NOT OLD.geom AND NEW.geom IS NOT NULL{when}
             BEGIN
               UPDATE {t} SET location_precision = 'drafted',
                 location_source = 'di chuyển ngoài qn-planner ngày ' || date('now'),
                 notes = CASE WHEN trim(coalesce(OLD.location_source, '')) = '' THEN notes
                   ELSE coalesce(nullif(notes, '') || char(10), '') || '{earlier}: ' || {label}
                     || ' — ' || OLD.location_source END
               WHERE {target};
             END;",
            earlier = crate::model::EARLIER_LOCATION_VI,
        )
    };
    // OLD.* in the boundary's trigger would be the boundary row: the site's own values are
    // read there.
    let mut sql = drafted(
        &format!("qn_drafted_{table}"),
        &t,
        " AND NEW.location_precision IS OLD.location_precision",
        "fid = NEW.fid",
    );
    if let Some(b) = crate::model::Layer::from_table(table).and_then(|l| l.boundary_table()) {
        let site = format!("(SELECT s.%c FROM {t} s WHERE s.site_key = NEW.site_key)");
        let b_label = precision_label_sql(&site.replace("%c", "location_precision"));
        let n = super::ident(&format!("qn_drafted_{b}"));
        sql.push_str(&format!(
            "DROP TRIGGER IF EXISTS {n};
             CREATE TRIGGER {n} AFTER UPDATE OF geom ON {bq}
               WHEN coalesce((SELECT app FROM qn_session WHERE id = 1), 0) = 0
                 AND NEW.geom IS NOT OLD.geom AND NEW.geom IS NOT NULL
             BEGIN
               UPDATE {t} SET location_precision = 'drafted',
                 location_source = 'di chuyển ngoài qn-planner ngày ' || date('now'),
                 notes = CASE WHEN trim(coalesce(location_source, '')) = '' THEN notes
                   ELSE coalesce(nullif(notes, '') || char(10), '') || '{earlier}: ' || {b_label}
                     || ' — ' || location_source END
               WHERE site_key = NEW.site_key;
             END;",
            bq = super::ident(b),
            earlier = crate::model::EARLIER_LOCATION_VI,
        ));
    }
    conn.execute_batch(&sql)
}

/// Schema 8: sync with the shared plan. `qn_oplog.server_seq` says where an operation stands:
/// NULL while the server has not acknowledged it, else the server's sequence number for it
/// (0: it never goes there — a conflict settled with the server's value made it moot).
/// `qn_conflicts` keeps each conflict a sync found: the same field changed to different values
/// here and on the server (`field` is the column), or the record updated on one side and
/// deleted on the other (`field` is `*`), with the base, local and server values as stored (a
/// geometry as its GeoPackage blob), until the planner decides (`resolution`).
const V8_SYNC: &str = "
ALTER TABLE qn_oplog ADD COLUMN server_seq INTEGER;
CREATE INDEX qn_oplog_pending ON qn_oplog (server_seq) WHERE server_seq IS NULL;
CREATE TABLE qn_conflicts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tbl TEXT NOT NULL,
  record_key TEXT NOT NULL,
  field TEXT NOT NULL,
  base,
  mine,
  theirs,
  mine_deleted INTEGER NOT NULL DEFAULT 0,
  theirs_deleted INTEGER NOT NULL DEFAULT 0,
  theirs_author TEXT,
  theirs_at TEXT,
  found_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  resolution TEXT CHECK (resolution IN ('mine', 'theirs', 'value')),
  resolved_by TEXT,
  resolved_at TEXT,
  refetch INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX qn_conflicts_open ON qn_conflicts (tbl, record_key, field)
  WHERE resolved_at IS NULL;
";

/// Schema 3: planning scenarios and actual results, as attributes tables (QGIS lists them).
const V3_SCENARIOS: &str = r#"
CREATE TABLE scenarios (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  author_notes TEXT,
  created TEXT,
  modified TEXT,
  is_reference INTEGER NOT NULL DEFAULT 0,
  sector_shares TEXT,
  priority_districts TEXT
);
CREATE TABLE scenario_phasing (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  scenario_id INTEGER NOT NULL,
  site_table TEXT NOT NULL,
  site_fid INTEGER NOT NULL,
  open_year INTEGER,
  land_ha DOUBLE
);
CREATE TABLE scenario_growth (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  scenario_id INTEGER NOT NULL,
  from_year INTEGER NOT NULL,
  to_year INTEGER NOT NULL,
  rate_pct DOUBLE NOT NULL
);
CREATE TABLE scenario_programme (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  scenario_id INTEGER NOT NULL,
  year INTEGER NOT NULL,
  projects INTEGER,
  total_capital_bn_vnd DOUBLE,
  funds_bn_vnd DOUBLE,
  social_capital_bn_vnd DOUBLE
);
CREATE TABLE actuals (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  indicator TEXT NOT NULL,
  period TEXT NOT NULL,
  year INTEGER,
  value DOUBLE,
  unit TEXT,
  price_basis TEXT,
  scope TEXT,
  source TEXT,
  quote TEXT,
  kind TEXT NOT NULL
);
"#;

const V3_ATTRIBUTE_TABLES: [(&str, &str, &str); 5] = [
    (
        "scenarios",
        "Kịch bản quy hoạch",
        "Planning scenarios (one is the reference); sector_shares is an assumption (JSON)",
    ),
    (
        "scenario_phasing",
        "Phân kỳ địa điểm",
        "Year each site opens in each scenario (NULL = not in the scenario); land_ha entered where no polygon",
    ),
    (
        "scenario_growth",
        "Tốc độ tăng trưởng",
        "Annual growth of industrial output per period, entered by the planner",
    ),
    (
        "scenario_programme",
        "Chương trình khuyến công",
        "Industrial-extension programme years entered by the planner (2006–2007 come from the document)",
    ),
    (
        "actuals",
        "Số liệu thực tế",
        "Actual values of indicators: entered by the planner or reported, with source",
    ),
];

/// The actual results reported after 2007 (`maps/seed/actuals.csv`), each with its source.
fn seed_reported_actuals(conn: &Connection) -> rusqlite::Result<()> {
    let rows = crate::model::seed::seed_actuals().map_err(|e| {
        rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e.to_string())))
    })?;
    for a in rows {
        conn.execute(
            "INSERT INTO actuals (indicator, period, year, value, unit, price_basis, scope, source, quote, kind)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![a.indicator, a.period, a.year, a.value, a.unit, a.price_basis, a.scope, a.source, a.quote, a.kind.as_str()],
        )?;
    }
    Ok(())
}

/// The reference scenario every project starts with: the 2007 report's plan (its texts in
/// Vietnamese, the department's language; the planner can edit them).
fn seed_reference_scenario(conn: &Connection) -> rusqlite::Result<()> {
    let districts = serde_json::to_string(&crate::model::scenario::DEFAULT_PRIORITY_DISTRICTS)
        .unwrap_or_else(|_| "[]".into());
    conn.execute(
        "INSERT INTO scenarios (name, description, author_notes, created, modified, is_reference, priority_districts)
         VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ','now'), strftime('%Y-%m-%dT%H:%M:%SZ','now'), 1, ?4)",
        params![
            "Quy hoạch 2007 (tham chiếu)",
            "Kế hoạch theo báo cáo năm 2007: các khu, cụm đã thành lập hoạt động từ 2006 (¶9); các cụm dự kiến chưa xếp năm; giá trị sản xuất theo ¶4, ¶10.",
            "Do qn-planner tạo sẵn. Báo cáo không có tốc độ tăng trưởng sau 2007: nhập theo từng giai đoạn.",
            districts
        ],
    )?;
    fill_reference_phasing(conn)
}

/// Gives the reference scenario a phasing row for every site that has none: established sites
/// open in 2006 (¶9), the others are not scheduled.
pub fn fill_reference_phasing(conn: &Connection) -> rusqlite::Result<()> {
    let id: Option<i64> = conn
        .query_row(
            "SELECT fid FROM scenarios WHERE is_reference = 1 ORDER BY fid LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let Some(id) = id else { return Ok(()) };
    for (table, _, _) in SITE_TABLES {
        conn.execute(
            &format!(
                "INSERT INTO scenario_phasing (scenario_id, site_table, site_fid, open_year)
                 SELECT ?1, ?2, fid, CASE status WHEN 'established' THEN ?3 ELSE NULL END FROM \"{table}\" t
                 WHERE NOT EXISTS (SELECT 1 FROM scenario_phasing p
                                   WHERE p.scenario_id = ?1 AND p.site_table = ?2 AND p.site_fid = t.fid)"
            ),
            params![id, table, crate::model::years::BASE],
        )?;
    }
    // From schema 7 the rows carry the keys that identify them in every copy.
    let keyed = conn
        .prepare("SELECT 1 FROM pragma_table_info('scenario_phasing') WHERE name = 'key'")?
        .exists([])?;
    if keyed {
        key_phasing_rows(conn)?;
    }
    Ok(())
}

/// Gives phasing rows without a key their scenario's key, their site's key and their own
/// (`scenario key:site key`: the same row in every copy, whoever makes it).
fn key_phasing_rows(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "UPDATE scenario_phasing SET scenario_key = (SELECT key FROM scenarios s WHERE s.fid = scenario_id)
         WHERE scenario_key IS NULL;",
    )?;
    for (table, _, _) in SITE_TABLES {
        conn.execute(
            &format!(
                "UPDATE scenario_phasing SET site_key = (SELECT site_key FROM \"{table}\" t WHERE t.fid = site_fid)
                 WHERE site_key IS NULL AND site_table = ?1"
            ),
            [table],
        )?;
    }
    conn.execute_batch(
        "UPDATE scenario_phasing SET key = scenario_key || ':' || coalesce(site_key, site_table || '#' || site_fid)
         WHERE key IS NULL;",
    )?;
    Ok(())
}

/// Brings a file from schema `from` up to [`SCHEMA_VERSION`] in one transaction: all steps
/// or none.
pub fn migrate(conn: &Connection, from: i64) -> rusqlite::Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    match migration_steps(conn, from) {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// A new random (version 4) UUID written by SQLite itself, so that a row inserted by any
/// SQLite client (QGIS, GDAL, the sqlite3 shell) gets a key through the same trigger.
pub const SQL_NEW_KEY: &str = "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' \
    || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) \
    || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))";

/// Schema 5: geometry types QGIS can edit. Each planning layer's table becomes a POINT layer
/// (the site's location) with a stable `site_key`, and its boundaries move to a MULTIPOLYGON
/// layer `<table>_boundary` linked by `site_key`; protected and residential areas become
/// MULTIPOLYGON layers. Data is kept: a polygon site keeps its polygon as its boundary and gets
/// a point inside it as its location; anything a typed layer cannot hold is written into the
/// record's notes, never dropped.
fn v5_typed_geometries(conn: &Connection) -> rusqlite::Result<()> {
    use geo::InteriorPoint;
    use geo_types::{Geometry, MultiPolygon};
    for (table, identifier, _) in SITE_TABLES {
        retype_site_table(conn, table, "POINT")?;
        let boundary = format!("{table}_boundary");
        create_boundary_table(conn, table, &boundary, identifier)?;
        let rows = geometry_rows(conn, table)?;
        for (fid, blob, key) in rows {
            let g = match geom::decode(&blob) {
                Ok(d) => d.geometry,
                Err(_) => continue, // an unreadable blob stays as it was; opening reports it
            };
            let (point, area): (Option<Geometry<f64>>, Option<MultiPolygon<f64>>) = match g {
                Some(Geometry::Polygon(p)) => (
                    p.interior_point().map(Geometry::Point),
                    Some(MultiPolygon(vec![p])),
                ),
                Some(Geometry::MultiPolygon(mp)) => {
                    (mp.interior_point().map(Geometry::Point), Some(mp))
                }
                Some(Geometry::MultiPoint(mp)) if mp.0.len() == 1 => {
                    (Some(Geometry::Point(mp.0[0])), None)
                }
                Some(g @ Geometry::Point(_)) => (Some(g), None),
                None => (None, None),
                Some(other) => {
                    keep_in_notes(conn, table, fid, &other)?;
                    (None, None)
                }
            };
            conn.execute(
                &format!("UPDATE \"{table}\" SET geom = ?1 WHERE fid = ?2"),
                params![point.map(|g| geom::encode(&g, 4326)), fid],
            )?;
            if let Some(mp) = area {
                conn.execute(
                    &format!("INSERT INTO \"{boundary}\" (geom, site_key) VALUES (?1, ?2)"),
                    params![geom::encode(&Geometry::MultiPolygon(mp), 4326), key],
                )?;
            }
        }
        index_and_extent(conn, table)?;
        update_extent(conn, &boundary)?;
    }
    for (table, _, _) in CONTEXT_TABLES {
        retype_site_table(conn, table, "MULTIPOLYGON")?;
        for (fid, blob, _) in geometry_rows(conn, table)? {
            let g = match geom::decode(&blob) {
                Ok(d) => d.geometry,
                Err(_) => continue,
            };
            let area = match g {
                Some(Geometry::Polygon(p)) => Some(MultiPolygon(vec![p])),
                Some(Geometry::MultiPolygon(mp)) => Some(mp),
                None => None,
                Some(other) => {
                    keep_in_notes(conn, table, fid, &other)?;
                    None
                }
            };
            conn.execute(
                &format!("UPDATE \"{table}\" SET geom = ?1 WHERE fid = ?2"),
                params![
                    area.map(|mp| geom::encode(&Geometry::MultiPolygon(mp), 4326)),
                    fid
                ],
            )?;
        }
        index_and_extent(conn, table)?;
    }
    Ok(())
}

/// `(fid, geometry blob, site_key)` of every row of `table` with a geometry.
fn geometry_rows(conn: &Connection, table: &str) -> rusqlite::Result<Vec<(i64, Vec<u8>, String)>> {
    conn.prepare(&format!(
        "SELECT fid, geom, site_key FROM \"{table}\" WHERE geom IS NOT NULL ORDER BY fid"
    ))?
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
    .collect()
}

/// Writes a geometry the typed layer cannot hold into the record's notes (as WKT), so the
/// planner still has it.
fn keep_in_notes(
    conn: &Connection,
    table: &str,
    fid: i64,
    g: &geo_types::Geometry<f64>,
) -> rusqlite::Result<()> {
    let text = geojson::Geometry::new(geojson::GeometryValue::from(g)).to_string();
    conn.execute(
        &format!(
            "UPDATE \"{table}\" SET notes = trim(coalesce(notes, '') || char(10) || ?1, char(10)) WHERE fid = ?2"
        ),
        params![
            format!("Geometry this layer cannot hold, kept from schema 4 (GeoJSON): {text}"),
            fid
        ],
    )?;
    Ok(())
}

/// Rebuilds site table `table` with its geometry column declared `geometry_type` and a
/// `site_key` column (a UUID for every row, and for every row any program inserts later), all
/// other columns, rows and fids kept. The R-tree is rebuilt by [`index_and_extent`].
fn retype_site_table(conn: &Connection, table: &str, geometry_type: &str) -> rusqlite::Result<()> {
    let cols: Vec<(String, String, bool)> = conn
        .prepare("SELECT name, type, \"notnull\" FROM pragma_table_info(?1) ORDER BY cid")?
        .query_map([table], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? != 0))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let cols: Vec<(String, String, bool)> = cols
        .into_iter()
        .filter(|(n, _, _)| n != "fid" && n != "geom" && n != "site_key")
        .collect();
    // Names quoted, types from the whitelist: an older file may have been made by anyone.
    let ddl: String = cols
        .iter()
        .map(|(n, t, nn)| {
            format!(
                ", {} {}{}",
                super::ident(n),
                super::column_type(t),
                if *nn { " NOT NULL" } else { "" }
            )
        })
        .collect();
    let names: String = cols
        .iter()
        .map(|(n, _, _)| format!(", {}", super::ident(n)))
        .collect();
    let seq: Option<i64> = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = ?1",
            [table],
            |r| r.get(0),
        )
        .optional()?;
    let new = format!("{table}__v5");
    conn.execute_batch(&format!(
        "CREATE TABLE \"{new}\" (
           fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
           geom {geometry_type},
           site_key TEXT UNIQUE{ddl}
         );
         INSERT INTO \"{new}\" (fid, geom, site_key{names})
           SELECT fid, geom, {SQL_NEW_KEY}{names} FROM \"{table}\" ORDER BY fid;
         DROP TABLE \"{table}\";
         DROP TABLE IF EXISTS \"rtree_{table}_geom\";
         DELETE FROM gpkg_extensions WHERE table_name = '{table}' AND extension_name = 'gpkg_rtree_index';
         ALTER TABLE \"{new}\" RENAME TO \"{table}\";
         UPDATE gpkg_geometry_columns SET geometry_type_name = '{geometry_type}' WHERE table_name = '{table}';
         CREATE TRIGGER \"qn_{table}_site_key\" AFTER INSERT ON \"{table}\"
           WHEN NEW.site_key IS NULL
         BEGIN
           UPDATE \"{table}\" SET site_key = {SQL_NEW_KEY} WHERE fid = NEW.fid;
         END;"
    ))?;
    if let Some(seq) = seq {
        conn.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = ?2",
            params![seq, table],
        )?;
    }
    Ok(())
}

/// Creates the R-tree of `table.geom`, fills it from the rows already there and sets the
/// table's extent.
fn index_and_extent(conn: &Connection, table: &str) -> rusqlite::Result<()> {
    create_rtree(conn, table, "geom", "fid")?;
    let (q, r) = (
        super::ident(table),
        super::ident(&format!("rtree_{table}_geom")),
    );
    conn.execute(
        &format!(
            "INSERT OR REPLACE INTO {r} SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom)
             FROM {q} WHERE geom NOT NULL AND NOT ST_IsEmpty(geom)"
        ),
        [],
    )?;
    update_extent(conn, table)
}

/// The MULTIPOLYGON layer of the boundaries of `site_table`'s sites, linked by `site_key`; a
/// site deleted by any program takes its boundary with it.
fn create_boundary_table(
    conn: &Connection,
    site_table: &str,
    boundary: &str,
    identifier: &str,
) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "CREATE TABLE \"{boundary}\" (
           fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
           geom MULTIPOLYGON,
           site_key TEXT NOT NULL UNIQUE
         );"
    ))?;
    register_feature_table(
        conn,
        boundary,
        &format!("{identifier} (ranh giới)"),
        &format!(
            "Boundaries of the sites of {site_table}, linked to their point by site_key (draw one in QGIS and set its site_key)"
        ),
        "MULTIPOLYGON",
    )?;
    conn.execute_batch(&format!(
        "CREATE TRIGGER \"qn_{site_table}_delete_boundary\" AFTER DELETE ON \"{site_table}\"
         BEGIN
           DELETE FROM \"{boundary}\" WHERE site_key = OLD.site_key;
         END;"
    ))
}

/// The rule texts schema 4 seeded in English, as `(rule_key, column, text)`.
const V4_ENGLISH_RULE_TEXTS: [(&str, &str, &str); 16] = [
    (
        "ccn_area_qd105_2009",
        "note",
        "“không quá 50 ha… sau khi mở rộng cũng không vượt quá 75 ha”; no minimum; read only in secondary sources (RULES.md #1). Replaced by NĐ 68/2017 (date of change unconfirmed).",
    ),
    (
        "ccn_area_nd68_2017",
        "note",
        "10–75 ha; mountainous districts and craft-village clusters ≥5 ha (RULES.md #2); effective date about 15/07/2017 (unconfirmed). Which districts count as mountainous is an assumption of qn-planner: edit the list.",
    ),
    (
        "ccn_area_nd32_2024",
        "note",
        "“không vượt quá 75 ha và không dưới 10 ha… huyện miền núi và… làng nghề… không dưới 05 ha” (RULES.md #4). The mountainous-district list is an assumption of qn-planner: edit it.",
    ),
    (
        "ccn_occupancy_nd66_2020",
        "note",
        "New CCN: district average occupancy >50 % or unleased land <50 ha; the cluster must be in the provincial plan (RULES.md #3).",
    ),
    (
        "ccn_occupancy_nd32_2024",
        "note",
        "New: >50 % or unleased ≤100 ha; expansion: total ≤75 ha, at least 60 % leased and the shared infrastructure built (RULES.md #5).",
    ),
    (
        "kcn_occupancy_nd29_2008",
        "note",
        "New KCN: ≥60 % of the province's industrial-zone land leased (RULES.md #6); effective date of NĐ 29/2008 taken as its issue date.",
    ),
    (
        "kcn_occupancy_nd164_2013",
        "note",
        "New KCN: “ít nhất là 60%” of provincial KCN land leased; expansion: “tỷ lệ lấp đầy tối thiểu 60%” and a central WWTP (RULES.md #7).",
    ),
    (
        "kcn_phase_nd35_2022",
        "note",
        "A KCN over 500 ha must be built in phases of ≤500 ha each (RULES.md #8).",
    ),
    (
        "green_buffer_qcvn01_2019",
        "note",
        "Same 10 m green strip as QCVN 01:2021 (RULES.md #9).",
    ),
    (
        "green_buffer_qcvn01_2021",
        "note",
        "Green strip around a KCN/CCN “chiều rộng ≥ 10 m” (RULES.md #9).",
    ),
    (
        "isolation_tcvn4449_1987",
        "note",
        "Sanitary isolation distance to residential areas by pollution class: I 1000 m, II 500, III 300, IV 100, V 50 (RULES.md #12). Validity start taken as 1987.",
    ),
    (
        "protected_halong_core",
        "note",
        "No industry in the Hạ Long Bay core zone (434 km²) and its buffer; the official boundary is not shipped: load or draw it in the Protected areas layer (RULES.md #14). Start date approximate.",
    ),
    (
        "ccn_occupancy_nd66_2020",
        "instrument",
        "NĐ 66/2020/NĐ-CP (amending NĐ 68/2017)",
    ),
    (
        "ccn_occupancy_nd32_2024",
        "article",
        "article unconfirmed (✘)",
    ),
    (
        "kcn_occupancy_nd164_2013",
        "instrument",
        "NĐ 164/2013/NĐ-CP amending Điều 5 NĐ 29/2008",
    ),
    ("kcn_occupancy_nd164_2013", "article", "Điều 5 (amended)"),
];

/// Schema 5: the seeded rules' notes, instruments and articles in Vietnamese, the planners'
/// language. Only a text still as schema 4 seeded it is replaced: a planner's edit is kept.
fn v5_rule_texts_in_vietnamese(conn: &Connection) -> rusqlite::Result<()> {
    let seeded = crate::model::rules::seed_rules()
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e))))?;
    for (key, column, english) in V4_ENGLISH_RULE_TEXTS {
        let Some(rule) = seeded.iter().find(|r| r.key == key) else {
            continue;
        };
        let now = match column {
            "note" => &rule.note,
            "instrument" => &rule.instrument,
            _ => &rule.article,
        };
        conn.execute(
            &format!(
                "UPDATE rules SET \"{column}\" = ?1 WHERE rule_key = ?2 AND \"{column}\" = ?3"
            ),
            params![now, key, english],
        )?;
    }
    Ok(())
}

/// Schema 5: the seeded sites' notes and location sources and the centres' notes in
/// Vietnamese. Only a text still as schema 4 seeded it is replaced: a planner's edit is kept.
fn v5_seed_texts_in_vietnamese(conn: &Connection) -> rusqlite::Result<()> {
    let changes = crate::model::seed::texts_changed_since_v4().map_err(|e| {
        rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e.to_string())))
    })?;
    let scopes = crate::model::seed::actual_scopes_changed_since_v4().map_err(|e| {
        rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e.to_string())))
    })?;
    for (indicator, period, then, now) in scopes {
        conn.execute(
            "UPDATE actuals SET scope = ?1
             WHERE kind = 'reported' AND indicator = ?2 AND period = ?3 AND scope = ?4",
            params![now, indicator, period, then],
        )?;
    }
    for (table, name, column, then, now) in changes {
        let by = if table == "industrial_centres" {
            "key"
        } else {
            "name"
        };
        conn.execute(
            &format!(
                "UPDATE \"{table}\" SET \"{column}\" = ?1 WHERE \"{by}\" = ?2 AND \"{column}\" = ?3"
            ),
            params![now, name, then],
        )?;
    }
    Ok(())
}

/// Schema 6: the report's figures that the scenario engine starts from, as an attributes
/// table (QGIS lists it) that the planner can correct: one row per figure with its stable key,
/// paragraph, unit, the value as the report gives it and the value the project uses.
fn v6_document_figures(conn: &Connection) -> rusqlite::Result<()> {
    use crate::lang::Language;
    use crate::model::figures::Figure;
    conn.execute_batch(
        "CREATE TABLE document_figures (
           fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
           key TEXT NOT NULL UNIQUE,
           label TEXT NOT NULL,
           value DOUBLE NOT NULL,
           unit TEXT NOT NULL,
           paragraph TEXT NOT NULL,
           document_value DOUBLE NOT NULL,
           note TEXT
         );",
    )?;
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
         VALUES ('document_figures', 'attributes', 'Số liệu của báo cáo 2007', ?1)",
        ["Figures of the 2007 report the scenarios start from, each with its paragraph; value = what the project uses, document_value = as the report gives it"],
    )?;
    for f in Figure::ALL {
        conn.execute(
            "INSERT INTO document_figures (key, label, value, unit, paragraph, document_value, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?3, ?6)",
            params![
                f.key(),
                f.label(Language::Vi),
                f.document_value(),
                f.unit().stored(),
                f.paragraph(),
                f.note()
            ],
        )?;
    }
    Ok(())
}

/// The tables whose edits the change log records, with the column that holds each record's
/// stable key: the planning and context layers and the boundaries (by `site_key`), the
/// report's figures, the scenarios and their rows and the actual values (by `key`), the
/// rules (by `rule_key`).
pub fn logged_tables() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = Vec::new();
    for (t, _, _) in SITE_TABLES.iter().chain(CONTEXT_TABLES.iter()) {
        out.push((t, "site_key"));
    }
    for l in crate::model::Layer::ALL {
        if let Some(b) = l.boundary_table() {
            out.push((b, "site_key"));
        }
    }
    out.push(("document_figures", "key"));
    for t in [
        "scenarios",
        "scenario_phasing",
        "scenario_growth",
        "scenario_programme",
        "actuals",
    ] {
        out.push((t, "key"));
    }
    // A rule's key is seeded the same in every file.
    out.push(("rules", "rule_key"));
    out
}

/// Schema 7: the change log. `qn_oplog` is append-only: an insert or a delete is one row (the
/// record's values are in its table), an update one row per field it changed, with the value
/// before and after (as stored, a geometry as its GeoPackage blob); each with a random
/// 16-byte operation key, the record's stable key, the author and the time. Triggers
/// written in plain SQL fill it, so an edit made by QGIS, GDAL or the sqlite3 shell is logged
/// exactly like one made here; qn-planner names the author in `qn_session` for the length of
/// its own write transactions (another program's edits have none).
fn v7_change_log(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE qn_oplog (
           seq INTEGER PRIMARY KEY AUTOINCREMENT,
           op_key BLOB NOT NULL DEFAULT (randomblob(16)),
           tbl TEXT NOT NULL,
           record_key TEXT NOT NULL,
           kind TEXT NOT NULL CHECK (kind IN ('insert', 'update', 'delete')),
           field TEXT NOT NULL,
           before,
           after,
           author TEXT,
           at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
         );
         CREATE INDEX qn_oplog_record ON qn_oplog (record_key);
         CREATE TABLE qn_session (id INTEGER PRIMARY KEY CHECK (id = 1), author TEXT);
         INSERT INTO qn_session (id, author) VALUES (1, NULL);",
    )?;
    v7_scenario_keys(conn)?;
    for (t, k) in logged_tables() {
        install_log_triggers(conn, t, k)?;
    }
    Ok(())
}

/// Schema 7: scenarios and their rows get stable keys (phasing rows by scenario and site,
/// no longer by the site's local fid alone).
fn v7_scenario_keys(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "ALTER TABLE scenarios ADD COLUMN key TEXT;
         UPDATE scenarios SET key = {SQL_NEW_KEY} WHERE key IS NULL;
         CREATE UNIQUE INDEX scenarios_key ON scenarios (key);
         CREATE TRIGGER qn_scenarios_key AFTER INSERT ON scenarios WHEN NEW.key IS NULL
         BEGIN
           UPDATE scenarios SET key = {SQL_NEW_KEY} WHERE fid = NEW.fid;
         END;
         ALTER TABLE scenario_phasing ADD COLUMN key TEXT;
         ALTER TABLE scenario_phasing ADD COLUMN scenario_key TEXT;
         ALTER TABLE scenario_phasing ADD COLUMN site_key TEXT;
         ALTER TABLE scenario_growth ADD COLUMN key TEXT;
         ALTER TABLE scenario_growth ADD COLUMN scenario_key TEXT;
         ALTER TABLE scenario_programme ADD COLUMN key TEXT;
         ALTER TABLE scenario_programme ADD COLUMN scenario_key TEXT;
         UPDATE scenario_growth SET key = {SQL_NEW_KEY},
           scenario_key = (SELECT key FROM scenarios s WHERE s.fid = scenario_id);
         UPDATE scenario_programme SET key = {SQL_NEW_KEY},
           scenario_key = (SELECT key FROM scenarios s WHERE s.fid = scenario_id);
         ALTER TABLE actuals ADD COLUMN key TEXT;
         UPDATE actuals SET key = {SQL_NEW_KEY};
         CREATE TRIGGER qn_actuals_key AFTER INSERT ON actuals WHEN NEW.key IS NULL
         BEGIN
           UPDATE actuals SET key = {SQL_NEW_KEY} WHERE fid = NEW.fid;
         END;"
    ))?;
    key_phasing_rows(conn)
}

/// (Re)creates the change-log triggers of `table`, whose stable key is in column `key`, over
/// its columns as they are now (every column but `fid`). A step that adds a column to a logged
/// table calls it again.
pub fn install_log_triggers(conn: &Connection, table: &str, key: &str) -> rusqlite::Result<()> {
    let cols: Vec<String> = conn
        .prepare(&format!("PRAGMA table_info({})", super::ident(table)))?
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter(|c| !c.eq_ignore_ascii_case("fid"))
        .collect();
    let t = super::ident(table);
    let k = super::ident(key);
    let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let name = |what: &str| super::ident(&format!("qn_log_{table}_{what}"));
    let author = "(SELECT author FROM qn_session WHERE id = 1)";
    let changes = cols
        .iter()
        .map(|c| {
            let q = super::ident(c);
            format!("SELECT {} AS c, OLD.{q} AS b, NEW.{q} AS a", lit(c))
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let tl = lit(table);
    for what in ["insert", "keyed", "update", "delete"] {
        conn.execute_batch(&format!("DROP TRIGGER IF EXISTS {}", name(what)))?;
    }
    conn.execute_batch(&format!(
        "CREATE TRIGGER {ins} AFTER INSERT ON {t} WHEN NEW.{k} IS NOT NULL
         BEGIN
           INSERT INTO qn_oplog (tbl, record_key, kind, field, author)
           VALUES ({tl}, NEW.{k}, 'insert', '*', {author});
         END;
         CREATE TRIGGER {keyed} AFTER UPDATE OF {k} ON {t} WHEN OLD.{k} IS NULL AND NEW.{k} IS NOT NULL
         BEGIN
           INSERT INTO qn_oplog (tbl, record_key, kind, field, author)
           VALUES ({tl}, NEW.{k}, 'insert', '*', {author});
         END;
         CREATE TRIGGER {upd} AFTER UPDATE ON {t} WHEN OLD.{k} IS NOT NULL
         BEGIN
           INSERT INTO qn_oplog (tbl, record_key, kind, field, before, after, author)
           SELECT {tl}, OLD.{k}, 'update', c, b, a, {author} FROM ({changes}) WHERE b IS NOT a;
         END;
         CREATE TRIGGER {del} AFTER DELETE ON {t} WHEN OLD.{k} IS NOT NULL
         BEGIN
           INSERT INTO qn_oplog (tbl, record_key, kind, field, before, after, author)
           VALUES ({tl}, OLD.{k}, 'delete', '*', NULL, NULL, {author});
         END;",
        ins = name("insert"),
        keyed = name("keyed"),
        upd = name("update"),
        del = name("delete"),
    ))?;
    Ok(())
}
