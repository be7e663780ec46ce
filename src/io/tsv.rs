//! Sites as tab-separated text, what a spreadsheet takes from the clipboard (`Ctrl+C` on a
//! selection): a header of the file's column names, then one row per site with its values as
//! the file holds them, and the point (for an area, the centre of its boundary) in lon/lat.
//! And back (`Ctrl+V` in a layer's table): rows pasted from a spreadsheet become new sites,
//! each cell parsed and checked as a typed entry is; a refused cell is named by its row and
//! column, and then nothing is pasted.

use super::table_out::number_text as number;
use crate::lang::Language;
use crate::model::style::{SITE_FIELDS, Value, site_value};
use crate::model::validate::{Refusal, parse_real, set_site_field};
use crate::model::{Layer, Precision, Site, Status};

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

/// What a pasted column is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PasteColumn {
    /// A field typed as in the form.
    Field(&'static str),
    Status,
    Source,
    Lon,
    Lat,
    /// Known but not taken from a paste (fid, layer, area — computed — and the like).
    Ignored,
}

/// The column a heading names: a field's own name (as `Ctrl+C` writes it) or its heading in
/// the table, in either language, without regard to case or diacritics.
fn paste_column(heading: &str) -> Option<PasteColumn> {
    use PasteColumn::*;
    let h = crate::model::text::fold(heading.trim()).replace('_', " ");
    let fields: [(&[&str], PasteColumn); 19] = [
        (&["name", "ten"], Field("name")),
        (&["kind", "loai"], Field("kind")),
        (
            &[
                "district 2006",
                "huyen 2006",
                "huyen (2006)",
                "district (2006)",
                "huyen",
            ],
            Field("district_2006"),
        ),
        (
            &[
                "commune 2006",
                "xa 2006",
                "xa, phuong (2006)",
                "commune (2006)",
            ],
            Field("commune_2006"),
        ),
        (
            &[
                "unit 2025",
                "don vi 2025",
                "don vi tu 1/7/2025",
                "unit since 1 july 2025",
            ],
            Field("unit_2025"),
        ),
        (
            &["main industries", "nganh chinh"],
            Field("main_industries"),
        ),
        (&["craft", "nghe"], Field("craft")),
        (&["notes", "ghi chu"], Field("notes")),
        (
            &[
                "investment bn vnd",
                "von (ty d)",
                "von dau tu (ty dong)",
                "investment (bn vnd)",
            ],
            Field("investment_bn_vnd"),
        ),
        (&["jobs", "lao dong"], Field("jobs")),
        (
            &["decision year", "nam qd", "nam quyet dinh", "year"],
            Field("decision_year"),
        ),
        (
            &["occupancy pct", "ti le lap day (%)", "occupancy (%)"],
            Field("occupancy_pct"),
        ),
        (&["occupancy year", "nam lap day"], Field("occupancy_year")),
        (
            &["green buffer m", "dai cay xanh (m)", "green buffer (m)"],
            Field("green_buffer_m"),
        ),
        (&["status", "trang thai"], Status),
        (&["source para", "nguon", "source"], Source),
        (&["lon", "kinh do", "longitude", "x"], Lon),
        (&["lat", "vi do", "latitude", "y"], Lat),
        (
            &[
                "fid",
                "layer",
                "area ha",
                "dien tich (ha)",
                "area (ha)",
                "planned phase",
                "giai doan",
                "phase",
                "location precision",
                "pollution class",
            ],
            Ignored,
        ),
    ];
    fields
        .iter()
        .find(|(names, _)| names.contains(&h.as_str()))
        .map(|(_, c)| *c)
}

/// A cell a paste refused: its row (1 = the first row under the headings), its column's
/// heading, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct PasteRefusal {
    pub row: usize,
    pub column: String,
    pub reason: String,
}

/// Why nothing was pasted.
#[derive(Debug, Clone, PartialEq)]
pub enum PasteError {
    /// No rows under the headings.
    Empty,
    /// Headings that name no field (the first row must name the columns).
    UnknownColumns(Vec<String>),
    /// No column gives the sites' names.
    NoName,
    Refused(Vec<PasteRefusal>),
}

