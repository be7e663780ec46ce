//! Reference layers in and out: `import` and `export-layer` round trips, VN-2000 input, a
//! corpus of malformed inputs that must each fail cleanly and leave the project untouched,
//! cancel mid-import, and independent checks with GDAL and an RFC 7946 validator.

use crate::common;
use crate::common::new_project;

use qn_planner::io::crs::Crs;
use qn_planner::io::import::{CrsFrom, ImportError, Source};
use qn_planner::store::ProjectFile;
use serde_json::{Value as J, json};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};

mod undo_and_planning;

fn bin() -> Command {
    // No settings of the machine's user: the default language (Vietnamese) for the data.
    let mut c = Command::new(env!("CARGO_BIN_EXE_qn-planner"));
    c.env(
        "QN_PLANNER_HOME",
        std::env::temp_dir().join("qn-planner-tests-no-home"),
    );
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Input with every geometry kind, Vietnamese text, numbers and nulls. The first polygon is
/// written clockwise on purpose: exports must turn it counter-clockwise.
fn sample() -> J {
    json!({
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"ten": "Khu đô thị Hạ Long", "dien_tich_ha": 12.5, "so_lo": 3, "ghi_chu": null},
             "geometry": {"type": "Polygon", "coordinates": [
                 [[107.0, 20.9], [107.0, 20.95], [107.05, 20.95], [107.05, 20.9], [107.0, 20.9]],
                 [[107.01, 20.91], [107.04, 20.91], [107.04, 20.94], [107.01, 20.94], [107.01, 20.91]]]}},
            {"type": "Feature", "properties": {"ten": "Cụm công nghiệp Đông Triều", "dien_tich_ha": 40.25, "so_lo": 12, "ghi_chu": "ưu tiên"},
             "geometry": {"type": "MultiPolygon", "coordinates": [
                 [[[106.5, 21.0], [106.6, 21.0], [106.6, 21.1], [106.5, 21.0]]],
                 [[[106.7, 21.0], [106.8, 21.0], [106.8, 21.1], [106.7, 21.0]]]]}},
            {"type": "Feature", "properties": {"ten": "Quốc lộ 18", "dien_tich_ha": null, "so_lo": null, "ghi_chu": "đường"},
             "geometry": {"type": "LineString", "coordinates": [[106.51234567, 21.01], [107.9876543, 21.5]]}},
            {"type": "Feature", "properties": {"ten": "Móng Cái", "dien_tich_ha": 0.0, "so_lo": 1, "ghi_chu": ""},
             "geometry": {"type": "Point", "coordinates": [107.9667, 21.5333]}},
            {"type": "Feature", "properties": {"ten": "Vân Đồn", "dien_tich_ha": 1.5, "so_lo": 2, "ghi_chu": "đảo"},
             "geometry": {"type": "MultiPoint", "coordinates": [[107.45, 21.05], [107.46, 21.06]]}}
        ]
    })
}

