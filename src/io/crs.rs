//! Coordinate reference systems: WGS84 lon/lat and VN-2000 / TM-3 107°45′ (EPSG:5899).
//!
//! The map is drawn in EPSG:5899 metres (a conformal transverse Mercator), so the cursor
//! position, the scale bar and later the survey-office exports all speak the planners' system.
//! The VN-2000 ↔ WGS84 datum shift is the official 7-parameter set (EPSG:6960, position-vector
//! convention as PROJ's `+towgs84`).

use proj4rs::Proj;
use thiserror::Error;

/// EPSG:4326 as a PROJ string.
pub const WGS84_PROJ: &str = "+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs";
/// EPSG:5899, VN-2000 / TM-3 zone 107°45′, with the EPSG:6960 datum shift.
pub const VN2000_TM3_PROJ: &str = "+proj=tmerc +lat_0=0 +lon_0=107.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs";

#[derive(Debug, Error)]
pub enum CrsError {
    #[error("coordinate reference system definition rejected: {0}")]
    Definition(String),
    #[error("coordinate ({0}, {1}) cannot be transformed: {2}")]
    Transform(f64, f64, String),
}

/// Converts between WGS84 lon/lat degrees and VN-2000 / TM-3 metres.
pub struct Tm3 {
    wgs84: Proj,
    tm3: Proj,
}

impl std::fmt::Debug for Tm3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tm3(EPSG:5899)")
    }
}

impl Tm3 {
    pub fn new() -> Result<Self, CrsError> {
        let wgs84 =
            Proj::from_proj_string(WGS84_PROJ).map_err(|e| CrsError::Definition(e.to_string()))?;
        let tm3 = Proj::from_proj_string(VN2000_TM3_PROJ)
            .map_err(|e| CrsError::Definition(e.to_string()))?;
        Ok(Self { wgs84, tm3 })
    }

    /// WGS84 (lon, lat) in degrees → EPSG:5899 (easting, northing) in metres.
    pub fn tm3_from_lonlat(&self, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
        if !lon.is_finite() || !lat.is_finite() || lat.abs() > 90.0 || lon.abs() > 180.0 {
            return Err(CrsError::Transform(
                lon,
                lat,
                "outside lon/lat range".into(),
            ));
        }
        let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
        proj4rs::transform::transform(&self.wgs84, &self.tm3, &mut p)
            .map_err(|e| CrsError::Transform(lon, lat, e.to_string()))?;
        Ok((p.0, p.1))
    }

    /// EPSG:5899 (easting, northing) in metres → WGS84 (lon, lat) in degrees.
    pub fn lonlat_from_tm3(&self, e: f64, n: f64) -> Result<(f64, f64), CrsError> {
        if !e.is_finite() || !n.is_finite() {
            return Err(CrsError::Transform(e, n, "not a finite number".into()));
        }
        let mut p = (e, n, 0.0);
        proj4rs::transform::transform(&self.tm3, &self.wgs84, &mut p)
            .map_err(|err| CrsError::Transform(e, n, err.to_string()))?;
        Ok((p.0.to_degrees(), p.1.to_degrees()))
    }
}

/// Geodesic distance in metres between two WGS84 points (lon, lat in degrees).
pub fn geodesic_distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    use geo::{Distance, Geodesic, Point};
    Geodesic.distance(Point::new(a.0, a.1), Point::new(b.0, b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    // From PROJ via GDAL 3.6.2: gdaltransform -s_srs EPSG:4326 -t_srs EPSG:5899.
    const VECTORS: [(f64, f64, f64, f64); 4] = [
        (107.08, 20.95, 430127.565, 2317566.472),
        (107.97, 21.52, 522595.916, 2380540.796),
        (106.51, 21.08, 370956.221, 2332314.102),
        (107.75, 21.00, 499804.907, 2322956.066),
    ];

    #[test]
    fn forward_matches_proj_to_the_centimetre() {
        let t = Tm3::new().unwrap();
        for (lon, lat, e, n) in VECTORS {
            let (x, y) = t.tm3_from_lonlat(lon, lat).unwrap();
            assert!((x - e).abs() < 0.01, "E {x} vs {e} at {lon},{lat}");
            assert!((y - n).abs() < 0.01, "N {y} vs {n} at {lon},{lat}");
        }
    }

    #[test]
    fn inverse_round_trips_to_the_centimetre() {
        let t = Tm3::new().unwrap();
        for (lon, lat, e, n) in VECTORS {
            let (lo, la) = t.lonlat_from_tm3(e, n).unwrap();
            let d = geodesic_distance_m((lo, la), (lon, lat));
            assert!(d < 0.01, "{d} m off at {lon},{lat}");
        }
    }

    #[test]
    fn rejects_nonsense() {
        let t = Tm3::new().unwrap();
        assert!(t.tm3_from_lonlat(f64::NAN, 21.0).is_err());
        assert!(t.tm3_from_lonlat(107.0, 95.0).is_err());
    }
}
