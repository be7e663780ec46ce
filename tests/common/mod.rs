//! Helpers shared by the integration tests: a seeded random generator and GDAL's validator.
#![allow(dead_code)]

pub mod pg;
pub mod sync;
pub mod ui;

use std::path::Path;
use std::process::Command;

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
