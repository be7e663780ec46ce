//! The egui front end: the only module that draws or asks the user anything.
//!
//! This file holds the app's state (the open project, the view, the history). A change takes
//! one path: a panel builds an [`Edit`] and asks for it with a [`Command`]; at the end of the
//! frame [`QnApp::run_commands`] (`command.rs`) hands it to [`History::apply`], validated and
//! written in one transaction by the domain, then follows it up (select the new site…). One
//! file per part of the window: `menu` (menu bar, toolbar, status bar, shortcuts), `side` (the
//! left panel), `canvas` (the map), `dialogs` (windows over the map and Esc), `form` (a site's
//! attributes), `table`, `scenarios` (one file per tab), `rules_ui`, `import_ui`, `export_ui`,
//! `present`, `editing` (the drawing tools). Nothing here decides what is stored.

mod canvas;
pub mod command;
mod dialogs;
pub mod editing;
pub mod export_ui;
pub mod filebrowser;
pub mod fonts;
pub mod form;
pub mod i18n;
pub mod import_ui;
pub mod map;
mod menu;
pub mod present;
pub mod rules_ui;
pub mod scenarios;
mod side;
pub mod sitecache;
pub mod style;
pub mod table;

use crate::analysis::checks::{
    CheckContext, Checked, Checker, Finding, geometry_stamp, is_overlap_candidate,
};
use crate::analysis::labels::{Bbox, Candidate, place_labels};
use crate::edit::{Edit, EditError, History};
use crate::io::basemap::{ATTRIBUTION_SHORT, BaseMap};
use crate::io::crs::Tm3;
use crate::model::{Layer, Precision, Project, Site, text};
use crate::settings::{Language, Settings};
use crate::store::ProjectFile;
use crate::store::session::BackupInfo;
use command::{Command, Then};
use editing::{Editor, Tool};
use egui::{Color32, FontFamily, FontId, Key, Pos2, Rect, RichText, Sense, Stroke, Vec2};
use filebrowser::Purpose;
use geo::Centroid;
use i18n::tr;
use map::{BaseCache, MapView, Projector, World};
use sitecache::ShapeCache;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// A feature drawn on the map this frame, for hit tests.
#[derive(Debug, Clone)]
struct Drawn {
    layer: Layer,
    fid: i64,
    screen: Pos2,
}

/// A label placed on the map in the last frame (for tests and the export later).
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLabel {
    pub text: String,
    pub rect: Rect,
}

/// How the app was started, for the first frame.
pub struct Startup {
    pub file: Option<ProjectFile>,
    /// A message to show at once (e.g. the file given could not be opened).
    pub error: Option<String>,
    pub settings: Settings,
    /// Whether settings changes are written to disk (off in tests).
    pub persist_settings: bool,
    /// When the process started, to report the time to the first frame.
    pub started: Option<Instant>,
}

pub struct QnApp {
    tm3: Tm3,
    base: BaseCache,
    /// Reference layers of the open project (imported data), drawn under the planning layers.
    refs: Vec<map::RefLayerView>,
    file: Option<ProjectFile>,
    project: Project,
    view: Option<MapView>,
    visible: [bool; 7],
    show_towns: bool,
    selected: Option<(Layer, i64)>,
    search: String,
    settings: Settings,
    persist_settings: bool,
    error: Option<String>,
    show_about: bool,
    /// The in-app file browser, when the desktop has no file dialog.
    browser: Option<filebrowser::FileBrowser>,
    /// Reference-layer features under the last click (Identify).
    identified: Option<Identified>,
    show_open_path: bool,
    open_path: String,
    cursor: Option<World>,
    title: String,
    started: Option<Instant>,
    first_frame_reported: bool,
    /// `QN_PLANNER_TIMING` is set: report map frame times.
    timing: bool,
    frame_times: Vec<f64>,
    /// The view of the previous frame, to tell a settled map from a moving one.
    last_view: Option<MapView>,
    fit_requested: bool,
    labels: Vec<PlacedLabel>,
    drawn: Vec<(Layer, i64)>,
    map_rect: Rect,
    history: History,
    /// Bumped by every applied edit; caches compare against it.
    project_gen: u64,
    /// The drafting checks, run on their own thread.
    checker: Checker,
    /// The areas prepared for drawing, and each site's geometry stamp (per generation).
    shapes: ShapeCache,
    geom_stamps: HashMap<(Layer, i64), GeomMeta>,
    stamps_gen: u64,
    /// Per project generation: the overlap candidates' stamp.
    check_others_stamp: u64,
    checks_gen: u64,
    editor: Editor,
    form: form::FormState,
    table: Option<table::TableState>,
    next_merge_key: u64,
    /// A short message in the status bar (e.g. a refused cell value).
    status_note: Option<String>,
    backups: Option<Vec<BackupInfo>>,
    confirm_restore: Option<BackupInfo>,
    /// Scenario values refused by the last edit, shown in the scenario editor.
    scenario_errors: Vec<crate::scenario::ScenarioError>,
    scenario: scenarios::ScenarioUi,
    rules: rules_ui::RulesUi,
    /// Presentation mode (F11).
    presenting: bool,
    export: export_ui::ExportUi,
    import: import_ui::ImportUi,
    /// What the panels of this frame asked for, applied at its end ([`QnApp::run_commands`]).
    commands: Vec<Command>,
    /// The change log of the selected site, read for (site, project generation).
    site_history: Option<SiteHistory>,
}

