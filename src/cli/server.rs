//! `qn-planner server init|share|upgrade`: the department's shared plan in PostgreSQL/PostGIS.

use qn_planner::settings::Settings;
use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Subcommand)]
pub enum ServerAction {
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

pub fn run(action: ServerAction) -> Result<(), String> {
    match action {
        ServerAction::Init { url, file } => init(&url, &file),
        ServerAction::Share { url, file, layer } => share(&url, &file, &layer),
        ServerAction::Upgrade { url, file } => upgrade(&url, &file),
    }
}

/// `server init URL FILE.gpkg`: the project becomes the department's plan in PostGIS.
fn init(url: &str, file: &Path) -> Result<(), String> {
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
            "no roles made (this role may not create roles): grant them as docs/guide/sync.md \"Adding a planner\" says"
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

/// `server share URL FILE.gpkg LAYER`.
fn share(url: &str, file: &Path, layer: &str) -> Result<(), String> {
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

/// `server upgrade URL FILE.gpkg`: a plan of server schema 2 brought to this version's.
fn upgrade(url: &str, file: &Path) -> Result<(), String> {
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
