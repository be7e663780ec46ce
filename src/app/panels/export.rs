//! File → Export map…: the options of a print, and the export itself on a worker thread so
//! the window never blocks; the result (or the reason it failed) is shown when it is done.

use crate::app::QnApp;
use crate::app::command::{Command, View};
use crate::app::i18n::tr;
use crate::export::layout::{self, SCALES};
use crate::export::{
    Composer, Extent, Grid, MapFormat as Format, MapSpec, PackSpec, Paper, PrintLayout,
};
use crate::model::{Layer, Project};
use crate::scenario::Scenario;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

/// What an export makes.
enum Job {
    Map,
    Pack(Box<crate::scenario::Scenario>),
    /// The atlas of a layer, or of one site.
    Atlas(Layer, Option<i64>),
}

pub struct ExportUi {
    pub open: bool,
    /// The layer the atlas is made of, and whether of the selected site alone.
    atlas_layer: Layer,
    atlas_selected: bool,
    /// The print layout as the window sets it; kept in the project as it changes.
    pub layout: PrintLayout,
    /// The layout the project holds (what was last kept), and the project it was read from.
    saved: Option<PrintLayout>,
    loaded_for: Option<PathBuf>,
    /// A scale being typed (kept when it reads as one).
    typed_scale: String,
    format: Format,
    dpi: u32,
    pub path: String,
    running: Option<Receiver<Result<String, String>>>,
    pub last: Option<Result<String, String>>,
    /// Why the kept layout could not be read, or kept.
    pub layout_note: Option<String>,
    /// The base map projected for pages, made once when first needed.
    composer: Option<Arc<Composer>>,
    /// The reference layers' bounds while the window is open (looked up when it opens, and
    /// at each export), so the outline and the legend leave out layers the frame lacks.
    ref_bounds: Option<std::collections::HashMap<String, crate::export::RefBounds>>,
}

impl Default for ExportUi {
    fn default() -> Self {
        ExportUi {
            open: false,
            atlas_layer: Layer::ProposedClusters,
            atlas_selected: false,
            layout: PrintLayout::default(),
            saved: None,
            loaded_for: None,
            typed_scale: String::new(),
            format: Format::Pdf,
            dpi: 150,
            path: String::new(),
            running: None,
            last: None,
            layout_note: None,
            composer: None,
            ref_bounds: None,
        }
    }
}

impl ExportUi {
    /// The layout changed since it was last kept: keep it (once per change).
    pub(crate) fn layout_to_keep(&mut self) -> Option<PrintLayout> {
        let now = self.layout.clone().normalised();
        if self.saved.as_ref() == Some(&now) || self.loaded_for.is_none() {
            return None;
        }
        self.saved = Some(now.clone());
        Some(now)
    }
}

/// What the export window needs from the map: the current view's box, the selected site and
/// the rectangle drawn for printing.
pub(crate) struct MapSide<'a> {
    pub view_box: Option<([f64; 2], [f64; 2])>,
    pub selected: Option<String>,
    pub selected_site: Option<(Layer, i64)>,
    pub print_rect: &'a mut PrintRect,
}

impl QnApp {
    /// Whether an export is running.
    pub fn export_running(&self) -> bool {
        self.export.running.is_some()
    }

    /// The print layout the export window holds (for tests).
    pub fn print_layout(&self) -> &PrintLayout {
        &self.export.layout
    }

    /// Reads the project's print layout when the export window shows another project's.
    pub(crate) fn load_print_layout(&mut self) {
        let path = self.file.as_ref().map(|f| f.path().to_path_buf());
        if path == self.export.loaded_for {
            return;
        }
        let (l, why) = match &self.file {
            Some(f) => PrintLayout::load(f)
                .unwrap_or_else(|e| (PrintLayout::default(), Some(e.to_string()))),
            None => (PrintLayout::default(), None),
        };
        self.export.typed_scale = l.scale.map(|s| s.to_string()).unwrap_or_default();
        self.export.saved = Some(l.clone());
        self.export.layout = l;
        self.export.layout_note = why;
        self.export.loaded_for = path;
    }

