//! Rules in the window: the verdicts of the selected site in its form, the rule set editor,
//! the compliance report of a scenario, and markers for failed rules on the map.

use crate::analysis::rules::{RuleResult, Verdict, date_of_year, evaluate, judging_year};
use crate::app::QnApp;
use crate::app::command::{Command, Panel, View, merge_key};
use crate::app::i18n::tr;
use crate::edit::Edit;
use crate::lang::Language;
use crate::model::rules::Rule;
use crate::model::validate::{Refusal, parse_date, parse_non_negative};
use crate::model::{DISTRICTS_2006, Layer, Project, Site};
use egui::{Color32, RichText};
use std::collections::HashMap;

/// The Compliance tab's report and the (project generation, scenario) it was computed for.
type ComplianceCache = (
    (u64, Option<i64>),
    Vec<crate::analysis::rules::SiteCompliance>,
    crate::analysis::rules::Tally,
);

/// One row of the Compliance tab: site, judging year, failed rules, rules lacking data.
type ComplianceRow = (Layer, i64, String, Option<i32>, Vec<RuleResult>, usize);

/// State of the rules window and the verdict cache.
#[derive(Debug, Clone, Default)]
pub struct RulesUi {
    pub open: bool,
    bufs: HashMap<String, String>,
    loaded_gen: u64,
    typing_key: Option<u64>,
    cache: HashMap<(Layer, i64), (i32, Vec<RuleResult>)>,
    cache_key: (u64, Option<i64>),
    /// The Compliance tab's report, computed once per project change and scenario.
    compliance: Option<ComplianceCache>,
    /// Texts typed in the editor that were refused, by field, with the reason; the text
    /// stays in its field until corrected.
    refused: HashMap<String, Refusal>,
    /// Visits to fields so far (see [`merge_key`]).
    visits: u64,
}

pub fn verdict_text(lang: Language, v: Verdict) -> &'static str {
    v.label(lang)
}

/// A citation for the screen: the bundled font has no ✔/✘, so the confidence marks become words.
pub fn ui_citation(lang: Language, c: &str) -> String {
    crate::analysis::rules::citation_words(lang == Language::Vi, c)
}

/// A rule parameter's name in the planner's language (the key stays in the file).
pub fn param_text(lang: Language, key: &str) -> &'static str {
    match key {
        "min_ha" => tr(lang, "tối thiểu (ha)", "minimum (ha)"),
        "max_ha" => tr(lang, "tối đa (ha)", "maximum (ha)"),
        "max_ha_expansion" => tr(
            lang,
            "tối đa khi mở rộng (ha)",
            "maximum after expansion (ha)",
        ),
        "min_ha_mountain_or_craft" => tr(
            lang,
            "tối thiểu ở miền núi, làng nghề (ha)",
            "minimum in mountains, craft villages (ha)",
        ),
        "min_occupancy_pct" => tr(lang, "lấp đầy tối thiểu (%)", "minimum occupancy (%)"),
        "unleased_below_ha" => tr(
            lang,
            "hoặc đất chưa thuê dưới (ha)",
            "or unleased land below (ha)",
        ),
        "expansion_min_occupancy_pct" => tr(
            lang,
            "lấp đầy tối thiểu để mở rộng (%)",
            "minimum occupancy to expand (%)",
        ),
        "max_phase_ha" => tr(lang, "tối đa mỗi giai đoạn (ha)", "maximum per phase (ha)"),
        "min_buffer_m" => tr(
            lang,
            "dải cây xanh tối thiểu (m)",
            "minimum green strip (m)",
        ),
        _ => tr(lang, "giá trị", "value"),
    }
}

/// A rule's note as the window shows it: our own reference file is not named (the rule's
/// source and confidence are shown beside it).
fn note_text(lang: Language, note: &str) -> String {
    let mut out = ui_citation(lang, note);
    while let Some(i) = out.find("(RULES.md #") {
        let end = out[i..].find(')').map_or(out.len(), |j| i + j + 1);
        let start = if out[..i].ends_with(' ') { i - 1 } else { i };
        out.replace_range(start..end, "");
    }
    out.replace("RULES.md", "")
}

/// The name of a check in the planner's language.
pub fn check_text(lang: Language, c: crate::model::rules::CheckKind) -> &'static str {
    c.label(lang)
}

