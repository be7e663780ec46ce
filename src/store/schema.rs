//! The GeoPackage schema: core tables, feature tables with R-tree indexes, SQL functions the
//! R-tree triggers call, the change log's triggers, the sites' guards (the steps between
//! schema versions are `migrations`).

use super::geom;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension, params};

/// The qn-planner schema version this build writes. Bump it with a step in `migrate`.
pub const SCHEMA_VERSION: i64 = 11;

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

pub(super) const CORE: &str = r#"
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
pub(super) const QN_META: &str = r#"
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

/// The three spatial reference systems every GeoPackage carries: undefined cartesian,
/// undefined geographic and WGS 84.
pub(super) fn insert_base_srs(conn: &Connection) -> rusqlite::Result<()> {
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
pub(super) fn create_site_table_v1(
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
pub(super) const V4_SITE_COLUMNS: [(&str, &str); 5] = [
    ("is_expansion", "INTEGER"),
    ("occupancy_pct", "DOUBLE"),
    ("occupancy_year", "INTEGER"),
    ("green_buffer_m", "DOUBLE"),
    ("pollution_class", "INTEGER"),
];

pub(super) const V4_RULES: &str = r#"
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

pub(super) fn register_feature_table(
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

/// SQL for the geometry of the centre whose key is `key` (an SQL expression): a MULTIPOINT
/// GeoPackage blob (`GP`, version 0, little-endian, no envelope, SRS 4326) of its located
/// plants in fid order, NULL when none is located. Written in
/// plain SQL (no function of qn-planner's), so a plant moved by QGIS or the sqlite3 shell
/// moves its centre too: each plant's 2-D point WKB is cut out of its blob after the header
/// and the envelope its flags declare, and the blob is made without an envelope (the R-tree
/// triggers compute the extent). A centre of more than 64 located plants is left as it is.
pub(super) fn centre_geom_sql(key: &str) -> String {
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
pub(super) const V8_SYNC: &str = "
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
pub(super) const V3_SCENARIOS: &str = r#"
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

pub(super) const V3_ATTRIBUTE_TABLES: [(&str, &str, &str); 5] = [
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
pub(super) fn seed_reported_actuals(conn: &Connection) -> rusqlite::Result<()> {
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
pub(super) fn seed_reference_scenario(conn: &Connection) -> rusqlite::Result<()> {
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
pub(super) fn key_phasing_rows(conn: &Connection) -> rusqlite::Result<()> {
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

/// A new random (version 4) UUID written by SQLite itself, so that a row inserted by any
/// SQLite client (QGIS, GDAL, the sqlite3 shell) gets a key through the same trigger.
pub const SQL_NEW_KEY: &str = "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' \
    || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) \
    || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))";

/// The MULTIPOLYGON layer of the boundaries of `site_table`'s sites, linked by `site_key`; a
/// site deleted by any program takes its boundary with it.
pub(super) fn create_boundary_table(
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

/// Creates the R-tree of `table.geom`, fills it from the rows already there and sets the
/// table's extent.
pub(super) fn index_and_extent(conn: &Connection, table: &str) -> rusqlite::Result<()> {
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
