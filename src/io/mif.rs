//! MapInfo Interchange Format: the `.mif` (header with `Charset`, `Delimiter`, `CoordSys` and
//! `Columns`, then one graphic object per record) and the `.mid` (one delimited line of
//! attributes per object), read object by object. Objects read: `Point`, `Line`, `Pline`
//! (with `Multiple` sections), `Region` (rings nested by containment: a ring inside an odd
//! number of others is a hole), `MultiPoint`, `Rect` and `None`; style clauses (`Pen`,
//! `Brush`, `Symbol`, `Smooth`, `Center`) are skipped. Any other object (`Text`, `Arc`,
//! `Ellipse`, `Collection`…) stops the import with its number and line. TAB files (MapInfo's
//! binary format) are not read: save them as MIF in MapInfo or convert them with `ogr2ogr`.

use super::encoding::{Choice, Encoding, Said, choose, decode, recase_tcvn3};
use super::feature::{ImportError, RawFeature, Value, bad};
use super::prj::{Declared, Unread, from_coordsys};
use super::problem::{At, Problem};
use geo_types::{Coord, Geometry, LineString, MultiLineString, MultiPoint, Point, Polygon};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

fn io_err(path: &Path, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> ImportError {
    ImportError::Io {
        path: path.display().to_string(),
        source: e.into(),
    }
}

fn at_line(path: &Path, line: u64) -> At {
    At::file_line(path.display().to_string(), line)
}

fn bad_line(path: &Path, line: u64, en: String, vi: String) -> ImportError {
    bad(at_line(path, line), Problem::BadRecord { en, vi })
}

/// A MID column type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColType {
    Text,
    Integer,
    Real,
    Logical,
    Date,
}

/// The `.mid` beside a `.mif` (any case of the extension).
fn mid_of(mif: &Path) -> Option<PathBuf> {
    super::shapefile::sibling(mif, "mid")
}

/// A `.mif` and its `.mid`, read object by object.
pub struct MifIn {
    lines: BufReader<File>,
    path: PathBuf,
    line: u64,
    /// A line read but not used yet.
    pending: Option<String>,
    mid: Option<csv::Reader<BufReader<File>>>,
    mid_path: PathBuf,
    mid_rec: csv::ByteRecord,
    columns: Vec<(String, ColType)>,
    declaration: Option<Result<Declared, Unread>>,
    encoding: Choice,
    n: u64,
    size: u64,
    consumed: u64,
    recased: u64,
}