/// The change log of one site, and the (site, project generation) it was read for.
type SiteHistory = (((Layer, i64), u64), Vec<crate::model::oplog::Operation>);

/// A one-line text field over a buffer kept in `bufs` under `key` (so typing is not lost while
/// the value it edits is refused), with a stable id. Gaining focus starts a new merge key, so
/// the keystrokes of one visit to the field are one undo step. Returns the text when changed.
#[allow(clippy::too_many_arguments)]
pub(crate) fn buffered_text(
    ui: &mut egui::Ui,
    bufs: &mut HashMap<String, String>,
    id: (&str, &str),
    initial: impl FnOnce() -> String,
    width: f32,
    hint: &str,
    typing_key: &mut Option<u64>,
    next_merge_key: &mut u64,
    label: Option<egui::Id>,
) -> Option<String> {
    let buf = bufs.entry(id.1.to_string()).or_insert_with(initial);
    let mut r = ui.add(
        egui::TextEdit::singleline(buf)
            .id_salt(id)
            .desired_width(width)
            .hint_text(hint),
    );
    if let Some(l) = label {
        r = r.labelled_by(l);
    }
    if r.gained_focus() {
        *next_merge_key += 1;
        *typing_key = Some(*next_merge_key);
    }
    r.changed().then(|| buf.clone())
}

/// Remembers the outcome of parsing the text typed in field `key`: a refusal is kept (its text
/// stays in the field and its reason beside it), an accepted value clears it. `None`: the text
/// did not change. Returns the accepted value.
pub(crate) fn note_refusal<T>(
    refused: &mut HashMap<String, crate::model::validate::Refusal>,
    key: &str,
    parsed: Option<Result<T, crate::model::validate::Refusal>>,
) -> Option<T> {
    match parsed? {
        Err(e) => {
            refused.insert(key.to_string(), e);
            None
        }
        Ok(v) => {
            refused.remove(key);
            Some(v)
        }
    }
}

/// The reason beside a field whose typed text was refused, in the UI language.
pub(crate) fn refusal_label(
    ui: &mut egui::Ui,
    lang: Language,
    refusal: Option<&crate::model::validate::Refusal>,
) {
    if let Some(r) = refusal {
        ui.label(
            RichText::new(format!("! {}", r.text(lang)))
                .color(egui::Color32::from_rgb(0xc0, 0x10, 0x10)),
        );
    }
}

/// Reads every reference layer of `file` and prepares it for drawing.
fn load_reference_layers(
    file: &ProjectFile,
    tm3: &crate::io::crs::Tm3,
) -> Result<Vec<map::RefLayerView>, String> {
    let mut out = Vec::new();
    for r in file.reference_layers().map_err(|e| e.to_string())? {
        let mut view = map::RefLayerView::new(&r.name, &r.table, &r.color);
        file.for_each_table_geometry(&r.table, &mut |g| view.add(tm3, &g))
            .map_err(|e| format!("{}: {e}", r.name))?;
        out.push(view.finish(usize::try_from(r.features).unwrap_or(0)));
    }
    Ok(out)
}

