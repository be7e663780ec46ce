//! Locator benchmark (issue 29, "Find anything"), run from a release build:
//!
//! ```sh
//! cargo bench --bench qn-bench-locate -- DIR [--polygons N] [--runs R]
//! ```
//!
//! Makes (or reuses) a project holding N reference parcels (those of `qn-bench-import`,
//! default 200,000, six fields each) and indexes them as the window does on its worker; then
//! types queries one character at a time — a parcel by its name, a holder's name without
//! accents, a land use, a town, a commune, VN-2000 coordinates, single letters that match
//! nearly everything — searching after every keystroke as the window does, R times (default
//! 3), and prints the time per keystroke (median, 95th percentile, worst) per query and over
//! all, the index's build time and its memory.

use qn_planner::lang::Language;
use qn_planner::locate::{Locator, ReferenceIndex};
use qn_planner::store::ProjectFile;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

#[path = "common/args.rs"]
mod args;
#[path = "common/data.rs"]
mod data;
use args::Args;

const QUERIES: [&str; 9] = [
    "Thửa số 15",
    "nguyen van",
    "đất ở",
    "mong cai",
    "ha khanh",
    "2330000 430000",
    "a",
    "thua so 199999",
    "không có gì như thế này",
];

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

fn run() -> Result<(), String> {
    let a = Args::parse(
        "qn-bench-locate DIR [--polygons N] [--runs R]",
        &["--polygons", "--runs"],
    )?;
    let n = a.num("--polygons", 200_000);
    let runs = a.num("--runs", 3).max(1);
    let project = a.dir.join("locate.gpkg");
    let input = a.dir.join("parcels.geojson");
    data::parcels_project(&a.qn, &project, &input, n)?;
    let pf = ProjectFile::open(&project).map_err(|e| e.to_string())?;
    let p = pf.read_project().map_err(|e| e.to_string())?;
    let layers = pf.reference_layers().map_err(|e| e.to_string())?;
    let units = pf.admin_units().map_err(|e| e.to_string())?;
    drop(pf);
    let places = qn_planner::io::basemap::BaseMap::load()
        .map_err(|e| e.to_string())?
        .places;
    let t = Instant::now();
    let refs = ReferenceIndex::build(&project, &layers, &|| false).map_err(|e| e.to_string())?;
    let build_s = t.elapsed().as_secs_f64();
    let features = refs.len();
    let mem_mb = refs.heap_bytes() as f64 / 1e6;
    let mut l = Locator::new(&p, &places, &units, Language::Vi);
    l.set_references(Some(Arc::new(refs)));
    println!(
        "index: {features} reference features in {build_s:.2} s, {mem_mb:.0} MB; \
         {} sites, {} towns, {} administrative units",
        p.sites.len(),
        places.len(),
        units.units.len()
    );
    println!("| query | keystrokes | hits at the end | median ms | p95 ms | worst ms |");
    println!("|---|---|---|---|---|---|");
    let mut all = Vec::new();
    for q in QUERIES {
        let chars: Vec<char> = q.chars().collect();
        let mut times = Vec::new();
        let mut last = 0;
        for _ in 0..runs {
            for k in 1..=chars.len() {
                let typed: String = chars[..k].iter().collect();
                let t = Instant::now();
                let f = l.search(&typed, 8);
                times.push(t.elapsed().as_secs_f64() * 1e3);
                last = f.total();
            }
        }
        all.extend(times.iter().copied());
        let (p50, p95, worst) = (
            pct(&mut times, 0.5),
            pct(&mut times, 0.95),
            pct(&mut times, 1.0),
        );
        println!(
            "| {q} | {} | {last} | {p50:.1} | {p95:.1} | {worst:.1} |",
            chars.len()
        );
    }
    println!(
        "| **all** | {} | | **{:.1}** | **{:.1}** | **{:.1}** |",
        all.len(),
        pct(&mut all, 0.5),
        pct(&mut all, 0.95),
        pct(&mut all, 1.0)
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qn-bench-locate: {e}");
            ExitCode::FAILURE
        }
    }
}
