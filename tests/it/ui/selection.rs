//! Select many, act on many (issue 29): Ctrl/Shift-click and a Ctrl-dragged rectangle on the
//! map, select by value, the selection's count and area, a field changed for all in one undo
//! step (one change-log operation per record), delete all, export the selection, Ctrl+C.

use super::*;
use egui::{Event, Modifiers, PointerButton, Pos2};
use std::collections::BTreeSet;

/// A click at `pos` with `m` held.
fn click_with(h: &mut Harness<'static, QnApp>, pos: Pos2, m: Modifiers) {
    h.hover_at(pos);
    h.run();
    h.event(Event::ModifiersChanged(m));
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: m,
        });
    }
    h.event(Event::ModifiersChanged(Modifiers::default()));
    h.run();
}

/// A click on site `k` where it is now (the form opening beside the map narrows it).
fn click_site(h: &mut Harness<'static, QnApp>, k: (Layer, i64), m: Modifiers) {
    let p = h.state().screen_pos_of(k.0, k.1).unwrap();
    if m == Modifiers::NONE {
        click(h, p);
    } else {
        click_with(h, p, m);
    }
}

/// A drag from `a` to `b` with `m` held.
fn drag_with(h: &mut Harness<'static, QnApp>, a: Pos2, b: Pos2, m: Modifiers) {
    h.hover_at(a);
    h.run();
    h.event(Event::ModifiersChanged(m));
    h.event(Event::PointerButton {
        pos: a,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: m,
    });
    h.event(Event::PointerMoved(a + (b - a) * 0.5));
    h.event(Event::PointerMoved(b));
    h.event(Event::PointerButton {
        pos: b,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: m,
    });
    h.event(Event::ModifiersChanged(Modifiers::default()));
    h.run();
}

fn site(h: &Harness<'static, QnApp>, name: &str) -> (Layer, i64) {
    h.state().find_site(name).expect("site exists")
}

/// Selects every site of the 2006 district `district` through "Select by value".
fn select_district(h: &mut Harness<'static, QnApp>, district: &str) -> BTreeSet<(Layer, i64)> {
    h.get_by_label("Chọn theo giá trị…").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Giá trị").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Giá trị")
        .type_text(district);
    h.run();
    h.get_by_label("Chọn các đối tượng khớp").click();
    h.run();
    let want: BTreeSet<(Layer, i64)> = h
        .state()
        .project()
        .sites
        .iter()
        .filter(|s| s.district_2006.to_lowercase() == district.to_lowercase())
        .map(|s| (s.layer, s.fid))
        .collect();
    h.get_by_label(&format!("{} đối tượng khớp", want.len()));
    assert_eq!(h.state().selection(), &want);
    h.key_press(egui::Key::Escape);
    h.run();
    want
}

