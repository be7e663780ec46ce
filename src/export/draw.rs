//! Drawing inside the map frame: where the frame lies on the ground ([`Frame`]), the base map,
//! the reference layers as one image of the frame, and the sites with their symbols.

use super::compose::Composer;
use super::legend::{SYMBOL_R, symbol_svg};
use super::{ExportError, MapSpec, Raster, ReferenceDraw};
use crate::analysis::labels::Bbox;
use crate::io::crs::Tm3;
use crate::model::style::{Labels, Symbol, site_value};
use crate::model::{Layer, Precision, Project, Site, palette};
use geo::{Centroid, Simplify};
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
    vis_min: [f64; 2],
    vis_max: [f64; 2],
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

    fn in_view(&self, p: &Polygon<f64>) -> bool {
        use geo::BoundingRect;
        p.bounding_rect().is_some_and(|r| {
            r.min().x <= self.vis_max[0]
                && r.max().x >= self.vis_min[0]
                && r.min().y <= self.vis_max[1]
                && r.max().y >= self.vis_min[1]
        })
    }

    /// Simplified to a tenth of a millimetre: finer than print can show.
    fn tol(&self) -> f64 {
        0.1 * self.m_per_mm
    }

    /// The visible ground with a margin (a twentieth of the frame, at least 3 mm): what lies
    /// beyond is covered by the page's margins, so paths are cut there.
    fn padded(&self) -> ([f64; 2], [f64; 2]) {
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
    fn path_of_poly(&self, p: &Polygon<f64>) -> String {
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
    fn path_of_line(&self, l: &LineString<f64>) -> String {
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
fn in_lonlat_box(g: &Geometry<f64>, b: Option<([f64; 2], [f64; 2])>) -> bool {
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

impl Composer {
    /// The base map inside the frame (the countries beyond the data, sea, land, the province
    /// with its coast), the reference layers as one image of the frame (returned: where it
    /// goes in the SVG), then the province line and the border over them.
    pub(super) fn draw_base(
        &self,
        svg: &mut String,
        fr: &Frame,
        spec: &MapSpec,
        reopen: String,
    ) -> Result<Option<Raster>, ExportError> {
        // Beyond the detailed data: the coarse countries, grey (never sea where there is
        // land); inside its box, the sea and then the detailed land.
        {
            // The countries reach far beyond the frame: `path_of_poly` cuts them to it (a
            // path thousands of millimetres wide costs the rasteriser and the PDF dearly).
            let mut d = String::new();
            for p in self.surround.iter().filter(|p| fr.in_view(p)) {
                d.push_str(&fr.path_of_poly(p));
            }
            let _ = write!(
                svg,
                r##"<path d="{d}" fill="{}" fill-rule="evenodd"/><path d="{}" fill="{}"/>"##,
                palette::hex(palette::NEIGHBOUR_LAND),
                fr.path_of_poly(&self.data_box),
                palette::hex(palette::SEA)
            );
        }
        for (polys, colour, stroke) in [
            (&self.land_vn, palette::NEIGHBOUR_LAND, None),
            (&self.land_cn, palette::NEIGHBOUR_LAND, None),
            (&self.province, palette::LAND, Some(palette::COAST)),
        ] {
            let mut d = String::new();
            for p in polys.iter().filter(|p| fr.in_view(p)) {
                d.push_str(&fr.path_of_poly(p));
            }
            let stroke = stroke
                .map(|s| format!(r##" stroke="{}" stroke-width="0.12""##, palette::hex(s)))
                .unwrap_or_default();
            let _ = write!(
                svg,
                r##"<path d="{d}" fill="{}" fill-rule="evenodd"{stroke}/>"##,
                palette::hex(colour)
            );
        }
        let mut raster = None;
        if !spec.reference.is_empty() {
            let view = RasterView {
                centre: fr.centre,
                m_per_mm: fr.m_per_mm,
                width_mm: fr.w,
                height_mm: fr.h,
                dpi: spec.raster_dpi.clamp(36, 600),
            };
            let pm = self.reference_raster(&spec.reference, &view)?;
            raster = Some(Raster {
                pixmap: pm,
                at: svg.len(),
                reopen,
                x_mm: fr.x,
                y_mm: fr.y,
                w_mm: fr.w,
                h_mm: fr.h,
            });
        }
        for l in &self.inland {
            let _ = write!(
                svg,
                r##"<path d="{}" fill="none" stroke="{}" stroke-width="0.45" stroke-dasharray="2,1"/>"##,
                fr.path_of_line(l),
                palette::hex(palette::PROVINCE_LINE)
            );
        }
        for l in &self.border {
            let _ = write!(
                svg,
                r##"<path d="{}" fill="none" stroke="{}" stroke-width="0.6"/>"##,
                fr.path_of_line(l),
                palette::hex(palette::BORDER)
            );
        }
        Ok(raster)
    }

    /// The sites of the visible layers: their areas, then their symbols (ghosted when not yet
    /// open in the scenario's year, ringed when opening in it, a dotted ring when their
    /// position is approximate). Returns the symbols inside the frame, for the labels.
    /// What `fr` shows, for the legend: the layers with a site drawn in it, towns, sites
    /// of approximate position, sites opening or not yet open in the year, the border and the
    /// province's boundary.
    pub(super) fn shown(
        &self,
        project: &Project,
        spec: &MapSpec,
        fr: &Frame,
    ) -> super::legend::Shown {
        let mut out = super::legend::Shown::default();
        let lonlat_box = self.lonlat_box(fr);
        let denominator = fr.m_per_mm * 1000.0;
        let (lo, hi) = (fr.vis_min, fr.vis_max);
        let in_frame = |e: f64, n: f64| e >= lo[0] && e <= hi[0] && n >= lo[1] && n <= hi[1];
        for layer in Layer::ALL {
            if !spec.layers.contains(&layer) {
                continue;
            }
            let style = project.styles.get(layer.table());
            if style.is_some_and(|st| !st.shows_at(denominator)) {
                continue;
            }
            for s in project.sites_of(layer) {
                let Some(g) = &s.geom else { continue };
                if !in_lonlat_box(g, lonlat_box) {
                    continue;
                }
                if style.is_some_and(|st| st.symbol_of_site(s).is_none()) {
                    continue;
                }
                // In the frame: its anchor, or a corner of its box.
                let seen = {
                    use geo::BoundingRect;
                    g.bounding_rect().is_some_and(|r| {
                        [
                            (r.min().x, r.min().y),
                            (r.max().x, r.max().y),
                            (r.min().x, r.max().y),
                            (r.max().x, r.min().y),
                            ((r.min().x + r.max().x) / 2.0, (r.min().y + r.max().y) / 2.0),
                        ]
                        .iter()
                        .any(|(x, y)| {
                            self.tm3
                                .tm3_from_lonlat(*x, *y)
                                .is_ok_and(|(e, n)| in_frame(e, n))
                        })
                    })
                };
                if !seen {
                    continue;
                }
                if !out.layers.contains(&layer) {
                    out.layers.push(layer);
                }
                out.approximate |= matches!(
                    s.location_precision,
                    Precision::Approximate | Precision::CommuneCentre
                );
                if let (Some(sc), Some(y)) = (&spec.scenario, spec.year) {
                    match sc.open_year(s.layer, s.fid) {
                        Some(o) if o == y => out.opening = true,
                        Some(o) if o < y => {}
                        _ => out.not_yet_open = true,
                    }
                }
            }
        }
        out.towns = spec.show_towns && self.towns.iter().any(|(_, w)| in_frame(w[0], w[1]));
        let line_in =
            |ls: &[LineString<f64>]| ls.iter().any(|l| l.0.iter().any(|c| in_frame(c.x, c.y)));
        out.border = line_in(&self.border);
        out.province_line = line_in(&self.inland);
        out.references = spec
            .reference
            .iter()
            .filter(|r| match (r.bounds, lonlat_box) {
                (super::RefBounds::Empty, _) => false,
                (super::RefBounds::Box(x0, y0, x1, y1), Some((lo, hi))) => {
                    x0 <= hi[0] && x1 >= lo[0] && y0 <= hi[1] && y1 >= lo[1]
                }
                _ => true,
            })
            .map(|r| r.table.clone())
            .collect();
        out
    }

    /// The frame's padded view in degrees (its corners and edge midpoints, a little wider):
    /// `None` where it cannot be told.
    fn lonlat_box(&self, fr: &Frame) -> Option<([f64; 2], [f64; 2])> {
        let (lo, hi) = fr.padded();
        let mut min = [f64::INFINITY; 2];
        let mut max = [f64::NEG_INFINITY; 2];
        for (e, n) in [
            (lo[0], lo[1]),
            (hi[0], lo[1]),
            (hi[0], hi[1]),
            (lo[0], hi[1]),
            ((lo[0] + hi[0]) / 2.0, lo[1]),
            ((lo[0] + hi[0]) / 2.0, hi[1]),
        ] {
            let (lon, lat) = self.tm3.lonlat_from_tm3(e, n).ok()?;
            min = [min[0].min(lon), min[1].min(lat)];
            max = [max[0].max(lon), max[1].max(lat)];
        }
        let pad = 0.02 * (max[0] - min[0]).max(max[1] - min[1]);
        Some(([min[0] - pad, min[1] - pad], [max[0] + pad, max[1] + pad]))
    }

    /// The site an atlas sheet is about: its boundary outlined in red, or a red ring round
    /// its point.
    pub(super) fn draw_highlight(&self, svg: &mut String, site: &Site, fr: &Frame, k: f64) {
        let Some(g) = &site.geom else { return };
        let polys: Vec<Polygon<f64>> = match g {
            Geometry::Polygon(p) => vec![project_poly(&self.tm3, p)],
            Geometry::MultiPolygon(mp) => mp.0.iter().map(|p| project_poly(&self.tm3, p)).collect(),
            _ => Vec::new(),
        };
        if polys.is_empty() {
            use geo::Centroid;
            let Some(c) = g.centroid() else { return };
            let Ok((e, n)) = self.tm3.tm3_from_lonlat(c.x(), c.y()) else {
                return;
            };
            let (x, y) = fr.to_page([e, n]);
            let _ = write!(
                svg,
                r##"<circle cx="{x:.2}" cy="{y:.2}" r="{:.2}" fill="none" stroke="white" stroke-width="{:.2}"/><circle cx="{x:.2}" cy="{y:.2}" r="{:.2}" fill="none" stroke="#d62728" stroke-width="{:.2}"/>"##,
                4.0 * k,
                1.4 * k,
                4.0 * k,
                0.7 * k
            );
            return;
        }
        let d: String = polys.iter().map(|p| fr.path_of_poly(p)).collect();
        let _ = write!(
            svg,
            r##"<path d="{d}" fill="none" stroke="white" stroke-width="{:.2}" stroke-linejoin="round"/><path d="{d}" fill="none" stroke="#d62728" stroke-width="{:.2}" stroke-linejoin="round"/>"##,
            1.6 * k,
            0.8 * k
        );
    }

    pub(super) fn draw_sites(
        &self,
        svg: &mut String,
        project: &Project,
        spec: &MapSpec,
        fr: &Frame,
    ) -> Vec<Sym> {
        let state = |s: &Site| -> (bool, bool) {
            match (&spec.scenario, spec.year) {
                (Some(sc), Some(y)) => match sc.open_year(s.layer, s.fid) {
                    Some(o) if o < y => (false, false),
                    Some(o) if o == y => (false, true),
                    _ => (true, false),
                },
                _ => (false, false),
            }
        };
        let mut symbols: Vec<Sym> = Vec::new();
        let lonlat_box = self.lonlat_box(fr);
        // The map's scale, 1:denominator.
        let denominator = fr.m_per_mm * 1000.0;
        for layer in Layer::ALL.iter().rev() {
            if !spec.layers.contains(layer) {
                continue;
            }
            let style = project.styles.get(layer.table());
            if style.is_some_and(|st| !st.shows_at(denominator)) {
                continue;
            }
            for s in project.sites_of(*layer) {
                let Some(g) = &s.geom else { continue };
                // Outside every class of its style (or a hidden category): not drawn, as in QGIS.
                let look = match style.map(|st| st.symbol_of_site(s)) {
                    None => None,
                    Some(None) => continue,
                    Some(sym) => sym,
                };
                // Far from the frame: nothing of it shows (its box, in degrees, is tested
                // before any projection).
                if !in_lonlat_box(g, lonlat_box) {
                    continue;
                }
                let (ghost, opening) = state(s);
                let colour = palette::hex(palette::layer(*layer));
                let opacity = if ghost { 0.3 } else { 1.0 };
                let polys: Vec<Polygon<f64>> = match g {
                    Geometry::Polygon(p) => vec![project_poly(&self.tm3, p)],
                    Geometry::MultiPolygon(mp) => {
                        mp.0.iter().map(|p| project_poly(&self.tm3, p)).collect()
                    }
                    _ => Vec::new(),
                };
                if let Some(sym) = look {
                    for p in &polys {
                        let mut defs = String::new();
                        let fill = super::styled::area_fill(sym, opacity, &mut defs);
                        let _ = write!(
                            svg,
                            r##"{defs}<path d="{}"{fill} fill-rule="evenodd"{}/>"##,
                            fr.path_of_poly(p),
                            super::styled::stroke(sym, opacity)
                        );
                    }
                }
                for p in polys.iter().filter(|_| look.is_none()) {
                    let dash = if s.status.is_planned() {
                        r##" stroke-dasharray="1.2,0.8""##
                    } else {
                        ""
                    };
                    let _ = write!(
                        svg,
                        r##"<path d="{}" fill="{colour}" fill-opacity="{:.2}" stroke="{colour}" stroke-width="0.5" stroke-opacity="{opacity}"{dash}/>"##,
                        fr.path_of_poly(p),
                        if s.status.is_planned() {
                            0.15 * opacity
                        } else {
                            0.3 * opacity
                        }
                    );
                }
                let anchor = match g {
                    Geometry::Point(p) => Some(*p),
                    other => other.centroid(),
                };
                let Some(a) = anchor else { continue };
                let Ok((e, n)) = self.tm3.tm3_from_lonlat(a.x(), a.y()) else {
                    continue;
                };
                let (x, y) = fr.to_page([e, n]);
                if !fr.holds(x, y) {
                    continue;
                }
                let approx = matches!(
                    s.location_precision,
                    Precision::Approximate | Precision::CommuneCentre
                );
                let label = match style {
                    None => Some(s.name.clone()),
                    Some(st) if st.labels_at(denominator) => st
                        .labels
                        .field
                        .as_deref()
                        .and_then(|f| site_value(s, f).key()),
                    Some(_) => None,
                };
                symbols.push(Sym {
                    layer: *layer,
                    x,
                    y,
                    label,
                    ghost,
                    opening,
                    approx,
                    look: look.cloned(),
                    labels: style.map(|st| st.labels.clone()),
                });
            }
        }
        let r = SYMBOL_R;
        for Sym {
            layer,
            x,
            y,
            ghost,
            opening,
            approx,
            look,
            ..
        } in &symbols
        {
            let op = if *ghost { 0.3 } else { 1.0 };
            if *approx && !*ghost {
                let _ = write!(
                    svg,
                    r##"<circle cx="{x:.2}" cy="{y:.2}" r="{:.2}" fill="none" stroke="{}" stroke-width="0.25" stroke-dasharray="0.3,0.45"/>"##,
                    r + 1.1,
                    palette::hex(palette::layer(*layer))
                );
            }
            if *opening {
                let _ = write!(
                    svg,
                    r##"<circle cx="{x:.2}" cy="{y:.2}" r="{:.2}" fill="none" stroke="{}" stroke-width="0.7"/>"##,
                    r + 1.6,
                    palette::hex(palette::OPENING)
                );
            }
            match look {
                Some(sym) => svg.push_str(&super::styled::marker(sym, *x, *y, op)),
                None => {
                    let _ = write!(
                        svg,
                        r##"<g opacity="{op}">{}</g>"##,
                        symbol_svg(*layer, *x, *y, r)
                    );
                }
            }
        }
        symbols
    }
}

/// Where the map frame is, for drawing the reference layers into an image of it.
struct RasterView {
    /// Frame centre in EPSG:5899 metres, and metres per mm of paper.
    centre: [f64; 2],
    m_per_mm: f64,
    width_mm: f64,
    height_mm: f64,
    dpi: u32,
}

impl Composer {
    /// Draws the reference layers into a transparent PNG covering the map frame. Features
    /// smaller than a pixel and a half (most of a cadastre at province scale) are read from
    /// the R-tree alone and drawn as a dot; only larger ones have their geometry read and
    /// projected.
    fn reference_raster(
        &self,
        layers: &[ReferenceDraw],
        v: &RasterView,
    ) -> Result<tiny_skia::Pixmap, ExportError> {
        use tiny_skia::Pixmap;
        let px_per_mm = f64::from(v.dpi) / 25.4;
        let w = (v.width_mm * px_per_mm).round().max(1.0) as u32;
        let h = (v.height_mm * px_per_mm).round().max(1.0) as u32;
        let mut pixmap = Pixmap::new(w, h)
            .ok_or_else(|| ExportError::Png(format!("cannot make a {w}×{h} image")))?;
        let m_per_px = v.m_per_mm / px_per_mm;
        let to_px = |e: f64, n: f64| -> (f32, f32) {
            (
                (f64::from(w) / 2.0 + (e - v.centre[0]) / m_per_px) as f32,
                (f64::from(h) / 2.0 - (n - v.centre[1]) / m_per_px) as f32,
            )
        };
        // A dot is a quarter of a millimetre across, whatever the resolution.
        let dot = (0.25 * px_per_mm).max(1.0) as f32;
        let db = |e: crate::store::StoreError, l: &ReferenceDraw| ExportError::Io {
            path: format!("{}, reference layer {}", l.path.display(), l.table),
            source: Box::new(e),
        };
        // The frame in lon/lat (with a margin): what to read, and a grid to project dots.
        let mut view_ll: Option<[f64; 4]> = None;
        let grid = {
            let (hw, hh) = (
                v.width_mm / 2.0 * v.m_per_mm,
                v.height_mm / 2.0 * v.m_per_mm,
            );
            let corners = [
                (-1.0, -1.0),
                (1.0, -1.0),
                (1.0, 1.0),
                (-1.0, 1.0),
                (0.0, -1.0),
                (0.0, 1.0),
            ];
            let ll: Vec<(f64, f64)> = corners
                .iter()
                .filter_map(|(a, b)| {
                    self.tm3
                        .lonlat_from_tm3(v.centre[0] + a * hw * 1.05, v.centre[1] + b * hh * 1.05)
                        .ok()
                })
                .collect();
            (ll.len() == corners.len())
                .then(|| {
                    let lon = ll.iter().map(|p| p.0);
                    let lat = ll.iter().map(|p| p.1);
                    let lon = [
                        lon.clone().fold(f64::MAX, f64::min),
                        lon.fold(f64::MIN, f64::max),
                    ];
                    let lat = [
                        lat.clone().fold(f64::MAX, f64::min),
                        lat.fold(f64::MIN, f64::max),
                    ];
                    view_ll = Some([lon[0], lon[1], lat[0], lat[1]]);
                    ProjGrid::new(&self.tm3, lon, lat, 64)
                })
                .flatten()
        };
        let denominator = v.m_per_mm * 1000.0;
        for l in layers {
            if l.style.as_ref().is_some_and(|st| !st.shows_at(denominator)) {
                continue;
            }
            // One set of paints per symbol of the style (one for a single colour).
            let looks: Vec<Symbol> = match &l.style {
                Some(st) => st.symbols().into_iter().cloned().collect(),
                None => {
                    let mut s = Symbol::plain(l.color);
                    s.opacity = 90.0 / 255.0;
                    s.outline[3] = 220;
                    s.outline_mm = 0.15;
                    vec![s]
                }
            };
            let paints: Vec<RefPaints> =
                looks.iter().map(|s| RefPaints::new(s, px_per_mm)).collect();
            let reader =
                crate::store::LayerReader::open(&l.path, &l.table).map_err(|e| db(e, l))?;
            // Each feature's symbol, when the style reads a field.
            let classes = match l.style.as_ref().and_then(|st| st.field().map(|f| (st, f))) {
                Some((st, f)) => {
                    let mut c = crate::model::style::FidClasses::default();
                    let mut classify = crate::model::style::Classifier::new(st);
                    reader
                        .values(f, &mut |fid, v| c.set(fid, classify.class(v)))
                        .map_err(|e| db(e, l))?;
                    Some(c)
                }
                None => None,
            };
            let class_of = |fid: i64| -> Option<usize> {
                match &classes {
                    Some(c) => c.get(fid),
                    None => Some(0),
                }
            };
            let mut big: Vec<(i64, usize)> = Vec::new();
            let entries_n;
            {
                let pixels = pixmap.pixels_mut();
                let entries = reader.entries(view_ll).map_err(|e| db(e, l))?;
                entries_n = entries.len();
                for (id, [x0, x1, y0, y1]) in entries {
                    let Some(k) = class_of(id) else { continue };
                    let colour = paints[k].dot;
                    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
                    // Size on paper from the degrees of the envelope.
                    let wm = (x1 - x0) * 111_320.0 * cy.to_radians().cos();
                    let hm = (y1 - y0) * 110_574.0;
                    if wm.max(hm) / m_per_px >= 1.5 {
                        big.push((id, k));
                        continue;
                    }
                    let Some((e, n)) = grid
                        .as_ref()
                        .and_then(|g| g.at(cx, cy))
                        .or_else(|| self.tm3.tm3_from_lonlat(cx, cy).ok())
                    else {
                        continue;
                    };
                    let (x, y) = to_px(e, n);
                    // Straight into the pixels: an opaque square of `dot` pixels.
                    let x0 = (x - dot / 2.0).round() as i64;
                    let y0 = (y - dot / 2.0).round() as i64;
                    let side = dot.round().max(1.0) as i64;
                    for py in y0.max(0)..(y0 + side).min(i64::from(h)) {
                        let row = py as usize * w as usize;
                        for px in x0.max(0)..(x0 + side).min(i64::from(w)) {
                            pixels[row + px as usize] = colour;
                        }
                    }
                }
            }
            if big.is_empty() {
                continue;
            }
            let project = |lon: f64, lat: f64| -> Option<(f32, f32)> {
                grid.as_ref()
                    .and_then(|g| g.at(lon, lat))
                    .or_else(|| self.tm3.tm3_from_lonlat(lon, lat).ok())
                    .map(|(e, n)| to_px(e, n))
            };
            if big.len() * 4 > entries_n {
                // Most of the layer: one pass over the table beats a lookup per feature.
                let mut wanted = crate::model::style::FidClasses::default();
                for (id, k) in &big {
                    wanted.set(*id, Some(*k));
                }
                let mut rings = Rings::default();
                reader
                    .scan(&mut |fid, blob| {
                        let Some(k) = wanted.get(fid) else { return };
                        // Most parcels: read, projected and painted without a geometry.
                        if paints[k].hatch.is_none()
                            && wkb_rings(blob, &project, &mut rings)
                            && paint_small(&mut pixmap, &rings, &paints[k])
                        {
                            return;
                        }
                        if let Ok(d) = crate::store::geom::decode(blob)
                            && let Some(g) = d.geometry
                        {
                            draw_feature(&mut pixmap, &g, &paints[k], &project, dot);
                        }
                    })
                    .map_err(|e| db(e, l))?;
            } else {
                for (id, k) in big {
                    if let Some(g) = reader.geometry(id).map_err(|e| db(e, l))? {
                        draw_feature(&mut pixmap, &g, &paints[k], &project, dot);
                    }
                }
            }
        }
        Ok(pixmap)
    }
}

/// Draws one feature of a reference layer: areas filled and outlined, lines stroked, points as
/// squares of two dots. `project` takes lon/lat to pixels.
fn draw_feature(
    pixmap: &mut tiny_skia::Pixmap,
    g: &Geometry<f64>,
    paints: &RefPaints,
    project: &dyn Fn(f64, f64) -> Option<(f32, f32)>,
    dot: f32,
) {
    use tiny_skia::{FillRule, PathBuilder, Rect, Transform};
    if paints.hatch.is_none() && draw_small(pixmap, g, paints, project) {
        return;
    }
    let mut pb = PathBuilder::new();
    let mut area = false;
    let add_line = |pb: &mut PathBuilder, l: &LineString<f64>, close: bool| {
        let mut first = true;
        for c in &l.0 {
            let Some((x, y)) = project(c.x, c.y) else {
                continue;
            };
            if first {
                pb.move_to(x, y);
                first = false;
            } else {
                pb.line_to(x, y);
            }
        }
        if close && !first {
            pb.close();
        }
    };
    let mut points: Vec<(f64, f64)> = Vec::new();
    let mut polys: Vec<&Polygon<f64>> = Vec::new();
    match g {
        Geometry::Polygon(p) => polys.push(p),
        Geometry::MultiPolygon(mp) => polys.extend(mp.0.iter()),
        Geometry::LineString(ls) => add_line(&mut pb, ls, false),
        Geometry::MultiLineString(ml) => ml.0.iter().for_each(|ls| add_line(&mut pb, ls, false)),
        Geometry::Point(p) => points.push((p.x(), p.y())),
        Geometry::MultiPoint(mp) => points.extend(mp.0.iter().map(|p| (p.x(), p.y()))),
        _ => {}
    }
    for p in polys {
        area = true;
        add_line(&mut pb, p.exterior(), true);
        p.interiors()
            .iter()
            .for_each(|r| add_line(&mut pb, r, true));
    }
    if let Some(path) = pb.finish() {
        if area && let Some(fill) = paints.area() {
            pixmap.fill_path(&path, &fill, FillRule::EvenOdd, Transform::identity(), None);
        }
        if let Some(edge) = &paints.edge {
            pixmap.stroke_path(&path, edge, &paints.stroke, Transform::identity(), None);
        }
    }
    for (lon, lat) in points {
        let Some((x, y)) = project(lon, lat) else {
            continue;
        };
        let d = dot * 2.0;
        if let Some(rect) = Rect::from_xywh(x - d / 2.0, y - d / 2.0, d, d) {
            pixmap.fill_rect(rect, &paints.solid, Transform::identity(), None);
        }
    }
}

/// The side in pixels under which an area is drawn straight into the pixels.
const SMALL_PX: usize = 24;

/// Draws an area of less than [`SMALL_PX`] pixels a side straight into the pixels: its fill
/// (even-odd, at pixel centres), then its outline at its width (and dashes), each pixel
/// blended once. Tiny parcels are most of a cadastre, and drawing each through the general
/// rasteriser costs far more than the few pixels it covers. False when `g` is not such an
/// area (the caller draws it the general way).
fn draw_small(
    pixmap: &mut tiny_skia::Pixmap,
    g: &Geometry<f64>,
    paints: &RefPaints,
    project: &dyn Fn(f64, f64) -> Option<(f32, f32)>,
) -> bool {
    let polys: Vec<&Polygon<f64>> = match g {
        Geometry::Polygon(p) => vec![p],
        Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
        _ => return false,
    };
    let mut rings = Rings::default();
    for p in polys {
        for r in std::iter::once(p.exterior()).chain(p.interiors()) {
            let from = rings.pts.len();
            rings
                .pts
                .extend(r.0.iter().filter_map(|c| project(c.x, c.y)));
            rings.close(from);
        }
    }
    paint_small(pixmap, &rings, paints)
}

/// Projected rings in one buffer, reused from feature to feature.
#[derive(Default)]
struct Rings {
    pts: Vec<(f32, f32)>,
    /// (start, end) of each ring in `pts`.
    spans: Vec<(usize, usize)>,
}

impl Rings {
    fn clear(&mut self) {
        self.pts.clear();
        self.spans.clear();
    }

    /// Ends the ring begun at `from` (dropped when under three points).
    fn close(&mut self, from: usize) {
        if self.pts.len() - from >= 3 {
            self.spans.push((from, self.pts.len()));
        } else {
            self.pts.truncate(from);
        }
    }

    fn each(&self) -> impl Iterator<Item = &[(f32, f32)]> {
        self.spans.iter().map(|(a, b)| &self.pts[*a..*b])
    }
}

/// Reads the rings of a 2-D polygon or multipolygon straight from a GeoPackage geometry blob
/// into `rings`, projected; false for anything else (the caller decodes it the general way).
fn wkb_rings(
    blob: &[u8],
    project: &dyn Fn(f64, f64) -> Option<(f32, f32)>,
    rings: &mut Rings,
) -> bool {
    rings.clear();
    let Ok((_, _, empty, off)) = crate::store::geom::decode_header(blob) else {
        return false;
    };
    if empty {
        return true;
    }
    struct R<'a> {
        b: &'a [u8],
        pos: usize,
        little: bool,
    }
    impl R<'_> {
        fn u32(&mut self) -> Option<u32> {
            let s: [u8; 4] = self.b.get(self.pos..self.pos + 4)?.try_into().ok()?;
            self.pos += 4;
            Some(if self.little {
                u32::from_le_bytes(s)
            } else {
                u32::from_be_bytes(s)
            })
        }
        fn f64(&mut self) -> Option<f64> {
            let s: [u8; 8] = self.b.get(self.pos..self.pos + 8)?.try_into().ok()?;
            self.pos += 8;
            Some(if self.little {
                f64::from_le_bytes(s)
            } else {
                f64::from_be_bytes(s)
            })
        }
        fn head(&mut self) -> Option<u32> {
            self.little = *self.b.get(self.pos)? == 1;
            self.pos += 1;
            self.u32()
        }
    }
    fn polygon(
        r: &mut R<'_>,
        project: &dyn Fn(f64, f64) -> Option<(f32, f32)>,
        rings: &mut Rings,
    ) -> Option<()> {
        let n = r.u32()?;
        for _ in 0..n {
            let m = r.u32()? as usize;
            if m > r.b.len() / 16 {
                return None;
            }
            let from = rings.pts.len();
            for _ in 0..m {
                let (x, y) = (r.f64()?, r.f64()?);
                if let Some(p) = project(x, y) {
                    rings.pts.push(p);
                }
            }
            rings.close(from);
        }
        Some(())
    }
    let mut r = R {
        b: blob,
        pos: off,
        little: true,
    };
    let ok = (|| -> Option<()> {
        match r.head()? {
            3 => polygon(&mut r, project, rings),
            6 => {
                let n = r.u32()?;
                for _ in 0..n {
                    if r.head()? != 3 {
                        return None;
                    }
                    polygon(&mut r, project, rings)?;
                }
                Some(())
            }
            _ => None,
        }
    })();
    ok.is_some()
}

/// Paints projected rings straight into the pixels when they are small (see
/// [`draw_small`]); false when they are not.
fn paint_small(pixmap: &mut tiny_skia::Pixmap, rings: &Rings, paints: &RefPaints) -> bool {
    if rings.spans.is_empty() {
        return true;
    }
    let half = paints.edge_w / 2.0 + 1.0;
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for (x, y) in &rings.pts {
        x0 = x0.min(*x);
        y0 = y0.min(*y);
        x1 = x1.max(*x);
        y1 = y1.max(*y);
    }
    let (bx, by) = ((x0 - half).floor(), (y0 - half).floor());
    let (bw, bh) = (
        ((x1 + half).ceil() - bx) as usize,
        ((y1 + half).ceil() - by) as usize,
    );
    if bw > SMALL_PX + 8 || bh > SMALL_PX + 8 {
        return false;
    }
    // 1: filled, 2: outline (drawn over the fill).
    let mut mask = [0u8; (SMALL_PX + 8) * (SMALL_PX + 8)];
    if paints.fill_px.is_some() {
        let mut xs: Vec<f32> = Vec::new();
        for row in 0..bh {
            let cy = by + row as f32 + 0.5;
            xs.clear();
            for r in rings.each() {
                for i in 0..r.len() {
                    let (a, b) = (r[i], r[(i + 1) % r.len()]);
                    if (a.1 <= cy) != (b.1 <= cy) {
                        xs.push(a.0 + (cy - a.1) / (b.1 - a.1) * (b.0 - a.0));
                    }
                }
            }
            xs.sort_by(f32::total_cmp);
            for pair in xs.chunks_exact(2) {
                let from = ((pair[0] - bx - 0.5).ceil().max(0.0)) as usize;
                let to = ((pair[1] - bx - 0.5).floor()) as isize;
                for col in from as isize..=to.min(bw as isize - 1) {
                    mask[row * bw + col as usize] = 1;
                }
            }
        }
    }
    if paints.edge_px.is_some() {
        let side = paints.edge_w.round().max(1.0) as isize;
        let period = paints.dash_px.map(|d| d.iter().sum::<f32>());
        let mut along = 0.0f32;
        for r in rings.each() {
            for i in 0..r.len() {
                let (a, b) = (r[i], r[(i + 1) % r.len()]);
                let len = (b.0 - a.0).hypot(b.1 - a.1);
                let steps = (len * 2.0).ceil().max(1.0) as usize;
                for k in 0..=steps {
                    let t = k as f32 / steps as f32;
                    let on = match (paints.dash_px, period) {
                        (Some(d), Some(p)) if p > 0.0 => {
                            let m = (along + t * len) % p;
                            m < d[0] || (m >= d[0] + d[1] && m < d[0] + d[1] + d[2])
                        }
                        _ => true,
                    };
                    if !on {
                        continue;
                    }
                    let (x, y) = (a.0 + (b.0 - a.0) * t - bx, a.1 + (b.1 - a.1) * t - by);
                    let (cx, cy) = (
                        (x - side as f32 / 2.0).round() as isize,
                        (y - side as f32 / 2.0).round() as isize,
                    );
                    for dy in 0..side {
                        for dx in 0..side {
                            let (px, py) = (cx + dx, cy + dy);
                            if px >= 0 && py >= 0 && (px as usize) < bw && (py as usize) < bh {
                                mask[py as usize * bw + px as usize] = 2;
                            }
                        }
                    }
                }
                along += len;
            }
        }
    }
    let (w, h) = (pixmap.width() as isize, pixmap.height() as isize);
    let data = pixmap.data_mut();
    for row in 0..bh {
        let py = by as isize + row as isize;
        if py < 0 || py >= h {
            continue;
        }
        for col in 0..bw {
            let c = match mask[row * bw + col] {
                1 => paints.fill_px,
                2 => paints.edge_px,
                _ => None,
            };
            let Some(c) = c else { continue };
            let px = bx as isize + col as isize;
            if px < 0 || px >= w {
                continue;
            }
            let at = ((py * w + px) * 4) as usize;
            let d = &mut data[at..at + 4];
            let inv = 255 - u32::from(c[3]);
            for k in 0..4 {
                d[k] = (u32::from(c[k]) + (u32::from(d[k]) * inv + 127) / 255) as u8;
            }
        }
    }
    true
}

/// The paints of one symbol in the reference image: the dot of a small feature, an area's
/// fill (solid or a hatch pattern), the outline.
struct RefPaints {
    dot: tiny_skia::PremultipliedColorU8,
    solid: tiny_skia::Paint<'static>,
    /// A solid fill, or the tile of a hatch.
    fill: Option<tiny_skia::Paint<'static>>,
    hatch: Option<tiny_skia::Pixmap>,
    edge: Option<tiny_skia::Paint<'static>>,
    stroke: tiny_skia::Stroke,
    /// The same as premultiplied pixels, for the small features drawn straight into the
    /// pixels: the fill (none for no fill or a hatch), the outline, its width in pixels and
    /// its dash pattern in pixels.
    fill_px: Option<[u8; 4]>,
    edge_px: Option<[u8; 4]>,
    edge_w: f32,
    dash_px: Option<[f32; 4]>,
}

/// A colour with `alpha`, premultiplied as the pixmap holds it.
fn premultiplied(c: [u8; 3], alpha: u8) -> [u8; 4] {
    let m = |v: u8| ((u32::from(v) * u32::from(alpha) + 127) / 255) as u8;
    [m(c[0]), m(c[1]), m(c[2]), alpha]
}

impl RefPaints {
    fn new(s: &Symbol, px_per_mm: f64) -> RefPaints {
        use crate::model::style::{Brush, Dash};
        use tiny_skia::{Paint, Stroke, StrokeDash};
        let [r, g, b] = s.fill;
        let mut solid = Paint::default();
        solid.set_color_rgba8(r, g, b, 255);
        solid.anti_alias = false;
        let fill_alpha = (f64::from(s.opacity).clamp(0.0, 1.0) * 255.0).round() as u8;
        let (fill, hatch) = match s.brush {
            Brush::NoBrush => (None, None),
            Brush::Solid => {
                let mut p = Paint::default();
                p.set_color_rgba8(r, g, b, fill_alpha);
                p.anti_alias = true;
                (Some(p), None)
            }
            h => (
                None,
                hatch_tile(h, [r, g, b], fill_alpha.max(150), px_per_mm),
            ),
        };
        let w = (f64::from(s.outline_mm) * px_per_mm).max(1.0) as f32;
        let edge = (s.dash != Dash::NoPen && s.outline_mm > 0.0).then(|| {
            let mut p = Paint::default();
            p.set_color_rgba8(s.outline[0], s.outline[1], s.outline[2], s.outline[3]);
            p.anti_alias = true;
            p
        });
        let stroke = Stroke {
            width: w,
            dash: s
                .dash
                .pattern()
                .and_then(|d| StrokeDash::new(d.iter().map(|x| *x as f32 * w).collect(), 0.0)),
            ..Stroke::default()
        };
        let fill_px = (s.brush == Brush::Solid).then(|| premultiplied([r, g, b], fill_alpha));
        let edge_px = (s.dash != Dash::NoPen && s.outline_mm > 0.0)
            .then(|| premultiplied([s.outline[0], s.outline[1], s.outline[2]], s.outline[3]));
        let dash_px = s.dash.pattern().map(|d| {
            [
                d[0] as f32 * w,
                d[1] as f32 * w,
                d[2] as f32 * w,
                d[3] as f32 * w,
            ]
        });
        RefPaints {
            fill_px,
            edge_px,
            edge_w: w,
            dash_px,
            dot: tiny_skia::PremultipliedColorU8::from_rgba(r, g, b, 255)
                .unwrap_or(tiny_skia::PremultipliedColorU8::TRANSPARENT),
            solid,
            fill,
            hatch,
            edge,
            stroke,
        }
    }

    /// The paint of an area's fill (none: not filled).
    fn area(&self) -> Option<tiny_skia::Paint<'_>> {
        if let Some(f) = &self.fill {
            return Some(f.clone());
        }
        let tile = self.hatch.as_ref()?;
        Some(tiny_skia::Paint {
            anti_alias: true,
            shader: tiny_skia::Pattern::new(
                tile.as_ref(),
                tiny_skia::SpreadMode::Repeat,
                tiny_skia::FilterQuality::Nearest,
                1.0,
                tiny_skia::Transform::identity(),
            ),
            ..tiny_skia::Paint::default()
        })
    }
}

/// A tile of hatch lines 1.2 mm apart, to repeat over an area.
fn hatch_tile(
    brush: crate::model::style::Brush,
    c: [u8; 3],
    alpha: u8,
    px_per_mm: f64,
) -> Option<tiny_skia::Pixmap> {
    use tiny_skia::{Paint, PathBuilder, Pixmap, Stroke, Transform};
    let side = (1.2 * px_per_mm).round().max(3.0) as u32;
    let mut tile = Pixmap::new(side, side)?;
    let s = side as f32;
    let mut pen = Paint::default();
    pen.set_color_rgba8(c[0], c[1], c[2], alpha);
    pen.anti_alias = true;
    let stroke = Stroke {
        width: (0.18 * px_per_mm).max(1.0) as f32,
        ..Stroke::default()
    };
    let mut pb = PathBuilder::new();
    for (dx, dy) in brush.hatch() {
        match (dx, dy) {
            (_, d) if *d == 0.0 => {
                pb.move_to(0.0, s / 2.0);
                pb.line_to(s, s / 2.0);
            }
            (d, _) if *d == 0.0 => {
                pb.move_to(s / 2.0, 0.0);
                pb.line_to(s / 2.0, s);
            }
            (_, d) if *d > 0.0 => {
                // "\": corner to corner, and the corners' pieces of the neighbours.
                pb.move_to(-1.0, -1.0);
                pb.line_to(s + 1.0, s + 1.0);
            }
            _ => {
                pb.move_to(-1.0, s + 1.0);
                pb.line_to(s + 1.0, -1.0);
            }
        }
    }
    let path = pb.finish()?;
    tile.stroke_path(&path, &pen, &stroke, Transform::identity(), None);
    Some(tile)
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
    fn at(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
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
    fn the_projection_grid_stays_within_ten_centimetres_over_the_province() {
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
