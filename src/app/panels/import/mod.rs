//! File → Import data… (and a file dropped on the window): read the file on a
//! worker thread, show what was found and the coordinate system (declared, guessed, or
//! chosen), then import it on a worker thread with a progress bar and Cancel. The import is
//! one transaction on its own connection: Cancel or an error leaves the project as it was.

use crate::app::QnApp;
use crate::app::command::{Command, ImportedZoom, Then};

use crate::app::i18n::tr;
use crate::io::crs::Crs;
use crate::io::import::{CSV_DELIMITERS, Scan, Source, csv_layout, is_csv_path, scan};
use crate::io::import_sites::{
    SiteField, SiteTarget, SitesRead, TARGET_LAYERS, default_mapping, default_status, read_sites,
};
use crate::model::Layer;
use crate::store::ProjectFile;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

mod poll;

/// What the scan found, with where the coordinate system came from.
struct Found {
    source: Source,
    scan: Scan,
    /// For a file with legacy text (a Shapefile): its first records decoded, the encoding
    /// chosen and why, and a declared system qn-planner cannot read.
    office: Option<crate::io::import::Preview>,
}

/// Records shown in the preview.
const PREVIEW_ROWS: usize = 5;

/// The delimiter and coordinate columns of a delimited text file, as chosen in the window.
#[derive(Debug, Clone, PartialEq)]
struct CsvChoice {
    path: String,
    delimiter: u8,
    header: Vec<String>,
    x: String,
    y: String,
}

/// Features being read as sites of a planning layer on a worker thread.
struct ReadingSites {
    layer: Layer,
    rx: Receiver<Result<SitesRead, String>>,
    /// Features read, and the share of the file (in millionths).
    done: Arc<AtomicU64>,
    share: Arc<AtomicU64>,
    cancel: Arc<AtomicBool>,
}

/// What reading the file gave: the CSV layout (for delimited text), the feature tables (for a
/// GeoPackage) and the scan.
type ScanDone = (Option<CsvChoice>, Vec<String>, Result<Found, String>);

struct Running {
    /// The message and the layer written aside (brought into the project by an edit), or
    /// why it failed.
    rx: Receiver<Result<(String, crate::store::AsideLayer), String>>,
    done: Arc<AtomicU64>,
    total: u64,
    cancel: Arc<AtomicBool>,
}

pub struct ImportUi {
    pub open: bool,
    pub path: String,
    layer: String,
    scanning: Option<Receiver<ScanDone>>,
    found: Option<Found>,
    csv: Option<CsvChoice>,
    /// The feature tables of a GeoPackage being imported, and its path.
    gpkg_layers: Vec<String>,
    gpkg_path: String,
    /// The new layer's name to propose once the file is read (a table of the project itself
    /// takes a new name, its own being taken).
    name_hint: Option<String>,
    crs: Crs,
    /// Whether the planner picked the coordinate system in the window (needed when the file
    /// declares one qn-planner cannot read).
    crs_picked: bool,
    /// The text encoding the planner chose for an office file (`None`: automatic).
    encoding: Option<crate::io::encoding::Encoding>,
    name: String,
    color: [u8; 3],
    running: Option<Running>,
    pub last: Option<Result<String, String>>,
    /// After an import: where the map can go to show it, and its name.
    pub zoom: Option<(crate::locate::Target, String)>,
    /// Where the features go: a new reference layer (`None`) or a planning layer.
    target: Option<Layer>,
    /// For a planning layer: which source field fills each site field.
    mapping: Vec<(SiteField, String)>,
    reading_sites: Option<ReadingSites>,
}

impl Default for ImportUi {
    fn default() -> Self {
        ImportUi {
            open: false,
            path: String::new(),
            layer: String::new(),
            scanning: None,
            found: None,
            csv: None,
            gpkg_layers: Vec::new(),
            name_hint: None,
            gpkg_path: String::new(),
            crs: Crs::Wgs84,
            crs_picked: false,
            encoding: None,
            name: String::new(),
            color: [0x7a, 0x51, 0x95],
            running: None,
            last: None,
            zoom: None,
            target: None,
            mapping: Vec::new(),
            reading_sites: None,
        }
    }
}

