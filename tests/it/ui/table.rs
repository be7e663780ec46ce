//! The attribute table (issue 29): filters under the headings, sorting, Ctrl/Shift-click rows,
//! "show only selected", totals, the rows shown to Excel and CSV, reference-layer tabs, the
//! column widths kept.

use super::*;
use egui::Modifiers;
use std::collections::BTreeSet;

fn open_table(h: &mut Harness<'static, QnApp>, layer_tab: &str) {
    h.get_by_label("Bảng thuộc tính").click();
    h.run();
    h.get_by_label(layer_tab).click();
    h.run();
}

fn fids_of(
    h: &Harness<'static, QnApp>,
    layer: Layer,
    keep: impl Fn(&qn_planner::model::Site) -> bool,
) -> Vec<i64> {
    let mut v: Vec<i64> = h
        .state()
        .project()
        .sites_of(layer)
        .filter(|s| keep(s))
        .map(|s| s.fid)
        .collect();
    v.sort();
    v
}

/// Types `text` into the filter under heading `heading`.
fn filter(h: &mut Harness<'static, QnApp>, heading: &str, text: &str) {
    let name = format!("Lọc {heading}");
    h.get_by_role_and_label(Role::TextInput, &name).click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run();
    if !text.is_empty() {
        h.get_by_role_and_label(Role::TextInput, &name)
            .type_text(text);
        h.run();
    }
}

#[test]
fn filters_sort_selection_and_totals_work_on_the_rows_shown() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    open_table(&mut h, "Cụm công nghiệp");
    let layer = Layer::IndustrialClusters;
    assert_eq!(h.state().table_shown(), Some(fids_of(&h, layer, |_| true)));
    // A filter without diacritics or case.
    filter(&mut h, "Huyện 2006", "MONG CAI");
    let mong_cai = fids_of(&h, layer, |s| s.district_2006 == "Móng Cái");
    assert_eq!(mong_cai.len(), 2);
    assert_eq!(h.state().table_shown(), Some(mong_cai.clone()));
    h.get_by_label_contains("2 / 8 dòng");
    // Sorted by name, then the other way.
    filter(&mut h, "Huyện 2006", "");
    h.get_by_label("Tên").click();
    h.run();
    let mut by_name: Vec<(String, i64)> = h
        .state()
        .project()
        .sites_of(layer)
        .map(|s| (qn_planner::model::text::fold(&s.name), s.fid))
        .collect();
    by_name.sort();
    let want: Vec<i64> = by_name.iter().map(|(_, f)| *f).collect();
    assert_eq!(h.state().table_shown(), Some(want.clone()));
    h.get_by_label("Tên ^").click();
    h.run();
    let mut back = want.clone();
    back.reverse();
    assert_eq!(h.state().table_shown(), Some(back));
    h.get_by_label("Tên v").click();
    h.run();
    // Rows: a plain click selects one (and the map goes there), Ctrl adds, Shift a range.
    let name = |h: &Harness<'static, QnApp>, fid: i64| {
        h.state().project().site(layer, fid).unwrap().name.clone()
    };
    let all = fids_of(&h, layer, |_| true);
    let (n0, n1, n3) = (name(&h, all[0]), name(&h, all[1]), name(&h, all[3]));
    // (A name may also be a commune's, in the column beside: the row's first label is its name.)
    h.get_all_by_label(&n0).next().unwrap().click();
    h.run();
    assert_eq!(h.state().selection(), &BTreeSet::from([(layer, all[0])]));
    h.get_all_by_label(&n3)
        .next()
        .unwrap()
        .click_modifiers(Modifiers::COMMAND);
    h.run();
    assert_eq!(
        h.state().selection(),
        &BTreeSet::from([(layer, all[0]), (layer, all[3])])
    );
    h.get_all_by_label(&n1)
        .next()
        .unwrap()
        .click_modifiers(Modifiers::SHIFT);
    h.run();
    // From the last row clicked (the fourth) to the second.
    assert_eq!(
        h.state().selection(),
        &BTreeSet::from([
            (layer, all[0]),
            (layer, all[1]),
            (layer, all[2]),
            (layer, all[3])
        ])
    );
    // Only the selected rows.
    h.get_by_label("Chỉ hiện dòng đã chọn").click();
    h.run();
    assert_eq!(h.state().table_shown(), Some(all[..4].to_vec()));
    // Totals: an investment set for the four through the selection, summed under the table.
    h.get_by_label("Sửa trường…").click();
    h.run();
    h.get_by_label("Trường cần sửa").click();
    h.run();
    h.get_by_label("vốn đầu tư (tỷ đồng)").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Giá trị mới")
        .click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Giá trị mới")
        .type_text("12,5");
    h.run();
    h.get_by_label("Đặt cho 4 đối tượng").click();
    h.run();
    h.get_by_label_contains("4 / 8 dòng · Σ Vốn (tỷ đ) 50.0");
    // The cells show it.
    assert_eq!(h.get_all_by_label("12.5").count(), 4);
}

