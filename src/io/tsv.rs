//! Sites as tab-separated text, what a spreadsheet takes from the clipboard (`Ctrl+C` on a
//! selection): a header of the file's column names, then one row per site with its values as
//! the file holds them, and the point (for an area, the centre of its boundary) in lon/lat.

use crate::model::Site;
use crate::model::style::{SITE_FIELDS, Value, site_value};

/// The columns written, in order, after `fid` and `layer`.
fn columns() -> impl Iterator<Item = &'static str> {
    SITE_FIELDS
        .iter()
        .map(|(f, _)| *f)
        .chain(["source_para", "notes"])
}

/// A cell: tabs and line breaks would split the row, so they become spaces.
fn cell(t: &str) -> String {
    t.chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn number(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// The point a row gives for a site: its point, or the centre of its area.
fn point(s: &Site) -> Option<(f64, f64)> {
    use geo::Centroid;
    let g = s.geom.as_ref()?;
    let c = g.centroid()?;
    Some((c.x(), c.y()))
}

/// The sites as tab-separated text with a header row, lines ending in CRLF (as spreadsheets
/// on Windows write them).
pub fn sites_tsv<'a>(sites: impl Iterator<Item = &'a Site>) -> String {
    let mut out = String::from("fid\tlayer");
    for c in columns() {
        out.push('\t');
        out.push_str(c);
    }
    out.push_str("\tlon\tlat\r\n");
    for s in sites {
        out.push_str(&s.fid.to_string());
        out.push('\t');
        out.push_str(s.layer.table());
        for c in columns() {
            out.push('\t');
            match c {
                "source_para" => out.push_str(&cell(&s.source_para)),
                "notes" => out.push_str(&cell(&s.notes)),
                f => match site_value(s, f) {
                    Value::Null => {}
                    Value::Num(v) => out.push_str(&number(v)),
                    Value::Text(t) => out.push_str(&cell(&t)),
                },
            }
        }
        if let Some((x, y)) = point(s) {
            out.push_str(&format!("\t{}\t{}", number(x), number(y)));
        } else {
            out.push_str("\t\t");
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Layer, Status};
    use geo_types::{Geometry, Point};

    #[test]
    fn rows_keep_vietnamese_and_never_split() {
        let mut s = Site::new(Layer::ProposedClusters, "CCN Hà Khánh", Status::Proposed);
        s.fid = 7;
        s.jobs = Some(1200);
        s.notes = "dòng 1\ndòng 2\tcột".into();
        s.geom = Some(Geometry::Point(Point::new(107.1, 20.95)));
        let t = sites_tsv([&s].into_iter());
        let lines: Vec<&str> = t.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 2);
        let head: Vec<&str> = lines[0].split('\t').collect();
        let row: Vec<&str> = lines[1].split('\t').collect();
        assert_eq!(head.len(), row.len());
        let at = |c: &str| row[head.iter().position(|h| *h == c).unwrap()];
        assert_eq!(at("fid"), "7");
        assert_eq!(at("layer"), "proposed_clusters");
        assert_eq!(at("name"), "CCN Hà Khánh");
        assert_eq!(at("jobs"), "1200");
        assert_eq!(at("notes"), "dòng 1 dòng 2 cột");
        assert_eq!((at("lon"), at("lat")), ("107.1", "20.95"));
        assert_eq!(at("area_ha"), "");
    }
}
