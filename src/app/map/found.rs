//! What the locator found, marked on the map until the next search or Escape: a ring at a
//! point (a town, a unit's approximate centre, a typed coordinate), the box of a feature or a
//! district, and its name.

use super::{Projector, World};
use egui::{Color32, FontId, Rect, Stroke, Vec2};

/// A place the locator took the map to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub at: World,
    /// The box of a feature or an area (EPSG:5899 corners), drawn dashed.
    pub bbox: Option<(World, World)>,
    pub label: String,
}

/// Draws `f` over the map.
pub(crate) fn paint(painter: &egui::Painter, pr: &Projector, f: &Found) {
    let ink = Color32::from_rgb(0xc6, 0x28, 0x28);
    if let Some((a, b)) = f.bbox {
        let r = Rect::from_two_pos(pr.screen_from_world(a), pr.screen_from_world(b));
        if r.width() > 12.0 || r.height() > 12.0 {
            let pts = [
                r.left_top(),
                r.right_top(),
                r.right_bottom(),
                r.left_bottom(),
                r.left_top(),
            ];
            painter.extend(egui::Shape::dashed_line(
                &pts,
                Stroke::new(2.0, ink),
                6.0,
                4.0,
            ));
        }
    }
    let p = pr.screen_from_world(f.at);
    painter.circle_stroke(p, 9.0, Stroke::new(2.5, ink));
    painter.circle_filled(p, 2.5, ink);
    let text = painter.layout_no_wrap(f.label.clone(), FontId::proportional(13.0), ink);
    let at = p + Vec2::new(12.0, -text.size().y / 2.0);
    painter.rect_filled(
        Rect::from_min_size(at, text.size()).expand(2.0),
        2.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 215),
    );
    painter.galley(at, text, ink);
}
