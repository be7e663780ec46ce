//! User settings remembered between runs (last project, language), kept as a small JSON file
//! in the platform's config folder. The folder can be overridden with `QN_PLANNER_HOME`
//! (tests and portable installs).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Language {
    #[default]
    Vi,
    En,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Settings {
    pub last_project: Option<PathBuf>,
    #[serde(default)]
    pub language: Language,
    /// Who drafts here: recorded with every drawn or moved geometry ("moved by AUTHOR on
    /// DATE"). Empty: the operating system's user name is used.
    #[serde(default)]
    pub author: String,
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

/// The folder for settings and the default project.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(h) = std::env::var_os("QN_PLANNER_HOME") {
        return Some(PathBuf::from(h));
    }
    directories::ProjectDirs::from("vn", "QuangNinh", "qn-planner")
        .map(|d| d.data_dir().to_path_buf())
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
        data_dir()
            .and_then(|d| crate::fsutil::read_input(&settings_path(&d)).ok())
            .and_then(|t| serde_json::from_slice(&t).ok())
            .unwrap_or_default()
    }

    /// Saves the settings, whole or not at all.
    pub fn save(&self) -> Result<(), String> {
        let dir = data_dir().ok_or("no data folder on this system")?;
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = settings_path(&dir);
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        crate::fsutil::write_atomic(&path, text.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}