    fn composer(&mut self) -> Result<Arc<Composer>, crate::export::ExportError> {
        if let Some(c) = &self.export.composer {
            return Ok(c.clone());
        }
        let c = Arc::new(Composer::new()?);
        self.export.composer = Some(c.clone());
        Ok(c)
    }

    /// The map page the export window sets up; for the outline drawn every frame
    /// (`preview`) the reference layers' geometry kinds are not looked up in the file (they
    /// change a legend symbol's shape, not the page's layout).
    fn map_spec(&mut self, preview: bool) -> Result<MapSpec, String> {
        let lang = self.lang();
        let mut layout = self.export.layout.clone();
        // "The current view" is the view of the moment.
        if matches!(layout.extent, Extent::View { .. })
            && let Some((min, max)) = self.view_box()
        {
            layout.extent = Extent::View { min, max };
        }
        let mut spec = MapSpec::new(&layout.title, lang);
        layout
            .fill_spec(&mut spec, &self.project, &self.tm3)
            .map_err(|e| e.text(lang))?;
        spec.layers = Layer::ALL
            .iter()
            .copied()
            .filter(|l| self.is_layer_visible(*l))
            .collect();
        spec.show_towns = self.map.show_towns;
        if let Some(s) = self.active_scenario() {
            spec.subtitle = format!("{} — {}", s.name, self.scenario.year);
            spec.scenario = Some(s.clone());
            spec.year = Some(self.scenario.year);
        }
        spec.file_label = self
            .file
            .as_ref()
            .and_then(|f| f.path().file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        spec.date = crate::scenario::now_utc_iso().chars().take(10).collect();
        // The reference layers shown on the map, drawn as they are on screen.
        if let Some(f) = &self.file {
            spec.reference = self
                .map
                .refs
                .iter()
                .filter(|r| r.visible)
                .map(|r| crate::export::ReferenceDraw {
                    path: f.path().to_path_buf(),
                    table: r.table.clone(),
                    name: r.name.clone(),
                    color: [r.color.r(), r.color.g(), r.color.b()],
                    style: self.project.styles.get(&r.table).cloned(),
                    kind: if preview {
                        crate::store::qml::GeomKind::Polygon
                    } else {
                        f.style_target(&r.table)
                            .ok()
                            .flatten()
                            .map_or(crate::store::qml::GeomKind::Polygon, |t| t.kind)
                    },
                    bounds: self
                        .export
                        .ref_bounds
                        .as_ref()
                        .and_then(|b| b.get(&r.table).copied())
                        .unwrap_or_default(),
                })
                .collect();
        }
        spec.raster_dpi = match self.export.format {
            Format::Png => self.export.dpi,
            _ => crate::export::VECTOR_RASTER_DPI,
        };
        Ok(spec)
    }

    /// Outlines on the map what the layout prints, while the export window is open.
    pub(crate) fn update_print_frame(&mut self) {
        if !self.export.open || self.map.presenting {
            self.map.print_frame = None;
            self.export.ref_bounds = None;
            return;
        }
        if self.export.ref_bounds.is_none() {
            self.export.ref_bounds = self
                .file
                .as_ref()
                .and_then(|f| crate::export::RefBounds::of_file(f).ok());
        }
        let lang = self.lang();
        let frame = match (self.map_spec(true), self.composer()) {
            (Ok(spec), Ok(c)) => {
                let (min, max, scale) = c.print_frame(&self.project, &spec);
                let scale = layout::written_scale(scale);
                let caption = format!(
                    "{} {} · {} {}",
                    tr(lang, "Khung in", "Print frame"),
                    scale,
                    spec.paper.name(),
                    if spec.landscape {
                        tr(lang, "ngang", "landscape")
                    } else {
                        tr(lang, "dọc", "portrait")
                    }
                );
                Some((min, max, caption))
            }
            _ => None,
        };
        self.map.print_frame = frame;
    }

    /// Makes the atlas of `layer` (or of the one site `fid`) into the export window's file,
    /// as a PDF, on a worker.
    pub(crate) fn start_atlas(&mut self, layer: Layer, fid: Option<i64>) {
        self.start_job(Job::Atlas(layer, fid));
    }

    pub(crate) fn start_export(&mut self, pack_of: Option<crate::scenario::Scenario>) {
        self.start_job(match pack_of {
            Some(s) => Job::Pack(Box::new(s)),
            None => Job::Map,
        });
    }

    fn start_job(&mut self, job: Job) {
        let path = PathBuf::from(self.export.path.trim());
        if self.export.path.trim().is_empty() {
            self.export.last = Some(Err(tr(
                self.lang(),
                "Chưa chọn tệp xuất.",
                "No output file chosen.",
            )
            .into()));
            return;
        }
        let spec = match self.map_spec(false) {
            Ok(s) => s,
            Err(e) => {
                self.export.last = Some(Err(e));
                return;
            }
        };
        // The view of the moment is what "the current view" keeps.
        if matches!(self.export.layout.extent, Extent::View { .. })
            && let Some((min, max)) = spec.extent
        {
            self.export.layout.extent = Extent::View { min, max };
        }
        // The reference layers' bounds, looked up again at each export (the legend lists
        // only those the frame holds).
        let mut spec = spec;
        if let Some(f) = &self.file
            && let Ok(bounds) = crate::export::RefBounds::of_file(f)
        {
            for r in &mut spec.reference {
                r.bounds = bounds.get(&r.table).copied().unwrap_or_default();
            }
            self.export.ref_bounds = Some(bounds);
        }
        let composer = self.composer();
        let project = self.project.clone();
        let layout = self.export.layout.clone().normalised();
        let path = match job {
            Job::Map => path,
            _ => path.with_extension("pdf"),
        };
        let format = self.export.format;
        let dpi = self.export.dpi;
        let lang = self.lang();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let result = (|| -> Result<String, crate::export::ExportError> {
                let c = composer?;
                let bytes = match &job {
                    Job::Pack(s) => {
                        let pack = PackSpec {
                            scenario: s,
                            lang,
                            file_label: &spec.file_label,
                            date: &spec.date,
                            paper: spec.paper,
                            reference: &spec.reference,
                        };
                        crate::export::write_pack(&c, &project, &pack, &path)?.1
                    }
                    Job::Map => crate::export::write_map(&c, &project, &spec, format, dpi, &path)?,
                    Job::Atlas(layer, fid) => {
                        let atlas = crate::export::atlas::AtlasSpec {
                            layer: *layer,
                            fids: fid.map(|f| vec![f]),
                            scenario: spec.scenario.as_ref(),
                            year: spec.year,
                            scale: layout.scale,
                            layout: &layout,
                            lang,
                            date: &spec.date,
                            file_label: &spec.file_label,
                            reference: &spec.reference,
                        };
                        crate::export::atlas::write_atlas(&c, &project, &atlas, &path)?.1
                    }
                };
                Ok(format!(
                    "{} ({} kB, {} ms)",
                    path.display(),
                    bytes / 1024,
                    started.elapsed().as_millis()
                ))
            })();
            let _ = tx.send(result.map_err(|e| e.text(lang)));
        });
        self.export.running = Some(rx);
        self.export.last = None;
    }
}

