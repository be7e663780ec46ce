//! Presentation mode for meetings (F11): full screen, panels hidden, the map with a title, a
//! legend and the scale bar as overlays, larger symbols and labels (no text under 14 px);
//! PageDown/PageUp or the arrow keys step through the phases of the scenario, or (a toggle on
//! screen when scenarios are ticked in Compare) through the scenarios being compared; Esc
//! leaves.

use crate::app::QnApp;
use crate::app::i18n::{self, tr};
use crate::app::map::layer_index;
use crate::app::paint;
use crate::app::panels::scenarios::ScenarioUi;
use crate::lang::Language;
use crate::model::Layer;
use crate::model::Project;
use egui::{Color32, FontId, Pos2, Rect, Stroke, Vec2};

/// Height of a row of the presentation legend.
const PRESENT_ROW_H: f32 = 30.0;

/// The years a presentation steps through.
pub const PHASE_STEPS: [i32; 4] = [
    crate::model::years::BASE,
    2010,
    2015,
    crate::model::years::LAST,
];

impl QnApp {
    pub fn is_presenting(&self) -> bool {
        self.map.presenting
    }

    /// Ticks `ids` for comparison (for tests and scripts; the Compare tab does it by hand).
    pub fn set_compared(&mut self, ids: Vec<i64>) {
        self.scenario.compare = ids;
    }

    /// Whether PageDown steps through the compared scenarios (the planner chose it and two or
    /// more are ticked) rather than through the years.
    pub fn presents_scenarios(&self) -> bool {
        presents_scenarios(&self.project, &self.scenario)
    }
}

/// The scenarios ticked for comparison that still exist.
fn compared_scenarios(project: &Project, sc: &ScenarioUi) -> Vec<i64> {
    sc.compare
        .iter()
        .copied()
        .filter(|id| project.scenario(*id).is_some())
        .collect()
}

/// Whether PageDown steps through the compared scenarios rather than the years.
fn presents_scenarios(project: &Project, sc: &ScenarioUi) -> bool {
    sc.present_scenarios && compared_scenarios(project, sc).len() >= 2
}

/// The step toggle on the presentation screen (when scenarios are ticked for comparison):
/// years or compared scenarios, always said on screen.
pub(crate) fn presentation_controls(
    ctx: &egui::Context,
    lang: Language,
    project: &Project,
    presenting: bool,
    sc: &mut ScenarioUi,
) {
    if !presenting || compared_scenarios(project, sc).len() < 2 {
        return;
    }
    egui::Area::new(egui::Id::unique("present_step_toggle"))
        .fixed_pos(egui::pos2(18.0, 84.0))
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(tr(lang, "PageDown bước qua:", "PageDown steps through:"));
                    ui.selectable_value(
                        &mut sc.present_scenarios,
                        false,
                        tr(lang, "các năm", "the years"),
                    );
                    ui.selectable_value(
                        &mut sc.present_scenarios,
                        true,
                        tr(lang, "các kịch bản so sánh", "the compared scenarios"),
                    );
                });
            });
        });
}

/// Steps the presentation: through the compared scenarios when the planner chose so (and
/// two or more are ticked), else through the phases of the scenario. The first step of a
/// presentation from the last phase (where the window opens) goes to the first phase.
pub(crate) fn present_step(project: &Project, sc: &mut ScenarioUi, dir: i32, first: bool) {
    let compared = compared_scenarios(project, sc);
    if sc.present_scenarios && compared.len() >= 2 {
        let i = sc
            .active
            .and_then(|a| compared.iter().position(|x| *x == a))
            .map(|i| i as i32)
            .unwrap_or(-1);
        let j = (i + dir).rem_euclid(compared.len() as i32) as usize;
        sc.active = Some(compared[j]);
        return;
    }
    if sc.active.is_none() {
        sc.active = project.reference_scenario().map(|s| s.id);
    }
    let y = sc.year;
    sc.year = if dir > 0 {
        PHASE_STEPS
            .iter()
            .copied()
            .find(|s| *s > y)
            .unwrap_or(if first {
                PHASE_STEPS[0]
            } else {
                PHASE_STEPS[PHASE_STEPS.len() - 1]
            })
    } else {
        PHASE_STEPS
            .iter()
            .rev()
            .copied()
            .find(|s| *s < y)
            .unwrap_or(PHASE_STEPS[0])
    };
}

