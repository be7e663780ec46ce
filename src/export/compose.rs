//! Laying out a map page: the title, the map frame (filled by `draw`), the scale bar and north
//! arrow, the labels placed without overlaps, the legend and locator (`legend`) and the foot.
//! [`Composer`] holds the base map projected once, so many pages can be composed from it.

use super::frame::{Frame, ProjGrid, Projector, Sym, project_poly};
use super::legend::{self, SYMBOL_R};
use super::metrics::Metrics;
use super::{ExportError, MapSpec, Page, ScaleBar, esc, layout, sheet, tr};
use crate::analysis::labels::{Bbox, Candidate, place_labels};
use crate::io::basemap::{self, BaseMap};
use crate::io::crs::{Tm3, geodesic_distance_m};
use crate::model::{Project, palette};
use geo_types::{LineString, MultiPolygon, Polygon};
use std::fmt::Write;

/// A label to draw: text, bold, colour, size (mm), and its halo (none: the default white box;
/// else the halo's width in mm and colour).
type LabelText = (String, bool, [u8; 3], f64, Option<(f64, [u8; 3])>);

/// Where a page puts things (see [`Composer::geometry`]).
struct PageGeometry {
    pw: f64,
    ph: f64,
    /// The type scale of the paper (1 on A4).
    k: f64,
    margin: f64,
    side: f64,
    entries: Vec<(String, String)>,
    row: f64,
    legend_h: f64,
    inset_h: f64,
    block_w: f64,
    block_h: f64,
    frame: Frame,
}

/// The base map projected to EPSG:5899 once.
pub struct Composer {
    pub(super) tm3: Tm3,
    pub(super) land_vn: Vec<Polygon<f64>>,
    pub(super) land_cn: Vec<Polygon<f64>>,
    pub(super) province: Vec<Polygon<f64>>,
    pub(super) inland: Vec<LineString<f64>>,
    pub(super) border: Vec<LineString<f64>>,
    pub(super) towns: Vec<(String, [f64; 2])>,
    pub(super) province_bounds: ([f64; 2], [f64; 2]),
    pub(super) locator: Vec<(String, MultiPolygon<f64>)>,
    /// The locator's countries around the province, projected: the land beyond the detailed
    /// data, so a frame wider than the data shows land grey rather than sea.
    pub(super) surround: Vec<Polygon<f64>>,
    /// The box of the detailed data, projected.
    pub(super) data_box: Polygon<f64>,
    pub(super) metrics: Metrics,
}

impl Composer {
    pub fn new() -> Result<Composer, ExportError> {
        let tm3 = Tm3::new()?;
        let base = BaseMap::load()?;
        // The base map is projected through a grid over its own extent (within centimetres
        // of the exact projection; the coastline itself is good to tens of metres).
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        {
            use geo::CoordsIter;
            let mut take = |x: f64, y: f64| {
                lo = [lo[0].min(x), lo[1].min(y)];
                hi = [hi[0].max(x), hi[1].max(y)];
            };
            for p in base
                .land_vn
                .0
                .iter()
                .chain(&base.land_cn.0)
                .chain(&base.province.0)
            {
                p.exterior_coords_iter().for_each(|c| take(c.x, c.y));
            }
            for l in base
                .inland_boundary
                .iter()
                .map(|(_, l)| l)
                .chain(&base.border)
            {
                l.0.iter().for_each(|c| take(c.x, c.y));
            }
        }
        let proj = Projector {
            tm3: &tm3,
            grid: ProjGrid::new(&tm3, [lo[0], hi[0]], [lo[1], hi[1]], 128),
        };
        let province: Vec<Polygon<f64>> = base.province.0.iter().map(|p| proj.poly(p)).collect();
        let mut min = [f64::INFINITY; 2];
        let mut max = [f64::NEG_INFINITY; 2];
        for p in &province {
            for c in &p.exterior().0 {
                min = [min[0].min(c.x), min[1].min(c.y)];
                max = [max[0].max(c.x), max[1].max(c.y)];
            }
        }
        let locator = basemap::locator_countries();
        let surround = basemap::surrounding_land()
            .iter()
            .map(|p| project_poly(&tm3, p))
            .collect();
        let data_box = project_poly(&tm3, &Polygon::new(basemap::data_box_ring(40), vec![]));
        Ok(Composer {
            surround,
            data_box,
            land_vn: base.land_vn.0.iter().map(|p| proj.poly(p)).collect(),
            land_cn: base.land_cn.0.iter().map(|p| proj.poly(p)).collect(),
            inland: base
                .inland_boundary
                .iter()
                .map(|(_, l)| proj.line(l))
                .collect(),
            border: base.border.iter().map(|l| proj.line(l)).collect(),
            towns: base
                .places
                .iter()
                .filter_map(|p| {
                    tm3.tm3_from_lonlat(p.lonlat.x(), p.lonlat.y())
                        .ok()
                        .map(|(e, n)| (p.label.clone(), [e, n]))
                })
                .collect(),
            province,
            province_bounds: (min, max),
            locator,
            metrics: Metrics::new()?,
            tm3,
        })
    }

