//! The project file: round trip of every seeded record, and refusal of bad files without
//! touching them.

use qn_planner::model::seed::{seed_centres, seed_sites};
use qn_planner::store::{ProjectFile, StoreError};
use std::path::Path;

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn init_then_open_reads_back_every_seeded_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qn.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let pf = ProjectFile::open(&path).unwrap();
    assert!(!pf.is_read_only());
    let project = pf.read_project().unwrap();
    let seeded = seed_sites().unwrap();
    assert_eq!(project.sites.len(), seeded.len());
    for want in &seeded {
        let got = project
            .sites
            .iter()
            .find(|s| s.layer == want.layer && s.name == want.name)
            .unwrap_or_else(|| panic!("{} missing", want.name));
        assert!(got.fid > 0);
        // The file gave it a key (a UUID), the seed has none.
        assert_eq!(got.key.len(), 36, "{}", got.key);
        let mut got = got.clone();
        got.fid = 0;
        got.key.clear();
        assert_eq!(&got, want, "{} differs after the round trip", want.name);
    }
    let centres = seed_centres(&seeded).unwrap();
    assert_eq!(project.centres.len(), 5);
    for (got, want) in project.centres.iter().zip(&centres) {
        assert_eq!(got.key, want.key);
        assert_eq!(got.name, want.name);
        assert_eq!(got.geom, want.geom);
    }
    assert_eq!(pf.integrity_check().unwrap(), "ok");
    let infos = pf.layer_infos().unwrap();
    let count = |t: &str| infos.iter().find(|i| i.table == t).map(|i| i.count);
    assert_eq!(count("industrial_zones"), Some(4));
    assert_eq!(count("industrial_clusters"), Some(8));
    assert_eq!(count("proposed_clusters"), Some(10));
    assert_eq!(count("craft_villages"), Some(4));
    assert_eq!(count("industrial_centres"), Some(5));
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qn.gpkg");
    std::fs::write(&path, b"keep me").unwrap();
    assert!(matches!(
        ProjectFile::create(&path, false),
        Err(StoreError::Exists(_))
    ));
    assert_eq!(bytes(&path), b"keep me");
    ProjectFile::create(&path, true).unwrap();
    assert_ne!(bytes(&path), b"keep me");
}

#[test]
fn a_text_file_is_not_a_geopackage_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.gpkg");
    std::fs::write(&path, "Quảng Ninh, not a database\n").unwrap();
    let before = bytes(&path);
    let err = ProjectFile::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::NotGeoPackage(..)), "{err}");
    assert!(err.to_string().contains("not a GeoPackage"));
    assert_eq!(bytes(&path), before);
    let empty = dir.path().join("empty.gpkg");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(
        ProjectFile::open(&empty),
        Err(StoreError::NotGeoPackage(..))
    ));
    assert!(matches!(
        ProjectFile::open(&dir.path().join("missing.gpkg")),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn an_sqlite_file_that_is_not_a_geopackage_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = bytes(&path);
    let err = ProjectFile::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::NotGeoPackage(..)), "{err}");
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_geopackage_from_elsewhere_is_not_a_project() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP TABLE qn_meta; DELETE FROM gpkg_contents WHERE table_name = 'qn_meta';",
        )
        .unwrap();
    }
    let before = bytes(&path);
    assert!(matches!(
        ProjectFile::open(&path),
        Err(StoreError::NotProject(_))
    ));
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_newer_schema_is_refused_and_not_modified() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute(
            "UPDATE qn_meta SET value = '99' WHERE key = 'schema_version'",
            [],
        )
        .unwrap();
    }
    let before = bytes(&path);
    let err = ProjectFile::open(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("newer"));
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_locked_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    // The window waits a second for another program's write, then says so (a command
    // waits longer: see tests/it/faults.rs).
    let err = ProjectFile::open_session(&path, None).unwrap_err();
    assert!(matches!(err, StoreError::Locked(_)), "{err}");
    assert!(err.to_string().contains("locked"));
    other.execute_batch("ROLLBACK").unwrap();
    drop(other);
    ProjectFile::open(&path).unwrap();
}

#[test]
fn a_read_only_file_opens_for_viewing_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = bytes(&path);
    let pf = ProjectFile::open(&path).unwrap();
    assert!(pf.is_read_only());
    assert_eq!(pf.read_project().unwrap().sites.len(), 39);
    drop(pf);
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_corrupt_geometry_is_an_error_naming_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        // Another program writes a truncated blob (a plain connection has no ST_ functions
        // for the R-tree triggers, so they go first).
        c.execute_batch("DROP TRIGGER rtree_craft_villages_geom_update1; DROP TRIGGER rtree_craft_villages_geom_update2; DROP TRIGGER rtree_craft_villages_geom_update3; DROP TRIGGER rtree_craft_villages_geom_update4;")
            .unwrap();
        c.execute(
            "UPDATE craft_villages SET geom = X'47500001E61000000102' WHERE fid = 2",
            [],
        )
        .unwrap();
    }
    let pf = ProjectFile::open(&path).unwrap();
    let err = pf.read_project().unwrap_err().to_string();
    assert!(
        err.contains("craft_villages") && err.contains("feature 2"),
        "{err}"
    );
}
