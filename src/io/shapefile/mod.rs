//! ESRI Shapefiles as offices hold them: the `.shp` geometry (ESRI Shapefile Technical
//! Description, 1998) with its `.shx` index and `.dbf` attributes (dBASE III+), the `.prj`
//! coordinate system and `.cpg` code page when present. Read record by record, never whole.
//! The DBF text is decoded with the encoding the planner gives or the one chosen from the
//! `.cpg`, the DBF language byte and the text itself ([`crate::io::encoding::choose`]).
//!
//! Written here rather than with the `shapefile`/`dbase` crates: their readers decode text
//! themselves (no TCVN3 or VNI), and every malformed input must be an error naming the file
//! and the record, never a panic.

use super::encoding::{Choice, Encoding, Said, choose, decode, recase_tcvn3};
use super::feature::{ImportError, RawFeature, Value, bad};
use super::office::{inside as contains, signed_area2};
use super::prj::{Declared, Unread, from_wkt};
use super::problem::{At, Problem};
use geo_types::{
    Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon,
};
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

mod dbf;
mod zip;

pub use dbf::DbfField;
use dbf::{Dbf, language_encoding, trim};
use zip::open_zip;
pub use zip::zip_members;

/// A part being read: a file, or an entry of a `.zip` held in memory.
pub trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}
type Stream = Box<dyn ReadSeek>;

/// The parts of one Shapefile, opened: `.shp` and `.dbf` as streams with their sizes, the
/// `.shx` read whole (8 bytes a record), `.prj` and `.cpg` text; each with the name messages use.
struct Opened {
    shp: (Stream, u64, PathBuf),
    shx: (Vec<u8>, PathBuf),
    dbf: (Stream, u64, PathBuf),
    prj: Option<Vec<u8>>,
    cpg: Option<Vec<u8>>,
}

fn open_file(path: &Path) -> Result<(Stream, u64, PathBuf), ImportError> {
    let file = crate::fsutil::open_input(path).map_err(|e| io_err(path, e))?;
    let size = file.metadata().map_err(|e| io_err(path, e))?.len();
    Ok((Box::new(file), size, path.to_path_buf()))
}

/// The parts beside `path` (the `.shp`).
fn open_files(path: &Path) -> Result<Opened, ImportError> {
    let shx_path = sibling(path, "shx")
        .ok_or_else(|| bad(file_at(path), Problem::MissingPart(".shx".into())))?;
    let dbf_path = sibling(path, "dbf")
        .ok_or_else(|| bad(file_at(path), Problem::MissingPart(".dbf".into())))?;
    let read = |p: Option<PathBuf>| -> Result<Option<Vec<u8>>, ImportError> {
        p.map(|p| crate::fsutil::read_input(&p).map_err(|e| io_err(&p, e)))
            .transpose()
    };
    Ok(Opened {
        shp: open_file(path)?,
        shx: (
            crate::fsutil::read_input(&shx_path).map_err(|e| io_err(&shx_path, e))?,
            shx_path,
        ),
        dbf: open_file(&dbf_path)?,
        prj: read(sibling(path, "prj"))?,
        cpg: read(sibling(path, "cpg"))?,
    })
}

/// The part of a Shapefile beside `shp` with extension `ext` (any case), if it exists.
pub fn sibling(shp: &Path, ext: &str) -> Option<PathBuf> {
    let stem = shp.file_stem()?;
    let dir = shp.parent().unwrap_or(Path::new(""));
    for e in [ext.to_ascii_lowercase(), ext.to_ascii_uppercase()] {
        let p = dir.join(format!("{}.{e}", stem.to_string_lossy()));
        if p.is_file() {
            return Some(p);
        }
    }
    // Mixed case ("Ranh_gioi.Dbf"): look through the directory.
    let want = format!("{}.{}", stem.to_string_lossy(), ext).to_lowercase();
    std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    })
    .ok()?
    .flatten()
    .map(|e| e.path())
    .find(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().to_lowercase() == want)
    })
}

