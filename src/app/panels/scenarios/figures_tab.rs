//! The report-figures tab: the 2007 report's figures that every scenario starts from (output
//! 2006–2007, growth by ownership, the extension programme), each with its paragraph, the
//! value the report gives and the value the project uses. A planner corrects one by typing;
//! "Dùng số báo cáo" puts the report's value back. Written in the panel shape of
//! [`crate::app::command`]: it reads the project and returns edits.

use crate::app::command::{Command, Panel, View, merge_key};
use crate::app::i18n::tr;
use crate::app::{buffered_text, note_refusal, refusal_label};
use crate::edit::Edit;
use crate::model::Project;
use crate::model::figures::Figure;
use crate::model::validate::Refusal;
use egui::RichText;
use std::collections::HashMap;

/// The tab's own state: the texts being typed (kept while refused) and the merge key of the
/// field being typed in.
#[derive(Debug, Clone, Default)]
pub struct FiguresState {
    bufs: HashMap<String, String>,
    refused: HashMap<String, Refusal>,
    typing_key: Option<u64>,
    next_key: u64,
    loaded: Option<u64>,
}

/// A number as the tab shows it: no needless decimals.
fn shown(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub fn figures_ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &View,
    st: &mut FiguresState,
) -> Vec<Command> {
    let lang = view.lang;
    let mut out = Vec::new();
    // The values changed under the fields (undo, another edit): reload the texts that are not
    // being typed or refused.
    let focused = ui.ctx().memory(|m| m.focused().is_some());
    if st.loaded != Some(view.generation) && !focused {
        let refused = &st.refused;
        st.bufs.retain(|k, _| refused.contains_key(k));
        st.loaded = Some(view.generation);
    }
    ui.label(
        RichText::new(tr(
            lang,
            "Số liệu của báo cáo năm 2007 mà mọi kịch bản dựa vào. Sửa ở đây nếu cần đính chính; \
             bảng document_figures trong tệp GeoPackage giữ cả số liệu gốc.",
            "The 2007 report's figures every scenario starts from. Correct one here if needed; \
             the GeoPackage table document_figures keeps the report's own value too.",
        ))
        .weak(),
    );
    ui.add_space(4.0);
    egui::Grid::new("document_figures")
        .striped(true)
        .num_columns(6)
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            for h in [
                tr(lang, "Số liệu", "Figure"),
                tr(lang, "Giá trị dùng", "Value used"),
                tr(lang, "Đơn vị", "Unit"),
                tr(lang, "Đoạn", "¶"),
                tr(lang, "Theo báo cáo", "In the report"),
                "",
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for f in Figure::ALL {
                let value = project.figures.get(f);
                let l = ui
                    .label(f.label(lang))
                    .on_hover_text(f.note().unwrap_or(""));
                ui.horizontal(|ui| {
                    if view.read_only {
                        ui.label(shown(value));
                        return;
                    }
                    let typed = buffered_text(
                        ui,
                        &mut st.bufs,
                        ("figure", f.key()),
                        || shown(value),
                        90.0,
                        "",
                        &mut st.typing_key,
                        &mut st.next_key,
                        Some(l.id),
                    );
                    let parsed = typed.map(|t| f.parse(&t));
                    if let Some(v) = note_refusal(&mut st.refused, f.key(), parsed)
                        && v != value
                    {
                        out.push(Command::merged(
                            Edit::Figure {
                                figure: f,
                                before: value,
                                after: v,
                            },
                            st.typing_key.map(|k| merge_key(Panel::Figures, k)),
                        ));
                    }
                    refusal_label(ui, lang, st.refused.get(f.key()));
                });
                ui.label(f.unit().text(lang));
                ui.label(f.paragraph());
                let corrected = project.figures.is_corrected(f);
                ui.label(if corrected {
                    RichText::new(shown(f.document_value())).italics()
                } else {
                    RichText::new(shown(f.document_value())).weak()
                });
                if corrected && !view.read_only {
                    if ui
                        .button(tr(lang, "Dùng số báo cáo", "Use the report's value"))
                        .on_hover_text(tr(
                            lang,
                            "Dùng lại giá trị của báo cáo",
                            "Use the report's value again",
                        ))
                        .clicked()
                    {
                        st.bufs.remove(f.key());
                        st.refused.remove(f.key());
                        out.push(Command::edit(Edit::Figure {
                            figure: f,
                            before: value,
                            after: f.document_value(),
                        }));
                    }
                } else {
                    ui.label("");
                }
                ui.end_row();
            }
        });
    out
}
