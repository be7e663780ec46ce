//! An atlas of site sheets, the way QGIS's atlas makes dossiers: one page per site of a layer
//! (or per chosen sites), the site centred at a chosen scale (or fitted with a margin) with its
//! boundary, its neighbours and the base map, and beside the map its card: name, kind, status,
//! district, area, jobs, investment, the phasing in every scenario, the rules it meets or
//! breaks with their citations, and the source paragraph. One PDF, bookmarked by site name.

use super::metrics::Metrics;
use super::{Composer, ExportError, MapSpec, Page, PrintLayout, ReferenceDraw, esc, render, tr};
use crate::analysis::rules::{self, Verdict};
use crate::lang::Language;
use crate::model::{Layer, Project, Site};
use crate::scenario::Scenario;
use std::fmt::Write;

/// A site's card: rows of (label, value), then sections of (heading, lines).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Card {
    pub rows: Vec<(String, String)>,
    pub sections: Vec<(String, Vec<String>)>,
}

/// What an atlas is made of.
pub struct AtlasSpec<'a> {
    pub layer: Layer,
    /// The sites to make sheets of (fids, in this order); `None`: every located site of the
    /// layer, by name.
    pub fids: Option<Vec<i64>>,
    /// The scenario whose plan the maps draw and whose rules judge (none: the reference
    /// scenario judges, the maps draw the 2007 report).
    pub scenario: Option<&'a Scenario>,
    pub year: Option<i32>,
    /// The scale of every sheet; `None`: each site fitted with a margin, at a round scale.
    pub scale: Option<u32>,
    /// Paper, orientation, issuing body, author, draft mark and grid.
    pub layout: &'a PrintLayout,
    pub lang: Language,
    pub date: &'a str,
    pub file_label: &'a str,
    pub reference: &'a [ReferenceDraw],
}

/// The margin around a fitted site: a quarter of its size, at least 2 km (a point shows its
/// surroundings at about 1:30.000).
fn fitted_margin(min: [f64; 2], max: [f64; 2]) -> f64 {
    ((max[0] - min[0]).max(max[1] - min[1]) * 0.25).max(2_000.0)
}

/// The sites of the atlas, in page order.
fn sites<'p>(project: &'p Project, spec: &AtlasSpec<'_>) -> Result<Vec<&'p Site>, ExportError> {
    match &spec.fids {
        Some(fids) => fids
            .iter()
            .map(|f| {
                project.site(spec.layer, *f).ok_or_else(|| {
                    ExportError::Invalid(format!("{} has no site {f}", spec.layer.table()))
                })
            })
            .collect(),
        None => {
            let mut all: Vec<&Site> = project
                .sites_of(spec.layer)
                .filter(|s| s.geom.is_some())
                .collect();
            all.sort_by(|a, b| {
                crate::model::text::fold(&a.name)
                    .cmp(&crate::model::text::fold(&b.name))
                    .then(a.fid.cmp(&b.fid))
            });
            Ok(all)
        }
    }
}

/// The atlas's pages and their bookmarks (the sites' names).
pub fn atlas_pages(
    c: &Composer,
    project: &Project,
    spec: &AtlasSpec<'_>,
) -> Result<(Vec<Page>, Vec<String>), ExportError> {
    let lang = spec.lang;
    let list = sites(project, spec)?;
    if list.is_empty() {
        return Err(ExportError::Invalid(format!(
            "{} has no located site to make a sheet of",
            spec.layer.name_en()
        )));
    }
    // The rules: judged once for every site, under the scenario (else the reference one), on
    // the site's year, else today.
    let judge = spec.scenario.or(project.reference_scenario());
    let today = rules::date_of_year(
        spec.date
            .get(..4)
            .and_then(|y| y.parse().ok())
            .unwrap_or(crate::model::years::LAST),
    );
    let t0 = std::time::Instant::now();
    let (verdicts, _) = rules::compliance(project, judge, Some(&today), Some(c.tm3()));
    if std::env::var_os("QN_PLANNER_TIMING").is_some() {
        eprintln!(
            "qn-planner: rules judged in {} ms",
            t0.elapsed().as_millis()
        );
    }
    let mut pages = Vec::with_capacity(list.len());
    let mut titles = Vec::with_capacity(list.len());
    for site in list {
        let mut m = MapSpec::new(&site.name, lang);
        spec.layout
            .fill_spec(&mut m, project, c.tm3())
            .map_err(|e| ExportError::Invalid(e.to_string()))?;
        m.title = site.name.clone();
        m.subtitle = match (spec.scenario, spec.year) {
            (Some(s), Some(y)) => format!("{} · {} — {y}", layer_name(site.layer, lang), s.name),
            _ => layer_name(site.layer, lang).to_string(),
        };
        m.scenario = spec.scenario.cloned();
        m.year = spec.year;
        m.date = spec.date.to_string();
        m.file_label = spec.file_label.to_string();
        m.reference = spec.reference.to_vec();
        let (min, max) = super::layout::site_bounds(site, c.tm3())?;
        let margin = fitted_margin(min, max);
        m.extent = Some((
            [min[0] - margin, min[1] - margin],
            [max[0] + margin, max[1] + margin],
        ));
        m.scale = spec.scale.map(f64::from);
        m.highlight = Some((site.layer, site.fid));
        let judged = verdicts
            .iter()
            .find(|v| v.layer == site.layer && v.fid == site.fid);
        m.card = Some(card(project, site, judged, lang));
        pages.push(c.map_page(project, &m)?);
        titles.push(site.name.clone());
    }
    Ok((pages, titles))
}

