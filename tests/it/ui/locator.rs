//! The locator (issue 29, "Find anything"): Ctrl+F, towns, communes by their 2025 and
//! pre-2025 names, the plan's 2006 districts, reference features by any field, typed
//! coordinates; arrow keys and Enter.

use super::*;
use egui::{Key, Modifiers};

fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let dx = (a.0 - b.0) * 111.32 * b.1.to_radians().cos();
    let dy = (a.1 - b.1) * 110.57;
    (dx * dx + dy * dy).sqrt()
}

fn find(h: &mut Harness<'static, QnApp>, text: &str) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    let input = h.get_by_role(Role::TextInput);
    assert!(input.is_focused(), "Ctrl+F focuses the locator");
    // Empty it first (Escape clears the box), then type.
    h.key_press(Key::Escape);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_role(Role::TextInput).type_text(text);
    h.run();
}

#[test]
fn ctrl_f_finds_a_town_without_accents_and_enter_goes_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    find(&mut h, "mong cai");
    // Grouped by kind, with counts: the town of the base map and the 2025 ward.
    h.get_by_label_contains("Thị trấn, thành phố (bản đồ nền) (");
    h.get_by_label_contains("Xã, phường từ 1/7/2025 (");
    h.key_press(Key::Enter);
    h.run();
    let (label, at) = h.state().located().expect("the map marks what was found");
    assert_eq!(label, "Móng Cái");
    // GeoNames puts Móng Cái at 21.52 N, 107.97 E.
    assert!(distance_km(at, (107.966, 21.524)) < 3.0, "{at:?}");
    let view = h.state().view().unwrap();
    assert!(view.m_per_px <= 15.0);
}

#[test]
fn communes_are_found_by_their_2025_and_pre_2025_names_and_arrows_choose() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    find(&mut h, "ha khanh");
    // The site, the pre-2025 ward (with what it is now) are listed.
    h.get_by_label_contains("Phường Hà Khánh · Thành phố Hạ Long · mã 06649 · nay ");
    h.get_by_label_contains("Xã, phường trước 1/7/2025 (1)");
    // The first hit is the planning site; Down moves to the next, Enter takes it.
    h.key_press(Key::ArrowDown);
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let (label, at) = h.state().located().expect("a unit is marked");
    assert_eq!(label, "Phường Hà Khánh (tâm gần đúng)");
    assert!(distance_km(at, (107.1307, 21.0020)) < 0.5, "{at:?}");
    // A 2025 special zone.
    find(&mut h, "dac khu co to");
    h.get_by_label_contains("Đặc khu Cô Tô · mã ");
    // The plan's 2006 district, merged since.
    find(&mut h, "Hoành Bồ");
    h.get_by_label_contains(
        "Hoành Bồ (2006) · huyện năm 2006 · nay: Thành phố Hạ Long (sáp nhập vào Hạ Long năm 2019)",
    );
}

#[test]
fn typed_coordinates_are_found_as_vn2000_or_lon_lat() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    find(&mut h, "2330000 430000");
    h.get_by_label_contains("VN-2000 / TM-3 107°45′ (EPSG:5899): E 430000, N 2330000");
    h.key_press(Key::Enter);
    h.run();
    let (_, at) = h.state().located().unwrap();
    // The same point through the app's own transform back to VN-2000.
    let tm3 = qn_planner::io::crs::Tm3::new().unwrap();
    let (e, n) = tm3.tm3_from_lonlat(at.0, at.1).unwrap();
    assert!(
        (e - 430_000.0).abs() < 0.01 && (n - 2_330_000.0).abs() < 0.01,
        "{e} {n}"
    );
    find(&mut h, "21.05 107.3");
    h.get_by_label_contains("WGS 84: 21.05° N, 107.3° E");
    // Escape empties the box and takes the mark off the map.
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().located().is_some());
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.key_press(Key::Escape);
    h.run();
    h.run();
    assert!(h.state().located().is_none());
}

#[test]
fn reference_features_are_found_by_any_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut pf = project(&dir);
    crate::common::import_geojson(
        &mut pf,
        dir.path(),
        "thua.geojson",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"so_thua":15,"loai":"Đất ở","chu":"Nguyễn Văn A"},"geometry":{"type":"Polygon","coordinates":[[[107.05,20.95],[107.06,20.95],[107.06,20.96],[107.05,20.95]]]}},
          {"type":"Feature","properties":{"so_thua":150,"loai":"Đất lúa","chu":"Trần Thị B"},"geometry":{"type":"Point","coordinates":[107.1,21.0]}}]}"#,
        "Thửa đất",
        "#7a5195",
    );
    let mut h = harness_with(Some(pf), None);
    for _ in 0..200 {
        h.run();
        if !h.state().locator_indexing() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(!h.state().locator_indexing());
    find(&mut h, "tran thi");
    h.get_by_label_contains("Đối tượng lớp tham chiếu (1)");
    h.get_by_label("Đất lúa · Thửa đất · Trần Thị B · #2");
    // Two words in two fields: "15" and "đất ở".
    find(&mut h, "15 đất ở");
    h.get_by_label("Đất ở · Thửa đất · #1");
    h.key_press(Key::Enter);
    h.run();
    let (label, at) = h.state().located().unwrap();
    assert_eq!(label, "Đất ở");
    // The box of the parcel, its centre.
    assert!(distance_km(at, (107.055, 20.955)) < 0.1, "{at:?}");
}
