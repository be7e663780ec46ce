//! Import benchmark against GDAL's ogr2ogr, run from a release build:
//!
//! ```sh
//! cargo bench --bench qn-bench-import -- DIR [--polygons N] [--points M] [--runs R]
//! ```
//!
//! Writes deterministic test data into DIR (N small polygons and M points scattered over
//! Quảng Ninh, five Vietnamese-text attributes each; defaults 200,000 and 1,000,000), then
//! imports each file with `ogr2ogr -f GPKG` and with `qn-planner import` into a fresh seeded
//! project, side by side (R times each, alternating; the median run is kept), and prints
//! wall time and peak memory (from `/usr/bin/time`).

use std::path::Path;
use std::process::{Command, ExitCode};

#[path = "common/args.rs"]
mod args;
use args::Args;
#[path = "common/data.rs"]
mod data;
use data::{write_points, write_polygons};
#[path = "common/timing.rs"]
mod timing;
use timing::{median_run, timed, timed_output};

fn run() -> Result<(), String> {
    let args = Args::parse(
        "qn-bench-import DIR [--polygons N] [--points M] [--runs R]",
        &["--polygons", "--points", "--runs"],
    )?;
    let (dir, qn) = (args.dir.clone(), args.qn.clone());
    let (polygons, points) = (
        args.num("--polygons", 200_000),
        args.num("--points", 1_000_000),
    );
    let runs = args.num("--runs", 1).max(1);
    let s = |p: &Path| p.to_string_lossy().into_owned();
    println!(
        "| input | features | MB | ogr2ogr s | ogr2ogr MB | qn-planner s | qn-planner MB | time ratio | memory ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, n) in [("polygons", polygons), ("points", points)] {
        if n == 0 {
            continue;
        }
        let input = dir.join(format!("{name}_{n}.geojson"));
        if !input.exists() {
            let r = if name == "polygons" {
                write_polygons(&input, n)
            } else {
                write_points(&input, n)
            };
            r.map_err(|e| format!("{}: {e}", input.display()))?;
        }
        let mb = std::fs::metadata(&input).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
        let gdal_out = dir.join(format!("{name}_ogr2ogr.gpkg"));
        let project = dir.join(format!("{name}_qn.gpkg"));
        let (mut g, mut q) = (Vec::new(), Vec::new());
        // Alternate the two tools, each on a fresh output, and keep the median run.
        for _ in 0..runs {
            let _ = std::fs::remove_file(&gdal_out);
            g.push(timed(&[
                "ogr2ogr",
                "-f",
                "GPKG",
                &s(&gdal_out),
                &s(&input),
            ])?);
            let _ = std::fs::remove_file(&project);
            let st = Command::new(&qn)
                .args(["init", &s(&project)])
                .output()
                .map_err(|e| format!("{qn}: {e}"))?;
            if !st.status.success() {
                return Err(String::from_utf8_lossy(&st.stderr).into_owned());
            }
            let (secs, mb, said) = timed_output(&[
                &qn,
                "import",
                &s(&project),
                &s(&input),
                "--crs",
                "EPSG:4326",
            ])?;
            if !said.contains(&format!("imported {n} features")) {
                return Err(format!(
                    "qn-planner import did not import {n} features: {said}"
                ));
            }
            q.push((secs, mb));
        }
        let ((gs, gm), (qs, qm)) = (median_run(&mut g), median_run(&mut q));
        println!(
            "| {name} | {n} | {mb:.0} | {gs:.2} | {gm:.0} | {qs:.2} | {qm:.0} | {:.2} | {:.2} |",
            qs / gs,
            qm / gm
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qn-bench-import: {e}");
            ExitCode::FAILURE
        }
    }
}
