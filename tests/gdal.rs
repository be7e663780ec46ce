//! Independent checks with GDAL on a file `init` created: the GeoPackage validator and
//! ogrinfo. `.ci/run` installs gdal-bin and python3-gdal and sets QN_REQUIRE_GDAL=1, so there a
//! missing tool fails the test; elsewhere the test says it was skipped.

mod common;

use std::process::Command;

fn new_project() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qn.gpkg");
    let st = Command::new(env!("CARGO_BIN_EXE_qn-planner"))
        .arg("init")
        .arg(&path)
        .status()
        .unwrap();
    assert!(st.success());
    (dir, path)
}

#[test]
fn gdal_validator_passes_with_no_warning() {
    if !common::have_gdal() {
        return;
    }
    let (_dir, path) = new_project();
    common::assert_valid_gpkg(&path, "a new project");
}

#[test]
fn ogrinfo_lists_every_layer_with_counts_and_vietnamese_names() {
    if !common::have_gdal() {
        return;
    }
    let (_dir, path) = new_project();
    let out = Command::new("ogrinfo")
        .arg("-al")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).expect("ogrinfo output is UTF-8");
    for (layer, n) in [
        ("industrial_zones", 4),
        ("industrial_clusters", 8),
        ("proposed_clusters", 10),
        ("craft_villages", 4),
        ("industrial_centres", 5),
        ("centre_plants", 13),
    ] {
        let block = s
            .split("Layer name: ")
            .find(|b| b.starts_with(layer))
            .unwrap_or_else(|| panic!("{layer} not listed"));
        assert!(
            block.contains(&format!("Feature Count: {n}")),
            "{layer}: {block}"
        );
    }
    for name in [
        "Cái Lân",
        "Hải Hòa",
        "Quảng Thành",
        "Đò Bang",
        "Hưng Học – Nam Hòa",
        "¶9",
    ] {
        assert!(s.contains(name), "{name} not intact in ogrinfo output");
    }
}
