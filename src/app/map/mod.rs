//! The map canvas: a view (centre and scale) in VN-2000 / TM-3 metres, a projector between
//! world and screen, and the base map projected and triangulated once, then culled and
//! thinned to the pixel every frame.

pub mod canvas;
pub mod derived;
pub mod editing;
pub mod found;
pub mod present;
mod ref_labels;
mod rings;
mod select;
pub mod sitecache;
pub mod state;

use crate::io::basemap::BaseMap;
use crate::io::crs::{Tm3, geodesic_distance_m};
use egui::{Color32, Mesh, Pos2, Rect, Shape, Stroke};
use geo::TriangulateEarcut;
use geo_types::{LineString, MultiPolygon};

/// World coordinates: EPSG:5899 easting and northing in metres.
pub type World = [f64; 2];

/// What the map shows: its centre and scale. Owned by the app; the canvas only reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapView {
    pub centre: World,
    pub m_per_px: f64,
}

impl MapView {
    pub const MIN_M_PER_PX: f64 = 0.5;
    pub const MAX_M_PER_PX: f64 = 5000.0;

    /// The view that shows `min..max` inside a screen of `size` points, with a margin.
    pub fn fit(min: World, max: World, size: egui::Vec2) -> MapView {
        let w = (max[0] - min[0]).max(1.0);
        let h = (max[1] - min[1]).max(1.0);
        let sx = w / (size.x as f64 * 0.92).max(1.0);
        let sy = h / (size.y as f64 * 0.92).max(1.0);
        MapView {
            centre: [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0],
            m_per_px: sx.max(sy).clamp(Self::MIN_M_PER_PX, Self::MAX_M_PER_PX),
        }
    }

    /// Zooms by `factor` (< 1 zooms in) keeping the world point under `anchor` fixed.
    pub fn zoom_at(&mut self, rect: Rect, anchor: Pos2, factor: f64) {
        let pr = Projector::new(rect, *self);
        let w = pr.world_from_screen(anchor);
        self.m_per_px = (self.m_per_px * factor).clamp(Self::MIN_M_PER_PX, Self::MAX_M_PER_PX);
        let pr2 = Projector::new(rect, *self);
        let w2 = pr2.world_from_screen(anchor);
        self.centre[0] += w[0] - w2[0];
        self.centre[1] += w[1] - w2[1];
    }

    /// Moves the view by a screen delta (drag).
    pub fn pan(&mut self, delta: egui::Vec2) {
        self.centre[0] -= delta.x as f64 * self.m_per_px;
        self.centre[1] += delta.y as f64 * self.m_per_px;
    }
}

/// Converts between world and screen for one frame.
#[derive(Debug, Clone, Copy)]
pub struct Projector {
    pub rect: Rect,
    pub view: MapView,
}

impl Projector {
    pub fn new(rect: Rect, view: MapView) -> Self {
        Self { rect, view }
    }

    pub fn screen_from_world(&self, w: World) -> Pos2 {
        let c = self.rect.center();
        Pos2::new(
            (c.x as f64 + (w[0] - self.view.centre[0]) / self.view.m_per_px) as f32,
            (c.y as f64 - (w[1] - self.view.centre[1]) / self.view.m_per_px) as f32,
        )
    }

    pub fn world_from_screen(&self, p: Pos2) -> World {
        let c = self.rect.center();
        [
            self.view.centre[0] + (p.x - c.x) as f64 * self.view.m_per_px,
            self.view.centre[1] - (p.y - c.y) as f64 * self.view.m_per_px,
        ]
    }

    /// The world box on screen: (min, max).
    pub fn visible(&self) -> (World, World) {
        let a = self.world_from_screen(self.rect.left_bottom());
        let b = self.world_from_screen(self.rect.right_top());
        (a, b)
    }

    /// Ground metres per screen point at the centre of the map (geodesic), for the scale bar.
    pub fn ground_m_per_px(&self, tm3: &Tm3) -> Option<f64> {
        let c = self.rect.center();
        let a = self.world_from_screen(c - egui::vec2(50.0, 0.0));
        let b = self.world_from_screen(c + egui::vec2(50.0, 0.0));
        let la = tm3.lonlat_from_tm3(a[0], a[1]).ok()?;
        let lb = tm3.lonlat_from_tm3(b[0], b[1]).ok()?;
        Some(geodesic_distance_m(la, lb) / 100.0)
    }
}

