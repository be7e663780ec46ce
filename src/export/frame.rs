//! Where the map frame lies on the ground ([`Frame`]) and how the ground reaches the page:
//! the projection to EPSG:5899 ([`Projector`], [`ProjGrid`]), paths cut to the frame, the
//! box a site must touch to be drawn.

use crate::analysis::labels::Bbox;
use crate::io::crs::Tm3;
use crate::model::Layer;
use crate::model::style::{Labels, Symbol};
use geo::Simplify;
use geo_types::{Geometry, LineString, Polygon};
use std::fmt::Write;

/// The map frame on the page (mm) and the ground it shows (EPSG:5899 metres).
pub(super) struct Frame {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub centre: [f64; 2],
    pub m_per_mm: f64,
    pub vis_min: [f64; 2],
    pub vis_max: [f64; 2],
}

impl Frame {
    pub fn new(x: f64, y: f64, w: f64, h: f64, centre: [f64; 2], m_per_mm: f64) -> Frame {
        Frame {
            x,
            y,
            w,
            h,
            centre,
            m_per_mm,
            vis_min: [
                centre[0] - w / 2.0 * m_per_mm,
                centre[1] - h / 2.0 * m_per_mm,
            ],
            vis_max: [
                centre[0] + w / 2.0 * m_per_mm,
                centre[1] + h / 2.0 * m_per_mm,
            ],
        }
    }

    /// The ground the frame shows (EPSG:5899 metres): min, max.
    pub fn ground(&self) -> ([f64; 2], [f64; 2]) {
        (self.vis_min, self.vis_max)
    }

    pub fn bbox(&self) -> Bbox {
        Bbox::new(
            [self.x as f32, self.y as f32],
            [(self.x + self.w) as f32, (self.y + self.h) as f32],
        )
    }

    /// A ground point (EPSG:5899) on the page.
    pub fn to_page(&self, w: [f64; 2]) -> (f64, f64) {
        (
            self.x + self.w / 2.0 + (w[0] - self.centre[0]) / self.m_per_mm,
            self.y + self.h / 2.0 - (w[1] - self.centre[1]) / self.m_per_mm,
        )
    }

    /// Whether a page point lies inside the frame (its edges included).
    pub fn holds(&self, x: f64, y: f64) -> bool {
        !(x < self.x || x > self.x + self.w || y < self.y || y > self.y + self.h)
    }

    pub(super) fn in_view(&self, p: &Polygon<f64>) -> bool {
        use geo::BoundingRect;
        p.bounding_rect().is_some_and(|r| {
            r.min().x <= self.vis_max[0]
                && r.max().x >= self.vis_min[0]
                && r.min().y <= self.vis_max[1]
                && r.max().y >= self.vis_min[1]
        })
    }

    /// Simplified to a tenth of a millimetre: finer than print can show.
    pub(super) fn tol(&self) -> f64 {
        0.1 * self.m_per_mm
    }

    /// The visible ground with a margin (a twentieth of the frame, at least 3 mm): what lies
    /// beyond is covered by the page's margins, so paths are cut there.
    pub(super) fn padded(&self) -> ([f64; 2], [f64; 2]) {
        let pad = (0.05
            * (self.vis_max[0] - self.vis_min[0]).max(self.vis_max[1] - self.vis_min[1]))
        .max(3.0 * self.m_per_mm);
        (
            [self.vis_min[0] - pad, self.vis_min[1] - pad],
            [self.vis_max[0] + pad, self.vis_max[1] + pad],
        )
    }

