//! The shared plan against what really happens in a department (issues 24 §3 and 30): a clone
//! killed half-way, QGIS editing PostGIS directly, a wrong server, a silent network. Each
//! against a real throwaway PostgreSQL 15 + PostGIS 3 on loopback.

use crate::common;

use crate::common::pg::{PgServer, server};
use crate::common::{qn, said};
use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod network;

/// A plan published on a fresh server from a seeded project with `extra` more proposed
/// clusters (so that a clone takes a while).
fn plan(extra: usize) -> Option<(PgServer, tempfile::TempDir)> {
    let pg = server()?;
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin.gpkg");
    drop(ProjectFile::create(&origin, false).unwrap());
    if extra > 0 {
        use qn_planner::model::{Layer, Site, Status};
        let mut pf = ProjectFile::open(&origin).unwrap();
        let mut p = pf.read_project().unwrap();
        let sites: Vec<Site> = (0..extra)
            .map(|i| {
                let mut s = Site::new(
                    Layer::ProposedClusters,
                    &format!("Điểm {i}"),
                    Status::Proposed,
                );
                s.geom = Some(geo_types::Geometry::Point(geo_types::Point::new(
                    106.8 + (i % 100) as f64 * 0.01,
                    21.0 + (i / 100) as f64 * 0.001,
                )));
                s
            })
            .collect();
        qn_planner::edit::Edit::insert_many(Layer::ProposedClusters, sites)
            .apply(&mut pf, &mut p)
            .unwrap();
    }
    qn_planner::server::init(&pg.url(), &mut ProjectFile::open(&origin).unwrap()).unwrap();
    Some((pg, dir))
}

fn count_on_server(pg: &PgServer, table: &str) -> i64 {
    pg.client()
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .unwrap()
        .get(0)
}

