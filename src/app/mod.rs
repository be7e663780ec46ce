//! The egui front end: the only module that draws or asks the user anything.
//!
//! The app owns the open project and the map view; panels read them and the map canvas draws
//! them. Nothing here decides what is stored: that is `store`'s job.

pub mod fonts;
pub mod i18n;
pub mod map;
pub mod style;

use crate::analysis::labels::{Bbox, Candidate, place_labels};
use crate::io::basemap::{ATTRIBUTION, ATTRIBUTION_SHORT, BaseMap};
use crate::io::crs::Tm3;
use crate::model::{Layer, Precision, Project, Site, text};
use crate::settings::{Language, Settings};
use crate::store::ProjectFile;
use egui::{Color32, FontFamily, FontId, Key, Pos2, Rect, RichText, Sense, Stroke, Vec2};
use geo::Centroid;
use i18n::tr;
use map::{BaseCache, MapView, Projector, World};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A feature drawn on the map this frame, for hit tests.
#[derive(Debug, Clone)]
struct Drawn {
    layer: Layer,
    fid: i64,
    screen: Pos2,
}

/// A label placed on the map in the last frame (for tests and the export later).
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLabel {
    pub text: String,
    pub rect: Rect,
}

/// How the app was started, for the first frame.
pub struct Startup {
    pub file: Option<ProjectFile>,
    /// A message to show at once (e.g. the file given could not be opened).
    pub error: Option<String>,
    pub settings: Settings,
    /// Whether settings changes are written to disk (off in tests).
    pub persist_settings: bool,
    /// When the process started, to report the time to the first frame.
    pub started: Option<Instant>,
}

pub struct QnApp {
    tm3: Tm3,
    base: BaseCache,
    file: Option<ProjectFile>,
    project: Project,
    view: Option<MapView>,
    visible: [bool; 5],
    show_towns: bool,
    selected: Option<(Layer, i64)>,
    search: String,
    settings: Settings,
    persist_settings: bool,
    error: Option<String>,
    show_about: bool,
    show_open_path: bool,
    open_path: String,
    cursor: Option<World>,
    title: String,
    started: Option<Instant>,
    first_frame_reported: bool,
    fit_requested: bool,
    labels: Vec<PlacedLabel>,
    drawn: Vec<(Layer, i64)>,
    map_rect: Rect,
}

fn layer_index(l: Layer) -> usize {
    Layer::ALL.iter().position(|x| *x == l).unwrap_or(0)
}

impl QnApp {
    /// Builds the app on `ctx`: fonts, base map, and the project given in `startup`.
    pub fn new(ctx: &egui::Context, startup: Startup) -> Result<QnApp, String> {
        fonts::install(ctx);
        ctx.set_theme(egui::Theme::Light);
        let tm3 = Tm3::new().map_err(|e| e.to_string())?;
        let base_map = BaseMap::load().map_err(|e| e.to_string())?;
        let base = BaseCache::build(&base_map, &tm3);
        let mut app = QnApp {
            tm3,
            base,
            file: None,
            project: Project::default(),
            view: None,
            visible: [true; 5],
            show_towns: true,
            selected: None,
            search: String::new(),
            settings: startup.settings,
            persist_settings: startup.persist_settings,
            error: startup.error,
            show_about: false,
            show_open_path: false,
            open_path: String::new(),
            cursor: None,
            title: String::new(),
            started: startup.started,
            first_frame_reported: false,
            fit_requested: true,
            labels: Vec::new(),
            drawn: Vec::new(),
            map_rect: Rect::NOTHING,
        };
        if let Some(f) = startup.file {
            app.set_project(f);
        }
        Ok(app)
    }

    fn lang(&self) -> Language {
        self.settings.language
    }