fn write_json(path: &Path, v: &J) {
    std::fs::write(path, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// All coordinates of a GeoJSON geometry, flattened.
fn coords(g: &J, out: &mut Vec<(f64, f64)>) {
    match g {
        J::Array(a) if a.len() >= 2 && a[0].is_number() => {
            out.push((a[0].as_f64().unwrap(), a[1].as_f64().unwrap()))
        }
        J::Array(a) => a.iter().for_each(|x| coords(x, out)),
        _ => {}
    }
}

/// Twice the signed area of a ring (> 0 counter-clockwise).
fn signed_area(ring: &J) -> f64 {
    let pts: Vec<(f64, f64)> = ring
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect();
    pts.windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum()
}

#[test]
fn geojson_round_trip_keeps_geometry_and_vietnamese_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "qn.gpkg");
    let input = dir.path().join("quy hoạch.geojson");
    let src = sample();
    write_json(&input, &src);
    let p = project.to_str().unwrap();
    let out = ok(&run(&[
        "import",
        p,
        input.to_str().unwrap(),
        "--layer",
        "Quy hoạch sử dụng đất",
    ]));
    assert!(out.contains("imported 5 features"), "{out}");
    assert!(out.contains("ref_quy_hoach_su_dung_dat"), "{out}");

    let back = dir.path().join("back.geojson");
    ok(&run(&[
        "export-layer",
        p,
        "Quy hoạch sử dụng đất",
        back.to_str().unwrap(),
    ]));
    let text = std::fs::read_to_string(&back).unwrap();
    let got: J = serde_json::from_str(&text).unwrap();
    assert!(
        got.get("crs").is_none(),
        "RFC 7946 output has no crs member"
    );
    let a = src["features"].as_array().unwrap();
    let b = got["features"].as_array().unwrap();
    assert_eq!(a.len(), b.len());
    for (fa, fb) in a.iter().zip(b) {
        // Attributes: same names, same order, same values (Vietnamese text byte-for-byte).
        let pa = fa["properties"].as_object().unwrap();
        let pb = fb["properties"].as_object().unwrap();
        assert_eq!(pa.keys().collect::<Vec<_>>(), pb.keys().collect::<Vec<_>>());
        for (k, v) in pa {
            match (v, &pb[k]) {
                (J::Number(x), J::Number(y)) => {
                    assert!(
                        (x.as_f64().unwrap() - y.as_f64().unwrap()).abs() < 1e-12,
                        "{k}"
                    )
                }
                (x, y) => assert_eq!(x, y, "{k}"),
            }
        }
        assert_eq!(fa["geometry"]["type"], fb["geometry"]["type"]);
        let (mut ca, mut cb) = (Vec::new(), Vec::new());
        coords(&fa["geometry"]["coordinates"], &mut ca);
        coords(&fb["geometry"]["coordinates"], &mut cb);
        assert_eq!(ca.len(), cb.len());
        // Rings may come back in the other direction; compare as sorted sets of positions.
        let key = |v: &mut Vec<(f64, f64)>| v.sort_by(|p, q| p.partial_cmp(q).unwrap());
        key(&mut ca);
        key(&mut cb);
        for (x, y) in ca.iter().zip(&cb) {
            assert!(
                (x.0 - y.0).abs() <= 1e-7 && (x.1 - y.1).abs() <= 1e-7,
                "{x:?} vs {y:?}"
            );
        }
    }
    // Exterior rings counter-clockwise, holes clockwise, at most 7 decimals.
    let poly = &b[0]["geometry"]["coordinates"];
    assert!(signed_area(&poly[0]) > 0.0);
    assert!(signed_area(&poly[1]) < 0.0);
    assert!(text.contains("106.5123457"), "rounded to 7 decimals");
    assert!(!text.contains("106.51234567"));

    // CSV of the same layer: WKT geometry and the attributes.
    let csv = dir.path().join("back.csv");
    ok(&run(&[
        "export-layer",
        p,
        "ref_quy_hoach_su_dung_dat",
        csv.to_str().unwrap(),
    ]));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "fid,wkt,ten,dien_tich_ha,so_lo,ghi_chu"
    );
    assert!(
        text.contains("\"MULTIPOINT (107.45 21.05,107.46 21.06)\",Vân Đồn,1.5,2,đảo"),
        "{text}"
    );

    if common::have_gdal() {
        common::assert_valid_gpkg(&project, "a project after an import");
    }
}

