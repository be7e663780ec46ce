//! GeoPackage binary geometry (GP header + envelope + ISO WKB), encode and decode.
//!
//! The decoder reads data a file controls, so it checks every length and never panics;
//! it accepts both byte orders and 2D geometries (Z/M are refused with a clear error).

use geo::BoundingRect;
use geo_types::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};
use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq)]
pub enum GeomError {
    #[error("geometry blob too short")]
    Truncated,
    #[error("not a GeoPackage geometry (bad magic or version)")]
    BadHeader,
    #[error("invalid envelope indicator {0}")]
    BadEnvelope(u8),
    #[error("extended GeoPackage geometries are not supported")]
    Extended,
    #[error("unsupported WKB geometry type {0}")]
    UnsupportedType(u32),
    #[error("invalid WKB byte order {0}")]
    BadByteOrder(u8),
    #[error("geometry nested too deeply")]
    TooDeep,
    #[error("element count {0} larger than the blob")]
    BadCount(u32),
    #[error("{0} bytes left over after the geometry")]
    Trailing(usize),
}

/// Min/max of a geometry's coordinates: (minx, maxx, miny, maxy).
pub type Envelope = (f64, f64, f64, f64);

/// Encodes `g` as a GeoPackage geometry blob with the given SRS id. Points carry no envelope
/// (as GDAL writes them); other types carry an XY envelope.
pub fn encode(g: &Geometry<f64>, srs_id: i32) -> Vec<u8> {
    let env = if matches!(g, Geometry::Point(_)) {
        None
    } else {
        g.bounding_rect()
            .map(|r| (r.min().x, r.max().x, r.min().y, r.max().y))
    };
    let empty = is_empty(g);
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(b"GP");
    out.push(0);
    let env_ind: u8 = if env.is_some() && !empty { 1 } else { 0 };
    let flags = 1 | (env_ind << 1) | (u8::from(empty) << 4);
    out.push(flags);
    out.extend_from_slice(&srs_id.to_le_bytes());
    if env_ind == 1
        && let Some((a, b, c, d)) = env
    {
        for v in [a, b, c, d] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    write_wkb(g, &mut out);
    out
}

fn is_empty(g: &Geometry<f64>) -> bool {
    match g {
        Geometry::Point(_) => false,
        Geometry::LineString(l) => l.0.is_empty(),
        Geometry::Polygon(p) => p.exterior().0.is_empty(),
        Geometry::MultiPoint(m) => m.0.is_empty(),
        Geometry::MultiLineString(m) => m.0.is_empty(),
        Geometry::MultiPolygon(m) => m.0.is_empty(),
        Geometry::GeometryCollection(c) => c.0.iter().all(is_empty),
        _ => false,
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_coords(out: &mut Vec<u8>, cs: &[Coord<f64>]) {
    put_u32(out, cs.len() as u32);
    for c in cs {
        out.extend_from_slice(&c.x.to_le_bytes());
        out.extend_from_slice(&c.y.to_le_bytes());
    }
}

fn put_polygon_body(out: &mut Vec<u8>, p: &Polygon<f64>) {
    if p.exterior().0.is_empty() {
        put_u32(out, 0);
        return;
    }
    put_u32(out, 1 + p.interiors().len() as u32);
    put_coords(out, &p.exterior().0);
    for r in p.interiors() {
        put_coords(out, &r.0);
    }
}

/// Writes little-endian ISO WKB (2D). Rect, Line and Triangle are written as their
/// polygon/linestring equivalents.
pub fn write_wkb(g: &Geometry<f64>, out: &mut Vec<u8>) {
    out.push(1);
    match g {
        Geometry::Point(p) => {
            put_u32(out, 1);
            out.extend_from_slice(&p.x().to_le_bytes());
            out.extend_from_slice(&p.y().to_le_bytes());
        }
        Geometry::LineString(l) => {
            put_u32(out, 2);
            put_coords(out, &l.0);
        }
        Geometry::Line(l) => {
            put_u32(out, 2);
            put_coords(out, &[l.start, l.end]);
        }
        Geometry::Polygon(p) => {
            put_u32(out, 3);
            put_polygon_body(out, p);
        }
        Geometry::Rect(r) => {
            put_u32(out, 3);
            put_polygon_body(out, &r.to_polygon());
        }
        Geometry::Triangle(t) => {
            put_u32(out, 3);
            put_polygon_body(out, &t.to_polygon());
        }
        Geometry::MultiPoint(m) => {
            put_u32(out, 4);
            put_u32(out, m.0.len() as u32);
            for p in &m.0 {
                write_wkb(&Geometry::Point(*p), out);
            }
        }
        Geometry::MultiLineString(m) => {
            put_u32(out, 5);
            put_u32(out, m.0.len() as u32);
            for l in &m.0 {
                out.push(1);
                put_u32(out, 2);
                put_coords(out, &l.0);
            }
        }
        Geometry::MultiPolygon(m) => {
            put_u32(out, 6);
            put_u32(out, m.0.len() as u32);
            for p in &m.0 {
                out.push(1);
                put_u32(out, 3);
                put_polygon_body(out, p);
            }
        }
        Geometry::GeometryCollection(c) => {
            put_u32(out, 7);
            put_u32(out, c.0.len() as u32);
            for g in &c.0 {
                write_wkb(g, out);
            }
        }
    }
}

/// The parts of a decoded GeoPackage blob.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub srs_id: i32,
    pub envelope: Option<Envelope>,
    pub empty: bool,
    /// `None` for an empty point (NaN coordinates).
    pub geometry: Option<Geometry<f64>>,
}

/// Reads the header only: SRS id, envelope, empty flag and the offset of the WKB.
pub fn decode_header(blob: &[u8]) -> Result<(i32, Option<Envelope>, bool, usize), GeomError> {
    if blob.len() < 8 {
        return Err(GeomError::Truncated);
    }
    if &blob[0..2] != b"GP" || blob[2] != 0 {
        return Err(GeomError::BadHeader);
    }
    let flags = blob[3];
    if flags & 0x20 != 0 {
        return Err(GeomError::Extended);
    }
    let little = flags & 1 == 1;
    let empty = flags & 0x10 != 0;
    let env_ind = (flags >> 1) & 7;
    let n_doubles = match env_ind {
        0 => 0,
        1 => 4,
        2 | 3 => 6,
        4 => 8,
        e => return Err(GeomError::BadEnvelope(e)),
    };
    let rd_i32 = |b: &[u8]| -> i32 {
        let a = [b[0], b[1], b[2], b[3]];
        if little {
            i32::from_le_bytes(a)
        } else {
            i32::from_be_bytes(a)
        }
    };
    let srs_id = rd_i32(&blob[4..8]);
    let header_len = 8 + n_doubles * 8;
    if blob.len() < header_len {
        return Err(GeomError::Truncated);
    }
    let mut env = None;
    if n_doubles >= 4 {
        let mut v = [0f64; 4];
        for (i, slot) in v.iter_mut().enumerate() {
            let s = 8 + i * 8;
            let mut a = [0u8; 8];
            a.copy_from_slice(&blob[s..s + 8]);
            *slot = if little {
                f64::from_le_bytes(a)
            } else {
                f64::from_be_bytes(a)
            };
        }
        env = Some((v[0], v[1], v[2], v[3]));
    }
    Ok((srs_id, env, empty, header_len))
}

/// Decodes a whole GeoPackage geometry blob.
///
/// ```
/// use geo_types::{Geometry, Point};
/// use qn_planner::store::geom::{decode, encode};
/// let g = Geometry::Point(Point::new(107.08, 20.95));
/// let blob = encode(&g, 4326);
/// assert_eq!(&blob[..2], b"GP");
/// let d = decode(&blob).unwrap();
/// assert_eq!((d.srs_id, d.geometry), (4326, Some(g)));
/// ```
pub fn decode(blob: &[u8]) -> Result<Decoded, GeomError> {
    let (srs_id, envelope, empty, off) = decode_header(blob)?;
    let mut r = Reader {
        b: blob,
        pos: off,
        little: true,
    };
    let g = r.geometry(0)?;
    if r.pos != blob.len() {
        return Err(GeomError::Trailing(blob.len() - r.pos));
    }
    Ok(Decoded {
        srs_id,
        envelope,
        empty,
        geometry: g,
    })
}

/// Envelope of a blob: from its header, else computed from its geometry. `None` if empty.
pub fn envelope_of(blob: &[u8]) -> Result<Option<Envelope>, GeomError> {
    let (_, env, empty, _) = decode_header(blob)?;
    if empty {
        return Ok(None);
    }
    if env.is_some() {
        return Ok(env);
    }
    let d = decode(blob)?;
    Ok(d.geometry
        .and_then(|g| g.bounding_rect())
        .map(|r| (r.min().x, r.max().x, r.min().y, r.max().y)))
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
    little: bool,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], GeomError> {
        let end = self.pos.checked_add(n).ok_or(GeomError::Truncated)?;
        if end > self.b.len() {
            return Err(GeomError::Truncated);
        }
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, GeomError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, GeomError> {
        let little = self.little;
        let s = self.take(4)?;
        let a = [s[0], s[1], s[2], s[3]];
        Ok(if little {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }

    fn f64(&mut self) -> Result<f64, GeomError> {
        let little = self.little;
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(if little {
            f64::from_le_bytes(a)
        } else {
            f64::from_be_bytes(a)
        })
    }

    /// A count of items each at least `min_size` bytes long, checked against what is left.
    fn count(&mut self, min_size: usize) -> Result<usize, GeomError> {
        let n = self.u32()?;
        let left = self.b.len() - self.pos;
        if (n as usize).saturating_mul(min_size) > left {
            return Err(GeomError::BadCount(n));
        }
        Ok(n as usize)
    }

    fn coords(&mut self) -> Result<Vec<Coord<f64>>, GeomError> {
        let n = self.count(16)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            let x = self.f64()?;
            let y = self.f64()?;
            v.push(Coord { x, y });
        }
        Ok(v)
    }

    fn polygon_body(&mut self) -> Result<Polygon<f64>, GeomError> {
        let n = self.count(4)?;
        if n == 0 {
            return Ok(Polygon::new(LineString(vec![]), vec![]));
        }
        let ext = LineString(self.coords()?);
        let mut holes = Vec::with_capacity(n - 1);
        for _ in 1..n {
            holes.push(LineString(self.coords()?));
        }
        Ok(Polygon::new(ext, holes))
    }

    fn header(&mut self) -> Result<u32, GeomError> {
        let bo = self.u8()?;
        self.little = match bo {
            0 => false,
            1 => true,
            o => return Err(GeomError::BadByteOrder(o)),
        };
        let t = self.u32()?;
        if t > 7 {
            return Err(GeomError::UnsupportedType(t));
        }
        Ok(t)
    }

    fn geometry(&mut self, depth: u32) -> Result<Option<Geometry<f64>>, GeomError> {
        if depth > 32 {
            return Err(GeomError::TooDeep);
        }
        let t = self.header()?;
        Ok(Some(match t {
            1 => {
                let x = self.f64()?;
                let y = self.f64()?;
                if x.is_nan() && y.is_nan() {
                    return Ok(None);
                }
                Geometry::Point(Point::new(x, y))
            }
            2 => Geometry::LineString(LineString(self.coords()?)),
            3 => Geometry::Polygon(self.polygon_body()?),
            4 => {
                let n = self.count(21)?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    match self.geometry(depth + 1)? {
                        Some(Geometry::Point(p)) => v.push(p),
                        None => {}
                        Some(_) => return Err(GeomError::UnsupportedType(t)),
                    }
                }
                Geometry::MultiPoint(MultiPoint(v))
            }
            5 => {
                let n = self.count(9)?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    match self.geometry(depth + 1)? {
                        Some(Geometry::LineString(l)) => v.push(l),
                        _ => return Err(GeomError::UnsupportedType(t)),
                    }
                }
                Geometry::MultiLineString(MultiLineString(v))
            }
            6 => {
                let n = self.count(9)?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    match self.geometry(depth + 1)? {
                        Some(Geometry::Polygon(p)) => v.push(p),
                        _ => return Err(GeomError::UnsupportedType(t)),
                    }
                }
                Geometry::MultiPolygon(MultiPolygon(v))
            }
            7 => {
                let n = self.count(5)?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    if let Some(g) = self.geometry(depth + 1)? {
                        v.push(g);
                    }
                }
                Geometry::GeometryCollection(GeometryCollection(v))
            }
            other => return Err(GeomError::UnsupportedType(other)),
        }))
    }
}

