//! The window's hold on its project file (issue 24 §1): SQLite's POSIX advisory locks belong to
//! the process and are all cancelled when *any* descriptor of the file closes in it ("How To
//! Corrupt An SQLite Database File", §2.2). A second open of the project in the same process
//! (the import and sync workers open it again), then any other program opening and closing the
//! file, must not cost the window its lock, its WAL file, or a single later edit.

use crate::common::{deleted_fds, name_on_disk, other_program_reads};
use qn_planner::edit::{Edit, History};
use qn_planner::model::{Layer, Project};
use qn_planner::store::ProjectFile;

fn rename_first_proposed(
    pf: &mut ProjectFile,
    project: &mut Project,
    history: &mut History,
    name: &str,
) -> String {
    let before = project
        .sites_of(Layer::ProposedClusters)
        .next()
        .expect("a proposed cluster")
        .clone();
    let mut after = before.clone();
    after.name = name.to_string();
    let key = before.key.clone();
    history
        .apply(Edit::update(before, after), None, pf, project)
        .expect("the edit is written");
    key
}

/// A seeded project at `dir/name` opened for an editing session as the window opens it, with
/// its project and an empty history.
fn session(
    dir: &std::path::Path,
    name: &str,
) -> (std::path::PathBuf, ProjectFile, Project, History) {
    let path = dir.join(name);
    drop(ProjectFile::create(&path, false).unwrap());
    let pf = ProjectFile::open_session(&path, Some(dir.join("backups")))
        .unwrap()
        .file;
    let project = pf.read_project().unwrap();
    (path, pf, project, History::default())
}

#[test]
fn a_second_open_in_the_process_then_another_program_costs_no_edit() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut pf, mut project, mut history) = session(dir.path(), "Quy hoạch.gpkg");
    // A first edit: the session's WAL exists and the backup is taken.
    let key = rename_first_proposed(&mut pf, &mut project, &mut history, "Cụm Kim Sơn");
    assert_eq!(name_on_disk(&path, &key), "Cụm Kim Sơn");

    // What the import and sync workers do: the project opened again in this process, closed.
    drop(ProjectFile::open(&path).unwrap());
    // What ogrinfo -ro or QGIS does next.
    other_program_reads(&path);
    assert!(
        deleted_fds(&path).is_empty(),
        "the window lost its WAL: {:?}",
        deleted_fds(&path)
    );

    // Every later edit must reach the file.
    rename_first_proposed(&mut pf, &mut project, &mut history, "Cụm Kim Sơn 2");
    other_program_reads(&path);
    rename_first_proposed(&mut pf, &mut project, &mut history, "Cụm Kim Sơn 3");
    assert_eq!(name_on_disk(&path, &key), "Cụm Kim Sơn 3");
    // Undo goes through the same path.
    history.undo(&mut pf, &mut project).unwrap();
    assert_eq!(name_on_disk(&path, &key), "Cụm Kim Sơn 2");
    drop(pf);
    let fresh = ProjectFile::open(&path).unwrap().read_project().unwrap();
    assert!(fresh.sites.iter().any(|s| s.name == "Cụm Kim Sơn 2"));
}

#[test]
fn every_open_of_the_project_in_the_process_keeps_the_lock() {
    // The other ways this process reads a project while a session holds it: a read-only
    // open, a backup, a failed open of the wrong kind, the header checks.
    let dir = tempfile::tempdir().unwrap();
    let (path, mut pf, mut project, mut history) = session(dir.path(), "p.gpkg");
    let key = rename_first_proposed(&mut pf, &mut project, &mut history, "một");
    drop(ProjectFile::open_read_only(&path).unwrap());
    drop(ProjectFile::open_session(&path, None).unwrap());
    pf.backup_to(&dir.path().join("more")).unwrap();
    // The project's own layer as an import source: read through SQLite, never a plain open.
    let source =
        qn_planner::io::import::Source::from_path(&path, Some("proposed_clusters")).unwrap();
    assert_eq!(qn_planner::io::import::scan(&source).unwrap().features, 10);
    // The project picked by mistake as a CSV, a QML or a change bundle: refused, not opened.
    let as_csv = dir.path().join("p.csv");
    std::fs::hard_link(&path, &as_csv).unwrap();
    let err = qn_planner::io::import::Source::from_path(&as_csv, None).unwrap_err();
    assert!(
        err.to_string().contains("project open in this qn-planner"),
        "{err}"
    );
    assert!(qn_planner::fsutil::read_input(&path).is_err());
    let mut wal = path.clone().into_os_string();
    wal.push("-wal");
    assert!(qn_planner::fsutil::open_input(std::path::Path::new(&wal)).is_err());
    // An export whose name is the open project's is refused, and the project left alone.
    let err = qn_planner::fsutil::write_atomic(&path, b"not a project").unwrap_err();
    assert!(err.to_string().contains("cannot be replaced"), "{err}");
    other_program_reads(&path);
    rename_first_proposed(&mut pf, &mut project, &mut history, "hai");
    assert_eq!(name_on_disk(&path, &key), "hai");
    assert!(deleted_fds(&path).is_empty());
}
