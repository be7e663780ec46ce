//! Kittests of the window's trust in daily use: a failed open keeps the project, Esc only
//! cancels, refused entries stay with their reason, one language at a time.

use crate::common;
use crate::common::ui::click;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use qn_planner::app::QnApp;
use qn_planner::model::Layer;
use qn_planner::settings::Settings;
use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};

mod language;

/// A tall window, so that the whole form of a site is on screen.
fn harness(file: Option<ProjectFile>) -> Harness<'static, QnApp> {
    harness_with(file, Settings::default())
}

fn harness_with(file: Option<ProjectFile>, settings: Settings) -> Harness<'static, QnApp> {
    harness_sized(file, settings, egui::vec2(1280.0, 1600.0))
}

fn harness_sized(
    file: Option<ProjectFile>,
    settings: Settings,
    size: egui::Vec2,
) -> Harness<'static, QnApp> {
    common::ui::harness_full(file, None, settings, size)
}

/// A seeded project opened for an editing session, as the window opens it.
fn session(dir: &tempfile::TempDir, name: &str) -> (PathBuf, ProjectFile) {
    let path = dir.path().join(name);
    drop(ProjectFile::create(&path, false).expect("project created"));
    let file = ProjectFile::open_session(&path, None)
        .expect("session opens")
        .file;
    (path, file)
}

/// The text field showing `value` (fields without a caption of their own are found so).
fn field_with<'a>(h: &'a Harness<'static, QnApp>, value: &str) -> egui_kittest::Node<'a> {
    use egui_kittest::kittest::NodeT;
    h.query_all(egui_kittest::kittest::by().role(Role::TextInput))
        .find(|n| n.accesskit_node().value().as_deref() == Some(value))
        .unwrap_or_else(|| panic!("a field showing {value:?}"))
}

/// Replaces the text of the field showing `value` by `text`, then leaves the field.
fn retype(h: &mut Harness<'static, QnApp>, value: &str, text: &str) {
    field_with(h, value).scroll_to_me();
    h.run();
    field_with(h, value).click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    field_with(h, value).type_text(text);
    h.run();
    h.key_press(egui::Key::Tab);
    h.run();
    h.run();
}

/// File → Open by path…, type `path`, Open.
fn open_by_path(h: &mut Harness<'static, QnApp>, path: &Path) {
    h.get_by_label("Tệp").click();
    h.run();
    h.get_by_label("Mở theo đường dẫn…").click();
    h.run();
    let label = "Đường dẫn tệp .gpkg:";
    h.get_by_role_and_label(Role::TextInput, label).click();
    h.run();
    // Clear what the last try left, then type the path.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(&path.display().to_string());
    h.run();
    h.get_by_label("Mở").click();
    h.run();
}

/// Selects the site named `name` through the search box.
fn select(h: &mut Harness<'static, QnApp>, name: &str) -> (Layer, i64) {
    let (layer, fid) = h.state().find_site(name).expect("site exists");
    h.state_mut().select(Some((layer, fid)));
    h.run();
    (layer, fid)
}

