//! Where files are opened and saved: the desktop's dialog, else the in-app browser, starting
//! in the folder last used for that kind of file (projects, imports, exports, tables, styles —
//! remembered in the settings), and what is done with the path chosen.

use super::QnApp;
use super::filebrowser::{self, Purpose};
use crate::store::ProjectFile;
use std::path::PathBuf;

impl QnApp {
    /// Asks where to open or save (the native dialog, else the in-app browser) and acts on
    /// the answer ([`QnApp::path_chosen`]).
    pub(crate) fn choose_path(
        &mut self,
        purpose: Purpose,
        save: bool,
        kinds: &[&str],
        kind_name: &str,
        name: &str,
    ) {
        // The folder last used for this kind of file, else the project's.
        let last = self
            .settings
            .last_folders
            .get(purpose.kind())
            .filter(|d| d.is_dir())
            .cloned();
        let project_dir = self
            .file
            .as_ref()
            .and_then(|f| f.path().parent().map(|d| d.to_path_buf()));
        let folder = last.or(project_dir);
        match filebrowser::native(save, kinds, kind_name, name, folder.as_deref()) {
            filebrowser::Native::Chosen(p) => self.path_chosen(purpose, p),
            filebrowser::Native::Cancelled => {}
            filebrowser::Native::Unavailable => {
                let start = folder;
                self.dialogs.browser = Some(filebrowser::FileBrowser::new(
                    purpose,
                    save,
                    kinds,
                    start.as_deref(),
                    name,
                ));
            }
        }
    }

    pub(crate) fn path_chosen(&mut self, purpose: Purpose, p: PathBuf) {
        if let Some(dir) = p.parent().filter(|d| d.is_dir()) {
            self.settings
                .last_folders
                .insert(purpose.kind().to_string(), dir.to_path_buf());
            self.save_settings();
        }
        match purpose {
            Purpose::OpenProject => self.open(&p),
            Purpose::NewProject => match ProjectFile::create(&p, true) {
                Ok(f) => self.set_project(f),
                Err(e) => self.show_error(e.text(self.lang())),
            },
            Purpose::ImportData => {
                self.import.path = p.display().to_string();
                self.rescan_import();
            }
            Purpose::ExportMap => self.export.path = p.display().to_string(),
            Purpose::IndicatorsCsv(id) => {
                if let Some(s) = self.project.scenarios.iter().find(|s| s.id == id).cloned() {
                    self.write_indicators_csv(&s, &p);
                }
            }
            Purpose::StyleFrom(table) => self.style_from_qml(&table, &p),
            Purpose::StyleTo(table) => self.style_to_qml(&table, &p),
            Purpose::ExportSelection(layer, fids) => self.export_selection(layer, &fids, &p),
            Purpose::TableRows => self.export_table_rows(&p),
        }
    }
}
