//! The seed data built into the binary (`maps/seed/`): every site named in the 2007 source
//! document, with its paragraph and the cited source and precision of its position.

use super::{Centre, Layer, Precision, Site, Status, text::nfc};
use geo_types::{Geometry, MultiPoint, Point};
use thiserror::Error;

const SITES_CSV: &str = include_str!("../../maps/seed/sites.csv");
const CENTRES_CSV: &str = include_str!("../../maps/seed/centres.csv");
const ACTUALS_CSV: &str = include_str!("../../maps/seed/actuals.csv");

#[derive(Debug, Error)]
pub enum SeedError {
    #[error("seed data line {line}: {msg}")]
    Bad { line: usize, msg: String },
}

fn bad(line: usize, msg: impl Into<String>) -> SeedError {
    SeedError::Bad {
        line,
        msg: msg.into(),
    }
}

fn coord(line: usize, s: &str, lo: f64, hi: f64) -> Result<Option<f64>, SeedError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| bad(line, format!("'{s}' is not a number")))?;
    if !(lo..=hi).contains(&v) {
        return Err(bad(line, format!("{v} outside {lo}..{hi}")));
    }
    Ok(Some(v))
}

/// The seeded sites of all five layers (fids are 0 until stored).
pub fn seed_sites() -> Result<Vec<Site>, SeedError> {
    let mut r = csv::Reader::from_reader(SITES_CSV.as_bytes());
    let headers = r.headers().map_err(|e| bad(1, e.to_string()))?.clone();
    let col = column_index(&headers)?;
    let admin = super::admin::admin_units().map_err(|e| bad(1, e.to_string()))?;
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad(line, e.to_string()))?;
        if rec.len() != headers.len() {
            return Err(bad(
                line,
                format!("{} fields, expected {}", rec.len(), headers.len()),
            ));
        }
        let f = |k: &str| nfc(rec.get(col(k)).unwrap_or_default().trim());
        let layer = Layer::from_table(&f("layer")).ok_or_else(|| bad(line, "unknown layer"))?;
        let status = Status::parse(&f("status")).ok_or_else(|| bad(line, "unknown status"))?;
        let precision = Precision::parse(&f("location_precision"))
            .ok_or_else(|| bad(line, "unknown location precision"))?;
        let lat = coord(line, &f("lat"), 20.0, 22.0)?;
        let lon = coord(line, &f("lon"), 106.0, 108.5)?;
        let geom = match (lon, lat) {
            (Some(lon), Some(lat)) => Some(Geometry::Point(Point::new(lon, lat))),
            (None, None) => None,
            _ => return Err(bad(line, "only one of lat/lon given")),
        };
        if geom.is_none() != (precision == Precision::NotLocated) {
            return Err(bad(line, "position and precision disagree"));
        }
        if f("source_para").is_empty() {
            return Err(bad(line, "no source paragraph"));
        }
        let mut site = Site::new(layer, &f("name"), status);
        site.kind = f("kind");
        site.district_2006 = f("district_2006");
        site.commune_2006 = f("commune_2006");
        site.source_para = f("source_para");
        site.location_precision = precision;
        site.location_source = f("location_source");
        site.craft = f("craft");
        site.centre_key = f("centre");
        site.notes = f("notes");
        site.geom = geom;
        // Today's unit, from the 2006 commune through the official mapping (never guessed:
        // left empty when the commune is unknown or does not lead to one unit).
        if let Some(d) = admin.derive_2025(&site.district_2006, &site.commune_2006) {
            site.unit_2025_source = d.source(
                crate::lang::Language::Vi,
                &site.commune_2006,
                &site.district_2006,
            );
            site.unit_2025 = d.unit.name;
        }
        out.push(site);
    }
    Ok(out)
}

/// The position of each named column of the seed's header (`0` for one it lacks, which the
/// check of the header's columns below rules out).
fn column_index(headers: &csv::StringRecord) -> Result<impl Fn(&str) -> usize + '_, SeedError> {
    for want in [
        "layer",
        "name",
        "kind",
        "status",
        "district_2006",
        "commune_2006",
        "source_para",
        "lat",
        "lon",
        "location_precision",
        "location_source",
        "craft",
        "centre",
        "notes",
        "notes_v4",
        "location_source_v4",
    ] {
        if !headers.iter().any(|h| h == want) {
            return Err(bad(1, format!("no column {want}")));
        }
    }
    Ok(move |name: &str| headers.iter().position(|h| h == name).unwrap_or(0))
}

/// The results reported after 2007 (`maps/seed/actuals.csv`), kind "reported", each with its
/// unit, price basis, scope, source address and quote. Periods that are not one whole year
/// ("2006-2010", "2012 (Q1)") keep `year` empty: they are never read as annual values.
pub fn seed_actuals() -> Result<Vec<super::Actual>, SeedError> {
    let mut r = csv::Reader::from_reader(ACTUALS_CSV.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad(line, e.to_string()))?;
        let f = |k: usize| nfc(rec.get(k).unwrap_or_default().trim());
        let period = f(1);
        let value: Option<f64> = if f(2).is_empty() {
            None
        } else {
            Some(
                f(2).parse()
                    .map_err(|_| bad(line, format!("value '{}' is not a number", f(2))))?,
            )
        };
        let year = (period.len() == 4)
            .then(|| period.parse::<i32>().ok())
            .flatten();
        out.push(super::Actual {
            key: String::new(),
            indicator: f(0),
            period,
            year,
            value,
            unit: f(3),
            price_basis: f(4),
            scope: f(5),
            source: f(6),
            quote: f(7),
            kind: super::ActualKind::Reported,
        });
    }
    Ok(out)
}