/// Whether two paths name the same file (after resolving links and `..`).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

fn layer_index(l: Layer) -> usize {
    Layer::ALL.iter().position(|x| *x == l).unwrap_or(0)
}

impl QnApp {
    /// Builds the app on `ctx`: fonts, base map, and the project given in `startup`.
    pub fn new(ctx: &egui::Context, startup: Startup) -> Result<QnApp, String> {
        fonts::install(ctx);
        ctx.set_theme(egui::Theme::Light);
        let tm3 = Tm3::new().map_err(|e| e.to_string())?;
        let base_map = BaseMap::load().map_err(|e| e.to_string())?;
        let base = BaseCache::build(&base_map, &tm3);
        let checks_ctx = Arc::new(CheckContext::new(&base_map));
        let wake_ctx = ctx.clone();
        let checker = Checker::new(checks_ctx, Box::new(move || wake_ctx.request_repaint()));
        let shapes_ctx = ctx.clone();
        let mut app = QnApp {
            tm3,
            base,
            refs: Vec::new(),
            file: None,
            project: Project::default(),
            view: None,
            visible: [true; 7],
            show_towns: true,
            selected: None,
            search: String::new(),
            settings: startup.settings,
            persist_settings: startup.persist_settings,
            error: startup.error,
            show_about: false,
            identified: None,
            browser: None,
            show_open_path: false,
            open_path: String::new(),
            cursor: None,
            title: String::new(),
            started: startup.started,
            first_frame_reported: false,
            timing: std::env::var_os("QN_PLANNER_TIMING").is_some(),
            frame_times: Vec::new(),
            last_view: None,
            fit_requested: true,
            labels: Vec::new(),
            drawn: Vec::new(),
            map_rect: Rect::NOTHING,
            history: History::default(),
            project_gen: 0,
            checker,
            shapes: ShapeCache::new(Box::new(move || shapes_ctx.request_repaint())),
            geom_stamps: HashMap::new(),
            stamps_gen: u64::MAX,
            check_others_stamp: 0,
            checks_gen: u64::MAX,
            editor: Editor::default(),
            form: form::FormState::default(),
            table: None,
            next_merge_key: 0,
            status_note: None,
            backups: None,
            confirm_restore: None,
            scenario_errors: Vec::new(),
            scenario: scenarios::ScenarioUi::default(),
            rules: rules_ui::RulesUi::default(),
            presenting: false,
            export: export_ui::ExportUi::default(),
            import: import_ui::ImportUi::default(),
            commands: Vec::new(),
            site_history: None,
        };
        if let Some(f) = startup.file {
            app.set_project(f);
        }
        Ok(app)
    }

    fn lang(&self) -> Language {
        self.settings.language
    }

    /// Reads `file` into the app and remembers it as the last project. When its records
    /// cannot be read, the message is shown and the current project stays.
    fn set_project(&mut self, file: ProjectFile) {
        match file.read_project() {
            Ok(p) => self.install_project(file, p),
            Err(e) => self.show_error(e.text(self.lang())),
        }
    }

    /// Re-reads the open file (after a restore, or opening the same file again); on failure
    /// the project in memory stays as it was.
    fn reread_project(&mut self) {
        let Some(read) = self.file.as_ref().map(|f| f.read_project()) else {
            return;
        };
        match read {
            Ok(p) => {
                if let Some(f) = self.file.take() {
                    self.install_project(f, p);
                }
            }
            Err(e) => self.show_error(e.text(self.lang())),
        }
    }

    fn install_project(&mut self, file: ProjectFile, p: Project) {
        self.project = p;
        self.project_gen += 1;
        self.history.clear();
        self.editor = Editor::default();
        self.selected = None;
        self.settings.last_project = Some(file.path().to_path_buf());
        match load_reference_layers(&file, &self.tm3) {
            Ok(r) => self.refs = r,
            Err(e) => {
                self.refs.clear();
                self.show_error(e);
            }
        }
        if file.is_read_only() {
            let msg = format!(
                "{}: {}",
                file.path().display(),
                tr(
                    self.lang(),
                    "tệp chỉ đọc — mở để xem, không sửa được",
                    "the file is read-only: opened for viewing, edits are disabled"
                )
            );
            eprintln!("qn-planner: {msg}");
            self.error = Some(msg);
        }
        self.file = Some(file);
        self.save_settings();
    }

