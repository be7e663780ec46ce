//! Independent checks with GDAL on a file `init` created: the GeoPackage validator and
//! ogrinfo. `.ci/run` installs gdal-bin and python3-gdal and sets QN_REQUIRE_GDAL=1, so there a
//! missing tool fails the test; elsewhere the test says it was skipped.

use crate::common;
use crate::common::temp_project;

use std::process::Command;

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn gdal_validator_passes_with_no_warning() {
    if !common::have_gdal() {
        return;
    }
    let (_dir, path) = temp_project("qn.gpkg");
    common::assert_valid_gpkg(&path, "a new project");
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn ogrinfo_lists_every_layer_with_counts_and_vietnamese_names() {
    if !common::have_gdal() {
        return;
    }
    let (_dir, path) = temp_project("qn.gpkg");
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
            .find(|b| b.starts_with(&format!("{layer}\n")))
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

/// The geometry type ogrinfo reports for `layer` of `path` ("Point", "Multi Polygon"…).
fn ogr_geometry_type(path: &std::path::Path, layer: &str) -> String {
    let out = Command::new("ogrinfo")
        .args(["-so", "-nomd"])
        .arg(path)
        .arg(layer)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{layer}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix("Geometry: "))
        .unwrap_or_else(|| panic!("{layer}: no geometry line in {s}"))
        .trim()
        .to_string()
}

/// Draws a square boundary (side `d` degrees) around the first site of `layer`, through the
/// edit path the window uses.
fn draw_boundary(path: &std::path::Path, layer: qn_planner::model::Layer, d: f64) -> String {
    use geo_types::{Geometry, LineString, Polygon};
    use qn_planner::edit::{Edit, History};
    let mut pf = qn_planner::store::ProjectFile::open(path).unwrap();
    let mut project = pf.read_project().unwrap();
    let before = project
        .sites
        .iter()
        .find(|s| s.layer == layer && s.geom.is_some())
        .unwrap()
        .clone();
    let Some(Geometry::Point(p)) = before.geom else {
        panic!("seeded sites are points")
    };
    let (x, y) = (p.x(), p.y());
    let mut after = before.clone();
    after.geom = Some(Geometry::Polygon(Polygon::new(
        LineString::from(vec![
            (x - d, y - d),
            (x + d, y - d),
            (x + d, y + d),
            (x - d, y + d),
            (x - d, y - d),
        ]),
        vec![],
    )));
    let mut h = History::default();
    h.apply(
        Edit::update(before.clone(), after),
        None,
        &mut pf,
        &mut project,
    )
    .unwrap();
    before.key
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn each_planning_layer_reports_the_geometry_type_qgis_can_edit() {
    if !common::have_gdal() {
        return;
    }
    let (_dir, path) = temp_project("qn.gpkg");
    draw_boundary(&path, qn_planner::model::Layer::IndustrialZones, 0.004);
    for (layer, want) in [
        ("industrial_zones", "Point"),
        ("industrial_clusters", "Point"),
        ("proposed_clusters", "Point"),
        ("craft_villages", "Point"),
        ("centre_plants", "Point"),
        ("industrial_zones_boundary", "Multi Polygon"),
        ("industrial_clusters_boundary", "Multi Polygon"),
        ("proposed_clusters_boundary", "Multi Polygon"),
        ("craft_villages_boundary", "Multi Polygon"),
        ("centre_plants_boundary", "Multi Polygon"),
        ("protected_areas", "Multi Polygon"),
        ("residential_areas", "Multi Polygon"),
        ("industrial_centres", "Multi Point"),
    ] {
        assert_eq!(ogr_geometry_type(&path, layer), want, "{layer}");
    }
    // The boundary drawn is where GDAL reads it, linked by the site's key.
    let out = Command::new("ogrinfo")
        .args(["-q", "-geom=SUMMARY"])
        .arg(&path)
        .arg("industrial_zones_boundary")
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("MULTIPOLYGON : 1 geometries"), "{s}");
    common::assert_valid_gpkg(&path, "a project with a drawn boundary");
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn a_boundary_and_a_site_added_by_gdal_are_read_and_exported() {
    if !common::have_gdal() {
        return;
    }
    let (dir, path) = temp_project("qn.gpkg");
    let pf = qn_planner::store::ProjectFile::open(&path).unwrap();
    let p = pf.read_project().unwrap();
    drop(pf);
    let zone = p
        .sites
        .iter()
        .find(|s| s.name == "Cái Lân")
        .unwrap()
        .clone();
    assert_eq!(zone.key.len(), 36, "a UUID key: {:?}", zone.key);
    let script = format!(
        r#"
from osgeo import ogr
ogr.UseExceptions()
ds = ogr.Open({path:?}, 1)
b = ds.GetLayerByName("industrial_zones_boundary")
f = ogr.Feature(b.GetLayerDefn())
f.SetField("site_key", {key:?})
f.SetGeometry(ogr.CreateGeometryFromWkt("MULTIPOLYGON(((107.03 20.96,107.045 20.96,107.045 20.97,107.03 20.97,107.03 20.96)))"))
b.CreateFeature(f)
pc = ds.GetLayerByName("proposed_clusters")
n = ogr.Feature(pc.GetLayerDefn())
n.SetField("name", "Cụm thử do GDAL thêm")
n.SetField("status", "proposed")
n.SetField("location_precision", "drafted")
n.SetGeometry(ogr.CreateGeometryFromWkt("POINT(107.1 21.0)"))
pc.CreateFeature(n)
ds = None
"#,
        path = path.to_str().unwrap(),
        key = zone.key
    );
    let out = Command::new("/usr/bin/python3")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pf = qn_planner::store::ProjectFile::open(&path).unwrap();
    let p = pf.read_project().unwrap();
    let z = p.sites.iter().find(|s| s.key == zone.key).unwrap();
    assert!(
        matches!(z.geom, Some(geo_types::Geometry::Polygon(_))),
        "{:?}",
        z.geom
    );
    let ha = z.area_ha.unwrap();
    assert!((150.0..200.0).contains(&ha), "{ha} ha");
    let added = p
        .sites
        .iter()
        .find(|s| s.name == "Cụm thử do GDAL thêm")
        .expect("the site GDAL added is read");
    assert_eq!(
        added.key.len(),
        36,
        "a key from the trigger: {:?}",
        added.key
    );
    assert!(pf.unlinked_boundaries().unwrap().is_empty());
    drop(pf);
    let geojson = dir.path().join("zones.geojson");
    let out = Command::new(env!("CARGO_BIN_EXE_qn-planner"))
        .args(["export-layer"])
        .arg(&path)
        .arg("industrial_zones")
        .arg(&geojson)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&geojson).unwrap()).unwrap();
    let types: Vec<&str> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["geometry"]["type"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(
        types.iter().filter(|t| **t == "Polygon").count(),
        1,
        "{types:?}"
    );
    common::assert_valid_gpkg(&path, "after GDAL added a boundary and a site");
}
