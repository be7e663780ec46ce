//! The scenario panel: the scenario list and editor, the year slider that the map follows,
//! the indicators, the charts and the comparison. Numbers come from `crate::scenario`; this
//! file only draws them and turns the planner's input into edits.

use super::QnApp;
use super::i18n::{self, tr};
use crate::edit::Edit;
use crate::model::validate::{
    Refusal, parse_count, parse_non_negative, parse_percent, parse_real, parse_year,
};
use crate::model::{Actual, ActualKind, DISTRICTS_2006, Layer, Phase, years};
use crate::scenario::{
    self, GrowthPeriod, Indicator, ProgrammeYear, Scenario, SectorShares, indicator_table,
    indicators, output_series, programme_rows,
};
use crate::settings::Language;
use egui::{Color32, RichText};
use egui_plot::{Bar, BarChart, Legend, Line, MarkerShape, Plot, PlotPoints, Points, VLine};
use std::collections::HashMap;

/// Tabs of the scenario panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Edit,
    Indicators,
    Charts,
    Compare,
    Compliance,
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
    pub(super) confirm_delete: Option<i64>,
    actual_row: usize,
    actual_year: String,
    actual_value: String,
    /// The scenario as it was when the fields were last loaded: the phasing list keeps this
    /// grouping while the planner types, so rows do not jump under the cursor.
    group_snapshot: Option<Scenario>,
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
        self.scenario
            .active
            .and_then(|id| self.project.scenario(id))
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

    pub(super) fn site_state(&self, layer: Layer, fid: i64) -> SiteState {
        let Some(s) = self.active_scenario() else {
            return SiteState::Normal;
        };
        match s.open_year(layer, fid) {
            Some(y) if y == self.scenario.year => SiteState::Opening,
            Some(y) if y < self.scenario.year => SiteState::Normal,
            _ => SiteState::Ghost,
        }
    }

    /// Sites whose phase differs between the first two compared scenarios.
    pub(super) fn compare_differences(&self) -> Vec<(Layer, i64)> {
        if self.scenario.tab != Tab::Compare || !self.scenario.open {
            return Vec::new();
        }
        let ids = &self.scenario.compare;
        let (Some(a), Some(b)) = (
            ids.first().and_then(|i| self.project.scenario(*i)),
            ids.get(1).and_then(|i| self.project.scenario(*i)),
        ) else {
            return Vec::new();
        };
        scenario::phase_differences(a, b, &self.project)
    }

    /// Advances the year while playing.
    fn play_tick(&mut self, ctx: &egui::Context) {
        if !self.scenario.playing {
            return;
        }
        let now = ctx.input(|i| i.time);
        if now - self.scenario.last_step >= 0.8 {
            self.scenario.last_step = now;
            if self.scenario.year >= scenario::LAST_YEAR {
                self.scenario.playing = false;
            } else {
                self.scenario.year += 1;
            }
        }
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }

    /// Applies `change` to the active scenario as one edit (merging keystrokes in one field).
    fn scenario_apply(&mut self, merge: Option<u64>, change: impl FnOnce(&mut Scenario)) {
        let Some(before) = self.active_scenario().cloned() else {
            return;
        };
        let mut after = before.clone();
        change(&mut after);
        after.modified = scenario::now_utc_iso();
        if after.name == before.name
            && after.description == before.description
            && after.author_notes == before.author_notes
            && after.phasing == before.phasing
            && after.growth == before.growth
            && after.sector_shares == before.sector_shares
            && after.programme == before.programme
            && after.priority_districts == before.priority_districts
        {
            return;
        }
        self.apply_edit(Edit::scenario(Some(before), Some(after)), merge);
    }

    /// A text field bound to the buffer `key`; returns the text when the user changed it.
    fn sc_text(
        &mut self,
        ui: &mut egui::Ui,
        key: &str,
        initial: impl FnOnce() -> String,
        width: f32,
        hint: &str,
    ) -> Option<String> {
        // A stable id per field: rows move between phase groups as years change, and the
        // focus must stay with the field being typed in, not its screen position.
        let (bufs, typing_key) = (&mut self.scenario.bufs, &mut self.scenario.typing_key);
        super::buffered_text(
            ui,
            bufs,
            ("scenario_field", key),
            initial,
            width,
            hint,
            typing_key,
            &mut self.next_merge_key,
            None,
        )
    }

    /// A number field of the scenario editor: its text, parsed by `parse` (one place per field,
    /// in the domain) when changed. A refused text stays, with the reason beside it in the UI
    /// language, and nothing is written; an accepted one clears the reason. Returns the value to
    /// store when the text changed and was accepted.
    fn sc_field<T>(
        &mut self,
        ui: &mut egui::Ui,
        key: &str,
        initial: impl FnOnce() -> String,
        width: f32,
        hint: &str,
        parse: impl FnOnce(&str) -> Result<T, Refusal>,
    ) -> Option<T> {
        let parsed = self
            .sc_text(ui, key, initial, width, hint)
            .map(|t| parse(&t));
        match &parsed {
            Some(Err(e)) => {
                self.scenario.refused.insert(key.to_string(), e.clone());
            }
            Some(Ok(_)) => {
                self.scenario.refused.remove(key);
            }
            None => {}
        }
        if let Some(r) = self.scenario.refused.get(key) {
            ui.label(
                RichText::new(format!("! {}", r.text(self.lang())))
                    .color(Color32::from_rgb(0xc0, 0x10, 0x10)),
            );
        }
        parsed.and_then(Result::ok)
    }

    /// Forgets the editor's texts (the rows under them changed), except refused ones.
    fn reload_scenario_texts(&mut self) {
        let refused = &self.scenario.refused;
        self.scenario.bufs.retain(|k, _| refused.contains_key(k));
    }

    pub(super) fn scenario_panel_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let ctx = ui.ctx().clone();
        self.play_tick(&ctx);
        // Reload text buffers when the scenario or the project changed under them.
        let focused = ctx.memory(|m| m.focused().is_some());
        if self.scenario.loaded != (self.scenario.active, self.project_gen) && !focused {
            if self.scenario.loaded.0 != self.scenario.active {
                self.scenario.refused.clear();
            }
            self.reload_scenario_texts();
            self.scenario.loaded = (self.scenario.active, self.project_gen);
            self.scenario.group_snapshot = self.active_scenario().cloned();
        }
        if self.scenario.active.is_some() && self.active_scenario().is_none() {
            self.scenario.active = None;
        }
        ui.horizontal_wrapped(|ui| {
            let current = match self.active_scenario() {
                Some(s) => s.name.clone(),
                None => tr(lang, "— không theo kịch bản —", "— no scenario —").to_string(),
            };
            let mut active = self.scenario.active;
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
            if active != self.scenario.active {
                self.scenario.active = active;
            }
            ui.separator();
            ui.label(tr(lang, "Năm", "Year"));
            if ui
                .button("<")
                .on_hover_text(tr(lang, "Năm trước", "Previous year"))
                .clicked()
            {
                self.scenario.year = (self.scenario.year - 1).max(years::BASE);
            }
            ui.add(
                egui::Slider::new(&mut self.scenario.year, years::plan_years()).text(tr(
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
                self.scenario.year = (self.scenario.year + 1).min(scenario::LAST_YEAR);
            }
            let play = if self.scenario.playing {
                tr(lang, "Dừng", "Stop")
            } else {
                tr(lang, "Chạy", "Play")
            };
            if ui.button(play).clicked() {
                self.scenario.playing = !self.scenario.playing;
                if self.scenario.playing && self.scenario.year >= scenario::LAST_YEAR {
                    self.scenario.year = years::BASE;
                }
                self.scenario.last_step = ctx.input(|i| i.time);
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
            ] {
                if ui.selectable_label(self.scenario.tab == t, label).clicked() {
                    self.scenario.tab = t;
                }
            }
        });
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("scenario_scroll")
            .show(ui, |ui| match self.scenario.tab {
                Tab::Edit => self.scenario_edit_ui(ui),
                Tab::Indicators => self.indicators_ui(ui),
                Tab::Charts => self.charts_ui(ui),
                Tab::Compare => self.compare_ui(ui),
                Tab::Compliance => self.compliance_ui(ui),
            });
        self.scenario_dialogs(&ctx);
    }

    fn scenario_edit_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let ro = self.is_read_only();
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(
                    !ro,
                    egui::Button::new(tr(lang, "Kịch bản mới", "New scenario")),
                )
                .clicked()
            {
                let s = Scenario::created_now(
                    &scenario::unique_name(
                        &self.project,
                        tr(lang, "Phương án mới", "New scenario"),
                    ),
                    &self.project,
                );
                if let Some(id) = self.apply_edit_returning(Edit::scenario(None, Some(s))) {
                    self.scenario.active = Some(id);
                }
            }
            let has = self.active_scenario().is_some();
            if ui
                .add_enabled(
                    !ro && has,
                    egui::Button::new(tr(lang, "Nhân bản", "Duplicate")),
                )
                .clicked()
                && let Some(src) = self.active_scenario().cloned()
            {
                let s = src.duplicate(&scenario::unique_name(
                    &self.project,
                    &format!("{} ({})", src.name, tr(lang, "bản sao", "copy")),
                ));
                if let Some(id) = self.apply_edit_returning(Edit::scenario(None, Some(s))) {
                    self.scenario.active = Some(id);
                }
            }
            let is_ref = self.active_scenario().is_some_and(|s| s.is_reference);
            if ui
                .add_enabled(
                    !ro && has && !is_ref,
                    egui::Button::new(tr(lang, "Đặt làm tham chiếu", "Make reference")),
                )
                .clicked()
            {
                let before = self.project.reference_scenario().map(|s| s.id);
                self.apply_edit(
                    Edit::Reference {
                        before,
                        after: self.scenario.active,
                    },
                    None,
                );
            }
            if ui
                .add_enabled(!ro && has, egui::Button::new(tr(lang, "Xóa…", "Delete…")))
                .clicked()
            {
                self.scenario.confirm_delete = self.scenario.active;
            }
        });
        let Some(s) = self.active_scenario().cloned() else {
            ui.label(tr(
                lang,
                "Chọn một kịch bản ở trên (hoặc tạo mới) để soạn; bản đồ sẽ theo kịch bản và năm đã chọn.",
                "Choose a scenario above (or make one) to edit it; the map follows the scenario and year.",
            ));
            return;
        };
        for e in &self.scenario_errors {
            ui.label(
                RichText::new(format!("! {}", e.text(lang)))
                    .color(Color32::from_rgb(0xc0, 0x10, 0x10)),
            );
        }
        egui::Grid::new("scenario_meta")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                ui.label(RichText::new(tr(lang, "Tên", "Name")).strong());
                if let Some(v) = self.sc_text(
                    ui,
                    "name",
                    || s.name.clone(),
                    320.0,
                    tr(lang, "tên kịch bản", "scenario name"),
                ) {
                    let key = self.scenario.typing_key;
                    self.scenario_apply(key, |x| x.name = v);
                }
                ui.end_row();
                ui.label(RichText::new(tr(lang, "Mô tả", "Description")).strong());
                if let Some(v) = self.sc_text(
                    ui,
                    "desc",
                    || s.description.clone(),
                    600.0,
                    tr(lang, "mô tả", "description"),
                ) {
                    let key = self.scenario.typing_key;
                    self.scenario_apply(key, |x| x.description = v);
                }
                ui.end_row();
                ui.label(RichText::new(tr(lang, "Ghi chú tác giả", "Author notes")).strong());
                if let Some(v) = self.sc_text(
                    ui,
                    "notes",
                    || s.author_notes.clone(),
                    600.0,
                    tr(lang, "ghi chú", "notes"),
                ) {
                    let key = self.scenario.typing_key;
                    self.scenario_apply(key, |x| x.author_notes = v);
                }
                ui.end_row();
                ui.label(RichText::new(tr(lang, "Tạo / sửa", "Created / modified")).strong());
                ui.label(format!("{} / {}", s.created, s.modified));
                ui.end_row();
            });
        ui.separator();
        ui.columns(2, |cols| {
            self.growth_ui(&mut cols[0], &s);
            self.programme_ui(&mut cols[1], &s);
        });
        ui.separator();
        self.phasing_ui(ui, &s);
    }

    /// Like `apply_edit` but returns the stored id of an inserted scenario.
    fn apply_edit_returning(&mut self, edit: Edit) -> Option<i64> {
        let before: Vec<i64> = self.project.scenarios.iter().map(|s| s.id).collect();
        if !self.apply_edit(edit, None) {
            return None;
        }
        self.project
            .scenarios
            .iter()
            .map(|s| s.id)
            .find(|id| !before.contains(id))
    }

    fn growth_ui(&mut self, ui: &mut egui::Ui, s: &Scenario) {
        let lang = self.lang();
        ui.label(
            RichText::new(tr(
                lang,
                "Tăng trưởng GTSX theo giai đoạn (%/năm, nhập)",
                "Output growth per period (%/yr, entered)",
            ))
            .strong(),
        );
        ui.label(
            RichText::new(tr(
                lang,
                "2005–2007 theo tài liệu (¶4, ¶10); từ 2008 theo các giai đoạn dưới đây.",
                "2005–2007 from the document (¶4, ¶10); from 2008 on, the periods below.",
            ))
            .small(),
        );
        let mut remove = None;
        for (i, g) in s.growth.iter().enumerate() {
            ui.horizontal(|ui| {
                let mut changed: Option<(usize, f64)> = None;
                let year =
                    |t: &str| parse_year(t).and_then(|y| y.map(f64::from).ok_or(Refusal::Empty));
                if let Some(v) = self.sc_field(
                    ui,
                    &format!("g{i}_0"),
                    || g.from.to_string(),
                    44.0,
                    tr(lang, "từ năm", "from"),
                    year,
                ) {
                    changed = Some((0, v));
                }
                ui.label("–");
                if let Some(v) = self.sc_field(
                    ui,
                    &format!("g{i}_1"),
                    || g.to.to_string(),
                    44.0,
                    tr(lang, "đến năm", "to"),
                    year,
                ) {
                    changed = Some((1, v));
                }
                if let Some(v) = self.sc_field(
                    ui,
                    &format!("g{i}_2"),
                    || format!("{}", g.rate_pct),
                    56.0,
                    "%/năm",
                    |t| parse_real(t).and_then(|x| x.ok_or(Refusal::Empty)),
                ) {
                    changed = Some((2, v));
                }
                ui.label("%");
                if ui
                    .small_button("×")
                    .on_hover_text(tr(lang, "Bỏ giai đoạn", "Remove period"))
                    .clicked()
                {
                    remove = Some(i);
                }
                if let Some((k, x)) = changed {
                    let key = self.scenario.typing_key;
                    self.scenario_apply(key, |sc| {
                        if let Some(g) = sc.growth.get_mut(i) {
                            match k {
                                0 => g.from = x as i32,
                                1 => g.to = x as i32,
                                _ => g.rate_pct = x,
                            }
                        }
                    });
                }
            });
        }
        if let Some(i) = remove {
            self.scenario_apply(None, |sc| {
                sc.growth.remove(i);
            });
            self.scenario.bufs.clear();
            self.scenario.refused.clear();
        }
        if ui
            .button(tr(lang, "+ Thêm giai đoạn", "+ Add period"))
            .clicked()
        {
            let from = s
                .growth
                .iter()
                .map(|g| g.to + 1)
                .max()
                .unwrap_or(2008)
                .max(2008);
            if from <= scenario::LAST_YEAR {
                self.scenario_apply(None, |sc| {
                    sc.growth.push(GrowthPeriod {
                        from,
                        to: (from + 4).min(scenario::LAST_YEAR),
                        rate_pct: 0.0,
                    })
                });
                self.scenario.bufs.clear();
            }
        }
        ui.add_space(6.0);
        ui.label(
            RichText::new(tr(
                lang,
                "Tỉ trọng năm gốc 2006 theo thành phần (giả định)",
                "Base-year 2006 shares by ownership (assumption)",
            ))
            .strong(),
        );
        let mut has = s.sector_shares.is_some();
        if ui
            .checkbox(
                &mut has,
                tr(
                    lang,
                    "đặt tỉ trọng (tài liệu không cho số này)",
                    "set shares (the document gives none)",
                ),
            )
            .changed()
        {
            self.scenario_apply(None, |sc| {
                sc.sector_shares = has.then_some(SectorShares {
                    state_pct: 100.0,
                    non_state_pct: 0.0,
                    fdi_pct: 0.0,
                })
            });
            self.scenario.bufs.clear();
        }
        if let Some(sh) = s.sector_shares {
            ui.horizontal(|ui| {
                for (k, label, init) in [
                    (0, tr(lang, "nhà nước", "state"), sh.state_pct),
                    (1, tr(lang, "ngoài NN", "non-state"), sh.non_state_pct),
                    (2, "FDI", sh.fdi_pct),
                ] {
                    ui.label(label);
                    if let Some(x) = self.sc_field(
                        ui,
                        &format!("sh{k}"),
                        || format!("{init}"),
                        44.0,
                        "%",
                        |t| parse_percent(t).and_then(|x| x.ok_or(Refusal::Empty)),
                    ) {
                        let key = self.scenario.typing_key;
                        self.scenario_apply(key, |sc| {
                            if let Some(s) = sc.sector_shares.as_mut() {
                                match k {
                                    0 => s.state_pct = x,
                                    1 => s.non_state_pct = x,
                                    _ => s.fdi_pct = x,
                                }
                            }
                        });
                    }
                }
            });
        }
        ui.add_space(6.0);
        ui.label(
            RichText::new(tr(
                lang,
                "Vùng ưu tiên (miền núi, biên giới, hải đảo; ¶10) — sửa được",
                "Priority areas (highlands, border, islands; ¶10) — editable",
            ))
            .strong(),
        );
        ui.horizontal_wrapped(|ui| {
            for d in DISTRICTS_2006 {
                let mut on = s.priority_districts.iter().any(|x| x == d);
                if ui.checkbox(&mut on, d).changed() {
                    self.scenario_apply(None, |sc| {
                        if on {
                            sc.priority_districts.push(d.to_string());
                        } else {
                            sc.priority_districts.retain(|x| x != d);
                        }
                    });
                }
            }
        });
    }

    fn programme_ui(&mut self, ui: &mut egui::Ui, s: &Scenario) {
        let lang = self.lang();
        ui.label(
            RichText::new(tr(
                lang,
                "Chương trình khuyến công",
                "Industrial-extension programme",
            ))
            .strong(),
        );
        egui::Grid::new("programme")
            .striped(true)
            .num_columns(7)
            .show(ui, |ui| {
                for h in [
                    tr(lang, "Năm", "Year"),
                    tr(lang, "Dự án", "Projects"),
                    tr(lang, "Tổng vốn", "Total capital"),
                    tr(lang, "Kinh phí KC", "Funds"),
                    tr(lang, "Vốn XH", "Social capital"),
                    tr(lang, "Đòn bẩy", "Leverage"),
                    tr(lang, "Nguồn", "Source"),
                ] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for r in programme_rows(s) {
                    ui.label(r.year.to_string());
                    ui.label(
                        r.projects
                            .map(|n| n.to_string())
                            .unwrap_or_else(|| "—".into()),
                    );
                    ui.label(num(r.total_capital_bn_vnd, 1));
                    ui.label(num(r.funds_bn_vnd, 3));
                    ui.label(num(r.social_capital_bn_vnd, 1));
                    ui.label(num(r.leverage, 1)).on_hover_text(r.note);
                    ui.label(r.source.text(lang));
                    ui.end_row();
                }
            });
        ui.label(
            RichText::new(tr(
                lang,
                "tỷ đồng; đòn bẩy = vốn xã hội / kinh phí (tính toán)",
                "bn VND; leverage = social capital / funds (computed)",
            ))
            .small(),
        );
        let mut remove = None;
        for (i, y) in s.programme.iter().enumerate() {
            ui.horizontal(|ui| {
                let fields = [
                    y.year.to_string(),
                    y.projects.map(|n| n.to_string()).unwrap_or_default(),
                    y.total_capital_bn_vnd
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                    y.funds_bn_vnd.map(|v| v.to_string()).unwrap_or_default(),
                    y.social_capital_bn_vnd
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                ];
                let hints = [
                    tr(lang, "năm", "year"),
                    tr(lang, "dự án", "projects"),
                    tr(lang, "tổng vốn", "capital"),
                    tr(lang, "kinh phí", "funds"),
                    tr(lang, "vốn XH", "social"),
                ];
                let mut changed: Option<(usize, Option<f64>)> = None;
                for (k, init) in fields.into_iter().enumerate() {
                    let parse = move |t: &str| -> Result<Option<f64>, Refusal> {
                        match k {
                            0 => parse_year(t)
                                .and_then(|y| y.map(|y| Some(f64::from(y))).ok_or(Refusal::Empty)),
                            1 => parse_count(t).map(|n| n.map(|n| n as f64)),
                            _ => parse_non_negative(t),
                        }
                    };
                    if let Some(v) =
                        self.sc_field(ui, &format!("p{i}_{k}"), || init, 56.0, hints[k], parse)
                    {
                        changed = Some((k, v));
                    }
                }
                if ui.small_button("×").clicked() {
                    remove = Some(i);
                }
                if let Some((k, x)) = changed {
                    let key = self.scenario.typing_key;
                    self.scenario_apply(key, |sc| {
                        if let Some(p) = sc.programme.get_mut(i) {
                            match k {
                                0 => p.year = x.map_or(p.year, |y| y as i32),
                                1 => p.projects = x.map(|v| v as i64),
                                2 => p.total_capital_bn_vnd = x,
                                3 => p.funds_bn_vnd = x,
                                _ => p.social_capital_bn_vnd = x,
                            }
                        }
                    });
                }
            });
        }
        if let Some(i) = remove {
            self.scenario_apply(None, |sc| {
                sc.programme.remove(i);
            });
            self.scenario.bufs.clear();
            self.scenario.refused.clear();
        }
        if ui.button(tr(lang, "+ Thêm năm", "+ Add year")).clicked() {
            let year = s
                .programme
                .iter()
                .map(|p| p.year + 1)
                .max()
                .unwrap_or(2008)
                .max(2008);
            self.scenario_apply(None, |sc| {
                sc.programme.push(ProgrammeYear {
                    year,
                    projects: None,
                    total_capital_bn_vnd: None,
                    funds_bn_vnd: None,
                    social_capital_bn_vnd: None,
                })
            });
            self.scenario.bufs.clear();
        }
    }

    fn phasing_ui(&mut self, ui: &mut egui::Ui, s: &Scenario) {
        let lang = self.lang();
        ui.label(
            RichText::new(tr(
                lang,
                "Phân kỳ: năm mở của từng địa điểm (để trống = không có trong kịch bản)",
                "Phasing: the year each site opens (empty = not in this scenario)",
            ))
            .strong(),
        );
        let mut groups: Vec<(String, Vec<(Layer, i64)>)> = Vec::new();
        let group_of = |y: Option<i32>| match y.and_then(scenario::phase_of_year) {
            Some(p) => p.as_str().to_string(),
            None if y.is_some() => tr(lang, "sau 2020", "after 2020").to_string(),
            None => tr(lang, "chưa xếp", "not scheduled").to_string(),
        };
        for p in Phase::ALL.iter().map(|p| p.as_str().to_string()).chain([
            tr(lang, "sau 2020", "after 2020").to_string(),
            tr(lang, "chưa xếp", "not scheduled").to_string(),
        ]) {
            groups.push((p, Vec::new()));
        }
        let grouping = match &self.scenario.group_snapshot {
            Some(g) if g.id == s.id => g.clone(),
            _ => s.clone(),
        };
        for site in &self.project.sites {
            let g = group_of(grouping.open_year(site.layer, site.fid));
            if let Some(slot) = groups.iter_mut().find(|(n, _)| *n == g) {
                slot.1.push((site.layer, site.fid));
            }
        }
        for (name, sites) in groups {
            if sites.is_empty() {
                continue;
            }
            egui::CollapsingHeader::new(format!("{name} ({})", sites.len()))
                .id_salt(("phase", name.clone()))
                .default_open(true)
                .show(ui, |ui| {
                    egui::Grid::new(("phasing", name.clone()))
                        .striped(true)
                        .num_columns(4)
                        .show(ui, |ui| {
                            for (layer, fid) in sites {
                                let Some(site) = self.project.site(layer, fid).cloned() else {
                                    continue;
                                };
                                ui.label(&site.name);
                                ui.label(
                                    RichText::new(i18n::layer_name(lang, layer))
                                        .color(super::style::colour(layer)),
                                );
                                let year = s.open_year(layer, fid);
                                if let Some(y) = self.sc_field(
                                    ui,
                                    &format!("y{}_{fid}", layer.table()),
                                    || year.map(|y| y.to_string()).unwrap_or_default(),
                                    60.0,
                                    tr(lang, "năm", "year"),
                                    parse_year,
                                ) {
                                    let key = self.scenario.typing_key;
                                    self.scenario_apply(key, |sc| sc.set_open_year(layer, fid, y));
                                }
                                match site.area_ha {
                                    Some(a) => {
                                        ui.label(format!(
                                            "{a:.1} ha ({})",
                                            tr(lang, "từ ranh giới", "from the boundary")
                                        ));
                                    }
                                    None => {
                                        let land = s.phase_of(layer, fid).and_then(|p| p.land_ha);
                                        ui.horizontal(|ui| {
                                            if let Some(l) = self.sc_field(
                                                ui,
                                                &format!("l{}_{fid}", layer.table()),
                                                || land.map(|l| l.to_string()).unwrap_or_default(),
                                                56.0,
                                                "ha",
                                                parse_non_negative,
                                            ) {
                                                let key = self.scenario.typing_key;
                                                self.scenario_apply(key, |sc| {
                                                    if sc.phase_of(layer, fid).is_none() {
                                                        sc.set_open_year(layer, fid, None);
                                                    }
                                                    if let Some(p) = sc
                                                        .phasing
                                                        .iter_mut()
                                                        .find(|p| p.layer == layer && p.fid == fid)
                                                    {
                                                        p.land_ha = l;
                                                    }
                                                });
                                            }
                                            ui.label(tr(lang, "ha (nhập)", "ha (entered)"));
                                        });
                                    }
                                }
                                ui.end_row();
                            }
                        });
                });
        }
    }

    fn indicators_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let Some(s) = self.active_scenario().cloned() else {
            ui.label(tr(lang, "Chọn một kịch bản.", "Choose a scenario."));
            return;
        };
        let year = self.scenario.year;
        ui.horizontal(|ui| {
            ui.heading(format!("{} — {year}", s.name));
            if ui.button(tr(lang, "Xuất CSV…", "Export CSV…")).clicked() {
                self.export_indicators_csv(&s);
            }
        });
        let years = [year, 2010, 2015, 2020];
        let rows = indicator_table(&s, &self.project, &years);
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
        let ind = indicators(&s, &self.project, year);
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
                .get(self.scenario.actual_row)
                .copied()
                .unwrap_or(Indicator::Output);
            egui::ComboBox::new("actual_indicator", tr(lang, "chỉ tiêu", "indicator"))
                .selected_text(ind_name(lang, &sel))
                .show_ui(ui, |ui| {
                    for (i, n) in names.iter().enumerate() {
                        ui.selectable_value(&mut self.scenario.actual_row, i, ind_name(lang, n));
                    }
                });
            let red = Color32::from_rgb(0xc0, 0x10, 0x10);
            for (key, width, hint) in [
                ("actual_year", 48.0, tr(lang, "năm", "year")),
                ("actual_value", 80.0, tr(lang, "giá trị", "value")),
            ] {
                let text = if key == "actual_year" {
                    &mut self.scenario.actual_year
                } else {
                    &mut self.scenario.actual_value
                };
                let r = ui.add(
                    egui::TextEdit::singleline(text)
                        .id_salt(key)
                        .desired_width(width)
                        .hint_text(hint),
                );
                if r.changed() {
                    self.scenario.refused.remove(key);
                }
                if let Some(e) = self.scenario.refused.get(key) {
                    ui.label(RichText::new(format!("! {}", e.text(lang))).color(red));
                }
            }
            if ui
                .add_enabled(
                    !self.is_read_only(),
                    egui::Button::new(tr(lang, "Ghi", "Record")),
                )
                .clicked()
            {
                // Checked in the domain, one place per field; a refused entry keeps its text
                // and shows why beside it.
                let y =
                    parse_year(&self.scenario.actual_year).and_then(|y| y.ok_or(Refusal::Empty));
                let v =
                    parse_real(&self.scenario.actual_value).and_then(|v| v.ok_or(Refusal::Empty));
                for (key, r) in [
                    ("actual_year", y.as_ref().err()),
                    ("actual_value", v.as_ref().err()),
                ] {
                    match r {
                        Some(e) => {
                            self.scenario.refused.insert(key.to_string(), e.clone());
                        }
                        None => {
                            self.scenario.refused.remove(key);
                        }
                    }
                }
                if let (Ok(y), Ok(v), Some(n)) = (y, v, names.get(self.scenario.actual_row)) {
                    let key = n.actual_key();
                    let before = self.project.actuals.clone();
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
                    if self.apply_edit(Edit::Actuals { before, after }, None) {
                        self.scenario.actual_value.clear();
                    }
                }
            }
        });
        for a in self
            .project
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
        let reported: Vec<Actual> = self
            .project
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

    fn export_indicators_csv(&mut self, s: &Scenario) {
        self.choose_path(
            super::Purpose::IndicatorsCsv(s.id),
            true,
            &["csv"],
            "CSV",
            &format!("{}.csv", s.name),
        );
    }

    /// Writes the scenario's indicator table to `path` as CSV, whole or not at all.
    pub(super) fn write_indicators_csv(&mut self, s: &Scenario, path: &std::path::Path) {
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

    fn output_lines(
        &self,
        s: &Scenario,
        colour: Color32,
        plot_ui: &mut egui_plot::PlotUi<'_>,
        label: &str,
    ) {
        let series = output_series(s);
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

    fn charts_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let Some(s) = self.active_scenario().cloned() else {
            ui.label(tr(lang, "Chọn một kịch bản.", "Choose a scenario."));
            return;
        };
        let year = self.scenario.year as f64;
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
                    self.project
                        .actuals
                        .iter()
                        .filter(|a| a.indicator == "industrial_output_value" && a.kind == kind)
                        .filter_map(|a| Some([a.year? as f64, a.value?]))
                        .collect()
                };
                let actual = annual(ActualKind::Entered);
                let reported = annual(ActualKind::Reported);
                let basis = self
                    .project
                    .actuals
                    .iter()
                    .find(|a| {
                        a.indicator == "industrial_output_value"
                            && a.kind == ActualKind::Reported
                            && a.year.is_some()
                    })
                    .map(|a| a.price_basis.clone())
                    .unwrap_or_default();
                let doc: Vec<[f64; 2]> = output_series(&s)
                    .iter()
                    .filter(|o| matches!(o.source, scenario::Source::Document(_)))
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
                let unit = tr(lang, "tỷ đồng", "bn VND");
                Plot::new("output_plot")
                    .height(200.0)
                    .legend(Legend::default())
                    .include_y(0.0)
                    .allow_scroll(false)
                    .x_axis_label(tr(lang, "Năm", "Year"))
                    .y_axis_label(unit)
                    .label_formatter(move |p| value_under_cursor(p, unit))
                    .show(ui, |plot_ui| {
                        self.output_lines(
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
                let notes: Vec<String> = self
                    .project
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
                            let i = indicators(&s, &self.project, y);
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
                let rows = programme_rows(&s);
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

    fn compare_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.horizontal_wrapped(|ui| {
            ui.label(tr(lang, "So sánh:", "Compare:"));
            for s in self.project.scenarios.clone() {
                let mut on = self.scenario.compare.contains(&s.id);
                if ui.checkbox(&mut on, &s.name).changed() {
                    if on {
                        self.scenario.compare.push(s.id);
                    } else {
                        self.scenario.compare.retain(|x| *x != s.id);
                    }
                }
            }
        });
        let chosen: Vec<Scenario> = self
            .scenario
            .compare
            .iter()
            .filter_map(|id| self.project.scenario(*id).cloned())
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
            .map(|s| indicator_table(s, &self.project, &MILESTONES))
            .collect();
        ui.label(
            RichText::new(tr(
                lang,
                "Giá trị SXCN (tỷ đồng), các kịch bản chồng nhau",
                "Industrial output (bn VND), overlaid",
            ))
            .strong(),
        );
        let unit = tr(lang, "tỷ đồng", "bn VND");
        Plot::new("compare_plot")
            .height(150.0)
            .legend(Legend::default())
            .include_y(0.0)
            .allow_scroll(false)
            .x_axis_label(tr(lang, "Năm", "Year"))
            .y_axis_label(unit)
            .label_formatter(move |p| value_under_cursor(p, unit))
            .show(ui, |plot_ui| {
                for s in &chosen {
                    self.output_lines(s, scenario_colour(s.id), plot_ui, &s.name);
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
        let diffs = scenario::phase_differences(&chosen[0], &chosen[1], &self.project);
        ui.label(match lang {
            Language::Vi => format!("{} địa điểm có năm mở khác nhau giữa hai kịch bản đầu (viền tím trên bản đồ).", diffs.len()),
            Language::En => format!("{} sites open in different years in the first two scenarios (purple ring on the map).", diffs.len()),
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
                            RichText::new(format!(
                                "Δ {} {}",
                                tr(lang, "so với", "vs"),
                                chosen[0].name
                            ))
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
                                ui.label(
                                    d.map(|d| format!("{d:+.2}")).unwrap_or_else(|| "—".into()),
                                );
                            }
                        }
                        ui.end_row();
                    }
                }
            });
    }

    fn scenario_dialogs(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        let Some(id) = self.scenario.confirm_delete else {
            return;
        };
        let Some(s) = self.project.scenario(id).cloned() else {
            self.scenario.confirm_delete = None;
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
            self.scenario.confirm_delete = None;
            if yes && self.apply_edit(Edit::scenario(Some(s), None), None) {
                self.scenario.active = None;
            }
        }
    }
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
