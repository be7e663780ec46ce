//! An import undone and redone without its source; importing into a planning layer with a
//! field mapping, the mapped fields checked like typed ones.

use super::*;

/// An import is an edit: undo takes the layer out of the project (nothing that GDAL lists
/// names it), redo brings it back without its source file — here deleted in between — and the
/// rows set aside are dropped when a window next opens the file.
#[test]
fn an_imported_reference_layer_is_undone_and_redone_without_its_source() {
    use qn_planner::edit::{Edit, History};
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "qn.gpkg");
    let input = dir.path().join("thua.geojson");
    write_json(&input, &sample());
    let mut pf = ProjectFile::open(&project).unwrap();
    let mut model = pf.read_project().unwrap();
    let source = Source::from_path(&input, None).unwrap();
    let (s, aside) = qn_planner::io::import_layer::import_aside(
        &mut pf,
        &source,
        Some(Crs::Wgs84),
        "Thửa đất",
        "#112233",
        &AtomicBool::new(false),
        &mut |_, _| {},
    )
    .unwrap();
    assert!(
        pf.reference_layers().unwrap().is_empty(),
        "written aside, not yet in the project"
    );
    let mut history = History::default();
    history
        .apply(
            Edit::ReferenceLayer {
                table: s.table.clone(),
                bring_back: Some(Box::new(aside)),
            },
            None,
            &mut pf,
            &mut model,
        )
        .unwrap();
    assert_eq!(pf.reference_layers().unwrap().len(), 1);
    std::fs::remove_file(&input).unwrap();

    assert!(history.undo(&mut pf, &mut model).unwrap());
    assert!(pf.reference_layers().unwrap().is_empty());
    let c = rusqlite::Connection::open(&project).unwrap();
    let left: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE '%ref_thua_dat%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "no table, index or trigger of that name left");
    for meta in ["gpkg_contents", "gpkg_geometry_columns", "gpkg_extensions"] {
        let n: i64 = c
            .query_row(
                &format!("SELECT count(*) FROM {meta} WHERE table_name = 'ref_thua_dat'"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0, "{meta}");
    }
    drop(c);
    if common::have_gdal() {
        common::assert_valid_gpkg(&project, "after undoing an import");
        let out = std::process::Command::new("ogrinfo")
            .args(["-ro", "-q"])
            .arg(&project)
            .output()
            .unwrap();
        let listed = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success());
        assert!(
            !listed.contains("aside") && !listed.contains("thua"),
            "GDAL lists no layer set aside: {listed}"
        );
    }

    // The source file is gone: redo does not need it.
    assert!(history.redo(&mut pf, &mut model).unwrap());
    let layers = pf.reference_layers().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(
        (layers[0].name.as_str(), layers[0].features),
        ("Thửa đất", 5)
    );
    let entries = qn_planner::store::LayerReader::open(&project, &s.table)
        .unwrap()
        .entries(None)
        .unwrap();
    assert_eq!(entries.len(), 5, "its R-tree answers again");
    let c = rusqlite::Connection::open(&project).unwrap();
    let triggers: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1",
            [&s.table],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(triggers, 6, "the GeoPackage R-tree triggers are back");
    drop(c);
    if common::have_gdal() {
        common::assert_valid_gpkg(&project, "after redoing an import");
    }
    // Undone again, then the window's next session drops what was set aside.
    assert!(history.undo(&mut pf, &mut model).unwrap());
    drop(pf);
    let opened = ProjectFile::open_session(&project, None).unwrap();
    drop(opened);
    let c = rusqlite::Connection::open(&project).unwrap();
    let aside: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name GLOB 'qn_aside_*'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(aside, 0, "nothing set aside is left after a new session");
    // And its redo, from a history that outlived the rows, says so instead of guessing.
    let mut pf = ProjectFile::open(&project).unwrap();
    let err = history.redo(&mut pf, &mut model).unwrap_err();
    assert!(err.to_string().contains("no longer in the file"), "{err}");
    assert!(pf.reference_layers().unwrap().is_empty());
}

