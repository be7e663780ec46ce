//! Sites in today's units (issue 29): the form shows each site's 2006 district and commune and
//! its 2025 unit with where it comes from; a derived unit follows the commune, a unit chosen
//! by hand stays, and can be derived again; the table has the columns.

use super::*;

fn commune_field(h: &mut Harness<'static, QnApp>, text: &str) {
    h.get_by_role_and_label(Role::TextInput, "Xã, phường (2006)")
        .click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.get_by_role_and_label(Role::TextInput, "Xã, phường (2006)")
        .type_text(text);
    h.run();
    h.key_press(egui::Key::Tab);
    h.run();
}

#[test]
fn a_site_shows_its_2025_unit_derived_from_its_2006_commune_or_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    let mut h = harness_with(Some(project(&dir)), None);
    let (l, f) = h.state().find_site("Lê Lợi").unwrap();
    h.state_mut().select(Some((l, f)));
    h.run();
    let site = |h: &Harness<'static, QnApp>| h.state().project().site(l, f).unwrap().clone();
    assert_eq!(site(&h).unit_2025, "Phường Hoành Bồ");
    assert_eq!(
        h.get_by_role_and_label(Role::TextInput, "Xã, phường (2006)")
            .value()
            .as_deref(),
        Some("Lê Lợi")
    );
    h.get_by_label_contains("Suy ra từ xã/phường năm 2006 «Lê Lợi» (Hoành Bồ)");
    h.get_by_label_contains("đơn vị là tên và mã");
    // A derived unit follows the commune typed.
    commune_field(&mut h, "Thống Nhất");
    assert_eq!(site(&h).commune_2006, "Thống Nhất");
    assert_eq!(site(&h).unit_2025, "Xã Thống Nhất");
    let on_disk = ProjectFile::open_read_only(&path)
        .unwrap()
        .read_project()
        .unwrap();
    assert_eq!(on_disk.site(l, f).unwrap().unit_2025, "Xã Thống Nhất");
    // Chosen by hand: it says so, and the commune no longer moves it.
    h.get_by_label("Đơn vị từ 1/7/2025").click();
    h.run();
    h.get_by_label("Phường Hà Lầm").click();
    h.run();
    assert_eq!(site(&h).unit_2025, "Phường Hà Lầm");
    assert!(
        site(&h)
            .unit_2025_source
            .starts_with("Người lập chọn tay ngày ")
    );
    commune_field(&mut h, "Lê Lợi");
    assert_eq!(site(&h).unit_2025, "Phường Hà Lầm");
    // Derived again on request.
    h.get_by_label("Suy ra từ xã 2006: Phường Hoành Bồ").click();
    h.run();
    assert_eq!(site(&h).unit_2025, "Phường Hoành Bồ");
    assert!(site(&h).unit_2025_source.starts_with("Suy ra"));
    // Undo goes back a step at a time through the same path.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(site(&h).unit_2025, "Phường Hà Lầm");
}
