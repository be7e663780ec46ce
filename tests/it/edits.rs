//! Edits, undo and redo through the GeoPackage: random sequences undone restore the exact
//! original; merging; refusals; sessions (second instance, backups, restore, migration).

use crate::common;

use crate::common::Rng;
use geo_types::{Geometry, LineString, Point, Polygon};
use qn_planner::edit::{Edit, EditError, History};
use qn_planner::model::{AcceptedWarning, Layer, Phase, Project, Site, Status};
use qn_planner::store::ProjectFile;

fn sorted(p: &Project) -> Vec<Site> {
    let mut v = p.sites.clone();
    v.sort_by_key(|s| (s.layer, s.fid));
    v
}

fn random_geom(r: &mut Rng) -> Option<Geometry<f64>> {
    let x = 106.5 + r.f() * 1.5;
    let y = 20.9 + r.f() * 0.6;
    match r.below(4) {
        0 => None,
        1 => Some(Geometry::Point(Point::new(x, y))),
        _ => {
            let d = 0.001 + r.f() * 0.02;
            Some(Geometry::Polygon(Polygon::new(
                LineString::from(vec![
                    (x, y),
                    (x + d, y),
                    (x + d, y + d * 0.7),
                    (x, y + d),
                    (x, y),
                ]),
                vec![],
            )))
        }
    }
}

fn random_change(r: &mut Rng, s: &mut Site) {
    match r.below(7) {
        0 => s.name = format!("Cụm {} Hải Hòa", r.below(1000)),
        1 => s.geom = random_geom(r),
        2 => s.status = Status::ALL[r.below(4) as usize],
        3 => {
            s.planned_phase =
                [None, Some(Phase::P2006_2010), Some(Phase::P2016_2020)][r.below(3) as usize]
        }
        4 => s.investment_bn_vnd = Some((r.f() * 5000.0).round()),
        5 => {
            s.jobs = Some(r.below(5000) as i64);
            s.decision_year = Some(2000 + r.below(31) as i32);
        }
        _ => s.accepted_warnings.push(AcceptedWarning {
            check: "overlap".into(),
            reason: format!("lý do {}", r.below(100)),
        }),
    }
}

#[test]
fn random_edit_sequences_undo_to_the_original_and_redo_to_the_edited() {
    for seed in 0..25u64 {
        let mut r = Rng(seed);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.gpkg");
        drop(ProjectFile::create(&path, false).unwrap());
        let mut pf = ProjectFile::open_session(&path, Some(dir.path().join("b")))
            .unwrap()
            .file;
        let mut project = pf.read_project().unwrap();
        let original = sorted(&project);
        let mut history = History::default();
        let n = 5 + r.below(25);
        for _ in 0..n {
            let edit = match r.below(3) {
                0 => {
                    let layer = Layer::ALL[r.below(5) as usize];
                    let mut s = Site::new(layer, "Cụm mới", Status::Proposed);
                    s.geom = random_geom(&mut r);
                    random_change(&mut r, &mut s);
                    Edit::insert(s)
                }
                1 => {
                    let i = r.below(project.sites.len() as u64) as usize;
                    let before = project.sites[i].clone();
                    let mut after = before.clone();
                    random_change(&mut r, &mut after);
                    Edit::update(before, after)
                }
                _ => {
                    let i = r.below(project.sites.len() as u64) as usize;
                    Edit::delete(project.sites[i].clone())
                }
            };
            history.apply(edit, None, &mut pf, &mut project).unwrap();
        }
        let edited = sorted(&project);
        assert_eq!(
            sorted(&pf.read_project().unwrap()),
            edited,
            "seed {seed}: file and memory differ"
        );
        while history.undo(&mut pf, &mut project).unwrap() {}
        assert_eq!(sorted(&project), original, "seed {seed}: undo in memory");
        assert_eq!(
            sorted(&pf.read_project().unwrap()),
            original,
            "seed {seed}: undo in the file"
        );
        while history.redo(&mut pf, &mut project).unwrap() {}
        assert_eq!(sorted(&project), edited, "seed {seed}: redo in memory");
        assert_eq!(
            sorted(&pf.read_project().unwrap()),
            edited,
            "seed {seed}: redo in the file"
        );
        assert_eq!(pf.integrity_check().unwrap(), "ok");
    }
}