#[test]
fn a_failed_open_leaves_the_current_project_open_and_working() {
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = session(&dir, "work.gpkg");
    let mut h = harness(Some(file));
    // An edit, so that undo has something to take back.
    let (l, f) = select(&mut h, "Hà Khánh");
    let before = h.state().project().site(l, f).unwrap().notes.clone();
    h.get_by_role_and_label(Role::MultilineTextInput, "Ghi chú")
        .click();
    h.run();
    h.get_by_role_and_label(Role::MultilineTextInput, "Ghi chú")
        .type_text(" — ghi chú trước khi mở tệp hỏng");
    h.run();
    assert!(
        h.state()
            .project()
            .site(l, f)
            .unwrap()
            .notes
            .contains("tệp hỏng")
    );
    // Leave the field, so the keys below reach the app.
    h.key_press(egui::Key::Tab);
    h.run();
    assert!(h.state().history().can_undo());

    // Every way an open can fail.
    let text = dir.path().join("ghi-chu.gpkg");
    std::fs::write(&text, "đây không phải GeoPackage\n").unwrap();
    let truncated = dir.path().join("cut.gpkg");
    let whole = std::fs::read(&path).unwrap();
    std::fs::write(&truncated, &whole[..whole.len() / 3]).unwrap();
    let newer = dir.path().join("newer.gpkg");
    drop(ProjectFile::create(&newer, false).unwrap());
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.execute(
            "UPDATE qn_meta SET value = '999' WHERE key = 'schema_version'",
            [],
        )
        .unwrap();
    }
    let locked = dir.path().join("locked.gpkg");
    drop(ProjectFile::create(&locked, false).unwrap());
    let holder = rusqlite::Connection::open(&locked).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let missing = dir.path().join("khong-co.gpkg");
    let cases: [(&Path, &str); 5] = [
        // In the window's language (Vietnamese here).
        (&text, "không phải tệp GeoPackage"),
        (&truncated, ""),
        (&newer, "qn-planner mới hơn"),
        (&locked, "khoá"),
        (&missing, "không tìm thấy tệp"),
    ];
    for (bad, why) in cases {
        open_by_path(&mut h, bad);
        let msg = h
            .state()
            .error_message()
            .unwrap_or_else(|| panic!("{}: no message", bad.display()))
            .to_string();
        assert!(msg.contains(why), "{}: {msg}", bad.display());
        assert_eq!(h.state().file_path(), Some(path.as_path()), "{msg}");
        assert!(h.state().history().can_undo(), "undo survives: {msg}");
        assert!(!h.state().is_read_only(), "still editable: {msg}");
        let lock = PathBuf::from(format!("{}.qnlock", bad.display()));
        assert!(!lock.exists(), "no lock file left beside {}", bad.display());
        // Close the message (Esc) before the next try.
        h.key_press(egui::Key::Escape);
        h.run();
        assert_eq!(h.state().error_message(), None);
    }
    drop(holder);
    // The project still takes edits and undo: both reach the file.
    h.get_by_label("Hoàn tác").click();
    h.run();
    let on_disk = ProjectFile::open_read_only(&path)
        .unwrap()
        .read_project()
        .unwrap();
    assert_eq!(on_disk.site(l, f).unwrap().notes, before);
}

#[test]
fn esc_on_the_delete_confirmation_closes_it_and_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = session(&dir, "p.gpkg");
    let mut h = harness(Some(file));
    let (l, f) = select(&mut h, "Hà Khánh");
    h.get_by_label("Xóa…").click();
    h.run();
    h.get_by_label("Xóa đối tượng?");
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(
        h.query_by_label("Xóa đối tượng?").is_none(),
        "dialog closed"
    );
    assert_eq!(
        h.state().selected(),
        Some((l, f)),
        "the site stays selected"
    );
    assert!(h.state().project().site(l, f).is_some());
    // Frames later nothing is deleted either (no button left to press).
    h.run();
    assert!(h.query_by_label("Xóa").is_none());
    let on_disk = ProjectFile::open_read_only(&path)
        .unwrap()
        .read_project()
        .unwrap();
    assert!(on_disk.site(l, f).is_some());
    // With no dialog open, Esc deselects as before.
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state().selected(), None);
}

#[test]
fn esc_closes_each_window_on_top_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let (_, file) = session(&dir, "p.gpkg");
    let mut h = harness(Some(file));
    let sel = select(&mut h, "Cái Lân");
    // The attribute table, then the rules window over it.
    h.get_by_label("Bảng thuộc tính").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Quy định").click();
    h.run();
    assert_eq!(h.state().open_dialog(), Some("table"));
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state().open_dialog(), Some("rules"));
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state().open_dialog(), None);
    assert_eq!(h.state().selected(), Some(sel), "Esc only closed windows");
    // The About box.
    h.get_by_label("Trợ giúp").click();
    h.run();
    h.get_by_label("Giới thiệu").click();
    h.run();
    assert_eq!(h.state().open_dialog(), Some("about"));
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state().open_dialog(), None);
    assert_eq!(h.state().selected(), Some(sel));
}

