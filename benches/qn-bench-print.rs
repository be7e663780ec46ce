//! Print benchmark against QGIS 3.22's print layout, run from a release build:
//!
//! ```sh
//! xvfb-run -a cargo bench --bench qn-bench-print -- DIR [--polygons N] [--runs R] [--dpi D]
//! ```
//!
//! Makes a project holding N reference polygons (the parcels of `qn-bench-import`, default
//! 200,000) with categorised styles on (the parcels by land use, every planning layer by
//! status), then exports an A4 landscape page to PNG at D dpi (default 300) and to PDF with
//! `qn-planner export` and with QGIS's print layout (`benches/qgis_print.py`, which opens the
//! same file and so the same styles from its `layer_styles` table), alternating, R times each
//! (default 3), and prints the medians. qn-planner is timed as the whole command (start, open,
//! compose, draw, encode, write); QGIS as its export calls alone (its start and layer loading
//! left out).

use qn_planner::edit::Edit;
use qn_planner::model::style::{LayerStyle, Value, categorise, site_value};
use qn_planner::model::{Layer, palette};
use qn_planner::store::{LayerReader, ProjectFile};
use std::path::Path;
use std::process::ExitCode;

#[path = "common/args.rs"]
mod args;
#[path = "common/data.rs"]
mod data;
use args::Args;
#[path = "common/timing.rs"]
mod timing;
use timing::{timed, timed_output};

/// Makes the project: seeded, the parcels imported as a reference layer, the styles set.
fn make_project(qn: &str, project: &Path, input: &Path, n: u64) -> Result<(), String> {
    data::project_with_parcels(qn, project, input)?;
    let mut pf = ProjectFile::open(project).map_err(|e| e.to_string())?;
    let mut p = pf.read_project().map_err(|e| e.to_string())?;
    let refs = pf.reference_layers().map_err(|e| e.to_string())?;
    let r = refs.first().ok_or("the parcels were not imported")?;
    if r.features != n as i64 {
        return Err(format!("{} parcels imported, not {n}", r.features));
    }
    // The parcels by land use.
    let mut values = Vec::new();
    LayerReader::open(project, &r.table)
        .and_then(|l| l.values("loai_dat", &mut |_, v| values.push(v.clone())))
        .map_err(|e| e.to_string())?;
    let base =
        LayerStyle::default_reference(palette::parse_hex(&r.color).unwrap_or([0x7a, 0x51, 0x95]));
    let mut edits = vec![(
        r.table.clone(),
        LayerStyle {
            renderer: categorise("loai_dat", &values, base.main_symbol()),
            ..base
        },
    )];
    // Every planning layer by status.
    for layer in Layer::ALL {
        let values: Vec<Value> = p.sites_of(layer).map(|s| site_value(s, "status")).collect();
        let base = LayerStyle::default_for(layer);
        edits.push((
            layer.table().to_string(),
            LayerStyle {
                renderer: categorise("status", &values, base.main_symbol()),
                ..base
            },
        ));
    }
    for (table, style) in edits {
        Edit::Style {
            before: p.styles.get(&table).cloned().map(Box::new),
            table,
            after: Some(Box::new(style)),
        }
        .apply(&mut pf, &mut p)
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn run() -> Result<(), String> {
    let args = Args::parse(
        "qn-bench-print DIR [--polygons N] [--runs R] [--dpi D]",
        &["--polygons", "--runs", "--dpi"],
    )?;
    let (dir, qn) = (args.dir.clone(), args.qn.clone());
    let (polygons, runs) = (
        args.num("--polygons", 200_000),
        args.num("--runs", 3).max(1),
    );
    let dpi = args.num("--dpi", 300);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/qgis_print.py");
    let s = |p: &Path| p.to_string_lossy().into_owned();
    let input = dir.join(format!("polygons_{polygons}.geojson"));
    if !input.exists() {
        data::write_polygons(&input, polygons).map_err(|e| format!("{}: {e}", input.display()))?;
    }
    let project = dir.join(format!("print_{polygons}.gpkg"));
    make_project(&qn, &project, &input, polygons)?;
    let (png, pdf) = (dir.join("qn.png"), dir.join("qn.pdf"));
    let (qpng, qpdf) = (dir.join("qgis.png"), dir.join("qgis.pdf"));
    let dpi_s = dpi.to_string();
    let mut ours: Vec<(f64, f64, f64, u64)> = Vec::new();
    let mut theirs: Vec<(f64, f64, u64, f64)> = Vec::new();
    for run in 0..runs {
        let (png_s, png_mb) = timed(&[&qn, "export", &s(&project), &s(&png), "--dpi", &dpi_s])?;
        let (pdf_s, _) = timed(&[&qn, "export", &s(&project), &s(&pdf)])?;
        let pdf_bytes = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0);
        ours.push((png_s, png_mb, pdf_s, pdf_bytes));
        let (_, _, said) = timed_output(&[
            "/usr/bin/python3",
            &s(&script),
            &s(&project),
            &s(&qpng),
            &s(&qpdf),
            &dpi_s,
        ])?;
        if run == 0 {
            for l in said.lines().filter(|l| l.starts_with("layer ")) {
                println!("QGIS {l}");
            }
        }
        let line = said
            .lines()
            .find(|l| l.starts_with("init "))
            .ok_or_else(|| format!("no timing from QGIS: {said}"))?;
        let field = |k: &str| timing::field(line, k);
        theirs.push((
            field("png"),
            field("pdf"),
            field("pdf_bytes") as u64,
            field("total"),
        ));
        println!(
            "run {}: qn-planner PNG {png_s:.2} s ({png_mb:.0} MB), PDF {pdf_s:.2} s ({pdf_bytes} bytes); QGIS PNG {:.2} s, PDF {:.2} s ({} bytes), whole script {:.2} s",
            run + 1,
            field("png"),
            field("pdf"),
            field("pdf_bytes") as u64,
            field("total")
        );
    }
    let med = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let q_png = med(ours.iter().map(|o| o.0).collect());
    let q_pdf = med(ours.iter().map(|o| o.2).collect());
    let q_size = med(ours.iter().map(|o| o.3 as f64).collect());
    let g_png = med(theirs.iter().map(|t| t.0).collect());
    let g_pdf = med(theirs.iter().map(|t| t.1).collect());
    let g_size = med(theirs.iter().map(|t| t.2 as f64).collect());
    println!(
        "| A4 landscape, {polygons} reference polygons, categorised | qn-planner | QGIS 3.22 print layout | ratio |"
    );
    println!("|---|---|---|---|");
    println!(
        "| PNG {dpi} dpi, s | {q_png:.2} | {g_png:.2} | {:.2} |",
        q_png / g_png
    );
    println!(
        "| PDF, s | {q_pdf:.2} | {g_pdf:.2} | {:.2} |",
        q_pdf / g_pdf
    );
    println!(
        "| PDF, MB | {:.2} | {:.2} | {:.2} |",
        q_size / 1e6,
        g_size / 1e6,
        q_size / g_size
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qn-bench-print: {e}");
            ExitCode::FAILURE
        }
    }
}
