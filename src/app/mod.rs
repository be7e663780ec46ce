//! The egui front end: the only module that draws or asks the user anything.
//!
//! This file holds the app's state — the open file, the project, the history, and each part
//! of the window's own state (`map: MapState`, `dialogs`, `form`, `table`, `scenario`,
//! `rules`, `import`, `export`) — and lays the frame out ([`QnApp::show`]). Every part of the
//! window is a function of what it shows and its own state, or a context over borrowed parts
//! of the app (`MapCtx`, `FormCtx`, `ScenarioPanel`, `ImportCtx`), and returns [`Command`]s.
//! A change takes one path: a panel builds an [`Edit`] and asks for it with a command; at the
//! end of the frame [`QnApp::run_commands`] (`command.rs`) hands it to [`History::apply`],
//! validated and written in one transaction by the domain, then follows it up (select the new
//! site…). The parts: `menu` (menu bar, toolbar, status bar, shortcuts), `side` (the left
//! panel), `map/` (the map: `canvas` draws it, `editing` its drafting tools, `derived` and
//! `sitecache` its caches, `present` presentation mode), `paint` (the styles' painter),
//! `dialogs` (windows over the map and Esc), `panels/` (`form`, `table`, `scenarios/` one file
//! per tab, `rules`, `style`, `sync`, `import`, `export`). Nothing here decides what is stored.

pub mod command;
mod dialogs;
mod entry;
pub mod filebrowser;
pub mod fonts;
pub mod i18n;
pub mod launch;
mod locator;
pub mod map;
mod menu;
pub mod paint;
pub mod panels;
mod paths;
mod queries;
mod selection_actions;
mod side;
mod style_actions;
mod toolbar;
mod welcome;

use crate::analysis::checks::{CheckContext, Checked, Finding};
use crate::edit::{Edit, EditError, History};
use crate::io::basemap::BaseMap;
use crate::io::crs::Tm3;
use crate::lang::Language;
use crate::model::{Layer, Precision, Project, Site, text};
use crate::settings::Settings;
use crate::store::ProjectFile;
use crate::store::session::BackupInfo;
use command::Command;
use egui::{Key, Rect, RichText};
pub(crate) use entry::{buffered_text, note_refusal, refusal_label};
use filebrowser::Purpose;
use i18n::tr;
pub use launch::window_icon;
use map::editing::Editor;
use map::{BaseCache, MapView, World};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

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
    file: Option<ProjectFile>,
    project: Project,
    /// What the map keeps between frames (view, layers shown, selection, tools).
    map: map::canvas::MapState,
    /// What the map derives from the project (shapes, stamps, the background checks).
    derived: map::derived::Derived,
    locator: locator::LocatorUi,
    settings: Settings,
    persist_settings: bool,
    dialogs: dialogs::Dialogs,
    title: String,
    started: Option<Instant>,
    first_frame_reported: bool,
    history: History,
    /// Bumped by every applied edit; caches compare against it.
    project_gen: u64,
    form: panels::form::FormState,
    table: Option<panels::table::TableState>,
    selection_ui: panels::selection::SelectionUi,
    /// A short message in the status bar (e.g. a refused cell value).
    status_note: Option<String>,
    /// Tables another program wrote into the project (listed, not drawn).
    foreign_tables: Vec<crate::store::ForeignTable>,
    /// The merge key of the last typed edit and when it was applied: a pause in typing of
    /// [`command::TYPING_PAUSE`] or more commits the value typed so far as a step of its own.
    last_typed: Option<(u64, std::time::Instant)>,
    /// Scenario values refused by the last edit, shown in the scenario editor.
    scenario_errors: Vec<crate::scenario::ScenarioError>,
    scenario: panels::scenarios::ScenarioUi,
    rules: panels::rules::RulesUi,
    /// The style panel (open on one layer, or closed).
    style_ui: panels::style::StyleUi,
    export: panels::export::ExportUi,
    import: panels::import::ImportUi,
    /// What the panels of this frame asked for, applied at its end ([`QnApp::run_commands`]).
    commands: Vec<Command>,
    /// The change log of the selected site, read for (site, project generation).
    site_history: Option<SiteHistory>,
    /// Sync with the shared plan.
    sync: panels::sync::SyncUi,
    /// Asks for a repaint from a worker thread.
    wake: egui::Context,
    window_memory: launch::WindowMemory,
}

/// The change log of one site, and the (site, project generation) it was read for.
type SiteHistory = (
    ((Layer, i64), u64),
    Vec<crate::model::oplog::Operation>,
    Vec<crate::sync::Conflict>,
);

