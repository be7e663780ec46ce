//! The map canvas: the base map, the planning and reference layers (shapes prepared once per
//! geometry change), the selection, check markers, labels with their leader lines and the scale
//! bar. The map is a [`MapCtx`] over the project, the map's own state ([`MapState`]) and the
//! caches derived from the project; what it asks of the file goes out as commands.

use super::{MapCtx, layer_index};
use crate::analysis::checks::Finding;
use crate::analysis::labels::{Bbox, Candidate, place_labels};
use crate::analysis::rules::RuleResult;
use crate::app::command::Command;
use crate::app::map::editing::Tool;
use crate::app::map::present;
use crate::app::map::{MapView, Projector, World};
use crate::app::paint::{self, HATCH_PX, outline_stroke, rgba};
use crate::app::panels::export::PrintRect;
use crate::app::panels::scenarios::{self};
use crate::app::panels::{form, rules};
use crate::app::{PlacedLabel, fonts, i18n, map};
use crate::io::basemap::ATTRIBUTION_SHORT;
use crate::model::style::site_value;
use crate::model::{Layer, Precision, Site};
use egui::{Color32, FontFamily, FontId, Key, Pos2, Rect, Sense, Stroke, Vec2};
use std::time::Instant;

pub(crate) use super::state::MapState;

use crate::app::i18n::tr;

/// A feature drawn on the map this frame, for hit tests.
#[derive(Debug, Clone)]
struct Drawn {
    layer: Layer,
    fid: i64,
    screen: Pos2,
    /// The label's text (none: not labelled) and, for a styled layer, its look.
    label: Option<String>,
    label_look: Option<paint::LabelLook>,
    /// The symbol's half size on screen, for keeping labels off it.
    radius: f32,
}

