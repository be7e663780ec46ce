//! The scenario panel: the scenario list, the year slider that the map follows, and the tabs,
//! one file each: editing a scenario (`edit_tab`), its indicators and actual values
//! (`indicators_tab`), charts (`charts_tab`) and comparison (`compare_tab`). Numbers come
//! from `crate::scenario`; these files only draw them and turn the planner's input into edits.

use crate::app::QnApp;
use crate::app::command::{Command, Then, View};
use crate::app::i18n::{self, tr};
use crate::edit::Edit;
use crate::lang::Language;
use crate::model::validate::{
    Refusal, parse_count, parse_non_negative, parse_percent, parse_real, parse_year,
};
use crate::model::{Actual, ActualKind, DISTRICTS_2006, Layer, Phase, Project, years};
use crate::scenario::{
    self, GrowthPeriod, Indicator, ProgrammeYear, Scenario, SectorShares, indicator_table,
    indicators, output_series, programme_rows,
};
use egui::{Color32, RichText};
use egui_plot::{Bar, BarChart, Legend, Line, MarkerShape, Plot, PlotPoints, Points, VLine};
use std::collections::HashMap;

mod charts_tab;
mod compare_tab;
mod edit_tab;
pub mod figures_tab;
mod indicators_tab;

/// Tabs of the scenario panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Edit,
    Indicators,
    Charts,
    Compare,
    Compliance,
    Figures,
}

/// State of the scenario panel.
#[derive(Debug, Clone)]
pub struct ScenarioUi {
    pub open: bool,
    /// The scenario the map and the indicators follow (`None`: all sites, no scenario).
    pub active: Option<i64>,
    pub year: i32,
    pub playing: bool,
    last_step: f64,
    pub tab: Tab,
    /// Scenarios ticked for comparison.
    pub compare: Vec<i64>,
    /// Presenting, PageDown steps through the compared scenarios (else through the years).
    pub present_scenarios: bool,
    bufs: HashMap<String, String>,
    /// Texts typed in the editor that were refused, by field, with the reason shown beside
    /// the field; the text stays until corrected.
    refused: HashMap<String, Refusal>,
    loaded: (Option<i64>, u64),
    typing_key: Option<u64>,
    pub(crate) confirm_delete: Option<i64>,
    actual_row: usize,
    actual_year: String,
    actual_value: String,
    /// The scenario as it was when the fields were last loaded: the phasing list keeps this
    /// grouping while the planner types, so rows do not jump under the cursor.
    group_snapshot: Option<Scenario>,
    figures: figures_tab::FiguresState,
    /// Visits to the editor's fields so far (each visit's typing is one undo step).
    visits: u64,
}

/// The colour of a scenario in every chart and table: fixed by its id, so it never changes
/// with the order of the ticks (Okabe–Ito colours, which colour-blind readers tell apart).
pub fn scenario_colour(id: i64) -> Color32 {
    const C: [Color32; 6] = [
        Color32::from_rgb(0x00, 0x72, 0xb2),
        Color32::from_rgb(0xd5, 0x5e, 0x00),
        Color32::from_rgb(0x00, 0x9e, 0x73),
        Color32::from_rgb(0xcc, 0x79, 0xa7),
        Color32::from_rgb(0xe6, 0x9f, 0x00),
        Color32::from_rgb(0x56, 0xb4, 0xe9),
    ];
    C[(id.rem_euclid(C.len() as i64)) as usize]
}

/// Whether a scenario has growth rates after the document's years (else its plan stops at
/// 2007 and its later cells are empty).
fn has_growth_after_2007(s: &Scenario) -> bool {
    s.growth.iter().any(|g| g.to > 2007)
}

/// The active scenario of the panel's state.
fn active<'a>(project: &'a Project, st: &ScenarioUi) -> Option<&'a Scenario> {
    st.active.and_then(|id| project.scenario(id))
}

impl ScenarioUi {
    /// The typed actual value was recorded.
    pub(crate) fn clear_actual_entry(&mut self) {
        self.actual_value.clear();
    }
}

