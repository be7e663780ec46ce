//! The planning sites' polygons, ready to draw: projected once, simplified to a few levels of
//! detail, triangulated and cut into tiles with boxes, so a frame draws only what is on screen
//! at the detail a pixel can show. A huge polygon (a million vertices) is prepared on a
//! thread of its own and never holds up a frame; a small one is ready at once.

use crate::analysis::checks::SiteKey;
use crate::app::map::{Projector, World};
use crate::io::crs::Tm3;
use egui::{Color32, Mesh, Pos2, Shape, Stroke};
use geo::Simplify;
use geo_types::{Geometry, LineString, Polygon};
use i_triangle::float::triangulatable::Triangulatable;
use std::collections::HashMap;
use std::sync::mpsc;

/// Up to this many vertices a site is prepared in the frame that needs it.
pub const PREPARE_NOW_MAX: usize = 5_000;
/// Levels of detail are made only for polygons with more vertices than this.
const LEVELS_ABOVE: usize = 2_000;
/// Simplification tolerances of the levels, in metres.
const LEVEL_TOLERANCES_M: [f64; 8] = [0.25, 1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0];
/// Triangles per tile of a level's fill (about), and points per outline run.
const TILE_TRIANGLES: usize = 4_096;
const RUN_POINTS: usize = 1_024;

fn bbox_of<'a>(pts: impl IntoIterator<Item = &'a World>) -> (World, World) {
    let mut min = [f64::INFINITY; 2];
    let mut max = [f64::NEG_INFINITY; 2];
    for p in pts {
        min = [min[0].min(p[0]), min[1].min(p[1])];
        max = [max[0].max(p[0]), max[1].max(p[1])];
    }
    (min, max)
}

fn overlaps(a: (World, World), b: (World, World)) -> bool {
    a.0[0] <= b.1[0] && a.1[0] >= b.0[0] && a.0[1] <= b.1[1] && a.1[1] >= b.0[1]
}

/// Part of a level's fill: triangles over their own vertices, with their box.
#[derive(Debug, Clone)]
struct Tile {
    bbox: (World, World),
    verts: Vec<World>,
    tris: Vec<u32>,
}

/// Part of a ring: consecutive points with their box (runs share their end points).
#[derive(Debug, Clone)]
struct Run {
    bbox: (World, World),
    pts: Vec<World>,
}

/// One level of detail: every vertex of it is within `tol_m` of the true boundary.
#[derive(Debug, Clone)]
struct Level {
    tol_m: f64,
    vertices: usize,
    tiles: Vec<Tile>,
    runs: Vec<Run>,
}

/// One site's polygons, prepared.
#[derive(Debug, Clone)]
pub struct SiteShape {
    /// The geometry stamp this was built from.
    pub stamp: u64,
    pub bbox: (World, World),
    /// Finest first.
    levels: Vec<Level>,
}

type Rings = Vec<Vec<World>>;

fn project_ring(tm3: &Tm3, l: &LineString<f64>) -> Vec<World> {
    l.0.iter()
        .filter_map(|c| tm3.tm3_from_lonlat(c.x, c.y).ok())
        .map(|(e, n)| [e, n])
        .collect()
}

fn count(polys: &[Rings]) -> usize {
    polys.iter().flatten().map(Vec::len).sum()
}

fn simplify_ring(r: &[World], tol: f64) -> Vec<World> {
    let ls = LineString::from(r.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>());
    ls.simplify(tol).0.iter().map(|c| [c.x, c.y]).collect()
}

