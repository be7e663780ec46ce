//! The form's rows for where a site lies in the communes of 2006 and in the units of 2025:
//! the 2006 commune typed, the 2025 unit derived from it through the official mapping (or
//! chosen from the 54 units), where the unit comes from, and that units are names and codes,
//! not boundaries.

use super::form::FormCtx;
use crate::app::i18n::tr;
use crate::lang::Language;
use crate::model::Site;
use crate::model::admin::{Era, is_derived, shipped};
use egui::RichText;

impl FormCtx<'_> {
    /// The commune (2006) and unit (2025) rows of the form's grid.
    pub(crate) fn units_rows(&mut self, ui: &mut egui::Ui, s: &Site) {
        let lang = self.view.lang;
        self.text_row(
            ui,
            tr(lang, "Xã, phường (2006)", "Commune (2006)"),
            "commune_2006",
            false,
        );
        let label_id = ui
            .label(RichText::new(tr(lang, "Đơn vị từ 1/7/2025", "Unit since 1 July 2025")).strong())
            .id;
        let Some(units) = shipped() else {
            ui.label("—");
            ui.end_row();
            return;
        };
        let mut chosen = s.unit_2025.clone();
        let derived = units.derive_2025(&s.district_2006, &s.commune_2006);
        let mut rederive = false;
        ui.vertical(|ui| {
            ui.add_enabled_ui(!self.view.read_only, |ui| {
                egui::ComboBox::from_id_salt("unit_2025")
                    .selected_text(if chosen.is_empty() {
                        "—".to_string()
                    } else {
                        chosen.clone()
                    })
                    .height(320.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut chosen, String::new(), "—");
                        let mut list: Vec<&str> =
                            units.of(Era::Y2025).map(|u| u.name.as_str()).collect();
                        list.sort_by_key(|n| crate::model::text::fold(n));
                        for n in list {
                            ui.selectable_value(&mut chosen, n.to_string(), n);
                        }
                    })
                    .response
                    .labelled_by(label_id);
                if let Some(d) = &derived
                    && (d.unit.name != s.unit_2025 || !is_derived(&s.unit_2025_source))
                    && ui
                        .small_button(match lang {
                            Language::Vi => format!("Suy ra từ xã 2006: {}", d.unit.name),
                            Language::En => {
                                format!("Derive from the 2006 commune: {}", d.unit.name)
                            }
                        })
                        .clicked()
                {
                    rederive = true;
                }
            });
            if !s.unit_2025_source.is_empty() {
                ui.label(RichText::new(&s.unit_2025_source).small().weak());
            }
            ui.label(
                RichText::new(tr(
                    lang,
                    "đơn vị là tên và mã: chưa có dữ liệu ranh giới mở nên không vẽ trên bản đồ",
                    "units are names and codes: with no open boundary data they are not drawn",
                ))
                .small()
                .weak(),
            );
        });
        ui.end_row();
        if rederive && let Some(d) = derived {
            let source = d.source(lang, &s.commune_2006, &s.district_2006);
            self.form_apply(None, move |x| {
                x.unit_2025 = d.unit.name;
                x.unit_2025_source = source;
                Ok(())
            });
        } else if chosen != s.unit_2025 {
            let today: String = crate::scenario::now_utc_iso().chars().take(10).collect();
            let source = if chosen.is_empty() {
                String::new()
            } else {
                match lang {
                    Language::Vi => format!("Người lập chọn tay ngày {today}"),
                    Language::En => format!("Chosen by a planner on {today}"),
                }
            };
            self.form_apply(None, move |x| {
                x.unit_2025 = chosen;
                x.unit_2025_source = source;
                Ok(())
            });
        }
    }
}