#[test]
fn vn2000_tm3_input_lands_within_a_centimetre_of_proj() {
    // Test vectors from PROJ (GDAL 3.6.2 gdaltransform -s_srs EPSG:4326 -t_srs EPSG:5899).
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "qn.gpkg");
    let input = dir.path().join("moc.geojson");
    write_json(
        &input,
        &json!({"type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::5899"}},
        "features": [
          {"type": "Feature", "properties": {"ten": "Mốc 1"}, "geometry": {"type": "Point", "coordinates": [430127.565, 2317566.472]}},
          {"type": "Feature", "properties": {"ten": "Mốc 2"}, "geometry": {"type": "Point", "coordinates": [522595.916, 2380540.796]}}
        ]}),
    );
    let p = project.to_str().unwrap();
    let out = run(&["import", p, input.to_str().unwrap()]);
    let said = ok(&out);
    assert!(
        said.contains("EPSG:5899") && said.contains("declared"),
        "{said}"
    );
    let back = dir.path().join("moc.csv");
    ok(&run(&["export-layer", p, "moc", back.to_str().unwrap()]));
    let text = std::fs::read_to_string(&back).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let want: [(f64, f64); 2] = [(107.08, 20.95), (107.97, 21.52)];
    for (row, (lon, lat)) in rows.iter().zip(want) {
        let x: f64 = row[1].parse().unwrap();
        let y: f64 = row[2].parse().unwrap();
        let dx = (x - lon) * 111_320.0 * lat.to_radians().cos();
        let dy = (y - lat) * 110_574.0;
        assert!((dx * dx + dy * dy).sqrt() < 0.01, "{row:?}: {dx} m, {dy} m");
    }
    // And back out in TM-3 for the survey office, within a centimetre of the input.
    let tm3 = dir.path().join("moc_tm3.csv");
    ok(&run(&[
        "export-layer",
        p,
        "moc",
        tm3.to_str().unwrap(),
        "--crs",
        "EPSG:5899",
    ]));
    let text = std::fs::read_to_string(&tm3).unwrap();
    assert!(text.starts_with("fid,x,y,ten\n"), "{text}");
    assert!(text.contains("Mốc 1"));
    let row: Vec<f64> = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .take(3)
        .map(|s| s.parse().unwrap())
        .collect();
    assert!(
        (row[1] - 430127.565).abs() < 0.01 && (row[2] - 2317566.472).abs() < 0.01,
        "{row:?}"
    );
}

