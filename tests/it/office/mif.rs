//! MapInfo MIF/MID files against GDAL: every object kind, TCVN3 text that claims Latin-1,
//! malformed files refused naming the file and line.

use super::*;

const VN2000_COORDSYS: &str = "CoordSys Earth Projection 8, 9999, 28, -191.90441429, -39.30318279, -111.45032835, -0.00928836, 0.01975479, -0.00427372, 0.252906278, 0, \"m\", 107.75, 0, 0.9999, 500000, 0";

/// MIF files of every object kind, written by GDAL's MapInfo driver, with their CoordSys
/// line replaced by VN-2000's seven parameters (GDAL 3.6 writes EPSG:5899 with datum 104,
/// WGS 84, which would move everything by 200 m).
fn gdal_mifs(dir: &Path) -> Vec<PathBuf> {
    let shps = gdal_shapefiles(dir);
    let mut out = Vec::new();
    for shp in shps {
        let src = shp.with_extension("geojson");
        let mif = shp.with_extension("mif");
        run(
            "ogr2ogr",
            &[
                "-f",
                "MapInfo File",
                "-dsco",
                "FORMAT=MIF",
                mif.to_str().unwrap(),
                src.to_str().unwrap(),
            ],
        );
        let text = std::fs::read_to_string(&mif).unwrap();
        let fixed: Vec<String> = text
            .lines()
            .map(|l| {
                if l.starts_with("CoordSys") {
                    VN2000_COORDSYS.to_string()
                } else {
                    l.to_string()
                }
            })
            .collect();
        std::fs::write(&mif, fixed.join("\n") + "\n").unwrap();
        out.push(mif);
    }
    out
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn mif_files_read_as_gdal_reads_them() {
    if !common::have_gdal() {
        return;
    }
    use qn_planner::io::office::OfficeReader;
    let dir = tempfile::tempdir().unwrap();
    for mif in gdal_mifs(dir.path()) {
        let theirs = gdal_read(&mif, None);
        let mut r = qn_planner::io::mif::MifIn::open(&mif, None).unwrap();
        assert_eq!(r.encoding().encoding, Encoding::Utf8, "{}", mif.display());
        assert_eq!(
            r.declaration().unwrap().as_ref().unwrap().crs,
            qn_planner::io::crs::Crs::Vn2000Tm3
        );
        let mut ours = Vec::new();
        while let Some(f) = r.next_feature().unwrap() {
            ours.push(f);
        }
        assert_eq!(ours.len(), theirs.len(), "{}", mif.display());
        for (o, (g, props)) in ours.iter().zip(&theirs) {
            let og = o.geom.as_ref().unwrap();
            assert_eq!(parts(og), parts(g), "{}: geometry differs", mif.display());
            let name = props["ten"].as_str().unwrap();
            assert!(
                o.attrs
                    .iter()
                    .any(|(k, v)| k == "ten"
                        && *v == qn_planner::io::import::Value::Text(name.into())),
                "{}",
                mif.display()
            );
        }
    }
    // Imported, it lies where PROJ puts GDAL's reading of it.
    let project = new_project(dir.path(), "qn.gpkg");
    let mif = dir.path().join("vung.mif");
    let out = qn(&["import".as_ref(), project.as_os_str(), mif.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = gdal_read(&mif, Some("EPSG:4326"));
    let layer_gpkg = dir.path().join("mif_layer.gpkg");
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
    use geo::CoordsIter;
    for ((a, _), (b, _)) in ours.iter().zip(&theirs) {
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
    }
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn a_tcvn3_mif_that_claims_windows_latin1_reads_as_vietnamese() {
    if !common::have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let feats: Vec<(serde_json::Value, String)> = NAMES
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                serde_json::json!({"type": "Point", "coordinates": [430_000.0 + i as f64, 2_317_000.0]}),
                encode(n, Encoding::Tcvn3).unwrap().iter().map(|&c| c as char).collect::<String>(),
            )
        })
        .collect();
    let refs: Vec<(serde_json::Value, &str)> =
        feats.iter().map(|(g, s)| (g.clone(), s.as_str())).collect();
    let src = d.join("tcvn3.geojson");
    std::fs::write(&src, collection(&refs)).unwrap();
    let mif = d.join("tcvn3.mif");
    run(
        "ogr2ogr",
        &[
            "-f",
            "MapInfo File",
            "-dsco",
            "FORMAT=MIF",
            "-lco",
            "ENCODING=CP1252",
            mif.to_str().unwrap(),
            src.to_str().unwrap(),
        ],
    );
    assert!(
        std::fs::read_to_string(&mif)
            .unwrap()
            .contains("Charset \"WindowsLatin1\"")
    );
    use qn_planner::io::office::OfficeReader;
    let mut r = qn_planner::io::mif::MifIn::open(&mif, None).unwrap();
    assert_eq!(r.encoding().encoding, Encoding::Tcvn3);
    assert!(
        r.encoding()
            .explain(false)
            .contains("Charset says WindowsLatin1")
    );
    let mut names = Vec::new();
    while let Some(f) = r.next_feature().unwrap() {
        if let Some((_, qn_planner::io::import::Value::Text(t))) =
            f.attrs.iter().find(|(k, _)| k == "ten")
        {
            names.push(t.clone());
        }
    }
    assert_eq!(names, NAMES);
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn malformed_mif_files_are_refused_naming_the_file_and_line() {
    if !common::have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let project = new_project(d, "qn.gpkg");
    let head = format!(
        "Version 300\nCharset \"WindowsLatin1\"\nDelimiter \",\"\n{VN2000_COORDSYS}\nColumns 1\n  ten Char(20)\nData\n\n"
    );
    let write = |name: &str, data: &str, mid: Option<&str>| {
        let p = d.join(format!("{name}.mif"));
        std::fs::write(&p, format!("{head}{data}")).unwrap();
        if let Some(m) = mid {
            std::fs::write(p.with_extension("mid"), m).unwrap();
        }
        p
    };
    // The good file reads.
    let ok = write(
        "dung",
        "Point 430000 2317000\nRegion 1\n  4\n430000 2317000\n430100 2317000\n430100 2317100\n430000 2317000\n",
        Some("\"a\"\n\"b\"\n"),
    );
    let out = qn(&["import".as_ref(), project.as_os_str(), ok.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An object qn-planner does not read.
    let p = write(
        "chu",
        "Point 430000 2317000\nText \"Hạ Long\"\n430000 2317000 430100 2317100\n",
        Some("\"a\"\n\"b\"\n"),
    );
    refused(
        &project,
        &p,
        &["chu.mif line 10", "feature 2", "MIF object \"text\""],
    );
    // A region that ends before its points.
    let p = write(
        "cat",
        "Region 1\n  5\n430000 2317000\n430100 2317000\n",
        Some("\"a\"\n"),
    );
    refused(&project, &p, &["cat.mif", "truncated"]);
    // A ring of three points.
    let p = write(
        "ba_diem",
        "Region 1\n  3\n430000 2317000\n430100 2317000\n430000 2317000\n",
        Some("\"a\"\n"),
    );
    refused(&project, &p, &["ba_diem.mif", "feature 1", "3 positions"]);
    // A coordinate that is not a number.
    let p = write(
        "so_sai",
        "Pline 2\n430000 2317000\n4301OO 2317000\n",
        Some("\"a\"\n"),
    );
    refused(
        &project,
        &p,
        &["so_sai.mif line 11", "\"4301OO\" is not a coordinate"],
    );
    // Fewer .mid rows than objects, and more.
    let p = write(
        "thieu_mid",
        "Point 430000 2317000\nPoint 430001 2317000\n",
        Some("\"a\"\n"),
    );
    refused(&project, &p, &["thieu_mid.mid", "ends after 1 rows"]);
    let p = write("thua_mid", "Point 430000 2317000\n", Some("\"a\"\n\"b\"\n"));
    refused(
        &project,
        &p,
        &["thua_mid.mid", "more rows than the .mif's 1 objects"],
    );
    // No .mid, binary bytes (a TAB renamed), a header line that is not MIF, a TAB.
    let p = write("khong_mid", "Point 430000 2317000\n", None);
    refused(&project, &p, &["khong_mid.mif", ".mid is missing"]);
    let p = d.join("nhi_phan.mif");
    std::fs::write(&p, b"!table\x00\x01\x02 binary").unwrap();
    refused(&project, &p, &["nhi_phan.mif", "binary"]);
    let p = d.join("la.mif");
    std::fs::write(&p, "Version 300\nHello world\nData\n").unwrap();
    refused(&project, &p, &["la.mif line 2", "not a MIF header line"]);
    let p = d.join("ban_do.tab");
    std::fs::write(&p, "!table\n").unwrap();
    refused(&project, &p, &["ban_do.tab", "save it as MIF"]);
}
