//! Crash safety: a helper (this test binary again) applies edits through the app's edit path
//! and acknowledges each committed one; it is killed with SIGKILL at random moments, many times. After every kill the
//! file must open, pass `PRAGMA integrity_check`, and hold every acknowledged edit. The figures
//! are printed (run with `--nocapture` to see them).

use crate::common;

use crate::common::Rng;
use qn_planner::edit::{Edit, History};
use qn_planner::model::{Layer, Precision, Site, Status};
use qn_planner::store::ProjectFile;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn killing_the_editor_never_loses_an_acknowledged_edit() {
    let runs: u32 = 40;
    let mut rng = Rng(2007);
    let (mut kills, mut acked_total, mut lost_total, mut validated) = (0, 0u64, 0u64, 0);
    let mut runs_with_acks = 0;
    let gdal = common::have_gdal();
    for run in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crash.gpkg");
        drop(ProjectFile::create(&path, false).unwrap());
        let mut child = editor(&path, &dir.path().join("backups"), 100_000)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Kill after a random number of acknowledgements (0..60), or a random time.
        let target = rng.next() % 60;
        let deadline = Instant::now() + Duration::from_millis(20 + rng.next() % 400);
        let stdout = child.stdout.take().unwrap();
        // What the helper says on stderr: anything there means it failed by itself, and a run
        // where it died on its own would prove nothing about the kill.
        let mut stderr = child.stderr.take().unwrap();
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
            text
        });
        let (tx, rx) = std::sync::mpsc::channel::<u64>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(k) = line.strip_prefix("ack ").and_then(|k| k.parse().ok())
                    && tx.send(k).is_err()
                {
                    break;
                }
            }
        });
        let mut acked = 0u64;
        loop {
            match rx.recv_timeout(Duration::from_millis(5)) {
                Ok(k) => acked = k,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(_) => break,
            }
            if acked >= target || Instant::now() >= deadline {
                break;
            }
        }
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        assert!(
            !status.success(),
            "run {run}: the helper finished before the kill"
        );
        kills += 1;
        // Acknowledgements already written before the kill count too.
        while let Ok(k) = rx.try_recv() {
            acked = k;
        }
        let _ = reader.join();
        while let Ok(k) = rx.try_recv() {
            acked = k;
        }
        let said = errors.join().unwrap_or_default();
        assert!(
            said.trim().is_empty(),
            "run {run}: the helper reported an error before the kill: {said}"
        );
        if acked > 0 {
            runs_with_acks += 1;
        }

        let pf = ProjectFile::open(&path).unwrap_or_else(|e| panic!("run {run}: {e}"));
        assert_eq!(pf.integrity_check().unwrap(), "ok", "run {run}");
        let p = pf.read_project().unwrap();
        let mut lost = 0;
        for k in 1..=acked {
            let ok = if k % 3 == 2 {
                let name = format!("stress {}", k - 1);
                p.sites
                    .iter()
                    .any(|s| s.name == name && s.notes == format!("u{k}"))
            } else {
                p.sites.iter().any(|s| s.name == format!("stress {k}"))
            };
            if !ok {
                lost += 1;
            }
        }
        acked_total += acked;
        lost_total += lost;
        assert_eq!(
            lost, 0,
            "run {run}: {lost} of {acked} acknowledged edits lost"
        );
        // At most the edit in flight is there beyond the acknowledged ones.
        let stress = p
            .sites
            .iter()
            .filter(|s| s.name.starts_with("stress "))
            .count() as u64;
        let acked_inserts = (1..=acked).filter(|k| k % 3 != 2).count() as u64;
        assert!(
            stress == acked_inserts || stress == acked_inserts + 1,
            "run {run}"
        );
        if gdal && run % 10 == 0 {
            drop(pf);
            common::assert_valid_gpkg(&path, &format!("run {run}"));
            validated += 1;
        }
    }
    // The kills must have hit a helper at work: most runs acknowledged edits, many in all.
    assert!(
        runs_with_acks >= runs / 2,
        "only {runs_with_acks} of {runs} runs acknowledged an edit"
    );
    assert!(
        acked_total >= u64::from(runs),
        "only {acked_total} edits acknowledged in {runs} runs"
    );
    println!(
        "crash test: {runs} runs, {kills} SIGKILLs, {acked_total} edits acknowledged, {lost_total} lost, GDAL validator passed on {validated} killed files"
    );
}

/// The editor the crash test kills: this test binary again, running [`edit_stress_child`].
fn editor(path: &Path, backups: &Path, count: u64) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([
        "crash::edit_stress_child",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(
        STRESS_VAR,
        format!("{}\t{}\t{count}", path.display(), backups.display()),
    );
    c
}

/// Names the file, the backup folder and the number of edits for [`edit_stress_child`].
const STRESS_VAR: &str = "QN_EDIT_STRESS";

/// The editor: applies edits to a project through the same path as the app (History → Edit →
/// GeoPackage transaction) and prints `ack N` after each edit is committed. Started by the
/// crash test as a child process (with `QN_EDIT_STRESS`); alone it does nothing.
#[test]
#[ignore = "a helper: the crash test starts it as its own child process"]
fn edit_stress_child() {
    let Ok(args) = std::env::var(STRESS_VAR) else {
        return;
    };
    let parts: Vec<&str> = args.split('\t').collect();
    let [file, backups, count] = parts[..] else {
        panic!("{STRESS_VAR}: FILE<TAB>BACKUPS<TAB>COUNT");
    };
    // libtest has written "test crash::edit_stress_child ... " without a line end.
    println!();
    if let Err(e) = edit_until_killed(file, backups, count.parse().unwrap()) {
        eprintln!("edit stress: {e}");
        std::process::exit(1);
    }
}

fn polygon(k: u64) -> geo_types::Geometry<f64> {
    let x = 106.6 + (k % 97) as f64 * 0.012;
    let y = 20.95 + (k % 13) as f64 * 0.01;
    let d = 0.004;
    geo_types::Geometry::Polygon(geo_types::Polygon::new(
        geo_types::LineString::from(vec![(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)]),
        vec![],
    ))
}

fn edit_until_killed(file: &str, backups: &str, count: u64) -> Result<(), String> {
    let opened = ProjectFile::open_session(Path::new(file), Some(PathBuf::from(backups)))
        .map_err(|e| e.to_string())?;
    let mut pf = opened.file;
    let mut project = pf.read_project().map_err(|e| e.to_string())?;
    let mut history = History::default();
    let out = std::io::stdout();
    for k in 1..=count {
        let edit = if k % 3 == 2 {
            let name = format!("stress {}", k - 1);
            let before = project
                .sites
                .iter()
                .find(|s| s.name == name)
                .cloned()
                .ok_or_else(|| format!("{name} missing"))?;
            let mut after = before.clone();
            after.notes = format!("u{k}");
            Edit::update(before, after)
        } else {
            let mut s = Site::new(
                Layer::ProposedClusters,
                &format!("stress {k}"),
                Status::Proposed,
            );
            s.geom = Some(polygon(k));
            s.location_precision = Precision::Approximate;
            s.notes = format!("i{k}");
            Edit::insert(s)
        };
        history
            .apply(edit, None, &mut pf, &mut project)
            .map_err(|e| e.to_string())?;
        let mut o = out.lock();
        writeln!(o, "ack {k}").map_err(|e| e.to_string())?;
        o.flush().map_err(|e| e.to_string())?;
    }
    Ok(())
}
