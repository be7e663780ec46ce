//! File → Export map…: the options of a print, and the export itself on a worker thread so
//! the window never blocks; the result (or the reason it failed) is shown when it is done.

use super::QnApp;
use super::command::{Command, View};
use super::i18n::tr;
use crate::export::{Composer, MapFormat as Format, MapSpec, PackSpec, Paper};
use crate::model::{Layer, Project};
use crate::scenario::Scenario;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

pub struct ExportUi {
    pub open: bool,
    paper: Paper,
    landscape: bool,
    format: Format,
    dpi: u32,
    title: String,
    pub path: String,
    running: Option<Receiver<Result<String, String>>>,
    pub last: Option<Result<String, String>>,
}

impl Default for ExportUi {
    fn default() -> Self {
        ExportUi {
            open: false,
            paper: Paper::A4,
            landscape: true,
            format: Format::Pdf,
            dpi: 150,
            title: "Quy hoạch khu, cụm công nghiệp tỉnh Quảng Ninh".into(),
            path: String::new(),
            running: None,
            last: None,
        }
    }
}

impl QnApp {
    /// Whether an export is running.
    pub fn export_running(&self) -> bool {
        self.export.running.is_some()
    }

    fn map_spec(&self) -> MapSpec {
        let mut spec = MapSpec::new(&self.export.title, self.lang());
        spec.paper = self.export.paper;
        spec.landscape = self.export.landscape;
        spec.layers = Layer::ALL
            .iter()
            .copied()
            .filter(|l| self.is_layer_visible(*l))
            .collect();
        spec.show_towns = self.map.show_towns;
        spec.extent = self
            .map
            .view
            .filter(|_| self.map.map_rect.is_positive())
            .map(|v| super::map::Projector::new(self.map.map_rect, v).visible());
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
                    kind: f
                        .style_target(&r.table)
                        .ok()
                        .flatten()
                        .map_or(crate::model::qml::GeomKind::Polygon, |t| t.kind),
                })
                .collect();
        }
        spec.raster_dpi = match self.export.format {
            Format::Png => self.export.dpi,
            _ => crate::export::VECTOR_RASTER_DPI,
        };
        spec
    }

    pub(super) fn start_export(&mut self, pack_of: Option<crate::scenario::Scenario>) {
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
        let spec = self.map_spec();
        let project = self.project.clone();
        let format = self.export.format;
        let dpi = self.export.dpi;
        let lang = self.lang();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let result = (|| -> Result<String, crate::export::ExportError> {
                let c = Composer::new()?;
                let bytes = match &pack_of {
                    Some(s) => {
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
                    None => crate::export::write_map(&c, &project, &spec, format, dpi, &path)?,
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

/// The export window: a function of what it prints and its own state (the options and the
/// running export); asks for the file dialog and the export itself as commands.
pub(super) fn export_window(
    ctx: &egui::Context,
    project: &Project,
    view: &View,
    active: Option<&Scenario>,
    st: &mut ExportUi,
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
            return out;
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
                        ui.selectable_value(&mut st.paper, Paper::A4, "A4");
                        ui.selectable_value(&mut st.paper, Paper::A3, "A3");
                        ui.separator();
                        ui.selectable_value(&mut st.landscape, true, tr(lang, "ngang", "landscape"));
                        ui.selectable_value(&mut st.landscape, false, tr(lang, "dọc", "portrait"));
                    });
                    ui.end_row();
                    ui.label("DPI (PNG)");
                    ui.horizontal(|ui| {
                        ui.selectable_value(&mut st.dpi, 150, "150");
                        ui.selectable_value(&mut st.dpi, 300, "300");
                    });
                    ui.end_row();
                    let l = ui.label(tr(lang, "Tiêu đề", "Title"));
                    ui.add(egui::TextEdit::singleline(&mut st.title).desired_width(360.0)).labelled_by(l.id);
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
                        "Bản đồ theo khung nhìn, các lớp đang bật, kịch bản và năm đang chọn.",
                        "The map follows the current view, the visible layers, and the active scenario and year.",
                    ))
                    .small(),
                );
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