/// The import window over one frame: its own state, the UI language, the project file it
/// imports into (path, read-only) and the commands it asks for (the import's edit, the file
/// dialog).
pub(crate) struct ImportCtx<'a> {
    pub st: &'a mut ImportUi,
    pub lang: crate::lang::Language,
    pub project: Option<(PathBuf, bool)>,
    pub out: Vec<Command>,
}

impl QnApp {
    fn import_ctx(&mut self) -> ImportCtx<'_> {
        ImportCtx {
            lang: self.settings.language,
            project: self
                .file
                .as_ref()
                .map(|f| (f.path().to_path_buf(), f.is_read_only())),
            st: &mut self.import,
            out: Vec::new(),
        }
    }

    /// Runs `f` on the import window's context and queues what it asked for.
    pub(crate) fn with_import(&mut self, f: impl FnOnce(&mut ImportCtx<'_>)) {
        let mut c = self.import_ctx();
        f(&mut c);
        let asked = std::mem::take(&mut c.out);
        self.commands.extend(asked);
    }

    /// Opens the import window on `path` and starts reading it.
    pub fn import_file(&mut self, path: PathBuf) {
        self.with_import(|c| c.open_file(path));
    }

    /// Opens the import window on `table` of the open project itself (a table another program
    /// wrote into it), to copy it into a reference layer under a new name.
    pub fn import_own_table(&mut self, table: &str) {
        let Some(path) = self.file.as_ref().map(|f| f.path().to_path_buf()) else {
            return;
        };
        let suffix = tr(self.lang(), "nhập", "imported");
        self.with_import(|c| {
            c.st.layer = table.to_string();
            c.st.gpkg_path = path.display().to_string();
            c.st.name_hint = Some(format!("{table} ({suffix})"));
            c.open_file(path);
        });
    }

    /// The coordinate system and layer name the import window will use, once a file is read.
    pub fn import_choice(&self) -> Option<(Crs, String)> {
        self.import
            .found
            .as_ref()
            .map(|_| (self.import.crs, self.import.name.clone()))
    }

    /// Reads the file named in the import window again.
    pub(crate) fn rescan_import(&mut self) {
        self.with_import(|c| c.start_scan());
    }

    /// The import's edit reached the file: the window says what came in.
    pub(crate) fn import_done(&mut self, message: String, zoom: ImportedZoom) {
        self.import.found = None;
        self.reload_reference_layers();
        self.import.last = Some(Ok(message));
        // The box of what came in, from the file's own extent of the new layer.
        let area = match zoom {
            ImportedZoom::Area(b) => Some((b, String::new())),
            ImportedZoom::Table(t) => self
                .file
                .as_ref()
                .and_then(|f| f.layer_infos().ok())
                .and_then(|ls| ls.into_iter().find(|l| l.table == t))
                .and_then(|l| {
                    let name = self
                        .map
                        .refs
                        .iter()
                        .find(|r| r.table == t)
                        .map(|r| r.name.clone());
                    l.extent.map(|e| ([e.0, e.1, e.2, e.3], name.unwrap_or(t)))
                }),
            ImportedZoom::Nothing => None,
        };
        self.import.zoom = area.map(|(b, name)| (crate::locate::Target::Area(b), name));
    }

    /// The import's edit was refused (the reason is in the error window or the status bar).
    pub(crate) fn import_refused(&mut self) {
        self.import.last = Some(Err(tr(
            self.lang(),
            "không ghi được vào dự án (xem thông báo lỗi)",
            "could not be written to the project (see the error)",
        )
        .into()));
    }
}