#[test]
fn a_drag_is_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let mut pf = ProjectFile::open(&path).unwrap();
    let mut project = pf.read_project().unwrap();
    let mut history = History::default();
    let start = project.sites[0].clone();
    for step in 1..=20 {
        let before = project.site(start.layer, start.fid).unwrap().clone();
        let mut after = before.clone();
        after.geom = Some(Geometry::Point(Point::new(
            107.0 + step as f64 * 0.001,
            21.0,
        )));
        history
            .apply(Edit::update(before, after), Some(7), &mut pf, &mut project)
            .unwrap();
    }
    assert_eq!(history.undo_len(), 1);
    history.undo(&mut pf, &mut project).unwrap();
    assert_eq!(project.site(start.layer, start.fid), Some(&start));
    history.redo(&mut pf, &mut project).unwrap();
    assert_eq!(
        project.site(start.layer, start.fid).unwrap().geom,
        Some(Geometry::Point(Point::new(107.02, 21.0)))
    );
}

#[test]
fn invalid_values_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let mut pf = ProjectFile::open(&path).unwrap();
    let mut project = pf.read_project().unwrap();
    let before = project.sites[3].clone();
    let mut after = before.clone();
    after.name = " ".into();
    after.investment_bn_vnd = Some(-3.0);
    after.decision_year = Some(2040);
    let err = Edit::update(before.clone(), after)
        .apply(&mut pf, &mut project)
        .unwrap_err();
    let EditError::Invalid(fields) = &err else {
        panic!("{err}")
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field).collect();
    assert_eq!(names, ["name", "investment_bn_vnd", "decision_year"]);
    assert_eq!(project.sites[3], before);
    assert_eq!(pf.read_project().unwrap().sites[3], before);
    // A stale edit (the record changed meanwhile) is refused too.
    let mut other = before.clone();
    other.notes = "x".into();
    Edit::update(before.clone(), other.clone())
        .apply(&mut pf, &mut project)
        .unwrap();
    let err = Edit::update(before, other)
        .apply(&mut pf, &mut project)
        .unwrap_err();
    assert!(matches!(err, EditError::Conflict(..)));
}

#[test]
fn polygon_area_is_computed_geodesically_on_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let mut pf = ProjectFile::open(&path).unwrap();
    let mut project = pf.read_project().unwrap();
    let mut s = Site::new(Layer::ProposedClusters, "Thử", Status::Proposed);
    s.geom = Some(Geometry::Polygon(Polygon::new(
        LineString::from(vec![
            (107.0, 21.0),
            (107.01, 21.0),
            (107.01, 21.01),
            (107.0, 21.01),
            (107.0, 21.0),
        ]),
        vec![],
    )));
    s.area_ha = Some(1.0); // ignored: the area is computed
    Edit::insert(s).apply(&mut pf, &mut project).unwrap();
    // The same cell drawn clockwise (as clicks on a screen often are) has the same area.
    let mut cw = Site::new(Layer::ProposedClusters, "Thử ngược", Status::Proposed);
    cw.geom = Some(Geometry::Polygon(Polygon::new(
        LineString::from(vec![
            (107.0, 21.0),
            (107.0, 21.01),
            (107.01, 21.01),
            (107.01, 21.0),
            (107.0, 21.0),
        ]),
        vec![],
    )));
    Edit::insert(cw).apply(&mut pf, &mut project).unwrap();
    let cw = project
        .sites
        .iter()
        .find(|s| s.name == "Thử ngược")
        .unwrap();
    assert!(
        (cw.area_ha.unwrap() - 115.109_17).abs() / 115.109_17 < 0.001,
        "{:?}",
        cw.area_ha
    );
    let got = project.sites.iter().find(|s| s.name == "Thử").unwrap();
    // Exact area of the 0.01° × 0.01° cell at 21° N on the WGS84 ellipsoid (authalic-latitude
    // formula, b²·Δλ/2·[q(φ2) − q(φ1)]): 115.10917 ha. The geodesic edges differ from the
    // parallels by under a millionth of that.
    let a = got.area_ha.unwrap();
    assert!((a - 115.109_17).abs() / 115.109_17 < 0.001, "{a}");
}