fn build_level(polys: &[Rings], tol_m: f64) -> Level {
    let mut tiles = Vec::new();
    let mut runs = Vec::new();
    for rings in polys {
        // Outline runs.
        for r in rings {
            let mut start = 0;
            while start + 1 < r.len() {
                let end = (start + RUN_POINTS).min(r.len() - 1);
                let pts = r[start..=end].to_vec();
                runs.push(Run {
                    bbox: bbox_of(&pts),
                    pts,
                });
                start = end;
            }
        }
        // Fill: a sweep-line triangulation (O(n log n), holes and self-crossings handled).
        let shape: Vec<Vec<[f64; 2]>> = rings.clone();
        let tri = shape.triangulate().to_triangulation::<u32>();
        tiles.extend(tile(&tri.points, &tri.indices));
    }
    Level {
        tol_m,
        vertices: count(polys),
        tiles,
        runs,
    }
}

/// Cuts a triangulation into tiles of about [`TILE_TRIANGLES`] triangles by a grid over
/// the triangles' centres, each tile with its own vertices.
fn tile(points: &[[f64; 2]], indices: &[u32]) -> Vec<Tile> {
    let n_tris = indices.len() / 3;
    if n_tris == 0 {
        return Vec::new();
    }
    let (min, max) = bbox_of(points.iter());
    let k = ((n_tris as f64 / TILE_TRIANGLES as f64).sqrt().ceil() as usize).clamp(1, 256);
    let w = ((max[0] - min[0]) / k as f64).max(f64::MIN_POSITIVE);
    let h = ((max[1] - min[1]) / k as f64).max(f64::MIN_POSITIVE);
    let mut cells: Vec<Vec<usize>> = vec![Vec::new(); k * k];
    for (t, tri) in indices.chunks_exact(3).enumerate() {
        let c = [0, 1, 2].map(|i| points[tri[i] as usize]);
        let cx = (c[0][0] + c[1][0] + c[2][0]) / 3.0;
        let cy = (c[0][1] + c[1][1] + c[2][1]) / 3.0;
        let ix = (((cx - min[0]) / w) as usize).min(k - 1);
        let iy = (((cy - min[1]) / h) as usize).min(k - 1);
        cells[iy * k + ix].push(t);
    }
    let mut remap = vec![u32::MAX; points.len()];
    let mut out = Vec::new();
    for cell in cells.into_iter().filter(|c| !c.is_empty()) {
        let mut verts: Vec<World> = Vec::new();
        let mut tris = Vec::with_capacity(cell.len() * 3);
        for t in &cell {
            for &i in &indices[t * 3..t * 3 + 3] {
                let slot = &mut remap[i as usize];
                if *slot == u32::MAX {
                    *slot = u32::try_from(verts.len()).unwrap_or(u32::MAX);
                    verts.push(points[i as usize]);
                }
                tris.push(*slot);
            }
        }
        for t in &cell {
            for &i in &indices[t * 3..t * 3 + 3] {
                remap[i as usize] = u32::MAX;
            }
        }
        out.push(Tile {
            bbox: bbox_of(&verts),
            verts,
            tris,
        });
    }
    out
}

