//! The bundled font (Noto Sans, SIL OFL 1.1): egui's built-in fonts lack most stacked
//! Vietnamese diacritics, so Noto Sans goes first in every family.

use egui::{FontData, FontDefinitions, FontFamily};
use std::sync::Arc;

pub const NOTO_SANS: &[u8] = include_bytes!("../../assets/NotoSans-Regular.ttf");
pub const NOTO_SANS_BOLD: &[u8] = include_bytes!("../../assets/NotoSans-Bold.ttf");

/// Name of the bold family used for town labels and headings.
pub const BOLD: &str = "bold";

pub fn install(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::default();
    fonts
        .font_data
        .insert("noto".into(), Arc::new(FontData::from_static(NOTO_SANS)));
    fonts.font_data.insert(
        "noto-bold".into(),
        Arc::new(FontData::from_static(NOTO_SANS_BOLD)),
    );
    fonts
        .families
        .entry(FontFamily::Proportional)
        .or_default()
        .insert(0, "noto".into());
    fonts
        .families
        .entry(FontFamily::Monospace)
        .or_default()
        .push("noto".into());
    let mut bold = vec!["noto-bold".to_string(), "noto".to_string()];
    if let Some(p) = fonts.families.get(&FontFamily::Proportional) {
        bold.extend(p.iter().skip(1).cloned());
    }
    fonts.families.insert(FontFamily::Name(BOLD.into()), bold);
    ctx.set_fonts(fonts);
}
