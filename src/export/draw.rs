//! Drawing inside the map frame: the base map and the sites with their symbols and labels
//! (the reference layers are `reference`, the frame and the projection `frame`).

use super::compose::Composer;
use super::frame::{Frame, Sym, in_lonlat_box, project_poly};
use super::legend::{SYMBOL_R, symbol_svg};
use super::reference::RasterView;
use super::{ExportError, MapSpec, Raster};
use crate::model::style::site_value;
use crate::model::{Layer, Precision, Project, Site, palette};
use geo::Centroid;
use geo_types::{Geometry, LineString, Polygon};
use std::fmt::Write;

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
                        let fill = super::style_svg::area_fill(sym, opacity, &mut defs);
                        let _ = write!(
                            svg,
                            r##"{defs}<path d="{}"{fill} fill-rule="evenodd"{}/>"##,
                            fr.path_of_poly(p),
                            super::style_svg::stroke(sym, opacity)
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
                Some(sym) => svg.push_str(&super::style_svg::marker(sym, *x, *y, op)),
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
