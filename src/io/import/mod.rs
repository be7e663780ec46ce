//! Reading outside data: GeoJSON (streamed feature by feature, never held whole), CSV with
//! coordinate columns, and a layer of another GeoPackage. Every problem names the feature or
//! the line; nothing here writes the project (see `import_layer`).

use super::crs::{Crs, CrsError, Transformer};
pub use super::encoding::{Choice, Encoding};
pub(crate) use super::feature::bad;
pub use super::feature::{ImportError, RawFeature, Value};
use super::geojson_in::GeoJsonReader;
pub use super::problem::{At, Part, Problem};
use super::shapefile::ShapefileIn;
pub use crate::model::value::FieldType;
pub use crate::store::batch::{Batch, Prepared};
use geo_types::{Coord, Geometry, LineString, Polygon};
use std::io::Read;
use std::path::{Path, PathBuf};

mod csv_in;
mod gpkg_in;

use csv_in::CsvIn;
pub use csv_in::{CSV_DELIMITERS, CsvLayout, csv_layout, is_csv_path};
use gpkg_in::GpkgIn;
pub use gpkg_in::gpkg_layers;

/// Where features come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    GeoJson(PathBuf),
    /// A delimited text file with coordinate columns.
    Csv {
        path: PathBuf,
        delimiter: u8,
        x: String,
        y: String,
    },
    /// A feature table of another GeoPackage.
    Gpkg {
        path: PathBuf,
        layer: String,
    },
    /// An ESRI Shapefile (the `.shp`; its `.shx`, `.dbf`, `.prj` and `.cpg` beside it), or
    /// Shapefile `member` of a `.zip` (the only one when `None`); its text in `encoding`, else
    /// the one chosen from its declaration and its text.
    Shapefile {
        path: PathBuf,
        member: Option<String>,
        encoding: Option<Encoding>,
    },
    /// A MapInfo MIF (its `.mid` beside it), text in `encoding`, else the chosen one.
    Mif {
        path: PathBuf,
        encoding: Option<Encoding>,
    },
    /// An AutoCAD DXF drawing (ASCII), text in `encoding`, else the chosen one.
    Dxf {
        path: PathBuf,
        encoding: Option<Encoding>,
    },
}

