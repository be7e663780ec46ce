//! A coordinate typed into the locator: lon/lat in degrees (either order, as Vietnam's ranges
//! tell them apart) or VN-2000 / TM-3 107°45′ metres (E and N in either order: N is the one
//! over a million), with or without labels ("N 2330000 E 430000", "21.05N 107.3E") and with a
//! decimal point or comma.

use crate::io::crs::Tm3;

/// A coordinate read from the query, in WGS 84.
#[derive(Debug, Clone, PartialEq)]
pub struct Coordinate {
    pub lon: f64,
    pub lat: f64,
    /// How it was read, e.g. "VN-2000 / TM-3 107°45′: E 430000, N 2330000".
    pub read_as: String,
    /// The reading was VN-2000 metres.
    pub projected: bool,
}

/// One number of the query and the axis its label names (`Some('N')`, `Some('E')`).
fn numbers(q: &str) -> Option<Vec<(f64, Option<char>)>> {
    let q = q.trim();
    // "21.05,107.3" (one token): the comma separates.
    let tokens: Vec<&str> = q
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|t| !t.is_empty())
        .collect();
    let tokens: Vec<String> = if tokens.len() == 1 && tokens[0].matches(',').count() == 1 {
        tokens[0].split(',').map(str::to_string).collect()
    } else if tokens.len() == 1 && tokens[0].matches(',').count() == 3 {
        // "21,05,107,3" cannot be told apart: not a coordinate.
        return None;
    } else {
        tokens.iter().map(|t| t.to_string()).collect()
    };
    let mut out = Vec::new();
    let mut pending: Option<char> = None;
    for t in tokens {
        let t = t.trim_matches(|c: char| c == ',' || c == '=' || c == ':');
        if t.is_empty() {
            continue;
        }
        let axis_of = |s: &str| match s.to_ascii_uppercase().as_str() {
            "N" | "Y" | "LAT" | "VĨ ĐỘ" => Some('N'),
            "E" | "X" | "LON" | "LNG" | "KINH ĐỘ" => Some('E'),
            _ => None,
        };
        if !t.chars().any(|c| c.is_ascii_digit()) {
            // A label alone ("N", "E", "lat"): for the next number.
            pending = Some(axis_of(t)?);
            continue;
        }
        // Labels stuck to the number: "N2330000", "21.05N", "107.3°E".
        let start = t.find(|c: char| c.is_ascii_digit() || c == '-' || c == '.')?;
        let end = t.rfind(|c: char| c.is_ascii_digit())? + 1;
        let (before, num, after) = (&t[..start], &t[start..end], &t[end..]);
        let before = before.trim_end_matches(['=', ':']);
        let after = after.trim_start_matches('°');
        let axis = match (axis_of(before), axis_of(after)) {
            (Some(a), None) | (None, Some(a)) => Some(a),
            (None, None) if before.is_empty() && after.is_empty() => pending.take(),
            _ => return None,
        };
        let v: f64 = num.replace(',', ".").parse().ok()?;
        if !v.is_finite() {
            return None;
        }
        out.push((v, axis));
    }
    (out.len() == 2).then_some(out)
}

/// The coordinate `q` names, if it is one in or near Vietnam.
pub fn parse(q: &str, tm3: &Tm3) -> Option<Coordinate> {
    let nums = numbers(q)?;
    let (a, b) = (nums[0], nums[1]);
    // Put the northing / latitude first when the labels say so.
    let (first, second) = match (a.1, b.1) {
        (Some('E'), _) | (_, Some('N')) => (b.0, a.0),
        _ => (a.0, b.0),
    };
    let labelled = a.1.is_some() || b.1.is_some();
    let lat_ok = |v: f64| (5.0..=25.0).contains(&v);
    let lon_ok = |v: f64| (100.0..=115.0).contains(&v);
    if first.abs() <= 180.0 && second.abs() <= 180.0 {
        let (lat, lon) = if lat_ok(first) && lon_ok(second) {
            (first, second)
        } else if !labelled && lon_ok(first) && lat_ok(second) {
            (second, first)
        } else {
            return None;
        };
        return Some(Coordinate {
            lon,
            lat,
            read_as: format!("WGS 84: {lat}° N, {lon}° E"),
            projected: false,
        });
    }
    let n_ok = |v: f64| (500_000.0..=3_000_000.0).contains(&v);
    let e_ok = |v: f64| (100_000.0..=900_000.0).contains(&v);
    let (n, e) = if n_ok(first) && e_ok(second) {
        (first, second)
    } else if !labelled && e_ok(first) && n_ok(second) {
        (second, first)
    } else {
        return None;
    };
    let (lon, lat) = tm3.lonlat_from_tm3(e, n).ok()?;
    (lat_ok(lat) && lon_ok(lon)).then(|| Coordinate {
        lon,
        lat,
        read_as: format!("VN-2000 / TM-3 107°45′ (EPSG:5899): E {e}, N {n}"),
        projected: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_planners_type() {
        let tm3 = Tm3::new().unwrap();
        let c = parse("2330000 430000", &tm3).unwrap();
        assert!(c.projected);
        // VN-2000 TM-3 107°45′, N 2,330,000 E 430,000: near 21.06° N, 107.08° E (Hạ Long).
        assert!(
            (c.lat - 21.06).abs() < 0.02 && (c.lon - 107.08).abs() < 0.02,
            "{c:?}"
        );
        let same = parse("430000 2330000", &tm3).unwrap();
        assert!((same.lon - c.lon).abs() < 1e-9 && (same.lat - c.lat).abs() < 1e-9);
        let labelled = parse("E=430000 N=2330000", &tm3).unwrap();
        assert!((labelled.lat - c.lat).abs() < 1e-9);
        let g = parse("21.05 107.3", &tm3).unwrap();
        assert_eq!((g.lat, g.lon), (21.05, 107.3));
        assert!(!g.projected);
        assert_eq!(parse("107.3, 21.05", &tm3).unwrap().lat, 21.05);
        assert_eq!(parse("21.05,107.3", &tm3).unwrap().lon, 107.3);
        assert_eq!(parse("21,05 107,3", &tm3).unwrap().lat, 21.05);
        assert_eq!(parse("21.05N 107.3°E", &tm3).unwrap().lon, 107.3);
        assert_eq!(parse("lat 21.05 lon 107.3", &tm3).unwrap().lon, 107.3);
        // Not coordinates, or not in Vietnam.
        for q in [
            "thửa 15",
            "15",
            "1 2 3",
            "48.85 2.35",
            "21,05,107,3",
            "9e999 1",
            "NaN 5",
            "2330000 2330000",
            "N 107.3 E 21.05",
            "",
        ] {
            assert_eq!(parse(q, &tm3), None, "{q}");
        }
    }
}
