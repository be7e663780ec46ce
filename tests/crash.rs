//! Crash safety: a helper applies edits through the app's edit path and acknowledges each
//! committed one; it is killed with SIGKILL at random moments, many times. After every kill the
//! file must open, pass `PRAGMA integrity_check`, and hold every acknowledged edit. The figures
//! are printed (run with `--nocapture` to see them).

mod common;

use common::Rng;
use qn_planner::store::ProjectFile;
use std::io::{BufRead, BufReader};
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
        let mut child = Command::new(env!("CARGO_BIN_EXE_qn-edit-stress"))
            .arg(&path)
            .arg(dir.path().join("backups"))
            .arg("100000")
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
