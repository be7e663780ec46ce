//! Several planners, one plan: laptops' copies synced through a real throwaway PostgreSQL 15 +
//! PostGIS 3 server on loopback (skipped where none is installed, unless `QN_REQUIRE_PG` is
//! set, as `.ci/run` does). Edits go through the app's edit path (`History::apply`), through
//! plain SQL on a laptop's GeoPackage (as GDAL or QGIS would), and through SQL on the server.

use crate::common;

use crate::common::pg::server;
use crate::common::sync::{differences, records, server_records};
use qn_planner::edit::{Edit, History};
use qn_planner::model::{Layer, Project, Site, Status};

use qn_planner::server::sync::{SyncReport, sync};
use qn_planner::store::{Cell, ProjectFile};
use qn_planner::sync::Decision;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod bundle;
mod units;

/// Two copies of one plan (a file copied to a second laptop), no server.
fn two_copies(dir: &Path) -> (Laptop, Laptop) {
    let a = dir.join("lan.gpkg");
    ProjectFile::create(&a, false).unwrap();
    std::fs::copy(&a, dir.join("minh.gpkg")).unwrap();
    (
        Laptop::reopen(a, "lan"),
        Laptop::reopen(dir.join("minh.gpkg"), "minh"),
    )
}

/// One planner's laptop: its copy of the plan, opened as the window opens it.
struct Laptop {
    path: PathBuf,
    pf: ProjectFile,
    p: Project,
    h: History,
}

impl Laptop {
    fn clone_from(url: &str, dir: &Path, who: &str) -> Laptop {
        let path = dir.join(format!("{who}.gpkg"));
        qn_planner::server::clone(url, &path).unwrap();
        Laptop::reopen(path, who)
    }

    /// The copy at `path` opened again (after another program wrote to it, or a restore).
    fn reopen(path: PathBuf, who: &str) -> Laptop {
        let mut pf = ProjectFile::open(&path).unwrap();
        pf.set_author(who);
        let p = pf.read_project().unwrap();
        Laptop {
            path,
            pf,
            p,
            h: History::default(),
        }
    }

    fn site(&self, name: &str) -> Site {
        self.p
            .sites
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("{name} is not on {}", self.path.display()))
            .clone()
    }

    fn by_key(&self, key: &str) -> Option<Site> {
        self.p.sites.iter().find(|s| s.key == key).cloned()
    }

    fn edit(&mut self, name: &str, change: impl FnOnce(&mut Site)) {
        let before = self.site(name);
        let mut after = before.clone();
        change(&mut after);
        self.h
            .apply(Edit::update(before, after), None, &mut self.pf, &mut self.p)
            .unwrap();
    }

    fn insert(&mut self, site: Site) -> String {
        self.h
            .apply(Edit::insert(site), None, &mut self.pf, &mut self.p)
            .unwrap()
            .key
            .unwrap()
    }

    fn delete(&mut self, name: &str) {
        let s = self.site(name);
        self.h
            .apply(Edit::delete(s), None, &mut self.pf, &mut self.p)
            .unwrap();
    }

    /// Syncs, then reads the project again (as the window does after a sync).
    fn sync(&mut self, url: &str) -> SyncReport {
        let r = sync(url, &mut self.pf).unwrap();
        self.p = self.pf.read_project().unwrap();
        self.h.clear();
        r
    }
}

/// Every shared table of each laptop's copy equals the server's, record by record.
fn assert_equal_to_server(url: &str, dir: &Path, laptops: &[&Laptop]) {
    let s = server_records(url, dir);
    for l in laptops {
        let d = differences(&records(&l.pf), &s);
        assert!(d.is_empty(), "{}:\n{}", l.path.display(), d.join("\n"));
    }
}

/// A published plan and three laptops cloned from it.
fn department() -> Option<(common::pg::PgServer, tempfile::TempDir, String, [Laptop; 3])> {
    let pg = server()?;
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin.gpkg");
    ProjectFile::create(&origin, false).unwrap();
    let url = pg.url();
    qn_planner::server::init(&url, &mut ProjectFile::open(&origin).unwrap()).unwrap();
    let laptops = ["lan", "minh", "hoa"].map(|w| Laptop::clone_from(&url, dir.path(), w));
    Some((pg, dir, url, laptops))
}