impl SiteShape {
    /// Prepares the polygons of `g` (points and lines give an empty shape). Where the site's
    /// symbol goes is the map's per-change geometry facts, not this.
    pub fn build(tm3: &Tm3, g: &Geometry<f64>, stamp: u64) -> SiteShape {
        let parts: Vec<&Polygon<f64>> = match g {
            Geometry::Polygon(p) => vec![p],
            Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
            _ => Vec::new(),
        };
        let full: Vec<Rings> = parts
            .iter()
            .map(|p| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(|r| project_ring(tm3, r))
                    .filter(|r| r.len() >= 4)
                    .collect::<Rings>()
            })
            .filter(|rings: &Rings| !rings.is_empty())
            .collect();
        let bbox = bbox_of(full.iter().flatten().flatten());
        let mut levels = vec![build_level(&full, 0.0)];
        if count(&full) > LEVELS_ABOVE {
            let mut prev = full;
            for tol in LEVEL_TOLERANCES_M {
                let next: Vec<Rings> = prev
                    .iter()
                    .map(|rings| {
                        rings
                            .iter()
                            .map(|r| simplify_ring(r, tol))
                            .filter(|r| r.len() >= 4)
                            .collect::<Rings>()
                    })
                    .filter(|rings: &Rings| !rings.is_empty())
                    .collect();
                if next.is_empty() {
                    break;
                }
                let (n_prev, n_next) = (count(&prev), count(&next));
                // A level is worth keeping when it drops a good share of the vertices.
                if (n_next as f64) < 0.7 * n_prev as f64 {
                    levels.push(build_level(&next, tol));
                    prev = next;
                } else if let Some(last) = levels.last_mut() {
                    // As good as the previous level at this tolerance too.
                    last.tol_m = tol;
                }
                if count(&prev) < 64 {
                    break;
                }
            }
        }
        SiteShape {
            stamp,
            bbox,
            levels,
        }
    }

    /// How many vertices each level holds, finest first (for tests and timing).
    pub fn level_vertices(&self) -> Vec<usize> {
        self.levels.iter().map(|l| l.vertices).collect()
    }

    /// Whether the site has anything to fill or stroke.
    pub fn is_empty(&self) -> bool {
        self.levels.iter().all(|l| l.runs.is_empty())
    }

    /// The coarsest level whose error stays under half a pixel.
    fn level_for(&self, m_per_px: f64) -> Option<&Level> {
        self.levels
            .iter()
            .rev()
            .find(|l| l.tol_m <= 0.5 * m_per_px)
            .or(self.levels.first())
    }

    /// How many vertices a frame at `m_per_px` would draw (for tests and timing).
    pub fn vertices_at(&self, m_per_px: f64) -> usize {
        self.level_for(m_per_px).map_or(0, |l| l.vertices)
    }

    /// Fills the site's visible tiles with `fill`.
    pub fn paint_fill(&self, painter: &egui::Painter, pr: &Projector, fill: Color32) {
        let Some(level) = self.level_for(pr.view.m_per_px) else {
            return;
        };
        let view = pr.visible();
        if !overlaps(self.bbox, view) {
            return;
        }
        let mut mesh = Mesh::default();
        for t in level.tiles.iter().filter(|t| overlaps(t.bbox, view)) {
            let base = mesh.vertices.len() as u32;
            for v in &t.verts {
                mesh.colored_vertex(pr.screen_from_world(*v), fill);
            }
            for tri in t.tris.chunks_exact(3) {
                mesh.add_triangle(base + tri[0], base + tri[1], base + tri[2]);
            }
            if mesh.vertices.len() > 60_000 {
                painter.add(Shape::mesh(std::mem::take(&mut mesh)));
            }
        }
        if !mesh.vertices.is_empty() {
            painter.add(Shape::mesh(mesh));
        }
    }

    /// Fills the site's visible tiles with a repeating texture (a hatch) tinted `tint`,
    /// `tile_px` screen pixels a repeat.
    pub fn paint_fill_textured(
        &self,
        painter: &egui::Painter,
        pr: &Projector,
        texture: egui::TextureId,
        tint: Color32,
        tile_px: f32,
    ) {
        let Some(level) = self.level_for(pr.view.m_per_px) else {
            return;
        };
        let view = pr.visible();
        if !overlaps(self.bbox, view) {
            return;
        }
        let mut mesh = Mesh::with_texture(texture);
        for t in level.tiles.iter().filter(|t| overlaps(t.bbox, view)) {
            let base = mesh.vertices.len() as u32;
            for v in &t.verts {
                let p = pr.screen_from_world(*v);
                mesh.vertices.push(egui::epaint::Vertex {
                    pos: p,
                    uv: Pos2::new(p.x / tile_px, p.y / tile_px),
                    color: tint,
                });
            }
            for tri in t.tris.chunks_exact(3) {
                mesh.add_triangle(base + tri[0], base + tri[1], base + tri[2]);
            }
        }
        if !mesh.vertices.is_empty() {
            painter.add(Shape::mesh(mesh));
        }
    }

    /// Strokes the site's visible outline, solid or dashed (dash and gap, pixels).
    pub fn paint_outline(
        &self,
        painter: &egui::Painter,
        pr: &Projector,
        stroke: Stroke,
        dash: Option<(f32, f32)>,
    ) {
        let Some(level) = self.level_for(pr.view.m_per_px) else {
            return;
        };
        let view = pr.visible();
        if !overlaps(self.bbox, view) {
            return;
        }
        for r in level.runs.iter().filter(|r| overlaps(r.bbox, view)) {
            let mut pts: Vec<Pos2> = Vec::with_capacity(r.pts.len());
            for w in &r.pts {
                let s = pr.screen_from_world(*w);
                if pts.last().is_some_and(|l: &Pos2| l.distance_sq(s) < 0.5) {
                    continue;
                }
                pts.push(s);
            }
            if pts.len() < 2 {
                continue;
            }
            if let Some((d, g)) = dash {
                painter.extend(Shape::dashed_line(&pts, stroke, d, g));
            } else {
                painter.add(Shape::line(pts, stroke));
            }
        }
    }
}

