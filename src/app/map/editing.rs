//! Drafting tools on the map: add a point, draw a polygon, move a feature, move/insert/delete
//! vertices, measure; snapping to the visible features. Every change goes out as an `Edit`
//! as commands that `QnApp::run_commands` applies at the end of the frame, never straight to
//! the file.

use super::rings::{closest_on_segment, polygons, polygons_mut, ring_mut, set_ring};
use super::{MapCtx, Projector, World};
use crate::app::command::{Command, Panel, Then, merge_key};
use crate::app::i18n::tr;
use crate::app::paint;
use crate::edit::Edit;
use crate::io::crs::geodesic_distance_m;
use crate::model::{DraftAction, Layer, Site, Status};
use egui::{Color32, Key, Pos2, Shape, Stroke, Vec2};
use geo_types::{Coord, Geometry, LineString, Point, Polygon};

/// Today's date (UTC), as drafting edits record it.
fn today() -> String {
    crate::scenario::now_utc_iso().chars().take(10).collect()
}

/// The most vertex handles shown at once.
const MAX_HANDLES: usize = 2_000;

/// The active drafting tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Select,
    AddPoint,
    DrawPolygon,
    MoveFeature,
    EditVertices,
    Measure,
}

impl Tool {
    pub const ALL: [Tool; 6] = [
        Tool::Select,
        Tool::AddPoint,
        Tool::DrawPolygon,
        Tool::MoveFeature,
        Tool::EditVertices,
        Tool::Measure,
    ];

    pub fn label(self, lang: crate::lang::Language) -> &'static str {
        match self {
            Tool::Select => tr(lang, "Chọn", "Select"),
            Tool::AddPoint => tr(lang, "Thêm điểm", "Add point"),
            Tool::DrawPolygon => tr(lang, "Vẽ vùng", "Draw polygon"),
            Tool::MoveFeature => tr(lang, "Di chuyển", "Move"),
            Tool::EditVertices => tr(lang, "Sửa đỉnh", "Edit vertices"),
            Tool::Measure => tr(lang, "Đo", "Measure"),
        }
    }

    pub fn shortcut(self) -> Key {
        match self {
            Tool::Select => Key::S,
            Tool::AddPoint => Key::P,
            Tool::DrawPolygon => Key::D,
            Tool::MoveFeature => Key::M,
            Tool::EditVertices => Key::V,
            Tool::Measure => Key::R,
        }
    }
}

/// What a drag in progress is moving.
#[derive(Debug, Clone)]
enum DragKind {
    /// The whole feature, from its geometry at the start of the drag.
    Feature {
        start: World,
        original: Geometry<f64>,
    },
    /// One vertex of polygon `part`, ring `ring` (0 = exterior), index `index`.
    Vertex {
        part: usize,
        ring: usize,
        index: usize,
    },
}

#[derive(Debug, Clone)]
struct Drag {
    layer: Layer,
    fid: i64,
    kind: DragKind,
    merge_key: u64,
}

/// A point the cursor snapped to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    pub world: World,
    pub on_vertex: bool,
}

/// State of the drafting tools.
#[derive(Debug, Clone)]
pub struct Editor {
    pub tool: Tool,
    /// Layer that new features go into.
    pub active_layer: Layer,
    /// Vertices of the polygon being drawn (world).
    pub drawing: Vec<World>,
    /// When drawing the boundary of an existing site (a seeded point), that site.
    pub boundary_of: Option<(Layer, i64)>,
    /// Points of the measuring line (world).
    pub measure: Vec<World>,
    pub measure_done: bool,
    drag: Option<Drag>,
    pub snap: Option<Snap>,
    /// Snapping tolerance in points.
    pub snap_px: f32,
    /// A feature waiting for the user to confirm its deletion.
    pub confirm_delete: Option<(Layer, i64)>,
}

impl Default for Editor {
    fn default() -> Self {
        Editor {
            tool: Tool::Select,
            active_layer: Layer::ProposedClusters,
            drawing: Vec::new(),
            boundary_of: None,
            measure: Vec::new(),
            measure_done: false,
            drag: None,
            snap: None,
            snap_px: 10.0,
            confirm_delete: None,
        }
    }
}