    /// Re-reads the reference layers after an import, keeping what was hidden hidden.
    fn reload_reference_layers(&mut self) {
        let Some(file) = &self.file else { return };
        match load_reference_layers(file, &self.tm3) {
            Ok(mut r) => {
                for v in &mut r {
                    if let Some(old) = self.refs.iter().find(|o| o.table == v.table) {
                        v.visible = old.visible;
                    }
                }
                self.refs = r;
            }
            Err(e) => self.show_error(e),
        }
    }

    fn show_error(&mut self, msg: String) {
        eprintln!("qn-planner: {msg}");
        self.error = Some(msg);
    }

    /// The reference-layer features under a click at screen position `p` (within 8 pixels),
    /// from the visible layers, the topmost first; remembered for the Identify window. An
    /// empty result closes the window.
    pub(crate) fn identify_reference(&mut self, pr: &Projector, p: Pos2) {
        let Some((lon, lat)) = self.lonlat(pr.world_from_screen(p)).map(|c| (c.x, c.y)) else {
            return;
        };
        let Some(file) = &self.file else { return };
        let tol_m = 8.0 * pr.view.m_per_px;
        let mut features = Vec::new();
        let mut failed = None;
        for r in self.refs.iter().rev().filter(|r| r.visible) {
            match file.features_at(&r.table, lon, lat, tol_m, 20) {
                Ok(found) => features.extend(found.into_iter().map(|f| (r.name.clone(), f))),
                Err(e) => failed = Some(e.to_string()),
            }
        }
        if let Some(e) = failed {
            self.show_error(e);
        }
        self.identified = (!features.is_empty()).then_some(Identified {
            features,
            at: (lon, lat),
        });
    }

    /// What Identify found (for tests).
    pub fn identified(&self) -> Option<&Identified> {
        self.identified.as_ref()
    }

    /// Asks where to open or save (the native dialog, else the in-app browser) and acts on
    /// the answer ([`QnApp::path_chosen`]).
    pub(crate) fn choose_path(
        &mut self,
        purpose: Purpose,
        save: bool,
        kinds: &[&str],
        kind_name: &str,
        name: &str,
    ) {
        match filebrowser::native(save, kinds, kind_name, name) {
            filebrowser::Native::Chosen(p) => self.path_chosen(purpose, p),
            filebrowser::Native::Cancelled => {}
            filebrowser::Native::Unavailable => {
                let start = self.file.as_ref().map(|f| f.path().to_path_buf());
                self.browser = Some(filebrowser::FileBrowser::new(
                    purpose,
                    save,
                    kinds,
                    start.as_deref(),
                    name,
                ));
            }
        }
    }

    fn path_chosen(&mut self, purpose: Purpose, p: PathBuf) {
        match purpose {
            Purpose::OpenProject => self.open(&p),
            Purpose::NewProject => match ProjectFile::create(&p, true) {
                Ok(f) => self.set_project(f),
                Err(e) => self.show_error(e.text(self.lang())),
            },
            Purpose::ImportData => {
                self.import.path = p.display().to_string();
                self.rescan_import();
            }
            Purpose::ExportMap => self.export.path = p.display().to_string(),
            Purpose::IndicatorsCsv(id) => {
                if let Some(s) = self.project.scenarios.iter().find(|s| s.id == id).cloned() {
                    self.write_indicators_csv(&s, &p);
                }
            }
        }
    }

    /// The name drafting edits record (settings, else the login name).
    pub fn author(&self) -> String {
        self.settings.author_name()
    }

    fn save_settings(&mut self) {
        if self.persist_settings
            && let Err(e) = self.settings.save()
        {
            eprintln!("qn-planner: settings not saved: {e}");
        }
    }