fn io_err(path: &Path, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> ImportError {
    ImportError::Io {
        path: path.display().to_string(),
        source: e.into(),
    }
}

fn file_at(path: &Path) -> At {
    At::File(path.display().to_string())
}

fn header_err(path: &Path, en: String, vi: String) -> ImportError {
    bad(file_at(path), Problem::BadHeader { en, vi })
}

/// The ESRI shape types.
fn shape_name(t: u32) -> String {
    match t {
        0 => "Null".into(),
        1 => "Point".into(),
        3 => "PolyLine".into(),
        5 => "Polygon".into(),
        8 => "MultiPoint".into(),
        11 => "PointZ".into(),
        13 => "PolyLineZ".into(),
        15 => "PolygonZ".into(),
        18 => "MultiPointZ".into(),
        21 => "PointM".into(),
        23 => "PolyLineM".into(),
        25 => "PolygonM".into(),
        28 => "MultiPointM".into(),
        31 => "MultiPatch".into(),
        other => format!("{other} (unknown)"),
    }
}

/// What a Shapefile is, read from its headers and first records.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub shape_type: u32,
    pub records: u64,
    pub fields: Vec<DbfField>,
    /// The `.prj`, read; `None` without one.
    pub prj: Option<Result<Declared, Unread>>,
    /// The `.cpg` text, if any.
    pub cpg: Option<String>,
    pub language_byte: u8,
    pub encoding: Choice,
}

/// A Shapefile read record by record.
pub struct ShapefileIn {
    shp: BufReader<Stream>,
    shp_path: PathBuf,
    shp_pos: u64,
    index: Vec<(u64, u64)>,
    dbf: Dbf,
    pub header: Header,
    /// 1-based number of the last record read (deleted ones included).
    n: u64,
    z_or_m: bool,
    recased: u64,
    deleted: u64,
    content: Vec<u8>,
    names: Vec<String>,
}

impl ShapefileIn {
    /// Opens `path` (the `.shp`, or a `.zip` holding one); `encoding` as given, else chosen.
    pub fn open(path: &Path, encoding: Option<Encoding>) -> Result<ShapefileIn, ImportError> {
        ShapefileIn::open_member(path, None, encoding)
    }

    /// Opens `path`: a `.shp` with its parts beside it, or Shapefile `member` of a `.zip`
    /// (the only one when `None`).
    pub fn open_member(
        path: &Path,
        member: Option<&str>,
        encoding: Option<Encoding>,
    ) -> Result<ShapefileIn, ImportError> {
        let zip = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        let opened = if zip {
            open_zip(path, member)?
        } else {
            open_files(path)?
        };
        ShapefileIn::from_parts(opened, encoding)
    }

    /// A Shapefile held in memory (`name` names it in messages): the fuzz target's entry.
    pub fn from_memory(
        name: &str,
        shp: Vec<u8>,
        shx: Vec<u8>,
        dbf: Vec<u8>,
        prj: Option<Vec<u8>>,
        cpg: Option<Vec<u8>>,
    ) -> Result<ShapefileIn, ImportError> {
        let base = PathBuf::from(name);
        let (shp_len, dbf_len) = (shp.len() as u64, dbf.len() as u64);
        ShapefileIn::from_parts(
            Opened {
                shp: (
                    Box::new(std::io::Cursor::new(shp)),
                    shp_len,
                    base.with_extension("shp"),
                ),
                shx: (shx, base.with_extension("shx")),
                dbf: (
                    Box::new(std::io::Cursor::new(dbf)),
                    dbf_len,
                    base.with_extension("dbf"),
                ),
                prj,
                cpg,
            },
            None,
        )
    }

