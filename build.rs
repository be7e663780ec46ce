//! Windows builds only: compiles `assets/windows/qn-planner.rc` (the icon, the application
//! manifest and the version) with mingw-w64's `windres` and links it into `qn-planner.exe`.
//! Other targets build nothing here.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/windows");
    println!("cargo:rerun-if-env-changed=WINDRES");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let mut parts: Vec<&str> = version.split(['.', '-', '+']).take(3).collect();
    parts.resize(3, "0");
    let header = format!(
        "#define QN_VERSION_COMMAS {},0\n#define QN_VERSION_TEXT \"{version}\"\n",
        parts.join(",")
    );
    if let Err(e) = std::fs::write(out.join("qn-version.h"), header) {
        panic!("cannot write {}: {e}", out.join("qn-version.h").display());
    }
    let windres = std::env::var("WINDRES").unwrap_or_else(|_| "x86_64-w64-mingw32-windres".into());
    let res = out.join("qn-planner-res.o");
    let status = Command::new(&windres)
        .arg("--input-format=rc")
        .arg("--output-format=coff")
        .arg("-I")
        .arg(&out)
        .arg("-I")
        .arg("assets/windows")
        .arg("-i")
        .arg("assets/windows/qn-planner.rc")
        .arg("-o")
        .arg(&res)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("{windres} failed ({s}) on assets/windows/qn-planner.rc"),
        Err(e) => panic!(
            "{windres}: {e} (install mingw-w64: apt-get install gcc-mingw-w64-x86-64, or set WINDRES)"
        ),
    }
    println!("cargo:rustc-link-arg-bin=qn-planner={}", res.display());
}
