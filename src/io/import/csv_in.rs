//! CSV files with coordinate columns as an import source: the delimiter sniffed, the columns
//! chosen, each row read as a point.

use super::*;
use crate::model::text::nfc;
use geo_types::Geometry;
use std::io::Read;
use std::path::Path;

/// Whether a path is read as delimited text.
pub fn is_csv_path(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "csv" | "txt" | "tsv")
}

/// The delimiters offered for delimited text.
pub const CSV_DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// A delimited text file's delimiter, header, and the coordinate columns found by name
/// (lon/lat, longitude/latitude, x/y, kinh_do/vi_do, easting/northing).
#[derive(Debug, Clone, PartialEq)]
pub struct CsvLayout {
    pub delimiter: u8,
    pub header: Vec<String>,
    pub x: Option<String>,
    pub y: Option<String>,
}

/// Reads the header of a delimited text file, with `delimiter` or else the one its first
/// line uses most (tab for `.tsv`).
pub fn csv_layout(path: &Path, delimiter: Option<u8>) -> Result<CsvLayout, ImportError> {
    let tsv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    let delimiter = match delimiter {
        Some(d) => d,
        None if tsv => b'\t',
        None => sniff_delimiter(path)?,
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
    Ok(CsvLayout {
        delimiter,
        header,
        x,
        y,
    })
}

pub(super) fn sniff_delimiter(path: &Path) -> Result<u8, ImportError> {
    let mut first = String::new();
    let file = crate::fsutil::open_input(path).map_err(|e| io_err(path, e))?;
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

pub(super) fn csv_header(path: &Path, delimiter: u8) -> Result<Vec<String>, ImportError> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(crate::fsutil::open_input(path).map_err(|e| io_err(path, e))?);
    let h = r.headers().map_err(|e| {
        bad(
            At::file_line(path.display().to_string(), 1),
            Problem::Csv(e.to_string()),
        )
    })?;
    Ok(h.iter().map(nfc).collect())
}

/// A delimited text file read record by record.
pub(super) struct CsvIn {
    pub(super) r: csv::Reader<std::fs::File>,
    pub(super) header: Vec<String>,
    pub(super) xi: usize,
    pub(super) yi: usize,
    pub(super) x: String,
    pub(super) y: String,
    pub(super) rec: csv::StringRecord,
    pub(super) size: u64,
}

impl CsvIn {
    pub(super) fn open(path: &Path, delimiter: u8, x: &str, y: &str) -> Result<CsvIn, ImportError> {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(crate::fsutil::open_input(path).map_err(|e| io_err(path, e))?);
        let header: Vec<String> = r
            .headers()
            .map_err(|e| {
                bad(
                    At::file_line(path.display().to_string(), 1),
                    Problem::Csv(e.to_string()),
                )
            })?
            .iter()
            .map(nfc)
            .collect();
        let col = |name: &str| header.iter().position(|h| h == name);
        let (Some(xi), Some(yi)) = (col(x), col(y)) else {
            return Err(bad(
                At::file_line(path.display().to_string(), 1),
                Problem::NoColumns {
                    x: x.to_string(),
                    y: y.to_string(),
                },
            ));
        };
        Ok(CsvIn {
            r,
            header,
            xi,
            yi,
            x: x.to_string(),
            y: y.to_string(),
            rec: csv::StringRecord::new(),
            size,
        })
    }

    /// Record `n` (1-based; it is on line n + 1 below the header).
    pub(super) fn next(&mut self, n: u64) -> Result<Option<RawFeature>, ImportError> {
        let line = n + 1;
        match self.r.read_record(&mut self.rec) {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => return Err(bad(At::line(line), Problem::Csv(e.to_string()))),
        }
        let rec = &self.rec;
        let num = |k: usize, name: &str| -> Result<f64, ImportError> {
            let t = rec.get(k).unwrap_or_default().trim().replace(',', ".");
            let v: f64 = t.parse().map_err(|_| {
                bad(
                    At::line(line),
                    Problem::NotANumber {
                        name: name.to_string(),
                        text: t.clone(),
                    },
                )
            })?;
            if !v.is_finite() {
                return Err(bad(
                    At::line(line),
                    Problem::NotFinite {
                        name: name.to_string(),
                        text: t.clone(),
                    },
                ));
            }
            Ok(v)
        };
        let (vx, vy) = (num(self.xi, &self.x)?, num(self.yi, &self.y)?);
        let attrs = self
            .header
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != self.xi && *k != self.yi)
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
        Ok(Some(RawFeature {
            geom: Some(Geometry::Point(geo_types::Point::new(vx, vy))),
            attrs,
        }))
    }
}
