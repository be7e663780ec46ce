//! The menu bar, the toolbar (tools, the layer new features go into, undo and redo), the
//! status bar, the window title and the keyboard shortcuts: functions of what they show and
//! the window flags they toggle, returning what they ask of the app as commands.

use super::command::{Command, View};
use super::filebrowser::Purpose;
use super::i18n::tr;
use super::map::canvas::MapState;
use super::map::editing::Tool;
use super::panels::table;
use crate::io::crs::Tm3;
use crate::lang::Language;
use crate::settings::Settings;
use egui::Key;

/// The windows the menu and toolbar open and close.
pub(crate) struct Toggles<'a> {
    pub scenario: &'a mut bool,
    pub rules: &'a mut bool,
    pub table: &'a mut Option<table::TableState>,
    pub import: &'a mut bool,
    pub export: &'a mut super::panels::export::ExportUi,
    pub about: &'a mut bool,
    pub open_path: &'a mut bool,
}

/// Ctrl+Z / Ctrl+Y / Ctrl+Shift+Z, and the tool keys when no text field has focus.
pub(crate) fn shortcuts(ctx: &egui::Context, map: &mut MapState) -> Vec<Command> {
    let mut out = Vec::new();
    let typing = ctx.memory(|m| m.focused().is_some());
    let (undo, redo) = ctx.input_mut(|i| {
        let redo = i.consume_key(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, Key::Z)
            || i.consume_key(egui::Modifiers::COMMAND, Key::Y);
        let undo = i.consume_key(egui::Modifiers::COMMAND, Key::Z);
        (undo, redo)
    });
    if undo && !typing {
        out.push(Command::Undo);
    }
    if redo && !typing {
        out.push(Command::Redo);
    }
    if !typing {
        for t in Tool::ALL {
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, t.shortcut())) {
                map.editor.set_tool(t);
            }
        }
    }
    out
}

/// The window title: the open file and whether its changes are saved.
pub(crate) fn title(lang: Language, file: Option<(&std::path::Path, bool)>) -> String {
    match file {
        Some((p, true)) => format!(
            "qn-planner — {} — {}",
            p.display(),
            tr(lang, "chỉ đọc", "read-only")
        ),
        Some((p, false)) => format!(
            "qn-planner — {} — {}",
            p.display(),
            tr(lang, "mọi thay đổi đã được lưu", "all changes saved")
        ),
        None => format!(
            "qn-planner — {}",
            tr(lang, "chưa mở dự án", "no project open")
        ),
    }
}

pub(crate) fn menu_ui(
    ui: &mut egui::Ui,
    view: &View,
    settings: &mut Settings,
    map: &mut MapState,
    win: Toggles<'_>,
) -> Vec<Command> {
    let mut out = Vec::new();
    let lang = view.lang;
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button(tr(lang, "Tệp", "File"), |ui| {
            if ui.button(tr(lang, "Mở dự án…", "Open project…")).clicked() {
                ui.close();
                out.push(Command::ChoosePath {
                    purpose: Purpose::OpenProject,
                    save: false,
                    kinds: &["gpkg"],
                    kind_name: "GeoPackage",
                    name: "",
                });
            }
            if ui
                .button(tr(lang, "Mở theo đường dẫn…", "Open by path…"))
                .clicked()
            {
                ui.close();
                *win.open_path = true;
            }
            if ui
                .button(tr(lang, "Tạo dự án mới…", "New project…"))
                .clicked()
            {
                ui.close();
                out.push(Command::ChoosePath {
                    purpose: Purpose::NewProject,
                    save: true,
                    kinds: &["gpkg"],
                    kind_name: "GeoPackage",
                    name: "quang-ninh.gpkg",
                });
            }
            if ui
                .button(tr(lang, "Nhập dữ liệu…", "Import data…"))
                .clicked()
            {
                ui.close();
                *win.import = true;
            }
            if ui.button(tr(lang, "Xuất bản đồ…", "Export map…")).clicked() {
                ui.close();
                if win.export.path.is_empty()
                    && let Some(d) = crate::settings::data_dir()
                {
                    win.export.path = d.join("quang-ninh.pdf").display().to_string();
                }
                win.export.open = true;
            }
            if ui
                .button(tr(lang, "Khôi phục bản sao lưu…", "Restore backup…"))
                .clicked()
            {
                ui.close();
                out.push(Command::ListBackups);
            }
            ui.separator();
            if ui.button(tr(lang, "Thoát", "Quit")).clicked() {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        });
        ui.menu_button(tr(lang, "Xem", "View"), |ui| {
            // Who drafts: recorded with each change (a dialog, not a field in the menu).
            let name = settings.author_name();
            let text = if name.is_empty() {
                tr(lang, "Tên người lập…", "Your name…").to_string()
            } else {
                format!("{} {name}…", tr(lang, "Người lập:", "Author:"))
            };
            if ui.button(text).clicked() {
                ui.close();
                out.push(Command::AskAuthor);
            }
            ui.separator();
            if ui
                .button(tr(lang, "Vừa toàn tỉnh", "Fit province"))
                .clicked()
            {
                ui.close();
                map.fit_requested = true;
            }
        });
        ui.menu_button(tr(lang, "Trợ giúp", "Help"), |ui| {
            if ui
                .button(tr(lang, "Hướng dẫn nhanh", "Quick guide"))
                .clicked()
            {
                ui.close();
                out.push(Command::OpenGuide);
            }
            if ui.button(tr(lang, "Giới thiệu", "About")).clicked() {
                ui.close();
                *win.about = true;
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
                settings.language = match lang {
                    Language::Vi => Language::En,
                    Language::En => Language::Vi,
                };
                out.push(Command::SaveSettings);
            }
            if ui
                .button(tr(lang, "Vừa toàn tỉnh", "Fit province"))
                .clicked()
            {
                map.fit_requested = true;
            }
        });
    });
    out
}

/// The cursor's coordinates (WGS 84 and VN-2000 / TM-3), whether the file is saved, and where
/// it stands with the shared plan.
pub(crate) fn status_ui(
    ui: &mut egui::Ui,
    view: &View,
    cursor: Option<[f64; 2]>,
    tm3: &Tm3,
    sync: &super::panels::sync::SyncUi,
) -> Vec<Command> {
    let mut out = Vec::new();
    let lang = view.lang;
    ui.horizontal(|ui| {
        match cursor {
            Some(w) => {
                let ll = tm3
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
            let saved = match (view.has_file, view.read_only) {
                (true, true) if sync.running() => tr(lang, "đã lưu", "saved"),
                (true, true) => tr(lang, "chỉ đọc", "read-only"),
                (true, false) => tr(lang, "đã lưu", "saved"),
                (false, _) => tr(lang, "chưa mở dự án", "no project"),
            };
            ui.label(saved);
            ui.separator();
            out.extend(super::panels::sync::status_part(ui, view, sync));
        });
    });
    out
}