impl PasteError {
    pub fn text(&self, lang: Language) -> String {
        let vi = lang == Language::Vi;
        match self {
            PasteError::Empty if vi => "Không có dòng nào dưới hàng tiêu đề.".into(),
            PasteError::Empty => "No rows under the headings.".into(),
            PasteError::UnknownColumns(c) if vi => format!(
                "Hàng đầu phải là tên các cột; không nhận ra: {}",
                c.join(", ")
            ),
            PasteError::UnknownColumns(c) => format!(
                "The first row must name the columns; not recognised: {}",
                c.join(", ")
            ),
            PasteError::NoName if vi => "Thiếu cột tên (name / Tên).".into(),
            PasteError::NoName => "No column gives the names (name / Tên).".into(),
            PasteError::Refused(list) => {
                let head = if vi {
                    format!("Không dán: {} ô không hợp lệ", list.len())
                } else {
                    format!("Nothing pasted: {} cells refused", list.len())
                };
                let cells: Vec<String> = list
                    .iter()
                    .take(6)
                    .map(|r| {
                        if vi {
                            format!("dòng {}, {}: {}", r.row, r.column, r.reason)
                        } else {
                            format!("row {}, {}: {}", r.row, r.column, r.reason)
                        }
                    })
                    .collect();
                let more = if list.len() > 6 {
                    format!("; +{}", list.len() - 6)
                } else {
                    String::new()
                };
                format!("{head}: {}{more}", cells.join("; "))
            }
        }
    }
}

