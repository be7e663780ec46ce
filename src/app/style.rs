//! Symbols and colours of the layers (Okabe–Ito palette: distinct for colour-blind viewers).

use crate::model::{Layer, palette};
use egui::{Color32, Painter, Pos2, Shape, Stroke, Vec2};

fn c(rgb: [u8; 3]) -> Color32 {
    Color32::from_rgb(rgb[0], rgb[1], rgb[2])
}

pub const SEA: Color32 = Color32::from_rgb(palette::SEA[0], palette::SEA[1], palette::SEA[2]);
pub const LAND: Color32 = Color32::from_rgb(palette::LAND[0], palette::LAND[1], palette::LAND[2]);
pub const NEIGHBOUR_LAND: Color32 = Color32::from_rgb(
    palette::NEIGHBOUR_LAND[0],
    palette::NEIGHBOUR_LAND[1],
    palette::NEIGHBOUR_LAND[2],
);
/// Outside the base map's data box.
pub const NO_DATA: Color32 = Color32::from_rgb(
    palette::NO_DATA[0],
    palette::NO_DATA[1],
    palette::NO_DATA[2],
);
pub const COAST: Color32 =
    Color32::from_rgb(palette::COAST[0], palette::COAST[1], palette::COAST[2]);
pub const BORDER: Color32 =
    Color32::from_rgb(palette::BORDER[0], palette::BORDER[1], palette::BORDER[2]);
pub const PROVINCE_LINE: Color32 = Color32::from_rgb(
    palette::PROVINCE_LINE[0],
    palette::PROVINCE_LINE[1],
    palette::PROVINCE_LINE[2],
);
pub const TOWN: Color32 = Color32::from_rgb(palette::TOWN[0], palette::TOWN[1], palette::TOWN[2]);
pub const SELECTION: Color32 = Color32::from_rgb(0xff, 0xd4, 0x00);

pub fn colour(layer: Layer) -> Color32 {
    c(palette::layer(layer))
}

/// Radius of a layer's point symbol in points.
pub fn radius(layer: Layer) -> f32 {
    match layer {
        Layer::IndustrialZones => 7.0,
        Layer::IndustrialClusters | Layer::ProposedClusters => 6.0,
        Layer::CraftVillages => 6.5,
        Layer::IndustrialCentres => 6.0,
        Layer::ProtectedAreas | Layer::ResidentialAreas => 5.0,
    }
}

fn dashed_circle(p: &Painter, c: Pos2, r: f32, stroke: Stroke) {
    let n = 12;
    for i in 0..n {
        let a0 = i as f32 / n as f32 * std::f32::consts::TAU;
        let a1 = a0 + std::f32::consts::TAU / n as f32 * 0.55;
        let pts: Vec<Pos2> = (0..=4)
            .map(|k| {
                let a = a0 + (a1 - a0) * k as f32 / 4.0;
                c + Vec2::angled(a) * r
            })
            .collect();
        p.add(Shape::line(pts, stroke));
    }
}

/// Paints a layer's point symbol centred at `c`. Proposed clusters are hollow and dashed so
/// nobody takes them for existing ones.
pub fn paint_symbol(p: &Painter, layer: Layer, c: Pos2, scale: f32) {
    let r = radius(layer) * scale;
    let col = colour(layer);
    let outline = Stroke::new(1.2 * scale, Color32::WHITE);
    match layer {
        Layer::IndustrialZones => {
            let rect = egui::Rect::from_center_size(c, Vec2::splat(2.0 * r * 0.9));
            p.rect_filled(rect, 1.0, col);
            p.rect_stroke(rect, 1.0, outline, egui::StrokeKind::Outside);
        }
        Layer::IndustrialClusters => {
            p.circle_filled(c, r, col);
            p.circle_stroke(c, r, outline);
        }
        Layer::ProposedClusters => {
            p.circle_filled(c, r, Color32::from_rgba_unmultiplied(255, 255, 255, 200));
            dashed_circle(p, c, r, Stroke::new(2.0 * scale, col));
            p.circle_filled(c, 1.5 * scale, col);
        }
        Layer::CraftVillages => {
            let pts = vec![
                c + Vec2::new(0.0, -r * 1.1),
                c + Vec2::new(r, r * 0.8),
                c + Vec2::new(-r, r * 0.8),
            ];
            p.add(Shape::convex_polygon(pts, col, outline));
        }
        Layer::ProtectedAreas | Layer::ResidentialAreas => {
            let rect = egui::Rect::from_center_size(c, Vec2::splat(2.0 * r));
            p.rect_filled(rect, 0.0, col.gamma_multiply(0.35));
            p.rect_stroke(
                rect,
                0.0,
                Stroke::new(2.0 * scale, col),
                egui::StrokeKind::Inside,
            );
        }
        Layer::IndustrialCentres => {
            let pts = vec![
                c + Vec2::new(0.0, -r * 1.2),
                c + Vec2::new(r, 0.0),
                c + Vec2::new(0.0, r * 1.2),
                c + Vec2::new(-r, 0.0),
            ];
            p.add(Shape::convex_polygon(pts, col, outline));
        }
    }
}

/// Marks a point whose position is only the commune centre or approximate: a dotted halo.
pub fn paint_approximate_halo(p: &Painter, layer: Layer, c: Pos2, scale: f32) {
    let r = (radius(layer) + 5.0) * scale;
    let col = colour(layer).gamma_multiply(0.6);
    let n = 16;
    for i in 0..n {
        let a = i as f32 / n as f32 * std::f32::consts::TAU;
        p.circle_filled(c + Vec2::angled(a) * r, 0.9 * scale, col);
    }
}

pub fn paint_town(p: &Painter, c: Pos2) {
    p.circle_filled(c, 3.5, Color32::WHITE);
    p.circle_filled(c, 2.5, TOWN);
}