struct Job {
    key: SiteKey,
    stamp: u64,
    geom: Geometry<f64>,
}

/// Every site's prepared shape, kept by geometry stamp; big ones prepared on a worker.
pub struct ShapeCache {
    shapes: HashMap<SiteKey, SiteShape>,
    asked: HashMap<SiteKey, u64>,
    jobs: mpsc::Sender<Job>,
    done: mpsc::Receiver<(SiteKey, SiteShape)>,
}

impl ShapeCache {
    /// `wake` is called when a shape prepared in the background is ready.
    pub fn new(wake: Box<dyn Fn() + Send>) -> ShapeCache {
        let (jobs_tx, jobs_rx) = mpsc::channel::<Job>();
        let (done_tx, done_rx) = mpsc::channel();
        // The worker ends when the cache is dropped (its channel closes).
        let _ = std::thread::Builder::new()
            .name("qn-shapes".into())
            .spawn(move || {
                let Ok(tm3) = Tm3::new() else { return };
                while let Ok(first) = jobs_rx.recv() {
                    let mut batch = vec![first];
                    while let Ok(j) = jobs_rx.try_recv() {
                        batch.retain(|b: &Job| b.key != j.key);
                        batch.push(j);
                    }
                    for job in batch {
                        let shape = SiteShape::build(&tm3, &job.geom, job.stamp);
                        if done_tx.send((job.key, shape)).is_err() {
                            return;
                        }
                        wake();
                    }
                }
            });
        ShapeCache {
            shapes: HashMap::new(),
            asked: HashMap::new(),
            jobs: jobs_tx,
            done: done_rx,
        }
    }

    fn take_done(&mut self) {
        while let Ok((key, shape)) = self.done.try_recv() {
            if self.asked.get(&key) == Some(&shape.stamp) {
                self.asked.remove(&key);
            }
            self.shapes.insert(key, shape);
        }
    }

    /// The shape of the site `key` with geometry `g` (stamp `stamp`): prepared now when small,
    /// else asked of the worker, with the previous shape (or none) until it is ready.
    pub fn get(
        &mut self,
        tm3: &Tm3,
        key: SiteKey,
        g: &Geometry<f64>,
        stamp: u64,
        vertices: usize,
    ) -> Option<&SiteShape> {
        self.take_done();
        let current = self.shapes.get(&key).is_some_and(|s| s.stamp == stamp);
        if !current {
            if vertices <= PREPARE_NOW_MAX {
                self.shapes.insert(key, SiteShape::build(tm3, g, stamp));
                self.asked.remove(&key);
            } else if self.asked.get(&key) != Some(&stamp) {
                let job = Job {
                    key,
                    stamp,
                    geom: g.clone(),
                };
                if self.jobs.send(job).is_ok() {
                    self.asked.insert(key, stamp);
                }
            }
        }
        self.shapes.get(&key)
    }

