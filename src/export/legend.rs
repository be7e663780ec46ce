//! The layers' symbols (the map and its legend draw the same), the legend of a map page and
//! the locator inset.

use super::style_svg;
use super::{MapSpec, esc, tr};
use crate::analysis::labels::Bbox;
use crate::lang::Language;
use crate::model::style::{LayerStyle, Renderer};
use crate::model::{Layer, palette};
use crate::store::qml::GeomKind;
use geo_types::MultiPolygon;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Height of one legend row, mm.
pub(super) const ROW: f64 = 5.2;

/// What a map frame shows, for its legend to list nothing else.
#[derive(Debug, Clone, Default)]
pub(super) struct Shown {
    pub layers: Vec<Layer>,
    pub towns: bool,
    pub approximate: bool,
    pub opening: bool,
    pub not_yet_open: bool,
    pub border: bool,
    pub province_line: bool,
    /// The reference layers (tables) with features in the frame.
    pub references: Vec<String>,
}

/// The legend's entries (symbol SVG centred at 0,0, and name): the visible layers and what the
/// page marks, and of those, when `shown` is given, only what the frame shows.
pub(super) fn entries(
    spec: &MapSpec,
    styles: &BTreeMap<String, LayerStyle>,
    shown: Option<&Shown>,
) -> Vec<(String, String)> {
    let lang = spec.lang;
    let mut entries: Vec<(String, String)> = Vec::new();
    let has = |f: fn(&Shown) -> bool| shown.is_none_or(f);
    for layer in Layer::ALL {
        if !spec.layers.contains(&layer) || shown.is_some_and(|s| !s.layers.contains(&layer)) {
            continue;
        }
        let name = layer.name(lang);
        match styles.get(layer.table()) {
            Some(st) => {
                let kind = if layer.holds_areas_only() {
                    GeomKind::Polygon
                } else {
                    GeomKind::Point
                };
                styled_entries(&mut entries, st, kind, name, lang);
            }
            None => entries.push((symbol_svg(layer, 0.0, 0.0, SYMBOL_R), name.to_string())),
        }
    }
    for r in &spec.reference {
        if shown.is_some_and(|s| !s.references.contains(&r.table)) {
            continue;
        }
        if let Some(st) = &r.style {
            styled_entries(&mut entries, st, r.kind, &r.name, lang);
            continue;
        }
        let [cr, cg, cb] = r.color;
        entries.push((
            format!(
                r##"<rect x="-2.2" y="-1.6" width="4.4" height="3.2" fill="#{cr:02x}{cg:02x}{cb:02x}" fill-opacity="0.35" stroke="#{cr:02x}{cg:02x}{cb:02x}" stroke-width="0.3"/>"##
            ),
            r.name.clone(),
        ));
    }
    if spec.show_towns && has(|s| s.towns) {
        entries.push((
            format!(r##"<circle cx="0" cy="0" r="0.9" fill="white"/><circle cx="0" cy="0" r="0.6" fill="{}"/>"##, palette::hex(palette::TOWN)),
            tr(lang, "Thành phố, thị xã, thị trấn", "Towns and district seats").to_string(),
        ));
    }
    if has(|s| s.approximate) {
        entries.push((
            format!(r##"<circle cx="0" cy="0" r="2.1" fill="none" stroke="{}" stroke-width="0.25" stroke-dasharray="0.3,0.45"/>"##, palette::hex(palette::layer(Layer::IndustrialClusters))),
            tr(lang, "Vị trí gần đúng / tâm phường, xã", "Approximate / ward or commune centre").to_string(),
        ));
    }
    if spec.scenario.is_some() && spec.year.is_some() && has(|s| s.opening) {
        entries.push((
            format!(
                r##"<circle cx="0" cy="0" r="2.1" fill="none" stroke="{}" stroke-width="0.6"/>"##,
                palette::hex(palette::OPENING)
            ),
            tr(lang, "Mở trong năm", "Opens this year").to_string(),
        ));
    }
    if spec.scenario.is_some() && spec.year.is_some() && has(|s| s.not_yet_open) {
        entries.push((
            format!(
                r##"<g opacity="0.3">{}</g>"##,
                symbol_svg(Layer::ProposedClusters, 0.0, 0.0, SYMBOL_R)
            ),
            tr(lang, "Chưa mở (mờ)", "Not yet open (faded)").to_string(),
        ));
    }
    if has(|s| s.border) {
        entries.push((
            format!(
                r##"<path d="M-3,0 L3,0" stroke="{}" stroke-width="0.6"/>"##,
                palette::hex(palette::BORDER)
            ),
            tr(lang, "Biên giới Việt – Trung", "Vietnam–China border").to_string(),
        ));
    }
    if has(|s| s.province_line) {
        entries.push((
            format!(
                r##"<path d="M-3,0 L3,0" stroke="{}" stroke-width="0.45" stroke-dasharray="2,1"/>"##,
                palette::hex(palette::PROVINCE_LINE)
            ),
            tr(lang, "Ranh giới tỉnh", "Province boundary").to_string(),
        ));
    }
    entries
}

/// The most rows one layer's categories or classes take in the legend.
const MOST_CLASSES: usize = 14;

/// A styled layer's legend rows: its symbol and name, or its name and a row for each category
/// or class.
fn styled_entries(
    entries: &mut Vec<(String, String)>,
    st: &LayerStyle,
    kind: GeomKind,
    name: &str,
    lang: Language,
) {
    let rows = st.legend();
    if let Renderer::Single(s) = &st.renderer {
        entries.push((style_svg::swatch(s, kind), name.to_string()));
        return;
    }
    entries.push((String::new(), name.to_string()));
    let n = rows.len();
    for (i, (label, s)) in rows.into_iter().enumerate() {
        if i + 1 == MOST_CLASSES && n > MOST_CLASSES {
            entries.push((
                String::new(),
                match lang {
                    Language::Vi => format!("   … và {} mục khác", n - i),
                    Language::En => format!("   … and {} more", n - i),
                },
            ));
            break;
        }
        let label = if label.is_empty() {
            "—".to_string()
        } else {
            label
        };
        let label = if label == "all other values" && lang == Language::Vi {
            "các giá trị khác".to_string()
        } else {
            label
        };
        entries.push((
            format!(
                r#"<g transform="translate(3,0)">{}</g>"#,
                style_svg::swatch(s, kind)
            ),
            format!("   {label}"),
        ));
    }
}

/// The height of a legend of `n` entries `row` mm apart, mm.
pub(super) fn height(n: usize, row: f64) -> f64 {
    9.0 + row * n as f64
}

/// The row height that fits `n` entries in `room` mm: [`ROW`], or less (never under 3 mm) for
/// a long legend (many categories).
pub(super) fn row_for(n: usize, room: f64) -> f64 {
    if height(n, ROW) <= room || n == 0 {
        ROW
    } else {
        ((room - 9.0) / n as f64).clamp(3.0, ROW)
    }
}

/// Draws the legend box at (lx, ly), `lw` wide and `h` high, its entries `row` mm apart
/// (symbols and text shrunk with a row under [`ROW`]); returns its box.
pub(super) fn draw(
    svg: &mut String,
    entries: &[(String, String)],
    (lx, ly, lw, h): (f64, f64, f64, f64),
    row: f64,
    lang: Language,
) -> Bbox {
    let k = (row / ROW).min(1.0);
    let _ = write!(
        svg,
        r##"<rect x="{lx:.2}" y="{ly:.2}" width="{lw:.2}" height="{h:.2}" fill="white" stroke="#999" stroke-width="0.2"/><text x="{:.2}" y="{:.2}" font-size="3.4" font-weight="bold" fill="#111">{}</text>"##,
        lx + 3.0,
        ly + 5.5,
        tr(lang, "Chú giải", "Legend")
    );
    for (i, (sym, name)) in entries.iter().enumerate() {
        let y = ly + 10.5 * k.max(0.8) + row * i as f64;
        let _ = write!(
            svg,
            r##"<g transform="translate({:.2},{y:.2}) scale({k:.3})">{sym}</g><text x="{:.2}" y="{:.2}" font-size="{:.2}" fill="#111">{}</text>"##,
            lx + 6.0,
            lx + 11.0,
            y + 1.0 * k,
            2.9 * k,
            esc(name)
        );
    }
    Bbox::new([lx as f32, ly as f32], [(lx + lw) as f32, (ly + h) as f32])
}

/// The layer's symbol centred at (x, y), radius `r` mm (as in the window).
/// Radius of a site's symbol on the page, mm (the legend draws the same).
pub(super) const SYMBOL_R: f64 = 1.5;

pub(super) fn symbol_svg(layer: Layer, x: f64, y: f64, r: f64) -> String {
    let c = palette::hex(palette::layer(layer));
    match layer {
        Layer::IndustrialZones => format!(
            r##"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{c}" stroke="white" stroke-width="0.25"/>"##,
            x - r * 0.9,
            y - r * 0.9,
            r * 1.8,
            r * 1.8
        ),
        Layer::IndustrialClusters => format!(
            r##"<circle cx="{x:.2}" cy="{y:.2}" r="{r:.2}" fill="{c}" stroke="white" stroke-width="0.25"/>"##
        ),
        Layer::ProposedClusters => format!(
            r##"<circle cx="{x:.2}" cy="{y:.2}" r="{r:.2}" fill="white" fill-opacity="0.8" stroke="{c}" stroke-width="0.45" stroke-dasharray="0.55,0.4"/><circle cx="{x:.2}" cy="{y:.2}" r="0.35" fill="{c}"/>"##
        ),
        Layer::CraftVillages => format!(
            r##"<path d="M{x:.2},{:.2} L{:.2},{:.2} L{:.2},{:.2} Z" fill="{c}" stroke="white" stroke-width="0.25"/>"##,
            y - r * 1.1,
            x + r,
            y + r * 0.8,
            x - r,
            y + r * 0.8
        ),
        Layer::IndustrialCentres => format!(
            r##"<path d="M{x:.2},{:.2} L{:.2},{y:.2} L{x:.2},{:.2} L{:.2},{y:.2} Z" fill="{c}" stroke="white" stroke-width="0.25"/>"##,
            y - r * 1.2,
            x + r,
            y + r * 1.2,
            x - r
        ),
        Layer::ProtectedAreas | Layer::ResidentialAreas => format!(
            r##"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{c}" fill-opacity="0.35" stroke="{c}" stroke-width="0.4"/>"##,
            x - r,
            y - r,
            2.0 * r,
            2.0 * r
        ),
    }
}

/// The Vietnamese archipelagos among the locator's features (`maps/extract_locator.py`), with
/// the place their name goes (lon, lat, text-anchor).
const ARCHIPELAGOS: [(&str, f64, f64, &str); 2] = [
    ("Hoàng Sa", 112.0, 17.6, "middle"),
    ("Trường Sa", 117.2, 12.3, "end"),
];

/// The locator inset (Mercator, Natural Earth 1:50m, the islands 1:10m) in the box (x, y, w, h)
/// mm: Vietnam with its Hoàng Sa and Trường Sa archipelagos, named, the East Sea named "Biển
/// Đông", the neighbouring countries, and Quảng Ninh's box in red.
pub(super) fn locator_svg(
    locator: &[(String, MultiPolygon<f64>)],
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    lang: Language,
) -> String {
    // Mercator over lon 100–113, lat 7.5–24.
    let merc = |lat: f64| {
        (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0)
            .tan()
            .ln()
    };
    let (lon0, lon1, lat0, lat1): (f64, f64, f64, f64) = (100.5, 117.5, 6.5, 24.0);
    let (m0, m1) = (merc(lat0), merc(lat1));
    let sx = w / (lon1 - lon0).to_radians();
    let sy = h / (m1 - m0);
    let s = sx.min(sy);
    let ox = x + (w - (lon1 - lon0).to_radians() * s) / 2.0;
    let oy = y + (h - (m1 - m0) * s) / 2.0;
    let pt = |lon: f64, lat: f64| -> (f64, f64) {
        (
            ox + (lon - lon0).to_radians() * s,
            oy + (m1 - merc(lat.clamp(-85.0, 85.0))) * s,
        )
    };
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<defs><clipPath id="inset"><rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}"/></clipPath></defs><rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="{}"/><g clip-path="url(#inset)">"##,
        palette::hex(palette::SEA)
    );
    for (name, mp) in locator {
        let mut d = String::new();
        for p in &mp.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                // Points closer than a sixth of a millimetre to the last one drawn are left
                // out: finer than the inset's line, and a tenth of the bytes.
                let mut last: Option<(f64, f64)> = None;
                let n = ring.0.len();
                for (i, c) in ring.0.iter().enumerate() {
                    let (px, py) = pt(c.x, c.y);
                    if let Some((lx, ly)) = last
                        && i + 1 < n
                        && (px - lx).abs() < 0.16
                        && (py - ly).abs() < 0.16
                    {
                        continue;
                    }
                    let _ = write!(
                        d,
                        "{}{px:.2},{py:.2}",
                        if last.is_none() { "M" } else { "L" }
                    );
                    last = Some((px, py));
                }
                d.push('Z');
            }
        }
        let vietnamese = name == "Vietnam" || ARCHIPELAGOS.iter().any(|a| a.0 == name);
        let fill = if vietnamese { "#e8dfc8" } else { "#dcdcd8" };
        let _ = write!(
            out,
            r##"<path d="{d}" fill="{fill}" stroke="#888" stroke-width="0.15" fill-rule="evenodd"/>"##
        );
        // Islands of a few hundred metres are smaller than the line at this scale: each is
        // marked with a dot of Vietnam's colour.
        if name != "Vietnam" && vietnamese {
            for p in &mp.0 {
                let ring = &p.exterior().0;
                let n = ring.len().max(1) as f64;
                let (cx, cy) = ring
                    .iter()
                    .fold((0.0, 0.0), |(a, b), c| (a + c.x / n, b + c.y / n));
                let (px, py) = pt(cx, cy);
                let _ = write!(
                    out,
                    r##"<circle cx="{px:.2}" cy="{py:.2}" r="0.45" fill="{fill}" stroke="#6b5a3a" stroke-width="0.15"/>"##
                );
            }
        }
    }
    let (qx0, qy0) = pt(106.4, 21.7);
    let (qx1, qy1) = pt(108.2, 20.6);
    let _ = write!(
        out,
        r##"<rect x="{qx0:.2}" y="{qy0:.2}" width="{:.2}" height="{:.2}" fill="none" stroke="#d62728" stroke-width="0.6"/></g><rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="none" stroke="#999" stroke-width="0.2"/>"##,
        qx1 - qx0,
        qy1 - qy0
    );
    // "VIỆT NAM" on Vietnam's own land (the north, its widest part), not on Laos.
    let (vx, vy) = pt(104.7, 22.0);
    let _ = write!(
        out,
        r##"<text x="{vx:.2}" y="{vy:.2}" font-size="2.2" font-weight="bold" fill="#555" text-anchor="middle">{}</text><text x="{:.2}" y="{:.2}" font-size="2.4" fill="#d62728">Quảng Ninh</text>"##,
        tr(lang, "VIỆT NAM", "VIET NAM"),
        qx1 + 1.0,
        qy0 + 2.0
    );
    for (name, lon, lat, anchor) in ARCHIPELAGOS {
        let (ax, ay) = pt(lon, lat);
        let _ = write!(
            out,
            r##"<text x="{ax:.2}" y="{ay:.2}" font-size="1.9" fill="#6b5a3a" text-anchor="{anchor}">{} {name}</text>"##,
            tr(lang, "Quần đảo", "Archipelago")
        );
        let _ = write!(
            out,
            r##"<text x="{ax:.2}" y="{:.2}" font-size="1.6" fill="#6b5a3a" text-anchor="{anchor}">({})</text>"##,
            ay + 2.0,
            tr(lang, "Việt Nam", "Viet Nam")
        );
    }
    let (bx, by) = pt(113.6, 15.0);
    let _ = write!(
        out,
        r##"<text x="{bx:.2}" y="{by:.2}" font-size="2.4" font-style="italic" fill="#3d6e95" text-anchor="middle">{}</text>"##,
        tr(lang, "Biển Đông", "Biển Đông (East Sea)")
    );
    out
}
