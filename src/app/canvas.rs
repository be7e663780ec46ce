//! The map canvas: the base map, the planning and reference layers (shapes prepared once per
//! geometry change), the selection, check markers, labels with their leader lines and the scale
//! bar.

use super::*;

impl QnApp {
    /// The map canvas; with `QN_PLANNER_TIMING` set, the CPU time of building the map's
    /// shapes is collected and its median and 95th percentile printed every 120 frames.
    pub(super) fn map_ui(&mut self, ui: &mut egui::Ui) {
        let t0 = Instant::now();
        self.map_ui_inner(ui);
        if self.timing {
            self.frame_times.push(t0.elapsed().as_secs_f64() * 1000.0);
            if self.frame_times.len() >= 120 {
                let mut v = std::mem::take(&mut self.frame_times);
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

    pub(super) fn map_ui_inner(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let (resp, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
        let rect = resp.rect;
        self.map_rect = rect;
        if self.fit_requested || self.view.is_none() {
            let (min, max) = self.base.province_bounds;
            self.view = Some(MapView::fit(min, max, rect.size()));
            self.fit_requested = false;
        }
        let Some(mut view) = self.view else { return };

        // Interaction: the tool first (it may take the drag), then pan and zoom.
        let tool_drag = self.tool_input(ui, &resp, &Projector::new(rect, view));
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
        self.view = Some(view);
        let pr = Projector::new(rect, view);
        self.cursor = hover_pos.map(|p| pr.world_from_screen(p));

        // Base map.
        let painter = painter.with_clip_rect(rect);
        self.base.paint(&painter, &pr);
        let settled = self.last_view == Some(view);
        self.last_view = Some(view);
        for r in &mut self.refs {
            r.paint(&painter, &pr, settled);
        }
        if !settled && !self.refs.is_empty() {
            // Draw once more when the view stops moving, so the dot images are redrawn sharp.
            ui.ctx().request_repaint();
        }

        // Planning layers, drawn from the least to the most important.
        self.prepare_shapes();
        let mut drawn: Vec<Drawn> = Vec::new();
        let sym_scale = if self.presenting { 1.5 } else { 1.0 };
        for layer in Layer::ALL.iter().rev().copied() {
            if !self.visible[layer_index(layer)] {
                continue;
            }
            for s in self.project.sites_of(layer) {
                if s.geom.is_none() {
                    continue;
                }
                let state = self.site_state(s.layer, s.fid);
                let ghost = state == scenarios::SiteState::Ghost;
                self.paint_site_geometry(&painter, &pr, s, ghost);
                let Some(w) = self.anchor_world(s) else {
                    continue;
                };
                let p = pr.screen_from_world(w);
                if !rect.expand(20.0).contains(p) {
                    continue;
                }
                if ghost {
                    // Not open yet in the scenario's year: a faded symbol, no label, no click.
                    style::paint_symbol(&painter, layer, p, 0.8 * sym_scale);
                    painter.circle_filled(
                        p,
                        style::radius(layer) + 2.0,
                        Color32::from_rgba_unmultiplied(244, 241, 230, 185),
                    );
                    continue;
                }
                if state == scenarios::SiteState::Opening {
                    painter.circle_stroke(
                        p,
                        style::radius(layer) + 6.0,
                        Stroke::new(3.0, Color32::from_rgb(0xe6, 0x9f, 0x00)),
                    );
                }
                if matches!(
                    s.location_precision,
                    Precision::Approximate | Precision::CommuneCentre
                ) {
                    style::paint_approximate_halo(&painter, layer, p, sym_scale);
                }
                style::paint_symbol(&painter, layer, p, sym_scale);
                drawn.push(Drawn {
                    layer,
                    fid: s.fid,
                    screen: p,
                });
            }
        }
        self.drawn = drawn.iter().map(|d| (d.layer, d.fid)).collect();
        if let Some((l, f)) = self.selected
            && let Some(d) = drawn.iter().find(|d| d.layer == l && d.fid == f)
        {
            self.paint_selected_outline(&painter, &pr, (l, f));
            painter.circle_stroke(d.screen, 13.0, Stroke::new(3.0, style::SELECTION));
            painter.circle_stroke(d.screen, 15.5, Stroke::new(1.0, Color32::BLACK));
        }
        for (l, f) in self.compare_differences() {
            if let Some(d) = drawn.iter().find(|d| d.layer == l && d.fid == f) {
                painter.circle_stroke(
                    d.screen,
                    11.0,
                    Stroke::new(2.5, Color32::from_rgb(0x8e, 0x24, 0xaa)),
                );
            }
        }
        // Markers and tool overlays are drafting aids: not shown when presenting.
        let markers = if self.presenting {
            Vec::new()
        } else {
            self.paint_check_markers(&painter, &pr)
        };
        let mut towns: Vec<(String, Pos2)> = Vec::new();
        if self.show_towns {
            for (label, _, w) in &self.base.towns {
                let p = pr.screen_from_world(*w);
                if rect.contains(p) {
                    style::paint_town(&painter, p);
                    towns.push((label.clone(), p));
                }
            }
        }
        self.paint_labels(&painter, rect, &drawn, &towns);

        if !self.presenting {
            self.paint_tool_overlay(&painter, &pr, hover_pos);
        }

        // Hover and click.
        let nearest = hover_pos.and_then(|hp| self.hit_test(&pr, hp, 12.0));
        if resp.clicked() && self.editor.tool == Tool::Select {
            self.selected = nearest;
            match (nearest, resp.interact_pointer_pos()) {
                // No planning site there: what do the reference layers hold?
                (None, Some(p)) => self.identify_reference(&pr, p),
                _ => self.identified = None,
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
                i18n::status(lang, s.status),
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
            FontId::proportional(if self.presenting { 14.0 } else { 10.0 }),
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
        if self.presenting {
            self.paint_presentation_overlays(&painter, rect);
        }
    }

    pub(super) fn paint_site_geometry(
        &self,
        painter: &egui::Painter,
        pr: &Projector,
        s: &Site,
        ghost: bool,
    ) {
        let Some(shape) = self.shapes.peek((s.layer, s.fid)) else {
            return;
        };
        let col = style::colour(s.layer);
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
        shape.paint_outline(painter, pr, stroke, s.status.is_planned() || ghost);
    }

    pub(super) fn paint_selected_outline(
        &self,
        painter: &egui::Painter,
        pr: &Projector,
        key: (Layer, i64),
    ) {
        if let Some(shape) = self.shapes.peek(key) {
            shape.paint_outline(
                painter,
                pr,
                Stroke::new(4.0, style::SELECTION.gamma_multiply(0.8)),
                false,
            );
        }
    }

    /// The geometry stamps of the sites, computed once per change of the project.
    pub(super) fn refresh_stamps(&mut self) {
        if self.stamps_gen == self.project_gen {
            return;
        }
        self.stamps_gen = self.project_gen;
        let mut old = std::mem::take(&mut self.geom_stamps);
        for s in &self.project.sites {
            let key = (s.layer, s.fid);
            let stamp = geometry_stamp(s.geom.as_ref());
            let meta = match old.remove(&key) {
                // Same geometry: its box and anchor still hold.
                Some(m) if m.stamp == stamp => m,
                _ => GeomMeta::of(s, stamp, &self.tm3),
            };
            self.geom_stamps.insert(key, meta);
        }
        let project = &self.project;
        self.shapes
            .retain(|(l, f)| project.site(*l, *f).is_some_and(Site::is_area));
    }

    /// Makes sure every area of a visible layer has its prepared shape (small ones now, big
    /// ones on the worker).
    pub(super) fn prepare_shapes(&mut self) {
        self.refresh_stamps();
        for s in &self.project.sites {
            if !s.is_area() || !self.visible[layer_index(s.layer)] {
                continue;
            }
            let Some(g) = &s.geom else { continue };
            let key = (s.layer, s.fid);
            let stamp = self.geom_stamps.get(&key).map_or(0, |m| m.stamp);
            self.shapes
                .get(&self.tm3, key, g, stamp, sitecache::vertex_count(g));
        }
    }

    /// Warning markers of the checks for every drawn area and the selected site. Returns the
    /// markers' screen positions and texts for hover.
    pub(super) fn paint_check_markers(
        &mut self,
        painter: &egui::Painter,
        pr: &Projector,
    ) -> Vec<(Pos2, String)> {
        let lang = self.lang();
        let mut keys: Vec<(Layer, i64)> = self
            .project
            .sites
            .iter()
            .filter(|s| s.is_area() && self.is_layer_visible(s.layer))
            .map(|s| (s.layer, s.fid))
            .collect();
        if let Some(sel) = self.selected
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
        let keys: Vec<(Layer, i64)> = self.drawn.clone();
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
                        rules_ui::detail_text(lang, &r.detail),
                        rules_ui::ui_citation(lang, &r.citation)
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

    pub(super) fn paint_labels(
        &mut self,
        painter: &egui::Painter,
        rect: Rect,
        drawn: &[Drawn],
        towns: &[(String, Pos2)],
    ) {
        struct Item {
            text: String,
            colour: Color32,
        }
        let mut items: Vec<Item> = Vec::new();
        let mut cands: Vec<Candidate> = Vec::new();
        let mut galleys = Vec::new();
        let mut add =
            |text: String, colour: Color32, font: FontId, anchor: Pos2, gap: f32, priority: u32| {
                let galley = painter.layout_no_wrap(text.clone(), font.clone(), colour);
                cands.push(Candidate {
                    anchor: [anchor.x, anchor.y],
                    size: [galley.size().x + 4.0, galley.size().y],
                    gap,
                    priority,
                });
                galleys.push(galley);
                items.push(Item { text, colour });
            };
        for d in drawn {
            if let Some(s) = self.project.site(d.layer, d.fid) {
                let pri = u32::from(d.layer.label_priority()) * 10;
                let colour = style::colour(d.layer).gamma_multiply(0.85);
                add(
                    s.name.clone(),
                    colour,
                    FontId::proportional(if self.presenting { 17.0 } else { 13.0 }),
                    d.screen,
                    style::radius(d.layer),
                    pri,
                );
            }
        }
        for (label, p) in towns {
            add(
                label.clone(),
                style::TOWN,
                FontId::new(
                    if self.presenting { 18.0 } else { 13.5 },
                    FontFamily::Name(fonts::BOLD.into()),
                ),
                *p,
                3.5,
                // Presenting, the towns orient the room: their names come first.
                if self.presenting { 5 } else { 25 },
            );
        }
        // Symbols are obstacles: a label never hides a site.
        let mut obstacles: Vec<Bbox> = drawn
            .iter()
            .map(|d| {
                let r = style::radius(d.layer);
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
        if self.presenting {
            // The title and the legend overlays.
            obstacles.push(Bbox::new(
                [rect.min.x, rect.min.y],
                [rect.min.x + 760.0, rect.min.y + 90.0],
            ));
            let legend = self.presentation_legend_rect(rect);
            obstacles.push(Bbox::new(
                [legend.min.x, legend.min.y],
                [legend.max.x, legend.max.y],
            ));
        }
        let bounds = Bbox::new([rect.min.x, rect.min.y], [rect.max.x, rect.max.y]);
        let placed = place_labels(&cands, &obstacles, bounds);
        self.labels.clear();
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
            painter.rect_filled(r, 3.0, Color32::from_rgba_unmultiplied(255, 255, 255, 190));
            painter.galley(
                r.min + Vec2::new(2.0, 0.0),
                galleys[p.index].clone(),
                item.colour,
            );
            self.labels.push(PlacedLabel {
                text: item.text.clone(),
                rect: r,
            });
        }
    }

    pub(super) fn paint_scale_bar(&self, painter: &egui::Painter, pr: &Projector) {
        let Some(g) = pr.ground_m_per_px(&self.tm3) else {
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
            FontId::proportional(if self.presenting { 16.0 } else { 12.0 }),
            Color32::BLACK,
        );
    }
}
