//! Kittests of "never lose an edit" (issue 24): the window keeps its hold on the file through
//! an import and a sync (both open the project again on a worker) while other programs open
//! it, and one finished value typed into a field is one history entry, one undo step and one
//! change-log operation.

use crate::common;

use crate::common::{deleted_fds, name_on_disk, other_program_reads};
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

/// A plan published on `server` and the copies `who` cloned from it into `dir`.
fn plan_with_copies(server: &common::pg::PgServer, dir: &Path, who: &[&str]) -> Vec<PathBuf> {
    let published = dir.join("published.gpkg");
    drop(ProjectFile::create(&published, false).unwrap());
    qn_planner::server::init(&server.url(), &mut ProjectFile::open(&published).unwrap()).unwrap();
    who.iter()
        .map(|w| {
            let path = dir.join(format!("{w}.gpkg"));
            qn_planner::server::clone(&server.url(), &path).unwrap();
            path
        })
        .collect()
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_sync_in_the_window_then_another_program_loses_no_edit() {
    let Some(server) = common::pg::server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = plan_with_copies(&server, dir.path(), &["lan"]).remove(0);
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

/// Two copies of one project (no server): `edit` on Lan's copy, exported as a change bundle
/// and merged into Minh's, after `minh_edit` there.
fn two_copies_with_a_bundle(
    dir: &Path,
    lan_edit: impl FnOnce(&mut ProjectFile, &mut qn_planner::model::Project),
    minh_edit: impl FnOnce(&mut ProjectFile, &mut qn_planner::model::Project),
) -> PathBuf {
    let lan = dir.join("lan.gpkg");
    let minh = dir.join("minh.gpkg");
    drop(ProjectFile::create(&lan, false).unwrap());
    std::fs::copy(&lan, &minh).unwrap();
    for (path, edit) in [
        (
            &lan,
            Box::new(lan_edit) as Box<dyn FnOnce(&mut ProjectFile, &mut _)>,
        ),
        (&minh, Box::new(minh_edit)),
    ] {
        let mut pf = ProjectFile::open(path).unwrap();
        pf.set_author(if path == &lan { "Lan" } else { "Minh" });
        let mut p = pf.read_project().unwrap();
        edit(&mut pf, &mut p);
    }
    let bundle = dir.join("lan.qnchanges");
    qn_planner::sync::bundle::export(&ProjectFile::open(&lan).unwrap(), &bundle, None).unwrap();
    qn_planner::sync::bundle::import(&mut ProjectFile::open(&minh).unwrap(), &bundle).unwrap();
    minh
}

fn apply(pf: &mut ProjectFile, p: &mut qn_planner::model::Project, e: qn_planner::edit::Edit) {
    qn_planner::edit::History::default()
        .apply(e, None, pf, p)
        .unwrap();
}

#[test]
fn a_delete_against_an_edit_says_what_happened_and_the_losing_value_stays_in_history() {
    use qn_planner::edit::Edit;
    let dir = tempfile::tempdir().unwrap();
    let minh = two_copies_with_a_bundle(
        dir.path(),
        |pf, p| {
            let s = p
                .sites
                .iter()
                .find(|s| s.name == "Hà Khánh")
                .unwrap()
                .clone();
            apply(pf, p, Edit::delete(s));
        },
        |pf, p| {
            let before = p
                .sites
                .iter()
                .find(|s| s.name == "Hà Khánh")
                .unwrap()
                .clone();
            let mut after = before.clone();
            after.jobs = Some(500);
            apply(pf, p, Edit::update(before, after));
        },
    );
    let file = ProjectFile::open_session(&minh, None).unwrap().file;
    let mut h = harness(file);
    h.get_by_label("1 xung đột").click();
    h.run();
    h.get_by_label_contains("đã xóa bản ghi này trên máy chủ lúc");
    h.get_by_label_contains("ở máy này anh/chị đã sửa: lao động thành 500");
    h.get_by_label("Giữ bản ghi (của tôi)").click();
    h.run();
    h.run();
    h.get_by_label("Không có xung đột.");
    // The site is kept, and its history says what was decided over what.
    select(&mut h, "Hà Khánh");
    h.get_by_label_contains("Lịch sử thay đổi").click();
    h.run();
    h.get_by_label_contains("xung đột về bản ghi: máy này");
    h.get_by_label_contains("máy chủ (đã xóa) (Lan) — giữ của máy này");
}

#[test]
fn a_field_conflict_keeps_the_losing_value_in_the_record_s_history() {
    use qn_planner::edit::Edit;
    let dir = tempfile::tempdir().unwrap();
    let set_jobs = |jobs: i64| {
        move |pf: &mut ProjectFile, p: &mut qn_planner::model::Project| {
            let before = p
                .sites
                .iter()
                .find(|s| s.name == "Hà Khánh")
                .unwrap()
                .clone();
            let mut after = before.clone();
            after.jobs = Some(jobs);
            apply(pf, p, Edit::update(before, after));
        }
    };
    let minh = two_copies_with_a_bundle(dir.path(), set_jobs(700), set_jobs(500));
    let file = ProjectFile::open_session(&minh, None).unwrap().file;
    let mut h = harness(file);
    h.get_by_label("1 xung đột").click();
    h.run();
    h.get_by_label_contains("lao động đã được sửa khác nhau ở máy này và trên máy chủ");
    h.get_by_label("Lấy của máy chủ").click();
    h.run();
    h.run();
    select(&mut h, "Hà Khánh");
    h.get_by_label_contains("Lịch sử thay đổi").click();
    h.run();
    h.get_by_label_contains(
        "xung đột về lao động: máy này 500, máy chủ 700 (Lan) — lấy của máy chủ",
    );
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_sync_keeps_the_form_and_the_undo_steps_of_records_it_did_not_touch() {
    let Some(server) = common::pg::server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let copies = plan_with_copies(&server, dir.path(), &["lan", "minh"]);
    let (lan, minh) = (&copies[0], &copies[1]);
    // Minh changes Lê Lợi and Hà Khánh's notes on the server.
    {
        let mut pf = ProjectFile::open(minh).unwrap();
        let mut p = pf.read_project().unwrap();
        for name in ["Lê Lợi", "Hà Khánh"] {
            let before = p.sites.iter().find(|s| s.name == name).unwrap().clone();
            let mut after = before.clone();
            after.notes = format!("{} — Minh", before.notes);
            apply(
                &mut pf,
                &mut p,
                qn_planner::edit::Edit::update(before, after),
            );
        }
        qn_planner::server::sync::sync(&server.url(), &mut pf).unwrap();
    }
    // Lan, in the window: an edit of Tân Bình and one of Hà Khánh, then a sync.
    let file = ProjectFile::open_session(lan, None).unwrap().file;
    let mut h = harness(file);
    select(&mut h, "Hà Khánh");
    type_name(&mut h, "Hà Khánh A");
    leave_field(&mut h);
    select(&mut h, "Tân Bình");
    type_name(&mut h, "Tân Bình A");
    leave_field(&mut h);
    assert_eq!(h.state().history().undo_len(), 2);
    h.get_by_label("Đồng bộ").click();
    h.run_steps(2);
    common::ui::wait_for(&mut h, "đồng bộ lúc");
    h.run();
    // Hà Khánh came back changed: its step went; Tân Bình's stays, and its form stays open.
    assert_eq!(h.state().history().undo_len(), 1);
    h.get_by_label_contains("đồng bộ lúc").click();
    h.run();
    h.get_by_label_contains("1 bước hoàn tác trên bản ghi vừa nhận thay đổi đã bỏ");
    let (l, f) = h.state().selected().expect("the form stays open");
    assert_eq!(h.state().project().site(l, f).unwrap().name, "Tân Bình A");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert!(
        h.state().find_site("Tân Bình").is_some(),
        "undo still works"
    );
}

#[test]
fn a_failed_sync_says_so_briefly_in_the_status_bar_and_in_vietnamese_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, file) = session(dir.path(), "p.gpkg");
    let mut h = harness(file);
    h.get_by_label("Đồng bộ").click();
    h.run();
    // Nobody listens on port 1.
    h.get_by_role_and_label(Role::TextInput, "Máy chủ").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Máy chủ")
        .type_text("postgresql://lan@127.0.0.1:1/plan");
    h.run();
    h.key_press(egui::Key::Tab);
    h.run();
    let sync_buttons = h.query_all_by_label("Đồng bộ").count();
    assert!(
        sync_buttons >= 2,
        "the window's Sync button and the status bar's"
    );
    h.query_all_by_label("Đồng bộ").last().unwrap().click();
    h.run_steps(2);
    common::ui::wait_for(&mut h, "chưa đồng bộ được");
    h.get_by_label_contains("Chưa đồng bộ được (vẫn làm việc bình thường): không nối được postgresql://lan@127.0.0.1:1/plan");
    assert!(
        h.query_by_label_contains("cannot connect").is_none(),
        "no English inside the Vietnamese"
    );
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn a_table_qgis_wrote_into_the_project_is_listed_and_imported_under_a_new_name() {
    let dir = tempfile::tempdir().unwrap();
    let Some(path) = common::with_a_qgis_table(dir.path()) else {
        return;
    };
    let file = ProjectFile::open_session(&path, None).unwrap().file;
    let mut h = harness(file);
    h.get_by_label("Bảng khác trong tệp");
    h.get_by_label("vung_dem (8)");
    h.get_by_label("Nhập thành lớp").click();
    h.run();
    common::ui::wait_for(&mut h, "8 đối tượng");
    assert_eq!(
        h.state().import_choice().map(|(_, n)| n),
        Some("vung_dem (nhập)".to_string())
    );
    h.get_by_label("Nhập").click();
    common::ui::wait_for(&mut h, "Đã nhập:");
    h.run_steps(3);
    assert_eq!(
        h.state().reference_layers(),
        vec![("vung_dem (nhập)".to_string(), 8, true)]
    );
}
