//! The import window: reference layers listed and hidden, VN-2000 files on a worker, CSV
//! columns, planning-layer imports as one undo step, GeoPackage layers, TCVN3 Shapefiles
//! previewed; and the vertex tool.

use super::*;

#[test]
fn an_imported_reference_layer_is_listed_and_can_be_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let mut pf = project(&dir);
    crate::common::import_geojson(
        &mut pf,
        dir.path(),
        "thua.geojson",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"ten":"Thửa 1"},"geometry":{"type":"Polygon","coordinates":[[[107.05,20.95],[107.06,20.95],[107.06,20.96],[107.05,20.95]]]}},
          {"type":"Feature","properties":{"ten":"Thửa 2"},"geometry":{"type":"Point","coordinates":[107.1,21.0]}},
          {"type":"Feature","properties":{"ten":"Thửa nhỏ (dưới một điểm ảnh)"},"geometry":{"type":"Polygon","coordinates":[[[107.2,21.0],[107.2001,21.0],[107.2001,21.0001],[107.2,21.0]]]}}]}"#,
        "Thửa đất đo đạc",
        "#7a5195",
    );
    let mut h = harness_with(Some(pf), None);
    h.get_by_label("Lớp tham chiếu");
    // The sub-pixel parcel is drawn through the dot image; a few frames must go through.
    h.run_steps(3);
    assert_eq!(
        h.state().reference_layers(),
        vec![("Thửa đất đo đạc".to_string(), 3, true)]
    );
    // Labelled by a field (the style panel's label field, as QGIS's Labels tab): the map
    // draws the parcels' names.
    assert_eq!(
        h.state().reference_labels(),
        vec![("Thửa đất đo đạc".to_string(), 0, 0)]
    );
    h.get_by_label("Kiểu dáng của lớp Thửa đất đo đạc").click();
    h.run();
    wait_for(&mut h, "Xem trước");
    h.get_by_label("Trường nhãn").click();
    h.run();
    h.get_by_label("ten").click();
    h.run_steps(3);
    let labels = h.state().reference_labels();
    assert_eq!(labels[0].1, 3, "every parcel has its label: {labels:?}");
    assert!(labels[0].2 >= 1, "labels are drawn: {labels:?}");
    h.get_by_label("Thửa đất đo đạc (3)").click();
    h.run_steps(3);
    assert_eq!(
        h.state().reference_layers(),
        vec![("Thửa đất đo đạc".to_string(), 3, false)]
    );
    assert_eq!(
        h.state().reference_labels()[0].2,
        0,
        "a hidden layer draws no labels"
    );
}

#[test]
fn import_window_reads_a_vn2000_file_and_imports_it_on_a_worker() {
    let dir = tempfile::tempdir().unwrap();
    let pf = project(&dir);
    let input = dir.path().join("mốc khảo sát.geojson");
    std::fs::write(
        &input,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"ten":"Mốc 1"},"geometry":{"type":"Point","coordinates":[430127.565,2317566.472]}},
          {"type":"Feature","properties":{"ten":"Mốc 2"},"geometry":{"type":"Point","coordinates":[522595.916,2380540.796]}}]}"#,
    )
    .unwrap();
    let mut h = harness_with(Some(pf), None);
    h.state_mut().import_file(input.clone());
    wait_for(&mut h, "2 đối tượng");
    // No crs member: the system is guessed from the ranges and shown before import.
    h.get_by_label_contains("đoán theo phạm vi tọa độ");
    assert_eq!(
        h.state().import_choice(),
        Some((
            qn_planner::io::crs::Crs::Vn2000Tm3,
            "mốc khảo sát".to_string()
        ))
    );
    h.get_by_label("Nhập").click();
    wait_for(&mut h, "Đã nhập:");
    h.run_steps(3);
    assert_eq!(
        h.state().reference_layers(),
        vec![("mốc khảo sát".to_string(), 2, true)]
    );
    h.get_by_label("mốc khảo sát (2)");
    // The window offers to show what came in: the map goes to the new layer's box.
    h.get_by_label("Phóng tới lớp vừa nhập").click();
    h.run();
    let (label, at) = h.state().located().expect("the new layer is marked");
    assert_eq!(label, "mốc khảo sát");
    // Between the two marks (about 107.07 E 20.95 N and 107.96 E 21.52 N).
    assert!(
        (107.3..107.7).contains(&at.0) && (21.1..21.4).contains(&at.1),
        "{at:?}"
    );
    let tm3 = qn_planner::io::crs::Tm3::new().unwrap();
    let view = h.state().view().unwrap();
    let (e, n) = tm3.tm3_from_lonlat(at.0, at.1).unwrap();
    assert!((view.centre[0] - e).abs() < 1.0 && (view.centre[1] - n).abs() < 1.0);
}

