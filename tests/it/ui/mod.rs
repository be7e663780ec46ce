//! The real app in egui_kittest: layers, search, selection, language. egui_kittest panics on
//! any glyph missing from the fonts, so every test also checks that Vietnamese renders.

use crate::common;

use crate::common::ui::{click, wait_for};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use qn_planner::app::QnApp;
use qn_planner::model::Layer;
use qn_planner::settings::Settings;
use qn_planner::store::ProjectFile;

mod import;
mod locator;
mod selection;
mod table;
mod toolbar;
mod units;
mod welcome;

fn harness_with(file: Option<ProjectFile>, error: Option<String>) -> Harness<'static, QnApp> {
    harness_sized(file, error, egui::vec2(1280.0, 800.0))
}

fn harness_sized(
    file: Option<ProjectFile>,
    error: Option<String>,
    size: egui::Vec2,
) -> Harness<'static, QnApp> {
    common::ui::harness_full(file, error, Settings::default(), size)
}

fn project(dir: &tempfile::TempDir) -> ProjectFile {
    ProjectFile::create(&dir.path().join("p.gpkg"), false).expect("project created")
}

#[test]
fn toggling_a_layer_hides_its_features() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    let zones = |h: &Harness<QnApp>| {
        h.state()
            .drawn_features()
            .iter()
            .filter(|(l, _)| *l == Layer::IndustrialZones)
            .count()
    };
    assert_eq!(zones(&h), 4, "all four zones are on the map at start");
    assert!(h.state().is_layer_visible(Layer::IndustrialZones));
    h.get_by_label("Khu công nghiệp (4)").click();
    h.run();
    assert!(!h.state().is_layer_visible(Layer::IndustrialZones));
    assert_eq!(zones(&h), 0, "no zone is drawn once the layer is off");
    assert!(
        !h.state()
            .placed_labels()
            .iter()
            .any(|l| l.text == "Cái Lân"),
        "the hidden layer's labels go too"
    );
    // Other layers stay.
    assert!(
        h.state()
            .drawn_features()
            .iter()
            .any(|(l, _)| *l == Layer::IndustrialClusters)
    );
    h.get_by_label("Khu công nghiệp (4)").click();
    h.run();
    assert_eq!(zones(&h), 4);
}

#[test]
fn search_without_accents_selects_the_site_and_shows_its_paragraph() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    h.get_by_role(Role::TextInput).click();
    h.run();
    h.get_by_role(Role::TextInput).type_text("hai hoa");
    h.run();
    h.get_by_label("Hải Hòa · Cụm công nghiệp · Móng Cái")
        .click();
    h.run();
    let (layer, fid) = h.state().selected().expect("a site is selected");
    assert_eq!(layer, Layer::IndustrialClusters);
    let site = h.state().project().site(layer, fid).unwrap();
    assert_eq!(site.name, "Hải Hòa");
    // The attribute panel shows the source paragraph and the location's precision.
    h.get_by_label("¶3; ¶9");
    h.get_by_label("tâm phường/xã");
    // The map zoomed to the site: it is drawn at the centre of the map.
    let view = h.state().view().unwrap();
    assert!(view.m_per_px <= 30.0);
    assert!(h.state().drawn_features().contains(&(layer, fid)));
}

#[test]
fn clicking_a_site_on_the_map_selects_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    let target = h.state().find_site("Cô Tô");
    assert!(target.is_none(), "Cô Tô is a town, not a site");
    let (layer, fid) = h.state().find_site("Quảng Thành").unwrap();
    let pos = h.state().screen_pos_of(layer, fid).unwrap();
    h.hover_at(pos);
    h.run();
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Default::default(),
    });
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Default::default(),
    });
    h.run();
    assert_eq!(h.state().selected(), Some((layer, fid)));
    h.get_by_label("Quảng Thành");
}

#[test]
fn language_switch_changes_the_labels() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    h.get_by_label("Lớp quy hoạch");
    h.get_by_label("English").click();
    h.run();
    assert_eq!(h.state().language(), qn_planner::settings::Language::En);
    h.get_by_label("Planning layers");
    h.get_by_label("Industrial zones (4)");
    assert!(h.query_by_label("Khu công nghiệp (4)").is_none());
    h.get_by_label("Tiếng Việt").click();
    h.run();
    h.get_by_label("Khu công nghiệp (4)");
}