/// The proposed clusters of a copy.
fn proposed_in(path: &Path) -> usize {
    ProjectFile::open(path)
        .unwrap()
        .read_project()
        .unwrap()
        .sites_of(qn_planner::model::Layer::ProposedClusters)
        .count()
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_killed_clone_leaves_no_file_that_could_sync() {
    let Some((pg, dir)) = plan(10_000) else {
        return;
    };
    let url = pg.url();
    let on_server = count_on_server(&pg, "proposed_clusters") as usize;
    // How long a whole clone takes, to kill the others anywhere in it: the quicker of two (the
    // first one meets a cold server and cold caches, and a CI machine may be slower at first),
    // shortened again whenever a clone below finishes sooner.
    let mut whole = Duration::MAX;
    for name in ["whole.gpkg", "whole2.gpkg"] {
        let start = Instant::now();
        let o = qn(&["clone", &url, dir.path().join(name).to_str().unwrap()]);
        assert!(o.status.success(), "{}", said(&o));
        whole = whole.min(start.elapsed());
    }
    let mut rng = common::Rng(0xc10e);
    let (mut killed, mut left, mut finished) = (0, 0, 0);
    for run in 0..16 {
        let target = dir.path().join(format!("copy{run}.gpkg"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_qn-planner"))
            .args(["clone", &url, target.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Anywhere from the start to just before a whole clone's time.
        let started = Instant::now();
        std::thread::sleep(whole.mul_f64(rng.below(1000) as f64 / 1000.0));
        match child.try_wait().unwrap() {
            Some(_) => {
                finished += 1;
                whole = whole.min(started.elapsed());
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                killed += 1;
            }
        }
        if target.exists() {
            // Only ever a whole clone: all the server's records and its link.
            left += 1;
            assert_eq!(proposed_in(&target), on_server, "run {run}");
            let o = qn(&["sync", target.to_str().unwrap()]);
            assert!(o.status.success(), "run {run}: {}", said(&o));
            common::assert_says(&o, "0 records pulled");
        }
        // What a killed clone left is only its part, removed by the next clone of the name.
        let o = qn(&["clone", &url, target.to_str().unwrap()]);
        if !target.exists() || !o.status.success() {
            assert!(said(&o).contains("exists"), "run {run}: {}", said(&o));
        }
        let parts: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".part"))
            .collect();
        assert!(parts.is_empty(), "run {run}: {parts:?}");
    }
    eprintln!(
        "killed clone: {killed} killed, {finished} finished first, {left} left a whole file (a clone takes {whole:?})"
    );
    assert!(killed >= 8, "only {killed} clones were killed");
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(30), "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What a department's GIS officer does in QGIS connected to PostGIS: add a site typing no
/// key, try values the app would refuse, move a point, delete a site with a boundary; each
/// commit as QGIS makes it (`QgsVectorLayerUtils.createFeature` fills the server's defaults as
/// QGIS's form does). Prints one line per action.
const QGIS_ON_POSTGIS: &str = r#"
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import (QgsApplication, QgsVectorLayer, QgsGeometry, QgsPointXY,
                       QgsDataSourceUri, QgsVectorLayerUtils)
app = QgsApplication([], False)
app.initQgis()
port, delete_name = sys.argv[1], sys.argv[2]
def layer(table):
    uri = QgsDataSourceUri()
    uri.setConnection("127.0.0.1", port, "plan", "qn", "")
    uri.setDataSource("public", table, "geom", "", "site_key")
    return QgsVectorLayer(uri.uri(False), table, "postgres")
def errors(vl):
    return "|".join(vl.commitErrors()).replace("\n", " ")
vl = layer("proposed_clusters")
print("valid", vl.isValid())
vl.startEditing()
f = QgsVectorLayerUtils.createFeature(vl, QgsGeometry.fromPointXY(QgsPointXY(107.2, 21.05)),
                                      {vl.fields().indexOf("name"): "Cụm vẽ trong QGIS",
                                       vl.fields().indexOf("status"): "proposed"})
print("add", vl.addFeature(f), vl.commitChanges(), errors(vl))
g = next(x for x in vl.getFeatures() if x["name"] == "Hà Khánh")
for field, value in [("name", ""), ("status", "planned"), ("decision_year", 2045), ("jobs", -5)]:
    vl.startEditing()
    vl.changeAttributeValue(g.id(), vl.fields().indexOf(field), value)
    ok = vl.commitChanges()
    print("set", field, ok, errors(vl))
    if not ok:
        vl.rollBack()
vl.startEditing()
vl.changeGeometry(g.id(), QgsGeometry.fromPointXY(QgsPointXY(107.14, 21.01)))
print("move", vl.commitChanges(), errors(vl))
d = next(x for x in vl.getFeatures() if x["name"] == delete_name)
vl.startEditing()
vl.deleteFeature(d.id())
print("delete", vl.commitChanges(), errors(vl))
del vl
app.exitQgis()
"#;

/// A laptop's copy for these tests: opened as the window opens it, edits through the app's
/// edit path.
struct Copy {
    path: PathBuf,
    pf: ProjectFile,
    p: qn_planner::model::Project,
}

impl Copy {
    fn clone_of(url: &str, dir: &Path, who: &str) -> Copy {
        let path = dir.join(format!("{who}.gpkg"));
        qn_planner::server::clone(url, &path).unwrap();
        let mut pf = ProjectFile::open(&path).unwrap();
        pf.set_author(who);
        let p = pf.read_project().unwrap();
        Copy { path, pf, p }
    }

    fn edit(&mut self, name: &str, change: impl FnOnce(&mut qn_planner::model::Site)) {
        let before = self
            .p
            .sites
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone();
        let mut after = before.clone();
        change(&mut after);
        qn_planner::edit::History::default()
            .apply(
                qn_planner::edit::Edit::update(before, after),
                None,
                &mut self.pf,
                &mut self.p,
            )
            .unwrap();
    }

    fn sync(&mut self, url: &str) -> Result<qn_planner::server::sync::SyncReport, String> {
        let r = qn_planner::server::sync::sync(url, &mut self.pf).map_err(|e| e.to_string());
        self.p = self.pf.read_project().unwrap();
        r
    }

    fn site(&self, name: &str) -> Option<&qn_planner::model::Site> {
        self.p.sites.iter().find(|s| s.name == name)
    }
}

fn square(x: f64, y: f64) -> geo_types::Geometry<f64> {
    geo_types::Geometry::Polygon(geo_types::Polygon::new(
        geo_types::LineString::from(vec![
            (x, y),
            (x + 0.01, y),
            (x + 0.01, y + 0.01),
            (x, y + 0.01),
            (x, y),
        ]),
        vec![],
    ))
}

#[test]
#[ignore = "needs QGIS (python3-qgis)"]
fn qgis_on_postgis_cannot_break_the_shared_plan() {
    if !common::have_qgis() {
        return;
    }
    let Some((pg, dir)) = plan(0) else { return };
    let url = pg.url();
    let mut lan = Copy::clone_of(&url, dir.path(), "lan");
    let mut minh = Copy::clone_of(&url, dir.path(), "minh");
    // Lan draws Tân Bình's boundary; it reaches the server.
    lan.edit("Tân Bình", |s| s.geom = Some(square(107.6, 21.3)));
    lan.sync(&url).unwrap();
    let boundaries = |pg: &PgServer| count_on_server(pg, "proposed_clusters_boundary");
    assert_eq!(boundaries(&pg), 1);
    let before = lan.site("Hà Khánh").unwrap().clone();

    let out = common::run_pyqgis(
        QGIS_ON_POSTGIS,
        &[pg.port.to_string().as_ref(), "Tân Bình".as_ref()],
    );
    assert!(out.contains("valid True"), "{out}");
    // A site added with no key gets one, and is a draft.
    assert!(out.contains("add True True"), "{out}");
    // Values the app refuses are refused at commit, with the rule in the message.
    for (field, rule) in [
        ("name", "name must not be empty"),
        (
            "status",
            "status must be established|proposed|approved|in operation",
        ),
        (
            "decision_year",
            "decision_year must be a whole number 2000-2030",
        ),
        ("jobs", "jobs must be a whole number 0 or more"),
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("set {field} ")))
            .unwrap_or_else(|| panic!("{field}: {out}"));
        assert!(line.contains(" False "), "{line}");
        assert!(line.contains(rule), "{line}");
    }
    assert!(out.contains("move True"), "{out}");
    assert!(out.contains("delete True"), "{out}");
    // The deleted site took its boundary with it on the server.
    assert_eq!(boundaries(&pg), 0);

    // Both copies take it all, and equal the server table by table.
    for copy in [&mut lan, &mut minh] {
        let r = copy.sync(&url).unwrap();
        assert!(r.open.is_empty(), "{:?}", r.open);
        let added = copy.site("Cụm vẽ trong QGIS").expect("QGIS's site arrived");
        assert_eq!(added.key.len(), 36);
        assert_eq!(
            added.location_precision,
            qn_planner::model::Precision::Drafted
        );
        assert!(copy.site("Tân Bình").is_none());
        let moved = copy.site("Hà Khánh").unwrap();
        assert_eq!(
            moved.location_precision,
            qn_planner::model::Precision::Drafted
        );
        assert!(
            moved
                .location_source
                .starts_with("di chuyển ngoài qn-planner (qn) ngày "),
            "{}",
            moved.location_source
        );
        assert!(
            moved.notes.contains(&before.location_source),
            "{}",
            moved.notes
        );
    }
    let server = common::sync::server_records(&url, dir.path());
    for copy in [&lan, &minh] {
        let d = common::sync::differences(&common::sync::records(&copy.pf), &server);
        assert!(d.is_empty(), "{}:\n{}", copy.path.display(), d.join("\n"));
    }
    // A fresh clone holds no stray boundary.
    let fresh = dir.path().join("fresh.gpkg");
    let o = qn(&["clone", &url, fresh.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(!said(&o).contains("names no site"), "{}", said(&o));
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_row_the_file_cannot_hold_is_set_aside_and_blocks_nothing() {
    let Some((pg, dir)) = plan(0) else { return };
    let url = pg.url();
    let mut lan = Copy::clone_of(&url, dir.path(), "lan");
    // A row written on the server before its rules were (the rule dropped and put back NOT
    // VALID, as an upgraded plan has it), and a sound edit beside it.
    pg.client()
        .batch_execute(
            "ALTER TABLE proposed_clusters DROP CONSTRAINT \"name must not be empty\";
             ALTER TABLE proposed_clusters ALTER COLUMN name DROP NOT NULL;
             UPDATE proposed_clusters SET name = NULL WHERE name = 'Lê Lợi';
             UPDATE proposed_clusters SET jobs = 321 WHERE name = 'Quảng An';
             INSERT INTO proposed_clusters (name, status, location_precision)
               VALUES ('', 'proposed', 'drafted');
             ALTER TABLE proposed_clusters ADD CONSTRAINT \"name must not be empty\"
               CHECK (name IS NULL OR btrim(name) <> '') NOT VALID;",
        )
        .unwrap();
    // Lan's own edit waits to be pushed.
    lan.edit("Hải Tân", |s| s.jobs = Some(42));
    let r = lan.sync(&url).expect("the sync goes on");
    assert_eq!(r.pushed, 1);
    assert_eq!(lan.site("Quảng An").unwrap().jobs, Some(321));
    // Lê Lợi keeps its name here; the empty one is set aside with the reason.
    assert!(lan.site("Lê Lợi").is_some());
    let reasons: Vec<String> = r.open.iter().filter_map(|c| c.reason.clone()).collect();
    assert!(
        reasons
            .iter()
            .any(|w| w == "proposed_clusters.name is empty"),
        "{reasons:?}"
    );
    assert_eq!(reasons.len(), 2, "{:?}", r.open);
    // Taking the server's value is refused with the reason; keeping mine closes it.
    let id = r.open[0].id.expect("a kept conflict has its row");
    let e = lan
        .pf
        .resolve_conflict(id, &qn_planner::sync::Decision::Theirs)
        .unwrap_err()
        .to_string();
    assert!(e.contains("breaks a rule of the file"), "{e}");
    lan.pf
        .resolve_conflict(id, &qn_planner::sync::Decision::Mine)
        .unwrap();
    // A clone is not blocked either: the rows are set aside the same way.
    let fresh = dir.path().join("fresh.gpkg");
    let o = qn(&["clone", &url, fresh.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    let pf = ProjectFile::open(&fresh).unwrap();
    assert_eq!(
        pf.conflicts()
            .unwrap()
            .iter()
            .filter(|c| c.reason.is_some())
            .count(),
        2
    );
    assert_eq!(pf.integrity_check().unwrap(), "ok");
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_sync_that_fails_here_leaves_the_server_as_it_was() {
    let Some((pg, dir)) = plan(0) else { return };
    let url = pg.url();
    let mut lan = Copy::clone_of(&url, dir.path(), "lan");
    let mut minh = Copy::clone_of(&url, dir.path(), "minh");
    minh.edit("Quảng An", |s| s.jobs = Some(100));
    minh.sync(&url).unwrap();
    lan.edit("Hải Tân", |s| s.jobs = Some(42));
    // Something in Lan's file refuses what comes in (a rule of another program's).
    rusqlite::Connection::open(&lan.path)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER refuse_jobs BEFORE UPDATE OF jobs ON proposed_clusters
               WHEN NEW.name = 'Quảng An'
             BEGIN SELECT RAISE(ABORT, 'refused by another program'); END;",
        )
        .unwrap();
    let log_before = count_on_server(&pg, "qn_server_log");
    let e = lan.sync(&url).unwrap_err();
    assert!(e.contains("refused by another program"), "{e}");
    // Nothing of Lan's reached the server, and Lan's copy is as it was.
    assert_eq!(count_on_server(&pg, "qn_server_log"), log_before);
    let jobs = pg.jobs_of("Hải Tân");
    assert_eq!(jobs, None);
    assert_eq!(lan.pf.sync_status().unwrap().pending, 1);
    assert_eq!(lan.site("Quảng An").unwrap().jobs, None);
    // Once the obstacle is gone the same sync completes.
    rusqlite::Connection::open(&lan.path)
        .unwrap()
        .execute_batch("DROP TRIGGER refuse_jobs")
        .unwrap();
    let r = lan.sync(&url).unwrap();
    assert_eq!(r.pushed, 1);
    assert_eq!(lan.site("Quảng An").unwrap().jobs, Some(100));
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_sync_with_another_departments_plan_is_refused_with_both_names() {
    let Some((pg, dir)) = plan(0) else { return };
    let url = pg.url();
    // Another plan on the same server, published from another file.
    let other_url = pg.another_database("plan_khac");
    let other = dir.path().join("ke-hoach-khac.gpkg");
    drop(ProjectFile::create(&other, false).unwrap());
    let o = qn(&["server", "init", &other_url, other.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    let mut lan = Copy::clone_of(&url, dir.path(), "lan");
    lan.edit("Hải Tân", |s| s.jobs = Some(42));
    drop(lan);
    let lan_path = dir.path().join("lan.gpkg");
    let o = qn(&["sync", lan_path.to_str().unwrap(), &other_url]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    let msg = said(&o);
    assert!(
        msg.contains("holds another plan (ke-hoach-khac.gpkg published"),
        "{msg}"
    );
    assert!(
        msg.contains("this copy belongs to origin.gpkg published"),
        "{msg}"
    );
    // Nothing went there; the edit still waits for its own plan.
    let mut c = postgres::Client::connect(
        &format!("host=127.0.0.1 port={} user=qn dbname=plan_khac", pg.port),
        postgres::NoTls,
    )
    .unwrap();
    let rows: i64 = c
        .query_one("SELECT count(*) FROM qn_server_log", &[])
        .unwrap()
        .get(0);
    assert_eq!(rows, 0);
    let o = qn(&["sync", lan_path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    common::assert_says(&o, "1 operations pushed");
    // The copy that published a plan remembers where: `sync FILE` alone works there.
    let o = qn(&["sync", other.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    common::assert_says(&o, "0 operations pushed");
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_plan_of_schema_2_is_brought_up_to_date_by_its_owner() {
    let Some((pg, dir)) = plan(0) else { return };
    let url = pg.url();
    let lan_path = dir.path().join("lan.gpkg");
    let o = qn(&["clone", &url, lan_path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    // The plan as qn-planner's server schema 2 left it: no defaults, rules, guards or identity.
    let mut c = pg.client();
    let mut undo = String::from(
        "DROP TRIGGER qn_log_append_only ON qn_server_log;
         DROP TRIGGER qn_log_no_truncate ON qn_server_log;
         DROP TRIGGER qn_log_role ON qn_server_log;
         DELETE FROM qn_meta WHERE key = 'plan_id';
         UPDATE qn_meta SET value = '2' WHERE key = 'schema_version';",
    );
    for r in c
        .query(
            "SELECT conrelid::regclass::text, conname::text FROM pg_constraint WHERE contype = 'c'
               AND connamespace = 'public'::regnamespace AND conrelid <> 'qn_server_log'::regclass",
            &[],
        )
        .unwrap()
    {
        let (t, n): (String, String) = (r.get(0), r.get(1));
        undo.push_str(&format!("ALTER TABLE {t} DROP CONSTRAINT \"{n}\";"));
    }
    for r in c
        .query(
            "SELECT tgrelid::regclass::text, tgname::text FROM pg_trigger
             WHERE tgname IN ('qn_drafted', 'qn_cascade')",
            &[],
        )
        .unwrap()
    {
        let (t, n): (String, String) = (r.get(0), r.get(1));
        undo.push_str(&format!("DROP TRIGGER {n} ON {t};"));
    }
    for r in c
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = 'public' AND column_default LIKE 'gen_random_uuid%'
               AND table_name <> 'qn_server_log'",
            &[],
        )
        .unwrap()
    {
        let (t, col): (String, String) = (r.get(0), r.get(1));
        undo.push_str(&format!("ALTER TABLE {t} ALTER COLUMN {col} DROP DEFAULT;"));
    }
    c.batch_execute(&undo).unwrap();
    // And the copy as a qn-planner of then made it: no plan identity.
    rusqlite::Connection::open(&lan_path)
        .unwrap()
        .execute_batch("DELETE FROM qn_meta WHERE key LIKE 'plan_%'")
        .unwrap();
    // A row that breaks a rule, written while there were none: it stays readable.
    c.batch_execute("UPDATE proposed_clusters SET jobs = -1 WHERE name = 'Yên Than'")
        .unwrap();
    // The owner's next sync brings the plan to schema 3; the row of before is set aside with
    // its reason (exit 3: a decision waits).
    let o = qn(&["sync", lan_path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", said(&o));
    common::assert_says(
        &o,
        "set aside: the server's value breaks a rule (proposed_clusters.jobs is not a whole number of 0 or more)",
    );
    let version: String = c
        .query_one(
            "SELECT value FROM qn_meta WHERE key = 'schema_version'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(version, "3");
    let plan_id: String = c
        .query_one("SELECT value FROM qn_meta WHERE key = 'plan_id'", &[])
        .unwrap()
        .get(0);
    assert_eq!(plan_id.len(), 36);
    // The rules hold for new writes, the old row is still there, keys have defaults again.
    let e = c
        .batch_execute("UPDATE proposed_clusters SET status = 'planned' WHERE name = 'Hải Tân'")
        .unwrap_err();
    assert!(
        e.as_db_error()
            .is_some_and(|d| d.constraint()
                == Some("status must be established|proposed|approved|in operation")),
        "{e:?}"
    );
    c.batch_execute(
        "INSERT INTO proposed_clusters (name, status) VALUES ('Thêm bằng psql', 'proposed')",
    )
    .unwrap();
    let o = qn(&["sync", lan_path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", said(&o));
    let pf = ProjectFile::open(&lan_path).unwrap();
    assert_eq!(pf.plan().unwrap().unwrap().id, plan_id);
    let p = pf.read_project().unwrap();
    assert!(p.sites.iter().any(|s| s.name == "Thêm bằng psql"));
    // The row of before, set aside with its reason.
    assert!(
        pf.conflicts().unwrap().iter().any(|c| c.reason.as_deref()
            == Some("proposed_clusters.jobs is not a whole number of 0 or more")),
        "{:?}",
        pf.conflicts().unwrap()
    );
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn no_password_is_stored_or_shown_and_the_log_knows_who_pushed() {
    let Some((pg, dir)) = plan(0) else { return };
    pg.planner_with_password("lan", "mat-khau-2026");
    let with_pw = format!("postgresql://lan:mat-khau-2026@127.0.0.1:{}/plan", pg.port);
    let lan_path = dir.path().join("lan.gpkg");
    let o = Command::new(env!("CARGO_BIN_EXE_qn-planner"))
        .args(["clone", &with_pw, lan_path.to_str().unwrap()])
        .env_remove("PGPASSWORD")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", said(&o));
    assert!(!said(&o).contains("mat-khau"), "{}", said(&o));
    let stored = ProjectFile::open(&lan_path)
        .unwrap()
        .meta("server_url")
        .unwrap()
        .unwrap();
    assert_eq!(
        stored,
        format!("postgresql://lan@127.0.0.1:{}/plan", pg.port)
    );
    let bytes = std::fs::read(&lan_path).unwrap();
    assert!(
        !bytes.windows(8).any(|w| w == b"mat-khau"),
        "the password is nowhere in the file"
    );
    // The key=value form and a URL parameter: stored without it too.
    let kv_path = dir.path().join("kv.gpkg");
    let kv = format!(
        "host=127.0.0.1 port={} user=lan password=mat-khau-2026 dbname=plan",
        pg.port
    );
    let o = qn(&["clone", &kv, kv_path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(!said(&o).contains("mat-khau"), "{}", said(&o));
    let stored = ProjectFile::open(&kv_path)
        .unwrap()
        .meta("server_url")
        .unwrap()
        .unwrap();
    assert!(!stored.contains("mat-khau"), "{stored}");
    // With none given, the sync says what is missing...
    let sync = |pw: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_qn-planner"));
        c.args(["sync", lan_path.to_str().unwrap()])
            .env("HOME", dir.path())
            .env_remove("PGPASSWORD");
        if let Some(p) = pw {
            c.env("PGPASSWORD", p);
        }
        c.output().unwrap()
    };
    let o = sync(None);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    common::assert_says(&o, "asks for a password and none was given");
    // ...and takes it from PGPASSWORD (a copy saved with "***" by an older qn-planner too).
    let mut lan = Copy::clone_of(&pg.url(), dir.path(), "lan-edit");
    drop(lan.pf);
    lan.pf = ProjectFile::open(&lan_path).unwrap();
    lan.p = lan.pf.read_project().unwrap();
    lan.edit("Hải Tân", |s| s.jobs = Some(42));
    drop(lan);
    let o = sync(Some("mat-khau-2026"));
    assert!(o.status.success(), "{}", said(&o));
    common::assert_says(&o, "1 operations pushed");
    rusqlite::Connection::open(&lan_path)
        .unwrap()
        .execute(
            "UPDATE qn_meta SET value = ?1 WHERE key = 'server_url'",
            [format!("postgresql://lan:***@127.0.0.1:{}/plan", pg.port)],
        )
        .unwrap();
    let o = sync(Some("mat-khau-2026"));
    assert!(o.status.success(), "{}", said(&o));
    // The server knows who pushed, whatever the copy calls its author; the log's history is
    // not Lan's to rewrite.
    let role: String = pg
        .client()
        .query_one(
            "SELECT db_role FROM qn_server_log WHERE field = 'jobs' ORDER BY seq DESC LIMIT 1",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(role, "lan");
    let mut as_lan = postgres::Client::connect(&with_pw, postgres::NoTls).unwrap();
    for attack in [
        "UPDATE qn_server_log SET db_role = 'qn'",
        "DELETE FROM qn_server_log",
        "TRUNCATE qn_server_log",
    ] {
        let e = as_lan.batch_execute(attack).unwrap_err();
        let msg = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_default();
        assert!(
            msg.contains("append-only") || msg.contains("permission denied"),
            "{attack}: {msg}"
        );
    }
    as_lan
        .batch_execute(
            "INSERT INTO qn_server_log (tbl, record_key, kind, field, db_role)
             VALUES ('proposed_clusters', 'x', 'update', 'notes', 'qn')",
        )
        .unwrap();
    let role: String = pg
        .client()
        .query_one(
            "SELECT db_role FROM qn_server_log WHERE record_key = 'x'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        role, "lan",
        "the role is the session's, whatever the row says"
    );
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn the_server_refuses_coordinates_that_are_not_numbers() {
    let Some((pg, _dir)) = plan(0) else { return };
    let mut c = pg.client();
    for (x, y) in [
        ("'NaN'", "21"),
        ("107", "'Infinity'"),
        ("'-Infinity'", "21"),
        ("200", "21"),
    ] {
        let wkt = format!("POINT({x} {y})");
        let e = c
            .batch_execute(&format!(
                "INSERT INTO proposed_clusters (name, status, geom)
                 VALUES ('x', 'proposed', ST_SetSRID(ST_MakePoint({x}::float8, {y}::float8), 4326))"
            ))
            .unwrap_err();
        let d = e.as_db_error().expect("refused by the server");
        assert_eq!(
            d.constraint(),
            Some("geom must lie within -180..180, -90..90"),
            "{wkt}: {}",
            d.message()
        );
    }
}

fn value_here(path: &Path, sql: &str) -> Option<String> {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row(sql, [], |r| r.get::<_, Option<String>>(0))
        .unwrap()
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_field_added_anywhere_reaches_every_copy_and_a_dropped_one_is_refused() {
    let Some((pg, dir)) = plan(0) else { return };
    let url = pg.url();
    let lan = dir.path().join("lan.gpkg");
    let minh = dir.path().join("minh.gpkg");
    for p in [&lan, &minh] {
        let o = qn(&["clone", &url, p.to_str().unwrap()]);
        assert!(o.status.success(), "{}", said(&o));
    }
    // On the server (the GIS officer, in QGIS or psql): a field, with a value.
    pg.client()
        .batch_execute(
            "ALTER TABLE proposed_clusters ADD COLUMN dat_cong_nghiep double precision;
             UPDATE proposed_clusters SET dat_cong_nghiep = 12.5 WHERE name = 'Hải Tân';",
        )
        .unwrap();
    // On Lan's copy: a field added with the command, filled in QGIS.
    let o = qn(&[
        "field",
        "add",
        lan.to_str().unwrap(),
        "proposed_clusters",
        "chu_dau_tu",
        "text",
    ]);
    assert!(o.status.success(), "{}", said(&o));
    common::assert_says(&o, "the next sync takes it to the shared plan");
    common::as_another_program(&lan)
        .execute(
            "UPDATE proposed_clusters SET chu_dau_tu = 'Công ty Đông Bắc' WHERE name = 'Quảng An'",
            [],
        )
        .unwrap();
    for p in [&lan, &minh, &lan] {
        let o = qn(&["sync", p.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", p.display(), said(&o));
    }
    for p in [&lan, &minh] {
        assert_eq!(
            value_here(
                p,
                "SELECT CAST(dat_cong_nghiep AS TEXT) FROM proposed_clusters WHERE name = 'Hải Tân'"
            )
            .as_deref(),
            Some("12.5"),
            "{}",
            p.display()
        );
        assert_eq!(
            value_here(
                p,
                "SELECT chu_dau_tu FROM proposed_clusters WHERE name = 'Quảng An'"
            )
            .as_deref(),
            Some("Công ty Đông Bắc"),
            "{}",
            p.display()
        );
    }
    let on_server: String = pg
        .client()
        .query_one(
            "SELECT chu_dau_tu FROM proposed_clusters WHERE name = 'Quảng An'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(on_server, "Công ty Đông Bắc");
    // A fresh clone has both fields too, and the copies equal the server.
    let fresh = dir.path().join("fresh.gpkg");
    let o = qn(&["clone", &url, fresh.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    assert_eq!(
        value_here(
            &fresh,
            "SELECT chu_dau_tu FROM proposed_clusters WHERE name = 'Quảng An'"
        )
        .as_deref(),
        Some("Công ty Đông Bắc")
    );
    let server = common::sync::server_records(&url, dir.path());
    for p in [&lan, &minh] {
        let d = common::sync::differences(
            &common::sync::records(&ProjectFile::open(p).unwrap()),
            &server,
        );
        assert!(d.is_empty(), "{}:\n{}", p.display(), d.join("\n"));
    }
    if common::have_gdal() {
        common::assert_valid_gpkg(&minh, "a copy with fields added by sync");
    }
    // A field dropped or retyped on the server is not carried: refused, nothing applied.
    pg.client()
        .batch_execute("ALTER TABLE proposed_clusters DROP COLUMN dat_cong_nghiep")
        .unwrap();
    let o = qn(&["sync", minh.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(
        said(&o).contains(
            "the field dat_cong_nghiep of proposed_clusters was removed from the shared plan"
        ),
        "{}",
        said(&o)
    );
    pg.client()
        .batch_execute(
            "ALTER TABLE proposed_clusters ADD COLUMN dat_cong_nghiep double precision;
             ALTER TABLE proposed_clusters ALTER COLUMN chu_dau_tu TYPE bigint USING NULL;",
        )
        .unwrap();
    let o = qn(&["sync", minh.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(
        said(&o).contains(
            "the field chu_dau_tu of proposed_clusters is bigint on the server and TEXT here"
        ),
        "{}",
        said(&o)
    );
}