    fn from_parts(opened: Opened, encoding: Option<Encoding>) -> Result<ShapefileIn, ImportError> {
        let Opened {
            shp: (shp_stream, shp_size, shp_path),
            shx: (shx, shx_path),
            dbf: dbf_part,
            prj,
            cpg,
        } = opened;
        let path = shp_path.as_path();
        let mut shp = BufReader::with_capacity(1 << 16, shp_stream);
        let mut head = [0u8; 100];
        shp.read_exact(&mut head).map_err(|_| {
            header_err(
                path,
                format!("{shp_size} bytes, shorter than a Shapefile header (100)"),
                format!("{shp_size} byte, ngắn hơn phần đầu Shapefile (100)"),
            )
        })?;
        let code = i32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let version = i32::from_le_bytes([head[28], head[29], head[30], head[31]]);
        if code != 9994 || version != 1000 {
            return Err(header_err(
                path,
                format!("file code {code} and version {version} (a Shapefile has 9994 and 1000)"),
                format!("mã tệp {code}, phiên bản {version} (Shapefile là 9994 và 1000)"),
            ));
        }
        let shape_type = u32::from_le_bytes([head[32], head[33], head[34], head[35]]);
        if !matches!(
            shape_type,
            0 | 1 | 3 | 5 | 8 | 11 | 13 | 15 | 18 | 21 | 23 | 25 | 28
        ) {
            return Err(bad(
                file_at(path),
                Problem::UnsupportedShape(format!("shape type {}", shape_name(shape_type))),
            ));
        }
        // The index: (offset, content length) of every record, in bytes.
        if shx.len() < 100 || !(shx.len() - 100).is_multiple_of(8) {
            return Err(header_err(
                &shx_path,
                format!(
                    "{} bytes: not a 100-byte header and 8-byte records",
                    shx.len()
                ),
                format!(
                    "{} byte: không phải 100 byte đầu và các bản ghi 8 byte",
                    shx.len()
                ),
            ));
        }
        let index: Vec<(u64, u64)> = shx[100..]
            .chunks_exact(8)
            .map(|c| {
                (
                    2 * u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]])),
                    2 * u64::from(u32::from_be_bytes([c[4], c[5], c[6], c[7]])),
                )
            })
            .collect();
        if let Some(k) = index
            .iter()
            .position(|&(o, l)| o < 100 || o + 8 + l > shp_size)
        {
            let (o, l) = index[k];
            return Err(bad(
                At::Feature {
                    n: k as u64 + 1,
                    pos: Some(Box::new(file_at(path))),
                },
                if o + 8 + l > shp_size && o >= 100 {
                    Problem::RecordTruncated
                } else {
                    Problem::BadRecord {
                        en: format!("the .shx places it at byte {o}, inside the header"),
                        vi: format!(".shx đặt nó ở byte {o}, trong phần đầu tệp"),
                    }
                },
            ));
        }
        let mut dbf = Dbf::open(dbf_part)?;
        if dbf.records != index.len() as u64 {
            return Err(bad(
                file_at(path),
                Problem::CountsDisagree {
                    shp: index.len() as u64,
                    dbf: dbf.records,
                },
            ));
        }
        let prj = prj.map(|bytes| from_wkt(&String::from_utf8_lossy(&bytes)));
        let cpg = cpg.map(|b| String::from_utf8_lossy(&b).trim().to_string());
        let choice = match encoding {
            Some(e) => Choice::given(e),
            None => {
                let declared = cpg
                    .as_ref()
                    .and_then(|c| {
                        Encoding::parse(c).map(|e| {
                            (
                                e,
                                Said::new(format!(".cpg says {c}"), format!(".cpg ghi {c}")),
                            )
                        })
                    })
                    .or_else(|| {
                        let b = dbf.language;
                        language_encoding(b).map(|e| {
                            (
                                e,
                                Said::new(
                                    format!("the DBF language byte 0x{b:02X} says Windows ANSI"),
                                    format!("byte ngôn ngữ 0x{b:02X} của DBF ghi Windows ANSI"),
                                ),
                            )
                        })
                    });
                let samples = dbf.samples(2000)?;
                let refs: Vec<&[u8]> = samples.iter().map(Vec::as_slice).collect();
                choose(declared, &refs)
            }
        };
        let enc = choice.encoding;
        let mut names: Vec<String> = Vec::with_capacity(dbf.fields.len());
        for (f, raw) in dbf.fields.iter_mut().zip(&dbf.raw_names) {
            let mut name = decode(raw, enc);
            if enc == Encoding::Tcvn3 {
                name = recase_tcvn3(&name).unwrap_or(name);
            }
            // Two fields of one name (truncated to 10 bytes by another tool): number them.
            let mut unique = name.clone();
            let mut k = 2;
            while names.contains(&unique) {
                unique = format!("{name}_{k}");
                k += 1;
            }
            f.name = unique.clone();
            names.push(unique);
        }
        let header = Header {
            shape_type,
            records: index.len() as u64,
            fields: dbf.fields.clone(),
            prj,
            cpg,
            language_byte: dbf.language,
            encoding: choice,
        };
        Ok(ShapefileIn {
            shp,
            shp_path: shp_path.clone(),
            shp_pos: 100,
            index,
            dbf,
            header,
            n: 0,
            z_or_m: false,
            recased: 0,
            deleted: 0,
            content: Vec::new(),
            names,
        })
    }

    /// Records read so far (deleted ones included), of [`Header::records`].
    pub fn position(&self) -> (u64, u64) {
        (self.n, self.header.records)
    }

    /// What reading noticed: Z/M dropped, TCVN3 capitals recased, deleted records skipped.
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.z_or_m {
            out.push("Z and M values dropped (qn-planner keeps x and y)".to_string());
        }
        if self.recased > 0 {
            out.push(format!(
                "{} values typed in TCVN3 capitals (.VnTimeH) recased",
                self.recased
            ));
        }
        if self.deleted > 0 {
            out.push(format!(
                "{} records marked deleted in the .dbf skipped",
                self.deleted
            ));
        }
        out
    }

    fn at(&self, n: u64) -> At {
        At::Feature {
            n,
            pos: Some(Box::new(file_at(&self.shp_path))),
        }
    }

    /// The next feature (deleted records skipped), `None` after the last.
    pub fn next_feature(&mut self) -> Result<Option<RawFeature>, ImportError> {
        loop {
            let Some(k) = usize::try_from(self.n)
                .ok()
                .filter(|&k| k < self.index.len())
            else {
                return Ok(None);
            };
            self.n += 1;
            let n = self.n;
            let (offset, len) = self.index[k];
            let geom = self.read_shape(n, offset, len)?;
            let enc = self.header.encoding.encoding;
            let Some(deleted) = self.dbf.read()? else {
                return Ok(None);
            };
            let rec = &self.dbf.buf;
            if deleted {
                self.deleted += 1;
                continue;
            }
            let mut attrs = Vec::with_capacity(self.dbf.fields.len());
            let mut recased = false;
            for (f, name) in self.dbf.fields.iter().zip(&self.names) {
                let raw = &rec[f.offset..f.offset + f.length];
                let v = field_value(f, raw, enc, &mut recased);
                attrs.push((name.clone(), v));
            }
            if recased {
                self.recased += 1;
            }
            return Ok(Some(RawFeature { geom, attrs }));
        }
    }

    fn read_shape(
        &mut self,
        n: u64,
        offset: u64,
        len: u64,
    ) -> Result<Option<Geometry<f64>>, ImportError> {
        let at = self.at(n);
        if offset != self.shp_pos {
            let delta = offset as i64 - self.shp_pos as i64;
            self.shp
                .seek_relative(delta)
                .map_err(|e| io_err(&self.shp_path, e))?;
        }
        let mut rh = [0u8; 8];
        self.shp
            .read_exact(&mut rh)
            .map_err(|_| bad(at.clone(), Problem::RecordTruncated))?;
        let declared = 2 * u64::from(u32::from_be_bytes([rh[4], rh[5], rh[6], rh[7]]));
        if declared != len {
            return Err(bad(
                at,
                Problem::BadRecord {
                    en: format!("the .shp says {declared} bytes, the .shx {len}"),
                    vi: format!(".shp ghi {declared} byte, .shx ghi {len}"),
                },
            ));
        }
        self.content.resize(len as usize, 0);
        self.shp
            .read_exact(&mut self.content)
            .map_err(|_| bad(at.clone(), Problem::RecordTruncated))?;
        self.shp_pos = offset + 8 + len;
        let (g, zm) = parse_shape(&self.content, self.header.shape_type).map_err(|p| bad(at, p))?;
        self.z_or_m |= zm;
        Ok(g)
    }
}