fn qn(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_qn-planner"))
        .args(args)
        .env("HOME", std::env::temp_dir())
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn three_laptops_with_disjoint_edits_end_identical_to_the_server() {
    let Some((_pg, dir, url, [mut lan, mut minh, mut hoa])) = department() else {
        return;
    };
    // Lan renames a cluster; Minh changes other fields of the same record and of another;
    // Hoa adds a site and deletes one.
    lan.edit("Hà Khánh", |s| s.name = "Hà Khánh mở rộng".into());
    minh.edit("Hà Khánh", |s| {
        s.jobs = Some(1200);
        s.investment_bn_vnd = Some(350.0);
    });
    minh.edit("Cái Lân", |s| {
        s.notes = "Đã khảo sát thực địa tháng 11".into()
    });
    let new_key = hoa.insert(Site::new(
        Layer::ProposedClusters,
        "Cụm công nghiệp Đầm Hà mới",
        Status::Proposed,
    ));
    hoa.delete("Yên Than");
    for (who, l) in [("lan", &mut lan), ("minh", &mut minh), ("hoa", &mut hoa)] {
        let r = l.sync(&url);
        assert!(r.open.is_empty(), "{who}: {:?}", r.open);
        assert!(r.pushed > 0, "{who} pushed nothing");
    }
    // Lan and Minh synced before the others' edits were on the server: once more.
    lan.sync(&url);
    minh.sync(&url);
    assert_equal_to_server(&url, dir.path(), &[&lan, &minh, &hoa]);
    let merged = lan.by_key(&minh.site("Hà Khánh mở rộng").key).unwrap();
    assert_eq!(merged.name, "Hà Khánh mở rộng");
    assert_eq!(
        merged.jobs,
        Some(1200),
        "different fields of one record merge"
    );
    assert!(lan.by_key(&new_key).is_some());
    assert!(lan.p.sites.iter().all(|s| s.name != "Yên Than"));
    // A sync with nothing new does nothing.
    let again = hoa.sync(&url);
    assert_eq!((again.pushed, again.pulled), (0, 0));
    for l in [&lan, &minh, &hoa] {
        common::assert_valid_gpkg(&l.path, "a laptop's copy after syncs");
    }
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn the_same_field_changed_on_two_laptops_is_a_conflict_kept_until_decided() {
    let Some((_pg, dir, url, [mut lan, mut minh, mut hoa])) = department() else {
        return;
    };
    let key = lan.site("Việt Hưng").key;
    let original = lan.site("Việt Hưng").jobs;
    lan.edit("Việt Hưng", |s| s.jobs = Some(5000));
    minh.edit("Việt Hưng", |s| s.jobs = Some(6500));
    minh.edit("Việt Hưng", |s| s.notes = "Minh's note".into());
    assert!(lan.sync(&url).open.is_empty());
    let r = minh.sync(&url);
    assert_eq!(r.open.len(), 1, "{:?}", r.open);
    let c = &r.open[0];
    assert_eq!(
        (c.field.as_str(), &c.mine, &c.theirs),
        ("jobs", &Cell::Int(6500), &Cell::Int(5000))
    );
    assert_eq!(
        c.base,
        original.map_or(Cell::Null, Cell::Int),
        "the base is the value before Minh's edit"
    );
    assert_eq!(c.theirs_author.as_deref(), Some("lan"));
    // The record shows Minh's value until he decides; his other field went through.
    assert_eq!(minh.by_key(&key).unwrap().jobs, Some(6500));
    assert_eq!(hoa.sync(&url).open.len(), 0);
    assert_eq!(hoa.by_key(&key).unwrap().jobs, Some(5000));
    assert_eq!(hoa.by_key(&key).unwrap().notes, "Minh's note");
    // Syncing again keeps the conflict and sends nothing over Lan's value.
    let again = minh.sync(&url);
    assert_eq!(again.open.len(), 1);
    assert_eq!(
        server_records(&url, dir.path())["industrial_zones"]
            .values()
            .filter(|r| r.iter().any(|c| c.contains("Việt Hưng")))
            .count(),
        1
    );
    // The command line lists it and says so in its exit status.
    drop(minh);
    let minh_path = dir.path().join("minh.gpkg");
    let out = qn(&["conflicts", minh_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains("jobs: base") && text.contains("mine 6500, theirs 5000"),
        "{text}"
    );
    let out = qn(&["sync", minh_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{:?}", out);
    // Minh decides on a third value; it reaches everyone.
    let id: i64 = text
        .trim_start_matches("conflict ")
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let out = qn(&[
        "resolve",
        minh_path.to_str().unwrap(),
        &id.to_string(),
        "--value",
        "5800",
    ]);
    assert!(out.status.success(), "{:?}", out);
    let out = qn(&["sync", minh_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{:?}", out);
    lan.sync(&url);
    hoa.sync(&url);
    let minh = ProjectFile::open(&minh_path).unwrap();
    let s = server_records(&url, dir.path());
    for (name, pf) in [("lan", &lan.pf), ("minh", &minh), ("hoa", &hoa.pf)] {
        let d = differences(&records(pf), &s);
        assert!(d.is_empty(), "{name}:\n{}", d.join("\n"));
    }
    assert_eq!(lan.by_key(&key).unwrap().jobs, Some(5800));
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn an_update_against_a_delete_is_a_conflict_either_way() {
    let Some((_pg, dir, url, [mut lan, mut minh, mut hoa])) = department() else {
        return;
    };
    // Lan deletes a site Minh is still editing: Minh keeps his.
    let key = lan.site("Quảng An").key;
    lan.delete("Quảng An");
    minh.edit("Quảng An", |s| s.jobs = Some(800));
    lan.sync(&url);
    let r = minh.sync(&url);
    assert_eq!(r.open.len(), 1);
    assert!(r.open[0].theirs_deleted && r.open[0].field == "*");
    assert!(
        minh.by_key(&key).is_some(),
        "the record stays until Minh decides"
    );
    minh.pf
        .resolve_conflict(r.open[0].id.expect("a kept conflict"), &Decision::Mine)
        .unwrap();
    assert!(minh.sync(&url).open.is_empty());
    lan.sync(&url);
    assert_eq!(
        lan.by_key(&key).unwrap().jobs,
        Some(800),
        "kept: back on Lan's copy"
    );

    // Hoa deletes a site Lan edits: Hoa takes Lan's version back.
    let key2 = hoa.site("Tân Bình").key;
    hoa.sync(&url);
    hoa.delete("Tân Bình");
    lan.edit("Tân Bình", |s| s.notes = "Lan giữ lại".into());
    lan.sync(&url);
    let r = hoa.sync(&url);
    assert_eq!(r.open.len(), 1);
    assert!(r.open[0].mine_deleted);
    assert!(
        hoa.by_key(&key2).is_none(),
        "Hoa's delete shows until she decides"
    );
    hoa.pf
        .resolve_conflict(r.open[0].id.expect("a kept conflict"), &Decision::Theirs)
        .unwrap();
    assert!(hoa.sync(&url).open.is_empty());
    assert_eq!(hoa.by_key(&key2).unwrap().notes, "Lan giữ lại");
    minh.sync(&url);
    assert_equal_to_server(&url, dir.path(), &[&lan, &minh, &hoa]);
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn edits_by_gdal_on_a_laptop_and_by_sql_on_the_server_reach_everyone() {
    let Some((pg, dir, url, [lan, mut minh, mut hoa])) = department() else {
        return;
    };
    if !common::have_gdal() {
        return;
    }
    // GDAL writes to Lan's GeoPackage (as ogrinfo -sql, or QGIS through GDAL, would).
    let key = lan.site("Hải Yên").key;
    drop(lan);
    let lan_path = dir.path().join("lan.gpkg");
    let out = Command::new("ogrinfo")
        .arg(&lan_path)
        .arg("-sql")
        .arg(format!(
            "UPDATE industrial_zones SET notes = 'sửa bằng GDAL' WHERE site_key = '{key}'"
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let mut lan = Laptop::reopen(lan_path, "lan");
    lan.sync(&url);
    // SQL on the server, as QGIS connected to PostGIS would write it.
    let mut db = pg.client();
    db.execute(
        "UPDATE industrial_zones SET name = 'Hải Yên (sửa trên máy chủ)' WHERE site_key = $1",
        &[&key],
    )
    .unwrap();
    let role: String = db
        .query_one(
            "SELECT db_role FROM qn_server_log WHERE field = 'name' ORDER BY seq DESC LIMIT 1",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(role, "qn", "the server log names the database role");
    for l in [&mut minh, &mut hoa, &mut lan] {
        l.sync(&url);
        let s = l.by_key(&key).unwrap();
        assert_eq!(s.notes, "sửa bằng GDAL");
        assert_eq!(s.name, "Hải Yên (sửa trên máy chủ)");
    }
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn inserts_on_two_laptops_never_clash_and_a_repeated_push_applies_nothing_twice() {
    let Some((pg, dir, url, [mut lan, mut minh, _hoa])) = department() else {
        return;
    };
    let a = lan.insert(Site::new(
        Layer::ProposedClusters,
        "Cụm A",
        Status::Proposed,
    ));
    let b = minh.insert(Site::new(
        Layer::ProposedClusters,
        "Cụm B",
        Status::Proposed,
    ));
    lan.edit("Cụm A", |s| s.jobs = Some(10));
    // Lan's sync reaches the server, but her copy is lost before it records that (a crash
    // between the two commits): the copy from before the sync comes back.
    let before = dir.path().join("lan-before.gpkg");
    let lan_path = lan.path.clone();
    drop(lan);
    std::fs::copy(&lan_path, &before).unwrap();
    let mut lan = Laptop::reopen(lan_path.clone(), "lan");
    let first = lan.sync(&url);
    assert_eq!(first.pushed, 2, "the insert and the field: {first:?}");
    drop(lan);
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", lan_path.display()));
    }
    std::fs::copy(&before, &lan_path).unwrap();
    let mut lan = Laptop::reopen(lan_path, "lan");
    let second = lan.sync(&url);
    assert_eq!(second.open.len(), 0);
    let mut db = pg.client();
    let dup: i64 = db
        .query_one(
            "SELECT count(*) FROM (SELECT op_key FROM qn_server_log GROUP BY op_key HAVING count(*) > 1) d",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(dup, 0);
    let rows: i64 = db
        .query_one(
            "SELECT count(*) FROM proposed_clusters WHERE site_key = $1",
            &[&a],
        )
        .unwrap()
        .get(0);
    assert_eq!(rows, 1, "Lan's site is on the server once");
    assert!(
        lan.pf.pending_operations().unwrap().is_empty(),
        "the second sync acknowledged the first one's operations"
    );
    minh.sync(&url);
    lan.sync(&url);
    assert!(lan.by_key(&b).is_some() && minh.by_key(&a).is_some());
    assert_equal_to_server(&url, dir.path(), &[&lan, &minh]);
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_reader_pulls_but_cannot_push_and_another_schema_is_refused() {
    let Some((pg, dir, url, [mut lan, mut minh, _hoa])) = department() else {
        return;
    };
    let mut db = pg.client();
    db.batch_execute(
        "CREATE ROLE viewer LOGIN;
         GRANT SELECT ON ALL TABLES IN SCHEMA public TO viewer;",
    )
    .unwrap();
    let viewer = format!("postgresql://viewer@127.0.0.1:{}/plan", pg.port);
    lan.edit("Hà Khánh", |s| s.jobs = Some(42));
    lan.sync(&url);
    minh.edit("Cái Lân", |s| s.jobs = Some(7));
    let pending = minh.pf.pending_operations().unwrap().len();
    let r = sync(&viewer, &mut minh.pf).unwrap();
    minh.p = minh.pf.read_project().unwrap();
    assert!(r.push_refused.is_some(), "{r:?}");
    assert_eq!(minh.site("Hà Khánh").jobs, Some(42), "the reader pulled");
    assert_eq!(
        minh.pf.pending_operations().unwrap().len(),
        pending,
        "nothing of Minh's was sent or lost"
    );
    let jobs: Option<i64> = db
        .query_one(
            "SELECT jobs FROM industrial_zones WHERE name = 'Cái Lân'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_ne!(jobs, Some(7));
    // The same sync with a role that may write sends it.
    minh.sync(&url);
    assert!(minh.pf.pending_operations().unwrap().is_empty());
    // A server of another schema: a clear message, nothing applied.
    db.batch_execute("UPDATE qn_meta SET value = '99' WHERE key = 'schema_version'")
        .unwrap();
    minh.edit("Cái Lân", |s| s.jobs = Some(8));
    let e = sync(&url, &mut minh.pf).unwrap_err().to_string();
    assert!(e.contains("schema 99"), "{e}");
    assert_eq!(minh.pf.pending_operations().unwrap().len(), 1);
    let _ = dir;
}

/// Sets `jobs` and `notes` of every site of `layer` on `l`'s copy in one transaction (a
/// day's edits of one planner), marked with `tag`.
fn bulk_edit(l: &mut Laptop, layer: Layer, tag: u64) {
    let changed: Vec<Site> =
        l.p.sites_of(layer)
            .map(|s| {
                let mut s = s.clone();
                s.jobs = Some(i64::try_from(tag).unwrap_or(0) * 10 + s.fid);
                s.notes = format!("lần sửa {tag} của {}", l.path.display());
                s
            })
            .collect();
    let changes: Vec<(i64, Option<&Site>)> = changed.iter().map(|s| (s.fid, Some(s))).collect();
    l.pf.put_sites(layer, &changes).unwrap();
    l.p = l.pf.read_project().unwrap();
}

/// The operation keys this copy's own author made (not those a sync brought in).
fn own_op_keys(path: &Path, author: &str) -> Vec<String> {
    let c = rusqlite::Connection::open(path).unwrap();
    let mut st = c
        .prepare("SELECT op_key FROM qn_oplog WHERE author = ?1 AND server_seq IS NOT 0")
        .unwrap();
    st.query_map([author], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|k| {
            let h: String = k.unwrap().iter().map(|b| format!("{b:02x}")).collect();
            format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            )
        })
        .collect()
}

fn integrity(path: &Path) -> String {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn kill_9_during_sync_never_loses_or_doubles_an_operation() {
    let Some((pg, dir, url, [mut lan, mut minh, _hoa])) = department() else {
        return;
    };
    let runs: u64 = std::env::var("QN_SYNC_KILL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let mut rng = common::Rng(0x005e_ed5c);
    let lan_path = lan.path.clone();
    let (mut killed, mut finished) = (0, 0);
    // Killed syncs whose server transaction had committed (the local one had not).
    let mut between = 0;
    let mut db = pg.client();
    let log_rows = |db: &mut postgres::Client| -> i64 {
        db.query_one("SELECT count(*) FROM qn_server_log", &[])
            .unwrap()
            .get(0)
    };
    // Every other sync is left to finish (clearing what the killed one left), and how long it
    // takes sets where the next one is killed.
    let mut whole = std::time::Duration::ZERO;
    for run in 0..runs * 2 {
        // Both planners edit; Minh's edits reach the server, so Lan's sync pulls as well as
        // pushes.
        bulk_edit(&mut lan, Layer::ProposedClusters, run);
        if run % 5 == 0 {
            lan.insert(Site::new(
                Layer::ProposedClusters,
                &format!("Cụm mới {run}"),
                Status::Proposed,
            ));
        }
        bulk_edit(&mut minh, Layer::IndustrialZones, run);
        minh.sync(&url);
        drop(lan);
        let rows_before = log_rows(&mut db);
        let start = std::time::Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_qn-planner"))
            .args(["sync", lan_path.to_str().unwrap(), &url])
            .env("HOME", dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        if run % 2 == 0 {
            assert!(child.wait().unwrap().success());
            whole = start.elapsed();
            lan = Laptop::reopen(lan_path.clone(), "lan");
            continue;
        }
        // Anywhere from the start of the process to the end of the sync.
        std::thread::sleep(whole.mul_f64(rng.below(1000) as f64 / 1000.0));
        match child.try_wait().unwrap() {
            Some(_) => finished += 1,
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                killed += 1;
                let pending = ProjectFile::open(&lan_path)
                    .unwrap()
                    .pending_operations()
                    .unwrap()
                    .len();
                if log_rows(&mut db) > rows_before && pending > 0 {
                    between += 1;
                }
            }
        }
        assert_eq!(integrity(&lan_path), "ok", "run {run}");
        if common::have_gdal() {
            common::assert_valid_gpkg(&lan_path, &format!("kill run {run}"));
        }
        lan = Laptop::reopen(lan_path.clone(), "lan");
    }
    assert!(
        killed >= runs * 3 / 4,
        "only {killed} of {runs} syncs were killed (a whole one takes {whole:?})"
    );
    // The next syncs complete, and every operation Lan made is on the server exactly once.
    let r = lan.sync(&url);
    assert!(r.open.is_empty(), "{:?}", r.open);
    minh.sync(&url);
    assert!(lan.pf.pending_operations().unwrap().is_empty());
    let mut on_server: BTreeMap<String, i64> = BTreeMap::new();
    for row in db
        .query(
            "SELECT op_key, count(*) FROM qn_server_log GROUP BY op_key",
            &[],
        )
        .unwrap()
    {
        on_server.insert(row.get(0), row.get(1));
    }
    let own = own_op_keys(&lan_path, "lan");
    assert!(own.len() as u64 >= runs * 10, "{} operations", own.len());
    for k in &own {
        assert_eq!(on_server.get(k), Some(&1), "operation {k} on the server");
    }
    assert_equal_to_server(&url, dir.path(), &[&lan, &minh]);
    eprintln!(
        "kill -9 during sync: {runs} runs, {killed} killed ({between} after the server's commit, before the copy's), {finished} finished first (the last whole sync {whole:?}); {} operations of Lan's, each once on the server",
        own.len()
    );
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_server_restart_during_a_sync_fails_it_cleanly_and_the_next_completes() {
    let Some((pg, dir, url, [mut lan, mut minh, _hoa])) = department() else {
        return;
    };
    for run in 0..5 {
        bulk_edit(&mut lan, Layer::ProposedClusters, run);
        bulk_edit(&mut minh, Layer::IndustrialZones, run);
        minh.sync(&url);
        drop(lan);
        let lan_path = dir.path().join("lan.gpkg");
        let child = Command::new(env!("CARGO_BIN_EXE_qn-planner"))
            .args(["sync", lan_path.to_str().unwrap(), &url])
            .env("HOME", dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The server goes down hard and comes back while (or just after) Lan syncs.
        std::thread::sleep(std::time::Duration::from_millis(20 * run));
        pg.restart_immediately().unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.code() == Some(1) {
            let said = String::from_utf8_lossy(&out.stderr);
            assert!(!said.contains("panicked"));
            // Said as a planner can act on it, never a bare "connection closed".
            assert!(
                said.contains("the server restarted")
                    || said.contains("the connection to the server closed")
                    || said.contains("cannot connect"),
                "{said}"
            );
        }
        assert_eq!(integrity(&lan_path), "ok");
        lan = Laptop::reopen(lan_path, "lan");
    }
    lan.sync(&url);
    minh.sync(&url);
    assert!(lan.pf.pending_operations().unwrap().is_empty());
    assert_equal_to_server(&url, dir.path(), &[&lan, &minh]);
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn sync_runs_over_tls_and_the_server_s_certificate_can_be_checked() {
    let Some(pg) = common::pg::tls_server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin.gpkg");
    ProjectFile::create(&origin, false).unwrap();
    let base = format!("postgresql://qn@127.0.0.1:{}/plan", pg.port);
    let require = format!("{base}?sslmode=require");
    qn_planner::server::init(&require, &mut ProjectFile::open(&origin).unwrap()).unwrap();
    let mut lan = Laptop::clone_from(&require, dir.path(), "lan");
    lan.edit("Hà Khánh", |s| s.jobs = Some(77));
    assert_eq!(lan.sync(&require).pushed, 1);
    // The server takes TLS only: a plain connection is refused, and said so.
    let plain = format!("{base}?sslmode=disable");
    let e = sync(&plain, &mut lan.pf).unwrap_err().to_string();
    assert!(e.contains("cannot connect"), "{e}");
    // verify-full: the self-signed certificate is refused unless it is trusted as a root.
    let e = sync(&format!("{base}?sslmode=verify-full"), &mut lan.pf)
        .unwrap_err()
        .to_string();
    assert!(e.contains("cannot connect"), "{e}");
    let full = format!(
        "{base}?sslmode=verify-full&sslrootcert={}",
        pg.certificate().display()
    );
    lan.edit("Hà Khánh", |s| s.jobs = Some(78));
    assert_eq!(sync(&full, &mut lan.pf).unwrap().pushed, 1);
    let jobs = pg.jobs_of("Hà Khánh");
    assert_eq!(jobs, Some(78));
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn an_undo_after_a_sync_is_an_edit_that_syncs_like_any_other() {
    let Some((_pg, dir, url, [mut lan, mut minh, _hoa])) = department() else {
        return;
    };
    let before = lan.site("Đông Mai").jobs;
    lan.edit("Đông Mai", |s| s.jobs = Some(2222));
    // A sync that brings nothing in keeps the undo history.
    let r = sync(&url, &mut lan.pf).unwrap();
    assert_eq!((r.pushed, r.pulled), (1, 0));
    minh.sync(&url);
    assert_eq!(minh.site("Đông Mai").jobs, Some(2222));
    assert!(lan.h.can_undo());
    lan.h.undo(&mut lan.pf, &mut lan.p).unwrap();
    assert_eq!(lan.site("Đông Mai").jobs, before);
    assert_eq!(lan.sync(&url).pushed, 1, "the undo is one operation");
    minh.sync(&url);
    assert_eq!(minh.site("Đông Mai").jobs, before);
    assert_equal_to_server(&url, dir.path(), &[&lan, &minh]);
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_shared_reference_layer_reaches_every_copy_once() {
    let Some((pg, dir, url, [mut lan, _minh, _hoa])) = department() else {
        return;
    };
    // Minh's district plan, imported into his project as a reference layer.
    let geojson = dir.path().join("quy-hoach.geojson");
    std::fs::write(
        &geojson,
        r#"{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"ten": "Khu đô thị Hà Khánh", "dien_tich": 42.5, "so_lo": 12},
  "geometry": {"type": "Polygon", "coordinates": [[[107.10, 20.98], [107.12, 20.98], [107.12, 21.00], [107.10, 20.98]]]}},
 {"type": "Feature", "properties": {"ten": "Cụm dân cư Cao Xanh", "dien_tich": 7.25, "so_lo": null},
  "geometry": {"type": "Polygon", "coordinates": [[[107.05, 20.96], [107.06, 20.96], [107.06, 20.97], [107.05, 20.96]]]}}]}"#,
    )
    .unwrap();
    let minh = dir.path().join("minh.gpkg");
    let o = qn(&[
        "import",
        minh.to_str().unwrap(),
        geojson.to_str().unwrap(),
        "--layer",
        "Quy hoạch phân khu Hạ Long",
    ]);
    assert!(o.status.success(), "{o:?}");
    let o = qn(&[
        "server",
        "share",
        &url,
        minh.to_str().unwrap(),
        "Quy hoạch phân khu Hạ Long",
    ]);
    assert!(o.status.success(), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("2 features"));
    // Sharing it again is refused.
    let o = qn(&[
        "server",
        "share",
        &url,
        minh.to_str().unwrap(),
        "Quy hoạch phân khu Hạ Long",
    ]);
    assert_eq!(o.status.code(), Some(1));
    // Lan's copy receives it at her next sync, once.
    let r = lan.sync(&url);
    assert_eq!(
        r.layers,
        vec![("Quy hoạch phân khu Hạ Long".to_string(), 2)]
    );
    assert!(lan.sync(&url).layers.is_empty(), "not twice");
    // A new copy receives it with its clone.
    let c = qn_planner::server::clone(&url, &dir.path().join("tuan.gpkg")).unwrap();
    assert_eq!(
        c.layers,
        vec![("Quy hoạch phân khu Hạ Long".to_string(), 2)]
    );
    // The publisher's own copy does not receive it a second time.
    let mut publisher = Laptop::reopen(minh.clone(), "minh");
    assert!(publisher.sync(&url).layers.is_empty());
    let mut keys_seen = Vec::new();
    for path in [&lan.path, &dir.path().join("tuan.gpkg")] {
        let pf = ProjectFile::open(path).unwrap();
        let layers = pf.reference_layers().unwrap();
        let l = layers
            .iter()
            .find(|l| l.name == "Quy hoạch phân khu Hạ Long")
            .unwrap();
        let cols: Vec<String> = pf
            .attribute_columns(&l.table)
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        let at = |n: &str| cols.iter().position(|c| c == n).unwrap();
        let (ki, ni, ai) = (at("feature_key"), at("ten"), at("dien_tich"));
        let mut keys = Vec::new();
        let mut names = Vec::new();
        let mut areas = Vec::new();
        pf.for_each_feature_row(&l.table, &mut |_, values, blob| {
            assert!(blob.is_some());
            keys.push(format!("{:?}", values[ki]));
            names.push(format!("{:?}", values[ni]));
            areas.push(format!("{:?}", values[ai]));
            true
        })
        .unwrap();
        assert_eq!(
            names,
            vec![
                "Text(\"Khu đô thị Hà Khánh\")".to_string(),
                "Text(\"Cụm dân cư Cao Xanh\")".to_string()
            ]
        );
        assert_eq!(
            areas,
            vec!["Real(42.5)".to_string(), "Real(7.25)".to_string()]
        );
        keys_seen.push(keys);
        common::assert_valid_gpkg(path, "a copy with a shared layer");
    }
    // QGIS or ogrinfo reads it on the server, names intact.
    let n: i64 = pg
        .client()
        .query_one(
            "SELECT count(*) FROM qn_shared_layers s JOIN pg_tables t ON t.tablename = s.table_name
             WHERE s.name = 'Quy hoạch phân khu Hạ Long'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_sync_waiting_for_the_server_can_be_cancelled_and_applies_nothing() {
    let Some((pg, _dir, url, [mut lan, _minh, _hoa])) = department() else {
        return;
    };
    lan.edit("Cái Lân", |s| s.jobs = Some(31));
    // Another sync (or a direct edit) holds the log: Lan's waits its turn…
    let mut other = pg.client();
    let mut hold = other.transaction().unwrap();
    hold.batch_execute("LOCK TABLE qn_server_log IN SHARE ROW EXCLUSIVE MODE")
        .unwrap();
    let slot: std::sync::Arc<qn_planner::server::sync::CancelSlot> =
        std::sync::Arc::new(std::sync::Mutex::new(None));
    let s2 = slot.clone();
    let url2 = url.clone();
    let path = lan.path.clone();
    let worker = std::thread::spawn(move || {
        let mut pf = ProjectFile::open(&path).unwrap();
        qn_planner::server::sync::sync_with(&url2, None, &mut pf, Some(&s2), &|_| {})
    });
    // …until the planner cancels it.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(!worker.is_finished(), "the sync waits for the lock");
    qn_planner::server::sync::cancel(&slot);
    let e = worker.join().unwrap().unwrap_err().to_string();
    assert!(e.contains("cancel"), "{e}");
    hold.rollback().unwrap();
    assert_eq!(
        lan.pf.pending_operations().unwrap().len(),
        1,
        "nothing was sent"
    );
    let jobs: Option<i64> = pg
        .client()
        .query_one(
            "SELECT jobs FROM industrial_zones WHERE name = 'Cái Lân'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_ne!(jobs, Some(31));
    // The next sync completes.
    assert_eq!(lan.sync(&url).pushed, 1);
}

#[test]
fn a_copy_open_in_a_window_is_not_synced_behind_its_back() {
    let dir = tempfile::tempdir().unwrap();
    let (lan, _minh) = two_copies(dir.path());
    let path = lan.path.clone();
    drop(lan);
    // The window holds the file (its session lock).
    let window = ProjectFile::open_session(&path, None).unwrap();
    let bundle = dir.path().join("x.qnchanges");
    qn_planner::sync::bundle::export(&ProjectFile::open(&path).unwrap(), &bundle, None).unwrap();
    for args in [
        vec![
            "sync",
            path.to_str().unwrap(),
            "postgresql://qn@127.0.0.1:1/plan",
        ],
        vec![
            "sync",
            path.to_str().unwrap(),
            "--import-changes",
            bundle.to_str().unwrap(),
        ],
        vec!["resolve", path.to_str().unwrap(), "1", "--mine"],
    ] {
        let o = qn(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {o:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("open in a qn-planner window"),
            "{o:?}"
        );
    }
    drop(window);
}
