//! What a panel asks of the app. Panels in this shape are functions of what they show and
//! their own small state, `fn x_ui(ui, &Project, &View, &mut XState) -> Vec<Command>`; they
//! never write to the file or change the project. [`QnApp::run_commands`] is the one place
//! that applies what they ask, at the end of the frame: an edit goes through the history (one
//! transaction in the GeoPackage, then the project in memory), so it is in the file before the
//! next frame starts.

use super::QnApp;
use crate::edit::Edit;
use crate::lang::Language;

/// A request from a panel.
#[derive(Debug)]
pub enum Command {
    /// Apply `edit` through the history. Steps sharing `merge` (the keystrokes of one visit
    /// to a field, one drag) fold into one undo step. `then` says what the window does once
    /// the edit is in the file.
    Edit {
        edit: Edit,
        merge: Option<u64>,
        then: Then,
    },
    Undo,
    Redo,
    /// Open the import window on a table another program wrote into the project itself.
    ImportOwnTable(String),
    /// Ask where to write the indicator table of scenario `id` as CSV, then write it.
    ExportIndicators(i64),
    /// Take the polygon tool to draw the boundary of a site that has a point only.
    DrawBoundary(crate::model::Layer, i64),
    /// Ask whether to delete a site (the answer is an edit).
    ConfirmDelete(crate::model::Layer, i64),
    /// Ask which file to import (a file dialog).
    ChooseImportPath,
    /// Ask where to export the map (a file dialog for the extension given).
    ChooseExportPath(&'static str),
    /// Export the map as the export window is set up, or the meeting pack of a scenario.
    StartExport(Option<crate::scenario::Scenario>),
    /// Make the atlas of a planning layer (or of one of its sites) into the export's file.
    StartAtlas(crate::model::Layer, Option<i64>),
    /// Keep the print layout the export window set in the project.
    KeepPrintLayout(crate::export::PrintLayout),
    /// Select a site (or nothing) without moving the map.
    Select(Option<(crate::model::Layer, i64)>),
    /// Select a site and centre the map on it.
    ZoomTo(crate::model::Layer, i64),
    /// Make these sites the selection (the form shows one when only one is selected).
    SelectMany(std::collections::BTreeSet<(crate::model::Layer, i64)>),
    /// Fit the map to the selected sites.
    ZoomToSelection,
    /// Ask where to write these selected sites of a layer (GeoJSON, CSV, Shapefile), then
    /// write them.
    ExportSelection(crate::model::Layer, Vec<i64>),
    /// Ask whether to delete every selected site (the Delete key with many selected).
    ConfirmDeleteSelection,
    /// Read a reference layer's rows for the attribute table (on a worker).
    LoadTable(String),
    /// Ask where to write the rows the attribute table shows (CSV, XLSX), then write them.
    ExportTableRows,
    /// Keep the attribute table's column widths of a layer (its table) in the settings.
    KeepTableWidths(String, Vec<f32>),
    /// Open the quick guide (Help).
    OpenGuide,
    /// The quick guide was closed: not shown at start again.
    GuideSeen,
    /// Ask for the author's name (View → Your name…).
    AskAuthor,
    /// Keep this name as the author's.
    SetAuthor(String),
    /// Go to what the locator found (its target and name).
    Locate(crate::locate::Target, String),
    /// Replace the project by one of its backups (File → Restore backup…).
    RestoreBackup(crate::store::session::BackupInfo),
    /// Ask for a path (the desktop's file dialog, else the in-app browser) and act on it.
    ChoosePath {
        purpose: super::filebrowser::Purpose,
        save: bool,
        kinds: &'static [&'static str],
        kind_name: &'static str,
        name: &'static str,
    },
    /// A path was chosen in the in-app browser: act on it.
    PathChosen(super::filebrowser::Purpose, std::path::PathBuf),
    /// Open this project in place of the current one.
    Open(std::path::PathBuf),
    /// List the backups of the open project (File → Restore backup…).
    ListBackups,
    /// What the reference layers hold within `tol_m` metres of `at` (lon, lat): Identify.
    Identify {
        at: (f64, f64),
        tol_m: f64,
    },
    /// Show a message.
    ShowError(String),
    /// Write the settings (language, author) to disk.
    SaveSettings,
    /// Sync with the shared plan (on a worker thread).
    StartSync,
    CancelSync,
    /// Open the Sync and conflicts window.
    OpenSync,
    /// The planner's decision on a conflict.
    Resolve(i64, crate::sync::Decision),
    /// Open the style panel on a layer (its table).
    OpenStyle(String),
    /// Classify a layer's style anew from its values (an edit of its style).
    ClassifyStyle {
        table: String,
        how: Classify,
    },
}

impl Command {
    /// An edit, one undo step of its own, with nothing to follow.
    pub fn edit(edit: Edit) -> Command {
        Command::Edit {
            edit,
            merge: None,
            then: Then::Nothing,
        }
    }

