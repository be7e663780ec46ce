//! The rings of a drawn geometry, as the vertex tool reads and rewrites them, and the nearest
//! point of a segment on screen.

use egui::Pos2;
use geo_types::{Coord, Geometry, LineString, Polygon};

/// Polygons of a geometry (empty for points).
pub(super) fn polygons_mut(g: &mut Geometry<f64>) -> Vec<&mut Polygon<f64>> {
    match g {
        Geometry::Polygon(p) => vec![p],
        Geometry::MultiPolygon(mp) => mp.0.iter_mut().collect(),
        _ => Vec::new(),
    }
}

pub(super) fn polygons(g: &Geometry<f64>) -> Vec<&Polygon<f64>> {
    match g {
        Geometry::Polygon(p) => vec![p],
        Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
        _ => Vec::new(),
    }
}

/// Ring `ring` of a polygon as a mutable coordinate list (closed: first == last).
pub(super) fn ring_mut(p: &mut Polygon<f64>, ring: usize) -> Option<Vec<Coord<f64>>> {
    let mut coords = None;
    if ring == 0 {
        p.exterior_mut(|r| coords = Some(r.0.clone()));
    } else {
        p.interiors_mut(|rs| coords = rs.get(ring - 1).map(|r| r.0.clone()));
    }
    coords
}

pub(super) fn set_ring(p: &mut Polygon<f64>, ring: usize, coords: Vec<Coord<f64>>) {
    if ring == 0 {
        p.exterior_mut(|r| *r = LineString(coords));
    } else {
        p.interiors_mut(|rs| {
            if let Some(r) = rs.get_mut(ring - 1) {
                *r = LineString(coords);
            }
        });
    }
}

pub(super) fn closest_on_segment(p: Pos2, a: Pos2, b: Pos2) -> Pos2 {
    let ab = b - a;
    let len2 = ab.length_sq();
    if len2 == 0.0 {
        return a;
    }
    let t = ((p - a).dot(ab) / len2).clamp(0.0, 1.0);
    a + ab * t
}