#[test]
fn labels_on_the_default_map_do_not_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness_with(Some(project(&dir)), None);
    let labels = h.state().placed_labels();
    assert!(labels.len() >= 20, "only {} labels placed", labels.len());
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(
                !a.rect.intersects(b.rect) || a.rect.intersect(b.rect).area() <= 0.0,
                "'{}' overlaps '{}'",
                a.text,
                b.text
            );
        }
    }
    // Towns are labelled with their Vietnamese names.
    assert!(labels.iter().any(|l| l.text == "Móng Cái"));
}

#[test]
fn a_file_that_cannot_be_opened_is_reported_in_the_window() {
    let h = harness_with(
        None,
        Some("x.gpkg: not a GeoPackage (not an SQLite database)".into()),
    );
    h.get_by_label_contains("not a GeoPackage");
    assert!(h.state().project().sites.is_empty());
}

#[test]
fn plus_and_minus_zoom_and_fit_province_restores_the_view() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    let start = h.state().view().unwrap();
    h.key_press(egui::Key::Plus);
    h.run();
    let zoomed = h.state().view().unwrap();
    assert!(
        (zoomed.m_per_px - start.m_per_px / 2.0).abs() < 1e-6,
        "{zoomed:?}"
    );
    h.key_press(egui::Key::Minus);
    h.key_press(egui::Key::Minus);
    h.run();
    assert!((h.state().view().unwrap().m_per_px - start.m_per_px * 2.0).abs() < 1e-6);
    h.get_by_label("Vừa toàn tỉnh").click();
    h.run();
    let fit = h.state().view().unwrap();
    assert!((fit.m_per_px - start.m_per_px).abs() < 1e-6);
}

#[test]
fn draw_a_polygon_see_its_area_in_the_table_undo_and_redo() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let file = ProjectFile::open_session(&path, None).unwrap().file;
    let mut h = harness_with(Some(file), None);
    let before = h
        .state()
        .project()
        .sites_of(Layer::ProposedClusters)
        .count();
    h.get_by_label("Vẽ vùng").click();
    h.run();
    // A 0.1° square in the empty hills west of Ba Chẽ.
    let corners = [
        (107.15, 21.15),
        (107.25, 21.15),
        (107.25, 21.25),
        (107.15, 21.25),
    ];
    for (lon, lat) in corners {
        let p = h.state().screen_from_lonlat(lon, lat).unwrap();
        click(&mut h, p);
    }
    h.key_press(egui::Key::Enter);
    h.run();
    let sites: Vec<_> = h
        .state()
        .project()
        .sites_of(Layer::ProposedClusters)
        .cloned()
        .collect();
    assert_eq!(
        sites.len(),
        before + 1,
        "the polygon became a new proposed cluster"
    );
    let new = sites.iter().max_by_key(|s| s.fid).unwrap().clone();
    assert!(new.is_area());
    let area = new.area_ha.unwrap();
    // 0.1° × 0.1° at 21.2° N is about 11,500 ha; the clicks land within a pixel of the corners.
    assert!((area - 11_500.0).abs() < 500.0, "{area}");
    assert_eq!(
        h.state().selected(),
        Some((Layer::ProposedClusters, new.fid))
    );
    // It is in the file, not only on screen.
    let on_disk = ProjectFile::open_read_only(&path)
        .unwrap()
        .read_project()
        .unwrap();
    assert!(on_disk.site(Layer::ProposedClusters, new.fid).is_some());

    h.get_by_label("Bảng thuộc tính").click();
    h.run();
    let cell = format!("{area:.2}");
    h.get_by_label(&cell);

    assert_eq!(h.state().history().undo_len(), 1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().error_message(), None);
    assert_eq!(h.state().history().undo_len(), 0, "one step, now undone");
    assert_eq!(
        h.state()
            .project()
            .sites_of(Layer::ProposedClusters)
            .count(),
        before
    );
    assert!(h.query_by_label(&cell).is_none(), "undo removed the row");
    let on_disk = ProjectFile::open_read_only(&path)
        .unwrap()
        .read_project()
        .unwrap();
    assert!(on_disk.site(Layer::ProposedClusters, new.fid).is_none());

    h.get_by_label("Làm lại").click();
    h.run();
    assert_eq!(
        h.state()
            .project()
            .site(Layer::ProposedClusters, new.fid)
            .map(|s| s.area_ha),
        Some(new.area_ha)
    );
    h.get_by_label(&cell);
}