#[test]
fn a_second_instance_opens_read_only_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let first = ProjectFile::open_session(&path, None).unwrap();
    assert!(first.notice.is_none());
    assert!(!first.file.is_read_only());
    let second = ProjectFile::open_session(&path, None).unwrap();
    assert!(second.file.is_read_only());
    assert!(
        second
            .notice
            .as_deref()
            .unwrap_or("")
            .contains("another qn-planner")
    );
    drop(second);
    drop(first);
    let third = ProjectFile::open_session(&path, None).unwrap();
    assert!(!third.file.is_read_only());
}

#[test]
fn backups_rotate_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    let bdir = dir.path().join("backups");
    drop(ProjectFile::create(&path, false).unwrap());
    for i in 0..7 {
        let mut pf = ProjectFile::open_session(&path, Some(bdir.clone()))
            .unwrap()
            .file;
        let mut project = pf.read_project().unwrap();
        let before = project.sites[0].clone();
        let mut after = before.clone();
        after.notes = format!("session {i}");
        // Two edits, one backup per session (before the first write).
        Edit::update(before, after.clone())
            .apply(&mut pf, &mut project)
            .unwrap();
        let mut again = after.clone();
        again.jobs = Some(i);
        Edit::update(after, again)
            .apply(&mut pf, &mut project)
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let mut pf = ProjectFile::open_session(&path, Some(bdir.clone()))
        .unwrap()
        .file;
    let list = pf.backups_in(&bdir);
    assert_eq!(list.len(), 5, "{list:?}");
    // Newest first: the newest was taken before session 6 wrote, so it holds session 5's notes.
    let newest = ProjectFile::open(&list[0].path)
        .unwrap()
        .read_project()
        .unwrap();
    assert_eq!(newest.sites[0].notes, "session 5");
    assert!(list[0].taken.len() == 19, "{}", list[0].taken);
    pf.restore_backup(&list[4].path).unwrap();
    let restored = pf.read_project().unwrap();
    assert_eq!(restored.sites[0].notes, "session 1");
    assert_eq!(pf.integrity_check().unwrap(), "ok");
}

/// A file written by qn-planner schema 4 (the build before schema 5), kept as test data:
/// `init`, two polygons imported into industrial_zones (one of two parts), a polygon into
/// protected_areas, a point into residential_areas and proposed cluster 10 deleted with GDAL.
const SCHEMA_4: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/schema4.gpkg");

#[test]
fn a_schema_1_file_is_migrated_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.gpkg");
    std::fs::copy(SCHEMA_4, &path).unwrap();
    {
        // Make it look like a file written by schema 1.
        let c = rusqlite::Connection::open(&path).unwrap();
        for t in [
            "industrial_zones",
            "industrial_clusters",
            "proposed_clusters",
            "craft_villages",
            "centre_plants",
        ] {
            for col in [
                "planned_phase",
                "area_ha",
                "main_industries",
                "investment_bn_vnd",
                "jobs",
                "decision_year",
                "accepted_warnings",
            ] {
                c.execute_batch(&format!("ALTER TABLE {t} DROP COLUMN {col}"))
                    .unwrap();
            }
        }
        for t in [
            "industrial_zones",
            "industrial_clusters",
            "proposed_clusters",
            "craft_villages",
            "centre_plants",
        ] {
            for col in [
                "is_expansion",
                "occupancy_pct",
                "occupancy_year",
                "green_buffer_m",
                "pollution_class",
            ] {
                c.execute_batch(&format!("ALTER TABLE {t} DROP COLUMN {col}"))
                    .unwrap();
            }
        }
        for t in ["protected_areas", "residential_areas"] {
            c.execute_batch(&format!(
                "DROP TABLE {t}; DROP TABLE rtree_{t}_geom;
                 DELETE FROM gpkg_geometry_columns WHERE table_name = '{t}';
                 DELETE FROM gpkg_extensions WHERE table_name = '{t}';
                 DELETE FROM gpkg_contents WHERE table_name = '{t}';"
            ))
            .unwrap();
        }
        for t in [
            "scenarios",
            "scenario_phasing",
            "scenario_growth",
            "scenario_programme",
            "actuals",
            "rules",
        ] {
            c.execute_batch(&format!(
                "DROP TABLE {t}; DELETE FROM gpkg_contents WHERE table_name = '{t}';"
            ))
            .unwrap();
        }
        c.execute(
            "UPDATE qn_meta SET value = '1' WHERE key = 'schema_version'",
            [],
        )
        .unwrap();
    }
    let pf = ProjectFile::open(&path).unwrap();
    assert_eq!(
        pf.schema_version().unwrap(),
        qn_planner::store::SCHEMA_VERSION
    );
    let p = pf.read_project().unwrap();
    // 39 seeded, one deleted, two imported; the context layers came with schema 4, empty.
    assert_eq!(p.sites.len(), 40);
    // Schema 3 seeded the reference scenario: established sites open in 2006.
    let reference = p.reference_scenario().expect("reference scenario");
    let kim_sen = p.sites.iter().find(|s| s.name == "Kim Sen").unwrap();
    assert_eq!(reference.open_year(kim_sen.layer, kim_sen.fid), Some(2006));
    let ha_khanh = p.sites.iter().find(|s| s.name == "Hà Khánh").unwrap();
    assert_eq!(reference.open_year(ha_khanh.layer, ha_khanh.fid), None);
    assert!(
        p.sites
            .iter()
            .all(|s| s.planned_phase.is_none() && s.accepted_warnings.is_empty())
    );
}

