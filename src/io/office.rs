//! What the readers of the office's files (Shapefile, MapInfo MIF/MID, DXF) have in common:
//! features one at a time in the file's own coordinates, the coordinate system the file
//! declares (or a declaration qn-planner cannot read, which is shown and asked about, never
//! guessed), the text encoding chosen and why, and notes on what reading changed.

use super::encoding::Choice;
use super::feature::{ImportError, RawFeature};
use super::prj::{Declared, Unread};
use geo_types::{Coord, Geometry, LineString, MultiPolygon, Polygon};

pub trait OfficeReader: Send {
    /// The next feature, `None` after the last.
    fn next_feature(&mut self) -> Result<Option<RawFeature>, ImportError>;
    /// The declared system: `None` if the file declares none.
    fn declaration(&self) -> Option<&Result<Declared, Unread>>;
    /// The text encoding and why it was chosen.
    fn encoding(&self) -> &Choice;
    /// What reading noticed and did (Z dropped, capitals recased, objects skipped…).
    fn notes(&self) -> Vec<String>;
    /// Records read and the total (or bytes read and the size).
    fn position(&self) -> (u64, u64);
    /// The system assumed when the format declares none (DXF), shown and changeable.
    fn default_crs(&self) -> Option<super::crs::Crs> {
        None
    }
}

/// Twice the signed area of a closed ring (positive counter-clockwise).
pub(crate) fn signed_area2(r: &LineString<f64>) -> f64 {
    r.0.windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum()
}

fn area2(r: &LineString<f64>) -> f64 {
    signed_area2(r).abs()
}

/// Whether `p` lies inside `ring` (even-odd rule).
pub(crate) fn inside(ring: &LineString<f64>, p: Coord<f64>) -> bool {
    let pts = &ring.0;
    let mut c = false;
    let mut j = pts.len().wrapping_sub(1);
    for i in 0..pts.len() {
        let (a, b) = (pts[i], pts[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            c = !c;
        }
        j = i;
    }
    c
}

/// MapInfo region rings to polygons: a ring inside an odd number of others is a hole of the
/// smallest ring holding it.
pub fn nest_rings(rings: Vec<LineString<f64>>) -> Geometry<f64> {
    let n = rings.len();
    if n == 1 {
        return Geometry::Polygon(Polygon::new(
            rings.into_iter().next().unwrap_or(LineString(vec![])),
            vec![],
        ));
    }
    let first = |r: &LineString<f64>| r.0.first().copied().unwrap_or(Coord { x: 0.0, y: 0.0 });
    let areas: Vec<f64> = rings.iter().map(area2).collect();
    let containers: Vec<Vec<usize>> = (0..n)
        .map(|i| {
            (0..n)
                .filter(|&j| j != i && areas[j] > areas[i] && inside(&rings[j], first(&rings[i])))
                .collect()
        })
        .collect();
    let mut polys: Vec<(usize, Polygon<f64>)> = Vec::new();
    let mut holes: Vec<(usize, LineString<f64>)> = Vec::new();
    for (i, r) in rings.into_iter().enumerate() {
        if containers[i].len().is_multiple_of(2) {
            polys.push((i, Polygon::new(r, vec![])));
        } else {
            // The smallest container is its outer ring.
            let outer = containers[i]
                .iter()
                .copied()
                .min_by(|a, b| areas[*a].total_cmp(&areas[*b]))
                .unwrap_or(0);
            holes.push((outer, r));
        }
    }
    for (outer, h) in holes {
        if let Some((_, p)) = polys.iter_mut().find(|(i, _)| *i == outer) {
            p.interiors_push(h);
        }
    }
    let mut polys: Vec<Polygon<f64>> = polys.into_iter().map(|(_, p)| p).collect();
    if polys.len() == 1 {
        Geometry::Polygon(polys.remove(0))
    } else {
        Geometry::MultiPolygon(MultiPolygon(polys))
    }
}
