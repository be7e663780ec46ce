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
    #[error("coordinate ({x}, {y}) cannot be transformed: {msg}", x = fmt_coord(*.0), y = fmt_coord(*.1), msg = .2)]
    Transform(f64, f64, String),
}

pub use crate::model::text::fmt_coord;

/// Converts between WGS84 lon/lat degrees and VN-2000 / TM-3 metres.
pub struct Tm3 {
    wgs84: Proj,
    tm3: Proj,
    /// Exact conversions at the nodes of [`GRID`], made on the first fast conversion.
    grid: std::sync::OnceLock<Option<Vec<[f64; 2]>>>,
}

/// The grid of [`Tm3::tm3_from_lonlat_fast`]: (west, south, step in degrees, columns, rows).
/// 0.01° over Quảng Ninh and its neighbours (105.9–108.6°E, 20.4–22.0°N).
const GRID: (f64, f64, f64, usize, usize) = (105.9, 20.4, 0.01, 271, 161);

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
        Ok(Self {
            wgs84,
            tm3,
            grid: std::sync::OnceLock::new(),
        })
    }

    /// WGS84 (lon, lat) in degrees → EPSG:5899 (easting, northing) in metres.
    ///
    /// ```
    /// let tm3 = qn_planner::io::crs::Tm3::new().unwrap();
    /// // On the central meridian 107°45′ (of VN-2000) the easting is the false easting,
    /// // 500 km; a WGS 84 position there lands about 195 m west of it: the datum shift.
    /// let (e, n) = tm3.tm3_from_lonlat(107.75, 21.0).unwrap();
    /// assert!((-300.0..-100.0).contains(&(e - 500_000.0)), "{e}");
    /// assert!((2_320_000.0..2_330_000.0).contains(&n), "{n}");
    /// // And back, to within a millimetre's worth of a degree.
    /// let (lon, lat) = tm3.lonlat_from_tm3(e, n).unwrap();
    /// assert!((lon - 107.75).abs() < 1e-8 && (lat - 21.0).abs() < 1e-8);
    /// ```
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

    /// As [`Self::tm3_from_lonlat`], for drawing a million polygons: inside the province's grid
    /// the exact conversions at the four corners of the 0.01° cell are interpolated (off by
    /// under a centimetre, tested; the map shows 0.25 m a pixel at most), outside it exact.
    pub fn tm3_from_lonlat_fast(&self, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
        let (west, south, step, nx, ny) = GRID;
        let (fx, fy) = ((lon - west) / step, (lat - south) / step);
        let inside = fx >= 0.0 && fy >= 0.0 && fx < (nx - 1) as f64 && fy < (ny - 1) as f64;
        let grid = if inside {
            self.grid.get_or_init(|| self.make_grid()).as_deref()
        } else {
            None
        };
        let Some(g) = grid else {
            return self.tm3_from_lonlat(lon, lat);
        };
        let (i, j) = (fx as usize, fy as usize);
        let (u, v) = (fx - i as f64, fy - j as f64);
        let at = |i: usize, j: usize| g[j * nx + i];
        let (a, b, c, d) = (at(i, j), at(i + 1, j), at(i, j + 1), at(i + 1, j + 1));
        let mix = |k: usize| {
            (a[k] * (1.0 - u) + b[k] * u) * (1.0 - v) + (c[k] * (1.0 - u) + d[k] * u) * v
        };
        Ok((mix(0), mix(1)))
    }

    fn make_grid(&self) -> Option<Vec<[f64; 2]>> {
        let (west, south, step, nx, ny) = GRID;
        let mut out = Vec::with_capacity(nx * ny);
        for j in 0..ny {
            for i in 0..nx {
                let (e, n) = self
                    .tm3_from_lonlat(west + i as f64 * step, south + j as f64 * step)
                    .ok()?;
                out.push([e, n]);
            }
        }
        Some(out)
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
///
/// ```
/// // A degree of latitude at 21° N is about 110.7 km.
/// let d = qn_planner::io::crs::geodesic_distance_m((107.0, 21.0), (107.0, 22.0));
/// assert!((110_600.0..110_800.0).contains(&d), "{d}");
/// ```
pub fn geodesic_distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    use geo::{Distance, Geodesic, Point};
    Geodesic.distance(Point::new(a.0, a.1), Point::new(b.0, b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_in_messages_stay_short() {
        assert_eq!(fmt_coord(1e308), "1e308");
        assert_eq!(fmt_coord(-2.5e-12), "-2.5e-12");
        assert_eq!(fmt_coord(107.75), "107.75");
        assert_eq!(fmt_coord(2322956.066), "2322956.066");
        assert_eq!(fmt_coord(f64::NAN), "NaN");
        let e = CrsError::Transform(1e308, 21.0, "x".into()).to_string();
        assert!(e.len() < 60, "{e}");
    }

    // From PROJ via GDAL 3.6.2: gdaltransform -s_srs EPSG:4326 -t_srs EPSG:5899.
    const VECTORS: [(f64, f64, f64, f64); 4] = [
        (107.08, 20.95, 430127.565, 2317566.472),
        (107.97, 21.52, 522595.916, 2380540.796),
        (106.51, 21.08, 370956.221, 2332314.102),
        (107.75, 21.00, 499804.907, 2322956.066),
    ];

    #[test]
    fn the_fast_conversion_stays_within_a_centimetre() {
        let t = Tm3::new().unwrap();
        let mut worst: f64 = 0.0;
        let mut seed = 7u64;
        let mut unit = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..20_000 {
            // Over the grid and a little beyond it (exact there).
            let (lon, lat) = (105.8 + unit() * 3.0, 20.3 + unit() * 1.9);
            let (a, b) = (
                t.tm3_from_lonlat(lon, lat),
                t.tm3_from_lonlat_fast(lon, lat),
            );
            let ((x, y), (u, v)) = (a.unwrap(), b.unwrap());
            worst = worst.max((x - u).hypot(y - v));
        }
        assert!(worst < 0.01, "{worst} m");
        assert!(t.tm3_from_lonlat_fast(f64::NAN, 21.0).is_err());
        assert!(t.tm3_from_lonlat_fast(200.0, 21.0).is_err());
    }

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

/// The VN-2000 ↔ WGS84 shift (EPSG:6960, position-vector convention of PROJ's `+towgs84`).
pub const VN2000_TOWGS84_PARAMS: [f64; 7] = [
    -191.90441429,
    -39.30318279,
    -111.45032835,
    0.00928836,
    -0.01975479,
    0.00427372,
    0.252906278,
];
const VN2000_TOWGS84: &str = "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278";

/// The coordinate systems data comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Crs {
    /// EPSG:4326, WGS84 lon/lat.
    Wgs84,
    /// EPSG:4756, VN-2000 lon/lat.
    Vn2000,
    /// EPSG:5899, VN-2000 / TM-3 107°45′.
    Vn2000Tm3,
    /// EPSG:3405, VN-2000 / UTM zone 48N.
    Vn2000Utm48,
    /// EPSG:3406, VN-2000 / UTM zone 49N.
    Vn2000Utm49,
    /// VN-2000 / TM-3 (k = 0.9999, false easting 500 km) on another province's central
    /// meridian, in minutes of arc east of Greenwich (102°–108°30′ in Viet Nam). Build it with
    /// [`Crs::vn2000_tm3`], which gives [`Crs::Vn2000Tm3`] for 107°45′.
    Vn2000Tm3At(i32),
    /// WGS 84 / UTM zone N north (EPSG:326NN).
    Wgs84Utm(u8),
}

impl Crs {
    /// The systems offered in lists; [`Crs::Vn2000Tm3At`] and [`Crs::Wgs84Utm`] come from a
    /// file's declaration or an EPSG code.
    pub const ALL: [Crs; 5] = [
        Crs::Wgs84,
        Crs::Vn2000,
        Crs::Vn2000Tm3,
        Crs::Vn2000Utm48,
        Crs::Vn2000Utm49,
    ];

    /// VN-2000 / TM-3 on the central meridian `degrees` (to the minute), or `None` off Viet
    /// Nam's 102°–108°30′ or not on a whole minute.
    pub fn vn2000_tm3(degrees: f64) -> Option<Crs> {
        let minutes = degrees * 60.0;
        let whole = minutes.round();
        if !(102.0 * 60.0..=108.5 * 60.0).contains(&whole) || (minutes - whole).abs() > 1e-6 {
            return None;
        }
        let m = whole as i32;
        Some(if m == 107 * 60 + 45 {
            Crs::Vn2000Tm3
        } else {
            Crs::Vn2000Tm3At(m)
        })
    }

    /// WGS 84 / UTM zone `zone` north, for zones 1–60.
    pub fn wgs84_utm(zone: u8) -> Option<Crs> {
        (1..=60).contains(&zone).then_some(Crs::Wgs84Utm(zone))
    }

    /// Its EPSG code, where EPSG has one (TM-3 on 102°, 105° and 108° do; other meridians not).
    pub fn epsg(self) -> Option<u32> {
        Some(match self {
            Crs::Wgs84 => 4326,
            Crs::Vn2000 => 4756,
            Crs::Vn2000Tm3 => 5899,
            Crs::Vn2000Utm48 => 3405,
            Crs::Vn2000Utm49 => 3406,
            Crs::Vn2000Tm3At(m) if m == 102 * 60 => 5896,
            Crs::Vn2000Tm3At(m) if m == 105 * 60 => 5897,
            Crs::Vn2000Tm3At(m) if m == 108 * 60 => 5898,
            Crs::Vn2000Tm3At(_) => return None,
            Crs::Wgs84Utm(z) => 32600 + u32::from(z),
        })
    }

    pub fn from_epsg(code: u32) -> Option<Crs> {
        match code {
            5896 => Crs::vn2000_tm3(102.0),
            5897 => Crs::vn2000_tm3(105.0),
            5898 => Crs::vn2000_tm3(108.0),
            32601..=32660 => Crs::wgs84_utm((code - 32600) as u8),
            _ => Crs::ALL.into_iter().find(|c| c.epsg() == Some(code)),
        }
    }

    /// "EPSG:5899", "epsg:5899", "5899", "urn:ogc:def:crs:EPSG::5899", "urn:ogc:def:crs:OGC:1.3:CRS84".
    pub fn parse(s: &str) -> Option<Crs> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("urn:ogc:def:crs:OGC:1.3:CRS84")
            || t.eq_ignore_ascii_case("CRS84")
        {
            return Some(Crs::Wgs84);
        }
        let digits: String = t
            .rsplit(|c: char| !c.is_ascii_digit())
            .find(|p| !p.is_empty())
            .unwrap_or_default()
            .to_string();
        digits.parse().ok().and_then(Crs::from_epsg)
    }

    pub fn name(self) -> String {
        match self {
            Crs::Wgs84 => "WGS 84 (EPSG:4326)".into(),
            Crs::Vn2000 => "VN-2000 (EPSG:4756)".into(),
            Crs::Vn2000Tm3 => "VN-2000 / TM-3 107°45′ (EPSG:5899)".into(),
            Crs::Vn2000Utm48 => "VN-2000 / UTM 48N (EPSG:3405)".into(),
            Crs::Vn2000Utm49 => "VN-2000 / UTM 49N (EPSG:3406)".into(),
            Crs::Vn2000Tm3At(m) => {
                let code = self
                    .epsg()
                    .map(|c| format!(" (EPSG:{c})"))
                    .unwrap_or_default();
                if m % 60 == 0 {
                    format!("VN-2000 / TM-3 {}°{code}", m / 60)
                } else {
                    format!("VN-2000 / TM-3 {}°{:02}′{code}", m / 60, m % 60)
                }
            }
            Crs::Wgs84Utm(z) => format!("WGS 84 / UTM {z}N (EPSG:{})", 32600 + u32::from(z)),
        }
    }

    pub fn is_geographic(self) -> bool {
        matches!(self, Crs::Wgs84 | Crs::Vn2000)
    }

    fn proj_string(self) -> String {
        match self {
            Crs::Wgs84 => WGS84_PROJ.to_string(),
            Crs::Vn2000 => format!("+proj=longlat +ellps=WGS84 {VN2000_TOWGS84} +no_defs"),
            Crs::Vn2000Tm3 => VN2000_TM3_PROJ.to_string(),
            Crs::Vn2000Utm48 => {
                format!("+proj=utm +zone=48 +ellps=WGS84 {VN2000_TOWGS84} +units=m +no_defs")
            }
            Crs::Vn2000Utm49 => {
                format!("+proj=utm +zone=49 +ellps=WGS84 {VN2000_TOWGS84} +units=m +no_defs")
            }
            Crs::Vn2000Tm3At(m) => format!(
                "+proj=tmerc +lat_0=0 +lon_0={} +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 {VN2000_TOWGS84} +units=m +no_defs",
                f64::from(m) / 60.0
            ),
            Crs::Wgs84Utm(z) => format!("+proj=utm +zone={z} +datum=WGS84 +units=m +no_defs"),
        }
    }

    /// Guesses the system of coordinates around Quảng Ninh from their ranges: lon/lat, or the
    /// easting band of TM-3 107°45′ (≈ 340–580 km), UTM 48N (≈ 620–860 km) or UTM 49N (≈ 0–240 km).
    pub fn guess(min: [f64; 2], max: [f64; 2]) -> Option<Crs> {
        if min[0] >= -180.0 && max[0] <= 180.0 && min[1] >= -90.0 && max[1] <= 90.0 {
            return Some(Crs::Wgs84);
        }
        if !(1_800_000.0..=2_800_000.0).contains(&min[1])
            || !(1_800_000.0..=2_800_000.0).contains(&max[1])
        {
            return None;
        }
        let band = |lo: f64, hi: f64| min[0] >= lo && max[0] <= hi;
        if band(300_000.0, 600_000.0) {
            Some(Crs::Vn2000Tm3)
        } else if band(600_000.0, 900_000.0) {
            Some(Crs::Vn2000Utm48)
        } else if band(-50_000.0, 300_000.0) {
            Some(Crs::Vn2000Utm49)
        } else {
            None
        }
    }
}

/// Converts coordinates between a [`Crs`] and WGS84 lon/lat (degrees).
pub struct Transformer {
    crs: Crs,
    wgs84: Proj,
    other: Proj,
}

impl std::fmt::Debug for Transformer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Transformer({})", self.crs.name())
    }
}