/// A polygon projected to world coordinates and triangulated for filling: its box and
/// where its vertices, triangles and rings lie in the cache's shared arrays.
#[derive(Debug, Clone)]
struct CachedPoly {
    min: World,
    max: World,
    verts: (u32, u32),
    tris: (u32, u32),
    rings: (u32, u32),
    /// The feature it belongs to, and the symbol its style gives it (see [`RefLayerView`]).
    fid: i64,
    class: u16,
}

/// The class of a feature its style does not draw.
const HIDDEN: u16 = u16::MAX;

/// Projected, triangulated polygons with their boxes, ready to cull and draw. Everything
/// lives in a few flat arrays (not vectors per polygon): 200,000 parcels stay small.
#[derive(Debug, Clone, Default)]
pub struct PolyCache {
    polys: Vec<CachedPoly>,
    verts: Vec<World>,
    tris: Vec<u32>,
    /// (start, length) of each ring in `verts`, which holds the rings one after the other
    /// without their closing points (as the triangulation takes them).
    rings: Vec<(u32, u32)>,
}

fn range(r: (u32, u32)) -> std::ops::Range<usize> {
    r.0 as usize..(r.0 + r.1) as usize
}

fn bbox_of(pts: &[World]) -> (World, World) {
    let mut min = [f64::INFINITY; 2];
    let mut max = [f64::NEG_INFINITY; 2];
    for p in pts {
        min[0] = min[0].min(p[0]);
        min[1] = min[1].min(p[1]);
        max[0] = max[0].max(p[0]);
        max[1] = max[1].max(p[1]);
    }
    (min, max)
}

/// The map's drawing projection: within a centimetre of the exact one, many times faster.
fn project_ring(tm3: &Tm3, l: &LineString<f64>) -> Vec<World> {
    l.0.iter()
        .filter_map(|c| tm3.tm3_from_lonlat_fast(c.x, c.y).ok())
        .map(|(e, n)| [e, n])
        .collect()
}

fn size_of(p: &CachedPoly) -> f64 {
    (p.max[0] - p.min[0]).max(p.max[1] - p.min[1])
}

fn overlaps(min: World, max: World, vmin: World, vmax: World) -> bool {
    min[0] <= vmax[0] && max[0] >= vmin[0] && min[1] <= vmax[1] && max[1] >= vmin[1]
}

impl PolyCache {
    pub fn build(tm3: &Tm3, mp: &MultiPolygon<f64>) -> PolyCache {
        let mut c = PolyCache::default();
        for p in &mp.0 {
            c.push(tm3, p);
        }
        c.shrink();
        c
    }

    /// Projects and triangulates one polygon and adds it.
    pub fn push(&mut self, tm3: &Tm3, p: &geo_types::Polygon<f64>) {
        self.push_feature(tm3, p, 0);
    }

    /// As [`Self::push`], for a polygon of feature `fid`.
    fn push_feature(&mut self, tm3: &Tm3, p: &geo_types::Polygon<f64>, fid: i64) {
        let ext = project_ring(tm3, p.exterior());
        if ext.len() < 4 {
            return;
        }
        let holes: Vec<Vec<World>> = p.interiors().iter().map(|r| project_ring(tm3, r)).collect();
        let projected = geo_types::Polygon::new(
            LineString::from(ext.iter().map(|w| (w[0], w[1])).collect::<Vec<_>>()),
            holes
                .iter()
                .map(|h| LineString::from(h.iter().map(|w| (w[0], w[1])).collect::<Vec<_>>()))
                .collect(),
        );
        let raw = projected.earcut_triangles_raw();
        let (min, max) = bbox_of(&ext);
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        let verts = (n(self.verts.len()), n(raw.vertices.len()));
        self.verts.extend(raw.vertices.iter().map(|v| [v[0], v[1]]));
        let tris = (n(self.tris.len()), n(raw.triangle_indices.len()));
        self.tris
            .extend(raw.triangle_indices.iter().map(|&i| i as u32));
        let rings = (n(self.rings.len()), n(1 + projected.interiors().len()));
        let mut start = verts.0;
        for r in std::iter::once(projected.exterior()).chain(projected.interiors()) {
            let len = n(r.0.len().saturating_sub(1));
            self.rings.push((start, len));
            start = start.saturating_add(len);
        }
        self.polys.push(CachedPoly {
            min,
            max,
            verts,
            tris,
            rings,
            fid,
            class: 0,
        });
    }

    fn verts_of(&self, p: &CachedPoly) -> &[World] {
        &self.verts[range(p.verts)]
    }

    fn tris_of(&self, p: &CachedPoly) -> &[u32] {
        &self.tris[range(p.tris)]
    }

