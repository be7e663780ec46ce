//! The project file guards itself against every program (issue 24 §3, issue 30 §6): QGIS and
//! the sqlite3 shell are refused a value the app would refuse, with the reason, and a point
//! they move is marked drafted. The sqlite3 recipe of docs/file-format.md is run as written.

use crate::common;

use qn_planner::model::Precision;
use qn_planner::store::ProjectFile;
use std::path::Path;
use std::process::Command;

fn init(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("qn.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    path
}

fn site(path: &Path, name: &str) -> qn_planner::model::Site {
    ProjectFile::open(path)
        .unwrap()
        .read_project()
        .unwrap()
        .sites
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("{name}"))
}

const QGIS_EDITS: &str = r#"
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication, QgsVectorLayer, QgsGeometry, QgsPointXY
app = QgsApplication([], False)
app.initQgis()
path = sys.argv[1]
vl = QgsVectorLayer(path + "|layername=industrial_zones", "z", "ogr")
f = next(f for f in vl.getFeatures() if f["name"] == "Cái Lân")
# Move the point, as a GIS officer drags it.
vl.startEditing()
vl.changeGeometry(f.id(), QgsGeometry.fromPointXY(QgsPointXY(107.05, 20.98)))
print("move", vl.commitChanges(), "|".join(vl.commitErrors()))
# A status the app does not know, and an empty name: refused at commit, with the reason.
for field, value in [("status", "planned"), ("name", ""), ("decision_year", 2045)]:
    vl.startEditing()
    vl.changeAttributeValue(f.id(), vl.fields().indexOf(field), value)
    ok = vl.commitChanges()
    print("set", field, ok, "|".join(vl.commitErrors()).replace("\n", " "))
    if not ok:
        vl.rollBack()
del vl
app.exitQgis()
"#;

#[test]
#[ignore = "needs QGIS (python3-qgis)"]
fn qgis_is_refused_what_the_app_refuses_and_its_moves_are_drafted() {
    if !common::have_qgis() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = init(dir.path());
    let before = site(&path, "Cái Lân");
    assert_ne!(before.location_precision, Precision::Drafted);
    let out = common::run_pyqgis(QGIS_EDITS, &[path.as_os_str()]);
    assert!(out.contains("move True"), "{out}");
    for field in ["status", "name", "decision_year"] {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("set {field} ")))
            .unwrap_or_else(|| panic!("{field}: {out}"));
        assert!(line.contains(" False "), "{line}");
        assert!(
            line.contains(&format!("qn-planner: industrial_zones.{field}")),
            "{line}"
        );
    }
    let after = site(&path, "Cái Lân");
    assert_eq!(after.status, before.status);
    assert_eq!(after.name, "Cái Lân");
    let Some(geo_types::Geometry::Point(p)) = after.geom else {
        panic!("{:?}", after.geom)
    };
    assert!((p.x() - 107.05).abs() < 1e-9);
    // The moved point no longer claims its old precision.
    assert_eq!(after.location_precision, Precision::Drafted);
    assert!(
        after
            .location_source
            .starts_with("di chuyển ngoài qn-planner ngày "),
        "{}",
        after.location_source
    );
    assert!(
        after.notes.contains(&format!(
            "Vị trí trước: {} — {}",
            before
                .location_precision
                .label(qn_planner::lang::Language::Vi),
            before.location_source
        )),
        "{}",
        after.notes
    );
    if common::have_gdal() {
        common::assert_valid_gpkg(&path, "after QGIS's edits");
    }
}

fn sqlite3(path: &Path, statements: &[&str]) -> std::process::Output {
    Command::new("sqlite3")
        .arg(path)
        .args(statements)
        .output()
        .expect("the sqlite3 shell runs")
}