#[test]
fn import_window_lets_the_planner_choose_csv_columns() {
    let dir = tempfile::tempdir().unwrap();
    let pf = project(&dir);
    // Semicolons, and coordinate columns whose names say nothing: the first guess (the
    // first two columns) fails, and the planner picks the right ones in the window.
    let input = dir.path().join("điểm đo.csv");
    std::fs::write(
        &input,
        "ten;bac;dong\nMốc 1;2317566.472;430127.565\nMốc 2;2380540.796;522595.916\n",
    )
    .unwrap();
    let mut h = harness_with(Some(pf), None);
    h.state_mut().import_file(input.clone());
    wait_for(&mut h, "Không nhập được:");
    h.get_by_label_contains("\"Mốc 1\" không phải là số");
    h.get_by_label("Dấu phân cách");
    // X is the first column, "ten": open its list and choose "dong".
    h.get_by_label("Cột X (kinh độ, hướng đông)").click();
    h.run_steps(2);
    h.get_by_label("dong").click();
    h.run_steps(2);
    wait_for(&mut h, "2 đối tượng");
    h.get_by_label_contains("đoán theo phạm vi tọa độ");
    assert_eq!(
        h.state().import_choice(),
        Some((qn_planner::io::crs::Crs::Vn2000Tm3, "điểm đo".to_string()))
    );
    h.get_by_label("Nhập").click();
    wait_for(&mut h, "Đã nhập:");
    h.run_steps(3);
    assert_eq!(
        h.state().reference_layers(),
        vec![("điểm đo".to_string(), 2, true)]
    );
    // The import is one undo step: Ctrl+Z takes the layer out of the file and the panel.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(3);
    assert_eq!(h.state().error_message(), None);
    assert!(h.state().reference_layers().is_empty());
    // Redo brings it back from the project file itself: the CSV may be gone by then.
    std::fs::remove_file(&input).unwrap();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Y);
    h.run_steps(3);
    assert_eq!(h.state().error_message(), None);
    assert_eq!(
        h.state().reference_layers(),
        vec![("điểm đo".to_string(), 2, true)]
    );
}

