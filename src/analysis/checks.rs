//! Checks run while drafting a site: shape validity, overlap with zones and clusters, land
//! outside the province or at sea, and the nearest town. A finding is a warning the planner
//! may accept with a reason (stored with the site under the finding's `key`); nothing here
//! blocks an edit.

use crate::io::basemap::BaseMap;
use crate::model::{Layer, Project, Site, geodesic_area_ha};
use geo::{
    BooleanOps, BoundingRect, Centroid, Contains, Distance, Geodesic, InteriorPoint, Intersects,
};
use geo_types::{Coord, Geometry, MultiPolygon, Point, Polygon, Rect};
use std::collections::HashMap;
use std::sync::{Arc, mpsc};

/// Slivers smaller than this (0.01 ha = 100 m²) are below the precision of any data here.
pub const MIN_REPORTED_HA: f64 = 0.01;

/// What a check found.
#[derive(Debug, Clone, PartialEq)]
pub enum FindingKind {
    /// The polygon has fewer than 3 distinct vertices.
    TooFewVertices,
    /// The boundary crosses itself.
    SelfIntersection,
    /// Overlaps another zone or cluster by `area_ha`.
    Overlap {
        layer: Layer,
        fid: i64,
        name: String,
        area_ha: f64,
    },
    /// `area_ha` of the site lies on the sea.
    AtSea { area_ha: f64 },
    /// `area_ha` of the site lies on land outside Quảng Ninh.
    OutsideProvince { area_ha: f64 },
    /// A point site that is not on the province's land.
    PointNotOnProvinceLand,
    /// Information, not a warning: the nearest town or district seat.
    NearestTown { name: String, distance_m: f64 },
}

/// One finding with where to mark it on the map (lon/lat).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    pub at: Option<Point<f64>>,
}

impl Finding {
    /// Stable key under which a planner's acceptance is stored.
    pub fn key(&self) -> String {
        match &self.kind {
            FindingKind::TooFewVertices => "too_few_vertices".into(),
            FindingKind::SelfIntersection => "self_intersection".into(),
            FindingKind::Overlap { layer, fid, .. } => format!("overlap:{}:{fid}", layer.table()),
            FindingKind::AtSea { .. } => "at_sea".into(),
            FindingKind::OutsideProvince { .. } => "outside_province".into(),
            FindingKind::PointNotOnProvinceLand => "not_on_province_land".into(),
            FindingKind::NearestTown { .. } => "nearest_town".into(),
        }
    }

    /// Whether this is a warning (everything but the nearest town).
    pub fn is_warning(&self) -> bool {
        !matches!(self.kind, FindingKind::NearestTown { .. })
    }

    /// Whether `site` carries an acceptance of this finding.
    pub fn accepted_reason<'a>(&self, site: &'a Site) -> Option<&'a str> {
        let key = self.key();
        site.accepted_warnings
            .iter()
            .find(|a| a.check == key)
            .map(|a| a.reason.as_str())
    }
}

/// The base-map geometry the checks need, with polygon boxes for quick rejection.
#[derive(Debug, Clone)]
pub struct CheckContext {
    province: Vec<(Rect<f64>, Polygon<f64>)>,
    other_land: Vec<(Rect<f64>, Polygon<f64>)>,
    towns: Vec<(String, Point<f64>)>,
}

fn boxed(mp: &MultiPolygon<f64>) -> Vec<(Rect<f64>, Polygon<f64>)> {
    mp.0.iter()
        .filter_map(|p| p.bounding_rect().map(|r| (r, p.clone())))
        .collect()
}

fn near(list: &[(Rect<f64>, Polygon<f64>)], r: &Rect<f64>) -> MultiPolygon<f64> {
    MultiPolygon(
        list.iter()
            .filter(|(b, _)| b.intersects(r))
            .map(|(_, p)| p.clone())
            .collect(),
    )
}

impl CheckContext {
    pub fn new(base: &BaseMap) -> CheckContext {
        let mut other = boxed(&base.land_vn);
        other.extend(boxed(&base.land_cn));
        CheckContext {
            province: boxed(&base.province),
            other_land: other,
            towns: base
                .places
                .iter()
                .map(|p| (p.label.clone(), p.lonlat))
                .collect(),
        }
    }