/// A row of the presentation's legend: a layer in its default look, a styled layer's single
/// symbol, the name of a classified layer, or one of its categories or classes.
enum Row {
    Layer(Layer),
    Symbol(Layer, crate::model::style::Symbol),
    Header(Layer),
    Class(crate::model::style::Symbol, String),
}

/// The most categories or classes of one layer the presentation's legend lists.
const MOST_CLASSES: usize = 8;

/// The presentation's legend: the layers shown and holding sites, in their styles.
fn legend_rows(project: &Project, visible: &[bool; 7], lang: Language) -> Vec<Row> {
    use crate::model::style::Renderer;
    let mut rows = Vec::new();
    for l in Layer::ALL {
        if !visible[layer_index(l)] || project.sites_of(l).next().is_none() {
            continue;
        }
        match project.styles.get(l.table()) {
            None => rows.push(Row::Layer(l)),
            Some(st) => {
                if let Renderer::Single(s) = &st.renderer {
                    rows.push(Row::Symbol(l, s.clone()));
                    continue;
                }
                rows.push(Row::Header(l));
                let classes = st.legend();
                let n = classes.len();
                for (i, (label, s)) in classes.into_iter().enumerate() {
                    if i + 1 == MOST_CLASSES && n > MOST_CLASSES {
                        rows.push(Row::Class(s.clone(), format!("… +{}", n - i)));
                        break;
                    }
                    let label = if label == "all other values" {
                        tr(lang, "các giá trị khác", "all other values").to_string()
                    } else {
                        label
                    };
                    rows.push(Row::Class(s.clone(), label));
                }
            }
        }
    }
    rows
}

/// Where the presentation's legend goes: bottom right, over the Gulf of Tonkin at the
/// province's extent, clear of the land. Labels keep clear of exactly this box.
pub(crate) fn legend_rect(project: &Project, visible: &[bool; 7], rect: Rect) -> Rect {
    let w = 330.0;
    let h = 44.0 + PRESENT_ROW_H * legend_rows(project, visible, Language::En).len() as f32;
    let top_left = Pos2::new(rect.right() - w - 18.0, rect.bottom() - h - 40.0);
    Rect::from_min_size(top_left, Vec2::new(w, h))
}