/// A verdict's detail in the planner's language.
pub fn detail_text(lang: Language, d: &crate::analysis::rules::Detail) -> String {
    d.text(lang)
}

fn verdict_colour(v: Verdict) -> Color32 {
    match v {
        Verdict::Pass => Color32::from_rgb(0x1a, 0x7f, 0x37),
        Verdict::Fail => Color32::from_rgb(0xc0, 0x10, 0x10),
        _ => Color32::from_gray(110),
    }
}

impl RulesUi {
    /// Verdicts of a site in its judging year — its opening year in the active scenario, else
    /// its decision year — cached per project generation and scenario.
    pub fn results(
        &mut self,
        project: &Project,
        generation: u64,
        active: Option<&crate::scenario::Scenario>,
        tm3: &crate::io::crs::Tm3,
        layer: Layer,
        fid: i64,
    ) -> Option<(i32, Vec<RuleResult>)> {
        let key = (generation, active.map(|s| s.id));
        if self.cache_key != key {
            self.cache.clear();
            self.cache_key = key;
        }
        if let Some(r) = self.cache.get(&(layer, fid)) {
            return Some(r.clone());
        }
        let site = project.site(layer, fid)?;
        let year = judging_year(site, active)?;
        let results = evaluate(
            site,
            &project.rules,
            project,
            active,
            &date_of_year(year),
            Some(tm3),
        );
        self.cache.insert((layer, fid), (year, results.clone()));
        Some((year, results))
    }
}

impl QnApp {
    /// Verdicts of a site in its judging year (for tests; the map and the form read the same).
    pub fn rule_results(&mut self, layer: Layer, fid: i64) -> Option<(i32, Vec<RuleResult>)> {
        let active = self.scenario.active_in(&self.project);
        self.rules.results(
            &self.project,
            self.project_gen,
            active,
            &self.tm3,
            layer,
            fid,
        )
    }
}

/// Compliance of scenario `active`: every judged site with its failed and missing rules (the
/// report is cached in the rules state per project generation and scenario).
pub fn compliance_ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &View,
    active: Option<i64>,
    st: &mut RulesUi,
    tm3: &crate::io::crs::Tm3,
) -> Vec<Command> {
    let mut out = Vec::new();
    {
        let lang = view.lang;
        let Some(s) = active.and_then(|id| project.scenario(id)).cloned() else {
            ui.label(tr(lang, "Chọn một kịch bản.", "Choose a scenario."));
            return out;
        };
        // The same computation as `report --rules` and the meeting pack.
        let key = (view.generation, active);
        if st.compliance.as_ref().is_none_or(|(k, _, _)| *k != key) {
            let (sites, tally) =
                crate::analysis::rules::compliance(project, Some(&s), None, Some(tm3));
            st.compliance = Some((key, sites, tally));
        }
        let Some((_, sites, tally)) = &st.compliance else {
            return out;
        };
        let (fails, unknown, not_judged) = (tally.failed, tally.missing, tally.not_judged);
        let rows: Vec<ComplianceRow> = sites
            .iter()
            .map(|c| {
                let missing = c
                    .results
                    .iter()
                    .filter(|r| r.verdict == Verdict::NoData)
                    .count();
                (
                    c.layer,
                    c.fid,
                    c.name.clone(),
                    c.judged.as_ref().map(|(y, _)| *y),
                    c.failed().cloned().collect(),
                    missing,
                )
            })
            .collect();
        ui.label(RichText::new(match lang {
            Language::Vi => format!("«{}»: {fails} quy định không đạt (chưa chấp nhận), {unknown} thiếu số liệu, {not_judged} địa điểm chưa có năm để xét.", s.name),
            Language::En => format!("“{}”: {fails} failed rules (not accepted), {unknown} with missing data, {not_judged} sites with no year to judge by.", s.name),
        }).strong());
        egui::Grid::new("compliance")
            .striped(true)
            .num_columns(3)
            .show(ui, |ui| {
                for (l, f, name, year, failed, missing) in rows {
                    if ui.link(&name).clicked() {
                        out.push(Command::ZoomTo(l, f));
                    }
                    ui.label(year.map(|y| y.to_string()).unwrap_or_else(|| "—".into()));
                    ui.vertical(|ui| {
                        if year.is_none() {
                            ui.label(RichText::new(tr(lang, "chưa xếp năm", "no year")).weak());
                        }
                        for r in &failed {
                            ui.label(
                                RichText::new(format!(
                                    "{} — {}",
                                    detail_text(lang, &r.detail),
                                    ui_citation(lang, &r.citation)
                                ))
                                .color(verdict_colour(Verdict::Fail)),
                            );
                        }
                        if year.is_some() && failed.is_empty() {
                            ui.label(
                                RichText::new(match lang {
                                    Language::Vi => format!(
                                        "không có quy định không đạt; {missing} thiếu số liệu"
                                    ),
                                    Language::En => {
                                        format!("no failed rule; {missing} with missing data")
                                    }
                                })
                                .color(verdict_colour(Verdict::Pass)),
                            );
                        }
                    });
                    ui.end_row();
                }
            });
    }
    out
}