/// Dragging Hà Khánh with the move tool: its precision becomes "drafted", its source says
/// who moved it and when, and the earlier source (a ward centroid) is kept in its notes; the
/// form shows the drafted precision in Vietnamese.
#[test]
fn moving_a_site_records_a_drafted_position_by_its_author() {
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = session(&dir, "move.gpkg");
    let settings = Settings {
        author: "Nguyễn Thị Lan".into(),
        ..Settings::default()
    };
    let mut h = harness_with(Some(file), settings);
    let (l, f) = select(&mut h, "Hà Khánh");
    let before = h.state().project().site(l, f).unwrap().clone();
    assert_ne!(
        before.location_precision,
        qn_planner::model::Precision::Drafted
    );
    h.get_by_label("Di chuyển").click();
    h.run();
    let from = h.state().screen_pos_of(l, f).expect("Hà Khánh is drawn");
    h.hover_at(from);
    h.run();
    h.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Default::default(),
    });
    h.run();
    for k in 1..=8 {
        h.event(egui::Event::PointerMoved(
            from + egui::vec2(4.0 * k as f32, 3.0 * k as f32),
        ));
        h.run();
    }
    let to = from + egui::vec2(32.0, 24.0);
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Default::default(),
    });
    h.run();
    let after = h.state().project().site(l, f).unwrap().clone();
    assert_ne!(after.geom, before.geom, "the drag moved the site");
    assert_eq!(
        after.location_precision,
        qn_planner::model::Precision::Drafted
    );
    let today: String = qn_planner::scenario::now_utc_iso()
        .chars()
        .take(10)
        .collect();
    assert_eq!(
        after.location_source,
        format!("di chuyển bởi Nguyễn Thị Lan ngày {today}"),
        "written in the planner's language"
    );
    assert!(
        after.notes.contains(&format!(
            "Vị trí trước: {}",
            before
                .location_precision
                .label(qn_planner::lang::Language::Vi)
        )) && after.notes.contains(&before.location_source),
        "{}",
        after.notes
    );
    // One drag, one line of history in the notes however many frames it took.
    assert_eq!(after.notes.matches("Vị trí trước").count(), 1);
    // In the file too, and the form says so in Vietnamese.
    let on_disk = ProjectFile::open_read_only(&path)
        .unwrap()
        .read_project()
        .unwrap();
    assert_eq!(
        on_disk.site(l, f).unwrap().location_source,
        after.location_source
    );
    h.get_by_label("phác thảo của người lập");
    // Undo gives the surveyed-or-cited provenance back with the position.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().project().site(l, f).unwrap(), &before);
}

/// Clicking a reference-layer feature (where no planning site is) shows its attributes, as
/// clicking a site shows the site's; a click on empty sea shows nothing; Esc closes it.
#[test]
fn clicking_a_reference_feature_shows_its_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ref.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let mut pf = ProjectFile::open(&path).unwrap();
    crate::common::import_geojson(
        &mut pf,
        dir.path(),
        "thua.geojson",
        r#"{"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ten": "Thửa đất số 12", "dien_tich_ha": 3.5},
         "geometry": {"type": "Polygon", "coordinates": [[[107.55, 21.30], [107.60, 21.30], [107.60, 21.34], [107.55, 21.34], [107.55, 21.30]]]}},
        {"type": "Feature", "properties": {"ten": "Đường tỉnh 18C", "dien_tich_ha": null},
         "geometry": {"type": "LineString", "coordinates": [[107.45, 21.25], [107.50, 21.28]]}}]}"#,
        "Thửa đất huyện Tiên Yên",
        "#d01c8b",
    );
    drop(pf);
    let file = ProjectFile::open_session(&path, None).unwrap().file;
    let mut h = harness(Some(file));
    // Inside the parcel.
    let at = h.state().screen_from_lonlat(107.575, 21.32).unwrap();
    click(&mut h, at);
    assert_eq!(h.state().selected(), None, "no planning site there");
    let found = h.state().identified().expect("the parcel is identified");
    assert_eq!(found.features.len(), 1);
    assert_eq!(found.features[0].0, "Thửa đất huyện Tiên Yên");
    h.get_by_label("Thông tin đối tượng");
    h.get_by_label("Thửa đất số 12");
    h.get_by_label("3.5");
    h.get_by_label("dien_tich_ha");
    // On the line (a few metres off is within the click tolerance).
    let on_line = h.state().screen_from_lonlat(107.475, 21.265).unwrap();
    click(&mut h, on_line);
    h.get_by_label("Đường tỉnh 18C");
    assert!(h.query_by_label("Thửa đất số 12").is_none());
    // Esc closes it and nothing else.
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.state().identified().is_none());
    assert!(h.query_by_label("Thông tin đối tượng").is_none());
    // Open sea, far from both: nothing to show.
    let sea = h.state().screen_from_lonlat(107.9, 20.9).unwrap();
    click(&mut h, sea);
    assert!(h.state().identified().is_none());
}

