//! Kittests of "never lose an edit" (issue 24): the window keeps its hold on the file through
//! an import and a sync (both open the project again on a worker) while other programs open
//! it, and one finished value typed into a field is one history entry, one undo step and one
//! change-log operation.

mod common;

use common::{deleted_fds, name_on_disk, other_program_reads};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use qn_planner::app::QnApp;
use qn_planner::settings::Settings;
use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};

fn harness(file: ProjectFile) -> Harness<'static, QnApp> {
    let settings = Settings {
        author: "Nguyễn Thị Lan".into(),
        ..Settings::default()
    };
    common::ui::harness_full(Some(file), None, settings, egui::vec2(1280.0, 1600.0))
}

/// A seeded project opened for an editing session, as the window opens it.
fn session(dir: &Path, name: &str) -> (PathBuf, ProjectFile) {
    let path = dir.join(name);
    drop(ProjectFile::create(&path, false).expect("project created"));
    let file = ProjectFile::open_session(&path, Some(dir.join("backups")))
        .expect("session opens")
        .file;
    (path, file)
}

/// Selects the site named `name`; returns its key.
fn select(h: &mut Harness<'static, QnApp>, name: &str) -> String {
    let (layer, fid) = h.state().find_site(name).expect("site exists");
    h.state_mut().select(Some((layer, fid)));
    h.run();
    h.state().project().site(layer, fid).unwrap().key.clone()
}

/// Clicks the form's name field, selects its text and types `text` (without leaving it).
fn type_name(h: &mut Harness<'static, QnApp>, text: &str) {
    h.get_by_role_and_label(Role::TextInput, "Tên").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(Role::TextInput, "Tên")
        .type_text(text);
    h.run();
}

fn leave_field(h: &mut Harness<'static, QnApp>) {
    h.key_press(egui::Key::Tab);
    h.run();
    h.run();
}

/// The site's change-log operations in the file, as (kind, field, before, after).
fn log_of(path: &Path, key: &str) -> Vec<(String, String, Option<String>, Option<String>)> {
    let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap();
    let mut st = c
        .prepare(
            "SELECT kind, field, CAST(before AS TEXT), CAST(after AS TEXT) FROM qn_oplog
             WHERE record_key = ?1 ORDER BY seq",
        )
        .unwrap();
    st.query_map([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn an_import_in_the_window_then_another_program_loses_no_edit() {
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = session(dir.path(), "Quy hoạch 2020.gpkg");
    let input = dir.path().join("mốc.geojson");
    std::fs::write(
        &input,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"ten":"Mốc 1"},"geometry":{"type":"Point","coordinates":[107.08,20.95]}}]}"#,
    )
    .unwrap();
    let mut h = harness(file);
    // An edit before: the session's WAL is in use.
    let key = select(&mut h, "Hà Khánh");
    type_name(&mut h, "Hà Khánh A");
    leave_field(&mut h);
    assert_eq!(name_on_disk(&path, &key), "Hà Khánh A");
    // File → Import: the worker opens the project again in this process.
    h.state_mut().import_file(input);
    common::ui::wait_for(&mut h, "1 đối tượng");
    h.get_by_label("Nhập").click();
    common::ui::wait_for(&mut h, "Đã nhập:");
    // ogrinfo -ro, QGIS, sqlite3 "select 1".
    other_program_reads(&path);
    assert!(deleted_fds(&path).is_empty(), "{:?}", deleted_fds(&path));
    // Every later edit reaches the file.
    select(&mut h, "Hà Khánh A");
    type_name(&mut h, "Hà Khánh B");
    leave_field(&mut h);
    other_program_reads(&path);
    assert_eq!(name_on_disk(&path, &key), "Hà Khánh B");
    select(&mut h, "Hà Khánh B");
    type_name(&mut h, "Hà Khánh C");
    leave_field(&mut h);
    assert_eq!(name_on_disk(&path, &key), "Hà Khánh C");
    drop(h);
    let p = ProjectFile::open(&path).unwrap().read_project().unwrap();
    assert!(p.sites.iter().any(|s| s.name == "Hà Khánh C"));
}