    /// Opens `path` in place of the current project. A file that cannot be opened (not a
    /// GeoPackage, newer, locked, truncated, missing) leaves the current project open and
    /// working, with its history; only the message says what went wrong.
    fn open(&mut self, path: &Path) {
        let same = self
            .file
            .as_ref()
            .is_some_and(|f| same_file(f.path(), path));
        if same {
            // The same file again: read it afresh under the lock this instance holds.
            self.reread_project();
            return;
        }
        match ProjectFile::open_session(
            path,
            crate::settings::data_dir().map(|d| d.join("backups")),
        ) {
            Ok(o) => {
                let notice = o.notice_text(self.lang());
                // Read before anything is replaced: a file whose records cannot be read is
                // refused like one that cannot be opened.
                match o.file.read_project() {
                    Ok(p) => {
                        self.install_project(o.file, p);
                        if let Some(n) = notice {
                            self.show_error(n);
                        }
                    }
                    Err(e) => self.show_error(e.text(self.lang())),
                }
            }
            Err(e) => self.show_error(e.text(self.lang())),
        }
    }

    /// Applies `edit` through the history: one transaction in the file, then memory. Steps
    /// sharing `merge` fold into one undo step. Returns what it created or changed, or `None`
    /// when it was refused (the reason is shown). Only [`QnApp::run_commands`] calls it.
    fn apply_now(&mut self, edit: Edit, merge: Option<u64>) -> Option<crate::edit::Applied> {
        let lang = self.lang();
        let Some(file) = self.file.as_mut() else {
            self.show_error(tr(lang, "Chưa mở dự án nào.", "No project is open.").into());
            return None;
        };
        if file.is_read_only() {
            let msg = format!(
                "{}: {}",
                file.path().display(),
                tr(
                    lang,
                    "tệp chỉ đọc, không sửa được",
                    "the file is read-only; edits are disabled"
                )
            );
            self.show_error(msg);
            return None;
        }
        // The change log names who made the edit (the settings' author, else the login).
        file.set_author(&self.settings.author_name());
        match self.history.apply(edit, merge, file, &mut self.project) {
            Ok(applied) => {
                self.project_gen += 1;
                self.status_note = None;
                self.scenario_errors.clear();
                // The history says which record the edit made or changed.
                Some(applied)
            }
            Err(EditError::InvalidScenario(errors)) => {
                let lang = self.lang();
                self.status_note = Some(
                    errors
                        .iter()
                        .map(|e| e.text(lang).to_string())
                        .collect::<Vec<_>>()
                        .join("; "),
                );
                self.scenario_errors = errors;
                None
            }
            Err(EditError::Invalid(errors)) => {
                let lang = self.lang();
                self.status_note = Some(
                    errors
                        .iter()
                        .map(|e| e.reason.text(lang))
                        .collect::<Vec<_>>()
                        .join("; "),
                );
                self.form.errors = errors;
                None
            }
            Err(e) => {
                self.show_error(e.text(self.lang()));
                None
            }
        }
    }

    /// Replaces the project by backup `b` and reads it again (the history ends with it).
    fn restore_backup(&mut self, b: &BackupInfo) {
        self.backups = None;
        let result = self.file.as_mut().map(|f| f.restore_backup(&b.path));
        match result {
            Some(Ok(())) => self.reread_project(),
            Some(Err(e)) => self.show_error(e.text(self.lang())),
            None => {}
        }
    }

    fn undo(&mut self) {
        if let Some(file) = self.file.as_mut() {
            file.set_author(&self.settings.author_name());
            match self.history.undo(file, &mut self.project) {
                Ok(true) => self.project_gen += 1,
                Ok(false) => {}
                Err(e) => self.show_error(e.text(self.lang())),
            }
        }
        self.after_undo_redo();
    }

    fn redo(&mut self) {
        if let Some(file) = self.file.as_mut() {
            file.set_author(&self.settings.author_name());
            match self.history.redo(file, &mut self.project) {
                Ok(true) => self.project_gen += 1,
                Ok(false) => {}
                Err(e) => self.show_error(e.text(self.lang())),
            }
        }
        self.after_undo_redo();
    }

    /// Undo and redo may take away or bring back a reference layer.
    fn after_undo_redo(&mut self) {
        self.drop_stale_selection();
        let on_file: Vec<String> = self
            .file
            .as_ref()
            .and_then(|f| f.reference_layers().ok())
            .unwrap_or_default()
            .into_iter()
            .map(|l| l.table)
            .collect();
        let shown: Vec<&str> = self.refs.iter().map(|r| r.table.as_str()).collect();
        if on_file.iter().map(String::as_str).ne(shown) {
            self.reload_reference_layers();
        }
    }

