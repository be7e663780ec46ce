//! Kittests of the style panel: a layer categorised from the panel, the map following it,
//! one undo step per change, and the default look back.

use crate::common::ui::{harness_sized, wait_for};
use egui_kittest::kittest::Queryable;
use qn_planner::model::Layer;
use qn_planner::model::style::Renderer;
use qn_planner::store::ProjectFile;

fn zones_drawn(h: &egui_kittest::Harness<qn_planner::app::QnApp>) -> usize {
    h.state()
        .drawn_features()
        .iter()
        .filter(|(l, _)| *l == Layer::IndustrialZones)
        .count()
}

#[test]
fn the_style_panel_categorises_a_layer_and_the_map_follows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    let file = ProjectFile::create(&path, false).unwrap();
    let mut h = harness_sized(Some(file), egui::vec2(1280.0, 1400.0));
    assert_eq!(zones_drawn(&h), 4);
    h.get_by_label("Kiểu dáng của lớp Khu công nghiệp").click();
    h.run();
    wait_for(&mut h, "Xem trước");
    h.get_by_label("kiểu mặc định");
    let undo_before = h.state().history().undo_len();
    // The panel narrows the map: count what it shows beside the panel.
    let shown = zones_drawn(&h);
    assert!(shown >= 3, "{shown}");

    // Categorised by status: pick the symbology, the field, then Classify.
    h.get_by_label("Kiểu ký hiệu").click();
    h.run();
    h.get_by_label("Phân loại theo trường").click();
    h.run();
    h.get_by_label("Trường").click();
    h.run();
    h.get_by_label("trạng thái").click();
    h.run();
    h.get_by_label("Phân loại").click();
    h.run();
    let style = h.state().project().styles["industrial_zones"].clone();
    let Renderer::Categorised {
        field, categories, ..
    } = &style.renderer
    else {
        panic!("{style:?}")
    };
    assert_eq!(field, "status");
    let values: Vec<&str> = categories.iter().map(|c| c.value.as_str()).collect();
    assert!(values.contains(&"established"), "{values:?}");
    assert_eq!(h.state().history().undo_len(), undo_before + 1);
    // In the file, as QML that QGIS reads.
    let on_disk = ProjectFile::open(&path).unwrap().read_styles().unwrap();
    assert_eq!(on_disk["industrial_zones"], style);
    h.get_by_label("kiểu riêng của lớp (lưu trong tệp)");
    assert_eq!(zones_drawn(&h), shown);

    // Hiding one category takes its zones off the map (and their labels with them).
    let drawn_established = |h: &egui_kittest::Harness<qn_planner::app::QnApp>| {
        h.state()
            .drawn_features()
            .iter()
            .filter(|(l, fid)| {
                *l == Layer::IndustrialZones
                    && h.state().project().site(*l, *fid).unwrap().status.as_str() == "established"
            })
            .count()
    };
    let established = drawn_established(&h);
    assert!(established > 0);
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "established")
        .click();
    h.run();
    assert_eq!(drawn_established(&h), 0);
    assert_eq!(zones_drawn(&h), shown - established);
    assert_eq!(h.state().history().undo_len(), undo_before + 2);

    // Undo brings it back, in the file too; undo again: the default look.
    h.get_by_label("Hoàn tác").click();
    h.run();
    assert_eq!(zones_drawn(&h), shown);
    h.get_by_label("Hoàn tác").click();
    h.run();
    assert!(!h.state().project().styles.contains_key("industrial_zones"));
    let on_disk = ProjectFile::open(&path).unwrap().read_styles().unwrap();
    assert!(on_disk.is_empty(), "{on_disk:?}");
    h.get_by_label("kiểu mặc định");
}

#[test]
fn labels_off_then_reset_to_the_default_look() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    let file = ProjectFile::create(&path, false).unwrap();
    let mut h = harness_sized(Some(file), egui::vec2(1280.0, 1400.0));
    let cai_lan = |h: &egui_kittest::Harness<qn_planner::app::QnApp>| {
        h.state()
            .placed_labels()
            .iter()
            .any(|l| l.text == "Cái Lân")
    };
    assert!(cai_lan(&h));
    h.get_by_label("Kiểu dáng của lớp Khu công nghiệp").click();
    h.run();
    wait_for(&mut h, "Xem trước");
    h.get_by_label("Trường nhãn").click();
    h.run();
    h.get_by_label("(không nhãn)").click();
    h.run();
    assert_eq!(
        h.state().project().styles["industrial_zones"].labels.field,
        None
    );
    assert!(!cai_lan(&h), "the zones' labels are off");
    h.get_by_label("Về kiểu mặc định").click();
    h.run();
    assert!(h.state().project().styles.is_empty());
    assert!(cai_lan(&h), "the default look labels the zones again");
    assert!(
        ProjectFile::open(&path)
            .unwrap()
            .read_styles()
            .unwrap()
            .is_empty()
    );
    h.get_by_label("Đóng").click();
    h.run();
    assert!(h.query_by_label("Kiểu dáng").is_none());
}

/// Load QML… and Save QML… through the in-app file browser (no native dialog here): a file
/// that is not a style is refused in the panel with its reason and changes nothing; a QGIS
/// 3.22 style applies as one edit; the layer's style is written back as QML.
#[test]
fn qml_in_and_out_of_the_panel() {
    // SAFETY: set before any thread of this test reads it; the other tests of this file
    // never open a file dialog.
    unsafe { std::env::set_var("QN_PLANNER_NO_NATIVE_DIALOG", "1") };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    let file = ProjectFile::create(&path, false).unwrap();
    std::fs::write(dir.path().join("hong.qml"), "đây không phải XML").unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/qml/categorised_marker.qml"),
        dir.path().join("qgis.qml"),
    )
    .unwrap();
    let mut h = harness_sized(Some(file), egui::vec2(1280.0, 1400.0));
    h.get_by_label("Kiểu dáng của lớp Cụm công nghiệp").click();
    h.run();
    wait_for(&mut h, "Xem trước");
    let undo_before = h.state().history().undo_len();

    h.get_by_label("Nhập QML…").click();
    h.run();
    h.get_by_label("hong.qml").click();
    h.run();
    h.get_by_label("Mở").click();
    h.run();
    wait_for(&mut h, "không phải kiểu dáng QML");
    assert!(h.state().project().styles.is_empty());
    assert_eq!(h.state().history().undo_len(), undo_before);

    h.get_by_label("Nhập QML…").click();
    h.run();
    h.get_by_label("qgis.qml").click();
    h.run();
    h.get_by_label("Mở").click();
    h.run();
    let style = h.state().project().styles["industrial_clusters"].clone();
    assert_eq!(style.field(), Some("status"));
    assert_eq!(style.legend().len(), 3);
    assert_eq!(h.state().history().undo_len(), undo_before + 1);

    h.get_by_label("Xuất QML…").click();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Tên tệp")
        .click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Tên tệp")
        .type_text("ra.qml");
    h.run();
    h.get_by_label("Lưu").click();
    h.run();
    wait_for(&mut h, "đã ghi");
    let out = std::fs::read_to_string(dir.path().join("ra.qml")).unwrap();
    let fields: Vec<String> = qn_planner::model::style::SITE_FIELDS
        .iter()
        .map(|(f, _)| f.to_string())
        .collect();
    let back = qn_planner::store::qml::read(
        &out,
        "industrial_clusters",
        qn_planner::store::qml::GeomKind::Point,
        &fields,
        &style,
    )
    .unwrap();
    assert!(back.lossless);
    assert_eq!(back.style, style);
}
