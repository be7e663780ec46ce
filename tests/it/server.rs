//! The shared plan in PostgreSQL/PostGIS, against a real throwaway server started on a
//! loopback port for this test binary (PostgreSQL 15 with PostGIS 3 from Debian; `.ci/run`
//! installs them and sets `QN_REQUIRE_PG`, without which a machine lacking them skips).

use crate::common;

use qn_planner::store::ProjectFile;
use std::process::{Command, Output};

use crate::common::pg::server;

fn qn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qn-planner"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_project_is_published_to_postgis_with_its_keys_and_vietnamese_text() {
    let Some(pg) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    {
        // More sites than one statement sends (1,000 rows), so that batches are exercised.
        use qn_planner::model::{Layer, Site, Status};
        let mut pf = ProjectFile::open(&path).unwrap();
        let mut p = pf.read_project().unwrap();
        let sites: Vec<Site> = (0..1_200)
            .map(|i| {
                let mut s = Site::new(
                    Layer::ProposedClusters,
                    &format!("Điểm {i}"),
                    Status::Proposed,
                );
                s.geom = Some(geo_types::Geometry::Point(geo_types::Point::new(
                    106.8 + f64::from(i % 40) * 0.01,
                    21.0 + f64::from(i / 40) * 0.005,
                )));
                s
            })
            .collect();
        qn_planner::edit::Edit::insert_many(Layer::ProposedClusters, sites)
            .apply(&mut pf, &mut p)
            .unwrap();
    }
    let file = path.to_str().unwrap();
    let out = qn(&["server", "init", &pg.url(), file]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("published proposed_clusters: 1210 rows"),
        "{said}"
    );

    // Every shared table holds what the GeoPackage holds, key by key.
    let pf = ProjectFile::open(&path).unwrap();
    let mut c = pg.client();
    for (table, key) in pf.shared_tables() {
        let local = pf.read_shared_table(table, key).unwrap();
        let mut keys: Vec<String> = c
            .query(&format!("SELECT \"{key}\" FROM \"{table}\""), &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        keys.sort();
        let ki = local.columns.iter().position(|c| c.name == key).unwrap();
        let mut expected: Vec<String> = local
            .rows
            .iter()
            .map(|r| match &r[ki] {
                qn_planner::store::Cell::Text(t) => t.clone(),
                other => panic!("{table}: key {other:?}"),
            })
            .collect();
        expected.sort();
        assert_eq!(keys, expected, "{table}");
    }
    let p = pf.read_project().unwrap();
    let hk = p.sites.iter().find(|s| s.name == "Hà Khánh").unwrap();
    let row = c
        .query_one(
            "SELECT name, ST_SRID(geom), ST_X(geom), ST_Y(geom) FROM proposed_clusters WHERE site_key = $1",
            &[&hk.key],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "Hà Khánh");
    assert_eq!(row.get::<_, i32>(1), 4326);
    match hk.geom {
        Some(geo_types::Geometry::Point(q)) => {
            assert!((row.get::<_, f64>(2) - q.x()).abs() < 1e-12);
            assert!((row.get::<_, f64>(3) - q.y()).abs() < 1e-12);
        }
        ref g => panic!("{g:?}"),
    }
    let gist: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_indexes WHERE indexdef LIKE '%USING gist%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(gist, 12, "a GiST index on each of the 12 feature tables");
    let version: String = c
        .query_one(
            "SELECT value FROM qn_meta WHERE key = 'schema_version'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        version,
        qn_planner::server::SERVER_SCHEMA_VERSION.to_string()
    );

    // GDAL (and so QGIS) opens the plan directly, Vietnamese intact.
    if common::have_gdal() {
        let pgconn = format!("PG:host=127.0.0.1 port={} user=qn dbname=plan", pg.port);
        let out = Command::new("ogrinfo")
            .args(["-ro", "-q", &pgconn, "-sql"])
            .arg("SELECT name FROM craft_villages ORDER BY name")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains("Vĩnh Hồng"), "{text}");
    }

    // An edit made directly in the database reaches the server log, with its role.
    c.execute(
        "UPDATE proposed_clusters SET name = 'Hà Khánh (sửa trong PostGIS)' WHERE site_key = $1",
        &[&hk.key],
    )
    .unwrap();
    let log = c
        .query(
            "SELECT tbl, record_key, kind, field, before, after, db_role FROM qn_server_log",
            &[],
        )
        .unwrap();
    assert_eq!(log.len(), 1);
    let r = &log[0];
    assert_eq!(
        (
            r.get::<_, String>(0),
            r.get::<_, String>(1),
            r.get::<_, String>(2),
            r.get::<_, String>(3),
            r.get::<_, Option<String>>(4),
            r.get::<_, Option<String>>(5),
            r.get::<_, String>(6)
        ),
        (
            "proposed_clusters".to_string(),
            hk.key.clone(),
            "update".to_string(),
            "name".to_string(),
            Some("Hà Khánh".to_string()),
            Some("Hà Khánh (sửa trong PostGIS)".to_string()),
            "qn".to_string()
        )
    );

    // A laptop's copy from the server: the plan as the server holds it, the direct edit
    // included, with the same keys; valid for GDAL; its change log empty.
    let copy = dir.path().join("laptop.gpkg");
    let out = qn(&["clone", &pg.url(), copy.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cloned = ProjectFile::open(&copy).unwrap();
    let q = cloned.read_project().unwrap();
    let mut original = p.clone();
    original
        .sites
        .iter_mut()
        .find(|s| s.key == hk.key)
        .unwrap()
        .name = "Hà Khánh (sửa trong PostGIS)".into();
    let by_key = |p: &qn_planner::model::Project| {
        let mut v: Vec<(String, qn_planner::model::Site)> = p
            .sites
            .iter()
            .map(|s| {
                let mut s = s.clone();
                s.fid = 0;
                (s.key.clone(), s)
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert_eq!(by_key(&q), by_key(&original), "every site, field by field");
    let strip = |p: &qn_planner::model::Project| {
        p.scenarios
            .iter()
            .map(|s| {
                let mut s = s.clone();
                s.id = 0;
                for ph in &mut s.phasing {
                    // Phasing rows point at sites by key; their fids are local.
                    let key = p.site(ph.layer, ph.fid).map(|x| x.key.clone());
                    ph.fid = key.map(|k| k.len() as i64).unwrap_or(-1);
                }
                s.phasing.sort_by_key(|ph| (ph.layer, ph.open_year, ph.fid));
                s
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&q), strip(&original), "scenarios and their rows");
    // The server keeps no local order: the same values, key by key.
    let sorted = |v: &[qn_planner::model::Actual]| {
        let mut v = v.to_vec();
        v.sort_by(|a, b| a.key.cmp(&b.key));
        v
    };
    let (a, b) = (sorted(&q.actuals), sorted(&original.actuals));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    assert_eq!(q.figures, original.figures);
    let rules = |p: &qn_planner::model::Project| {
        p.rules
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.id = 0;
                r
            })
            .collect::<Vec<_>>()
    };
    let mut r1 = rules(&q);
    let mut r2 = rules(&original);
    r1.sort_by(|a, b| a.key.cmp(&b.key));
    r2.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(r1, r2);
    assert!(cloned.operations(None, 0, 10).unwrap().is_empty());
    drop(cloned);
    if common::have_gdal() {
        common::assert_valid_gpkg(&copy, "a clone of the shared plan");
    }
    let out = qn(&["clone", &pg.url(), copy.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an existing file is not overwritten"
    );

    // A role that may only read can clone.
    c.batch_execute(
        "CREATE ROLE viewer LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO viewer;",
    )
    .unwrap();
    let viewer_copy = dir.path().join("viewer.gpkg");
    let viewer_url = format!("postgresql://viewer@127.0.0.1:{}/plan", pg.port);
    let out = qn(&["clone", &viewer_url, viewer_copy.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        by_key(
            &ProjectFile::open(&viewer_copy)
                .unwrap()
                .read_project()
                .unwrap()
        ),
        by_key(&original)
    );
    // A database with no plan is said so, and no file is left behind.
    c.batch_execute("CREATE DATABASE empty").unwrap();
    let none = dir.path().join("none.gpkg");
    let out = qn(&[
        "clone",
        &format!("postgresql://qn@127.0.0.1:{}/empty", pg.port),
        none.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("holds no qn-planner plan"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!none.exists());
    // A role that may not read the plan is told so, not that there is no plan (the check
    // once took any failed read of `qn_meta` for "no plan": a server restarting, too).
    c.batch_execute("CREATE ROLE stranger LOGIN").unwrap();
    let out = qn(&[
        "clone",
        &format!("postgresql://stranger@127.0.0.1:{}/plan", pg.port),
        none.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains("holds no qn-planner plan"), "{said}");
    assert!(said.contains("permission denied"), "{said}");
    assert!(!none.exists());

    // Publishing again is refused and changes nothing.
    let out = qn(&["server", "init", &pg.url(), file]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already holds a plan"), "{err}");
    let n: i64 = c
        .query_one("SELECT count(*) FROM qn_server_log", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}

#[test]
fn an_unreachable_server_is_said_plainly_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgresql://lan:bi-mat-123@127.0.0.1:{port}/plan");
    let out = qn(&["server", "init", &url, path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot connect"), "{err}");
    assert!(err.contains("nothing was published"), "{err}");
    assert!(!err.contains("bi-mat-123"), "the password stays out: {err}");
}
