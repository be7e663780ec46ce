//! The coordinate system a file declares: a Shapefile's `.prj` (ESRI WKT as ArcGIS writes
//! it, OGC WKT 1 as GDAL and MapInfo write it) and a MapInfo `CoordSys` clause. What is read:
//! WGS 84 and VN-2000 geographic, VN-2000 / TM-3 on any central meridian, VN-2000 / UTM
//! 48N and 49N, WGS 84 / UTM. VN-2000 is known by its datum name or by its seven parameters
//! (in either rotation convention: position vector as in WKT's TOWGS84, coordinate frame as
//! MapInfo writes them) and always gets EPSG:6960's shift. Anything else is described and
//! refused, never guessed.

use super::crs::{Crs, VN2000_TOWGS84_PARAMS};

/// A declaration read, but not one of the systems qn-planner reads; `what` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unread {
    pub what: String,
}

impl std::fmt::Display for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.what)
    }
}

/// What a declaration says.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    pub crs: Crs,
    /// Anything changed in reading it (a datum shift replaced by EPSG:6960's).
    pub notes: Vec<String>,
}

/// A WKT node: `NAME[value, value, …]`.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Text(String),
    Number(f64),
    Word(String),
    Node(Node),
}

#[derive(Debug, Clone, PartialEq)]
struct Node {
    name: String,
    items: Vec<Item>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.items.iter().find_map(|i| match i {
            Item::Node(n) if n.name.eq_ignore_ascii_case(name) => Some(n),
            _ => None,
        })
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.items.iter().filter_map(move |i| match i {
            Item::Node(n) if n.name.eq_ignore_ascii_case(name) => Some(n),
            _ => None,
        })
    }

    fn text(&self) -> String {
        self.items
            .iter()
            .find_map(|i| match i {
                Item::Text(t) => Some(t.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    fn numbers(&self) -> Vec<f64> {
        self.items
            .iter()
            .filter_map(|i| match i {
                Item::Number(v) => Some(*v),
                _ => None,
            })
            .collect()
    }
}

fn parse_wkt(text: &str) -> Result<Node, String> {
    let chars: Vec<char> = text.trim().trim_start_matches('\u{FEFF}').chars().collect();
    let mut pos = 0;
    let node = parse_node(&chars, &mut pos, 0)?;
    while pos < chars.len() && chars[pos].is_whitespace() {
        pos += 1;
    }
    if pos != chars.len() {
        return Err(format!("text after the WKT ends, at character {pos}"));
    }
    Ok(node)
}

fn skip_ws(c: &[char], pos: &mut usize) {
    while *pos < c.len() && c[*pos].is_whitespace() {
        *pos += 1;
    }
}

fn parse_node(c: &[char], pos: &mut usize, depth: usize) -> Result<Node, String> {
    if depth > 32 {
        return Err("WKT nested too deeply".into());
    }
    skip_ws(c, pos);
    let start = *pos;
    while *pos < c.len() && (c[*pos].is_ascii_alphanumeric() || c[*pos] == '_') {
        *pos += 1;
    }
    let name: String = c[start..*pos].iter().collect();
    if name.is_empty() {
        return Err(format!("expected a WKT keyword at character {start}"));
    }
    skip_ws(c, pos);
    match c.get(*pos) {
        Some('[') | Some('(') => *pos += 1,
        _ => return Err(format!("expected [ after {name}")),
    }
    let mut items = Vec::new();
    loop {
        skip_ws(c, pos);
        match c.get(*pos) {
            None => return Err(format!("{name}[ is never closed")),
            Some(']') | Some(')') => {
                *pos += 1;
                break;
            }
            Some(',') => {
                *pos += 1;
                continue;
            }
            Some('"') => {
                *pos += 1;
                let s = *pos;
                while *pos < c.len() && c[*pos] != '"' {
                    *pos += 1;
                }
                if *pos >= c.len() {
                    return Err("a quoted name is never closed".into());
                }
                items.push(Item::Text(c[s..*pos].iter().collect()));
                *pos += 1;
            }
            Some(ch) if ch.is_ascii_digit() || matches!(ch, '-' | '+' | '.') => {
                let s = *pos;
                while *pos < c.len()
                    && (c[*pos].is_ascii_digit() || matches!(c[*pos], '-' | '+' | '.' | 'e' | 'E'))
                {
                    *pos += 1;
                }
                let t: String = c[s..*pos].iter().collect();
                let v: f64 = t.parse().map_err(|_| format!("{t:?} is not a number"))?;
                items.push(Item::Number(v));
            }
            Some(_) => {
                // A keyword: a node if a bracket follows, else a bare word (AXIS["X",EAST]).
                let save = *pos;
                let s = *pos;
                while *pos < c.len() && (c[*pos].is_ascii_alphanumeric() || c[*pos] == '_') {
                    *pos += 1;
                }
                if *pos == s {
                    return Err(format!("unexpected {:?} in {name}", c[s]));
                }
                let word: String = c[s..*pos].iter().collect();
                skip_ws(c, pos);
                if matches!(c.get(*pos), Some('[') | Some('(')) {
                    *pos = save;
                    items.push(Item::Node(parse_node(c, pos, depth + 1)?));
                } else {
                    items.push(Item::Word(word));
                }
            }
        }
    }
    Ok(Node {
        name: name.to_ascii_uppercase(),
        items,
    })
}

/// Lower case, letters and digits only: "D_Vietnam_2000" → "dvietnam2000".
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Datum {
    Wgs84,
    Vn2000,
}

fn is_wgs84_ellipsoid(a: f64, rf: f64) -> bool {
    (a - 6_378_137.0).abs() < 0.01 && (rf - 298.257_223_563).abs() < 1e-6
}

/// Whether seven parameters are EPSG:6960's, as written (position vector) or with the
/// rotations negated (coordinate frame). Returns which, if either.
fn vn2000_params(p: &[f64]) -> Option<&'static str> {
    if p.len() < 7 {
        return None;
    }
    let r = &VN2000_TOWGS84_PARAMS;
    let shift = (0..3).all(|i| (p[i] - r[i]).abs() < 0.01);
    let scale = (p[6] - r[6]).abs() < 1e-3;
    let rot = |sign: f64| (3..6).all(|i| (p[i] - sign * r[i]).abs() < 1e-5);
    if !(shift && scale) {
        None
    } else if rot(1.0) {
        Some("position vector")
    } else if rot(-1.0) {
        Some("coordinate frame")
    } else {
        None
    }
}

/// The datum of a WKT GEOGCS node, with notes.
fn wkt_datum(geog: &Node, notes: &mut Vec<String>) -> Result<Datum, Unread> {
    let datum = geog.child("DATUM").ok_or_else(|| Unread {
        what: "a WKT with no DATUM".into(),
    })?;
    let name = datum.text();
    let sq = squash(&name);
    let (a, rf) = datum
        .child("SPHEROID")
        .or_else(|| datum.child("ELLIPSOID"))
        .map(|s| {
            let n = s.numbers();
            (
                n.first().copied().unwrap_or(0.0),
                n.get(1).copied().unwrap_or(0.0),
            )
        })
        .unwrap_or((0.0, 0.0));
    let towgs = datum.child("TOWGS84").map(Node::numbers);
    let by_name_vn = sq.contains("vietnam2000") || sq.contains("vn2000");
    let by_name_wgs = matches!(
        sq.as_str(),
        "dwgs1984" | "wgs1984" | "wgs84" | "worldgeodeticsystem1984"
    );
    if !is_wgs84_ellipsoid(a, rf) {
        return Err(Unread {
            what: format!("datum {name:?} on an ellipsoid of a = {a}, 1/f = {rf} (not WGS 84's)"),
        });
    }
    let zero = towgs
        .as_ref()
        .is_none_or(|t| t.iter().all(|v| v.abs() < 1e-9));
    if by_name_wgs && zero {
        return Ok(Datum::Wgs84);
    }
    if let Some(t) = &towgs
        && let Some(convention) = vn2000_params(t)
    {
        if convention == "coordinate frame" {
            notes.push(
                "the datum's rotations are written with the coordinate-frame signs; read as VN-2000 (EPSG:6960)".into(),
            );
        }
        return Ok(Datum::Vn2000);
    }
    if by_name_vn {
        if let Some(t) = &towgs {
            notes.push(format!(
                "the file's datum shift {t:?} is not EPSG:6960's; VN-2000 by name, EPSG:6960 used"
            ));
        }
        return Ok(Datum::Vn2000);
    }
    Err(Unread {
        what: match towgs {
            Some(t) => format!("datum {name:?} with the shift {t:?}"),
            None => format!("datum {name:?}"),
        },
    })
}

fn param(node: &Node, names: &[&str]) -> Option<f64> {
    node.children("PARAMETER").find_map(|p| {
        let n = squash(&p.text());
        names
            .iter()
            .any(|want| n == *want)
            .then(|| p.numbers().first().copied())
            .flatten()
    })
}

/// A transverse Mercator on `datum`, to a [`Crs`].
fn transverse_mercator(
    datum: Datum,
    cm: f64,
    k: f64,
    fe: f64,
    fn_: f64,
    lat0: f64,
    name: &str,
) -> Result<Crs, Unread> {
    let near = |a: f64, b: f64, tol: f64| (a - b).abs() < tol;
    let what = || Unread {
        what: format!(
            "{name:?}: transverse Mercator on {} with central meridian {cm}, scale {k}, false easting {fe}, false northing {fn_}, latitude of origin {lat0}",
            if datum == Datum::Vn2000 {
                "VN-2000"
            } else {
                "WGS 84"
            }
        ),
    };
    if !near(fe, 500_000.0, 1e-6) || !near(fn_, 0.0, 1e-6) || !near(lat0, 0.0, 1e-9) {
        return Err(what());
    }
    match datum {
        Datum::Vn2000 if near(k, 0.9999, 1e-9) => Crs::vn2000_tm3(cm).ok_or_else(what),
        Datum::Vn2000 if near(k, 0.9996, 1e-9) && near(cm, 105.0, 1e-9) => Ok(Crs::Vn2000Utm48),
        Datum::Vn2000 if near(k, 0.9996, 1e-9) && near(cm, 111.0, 1e-9) => Ok(Crs::Vn2000Utm49),
        Datum::Wgs84 if near(k, 0.9996, 1e-9) => {
            let zone = (cm + 183.0) / 6.0;
            if near(zone, zone.round(), 1e-9) {
                Crs::wgs84_utm(zone.round() as u8).ok_or_else(what)
            } else {
                Err(what())
            }
        }
        _ => Err(what()),
    }
}

/// Reads a `.prj` (ESRI or OGC WKT 1).
pub fn from_wkt(text: &str) -> Result<Declared, Unread> {
    let root = parse_wkt(text).map_err(|e| Unread {
        what: format!("not readable WKT ({e})"),
    })?;
    let mut notes = Vec::new();
    match root.name.as_str() {
        "GEOGCS" => {
            let datum = wkt_datum(&root, &mut notes)?;
            Ok(Declared {
                crs: match datum {
                    Datum::Wgs84 => Crs::Wgs84,
                    Datum::Vn2000 => Crs::Vn2000,
                },
                notes,
            })
        }
        "PROJCS" => {
            let name = root.text();
            let geog = root.child("GEOGCS").ok_or_else(|| Unread {
                what: format!("{name:?}: a projected system with no GEOGCS"),
            })?;
            let datum = wkt_datum(geog, &mut notes)?;
            let projection = root.child("PROJECTION").map(Node::text).unwrap_or_default();
            if !matches!(
                squash(&projection).as_str(),
                "transversemercator" | "gausskruger"
            ) {
                return Err(Unread {
                    what: format!("{name:?}: projection {projection:?}"),
                });
            }
            let unit = root
                .child("UNIT")
                .map(|u| u.numbers().first().copied().unwrap_or(0.0))
                .unwrap_or(1.0);
            if (unit - 1.0).abs() > 1e-9 {
                return Err(Unread {
                    what: format!("{name:?}: a unit of {unit} m (only metres are read)"),
                });
            }
            let crs = transverse_mercator(
                datum,
                param(&root, &["centralmeridian", "longitudeofnaturalorigin"]).unwrap_or(0.0),
                param(&root, &["scalefactor", "scalefactoratnaturalorigin"]).unwrap_or(1.0),
                param(&root, &["falseeasting"]).unwrap_or(0.0),
                param(&root, &["falsenorthing"]).unwrap_or(0.0),
                param(&root, &["latitudeoforigin", "latitudeofnaturalorigin"]).unwrap_or(0.0),
                &name,
            )?;
            Ok(Declared { crs, notes })
        }
        other => Err(Unread {
            what: format!("a WKT {other} (a PROJCS or GEOGCS is read)"),
        }),
    }
}

/// Splits the arguments of a MapInfo clause at commas outside quotes.
fn mapinfo_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => {
                out.push(cur.trim().to_string());
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// Reads a MapInfo `CoordSys Earth Projection …` clause (as in a MIF header). MapInfo datum
/// 104 is WGS 84; 999 and 9999 give an ellipsoid and three or seven parameters (MapInfo writes
/// the rotations in the coordinate-frame convention: EPSG:6960's with their signs turned).
pub fn from_coordsys(clause: &str) -> Result<Declared, Unread> {
    let t = clause.trim();
    let lower = t.to_ascii_lowercase();
    let unread = |why: &str| Unread {
        what: format!("CoordSys {why}: {t}"),
    };
    let rest = lower
        .strip_prefix("coordsys")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix("earth"))
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix("projection"))
        .ok_or_else(|| unread("that is not Earth Projection"))?;
    // Drop a Bounds (…) clause.
    let rest = match rest.find("bounds") {
        Some(i) => &rest[..i],
        None => rest,
    };
    let args = mapinfo_args(rest);
    let num = |i: usize| -> Result<f64, Unread> {
        args.get(i)
            .and_then(|a| a.trim_matches('"').parse::<f64>().ok())
            .ok_or_else(|| unread(&format!("argument {} missing or not a number", i + 1)))
    };
    let kind = num(0)? as i64;
    let datum_code = num(1)? as i64;
    let mut notes = Vec::new();
    let (datum, mut i) = match datum_code {
        104 => (Datum::Wgs84, 2),
        999 | 9999 => {
            let ellipsoid = num(2)? as i64;
            if ellipsoid != 28 {
                return Err(unread(&format!(
                    "with ellipsoid {ellipsoid} (28, WGS 84, is read)"
                )));
            }
            let n = if datum_code == 999 { 3 } else { 7 };
            let mut p = Vec::with_capacity(7);
            for k in 0..n {
                p.push(num(3 + k)?);
            }
            if p.iter().all(|v| v.abs() < 1e-9) {
                (Datum::Wgs84, 3 + n + usize::from(datum_code == 9999))
            } else {
                // MapInfo's rotations are coordinate frame: turn them for TOWGS84.
                let towgs: Vec<f64> = if n == 7 {
                    vec![p[0], p[1], p[2], -p[3], -p[4], -p[5], p[6]]
                } else {
                    p.clone()
                };
                match vn2000_params(&towgs) {
                    Some(convention) => {
                        if convention == "coordinate frame" {
                            notes.push("the rotations are written with the position-vector signs, not MapInfo's; read as VN-2000 (EPSG:6960)".into());
                        }
                        (Datum::Vn2000, 3 + n + 1)
                    }
                    None => {
                        return Err(unread(&format!("with the datum shift {p:?}")));
                    }
                }
            }
        }
        other => return Err(unread(&format!("with MapInfo datum {other}"))),
    };
    match kind {
        1 => Ok(Declared {
            crs: match datum {
                Datum::Wgs84 => Crs::Wgs84,
                Datum::Vn2000 => Crs::Vn2000,
            },
            notes,
        }),
        8 => {
            let unit = args.get(i).map(|u| u.trim_matches('"')).unwrap_or_default();
            if unit != "m" {
                return Err(unread(&format!("in unit {unit:?} (only \"m\" is read)")));
            }
            i += 1;
            let crs = transverse_mercator(
                datum,
                num(i)?,
                num(i + 2)?,
                num(i + 3)?,
                num(i + 4)?,
                num(i + 1)?,
                "CoordSys",
            )?;
            Ok(Declared { crs, notes })
        }
        other => Err(unread(&format!("with MapInfo projection type {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arcgis_vn2000_tm3_and_utm() {
        let tm3 = r#"PROJCS["VN_2000_TM-3_107-45",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",107.75],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        assert_eq!(from_wkt(tm3).unwrap().crs, Crs::Vn2000Tm3);
        let other = tm3.replace("107.75", "105.5");
        assert_eq!(
            from_wkt(&other).unwrap().crs,
            Crs::Vn2000Tm3At(105 * 60 + 30)
        );
        let utm = r#"PROJCS["WGS_1984_UTM_Zone_48N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        assert_eq!(from_wkt(utm).unwrap().crs, Crs::Wgs84Utm(48));
    }

    #[test]
    fn unknown_systems_are_described_not_guessed() {
        let hn72 = r#"GEOGCS["GCS_Hanoi_1972",DATUM["D_Hanoi_1972",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        let e = from_wkt(hn72).unwrap_err();
        assert!(e.what.contains("Hanoi_1972"), "{e}");
        assert!(from_wkt("PROJCS[\"x\", GEOGCS[").is_err());
        let lcc = r#"PROJCS["x",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]],PROJECTION["Lambert_Conformal_Conic"],UNIT["Meter",1.0]]"#;
        assert!(from_wkt(lcc).unwrap_err().what.contains("Lambert"));
    }

    #[test]
    fn mapinfo_seven_parameters() {
        let c = "CoordSys Earth Projection 8, 9999, 28, -191.90441429, -39.30318279, -111.45032835, -0.00928836, 0.01975479, -0.00427372, 0.252906278, 0, \"m\", 107.75, 0, 0.9999, 500000, 0";
        let d = from_coordsys(c).unwrap();
        assert_eq!(d.crs, Crs::Vn2000Tm3);
        assert!(d.notes.is_empty(), "{:?}", d.notes);
        assert_eq!(
            from_coordsys("CoordSys Earth Projection 1, 104")
                .unwrap()
                .crs,
            Crs::Wgs84
        );
        assert_eq!(
            from_coordsys("CoordSys Earth Projection 8, 104, \"m\", 105, 0, 0.9996, 500000, 0")
                .unwrap()
                .crs,
            Crs::Wgs84Utm(48)
        );
        assert!(
            from_coordsys("CoordSys Earth Projection 3, 104, \"m\", 0, 0, 1, 2, 0, 0").is_err()
        );
    }
}
