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

/// Screen pixels per millimetre of a style (96 dpi, as QGIS on an ordinary screen).
pub const PX_PER_MM: f32 = 96.0 / 25.4;

/// The map's scale 1:denominator at `m_per_px` ground metres a pixel (a pixel 0.28 mm, as
/// the OGC and QGIS count it).
pub fn scale_denominator(m_per_px: f64) -> f64 {
    m_per_px * 1000.0 / 0.28
}

pub(crate) fn rgba(c: [u8; 3], a: f32) -> Color32 {
    Color32::from_rgba_unmultiplied(c[0], c[1], c[2], (a.clamp(0.0, 1.0) * 255.0).round() as u8)
}

/// How a styled layer's labels look on screen.
#[derive(Debug, Clone)]
pub struct LabelLook {
    pub field: String,
    pub size_px: f32,
    pub colour: Color32,
    pub halo_px: f32,
    pub halo: Color32,
}

impl LabelLook {
    pub fn of(l: &crate::model::style::Labels, scale: f32) -> LabelLook {
        LabelLook {
            field: l.field.clone().unwrap_or_default(),
            // Points to pixels at 96 dpi; never under 9 px, so that it can be read (14 px when
            // presenting, as every text of the presentation).
            size_px: (l.size_pt * 96.0 / 72.0 * scale).max(if scale > 1.0 { 14.0 } else { 9.0 }),
            colour: c(l.colour),
            // A style without a halo still gets a thin white one, so its labels read over
            // the map's lines and fills (as on paper).
            halo_px: if l.halo_mm > 0.0 {
                l.halo_mm * PX_PER_MM * 0.6
            } else {
                1.0
            },
            halo: if l.halo_mm > 0.0 {
                c(l.halo_colour)
            } else {
                Color32::WHITE
            },
        }
    }
}

/// Half the size of a styled point symbol on screen.
pub fn marker_radius(s: &crate::model::style::Symbol, scale: f32) -> f32 {
    (s.size_mm * PX_PER_MM / 2.0 * scale).max(2.0)
}

pub(crate) fn outline_stroke(
    s: &crate::model::style::Symbol,
    fade: f32,
) -> Option<(Stroke, Option<(f32, f32)>)> {
    use crate::model::style::Dash;
    if s.dash == Dash::NoPen || s.outline_mm <= 0.0 {
        return None;
    }
    let w = (s.outline_mm * PX_PER_MM).max(1.0);
    let colour = rgba(
        [s.outline[0], s.outline[1], s.outline[2]],
        f32::from(s.outline[3]) / 255.0 * fade,
    );
    let dash = s
        .dash
        .pattern()
        .map(|p| ((p[0] as f32 * w).max(2.0), (p[1] as f32 * w).max(2.0)));
    Some((Stroke::new(w, colour), dash))
}

/// A styled point symbol centred at `c`.
pub fn paint_styled_marker(p: &Painter, s: &crate::model::style::Symbol, c: Pos2, scale: f32) {
    let r = f64::from(marker_radius(s, scale));
    let pts: Vec<Pos2> = s
        .shape
        .outline(f64::from(c.x), f64::from(c.y), r)
        .into_iter()
        .map(|(x, y)| Pos2::new(x as f32, y as f32))
        .collect();
    // A fan from the centre: every shape here is star-shaped about it.
    let mut mesh = egui::Mesh::default();
    mesh.colored_vertex(c, Color32::from_rgb(s.fill[0], s.fill[1], s.fill[2]));
    for q in &pts {
        mesh.colored_vertex(*q, Color32::from_rgb(s.fill[0], s.fill[1], s.fill[2]));
    }
    let n = pts.len() as u32;
    for i in 0..n {
        mesh.add_triangle(0, 1 + i, 1 + (i + 1) % n);
    }
    p.add(Shape::mesh(mesh));
    if let Some((stroke, dash)) = outline_stroke(s, 1.0) {
        let mut closed = pts.clone();
        if let Some(first) = pts.first() {
            closed.push(*first);
        }
        match dash {
            Some((d, g)) => p.extend(Shape::dashed_line(&closed, stroke, d, g)),
            None => {
                p.add(Shape::closed_line(pts, stroke));
            }
        }
    }
}

/// The side of a hatch tile, pixels.
pub(crate) const HATCH_PX: usize = 8;

/// Makes the hatch textures the project's styles use (white lines on clear, tinted when
/// drawn), once each.
pub fn make_hatches(
    ctx: &egui::Context,
    project: &crate::model::Project,
    hatches: &mut std::collections::HashMap<crate::model::style::Brush, egui::TextureHandle>,
) {
    use crate::model::style::Brush;
    for st in project.styles.values() {
        for s in st.symbols() {
            if matches!(s.brush, Brush::Solid | Brush::NoBrush) || hatches.contains_key(&s.brush) {
                continue;
            }
            hatches.insert(
                s.brush,
                ctx.load_texture(
                    format!("hatch-{:?}", s.brush),
                    hatch_image(s.brush),
                    egui::TextureOptions {
                        wrap_mode: egui::TextureWrapMode::Repeat,
                        ..egui::TextureOptions::LINEAR
                    },
                ),
            );
        }
    }
}

/// A tile of hatch lines for `brush`, white on clear.
pub fn hatch_image(brush: crate::model::style::Brush) -> egui::ColorImage {
    let n = HATCH_PX;
    let mut img = egui::ColorImage::filled([n, n], Color32::TRANSPARENT);
    for (dx, dy) in brush.hatch() {
        for i in 0..n {
            let (x, y) = if *dy == 0.0 {
                (i, n / 2)
            } else if *dx == 0.0 {
                (n / 2, i)
            } else if *dy > 0.0 {
                (i, i)
            } else {
                (i, n - 1 - i)
            };
            img.pixels[y * n + x] = Color32::WHITE;
        }
    }
    img
}
