//! Windows over the map: Identify, the file browser, the delete and restore confirmations and
//! the other dialogs (functions of their own state that return commands), which one is on
//! top, and what Esc closes.

use super::command::{Command, Then, View};
use super::i18n::{self, tr};
use super::map::editing::Editor;
use super::{Identified, QnApp, filebrowser, value_text};
use crate::edit::Edit;
use crate::lang::Language;
use crate::model::Project;
use crate::store::session::BackupInfo;
use egui::{Key, Rect, RichText};
use std::path::PathBuf;

/// The dialogs' own state.
#[derive(Default)]
pub(crate) struct Dialogs {
    /// A message to show (an error, a notice).
    pub error: Option<String>,
    pub show_about: bool,
    pub show_open_path: bool,
    pub open_path: String,
    /// The in-app file browser, when the desktop has no file dialog.
    pub browser: Option<filebrowser::FileBrowser>,
    /// The backups listed by File → Restore backup…
    pub backups: Option<Vec<BackupInfo>>,
    pub confirm_restore: Option<BackupInfo>,
    /// The quick guide is open.
    pub guide: bool,
    /// The author's dialog is open, with the name typed so far (and for how many more
    /// frames its field is to take the keyboard).
    pub author: Option<(String, u8)>,
    /// The author's name is to be asked (the first edit) as soon as no field is being typed
    /// in: the dialog never takes the keyboard from the form mid-entry.
    pub author_pending: bool,
}

/// The reference-layer features found under a click, at the map's top right.
fn identify_window(
    ctx: &egui::Context,
    lang: Language,
    identified: &mut Option<Identified>,
    map_rect: Rect,
) {
    {
        let Some(found) = identified.as_ref() else {
            return;
        };
        let mut open = true;
        // At the map's top right, clear of the menus and the layer list.
        let pos = map_rect.right_top() + egui::vec2(-380.0, 10.0);
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
            *identified = None;
        }
    }
}

fn file_browser_window(ctx: &egui::Context, lang: Language, st: &mut Dialogs) -> Option<Command> {
    let b = st.browser.as_mut()?;
    match b.show(ctx, lang) {
        filebrowser::Outcome::Open => None,
        filebrowser::Outcome::Cancelled => {
            st.browser = None;
            None
        }
        filebrowser::Outcome::Chosen(p) => {
            let purpose = b.purpose.clone();
            st.browser = None;
            Some(Command::PathChosen(purpose, p))
        }
    }
}

/// The delete confirmation of the drafting tools, the backup list and the restore question.
pub(crate) fn edit_dialogs_ui(
    ctx: &egui::Context,
    view: &View,
    project: &Project,
    editor: &mut Editor,
    st: &mut Dialogs,
) -> Vec<Command> {
    let mut out = Vec::new();
    let lang = view.lang;
    {
        if let Some((l, f)) = editor.confirm_delete {
            let name = project.site(l, f).map(|s| s.name.clone());
            let Some(name) = name else {
                editor.confirm_delete = None;
                return out;
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
                    editor.confirm_delete = None;
                    if let Some(site) = project.site(l, f).cloned() {
                        out.push(Command::Edit {
                            edit: Edit::delete(site),
                            merge: None,
                            then: Then::Deselect,
                        });
                    }
                }
                Some(false) => editor.confirm_delete = None,
                None => {}
            }
        }
        if let Some(list) = st.backups.clone() {
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
                                st.confirm_restore = Some(b.clone());
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
                st.backups = None;
            }
        }
        if let Some(b) = st.confirm_restore.clone() {
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
                st.confirm_restore = None;
                if yes {
                    out.push(Command::RestoreBackup(b.clone()));
                }
            }
        }
    }
    out
}

