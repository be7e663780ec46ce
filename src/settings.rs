//! User settings remembered between runs (last project, language), kept as a small JSON file
//! in the platform's config folder. The folder can be overridden with `QN_PLANNER_HOME`
//! (tests and portable installs).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub use crate::lang::Language;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Settings {
    pub last_project: Option<PathBuf>,
    #[serde(default)]
    pub language: Language,
    /// Who drafts here: recorded with every drawn or moved geometry ("moved by AUTHOR on
    /// DATE"). Empty: the operating system's user name is used.
    #[serde(default)]
    pub author: String,
    /// The window as it was last left: its size and whether it was maximised. `None` (the
    /// first run): the window opens maximised.
    #[serde(default)]
    pub window: Option<WindowPlacement>,
    /// The quick guide was closed once: it is not shown at start again.
    #[serde(default)]
    pub guide_seen: bool,
    /// The name was asked for once (at the first edit); not asked again.
    #[serde(default)]
    pub author_asked: bool,
    /// The folder last used for each kind of file ("project", "import", "export", "table",
    /// "style"): the file choosers start there.
    #[serde(default)]
    pub last_folders: std::collections::BTreeMap<String, PathBuf>,
    /// The attribute table's column widths (points) per layer table, as last left.
    #[serde(default)]
    pub table_widths: std::collections::BTreeMap<String, Vec<f32>>,
}

/// The size (points) of the window when not maximised, and whether it was maximised.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct WindowPlacement {
    pub width: f32,
    pub height: f32,
    pub maximized: bool,
}

impl Settings {
    /// The name drafting edits record: the one set in the settings, else the login name.
    pub fn author_name(&self) -> String {
        let set = self.author.trim();
        if !set.is_empty() {
            return set.to_string();
        }
        ["USER", "USERNAME", "LOGNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
            .unwrap_or_default()
    }
}

/// The name of the marker file that makes a copy portable: with a file of this name beside
/// the program, settings, the default project and backups live in [`PORTABLE_DIR`] beside it
/// (run from a USB stick, nothing written to the user's profile).
pub const PORTABLE_MARKER: &str = "portable";

/// The folder beside a portable program that holds its settings and projects.
pub const PORTABLE_DIR: &str = "qn-planner-data";

/// The data folder of a portable copy: [`PORTABLE_DIR`] beside the running program when a
/// [`PORTABLE_MARKER`] file is there.
fn portable_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    dir.join(PORTABLE_MARKER)
        .is_file()
        .then(|| dir.join(PORTABLE_DIR))
}

/// The folder for the default project and its backups: `QN_PLANNER_HOME` when set (tests),
/// else beside a portable program, else the platform's: `~/.local/share/qn-planner` on Linux,
/// `%LOCALAPPDATA%\QuangNinh\qn-planner\data` on Windows (projects and backups are large and
/// belong to this computer, not to a roaming profile).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(h) = std::env::var_os("QN_PLANNER_HOME") {
        return Some(PathBuf::from(h));
    }
    if let Some(d) = portable_dir() {
        return Some(d);
    }
    directories::ProjectDirs::from("vn", "QuangNinh", "qn-planner")
        .map(|d| d.data_local_dir().to_path_buf())
}

/// The folder for `settings.json`: the data folder, except on Windows, where settings roam
/// with the user (`%APPDATA%\QuangNinh\qn-planner\config`).
pub fn settings_dir() -> Option<PathBuf> {
    if std::env::var_os("QN_PLANNER_HOME").is_some() || portable_dir().is_some() {
        return data_dir();
    }
    if cfg!(windows) {
        directories::ProjectDirs::from("vn", "QuangNinh", "qn-planner")
            .map(|d| d.config_dir().to_path_buf())
    } else {
        data_dir()
    }
}

/// The user's home folder (`C:\Users\NAME` on Windows), for the file browser.
pub fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf())
}

/// Where a first run creates its project.
pub fn default_project_path() -> Option<PathBuf> {
    data_dir().map(|d| d.join("quang-ninh.gpkg"))
}

fn settings_path(dir: &Path) -> PathBuf {
    dir.join("settings.json")
}

impl Settings {
    /// Loads the settings; a missing or unreadable file gives the defaults.
    pub fn load() -> Settings {
        settings_dir()
            .and_then(|d| crate::fsutil::read_input(&settings_path(&d)).ok())
            .and_then(|t| serde_json::from_slice(&t).ok())
            .unwrap_or_default()
    }

    /// Saves the settings, whole or not at all.
    pub fn save(&self) -> Result<(), String> {
        let dir = settings_dir().ok_or("no settings folder on this system")?;
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = settings_path(&dir);
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        crate::fsutil::write_atomic(&path, text.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}