/// Wrong entries never vanish without a word: in the rules editor (a number, a date), the
/// attribute table (a year) and the form (a year out of range) the typed text stays, the
/// reason shows beside it in Vietnamese, and nothing reaches the file.
#[test]
fn refused_entries_keep_their_text_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = session(&dir, "refuse.gpkg");
    let mut h = harness(Some(file));
    let on_disk = || {
        ProjectFile::open_read_only(&path)
            .unwrap()
            .read_project()
            .unwrap()
    };
    let rules_before = on_disk().rules;

    // Rules editor: max_ha = abc, then a date that is no date.
    h.get_by_label("Quy định").click();
    h.run();
    let field = h
        .get_all_by_role_and_label(Role::TextInput, "tối đa (ha)")
        .next()
        .expect("a max_ha field");
    field.click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_all_by_role_and_label(Role::TextInput, "tối đa (ha)")
        .next()
        .unwrap()
        .type_text("abc");
    h.run();
    h.get_by_label("! «abc» không phải là số");
    h.key_press(egui::Key::Tab);
    h.run();
    h.run();
    // The typed text is still there after leaving the field.
    assert!(
        h.get_all_by_role_and_label(Role::TextInput, "tối đa (ha)")
            .any(|n| n.value().as_deref() == Some("abc")),
        "the refused text stays in its field"
    );
    h.get_all_by_role_and_label(Role::TextInput, "hiệu lực từ")
        .next()
        .unwrap()
        .click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_all_by_role_and_label(Role::TextInput, "hiệu lực từ")
        .next()
        .unwrap()
        .type_text("2017-13-45");
    h.run();
    h.get_by_label("! «2017-13-45» không phải là ngày dạng NNNN-TT-NN");
    assert_eq!(
        on_disk().rules,
        rules_before,
        "nothing refused reached the file"
    );
    h.key_press(egui::Key::Escape);
    h.run();
    h.key_press(egui::Key::Escape);
    h.run();

    // The form: a year out of range, with its reason in Vietnamese.
    let (l, f) = select(&mut h, "Hà Khánh");
    let year_before = h.state().project().site(l, f).unwrap().decision_year;
    h.get_by_role_and_label(Role::TextInput, "Năm quyết định")
        .click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(Role::TextInput, "Năm quyết định")
        .type_text("2045");
    h.run();
    h.get_by_label("năm 2045 nằm ngoài 2000–2030");
    assert_eq!(
        h.get_by_role_and_label(Role::TextInput, "Năm quyết định")
            .value()
            .as_deref(),
        Some("2045")
    );
    assert_eq!(on_disk().site(l, f).unwrap().decision_year, year_before);
}

/// Presentation mode on a 1280×800 screen keeps every town's label, Cô Tô's included (the
/// legend box it used to be kept clear of was taller than the legend), and no label sits
/// nearer another symbol than its own.
#[test]
fn presentation_keeps_the_town_labels() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, file) = session(&dir, "present.gpkg");
    let mut h = harness_sized(Some(file), Settings::default(), egui::vec2(1280.0, 800.0));
    h.key_press(egui::Key::F11);
    h.run();
    h.run();
    assert!(h.state().is_presenting());
    let labels: Vec<String> = h
        .state()
        .placed_labels()
        .iter()
        .map(|l| l.text.clone())
        .collect();
    for town in [
        "Cô Tô",
        "Móng Cái",
        "Cẩm Phả",
        "Hạ Long (Hòn Gai)",
        "Vân Đồn (Cái Rồng)",
    ] {
        assert!(
            labels.iter().any(|l| l == town),
            "{town} missing: {labels:?}"
        );
    }
}