    /// Every finding for `site` against the base map and the other sites of `project`.
    pub fn check(&self, site: &Site, project: &Project) -> Vec<Finding> {
        self.check_against(site, &project.sites)
    }

    /// Every finding for `site` against the base map and `others` (the sites it may overlap;
    /// `site` itself may be among them).
    pub fn check_against(&self, site: &Site, others: &[Site]) -> Vec<Finding> {
        let Some(g) = &site.geom else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let area = match g {
            Geometry::Polygon(p) => Some(MultiPolygon(vec![p.clone()])),
            Geometry::MultiPolygon(mp) => Some(mp.clone()),
            _ => None,
        };
        if let Some(mp) = &area {
            self.check_area(site, mp, others, &mut out);
        } else if let Geometry::Point(p) = g {
            let r = Rect::new(p.0, p.0);
            if !near(&self.province, &r).contains(p) {
                out.push(Finding {
                    kind: FindingKind::PointNotOnProvinceLand,
                    at: Some(*p),
                });
            }
        }
        if let Some(c) = g.centroid()
            && let Some((name, d)) = self.nearest_town(c)
        {
            out.push(Finding {
                kind: FindingKind::NearestTown {
                    name,
                    distance_m: d,
                },
                at: None,
            });
        }
        out
    }

    fn nearest_town(&self, p: Point<f64>) -> Option<(String, f64)> {
        self.towns
            .iter()
            .map(|(n, t)| (n.clone(), Geodesic.distance(p, *t)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    fn check_area(
        &self,
        site: &Site,
        mp: &MultiPolygon<f64>,
        others: &[Site],
        out: &mut Vec<Finding>,
    ) {
        // Shape.
        for p in &mp.0 {
            if distinct_vertices(p) < 3 {
                out.push(Finding {
                    kind: FindingKind::TooFewVertices,
                    at: p.exterior().0.first().map(|c| Point(*c)),
                });
                return;
            }
        }
        for p in &mp.0 {
            if let Some(x) = self_intersection(p) {
                out.push(Finding {
                    kind: FindingKind::SelfIntersection,
                    at: Some(Point(x)),
                });
            }
        }
        let Some(bbox) = mp.bounding_rect() else {
            return;
        };
        // The simplified copy is made only when a boolean operation needs it.
        let full = mp;
        let simpler = std::cell::OnceCell::new();
        let work = || -> &MultiPolygon<f64> {
            simpler
                .get_or_init(|| for_area(full))
                .as_ref()
                .unwrap_or(full)
        };
        // Overlap with the other zones and clusters.
        for other in others
            .iter()
            .filter(|o| is_overlap_candidate(o) && !(o.layer == site.layer && o.fid == site.fid))
        {
            let Some(og) = &other.geom else { continue };
            let omp = match og {
                Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
                Geometry::MultiPolygon(m) => m.clone(),
                _ => continue,
            };
            match omp.bounding_rect() {
                Some(ob) if ob.intersects(&bbox) => {}
                _ => continue,
            }
            let inter = work().intersection(&omp);
            let a = geodesic_area_ha(&Geometry::MultiPolygon(inter.clone())).unwrap_or(0.0);
            if a >= MIN_REPORTED_HA {
                out.push(Finding {
                    kind: FindingKind::Overlap {
                        layer: other.layer,
                        fid: other.fid,
                        name: other.name.clone(),
                        area_ha: a,
                    },
                    at: inter.centroid(),
                });
            }
        }
        // Outside the province's land: on other land, or at sea. When no edge of the
        // province comes inside the site's box and one vertex of the site is on province land,
        // the whole site is (the boolean difference on a huge ring is what costs time).
        let province = near(&self.province, &bbox);
        if !any_edge_in(&province, &bbox)
            && full
                .0
                .first()
                .and_then(|p| p.exterior().0.first())
                .is_some_and(|c| province.contains(&Point(*c)))
        {
            return;
        }
        let outside = work().difference(&province);
        let outside_ha = geodesic_area_ha(&Geometry::MultiPolygon(outside.clone())).unwrap_or(0.0);
        if outside_ha >= MIN_REPORTED_HA {
            // What is outside is on other land or at sea; one boolean operation decides, and
            // none when no coastline or border of the other land passes through the site.
            let land = near(&self.other_land, &bbox);
            let on_land = if any_edge_in(&land, &bbox) {
                outside.intersection(&land)
            } else if outside.interior_point().is_some_and(|p| land.contains(&p)) {
                outside.clone()
            } else {
                MultiPolygon(Vec::new())
            };
            let land_ha = geodesic_area_ha(&Geometry::MultiPolygon(on_land.clone())).unwrap_or(0.0);
            let sea_ha = (outside_ha - land_ha).max(0.0);
            if sea_ha >= MIN_REPORTED_HA {
                let at = if on_land.0.is_empty() {
                    outside.centroid()
                } else {
                    outside.difference(&on_land).centroid()
                };
                out.push(Finding {
                    kind: FindingKind::AtSea { area_ha: sea_ha },
                    at,
                });
            }
            if land_ha >= MIN_REPORTED_HA {
                out.push(Finding {
                    kind: FindingKind::OutsideProvince { area_ha: land_ha },
                    at: on_land.centroid(),
                });
            }
        }
    }
}

/// A site's place in a project: its layer and fid.
pub type SiteKey = (Layer, i64);

/// Whether a site may overlap the site being checked (zones and clusters with an area).
pub fn is_overlap_candidate(s: &Site) -> bool {
    matches!(
        s.layer,
        Layer::IndustrialZones | Layer::IndustrialClusters | Layer::ProposedClusters
    ) && s.is_area()
}

/// A fingerprint of a geometry: equal geometries give equal stamps, and any moved vertex
/// changes it (a multiply–xor hash over the coordinates' bits: 1 million vertices in ~2 ms).
pub fn geometry_stamp(g: Option<&Geometry<f64>>) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut eat = |x: u64| h = (h.rotate_left(5) ^ x).wrapping_mul(0x5170_0f4f_d2c8_b6a5);
    let ring = |l: &geo_types::LineString<f64>, eat: &mut dyn FnMut(u64)| {
        eat(l.0.len() as u64);
        for c in &l.0 {
            eat(c.x.to_bits());
            eat(c.y.to_bits());
        }
    };
    let poly = |p: &Polygon<f64>, eat: &mut dyn FnMut(u64)| {
        ring(p.exterior(), eat);
        for r in p.interiors() {
            ring(r, eat);
        }
    };
    match g {
        None => eat(1),
        Some(Geometry::Point(p)) => {
            eat(2);
            eat(p.x().to_bits());
            eat(p.y().to_bits());
        }
        Some(Geometry::Polygon(p)) => {
            eat(3);
            poly(p, &mut eat);
        }
        Some(Geometry::MultiPolygon(mp)) => {
            eat(4);
            for p in &mp.0 {
                poly(p, &mut eat);
            }
        }
        Some(other) => {
            eat(5);
            // Rare kinds here: their debug text is a faithful, if slower, fingerprint.
            for b in format!("{other:?}").bytes() {
                eat(u64::from(b));
            }
        }
    }
    h
}

/// What the background checker knows of one site.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    /// The findings for the site as it is now.
    Ready(Vec<Finding>),
    /// The site changed; these are the findings of its previous state, new ones are coming.
    Stale(Vec<Finding>),
    /// Never checked yet; the check is running.
    Pending,
}

struct CheckJob {
    key: SiteKey,
    stamp: u64,
    site: Site,
    others: Arc<Vec<Site>>,
}

/// Runs the checks on a thread of its own, so a huge polygon never holds up the window: the
/// caller asks with a stamp of what the findings depend on ([`Checker::stamp`]), gets the
/// last result at once, and is woken (`wake`) when a newer one is ready. Only the newest
/// request per site is worked on.
pub struct Checker {
    jobs: Option<mpsc::Sender<CheckJob>>,
    done: mpsc::Receiver<(SiteKey, u64, Vec<Finding>)>,
    results: HashMap<SiteKey, (u64, Vec<Finding>)>,
    asked: HashMap<SiteKey, u64>,
}

impl Checker {
    pub fn new(ctx: Arc<CheckContext>, wake: Box<dyn Fn() + Send>) -> Checker {
        let (jobs_tx, jobs_rx) = mpsc::channel::<CheckJob>();
        let (done_tx, done_rx) = mpsc::channel();
        // The worker ends when the checker is dropped (its channel closes), after the check it
        // is on; nobody waits for it.
        let _ = std::thread::Builder::new()
            .name("qn-checks".into())
            .spawn(move || {
                while let Ok(first) = jobs_rx.recv() {
                    let mut batch = vec![first];
                    while let Ok(j) = jobs_rx.try_recv() {
                        batch.retain(|b| b.key != j.key);
                        batch.push(j);
                    }
                    for job in batch {
                        let f = ctx.check_against(&job.site, &job.others);
                        if done_tx.send((job.key, job.stamp, f)).is_err() {
                            return;
                        }
                        wake();
                    }
                }
            });
        Checker {
            jobs: Some(jobs_tx),
            done: done_rx,
            results: HashMap::new(),
            asked: HashMap::new(),
        }
    }

