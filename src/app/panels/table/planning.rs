//! A planning layer's rows for the table: the columns a planner reads (in the window's
//! language), built from the project's sites, and which of them can be typed in.

use super::grid::{Grid, GridBuilder};
use crate::app::i18n::{self, tr};
use crate::lang::Language;
use crate::model::style::Value;
use crate::model::validate::{FieldError, set_site_field};
use crate::model::{Layer, Project, Site};

/// The grid's columns: (field, Vietnamese heading, English heading, decimals shown).
const COLUMNS: [(&str, &str, &str, Option<usize>); 12] = [
    ("name", "Tên", "Name", None),
    ("status", "Trạng thái", "Status", None),
    ("planned_phase", "Giai đoạn", "Phase", None),
    ("district_2006", "Huyện 2006", "District 2006", None),
    ("commune_2006", "Xã 2006", "Commune 2006", None),
    ("unit_2025", "Đơn vị 2025", "Unit 2025", None),
    ("area_ha", "Diện tích (ha)", "Area (ha)", Some(2)),
    (
        "investment_bn_vnd",
        "Vốn (tỷ đ)",
        "Investment (bn VND)",
        Some(1),
    ),
    ("jobs", "Lao động", "Jobs", Some(0)),
    ("decision_year", "Năm QĐ", "Year", Some(0)),
    ("source_para", "Nguồn", "Source", None),
    ("notes", "Ghi chú", "Notes", None),
];

fn value(lang: Language, s: &Site, field: &str) -> Value {
    let text = |t: String| {
        if t.is_empty() {
            Value::Null
        } else {
            Value::Text(t)
        }
    };
    let num = |n: Option<f64>| n.filter(|x| x.is_finite()).map_or(Value::Null, Value::Num);
    match field {
        "name" => text(s.name.clone()),
        "status" => text(i18n::site_status(lang, s)),
        "planned_phase" => text(
            s.planned_phase
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
        ),
        "district_2006" => text(s.district_2006.clone()),
        "commune_2006" => text(s.commune_2006.clone()),
        "unit_2025" => text(s.unit_2025.clone()),
        "area_ha" => num(s.area_ha),
        "investment_bn_vnd" => num(s.investment_bn_vnd),
        "jobs" => num(s.jobs.map(|j| j as f64)),
        "decision_year" => num(s.decision_year.map(f64::from)),
        "source_para" => text(s.source_para.clone()),
        "notes" => text(s.notes.clone()),
        _ => Value::Null,
    }
}

/// The rows of `layer` (fid order) in the window's language.
pub fn grid(lang: Language, project: &Project, layer: Layer) -> Grid {
    let mut b = GridBuilder::new(
        COLUMNS
            .iter()
            .map(|(f, vi, en, _)| (f.to_string(), tr(lang, vi, en).to_string()))
            .collect(),
    );
    for (i, (_, _, _, d)) in COLUMNS.iter().enumerate() {
        if let Some(d) = d {
            // A column shown with decimals is one of numbers.
            b.decimals(i, *d);
            b.numbers(i);
        }
    }
    let mut sites: Vec<&Site> = project.sites_of(layer).collect();
    sites.sort_by_key(|s| s.fid);
    let mut values = Vec::with_capacity(COLUMNS.len());
    for s in sites {
        values.clear();
        values.extend(COLUMNS.iter().map(|(f, ..)| value(lang, s, f)));
        b.push(s.fid, &values);
    }
    b.finish()
}

/// The field typed in column `col`, if a planner may type in it there.
pub fn editable(col: usize) -> Option<&'static str> {
    match COLUMNS.get(col)?.0 {
        f @ ("name" | "investment_bn_vnd" | "jobs" | "decision_year" | "notes") => Some(f),
        _ => None,
    }
}

/// Sets the field of column `col` of `s` from the typed `text`, parsed and checked in the
/// domain as the form does.
pub fn set_cell(s: &mut Site, col: usize, text: &str) -> Result<(), FieldError> {
    match editable(col) {
        Some(field) => set_site_field(s, field, text),
        None => Ok(()),
    }
}