/// The recipe of docs/file-format.md: the sqlite3 shell with SpatiaLite's functions, in GeoPackage mode.
#[test]
#[ignore = "needs the sqlite3 shell with SpatiaLite"]
fn the_sqlite3_shell_edits_a_site_as_the_readme_says() {
    let spatialite = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .any(|d| d.path().join("mod_spatialite.so").exists());
    let have = Command::new("sqlite3").arg("--version").output().is_ok() && spatialite;
    if !have {
        assert!(
            std::env::var_os("QN_REQUIRE_GDAL").is_none(),
            "sqlite3 and libsqlite3-mod-spatialite are required here"
        );
        eprintln!("SKIPPED: sqlite3 or mod_spatialite not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = init(dir.path());
    // Without the functions the R-tree triggers cannot run: the shell says so and changes
    // nothing.
    let o = sqlite3(
        &path,
        &["UPDATE proposed_clusters SET jobs = 250 WHERE name = 'Hà Khánh'"],
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no such function: ST_IsEmpty"),
        "{o:?}"
    );
    assert_eq!(site(&path, "Hà Khánh").jobs, None);
    let o = sqlite3(
        &path,
        &[
            ".load mod_spatialite",
            "SELECT EnableGpkgAmphibiousMode();",
            "UPDATE proposed_clusters SET jobs = 250 WHERE name = 'Hà Khánh';",
            "UPDATE proposed_clusters SET geom = (SELECT geom FROM proposed_clusters WHERE name = 'Lê Lợi') WHERE name = 'Hà Khánh';",
            "UPDATE proposed_clusters SET status = 'planned' WHERE name = 'Lê Lợi';",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("qn-planner: proposed_clusters.status is not one of"),
        "{err}"
    );
    let s = site(&path, "Hà Khánh");
    assert_eq!(s.jobs, Some(250));
    assert_eq!(s.geom, site(&path, "Lê Lợi").geom);
    assert_eq!(s.location_precision, Precision::Drafted);
    assert_eq!(site(&path, "Lê Lợi").status.as_str(), "proposed");
    let pf = ProjectFile::open(&path).unwrap();
    assert_eq!(pf.integrity_check().unwrap(), "ok");
    // Logged like any edit, with no qn-planner author.
    let ops = pf.operations(Some(&s.key), 0, 100).unwrap();
    assert!(
        ops.iter().any(|o| o.field == "jobs" && o.author.is_none()),
        "{ops:?}"
    );
    let rtree: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM rtree_proposed_clusters_geom r JOIN proposed_clusters p ON p.fid = r.id
             WHERE p.name = 'Hà Khánh' AND r.minx > 107.0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rtree, 1, "the R-tree follows the moved point");
    if common::have_gdal() {
        common::assert_valid_gpkg(&path, "after the sqlite3 shell's edits");
    }
}

/// A centre's name, its geometry and its located plants, as the file holds them.
type CentreAndPlants = (
    String,
    Option<geo_types::Geometry<f64>>,
    Vec<geo_types::Point<f64>>,
);

/// Each centre's geometry, and the multipoint of its located plants, as the file holds them.
fn centres_and_plants(path: &Path) -> Vec<CentreAndPlants> {
    let p = ProjectFile::open(path).unwrap().read_project().unwrap();
    p.centres
        .iter()
        .map(|c| {
            let plants: Vec<geo_types::Point<f64>> = p
                .sites_of(qn_planner::model::Layer::IndustrialCentres)
                .filter(|s| s.centre_key == c.key)
                .filter_map(|s| match &s.geom {
                    Some(geo_types::Geometry::Point(pt)) => Some(*pt),
                    _ => None,
                })
                .collect();
            (c.name.clone(), c.geom.clone(), plants)
        })
        .collect()
}

fn assert_centres_follow(path: &Path, what: &str) {
    for (name, geom, plants) in centres_and_plants(path) {
        let want = (!plants.is_empty())
            .then(|| geo_types::Geometry::MultiPoint(geo_types::MultiPoint::new(plants)));
        assert_eq!(geom, want, "{what}: centre {name}");
    }
}

#[test]
fn a_centre_follows_its_plants_whoever_moves_them() {
    use qn_planner::edit::{Edit, History};
    let dir = tempfile::tempdir().unwrap();
    let path = init(dir.path());
    assert_centres_follow(&path, "as seeded");
    // Moved in the window.
    {
        let mut pf = ProjectFile::open(&path).unwrap();
        let mut p = pf.read_project().unwrap();
        let before = p
            .sites_of(qn_planner::model::Layer::IndustrialCentres)
            .find(|s| s.geom.is_some())
            .unwrap()
            .clone();
        let mut after = before.clone();
        after.geom = Some(geo_types::Geometry::Point(geo_types::Point::new(
            107.3, 21.1,
        )));
        History::default()
            .apply(Edit::update(before, after), None, &mut pf, &mut p)
            .unwrap();
    }
    assert_centres_follow(&path, "after a move in the window");
    // Moved, and reassigned, by another program (the sqlite3 shell with SpatiaLite).
    let o = sqlite3(
        &path,
        &[
            ".load mod_spatialite",
            "SELECT EnableGpkgAmphibiousMode();",
            "UPDATE centre_plants SET geom = (SELECT geom FROM proposed_clusters WHERE name = 'Hải Tân') WHERE fid = (SELECT max(fid) FROM centre_plants WHERE geom IS NOT NULL);",
            "UPDATE centre_plants SET centre_key = (SELECT key FROM industrial_centres ORDER BY fid LIMIT 1) WHERE fid = (SELECT min(fid) FROM centre_plants WHERE geom IS NOT NULL);",
        ],
    );
    if o.status.success() && String::from_utf8_lossy(&o.stderr).is_empty() {
        assert_centres_follow(&path, "after the sqlite3 shell's edits");
    } else {
        assert!(
            std::env::var_os("QN_REQUIRE_GDAL").is_none(),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    if common::have_gdal() {
        common::assert_valid_gpkg(&path, "centres recomputed by the file's triggers");
    }
}