/// With no native file dialog (no desktop portal: forced here), every "Choose…" opens the
/// in-app browser: the export's save path, and File → Open project.
#[test]
fn a_path_can_always_be_chosen_without_a_native_dialog() {
    // SAFETY: set once, before any thread of this test reads it; the other tests never use
    // a native dialog either.
    unsafe { std::env::set_var("QN_PLANNER_NO_NATIVE_DIALOG", "1") };
    let dir = tempfile::tempdir().unwrap();
    let (_path, file) = session(&dir, "work.gpkg");
    let (other, other_file) = session(&dir, "khac.gpkg");
    drop(other_file);
    let mut h = harness(Some(file));
    // Export: Choose… opens the browser in the project's folder; a typed name gets the
    // format's extension.
    h.get_by_label("Tệp").click();
    h.run();
    h.get_by_label("Xuất bản đồ…").click();
    h.run();
    h.get_by_label("Chọn…").click();
    h.run();
    assert_eq!(h.state().open_dialog(), Some("file_browser"));
    h.get_by_label("Lưu thành…");
    assert!(
        h.query_by_label("khac.gpkg").is_none(),
        "a GeoPackage is no PNG: not listed"
    );
    h.get_by_role_and_label(Role::TextInput, "Tên tệp").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(Role::TextInput, "Tên tệp")
        .type_text("bản-đồ-2015");
    h.run();
    h.get_by_label("Lưu").click();
    h.run();
    assert_eq!(h.state().open_dialog(), Some("export"));
    let want = dir.path().join("bản-đồ-2015").display().to_string();
    assert!(
        h.get_by_role_and_label(Role::TextInput, "Tệp")
            .value()
            .is_some_and(|v| v.starts_with(&want) && v.len() > want.len()),
        "the export path is the chosen file with its extension"
    );
    // The folder is remembered for the next export (kept in the settings).
    assert_eq!(
        h.state().settings().last_folders.get("export"),
        Some(&dir.path().to_path_buf())
    );
    h.key_press(egui::Key::Escape);
    h.run();
    // File → Open project… lists the GeoPackages; choosing one opens it (and the selection
    // of this one's sites goes: the other's fids are other sites).
    let many: std::collections::BTreeSet<_> = ["Hà Khánh", "Cái Lân"]
        .iter()
        .map(|n| h.state().find_site(n).unwrap())
        .collect();
    h.state_mut().select_sites(many);
    h.run();
    assert_eq!(h.state().selection().len(), 2);
    std::fs::create_dir_all(dir.path().join(".an")).unwrap();
    h.get_by_label("Tệp").click();
    h.run();
    h.get_by_label("Mở dự án…").click();
    h.run();
    h.get_by_label("Chọn tệp");
    // Hidden folders show only when asked for.
    assert!(h.query_by_label("[.an]").is_none());
    h.get_by_label("Hiện mục ẩn").click();
    h.run();
    h.get_by_label("[.an]");
    h.get_by_label("khac.gpkg").click();
    h.run();
    h.get_by_label("Mở").click();
    h.run();
    assert_eq!(h.state().open_dialog(), None);
    assert_eq!(h.state().file_path(), Some(other.as_path()));
    assert!(
        h.state().selection().is_empty(),
        "no selection carried over"
    );
    assert_eq!(
        h.state().settings().last_folders.get("project"),
        Some(&dir.path().to_path_buf())
    );
}