impl Editor {
    /// Starts drawing the boundary of site `fid` of `layer` (the form's "Draw boundary").
    pub fn draw_boundary_of(&mut self, layer: Layer, fid: i64) {
        self.tool = Tool::DrawPolygon;
        self.drawing.clear();
        self.boundary_of = Some((layer, fid));
    }

    /// Takes tool `t`; a different tool drops what the last one had begun.
    pub fn set_tool(&mut self, t: Tool) {
        if self.tool != t {
            self.drawing.clear();
            self.boundary_of = None;
            self.measure.clear();
            self.measure_done = false;
        }
        self.tool = t;
    }

    /// The current measurement: geodesic length along the line (to the cursor while still
    /// measuring) and, with three points or more, the geodesic area of the closed polygon.
    pub fn measurement(
        &self,
        tm3: &crate::io::crs::Tm3,
        cursor: Option<World>,
    ) -> Option<Measurement> {
        let mut pts: Vec<World> = self.measure.clone();
        if !self.measure_done
            && let Some(c) = cursor
        {
            pts.push(c);
        }
        if pts.len() < 2 {
            return None;
        }
        let ll: Vec<Coord<f64>> = pts.iter().filter_map(|w| lonlat(tm3, *w)).collect();
        let length_m = ll
            .windows(2)
            .map(|w| geodesic_distance_m((w[0].x, w[0].y), (w[1].x, w[1].y)))
            .sum();
        let area_ha = (ll.len() >= 3).then(|| {
            let mut ring = ll.clone();
            ring.push(ll[0]);
            crate::model::geodesic_area_ha(&Geometry::Polygon(Polygon::new(
                LineString(ring),
                vec![],
            )))
            .unwrap_or(0.0)
        });
        Some(Measurement { length_m, area_ha })
    }
}

fn lonlat(tm3: &crate::io::crs::Tm3, w: World) -> Option<Coord<f64>> {
    tm3.lonlat_from_tm3(w[0], w[1])
        .ok()
        .map(|(x, y)| Coord { x, y })
}

