//! The menu bar, the toolbar (tools, the layer new features go into, undo and redo), the
//! status bar, the window title and the keyboard shortcuts.

use super::*;

impl QnApp {
    /// Ctrl+Z / Ctrl+Y / Ctrl+Shift+Z, and the tool keys when no text field has focus.
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        let typing = ctx.memory(|m| m.focused().is_some());
        let (undo, redo) = ctx.input_mut(|i| {
            let redo = i.consume_key(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, Key::Z)
                || i.consume_key(egui::Modifiers::COMMAND, Key::Y);
            let undo = i.consume_key(egui::Modifiers::COMMAND, Key::Z);
            (undo, redo)
        });
        if undo && !typing {
            self.commands.push(Command::Undo);
        }
        if redo && !typing {
            self.commands.push(Command::Redo);
        }
        if !typing {
            for t in Tool::ALL {
                if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, t.shortcut())) {
                    self.set_tool(t);
                }
            }
        }
    }

    pub(super) fn set_tool(&mut self, t: Tool) {
        if self.editor.tool != t {
            self.editor.drawing.clear();
            self.editor.boundary_of = None;
            self.editor.measure.clear();
            self.editor.measure_done = false;
        }
        self.editor.tool = t;
    }

    pub(super) fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
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
                self.commands.push(Command::Undo);
            }
            if ui
                .add_enabled(
                    self.history.can_redo(),
                    egui::Button::new(tr(lang, "Làm lại", "Redo")),
                )
                .on_hover_text("Ctrl+Y, Ctrl+Shift+Z")
                .clicked()
            {
                self.commands.push(Command::Redo);
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

    pub(super) fn update_title(&mut self, ctx: &egui::Context) {
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

    pub(super) fn menu_ui(&mut self, ui: &mut egui::Ui) {
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

    pub(super) fn status_ui(&mut self, ui: &mut egui::Ui) {
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
}