#[test]
fn the_rows_shown_go_to_excel_and_csv_with_their_headings() {
    // SAFETY: set before any thread of this test reads it; no test uses a native dialog.
    unsafe { std::env::set_var("QN_PLANNER_NO_NATIVE_DIALOG", "1") };
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    open_table(&mut h, "Cụm công nghiệp dự kiến");
    filter(&mut h, "Huyện 2006", "ha long");
    let shown = h.state().table_shown().unwrap();
    assert_eq!(shown.len(), 2);
    for (name, ext) in [("cum-ha-long.xlsx", "xlsx"), ("cum-ha-long.csv", "csv")] {
        h.get_by_label("Xuất các dòng đang hiện…").click();
        h.run();
        assert_eq!(h.state().open_dialog(), Some("file_browser"));
        h.get_by_role_and_label(Role::TextInput, "Tên tệp").click();
        h.run();
        h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
        h.get_by_role_and_label(Role::TextInput, "Tên tệp")
            .type_text(name);
        h.run();
        h.get_by_label("Lưu").click();
        h.run();
        let out = dir.path().join(name);
        assert!(out.exists(), "{ext} written");
        h.get_by_label_contains(&format!("Đã ghi 2 dòng vào {}", out.display()));
    }
    // The workbook: a sheet with the heading row and the two rows, names as shared strings.
    let file = std::fs::File::open(dir.path().join("cum-ha-long.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let read = |zip: &mut zip::ZipArchive<std::fs::File>, name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let sheet = read(&mut zip, "xl/worksheets/sheet1.xml");
    assert_eq!(sheet.matches("<row ").count(), 3, "{sheet}");
    let strings = read(&mut zip, "xl/sharedStrings.xml");
    for s in ["Hà Khánh", "Đại Yên", "Huyện 2006", "Diện tích (ha)"] {
        assert!(strings.contains(s), "{s} in {strings}");
    }
    let book = read(&mut zip, "xl/workbook.xml");
    assert!(book.contains("Cụm công nghiệp dự kiến"), "{book}");
    // The CSV: a byte-order mark, the headings, the two rows.
    let csv = std::fs::read_to_string(dir.path().join("cum-ha-long.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0].starts_with("\u{feff}fid,Tên,Trạng thái,"),
        "{}",
        lines[0]
    );
    assert!(csv.contains("Hà Khánh") && csv.contains("Đại Yên"));
}

#[test]
fn a_reference_layer_has_its_tab_and_column_widths_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut pf = project(&dir);
    crate::common::import_geojson(
        &mut pf,
        dir.path(),
        "thua.geojson",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"ten":"Thửa 1","dien_tich":120.5},"geometry":{"type":"Point","coordinates":[107.05,20.95]}},
          {"type":"Feature","properties":{"ten":"Thửa 2","dien_tich":80},"geometry":{"type":"Point","coordinates":[107.1,21.0]}},
          {"type":"Feature","properties":{"ten":"Đất rừng","dien_tich":null},"geometry":{"type":"Point","coordinates":[107.2,21.0]}}]}"#,
        "Thửa đất đo đạc",
        "#7a5195",
    );
    let mut h = harness_with(Some(pf), None);
    h.get_by_label("Bảng thuộc tính").click();
    h.run();
    h.get_by_label("Thửa đất đo đạc").click();
    wait_for(&mut h, "Lọc ten");
    assert_eq!(h.state().table_shown().map(|v| v.len()), Some(3));
    h.get_by_label_contains("3 / 3 dòng · Σ dien_tich 200.50");
    filter(&mut h, "ten", "thua");
    assert_eq!(h.state().table_shown().map(|v| v.len()), Some(2));
    filter(&mut h, "dien_tich", ">100");
    filter(&mut h, "ten", "");
    assert_eq!(h.state().table_shown().map(|v| v.len()), Some(1));
    // A click on the row goes to the feature on the map.
    h.get_by_label("Thửa 1").click();
    h.run();
    let (label, at) = h.state().located().expect("the map went to the feature");
    assert!(label.contains("Thửa đất đo đạc"), "{label}");
    assert!(
        (at.0 - 107.05).abs() < 1e-6 && (at.1 - 20.95).abs() < 1e-6,
        "{at:?}"
    );
    // The widths as left are kept in the settings, per layer table.
    h.run();
    let kept = h
        .state()
        .settings()
        .table_widths
        .get("ref_thua_dat_do_dac")
        .cloned()
        .expect("widths kept");
    assert_eq!(kept.len(), 3, "fid and two columns: {kept:?}");
    // A window started with wider columns in its settings shows them.
    let dir2 = tempfile::tempdir().unwrap();
    let mut widths = std::collections::BTreeMap::new();
    widths.insert("proposed_clusters".to_string(), {
        let mut w = vec![50.0, 333.0];
        w.extend(std::iter::repeat_n(90.0, 9));
        w
    });
    let settings = Settings {
        table_widths: widths,
        ..Settings::default()
    };
    let mut h2 = common::ui::harness_full(
        Some(project(&dir2)),
        None,
        settings,
        egui::vec2(1600.0, 900.0),
    );
    open_table(&mut h2, "Cụm công nghiệp dự kiến");
    let w = h2
        .get_by_role_and_label(Role::TextInput, "Lọc Tên")
        .rect()
        .width();
    assert!((w - 333.0).abs() < 16.0, "the name column is {w} wide");
}