    /// The stamp of what a site's findings depend on: its own geometry (`geometry`, from
    /// [`geometry_stamp`]) and the overlap candidates ([`Checker::others_stamp`]).
    pub fn stamp(geometry: u64, others_stamp: u64) -> u64 {
        geometry.rotate_left(17) ^ others_stamp
    }

    /// A stamp of every overlap candidate's layer, fid, name and geometry, given each site
    /// with its [`geometry_stamp`].
    pub fn others_stamp<'a>(sites: impl IntoIterator<Item = (&'a Site, u64)>) -> u64 {
        let mut h = 0u64;
        for (s, geometry) in sites.into_iter().filter(|(s, _)| is_overlap_candidate(s)) {
            let mut x = geometry ^ (s.fid as u64).wrapping_mul(31);
            x ^= s.layer.table().len() as u64;
            for b in s.name.bytes() {
                x = x.rotate_left(7) ^ u64::from(b);
            }
            h = h.rotate_left(3) ^ x.wrapping_mul(0x2545_f491_4f6c_dd1d);
        }
        h
    }

    /// Takes in finished checks; true when any arrived.
    pub fn poll(&mut self) -> bool {
        let mut any = false;
        while let Ok((key, stamp, f)) = self.done.try_recv() {
            if self.asked.get(&key) == Some(&stamp) {
                self.asked.remove(&key);
            }
            self.results.insert(key, (stamp, f));
            any = true;
        }
        any
    }

    /// The findings of `site` at `stamp`, asking the worker when they are not known yet.
    /// `others` gives the overlap candidates, called only when a check must be sent.
    pub fn get(
        &mut self,
        site: &Site,
        stamp: u64,
        others: impl FnOnce() -> Arc<Vec<Site>>,
    ) -> Checked {
        self.poll();
        let key = (site.layer, site.fid);
        let known = self.results.get(&key);
        if let Some((s, f)) = known
            && *s == stamp
        {
            return Checked::Ready(f.clone());
        }
        if self.asked.get(&key) != Some(&stamp) {
            let job = CheckJob {
                key,
                stamp,
                site: site.clone(),
                others: others(),
            };
            let sent = self.jobs.as_ref().is_some_and(|tx| tx.send(job).is_ok());
            if sent {
                self.asked.insert(key, stamp);
            }
        }
        match self.results.get(&key) {
            Some((_, f)) => Checked::Stale(f.clone()),
            None => Checked::Pending,
        }
    }

    /// Waits (up to `limit`) until every asked check has come back; for scripts and tests.
    pub fn settle(&mut self, limit: std::time::Duration) -> bool {
        let until = std::time::Instant::now() + limit;
        loop {
            self.poll();
            if self.asked.is_empty() {
                return true;
            }
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            match self
                .done
                .recv_timeout(left.min(std::time::Duration::from_millis(50)))
            {
                Ok((key, stamp, f)) => {
                    if self.asked.get(&key) == Some(&stamp) {
                        self.asked.remove(&key);
                    }
                    self.results.insert(key, (stamp, f));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return false,
            }
        }
    }

    /// Forgets the results of sites no longer in the project.
    pub fn retain(&mut self, keep: impl Fn(&SiteKey) -> bool) {
        self.results.retain(|k, _| keep(k));
        self.asked.retain(|k, _| keep(k));
    }
}