#[test]
fn measure_tool_reports_geodesic_length() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    h.get_by_label("Đo").click();
    h.run();
    let a = h.state().screen_from_lonlat(107.2, 21.2).unwrap();
    let b = h.state().screen_from_lonlat(107.3, 21.2).unwrap();
    click(&mut h, a);
    click(&mut h, b);
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(
        h.state().current_measurement().is_none(),
        "Esc clears the measurement"
    );
    click(&mut h, a);
    click(&mut h, b);
    let m = h.state().current_measurement().unwrap();
    // 0.1° of longitude at 21.2° N on WGS84 ≈ 10,386 m; a click lands within half a pixel
    // (~100 m at this zoom) of its point.
    assert!((m.length_m - 10_386.0).abs() < 250.0, "{m:?}");
    assert_eq!(m.area_ha, None);
}

/// A project with a second scenario in which Hà Khánh opens in 2012.
fn project_with_scenario(dir: &tempfile::TempDir) -> (ProjectFile, i64, i64) {
    use qn_planner::edit::Edit;
    use qn_planner::scenario::GrowthPeriod;
    let path = dir.path().join("sc.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let mut pf = ProjectFile::open(&path).unwrap();
    let mut p = pf.read_project().unwrap();
    let reference = p.reference_scenario().unwrap().clone();
    let mut s = reference.clone();
    s.id = 0;
    s.is_reference = false;
    s.name = "Phương án Hà Khánh 2012".into();
    s.growth = vec![GrowthPeriod {
        key: String::new(),
        from: 2008,
        to: 2020,
        rate_pct: 12.0,
    }];
    let hk = p
        .sites
        .iter()
        .find(|x| x.name == "Hà Khánh")
        .unwrap()
        .clone();
    s.set_open_year(hk.layer, hk.fid, Some(2012));
    Edit::scenario(None, Some(s))
        .apply(&mut pf, &mut p)
        .unwrap();
    let id = p.scenario_by_name("Phương án Hà Khánh 2012").unwrap().id;
    (pf, id, hk.fid)
}

#[test]
fn the_year_slider_changes_which_proposed_clusters_are_shown() {
    let dir = tempfile::tempdir().unwrap();
    let (pf, id, hk) = project_with_scenario(&dir);
    let mut h = harness_with(Some(pf), None);
    h.get_by_label("Kịch bản").click();
    h.run();
    h.state_mut().set_active_scenario(Some(id));
    h.run();
    let shown = |h: &Harness<QnApp>| {
        h.state()
            .drawn_features()
            .contains(&(Layer::ProposedClusters, hk))
    };
    // Drag the slider to its left end: 2006, before Hà Khánh opens.
    let slider = h.get_by_role(Role::Slider);
    let r = slider.rect();
    let left = egui::pos2(r.min.x + 1.0, r.center().y);
    click(&mut h, left);
    assert_eq!(h.state().scenario_year(), 2006);
    assert!(!shown(&h), "Hà Khánh is ghosted in 2006");
    let proposed_2006 = h
        .state()
        .drawn_features()
        .iter()
        .filter(|(l, _)| *l == Layer::ProposedClusters)
        .count();
    assert_eq!(proposed_2006, 0);
    for _ in 0..5 {
        h.get_by_label(">").click();
        h.run();
    }
    assert_eq!(h.state().scenario_year(), 2011);
    assert!(!shown(&h));
    h.get_by_label(">").click();
    h.run();
    assert_eq!(h.state().scenario_year(), 2012);
    assert!(shown(&h), "Hà Khánh opens in 2012");
}

#[test]
fn the_compare_view_lists_the_indicators_of_two_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let (pf, _id, _hk) = project_with_scenario(&dir);
    let mut h = harness_with(Some(pf), None);
    h.get_by_label("Kịch bản").click();
    h.run();
    h.get_by_label("So sánh").click();
    h.run();
    h.get_by_label("Quy hoạch 2007 (tham chiếu)").click();
    h.run();
    h.get_by_label("Phương án Hà Khánh 2012").click();
    h.run();
    // Indicator rows in Vietnamese, with the scenarios side by side.
    h.get_by_label("Giá trị SXCN (tỷ đồng)");
    h.get_by_label("Tỉ lệ cụm dự kiến đã mở (%)");
    // 2015 output: 20,150 × 1.12^8 in the second scenario, none in the reference.
    let v = format!("{:.2}", 20_150.0 * 1.12f64.powi(8));
    h.get_by_label(&v);
    // Hà Khánh is the one site whose phase differs.
    h.get_by_label_contains("1 địa điểm có năm mở khác nhau");
}

