//! A change bundle on arbitrary bytes, merged into a project: merged or refused with a
//! reason, never a panic, and the project's file always whole (`integrity_check`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qn_planner::store::ProjectFile;
use std::sync::{Mutex, OnceLock};

/// One project for the whole run (a bundle that merges changes it, as a real one would).
fn project() -> &'static Mutex<ProjectFile> {
    static P: OnceLock<Mutex<ProjectFile>> = OnceLock::new();
    P.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("qn-fuzz-bundle-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("p.gpkg");
        let _ = std::fs::remove_file(&path);
        Mutex::new(ProjectFile::create(&path, false).expect("a seeded project"))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(mut pf) = project().lock() else { return };
    let _ = qn_planner::sync::bundle::import_bytes(&mut pf, "fuzz.qnchanges", data);
    assert_eq!(pf.integrity_check().expect("the file reads"), "ok");
});
