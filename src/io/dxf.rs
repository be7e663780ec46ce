//! AutoCAD DXF drawings of planning schemes (ASCII DXF, R12 to 2018): closed `POLYLINE` and
//! `LWPOLYLINE` become polygons (bulges drawn as arcs), and so do `HATCH` boundaries (polyline
//! and line/arc edge paths); open polylines and `LINE` become lines, `POINT` and `INSERT`
//! points (the block name a field); the drawing layer becomes the field `layer`. A `TEXT` or
//! `MTEXT` whose insertion point lies inside a closed outline becomes that polygon's `label`
//! (the smallest one holding it; several are joined with " / "); a text inside none stays a
//! point with its `label`. Other entities (circles, arcs, splines, dimensions) are counted in
//! the notes. DXF declares no coordinate system: VN-2000 / TM-3 107°45′ is assumed, shown and
//! changeable. The text encoding is UTF-8 from AutoCAD 2007 (`$ACADVER` AC1021), else the
//! `$DWGCODEPAGE`, else detected; `\U+XXXX` escapes and MTEXT formatting are read.
//!
//! Written here rather than with the `dxf` crate: only these entities are needed, the text must
//! stay bytes until its encoding is known, and malformed files must be errors naming the line.

use super::encoding::{Choice, Encoding, Said, choose, decode, recase_tcvn3};
use super::feature::{ImportError, RawFeature, Value, bad};
use super::prj::{Declared, Unread};
use super::problem::{At, Problem};
use geo_types::{Coord, Geometry, LineString, Point, Polygon};
use std::path::Path;

fn at_line(path: &Path, line: u64) -> At {
    At::file_line(path.display().to_string(), line)
}

fn bad_line(path: &Path, line: u64, en: String, vi: String) -> ImportError {
    bad(at_line(path, line), Problem::BadRecord { en, vi })
}

/// One group: its code, its value (raw bytes), and the line of the code.
struct Group<'a> {
    code: i32,
    value: &'a [u8],
    line: u64,
}

fn groups<'a>(path: &Path, bytes: &'a [u8]) -> Result<Vec<Group<'a>>, ImportError> {
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let mut out = Vec::new();
    let mut n = 0u64;
    while let Some(code_line) = lines.next() {
        n += 1;
        let t = code_line.trim_ascii();
        if t.is_empty() {
            // A trailing newline at the end of the file.
            if lines.clone().all(|l| l.trim_ascii().is_empty()) {
                break;
            }
        }
        let code: i32 = std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                let shown: String = String::from_utf8_lossy(&t[..t.len().min(40)]).into_owned();
                bad_line(
                    path,
                    n,
                    format!(
                        "{shown:?} is not a DXF group code (binary garbage, or lines out of step?)"
                    ),
                    format!("{shown:?} không phải mã nhóm DXF (dữ liệu rác hoặc lệch dòng?)"),
                )
            })?;
        let Some(value) = lines.next() else {
            return Err(bad(at_line(path, n), Problem::RecordTruncated));
        };
        out.push(Group {
            code,
            value,
            line: n,
        });
        n += 1;
    }
    Ok(out)
}

fn text(v: &[u8]) -> String {
    String::from_utf8_lossy(v).trim().to_string()
}

fn number(path: &Path, g: &Group) -> Result<f64, ImportError> {
    let t = text(g.value);
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            bad_line(
                path,
                g.line + 1,
                format!("group {} holds {t:?}, not a number", g.code),
                format!("nhóm {} chứa {t:?}, không phải số", g.code),
            )
        })
}

/// An entity as read: its type, its groups (and a POLYLINE's VERTEX entities).
struct Entity<'a> {
    kind: String,
    line: u64,
    groups: Vec<&'a Group<'a>>,
    vertices: Vec<Vec<&'a Group<'a>>>,
}

impl Entity<'_> {
    fn first(&self, code: i32) -> Option<&[u8]> {
        self.groups.iter().find(|g| g.code == code).map(|g| g.value)
    }
}

/// A DXF drawing, read whole into features.
pub struct DxfIn {
    features: std::vec::IntoIter<RawFeature>,
    total: u64,
    read: u64,
    encoding: Choice,
    declaration: Option<Result<Declared, Unread>>,
    notes: Vec<String>,
}

/// The coordinate system assumed for a DXF: it declares none.
pub const DXF_DEFAULT_CRS: super::crs::Crs = super::crs::Crs::Vn2000Tm3;

