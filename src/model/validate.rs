//! What may be stored: every value a planner enters is checked here before it reaches the file.

use super::Site;
use geo::CoordsIter;

/// A refused value: the field and the reason, shown beside the field in the form.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: String,
}

pub const YEAR_MIN: i32 = 2000;
pub const YEAR_MAX: i32 = 2030;

fn err(field: &'static str, reason: impl Into<String>) -> FieldError {
    FieldError {
        field,
        reason: reason.into(),
    }
}

/// Checks a record; an empty list means it may be stored.
pub fn validate_site(s: &Site) -> Vec<FieldError> {
    let mut out = Vec::new();
    if s.name.trim().is_empty() {
        out.push(err("name", "the name is empty"));
    }
    if let Some(v) = s.investment_bn_vnd
        && (!v.is_finite() || v < 0.0)
    {
        out.push(err(
            "investment_bn_vnd",
            format!("investment {v} must be 0 or more"),
        ));
    }
    if let Some(v) = s.area_ha
        && (!v.is_finite() || v < 0.0)
    {
        out.push(err("area_ha", format!("area {v} must be 0 or more")));
    }
    if let Some(j) = s.jobs
        && j < 0
    {
        out.push(err("jobs", format!("jobs {j} must be 0 or more")));
    }
    if let Some(y) = s.decision_year
        && !(YEAR_MIN..=YEAR_MAX).contains(&y)
    {
        out.push(err(
            "decision_year",
            format!("year {y} is outside {YEAR_MIN}–{YEAR_MAX}"),
        ));
    }
    if let Some(v) = s.occupancy_pct
        && (!v.is_finite() || !(0.0..=100.0).contains(&v))
    {
        out.push(err(
            "occupancy_pct",
            format!("occupancy {v} % must be 0–100"),
        ));
    }
    if let Some(y) = s.occupancy_year
        && !(YEAR_MIN..=YEAR_MAX).contains(&y)
    {
        out.push(err(
            "occupancy_year",
            format!("year {y} is outside {YEAR_MIN}–{YEAR_MAX}"),
        ));
    }
    if let Some(v) = s.green_buffer_m
        && (!v.is_finite() || v < 0.0)
    {
        out.push(err(
            "green_buffer_m",
            format!("buffer {v} m must be 0 or more"),
        ));
    }
    if let Some(c) = s.pollution_class
        && !(1..=5).contains(&c)
    {
        out.push(err(
            "pollution_class",
            format!("class {c} must be I–V (1–5)"),
        ));
    }
    if let Some(g) = &s.geom {
        let bad = g
            .coords_iter()
            .any(|c| !c.x.is_finite() || !c.y.is_finite() || c.x.abs() > 180.0 || c.y.abs() > 90.0);
        if bad {
            out.push(err(
                "geom",
                "a coordinate is not a valid longitude/latitude",
            ));
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
}
