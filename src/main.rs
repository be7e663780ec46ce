//! qn-planner: starts the window, or runs a headless command.
//!
//! ```text
//! qn-planner                     open the last project, or create the default one
//! qn-planner FILE.gpkg           open FILE.gpkg
//! qn-planner init FILE.gpkg [--force]
//! qn-planner info FILE.gpkg [--json]
//! ```

use qn_planner::app::{QnApp, Startup};
use qn_planner::io::crs::Crs;
use qn_planner::settings::{self, Language, Settings};
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
  qn-planner export FILE.gpkg OUT.{png,svg,pdf} [--scenario S] [--year Y] [--paper a4|a3]
                    [--landscape|--portrait] [--dpi N] [--title T]
                                         a print-quality map
  qn-planner pack FILE.gpkg OUT.pdf [--scenario S]
                                         a meeting pack: cover, a map per phase, indicators, charts, sources
  qn-planner import FILE.gpkg INPUT.{geojson,csv,gpkg} [--layer NAME] [--crs EPSG:N]
             [--into PLANNING_LAYER [--map name=FIELD,kind=FIELD,...]]
                                         add a reference layer (one transaction); --layer picks the
                                         layer of a GeoPackage input, else names the new layer
  qn-planner export-layer FILE.gpkg LAYER OUT.{geojson,csv,gpkg} [--crs EPSG:N]
                                         write one layer out (GeoJSON RFC 7946 in EPSG:4326 by default)
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
        Some("export") => cmd_export(&args[1..]),
        Some("pack") => cmd_pack(&args[1..]),
        Some("import") => cmd_import(&args[1..]),
        Some("export-layer") => cmd_export_layer(&args[1..]),
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

/// Positional arguments and `--flag VALUE` pairs.
type Valued<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>);

/// Splits arguments into positionals and `--flag VALUE` pairs of the given names.
fn parse_valued<'a>(args: &'a [String], valued: &[&str]) -> Result<Valued<'a>, String> {
    let mut pos = Vec::new();
    let mut set = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a.starts_with("--") {
            if !valued.contains(&a.as_str()) {
                return Err(format!("unknown option {a}"));
            }
            let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
            set.push((a.as_str(), v.as_str()));
        } else {
            pos.push(a.as_str());
        }
    }
    Ok((pos, set))
}