/// Points along an arc from `a` to `b` with bulge `bulge` (tan of a quarter of the included
/// angle; positive counter-clockwise), excluding `a`, including `b`; about one per 5°.
fn arc_points(a: Coord<f64>, b: Coord<f64>, bulge: f64) -> Vec<Coord<f64>> {
    let chord = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
    if bulge.abs() < 1e-12 || chord == 0.0 || !bulge.is_finite() {
        return vec![b];
    }
    let theta = 4.0 * bulge.atan();
    let radius = chord / (2.0 * (theta / 2.0).sin());
    // The centre: from the chord's midpoint along its normal.
    let mid = Coord {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    };
    let d = radius * (theta / 2.0).cos();
    let (nx, ny) = (-(b.y - a.y) / chord, (b.x - a.x) / chord);
    let c = Coord {
        x: mid.x + nx * d,
        y: mid.y + ny * d,
    };
    let start = (a.y - c.y).atan2(a.x - c.x);
    let steps = ((theta.abs().to_degrees() / 5.0).ceil() as usize).clamp(1, 360);
    let r = radius.abs();
    let mut out = Vec::with_capacity(steps);
    for k in 1..steps {
        let t = start + theta * k as f64 / steps as f64;
        out.push(Coord {
            x: c.x + r * t.cos(),
            y: c.y + r * t.sin(),
        });
    }
    out.push(b);
    out
}

/// Vertices with their bulges to a ring or line.
fn with_arcs(v: &[(Coord<f64>, f64)], closed: bool) -> Vec<Coord<f64>> {
    let mut out = Vec::with_capacity(v.len() + 1);
    let Some(first) = v.first() else {
        return out;
    };
    out.push(first.0);
    for w in v.windows(2) {
        out.extend(arc_points(w[0].0, w[1].0, w[0].1));
    }
    // Closed: back to the first vertex (unless the last one already is it).
    if closed
        && let Some(last) = v.last()
        && (last.0 != first.0 || v.len() == 1)
    {
        out.extend(arc_points(last.0, first.0, last.1));
    }
    out
}