/// Splits a MIF line into words: numbers, names, quoted strings (quotes kept off).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                if quoted {
                    out.push(std::mem::take(&mut cur));
                }
                quoted = !quoted;
            }
            c if !quoted && (c.is_whitespace() || c == ',' || c == '(' || c == ')') => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl MifIn {
    pub fn open(path: &Path, encoding: Option<Encoding>) -> Result<MifIn, ImportError> {
        let file = crate::fsutil::open_input(path).map_err(|e| io_err(path, e))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut lines = BufReader::with_capacity(1 << 16, file);
        let mut line_no = 0u64;
        let mut charset: Option<String> = None;
        let mut delimiter = b'\t';
        let mut coordsys: Option<String> = None;
        let mut columns_raw: Vec<(Vec<u8>, ColType)> = Vec::new();
        let mut consumed = 0u64;
        let mut buf = Vec::new();
        let mut read_line = |buf: &mut Vec<u8>, line_no: &mut u64| -> Result<bool, ImportError> {
            buf.clear();
            let n = lines.read_until(b'\n', buf).map_err(|e| io_err(path, e))?;
            consumed += n as u64;
            *line_no += 1;
            while matches!(buf.last(), Some(b'\n' | b'\r')) {
                buf.pop();
            }
            Ok(n > 0)
        };
        let header_err = |line: u64, en: String, vi: String| {
            bad(at_line(path, line), Problem::BadHeader { en, vi })
        };
        // The header, up to "Data".
        loop {
            if !read_line(&mut buf, &mut line_no)? {
                return Err(header_err(
                    line_no,
                    "the file ends before its Data line".into(),
                    "tệp kết thúc trước dòng Data".into(),
                ));
            }
            if buf.contains(&0) {
                return Err(header_err(
                    line_no,
                    "binary bytes in the header (a TAB file? save it as MIF first)".into(),
                    "phần đầu có byte nhị phân (tệp TAB? hãy lưu thành MIF trước)".into(),
                ));
            }
            let text = String::from_utf8_lossy(&buf).into_owned();
            let w = words(&text);
            let Some(key) = w.first().map(|k| k.to_ascii_lowercase()) else {
                continue;
            };
            match key.as_str() {
                "version" | "unique" | "index" | "transform" => {}
                "charset" => charset = w.get(1).cloned(),
                "delimiter" => {
                    let d = text
                        .split('"')
                        .nth(1)
                        .and_then(|s| s.bytes().next())
                        .ok_or_else(|| {
                            header_err(
                                line_no,
                                format!("a Delimiter line without a quoted character: {text}"),
                                format!("dòng Delimiter không có ký tự trong ngoặc kép: {text}"),
                            )
                        })?;
                    delimiter = d;
                }
                "coordsys" => coordsys = Some(text.trim().to_string()),
                "columns" => {
                    let n: usize = w.get(1).and_then(|v| v.parse().ok()).ok_or_else(|| {
                        header_err(
                            line_no,
                            format!("Columns without a count: {text}"),
                            format!("Columns không có số cột: {text}"),
                        )
                    })?;
                    if n > 4096 {
                        return Err(header_err(
                            line_no,
                            format!("{n} columns"),
                            format!("{n} cột"),
                        ));
                    }
                    for _ in 0..n {
                        if !read_line(&mut buf, &mut line_no)? {
                            return Err(header_err(
                                line_no,
                                "the file ends inside its Columns".into(),
                                "tệp kết thúc giữa phần Columns".into(),
                            ));
                        }
                        let trimmed: Vec<u8> = buf
                            .iter()
                            .copied()
                            .skip_while(|b| b.is_ascii_whitespace())
                            .collect();
                        let split = trimmed
                            .iter()
                            .position(|b| b.is_ascii_whitespace())
                            .unwrap_or(trimmed.len());
                        let name = trimmed[..split].to_vec();
                        let ty = String::from_utf8_lossy(&trimmed[split..])
                            .trim()
                            .to_ascii_lowercase();
                        let t = if ty.starts_with("char") {
                            ColType::Text
                        } else if ty.starts_with("integer")
                            || ty.starts_with("smallint")
                            || ty.starts_with("largeint")
                        {
                            ColType::Integer
                        } else if ty.starts_with("decimal") || ty.starts_with("float") {
                            ColType::Real
                        } else if ty.starts_with("logical") {
                            ColType::Logical
                        } else if ty.starts_with("date") || ty.starts_with("time") {
                            ColType::Date
                        } else {
                            return Err(header_err(
                                line_no,
                                format!("column type {ty:?} is not one MapInfo writes"),
                                format!("kiểu cột {ty:?} không phải kiểu của MapInfo"),
                            ));
                        };
                        if name.is_empty() {
                            return Err(header_err(
                                line_no,
                                "a column without a name".into(),
                                "một cột không có tên".into(),
                            ));
                        }
                        columns_raw.push((name, t));
                    }
                }
                "data" => break,
                _ => {
                    return Err(header_err(
                        line_no,
                        format!("{text:?} is not a MIF header line"),
                        format!("{text:?} không phải dòng đầu tệp MIF"),
                    ));
                }
            }
        }
        let declaration = coordsys.as_deref().map(|c| {
            if c.to_ascii_lowercase().contains("nonearth") {
                Err(Unread {
                    what: format!("{c} (a drawing without geographic coordinates)"),
                })
            } else {
                from_coordsys(c)
            }
        });
        let mid_path = mid_of(path).unwrap_or_else(|| path.with_extension("mid"));
        let open_mid =
            |mid_path: &Path| -> Result<Option<csv::Reader<BufReader<File>>>, ImportError> {
                if !mid_path.is_file() {
                    return Ok(None);
                }
                let f = crate::fsutil::open_input(mid_path).map_err(|e| io_err(mid_path, e))?;
                Ok(Some(
                    csv::ReaderBuilder::new()
                        .has_headers(false)
                        .delimiter(delimiter)
                        .flexible(true)
                        .from_reader(BufReader::with_capacity(1 << 16, f)),
                ))
            };
        let mut mid = open_mid(&mid_path)?;
        if mid.is_none() && !columns_raw.is_empty() {
            return Err(bad(
                At::File(path.display().to_string()),
                Problem::MissingPart(".mid".into()),
            ));
        }
        let choice = match encoding {
            Some(e) => Choice::given(e),
            None => {
                let mut samples: Vec<Vec<u8>> =
                    columns_raw.iter().map(|(n, _)| n.clone()).collect();
                if let Some(r) = mid.as_mut() {
                    let mut rec = csv::ByteRecord::new();
                    let mut k = 0;
                    while k < 2000 && r.read_byte_record(&mut rec).unwrap_or(false) {
                        for (v, (_, t)) in rec.iter().zip(&columns_raw) {
                            if *t == ColType::Text && !v.is_ascii() {
                                samples.push(v.to_vec());
                            }
                        }
                        k += 1;
                    }
                }
                let declared = charset.as_ref().and_then(|c| {
                    Encoding::parse(c).map(|e| {
                        (
                            e,
                            Said::new(format!("Charset says {c}"), format!("Charset ghi {c}")),
                        )
                    })
                });
                let refs: Vec<&[u8]> = samples.iter().map(Vec::as_slice).collect();
                choose(declared, &refs)
            }
        };
        // Read the MID again from its start.
        let mid = open_mid(&mid_path)?;
        let enc = choice.encoding;
        let mut columns: Vec<(String, ColType)> = Vec::with_capacity(columns_raw.len());
        for (raw, t) in columns_raw {
            let mut name = decode(&raw, enc);
            if enc == Encoding::Tcvn3 {
                name = recase_tcvn3(&name).unwrap_or(name);
            }
            let base = name.clone();
            let mut k = 2;
            while columns.iter().any(|(n, _)| *n == name) {
                name = format!("{base}_{k}");
                k += 1;
            }
            columns.push((name, t));
        }
        Ok(MifIn {
            lines,
            path: path.to_path_buf(),
            line: line_no,
            pending: None,
            mid,
            mid_path,
            mid_rec: csv::ByteRecord::new(),
            columns,
            declaration,
            encoding: choice,
            n: 0,
            size,
            consumed,
            recased: 0,
        })
    }

    /// The next non-blank line of the data section, `None` at the end.
    fn next_line(&mut self) -> Result<Option<String>, ImportError> {
        if let Some(l) = self.pending.take() {
            return Ok(Some(l));
        }
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = self
                .lines
                .read_until(b'\n', &mut buf)
                .map_err(|e| io_err(&self.path, e))?;
            if n == 0 {
                return Ok(None);
            }
            self.consumed += n as u64;
            self.line += 1;
            // Coordinates and keywords are ASCII; text objects are not read.
            let l = String::from_utf8_lossy(&buf).trim().to_string();
            if !l.is_empty() {
                return Ok(Some(l));
            }
        }
    }

    /// `n` coordinate pairs, from as many lines as they take.
    fn coords(&mut self, n: usize, what: &str) -> Result<Vec<Coord<f64>>, ImportError> {
        let mut nums: Vec<f64> = Vec::with_capacity(2 * n.min(1 << 20));
        while nums.len() < 2 * n {
            let Some(l) = self.next_line()? else {
                return Err(bad(
                    at_line(&self.path, self.line),
                    Problem::RecordTruncated,
                ));
            };
            for w in l.split_whitespace() {
                let v: f64 = w.parse().map_err(|_| {
                    bad_line(
                        &self.path,
                        self.line,
                        format!("{w:?} is not a coordinate of the {what}"),
                        format!("{w:?} không phải toạ độ của {what}"),
                    )
                })?;
                nums.push(v);
            }
        }
        if nums.len() != 2 * n {
            return Err(bad_line(
                &self.path,
                self.line,
                format!(
                    "{} numbers where {} coordinates of the {what} end",
                    nums.len(),
                    2 * n
                ),
                format!("{} số, trong khi {what} có {} toạ độ", nums.len(), 2 * n),
            ));
        }
        Ok(nums
            .chunks_exact(2)
            .map(|c| Coord { x: c[0], y: c[1] })
            .collect())
    }

    fn count(&mut self, w: Option<&String>, what: &str) -> Result<usize, ImportError> {
        let text = match w {
            Some(t) => t.clone(),
            None => self
                .next_line()?
                .ok_or_else(|| bad(at_line(&self.path, self.line), Problem::RecordTruncated))?,
        };
        let n: usize = text.trim().parse().map_err(|_| {
            bad_line(
                &self.path,
                self.line,
                format!("{text:?} is not the number of points of the {what}"),
                format!("{text:?} không phải số điểm của {what}"),
            )
        })?;
        if n > 50_000_000 {
            return Err(bad_line(
                &self.path,
                self.line,
                format!("{n} points in one {what}"),
                format!("{n} điểm trong một {what}"),
            ));
        }
        Ok(n)
    }

    /// The next object's geometry: `Ok(None)` at the end, `Ok(Some(None))` for `None`.
    fn next_object(&mut self) -> Result<Option<Option<Geometry<f64>>>, ImportError> {
        let line = loop {
            let Some(l) = self.next_line()? else {
                return Ok(None);
            };
            let first = l
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if matches!(
                first.as_str(),
                "pen"
                    | "brush"
                    | "symbol"
                    | "smooth"
                    | "center"
                    | "font"
                    | "spacing"
                    | "justify"
                    | "angle"
                    | "label"
            ) {
                continue;
            }
            break l;
        };
        let start = self.line;
        let w = words(&line);
        let kind = w
            .first()
            .map(|k| k.to_ascii_lowercase())
            .unwrap_or_default();
        let num = |i: usize| -> Result<f64, ImportError> {
            w.get(i).and_then(|v| v.parse().ok()).ok_or_else(|| {
                bad_line(
                    &self.path,
                    start,
                    format!("{line:?} lacks its coordinates"),
                    format!("{line:?} thiếu toạ độ"),
                )
            })
        };
        let g = match kind.as_str() {
            "none" => None,
            "point" => Some(Geometry::Point(Point::new(num(1)?, num(2)?))),
            "line" => Some(Geometry::LineString(LineString(vec![
                Coord {
                    x: num(1)?,
                    y: num(2)?,
                },
                Coord {
                    x: num(3)?,
                    y: num(4)?,
                },
            ]))),
            "rect" => {
                let (x1, y1, x2, y2) = (num(1)?, num(2)?, num(3)?, num(4)?);
                Some(Geometry::Polygon(Polygon::new(
                    LineString(vec![
                        Coord { x: x1, y: y1 },
                        Coord { x: x2, y: y1 },
                        Coord { x: x2, y: y2 },
                        Coord { x: x1, y: y2 },
                        Coord { x: x1, y: y1 },
                    ]),
                    vec![],
                )))
            }
            "multipoint" => {
                let n = self.count(w.get(1), "multipoint")?;
                let pts = self.coords(n, "multipoint")?;
                Some(Geometry::MultiPoint(MultiPoint(
                    pts.into_iter().map(Point::from).collect(),
                )))
            }
            "pline" => {
                let multiple = w.get(1).is_some_and(|v| v.eq_ignore_ascii_case("multiple"));
                if multiple {
                    let sections = self.count(w.get(2), "polyline")?;
                    let mut lines = Vec::with_capacity(sections.min(1 << 16));
                    for _ in 0..sections {
                        let n = self.count(None, "polyline")?;
                        lines.push(LineString(self.coords(n, "polyline")?));
                    }
                    Some(Geometry::MultiLineString(MultiLineString(lines)))
                } else {
                    let n = self.count(w.get(1), "polyline")?;
                    Some(Geometry::LineString(LineString(
                        self.coords(n, "polyline")?,
                    )))
                }
            }
            "region" => {
                let rings_n = self.count(w.get(1), "region")?;
                let mut rings = Vec::with_capacity(rings_n.min(1 << 16));
                for _ in 0..rings_n {
                    let n = self.count(None, "region")?;
                    let mut r = self.coords(n, "region")?;
                    // MapInfo may leave a ring open: close it.
                    if r.len() >= 3 && r.first() != r.last() {
                        let f = r[0];
                        r.push(f);
                    }
                    rings.push(LineString(r));
                }
                Some(super::office::nest_rings(rings))
            }
            other => {
                return Err(bad(
                    At::Feature {
                        n: self.n + 1,
                        pos: Some(Box::new(at_line(&self.path, start))),
                    },
                    Problem::UnsupportedShape(format!("MIF object {other:?}")),
                ));
            }
        };
        Ok(Some(g))
    }

    fn next_record(&mut self) -> Result<Vec<(String, Value)>, ImportError> {
        let n = self.n;
        let Some(mid) = self.mid.as_mut() else {
            return Ok(Vec::new());
        };
        let got = mid.read_byte_record(&mut self.mid_rec).map_err(|e| {
            bad(
                At::file_line(self.mid_path.display().to_string(), n),
                Problem::Csv(e.to_string()),
            )
        })?;
        if !got {
            return Err(bad(
                At::File(self.mid_path.display().to_string()),
                Problem::BadRecord {
                    en: format!("it ends after {} rows; the .mif has more objects", n - 1),
                    vi: format!("tệp .mid hết sau {} dòng; tệp .mif còn đối tượng", n - 1),
                },
            ));
        }
        let enc = self.encoding.encoding;
        let mut recased = false;
        let attrs = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, (name, t))| {
                let raw = self.mid_rec.get(i).unwrap_or_default();
                let text = raw.trim_ascii();
                let v = if text.is_empty() {
                    Value::Null
                } else {
                    match t {
                        ColType::Text => {
                            let mut s = decode(text, enc);
                            if enc == Encoding::Tcvn3
                                && let Some(r) = recase_tcvn3(&s)
                            {
                                recased = true;
                                s = r;
                            }
                            Value::Text(s)
                        }
                        ColType::Integer => std::str::from_utf8(text)
                            .ok()
                            .and_then(|s| s.parse::<i64>().ok())
                            .map_or(Value::Null, Value::Int),
                        ColType::Real => std::str::from_utf8(text)
                            .ok()
                            .and_then(|s| s.parse::<f64>().ok())
                            .filter(|v| v.is_finite())
                            .map_or(Value::Null, Value::Real),
                        ColType::Logical => match text.first() {
                            Some(b'T' | b't' | b'Y' | b'y' | b'1') => Value::Int(1),
                            Some(b'F' | b'f' | b'N' | b'n' | b'0') => Value::Int(0),
                            _ => Value::Null,
                        },
                        ColType::Date => {
                            let s = String::from_utf8_lossy(text).into_owned();
                            if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
                                Value::Text(format!("{}-{}-{}", &s[..4], &s[4..6], &s[6..]))
                            } else {
                                Value::Text(s)
                            }
                        }
                    }
                };
                (name.clone(), v)
            })
            .collect();
        if recased {
            self.recased += 1;
        }
        Ok(attrs)
    }
}