impl Source {
    /// The source for a file by its extension; CSV columns are found by name
    /// (lon/lat, longitude/latitude, x/y, kinh_do/vi_do) unless given.
    pub fn from_path(path: &Path, layer: Option<&str>) -> Result<Source, ImportError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "geojson" | "json" => Ok(Source::GeoJson(path.to_path_buf())),
            "csv" | "txt" | "tsv" => {
                let CsvLayout {
                    delimiter,
                    header,
                    x,
                    y,
                } = csv_layout(path, None)?;
                match (x, y) {
                    (Some(x), Some(y)) => Ok(Source::Csv {
                        path: path.to_path_buf(),
                        delimiter,
                        x,
                        y,
                    }),
                    _ => Err(bad(
                        At::file_line(path.display().to_string(), 1),
                        Problem::NoCoordinateColumns(header),
                    )),
                }
            }
            "gpkg" => {
                let layer = match layer {
                    Some(l) => l.to_string(),
                    None => {
                        let layers = gpkg_layers(path)?;
                        match layers.as_slice() {
                            [one] => one.clone(),
                            _ => {
                                return Err(bad(
                                    At::File(path.display().to_string()),
                                    Problem::ChooseLayer(layers),
                                ));
                            }
                        }
                    }
                };
                Ok(Source::Gpkg {
                    path: path.to_path_buf(),
                    layer,
                })
            }
            "dxf" => Ok(Source::Dxf {
                path: path.to_path_buf(),
                encoding: None,
            }),
            "mif" => Ok(Source::Mif {
                path: path.to_path_buf(),
                encoding: None,
            }),
            "tab" => Err(bad(At::File(path.display().to_string()), Problem::TabFile)),
            "shp" => Ok(Source::Shapefile {
                path: path.to_path_buf(),
                member: None,
                encoding: None,
            }),
            "zip" => {
                let members = super::shapefile::zip_members(path)?;
                let member = match (layer, members.as_slice()) {
                    (Some(l), _) => Some(l.to_string()),
                    (None, [_]) => None,
                    (None, []) => {
                        return Err(bad(
                            At::File(path.display().to_string()),
                            Problem::MissingPart(".shp".into()),
                        ));
                    }
                    (None, _) => {
                        return Err(bad(
                            At::File(path.display().to_string()),
                            Problem::ChooseLayer(members),
                        ));
                    }
                };
                Ok(Source::Shapefile {
                    path: path.to_path_buf(),
                    member,
                    encoding: None,
                })
            }
            other => Err(bad(
                At::File(path.display().to_string()),
                Problem::UnknownKind(other.to_string()),
            )),
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            Source::GeoJson(p)
            | Source::Csv { path: p, .. }
            | Source::Gpkg { path: p, .. }
            | Source::Shapefile { path: p, .. }
            | Source::Mif { path: p, .. }
            | Source::Dxf { path: p, .. } => p,
        }
    }

    /// The source with its text read in `encoding` (a no-op for sources that are Unicode).
    pub fn with_encoding(self, encoding: Option<Encoding>) -> Source {
        match self {
            Source::Shapefile { path, member, .. } => Source::Shapefile {
                path,
                member,
                encoding,
            },
            Source::Mif { path, .. } => Source::Mif { path, encoding },
            Source::Dxf { path, .. } => Source::Dxf { path, encoding },
            other => other,
        }
    }

    /// Whether the source holds text in an encoding to choose (the office formats).
    pub fn has_encoding(&self) -> bool {
        matches!(
            self,
            Source::Shapefile { .. } | Source::Mif { .. } | Source::Dxf { .. }
        )
    }
}

/// What a first pass over the source found.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    pub features: u64,
    pub fields: Vec<(String, FieldType)>,
    /// Raw coordinate box (min, max) in the source's units.
    pub bbox: Option<([f64; 2], [f64; 2])>,
    /// The system the file declares (GeoJSON `crs` member, GeoPackage SRS, `.prj`, CoordSys).
    pub declared: Option<Crs>,
    /// The system assumed when the format declares none (DXF).
    pub default: Option<Crs>,
    /// The GeoPackage geometry type name of all features (`GEOMETRY` when mixed or none).
    pub geometry_type: String,
}

impl Scan {
    /// The declared system, else the format's default, else a guess from the coordinate ranges.
    pub fn crs(&self) -> Option<Crs> {
        self.declared
            .or(self.default)
            .or_else(|| self.bbox.and_then(|(a, b)| Crs::guess(a, b)))
    }
}

fn io_err(path: &Path, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> ImportError {
    ImportError::Io {
        path: path.display().to_string(),
        source: e.into(),
    }
}

/// Reads the source once: count, fields and their types, coordinate box, declared system.
pub fn scan(source: &Source) -> Result<Scan, ImportError> {
    let mut s = Scan {
        features: 0,
        fields: Vec::new(),
        bbox: None,
        declared: None,
        default: None,
        geometry_type: String::new(),
    };
    let mut gtype = TypeOfAll::default();
    let (declared, default) = for_each_raw(source, &mut |_, f: RawFeature| {
        s.features += 1;
        for (k, v) in &f.attrs {
            match s.fields.iter_mut().find(|(n, _)| n == k) {
                Some((_, t)) => *t = t.merge(v),
                None => {
                    s.fields.push((k.clone(), FieldType::of(v)));
                }
            }
        }
        if let Some(g) = &f.geom {
            gtype.add(g);
            grow_bbox(&mut s.bbox, g);
        }
        Ok(())
    })?;
    s.declared = declared;
    s.default = default;
    s.geometry_type = gtype.get().unwrap_or("GEOMETRY").to_string();
    Ok(s)
}

/// The GeoPackage geometry type shared by the geometries seen: `None` before the first,
/// `GEOMETRY` once they differ.
#[derive(Debug, Clone, Copy, Default)]
struct TypeOfAll {
    first: Option<&'static str>,
    mixed: bool,
}

impl TypeOfAll {
    fn add(&mut self, g: &Geometry<f64>) {
        let t = geometry_type_name(g);
        match self.first {
            None => self.first = Some(t),
            Some(o) if o != t => self.mixed = true,
            _ => {}
        }
    }

    fn get(self) -> Option<&'static str> {
        self.first.map(|t| if self.mixed { "GEOMETRY" } else { t })
    }
}

