//! Reading outside data: GeoJSON (streamed feature by feature, never held whole), CSV with
//! coordinate columns, and a layer of another GeoPackage. Every problem names the feature or
//! the line; nothing here writes the project (see `store::ProjectFile::import_reference_layer`).

use super::crs::{Crs, Transformer};
use crate::model::text::nfc;
use geo_types::{Coord, Geometry, LineString, Polygon};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{path}: {msg}")]
    Io { path: String, msg: String },
    #[error("{at}: {msg}")]
    Bad { at: String, msg: String },
    #[error("coordinate system: {0}")]
    Crs(String),
    #[error("the import was cancelled; the project is unchanged")]
    Cancelled,
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

fn bad(at: impl Into<String>, msg: impl Into<String>) -> ImportError {
    ImportError::Bad {
        at: at.into(),
        msg: msg.into(),
    }
}

/// An attribute value of an imported feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl From<rusqlite::types::Value> for Value {
    /// A SQLite value as an attribute; blobs have no attribute form and read as null.
    fn from(v: rusqlite::types::Value) -> Value {
        use rusqlite::types::Value as S;
        match v {
            S::Null | S::Blob(_) => Value::Null,
            S::Integer(i) => Value::Int(i),
            S::Real(r) => Value::Real(r),
            S::Text(t) => Value::Text(t),
        }
    }
}

impl From<Value> for rusqlite::types::Value {
    fn from(v: Value) -> rusqlite::types::Value {
        use rusqlite::types::Value as S;
        match v {
            Value::Null => S::Null,
            Value::Int(i) => S::Integer(i),
            Value::Real(r) => S::Real(r),
            Value::Text(t) => S::Text(t),
        }
    }
}

/// The kind of a field, from the values seen in the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Integer,
    Real,
    Text,
}

impl FieldType {
    fn merge(self, v: &Value) -> FieldType {
        match (self, v) {
            (t, Value::Null) => t,
            (FieldType::Integer, Value::Int(_)) => FieldType::Integer,
            (FieldType::Integer | FieldType::Real, Value::Real(_) | Value::Int(_)) => {
                FieldType::Real
            }
            _ => FieldType::Text,
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            FieldType::Integer => "INTEGER",
            FieldType::Real => "DOUBLE",
            FieldType::Text => "TEXT",
        }
    }
}

/// One feature as read, in the source's coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFeature {
    pub geom: Option<Geometry<f64>>,
    pub attrs: Vec<(String, Value)>,
}

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
                let delimiter = if ext == "tsv" {
                    b'\t'
                } else {
                    sniff_delimiter(path)?
                };
                let header = csv_header(path, delimiter)?;
                let find = |names: &[&str]| {
                    header
                        .iter()
                        .find(|h| names.contains(&crate::model::text::fold(h).as_str()))
                        .cloned()
                };
                let x = find(&[
                    "lon",
                    "lng",
                    "long",
                    "longitude",
                    "x",
                    "kinh do",
                    "kinh_do",
                    "easting",
                    "e",
                ]);
                let y = find(&["lat", "latitude", "y", "vi do", "vi_do", "northing", "n"]);
                match (x, y) {
                    (Some(x), Some(y)) => Ok(Source::Csv {
                        path: path.to_path_buf(),
                        delimiter,
                        x,
                        y,
                    }),
                    _ => Err(bad(
                        format!("{} line 1", path.display()),
                        format!(
                            "no coordinate columns found among {header:?} (name them lon/lat or x/y)"
                        ),
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
                                    path.display().to_string(),
                                    format!("choose one of its layers: {}", layers.join(", ")),
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
            other => Err(bad(
                path.display().to_string(),
                format!("unknown kind of file '.{other}' (GeoJSON, CSV or GeoPackage)"),
            )),
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            Source::GeoJson(p) | Source::Csv { path: p, .. } | Source::Gpkg { path: p, .. } => p,
        }
    }
}

/// What a first pass over the source found.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    pub features: u64,
    pub fields: Vec<(String, FieldType)>,
    /// Raw coordinate box (min, max) in the source's units.
    pub bbox: Option<([f64; 2], [f64; 2])>,
    /// The system the file declares (GeoJSON `crs` member, GeoPackage SRS).
    pub declared: Option<Crs>,
    /// The GeoPackage geometry type name of all features (`GEOMETRY` when mixed or none).
    pub geometry_type: String,
}