    fn rings_of<'a>(&'a self, p: &CachedPoly) -> impl Iterator<Item = &'a [World]> + 'a {
        self.rings[range(p.rings)]
            .iter()
            .map(|r| &self.verts[range(*r)])
    }

    /// Frees the spare capacity of the arrays once the cache is complete.
    fn shrink(&mut self) {
        self.polys.shrink_to_fit();
        self.verts.shrink_to_fit();
        self.tris.shrink_to_fit();
        self.rings.shrink_to_fit();
    }

    /// Orders the polygons from the largest to the smallest box side, so the ones smaller
    /// than a pixel at any scale are a tail found by binary search.
    fn sort_by_size(&mut self) {
        // Unstable: no scratch copy of a million entries (ties keep no meaningful order).
        self.polys
            .sort_unstable_by(|a, b| size_of(b).total_cmp(&size_of(a)));
    }

    /// How many polygons (from the front, after [`Self::sort_by_size`]) are at least `min` wide.
    fn count_at_least(&self, min: f64) -> usize {
        self.polys.partition_point(|p| size_of(p) >= min)
    }

    /// The box centres of the polygons from index `from` on.
    fn centres_from(&self, from: usize) -> impl Iterator<Item = World> + '_ {
        self.polys[from.min(self.polys.len())..]
            .iter()
            .map(|p| [(p.min[0] + p.max[0]) / 2.0, (p.min[1] + p.max[1]) / 2.0])
    }

    /// Union box of all polygons.
    pub fn bounds(&self) -> Option<(World, World)> {
        let mut it = self.polys.iter();
        let first = it.next()?;
        let (mut min, mut max) = (first.min, first.max);
        for p in it {
            min = [min[0].min(p.min[0]), min[1].min(p.min[1])];
            max = [max[0].max(p.max[0]), max[1].max(p.max[1])];
        }
        Some((min, max))
    }

    pub fn vertex_count(&self) -> usize {
        self.polys
            .iter()
            .map(|p| self.rings_of(p).map(<[World]>::len).sum::<usize>())
            .sum()
    }

    /// Fills the visible polygons with `fill` and strokes their rings, thinned to the pixel.
    pub fn paint(
        &self,
        painter: &egui::Painter,
        pr: &Projector,
        fill: Color32,
        stroke: Option<Stroke>,
    ) {
        self.paint_polys(&self.polys, true, painter, pr, fill, stroke);
    }

    /// Fills and strokes `polys` (a slice of this cache's polygons); with `dots`, those below
    /// a pixel and a half become a dot instead of their triangles.
    fn paint_polys(
        &self,
        polys: &[CachedPoly],
        dots: bool,
        painter: &egui::Painter,
        pr: &Projector,
        fill: Color32,
        stroke: Option<Stroke>,
    ) {
        let look = PolyLook {
            fill,
            hatch: None,
            stroke,
            dash: None,
        };
        self.paint_styled(polys, dots, painter, pr, std::slice::from_ref(&look));
    }

    /// As [`Self::paint_polys`], each polygon in the look of its class (hidden ones skipped);
    /// hatched fills go in a textured mesh of their own.
    fn paint_styled(
        &self,
        polys: &[CachedPoly],
        dots: bool,
        painter: &egui::Painter,
        pr: &Projector,
        looks: &[PolyLook],
    ) {
        let (vmin, vmax) = pr.visible();
        let mut mesh = Mesh::default();
        let mut hatched: Vec<Mesh> = looks
            .iter()
            .map(|l| l.hatch.map(Mesh::with_texture).unwrap_or_default())
            .collect();
        let px = pr.view.m_per_px;
        for p in polys {
            if !overlaps(p.min, p.max, vmin, vmax) {
                continue;
            }
            let Some(look) = looks.get(usize::from(p.class)) else {
                continue;
            };
            let fill = look.fill;
            if dots && size_of(p) < px * 1.5 {
                // Below a pixel and a half: a dot says "island here" at a fraction of the cost.
                let c = pr
                    .screen_from_world([(p.min[0] + p.max[0]) / 2.0, (p.min[1] + p.max[1]) / 2.0]);
                let base = mesh.vertices.len() as u32;
                let h = 0.6;
                mesh.colored_vertex(c + egui::vec2(-h, -h), fill);
                mesh.colored_vertex(c + egui::vec2(h, -h), fill);
                mesh.colored_vertex(c + egui::vec2(h, h), fill);
                mesh.colored_vertex(c + egui::vec2(-h, h), fill);
                mesh.add_triangle(base, base + 1, base + 2);
                mesh.add_triangle(base, base + 2, base + 3);
                continue;
            }
            let target = if look.hatch.is_some() {
                &mut hatched[usize::from(p.class)]
            } else {
                &mut mesh
            };
            let base = target.vertices.len() as u32;
            target.reserve_vertices(p.verts.1 as usize);
            for v in self.verts_of(p) {
                let s = pr.screen_from_world(*v);
                if look.hatch.is_some() {
                    target.vertices.push(egui::epaint::Vertex {
                        pos: s,
                        uv: Pos2::new(s.x / HATCH_TILE_PX, s.y / HATCH_TILE_PX),
                        color: fill,
                    });
                } else {
                    target.colored_vertex(s, fill);
                }
            }
            for t in self.tris_of(p).chunks_exact(3) {
                target.add_triangle(base + t[0], base + t[1], base + t[2]);
            }
            if mesh.vertices.len() > 60_000 {
                painter.add(Shape::mesh(std::mem::take(&mut mesh)));
            }
        }
        if !mesh.vertices.is_empty() {
            painter.add(Shape::mesh(mesh));
        }
        for m in hatched.into_iter().filter(|m| !m.vertices.is_empty()) {
            painter.add(Shape::mesh(m));
        }
        for p in polys {
            let Some(look) = looks.get(usize::from(p.class)) else {
                continue;
            };
            let Some(stroke) = look.stroke else { continue };
            if !overlaps(p.min, p.max, vmin, vmax) || size_of(p) < px * 3.0 {
                continue;
            }
            for ring in self.rings_of(p) {
                match look.dash {
                    Some((d, g)) => {
                        let mut screen: Vec<Pos2> =
                            ring.iter().map(|w| pr.screen_from_world(*w)).collect();
                        if let Some(first) = screen.first().copied() {
                            screen.push(first);
                        }
                        painter.extend(Shape::dashed_line(&screen, stroke, d, g));
                    }
                    None => paint_thinned(painter, pr, ring, stroke, true),
                }
            }
        }
    }
}