/// Widens `bbox` (min, max) to every coordinate of `g`.
fn grow_bbox(bbox: &mut Option<([f64; 2], [f64; 2])>, g: &Geometry<f64>) {
    use geo::CoordsIter;
    for c in g.coords_iter() {
        let b = bbox.get_or_insert(([c.x, c.y], [c.x, c.y]));
        b.0 = [b.0[0].min(c.x), b.0[1].min(c.y)];
        b.1 = [b.1[0].max(c.x), b.1[1].max(c.y)];
    }
}

/// The GeoPackage geometry type name of a geometry.
pub fn geometry_type_name(g: &Geometry<f64>) -> &'static str {
    crate::store::geometry_kind(g)
}

/// `g` in WGS 84, from the source system of `t`; a coordinate outside it is the problem of the
/// feature `at`.
pub(crate) fn to_wgs84(
    g: Geometry<f64>,
    t: &Transformer,
    at: At,
) -> Result<Geometry<f64>, ImportError> {
    let mut g = g;
    each_coord(&mut g, &mut |c: &mut Coord<f64>| -> Result<(), CrsError> {
        let (x, y) = t.to_wgs84(c.x, c.y)?;
        *c = Coord { x, y };
        Ok(())
    })
    .map(|()| g)
    .map_err(|e| {
        bad(
            at,
            Problem::CoordinateOutside {
                crs: t.crs().name().to_string(),
                detail: e.to_string(),
            },
        )
    })
}

/// Calls `f` on every coordinate of `g`, in place (no geometry is copied); stops at the first
/// error.
fn each_coord<E>(
    g: &mut Geometry<f64>,
    f: &mut dyn FnMut(&mut Coord<f64>) -> Result<(), E>,
) -> Result<(), E> {
    let line = |l: &mut LineString<f64>, f: &mut dyn FnMut(&mut Coord<f64>) -> Result<(), E>| {
        l.0.iter_mut().try_for_each(&mut *f)
    };
    let poly = |p: &mut Polygon<f64>, f: &mut dyn FnMut(&mut Coord<f64>) -> Result<(), E>| {
        let mut r = Ok(());
        p.exterior_mut(|l| r = line(l, f));
        if r.is_ok() {
            p.interiors_mut(|ls| r = ls.iter_mut().try_for_each(|l| line(l, f)));
        }
        r
    };
    match g {
        Geometry::Point(p) => f(&mut p.0),
        Geometry::Line(l) => {
            f(&mut l.start)?;
            f(&mut l.end)
        }
        Geometry::LineString(l) => line(l, f),
        Geometry::Polygon(p) => poly(p, f),
        Geometry::MultiPoint(m) => m.0.iter_mut().try_for_each(|p| f(&mut p.0)),
        Geometry::MultiLineString(m) => m.0.iter_mut().try_for_each(|l| line(l, f)),
        Geometry::MultiPolygon(m) => m.0.iter_mut().try_for_each(|p| poly(p, f)),
        Geometry::GeometryCollection(c) => c.0.iter_mut().try_for_each(|g| each_coord(g, f)),
        Geometry::Rect(r) => {
            let (mut a, mut b) = (r.min(), r.max());
            f(&mut a)?;
            f(&mut b)?;
            *r = geo_types::Rect::new(a, b);
            Ok(())
        }
        Geometry::Triangle(t) => {
            let mut v = t.to_array();
            v.iter_mut().try_for_each(&mut *f)?;
            *t = geo_types::Triangle::from(v);
            Ok(())
        }
    }
}

