//! Writing one layer of a project out: GeoJSON (RFC 7946 in WGS84; the older form with a
//! `crs` member in VN-2000), CSV (x/y columns for points, WKT otherwise) or a one-layer
//! GeoPackage (WGS84), or an ESRI Shapefile (any system, with its `.prj`; see
//! `shapefile_out`). Streamed feature by feature into a temporary file in the target's
//! folder, renamed into place only when complete.

use super::crs::{Crs, Transformer};
use super::import::Value;
use crate::store::{ProjectFile, StoreError, TableFeature};
use geo_types::{Coord, Geometry, LineString, Polygon};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum LayerExportError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The output formats, chosen by the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Csv,
    Gpkg,
    Shapefile,
}

impl Format {
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        match ext.as_str() {
            "geojson" | "json" => Some(Format::GeoJson),
            "csv" => Some(Format::Csv),
            "gpkg" => Some(Format::Gpkg),
            "shp" => Some(Format::Shapefile),
            _ => None,
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerExportSummary {
    pub table: String,
    pub features: u64,
    pub format: Format,
    pub crs: Crs,
    /// For a Shapefile: the files written, the DBF field names, texts cut.
    pub shapefile: Option<super::shapefile_out::ShapefileSummary>,
}

/// Writes layer `layer` (table name or layer title) of `pf` to `out` in `crs`.
pub fn export_layer(
    pf: &ProjectFile,
    layer: &str,
    out: &Path,
    crs: Crs,
) -> Result<LayerExportSummary, LayerExportError> {
    export_features(pf, layer, out, crs, None)
}

/// As [`export_layer`], writing only the features whose fid is in `only` when given (a
/// selection: "save only selected features").
pub fn export_features(
    pf: &ProjectFile,
    layer: &str,
    out: &Path,
    crs: Crs,
    only: Option<&BTreeSet<i64>>,
) -> Result<LayerExportSummary, LayerExportError> {
    let pf = &Source { pf, only };
    let format = Format::from_path(out).ok_or_else(|| {
        LayerExportError::Invalid(format!(
            "{}: the output must end in .geojson, .csv, .gpkg or .shp",
            out.display()
        ))
    })?;
    let table = pf.resolve_feature_table(layer)?.ok_or_else(|| {
        LayerExportError::Invalid(format!("the project has no feature layer called {layer:?}"))
    })?;
    if format == Format::Gpkg && crs != Crs::Wgs84 {
        return Err(LayerExportError::Invalid(format!(
            "a GeoPackage export is written in WGS 84 (EPSG:4326); {} is offered for GeoJSON and CSV",
            crs.name()
        )));
    }
    if format == Format::GeoJson && crs.epsg().is_none() {
        return Err(LayerExportError::Invalid(format!(
            "{} has no EPSG code for a GeoJSON crs member; export it to Shapefile (.shp, with its .prj) or choose an EPSG system",
            crs.name()
        )));
    }
    let t = Transformer::new(crs).map_err(|e| LayerExportError::Invalid(e.to_string()))?;
    if format == Format::Shapefile {
        let s = write_shapefile(pf, &table, out, &t)?;
        return Ok(LayerExportSummary {
            table,
            features: s.files.iter().map(|f| f.2).sum(),
            format,
            crs,
            shapefile: Some(s),
        });
    }
    let tmp = temp_path(out)?;
    let result = match format {
        Format::GeoJson => write_geojson(pf, &table, &tmp, &t),
        Format::Csv => write_csv(pf, &table, &tmp, &t),
        Format::Gpkg => write_gpkg(pf, &table, &tmp),
        Format::Shapefile => Err(LayerExportError::Invalid(
            "a Shapefile is written above".into(),
        )),
    }
    .and_then(|n| {
        crate::fsutil::commit_part(&tmp, out).map_err(|e| io_err(out, e))?;
        Ok(n)
    });
    match result {
        Ok(features) => Ok(LayerExportSummary {
            table,
            features,
            format,
            crs,
            shapefile: None,
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// The project file as the writers read it: every feature of a table, or those of a selection.
struct Source<'a> {
    pf: &'a ProjectFile,
    only: Option<&'a BTreeSet<i64>>,
}

impl std::ops::Deref for Source<'_> {
    type Target = ProjectFile;
    fn deref(&self) -> &ProjectFile {
        self.pf
    }
}

impl Source<'_> {
    fn for_each_table_feature(
        &self,
        table: &str,
        f: &mut dyn FnMut(TableFeature) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        match self.only {
            None => self.pf.for_each_table_feature(table, f),
            Some(only) => self
                .pf
                .for_each_table_feature(table, &mut |feat: TableFeature| {
                    if only.contains(&feat.fid) {
                        f(feat)
                    } else {
                        Ok(())
                    }
                }),
        }
    }
}

fn io_err(path: &Path, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> LayerExportError {
    LayerExportError::Io {
        path: path.display().to_string(),
        source: e.into(),
    }
}

fn temp_path(out: &Path) -> Result<PathBuf, LayerExportError> {
    crate::fsutil::part_path(out).map_err(|e| LayerExportError::Invalid(e.to_string()))
}

/// Decimals that keep a coordinate to about 1 cm: 7 for degrees, 3 for metres.
fn decimals(crs: Crs) -> usize {
    if crs.is_geographic() { 7 } else { 3 }
}

/// A number with at most `d` decimals and no trailing zeros.
fn num(v: f64, d: usize) -> String {
    let mut s = format!("{v:.d$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" { "0".into() } else { s }
}

/// The geometry in the output system, polygons oriented as RFC 7946 asks.
fn project(g: &Geometry<f64>, t: &Transformer) -> Result<Geometry<f64>, String> {
    use geo::MapCoords;
    let g = crate::model::oriented(g.clone());
    if t.crs() == Crs::Wgs84 {
        return Ok(g);
    }
    g.try_map_coords(|c: Coord<f64>| t.from_wgs84(c.x, c.y).map(|(x, y)| Coord { x, y }))
        .map_err(|e| e.to_string())
}

fn json_coord(out: &mut String, c: Coord<f64>, d: usize) {
    let _ = write!(out, "[{},{}]", num(c.x, d), num(c.y, d));
}

fn json_line(out: &mut String, l: &LineString<f64>, d: usize) {
    out.push('[');
    for (i, c) in l.0.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_coord(out, *c, d);
    }
    out.push(']');
}

fn json_polygon(out: &mut String, p: &Polygon<f64>, d: usize) {
    out.push('[');
    json_line(out, p.exterior(), d);
    for r in p.interiors() {
        out.push(',');
        json_line(out, r, d);
    }
    out.push(']');
}

/// A GeoJSON geometry object.
fn json_geometry(out: &mut String, g: &Geometry<f64>, d: usize) {
    use geo_types::Geometry as G;
    match g {
        G::Point(p) => {
            out.push_str(r#"{"type":"Point","coordinates":"#);
            json_coord(out, p.0, d);
        }
        G::MultiPoint(mp) => {
            out.push_str(r#"{"type":"MultiPoint","coordinates":["#);
            for (i, p) in mp.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_coord(out, p.0, d);
            }
            out.push(']');
        }
        G::Line(l) => {
            out.push_str(r#"{"type":"LineString","coordinates":"#);
            json_line(out, &LineString::from(vec![l.start, l.end]), d);
        }
        G::LineString(l) => {
            out.push_str(r#"{"type":"LineString","coordinates":"#);
            json_line(out, l, d);
        }
        G::MultiLineString(ml) => {
            out.push_str(r#"{"type":"MultiLineString","coordinates":["#);
            for (i, l) in ml.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_line(out, l, d);
            }
            out.push(']');
        }
        G::Polygon(p) => {
            out.push_str(r#"{"type":"Polygon","coordinates":"#);
            json_polygon(out, p, d);
        }
        G::Rect(r) => {
            out.push_str(r#"{"type":"Polygon","coordinates":"#);
            json_polygon(out, &r.to_polygon(), d);
        }
        G::Triangle(t) => {
            out.push_str(r#"{"type":"Polygon","coordinates":"#);
            json_polygon(out, &t.to_polygon(), d);
        }
        G::MultiPolygon(mp) => {
            out.push_str(r#"{"type":"MultiPolygon","coordinates":["#);
            for (i, p) in mp.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_polygon(out, p, d);
            }
            out.push(']');
        }
        G::GeometryCollection(gc) => {
            out.push_str(r#"{"type":"GeometryCollection","geometries":["#);
            for (i, g) in gc.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_geometry(out, g, d);
            }
            out.push_str("]}");
            return;
        }
    }
    out.push('}');
}

fn json_value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Int(i) => i.to_string(),
        Value::Real(r) if r.is_finite() => serde_json::Number::from_f64(*r)
            .map(|n| n.to_string())
            .unwrap_or_else(|| "null".into()),
        Value::Real(_) => "null".into(),
        Value::Text(t) => serde_json::Value::String(t.clone()).to_string(),
    }
}

fn write_geojson(
    pf: &Source,
    table: &str,
    tmp: &Path,
    t: &Transformer,
) -> Result<u64, LayerExportError> {
    let file = std::fs::File::create(tmp).map_err(|e| io_err(tmp, e))?;
    let mut w = BufWriter::new(file);
    let crs = t.crs();
    let d = decimals(crs);
    let mut head = String::from(r#"{"type":"FeatureCollection","name":"#);
    head.push_str(&serde_json::Value::String(table.to_string()).to_string());
    if crs != Crs::Wgs84 {
        // Not RFC 7946 (which is WGS84 only): the 2008 form GDAL and QGIS read.
        let _ = write!(
            head,
            r#","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::{}"}}}}"#,
            crs.epsg().unwrap_or(4326)
        );
    }
    head.push_str(",\"features\":[\n");
    w.write_all(head.as_bytes()).map_err(|e| io_err(tmp, e))?;
    let mut n = 0u64;
    let mut buf = String::new();
    let mut write_err: Option<LayerExportError> = None;
    pf.for_each_table_feature(table, &mut |f: TableFeature| {
        buf.clear();
        if n > 0 {
            buf.push_str(",\n");
        }
        let _ = write!(buf, r#"{{"type":"Feature","id":{},"properties":{{"#, f.fid);
        for (i, (k, v)) in f.attrs.iter().enumerate() {
            if i > 0 {
                buf.push(',');
            }
            buf.push_str(&serde_json::Value::String(k.clone()).to_string());
            buf.push(':');
            buf.push_str(&json_value(v));
        }
        buf.push_str("},\"geometry\":");
        match &f.geom {
            None => buf.push_str("null"),
            Some(g) => match project(g, t) {
                Ok(g) => json_geometry(&mut buf, &g, d),
                Err(e) => {
                    write_err = Some(LayerExportError::Invalid(format!(
                        "feature {}: cannot convert to {}: {e}",
                        f.fid,
                        crs.name()
                    )));
                    return Err(StoreError::Cancelled);
                }
            },
        }
        buf.push('}');
        n += 1;
        if let Err(e) = w.write_all(buf.as_bytes()) {
            write_err = Some(io_err(tmp, e));
            return Err(StoreError::Cancelled);
        }
        Ok(())
    })
    .map_err(|e| write_err.take().unwrap_or(LayerExportError::Store(e)))?;
    if let Some(e) = write_err {
        return Err(e);
    }
    w.write_all(b"\n]}\n").map_err(|e| io_err(tmp, e))?;
    let file = w.into_inner().map_err(|e| io_err(tmp, e.into_error()))?;
    file.sync_all().map_err(|e| io_err(tmp, e))?;
    Ok(n)
}

/// Well-known text of a geometry.
fn wkt(out: &mut String, g: &Geometry<f64>, d: usize) {
    use geo_types::Geometry as G;
    fn seq(out: &mut String, l: &[Coord<f64>], d: usize) {
        out.push('(');
        for (i, c) in l.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{} {}", num(c.x, d), num(c.y, d));
        }
        out.push(')');
    }
    fn poly(out: &mut String, p: &Polygon<f64>, d: usize) {
        out.push('(');
        seq(out, &p.exterior().0, d);
        for r in p.interiors() {
            out.push(',');
            seq(out, &r.0, d);
        }
        out.push(')');
    }
    match g {
        G::Point(p) => {
            out.push_str("POINT ");
            seq(out, &[p.0], d);
        }
        G::MultiPoint(mp) => {
            out.push_str("MULTIPOINT ");
            let cs: Vec<Coord<f64>> = mp.0.iter().map(|p| p.0).collect();
            seq(out, &cs, d);
        }
        G::Line(l) => {
            out.push_str("LINESTRING ");
            seq(out, &[l.start, l.end], d);
        }
        G::LineString(l) => {
            out.push_str("LINESTRING ");
            seq(out, &l.0, d);
        }
        G::MultiLineString(ml) => {
            out.push_str("MULTILINESTRING (");
            for (i, l) in ml.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                seq(out, &l.0, d);
            }
            out.push(')');
        }
        G::Polygon(p) => {
            out.push_str("POLYGON ");
            poly(out, p, d);
        }
        G::Rect(r) => {
            out.push_str("POLYGON ");
            poly(out, &r.to_polygon(), d);
        }
        G::Triangle(t) => {
            out.push_str("POLYGON ");
            poly(out, &t.to_polygon(), d);
        }
        G::MultiPolygon(mp) => {
            out.push_str("MULTIPOLYGON (");
            for (i, p) in mp.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                poly(out, p, d);
            }
            out.push(')');
        }
        G::GeometryCollection(gc) => {
            out.push_str("GEOMETRYCOLLECTION (");
            for (i, g) in gc.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                wkt(out, g, d);
            }
            out.push(')');
        }
    }
}

/// The layer as a Shapefile (two passes over the table: shape types and field widths, then
/// the records).
fn write_shapefile(
    pf: &Source,
    table: &str,
    out: &Path,
    t: &Transformer,
) -> Result<super::shapefile_out::ShapefileSummary, LayerExportError> {
    use super::shapefile_out::{OutFeature, write};
    use crate::model::value::FieldType;
    let cols = pf.attribute_columns(table)?;
    let names: Vec<String> = cols.iter().map(|(c, _)| c.clone()).collect();
    let fields: Vec<(String, Option<FieldType>)> = cols
        .iter()
        .map(|(c, ty)| {
            let ty = ty.to_ascii_uppercase();
            let t = if ty.contains("INT") || ty == "BOOLEAN" {
                Some(FieldType::Integer)
            } else if ty.contains("REAL") || ty.contains("DOUB") || ty.contains("FLOA") {
                Some(FieldType::Real)
            } else if ty.contains("TEXT") || ty.contains("CHAR") || ty.is_empty() {
                Some(FieldType::Text)
            } else {
                None
            };
            (c.clone(), t)
        })
        .collect();
    let crs = t.crs();
    let mut store_err: Option<StoreError> = None;
    let result = write(out, crs, &fields, &mut |emit| {
        let mut io_error: Option<std::io::Error> = None;
        let r = pf.for_each_table_feature(table, &mut |f: TableFeature| {
            let geom = match f.geom.as_ref().map(|g| project(g, t)).transpose() {
                Ok(g) => g,
                Err(e) => {
                    io_error = Some(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("feature {}: cannot convert to {}: {e}", f.fid, crs.name()),
                    ));
                    return Err(StoreError::Cancelled);
                }
            };
            let values = names
                .iter()
                .map(|n| {
                    f.attrs
                        .iter()
                        .find(|(k, _)| k == n)
                        .map(|(_, v)| v.clone())
                        .unwrap_or(Value::Null)
                })
                .collect();
            if let Err(e) = emit(OutFeature { geom, values }) {
                io_error = Some(e);
                return Err(StoreError::Cancelled);
            }
            Ok(())
        });
        if let Some(e) = io_error {
            return Err(e);
        }
        if let Err(e) = r {
            let msg = e.to_string();
            store_err = Some(e);
            return Err(std::io::Error::other(msg));
        }
        Ok(())
    });
    match (result, store_err) {
        (Ok(s), _) => Ok(s),
        (Err(_), Some(e)) => Err(e.into()),
        (Err(e), None) => Err(io_err(out, e)),
    }
}

fn write_csv(
    pf: &Source,
    table: &str,
    tmp: &Path,
    t: &Transformer,
) -> Result<u64, LayerExportError> {
    let crs = t.crs();
    let d = decimals(crs);
    let points = pf.geometry_type_of(table)?.eq_ignore_ascii_case("POINT");
    let cols = pf.attribute_columns(table)?;
    let file = std::fs::File::create(tmp).map_err(|e| io_err(tmp, e))?;
    let mut w = csv::Writer::from_writer(BufWriter::new(file));
    let csv_err = |e: csv::Error| io_err(tmp, e);
    let mut header: Vec<String> = vec!["fid".into()];
    if points {
        let (x, y) = if crs.is_geographic() {
            ("lon", "lat")
        } else {
            ("x", "y")
        };
        header.push(x.into());
        header.push(y.into());
    } else {
        header.push("wkt".into());
    }
    header.extend(cols.iter().map(|(c, _)| c.clone()));
    w.write_record(&header).map_err(csv_err)?;
    let mut n = 0u64;
    let mut err: Option<LayerExportError> = None;
    pf.for_each_table_feature(table, &mut |f: TableFeature| {
        let mut rec: Vec<String> = vec![f.fid.to_string()];
        let g = match f.geom.as_ref().map(|g| project(g, t)).transpose() {
            Ok(g) => g,
            Err(e) => {
                err = Some(LayerExportError::Invalid(format!(
                    "feature {}: cannot convert to {}: {e}",
                    f.fid,
                    crs.name()
                )));
                return Err(StoreError::Cancelled);
            }
        };
        if points {
            match g {
                Some(Geometry::Point(p)) => {
                    rec.push(num(p.x(), d));
                    rec.push(num(p.y(), d));
                }
                _ => {
                    rec.push(String::new());
                    rec.push(String::new());
                }
            }
        } else {
            let mut s = String::new();
            if let Some(g) = &g {
                wkt(&mut s, g, d);
            }
            rec.push(s);
        }
        for (c, _) in &cols {
            let v = f.attrs.iter().find(|(k, _)| k == c).map(|(_, v)| v);
            rec.push(match v {
                None | Some(Value::Null) => String::new(),
                Some(Value::Int(i)) => i.to_string(),
                Some(Value::Real(r)) => r.to_string(),
                Some(Value::Text(t)) => t.clone(),
            });
        }
        if let Err(e) = w.write_record(&rec) {
            err = Some(io_err(tmp, e));
            return Err(StoreError::Cancelled);
        }
        n += 1;
        Ok(())
    })
    .map_err(|e| err.take().unwrap_or(LayerExportError::Store(e)))?;
    if let Some(e) = err {
        return Err(e);
    }
    let inner = w.into_inner().map_err(|e| io_err(tmp, e.into_error()))?;
    let file = inner
        .into_inner()
        .map_err(|e| io_err(tmp, e.into_error()))?;
    file.sync_all().map_err(|e| io_err(tmp, e))?;
    Ok(n)
}

fn write_gpkg(pf: &Source, table: &str, tmp: &Path) -> Result<u64, LayerExportError> {
    let _ = std::fs::remove_file(tmp);
    let cols = pf.attribute_columns(table)?;
    let gtype = pf.feature_geometry_type_of(table)?;
    let quote = crate::store::ident;
    let ddl: String = cols
        .iter()
        .map(|(c, t)| format!(", {} {}", quote(c), crate::store::column_type(t)))
        .collect();
    let conn =
        rusqlite::Connection::open(crate::fsutil::for_sqlite(tmp)).map_err(|e| io_err(tmp, e))?;
    let sq = |e: rusqlite::Error| io_err(tmp, e);
    crate::store::schema::register_functions(&conn).map_err(sq)?;
    conn.execute_batch("BEGIN").map_err(sq)?;
    crate::store::schema::create_plain_feature_file(
        &conn,
        table,
        table,
        &format!("Exported by qn-planner from layer {table}"),
        gtype,
        &ddl,
    )
    .map_err(sq)?;
    let insert = format!(
        "INSERT INTO {} (fid, geom{}) VALUES (?1, ?2{})",
        quote(table),
        cols.iter()
            .map(|(c, _)| format!(", {}", quote(c)))
            .collect::<String>(),
        (0..cols.len())
            .map(|i| format!(", ?{}", i + 3))
            .collect::<String>()
    );
    let mut n = 0u64;
    {
        let mut stmt = conn.prepare(&insert).map_err(sq)?;
        let mut err: Option<LayerExportError> = None;
        pf.for_each_table_feature(table, &mut |f: TableFeature| {
            use rusqlite::types::Value as V;
            let mut vals: Vec<V> = vec![
                V::Integer(f.fid),
                match &f.geom {
                    Some(g) => V::Blob(crate::store::geom::encode(
                        &crate::model::oriented(g.clone()),
                        crate::store::SRS_WGS84,
                    )),
                    None => V::Null,
                },
            ];
            for (c, _) in &cols {
                let v = f.attrs.iter().find(|(k, _)| k == c).map(|(_, v)| v);
                vals.push(v.cloned().map_or(V::Null, V::from));
            }
            if let Err(e) = stmt.execute(rusqlite::params_from_iter(vals)) {
                err = Some(io_err(tmp, e));
                return Err(StoreError::Cancelled);
            }
            n += 1;
            Ok(())
        })
        .map_err(|e| err.take().unwrap_or(LayerExportError::Store(e)))?;
    }
    crate::store::schema::finish_plain_feature_table(&conn, table, gtype).map_err(sq)?;
    conn.execute_batch("COMMIT").map_err(sq)?;
    conn.close().map_err(|(_, e)| sq(e))?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_bounded() {
        assert_eq!(num(107.123456789, 7), "107.1234568");
        assert_eq!(num(21.5, 7), "21.5");
        assert_eq!(num(3.0, 7), "3");
        assert_eq!(num(-0.00000001, 7), "0");
        assert_eq!(num(2_345_678.123_45, 3), "2345678.123");
    }

    #[test]
    fn wkt_of_a_polygon() {
        let p = Geometry::Polygon(Polygon::new(
            LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]),
            vec![],
        ));
        let mut s = String::new();
        wkt(&mut s, &p, 7);
        assert_eq!(s, "POLYGON ((0 0,1 0,1 1,0 0))");
    }
}