/// Above this many vertices the area checks work on a simplified copy of the site.
const SIMPLIFY_ABOVE: usize = 5_000;
/// The most the simplified copy may differ from the site in area: half the smallest area
/// reported, so a reported figure is right to its last digit.
const SIMPLIFY_MAX_M2: f64 = 50.0;

/// A copy of a huge site with vertices dropped (Ramer–Douglas–Peucker) no further than
/// `SIMPLIFY_MAX_M2 / perimeter` from the boundary: the area between the two boundaries is at
/// most that distance times the perimeter. `None` when the site is small enough to use as is.
fn for_area(mp: &MultiPolygon<f64>) -> Option<MultiPolygon<f64>> {
    use geo::Simplify;
    let rings = || {
        mp.0.iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
    };
    let n: usize = rings().map(|r| r.0.len()).sum();
    if n <= SIMPLIFY_ABOVE {
        return None;
    }
    // An upper bound of the perimeter, cheaply: both degrees counted as the longest degree of
    // latitude (111.7 km). A longer perimeter only makes the tolerance smaller.
    let perimeter_m: f64 = rings()
        .flat_map(|r| r.0.windows(2))
        .map(|w| (w[1].x - w[0].x).hypot(w[1].y - w[0].y))
        .sum::<f64>()
        * 111_700.0;
    if perimeter_m <= 0.0 {
        return None;
    }
    // A degree of latitude is the longest degree here, so this bounds both axes in metres.
    let eps_deg = SIMPLIFY_MAX_M2 / perimeter_m / 111_320.0;
    Some(mp.simplify(eps_deg))
}