impl RulesUi {
    /// The merge key of the field being typed in (one undo step per visit to a field).
    fn merge(&self) -> Option<u64> {
        self.typing_key.map(|k| merge_key(Panel::Rules, k))
    }
}

/// A rule field: its text, parsed by `parse` when changed. A refused text is remembered with
/// its reason (shown beside the field, the text kept); an accepted one clears it. Returns the
/// value to store when the text changed and was accepted.
#[allow(clippy::too_many_arguments)]
fn rule_field<T>(
    st: &mut RulesUi,
    ui: &mut egui::Ui,
    lang: Language,
    key: &str,
    initial: impl FnOnce() -> String,
    width: f32,
    hint: &str,
    label: egui::Id,
    parse: impl FnOnce(&str) -> Result<T, Refusal>,
) -> Option<T> {
    let parsed = crate::app::buffered_text(
        ui,
        &mut st.bufs,
        ("rule_field", key),
        initial,
        width,
        hint,
        &mut st.typing_key,
        &mut st.visits,
        Some(label),
    )
    .map(|t| parse(&t));
    let value = crate::app::note_refusal(&mut st.refused, key, parsed);
    crate::app::refusal_label(ui, lang, st.refused.get(key));
    value
}

/// The rule set editor window: a function of the project's rules and the window's own state,
/// returning the edits it asks for.
pub fn rules_window(
    ctx: &egui::Context,
    project: &Project,
    view: &View,
    st: &mut RulesUi,
) -> Vec<Command> {
    let mut out = Vec::new();
    if !st.open {
        return out;
    }
    {
        let lang = view.lang;
        let focused = ctx.memory(|m| m.focused().is_some());
        if st.loaded_gen != view.generation && !focused {
            // Fresh texts from the file, except where a refused text waits to be corrected.
            let refused = &st.refused;
            st.bufs.retain(|k, _| refused.contains_key(k));
            st.loaded_gen = view.generation;
        }
        let mut open = true;
        let ro = view.read_only;
        let apply =
            |out: &mut Vec<Command>, merge: Option<u64>, change: &dyn Fn(&mut Vec<Rule>)| {
                let before = project.rules.clone();
                let mut after = before.clone();
                change(&mut after);
                if after != before {
                    out.push(Command::merged(Edit::Rules { before, after }, merge));
                }
            };
        egui::Window::new(tr(lang, "Quy định (dữ liệu, sửa được)", "Rules (data, editable)"))
            .id(egui::Id::unique("rules_window"))
            .open(&mut open)
            .default_size([720.0, 480.0])
            .default_pos([320.0, 90.0])
            .show(ctx, |ui| {
                ui.label(
                    RichText::new(tr(
                        lang,
                        "Độ tin cậy: đã đọc văn bản, nguồn thứ cấp, hoặc chưa xác nhận. Mọi con số chưa đọc trong văn bản là giá trị mặc định để người lập quy hoạch sửa.",
                        "Confidence: read in the text, secondary source, or unconfirmed. Every figure not read in the text is a default for the planner to correct.",
                    ))
                    .small(),
                );
                egui::ScrollArea::vertical().show(ui, |ui| {
                    let rules = project.rules.clone();
                    for (i, r) in rules.iter().enumerate() {
                        ui.separator();
                        ui.horizontal_wrapped(|ui| {
                            let mut on = r.enabled;
                            // The rule's kind in the planner's words; its key stays in the file.
                            if ui.add_enabled(!ro, egui::Checkbox::new(&mut on, RichText::new(check_text(lang, r.check)).strong())).changed() {
                                apply(&mut out, None, &|v| v[i].enabled = on);
                            }
                            ui.label(RichText::new(ui_citation(lang, &r.citation())).weak());
                        });
                        ui.horizontal_wrapped(|ui| {
                            let from_label = ui.label(tr(lang, "hiệu lực từ", "in force from")).id;
                            let date = |t: &str| parse_date(t).and_then(|d| d.ok_or(Refusal::Empty));
                            if let Some(d) = rule_field(st, ui, lang, &format!("{i}_from"), || r.valid_from.clone(), 86.0, "YYYY-MM-DD", from_label, date) {
                                let key = st.merge();
                                apply(&mut out, key, &|rs| rs[i].valid_from = d.clone());
                            }
                            let to_label = ui.label(tr(lang, "đến", "to")).id;
                            // Empty: still in force.
                            if let Some(d) = rule_field(st, ui, lang, &format!("{i}_to"), || r.valid_to.clone().unwrap_or_default(), 86.0, tr(lang, "còn hiệu lực", "in force"), to_label, parse_date) {
                                let key = st.merge();
                                apply(&mut out, key, &|rs| rs[i].valid_to = d.clone());
                            }
                            let p = &r.params;
                            let fields: [(&str, Option<f64>); 10] = [
                                ("min_ha", p.min_ha),
                                ("max_ha", p.max_ha),
                                ("max_ha_expansion", p.max_ha_expansion),
                                ("min_ha_mountain_or_craft", p.min_ha_mountain_or_craft),
                                ("min_occupancy_pct", p.min_occupancy_pct),
                                ("unleased_below_ha", p.unleased_below_ha),
                                ("expansion_min_occupancy_pct", p.expansion_min_occupancy_pct),
                                ("max_phase_ha", p.max_phase_ha),
                                ("min_buffer_m", p.min_buffer_m),
                                ("", None),
                            ];
                            for (name, v) in fields {
                                let Some(v) = v else { continue };
                                let name_label = ui.label(param_text(lang, name)).id;
                                let number = |t: &str| parse_non_negative(t).and_then(|x| x.ok_or(Refusal::Empty));
                                if let Some(x) = rule_field(st, ui, lang, &format!("{i}_{name}"), || v.to_string(), 48.0, name, name_label, number) {
                                    let key = st.merge();
                                    apply(&mut out, key, &|rs| {
                                        let p = &mut rs[i].params;
                                        match name {
                                            "min_ha" => p.min_ha = Some(x),
                                            "max_ha" => p.max_ha = Some(x),
                                            "max_ha_expansion" => p.max_ha_expansion = Some(x),
                                            "min_ha_mountain_or_craft" => p.min_ha_mountain_or_craft = Some(x),
                                            "min_occupancy_pct" => p.min_occupancy_pct = Some(x),
                                            "unleased_below_ha" => p.unleased_below_ha = Some(x),
                                            "expansion_min_occupancy_pct" => p.expansion_min_occupancy_pct = Some(x),
                                            "max_phase_ha" => p.max_phase_ha = Some(x),
                                            _ => p.min_buffer_m = Some(x),
                                        }
                                    });
                                }
                            }
                            for (k, d) in r.params.class_distance_m.iter().enumerate() {
                                let class_label = ui.label(format!("{} {}", tr(lang, "cấp", "class"), ["I", "II", "III", "IV", "V"].get(k).copied().unwrap_or("?"))).id;
                                let number = |t: &str| parse_non_negative(t).and_then(|x| x.ok_or(Refusal::Empty));
                                if let Some(x) = rule_field(st, ui, lang, &format!("{i}_class{k}"), || d.to_string(), 48.0, "m", class_label, number) {
                                    let key = st.merge();
                                    apply(&mut out, key, &|rs| {
                                        if let Some(slot) = rs[i].params.class_distance_m.get_mut(k) {
                                            *slot = x;
                                        }
                                    });
                                }
                            }
                        });
                        if !r.params.mountain_districts.is_empty() {
                            egui::CollapsingHeader::new(tr(lang, "Huyện miền núi (giả định, sửa được)", "Mountainous districts (assumption, editable)"))
                                .id_salt(("mountain", i))
                                .show(ui, |ui| {
                                    ui.horizontal_wrapped(|ui| {
                                        for d in DISTRICTS_2006 {
                                            let mut on = r.params.mountain_districts.iter().any(|x| x == d);
                                            if ui.checkbox(&mut on, d).changed() {
                                                apply(&mut out, None, &|rs| {
                                                    let list = &mut rs[i].params.mountain_districts;
                                                    if on {
                                                        list.push(d.to_string());
                                                    } else {
                                                        list.retain(|x| x != d);
                                                    }
                                                });
                                            }
                                        }
                                    });
                                });
                        }
                        ui.horizontal(|ui| {
                            ui.label(RichText::new(note_text(lang, &r.note)).small())
                                .on_hover_text(ui_citation(lang, &r.source));
                        });
                        ui.horizontal(|ui| {
                            if ui.add_enabled(!ro, egui::Button::new(tr(lang, "Nhân bản thành quy định mới", "Duplicate as a new rule"))).clicked() {
                                let mut copy = r.clone();
                                copy.id = 0;
                                // A key no other copy of the plan will make for another rule.
                                let new_key = crate::model::new_key();
                                copy.key = format!("{}_{}", r.key, &new_key[..8]);
                                copy.source = "added by the planner in qn-planner".into();
                                copy.confidence = "✘".into(); // unconfirmed until the planner cites it
                                apply(&mut out, None, &|rs| rs.push(copy.clone()));
                            }
                            if ui.add_enabled(!ro, egui::Button::new(tr(lang, "Xóa quy định", "Delete rule"))).clicked() {
                                apply(&mut out, None, &|rs| {
                                    rs.remove(i);
                                });
                                st.bufs.clear();
                            }
                        });
                    }
                });
            });
        st.open = open;
    }
    out
}

