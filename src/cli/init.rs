//! `qn-planner init FILE`: a new project seeded from the 2007 report.

use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct InitArgs {
    /// The project (a qn-planner GeoPackage).
    file: PathBuf,
    /// Overwrite FILE.gpkg if it exists.
    #[arg(long)]
    force: bool,
}

pub fn run(a: InitArgs) -> Result<(), String> {
    init(&a.file, a.force)
}

fn init(path: &Path, force: bool) -> Result<(), String> {
    let pf = ProjectFile::create(path, force).map_err(|e| e.to_string())?;
    let p = pf.read_project().map_err(|e| e.to_string())?;
    out!(
        "{}: new project with {} sites and {} industrial centres",
        path.display(),
        p.sites.len(),
        p.centres.len()
    );
    Ok(())
}
