//! The reference layers drawn into one image of the map frame: features under a pixel and a
//! half as dots from the R-tree alone, small polygons painted straight from their blobs,
//! larger ones projected and filled in their style.

use super::compose::Composer;
use super::frame::ProjGrid;
use super::{ExportError, ReferenceDraw};
use crate::model::style::Symbol;
use geo_types::{Geometry, LineString, Polygon};

/// Where the map frame is, for drawing the reference layers into an image of it.
pub(super) struct RasterView {
    /// Frame centre in EPSG:5899 metres, and metres per mm of paper.
    pub centre: [f64; 2],
    pub m_per_mm: f64,
    pub width_mm: f64,
    pub height_mm: f64,
    pub dpi: u32,
}

impl Composer {
    /// Draws the reference layers into a transparent PNG covering the map frame. Features
    /// smaller than a pixel and a half (most of a cadastre at province scale) are read from
    /// the R-tree alone and drawn as a dot; only larger ones have their geometry read and
    /// projected.
    pub(super) fn reference_raster(
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