    /// A polygon as a path, each ring cut to the padded view (Sutherland–Hodgman: the cut
    /// edges run outside the frame, under the margins) and simplified to a tenth of a mm.
    pub(super) fn path_of_poly(&self, p: &Polygon<f64>) -> String {
        let (lo, hi) = self.padded();
        let mut d = String::new();
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            let cut = clip_ring(&ring.0, lo, hi);
            if cut.len() < 3 {
                continue;
            }
            let cut = LineString::from(cut).simplify(self.tol());
            for (i, c) in cut.0.iter().enumerate() {
                let (x, y) = self.to_page([c.x, c.y]);
                let _ = write!(d, "{}{x:.2},{y:.2}", if i == 0 { "M" } else { "L" });
            }
            d.push('Z');
        }
        d
    }

    /// A line as a path, only its runs that come into the padded view.
    pub(super) fn path_of_line(&self, l: &LineString<f64>) -> String {
        let (lo, hi) = self.padded();
        let inside = |c: &geo_types::Coord<f64>| {
            c.x >= lo[0] && c.x <= hi[0] && c.y >= lo[1] && c.y <= hi[1]
        };
        let mut d = String::new();
        let pts = &l.0;
        let mut run: Vec<geo_types::Coord<f64>> = Vec::new();
        let flush = |run: &mut Vec<geo_types::Coord<f64>>, d: &mut String| {
            if run.len() >= 2 {
                let r = LineString::from(std::mem::take(run)).simplify(self.tol());
                for (i, c) in r.0.iter().enumerate() {
                    let (x, y) = self.to_page([c.x, c.y]);
                    let _ = write!(d, "{}{x:.2},{y:.2}", if i == 0 { "M" } else { "L" });
                }
            }
            run.clear();
        };
        for i in 0..pts.len() {
            // A point belongs to a run when it or a neighbour is inside: the segments that
            // cross the view are kept whole.
            let near = inside(&pts[i])
                || (i > 0 && inside(&pts[i - 1]))
                || (i + 1 < pts.len() && inside(&pts[i + 1]));
            if near {
                run.push(pts[i]);
            } else {
                flush(&mut run, &mut d);
            }
        }
        flush(&mut run, &mut d);
        d
    }
}

/// `ring` cut to the rectangle `lo`–`hi` (Sutherland–Hodgman, one edge at a time). Where the
/// ring leaves and re-enters, the cut runs along the rectangle: outside the frame when the
/// rectangle is padded.
fn clip_ring(
    ring: &[geo_types::Coord<f64>],
    lo: [f64; 2],
    hi: [f64; 2],
) -> Vec<geo_types::Coord<f64>> {
    use geo_types::Coord;
    // Everything inside already: nothing to cut.
    if ring
        .iter()
        .all(|c| c.x >= lo[0] && c.x <= hi[0] && c.y >= lo[1] && c.y <= hi[1])
    {
        return ring.to_vec();
    }
    let mut pts: Vec<Coord<f64>> = ring.to_vec();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    // (axis, bound, keep the side >= bound?)
    for (axis, bound, keep_above) in [
        (0, lo[0], true),
        (0, hi[0], false),
        (1, lo[1], true),
        (1, hi[1], false),
    ] {
        if pts.is_empty() {
            break;
        }
        let val = |c: &Coord<f64>| if axis == 0 { c.x } else { c.y };
        let inside = |c: &Coord<f64>| {
            if keep_above {
                val(c) >= bound
            } else {
                val(c) <= bound
            }
        };
        let mut out = Vec::with_capacity(pts.len() + 4);
        for i in 0..pts.len() {
            let cur = pts[i];
            let prev = pts[(i + pts.len() - 1) % pts.len()];
            let (ci, pi) = (inside(&cur), inside(&prev));
            if ci != pi {
                let t = (bound - val(&prev)) / (val(&cur) - val(&prev));
                out.push(Coord {
                    x: prev.x + t * (cur.x - prev.x),
                    y: prev.y + t * (cur.y - prev.y),
                });
            }
            if ci {
                out.push(cur);
            }
        }
        pts = out;
    }
    if let Some(first) = pts.first().copied() {
        pts.push(first);
    }
    pts
}

/// Whether `g`'s box meets `b` (lon/lat); no box known: yes.
pub(super) fn in_lonlat_box(g: &Geometry<f64>, b: Option<([f64; 2], [f64; 2])>) -> bool {
    use geo::BoundingRect;
    let Some((lo, hi)) = b else { return true };
    g.bounding_rect().is_none_or(|r| {
        r.min().x <= hi[0] && r.max().x >= lo[0] && r.min().y <= hi[1] && r.max().y >= lo[1]
    })
}

/// A site's symbol on the page.
pub(super) struct Sym {
    pub layer: Layer,
    pub x: f64,
    pub y: f64,
    /// The label's text (none: not labelled).
    pub label: Option<String>,
    pub ghost: bool,
    pub opening: bool,
    pub approx: bool,
    /// The layer's own style's symbol and labels (none: the default look).
    pub look: Option<Symbol>,
    pub labels: Option<Labels>,
}

/// Projects lon/lat to EPSG:5899: exactly, or through a [`ProjGrid`] where one covers it.
pub(super) struct Projector<'a> {
    pub tm3: &'a Tm3,
    pub grid: Option<ProjGrid>,
}

