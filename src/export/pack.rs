//! The meeting pack of a scenario: a cover, a map per phase, the indicator table, the charts
//! (vector), the rule compliance and the sources — each page composed as SVG.

use super::{Composer, ExportError, MapSpec, Page, Paper, esc, tr};
use crate::analysis::rules::Verdict;
use crate::io::basemap::attribution;
use crate::lang::Language;
use crate::model::{Phase, Project};
use crate::scenario::{Scenario, indicator_table, indicators, output_series, programme_rows};
use std::fmt::Write;

const PHASE_YEARS: [(i32, &str); 3] = [
    (2010, "2006–2010"),
    (2015, "2011–2015"),
    (2020, "2016–2020"),
];

fn page_start(w: f64, h: f64) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" font-family="Noto Sans"><rect width="{w}" height="{h}" fill="white"/>"##
    )
}

fn text(out: &mut String, x: f64, y: f64, size: f64, bold: bool, colour: &str, s: &str) {
    let _ = write!(
        out,
        r##"<text x="{x:.2}" y="{y:.2}" font-size="{size}"{} fill="{colour}">{}</text>"##,
        if bold { r#" font-weight="bold""# } else { "" },
        esc(s)
    );
}

/// Splits `s` into lines no wider than `width` mm at `size`.
fn wrap(s: &str, width: f64, size: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if super::text_width_mm(&candidate, size, false) > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn simple_page(w: f64, h: f64, title: &str, body: &[(f64, bool, String)], foot: &str) -> Page {
    let mut svg = page_start(w, h);
    text(&mut svg, 15.0, 22.0, 7.0, true, "#111", title);
    let mut y = 34.0;
    for (size, bold, para) in body {
        for line in wrap(para, w - 30.0, *size) {
            text(&mut svg, 15.0, y, *size, *bold, "#222", &line);
            y += size * 1.45;
        }
        y += size * 0.6;
    }
    text(&mut svg, 15.0, h - 8.0, 2.6, false, "#555", foot);
    svg.push_str("</svg>");
    Page {
        svg,
        width_mm: w,
        height_mm: h,
        label_boxes: Vec::new(),
        legend_box: None,
        map_frame: None,
        raster: None,
        scale_bar: None,
    }
}

fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 1e9 => format!("{x:.0}"),
        Some(x) => format!("{x:.2}"),
        None => "—".into(),
    }
}

/// All the pages of the pack, in order; the maps draw `reference` under the planning layers.
#[allow(clippy::too_many_arguments)]
pub fn meeting_pack(
    c: &Composer,
    project: &Project,
    s: &Scenario,
    lang: Language,
    file_label: &str,
    date: &str,
    paper: Paper,
    reference: &[super::ReferenceDraw],
) -> Result<Vec<Page>, ExportError> {
    let mut spec = MapSpec::new("", lang);
    spec.paper = paper;
    spec.reference = reference.to_vec();
    let (w, h) = spec.page_mm();
    let foot = format!("{} · {file_label} · {date} · qn-planner", s.name);
    let mut pages = Vec::new();
    // Cover.
    pages.push(simple_page(
        w,
        h,
        tr(
            lang,
            "Quy hoạch phát triển khu, cụm công nghiệp tỉnh Quảng Ninh",
            "Industrial zones and clusters of Quảng Ninh: planning",
        ),
        &[
            (5.0, true, format!("{}: {}", tr(lang, "Kịch bản", "Scenario"), s.name)),
            (3.6, false, s.description.clone()),
            (3.6, false, s.author_notes.clone()),
            (
                3.6,
                false,
                tr(
                    lang,
                    "Giai đoạn 2006–2015, tầm nhìn đến 2020. Nguồn: báo cáo năm 2007 của Sở Công nghiệp Quảng Ninh; các con số khác do người lập quy hoạch nhập hoặc tính toán, như ghi ở từng trang.",
                    "2006–2015 with a view to 2020. Source: the 2007 report of the Quảng Ninh Department of Industry; other figures are entered or computed, as each page says.",
                )
                .to_string(),
            ),
            (3.6, false, format!("{} {date} · {file_label}", tr(lang, "Ngày lập:", "Made on"))),
        ],
        &foot,
    ));
    // A map per phase.
    for (year, phase) in PHASE_YEARS {
        let mut m = spec.clone();
        m.title = format!(
            "{} {phase}",
            tr(
                lang,
                "Các khu, cụm công nghiệp đến hết giai đoạn",
                "Zones and clusters by the end of"
            )
        );
        m.subtitle = format!("{} — {year}", s.name);
        m.scenario = Some(s.clone());
        m.year = Some(year);
        m.file_label = file_label.to_string();
        m.date = date.to_string();
        pages.push(c.map_page(project, &m)?);
    }
    pages.push(indicator_page(project, s, lang, w, h, &foot));
    pages.push(charts_page(project, s, lang, w, h, &foot));
    pages.push(compliance_page(c, project, s, lang, w, h, &foot));
    pages.push(sources_page(project, lang, w, h, &foot));
    Ok(pages)
}

