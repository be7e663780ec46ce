//! Starting the window: the project to open (the one given, else the last one, else the
//! built-in one, created on first run), the native window, and on Windows the console the
//! Start menu gave the program closed.

use crate::app::{QnApp, Startup};
use crate::settings::{self, Settings};
use crate::store::ProjectFile;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn backup_dir() -> Option<PathBuf> {
    settings::data_dir().map(|d| d.join("backups"))
}

/// Opens `path` for editing; a notice (opened read-only elsewhere) goes with it. Messages are
/// in `lang`: the window shows them.
fn open_session(
    path: &Path,
    lang: crate::lang::Language,
) -> Result<(ProjectFile, Option<String>), String> {
    ProjectFile::open_session(path, backup_dir())
        .map(|o| {
            let notice = o.notice_text(lang);
            (o.file, notice)
        })
        .map_err(|e| e.text(lang))
}

/// Finds the project to open when none is given: the last one, else the default one
/// (created from the built-in data on first run).
fn default_project(settings: &Settings) -> (Option<ProjectFile>, Option<String>) {
    let mut error = None;
    if let Some(last) = &settings.last_project
        && last.exists()
    {
        match open_session(last, settings.language) {
            Ok((f, notice)) => return (Some(f), notice),
            Err(e) => error = Some(e),
        }
    }
    let vi = settings.language == crate::lang::Language::Vi;
    let Some(path) = settings::default_project_path() else {
        return (
            None,
            Some(if vi {
                "hệ thống này không có thư mục dữ liệu cho dự án mặc định".into()
            } else {
                "no data folder on this system for the default project".into()
            }),
        );
    };
    if !path.exists() {
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            return (None, Some(format!("{}: {e}", dir.display())));
        }
        if let Err(e) = ProjectFile::create(&path, false) {
            return (None, Some(e.text(settings.language)));
        }
    }
    match open_session(&path, settings.language) {
        Ok((f, notice)) => (Some(f), notice.or(error)),
        Err(e) => (None, Some(e)),
    }
}

pub fn run_window(file: Option<PathBuf>, started: Instant) -> Result<(), String> {
    let settings = Settings::load();
    let (project, error) = match file {
        Some(p) => match open_session(&p, settings.language) {
            Ok((f, notice)) => (Some(f), notice),
            Err(e) => (None, Some(e)),
        },
        None => default_project(&settings),
    };
    if let Some(e) = &error {
        eprintln!("qn-planner: {e}");
    }
    #[cfg(windows)]
    hide_own_console();
    let mut viewport = egui::ViewportBuilder::default();
    if let Some(icon) = window_icon() {
        viewport = viewport.with_icon(std::sync::Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        viewport: viewport
            .with_title("qn-planner")
            .with_app_id("qn-planner")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0]),
        ..Default::default()
    };
    eframe::run_native(
        "qn-planner",
        options,
        Box::new(move |cc| {
            let app = QnApp::new(
                &cc.egui_ctx,
                Startup {
                    file: project,
                    error,
                    settings,
                    persist_settings: true,
                    started: Some(started),
                },
            )?;
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| format!("cannot open the window: {e}"))
}

/// Windows: qn-planner.exe is a console program, so that its commands print in cmd and
/// PowerShell; started from the Start menu or Explorer it is given a console window of its
/// own, which the map window then closes. A console shared with the shell that started it is
/// left alone (messages still reach it).
#[cfg(windows)]
fn hide_own_console() {
    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
        fn FreeConsole() -> i32;
    }
    let mut ids = [0u32; 2];
    // SAFETY: `ids` holds the 2 process ids the call is told it may write.
    let attached = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), 2) };
    if attached == 1 {
        // SAFETY: detaching from a console has no precondition.
        unsafe {
            FreeConsole();
        }
    }
}

/// The window's icon (title bar, taskbar, Alt-Tab), drawn from `assets/icon.svg`, the same
/// drawing as the Windows program's icon.
pub fn window_icon() -> Option<egui::IconData> {
    const SIZE: u32 = 64;
    let tree = usvg::Tree::from_str(
        include_str!("../../assets/icon.svg"),
        &usvg::Options::default(),
    )
    .ok()?;
    let mut pixmap = tiny_skia::Pixmap::new(SIZE, SIZE)?;
    let scale = SIZE as f32 / tree.size().width().max(tree.size().height());
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let rgba = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    Some(egui::IconData {
        rgba,
        width: SIZE,
        height: SIZE,
    })
}