#[test]
fn a_failed_rule_shows_in_the_form_and_is_accepted_with_a_reason() {
    use qn_planner::edit::Edit;
    use qn_planner::model::{Site, Status};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let mut pf = ProjectFile::open(&path).unwrap();
    let mut p = pf.read_project().unwrap();
    // About 60 ha (0.0072° square at 21.2 N), decided in 2012: QĐ 105/2009 allows 50 ha.
    let d = 0.0072;
    let mut s = Site::new(Layer::ProposedClusters, "Cụm 60 ha", Status::Proposed);
    s.geom = Some(geo_types::Geometry::Polygon(geo_types::Polygon::new(
        geo_types::LineString::from(vec![
            (107.2, 21.2),
            (107.2 + d, 21.2),
            (107.2 + d, 21.2 + d),
            (107.2, 21.2 + d),
            (107.2, 21.2),
        ]),
        vec![],
    )));
    s.decision_year = Some(2012);
    Edit::insert(s).apply(&mut pf, &mut p).unwrap();
    let fid = p.sites.iter().find(|x| x.name == "Cụm 60 ha").unwrap().fid;
    // A tall window, so the whole form (rules at its foot) is on screen.
    let mut h = harness_sized(Some(pf), None, egui::vec2(1280.0, 1600.0));
    h.get_by_role(Role::TextInput).click();
    h.run();
    h.get_by_role(Role::TextInput).type_text("cum 60");
    h.run();
    h.get_by_label("Cụm 60 ha · Cụm công nghiệp dự kiến")
        .click();
    h.run();
    // The verdict, the figure against the limit and the citation, in the form.
    h.get_by_label("không đạt");
    h.get_by_label_contains("ha so với giới hạn 0–50 ha");
    h.get_by_label_contains("QĐ 105/2009/QĐ-TTg, Quy chế, Điều 2 (nguồn thứ cấp)");
    let (year, results) = h
        .state_mut()
        .rule_results(Layer::ProposedClusters, fid)
        .unwrap();
    assert_eq!(year, 2012);
    assert!(results.iter().any(|r| r.rule_key == "ccn_area_qd105_2009"
        && r.verdict == qn_planner::analysis::rules::Verdict::Fail));
    // Accept it with a reason: stored with the site, in the file.
    h.get_by_role_and_label(Role::TextInput, "Lý do:").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Lý do:")
        .type_text("mở rộng theo QĐ tỉnh");
    h.run();
    h.get_by_label("Chấp nhận").click();
    h.run();
    let site = h
        .state()
        .project()
        .site(Layer::ProposedClusters, fid)
        .unwrap()
        .clone();
    assert!(
        site.accepted_warnings
            .iter()
            .any(|a| a.check == "rule:ccn_area_qd105_2009" && a.reason == "mở rộng theo QĐ tỉnh")
    );
    let on_disk = ProjectFile::open_read_only(&path)
        .unwrap()
        .read_project()
        .unwrap();
    assert_eq!(
        on_disk
            .site(Layer::ProposedClusters, fid)
            .unwrap()
            .accepted_warnings,
        site.accepted_warnings
    );
}

#[test]
fn the_charts_show_the_plan_beside_what_was_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (pf, id, _hk) = project_with_scenario(&dir);
    let mut h = harness_with(Some(pf), None);
    h.get_by_label("Kịch bản").click();
    h.run();
    h.state_mut().set_active_scenario(Some(id));
    h.run();
    h.get_by_label("Biểu đồ").click();
    h.run();
    h.get_by_label("Giá trị sản xuất công nghiệp (tỷ đồng)");
    // The plan's unstated price basis is said, and the reported share of plan and average
    // growth are shown with their periods.
    h.get_by_label_contains("không nêu gốc giá");
    h.get_by_label_contains("2010 mức thực hiện kế hoạch GTSXCN: 101.7 % kế hoạch");
    h.get_by_label_contains("2006-2010 tăng trưởng GTSXCN bình quân: 14.6 %/năm");
    // The indicator table puts the reported 2010 output beside the plan.
    h.get_by_label("Chỉ tiêu").click();
    h.run();
    h.get_by_label("Giá trị SXCN đã công bố (tỷ đồng)");
    h.get_by_label("27812");
}