/// New sites of `layer` from tab-separated `text` whose first row names the columns; `today`
/// (YYYY-MM-DD) goes into where each position came from.
pub fn sites_from_tsv(
    text: &str,
    layer: Layer,
    lang: Language,
    today: &str,
) -> Result<Vec<Site>, PasteError> {
    let mut lines = text
        .split(['\n'])
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty());
    let Some(head) = lines.next() else {
        return Err(PasteError::Empty);
    };
    let headings: Vec<&str> = head.split('\t').collect();
    let columns: Vec<Option<PasteColumn>> = headings.iter().map(|h| paste_column(h)).collect();
    let unknown: Vec<String> = headings
        .iter()
        .zip(&columns)
        .filter(|(h, c)| c.is_none() && !h.trim().is_empty())
        .map(|(h, _)| h.trim().to_string())
        .collect();
    if !unknown.is_empty() {
        return Err(PasteError::UnknownColumns(unknown));
    }
    if !columns.contains(&Some(PasteColumn::Field("name"))) {
        return Err(PasteError::NoName);
    }
    let mut sites = Vec::new();
    let mut refused = Vec::new();
    for (i, line) in lines.enumerate() {
        let row = i + 1;
        let mut s = Site::new(layer, "", crate::io::import_sites::default_status(layer));
        let (mut lon, mut lat) = (None, None);
        let mut refuse = |col: usize, reason: String| {
            refused.push(PasteRefusal {
                row,
                column: headings[col].trim().to_string(),
                reason,
            })
        };
        let cells: Vec<&str> = line.split('\t').collect();
        for (c, column) in columns.iter().enumerate() {
            let cell = cells.get(c).map_or("", |t| t.trim());
            match column {
                Some(PasteColumn::Field(f)) => {
                    if let Err(e) = set_site_field(&mut s, f, &crate::model::text::nfc(cell)) {
                        refuse(c, e.reason.text(lang));
                    }
                }
                Some(PasteColumn::Status) if !cell.is_empty() => {
                    let found = Status::ALL.into_iter().find(|st| {
                        st.as_str() == cell
                            || crate::model::text::fold(st.label(Language::Vi))
                                == crate::model::text::fold(cell)
                            || crate::model::text::fold(st.label(Language::En))
                                == crate::model::text::fold(cell)
                    });
                    match found {
                        Some(st) => s.status = st,
                        None => refuse(
                            c,
                            match lang {
                                Language::Vi => format!("«{cell}» không phải là một trạng thái"),
                                Language::En => format!("“{cell}” is not a status"),
                            },
                        ),
                    }
                }
                Some(PasteColumn::Source) => s.source_para = crate::model::text::nfc(cell),
                Some(PasteColumn::Lon | PasteColumn::Lat) if !cell.is_empty() => {
                    match parse_real(cell) {
                        Ok(v) => {
                            if *column == Some(PasteColumn::Lon) {
                                lon = v;
                            } else {
                                lat = v;
                            }
                        }
                        Err(e) => refuse(c, e.text(lang)),
                    }
                }
                _ => {}
            }
        }
        // The 2025 unit: one of the 54, said where it came from; else derived from the 2006
        // commune when there is one.
        if let Some(units) = crate::model::admin::shipped() {
            if s.unit_2025.is_empty() {
                units.rederive(&mut s, lang);
            } else {
                let known = units.of(crate::model::admin::Era::Y2025).find(|u| {
                    crate::model::text::fold(&u.name) == crate::model::text::fold(&s.unit_2025)
                });
                match known {
                    Some(u) => {
                        s.unit_2025 = u.name.clone();
                        s.unit_2025_source = match lang {
                            Language::Vi => format!("Dán từ bảng tính ngày {today}, dòng {row}"),
                            Language::En => {
                                format!("Pasted from a spreadsheet on {today}, row {row}")
                            }
                        };
                    }
                    None => {
                        let col = columns
                            .iter()
                            .position(|c| *c == Some(PasteColumn::Field("unit_2025")))
                            .unwrap_or(0);
                        let text = s.unit_2025.clone();
                        refuse(
                            col,
                            match lang {
                                Language::Vi => {
                                    format!("«{text}» không phải là đơn vị cấp xã từ 1/7/2025")
                                }
                                Language::En => {
                                    format!("“{text}” is not a commune-level unit of 1 July 2025")
                                }
                            },
                        );
                    }
                }
            }
        }
        match (lon, lat) {
            (Some(x), Some(y)) => {
                // Vietnam's box, with its seas: a swapped or projected pair is refused.
                if (102.0..=118.0).contains(&x) && (6.0..=24.0).contains(&y) {
                    s.geom = Some(geo_types::Geometry::Point(geo_types::Point::new(x, y)));
                    s.location_precision = Precision::Approximate;
                    s.location_source = match lang {
                        Language::Vi => format!(
                            "Dán từ bảng tính ngày {today}, dòng {row}: toạ độ do người dùng nhập, chưa rõ độ chính xác"
                        ),
                        Language::En => format!(
                            "Pasted from a spreadsheet on {today}, row {row}: coordinates as typed, precision unknown"
                        ),
                    };
                } else {
                    let col = columns
                        .iter()
                        .position(|c| *c == Some(PasteColumn::Lon))
                        .unwrap_or(0);
                    refuse(col, Refusal::BadCoordinate.text(lang));
                }
            }
            (None, None) => {}
            _ => {
                let col = columns
                    .iter()
                    .position(|c| matches!(c, Some(PasteColumn::Lon | PasteColumn::Lat)))
                    .unwrap_or(0);
                refuse(
                    col,
                    match lang {
                        Language::Vi => "cần cả kinh độ và vĩ độ".into(),
                        Language::En => "both longitude and latitude are needed".into(),
                    },
                );
            }
        }
        sites.push(s);
    }
    if !refused.is_empty() {
        return Err(PasteError::Refused(refused));
    }
    if sites.is_empty() {
        return Err(PasteError::Empty);
    }
    Ok(sites)
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

    #[test]
    fn pasted_rows_become_sites_or_name_every_refused_cell() {
        let lang = Language::Vi;
        // As a spreadsheet gives them back: our own copy's headings, CRLF.
        let mut s = Site::new(Layer::ProposedClusters, "CCN Hà Khánh", Status::Proposed);
        s.jobs = Some(1200);
        s.geom = Some(Geometry::Point(Point::new(107.1, 20.95)));
        let copied = sites_tsv([&s].into_iter());
        let back = sites_from_tsv(&copied, Layer::IndustrialClusters, lang, "2026-12-08").unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].name, "CCN Hà Khánh");
        assert_eq!(back[0].jobs, Some(1200));
        assert_eq!(back[0].layer, Layer::IndustrialClusters);
        assert_eq!(back[0].geom, s.geom);
        assert_eq!(back[0].location_precision, Precision::Approximate);
        assert!(back[0].location_source.contains("dòng 1"));
        // The table's own headings, in Vietnamese, without diacritics too; a decimal comma.
        let typed = "Tên\tHuyen 2006\tVốn (tỷ đ)\tLao động\r\nCụm Đầm Hà\tĐầm Hà\t12,5\t300\r\n";
        let back = sites_from_tsv(typed, Layer::ProposedClusters, lang, "2026-12-08").unwrap();
        assert_eq!(back[0].district_2006, "Đầm Hà");
        assert_eq!(back[0].investment_bn_vnd, Some(12.5));
        assert_eq!(back[0].status, Status::Proposed);
        // Refused cells are named by row and column, and nothing is pasted.
        let bad =
            "name\tjobs\tdecision_year\tlon\tlat\nA\tnhiều\t2007\t\t\n\t5\t1850\t430000\t2330000\n";
        let Err(PasteError::Refused(r)) = sites_from_tsv(bad, Layer::ProposedClusters, lang, "x")
        else {
            panic!("refused")
        };
        let named: Vec<(usize, &str)> = r.iter().map(|r| (r.row, r.column.as_str())).collect();
        assert_eq!(
            named,
            [(1, "jobs"), (2, "name"), (2, "decision_year"), (2, "lon")]
        );
        // Headings that name nothing are said; so is a missing name column.
        assert_eq!(
            sites_from_tsv("ten\tchủ đầu tư\nA\tB", Layer::ProposedClusters, lang, "x"),
            Err(PasteError::UnknownColumns(vec!["chủ đầu tư".into()]))
        );
        assert_eq!(
            sites_from_tsv("jobs\n5", Layer::ProposedClusters, lang, "x"),
            Err(PasteError::NoName)
        );
    }
}
