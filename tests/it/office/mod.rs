//! The office's files against GDAL: Shapefiles written by GDAL (ogr2ogr 3.6) read back by
//! qn-planner and compared with GDAL's own reading (geometry to 1 mm in the file's metres and
//! to 1e-7° after import), DBF text in every legacy encoding, `.prj`/`CoordSys` declarations
//! against PROJ's transformation, our Shapefile export read by `ogrinfo`, and malformed files
//! refused with the file and the record named and the project unchanged. `.ci/run` installs
//! gdal-bin and sets QN_REQUIRE_GDAL=1, so there a missing tool fails the test.

use crate::common;
use crate::common::new_project;

use qn_planner::io::encoding::{Encoding, encode};
use qn_planner::io::shapefile::ShapefileIn;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod dxf;
mod mif;

fn qn(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qn-planner"))
        .args(args)
        .output()
        .unwrap()
}

fn run(cmd: &str, args: &[&str]) -> Output {
    let out = Command::new(cmd).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A GeoJSON FeatureCollection in VN-2000 / TM-3 107°45′ metres around Hạ Long.
fn collection(features: &[(serde_json::Value, &str)]) -> String {
    let feats: Vec<serde_json::Value> = features
        .iter()
        .map(|(g, name)| {
            serde_json::json!({"type": "Feature", "properties": {"ten": name, "so": 7}, "geometry": g})
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": feats}).to_string()
}

fn square(x: f64, y: f64, s: f64) -> Vec<[f64; 2]> {
    vec![[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]
}

/// Shapefiles of every shape family, written by GDAL from GeoJSON.
fn gdal_shapefiles(dir: &Path) -> Vec<PathBuf> {
    let x0 = 430_000.123;
    let y0 = 2_317_000.456;
    let sets: Vec<(&str, Vec<(serde_json::Value, &str)>)> = vec![
        (
            "diem",
            vec![
                (
                    serde_json::json!({"type": "Point", "coordinates": [x0, y0]}),
                    "Cái Lân",
                ),
                (
                    serde_json::json!({"type": "Point", "coordinates": [x0 + 1234.5, y0 - 77.25]}),
                    "Việt Hưng",
                ),
            ],
        ),
        (
            "nhieu_diem",
            vec![(
                serde_json::json!({"type": "MultiPoint", "coordinates": [[x0, y0], [x0 + 10.0, y0 + 20.0]]}),
                "Hải Yên",
            )],
        ),
        (
            "duong",
            vec![
                (
                    serde_json::json!({"type": "LineString", "coordinates": [[x0, y0], [x0 + 500.0, y0 + 250.0], [x0 + 900.5, y0]]}),
                    "Đường tỉnh 337",
                ),
                (
                    serde_json::json!({"type": "MultiLineString", "coordinates": [[[x0, y0], [x0 + 1.0, y0 + 1.0]], [[x0 + 5.0, y0], [x0 + 9.0, y0 + 3.0]]]}),
                    "Quốc lộ 18",
                ),
            ],
        ),
        (
            "vung",
            vec![
                (
                    serde_json::json!({"type": "Polygon", "coordinates": [square(x0, y0, 1000.0), square(x0 + 200.0, y0 + 200.0, 100.0).into_iter().rev().collect::<Vec<_>>(), square(x0 + 600.0, y0 + 600.0, 50.0).into_iter().rev().collect::<Vec<_>>()]}),
                    "Khu công nghiệp Cái Lân",
                ),
                (
                    serde_json::json!({"type": "MultiPolygon", "coordinates": [[square(x0 + 3000.0, y0, 500.0), square(x0 + 3100.0, y0 + 100.0, 50.0).into_iter().rev().collect::<Vec<_>>()], [square(x0 + 5000.0, y0, 400.0)]]}),
                    "Cụm công nghiệp Hà Khánh",
                ),
            ],
        ),
    ];
    let mut out = Vec::new();
    for (name, feats) in sets {
        out.push(shapefile_by_gdal(dir, name, &feats, "UTF-8"));
    }
    out
}

/// Rings of a geometry as sorted vertex lists (order and orientation aside), per polygon or
/// line; points as one-vertex parts.
fn parts(g: &geo_types::Geometry<f64>) -> Vec<Vec<Vec<(i64, i64)>>> {
    use geo_types::Geometry as G;
    // Millimetres in metre coordinates.
    let q =
        |c: &geo_types::Coord<f64>| ((c.x * 1000.0).round() as i64, (c.y * 1000.0).round() as i64);
    let ring = |l: &geo_types::LineString<f64>| {
        let mut v: Vec<(i64, i64)> = l.0.iter().map(q).collect();
        v.sort();
        v
    };
    let mut out = match g {
        G::Point(p) => vec![vec![vec![q(&p.0)]]],
        G::MultiPoint(mp) => mp.0.iter().map(|p| vec![vec![q(&p.0)]]).collect(),
        G::LineString(l) => vec![vec![ring(l)]],
        G::MultiLineString(ml) => ml.0.iter().map(|l| vec![ring(l)]).collect(),
        G::Polygon(p) => vec![
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(ring)
                .collect(),
        ],
        G::MultiPolygon(mp) => {
            mp.0.iter()
                .map(|p| {
                    std::iter::once(p.exterior())
                        .chain(p.interiors())
                        .map(ring)
                        .collect()
                })
                .collect()
        }
        other => panic!("unexpected {other:?}"),
    };
    for p in &mut out {
        p[1..].sort();
    }
    out.sort();
    out
}

/// GDAL's reading of a file: each feature's geometry and properties.
fn gdal_read(
    path: &Path,
    t_srs: Option<&str>,
) -> Vec<(
    geo_types::Geometry<f64>,
    serde_json::Map<String, serde_json::Value>,
)> {
    gdal_read_with(path, t_srs, &[])
}

fn gdal_read_with(
    path: &Path,
    t_srs: Option<&str>,
    extra: &[&str],
) -> Vec<(
    geo_types::Geometry<f64>,
    serde_json::Map<String, serde_json::Value>,
)> {
    let mut args = vec!["-f", "GeoJSON"];
    args.extend(extra);
    if let Some(t) = t_srs {
        args.extend(["-t_srs", t]);
    }
    args.extend([
        "-lco",
        "RFC7946=NO",
        "-lco",
        "COORDINATE_PRECISION=10",
        "/vsistdout/",
        path.to_str().unwrap(),
    ]);
    let out = run("ogr2ogr", &args);
    let fc: geojson::FeatureCollection = String::from_utf8(out.stdout)
        .unwrap()
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    fc.features
        .into_iter()
        .map(|f| {
            let g: geo_types::Geometry<f64> = f.geometry.unwrap().value.try_into().unwrap();
            (g, f.properties.unwrap_or_default())
        })
        .collect()
}

fn assert_within_mm(a: &geo_types::Geometry<f64>, b: &geo_types::Geometry<f64>) {
    use geo::CoordsIter;
    let sorted = |g: &geo_types::Geometry<f64>| {
        let mut v: Vec<(f64, f64)> = g.coords_iter().map(|c| (c.x, c.y)).collect();
        v.sort_by(|p, q| p.partial_cmp(q).unwrap());
        v
    };
    let (va, vb) = (sorted(a), sorted(b));
    assert_eq!(va.len(), vb.len());
    for (p, q) in va.iter().zip(&vb) {
        assert!(
            (p.0 - q.0).abs() < 0.001 && (p.1 - q.1).abs() < 0.001,
            "{p:?} vs {q:?}"
        );
    }
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn shapefiles_read_as_gdal_reads_them() {
    if !common::have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for shp in gdal_shapefiles(dir.path()) {
        let theirs = gdal_read(&shp, None);
        let mut r = ShapefileIn::open(&shp, None).unwrap();
        assert_eq!(r.header.encoding.encoding, Encoding::Utf8);
        let mut ours = Vec::new();
        while let Some(f) = r.next_feature().unwrap() {
            ours.push(f);
        }
        assert_eq!(ours.len(), theirs.len(), "{}", shp.display());
        for (o, (g, props)) in ours.iter().zip(&theirs) {
            let og = o.geom.as_ref().unwrap();
            assert_eq!(
                qn_planner::io::import::geometry_type_name(og),
                qn_planner::io::import::geometry_type_name(g),
                "{}",
                shp.display()
            );
            assert_eq!(parts(og), parts(g), "{}: geometry differs", shp.display());
            let name = props["ten"].as_str().unwrap();
            assert!(
                o.attrs
                    .iter()
                    .any(|(k, v)| k == "ten"
                        && *v == qn_planner::io::import::Value::Text(name.into()))
            );
        }
    }
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn an_imported_shapefile_lies_where_proj_puts_it() {
    if !common::have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "qn.gpkg");
    let shp = gdal_shapefiles(dir.path()).pop().unwrap();
    let out = qn(&["import".as_ref(), project.as_os_str(), shp.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("EPSG:5899") && stdout.contains("declared by the file"),
        "{stdout}"
    );
    // GDAL's reprojection of the Shapefile, and GDAL's reading of our layer.
    let theirs = gdal_read(&shp, Some("EPSG:4326"));
    let layer_gpkg = dir.path().join("layer.gpkg");
    run(
        "ogr2ogr",
        &[
            "-f",
            "GPKG",
            layer_gpkg.to_str().unwrap(),
            project.to_str().unwrap(),
            "ref_vung",
        ],
    );
    let ours = gdal_read(&layer_gpkg, None);
    assert_eq!(ours.len(), theirs.len());
    use geo::CoordsIter;
    for ((a, pa), (b, _)) in ours.iter().zip(&theirs) {
        let mut ca: Vec<(f64, f64)> = a.coords_iter().map(|c| (c.x, c.y)).collect();
        let mut cb: Vec<(f64, f64)> = b.coords_iter().map(|c| (c.x, c.y)).collect();
        ca.sort_by(|p, q| p.partial_cmp(q).unwrap());
        cb.sort_by(|p, q| p.partial_cmp(q).unwrap());
        assert_eq!(ca.len(), cb.len());
        for (p, q) in ca.iter().zip(&cb) {
            assert!(
                (p.0 - q.0).abs() < 1e-7 && (p.1 - q.1).abs() < 1e-7,
                "{p:?} vs {q:?}"
            );
        }
        assert!(pa["ten"].as_str().unwrap().contains("công nghiệp"));
    }
}

/// Names of the encoding tests: mixed case as typed (no accented capital, which TCVN3 cannot
/// hold), and one in capitals.
const NAMES: [&str; 6] = [
    "Cụm công nghiệp Hải Hòa",
    "Khu công nghiệp Cái Lân",
    "Làng nghề gốm sứ Đông Triều",
    "Cụm công nghiệp Kim Sơn",
    "Xưởng đóng tàu Hạ Long",
    "QUẢNG NINH",
];

/// A Shapefile whose DBF holds `bytes` per record, written by GDAL: text handed to GDAL as
/// the Latin-1 characters of those bytes and written with ENCODING=LATIN1, so the bytes land
/// as they are — how a TCVN3 or VNI file that claims Latin-1 looks.
/// `features` (TM-3 geometries with a name) written by GDAL as `dir/name.shp` declaring
/// EPSG:5899, its text in `encoding`.
fn shapefile_by_gdal(
    dir: &Path,
    name: &str,
    features: &[(serde_json::Value, &str)],
    encoding: &str,
) -> PathBuf {
    let src = dir.join(format!("{name}.geojson"));
    std::fs::write(&src, collection(features)).unwrap();
    let shp = dir.join(format!("{name}.shp"));
    let lco = format!("ENCODING={encoding}");
    run(
        "ogr2ogr",
        &[
            "-f",
            "ESRI Shapefile",
            "-a_srs",
            "EPSG:5899",
            "-lco",
            &lco,
            shp.to_str().unwrap(),
            src.to_str().unwrap(),
        ],
    );
    shp
}

fn legacy_shapefile(dir: &Path, name: &str, texts: &[Vec<u8>], cpg: bool) -> PathBuf {
    let feats: Vec<(serde_json::Value, String)> = texts
        .iter()
        .enumerate()
        .map(|(i, b)| {
            (
                serde_json::json!({"type": "Point", "coordinates": [430_000.0 + i as f64, 2_317_000.0]}),
                b.iter().map(|&c| c as char).collect::<String>(),
            )
        })
        .collect();
    let refs: Vec<(serde_json::Value, &str)> =
        feats.iter().map(|(g, s)| (g.clone(), s.as_str())).collect();
    let shp = shapefile_by_gdal(dir, name, &refs, "LATIN1");
    if !cpg {
        std::fs::remove_file(shp.with_extension("cpg")).unwrap();
    }
    shp
}

fn names_read(shp: &Path, encoding: Option<Encoding>) -> (Encoding, Vec<String>) {
    let mut r = ShapefileIn::open(shp, encoding).unwrap();
    let mut names = Vec::new();
    while let Some(f) = r.next_feature().unwrap() {
        for (k, v) in f.attrs {
            if k == "ten"
                && let qn_planner::io::import::Value::Text(t) = v
            {
                names.push(t);
            }
        }
    }
    (r.header.encoding.encoding, names)
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn dbf_text_in_every_legacy_encoding_reads_as_unicode() {
    if !common::have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let want: Vec<String> = NAMES.iter().map(|s| s.to_string()).collect();
    // TCVN3 with the capitals as the .VnTimeH font typed them (lower-case codes).
    let tcvn3: Vec<Vec<u8>> = NAMES
        .iter()
        .map(|n| encode(n, Encoding::Tcvn3).unwrap())
        .collect();
    let vni: Vec<Vec<u8>> = NAMES
        .iter()
        .map(|n| encode(n, Encoding::Vni).unwrap())
        .collect();
    for (label, bytes, enc) in [
        ("tcvn3", &tcvn3, Encoding::Tcvn3),
        ("vni", &vni, Encoding::Vni),
    ] {
        for cpg in [true, false] {
            let shp = legacy_shapefile(dir.path(), &format!("{label}_{cpg}"), bytes, cpg);
            let (got, names) = names_read(&shp, None);
            assert_eq!(got, enc, "{label}, .cpg {cpg}");
            assert_eq!(names, want, "{label}, .cpg {cpg}");
        }
    }
    // CP1258 and VISCII written by GDAL itself (through iconv), UTF-8 with its .cpg.
    for (label, gdal_name, enc) in [
        ("cp1258", "CP1258", Encoding::Cp1258),
        ("viscii", "VISCII", Encoding::Viscii),
        ("utf8", "UTF-8", Encoding::Utf8),
    ] {
        let refs: Vec<(serde_json::Value, &str)> = NAMES
            .iter()
            .enumerate()
            .map(|(i, n)| (serde_json::json!({"type": "Point", "coordinates": [430_000.0 + i as f64, 2_317_000.0]}), *n))
            .collect();
        let src = dir.path().join(format!("{label}.geojson"));
        std::fs::write(&src, collection(&refs)).unwrap();
        let shp = dir.path().join(format!("{label}.shp"));
        run(
            "ogr2ogr",
            &[
                "-f",
                "ESRI Shapefile",
                "-lco",
                &format!("ENCODING={gdal_name}"),
                shp.to_str().unwrap(),
                src.to_str().unwrap(),
            ],
        );
        if enc != Encoding::Utf8 {
            std::fs::remove_file(shp.with_extension("cpg")).unwrap();
        }
        let (got, names) = names_read(&shp, None);
        assert_eq!(got, enc, "{label}");
        assert_eq!(names, want, "{label}");
    }
    // The planner's choice wins over detection; the CLI says what it chose and why.
    let shp = dir.path().join("tcvn3_true.shp");
    let (got, names) = names_read(&shp, Some(Encoding::Latin1));
    assert_eq!(got, Encoding::Latin1);
    assert_eq!(names[0], "Côm c«ng nghiÖp H¶i Hßa");
    let project = new_project(dir.path(), "qn.gpkg");
    let out = qn(&["import".as_ref(), project.as_os_str(), shp.as_os_str()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("text encoding: TCVN3") && stdout.contains(".cpg says LATIN1"),
        "{stdout}"
    );
    assert!(stdout.contains("recased"), "{stdout}");
    let out = qn(&[
        "import".as_ref(),
        project.as_os_str(),
        shp.as_os_str(),
        "--encoding".as_ref(),
        "vni".as_ref(),
        "--layer".as_ref(),
        "as_vni".as_ref(),
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("VNI (VNI-Times): chosen"));
    let bad = qn(&[
        "import".as_ref(),
        project.as_os_str(),
        shp.as_os_str(),
        "--encoding".as_ref(),
        "koi8".as_ref(),
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown encoding"));
    // Into a planning layer with the field mapping: the same choice, the names as Unicode.
    let out = qn(&[
        "import".as_ref(),
        project.as_os_str(),
        shp.as_os_str(),
        "--into".as_ref(),
        "proposed_clusters".as_ref(),
        "--map".as_ref(),
        "name=ten".as_ref(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("text encoding: TCVN3"), "{stdout}");
    let db = rusqlite::Connection::open(&project).unwrap();
    let n: i64 = db
        .query_row(
            "SELECT count(*) FROM proposed_clusters WHERE name = 'Cụm công nghiệp Hải Hòa'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

/// Our transformation of `pts` in a declared system against GDAL/PROJ's (`ogr2ogr -t_srs
/// EPSG:4326` of a file declaring it, or with `extra` options): within 1 cm.
fn assert_matches_proj(
    declared: qn_planner::io::crs::Crs,
    file: &Path,
    pts: &[(f64, f64)],
    extra: &[&str],
) {
    let theirs = gdal_read_with(file, Some("EPSG:4326"), extra);
    let t = qn_planner::io::crs::Transformer::new(declared).unwrap();
    assert_eq!(theirs.len(), pts.len());
    for ((x, y), (g, _)) in pts.iter().zip(&theirs) {
        let geo_types::Geometry::Point(p) = g else {
            panic!("{g:?}")
        };
        let (lon, lat) = t.to_wgs84(*x, *y).unwrap();
        let d = qn_planner::io::crs::geodesic_distance_m((lon, lat), (p.x(), p.y()));
        assert!(
            d < 0.01,
            "{declared:?}: ({x}, {y}) lands {d} m from PROJ's answer"
        );
    }
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn prj_and_coordsys_declarations_match_proj_within_a_centimetre() {
    if !common::have_gdal() {
        return;
    }
    use qn_planner::io::crs::Crs;
    use qn_planner::io::prj::{from_coordsys, from_wkt};
    let dir = tempfile::tempdir().unwrap();
    let tm3_pts = [
        (430_127.565, 2_317_566.472),
        (522_595.9, 2_380_540.8),
        (371_000.0, 2_332_000.0),
    ];
    let utm_pts = [(716_082.6, 2_318_126.3), (807_491.0, 2_382_734.3)];
    /// (name, WKT, the system it declares, points in it)
    type Case<'a> = (&'a str, &'a str, Crs, &'a [(f64, f64)]);
    let cases: Vec<Case> = vec![
        // ArcGIS's ESRI WKT (as GDAL morphs EPSG:5899 to ESRI, the form ArcGIS writes).
        (
            "arcgis_tm3",
            r#"PROJCS["VN_2000_TM-3_107-45",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",107.75],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
            Crs::Vn2000Tm3,
            &tm3_pts,
        ),
        // GDAL's OGC WKT 1 with the seven parameters and no datum name qn-planner knows.
        (
            "ogc_tm3_towgs84",
            r#"PROJCS["Ranh gioi quy hoach",GEOGCS["VN2000 Quang Ninh",DATUM["unknown",SPHEROID["WGS 84",6378137,298.257223563],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",107.75],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]"#,
            Crs::Vn2000Tm3,
            &tm3_pts,
        ),
        // Another province's meridian (Hà Nội's 105°, EPSG:5897) and a minute one (105°30′).
        (
            "arcgis_tm3_105",
            r#"PROJCS["VN_2000_TM-3_105",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
            Crs::Vn2000Tm3At(105 * 60),
            &[(580_000.0, 2_330_000.0)],
        ),
        (
            "arcgis_tm3_105_30",
            r#"PROJCS["VN_2000_TM-3_105-30",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.5],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
            Crs::Vn2000Tm3At(105 * 60 + 30),
            &[(520_000.0, 2_330_000.0)],
        ),
        (
            "arcgis_utm48_vn",
            r#"PROJCS["VN_2000_UTM_Zone_48N",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
            Crs::Vn2000Utm48,
            &utm_pts,
        ),
        (
            "arcgis_utm48_wgs",
            r#"PROJCS["WGS_1984_UTM_Zone_48N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
            Crs::Wgs84Utm(48),
            &utm_pts,
        ),
        (
            "arcgis_vn_geographic",
            r#"GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
            Crs::Vn2000,
            &[(107.08, 20.95), (107.97, 21.52)],
        ),
    ];
    for (name, wkt, crs, pts) in cases {
        assert_eq!(from_wkt(wkt).unwrap().crs, crs, "{name}");
        let src = dir.path().join(format!("{name}.csv"));
        let mut csv = String::from("x,y\n");
        for (x, y) in pts {
            csv.push_str(&format!("{x},{y}\n"));
        }
        std::fs::write(&src, csv).unwrap();
        let prj = dir.path().join(format!("{name}.prj"));
        std::fs::write(&prj, wkt).unwrap();
        // PROJ's answer for the points in the declared system, as GDAL reads the WKT.
        assert_matches_proj(
            crs,
            &src,
            pts,
            &[
                "-oo",
                "X_POSSIBLE_NAMES=x",
                "-oo",
                "Y_POSSIBLE_NAMES=y",
                "-s_srs",
                prj.to_str().unwrap(),
            ],
        );
        // The .prj GDAL writes for it is read to the same system (ESRI WKT has no TOWGS84, so
        // a datum known only by its parameters does not survive GDAL's writing).
        if name != "ogc_tm3_towgs84" {
            let shp = dir.path().join(format!("{name}.shp"));
            run(
                "ogr2ogr",
                &[
                    "-f",
                    "ESRI Shapefile",
                    "-oo",
                    "X_POSSIBLE_NAMES=x",
                    "-oo",
                    "Y_POSSIBLE_NAMES=y",
                    "-a_srs",
                    prj.to_str().unwrap(),
                    shp.to_str().unwrap(),
                    src.to_str().unwrap(),
                ],
            );
            let declared =
                from_wkt(&std::fs::read_to_string(shp.with_extension("prj")).unwrap()).unwrap();
            assert_eq!(declared.crs, crs, "{name}: GDAL's .prj");
        }
    }
    // A MapInfo CoordSys with seven datum parameters (rotations in MapInfo's coordinate-frame
    // signs), read by GDAL's MapInfo driver from a MIF.
    let coordsys = "CoordSys Earth Projection 8, 9999, 28, -191.90441429, -39.30318279, -111.45032835, -0.00928836, 0.01975479, -0.00427372, 0.252906278, 0, \"m\", 107.75, 0, 0.9999, 500000, 0";
    assert_eq!(from_coordsys(coordsys).unwrap().crs, Crs::Vn2000Tm3);
    let mif = dir.path().join("ranh_gioi.mif");
    let mut text = format!(
        "Version 300\nCharset \"WindowsLatin1\"\nDelimiter \",\"\n{coordsys}\nColumns 1\n  ten Char(40)\nData\n\n"
    );
    let mut mid = String::new();
    for (x, y) in &tm3_pts {
        text.push_str(&format!("Point {x} {y}\n"));
        mid.push_str("\"a\"\n");
    }
    std::fs::write(&mif, text).unwrap();
    std::fs::write(mif.with_extension("mid"), mid).unwrap();
    assert_matches_proj(Crs::Vn2000Tm3, &mif, &tm3_pts, &[]);
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn our_shapefile_export_reads_in_ogrinfo_with_names_intact() {
    if !common::have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "qn.gpkg");
    let shp = gdal_shapefiles(dir.path()).pop().unwrap();
    assert!(
        qn(&[
            "import".as_ref(),
            project.as_os_str(),
            shp.as_os_str(),
            "--layer".as_ref(),
            "Ranh giới quy hoạch".as_ref()
        ])
        .status
        .success()
    );
    let out_shp = dir.path().join("xuat.shp");
    let out = qn(&[
        "export-layer".as_ref(),
        project.as_os_str(),
        "ref_ranh_gioi_quy_hoach".as_ref(),
        out_shp.as_os_str(),
        "--crs".as_ref(),
        "EPSG:5899".as_ref(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        assert!(out_shp.with_extension(ext).is_file(), "{ext} written");
    }
    assert_eq!(
        std::fs::read_to_string(out_shp.with_extension("cpg")).unwrap(),
        "UTF-8"
    );
    let info =
        String::from_utf8(run("ogrinfo", &["-al", out_shp.to_str().unwrap()]).stdout).unwrap();
    assert!(
        info.contains("ten (String) = Khu công nghiệp Cái Lân"),
        "{info}"
    );
    assert!(
        info.contains("ten (String) = Cụm công nghiệp Hà Khánh"),
        "{info}"
    );
    assert!(
        info.contains("Geometry: Polygon") && info.contains("Feature Count: 2"),
        "{info}"
    );
    assert!(
        info.contains("VN-2000 / TM-3 107-45") || info.contains("VN_2000_TM-3_107-45"),
        "{info}"
    );
    // Geometry back in the file's metres, as GDAL reads our file and the original.
    let ours = gdal_read(&out_shp, None);
    let orig = gdal_read(&shp, None);
    for ((a, _), (b, _)) in ours.iter().zip(&orig) {
        // Through the project's WGS 84 and back: within a millimetre.
        assert_within_mm(a, b);
    }
    // Long and Vietnamese field names are shortened to 10 ASCII bytes, and said so.
    let out_shp = dir.path().join("khu.shp");
    let out = qn(&[
        "export-layer".as_ref(),
        project.as_os_str(),
        "industrial_zones".as_ref(),
        out_shp.as_os_str(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("field \"investment_bn_vnd\" → DBF field \"investment\""),
        "{stdout}"
    );
    let info =
        String::from_utf8(run("ogrinfo", &["-al", out_shp.to_str().unwrap()]).stdout).unwrap();
    assert!(info.contains("name (String) = Cái Lân"), "{info}");
    assert!(info.contains("district_2 (String) = Hạ Long"), "{info}");
}

// Malformed files: each refused with the file (and the record) named, the project unchanged.

fn layers_of(project: &Path) -> String {
    String::from_utf8(run("ogrinfo", &["-so", "-q", project.to_str().unwrap()]).stdout).unwrap()
}

fn refused(project: &Path, input: &Path, expect: &[&str]) {
    let before = layers_of(project);
    let out = qn(&["import".as_ref(), project.as_os_str(), input.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{} was accepted", input.display());
    assert!(!stderr.contains("panicked"), "{stderr}");
    for e in expect {
        assert!(
            stderr.contains(e),
            "{}: {stderr} lacks {e:?}",
            input.display()
        );
    }
    assert!(stderr.contains("the project is unchanged"), "{stderr}");
    assert_eq!(layers_of(project), before);
}

fn copy_set(from: &Path, to: &Path) {
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        let f = from.with_extension(ext);
        if f.exists() {
            std::fs::copy(&f, to.with_extension(ext)).unwrap();
        }
    }
}

/// A polygon Shapefile written byte by byte: one record with one ring of `ring` points.
fn handmade_polygon(path: &Path, ring: &[(f64, f64)]) {
    let mut content = Vec::new();
    content.extend_from_slice(&5u32.to_le_bytes());
    for v in [0.0f64, 0.0, 1.0, 1.0] {
        content.extend_from_slice(&v.to_le_bytes());
    }
    content.extend_from_slice(&1u32.to_le_bytes());
    content.extend_from_slice(&(ring.len() as u32).to_le_bytes());
    content.extend_from_slice(&0u32.to_le_bytes());
    for (x, y) in ring {
        content.extend_from_slice(&x.to_le_bytes());
        content.extend_from_slice(&y.to_le_bytes());
    }
    let header = |words: u32| {
        let mut h = Vec::new();
        h.extend_from_slice(&9994i32.to_be_bytes());
        h.extend_from_slice(&[0; 20]);
        h.extend_from_slice(&words.to_be_bytes());
        h.extend_from_slice(&1000i32.to_le_bytes());
        h.extend_from_slice(&5i32.to_le_bytes());
        h.extend_from_slice(&[0; 64]);
        h
    };
    let words = (content.len() / 2) as u32;
    let mut shp = header(50 + 4 + words);
    shp.extend_from_slice(&1u32.to_be_bytes());
    shp.extend_from_slice(&words.to_be_bytes());
    shp.extend_from_slice(&content);
    std::fs::write(path, shp).unwrap();
    let mut shx = header(54);
    shx.extend_from_slice(&50u32.to_be_bytes());
    shx.extend_from_slice(&words.to_be_bytes());
    std::fs::write(path.with_extension("shx"), shx).unwrap();
    // A DBF of one character field "ten", one record.
    let mut dbf = vec![0x03, 126, 12, 3];
    dbf.extend_from_slice(&1u32.to_le_bytes());
    dbf.extend_from_slice(&65u16.to_le_bytes());
    dbf.extend_from_slice(&11u16.to_le_bytes());
    dbf.extend_from_slice(&[0; 20]);
    let mut field = [0u8; 32];
    field[..3].copy_from_slice(b"ten");
    field[11] = b'C';
    field[16] = 10;
    dbf.extend_from_slice(&field);
    dbf.push(0x0D);
    dbf.extend_from_slice(b" Ha Long   ");
    dbf.push(0x1A);
    std::fs::write(path.with_extension("dbf"), dbf).unwrap();
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn malformed_shapefiles_are_refused_naming_the_file_and_record() {
    if !common::have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let project = new_project(d, "qn.gpkg");
    let good = gdal_shapefiles(d).pop().unwrap();
    let case = |name: &str| {
        let p = d.join(format!("{name}.shp"));
        copy_set(&good, &p);
        p
    };
    // Parts missing.
    let p = case("khong_shx");
    std::fs::remove_file(p.with_extension("shx")).unwrap();
    refused(&project, &p, &["khong_shx.shp", ".shx is missing"]);
    let p = case("khong_dbf");
    std::fs::remove_file(p.with_extension("dbf")).unwrap();
    refused(&project, &p, &["khong_dbf.shp", ".dbf is missing"]);
    // Record counts that disagree: the .dbf loses its last record.
    let p = case("lech_so");
    let mut dbf = std::fs::read(p.with_extension("dbf")).unwrap();
    let record_len = usize::from(u16::from_le_bytes([dbf[10], dbf[11]]));
    let n = u32::from_le_bytes([dbf[4], dbf[5], dbf[6], dbf[7]]) - 1;
    dbf[4..8].copy_from_slice(&n.to_le_bytes());
    dbf.truncate(dbf.len() - 1 - record_len);
    std::fs::write(p.with_extension("dbf"), dbf).unwrap();
    refused(
        &project,
        &p,
        &["lech_so.shp", "record counts disagree", "the .dbf 1"],
    );
    // A truncated .shp: the last record ends early.
    let p = case("cat_cut");
    let shp = std::fs::read(&p).unwrap();
    std::fs::write(&p, &shp[..shp.len() - 20]).unwrap();
    refused(&project, &p, &["cat_cut.shp", "feature 2", "truncated"]);
    // A DBF header that lies about its record length, or its record count.
    let p = case("dbf_sai");
    let mut dbf = std::fs::read(p.with_extension("dbf")).unwrap();
    dbf[10] = dbf[10].wrapping_add(5);
    std::fs::write(p.with_extension("dbf"), &dbf).unwrap();
    refused(&project, &p, &["dbf_sai.dbf", "bad header", "records of"]);
    let p = case("dbf_dem_sai");
    let mut dbf = std::fs::read(p.with_extension("dbf")).unwrap();
    dbf[4..8].copy_from_slice(&1000u32.to_le_bytes());
    std::fs::write(p.with_extension("dbf"), &dbf).unwrap();
    refused(
        &project,
        &p,
        &["dbf_dem_sai.dbf", "1000 records", "holds only 2"],
    );
    // A part index that points past the points.
    let p = case("chi_so_sai");
    let mut shp = std::fs::read(&p).unwrap();
    // Record 1's content starts at 108: type, box (32), parts, points, then part starts.
    let parts = u32::from_le_bytes([shp[144], shp[145], shp[146], shp[147]]);
    assert!(parts >= 2);
    shp[156..160].copy_from_slice(&9999u32.to_le_bytes());
    std::fs::write(&p, shp).unwrap();
    refused(
        &project,
        &p,
        &["chi_so_sai.shp", "feature 1", "part starts"],
    );
    // A shape type qn-planner does not read, and a file that is not a Shapefile at all.
    let p = case("multipatch");
    let mut shp = std::fs::read(&p).unwrap();
    shp[32..36].copy_from_slice(&31u32.to_le_bytes());
    std::fs::write(&p, shp).unwrap();
    refused(&project, &p, &["multipatch.shp", "MultiPatch"]);
    let p = case("rac");
    let garbage: Vec<u8> = (0..500u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&p, garbage).unwrap();
    refused(&project, &p, &["rac.shp", "bad header"]);
    // A ring of three points.
    let p = d.join("vong_ngan.shp");
    handmade_polygon(&p, &[(107.0, 21.0), (107.1, 21.0), (107.0, 21.0)]);
    refused(&project, &p, &["vong_ngan.shp", "feature 1", "3 positions"]);
    // A .prj of a datum qn-planner does not read: shown, not guessed.
    let p = case("ha_noi_72");
    std::fs::write(p.with_extension("prj"), r#"PROJCS["HN72",GEOGCS["GCS_Hanoi_1972",DATUM["D_Hanoi_1972",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#).unwrap();
    refused(
        &project,
        &p,
        &["ha_noi_72.shp", "D_Hanoi_1972", "give --crs"],
    );
    // The handmade file with a proper ring is read (the builder itself is right).
    let p = d.join("vong_dung.shp");
    handmade_polygon(
        &p,
        &[(107.0, 21.0), (107.1, 21.0), (107.1, 21.1), (107.0, 21.0)],
    );
    let out = qn(&["import".as_ref(), project.as_os_str(), p.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn a_zip_of_shapefiles_is_read_whole_or_by_the_one_chosen() {
    if !common::have_gdal() {
        return;
    }
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let project = new_project(d, "qn.gpkg");
    let shps = gdal_shapefiles(d);
    let zip_of = |name: &str, which: &[&PathBuf]| {
        let path = d.join(name);
        let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        for shp in which {
            for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
                let f = shp.with_extension(ext);
                let inner = format!("du_lieu/{}", f.file_name().unwrap().to_string_lossy());
                z.start_file(inner, zip::write::SimpleFileOptions::default())
                    .unwrap();
                z.write_all(&std::fs::read(&f).unwrap()).unwrap();
            }
        }
        z.finish().unwrap();
        path
    };
    // One Shapefile: imported as if it lay beside the project.
    let one = zip_of("vung.zip", &[&shps[3]]);
    let out = qn(&["import".as_ref(), project.as_os_str(), one.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 2 features"));
    // Two: the planner is asked which, and --layer chooses.
    let two = zip_of("hai.zip", &[&shps[0], &shps[2]]);
    let out = qn(&["import".as_ref(), project.as_os_str(), two.as_os_str()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("du_lieu/diem.shp") && stderr.contains("du_lieu/duong.shp"),
        "{stderr}"
    );
    let out = qn(&[
        "import".as_ref(),
        project.as_os_str(),
        two.as_os_str(),
        "--layer".as_ref(),
        "duong".as_ref(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("imported 2 features") && stdout.contains("LINESTRING")
            || stdout.contains("GEOMETRY"),
        "{stdout}"
    );
    // A .zip that is not one.
    let broken = d.join("hong.zip");
    std::fs::write(&broken, b"PK\x03\x04 not really").unwrap();
    refused(&project, &broken, &["hong.zip", "not a readable .zip"]);
}
