//! The attribute form of the selected site, and its checks. Every change is an edit asked for
//! with a `Command`; invalid values are refused with the reason beside the field.

use crate::analysis::checks::{Checked, Finding, FindingKind};
use crate::app::QnApp;
use crate::app::command::{Command, Panel, Then, View, merge_key};
use crate::app::i18n::{self, tr};
use crate::app::paint;
use crate::edit::Edit;
use crate::lang::Language;
use crate::model::validate::FieldError;
use crate::model::{
    AcceptedWarning, DISTRICTS_2006, Layer, Phase, Precision, Project, Site, Status,
};
use egui::{Color32, RichText};

/// Text being typed in the form, kept while a field has focus.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    target: Option<(Layer, i64)>,
    loaded_gen: u64,
    name: String,
    kind: String,
    main_industries: String,
    commune: String,
    craft: String,
    notes: String,
    investment: String,
    jobs: String,
    year: String,
    occupancy: String,
    occupancy_year: String,
    buffer: String,
    /// The year the rules are judged in, when the planner overrides it.
    pub(crate) rules_year: String,
    /// Reasons being typed to accept a finding, by finding key.
    reasons: std::collections::HashMap<String, String>,
    pub errors: Vec<FieldError>,
    typing_key: Option<u64>,
    /// Visits to fields so far (each visit's typing is one undo step).
    visits: u64,
}

fn num_text<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

impl FormState {
    fn load(&mut self, s: &Site, generation: u64) {
        self.target = Some((s.layer, s.fid));
        self.loaded_gen = generation;
        self.name = s.name.clone();
        self.kind = s.kind.clone();
        self.main_industries = s.main_industries.clone();
        self.commune = s.commune_2006.clone();
        self.craft = s.craft.clone();
        self.notes = s.notes.clone();
        self.investment = num_text(s.investment_bn_vnd);
        self.jobs = num_text(s.jobs);
        self.year = num_text(s.decision_year);
        self.occupancy = num_text(s.occupancy_pct);
        self.occupancy_year = num_text(s.occupancy_year);
        self.buffer = num_text(s.green_buffer_m);
        self.rules_year.clear();
        self.errors.clear();
    }
}

/// Describes a finding for the form and the map's tooltip.
pub fn finding_text(lang: Language, f: &Finding) -> String {
    match &f.kind {
        FindingKind::TooFewVertices => tr(
            lang,
            "Vùng có ít hơn 3 đỉnh phân biệt",
            "Fewer than 3 distinct vertices",
        )
        .into(),
        FindingKind::SelfIntersection => {
            tr(lang, "Ranh giới tự cắt", "The boundary crosses itself").into()
        }
        FindingKind::Overlap {
            name,
            area_ha,
            layer,
            ..
        } => match lang {
            Language::Vi => format!(
                "Chồng lấn {} «{name}»: {area_ha:.2} ha",
                i18n::layer_name(lang, *layer).to_lowercase()
            ),
            Language::En => format!(
                "Overlaps {} “{name}”: {area_ha:.2} ha",
                i18n::layer_name(lang, *layer).to_lowercase()
            ),
        },
        FindingKind::AtSea { area_ha } => match lang {
            Language::Vi => format!("Một phần nằm trên biển: {area_ha:.2} ha"),
            Language::En => format!("Partly at sea: {area_ha:.2} ha"),
        },
        FindingKind::OutsideProvince { area_ha } => match lang {
            Language::Vi => format!("Một phần nằm ngoài tỉnh: {area_ha:.2} ha"),
            Language::En => format!("Partly outside the province: {area_ha:.2} ha"),
        },
        FindingKind::PointNotOnProvinceLand => tr(
            lang,
            "Điểm không nằm trên đất liền của tỉnh",
            "The point is not on the province's land",
        )
        .into(),
        FindingKind::NearestTown { name, distance_m } => match lang {
            Language::Vi => format!(
                "Thị xã/thị trấn gần nhất: {name}, {:.1} km",
                distance_m / 1000.0
            ),
            Language::En => format!("Nearest town: {name}, {:.1} km", distance_m / 1000.0),
        },
    }
}

impl QnApp {
    pub fn is_read_only(&self) -> bool {
        self.file.as_ref().is_none_or(|f| f.is_read_only())
    }
}

