//! The two UI languages. Strings sit in pairs at their point of use: `tr(lang, vi, en)`.

pub use crate::lang::Language;
use crate::model::{Layer, Precision, Status};

pub fn tr(lang: Language, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Language::Vi => vi,
        Language::En => en,
    }
}

pub fn layer_name(lang: Language, l: Layer) -> &'static str {
    l.name(lang)
}

pub fn status(lang: Language, s: Status) -> &'static str {
    s.label(lang)
}

/// A site's status in the planner's words; a value another program wrote that qn-planner does
/// not know shows as it is, said to be unknown.
pub fn site_status(lang: Language, s: &crate::model::Site) -> String {
    match s.status {
        Status::Unknown => format!(
            "«{}» ({})",
            s.status_text(),
            tr(
                lang,
                "qn-planner không biết",
                "not a status qn-planner knows"
            )
        ),
        st => status(lang, st).to_string(),
    }
}

pub fn precision(lang: Language, p: Precision) -> &'static str {
    p.label(lang)
}

/// A logged column in the planner's words (the boundary's geometry is the boundary).
pub(crate) fn field_label(lang: Language, table: &str, field: &str) -> String {
    let t = |vi: &'static str, en: &'static str| tr(lang, vi, en).to_string();
    match field {
        "geom" if table.ends_with("_boundary") => t("ranh giới", "boundary"),
        "geom" => t("vị trí", "position"),
        "name" => t("tên", "name"),
        "kind" => t("loại", "kind"),
        "status" => t("trạng thái", "status"),
        "district_2006" => t("huyện (2006)", "district (2006)"),
        "location_precision" => t("độ chính xác vị trí", "location precision"),
        "location_source" => t("nguồn vị trí", "location source"),
        "notes" => t("ghi chú", "notes"),
        "planned_phase" => t("giai đoạn", "planned phase"),
        "area_ha" => t("diện tích (ha)", "area (ha)"),
        "main_industries" => t("ngành chính", "main industries"),
        "investment_bn_vnd" => t("vốn đầu tư (tỷ đồng)", "investment (bn VND)"),
        "jobs" => t("lao động", "jobs"),
        "decision_year" => t("năm quyết định", "decision year"),
        "craft" => t("nghề", "craft"),
        "occupancy_pct" => t("tỉ lệ lấp đầy (%)", "occupancy (%)"),
        "occupancy_year" => t("năm lấp đầy", "occupancy year"),
        "green_buffer_m" => t("dải cây xanh (m)", "green buffer (m)"),
        "pollution_class" => t("nhóm ô nhiễm", "pollution class"),
        "site_key" => t("mã", "key"),
        other => other.to_string(),
    }
}

/// How a value of a conflict reads.
pub(crate) fn value_text(lang: Language, c: &crate::store::Cell, deleted: bool) -> String {
    if deleted {
        return tr(lang, "(đã xóa)", "(deleted)").into();
    }
    match c {
        crate::store::Cell::Null => tr(lang, "(trống)", "(empty)").into(),
        crate::store::Cell::Int(i) => i.to_string(),
        crate::store::Cell::Real(r) => format!("{r}"),
        crate::store::Cell::Text(t) => t.clone(),
        crate::store::Cell::Wkb(w) => match crate::store::geometry_of_wkb(w) {
            Some(geo_types::Geometry::Point(p)) => {
                format!("{:.5}° N  {:.5}° E", p.y(), p.x())
            }
            g => {
                let n = g.map(|g| geo::CoordsIter::coords_count(&g)).unwrap_or(0);
                match lang {
                    Language::Vi => format!("vùng ({n} đỉnh)"),
                    Language::En => format!("area ({n} vertices)"),
                }
            }
        },
    }
}