impl super::office::OfficeReader for MifIn {
    fn next_feature(&mut self) -> Result<Option<RawFeature>, ImportError> {
        let Some(geom) = self.next_object()? else {
            // Every object read: the .mid must end too.
            if let Some(mid) = self.mid.as_mut()
                && mid.read_byte_record(&mut self.mid_rec).unwrap_or(false)
            {
                return Err(bad(
                    At::File(self.mid_path.display().to_string()),
                    Problem::BadRecord {
                        en: format!("it has more rows than the .mif's {} objects", self.n),
                        vi: format!("tệp .mid có nhiều dòng hơn {} đối tượng của .mif", self.n),
                    },
                ));
            }
            return Ok(None);
        };
        self.n += 1;
        let attrs = self.next_record()?;
        Ok(Some(RawFeature { geom, attrs }))
    }

    fn declaration(&self) -> Option<&Result<Declared, Unread>> {
        self.declaration.as_ref()
    }

    fn encoding(&self) -> &Choice {
        &self.encoding
    }

    fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.recased > 0 {
            out.push(format!(
                "{} values typed in TCVN3 capitals (.VnTimeH) recased",
                self.recased
            ));
        }
        out
    }

    fn position(&self) -> (u64, u64) {
        (self.consumed, self.size)
    }
}

/// Reads a MIF from memory (the fuzz target's entry): every object and record, or the first
/// error. Writes the bytes to a temporary file first, as the reader streams from files.
pub fn read_all(mif: &[u8], mid: &[u8]) -> Result<u64, ImportError> {
    use super::office::OfficeReader;
    let dir = std::env::temp_dir().join(format!(
        "qn-mif-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
    let path = dir.join("x.mif");
    let result = (|| {
        std::fs::write(&path, mif).map_err(|e| io_err(&path, e))?;
        std::fs::write(path.with_extension("mid"), mid).map_err(|e| io_err(&path, e))?;
        let mut r = MifIn::open(&path, None)?;
        let mut n = 0;
        while r.next_feature()?.is_some() {
            n += 1;
        }
        Ok(n)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
