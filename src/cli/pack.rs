//! `qn-planner pack FILE OUT.pdf`: the meeting pack — a cover, a map per phase, the indicator
//! table, charts, the rules' compliance and the sources — of a scenario (default: the
//! reference one), written whole or not at all.

use qn_planner::export::{Composer, Paper};
use qn_planner::settings::Settings;
use qn_planner::store::ProjectFile;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct PackArgs {
    /// The project (a qn-planner GeoPackage).
    file: PathBuf,
    /// The file to write (written whole or not at all).
    out: PathBuf,
    /// The scenario (default: the reference one).
    #[arg(long)]
    scenario: Option<String>,
    /// Paper size: a4, a3, a2, a1 or a0.
    #[arg(long, default_value = "a4", value_parser = super::export::parse_paper)]
    paper: Paper,
}

pub fn run(a: PackArgs) -> Result<(), String> {
    let (file, out) = (a.file.as_path(), a.out.as_path());
    if out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
        != Some("pdf")
    {
        return Err(format!("{}: a meeting pack is a .pdf", out.display()));
    }
    let started = Instant::now();
    let pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    let project = pf.read_project().map_err(|e| e.to_string())?;
    super::note_style_problems(&pf);
    super::note_unread(&project);
    let scenario = match &a.scenario {
        Some(n) => project
            .scenario_by_name(n)
            .cloned()
            .ok_or_else(|| format!("no scenario named “{n}”"))?,
        None => project
            .reference_scenario()
            .or(project.scenarios.first())
            .cloned()
            .ok_or("the project has no scenario")?,
    };
    let lang = Settings::load().language;
    let composer = Composer::new().map_err(|e| e.to_string())?;
    let file_label = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let reference = qn_planner::export::ReferenceDraw::all_of(&pf).map_err(|e| e.to_string())?;
    let date = super::today();
    let spec = qn_planner::export::PackSpec {
        scenario: &scenario,
        lang,
        file_label: &file_label,
        date: &date,
        paper: a.paper,
        reference: &reference,
    };
    let (pages, bytes) = qn_planner::export::write_pack(&composer, &project, &spec, out)
        .map_err(|e| e.to_string())?;
    eprintln!(
        "{}: {} pages, {} bytes in {} ms",
        out.display(),
        pages,
        bytes,
        started.elapsed().as_millis()
    );
    Ok(())
}