/// A seeded text that schema 4 wrote in English and the seed now carries in Vietnamese:
/// `(table, record name or centre key, column, English text of schema 4, text now)`.
pub type SeedTextChange = (&'static str, String, &'static str, String, String);

/// Every seeded site and centre text whose schema 4 wording (the `…_v4` columns of the seed)
/// differs from today's, for the migration that replaces texts a file still holds unedited.
pub fn texts_changed_since_v4() -> Result<Vec<SeedTextChange>, SeedError> {
    let mut out = Vec::new();
    let mut r = csv::Reader::from_reader(SITES_CSV.as_bytes());
    let headers = r.headers().map_err(|e| bad(1, e.to_string()))?.clone();
    let col = column_index(&headers)?;
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| bad(i + 2, e.to_string()))?;
        let f = |k: &str| nfc(rec.get(col(k)).unwrap_or_default().trim());
        let layer = Layer::from_table(&f("layer")).ok_or_else(|| bad(i + 2, "unknown layer"))?;
        for (column, now, then) in [
            ("notes", "notes", "notes_v4"),
            ("location_source", "location_source", "location_source_v4"),
        ] {
            if f(then) != f(now) && !f(then).is_empty() {
                out.push((layer.table(), f("name"), column, f(then), f(now)));
            }
        }
    }
    let mut r = csv::Reader::from_reader(CENTRES_CSV.as_bytes());
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| bad(i + 2, e.to_string()))?;
        let f = |k: usize| nfc(rec.get(k).unwrap_or_default().trim());
        if f(5) != f(4) && !f(5).is_empty() {
            out.push(("industrial_centres", f(0), "notes", f(5), f(4)));
        }
    }
    Ok(out)
}

/// The reported actuals whose `scope` schema 4 seeded in English: (indicator, period, English
/// text of schema 4, Vietnamese text now), for the migration that replaces unedited texts.
pub fn actual_scopes_changed_since_v4() -> Result<Vec<(String, String, String, String)>, SeedError>
{
    let mut r = csv::Reader::from_reader(ACTUALS_CSV.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| bad(i + 2, e.to_string()))?;
        let f = |k: usize| nfc(rec.get(k).unwrap_or_default().trim());
        if f(8) != f(5) && !f(8).is_empty() {
            out.push((f(0), f(1), f(8), f(5)));
        }
    }
    Ok(out)
}

/// The five industrial centres, their geometry the points of their located plants.
pub fn seed_centres(sites: &[Site]) -> Result<Vec<Centre>, SeedError> {
    let mut r = csv::Reader::from_reader(CENTRES_CSV.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad(line, e.to_string()))?;
        let f = |k: usize| nfc(rec.get(k).unwrap_or_default().trim());
        let key = f(0);
        let points: Vec<Point<f64>> = sites
            .iter()
            .filter(|s| s.layer == Layer::IndustrialCentres && s.centre_key == key)
            .filter_map(|s| match &s.geom {
                Some(Geometry::Point(p)) => Some(*p),
                _ => None,
            })
            .collect();
        out.push(Centre {
            fid: 0,
            key,
            name: f(1),
            name_en: f(2),
            source_para: f(3),
            notes: f(4),
            geom: (!points.is_empty()).then_some(Geometry::MultiPoint(MultiPoint(points))),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_has_every_site_of_the_document() {
        let sites = seed_sites().unwrap();
        let count = |l| sites.iter().filter(|s| s.layer == l).count();
        assert_eq!(count(Layer::IndustrialZones), 4);
        assert_eq!(count(Layer::IndustrialClusters), 8);
        assert_eq!(count(Layer::ProposedClusters), 10);
        assert_eq!(count(Layer::CraftVillages), 4);
        let centres = seed_centres(&sites).unwrap();
        assert_eq!(centres.len(), 5);
        // Every plant belongs to one of the five centres.
        for s in sites.iter().filter(|s| s.layer == Layer::IndustrialCentres) {
            assert!(centres.iter().any(|c| c.key == s.centre_key), "{}", s.name);
        }
        // The sites with no public position are kept, not placed by guess.
        for name in ["Bến Đục", "Đò Bang"] {
            let s = sites.iter().find(|s| s.name == name).unwrap();
            assert!(s.geom.is_none());
            assert_eq!(s.location_precision, Precision::NotLocated);
        }
        let heavy = centres
            .iter()
            .find(|c| c.key == "heavy_engineering")
            .unwrap();
        assert!(heavy.geom.is_none());
        for s in &sites {
            assert!(s.source_para.starts_with('¶'), "{}", s.name);
            assert!(!s.location_source.is_empty(), "{}", s.name);
        }
    }
}
