//! The style panel beside the layer list: a layer's symbols (single, categorised by a field,
//! graduated by a number), its labels and the scales it shows at, with a live preview. Every
//! change is an edit of the layer's style (one undo step per gesture on one control); the map
//! and every export draw from the same style.

pub use crate::app::command::Classify;
use crate::app::command::{Command, Panel, Then, View, merge_key};
use crate::app::filebrowser::Purpose;
use crate::app::i18n::tr;
use crate::app::paint as look;
use crate::edit::Edit;
use crate::lang::Language;
use crate::model::Project;
use crate::model::style::{Brush, Dash, LayerStyle, Method, Renderer, Shape, Symbol};
use crate::store::StyleTarget;
use crate::store::qml::GeomKind;
use egui::{Color32, RichText, Sense, Stroke, Vec2};
use std::time::Instant;

/// The panel's own state: which layer, and the choices not yet applied.
pub struct StyleUi {
    /// The layer styled (none: the panel is closed), its title and its default look.
    pub target: Option<StyleTarget>,
    pub title: String,
    pub default: Option<LayerStyle>,
    /// The field, class count, method and ramp of the next classification.
    pub field: String,
    pub classes: usize,
    pub method: Method,
    pub ramp: [[u8; 3]; 2],
    /// What the last QML import left out, or went wrong.
    pub message: Option<String>,
    /// A symbology picked that waits for its field and Classify (1 categorised, 2 graduated).
    pub want: Option<usize>,
    /// Gestures: changes to one control within a moment of each other are one undo step.
    gestures: u64,
    last_control: Option<egui::Id>,
    last_change: Option<Instant>,
}

impl Default for StyleUi {
    fn default() -> StyleUi {
        StyleUi {
            target: None,
            title: String::new(),
            default: None,
            field: String::new(),
            classes: 5,
            method: Method::EqualInterval,
            ramp: [[0xff, 0xf5, 0xeb], [0x7f, 0x27, 0x04]],
            message: None,
            want: None,
            gestures: 0,
            last_control: None,
            last_change: None,
        }
    }
}

impl StyleUi {
    /// The merge key of a change made with control `id`.
    fn gesture(&mut self, id: egui::Id) -> u64 {
        let now = Instant::now();
        let same = self.last_control == Some(id)
            && self
                .last_change
                .is_some_and(|t| now.duration_since(t).as_secs_f32() < 1.5);
        if !same {
            self.gestures += 1;
        }
        self.last_control = Some(id);
        self.last_change = Some(now);
        merge_key(Panel::Style, self.gestures)
    }
}

fn brush_name(lang: Language, b: Brush) -> &'static str {
    match b {
        Brush::Solid => tr(lang, "Tô đặc", "Solid"),
        Brush::NoBrush => tr(lang, "Không tô", "No fill"),
        Brush::Horizontal => tr(lang, "Gạch ngang", "Horizontal hatch"),
        Brush::Vertical => tr(lang, "Gạch dọc", "Vertical hatch"),
        Brush::Cross => tr(lang, "Gạch chéo lưới", "Cross hatch"),
        Brush::BDiagonal => tr(lang, "Gạch chéo \\", "Diagonal hatch \\"),
        Brush::FDiagonal => tr(lang, "Gạch chéo /", "Diagonal hatch /"),
        Brush::DiagonalX => tr(lang, "Gạch chéo kép", "Diagonal cross hatch"),
    }
}

fn dash_name(lang: Language, d: Dash) -> &'static str {
    match d {
        Dash::Solid => tr(lang, "Liền", "Solid"),
        Dash::Dash => tr(lang, "Gạch", "Dashed"),
        Dash::Dot => tr(lang, "Chấm", "Dotted"),
        Dash::DashDot => tr(lang, "Gạch chấm", "Dash dot"),
        Dash::NoPen => tr(lang, "Không viền", "No outline"),
    }
}

fn shape_name(lang: Language, s: Shape) -> &'static str {
    match s {
        Shape::Circle => tr(lang, "Tròn", "Circle"),
        Shape::Square => tr(lang, "Vuông", "Square"),
        Shape::Triangle => tr(lang, "Tam giác", "Triangle"),
        Shape::Diamond => tr(lang, "Thoi", "Diamond"),
        Shape::Star => tr(lang, "Sao", "Star"),
    }
}

