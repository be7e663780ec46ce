//! Attribute table benchmark (issue 29, "200,000 rows scroll without frame drops"), run from
//! a release build:
//!
//! ```sh
//! cargo bench --bench qn-bench-table -- DIR [--polygons N] [--frames F]
//! ```
//!
//! Makes (or reuses) a project holding N reference parcels (those of `qn-bench-import`,
//! default 200,000, six fields each), opens the real window on it (egui_kittest, 1600 × 900
//! points, no GPU: what is timed is the frame's CPU work — the app's UI pass, then egui's
//! tessellation of what it drew), opens the attribute table on the parcels' tab and waits for
//! its rows (read on a worker); then times F frames (default 400) of scrolling with the mouse
//! wheel, down and back, a jump to the last rows and back, each keystroke of a filter typed
//! one character at a time, and sorting by a text and a number column. Prints each kind's
//! median, 95th percentile and worst frame, and the rows' memory.

use egui::{Event, MouseWheelUnit, Pos2, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use qn_planner::app::{QnApp, Startup};
use qn_planner::settings::Settings;
use qn_planner::store::ProjectFile;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[path = "common/args.rs"]
mod args;
#[path = "common/data.rs"]
mod data;
use args::Args;

fn pct(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

/// One frame: the app's pass and the tessellation of its shapes; milliseconds.
fn frame(h: &mut Harness<'static, QnApp>) -> f64 {
    let t = Instant::now();
    h.step();
    let out = h.output();
    let _ = h.ctx.tessellate(out.shapes.clone(), out.pixels_per_point);
    t.elapsed().as_secs_f64() * 1000.0
}

fn report(what: &str, v: &[f64]) {
    println!(
        "{what:<34} {:>5} frames  median {:>6.2} ms  p95 {:>6.2} ms  worst {:>6.2} ms",
        v.len(),
        pct(v, 0.5),
        pct(v, 0.95),
        v.iter().copied().fold(0.0, f64::max)
    );
}

fn run() -> Result<(), String> {
    let a = Args::parse(
        "qn-bench-table DIR [--polygons N] [--frames F]",
        &["--polygons", "--frames"],
    )?;
    let n = a.num("--polygons", 200_000);
    let frames = a.num("--frames", 400).max(10) as usize;
    let project = a.dir.join("table.gpkg");
    let input = a.dir.join("parcels.geojson");
    data::parcels_project(&a.qn, &project, &input, n)?;
    let file = ProjectFile::open(&project).map_err(|e| e.to_string())?;
    let settings = Settings {
        guide_seen: true,
        author_asked: true,
        ..Settings::default()
    };
    let mut h = Harness::builder()
        .with_size(Vec2::new(1600.0, 900.0))
        .with_max_steps(64)
        .build_eframe(move |cc| {
            QnApp::new(
                &cc.egui_ctx,
                Startup {
                    file: Some(file),
                    error: None,
                    settings,
                    persist_settings: false,
                    started: None,
                },
            )
            .expect("the window starts")
        });
    h.run_steps(4);
    // The locator indexes the parcels on a worker when the project opens: let it finish, as
    // it has a few seconds after opening, so that it does not share the cores with the frames.
    let t = Instant::now();
    while h.state().locator_indexing() && t.elapsed() < Duration::from_secs(120) {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.get_by_label("Bảng thuộc tính").click();
    h.run_steps(4);
    h.get_by_label("Thửa đất").click();
    // The click is a queued event: the tab changes in the next frames.
    h.run_steps(2);
    let t = Instant::now();
    while h.state().table_shown().is_none() {
        h.step();
        if t.elapsed() > Duration::from_secs(120) {
            return Err("the table's rows were not read in 2 minutes".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let load_s = t.elapsed().as_secs_f64();
    let rows = h.state().table_shown().map_or(0, |v| v.len());
    h.run_steps(4);
    // The rows' area: below the filter of the first column.
    let filter = h.get_by_label("Lọc ten").rect();
    let over = Pos2::new(filter.center().x + 200.0, filter.bottom() + 120.0);
    h.hover_at(over);
    h.run_steps(4);
    let wheel = |h: &mut Harness<'static, QnApp>, dy: f32| {
        h.event(Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: Vec2::new(0.0, dy),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: egui::Modifiers::NONE,
        });
    };
    let mut scroll = Vec::with_capacity(frames);
    for i in 0..frames {
        wheel(&mut h, if i < frames / 2 { -90.0 } else { 90.0 });
        scroll.push(frame(&mut h));
    }
    // A jump to the end and back (a scroll bar dragged): far offsets cost as near ones.
    let mut jump = Vec::new();
    for dy in [-1.0e7f32, 1.0e7, -1.0e7, 1.0e7] {
        wheel(&mut h, dy);
        for _ in 0..5 {
            jump.push(frame(&mut h));
        }
    }
    // A filter typed one character at a time (each keystroke works the rows out again).
    let mut keys = Vec::new();
    h.get_by_label("Lọc ten").click();
    h.run_steps(4);
    // The keystroke's frame, and the next, which works the rows out again: both timed.
    for ch in "thua so 1999".chars() {
        h.event(Event::Text(ch.to_string()));
        keys.push(frame(&mut h));
        keys.push(frame(&mut h));
        h.run_steps(4);
    }
    let filtered = h.state().table_shown().map_or(0, |v| v.len());
    for _ in 0.."thua so 1999".chars().count() {
        h.key_press(egui::Key::Backspace);
        keys.push(frame(&mut h));
        keys.push(frame(&mut h));
        h.run_steps(4);
    }
    // Sorting: by the parcel's name (text), then by its number, each both ways.
    let mut sort = Vec::new();
    for label in ["ten", "ten ^", "ma_thua", "ma_thua ^"] {
        h.get_by_label(label).click();
        sort.push(frame(&mut h));
        sort.push(frame(&mut h));
        h.run_steps(4);
    }
    let mb = h.state().table_bytes() as f64 / 1e6;
    println!("attribute table, {rows} rows of the parcels' layer (1600 × 900 window)");
    println!(
        "rows read on a worker in {load_s:.2} s; the rows hold {mb:.1} MB (values, folded texts, order)"
    );
    report("scroll (wheel, 90 points a frame)", &scroll);
    report("jump to the last rows and back", &jump);
    report(&format!("filter keystroke ({filtered} rows kept)"), &keys);
    report("sort by a column (click)", &sort);
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qn-bench-table: {e}");
            ExitCode::FAILURE
        }
    }
}
