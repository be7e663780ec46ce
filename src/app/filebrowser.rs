//! Choosing where to open or save when the desktop has no file dialog: rfd's native dialog
//! where one exists, else this in-app browser (no maintained egui file-dialog crate supports
//! egui 0.37 yet). Folders first, then the files of the wanted kinds; a name to type when
//! saving; an existing file is only overwritten after saying so.

use super::i18n::tr;
use crate::lang::Language;
use egui::RichText;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What the chosen path is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    OpenProject,
    NewProject,
    ImportData,
    ExportMap,
    /// The indicator table of the scenario with this id, as CSV.
    IndicatorsCsv(i64),
    /// A QML style for the layer of this table, to read or to write.
    StyleFrom(String),
    StyleTo(String),
    /// The selected sites (these fids) of a layer, to write as GeoJSON, CSV or Shapefile.
    ExportSelection(crate::model::Layer, Vec<i64>),
    /// The rows the attribute table shows, as CSV or XLSX.
    TableRows,
}

impl Purpose {
    /// The kind of file it is about, for the folder remembered per kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Purpose::OpenProject | Purpose::NewProject => "project",
            Purpose::ImportData => "import",
            Purpose::ExportMap => "export",
            Purpose::ExportSelection(..) => "layer",
            Purpose::IndicatorsCsv(_) | Purpose::TableRows => "table",
            Purpose::StyleFrom(_) | Purpose::StyleTo(_) => "style",
        }
    }
}

/// A native dialog that answers "nothing chosen" faster than this had no window to show
/// (no desktop portal): nobody cancels a dialog that quickly.
const NO_DIALOG_WITHIN: Duration = Duration::from_millis(300);

/// What the native dialog answered.
pub enum Native {
    Chosen(PathBuf),
    /// The planner closed the dialog without choosing.
    Cancelled,
    /// No native dialog here (or `QN_PLANNER_NO_NATIVE_DIALOG` is set): use the in-app browser.
    Unavailable,
}

/// Asks rfd for a path, starting in `folder` when given.
pub fn native(
    save: bool,
    kinds: &[&str],
    kind_name: &str,
    name: &str,
    folder: Option<&Path>,
) -> Native {
    if std::env::var_os("QN_PLANNER_NO_NATIVE_DIALOG").is_some() {
        return Native::Unavailable;
    }
    let started = Instant::now();
    let mut d = rfd::FileDialog::new();
    if !kinds.is_empty() {
        d = d.add_filter(kind_name, kinds);
    }
    if !name.is_empty() {
        d = d.set_file_name(name);
    }
    if let Some(f) = folder {
        d = d.set_directory(f);
    }
    let got = if save { d.save_file() } else { d.pick_file() };
    match got {
        Some(p) => Native::Chosen(p),
        None if started.elapsed() < NO_DIALOG_WITHIN => Native::Unavailable,
        None => Native::Cancelled,
    }
}

/// The in-app file browser's state.
#[derive(Debug, Clone)]
pub struct FileBrowser {
    pub purpose: Purpose,
    pub save: bool,
    /// Extensions shown (lower case, no dot); empty shows every file.
    pub kinds: Vec<String>,
    pub dir: PathBuf,
    /// The folder as typed in its field.
    pub dir_text: String,
    pub name: String,
    entries: Vec<(String, bool)>,
    error: Option<String>,
    /// The chosen file exists and saving was asked once: the next click overwrites.
    confirm_overwrite: bool,
    /// The drives to jump to (Windows; checked once, when the browser opens).
    drives: Vec<PathBuf>,
    /// Hidden folders and files are listed too (names starting with a dot; on Windows, the
    /// hidden attribute).
    pub show_hidden: bool,
}

/// What a frame of the browser decided.
pub enum Outcome {
    Open,
    Chosen(PathBuf),
    Cancelled,
}

/// The drives of a Windows computer that hold a file system (none elsewhere).
fn drives() -> Vec<PathBuf> {
    if !cfg!(windows) {
        return Vec::new();
    }
    (b'C'..=b'Z')
        .map(|l| PathBuf::from(format!("{}:\\", l as char)))
        .filter(|d| d.is_dir())
        .collect()
}

/// Whether a folder entry is hidden: a name starting with a dot, or (Windows) the hidden
/// attribute.
fn is_hidden(name: &str, e: &std::fs::DirEntry) -> bool {
    if name.starts_with('.') {
        return true;
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::MetadataExt;
        const FILE_ATTRIBUTE_HIDDEN: u32 = 0x2;
        if e.metadata()
            .is_ok_and(|m| m.file_attributes() & FILE_ATTRIBUTE_HIDDEN != 0)
        {
            return true;
        }
    }
    #[cfg(not(windows))]
    let _ = e;
    false
}

