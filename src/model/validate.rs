//! What may be stored: every value a planner enters is checked here before it reaches the file,
//! and every typed text is parsed here, one function per kind of field, so the form, the
//! attribute table, the rules editor and the scenario editor refuse the same things with the
//! same reasons, in the planner's language.

use super::Site;
use crate::lang::Language;
use geo::CoordsIter;

pub const YEAR_MIN: i32 = super::years::ENTRY_MIN;
pub const YEAR_MAX: i32 = super::years::ENTRY_MAX;

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// A name or key that must not be empty.
    Empty,
    /// The typed text is not a number.
    NotANumber(String),
    /// The typed text is not a whole number.
    NotAWholeNumber(String),
    /// Must be 0 or more.
    Negative(f64),
    /// (value, bound): must be more than the bound (a fall of 100 % or more, say).
    NotAbove(f64, f64),
    /// A year outside [`YEAR_MIN`]–[`YEAR_MAX`].
    YearOutside(i64),
    /// A percentage outside 0–100.
    PercentOutside(f64),
    /// A pollution class outside I–V.
    ClassOutside(i64),
    /// Not a calendar date written YYYY-MM-DD.
    NotADate(String),
    /// A coordinate that is no longitude/latitude.
    BadCoordinate,
    /// A point, line or collection in a layer that holds areas only.
    AreaOnly,
    /// A line or collection as a site: planning layers hold a point or a boundary.
    PointOrArea,
}

fn num(v: f64) -> String {
    super::text::fmt_coord(v)
}

impl Refusal {
    /// The reason in the UI language.
    pub fn text(&self, lang: Language) -> String {
        match (self, lang) {
            (Refusal::Empty, Language::Vi) => "không được để trống".into(),
            (Refusal::Empty, Language::En) => "must not be empty".into(),
            (Refusal::NotANumber(t), Language::Vi) => format!("«{t}» không phải là số"),
            (Refusal::NotANumber(t), Language::En) => format!("“{t}” is not a number"),
            (Refusal::NotAWholeNumber(t), Language::Vi) => {
                format!("«{t}» không phải là số nguyên")
            }
            (Refusal::NotAWholeNumber(t), Language::En) => format!("“{t}” is not a whole number"),
            (Refusal::Negative(v), Language::Vi) => format!("{} phải từ 0 trở lên", num(*v)),
            (Refusal::Negative(v), Language::En) => format!("{} must be 0 or more", num(*v)),
            (Refusal::NotAbove(v, b), Language::Vi) => {
                format!("{} phải lớn hơn {}", num(*v), num(*b))
            }
            (Refusal::NotAbove(v, b), Language::En) => {
                format!("{} must be more than {}", num(*v), num(*b))
            }
            (Refusal::YearOutside(y), Language::Vi) => {
                format!("năm {y} nằm ngoài {YEAR_MIN}–{YEAR_MAX}")
            }
            (Refusal::YearOutside(y), Language::En) => {
                format!("year {y} is outside {YEAR_MIN}–{YEAR_MAX}")
            }
            (Refusal::PercentOutside(v), Language::Vi) => {
                format!("{} % phải trong khoảng 0–100", num(*v))
            }
            (Refusal::PercentOutside(v), Language::En) => format!("{} % must be 0–100", num(*v)),
            (Refusal::ClassOutside(c), Language::Vi) => format!("cấp {c} phải từ I đến V (1–5)"),
            (Refusal::ClassOutside(c), Language::En) => format!("class {c} must be I–V (1–5)"),
            (Refusal::NotADate(t), Language::Vi) => {
                format!("«{t}» không phải là ngày dạng NNNN-TT-NN")
            }
            (Refusal::NotADate(t), Language::En) => format!("“{t}” is not a date (YYYY-MM-DD)"),
            (Refusal::BadCoordinate, Language::Vi) => {
                "có toạ độ không phải kinh độ/vĩ độ hợp lệ".into()
            }
            (Refusal::BadCoordinate, Language::En) => {
                "a coordinate is not a valid longitude/latitude".into()
            }
            (Refusal::AreaOnly, Language::Vi) => "lớp này chỉ chứa vùng: hãy vẽ đa giác".into(),
            (Refusal::AreaOnly, Language::En) => {
                "this layer holds areas only: draw a polygon".into()
            }
            (Refusal::PointOrArea, Language::Vi) => {
                "địa điểm quy hoạch là một điểm hoặc một ranh giới (đa giác)".into()
            }
            (Refusal::PointOrArea, Language::En) => {
                "a planning site is a point or a boundary (polygon)".into()
            }
        }
    }
}

/// English, for the command line and logs.
impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Language::En))
    }
}

/// A refused value: the field and the reason, shown beside the field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: Refusal,
}

fn err(field: &'static str, reason: Refusal) -> FieldError {
    FieldError { field, reason }
}

/// A number as typed (a decimal comma is accepted); empty is `None`.
pub fn parse_real(text: &str) -> Result<Option<f64>, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(Refusal::NotANumber(t.to_string())),
    }
}

