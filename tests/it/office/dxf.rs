//! DXF drawings against GDAL: a planning drawing with its labels inside its polygons, what
//! GDAL writes, hatches with arcs, malformed files refused naming the file and line.

use super::*;

/// DXF group-value pairs.
fn dxf(groups: &[(i32, &str)]) -> String {
    let mut s = String::new();
    for (c, v) in groups {
        s.push_str(&format!("{c}\n{v}\n"));
    }
    s
}

/// A planning drawing as a consultant's CAD holds it: a zone (closed LWPOLYLINE) with its
/// name as TEXT inside, a lot inside the zone (an R12 closed POLYLINE with VERTEX entities)
/// with its own MTEXT, a road (LINE), a survey mark (POINT), a block (INSERT), a text in
/// TCVN3 under $DWGCODEPAGE ANSI_1252, a curved boundary (bulge), and a circle (not read).
fn planning_drawing() -> String {
    let tcvn3: String = encode("Đất cây xanh", Encoding::Tcvn3)
        .unwrap()
        .iter()
        .map(|&b| b as char)
        .collect();
    let mut g: Vec<(i32, String)> = vec![
        (0, "SECTION".into()),
        (2, "HEADER".into()),
        (9, "$ACADVER".into()),
        (1, "AC1015".into()),
        (9, "$DWGCODEPAGE".into()),
        (3, "ANSI_1252".into()),
        (0, "ENDSEC".into()),
        (0, "SECTION".into()),
        (2, "ENTITIES".into()),
        (0, "LWPOLYLINE".into()),
        (8, "RANH_GIOI_KHU".into()),
        (90, "4".into()),
        (70, "1".into()),
    ];
    for (x, y) in [
        (430000.0, 2317000.0),
        (431000.0, 2317000.0),
        (431000.0, 2318000.0),
        (430000.0, 2318000.0),
    ] {
        g.push((10, format!("{x}")));
        g.push((20, format!("{y}")));
    }
    g.extend([
        (0, "TEXT".into()),
        (8, "TEN".into()),
        (10, "430200".into()),
        (20, "2317800".into()),
        (40, "12".into()),
        (
            1,
            "Khu c\\U+00F4ng nghi\\U+1EC7p C\\U+00E1i L\\U+00E2n".into(),
        ),
        (0, "POLYLINE".into()),
        (8, "LO_DAT".into()),
        (66, "1".into()),
        (70, "1".into()),
    ]);
    for (x, y) in [
        (430400.0, 2317200.0),
        (430600.0, 2317200.0),
        (430600.0, 2317400.0),
        (430400.0, 2317400.0),
    ] {
        g.extend([
            (0, "VERTEX".into()),
            (8, "LO_DAT".into()),
            (10, format!("{x}")),
            (20, format!("{y}")),
        ]);
    }
    g.extend([
        (0, "SEQEND".into()),
        (0, "MTEXT".into()),
        (8, "TEN".into()),
        (10, "430500".into()),
        (20, "2317300".into()),
        (3, "{\\fArial|b1;L\\U+00F4 ".into()),
        (1, "A1\\PKho b\\U+00E3i}".into()),
        (0, "TEXT".into()),
        (8, "TEN".into()),
        (10, "432500".into()),
        (20, "2317500".into()),
        (1, tcvn3),
        (0, "LINE".into()),
        (8, "DUONG".into()),
        (10, "430000".into()),
        (20, "2319000".into()),
        (11, "431000".into()),
        (21, "2319500".into()),
        (0, "POINT".into()),
        (8, "MOC".into()),
        (10, "430100.5".into()),
        (20, "2317100.25".into()),
        (0, "INSERT".into()),
        (8, "KY_HIEU".into()),
        (2, "TRAM_BIEN_AP".into()),
        (10, "430900".into()),
        (20, "2317900".into()),
        (0, "LWPOLYLINE".into()),
        (8, "CONG_VIEN".into()),
        (90, "2".into()),
        (70, "1".into()),
        (10, "432000".into()),
        (20, "2317000".into()),
        (42, "1".into()),
        (10, "433000".into()),
        (20, "2317000".into()),
        (42, "1".into()),
        (0, "CIRCLE".into()),
        (8, "X".into()),
        (10, "1".into()),
        (20, "2".into()),
        (40, "3".into()),
        (0, "ENDSEC".into()),
        (0, "EOF".into()),
    ]);
    let refs: Vec<(i32, &str)> = g.iter().map(|(c, v)| (*c, v.as_str())).collect();
    dxf(&refs)
}

fn dxf_features(path: &Path) -> Vec<qn_planner::io::import::RawFeature> {
    use qn_planner::io::office::OfficeReader;
    let mut r = qn_planner::io::dxf::DxfIn::open(path, None).unwrap();
    let mut out = Vec::new();
    while let Some(f) = r.next_feature().unwrap() {
        out.push(f);
    }
    out
}

