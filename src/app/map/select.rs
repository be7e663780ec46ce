//! Selecting many sites on the map, as in QGIS: Ctrl-click adds or takes away one site,
//! Shift-click adds one, a rectangle dragged with Ctrl selects every visible site it touches
//! (with Shift too, adds them), and every selected site is outlined.

use super::{MapCtx, Projector};
use crate::app::paint;
use crate::model::Layer;
use egui::{Color32, Pos2, Rect, Stroke};
use geo_types::{Coord, Polygon};
use std::collections::BTreeSet;

impl MapCtx<'_> {
    /// A click with Ctrl or Shift on a site: add it (or, Ctrl, take it away). Returns false
    /// when no modifier was held (the click is a plain one).
    pub(crate) fn modified_click(&mut self, ui: &egui::Ui, hit: Option<(Layer, i64)>) -> bool {
        let (command, shift) = ui.input(|i| (i.modifiers.command, i.modifiers.shift));
        if !command && !shift {
            return false;
        }
        if let Some(k) = hit {
            self.st.toggle(k, !command);
        }
        true
    }

    /// The Select tool's drag: with Ctrl held a rectangle that selects; without, the map pans
    /// (returns false).
    pub(crate) fn rubber_input(
        &mut self,
        ui: &egui::Ui,
        resp: &egui::Response,
        pr: &Projector,
    ) -> bool {
        if resp.drag_started()
            && let Some(origin) = ui.input(|i| i.pointer.press_origin())
        {
            let (command, shift) = ui.input(|i| (i.modifiers.command, i.modifiers.shift));
            if command {
                self.st.rubber = Some((origin, origin, shift));
            }
        }
        let Some((a, _, adds)) = self.st.rubber else {
            return false;
        };
        if let Some(p) = resp.interact_pointer_pos().or(resp.hover_pos()) {
            self.st.rubber = Some((a, p, adds));
        }
        if (resp.drag_stopped() || !resp.dragged())
            && let Some((a, b, adds)) = self.st.rubber.take()
        {
            let found = self.sites_in(pr, Rect::from_two_pos(a, b));
            let mut sel = if adds {
                self.st.selection.clone()
            } else {
                BTreeSet::new()
            };
            sel.extend(found.iter().copied());
            let primary = if adds { self.st.selected } else { None };
            self.st.select_many(sel, primary);
        }
        true
    }

    /// The visible sites whose symbol lies in `rect` (screen) or whose area meets it.
    pub(crate) fn sites_in(&self, pr: &Projector, rect: Rect) -> Vec<(Layer, i64)> {
        let w0 = pr.world_from_screen(rect.left_bottom());
        let w1 = pr.world_from_screen(rect.right_top());
        let (min, max) = (
            [w0[0].min(w1[0]), w0[1].min(w1[1])],
            [w0[0].max(w1[0]), w0[1].max(w1[1])],
        );
        // The rectangle in lon/lat, through its corners and edge midpoints (a TM-3 box is
        // nearly a lon/lat box over a few kilometres).
        let ring: Option<Vec<Coord<f64>>> = [
            [min[0], min[1]],
            [(min[0] + max[0]) / 2.0, min[1]],
            [max[0], min[1]],
            [max[0], (min[1] + max[1]) / 2.0],
            [max[0], max[1]],
            [(min[0] + max[0]) / 2.0, max[1]],
            [min[0], max[1]],
            [min[0], (min[1] + max[1]) / 2.0],
            [min[0], min[1]],
        ]
        .iter()
        .map(|w| self.lonlat(*w))
        .collect();
        let Some(ring) = ring else {
            return Vec::new();
        };
        let area = Polygon::new(ring.into(), Vec::new());
        let mut out = Vec::new();
        for s in &self.project.sites {
            if !self.is_layer_visible(s.layer) {
                continue;
            }
            if let Some(w) = self.anchor_world(s)
                && rect.contains(pr.screen_from_world(w))
            {
                out.push((s.layer, s.fid));
                continue;
            }
            if !s.is_area() {
                continue;
            }
            let key = (s.layer, s.fid);
            let near = self.derived.shapes.peek(key).is_none_or(|sh| {
                self.derived.shape_stale(key)
                    || (sh.bbox.0[0] <= max[0]
                        && min[0] <= sh.bbox.1[0]
                        && sh.bbox.0[1] <= max[1]
                        && min[1] <= sh.bbox.1[1])
            });
            use geo::Intersects;
            if near && s.geom.as_ref().is_some_and(|g| g.intersects(&area)) {
                out.push(key);
            }
        }
        out
    }

    /// Outlines every selected site drawn this frame, the rectangle being dragged, and rings
    /// the site the form shows.
    pub(crate) fn paint_selection(
        &self,
        painter: &egui::Painter,
        pr: &Projector,
        drawn: &[(Layer, i64, Pos2)],
    ) {
        if self.st.presenting {
            return;
        }
        for &(l, f, screen) in drawn {
            if !self.st.selection.contains(&(l, f)) && self.st.selected != Some((l, f)) {
                continue;
            }
            if let Some(shape) = self.derived.shapes.peek((l, f)) {
                shape.paint_outline(
                    painter,
                    pr,
                    Stroke::new(4.0, paint::SELECTION.gamma_multiply(0.8)),
                    None,
                );
            }
            let primary = self.st.selected == Some((l, f));
            let r = if primary { 13.0 } else { 11.0 };
            painter.circle_stroke(screen, r, Stroke::new(3.0, paint::SELECTION));
            painter.circle_stroke(screen, r + 2.5, Stroke::new(1.0, Color32::BLACK));
        }
        if let Some((a, b, _)) = self.st.rubber {
            let r = Rect::from_two_pos(a, b);
            painter.rect_filled(r, 0.0, paint::SELECTION.gamma_multiply(0.15));
            painter.rect_stroke(
                r,
                0.0,
                Stroke::new(1.5, paint::SELECTION),
                egui::StrokeKind::Middle,
            );
        }
    }
}