/// Writes the atlas of `spec` to `out` as one PDF (bookmarked by site), whole or not at all.
/// Returns (pages, bytes).
pub fn write_atlas(
    c: &Composer,
    project: &Project,
    spec: &AtlasSpec<'_>,
    out: &std::path::Path,
) -> Result<(usize, usize), ExportError> {
    let t0 = std::time::Instant::now();
    let (pages, titles) = atlas_pages(c, project, spec)?;
    let composed = t0.elapsed();
    let bytes = render::pdf_with_bookmarks(&pages, Some(&titles))?;
    if std::env::var_os("QN_PLANNER_TIMING").is_some() {
        eprintln!(
            "qn-planner: atlas composed in {} ms ({} kB of SVG), PDF in {} ms",
            composed.as_millis(),
            pages.iter().map(|p| p.svg.len()).sum::<usize>() / 1024,
            (t0.elapsed() - composed).as_millis()
        );
    }
    render::write_atomic(out, &bytes)?;
    Ok((pages.len(), bytes.len()))
}

fn layer_name(l: Layer, lang: Language) -> &'static str {
    l.name(lang)
}

/// A number the Vietnamese way: "1.234,5".
fn number(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut out = String::new();
    if v < 0.0 {
        out.push('-');
    }
    out.push_str(&super::layout::grouped(
        int.parse::<f64>().unwrap_or(0.0),
        '.',
    ));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// The card of `site`.
fn card(
    project: &Project,
    site: &Site,
    judged: Option<&rules::SiteCompliance>,
    lang: Language,
) -> Card {
    let none = || tr(lang, "chưa có", "none yet").to_string();
    let mut rows = vec![
        (
            tr(lang, "Loại", "Kind").to_string(),
            if site.kind.is_empty() {
                none()
            } else {
                site.kind.clone()
            },
        ),
        (
            tr(lang, "Trạng thái", "Status").to_string(),
            match site.status {
                crate::model::Status::Unknown => format!("«{}»", site.status_text()),
                s => s.label(lang).to_string(),
            },
        ),
        (
            tr(lang, "Huyện (2006)", "District (2006)").to_string(),
            if site.district_2006.is_empty() {
                none()
            } else {
                site.district_2006.clone()
            },
        ),
        (
            tr(lang, "Diện tích", "Area").to_string(),
            site.area_ha.map_or_else(
                || tr(lang, "chưa vẽ ranh giới", "no boundary drawn").to_string(),
                |a| format!("{} ha", number(a, 1)),
            ),
        ),
        (
            tr(lang, "Lao động", "Jobs").to_string(),
            site.jobs.map_or_else(none, |j| number(j as f64, 0)),
        ),
        (
            tr(lang, "Vốn đầu tư", "Investment").to_string(),
            site.investment_bn_vnd.map_or_else(none, |v| {
                format!("{} {}", number(v, 1), tr(lang, "tỷ đồng", "bn VND"))
            }),
        ),
        (
            tr(lang, "Vị trí", "Position").to_string(),
            site.location_precision.label(lang).to_string(),
        ),
        (
            tr(lang, "Nguồn", "Source").to_string(),
            if site.source_para.is_empty() {
                tr(lang, "người lập quy hoạch nhập", "entered by a planner").to_string()
            } else {
                format!(
                    "{} {}",
                    tr(lang, "báo cáo 2007,", "2007 report,"),
                    site.source_para
                )
            },
        ),
    ];
    if !site.main_industries.is_empty() {
        rows.insert(
            1,
            (
                tr(lang, "Ngành chính", "Main industries").to_string(),
                site.main_industries.clone(),
            ),
        );
    }
    let phasing: Vec<String> = project
        .scenarios
        .iter()
        .map(|s| {
            let when = match s.open_year(site.layer, site.fid) {
                Some(y) => match crate::scenario::phase_of_year(y) {
                    Some(p) => format!(
                        "{y} ({} {})",
                        tr(lang, "giai đoạn", "phase"),
                        p.as_str().replace('-', "–")
                    ),
                    None => y.to_string(),
                },
                None => tr(lang, "không có trong kịch bản", "not in this scenario").to_string(),
            };
            format!("{}: {when}", s.name)
        })
        .collect();
    let rules_lines: Vec<String> = match judged {
        Some(j) if !j.results.is_empty() => {
            let on = j
                .judged
                .as_ref()
                .map(|(_, d)| d.clone())
                .unwrap_or_default();
            let mut lines = vec![format!(
                "{} {on}",
                tr(
                    lang,
                    "Xét theo quy định hiệu lực ngày",
                    "Judged by the rules in force on"
                )
            )];
            for (r, acc) in j.results.iter().zip(&j.accepted) {
                let mut line = format!(
                    "{}: {} — {}",
                    r.check.label(lang),
                    r.verdict.label(lang),
                    r.detail.text(lang)
                );
                if r.verdict == Verdict::Fail && !acc.is_empty() {
                    let _ = write!(line, " ({} {acc})", tr(lang, "đã chấp nhận:", "accepted:"));
                }
                if !r.citation.is_empty() {
                    let _ = write!(
                        line,
                        " [{}]",
                        rules::citation_words(lang == Language::Vi, &r.citation)
                    );
                }
                lines.push(line);
            }
            lines
        }
        _ => vec![
            tr(
                lang,
                "Không có quy định nào xét loại điểm này, hoặc chưa có năm để xét.",
                "No rule concerns this kind of site, or it has no year to be judged in.",
            )
            .to_string(),
        ],
    };
    let mut sections = vec![
        (
            tr(lang, "Phân kỳ theo kịch bản", "Phasing by scenario").to_string(),
            phasing,
        ),
        (tr(lang, "Quy định", "Rules").to_string(), rules_lines),
    ];
    if !site.notes.trim().is_empty() {
        sections.push((
            tr(lang, "Ghi chú", "Notes").to_string(),
            vec![site.notes.clone()],
        ));
    }
    Card { rows, sections }
}

/// The most lines a card's section shows.
const SECTION_LINES: usize = 14;

/// Draws `card` in the box (x, y, w, h) at type scale `k`; returns the height used.
pub(super) fn draw_card(
    svg: &mut String,
    card: &Card,
    m: &Metrics,
    (x, y, w, h): (f64, f64, f64, f64),
    k: f64,
) -> f64 {
    let size = 2.5 * k;
    let row = 4.2 * k;
    let label_w = 24.0 * k;
    let _ = write!(
        svg,
        r##"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="white" stroke="#999" stroke-width="0.2"/>"##
    );
    let mut ty = y + 2.0 * k;
    let bottom = y + h - 1.0 * k;
    for (label, value) in &card.rows {
        let lines = super::sheet::wrap(m, value, size, w - label_w - 3.0 * k);
        for (i, line) in lines.iter().enumerate() {
            if ty + row > bottom {
                return ty - y;
            }
            if i == 0 {
                let _ = write!(
                    svg,
                    r##"<text x="{:.2}" y="{:.2}" font-size="{:.2}" fill="#555">{}</text>"##,
                    x + 2.0 * k,
                    ty + row * 0.72,
                    size * 0.92,
                    esc(label)
                );
            }
            let _ = write!(
                svg,
                r##"<text x="{:.2}" y="{:.2}" font-size="{size:.2}" fill="#111">{}</text>"##,
                x + label_w,
                ty + row * 0.72,
                esc(line)
            );
            ty += row;
        }
    }
    for (heading, lines) in &card.sections {
        ty += 1.5 * k;
        if ty + row > bottom {
            break;
        }
        let _ = write!(
            svg,
            r##"<line x1="{x:.2}" y1="{ty:.2}" x2="{:.2}" y2="{ty:.2}" stroke="#999" stroke-width="0.15"/><text x="{:.2}" y="{:.2}" font-size="{:.2}" font-weight="bold" fill="#111">{}</text>"##,
            x + w,
            x + 2.0 * k,
            ty + row * 0.8,
            size * 1.05,
            esc(heading)
        );
        ty += row;
        // The section's lines (wrapped), then as many as fit; a cut one ends in "…".
        let wrapped: Vec<(bool, String)> = lines
            .iter()
            .flat_map(|item| {
                super::sheet::wrap(m, item, size * 0.92, w - 6.0 * k)
                    .into_iter()
                    .enumerate()
                    .map(|(i, l)| (i == 0, l))
            })
            .collect();
        let step = row * 0.92;
        let room = (((bottom - ty) / step).floor().max(0.0) as usize).min(SECTION_LINES);
        let n = wrapped.len();
        for (i, (first, line)) in wrapped.into_iter().take(room).enumerate() {
            let cut = i + 1 == room && n > room;
            let _ = write!(
                svg,
                r##"<text x="{:.2}" y="{:.2}" font-size="{:.2}" fill="#222">{}{}{}</text>"##,
                x + if first { 2.0 } else { 4.0 } * k,
                ty + row * 0.72,
                size * 0.92,
                if first { "• " } else { "" },
                esc(&line),
                if cut { " …" } else { "" }
            );
            ty += step;
        }
    }
    ty - y
}