impl FileBrowser {
    /// A browser in `start`'s folder (or the home folder), with `name` proposed.
    pub fn new(
        purpose: Purpose,
        save: bool,
        kinds: &[&str],
        start: Option<&Path>,
        name: &str,
    ) -> FileBrowser {
        let dir = start
            .and_then(|p| {
                if p.is_dir() {
                    Some(p.to_path_buf())
                } else {
                    p.parent().map(Path::to_path_buf)
                }
            })
            .filter(|d| d.is_dir())
            .or_else(crate::settings::home_dir)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut b = FileBrowser {
            purpose,
            save,
            kinds: kinds.iter().map(|k| k.to_ascii_lowercase()).collect(),
            dir_text: dir.display().to_string(),
            dir,
            name: name.to_string(),
            entries: Vec::new(),
            error: None,
            confirm_overwrite: false,
            drives: drives(),
            show_hidden: false,
        };
        b.read_dir();
        b
    }

    fn wanted(&self, file: &str) -> bool {
        self.kinds.is_empty()
            || Path::new(file).extension().is_some_and(|e| {
                self.kinds
                    .contains(&e.to_string_lossy().to_ascii_lowercase())
            })
    }

    fn read_dir(&mut self) {
        self.entries.clear();
        self.error = None;
        match std::fs::read_dir(&self.dir) {
            Ok(rd) => {
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if !self.show_hidden && is_hidden(&name, &e) {
                        continue;
                    }
                    let is_dir = e.path().is_dir();
                    if is_dir || self.wanted(&name) {
                        self.entries.push((name, is_dir));
                    }
                }
                self.entries.sort_by(|a, b| {
                    b.1.cmp(&a.1).then_with(|| {
                        crate::model::text::fold(&a.0).cmp(&crate::model::text::fold(&b.0))
                    })
                });
            }
            Err(e) => self.error = Some(format!("{}: {e}", self.dir.display())),
        }
    }

    fn go(&mut self, dir: PathBuf) {
        self.dir = dir;
        self.dir_text = self.dir.display().to_string();
        self.confirm_overwrite = false;
        self.read_dir();
    }

    /// The path the name field stands for, with the first wanted extension added when the
    /// name has none (saving).
    pub fn target(&self) -> Option<PathBuf> {
        let name = self.name.trim();
        if name.is_empty() {
            return None;
        }
        let mut p = self.dir.join(name);
        if self.save
            && p.extension().is_none()
            && let Some(k) = self.kinds.first()
        {
            p.set_extension(k);
        }
        Some(p)
    }

    /// Draws the browser window; what the planner decided.
    pub fn show(&mut self, ctx: &egui::Context, lang: Language) -> Outcome {
        let mut outcome = Outcome::Open;
        let mut open = true;
        let title = if self.save {
            tr(lang, "Lưu thành…", "Save as…")
        } else {
            tr(lang, "Chọn tệp", "Choose a file")
        };
        egui::Window::new(title)
            .id(egui::Id::unique("qn_file_browser"))
            .default_pos([330.0, 90.0])
            .open(&mut open)
            .collapsible(false)
            .default_width(520.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let l = ui.label(tr(lang, "Thư mục", "Folder"));
                    let r = ui
                        .add(egui::TextEdit::singleline(&mut self.dir_text).desired_width(330.0))
                        .labelled_by(l.id);
                    if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        let d = PathBuf::from(self.dir_text.trim());
                        if d.is_dir() {
                            self.go(d);
                        } else {
                            self.error = Some(format!(
                                "{} {}",
                                tr(lang, "Không có thư mục", "No folder"),
                                d.display()
                            ));
                        }
                    }
                    if ui.button(tr(lang, "Lên", "Up")).clicked()
                        && let Some(p) = self.dir.parent().map(Path::to_path_buf)
                    {
                        self.go(p);
                    }
                    if ui.button(tr(lang, "Thư mục nhà", "Home")).clicked()
                        && let Some(h) = crate::settings::home_dir()
                    {
                        self.go(h);
                    }
                    if ui
                        .checkbox(
                            &mut self.show_hidden,
                            tr(lang, "Hiện mục ẩn", "Show hidden"),
                        )
                        .changed()
                    {
                        self.read_dir();
                    }
                    // Windows: the drives (C:, D:, a USB stick), since "Up" stops at a drive's root.
                    for drive in self.drives.clone() {
                        if ui.button(drive.display().to_string()).clicked() {
                            self.go(drive);
                        }
                    }
                });
                ui.separator();
                let mut enter: Option<PathBuf> = None;
                egui::ScrollArea::vertical()
                    .max_height(260.0)
                    .show(ui, |ui| {
                        if self.entries.is_empty() {
                            ui.label(
                                RichText::new(tr(
                                    lang,
                                    "(không có thư mục con hay tệp phù hợp)",
                                    "(no folders or matching files)",
                                ))
                                .weak(),
                            );
                        }
                        for (name, is_dir) in &self.entries {
                            let text = if *is_dir {
                                format!("[{name}]")
                            } else {
                                name.clone()
                            };
                            let selected = !*is_dir && *name == self.name;
                            let r = ui.selectable_label(selected, text);
                            if r.clicked() {
                                if *is_dir {
                                    enter = Some(self.dir.join(name));
                                } else {
                                    self.name = name.clone();
                                    self.confirm_overwrite = false;
                                }
                            }
                            if r.double_clicked() && !*is_dir {
                                self.name = name.clone();
                                if !self.save {
                                    outcome = Outcome::Chosen(self.dir.join(name));
                                }
                            }
                        }
                    });
                if let Some(d) = enter {
                    self.go(d);
                }
                ui.separator();
                ui.horizontal(|ui| {
                    let l = ui.label(tr(lang, "Tên tệp", "File name"));
                    let r = ui
                        .add(egui::TextEdit::singleline(&mut self.name).desired_width(330.0))
                        .labelled_by(l.id);
                    if r.changed() {
                        self.confirm_overwrite = false;
                    }
                });
                if !self.kinds.is_empty() {
                    ui.label(
                        RichText::new(format!(
                            "{}: {}",
                            tr(lang, "Loại tệp", "Kinds"),
                            self.kinds
                                .iter()
                                .map(|k| format!(".{k}"))
                                .collect::<Vec<_>>()
                                .join(" ")
                        ))
                        .small()
                        .weak(),
                    );
                }
                let target = self.target();
                let exists = target.as_ref().is_some_and(|p| p.exists());
                if self.save && exists && self.confirm_overwrite {
                    ui.label(
                        RichText::new(tr(
                            lang,
                            "Tệp này đã có: bấm «Ghi đè» lần nữa để thay nó.",
                            "This file exists: click “Overwrite” again to replace it.",
                        ))
                        .color(egui::Color32::from_rgb(0xb0, 0x30, 0x00)),
                    );
                }
                if let Some(e) = &self.error {
                    ui.label(RichText::new(e).color(egui::Color32::from_rgb(0xc0, 0x10, 0x10)));
                }
                ui.horizontal(|ui| {
                    let ok_text = match (self.save, exists && self.confirm_overwrite) {
                        (true, true) => tr(lang, "Ghi đè", "Overwrite"),
                        (true, false) => tr(lang, "Lưu", "Save"),
                        (false, _) => tr(lang, "Mở", "Open"),
                    };
                    let can = target.as_ref().is_some_and(|p| self.save || p.is_file());
                    if ui.add_enabled(can, egui::Button::new(ok_text)).clicked()
                        && let Some(p) = target.clone()
                    {
                        if self.save && exists && !self.confirm_overwrite {
                            self.confirm_overwrite = true;
                        } else {
                            outcome = Outcome::Chosen(p);
                        }
                    }
                    if ui.button(tr(lang, "Hủy", "Cancel")).clicked() {
                        outcome = Outcome::Cancelled;
                    }
                });
            });
        if !open {
            outcome = Outcome::Cancelled;
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_folders_first_then_the_wanted_files_and_adds_the_extension_when_saving() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("Báo cáo")).unwrap();
        std::fs::write(dir.path().join("a.gpkg"), b"x").unwrap();
        std::fs::write(dir.path().join("b.txt"), b"x").unwrap();
        std::fs::write(dir.path().join(".hidden.gpkg"), b"x").unwrap();
        let mut b = FileBrowser::new(Purpose::OpenProject, false, &["gpkg"], Some(dir.path()), "");
        assert_eq!(
            b.entries,
            vec![("Báo cáo".to_string(), true), ("a.gpkg".to_string(), false)]
        );
        b.name = "a.gpkg".into();
        assert_eq!(b.target(), Some(dir.path().join("a.gpkg")));
        let mut s = FileBrowser::new(
            Purpose::ExportMap,
            true,
            &["pdf"],
            Some(&dir.path().join("a.gpkg")),
            "ban-do",
        );
        assert_eq!(s.dir, dir.path());
        assert_eq!(s.target(), Some(dir.path().join("ban-do.pdf")));
        s.go(dir.path().join("Báo cáo"));
        assert!(s.entries.is_empty() && s.error.is_none());
        // Hidden entries only when asked for.
        b.show_hidden = true;
        b.read_dir();
        assert!(b.entries.contains(&(".hidden.gpkg".to_string(), false)));
    }
}
