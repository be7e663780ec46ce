//! The toolbar never wraps (issue 29): at 1280 px what does not fit goes into a "»" menu at
//! its end; a wide window shows everything on one row.

use super::*;

/// The top of the toolbar's "Chọn" button and of the widget labelled `label`.
fn tops(h: &Harness<'static, QnApp>, label: &str) -> (f32, f32) {
    (
        h.get_by_label("Chọn").rect().top(),
        h.get_by_label(label).rect().top(),
    )
}

#[test]
fn at_1280_px_the_toolbar_is_one_row_and_the_rest_is_in_its_menu() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_sized(Some(project(&dir)), None, egui::Vec2::new(1280.0, 800.0));
    let (a, b) = tops(&h, "»");
    assert!(
        (a - b).abs() < 2.0,
        "the overflow button is on the tools' row"
    );
    let (a, b) = tops(&h, "Kịch bản");
    assert!((a - b).abs() < 2.0, "Scenarios stays on the row");
    assert!(
        h.query_by_label("Trình chiếu (F11)").is_none(),
        "Present is in the menu, not on a second row"
    );
    h.get_by_label("»").click();
    h.run();
    h.get_by_label("Trình chiếu (F11)").click();
    h.run();
    assert!(h.state().is_presenting(), "the menu's entries work");
}

#[test]
fn a_wide_window_shows_every_button_and_a_narrow_one_keeps_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness_sized(Some(project(&dir)), None, egui::Vec2::new(1900.0, 900.0));
    assert!(h.query_by_label("»").is_none());
    let (a, b) = tops(&h, "Trình chiếu (F11)");
    assert!((a - b).abs() < 2.0);
    drop(h);
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_sized(Some(project(&dir)), None, egui::Vec2::new(900.0, 700.0));
    let (a, b) = tops(&h, "»");
    assert!((a - b).abs() < 2.0);
    h.get_by_label("»").click();
    h.run();
    // Undo is in the menu, still disabled with nothing to undo.
    assert!(format!("{:?}", h.get_by_label("Hoàn tác")).contains("disabled: true"));
}
