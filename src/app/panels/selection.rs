//! The selection: how many sites, their total area, and what to do with all of them at once
//! (zoom to them, change a field, delete, export, copy for a spreadsheet), and "select by
//! value". A panel in the shape of [`crate::app::command`]: it reads the project and the
//! selection and asks for edits, selections and exports.

use crate::app::command::{Command, View};
use crate::app::i18n::{self, tr};
use crate::edit::Edit;
use crate::lang::Language;
use crate::model::select::{Condition, Mode, Op, select, total_area_ha};
use crate::model::style::SITE_FIELDS;
use crate::model::validate::set_site_field;
use crate::model::{Layer, Project, Site};
use egui::RichText;
use std::collections::BTreeSet;

/// The fields "change a field for all" offers: what a planner types in the form.
pub const CHANGEABLE: [&str; 11] = [
    "kind",
    "district_2006",
    "main_industries",
    "craft",
    "notes",
    "investment_bn_vnd",
    "jobs",
    "occupancy_pct",
    "occupancy_year",
    "green_buffer_m",
    "decision_year",
];

/// "Select by value": the layer (all planning layers when `None`), the condition, the mode.
#[derive(Debug, Clone)]
pub struct ByValue {
    pub layer: Option<Layer>,
    pub field: String,
    pub op: Op,
    pub value: String,
    pub mode: Mode,
    pub error: Option<String>,
}

impl Default for ByValue {
    fn default() -> Self {
        ByValue {
            layer: None,
            field: "district_2006".into(),
            op: Op::Eq,
            value: String::new(),
            mode: Mode::Replace,
            error: None,
        }
    }
}

/// "Change a field for all": which field and the text typed.
#[derive(Debug, Clone)]
pub struct ChangeField {
    pub field: &'static str,
    pub value: String,
    pub error: Option<String>,
}

/// What the selection box keeps between frames.
#[derive(Debug, Default)]
pub struct SelectionUi {
    pub by_value: Option<ByValue>,
    pub change: Option<ChangeField>,
    /// The question "delete these N sites?" is open.
    pub confirm_delete: bool,
    /// What the last action said (copied, refused).
    pub note: Option<String>,
}

/// The selected sites that still exist, in layer and fid order.
pub fn selected_sites<'a>(project: &'a Project, sel: &BTreeSet<(Layer, i64)>) -> Vec<&'a Site> {
    sel.iter()
        .filter_map(|&(l, f)| project.site(l, f))
        .collect()
}

/// The sites after `field` is set to `text` in each, or the first refusal (named by site).
pub fn change_all(
    lang: Language,
    sites: &[&Site],
    field: &'static str,
    text: &str,
) -> Result<Vec<(Site, Site)>, String> {
    let mut pairs = Vec::with_capacity(sites.len());
    for s in sites {
        let mut after = (*s).clone();
        set_site_field(&mut after, field, text)
            .map_err(|e| format!("{}: {}", s.name, e.reason.text(lang)))?;
        if after != **s {
            pairs.push(((*s).clone(), after));
        }
    }
    Ok(pairs)
}

/// The area line: "12 đối tượng · 345,6 ha (2 chưa có diện tích)".
pub fn summary(lang: Language, sites: &[&Site]) -> String {
    let (ha, without) = total_area_ha(sites.iter().copied());
    let area = format!("{ha:.1} ha");
    let mut s = match lang {
        Language::Vi => format!("{} đối tượng", sites.len()),
        Language::En => format!("{} features", sites.len()),
    };
    if without == sites.len() {
        s.push_str(tr(lang, " · chưa có diện tích", " · no area yet"));
        return s;
    }
    s.push_str(&format!(" · {area}"));
    if without > 0 {
        s.push_str(&match lang {
            Language::Vi => format!(" ({without} chưa có diện tích)"),
            Language::En => format!(" ({without} without an area)"),
        });
    }
    s
}

/// Copies the sites as tab-separated text; what it says.
pub fn copy(ctx: &egui::Context, lang: Language, sites: &[&Site]) -> String {
    ctx.copy_text(crate::io::tsv::sites_tsv(sites.iter().copied()));
    match lang {
        Language::Vi => format!("Đã chép {} dòng (dán vào bảng tính)", sites.len()),
        Language::En => format!("Copied {} rows (paste into a spreadsheet)", sites.len()),
    }
}

