//! Writing a layer as an ESRI Shapefile for partners on older software: `.shp`, `.shx`,
//! `.dbf` (text in UTF-8, said so by a `.cpg`), and a `.prj` in ESRI WKT as ArcGIS and GDAL
//! write it. DBF field names hold at most 10 bytes: names are folded to ASCII, shortened and
//! made unique, and the mapping is reported. A Shapefile holds one shape type: a layer that
//! mixes polygons and points (a planning layer's sites with and without a drawn boundary) is
//! written as two Shapefiles, `OUT.shp` with the polygons and `OUT_points.shp` with the points.
//! Every part is written aside and renamed into place only when all are whole.

use super::crs::Crs;
use crate::model::value::{FieldType, Value};
use geo_types::{Coord, Geometry, LineString, Polygon};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The ESRI WKT of a system, as a `.prj` holds it.
pub fn esri_wkt(crs: Crs) -> String {
    const GCS_WGS: &str = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
    const GCS_VN: &str = r#"GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
    let tm = |name: &str, gcs: &str, cm: f64, k: f64| {
        format!(
            r#"PROJCS["{name}",{gcs},PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",{cm:?}],PARAMETER["Scale_Factor",{k:?}],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#
        )
    };
    match crs {
        Crs::Wgs84 => GCS_WGS.to_string(),
        Crs::Vn2000 => GCS_VN.to_string(),
        Crs::Vn2000Tm3 => tm("VN_2000_TM-3_107-45", GCS_VN, 107.75, 0.9999),
        Crs::Vn2000Tm3At(m) => {
            let name = if m % 60 == 0 {
                format!("VN_2000_TM-3_{}", m / 60)
            } else {
                format!("VN_2000_TM-3_{}-{:02}", m / 60, m % 60)
            };
            tm(&name, GCS_VN, f64::from(m) / 60.0, 0.9999)
        }
        Crs::Vn2000Utm48 => tm("VN_2000_UTM_Zone_48N", GCS_VN, 105.0, 0.9996),
        Crs::Vn2000Utm49 => tm("VN_2000_UTM_Zone_49N", GCS_VN, 111.0, 0.9996),
        Crs::Wgs84Utm(z) => tm(
            &format!("WGS_1984_UTM_Zone_{z}N"),
            GCS_WGS,
            f64::from(z) * 6.0 - 183.0,
            0.9996,
        ),
    }
}

/// The 10-byte DBF names of `names`: folded to ASCII letters, digits and `_`, shortened, made
/// unique (`ten_1`, `ten_2`…). Returns the short names in order.
pub fn short_names(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for n in names {
        let folded: String = crate::model::text::fold(n)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let base: String = if folded.is_empty() {
            "field".into()
        } else {
            folded.chars().take(10).collect()
        };
        let mut name = base.clone();
        let mut k = 1;
        while out.iter().any(|o| o.eq_ignore_ascii_case(&name)) {
            let suffix = format!("_{k}");
            let keep = 10 - suffix.len();
            name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
            k += 1;
        }
        out.push(name);
    }
    out
}

/// The Shapefile shape family of a geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Point,
    MultiPoint,
    Line,
    Polygon,
}

impl Family {
    fn of(g: &Geometry<f64>) -> Option<Family> {
        Some(match g {
            Geometry::Point(_) => Family::Point,
            Geometry::MultiPoint(_) => Family::MultiPoint,
            Geometry::Line(_) | Geometry::LineString(_) | Geometry::MultiLineString(_) => {
                Family::Line
            }
            Geometry::Polygon(_)
            | Geometry::MultiPolygon(_)
            | Geometry::Rect(_)
            | Geometry::Triangle(_) => Family::Polygon,
            Geometry::GeometryCollection(_) => return None,
        })
    }

    fn code(self) -> u32 {
        match self {
            Family::Point => 1,
            Family::Line => 3,
            Family::Polygon => 5,
            Family::MultiPoint => 8,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Family::Point => "_points",
            Family::MultiPoint => "_multipoints",
            Family::Line => "_lines",
            Family::Polygon => "_polygons",
        }
    }
}

/// A DBF column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub short: String,
    kind: u8,
    length: usize,
    decimals: usize,
}