/// `import --into LAYER --map …`: the features become sites with the mapped fields, each
/// recording where it came from; a bad mapping or a line geometry leaves the file unchanged.
#[test]
fn cli_imports_into_a_planning_layer_with_a_field_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "qn.gpkg");
    let p = project.to_str().unwrap();
    let input = dir.path().join("cum.csv");
    std::fs::write(
        &input,
        "ten_cum;kinh_do;vi_do;nganh;von\nCụm CN Bình Dân;107.42;21.05;chế biến hải sản;12,5\nCụm CN Đông Xá;107.44;21.06;cơ khí;\n",
    )
    .unwrap();
    let before = ProjectFile::open(&project)
        .unwrap()
        .read_project()
        .unwrap()
        .sites_of(qn_planner::model::Layer::ProposedClusters)
        .count();
    let bad = run(&[
        "import",
        p,
        input.to_str().unwrap(),
        "--into",
        "proposed_clusters",
        "--map",
        "jobs=ten_cum",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a whole number"));
    let said = ok(&run(&[
        "import",
        p,
        input.to_str().unwrap(),
        "--into",
        "Cụm công nghiệp dự kiến",
        "--map",
        "name=ten_cum,industries=nganh,investment=von",
    ]));
    assert!(said.contains("imported 2 sites"), "{said}");
    let model = ProjectFile::open(&project).unwrap().read_project().unwrap();
    let sites: Vec<_> = model
        .sites_of(qn_planner::model::Layer::ProposedClusters)
        .collect();
    assert_eq!(sites.len(), before + 2);
    let b = sites.iter().find(|s| s.name == "Cụm CN Bình Dân").unwrap();
    assert_eq!(b.main_industries, "chế biến hải sản");
    assert_eq!(b.investment_bn_vnd, Some(12.5));
    assert!(
        b.location_source.starts_with("Nhập từ cum.csv, dòng 2"),
        "{}",
        b.location_source
    );
    let Some(geo_types::Geometry::Point(pt)) = &b.geom else {
        panic!("{:?}", b.geom)
    };
    assert!((pt.x() - 107.42).abs() < 1e-9 && (pt.y() - 21.05).abs() < 1e-9);
    // Lines are not sites.
    let line = dir.path().join("duong.geojson");
    std::fs::write(
        &line,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ten":"QL18"},"geometry":{"type":"LineString","coordinates":[[107.0,21.0],[107.1,21.1]]}}]}"#,
    )
    .unwrap();
    let sum = sha(&project);
    let out = run(&[
        "import",
        p,
        line.to_str().unwrap(),
        "--into",
        "industrial_zones",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("LINESTRING cannot be a site"));
    assert!(sha(&project) == sum, "the project is unchanged");
    if common::have_gdal() {
        common::assert_valid_gpkg(&project, "after importing into a planning layer");
    }
}

/// A mapped field is parsed and checked as the form checks what is typed: a negative
/// investment, jobs that are not whole, a year out of range are refused with the field and the
/// reason, and nothing is written.
#[test]
fn mapped_fields_are_checked_like_typed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "qn.gpkg");
    let p = project.to_str().unwrap();
    let sum = sha(&project);
    for (row, says) in [
        ("A;107.42;21.05;-3;;", "field \"von\": -3 must be 0 or more"),
        (
            "A;107.42;21.05;;nhiều;",
            "field \"lao_dong\": “nhiều” is not a whole number",
        ),
        (
            "A;107.42;21.05;;;2045",
            "field \"nam\": year 2045 is outside 2000–2030",
        ),
    ] {
        let input = dir.path().join("cum.csv");
        std::fs::write(
            &input,
            format!("ten;kinh_do;vi_do;von;lao_dong;nam\n{row}\n"),
        )
        .unwrap();
        let out = run(&[
            "import",
            p,
            input.to_str().unwrap(),
            "--into",
            "proposed_clusters",
            "--map",
            "name=ten,investment=von,jobs=lao_dong,year=nam",
        ]);
        assert_eq!(out.status.code(), Some(1), "{row}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{row}: {err}");
        assert!(sha(&project) == sum, "the project is unchanged");
    }
}