#[test]
fn import_into_a_planning_layer_maps_fields_and_is_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let pf = project(&dir);
    let input = dir.path().join("cum moi.geojson");
    std::fs::write(
        &input,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"ten":"Cụm CN Đồng Sơn","nganh":"cơ khí","lao_dong":350},"geometry":{"type":"Polygon","coordinates":[[[107.00,21.00],[107.01,21.00],[107.01,21.01],[107.00,21.01],[107.00,21.00]]]}},
          {"type":"Feature","properties":{"ten":"Cụm CN Hà Tu","nganh":"vật liệu","lao_dong":120},"geometry":{"type":"Point","coordinates":[107.15,20.98]}}]}"#,
    )
    .unwrap();
    let mut h = harness_with(Some(pf), None);
    let before = h
        .state()
        .project()
        .sites_of(Layer::ProposedClusters)
        .count();
    h.state_mut().import_file(input.clone());
    wait_for(&mut h, "2 đối tượng");
    h.get_by_label("Nhập vào").click();
    h.run_steps(2);
    h.get_by_label("Lớp quy hoạch: Cụm công nghiệp dự kiến")
        .click();
    h.run_steps(2);
    // The usual names are mapped already: ten → Tên, nganh → Ngành nghề chính, lao_dong → Lao động.
    h.get_by_label("Điền các trường từ trường trong tệp");
    h.get_by_label("Nhập").click();
    wait_for(&mut h, "Đã nhập:");
    let added: Vec<_> = h
        .state()
        .project()
        .sites_of(Layer::ProposedClusters)
        .filter(|s| s.location_source.starts_with("Nhập từ cum moi.geojson"))
        .cloned()
        .collect();
    assert_eq!(added.len(), 2);
    assert_eq!(
        h.state()
            .project()
            .sites_of(Layer::ProposedClusters)
            .count(),
        before + 2
    );
    let dong_son = added.iter().find(|s| s.name == "Cụm CN Đồng Sơn").unwrap();
    assert_eq!(dong_son.main_industries, "cơ khí");
    assert_eq!(dong_son.jobs, Some(350));
    assert!(dong_son.area_ha.is_some_and(|a| a > 100.0 && a < 130.0));
    // On disk too, and gone again with one undo.
    let path = dir.path().join("p.gpkg");
    let on_disk = ProjectFile::open(&path).unwrap().read_project().unwrap();
    assert_eq!(
        on_disk.sites_of(Layer::ProposedClusters).count(),
        before + 2
    );
    assert_eq!(h.state().history().undo_len(), 1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(
        h.state()
            .project()
            .sites_of(Layer::ProposedClusters)
            .count(),
        before
    );
    let on_disk = ProjectFile::open(&path).unwrap().read_project().unwrap();
    assert_eq!(on_disk.sites_of(Layer::ProposedClusters).count(), before);
}

#[test]
fn import_window_lists_the_layers_of_a_geopackage() {
    let dir = tempfile::tempdir().unwrap();
    let pf = project(&dir);
    // Another project: a GeoPackage with several feature tables.
    let other = dir.path().join("khac.gpkg");
    drop(ProjectFile::create(&other, false).unwrap());
    let mut h = harness_with(Some(pf), None);
    h.state_mut().import_file(other.clone());
    wait_for(&mut h, "đối tượng ·");
    h.get_by_label("Lớp trong tệp GeoPackage").click();
    h.run_steps(2);
    h.get_by_label("industrial_zones").click();
    wait_for(&mut h, "4 đối tượng");
    h.get_by_label("Nhập").click();
    wait_for(&mut h, "Đã nhập:");
    h.run_steps(3);
    assert_eq!(
        h.state().reference_layers(),
        vec![("industrial_zones".to_string(), 4, true)]
    );
}