#[test]
fn a_schema_4_file_is_migrated_with_its_data_and_fids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.gpkg");
    std::fs::copy(SCHEMA_4, &path).unwrap();
    let names_before: Vec<(String, i64, String)> = {
        let c = rusqlite::Connection::open(&path).unwrap();
        let mut out = Vec::new();
        for t in [
            "industrial_zones",
            "industrial_clusters",
            "proposed_clusters",
            "craft_villages",
            "centre_plants",
            "protected_areas",
            "residential_areas",
        ] {
            let mut st = c
                .prepare(&format!("SELECT fid, name FROM {t} ORDER BY fid"))
                .unwrap();
            let rows = st
                .query_map([], |r| Ok((t.to_string(), r.get(0)?, r.get(1)?)))
                .unwrap();
            out.extend(rows.map(Result::unwrap));
        }
        out
    };
    assert_eq!(names_before.len(), 42);
    let mut pf = ProjectFile::open(&path).unwrap();
    assert_eq!(
        pf.schema_version().unwrap(),
        qn_planner::store::SCHEMA_VERSION
    );
    let mut p = pf.read_project().unwrap();
    // Schema 11: the seeded sites the file still holds got their 2006 commune and the 2025
    // unit derived from it (with where it comes from); the change log did not count it as an
    // edit of anyone's.
    let hk = p.sites.iter().find(|s| s.name == "Hà Khánh").unwrap();
    assert_eq!(hk.commune_2006, "Hà Khánh");
    assert_eq!(hk.unit_2025, "Phường Cao Xanh");
    assert!(
        hk.unit_2025_source.contains("06649"),
        "{}",
        hk.unit_2025_source
    );
    let ben_duc = p.sites.iter().find(|s| s.name == "Bến Đục").unwrap();
    assert_eq!(
        (ben_duc.commune_2006.as_str(), ben_duc.unit_2025.as_str()),
        ("", "")
    );
    assert!(
        pf.operations(Some(&hk.key), 0, 100)
            .unwrap()
            .iter()
            .all(|o| o.field != "unit_2025"),
        "the migration's fill is not logged as an edit"
    );
    // Schema 6 brought the report's figures in as data, as the report gives them.
    assert_eq!(
        p.figures,
        qn_planner::model::figures::DocumentFigures::default()
    );
    let rows: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM document_figures", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 13);
    // Every record kept with its fid and name.
    let mut after: Vec<(String, i64, String)> = p
        .sites
        .iter()
        .map(|s| (s.layer.table().to_string(), s.fid, s.name.clone()))
        .collect();
    after.sort();
    let mut before = names_before.clone();
    before.sort();
    assert_eq!(after, before);
    // Every site has its own key.
    let mut keys: Vec<&str> = p.sites.iter().map(|s| s.key.as_str()).collect();
    assert!(
        keys.iter()
            .all(|k| k.len() == 36 && k.as_bytes()[14] == b'4'),
        "{keys:?}"
    );
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 42);
    // Polygons are the sites' boundaries, with the coordinates they had.
    let drawn = p
        .sites
        .iter()
        .find(|s| s.name == "Khu công nghiệp vẽ thử (schema 4)")
        .unwrap();
    let Some(Geometry::Polygon(poly)) = &drawn.geom else {
        panic!("{:?}", drawn.geom)
    };
    assert_eq!(poly.exterior().0.len(), 5);
    assert!(
        poly.exterior()
            .0
            .iter()
            .any(|c| c.x == 107.08 && c.y == 20.995)
    );
    let ha = drawn.area_ha.unwrap();
    assert!((300.0..400.0).contains(&ha), "{ha}");
    let two = p
        .sites
        .iter()
        .find(|s| s.name == "Cụm hai phần (schema 4)")
        .unwrap();
    assert!(matches!(&two.geom, Some(Geometry::MultiPolygon(mp)) if mp.0.len() == 2));
    let protected = p
        .sites
        .iter()
        .find(|s| s.layer == Layer::ProtectedAreas)
        .unwrap();
    assert!(matches!(protected.geom, Some(Geometry::Polygon(_))));
    // A point in an area layer cannot stay a geometry there: it is kept in the notes.
    let home = p
        .sites
        .iter()
        .find(|s| s.layer == Layer::ResidentialAreas)
        .unwrap();
    assert!(home.geom.is_none());
    assert!(
        home.notes.contains("\"Point\"") && home.notes.contains("107.05"),
        "{}",
        home.notes
    );
    // Points stay points; the deleted fid is not given out again.
    let kim_sen = p.sites.iter().find(|s| s.name == "Kim Sen").unwrap();
    assert!(matches!(kim_sen.geom, Some(Geometry::Point(_))));
    let mut h = History::default();
    let mut s = Site::new(
        Layer::ProposedClusters,
        "Cụm mới sau di chuyển",
        Status::Proposed,
    );
    s.geom = Some(Geometry::Point(Point::new(107.2, 21.1)));
    h.apply(Edit::insert(s), None, &mut pf, &mut p).unwrap();
    let new = p
        .sites
        .iter()
        .find(|s| s.name == "Cụm mới sau di chuyển")
        .unwrap();
    assert_eq!(new.fid, 11);
    // Scenarios, actuals and rules are untouched.
    assert_eq!(p.scenarios.len(), 1);
    assert_eq!(p.actuals.len(), 94);
    assert_eq!(p.rules.len(), 12);
    // The seeded notes and location sources, English in schema 4, are now Vietnamese.
    let cai_lan = p.sites.iter().find(|s| s.name == "Cái Lân").unwrap();
    assert_eq!(cai_lan.notes, "Khu công nghiệp có cảng.");
    assert!(
        cai_lan
            .location_source
            .starts_with("Khu nằm ở các phường Giếng Đáy và Bãi Cháy"),
        "{}",
        cai_lan.location_source
    );
    assert!(
        p.centres
            .iter()
            .all(|c| c.notes.starts_with("Tài liệu nêu tên trung tâm"))
    );
    // The reported actuals' scopes too, all as the seed now words them.
    let seeded_actuals = qn_planner::model::seed::seed_actuals().unwrap();
    let mut got: Vec<(&str, &str, &str)> = p
        .actuals
        .iter()
        .map(|a| (a.indicator.as_str(), a.period.as_str(), a.scope.as_str()))
        .collect();
    let mut want: Vec<(&str, &str, &str)> = seeded_actuals
        .iter()
        .map(|a| (a.indicator.as_str(), a.period.as_str(), a.scope.as_str()))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert!(p.actuals.iter().any(|a| a.scope == "toàn tỉnh"));
    // The rules' seeded English texts are now the Vietnamese ones the seed carries.
    let seeded = qn_planner::model::rules::seed_rules().unwrap();
    for r in &p.rules {
        let want = seeded.iter().find(|s| s.key == r.key).unwrap();
        assert_eq!(
            (&r.note, &r.instrument, &r.article),
            (&want.note, &want.instrument, &want.article)
        );
    }
    assert_eq!(pf.integrity_check().unwrap(), "ok");
    drop(pf);
    // Opening again finds it current: nothing is migrated twice.
    let pf = ProjectFile::open(&path).unwrap();
    assert_eq!(pf.read_project().unwrap().sites.len(), 43);
    drop(pf);
    if common::have_gdal() {
        common::assert_valid_gpkg(&path, "a schema 4 file after migration");
    }
}