impl Transformer {
    pub fn new(crs: Crs) -> Result<Transformer, CrsError> {
        let def =
            |s: &str| Proj::from_proj_string(s).map_err(|e| CrsError::Definition(e.to_string()));
        Ok(Transformer {
            crs,
            wgs84: def(WGS84_PROJ)?,
            other: def(&crs.proj_string())?,
        })
    }

    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// (x, y) in the CRS (degrees for geographic ones) → WGS84 (lon, lat) degrees.
    pub fn to_wgs84(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        if !x.is_finite() || !y.is_finite() {
            return Err(CrsError::Transform(x, y, "not a finite number".into()));
        }
        if self.crs == Crs::Wgs84 {
            return check_lonlat(x, y);
        }
        let mut p = if self.crs.is_geographic() {
            check_lonlat(x, y)?;
            (x.to_radians(), y.to_radians(), 0.0)
        } else {
            (x, y, 0.0)
        };
        proj4rs::transform::transform(&self.other, &self.wgs84, &mut p)
            .map_err(|e| CrsError::Transform(x, y, e.to_string()))?;
        check_lonlat(p.0.to_degrees(), p.1.to_degrees())
    }

    /// WGS84 (lon, lat) degrees → (x, y) in the CRS.
    pub fn from_wgs84(&self, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
        check_lonlat(lon, lat)?;
        if self.crs == Crs::Wgs84 {
            return Ok((lon, lat));
        }
        let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
        proj4rs::transform::transform(&self.wgs84, &self.other, &mut p)
            .map_err(|e| CrsError::Transform(lon, lat, e.to_string()))?;
        if self.crs.is_geographic() {
            Ok((p.0.to_degrees(), p.1.to_degrees()))
        } else {
            Ok((p.0, p.1))
        }
    }
}

