//! qn-planner: starts the window, or runs a headless command. The command line is declared
//! with clap (`qn-planner --help`, `qn-planner COMMAND --help`); exit status 0 done, 1 failed,
//! 2 a wrong command line, 3 a sync left conflicts for the planner to decide.

mod cli;

use qn_planner::app::{QnApp, Startup};
use qn_planner::io::crs::Crs;
use qn_planner::settings::{self, Settings};
use qn_planner::store::{LayerInfo, ProjectFile};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// What the exit status means, for scripts.
const EXIT_CODES: &str = "Exit status: 0 done; 1 failed (the message says why; no file is left half-written); 2 the command line was wrong (unknown command or option, a missing or bad value); 3 done, but conflicts wait for the planner's decision (sync, conflicts).";

/// Exit status of a sync (or `conflicts`) that left conflicts open.
const EXIT_CONFLICTS: u8 = 3;

#[derive(clap::Parser)]
#[command(
    name = "qn-planner",
    version,
    about = "Offline planning map of industrial zones and clusters for Quảng Ninh province",
    long_about = "Offline planning map of industrial zones and clusters for Quảng Ninh province. With no command it opens the window on FILE.gpkg, else on the last project, else on the built-in one.",
    args_conflicts_with_subcommands = true,
    after_help = EXIT_CODES
)]
struct Cli {
    /// The project to open in the window (default: the last one, else the built-in one).
    file: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Write a new project seeded from the 2007 report.
    Init {
        /// The project (a qn-planner GeoPackage).
        file: PathBuf,
        /// Overwrite FILE.gpkg if it exists.
        #[arg(long)]
        force: bool,
    },
    /// List the layers with feature counts, geometry types and extents.
    Info {
        /// The project (a qn-planner GeoPackage).
        file: PathBuf,
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// The scenario's indicator table by year, or with --rules each site's verdict under each
    /// rule in force.
    Report {
        /// The project (a qn-planner GeoPackage).
        file: PathBuf,
        /// The scenario (default: the reference one).
        #[arg(long)]
        scenario: Option<String>,
        /// As CSV.
        #[arg(long)]
        csv: bool,
        /// Judge each planning site under the rules in force, with citations.
        #[arg(long)]
        rules: bool,
        /// With --rules: the date (YYYY-MM-DD) whose rules judge the sites the scenario does
        /// not schedule and that have no decision year (default: today).
        #[arg(long, requires = "rules", value_parser = parse_date_arg)]
        date: Option<String>,
    },
    /// A print-quality map (PNG, SVG or PDF, by OUT's extension) on the project's print
    /// layout: paper, scale or extent, title block, draft mark, grid; the options given are
    /// kept in the project for the next export.
    Export(cli::export::ExportArgs),
    /// An atlas of site sheets (PDF): one page per site of a planning layer, its map and its
    /// card, bookmarked by site name; on the project's print layout.
    Atlas(cli::atlas::AtlasArgs),
    /// A meeting pack (PDF): cover, a map per phase, indicators, charts, rules, sources.
    Pack(cli::pack::PackArgs),
    /// Add a reference layer (one transaction), or with --into sites of a planning layer.
    Import {
        /// The project (a qn-planner GeoPackage).
        file: PathBuf,
        /// A GeoJSON, CSV, GeoPackage or Shapefile (.shp) file.
        input: PathBuf,
        /// The layer of a GeoPackage input (the project itself too); else the new layer's name.
        #[arg(long)]
        layer: Option<String>,
        /// The new reference layer's name (default: the GeoPackage layer's, else --layer, else
        /// the file's name).
        #[arg(long, conflicts_with = "into")]
        name: Option<String>,
        /// The input's coordinate system (default: declared, else guessed from the ranges).
        #[arg(long, value_parser = parse_crs)]
        crs: Option<Crs>,
        /// The planning layer the features become sites of.
        #[arg(long)]
        into: Option<String>,
        /// With --into: site fields from input fields, e.g. name=ten,kind=loai.
        #[arg(long, requires = "into")]
        map: Option<String>,
        /// The text encoding of a Shapefile's .dbf: auto (the .cpg, the DBF language byte,
        /// else detected from the text), utf-8, tcvn3, vni, viscii, cp1258 or latin1.
        #[arg(long, value_parser = parse_encoding, default_value = "auto")]
        encoding: EncodingArg,
    },
    /// Fields of a shared layer: `field add FILE LAYER NAME TYPE` adds one (TYPE text, integer
    /// or real); the next sync takes it to the shared plan and every copy.
    Field {
        #[command(subcommand)]
        action: FieldAction,
    },
    /// Write one layer out (GeoJSON RFC 7946, CSV, GeoPackage or Shapefile, by OUT's extension).
    ExportLayer {
        /// The project (a qn-planner GeoPackage).
        file: PathBuf,
        /// The layer: its table name or its name as listed by `info`.
        layer: String,
        /// The file to write (written whole or not at all).
        out: PathBuf,
        /// The output's coordinate system (GeoJSON, CSV and Shapefile; default EPSG:4326).
        #[arg(long, value_parser = parse_crs, default_value = "EPSG:4326")]
        crs: Crs,
    },
    /// A layer's style (QGIS QML, kept in the file's layer_styles table): bring one in with
    /// --from, write it out with --to; alone, describe it.
    Style {
        /// The project (a qn-planner GeoPackage).
        file: PathBuf,
        /// The layer: its table name or its name as listed by `info`.
        layer: String,
        /// A QML file (single, categorised or graduated symbols and simple labels; what
        /// lies outside that is listed as ignored).
        #[arg(long, conflicts_with = "to")]
        from: Option<PathBuf>,
        /// The QML file to write (written whole or not at all).
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Make a new GeoPackage (a laptop's copy) from the department's shared plan.
    Clone {
        /// postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE
        url: String,
        /// The new project file (must not exist).
        file: PathBuf,
    },
    /// Sync a copy with the shared plan: push this copy's edits, pull the others', merge per
    /// field; a field changed on both sides to different values is a conflict, kept for the
    /// planner (exit status 3 while any is open).
    Sync {
        /// The project (a copy made by `clone`).
        file: PathBuf,
        /// postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (default: the last one used; the
        /// password is never stored: give it in the URL, PGPASSWORD or ~/.pgpass).
        #[arg(conflicts_with_all = ["export_changes", "import_changes"])]
        url: Option<String>,
        /// With no network: write the operations the server has not acknowledged, with the
        /// values they set, to OUT.qnchanges (for another laptop's --import-changes).
        #[arg(long, value_name = "OUT.qnchanges", conflicts_with = "import_changes")]
        export_changes: Option<PathBuf>,
        /// With no network: merge a bundle written by --export-changes (idempotent, the same
        /// merge and conflicts as a sync).
        #[arg(long, value_name = "IN.qnchanges")]
        import_changes: Option<PathBuf>,
    },
    /// List the conflicts that wait for a decision (exit status 3 while any is open).
    Conflicts {
        /// The project.
        file: PathBuf,
    },
    /// Decide a conflict (its number from `conflicts`): keep mine, take theirs, or a value.
    /// The decision is an edit of the copy and goes to the server at the next sync.
    #[command(group(clap::ArgGroup::new("decision").required(true).args(["mine", "theirs", "value"])))]
    Resolve {
        /// The project.
        file: PathBuf,
        /// The conflict's number.
        id: i64,
        /// Keep this copy's value (or its deletion).
        #[arg(long)]
        mine: bool,
        /// Take the server's value (or its deletion).
        #[arg(long)]
        theirs: bool,
        /// Set this value instead (a field conflict, not a geometry).
        #[arg(long)]
        value: Option<String>,
    },
    /// The department's shared plan in PostgreSQL/PostGIS.
    Server {
        #[command(subcommand)]
        action: ServerAction,
    },
}

#[derive(clap::Subcommand)]
enum FieldAction {
    /// Add a field to a layer of the project (and, at the next sync, to the shared plan).
    Add {
        /// The project (a qn-planner GeoPackage).
        file: PathBuf,
        /// The layer: its table name (e.g. proposed_clusters).
        layer: String,
        /// The new field's name.
        name: String,
        /// text, integer or real.
        #[arg(value_parser = ["text", "integer", "real"])]
        kind: String,
    },
}

#[derive(clap::Subcommand)]
enum ServerAction {
    /// Publish a project as the department's plan in an empty PostgreSQL database with
    /// PostGIS (the password from the URL or PGPASSWORD; it is never stored).
    Init {
        /// postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE
        url: String,
        /// The project to publish (a qn-planner GeoPackage).
        file: PathBuf,
    },
    /// Share a reference layer of a project (cadastral parcels, district plans) on the shared
    /// plan: every copy receives it at its next clone or sync.
    Share {
        /// postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE
        url: String,
        /// The project holding the layer.
        file: PathBuf,
        /// The reference layer: its table or its title (see `info`).
        layer: String,
    },
    /// Bring a plan published by an older qn-planner (server schema 2) up to this version's:
    /// defaults, rules, cascades, the append-only log, the plan's identity. Run it as the role
    /// that published the plan (a sync does it by itself when its role may).
    Upgrade {
        /// postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE
        url: String,
        /// Any project of this qn-planner (its tables say which columns may not be empty).
        file: PathBuf,
    },
}

fn parse_date_arg(s: &str) -> Result<String, String> {
    match qn_planner::model::validate::parse_date(s) {
        Ok(Some(d)) => Ok(d),
        Ok(None) => Err("a date is needed (YYYY-MM-DD)".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Writes a line of a command's output. A reader that closed the pipe (`report | head`) ends
/// the command quietly with success: it has all it wanted.
fn emit(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(text).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("qn-planner: standard output: {e}");
        std::process::exit(1);
    }
}

/// `println!` through [`emit`].
macro_rules! out {
    () => { emit(format_args!("\n")) };
    ($($t:tt)*) => { emit(format_args!("{}\n", format_args!($($t)*))) };
}

/// `print!` through [`emit`].
macro_rules! out_raw {
    ($($t:tt)*) => { emit(format_args!($($t)*)) };
}

fn main() -> ExitCode {
    use clap::Parser;
    let started = Instant::now();
    let cli = Cli::parse();
    let done = |r: Result<(), String>| r.map(|()| ExitCode::SUCCESS);
    let result = match cli.command {
        Some(Command::Init { file, force }) => done(cmd_init(&file, force)),
        Some(Command::Info { file, json }) => done(cmd_info(&file, json)),
        Some(Command::Report {
            file,
            scenario,
            csv,
            rules,
            date,
        }) => done(cmd_report(&file, scenario.as_deref(), csv, rules, date)),
        Some(Command::Export(args)) => done(cli::export::run(args)),
        Some(Command::Atlas(args)) => done(cli::atlas::run(args)),
        Some(Command::Pack(args)) => done(cli::pack::run(args)),
        Some(Command::Import {
            file,
            input,
            layer,
            name,
            crs,
            into,
            map,
            encoding,
        }) => done(cmd_import(
            &file,
            &input,
            layer.as_deref(),
            name.as_deref(),
            crs,
            into.as_deref(),
            map.as_deref(),
            encoding.0,
        )),
        Some(Command::ExportLayer {
            file,
            layer,
            out,
            crs,
        }) => done(cmd_export_layer(&file, &layer, &out, crs)),
        Some(Command::Style {
            file,
            layer,
            from,
            to,
        }) => done(cmd_style(&file, &layer, from.as_deref(), to.as_deref())),
        Some(Command::Server {
            action: ServerAction::Init { url, file },
        }) => done(cmd_server_init(&url, &file)),
        Some(Command::Server {
            action: ServerAction::Share { url, file, layer },
        }) => done(cmd_server_share(&url, &file, &layer)),
        Some(Command::Server {
            action: ServerAction::Upgrade { url, file },
        }) => done(cmd_server_upgrade(&url, &file)),
        Some(Command::Field {
            action:
                FieldAction::Add {
                    file,
                    layer,
                    name,
                    kind,
                },
        }) => done(cmd_field_add(&file, &layer, &name, &kind)),
        Some(Command::Clone { url, file }) => done(cmd_clone(&url, &file)),
        Some(Command::Sync {
            file,
            export_changes: Some(out),
            ..
        }) => done(cmd_export_changes(&file, &out)),
        Some(Command::Sync {
            file,
            import_changes: Some(input),
            ..
        }) => cmd_import_changes(&file, &input),
        Some(Command::Sync { file, url, .. }) => cmd_sync(&file, url.as_deref()),
        Some(Command::Conflicts { file }) => cmd_conflicts(&file),
        Some(Command::Resolve {
            file,
            id,
            mine,
            theirs: _,
            value,
        }) => done(cmd_resolve(&file, id, mine, value)),
        None => done(run_window(cli.file, started)),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("qn-planner: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn parse_crs(s: &str) -> Result<Crs, String> {
    Crs::parse(s).ok_or_else(|| {
        format!(
            "unknown coordinate system {s:?}; use one of {}",
            Crs::ALL
                .iter()
                .filter_map(|c| c.epsg())
                .map(|c| format!("EPSG:{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// `--encoding`: `None` for auto.
#[derive(Debug, Clone, Copy)]
struct EncodingArg(Option<qn_planner::io::encoding::Encoding>);

fn parse_encoding(s: &str) -> Result<EncodingArg, String> {
    use qn_planner::io::encoding::Encoding;
    if s.eq_ignore_ascii_case("auto") {
        return Ok(EncodingArg(None));
    }
    Encoding::parse(s)
        .map(|e| EncodingArg(Some(e)))
        .ok_or_else(|| {
            format!("unknown encoding {s:?}; use auto, utf-8, tcvn3, vni, viscii, cp1258 or latin1")
        })
}

#[allow(clippy::too_many_arguments)]
fn cmd_import(
    file: &Path,
    input: &Path,
    layer: Option<&str>,
    new_name: Option<&str>,
    crs: Option<Crs>,
    into: Option<&str>,
    map: Option<&str>,
    encoding: Option<qn_planner::io::encoding::Encoding>,
) -> Result<(), String> {
    use qn_planner::io::import::Source;
    use std::sync::atomic::AtomicBool;
    let unchanged = |e: qn_planner::io::import::ImportError| {
        if e.names_a_file() {
            format!("{e} (the project is unchanged)")
        } else {
            format!("{}: {e} (the project is unchanged)", input.display())
        }
    };
    let source = Source::from_path(input, layer)
        .map_err(unchanged)?
        .with_encoding(encoding);
    let started = Instant::now();
    if let Some(into) = into {
        return import_into_planning(file, &source, crs, into, map, started);
    }
    let name = match (new_name, &source, layer) {
        (Some(n), _, _) => n.to_string(),
        (None, Source::Gpkg { layer, .. }, _) => layer.clone(),
        (None, _, Some(n)) => n.to_string(),
        _ => input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "reference".into()),
    };
    let mut pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    // The change log names the login that made the edit.
    pf.set_author(&Settings::load().author_name());
    const COLOURS: [&str; 6] = [
        "#7a5195", "#ef5675", "#2f4b7c", "#ffa600", "#665191", "#a05195",
    ];
    let used = pf.reference_layers().map_err(|e| e.to_string())?.len();
    let cancel = AtomicBool::new(false);
    let (summary, aside) = qn_planner::io::import_layer::import_aside(
        &mut pf,
        &source,
        crs,
        &name,
        COLOURS[used % COLOURS.len()],
        &cancel,
        &mut |_, _| {},
    )
    .map_err(unchanged)?;
    // The rows are written aside; the same edit the window's history applies brings them in.
    let mut model = pf.read_project().map_err(|e| e.to_string())?;
    qn_planner::edit::History::default()
        .apply(
            qn_planner::edit::Edit::ReferenceLayer {
                table: summary.table.clone(),
                bring_back: Some(Box::new(aside)),
            },
            None,
            &mut pf,
            &mut model,
        )
        .map_err(|e| format!("{e} (the project is unchanged)"))?;
    out!(
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
    if let Some(c) = &summary.encoding {
        out!("text encoding: {}", c.explain(false));
    }
    for n in &summary.notes {
        out!("note: {n}");
    }
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
    // The change log names the login that made the edit.
    pf.set_author(&Settings::load().author_name());
    let mut project = pf.read_project().map_err(|e| e.to_string())?;
    let n = read.sites.len();
    qn_planner::edit::Edit::insert_many(layer, read.sites)
        .apply(&mut pf, &mut project)
        .map_err(|e| format!("{input}: {e} (the project is unchanged)"))?;
    out!(
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
    if let Some(c) = &read.encoding {
        out!("text encoding: {}", c.explain(false));
    }
    for n in &read.notes {
        out!("note: {n}");
    }
    Ok(())
}

fn cmd_export_layer(file: &Path, layer: &str, out: &Path, crs: Crs) -> Result<(), String> {
    use qn_planner::io::layer_export::export_layer;
    let started = Instant::now();
    let pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    let s = export_layer(&pf, layer, out, crs).map_err(|e| e.to_string())?;
    out!(
        "wrote {} features of {} to {} ({}) in {:.2} s",
        s.features,
        s.table,
        out.display(),
        s.crs.name(),
        started.elapsed().as_secs_f64()
    );
    if let Some(shp) = &s.shapefile {
        if shp.files.len() > 1 {
            out!("a Shapefile holds one shape type; this layer went to:");
        }
        for (path, family, n) in &shp.files {
            out!(
                "  {}: {n} {family:?} features (with .shx, .dbf, .prj, .cpg UTF-8)",
                path.display()
            );
        }
        for (name, short) in &shp.renamed {
            out!("  field {name:?} → DBF field {short:?} (10-byte names)");
        }
        if shp.truncated > 0 {
            out!(
                "  {} texts longer than 254 bytes cut (the DBF limit)",
                shp.truncated
            );
        }
    }
    Ok(())
}

fn cmd_style(
    file: &Path,
    layer: &str,
    from: Option<&Path>,
    to: Option<&Path>,
) -> Result<(), String> {
    use qn_planner::io::style;
    let mut pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    let mut project = pf.read_project().map_err(|e| e.to_string())?;
    if let Some(input) = from {
        let text = style::read_file(input).map_err(|e| e.to_string())?;
        let got = style::from_qml(&pf, &project, layer, &text, &input.display().to_string())
            .map_err(|e| e.to_string())?;
        let edit = qn_planner::edit::Edit::Style {
            table: got.table.clone(),
            before: project.styles.get(&got.table).cloned().map(Box::new),
            after: Some(Box::new(got.style.clone())),
        };
        edit.apply(&mut pf, &mut project)
            .map_err(|e| e.to_string())?;
        out!("{}: {}", got.table, describe_style(&got.style));
        for i in &got.ignored {
            out!("ignored: {i}");
        }
    } else if let Some(out) = to {
        let qml = style::to_qml(&pf, &project, layer).map_err(|e| e.to_string())?;
        style::write_file(out, &qml).map_err(|e| e.to_string())?;
        out!("wrote the style of {layer} to {}", out.display());
    } else {
        let t = style::target(&pf, layer).map_err(|e| e.to_string())?;
        let s = style::current(&pf, &project, &t).map_err(|e| e.to_string())?;
        let own = if project.styles.contains_key(&t.table) {
            "its own style"
        } else {
            "the default look"
        };
        out!("{} ({own}): {}", t.table, describe_style(&s));
    }
    Ok(())
}

/// One line about a style: its renderer, classes and labels.
fn describe_style(s: &qn_planner::model::style::LayerStyle) -> String {
    use qn_planner::model::style::Renderer;
    let hex = |c: [u8; 3]| qn_planner::model::palette::hex(c);
    let what = match &s.renderer {
        Renderer::Single(sym) => format!("single symbol {}", hex(sym.fill)),
        Renderer::Categorised {
            field,
            categories,
            other,
        } => format!(
            "categorised by {field}: {}{}",
            categories
                .iter()
                .map(|c| format!("{} {}", c.value, hex(c.symbol.fill)))
                .collect::<Vec<_>>()
                .join(", "),
            other
                .as_ref()
                .map(|o| format!("; all other values {}", hex(o.symbol.fill)))
                .unwrap_or_default()
        ),
        Renderer::Graduated {
            field,
            method,
            classes,
            ..
        } => format!(
            "graduated by {field} ({}, {} classes): {}",
            method.qgis(),
            classes.len(),
            classes
                .iter()
                .map(|c| format!("{} {}", c.label, hex(c.symbol.fill)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let labels = match &s.labels.field {
        Some(f) => format!("; labels: {f}"),
        None => "; no labels".into(),
    };
    format!("{what}{labels}")
}

fn cmd_init(path: &Path, force: bool) -> Result<(), String> {
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

fn cmd_report(
    path: &Path,
    scenario: Option<&str>,
    csv: bool,
    rules: bool,
    date: Option<String>,
) -> Result<(), String> {
    let file = path.display().to_string();
    let pf = ProjectFile::open(path).map_err(|e| e.to_string())?;
    let project = pf.read_project().map_err(|e| e.to_string())?;
    note_unread(&project);
    let s = match scenario {
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
        return report_rules(&file, &project, s, csv, &date.unwrap_or_else(today));
    }
    let years: Vec<i32> =
        (qn_planner::scenario::FIRST_YEAR..=qn_planner::scenario::LAST_YEAR).collect();
    if csv {
        out_raw!(
            "{}",
            qn_planner::scenario::indicator_csv(s, &project, &years)
        );
        return Ok(());
    }
    out!(
        "{file}: scenario “{}”{}",
        s.name,
        if s.is_reference { " (reference)" } else { "" }
    );
    out!(
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
        out!(
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
    out!(
        "output in bn VND (giá trị sản xuất công nghiệp); land: known ha + sites with no known land; \
         funds: extension funds, bn VND; leverage: social capital per VND of funds"
    );
    for y in qn_planner::scenario::FIRST_YEAR..=qn_planner::scenario::LAST_YEAR {
        if let Some(a) = qn_planner::scenario::reported_output(&project, y) {
            let plan = qn_planner::scenario::indicators(s, &project, y).output_bn_vnd;
            out!(
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
    unscheduled_on: &str,
) -> Result<(), String> {
    let tm3 = qn_planner::io::crs::Tm3::new().map_err(|e| e.to_string())?;
    if csv {
        out!("site_table,fid,name,year,check,rule_key,verdict,detail,citation,accepted_reason");
    } else {
        out!("{file}: rules for scenario “{}”", s.name);
    }
    // A site the scenario does not schedule and that has no decision year is judged by the
    // rules in force on `unscheduled_on` (--date, default today).
    let (sites, tally) =
        qn_planner::analysis::rules::compliance(project, Some(s), Some(unscheduled_on), Some(&tm3));
    for c in &sites {
        let Some((year, date)) = &c.judged else {
            continue;
        };
        if !csv {
            out!(
                "{} ({} fid {}), judged on {date}{}",
                c.name,
                c.layer.table(),
                c.fid,
                if c.by_given_date {
                    " (not scheduled in this scenario and no decision year: the rules of --date)"
                } else {
                    ""
                }
            );
        }
        for (r, acc) in c.results.iter().zip(&c.accepted) {
            if csv {
                out_raw!(
                    "{}",
                    qn_planner::model::text::csv_row([
                        c.layer.table(),
                        &c.fid.to_string(),
                        &c.name,
                        &year.to_string(),
                        r.check.as_str(),
                        &r.rule_key,
                        r.verdict.as_str(),
                        &r.detail.to_string(),
                        &r.citation,
                        acc,
                    ])
                );
            } else {
                out!(
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
        out!(
            "{} failed rule(s) not accepted, {} accepted with a reason",
            tally.failed,
            tally.accepted
        );
    }
    Ok(())
}

/// The options of `export`.
fn today() -> String {
    qn_planner::scenario::now_utc_iso()
        .chars()
        .take(10)
        .collect()
}

fn extent_json(e: Option<(f64, f64, f64, f64)>) -> serde_json::Value {
    match e {
        Some((a, b, c, d)) => serde_json::json!([a, b, c, d]),
        None => serde_json::Value::Null,
    }
}

fn cmd_info(path: &Path, json: bool) -> Result<(), String> {
    let file = path.display().to_string();
    let pf = ProjectFile::open(path).map_err(|e| e.to_string())?;
    let infos: Vec<LayerInfo> = pf.layer_infos().map_err(|e| e.to_string())?;
    let unlinked = pf.unlinked_boundaries().map_err(|e| e.to_string())?;
    let foreign = pf.foreign_tables().map_err(|e| e.to_string())?;
    if json {
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
            "other_tables": foreign.iter().map(|f| f.table.clone()).collect::<Vec<_>>(),
        });
        out!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
    } else {
        out!(
            "{file} (qn-planner schema {})",
            pf.schema_version().map_err(|e| e.to_string())?
        );
        for i in infos {
            let ext = match i.extent {
                Some((a, b, c, d)) => format!("extent {a:.5},{b:.5} – {c:.5},{d:.5} (EPSG:4326)"),
                None => "no extent".into(),
            };
            out!(
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
        for f in &foreign {
            if f.features {
                out!(
                    "note: {} was written by another program (QGIS, GDAL…) and is not drawn by qn-planner; `qn-planner import {file} {file} --layer {} --name NAME` makes it a reference layer",
                    f.table,
                    f.table
                );
            } else {
                out!(
                    "note: {} is a table another program wrote (no geometry); qn-planner leaves it as it is",
                    f.table
                );
            }
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
    #[cfg(windows)]
    hide_own_console();
    let mut viewport = egui::ViewportBuilder::default();
    if let Some(icon) = qn_planner::app::window_icon() {
        viewport = viewport.with_icon(std::sync::Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        viewport: viewport
            .with_title("qn-planner")
            .with_app_id("qn-planner")
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

/// Windows: qn-planner.exe is a console program, so that its commands print in cmd and
/// PowerShell; started from the Start menu or Explorer it is given a console window of its
/// own, which the map window then closes. A console shared with the shell that started it is
/// left alone (messages still reach it).
#[cfg(windows)]
fn hide_own_console() {
    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
        fn FreeConsole() -> i32;
    }
    let mut ids = [0u32; 2];
    // SAFETY: `ids` holds the 2 process ids the call is told it may write.
    let attached = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), 2) };
    if attached == 1 {
        // SAFETY: detaching from a console has no precondition.
        unsafe {
            FreeConsole();
        }
    }
}

/// `server init URL FILE.gpkg`: the project becomes the department's plan in PostGIS.
fn cmd_server_init(url: &str, file: &Path) -> Result<(), String> {
    let started = Instant::now();
    let mut pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    let p = qn_planner::server::init(url, &mut pf)
        .map_err(|e| format!("{e} (nothing was published)"))?;
    for (t, n) in &p.tables {
        out!("published {t}: {n} rows");
    }
    if p.unkeyed > 0 {
        out!(
            "left out {} rows with no key (boundaries never linked to a site)",
            p.unkeyed
        );
    }
    if p.roles {
        out!("roles qn_editor (edits the plan) and qn_viewer (reads it) are granted their rights");
    } else {
        out!(
            "no roles made (this role may not create roles): grant them as README \"Adding a planner\" says"
        );
    }
    out!(
        "{} is the shared plan now: {} ({} tables, {:.2} s); {} is its first copy",
        qn_planner::server::safe_url(url),
        p.plan.describe(),
        p.tables.len(),
        started.elapsed().as_secs_f64(),
        file.display()
    );
    Ok(())
}

/// `field add FILE LAYER NAME TYPE`: a field added to a shared layer.
fn cmd_field_add(file: &Path, layer: &str, name: &str, kind: &str) -> Result<(), String> {
    let mut pf = open_for_merge(file)?;
    pf.set_author(&Settings::load().author_name());
    let table = pf
        .resolve_feature_table(layer)
        .map_err(|e| e.to_string())?
        .unwrap_or_else(|| layer.to_string());
    pf.add_field(&table, name, kind)
        .map_err(|e| e.to_string())?;
    let linked = pf.meta("server_url").map_err(|e| e.to_string())?.is_some();
    out!(
        "{}: field {name} ({kind}) added to {table}{}",
        file.display(),
        if linked {
            "; the next sync takes it to the shared plan"
        } else {
            ""
        }
    );
    Ok(())
}

/// `server upgrade URL FILE.gpkg`: a plan of server schema 2 brought to this version's.
fn cmd_server_upgrade(url: &str, file: &Path) -> Result<(), String> {
    let pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    let plan = qn_planner::server::upgrade(url, &pf).map_err(|e| e.to_string())?;
    out!(
        "{}: schema {}, {}",
        qn_planner::server::safe_url(url),
        qn_planner::server::SERVER_SCHEMA_VERSION,
        plan.describe()
    );
    Ok(())
}

/// Says on stderr which values of the project qn-planner does not know (read as they are).
fn note_unread(project: &qn_planner::model::Project) {
    for n in project.unread_notes() {
        eprintln!("qn-planner: note: {n}");
    }
}

/// Says on stderr which stored styles cannot be read (their layers are drawn in the default
/// look; the command goes on).
fn note_style_problems(pf: &ProjectFile) {
    if let Ok(problems) = pf.style_problems() {
        for (table, e) in problems {
            eprintln!(
                "qn-planner: note: the style of {table} cannot be read ({e}); drawn in its default look"
            );
        }
    }
}

/// One line per conflict, for `sync` and `conflicts`.
fn conflict_line(c: &qn_planner::store::sync::Conflict) -> String {
    use qn_planner::store::Cell;
    let v = |c: &Cell| match c {
        Cell::Null => "(empty)".to_string(),
        Cell::Int(i) => i.to_string(),
        Cell::Real(r) => r.to_string(),
        Cell::Text(t) => format!("«{t}»"),
        Cell::Wkb(w) => match qn_planner::store::sync::geometry_of_wkb(w) {
            Some(geo_types::Geometry::Point(p)) => format!("POINT({:.6} {:.6})", p.x(), p.y()),
            Some(g) => format!("(area of {} vertices)", geo::CoordsIter::coords_count(&g)),
            None => "(unreadable geometry)".into(),
        },
    };
    let by = match (&c.theirs_author, &c.theirs_at) {
        (Some(a), Some(t)) => format!(" (theirs by {a}, {t})"),
        (None, Some(t)) => format!(" (theirs {t})"),
        _ => String::new(),
    };
    let what = if c.field == "*" {
        match (c.mine_deleted, c.theirs_deleted) {
            (true, _) => "deleted here, changed on the server".to_string(),
            (_, true) => "changed here, deleted on the server".to_string(),
            _ => "record".to_string(),
        }
    } else {
        format!(
            "{}: base {}, mine {}, theirs {}",
            c.field,
            v(&c.base),
            v(&c.mine),
            v(&c.theirs)
        )
    };
    let why = c
        .reason
        .as_ref()
        .map(|r| format!("; set aside: the server's value breaks a rule ({r})"))
        .unwrap_or_default();
    format!(
        "conflict {}: {} {} {what}{by}{why}",
        c.id, c.table, c.record_key
    )
}

/// Opens `file` for a command that merges into it (sync, resolve, a bundle): refused while a
/// qn-planner window has it open, whose project in memory would not know what came in.
fn open_for_merge(file: &Path) -> Result<ProjectFile, String> {
    let o = ProjectFile::open_session(file, None).map_err(|e| e.to_string())?;
    if o.notice.is_some() {
        return Err(format!(
            "{}: open in a qn-planner window; sync from that window (the status bar's Sync), or close it first (nothing was done)",
            file.display()
        ));
    }
    Ok(o.file)
}

/// `sync FILE.gpkg [URL]`: push, pull, merge; exit status 3 while conflicts are open.
fn cmd_sync(file: &Path, url: Option<&str>) -> Result<ExitCode, String> {
    let started = Instant::now();
    let mut pf = open_for_merge(file)?;
    pf.set_author(&Settings::load().author_name());
    let url = match url {
        Some(u) => u.to_string(),
        None => pf
            .meta("server_url")
            .map_err(|e| e.to_string())?
            .ok_or_else(|| {
                format!(
                    "{}: no server known for this project; give its URL once (sync FILE.gpkg URL)",
                    file.display()
                )
            })?,
    };
    let r = qn_planner::server::sync::sync(&url, &mut pf).map_err(|e| e.to_string())?;
    for c in &r.open {
        out!("{}", conflict_line(c));
    }
    for (name, n) in &r.layers {
        out!("received the shared layer {name} ({n} features)");
    }
    if let Some(e) = &r.layer_error {
        eprintln!("qn-planner: a shared layer could not be received: {e}");
    }
    if let Some(why) = &r.push_refused {
        out!("push refused by the server ({why}): this role may only read; nothing was sent");
    }
    out!(
        "synced {} with {}: {} operations pushed, {} records pulled, {} new conflicts, {} open (server operation {}) in {:.2} s",
        file.display(),
        qn_planner::server::safe_url(&url),
        r.pushed,
        r.pulled,
        r.new_conflicts,
        r.open.len(),
        r.server_seq,
        started.elapsed().as_secs_f64()
    );
    Ok(if r.open.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_CONFLICTS)
    })
}

/// `sync FILE.gpkg --export-changes OUT.qnchanges`.
fn cmd_export_changes(file: &Path, out: &Path) -> Result<(), String> {
    let pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    let author = Settings::load().author_name();
    let e = qn_planner::sync::bundle::export(&pf, out, Some(&author)).map_err(|e| e.to_string())?;
    out!(
        "{}: {} operations on {} records, for --import-changes on another copy",
        out.display(),
        e.operations,
        e.records
    );
    Ok(())
}

/// `sync FILE.gpkg --import-changes IN.qnchanges`: exit status 3 while conflicts are open.
fn cmd_import_changes(file: &Path, input: &Path) -> Result<ExitCode, String> {
    let mut pf = open_for_merge(file)?;
    pf.set_author(&Settings::load().author_name());
    let r = qn_planner::sync::bundle::import(&mut pf, input).map_err(|e| e.to_string())?;
    for c in &r.open {
        out!("{}", conflict_line(c));
    }
    out!(
        "{}: {} operations ({} already here), {} records changed, {} new conflicts, {} open",
        input.display(),
        r.operations,
        r.known,
        r.applied,
        r.new_conflicts,
        r.open.len()
    );
    Ok(if r.open.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_CONFLICTS)
    })
}

/// `conflicts FILE.gpkg`: the open conflicts, one a line; exit status 3 while any is open.
fn cmd_conflicts(file: &Path) -> Result<ExitCode, String> {
    let pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    let open: Vec<_> = pf
        .conflicts()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|c| c.resolution.is_none())
        .collect();
    for c in &open {
        out!("{}", conflict_line(c));
    }
    if open.is_empty() {
        out!("no open conflicts");
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(EXIT_CONFLICTS))
    }
}

/// `resolve FILE.gpkg ID --mine|--theirs|--value V`.
fn cmd_resolve(file: &Path, id: i64, mine: bool, value: Option<String>) -> Result<(), String> {
    use qn_planner::store::sync::Decision;
    let mut pf = open_for_merge(file)?;
    pf.set_author(&Settings::load().author_name());
    let decision = match (mine, value) {
        (true, _) => Decision::Mine,
        (false, Some(v)) => Decision::Value(qn_planner::store::Cell::Text(
            qn_planner::model::text::nfc(v.trim()),
        )),
        (false, None) => Decision::Theirs,
    };
    pf.resolve_conflict(id, &decision)
        .map_err(|e| e.to_string())?;
    out!("conflict {id} decided; the decision goes to the server at the next sync");
    Ok(())
}

/// `server share URL FILE.gpkg LAYER`.
fn cmd_server_share(url: &str, file: &Path, layer: &str) -> Result<(), String> {
    let started = Instant::now();
    let mut pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    let author = Settings::load().author_name();
    let l = qn_planner::server::layers::share(url, &mut pf, layer, Some(&author))
        .map_err(|e| format!("{e} (nothing was shared)"))?;
    out!(
        "shared {} ({}, {} features) on {} in {:.2} s",
        l.name,
        l.table,
        l.features,
        qn_planner::server::safe_url(url),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `clone URL NEW.gpkg`: a laptop's copy of the shared plan.
fn cmd_clone(url: &str, file: &Path) -> Result<(), String> {
    let started = Instant::now();
    let c = qn_planner::server::clone(url, file).map_err(|e| e.to_string())?;
    let rows: usize = c.tables.iter().map(|(_, n)| n).sum();
    for (name, n) in &c.layers {
        out!("received the shared layer {name} ({n} features)");
    }
    out!(
        "{}: {} tables, {rows} rows from {} (server operation {}) in {:.2} s",
        file.display(),
        c.tables.len(),
        qn_planner::server::safe_url(url),
        c.server_seq,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