#[test]
fn a_sync_in_the_window_then_another_program_loses_no_edit() {
    let Some(server) = common::pg::server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let published = dir.path().join("published.gpkg");
    drop(ProjectFile::create(&published, false).unwrap());
    qn_planner::server::init(&server.url(), &mut ProjectFile::open(&published).unwrap()).unwrap();
    let path = dir.path().join("lan.gpkg");
    qn_planner::server::clone(&server.url(), &path).unwrap();
    let file = ProjectFile::open_session(&path, None).unwrap().file;
    let mut h = harness(file);
    let key = select(&mut h, "Hà Khánh");
    type_name(&mut h, "Hà Khánh A");
    leave_field(&mut h);
    // Sync from the status bar: the worker opens the project again in this process.
    h.get_by_label("Đồng bộ").click();
    // The spinner repaints while the worker syncs.
    h.run_steps(2);
    common::ui::wait_for(&mut h, "0 thao tác chờ gửi");
    other_program_reads(&path);
    assert!(deleted_fds(&path).is_empty(), "{:?}", deleted_fds(&path));
    select(&mut h, "Hà Khánh A");
    type_name(&mut h, "Hà Khánh B");
    leave_field(&mut h);
    assert_eq!(name_on_disk(&path, &key), "Hà Khánh B");
    common::ui::wait_for(&mut h, "1 thao tác chờ gửi");
    // The next sync works and takes the edit to the server.
    h.get_by_label("Đồng bộ").click();
    // The spinner repaints while the worker syncs.
    h.run_steps(2);
    common::ui::wait_for(&mut h, "0 thao tác chờ gửi");
    let on_server: String = server
        .client()
        .query_one(
            "SELECT name FROM proposed_clusters WHERE site_key = $1",
            &[&key],
        )
        .unwrap()
        .get(0);
    assert_eq!(on_server, "Hà Khánh B");
}

#[test]
fn a_value_typed_into_a_field_is_one_step_one_entry_one_operation() {
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = session(dir.path(), "p.gpkg");
    let mut h = harness(file);
    let key = select(&mut h, "Hà Khánh");
    let undo_before = h.state().history().undo_len();
    // Seven keystrokes, then the field is left.
    type_name(&mut h, "Kim Sơn");
    // Typed, not yet left: already in the file (a killed app keeps it), as one operation.
    assert_eq!(name_on_disk(&path, &key), "Kim Sơn");
    assert_eq!(
        log_of(&path, &key),
        vec![(
            "update".to_string(),
            "name".to_string(),
            Some("Hà Khánh".to_string()),
            Some("Kim Sơn".to_string())
        )]
    );
    leave_field(&mut h);
    assert_eq!(h.state().history().undo_len(), undo_before + 1);
    h.get_by_label("Lịch sử thay đổi (1)").click();
    h.run();
    h.get_by_label("sửa tên từ Hà Khánh thành Kim Sơn");
    // Undo takes the whole value back, as one operation more.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(name_on_disk(&path, &key), "Hà Khánh");
    assert_eq!(log_of(&path, &key).len(), 2);
}

#[test]
fn a_pause_in_typing_commits_the_value_so_far() {
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = session(dir.path(), "p.gpkg");
    let mut h = harness(file);
    let key = select(&mut h, "Hà Khánh");
    let undo_before = h.state().history().undo_len();
    type_name(&mut h, "Kim");
    std::thread::sleep(
        qn_planner::app::command::TYPING_PAUSE + std::time::Duration::from_millis(100),
    );
    h.get_by_role_and_label(Role::TextInput, "Tên")
        .type_text(" Sơn");
    h.run();
    leave_field(&mut h);
    let log = log_of(&path, &key);
    let values: Vec<_> = log
        .iter()
        .map(|(_, _, b, a)| (b.clone().unwrap_or_default(), a.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        values,
        vec![
            ("Hà Khánh".to_string(), "Kim".to_string()),
            ("Kim".to_string(), "Kim Sơn".to_string())
        ]
    );
    assert_eq!(h.state().history().undo_len(), undo_before + 2);
    // A field typed back to what it was leaves no operation behind.
    select(&mut h, "Kim Sơn");
    h.get_by_role_and_label(Role::MultilineTextInput, "Ghi chú")
        .click();
    h.run();
    h.get_by_role_and_label(Role::MultilineTextInput, "Ghi chú")
        .type_text("x");
    h.run();
    h.key_press(egui::Key::Backspace);
    h.run();
    leave_field(&mut h);
    assert_eq!(log_of(&path, &key).len(), 2, "{:?}", log_of(&path, &key));
}
