//! The indicators tab: the indicator table of the chosen year, land by district, the planner's
//! actual values and the values reported after 2007; the indicator CSV.

use super::*;

/// The indicators of the active scenario in the panel's year, and the actual values (the
/// entry of a new one is the tab's state); returns the edits and exports it asks for.
pub(crate) fn indicators_ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &View,
    st: &mut ScenarioUi,
) -> Vec<Command> {
    let mut out = Vec::new();
    {
        let lang = view.lang;
        let Some(s) = active(project, st).cloned() else {
            ui.label(tr(lang, "Chọn một kịch bản.", "Choose a scenario."));
            return out;
        };
        let year = st.year;
        ui.horizontal(|ui| {
            ui.heading(format!("{} — {year}", s.name));
            if ui.button(tr(lang, "Xuất CSV…", "Export CSV…")).clicked() {
                out.push(Command::ExportIndicators(s.id));
            }
        });
        let years = [year, 2010, 2015, 2020];
        let rows = indicator_table(&s, project, &years);
        egui::Grid::new("indicators")
            .striped(true)
            .num_columns(6)
            .show(ui, |ui| {
                ui.label(RichText::new(tr(lang, "Chỉ tiêu", "Indicator")).strong());
                for y in years {
                    ui.label(RichText::new(y.to_string()).strong());
                }
                ui.label(RichText::new(format!("{} {year}", tr(lang, "nguồn", "source"))).strong());
                ui.end_row();
                for (name, vals) in rows {
                    ui.label(ind_name(lang, &name));
                    for (v, _) in &vals {
                        ui.label(num(*v, 2));
                    }
                    ui.label(RichText::new(vals[0].1.text(lang)).small());
                    ui.end_row();
                }
            });
        let ind = indicators(&s, project, year);
        ui.label(
            RichText::new(tr(
                lang,
                "Diện tích đang hoạt động theo huyện (ha)",
                "Land in operation by district (ha)",
            ))
            .strong(),
        );
        ui.horizontal_wrapped(|ui| {
            for (d, a) in &ind.land_by_district_ha {
                ui.label(format!("{d}: {a:.1}"));
            }
            if ind.land_by_district_ha.is_empty() {
                ui.label(tr(
                    lang,
                    "chưa có diện tích: vẽ ranh giới hoặc nhập diện tích ở phần phân kỳ",
                    "no land known yet: draw boundaries or enter land in the phasing",
                ));
            }
        });
        // Actual values.
        ui.separator();
        ui.label(
            RichText::new(tr(
                lang,
                "Số liệu thực tế (nhập)",
                "Actual values (entered)",
            ))
            .strong(),
        );
        let names = Indicator::all();
        ui.horizontal(|ui| {
            let sel = names
                .get(st.actual_row)
                .copied()
                .unwrap_or(Indicator::Output);
            egui::ComboBox::new("actual_indicator", tr(lang, "chỉ tiêu", "indicator"))
                .selected_text(ind_name(lang, &sel))
                .show_ui(ui, |ui| {
                    for (i, n) in names.iter().enumerate() {
                        ui.selectable_value(&mut st.actual_row, i, ind_name(lang, n));
                    }
                });
            for (key, width, hint) in [
                ("actual_year", 48.0, tr(lang, "năm", "year")),
                ("actual_value", 80.0, tr(lang, "giá trị", "value")),
            ] {
                let text = if key == "actual_year" {
                    &mut st.actual_year
                } else {
                    &mut st.actual_value
                };
                let r = ui.add(
                    egui::TextEdit::singleline(text)
                        .id_salt(key)
                        .desired_width(width)
                        .hint_text(hint),
                );
                if r.changed() {
                    st.refused.remove(key);
                }
                crate::app::refusal_label(ui, lang, st.refused.get(key));
            }
            if ui
                .add_enabled(
                    !view.read_only,
                    egui::Button::new(tr(lang, "Ghi", "Record")),
                )
                .clicked()
            {
                // Checked in the domain, one place per field; a refused entry keeps its text
                // and shows why beside it.
                let y = parse_year(&st.actual_year).and_then(|y| y.ok_or(Refusal::Empty));
                let v = parse_real(&st.actual_value).and_then(|v| v.ok_or(Refusal::Empty));
                let refused = &mut st.refused;
                crate::app::note_refusal(refused, "actual_year", Some(y.clone()));
                crate::app::note_refusal(refused, "actual_value", Some(v.clone()));
                if let (Ok(y), Ok(v), Some(n)) = (y, v, names.get(st.actual_row)) {
                    let key = n.actual_key();
                    let before = project.actuals.clone();
                    let mut after: Vec<Actual> = before
                        .iter()
                        .filter(|a| {
                            !(a.indicator == key
                                && a.year == Some(y)
                                && a.kind == ActualKind::Entered)
                        })
                        .cloned()
                        .collect();
                    after.push(Actual {
                        key: String::new(),
                        indicator: key,
                        period: y.to_string(),
                        year: Some(y),
                        value: Some(v),
                        unit: n.unit(),
                        price_basis: String::new(),
                        scope: "province".into(),
                        source: tr(
                            lang,
                            "do người lập quy hoạch nhập trong qn-planner",
                            "entered by the planner in qn-planner",
                        )
                        .into(),
                        quote: String::new(),
                        kind: ActualKind::Entered,
                    });
                    out.push(Command::Edit {
                        edit: Edit::Actuals { before, after },
                        merge: None,
                        then: Then::ClearActualEntry,
                    });
                }
            }
        });
        for a in project
            .actuals
            .iter()
            .filter(|a| a.kind == ActualKind::Entered)
        {
            ui.label(format!(
                "{} {}: {} {} — {}",
                actual_name(lang, &a.indicator),
                a.period,
                num(a.value, 2),
                unit_text(lang, &a.unit),
                a.source
            ));
        }
        let reported: Vec<Actual> = project
            .actuals
            .iter()
            .filter(|a| a.kind == ActualKind::Reported)
            .cloned()
            .collect();
        egui::CollapsingHeader::new(format!(
            "{} ({})",
            tr(lang, "Số liệu đã công bố sau 2007", "Reported after 2007"),
            reported.len()
        ))
        .default_open(false)
        .show(ui, |ui| {
            ui.label(
                RichText::new(tr(
                    lang,
                    "Phần lớn là số ước tính cuối năm; không nội suy năm thiếu; không trộn các gốc giá.",
                    "Mostly year-end estimates; missing years are not interpolated; price bases are not mixed.",
                ))
                .small(),
            );
            for a in &reported {
                ui.label(format!(
                    "{} {}: {} {} [{}; {}]",
                    actual_name(lang, &a.indicator),
                    a.period,
                    num(a.value, 2),
                    unit_text(lang, &a.unit),
                    scenario::price_basis_text(lang, &a.price_basis),
                    a.scope
                ))
                .on_hover_text(format!("{}\n{}", a.source, a.quote));
            }
        });
    }
    out
}

impl QnApp {
    pub(crate) fn export_indicators_csv(&mut self, s: &Scenario) {
        self.choose_path(
            crate::app::Purpose::IndicatorsCsv(s.id),
            true,
            &["csv"],
            "CSV",
            &format!("{}.csv", s.name),
        );
    }

    /// Writes the scenario's indicator table to `path` as CSV, whole or not at all.
    pub(crate) fn write_indicators_csv(&mut self, s: &Scenario, path: &std::path::Path) {
        let lang = self.lang();
        let years: Vec<i32> = (scenario::FIRST_YEAR..=scenario::LAST_YEAR).collect();
        let csv = scenario::indicator_csv(s, &self.project, &years);
        match crate::fsutil::write_atomic(path, csv.as_bytes()) {
            Ok(()) => {
                self.status_note = Some(format!(
                    "{} {}",
                    tr(lang, "Đã xuất", "Exported"),
                    path.display()
                ))
            }
            Err(e) => self.show_error(format!("{}: {e}", path.display())),
        }
    }
}