#[test]
fn a_boundary_keeps_its_key_through_undo_and_redo() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.gpkg");
    let mut pf = ProjectFile::create(&path, false).unwrap();
    let mut p = pf.read_project().unwrap();
    let mut h = History::default();
    let before = p
        .sites
        .iter()
        .find(|s| s.name == "Hà Khánh")
        .unwrap()
        .clone();
    let mut after = before.clone();
    after.geom = Some(Geometry::Polygon(Polygon::new(
        LineString::from(vec![
            (107.1, 20.9),
            (107.11, 20.9),
            (107.11, 20.91),
            (107.1, 20.9),
        ]),
        vec![],
    )));
    h.apply(Edit::update(before.clone(), after), None, &mut pf, &mut p)
        .unwrap();
    let boundaries = |path: &std::path::Path| -> Vec<String> {
        let c = rusqlite::Connection::open(path).unwrap();
        let mut st = c
            .prepare("SELECT site_key FROM proposed_clusters_boundary")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(boundaries(&path), vec![before.key.clone()]);
    h.undo(&mut pf, &mut p).unwrap();
    assert!(boundaries(&path).is_empty());
    assert_eq!(sorted(&pf.read_project().unwrap()), sorted(&p));
    // Deleting the site and undoing the delete brings back the same key.
    h.redo(&mut pf, &mut p).unwrap();
    let drawn = p.site(Layer::ProposedClusters, before.fid).unwrap().clone();
    h.apply(Edit::delete(drawn.clone()), None, &mut pf, &mut p)
        .unwrap();
    assert!(boundaries(&path).is_empty());
    h.undo(&mut pf, &mut p).unwrap();
    assert_eq!(boundaries(&path), vec![before.key.clone()]);
    let back = pf.read_project().unwrap();
    assert_eq!(back.site(Layer::ProposedClusters, before.fid), Some(&drawn));
}