/// The attribute form over one frame: what it reads (the project, the view, the selected
/// site, the background checker's findings, the active scenario), the form's own state it
/// types into, and the commands it asks for.
pub(crate) struct FormCtx<'a> {
    pub project: &'a Project,
    pub view: &'a View,
    pub st: &'a mut FormState,
    pub selected: (Layer, i64),
    pub tm3: &'a crate::io::crs::Tm3,
    pub checked: Checked,
    pub active: Option<&'a crate::scenario::Scenario>,
    /// The change log of the site (and its boundary), newest last.
    pub history: &'a [crate::model::oplog::Operation],
    /// The record's decided conflicts: the value that lost stays in its history.
    pub decided: &'a [crate::sync::Conflict],
    pub out: Vec<Command>,
}

impl FormCtx<'_> {
    pub(crate) fn form_reason(&self, key: &str) -> String {
        self.st.reasons.get(key).cloned().unwrap_or_default()
    }

    pub(crate) fn set_form_reason(&mut self, key: &str, reason: String) {
        self.st.reasons.insert(key.to_string(), reason);
    }

    /// Stores the planner's acceptance of a warning with the selected site.
    pub(crate) fn accept_warning(&mut self, w: AcceptedWarning) {
        let key = w.check.clone();
        self.form_apply(None, |x| {
            x.accepted_warnings.retain(|a| a.check != w.check);
            x.accepted_warnings.push(w);
            Ok(())
        });
        self.st.reasons.remove(&key);
    }

    /// A reason field and an Accept button for the warning `key` of the selected site.
    pub(crate) fn accept_ui(&mut self, ui: &mut egui::Ui, key: String) {
        let lang = self.view.lang;
        let mut reason = self.form_reason(&key);
        let mut accept = false;
        ui.horizontal(|ui| {
            let label = ui.label(tr(lang, "Lý do:", "Reason:"));
            ui.add(
                egui::TextEdit::singleline(&mut reason)
                    .id_salt(("reason", key.as_str()))
                    .hint_text(tr(lang, "lý do chấp nhận", "reason to accept"))
                    .desired_width(170.0),
            )
            .labelled_by(label.id);
            accept = ui
                .add_enabled(
                    !reason.trim().is_empty() && !self.view.read_only,
                    egui::Button::new(tr(lang, "Chấp nhận", "Accept")),
                )
                .clicked();
        });
        self.set_form_reason(&key, reason.clone());
        if accept {
            self.accept_warning(AcceptedWarning {
                check: key,
                reason: reason.trim().to_string(),
            });
        }
    }

    fn field_error(&self, field: &str) -> Option<String> {
        self.st
            .errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.reason.text(self.view.lang))
    }

    /// Applies `change` to the selected site as one edit (merging keystrokes in one field).
    pub(crate) fn form_apply(
        &mut self,
        merge: Option<u64>,
        change: impl FnOnce(&mut Site) -> Result<(), FieldError>,
    ) {
        let (l, f) = self.selected;
        let Some(before) = self.project.site(l, f).cloned() else {
            return;
        };
        let mut after = before.clone();
        if let Err(e) = change(&mut after) {
            self.st.errors.retain(|x| x.field != e.field);
            self.st.errors.push(e);
            return;
        }
        if after == before {
            return;
        }
        self.out.push(Command::Edit {
            edit: Edit::update(before, after),
            merge,
            then: Then::ClearFormErrors,
        });
    }

    pub(crate) fn text_row(
        &mut self,
        ui: &mut egui::Ui,
        label: &str,
        field: &'static str,
        multiline: bool,
    ) {
        let label_id = ui.label(RichText::new(label).strong()).id;
        let read_only = self.view.read_only;
        let error = self.field_error(field);
        let buf = match field {
            "name" => &mut self.st.name,
            "kind" => &mut self.st.kind,
            "main_industries" => &mut self.st.main_industries,
            "commune_2006" => &mut self.st.commune,
            "craft" => &mut self.st.craft,
            "notes" => &mut self.st.notes,
            "investment_bn_vnd" => &mut self.st.investment,
            "jobs" => &mut self.st.jobs,
            "occupancy_pct" => &mut self.st.occupancy,
            "occupancy_year" => &mut self.st.occupancy_year,
            "green_buffer_m" => &mut self.st.buffer,
            _ => &mut self.st.year,
        };
        let edit = if multiline {
            egui::TextEdit::multiline(buf).desired_rows(2)
        } else {
            egui::TextEdit::singleline(buf)
        };
        let r = ui
            .vertical(|ui| {
                let r = ui
                    .add_enabled(!read_only, edit.desired_width(f32::INFINITY))
                    .labelled_by(label_id);
                if let Some(e) = error {
                    ui.label(
                        RichText::new(e)
                            .color(Color32::from_rgb(0xc0, 0x10, 0x10))
                            .small(),
                    );
                }
                r
            })
            .inner;
        ui.end_row();
        if r.gained_focus() {
            self.st.visits += 1;
            self.st.typing_key = Some(merge_key(Panel::Form, self.st.visits));
        }
        if r.changed() {
            let key = self.st.typing_key;
            let value = match field {
                "name" => self.st.name.clone(),
                "kind" => self.st.kind.clone(),
                "main_industries" => self.st.main_industries.clone(),
                "commune_2006" => self.st.commune.clone(),
                "craft" => self.st.craft.clone(),
                "notes" => self.st.notes.clone(),
                "investment_bn_vnd" => self.st.investment.clone(),
                "jobs" => self.st.jobs.clone(),
                "occupancy_pct" => self.st.occupancy.clone(),
                "occupancy_year" => self.st.occupancy_year.clone(),
                "green_buffer_m" => self.st.buffer.clone(),
                _ => self.st.year.clone(),
            };
            // Parsed and checked in the domain, one place per field; a refused text stays in
            // the field with its reason beside it and never reaches the file.
            let lang = self.view.lang;
            self.form_apply(key, move |s| {
                crate::model::validate::set_site_field(s, field, &value)?;
                // A derived 2025 unit follows the commune it was derived from.
                if field == "commune_2006"
                    && let Some(a) = crate::model::admin::shipped()
                {
                    a.rederive(s, lang);
                }
                Ok(())
            });
        }
    }

    pub(crate) fn attributes_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.view.lang;
        let (layer, fid) = self.selected;
        let Some(s) = self.project.site(layer, fid).cloned() else {
            self.out.push(Command::Select(None));
            return;
        };
        let focused = ui.ctx().memory(|m| m.focused().is_some());
        if self.st.target != Some((layer, fid))
            || (self.st.loaded_gen != self.view.generation && !focused)
        {
            let errors = std::mem::take(&mut self.st.errors);
            self.st.load(&s, self.view.generation);
            if self.st.target == Some((layer, fid)) && focused {
                self.st.errors = errors;
            }
        }
        ui.horizontal(|ui| {
            ui.heading(&s.name);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .button("×")
                    .on_hover_text(tr(lang, "Bỏ chọn", "Deselect"))
                    .clicked()
                {
                    self.out.push(Command::Select(None));
                }
            });
        });
        ui.label(RichText::new(i18n::layer_name(lang, layer)).color(paint::colour(layer)));
        ui.horizontal_wrapped(|ui| {
            let ro = self.view.read_only;
            if !s.is_area()
                && ui
                    .add_enabled(
                        !ro,
                        egui::Button::new(tr(lang, "Vẽ ranh giới", "Draw boundary")),
                    )
                    .on_hover_text(tr(
                        lang,
                        "Vẽ vùng của địa điểm này (thay cho điểm)",
                        "Draw this site's area (replacing its point)",
                    ))
                    .clicked()
            {
                self.out.push(Command::DrawBoundary(layer, fid));
            }
            if ui
                .add_enabled(!ro, egui::Button::new(tr(lang, "Xóa…", "Delete…")))
                .clicked()
            {
                self.out.push(Command::ConfirmDelete(layer, fid));
            }
        });
        ui.separator();
        egui::Grid::new("form")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                self.text_row(ui, tr(lang, "Tên", "Name"), "name", false);
                self.text_row(ui, tr(lang, "Loại", "Kind"), "kind", false);
                let label_id = ui
                    .label(RichText::new(tr(lang, "Trạng thái", "Status")).strong())
                    .id;
                let mut status = s.status;
                egui::ComboBox::from_id_salt("status")
                    .selected_text(i18n::site_status(lang, &s))
                    .show_ui(ui, |ui| {
                        for st in Status::ALL {
                            ui.selectable_value(&mut status, st, i18n::status(lang, st));
                        }
                    })
                    .response
                    .labelled_by(label_id);
                ui.end_row();
                if status != s.status {
                    self.form_apply(None, |x| {
                        x.status = status;
                        Ok(())
                    });
                }
                let label_id = ui
                    .label(RichText::new(tr(lang, "Giai đoạn", "Planned phase")).strong())
                    .id;
                let mut phase = s.planned_phase;
                let shown = match (phase, s.unread_value("planned_phase")) {
                    (Some(p), _) => p.as_str().to_string(),
                    (None, Some(v)) => format!("«{v}» ?"),
                    (None, None) => "—".to_string(),
                };
                egui::ComboBox::from_id_salt("phase")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut phase, None, "—");
                        for p in Phase::ALL {
                            ui.selectable_value(&mut phase, Some(p), p.as_str());
                        }
                    })
                    .response
                    .labelled_by(label_id);
                ui.end_row();
                if phase != s.planned_phase {
                    self.form_apply(None, |x| {
                        x.planned_phase = phase;
                        x.unread.retain(|(f, _)| f != "planned_phase");
                        Ok(())
                    });
                }
                ui.label(RichText::new(tr(lang, "Diện tích (ha)", "Area (ha)")).strong());
                ui.label(match s.area_ha {
                    Some(a) => format!(
                        "{a:.2} ({})",
                        tr(
                            lang,
                            "tính trắc địa từ ranh giới",
                            "geodesic, from the boundary"
                        )
                    ),
                    None => tr(lang, "— (chưa có ranh giới)", "— (no boundary yet)").to_string(),
                });
                ui.end_row();
                let label_id = ui
                    .label(RichText::new(tr(lang, "Huyện (2006)", "District (2006)")).strong())
                    .id;
                let mut district = s.district_2006.clone();
                ui.vertical(|ui| {
                    egui::ComboBox::from_id_salt("district")
                        .selected_text(if district.is_empty() {
                            "—".to_string()
                        } else {
                            district.clone()
                        })
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut district, String::new(), "—");
                            for d in DISTRICTS_2006 {
                                ui.selectable_value(&mut district, d.to_string(), d);
                            }
                        })
                        .response
                        .labelled_by(label_id);
                    ui.label(
                        RichText::new(tr(
                            lang,
                            "chọn tay: không có dữ liệu ranh giới huyện mở",
                            "chosen: no open district boundary data exists",
                        ))
                        .small()
                        .weak(),
                    );
                });
                ui.end_row();
                if district != s.district_2006 {
                    self.form_apply(None, |x| {
                        x.district_2006 = district;
                        if let Some(a) = crate::model::admin::shipped() {
                            a.rederive(x, lang);
                        }
                        Ok(())
                    });
                }
                self.units_rows(ui, &s);
                self.text_row(
                    ui,
                    tr(lang, "Ngành chính", "Main industries"),
                    "main_industries",
                    false,
                );
                self.text_row(
                    ui,
                    tr(lang, "Vốn đầu tư (tỷ đồng)", "Investment (bn VND)"),
                    "investment_bn_vnd",
                    false,
                );
                self.text_row(ui, tr(lang, "Lao động", "Jobs"), "jobs", false);
                self.text_row(
                    ui,
                    tr(lang, "Năm quyết định", "Decision year"),
                    "decision_year",
                    false,
                );
                if layer == Layer::CraftVillages || !s.craft.is_empty() {
                    self.text_row(ui, tr(lang, "Nghề", "Craft"), "craft", false);
                }
                if crate::analysis::rules::checks_for(layer).len() > 2 {
                    ui.label(RichText::new(tr(lang, "Mở rộng", "Expansion")).strong());
                    let mut exp = s.is_expansion;
                    if ui
                        .add_enabled(
                            !self.view.read_only,
                            egui::Checkbox::new(
                                &mut exp,
                                tr(
                                    lang,
                                    "là mở rộng khu, cụm hiện có",
                                    "expands an existing zone or cluster",
                                ),
                            ),
                        )
                        .changed()
                    {
                        self.form_apply(None, |x| {
                            x.is_expansion = exp;
                            Ok(())
                        });
                    }
                    ui.end_row();
                    self.text_row(
                        ui,
                        tr(lang, "Tỉ lệ lấp đầy (%)", "Occupancy (% leased)"),
                        "occupancy_pct",
                        false,
                    );
                    self.text_row(
                        ui,
                        tr(lang, "Năm đo lấp đầy", "Occupancy measured in"),
                        "occupancy_year",
                        false,
                    );
                    self.text_row(
                        ui,
                        tr(lang, "Dải cây xanh (m)", "Green strip (m)"),
                        "green_buffer_m",
                        false,
                    );
                }
                if !crate::analysis::rules::checks_for(layer).is_empty() {
                    let label_id = ui
                        .label(RichText::new(tr(lang, "Cấp ô nhiễm", "Pollution class")).strong())
                        .id;
                    let mut class = s.pollution_class;
                    egui::ComboBox::from_id_salt("pollution")
                        .selected_text(match class {
                            Some(c) => {
                                ["I", "II", "III", "IV", "V"][usize::from(c.clamp(1, 5)) - 1]
                            }
                            None => "—",
                        })
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut class, None, "—");
                            for (i, n) in ["I", "II", "III", "IV", "V"].iter().enumerate() {
                                ui.selectable_value(&mut class, Some(i as u8 + 1), *n);
                            }
                        })
                        .response
                        .labelled_by(label_id);
                    ui.end_row();
                    if class != s.pollution_class {
                        self.form_apply(None, |x| {
                            x.pollution_class = class;
                            Ok(())
                        });
                    }
                }
                self.text_row(ui, tr(lang, "Ghi chú", "Notes"), "notes", true);
            });
        ui.separator();
        // Read-only provenance.
        let centre = self
            .project
            .centres
            .iter()
            .find(|c| c.key == s.centre_key)
            .map(|c| match lang {
                Language::Vi => c.name.clone(),
                Language::En => c.name_en.clone(),
            });
        let position = match &s.geom {
            Some(geo_types::Geometry::Point(p)) => {
                let tm = self
                    .tm3
                    .tm3_from_lonlat(p.x(), p.y())
                    .map(|(e, n)| format!("\nVN-2000 TM-3: E {e:.1} N {n:.1}"))
                    .unwrap_or_default();
                format!("{:.5}° N, {:.5}° E{tm}", p.y(), p.x())
            }
            Some(_) => tr(lang, "vùng (đa giác)", "area (polygon)").to_string(),
            None => i18n::precision(lang, Precision::NotLocated).to_string(),
        };
        let rows: Vec<(&str, String)> = vec![
            (
                tr(lang, "Nguồn (đoạn)", "Source paragraph"),
                s.source_para.clone(),
            ),
            (tr(lang, "Trung tâm", "Centre"), centre.unwrap_or_default()),
            (tr(lang, "Vị trí", "Position"), position),
            (
                tr(lang, "Độ chính xác vị trí", "Location precision"),
                i18n::precision(lang, s.location_precision).to_string(),
            ),
            (
                tr(lang, "Nguồn vị trí", "Location source"),
                s.location_source.clone(),
            ),
        ];
        egui::Grid::new("provenance")
            .num_columns(2)
            .striped(true)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                for (k, v) in rows {
                    if v.is_empty() {
                        continue;
                    }
                    ui.label(RichText::new(k).strong());
                    ui.add(egui::Label::new(v).wrap());
                    ui.end_row();
                }
            });
        self.checks_ui(ui, &s);
        self.rules_section(ui, &s);
        self.history_ui(ui);
        ui.add_space(8.0);
        ui.label(
            RichText::new(format!(
                "{} · fid {}",
                i18n::layer_name(lang, s.layer),
                s.fid
            ))
            .small()
            .weak(),
        );
    }

    /// Who changed which field of the site, when, from the change log (newest first).
    fn history_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.view.lang;
        ui.separator();
        egui::CollapsingHeader::new(format!(
            "{} ({})",
            tr(lang, "Lịch sử thay đổi", "Change history"),
            self.history.len() + self.decided.len()
        ))
        .id_salt("site_history")
        .default_open(false)
        .show(ui, |ui| {
            if self.history.is_empty() && self.decided.is_empty() {
                ui.label(
                    RichText::new(tr(
                        lang,
                        "Chưa có thay đổi nào kể từ khi tạo dự án.",
                        "No change since the project was made.",
                    ))
                    .weak(),
                );
            }
            for c in self.decided.iter().rev() {
                let field = if c.field == "*" {
                    tr(lang, "bản ghi", "the record").to_string()
                } else {
                    crate::app::i18n::field_label(lang, &c.table, &c.field)
                };
                let side = |v: &crate::store::Cell, deleted: bool| {
                    if deleted {
                        tr(lang, "(đã xóa)", "(deleted)").to_string()
                    } else {
                        crate::app::i18n::value_text(lang, v, false)
                    }
                };
                let decision = match c.resolution.as_deref() {
                    Some("theirs") => tr(lang, "lấy của máy chủ", "took the server's"),
                    Some("value") => tr(lang, "đặt giá trị khác", "set another value"),
                    _ => tr(lang, "giữ của máy này", "kept this copy's"),
                };
                let when = c
                    .resolved_at
                    .as_deref()
                    .map(crate::store::time::local_time)
                    .unwrap_or_default();
                let who = c.resolved_by.clone().unwrap_or_default();
                ui.label(RichText::new(format!("{when} · {who}")).small().weak());
                let by = c
                    .theirs_author
                    .as_deref()
                    .map(|a| format!(" ({a})"))
                    .unwrap_or_default();
                ui.add(
                    egui::Label::new(format!(
                        "{} {field}: {} {}, {} {}{by} — {decision}",
                        tr(lang, "xung đột về", "conflict over"),
                        tr(lang, "máy này", "this copy"),
                        side(&c.mine, c.mine_deleted),
                        tr(lang, "máy chủ", "the server"),
                        side(&c.theirs, c.theirs_deleted),
                    ))
                    .wrap(),
                );
            }
            for o in self.history.iter().rev() {
                let who = o.author.clone().unwrap_or_else(|| {
                    tr(
                        lang,
                        "ngoài qn-planner (QGIS, GDAL…)",
                        "outside qn-planner (QGIS, GDAL…)",
                    )
                    .to_string()
                });
                let when = crate::store::time::local_time(&o.at);
                // The bundled font has no arrows: the change is said in words.
                let what = match o.kind {
                    crate::model::oplog::OpKind::Update => format!(
                        "{} {} {} {} {} {}",
                        o.kind.text(lang),
                        crate::app::i18n::field_label(lang, &o.table, &o.field),
                        tr(lang, "từ", "from"),
                        o.before.short(lang),
                        tr(lang, "thành", "to"),
                        o.after.short(lang)
                    ),
                    crate::model::oplog::OpKind::Insert if o.table.ends_with("_boundary") => {
                        format!(
                            "{} {}",
                            o.kind.text(lang),
                            crate::app::i18n::field_label(lang, &o.table, "geom")
                        )
                    }
                    crate::model::oplog::OpKind::Insert => o.kind.text(lang).to_string(),
                    crate::model::oplog::OpKind::Delete => o.kind.text(lang).to_string(),
                };
                ui.label(RichText::new(format!("{when} · {who}")).small().weak());
                ui.add(egui::Label::new(what).wrap());
            }
        });
    }

    fn checks_ui(&mut self, ui: &mut egui::Ui, s: &Site) {
        let lang = self.view.lang;
        let (findings, running) = match self.checked.clone() {
            Checked::Ready(f) => (f, false),
            Checked::Stale(f) => (f, true),
            Checked::Pending => (Vec::new(), true),
        };
        ui.separator();
        ui.label(RichText::new(tr(lang, "Kiểm tra", "Checks")).strong());
        if running {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr(lang, "Đang kiểm tra…", "Checking…"));
            });
        } else if !findings.iter().any(Finding::is_warning) {
            ui.label(
                RichText::new(tr(lang, "Không có cảnh báo", "No warnings"))
                    .color(Color32::from_rgb(0x1a, 0x7f, 0x37)),
            );
        }
        for f in findings {
            let text = finding_text(lang, &f);
            if !f.is_warning() {
                ui.label(text);
                continue;
            }
            match f.accepted_reason(s) {
                Some(reason) => {
                    ui.label(RichText::new(format!("! {text}")).color(Color32::from_gray(110)));
                    ui.label(
                        RichText::new(format!(
                            "{}: {reason}",
                            tr(lang, "Đã chấp nhận", "Accepted")
                        ))
                        .small()
                        .italics(),
                    );
                }
                None => {
                    ui.label(
                        RichText::new(format!("! {text}"))
                            .color(Color32::from_rgb(0xb0, 0x30, 0x00)),
                    );
                    self.accept_ui(ui, f.key());
                }
            }
        }
    }
}
