//! Timing a command for the benchmarks: wall time and peak memory from `/usr/bin/time`.
// Each benchmark uses its part of it.
#![allow(dead_code)]

use std::process::Command;

/// Runs `cmd` under `/usr/bin/time`; returns (wall seconds, peak RSS in MB).
pub fn timed(args: &[&str]) -> Result<(f64, f64), String> {
    timed_output(args).map(|(s, m, _)| (s, m))
}

/// As [`timed`], with what the command printed on stdout.
pub fn timed_output(args: &[&str]) -> Result<(f64, f64, String), String> {
    // Start each run with nothing left to write back from the previous one, so that neither
    // tool waits on the other's flush.
    let _ = Command::new("sync").status();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("QNTIME %e %M")
        .args(args)
        .output()
        .map_err(|e| format!("/usr/bin/time: {e}"))?;
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{} failed: {err}", args.join(" ")));
    }
    let line = err
        .lines()
        .find(|l| l.starts_with("QNTIME "))
        .ok_or_else(|| format!("no timing in {err}"))?;
    let mut it = line.split_whitespace().skip(1);
    let secs: f64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    let kb: f64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    Ok((
        secs,
        kb / 1024.0,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

/// The number after the word `key` in a line of `key value` pairs (NaN when missing), as the
/// QGIS scripts print their timings.
pub fn field(line: &str, key: &str) -> f64 {
    let mut w = line.split_whitespace();
    while let Some(x) = w.next() {
        if x == key {
            return w.next().and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
        }
    }
    f64::NAN
}

/// The median of runs of (seconds, MB), by time.
pub fn median_run(v: &mut [(f64, f64)]) -> (f64, f64) {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v[v.len() / 2]
}