#[test]
fn f11_presents_without_panels_and_pagedown_steps_through_the_phases() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    h.get_by_label("Lớp quy hoạch");
    h.key_press(egui::Key::F11);
    h.run();
    assert!(h.state().is_presenting());
    assert!(
        h.query_by_label("Lớp quy hoạch").is_none(),
        "the layer panel is hidden"
    );
    assert!(
        h.query_by_label("Vẽ vùng").is_none(),
        "the toolbar is hidden"
    );
    h.state_mut().set_scenario_year(2006);
    h.run();
    h.key_press(egui::Key::PageDown);
    h.run();
    assert_eq!(h.state().scenario_year(), 2010);
    // Stepping follows the reference scenario: proposed clusters are not open in it.
    assert!(h.state().active_scenario().is_some_and(|s| s.is_reference));
    h.key_press(egui::Key::PageDown);
    h.run();
    assert_eq!(h.state().scenario_year(), 2015);
    h.key_press(egui::Key::ArrowLeft);
    h.run();
    assert_eq!(h.state().scenario_year(), 2010);
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!h.state().is_presenting());
    h.get_by_label("Lớp quy hoạch");
}

#[test]
fn exporting_from_the_window_runs_in_the_background_and_writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    h.get_by_label("Tệp").click();
    h.run();
    h.get_by_label("Xuất bản đồ…").click();
    h.run();
    let out = dir.path().join("ban-do.pdf");
    let field = h.get_by_role_and_label(Role::TextInput, "Tệp");
    field.click();
    h.run();
    // Replace the suggested path.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Tệp")
        .type_text(&out.display().to_string());
    h.run();
    h.get_by_label("Xuất bản đồ").click();
    h.step();
    // The window keeps drawing frames (with a spinner) while the export runs.
    for _ in 0..400 {
        if !h.state().export_running() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
        h.step();
    }
    h.run();
    assert!(!h.state().export_running());
    if h.query_by_label_contains("Đã xuất:").is_none() {
        let err = h
            .query_by_label_contains("Không xuất được:")
            .map(|n| format!("{n:?}"));
        panic!("no success message; error: {err:?}");
    }
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

/// The export window's print layout: paper, a typed scale, a rectangle dragged on the map, the
/// draft mark; the map outlines what will print; everything is kept in the project as it is
/// set, and the next session's window shows it again.
#[test]
fn the_print_layout_is_set_in_the_window_outlined_on_the_map_and_kept() {
    use qn_planner::export::{Extent, Paper, PrintLayout};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    let mut h = harness_with(Some(project(&dir)), None);
    h.get_by_label("Tệp").click();
    h.run();
    h.get_by_label("Xuất bản đồ…").click();
    h.run();
    assert!(h.state().print_frame().is_some(), "the frame is outlined");
    h.get_by_label("A3").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "hoặc 1:").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "hoặc 1:")
        .type_text("1:100.000");
    h.run();
    h.get_by_label("DỰ THẢO").click();
    h.run();
    // A rectangle dragged on the map (past the window, over the eastern coast).
    h.get_by_label("Khung vẽ trên bản đồ").click();
    h.run();
    let from = h.state().screen_from_lonlat(107.90, 21.30).unwrap();
    let to = h.state().screen_from_lonlat(108.05, 21.40).unwrap();
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
            from + (to - from) * (k as f32 / 8.0),
        ));
        h.run();
    }
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Default::default(),
    });
    h.run();
    h.run();
    let layout = h.state().print_layout().clone();
    assert_eq!(layout.paper, Paper::A3);
    assert_eq!(layout.scale, Some(100_000));
    assert!(layout.draft);
    let Extent::Rect { min, max } = layout.extent else {
        panic!("the extent is the drawn rectangle: {:?}", layout.extent)
    };
    let tm3 = qn_planner::io::crs::Tm3::new().unwrap();
    let (e0, n0) = tm3.tm3_from_lonlat(107.90, 21.30).unwrap();
    let (e1, n1) = tm3.tm3_from_lonlat(108.05, 21.40).unwrap();
    let near = |a: f64, b: f64| (a - b).abs() < 600.0;
    assert!(
        near(min[0], e0) && near(min[1], n0) && near(max[0], e1) && near(max[1], n1),
        "{min:?} {max:?} vs ({e0}, {n0}) ({e1}, {n1})"
    );
    // The outline is the frame at 1:100.000 centred on the rectangle.
    let (fmin, fmax) = h.state().print_frame().unwrap();
    let c = [(fmin[0] + fmax[0]) / 2.0, (fmin[1] + fmax[1]) / 2.0];
    assert!((c[0] - (min[0] + max[0]) / 2.0).abs() < 1.0);
    assert!((c[1] - (min[1] + max[1]) / 2.0).abs() < 1.0);
    // Kept in the file as it was set, before any export.
    let kept = PrintLayout::load(&ProjectFile::open_read_only(&path).unwrap())
        .unwrap()
        .0;
    assert_eq!(kept, layout.normalised());
    // And shown again by the next session's window.
    drop(h);
    let mut h = harness_with(Some(ProjectFile::open(&path).unwrap()), None);
    h.get_by_label("Tệp").click();
    h.run();
    h.get_by_label("Xuất bản đồ…").click();
    h.run();
    assert_eq!(h.state().print_layout().paper, Paper::A3);
    assert_eq!(h.state().print_layout().scale, Some(100_000));
}