impl MapCtx<'_> {
    pub(crate) fn is_layer_visible(&self, l: Layer) -> bool {
        self.st.is_layer_visible(l)
    }

    pub(crate) fn anchor_world(&self, s: &Site) -> Option<World> {
        self.derived.anchor_world(s, self.view.generation, self.tm3)
    }

    fn findings_of(&mut self, layer: Layer, fid: i64) -> Vec<Finding> {
        self.derived
            .findings_of(self.project, self.view.generation, self.tm3, layer, fid)
    }

    fn rule_results(&mut self, layer: Layer, fid: i64) -> Option<(i32, Vec<RuleResult>)> {
        let active = self.scenario.active_in(self.project);
        self.rules.results(
            self.project,
            self.view.generation,
            active,
            self.tm3,
            layer,
            fid,
        )
    }

    fn prepare_shapes(&mut self) {
        let visible = self.st.visible;
        self.derived
            .prepare_shapes(self.project, self.view.generation, self.tm3, |l| {
                visible[layer_index(l)]
            });
    }
    /// The map canvas; with `QN_PLANNER_TIMING` set, the CPU time of building the map's
    /// shapes is collected and its median and 95th percentile printed every 120 frames.
    pub(crate) fn map_ui(&mut self, ui: &mut egui::Ui) {
        let t0 = Instant::now();
        self.map_ui_inner(ui);
        if self.st.timing {
            self.st
                .frame_times
                .push(t0.elapsed().as_secs_f64() * 1000.0);
            if self.st.frame_times.len() >= 120 {
                let mut v = std::mem::take(&mut self.st.frame_times);
                v.sort_by(f64::total_cmp);
                let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
                eprintln!(
                    "qn-planner: map frame CPU over {} frames: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
                    v.len(),
                    at(0.5),
                    at(0.95),
                    at(1.0)
                );
            }
        }
    }

    fn map_ui_inner(&mut self, ui: &mut egui::Ui) {
        let lang = self.view.lang;
        let (resp, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
        let rect = resp.rect;
        self.st.map_rect = rect;
        if self.st.fit_requested || self.st.view.is_none() {
            let (min, max) = self.base.province_bounds;
            self.st.view = Some(MapView::fit(min, max, rect.size()));
            self.st.fit_requested = false;
        }
        let Some(mut view) = self.st.view else { return };

        // Interaction: the print rectangle or the tool first (they may take the drag), then
        // pan and zoom.
        let tool_drag = if self.st.print_rect == PrintRect::Off
            || matches!(self.st.print_rect, PrintRect::Done(..))
        {
            self.tool_input(ui, &resp, &Projector::new(rect, view))
        } else {
            self.print_rect_input(&resp, &Projector::new(rect, view))
        };
        if resp.dragged() && !tool_drag {
            view.pan(resp.drag_delta());
        }
        let hover_pos = resp.hover_pos();
        if let Some(hp) = hover_pos {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y);
            if scroll != 0.0 {
                view.zoom_at(rect, hp, (-scroll as f64 * 0.003).exp());
            }
        }
        let typing = ui.ctx().memory(|m| m.focused().is_some());
        if !typing {
            let (plus, minus) = ui.input(|i| {
                (
                    i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals),
                    i.key_pressed(Key::Minus),
                )
            });
            let anchor = hover_pos.unwrap_or(rect.center());
            if plus {
                view.zoom_at(rect, anchor, 0.5);
            }
            if minus {
                view.zoom_at(rect, anchor, 2.0);
            }
        }
        self.st.view = Some(view);
        let pr = Projector::new(rect, view);
        self.st.cursor = hover_pos.map(|p| pr.world_from_screen(p));

        // Base map.
        let painter = painter.with_clip_rect(rect);
        self.base.paint(&painter, &pr);
        let settled = self.st.last_view == Some(view);
        self.st.last_view = Some(view);
        for r in &mut self.st.refs {
            r.paint(&painter, &pr, settled);
        }
        if !settled && !self.st.refs.is_empty() {
            // Draw once more when the view stops moving, so the dot images are redrawn sharp.
            ui.ctx().request_repaint();
        }

        // Planning layers, drawn from the least to the most important, in their styles.
        self.prepare_shapes();
        paint::make_hatches(ui.ctx(), self.project, &mut self.st.hatches);
        let mut drawn: Vec<Drawn> = Vec::new();
        let sym_scale = if self.st.presenting { 1.5 } else { 1.0 };
        let denominator = paint::scale_denominator(view.m_per_px);
        for layer in Layer::ALL.iter().rev().copied() {
            if !self.st.visible[layer_index(layer)] {
                continue;
            }
            let st = self.project.styles.get(layer.table());
            if st.is_some_and(|st| !st.shows_at(denominator)) {
                continue;
            }
            let label_look = st
                .filter(|st| st.labels_at(denominator))
                .map(|st| paint::LabelLook::of(&st.labels, sym_scale));
            for s in self.project.sites_of(layer) {
                if s.geom.is_none() {
                    continue;
                }
                // Outside every class of its style (or a hidden category): not drawn.
                let look = match st.map(|st| st.symbol_of_site(s)) {
                    None => None,
                    Some(None) => continue,
                    Some(sym) => sym,
                };
                let state = self.scenario.site_state(self.project, s.layer, s.fid);
                let ghost = state == scenarios::SiteState::Ghost;
                self.paint_site_geometry(&painter, &pr, s, ghost, look);
                let Some(w) = self.anchor_world(s) else {
                    continue;
                };
                let p = pr.screen_from_world(w);
                if !rect.expand(20.0).contains(p) {
                    continue;
                }
                let radius = look.map_or(paint::radius(layer), |sym| {
                    paint::marker_radius(sym, sym_scale)
                });
                let paint = |scale: f32| match look {
                    Some(sym) => paint::paint_styled_marker(&painter, sym, p, scale),
                    None => paint::paint_symbol(&painter, layer, p, scale),
                };
                if ghost {
                    // Not open yet in the scenario's year: a faded symbol, no label, no click.
                    paint(0.8 * sym_scale);
                    painter.circle_filled(
                        p,
                        paint::radius(layer) + 2.0,
                        Color32::from_rgba_unmultiplied(244, 241, 230, 185),
                    );
                    continue;
                }
                if state == scenarios::SiteState::Opening {
                    painter.circle_stroke(
                        p,
                        paint::radius(layer) + 6.0,
                        Stroke::new(3.0, Color32::from_rgb(0xe6, 0x9f, 0x00)),
                    );
                }
                if matches!(
                    s.location_precision,
                    Precision::Approximate | Precision::CommuneCentre
                ) {
                    paint::paint_approximate_halo(&painter, layer, p, sym_scale);
                }
                paint(sym_scale);
                let label = match st {
                    None => Some(s.name.clone()),
                    Some(_) => label_look
                        .as_ref()
                        .and_then(|l| site_value(s, &l.field).key()),
                };
                drawn.push(Drawn {
                    layer,
                    fid: s.fid,
                    screen: p,
                    label,
                    label_look: label_look.clone(),
                    radius,
                });
            }
        }
        self.st.drawn = drawn.iter().map(|d| (d.layer, d.fid)).collect();
        // The selection is a drafting mark: not shown when presenting.
        let shown: Vec<(Layer, i64, Pos2)> =
            drawn.iter().map(|d| (d.layer, d.fid, d.screen)).collect();
        self.paint_selection(&painter, &pr, &shown);
        for (l, f) in self.scenario.compare_differences(self.project) {
            if let Some(d) = drawn.iter().find(|d| d.layer == l && d.fid == f) {
                painter.circle_stroke(
                    d.screen,
                    11.0,
                    Stroke::new(2.5, Color32::from_rgb(0x8e, 0x24, 0xaa)),
                );
            }
        }
        // Markers and tool overlays are drafting aids: not shown when presenting.
        let markers = if self.st.presenting {
            Vec::new()
        } else {
            self.paint_check_markers(&painter, &pr)
        };
        let mut towns: Vec<(String, Pos2)> = Vec::new();
        if self.st.show_towns {
            for (label, _, w) in &self.base.towns {
                let p = pr.screen_from_world(*w);
                if rect.contains(p) {
                    paint::paint_town(&painter, p);
                    towns.push((label.clone(), p));
                }
            }
        }
        self.paint_labels(&painter, rect, &drawn, &towns);

        if !self.st.presenting {
            self.paint_print_frame(&painter, &pr);
            if let Some(f) = &self.st.found {
                super::found::paint(&painter, &pr, f);
            }
            self.paint_tool_overlay(&painter, &pr, hover_pos);
            if let Some(g) = self.theirs {
                self.paint_theirs(&painter, &pr, g);
            }
        }

        // Hover and click.
        let nearest = hover_pos.and_then(|hp| self.hit_test(&pr, hp, 12.0));
        if resp.clicked()
            && self.st.editor.tool == Tool::Select
            && !self.modified_click(ui, nearest)
        {
            // A plain click: that site alone (or nothing), as in QGIS.
            self.st.select_many(nearest.into_iter().collect(), nearest);
            match (nearest, resp.interact_pointer_pos()) {
                // No planning site there: what do the reference layers hold?
                (None, Some(p)) => {
                    let w = pr.world_from_screen(p);
                    if let Ok(at) = self.tm3.lonlat_from_tm3(w[0], w[1]) {
                        self.out.push(Command::Identify {
                            at,
                            tol_m: 8.0 * pr.view.m_per_px,
                        });
                    }
                }
                _ => self.st.identified = None,
            }
        }
        let marker = hover_pos.and_then(|hp| {
            markers
                .iter()
                .filter(|(p, _)| p.distance(hp) <= 10.0)
                .map(|(_, t)| t.clone())
                .next()
        });
        if let Some(text) = marker {
            resp.clone().on_hover_text_at_pointer(text);
        } else if let Some((l, f)) = nearest
            && !resp.dragged()
            && let Some(s) = self.project.site(l, f)
        {
            let mut text = format!(
                "{}\n{} · {}\n{} · {}",
                s.name,
                i18n::layer_name(lang, s.layer),
                i18n::site_status(lang, s),
                s.source_para,
                i18n::precision(lang, s.location_precision)
            );
            if let Some(a) = s.area_ha {
                text.push_str(&format!("\n{a:.2} ha"));
            }
            resp.clone().on_hover_text_at_pointer(text);
        }
        self.paint_scale_bar(&painter, &pr);
        let attribution = painter.layout(
            ATTRIBUTION_SHORT.to_string(),
            FontId::proportional(if self.st.presenting { 14.0 } else { 10.0 }),
            Color32::from_gray(60),
            (rect.width() - 200.0).max(120.0),
        );
        let at = rect.right_bottom() - attribution.size() - Vec2::new(6.0, 4.0);
        painter.rect_filled(
            Rect::from_min_size(at, attribution.size()).expand(2.0),
            2.0,
            Color32::from_rgba_unmultiplied(255, 255, 255, 170),
        );
        painter.galley(at, attribution, Color32::from_gray(60));
        if self.st.presenting {
            present::paint_overlays(
                &painter,
                rect,
                self.view.lang,
                self.project,
                self.scenario,
                &self.st.visible,
            );
            present::paint_locator(
                &painter,
                rect,
                present::legend_rect(self.project, &self.st.visible, rect),
                self.view.lang,
                &mut self.st.locator,
            );
        }
    }

    fn paint_site_geometry(
        &self,
        painter: &egui::Painter,
        pr: &Projector,
        s: &Site,
        ghost: bool,
        look: Option<&crate::model::style::Symbol>,
    ) {
        let Some(shape) = self.derived.shapes.peek((s.layer, s.fid)) else {
            return;
        };
        if let Some(sym) = look {
            paint_styled_area(shape, painter, pr, sym, ghost, &self.st.hatches);
            return;
        }
        let col = paint::colour(s.layer);
        let alpha = if ghost {
            15
        } else if s.status.is_planned() {
            40
        } else {
            80
        };
        shape.paint_fill(
            painter,
            pr,
            Color32::from_rgba_unmultiplied(col.r(), col.g(), col.b(), alpha),
        );
        let stroke = if ghost {
            Stroke::new(1.0, col.gamma_multiply(0.4))
        } else {
            Stroke::new(2.0, col)
        };
        let dash = (s.status.is_planned() || ghost).then_some((6.0, 4.0));
        shape.paint_outline(painter, pr, stroke, dash);
    }

    /// Esc leaves it; a drag draws it; the release ends it.
    fn print_rect_input(&mut self, resp: &egui::Response, pr: &Projector) -> bool {
        if resp.ctx.input(|i| i.key_pressed(Key::Escape)) {
            self.st.print_rect = PrintRect::Off;
            return false;
        }
        let at = resp.interact_pointer_pos().map(|p| pr.world_from_screen(p));
        match (self.st.print_rect, at) {
            (PrintRect::Armed, Some(w)) if resp.drag_started() || resp.dragged() => {
                let from = resp
                    .ctx
                    .input(|i| i.pointer.press_origin())
                    .map_or(w, |p| pr.world_from_screen(p));
                self.st.print_rect = PrintRect::Dragging(from, w);
            }
            (PrintRect::Dragging(a, _), Some(w)) if resp.dragged() => {
                self.st.print_rect = PrintRect::Dragging(a, w);
            }
            (PrintRect::Dragging(a, b), _) if resp.drag_stopped() || !resp.dragged() => {
                let min = [a[0].min(b[0]), a[1].min(b[1])];
                let max = [a[0].max(b[0]), a[1].max(b[1])];
                // A click, not a drag: wait for a drag.
                self.st.print_rect = if (max[0] - min[0]) / pr.view.m_per_px > 4.0
                    && (max[1] - min[1]) / pr.view.m_per_px > 4.0
                {
                    PrintRect::Done(min, max)
                } else {
                    PrintRect::Armed
                };
            }
            _ => {}
        }
        true
    }

    /// The print layout's frame (dashed, with its caption) and the rectangle being drawn.
    fn paint_print_frame(&self, painter: &egui::Painter, pr: &Projector) {
        let ink = Color32::from_rgb(0x1f, 0x4e, 0x99);
        let outline = |min: World, max: World, stroke: Stroke| {
            let a = pr.screen_from_world([min[0], max[1]]);
            let b = pr.screen_from_world([max[0], min[1]]);
            let r = Rect::from_two_pos(a, b);
            let pts = vec![
                r.left_top(),
                r.right_top(),
                r.right_bottom(),
                r.left_bottom(),
                r.left_top(),
            ];
            painter.extend(egui::Shape::dashed_line(&pts, stroke, 8.0, 5.0));
            r
        };
        if let Some((min, max, caption)) = &self.st.print_frame {
            let r = outline(*min, *max, Stroke::new(2.0, ink));
            let text = painter.layout_no_wrap(caption.clone(), FontId::proportional(12.0), ink);
            let at = r.left_top() + Vec2::new(4.0, -text.size().y - 3.0);
            painter.rect_filled(
                Rect::from_min_size(at, text.size()).expand(2.0),
                2.0,
                Color32::from_rgba_unmultiplied(255, 255, 255, 200),
            );
            painter.galley(at, text, ink);
        }
        if let PrintRect::Dragging(a, b) = self.st.print_rect {
            outline(
                [a[0].min(b[0]), a[1].min(b[1])],
                [a[0].max(b[0]), a[1].max(b[1])],
                Stroke::new(2.0, Color32::from_rgb(0xd6, 0x27, 0x28)),
            );
        }
    }

    /// Warning markers of the checks for every drawn area and the selected site. Returns the
    /// markers' screen positions and texts for hover.
    fn paint_check_markers(
        &mut self,
        painter: &egui::Painter,
        pr: &Projector,
    ) -> Vec<(Pos2, String)> {
        let lang = self.view.lang;
        let mut keys: Vec<(Layer, i64)> = self
            .project
            .sites
            .iter()
            .filter(|s| s.is_area() && self.is_layer_visible(s.layer))
            .map(|s| (s.layer, s.fid))
            .collect();
        if let Some(sel) = self.st.selected
            && !keys.contains(&sel)
        {
            keys.push(sel);
        }
        let mut out = Vec::new();
        for (l, f) in keys {
            let findings = self.findings_of(l, f);
            let Some(site) = self.project.site(l, f) else {
                continue;
            };
            for fd in findings.iter().filter(|x| x.is_warning()) {
                let Some(at) = fd.at else { continue };
                let Ok((e, n)) = self.tm3.tm3_from_lonlat(at.x(), at.y()) else {
                    continue;
                };
                let p = pr.screen_from_world([e, n]);
                if !pr.rect.contains(p) {
                    continue;
                }
                let accepted = fd.accepted_reason(site).is_some();
                let col = if accepted {
                    Color32::from_gray(140)
                } else {
                    Color32::from_rgb(0xd6, 0x27, 0x28)
                };
                let tri = vec![
                    p + Vec2::new(0.0, -9.0),
                    p + Vec2::new(8.0, 6.0),
                    p + Vec2::new(-8.0, 6.0),
                ];
                painter.add(egui::Shape::convex_polygon(
                    tri,
                    col,
                    Stroke::new(1.5, Color32::WHITE),
                ));
                painter.text(
                    p + Vec2::new(0.0, 1.5),
                    egui::Align2::CENTER_CENTER,
                    "!",
                    FontId::proportional(11.0),
                    Color32::WHITE,
                );
                let mut text = format!("{}: {}", site.name, form::finding_text(lang, fd));
                if let Some(r) = fd.accepted_reason(site) {
                    text.push_str(&format!("\n{}: {r}", tr(lang, "Đã chấp nhận", "Accepted")));
                }
                out.push((p, text));
            }
        }
        // Failed rules (not accepted) of the drawn planning sites: a purple marker beside the site.
        let keys: Vec<(Layer, i64)> = self.st.drawn.clone();
        for (l, f) in keys {
            let Some((year, results)) = self.rule_results(l, f) else {
                continue;
            };
            let Some(site) = self.project.site(l, f).cloned() else {
                continue;
            };
            let failed: Vec<String> = results
                .iter()
                .filter(|r| {
                    r.verdict == crate::analysis::rules::Verdict::Fail
                        && r.accepted_reason(&site).is_none()
                })
                .map(|r| {
                    format!(
                        "{} — {}",
                        rules::detail_text(lang, &r.detail),
                        rules::ui_citation(lang, &r.citation)
                    )
                })
                .collect();
            if failed.is_empty() {
                continue;
            }
            let Some(w) = self.anchor_world(&site) else {
                continue;
            };
            let p = pr.screen_from_world(w) + Vec2::new(11.0, -11.0);
            if !pr.rect.contains(p) {
                continue;
            }
            let col = Color32::from_rgb(0x8e, 0x24, 0xaa);
            painter.circle_filled(p, 7.0, col);
            painter.circle_stroke(p, 7.0, Stroke::new(1.5, Color32::WHITE));
            painter.text(
                p,
                egui::Align2::CENTER_CENTER,
                "§",
                FontId::proportional(10.0),
                Color32::WHITE,
            );
            out.push((
                p,
                format!(
                    "{} — {} {year}:\n{}",
                    site.name,
                    tr(lang, "không đạt quy định năm", "fails the rules of"),
                    failed.join("\n")
                ),
            ));
        }
        out
    }

    fn paint_labels(
        &mut self,
        painter: &egui::Painter,
        rect: Rect,
        drawn: &[Drawn],
        towns: &[(String, Pos2)],
    ) {
        struct Item {
            text: String,
            colour: Color32,
            /// A styled layer's halo (width px, colour); none: the white box.
            halo: Option<(f32, Color32)>,
        }
        let mut items: Vec<Item> = Vec::new();
        let mut cands: Vec<Candidate> = Vec::new();
        let mut galleys = Vec::new();
        let mut add = |text: String,
                       colour: Color32,
                       font: FontId,
                       anchor: Pos2,
                       gap: f32,
                       priority: u32,
                       halo: Option<(f32, Color32)>| {
            let galley = painter.layout_no_wrap(text.clone(), font.clone(), colour);
            cands.push(Candidate {
                anchor: [anchor.x, anchor.y],
                size: [galley.size().x + 4.0, galley.size().y],
                gap,
                priority,
            });
            galleys.push(galley);
            items.push(Item { text, colour, halo });
        };
        for d in drawn {
            let Some(text) = &d.label else { continue };
            let pri = u32::from(d.layer.label_priority()) * 10;
            match &d.label_look {
                Some(l) => add(
                    text.clone(),
                    l.colour,
                    FontId::proportional(l.size_px),
                    d.screen,
                    d.radius,
                    pri,
                    Some((l.halo_px, l.halo)),
                ),
                None => add(
                    text.clone(),
                    paint::colour(d.layer).gamma_multiply(0.85),
                    FontId::proportional(if self.st.presenting { 17.0 } else { 13.0 }),
                    d.screen,
                    paint::radius(d.layer),
                    pri,
                    None,
                ),
            }
        }
        for (label, p) in towns {
            add(
                label.clone(),
                paint::TOWN,
                FontId::new(
                    if self.st.presenting { 18.0 } else { 13.5 },
                    FontFamily::Name(fonts::BOLD.into()),
                ),
                *p,
                3.5,
                // Presenting, the towns orient the room: their names come first.
                if self.st.presenting { 5 } else { 25 },
                None,
            );
        }
        // Symbols are obstacles: a label never hides a site.
        let mut obstacles: Vec<Bbox> = drawn
            .iter()
            .map(|d| {
                let r = d.radius;
                Bbox::new(
                    [d.screen.x - r, d.screen.y - r],
                    [d.screen.x + r, d.screen.y + r],
                )
            })
            .collect();
        // Keep clear of the scale bar and attribution.
        obstacles.push(Bbox::new(
            [rect.min.x, rect.max.y - 44.0],
            [rect.max.x, rect.max.y],
        ));
        if self.st.presenting {
            // The title and the legend overlays.
            obstacles.push(Bbox::new(
                [rect.min.x, rect.min.y],
                [rect.min.x + 760.0, rect.min.y + 90.0],
            ));
            let legend = present::legend_rect(self.project, &self.st.visible, rect);
            obstacles.push(Bbox::new(
                [legend.min.x, legend.min.y],
                [legend.max.x, legend.max.y],
            ));
            if let Some(l) = present::locator_rect(rect, legend) {
                obstacles.push(Bbox::new([l.min.x, l.min.y], [l.max.x, l.max.y]));
            }
        }
        let bounds = Bbox::new([rect.min.x, rect.min.y], [rect.max.x, rect.max.y]);
        let placed = place_labels(&cands, &obstacles, bounds);
        self.st.labels.clear();
        for p in placed {
            let item = &items[p.index];
            let r = Rect::from_min_max(
                Pos2::new(p.bbox.min[0], p.bbox.min[1]),
                Pos2::new(p.bbox.max[0], p.bbox.max[1]),
            );
            // A label pushed out from its symbol gets a leader line to it.
            let anchor = Pos2::new(cands[p.index].anchor[0], cands[p.index].anchor[1]);
            let nearest = Pos2::new(
                anchor.x.clamp(r.min.x, r.max.x),
                anchor.y.clamp(r.min.y, r.max.y),
            );
            if p.leader {
                painter.line_segment(
                    [anchor, nearest],
                    Stroke::new(1.0, item.colour.gamma_multiply(0.7)),
                );
            }
            let at = r.min + Vec2::new(2.0, 0.0);
            match item.halo {
                None => {
                    painter.rect_filled(
                        r,
                        3.0,
                        Color32::from_rgba_unmultiplied(255, 255, 255, 190),
                    );
                }
                Some((w, c)) if w > 0.0 => {
                    // The halo: the text in its colour around the label, then the text.
                    let halo = painter.layout_no_wrap(
                        item.text.clone(),
                        galleys[p.index].job.sections.first().map_or_else(
                            || FontId::proportional(13.0),
                            |s| s.format.font_id.clone(),
                        ),
                        c,
                    );
                    let steps = 8;
                    for i in 0..steps {
                        let a = i as f32 / steps as f32 * std::f32::consts::TAU;
                        painter.galley(at + Vec2::angled(a) * w, halo.clone(), c);
                    }
                }
                Some(_) => {}
            }
            painter.galley(at, galleys[p.index].clone(), item.colour);
            self.st.labels.push(PlacedLabel {
                text: item.text.clone(),
                rect: r,
            });
        }
    }

    /// A conflict's server geometry, dashed, beside the local one drawn as usual.
    fn paint_theirs(&self, painter: &egui::Painter, pr: &Projector, g: &geo_types::Geometry<f64>) {
        use geo::CoordsIter;
        let colour = Color32::from_rgb(0xd9, 0x5f, 0x02);
        let screen = |c: geo_types::Coord<f64>| {
            self.tm3
                .tm3_from_lonlat(c.x, c.y)
                .ok()
                .map(|(e, n)| pr.screen_from_world([e, n]))
        };
        let mut rings: Vec<Vec<Pos2>> = Vec::new();
        let polys: Vec<&geo_types::Polygon<f64>> = match g {
            geo_types::Geometry::Polygon(p) => vec![p],
            geo_types::Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
            _ => Vec::new(),
        };
        for p in polys {
            for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                rings.push(r.0.iter().filter_map(|c| screen(*c)).collect());
            }
        }
        for r in &rings {
            painter.extend(egui::Shape::dashed_line(
                r,
                Stroke::new(3.0, colour),
                8.0,
                5.0,
            ));
        }
        if rings.is_empty() {
            for c in g.coords_iter() {
                if let Some(p) = screen(c) {
                    painter.circle_stroke(p, 9.0, Stroke::new(3.0, colour));
                }
            }
        }
        if let Some(p) = g.coords_iter().next().and_then(screen) {
            painter.text(
                p + Vec2::new(8.0, -8.0),
                egui::Align2::LEFT_BOTTOM,
                tr(self.view.lang, "bản trên máy chủ", "the server's version"),
                FontId::proportional(13.0),
                colour,
            );
        }
    }

    fn paint_scale_bar(&self, painter: &egui::Painter, pr: &Projector) {
        let Some(g) = pr.ground_m_per_px(self.tm3) else {
            return;
        };
        let len_m = map::nice_length_m(g * 140.0);
        let len_px = (len_m / g) as f32;
        let base = pr.rect.left_bottom() + Vec2::new(16.0, -18.0);
        let end = base + Vec2::new(len_px, 0.0);
        let bg = Rect::from_min_max(base + Vec2::new(-8.0, -24.0), end + Vec2::new(40.0, 8.0));
        painter.rect_filled(bg, 3.0, Color32::from_rgba_unmultiplied(255, 255, 255, 200));
        let st = Stroke::new(2.0, Color32::BLACK);
        painter.line_segment([base, end], st);
        painter.line_segment([base, base + Vec2::new(0.0, -7.0)], st);
        painter.line_segment([end, end + Vec2::new(0.0, -7.0)], st);
        painter.text(
            base + Vec2::new(len_px / 2.0, -6.0),
            egui::Align2::CENTER_BOTTOM,
            map::format_length(len_m),
            FontId::proportional(if self.st.presenting { 16.0 } else { 12.0 }),
            Color32::BLACK,
        );
    }
}