    /// An edit that folds into the last undo step when that had the same `merge` key.
    pub fn merged(edit: Edit, merge: Option<u64>) -> Command {
        Command::Edit {
            edit,
            merge,
            then: Then::Nothing,
        }
    }
}

/// What follows an edit that reached the file (nothing follows a refused one).
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    Nothing,
    /// Select the site the edit created (a placed point, a drawn polygon).
    SelectCreated,
    /// Deselect (the edit deleted the selected site).
    Deselect,
    /// Make the scenario the edit created the active one.
    ActivateCreated,
    /// No active scenario (the edit deleted it).
    Deactivate,
    /// The site form's refusals are settled.
    ClearFormErrors,
    /// The actual value typed in the indicators tab is recorded: clear its field.
    ClearActualEntry,
    /// An import finished: say so in the import window (a refused edit says it failed).
    Imported {
        message: String,
        /// What was imported, to offer to zoom to it: the new reference layer's table, or
        /// the box (lon/lat) of the sites added.
        zoom: ImportedZoom,
    },
}

/// Where the map can go after an import.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportedZoom {
    Table(String),
    Area([f64; 4]),
    Nothing,
}

/// The panels that number their own merge keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Table,
    Figures,
    Rules,
    Form,
    Scenario,
    Map,
    Style,
}

/// The merge key of a panel's `n`th gesture: apart from every other panel's and from the
/// app's own counter (which stays far below 2⁵⁶).
pub fn merge_key(panel: Panel, n: u64) -> u64 {
    let p: u64 = match panel {
        Panel::Table => 1,
        Panel::Figures => 2,
        Panel::Rules => 3,
        Panel::Form => 4,
        Panel::Scenario => 5,
        Panel::Map => 6,
        Panel::Style => 7,
    };
    (p << 56) | (n & ((1 << 56) - 1))
}

/// A pause in typing this long commits what was typed: the next keystroke in the same field
/// begins a new undo step, history entry and change-log operation.
pub const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_secs(1);

/// Whether a merge key numbers keystrokes in a text field (split by a pause) rather than one
/// drag on the map or one control of the style panel (one gesture however slow).
pub fn is_typing(key: u64) -> bool {
    let panel = key >> 56;
    panel != merge_key(Panel::Map, 0) >> 56 && panel != merge_key(Panel::Style, 0) >> 56
}

/// What every panel may read besides the project: the UI language, whether the file takes
/// edits, and the project's generation (bumped by every applied change, so a panel knows when
/// to reload the texts of its fields).
#[derive(Debug, Clone, Copy)]
pub struct View {
    pub lang: Language,
    pub read_only: bool,
    pub generation: u64,
    /// A project is open.
    pub has_file: bool,
    pub can_undo: bool,
    pub can_redo: bool,
}

impl QnApp {
    pub(crate) fn view_state(&self) -> View {
        View {
            lang: self.lang(),
            // While a sync runs the project takes no edits (it may rewrite what it brings).
            read_only: self.file.as_ref().is_none_or(|f| f.is_read_only()) || self.sync.running(),
            generation: self.project_gen,
            has_file: self.file.is_some(),
            can_undo: self.history.can_undo(),
            can_redo: self.history.can_redo(),
        }
    }