/// Whether any edge of `mp`'s rings has its box meeting `r`.
fn any_edge_in(mp: &MultiPolygon<f64>, r: &Rect<f64>) -> bool {
    let (lo, hi) = (r.min(), r.max());
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.0.windows(2))
        .any(|w| {
            let (a, b) = (w[0], w[1]);
            a.x.max(b.x) >= lo.x
                && a.x.min(b.x) <= hi.x
                && a.y.max(b.y) >= lo.y
                && a.y.min(b.y) <= hi.y
        })
}

/// How many distinct vertices the exterior ring has, counting no further than 3 (all a
/// check needs): one pass, however long the ring.
fn distinct_vertices(p: &Polygon<f64>) -> usize {
    let mut v: Vec<Coord<f64>> = Vec::with_capacity(3);
    for c in &p.exterior().0 {
        if !v.contains(c) {
            v.push(*c);
            if v.len() == 3 {
                break;
            }
        }
    }
    v.len()
}

/// The first point found where the exterior ring crosses itself (non-adjacent segments).
///
/// ```
/// use geo_types::{LineString, Polygon};
/// use qn_planner::analysis::checks::self_intersection;
/// let square = Polygon::new(LineString::from(vec![(0., 0.), (2., 0.), (2., 2.), (0., 2.), (0., 0.)]), vec![]);
/// assert_eq!(self_intersection(&square), None);
/// // A bow tie crosses itself in the middle.
/// let bow = Polygon::new(LineString::from(vec![(0., 0.), (2., 2.), (2., 0.), (0., 2.), (0., 0.)]), vec![]);
/// let x = self_intersection(&bow).unwrap();
/// assert!((x.x - 1.0).abs() < 1e-9 && (x.y - 1.0).abs() < 1e-9);
/// ```
pub fn self_intersection(p: &Polygon<f64>) -> Option<Coord<f64>> {
    self_intersection_counted(p).0
}

/// [`self_intersection`] and how many segment pairs it compared: a sweep along the ring's
/// longer axis compares only segments whose extents overlap there (and in the other axis),
/// so a simple ring of n vertices costs O(n log n), not the n²/2 of comparing every pair.
pub fn self_intersection_counted(p: &Polygon<f64>) -> (Option<Coord<f64>>, usize) {
    let pts = &p.exterior().0;
    let n = pts.len();
    if n < 4 {
        return (None, 0);
    }
    let m = n - 1;
    let (mut lo, mut hi) = (pts[0], pts[0]);
    for c in pts {
        lo = Coord {
            x: lo.x.min(c.x),
            y: lo.y.min(c.y),
        };
        hi = Coord {
            x: hi.x.max(c.x),
            y: hi.y.max(c.y),
        };
    }
    // Sweep along the longer side of the box: fewer overlaps there.
    let along_x = hi.x - lo.x >= hi.y - lo.y;
    let key = |c: Coord<f64>| if along_x { (c.x, c.y) } else { (c.y, c.x) };
    // (start, end) on the sweep axis, (low, high) on the other, segment index.
    let mut order: Vec<([f64; 4], usize)> = (0..m)
        .map(|i| {
            let (a, b) = (key(pts[i]), key(pts[i + 1]));
            ([a.0.min(b.0), a.0.max(b.0), a.1.min(b.1), a.1.max(b.1)], i)
        })
        .collect();
    order.sort_by(|a, b| a.0[0].total_cmp(&b.0[0]));
    let adjacent = |i: usize, j: usize| i.abs_diff(j) == 1 || i.abs_diff(j) == m - 1;
    let mut compared = 0usize;
    for (k, (a, i)) in order.iter().enumerate() {
        for (b, j) in &order[k + 1..] {
            if b[0] > a[1] {
                break;
            }
            if b[3] < a[2] || b[2] > a[3] || adjacent(*i, *j) {
                continue;
            }
            compared += 1;
            if let Some(x) = segment_crossing((pts[*i], pts[*i + 1]), (pts[*j], pts[*j + 1])) {
                return (Some(x), compared);
            }
        }
    }
    (None, compared)
}