impl Default for ScenarioUi {
    fn default() -> Self {
        ScenarioUi {
            open: false,
            active: None,
            year: 2020,
            playing: false,
            last_step: 0.0,
            tab: Tab::Edit,
            compare: Vec::new(),
            present_scenarios: false,
            bufs: HashMap::new(),
            refused: HashMap::new(),
            loaded: (None, u64::MAX),
            typing_key: None,
            confirm_delete: None,
            actual_row: 0,
            actual_year: "2010".into(),
            actual_value: String::new(),
            group_snapshot: None,
            figures: figures_tab::FiguresState::default(),
            visits: 0,
        }
    }
}

/// How a site shows on the map under the active scenario and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteState {
    /// No scenario active, or open before the year.
    Normal,
    /// Opens in the selected year: highlighted.
    Opening,
    /// Not open yet, or not in the scenario: ghosted.
    Ghost,
}

const MILESTONES: [i32; 3] = [2010, 2015, 2020];

fn num(v: Option<f64>, d: usize) -> String {
    match v {
        // Counts show as whole numbers.
        Some(x) if x.fract() == 0.0 && x.abs() < 1e9 => format!("{x:.0}"),
        Some(x) => format!("{x:.d$}"),
        None => "—".into(),
    }
}

fn ind_name(lang: Language, ind: &Indicator) -> String {
    ind.name(lang)
}

/// A reported or entered indicator's name in the planner's language (its key stays in the
/// file).
fn actual_name(lang: Language, key: &str) -> String {
    let known = match key {
        "industrial_output_value" => Some(("giá trị SXCN", "industrial output")),
        "industrial_output_plan_attainment" => {
            Some(("mức thực hiện kế hoạch GTSXCN", "output against the plan"))
        }
        "industrial_output_avg_growth" => Some((
            "tăng trưởng GTSXCN bình quân",
            "average growth of industrial output",
        )),
        _ => None,
    };
    match known {
        Some((vi, en)) => tr(lang, vi, en).to_string(),
        None => Indicator::of_actual_key(key)
            .map(|i| i.name(lang))
            .unwrap_or_else(|| key.replace('_', " ")),
    }
}

/// A unit in the planner's language.
fn unit_text(lang: Language, unit: &str) -> String {
    match (lang, unit) {
        (Language::Vi, "% of plan") => "% kế hoạch".into(),
        (Language::Vi, "%/yr") => "%/năm".into(),
        (Language::Vi, "bn VND") => "tỷ đồng".into(),
        _ => unit.to_string(),
    }
}

impl QnApp {
    /// The active scenario, if any.
    pub fn active_scenario(&self) -> Option<&Scenario> {
        self.scenario.active_in(&self.project)
    }

    /// The scenario year shown on the map.
    pub fn scenario_year(&self) -> i32 {
        self.scenario.year
    }

    /// Sets the scenario year (2006–2020).
    pub fn set_scenario_year(&mut self, year: i32) {
        self.scenario.year = year.clamp(years::BASE, years::LAST);
    }

    /// Selects the scenario the map and indicators follow.
    pub fn set_active_scenario(&mut self, id: Option<i64>) {
        self.scenario.active = id;
    }
}

impl ScenarioUi {
    /// The active scenario, if it is still in `project`.
    pub fn active_in<'p>(&self, project: &'p Project) -> Option<&'p Scenario> {
        self.active.and_then(|id| project.scenario(id))
    }

    /// How the map draws a site in the active scenario's year.
    pub(crate) fn site_state(&self, project: &Project, layer: Layer, fid: i64) -> SiteState {
        let Some(s) = self.active_in(project) else {
            return SiteState::Normal;
        };
        match s.open_year(layer, fid) {
            Some(y) if y == self.year => SiteState::Opening,
            Some(y) if y < self.year => SiteState::Normal,
            _ => SiteState::Ghost,
        }
    }

    /// Sites whose phase differs between the first two compared scenarios (while the Compare
    /// tab is shown).
    pub(crate) fn compare_differences(&self, project: &Project) -> Vec<(Layer, i64)> {
        if self.tab != Tab::Compare || !self.open {
            return Vec::new();
        }
        let (Some(a), Some(b)) = (
            self.compare.first().and_then(|i| project.scenario(*i)),
            self.compare.get(1).and_then(|i| project.scenario(*i)),
        ) else {
            return Vec::new();
        };
        scenario::phase_differences(a, b, project)
    }
}