    fn drop_stale_selection(&mut self) {
        if let Some((l, f)) = self.selected
            && self.project.site(l, f).is_none()
        {
            self.selected = None;
        }
    }

    /// The findings of one site: the newest the background checker has (those of the site's
    /// previous state while a new check runs), none before its first check ends.
    pub fn findings_of(&mut self, layer: Layer, fid: i64) -> Vec<Finding> {
        match self.checked(layer, fid) {
            Checked::Ready(f) | Checked::Stale(f) => f,
            Checked::Pending => Vec::new(),
        }
    }

    /// What the background checker knows of one site; sends the check when the site (or an
    /// area it may overlap) changed since the last one.
    pub fn checked(&mut self, layer: Layer, fid: i64) -> Checked {
        self.refresh_stamps();
        if self.checks_gen != self.project_gen {
            self.checks_gen = self.project_gen;
            let metas = &self.geom_stamps;
            self.check_others_stamp = Checker::others_stamp(self.project.sites.iter().map(|s| {
                let g = metas.get(&(s.layer, s.fid)).map_or(0, |m| m.stamp);
                (s, g)
            }));
            let project = &self.project;
            self.checker.retain(|(l, f)| project.site(*l, *f).is_some());
        }
        let Some(site) = self.project.site(layer, fid) else {
            return Checked::Ready(Vec::new());
        };
        let geom = self.geom_stamps.get(&(layer, fid)).map(|m| m.stamp);
        let stamp = Checker::stamp(
            geom.unwrap_or_else(|| geometry_stamp(site.geom.as_ref())),
            self.check_others_stamp,
        );
        let (project, metas) = (&self.project, &self.geom_stamps);
        let near = metas.get(&(layer, fid)).and_then(|m| m.bbox);
        self.checker.get(site, stamp, || {
            // Only the candidates whose box meets the site's travel to the checker.
            Arc::new(
                project
                    .sites
                    .iter()
                    .filter(|o| is_overlap_candidate(o) && (o.layer, o.fid) != (layer, fid))
                    .filter(|o| {
                        let b = metas.get(&(o.layer, o.fid)).and_then(|m| m.bbox);
                        matches!((near, b), (Some(a), Some(b)) if geo::Intersects::intersects(&a, &b))
                    })
                    .cloned()
                    .collect(),
            )
        })
    }

    /// Reads the change log of the selected site when the site or the project changed.
    fn refresh_site_history(&mut self, layer: Layer, fid: i64) {
        let stamp = ((layer, fid), self.project_gen);
        if self.site_history.as_ref().is_some_and(|(k, _)| *k == stamp) {
            return;
        }
        let key = self.project.site(layer, fid).map(|s| s.key.clone());
        let ops = match (&self.file, key) {
            (Some(f), Some(k)) if !k.is_empty() => {
                f.operations(Some(&k), 0, 50).unwrap_or_else(|e| {
                    eprintln!("qn-planner: change log: {e}");
                    Vec::new()
                })
            }
            _ => Vec::new(),
        };
        self.site_history = Some((stamp, ops));
    }

    /// Waits until the background checks asked for so far are done (for tests and scripts).
    pub fn settle_checks(&mut self) -> bool {
        self.checker.settle(std::time::Duration::from_secs(30))
    }

    /// The drafting history (for tests).
    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn tool(&self) -> Tool {
        self.editor.tool
    }

    /// The measure tool's current result (for tests).
    pub fn current_measurement(&self) -> Option<editing::Measurement> {
        self.measurement(None)
    }

    /// The open project's data.
    pub fn project(&self) -> &Project {
        &self.project
    }

    pub fn file_path(&self) -> Option<&Path> {
        self.file.as_ref().map(|f| f.path())
    }

    pub fn selected(&self) -> Option<(Layer, i64)> {
        self.selected
    }

    /// Selects a site (or none), as a click on it would (for tests and scripts).
    pub fn select(&mut self, sel: Option<(Layer, i64)>) {
        self.selected = sel;
    }

    pub fn language(&self) -> Language {
        self.settings.language
    }

    pub fn is_layer_visible(&self, l: Layer) -> bool {
        self.visible[layer_index(l)]
    }