/// How one class of a reference layer's polygons is drawn on screen.
#[derive(Debug, Clone)]
struct PolyLook {
    fill: Color32,
    /// A hatch texture (the fill tints it), instead of a plain fill.
    hatch: Option<egui::TextureId>,
    stroke: Option<Stroke>,
    dash: Option<(f32, f32)>,
}

/// How one class of a reference layer is drawn on screen.
#[derive(Debug, Clone)]
struct RefLook {
    poly: PolyLook,
    /// A line's stroke, a point's symbol (none: a dot), a sub-pixel area's dot.
    line: Option<Stroke>,
    marker: Option<crate::model::style::Symbol>,
    dot: Color32,
}

impl RefLook {
    /// The default look of a layer of colour `c`.
    fn plain(c: Color32) -> RefLook {
        RefLook {
            poly: PolyLook {
                fill: Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), 60),
                hatch: None,
                stroke: Some(Stroke::new(1.0, c)),
                dash: None,
            },
            line: Some(Stroke::new(1.4, c)),
            marker: None,
            dot: c,
        }
    }

    fn of(
        s: &crate::model::style::Symbol,
        hatches: &std::collections::HashMap<crate::model::style::Brush, egui::TextureHandle>,
    ) -> RefLook {
        use crate::model::style::{Brush, Dash};
        let a = |x: f32| (x.clamp(0.0, 1.0) * 255.0).round() as u8;
        let fill = match s.brush {
            Brush::NoBrush => Color32::TRANSPARENT,
            Brush::Solid => {
                Color32::from_rgba_unmultiplied(s.fill[0], s.fill[1], s.fill[2], a(s.opacity))
            }
            _ => Color32::from_rgba_unmultiplied(
                s.fill[0],
                s.fill[1],
                s.fill[2],
                a(s.opacity.max(0.6)),
            ),
        };
        let outline =
            Color32::from_rgba_unmultiplied(s.outline[0], s.outline[1], s.outline[2], s.outline[3]);
        let w = (s.outline_mm * crate::app::paint::PX_PER_MM).max(1.0);
        let stroke = (s.dash != Dash::NoPen && s.outline_mm > 0.0).then(|| Stroke::new(w, outline));
        let dash = s
            .dash
            .pattern()
            .map(|p| ((p[0] as f32 * w).max(2.0), (p[1] as f32 * w).max(2.0)));
        RefLook {
            poly: PolyLook {
                fill,
                hatch: hatches.get(&s.brush).map(|t| t.id()),
                stroke,
                dash,
            },
            line: stroke,
            marker: Some(s.clone()),
            dot: Color32::from_rgb(s.fill[0], s.fill[1], s.fill[2]),
        }
    }
}