/// A number that must be 0 or more; empty is `None`.
pub fn parse_non_negative(text: &str) -> Result<Option<f64>, Refusal> {
    match parse_real(text)? {
        Some(v) if v < 0.0 => Err(Refusal::Negative(v)),
        v => Ok(v),
    }
}

/// A whole number that must be 0 or more; empty is `None`.
pub fn parse_count(text: &str) -> Result<Option<i64>, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let v: i64 = t
        .replace(['.', ' '], "")
        .parse()
        .map_err(|_| Refusal::NotAWholeNumber(t.to_string()))?;
    if v < 0 {
        return Err(Refusal::Negative(v as f64));
    }
    Ok(Some(v))
}

/// A year within [`YEAR_MIN`]–[`YEAR_MAX`]; empty is `None`.
///
/// ```
/// use qn_planner::model::validate::{Refusal, parse_year};
/// use qn_planner::lang::Language;
/// assert_eq!(parse_year(" 2015 "), Ok(Some(2015)));
/// assert_eq!(parse_year(""), Ok(None));
/// let refused = parse_year("2045").unwrap_err();
/// assert_eq!(refused, Refusal::YearOutside(2045));
/// assert_eq!(refused.text(Language::Vi), "năm 2045 nằm ngoài 2000–2030");
/// ```
pub fn parse_year(text: &str) -> Result<Option<i32>, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let y: i64 = t
        .parse()
        .map_err(|_| Refusal::NotAWholeNumber(t.to_string()))?;
    if !(i64::from(YEAR_MIN)..=i64::from(YEAR_MAX)).contains(&y) {
        return Err(Refusal::YearOutside(y));
    }
    Ok(i32::try_from(y).ok())
}

/// A percentage 0–100; empty is `None`.
pub fn parse_percent(text: &str) -> Result<Option<f64>, Refusal> {
    match parse_real(text)? {
        Some(v) if !(0.0..=100.0).contains(&v) => Err(Refusal::PercentOutside(v)),
        v => Ok(v),
    }
}