#[test]
fn ctrl_and_shift_clicks_add_and_take_away_and_a_ctrl_rectangle_selects_what_it_touches() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    // Two sites well inside the map, even with the form open beside it.
    let first = site(&h, "Cái Lân");
    click_site(&mut h, first, Modifiers::NONE);
    let inner = h.state().map_rect().shrink(30.0);
    let on_map: Vec<((Layer, i64), Pos2)> = h
        .state()
        .drawn_features()
        .iter()
        .filter_map(|&(l, f)| Some(((l, f), h.state().screen_pos_of(l, f)?)))
        .filter(|(_, p)| inner.contains(*p))
        .collect();
    let (a, pa0) = on_map[0];
    let b = on_map
        .iter()
        .find(|(_, p)| p.distance(pa0) > 40.0)
        .map(|(k, _)| *k)
        .expect("two sites apart on the map");
    click_site(&mut h, a, Modifiers::NONE);
    assert_eq!(h.state().selected(), Some(a));
    assert_eq!(h.state().selection(), &BTreeSet::from([a]));
    // Ctrl adds; the box counts them.
    click_site(&mut h, b, Modifiers::COMMAND);
    assert_eq!(h.state().selection(), &BTreeSet::from([a, b]));
    h.get_by_label_contains("2 đối tượng · ");
    // Ctrl again takes one away; Shift only adds.
    click_site(&mut h, a, Modifiers::COMMAND);
    assert_eq!(h.state().selection(), &BTreeSet::from([b]));
    click_site(&mut h, a, Modifiers::SHIFT);
    click_site(&mut h, a, Modifiers::SHIFT);
    assert_eq!(h.state().selection(), &BTreeSet::from([a, b]));
    // A plain click on a site starts again; Escape empties.
    click_site(&mut h, b, Modifiers::NONE);
    assert_eq!(h.state().selection(), &BTreeSet::from([b]));
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.state().selection().is_empty());
    // A rectangle dragged with Ctrl selects every drawn site whose symbol is inside it (the
    // seed's sites are points).
    let c = a;
    let pc = h.state().screen_pos_of(c.0, c.1).unwrap();
    let (r0, r1) = (pc - egui::vec2(60.0, 40.0), pc + egui::vec2(60.0, 40.0));
    let inside = egui::Rect::from_two_pos(r0, r1);
    let want: BTreeSet<(Layer, i64)> = h
        .state()
        .drawn_features()
        .iter()
        .filter(|(l, f)| {
            h.state()
                .screen_pos_of(*l, *f)
                .is_some_and(|p| inside.contains(p))
        })
        .copied()
        .collect();
    assert!(want.len() >= 2, "{want:?}");
    drag_with(&mut h, r0, r1, Modifiers::COMMAND);
    assert_eq!(h.state().selection(), &want);
    // Ctrl+Shift adds another rectangle's sites to them.
    let pa = h.state().screen_pos_of(a.0, a.1).unwrap();
    let (s0, s1) = (pa - egui::vec2(8.0, 8.0), pa + egui::vec2(8.0, 8.0));
    drag_with(&mut h, s0, s1, Modifiers::COMMAND | Modifiers::SHIFT);
    let mut more = want.clone();
    more.insert(a);
    assert_eq!(h.state().selection(), &more);
    // The map did not move while the rectangles were dragged (nothing opened beside it:
    // many sites are selected, so no form).
    assert_eq!(h.state().screen_pos_of(c.0, c.1), Some(pc));
}

#[test]
fn a_field_changed_for_all_is_one_undo_step_and_one_logged_change_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    let mut h = harness_with(Some(project(&dir)), None);
    let chosen = select_district(&mut h, "hạ long");
    assert!(
        chosen.len() >= 4,
        "zones and clusters of Hạ Long: {chosen:?}"
    );
    let set_for = format!("Đặt cho {} đối tượng", chosen.len());
    let keys: Vec<String> = chosen
        .iter()
        .map(|(l, f)| h.state().project().site(*l, *f).unwrap().key.clone())
        .collect();
    let ops = |k: &str| {
        ProjectFile::open_read_only(&path)
            .unwrap()
            .operations(Some(k), 0, 100)
            .unwrap()
            .len()
    };
    let before: Vec<usize> = keys.iter().map(|k| ops(k)).collect();
    let steps = h.state().history().undo_len();
    h.get_by_label("Sửa trường…").click();
    h.run();
    h.get_by_label("Trường cần sửa").click();
    h.run();
    h.get_by_label("ghi chú").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Giá trị mới")
        .click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Giá trị mới")
        .type_text("Rà soát tháng 12/2026");
    h.run();
    h.get_by_label(&set_for).click();
    h.run();
    assert_eq!(h.state().error_message(), None);
    let on_disk = ProjectFile::open_read_only(&path)
        .unwrap()
        .read_project()
        .unwrap();
    for (l, f) in &chosen {
        assert_eq!(
            h.state().project().site(*l, *f).unwrap().notes,
            "Rà soát tháng 12/2026"
        );
        assert_eq!(on_disk.site(*l, *f).unwrap().notes, "Rà soát tháng 12/2026");
    }
    assert_eq!(h.state().history().undo_len(), steps + 1, "one undo step");
    for (k, n) in keys.iter().zip(&before) {
        assert_eq!(ops(k), n + 1, "one logged change for {k}");
    }
    // A value a field refuses changes nothing and names the site.
    h.get_by_label("Sửa trường…").click();
    h.run();
    h.get_by_label("Trường cần sửa").click();
    h.run();
    h.get_by_label("lao động").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Giá trị mới")
        .click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Giá trị mới")
        .type_text("-5");
    h.run();
    h.get_by_label(&set_for).click();
    h.run();
    h.get_by_label_contains("Cái Lân: ");
    assert_eq!(h.state().history().undo_len(), steps + 1);
    h.get_by_label("Hủy").click();
    h.run();
    // One Ctrl+Z takes the four back.
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.run();
    let on_disk = ProjectFile::open_read_only(&path)
        .unwrap()
        .read_project()
        .unwrap();
    for (l, f) in &chosen {
        assert_ne!(on_disk.site(*l, *f).unwrap().notes, "Rà soát tháng 12/2026");
    }
}