/// Screen pixels a hatch tile repeats over.
const HATCH_TILE_PX: f32 = 8.0;

/// Strokes a line, skipping vertices closer than ~0.7 px to the last one kept.
fn paint_thinned(
    painter: &egui::Painter,
    pr: &Projector,
    pts: &[World],
    stroke: Stroke,
    closed: bool,
) {
    let mut out: Vec<Pos2> = Vec::with_capacity(pts.len().min(4096));
    for w in pts {
        let s = pr.screen_from_world(*w);
        if let Some(last) = out.last()
            && last.distance_sq(s) < 0.5
        {
            continue;
        }
        out.push(s);
    }
    if closed
        && let (Some(f), Some(l)) = (out.first().copied(), out.last().copied())
        && f != l
    {
        out.push(f);
    }
    if out.len() >= 2 {
        painter.add(Shape::line(out, stroke));
    }
}

/// Projected lines with their boxes.
#[derive(Debug, Clone, Default)]
pub struct LineCache {
    lines: Vec<(World, World, Vec<World>)>,
}

impl LineCache {
    pub fn build<'a>(tm3: &Tm3, lines: impl IntoIterator<Item = &'a LineString<f64>>) -> LineCache {
        LineCache {
            lines: lines
                .into_iter()
                .map(|l| {
                    let pts = project_ring(tm3, l);
                    let (a, b) = bbox_of(&pts);
                    (a, b, pts)
                })
                .collect(),
        }
    }

    pub fn paint(&self, painter: &egui::Painter, pr: &Projector, stroke: Stroke, dashed: bool) {
        let (vmin, vmax) = pr.visible();
        for (a, b, pts) in &self.lines {
            if !overlaps(*a, *b, vmin, vmax) {
                continue;
            }
            if dashed {
                let screen: Vec<Pos2> = pts.iter().map(|w| pr.screen_from_world(*w)).collect();
                painter.extend(Shape::dashed_line(&screen, stroke, 8.0, 4.0));
            } else {
                paint_thinned(painter, pr, pts, stroke, false);
            }
        }
    }
}

/// The base map, projected and triangulated once.
#[derive(Debug, Clone)]
pub struct BaseCache {
    pub land_vn: PolyCache,
    pub land_cn: PolyCache,
    pub province: PolyCache,
    pub inland: LineCache,
    pub border: LineCache,
    /// Town label, district and world position.
    pub towns: Vec<(String, String, World)>,
    pub province_bounds: (World, World),
    /// The area the base-map data covers (its lon/lat box, projected).
    pub data_area: PolyCache,
    /// Beyond it, the coarse land of Natural Earth 1:50m (the locator's countries), so a wide
    /// window or a presentation has no hard edge where the detailed data stops.
    pub surround: PolyCache,
}

/// Lon/lat box covered by the files in `maps/`.
pub use crate::io::basemap::DATA_BOX;

impl BaseCache {
    pub fn build(base: &BaseMap, tm3: &Tm3) -> BaseCache {
        let province = PolyCache::build(tm3, &base.province);
        let province_bounds = province
            .bounds()
            .unwrap_or(([370_000.0, 2_290_000.0], [560_000.0, 2_400_000.0]));
        BaseCache {
            land_vn: PolyCache::build(tm3, &base.land_vn),
            land_cn: PolyCache::build(tm3, &base.land_cn),
            province,
            inland: LineCache::build(tm3, base.inland_boundary.iter().map(|(_, l)| l)),
            border: LineCache::build(tm3, base.border.iter()),
            towns: base
                .places
                .iter()
                .filter_map(|p| {
                    tm3.tm3_from_lonlat(p.lonlat.x(), p.lonlat.y())
                        .ok()
                        .map(|(e, n)| (p.label.clone(), p.district.clone(), [e, n]))
                })
                .collect(),
            province_bounds,
            data_area: PolyCache::build(tm3, &data_box_polygon()),
            surround: PolyCache::build(tm3, &MultiPolygon(crate::io::basemap::surrounding_land())),
        }
    }