/// The DBF columns for `fields` (name, declared type) with the values seen.
fn columns(fields: &[(String, Option<FieldType>)], stats: &[FieldStats]) -> Vec<Column> {
    let names: Vec<String> = fields.iter().map(|(n, _)| n.clone()).collect();
    let short = short_names(&names);
    fields
        .iter()
        .zip(short)
        .zip(stats)
        .map(|(((n, declared), s), st)| {
            let numeric = !st.text
                && (st.int
                    || st.real
                    || matches!(declared, Some(FieldType::Integer | FieldType::Real)));
            let real = st.real || (*declared == Some(FieldType::Real) && !st.int);
            let (kind, length, decimals) = if !numeric {
                (b'C', st.text_len.clamp(1, 254), 0)
            } else if real {
                if st.real {
                    (b'N', st.num_len.clamp(1, 24), st.decimals.min(15))
                } else {
                    // No value to measure: room for 11 digits and 6 decimals.
                    (b'N', 19, 6)
                }
            } else if st.int {
                (b'N', st.num_len.clamp(1, 20), 0)
            } else {
                // No value to measure: 9 digits (a 32-bit integer to GDAL and QGIS).
                (b'N', 9, 0)
            };
            Column {
                name: n.clone(),
                short: s,
                kind,
                length,
                decimals,
            }
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
struct FieldStats {
    int: bool,
    real: bool,
    text: bool,
    text_len: usize,
    num_len: usize,
    decimals: usize,
}

fn fmt_real(v: f64) -> String {
    let s = format!("{v}");
    if s.len() > 24 { format!("{v:e}") } else { s }
}

impl FieldStats {
    fn add(&mut self, v: &Value) {
        match v {
            Value::Null => {}
            Value::Int(i) => {
                self.int = true;
                self.num_len = self.num_len.max(i.to_string().len());
            }
            Value::Real(r) => {
                self.real = true;
                let s = fmt_real(*r);
                self.num_len = self.num_len.max(s.len());
                if let Some(p) = s.find('.')
                    && !s.contains('e')
                {
                    self.decimals = self.decimals.max(s.len() - p - 1);
                }
            }
            Value::Text(t) => {
                self.text = true;
                self.text_len = self.text_len.max(t.len());
            }
        }
    }
}

/// What a Shapefile export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapefileSummary {
    /// Each `.shp` written, its shape family and feature count.
    pub files: Vec<(PathBuf, Family, u64)>,
    /// Field names shortened or changed for the DBF: (name, DBF name).
    pub renamed: Vec<(String, String)>,
    /// Texts cut at 254 bytes (the DBF limit).
    pub truncated: u64,
    /// Features without a geometry, written as null shapes into the first file.
    pub without_geometry: u64,
}

/// One feature to write: geometry in the output system, attributes in field order.
pub struct OutFeature {
    pub geom: Option<Geometry<f64>>,
    pub values: Vec<Value>,
}

/// Hands every feature, in order, to the writer's callback.
pub type Features<'a> =
    dyn FnMut(&mut dyn FnMut(OutFeature) -> std::io::Result<()>) -> std::io::Result<()> + 'a;

/// Writes `features` (called twice: once to learn the shape types and fields, once to write)
/// as Shapefile `out` in `crs`. `fields` are the attribute names and their declared types;
/// `each(f)` calls `f` for every feature in order.
pub fn write(
    out: &Path,
    crs: Crs,
    fields: &[(String, Option<FieldType>)],
    each: &mut Features<'_>,
) -> std::io::Result<ShapefileSummary> {
    // Pass 1: families and field statistics.
    let mut families: Vec<Family> = Vec::new();
    let mut stats = vec![FieldStats::default(); fields.len()];
    let mut without_geometry = 0u64;
    each(&mut |f: OutFeature| {
        match f.geom.as_ref().map(Family::of) {
            Some(Some(fam)) => {
                if !families.contains(&fam) {
                    families.push(fam);
                }
            }
            Some(None) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "a geometry collection cannot be written to a Shapefile",
                ));
            }
            None => without_geometry += 1,
        }
        for (s, v) in stats.iter_mut().zip(&f.values) {
            s.add(v);
        }
        Ok(())
    })?;
    families.sort_by_key(|f| match f {
        Family::Polygon => 0,
        Family::Line => 1,
        Family::MultiPoint => 2,
        Family::Point => 3,
    });
    if families.is_empty() {
        families.push(Family::Point);
    }
    let cols = columns(fields, &stats);
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "layer".into());
    let dir = out.parent().unwrap_or(Path::new(""));
    let mut writers: Vec<Parts> = Vec::new();
    for (i, fam) in families.iter().enumerate() {
        let base = if i == 0 {
            dir.join(&stem)
        } else {
            dir.join(format!("{stem}{}", fam.suffix()))
        };
        writers.push(Parts::create(&base, *fam, &cols)?);
    }
    // Pass 2: write.
    let mut truncated = 0u64;
    let written = each(&mut |f: OutFeature| {
        let k = match f.geom.as_ref().and_then(Family::of) {
            Some(fam) => families.iter().position(|x| *x == fam).unwrap_or(0),
            None => 0,
        };
        truncated += writers[k].add(f.geom.as_ref(), &f.values, &cols)?;
        Ok(())
    });
    let finished = written.and_then(|_| {
        let mut files = Vec::new();
        for w in &mut writers {
            files.push(w.finish(crs)?);
        }
        Ok(files)
    });
    let files = match finished {
        Ok(f) => f,
        Err(e) => {
            for w in &writers {
                w.remove();
            }
            return Err(e);
        }
    };
    // Every part is whole: rename them into place.
    let mut placed: Vec<PathBuf> = Vec::new();
    for w in &writers {
        for (part, target) in &w.parts {
            if let Err(e) = crate::fsutil::commit_part(part, target) {
                for p in &placed {
                    let _ = std::fs::remove_file(p);
                }
                for w in &writers {
                    w.remove();
                }
                return Err(e);
            }
            placed.push(target.clone());
        }
    }
    Ok(ShapefileSummary {
        files,
        renamed: cols
            .iter()
            .filter(|c| c.name != c.short)
            .map(|c| (c.name.clone(), c.short.clone()))
            .collect(),
        truncated,
        without_geometry,
    })
}

