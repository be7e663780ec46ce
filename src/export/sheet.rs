//! What makes a map page an official sheet: the issuing body over the title, the title block
//! ("khung tên": scenario and year, written scale, coordinate system, date, author, a free
//! note, the draft mark), the scale bar with its written scale, the "DỰ THẢO" watermark and
//! the coordinate grid labelled at the frame.

use super::frame::Frame;
use super::layout::written_scale;
use super::metrics::Metrics;
use super::{Grid, MapSpec, esc, tr};
use crate::io::crs::Tm3;
use crate::lang::Language;
use std::fmt::Write;

/// The colour of the draft mark.
const DRAFT_RED: &str = "#c0392b";

/// The coordinate system as the title block writes it.
pub(super) fn crs_text(lang: Language) -> &'static str {
    tr(
        lang,
        "VN-2000, KTT 107°45′, múi 3° (EPSG:5899)",
        "VN-2000 / TM-3, central meridian 107°45′ (EPSG:5899)",
    )
}

/// The issuing body's lines: split at " — " (or a line break), as a Vietnamese document
/// heads its first page.
fn issuer_lines(issuer: &str) -> Vec<&str> {
    issuer
        .split(['\n', '—'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// The height the header needs above the map frame, mm.
pub(super) fn header_height(spec: &MapSpec, k: f64) -> f64 {
    if spec.title_block && !spec.issuer.trim().is_empty() {
        23.0 * k
    } else {
        19.0 * k
    }
}

/// Draws the header: the issuing body (one line, its parts joined), the title shrunk to fit
/// `width`, the subtitle; and, on a draft, a boxed "DỰ THẢO" at the right.
pub(super) fn header(
    svg: &mut String,
    spec: &MapSpec,
    m: &Metrics,
    x: f64,
    y: f64,
    width: f64,
    k: f64,
) {
    let mut top = y;
    let draft_w = if spec.draft { 30.0 * k } else { 0.0 };
    if spec.title_block && !spec.issuer.trim().is_empty() {
        let line = issuer_lines(&spec.issuer).join(" — ");
        let size = fit(m, &line, 3.1 * k, true, width - draft_w);
        let _ = write!(
            svg,
            r##"<text x="{x:.2}" y="{:.2}" font-size="{size:.2}" font-weight="bold" fill="#222">{}</text>"##,
            top + 3.6 * k,
            esc(&line)
        );
        let w = m.width(&line, size, true).min(width);
        let _ = write!(
            svg,
            r##"<line x1="{x:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="#222" stroke-width="0.2"/>"##,
            top + 4.8 * k,
            x + w * 0.35,
            top + 4.8 * k
        );
        top += 4.0 * k;
    }
    let size = fit(m, &spec.title, 6.4 * k, true, width - draft_w);
    let _ = write!(
        svg,
        r##"<text x="{x:.2}" y="{:.2}" font-size="{size:.2}" font-weight="bold" fill="#111">{}</text>"##,
        top + 7.0 * k,
        esc(&spec.title)
    );
    if !spec.subtitle.is_empty() {
        let size = fit(m, &spec.subtitle, 4.0 * k, false, width - draft_w);
        let _ = write!(
            svg,
            r##"<text x="{x:.2}" y="{:.2}" font-size="{size:.2}" fill="#333">{}</text>"##,
            top + 14.0 * k,
            esc(&spec.subtitle)
        );
    }
    if spec.draft {
        let text = tr(spec.lang, "DỰ THẢO", "DRAFT");
        let size = 4.6 * k;
        let w = m.width(text, size, true) + 4.0 * k;
        let bx = x + width - w;
        let _ = write!(
            svg,
            r##"<rect x="{bx:.2}" y="{:.2}" width="{w:.2}" height="{:.2}" fill="none" stroke="{DRAFT_RED}" stroke-width="{:.2}"/><text x="{:.2}" y="{:.2}" font-size="{size:.2}" font-weight="bold" fill="{DRAFT_RED}" text-anchor="middle">{text}</text>"##,
            y + 1.0 * k,
            8.0 * k,
            0.5 * k,
            bx + w / 2.0,
            y + 6.7 * k,
        );
    }
}

/// The font size (≤ `size`) at which `text` fits `width`.
fn fit(m: &Metrics, text: &str, size: f64, bold: bool, width: f64) -> f64 {
    let w = m.width(text, size, bold);
    if w <= width || w <= 0.0 {
        size
    } else {
        (size * width / w).max(size * 0.45)
    }
}

/// The title block's rows (label, value).
fn block_rows(spec: &MapSpec, scale: f64) -> Vec<(&'static str, String)> {
    let lang = spec.lang;
    let scenario = match (&spec.scenario, spec.year) {
        (Some(s), Some(y)) => format!("{} — {y}", s.name),
        (Some(s), None) => s.name.clone(),
        _ => tr(
            lang,
            "Báo cáo 2007 (không theo kịch bản)",
            "2007 report (no scenario)",
        )
        .into(),
    };
    vec![
        (tr(lang, "Kịch bản, năm", "Scenario, year"), scenario),
        (tr(lang, "Tỷ lệ", "Scale"), written_scale(scale)),
        (tr(lang, "Hệ tọa độ", "Coordinates"), crs_text(lang).into()),
        (tr(lang, "Ngày lập", "Date"), spec.date.clone()),
        (tr(lang, "Người lập", "Drawn by"), spec.author.clone()),
    ]
}

/// `text` broken into lines no wider than `width` at `size`.
pub(super) fn wrap(m: &Metrics, text: &str, size: f64, width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && m.width(&candidate, size, false) > width {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            } else {
                line = candidate;
            }
        }
        lines.push(line);
    }
    lines
}

/// Row height and type size of the title block, mm.
fn block_type(k: f64) -> (f64, f64) {
    (4.4 * k, 2.5 * k)
}

/// The most lines of the free note the block shows.
const NOTE_LINES: usize = 8;

/// The title block's height at `width`, mm.
pub(super) fn block_height(spec: &MapSpec, m: &Metrics, width: f64, k: f64) -> f64 {
    let (row, size) = block_type(k);
    let note = if spec.note.trim().is_empty() {
        0
    } else {
        wrap(m, &spec.note, size, width - 4.0 * k)
            .len()
            .min(NOTE_LINES)
    };
    let rows = block_rows(spec, 1.0).len() + usize::from(spec.draft);
    2.0 * k + row * (rows + note) as f64 + if note > 0 { 2.0 * k } else { 0.0 }
}

/// Draws the title block in the box (x, y, w): a ruled table of the rows, the note, and the
/// draft line.
pub(super) fn block(
    svg: &mut String,
    spec: &MapSpec,
    m: &Metrics,
    (x, y, w): (f64, f64, f64),
    scale: f64,
    k: f64,
) {
    let (row, size) = block_type(k);
    let h = block_height(spec, m, w, k);
    let _ = write!(
        svg,
        r##"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="white" stroke="#222" stroke-width="{:.2}"/>"##,
        0.35 * k
    );
    let label_w = 24.0 * k;
    let mut ty = y + 1.0 * k;
    for (i, (label, value)) in block_rows(spec, scale).into_iter().enumerate() {
        if i > 0 {
            let _ = write!(
                svg,
                r##"<line x1="{x:.2}" y1="{ty:.2}" x2="{:.2}" y2="{ty:.2}" stroke="#999" stroke-width="0.15"/>"##,
                x + w
            );
        }
        let vsize = fit(m, &value, size, i == 1, w - label_w - 3.0 * k);
        let _ = write!(
            svg,
            r##"<text x="{:.2}" y="{:.2}" font-size="{:.2}" fill="#555">{}</text><text x="{:.2}" y="{:.2}" font-size="{vsize:.2}"{} fill="#111">{}</text>"##,
            x + 2.0 * k,
            ty + row * 0.7,
            size * 0.92,
            esc(label),
            x + label_w,
            ty + row * 0.7,
            if i == 1 { r#" font-weight="bold""# } else { "" },
            esc(&value)
        );
        ty += row;
    }
    let _ = write!(
        svg,
        r##"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="#999" stroke-width="0.15"/>"##,
        x + label_w - 1.5 * k,
        y + 1.0 * k,
        x + label_w - 1.5 * k,
        ty
    );
    if !spec.note.trim().is_empty() {
        let lines = wrap(m, &spec.note, size, w - 4.0 * k);
        let _ = write!(
            svg,
            r##"<line x1="{x:.2}" y1="{ty:.2}" x2="{:.2}" y2="{ty:.2}" stroke="#999" stroke-width="0.15"/>"##,
            x + w
        );
        ty += 1.0 * k;
        let n = lines.len();
        for (i, line) in lines.into_iter().take(NOTE_LINES).enumerate() {
            let text = if i + 1 == NOTE_LINES && n > NOTE_LINES {
                format!("{line} …")
            } else {
                line
            };
            let _ = write!(
                svg,
                r##"<text x="{:.2}" y="{:.2}" font-size="{size:.2}" fill="#222">{}</text>"##,
                x + 2.0 * k,
                ty + row * 0.7,
                esc(&text)
            );
            ty += row;
        }
        ty += 1.0 * k;
    }
    if spec.draft {
        let _ = write!(
            svg,
            r##"<line x1="{x:.2}" y1="{ty:.2}" x2="{:.2}" y2="{ty:.2}" stroke="#999" stroke-width="0.15"/><text x="{:.2}" y="{:.2}" font-size="{size:.2}" font-weight="bold" fill="{DRAFT_RED}">{}</text>"##,
            x + w,
            x + 2.0 * k,
            ty + row * 0.7,
            tr(
                spec.lang,
                "DỰ THẢO — chưa phê duyệt, không dùng để công bố",
                "DRAFT — not approved, not for publication"
            )
        );
    }
}

/// The "DỰ THẢO" watermark across the map frame: large, red, faint, diagonal.
pub(super) fn draft_watermark(svg: &mut String, fr: &Frame, m: &Metrics, lang: Language) {
    let text = tr(lang, "DỰ THẢO", "DRAFT");
    let (cx, cy) = (fr.x + fr.w / 2.0, fr.y + fr.h / 2.0);
    let diag = (fr.w * fr.w + fr.h * fr.h).sqrt();
    let size = (diag * 0.6 / m.width(text, 1.0, true).max(0.1)).min(fr.h * 0.45);
    let angle = -(fr.h.atan2(fr.w).to_degrees());
    let _ = write!(
        svg,
        r##"<text x="{cx:.2}" y="{:.2}" font-size="{size:.2}" font-weight="bold" fill="{DRAFT_RED}" fill-opacity="0.16" text-anchor="middle" transform="rotate({angle:.2} {cx:.2} {cy:.2})">{text}</text>"##,
        cy + size * 0.36
    );
}

/// The box a scale bar covers, mm.
pub(super) struct Bar {
    pub min: [f64; 2],
    pub max: [f64; 2],
}

/// Draws the scale bar with its top-left at (bx, by): two halves, black and white, ticks at 0,
/// the middle and the end reaching below the bar, the lengths over it and the written scale
/// beside it.
#[allow(clippy::too_many_arguments)]
pub(super) fn scale_bar(
    svg: &mut String,
    m: &Metrics,
    (bx, by): (f64, f64),
    bar_mm: f64,
    label: &str,
    written: Option<&str>,
    lang: Language,
    k: f64,
) -> Bar {
    let half = bar_mm / 2.0;
    let text = 2.8 * k;
    let bar_h = 1.2 * k;
    let tick = 0.2 * k;
    let written_size = 3.0 * k;
    let written_text = written.map(|w| format!("{} {w}", tr(lang, "Tỷ lệ", "Scale")));
    let written_w = written_text
        .as_ref()
        .map_or(0.0, |t| m.width(t, written_size, true) + 4.0 * k);
    let label_w = m.width(label, text, false) / 2.0;
    let min = [bx - 2.0 * k, by - 2.0 * k - text];
    let max = [
        bx + bar_mm + label_w.max(2.0 * k) + written_w + 1.0 * k,
        by + bar_h + 2.4 * k,
    ];
    let _ = write!(
        svg,
        r##"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="white" fill-opacity="0.85"/><rect x="{bx:.3}" y="{by:.3}" width="{half:.3}" height="{bar_h:.3}" fill="#111"/><rect x="{:.3}" y="{by:.3}" width="{half:.3}" height="{bar_h:.3}" fill="white" stroke="#111" stroke-width="{:.3}"/>"##,
        min[0],
        min[1],
        max[0] - min[0],
        max[1] - min[1],
        bx + half,
        0.15 * k,
    );
    for (i, t) in [0.0, half, bar_mm].into_iter().enumerate() {
        let _ = write!(
            svg,
            r##"<line x1="{:.3}" y1="{:.3}" x2="{:.3}" y2="{:.3}" stroke="#111" stroke-width="{tick:.3}"/><text x="{:.3}" y="{:.2}" font-size="{text:.2}" fill="#111" text-anchor="middle">{}</text>"##,
            bx + t,
            by - 0.6 * k,
            bx + t,
            by + bar_h + 1.6 * k,
            bx + t,
            by - 1.2 * k,
            esc(match i {
                0 => "0",
                1 => "",
                _ => label,
            })
        );
    }
    if let Some(t) = written_text {
        let _ = write!(
            svg,
            r##"<text x="{:.2}" y="{:.2}" font-size="{written_size:.2}" font-weight="bold" fill="#111">{}</text>"##,
            bx + bar_mm + label_w.max(2.0 * k) + 3.0 * k,
            by + bar_h,
            esc(&t)
        );
    }
    Bar { min, max }
}

/// A label of the grid, drawn after the margins so it sits over the frame's edge.
pub(super) struct GridLabel {
    x: f64,
    y: f64,
    text: String,
    anchor: &'static str,
    rotate: bool,
}

/// A round step for about `n` lines over `span`, from `steps`.
fn step_for(span: f64, n: f64, steps: &[f64]) -> f64 {
    let want = span / n;
    steps
        .iter()
        .copied()
        .find(|s| *s >= want)
        .unwrap_or(steps[steps.len() - 1])
}

/// Metres written in groups of three: "2 330 000" (narrow spaces).
fn grouped(v: f64) -> String {
    super::layout::grouped(v, '\u{202f}')
}

/// Degrees and minutes: "107°30′".
fn dm(v: f64) -> String {
    let total = (v * 60.0).round() as i64;
    format!("{}°{:02}′", total / 60, total % 60)
}

/// Draws the grid's lines inside the frame (the margins drawn later cover what overruns) and
/// returns its labels, placed just inside the frame's edges.
pub(super) fn grid_lines(
    svg: &mut String,
    fr: &Frame,
    tm3: &Tm3,
    grid: Grid,
    k: f64,
) -> Vec<GridLabel> {
    let mut labels = Vec::new();
    let stroke = format!(
        r##" fill="none" stroke="#3a3a3a" stroke-opacity="0.55" stroke-width="{:.2}""##,
        0.15 * k
    );
    let inset = 0.8 * k;
    let (left, right, top, bottom) = (fr.x, fr.x + fr.w, fr.y, fr.y + fr.h);
    let (g_min, g_max) = fr.ground();
    match grid {
        Grid::Off => {}
        Grid::Metres => {
            const STEPS: [f64; 12] = [
                100.0, 200.0, 500.0, 1_000.0, 2_000.0, 5_000.0, 10_000.0, 20_000.0, 50_000.0,
                100_000.0, 200_000.0, 500_000.0,
            ];
            let span = (g_max[0] - g_min[0]).max(g_max[1] - g_min[1]);
            let step = step_for(span, 7.0, &STEPS);
            let mut e = (g_min[0] / step).ceil() * step;
            while e <= g_max[0] {
                let (x, _) = fr.to_page([e, 0.0]);
                let _ = write!(
                    svg,
                    r##"<path d="M{x:.2},{top:.2}L{x:.2},{bottom:.2}"{stroke}/>"##
                );
                for (y, a) in [
                    (top + inset + 2.2 * k, "middle"),
                    (bottom - inset, "middle"),
                ] {
                    labels.push(GridLabel {
                        x,
                        y,
                        text: grouped(e),
                        anchor: a,
                        rotate: false,
                    });
                }
                e += step;
            }
            let mut n = (g_min[1] / step).ceil() * step;
            while n <= g_max[1] {
                let (_, y) = fr.to_page([0.0, n]);
                let _ = write!(
                    svg,
                    r##"<path d="M{left:.2},{y:.2}L{right:.2},{y:.2}"{stroke}/>"##
                );
                labels.push(GridLabel {
                    x: left + inset + 2.2 * k,
                    y,
                    text: grouped(n),
                    anchor: "middle",
                    rotate: true,
                });
                labels.push(GridLabel {
                    x: right - inset,
                    y,
                    text: grouped(n),
                    anchor: "middle",
                    rotate: true,
                });
                n += step;
            }
        }
        Grid::Degrees => {
            // The frame's corners in degrees (the meridians converge a little: take the
            // widest box).
            let mut lo = [f64::INFINITY; 2];
            let mut hi = [f64::NEG_INFINITY; 2];
            for (e, n) in [
                (g_min[0], g_min[1]),
                (g_max[0], g_min[1]),
                (g_max[0], g_max[1]),
                (g_min[0], g_max[1]),
            ] {
                if let Ok((lon, lat)) = tm3.lonlat_from_tm3(e, n) {
                    lo = [lo[0].min(lon), lo[1].min(lat)];
                    hi = [hi[0].max(lon), hi[1].max(lat)];
                }
            }
            if !lo[0].is_finite() {
                return labels;
            }
            const STEPS: [f64; 10] = [
                1.0 / 60.0,
                2.0 / 60.0,
                5.0 / 60.0,
                10.0 / 60.0,
                15.0 / 60.0,
                0.5,
                1.0,
                2.0,
                5.0,
                10.0,
            ];
            let step = step_for((hi[0] - lo[0]).max(hi[1] - lo[1]), 6.0, &STEPS);
            let samples = 48;
            // Meridians: a polyline each; labelled where they cross the top and bottom edges.
            let mut lon = (lo[0] / step).ceil() * step;
            while lon <= hi[0] + 1e-9 {
                let pts: Vec<(f64, f64)> = (0..=samples)
                    .filter_map(|i| {
                        let lat = lo[1] + (hi[1] - lo[1]) * f64::from(i) / f64::from(samples);
                        tm3.tm3_from_lonlat(lon, lat)
                            .ok()
                            .map(|(e, n)| fr.to_page([e, n]))
                    })
                    .collect();
                polyline(svg, &pts, &stroke);
                for (edge, y) in [(bottom, bottom - inset), (top, top + inset + 2.2 * k)] {
                    if let Some(x) = crossing(&pts, edge, false).filter(|x| *x > left && *x < right)
                    {
                        labels.push(GridLabel {
                            x,
                            y,
                            text: dm(lon),
                            anchor: "middle",
                            rotate: false,
                        });
                    }
                }
                lon += step;
            }
            let mut lat = (lo[1] / step).ceil() * step;
            while lat <= hi[1] + 1e-9 {
                let pts: Vec<(f64, f64)> = (0..=samples)
                    .filter_map(|i| {
                        let lon = lo[0] + (hi[0] - lo[0]) * f64::from(i) / f64::from(samples);
                        tm3.tm3_from_lonlat(lon, lat)
                            .ok()
                            .map(|(e, n)| fr.to_page([e, n]))
                    })
                    .collect();
                polyline(svg, &pts, &stroke);
                for (edge, x) in [(left, left + inset + 2.2 * k), (right, right - inset)] {
                    if let Some(y) = crossing(&pts, edge, true).filter(|y| *y > top && *y < bottom)
                    {
                        labels.push(GridLabel {
                            x,
                            y,
                            text: dm(lat),
                            anchor: "middle",
                            rotate: true,
                        });
                    }
                }
                lat += step;
            }
        }
    }
    labels
}

fn polyline(svg: &mut String, pts: &[(f64, f64)], stroke: &str) {
    if pts.len() < 2 {
        return;
    }
    let mut d = String::new();
    for (i, (x, y)) in pts.iter().enumerate() {
        let _ = write!(d, "{}{x:.2},{y:.2}", if i == 0 { "M" } else { "L" });
    }
    let _ = write!(svg, r##"<path d="{d}"{stroke}/>"##);
}

/// Where a polyline crosses the horizontal line y = `at` (or the vertical x = `at` when
/// `vertical`): the other coordinate.
fn crossing(pts: &[(f64, f64)], at: f64, vertical: bool) -> Option<f64> {
    pts.windows(2).find_map(|w| {
        let (a, b) = if vertical {
            ((w[0].0, w[0].1), (w[1].0, w[1].1))
        } else {
            ((w[0].1, w[0].0), (w[1].1, w[1].0))
        };
        if (a.0 - at) * (b.0 - at) <= 0.0 && a.0 != b.0 {
            let t = (at - a.0) / (b.0 - a.0);
            Some(a.1 + t * (b.1 - a.1))
        } else {
            None
        }
    })
}

/// Draws the grid's labels with a white halo, but those that would fall on a box of `keep`.
pub(super) fn grid_labels(
    svg: &mut String,
    labels: &[GridLabel],
    keep: &[crate::analysis::labels::Bbox],
    k: f64,
) {
    let size = 2.1 * k;
    let reach = (8.0 * k) as f32;
    for l in labels {
        let (x, y) = (l.x as f32, l.y as f32);
        if keep.iter().any(|b| {
            x > b.min[0] - reach
                && x < b.max[0] + reach
                && y > b.min[1] - reach
                && y < b.max[1] + reach
        }) {
            continue;
        }
        let transform = if l.rotate {
            format!(r#" transform="rotate(-90 {:.2} {:.2})""#, l.x, l.y)
        } else {
            String::new()
        };
        let _ = write!(
            svg,
            r##"<text x="{:.2}" y="{:.2}" font-size="{size:.2}" text-anchor="{}" fill="none" stroke="white" stroke-width="{:.2}" stroke-linejoin="round"{transform}>{}</text><text x="{:.2}" y="{:.2}" font-size="{size:.2}" text-anchor="{}" fill="#222"{transform}>{}</text>"##,
            l.x,
            l.y,
            l.anchor,
            0.7 * k,
            esc(&l.text),
            l.x,
            l.y,
            l.anchor,
            esc(&l.text)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_values_are_written_as_maps_write_them() {
        assert_eq!(grouped(2_330_000.0), "2\u{202f}330\u{202f}000");
        assert_eq!(grouped(430_000.0), "430\u{202f}000");
        assert_eq!(dm(107.5), "107°30′");
        assert_eq!(dm(21.0), "21°00′");
        assert_eq!(dm(107.0 + 5.0 / 60.0), "107°05′");
    }

    #[test]
    fn the_issuer_splits_at_its_dash() {
        assert_eq!(
            issuer_lines("UBND TỈNH QUẢNG NINH — SỞ CÔNG THƯƠNG"),
            ["UBND TỈNH QUẢNG NINH", "SỞ CÔNG THƯƠNG"]
        );
    }
}
