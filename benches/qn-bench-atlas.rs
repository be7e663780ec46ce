//! Atlas benchmark against QGIS 3.22's atlas, run from a release build:
//!
//! ```sh
//! cargo bench --bench qn-bench-atlas -- DIR [--sites N] [--runs R] [--scale S]
//! ```
//!
//! Makes a project of the seeded sites plus N generated proposed clusters (default 1,000), each
//! a polygon of 20–80 ha with a name, a kind, a district, jobs and investment, imported with
//! `qn-planner import --into proposed_clusters`; then makes one site sheet per proposed cluster
//! at 1:S (default 25,000) with `qn-planner atlas` and with QGIS's atlas of the same layout
//! (`benches/qgis_atlas.py`: A4 landscape, title, atlas-driven map over the same base map and
//! planning layers, the card as an expression label, scale bar, north arrow, locator), R times
//! each (default 1), alternating, and prints the medians. qn-planner is timed as the whole
//! command (start, open, compose, render, write); QGIS as its export call alone.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};

#[path = "common/args.rs"]
mod args;
#[path = "common/data.rs"]
mod data;
use args::Args;
#[path = "common/timing.rs"]
mod timing;
use timing::{timed, timed_output};

/// Writes `n` cluster polygons (GeoJSON) over the province, deterministically.
fn write_clusters(path: &Path, n: u64) -> std::io::Result<()> {
    let mut r = data::Rng(1000);
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for i in 0..n {
        let (x, y) = (106.5 + r.unit() * 1.4, 20.95 + r.unit() * 0.55);
        // 20–80 ha: a square of 450–900 m, a little skewed.
        let side = (0.2 + r.unit() * 0.6).sqrt() * 0.0095;
        let k = r.unit() * 0.001;
        let ring = [
            (x, y),
            (x + side, y + k),
            (x + side + k, y + side * 0.93),
            (x - k, y + side * 0.9),
            (x, y),
        ];
        let coords: Vec<String> = ring
            .iter()
            .map(|(u, v)| format!("[{u:.7},{v:.7}]"))
            .collect();
        if i > 0 {
            w.write_all(b",\n")?;
        }
        write!(
            w,
            r#"{{"type":"Feature","properties":{{"ten":"Cụm công nghiệp thử {}","loai":"{}","huyen":"{}","lao_dong":{},"von":{:.1}}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
            i + 1,
            r.pick(&[
                "cơ khí",
                "chế biến thủy sản",
                "vật liệu xây dựng",
                "đa ngành"
            ]),
            r.pick(&data::DISTRICTS),
            200 + (r.unit() * 3000.0) as u64,
            50.0 + r.unit() * 900.0,
            coords.join(",")
        )?;
    }
    w.write_all(b"\n]}\n")?;
    w.flush()
}

fn run() -> Result<(), String> {
    let args = Args::parse(
        "qn-bench-atlas DIR [--sites N] [--runs R] [--scale S]",
        &["--sites", "--runs", "--scale"],
    )?;
    let (dir, qn) = (args.dir.clone(), args.qn.clone());
    let n = args.num("--sites", 1_000);
    let runs = args.num("--runs", 1).max(1);
    let scale = args.num("--scale", 25_000);
    let s = |p: &Path| p.to_string_lossy().into_owned();
    let input = dir.join(format!("clusters_{n}.geojson"));
    write_clusters(&input, n).map_err(|e| format!("{}: {e}", input.display()))?;
    let project = dir.join(format!("atlas_{n}.gpkg"));
    let _ = std::fs::remove_file(&project);
    for a in [
        vec!["init".to_string(), s(&project)],
        vec![
            "import".into(),
            s(&project),
            s(&input),
            "--into".into(),
            "proposed_clusters".into(),
            "--map".into(),
            "name=ten,kind=loai,district=huyen,jobs=lao_dong,investment=von".into(),
        ],
    ] {
        let o = Command::new(&qn)
            .args(&a)
            .output()
            .map_err(|e| format!("{qn}: {e}"))?;
        if !o.status.success() {
            return Err(String::from_utf8_lossy(&o.stderr).into_owned());
        }
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/qgis_atlas.py");
    let maps = Path::new(env!("CARGO_MANIFEST_DIR")).join("maps");
    let (ours_pdf, qgis_pdf) = (dir.join("qn-atlas.pdf"), dir.join("qgis-atlas.pdf"));
    let scale_s = scale.to_string();
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for run in 0..runs {
        let (secs, mb) = timed(&[
            &qn,
            "atlas",
            &s(&project),
            "proposed_clusters",
            &s(&ours_pdf),
            "--scale",
            &scale_s,
        ])?;
        let bytes = std::fs::metadata(&ours_pdf).map(|m| m.len()).unwrap_or(0);
        ours.push((secs, mb, bytes as f64));
        let (_, _, said) = timed_output(&[
            "/usr/bin/python3",
            &s(&script),
            &s(&project),
            "proposed_clusters",
            &s(&qgis_pdf),
            &scale_s,
            &s(&maps),
        ])?;
        let line = said
            .lines()
            .find(|l| l.starts_with("init "))
            .ok_or_else(|| format!("no timing from QGIS: {said}"))?;
        let field = |k: &str| timing::field(line, k);
        theirs.push((field("export"), field("pdf_bytes"), field("pages")));
        println!(
            "run {}: qn-planner {secs:.1} s, {mb:.0} MB peak, {bytes} bytes; QGIS atlas export {:.1} s, {} pages, {} bytes (whole script {:.1} s)",
            run + 1,
            field("export"),
            field("pages"),
            field("pdf_bytes"),
            field("total")
        );
    }
    let med = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (q_s, q_mb, q_b) = (
        med(ours.iter().map(|o| o.0).collect()),
        med(ours.iter().map(|o| o.1).collect()),
        med(ours.iter().map(|o| o.2).collect()),
    );
    let (g_s, g_b) = (
        med(theirs.iter().map(|t| t.0).collect()),
        med(theirs.iter().map(|t| t.1).collect()),
    );
    println!(
        "| {n} site sheets, A4 landscape, 1:{scale} | qn-planner atlas | QGIS 3.22 atlas | ratio |"
    );
    println!("|---|---|---|---|");
    println!("| time, s | {q_s:.1} | {g_s:.1} | {:.2} |", q_s / g_s);
    println!(
        "| PDF, MB | {:.1} | {:.1} | {:.2} |",
        q_b / 1e6,
        g_b / 1e6,
        q_b / g_b
    );
    println!("| peak memory, MB | {q_mb:.0} | — | |");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qn-bench-atlas: {e}");
            ExitCode::FAILURE
        }
    }
}
