//! The shared plan against what really happens in a department (issues 24 §3 and 30): a clone
//! killed half-way, QGIS editing PostGIS directly, a wrong server, a silent network. Each
//! against a real throwaway PostgreSQL 15 + PostGIS 3 on loopback.

mod common;

use common::pg::{PgServer, server};
use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn qn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qn-planner"))
        .args(args)
        .env("HOME", std::env::temp_dir())
        .output()
        .unwrap()
}

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

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
    qn_planner::server::init(&pg.url(), &ProjectFile::open(&origin).unwrap()).unwrap();
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
fn a_killed_clone_leaves_no_file_that_could_sync() {
    let Some((pg, dir)) = plan(10_000) else {
        return;
    };
    let url = pg.url();
    let on_server = count_on_server(&pg, "proposed_clusters") as usize;
    // How long a whole clone takes, to kill the others anywhere in it.
    let whole = {
        let start = Instant::now();
        let o = qn(&[
            "clone",
            &url,
            dir.path().join("whole.gpkg").to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", said(&o));
        start.elapsed()
    };
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
        // Anywhere from the start to a little after a whole clone's time.
        std::thread::sleep(whole.mul_f64(rng.below(1200) as f64 / 1000.0));
        match child.try_wait().unwrap() {
            Some(_) => finished += 1,
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
            assert!(said(&o).contains("0 records pulled"), "{}", said(&o));
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

#[allow(dead_code)]
fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(30), "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