/// One Shapefile being written: its parts aside, and the figures its headers need.
struct Parts {
    family: Family,
    shp: std::io::BufWriter<std::fs::File>,
    shx: std::io::BufWriter<std::fs::File>,
    dbf: std::io::BufWriter<std::fs::File>,
    /// (part, target) for .shp, .shx, .dbf, .prj, .cpg.
    parts: Vec<(PathBuf, PathBuf)>,
    shp_words: u64,
    records: u32,
    bbox: Option<[f64; 4]>,
    buf: Vec<u8>,
}

fn part_of(base: &Path, ext: &str) -> std::io::Result<(PathBuf, PathBuf)> {
    let target = base.with_extension(ext);
    let part = crate::fsutil::part_path(&target)?;
    Ok((part, target))
}

impl Parts {
    fn create(base: &Path, family: Family, cols: &[Column]) -> std::io::Result<Parts> {
        let parts = vec![
            part_of(base, "shp")?,
            part_of(base, "shx")?,
            part_of(base, "dbf")?,
            part_of(base, "prj")?,
            part_of(base, "cpg")?,
        ];
        let open = |p: &Path| -> std::io::Result<std::io::BufWriter<std::fs::File>> {
            Ok(std::io::BufWriter::with_capacity(
                1 << 16,
                std::fs::File::create(p)?,
            ))
        };
        let mut shp = open(&parts[0].0)?;
        let mut shx = open(&parts[1].0)?;
        let mut dbf = open(&parts[2].0)?;
        // Headers are written again at the end, with the lengths and the box.
        shp.write_all(&[0u8; 100])?;
        shx.write_all(&[0u8; 100])?;
        dbf.write_all(&dbf_header(cols, 0))?;
        Ok(Parts {
            family,
            shp,
            shx,
            dbf,
            parts,
            shp_words: 50,
            records: 0,
            bbox: None,
            buf: Vec::new(),
        })
    }

    fn remove(&self) {
        for (part, _) in &self.parts {
            let _ = std::fs::remove_file(part);
        }
    }