/// The message window, Identify, the file browser, About and Open by path.
pub(crate) fn dialogs_ui(
    ctx: &egui::Context,
    view: &View,
    st: &mut Dialogs,
    identified: &mut Option<Identified>,
    map_rect: Rect,
) -> Vec<Command> {
    let mut out = Vec::new();
    let lang = view.lang;
    {
        if let Some(msg) = st.error.clone() {
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
                st.error = None;
            }
        }
        identify_window(ctx, lang, identified, map_rect);
        if st.author_pending && ctx.memory(|m| m.focused().is_none()) {
            st.author_pending = false;
            st.author = Some((String::new(), 4));
        }
        out.extend(super::welcome::welcome_ui(
            ctx,
            lang,
            &mut st.guide,
            &mut st.author,
        ));
        out.extend(file_browser_window(ctx, lang, st));
        if st.show_about {
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
            st.show_about = open;
        }
        if st.show_open_path {
            let mut open = true;
            let mut go = false;
            egui::Window::new(tr(lang, "Mở dự án theo đường dẫn", "Open project by path"))
                .open(&mut open)
                .collapsible(false)
                .show(ctx, |ui| {
                    let label =
                        ui.label(tr(lang, "Đường dẫn tệp .gpkg:", "Path of the .gpkg file:"));
                    let r = ui
                        .add(egui::TextEdit::singleline(&mut st.open_path).desired_width(360.0))
                        .labelled_by(label.id);
                    if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                        go = true;
                    }
                    if ui.button(tr(lang, "Mở", "Open")).clicked() {
                        go = true;
                    }
                });
            if go {
                out.push(Command::Open(PathBuf::from(st.open_path.trim())));
                open = false;
            }
            st.show_open_path = open;
        }
    }
    out
}

impl QnApp {
    /// Whether a dialog or window is open over the map.
    pub fn open_dialog(&self) -> Option<&'static str> {
        if self.dialogs.browser.is_some() {
            Some("file_browser")
        } else if self.map.editor.confirm_delete.is_some() {
            Some("confirm_delete")
        } else if self.selection_ui.confirm_delete {
            Some("confirm_delete_selection")
        } else if self.scenario.confirm_delete.is_some() {
            Some("confirm_delete_scenario")
        } else if self.dialogs.confirm_restore.is_some() {
            Some("confirm_restore")
        } else if self.dialogs.error.is_some() {
            Some("message")
        } else if self.dialogs.backups.is_some() {
            Some("backups")
        } else if self.dialogs.show_open_path {
            Some("open_path")
        } else if self.dialogs.show_about {
            Some("about")
        } else if self.map.identified.is_some() {
            Some("identify")
        } else if self.import.open {
            Some("import")
        } else if self.export.open {
            Some("export")
        } else if self.selection_ui.by_value.is_some() {
            Some("select_by_value")
        } else if self.table.is_some() {
            Some("table")
        } else if self.rules.open {
            Some("rules")
        } else if self.sync.open {
            Some("sync")
        } else {
            None
        }
    }

    /// Closes the dialog on top (confirmations first, then messages, then windows) as its
    /// Cancel or × would, and nothing else. Returns false when no dialog was open. Work on
    /// worker threads (an import, an export) goes on: only its window closes.
    pub(super) fn close_top_dialog(&mut self) -> bool {
        let Some(which) = self.open_dialog() else {
            return false;
        };
        match which {
            "file_browser" => self.dialogs.browser = None,
            "confirm_delete" => self.map.editor.confirm_delete = None,
            "confirm_delete_scenario" => self.scenario.confirm_delete = None,
            "confirm_delete_selection" => self.selection_ui.confirm_delete = false,
            "select_by_value" => self.selection_ui.by_value = None,
            "confirm_restore" => self.dialogs.confirm_restore = None,
            "message" => self.dialogs.error = None,
            "backups" => self.dialogs.backups = None,
            "open_path" => self.dialogs.show_open_path = false,
            "about" => self.dialogs.show_about = false,
            "identify" => self.map.identified = None,
            "import" => self.import.open = false,
            "export" => self.export.open = false,
            "table" => self.table = None,
            "rules" => self.rules.open = false,
            _ => {
                self.sync.open = false;
                self.sync.select(None);
            }
        }
        true
    }
}