#[test]
fn a_read_only_older_file_is_viewed_migrated_in_memory_and_never_written() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro4.gpkg");
    std::fs::copy(SCHEMA_4, &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    // The window views it: migrated in a copy in memory, read-only.
    let opened = ProjectFile::open_session(&path, None).unwrap();
    assert!(opened.file.is_read_only());
    let p = opened.file.read_project().unwrap();
    assert_eq!(p.sites.len(), 42);
    assert!(
        p.sites
            .iter()
            .any(|s| s.name == "Khu công nghiệp vẽ thử (schema 4)"
                && matches!(s.geom, Some(Geometry::Polygon(_))))
    );
    drop(opened);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the file is untouched"
    );
    // The command line reports the file as it is, and why it cannot update it.
    let err = ProjectFile::open(&path).err().unwrap().to_string();
    assert!(
        err.contains("older qn-planner (schema 4)") && err.contains("read-only"),
        "{err}"
    );
    let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
}

#[test]
fn applying_an_edit_says_what_it_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.gpkg");
    let mut pf = ProjectFile::create(&path, false).unwrap();
    let mut p = pf.read_project().unwrap();
    let mut h = History::default();
    let mut s = Site::new(Layer::ProposedClusters, "Cụm mới", Status::Proposed);
    s.geom = Some(Geometry::Point(Point::new(107.2, 21.1)));
    let applied = h.apply(Edit::insert(s), None, &mut pf, &mut p).unwrap();
    let fid = applied.id.expect("the new site's fid");
    let stored = p.site(Layer::ProposedClusters, fid).unwrap();
    assert_eq!(stored.name, "Cụm mới");
    assert_eq!(applied.key.as_deref(), Some(stored.key.as_str()));
    assert_eq!(stored.key.len(), 36);
    let new = qn_planner::scenario::Scenario::new("Phương án thử", &p);
    let applied = h
        .apply(Edit::scenario(None, Some(new)), None, &mut pf, &mut p)
        .unwrap();
    let stored = p.scenario(applied.id.unwrap()).unwrap();
    assert_eq!(stored.name, "Phương án thử");
    // The edit stamped it.
    assert!(stored.created.len() >= 19 && stored.created == stored.modified);
}