/// AutoCAD's escapes and MTEXT formatting: `\U+1EA1`, `\P` (new paragraph), `{\fArial;…}`,
/// `%%d` (degree) and the like.
pub fn unescape(s: &str, mtext: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            if (n == 'U' || n == 'u') && chars.get(i + 2) == Some(&'+') && i + 7 <= chars.len() {
                let hex: String = chars[i + 3..i + 7].iter().collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                    i += 7;
                    continue;
                }
            }
            if mtext {
                match n {
                    'P' | '~' => {
                        out.push(' ');
                        i += 2;
                        continue;
                    }
                    '\\' | '{' | '}' => {
                        out.push(n);
                        i += 2;
                        continue;
                    }
                    'L' | 'l' | 'O' | 'o' | 'K' | 'k' => {
                        i += 2;
                        continue;
                    }
                    'f' | 'F' | 'H' | 'h' | 'C' | 'c' | 'A' | 'a' | 'W' | 'w' | 'Q' | 'q' | 'T'
                    | 't' | 'p' | 'S' => {
                        // A code up to its ';'.
                        match chars[i..].iter().position(|&x| x == ';') {
                            Some(k) => i += k + 1,
                            None => i = chars.len(),
                        }
                        continue;
                    }
                    _ => {}
                }
            }
        }
        if mtext && (c == '{' || c == '}') {
            i += 1;
            continue;
        }
        if c == '%'
            && chars.get(i + 1) == Some(&'%')
            && let Some(k) = chars.get(i + 2)
        {
            let r = match k.to_ascii_lowercase() {
                'd' => Some('°'),
                'p' => Some('±'),
                'c' => Some('Ø'),
                '%' => Some('%'),
                _ => None,
            };
            if let Some(r) = r {
                out.push(r);
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl DxfIn {
    pub fn open(path: &Path, encoding: Option<Encoding>) -> Result<DxfIn, ImportError> {
        let bytes = crate::fsutil::read_input(path).map_err(|e| ImportError::Io {
            path: path.display().to_string(),
            source: e.into(),
        })?;
        DxfIn::from_bytes(path, &bytes, encoding)
    }

    /// Reads a drawing held in memory (`path` names it in messages).
    pub fn from_bytes(
        path: &Path,
        bytes: &[u8],
        encoding: Option<Encoding>,
    ) -> Result<DxfIn, ImportError> {
        if bytes.starts_with(b"AutoCAD Binary DXF") {
            return Err(bad(
                At::File(path.display().to_string()),
                Problem::BadHeader {
                    en: "a binary DXF: save the drawing as ASCII DXF".into(),
                    vi: "DXF dạng nhị phân: hãy lưu bản vẽ thành DXF ASCII".into(),
                },
            ));
        }
        let groups = groups(path, bytes)?;
        // Sections: balanced, and the ENTITIES one found.
        let mut section: Option<(String, u64)> = None;
        let mut entities_range: Vec<(usize, usize)> = Vec::new();
        let mut start = 0usize;
        let mut acadver = String::new();
        let mut codepage = String::new();
        let mut eof = false;
        let mut i = 0;
        while i < groups.len() {
            let g = &groups[i];
            if g.code == 0 {
                let v = text(g.value);
                match v.as_str() {
                    "SECTION" => {
                        if let Some((name, line)) = &section {
                            return Err(bad_line(
                                path,
                                g.line,
                                format!(
                                    "a SECTION inside section {name} (opened at line {line}), which never ended"
                                ),
                                format!(
                                    "SECTION nằm trong phần {name} (mở ở dòng {line}) chưa kết thúc"
                                ),
                            ));
                        }
                        let name = groups
                            .get(i + 1)
                            .filter(|n| n.code == 2)
                            .map(|n| text(n.value))
                            .ok_or_else(|| {
                                bad_line(
                                    path,
                                    g.line,
                                    "a SECTION without its name".into(),
                                    "SECTION không có tên".into(),
                                )
                            })?;
                        section = Some((name, g.line));
                        start = i + 2;
                        i += 2;
                        continue;
                    }
                    "ENDSEC" => {
                        let Some((name, _)) = section.take() else {
                            return Err(bad_line(
                                path,
                                g.line,
                                "an ENDSEC outside any section".into(),
                                "ENDSEC nằm ngoài mọi phần".into(),
                            ));
                        };
                        if name == "ENTITIES" {
                            entities_range.push((start, i));
                        }
                        if name == "HEADER" {
                            let mut k = start;
                            while k + 1 < i {
                                if groups[k].code == 9 {
                                    let var = text(groups[k].value);
                                    let val = text(groups[k + 1].value);
                                    match var.as_str() {
                                        "$ACADVER" => acadver = val,
                                        "$DWGCODEPAGE" => codepage = val,
                                        _ => {}
                                    }
                                }
                                k += 1;
                            }
                        }
                    }
                    "EOF" => {
                        if let Some((name, line)) = &section {
                            return Err(bad_line(
                                path,
                                g.line,
                                format!("EOF inside section {name} (opened at line {line})"),
                                format!("EOF nằm trong phần {name} (mở ở dòng {line})"),
                            ));
                        }
                        eof = true;
                        break;
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        if let Some((name, line)) = section {
            return Err(bad_line(
                path,
                line,
                format!("section {name} never ends (no ENDSEC)"),
                format!("phần {name} không kết thúc (thiếu ENDSEC)"),
            ));
        }
        if !eof && groups.is_empty() {
            return Err(bad(At::File(path.display().to_string()), Problem::Empty));
        }
        // Entities.
        let mut ents: Vec<Entity> = Vec::new();
        for (a, b) in entities_range {
            let mut k = a;
            while k < b {
                let g = &groups[k];
                if g.code != 0 {
                    k += 1;
                    continue;
                }
                let kind = text(g.value).to_ascii_uppercase();
                let mut e = Entity {
                    kind: kind.clone(),
                    line: g.line,
                    groups: Vec::new(),
                    vertices: Vec::new(),
                };
                k += 1;
                while k < b && groups[k].code != 0 {
                    e.groups.push(&groups[k]);
                    k += 1;
                }
                if kind == "POLYLINE" {
                    // Its VERTEX entities up to SEQEND.
                    while k < b && groups[k].code == 0 {
                        let t = text(groups[k].value).to_ascii_uppercase();
                        if t == "SEQEND" {
                            k += 1;
                            while k < b && groups[k].code != 0 {
                                k += 1;
                            }
                            break;
                        }
                        if t != "VERTEX" {
                            break;
                        }
                        k += 1;
                        let mut v = Vec::new();
                        while k < b && groups[k].code != 0 {
                            v.push(&groups[k]);
                            k += 1;
                        }
                        e.vertices.push(v);
                    }
                }
                ents.push(e);
            }
        }
        // The encoding: UTF-8 from AutoCAD 2007, else the code page, else detected.
        let version: u32 = acadver
            .strip_prefix("AC")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let samples: Vec<Vec<u8>> = ents
            .iter()
            .flat_map(|e| e.groups.iter().filter(|g| matches!(g.code, 1 | 3 | 8)))
            .map(|g| g.value.to_vec())
            .filter(|v| !v.is_ascii())
            .take(4000)
            .collect();
        let choice = match encoding {
            Some(e) => Choice::given(e),
            None => {
                let declared = if version >= 1021 {
                    Some((
                        Encoding::Utf8,
                        Said::new(
                            format!("$ACADVER {acadver} (AutoCAD 2007 or later) is UTF-8"),
                            format!("$ACADVER {acadver} (AutoCAD 2007 trở đi) là UTF-8"),
                        ),
                    ))
                } else {
                    let cp = codepage.to_ascii_lowercase().replace("ansi_", "");
                    Encoding::parse(&cp).map(|e| {
                        (
                            e,
                            Said::new(
                                format!("$DWGCODEPAGE says {codepage}"),
                                format!("$DWGCODEPAGE ghi {codepage}"),
                            ),
                        )
                    })
                };
                let refs: Vec<&[u8]> = samples.iter().map(Vec::as_slice).collect();
                choose(declared, &refs)
            }
        };
        let enc = choice.encoding;
        let mut recased = 0u64;
        let mut read_text = |v: &[u8], mtext: bool| {
            let mut s = unescape(&decode(v, enc), mtext);
            if enc == Encoding::Tcvn3
                && let Some(r) = recase_tcvn3(&s)
            {
                recased += 1;
                s = r;
            }
            s
        };
        // Geometry.
        struct Shape {
            geom: Geometry<f64>,
            layer: String,
            kind: String,
            block: Option<String>,
            labels: Vec<String>,
        }
        let mut shapes: Vec<Shape> = Vec::new();
        let mut texts: Vec<(Coord<f64>, String, String, String)> = Vec::new();
        let mut skipped: std::collections::BTreeMap<String, u64> = Default::default();
        let mut z_seen = false;
        let xy = |gs: &[&Group], xc: i32, yc: i32, line: u64| -> Result<Coord<f64>, ImportError> {
            let x = gs.iter().find(|g| g.code == xc);
            let y = gs.iter().find(|g| g.code == yc);
            match (x, y) {
                (Some(x), Some(y)) => Ok(Coord {
                    x: number(path, x)?,
                    y: number(path, y)?,
                }),
                _ => Err(bad_line(
                    path,
                    line,
                    format!("an entity without its point (groups {xc} and {yc})"),
                    format!("đối tượng thiếu toạ độ (nhóm {xc} và {yc})"),
                )),
            }
        };
        for e in &ents {
            let layer = e.first(8).map(|v| read_text(v, false)).unwrap_or_default();
            if e.groups.iter().any(|g| {
                matches!(g.code, 30 | 31) && text(g.value).parse::<f64>().is_ok_and(|z| z != 0.0)
            }) {
                z_seen = true;
            }
            let flags = e
                .groups
                .iter()
                .find(|g| g.code == 70)
                .and_then(|g| text(g.value).parse::<i64>().ok())
                .unwrap_or(0);
            let closed = flags & 1 == 1;
            let geom = match e.kind.as_str() {
                "LWPOLYLINE" => {
                    let mut v: Vec<(Coord<f64>, f64)> = Vec::new();
                    let mut x: Option<f64> = None;
                    for g in &e.groups {
                        match g.code {
                            10 => x = Some(number(path, g)?),
                            20 => {
                                let Some(xv) = x.take() else {
                                    return Err(bad_line(
                                        path,
                                        g.line,
                                        "a vertex y without its x".into(),
                                        "toạ độ y của đỉnh thiếu x".into(),
                                    ));
                                };
                                v.push((
                                    Coord {
                                        x: xv,
                                        y: number(path, g)?,
                                    },
                                    0.0,
                                ));
                            }
                            42 => {
                                if let Some(last) = v.last_mut() {
                                    last.1 = number(path, g)?;
                                }
                            }
                            _ => {}
                        }
                    }
                    Some(polyline(v, closed))
                }
                "POLYLINE" => {
                    if flags & (16 | 64) != 0 {
                        *skipped.entry("POLYLINE mesh".into()).or_default() += 1;
                        None
                    } else {
                        let mut v = Vec::with_capacity(e.vertices.len());
                        for vx in &e.vertices {
                            let c = xy(vx, 10, 20, e.line)?;
                            let bulge = vx
                                .iter()
                                .find(|g| g.code == 42)
                                .map(|g| number(path, g))
                                .transpose()?
                                .unwrap_or(0.0);
                            v.push((c, bulge));
                        }
                        Some(polyline(v, closed))
                    }
                }
                "HATCH" => match hatch_rings(path, &e.groups)? {
                    Some(rings) if !rings.is_empty() => Some(super::office::nest_rings(rings)),
                    Some(_) => None,
                    None => {
                        *skipped
                            .entry("HATCH with elliptic or spline edges".into())
                            .or_default() += 1;
                        None
                    }
                },
                "LINE" => Some(Geometry::LineString(LineString(vec![
                    xy(&e.groups, 10, 20, e.line)?,
                    xy(&e.groups, 11, 21, e.line)?,
                ]))),
                "POINT" | "INSERT" => {
                    Some(Geometry::Point(Point::from(xy(&e.groups, 10, 20, e.line)?)))
                }
                "TEXT" | "MTEXT" => {
                    let mtext = e.kind == "MTEXT";
                    // MTEXT: the 3 groups come first, then the last part in group 1.
                    let mut raw: Vec<u8> = Vec::new();
                    for g in e.groups.iter().filter(|g| g.code == 3) {
                        raw.extend_from_slice(g.value);
                    }
                    if let Some(v) = e.first(1) {
                        raw.extend_from_slice(v);
                    }
                    let t = read_text(&raw, mtext);
                    let at = xy(&e.groups, 10, 20, e.line)?;
                    texts.push((at, t, layer.clone(), e.kind.clone()));
                    None
                }
                other => {
                    *skipped.entry(other.to_string()).or_default() += 1;
                    None
                }
            };
            if let Some(g) = geom {
                shapes.push(Shape {
                    geom: g,
                    layer,
                    kind: e.kind.clone(),
                    block: (e.kind == "INSERT")
                        .then(|| e.first(2).map(|v| read_text(v, false)).unwrap_or_default()),
                    labels: Vec::new(),
                });
            }
        }
        // Texts inside closed polylines label them (the smallest holding each). The outlines
        // are taken from the smallest up, each asking an R-tree of the texts not yet placed
        // for those in its box: a text is placed once and leaves the tree, so 20,000 nested
        // squares with their labels inside the innermost cost one search each, not 20,000.
        use geo::{Area, BoundingRect, Contains};
        use rstar::{AABB, RTree, primitives::GeomWithData};
        // Texts at one point (a drawing's labels all at its origin) are one entry.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut group_of: std::collections::HashMap<(u64, u64), usize> =
            std::collections::HashMap::new();
        let mut points: Vec<GeomWithData<[f64; 2], usize>> = Vec::new();
        for (i, (at, ..)) in texts.iter().enumerate() {
            let g = *group_of
                .entry((at.x.to_bits(), at.y.to_bits()))
                .or_insert_with(|| {
                    groups.push(Vec::new());
                    points.push(GeomWithData::new([at.x, at.y], groups.len() - 1));
                    groups.len() - 1
                });
            groups[g].push(i);
        }
        let mut unplaced: RTree<GeomWithData<[f64; 2], usize>> = RTree::bulk_load(points);
        let mut outlines: Vec<(f64, usize)> = shapes
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.geom, Geometry::Polygon(_)))
            .map(|(k, s)| (s.geom.unsigned_area(), k))
            .collect();
        outlines.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut holder: Vec<Option<usize>> = vec![None; texts.len()];
        for (_, k) in outlines {
            if unplaced.size() == 0 {
                break;
            }
            let Some(r) = shapes[k].geom.bounding_rect() else {
                continue;
            };
            let inside: Vec<GeomWithData<[f64; 2], usize>> = unplaced
                .locate_in_envelope(&AABB::from_corners(
                    [r.min().x, r.min().y],
                    [r.max().x, r.max().y],
                ))
                .filter(|t| {
                    let [x, y] = *t.geom();
                    shapes[k].geom.contains(&Point::new(x, y))
                })
                .cloned()
                .collect();
            for t in inside {
                for &i in &groups[t.data] {
                    holder[i] = Some(k);
                }
                unplaced.remove(&t);
            }
        }
        let mut loose = Vec::new();
        for ((at, t, layer, kind), holder) in texts.into_iter().zip(holder) {
            match holder {
                Some(k) if !t.is_empty() => shapes[k].labels.push(t),
                Some(_) => {}
                None => loose.push((at, t, layer, kind)),
            }
        }
        let mut features: Vec<RawFeature> = shapes
            .into_iter()
            .map(|s| {
                let mut attrs = vec![
                    ("layer".to_string(), text_value(s.layer)),
                    ("entity".to_string(), Value::Text(s.kind)),
                    (
                        "label".to_string(),
                        if s.labels.is_empty() {
                            Value::Null
                        } else {
                            Value::Text(s.labels.join(" / "))
                        },
                    ),
                ];
                if let Some(b) = s.block {
                    attrs.push(("block".to_string(), text_value(b)));
                }
                RawFeature {
                    geom: Some(s.geom),
                    attrs,
                }
            })
            .collect();
        for (at, t, layer, kind) in loose {
            features.push(RawFeature {
                geom: Some(Geometry::Point(Point::from(at))),
                attrs: vec![
                    ("layer".to_string(), text_value(layer)),
                    ("entity".to_string(), Value::Text(kind)),
                    ("label".to_string(), text_value(t)),
                ],
            });
        }
        let mut notes = Vec::new();
        if !skipped.is_empty() {
            let list: Vec<String> = skipped.iter().map(|(k, n)| format!("{n} {k}")).collect();
            notes.push(format!("entities not read: {}", list.join(", ")));
        }
        if z_seen {
            notes.push("elevations (Z) dropped (qn-planner keeps x and y)".into());
        }
        if recased > 0 {
            notes.push(format!(
                "{recased} texts typed in TCVN3 capitals (.VnTimeH) recased"
            ));
        }
        let total = features.len() as u64;
        Ok(DxfIn {
            features: features.into_iter(),
            total,
            read: 0,
            encoding: choice,
            declaration: None,
            notes,
        })
    }
}

/// The boundary rings of a HATCH: polyline paths (with bulges) and edge paths of lines and
/// circular arcs. `None` if a path has elliptic or spline edges.
fn hatch_rings(path: &Path, gs: &[&Group]) -> Result<Option<Vec<LineString<f64>>>, ImportError> {
    let num = |g: &Group| number(path, g);
    let int = |g: &Group| -> Result<usize, ImportError> {
        let v = number(path, g)?;
        if !(0.0..=1e7).contains(&v) {
            return Err(bad_line(
                path,
                g.line + 1,
                format!("group {} holds the count {v}", g.code),
                format!("nhóm {} chứa số đếm {v}", g.code),
            ));
        }
        Ok(v as usize)
    };
    // The boundary data starts at group 91.
    let Some(start) = gs.iter().position(|g| g.code == 91) else {
        return Ok(Some(Vec::new()));
    };
    let paths = int(gs[start])?;
    let mut k = start + 1;
    let next = |k: &mut usize, code: i32| -> Result<&Group, ImportError> {
        // The next group of `code`, skipping others (source references, flags).
        while *k < gs.len() {
            let g = gs[*k];
            *k += 1;
            if g.code == code {
                return Ok(g);
            }
        }
        Err(bad_line(
            path,
            gs.last().map_or(0, |g| g.line),
            format!("a HATCH boundary ends before its group {code}"),
            format!("biên của HATCH kết thúc trước nhóm {code}"),
        ))
    };
    let mut rings = Vec::with_capacity(paths.min(1024));
    for _ in 0..paths {
        let flags = int(next(&mut k, 92)?)?;
        if flags & 2 != 0 {
            // A polyline path: 72 has-bulge, 73 closed, 93 vertex count, then 10/20(/42).
            let has_bulge = int(next(&mut k, 72)?)? != 0;
            let n = int(next(&mut k, 93)?)?;
            let mut v = Vec::with_capacity(n.min(1 << 20));
            for _ in 0..n {
                let x = num(next(&mut k, 10)?)?;
                let y = num(next(&mut k, 20)?)?;
                let b = if has_bulge {
                    num(next(&mut k, 42)?)?
                } else {
                    0.0
                };
                v.push((Coord { x, y }, b));
            }
            let mut pts = with_arcs(&v, true);
            if pts.first() != pts.last()
                && let Some(f) = pts.first().copied()
            {
                pts.push(f);
            }
            rings.push(LineString(pts));
        } else {
            // Edges: 93 count, each 72 type: 1 line, 2 circular arc.
            let n = int(next(&mut k, 93)?)?;
            let mut pts: Vec<Coord<f64>> = Vec::new();
            for _ in 0..n {
                match int(next(&mut k, 72)?)? {
                    1 => {
                        let a = Coord {
                            x: num(next(&mut k, 10)?)?,
                            y: num(next(&mut k, 20)?)?,
                        };
                        let b = Coord {
                            x: num(next(&mut k, 11)?)?,
                            y: num(next(&mut k, 21)?)?,
                        };
                        if pts.last() != Some(&a) {
                            pts.push(a);
                        }
                        pts.push(b);
                    }
                    2 => {
                        let c = Coord {
                            x: num(next(&mut k, 10)?)?,
                            y: num(next(&mut k, 20)?)?,
                        };
                        let r = num(next(&mut k, 40)?)?;
                        let a0 = num(next(&mut k, 50)?)?.to_radians();
                        let mut a1 = num(next(&mut k, 51)?)?.to_radians();
                        let ccw = int(next(&mut k, 73)?)? != 0;
                        if a1 <= a0 {
                            a1 += std::f64::consts::TAU;
                        }
                        let steps = (((a1 - a0).to_degrees() / 5.0).ceil() as usize).clamp(1, 360);
                        for i in 0..=steps {
                            let t = a0 + (a1 - a0) * i as f64 / steps as f64;
                            // A clockwise arc's angles are given mirrored (as GDAL reads them).
                            let t = if ccw { t } else { -t };
                            let p = Coord {
                                x: c.x + r * t.cos(),
                                y: c.y + r * t.sin(),
                            };
                            if pts.last() != Some(&p) {
                                pts.push(p);
                            }
                        }
                    }
                    _ => return Ok(None),
                }
            }
            if let Some(f) = pts.first().copied()
                && pts.last() != Some(&f)
            {
                pts.push(f);
            }
            rings.push(LineString(pts));
        }
    }
    Ok(Some(rings))
}

fn text_value(s: String) -> Value {
    if s.is_empty() {
        Value::Null
    } else {
        Value::Text(s)
    }
}

fn polyline(v: Vec<(Coord<f64>, f64)>, closed: bool) -> Geometry<f64> {
    let mut pts = with_arcs(&v, closed);
    if closed {
        if pts.first() != pts.last()
            && let Some(f) = pts.first().copied()
        {
            pts.push(f);
        }
        Geometry::Polygon(Polygon::new(LineString(pts), vec![]))
    } else {
        Geometry::LineString(LineString(pts))
    }
}

impl super::office::OfficeReader for DxfIn {
    fn next_feature(&mut self) -> Result<Option<RawFeature>, ImportError> {
        let f = self.features.next();
        if f.is_some() {
            self.read += 1;
        }
        Ok(f)
    }

    fn declaration(&self) -> Option<&Result<Declared, Unread>> {
        self.declaration.as_ref()
    }

    fn encoding(&self) -> &Choice {
        &self.encoding
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn position(&self) -> (u64, u64) {
        (self.read, self.total)
    }

    fn default_crs(&self) -> Option<super::crs::Crs> {
        Some(DXF_DEFAULT_CRS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_mtext_formatting() {
        assert_eq!(unescape("H\\U+1EA1 Long", false), "Hạ Long");
        assert_eq!(
            unescape(
                "{\\fArial|b1|i0|c0|p34;Khu c\\U+00F4ng nghi\\U+1EC7p}\\PC\\U+00E1i L\\U+00E2n",
                true
            ),
            "Khu công nghiệp Cái Lân"
        );
        assert_eq!(unescape("45%%d", false), "45°");
    }

    #[test]
    fn a_half_circle_bulge() {
        // Bulge 1: a half circle from (0,0) to (2,0), counter-clockwise, through (1,-1).
        let pts = arc_points(Coord { x: 0.0, y: 0.0 }, Coord { x: 2.0, y: 0.0 }, 1.0);
        assert_eq!(*pts.last().unwrap(), Coord { x: 2.0, y: 0.0 });
        let lowest = pts.iter().map(|c| c.y).fold(f64::MAX, f64::min);
        assert!((lowest + 1.0).abs() < 0.01, "{lowest}");
    }
}