#[test]
fn deleting_the_selection_asks_once_and_one_undo_brings_all_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    let mut h = harness_with(Some(project(&dir)), None);
    let chosen = select_district(&mut h, "Móng Cái");
    assert_eq!(chosen.len(), 3);
    let count = |p: &std::path::Path| {
        ProjectFile::open_read_only(p)
            .unwrap()
            .read_project()
            .unwrap()
            .sites
            .len()
    };
    let before = count(&path);
    h.get_by_label("Xóa…").click();
    h.run();
    assert_eq!(h.state().open_dialog(), Some("confirm_delete_selection"));
    h.get_by_label_contains("Xóa 3 đối tượng?");
    h.get_by_label("Xóa").click();
    h.run();
    assert_eq!(count(&path), before - 3);
    assert!(
        h.state().selection().is_empty(),
        "the deleted sites leave the selection"
    );
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(count(&path), before);
    for (l, f) in &chosen {
        assert!(h.state().project().site(*l, *f).is_some());
    }
    // The Delete key asks the same question for a selection of many; Escape says no.
    select_district(&mut h, "Móng Cái");
    let c = site(&h, "Hải Yên");
    let pc = h.state().screen_pos_of(c.0, c.1).unwrap();
    h.hover_at(pc);
    h.run();
    h.key_press(egui::Key::Delete);
    h.run();
    assert_eq!(h.state().open_dialog(), Some("confirm_delete_selection"));
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state().open_dialog(), None);
    assert_eq!(count(&path), before);
}

#[test]
fn ctrl_c_copies_the_selection_for_a_spreadsheet_and_a_layer_s_selection_exports() {
    // SAFETY: set before any thread of this test reads it; no test uses a native dialog.
    unsafe { std::env::set_var("QN_PLANNER_NO_NATIVE_DIALOG", "1") };
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    let chosen = select_district(&mut h, "hạ long");
    h.event(egui::Event::Copy);
    h.step();
    let copied = h
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .expect("Ctrl+C copied text");
    let lines: Vec<&str> = copied.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), chosen.len() + 1, "{copied}");
    assert!(lines[0].starts_with("fid\tlayer\tname\t"));
    assert!(copied.contains("\tCái Lân\t") && copied.contains("\tHà Khánh\t"));
    h.run();
    h.get_by_label_contains(&format!("Đã chép {} dòng", chosen.len()));
    // Export: one layer's selected sites, through the file chooser, as GeoJSON.
    h.get_by_label("Xuất…").click();
    h.run();
    h.get_by_label("Khu công nghiệp (2)").click();
    h.run();
    assert_eq!(h.state().open_dialog(), Some("file_browser"));
    h.get_by_role_and_label(Role::TextInput, "Tên tệp").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(Role::TextInput, "Tên tệp")
        .type_text("kcn-ha-long.geojson");
    h.run();
    h.get_by_label("Lưu").click();
    h.run();
    let out = dir.path().join("kcn-ha-long.geojson");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).unwrap();
    let names: BTreeSet<String> = json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["Cái Lân".to_string(), "Việt Hưng".to_string()])
    );
    h.get_by_label_contains("Đã ghi 2 đối tượng vào ");
}