    /// Writes one record; returns how many texts were cut.
    fn add(
        &mut self,
        g: Option<&Geometry<f64>>,
        values: &[Value],
        cols: &[Column],
    ) -> std::io::Result<u64> {
        self.buf.clear();
        match g {
            None => self.buf.extend_from_slice(&0u32.to_le_bytes()),
            Some(g) => self.encode(g),
        }
        self.records += 1;
        let words = (self.buf.len() / 2) as u64;
        let offset = self.shp_words;
        let too_big = || {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the .shp would pass 4 GB, the format's limit",
            )
        };
        let offset32 = u32::try_from(offset).map_err(|_| too_big())?;
        let words32 = u32::try_from(words).map_err(|_| too_big())?;
        self.shp.write_all(&self.records.to_be_bytes())?;
        self.shp.write_all(&words32.to_be_bytes())?;
        self.shp.write_all(&self.buf)?;
        self.shx.write_all(&offset32.to_be_bytes())?;
        self.shx.write_all(&words32.to_be_bytes())?;
        self.shp_words += 4 + words;
        // The DBF record.
        let mut cut = 0;
        self.dbf.write_all(b" ")?;
        for (c, v) in cols
            .iter()
            .zip(values.iter().chain(std::iter::repeat(&Value::Null)))
        {
            let text = match v {
                Value::Null => String::new(),
                Value::Int(i) => i.to_string(),
                Value::Real(r) => fmt_real(*r),
                Value::Text(t) => t.clone(),
            };
            let mut bytes = text.into_bytes();
            if bytes.len() > c.length {
                // Cut at a character boundary.
                let mut end = c.length;
                while end > 0 && (bytes[end] & 0xC0) == 0x80 {
                    end -= 1;
                }
                bytes.truncate(end);
                cut += 1;
            }
            let pad = c.length - bytes.len();
            if c.kind == b'N' {
                self.dbf.write_all(&vec![b' '; pad])?;
                self.dbf.write_all(&bytes)?;
            } else {
                self.dbf.write_all(&bytes)?;
                self.dbf.write_all(&vec![b' '; pad])?;
            }
        }
        Ok(cut)
    }

    fn grow(&mut self, c: Coord<f64>) {
        let b = self.bbox.get_or_insert([c.x, c.y, c.x, c.y]);
        b[0] = b[0].min(c.x);
        b[1] = b[1].min(c.y);
        b[2] = b[2].max(c.x);
        b[3] = b[3].max(c.y);
    }

    fn encode(&mut self, g: &Geometry<f64>) {
        use geo::{BoundingRect, CoordsIter};
        let coords: Vec<Coord<f64>> = g.coords_iter().collect();
        for c in &coords {
            self.grow(*c);
        }
        let mut out = std::mem::take(&mut self.buf);
        out.extend_from_slice(&self.family.code().to_le_bytes());
        if let Geometry::Point(p) = g {
            out.extend_from_slice(&p.x().to_le_bytes());
            out.extend_from_slice(&p.y().to_le_bytes());
            self.buf = out;
            return;
        }
        let bbox = g
            .bounding_rect()
            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
            .unwrap_or([0.0; 4]);
        for v in bbox {
            out.extend_from_slice(&v.to_le_bytes());
        }
        if let Geometry::MultiPoint(mp) = g {
            out.extend_from_slice(&(mp.0.len() as u32).to_le_bytes());
            for p in &mp.0 {
                out.extend_from_slice(&p.x().to_le_bytes());
                out.extend_from_slice(&p.y().to_le_bytes());
            }
            self.buf = out;
            return;
        }
        let parts: Vec<Vec<Coord<f64>>> = match g {
            Geometry::Line(l) => vec![vec![l.start, l.end]],
            Geometry::LineString(l) => vec![l.0.clone()],
            Geometry::MultiLineString(ml) => ml.0.iter().map(|l| l.0.clone()).collect(),
            Geometry::Polygon(p) => esri_rings(p),
            Geometry::MultiPolygon(mp) => mp.0.iter().flat_map(esri_rings).collect(),
            Geometry::Rect(r) => esri_rings(&r.to_polygon()),
            Geometry::Triangle(t) => esri_rings(&t.to_polygon()),
            _ => Vec::new(),
        };
        let n: usize = parts.iter().map(Vec::len).sum();
        out.extend_from_slice(&(parts.len() as u32).to_le_bytes());
        out.extend_from_slice(&(n as u32).to_le_bytes());
        let mut start = 0u32;
        for p in &parts {
            out.extend_from_slice(&start.to_le_bytes());
            start += p.len() as u32;
        }
        for p in &parts {
            for c in p {
                out.extend_from_slice(&c.x.to_le_bytes());
                out.extend_from_slice(&c.y.to_le_bytes());
            }
        }
        self.buf = out;
    }

    /// Writes the headers and the `.prj` and `.cpg`; returns the `.shp` target and its count.
    fn finish(&mut self, crs: Crs) -> std::io::Result<(PathBuf, Family, u64)> {
        use std::io::{Seek, SeekFrom};
        self.dbf.write_all(&[0x1A])?;
        let bbox = self.bbox.unwrap_or([0.0; 4]);
        let shx_words = 50 + 4 * u64::from(self.records);
        let header = |words: u64| -> std::io::Result<Vec<u8>> {
            let mut h = Vec::with_capacity(100);
            h.extend_from_slice(&9994i32.to_be_bytes());
            h.extend_from_slice(&[0u8; 20]);
            let w = u32::try_from(words).map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "the .shp would pass 4 GB, the format's limit",
                )
            })?;
            h.extend_from_slice(&w.to_be_bytes());
            h.extend_from_slice(&1000i32.to_le_bytes());
            h.extend_from_slice(&self.family.code().to_le_bytes());
            for v in bbox {
                h.extend_from_slice(&v.to_le_bytes());
            }
            h.extend_from_slice(&[0u8; 32]);
            Ok(h)
        };
        let shp_head = header(self.shp_words)?;
        let shx_head = header(shx_words)?;
        for (w, h) in [(&mut self.shp, shp_head), (&mut self.shx, shx_head)] {
            w.flush()?;
            let f = w.get_mut();
            f.seek(SeekFrom::Start(0))?;
            f.write_all(&h)?;
        }
        self.dbf.flush()?;
        let f = self.dbf.get_mut();
        f.seek(SeekFrom::Start(4))?;
        f.write_all(&self.records.to_le_bytes())?;
        std::fs::write(&self.parts[3].0, esri_wkt(crs))?;
        std::fs::write(&self.parts[4].0, "UTF-8")?;
        Ok((
            self.parts[0].1.clone(),
            self.family,
            u64::from(self.records),
        ))
    }
}

