//! Test helper for the crash-safety test (`tests/crash.rs`): applies edits to a project through
//! the same path as the app (History → Edit → GeoPackage transaction) and prints `ack N` after
//! each edit is committed. The test kills it with SIGKILL at random moments and checks that
//! every acknowledged edit is in the file.
//!
//! usage: qn-edit-stress FILE.gpkg BACKUP_DIR COUNT

use qn_planner::edit::{Edit, History};
use qn_planner::model::{Layer, Precision, Site, Status};
use qn_planner::store::ProjectFile;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn polygon(k: u64) -> geo_types::Geometry<f64> {
    let x = 106.6 + (k % 97) as f64 * 0.012;
    let y = 20.95 + (k % 13) as f64 * 0.01;
    let d = 0.004;
    geo_types::Geometry::Polygon(geo_types::Polygon::new(
        geo_types::LineString::from(vec![(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)]),
        vec![],
    ))
}

fn run(args: &[String]) -> Result<(), String> {
    let [file, backups, count] = args else {
        return Err("usage: qn-edit-stress FILE.gpkg BACKUP_DIR COUNT".into());
    };
    let count: u64 = count.parse().map_err(|_| format!("bad count {count}"))?;
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

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qn-edit-stress: {e}");
            ExitCode::FAILURE
        }
    }
}