fn check_lonlat(lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
    if !lon.is_finite() || !lat.is_finite() || lon.abs() > 180.0 || lat.abs() > 90.0 {
        return Err(CrsError::Transform(
            lon,
            lat,
            "outside lon/lat range".into(),
        ));
    }
    Ok((lon, lat))
}

#[cfg(test)]
mod vn2000_tests {
    use super::*;

    // From PROJ 9 via GDAL 3.6.2: gdaltransform -s_srs EPSG:4326 -t_srs EPSG:N.
    const WGS: [(f64, f64); 3] = [(107.08, 20.95), (107.97, 21.52), (106.51, 21.08)];
    const EXPECTED: [(Crs, [(f64, f64); 3]); 4] = [
        (
            Crs::Vn2000Utm48,
            [
                (716082.642431787, 2318126.30501268),
                (807490.973943821, 2382734.33002342),
                (656665.750124034, 2331853.14898216),
            ],
        ),
        (
            Crs::Vn2000Utm49,
            [
                (92032.2270737692, 2321722.72065227),
                (185898.613456103, 2382861.41959302),
                (33059.3907069779, 2337704.37548557),
            ],
        ),
        (
            Crs::Vn2000Tm3,
            [
                (430127.565012932, 2317566.47160344),
                (522595.916060074, 2380540.79642814),
                (370956.220766307, 2332314.10226665),
            ],
        ),
        (
            Crs::Vn2000,
            [
                (107.078121765712, 20.9509999371601),
                (107.968117517151, 21.5210079375982),
                (106.508118422508, 21.0809930978329),
            ],
        ),
    ];