/// A polygon's rings as ESRI wants them: the outer ring clockwise, holes counter-clockwise.
fn esri_rings(p: &Polygon<f64>) -> Vec<Vec<Coord<f64>>> {
    let area2 = |r: &LineString<f64>| -> f64 {
        r.0.windows(2)
            .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
            .sum()
    };
    let mut out = Vec::with_capacity(1 + p.interiors().len());
    let mut ext = p.exterior().0.clone();
    if area2(p.exterior()) > 0.0 {
        ext.reverse();
    }
    out.push(ext);
    for h in p.interiors() {
        let mut r = h.0.clone();
        if area2(h) < 0.0 {
            r.reverse();
        }
        out.push(r);
    }
    out
}

/// The DBF header for `cols` and `records`.
fn dbf_header(cols: &[Column], records: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(33 + 32 * cols.len());
    h.push(0x03);
    // The date of the last update: fixed at 2000-01-01 so that the same layer writes the same bytes.
    h.extend_from_slice(&[100, 1, 1]);
    h.extend_from_slice(&records.to_le_bytes());
    let header_len = (32 + 32 * cols.len() + 1) as u16;
    let record_len = (1 + cols.iter().map(|c| c.length).sum::<usize>()) as u16;
    h.extend_from_slice(&header_len.to_le_bytes());
    h.extend_from_slice(&record_len.to_le_bytes());
    h.extend_from_slice(&[0u8; 17]);
    // Language driver 0: the .cpg says UTF-8.
    h.push(0);
    h.extend_from_slice(&[0u8; 2]);
    for c in cols {
        let mut name = [0u8; 11];
        for (i, b) in c.short.bytes().take(10).enumerate() {
            name[i] = b;
        }
        h.extend_from_slice(&name);
        h.push(c.kind);
        h.extend_from_slice(&[0u8; 4]);
        h.push(c.length as u8);
        h.push(c.decimals as u8);
        h.extend_from_slice(&[0u8; 14]);
    }
    h.push(0x0D);
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_ten_bytes_and_stay_unique() {
        let names: Vec<String> = [
            "tên",
            "diện_tích_ha",
            "diện_tích_đất",
            "so lao dong",
            "Số lao động",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let s = short_names(&names);
        assert_eq!(
            s,
            [
                "ten",
                "dien_tich_",
                "dien_tic_1",
                "so_lao_don",
                "so_lao_d_1",
                "field"
            ]
        );
        assert!(s.iter().all(|n| n.len() <= 10 && n.is_ascii()));
    }
}
