//! Faults a working day meets: a full disk, two imports at once, a killed export, a huge or
//! absurd feature, a read-only folder. Each leaves the project whole and says what happened.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn qn() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qn-planner"))
}

fn init(path: &Path) {
    let out = qn().arg("init").arg(path).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `n` small square polygons as GeoJSON, with a Vietnamese name each.
fn polygons(path: &Path, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    write!(f, r#"{{"type":"FeatureCollection","features":["#).unwrap();
    for i in 0..n {
        let x = 106.5 + (i % 1000) as f64 * 0.0015;
        let y = 20.8 + (i / 1000) as f64 * 0.0015;
        let d = 0.001;
        write!(
            f,
            r#"{}{{"type":"Feature","properties":{{"ten":"Thửa số {i}","dien_tich":{}}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}}}"#,
            if i == 0 { "" } else { "," },
            i as f64 * 1.5,
            x + d,
            x + d,
            y + d,
            y + d
        )
        .unwrap();
    }
    write!(f, "]}}").unwrap();
}

/// A 3 MB tmpfs, unmounted when dropped. `None` where this machine does not allow mounting.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: &Path) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"])
            .arg(at)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        ok.then(|| SmallDisk(at.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn hot_journal(p: &Path) -> bool {
    PathBuf::from(format!("{}-journal", p.display())).exists()
}

#[test]
fn a_full_disk_leaves_the_file_whole_by_itself_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("thua.geojson");
    polygons(&input, 40_000);
    let seed = dir.path().join("seed.gpkg");
    init(&seed);
    let before = std::fs::read(&seed).unwrap();
    // A small filesystem where this machine allows mounting one (root with CAP_SYS_ADMIN);
    // else a file-size limit on the process, which fails its writes the same way.
    let mount_at = dir.path().join("small");
    let disk = SmallDisk::mount(&mount_at);
    let (project, out) = match &disk {
        Some(d) => {
            let p = d.0.join("p.gpkg");
            std::fs::copy(&seed, &p).unwrap();
            let out = qn().arg("import").arg(&p).arg(&input).output().unwrap();
            (p, out)
        }
        None => {
            eprintln!("no tmpfs here: using a 3 MB file-size limit instead");
            let p = dir.path().join("p.gpkg");
            std::fs::copy(&seed, &p).unwrap();
            let out = Command::new("bash")
                .arg("-c")
                .arg(r#"trap "" XFSZ; ulimit -f 3072; exec "$0" "$@""#)
                .arg(env!("CARGO_BIN_EXE_qn-planner"))
                .arg("import")
                .arg(&p)
                .arg(&input)
                .output()
                .unwrap();
            (p, out)
        }
    };
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the disk is full") || err.contains("failed to read or write"),
        "{err}"
    );
    assert!(!err.contains("read-only"), "{err}");
    assert!(err.contains("unchanged"), "{err}");
    // The file alone, before anything else opens it: no hot journal, same bytes as before.
    assert!(
        !hot_journal(&project),
        "a hot journal was left beside the file"
    );
    let copy = dir.path().join("copied-alone.gpkg");
    std::fs::copy(&project, &copy).unwrap();
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        before,
        "the file is as it was"
    );
    let c =
        rusqlite::Connection::open_with_flags(&copy, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    drop(disk);
}

#[test]
fn two_imports_at_once_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.gpkg");
    init(&p);
    let a = dir.path().join("lop-a.geojson");
    let b = dir.path().join("lop-b.geojson");
    polygons(&a, 60_000);
    polygons(&b, 60_000);
    let first = qn()
        .arg("import")
        .arg(&p)
        .arg(&a)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The second starts while the first holds the write lock.
    std::thread::sleep(std::time::Duration::from_millis(100));
    let second = qn().arg("import").arg(&p).arg(&b).output().unwrap();
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(second.status.success(), "{}", stderr(&second));
    let info = qn().arg("info").arg(&p).output().unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(text.contains("ref_lop_a"), "{text}");
    assert!(text.contains("ref_lop_b"), "{text}");
}

#[test]
fn a_killed_exports_part_is_cleaned_up_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.gpkg");
    init(&p);
    let out = dir.path().join("hop.pdf");
    // What a killed `pack` leaves: a part named after its (now gone) process.
    let stale = dir.path().join(".hop.pdf.4000000000.part");
    std::fs::write(&stale, b"%PDF-1.7 half").unwrap();
    let r = qn().arg("pack").arg(&p).arg(&out).output().unwrap();
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(out.exists());
    assert!(!stale.exists(), "the stale part is removed");
    let parts: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(parts.is_empty(), "{parts:?}");
}

#[test]
fn a_feature_too_large_to_read_is_refused_with_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.gpkg");
    init(&p);
    let before = std::fs::read(&p).unwrap();
    let input = dir.path().join("to.geojson");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        write!(
            f,
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"ten":"nhỏ"}},"geometry":{{"type":"Point","coordinates":[107.0,21.0]}}}},{{"type":"Feature","properties":{{"ghi_chu":""#
        )
        .unwrap();
        let block = vec![b'a'; 1 << 20];
        for _ in 0..130 {
            f.write_all(&block).unwrap();
        }
        write!(
            f,
            r#""}},"geometry":{{"type":"Point","coordinates":[107.0,21.0]}}}}]}}"#
        )
        .unwrap();
    }
    let out = qn().arg("import").arg(&p).arg(&input).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("feature 2"), "{err}");
    assert!(err.contains("128 MB"), "{err}");
    assert_eq!(std::fs::read(&p).unwrap(), before);
}

#[test]
fn an_absurd_coordinate_gets_a_short_message() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.gpkg");
    init(&p);
    let input = dir.path().join("xa.geojson");
    std::fs::write(
        &input,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ten":"x"},"geometry":{"type":"Point","coordinates":[1e308,21]}}]}"#,
    )
    .unwrap();
    let out = qn()
        .arg("import")
        .arg(&p)
        .args(["--crs", "EPSG:5899"])
        .arg(&input)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("1e308"), "{err}");
    assert!(err.len() < 300, "{} bytes: {err}", err.len());
}

#[test]
fn a_read_only_folder_is_not_called_a_read_only_file() {
    // Root ignores permissions; the check is meaningful only for other users.
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("chi-doc");
    std::fs::create_dir(&folder).unwrap();
    let p = folder.join("p.gpkg");
    init(&p);
    let input = dir.path().join("xa.geojson");
    polygons(&input, 10);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = qn().arg("import").arg(&p).arg(&input).output().unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("folder holding the file is read-only"),
        "{err}"
    );
}