/// The vertex tool: dragging the midpoint of an edge inserts a vertex and moves it (one undo
/// step, applied over several frames through the command path); a right click on a corner
/// deletes it.
#[test]
fn vertex_tool_inserts_moves_and_deletes_vertices() {
    use geo_types::Geometry;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let file = ProjectFile::open_session(&path, None).unwrap().file;
    let mut h = harness_with(Some(file), None);
    h.get_by_label("Vẽ vùng").click();
    h.run();
    for (lon, lat) in [
        (107.15, 21.15),
        (107.25, 21.15),
        (107.25, 21.25),
        (107.15, 21.25),
    ] {
        let p = h.state().screen_from_lonlat(lon, lat).unwrap();
        click(&mut h, p);
    }
    h.key_press(egui::Key::Enter);
    h.run();
    let (l, f) = h.state().selected().expect("the new polygon is selected");
    let ring_len = |h: &Harness<'static, QnApp>| match &h.state().project().site(l, f).unwrap().geom
    {
        Some(Geometry::Polygon(p)) => p.exterior().0.len(),
        Some(Geometry::MultiPolygon(m)) => m.0[0].exterior().0.len(),
        g => panic!("not a polygon: {g:?}"),
    };
    assert_eq!(ring_len(&h), 5, "4 corners and the closing one");
    h.get_by_label("Sửa đỉnh").click();
    h.run();
    // Drag the midpoint of the southern edge 30 px further south.
    let from = h.state().screen_from_lonlat(107.20, 21.15).unwrap();
    h.hover_at(from);
    h.run();
    h.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Default::default(),
    });
    h.run();
    for k in 1..=6 {
        h.event(egui::Event::PointerMoved(
            from + egui::vec2(0.0, 5.0 * k as f32),
        ));
        h.run();
    }
    let to = from + egui::vec2(0.0, 30.0);
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Default::default(),
    });
    h.run();
    assert_eq!(h.state().error_message(), None);
    assert_eq!(ring_len(&h), 6, "a vertex was inserted");
    let south = match &h.state().project().site(l, f).unwrap().geom {
        Some(Geometry::Polygon(p)) => p.exterior().0.iter().map(|c| c.y).fold(90.0, f64::min),
        Some(Geometry::MultiPolygon(m)) => {
            m.0[0].exterior().0.iter().map(|c| c.y).fold(90.0, f64::min)
        }
        _ => unreachable!(),
    };
    assert!(south < 21.14, "and moved south: {south}");
    assert_eq!(
        h.state().history().undo_len(),
        2,
        "drawing, then the whole vertex drag as one step"
    );
    let on_disk = ProjectFile::open_read_only(&path)
        .unwrap()
        .read_project()
        .unwrap();
    assert_eq!(
        on_disk.site(l, f).unwrap().geom,
        h.state().project().site(l, f).unwrap().geom
    );
    // A right click on the north-east corner deletes it.
    let corner = h.state().screen_from_lonlat(107.25, 21.25).unwrap();
    h.hover_at(corner);
    h.run();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: corner,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: Default::default(),
        });
    }
    h.run();
    h.run();
    assert_eq!(ring_len(&h), 5, "a corner was deleted");
    // Undo twice: back to the square.
    for _ in 0..2 {
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
        h.run();
    }
    assert_eq!(ring_len(&h), 5);
    assert_eq!(h.state().history().undo_len(), 1);
    assert_eq!(h.state().error_message(), None);
}

/// A point Shapefile written byte by byte, its one text field "ten_cum" holding `names` in
/// the bytes given (a TCVN3 file as offices hold them), and a `.cpg` claiming Latin-1.
fn legacy_point_shapefile(path: &std::path::Path, points: &[(f64, f64)], names: &[Vec<u8>]) {
    let header = |words: u32, bbox: [f64; 4]| {
        let mut h = Vec::new();
        h.extend_from_slice(&9994i32.to_be_bytes());
        h.extend_from_slice(&[0; 20]);
        h.extend_from_slice(&words.to_be_bytes());
        h.extend_from_slice(&1000i32.to_le_bytes());
        h.extend_from_slice(&1i32.to_le_bytes());
        for v in bbox {
            h.extend_from_slice(&v.to_le_bytes());
        }
        h.extend_from_slice(&[0; 32]);
        h
    };
    let bbox = [
        points.iter().map(|p| p.0).fold(f64::MAX, f64::min),
        points.iter().map(|p| p.1).fold(f64::MAX, f64::min),
        points.iter().map(|p| p.0).fold(f64::MIN, f64::max),
        points.iter().map(|p| p.1).fold(f64::MIN, f64::max),
    ];
    let n = points.len() as u32;
    let mut shp = header(50 + 14 * n, bbox);
    let mut shx = header(50 + 4 * n, bbox);
    for (i, (x, y)) in points.iter().enumerate() {
        shx.extend_from_slice(&(50 + 14 * i as u32).to_be_bytes());
        shx.extend_from_slice(&10u32.to_be_bytes());
        shp.extend_from_slice(&(i as u32 + 1).to_be_bytes());
        shp.extend_from_slice(&10u32.to_be_bytes());
        shp.extend_from_slice(&1u32.to_le_bytes());
        shp.extend_from_slice(&x.to_le_bytes());
        shp.extend_from_slice(&y.to_le_bytes());
    }
    std::fs::write(path, shp).unwrap();
    std::fs::write(path.with_extension("shx"), shx).unwrap();
    let mut dbf = vec![0x03, 107, 1, 1];
    dbf.extend_from_slice(&n.to_le_bytes());
    dbf.extend_from_slice(&65u16.to_le_bytes());
    dbf.extend_from_slice(&41u16.to_le_bytes());
    dbf.extend_from_slice(&[0; 20]);
    let mut field = [0u8; 32];
    field[..7].copy_from_slice(b"ten_cum");
    field[11] = b'C';
    field[16] = 40;
    dbf.extend_from_slice(&field);
    dbf.push(0x0D);
    for name in names {
        let mut rec = vec![b' '; 41];
        rec[1..1 + name.len()].copy_from_slice(name);
        dbf.extend_from_slice(&rec);
    }
    dbf.push(0x1A);
    std::fs::write(path.with_extension("dbf"), dbf).unwrap();
    std::fs::write(path.with_extension("cpg"), "LATIN1").unwrap();
}