/// Rings closed and long enough, coordinates finite.
pub fn check_geometry(g: &Geometry<f64>) -> Result<(), Problem> {
    use geo::CoordsIter;
    if g.coords_iter()
        .any(|c| !c.x.is_finite() || !c.y.is_finite())
    {
        return Err(Problem::NonFiniteCoordinate);
    }
    let ring_ok = |r: &LineString<f64>| -> Result<(), Problem> {
        if r.0.len() < 4 {
            return Err(Problem::RingTooShort(r.0.len()));
        }
        if r.0.first() != r.0.last() {
            return Err(Problem::RingNotClosed);
        }
        Ok(())
    };
    let poly_ok = |p: &Polygon<f64>| -> Result<(), Problem> {
        ring_ok(p.exterior())?;
        p.interiors().iter().try_for_each(ring_ok)
    };
    match g {
        Geometry::Polygon(p) => poly_ok(p),
        Geometry::MultiPolygon(mp) => mp.0.iter().try_for_each(poly_ok),
        Geometry::LineString(l) if l.0.len() < 2 => Err(Problem::LineTooShort),
        Geometry::MultiLineString(ml) if ml.0.iter().any(|l| l.0.len() < 2) => {
            Err(Problem::LineTooShort)
        }
        Geometry::GeometryCollection(_) => Err(Problem::Collection),
        _ => Ok(()),
    }
}

/// Pulls raw features out of any source, one at a time.
pub struct Reader {
    inner: Inner,
    /// 1-based number of the last feature handed out.
    n: u64,
}

enum Inner {
    GeoJson {
        r: Box<GeoJsonReader<std::fs::File>>,
        size: u64,
    },
    Csv(Box<CsvIn>),
    Gpkg(Box<GpkgIn>),
    /// Shapefile, MapInfo MIF, DXF.
    Office(Box<dyn super::office::OfficeReader>),
}

impl Reader {
    pub fn open(source: &Source) -> Result<Reader, ImportError> {
        let inner = match source {
            Source::GeoJson(p) => {
                let file = crate::fsutil::open_input(p).map_err(|e| io_err(p, e))?;
                let size = file.metadata().map(|m| m.len()).unwrap_or(0);
                Inner::GeoJson {
                    r: Box::new(GeoJsonReader::new(file, &p.display().to_string())),
                    size,
                }
            }
            Source::Csv {
                path,
                delimiter,
                x,
                y,
            } => Inner::Csv(Box::new(CsvIn::open(path, *delimiter, x, y)?)),
            Source::Gpkg { path, layer } => Inner::Gpkg(Box::new(GpkgIn::open(path, layer)?)),
            Source::Shapefile {
                path,
                member,
                encoding,
            } => Inner::Office(Box::new(ShapefileIn::open_member(
                path,
                member.as_deref(),
                *encoding,
            )?)),
            Source::Mif { path, encoding } => {
                Inner::Office(Box::new(super::mif::MifIn::open(path, *encoding)?))
            }
            Source::Dxf { path, encoding } => {
                Inner::Office(Box::new(super::dxf::DxfIn::open(path, *encoding)?))
            }
        };
        Ok(Reader { inner, n: 0 })
    }

    /// The next feature in the source's own coordinates, `None` after the last.
    pub fn next_raw(&mut self) -> Result<Option<RawFeature>, ImportError> {
        let f = match &mut self.inner {
            Inner::GeoJson { r, .. } => r.next_feature()?,
            Inner::Csv(c) => c.next(self.n + 1)?,
            Inner::Gpkg(g) => g.next(self.n + 1)?,
            Inner::Office(s) => s.next_feature()?,
        };
        if f.is_some() {
            self.n += 1;
        }
        Ok(f)
    }

