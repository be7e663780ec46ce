//! The scenario editor tab: name and texts, growth periods, base-year shares, priority areas,
//! the extension programme and the phasing of each site; every number through `model::validate`.

use super::*;
use crate::app::command::Panel;

/// The editor of the active scenario over one frame: what it reads (the project, the view,
/// the refusals of the last edit), the panel's state it types into, and the commands it asks
/// for.
pub(crate) struct Editor<'a> {
    pub project: &'a Project,
    pub view: &'a View,
    pub st: &'a mut ScenarioUi,
    /// What the last scenario edit had refused, shown beside its fields.
    pub errors: &'a [crate::scenario::ScenarioError],
    pub out: Vec<Command>,
}

impl Editor<'_> {
    /// Applies `change` to the active scenario as one edit (merging keystrokes in one field).
    fn scenario_apply(&mut self, merge: Option<u64>, change: impl FnOnce(&mut Scenario)) {
        let Some(before) = active(self.project, self.st).cloned() else {
            return;
        };
        let mut after = before.clone();
        change(&mut after);
        // The edit stamps `modified`.
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
        // The editor numbers its visits to fields itself: apart from other panels' keys.
        let merge = merge.map(|k| crate::app::command::merge_key(Panel::Scenario, k));
        self.out.push(Command::merged(
            Edit::scenario(Some(before), Some(after)),
            merge,
        ));
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
        let (bufs, typing_key) = (&mut self.st.bufs, &mut self.st.typing_key);
        crate::app::buffered_text(
            ui,
            bufs,
            ("scenario_field", key),
            initial,
            width,
            hint,
            typing_key,
            &mut self.st.visits,
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
        let value = crate::app::note_refusal(&mut self.st.refused, key, parsed);
        crate::app::refusal_label(ui, self.view.lang, self.st.refused.get(key));
        value
    }

    pub(crate) fn scenario_edit_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.view.lang;
        let ro = self.view.read_only;
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(
                    !ro,
                    egui::Button::new(tr(lang, "Kịch bản mới", "New scenario")),
                )
                .clicked()
            {
                let s = Scenario::new(
                    &scenario::unique_name(self.project, tr(lang, "Phương án mới", "New scenario")),
                    self.project,
                );
                self.out.push(Command::Edit {
                    edit: Edit::scenario(None, Some(s)),
                    merge: None,
                    then: Then::ActivateCreated,
                });
            }
            let has = active(self.project, self.st).is_some();
            if ui
                .add_enabled(
                    !ro && has,
                    egui::Button::new(tr(lang, "Nhân bản", "Duplicate")),
                )
                .clicked()
                && let Some(src) = active(self.project, self.st).cloned()
            {
                let s = src.duplicate(&scenario::unique_name(
                    self.project,
                    &format!("{} ({})", src.name, tr(lang, "bản sao", "copy")),
                ));
                self.out.push(Command::Edit {
                    edit: Edit::scenario(None, Some(s)),
                    merge: None,
                    then: Then::ActivateCreated,
                });
            }
            let is_ref = active(self.project, self.st).is_some_and(|s| s.is_reference);
            if ui
                .add_enabled(
                    !ro && has && !is_ref,
                    egui::Button::new(tr(lang, "Đặt làm tham chiếu", "Make reference")),
                )
                .clicked()
            {
                let before = self.project.reference_scenario().map(|s| s.id);
                self.out.push(Command::edit(Edit::Reference {
                    before,
                    after: self.st.active,
                }));
            }
            if ui
                .add_enabled(!ro && has, egui::Button::new(tr(lang, "Xóa…", "Delete…")))
                .clicked()
            {
                self.st.confirm_delete = self.st.active;
            }
        });
        let Some(s) = active(self.project, self.st).cloned() else {
            ui.label(tr(
                lang,
                "Chọn một kịch bản ở trên (hoặc tạo mới) để soạn; bản đồ sẽ theo kịch bản và năm đã chọn.",
                "Choose a scenario above (or make one) to edit it; the map follows the scenario and year.",
            ));
            return;
        };
        for e in self.errors {
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
                    let key = self.st.typing_key;
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
                    let key = self.st.typing_key;
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
                    let key = self.st.typing_key;
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

    pub(crate) fn growth_ui(&mut self, ui: &mut egui::Ui, s: &Scenario) {
        let lang = self.view.lang;
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
                    let key = self.st.typing_key;
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
            self.st.bufs.clear();
            self.st.refused.clear();
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
                        key: String::new(),
                        from,
                        to: (from + 4).min(scenario::LAST_YEAR),
                        rate_pct: 0.0,
                    })
                });
                self.st.bufs.clear();
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
            self.st.bufs.clear();
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
                        let key = self.st.typing_key;
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

    pub(crate) fn programme_ui(&mut self, ui: &mut egui::Ui, s: &Scenario) {
        let lang = self.view.lang;
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
                for r in programme_rows(s, &self.project.figures) {
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
                    let key = self.st.typing_key;
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
            self.st.bufs.clear();
            self.st.refused.clear();
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
                    key: String::new(),
                    year,
                    projects: None,
                    total_capital_bn_vnd: None,
                    funds_bn_vnd: None,
                    social_capital_bn_vnd: None,
                })
            });
            self.st.bufs.clear();
        }
    }

    pub(crate) fn phasing_ui(&mut self, ui: &mut egui::Ui, s: &Scenario) {
        let lang = self.view.lang;
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
        let grouping = match &self.st.group_snapshot {
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
                                        .color(crate::app::paint::colour(layer)),
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
                                    let key = self.st.typing_key;
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
                                                let key = self.st.typing_key;
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
}
