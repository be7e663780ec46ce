//! Hostile project files (issue 30 §1): a GeoPackage comes by e-mail and USB, and every name
//! and type in it that reaches SQL — on the department's PostgreSQL or in a GeoPackage we
//! write — is whitelisted or quoted. Each command that writes SQL (`server init`, `server
//! share`, `sync`, `clone`, `import`, `export-layer`) meets the known injection shapes; the
//! server's tables and the files stay as they were.

use crate::common;

use crate::common::pg::{PgServer, server};
use crate::common::{edit_site, new_project, qn, said};
use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};

/// What an attacker writes where a geometry type name belongs.
const TYPE_INJECTIONS: [&str; 3] = [
    "POINT, 4326)); DROP TABLE industrial_zones CASCADE; --",
    "POINT); DROP TABLE industrial_zones; --",
    "Geometry, 4326); COMMIT; DROP TABLE industrial_zones; BEGIN; CREATE TABLE x (a geometry(Point",
];

/// What an attacker writes where a column or table name belongs.
const NAME_INJECTIONS: [&str; 3] = [
    "ten\"; DROP TABLE industrial_zones; --",
    "a'); DROP TABLE industrial_zones; --",
    "tên \"trích\" 'dẫn'",
];

/// The file's connection, as another program (sqlite3, QGIS) would write it.
fn sql(path: &Path, statements: &str) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(statements).unwrap();
}

/// A project with a reference layer `ref_crafted` of two points.
fn with_layer(dir: &Path, name: &str) -> PathBuf {
    let path = new_project(dir, name);
    let input = dir.join("pts.geojson");
    std::fs::write(
        &input,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"ten":"Mốc 1","so":1},"geometry":{"type":"Point","coordinates":[107.08,20.95]}},
          {"type":"Feature","properties":{"ten":"Mốc 2","so":2},"geometry":{"type":"Point","coordinates":[107.1,20.96]}}]}"#,
    )
    .unwrap();
    let o = qn(&[
        "import",
        path.to_str().unwrap(),
        input.to_str().unwrap(),
        "--layer",
        "crafted",
    ]);
    assert!(o.status.success(), "{}", said(&o));
    path
}

fn sq_lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The server's plan is whole: the zones table with its four zones, and nothing an injection
/// would have made.
fn server_intact(pg: &PgServer) {
    let mut c = pg.client();
    let zones: i64 = c
        .query_one("SELECT count(*) FROM industrial_zones", &[])
        .expect("industrial_zones is still on the server")
        .get(0);
    assert_eq!(zones, 4);
    let x = c
        .query_opt("SELECT 1 FROM pg_tables WHERE tablename = 'x'", &[])
        .unwrap();
    assert!(x.is_none(), "an injected table was made");
}