/// The window opens on 2020, the last phase: the first PageDown of a presentation goes to the
/// first phase (2006), not nowhere; the next ones step on.
#[test]
fn the_first_pagedown_of_a_presentation_goes_to_the_first_phase() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    assert_eq!(h.state().scenario_year(), 2020);
    h.key_press(egui::Key::F11);
    h.run();
    h.key_press(egui::Key::PageDown);
    h.run();
    assert_eq!(h.state().scenario_year(), 2006);
    assert!(h.state().active_scenario().is_some_and(|s| s.is_reference));
    h.key_press(egui::Key::PageDown);
    h.run();
    assert_eq!(h.state().scenario_year(), 2010);
    for _ in 0..4 {
        h.key_press(egui::Key::PageDown);
        h.run();
    }
    assert_eq!(h.state().scenario_year(), 2020, "the end stays the end");
}

/// The atlas from the export window: a layer chosen, one PDF made on the worker, a sheet per
/// located site; with a site selected and "the selected site only", its sheet alone.
#[test]
fn the_export_window_makes_an_atlas_of_a_layer_or_of_the_selected_site() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(Some(project(&dir)), None);
    let zones = h
        .state()
        .project()
        .sites_of(Layer::IndustrialZones)
        .filter(|s| s.geom.is_some())
        .count();
    h.get_by_label("Tệp").click();
    h.run();
    h.get_by_label("Xuất bản đồ…").click();
    h.run();
    let out = dir.path().join("tập bản đồ.pdf");
    let field = h.get_by_role_and_label(Role::TextInput, "Tệp");
    field.click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Tệp")
        .type_text(&out.display().to_string());
    h.run();
    h.get_by_label("Tập bản đồ các vị trí:").click();
    h.run();
    h.get_by_label("Khu công nghiệp").click();
    h.run();
    let pages = |h: &mut Harness<'static, QnApp>| {
        h.get_by_label("Xuất tập bản đồ (PDF)").click();
        h.step();
        for _ in 0..400 {
            if !h.state().export_running() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
            h.step();
        }
        h.run();
        assert!(
            h.query_by_label_contains("Đã xuất:").is_some(),
            "{:?}",
            h.query_by_label_contains("Không xuất được:")
                .map(|n| format!("{n:?}"))
        );
        let pdf = std::fs::read(&out).unwrap();
        let count = |n: &[u8]| pdf.windows(n.len()).filter(|w| *w == n).count();
        count(b"/Type /Page") - count(b"/Type /Pages")
    };
    assert_eq!(pages(&mut h), zones, "a sheet per located zone");
    // The selected zone alone.
    let (l, f) = h
        .state()
        .project()
        .sites_of(Layer::IndustrialZones)
        .find(|s| s.geom.is_some())
        .map(|s| (s.layer, s.fid))
        .unwrap();
    h.state_mut().select(Some((l, f)));
    h.run();
    h.get_by_label("chỉ vị trí đang chọn").click();
    h.run();
    assert_eq!(pages(&mut h), 1, "the selected zone's sheet");
}
