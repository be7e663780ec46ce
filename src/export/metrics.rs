//! Text metrics of the bundled fonts, shared by everything that lays text out on a page.

use super::{ExportError, NOTO_SANS, NOTO_SANS_BOLD};

/// Text metrics of the bundled font, to size label boxes exactly.
pub(super) struct Metrics {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

impl Metrics {
    pub(super) fn new() -> Result<Metrics, ExportError> {
        let f = |b| {
            ttf_parser::Face::parse(b, 0).map_err(|e| ExportError::Invalid(format!("font: {e}")))
        };
        Ok(Metrics {
            regular: f(NOTO_SANS)?,
            bold: f(NOTO_SANS_BOLD)?,
        })
    }

    /// Width in mm of `text` at `size_mm`.
    pub(super) fn width(&self, text: &str, size_mm: f64, bold: bool) -> f64 {
        let face = if bold { &self.bold } else { &self.regular };
        let upem = f64::from(face.units_per_em());
        let units: f64 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map(f64::from)
                    .unwrap_or(upem * 0.5)
            })
            .sum();
        units / upem * size_mm
    }
}
