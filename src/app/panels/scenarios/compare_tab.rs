//! The compare tab: the indicators of the ticked scenarios side by side, and why a scenario's
//! cells are empty.

use super::charts_tab::output_lines;
use super::*;

/// The ticked scenarios side by side (the ticks are the tab's state).
pub(crate) fn compare_ui(ui: &mut egui::Ui, project: &Project, view: &View, st: &mut ScenarioUi) {
    let lang = view.lang;
    ui.horizontal_wrapped(|ui| {
        ui.label(tr(lang, "So sánh:", "Compare:"));
        for s in project.scenarios.clone() {
            let mut on = st.compare.contains(&s.id);
            if ui.checkbox(&mut on, &s.name).changed() {
                if on {
                    st.compare.push(s.id);
                } else {
                    st.compare.retain(|x| *x != s.id);
                }
            }
        }
    });
    let chosen: Vec<Scenario> = st
        .compare
        .iter()
        .filter_map(|id| project.scenario(*id).cloned())
        .collect();
    if chosen.len() < 2 {
        ui.label(tr(
            lang,
            "Chọn ít nhất hai kịch bản.",
            "Tick at least two scenarios.",
        ));
        return;
    }
    let tables: Vec<_> = chosen
        .iter()
        .map(|s| indicator_table(s, project, &MILESTONES))
        .collect();
    ui.label(
        RichText::new(tr(
            lang,
            "Giá trị SXCN (tỷ đồng), các kịch bản chồng nhau",
            "Industrial output (bn VND), overlaid",
        ))
        .strong(),
    );
    output_plot("compare_plot", 150.0, lang).show(ui, |plot_ui| {
        for s in &chosen {
            output_lines(project, s, scenario_colour(s.id), plot_ui, &s.name);
        }
    });
    for s in chosen.iter().filter(|s| !has_growth_after_2007(s)) {
        ui.label(
                RichText::new(match lang {
                    Language::Vi => format!(
                        "«{}» chưa có tốc độ tăng trưởng sau 2007, nên các ô của nó sau 2007 để trống (—).",
                        s.name
                    ),
                    Language::En => format!(
                        "“{}” has no growth rates after 2007, so its cells after 2007 are empty (—).",
                        s.name
                    ),
                })
                .small()
                .color(Color32::from_rgb(0xb0, 0x30, 0x00)),
            );
    }
    let diffs = scenario::phase_differences(&chosen[0], &chosen[1], project);
    ui.label(match lang {
        Language::Vi => format!(
            "{} địa điểm có năm mở khác nhau giữa hai kịch bản đầu (viền tím trên bản đồ).",
            diffs.len()
        ),
        Language::En => format!(
            "{} sites open in different years in the first two scenarios (purple ring on the map).",
            diffs.len()
        ),
    });
    egui::Grid::new("compare_table")
        .striped(true)
        .show(ui, |ui| {
            ui.label(RichText::new(tr(lang, "Chỉ tiêu", "Indicator")).strong());
            ui.label(RichText::new(tr(lang, "Năm", "Year")).strong());
            for (i, s) in chosen.iter().enumerate() {
                ui.label(RichText::new(&s.name).strong().color(scenario_colour(s.id)));
                if i > 0 {
                    ui.label(
                        RichText::new(format!("Δ {} {}", tr(lang, "so với", "vs"), chosen[0].name))
                            .strong(),
                    );
                }
            }
            ui.end_row();
            for (r, (name, _)) in tables[0].iter().enumerate() {
                for (k, y) in MILESTONES.iter().enumerate() {
                    ui.label(if k == 0 {
                        ind_name(lang, name)
                    } else {
                        String::new()
                    });
                    ui.label(y.to_string());
                    let base = tables[0][r].1[k].0;
                    for (i, t) in tables.iter().enumerate() {
                        let v = t[r].1[k].0;
                        ui.label(num(v, 2));
                        if i > 0 {
                            let d = match (v, base) {
                                (Some(a), Some(b)) => Some(a - b),
                                _ => None,
                            };
                            ui.label(d.map(|d| format!("{d:+.2}")).unwrap_or_else(|| "—".into()));
                        }
                    }
                    ui.end_row();
                }
            }
        });
}