fn indicator_page(
    project: &Project,
    s: &Scenario,
    lang: Language,
    w: f64,
    h: f64,
    foot: &str,
) -> Page {
    let years = [
        crate::model::years::BASE,
        2007,
        2010,
        2015,
        crate::model::years::LAST,
    ];
    let rows = indicator_table(s, project, &years);
    let mut svg = page_start(w, h);
    text(
        &mut svg,
        15.0,
        22.0,
        7.0,
        true,
        "#111",
        tr(lang, "Chỉ tiêu theo năm", "Indicators by year"),
    );
    text(&mut svg, 15.0, 29.0, 3.2, false, "#333", &s.name);
    let size = 2.8;
    let row_h = 5.4;
    let name_w = 95.0;
    let col_w = (w - 30.0 - name_w - 45.0) / years.len() as f64;
    let mut y = 38.0;
    text(
        &mut svg,
        15.0,
        y,
        size,
        true,
        "#111",
        tr(lang, "Chỉ tiêu", "Indicator"),
    );
    for (i, yr) in years.iter().enumerate() {
        text(
            &mut svg,
            15.0 + name_w + col_w * i as f64,
            y,
            size,
            true,
            "#111",
            &yr.to_string(),
        );
    }
    text(
        &mut svg,
        w - 60.0,
        y,
        size,
        true,
        "#111",
        &format!("{} 2020", tr(lang, "Nguồn", "Source")),
    );
    for (k, (name, vals)) in rows.iter().enumerate() {
        y += row_h;
        if k % 2 == 0 {
            let _ = write!(
                svg,
                r##"<rect x="14" y="{:.2}" width="{:.2}" height="{row_h}" fill="#f2f2f2"/>"##,
                y - row_h + 1.4,
                w - 28.0
            );
        }
        let name = name.name(lang);
        text(&mut svg, 15.0, y, size, false, "#222", &name);
        for (i, (v, _)) in vals.iter().enumerate() {
            text(
                &mut svg,
                15.0 + name_w + col_w * i as f64,
                y,
                size,
                false,
                "#222",
                &num(*v),
            );
        }
        let src = vals.last().map(|v| v.1.text(lang)).unwrap_or_default();
        text(
            &mut svg,
            w - 60.0,
            y,
            2.4,
            false,
            "#555",
            &crate::analysis::rules::citation_words(lang == Language::Vi, &src),
        );
    }
    text(
        &mut svg,
        15.0,
        y + 9.0,
        2.6,
        false,
        "#444",
        tr(
            lang,
            "Tỷ đồng; 2005–2007 theo tài liệu (¶4, ¶10), các năm sau tính từ tốc độ tăng trưởng đã nhập. Số đã công bố giữ gốc giá của nguồn.",
            "bn VND; 2005–2007 from the document (¶4, ¶10), later years computed from the growth rates entered. Reported values keep their source's price basis.",
        ),
    );
    text(&mut svg, 15.0, h - 8.0, 2.6, false, "#555", foot);
    svg.push_str("</svg>");
    Page {
        svg,
        width_mm: w,
        height_mm: h,
        label_boxes: Vec::new(),
        legend_box: None,
        map_frame: None,
        raster: None,
        scale_bar: None,
    }
}

/// A small vector chart: axes, ticks, and the given series.
struct Chart {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    x0: f64,
    x1: f64,
    y1: f64,
}