/// A calendar date written YYYY-MM-DD (a real day of a real month); empty is `None`.
pub fn parse_date(text: &str) -> Result<Option<String>, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || Refusal::NotADate(t.to_string());
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let part = |r: std::ops::Range<usize>| -> Result<u32, Refusal> {
        let s = &t[r];
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    let (y, m, d) = (part(0..4)?, part(5..7)?, part(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days {
        return Err(bad());
    }
    Ok(Some(t.to_string()))
}

/// Sets the site field `field` from the text a planner typed, parsed and checked as that
/// field requires; the site is unchanged when the text is refused. The fields: `name`,
/// `kind`, `main_industries`, `craft`, `notes`, `investment_bn_vnd`, `jobs`,
/// `occupancy_pct`, `occupancy_year`, `green_buffer_m`, `decision_year`.
pub fn set_site_field(s: &mut Site, field: &'static str, text: &str) -> Result<(), FieldError> {
    let e = |r| err(field, r);
    match field {
        "name" => {
            if text.trim().is_empty() {
                return Err(e(Refusal::Empty));
            }
            s.name = text.to_string();
        }
        "kind" => s.kind = text.to_string(),
        "district_2006" => s.district_2006 = text.to_string(),
        "commune_2006" => s.commune_2006 = text.to_string(),
        "unit_2025" => s.unit_2025 = text.to_string(),
        "main_industries" => s.main_industries = text.to_string(),
        "craft" => s.craft = text.to_string(),
        "notes" => s.notes = text.to_string(),
        "investment_bn_vnd" => s.investment_bn_vnd = parse_non_negative(text).map_err(e)?,
        "jobs" => s.jobs = parse_count(text).map_err(e)?,
        "occupancy_pct" => s.occupancy_pct = parse_percent(text).map_err(e)?,
        "occupancy_year" => s.occupancy_year = parse_year(text).map_err(e)?,
        "green_buffer_m" => s.green_buffer_m = parse_non_negative(text).map_err(e)?,
        "decision_year" => s.decision_year = parse_year(text).map_err(e)?,
        _ => {}
    }
    Ok(())
}

/// Checks a record; an empty list means it may be stored.
pub fn validate_site(s: &Site) -> Vec<FieldError> {
    let mut out = Vec::new();
    if s.name.trim().is_empty() {
        out.push(err("name", Refusal::Empty));
    }
    if let Some(v) = s.investment_bn_vnd
        && (!v.is_finite() || v < 0.0)
    {
        out.push(err("investment_bn_vnd", Refusal::Negative(v)));
    }
    if let Some(v) = s.area_ha
        && (!v.is_finite() || v < 0.0)
    {
        out.push(err("area_ha", Refusal::Negative(v)));
    }
    if let Some(j) = s.jobs
        && j < 0
    {
        out.push(err("jobs", Refusal::Negative(j as f64)));
    }
    if let Some(y) = s.decision_year
        && !(YEAR_MIN..=YEAR_MAX).contains(&y)
    {
        out.push(err("decision_year", Refusal::YearOutside(i64::from(y))));
    }
    if let Some(v) = s.occupancy_pct
        && (!v.is_finite() || !(0.0..=100.0).contains(&v))
    {
        out.push(err("occupancy_pct", Refusal::PercentOutside(v)));
    }
    if let Some(y) = s.occupancy_year
        && !(YEAR_MIN..=YEAR_MAX).contains(&y)
    {
        out.push(err("occupancy_year", Refusal::YearOutside(i64::from(y))));
    }
    if let Some(v) = s.green_buffer_m
        && (!v.is_finite() || v < 0.0)
    {
        out.push(err("green_buffer_m", Refusal::Negative(v)));
    }
    if let Some(c) = s.pollution_class
        && !(1..=5).contains(&c)
    {
        out.push(err("pollution_class", Refusal::ClassOutside(i64::from(c))));
    }
    if let Some(g) = &s.geom {
        let bad = g
            .coords_iter()
            .any(|c| !c.x.is_finite() || !c.y.is_finite() || c.x.abs() > 180.0 || c.y.abs() > 90.0);
        if bad {
            out.push(err("geom", Refusal::BadCoordinate));
        }
        // What the file's geometry types can hold (schema 5): a planning site is a POINT, a
        // MULTIPOLYGON boundary, or both; protected and residential areas are MULTIPOLYGON.
        use geo_types::Geometry as G;
        let area = matches!(g, G::Polygon(_) | G::MultiPolygon(_));
        if s.layer.holds_areas_only() && !area {
            out.push(err("geom", Refusal::AreaOnly));
        } else if !area && !matches!(g, G::Point(_)) {
            out.push(err("geom", Refusal::PointOrArea));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Layer, Status};

    #[test]
    fn refuses_what_a_planner_could_mistype() {
        let mut s = Site::new(Layer::ProposedClusters, "Hà Khánh", Status::Proposed);
        assert!(validate_site(&s).is_empty());
        s.name = "  ".into();
        s.investment_bn_vnd = Some(-1.0);
        s.jobs = Some(-5);
        s.decision_year = Some(1999);
        s.area_ha = Some(f64::NAN);
        let fields: Vec<&str> = validate_site(&s).iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "name",
                "investment_bn_vnd",
                "area_ha",
                "jobs",
                "decision_year"
            ]
        );
        s = Site::new(Layer::ProposedClusters, "x", Status::Proposed);
        s.decision_year = Some(2030);
        s.geom = Some(geo_types::Geometry::Point(geo_types::Point::new(
            107.0, 95.0,
        )));
        let e = validate_site(&s);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "geom");
    }

    #[test]
    fn typed_texts_are_parsed_in_one_place_with_reasons_in_both_languages() {
        assert_eq!(parse_date("2016-02-29"), Ok(Some("2016-02-29".into())));
        assert_eq!(parse_date(""), Ok(None));
        for bad in ["2017-13-45", "2017-02-29", "2017-1-05", "abc", "2017-04-31"] {
            assert_eq!(parse_date(bad), Err(Refusal::NotADate(bad.into())), "{bad}");
        }
        assert_eq!(parse_real("1,5"), Ok(Some(1.5)));
        assert_eq!(parse_real("abc"), Err(Refusal::NotANumber("abc".into())));
        assert_eq!(parse_real("inf"), Err(Refusal::NotANumber("inf".into())));
        assert_eq!(parse_non_negative("-2"), Err(Refusal::Negative(-2.0)));
        assert_eq!(parse_count("1.200"), Ok(Some(1200)));
        assert_eq!(
            parse_count("1,5"),
            Err(Refusal::NotAWholeNumber("1,5".into()))
        );
        assert_eq!(parse_year("2045"), Err(Refusal::YearOutside(2045)));
        assert_eq!(parse_year(" 2012 "), Ok(Some(2012)));
        assert_eq!(parse_percent("120"), Err(Refusal::PercentOutside(120.0)));
        assert_eq!(
            Refusal::YearOutside(2045).text(Language::Vi),
            "năm 2045 nằm ngoài 2000–2030"
        );
        assert_eq!(
            Refusal::YearOutside(2045).to_string(),
            "year 2045 is outside 2000–2030"
        );
        // A refused field leaves the site as it was.
        let mut s = Site::new(Layer::ProposedClusters, "Hà Khánh", Status::Proposed);
        s.decision_year = Some(2012);
        let before = s.clone();
        let e = set_site_field(&mut s, "decision_year", "abc").unwrap_err();
        assert_eq!(e.field, "decision_year");
        assert_eq!(s, before);
        assert!(set_site_field(&mut s, "name", "  ").is_err());
        set_site_field(&mut s, "jobs", "350").unwrap();
        assert_eq!(s.jobs, Some(350));
    }
}
