//! A layer style's symbols as SVG: area fills (solid or hatched), outlines with their dashes,
//! point shapes, and the legend swatches.

use crate::model::palette;
use crate::model::style::{Brush, Dash, Symbol};
use crate::store::qml::GeomKind;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

static PATTERN: AtomicU64 = AtomicU64::new(0);

/// The spacing of hatch lines, mm.
const HATCH_MM: f64 = 1.2;

/// The stroke attributes of `s`'s outline at `opacity` (none for no pen).
pub(super) fn stroke(s: &Symbol, opacity: f64) -> String {
    if s.dash == Dash::NoPen || s.outline_mm <= 0.0 {
        return r#" stroke="none""#.into();
    }
    let w = f64::from(s.outline_mm).max(0.05);
    let mut out = format!(
        r#" stroke="{}" stroke-width="{w:.2}" stroke-opacity="{:.3}""#,
        palette::hex([s.outline[0], s.outline[1], s.outline[2]]),
        f64::from(s.outline[3]) / 255.0 * opacity
    );
    if let Some(p) = s.dash.pattern() {
        let _ = write!(
            out,
            r#" stroke-dasharray="{:.2},{:.2},{:.2},{:.2}""#,
            p[0] * w,
            p[1] * w,
            p[2] * w,
            p[3] * w
        );
    }
    out
}

/// The fill attributes of an area of `s` at `opacity`; a hatch's pattern is written to `defs`
/// (which must precede the area in the SVG).
pub(super) fn area_fill(s: &Symbol, opacity: f64, defs: &mut String) -> String {
    let colour = palette::hex(s.fill);
    let a = f64::from(s.opacity) * opacity;
    match s.brush {
        Brush::NoBrush => r#" fill="none""#.into(),
        Brush::Solid => format!(r#" fill="{colour}" fill-opacity="{a:.3}""#),
        hatch => {
            let id = format!("qnh{}", PATTERN.fetch_add(1, Ordering::Relaxed));
            let h = HATCH_MM;
            let (lines, rotate) = match hatch {
                Brush::Horizontal => (format!("M0,{m} H{h}", m = h / 2.0), 0),
                Brush::Vertical => (format!("M{m},0 V{h}", m = h / 2.0), 0),
                Brush::Cross => (format!("M0,{m} H{h} M{m},0 V{h}", m = h / 2.0), 0),
                Brush::BDiagonal => (format!("M0,{m} H{h}", m = h / 2.0), 45),
                Brush::FDiagonal => (format!("M0,{m} H{h}", m = h / 2.0), -45),
                _ => (format!("M0,{m} H{h} M{m},0 V{h}", m = h / 2.0), 45),
            };
            let _ = write!(
                defs,
                r#"<defs><pattern id="{id}" patternUnits="userSpaceOnUse" width="{h}" height="{h}" patternTransform="rotate({rotate})"><path d="{lines}" stroke="{colour}" stroke-opacity="{:.3}" stroke-width="0.18" fill="none"/></pattern></defs>"#,
                a.clamp(0.6, 1.0) * opacity.min(1.0)
            );
            format!(r#" fill="url(#{id})""#)
        }
    }
}

/// A point symbol of `s` centred at (x, y).
pub(super) fn marker(s: &Symbol, x: f64, y: f64, opacity: f64) -> String {
    let r = f64::from(s.size_mm).max(0.4) / 2.0;
    let mut d = String::new();
    for (i, (px, py)) in s.shape.outline(x, y, r).into_iter().enumerate() {
        let _ = write!(d, "{}{px:.2},{py:.2}", if i == 0 { "M" } else { "L" });
    }
    d.push('Z');
    format!(
        r#"<path d="{d}" fill="{}" fill-opacity="{opacity:.3}"{}/>"#,
        palette::hex(s.fill),
        stroke(s, opacity)
    )
}

/// The legend swatch of `s` for a table of `kind`, centred at 0,0.
pub(super) fn swatch(s: &Symbol, kind: GeomKind) -> String {
    match kind {
        // A large marker is drawn smaller in the legend (3.6 mm at most), so that rows
        // never touch.
        GeomKind::Point => {
            let k = (3.6 / f64::from(s.size_mm).max(0.4)).min(1.0);
            if k < 1.0 {
                format!(
                    r#"<g transform="scale({k:.3})">{}</g>"#,
                    marker(s, 0.0, 0.0, 1.0)
                )
            } else {
                marker(s, 0.0, 0.0, 1.0)
            }
        }
        GeomKind::Line => format!(
            r#"<path d="M-2.5,0 L2.5,0" fill="none"{}/>"#,
            stroke(s, 1.0)
        ),
        GeomKind::Polygon => {
            let mut defs = String::new();
            let fill = area_fill(s, 1.0, &mut defs);
            format!(
                r#"{defs}<rect x="-2.2" y="-1.6" width="4.4" height="3.2"{fill}{}/>"#,
                stroke(s, 1.0)
            )
        }
    }
}
