//! The base map built into the binary: land, province, borders and towns from `maps/`.
//!
//! The files are GeoJSON in WGS84 (see `maps/README.md` for sources and licences). They are
//! parsed once at start-up; the UI projects and caches them, it never re-reads them.

use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use geojson::{FeatureCollection, GeoJson};
use thiserror::Error;

/// Short attribution drawn in the corner of the map.
pub const ATTRIBUTION_SHORT: &str = "GSHHG (LGPL-3.0+) · © OpenStreetMap contributors (ODbL) · Natural Earth · GeoNames (CC BY 4.0)";

/// Attribution line shown in the About box, the README and (later) on every exported map.
pub const ATTRIBUTION: &str = "Shorelines: GSHHG, Wessel & Smith (LGPL-3.0+) · Border: © OpenStreetMap contributors (ODbL 1.0) · Province lines: Made with Natural Earth · Place names: GeoNames (CC BY 4.0)";

/// [`ATTRIBUTION`] in the reader's language: what each source gave is translated; the credit
/// lines the licences ask for ("© OpenStreetMap contributors", "Made with Natural Earth") and
/// the licence names stay as written.
pub fn attribution(lang: crate::lang::Language) -> String {
    match lang {
        crate::lang::Language::En => ATTRIBUTION.to_string(),
        crate::lang::Language::Vi => "Đường bờ biển: GSHHG, Wessel & Smith (LGPL-3.0+) · Biên giới: © OpenStreetMap contributors (ODbL 1.0) · Ranh giới tỉnh: Made with Natural Earth · Địa danh: GeoNames (CC BY 4.0)".to_string(),
    }
}

/// Lon/lat box covered by the detailed files in `maps/` (west, south, east, north): outside
/// it only the coarse Natural Earth countries of the locator are known.
pub const DATA_BOX: [f64; 4] = [106.4, 20.6, 108.2, 21.7];

/// The data box as a lon/lat ring with `n` points a side (its edges are curves once projected).
pub fn data_box_ring(n: usize) -> LineString<f64> {
    let [x0, y0, x1, y1] = DATA_BOX;
    let n = n.max(1);
    let mut ring = Vec::with_capacity(4 * n + 1);
    for i in 0..n {
        ring.push((x0 + (x1 - x0) * i as f64 / n as f64, y0));
    }
    for i in 0..n {
        ring.push((x1, y0 + (y1 - y0) * i as f64 / n as f64));
    }
    for i in 0..n {
        ring.push((x1 - (x1 - x0) * i as f64 / n as f64, y1));
    }
    for i in 0..n {
        ring.push((x0, y1 - (y1 - y0) * i as f64 / n as f64));
    }
    ring.push((x0, y0));
    LineString::from(ring)
}

const LAND: &str = include_str!("../../maps/qn_land.geojson");
const PROVINCE: &str = include_str!("../../maps/qn_province.geojson");
const INLAND: &str = include_str!("../../maps/qn_province_inland_boundary.geojson");
const BORDER: &str = include_str!("../../maps/vn_cn_border.geojson");
const PLACES: &str = include_str!("../../maps/qn_places.geojson");
const LOCATOR: &str = include_str!("../../maps/locator_countries.geojson");