/// A choice among `all`, each shown by `name`, the box labelled by `label`; the box's id when
/// the planner changed `value`.
fn choice<T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    salt: &str,
    label: egui::Id,
    value: &mut T,
    all: &[T],
    name: impl Fn(T) -> &'static str,
) -> Option<egui::Id> {
    let mut v = *value;
    let r = egui::ComboBox::from_id_salt(salt)
        .selected_text(name(v))
        .show_ui(ui, |ui| {
            for x in all {
                ui.selectable_value(&mut v, *x, name(*x));
            }
        })
        .response
        .labelled_by(label);
    if v == *value {
        return None;
    }
    *value = v;
    Some(r.id)
}

/// The swatch of a symbol in a row of the preview or the lists.
fn swatch(ui: &mut egui::Ui, s: &Symbol, kind: GeomKind) {
    let (rect, _) = ui.allocate_exact_size(Vec2::new(28.0, 18.0), Sense::hover());
    let p = ui.painter();
    match kind {
        GeomKind::Point => look::paint_styled_marker(p, s, rect.center(), 0.8),
        GeomKind::Line => {
            let w = (s.outline_mm * look::PX_PER_MM).max(1.0);
            let c = Color32::from_rgba_unmultiplied(
                s.outline[0],
                s.outline[1],
                s.outline[2],
                s.outline[3],
            );
            p.line_segment([rect.left_center(), rect.right_center()], Stroke::new(w, c));
        }
        GeomKind::Polygon => {
            let r = rect.shrink2(Vec2::new(3.0, 2.0));
            if s.brush != Brush::NoBrush {
                let a = if s.brush == Brush::Solid {
                    s.opacity
                } else {
                    s.opacity.max(0.6) * 0.5
                };
                p.rect_filled(
                    r,
                    0.0,
                    Color32::from_rgba_unmultiplied(
                        s.fill[0],
                        s.fill[1],
                        s.fill[2],
                        (a * 255.0) as u8,
                    ),
                );
            }
            if s.dash != Dash::NoPen {
                let c = Color32::from_rgba_unmultiplied(
                    s.outline[0],
                    s.outline[1],
                    s.outline[2],
                    s.outline[3],
                );
                p.rect_stroke(
                    r,
                    0.0,
                    Stroke::new((s.outline_mm * look::PX_PER_MM).max(1.0), c),
                    egui::StrokeKind::Inside,
                );
            }
        }
    }
}

/// A field as the panel lists it: the planner's words for a planning layer's fields, the
/// column's name for the others.
fn field_name(lang: Language, table: &str, field: &str) -> String {
    crate::app::i18n::field_label(lang, table, field)
}