    /// How feature `n` is named in messages.
    pub fn at(&self, n: u64) -> At {
        match self.inner {
            Inner::Csv(_) => At::line(n + 1),
            _ => At::feature(n),
        }
    }

    /// The coordinate system the source declares (for GeoJSON, once its `crs` member is read).
    pub fn declared(&self) -> Option<Crs> {
        match &self.inner {
            Inner::GeoJson { r, .. } => r.declared(),
            Inner::Csv(_) => None,
            Inner::Gpkg(g) => Some(g.crs),
            Inner::Office(s) => match s.declaration() {
                Some(Ok(d)) => Some(d.crs),
                _ => None,
            },
        }
    }

    /// A declaration the source makes that qn-planner cannot read (a `.prj` of another
    /// datum): the import then needs a system given, never a guess.
    pub fn unread_declaration(&self) -> Option<String> {
        match &self.inner {
            Inner::Office(s) => match s.declaration() {
                Some(Err(u)) => Some(u.what.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// The system assumed for a format that declares none (DXF).
    pub fn default_crs(&self) -> Option<Crs> {
        match &self.inner {
            Inner::Office(s) => s.default_crs(),
            _ => None,
        }
    }

    /// The encoding the text is read in, and why (office formats only).
    pub fn encoding(&self) -> Option<Choice> {
        match &self.inner {
            Inner::Office(s) => Some(s.encoding().clone()),
            _ => None,
        }
    }

    /// What reading noticed and did (Z values dropped, capitals recased, notes on the
    /// declared system).
    pub fn notes(&self) -> Vec<String> {
        match &self.inner {
            Inner::Office(s) => {
                let mut n = match s.declaration() {
                    Some(Ok(d)) => d.notes.clone(),
                    _ => Vec::new(),
                };
                n.extend(s.notes());
                n
            }
            _ => Vec::new(),
        }
    }

    /// The share of the source read so far, 0 to 1.
    pub fn fraction(&self) -> f64 {
        let (done, total) = match &self.inner {
            Inner::GeoJson { r, size } => (r.consumed(), *size),
            Inner::Csv(c) => (c.r.position().byte(), c.size),
            Inner::Gpkg(g) => (self.n, g.total),
            Inner::Office(s) => s.position(),
        };
        if total == 0 {
            0.0
        } else {
            (done as f64 / total as f64).min(1.0)
        }
    }
}

/// The first records of an office file as they will be imported: for the import window.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub encoding: Choice,
    pub fields: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// A declared coordinate system qn-planner cannot read.
    pub unread_crs: Option<String>,
}

/// The first `n` records of `source` decoded, if it is an office file (else `None`).
pub fn preview(source: &Source, n: usize) -> Result<Option<Preview>, ImportError> {
    if !source.has_encoding() {
        return Ok(None);
    }
    let mut r = Reader::open(source)?;
    let mut fields: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    while rows.len() < n {
        let Some(f) = r.next_raw()? else {
            break;
        };
        if fields.is_empty() {
            fields = f.attrs.iter().map(|(k, _)| k.clone()).collect();
        }
        rows.push(
            f.attrs
                .into_iter()
                .map(|(_, v)| match v {
                    Value::Null => String::new(),
                    Value::Int(i) => i.to_string(),
                    Value::Real(x) => x.to_string(),
                    Value::Text(t) => t,
                })
                .collect(),
        );
    }
    Ok(r.encoding().map(|encoding| Preview {
        encoding,
        fields,
        rows,
        unread_crs: r.unread_declaration(),
    }))
}

/// Calls `f` for every raw feature; returns the declared coordinate system if any, and the
/// format's default.
fn for_each_raw(
    source: &Source,
    f: &mut dyn FnMut(u64, RawFeature) -> Result<(), ImportError>,
) -> Result<(Option<Crs>, Option<Crs>), ImportError> {
    let mut r = Reader::open(source)?;
    while let Some(feat) = r.next_raw()? {
        f(r.n, feat)?;
    }
    Ok((r.declared(), r.default_crs()))
}

/// Streams the features of GeoJSON text from `reader` (`path` names it in messages); returns
/// the coordinate system its `crs` member declares. Public for the fuzz target.
pub fn geojson_read<R: Read>(
    reader: R,
    path: &Path,
    f: &mut dyn FnMut(u64, RawFeature) -> Result<(), ImportError>,
) -> Result<Option<Crs>, ImportError> {
    let mut r = GeoJsonReader::new(reader, &path.display().to_string());
    let mut n = 0;
    while let Some(feat) = r.next_feature()? {
        n += 1;
        f(n, feat)?;
    }
    Ok(r.declared())
}

/// How the coordinate system of an import was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrsFrom {
    Given,
    Declared,
    Guessed,
    /// The format declares none and has a default (DXF: VN-2000 / TM-3 107°45′).
    Default,
}

impl CrsFrom {
    pub fn describe(self) -> &'static str {
        match self {
            CrsFrom::Given => "given",
            CrsFrom::Declared => "declared by the file",
            CrsFrom::Guessed => "guessed from the coordinate ranges",
            CrsFrom::Default => {
                "assumed: a DXF declares no coordinate system (give --crs for another)"
            }
        }
    }
}

/// What reading the whole source found.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadSummary {
    pub features: u64,
    /// Every field with the type of all its values.
    pub fields: Vec<(String, FieldType)>,
    pub geometry_type: String,
    pub crs: Crs,
    pub crs_from: CrsFrom,
    /// The encoding the text was read in, and why (office formats).
    pub encoding: Option<Choice>,
    /// What reading noticed and did.
    pub notes: Vec<String>,
}

