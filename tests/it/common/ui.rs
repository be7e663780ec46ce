//! The real window in egui_kittest, for the tests that drive it.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use qn_planner::app::{QnApp, Startup};
use qn_planner::settings::Settings;
use qn_planner::store::ProjectFile;

/// The window on `file`, `size` points large.
pub fn harness_sized(file: Option<ProjectFile>, size: egui::Vec2) -> Harness<'static, QnApp> {
    harness_full(file, None, Settings::default(), size)
}

/// The window on `file` (or on none, with the error that kept it from opening), with
/// `settings`, `size` points large — past its first run: the quick guide was closed and the
/// author's name asked for once (`harness_first_run` keeps them as given).
pub fn harness_full(
    file: Option<ProjectFile>,
    error: Option<String>,
    settings: Settings,
    size: egui::Vec2,
) -> Harness<'static, QnApp> {
    let settings = Settings {
        guide_seen: true,
        author_asked: true,
        ..settings
    };
    harness_first_run(file, error, settings, size)
}

/// [`harness_full`] with `settings` exactly as given (a first run when they are the defaults).
pub fn harness_first_run(
    file: Option<ProjectFile>,
    error: Option<String>,
    settings: Settings,
    size: egui::Vec2,
) -> Harness<'static, QnApp> {
    let mut h = Harness::builder()
        .with_size(size)
        // The checks run on worker threads and ask for a repaint when their results arrive: a
        // loaded machine may need a few more frames to settle.
        .with_max_steps(16)
        .build_eframe(move |cc| {
            QnApp::new(
                &cc.egui_ctx,
                Startup {
                    file,
                    error,
                    settings,
                    persist_settings: false,
                    started: None,
                },
            )
            .expect("app builds")
        });
    h.run();
    h
}

/// Runs frames until a label containing `what` shows, or fails.
pub fn wait_for(h: &mut Harness<QnApp>, what: &str) {
    for _ in 0..100 {
        h.run_steps(3);
        if h.query_by_label_contains(what).is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    panic!("{what} never appeared");
}

/// A click of the primary button at `pos`, the pointer moved there first.
pub fn click(h: &mut Harness<'static, QnApp>, pos: egui::Pos2) {
    h.hover_at(pos);
    h.run();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Default::default(),
        });
    }
    h.run();
}
