//! `qn-planner export FILE OUT.{png,svg,pdf}`: a print-quality map on the project's print
//! layout. Options given change the layout and are kept in the project, so the next export,
//! from here or the window, looks the same.

use qn_planner::export::layout::{self, DEFAULT_SITE_MARGIN_M, parse_scale};
use qn_planner::export::{Composer, Grid, MapFormat, MapSpec, Paper, PrintLayout};
use qn_planner::lang::Language;
use qn_planner::settings::Settings;
use qn_planner::store::ProjectFile;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The project (a qn-planner GeoPackage).
    file: PathBuf,
    /// The file to write (written whole or not at all).
    out: PathBuf,
    /// The scenario whose plan to draw (default: none, the 2007 report's sites).
    #[arg(long)]
    scenario: Option<String>,
    /// The year of the scenario's plan to draw (alone: the reference scenario's).
    #[arg(long, value_parser = clap::value_parser!(i32).range(
        i64::from(qn_planner::model::years::FIRST)..=i64::from(qn_planner::model::years::ENTRY_MAX)
    ))]
    year: Option<i32>,
    /// Paper size: a4, a3, a2, a1 or a0 (kept in the project; first default a4).
    #[arg(long, value_parser = parse_paper)]
    paper: Option<Paper>,
    /// Landscape page (kept; the first default).
    #[arg(long, conflicts_with = "portrait")]
    landscape: bool,
    /// Portrait page (kept).
    #[arg(long)]
    portrait: bool,
    /// The scale: 100000, 1:100.000, …, or `fit` to fit the extent at the round scale just
    /// above (kept; first default fit).
    #[arg(long, value_parser = parse_scale_arg)]
    scale: Option<ScaleArg>,
    /// What the map shows (kept): `province`, `site:NAME` (centred on a site, with --margin),
    /// or a rectangle `minE,minN,maxE,maxN` in VN-2000 metres or `minLon,minLat,maxLon,maxLat`.
    #[arg(long)]
    extent: Option<String>,
    /// With --extent site:NAME, the margin around the site in metres (default 1000).
    #[arg(long, value_parser = parse_margin)]
    margin: Option<f64>,
    /// The map's title (kept).
    #[arg(long)]
    title: Option<String>,
    /// The issuing body over the title, e.g. "UBND TỈNH QUẢNG NINH — SỞ CÔNG THƯƠNG" (kept).
    #[arg(long)]
    issuer: Option<String>,
    /// Who drew the map, for the title block (kept).
    #[arg(long)]
    author: Option<String>,
    /// A free text for the title block (kept; "" clears it).
    #[arg(long)]
    note: Option<String>,
    /// Mark the map "DỰ THẢO" (draft) across the map and in the title block (kept).
    #[arg(long, conflicts_with = "no_draft")]
    draft: bool,
    /// Remove the draft mark (kept).
    #[arg(long)]
    no_draft: bool,
    /// A coordinate grid labelled at the frame: off, metres (VN-2000) or degrees (kept).
    #[arg(long, value_parser = parse_grid)]
    grid: Option<Grid>,
    /// Resolution of a PNG.
    #[arg(long, default_value_t = 150, value_parser = clap::value_parser!(u32).range(36..=1200))]
    dpi: u32,
}

/// A scale given on the command line: a denominator, or fit the extent.
#[derive(Clone, Copy, Debug)]
pub struct ScaleArg(Option<u32>);

fn parse_scale_arg(s: &str) -> Result<ScaleArg, String> {
    if s.trim().eq_ignore_ascii_case("fit") {
        Ok(ScaleArg(None))
    } else {
        parse_scale(s).map(|n| ScaleArg(Some(n)))
    }
}

pub(crate) fn parse_paper(s: &str) -> Result<Paper, String> {
    Paper::parse(s).ok_or_else(|| format!("{s}: use a4, a3, a2, a1 or a0"))
}

fn parse_grid(s: &str) -> Result<Grid, String> {
    Grid::parse(s).ok_or_else(|| format!("{s}: use off, metres or degrees"))
}

fn parse_margin(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(m) if m.is_finite() && (0.0..=100_000.0).contains(&m) => Ok(m),
        _ => Err(format!("{s}: a margin is metres between 0 and 100000")),
    }
}