#[test]
fn import_window_previews_a_tcvn3_shapefile_and_lets_the_planner_choose_the_encoding() {
    use qn_planner::io::encoding::{Encoding, encode};
    let dir = tempfile::tempdir().unwrap();
    let pf = project(&dir);
    let input = dir.path().join("cum_cn.shp");
    let names = [
        "Cụm công nghiệp Hà Khánh",
        "Cụm công nghiệp Hải Hòa",
        "KHU CÔNG NGHIỆP CÁI LÂN",
    ];
    let bytes: Vec<Vec<u8>> = names
        .iter()
        .map(|n| encode(n, Encoding::Tcvn3).unwrap())
        .collect();
    legacy_point_shapefile(
        &input,
        &[
            (430_127.565, 2_317_566.472),
            (522_595.916, 2_380_540.796),
            (450_000.0, 2_330_000.0),
        ],
        &bytes,
    );
    let mut h = harness_with(Some(pf), None);
    h.state_mut().import_file(input.clone());
    wait_for(&mut h, "3 đối tượng");
    // Detected, said why (in Vietnamese), and the first records shown decoded and recased.
    h.get_by_label_contains("TCVN3 (ABC, .VnTime): .cpg ghi LATIN1, nhưng đọc theo Latin-1");
    h.get_by_label("Cụm công nghiệp Hà Khánh");
    h.get_by_label("KHU CÔNG NGHIỆP CÁI LÂN");
    // The planner picks Latin-1: the preview is read again, as the .cpg claims it.
    h.get_by_label("Bảng mã chữ").click();
    h.run_steps(2);
    h.get_by_label("Latin-1 (ISO 8859-1)").click();
    wait_for(&mut h, "Côm c«ng nghiÖp Hµ Kh¸nh");
    h.get_by_label_contains("do người dùng chọn");
    // And back to automatic; the import brings the decoded names in.
    h.get_by_label("Bảng mã chữ").click();
    h.run_steps(2);
    h.get_by_label("Tự động").click();
    wait_for(&mut h, "Cụm công nghiệp Hải Hòa");
    h.get_by_label("Nhập").click();
    wait_for(&mut h, "Đã nhập:");
    h.run_steps(3);
    assert_eq!(
        h.state().reference_layers(),
        vec![("cum_cn".to_string(), 3, true)]
    );
    let pf = ProjectFile::open(&dir.path().join("p.gpkg")).unwrap();
    let mut got = Vec::new();
    pf.for_each_table_feature("ref_cum_cn", &mut |f| {
        for (k, v) in f.attrs {
            if k == "ten_cum"
                && let qn_planner::io::import::Value::Text(t) = v
            {
                got.push(t);
            }
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(got, names);
}
