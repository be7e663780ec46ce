//! Sync benchmark, run from a release build on a machine with PostgreSQL 15 + PostGIS 3:
//!
//! ```sh
//! cargo bench --bench qn-bench-sync -- DIR [--sites 20000] [--edits 1000] [--overlap 100]
//!     [--planners 3] [--clients 20] [--rounds 10]
//! ```
//!
//! Starts a throwaway server on a free loopback port (as the `postgres` user when run as
//! root), publishes a project whose `proposed_clusters` layer holds `--sites` sites, and
//! clones a copy per planner. Part one: each planner makes `--edits` offline edits (one
//! transaction each), `--overlap` of them on the same field of the same records as every other
//! planner, then the planners sync in turn; it prints each sync's time and checks that every
//! overlap became a conflict (none resolved silently) and that all copies end identical to the
//! server once the conflicts are decided. Part two: `--clients` copies sync at once, each
//! `--rounds` times after 10 edits of its own; it prints the p50/p95 sync time and checks that
//! no operation was lost or applied twice. Part three (`--reference N`, default 200,000; 0
//! skips it): a plan holding the seeded project shares a reference layer of N land parcels;
//! sharing it is timed against `ogr2ogr -f PostgreSQL` of that layer, and `clone` (the plan
//! and the layer) against `ogr2ogr -f GPKG` of that layer from PostGIS, alternating, three
//! runs each (medians).

#[path = "common/data.rs"]
mod data;

use qn_planner::model::{Layer, Site, Status};
use qn_planner::store::ProjectFile;
use qn_planner::sync::Decision;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