    pub fn paint(&self, painter: &egui::Painter, pr: &Projector) {
        use crate::app::paint::*;
        // Beyond the detailed data, the sea and the coarse land; the data's own box over them.
        painter.rect_filled(pr.rect, 0.0, SEA);
        self.surround.paint(painter, pr, NEIGHBOUR_LAND, None);
        self.data_area.paint(painter, pr, SEA, None);
        self.land_vn.paint(painter, pr, NEIGHBOUR_LAND, None);
        self.land_cn.paint(painter, pr, NEIGHBOUR_LAND, None);
        self.province
            .paint(painter, pr, LAND, Some(Stroke::new(0.6, COAST)));
        self.inland
            .paint(painter, pr, Stroke::new(1.6, PROVINCE_LINE), true);
        self.border
            .paint(painter, pr, Stroke::new(2.2, BORDER), false);
    }
}

/// The data box as a densified polygon (its edges are curves in the projection).
fn data_box_polygon() -> MultiPolygon<f64> {
    MultiPolygon(vec![geo_types::Polygon::new(
        crate::io::basemap::data_box_ring(40),
        vec![],
    )])
}

pub fn nice_length_m(max_m: f64) -> f64 {
    if max_m.is_nan() || max_m <= 0.0 {
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

/// Formats a length for the scale bar: metres below 1 km.
pub fn format_length(m: f64) -> String {
    if m >= 1000.0 {
        format!("{} km", m / 1000.0)
    } else {
        format!("{m} m")
    }
}

/// An imported reference layer, projected and triangulated once, drawn in its colour.
#[derive(Debug, Clone)]
pub struct RefLayerView {
    pub name: String,
    pub table: String,
    pub color: Color32,
    pub count: usize,
    pub visible: bool,
    /// The style it is drawn in (none: its colour), and each class's look.
    pub style: Option<crate::model::style::LayerStyle>,
    looks: Vec<RefLook>,
    polys: PolyCache,
    lines: LineCache,
    /// Each line's and point's feature and class, in the order of `lines` and `points`.
    line_ids: Vec<(i64, u16)>,
    points: Vec<World>,
    point_ids: Vec<(i64, u16)>,
    /// Polygons smaller than a pixel and a half, drawn as one image (see [`DotRaster`]).
    dots: Option<DotRaster>,
    /// The style's labels: each labelled feature's anchor and text (see `ref_labels`).
    labels: Vec<(World, String)>,
    /// How many of them the last frame drew.
    pub labels_drawn: usize,
}

/// Sub-pixel polygons rendered once into an image covering the view and half a screen
/// around it, at one scale: panning moves the image, zooming scales it until the view
/// settles, then it is drawn again. QGIS does the same with its map cache.
#[derive(Clone)]
struct DotRaster {
    m_per_px: f64,
    /// World position of the image's top-left corner and its size in pixels.
    origin: World,
    size: [usize; 2],
    /// Index of the first polygon drawn in the image.
    from: usize,
    texture: egui::TextureHandle,
}

impl std::fmt::Debug for DotRaster {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "DotRaster({}x{} at {} m/px)",
            self.size[0], self.size[1], self.m_per_px
        )
    }
}

/// `#rrggbb` as a colour; grey when it is not one.
pub fn parse_hex_color(s: &str) -> Color32 {
    match crate::model::palette::parse_hex(s) {
        Some([r, g, b]) => Color32::from_rgb(r, g, b),
        None => Color32::from_gray(110),
    }
}

impl RefLayerView {
    /// An empty layer; [`Self::add`] each geometry as it is read, then [`Self::finish`].
    pub fn new(name: &str, table: &str, color: &str) -> RefLayerView {
        let color = parse_hex_color(color);
        RefLayerView {
            name: name.to_string(),
            table: table.to_string(),
            color,
            count: 0,
            visible: true,
            style: None,
            looks: vec![RefLook::plain(color)],
            polys: PolyCache::default(),
            lines: LineCache { lines: Vec::new() },
            line_ids: Vec::new(),
            points: Vec::new(),
            point_ids: Vec::new(),
            dots: None,
            labels: Vec::new(),
            labels_drawn: 0,
        }
    }