    pub fn tm3(&self) -> &Tm3 {
        &self.tm3
    }

    pub fn province_bounds(&self) -> ([f64; 2], [f64; 2]) {
        self.province_bounds
    }

    /// Where the page puts things: the type scale, the header, the map frame, the legend's
    /// rows and the title block, and the ground the frame shows at what scale.
    fn geometry(&self, project: &Project, spec: &MapSpec) -> PageGeometry {
        // Laid out once with every entry to find the frame, then again with the legend of
        // what that frame shows (in portrait the frame grows a little with a shorter legend).
        let all = self.geometry_with(project, spec, None);
        if spec.card.is_some() {
            return all;
        }
        let shown = self.shown(project, spec, &all.frame);
        self.geometry_with(project, spec, Some(&shown))
    }

    fn geometry_with(
        &self,
        project: &Project,
        spec: &MapSpec,
        shown: Option<&legend::Shown>,
    ) -> PageGeometry {
        let (pw, ph) = spec.page_mm();
        let k = spec.paper.type_scale();
        let margin = 10.0 * k.sqrt();
        let side = match (spec.landscape, spec.card.is_some()) {
            (false, _) => 0.0,
            (true, false) => 72.0 * k,
            (true, true) => 95.0 * k,
        };
        let title_h = sheet::header_height(spec, k);
        let foot_h = 9.0;
        // The legend's entries first: in portrait the legend and inset go below the map, and
        // the map frame takes all the height they leave.
        // An atlas sheet shows its site's card in the legend's place.
        let entries = if spec.card.is_some() {
            Vec::new()
        } else {
            legend::entries(spec, &project.styles, shown)
        };
        let block_w = if spec.landscape {
            side
        } else {
            (pw - 2.0 * margin) * 0.33
        };
        let block_h = if spec.title_block {
            sheet::block_height(spec, &self.metrics, block_w, k)
        } else {
            0.0
        };
        let frame_room = ph - margin - title_h - margin - foot_h;
        // In landscape the legend has the frame's height less the title block's; a long one
        // gets closer rows.
        let row = if spec.landscape {
            let room = if spec.title_block {
                frame_room - block_h - 5.0
            } else {
                frame_room
            };
            legend::row_for(entries.len(), room)
        } else {
            legend::ROW
        };
        let inset_h = 60.0;
        let legend_h = match (spec.card.is_some(), spec.landscape) {
            (false, _) => legend::height(entries.len(), row),
            // The card takes the side's height less the locator's and the title block's.
            (true, true) => frame_room - block_h - 5.0 - 50.0 * k - 5.0,
            (true, false) => 80.0 * k,
        };
        let (fx, fy) = (margin, margin + title_h);
        let fw = pw - 2.0 * margin - side - if spec.landscape { 5.0 } else { 0.0 };
        let fh = if spec.landscape {
            ph - fy - margin - foot_h
        } else {
            ph - fy - margin - foot_h - 5.0 - legend_h.max(inset_h).max(block_h)
        };
        let (emin, emax) = spec.extent.unwrap_or(self.province_bounds);
        let ew = (emax[0] - emin[0]).max(1.0);
        let eh = (emax[1] - emin[1]).max(1.0);
        let fitted = (ew / (fw * 0.94)).max(eh / (fh * 0.94));
        // A chosen scale is kept; an official sheet fitted to its extent gets the round scale
        // just above the fitted one, so what it writes is exactly what it draws.
        let m_per_mm = match spec.scale {
            Some(n) => n / 1000.0,
            None if spec.title_block => layout::round_scale_up(fitted * 1000.0) / 1000.0,
            None => fitted,
        };
        let centre = [(emin[0] + emax[0]) / 2.0, (emin[1] + emax[1]) / 2.0];
        PageGeometry {
            pw,
            ph,
            k,
            margin,
            side,
            entries,
            row,
            legend_h,
            inset_h,
            block_w,
            block_h,
            frame: Frame::new(fx, fy, fw, fh, centre, m_per_mm),
        }
    }