fn published(pg: &PgServer, dir: &Path) {
    let path = new_project(dir, "published.gpkg");
    let o = qn(&["server", "init", &pg.url(), path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn server_init_of_a_crafted_file_runs_nothing_and_leaves_nothing() {
    let Some(pg) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    for (i, shape) in TYPE_INJECTIONS.iter().enumerate() {
        let path = new_project(dir.path(), &format!("crafted{i}.gpkg"));
        sql(
            &path,
            &format!(
                "UPDATE gpkg_geometry_columns SET geometry_type_name = {} WHERE table_name = 'industrial_clusters'",
                sq_lit(shape)
            ),
        );
        let o = qn(&["server", "init", &pg.url(), path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{}", said(&o));
        common::assert_says(&o, "is not a GeoPackage geometry type");
        // Nothing was made on the server: no plan, no table.
        let tables: i64 = pg
            .client()
            .query_one(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(tables, 0, "init left tables behind ({shape})");
    }
    // A sound file publishes after all that.
    published(&pg, dir.path());
    server_intact(&pg);
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn server_share_of_a_crafted_layer_runs_nothing() {
    let Some(pg) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    published(&pg, dir.path());
    for (i, shape) in TYPE_INJECTIONS.iter().enumerate() {
        let path = with_layer(dir.path(), &format!("type{i}.gpkg"));
        sql(
            &path,
            &format!(
                "UPDATE gpkg_geometry_columns SET geometry_type_name = {} WHERE table_name = 'ref_crafted'",
                sq_lit(shape)
            ),
        );
        let o = qn(&[
            "server",
            "share",
            &pg.url(),
            path.to_str().unwrap(),
            "crafted",
        ]);
        assert_eq!(o.status.code(), Some(1), "{}", said(&o));
        common::assert_says(&o, "is not a GeoPackage geometry type");
        server_intact(&pg);
    }
    // Column names of every shape arrive as names, quoted.
    let path = with_layer(dir.path(), "names.gpkg");
    let renames: String = NAME_INJECTIONS
        .iter()
        .enumerate()
        .map(|(i, n)| {
            format!(
                "ALTER TABLE ref_crafted ADD COLUMN {} TEXT DEFAULT 'v{i}';",
                qn_planner::store::ident(n)
            )
        })
        .collect();
    sql(&path, &renames);
    let o = qn(&[
        "server",
        "share",
        &pg.url(),
        path.to_str().unwrap(),
        "crafted",
    ]);
    assert!(o.status.success(), "{}", said(&o));
    server_intact(&pg);
    let mut c = pg.client();
    for (i, n) in NAME_INJECTIONS.iter().enumerate() {
        let v: String = c
            .query_one(
                &format!(
                    "SELECT {} FROM ref_crafted LIMIT 1",
                    qn_planner::store::ident(n)
                ),
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(v, format!("v{i}"));
    }
    // And every copy receives it with those names (clone, then sync of another copy).
    let copy = dir.path().join("copy.gpkg");
    let o = qn(&["clone", &pg.url(), copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    let pf = ProjectFile::open(&copy).unwrap();
    let layer = pf
        .reference_layers()
        .unwrap()
        .into_iter()
        .find(|r| r.name == "crafted")
        .expect("the shared layer arrived");
    let cols: Vec<String> = pf
        .attribute_columns(&layer.table)
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    for n in NAME_INJECTIONS {
        assert!(cols.contains(&n.to_string()), "{n} in {cols:?}");
    }
    assert_eq!(pf.integrity_check().unwrap(), "ok");
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_crafted_server_cannot_reach_a_copy_through_clone_or_sync() {
    let Some(pg) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    published(&pg, dir.path());
    let before = dir.path().join("before.gpkg");
    let o = qn(&["clone", &pg.url(), before.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    // Someone with rights on the server registers a layer whose every text is an attack.
    let mut c = pg.client();
    c.batch_execute(
        "CREATE TABLE \"evil\"\"; DROP TABLE industrial_zones; --\" (
           fid bigint PRIMARY KEY, feature_key text NOT NULL DEFAULT gen_random_uuid()::text,
           \"a\"\"); DROP TABLE qn_oplog; --\" text, geom geometry(Point, 4326));
         INSERT INTO \"evil\"\"; DROP TABLE industrial_zones; --\" VALUES
           (1, DEFAULT, 'x', ST_SetSRID(ST_MakePoint(107.1, 21.0), 4326));",
    )
    .unwrap();
    c.execute(
        "INSERT INTO qn_shared_layers (table_name, name, color, geometry_type, columns, features)
         VALUES ($1, $2, '#ff0000', $3, $4::text::jsonb, 1)",
        &[
            &"evil\"; DROP TABLE industrial_zones; --",
            &"tên'); DROP TABLE qn_meta; --",
            &TYPE_INJECTIONS[0],
            &"[[\"a\\\"); DROP TABLE qn_oplog; --\", \"text\"]]",
        ],
    )
    .unwrap();
    let after = dir.path().join("after.gpkg");
    let o = qn(&["clone", &pg.url(), after.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    let o = qn(&["sync", before.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    server_intact(&pg);
    for copy in [&before, &after] {
        let pf = ProjectFile::open(copy).unwrap();
        assert_eq!(pf.integrity_check().unwrap(), "ok");
        assert_eq!(
            pf.read_project()
                .unwrap()
                .sites_of(qn_planner::model::Layer::IndustrialZones)
                .count(),
            4
        );
        let layer = pf
            .reference_layers()
            .unwrap()
            .into_iter()
            .find(|r| r.name.starts_with("tên'"))
            .expect("the layer arrived under its name");
        // Not a type: the layer takes the general one.
        assert_eq!(pf.geometry_type_of(&layer.table).unwrap(), "GEOMETRY");
        // The change log is still there.
        assert!(pf.sync_status().is_ok());
        if common::have_gdal() {
            common::assert_valid_gpkg(copy, "a copy after a crafted shared layer");
        }
    }
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn sync_of_a_crafted_file_runs_nothing_on_the_server() {
    let Some(pg) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    published(&pg, dir.path());
    let copy = dir.path().join("copy.gpkg");
    let o = qn(&["clone", &pg.url(), copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    // A pending edit, so the sync has something to push, then the crafted type.
    edit_site(&copy, "Hà Khánh", |s| s.jobs = Some(77));
    sql(
        &copy,
        &format!(
            "UPDATE gpkg_geometry_columns SET geometry_type_name = {} WHERE table_name = 'proposed_clusters'",
            sq_lit(TYPE_INJECTIONS[0])
        ),
    );
    let o = qn(&["sync", copy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    common::assert_says(&o, "is not a GeoPackage geometry type");
    server_intact(&pg);
}

#[test]
fn import_and_export_of_crafted_files_write_only_whitelisted_sql() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_project(dir.path(), "p.gpkg");
    // A GeoPackage from outside, crafted: its geometry type, its column names and types.
    let source = with_layer(dir.path(), "source.gpkg");
    let mut statements = format!(
        "UPDATE gpkg_geometry_columns SET geometry_type_name = {} WHERE table_name = 'ref_crafted';",
        sq_lit(TYPE_INJECTIONS[1])
    );
    for (i, n) in NAME_INJECTIONS.iter().enumerate() {
        statements.push_str(&format!(
            "ALTER TABLE ref_crafted ADD COLUMN {} \"TEXT); DROP TABLE industrial_zones; --\" DEFAULT 'v{i}';",
            qn_planner::store::ident(n)
        ));
    }
    sql(&source, &statements);
    // Import: the geometry type comes from the geometries, the names are quoted.
    let o = qn(&[
        "import",
        path.to_str().unwrap(),
        source.to_str().unwrap(),
        "--layer",
        "ref_crafted",
    ]);
    assert!(o.status.success(), "{}", said(&o));
    let pf = ProjectFile::open(&path).unwrap();
    assert_eq!(pf.integrity_check().unwrap(), "ok");
    let layer = pf.reference_layers().unwrap().pop().expect("imported");
    assert_eq!(pf.geometry_type_of(&layer.table).unwrap(), "POINT");
    let cols: Vec<String> = pf
        .attribute_columns(&layer.table)
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    for n in NAME_INJECTIONS {
        assert!(cols.contains(&n.to_string()), "{n} in {cols:?}");
    }
    drop(pf);
    // Export of the crafted layer of the source as it is: types from the whitelist.
    let out = dir.path().join("out.gpkg");
    let o = qn(&[
        "export-layer",
        source.to_str().unwrap(),
        "ref_crafted",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    common::assert_says(&o, "is not a GeoPackage geometry type");
    assert!(!out.exists());
    // With a sound geometry type, crafted names and types export as plain columns.
    sql(
        &source,
        "UPDATE gpkg_geometry_columns SET geometry_type_name = 'POINT' WHERE table_name = 'ref_crafted'",
    );
    let o = qn(&[
        "export-layer",
        source.to_str().unwrap(),
        "ref_crafted",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", said(&o));
    let c = rusqlite::Connection::open(&out).unwrap();
    let types: Vec<(String, String)> = c
        .prepare("SELECT name, type FROM pragma_table_info('ref_crafted')")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for n in NAME_INJECTIONS {
        assert!(
            types.iter().any(|(c, t)| c == n && t == "TEXT"),
            "{n}: {types:?}"
        );
    }
    if common::have_gdal() {
        common::assert_valid_gpkg(&out, "export of a crafted layer");
        common::assert_valid_gpkg(&path, "project after importing a crafted layer");
    }
    // The source file itself was never written by us: its zones are all there.
    let zones: i64 = rusqlite::Connection::open(&source)
        .unwrap()
        .query_row("SELECT count(*) FROM industrial_zones", [], |r| r.get(0))
        .unwrap();
    assert_eq!(zones, 4);
}

/// WKB (little-endian hex) of a point.
fn wkb_point(x: f64, y: f64) -> String {
    let mut b = vec![1u8, 1, 0, 0, 0];
    b.extend_from_slice(&x.to_le_bytes());
    b.extend_from_slice(&y.to_le_bytes());
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// WKB (little-endian hex) of a small square polygon.
fn wkb_square(x: f64, y: f64) -> String {
    let mut b = vec![1u8, 3, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0];
    for (px, py) in [
        (x, y),
        (x + 0.01, y),
        (x + 0.01, y + 0.01),
        (x, y + 0.01),
        (x, y),
    ] {
        b.extend_from_slice(&f64::to_le_bytes(px));
        b.extend_from_slice(&f64::to_le_bytes(py));
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn a_change_bundle_carrying_what_the_file_cannot_hold_is_refused_whole() {
    use qn_planner::edit::{Edit, History};
    let dir = tempfile::tempdir().unwrap();
    let lan = new_project(dir.path(), "lan.gpkg");
    let minh = dir.path().join("minh.gpkg");
    std::fs::copy(&lan, &minh).unwrap();
    {
        let mut pf = ProjectFile::open(&lan).unwrap();
        let mut p = pf.read_project().unwrap();
        for (name, jobs) in [("Hà Khánh", 500), ("Lê Lợi", 600)] {
            let before = p.sites.iter().find(|s| s.name == name).unwrap().clone();
            let mut after = before.clone();
            after.jobs = Some(jobs);
            History::default()
                .apply(Edit::update(before, after), None, &mut pf, &mut p)
                .unwrap();
        }
    }
    let bundle = dir.path().join("lan.qnchanges");
    qn_planner::sync::bundle::export(&ProjectFile::open(&lan).unwrap(), &bundle, None).unwrap();
    let sound: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    let state = |path: &Path| {
        let pf = ProjectFile::open(path).unwrap();
        let mut sites = pf.read_project().unwrap().sites;
        sites.sort_by(|a, b| a.key.cmp(&b.key));
        (
            format!("{sites:?}"),
            pf.sync_status().unwrap().pending,
            pf.conflicts().unwrap().len(),
        )
    };
    let before = state(&minh);
    for (what, field, value, expect) in [
        (
            "text in a number",
            "jobs",
            serde_json::json!("many"),
            "holds text («many») where a number belongs",
        ),
        (
            "a polygon for a point",
            "geom",
            serde_json::json!({"wkb": wkb_square(107.1, 21.0)}),
            "holds a POLYGON where a POINT belongs",
        ),
        (
            "NaN",
            "geom",
            serde_json::json!({"wkb": wkb_point(f64::NAN, 21.0)}),
            "has a coordinate that is not a number",
        ),
        (
            "Infinity",
            "geom",
            serde_json::json!({"wkb": wkb_point(107.0, f64::INFINITY)}),
            "has a coordinate that is not a number",
        ),
        (
            "an unknown status",
            "status",
            serde_json::json!("planned"),
            "status is not one of",
        ),
        (
            "an empty name",
            "name",
            serde_json::json!(" "),
            "name is empty",
        ),
    ] {
        let mut b = sound.clone();
        let rec = b["records"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|r| r["row"]["name"] == "Lê Lợi")
            .unwrap();
        rec["row"][field] = value;
        let tampered = dir.path().join("tampered.qnchanges");
        std::fs::write(&tampered, serde_json::to_vec(&b).unwrap()).unwrap();
        let o = qn(&[
            "sync",
            minh.to_str().unwrap(),
            "--import-changes",
            tampered.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{what}: {}", said(&o));
        assert!(said(&o).contains(expect), "{what}: {}", said(&o));
        assert!(
            said(&o).contains("operation "),
            "{what}: the operation is named: {}",
            said(&o)
        );
        common::assert_says(&o, "nothing of the bundle was applied");
        assert!(state(&minh) == before, "{what}: minh's copy is untouched");
    }
    // The sound bundle goes in, and the copy stays valid.
    let o = qn(&[
        "sync",
        minh.to_str().unwrap(),
        "--import-changes",
        bundle.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", said(&o));
    if common::have_gdal() {
        common::assert_valid_gpkg(&minh, "after a bundle");
    }
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = new_project(dir.path(), "p.gpkg");
    // A Shapefile whose .dbf unpacks 200 MB of nothing from a few hundred KB.
    let bomb = dir.path().join("bom.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, bytes) in [
        ("thua.shp", 100u64),
        ("thua.shx", 100),
        ("thua.dbf", 200 << 20),
    ] {
        z.start_file(name, o).unwrap();
        let chunk = vec![0u8; 1 << 20];
        let mut left = bytes;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            z.write_all(&chunk[..n]).unwrap();
            left -= n as u64;
        }
    }
    z.finish().unwrap();
    assert!(std::fs::metadata(&bomb).unwrap().len() < 1 << 20);
    let started = std::time::Instant::now();
    let o = qn(&["import", path.to_str().unwrap(), bomb.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    common::assert_says(&o, "thua.dbf would unpack to 200 MB");
    common::assert_says(&o, "refused before unpacking");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // The project is as it was.
    let pf = ProjectFile::open(&path).unwrap();
    assert!(pf.reference_layers().unwrap().is_empty());
}

/// A QML nested `depth` elements deep.
fn deep_qml(depth: usize) -> String {
    let mut s = String::from("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis>");
    s.push_str(&"<a>".repeat(depth));
    s.push_str(&"</a>".repeat(depth));
    s.push_str("</qgis>");
    s
}

/// A QML of 114 KB that one 50 KB entity, used 20,000 times, would make 1 GB.
fn laughing_qml() -> String {
    let mut s = format!(
        "<?xml version='1.0'?>\n<!DOCTYPE qgis [<!ENTITY big \"{}\">]>\n<qgis><renderer-v2 type=\"singleSymbol\"><x>",
        "x".repeat(50_000)
    );
    for _ in 0..20_000 {
        s.push_str("&big;");
    }
    s.push_str("</x></renderer-v2></qgis>");
    s
}

#[test]
fn a_hostile_qml_is_refused_and_a_stored_one_never_stops_an_export() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_project(dir.path(), "p.gpkg");
    for (what, qml, expect) in [
        ("30,000 deep", deep_qml(30_000), "nested more than 256 deep"),
        ("a billion laughs", laughing_qml(), "declares entities"),
    ] {
        let f = dir.path().join("x.qml");
        std::fs::write(&f, &qml).unwrap();
        let o = qn(&[
            "style",
            path.to_str().unwrap(),
            "proposed_clusters",
            "--from",
            f.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{what}: {}", said(&o));
        assert!(said(&o).contains(expect), "{what}: {}", said(&o));
        // Stored by another program in layer_styles: the export says so and goes on.
        let good = dir.path().join("good.qml");
        let o = qn(&[
            "style",
            path.to_str().unwrap(),
            "proposed_clusters",
            "--to",
            good.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", said(&o));
        let o = qn(&[
            "style",
            path.to_str().unwrap(),
            "proposed_clusters",
            "--from",
            good.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", said(&o));
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute(
                "UPDATE layer_styles SET styleQML = ?1 WHERE f_table_name = 'proposed_clusters'",
                [&qml],
            )
            .unwrap();
        let out = dir.path().join("map.png");
        let o = qn(&["export", path.to_str().unwrap(), out.to_str().unwrap()]);
        assert!(o.status.success(), "{what}: {}", said(&o));
        assert!(
            said(&o).contains("the style of proposed_clusters cannot be read"),
            "{what}: {}",
            said(&o)
        );
        assert!(out.exists());
    }
}

#[test]
fn labels_inside_nested_outlines_go_to_the_smallest_holding_them() {
    use qn_planner::io::office::OfficeReader;
    // 3,000 nested squares; half the labels at the centre, half each at its own point inside
    // the innermost square, and one between the two largest squares.
    let n = 3_000;
    let (cx, cy) = (430_000.0f64, 2_317_000.0f64);
    let mut s = String::from("0\nSECTION\n2\nENTITIES\n");
    for i in 0..n {
        let r = 1.0 + i as f64;
        s.push_str("0\nLWPOLYLINE\n8\nTHUA\n90\n4\n70\n1\n");
        for (x, y) in [
            (cx - r, cy - r),
            (cx + r, cy - r),
            (cx + r, cy + r),
            (cx - r, cy + r),
        ] {
            s.push_str(&format!("10\n{x}\n20\n{y}\n"));
        }
    }
    for i in 0..n {
        let (x, y) = if i % 2 == 0 {
            (cx, cy)
        } else {
            (cx - 0.5 + i as f64 / n as f64, cy + 0.25)
        };
        s.push_str(&format!(
            "0\nTEXT\n8\nSO\n10\n{x}\n20\n{y}\n40\n1\n1\nT{i}\n"
        ));
    }
    let edge = (n - 1) as f64 + 0.5;
    s.push_str(&format!(
        "0\nTEXT\n8\nSO\n10\n{}\n20\n{cy}\n40\n1\n1\nNGOÀI\n",
        cx + edge
    ));
    s.push_str("0\nENDSEC\n0\nEOF\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested.dxf");
    std::fs::write(&path, s).unwrap();
    let mut r = qn_planner::io::dxf::DxfIn::open(&path, None).unwrap();
    let mut labels = Vec::new();
    while let Some(f) = r.next_feature().unwrap() {
        let l = f
            .attrs
            .iter()
            .find(|(k, _)| k == "label")
            .map(|(_, v)| v.clone());
        labels.push(l);
    }
    let text = |v: &Option<qn_planner::io::import::Value>| match v {
        Some(qn_planner::io::import::Value::Text(t)) => t.clone(),
        _ => String::new(),
    };
    // The innermost square holds every label but one; the largest holds the one between the
    // two largest; every other square none.
    assert_eq!(text(&labels[0]).split(" / ").count(), n);
    assert_eq!(text(&labels[n - 1]), "NGOÀI");
    assert!(labels[1..n - 1].iter().all(|l| text(l).is_empty()));
}

#[test]
fn a_value_qn_planner_does_not_know_is_read_as_itself_and_never_fails_an_export() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_project(dir.path(), "p.gpkg");
    // Written by another tool before the file guarded itself (the guards dropped, as an
    // older file or a tool with other rules would have them).
    let c = rusqlite::Connection::open(&path).unwrap();
    // The R-tree triggers name these (never called here: no geometry changes).
    for f in ["ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"] {
        c.create_scalar_function(
            f,
            1,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            |_| Ok(0),
        )
        .unwrap();
    }
    let guards: Vec<(String, String)> = c
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'qn_check_%'",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let drop_all: String = guards
        .iter()
        .map(|(n, _)| format!("DROP TRIGGER \"{n}\";"))
        .collect();
    c.execute_batch(&drop_all).unwrap();
    c.execute_batch(
        "UPDATE proposed_clusters SET status = 'planned', planned_phase = '2021-2025'
           WHERE name = 'Hà Khánh';
         UPDATE industrial_zones SET location_precision = 'GPS' WHERE name = 'Cái Lân';",
    )
    .unwrap();
    // The guards are back, as in any file of this schema.
    let back: String = guards.iter().map(|(_, sql)| format!("{sql};")).collect();
    c.execute_batch(&back).unwrap();
    drop(c);
    let p = ProjectFile::open(&path).unwrap().read_project().unwrap();
    let hk = p.sites.iter().find(|s| s.name == "Hà Khánh").unwrap();
    assert_eq!(hk.status, qn_planner::model::Status::Unknown);
    assert_eq!(hk.status_text(), "planned");
    assert_eq!(hk.phase_text(), "2021-2025");
    for (cmd, out) in [
        ("export", Some("map.png")),
        ("export", Some("map.pdf")),
        ("pack", Some("pack.pdf")),
        ("report", None),
    ] {
        let mut args = vec![cmd.to_string(), path.display().to_string()];
        if let Some(o) = out {
            args.push(dir.path().join(o).display().to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = qn(&args);
        assert!(o.status.success(), "{cmd}: {}", said(&o));
        assert!(
            said(&o).contains(
                "proposed_clusters «Hà Khánh»: status «planned» is not a value qn-planner knows"
            ),
            "{cmd}: {}",
            said(&o)
        );
        assert!(
            said(&o).contains("location_precision «GPS»"),
            "{cmd}: {}",
            said(&o)
        );
    }
    // An edit of another field keeps the unknown values as they were.
    edit_site(&path, "Hà Khánh", |s| s.jobs = Some(12));
    let (status, phase): (String, String) = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT status, planned_phase FROM proposed_clusters WHERE name = 'Hà Khánh'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), phase.as_str()), ("planned", "2021-2025"));
    // A new unknown value is still refused.
    let mut pf = ProjectFile::open(&path).unwrap();
    let mut p = pf.read_project().unwrap();
    let before = p.sites.iter().find(|s| s.name == "Lê Lợi").unwrap().clone();
    let mut after = before.clone();
    after.status = qn_planner::model::Status::Unknown;
    after.unread.push(("status".into(), "planned".into()));
    let e = qn_planner::edit::History::default()
        .apply(
            qn_planner::edit::Edit::update(before, after),
            None,
            &mut pf,
            &mut p,
        )
        .unwrap_err();
    assert!(e.to_string().contains("status is not one of"), "{e}");
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn a_layer_of_the_project_itself_imports_under_a_new_name() {
    let dir = tempfile::tempdir().unwrap();
    let Some(path) = common::with_a_qgis_table(dir.path()) else {
        return;
    };
    let p = path.to_str().unwrap();
    let o = qn(&["info", p]);
    common::assert_says(&o, "note: vung_dem was written by another program");
    let o = qn(&[
        "import",
        p,
        p,
        "--layer",
        "vung_dem",
        "--name",
        "Vùng đệm 1 km",
    ]);
    assert!(o.status.success(), "{}", said(&o));
    let pf = ProjectFile::open(&path).unwrap();
    let r = pf.reference_layers().unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].name, "Vùng đệm 1 km");
    assert_eq!(pf.integrity_check().unwrap(), "ok");
    common::assert_valid_gpkg(&path, "a layer of the project imported into it");
}