    #[test]
    fn vn2000_systems_match_proj_within_a_centimetre_both_ways() {
        for (crs, pts) in EXPECTED {
            let t = Transformer::new(crs).unwrap();
            for ((lon, lat), (x, y)) in WGS.iter().zip(pts) {
                let (gx, gy) = t.from_wgs84(*lon, *lat).unwrap();
                let (back_lon, back_lat) = t.to_wgs84(x, y).unwrap();
                let d = geodesic_distance_m((back_lon, back_lat), (*lon, *lat));
                assert!(d < 0.01, "{crs:?}: inverse {d} m off");
                if crs.is_geographic() {
                    let d = geodesic_distance_m((gx, gy), (x, y));
                    assert!(d < 0.01, "{crs:?}: forward {d} m off");
                } else {
                    assert!(
                        (gx - x).abs() < 0.01 && (gy - y).abs() < 0.01,
                        "{crs:?}: {gx},{gy} vs {x},{y}"
                    );
                }
            }
        }
    }

    #[test]
    fn crs_guess_and_parse() {
        assert_eq!(Crs::guess([106.5, 20.9], [108.0, 21.6]), Some(Crs::Wgs84));
        assert_eq!(
            Crs::guess([370_000.0, 2_317_000.0], [523_000.0, 2_381_000.0]),
            Some(Crs::Vn2000Tm3)
        );
        assert_eq!(
            Crs::guess([656_000.0, 2_318_000.0], [808_000.0, 2_383_000.0]),
            Some(Crs::Vn2000Utm48)
        );
        assert_eq!(
            Crs::guess([33_000.0, 2_321_000.0], [186_000.0, 2_383_000.0]),
            Some(Crs::Vn2000Utm49)
        );
        assert_eq!(Crs::guess([5.0e6, 0.0], [6.0e6, 1.0]), None);
        assert_eq!(Crs::parse("EPSG:5899"), Some(Crs::Vn2000Tm3));
        assert_eq!(
            Crs::parse("urn:ogc:def:crs:EPSG::3405"),
            Some(Crs::Vn2000Utm48)
        );
        assert_eq!(
            Crs::parse("urn:ogc:def:crs:OGC:1.3:CRS84"),
            Some(Crs::Wgs84)
        );
        assert_eq!(Crs::parse("EPSG:2154"), None);
    }
}
