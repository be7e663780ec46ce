//! The commands of a laptop's copy of the shared plan: `clone`, `sync` (also with no network,
//! through `--export-changes`/`--import-changes` bundles), `conflicts`, `resolve`. Exit status 3
//! while conflicts wait for the planner.

use super::{EXIT_CONFLICTS, open_for_merge};
use qn_planner::settings::Settings;
use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct CloneArgs {
    /// postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE
    url: String,
    /// The new project file (must not exist).
    file: PathBuf,
}

#[derive(clap::Args)]
pub struct SyncArgs {
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
}

#[derive(clap::Args)]
pub struct ConflictsArgs {
    /// The project.
    file: PathBuf,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("decision").required(true).args(["mine", "theirs", "value"])))]
pub struct ResolveArgs {
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
}

pub fn run_clone(a: CloneArgs) -> Result<ExitCode, String> {
    clone_plan(&a.url, &a.file).map(|()| ExitCode::SUCCESS)
}

pub fn run_sync(a: SyncArgs) -> Result<ExitCode, String> {
    match (a.export_changes, a.import_changes) {
        (Some(out), _) => export_changes(&a.file, &out).map(|()| ExitCode::SUCCESS),
        (None, Some(input)) => import_changes(&a.file, &input),
        (None, None) => sync(&a.file, a.url.as_deref()),
    }
}

pub fn run_conflicts(a: ConflictsArgs) -> Result<ExitCode, String> {
    conflicts(&a.file)
}

pub fn run_resolve(a: ResolveArgs) -> Result<ExitCode, String> {
    // `--theirs` is what is left when neither --mine nor --value is given.
    let _ = a.theirs;
    resolve(&a.file, a.id, a.mine, a.value).map(|()| ExitCode::SUCCESS)
}

/// `clone URL NEW.gpkg`: a laptop's copy of the shared plan.
fn clone_plan(url: &str, file: &Path) -> Result<(), String> {
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

/// `sync FILE.gpkg [URL]`: push, pull, merge; exit status 3 while conflicts are open.
fn sync(file: &Path, url: Option<&str>) -> Result<ExitCode, String> {
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
fn export_changes(file: &Path, out: &Path) -> Result<(), String> {
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
fn import_changes(file: &Path, input: &Path) -> Result<ExitCode, String> {
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
fn conflicts(file: &Path) -> Result<ExitCode, String> {
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
fn resolve(file: &Path, id: i64, mine: bool, value: Option<String>) -> Result<(), String> {
    use qn_planner::sync::Decision;
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

/// One line per conflict, for `sync` and `conflicts`.
fn conflict_line(c: &qn_planner::sync::Conflict) -> String {
    use qn_planner::store::Cell;
    let v = |c: &Cell| match c {
        Cell::Null => "(empty)".to_string(),
        Cell::Int(i) => i.to_string(),
        Cell::Real(r) => r.to_string(),
        Cell::Text(t) => format!("«{t}»"),
        Cell::Wkb(w) => match qn_planner::store::geometry_of_wkb(w) {
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
        c.id.map(|id| id.to_string())
            .unwrap_or_else(|| "(new)".into()),
        c.table,
        c.record_key
    )
}