/// Presenting with scenarios ticked in Compare: PageDown steps through the years unless the
/// planner switches the on-screen toggle to the compared scenarios, and the hint says which.
/// The compare view explains the empty cells of a scenario without growth rates.
#[test]
fn presentation_says_what_pagedown_steps_through() {
    use qn_planner::edit::Edit;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cmp.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let mut pf = ProjectFile::open(&path).unwrap();
    let mut p = pf.read_project().unwrap();
    let reference = p.reference_scenario().unwrap().clone();
    let mut other = reference.clone();
    other.id = 0;
    other.is_reference = false;
    other.name = "Phương án không tăng trưởng".into();
    other.growth.clear();
    Edit::scenario(None, Some(other))
        .apply(&mut pf, &mut p)
        .unwrap();
    let other_id = p
        .scenario_by_name("Phương án không tăng trưởng")
        .unwrap()
        .id;
    drop(pf);
    let file = ProjectFile::open_session(&path, None).unwrap().file;
    let mut h = harness(Some(file));
    h.state_mut().set_compared(vec![reference.id, other_id]);
    h.key_press(egui::Key::F11);
    h.run();
    h.run();
    assert!(h.state().is_presenting());
    // The on-screen toggle (the painted hint line below the title says the same).
    h.get_by_label("PageDown bước qua:");
    h.get_by_label("các năm");
    assert!(!h.state().presents_scenarios());
    h.state_mut().set_scenario_year(2006);
    h.run();
    h.key_press(egui::Key::PageDown);
    h.run();
    assert_eq!(h.state().scenario_year(), 2010, "years by default");
    h.get_by_label("các kịch bản so sánh").click();
    h.run();
    assert!(h.state().presents_scenarios());
    let before = h.state().active_scenario().map(|s| s.id);
    h.key_press(egui::Key::PageDown);
    h.run();
    let after = h.state().active_scenario().map(|s| s.id);
    assert_ne!(
        before, after,
        "PageDown moved to the other compared scenario"
    );
    assert_eq!(h.state().scenario_year(), 2010, "the year stays");
    h.key_press(egui::Key::Escape);
    h.run();
    // The compare view: the scenario without growth rates says why its cells are empty.
    h.get_by_label("Kịch bản").click();
    h.run();
    h.get_by_label("So sánh").click();
    h.run();
    h.get_by_label_contains("«Phương án không tăng trưởng» chưa có tốc độ tăng trưởng sau 2007");
}

/// The scenario editor and the actuals entry: a number that is no number, or a year out of
/// range, stays in its field with the reason beside it, and never reaches the file.
#[test]
fn scenario_and_actual_entries_that_are_refused_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = session(&dir, "sc.gpkg");
    let mut h = harness(Some(file));
    let on_disk = || {
        ProjectFile::open_read_only(&path)
            .unwrap()
            .read_project()
            .unwrap()
    };
    let reference = h.state().project().reference_scenario().unwrap().id;
    h.get_by_label("Kịch bản").click();
    h.run();
    h.state_mut().set_active_scenario(Some(reference));
    h.run();
    h.get_by_label("+ Thêm giai đoạn").click();
    h.run();
    h.run();
    let scenario_before = on_disk().reference_scenario().unwrap().clone();
    assert_eq!(scenario_before.growth.len(), 1, "the period was added");
    // The fields have no caption of their own (their hints say what they hold): they are
    // found by what they show (`field_with`).
    // Growth: a rate that is no number, then an end year out of range.
    retype(&mut h, "0", "abc");
    h.get_by_label("! «abc» không phải là số");
    field_with(&h, "abc");
    retype(&mut h, "2012", "2045");
    h.get_by_label("! năm 2045 nằm ngoài 2000–2030");
    field_with(&h, "2045");
    assert_eq!(
        on_disk().reference_scenario().unwrap().growth,
        scenario_before.growth,
        "nothing refused reached the file"
    );
    // Correcting the rate clears its reason and is saved.
    retype(&mut h, "abc", "7,5");
    assert!(h.query_by_label("! «abc» không phải là số").is_none());
    assert_eq!(
        on_disk().reference_scenario().unwrap().growth[0].rate_pct,
        7.5
    );

    // Actuals: a year out of range and a value that is no number are refused beside their
    // fields, their texts kept, and nothing is recorded.
    h.get_by_label("Chỉ tiêu").click();
    h.run();
    let actuals_before = on_disk().actuals;
    // The entry is at the foot of the tab: bring it on screen first.
    field_with(&h, "2010").scroll_to_me();
    h.run();
    field_with(&h, "2010").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    field_with(&h, "2010").type_text("2031");
    h.run();
    h.key_press(egui::Key::Tab); // to the value field
    h.run();
    h.event(egui::Event::Text("x1".into()));
    h.run();
    h.get_by_label("Ghi").click();
    h.run();
    h.run();
    h.get_by_label("! năm 2031 nằm ngoài 2000–2030");
    h.get_by_label("! «x1» không phải là số");
    field_with(&h, "2031");
    field_with(&h, "x1");
    assert_eq!(
        on_disk().actuals,
        actuals_before,
        "nothing refused was recorded"
    );
}