/// The project's layout with what the command line changes.
fn layout_with(
    a: &ExportArgs,
    mut l: PrintLayout,
    tm3: &qn_planner::io::crs::Tm3,
) -> Result<PrintLayout, String> {
    if let Some(p) = a.paper {
        l.paper = p;
    }
    if a.portrait {
        l.landscape = false;
    }
    if a.landscape {
        l.landscape = true;
    }
    if let Some(ScaleArg(s)) = a.scale {
        l.scale = s;
    }
    match (&a.extent, a.margin) {
        (Some(e), m) => {
            l.extent = layout::parse_extent(e, m.unwrap_or(DEFAULT_SITE_MARGIN_M), tm3)?;
        }
        (None, Some(m)) => match &mut l.extent {
            qn_planner::export::Extent::Site { margin_m, .. } => *margin_m = m,
            _ => return Err("--margin goes with --extent site:NAME".into()),
        },
        (None, None) => {}
    }
    for (given, field) in [
        (&a.title, &mut l.title),
        (&a.issuer, &mut l.issuer),
        (&a.author, &mut l.author),
        (&a.note, &mut l.note),
    ] {
        if let Some(v) = given {
            *field = v.clone();
        }
    }
    if a.draft {
        l.draft = true;
    }
    if a.no_draft {
        l.draft = false;
    }
    if let Some(g) = a.grid {
        l.grid = g;
    }
    Ok(l.normalised())
}

pub fn run(a: ExportArgs) -> Result<(), String> {
    let Some(format) = MapFormat::from_path(&a.out) else {
        return Err(format!(
            "{}: the output must end in .png, .svg or .pdf",
            a.out.display()
        ));
    };
    let started = Instant::now();
    let mut pf = ProjectFile::open(&a.file).map_err(|e| e.to_string())?;
    let project = pf.read_project().map_err(|e| e.to_string())?;
    super::note_style_problems(&pf);
    super::note_unread(&project);
    // `--year` alone draws the plan of that year in the reference scenario, and says so.
    let (scenario, by_default) = match (&a.scenario, a.year) {
        (Some(n), _) => (
            Some(
                project
                    .scenario_by_name(n)
                    .cloned()
                    .ok_or_else(|| format!("no scenario named “{n}”"))?,
            ),
            false,
        ),
        (None, Some(y)) => (
            Some(project.reference_scenario().cloned().ok_or_else(|| {
                format!(
                    "--year {y} needs a scenario: the project has no reference scenario, so name one with --scenario"
                )
            })?),
            true,
        ),
        (None, None) => (None, false),
    };
    let lang = Settings::load().language;
    let composer = Composer::new().map_err(|e| e.to_string())?;
    let (kept, unreadable) = PrintLayout::load(&pf).map_err(|e| e.to_string())?;
    if let Some(why) = unreadable {
        eprintln!("qn-planner: {why}");
    }
    let layout = layout_with(&a, kept.clone(), composer.tm3())?;
    let mut spec = MapSpec::new(&layout.title, lang);
    layout
        .fill_spec(&mut spec, &project, composer.tm3())
        .map_err(|e| e.to_string())?;
    spec.year = a
        .year
        .or(scenario.as_ref().map(|_| qn_planner::scenario::LAST_YEAR));
    spec.subtitle = match (&scenario, spec.year) {
        (Some(s), Some(y)) if by_default => match lang {
            Language::Vi => format!(
                "{} — {y} (không chọn kịch bản nên dùng kịch bản tham chiếu)",
                s.name
            ),
            Language::En => format!(
                "{} — {y} (no scenario chosen, so the reference scenario)",
                s.name
            ),
        },
        (Some(s), Some(y)) => format!("{} — {y}", s.name),
        _ => match lang {
            Language::Vi => {
                "Các khu, cụm công nghiệp, làng nghề và trung tâm công nghiệp (báo cáo 2007)".into()
            }
            Language::En => {
                "Industrial zones, clusters, craft villages and industrial centres (2007 report)"
                    .into()
            }
        },
    };
    spec.scenario = scenario;
    spec.file_label = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    spec.date = super::today();
    spec.reference = qn_planner::export::ReferenceDraw::all_of(&pf).map_err(|e| e.to_string())?;
    spec.raster_dpi = if format == MapFormat::Png {
        a.dpi
    } else {
        qn_planner::export::VECTOR_RASTER_DPI
    };
    let bytes = qn_planner::export::write_map(&composer, &project, &spec, format, a.dpi, &a.out)
        .map_err(|e| e.to_string())?;
    // The layout is kept once the map it made is written; a project another program holds
    // read-only still gets its map, and is told the layout was not kept.
    if layout != kept
        && let Err(e) = layout.save(&mut pf)
    {
        eprintln!("qn-planner: the print layout was not kept in the project: {e}");
    }
    eprintln!(
        "{}: {} bytes in {} ms (scale {}, {} {})",
        a.out.display(),
        bytes,
        started.elapsed().as_millis(),
        layout::written_scale(composer.print_frame(&project, &spec).2),
        layout.paper.name(),
        if layout.landscape {
            "landscape"
        } else {
            "portrait"
        }
    );
    Ok(())
}
