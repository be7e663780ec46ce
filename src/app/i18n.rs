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
    match lang {
        Language::Vi => l.name_vi(),
        Language::En => l.name_en(),
    }
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
