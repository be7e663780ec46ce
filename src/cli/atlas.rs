//! `qn-planner atlas FILE LAYER OUT.pdf`: one sheet per site of a planning layer (or the sites
//! named with --site), each its map and its card, in one PDF bookmarked by site name. Paper,
//! orientation, issuing body, author, draft mark and grid come from the project's print
//! layout (`export` sets it).

use qn_planner::export::atlas::{AtlasSpec, write_atlas};
use qn_planner::export::layout::{find_site, parse_scale};
use qn_planner::export::{Composer, PrintLayout};
use qn_planner::model::Layer;
use qn_planner::settings::Settings;
use qn_planner::store::ProjectFile;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct AtlasArgs {
    /// The project (a qn-planner GeoPackage).
    file: PathBuf,
    /// The planning layer: its table (industrial_zones, industrial_clusters,
    /// proposed_clusters, craft_villages, industrial_centres) or its name.
    layer: String,
    /// The PDF to write (written whole or not at all).
    out: PathBuf,
    /// The scenario whose plan the maps draw and whose rules judge (default: the reference
    /// scenario judges; the maps draw the 2007 report).
    #[arg(long)]
    scenario: Option<String>,
    /// The year of the scenario's plan to draw (with --scenario; alone: the reference one's).
    #[arg(long, value_parser = clap::value_parser!(i32).range(
        i64::from(qn_planner::model::years::FIRST)..=i64::from(qn_planner::model::years::ENTRY_MAX)
    ))]
    year: Option<i32>,
    /// The scale of every sheet, e.g. 25000 or 1:25.000 (default: each site fitted with a
    /// margin at a round scale).
    #[arg(long, value_parser = parse_scale)]
    scale: Option<u32>,
    /// Only this site (by name; repeat for more), in the order given.
    #[arg(long = "site")]
    sites: Vec<String>,
}

/// A planning layer by table name or by its name in either language.
fn layer_named(s: &str) -> Result<Layer, String> {
    let want = qn_planner::model::text::fold(s.trim());
    Layer::ALL
        .into_iter()
        .filter(|l| l.is_planning())
        .find(|l| {
            l.table() == s.trim()
                || qn_planner::model::text::fold(l.name_vi()) == want
                || qn_planner::model::text::fold(l.name_en()) == want
        })
        .ok_or_else(|| {
            format!(
                "{s}: not a planning layer (use {})",
                Layer::ALL
                    .iter()
                    .filter(|l| l.is_planning())
                    .map(|l| l.table())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

pub fn run(a: AtlasArgs) -> Result<(), String> {
    if a.out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
        != Some("pdf")
    {
        return Err(format!("{}: an atlas is a .pdf", a.out.display()));
    }
    let started = Instant::now();
    let layer = layer_named(&a.layer)?;
    let pf = ProjectFile::open(&a.file).map_err(|e| e.to_string())?;
    let project = pf.read_project().map_err(|e| e.to_string())?;
    super::note_style_problems(&pf);
    super::note_unread(&project);
    let scenario = match (&a.scenario, a.year) {
        (Some(n), _) => Some(
            project
                .scenario_by_name(n)
                .ok_or_else(|| format!("no scenario named “{n}”"))?,
        ),
        (None, Some(y)) => Some(project.reference_scenario().ok_or_else(|| {
            format!("--year {y} needs a scenario: the project has no reference scenario, so name one with --scenario")
        })?),
        (None, None) => None,
    };
    let year = a.year.or(scenario.map(|_| qn_planner::scenario::LAST_YEAR));
    let fids = if a.sites.is_empty() {
        None
    } else {
        let mut fids = Vec::new();
        for name in &a.sites {
            let s = find_site(&project, name).map_err(|e| e.to_string())?;
            if s.layer != layer {
                return Err(format!(
                    "“{}” is in {}, not in {}",
                    s.name,
                    s.layer.table(),
                    layer.table()
                ));
            }
            fids.push(s.fid);
        }
        Some(fids)
    };
    let (layout, why) = PrintLayout::load(&pf).map_err(|e| e.to_string())?;
    if let Some(why) = why {
        eprintln!("qn-planner: {why}");
    }
    let composer = Composer::new().map_err(|e| e.to_string())?;
    let reference = qn_planner::export::ReferenceDraw::all_of(&pf).map_err(|e| e.to_string())?;
    let file_label = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let date = super::today();
    let spec = AtlasSpec {
        layer,
        fids,
        scenario,
        year,
        scale: a.scale,
        layout: &layout,
        lang: Settings::load().language,
        date: &date,
        file_label: &file_label,
        reference: &reference,
    };
    let (pages, bytes) =
        write_atlas(&composer, &project, &spec, &a.out).map_err(|e| e.to_string())?;
    eprintln!(
        "{}: {pages} site sheets, {bytes} bytes in {} ms",
        a.out.display(),
        started.elapsed().as_millis()
    );
    Ok(())
}