fn sha(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

/// Every entry of `dir` but the project file itself (to see stray temporary files).
fn others(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

const GOOD: &str = r#"{"type":"Feature","properties":{"ten":"tốt"},"geometry":{"type":"Point","coordinates":[107.1,21.0]}}"#;

fn fc(second: &str) -> Vec<u8> {
    format!(r#"{{"type":"FeatureCollection","features":[{GOOD},{second}]}}"#).into_bytes()
}

#[test]
fn malformed_inputs_fail_with_a_message_and_leave_the_project_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "qn.gpkg");
    let inputs = tempfile::tempdir().unwrap();
    let pt = |c: &str| {
        fc(&format!(
            r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Point","coordinates":{c}}}}}"#
        ))
    };
    let poly = |c: &str| {
        fc(&format!(
            r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":{c}}}}}"#
        ))
    };
    let mut bad_utf8 = fc(r#"{"type":"Feature","properties":{"ten":"AB"},"geometry":null}"#);
    let i = bad_utf8.windows(2).position(|w| w == b"AB").unwrap();
    bad_utf8[i] = 0xff;
    let mut bad_utf8_csv = b"lon,lat,ten\n107.1,21.0,ok\n107.2,21.1,X\n".to_vec();
    let j = bad_utf8_csv.iter().rposition(|&b| b == b'X').unwrap();
    bad_utf8_csv[j] = 0xc3;
    // (file name, bytes, extra args, text the message must contain)
    let corpus: Vec<(&str, Vec<u8>, Vec<&str>, &str)> = vec![
        ("empty.geojson", vec![], vec![], ""),
        ("truncated.geojson", fc(GOOD)[..150].to_vec(), vec![], ""),
        (
            "invalid.geojson",
            b"{\"type\": FeatureCollection}".to_vec(),
            vec![],
            "",
        ),
        ("array.geojson", b"[1,2,3]".to_vec(), vec![], ""),
        (
            "features_object.geojson",
            br#"{"type":"FeatureCollection","features":{}}"#.to_vec(),
            vec![],
            "",
        ),
        (
            "string_coords.geojson",
            pt(r#"["107","21"]"#),
            vec![],
            "feature 2",
        ),
        ("one_coord.geojson", pt("[107.1]"), vec![], "feature 2"),
        ("nan.geojson", pt("[NaN, 21.0]"), vec![], ""),
        ("huge.geojson", pt("[1e999, 21.0]"), vec![], ""),
        (
            "lon_out_of_range.geojson",
            pt("[400.0, 21.0]"),
            vec!["--crs", "EPSG:4326"],
            "feature 2",
        ),
        (
            "lat_out_of_range.geojson",
            pt("[107.0, 95.0]"),
            vec!["--crs", "EPSG:4326"],
            "feature 2",
        ),
        ("unguessable.geojson", pt("[400.0, 21.0]"), vec![], "--crs"),
        (
            "unclosed_ring.geojson",
            poly("[[[107,21],[107.1,21],[107.1,21.1],[107,21.1]]]"),
            vec![],
            "not closed",
        ),
        (
            "short_ring.geojson",
            poly("[[[107,21],[107.1,21],[107,21]]]"),
            vec![],
            "feature 2",
        ),
        (
            "polygon_as_point.geojson",
            poly("[107.0, 21.0]"),
            vec![],
            "feature 2",
        ),
        (
            "unknown_type.geojson",
            fc(
                r#"{"type":"Feature","properties":{},"geometry":{"type":"Circle","coordinates":[107,21]}}"#,
            ),
            vec![],
            "feature 2",
        ),
        (
            "properties_number.geojson",
            fc(r#"{"type":"Feature","properties":5,"geometry":null}"#),
            vec![],
            "feature 2",
        ),
        (
            "not_a_feature.geojson",
            fc(r#"{"type":"Point","coordinates":[107,21]}"#),
            vec![],
            "feature 2",
        ),
        ("bad_utf8.geojson", bad_utf8, vec![], ""),
        (
            "tm3_out_of_zone.geojson",
            pt("[1e12, 1e12]"),
            vec!["--crs", "EPSG:5899"],
            "",
        ),
        (
            "unknown_crs.geojson",
            fc(GOOD),
            vec!["--crs", "EPSG:9999"],
            "EPSG:9999",
        ),
        (
            "bad_number.csv",
            "lon,lat,ten\n107.1,21.0,ok\n107.2,abc,xấu\n"
                .as_bytes()
                .to_vec(),
            vec![],
            "line 3",
        ),
        (
            "ragged.csv",
            b"lon,lat,ten\n107.1,21.0,ok\n107.2\n".to_vec(),
            vec![],
            "line 3",
        ),
        (
            "no_coordinates.csv",
            b"a,b,c\n1,2,3\n".to_vec(),
            vec![],
            "lon/lat",
        ),
        ("bad_utf8.csv", bad_utf8_csv, vec![], "line 3"),
        (
            "text.gpkg",
            b"this is not a database at all, just text".to_vec(),
            vec![],
            "",
        ),
        (
            "lone.shp",
            b"\0\0\x27\x0a".to_vec(),
            vec![],
            "its .shx is missing",
        ),
        (
            "unknown.e00",
            b"EXP  0 /ARC/INFO/EXPORT".to_vec(),
            vec![],
            "GeoJSON, CSV, GeoPackage, Shapefile, MapInfo MIF, DXF",
        ),
    ];
    assert!(corpus.len() >= 20);
    let before = sha(&project);
    let listing = others(dir.path());
    for (name, bytes, extra, must) in &corpus {
        let input = inputs.path().join(name);
        std::fs::write(&input, bytes).unwrap();
        let mut args = vec!["import", project.to_str().unwrap(), input.to_str().unwrap()];
        args.extend(extra.iter());
        let out = run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}: import succeeded");
        assert!(!err.contains("panicked"), "{name}: {err}");
        let crs_arg = extra
            .iter()
            .position(|a| *a == "--crs")
            .and_then(|i| extra.get(i + 1));
        if crs_arg.is_some_and(|c| qn_planner::io::crs::Crs::parse(c).is_none()) {
            // An unknown --crs is a wrong command line: status 2 and clap's message.
            assert_eq!(out.status.code(), Some(2), "{name}: {err}");
            assert!(
                err.starts_with("error: ") && err.contains(must),
                "{name}: {err}"
            );
        } else {
            assert_eq!(out.status.code(), Some(1), "{name}: {err}");
            let last = err.lines().last().unwrap_or_default();
            assert!(last.starts_with("qn-planner: "), "{name}: {err}");
            assert!(
                last.contains(must),
                "{name}: message {err:?} lacks {must:?}"
            );
        }
        eprintln!("{name}: {}", err.lines().last().unwrap_or_default());
        assert!(sha(&project) == before, "{name}: the project changed");
        assert_eq!(others(dir.path()), listing, "{name}: stray files");
    }
    // A GeoPackage input with no such layer.
    let out = run(&[
        "import",
        project.to_str().unwrap(),
        project.to_str().unwrap(),
        "--layer",
        "khong_co",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("khong_co"));
    assert!(sha(&project) == before);
}

#[test]
fn cancel_mid_import_leaves_the_file_unchanged_and_valid() {
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "qn.gpkg");
    let input = dir.path().join("many.geojson");
    let features: Vec<J> = (0..5000)
        .map(|i| {
            json!({"type": "Feature", "properties": {"ten": format!("Điểm {i}")},
                   "geometry": {"type": "Point", "coordinates": [106.5 + (i % 100) as f64 * 0.015, 20.8 + (i / 100) as f64 * 0.015]}})
        })
        .collect();
    write_json(
        &input,
        &json!({"type": "FeatureCollection", "features": features}),
    );
    let before = sha(&project);
    let mut pf = ProjectFile::open(&project).unwrap();
    let source = Source::from_path(&input, None).unwrap();
    let cancel = AtomicBool::new(false);
    let mut seen = 0;
    let r = qn_planner::io::import_layer::import_reference_layer(
        &mut pf,
        &source,
        Some(Crs::Wgs84),
        "Nhiều điểm",
        "#ff0000",
        &cancel,
        &mut |done, fraction| {
            assert!(
                (0.0..=1.0).contains(&fraction) && fraction > 0.0,
                "{fraction}"
            );
            seen = done;
            if done >= 2000 {
                cancel.store(true, Ordering::Relaxed);
            }
        },
    );
    assert!(matches!(r, Err(ImportError::Cancelled)), "{r:?}");
    assert!(
        (2000..5000).contains(&seen),
        "cancelled part-way, after {seen}"
    );
    assert!(pf.reference_layers().unwrap().is_empty());
    drop(pf);
    assert!(sha(&project) == before, "cancel changed the file");
    if common::have_gdal() {
        common::assert_valid_gpkg(&project, "after a cancelled import");
    }
    // The same import, not cancelled, goes through.
    let mut pf = ProjectFile::open(&project).unwrap();
    let cancel = AtomicBool::new(false);
    let s = qn_planner::io::import_layer::import_reference_layer(
        &mut pf,
        &source,
        None,
        "Nhiều điểm",
        "#ff0000",
        &cancel,
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(s.features, 5000);
    assert_eq!(s.geometry_type, "POINT");
    assert_eq!((s.crs, s.crs_from), (Crs::Wgs84, CrsFrom::Guessed));
    assert_eq!(pf.reference_layers().unwrap()[0].name, "Nhiều điểm");
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn gdal_reads_our_exports_and_we_read_gdals() {
    if !common::have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "qn.gpkg");
    let p = project.to_str().unwrap();
    let d = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    // ogr2ogr's GeoJSON (RFC 7946) and GeoPackage of our zones import.
    let st = Command::new("ogr2ogr")
        .args([
            "-f",
            "GeoJSON",
            "-lco",
            "RFC7946=YES",
            &d("gdal_zones.geojson"),
            p,
            "industrial_clusters",
        ])
        .status()
        .unwrap();
    assert!(st.success());
    let out = ok(&run(&[
        "import",
        p,
        &d("gdal_zones.geojson"),
        "--layer",
        "Cụm từ GDAL",
    ]));
    assert!(out.contains("imported 8 features"), "{out}");
    let st = Command::new("ogr2ogr")
        .args([
            "-f",
            "GPKG",
            &d("gdal.gpkg"),
            p,
            "proposed_clusters",
            "-nln",
            "du_kien",
        ])
        .status()
        .unwrap();
    assert!(st.success());
    let out = ok(&run(&["import", p, &d("gdal.gpkg"), "--layer", "du_kien"]));
    assert!(out.contains("imported 10 features"), "{out}");
    // ogr2ogr's TM-3 GeoJSON (with a crs member) imports too.
    let st = Command::new("ogr2ogr")
        .args([
            "-f",
            "GeoJSON",
            "-t_srs",
            "EPSG:5899",
            &d("tm3.geojson"),
            p,
            "craft_villages",
        ])
        .status()
        .unwrap();
    assert!(st.success());
    ok(&run(&[
        "import",
        p,
        &d("tm3.geojson"),
        "--layer",
        "Làng nghề TM3",
    ]));
    common::assert_valid_gpkg(&project, "after three imports");

    // Our GeoJSON, CSV and GeoPackage exports open in GDAL with the right counts.
    let input = dir.path().join("mau.geojson");
    write_json(&input, &sample());
    ok(&run(&["import", p, input.to_str().unwrap()]));
    for out in ["mau.geojson", "mau.gpkg"] {
        ok(&run(&["export-layer", p, "mau", &d(out)]));
        let info = Command::new("ogrinfo")
            .args(["-al", "-so", &d(out)])
            .output()
            .unwrap();
        let s = String::from_utf8_lossy(&info.stdout);
        assert!(
            info.status.success() && s.contains("Feature Count: 5"),
            "{out}: {s}"
        );
        let copy = d(&format!("copy_of_{out}.gpkg"));
        let st = Command::new("ogr2ogr")
            .args(["-f", "GPKG", &copy, &d(out)])
            .status()
            .unwrap();
        assert!(st.success(), "ogr2ogr rejects our {out}");
    }
    common::assert_valid_gpkg(Path::new(&d("mau.gpkg")), "an exported layer");
    let all = Command::new("ogrinfo")
        .args(["-al", &d("mau.gpkg")])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&all.stdout).contains("Cụm công nghiệp Đông Triều"));

    // An RFC 7946 validator accepts our GeoJSON (structure, no crs member, valid geometry).
    let py = std::env::var("QN_GEOJSON_VALIDATOR_PYTHONPATH").unwrap_or_default();
    let check = Command::new("python3")
        .env("PYTHONPATH", &py)
        .args([
            "-c",
            "import sys, geojson_validator as g\n\
             s = g.validate_structure(sys.argv[1], check_crs=True)\n\
             v = g.validate_geometries(sys.argv[1])\n\
             print(s, v['invalid'])\n\
             sys.exit(1 if s or v['invalid'] else 0)",
            &d("mau.geojson"),
        ])
        .output();
    match check {
        Ok(o) if o.status.success() => {}
        Ok(o) if String::from_utf8_lossy(&o.stderr).contains("No module named") => {
            assert!(
                std::env::var_os("QN_REQUIRE_GDAL").is_none(),
                "geojson-validator is required here but missing"
            );
            eprintln!("skipped: geojson-validator not installed");
        }
        Ok(o) => panic!(
            "RFC 7946 validator rejects our GeoJSON: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!("python3: {e}"),
    }
}

#[test]
fn fuzz_findings_decode_without_panic_and_are_refused_by_import() {
    // Found by `cargo fuzz run gpkg_geometry`: a polygon whose one ring holds a single NaN
    // position, and a polygon with an empty exterior but holes. Neither round-trips through
    // the encoder (they are not valid geometry); decoding must not panic and the import's
    // checks must refuse both.
    for (name, blob) in [
        (
            "nan ring",
            &include_bytes!("../../data/fuzz/gpkg_geometry-nan-ring.bin")[..],
        ),
        (
            "empty exterior with holes",
            &include_bytes!("../../data/fuzz/gpkg_geometry-empty-exterior-with-holes.bin")[..],
        ),
    ] {
        let g = qn_planner::store::geom::decode(blob)
            .unwrap_or_else(|e| panic!("{name}: the decoder reads it: {e}"))
            .geometry
            .unwrap_or_else(|| panic!("{name}: a polygon"));
        assert!(
            qn_planner::io::import::check_geometry(&g).is_err(),
            "{name}: accepted"
        );
    }
}

/// The import reads once: columns are made from the first features and fixed up when later
/// ones bring wider values, new fields or another geometry type.
#[test]
fn fields_that_widen_or_appear_late_get_the_right_columns() {
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "qn.gpkg");
    let input = dir.path().join("muon.geojson");
    let features: Vec<J> = (1..=2500)
        .map(|i| {
            let mut p = json!({"so": i, "ma": i, "ten": format!("Thửa {i}")});
            if i == 2000 {
                p["so"] = json!(2.5);
            }
            if i == 2400 {
                p["ma"] = json!("Mã 2400");
            }
            if i >= 2200 {
                p["moi"] = json!(format!("mới {i}"));
            }
            let g = if i == 2300 {
                json!({"type": "LineString", "coordinates": [[107.0, 21.0], [107.1, 21.1]]})
            } else {
                json!({"type": "Point", "coordinates": [106.5 + (i % 50) as f64 * 0.03, 20.9 + (i / 50) as f64 * 0.01]})
            };
            json!({"type": "Feature", "properties": p, "geometry": g})
        })
        .collect();
    write_json(
        &input,
        &json!({"type": "FeatureCollection", "features": features}),
    );
    let said = ok(&run(&[
        "import",
        project.to_str().unwrap(),
        input.to_str().unwrap(),
    ]));
    assert!(
        said.contains("2500 features with 4 fields") && said.contains("GEOMETRY"),
        "{said}"
    );
    let c = rusqlite::Connection::open(&project).unwrap();
    let types: Vec<(String, String)> = c
        .prepare("SELECT name, type FROM pragma_table_info('ref_muon') ORDER BY cid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let t = |n: &str| types.iter().find(|(c, _)| c == n).unwrap().1.clone();
    assert_eq!(t("geom"), "GEOMETRY");
    assert_eq!(t("so"), "DOUBLE");
    assert_eq!(t("ma"), "TEXT");
    assert_eq!(t("ten"), "TEXT");
    assert_eq!(t("moi"), "TEXT");
    let gt: String = c
        .query_row(
            "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = 'ref_muon'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(gt, "GEOMETRY");
    let row = |fid: i64| -> (f64, String, Option<String>) {
        c.query_row(
            "SELECT so, ma, moi FROM ref_muon WHERE fid = ?1",
            [fid],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    };
    assert_eq!(row(1), (1.0, "1".to_string(), None));
    assert_eq!(row(2000), (2.5, "2000".to_string(), None));
    assert_eq!(
        row(2400),
        (2400.0, "Mã 2400".to_string(), Some("mới 2400".to_string()))
    );
    let n: i64 = c
        .query_row("SELECT count(*) FROM ref_muon", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2500);
    // The bulk-loaded spatial index is sound and holds every feature.
    let check: String = c
        .query_row("SELECT rtreecheck('rtree_ref_muon_geom')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let n: i64 = c
        .query_row("SELECT count(*) FROM rtree_ref_muon_geom", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2500);
    drop(c);
    if common::have_gdal() {
        common::assert_valid_gpkg(&project, "after an import whose columns widened");
    }
}

/// A `crs` member after the features is still followed: the first guess (from the ranges)
/// is dropped and the file imported again in the system it declares.
#[test]
fn a_crs_member_after_the_features_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "qn.gpkg");
    let late = dir.path().join("cuoi.geojson");
    std::fs::write(
        &late,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"ten":"Mốc A"},"geometry":{"type":"Point","coordinates":[107.05,21.0]}}],
        "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4756"}}}"#,
    )
    .unwrap();
    let said = ok(&run(&[
        "import",
        project.to_str().unwrap(),
        late.to_str().unwrap(),
    ]));
    assert!(
        said.contains("EPSG:4756") && said.contains("declared"),
        "{said}"
    );
    let plain = dir.path().join("dau.geojson");
    std::fs::write(
        &plain,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"ten":"Mốc A"},"geometry":{"type":"Point","coordinates":[107.05,21.0]}}]}"#,
    )
    .unwrap();
    let said = ok(&run(&[
        "import",
        project.to_str().unwrap(),
        plain.to_str().unwrap(),
        "--crs",
        "EPSG:4756",
    ]));
    assert!(
        said.contains("EPSG:4756") && said.contains("given"),
        "{said}"
    );
    let c = rusqlite::Connection::open(&project).unwrap();
    let a: Vec<u8> = c
        .query_row("SELECT geom FROM ref_cuoi", [], |r| r.get(0))
        .unwrap();
    let b: Vec<u8> = c
        .query_row("SELECT geom FROM ref_dau", [], |r| r.get(0))
        .unwrap();
    assert_eq!(a, b, "both imports shift the point the same way");
    let d = qn_planner::store::geom::decode(&a).unwrap();
    let Some(geo_types::Geometry::Point(p)) = d.geometry else {
        panic!()
    };
    assert!(
        (p.x() - 107.05).abs() > 1e-6 || (p.y() - 21.0).abs() > 1e-6,
        "the VN-2000 datum shift was applied: {p:?}"
    );
}