    /// The reference layers loaded from the project: name, feature count, shown or hidden.
    pub fn reference_layers(&self) -> Vec<(String, usize, bool)> {
        self.refs
            .iter()
            .map(|r| (r.name.clone(), r.count, r.visible))
            .collect()
    }

    pub fn error_message(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Labels placed on the map in the last frame.
    pub fn placed_labels(&self) -> &[PlacedLabel] {
        &self.labels
    }

    /// Features drawn on the map in the last frame.
    pub fn drawn_features(&self) -> &[(Layer, i64)] {
        &self.drawn
    }

    pub fn view(&self) -> Option<MapView> {
        self.view
    }

    /// Where a WGS84 point is on the screen in the last frame's map.
    pub fn screen_from_lonlat(&self, lon: f64, lat: f64) -> Option<Pos2> {
        let view = self.view?;
        let (e, n) = self.tm3.tm3_from_lonlat(lon, lat).ok()?;
        Some(Projector::new(self.map_rect, view).screen_from_world([e, n]))
    }

    /// Screen positions of the features drawn in the last frame, by layer and fid.
    pub fn screen_pos_of(&self, layer: Layer, fid: i64) -> Option<Pos2> {
        let view = self.view?;
        let pr = Projector::new(self.map_rect, view);
        let s = self.project.site(layer, fid)?;
        let w = self.anchor_world(s)?;
        Some(pr.screen_from_world(w))
    }

    fn anchor_world(&self, s: &Site) -> Option<World> {
        let g = s.geom.as_ref()?;
        if s.is_area()
            && let Some(m) = self.geom_stamps.get(&(s.layer, s.fid))
            && self.stamps_gen == self.project_gen
        {
            // The centroid, computed once per change of the geometry.
            return m.anchor;
        }
        let c = match g {
            geo_types::Geometry::Point(p) => *p,
            other => other.centroid()?,
        };
        self.tm3
            .tm3_from_lonlat(c.x(), c.y())
            .ok()
            .map(|(e, n)| [e, n])
    }

    fn zoom_to(&mut self, layer: Layer, fid: i64) {
        self.selected = Some((layer, fid));
        let Some(s) = self.project.site(layer, fid) else {
            return;
        };
        if let Some(w) = self.anchor_world(s) {
            let m_per_px = self.view.map(|v| v.m_per_px.min(30.0)).unwrap_or(30.0);
            self.view = Some(MapView {
                centre: w,
                m_per_px,
            });
        }
    }

    /// Draws one whole frame of the UI in `ui`, then applies what its panels asked for.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.show_panels(ui);
        let commands = std::mem::take(&mut self.commands);
        self.run_commands(commands);
    }

