//! What the window derives from the project and keeps between frames, per project generation:
//! each site's geometry stamp, box and anchor (its centroid, projected), the areas prepared for
//! drawing, and the drafting checks run on their own thread. Nothing here is stored; all of it
//! is rebuilt from the project when the generation changes.

use crate::analysis::checks::{
    CheckContext, Checked, Checker, Finding, geometry_stamp, is_overlap_candidate,
};
use crate::app::map::World;
use crate::app::map::sitecache::{self, ShapeCache};
use crate::io::crs::Tm3;
use crate::model::{Layer, Project, Site};
use geo::Centroid;
use std::collections::HashMap;
use std::sync::Arc;

/// What the map needs of a site's geometry, computed once per change of it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GeomMeta {
    pub stamp: u64,
    /// Lon/lat box.
    pub bbox: Option<geo_types::Rect<f64>>,
    /// The centroid, projected: where the symbol goes.
    pub anchor: Option<World>,
}

impl GeomMeta {
    fn of(s: &Site, stamp: u64, tm3: &Tm3) -> GeomMeta {
        use geo::BoundingRect;
        let g = s.geom.as_ref();
        GeomMeta {
            stamp,
            bbox: g.and_then(|g| g.bounding_rect()),
            anchor: g.and_then(centroid).and_then(|c| project(tm3, c)),
        }
    }
}

fn centroid(g: &geo_types::Geometry<f64>) -> Option<geo_types::Point<f64>> {
    match g {
        geo_types::Geometry::Point(p) => Some(*p),
        other => other.centroid(),
    }
}

fn project(tm3: &Tm3, c: geo_types::Point<f64>) -> Option<World> {
    tm3.tm3_from_lonlat(c.x(), c.y()).ok().map(|(e, n)| [e, n])
}

/// The caches derived from the project (see the module comment).
pub(crate) struct Derived {
    /// The areas prepared for drawing.
    pub shapes: ShapeCache,
    /// Each site's geometry stamp, box and anchor, for generation `stamps_gen`.
    pub metas: HashMap<(Layer, i64), GeomMeta>,
    stamps_gen: u64,
    /// The drafting checks, run on their own thread.
    checker: Checker,
    /// Per project generation: the overlap candidates' stamp.
    check_others_stamp: u64,
    checks_gen: u64,
}

impl Derived {
    /// `wake` asks for a repaint when a shape or a check finishes on its thread.
    pub fn new(checks: Arc<CheckContext>, wake: impl Fn() + Clone + Send + 'static) -> Derived {
        let w2 = wake.clone();
        Derived {
            shapes: ShapeCache::new(Box::new(wake)),
            metas: HashMap::new(),
            stamps_gen: u64::MAX,
            checker: Checker::new(checks, Box::new(w2)),
            check_others_stamp: 0,
            checks_gen: u64::MAX,
        }
    }

    /// The geometry stamps of the sites, computed once per change of the project.
    pub fn refresh(&mut self, project: &Project, generation: u64, tm3: &Tm3) {
        if self.stamps_gen == generation {
            return;
        }
        self.stamps_gen = generation;
        let mut old = std::mem::take(&mut self.metas);
        for s in &project.sites {
            let key = (s.layer, s.fid);
            let stamp = geometry_stamp(s.geom.as_ref());
            let meta = match old.remove(&key) {
                // Same geometry: its box and anchor still hold.
                Some(m) if m.stamp == stamp => m,
                _ => GeomMeta::of(s, stamp, tm3),
            };
            self.metas.insert(key, meta);
        }
        self.shapes
            .retain(|(l, f)| project.site(*l, *f).is_some_and(Site::is_area));
    }

    /// Makes sure every area of a layer `shown` has its prepared shape (small ones now, big
    /// ones on the worker).
    pub fn prepare_shapes(
        &mut self,
        project: &Project,
        generation: u64,
        tm3: &Tm3,
        shown: impl Fn(Layer) -> bool,
    ) {
        self.refresh(project, generation, tm3);
        for s in &project.sites {
            if !s.is_area() || !shown(s.layer) {
                continue;
            }
            let Some(g) = &s.geom else { continue };
            let key = (s.layer, s.fid);
            let stamp = self.metas.get(&key).map_or(0, |m| m.stamp);
            self.shapes
                .get(tm3, key, g, stamp, sitecache::vertex_count(g));
        }
    }

    /// Where a site's symbol goes (its centroid, projected): computed once per change of the
    /// geometry for areas, at once for the rest.
    pub fn anchor_world(&self, s: &Site, generation: u64, tm3: &Tm3) -> Option<World> {
        let g = s.geom.as_ref()?;
        if s.is_area()
            && let Some(m) = self.metas.get(&(s.layer, s.fid))
            && self.stamps_gen == generation
        {
            return m.anchor;
        }
        project(tm3, centroid(g)?)
    }

    /// Whether the prepared shape of `key` is missing or older than its geometry.
    pub fn shape_stale(&self, key: (Layer, i64)) -> bool {
        self.shapes
            .peek(key)
            .is_none_or(|sh| Some(sh.stamp) != self.metas.get(&key).map(|m| m.stamp))
    }

    /// What the background checker knows of one site; sends the check when the site (or an
    /// area it may overlap) changed since the last one.
    pub fn checked(
        &mut self,
        project: &Project,
        generation: u64,
        tm3: &Tm3,
        layer: Layer,
        fid: i64,
    ) -> Checked {
        self.refresh(project, generation, tm3);
        if self.checks_gen != generation {
            self.checks_gen = generation;
            let metas = &self.metas;
            self.check_others_stamp = Checker::others_stamp(project.sites.iter().map(|s| {
                let g = metas.get(&(s.layer, s.fid)).map_or(0, |m| m.stamp);
                (s, g)
            }));
            self.checker.retain(|(l, f)| project.site(*l, *f).is_some());
        }
        let Some(site) = project.site(layer, fid) else {
            return Checked::Ready(Vec::new());
        };
        let geom = self.metas.get(&(layer, fid)).map(|m| m.stamp);
        let stamp = Checker::stamp(
            geom.unwrap_or_else(|| geometry_stamp(site.geom.as_ref())),
            self.check_others_stamp,
        );
        let metas = &self.metas;
        let near = metas.get(&(layer, fid)).and_then(|m| m.bbox);
        self.checker.get(site, stamp, || {
            // Only the candidates whose box meets the site's travel to the checker.
            Arc::new(
                project
                    .sites
                    .iter()
                    .filter(|o| is_overlap_candidate(o) && (o.layer, o.fid) != (layer, fid))
                    .filter(|o| {
                        let b = metas.get(&(o.layer, o.fid)).and_then(|m| m.bbox);
                        matches!((near, b), (Some(a), Some(b)) if geo::Intersects::intersects(&a, &b))
                    })
                    .cloned()
                    .collect(),
            )
        })
    }

    /// The findings of one site: the newest the background checker has (those of the site's
    /// previous state while a new check runs), none before its first check ends.
    pub fn findings_of(
        &mut self,
        project: &Project,
        generation: u64,
        tm3: &Tm3,
        layer: Layer,
        fid: i64,
    ) -> Vec<Finding> {
        match self.checked(project, generation, tm3, layer, fid) {
            Checked::Ready(f) | Checked::Stale(f) => f,
            Checked::Pending => Vec::new(),
        }
    }

    /// Waits until the background checks asked for so far are done.
    pub fn settle_checks(&mut self) -> bool {
        self.checker.settle(std::time::Duration::from_secs(30))
    }
}
