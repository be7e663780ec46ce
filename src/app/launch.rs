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
            .with_inner_size(opening_size(&settings))
            .with_maximized(settings.window.is_none_or(|w| w.maximized))
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

/// The size the window opens at: the last one left (kept within sane bounds), else 1280 × 800
/// under the maximised window of a first run.
pub fn opening_size(settings: &crate::settings::Settings) -> [f32; 2] {
    match settings.window {
        Some(w) if w.width.is_finite() && w.height.is_finite() => {
            [w.width.clamp(640.0, 8192.0), w.height.clamp(400.0, 8192.0)]
        }
        _ => [1280.0, 800.0],
    }
}

/// Follows the window's size and state and says when to remember them: once they have held
/// for a second (not at every frame of a resize).
#[derive(Debug, Default)]
pub(crate) struct WindowMemory {
    pending: Option<(crate::settings::WindowPlacement, std::time::Instant)>,
}

impl WindowMemory {
    /// Reads the window from `ctx`; the placement to remember, when it is time.
    pub fn observe(
        &mut self,
        ctx: &egui::Context,
        saved: Option<crate::settings::WindowPlacement>,
    ) -> Option<crate::settings::WindowPlacement> {
        let (rect, maximized) = ctx.input(|i| (i.viewport().inner_rect, i.viewport().maximized));
        let size = rect.map(|r| [r.width(), r.height()]);
        self.observe_info(size, maximized, saved, std::time::Instant::now())
    }

    /// [`Self::observe`] on what the window reports (`None`: not known on this platform).
    pub fn observe_info(
        &mut self,
        size: Option<[f32; 2]>,
        maximized: Option<bool>,
        saved: Option<crate::settings::WindowPlacement>,
        now: std::time::Instant,
    ) -> Option<crate::settings::WindowPlacement> {
        let (size, maximized) = (size?, maximized.unwrap_or(false));
        let mut p = saved.unwrap_or_default();
        p.maximized = maximized;
        if !maximized {
            // A maximised window keeps the size it had before.
            p.width = size[0].round();
            p.height = size[1].round();
        }
        if saved == Some(p) {
            self.pending = None;
            return None;
        }
        match self.pending {
            Some((q, since)) if q == p => {
                if now.duration_since(since) >= std::time::Duration::from_secs(1) {
                    self.pending = None;
                    return Some(p);
                }
            }
            _ => self.pending = Some((p, now)),
        }
        None
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;
    use crate::settings::{Settings, WindowPlacement};
    use std::time::{Duration, Instant};

    #[test]
    fn the_window_opens_maximised_first_then_as_it_was_left() {
        let mut s = Settings::default();
        assert_eq!(opening_size(&s), [1280.0, 800.0]);
        s.window = Some(WindowPlacement {
            width: 1500.0,
            height: 900.0,
            maximized: false,
        });
        assert_eq!(opening_size(&s), [1500.0, 900.0]);
        s.window = Some(WindowPlacement {
            width: f32::NAN,
            height: 10.0,
            maximized: false,
        });
        assert_eq!(opening_size(&s), [1280.0, 800.0]);
        s.window = Some(WindowPlacement {
            width: 100.0,
            height: 90_000.0,
            maximized: true,
        });
        assert_eq!(opening_size(&s), [640.0, 8192.0]);
    }

    #[test]
    fn a_size_is_remembered_once_it_holds_for_a_second() {
        let mut m = WindowMemory::default();
        let t0 = Instant::now();
        let saved = Some(WindowPlacement {
            width: 1280.0,
            height: 800.0,
            maximized: false,
        });
        // Unchanged: nothing to write.
        assert_eq!(
            m.observe_info(Some([1280.0, 800.0]), Some(false), saved, t0),
            None
        );
        // A resize in progress: not yet.
        assert_eq!(
            m.observe_info(Some([1300.0, 800.0]), Some(false), saved, t0),
            None
        );
        let t1 = t0 + Duration::from_millis(300);
        assert_eq!(
            m.observe_info(Some([1400.0, 820.0]), Some(false), saved, t1),
            None
        );
        let t2 = t1 + Duration::from_millis(1100);
        let p = m.observe_info(Some([1400.0, 820.0]), Some(false), saved, t2);
        assert_eq!(
            p,
            Some(WindowPlacement {
                width: 1400.0,
                height: 820.0,
                maximized: false
            })
        );
        // Maximised: the flag is kept, the size before it too.
        let t3 = t2 + Duration::from_secs(5);
        assert_eq!(
            m.observe_info(Some([1920.0, 1050.0]), Some(true), p, t3),
            None
        );
        let q = m.observe_info(
            Some([1920.0, 1050.0]),
            Some(true),
            p,
            t3 + Duration::from_secs(2),
        );
        assert_eq!(
            q,
            Some(WindowPlacement {
                width: 1400.0,
                height: 820.0,
                maximized: true
            })
        );
        // A platform that does not tell the size: nothing.
        assert_eq!(m.observe_info(None, None, q, t3), None);
    }
}