/// The coordinate system to read `r` in: `crs` if given, else the declared one, else a guess
/// from the ranges of the first features (returned, read but not yet used).
pub(crate) fn choose_crs(
    r: &mut Reader,
    source: &Source,
    crs: Option<Crs>,
) -> Result<((Crs, CrsFrom), Vec<RawFeature>), ImportError> {
    let mut pending: Vec<RawFeature> = Vec::new();
    let chosen = match crs {
        Some(c) => (c, CrsFrom::Given),
        None => {
            while pending.len() < GUESS_SAMPLE {
                match r.next_raw()? {
                    Some(f) => pending.push(f),
                    None => break,
                }
            }
            if let Some(what) = r.unread_declaration() {
                return Err(bad(
                    At::File(source.path().display().to_string()),
                    Problem::UnreadDeclaration(what),
                ));
            }
            match (r.declared(), r.default_crs()) {
                (Some(c), _) => (c, CrsFrom::Declared),
                (None, Some(d)) => (d, CrsFrom::Default),
                (None, None) => {
                    let mut bbox: Option<([f64; 2], [f64; 2])> = None;
                    for g in pending.iter().filter_map(|f| f.geom.as_ref()) {
                        grow_bbox(&mut bbox, g);
                    }
                    match bbox.and_then(|(a, b)| Crs::guess(a, b)) {
                        Some(c) => (c, CrsFrom::Guessed),
                        None => {
                            return Err(ImportError::UnknownCrs(
                                source.path().display().to_string(),
                            ));
                        }
                    }
                }
            }
        }
    };
    Ok((chosen, pending))
}

/// Features read before guessing a coordinate system from their ranges.
const GUESS_SAMPLE: usize = 1000;
const BATCH: usize = 1000;