impl Chart {
    fn px(&self, v: f64) -> f64 {
        self.x + (v - self.x0) / (self.x1 - self.x0) * self.w
    }
    fn py(&self, v: f64) -> f64 {
        self.y + self.h - v / self.y1 * self.h
    }
    fn axes(&self, out: &mut String, title: &str) {
        text(out, self.x, self.y - 4.0, 3.2, true, "#111", title);
        let _ = write!(
            out,
            r##"<path d="M{:.2},{:.2} L{:.2},{:.2} L{:.2},{:.2}" fill="none" stroke="#333" stroke-width="0.3"/>"##,
            self.x,
            self.y,
            self.x,
            self.y + self.h,
            self.x + self.w,
            self.y + self.h
        );
        for k in 0..=4 {
            let v = self.y1 * k as f64 / 4.0;
            let yy = self.py(v);
            let _ = write!(
                out,
                r##"<path d="M{:.2},{yy:.2} L{:.2},{yy:.2}" stroke="#ddd" stroke-width="0.2"/>"##,
                self.x,
                self.x + self.w
            );
            let _ = write!(
                out,
                r##"<text x="{:.2}" y="{:.2}" font-size="2.4" fill="#333" text-anchor="end">{}</text>"##,
                self.x - 1.0,
                yy + 0.8,
                if self.y1 <= 10.0 {
                    format!("{v:.1}")
                } else {
                    num(Some(v.round()))
                }
            );
        }
        let mut t = self.x0.ceil() as i32;
        while f64::from(t) <= self.x1 {
            if t % 5 == 0 {
                let xx = self.px(f64::from(t));
                let _ = write!(
                    out,
                    r##"<text x="{xx:.2}" y="{:.2}" font-size="2.4" fill="#333" text-anchor="middle">{t}</text>"##,
                    self.y + self.h + 3.5
                );
            }
            t += 1;
        }
    }
}

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for f in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if f * p >= v {
            return f * p;
        }
    }
    10.0 * p
}