/// The report's figures tab: a correction typed in the window reaches the file and the
/// indicators; a refused text stays with its reason and reaches nothing; "Dùng số báo cáo" and
/// undo both bring the report's value back.
#[test]
fn report_figures_are_corrected_in_the_window_and_undone() {
    use qn_planner::model::figures::Figure;
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = session(&dir, "fig.gpkg");
    let mut h = harness(Some(file));
    let on_disk = || {
        ProjectFile::open_read_only(&path)
            .unwrap()
            .read_figures()
            .unwrap()
    };
    h.get_by_label("Kịch bản").click();
    h.run();
    h.get_by_label("Số liệu báo cáo").click();
    h.run();
    h.get_by_label("Giá trị SXCN năm 2007 (kế hoạch)");
    // Output 2007 and the three growth targets by ownership come from ¶10.
    assert_eq!(h.query_all_by_label("¶10").count(), 4);
    // Not a number: refused beside the field, the text kept, the file unchanged.
    retype(&mut h, "20150", "hai mươi");
    h.get_by_label("! «hai mươi» không phải là số");
    field_with(&h, "hai mươi");
    assert_eq!(on_disk().get(Figure::Output2007Target), 20_150.0);
    // A correction: in the file, in the project, in the 2007 indicators.
    retype(&mut h, "hai mươi", "20000");
    assert!(h.query_by_label("! «hai mươi» không phải là số").is_none());
    assert_eq!(on_disk().get(Figure::Output2007Target), 20_000.0);
    let reference = h.state().project().reference_scenario().unwrap().clone();
    let i = qn_planner::scenario::indicators(&reference, h.state().project(), 2007);
    assert_eq!(i.output_bn_vnd, Some(20_000.0));
    // The typing of one visit to the field is one undo step.
    assert_eq!(h.state().history().undo_len(), 1);
    // "As in the report" puts the report's value back; undo takes that back.
    h.get_by_label("Dùng số báo cáo").click();
    h.run();
    h.run();
    assert_eq!(on_disk().get(Figure::Output2007Target), 20_150.0);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    h.run();
    assert_eq!(on_disk().get(Figure::Output2007Target), 20_000.0);
    field_with(&h, "20000");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    h.run();
    assert_eq!(on_disk().get(Figure::Output2007Target), 20_150.0);
    field_with(&h, "20150");
    assert_eq!(h.state().error_message(), None);
}

/// A rule figure typed in the rules window reaches the file as one undo step (however many
/// keystrokes), and undo puts the rule set back.
#[test]
fn a_rule_figure_typed_in_the_window_is_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = session(&dir, "rule.gpkg");
    let mut h = harness(Some(file));
    let on_disk = || {
        ProjectFile::open_read_only(&path)
            .unwrap()
            .read_project()
            .unwrap()
            .rules
    };
    let before = on_disk();
    h.get_by_label("Quy định").click();
    h.run();
    let field = h
        .get_all_by_role_and_label(Role::TextInput, "tối đa (ha)")
        .next()
        .expect("a max_ha field");
    let old = field.value().unwrap_or_default();
    field.click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_all_by_role_and_label(Role::TextInput, "tối đa (ha)")
        .next()
        .unwrap()
        .type_text("95");
    h.run();
    h.key_press(egui::Key::Tab);
    h.run();
    h.run();
    let after = on_disk();
    assert_ne!(after, before, "the rule set changed in the file");
    let changed: Vec<_> = after
        .iter()
        .zip(&before)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.params.max_ha)
        .collect();
    assert_eq!(changed, vec![Some(95.0)], "one figure, was {old}");
    assert_eq!(
        h.state().history().undo_len(),
        1,
        "typing 9 and 5 is one step"
    );
    h.key_press(egui::Key::Escape);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    h.run();
    assert_eq!(on_disk(), before);
    assert_eq!(h.state().error_message(), None);
}

/// The form's buttons ask the window for what they need: "Vẽ ranh giới" takes the polygon
/// tool for the site's boundary, "×" deselects.
#[test]
fn the_form_asks_for_the_boundary_tool_and_deselects() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, file) = session(&dir, "form.gpkg");
    let mut h = harness(Some(file));
    let (l, f) = select(&mut h, "Hà Khánh");
    assert!(!h.state().project().site(l, f).unwrap().is_area());
    h.get_by_label("Vẽ ranh giới").click();
    h.run();
    assert_eq!(
        h.state().tool(),
        qn_planner::app::map::editing::Tool::DrawPolygon
    );
    assert_eq!(h.state().selected(), Some((l, f)), "still the site's form");
    h.get_by_label("×").click();
    h.run();
    assert_eq!(h.state().selected(), None);
}

