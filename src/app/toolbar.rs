//! The toolbar: the drafting tools, the layer new features go into, undo and redo, and the
//! windows. It never wraps: what does not fit on one row at the window's width goes, from the
//! right, into a "»" menu at its end (as QGIS's toolbars overflow).

use super::command::{Command, View};
use super::i18n::{self, tr};
use super::map::canvas::MapState;
use super::map::editing::Tool;
use super::menu::Toggles;
use super::panels::table;
use crate::lang::Language;
use crate::model::Layer;

/// An entry of the toolbar, in its order.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Item {
    Tool(Tool),
    NewLayer,
    Undo,
    Redo,
    Scenarios,
    Table,
    Rules,
    Present,
}

impl Item {
    fn all() -> Vec<Item> {
        let mut v: Vec<Item> = Tool::ALL.iter().map(|t| Item::Tool(*t)).collect();
        v.extend([
            Item::NewLayer,
            Item::Undo,
            Item::Redo,
            Item::Scenarios,
            Item::Table,
            Item::Rules,
            Item::Present,
        ]);
        v
    }

    /// A separator goes before it.
    fn starts_group(self) -> bool {
        matches!(self, Item::NewLayer | Item::Undo | Item::Scenarios)
    }

    fn text(self, lang: Language, map: &MapState) -> String {
        match self {
            Item::Tool(t) => t.label(lang).to_string(),
            Item::NewLayer => format!(
                "{} {} MM",
                i18n::layer_name(lang, map.editor.active_layer),
                tr(lang, "lớp thêm mới", "new features in")
            ),
            Item::Undo => tr(lang, "Hoàn tác", "Undo").into(),
            Item::Redo => tr(lang, "Làm lại", "Redo").into(),
            Item::Scenarios => tr(lang, "Kịch bản", "Scenarios").into(),
            Item::Table => tr(lang, "Bảng thuộc tính", "Attribute table").into(),
            Item::Rules => tr(lang, "Quy định", "Rules").into(),
            Item::Present => tr(lang, "Trình chiếu (F11)", "Present (F11)").into(),
        }
    }
}

/// The width `item` takes on the row, from its text in the button font.
fn width(ui: &egui::Ui, item: Item, lang: Language, map: &MapState) -> f32 {
    let font = egui::TextStyle::Button.resolve(ui.style());
    let text = item.text(lang, map);
    let w = ui.fonts_mut(|f| f.layout_no_wrap(text, font, egui::Color32::BLACK).size().x);
    let s = &ui.style().spacing;
    // The combo box has its own frame and gaps around its label.
    let extra = if item == Item::NewLayer { 24.0 } else { 0.0 };
    let sep = if item.starts_group() {
        2.0 * s.item_spacing.x + 1.0
    } else {
        0.0
    };
    w + 2.0 * s.button_padding.x + s.item_spacing.x + extra + sep
}

pub(crate) fn toolbar_ui(
    ui: &mut egui::Ui,
    view: &View,
    map: &mut MapState,
    win: Toggles<'_>,
) -> Vec<Command> {
    let mut out = Vec::new();
    let lang = view.lang;
    let items = Item::all();
    let avail = ui.available_width();
    let more = width(ui, Item::Undo, lang, map).min(40.0);
    let widths: Vec<f32> = items.iter().map(|i| width(ui, *i, lang, map)).collect();
    // How many fit on the row, the "»" button counted when some do not.
    let total: f32 = widths.iter().sum();
    let mut shown = items.len();
    if total > avail {
        while shown > 0 && widths[..shown].iter().sum::<f32>() + more > avail {
            shown -= 1;
        }
    }
    let mut win = win;
    ui.horizontal(|ui| {
        for (k, item) in items[..shown].iter().enumerate() {
            if k > 0 && item.starts_group() {
                ui.separator();
            }
            item_ui(ui, *item, view, map, &mut win, &mut out);
        }
        if shown < items.len() {
            ui.menu_button("»", |ui| {
                for item in &items[shown..] {
                    if item.starts_group() {
                        ui.separator();
                    }
                    item_ui(ui, *item, view, map, &mut win, &mut out);
                }
            })
            .response
            .on_hover_text(tr(
                lang,
                "Các nút không đủ chỗ trên thanh công cụ",
                "The buttons that do not fit on the toolbar",
            ));
        }
    });
    out
}

/// One entry of the toolbar, on the row or in the "»" menu.
fn item_ui(
    ui: &mut egui::Ui,
    item: Item,
    view: &View,
    map: &mut MapState,
    win: &mut Toggles<'_>,
    out: &mut Vec<Command>,
) {
    let lang = view.lang;
    match item {
        Item::Tool(t) => {
            let editing = !matches!(t, Tool::Select | Tool::Measure);
            // Protected and residential areas are MULTIPOLYGON layers: no points there.
            let no_points = t == Tool::AddPoint && map.editor.active_layer.holds_areas_only();
            let r = ui
                .add_enabled(
                    !(no_points || view.read_only && editing),
                    egui::Button::selectable(map.editor.tool == t, t.label(lang)),
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
                map.editor.set_tool(t);
            }
        }
        Item::NewLayer => {
            egui::ComboBox::new("active_layer", tr(lang, "lớp thêm mới", "new features in"))
                .selected_text(i18n::layer_name(lang, map.editor.active_layer))
                .show_ui(ui, |ui| {
                    for l in Layer::ALL {
                        ui.selectable_value(
                            &mut map.editor.active_layer,
                            l,
                            i18n::layer_name(lang, l),
                        );
                    }
                });
        }
        Item::Undo => {
            if ui
                .add_enabled(view.can_undo, egui::Button::new(item.text(lang, map)))
                .on_hover_text("Ctrl+Z")
                .clicked()
            {
                out.push(Command::Undo);
            }
        }
        Item::Redo => {
            if ui
                .add_enabled(view.can_redo, egui::Button::new(item.text(lang, map)))
                .on_hover_text("Ctrl+Y, Ctrl+Shift+Z")
                .clicked()
            {
                out.push(Command::Redo);
            }
        }
        Item::Scenarios => {
            if ui
                .add(egui::Button::selectable(
                    *win.scenario,
                    item.text(lang, map),
                ))
                .clicked()
            {
                *win.scenario = !*win.scenario;
            }
        }
        Item::Table => {
            if ui.button(item.text(lang, map)).clicked() {
                let layer = map.selected.map(|s| s.0).unwrap_or(map.editor.active_layer);
                *win.table = Some(table::TableState::new(layer));
            }
        }
        Item::Rules => {
            if ui
                .add(egui::Button::selectable(*win.rules, item.text(lang, map)))
                .clicked()
            {
                *win.rules = !*win.rules;
            }
        }
        Item::Present => {
            if ui.button(item.text(lang, map)).clicked() {
                map.set_presenting(ui.ctx(), true);
            }
        }
    }
}