    /// Reads `file` into the app and remembers it as the last project.
    fn set_project(&mut self, file: ProjectFile) {
        match file.read_project() {
            Ok(p) => {
                self.project = p;
                self.selected = None;
                self.settings.last_project = Some(file.path().to_path_buf());
                if file.is_read_only() {
                    let msg = format!(
                        "{}: {}",
                        file.path().display(),
                        tr(
                            self.lang(),
                            "tệp chỉ đọc — mở để xem, không sửa được",
                            "the file is read-only: opened for viewing, edits are disabled"
                        )
                    );
                    eprintln!("qn-planner: {msg}");
                    self.error = Some(msg);
                }
                self.file = Some(file);
                self.save_settings();
            }
            Err(e) => self.show_error(e.to_string()),
        }
    }

    fn show_error(&mut self, msg: String) {
        eprintln!("qn-planner: {msg}");
        self.error = Some(msg);
    }

    fn save_settings(&mut self) {
        if self.persist_settings
            && let Err(e) = self.settings.save()
        {
            eprintln!("qn-planner: settings not saved: {e}");
        }
    }

    fn open(&mut self, path: &Path) {
        match ProjectFile::open(path) {
            Ok(f) => self.set_project(f),
            Err(e) => self.show_error(e.to_string()),
        }
    }

    /// The open project's data.
    pub fn project(&self) -> &Project {
        &self.project
    }

    pub fn file_path(&self) -> Option<&Path> {
        self.file.as_ref().map(|f| f.path())
    }

    pub fn selected(&self) -> Option<(Layer, i64)> {
        self.selected
    }

    pub fn language(&self) -> Language {
        self.settings.language
    }

    pub fn is_layer_visible(&self, l: Layer) -> bool {
        self.visible[layer_index(l)]
    }