/// The export window: a function of what it prints and its own state (the options, the print
/// layout and the running export); asks for the file dialog and the export itself as commands.
pub(crate) fn export_window(
    ctx: &egui::Context,
    project: &Project,
    view: &View,
    active: Option<&Scenario>,
    st: &mut ExportUi,
    map: MapSide<'_>,
) -> Vec<Command> {
    let mut out = Vec::new();
    {
        if let Some(rx) = &st.running {
            match rx.try_recv() {
                Ok(r) => {
                    if let Err(e) = &r {
                        eprintln!("qn-planner: export: {e}");
                    }
                    st.last = Some(r);
                    st.running = None;
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => {
                    ctx.request_repaint_after(std::time::Duration::from_millis(100));
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    st.last = Some(Err("the export stopped unexpectedly".into()));
                    st.running = None;
                }
            }
        }
        if !st.open {
            *map.print_rect = PrintRect::Off;
            return out;
        }
        // A rectangle drawn on the map becomes the extent.
        if let PrintRect::Done(min, max) = *map.print_rect {
            st.layout.extent = Extent::Rect { min, max };
            *map.print_rect = PrintRect::Off;
        }
        let lang = view.lang;
        let mut open = true;
        egui::Window::new(tr(lang, "In và xuất bản đồ", "Print and export"))
            .id(egui::Id::unique("export_window"))
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                egui::Grid::new("export_grid").num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
                    ui.label(tr(lang, "Định dạng", "Format"));
                    ui.horizontal(|ui| {
                        for f in [Format::Pdf, Format::Png, Format::Svg] {
                            if ui.selectable_label(st.format == f, f.ext().to_uppercase()).clicked() {
                                st.format = f;
                                let p = PathBuf::from(st.path.trim());
                                if !st.path.trim().is_empty() {
                                    st.path = p.with_extension(f.ext()).display().to_string();
                                }
                            }
                        }
                    });
                    ui.end_row();
                    ui.label(tr(lang, "Khổ giấy", "Paper"));
                    ui.horizontal(|ui| {
                        for p in Paper::ALL {
                            ui.selectable_value(&mut st.layout.paper, p, p.name());
                        }
                        ui.separator();
                        ui.selectable_value(&mut st.layout.landscape, true, tr(lang, "ngang", "landscape"));
                        ui.selectable_value(&mut st.layout.landscape, false, tr(lang, "dọc", "portrait"));
                    });
                    ui.end_row();
                    let scale_label = ui.label(tr(lang, "Tỷ lệ", "Scale")).id;
                    ui.horizontal(|ui| {
                        let fit = tr(lang, "Vừa khung", "Fit the extent");
                        let shown = match st.layout.scale {
                            None => fit.to_string(),
                            Some(n) => layout::written_scale(f64::from(n)),
                        };
                        egui::ComboBox::from_id_salt("export_scale")
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut st.layout.scale, None, fit);
                                for n in SCALES {
                                    ui.selectable_value(&mut st.layout.scale, Some(n), layout::written_scale(f64::from(n)));
                                }
                            })
                            .response
                            .labelled_by(scale_label);
                        let l = ui.label(tr(lang, "hoặc 1:", "or 1:"));
                        let typed = ui
                            .add(egui::TextEdit::singleline(&mut st.typed_scale).desired_width(80.0).hint_text("75000"))
                            .labelled_by(l.id);
                        if typed.changed()
                            && let Ok(n) = layout::parse_scale(&st.typed_scale)
                        {
                            st.layout.scale = Some(n);
                        }
                    });
                    ui.end_row();
                    ui.label(tr(lang, "Phạm vi", "Extent"));
                    ui.vertical(|ui| {
                        let is = |e: &Extent| std::mem::discriminant(e);
                        let now = is(&st.layout.extent);
                        if ui.selectable_label(now == is(&Extent::Province), tr(lang, "Toàn tỉnh", "The province")).clicked() {
                            st.layout.extent = Extent::Province;
                        }
                        if let Some((min, max)) = map.view_box
                            && ui
                                .selectable_label(matches!(st.layout.extent, Extent::View { .. }), tr(lang, "Khung nhìn hiện tại", "The current view"))
                                .clicked()
                        {
                            st.layout.extent = Extent::View { min, max };
                        }
                        ui.horizontal(|ui| {
                            let site_now = match &st.layout.extent {
                                Extent::Site { name, .. } => Some(name.clone()),
                                _ => None,
                            };
                            let label = match (&site_now, &map.selected) {
                                (Some(n), _) => format!("{} {n}", tr(lang, "Vị trí:", "Site:")),
                                (None, Some(n)) => format!("{} {n}", tr(lang, "Vị trí đang chọn:", "Selected site:")),
                                (None, None) => tr(lang, "Vị trí đang chọn (chưa chọn)", "Selected site (none)").to_string(),
                            };
                            let enabled = site_now.is_some() || map.selected.is_some();
                            if ui.add_enabled(enabled, egui::Button::selectable(site_now.is_some(), label)).clicked()
                                && let Some(n) = map.selected.clone().or(site_now)
                            {
                                st.layout.extent = Extent::Site { name: n, margin_m: layout::DEFAULT_SITE_MARGIN_M };
                            }
                            if let Extent::Site { margin_m, .. } = &mut st.layout.extent {
                                let l = ui.label(tr(lang, "lề (m)", "margin (m)"));
                                ui.add(egui::DragValue::new(margin_m).range(0.0..=50_000.0).speed(50.0)).labelled_by(l.id);
                            }
                        });
                        ui.horizontal(|ui| {
                            let drawn = matches!(st.layout.extent, Extent::Rect { .. });
                            let drawing = !matches!(*map.print_rect, PrintRect::Off);
                            let text = if drawing {
                                tr(lang, "Kéo chuột trên bản đồ để vẽ khung… (Esc: thôi)", "Drag on the map to draw the frame… (Esc: cancel)")
                            } else {
                                tr(lang, "Khung vẽ trên bản đồ", "A rectangle drawn on the map")
                            };
                            if ui.add(egui::Button::selectable(drawn || drawing, text)).clicked() {
                                *map.print_rect = if drawing { PrintRect::Off } else { PrintRect::Armed };
                            }
                        });
                    });
                    ui.end_row();
                    let l = ui.label(tr(lang, "Cơ quan", "Issuing body"));
                    ui.add(egui::TextEdit::singleline(&mut st.layout.issuer).desired_width(360.0)).labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label(tr(lang, "Tiêu đề", "Title"));
                    ui.add(egui::TextEdit::singleline(&mut st.layout.title).desired_width(360.0)).labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label(tr(lang, "Người lập", "Drawn by"));
                    ui.add(egui::TextEdit::singleline(&mut st.layout.author).desired_width(360.0)).labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label(tr(lang, "Ghi chú", "Note"));
                    ui.add(egui::TextEdit::multiline(&mut st.layout.note).desired_width(360.0).desired_rows(2)).labelled_by(l.id);
                    ui.end_row();
                    ui.label(tr(lang, "Đánh dấu", "Marks"));
                    ui.horizontal(|ui| {
                        ui.checkbox(&mut st.layout.draft, tr(lang, "DỰ THẢO", "DRAFT"));
                        ui.separator();
                        ui.label(tr(lang, "Lưới tọa độ:", "Grid:"));
                        ui.selectable_value(&mut st.layout.grid, Grid::Off, tr(lang, "không", "none"));
                        ui.selectable_value(&mut st.layout.grid, Grid::Metres, tr(lang, "mét VN-2000", "VN-2000 metres"));
                        ui.selectable_value(&mut st.layout.grid, Grid::Degrees, tr(lang, "độ", "degrees"));
                    });
                    ui.end_row();
                    ui.label("DPI (PNG)");
                    ui.horizontal(|ui| {
                        ui.selectable_value(&mut st.dpi, 150, "150");
                        ui.selectable_value(&mut st.dpi, 300, "300");
                    });
                    ui.end_row();
                    let l = ui.label(tr(lang, "Tệp", "File"));
                    ui.horizontal(|ui| {
                        ui.add(egui::TextEdit::singleline(&mut st.path).desired_width(300.0).hint_text("/…/ban-do.pdf"))
                            .labelled_by(l.id);
                        if ui.button(tr(lang, "Chọn…", "Choose…")).clicked() {
                            out.push(Command::ChooseExportPath(st.format.ext()));
                        }
                    });
                    ui.end_row();
                });
                ui.label(
                    egui::RichText::new(tr(
                        lang,
                        "Khung xanh trên bản đồ là phần sẽ in. Bản đồ gồm các lớp đang bật, kịch bản và năm đang chọn; bố cục được lưu trong dự án.",
                        "The blue frame on the map is what will print. The map shows the visible layers and the active scenario and year; the layout is kept in the project.",
                    ))
                    .small(),
                );
                if let Some(n) = &st.layout_note {
                    ui.colored_label(egui::Color32::from_rgb(0xa0, 0x50, 0x00), n);
                }
                ui.horizontal(|ui| {
                    let busy = st.running.is_some();
                    if ui.add_enabled(!busy, egui::Button::new(tr(lang, "Xuất bản đồ", "Export map"))).clicked() {
                        out.push(Command::StartExport(None));
                    }
                    let scenario = active.or(project.reference_scenario()).cloned();
                    if ui
                        .add_enabled(!busy && scenario.is_some(), egui::Button::new(tr(lang, "Xuất bộ tài liệu họp (PDF)", "Export meeting pack (PDF)")))
                        .clicked()
                    {
                        if !st.path.trim().is_empty() {
                            st.path = PathBuf::from(st.path.trim()).with_extension("pdf").display().to_string();
                        }
                        out.push(Command::StartExport(scenario));
                    }
                    if busy {
                        ui.spinner();
                        ui.label(tr(lang, "Đang xuất…", "Exporting…"));
                    }
                });
                // The atlas: a sheet per site of a layer, or of the selected site.
                ui.horizontal(|ui| {
                    let busy = st.running.is_some();
                    let l = ui.label(tr(lang, "Tập bản đồ các vị trí:", "Atlas of site sheets:"));
                    egui::ComboBox::from_id_salt("atlas_layer")
                        .selected_text(crate::app::i18n::layer_name(lang, st.atlas_layer))
                        .show_ui(ui, |ui| {
                            for layer in Layer::ALL.into_iter().filter(|l| l.is_planning()) {
                                ui.selectable_value(&mut st.atlas_layer, layer, crate::app::i18n::layer_name(lang, layer));
                            }
                        })
                        .response
                        .labelled_by(l.id);
                    let selected = map.selected_site.filter(|(layer, _)| *layer == st.atlas_layer);
                    ui.add_enabled(
                        selected.is_some(),
                        egui::Checkbox::new(&mut st.atlas_selected, tr(lang, "chỉ vị trí đang chọn", "the selected site only")),
                    );
                    let fid = selected.filter(|_| st.atlas_selected).map(|(_, f)| f);
                    if ui
                        .add_enabled(!busy, egui::Button::new(tr(lang, "Xuất tập bản đồ (PDF)", "Export atlas (PDF)")))
                        .clicked()
                    {
                        if !st.path.trim().is_empty() {
                            st.path = PathBuf::from(st.path.trim()).with_extension("pdf").display().to_string();
                        }
                        out.push(Command::StartAtlas(st.atlas_layer, fid));
                    }
                });
                match &st.last {
                    Some(Ok(m)) => {
                        ui.label(format!("{} {m}", tr(lang, "Đã xuất:", "Exported:")));
                    }
                    Some(Err(e)) => {
                        ui.colored_label(egui::Color32::from_rgb(0xc0, 0x10, 0x10), format!("{} {e}", tr(lang, "Không xuất được:", "Export failed:")));
                    }
                    None => {}
                }
            });
        st.open = open;
    }
    out
}

/// The rectangle a planner drags on the map to set what prints.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) enum PrintRect {
    #[default]
    Off,
    /// The next drag draws it.
    Armed,
    Dragging([f64; 2], [f64; 2]),
    /// Drawn: the export window takes it.
    Done([f64; 2], [f64; 2]),
}