    /// The ground the map frame of `spec` shows (EPSG:5899 metres, min and max) and the
    /// scale's denominator it is drawn at: what the window outlines, what the CLI reports.
    pub fn print_frame(&self, project: &Project, spec: &MapSpec) -> ([f64; 2], [f64; 2], f64) {
        let fr = self.geometry(project, spec).frame;
        let (min, max) = fr.ground();
        (min, max, fr.m_per_mm * 1000.0)
    }

    /// Composes one map page.
    pub fn map_page(&self, project: &Project, spec: &MapSpec) -> Result<Page, ExportError> {
        let lang = spec.lang;
        let PageGeometry {
            pw,
            ph,
            k,
            margin,
            side,
            entries,
            row,
            legend_h,
            inset_h,
            block_w,
            block_h,
            frame: fr,
        } = self.geometry(project, spec);
        let (fx, fy, fw, fh) = (fr.x, fr.y, fr.w, fr.h);
        let (centre, m_per_mm) = (fr.centre, fr.m_per_mm);
        let frame = fr.bbox();

        let mut svg = String::with_capacity(1 << 20);
        let open = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{pw}mm" height="{ph}mm" viewBox="0 0 {pw} {ph}" font-family="Noto Sans">"##
        );
        // The map is not clipped (a clip group costs a page-sized layer in the rasteriser):
        // what it draws beyond its frame is covered by the page's margins, drawn over it.
        let defs = String::new();
        svg.push_str(&open);
        let _ = write!(svg, r##"<rect width="{pw}" height="{ph}" fill="white"/>"##);
        svg.push_str(&defs);
        // The map.
        let _ = write!(svg, "<g>");
        let _ = write!(
            svg,
            r##"<rect x="{fx}" y="{fy}" width="{fw}" height="{fh}" fill="{}"/>"##,
            palette::hex(palette::SEA)
        );
        let raster = self.draw_base(&mut svg, &fr, spec, format!("{open}{defs}<g>"))?;
        let grid_labels = sheet::grid_lines(&mut svg, &fr, &self.tm3, spec.grid, k);
        let symbols = self.draw_sites(&mut svg, project, spec, &fr);
        if let Some((layer, fid)) = spec.highlight
            && let Some(site) = project.site(layer, fid)
        {
            self.draw_highlight(&mut svg, site, &fr, k);
        }
        let _ = write!(svg, "</g>");
        // The margins over whatever the map drew beyond its frame, then the title.
        for (x, y, w, h) in [
            (0.0, 0.0, pw, fy),
            (0.0, fy + fh, pw, ph - fy - fh),
            (0.0, fy, fx, fh),
            (fx + fw, fy, pw - fx - fw, fh),
        ] {
            let _ = write!(
                svg,
                r##"<rect x="{x:.3}" y="{y:.3}" width="{w:.3}" height="{h:.3}" fill="white"/>"##
            );
        }
        // The header: issuing body, title, subtitle, the draft box.
        sheet::header(
            &mut svg,
            spec,
            &self.metrics,
            margin,
            margin,
            pw - 2.0 * margin,
            k,
        );
        if spec.draft {
            sheet::draft_watermark(&mut svg, &fr, &self.metrics, lang);
        }
        let _ = write!(
            svg,
            r##"<rect x="{fx}" y="{fy}" width="{fw}" height="{fh}" fill="none" stroke="#222" stroke-width="0.35"/>"##
        );
        // Scale bar (true at the centre) and north arrow, inside the frame.
        let ground = {
            let a = self
                .tm3
                .lonlat_from_tm3(centre[0] - 10.0 * m_per_mm, centre[1])?;
            let b = self
                .tm3
                .lonlat_from_tm3(centre[0] + 10.0 * m_per_mm, centre[1])?;
            geodesic_distance_m(a, b) / 20.0
        };
        let scale = m_per_mm * 1000.0;
        let bar_m = nice(ground * (fw * if spec.title_block { 0.35 } else { 0.22 }).min(150.0));
        let bar_mm = bar_m / ground;
        let (bx_bar, by_bar) = (fx + 5.0 * k, fy + fh - 5.0 * k);
        let written = layout::written_scale(scale);
        let bar = sheet::scale_bar(
            &mut svg,
            &self.metrics,
            (bx_bar, by_bar),
            bar_mm,
            &fmt_len(bar_m),
            spec.title_block.then_some(written.as_str()),
            lang,
            k,
        );
        let bar_box = Bbox::new(
            [bar.min[0] as f32, bar.min[1] as f32],
            [bar.max[0] as f32, bar.max[1] as f32],
        );
        let (nx, ny) = (fx + fw - 9.0, fy + 5.0);
        let north_box = Bbox::new(
            [(nx - 5.0) as f32, (ny - 1.0) as f32],
            [(nx + 5.0) as f32, (ny + 14.0) as f32],
        );
        let _ = write!(
            svg,
            r##"<g><rect x="{:.2}" y="{:.2}" width="10" height="15" fill="white" fill-opacity="0.85"/><path d="M{nx:.2},{:.2} L{:.2},{:.2} L{nx:.2},{:.2} Z" fill="#111"/><path d="M{nx:.2},{:.2} L{:.2},{:.2} L{nx:.2},{:.2} Z" fill="white" stroke="#111" stroke-width="0.2"/><text x="{nx:.2}" y="{:.2}" font-size="3.2" font-weight="bold" text-anchor="middle" fill="#111">{}</text></g>"##,
            nx - 5.0,
            ny - 1.0,
            ny + 4.5,
            nx + 2.6,
            ny + 12.5,
            ny + 10.5,
            ny + 4.5,
            nx - 2.6,
            ny + 12.5,
            ny + 10.5,
            ny + 3.2,
            tr(lang, "B", "N")
        );

        // The grid's labels, but where the scale bar or the north arrow stands.
        sheet::grid_labels(&mut svg, &grid_labels, &[bar_box, north_box], k);

        // Labels: sites and towns, never overlapping each other, symbols, the scale bar or the
        // north arrow; the less important ones are dropped.
        let r = SYMBOL_R;
        let site_size = 2.5 * k;
        let town_size = site_size + 0.3;
        let mut cands = Vec::new();
        // (text, bold, colour, size mm, halo: none for the default white box, else its width
        // in mm and colour)
        let mut texts: Vec<LabelText> = Vec::new();
        for Sym {
            layer,
            x,
            y,
            label,
            ghost,
            labels,
            ..
        } in &symbols
        {
            let Some(name) = label.as_ref().filter(|_| !*ghost) else {
                continue;
            };
            let (size, colour, halo) = match labels {
                Some(l) => (
                    f64::from(l.size_pt) * 0.352_778,
                    l.colour,
                    Some((f64::from(l.halo_mm), l.halo_colour)),
                ),
                None => (site_size, palette::layer(*layer), None),
            };
            let w = self.metrics.width(name, size, false);
            cands.push(Candidate {
                anchor: [*x as f32, *y as f32],
                size: [(w + 0.8) as f32, (size * 1.25) as f32],
                gap: (r + 0.2) as f32,
                priority: u32::from(layer.label_priority()) * 10,
            });
            texts.push((name.clone(), false, colour, size, halo));
        }
        if spec.show_towns {
            for (label, w) in &self.towns {
                let (x, y) = fr.to_page(*w);
                if !fr.holds(x, y) {
                    continue;
                }
                let _ = write!(
                    svg,
                    r##"<circle cx="{x:.2}" cy="{y:.2}" r="0.9" fill="white"/><circle cx="{x:.2}" cy="{y:.2}" r="0.6" fill="{}"/>"##,
                    palette::hex(palette::TOWN)
                );
                let tw = self.metrics.width(label, town_size, true);
                cands.push(Candidate {
                    anchor: [x as f32, y as f32],
                    size: [(tw + 0.8) as f32, (town_size * 1.25) as f32],
                    gap: 0.9,
                    priority: 25,
                });
                texts.push((label.clone(), true, palette::TOWN, town_size, None));
            }
        }
        let mut obstacles: Vec<Bbox> = symbols
            .iter()
            .map(|Sym { x, y, .. }| {
                Bbox::new(
                    [(x - r) as f32, (y - r) as f32],
                    [(x + r) as f32, (y + r) as f32],
                )
            })
            .collect();
        obstacles.push(bar_box);
        obstacles.push(north_box);
        let placed = place_labels(&cands, &obstacles, frame);
        let mut label_boxes = Vec::new();
        for p in placed {
            let (text, bold, colour, size, halo) = &texts[p.index];
            let b = p.bbox;
            let a = cands[p.index].anchor;
            let nearest = [
                a[0].clamp(b.min[0], b.max[0]),
                a[1].clamp(b.min[1], b.max[1]),
            ];
            if p.leader {
                let _ = write!(
                    svg,
                    r##"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="{}" stroke-width="0.15"/>"##,
                    a[0],
                    a[1],
                    nearest[0],
                    nearest[1],
                    palette::hex(*colour)
                );
            }
            let weight = if *bold {
                r##" font-weight="bold""##
            } else {
                ""
            };
            let (tx, ty) = (b.min[0] + 0.4, f64::from(b.max[1]) - size * 0.32);
            match halo {
                None => {
                    let _ = write!(
                        svg,
                        r##"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" rx="0.5" fill="white" fill-opacity="0.75"/>"##,
                        b.min[0],
                        b.min[1],
                        b.max[0] - b.min[0],
                        b.max[1] - b.min[1],
                    );
                }
                // A styled layer's labels keep a halo: their own, else a thin white one, so
                // they read over the map's lines and fills.
                Some((w, c)) => {
                    let (w, c) = if *w > 0.0 {
                        (*w, *c)
                    } else {
                        (0.25, [255, 255, 255])
                    };
                    let _ = write!(
                        svg,
                        r##"<text x="{tx:.2}" y="{ty:.2}" font-size="{size:.2}"{weight} fill="none" stroke="{}" stroke-width="{:.2}" stroke-linejoin="round">{}</text>"##,
                        palette::hex(c),
                        2.0 * w,
                        esc(text)
                    );
                }
            }
            let _ = write!(
                svg,
                r##"<text x="{tx:.2}" y="{ty:.2}" font-size="{size:.2}"{weight} fill="{}">{}</text>"##,
                palette::hex(*colour),
                esc(text)
            );
            label_boxes.push((text.clone(), b));
        }
        // The reference layers' labels, where no planning label, symbol or town is.
        let mut taken: Vec<Bbox> = obstacles.clone();
        taken.extend(label_boxes.iter().map(|(_, b)| *b));
        self.reference_labels(&mut svg, spec, &fr, &mut taken)?;

        // Legend of exactly the visible layers, the locator inset and the title block: down
        // the side in landscape (the block at the foot of the frame), side by side under the
        // map in portrait.
        let (lx, ly) = if spec.landscape {
            (fx + fw + 5.0, fy)
        } else {
            (fx, fy + fh + 5.0)
        };
        let lw = match (spec.landscape, spec.title_block) {
            (true, _) => side,
            (false, false) => fw * 0.5,
            (false, true) => fw * 0.38,
        };
        let legend_box = match &spec.card {
            Some(card) => {
                super::atlas::draw_card(&mut svg, card, &self.metrics, (lx, ly, lw, legend_h), k);
                Bbox::new(
                    [lx as f32, ly as f32],
                    [(lx + lw) as f32, (ly + legend_h) as f32],
                )
            }
            None => legend::draw(&mut svg, &entries, (lx, ly, lw, legend_h), row, lang),
        };
        let (bx, by) = if spec.landscape {
            (lx, fy + fh - block_h)
        } else {
            (fx + fw - block_w, fy + fh + 5.0)
        };
        if spec.title_block {
            sheet::block(&mut svg, spec, &self.metrics, (bx, by, block_w), scale, k);
        }
        // Locator inset (Mercator, Natural Earth 1:50m), where the legend leaves room for it.
        let (ix, iy, iw, ih) = match (spec.landscape, spec.title_block) {
            (true, _) => {
                let bottom = if spec.title_block { by - 5.0 } else { fy + fh };
                (
                    lx,
                    ly + legend_h + 5.0,
                    lw,
                    (bottom - (ly + legend_h + 5.0)).min(80.0 * k),
                )
            }
            (false, false) => (fx + fw * 0.55, fy + fh + 5.0, fw * 0.45, inset_h),
            (false, true) => (
                fx + fw * 0.40,
                fy + fh + 5.0,
                fw * 0.25,
                inset_h.min(legend_h.max(block_h)),
            ),
        };
        if ih >= 30.0 {
            svg.push_str(&legend::locator_svg(&self.locator, ix, iy, iw, ih, lang));
        }
        // Foot: attribution, date, file.
        let foot = format!(
            "{} · {}: Natural Earth · {} {} · {}",
            basemap::attribution(lang),
            tr(lang, "Bản đồ vị trí", "Locator"),
            tr(lang, "Ngày", "Date"),
            spec.date,
            spec.file_label
        );
        let _ = write!(
            svg,
            r##"<text x="{margin}" y="{:.2}" font-size="2.3" fill="#444">{}</text>"##,
            ph - margin + 1.0,
            esc(&foot)
        );
        svg.push_str("</svg>");
        Ok(Page {
            svg,
            width_mm: pw,
            height_mm: ph,
            label_boxes,
            legend_box: Some(legend_box),
            map_frame: Some(frame),
            raster,
            scale_bar: Some(ScaleBar {
                x_mm: bx_bar,
                y_mm: by_bar,
                scale,
                length_mm: bar_mm,
                label_m: bar_m,
                ground_m_per_mm: ground,
                centre,
                proj_m_per_mm: m_per_mm,
            }),
        })
    }
}

fn nice(max_m: f64) -> f64 {
    if !max_m.is_finite() || max_m <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(max_m.log10().floor());
    for f in [5.0, 2.0, 1.0] {
        if f * p <= max_m {
            return f * p;
        }
    }
    p
}

fn fmt_len(m: f64) -> String {
    if m >= 1000.0 {
        format!("{} km", m / 1000.0)
    } else {
        format!("{m} m")
    }
}