impl crate::app::panels::form::FormCtx<'_> {
    /// The rules section of the selected site's form.
    pub(crate) fn rules_section(&mut self, ui: &mut egui::Ui, s: &Site) {
        let lang = self.view.lang;
        if crate::analysis::rules::checks_for(s.layer).is_empty() {
            return;
        }
        ui.separator();
        ui.horizontal(|ui| {
            ui.label(RichText::new(tr(lang, "Quy định", "Rules")).strong());
            ui.label(tr(lang, "xét theo năm", "judged in"));
            let hint = judging_year(s, self.active)
                .map(|y| y.to_string())
                .unwrap_or_else(|| tr(lang, "năm", "year").to_string());
            ui.add(
                egui::TextEdit::singleline(&mut self.st.rules_year)
                    .desired_width(52.0)
                    .hint_text(hint),
            );
        });
        let Some(year) = self
            .st
            .rules_year
            .trim()
            .parse::<i32>()
            .ok()
            .or_else(|| judging_year(s, self.active))
        else {
            ui.label(tr(
                lang,
                "Chưa có năm để xét: đặt năm mở trong kịch bản, năm quyết định, hoặc nhập năm xét ở trên.",
                "No year to judge by: set the opening year in a scenario, the decision year, or a year above.",
            ));
            return;
        };
        let date = date_of_year(year);
        let results = evaluate(
            s,
            &self.project.rules,
            self.project,
            self.active,
            &date,
            Some(self.tm3),
        );
        ui.label(
            RichText::new(format!(
                "{} {date}",
                tr(lang, "Quy định có hiệu lực ngày", "Rules in force on")
            ))
            .small(),
        );
        for r in results {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("{}:", check_text(lang, r.check))).strong());
                ui.label(
                    RichText::new(verdict_text(lang, r.verdict))
                        .color(verdict_colour(r.verdict))
                        .strong(),
                );
                ui.label(detail_text(lang, &r.detail));
            });
            if !r.citation.is_empty() {
                ui.label(RichText::new(ui_citation(lang, &r.citation)).small().weak());
            }
            if r.verdict == Verdict::Fail {
                match r.accepted_reason(s) {
                    Some(reason) => {
                        ui.label(
                            RichText::new(format!(
                                "{}: {reason}",
                                tr(lang, "Đã chấp nhận", "Accepted")
                            ))
                            .small()
                            .italics(),
                        );
                    }
                    None => self.accept_ui(ui, r.acceptance_key()),
                }
            }
        }
    }
}