/// Reads `source` once, checking, converting to WGS84 and encoding every feature, and hands
/// them to `send` in batches (`send` returns false to stop). With no `crs`, the system is
/// the one the file declares or, failing that, a guess from the first features.
pub fn read_prepared(
    source: &Source,
    crs: Option<Crs>,
    cancel: &std::sync::atomic::AtomicBool,
    send: &mut dyn FnMut(Batch) -> bool,
) -> Result<ReadSummary, ImportError> {
    use std::sync::atomic::Ordering;
    let mut r = Reader::open(source)?;
    let ((crs, crs_from), pending) = choose_crs(&mut r, source, crs)?;
    let t = Transformer::new(crs).map_err(|e| ImportError::Crs(e.to_string()))?;
    let mut fields: Vec<(String, FieldType)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = Default::default();
    let mut gtype = TypeOfAll::default();
    let mut batch = Batch {
        new_fields: Vec::new(),
        rows: Vec::with_capacity(BATCH),
        fraction: 0.0,
        geometry_type: None,
    };
    let mut n = 0u64;
    let mut pending = pending.into_iter();
    loop {
        let feat = match pending.next() {
            Some(f) => f,
            None => match r.next_raw()? {
                Some(f) => f,
                None => break,
            },
        };
        n += 1;
        if n.is_multiple_of(500) && cancel.load(Ordering::Relaxed) {
            return Err(ImportError::Cancelled);
        }
        let (blob, envelope) = match feat.geom {
            None => (None, None),
            Some(g) => {
                check_geometry(&g).map_err(|m| bad(r.at(n), m))?;
                use geo::BoundingRect;
                let g = to_wgs84(g, &t, r.at(n))?;
                let g = crate::model::oriented(g);
                gtype.add(&g);
                let env = g
                    .bounding_rect()
                    .map(|b| [b.min().x, b.max().x, b.min().y, b.max().y]);
                (
                    Some(crate::store::geom::encode(&g, crate::store::SRS_WGS84)),
                    env,
                )
            }
        };
        let mut values: Vec<Value> = Vec::with_capacity(fields.len());
        for (pos, (k, v)) in feat.attrs.into_iter().enumerate() {
            // Most files give every feature the same fields in the same order: no hashing then.
            let known = match fields.get(pos) {
                Some((name, _)) if *name == k => Some(pos),
                _ => index.get(&k).copied(),
            };
            let i = match known {
                Some(i) => {
                    fields[i].1 = fields[i].1.merge(&v);
                    i
                }
                None => {
                    let t = FieldType::of(&v);
                    index.insert(k.clone(), fields.len());
                    fields.push((k.clone(), t));
                    batch.new_fields.push((k, t));
                    fields.len() - 1
                }
            };
            if values.len() <= i {
                values.resize(i + 1, Value::Null);
            }
            values[i] = v;
        }
        batch.rows.push(Prepared {
            blob,
            envelope,
            values,
        });
        if batch.rows.len() == BATCH {
            batch.fraction = r.fraction();
            batch.geometry_type = gtype.get();
            for (name, t) in &mut batch.new_fields {
                *t = fields[index[name.as_str()]].1;
            }
            let full = std::mem::replace(
                &mut batch,
                Batch {
                    new_fields: Vec::new(),
                    rows: Vec::with_capacity(BATCH),
                    fraction: 0.0,
                    geometry_type: None,
                },
            );
            if !send(full) {
                return Err(ImportError::Cancelled);
            }
        }
    }
    batch.fraction = 1.0;
    batch.geometry_type = gtype.get();
    for (name, t) in &mut batch.new_fields {
        *t = fields[index[name.as_str()]].1;
    }
    if !send(batch) {
        return Err(ImportError::Cancelled);
    }
    if crs_from == CrsFrom::Guessed
        && let Some(d) = r.declared()
        && d != crs
    {
        return Err(ImportError::DeclaredAfter(d));
    }
    Ok(ReadSummary {
        features: n,
        fields,
        geometry_type: gtype.get().unwrap_or("GEOMETRY").to_string(),
        crs,
        crs_from: if crs_from == CrsFrom::Guessed && r.declared().is_some() {
            CrsFrom::Declared
        } else {
            crs_from
        },
        encoding: r.encoding(),
        notes: r.notes(),
    })
}