fn attr(f: &qn_planner::io::import::RawFeature, k: &str) -> Option<String> {
    f.attrs
        .iter()
        .find(|(n, _)| n == k)
        .and_then(|(_, v)| match v {
            qn_planner::io::import::Value::Text(t) => Some(t.clone()),
            _ => None,
        })
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn a_planning_drawing_reads_with_its_labels_inside_its_polygons() {
    if !common::have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quy_hoach.dxf");
    // One byte per character: the TCVN3 text is written as its bytes.
    let bytes: Vec<u8> = planning_drawing().chars().map(|c| c as u32 as u8).collect();
    std::fs::write(&path, bytes).unwrap();
    let ours = dxf_features(&path);
    let by_layer = |l: &str| {
        ours.iter()
            .filter(|f| attr(f, "layer").as_deref() == Some(l))
            .collect::<Vec<_>>()
    };
    // The zone takes the TEXT inside it; the lot inside the zone takes its own MTEXT.
    let zone = by_layer("RANH_GIOI_KHU");
    assert_eq!(zone.len(), 1);
    assert_eq!(
        attr(zone[0], "label").as_deref(),
        Some("Khu công nghiệp Cái Lân")
    );
    let lot = by_layer("LO_DAT");
    assert_eq!(attr(lot[0], "label").as_deref(), Some("Lô A1 Kho bãi"));
    assert!(matches!(lot[0].geom, Some(geo_types::Geometry::Polygon(_))));
    // A text inside no polygon stays a point, decoded from TCVN3.
    let loose = by_layer("TEN");
    assert_eq!(loose.len(), 1);
    assert_eq!(attr(loose[0], "label").as_deref(), Some("Đất cây xanh"));
    assert_eq!(
        attr(by_layer("KY_HIEU")[0], "block").as_deref(),
        Some("TRAM_BIEN_AP")
    );
    // The bulged boundary is a circle of radius 500 around (432500, 2317000).
    let park = by_layer("CONG_VIEN");
    let geo_types::Geometry::Polygon(p) = park[0].geom.as_ref().unwrap() else {
        panic!()
    };
    use geo::Area;
    let area = p.unsigned_area();
    let circle = std::f64::consts::PI * 500.0 * 500.0;
    assert!((area - circle).abs() / circle < 0.01, "{area} vs {circle}");
    // Every entity without bulges lies where GDAL reads it.
    let theirs = gdal_read(&path, None);
    for f in &ours {
        let layer = attr(f, "layer").unwrap();
        // Bulges are drawn in different steps; GDAL expands an INSERT into its block's
        // entities (this drawing defines none) where qn-planner keeps the insertion point.
        if layer == "CONG_VIEN" || layer == "TEN" || layer == "KY_HIEU" {
            continue;
        }
        let g = theirs
            .iter()
            .find(|(_, p)| p["Layer"].as_str() == Some(layer.as_str()))
            .unwrap_or_else(|| panic!("GDAL has no {layer}"));
        assert_within_mm(f.geom.as_ref().unwrap(), &g.0);
    }
    // Through the CLI: the assumed system is said, and --crs changes it.
    let project = new_project(dir.path(), "qn.gpkg");
    let out = qn(&["import".as_ref(), project.as_os_str(), path.as_os_str()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("EPSG:5899")
            && stdout.contains("assumed: a DXF declares no coordinate system"),
        "{stdout}"
    );
    assert!(stdout.contains("entities not read: 1 CIRCLE"), "{stdout}");
    assert!(stdout.contains("$DWGCODEPAGE says ANSI_1252"), "{stdout}");
    let out = qn(&[
        "import".as_ref(),
        project.as_os_str(),
        path.as_os_str(),
        "--layer".as_ref(),
        "utm".as_ref(),
        "--crs".as_ref(),
        "EPSG:3405".as_ref(),
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("EPSG:3405) (given)"));
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn a_dxf_written_by_gdal_reads_as_gdal_reads_it() {
    if !common::have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    gdal_shapefiles(d);
    for name in ["diem", "duong", "vung"] {
        let src = d.join(format!("{name}.geojson"));
        let out = d.join(format!("{name}.dxf"));
        // Polygons become HATCH entities, lines LWPOLYLINE, points POINT.
        run(
            "ogr2ogr",
            &[
                "-f",
                "DXF",
                out.to_str().unwrap(),
                src.to_str().unwrap(),
                "-skipfailures",
            ],
        );
        let ours = dxf_features(&out);
        let theirs = gdal_read(&out, None);
        assert_eq!(ours.len(), theirs.len(), "{name}");
        let mut a: Vec<_> = ours
            .iter()
            .map(|f| parts(f.geom.as_ref().unwrap()))
            .collect();
        let mut b: Vec<_> = theirs.iter().map(|(g, _)| parts(g)).collect();
        // GDAL splits multi-part lines into one entity per part, as we read them.
        a.sort();
        b.sort();
        assert_eq!(a, b, "{name}");
    }
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn malformed_dxf_files_are_refused_naming_the_file_and_line() {
    if !common::have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let project = new_project(d, "qn.gpkg");
    let write = |name: &str, bytes: &[u8]| {
        let p = d.join(format!("{name}.dxf"));
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let garbage: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let p = write("rac", &garbage);
    refused(&project, &p, &["rac.dxf line 1", "not a DXF group code"]);
    let p = write("nhi_phan", b"AutoCAD Binary DXF\r\n\x1a\x00 rest");
    refused(&project, &p, &["nhi_phan.dxf", "binary DXF"]);
    let p = write(
        "khong_dong",
        dxf(&[
            (0, "SECTION"),
            (2, "ENTITIES"),
            (0, "POINT"),
            (8, "A"),
            (10, "1"),
            (20, "2"),
        ])
        .as_bytes(),
    );
    refused(
        &project,
        &p,
        &["khong_dong.dxf line 1", "section ENTITIES never ends"],
    );
    let p = write(
        "long_nhau",
        dxf(&[
            (0, "SECTION"),
            (2, "ENTITIES"),
            (0, "SECTION"),
            (2, "BLOCKS"),
            (0, "ENDSEC"),
            (0, "EOF"),
        ])
        .as_bytes(),
    );
    refused(
        &project,
        &p,
        &["long_nhau.dxf line 5", "a SECTION inside section ENTITIES"],
    );
    let p = write("thua_endsec", dxf(&[(0, "ENDSEC"), (0, "EOF")]).as_bytes());
    refused(
        &project,
        &p,
        &["thua_endsec.dxf line 1", "ENDSEC outside any section"],
    );
    let p = write(
        "eof_giua",
        dxf(&[(0, "SECTION"), (2, "ENTITIES"), (0, "EOF")]).as_bytes(),
    );
    refused(
        &project,
        &p,
        &["eof_giua.dxf line 5", "EOF inside section ENTITIES"],
    );
    let mut cut = dxf(&[
        (0, "SECTION"),
        (2, "ENTITIES"),
        (0, "POINT"),
        (8, "A"),
        (10, "1"),
    ]);
    cut.push_str("20\n");
    let p = write("cat", cut.trim_end().as_bytes());
    refused(&project, &p, &["cat.dxf line 11", "truncated"]);
    let p = write(
        "so_sai",
        dxf(&[
            (0, "SECTION"),
            (2, "ENTITIES"),
            (0, "POINT"),
            (8, "A"),
            (10, "1,5"),
            (20, "2"),
            (0, "ENDSEC"),
            (0, "EOF"),
        ])
        .as_bytes(),
    );
    refused(
        &project,
        &p,
        &["so_sai.dxf line 10", "group 10 holds \"1,5\""],
    );
    let p = write(
        "vong_ngan",
        dxf(&[
            (0, "SECTION"),
            (2, "ENTITIES"),
            (0, "LWPOLYLINE"),
            (8, "A"),
            (90, "2"),
            (70, "1"),
            (10, "430000"),
            (20, "2317000"),
            (10, "430010"),
            (20, "2317000"),
            (0, "ENDSEC"),
            (0, "EOF"),
        ])
        .as_bytes(),
    );
    refused(&project, &p, &["vong_ngan.dxf", "feature 1", "3 positions"]);
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn hatch_edges_with_arcs_read_as_gdal_reads_them() {
    if !common::have_gdal() {
        return;
    }
    use geo::{Area, Centroid};
    let dir = tempfile::tempdir().unwrap();
    for ccw in ["1", "0"] {
        // A half disc: the line from (0,0) to (2,0) and the arc around (1,0) from 0° to 180°.
        let text = dxf(&[
            (0, "SECTION"),
            (2, "ENTITIES"),
            (0, "HATCH"),
            (8, "NUA_TRON"),
            (10, "0"),
            (20, "0"),
            (30, "0"),
            (2, "SOLID"),
            (70, "1"),
            (71, "0"),
            (91, "1"),
            (92, "1"),
            (93, "2"),
            (72, "1"),
            (10, "2"),
            (20, "0"),
            (11, "0"),
            (21, "0"),
            (72, "2"),
            (10, "1"),
            (20, "0"),
            (40, "1"),
            (50, "180"),
            (51, "360"),
            (73, ccw),
            (97, "0"),
            (75, "0"),
            (76, "1"),
            (98, "0"),
            (0, "ENDSEC"),
            (0, "EOF"),
        ]);
        let path = dir.path().join(format!("hatch_{ccw}.dxf"));
        std::fs::write(&path, text).unwrap();
        let ours = dxf_features(&path);
        let theirs = gdal_read(&path, None);
        assert_eq!(ours.len(), 1);
        let (a, b) = (ours[0].geom.as_ref().unwrap(), &theirs[0].0);
        let (ca, cb) = (a.centroid().unwrap(), b.centroid().unwrap());
        assert!(
            (a.unsigned_area() - b.unsigned_area()).abs() < 0.01,
            "ccw {ccw}: {} vs {}",
            a.unsigned_area(),
            b.unsigned_area()
        );
        assert!(
            (ca.x() - cb.x()).abs() < 0.01 && (ca.y() - cb.y()).abs() < 0.01,
            "ccw {ccw}: {ca:?} vs {cb:?}"
        );
    }
}