fn segment_crossing(
    a: (Coord<f64>, Coord<f64>),
    b: (Coord<f64>, Coord<f64>),
) -> Option<Coord<f64>> {
    let r = a.1 - a.0;
    let s = b.1 - b.0;
    let den = r.x * s.y - r.y * s.x;
    let qp = b.0 - a.0;
    if den.abs() < 1e-18 {
        // Parallel: collinear overlap counts as crossing.
        let cross = qp.x * r.y - qp.y * r.x;
        if cross.abs() > 1e-18 {
            return None;
        }
        let rr = r.x * r.x + r.y * r.y;
        if rr == 0.0 {
            return None;
        }
        let t0 = (qp.x * r.x + qp.y * r.y) / rr;
        let t1 = t0 + (s.x * r.x + s.y * r.y) / rr;
        let (lo, hi) = if t0 < t1 { (t0, t1) } else { (t1, t0) };
        return (hi >= 0.0 && lo <= 1.0).then(|| a.0 + r * lo.max(0.0));
    }
    let t = (qp.x * s.y - qp.y * s.x) / den;
    let u = (qp.x * r.y - qp.y * r.x) / den;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u)).then(|| a.0 + r * t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use geo_types::LineString;

    fn square(x: f64, y: f64, d: f64) -> Polygon<f64> {
        Polygon::new(
            LineString::from(vec![(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)]),
            vec![],
        )
    }

    fn site(layer: Layer, fid: i64, name: &str, p: Polygon<f64>) -> Site {
        let mut s = Site::new(layer, name, Status::Proposed);
        s.fid = fid;
        s.geom = Some(Geometry::Polygon(p));
        s
    }

    fn ctx() -> CheckContext {
        CheckContext::new(&BaseMap::load().unwrap())
    }

    fn kinds(f: &[Finding]) -> Vec<String> {
        f.iter()
            .filter(|x| x.is_warning())
            .map(Finding::key)
            .collect()
    }

    #[test]
    fn a_bowtie_crosses_itself_where_expected() {
        let bow = Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (2.0, 2.0),
                (2.0, 0.0),
                (0.0, 2.0),
                (0.0, 0.0),
            ]),
            vec![],
        );
        let x = self_intersection(&bow).unwrap();
        assert!((x.x - 1.0).abs() < 1e-12 && (x.y - 1.0).abs() < 1e-12);
        assert_eq!(self_intersection(&square(0.0, 0.0, 1.0)), None);
    }

    /// A ring of `n` vertices on a wobbly circle around (lon, lat), radius `r` degrees.
    fn circle(lon: f64, lat: f64, r: f64, n: usize) -> Polygon<f64> {
        let mut pts: Vec<(f64, f64)> = (0..n)
            .map(|k| {
                let t = k as f64 / n as f64 * std::f64::consts::TAU;
                let rr = r * (1.0 + 0.05 * (t * 37.0).sin());
                (lon + rr * t.cos(), lat + rr * t.sin())
            })
            .collect();
        pts.push(pts[0]);
        Polygon::new(LineString::from(pts), vec![])
    }

    #[test]
    fn a_200k_vertex_ring_is_checked_without_comparing_every_pair() {
        let n = 200_000;
        let ring = circle(107.2, 21.2, 0.01, n);
        let (x, compared) = self_intersection_counted(&ring);
        assert_eq!(x, None);
        // Every pair would be n²/2 = 2·10¹⁰ comparisons; the sweep needs a few per segment.
        assert!(compared < 10 * n, "{compared} comparisons");
        // Swap two vertices half-way round: the ring now crosses itself there.
        let mut pts = ring.exterior().0.clone();
        pts.swap(n / 2, n / 2 + 1);
        let bent = Polygon::new(LineString(pts.clone()), vec![]);
        let (x, compared) = self_intersection_counted(&bent);
        let x = x.expect("the crossing is found");
        assert!((x.x - pts[n / 2].x).abs() < 1e-3 && (x.y - pts[n / 2].y).abs() < 1e-3);
        assert!(compared < 10 * n, "{compared} comparisons");
    }

    #[test]
    fn fewer_than_three_distinct_vertices() {
        let flat = Polygon::new(
            LineString::from(vec![
                (107.0, 21.0),
                (107.01, 21.0),
                (107.0, 21.0),
                (107.0, 21.0),
            ]),
            vec![],
        );
        let s = site(Layer::ProposedClusters, 1, "x", flat);
        let f = ctx().check(&s, &Project::default());
        assert_eq!(kinds(&f), ["too_few_vertices"]);
    }

    #[test]
    fn overlap_with_a_zone_reports_the_shared_area() {
        // Two 0.01° squares inland near Uông Bí (21.04 N, 106.76 E) sharing half their width.
        let zone = site(
            Layer::IndustrialZones,
            4,
            "KCN thử",
            square(106.76, 21.04, 0.01),
        );
        let draft = site(
            Layer::ProposedClusters,
            9,
            "Cụm thử",
            square(106.765, 21.04, 0.01),
        );
        let project = Project {
            sites: vec![zone, draft.clone()],
            ..Default::default()
        };
        let f = ctx().check(&draft, &project);
        let overlap = f
            .iter()
            .find_map(|x| match &x.kind {
                FindingKind::Overlap { name, area_ha, .. } => Some((name.clone(), *area_ha)),
                _ => None,
            })
            .expect("overlap found");
        assert_eq!(overlap.0, "KCN thử");
        // Half of the 115.1 ha cell at 21.04 N (authalic formula, see tests/it/edits.rs).
        assert!((overlap.1 - 57.53).abs() < 0.2, "{}", overlap.1);
        assert_eq!(kinds(&f), ["overlap:industrial_zones:4"]);
        // The zone alone has no finding about itself.
        let alone = Project {
            sites: vec![draft.clone()],
            ..Default::default()
        };
        assert!(kinds(&ctx().check(&draft, &alone)).is_empty());
    }

    #[test]
    fn a_cluster_drawn_into_the_bay_is_partly_at_sea() {
        // From the Cái Lân shore south into open water of Hạ Long bay.
        let p = square(107.03, 20.90, 0.04);
        let s = site(Layer::ProposedClusters, 1, "x", p);
        let f = ctx().check(&s, &Project::default());
        let sea = f
            .iter()
            .find_map(|x| match x.kind {
                FindingKind::AtSea { area_ha } => Some(area_ha),
                _ => None,
            })
            .expect("at-sea finding");
        assert!(sea > 100.0, "{sea}");
        assert!(!kinds(&f).contains(&"outside_province".to_string()));
    }

    #[test]
    fn a_cluster_across_the_china_border_is_outside_the_province() {
        // Straddling the border north-west of Móng Cái (21.56 N, 107.90 E).
        let p = square(107.88, 21.55, 0.05);
        let s = site(Layer::ProposedClusters, 1, "x", p);
        let keys = kinds(&ctx().check(&s, &Project::default()));
        assert!(keys.contains(&"outside_province".to_string()), "{keys:?}");
    }

    #[test]
    fn inland_cluster_has_no_warning_and_knows_its_nearest_town() {
        let p = square(106.76, 21.04, 0.01);
        let s = site(Layer::ProposedClusters, 1, "x", p);
        let f = ctx().check(&s, &Project::default());
        assert!(kinds(&f).is_empty(), "{f:?}");
        let (name, d) = f
            .iter()
            .find_map(|x| match &x.kind {
                FindingKind::NearestTown { name, distance_m } => Some((name.clone(), *distance_m)),
                _ => None,
            })
            .unwrap();
        assert_eq!(name, "Uông Bí");
        assert!(d < 3000.0, "{d}");
    }
}
