//! Labels of a reference layer on the map: the style's label field (set in the style panel, as
//! in QGIS's Labels tab), read once per style change, drawn at each feature's anchor (a
//! polygon's box centre, a line's middle vertex, a point) while the style's scale range allows,
//! with the style's size, colour and halo. Labels that would overlap one already drawn are
//! left out, and at most [`MAX_LABELS`] are drawn per frame (the rest once zoomed in).

use super::{Projector, RefLayerView, World};
use crate::app::paint::LabelLook;
use egui::{FontId, Rect, Vec2};
use std::collections::HashMap;

/// Labels drawn per layer and frame at most.
pub const MAX_LABELS: usize = 400;

impl RefLayerView {
    /// Sets the labels from `texts` (fid → text; empty texts are not drawn): each feature's
    /// anchor is taken from the shapes this view holds. `None` takes them away.
    pub fn set_labels(&mut self, texts: Option<&HashMap<i64, String>>) {
        self.labels.clear();
        let Some(texts) = texts else {
            return;
        };
        let mut seen = std::collections::HashSet::new();
        let mut add = |fid: i64, at: World, labels: &mut Vec<(World, String)>| {
            if let Some(t) = texts.get(&fid).filter(|t| !t.trim().is_empty())
                && seen.insert(fid)
            {
                labels.push((at, t.trim().to_string()));
            }
        };
        for p in &self.polys.polys {
            let at = [(p.min[0] + p.max[0]) / 2.0, (p.min[1] + p.max[1]) / 2.0];
            add(p.fid, at, &mut self.labels);
        }
        for ((_, _, pts), (fid, _)) in self.lines.lines.iter().zip(&self.line_ids) {
            if let Some(at) = pts.get(pts.len() / 2) {
                add(*fid, *at, &mut self.labels);
            }
        }
        for (at, (fid, _)) in self.points.iter().zip(&self.point_ids) {
            add(*fid, *at, &mut self.labels);
        }
    }

    /// How many labels the layer has (for tests).
    pub fn label_count(&self) -> usize {
        self.labels.len()
    }

    /// Draws the labels in view, in `look`, none over another; returns how many were drawn.
    pub fn paint_labels(&self, painter: &egui::Painter, pr: &Projector, look: &LabelLook) -> usize {
        let (vmin, vmax) = pr.visible();
        let font = FontId::proportional(look.size_px);
        let mut placed: Vec<Rect> = Vec::new();
        for (at, text) in &self.labels {
            if placed.len() >= MAX_LABELS {
                break;
            }
            if at[0] < vmin[0] || at[0] > vmax[0] || at[1] < vmin[1] || at[1] > vmax[1] {
                continue;
            }
            let galley = painter.layout_no_wrap(text.clone(), font.clone(), look.colour);
            let centre = pr.screen_from_world(*at);
            let r = Rect::from_center_size(centre, galley.size()).expand(2.0);
            if placed.iter().any(|p| p.intersects(r)) {
                continue;
            }
            let min = r.min + Vec2::splat(2.0);
            if look.halo_px > 0.0 {
                let halo = painter.layout_no_wrap(text.clone(), font.clone(), look.halo);
                for i in 0..8 {
                    let a = i as f32 / 8.0 * std::f32::consts::TAU;
                    painter.galley(
                        min + Vec2::angled(a) * look.halo_px,
                        halo.clone(),
                        look.halo,
                    );
                }
            }
            painter.galley(min, galley, look.colour);
            placed.push(r);
        }
        placed.len()
    }
}