    /// Projects one geometry (WGS84) of feature `fid` and adds it, so no layer is ever held
    /// twice in memory.
    pub fn add(&mut self, tm3: &Tm3, fid: i64, g: &geo_types::Geometry<f64>) {
        use geo_types::Geometry as G;
        let mut line = |l: &LineString<f64>| {
            let pts = project_ring(tm3, l);
            let (a, b) = bbox_of(&pts);
            self.lines.lines.push((a, b, pts));
            self.line_ids.push((fid, 0));
        };
        let mut point = |p: &geo_types::Point<f64>| {
            if let Ok((e, n)) = tm3.tm3_from_lonlat_fast(p.x(), p.y()) {
                self.points.push([e, n]);
                self.point_ids.push((fid, 0));
            }
        };
        match g {
            G::Point(p) => point(p),
            G::MultiPoint(mp) => mp.0.iter().for_each(point),
            G::Line(l) => line(&LineString::from(vec![l.start, l.end])),
            G::LineString(l) => line(l),
            G::MultiLineString(ml) => ml.0.iter().for_each(line),
            G::Polygon(p) => self.polys.push_feature(tm3, p, fid),
            G::MultiPolygon(mp) => {
                mp.0.iter()
                    .for_each(|p| self.polys.push_feature(tm3, p, fid))
            }
            G::Rect(r) => self.polys.push_feature(tm3, &r.to_polygon(), fid),
            G::Triangle(t) => self.polys.push_feature(tm3, &t.to_polygon(), fid),
            G::GeometryCollection(gc) => {
                for g in &gc.0 {
                    self.add(tm3, fid, g);
                }
            }
        }
    }

    /// Draws the layer in `style` (none: its colour); `class_of` gives each feature's symbol
    /// (an index into the style's symbols, none: not drawn). `hatches` are the textures of
    /// hatched fills.
    pub fn restyle(
        &mut self,
        style: Option<crate::model::style::LayerStyle>,
        class_of: &dyn Fn(i64) -> Option<usize>,
        hatches: &std::collections::HashMap<crate::model::style::Brush, egui::TextureHandle>,
    ) {
        let class = |fid: i64| class_of(fid).map_or(HIDDEN, |c| u16::try_from(c).unwrap_or(HIDDEN));
        match &style {
            None => {
                self.looks = vec![RefLook::plain(self.color)];
                self.polys.polys.iter_mut().for_each(|p| p.class = 0);
                self.line_ids.iter_mut().for_each(|l| l.1 = 0);
                self.point_ids.iter_mut().for_each(|l| l.1 = 0);
            }
            Some(st) => {
                self.looks = st
                    .symbols()
                    .into_iter()
                    .map(|s| RefLook::of(s, hatches))
                    .collect();
                self.polys
                    .polys
                    .iter_mut()
                    .for_each(|p| p.class = class(p.fid));
                self.line_ids.iter_mut().for_each(|l| l.1 = class(l.0));
                self.point_ids.iter_mut().for_each(|l| l.1 = class(l.0));
            }
        }
        self.style = style;
        self.dots = None;
    }

    /// Orders the polygons by size for drawing; `count` is the layer's feature count.
    pub fn finish(mut self, count: usize) -> RefLayerView {
        self.polys.shrink();
        self.polys.sort_by_size();
        self.count = count;
        self
    }

    /// Areas filled and outlined, lines, points, in the layer's style (by default its colour:
    /// translucent fill, solid outline, small dots for points). `settled`: the view did not
    /// change since the last frame (the dot image may be redrawn).
    pub fn paint(&mut self, painter: &egui::Painter, pr: &Projector, settled: bool) {
        self.labels_drawn = 0;
        if !self.visible {
            return;
        }
        let px = pr.view.m_per_px;
        if self
            .style
            .as_ref()
            .is_some_and(|s| !s.shows_at(crate::app::paint::scale_denominator(px)))
        {
            return;
        }
        let big = self.polys.count_at_least(px * 1.5);
        let looks: Vec<PolyLook> = self.looks.iter().map(|l| l.poly.clone()).collect();
        let first = &self.polys.polys[..big.min(self.polys.polys.len())];
        self.polys.paint_styled(first, false, painter, pr, &looks);
        if big < self.polys.polys.len() {
            self.paint_dots(big, painter, pr, settled);
        }
        let (vmin, vmax) = pr.visible();
        for ((a, b, pts), (_, class)) in self.lines.lines.iter().zip(&self.line_ids) {
            let Some(look) = self.looks.get(usize::from(*class)) else {
                continue;
            };
            let Some(stroke) = look.line else { continue };
            if overlaps(*a, *b, vmin, vmax) {
                match look.poly.dash {
                    Some((d, g)) => {
                        let screen: Vec<Pos2> =
                            pts.iter().map(|w| pr.screen_from_world(*w)).collect();
                        painter.extend(Shape::dashed_line(&screen, stroke, d, g));
                    }
                    None => paint_thinned(painter, pr, pts, stroke, false),
                }
            }
        }
        for (p, (_, class)) in self.points.iter().zip(&self.point_ids) {
            let Some(look) = self.looks.get(usize::from(*class)) else {
                continue;
            };
            if p[0] >= vmin[0] && p[0] <= vmax[0] && p[1] >= vmin[1] && p[1] <= vmax[1] {
                let at = pr.screen_from_world(*p);
                match &look.marker {
                    Some(sym) => crate::app::paint::paint_styled_marker(painter, sym, at, 1.0),
                    None => {
                        painter.circle_filled(at, 2.5, look.dot);
                    }
                }
            }
        }
        let denominator = crate::app::paint::scale_denominator(px);
        self.labels_drawn = match self.style.as_ref().filter(|s| s.labels_at(denominator)) {
            Some(st) => self.paint_labels(
                painter,
                pr,
                &crate::app::paint::LabelLook::of(&st.labels, 1.0),
            ),
            None => 0,
        };
    }

