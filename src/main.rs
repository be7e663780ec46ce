//! qn-planner: starts the window, or runs a headless command. The command line is declared
//! with clap (`qn-planner --help`, `qn-planner COMMAND --help`), each command in its own file
//! under `src/cli/` beside its handler; this file only dispatches. Exit status 0 done,
//! 1 failed, 2 a wrong command line, 3 a sync left conflicts for the planner to decide.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// What the exit status means, for scripts.
const EXIT_CODES: &str = "Exit status: 0 done; 1 failed (the message says why; no file is left half-written); 2 the command line was wrong (unknown command or option, a missing or bad value); 3 done, but conflicts wait for the planner's decision (sync, conflicts).";

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
    Init(cli::init::InitArgs),
    /// List the layers with feature counts, geometry types and extents.
    Info(cli::info::InfoArgs),
    /// The scenario's indicator table by year, or with --rules each site's verdict under each
    /// rule in force.
    Report(cli::report::ReportArgs),
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
    Import(cli::import::ImportArgs),
    /// Fields of a shared layer: `field add FILE LAYER NAME TYPE` adds one (TYPE text, integer
    /// or real); the next sync takes it to the shared plan and every copy.
    Field {
        #[command(subcommand)]
        action: cli::field::FieldAction,
    },
    /// Write one layer out (GeoJSON RFC 7946, CSV, GeoPackage or Shapefile, by OUT's extension).
    ExportLayer(cli::export_layer::ExportLayerArgs),
    /// A layer's style (QGIS QML, kept in the file's layer_styles table): bring one in with
    /// --from, write it out with --to; alone, describe it.
    Style(cli::style::StyleArgs),
    /// Make a new GeoPackage (a laptop's copy) from the department's shared plan.
    Clone(cli::sync::CloneArgs),
    /// Sync a copy with the shared plan: push this copy's edits, pull the others', merge per
    /// field; a field changed on both sides to different values is a conflict, kept for the
    /// planner (exit status 3 while any is open).
    Sync(cli::sync::SyncArgs),
    /// List the conflicts that wait for a decision (exit status 3 while any is open).
    Conflicts(cli::sync::ConflictsArgs),
    /// Decide a conflict (its number from `conflicts`): keep mine, take theirs, or a value.
    /// The decision is an edit of the copy and goes to the server at the next sync.
    Resolve(cli::sync::ResolveArgs),
    /// The department's shared plan in PostgreSQL/PostGIS.
    Server {
        #[command(subcommand)]
        action: cli::server::ServerAction,
    },
}

fn main() -> ExitCode {
    use clap::Parser;
    let started = Instant::now();
    let cli = Cli::parse();
    let done = |r: Result<(), String>| r.map(|()| ExitCode::SUCCESS);
    let result = match cli.command {
        Some(Command::Init(a)) => done(cli::init::run(a)),
        Some(Command::Info(a)) => done(cli::info::run(a)),
        Some(Command::Report(a)) => done(cli::report::run(a)),
        Some(Command::Export(a)) => done(cli::export::run(a)),
        Some(Command::Atlas(a)) => done(cli::atlas::run(a)),
        Some(Command::Pack(a)) => done(cli::pack::run(a)),
        Some(Command::Import(a)) => done(cli::import::run(a)),
        Some(Command::Field { action }) => done(cli::field::run(action)),
        Some(Command::ExportLayer(a)) => done(cli::export_layer::run(a)),
        Some(Command::Style(a)) => done(cli::style::run(a)),
        Some(Command::Clone(a)) => cli::sync::run_clone(a),
        Some(Command::Sync(a)) => cli::sync::run_sync(a),
        Some(Command::Conflicts(a)) => cli::sync::run_conflicts(a),
        Some(Command::Resolve(a)) => cli::sync::run_resolve(a),
        Some(Command::Server { action }) => done(cli::server::run(action)),
        None => done(qn_planner::app::launch::run_window(cli.file, started)),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("qn-planner: {msg}");
            ExitCode::FAILURE
        }
    }
}