/// The form shows the site's change history from the file's change log: who changed which
/// field, from what to what.
#[test]
fn the_form_shows_who_changed_what() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, file) = session(&dir, "hist.gpkg");
    let settings = Settings {
        author: "Nguyễn Thị Lan".into(),
        ..Settings::default()
    };
    let mut h = harness_with(Some(file), settings);
    select(&mut h, "Hà Khánh");
    h.get_by_label("Lịch sử thay đổi (0)");
    h.get_by_role_and_label(Role::TextInput, "Tên").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(Role::TextInput, "Tên")
        .type_text("Hà Khánh B");
    h.run();
    h.key_press(egui::Key::Tab);
    h.run();
    h.run();
    h.get_by_label("Lịch sử thay đổi (1)").click();
    h.run();
    h.get_by_label("sửa tên từ Hà Khánh thành Hà Khánh B");
    // When, in local time with its offset (the log keeps UTC), and who:
    // "2026-12-08 07:05 (UTC+07:00) · Nguyễn Thị Lan".
    let line = h.get_by_label_contains("· Nguyễn Thị Lan");
    let text = format!("{line:?}");
    let at = text
        .find(" (UTC")
        .map(|i| &text[i.saturating_sub(16)..i])
        .unwrap_or_default();
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    assert!(
        at.len() == 16 && digits(&at[..4]) && &at[4..5] == "-" && &at[10..11] == " ",
        "{text}"
    );
    assert!(text.contains(" (UTC+") || text.contains(" (UTC-"), "{text}");
}

/// A conflict (made here with a change bundle, no server needed) shows in the status bar and
/// in the Conflicts list with base, mine and theirs; taking theirs writes it and closes it.
#[test]
fn a_conflict_is_listed_with_both_values_and_decided_in_the_window() {
    use qn_planner::edit::{Edit, History};
    let dir = tempfile::tempdir().unwrap();
    let lan = dir.path().join("lan.gpkg");
    let minh = dir.path().join("minh.gpkg");
    drop(ProjectFile::create(&lan, false).unwrap());
    std::fs::copy(&lan, &minh).unwrap();
    for (path, jobs) in [(&lan, 1000), (&minh, 1100)] {
        let mut pf = ProjectFile::open(path).unwrap();
        let mut p = pf.read_project().unwrap();
        let before = p
            .sites
            .iter()
            .find(|s| s.name == "Cái Lân")
            .unwrap()
            .clone();
        let mut after = before.clone();
        after.jobs = Some(jobs);
        History::default()
            .apply(Edit::update(before, after), None, &mut pf, &mut p)
            .unwrap();
    }
    let bundle = dir.path().join("lan.qnchanges");
    qn_planner::sync::bundle::export(&ProjectFile::open(&lan).unwrap(), &bundle, None).unwrap();
    let r =
        qn_planner::sync::bundle::import(&mut ProjectFile::open(&minh).unwrap(), &bundle).unwrap();
    assert_eq!(r.open.len(), 1);
    let file = ProjectFile::open_session(&minh, None).unwrap().file;
    let mut h = harness(Some(file));
    h.get_by_label("1 xung đột").click();
    h.run();
    assert_eq!(h.state().open_dialog(), Some("sync"));
    h.get_by_label("Cái Lân · Khu công nghiệp");
    h.get_by_label("1100");
    h.get_by_label_contains("1000");
    h.get_by_label("Lấy của máy chủ").click();
    h.run();
    h.run();
    h.get_by_label("Không có xung đột.");
    let (l, f) = h.state().find_site("Cái Lân").unwrap();
    assert_eq!(h.state().project().site(l, f).unwrap().jobs, Some(1000));
    assert!(
        h.query_by_label("1 xung đột").is_none(),
        "the status bar says so too"
    );
    let st = ProjectFile::open(&minh).unwrap().sync_status().unwrap();
    assert_eq!(st.open_conflicts, 0);
}