/// The scenario panel over one frame: the project it reads, the panel's state, the rules
/// window's state (its compliance report is cached there), the refusals of the last scenario
/// edit, and the commands its tabs ask for.
pub(crate) struct ScenarioPanel<'a> {
    pub project: &'a Project,
    pub view: &'a View,
    pub st: &'a mut ScenarioUi,
    pub rules: &'a mut crate::app::panels::rules::RulesUi,
    pub tm3: &'a crate::io::crs::Tm3,
    pub errors: &'a [crate::scenario::ScenarioError],
    pub out: Vec<Command>,
}

impl ScenarioPanel<'_> {
    /// Advances the year while playing.
    fn play_tick(&mut self, ctx: &egui::Context) {
        if !self.st.playing {
            return;
        }
        let now = ctx.input(|i| i.time);
        if now - self.st.last_step >= 0.8 {
            self.st.last_step = now;
            if self.st.year >= scenario::LAST_YEAR {
                self.st.playing = false;
            } else {
                self.st.year += 1;
            }
        }
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }

    /// Forgets the editor's texts (the rows under them changed), except refused ones.
    fn reload_scenario_texts(&mut self) {
        let refused = &self.st.refused;
        self.st.bufs.retain(|k, _| refused.contains_key(k));
    }

    pub(crate) fn show(&mut self, ui: &mut egui::Ui) {
        let lang = self.view.lang;
        let ctx = ui.ctx().clone();
        self.play_tick(&ctx);
        // Reload text buffers when the scenario or the project changed under them.
        let focused = ctx.memory(|m| m.focused().is_some());
        if self.st.loaded != (self.st.active, self.view.generation) && !focused {
            if self.st.loaded.0 != self.st.active {
                self.st.refused.clear();
            }
            self.reload_scenario_texts();
            self.st.loaded = (self.st.active, self.view.generation);
            self.st.group_snapshot = active(self.project, self.st).cloned();
        }
        if self.st.active.is_some() && active(self.project, self.st).is_none() {
            self.st.active = None;
        }
        ui.horizontal_wrapped(|ui| {
            let current = match active(self.project, self.st) {
                Some(s) => s.name.clone(),
                None => tr(lang, "— không theo kịch bản —", "— no scenario —").to_string(),
            };
            let mut active = self.st.active;
            egui::ComboBox::new("active_scenario", tr(lang, "kịch bản", "scenario"))
                .selected_text(current)
                .show_ui(ui, |ui| {
                    ui.selectable_value(
                        &mut active,
                        None,
                        tr(lang, "— không theo kịch bản —", "— no scenario —"),
                    );
                    for s in &self.project.scenarios {
                        let label = if s.is_reference {
                            format!("{} — {}", s.name, tr(lang, "tham chiếu", "reference"))
                        } else {
                            s.name.clone()
                        };
                        ui.selectable_value(&mut active, Some(s.id), label);
                    }
                });
            if active != self.st.active {
                self.st.active = active;
            }
            ui.separator();
            ui.label(tr(lang, "Năm", "Year"));
            if ui
                .button("<")
                .on_hover_text(tr(lang, "Năm trước", "Previous year"))
                .clicked()
            {
                self.st.year = (self.st.year - 1).max(years::BASE);
            }
            ui.add(
                egui::Slider::new(&mut self.st.year, years::plan_years()).text(tr(
                    lang,
                    "năm kịch bản",
                    "scenario year",
                )),
            );
            if ui
                .button(">")
                .on_hover_text(tr(lang, "Năm sau", "Next year"))
                .clicked()
            {
                self.st.year = (self.st.year + 1).min(scenario::LAST_YEAR);
            }
            let play = if self.st.playing {
                tr(lang, "Dừng", "Stop")
            } else {
                tr(lang, "Chạy", "Play")
            };
            if ui.button(play).clicked() {
                self.st.playing = !self.st.playing;
                if self.st.playing && self.st.year >= scenario::LAST_YEAR {
                    self.st.year = years::BASE;
                }
                self.st.last_step = ctx.input(|i| i.time);
            }
            ui.separator();
            for (t, label) in [
                (Tab::Edit, tr(lang, "Soạn kịch bản", "Edit scenario")),
                (Tab::Indicators, tr(lang, "Chỉ tiêu", "Indicators")),
                (Tab::Charts, tr(lang, "Biểu đồ", "Charts")),
                (Tab::Compare, tr(lang, "So sánh", "Compare")),
                (
                    Tab::Compliance,
                    tr(lang, "Tuân thủ quy định", "Rule compliance"),
                ),
                (Tab::Figures, tr(lang, "Số liệu báo cáo", "Report figures")),
            ] {
                if ui.selectable_label(self.st.tab == t, label).clicked() {
                    self.st.tab = t;
                }
            }
        });
        ui.separator();
        let view = *self.view;
        egui::ScrollArea::vertical()
            .id_salt("scenario_scroll")
            .show(ui, |ui| match self.st.tab {
                Tab::Figures => {
                    let asked =
                        figures_tab::figures_ui(ui, self.project, &view, &mut self.st.figures);
                    self.out.extend(asked);
                }
                Tab::Edit => {
                    let mut ed = edit_tab::Editor {
                        project: self.project,
                        view: &view,
                        st: &mut *self.st,
                        errors: &*self.errors,
                        out: Vec::new(),
                    };
                    ed.scenario_edit_ui(ui);
                    let asked = ed.out;
                    self.out.extend(asked);
                }
                Tab::Indicators => {
                    let asked =
                        indicators_tab::indicators_ui(ui, self.project, &view, &mut *self.st);
                    self.out.extend(asked);
                }
                Tab::Charts => charts_tab::charts_ui(ui, self.project, &view, &*self.st),
                Tab::Compare => compare_tab::compare_ui(ui, self.project, &view, &mut *self.st),
                Tab::Compliance => {
                    let asked = crate::app::panels::rules::compliance_ui(
                        ui,
                        self.project,
                        &view,
                        self.st.active,
                        &mut *self.rules,
                        self.tm3,
                    );
                    self.out.extend(asked);
                }
            });
        self.scenario_dialogs(&ctx);
    }

    fn scenario_dialogs(&mut self, ctx: &egui::Context) {
        let lang = self.view.lang;
        let Some(id) = self.st.confirm_delete else {
            return;
        };
        let Some(s) = self.project.scenario(id).cloned() else {
            self.st.confirm_delete = None;
            return;
        };
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("confirm_delete_scenario")).show(ctx, |ui| {
            ui.label(match lang {
                Language::Vi => format!("Xóa kịch bản «{}»? (có thể hoàn tác)", s.name),
                Language::En => format!("Delete the scenario “{}”? (can be undone)", s.name),
            });
            ui.horizontal(|ui| {
                if ui.button(tr(lang, "Xóa", "Delete")).clicked() {
                    answer = Some(true);
                }
                if ui.button(tr(lang, "Hủy", "Cancel")).clicked() {
                    answer = Some(false);
                }
            });
        });
        if let Some(yes) = answer {
            self.st.confirm_delete = None;
            if yes {
                self.out.push(Command::Edit {
                    edit: Edit::scenario(Some(s), None),
                    merge: None,
                    then: Then::Deactivate,
                });
            }
        }
    }
}

/// A plot of industrial output by year (the charts tab's and the compare tab's): axes named
/// with the unit, the value under the cursor, the legend.
fn output_plot(id: &str, height: f32, lang: Language) -> Plot<'static> {
    let unit = tr(lang, "tỷ đồng", "bn VND");
    Plot::new(id)
        .height(height)
        .legend(Legend::default())
        .include_y(0.0)
        .allow_scroll(false)
        .x_axis_label(tr(lang, "Năm", "Year"))
        .y_axis_label(unit)
        .label_formatter(move |p| value_under_cursor(p, unit))
}

/// What a chart shows under the cursor: near a data point, its series, year and value with
/// the unit; elsewhere nothing.
fn value_under_cursor(pos: &egui_plot::HoverPosition<'_>, unit: &str) -> Option<String> {
    let egui_plot::HoverPosition::NearDataPoint {
        plot_name,
        position,
        ..
    } = pos
    else {
        return None;
    };
    let value = if position.y.abs() >= 100.0 {
        format!("{:.0}", position.y)
    } else {
        format!("{:.2}", position.y)
    };
    Some(format!(
        "{plot_name}\n{:.0}: {value} {unit}",
        position.x.round()
    ))
}