/// The countries of the locator inset (Natural Earth 1:50m) and the Hoàng Sa and Trường Sa
/// islands (1:10m), by name, lon/lat (`maps/locator_countries.geojson`): the locator of every
/// map, and the coarse land around the detailed base map.
pub fn locator_countries() -> Vec<(String, MultiPolygon<f64>)> {
    match LOCATOR.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(fc)) => fc
            .features
            .into_iter()
            .filter_map(|f| {
                let name = f
                    .property("name")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                let g = geo_types::Geometry::<f64>::try_from(f.geometry?).ok()?;
                match g {
                    geo_types::Geometry::MultiPolygon(mp) => Some((name, mp)),
                    geo_types::Geometry::Polygon(p) => Some((name, MultiPolygon(vec![p]))),
                    _ => None,
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The land around the detailed base map, from the locator's countries (Natural Earth 1:50m):
/// what a frame wider than the detailed data shows beyond it, lon/lat.
pub fn surrounding_land() -> Vec<Polygon<f64>> {
    use geo::BooleanOps;
    let around = MultiPolygon(vec![Polygon::new(
        LineString::from(vec![
            (101.0, 15.0),
            (115.0, 15.0),
            (115.0, 27.0),
            (101.0, 27.0),
            (101.0, 15.0),
        ]),
        vec![],
    )]);
    locator_countries()
        .iter()
        .flat_map(|(_, mp)| mp.intersection(&around).0)
        .collect()
}

#[derive(Debug, Error)]
pub enum BaseMapError {
    #[error("base map file {file}: {msg}")]
    Parse { file: &'static str, msg: String },
}

/// A town or district seat.
#[derive(Debug, Clone)]
pub struct Place {
    /// Short label shown on the map (NFC Vietnamese).
    pub label: String,
    /// District (pre-2025) as GeoNames names it.
    pub district: String,
    pub lonlat: Point<f64>,
}

/// The base map in WGS84 lon/lat.
#[derive(Debug, Clone)]
pub struct BaseMap {
    /// Vietnamese land in the bbox outside (and under) the province.
    pub land_vn: MultiPolygon<f64>,
    /// Chinese land in the bbox.
    pub land_cn: MultiPolygon<f64>,
    /// Quảng Ninh land, islands included.
    pub province: MultiPolygon<f64>,
    /// Boundary against the neighbouring provinces, with the neighbour's name.
    pub inland_boundary: Vec<(String, LineString<f64>)>,
    /// Vietnam–China land border.
    pub border: Vec<LineString<f64>>,
    pub places: Vec<Place>,
}

fn collection(file: &'static str, text: &str) -> Result<FeatureCollection, BaseMapError> {
    match text.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(fc)) => Ok(fc),
        Ok(_) => Err(BaseMapError::Parse {
            file,
            msg: "not a FeatureCollection".into(),
        }),
        Err(e) => Err(BaseMapError::Parse {
            file,
            msg: e.to_string(),
        }),
    }
}

fn to_geo(
    file: &'static str,
    g: &geojson::Geometry,
) -> Result<geo_types::Geometry<f64>, BaseMapError> {
    geo_types::Geometry::<f64>::try_from(g.clone()).map_err(|e| BaseMapError::Parse {
        file,
        msg: e.to_string(),
    })
}

fn polygons(file: &'static str, g: geo_types::Geometry<f64>) -> Vec<Polygon<f64>> {
    match g {
        geo_types::Geometry::Polygon(p) => vec![p],
        geo_types::Geometry::MultiPolygon(mp) => mp.0,
        _ => {
            let _ = file;
            Vec::new()
        }
    }
}

fn lines(g: geo_types::Geometry<f64>) -> Vec<LineString<f64>> {
    match g {
        geo_types::Geometry::LineString(l) => vec![l],
        geo_types::Geometry::MultiLineString(ml) => ml.0,
        _ => Vec::new(),
    }
}

fn prop(f: &geojson::Feature, key: &str) -> String {
    f.property(key)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

impl BaseMap {
    /// Parses the embedded base map.
    pub fn load() -> Result<Self, BaseMapError> {
        let mut land_vn = Vec::new();
        let mut land_cn = Vec::new();
        for f in collection("qn_land.geojson", LAND)?.features {
            let Some(g) = &f.geometry else { continue };
            let polys = polygons("qn_land.geojson", to_geo("qn_land.geojson", g)?);
            if prop(&f, "country") == "CN" {
                land_cn.extend(polys);
            } else {
                land_vn.extend(polys);
            }
        }
        let mut province = Vec::new();
        for f in collection("qn_province.geojson", PROVINCE)?.features {
            let Some(g) = &f.geometry else { continue };
            province.extend(polygons(
                "qn_province.geojson",
                to_geo("qn_province.geojson", g)?,
            ));
        }
        let mut inland_boundary = Vec::new();
        for f in collection("qn_province_inland_boundary.geojson", INLAND)?.features {
            let Some(g) = &f.geometry else { continue };
            let name = prop(&f, "neighbour");
            for l in lines(to_geo("qn_province_inland_boundary.geojson", g)?) {
                inland_boundary.push((name.clone(), l));
            }
        }
        let mut border = Vec::new();
        for f in collection("vn_cn_border.geojson", BORDER)?.features {
            let Some(g) = &f.geometry else { continue };
            border.extend(lines(to_geo("vn_cn_border.geojson", g)?));
        }
        let mut places = Vec::new();
        for f in collection("qn_places.geojson", PLACES)?.features {
            let Some(g) = &f.geometry else { continue };
            if let geo_types::Geometry::Point(p) = to_geo("qn_places.geojson", g)? {
                places.push(Place {
                    // GeoNames' one Hạ Long point is on the Hòn Gai side of the bay.
                    label: crate::model::text::nfc(&prop(&f, "label")).replace(" side)", ")"),
                    district: crate::model::text::nfc(&prop(&f, "district")),
                    lonlat: p,
                });
            }
        }
        Ok(Self {
            land_vn: MultiPolygon(land_vn),
            land_cn: MultiPolygon(land_cn),
            province: MultiPolygon(province),
            inland_boundary,
            border,
            places,
        })
    }

    /// Bounding box of the province in lon/lat: (min, max).
    pub fn province_bounds(&self) -> Option<(Coord<f64>, Coord<f64>)> {
        use geo::BoundingRect;
        self.province.bounding_rect().map(|r| (r.min(), r.max()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_base_map_is_complete() {
        let m = BaseMap::load().unwrap();
        assert_eq!(m.places.len(), 15);
        // ~1,000 islands of Hạ Long and Bái Tử Long bays plus the mainland.
        assert!(m.province.0.len() > 1000, "{}", m.province.0.len());
        assert!(!m.land_cn.0.is_empty());
        assert_eq!(
            m.inland_boundary
                .iter()
                .filter(|(n, _)| n == "Lạng Sơn")
                .count(),
            1
        );
        assert!(m.border.iter().map(|l| l.0.len()).sum::<usize>() > 400);
        let (min, max) = m.province_bounds().unwrap();
        assert!(min.x > 106.4 && max.x < 108.2 && min.y > 20.6 && max.y < 21.8);
    }
}