impl ImportCtx<'_> {
    pub(crate) fn start_scan(&mut self) {
        let text = self.st.path.trim().to_string();
        let path = PathBuf::from(&text);
        // A layer chosen in another GeoPackage means nothing here.
        if !self.st.gpkg_layers.is_empty() && self.st.gpkg_path != text {
            self.st.gpkg_layers.clear();
            self.st.layer.clear();
        }
        self.st.gpkg_path = text.clone();
        let layer = Some(self.st.layer.trim().to_string()).filter(|l| !l.is_empty());
        // The delimiter and columns chosen for this same file are kept.
        let chosen = self
            .st
            .csv
            .as_ref()
            .filter(|c| c.path == text)
            .map(|c| (c.delimiter, c.x.clone(), c.y.clone()));
        self.st.found = None;
        self.st.last = None;
        self.st.zoom = None;
        let (tx, rx) = channel();
        let lang = self.lang;
        let encoding = self.st.encoding;
        std::thread::spawn(move || {
            let done: ScanDone = if is_csv_path(&path) {
                match csv_layout(&path, chosen.as_ref().map(|c| c.0)) {
                    Err(e) => (None, Vec::new(), Err(e.text(lang))),
                    Ok(l) => {
                        let pick = |want: Option<&String>, found: &Option<String>, k: usize| {
                            want.filter(|w| l.header.contains(w))
                                .or(found.as_ref())
                                .or(l.header.get(k))
                                .cloned()
                                .unwrap_or_default()
                        };
                        let x = pick(chosen.as_ref().map(|c| &c.1), &l.x, 0);
                        let y = pick(chosen.as_ref().map(|c| &c.2), &l.y, 1);
                        let source = Source::Csv {
                            path: path.clone(),
                            delimiter: l.delimiter,
                            x: x.clone(),
                            y: y.clone(),
                        };
                        let r = scan(&source)
                            .map(|scan| Found {
                                source,
                                scan,
                                office: None,
                            })
                            .map_err(|e| e.text(lang));
                        let choice = CsvChoice {
                            path: text,
                            delimiter: l.delimiter,
                            header: l.header,
                            x,
                            y,
                        };
                        (Some(choice), Vec::new(), r)
                    }
                }
            } else {
                // A GeoPackage with several feature tables: the first until one is chosen.
                let ext = path
                    .extension()
                    .map(|e| e.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default();
                let tables = match ext.as_str() {
                    "gpkg" => crate::io::import::gpkg_layers(&path).unwrap_or_default(),
                    // The Shapefiles of a .zip, chosen like the layers of a GeoPackage.
                    "zip" => crate::io::shapefile::zip_members(&path).unwrap_or_default(),
                    _ => Vec::new(),
                };
                let layer = layer.or_else(|| tables.first().cloned());
                let r = Source::from_path(&path, layer.as_deref())
                    .map(|s| s.with_encoding(encoding))
                    .map_err(|e| e.text(lang))
                    .and_then(|source| {
                        let office = crate::io::import::preview(&source, PREVIEW_ROWS)
                            .map_err(|e| e.text(lang))?;
                        scan(&source)
                            .map(|scan| Found {
                                source,
                                scan,
                                office,
                            })
                            .map_err(|e| e.text(lang))
                    });
                (None, tables, r)
            };
            let _ = tx.send(done);
        });
        self.st.scanning = Some(rx);
    }

    /// Delimiter and coordinate columns of a delimited text file; a change reads it again.
    fn csv_options(&mut self, ui: &mut egui::Ui, busy: bool) {
        let lang = self.lang;
        let Some(c) = &mut self.st.csv else {
            return;
        };
        if c.path != self.st.path.trim() {
            return;
        }
        let before = c.clone();
        let name = |d: u8| match d {
            b'\t' => "Tab".to_string(),
            d => char::from(d).to_string(),
        };
        ui.add_enabled_ui(!busy, |ui| {
            egui::ComboBox::new("csv_delimiter", tr(lang, "Dấu phân cách", "Delimiter"))
                .selected_text(name(c.delimiter))
                .show_ui(ui, |ui| {
                    for d in CSV_DELIMITERS {
                        ui.selectable_value(&mut c.delimiter, d, name(d));
                    }
                });
            for (label, col, salt) in [
                (
                    tr(
                        lang,
                        "Cột X (kinh độ, hướng đông)",
                        "X column (longitude, easting)",
                    ),
                    &mut c.x,
                    "csv_x",
                ),
                (
                    tr(
                        lang,
                        "Cột Y (vĩ độ, hướng bắc)",
                        "Y column (latitude, northing)",
                    ),
                    &mut c.y,
                    "csv_y",
                ),
            ] {
                egui::ComboBox::new(salt, label)
                    .selected_text(col.as_str())
                    .show_ui(ui, |ui| {
                        for h in &c.header {
                            ui.selectable_value(col, h.clone(), h.as_str());
                        }
                    });
            }
        });
        if *c != before {
            self.start_scan();
        }
    }

    /// Reads the features as sites of `layer` on a worker thread; they are added as one edit
    /// when read (see `poll_import`).
    fn start_import_sites(&mut self, layer: Layer) {
        let Some(found) = &self.st.found else {
            return;
        };
        let source = found.source.clone();
        let crs = self.st.crs;
        let mapping = self.st.mapping.clone();
        let (tx, rx) = channel();
        let done = Arc::new(AtomicU64::new(0));
        let share = Arc::new(AtomicU64::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (d, sh, c) = (done.clone(), share.clone(), cancel.clone());
        let lang = self.lang;
        std::thread::spawn(move || {
            let target = SiteTarget {
                layer,
                status: default_status(layer),
                mapping: &mapping,
                lang,
            };
            let r = read_sites(&source, Some(crs), &target, &c, &mut |n, f| {
                d.store(n, Ordering::Relaxed);
                sh.store((f * 1e6) as u64, Ordering::Relaxed);
            })
            .map_err(|e| e.text(lang));
            let _ = tx.send(r);
        });
        self.st.reading_sites = Some(ReadingSites {
            layer,
            rx,
            done,
            share,
            cancel,
        });
        self.st.last = None;
        self.st.zoom = None;
    }

    fn start_import(&mut self) {
        if let Some(layer) = self.st.target {
            self.start_import_sites(layer);
            return;
        }
        let Some(found) = &self.st.found else {
            return;
        };
        let Some((project_path, read_only)) = self.project.clone() else {
            return;
        };
        if read_only {
            self.st.last = Some(Err(tr(
                self.lang,
                "Tệp dự án chỉ đọc.",
                "The project file is read-only.",
            )
            .into()));
            return;
        }
        let project = project_path;
        let source = found.source.clone();
        let total = found.scan.features;
        let crs = self.st.crs;
        let name = self.st.name.trim().to_string();
        let [r, g, b] = self.st.color;
        let color = format!("#{r:02x}{g:02x}{b:02x}");
        let done = Arc::new(AtomicU64::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        let (d, c) = (done.clone(), cancel.clone());
        let lang = self.lang;
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let r = ProjectFile::open(&project)
                .map_err(|e| e.text(lang))
                .and_then(|mut pf| {
                    crate::io::import_layer::import_aside(
                        &mut pf,
                        &source,
                        Some(crs),
                        &name,
                        &color,
                        &c,
                        &mut |n, _| d.store(n, Ordering::Relaxed),
                    )
                    .map_err(|e| e.text(lang))
                })
                .map(|(s, aside)| {
                    (
                        format!(
                            "{} ({} {}, {:.1} s)",
                            s.name,
                            s.features,
                            s.geometry_type,
                            started.elapsed().as_secs_f64()
                        ),
                        aside,
                    )
                });
            let _ = tx.send(r);
        });
        self.st.running = Some(Running {
            rx,
            done,
            total,
            cancel,
        });
        self.st.last = None;
        self.st.zoom = None;
    }

    /// Files dropped on the window open the import window.
    pub(crate) fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        // A Shapefile is dropped as its parts together: the .shp is the one to open.
        let shp = dropped
            .iter()
            .position(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp")))
            .unwrap_or(0);
        if let Some(p) = dropped.into_iter().nth(shp)
            && self.st.running.is_none()
        {
            self.open_file(p);
        }
    }

    /// Opens the import window on `path` and starts reading it.
    pub(crate) fn open_file(&mut self, path: PathBuf) {
        self.st.path = path.display().to_string();
        // A new file: its encoding is found again.
        self.st.encoding = None;
        self.st.open = true;
        self.start_scan();
    }

    pub(crate) fn import_window(&mut self, ctx: &egui::Context) {
        self.poll_import(ctx);
        if !self.st.open {
            return;
        }
        let lang = self.lang;
        let mut open = true;
        egui::Window::new(tr(lang, "Nhập dữ liệu", "Import data"))
            .id(egui::Id::unique("import_window"))
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| self.import_contents(ui));
        self.st.open = open;
    }

    fn import_contents(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        let busy = self.st.running.is_some()
            || self.st.scanning.is_some()
            || self.st.reading_sites.is_some();
        egui::Grid::new("import_grid")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                let l = ui.label(tr(lang, "Tệp", "File"));
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.st.path)
                            .desired_width(300.0)
                            .hint_text("/…/ranh-gioi.geojson"),
                    )
                    .labelled_by(l.id);
                    if ui
                        .add_enabled(!busy, egui::Button::new(tr(lang, "Chọn…", "Choose…")))
                        .clicked()
                    {
                        self.out.push(Command::ChooseImportPath);
                    }
                });
                ui.end_row();
                if self.st.gpkg_layers.is_empty() {
                    let l = ui.label(tr(lang, "Lớp (GeoPackage)", "Layer (GeoPackage)"));
                    ui.add(
                        egui::TextEdit::singleline(&mut self.st.layer)
                            .desired_width(200.0)
                            .hint_text(tr(
                                lang,
                                "khi tệp có nhiều lớp",
                                "when the file has several",
                            )),
                    )
                    .labelled_by(l.id);
                    ui.end_row();
                }
            });
        if !self.st.gpkg_layers.is_empty() {
            let before = self.st.layer.clone();
            ui.add_enabled_ui(!busy, |ui| {
                let zip = self.st.path.trim().to_ascii_lowercase().ends_with(".zip");
                ui.horizontal(|ui| {
                    let l = ui.label(if zip {
                        tr(lang, "Shapefile trong tệp .zip", "Shapefile in the .zip")
                    } else {
                        tr(lang, "Lớp trong tệp GeoPackage", "Layer of the GeoPackage")
                    });
                    egui::ComboBox::from_id_salt("import_gpkg_layer")
                        .selected_text(self.st.layer.as_str())
                        .width(260.0)
                        .show_ui(ui, |ui| {
                            for t in &self.st.gpkg_layers {
                                ui.selectable_value(&mut self.st.layer, t.clone(), t.as_str());
                            }
                        })
                        .response
                        .labelled_by(l.id);
                });
            });
            if self.st.layer != before {
                self.start_scan();
            }
        }
        self.csv_options(ui, busy);
        if ui
            .add_enabled(
                !busy && !self.st.path.trim().is_empty(),
                egui::Button::new(tr(lang, "Đọc tệp", "Read the file")),
            )
            .clicked()
        {
            self.start_scan();
        }
        if self.st.scanning.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr(lang, "Đang đọc tệp…", "Reading the file…"));
            });
        }
        let mut rescan = false;
        if let Some(found) = &self.st.found {
            let s = &found.scan;
            ui.separator();
            ui.label(format!(
                "{} {} · {} {} · {}",
                s.features,
                tr(lang, "đối tượng", "features"),
                s.fields.len(),
                tr(lang, "trường", "fields"),
                s.geometry_type
            ));
            if !s.fields.is_empty() && found.office.is_none() {
                let names: Vec<&str> = s.fields.iter().map(|(n, _)| n.as_str()).collect();
                ui.label(egui::RichText::new(names.join(", ")).small());
            }
            if let Some(o) = &found.office {
                let auto = tr(lang, "Tự động", "Automatic");
                let mut chosen = self.st.encoding;
                egui::ComboBox::new("import_encoding", tr(lang, "Bảng mã chữ", "Text encoding"))
                    .selected_text(match chosen {
                        None => format!("{auto} ({})", o.encoding.encoding.label()),
                        Some(e) => e.label().to_string(),
                    })
                    .width(260.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut chosen, None, auto);
                        for e in crate::io::encoding::Encoding::ALL {
                            ui.selectable_value(&mut chosen, Some(e), e.label());
                        }
                    });
                ui.label(
                    egui::RichText::new(o.encoding.explain(lang == crate::lang::Language::Vi))
                        .small(),
                );
                if chosen != self.st.encoding {
                    self.st.encoding = chosen;
                    rescan = true;
                }
                ui.label(
                    egui::RichText::new(tr(
                        lang,
                        "Các bản ghi đầu, như sẽ được nhập:",
                        "The first records, as they will be imported:",
                    ))
                    .small(),
                );
                egui::ScrollArea::horizontal()
                    .id_salt("import_preview")
                    .max_width(560.0)
                    .show(ui, |ui| {
                        egui::Grid::new("import_preview_grid")
                            .striped(true)
                            .spacing([10.0, 2.0])
                            .show(ui, |ui| {
                                for f in &o.fields {
                                    ui.label(egui::RichText::new(f).strong());
                                }
                                ui.end_row();
                                for row in &o.rows {
                                    for v in row {
                                        ui.label(v);
                                    }
                                    ui.end_row();
                                }
                            });
                    });
            }
            let unread = found.office.as_ref().and_then(|o| o.unread_crs.clone());
            let how = match (s.declared, s.crs()) {
                (Some(_), _) => tr(lang, "khai báo trong tệp", "declared by the file"),
                (None, Some(_)) if s.default.is_some() => tr(
                    lang,
                    "giả định: DXF không khai báo hệ toạ độ (đổi nếu bản vẽ dùng hệ khác)",
                    "assumed: a DXF declares no system (change it if the drawing uses another)",
                ),
                (None, Some(_)) => tr(
                    lang,
                    "đoán theo phạm vi tọa độ",
                    "guessed from the coordinate ranges",
                ),
                (None, None) => tr(
                    lang,
                    "không đoán được — hãy chọn",
                    "cannot be guessed: choose it",
                ),
            };
            let layer_name = |l: Layer| l.name(lang);
            let new_ref = tr(lang, "Lớp tham chiếu mới", "A new reference layer");
            let planning = |l: Layer| {
                format!(
                    "{} {}",
                    tr(lang, "Lớp quy hoạch:", "Planning layer:"),
                    layer_name(l)
                )
            };
            egui::ComboBox::new("import_target", tr(lang, "Nhập vào", "Import into"))
                .selected_text(self.st.target.map_or(new_ref.to_string(), planning))
                .width(300.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.st.target, None, new_ref);
                    for l in TARGET_LAYERS {
                        ui.selectable_value(&mut self.st.target, Some(l), planning(l));
                    }
                });
            egui::Grid::new("import_opts")
                .num_columns(2)
                .spacing([8.0, 6.0])
                .show(ui, |ui| {
                    let crs_label = ui.label(tr(lang, "Hệ tọa độ", "Coordinate system")).id;
                    ui.vertical(|ui| {
                        egui::ComboBox::from_id_salt("import_crs")
                            .selected_text(self.st.crs.name())
                            .width(300.0)
                            .show_ui(ui, |ui| {
                                let current = self.st.crs;
                                let listed = Crs::ALL
                                    .into_iter()
                                    .chain((!Crs::ALL.contains(&current)).then_some(current));
                                for c in listed {
                                    if ui.selectable_value(&mut self.st.crs, c, c.name()).clicked()
                                    {
                                        self.st.crs_picked = true;
                                    }
                                }
                            })
                            .response
                            .labelled_by(crs_label);
                        match &unread {
                            Some(w) => {
                                ui.colored_label(
                                    egui::Color32::from_rgb(0xc0, 0x10, 0x10),
                                    egui::RichText::new(format!(
                                        "{} {w} — {}",
                                        tr(lang, "Tệp khai báo", "The file declares"),
                                        tr(
                                            lang,
                                            "hệ mà qn-planner không đọc: hãy chọn hệ toạ độ",
                                            "which qn-planner does not read: choose the system",
                                        )
                                    ))
                                    .small(),
                                );
                            }
                            None => {
                                ui.label(egui::RichText::new(how).small());
                            }
                        }
                    });
                    ui.end_row();
                    if self.st.target.is_none() {
                        let l = ui.label(tr(lang, "Tên lớp", "Layer name"));
                        ui.add(egui::TextEdit::singleline(&mut self.st.name).desired_width(260.0))
                            .labelled_by(l.id);
                        ui.end_row();
                        ui.label(tr(lang, "Màu", "Colour"));
                        ui.color_edit_button_srgb(&mut self.st.color);
                        ui.end_row();
                    }
                });
            if self.st.target.is_some() {
                let fields: Vec<String> = s.fields.iter().map(|(n, _)| n.clone()).collect();
                ui.label(
                    egui::RichText::new(tr(
                        lang,
                        "Điền các trường từ trường trong tệp",
                        "Fill the fields from the file's fields",
                    ))
                    .strong(),
                );
                let none = tr(lang, "(không)", "(none)");
                for f in SiteField::ALL {
                    let label = match lang {
                        crate::lang::Language::Vi => f.name_vi(),
                        crate::lang::Language::En => f.name_en(),
                    };
                    let mut current = self
                        .st
                        .mapping
                        .iter()
                        .find(|(o, _)| *o == f)
                        .map(|(_, s)| s.clone());
                    let before = current.clone();
                    egui::ComboBox::new(("import_map", f.key()), label)
                        .selected_text(current.as_deref().unwrap_or(none))
                        .width(200.0)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut current, None, none);
                            for name in &fields {
                                ui.selectable_value(
                                    &mut current,
                                    Some(name.clone()),
                                    name.as_str(),
                                );
                            }
                        });
                    if current != before {
                        self.st.mapping.retain(|(o, _)| *o != f);
                        if let Some(c) = current {
                            self.st.mapping.push((f, c));
                        }
                    }
                }
            }
            let named = if self.st.target.is_some() {
                self.st.mapping.iter().any(|(f, _)| *f == SiteField::Name)
            } else {
                !self.st.name.trim().is_empty()
            };
            // A declaration qn-planner cannot read is never replaced by a guess unasked.
            let crs_known = unread.is_none() || self.st.crs_picked;
            let can =
                self.st.running.is_none() && self.st.reading_sites.is_none() && named && crs_known;
            if ui
                .add_enabled(can, egui::Button::new(tr(lang, "Nhập", "Import")))
                .clicked()
            {
                self.start_import();
            }
        }
        if rescan {
            self.start_scan();
        }
        if let Some(run) = &self.st.running {
            let done = run.done.load(Ordering::Relaxed);
            let frac = if run.total > 0 {
                done as f32 / run.total as f32
            } else {
                0.0
            };
            ui.add(egui::ProgressBar::new(frac).text(format!("{done} / {}", run.total)));
            if ui.button(tr(lang, "Hủy", "Cancel")).clicked() {
                run.cancel.store(true, Ordering::Relaxed);
            }
        }
        if let Some(reading) = &self.st.reading_sites {
            // Nothing is written until every feature is read, so Cancel leaves the project as
            // it was; the sites are then added in one transaction.
            let done = reading.done.load(Ordering::Relaxed);
            let share = reading.share.load(Ordering::Relaxed) as f32 / 1e6;
            ui.add(egui::ProgressBar::new(share).text(format!(
                "{done} {}",
                tr(lang, "đối tượng đã đọc", "features read")
            )));
            if ui.button(tr(lang, "Hủy", "Cancel")).clicked() {
                reading.cancel.store(true, Ordering::Relaxed);
            }
        }
        match &self.st.last {
            Some(Ok(m)) => {
                ui.label(format!("{} {m}", tr(lang, "Đã nhập:", "Imported:")));
                if let Some((target, name)) = &self.st.zoom
                    && ui
                        .button(tr(
                            lang,
                            "Phóng tới lớp vừa nhập",
                            "Zoom to the imported layer",
                        ))
                        .clicked()
                {
                    self.out.push(Command::Locate(target.clone(), name.clone()));
                }
            }
            Some(Err(e)) => {
                ui.colored_label(
                    egui::Color32::from_rgb(0xc0, 0x10, 0x10),
                    format!("{} {e}", tr(lang, "Không nhập được:", "Not imported:")),
                );
            }
            None => {}
        }
    }
}