impl Reader<'_> {
    /// Walks one WKB geometry, widening `env` by its coordinates, without building it.
    fn envelope(&mut self, depth: u32, env: &mut Option<[f64; 4]>) -> Result<(), GeomError> {
        if depth > 32 {
            return Err(GeomError::TooDeep);
        }
        let t = self.header()?;
        let mut widen = |x: f64, y: f64| {
            if x.is_nan() || y.is_nan() {
                return;
            }
            *env = Some(match *env {
                None => [x, x, y, y],
                Some([a, b, c, d]) => [a.min(x), b.max(x), c.min(y), d.max(y)],
            });
        };
        match t {
            1 => {
                let x = self.f64()?;
                let y = self.f64()?;
                widen(x, y);
            }
            2 => {
                let n = self.count(16)?;
                for _ in 0..n {
                    let x = self.f64()?;
                    let y = self.f64()?;
                    widen(x, y);
                }
            }
            3 => {
                let rings = self.count(4)?;
                for _ in 0..rings {
                    let n = self.count(16)?;
                    for _ in 0..n {
                        let x = self.f64()?;
                        let y = self.f64()?;
                        widen(x, y);
                    }
                }
            }
            _ => {
                let n = self.count(5)?;
                for _ in 0..n {
                    self.envelope(depth + 1, env)?;
                }
            }
        }
        Ok(())
    }
}