    fn show_panels(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.update_title(&ctx);
        self.presentation_keys(&ctx);
        self.presentation_controls(&ctx);
        if self.presenting {
            egui::CentralPanel::no_frame().show(ui, |ui| self.map_ui(ui));
            return;
        }
        // Esc closes the dialog on top and does nothing else; with no dialog open it goes on
        // to the map's tool (cancel a drawing, deselect).
        if self.open_dialog().is_some()
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Escape))
        {
            self.close_top_dialog();
        }
        self.shortcuts(&ctx);
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        if self.scenario.open {
            egui::Panel::bottom("scenario_panel")
                .resizable(true)
                .default_size(340.0)
                .min_size(300.0)
                .show(ui, |ui| {
                    let view = self.view_state();
                    let mut panel = scenarios::ScenarioPanel {
                        project: &self.project,
                        view: &view,
                        st: &mut self.scenario,
                        rules: &mut self.rules,
                        tm3: &self.tm3,
                        errors: &self.scenario_errors,
                        out: Vec::new(),
                    };
                    panel.show(ui);
                    let asked = panel.out;
                    self.commands.extend(asked);
                });
        }
        egui::Panel::left("layers")
            .resizable(true)
            .default_size(290.0)
            .show(ui, |ui| {
                let view = self.view_state();
                let st = side::SideState {
                    search: &mut self.search,
                    visible: &mut self.visible,
                    show_towns: &mut self.show_towns,
                    refs: &mut self.refs,
                    towns: self.base.towns.len(),
                    selected: self.selected,
                };
                let asked = egui::ScrollArea::vertical()
                    .show(ui, |ui| side::side_ui(ui, &self.project, &view, st))
                    .inner;
                self.commands.extend(asked);
            });
        if let Some((layer, fid)) = self.selected {
            // The findings the background checker has for the site (asking for a check when it
            // changed), read before the form borrows the project.
            let checked = self.checked(layer, fid);
            let view = self.view_state();
            self.refresh_site_history(layer, fid);
            egui::Panel::right("attributes")
                .resizable(true)
                .default_size(320.0)
                .show(ui, |ui| {
                    let asked = egui::ScrollArea::vertical()
                        .show(ui, |ui| {
                            let mut form = form::FormCtx {
                                project: &self.project,
                                view: &view,
                                st: &mut self.form,
                                selected: (layer, fid),
                                tm3: &self.tm3,
                                checked,
                                history: self
                                    .site_history
                                    .as_ref()
                                    .map_or(&[][..], |(_, ops)| ops.as_slice()),
                                active: self
                                    .scenario
                                    .active
                                    .and_then(|id| self.project.scenario(id)),
                                out: Vec::new(),
                            };
                            form.attributes_ui(ui);
                            form.out
                        })
                        .inner;
                    self.commands.extend(asked);
                });
        }
        egui::CentralPanel::no_frame().show(ui, |ui| self.map_ui(ui));
        self.dialogs_ui(&ctx);
        let view = self.view_state();
        if let Some(state) = self.table.as_mut() {
            let asked = table::table_window(&ctx, &self.project, &view, self.selected, state);
            self.commands.extend(asked);
            if !state.open {
                self.table = None;
            }
        }
        let asked = rules_ui::rules_window(&ctx, &self.project, &view, &mut self.rules);
        self.commands.extend(asked);
        let active = self
            .scenario
            .active
            .and_then(|id| self.project.scenario(id));
        let asked = export_ui::export_window(&ctx, &self.project, &view, active, &mut self.export);
        self.commands.extend(asked);
        self.import_ui(&ctx);
        self.edit_dialogs_ui(&ctx);
        if !self.first_frame_reported {
            self.first_frame_reported = true;
            if let (Some(t0), Some(_)) = (self.started, std::env::var_os("QN_PLANNER_TIMING")) {
                eprintln!(
                    "qn-planner: first frame after {} ms",
                    t0.elapsed().as_millis()
                );
            }
        }
    }

    /// Finds a site by accent-insensitive name (helper for tests and scripts).
    pub fn find_site(&self, query: &str) -> Option<(Layer, i64)> {
        self.project
            .sites
            .iter()
            .find(|s| text::fold(&s.name) == text::fold(query))
            .map(|s| (s.layer, s.fid))
    }
}

/// The reference-layer features found under a click, for the Identify window.
#[derive(Debug, Clone)]
pub struct Identified {
    /// (layer name, feature) pairs, the topmost layer first.
    pub features: Vec<(String, crate::store::TableFeature)>,
    /// Where the click was (lon, lat).
    pub at: (f64, f64),
}

/// What the map needs of a site's geometry, computed once per change of it.
#[derive(Debug, Clone, Copy)]
struct GeomMeta {
    stamp: u64,
    /// Lon/lat box.
    bbox: Option<geo_types::Rect<f64>>,
    /// The centroid, projected: where the symbol goes.
    anchor: Option<World>,
}

impl GeomMeta {
    fn of(s: &Site, stamp: u64, tm3: &Tm3) -> GeomMeta {
        use geo::{BoundingRect, Centroid};
        let g = s.geom.as_ref();
        GeomMeta {
            stamp,
            bbox: g.and_then(|g| g.bounding_rect()),
            anchor: g
                .and_then(|g| match g {
                    geo_types::Geometry::Point(p) => Some(*p),
                    other => other.centroid(),
                })
                .and_then(|c| tm3.tm3_from_lonlat(c.x(), c.y()).ok())
                .map(|(e, n)| [e, n]),
        }
    }
}

/// An attribute value as the Identify window shows it (empty for null).
fn value_text(v: &crate::io::import::Value) -> String {
    use crate::io::import::Value;
    match v {
        Value::Null => String::new(),
        Value::Int(i) => i.to_string(),
        Value::Real(r) => format!("{r}"),
        Value::Text(t) => t.clone(),
    }
}

impl eframe::App for QnApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}