/// The title and legend overlays of the presentation.
pub(crate) fn paint_overlays(
    painter: &egui::Painter,
    rect: Rect,
    lang: Language,
    project: &Project,
    sc: &ScenarioUi,
    visible: &[bool; 7],
) {
    let title = match sc.active_in(project) {
        Some(s) => format!("{} — {}", s.name, sc.year),
        None => tr(
            lang,
            "Quy hoạch khu, cụm công nghiệp tỉnh Quảng Ninh",
            "Industrial zones and clusters of Quảng Ninh",
        )
        .to_string(),
    };
    let g = painter.layout_no_wrap(
        title,
        FontId::new(28.0, egui::FontFamily::Name(crate::app::fonts::BOLD.into())),
        Color32::from_gray(15),
    );
    let at = rect.left_top() + Vec2::new(18.0, 14.0);
    painter.rect_filled(
        Rect::from_min_size(at, g.size()).expand(8.0),
        6.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 235),
    );
    painter.galley(at, g, Color32::from_gray(15));
    let hint = painter.layout_no_wrap(
        tr(
            lang,
            if presents_scenarios(project, sc) {
                "PageDown/PageUp: kịch bản tiếp/trước · Esc: thoát"
            } else {
                "PageDown/PageUp: năm tiếp/trước · Esc: thoát"
            },
            if presents_scenarios(project, sc) {
                "PageDown/PageUp: next/previous scenario · Esc: leave"
            } else {
                "PageDown/PageUp: next/previous year · Esc: leave"
            },
        )
        .to_string(),
        FontId::proportional(14.0),
        Color32::from_gray(40),
    );
    let hat = rect.left_top() + Vec2::new(18.0, 58.0);
    painter.rect_filled(
        Rect::from_min_size(hat, hint.size()).expand(4.0),
        4.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 210),
    );
    painter.galley(hat, hint, Color32::from_gray(40));
    // Legend of the visible layers.
    let rows = legend_rows(project, visible, lang);
    let row_h = PRESENT_ROW_H;
    let lrect = legend_rect(project, visible, rect);
    let top_left = lrect.min;
    painter.rect_filled(
        lrect,
        6.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 240),
    );
    painter.rect_stroke(
        lrect,
        6.0,
        Stroke::new(1.0, Color32::from_gray(150)),
        egui::StrokeKind::Inside,
    );
    painter.text(
        top_left + Vec2::new(14.0, 10.0),
        egui::Align2::LEFT_TOP,
        tr(lang, "Chú giải", "Legend"),
        FontId::new(20.0, egui::FontFamily::Name(crate::app::fonts::BOLD.into())),
        Color32::from_gray(15),
    );
    for (i, row) in rows.iter().enumerate() {
        let y = top_left.y + 52.0 + row_h * i as f32;
        let at = Pos2::new(top_left.x + 26.0, y);
        let (text, x) = match row {
            Row::Layer(l) => {
                paint::paint_symbol(painter, *l, at, 1.5);
                (i18n::layer_name(lang, *l).to_string(), 48.0)
            }
            Row::Symbol(l, s) => {
                paint::paint_styled_marker(painter, s, at, 1.5);
                (i18n::layer_name(lang, *l).to_string(), 48.0)
            }
            Row::Header(l) => (i18n::layer_name(lang, *l).to_string(), 14.0),
            Row::Class(s, label) => {
                paint::paint_styled_marker(painter, s, at + Vec2::new(10.0, 0.0), 1.2);
                (label.clone(), 58.0)
            }
        };
        painter.text(
            Pos2::new(top_left.x + x, y),
            egui::Align2::LEFT_CENTER,
            text,
            FontId::proportional(18.0),
            Color32::from_gray(15),
        );
    }
}

/// Where presentation mode's locator goes: above the legend, at the right, where the screen
/// has room (labels keep clear of it).
pub(crate) fn locator_rect(rect: Rect, legend: Rect) -> Option<Rect> {
    let size = Vec2::new(200.0, 210.0);
    let top = legend.top() - 12.0 - size.y;
    (top >= rect.top() + 100.0)
        .then(|| Rect::from_min_size(Pos2::new(legend.right() - size.x, top), size))
}

/// The locator in presentation mode: Vietnam with the Hoàng Sa and Trường Sa archipelagos,
/// Biển Đông and the province's box, above the legend where the screen has room.
pub(crate) fn paint_locator(
    painter: &egui::Painter,
    rect: Rect,
    legend: Rect,
    lang: Language,
    cache: &mut Option<(Language, egui::TextureHandle)>,
) {
    let Some(r) = locator_rect(rect, legend) else {
        return;
    };
    if cache.as_ref().is_none_or(|(l, _)| *l != lang) {
        // 42 × 44 mm (its names 1.9 mm high, 9 px on screen) at 242 dpi: 400 × 420 px, sharp
        // at the 200 × 210 points it is shown, on a high-density screen too.
        let Ok(pm) = crate::export::locator_image(42.0, 44.1, lang, 242) else {
            return;
        };
        let image = egui::ColorImage::from_rgba_premultiplied(
            [pm.width() as usize, pm.height() as usize],
            pm.data(),
        );
        let tex =
            painter
                .ctx()
                .load_texture("present_locator", image, egui::TextureOptions::LINEAR);
        *cache = Some((lang, tex));
    }
    let Some((_, tex)) = cache else { return };
    painter.image(
        tex.id(),
        r,
        Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
        Color32::WHITE,
    );
    painter.rect_stroke(
        r,
        0.0,
        Stroke::new(1.0, Color32::from_gray(150)),
        egui::StrokeKind::Outside,
    );
}
