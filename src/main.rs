//! qn-planner: starts the window, or runs a headless command.
//!
//! ```text
//! qn-planner                     open the last project, or create the default one
//! qn-planner FILE.gpkg           open FILE.gpkg
//! qn-planner init FILE.gpkg [--force]
//! qn-planner info FILE.gpkg [--json]
//! ```

use qn_planner::app::{QnApp, Startup};
use qn_planner::settings::{self, Settings};
use qn_planner::store::{LayerInfo, ProjectFile};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage:
  qn-planner [FILE.gpkg]                 open the window (default: last project, else the built-in one)
  qn-planner init FILE.gpkg [--force]    write a new seeded project
  qn-planner info FILE.gpkg [--json]     list layers with feature counts and extents
  qn-planner report FILE.gpkg [--scenario NAME] [--csv]
                                         the scenario's indicator table by year (default: the reference)
  qn-planner report FILE.gpkg --rules [--scenario NAME] [--csv]
                                         each site's verdict under each rule in force, with citations
  qn-planner --help | --version";

fn main() -> ExitCode {
    let started = Instant::now();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some("-V" | "--version") => {
            println!("qn-planner {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some("init") => cmd_init(&args[1..]),
        Some("info") => cmd_info(&args[1..]),
        Some("report") => cmd_report(&args[1..]),
        Some(a) if a.starts_with('-') => Err(format!("unknown option {a}\n{USAGE}")),
        Some(file) => {
            if args.len() > 1 {
                Err(format!("unexpected argument {}\n{USAGE}", args[1]))
            } else {
                run_window(Some(PathBuf::from(file)), started)
            }
        }
        None => run_window(None, started),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("qn-planner: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// Splits arguments into positionals and the given known flags; anything else is an error.
fn parse<'a>(args: &'a [String], flags: &[&str]) -> Result<(Vec<&'a str>, Vec<&'a str>), String> {
    let mut pos = Vec::new();
    let mut set = Vec::new();
    for a in args {
        if a.starts_with("--") {
            if flags.contains(&a.as_str()) {
                set.push(a.as_str());
            } else {
                return Err(format!("unknown option {a}"));
            }
        } else {
            pos.push(a.as_str());
        }
    }
    Ok((pos, set))
}

fn cmd_init(args: &[String]) -> Result<(), String> {
    let (pos, flags) = parse(args, &["--force"])?;
    let [file] = pos[..] else {
        return Err("usage: qn-planner init FILE.gpkg [--force]".into());
    };
    let path = Path::new(file);
    let pf = ProjectFile::create(path, flags.contains(&"--force")).map_err(|e| e.to_string())?;
    let p = pf.read_project().map_err(|e| e.to_string())?;
    println!(
        "{}: new project with {} sites and {} industrial centres",
        path.display(),
        p.sites.len(),
        p.centres.len()
    );
    Ok(())
}

fn cmd_report(args: &[String]) -> Result<(), String> {
    let mut file = None;
    let mut scenario = None;
    let mut csv = false;
    let mut rules = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--csv" => csv = true,
            "--rules" => rules = true,
            "--scenario" => {
                scenario = Some(it.next().ok_or("--scenario needs a scenario name")?.clone())
            }
            x if x.starts_with("--") => return Err(format!("unknown option {x}")),
            x if file.is_none() => file = Some(x.to_string()),
            x => return Err(format!("unexpected argument {x}")),
        }
    }
    let Some(file) = file else {
        return Err("usage: qn-planner report FILE.gpkg [--scenario NAME] [--csv]".into());
    };
    let pf = ProjectFile::open(Path::new(&file)).map_err(|e| e.to_string())?;
    let project = pf.read_project().map_err(|e| e.to_string())?;
    let s = match &scenario {
        Some(name) => project.scenario_by_name(name).ok_or_else(|| {
            let names: Vec<&str> = project.scenarios.iter().map(|s| s.name.as_str()).collect();
            format!(
                "no scenario named “{name}” (scenarios: {})",
                names.join(", ")
            )
        })?,
        None => project
            .reference_scenario()
            .or(project.scenarios.first())
            .ok_or("the project has no scenario")?,
    };
    if rules {
        return report_rules(&file, &project, s, csv);
    }
    let years: Vec<i32> =
        (qn_planner::scenario::FIRST_YEAR..=qn_planner::scenario::LAST_YEAR).collect();
    if csv {
        print!(
            "{}",
            qn_planner::scenario::indicator_csv(s, &project, &years)
        );
        return Ok(());
    }
    println!(
        "{file}: scenario “{}”{}",
        s.name,
        if s.is_reference { " (reference)" } else { "" }
    );
    println!(
        "{:>4}  {:>10} {:<20} {:>7}  {:>8} {:>10} {:>9}  {:>7} {:>9} {:>9}",
        "year",
        "output",
        "(source)",
        "growth",
        "clusters",
        "land ha",
        "proposed",
        "funds",
        "leverage",
        "priority"
    );
    for y in years {
        let i = qn_planner::scenario::indicators(s, &project, y);
        let num =
            |v: Option<f64>, d: usize| v.map(|x| format!("{x:.d$}")).unwrap_or_else(|| "—".into());
        let land = if i.operating_land_unknown > 0 {
            format!("{:.0}+{}?", i.operating_land_ha, i.operating_land_unknown)
        } else {
            format!("{:.0}", i.operating_land_ha)
        };
        println!(
            "{:>4}  {:>10} {:<20} {:>7}  {:>8} {:>10} {:>9}  {:>7} {:>9} {:>9}",
            y,
            num(i.output_bn_vnd, 0),
            format!("({})", i.output_source.label()),
            num(i.growth_pct, 2),
            i.operating_clusters,
            land,
            format!("{}/{}", i.proposed_opened, i.proposed_total),
            num(i.programme.as_ref().and_then(|p| p.funds_bn_vnd), 3),
            num(i.programme.as_ref().and_then(|p| p.leverage), 1),
            i.priority_sites
        );
    }
    println!(
        "output in bn VND (giá trị sản xuất công nghiệp); land: known ha + sites with no known land; \
         funds: extension funds, bn VND; leverage: social capital per VND of funds"
    );
    for y in qn_planner::scenario::FIRST_YEAR..=qn_planner::scenario::LAST_YEAR {
        if let Some(a) = qn_planner::scenario::reported_output(&project, y) {
            let plan = qn_planner::scenario::indicators(s, &project, y).output_bn_vnd;
            println!(
                "{y}: plan {} vs reported {} bn VND ({}; {}) — {}",
                plan.map(|p| format!("{p:.0}"))
                    .unwrap_or_else(|| "— (no rate entered)".into()),
                a.value.map(|v| format!("{v:.0}")).unwrap_or_default(),
                a.price_basis,
                a.scope,
                a.source
            );
        }
    }
    Ok(())
}

/// `report --rules`: every planning site judged by the rules in force in the year it opens in
/// the scenario (else its decision year). A report: failed rules do not make it fail.
fn report_rules(
    file: &str,
    project: &qn_planner::model::Project,
    s: &qn_planner::scenario::Scenario,
    csv: bool,
) -> Result<(), String> {
    use qn_planner::analysis::rules::{Verdict, checks_for, date_of_year, evaluate, judging_year};
    let tm3 = qn_planner::io::crs::Tm3::new().map_err(|e| e.to_string())?;
    let quote = |t: &str| {
        if t.contains([',', '"', '\n']) {
            format!("\"{}\"", t.replace('"', "\"\""))
        } else {
            t.to_string()
        }
    };
    if csv {
        println!("site_table,fid,name,year,check,rule_key,verdict,detail,citation,accepted_reason");
    } else {
        println!("{file}: rules for scenario “{}”", s.name);
    }
    let (mut fails, mut accepted) = (0, 0);
    for site in project.sites.iter().filter(|x| x.layer.is_planning()) {
        if checks_for(site.layer).is_empty() {
            continue;
        }
        let Some(year) = judging_year(site, Some(s)) else {
            if !csv {
                println!(
                    "{} ({} fid {}): not scheduled in this scenario and no decision year — not judged",
                    site.name,
                    site.layer.table(),
                    site.fid
                );
            }
            continue;
        };
        let date = date_of_year(year);
        if !csv {
            println!(
                "{} ({} fid {}), judged on {date}",
                site.name,
                site.layer.table(),
                site.fid
            );
        }
        for r in evaluate(site, &project.rules, project, Some(s), &date, Some(&tm3)) {
            let acc = r.accepted_reason(site).unwrap_or_default().to_string();
            if r.verdict == Verdict::Fail {
                if acc.is_empty() {
                    fails += 1;
                } else {
                    accepted += 1;
                }
            }
            if csv {
                println!(
                    "{},{},{},{year},{},{},{},{},{},{}",
                    site.layer.table(),
                    site.fid,
                    quote(&site.name),
                    r.check.as_str(),
                    r.rule_key,
                    r.verdict.as_str(),
                    quote(&r.detail),
                    quote(&r.citation),
                    quote(&acc)
                );
            } else {
                println!(
                    "  {:<19} {:<16} {}{}{}",
                    r.check.as_str(),
                    r.verdict.as_str(),
                    r.detail,
                    if r.citation.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", r.citation)
                    },
                    if acc.is_empty() {
                        String::new()
                    } else {
                        format!(" [accepted: {acc}]")
                    }
                );
            }
        }
    }
    if !csv {
        println!("{fails} failed rule(s) not accepted, {accepted} accepted with a reason");
    }
    Ok(())
}

