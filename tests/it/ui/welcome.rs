//! The first run (issue 29): the quick guide, shown once and in the window's language; the
//! author's name asked once at the first edit, and set in a dialog from View.

use super::*;
use qn_planner::settings::Language;

fn first_run(settings: Settings) -> Harness<'static, QnApp> {
    let dir = tempfile::tempdir().unwrap();
    let file = project(&dir);
    // The file stays open in the window; the folder may go.
    std::mem::forget(dir);
    common::ui::harness_first_run(Some(file), None, settings, egui::vec2(1280.0, 800.0))
}

#[test]
fn the_quick_guide_shows_on_a_first_run_and_never_again_once_closed() {
    let mut h = first_run(Settings::default());
    h.get_by_label("Hướng dẫn nhanh");
    for step in [
        "1. Bấm vào một địa điểm",
        "2. Vẽ ranh giới",
        "3. Mở một kịch bản",
        "4. Xuất bản đồ",
        "5. Nhập một tệp của cơ quan",
    ] {
        h.get_by_label(step);
    }
    h.get_by_label("Đã hiểu, đóng").click();
    h.run();
    assert!(h.query_by_label("1. Bấm vào một địa điểm").is_none());
    assert!(h.state().settings().guide_seen, "remembered");
    // Help → Quick guide opens it again.
    h.get_by_label("Trợ giúp").click();
    h.run();
    h.get_by_label("Hướng dẫn nhanh").click();
    h.run();
    h.get_by_label("1. Bấm vào một địa điểm");
    // Escape closes it too.
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.query_by_label("1. Bấm vào một địa điểm").is_none());
    // Remembered: a later start does not show it; in English it speaks English.
    let h = first_run(Settings {
        guide_seen: true,
        ..Settings::default()
    });
    assert!(h.query_by_label("1. Bấm vào một địa điểm").is_none());
    let h = first_run(Settings {
        language: Language::En,
        ..Settings::default()
    });
    h.get_by_label("Quick guide");
    h.get_by_label("1. Click a site");
    h.get_by_label("5. Import an office file");
}

#[test]
fn the_author_is_asked_once_at_the_first_edit_and_set_from_view() {
    let mut h = first_run(Settings {
        guide_seen: true,
        ..Settings::default()
    });
    assert!(
        h.query_by_label("Tên người lập").is_none(),
        "not before an edit"
    );
    // The first edit: a site's name changed in the form.
    h.get_by_role(Role::TextInput).click();
    h.run();
    h.get_by_role(Role::TextInput).type_text("hai hoa");
    h.run();
    h.get_by_label("Hải Hòa · Cụm công nghiệp · Móng Cái")
        .click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Tên").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(Role::TextInput, "Tên")
        .type_text("Hải Hòa B");
    h.run();
    // Tab ends the edit and moves on to the next field: the name is asked only once no field
    // is being typed in (never taking the keyboard mid-entry).
    h.key_press(egui::Key::Tab);
    h.run();
    h.run();
    let (l, f) = h.state().selected().unwrap();
    assert_eq!(h.state().project().site(l, f).unwrap().name, "Hải Hòa B");
    assert!(
        h.query_by_label("Tên người lập").is_none(),
        "not while typing"
    );
    h.key_press(egui::Key::Escape);
    h.run();
    h.run();
    h.get_by_label("Tên người lập");
    h.run();
    // The dialog's field has the keyboard: what is typed next is the name.
    assert!(
        h.get_by_role_and_label(Role::TextInput, "Người lập")
            .is_focused()
    );
    h.get_by_role_and_label(Role::TextInput, "Người lập")
        .type_text("Nguyễn Thị Lan");
    h.run();
    h.get_by_label("Lưu").click();
    h.run();
    h.run();
    assert_eq!(h.state().settings().author, "Nguyễn Thị Lan");
    assert!(h.state().settings().author_asked);
    assert!(h.query_by_label("Tên người lập").is_none());
    // View shows the name and changes it in the same dialog, which keeps focus while typing.
    h.get_by_label("Xem").click();
    h.run();
    h.get_by_label("Người lập: Nguyễn Thị Lan…").click();
    h.run();
    let field = h.get_by_role_and_label(Role::TextInput, "Người lập");
    assert!(field.is_focused());
    h.key_press(egui::Key::End);
    h.key_press(egui::Key::Backspace);
    h.key_press(egui::Key::Backspace);
    h.key_press(egui::Key::Backspace);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Người lập")
        .type_text("Hoa");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.run();
    assert_eq!(h.state().settings().author, "Nguyễn Thị Hoa");
}