/// Reads every reference layer of `file` and prepares it for drawing.
fn load_reference_layers(
    file: &ProjectFile,
    tm3: &crate::io::crs::Tm3,
) -> Result<Vec<map::RefLayerView>, String> {
    let mut out = Vec::new();
    for r in file.reference_layers().map_err(|e| e.to_string())? {
        let mut view = map::RefLayerView::new(&r.name, &r.table, &r.color);
        file.for_each_table_geometry(&r.table, &mut |fid, g| view.add(tm3, fid, &g))
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
        let derived = map::derived::Derived::new(checks_ctx, move || wake_ctx.request_repaint());
        let mut app = QnApp {
            tm3,
            base,
            file: None,
            project: Project::default(),
            map: map::canvas::MapState::default(),
            derived,
            locator: locator::LocatorUi::new(base_map.places.clone()),
            persist_settings: startup.persist_settings,
            dialogs: dialogs::Dialogs {
                error: startup.error,
                guide: !startup.settings.guide_seen,
                ..Default::default()
            },
            settings: startup.settings,
            title: String::new(),
            started: startup.started,
            first_frame_reported: false,
            history: History::default(),
            project_gen: 0,
            form: panels::form::FormState::default(),
            table: None,
            selection_ui: Default::default(),
            status_note: None,
            foreign_tables: Vec::new(),
            last_typed: None,
            scenario_errors: Vec::new(),
            scenario: panels::scenarios::ScenarioUi::default(),
            rules: panels::rules::RulesUi::default(),
            style_ui: panels::style::StyleUi::default(),
            export: panels::export::ExportUi::default(),
            import: panels::import::ImportUi::default(),
            commands: Vec::new(),
            site_history: None,
            sync: panels::sync::SyncUi::default(),
            wake: ctx.clone(),
            window_memory: launch::WindowMemory::default(),
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
        let same = self.file.as_ref().is_some_and(|f| f.path() == file.path());
        if !same {
            // Another project: its own server (read from it) and no conflict shown.
            self.sync.url.clear();
            self.sync.last = None;
            self.sync.select(None);
        }
        self.project = p;
        self.project_gen += 1;
        self.history.clear();
        self.map.editor = Editor::default();
        // Another project (or the same restored): its fids are not these sites.
        self.map.select_many(Default::default(), None);
        self.settings.last_project = Some(file.path().to_path_buf());
        self.foreign_tables = file.foreign_tables().unwrap_or_default();
        match load_reference_layers(&file, &self.tm3) {
            Ok(r) => self.map.refs = r,
            Err(e) => {
                self.map.refs.clear();
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
            self.dialogs.error = Some(msg);
        }
        self.file = Some(file);
        self.save_settings();
    }

    /// Re-reads the reference layers after an import, keeping what was hidden hidden.
    fn reload_reference_layers(&mut self) {
        let Some(file) = &self.file else { return };
        self.foreign_tables = file.foreign_tables().unwrap_or_default();
        match load_reference_layers(file, &self.tm3) {
            Ok(mut r) => {
                for v in &mut r {
                    if let Some(old) = self.map.refs.iter().find(|o| o.table == v.table) {
                        v.visible = old.visible;
                    }
                }
                self.map.refs = r;
            }
            Err(e) => self.show_error(e),
        }
    }

    fn show_error(&mut self, msg: String) {
        eprintln!("qn-planner: {msg}");
        self.dialogs.error = Some(msg);
    }

    /// The reference-layer features within `tol_m` metres of `at` (lon, lat), from the
    /// visible layers, the topmost first; remembered for the Identify window. An empty result
    /// closes the window.
    fn identify_reference(&mut self, at: (f64, f64), tol_m: f64) {
        let Some(file) = &self.file else { return };
        let (lon, lat) = at;
        let mut features = Vec::new();
        let mut failed = None;
        for r in self.map.refs.iter().rev().filter(|r| r.visible) {
            match file.features_at(&r.table, lon, lat, tol_m, 20) {
                Ok(found) => features.extend(found.into_iter().map(|f| (r.name.clone(), f))),
                Err(e) => failed = Some(e.to_string()),
            }
        }
        if let Some(e) = failed {
            self.show_error(e);
        }
        self.map.identified = (!features.is_empty()).then_some(Identified {
            features,
            at: (lon, lat),
        });
    }

    /// Lists the backups of the open project for File → Restore backup…
    fn list_backups(&mut self) {
        let list = match (&self.file, self.file.as_ref().and_then(|f| f.backup_dir())) {
            (Some(f), Some(dir)) => f.backups_in(dir),
            _ => Vec::new(),
        };
        self.dialogs.backups = Some(list);
    }

    /// What Identify found (for tests).
    pub fn identified(&self) -> Option<&Identified> {
        self.map.identified.as_ref()
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
        if self.sync.running() {
            // The sync writes what it brings when it ends: an edit now could be overwritten.
            self.status_note = Some(
                tr(
                    lang,
                    "đang đồng bộ: chờ xong rồi sửa tiếp",
                    "syncing: edit again once it is done",
                )
                .into(),
            );
            return None;
        }
        // The change log names who made the edit (the settings' author, else the login).
        file.set_author(&self.settings.author_name());
        let now = std::time::Instant::now();
        let split = match (merge, self.last_typed) {
            (Some(k), Some((last, at))) => {
                command::is_typing(k)
                    && last == k
                    && now.duration_since(at) >= command::TYPING_PAUSE
            }
            _ => false,
        };
        self.last_typed = merge.filter(|k| command::is_typing(*k)).map(|k| (k, now));
        match self
            .history
            .apply_gesture(edit, merge, split, file, &mut self.project)
        {
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
        self.dialogs.backups = None;
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
        let shown: Vec<&str> = self.map.refs.iter().map(|r| r.table.as_str()).collect();
        if on_file.iter().map(String::as_str).ne(shown) {
            self.reload_reference_layers();
        }
    }

    fn drop_stale_selection(&mut self) {
        if let Some((l, f)) = self.map.selected
            && self.project.site(l, f).is_none()
        {
            self.map.selected = None;
        }
    }

    /// The findings of one site: the newest the background checker has (those of the site's
    /// previous state while a new check runs), none before its first check ends.
    pub fn findings_of(&mut self, layer: Layer, fid: i64) -> Vec<Finding> {
        self.derived
            .findings_of(&self.project, self.project_gen, &self.tm3, layer, fid)
    }

    /// What the background checker knows of one site; sends the check when it changed.
    pub fn checked(&mut self, layer: Layer, fid: i64) -> Checked {
        self.derived
            .checked(&self.project, self.project_gen, &self.tm3, layer, fid)
    }

    /// Reads the change log of the selected site when the site or the project changed.
    fn refresh_site_history(&mut self, layer: Layer, fid: i64) {
        let stamp = ((layer, fid), self.project_gen);
        if self
            .site_history
            .as_ref()
            .is_some_and(|(k, _, _)| *k == stamp)
        {
            return;
        }
        let key = self.project.site(layer, fid).map(|s| s.key.clone());
        let (ops, decided) = match (&self.file, key) {
            (Some(f), Some(k)) if !k.is_empty() => (
                f.operations(Some(&k), 0, 50).unwrap_or_else(|e| {
                    eprintln!("qn-planner: change log: {e}");
                    Vec::new()
                }),
                f.decided_conflicts_of(&k).unwrap_or_else(|e| {
                    eprintln!("qn-planner: conflicts: {e}");
                    Vec::new()
                }),
            ),
            _ => (Vec::new(), Vec::new()),
        };
        self.site_history = Some((stamp, ops, decided));
    }

    /// Waits until the background checks asked for so far are done (for tests and scripts).
    pub fn settle_checks(&mut self) -> bool {
        self.derived.settle_checks()
    }

    fn anchor_world(&self, s: &Site) -> Option<World> {
        self.derived.anchor_world(s, self.project_gen, &self.tm3)
    }

    fn zoom_to(&mut self, layer: Layer, fid: i64) {
        self.map
            .select_many([(layer, fid)].into(), Some((layer, fid)));
        let Some(s) = self.project.site(layer, fid) else {
            return;
        };
        if let Some(w) = self.anchor_world(s) {
            let m_per_px = self.map.view.map(|v| v.m_per_px.min(30.0)).unwrap_or(30.0);
            self.map.view = Some(MapView {
                centre: w,
                m_per_px,
            });
        }
    }

    /// Draws one whole frame of the UI in `ui`, then applies what its panels asked for.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        if let Some(w) = self.window_memory.observe(ui.ctx(), self.settings.window) {
            self.settings.window = Some(w);
            self.save_settings();
        }
        self.sync_reference_styles(ui.ctx());
        let project = &self.project;
        self.map
            .reconcile_selection(|l, f| project.site(l, f).is_some());
        self.show_panels(ui);
        let commands = std::mem::take(&mut self.commands);
        self.run_commands(commands);
    }

    /// Redraws a reference layer's classes when its style changed (an edit, undo, redo, a
    /// QML, another project): its features' values are read again when the style reads a
    /// field.
    fn sync_reference_styles(&mut self, ctx: &egui::Context) {
        let stale: Vec<usize> = self
            .map
            .refs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.style.as_ref() != self.project.styles.get(&r.table))
            .map(|(i, _)| i)
            .collect();
        if stale.is_empty() {
            return;
        }
        let t0 = Instant::now();
        paint::make_hatches(ctx, &self.project, &mut self.map.hatches);
        for i in stale {
            let table = self.map.refs[i].table.clone();
            let want = self.project.styles.get(&table).cloned();
            let mut classes = crate::model::style::FidClasses::default();
            // The label field's text of every feature, when the style labels them.
            let mut texts = None;
            let mut failed = None;
            if let (Some(st), Some(file)) = (&want, &self.file)
                && (st.field().is_some() || st.labels.field.is_some())
            {
                // One reader for the classes and the labels.
                let read = crate::store::LayerReader::open(file.path(), &table).and_then(|r| {
                    if let Some(field) = st.field() {
                        let mut classify = crate::model::style::Classifier::new(st);
                        r.values(field, &mut |fid, v| classes.set(fid, classify.class(v)))?;
                    }
                    if let Some(f) = &st.labels.field {
                        let mut m = std::collections::HashMap::new();
                        r.values(f, &mut |fid, v| _ = v.key().map(|k| m.insert(fid, k)))?;
                        texts = Some(m);
                    }
                    Ok(())
                });
                if let Err(e) = read {
                    failed = Some(e.text(self.lang()));
                }
            }
            let single = want.as_ref().is_none_or(|st| st.field().is_none());
            let class_of = |fid: i64| {
                if single { Some(0) } else { classes.get(fid) }
            };
            self.map.refs[i].restyle(want, &class_of, &self.map.hatches);
            self.map.refs[i].set_labels(texts.as_ref());
            if let Some(e) = failed {
                self.show_error(e);
            }
        }
        if self.map.timing {
            eprintln!(
                "qn-planner: reference layers restyled in {} ms",
                t0.elapsed().as_millis()
            );
        }
    }

    /// The map over this frame, as a [`map::MapCtx`]; what it asks for joins the commands.
    fn map_panel(&mut self, ui: &mut egui::Ui) {
        let view = self.view_state();
        let author = self.settings.author_name();
        let mut m = map::MapCtx {
            project: &self.project,
            view: &view,
            st: &mut self.map,
            derived: &mut self.derived,
            base: &self.base,
            tm3: &self.tm3,
            scenario: &self.scenario,
            rules: &mut self.rules,
            author: &author,
            theirs: self.sync.selected_geom.as_ref(),
            out: Vec::new(),
        };
        m.map_ui(ui);
        let asked = m.out;
        self.commands.extend(asked);
    }

    fn show_panels(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_sync();
        self.refresh_sync_state();
        self.refresh_locator();
        let view = self.view_state();
        let title = menu::title(
            view.lang,
            self.file.as_ref().map(|f| (f.path(), f.is_read_only())),
        );
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        map::canvas::presentation_keys(&ctx, &self.project, &mut self.map, &mut self.scenario);
        map::present::presentation_controls(
            &ctx,
            view.lang,
            &self.project,
            self.map.presenting,
            &mut self.scenario,
        );
        if self.map.presenting {
            egui::CentralPanel::no_frame().show(ui, |ui| self.map_panel(ui));
            return;
        }
        // Esc closes the dialog on top and does nothing else; with no dialog open it goes on
        // to the map's tool (cancel a drawing, deselect).
        if self.open_dialog().is_some()
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Escape))
        {
            self.close_top_dialog();
        }
        let asked = menu::shortcuts(&ctx, &mut self.map);
        self.commands.extend(asked);
        // The window flags the menu and the toolbar toggle.
        macro_rules! toggles {
            () => {
                menu::Toggles {
                    scenario: &mut self.scenario.open,
                    rules: &mut self.rules.open,
                    table: &mut self.table,
                    import: &mut self.import.open,
                    export: &mut self.export,
                    about: &mut self.dialogs.show_about,
                    open_path: &mut self.dialogs.show_open_path,
                }
            };
        }
        egui::Panel::top("menu").show(ui, |ui| {
            let win = toggles!();
            let asked = menu::menu_ui(ui, &view, &mut self.settings, &mut self.map, win);
            self.commands.extend(asked);
        });
        egui::Panel::top("toolbar").show(ui, |ui| {
            let asked = toolbar::toolbar_ui(ui, &view, &mut self.map, toggles!());
            self.commands.extend(asked);
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            let asked = menu::status_ui(ui, &view, self.map.cursor, &self.tm3, &self.sync);
            self.commands.extend(asked);
        });
        if self.scenario.open {
            egui::Panel::bottom("scenario_panel")
                .resizable(true)
                .default_size(340.0)
                .min_size(300.0)
                .show(ui, |ui| {
                    let view = self.view_state();
                    let mut panel = panels::scenarios::ScenarioPanel {
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
                    locator: &mut self.locator,
                    visible: &mut self.map.visible,
                    show_towns: &mut self.map.show_towns,
                    refs: &mut self.map.refs,
                    foreign: &self.foreign_tables,
                    towns: self.base.towns.len(),
                    selected: self.map.selected,
                    selection: &self.map.selection,
                    sel_ui: &mut self.selection_ui,
                };
                let asked = egui::ScrollArea::vertical()
                    .show(ui, |ui| side::side_ui(ui, &self.project, &view, st))
                    .inner;
                self.commands.extend(asked);
            });
        if self.style_ui.target.is_some() {
            egui::Panel::left("style_panel")
                .resizable(true)
                .default_size(300.0)
                .show(ui, |ui| {
                    let view = self.view_state();
                    let asked = egui::ScrollArea::vertical()
                        .show(ui, |ui| {
                            panels::style::style_panel(ui, &self.project, &view, &mut self.style_ui)
                        })
                        .inner;
                    self.commands.extend(asked);
                });
        }
        if let Some((layer, fid)) = self.map.selected {
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
                            let mut form = panels::form::FormCtx {
                                project: &self.project,
                                view: &view,
                                st: &mut self.form,
                                selected: (layer, fid),
                                tm3: &self.tm3,
                                checked,
                                history: self
                                    .site_history
                                    .as_ref()
                                    .map_or(&[][..], |(_, ops, _)| ops.as_slice()),
                                decided: self
                                    .site_history
                                    .as_ref()
                                    .map_or(&[][..], |(_, _, d)| d.as_slice()),
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
        egui::CentralPanel::no_frame().show(ui, |ui| self.map_panel(ui));
        let asked = dialogs::dialogs_ui(
            &ctx,
            &view,
            &mut self.dialogs,
            &mut self.map.identified,
            self.map.map_rect,
        );
        self.commands.extend(asked);
        let view = self.view_state();
        if let Some(state) = self.table.as_mut() {
            let side = panels::table::TableSide {
                selection: &self.map.selection,
                refs: self
                    .map
                    .refs
                    .iter()
                    .map(|r| (r.table.clone(), r.name.clone()))
                    .collect(),
                widths: &self.settings.table_widths,
            };
            let asked = panels::table::table_window(&ctx, &self.project, &view, side, state);
            self.commands.extend(asked);
            if !state.open {
                self.table = None;
            }
        }
        let asked = panels::rules::rules_window(&ctx, &self.project, &view, &mut self.rules);
        self.commands.extend(asked);
        let asked = panels::sync::sync_window(&ctx, &self.project, &view, &mut self.sync);
        self.commands.extend(asked);
        if self.export.open {
            self.load_print_layout();
        }
        let active = self
            .scenario
            .active
            .and_then(|id| self.project.scenario(id));
        let selected = self
            .map
            .selected
            .and_then(|(l, f)| self.project.site(l, f))
            .map(|s| s.name.clone());
        let view_box = self
            .map
            .view
            .filter(|_| self.map.map_rect.is_positive())
            .map(|v| map::Projector::new(self.map.map_rect, v).visible());
        let side = panels::export::MapSide {
            view_box,
            selected,
            selected_site: self.map.selected,
            print_rect: &mut self.map.print_rect,
        };
        let asked = panels::export::export_window(
            &ctx,
            &self.project,
            &view,
            active,
            &mut self.export,
            side,
        );
        self.commands.extend(asked);
        if let Some(l) = self.export.layout_to_keep() {
            self.commands.push(Command::KeepPrintLayout(l));
        }
        self.update_print_frame();
        // Files dropped on the window, then the import window itself.
        self.with_import(|c| {
            c.take_dropped_files(&ctx);
            c.import_window(&ctx);
        });
        let asked = dialogs::edit_dialogs_ui(
            &ctx,
            &view,
            &self.project,
            &mut self.map.editor,
            &mut self.dialogs,
        );
        self.commands.extend(asked);
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