/// A WKB geometry (2D, either byte order) as a GeoPackage blob of SRS `srs_id`, with its
/// envelope (minx, maxx, miny, maxy; points carry none in the blob, as GDAL writes them),
/// read in one pass without building the geometry. `None` envelope: empty.
pub fn blob_from_wkb(wkb: &[u8], srs_id: i32) -> Result<(Vec<u8>, Option<[f64; 4]>), GeomError> {
    let mut r = Reader {
        b: wkb,
        pos: 0,
        little: true,
    };
    let mut env = None;
    r.envelope(0, &mut env)?;
    if r.pos != wkb.len() {
        return Err(GeomError::Trailing(wkb.len() - r.pos));
    }
    let point = wkb.len() == 21;
    let with_env = env.is_some() && !point;
    let mut out = Vec::with_capacity(8 + if with_env { 32 } else { 0 } + wkb.len());
    out.extend_from_slice(b"GP");
    out.push(0);
    let flags = 1 | (u8::from(with_env) << 1) | (u8::from(env.is_none()) << 4);
    out.push(flags);
    out.extend_from_slice(&srs_id.to_le_bytes());
    if with_env && let Some(e) = env {
        for v in e {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out.extend_from_slice(wkb);
    Ok((out, env))
}

/// The WKB of a GeoPackage blob as PostGIS's EWKB with SRID `srid` (what `COPY … (FORMAT
/// binary)` takes for a `geometry` column). `None` for an empty geometry.
pub fn ewkb_from_blob(blob: &[u8], srid: i32) -> Result<Option<Vec<u8>>, GeomError> {
    let (_, _, empty, at) = decode_header(blob)?;
    if empty {
        return Ok(None);
    }
    let wkb = &blob[at..];
    if wkb.len() < 5 {
        return Err(GeomError::Truncated);
    }
    let little = match wkb[0] {
        0 => false,
        1 => true,
        o => return Err(GeomError::BadByteOrder(o)),
    };
    let t = [wkb[1], wkb[2], wkb[3], wkb[4]];
    let t = if little {
        u32::from_le_bytes(t)
    } else {
        u32::from_be_bytes(t)
    } | 0x2000_0000;
    let mut out = Vec::with_capacity(wkb.len() + 4);
    out.push(wkb[0]);
    if little {
        out.extend_from_slice(&t.to_le_bytes());
        out.extend_from_slice(&srid.to_le_bytes());
    } else {
        out.extend_from_slice(&t.to_be_bytes());
        out.extend_from_slice(&srid.to_be_bytes());
    }
    out.extend_from_slice(&wkb[5..]);
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{line_string, point, polygon};

    #[test]
    fn point_round_trips_without_envelope() {
        let g = Geometry::Point(point!(x: 107.0376, y: 20.9637));
        let b = encode(&g, 4326);
        assert_eq!(&b[0..4], &[b'G', b'P', 0, 1]);
        assert_eq!(b.len(), 8 + 21);
        let d = decode(&b).unwrap();
        assert_eq!(d.srs_id, 4326);
        assert_eq!(d.envelope, None);
        assert_eq!(d.geometry, Some(g));
        assert_eq!(
            envelope_of(&b).unwrap(),
            Some((107.0376, 107.0376, 20.9637, 20.9637))
        );
    }

    #[test]
    fn polygon_round_trips_with_envelope() {
        let g = Geometry::Polygon(polygon![
            (x: 107.0, y: 21.0), (x: 107.1, y: 21.0), (x: 107.1, y: 21.2), (x: 107.0, y: 21.0)
        ]);
        let b = encode(&g, 4326);
        assert_eq!(b[3], 0b0000_0011);
        let d = decode(&b).unwrap();
        assert_eq!(d.envelope, Some((107.0, 107.1, 21.0, 21.2)));
        assert_eq!(d.geometry, Some(g));
    }

    #[test]
    fn multi_geometries_round_trip() {
        let mp = Geometry::MultiPoint(MultiPoint(vec![
            point!(x: 1.0, y: 2.0),
            point!(x: 3.0, y: 4.0),
        ]));
        assert_eq!(decode(&encode(&mp, 4326)).unwrap().geometry, Some(mp));
        let ml = Geometry::MultiLineString(MultiLineString(vec![
            line_string![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0)],
        ]));
        assert_eq!(decode(&encode(&ml, 4326)).unwrap().geometry, Some(ml));
    }

    #[test]
    fn big_endian_blob_decodes() {
        // GP header, big-endian flags (bit 0 = 0), srs 4326, no envelope; WKB big-endian point.
        let mut b = vec![b'G', b'P', 0, 0];
        b.extend_from_slice(&4326i32.to_be_bytes());
        b.push(0);
        b.extend_from_slice(&1u32.to_be_bytes());
        b.extend_from_slice(&106.5f64.to_be_bytes());
        b.extend_from_slice(&21.25f64.to_be_bytes());
        let d = decode(&b).unwrap();
        assert_eq!(d.srs_id, 4326);
        assert_eq!(
            d.geometry,
            Some(Geometry::Point(point!(x: 106.5, y: 21.25)))
        );
    }

    #[test]
    fn broken_blobs_are_errors_not_panics() {
        let good = encode(
            &Geometry::Polygon(
                polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)],
            ),
            4326,
        );
        for n in 0..good.len() {
            assert!(decode(&good[..n]).is_err(), "prefix of {n} bytes decoded");
        }
        assert_eq!(decode(b"XX\0\x01\0\0\0\0"), Err(GeomError::BadHeader));
        let mut huge = good[..40].to_vec();
        huge.extend_from_slice(&[1, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        assert!(decode(&huge).is_err());
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(decode(&trailing), Err(GeomError::Trailing(1)));
    }

    #[test]
    fn a_wkb_becomes_the_blob_encode_writes_and_an_ewkb_keeps_it() {
        let poly = Geometry::Polygon(Polygon::new(
            LineString::from(vec![
                (106.9, 21.0),
                (107.1, 21.0),
                (107.0, 21.2),
                (106.9, 21.0),
            ]),
            vec![],
        ));
        let mut wkb = Vec::new();
        write_wkb(&poly, &mut wkb);
        let (blob, env) = blob_from_wkb(&wkb, 4326).unwrap();
        assert_eq!(blob, encode(&poly, 4326), "the same bytes as the encoder's");
        assert_eq!(env, Some([106.9, 107.1, 21.0, 21.2]));
        let ewkb = ewkb_from_blob(&blob, 4326).unwrap().unwrap();
        assert_eq!(ewkb.len(), wkb.len() + 4);
        assert_eq!(&ewkb[5..9], &4326i32.to_le_bytes());
        assert_eq!(
            u32::from_le_bytes([ewkb[1], ewkb[2], ewkb[3], ewkb[4]]),
            0x2000_0003
        );
        let point = Geometry::Point(Point::new(107.0, 21.0));
        let mut wkb = Vec::new();
        write_wkb(&point, &mut wkb);
        assert_eq!(blob_from_wkb(&wkb, 4326).unwrap().0, encode(&point, 4326));
        assert!(
            blob_from_wkb(&wkb[..10], 4326).is_err(),
            "a cut WKB is refused"
        );
    }
}