    /// Applies the commands of one frame, in order. A refused edit says why (status bar or
    /// error window) and the later commands still run.
    pub(crate) fn run_commands(&mut self, commands: Vec<Command>) {
        for c in commands {
            match c {
                Command::Edit { edit, merge, then } => {
                    // The first edit of a planner who never gave a name asks for it, once.
                    if !self.settings.author_asked && self.settings.author.trim().is_empty() {
                        self.settings.author_asked = true;
                        self.dialogs.author_pending = true;
                        self.save_settings();
                    }
                    let layer = match &edit {
                        Edit::Site { layer, .. } => Some(*layer),
                        _ => None,
                    };
                    let applied = self.apply_now(edit, merge);
                    self.follow(then, applied, layer);
                }
                Command::ZoomTo(layer, fid) => self.zoom_to(layer, fid),
                Command::Locate(target, label) => self.locate(target, label),
                Command::OpenGuide => self.dialogs.guide = true,
                Command::GuideSeen => {
                    self.settings.guide_seen = true;
                    self.save_settings();
                }
                Command::AskAuthor => {
                    self.dialogs.author = Some((self.settings.author.clone(), 4));
                }
                Command::SetAuthor(name) => {
                    self.settings.author = name;
                    self.settings.author_asked = true;
                    self.save_settings();
                }
                Command::Select(sel) => self.map.select_many(sel.into_iter().collect(), sel),
                Command::SelectMany(sel) => self.map.select_many(sel, None),
                Command::ZoomToSelection => self.zoom_to_selection(),
                Command::ExportSelection(layer, fids) => self.choose_path(
                    super::Purpose::ExportSelection(layer, fids),
                    true,
                    &["geojson", "csv", "shp", "gpkg"],
                    "GeoJSON, CSV, Shapefile, GeoPackage",
                    "vung-chon.geojson",
                ),
                Command::ConfirmDeleteSelection => self.selection_ui.confirm_delete = true,
                Command::LoadTable(table) => {
                    if let (Some(f), Some(t)) = (self.file.as_ref(), self.table.as_mut()) {
                        t.start_loading(f.path(), &table);
                    }
                }
                Command::ExportTableRows => self.choose_path(
                    super::Purpose::TableRows,
                    true,
                    &["xlsx", "csv"],
                    "Excel (.xlsx), CSV",
                    "bang-thuoc-tinh.xlsx",
                ),
                Command::KeepTableWidths(table, w) => {
                    self.settings.table_widths.insert(table, w);
                    self.save_settings();
                }
                Command::ChooseExportPath(ext) => self.choose_path(
                    super::Purpose::ExportMap,
                    true,
                    &[ext],
                    &ext.to_ascii_uppercase(),
                    &format!("quang-ninh.{ext}"),
                ),
                Command::ChoosePath {
                    purpose,
                    save,
                    kinds,
                    kind_name,
                    name,
                } => self.choose_path(purpose, save, kinds, kind_name, name),
                Command::PathChosen(purpose, p) => self.path_chosen(purpose, p),
                Command::Open(p) => self.open(&p),
                Command::ListBackups => self.list_backups(),
                Command::Identify { at, tol_m } => self.identify_reference(at, tol_m),
                Command::ShowError(msg) => self.show_error(msg),
                Command::SaveSettings => self.save_settings(),
                Command::StartSync => self.start_sync(),
                Command::CancelSync => {
                    if let Some(j) = &self.sync.job {
                        j.cancel();
                    }
                }
                Command::OpenSync => self.sync.open = true,
                Command::Resolve(id, d) => self.resolve_conflict(id, d),
                Command::StartExport(pack_of) => self.start_export(pack_of),
                Command::StartAtlas(layer, fid) => self.start_atlas(layer, fid),
                Command::KeepPrintLayout(l) => {
                    let lang = self.lang();
                    if let Some(f) = self.file.as_mut() {
                        self.export.layout_note = l.save(f).err().map(|e| {
                            format!(
                                "{} {e}",
                                super::i18n::tr(
                                    lang,
                                    "Không lưu được bố cục in vào dự án:",
                                    "The print layout was not kept in the project:"
                                )
                            )
                        });
                    }
                }
                Command::ChooseImportPath => self.choose_path(
                    super::Purpose::ImportData,
                    false,
                    &[
                        "geojson", "json", "csv", "tsv", "txt", "gpkg", "shp", "zip", "mif", "dxf",
                    ],
                    "GeoJSON, CSV, GeoPackage, Shapefile (.shp, .zip), MapInfo MIF, DXF",
                    "",
                ),
                Command::DrawBoundary(layer, fid) => self.map.editor.draw_boundary_of(layer, fid),
                Command::ConfirmDelete(layer, fid) => {
                    self.map.editor.confirm_delete = Some((layer, fid));
                }
                Command::ExportIndicators(id) => {
                    if let Some(s) = self.project.scenario(id).cloned() {
                        self.export_indicators_csv(&s);
                    }
                }
                Command::ImportOwnTable(t) => self.import_own_table(&t),
                Command::Undo => self.undo(),
                Command::Redo => self.redo(),
                Command::RestoreBackup(b) => self.restore_backup(&b),
                Command::OpenStyle(table) => self.open_style(&table),
                Command::ClassifyStyle { table, how } => self.classify_style(&table, how),
            }
        }
    }

    fn follow(
        &mut self,
        then: Then,
        applied: Option<crate::edit::Applied>,
        layer: Option<crate::model::Layer>,
    ) {
        let Some(applied) = applied else {
            if let Then::Imported { .. } = then {
                self.import_refused();
            }
            return;
        };
        match then {
            Then::Nothing => {}
            Then::SelectCreated => {
                if let (Some(l), Some(fid)) = (layer, applied.id) {
                    self.map.selected = Some((l, fid));
                }
            }
            Then::Deselect => self.map.selected = None,
            Then::ActivateCreated => {
                if let Some(id) = applied.id {
                    self.scenario.active = Some(id);
                }
            }
            Then::Deactivate => self.scenario.active = None,
            Then::ClearFormErrors => self.form.errors.clear(),
            Then::ClearActualEntry => self.scenario.clear_actual_entry(),
            Then::Imported { message, zoom } => self.import_done(message, zoom),
        }
    }
}

/// How a new classification is asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Classify {
    Categories {
        field: String,
    },
    Classes {
        field: String,
        n: usize,
        method: crate::model::style::Method,
        ramp: [[u8; 3]; 2],
    },
}