/// The selection box of the left panel; returns what it asks for.
pub fn selection_box(
    ui: &mut egui::Ui,
    project: &Project,
    view: &View,
    sel: &BTreeSet<(Layer, i64)>,
    st: &mut SelectionUi,
) -> Vec<Command> {
    let mut out = Vec::new();
    let lang = view.lang;
    let sites = selected_sites(project, sel);
    ui.horizontal(|ui| {
        ui.label(RichText::new(tr(lang, "Vùng chọn", "Selection")).strong());
        if ui
            .small_button(tr(lang, "Chọn theo giá trị…", "Select by value…"))
            .clicked()
        {
            st.by_value.get_or_insert_with(ByValue::default);
        }
    });
    // Ctrl+C with no text field in use copies the selection for a spreadsheet.
    let copy_asked = ui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Copy)))
        && ui.ctx().memory(|m| m.focused().is_none());
    if copy_asked && !sites.is_empty() {
        st.note = Some(copy(ui.ctx(), lang, &sites));
    }
    if sites.len() == 1 {
        // One site: the form beside the map is its box.
    } else if sites.is_empty() {
        ui.label(
            RichText::new(tr(
                lang,
                "Chưa chọn gì. Ctrl+nhấp để chọn thêm, Ctrl+kéo để chọn theo khung.",
                "Nothing selected. Ctrl+click to add, Ctrl+drag a rectangle.",
            ))
            .small()
            .weak(),
        );
    } else {
        ui.label(summary(lang, &sites));
        ui.horizontal_wrapped(|ui| {
            if ui.button(tr(lang, "Phóng tới", "Zoom to")).clicked() {
                out.push(Command::ZoomToSelection);
            }
            if ui
                .add_enabled(
                    !view.read_only,
                    egui::Button::new(tr(lang, "Sửa trường…", "Change field…")),
                )
                .clicked()
            {
                st.change = Some(ChangeField {
                    field: "district_2006",
                    value: String::new(),
                    error: None,
                });
            }
            if ui
                .add_enabled(
                    !view.read_only,
                    egui::Button::new(tr(lang, "Xóa…", "Delete…")),
                )
                .clicked()
            {
                st.confirm_delete = true;
            }
            let layers: BTreeSet<Layer> = sites.iter().map(|s| s.layer).collect();
            ui.menu_button(tr(lang, "Xuất…", "Export…"), |ui| {
                for l in &layers {
                    let fids: Vec<i64> = sites
                        .iter()
                        .filter(|s| s.layer == *l)
                        .map(|s| s.fid)
                        .collect();
                    let text = format!("{} ({})", i18n::layer_name(lang, *l), fids.len());
                    if ui.button(text).clicked() {
                        out.push(Command::ExportSelection(*l, fids));
                        ui.close();
                    }
                }
            });
            if ui
                .button(tr(lang, "Sao chép", "Copy"))
                .on_hover_text("Ctrl+C")
                .clicked()
            {
                st.note = Some(copy(ui.ctx(), lang, &sites));
            }
            if ui.button(tr(lang, "Bỏ chọn", "Clear")).clicked() {
                out.push(Command::SelectMany(BTreeSet::new()));
            }
        });
    }
    if let Some(n) = &st.note {
        ui.label(RichText::new(n).small());
    }
    if let Some(c) = st.change.as_mut() {
        change_form(ui, lang, &sites, c, &mut out);
        if out.iter().any(|c| matches!(c, Command::Edit { .. })) {
            st.change = None;
        }
    }
    if st.change.as_ref().is_some_and(|c| c.field.is_empty()) {
        st.change = None;
    }
    if st.confirm_delete && !sites.is_empty() {
        confirm_delete(ui.ctx(), lang, &sites, st, &mut out);
    } else {
        st.confirm_delete = false;
    }
    if let Some(b) = st.by_value.as_mut() {
        let mut open = true;
        by_value_window(ui.ctx(), project, lang, sel, b, &mut open, &mut out);
        if !open {
            st.by_value = None;
        }
    }
    out
}

fn change_form(
    ui: &mut egui::Ui,
    lang: Language,
    sites: &[&Site],
    c: &mut ChangeField,
    out: &mut Vec<Command>,
) {
    ui.group(|ui| {
        ui.horizontal(|ui| {
            egui::ComboBox::from_label(tr(lang, "Trường cần sửa", "Field to change"))
                .selected_text(i18n::field_label(lang, "", c.field))
                .show_ui(ui, |ui| {
                    for f in CHANGEABLE {
                        ui.selectable_value(&mut c.field, f, i18n::field_label(lang, "", f));
                    }
                });
            let name = tr(lang, "Giá trị mới", "New value");
            ui.add(
                egui::TextEdit::singleline(&mut c.value)
                    .desired_width(110.0)
                    .hint_text(tr(lang, "giá trị mới", "new value")),
            )
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, name));
        });
        ui.horizontal(|ui| {
            let apply = match lang {
                Language::Vi => format!("Đặt cho {} đối tượng", sites.len()),
                Language::En => format!("Set for {} features", sites.len()),
            };
            if ui.button(apply).clicked() {
                match change_all(lang, sites, c.field, &c.value) {
                    Ok(pairs) if pairs.is_empty() => c.field = "",
                    Ok(pairs) => out.push(Command::edit(Edit::update_many(pairs))),
                    Err(e) => c.error = Some(e),
                }
            }
            if ui.button(tr(lang, "Hủy", "Cancel")).clicked() {
                c.field = "";
            }
        });
        if let Some(e) = &c.error {
            ui.colored_label(egui::Color32::from_rgb(0xc0, 0x10, 0x10), e);
        }
    });
}