#[test]
fn rows_pasted_from_a_spreadsheet_become_sites_in_one_step_or_name_the_cells_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    let mut h = harness_with(Some(project(&dir)), None);
    open_table(&mut h, "Cụm công nghiệp dự kiến");
    let layer = Layer::ProposedClusters;
    let before = fids_of(&h, layer, |_| true).len();
    let steps = h.state().history().undo_len();
    // A refused cell: named by its row and heading, nothing added.
    h.event(egui::Event::Paste(
        "Tên\tLao động\r\nCụm mới A\tnhiều\r\n".to_string(),
    ));
    h.run();
    h.get_by_label_contains(
        "Không dán: 1 ô không hợp lệ: dòng 1, Lao động: «nhiều» không phải là số",
    );
    assert_eq!(fids_of(&h, layer, |_| true).len(), before);
    // Two good rows, with coordinates: two sites, one undo step, in the file.
    h.event(egui::Event::Paste(
        "Tên\tHuyện 2006\tLao động\tlon\tlat\r\nCụm mới A\tHải Hà\t120\t107.70\t21.45\r\nCụm mới B\tĐầm Hà\t80\t107.60\t21.35\r\n"
            .to_string(),
    ));
    h.run();
    h.get_by_label_contains("Đã dán 2 dòng vào Cụm công nghiệp dự kiến");
    assert_eq!(h.state().history().undo_len(), steps + 1);
    let on_disk = ProjectFile::open_read_only(&path)
        .unwrap()
        .read_project()
        .unwrap();
    let a = on_disk
        .sites_of(layer)
        .find(|s| s.name == "Cụm mới A")
        .expect("pasted into the file");
    assert_eq!((a.jobs, a.district_2006.as_str()), (Some(120), "Hải Hà"));
    assert_eq!(
        a.location_precision,
        qn_planner::model::Precision::Approximate
    );
    assert!(
        a.location_source.contains("Dán từ bảng tính"),
        "{}",
        a.location_source
    );
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(fids_of(&h, layer, |_| true).len(), before);
}
