//! The left panel: the locator, the layers with their symbols and counts, the industrial centres,
//! the records that are not located, and the reference layers.

use super::map::layer_index;
use super::*;
use egui::{Color32, Sense, Stroke, Vec2};

/// What the left panel shows and changes besides the project: the locator, which layers
/// are drawn (the panel's own state, kept by the app for the map), the number of towns.
pub(super) struct SideState<'a> {
    pub locator: &'a mut super::locator::LocatorUi,
    pub visible: &'a mut [bool; 7],
    pub show_towns: &'a mut bool,
    pub refs: &'a mut [map::RefLayerView],
    /// Tables another program wrote into the project (not drawn; each can be imported).
    pub foreign: &'a [crate::store::ForeignTable],
    pub towns: usize,
    pub selected: Option<(Layer, i64)>,
    pub selection: &'a std::collections::BTreeSet<(Layer, i64)>,
    pub sel_ui: &'a mut crate::app::panels::selection::SelectionUi,
}

/// A layer's symbol, which opens its style panel when clicked (as in QGIS); its place and
/// whether it was clicked.
fn symbol_button(ui: &mut egui::Ui, lang: Language, name: &str) -> (egui::Rect, bool) {
    let (rect, r) = ui.allocate_exact_size(Vec2::splat(20.0), Sense::click());
    let label = format!("{} {name}", tr(lang, "Kiểu dáng của lớp", "Style of"));
    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, label.clone()));
    let r = r.on_hover_text(tr(
        lang,
        "Bấm để sửa kiểu dáng của lớp",
        "Click to change the layer's style",
    ));
    (rect, r.clicked())
}