impl Projector<'_> {
    pub fn at(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        self.grid
            .as_ref()
            .and_then(|g| g.at(lon, lat))
            .or_else(|| self.tm3.tm3_from_lonlat(lon, lat).ok())
    }

    pub fn line(&self, l: &LineString<f64>) -> LineString<f64> {
        LineString::from(
            l.0.iter()
                .filter_map(|c| self.at(c.x, c.y))
                .collect::<Vec<(f64, f64)>>(),
        )
    }

    pub fn poly(&self, p: &Polygon<f64>) -> Polygon<f64> {
        Polygon::new(
            self.line(p.exterior()),
            p.interiors().iter().map(|r| self.line(r)).collect(),
        )
    }
}

pub(super) fn project_poly(tm3: &Tm3, p: &Polygon<f64>) -> Polygon<f64> {
    Projector { tm3, grid: None }.poly(p)
}

/// EPSG:5899 coordinates on a grid over a lon/lat box, interpolated bilinearly in between:
/// the projection is so smooth that a 64 × 64 grid over the whole province stays within 10 cm
/// of the exact answer (see the test; a pixel of a province map is tens of metres), at a
/// fraction of its cost. Smaller boxes are closer still.
pub(super) struct ProjGrid {
    lon0: f64,
    lat0: f64,
    dlon: f64,
    dlat: f64,
    n: usize,
    /// (n + 1)² easting, northing pairs, row by row from the south-west corner.
    en: Vec<(f64, f64)>,
}

impl ProjGrid {
    pub(super) fn new(tm3: &Tm3, lon: [f64; 2], lat: [f64; 2], n: usize) -> Option<ProjGrid> {
        if !(lon[1] > lon[0] && lat[1] > lat[0]) || n == 0 {
            return None;
        }
        let (dlon, dlat) = ((lon[1] - lon[0]) / n as f64, (lat[1] - lat[0]) / n as f64);
        let mut en = Vec::with_capacity((n + 1) * (n + 1));
        for j in 0..=n {
            for i in 0..=n {
                en.push(
                    tm3.tm3_from_lonlat(lon[0] + i as f64 * dlon, lat[0] + j as f64 * dlat)
                        .ok()?,
                );
            }
        }
        Some(ProjGrid {
            lon0: lon[0],
            lat0: lat[0],
            dlon,
            dlat,
            n,
            en,
        })
    }

    /// None outside the grid.
    pub(super) fn at(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        let fx = (lon - self.lon0) / self.dlon;
        let fy = (lat - self.lat0) / self.dlat;
        let n = self.n as f64;
        if !(0.0..=n).contains(&fx) || !(0.0..=n).contains(&fy) {
            return None;
        }
        let (i, j) = ((fx as usize).min(self.n - 1), (fy as usize).min(self.n - 1));
        let (tx, ty) = (fx - i as f64, fy - j as f64);
        let k = j * (self.n + 1) + i;
        let (a, b, c, d) = (
            self.en[k],
            self.en[k + 1],
            self.en[k + self.n + 1],
            self.en[k + self.n + 2],
        );
        let lerp = |p: f64, q: f64, t: f64| p + (q - p) * t;
        Some((
            lerp(lerp(a.0, b.0, tx), lerp(c.0, d.0, tx), ty),
            lerp(lerp(a.1, b.1, tx), lerp(c.1, d.1, tx), ty),
        ))
    }
}

#[cfg(test)]
mod grid_tests {
    use super::*;

    #[test]
    pub(super) fn the_projection_grid_stays_within_ten_centimetres_over_the_province() {
        let tm3 = Tm3::new().unwrap();
        let g = ProjGrid::new(&tm3, [106.3, 108.2], [20.7, 21.7], 64).unwrap();
        let mut worst = 0.0f64;
        for i in 0..200 {
            for j in 0..100 {
                let (lon, lat) = (106.3 + i as f64 * 0.0095, 20.7 + j as f64 * 0.0099);
                let exact = tm3.tm3_from_lonlat(lon, lat).unwrap();
                let near = g.at(lon, lat).unwrap();
                worst = worst.max((exact.0 - near.0).hypot(exact.1 - near.1));
            }
        }
        assert!(worst < 0.1, "worst error {worst} m");
        assert!(g.at(105.0, 21.0).is_none());
    }
}