impl MapCtx<'_> {
    pub(crate) fn lonlat(&self, w: World) -> Option<Coord<f64>> {
        lonlat(self.tm3, w)
    }

    fn world(&self, c: Coord<f64>) -> Option<World> {
        self.tm3.tm3_from_lonlat(c.x, c.y).ok().map(|(e, n)| [e, n])
    }

    /// Snaps `pos` to a vertex, else an edge, of the visible features within the tolerance.
    /// `skip` leaves out one vertex (the one being dragged).
    pub(crate) fn snap_at(
        &self,
        pr: &Projector,
        pos: Pos2,
        skip: Option<(Layer, i64, usize, usize, usize)>,
    ) -> Option<Snap> {
        let tol = self.st.editor.snap_px;
        let mut best_vertex: Option<(f32, World)> = None;
        let mut best_edge: Option<(f32, World)> = None;
        for s in &self.project.sites {
            if !self.is_layer_visible(s.layer) {
                continue;
            }
            let Some(g) = &s.geom else { continue };
            if let Geometry::Point(p) = g {
                if let Some(w) = self.world(p.0) {
                    let d = pr.screen_from_world(w).distance(pos);
                    if d <= tol && best_vertex.is_none_or(|b| d < b.0) {
                        best_vertex = Some((d, w));
                    }
                }
                continue;
            }
            for (pi, poly) in polygons(g).into_iter().enumerate() {
                let rings = std::iter::once(poly.exterior()).chain(poly.interiors());
                for (ri, ring) in rings.enumerate() {
                    let pts: Vec<(usize, World, Pos2)> = ring
                        .0
                        .iter()
                        .enumerate()
                        .filter_map(|(i, c)| {
                            self.world(*c).map(|w| (i, w, pr.screen_from_world(w)))
                        })
                        .collect();
                    for (i, w, sp) in &pts {
                        if skip == Some((s.layer, s.fid, pi, ri, *i)) {
                            continue;
                        }
                        let d = sp.distance(pos);
                        if d <= tol && best_vertex.is_none_or(|b| d < b.0) {
                            best_vertex = Some((d, *w));
                        }
                    }
                    for win in pts.windows(2) {
                        let (ia, _, a) = win[0];
                        let (ib, _, b) = win[1];
                        if let Some((_, _, _, _, k)) = skip.filter(|s2| {
                            s2.0 == s.layer && s2.1 == s.fid && s2.2 == pi && s2.3 == ri
                        }) && (k == ia || k == ib)
                        {
                            continue;
                        }
                        let c = closest_on_segment(pos, a, b);
                        let d = c.distance(pos);
                        if d <= tol && best_edge.is_none_or(|e| d < e.0) {
                            best_edge = Some((d, pr.world_from_screen(c)));
                        }
                    }
                }
            }
        }
        if let Some((_, w)) = best_vertex {
            return Some(Snap {
                world: w,
                on_vertex: true,
            });
        }
        best_edge.map(|(_, w)| Snap {
            world: w,
            on_vertex: false,
        })
    }

    /// The world point for a click at `pos`: snapped unless Shift is held.
    fn placed_point(
        &self,
        ui: &egui::Ui,
        pr: &Projector,
        pos: Pos2,
        skip: Option<(Layer, i64, usize, usize, usize)>,
    ) -> World {
        let no_snap = ui.input(|i| i.modifiers.shift);
        if no_snap {
            return pr.world_from_screen(pos);
        }
        self.snap_at(pr, pos, skip)
            .map(|s| s.world)
            .unwrap_or_else(|| pr.world_from_screen(pos))
    }

    fn new_site_name(&self) -> &'static str {
        match self.st.editor.active_layer {
            Layer::IndustrialZones => "Khu công nghiệp mới",
            Layer::CraftVillages => "Làng nghề mới",
            Layer::IndustrialCentres => "Nhà máy mới",
            _ => "Cụm công nghiệp mới",
        }
    }

    /// Ends the polygon being drawn: a new site, or the boundary of `boundary_of`.
    pub(crate) fn finish_polygon(&mut self) {
        let pts = std::mem::take(&mut self.st.editor.drawing);
        let target = self.st.editor.boundary_of.take();
        if pts.len() < 3 {
            let lang = self.view.lang;
            self.out.push(Command::ShowError(
                tr(
                    lang,
                    "Một vùng cần ít nhất 3 đỉnh.",
                    "A polygon needs at least 3 vertices.",
                )
                .to_string(),
            ));
            return;
        }
        let mut ring: Vec<Coord<f64>> = pts.iter().filter_map(|w| self.lonlat(*w)).collect();
        if let Some(f) = ring.first().copied() {
            ring.push(f);
        }
        let poly = Geometry::Polygon(Polygon::new(LineString(ring), vec![]));
        match target.and_then(|(l, f)| self.project.site(l, f).cloned()) {
            Some(before) => {
                let mut after = before.clone();
                after.geom = Some(poly);
                after.record_drafting(DraftAction::Drawn, self.author, &today(), self.view.lang);
                self.out.push(Command::edit(Edit::update(before, after)));
            }
            None => {
                let mut s = Site::new(
                    self.st.editor.active_layer,
                    self.new_site_name(),
                    Status::Proposed,
                );
                s.geom = Some(poly);
                s.record_drafting(DraftAction::Drawn, self.author, &today(), self.view.lang);
                self.out.push(Command::Edit {
                    edit: Edit::insert(s),
                    merge: None,
                    then: Then::SelectCreated,
                });
            }
        }
    }

    /// Handles the active tool's clicks, drags and keys on the map. Returns true when the
    /// tool used the drag (so the map does not pan).
    pub(crate) fn tool_input(
        &mut self,
        ui: &egui::Ui,
        resp: &egui::Response,
        pr: &Projector,
    ) -> bool {
        let typing = ui.ctx().memory(|m| m.focused().is_some());
        let hover = resp.hover_pos();
        // Snap indicator follows the cursor while placing points.
        self.st.editor.snap = match (self.st.editor.tool, hover) {
            (Tool::DrawPolygon | Tool::AddPoint | Tool::Measure | Tool::EditVertices, Some(h))
                if !ui.input(|i| i.modifiers.shift) =>
            {
                let skip = self.st.editor.drag.as_ref().and_then(|d| match d.kind {
                    DragKind::Vertex { part, ring, index } => {
                        Some((d.layer, d.fid, part, ring, index))
                    }
                    _ => None,
                });
                self.snap_at(pr, h, skip)
            }
            _ => None,
        };
        if !typing {
            let (esc, enter, back, del) = ui.input(|i| {
                (
                    i.key_pressed(Key::Escape),
                    i.key_pressed(Key::Enter),
                    i.key_pressed(Key::Backspace),
                    i.key_pressed(Key::Delete),
                )
            });
            match self.st.editor.tool {
                Tool::DrawPolygon => {
                    if esc {
                        self.st.editor.drawing.clear();
                        self.st.editor.boundary_of = None;
                    }
                    if back {
                        self.st.editor.drawing.pop();
                    }
                    if enter && !self.st.editor.drawing.is_empty() {
                        self.finish_polygon();
                    }
                }
                Tool::Measure => {
                    if esc {
                        self.st.editor.measure.clear();
                        self.st.editor.measure_done = false;
                    }
                    if back {
                        self.st.editor.measure.pop();
                    }
                }
                _ => {
                    if esc {
                        self.st.selected = None;
                    }
                }
            }
            if del && self.st.selection.len() > 1 && self.st.editor.tool != Tool::EditVertices {
                self.out.push(Command::ConfirmDeleteSelection);
            } else if del
                && let Some(sel) = self.st.selected
                && self.st.editor.tool != Tool::EditVertices
            {
                self.st.editor.confirm_delete = Some(sel);
            }
        }
        match self.st.editor.tool {
            Tool::Select => self.rubber_input(ui, resp, pr),
            Tool::AddPoint => {
                if resp.clicked()
                    && let Some(p) = resp.interact_pointer_pos()
                {
                    let w = self.placed_point(ui, pr, p, None);
                    if let Some(c) = self.lonlat(w) {
                        let mut s = Site::new(
                            self.st.editor.active_layer,
                            self.new_site_name(),
                            Status::Proposed,
                        );
                        s.geom = Some(Geometry::Point(Point(c)));
                        s.record_drafting(
                            DraftAction::Placed,
                            self.author,
                            &today(),
                            self.view.lang,
                        );
                        self.out.push(Command::Edit {
                            edit: Edit::insert(s),
                            merge: None,
                            then: Then::SelectCreated,
                        });
                    }
                }
                false
            }
            Tool::DrawPolygon => {
                if resp.double_clicked() {
                    // The first click of the double-click already added the last vertex.
                    self.finish_polygon();
                } else if resp.clicked()
                    && let Some(p) = resp.interact_pointer_pos()
                {
                    let w = self.placed_point(ui, pr, p, None);
                    self.st.editor.drawing.push(w);
                }
                false
            }
            Tool::Measure => {
                if resp.double_clicked() {
                    self.st.editor.measure_done = true;
                } else if resp.clicked()
                    && let Some(p) = resp.interact_pointer_pos()
                {
                    if self.st.editor.measure_done {
                        self.st.editor.measure.clear();
                        self.st.editor.measure_done = false;
                    }
                    let w = self.placed_point(ui, pr, p, None);
                    self.st.editor.measure.push(w);
                }
                false
            }
            Tool::MoveFeature => self.move_input(ui, resp, pr),
            Tool::EditVertices => self.vertex_input(ui, resp, pr),
        }
    }

    fn fresh_merge_key(&mut self) -> u64 {
        self.st.gestures += 1;
        merge_key(Panel::Map, self.st.gestures)
    }

    fn move_input(&mut self, ui: &egui::Ui, resp: &egui::Response, pr: &Projector) -> bool {
        if resp.drag_started()
            && let Some(origin) = ui.input(|i| i.pointer.press_origin())
        {
            let hit = self.hit_test(pr, origin, 12.0);
            if let Some((layer, fid)) = hit
                && let Some(g) = self.project.site(layer, fid).and_then(|s| s.geom.clone())
            {
                self.st.selected = Some((layer, fid));
                let key = self.fresh_merge_key();
                self.st.editor.drag = Some(Drag {
                    layer,
                    fid,
                    kind: DragKind::Feature {
                        start: pr.world_from_screen(origin),
                        original: g,
                    },
                    merge_key: key,
                });
            }
        }
        let Some(drag) = self.st.editor.drag.clone() else {
            if resp.clicked()
                && let Some(p) = resp.interact_pointer_pos()
            {
                self.st.selected = self.hit_test(pr, p, 12.0);
            }
            return false;
        };
        if resp.dragged()
            && let (Some(p), DragKind::Feature { start, original }) =
                (resp.interact_pointer_pos(), &drag.kind)
        {
            let now = pr.world_from_screen(p);
            let d = [now[0] - start[0], now[1] - start[1]];
            let me = &*self;
            let g = {
                use geo::MapCoords;
                original.map_coords(|c| {
                    me.world(c)
                        .and_then(|w| me.lonlat([w[0] + d[0], w[1] + d[1]]))
                        .unwrap_or(c)
                })
            };
            if let Some(before) = self.project.site(drag.layer, drag.fid).cloned() {
                let mut after = before.clone();
                after.geom = Some(g);
                after.record_drafting(DraftAction::Moved, self.author, &today(), self.view.lang);
                self.out.push(Command::merged(
                    Edit::update(before, after),
                    Some(drag.merge_key),
                ));
            }
        }
        if resp.drag_stopped() {
            self.st.editor.drag = None;
        }
        true
    }

    /// Screen positions of the selected polygon's vertices and segment midpoints.
    /// The vertex and midpoint handles on screen of the selected polygon (none when more than
    /// [`MAX_HANDLES`] vertices are on screen: they could not be told apart).
    fn handles(&self, pr: &Projector) -> Vec<(usize, usize, usize, Pos2, bool)> {
        let mut out = Vec::new();
        let Some((l, f)) = self.st.selected else {
            return out;
        };
        let Some(g) = self.project.site(l, f).and_then(|s| s.geom.as_ref()) else {
            return out;
        };
        for (pi, poly) in polygons(g).into_iter().enumerate() {
            for (ri, ring) in std::iter::once(poly.exterior())
                .chain(poly.interiors())
                .enumerate()
            {
                let n = ring.0.len().saturating_sub(1); // last repeats the first
                for i in 0..n {
                    let (Some(a), Some(b)) = (self.world(ring.0[i]), self.world(ring.0[i + 1]))
                    else {
                        continue;
                    };
                    let sa = pr.screen_from_world(a);
                    let sb = pr.screen_from_world(b);
                    let screen = pr.rect.expand(10.0);
                    if !screen.contains(sa) && !screen.contains(sb) {
                        continue;
                    }
                    out.push((pi, ri, i, sa, true));
                    out.push((pi, ri, i, sa + (sb - sa) * 0.5, false));
                    if out.len() > 2 * MAX_HANDLES {
                        // Too dense to grab one: zoom in to edit this part.
                        return Vec::new();
                    }
                }
            }
        }
        out
    }

    fn vertex_input(&mut self, ui: &egui::Ui, resp: &egui::Response, pr: &Projector) -> bool {
        let handles = self.handles(pr);
        let near = |p: Pos2| {
            handles
                .iter()
                .filter(|h| h.3.distance(p) <= 8.0)
                .min_by(|a, b| a.3.distance(p).total_cmp(&b.3.distance(p)))
                .copied()
        };
        // Right-click on a vertex deletes it (a ring keeps at least 3 distinct vertices).
        if resp.secondary_clicked()
            && let Some(p) = resp.interact_pointer_pos()
            && let Some((pi, ri, i, _, true)) = near(p)
        {
            self.edit_ring(pi, ri, None, |ring| {
                let n = ring.len() - 1;
                if n <= 3 {
                    return false;
                }
                ring.remove(i);
                if i == 0 {
                    let first = ring[0];
                    if let Some(last) = ring.last_mut() {
                        *last = first;
                    }
                }
                true
            });
            return true;
        }
        if resp.drag_started()
            && let Some(origin) = ui.input(|i| i.pointer.press_origin())
            && let Some((pi, ri, i, _, is_vertex)) = near(origin)
            && let Some((layer, fid)) = self.st.selected
        {
            let key = self.fresh_merge_key();
            let index = if is_vertex {
                i
            } else {
                // Dragging a midpoint inserts a vertex there, then drags it.
                let w = pr.world_from_screen(origin);
                let Some(c) = self.lonlat(w) else { return true };
                if !self.edit_ring(pi, ri, Some(key), |ring| {
                    ring.insert(i + 1, c);
                    true
                }) {
                    return true;
                }
                i + 1
            };
            self.st.editor.drag = Some(Drag {
                layer,
                fid,
                kind: DragKind::Vertex {
                    part: pi,
                    ring: ri,
                    index,
                },
                merge_key: key,
            });
            // A midpoint's new vertex is applied at the end of this frame: the drag moves it
            // from the next frame on, built on the site as it then is.
            return true;
        }
        if let Some(drag) = self.st.editor.drag.clone() {
            if resp.dragged()
                && let Some(p) = resp.interact_pointer_pos()
                && let DragKind::Vertex { part, ring, index } = drag.kind
            {
                let w =
                    self.placed_point(ui, pr, p, Some((drag.layer, drag.fid, part, ring, index)));
                if let Some(c) = self.lonlat(w) {
                    self.edit_ring(part, ring, Some(drag.merge_key), |r| {
                        if index >= r.len() {
                            return false;
                        }
                        r[index] = c;
                        let last = r.len() - 1;
                        if index == 0 {
                            r[last] = c;
                        }
                        true
                    });
                }
            }
            if resp.drag_stopped() {
                self.st.editor.drag = None;
            }
            return true;
        }
        if resp.clicked()
            && let Some(p) = resp.interact_pointer_pos()
            && near(p).is_none()
        {
            self.st.selected = self.hit_test(pr, p, 12.0);
        }
        false
    }

    /// Changes ring `ri` of polygon `pi` of the selected site through an edit (applied at the
    /// end of the frame). `change` returns false to leave it unchanged. Returns whether an
    /// edit was asked for.
    fn edit_ring(
        &mut self,
        pi: usize,
        ri: usize,
        merge: Option<u64>,
        change: impl FnOnce(&mut Vec<Coord<f64>>) -> bool,
    ) -> bool {
        let Some((l, f)) = self.st.selected else {
            return false;
        };
        let Some(before) = self.project.site(l, f).cloned() else {
            return false;
        };
        let mut after = before.clone();
        let Some(g) = after.geom.as_mut() else {
            return false;
        };
        let mut polys = polygons_mut(g);
        let Some(poly) = polys.get_mut(pi) else {
            return false;
        };
        let Some(mut ring) = ring_mut(poly, ri) else {
            return false;
        };
        if !change(&mut ring) {
            return false;
        }
        set_ring(poly, ri, ring);
        after.record_drafting(DraftAction::Reshaped, self.author, &today(), self.view.lang);
        self.out
            .push(Command::merged(Edit::update(before, after), merge));
        true
    }

    /// The feature under `pos` within `tol` points: polygons by containment, points by distance.
    pub(crate) fn hit_test(&self, pr: &Projector, pos: Pos2, tol: f32) -> Option<(Layer, i64)> {
        let mut best: Option<(f32, Layer, i64)> = None;
        for s in &self.project.sites {
            if !self.is_layer_visible(s.layer) {
                continue;
            }
            let Some(w) = self.anchor_world(s) else {
                continue;
            };
            let d = pr.screen_from_world(w).distance(pos);
            if d <= tol && best.is_none_or(|b| d < b.0) {
                best = Some((d, s.layer, s.fid));
            }
        }
        if let Some((_, l, f)) = best {
            return Some((l, f));
        }
        let w = pr.world_from_screen(pos);
        let c = self.lonlat(w)?;
        use geo::Contains;
        self.project
            .sites
            .iter()
            .filter(|s| self.is_layer_visible(s.layer))
            .filter(|s| {
                // The prepared box first: a click far from a huge polygon costs nothing.
                let key = (s.layer, s.fid);
                self.derived.shapes.peek(key).is_none_or(|sh| {
                    self.derived.shape_stale(key)
                        || sh.bbox.0[0] <= w[0]
                            && w[0] <= sh.bbox.1[0]
                            && sh.bbox.0[1] <= w[1]
                            && w[1] <= sh.bbox.1[1]
                })
            })
            .find(|s| {
                s.geom
                    .as_ref()
                    .is_some_and(|g| polygons(g).iter().any(|p| p.contains(&Point(c))))
            })
            .map(|s| (s.layer, s.fid))
    }

    /// Draws the tools' overlays: the polygon being drawn, vertex handles, snap, measure.
    pub(crate) fn paint_tool_overlay(
        &self,
        painter: &egui::Painter,
        pr: &Projector,
        hover: Option<Pos2>,
    ) {
        let lang = self.view.lang;
        let ink = Color32::from_rgb(0xd6, 0x27, 0x28);
        if self.st.editor.tool == Tool::DrawPolygon && !self.st.editor.drawing.is_empty() {
            let mut pts: Vec<Pos2> = self
                .st
                .editor
                .drawing
                .iter()
                .map(|w| pr.screen_from_world(*w))
                .collect();
            let cursor = self
                .st
                .editor
                .snap
                .map(|s| pr.screen_from_world(s.world))
                .or(hover);
            if let Some(c) = cursor {
                pts.push(c);
            }
            if pts.len() >= 3 {
                let mut closed = pts.clone();
                closed.push(pts[0]);
                painter.add(Shape::line(
                    closed,
                    Stroke::new(2.0, ink.gamma_multiply(0.5)),
                ));
            }
            painter.add(Shape::line(pts.clone(), Stroke::new(2.5, ink)));
            for p in &pts[..self.st.editor.drawing.len()] {
                painter.circle_filled(*p, 4.0, ink);
            }
        }
        if self.st.editor.tool == Tool::EditVertices {
            for (_, _, _, p, is_vertex) in self.handles(pr) {
                if is_vertex {
                    painter.rect_filled(
                        egui::Rect::from_center_size(p, Vec2::splat(8.0)),
                        1.0,
                        Color32::WHITE,
                    );
                    painter.rect_stroke(
                        egui::Rect::from_center_size(p, Vec2::splat(8.0)),
                        1.0,
                        Stroke::new(1.5, ink),
                        egui::StrokeKind::Middle,
                    );
                } else {
                    painter.circle_stroke(p, 3.5, Stroke::new(1.5, ink.gamma_multiply(0.7)));
                }
            }
        }
        if let Some(s) = self.st.editor.snap {
            let p = pr.screen_from_world(s.world);
            let c = Color32::from_rgb(0xcc, 0x00, 0xcc);
            if s.on_vertex {
                painter.circle_stroke(p, 7.0, Stroke::new(2.0, c));
            } else {
                painter.rect_stroke(
                    egui::Rect::from_center_size(p, Vec2::splat(10.0)),
                    0.0,
                    Stroke::new(2.0, c),
                    egui::StrokeKind::Middle,
                );
            }
        }
        if self.st.editor.tool == Tool::Measure && !self.st.editor.measure.is_empty() {
            let mut pts: Vec<Pos2> = self
                .st
                .editor
                .measure
                .iter()
                .map(|w| pr.screen_from_world(*w))
                .collect();
            if !self.st.editor.measure_done
                && let Some(h) = self
                    .st
                    .editor
                    .snap
                    .map(|s| pr.screen_from_world(s.world))
                    .or(hover)
            {
                pts.push(h);
            }
            let blue = Color32::from_rgb(0x1f, 0x4e, 0xb4);
            painter.extend(Shape::dashed_line(&pts, Stroke::new(2.0, blue), 8.0, 4.0));
            for p in &pts {
                painter.circle_filled(*p, 3.0, blue);
            }
            if let Some(m) = self
                .st
                .editor
                .measurement(self.tm3, hover.map(|h| pr.world_from_screen(h)))
            {
                let text = match m.area_ha {
                    Some(a) if a >= 100.0 => format!(
                        "{}   {:.2} km² ({a:.0} ha)",
                        fmt_dist(m.length_m),
                        a / 100.0
                    ),
                    Some(a) => format!("{}   {a:.2} ha", fmt_dist(m.length_m)),
                    None => fmt_dist(m.length_m),
                };
                let at = pts.last().copied().unwrap_or(pr.rect.center()) + Vec2::new(12.0, -12.0);
                let g = painter.layout_no_wrap(
                    format!("{}: {text}", tr(lang, "Đo", "Measure")),
                    egui::FontId::proportional(14.0),
                    Color32::BLACK,
                );
                let r = egui::Rect::from_min_size(at, g.size()).expand(4.0);
                painter.rect_filled(r, 3.0, Color32::from_rgba_unmultiplied(255, 255, 255, 230));
                painter.galley(at, g, Color32::BLACK);
            }
        }
        if let Some(hint) = self.tool_hint() {
            let g = painter.layout(
                hint,
                egui::FontId::proportional(13.0),
                Color32::BLACK,
                pr.rect.width() - 24.0,
            );
            let at = pr.rect.left_top() + Vec2::new(10.0, 8.0);
            painter.rect_filled(
                egui::Rect::from_min_size(at, g.size()).expand(5.0),
                4.0,
                Color32::from_rgba_unmultiplied(255, 255, 240, 235),
            );
            painter.galley(at, g, Color32::BLACK);
        }
        let _ = paint::SELECTION;
    }

    /// One line telling how the active tool works.
    fn tool_hint(&self) -> Option<String> {
        let lang = self.view.lang;
        let snap = tr(
            lang,
            "giữ Shift để không bắt dính",
            "hold Shift not to snap",
        );
        Some(match self.st.editor.tool {
            Tool::Select => return None,
            Tool::AddPoint => format!(
                "{} ({snap})",
                tr(lang, "Nhấp để đặt một điểm mới vào lớp đang chọn", "Click to place a new point in the chosen layer")
            ),
            Tool::DrawPolygon => {
                let how = tr(
                    lang,
                    "nhấp đặt đỉnh, nhấp đúp hoặc Enter kết thúc, Esc hủy, Backspace xóa đỉnh cuối",
                    "click to add vertices, double-click or Enter to finish, Esc to cancel, Backspace removes the last",
                );
                match self.st.editor.boundary_of.and_then(|(l, f)| self.project.site(l, f)) {
                    Some(s) => format!("{} «{}»: {how}; {snap}", tr(lang, "Vẽ ranh giới", "Boundary of"), s.name),
                    None => format!("{how}; {snap}"),
                }
            }
            Tool::MoveFeature => tr(lang, "Kéo một đối tượng để di chuyển nó", "Drag a feature to move it").to_string(),
            Tool::EditVertices => tr(
                lang,
                "Chọn một vùng; kéo đỉnh để di chuyển, kéo điểm giữa cạnh để thêm đỉnh, nhấp phải vào đỉnh để xóa",
                "Select an area; drag a vertex to move it, drag a mid-point to insert one, right-click a vertex to delete it",
            )
            .to_string(),
            Tool::Measure => format!(
                "{}; {snap}",
                tr(lang, "Nhấp các điểm để đo chiều dài (và diện tích từ 3 điểm); nhấp đúp dừng, Esc xóa", "Click points to measure length (and area from 3 points); double-click to stop, Esc clears")
            ),
        })
    }
}

/// Result of the measure tool.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    pub length_m: f64,
    pub area_ha: Option<f64>,
}

pub fn fmt_dist(m: f64) -> String {
    if m >= 1000.0 {
        format!("{:.2} km", m / 1000.0)
    } else {
        format!("{m:.0} m")
    }
}