    fn paint_dots(&mut self, from: usize, painter: &egui::Painter, pr: &Projector, settled: bool) {
        let px = pr.view.m_per_px;
        let (vmin, vmax) = pr.visible();
        let usable = self.dots.as_ref().is_some_and(|d| {
            let covers = d.origin[0] <= vmin[0]
                && d.origin[1] >= vmax[1]
                && d.origin[0] + d.size[0] as f64 * d.m_per_px >= vmax[0]
                && d.origin[1] - d.size[1] as f64 * d.m_per_px <= vmin[1];
            let exact = d.m_per_px == px && d.from == from;
            let ratio = d.m_per_px / px;
            covers && (exact || (!settled && (0.5..=2.0).contains(&ratio)))
        });
        if !usable {
            // The view and half a screen on each side.
            let (w, h) = (pr.rect.width() as f64, pr.rect.height() as f64);
            let origin = [vmin[0] - w * 0.5 * px, vmax[1] + h * 0.5 * px];
            let size = [(w * 2.0).ceil() as usize, (h * 2.0).ceil() as usize];
            let mut img = egui::ColorImage::filled(size, Color32::TRANSPARENT);
            let polys = &self.polys.polys[from.min(self.polys.polys.len())..];
            for (w, p) in self.polys.centres_from(from).zip(polys) {
                let Some(look) = self.looks.get(usize::from(p.class)) else {
                    continue;
                };
                let x = ((w[0] - origin[0]) / px).floor();
                let y = ((origin[1] - w[1]) / px).floor();
                if x >= 0.0 && y >= 0.0 && (x as usize) < size[0] && (y as usize) < size[1] {
                    img.pixels[y as usize * size[0] + x as usize] = look.dot;
                }
            }
            let opts = egui::TextureOptions::NEAREST;
            let texture = match self.dots.take() {
                Some(mut d) => {
                    d.texture.set(img, opts);
                    d.texture
                }
                None => painter
                    .ctx()
                    .load_texture(format!("ref-dots-{}", self.table), img, opts),
            };
            self.dots = Some(DotRaster {
                m_per_px: px,
                origin,
                size,
                from,
                texture,
            });
        }
        if let Some(d) = &self.dots {
            let a = pr.screen_from_world(d.origin);
            let b = pr.screen_from_world([
                d.origin[0] + d.size[0] as f64 * d.m_per_px,
                d.origin[1] - d.size[1] as f64 * d.m_per_px,
            ]);
            painter.image(
                d.texture.id(),
                Rect::from_two_pos(a, b),
                Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
                Color32::WHITE,
            );
        }
    }
}

/// The map over one frame: the project it shows, the map's state, the derived caches, the
/// base map, the scenario the map follows and the rules (their verdicts are cached there),
/// the author drafting edits record, and the commands the map asks for.
pub(crate) struct MapCtx<'a> {
    pub project: &'a crate::model::Project,
    pub view: &'a crate::app::command::View,
    pub st: &'a mut canvas::MapState,
    pub derived: &'a mut derived::Derived,
    pub base: &'a BaseCache,
    pub tm3: &'a Tm3,
    pub scenario: &'a crate::app::panels::scenarios::ScenarioUi,
    pub rules: &'a mut crate::app::panels::rules::RulesUi,
    pub author: &'a str,
    /// The server's geometry of a conflict the planner is looking at (lon/lat).
    pub theirs: Option<&'a geo_types::Geometry<f64>>,
    pub out: Vec<crate::app::command::Command>,
}

pub(crate) fn layer_index(l: crate::model::Layer) -> usize {
    crate::model::Layer::ALL
        .iter()
        .position(|x| *x == l)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
