//! Helpers shared by the integration tests: a seeded random generator and GDAL's validator.

pub mod pg;
pub mod sync;
pub mod ui;

use std::path::Path;
use std::process::Command;

/// A new project seeded from the 2007 report (what `qn-planner init` writes), `name` in `dir`.
pub fn new_project(dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    drop(qn_planner::store::ProjectFile::create(&path, false).unwrap());
    path
}

/// [`new_project`] in a new temporary folder, which lives as long as the returned handle.
pub fn temp_project(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = new_project(dir.path(), name);
    (dir, path)
}

/// Writes `geojson` to `name` in `dir` and imports it into `pf` as the reference layer `layer`
/// (WGS 84, drawn in `color`), as the import window does.
pub fn import_geojson(
    pf: &mut qn_planner::store::ProjectFile,
    dir: &Path,
    name: &str,
    geojson: &str,
    layer: &str,
    color: &str,
) {
    let input = dir.join(name);
    std::fs::write(&input, geojson).unwrap();
    qn_planner::io::import_layer::import_reference_layer(
        pf,
        &qn_planner::io::import::Source::from_path(&input, None).unwrap(),
        Some(qn_planner::io::crs::Crs::Wgs84),
        layer,
        color,
        &std::sync::atomic::AtomicBool::new(false),
        &mut |_, _| {},
    )
    .unwrap();
}

/// SplitMix64: deterministic, so a failing sequence can be replayed from its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Whether GDAL's Python tools are installed. Where `QN_REQUIRE_GDAL` is set (CI), their
/// absence fails the test instead of skipping the GDAL part.
pub fn have_gdal() -> bool {
    let ok = Command::new("ogrinfo")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
        && Command::new("/usr/bin/python3")
            .args(["-c", "import osgeo_utils.samples.validate_gpkg"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var_os("QN_REQUIRE_GDAL").is_none(),
            "GDAL tools are required here (QN_REQUIRE_GDAL is set) but missing"
        );
        eprintln!("SKIPPED: GDAL (ogrinfo, python3-gdal) not installed");
    }
    ok
}

/// Runs GDAL's GeoPackage validator with warnings as errors; panics with its output on failure.
pub fn assert_valid_gpkg(path: &Path, what: &str) {
    let out = Command::new("/usr/bin/python3")
        .args([
            "-m",
            "osgeo_utils.samples.validate_gpkg",
            "-k",
            "--extra",
            "--warning-as-error",
        ])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{what}: validator: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether QGIS's Python bindings (PyQGIS) are installed. Where `QN_REQUIRE_QGIS` is set (CI),
/// their absence fails the test instead of skipping the QGIS part.
pub fn have_qgis() -> bool {
    let ok = Command::new("/usr/bin/python3")
        .args(["-c", "import qgis.core"])
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var_os("QN_REQUIRE_QGIS").is_none(),
            "QGIS (python3-qgis) is required here (QN_REQUIRE_QGIS is set) but missing"
        );
        eprintln!("SKIPPED: QGIS (python3-qgis) not installed");
    }
    ok
}

/// Runs a PyQGIS script offscreen with `args`; returns what it printed, or fails the test
/// with its output.
pub fn run_pyqgis(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new("/usr/bin/python3")
        .args(["-c", script])
        .args(args)
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

// The project file as other programs see it (issue 24 §1).

/// Another program opens the file, reads, and closes it: what `ogrinfo -ro`, QGIS or
/// `sqlite3 FILE "select 1"` do. Python's sqlite3 module is a separate SQLite in a separate
/// process.
pub fn other_program_reads(path: &Path) {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); \
             print(c.execute('select count(*) from sqlite_master').fetchone()[0]); c.close()",
        ])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3 sqlite3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The name of the site with `key`, as a fresh reader (another process) sees it in the file.
pub fn name_on_disk(path: &Path, key: &str) -> String {
    let tables = qn_planner::model::Layer::ALL
        .iter()
        .map(|l| format!("select name from {} where site_key=?1", l.table()))
        .collect::<Vec<_>>()
        .join(" union all ");
    let out = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); \
             r=c.execute(sys.argv[3],(sys.argv[2],)).fetchone(); \
             print(r[0] if r else '<none>'); c.close()",
        ])
        .arg(path)
        .arg(key)
        .arg(tables)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3 sqlite3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Descriptors of this process pointing at a deleted file next to the project (its WAL or
/// shared-memory file unlinked under the connection).
pub fn deleted_fds(path: &Path) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir("/proc/self/fd")
        .map(|d| {
            d.flatten()
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .map(|t| t.to_string_lossy().into_owned())
                .filter(|t| t.contains(&name) && t.ends_with("(deleted)"))
                .collect()
        })
        .unwrap_or_default()
}

// The command line, and a project as other programs edit it (issues 24, 30).

/// Runs `qn-planner` with `args`.
pub fn qn(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_qn-planner"))
        .args(args)
        .env("HOME", std::env::temp_dir())
        .output()
        .expect("qn-planner runs")
}

/// What a command printed, stdout then stderr.
pub fn said(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Fails unless the command's output holds `text` (showing the output).
pub fn assert_says(o: &std::process::Output, text: &str) {
    let s = said(o);
    assert!(s.contains(text), "expected {text:?} in:\n{s}");
}

/// Changes the site named `name` of the project at `path` through the app's edit path.
pub fn edit_site(path: &Path, name: &str, change: impl FnOnce(&mut qn_planner::model::Site)) {
    use qn_planner::edit::{Edit, History};
    let mut pf = qn_planner::store::ProjectFile::open(path).expect("the project opens");
    let mut p = pf.read_project().expect("the project reads");
    let before = p
        .sites
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("{name}"))
        .clone();
    let mut after = before.clone();
    change(&mut after);
    History::default()
        .apply(Edit::update(before, after), None, &mut pf, &mut p)
        .expect("the edit is written");
}

/// A connection to a project as another program (QGIS, GDAL) has one: the GeoPackage
/// functions its R-tree triggers name are registered (as stand-ins: these tests change no
/// geometry through it).
pub fn as_another_program(path: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).expect("the file opens");
    for f in ["ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"] {
        c.create_scalar_function(
            f,
            1,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            |_| Ok(0),
        )
        .expect("a function registers");
    }
    c
}

/// A seeded project at `dir/p.gpkg` holding a table another program wrote into it: QGIS's
/// Processing saving a buffer of the proposed clusters (`vung_dem`, 8 polygons) into the
/// GeoPackage, GDAL's SQLite dialect standing in for it. `None` where GDAL is missing.
pub fn with_a_qgis_table(dir: &Path) -> Option<std::path::PathBuf> {
    if !have_gdal() {
        return None;
    }
    let path = dir.join("p.gpkg");
    drop(qn_planner::store::ProjectFile::create(&path, false).expect("a project"));
    let o = Command::new("ogr2ogr")
        .args(["-f", "GPKG", "-update"])
        .arg(&path)
        .arg(&path)
        .args([
            "-dialect",
            "SQLite",
            "-sql",
            "SELECT ST_Buffer(geom, 0.01) AS geom, name FROM proposed_clusters WHERE geom IS NOT NULL",
            "-nln",
            "vung_dem",
        ])
        .output()
        .expect("ogr2ogr runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    Some(path)
}