fn charts_page(
    project: &Project,
    s: &Scenario,
    lang: Language,
    w: f64,
    h: f64,
    foot: &str,
) -> Page {
    let mut svg = page_start(w, h);
    text(
        &mut svg,
        15.0,
        22.0,
        7.0,
        true,
        "#111",
        tr(lang, "Biểu đồ", "Charts"),
    );
    let cw = (w - 30.0 - 20.0) / 2.0;
    let ch = (h - 70.0) / 2.0;
    // Output.
    let series = output_series(s, &project.figures);
    let reported: Vec<(f64, f64)> = project
        .actuals
        .iter()
        .filter(|a| {
            a.indicator == "industrial_output_value" && a.kind == crate::model::ActualKind::Reported
        })
        .filter_map(|a| Some((f64::from(a.year?), a.value?)))
        .collect();
    let max = series
        .iter()
        .filter_map(|o| o.total_bn_vnd)
        .chain(reported.iter().map(|r| r.1))
        .fold(0.0, f64::max);
    let c = Chart {
        x: 30.0,
        y: 40.0,
        w: cw - 15.0,
        h: ch,
        x0: 2005.0,
        x1: 2020.0,
        y1: nice_max(max),
    };
    c.axes(
        &mut svg,
        tr(
            lang,
            "Giá trị SXCN (tỷ đồng): kế hoạch và đã công bố",
            "Industrial output (bn VND): plan and reported",
        ),
    );
    let mut d = String::new();
    for o in series.iter().filter(|o| o.total_bn_vnd.is_some()) {
        let _ = write!(
            d,
            "{}{:.2},{:.2}",
            if d.is_empty() { "M" } else { "L" },
            c.px(f64::from(o.year)),
            c.py(o.total_bn_vnd.unwrap_or(0.0))
        );
    }
    let _ = write!(
        svg,
        r##"<path d="{d}" fill="none" stroke="#0072b2" stroke-width="0.6"/>"##
    );
    for o in series.iter().filter(|o| o.source.is_document()) {
        if let Some(v) = o.total_bn_vnd {
            let (x, y) = (c.px(f64::from(o.year)), c.py(v));
            let _ = write!(
                svg,
                r##"<path d="M{x:.2},{:.2} L{:.2},{y:.2} L{x:.2},{:.2} L{:.2},{y:.2} Z" fill="#d55e00"/>"##,
                y - 1.3,
                x + 1.3,
                y + 1.3,
                x - 1.3
            );
        }
    }
    for (yr, v) in &reported {
        let _ = write!(
            svg,
            r##"<circle cx="{:.2}" cy="{:.2}" r="1.1" fill="#cc79a7"/>"##,
            c.px(*yr),
            c.py(*v)
        );
    }
    text(
        &mut svg,
        c.x,
        c.y + c.h + 8.0,
        2.4,
        false,
        "#444",
        tr(
            lang,
            "Đường: kế hoạch (báo cáo 2007 không nêu gốc giá); hình thoi: số liệu tài liệu; chấm: đã công bố (giá cố định 1994)",
            "Line: plan (the 2007 report states no price basis); diamonds: document figures; dots: reported (constant 1994 prices)",
        ),
    );
    // Land in operation by phase (stacked bars).
    let years: Vec<i32> = crate::model::years::plan_years().collect();
    let inds: Vec<_> = years.iter().map(|y| indicators(s, project, *y)).collect();
    let maxl = inds
        .iter()
        .map(|i| i.land_by_phase_ha.values().sum::<f64>())
        .fold(0.0, f64::max);
    let c2 = Chart {
        x: 30.0 + cw + 20.0,
        y: 40.0,
        w: cw - 15.0,
        h: ch,
        x0: 2005.5,
        x1: 2020.5,
        y1: nice_max(maxl),
    };
    c2.axes(
        &mut svg,
        tr(
            lang,
            "Diện tích khu, cụm đang hoạt động theo giai đoạn mở (ha)",
            "Land in operation by opening phase (ha)",
        ),
    );
    let colours = ["#0072b2", "#e69f00", "#cc79a7"];
    for (yr, ind) in years.iter().zip(&inds) {
        let mut base = 0.0;
        for (k, p) in Phase::ALL.iter().enumerate() {
            let v = ind.land_by_phase_ha.get(p).copied().unwrap_or(0.0);
            if v > 0.0 {
                let x = c2.px(f64::from(*yr)) - 1.6;
                let y_top = c2.py(base + v);
                let _ = write!(
                    svg,
                    r##"<rect x="{x:.2}" y="{y_top:.2}" width="3.2" height="{:.2}" fill="{}"/>"##,
                    c2.py(base) - y_top,
                    colours[k]
                );
            }
            base += v;
        }
    }
    for (k, p) in Phase::ALL.iter().enumerate() {
        let x = c2.x + 4.0 + 32.0 * k as f64;
        let _ = write!(
            svg,
            r##"<rect x="{x:.2}" y="{:.2}" width="3" height="3" fill="{}"/>"##,
            c2.y + c2.h + 5.5,
            colours[k]
        );
        text(
            &mut svg,
            x + 4.0,
            c2.y + c2.h + 8.2,
            2.4,
            false,
            "#333",
            p.as_str(),
        );
    }
    // Programme funds and leverage.
    let rows = programme_rows(s, &project.figures);
    let maxf = rows
        .iter()
        .filter_map(|r| r.funds_bn_vnd)
        .fold(0.0, f64::max);
    let c3 = Chart {
        x: 30.0,
        y: 40.0 + ch + 25.0,
        w: cw - 15.0,
        h: ch - 10.0,
        x0: 2005.5,
        x1: 2020.5,
        y1: nice_max(maxf),
    };
    c3.axes(
        &mut svg,
        tr(
            lang,
            "Kinh phí khuyến công (tỷ đồng); đòn bẩy ghi trên cột",
            "Extension funds (bn VND); leverage over each bar",
        ),
    );
    for r in &rows {
        if let Some(f) = r.funds_bn_vnd {
            let x = c3.px(f64::from(r.year)) - 1.6;
            let _ = write!(
                svg,
                r##"<rect x="{x:.2}" y="{:.2}" width="3.2" height="{:.2}" fill="#009e73"/>"##,
                c3.py(f),
                c3.py(0.0) - c3.py(f)
            );
            if let Some(l) = r.leverage {
                text(
                    &mut svg,
                    x - 1.0,
                    c3.py(f) - 1.2,
                    2.3,
                    false,
                    "#d55e00",
                    &format!("×{l:.1}"),
                );
            }
        }
    }
    text(&mut svg, 15.0, h - 8.0, 2.6, false, "#555", foot);
    svg.push_str("</svg>");
    Page {
        svg,
        width_mm: w,
        height_mm: h,
        label_boxes: Vec::new(),
        legend_box: None,
        map_frame: None,
        raster: None,
        scale_bar: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn compliance_page(
    c: &Composer,
    project: &Project,
    s: &Scenario,
    lang: Language,
    w: f64,
    h: f64,
    foot: &str,
) -> Page {
    let mut body: Vec<(f64, bool, String)> = Vec::new();
    // The same computation as the window's Compliance tab and `report --rules`; sites with no
    // year to judge by are counted, not judged.
    let (sites, tally) = crate::analysis::rules::compliance(project, Some(s), None, Some(c.tm3()));
    for site_c in &sites {
        let Some((year, _)) = &site_c.judged else {
            continue;
        };
        for (r, acc) in site_c.results.iter().zip(&site_c.accepted) {
            if r.verdict == Verdict::Fail {
                let detail = r.detail.text(lang);
                let accepted = if acc.is_empty() {
                    String::new()
                } else {
                    format!(" [{}: {acc}]", tr(lang, "đã chấp nhận", "accepted"))
                };
                let citation =
                    crate::analysis::rules::citation_words(lang == Language::Vi, &r.citation);
                body.push((
                    3.0,
                    false,
                    format!("{} ({year}): {detail} — {citation}{accepted}", site_c.name),
                ));
            }
        }
    }
    let (judged, fails) = (tally.judged, tally.failed + tally.accepted);
    body.insert(
        0,
        (
            3.4,
            true,
            match lang {
                Language::Vi => format!(
                    "{judged} địa điểm được xét theo năm mở trong kịch bản (hoặc năm quyết định), {} chưa có năm để xét; {} quy định không đạt chưa được chấp nhận, {} đã chấp nhận có lý do, {} thiếu số liệu.",
                    tally.not_judged, tally.failed, tally.accepted, tally.missing
                ),
                Language::En => format!(
                    "{judged} sites judged by their opening year in the scenario (or decision year), {} with no year to judge by; {} failed rules not accepted, {} accepted with a reason, {} lacking data.",
                    tally.not_judged, tally.failed, tally.accepted, tally.missing
                ),
            },
        ),
    );
    if fails == 0 {
        body.push((
            3.0,
            false,
            tr(
                lang,
                "Không có quy định không đạt trong các địa điểm đã xét.",
                "No failed rule among the sites judged.",
            )
            .to_string(),
        ));
    }
    simple_page(
        w,
        h,
        tr(lang, "Tuân thủ quy định", "Rule compliance"),
        &body,
        foot,
    )
}

fn sources_page(project: &Project, lang: Language, w: f64, h: f64, foot: &str) -> Page {
    let mut urls: Vec<String> = project
        .actuals
        .iter()
        .filter(|a| {
            a.kind == crate::model::ActualKind::Reported
                && a.indicator.starts_with("industrial_output")
        })
        .map(|a| a.source.clone())
        .collect();
    urls.sort();
    urls.dedup();
    let mut body = vec![
        (3.2, true, tr(lang, "Tài liệu gốc", "Source document").to_string()),
        (3.0, false, tr(lang, "Báo cáo năm 2007 của Sở Công nghiệp Quảng Ninh: các khu, cụm công nghiệp, làng nghề, trung tâm công nghiệp, giá trị sản xuất và chương trình khuyến công; mỗi đối tượng ghi đoạn (¶) của báo cáo.", "2007 report of the Quảng Ninh Department of Industry: zones, clusters, craft villages, industrial centres, output and the extension programme; each record cites its paragraph (¶).").to_string()),
        (3.2, true, tr(lang, "Vị trí", "Positions").to_string()),
        (3.0, false, tr(lang, "Phần lớn là tâm phường/xã (Map Maker Vietnam KML, GitHub puleeno/diagioihanhchinh), không phải vị trí khu đất; địa điểm không có nguồn được ghi «chưa định vị».", "Mostly ward/commune centroids (Map Maker Vietnam KML, GitHub puleeno/diagioihanhchinh), not the sites themselves; sites with no source are listed as not located.").to_string()),
        (3.2, true, tr(lang, "Bản đồ nền", "Base map").to_string()),
        (3.0, false, format!("{} · {}: Natural Earth ({}) {} npm world-atlas 2.0.2", attribution(lang), tr(lang, "Bản đồ vị trí", "Locator"), tr(lang, "phạm vi công cộng", "public domain"), tr(lang, "qua", "via"))),
        (3.2, true, tr(lang, "Quy định", "Rules").to_string()),
        (3.0, false, tr(lang, "Bộ quy định trong tệp dự án, mỗi quy định ghi văn bản, điều, thời gian hiệu lực, nguồn và độ tin cậy.", "The rule set in the project file; each rule cites its instrument, article, period in force, source and confidence.").to_string()),
        (3.2, true, tr(lang, "Số liệu đã công bố sau 2007", "Results reported after 2007").to_string()),
    ];
    for u in urls {
        body.push((2.6, false, u));
    }
    simple_page(w, h, tr(lang, "Nguồn", "Sources"), &body, foot)
}