impl Scan {
    /// The declared system, else a guess from the coordinate ranges.
    pub fn crs(&self) -> Option<Crs> {
        self.declared
            .or_else(|| self.bbox.and_then(|(a, b)| Crs::guess(a, b)))
    }
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> ImportError {
    ImportError::Io {
        path: path.display().to_string(),
        msg: e.to_string(),
    }
}

/// Reads the source once: count, fields and their types, coordinate box, declared system.
pub fn scan(source: &Source) -> Result<Scan, ImportError> {
    let mut s = Scan {
        features: 0,
        fields: Vec::new(),
        bbox: None,
        declared: None,
        geometry_type: String::new(),
    };
    let mut gtype: Option<&'static str> = None;
    let mut mixed = false;
    let declared = for_each_raw(source, &mut |_, f: RawFeature| {
        s.features += 1;
        for (k, v) in &f.attrs {
            match s.fields.iter_mut().find(|(n, _)| n == k) {
                Some((_, t)) => *t = t.merge(v),
                None => {
                    let t = match v {
                        Value::Int(_) | Value::Null => FieldType::Integer,
                        Value::Real(_) => FieldType::Real,
                        Value::Text(_) => FieldType::Text,
                    };
                    s.fields.push((k.clone(), t));
                }
            }
        }
        if let Some(g) = &f.geom {
            let t = geometry_type_name(g);
            match gtype {
                None => gtype = Some(t),
                Some(o) if o != t => mixed = true,
                _ => {}
            }
            use geo::CoordsIter;
            for c in g.coords_iter() {
                let b = s.bbox.get_or_insert(([c.x, c.y], [c.x, c.y]));
                b.0 = [b.0[0].min(c.x), b.0[1].min(c.y)];
                b.1 = [b.1[0].max(c.x), b.1[1].max(c.y)];
            }
        }
        Ok(())
    })?;
    s.declared = declared;
    s.geometry_type = match gtype {
        Some(t) if !mixed => t.to_string(),
        _ => "GEOMETRY".to_string(),
    };
    Ok(s)
}

/// The GeoPackage geometry type name of a geometry.
pub fn geometry_type_name(g: &Geometry<f64>) -> &'static str {
    use geo_types::Geometry as G;
    match g {
        G::Point(_) => "POINT",
        G::MultiPoint(_) => "MULTIPOINT",
        G::Line(_) | G::LineString(_) => "LINESTRING",
        G::MultiLineString(_) => "MULTILINESTRING",
        G::Polygon(_) | G::Rect(_) | G::Triangle(_) => "POLYGON",
        G::MultiPolygon(_) => "MULTIPOLYGON",
        G::GeometryCollection(_) => "GEOMETRYCOLLECTION",
    }
}

/// Reads every feature, converts it to WGS84 and checks it, calling `f` with its 1-based
/// number. Stops at the first problem with a message naming the feature or line.
pub fn for_each_feature(
    source: &Source,
    crs: Crs,
    f: &mut dyn FnMut(u64, RawFeature) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let t = Transformer::new(crs).map_err(|e| ImportError::Crs(e.to_string()))?;
    let what = |n: u64| match source {
        Source::Csv { .. } => format!("line {}", n + 1),
        _ => format!("feature {n}"),
    };
    for_each_raw(source, &mut |n, mut feat: RawFeature| {
        if let Some(g) = feat.geom.take() {
            check_geometry(&g).map_err(|m| bad(what(n), m))?;
            use geo::MapCoords;
            let g2 = g
                .try_map_coords(|c: Coord<f64>| t.to_wgs84(c.x, c.y).map(|(x, y)| Coord { x, y }))
                .map_err(|e| bad(what(n), format!("coordinate outside {}: {e}", crs.name())))?;
            feat.geom = Some(crate::model::oriented(g2));
        }
        f(n, feat)
    })?;
    Ok(())
}