/// The left panel; returns the selections and zooms it asks for.
pub(super) fn side_ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &command::View,
    st: SideState<'_>,
) -> Vec<Command> {
    let mut out = Vec::new();
    {
        let lang = view.lang;
        ui.add_space(4.0);
        out.extend(super::locator::locator_ui(ui, lang, st.locator));
        ui.separator();
        out.extend(crate::app::panels::selection::selection_box(
            ui,
            project,
            view,
            st.selection,
            st.sel_ui,
        ));
        ui.separator();
        ui.label(RichText::new(tr(lang, "Lớp quy hoạch", "Planning layers")).strong());
        for layer in Layer::ALL {
            let i = layer_index(layer);
            let n = project.sites_of(layer).count();
            let text = if layer == Layer::IndustrialCentres {
                format!(
                    "{} ({} · {} {})",
                    i18n::layer_name(lang, layer),
                    project.centres.len(),
                    n,
                    tr(lang, "nhà máy", "plants")
                )
            } else {
                format!("{} ({n})", i18n::layer_name(lang, layer))
            };
            ui.horizontal(|ui| {
                let (rect, clicked) = symbol_button(ui, lang, i18n::layer_name(lang, layer));
                match project.styles.get(layer.table()) {
                    Some(s) => paint::paint_styled_marker(
                        ui.painter(),
                        s.main_symbol(),
                        rect.center(),
                        0.8,
                    ),
                    None => paint::paint_symbol(ui.painter(), layer, rect.center(), 1.0),
                }
                ui.checkbox(&mut st.visible[i], text);
                if clicked && view.has_file {
                    out.push(Command::OpenStyle(layer.table().to_string()));
                }
            });
        }
        if !st.refs.is_empty() {
            ui.label(RichText::new(tr(lang, "Lớp tham chiếu", "Reference layers")).strong());
            for r in st.refs.iter_mut() {
                ui.horizontal(|ui| {
                    let (rect, clicked) = symbol_button(ui, lang, &r.name);
                    if clicked {
                        out.push(Command::OpenStyle(r.table.clone()));
                    }
                    let c = match project.styles.get(&r.table) {
                        Some(st) => {
                            let f = st.main_symbol().fill;
                            Color32::from_rgb(f[0], f[1], f[2])
                        }
                        None => r.color,
                    };
                    ui.painter().rect_filled(
                        rect.shrink(4.0),
                        2.0,
                        Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), 90),
                    );
                    ui.painter().rect_stroke(
                        rect.shrink(4.0),
                        2.0,
                        Stroke::new(1.0, c),
                        egui::StrokeKind::Inside,
                    );
                    ui.checkbox(&mut r.visible, format!("{} ({})", r.name, r.count))
                        .on_hover_text(&r.table);
                });
            }
        }
        if !st.foreign.is_empty() {
            ui.label(RichText::new(tr(lang, "Bảng khác trong tệp", "Other tables in the file")).strong())
                .on_hover_text(tr(
                    lang,
                    "Do chương trình khác ghi vào tệp (QGIS, GDAL…). qn-planner không vẽ chúng; nhập một bảng thành lớp tham chiếu để dùng.",
                    "Written into the file by another program (QGIS, GDAL…). qn-planner does not draw them; import one as a reference layer to use it.",
                ));
            for f in st.foreign {
                ui.horizontal(|ui| {
                    ui.label(format!("{} ({})", f.table, f.count));
                    if f.features {
                        if ui
                            .small_button(tr(lang, "Nhập thành lớp", "Import as a layer"))
                            .on_hover_text(tr(
                                lang,
                                "Chép bảng này thành một lớp tham chiếu (tên mới)",
                                "Copy this table into a reference layer (a new name)",
                            ))
                            .clicked()
                        {
                            out.push(Command::ImportOwnTable(f.table.clone()));
                        }
                    } else {
                        ui.label(
                            RichText::new(tr(lang, "không có hình học", "no geometry")).weak(),
                        );
                    }
                });
            }
        }
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::splat(20.0), Sense::hover());
            paint::paint_town(ui.painter(), rect.center());
            ui.checkbox(
                st.show_towns,
                format!(
                    "{} ({})",
                    tr(
                        lang,
                        "Thành phố, thị xã, thị trấn",
                        "Towns and district seats"
                    ),
                    st.towns
                ),
            );
        });
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::splat(20.0), Sense::hover());
            paint::paint_approximate_halo(
                ui.painter(),
                Layer::IndustrialClusters,
                rect.center(),
                0.6,
            );
            ui.label(tr(
                lang,
                "vị trí gần đúng / tâm phường, xã",
                "approximate / ward or commune centre",
            ));
        });
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::new(20.0, 12.0), Sense::hover());
            ui.painter().line_segment(
                [rect.left_center(), rect.right_center()],
                Stroke::new(2.2, paint::BORDER),
            );
            ui.label(tr(lang, "Biên giới Việt – Trung", "Vietnam–China border"));
        });
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::new(20.0, 12.0), Sense::hover());
            ui.painter().extend(egui::Shape::dashed_line(
                &[rect.left_center(), rect.right_center()],
                Stroke::new(1.6, paint::PROVINCE_LINE),
                5.0,
                3.0,
            ));
            ui.label(tr(lang, "Ranh giới tỉnh", "Province boundary"));
        });
        ui.separator();
        egui::CollapsingHeader::new(tr(
            lang,
            "Trung tâm công nghiệp (¶3)",
            "Industrial centres (¶3)",
        ))
        .default_open(false)
        .show(ui, |ui| {
            let centres = project.centres.clone();
            for c in &centres {
                let name = match lang {
                    Language::Vi => c.name.clone(),
                    Language::En => c.name_en.clone(),
                };
                let plants: Vec<&Site> = project
                    .sites_of(Layer::IndustrialCentres)
                    .filter(|s| s.centre_key == c.key)
                    .collect();
                let located = plants.iter().filter(|s| s.is_located()).count();
                let suffix = if c.geom.is_none() {
                    format!(" — {}", i18n::precision(lang, Precision::NotLocated))
                } else {
                    String::new()
                };
                ui.label(format!(
                    "{name}: {located}/{} {}{suffix}",
                    plants.len(),
                    tr(lang, "nhà máy có vị trí", "plants located")
                ));
            }
        });
        let not_located: Vec<(Layer, i64, String)> = project
            .sites
            .iter()
            .filter(|s| !s.is_located())
            .map(|s| (s.layer, s.fid, s.name.clone()))
            .collect();
        egui::CollapsingHeader::new(format!(
            "{} ({})",
            tr(lang, "Chưa định vị", "Not located"),
            not_located.len()
        ))
        .default_open(true)
        .show(ui, |ui| {
            ui.label(
                RichText::new(tr(
                    lang,
                    "Không có nguồn công khai cho vị trí; không đặt bằng phỏng đoán.",
                    "No public source gives a position; never placed by guess.",
                ))
                .small(),
            );
            for (layer, fid, name) in not_located {
                let sel = st.selected == Some((layer, fid));
                if ui
                    .selectable_label(sel, format!("{name} · {}", i18n::layer_name(lang, layer)))
                    .clicked()
                {
                    out.push(Command::Select(Some((layer, fid))));
                }
            }
        });
    }
    out
}