    /// The prepared shape of `key`, if any (possibly of the site's previous geometry while a
    /// big one is being prepared).
    pub fn peek(&self, key: SiteKey) -> Option<&SiteShape> {
        self.shapes.get(&key)
    }

    /// Whether any shape is still being prepared.
    pub fn busy(&mut self) -> bool {
        self.take_done();
        !self.asked.is_empty()
    }

    /// Forgets the shapes of sites no longer in the project.
    pub fn retain(&mut self, keep: impl Fn(&SiteKey) -> bool) {
        self.shapes.retain(|k, _| keep(k));
        self.asked.retain(|k, _| keep(k));
    }
}

/// How many vertices a geometry has (its rings' points).
pub fn vertex_count(g: &Geometry<f64>) -> usize {
    use geo::CoordsIter;
    g.coords_count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circle(n: usize) -> Geometry<f64> {
        let mut pts: Vec<(f64, f64)> = (0..n)
            .map(|k| {
                let t = k as f64 / n as f64 * std::f64::consts::TAU;
                let r = 0.01 * (1.0 + 0.05 * (t * 37.0).sin());
                (107.03 + r * t.cos(), 21.12 + r * t.sin())
            })
            .collect();
        pts.push(pts[0]);
        Geometry::Polygon(Polygon::new(LineString::from(pts), vec![]))
    }

    #[test]
    fn a_big_polygon_gets_coarser_levels_and_a_view_draws_a_few_of_its_vertices() {
        let tm3 = Tm3::new().unwrap();
        let s = SiteShape::build(&tm3, &circle(50_000), 1);
        let v = s.level_vertices();
        assert!(v[0] >= 49_000, "{v:?}");
        assert!(v.len() >= 3 && v.windows(2).all(|w| w[1] < w[0]), "{v:?}");
        // At 10 m a pixel (the whole province on a laptop screen is ~100 m/px) a few hundred
        // vertices are drawn, not 50,000; at 1 cm a pixel, all of them.
        assert!(s.vertices_at(10.0) < 1_000, "{}", s.vertices_at(10.0));
        assert_eq!(s.vertices_at(0.01), v[0]);
        // The fill covers the polygon: the tiles' triangles add up to its area (±1 %).
        let area: f64 = s.levels[0]
            .tiles
            .iter()
            .flat_map(|t| {
                t.tris.chunks_exact(3).map(|c| {
                    let [a, b, d] = [0, 1, 2].map(|i| t.verts[c[i] as usize]);
                    ((b[0] - a[0]) * (d[1] - a[1]) - (d[0] - a[0]) * (b[1] - a[1])).abs() / 2.0
                })
            })
            .sum();
        let exact = {
            use geo::Area;
            let Geometry::Polygon(p) = circle(50_000) else {
                unreachable!()
            };
            let proj = Polygon::new(
                LineString::from(
                    project_ring(&tm3, p.exterior())
                        .iter()
                        .map(|w| (w[0], w[1]))
                        .collect::<Vec<_>>(),
                ),
                vec![],
            );
            proj.unsigned_area()
        };
        assert!((area / exact - 1.0).abs() < 0.01, "{area} vs {exact}");
        assert!(s.levels[0].tiles.len() > 1);
    }

    #[test]
    fn a_small_polygon_is_one_level_and_a_point_has_nothing_to_draw() {
        let tm3 = Tm3::new().unwrap();
        let s = SiteShape::build(&tm3, &circle(100), 7);
        assert_eq!(s.level_vertices().len(), 1);
        assert!(!s.is_empty());
        let p = SiteShape::build(
            &tm3,
            &Geometry::Point(geo_types::Point::new(107.0, 21.0)),
            8,
        );
        assert!(p.is_empty());
    }
}