impl super::office::OfficeReader for ShapefileIn {
    fn next_feature(&mut self) -> Result<Option<RawFeature>, ImportError> {
        ShapefileIn::next_feature(self)
    }

    fn declaration(&self) -> Option<&Result<Declared, Unread>> {
        self.header.prj.as_ref()
    }

    fn encoding(&self) -> &Choice {
        &self.header.encoding
    }

    fn notes(&self) -> Vec<String> {
        ShapefileIn::notes(self)
    }

    fn position(&self) -> (u64, u64) {
        ShapefileIn::position(self)
    }
}

/// One DBF value.
fn field_value(f: &DbfField, raw: &[u8], enc: Encoding, recased: &mut bool) -> Value {
    match f.kind {
        b'C' => {
            let t = trim(raw);
            if t.is_empty() {
                return Value::Null;
            }
            let mut s = decode(t, enc);
            if enc == Encoding::Tcvn3
                && let Some(r) = recase_tcvn3(&s)
            {
                *recased = true;
                s = r;
            }
            Value::Text(s)
        }
        b'N' | b'F' => {
            let t = trim(raw);
            let Ok(t) = std::str::from_utf8(t) else {
                return Value::Null;
            };
            let t = t.trim();
            let comma;
            let t = if t.contains(',') {
                comma = t.replace(',', ".");
                comma.as_str()
            } else {
                t
            };
            if t.is_empty() || t.chars().all(|c| c == '*') {
                return Value::Null;
            }
            if f.decimals == 0
                && let Ok(i) = t.parse::<i64>()
            {
                return Value::Int(i);
            }
            match t.parse::<f64>() {
                Ok(v) if v.is_finite() => Value::Real(v),
                _ => Value::Null,
            }
        }
        b'L' => match trim(raw).first() {
            Some(b'T' | b't' | b'Y' | b'y') => Value::Int(1),
            Some(b'F' | b'f' | b'N' | b'n') => Value::Int(0),
            _ => Value::Null,
        },
        b'D' => {
            let t = trim(raw);
            if t.len() == 8 && t.iter().all(u8::is_ascii_digit) {
                let s = String::from_utf8_lossy(t);
                Value::Text(format!("{}-{}-{}", &s[..4], &s[4..6], &s[6..]))
            } else {
                Value::Null
            }
        }
        b'I' if raw.len() == 4 => Value::Int(i64::from(i32::from_le_bytes([
            raw[0], raw[1], raw[2], raw[3],
        ]))),
        b'O' if raw.len() == 8 => {
            let mut b = [0u8; 8];
            b.copy_from_slice(raw);
            let v = f64::from_le_bytes(b);
            if v.is_finite() {
                Value::Real(v)
            } else {
                Value::Null
            }
        }
        _ => Value::Null,
    }
}