/// Rings closed and long enough, coordinates finite.
pub fn check_geometry(g: &Geometry<f64>) -> Result<(), String> {
    use geo::CoordsIter;
    if g.coords_iter()
        .any(|c| !c.x.is_finite() || !c.y.is_finite())
    {
        return Err("a coordinate is not a finite number".into());
    }
    let ring_ok = |r: &LineString<f64>| -> Result<(), String> {
        if r.0.len() < 4 {
            return Err(format!(
                "a polygon ring has {} positions (at least 4 needed)",
                r.0.len()
            ));
        }
        if r.0.first() != r.0.last() {
            return Err("a polygon ring is not closed (first and last positions differ)".into());
        }
        Ok(())
    };
    let poly_ok = |p: &Polygon<f64>| -> Result<(), String> {
        ring_ok(p.exterior())?;
        p.interiors().iter().try_for_each(ring_ok)
    };
    match g {
        Geometry::Polygon(p) => poly_ok(p),
        Geometry::MultiPolygon(mp) => mp.0.iter().try_for_each(poly_ok),
        Geometry::LineString(l) if l.0.len() < 2 => Err("a line has fewer than 2 positions".into()),
        Geometry::MultiLineString(ml) if ml.0.iter().any(|l| l.0.len() < 2) => {
            Err("a line has fewer than 2 positions".into())
        }
        Geometry::GeometryCollection(_) => Err("geometry collections are not supported".into()),
        _ => Ok(()),
    }
}

/// Polygon rings as written in the file (conversion to geo would close them silently).
fn check_rings(v: &geojson::GeometryValue) -> Result<(), String> {
    use geojson::GeometryValue as V;
    let ring = |r: &Vec<geojson::Position>| -> Result<(), String> {
        if r.len() < 4 {
            return Err(format!(
                "a polygon ring has {} positions (at least 4 needed)",
                r.len()
            ));
        }
        if r.first() != r.last() {
            return Err("a polygon ring is not closed (first and last positions differ)".into());
        }
        Ok(())
    };
    match v {
        V::Polygon { coordinates } => coordinates.iter().try_for_each(ring),
        V::MultiPolygon { coordinates } => coordinates.iter().flatten().try_for_each(ring),
        V::GeometryCollection { geometries } => {
            geometries.iter().try_for_each(|g| check_rings(&g.value))
        }
        _ => Ok(()),
    }
}

/// Calls `f` for every raw feature; returns the declared coordinate system if any.
fn for_each_raw(
    source: &Source,
    f: &mut dyn FnMut(u64, RawFeature) -> Result<(), ImportError>,
) -> Result<Option<Crs>, ImportError> {
    match source {
        Source::GeoJson(p) => geojson_stream(p, f),
        Source::Csv {
            path,
            delimiter,
            x,
            y,
        } => csv_rows(path, *delimiter, x, y, f).map(|_| None),
        Source::Gpkg { path, layer } => gpkg_rows(path, layer, f),
    }
}

fn json_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Int(i64::from(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => n.as_f64().map(Value::Real).unwrap_or(Value::Null),
        },
        serde_json::Value::String(s) => Value::Text(nfc(s)),
        other => Value::Text(other.to_string()),
    }
}

/// Streams a FeatureCollection: each element of `features` is parsed and handed on, then
/// dropped, so a 90 MB file never sits in memory whole.
fn geojson_stream(
    path: &Path,
    f: &mut dyn FnMut(u64, RawFeature) -> Result<(), ImportError>,
) -> Result<Option<Crs>, ImportError> {
    let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let reader = BufReader::with_capacity(1 << 20, file);
    geojson_read(reader, path, f)
}

/// Streams the features of GeoJSON text from `reader` (`path` names it in messages); returns
/// the coordinate system its `crs` member declares. Public for the fuzz target.
pub fn geojson_read<R: Read>(
    reader: R,
    path: &Path,
    f: &mut dyn FnMut(u64, RawFeature) -> Result<(), ImportError>,
) -> Result<Option<Crs>, ImportError> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut state = StreamState {
        f,
        count: 0,
        error: None,
        crs: None,
        typ: None,
    };
    let result = (&mut de).deserialize_map(TopVisitor(&mut state));
    if let Some(e) = state.error.take() {
        return Err(e);
    }
    match result {
        Ok(()) => {}
        Err(e) => {
            let at = if state.count > 0 {
                format!(
                    "{} line {} column {} (after feature {})",
                    path.display(),
                    e.line(),
                    e.column(),
                    state.count
                )
            } else {
                format!("{} line {} column {}", path.display(), e.line(), e.column())
            };
            return Err(bad(at, e.to_string()));
        }
    }
    de.end().map_err(|e| {
        bad(
            format!("{} line {}", path.display(), e.line()),
            e.to_string(),
        )
    })?;
    if state.typ.as_deref() != Some("FeatureCollection") {
        return Err(bad(
            path.display().to_string(),
            format!(
                "expected a GeoJSON FeatureCollection, found type {:?}",
                state.typ.unwrap_or_default()
            ),
        ));
    }
    Ok(state.crs)
}