/// The style panel of the layer `st.target`; returns its edits and requests.
pub fn style_panel(
    ui: &mut egui::Ui,
    project: &Project,
    view: &View,
    st: &mut StyleUi,
) -> Vec<Command> {
    let mut out = Vec::new();
    let lang = view.lang;
    let Some(target) = st.target.clone() else {
        return out;
    };
    let table = target.table.clone();
    let own = project.styles.get(&table).cloned();
    let current = match (&own, &st.default) {
        (Some(s), _) => s.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => return out,
    };
    let mut next = current.clone();
    // The id of the control that changed this frame, if any.
    let mut changed: Option<egui::Id> = None;
    let note = |r: &egui::Response, changed: &mut Option<egui::Id>| {
        if r.changed() {
            *changed = Some(r.id);
        }
    };

    ui.horizontal(|ui| {
        ui.label(RichText::new(tr(lang, "Kiểu dáng", "Style")).strong());
        ui.label(RichText::new(&st.title).strong());
        if ui.button(tr(lang, "Đóng", "Close")).clicked() {
            st.target = None;
        }
    });
    ui.label(
        RichText::new(if own.is_some() {
            tr(
                lang,
                "kiểu riêng của lớp (lưu trong tệp)",
                "the layer's own style (kept in the file)",
            )
        } else {
            tr(lang, "kiểu mặc định", "the default look")
        })
        .italics(),
    );
    ui.add_enabled_ui(!view.read_only, |ui| {
        // Live preview: the legend rows as the map and the exports draw them.
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(RichText::new(tr(lang, "Xem trước", "Preview")).small());
            let rows = next.legend();
            for (label, s) in rows.iter().take(12) {
                ui.horizontal(|ui| {
                    swatch(ui, s, target.kind);
                    let text = match label.as_str() {
                        "" => st.title.as_str(),
                        "all other values" => tr(lang, "các giá trị khác", "all other values"),
                        l => l,
                    };
                    ui.label(text);
                });
            }
            if rows.len() > 12 {
                ui.label(format!("… +{}", rows.len() - 12));
            }
        });

        // The renderer.
        let kind_now = match next.renderer {
            Renderer::Single(_) => 0,
            Renderer::Categorised { .. } => 1,
            Renderer::Graduated { .. } => 2,
        };
        let kinds = [
            tr(lang, "Một ký hiệu", "Single symbol"),
            tr(lang, "Phân loại theo trường", "Categorised"),
            tr(lang, "Phân cấp theo số", "Graduated"),
        ];
        let shown_kind = st.want.unwrap_or(kind_now);
        let mut kind_pick = shown_kind;
        egui::ComboBox::from_label(tr(lang, "Kiểu ký hiệu", "Symbology"))
            .selected_text(kinds[shown_kind])
            .show_ui(ui, |ui| {
                for (i, k) in kinds.iter().enumerate() {
                    ui.selectable_value(&mut kind_pick, i, *k);
                }
            });
        if kind_pick != shown_kind {
            if kind_pick == kind_now {
                st.want = None;
            } else if kind_pick == 0 {
                next.renderer = Renderer::Single(next.main_symbol().clone());
                changed = Some(ui.scope_id().with("style-kind"));
                st.want = None;
            } else {
                // A field is needed: Classify below makes the categories or classes.
                st.want = Some(kind_pick);
                st.field.clear();
                st.message = Some(
                    tr(
                        lang,
                        "Chọn trường rồi bấm Phân loại.",
                        "Choose a field, then Classify.",
                    )
                    .to_string(),
                );
            }
        }
        let want = st.want.unwrap_or(kind_now);
        if want != 0 {
            let numeric = want == 2;
            let fields: Vec<&String> = target
                .typed_fields
                .iter()
                .filter(|(_, n)| !numeric || *n)
                .map(|(f, _)| f)
                .collect();
            if st.field.is_empty()
                && let Some(f) = next.field()
            {
                st.field = f.to_string();
            }
            egui::ComboBox::from_label(tr(lang, "Trường", "Field"))
                .selected_text(field_name(lang, &table, &st.field))
                .show_ui(ui, |ui| {
                    for f in fields {
                        ui.selectable_value(&mut st.field, f.clone(), field_name(lang, &table, f));
                    }
                });
            if numeric {
                ui.horizontal(|ui| {
                    ui.add(egui::DragValue::new(&mut st.classes).range(2..=10));
                    ui.label(tr(lang, "lớp", "classes"));
                    egui::ComboBox::from_label(tr(lang, "cách chia", "method"))
                        .selected_text(match st.method {
                            Method::EqualInterval => tr(lang, "Khoảng đều", "Equal interval"),
                            Method::Quantile => tr(lang, "Phân vị", "Quantiles"),
                        })
                        .show_ui(ui, |ui| {
                            ui.selectable_value(
                                &mut st.method,
                                Method::EqualInterval,
                                tr(lang, "Khoảng đều", "Equal interval"),
                            );
                            ui.selectable_value(
                                &mut st.method,
                                Method::Quantile,
                                tr(lang, "Phân vị", "Quantiles"),
                            );
                        });
                });
                ui.horizontal(|ui| {
                    ui.label(tr(lang, "Dải màu", "Colour ramp"));
                    ui.color_edit_button_srgb(&mut st.ramp[0]);
                    ui.label("→");
                    ui.color_edit_button_srgb(&mut st.ramp[1]);
                });
            }
            let can = !st.field.is_empty();
            if ui
                .add_enabled(can, egui::Button::new(tr(lang, "Phân loại", "Classify")))
                .clicked()
            {
                let how = if numeric {
                    Classify::Classes {
                        field: st.field.clone(),
                        n: st.classes,
                        method: st.method,
                        ramp: st.ramp,
                    }
                } else {
                    Classify::Categories {
                        field: st.field.clone(),
                    }
                };
                st.message = None;
                out.push(Command::ClassifyStyle {
                    table: table.clone(),
                    how,
                });
            }
        }

        // Sites of a planning layer that fall in no category or class: drawn grey, and said.
        if let Some(layer) = crate::model::Layer::from_table(&table) {
            let outside = current.count_outside(project.sites_of(layer));
            if outside > 0 {
                ui.colored_label(
                    egui::Color32::from_rgb(0xa0, 0x50, 0x00),
                    match lang {
                        Language::Vi => format!(
                            "{outside} vị trí không thuộc loại hay lớp nào: vẽ bằng ký hiệu xám (thêm “các giá trị khác” hoặc một loại cho chúng)."
                        ),
                        Language::En => format!(
                            "{outside} sites fall in no category or class: drawn in grey (add “all other values” or a category for them)."
                        ),
                    },
                );
            }
        }

        // Categories or classes: colour, shown, label.
        match &mut next.renderer {
            Renderer::Categorised {
                categories, other, ..
            } => {
                ui.separator();
                egui::ScrollArea::vertical()
                    .id_salt("style-cats")
                    .max_height(180.0)
                    .show(ui, |ui| {
                        for c in categories.iter_mut().chain(other.iter_mut()) {
                            ui.horizontal(|ui| {
                                let value = if c.value.is_empty() {
                                    tr(lang, "(các giá trị khác)", "(all other values)").to_string()
                                } else {
                                    c.value.clone()
                                };
                                note(&ui.color_edit_button_srgb(&mut c.symbol.fill), &mut changed);
                                let cb = ui.checkbox(&mut c.shown, value);
                                note(&cb, &mut changed);
                                note(
                                    &ui.add(
                                        egui::TextEdit::singleline(&mut c.label)
                                            .desired_width(90.0),
                                    )
                                    .labelled_by(cb.id),
                                    &mut changed,
                                );
                            });
                        }
                    });
            }
            Renderer::Graduated { classes, .. } => {
                ui.separator();
                for c in classes.iter_mut() {
                    ui.horizontal(|ui| {
                        note(&ui.color_edit_button_srgb(&mut c.symbol.fill), &mut changed);
                        let range = format!("{} – {}", c.lower, c.upper);
                        let cb = ui.checkbox(&mut c.shown, range);
                        note(&cb, &mut changed);
                        note(
                            &ui.add(egui::TextEdit::singleline(&mut c.label).desired_width(110.0))
                                .labelled_by(cb.id),
                            &mut changed,
                        );
                    });
                }
            }
            Renderer::Single(_) => {}
        }

        // The symbol: for a classified style its settings apply to every class (each keeps
        // its colour).
        ui.separator();
        ui.label(RichText::new(tr(lang, "Ký hiệu", "Symbol")).strong());
        let before_sym = next.main_symbol().clone();
        let mut sym = before_sym.clone();
        let single = matches!(next.renderer, Renderer::Single(_));
        egui::Grid::new("style-symbol")
            .num_columns(2)
            .show(ui, |ui| {
                if single {
                    let lab = ui.label(tr(lang, "Màu tô", "Fill colour")).id;
                    note(
                        &ui.color_edit_button_srgb(&mut sym.fill).labelled_by(lab),
                        &mut changed,
                    );
                    ui.end_row();
                }
                let lab = ui.label(tr(lang, "Độ đục vùng", "Fill opacity")).id;
                note(
                    &ui.add(egui::Slider::new(&mut sym.opacity, 0.0..=1.0))
                        .labelled_by(lab),
                    &mut changed,
                );
                ui.end_row();
                let lab = ui.label(tr(lang, "Kiểu tô", "Fill style")).id;
                if let Some(id) = choice(ui, "style-brush", lab, &mut sym.brush, &Brush::ALL, |x| {
                    brush_name(lang, x)
                }) {
                    changed = Some(id);
                }
                ui.end_row();
                let lab = ui.label(tr(lang, "Màu viền", "Outline colour")).id;
                let mut oc = [sym.outline[0], sym.outline[1], sym.outline[2]];
                let r = ui.color_edit_button_srgb(&mut oc).labelled_by(lab);
                if r.changed() {
                    sym.outline = [oc[0], oc[1], oc[2], sym.outline[3]];
                    changed = Some(r.id);
                }
                ui.end_row();
                let lab = ui
                    .label(tr(lang, "Độ dày viền (mm)", "Outline width (mm)"))
                    .id;
                note(
                    &ui.add(
                        egui::DragValue::new(&mut sym.outline_mm)
                            .range(0.0..=5.0)
                            .speed(0.02),
                    )
                    .labelled_by(lab),
                    &mut changed,
                );
                ui.end_row();
                let lab = ui.label(tr(lang, "Nét viền", "Outline style")).id;
                if let Some(id) = choice(ui, "style-dash", lab, &mut sym.dash, &Dash::ALL, |x| {
                    dash_name(lang, x)
                }) {
                    changed = Some(id);
                }
                ui.end_row();
                if target.kind == GeomKind::Point {
                    let lab = ui.label(tr(lang, "Hình điểm", "Point symbol")).id;
                    if let Some(id) =
                        choice(ui, "style-shape", lab, &mut sym.shape, &Shape::ALL, |x| {
                            shape_name(lang, x)
                        })
                    {
                        changed = Some(id);
                    }
                    ui.end_row();
                    let lab = ui.label(tr(lang, "Cỡ điểm (mm)", "Point size (mm)")).id;
                    note(
                        &ui.add(
                            egui::DragValue::new(&mut sym.size_mm)
                                .range(0.5..=12.0)
                                .speed(0.05),
                        )
                        .labelled_by(lab),
                        &mut changed,
                    );
                    ui.end_row();
                }
            });
        if sym != before_sym {
            for s in next.symbols_mut() {
                if single {
                    *s = sym.clone();
                    continue;
                }
                s.opacity = sym.opacity;
                s.brush = sym.brush;
                s.outline = sym.outline;
                s.outline_mm = sym.outline_mm;
                s.dash = sym.dash;
                s.shape = sym.shape;
                s.size_mm = sym.size_mm;
            }
        }

        // Labels.
        ui.separator();
        ui.label(RichText::new(tr(lang, "Nhãn", "Labels")).strong());
        let none = tr(lang, "(không nhãn)", "(no labels)");
        let mut lf = next.labels.field.clone();
        egui::ComboBox::from_label(tr(lang, "Trường nhãn", "Label field"))
            .selected_text(
                lf.as_deref()
                    .map_or_else(|| none.to_string(), |f| field_name(lang, &table, f)),
            )
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut lf, None, none);
                for (f, _) in &target.typed_fields {
                    ui.selectable_value(&mut lf, Some(f.clone()), field_name(lang, &table, f));
                }
            });
        if lf != next.labels.field {
            next.labels.field = lf;
            changed = Some(ui.scope_id().with("style-label-field"));
        }
        if next.labels.field.is_some() {
            let l = &mut next.labels;
            egui::Grid::new("style-labels")
                .num_columns(2)
                .show(ui, |ui| {
                    let lab = ui.label(tr(lang, "Cỡ chữ (pt)", "Size (pt)")).id;
                    note(
                        &ui.add(
                            egui::DragValue::new(&mut l.size_pt)
                                .range(5.0..=24.0)
                                .speed(0.1),
                        )
                        .labelled_by(lab),
                        &mut changed,
                    );
                    ui.end_row();
                    let lab = ui.label(tr(lang, "Màu chữ", "Colour")).id;
                    note(
                        &ui.color_edit_button_srgb(&mut l.colour).labelled_by(lab),
                        &mut changed,
                    );
                    ui.end_row();
                    let lab = ui.label(tr(lang, "Viền chữ (mm)", "Halo (mm)")).id;
                    ui.horizontal(|ui| {
                        note(
                            &ui.add(
                                egui::DragValue::new(&mut l.halo_mm)
                                    .range(0.0..=3.0)
                                    .speed(0.02),
                            )
                            .labelled_by(lab),
                            &mut changed,
                        );
                        note(
                            &ui.color_edit_button_srgb(&mut l.halo_colour)
                                .labelled_by(lab),
                            &mut changed,
                        );
                    });
                    ui.end_row();
                    let lab = ui.label(tr(lang, "Hiện từ tỉ lệ 1:", "Shown from 1:")).id;
                    ui.horizontal(|ui| {
                        let mut on = l.min_scale.is_some();
                        let r = ui.checkbox(&mut on, "").labelled_by(lab);
                        let mut v = l.min_scale.unwrap_or(250_000.0);
                        let d = ui
                            .add_enabled(
                                on,
                                egui::DragValue::new(&mut v)
                                    .range(1_000.0..=50_000_000.0)
                                    .speed(1000.0),
                            )
                            .labelled_by(lab);
                        if r.changed() || d.changed() {
                            l.min_scale = on.then_some(v);
                            changed = Some(if r.changed() { r.id } else { d.id });
                        }
                    });
                    ui.end_row();
                });
        }

        // The scales the layer shows at.
        ui.separator();
        let mut on = next.min_scale.is_some() || next.max_scale.is_some();
        let r = ui.checkbox(
            &mut on,
            tr(
                lang,
                "Chỉ hiện trong khoảng tỉ lệ",
                "Show only between scales",
            ),
        );
        if r.changed() {
            if on {
                next.min_scale = Some(2_000_000.0);
                next.max_scale = Some(1_000.0);
            } else {
                next.min_scale = None;
                next.max_scale = None;
            }
            changed = Some(r.id);
        }
        if on {
            ui.horizontal(|ui| {
                let lab = ui.label(tr(lang, "xa nhất 1:", "farthest 1:")).id;
                let mut a = next.min_scale.unwrap_or(0.0);
                let r = ui
                    .add(
                        egui::DragValue::new(&mut a)
                            .range(0.0..=100_000_000.0)
                            .speed(1000.0),
                    )
                    .labelled_by(lab);
                if r.changed() {
                    next.min_scale = (a > 0.0).then_some(a);
                    changed = Some(r.id);
                }
                let lab = ui.label(tr(lang, "gần nhất 1:", "closest 1:")).id;
                let mut b = next.max_scale.unwrap_or(0.0);
                let r = ui
                    .add(
                        egui::DragValue::new(&mut b)
                            .range(0.0..=100_000_000.0)
                            .speed(10.0),
                    )
                    .labelled_by(lab);
                if r.changed() {
                    next.max_scale = (b > 0.0).then_some(b);
                    changed = Some(r.id);
                }
            });
        }

        // Files and the default look.
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            if ui.button(tr(lang, "Nhập QML…", "Load QML…")).clicked() {
                out.push(Command::ChoosePath {
                    purpose: Purpose::StyleFrom(table.clone()),
                    save: false,
                    kinds: &["qml"],
                    kind_name: "QGIS QML",
                    name: "",
                });
            }
            if ui.button(tr(lang, "Xuất QML…", "Save QML…")).clicked() {
                out.push(Command::ChoosePath {
                    purpose: Purpose::StyleTo(table.clone()),
                    save: true,
                    kinds: &["qml"],
                    kind_name: "QGIS QML",
                    name: "style.qml",
                });
            }
            if ui
                .add_enabled(
                    own.is_some(),
                    egui::Button::new(tr(lang, "Về kiểu mặc định", "Reset to the default look")),
                )
                .clicked()
            {
                out.push(Command::Edit {
                    edit: Edit::Style {
                        table: table.clone(),
                        before: own.clone().map(Box::new),
                        after: None,
                    },
                    merge: None,
                    then: Then::Nothing,
                });
            }
        });
        if let Some(m) = &st.message {
            ui.label(RichText::new(m).color(Color32::from_rgb(0xb0, 0x30, 0x00)));
        }
    });
    if next != current
        && let Some(id) = changed
    {
        let merge = st.gesture(id);
        out.push(Command::Edit {
            edit: Edit::Style {
                table,
                before: own.map(Box::new),
                after: Some(Box::new(next)),
            },
            merge: Some(merge),
            then: Then::Nothing,
        });
    }
    out
}
