//! The charts tab: output, land by phase and the extension programme, with the value under the
//! cursor and the reason an empty chart is empty.

use super::*;

/// The output line of scenario `s` in a plot.
pub(crate) fn output_lines(
    project: &Project,
    s: &Scenario,
    colour: Color32,
    plot_ui: &mut egui_plot::PlotUi<'_>,
    label: &str,
) {
    let series = output_series(s, &project.figures);
    let pts: Vec<[f64; 2]> = series
        .iter()
        .filter_map(|o| o.total_bn_vnd.map(|v| [o.year as f64, v]))
        .collect();
    plot_ui.line(
        Line::new(label.to_string(), PlotPoints::from(pts))
            .color(colour)
            .width(2.0),
    );
}

/// The charts of the active scenario: output by year (with the document's and the
/// reported figures), land by phase, the extension programme.
pub(crate) fn charts_ui(ui: &mut egui::Ui, project: &Project, view: &View, st: &ScenarioUi) {
    let lang = view.lang;
    let Some(s) = active(project, st).cloned() else {
        ui.label(tr(lang, "Chọn một kịch bản.", "Choose a scenario."));
        return;
    };
    let year = st.year as f64;
    let w = (ui.available_width() / 3.0 - 12.0).max(200.0);
    ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.set_width(w);
                ui.label(
                    RichText::new(tr(
                        lang,
                        "Giá trị sản xuất công nghiệp (tỷ đồng)",
                        "Industrial output (bn VND)",
                    ))
                    .strong(),
                );
                // Only whole-year values of the same indicator; reported values keep their
                // price basis in the legend (the document states none for its own figures).
                let annual = |kind: ActualKind| -> Vec<[f64; 2]> {
                    project
                        .actuals
                        .iter()
                        .filter(|a| a.indicator == "industrial_output_value" && a.kind == kind)
                        .filter_map(|a| Some([a.year? as f64, a.value?]))
                        .collect()
                };
                let actual = annual(ActualKind::Entered);
                let reported = annual(ActualKind::Reported);
                let basis = project
                    .actuals
                    .iter()
                    .find(|a| {
                        a.indicator == "industrial_output_value"
                            && a.kind == ActualKind::Reported
                            && a.year.is_some()
                    })
                    .map(|a| a.price_basis.clone())
                    .unwrap_or_default();
                let doc: Vec<[f64; 2]> = output_series(&s, &project.figures)
                    .iter()
                    .filter(|o| o.source.is_document())
                    .filter_map(|o| o.total_bn_vnd.map(|v| [o.year as f64, v]))
                    .collect();
                if !has_growth_after_2007(&s) {
                    ui.label(
                        RichText::new(tr(
                            lang,
                            "Kịch bản chưa có tốc độ tăng trưởng sau 2007 nên đường kế hoạch dừng ở 2007: nhập tốc độ theo giai đoạn ở thẻ Soạn.",
                            "The scenario has no growth rates after 2007, so the plan line stops at 2007: enter rates per period in the Edit tab.",
                        ))
                        .small()
                        .color(Color32::from_rgb(0xb0, 0x30, 0x00)),
                    );
                }
                output_plot("output_plot", 200.0, lang).show(ui, |plot_ui| {
                        output_lines(
                            project,
                            &s,
                            scenario_colour(s.id),
                            plot_ui,
                            tr(lang, "kế hoạch", "plan"),
                        );
                        plot_ui.points(
                            Points::new(
                                tr(lang, "số liệu tài liệu", "document figures"),
                                PlotPoints::from(doc),
                            )
                            .shape(MarkerShape::Diamond)
                            .radius(5.0)
                            // Dark, so no scenario's colour is ever the document's.
                            .color(Color32::from_gray(40)),
                        );
                        if !reported.is_empty() {
                            plot_ui.points(
                                Points::new(
                                    format!(
                                        "{} ({})",
                                        tr(lang, "đã công bố", "reported"),
                                        scenario::price_basis_text(lang, &basis)
                                    ),
                                    PlotPoints::from(reported),
                                )
                                .shape(MarkerShape::Circle)
                                .radius(5.0)
                                .color(Color32::from_rgb(0xcc, 0x79, 0xa7)),
                            );
                        }
                        if !actual.is_empty() {
                            plot_ui.points(
                                Points::new(
                                    tr(lang, "thực tế", "actual"),
                                    PlotPoints::from(actual),
                                )
                                .shape(MarkerShape::Square)
                                .radius(5.0)
                                .color(Color32::from_rgb(0x00, 0x9e, 0x73)),
                            );
                        }
                        plot_ui.vline(
                            VLine::new(tr(lang, "năm chọn", "selected year"), year)
                                .color(Color32::GRAY),
                        );
                    });
                // What the plan cannot be plotted against: shares of plan and period averages,
                // as reported, each with its period (never turned into annual values).
                let notes: Vec<String> = project
                    .actuals
                    .iter()
                    .filter(|a| a.kind == ActualKind::Reported)
                    .filter(|a| {
                        (a.indicator == "industrial_output_plan_attainment" && a.period == "2010")
                            || (a.indicator == "industrial_output_avg_growth"
                                && a.period == "2006-2010"
                                && a.unit == "%/yr")
                    })
                    .map(|a| {
                        format!(
                            "{} {}: {} {}",
                            a.period,
                            actual_name(lang, &a.indicator),
                            num(a.value, 1),
                            unit_text(lang, &a.unit)
                        )
                    })
                    .collect();
                ui.label(
                    RichText::new(format!(
                        "{} {}",
                        tr(
                            lang,
                            "Đường kế hoạch: báo cáo 2007 không nêu gốc giá. Đã công bố:",
                            "Plan line: the 2007 report states no price basis. Reported:",
                        ),
                        notes.join("; ")
                    ))
                    .small(),
                );
            });
            ui.vertical(|ui| {
                ui.set_width(w);
                ui.label(
                    RichText::new(tr(
                        lang,
                        "Diện tích khu, cụm đang hoạt động theo giai đoạn mở (ha)",
                        "Land of zones and clusters in operation, by opening phase (ha)",
                    ))
                    .strong(),
                );
                let colours = [
                    Color32::from_rgb(0x00, 0x72, 0xb2),
                    Color32::from_rgb(0xe6, 0x9f, 0x00),
                    Color32::from_rgb(0xcc, 0x79, 0xa7),
                ];
                let mut charts: Vec<BarChart> = Vec::new();
                let mut any_land = false;
                for (k, p) in Phase::ALL.iter().enumerate() {
                    let bars: Vec<Bar> = years::plan_years()
                        .map(|y| {
                            let i = indicators(&s, project, y);
                            let ha = i.land_by_phase_ha.get(p).copied().unwrap_or(0.0);
                            any_land |= ha > 0.0;
                            Bar::new(y as f64, ha).width(0.7)
                        })
                        .collect();
                    let refs: Vec<&BarChart> = charts.iter().collect();
                    let c = BarChart::new(p.as_str(), bars)
                        .color(colours[k])
                        .stack_on(&refs);
                    charts.push(c);
                }
                if !any_land {
                    ui.label(
                        RichText::new(tr(
                            lang,
                            "Chưa có diện tích: các khu, cụm của kịch bản chưa có năm mở hoặc diện tích (vẽ ranh giới hoặc nhập diện tích ở thẻ Soạn).",
                            "No land yet: the scenario's zones and clusters have no opening year or area (draw their boundaries or enter land in the Edit tab).",
                        ))
                        .small()
                        .color(Color32::from_rgb(0xb0, 0x30, 0x00)),
                    );
                }
                Plot::new("land_plot")
                    .x_axis_label(tr(lang, "Năm", "Year"))
                    .y_axis_label("ha")
                    .label_formatter(|p| value_under_cursor(p, "ha"))
                    .height(200.0)
                    .legend(Legend::default())
                    .include_y(0.0)
                    .allow_scroll(false)
                    .show(ui, |plot_ui| {
                        for c in charts {
                            plot_ui.bar_chart(c);
                        }
                        plot_ui.vline(
                            VLine::new(tr(lang, "năm chọn", "selected year"), year)
                                .color(Color32::GRAY),
                        );
                    });
            });
            ui.vertical(|ui| {
                ui.set_width(w);
                ui.label(
                    RichText::new(tr(
                        lang,
                        "Khuyến công: kinh phí (tỷ đồng) và đòn bẩy",
                        "Extension programme: funds (bn VND) and leverage",
                    ))
                    .strong(),
                );
                let rows = programme_rows(&s, &project.figures);
                let funds: Vec<Bar> = rows
                    .iter()
                    .filter_map(|r| {
                        r.funds_bn_vnd
                            .map(|f| Bar::new(r.year as f64, f).width(0.6))
                    })
                    .collect();
                let lev: Vec<[f64; 2]> = rows
                    .iter()
                    .filter_map(|r| r.leverage.map(|l| [r.year as f64, l]))
                    .collect();
                Plot::new("programme_plot")
                    .x_axis_label(tr(lang, "Năm", "Year"))
                    .y_axis_label(tr(lang, "tỷ đồng", "bn VND"))
                    .label_formatter(move |p| value_under_cursor(p, tr(lang, "tỷ đồng", "bn VND")))
                    .height(200.0)
                    .legend(Legend::default())
                    .include_y(0.0)
                    .allow_scroll(false)
                    .show(ui, |plot_ui| {
                        plot_ui.bar_chart(
                            BarChart::new(tr(lang, "kinh phí", "funds"), funds)
                                .color(Color32::from_rgb(0x00, 0x9e, 0x73)),
                        );
                        plot_ui.line(
                            Line::new(
                                tr(lang, "đòn bẩy (đồng/đồng)", "leverage (VND/VND)"),
                                PlotPoints::from(lev),
                            )
                            .color(Color32::from_rgb(0xd5, 0x5e, 0x00)),
                        );
                    });
            });
        });
}
