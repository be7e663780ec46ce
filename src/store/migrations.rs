//! Migrations: the steps that bring a file of any earlier schema to this one, one
//! transaction each, and a new file, which takes the same steps from schema 1.

use super::geom;
use super::schema::{
    CONTEXT_TABLES, CORE, QN_META, SCHEMA_VERSION, SITE_TABLES, SQL_NEW_KEY, V3_ATTRIBUTE_TABLES,
    V3_SCENARIOS, V4_RULES, V4_SITE_COLUMNS, V8_SYNC, centre_geom_sql, create_boundary_table,
    create_site_table_v1, index_and_extent, insert_base_srs, insert_rules, install_centre_triggers,
    install_log_triggers, install_site_guards, key_phasing_rows, logged_tables,
    register_feature_table, seed_reference_scenario, seed_reported_actuals, update_extent,
};
use rusqlite::{Connection, OptionalExtension, params};

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
    if from < 10 {
        super::admin::v10_admin_units(conn)?;
    }
    if from < 11 {
        super::admin::v11_units_of_sites(conn)?;
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