struct StreamState<'a> {
    f: &'a mut dyn FnMut(u64, RawFeature) -> Result<(), ImportError>,
    count: u64,
    error: Option<ImportError>,
    crs: Option<Crs>,
    typ: Option<String>,
}

struct TopVisitor<'a, 'b>(&'a mut StreamState<'b>);

impl<'de> Visitor<'de> for TopVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a GeoJSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => self.0.typ = Some(map.next_value::<String>()?),
                "features" => map.next_value_seed(FeaturesSeed(&mut *self.0))?,
                "crs" => {
                    let v: serde_json::Value = map.next_value()?;
                    let name = v
                        .pointer("/properties/name")
                        .and_then(|n| n.as_str())
                        .unwrap_or_default();
                    match Crs::parse(name) {
                        Some(c) => self.0.crs = Some(c),
                        None => {
                            return Err(serde::de::Error::custom(format!(
                                "the crs member names {name:?}, which qn-planner does not read (EPSG:4326, 4756, 5899, 3405, 3406)"
                            )));
                        }
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct FeaturesSeed<'a, 'b>(&'a mut StreamState<'b>);

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let n = self.0.count + 1;
            // Straight from the stream into a Feature: no intermediate JSON tree.
            let mut feature = match seq.next_element::<geojson::Feature>() {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => {
                    self.0.error = Some(bad(format!("feature {n}"), e.to_string()));
                    return Err(e);
                }
            };
            self.0.count = n;
            if let Some(g) = &feature.geometry
                && let Err(m) = check_rings(&g.value)
            {
                self.0.error = Some(bad(format!("feature {n}"), m));
                return Err(serde::de::Error::custom("stopped"));
            }
            let geom = match feature.geometry.take() {
                None => None,
                Some(g) => match Geometry::<f64>::try_from(g) {
                    Ok(g) => Some(g),
                    Err(e) => {
                        self.0.error = Some(bad(format!("feature {n}"), e.to_string()));
                        return Err(serde::de::Error::custom("stopped"));
                    }
                },
            };
            let attrs = feature
                .properties
                .iter()
                .flat_map(|m| m.iter())
                .map(|(k, v)| (nfc(k), json_value(v)))
                .collect();
            if let Err(e) = (self.0.f)(n, RawFeature { geom, attrs }) {
                self.0.error = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

fn sniff_delimiter(path: &Path) -> Result<u8, ImportError> {
    let mut first = String::new();
    let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let mut buf = Vec::new();
    file.take(64 * 1024)
        .read_to_end(&mut buf)
        .map_err(|e| io_err(path, e))?;
    first.push_str(&String::from_utf8_lossy(&buf));
    let line = first.lines().next().unwrap_or_default();
    Ok([b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| line.matches(*d as char).count())
        .unwrap_or(b','))
}

fn csv_header(path: &Path, delimiter: u8) -> Result<Vec<String>, ImportError> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_path(path)
        .map_err(|e| io_err(path, e))?;
    let h = r
        .headers()
        .map_err(|e| bad(format!("{} line 1", path.display()), e.to_string()))?;
    Ok(h.iter().map(nfc).collect())
}

fn csv_rows(
    path: &Path,
    delimiter: u8,
    x: &str,
    y: &str,
    f: &mut dyn FnMut(u64, RawFeature) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_path(path)
        .map_err(|e| io_err(path, e))?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| bad(format!("{} line 1", path.display()), e.to_string()))?
        .iter()
        .map(nfc)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(xi), Some(yi)) = (col(x), col(y)) else {
        return Err(bad(
            format!("{} line 1", path.display()),
            format!("no column {x:?} or {y:?}"),
        ));
    };
    for (i, rec) in r.records().enumerate() {
        let n = i as u64 + 1;
        let line = i + 2;
        let rec = rec.map_err(|e| bad(format!("line {line}"), e.to_string()))?;
        let num = |k: usize, name: &str| -> Result<f64, ImportError> {
            let t = rec.get(k).unwrap_or_default().trim().replace(',', ".");
            let v: f64 = t.parse().map_err(|_| {
                bad(
                    format!("line {line}"),
                    format!("{name} {t:?} is not a number"),
                )
            })?;
            if !v.is_finite() {
                return Err(bad(
                    format!("line {line}"),
                    format!("{name} {t:?} is not a finite number"),
                ));
            }
            Ok(v)
        };
        let (vx, vy) = (num(xi, x)?, num(yi, y)?);
        let attrs = header
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != xi && *k != yi)
            .map(|(k, h)| {
                let t = nfc(rec.get(k).unwrap_or_default());
                let v = if t.is_empty() {
                    Value::Null
                } else if let Ok(i) = t.parse::<i64>() {
                    Value::Int(i)
                } else if let Ok(r) = t.parse::<f64>() {
                    if r.is_finite() {
                        Value::Real(r)
                    } else {
                        Value::Text(t)
                    }
                } else {
                    Value::Text(t)
                };
                (h.clone(), v)
            })
            .collect();
        f(
            n,
            RawFeature {
                geom: Some(Geometry::Point(geo_types::Point::new(vx, vy))),
                attrs,
            },
        )?;
    }
    Ok(())
}

