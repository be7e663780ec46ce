//! Times the drafting checks on one huge polygon in a planning layer (issue: a 200,000-vertex
//! polygon is checked in under 100 ms; a 1-million-vertex one must not block the window).
//!
//! ```text
//! cargo bench --bench qn-bench-checks -- [--runs R]
//! ```
//! The polygon is a wobbly circle of about 1 km radius, once across the coast of Hạ Long bay
//! (the costly case: its part at sea is computed) and once inland; the project is
//! the seeded one (its zones and clusters are the overlap candidates). Prints the median of R
//! runs of each part of the check.

use qn_planner::analysis::checks::{CheckContext, self_intersection_counted};
use qn_planner::io::basemap::BaseMap;
use qn_planner::model::{Layer, Site, Status, seed};
use std::time::Instant;

fn circle(lon: f64, lat: f64, r: f64, n: usize) -> geo_types::Polygon<f64> {
    let mut pts: Vec<(f64, f64)> = (0..n)
        .map(|k| {
            let t = k as f64 / n as f64 * std::f64::consts::TAU;
            let rr = r * (1.0 + 0.05 * (t * 37.0).sin());
            (lon + rr * t.cos(), lat + rr * t.sin())
        })
        .collect();
    pts.push(pts[0]);
    geo_types::Polygon::new(geo_types::LineString::from(pts), vec![])
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), String> {
    // `cargo bench` passes `--bench` to every benchmark; these have no harness.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let runs = match args.as_slice() {
        [flag, n] if flag == "--runs" => n.parse().map_err(|_| format!("--runs {n}"))?,
        [] => 5usize,
        _ => return Err("usage: qn-bench-checks [--runs R]".into()),
    };
    let base = BaseMap::load().map_err(|e| e.to_string())?;
    let ctx = CheckContext::new(&base);
    let mut project = qn_planner::model::Project {
        sites: seed::seed_sites().map_err(|e| e.to_string())?,
        ..Default::default()
    };
    for (i, s) in project.sites.iter_mut().enumerate() {
        s.fid = i as i64 + 1;
    }
    println!(
        "site                 vertices   self-intersection   whole check (ms, median of {runs})   findings"
    );
    let places = [("on the coast", 107.05, 21.02), ("inland", 107.03, 21.12)];
    for (place, lon, lat) in places {
        for n in [20_000usize, 200_000, 1_000_000] {
            let poly = circle(lon, lat, 0.01, n);
            let mut site = Site::new(Layer::ProposedClusters, "Cụm thử nghiệm", Status::Proposed);
            site.fid = 10_000;
            site.geom = Some(geo_types::Geometry::Polygon(poly.clone()));
            let (mut si, mut all) = (Vec::new(), Vec::new());
            let mut kinds = String::new();
            for _ in 0..runs {
                let t = Instant::now();
                let (x, _) = self_intersection_counted(&poly);
                si.push(t.elapsed().as_secs_f64() * 1e3);
                if x.is_some() {
                    return Err("the test ring crosses itself".into());
                }
                let t = Instant::now();
                let f = ctx.check(&site, &project);
                all.push(t.elapsed().as_secs_f64() * 1e3);
                kinds = f.iter().map(|f| f.key()).collect::<Vec<_>>().join(",");
            }
            println!(
                "{place:<18} {n:>10}   {:>17.1}   {:>11.1}                       {kinds}",
                median(si),
                median(all)
            );
        }
    }
    Ok(())
}
