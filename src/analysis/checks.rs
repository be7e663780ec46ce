//! Checks run while drafting a site: shape validity, overlap with zones and clusters, land
//! outside the province or at sea, and the nearest town. A finding is a warning the planner
//! may accept with a reason (stored with the site under the finding's `key`); nothing here
//! blocks an edit.

use crate::io::basemap::BaseMap;
use crate::model::{Layer, Project, Site, geodesic_area_ha};
use geo::{BooleanOps, BoundingRect, Centroid, Contains, Distance, Geodesic, Intersects};
use geo_types::{Coord, Geometry, MultiPolygon, Point, Polygon, Rect};

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
            self.check_area(site, mp, project, &mut out);
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
        project: &Project,
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
        // Overlap with the other zones and clusters.
        for other in project.sites.iter().filter(|o| {
            matches!(
                o.layer,
                Layer::IndustrialZones | Layer::IndustrialClusters | Layer::ProposedClusters
            ) && !(o.layer == site.layer && o.fid == site.fid)
        }) {
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
            let inter = mp.intersection(&omp);
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
        // Outside the province's land: on other land, or at sea.
        let province = near(&self.province, &bbox);
        let outside = mp.difference(&province);
        let outside_ha = geodesic_area_ha(&Geometry::MultiPolygon(outside.clone())).unwrap_or(0.0);
        if outside_ha >= MIN_REPORTED_HA {
            let land = near(&self.other_land, &bbox);
            let on_land = outside.intersection(&land);
            let land_ha = geodesic_area_ha(&Geometry::MultiPolygon(on_land.clone())).unwrap_or(0.0);
            let sea = outside.difference(&land);
            let sea_ha = geodesic_area_ha(&Geometry::MultiPolygon(sea.clone())).unwrap_or(0.0);
            if sea_ha >= MIN_REPORTED_HA {
                out.push(Finding {
                    kind: FindingKind::AtSea { area_ha: sea_ha },
                    at: sea.centroid(),
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

fn distinct_vertices(p: &Polygon<f64>) -> usize {
    let mut v: Vec<Coord<f64>> = Vec::new();
    for c in &p.exterior().0 {
        if !v.iter().any(|x| x == c) {
            v.push(*c);
        }
    }
    v.len()
}

/// The first point where the exterior ring crosses itself (non-adjacent segments).
pub fn self_intersection(p: &Polygon<f64>) -> Option<Coord<f64>> {
    let pts = &p.exterior().0;
    let n = pts.len();
    if n < 4 {
        return None;
    }
    let segs: Vec<(Coord<f64>, Coord<f64>)> = pts.windows(2).map(|w| (w[0], w[1])).collect();
    let m = segs.len();
    for i in 0..m {
        for j in i + 1..m {
            // Adjacent segments share an end; the first and last segments of a closed ring too.
            if j == i + 1 || (i == 0 && j == m - 1) {
                continue;
            }
            if let Some(x) = segment_crossing(segs[i], segs[j]) {
                return Some(x);
            }
        }
    }
    None
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
        // Half of the 115.1 ha cell at 21.04 N (authalic formula, see tests/edits.rs).
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