/// Little-endian reader over a record's content.
struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

fn short(what: &str) -> Problem {
    Problem::BadRecord {
        en: format!("it ends inside its {what}"),
        vi: format!("bản ghi kết thúc giữa phần {what}"),
    }
}

impl Cursor<'_> {
    fn u32(&mut self, what: &str) -> Result<u32, Problem> {
        let s = self
            .b
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| short(what))?;
        self.pos += 4;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    fn f64(&mut self, what: &str) -> Result<f64, Problem> {
        let s = self
            .b
            .get(self.pos..self.pos + 8)
            .ok_or_else(|| short(what))?;
        self.pos += 8;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(f64::from_le_bytes(a))
    }

    fn skip(&mut self, n: usize, what: &str) -> Result<(), Problem> {
        if self.pos + n > self.b.len() {
            return Err(short(what));
        }
        self.pos += n;
        Ok(())
    }

    fn points(&mut self, n: usize) -> Result<Vec<Coord<f64>>, Problem> {
        if self.pos + n.saturating_mul(16) > self.b.len() {
            return Err(short("points"));
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let x = self.f64("points")?;
            let y = self.f64("points")?;
            out.push(Coord { x, y });
        }
        Ok(out)
    }
}

/// A record's shape (the content after its 8-byte header) in a file of `file_type`; and
/// whether it carried Z or M values (dropped).
pub fn parse_shape(b: &[u8], file_type: u32) -> Result<(Option<Geometry<f64>>, bool), Problem> {
    let mut c = Cursor { b, pos: 0 };
    let t = c.u32("shape type")?;
    if t == 0 {
        return Ok((None, false));
    }
    if t != file_type {
        return Err(Problem::BadRecord {
            en: format!("a {} in a file of {}", shape_name(t), shape_name(file_type)),
            vi: format!(
                "một {} trong tệp kiểu {}",
                shape_name(t),
                shape_name(file_type)
            ),
        });
    }
    let zm = t > 10;
    match t {
        1 | 11 | 21 => {
            let x = c.f64("point")?;
            let y = c.f64("point")?;
            Ok((Some(Geometry::Point(Point::new(x, y))), zm))
        }
        8 | 18 | 28 => {
            c.skip(32, "bounding box")?;
            let n = c.u32("point count")? as usize;
            let pts = c.points(n)?;
            Ok((
                Some(Geometry::MultiPoint(MultiPoint(
                    pts.into_iter().map(Point::from).collect(),
                ))),
                zm,
            ))
        }
        3 | 13 | 23 | 5 | 15 | 25 => {
            c.skip(32, "bounding box")?;
            let parts = c.u32("part count")? as usize;
            let n = c.u32("point count")? as usize;
            if parts == 0 || parts > n {
                return Err(Problem::BadRecord {
                    en: format!("{parts} parts for {n} points"),
                    vi: format!("{parts} phần cho {n} điểm"),
                });
            }
            if c.pos + parts.saturating_mul(4) > b.len() {
                return Err(short("part index"));
            }
            let mut starts = Vec::with_capacity(parts);
            for _ in 0..parts {
                starts.push(c.u32("part index")? as usize);
            }
            if starts[0] != 0 || starts.windows(2).any(|w| w[0] >= w[1]) || starts[parts - 1] >= n {
                return Err(Problem::BadRecord {
                    en: format!("part starts {starts:?} do not fit {n} points"),
                    vi: format!("chỉ số đầu các phần {starts:?} không hợp với {n} điểm"),
                });
            }
            let pts = c.points(n)?;
            let mut lines: Vec<LineString<f64>> = Vec::with_capacity(parts);
            for (i, &s) in starts.iter().enumerate() {
                let e = starts.get(i + 1).copied().unwrap_or(n);
                lines.push(LineString(pts[s..e].to_vec()));
            }
            let g = if matches!(t, 3 | 13 | 23) {
                if lines.len() == 1 {
                    Geometry::LineString(lines.remove(0))
                } else {
                    Geometry::MultiLineString(MultiLineString(lines))
                }
            } else {
                assemble_rings(lines)
            };
            Ok((Some(g), zm))
        }
        other => Err(Problem::UnsupportedShape(format!(
            "shape type {}",
            shape_name(other)
        ))),
    }
}