struct Server {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Server {
    fn run(&self, cmd: &str) -> Result<(), String> {
        let out = if self.as_postgres {
            Command::new("su").args(["postgres", "-c", cmd]).output()
        } else {
            Command::new("sh").args(["-c", cmd]).output()
        }
        .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("{cmd}: {}", String::from_utf8_lossy(&out.stderr)))
        }
    }

    fn start(dir: &Path) -> Result<Server, String> {
        let mut bins: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .map_err(|e| format!("PostgreSQL is not installed: {e}"))?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("initdb").exists())
            .collect();
        bins.sort();
        let bin = bins.pop().ok_or("PostgreSQL is not installed")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let dir = dir.join("pg");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        if as_postgres {
            Command::new("chown")
                .arg("postgres")
                .arg(&dir)
                .status()
                .map_err(|e| e.to_string())?;
        }
        let s = Server {
            bin,
            dir,
            port,
            as_postgres,
        };
        s.run(&format!(
            "{} -D {}/data -A trust -U qn -E UTF8 --locale=C.UTF-8",
            s.bin.join("initdb").display(),
            s.dir.display()
        ))?;
        s.run(&format!(
            "{} -D {d}/data -o '-p {} -k {d} -c listen_addresses=127.0.0.1 -c max_connections=100' -l {d}/log -w start",
            s.bin.join("pg_ctl").display(),
            s.port,
            d = s.dir.display()
        ))?;
        let mut c = postgres::Client::connect(
            &format!("host=127.0.0.1 port={} user=qn dbname=postgres", s.port),
            postgres::NoTls,
        )
        .map_err(|e| e.to_string())?;
        c.batch_execute("CREATE DATABASE plan")
            .map_err(|e| e.to_string())?;
        Ok(s)
    }

    fn url(&self) -> String {
        format!("postgresql://qn@127.0.0.1:{}/plan", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.run(&format!(
            "{} -D {}/data -m fast stop",
            self.bin.join("pg_ctl").display(),
            self.dir.display()
        ));
    }
}

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// Edits `jobs` of the sites with the given keys on a copy, one transaction each.
fn edit(pf: &mut ProjectFile, keys: &[String], jobs: i64) -> Result<(), String> {
    let p = pf.read_project().map_err(|e| e.to_string())?;
    for k in keys {
        let Some(s) = p.sites.iter().find(|s| &s.key == k) else {
            continue;
        };
        let mut s = s.clone();
        s.jobs = Some(jobs);
        pf.put_sites(Layer::ProposedClusters, &[(s.fid, Some(&s))])
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Runs a command; its wall time in seconds.
fn timed(cmd: &mut Command) -> Result<f64, String> {
    let t = Instant::now();
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(t.elapsed().as_secs_f64())
}

fn median(mut v: Vec<f64>) -> f64 {
    quantile(&mut v, 0.5)
}

/// The parcels' GeoJSON (written once per run of the benchmark).
fn parcels_geojson(dir: &Path, n: usize) -> Result<PathBuf, String> {
    let gj = dir.join(format!("parcels_{n}.geojson"));
    if !gj.exists() {
        data::write_polygons(&gj, n as u64).map_err(|e| e.to_string())?;
    }
    Ok(gj)
}

/// Part three: sharing and cloning a big reference layer, side by side with ogr2ogr.
fn reference_layer(dir: &Path, server: &Server, n: usize) -> Result<(), String> {
    let qn = std::path::PathBuf::from(env!("CARGO_BIN_EXE_qn-planner"));
    let gj = parcels_geojson(dir, n)?;
    let proj = dir.join("parcels.gpkg");
    timed(Command::new(&qn).arg("init").arg(&proj))?;
    timed(
        Command::new(&qn)
            .arg("import")
            .arg(&proj)
            .arg(&gj)
            .args(["--layer", "Thửa đất"]),
    )?;
    let table = qn_planner::store::table_name_for("Thửa đất");
    let admin = |db: &str| {
        postgres::Client::connect(
            &format!("host=127.0.0.1 port={} user=qn dbname={db}", server.port),
            postgres::NoTls,
        )
        .map_err(|e| e.to_string())
    };
    let mut a = admin("postgres")?;
    for db in ["plan2", "ogr"] {
        a.batch_execute(&format!("CREATE DATABASE {db}"))
            .map_err(|e| format!("{e:?}"))?;
    }
    admin("ogr")?
        .batch_execute("CREATE EXTENSION postgis")
        .map_err(|e| e.to_string())?;
    let url = format!("postgresql://qn@127.0.0.1:{}/plan2", server.port);
    let pg = format!("PG:host=127.0.0.1 port={} user=qn dbname=ogr", server.port);
    let mut pf = ProjectFile::open(&proj).map_err(|e| e.to_string())?;
    qn_planner::server::init(&url, &mut pf).map_err(|e| e.to_string())?;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for run in 0..3 {
        if run > 0 {
            admin("plan2")?
                .batch_execute(&format!("DROP TABLE {table}; DELETE FROM qn_shared_layers"))
                .map_err(|e| e.to_string())?;
        }
        let t = Instant::now();
        qn_planner::server::layers::share(&url, &mut pf, "Thửa đất", Some("bench"))
            .map_err(|e| e.to_string())?;
        ours.push(t.elapsed().as_secs_f64());
        theirs.push(timed(
            Command::new("ogr2ogr")
                .args(["-f", "PostgreSQL", &pg])
                .arg(&proj)
                .arg(&table)
                .args(["-overwrite", "-nln", &table]),
        )?);
    }
    println!(
        "share {n} parcels: {:.2} s (runs {ours:.2?}); ogr2ogr -f PostgreSQL of the layer: {:.2} s (runs {theirs:.2?}); ratio {:.2}",
        median(ours.clone()),
        median(theirs.clone()),
        median(ours.clone()) / median(theirs.clone())
    );
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for run in 0..3 {
        let mine = dir.join(format!("clone{run}.gpkg"));
        let t = Instant::now();
        qn_planner::server::clone(&url, &mine).map_err(|e| e.to_string())?;
        ours.push(t.elapsed().as_secs_f64());
        let other = dir.join(format!("ogr{run}.gpkg"));
        theirs.push(timed(
            Command::new("ogr2ogr")
                .args(["-f", "GPKG"])
                .arg(&other)
                .arg(&pg)
                .arg(&table),
        )?);
    }
    println!(
        "clone (the seeded plan + {n} parcels): {:.2} s (runs {ours:.2?}); ogr2ogr -f GPKG of the layer: {:.2} s (runs {theirs:.2?}); ratio {:.2}",
        median(ours.clone()),
        median(theirs.clone()),
        median(ours.clone()) / median(theirs.clone())
    );
    Ok(())
}

fn run(args: &[String]) -> Result<(), String> {
    let dir = PathBuf::from(args.first().ok_or("usage: qn-bench-sync DIR [options]")?);
    let sites = arg(args, "--sites", 20_000);
    let edits = arg(args, "--edits", 1_000);
    let overlap = arg(args, "--overlap", 100);
    let planners = arg(args, "--planners", 3);
    let clients = arg(args, "--clients", 20);
    let rounds = arg(args, "--rounds", 10);
    let parcels = arg(args, "--reference", 200_000);
    if edits > sites / (planners + 1) || overlap > edits {
        return Err("--edits must leave every planner its own sites; --overlap ≤ --edits".into());
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let server = Server::start(&dir)?;
    let url = server.url();

    // The project: `sites` proposed clusters scattered over the province.
    let origin = dir.join("origin.gpkg");
    let mut pf = ProjectFile::create(&origin, false).map_err(|e| e.to_string())?;
    let mut rng = 0x1234_5678_u64;
    let mut unit = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng >> 11) as f64 / (1u64 << 53) as f64
    };
    let new: Vec<Site> = (0..sites)
        .map(|i| {
            let mut s = Site::new(
                Layer::ProposedClusters,
                &format!("Cụm công nghiệp thử {i}"),
                Status::Proposed,
            );
            s.geom = Some(geo_types::Geometry::Point(geo_types::Point::new(
                106.5 + unit() * 1.5,
                20.9 + unit() * 0.7,
            )));
            s
        })
        .collect();
    let changes: Vec<(i64, Option<&Site>)> = new.iter().map(|s| (0, Some(s))).collect();
    pf.put_sites(Layer::ProposedClusters, &changes)
        .map_err(|e| e.to_string())?;
    drop(pf);
    if parcels > 0 {
        // The shared reference layer present while the planners work.
        let qn = std::path::PathBuf::from(env!("CARGO_BIN_EXE_qn-planner"));
        timed(
            Command::new(&qn)
                .arg("import")
                .arg(&origin)
                .arg(parcels_geojson(&dir, parcels)?)
                .args(["--layer", "Thửa đất"]),
        )?;
    }
    let t = Instant::now();
    let mut pf = ProjectFile::open(&origin).map_err(|e| e.to_string())?;
    qn_planner::server::init(&url, &mut pf).map_err(|e| e.to_string())?;
    println!(
        "published {sites} sites (+ the seeded project) in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    if parcels > 0 {
        let l = qn_planner::server::layers::share(&url, &mut pf, "Thửa đất", Some("bench"))
            .map_err(|e| e.to_string())?;
        println!("shared a reference layer of {} parcels", l.features);
    }
    let keys: Vec<String> = pf
        .read_project()
        .map_err(|e| e.to_string())?
        .sites
        .iter()
        .filter(|s| s.name.starts_with("Cụm công nghiệp thử"))
        .map(|s| s.key.clone())
        .collect();
    drop(pf);

    // Part one: planners edit offline, then sync in turn.
    let mut copies = Vec::new();
    for p in 0..planners {
        let path = dir.join(format!("planner{p}.gpkg"));
        let t = Instant::now();
        qn_planner::server::clone(&url, &path).map_err(|e| e.to_string())?;
        if p == 0 {
            println!("clone: {:.2} s", t.elapsed().as_secs_f64());
        }
        let mut pf = ProjectFile::open(&path).map_err(|e| e.to_string())?;
        pf.set_author(&format!("planner {p}"));
        let own_start = overlap + p * (edits - overlap);
        let mut mine: Vec<String> = keys[..overlap].to_vec();
        mine.extend_from_slice(&keys[own_start + overlap..own_start + edits]);
        let t = Instant::now();
        edit(&mut pf, &mine, 100 + p as i64)?;
        println!(
            "planner {p}: {} edits offline in {:.2} s",
            mine.len(),
            t.elapsed().as_secs_f64()
        );
        copies.push((path, pf));
    }
    let mut conflicts_found = 0;
    for (p, (_, pf)) in copies.iter_mut().enumerate() {
        let t = Instant::now();
        let r = qn_planner::server::sync::sync(&url, pf).map_err(|e| e.to_string())?;
        println!(
            "planner {p}: sync {:.3} s — {} pushed, {} pulled, {} conflicts",
            t.elapsed().as_secs_f64(),
            r.pushed,
            r.pulled,
            r.new_conflicts
        );
        conflicts_found += r.new_conflicts;
    }
    let expected = (planners - 1) * overlap;
    println!(
        "overlapping edits: {expected}; conflicts kept: {conflicts_found}; resolved silently: {}",
        expected.saturating_sub(conflicts_found)
    );
    // Decide (theirs), then everyone syncs twice: all copies equal the server.
    for (_, pf) in copies.iter_mut() {
        for id in pf
            .conflicts()
            .map_err(|e| e.to_string())?
            .iter()
            .filter_map(|c| c.id)
        {
            pf.resolve_conflict(id, &Decision::Theirs)
                .map_err(|e| e.to_string())?;
        }
    }
    for _ in 0..2 {
        for (_, pf) in copies.iter_mut() {
            qn_planner::server::sync::sync(&url, pf).map_err(|e| e.to_string())?;
        }
    }
    let reference = {
        let path = dir.join("check.gpkg");
        qn_planner::server::clone(&url, &path).map_err(|e| e.to_string())?;
        let pf = ProjectFile::open(&path).map_err(|e| e.to_string())?;
        pf.read_shared_table("proposed_clusters", "site_key")
            .map_err(|e| e.to_string())?
    };
    for (path, pf) in &copies {
        let mine = pf
            .read_shared_table("proposed_clusters", "site_key")
            .map_err(|e| e.to_string())?;
        let mut a = mine.rows.clone();
        let mut b = reference.rows.clone();
        let key = |r: &Vec<qn_planner::store::Cell>| format!("{:?}", r);
        a.sort_by_key(key);
        b.sort_by_key(key);
        if a != b {
            return Err(format!("{} differs from the server", path.display()));
        }
    }
    println!("after the decisions: every copy equals the server");

    // Part two: clients syncing at once.
    let mut paths = Vec::new();
    for c in 0..clients {
        let path = dir.join(format!("client{c}.gpkg"));
        qn_planner::server::clone(&url, &path).map_err(|e| e.to_string())?;
        paths.push(path);
    }
    let per = (keys.len() / clients).max(10);
    let t = Instant::now();
    let handles: Vec<_> = paths
        .iter()
        .enumerate()
        .map(|(c, path)| {
            let path = path.clone();
            let url = url.clone();
            let mine: Vec<String> = keys[c * per..(c * per + per).min(keys.len())].to_vec();
            std::thread::spawn(move || -> Result<Vec<Duration>, String> {
                let mut pf = ProjectFile::open(&path).map_err(|e| e.to_string())?;
                pf.set_author(&format!("client {c}"));
                let mut times = Vec::new();
                for r in 0..rounds {
                    let chunk: Vec<String> = mine.iter().skip(r * 10).take(10).cloned().collect();
                    edit(&mut pf, &chunk, 1000 + r as i64)?;
                    let t = Instant::now();
                    qn_planner::server::sync::sync(&url, &mut pf).map_err(|e| e.to_string())?;
                    times.push(t.elapsed());
                }
                Ok(times)
            })
        })
        .collect();
    let mut times = Vec::new();
    for h in handles {
        times.extend(h.join().map_err(|_| "a client panicked")??);
    }
    let wall = t.elapsed().as_secs_f64();
    let mut ms: Vec<f64> = times.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    println!(
        "{clients} clients × {rounds} syncs at once: p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms ({wall:.1} s in all)",
        quantile(&mut ms, 0.5),
        quantile(&mut ms, 0.95),
        quantile(&mut ms, 1.0)
    );
    let mut db = postgres::Client::connect(
        &format!("host=127.0.0.1 port={} user=qn dbname=plan", server.port),
        postgres::NoTls,
    )
    .map_err(|e| e.to_string())?;
    let twice: i64 = db
        .query_one(
            "SELECT count(*) FROM (SELECT op_key FROM qn_server_log GROUP BY op_key HAVING count(*) > 1) d",
            &[],
        )
        .map_err(|e| e.to_string())?
        .get(0);
    let mut lost = 0;
    for path in &paths {
        let pf = ProjectFile::open(path).map_err(|e| e.to_string())?;
        lost += pf.pending_operations().map_err(|e| e.to_string())?.len();
    }
    let expected_ops = clients * rounds * 10;
    let client_ops: i64 = db
        .query_one(
            "SELECT count(*) FROM qn_server_log WHERE author LIKE 'client %'",
            &[],
        )
        .map_err(|e| e.to_string())?
        .get(0);
    println!(
        "operations of the clients on the server: {client_ops} (expected {expected_ops}); applied twice: {twice}; left unsent: {lost}"
    );
    if twice != 0 || lost != 0 || client_ops != expected_ops as i64 {
        return Err("operations were lost or applied twice".into());
    }
    if parcels > 0 {
        reference_layer(&dir, &server, parcels)?;
    }
    Ok(())
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench` to every benchmark; these have no harness.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qn-bench-sync: {e}");
            ExitCode::FAILURE
        }
    }
}