/// F11, Esc and the stepping keys.
pub(crate) fn presentation_keys(
    ctx: &egui::Context,
    project: &crate::model::Project,
    map: &mut MapState,
    sc: &mut crate::app::panels::scenarios::ScenarioUi,
) {
    let typing = ctx.memory(|m| m.focused().is_some());
    if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::F11)) {
        let on = !map.presenting;
        map.set_presenting(ctx, on);
    }
    if !map.presenting || typing {
        return;
    }
    if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Escape)) {
        map.set_presenting(ctx, false);
        return;
    }
    let (next, prev) = ctx.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, Key::PageDown)
                || i.consume_key(egui::Modifiers::NONE, Key::ArrowRight),
            i.consume_key(egui::Modifiers::NONE, Key::PageUp)
                || i.consume_key(egui::Modifiers::NONE, Key::ArrowLeft),
        )
    });
    if next {
        present::present_step(project, sc, 1, map.present_steps == 0);
        map.present_steps += 1;
    }
    if prev {
        present::present_step(project, sc, -1, false);
        map.present_steps += 1;
    }
}

/// A styled area: filled (solid or hatched) and outlined.
pub fn paint_styled_area(
    shape: &super::sitecache::SiteShape,
    painter: &egui::Painter,
    pr: &crate::app::map::Projector,
    s: &crate::model::style::Symbol,
    ghost: bool,
    hatches: &std::collections::HashMap<crate::model::style::Brush, egui::TextureHandle>,
) {
    use crate::model::style::Brush;
    let fade = if ghost { 0.3 } else { 1.0 };
    match s.brush {
        Brush::NoBrush => {}
        Brush::Solid => shape.paint_fill(painter, pr, rgba(s.fill, s.opacity * fade)),
        hatch => {
            if let Some(t) = hatches.get(&hatch) {
                shape.paint_fill_textured(
                    painter,
                    pr,
                    t.id(),
                    rgba(s.fill, s.opacity.max(0.6) * fade),
                    HATCH_PX as f32,
                );
            }
        }
    }
    if let Some((stroke, dash)) = outline_stroke(s, fade) {
        shape.paint_outline(painter, pr, stroke, dash);
    }
}