fn confirm_delete(
    ctx: &egui::Context,
    lang: Language,
    sites: &[&Site],
    st: &mut SelectionUi,
    out: &mut Vec<Command>,
) {
    let mut answer = None;
    egui::Modal::new(egui::Id::unique("qn_confirm_delete_selection")).show(ctx, |ui| {
        ui.heading(tr(
            lang,
            "Xóa các đối tượng đã chọn?",
            "Delete the selected features?",
        ));
        ui.label(match lang {
            Language::Vi => format!(
                "Xóa {} đối tượng? (một bước hoàn tác: Ctrl+Z đưa lại tất cả)",
                sites.len()
            ),
            Language::En => format!(
                "Delete {} features? (one undo step: Ctrl+Z brings all back)",
                sites.len()
            ),
        });
        for s in sites.iter().take(8) {
            ui.label(format!(
                "· {} ({})",
                s.name,
                i18n::layer_name(lang, s.layer)
            ));
        }
        if sites.len() > 8 {
            ui.label(format!("· … +{}", sites.len() - 8));
        }
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
            st.confirm_delete = false;
            let all: Vec<Site> = sites.iter().map(|s| (*s).clone()).collect();
            out.push(Command::edit(Edit::delete_many(all)));
        }
        Some(false) => st.confirm_delete = false,
        None => {}
    }
}

fn by_value_window(
    ctx: &egui::Context,
    project: &Project,
    lang: Language,
    sel: &BTreeSet<(Layer, i64)>,
    b: &mut ByValue,
    open: &mut bool,
    out: &mut Vec<Command>,
) {
    egui::Window::new(tr(lang, "Chọn theo giá trị", "Select by value"))
        .id(egui::Id::unique("qn_select_by_value"))
        .open(open)
        .default_pos([320.0, 160.0])
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("qn_by_value")
                .num_columns(2)
                .show(ui, |ui| {
                    let label = ui.label(tr(lang, "Lớp", "Layer"));
                    let shown = b.layer.map_or(tr(lang, "Mọi lớp", "All layers"), |l| {
                        i18n::layer_name(lang, l)
                    });
                    egui::ComboBox::from_id_salt("qn_by_value_layer")
                        .selected_text(shown)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(
                                &mut b.layer,
                                None,
                                tr(lang, "Mọi lớp", "All layers"),
                            );
                            for l in Layer::ALL {
                                ui.selectable_value(
                                    &mut b.layer,
                                    Some(l),
                                    i18n::layer_name(lang, l),
                                );
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(tr(lang, "Trường", "Field"));
                    egui::ComboBox::from_id_salt("qn_by_value_field")
                        .selected_text(i18n::field_label(lang, "", &b.field))
                        .show_ui(ui, |ui| {
                            for (f, _) in SITE_FIELDS {
                                ui.selectable_value(
                                    &mut b.field,
                                    f.to_string(),
                                    i18n::field_label(lang, "", f),
                                );
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(tr(lang, "Phép so", "Operator"));
                    egui::ComboBox::from_id_salt("qn_by_value_op")
                        .selected_text(b.op.symbol(lang))
                        .show_ui(ui, |ui| {
                            for op in Op::ALL {
                                ui.selectable_value(&mut b.op, op, op.symbol(lang));
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(tr(lang, "Giá trị", "Value"));
                    ui.add_enabled(
                        b.op.takes_value(),
                        egui::TextEdit::singleline(&mut b.value)
                            .id_salt("qn_by_value_value")
                            .desired_width(160.0),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(tr(lang, "Cách chọn", "Mode"));
                    egui::ComboBox::from_id_salt("qn_by_value_mode")
                        .selected_text(b.mode.name(lang))
                        .show_ui(ui, |ui| {
                            for m in Mode::ALL {
                                ui.selectable_value(&mut b.mode, m, m.name(lang));
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                });
            if ui
                .button(tr(lang, "Chọn các đối tượng khớp", "Select matching"))
                .clicked()
            {
                let c = Condition {
                    field: b.field.clone(),
                    op: b.op,
                    value: b.value.clone(),
                };
                let layers: Vec<Layer> = b.layer.into_iter().collect();
                match select(project.sites.iter(), &layers, &c) {
                    Ok(found) => {
                        b.error = Some(match lang {
                            Language::Vi => format!("{} đối tượng khớp", found.len()),
                            Language::En => format!("{} features match", found.len()),
                        });
                        out.push(Command::SelectMany(b.mode.combine(sel, &found)));
                    }
                    Err(e) => b.error = Some(e.text(lang)),
                }
            }
            if let Some(e) = &b.error {
                ui.label(e);
            }
        });
}