    pub fn error_message(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Labels placed on the map in the last frame.
    pub fn placed_labels(&self) -> &[PlacedLabel] {
        &self.labels
    }

    /// Features drawn on the map in the last frame.
    pub fn drawn_features(&self) -> &[(Layer, i64)] {
        &self.drawn
    }

    pub fn view(&self) -> Option<MapView> {
        self.view
    }

    /// Screen positions of the features drawn in the last frame, by layer and fid.
    pub fn screen_pos_of(&self, layer: Layer, fid: i64) -> Option<Pos2> {
        let view = self.view?;
        let pr = Projector::new(self.map_rect, view);
        let s = self.project.site(layer, fid)?;
        let w = self.anchor_world(s)?;
        Some(pr.screen_from_world(w))
    }

    fn anchor_world(&self, s: &Site) -> Option<World> {
        let g = s.geom.as_ref()?;
        let c = match g {
            geo_types::Geometry::Point(p) => *p,
            other => other.centroid()?,
        };
        self.tm3
            .tm3_from_lonlat(c.x(), c.y())
            .ok()
            .map(|(e, n)| [e, n])
    }

    fn zoom_to(&mut self, layer: Layer, fid: i64) {
        self.selected = Some((layer, fid));
        let Some(s) = self.project.site(layer, fid) else {
            return;
        };
        if let Some(w) = self.anchor_world(s) {
            let m_per_px = self.view.map(|v| v.m_per_px.min(30.0)).unwrap_or(30.0);
            self.view = Some(MapView {
                centre: w,
                m_per_px,
            });
        }
    }

    /// Draws one whole frame of the UI in `ui`.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.update_title(&ctx);
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        egui::Panel::left("layers")
            .resizable(true)
            .default_size(290.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.side_ui(ui));
            });
        if self.selected.is_some() {
            egui::Panel::right("attributes")
                .resizable(true)
                .default_size(320.0)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| self.attributes_ui(ui));
                });
        }
        egui::CentralPanel::no_frame().show(ui, |ui| self.map_ui(ui));
        self.dialogs_ui(&ctx);
        if !self.first_frame_reported {
            self.first_frame_reported = true;
            if let (Some(t0), Some(_)) = (self.started, std::env::var_os("QN_PLANNER_TIMING")) {
                eprintln!(
                    "qn-planner: first frame after {} ms",
                    t0.elapsed().as_millis()
                );
            }
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        let title = match &self.file {
            Some(f) if f.is_read_only() => format!(
                "qn-planner — {} — {}",
                f.path().display(),
                tr(lang, "chỉ đọc", "read-only")
            ),
            Some(f) => format!(
                "qn-planner — {} — {}",
                f.path().display(),
                tr(lang, "mọi thay đổi đã được lưu", "all changes saved")
            ),
            None => format!(
                "qn-planner — {}",
                tr(lang, "chưa mở dự án", "no project open")
            ),
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(tr(lang, "Tệp", "File"), |ui| {
                if ui.button(tr(lang, "Mở dự án…", "Open project…")).clicked() {
                    ui.close();
                    match rfd::FileDialog::new()
                        .add_filter("GeoPackage", &["gpkg"])
                        .pick_file()
                    {
                        Some(p) => self.open(&p),
                        None => self.show_open_path = true,
                    }
                }
                if ui.button(tr(lang, "Mở theo đường dẫn…", "Open by path…")).clicked() {
                    ui.close();
                    self.show_open_path = true;
                }
                if ui.button(tr(lang, "Tạo dự án mới…", "New project…")).clicked() {
                    ui.close();
                    if let Some(p) = rfd::FileDialog::new()
                        .add_filter("GeoPackage", &["gpkg"])
                        .set_file_name("quang-ninh.gpkg")
                        .save_file()
                    {
                        match ProjectFile::create(&p, true) {
                            Ok(f) => self.set_project(f),
                            Err(e) => self.show_error(e.to_string()),
                        }
                    } else {
                        self.show_error(
                            tr(
                                lang,
                                "Không có hộp thoại chọn tệp trên máy này; dùng lệnh `qn-planner init TỆP.gpkg`.",
                                "No file dialog is available here; use `qn-planner init FILE.gpkg`.",
                            )
                            .to_string(),
                        );
                    }
                }
                ui.separator();
                if ui.button(tr(lang, "Thoát", "Quit")).clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button(tr(lang, "Xem", "View"), |ui| {
                if ui.button(tr(lang, "Vừa toàn tỉnh", "Fit province")).clicked() {
                    ui.close();
                    self.fit_requested = true;
                }
            });
            ui.menu_button(tr(lang, "Trợ giúp", "Help"), |ui| {
                if ui.button(tr(lang, "Giới thiệu", "About")).clicked() {
                    ui.close();
                    self.show_about = true;
                }
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let other = match lang {
                    Language::Vi => "English",
                    Language::En => "Tiếng Việt",
                };
                if ui
                    .button(other)
                    .on_hover_text(tr(lang, "Đổi ngôn ngữ", "Switch language"))
                    .clicked()
                {
                    self.settings.language = match lang {
                        Language::Vi => Language::En,
                        Language::En => Language::Vi,
                    };
                    self.save_settings();
                }
                if ui.button(tr(lang, "Vừa toàn tỉnh", "Fit province")).clicked() {
                    self.fit_requested = true;
                }
            });
        });
    }

    fn side_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.add_space(4.0);
        ui.label(RichText::new(tr(lang, "Tìm địa điểm", "Find a site")).strong());
        ui.add(
            egui::TextEdit::singleline(&mut self.search)
                .hint_text(tr(
                    lang,
                    "tên, có dấu hoặc không",
                    "name, with or without accents",
                ))
                .desired_width(f32::INFINITY),
        );
        if !self.search.trim().is_empty() {
            let hits: Vec<(Layer, i64, String, bool)> = self
                .project
                .search(&self.search)
                .into_iter()
                .map(|s| (s.layer, s.fid, s.name.clone(), s.is_located()))
                .collect();
            if hits.is_empty() {
                ui.label(RichText::new(tr(lang, "Không tìm thấy", "Nothing found")).italics());
            }
            for (layer, fid, name, located) in hits {
                let label = if located {
                    format!("{name} · {}", i18n::layer_name(lang, layer))
                } else {
                    format!(
                        "{name} · {} ({})",
                        i18n::layer_name(lang, layer),
                        i18n::precision(lang, Precision::NotLocated)
                    )
                };
                let sel = self.selected == Some((layer, fid));
                if ui.selectable_label(sel, label).clicked() {
                    self.zoom_to(layer, fid);
                }
            }
        }
        ui.separator();
        ui.label(RichText::new(tr(lang, "Lớp quy hoạch", "Planning layers")).strong());
        for layer in Layer::ALL {
            let i = layer_index(layer);
            let n = self.project.sites_of(layer).count();
            let text = if layer == Layer::IndustrialCentres {
                format!(
                    "{} ({} · {} {})",
                    i18n::layer_name(lang, layer),
                    self.project.centres.len(),
                    n,
                    tr(lang, "nhà máy", "plants")
                )
            } else {
                format!("{} ({n})", i18n::layer_name(lang, layer))
            };
            ui.horizontal(|ui| {
                let (rect, _) = ui.allocate_exact_size(Vec2::splat(20.0), Sense::hover());
                style::paint_symbol(ui.painter(), layer, rect.center(), 1.0);
                ui.checkbox(&mut self.visible[i], text);
            });
        }
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::splat(20.0), Sense::hover());
            style::paint_town(ui.painter(), rect.center());
            ui.checkbox(
                &mut self.show_towns,
                format!(
                    "{} ({})",
                    tr(
                        lang,
                        "Thành phố, thị xã, thị trấn",
                        "Towns and district seats"
                    ),
                    self.base.towns.len()
                ),
            );
        });
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::splat(20.0), Sense::hover());
            style::paint_approximate_halo(
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
                Stroke::new(2.2, style::BORDER),
            );
            ui.label(tr(lang, "Biên giới Việt – Trung", "Vietnam–China border"));
        });
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::new(20.0, 12.0), Sense::hover());
            ui.painter().extend(egui::Shape::dashed_line(
                &[rect.left_center(), rect.right_center()],
                Stroke::new(1.6, style::PROVINCE_LINE),
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
            let centres = self.project.centres.clone();
            for c in &centres {
                let name = match lang {
                    Language::Vi => c.name.clone(),
                    Language::En => c.name_en.clone(),
                };
                let plants: Vec<&Site> = self
                    .project
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
        let not_located: Vec<(Layer, i64, String)> = self
            .project
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
                let sel = self.selected == Some((layer, fid));
                if ui
                    .selectable_label(sel, format!("{name} · {}", i18n::layer_name(lang, layer)))
                    .clicked()
                {
                    self.selected = Some((layer, fid));
                }
            }
        });
    }

    fn attributes_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let Some((layer, fid)) = self.selected else {
            return;
        };
        let Some(s) = self.project.site(layer, fid).cloned() else {
            self.selected = None;
            return;
        };
        ui.horizontal(|ui| {
            ui.heading(&s.name);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .button("×")
                    .on_hover_text(tr(lang, "Bỏ chọn", "Deselect"))
                    .clicked()
                {
                    self.selected = None;
                }
            });
        });
        ui.label(RichText::new(i18n::layer_name(lang, layer)).color(style::colour(layer)));
        ui.separator();
        let centre = self
            .project
            .centres
            .iter()
            .find(|c| c.key == s.centre_key)
            .map(|c| match lang {
                Language::Vi => c.name.clone(),
                Language::En => c.name_en.clone(),
            });
        let position = match &s.geom {
            Some(geo_types::Geometry::Point(p)) => {
                let tm = self
                    .tm3
                    .tm3_from_lonlat(p.x(), p.y())
                    .map(|(e, n)| format!("\nVN-2000 TM-3: E {e:.1} N {n:.1}"))
                    .unwrap_or_default();
                format!("{:.5}° N, {:.5}° E{tm}", p.y(), p.x())
            }
            Some(_) => tr(lang, "vùng (đa giác)", "area (polygon)").to_string(),
            None => i18n::precision(lang, Precision::NotLocated).to_string(),
        };
        let rows: Vec<(&str, String)> = vec![
            (
                tr(lang, "Nguồn (đoạn)", "Source paragraph"),
                s.source_para.clone(),
            ),
            (tr(lang, "Loại", "Kind"), s.kind.clone()),
            (
                tr(lang, "Trạng thái", "Status"),
                i18n::status(lang, s.status).to_string(),
            ),
            (
                tr(lang, "Huyện (2006)", "District (2006)"),
                s.district_2006.clone(),
            ),
            (tr(lang, "Nghề", "Craft"), s.craft.clone()),
            (tr(lang, "Trung tâm", "Centre"), centre.unwrap_or_default()),
            (tr(lang, "Vị trí", "Position"), position),
            (
                tr(lang, "Độ chính xác vị trí", "Location precision"),
                i18n::precision(lang, s.location_precision).to_string(),
            ),
            (
                tr(lang, "Nguồn vị trí", "Location source"),
                s.location_source.clone(),
            ),
            (tr(lang, "Ghi chú", "Notes"), s.notes.clone()),
        ];
        egui::Grid::new("attrs")
            .num_columns(2)
            .striped(true)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                for (k, v) in rows {
                    if v.is_empty() {
                        continue;
                    }
                    ui.label(RichText::new(k).strong());
                    ui.add(egui::Label::new(v).wrap());
                    ui.end_row();
                }
            });
        ui.add_space(8.0);
        ui.label(
            RichText::new(format!("{} · fid {}", s.layer.table(), s.fid))
                .small()
                .weak(),
        );
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.horizontal(|ui| {
            match self.cursor {
                Some(w) => {
                    let ll = self
                        .tm3
                        .lonlat_from_tm3(w[0], w[1])
                        .map(|(lon, lat)| format!("{lat:.5}° N  {lon:.5}° E"))
                        .unwrap_or_default();
                    ui.label(format!(
                        "{ll}   |   VN-2000 / TM-3 107°45′: E {:.1}  N {:.1} m",
                        w[0], w[1]
                    ));
                }
                None => {
                    ui.label(tr(
                        lang,
                        "Di chuột trên bản đồ để xem toạ độ",
                        "Move over the map for coordinates",
                    ));
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let saved = match &self.file {
                    Some(f) if f.is_read_only() => tr(lang, "chỉ đọc", "read-only"),
                    Some(_) => tr(lang, "đã lưu", "saved"),
                    None => tr(lang, "chưa mở dự án", "no project"),
                };
                ui.label(saved);
            });
        });
    }

    fn dialogs_ui(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        if let Some(msg) = self.error.clone() {
            let mut close = false;
            egui::Window::new(tr(lang, "Thông báo", "Message"))
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
                .show(ctx, |ui| {
                    ui.label(msg);
                    if ui.button("OK").clicked() {
                        close = true;
                    }
                });
            if close {
                self.error = None;
            }
        }
        if self.show_about {
            let mut open = true;
            egui::Window::new(tr(lang, "Giới thiệu qn-planner", "About qn-planner"))
                .open(&mut open)
                .collapsible(false)
                .show(ctx, |ui| {
                    ui.label(format!("qn-planner {}", env!("CARGO_PKG_VERSION")));
                    ui.label(tr(
                        lang,
                        "Bản đồ quy hoạch ngoại tuyến các khu, cụm công nghiệp tỉnh Quảng Ninh.",
                        "Offline planning map of the industrial zones and clusters of Quảng Ninh.",
                    ));
                    ui.separator();
                    ui.label(RichText::new(tr(lang, "Dữ liệu nền", "Base-map data")).strong());
                    ui.add(egui::Label::new(ATTRIBUTION).wrap());
                    ui.label(tr(
                        lang,
                        "Dữ liệu quy hoạch: báo cáo năm 2007 của Sở Công nghiệp Quảng Ninh; vị trí theo nguồn ghi ở từng đối tượng.",
                        "Planning data: the 2007 report of the Quảng Ninh Department of Industry; positions as cited on each record.",
                    ));
                    ui.label("Font: Noto Sans, © Google, SIL Open Font License 1.1");
                });
            self.show_about = open;
        }
        if self.show_open_path {
            let mut open = true;
            let mut go = false;
            egui::Window::new(tr(lang, "Mở dự án theo đường dẫn", "Open project by path"))
                .open(&mut open)
                .collapsible(false)
                .show(ctx, |ui| {
                    ui.label(tr(lang, "Đường dẫn tệp .gpkg:", "Path of the .gpkg file:"));
                    let r = ui
                        .add(egui::TextEdit::singleline(&mut self.open_path).desired_width(360.0));
                    if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                        go = true;
                    }
                    if ui.button(tr(lang, "Mở", "Open")).clicked() {
                        go = true;
                    }
                });
            if go {
                let p = PathBuf::from(self.open_path.trim());
                self.open(&p);
                open = false;
            }
            self.show_open_path = open;
        }
    }

    fn map_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let (resp, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
        let rect = resp.rect;
        self.map_rect = rect;
        if self.fit_requested || self.view.is_none() {
            let (min, max) = self.base.province_bounds;
            self.view = Some(MapView::fit(min, max, rect.size()));
            self.fit_requested = false;
        }
        let Some(mut view) = self.view else { return };

        // Interaction.
        if resp.dragged() {
            view.pan(resp.drag_delta());
        }
        let hover_pos = resp.hover_pos();
        if let Some(hp) = hover_pos {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y);
            if scroll != 0.0 {
                view.zoom_at(rect, hp, (-scroll as f64 * 0.003).exp());
            }
        }
        let typing = ui.ctx().memory(|m| m.focused().is_some());
        if !typing {
            let (plus, minus) = ui.input(|i| {
                (
                    i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals),
                    i.key_pressed(Key::Minus),
                )
            });
            let anchor = hover_pos.unwrap_or(rect.center());
            if plus {
                view.zoom_at(rect, anchor, 0.5);
            }
            if minus {
                view.zoom_at(rect, anchor, 2.0);
            }
        }
        self.view = Some(view);
        let pr = Projector::new(rect, view);
        self.cursor = hover_pos.map(|p| pr.world_from_screen(p));

        // Base map.
        let painter = painter.with_clip_rect(rect);
        self.base.paint(&painter, &pr);

        // Planning layers, drawn from the least to the most important.
        let mut drawn: Vec<Drawn> = Vec::new();
        for layer in Layer::ALL.iter().rev().copied() {
            if !self.visible[layer_index(layer)] {
                continue;
            }
            for s in self.project.sites_of(layer) {
                let Some(g) = &s.geom else { continue };
                self.paint_site_geometry(&painter, &pr, s, g);
                let Some(w) = self.anchor_world(s) else {
                    continue;
                };
                let p = pr.screen_from_world(w);
                if !rect.expand(20.0).contains(p) {
                    continue;
                }
                if matches!(
                    s.location_precision,
                    Precision::Approximate | Precision::CommuneCentre
                ) {
                    style::paint_approximate_halo(&painter, layer, p, 1.0);
                }
                style::paint_symbol(&painter, layer, p, 1.0);
                drawn.push(Drawn {
                    layer,
                    fid: s.fid,
                    screen: p,
                });
            }
        }
        self.drawn = drawn.iter().map(|d| (d.layer, d.fid)).collect();
        if let Some((l, f)) = self.selected
            && let Some(d) = drawn.iter().find(|d| d.layer == l && d.fid == f)
        {
            painter.circle_stroke(d.screen, 13.0, Stroke::new(3.0, style::SELECTION));
            painter.circle_stroke(d.screen, 15.5, Stroke::new(1.0, Color32::BLACK));
        }
        let mut towns: Vec<(String, Pos2)> = Vec::new();
        if self.show_towns {
            for (label, _, w) in &self.base.towns {
                let p = pr.screen_from_world(*w);
                if rect.contains(p) {
                    style::paint_town(&painter, p);
                    towns.push((label.clone(), p));
                }
            }
        }
        self.paint_labels(&painter, rect, &drawn, &towns);

        // Hover and click.
        let nearest = hover_pos.and_then(|hp| {
            drawn
                .iter()
                .map(|d| (d, d.screen.distance(hp)))
                .filter(|(_, dist)| *dist <= 12.0)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(d, _)| d.clone())
        });
        if resp.clicked() {
            self.selected = nearest.as_ref().map(|d| (d.layer, d.fid));
        }
        if let Some(d) = nearest
            && let Some(s) = self.project.site(d.layer, d.fid)
        {
            let text = format!(
                "{}\n{} · {}\n{} · {}",
                s.name,
                i18n::layer_name(lang, s.layer),
                i18n::status(lang, s.status),
                s.source_para,
                i18n::precision(lang, s.location_precision)
            );
            resp.clone().on_hover_text_at_pointer(text);
        }
        self.paint_scale_bar(&painter, &pr);
        let attribution = painter.layout(
            ATTRIBUTION_SHORT.to_string(),
            FontId::proportional(10.0),
            Color32::from_gray(60),
            (rect.width() - 200.0).max(120.0),
        );
        let at = rect.right_bottom() - attribution.size() - Vec2::new(6.0, 4.0);
        painter.rect_filled(
            Rect::from_min_size(at, attribution.size()).expand(2.0),
            2.0,
            Color32::from_rgba_unmultiplied(255, 255, 255, 170),
        );
        painter.galley(at, attribution, Color32::from_gray(60));
    }

    fn paint_site_geometry(
        &self,
        painter: &egui::Painter,
        pr: &Projector,
        s: &Site,
        g: &geo_types::Geometry<f64>,
    ) {
        let polys: Vec<&geo_types::Polygon<f64>> = match g {
            geo_types::Geometry::Polygon(p) => vec![p],
            geo_types::Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
            _ => return,
        };
        let col = style::colour(s.layer);
        for p in polys {
            let pts: Vec<Pos2> = p
                .exterior()
                .0
                .iter()
                .filter_map(|c| self.tm3.tm3_from_lonlat(c.x, c.y).ok())
                .map(|(e, n)| pr.screen_from_world([e, n]))
                .collect();
            if pts.len() < 3 {
                continue;
            }
            let stroke = Stroke::new(2.0, col);
            if s.status == crate::model::Status::Proposed {
                painter.extend(egui::Shape::dashed_line(&pts, stroke, 6.0, 4.0));
            } else {
                painter.add(egui::Shape::line(pts, stroke));
            }
        }
    }

    fn paint_labels(
        &mut self,
        painter: &egui::Painter,
        rect: Rect,
        drawn: &[Drawn],
        towns: &[(String, Pos2)],
    ) {
        struct Item {
            text: String,
            colour: Color32,
        }
        let mut items: Vec<Item> = Vec::new();
        let mut cands: Vec<Candidate> = Vec::new();
        let mut galleys = Vec::new();
        let mut add =
            |text: String, colour: Color32, font: FontId, anchor: Pos2, gap: f32, priority: u32| {
                let galley = painter.layout_no_wrap(text.clone(), font.clone(), colour);
                cands.push(Candidate {
                    anchor: [anchor.x, anchor.y],
                    size: [galley.size().x + 4.0, galley.size().y],
                    gap,
                    priority,
                });
                galleys.push(galley);
                items.push(Item { text, colour });
            };
        for d in drawn {
            if let Some(s) = self.project.site(d.layer, d.fid) {
                let pri = u32::from(d.layer.label_priority()) * 10;
                let colour = style::colour(d.layer).gamma_multiply(0.85);
                add(
                    s.name.clone(),
                    colour,
                    FontId::proportional(13.0),
                    d.screen,
                    style::radius(d.layer),
                    pri,
                );
            }
        }
        for (label, p) in towns {
            add(
                label.clone(),
                style::TOWN,
                FontId::new(13.5, FontFamily::Name(fonts::BOLD.into())),
                *p,
                3.5,
                25,
            );
        }
        // Symbols are obstacles: a label never hides a site.
        let mut obstacles: Vec<Bbox> = drawn
            .iter()
            .map(|d| {
                let r = style::radius(d.layer);
                Bbox::new(
                    [d.screen.x - r, d.screen.y - r],
                    [d.screen.x + r, d.screen.y + r],
                )
            })
            .collect();
        // Keep clear of the scale bar and attribution.
        obstacles.push(Bbox::new(
            [rect.min.x, rect.max.y - 44.0],
            [rect.max.x, rect.max.y],
        ));
        let bounds = Bbox::new([rect.min.x, rect.min.y], [rect.max.x, rect.max.y]);
        let placed = place_labels(&cands, &obstacles, bounds);
        self.labels.clear();
        for p in placed {
            let item = &items[p.index];
            let r = Rect::from_min_max(
                Pos2::new(p.bbox.min[0], p.bbox.min[1]),
                Pos2::new(p.bbox.max[0], p.bbox.max[1]),
            );
            // A label pushed out to the second ring gets a leader line to its symbol.
            let anchor = Pos2::new(cands[p.index].anchor[0], cands[p.index].anchor[1]);
            let nearest = Pos2::new(
                anchor.x.clamp(r.min.x, r.max.x),
                anchor.y.clamp(r.min.y, r.max.y),
            );
            if nearest.distance(anchor) > cands[p.index].gap + 6.0 {
                painter.line_segment(
                    [anchor, nearest],
                    Stroke::new(1.0, item.colour.gamma_multiply(0.7)),
                );
            }
            painter.rect_filled(r, 3.0, Color32::from_rgba_unmultiplied(255, 255, 255, 190));
            painter.galley(
                r.min + Vec2::new(2.0, 0.0),
                galleys[p.index].clone(),
                item.colour,
            );
            self.labels.push(PlacedLabel {
                text: item.text.clone(),
                rect: r,
            });
        }
    }

    fn paint_scale_bar(&self, painter: &egui::Painter, pr: &Projector) {
        let Some(g) = pr.ground_m_per_px(&self.tm3) else {
            return;
        };
        let len_m = map::nice_length_m(g * 140.0);
        let len_px = (len_m / g) as f32;
        let base = pr.rect.left_bottom() + Vec2::new(16.0, -18.0);
        let end = base + Vec2::new(len_px, 0.0);
        let bg = Rect::from_min_max(base + Vec2::new(-8.0, -24.0), end + Vec2::new(40.0, 8.0));
        painter.rect_filled(bg, 3.0, Color32::from_rgba_unmultiplied(255, 255, 255, 200));
        let st = Stroke::new(2.0, Color32::BLACK);
        painter.line_segment([base, end], st);
        painter.line_segment([base, base + Vec2::new(0.0, -7.0)], st);
        painter.line_segment([end, end + Vec2::new(0.0, -7.0)], st);
        painter.text(
            base + Vec2::new(len_px / 2.0, -6.0),
            egui::Align2::CENTER_BOTTOM,
            map::format_length(len_m),
            FontId::proportional(12.0),
            Color32::BLACK,
        );
    }

    /// Finds a site by accent-insensitive name (helper for tests and scripts).
    pub fn find_site(&self, query: &str) -> Option<(Layer, i64)> {
        self.project
            .sites
            .iter()
            .find(|s| text::fold(&s.name) == text::fold(query))
            .map(|s| (s.layer, s.fid))
    }
}

impl eframe::App for QnApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}