fn parse_crs(s: &str) -> Result<Crs, String> {
    Crs::parse(s).ok_or_else(|| {
        format!(
            "unknown coordinate system {s:?}; use one of {}",
            Crs::ALL
                .iter()
                .map(|c| format!("EPSG:{}", c.epsg()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

fn cmd_import(args: &[String]) -> Result<(), String> {
    use qn_planner::io::import::Source;
    use std::sync::atomic::AtomicBool;
    let usage = "usage: qn-planner import FILE.gpkg INPUT.{geojson,csv,gpkg} [--layer NAME] [--crs EPSG:N] [--into PLANNING_LAYER [--map name=FIELD,...]]";
    let (pos, flags) = parse_valued(args, &["--layer", "--crs", "--into", "--map"])?;
    let [file, input] = pos[..] else {
        return Err(usage.into());
    };
    let get = |k: &str| flags.iter().find(|(f, _)| *f == k).map(|(_, v)| *v);
    let input = Path::new(input);
    let source = Source::from_path(input, get("--layer")).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let crs = get("--crs").map(parse_crs).transpose()?;
    if let Some(into) = get("--into") {
        return import_into_planning(Path::new(file), &source, crs, into, get("--map"), started);
    }
    if get("--map").is_some() {
        return Err("--map goes with --into PLANNING_LAYER".into());
    }
    let name = match (&source, get("--layer")) {
        (Source::Gpkg { layer, .. }, _) => layer.clone(),
        (_, Some(n)) => n.to_string(),
        _ => input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "reference".into()),
    };
    let mut pf = ProjectFile::open(Path::new(file)).map_err(|e| e.to_string())?;
    const COLOURS: [&str; 6] = [
        "#7a5195", "#ef5675", "#2f4b7c", "#ffa600", "#665191", "#a05195",
    ];
    let used = pf.reference_layers().map_err(|e| e.to_string())?.len();
    let cancel = AtomicBool::new(false);
    let summary = pf
        .import_reference_layer(
            &source,
            crs,
            &name,
            COLOURS[used % COLOURS.len()],
            &cancel,
            &mut |_, _| {},
        )
        .map_err(|e| {
            let m = e.to_string();
            if m.contains(&input.display().to_string()) {
                format!("{m} (the project is unchanged)")
            } else {
                format!("{}: {m} (the project is unchanged)", input.display())
            }
        })?;
    println!(
        "imported {} features with {} fields into layer “{}” (table {}, {}) from {} ({}) in {:.2} s",
        summary.features,
        summary.fields,
        summary.name,
        summary.table,
        summary.geometry_type,
        summary.crs.name(),
        summary.crs_from.describe(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `import … --into LAYER`: the features become sites of a planning layer, in one
/// transaction (one undo step in the window).
fn import_into_planning(
    file: &Path,
    source: &qn_planner::io::import::Source,
    crs: Option<Crs>,
    into: &str,
    map: Option<&str>,
    started: Instant,
) -> Result<(), String> {
    use qn_planner::io::import::scan;
    use qn_planner::io::import_sites::{
        SiteField, SiteTarget, TARGET_LAYERS, default_mapping, default_status, read_sites,
    };
    let folded = qn_planner::model::text::fold(into);
    let layer = TARGET_LAYERS
        .into_iter()
        .find(|l| {
            l.table() == into
                || qn_planner::model::text::fold(l.name_vi()) == folded
                || qn_planner::model::text::fold(l.name_en()) == folded
        })
        .ok_or_else(|| {
            format!(
                "no planning layer {into:?}; use one of {}",
                TARGET_LAYERS.map(|l| l.table()).join(", ")
            )
        })?;
    let input = source.path().display().to_string();
    let sc = scan(source).map_err(|e| format!("{input}: {e}"))?;
    let fields: Vec<String> = sc.fields.iter().map(|(n, _)| n.clone()).collect();
    let mut mapping = default_mapping(&fields);
    for pair in map
        .unwrap_or_default()
        .split(',')
        .filter(|p| !p.trim().is_empty())
    {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("--map: {pair:?} is not FIELD=SOURCE_FIELD"))?;
        let f = SiteField::parse(k.trim()).ok_or_else(|| {
            format!(
                "--map: no site field {k:?}; use {}",
                SiteField::ALL.map(|f| f.key()).join(", ")
            )
        })?;
        let v = qn_planner::model::text::nfc(v.trim());
        if !fields.contains(&v) {
            return Err(format!(
                "--map: {input} has no field {v:?} (it has {fields:?})"
            ));
        }
        mapping.retain(|(o, _)| *o != f);
        mapping.push((f, v));
    }
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let target = SiteTarget {
        layer,
        status: default_status(layer),
        mapping: &mapping,
        // The data is written in the planner's language (the messages stay English).
        lang: Settings::load().language,
    };
    let read = read_sites(source, crs, &target, &cancel, &mut |_, _| {})
        .map_err(|e| format!("{input}: {e} (the project is unchanged)"))?;
    let mut pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    let mut project = pf.read_project().map_err(|e| e.to_string())?;
    let n = read.sites.len();
    qn_planner::edit::Edit::insert_many(layer, read.sites)
        .apply(&mut pf, &mut project)
        .map_err(|e| format!("{input}: {e} (the project is unchanged)"))?;
    println!(
        "imported {n} sites into {} (table {}) from {} with {} in {:.2} s",
        layer.name_vi(),
        layer.table(),
        read.crs.name(),
        mapping
            .iter()
            .map(|(f, s)| format!("{}={s}", f.key()))
            .collect::<Vec<_>>()
            .join(","),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn cmd_export_layer(args: &[String]) -> Result<(), String> {
    use qn_planner::io::layer_export::export_layer;
    let usage =
        "usage: qn-planner export-layer FILE.gpkg LAYER OUT.{geojson,csv,gpkg} [--crs EPSG:N]";
    let (pos, flags) = parse_valued(args, &["--crs"])?;
    let [file, layer, out] = pos[..] else {
        return Err(usage.into());
    };
    let crs = match flags.iter().find(|(f, _)| *f == "--crs") {
        Some((_, c)) => parse_crs(c)?,
        None => Crs::Wgs84,
    };
    let started = Instant::now();
    let pf = ProjectFile::open(Path::new(file)).map_err(|e| e.to_string())?;
    let s = export_layer(&pf, layer, Path::new(out), crs).map_err(|e| e.to_string())?;
    println!(
        "wrote {} features of {} to {} ({}) in {:.2} s",
        s.features,
        s.table,
        out,
        s.crs.name(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
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

/// Options shared by `export` and `pack`.
struct ExportArgs {
    file: String,
    out: PathBuf,
    scenario: Option<String>,
    year: Option<i32>,
    paper: qn_planner::export::Paper,
    landscape: bool,
    dpi: u32,
    title: Option<String>,
}

fn parse_export_args(args: &[String], usage: &str) -> Result<ExportArgs, String> {
    let mut pos = Vec::new();
    let mut a = ExportArgs {
        file: String::new(),
        out: PathBuf::new(),
        scenario: None,
        year: None,
        paper: qn_planner::export::Paper::A4,
        landscape: true,
        dpi: 150,
        title: None,
    };
    let mut it = args.iter();
    while let Some(x) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or(format!("{name} needs a value\n{usage}"))
        };
        match x.as_str() {
            "--scenario" => a.scenario = Some(value("--scenario")?),
            "--year" => {
                let v = value("--year")?;
                let y: i32 = v.parse().map_err(|_| format!("--year {v} is not a year"))?;
                if !(2005..=2030).contains(&y) {
                    return Err(format!("--year {y} is outside 2005–2030"));
                }
                a.year = Some(y);
            }
            "--paper" => {
                let v = value("--paper")?;
                a.paper = qn_planner::export::Paper::parse(&v)
                    .ok_or(format!("--paper {v}: use a4 or a3"))?;
            }
            "--landscape" => a.landscape = true,
            "--portrait" => a.landscape = false,
            "--dpi" => {
                let v = value("--dpi")?;
                a.dpi = v
                    .parse()
                    .map_err(|_| format!("--dpi {v} is not a number"))?;
                if !(36..=1200).contains(&a.dpi) {
                    return Err(format!("--dpi {} is outside 36–1200", a.dpi));
                }
            }
            "--title" => a.title = Some(value("--title")?),
            o if o.starts_with("--") => return Err(format!("unknown option {o}\n{usage}")),
            p => pos.push(p.to_string()),
        }
    }
    let [file, out] = &pos[..] else {
        return Err(usage.to_string());
    };
    a.file = file.clone();
    a.out = PathBuf::from(out);
    Ok(a)
}

fn today() -> String {
    qn_planner::scenario::now_utc_iso()
        .chars()
        .take(10)
        .collect()
}

fn cmd_export(args: &[String]) -> Result<(), String> {
    use qn_planner::export::{Composer, MapSpec, render};
    let usage = "usage: qn-planner export FILE.gpkg OUT.{png,svg,pdf} [--scenario S] [--year Y] [--paper a4|a3] [--landscape|--portrait] [--dpi N] [--title T]";
    let a = parse_export_args(args, usage)?;
    let ext = a
        .out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !["png", "svg", "pdf"].contains(&ext.as_str()) {
        return Err(format!(
            "{}: the output must end in .png, .svg or .pdf",
            a.out.display()
        ));
    }
    let started = Instant::now();
    let pf = ProjectFile::open(Path::new(&a.file)).map_err(|e| e.to_string())?;
    let project = pf.read_project().map_err(|e| e.to_string())?;
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
    let mut spec = MapSpec::new(
        a.title
            .as_deref()
            .unwrap_or("Quy hoạch khu, cụm công nghiệp tỉnh Quảng Ninh"),
        lang,
    );
    spec.paper = a.paper;
    spec.landscape = a.landscape;
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
    spec.file_label = Path::new(&a.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    spec.date = today();
    spec.reference = qn_planner::export::ReferenceDraw::all_of(&pf).map_err(|e| e.to_string())?;
    spec.raster_dpi = if ext == "png" {
        a.dpi
    } else {
        qn_planner::export::VECTOR_RASTER_DPI
    };
    let page = composer
        .map_page(&project, &spec)
        .map_err(|e| e.to_string())?;
    let bytes = match ext.as_str() {
        "svg" => {
            render::tree(&page).map_err(|e| e.to_string())?;
            page.full_svg()
                .map_err(|e| e.to_string())?
                .into_owned()
                .into_bytes()
        }
        "png" => render::png(&page, a.dpi).map_err(|e| e.to_string())?,
        _ => render::pdf(std::slice::from_ref(&page)).map_err(|e| e.to_string())?,
    };
    render::write_atomic(&a.out, &bytes).map_err(|e| e.to_string())?;
    eprintln!(
        "{}: {} bytes in {} ms",
        a.out.display(),
        bytes.len(),
        started.elapsed().as_millis()
    );
    Ok(())
}

fn cmd_pack(args: &[String]) -> Result<(), String> {
    use qn_planner::export::{Composer, pack, render};
    let usage = "usage: qn-planner pack FILE.gpkg OUT.pdf [--scenario S]";
    let a = parse_export_args(args, usage)?;
    if a.out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
        != Some("pdf")
    {
        return Err(format!("{}: a meeting pack is a .pdf", a.out.display()));
    }
    let started = Instant::now();
    let pf = ProjectFile::open(Path::new(&a.file)).map_err(|e| e.to_string())?;
    let project = pf.read_project().map_err(|e| e.to_string())?;
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
    let file_label = Path::new(&a.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pages = pack::meeting_pack(
        &composer,
        &project,
        &scenario,
        lang,
        &file_label,
        &today(),
        a.paper,
        &qn_planner::export::ReferenceDraw::all_of(&pf).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let bytes = render::pdf(&pages).map_err(|e| e.to_string())?;
    render::write_atomic(&a.out, &bytes).map_err(|e| e.to_string())?;
    eprintln!(
        "{}: {} pages, {} bytes in {} ms",
        a.out.display(),
        pages.len(),
        bytes.len(),
        started.elapsed().as_millis()
    );
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
    let unlinked = pf.unlinked_boundaries().map_err(|e| e.to_string())?;
    if flags.contains(&"--json") {
        let layers: Vec<serde_json::Value> = infos
            .iter()
            .map(|i| {
                serde_json::json!({
                    "table": i.table,
                    "identifier": i.identifier,
                    "data_type": i.data_type,
                    "count": i.count,
                    "geometry_type": i.geometry_type,
                    "extent": extent_json(i.extent),
                })
            })
            .collect();
        let unlinked: Vec<serde_json::Value> = unlinked
            .iter()
            .map(|(t, fid, key)| serde_json::json!({"table": t, "fid": fid, "site_key": key}))
            .collect();
        let out = serde_json::json!({
            "file": file,
            "schema_version": pf.schema_version().map_err(|e| e.to_string())?,
            "srs": "EPSG:4326",
            "layers": layers,
            "unlinked_boundaries": unlinked,
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
                "  {:<28} {:<10} {:<12} {:>4}  {}  {}",
                i.table,
                i.data_type,
                i.geometry_type.as_deref().unwrap_or("-"),
                i.count,
                i.identifier,
                ext
            );
        }
        for (t, fid, key) in &unlinked {
            eprintln!(
                "warning: {t} feature {fid}: its site_key {key:?} names no site, so no site uses this boundary; set the site_key of the site it belongs to"
            );
        }
    }
    Ok(())
}

fn backup_dir() -> Option<PathBuf> {
    settings::data_dir().map(|d| d.join("backups"))
}

/// Opens `path` for editing; a notice (opened read-only elsewhere) goes with it. Messages are
/// in `lang`: the window shows them.
fn open_session(
    path: &Path,
    lang: settings::Language,
) -> Result<(ProjectFile, Option<String>), String> {
    ProjectFile::open_session(path, backup_dir())
        .map(|o| {
            let notice = o.notice_text(lang);
            (o.file, notice)
        })
        .map_err(|e| e.text(lang))
}

/// Finds the project to open when none is given: the last one, else the default one
/// (created from the built-in data on first run).
fn default_project(settings: &Settings) -> (Option<ProjectFile>, Option<String>) {
    let mut error = None;
    if let Some(last) = &settings.last_project
        && last.exists()
    {
        match open_session(last, settings.language) {
            Ok((f, notice)) => return (Some(f), notice),
            Err(e) => error = Some(e),
        }
    }
    let vi = settings.language == settings::Language::Vi;
    let Some(path) = settings::default_project_path() else {
        return (
            None,
            Some(if vi {
                "hệ thống này không có thư mục dữ liệu cho dự án mặc định".into()
            } else {
                "no data folder on this system for the default project".into()
            }),
        );
    };
    if !path.exists() {
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            return (None, Some(format!("{}: {e}", dir.display())));
        }
        if let Err(e) = ProjectFile::create(&path, false) {
            return (None, Some(e.text(settings.language)));
        }
    }
    match open_session(&path, settings.language) {
        Ok((f, notice)) => (Some(f), notice.or(error)),
        Err(e) => (None, Some(e)),
    }
}

fn run_window(file: Option<PathBuf>, started: Instant) -> Result<(), String> {
    let settings = Settings::load();
    let (project, error) = match file {
        Some(p) => match open_session(&p, settings.language) {
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