fn extent_json(e: Option<(f64, f64, f64, f64)>) -> serde_json::Value {
    match e {
        Some((a, b, c, d)) => serde_json::json!([a, b, c, d]),
        None => serde_json::Value::Null,
    }
}

fn cmd_info(args: &[String]) -> Result<(), String> {
    let (pos, flags) = parse(args, &["--json"])?;
    let [file] = pos[..] else {
        return Err("usage: qn-planner info FILE.gpkg [--json]".into());
    };
    let pf = ProjectFile::open(Path::new(file)).map_err(|e| e.to_string())?;
    let infos: Vec<LayerInfo> = pf.layer_infos().map_err(|e| e.to_string())?;
    if flags.contains(&"--json") {
        let layers: Vec<serde_json::Value> = infos
            .iter()
            .map(|i| {
                serde_json::json!({
                    "table": i.table,
                    "identifier": i.identifier,
                    "data_type": i.data_type,
                    "count": i.count,
                    "extent": extent_json(i.extent),
                })
            })
            .collect();
        let out = serde_json::json!({
            "file": file,
            "schema_version": pf.schema_version().map_err(|e| e.to_string())?,
            "srs": "EPSG:4326",
            "layers": layers,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
    } else {
        println!(
            "{file} (qn-planner schema {})",
            pf.schema_version().map_err(|e| e.to_string())?
        );
        for i in infos {
            let ext = match i.extent {
                Some((a, b, c, d)) => format!("extent {a:.5},{b:.5} – {c:.5},{d:.5} (EPSG:4326)"),
                None => "no extent".into(),
            };
            println!(
                "  {:<20} {:<10} {:>4}  {}  {}",
                i.table, i.data_type, i.count, i.identifier, ext
            );
        }
    }
    Ok(())
}

fn backup_dir() -> Option<PathBuf> {
    settings::data_dir().map(|d| d.join("backups"))
}

/// Opens `path` for editing; a notice (opened read-only elsewhere) goes with it.
fn open_session(path: &Path) -> Result<(ProjectFile, Option<String>), String> {
    ProjectFile::open_session(path, backup_dir())
        .map(|o| (o.file, o.notice))
        .map_err(|e| e.to_string())
}

/// Finds the project to open when none is given: the last one, else the default one
/// (created from the built-in data on first run).
fn default_project(settings: &Settings) -> (Option<ProjectFile>, Option<String>) {
    let mut error = None;
    if let Some(last) = &settings.last_project
        && last.exists()
    {
        match open_session(last) {
            Ok((f, notice)) => return (Some(f), notice),
            Err(e) => error = Some(e),
        }
    }
    let Some(path) = settings::default_project_path() else {
        return (
            None,
            Some("no data folder on this system for the default project".into()),
        );
    };
    if !path.exists() {
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            return (None, Some(format!("{}: {e}", dir.display())));
        }
        if let Err(e) = ProjectFile::create(&path, false) {
            return (None, Some(e.to_string()));
        }
    }
    match open_session(&path) {
        Ok((f, notice)) => (Some(f), notice.or(error)),
        Err(e) => (None, Some(e)),
    }
}

fn run_window(file: Option<PathBuf>, started: Instant) -> Result<(), String> {
    let settings = Settings::load();
    let (project, error) = match file {
        Some(p) => match open_session(&p) {
            Ok((f, notice)) => (Some(f), notice),
            Err(e) => (None, Some(e)),
        },
        None => default_project(&settings),
    };
    if let Some(e) = &error {
        eprintln!("qn-planner: {e}");
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("qn-planner")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0]),
        ..Default::default()
    };
    eframe::run_native(
        "qn-planner",
        options,
        Box::new(move |cc| {
            let app = QnApp::new(
                &cc.egui_ctx,
                Startup {
                    file: project,
                    error,
                    settings,
                    persist_settings: true,
                    started: Some(started),
                },
            )?;
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| format!("cannot open the window: {e}"))
}
