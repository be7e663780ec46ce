//! QGIS itself edits the project file: PyQGIS loads every planning layer, draws a zone's
//! boundary and a protected area, commits, and qn-planner then reads and exports them.
//! `.ci/run` installs `qgis` and `python3-qgis` and sets QN_REQUIRE_QGIS=1; elsewhere the test
//! says it was skipped.

use crate::common;

use std::process::Command;

const SCRIPT: &str = r#"
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication, QgsVectorLayer, QgsFeature, QgsGeometry, QgsWkbTypes
app = QgsApplication([], False)
app.initQgis()
path, key = sys.argv[1], sys.argv[2]
for name in ["industrial_zones", "industrial_clusters", "proposed_clusters", "craft_villages",
             "centre_plants", "industrial_zones_boundary", "industrial_clusters_boundary",
             "proposed_clusters_boundary", "craft_villages_boundary", "centre_plants_boundary",
             "protected_areas", "residential_areas"]:
    vl = QgsVectorLayer(path + "|layername=" + name, name, "ogr")
    print("layer", name, vl.isValid(), QgsWkbTypes.displayString(vl.wkbType()), vl.crs().authid())
    del vl  # a layer still alive at exitQgis() crashes the interpreter on the way out

def add(name, attrs, wkt):
    vl = QgsVectorLayer(path + "|layername=" + name, name, "ogr")
    vl.startEditing()
    f = QgsFeature(vl.fields())
    for k, v in attrs.items():
        f.setAttribute(k, v)
    f.setGeometry(QgsGeometry.fromWkt(wkt))
    added = vl.addFeature(f)
    committed = vl.commitChanges()
    print("commit", name, added, committed, "|".join(vl.commitErrors()))
    del vl

add("industrial_zones_boundary", {"site_key": key},
    "MultiPolygon (((107.03 20.96, 107.045 20.96, 107.045 20.97, 107.03 20.97, 107.03 20.96)))")
add("protected_areas", {"name": "Vùng bảo vệ vẽ trong QGIS", "status": "established",
                        "location_precision": "drafted"},
    "MultiPolygon (((107.0 20.85, 107.1 20.85, 107.1 20.9, 107.0 20.9, 107.0 20.85)))")
app.exitQgis()
"#;

#[test]
#[ignore = "needs QGIS (python3-qgis)"]
fn qgis_loads_every_layer_and_its_drawn_polygons_reach_qn_planner() {
    if !common::have_qgis() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qn.gpkg");
    let qn = env!("CARGO_BIN_EXE_qn-planner");
    assert!(
        Command::new(qn)
            .arg("init")
            .arg(&path)
            .status()
            .unwrap()
            .success()
    );
    let pf = qn_planner::store::ProjectFile::open(&path).unwrap();
    let zone = pf
        .read_project()
        .unwrap()
        .sites
        .into_iter()
        .find(|s| s.name == "Cái Lân")
        .unwrap();
    drop(pf);
    let stdout = common::run_pyqgis(SCRIPT, &[path.as_os_str(), zone.key.as_ref()]);
    for (layer, ty) in [
        ("industrial_zones", "Point"),
        ("centre_plants", "Point"),
        ("industrial_zones_boundary", "MultiPolygon"),
        ("centre_plants_boundary", "MultiPolygon"),
        ("protected_areas", "MultiPolygon"),
        ("residential_areas", "MultiPolygon"),
    ] {
        let line = format!("layer {layer} True {ty} EPSG:4326");
        assert!(stdout.lines().any(|l| l == line), "{line} in\n{stdout}");
    }
    assert!(
        stdout.contains("commit industrial_zones_boundary True True"),
        "{stdout}"
    );
    assert!(
        stdout.contains("commit protected_areas True True"),
        "{stdout}"
    );

    // qn-planner sees both: info counts them, the project reads them, exports carry them.
    let info = Command::new(qn)
        .args(["info", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(info.status.success());
    let v: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    let count = |t: &str| {
        v["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["table"] == t)
            .map(|l| l["count"].as_i64().unwrap())
    };
    assert_eq!(count("industrial_zones_boundary"), Some(1));
    assert_eq!(count("protected_areas"), Some(1));
    assert_eq!(v["unlinked_boundaries"].as_array().map(Vec::len), Some(0));
    let p = qn_planner::store::ProjectFile::open(&path)
        .unwrap()
        .read_project()
        .unwrap();
    let z = p.sites.iter().find(|s| s.key == zone.key).unwrap();
    assert!(matches!(z.geom, Some(geo_types::Geometry::Polygon(_))));
    let pa = p
        .sites
        .iter()
        .find(|s| s.name == "Vùng bảo vệ vẽ trong QGIS")
        .unwrap();
    assert!(pa.area_ha.unwrap() > 5000.0, "{:?}", pa.area_ha);
    assert_eq!(pa.key.len(), 36);
    // QGIS's edits are in the change log, by the file's own triggers, with no author.
    let pf = qn_planner::store::ProjectFile::open(&path).unwrap();
    let boundary = pf.operations(Some(&zone.key), 0, 100).unwrap();
    assert!(
        boundary
            .iter()
            .any(|o| o.table == "industrial_zones_boundary"
                && o.kind == qn_planner::model::oplog::OpKind::Insert
                && o.author.is_none()),
        "{boundary:?}"
    );
    let drawn = pf.operations(Some(&pa.key), 0, 100).unwrap();
    assert!(
        drawn.iter().any(|o| o.table == "protected_areas"
            && o.kind == qn_planner::model::oplog::OpKind::Insert
            && o.author.is_none()),
        "{drawn:?}"
    );
    drop(pf);
    let geojson = dir.path().join("zones.geojson");
    let st = Command::new(qn)
        .arg("export-layer")
        .arg(&path)
        .arg("industrial_zones")
        .arg(&geojson)
        .status()
        .unwrap();
    assert!(st.success());
    let text = std::fs::read_to_string(&geojson).unwrap();
    assert!(text.contains("\"Polygon\""), "{text}");
    let png = dir.path().join("map.png");
    let st = Command::new(qn)
        .arg("export")
        .arg(&path)
        .arg(&png)
        .args(["--dpi", "60"])
        .status()
        .unwrap();
    assert!(st.success());
    if common::have_gdal() {
        common::assert_valid_gpkg(&path, "after QGIS edited the file");
    }
}