/// The feature tables of a GeoPackage.
pub fn gpkg_layers(path: &Path) -> Result<Vec<String>, ImportError> {
    let c = open_gpkg(path)?;
    let mut stmt = c
        .prepare(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name",
        )
        .map_err(|e| io_err(path, e))?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|r| r.collect::<Result<Vec<_>, _>>())
        .map_err(|e| io_err(path, e))?;
    Ok(rows)
}

fn open_gpkg(path: &Path) -> Result<rusqlite::Connection, ImportError> {
    let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| io_err(path, e))?;
    c.query_row("SELECT count(*) FROM gpkg_contents", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|_| {
        bad(
            path.display().to_string(),
            "not a GeoPackage (no gpkg_contents)",
        )
    })?;
    Ok(c)
}

fn gpkg_rows(
    path: &Path,
    layer: &str,
    f: &mut dyn FnMut(u64, RawFeature) -> Result<(), ImportError>,
) -> Result<Option<Crs>, ImportError> {
    let c = open_gpkg(path)?;
    let (col, srs): (String, i64) = c
        .query_row(
            "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
            [layer],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|_| {
            bad(
                path.display().to_string(),
                format!("no feature table {layer:?}"),
            )
        })?;
    let declared = u32::try_from(srs).ok().and_then(Crs::from_epsg);
    if declared.is_none() {
        let (org, code): (String, i64) = c
            .query_row(
                "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
                [srs],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or_default();
        if let Some(crs) = (org.eq_ignore_ascii_case("epsg"))
            .then(|| u32::try_from(code).ok().and_then(Crs::from_epsg))
            .flatten()
        {
            return gpkg_read(&c, path, layer, &col, f).map(|_| Some(crs));
        }
        return Err(ImportError::Crs(format!(
            "layer {layer:?} is in SRS {srs} ({org}:{code}), which qn-planner does not read"
        )));
    }
    gpkg_read(&c, path, layer, &col, f)?;
    Ok(declared)
}

fn gpkg_read(
    c: &rusqlite::Connection,
    path: &Path,
    layer: &str,
    col: &str,
    f: &mut dyn FnMut(u64, RawFeature) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut stmt = c
        .prepare(&format!("SELECT * FROM {}", q(layer)))
        .map_err(|e| io_err(path, e))?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let gi = names.iter().position(|n| n == col);
    let mut rows = stmt.query([]).map_err(|e| io_err(path, e))?;
    let mut n = 0u64;
    while let Some(r) = rows.next().map_err(|e| io_err(path, e))? {
        n += 1;
        let mut geom = None;
        let mut attrs = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let v: rusqlite::types::Value = r.get(i).map_err(|e| io_err(path, e))?;
            if Some(i) == gi {
                if let rusqlite::types::Value::Blob(b) = v {
                    let d = crate::store::geom::decode(&b)
                        .map_err(|e| bad(format!("feature {n}"), e.to_string()))?;
                    geom = d.geometry;
                }
                continue;
            }
            if name.eq_ignore_ascii_case("fid") {
                continue;
            }
            attrs.push((
                nfc(name),
                match Value::from(v) {
                    Value::Text(t) => Value::Text(nfc(&t)),
                    other => other,
                },
            ));
        }
        f(n, RawFeature { geom, attrs })?;
    }
    Ok(())
}
