//! The egui front end: the only module that draws or asks the user anything.
//!
//! The app owns the open project and the map view; panels read them and the map canvas draws
//! them. Nothing here decides what is stored: that is `store`'s job.

pub mod editing;
pub mod export_ui;
pub mod filebrowser;
pub mod fonts;
pub mod form;
pub mod i18n;
pub mod import_ui;
pub mod map;
pub mod present;
pub mod rules_ui;
pub mod scenarios;
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
}

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

    fn identify_window(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        let Some(found) = &self.identified else {
            return;
        };
        let mut open = true;
        // At the map's top right, clear of the menus and the layer list.
        let pos = self.map_rect.right_top() + egui::vec2(-380.0, 10.0);
        egui::Window::new(tr(lang, "Thông tin đối tượng", "Identify"))
            .open(&mut open)
            .collapsible(false)
            .default_pos(pos)
            .default_width(360.0)
            .show(ctx, |ui| {
                ui.label(
                    RichText::new(format!("{:.5}° N  {:.5}° E", found.at.1, found.at.0))
                        .small()
                        .weak(),
                );
                egui::ScrollArea::vertical()
                    .max_height(420.0)
                    .show(ui, |ui| {
                        for (i, (layer, f)) in found.features.iter().enumerate() {
                            ui.separator();
                            ui.label(RichText::new(layer).strong());
                            egui::Grid::new(("identify", i))
                                .num_columns(2)
                                .striped(true)
                                .show(ui, |ui| {
                                    ui.label("fid");
                                    ui.label(f.fid.to_string());
                                    ui.end_row();
                                    for (k, v) in &f.attrs {
                                        ui.label(k);
                                        ui.add(egui::Label::new(value_text(v)).wrap());
                                        ui.end_row();
                                    }
                                });
                        }
                    });
            });
        if !open {
            self.identified = None;
        }
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
                self.start_scan();
            }
            Purpose::ExportMap => self.export.path = p.display().to_string(),
            Purpose::IndicatorsCsv(id) => {
                if let Some(s) = self.project.scenarios.iter().find(|s| s.id == id).cloned() {
                    self.write_indicators_csv(&s, &p);
                }
            }
        }
    }

    fn file_browser_window(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        let Some(b) = self.browser.as_mut() else {
            return;
        };
        match b.show(ctx, lang) {
            filebrowser::Outcome::Open => {}
            filebrowser::Outcome::Cancelled => self.browser = None,
            filebrowser::Outcome::Chosen(p) => {
                let purpose = b.purpose.clone();
                self.browser = None;
                self.path_chosen(purpose, p);
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

    /// Applies `edit` through the history: one transaction in the file, then memory.
    /// Steps sharing `merge` fold into one undo step. Returns whether it was applied.
    pub(crate) fn apply_edit(&mut self, edit: Edit, merge: Option<u64>) -> bool {
        self.apply_edit_fid(edit, merge).is_some()
    }

    /// Inserts `site`; returns its new fid.
    pub(crate) fn apply_insert(&mut self, site: Site) -> Option<i64> {
        self.apply_edit_fid(Edit::insert(site), None)
    }

    fn apply_edit_fid(&mut self, edit: Edit, merge: Option<u64>) -> Option<i64> {
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
        match self.history.apply(edit, merge, file, &mut self.project) {
            Ok(applied) => {
                self.project_gen += 1;
                self.status_note = None;
                self.scenario_errors.clear();
                // The history says which record the edit made or changed.
                Some(applied.id.unwrap_or(0))
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

    pub(crate) fn undo(&mut self) {
        if let Some(file) = self.file.as_mut() {
            match self.history.undo(file, &mut self.project) {
                Ok(true) => self.project_gen += 1,
                Ok(false) => {}
                Err(e) => self.show_error(e.text(self.lang())),
            }
        }
        self.after_undo_redo();
    }

    pub(crate) fn redo(&mut self) {
        if let Some(file) = self.file.as_mut() {
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

    /// Draws one whole frame of the UI in `ui`.
    pub fn show(&mut self, ui: &mut egui::Ui) {
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
                .show(ui, |ui| self.scenario_panel_ui(ui));
        }
        egui::Panel::left("layers")
            .resizable(true)
            .default_size(290.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.side_ui(ui));
            });
        if self.selected.is_some() {
            egui::Panel::right("attributes")
                .resizable(true)
                .default_size(320.0)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| self.attributes_ui(ui));
                });
        }
        egui::CentralPanel::no_frame().show(ui, |ui| self.map_ui(ui));
        self.dialogs_ui(&ctx);
        self.table_ui(&ctx);
        self.rules_window(&ctx);
        self.export_window(&ctx);
        self.take_dropped_files(&ctx);
        self.import_window(&ctx);
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

    /// Whether a dialog or window is open over the map.
    pub fn open_dialog(&self) -> Option<&'static str> {
        if self.browser.is_some() {
            Some("file_browser")
        } else if self.editor.confirm_delete.is_some() {
            Some("confirm_delete")
        } else if self.scenario.confirm_delete.is_some() {
            Some("confirm_delete_scenario")
        } else if self.confirm_restore.is_some() {
            Some("confirm_restore")
        } else if self.error.is_some() {
            Some("message")
        } else if self.backups.is_some() {
            Some("backups")
        } else if self.show_open_path {
            Some("open_path")
        } else if self.show_about {
            Some("about")
        } else if self.identified.is_some() {
            Some("identify")
        } else if self.import.open {
            Some("import")
        } else if self.export.open {
            Some("export")
        } else if self.table.is_some() {
            Some("table")
        } else if self.rules.open {
            Some("rules")
        } else {
            None
        }
    }

    /// Closes the dialog on top (confirmations first, then messages, then windows) as its
    /// Cancel or × would, and nothing else. Returns false when no dialog was open. Work on
    /// worker threads (an import, an export) goes on: only its window closes.
    fn close_top_dialog(&mut self) -> bool {
        let Some(which) = self.open_dialog() else {
            return false;
        };
        match which {
            "file_browser" => self.browser = None,
            "confirm_delete" => self.editor.confirm_delete = None,
            "confirm_delete_scenario" => self.scenario.confirm_delete = None,
            "confirm_restore" => self.confirm_restore = None,
            "message" => self.error = None,
            "backups" => self.backups = None,
            "open_path" => self.show_open_path = false,
            "about" => self.show_about = false,
            "identify" => self.identified = None,
            "import" => self.import.open = false,
            "export" => self.export.open = false,
            "table" => self.table = None,
            _ => self.rules.open = false,
        }
        true
    }

    /// Ctrl+Z / Ctrl+Y / Ctrl+Shift+Z, and the tool keys when no text field has focus.
    fn shortcuts(&mut self, ctx: &egui::Context) {
        let typing = ctx.memory(|m| m.focused().is_some());
        let (undo, redo) = ctx.input_mut(|i| {
            let redo = i.consume_key(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, Key::Z)
                || i.consume_key(egui::Modifiers::COMMAND, Key::Y);
            let undo = i.consume_key(egui::Modifiers::COMMAND, Key::Z);
            (undo, redo)
        });
        if undo && !typing {
            self.undo();
        }
        if redo && !typing {
            self.redo();
        }
        if !typing {
            for t in Tool::ALL {
                if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, t.shortcut())) {
                    self.set_tool(t);
                }
            }
        }
    }

    fn set_tool(&mut self, t: Tool) {
        if self.editor.tool != t {
            self.editor.drawing.clear();
            self.editor.boundary_of = None;
            self.editor.measure.clear();
            self.editor.measure_done = false;
        }
        self.editor.tool = t;
    }

    fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let ro = self.is_read_only();
        ui.horizontal_wrapped(|ui| {
            for t in Tool::ALL {
                let editing = !matches!(t, Tool::Select | Tool::Measure);
                // Protected and residential areas are MULTIPOLYGON layers: no points there.
                let no_points = t == Tool::AddPoint && self.editor.active_layer.holds_areas_only();
                let r = ui
                    .add_enabled(
                        !(no_points || ro && editing),
                        egui::Button::selectable(self.editor.tool == t, t.label(lang)),
                    )
                    .on_hover_text(format!("{} ({:?})", t.label(lang), t.shortcut()))
                    .on_disabled_hover_text(if no_points {
                        tr(
                            lang,
                            "Lớp này chỉ chứa vùng: hãy vẽ đa giác",
                            "This layer holds areas only: draw a polygon",
                        )
                    } else {
                        tr(lang, "Tệp chỉ đọc", "The file is read-only")
                    });
                if r.clicked() {
                    self.set_tool(t);
                }
            }
            ui.separator();
            egui::ComboBox::new("active_layer", tr(lang, "lớp thêm mới", "new features in"))
                .selected_text(i18n::layer_name(lang, self.editor.active_layer))
                .show_ui(ui, |ui| {
                    for l in Layer::ALL {
                        ui.selectable_value(
                            &mut self.editor.active_layer,
                            l,
                            i18n::layer_name(lang, l),
                        );
                    }
                });
            ui.separator();
            if ui
                .add_enabled(
                    self.history.can_undo(),
                    egui::Button::new(tr(lang, "Hoàn tác", "Undo")),
                )
                .on_hover_text("Ctrl+Z")
                .clicked()
            {
                self.undo();
            }
            if ui
                .add_enabled(
                    self.history.can_redo(),
                    egui::Button::new(tr(lang, "Làm lại", "Redo")),
                )
                .on_hover_text("Ctrl+Y, Ctrl+Shift+Z")
                .clicked()
            {
                self.redo();
            }
            ui.separator();
            if ui
                .add(egui::Button::selectable(
                    self.scenario.open,
                    tr(lang, "Kịch bản", "Scenarios"),
                ))
                .clicked()
            {
                self.scenario.open = !self.scenario.open;
            }
            if ui
                .button(tr(lang, "Bảng thuộc tính", "Attribute table"))
                .clicked()
            {
                let layer = self
                    .selected
                    .map(|s| s.0)
                    .unwrap_or(self.editor.active_layer);
                self.table = Some(table::TableState::new(layer));
            }
            if ui
                .add(egui::Button::selectable(
                    self.rules.open,
                    tr(lang, "Quy định", "Rules"),
                ))
                .clicked()
            {
                self.rules.open = !self.rules.open;
            }
            if ui
                .button(tr(lang, "Trình chiếu (F11)", "Present (F11)"))
                .clicked()
            {
                let ctx = ui.ctx().clone();
                self.set_presenting(&ctx, true);
            }
        });
    }

    fn edit_dialogs_ui(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        if let Some((l, f)) = self.editor.confirm_delete {
            let name = self.project.site(l, f).map(|s| s.name.clone());
            let Some(name) = name else {
                self.editor.confirm_delete = None;
                return;
            };
            let mut answer = None;
            egui::Modal::new(egui::Id::unique("confirm_delete")).show(ctx, |ui| {
                ui.heading(tr(lang, "Xóa đối tượng?", "Delete the feature?"));
                ui.label(match lang {
                    Language::Vi => format!(
                        "Xóa «{name}» khỏi lớp {}? (có thể hoàn tác)",
                        i18n::layer_name(lang, l)
                    ),
                    Language::En => format!(
                        "Delete “{name}” from {}? (can be undone)",
                        i18n::layer_name(lang, l)
                    ),
                });
                ui.horizontal(|ui| {
                    if ui.button(tr(lang, "Xóa", "Delete")).clicked() {
                        answer = Some(true);
                    }
                    if ui.button(tr(lang, "Hủy", "Cancel")).clicked() {
                        answer = Some(false);
                    }
                });
            });
            match answer {
                Some(true) => {
                    self.editor.confirm_delete = None;
                    if let Some(site) = self.project.site(l, f).cloned()
                        && self.apply_edit(Edit::delete(site), None)
                    {
                        self.selected = None;
                    }
                }
                Some(false) => self.editor.confirm_delete = None,
                None => {}
            }
        }
        if let Some(list) = self.backups.clone() {
            let mut open = true;
            egui::Window::new(tr(lang, "Khôi phục bản sao lưu", "Restore backup"))
                .open(&mut open)
                .collapsible(false)
                .show(ctx, |ui| {
                    if list.is_empty() {
                        ui.label(tr(lang, "Chưa có bản sao lưu nào của dự án này.", "No backup of this project yet."));
                    }
                    for b in &list {
                        ui.horizontal(|ui| {
                            ui.label(&b.taken);
                            if ui.button(tr(lang, "Khôi phục…", "Restore…")).clicked() {
                                self.confirm_restore = Some(b.clone());
                            }
                        });
                    }
                    ui.label(
                        egui::RichText::new(tr(
                            lang,
                            "Một bản sao được lưu trước lần sửa đầu tiên của mỗi phiên; giữ 5 bản mới nhất.",
                            "A copy is kept before the first edit of each session; the newest 5 are kept.",
                        ))
                        .small(),
                    );
                });
            if !open {
                self.backups = None;
            }
        }
        if let Some(b) = self.confirm_restore.clone() {
            let mut answer = None;
            egui::Modal::new(egui::Id::unique("confirm_restore")).show(ctx, |ui| {
                ui.label(match lang {
                    Language::Vi => format!("Thay nội dung dự án bằng bản sao lưu lúc {}? Trạng thái hiện tại được sao lưu trước.", b.taken),
                    Language::En => format!("Replace the project with the backup of {}? The current state is backed up first.", b.taken),
                });
                ui.horizontal(|ui| {
                    if ui.button(tr(lang, "Khôi phục", "Restore")).clicked() {
                        answer = Some(true);
                    }
                    if ui.button(tr(lang, "Hủy", "Cancel")).clicked() {
                        answer = Some(false);
                    }
                });
            });
            if let Some(yes) = answer {
                self.confirm_restore = None;
                if yes {
                    self.backups = None;
                    let result = self.file.as_mut().map(|f| f.restore_backup(&b.path));
                    match result {
                        Some(Ok(())) => self.reread_project(),
                        Some(Err(e)) => self.show_error(e.text(self.lang())),
                        None => {}
                    }
                }
            }
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        let title = match &self.file {
            Some(f) if f.is_read_only() => format!(
                "qn-planner — {} — {}",
                f.path().display(),
                tr(lang, "chỉ đọc", "read-only")
            ),
            Some(f) => format!(
                "qn-planner — {} — {}",
                f.path().display(),
                tr(lang, "mọi thay đổi đã được lưu", "all changes saved")
            ),
            None => format!(
                "qn-planner — {}",
                tr(lang, "chưa mở dự án", "no project open")
            ),
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(tr(lang, "Tệp", "File"), |ui| {
                if ui.button(tr(lang, "Mở dự án…", "Open project…")).clicked() {
                    ui.close();
                    self.choose_path(Purpose::OpenProject, false, &["gpkg"], "GeoPackage", "");
                }
                if ui
                    .button(tr(lang, "Mở theo đường dẫn…", "Open by path…"))
                    .clicked()
                {
                    ui.close();
                    self.show_open_path = true;
                }
                if ui
                    .button(tr(lang, "Tạo dự án mới…", "New project…"))
                    .clicked()
                {
                    ui.close();
                    self.choose_path(
                        Purpose::NewProject,
                        true,
                        &["gpkg"],
                        "GeoPackage",
                        "quang-ninh.gpkg",
                    );
                }
                if ui
                    .button(tr(lang, "Nhập dữ liệu…", "Import data…"))
                    .clicked()
                {
                    ui.close();
                    self.import.open = true;
                }
                if ui.button(tr(lang, "Xuất bản đồ…", "Export map…")).clicked() {
                    ui.close();
                    if self.export.path.is_empty()
                        && let Some(d) = crate::settings::data_dir()
                    {
                        self.export.path = d.join("quang-ninh.pdf").display().to_string();
                    }
                    self.export.open = true;
                }
                if ui
                    .button(tr(lang, "Khôi phục bản sao lưu…", "Restore backup…"))
                    .clicked()
                {
                    ui.close();
                    let list = match (&self.file, self.file.as_ref().and_then(|f| f.backup_dir())) {
                        (Some(f), Some(dir)) => f.backups_in(dir),
                        _ => Vec::new(),
                    };
                    self.backups = Some(list);
                }
                ui.separator();
                if ui.button(tr(lang, "Thoát", "Quit")).clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button(tr(lang, "Xem", "View"), |ui| {
                // Who drafts: recorded with each drawn or moved geometry.
                ui.label(tr(
                    lang,
                    "Người lập (ghi vào vị trí vẽ/di chuyển):",
                    "Drafted by (recorded with drawn/moved positions):",
                ));
                let login = self.settings.author_name();
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.settings.author)
                            .hint_text(login)
                            .desired_width(220.0),
                    )
                    .labelled_by(ui.label(tr(lang, "Người lập", "Author")).id);
                if r.lost_focus() {
                    self.settings.author = crate::model::text::nfc(self.settings.author.trim());
                    self.save_settings();
                }
                ui.separator();
                if ui
                    .button(tr(lang, "Vừa toàn tỉnh", "Fit province"))
                    .clicked()
                {
                    ui.close();
                    self.fit_requested = true;
                }
            });
            ui.menu_button(tr(lang, "Trợ giúp", "Help"), |ui| {
                if ui.button(tr(lang, "Giới thiệu", "About")).clicked() {
                    ui.close();
                    self.show_about = true;
                }
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let other = match lang {
                    Language::Vi => "English",
                    Language::En => "Tiếng Việt",
                };
                if ui
                    .button(other)
                    .on_hover_text(tr(lang, "Đổi ngôn ngữ", "Switch language"))
                    .clicked()
                {
                    self.settings.language = match lang {
                        Language::Vi => Language::En,
                        Language::En => Language::Vi,
                    };
                    self.save_settings();
                }
                if ui
                    .button(tr(lang, "Vừa toàn tỉnh", "Fit province"))
                    .clicked()
                {
                    self.fit_requested = true;
                }
            });
        });
    }

    fn side_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.add_space(4.0);
        ui.label(RichText::new(tr(lang, "Tìm địa điểm", "Find a site")).strong());
        ui.add(
            egui::TextEdit::singleline(&mut self.search)
                .hint_text(tr(
                    lang,
                    "tên, có dấu hoặc không",
                    "name, with or without accents",
                ))
                .desired_width(f32::INFINITY),
        );
        if !self.search.trim().is_empty() {
            let hits: Vec<(Layer, i64, String, bool)> = self
                .project
                .search(&self.search)
                .into_iter()
                .map(|s| (s.layer, s.fid, s.name.clone(), s.is_located()))
                .collect();
            if hits.is_empty() {
                ui.label(RichText::new(tr(lang, "Không tìm thấy", "Nothing found")).italics());
            }
            for (layer, fid, name, located) in hits {
                let label = if located {
                    format!("{name} · {}", i18n::layer_name(lang, layer))
                } else {
                    format!(
                        "{name} · {} ({})",
                        i18n::layer_name(lang, layer),
                        i18n::precision(lang, Precision::NotLocated)
                    )
                };
                let sel = self.selected == Some((layer, fid));
                if ui.selectable_label(sel, label).clicked() {
                    self.zoom_to(layer, fid);
                }
            }
        }
        ui.separator();
        ui.label(RichText::new(tr(lang, "Lớp quy hoạch", "Planning layers")).strong());
        for layer in Layer::ALL {
            let i = layer_index(layer);
            let n = self.project.sites_of(layer).count();
            let text = if layer == Layer::IndustrialCentres {
                format!(
                    "{} ({} · {} {})",
                    i18n::layer_name(lang, layer),
                    self.project.centres.len(),
                    n,
                    tr(lang, "nhà máy", "plants")
                )
            } else {
                format!("{} ({n})", i18n::layer_name(lang, layer))
            };
            ui.horizontal(|ui| {
                let (rect, _) = ui.allocate_exact_size(Vec2::splat(20.0), Sense::hover());
                style::paint_symbol(ui.painter(), layer, rect.center(), 1.0);
                ui.checkbox(&mut self.visible[i], text);
            });
        }
        if !self.refs.is_empty() {
            ui.label(RichText::new(tr(lang, "Lớp tham chiếu", "Reference layers")).strong());
            for r in &mut self.refs {
                ui.horizontal(|ui| {
                    let (rect, _) = ui.allocate_exact_size(Vec2::splat(20.0), Sense::hover());
                    let c = r.color;
                    ui.painter().rect_filled(
                        rect.shrink(4.0),
                        2.0,
                        Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), 90),
                    );
                    ui.painter().rect_stroke(
                        rect.shrink(4.0),
                        2.0,
                        Stroke::new(1.0, c),
                        egui::StrokeKind::Inside,
                    );
                    ui.checkbox(&mut r.visible, format!("{} ({})", r.name, r.count))
                        .on_hover_text(&r.table);
                });
            }
        }
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::splat(20.0), Sense::hover());
            style::paint_town(ui.painter(), rect.center());
            ui.checkbox(
                &mut self.show_towns,
                format!(
                    "{} ({})",
                    tr(
                        lang,
                        "Thành phố, thị xã, thị trấn",
                        "Towns and district seats"
                    ),
                    self.base.towns.len()
                ),
            );
        });
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::splat(20.0), Sense::hover());
            style::paint_approximate_halo(
                ui.painter(),
                Layer::IndustrialClusters,
                rect.center(),
                0.6,
            );
            ui.label(tr(
                lang,
                "vị trí gần đúng / tâm phường, xã",
                "approximate / ward or commune centre",
            ));
        });
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::new(20.0, 12.0), Sense::hover());
            ui.painter().line_segment(
                [rect.left_center(), rect.right_center()],
                Stroke::new(2.2, style::BORDER),
            );
            ui.label(tr(lang, "Biên giới Việt – Trung", "Vietnam–China border"));
        });
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::new(20.0, 12.0), Sense::hover());
            ui.painter().extend(egui::Shape::dashed_line(
                &[rect.left_center(), rect.right_center()],
                Stroke::new(1.6, style::PROVINCE_LINE),
                5.0,
                3.0,
            ));
            ui.label(tr(lang, "Ranh giới tỉnh", "Province boundary"));
        });
        ui.separator();
        egui::CollapsingHeader::new(tr(
            lang,
            "Trung tâm công nghiệp (¶3)",
            "Industrial centres (¶3)",
        ))
        .default_open(false)
        .show(ui, |ui| {
            let centres = self.project.centres.clone();
            for c in &centres {
                let name = match lang {
                    Language::Vi => c.name.clone(),
                    Language::En => c.name_en.clone(),
                };
                let plants: Vec<&Site> = self
                    .project
                    .sites_of(Layer::IndustrialCentres)
                    .filter(|s| s.centre_key == c.key)
                    .collect();
                let located = plants.iter().filter(|s| s.is_located()).count();
                let suffix = if c.geom.is_none() {
                    format!(" — {}", i18n::precision(lang, Precision::NotLocated))
                } else {
                    String::new()
                };
                ui.label(format!(
                    "{name}: {located}/{} {}{suffix}",
                    plants.len(),
                    tr(lang, "nhà máy có vị trí", "plants located")
                ));
            }
        });
        let not_located: Vec<(Layer, i64, String)> = self
            .project
            .sites
            .iter()
            .filter(|s| !s.is_located())
            .map(|s| (s.layer, s.fid, s.name.clone()))
            .collect();
        egui::CollapsingHeader::new(format!(
            "{} ({})",
            tr(lang, "Chưa định vị", "Not located"),
            not_located.len()
        ))
        .default_open(true)
        .show(ui, |ui| {
            ui.label(
                RichText::new(tr(
                    lang,
                    "Không có nguồn công khai cho vị trí; không đặt bằng phỏng đoán.",
                    "No public source gives a position; never placed by guess.",
                ))
                .small(),
            );
            for (layer, fid, name) in not_located {
                let sel = self.selected == Some((layer, fid));
                if ui
                    .selectable_label(sel, format!("{name} · {}", i18n::layer_name(lang, layer)))
                    .clicked()
                {
                    self.selected = Some((layer, fid));
                }
            }
        });
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.horizontal(|ui| {
            match self.cursor {
                Some(w) => {
                    let ll = self
                        .tm3
                        .lonlat_from_tm3(w[0], w[1])
                        .map(|(lon, lat)| format!("{lat:.5}° N  {lon:.5}° E"))
                        .unwrap_or_default();
                    ui.label(format!(
                        "{ll}   |   VN-2000 / TM-3 107°45′: E {:.1}  N {:.1} m",
                        w[0], w[1]
                    ));
                }
                None => {
                    ui.label(tr(
                        lang,
                        "Di chuột trên bản đồ để xem toạ độ",
                        "Move over the map for coordinates",
                    ));
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let saved = match &self.file {
                    Some(f) if f.is_read_only() => tr(lang, "chỉ đọc", "read-only"),
                    Some(_) => tr(lang, "đã lưu", "saved"),
                    None => tr(lang, "chưa mở dự án", "no project"),
                };
                ui.label(saved);
            });
        });
    }

    fn dialogs_ui(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        if let Some(msg) = self.error.clone() {
            let mut close = false;
            egui::Window::new(tr(lang, "Thông báo", "Message"))
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
                .show(ctx, |ui| {
                    ui.label(msg);
                    if ui.button("OK").clicked() {
                        close = true;
                    }
                });
            if close {
                self.error = None;
            }
        }
        self.identify_window(ctx);
        self.file_browser_window(ctx);
        if self.show_about {
            let mut open = true;
            egui::Window::new(tr(lang, "Giới thiệu qn-planner", "About qn-planner"))
                .open(&mut open)
                .collapsible(false)
                .show(ctx, |ui| {
                    ui.label(format!("qn-planner {}", env!("CARGO_PKG_VERSION")));
                    ui.label(tr(
                        lang,
                        "Bản đồ quy hoạch ngoại tuyến các khu, cụm công nghiệp tỉnh Quảng Ninh.",
                        "Offline planning map of the industrial zones and clusters of Quảng Ninh.",
                    ));
                    ui.separator();
                    ui.label(RichText::new(tr(lang, "Dữ liệu nền", "Base-map data")).strong());
                    ui.add(egui::Label::new(crate::io::basemap::attribution(lang)).wrap());
                    ui.label(tr(
                        lang,
                        "Dữ liệu quy hoạch: báo cáo năm 2007 của Sở Công nghiệp Quảng Ninh; vị trí theo nguồn ghi ở từng đối tượng.",
                        "Planning data: the 2007 report of the Quảng Ninh Department of Industry; positions as cited on each record.",
                    ));
                    ui.label("Font: Noto Sans, © Google, SIL Open Font License 1.1");
                });
            self.show_about = open;
        }
        if self.show_open_path {
            let mut open = true;
            let mut go = false;
            egui::Window::new(tr(lang, "Mở dự án theo đường dẫn", "Open project by path"))
                .open(&mut open)
                .collapsible(false)
                .show(ctx, |ui| {
                    let label =
                        ui.label(tr(lang, "Đường dẫn tệp .gpkg:", "Path of the .gpkg file:"));
                    let r = ui
                        .add(egui::TextEdit::singleline(&mut self.open_path).desired_width(360.0))
                        .labelled_by(label.id);
                    if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                        go = true;
                    }
                    if ui.button(tr(lang, "Mở", "Open")).clicked() {
                        go = true;
                    }
                });
            if go {
                let p = PathBuf::from(self.open_path.trim());
                self.open(&p);
                open = false;
            }
            self.show_open_path = open;
        }
    }

    /// The map canvas; with `QN_PLANNER_TIMING` set, the CPU time of building the map's
    /// shapes is collected and its median and 95th percentile printed every 120 frames.
    fn map_ui(&mut self, ui: &mut egui::Ui) {
        let t0 = Instant::now();
        self.map_ui_inner(ui);
        if self.timing {
            self.frame_times.push(t0.elapsed().as_secs_f64() * 1000.0);
            if self.frame_times.len() >= 120 {
                let mut v = std::mem::take(&mut self.frame_times);
                v.sort_by(f64::total_cmp);
                let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
                eprintln!(
                    "qn-planner: map frame CPU over {} frames: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
                    v.len(),
                    at(0.5),
                    at(0.95),
                    at(1.0)
                );
            }
        }
    }

    fn map_ui_inner(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let (resp, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
        let rect = resp.rect;
        self.map_rect = rect;
        if self.fit_requested || self.view.is_none() {
            let (min, max) = self.base.province_bounds;
            self.view = Some(MapView::fit(min, max, rect.size()));
            self.fit_requested = false;
        }
        let Some(mut view) = self.view else { return };

        // Interaction: the tool first (it may take the drag), then pan and zoom.
        let tool_drag = self.tool_input(ui, &resp, &Projector::new(rect, view));
        if resp.dragged() && !tool_drag {
            view.pan(resp.drag_delta());
        }
        let hover_pos = resp.hover_pos();
        if let Some(hp) = hover_pos {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y);
            if scroll != 0.0 {
                view.zoom_at(rect, hp, (-scroll as f64 * 0.003).exp());
            }
        }
        let typing = ui.ctx().memory(|m| m.focused().is_some());
        if !typing {
            let (plus, minus) = ui.input(|i| {
                (
                    i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals),
                    i.key_pressed(Key::Minus),
                )
            });
            let anchor = hover_pos.unwrap_or(rect.center());
            if plus {
                view.zoom_at(rect, anchor, 0.5);
            }
            if minus {
                view.zoom_at(rect, anchor, 2.0);
            }
        }
        self.view = Some(view);
        let pr = Projector::new(rect, view);
        self.cursor = hover_pos.map(|p| pr.world_from_screen(p));

        // Base map.
        let painter = painter.with_clip_rect(rect);
        self.base.paint(&painter, &pr);
        let settled = self.last_view == Some(view);
        self.last_view = Some(view);
        for r in &mut self.refs {
            r.paint(&painter, &pr, settled);
        }
        if !settled && !self.refs.is_empty() {
            // Draw once more when the view stops moving, so the dot images are redrawn sharp.
            ui.ctx().request_repaint();
        }

        // Planning layers, drawn from the least to the most important.
        self.prepare_shapes();
        let mut drawn: Vec<Drawn> = Vec::new();
        let sym_scale = if self.presenting { 1.5 } else { 1.0 };
        for layer in Layer::ALL.iter().rev().copied() {
            if !self.visible[layer_index(layer)] {
                continue;
            }
            for s in self.project.sites_of(layer) {
                if s.geom.is_none() {
                    continue;
                }
                let state = self.site_state(s.layer, s.fid);
                let ghost = state == scenarios::SiteState::Ghost;
                self.paint_site_geometry(&painter, &pr, s, ghost);
                let Some(w) = self.anchor_world(s) else {
                    continue;
                };
                let p = pr.screen_from_world(w);
                if !rect.expand(20.0).contains(p) {
                    continue;
                }
                if ghost {
                    // Not open yet in the scenario's year: a faded symbol, no label, no click.
                    style::paint_symbol(&painter, layer, p, 0.8 * sym_scale);
                    painter.circle_filled(
                        p,
                        style::radius(layer) + 2.0,
                        Color32::from_rgba_unmultiplied(244, 241, 230, 185),
                    );
                    continue;
                }
                if state == scenarios::SiteState::Opening {
                    painter.circle_stroke(
                        p,
                        style::radius(layer) + 6.0,
                        Stroke::new(3.0, Color32::from_rgb(0xe6, 0x9f, 0x00)),
                    );
                }
                if matches!(
                    s.location_precision,
                    Precision::Approximate | Precision::CommuneCentre
                ) {
                    style::paint_approximate_halo(&painter, layer, p, sym_scale);
                }
                style::paint_symbol(&painter, layer, p, sym_scale);
                drawn.push(Drawn {
                    layer,
                    fid: s.fid,
                    screen: p,
                });
            }
        }
        self.drawn = drawn.iter().map(|d| (d.layer, d.fid)).collect();
        if let Some((l, f)) = self.selected
            && let Some(d) = drawn.iter().find(|d| d.layer == l && d.fid == f)
        {
            self.paint_selected_outline(&painter, &pr, (l, f));
            painter.circle_stroke(d.screen, 13.0, Stroke::new(3.0, style::SELECTION));
            painter.circle_stroke(d.screen, 15.5, Stroke::new(1.0, Color32::BLACK));
        }
        for (l, f) in self.compare_differences() {
            if let Some(d) = drawn.iter().find(|d| d.layer == l && d.fid == f) {
                painter.circle_stroke(
                    d.screen,
                    11.0,
                    Stroke::new(2.5, Color32::from_rgb(0x8e, 0x24, 0xaa)),
                );
            }
        }
        // Markers and tool overlays are drafting aids: not shown when presenting.
        let markers = if self.presenting {
            Vec::new()
        } else {
            self.paint_check_markers(&painter, &pr)
        };
        let mut towns: Vec<(String, Pos2)> = Vec::new();
        if self.show_towns {
            for (label, _, w) in &self.base.towns {
                let p = pr.screen_from_world(*w);
                if rect.contains(p) {
                    style::paint_town(&painter, p);
                    towns.push((label.clone(), p));
                }
            }
        }
        self.paint_labels(&painter, rect, &drawn, &towns);

        if !self.presenting {
            self.paint_tool_overlay(&painter, &pr, hover_pos);
        }

        // Hover and click.
        let nearest = hover_pos.and_then(|hp| self.hit_test(&pr, hp, 12.0));
        if resp.clicked() && self.editor.tool == Tool::Select {
            self.selected = nearest;
            match (nearest, resp.interact_pointer_pos()) {
                // No planning site there: what do the reference layers hold?
                (None, Some(p)) => self.identify_reference(&pr, p),
                _ => self.identified = None,
            }
        }
        let marker = hover_pos.and_then(|hp| {
            markers
                .iter()
                .filter(|(p, _)| p.distance(hp) <= 10.0)
                .map(|(_, t)| t.clone())
                .next()
        });
        if let Some(text) = marker {
            resp.clone().on_hover_text_at_pointer(text);
        } else if let Some((l, f)) = nearest
            && !resp.dragged()
            && let Some(s) = self.project.site(l, f)
        {
            let mut text = format!(
                "{}\n{} · {}\n{} · {}",
                s.name,
                i18n::layer_name(lang, s.layer),
                i18n::status(lang, s.status),
                s.source_para,
                i18n::precision(lang, s.location_precision)
            );
            if let Some(a) = s.area_ha {
                text.push_str(&format!("\n{a:.2} ha"));
            }
            resp.clone().on_hover_text_at_pointer(text);
        }
        self.paint_scale_bar(&painter, &pr);
        let attribution = painter.layout(
            ATTRIBUTION_SHORT.to_string(),
            FontId::proportional(if self.presenting { 14.0 } else { 10.0 }),
            Color32::from_gray(60),
            (rect.width() - 200.0).max(120.0),
        );
        let at = rect.right_bottom() - attribution.size() - Vec2::new(6.0, 4.0);
        painter.rect_filled(
            Rect::from_min_size(at, attribution.size()).expand(2.0),
            2.0,
            Color32::from_rgba_unmultiplied(255, 255, 255, 170),
        );
        painter.galley(at, attribution, Color32::from_gray(60));
        if self.presenting {
            self.paint_presentation_overlays(&painter, rect);
        }
    }

    fn paint_site_geometry(&self, painter: &egui::Painter, pr: &Projector, s: &Site, ghost: bool) {
        let Some(shape) = self.shapes.peek((s.layer, s.fid)) else {
            return;
        };
        let col = style::colour(s.layer);
        let alpha = if ghost {
            15
        } else if s.status.is_planned() {
            40
        } else {
            80
        };
        shape.paint_fill(
            painter,
            pr,
            Color32::from_rgba_unmultiplied(col.r(), col.g(), col.b(), alpha),
        );
        let stroke = if ghost {
            Stroke::new(1.0, col.gamma_multiply(0.4))
        } else {
            Stroke::new(2.0, col)
        };
        shape.paint_outline(painter, pr, stroke, s.status.is_planned() || ghost);
    }

    fn paint_selected_outline(&self, painter: &egui::Painter, pr: &Projector, key: (Layer, i64)) {
        if let Some(shape) = self.shapes.peek(key) {
            shape.paint_outline(
                painter,
                pr,
                Stroke::new(4.0, style::SELECTION.gamma_multiply(0.8)),
                false,
            );
        }
    }

    /// The geometry stamps of the sites, computed once per change of the project.
    fn refresh_stamps(&mut self) {
        if self.stamps_gen == self.project_gen {
            return;
        }
        self.stamps_gen = self.project_gen;
        let mut old = std::mem::take(&mut self.geom_stamps);
        for s in &self.project.sites {
            let key = (s.layer, s.fid);
            let stamp = geometry_stamp(s.geom.as_ref());
            let meta = match old.remove(&key) {
                // Same geometry: its box and anchor still hold.
                Some(m) if m.stamp == stamp => m,
                _ => GeomMeta::of(s, stamp, &self.tm3),
            };
            self.geom_stamps.insert(key, meta);
        }
        let project = &self.project;
        self.shapes
            .retain(|(l, f)| project.site(*l, *f).is_some_and(Site::is_area));
    }

    /// Makes sure every area of a visible layer has its prepared shape (small ones now, big
    /// ones on the worker).
    fn prepare_shapes(&mut self) {
        self.refresh_stamps();
        for s in &self.project.sites {
            if !s.is_area() || !self.visible[layer_index(s.layer)] {
                continue;
            }
            let Some(g) = &s.geom else { continue };
            let key = (s.layer, s.fid);
            let stamp = self.geom_stamps.get(&key).map_or(0, |m| m.stamp);
            self.shapes
                .get(&self.tm3, key, g, stamp, sitecache::vertex_count(g));
        }
    }

    /// Warning markers of the checks for every drawn area and the selected site. Returns the
    /// markers' screen positions and texts for hover.
    fn paint_check_markers(
        &mut self,
        painter: &egui::Painter,
        pr: &Projector,
    ) -> Vec<(Pos2, String)> {
        let lang = self.lang();
        let mut keys: Vec<(Layer, i64)> = self
            .project
            .sites
            .iter()
            .filter(|s| s.is_area() && self.is_layer_visible(s.layer))
            .map(|s| (s.layer, s.fid))
            .collect();
        if let Some(sel) = self.selected
            && !keys.contains(&sel)
        {
            keys.push(sel);
        }
        let mut out = Vec::new();
        for (l, f) in keys {
            let findings = self.findings_of(l, f);
            let Some(site) = self.project.site(l, f) else {
                continue;
            };
            for fd in findings.iter().filter(|x| x.is_warning()) {
                let Some(at) = fd.at else { continue };
                let Ok((e, n)) = self.tm3.tm3_from_lonlat(at.x(), at.y()) else {
                    continue;
                };
                let p = pr.screen_from_world([e, n]);
                if !pr.rect.contains(p) {
                    continue;
                }
                let accepted = fd.accepted_reason(site).is_some();
                let col = if accepted {
                    Color32::from_gray(140)
                } else {
                    Color32::from_rgb(0xd6, 0x27, 0x28)
                };
                let tri = vec![
                    p + Vec2::new(0.0, -9.0),
                    p + Vec2::new(8.0, 6.0),
                    p + Vec2::new(-8.0, 6.0),
                ];
                painter.add(egui::Shape::convex_polygon(
                    tri,
                    col,
                    Stroke::new(1.5, Color32::WHITE),
                ));
                painter.text(
                    p + Vec2::new(0.0, 1.5),
                    egui::Align2::CENTER_CENTER,
                    "!",
                    FontId::proportional(11.0),
                    Color32::WHITE,
                );
                let mut text = format!("{}: {}", site.name, form::finding_text(lang, fd));
                if let Some(r) = fd.accepted_reason(site) {
                    text.push_str(&format!("\n{}: {r}", tr(lang, "Đã chấp nhận", "Accepted")));
                }
                out.push((p, text));
            }
        }
        // Failed rules (not accepted) of the drawn planning sites: a purple marker beside the site.
        let keys: Vec<(Layer, i64)> = self.drawn.clone();
        for (l, f) in keys {
            let Some((year, results)) = self.rule_results(l, f) else {
                continue;
            };
            let Some(site) = self.project.site(l, f).cloned() else {
                continue;
            };
            let failed: Vec<String> = results
                .iter()
                .filter(|r| {
                    r.verdict == crate::analysis::rules::Verdict::Fail
                        && r.accepted_reason(&site).is_none()
                })
                .map(|r| {
                    format!(
                        "{} — {}",
                        rules_ui::detail_text(lang, &r.detail),
                        rules_ui::ui_citation(lang, &r.citation)
                    )
                })
                .collect();
            if failed.is_empty() {
                continue;
            }
            let Some(w) = self.anchor_world(&site) else {
                continue;
            };
            let p = pr.screen_from_world(w) + Vec2::new(11.0, -11.0);
            if !pr.rect.contains(p) {
                continue;
            }
            let col = Color32::from_rgb(0x8e, 0x24, 0xaa);
            painter.circle_filled(p, 7.0, col);
            painter.circle_stroke(p, 7.0, Stroke::new(1.5, Color32::WHITE));
            painter.text(
                p,
                egui::Align2::CENTER_CENTER,
                "§",
                FontId::proportional(10.0),
                Color32::WHITE,
            );
            out.push((
                p,
                format!(
                    "{} — {} {year}:\n{}",
                    site.name,
                    tr(lang, "không đạt quy định năm", "fails the rules of"),
                    failed.join("\n")
                ),
            ));
        }
        out
    }

    fn paint_labels(
        &mut self,
        painter: &egui::Painter,
        rect: Rect,
        drawn: &[Drawn],
        towns: &[(String, Pos2)],
    ) {
        struct Item {
            text: String,
            colour: Color32,
        }
        let mut items: Vec<Item> = Vec::new();
        let mut cands: Vec<Candidate> = Vec::new();
        let mut galleys = Vec::new();
        let mut add =
            |text: String, colour: Color32, font: FontId, anchor: Pos2, gap: f32, priority: u32| {
                let galley = painter.layout_no_wrap(text.clone(), font.clone(), colour);
                cands.push(Candidate {
                    anchor: [anchor.x, anchor.y],
                    size: [galley.size().x + 4.0, galley.size().y],
                    gap,
                    priority,
                });
                galleys.push(galley);
                items.push(Item { text, colour });
            };
        for d in drawn {
            if let Some(s) = self.project.site(d.layer, d.fid) {
                let pri = u32::from(d.layer.label_priority()) * 10;
                let colour = style::colour(d.layer).gamma_multiply(0.85);
                add(
                    s.name.clone(),
                    colour,
                    FontId::proportional(if self.presenting { 17.0 } else { 13.0 }),
                    d.screen,
                    style::radius(d.layer),
                    pri,
                );
            }
        }
        for (label, p) in towns {
            add(
                label.clone(),
                style::TOWN,
                FontId::new(
                    if self.presenting { 18.0 } else { 13.5 },
                    FontFamily::Name(fonts::BOLD.into()),
                ),
                *p,
                3.5,
                // Presenting, the towns orient the room: their names come first.
                if self.presenting { 5 } else { 25 },
            );
        }
        // Symbols are obstacles: a label never hides a site.
        let mut obstacles: Vec<Bbox> = drawn
            .iter()
            .map(|d| {
                let r = style::radius(d.layer);
                Bbox::new(
                    [d.screen.x - r, d.screen.y - r],
                    [d.screen.x + r, d.screen.y + r],
                )
            })
            .collect();
        // Keep clear of the scale bar and attribution.
        obstacles.push(Bbox::new(
            [rect.min.x, rect.max.y - 44.0],
            [rect.max.x, rect.max.y],
        ));
        if self.presenting {
            // The title and the legend overlays.
            obstacles.push(Bbox::new(
                [rect.min.x, rect.min.y],
                [rect.min.x + 760.0, rect.min.y + 90.0],
            ));
            let legend = self.presentation_legend_rect(rect);
            obstacles.push(Bbox::new(
                [legend.min.x, legend.min.y],
                [legend.max.x, legend.max.y],
            ));
        }
        let bounds = Bbox::new([rect.min.x, rect.min.y], [rect.max.x, rect.max.y]);
        let placed = place_labels(&cands, &obstacles, bounds);
        self.labels.clear();
        for p in placed {
            let item = &items[p.index];
            let r = Rect::from_min_max(
                Pos2::new(p.bbox.min[0], p.bbox.min[1]),
                Pos2::new(p.bbox.max[0], p.bbox.max[1]),
            );
            // A label pushed out from its symbol gets a leader line to it.
            let anchor = Pos2::new(cands[p.index].anchor[0], cands[p.index].anchor[1]);
            let nearest = Pos2::new(
                anchor.x.clamp(r.min.x, r.max.x),
                anchor.y.clamp(r.min.y, r.max.y),
            );
            if p.leader {
                painter.line_segment(
                    [anchor, nearest],
                    Stroke::new(1.0, item.colour.gamma_multiply(0.7)),
                );
            }
            painter.rect_filled(r, 3.0, Color32::from_rgba_unmultiplied(255, 255, 255, 190));
            painter.galley(
                r.min + Vec2::new(2.0, 0.0),
                galleys[p.index].clone(),
                item.colour,
            );
            self.labels.push(PlacedLabel {
                text: item.text.clone(),
                rect: r,
            });
        }
    }

    fn paint_scale_bar(&self, painter: &egui::Painter, pr: &Projector) {
        let Some(g) = pr.ground_m_per_px(&self.tm3) else {
            return;
        };
        let len_m = map::nice_length_m(g * 140.0);
        let len_px = (len_m / g) as f32;
        let base = pr.rect.left_bottom() + Vec2::new(16.0, -18.0);
        let end = base + Vec2::new(len_px, 0.0);
        let bg = Rect::from_min_max(base + Vec2::new(-8.0, -24.0), end + Vec2::new(40.0, 8.0));
        painter.rect_filled(bg, 3.0, Color32::from_rgba_unmultiplied(255, 255, 255, 200));
        let st = Stroke::new(2.0, Color32::BLACK);
        painter.line_segment([base, end], st);
        painter.line_segment([base, base + Vec2::new(0.0, -7.0)], st);
        painter.line_segment([end, end + Vec2::new(0.0, -7.0)], st);
        painter.text(
            base + Vec2::new(len_px / 2.0, -6.0),
            egui::Align2::CENTER_BOTTOM,
            map::format_length(len_m),
            FontId::proportional(if self.presenting { 16.0 } else { 12.0 }),
            Color32::BLACK,
        );
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