/// ESRI rings to polygons: clockwise rings are outer, counter-clockwise ones holes of the
/// smallest outer ring holding them (a hole in none becomes an outer ring, as GDAL does).
fn assemble_rings(rings: Vec<LineString<f64>>) -> Geometry<f64> {
    if rings.len() == 1 {
        if let Some(r) = rings.into_iter().next() {
            return Geometry::Polygon(Polygon::new(r, vec![]));
        }
        return Geometry::MultiPolygon(MultiPolygon(vec![]));
    }
    let mut outers: Vec<(LineString<f64>, f64, Vec<LineString<f64>>)> = Vec::new();
    let mut holes = Vec::new();
    for r in rings {
        let a = signed_area2(&r);
        if a <= 0.0 {
            outers.push((r, -a, Vec::new()));
        } else {
            holes.push(r);
        }
    }
    for h in holes {
        let p = h.0.first().copied().unwrap_or(Coord { x: 0.0, y: 0.0 });
        let best = outers
            .iter()
            .enumerate()
            .filter(|(_, (o, _, _))| contains(o, p))
            .min_by(|a, b| a.1.1.total_cmp(&b.1.1))
            .map(|(i, _)| i);
        match best {
            Some(i) => outers[i].2.push(h),
            None => {
                let a = signed_area2(&h);
                outers.push((h, a, Vec::new()));
            }
        }
    }
    let mut polys: Vec<Polygon<f64>> = outers
        .into_iter()
        .map(|(o, _, hs)| Polygon::new(o, hs))
        .collect();
    if polys.len() == 1 {
        Geometry::Polygon(polys.remove(0))
    } else {
        Geometry::MultiPolygon(MultiPolygon(polys))
    }
}
