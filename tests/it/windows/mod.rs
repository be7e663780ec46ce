//! qn-planner.exe, the Windows build (issue 25), run under Wine: the same commands as the Linux
//! program on the same inputs give the same results, in folders named with Vietnamese letters
//! and spaces under a Vietnamese user name; sync over TLS (SChannel); files another Windows
//! program holds; the window draws the map; the installer and the portable copy.
//!
//! Runs where `QN_PLANNER_WINDOWS_EXE` names the built program (`.ci/windows/build` makes it;
//! `QN_PLANNER_WINDOWS_SETUP` and `QN_PLANNER_WINDOWS_ZIP` name its installer and portable
//! zip). Elsewhere each test says it skipped, unless `QN_REQUIRE_WINDOWS` is set (CI), which
//! makes a missing program, Wine or mingw-w64 a failure.
//!
//! Wine 8 lacks `ProcessPrng` (Windows 10/11 have it): each copy of the program run here gets
//! the test-only stand-in `tests/windows/processprng.c` beside it, built here with mingw-w64.
//! It is never shipped.

use crate::common;

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

mod window;

/// The Vietnamese user of these tests (`C:\users\Nguyễn Thị Lan`).
const USER: &str = "Nguyễn Thị Lan";

/// Wine with a prefix of its own, the program copied into it, the Vietnamese user's folders.
struct Wine {
    prefix: PathBuf,
    /// `C:\Chương trình\qn-planner\qn-planner.exe`.
    exe: PathBuf,
    /// The stand-in for `ProcessPrng`, to put beside other copies of the program.
    shim: PathBuf,
    /// `C:\users\Nguyễn Thị Lan\Tài liệu\Quy hoạch 2020`.
    work: PathBuf,
}

fn wine_binary() -> Option<PathBuf> {
    ["/usr/lib/wine/wine64", "/usr/bin/wine64", "/usr/bin/wine"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn require() -> bool {
    std::env::var_os("QN_REQUIRE_WINDOWS").is_some()
}

/// The shared Wine prefix, or `None` (with the reason) where the Windows build is not here.
/// One test at a time uses it: windows started at once in one prefix under parallel tests
/// could wait minutes for each other's first frame.
fn wine() -> Option<(&'static Wine, std::sync::MutexGuard<'static, ()>)> {
    static WINE: OnceLock<Result<Wine, String>> = OnceLock::new();
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    match WINE.get_or_init(Wine::start) {
        Ok(w) => Some((w, turn)),
        Err(e) if !require() => {
            eprintln!("skipped: {e}");
            None
        }
        Err(e) => panic!("QN_REQUIRE_WINDOWS is set but the Windows tests cannot run: {e}"),
    }
}

fn mingw(args: &[&OsStr]) -> Result<(), String> {
    let out = Command::new("x86_64-w64-mingw32-gcc")
        .args(args)
        .output()
        .map_err(|e| format!("x86_64-w64-mingw32-gcc: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "x86_64-w64-mingw32-gcc failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

impl Wine {
    fn start() -> Result<Wine, String> {
        let exe_built = std::env::var_os("QN_PLANNER_WINDOWS_EXE")
            .map(PathBuf::from)
            .ok_or("QN_PLANNER_WINDOWS_EXE is not set (build with .ci/windows/build)")?;
        if !exe_built.is_file() {
            return Err(format!("{} is not there", exe_built.display()));
        }
        wine_binary().ok_or("Wine (wine64) is not installed")?;
        // One prefix in the target folder, made anew by each run (statics are never dropped,
        // and a prefix is ~800 MB: one per run in /tmp would fill a developer's disk).
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("qn wine");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
        let prefix = root.join("prefix");
        let w = Wine {
            prefix: prefix.clone(),
            exe: prefix.join("drive_c/Chương trình/qn-planner/qn-planner.exe"),
            shim: root.join("bcryptprimitives.dll"),
            work: prefix.join(format!("drive_c/users/{USER}/Tài liệu/Quy hoạch 2020")),
        };
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/windows");
        mingw(&[
            OsStr::new("-O2"),
            OsStr::new("-shared"),
            OsStr::new("-o"),
            w.shim.as_os_str(),
            src.join("processprng.c").as_os_str(),
            OsStr::new("-ladvapi32"),
        ])?;
        let boot = w
            .command(OsStr::new("wineboot"))
            .arg("-i")
            .output()
            .map_err(|e| format!("wineboot: {e}"))?;
        if !boot.status.success() {
            return Err(format!("wineboot: {}", common::said(&boot)));
        }
        w.install_copy(&exe_built, w.exe.parent().unwrap_or(Path::new(".")))?;
        std::fs::create_dir_all(&w.work).map_err(|e| e.to_string())?;
        // The Vietnamese user's profile folders, where Windows (and Wine) say they are.
        let home = format!("C:\\users\\{USER}");
        for (name, path) in [
            ("AppData", format!("{home}\\AppData\\Roaming")),
            ("Local AppData", format!("{home}\\AppData\\Local")),
            ("Personal", format!("{home}\\Tài liệu")),
        ] {
            for key in ["User Shell Folders", "Shell Folders"] {
                let o = w.reg(&[
                    "add",
                    &format!("HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\{key}"),
                    "/v",
                    name,
                    "/t",
                    "REG_SZ",
                    "/d",
                    &path,
                    "/f",
                ]);
                if !o.status.success() {
                    return Err(format!("reg add {name}: {}", common::said(&o)));
                }
            }
        }
        Ok(w)
    }

    /// A command under Wine in this prefix (Unicode arguments: a UTF-8 locale).
    fn command(&self, program: &OsStr) -> Command {
        let mut c = Command::new(wine_binary().unwrap_or_else(|| PathBuf::from("wine64")));
        c.arg(program)
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env(
                "WINEDLLOVERRIDES",
                "winemenubuilder.exe=d;mscoree=d;mshtml=d;bcryptprimitives=n,b",
            )
            .env("LC_ALL", "C.UTF-8")
            .env_remove("DISPLAY")
            .env_remove("QN_PLANNER_HOME")
            .env_remove("QN_PLANNER_TIMING");
        c
    }

    fn reg(&self, args: &[&str]) -> Output {
        self.command(OsStr::new("reg"))
            .args(args)
            .output()
            .expect("reg runs under Wine")
    }

    /// Waits until every program of the prefix has ended (an uninstaller goes on in the
    /// background after the one started has returned).
    fn settle(&self) {
        let server = Path::new("/usr/lib/wine/wineserver");
        let server = if server.exists() {
            server
        } else {
            Path::new("wineserver")
        };
        let _ = Command::new(server)
            .arg("-w")
            .env("WINEPREFIX", &self.prefix)
            .status();
    }

    /// Copies the program into `dir` with the `ProcessPrng` stand-in beside it.
    fn install_copy(&self, exe: &Path, dir: &Path) -> Result<(), String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        std::fs::copy(exe, dir.join("qn-planner.exe")).map_err(|e| e.to_string())?;
        self.add_shim(dir)
    }

    fn add_shim(&self, dir: &Path) -> Result<(), String> {
        std::fs::copy(&self.shim, dir.join("bcryptprimitives.dll"))
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The Windows name of a path on this machine: `C:\…` inside the prefix, else `Z:\…`.
    fn win(&self, p: &Path) -> String {
        let drive_c = self.prefix.join("drive_c");
        match p.strip_prefix(&drive_c) {
            Ok(rest) => format!("C:\\{}", rest.display()).replace('/', "\\"),
            Err(_) => format!("Z:{}", p.display()).replace('/', "\\"),
        }
    }

    /// Runs the program with `args` (Windows paths), as a planner in cmd would.
    fn qn(&self, args: &[&str]) -> Output {
        self.qn_at(&self.exe, args)
    }

    fn qn_at(&self, exe: &Path, args: &[&str]) -> Output {
        let run = |args: &[&str]| {
            self.command(exe.as_os_str())
                .args(args)
                .output()
                .expect("the program runs under Wine")
        };
        let o = run(args);
        // qn-planner says why whenever it fails; a failure with nothing on either stream is
        // Wine's (once in CI its console pipe refused `init`'s one line of output, after the
        // project was written). Said, and run once more (`init` then with --force, since the
        // file was made).
        if !o.status.success() && o.stdout.is_empty() && o.stderr.is_empty() {
            eprintln!(
                "windows: {args:?} failed under Wine with no output ({:?}); run again",
                o.status
            );
            let mut again: Vec<&str> = args.to_vec();
            if args.first() == Some(&"init") && !args.contains(&"--force") {
                again.push("--force");
            }
            return run(&again);
        }
        o
    }

    fn wine_home(&self) -> PathBuf {
        self.prefix.join(format!("drive_c/users/{USER}"))
    }
}

/// Runs the Linux program with `args`.
fn linux(args: &[&str]) -> Output {
    common::qn(args)
}

fn ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what} failed ({:?}):\n{}",
        o.status,
        common::said(o)
    );
}

/// Prints one line of the Windows test script's report (shown with `--nocapture`, and in CI).
fn step(what: &str, started: Instant) {
    println!("windows: {what} ({:.2} s)", started.elapsed().as_secs_f64());
}

/// JSON equal up to `file` members and to 1e-7 relative in numbers (the platforms' maths
/// libraries may differ in the last digit).
fn same_json(a: &serde_json::Value, b: &serde_json::Value, at: &str) {
    use serde_json::Value as V;
    match (a, b) {
        (V::Object(x), V::Object(y)) => {
            let keys: Vec<_> = x.keys().filter(|k| *k != "file").collect();
            let other: Vec<_> = y.keys().filter(|k| *k != "file").collect();
            assert_eq!(keys, other, "{at}: members differ");
            for k in keys {
                same_json(&x[k], &y[k], &format!("{at}.{k}"));
            }
        }
        (V::Array(x), V::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: lengths differ");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                same_json(p, q, &format!("{at}[{i}]"));
            }
        }
        (V::Number(p), V::Number(q)) => {
            let (p, q) = (
                p.as_f64().unwrap_or(f64::NAN),
                q.as_f64().unwrap_or(f64::NAN),
            );
            assert!(
                (p - q).abs() <= 1e-7 * p.abs().max(1.0),
                "{at}: {p} on Windows, {q} on Linux"
            );
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

/// `text`, with what differs between any two runs masked: keys (UUIDs, also inside composite
/// keys) and times of writing.
fn masked(text: &str) -> String {
    let b = text.as_bytes();
    let time = b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b' ')
        && b[13] == b':';
    if time {
        return "<time>".into();
    }
    let is_uuid = |w: &[u8]| {
        w.len() == 36
            && w.iter().enumerate().all(|(i, c)| {
                if [8, 13, 18, 23].contains(&i) {
                    *c == b'-'
                } else {
                    c.is_ascii_hexdigit()
                }
            })
    };
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if i + 36 <= b.len() && is_uuid(&b[i..i + 36]) {
            out.push_str("<key>");
            i += 36;
        } else {
            // Not the start of a key: copy one character (UTF-8 kept whole).
            let ch = text[i..].chars().next().unwrap_or_default();
            out.push(ch);
            i += ch.len_utf8().max(1);
        }
    }
    out
}

/// Every row of `table` but its geometry, as text, in key order (keys and times masked).
fn rows(path: &Path, table: &str) -> Vec<Vec<String>> {
    let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the project opens");
    let geom: Option<String> = c
        .query_row(
            "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?1",
            [table],
            |r| r.get(0),
        )
        .ok();
    let mut st = c
        .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1"))
        .expect("the table reads");
    let names: Vec<String> = st.column_names().map(|s| s.to_string()).collect();
    let keep: Vec<usize> = (0..names.len())
        .filter(|&i| Some(&names[i]) != geom.as_ref())
        .collect();
    st.query_map([], |r| {
        Ok(keep
            .iter()
            .map(|&i| match r.get_ref(i) {
                Ok(rusqlite::types::ValueRef::Real(f)) => format!("{f:.9}"),
                Ok(rusqlite::types::ValueRef::Text(t)) => masked(&String::from_utf8_lossy(t)),
                Ok(v) => format!("{v:?}"),
                Err(e) => e.to_string(),
            })
            .collect())
    })
    .expect("rows read")
    .collect::<Result<_, _>>()
    .expect("rows read")
}

fn png_size(path: &Path) -> (u32, u32) {
    let p = tiny_skia::Pixmap::load_png(path)
        .unwrap_or_else(|e| panic!("{} is not a PNG: {e}", path.display()));
    (p.width(), p.height())
}

fn pdf_pages(path: &Path) -> String {
    let o = Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("pdfinfo runs (poppler-utils)");
    assert!(
        o.status.success(),
        "pdfinfo cannot open {}: {}",
        path.display(),
        common::said(&o)
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .unwrap_or_default()
        .to_string()
}

/// The office files of the test, in `dir`: a GeoJSON, and the Shapefile and DXF GDAL makes of
/// it (names and values in Vietnamese).
fn office_files(dir: &Path) -> [PathBuf; 3] {
    let geojson = dir.join("khu vực đề xuất.geojson");
    let feature = |name: &str, kind: &str, ha: f64, x: f64, y: f64| {
        serde_json::json!({
            "type": "Feature",
            "properties": {"ten": name, "loai": kind, "dien_tich": ha},
            "geometry": {"type": "Polygon", "coordinates": [[
                [x, y], [x + 0.02, y], [x + 0.02, y + 0.015], [x, y + 0.015], [x, y]
            ]]}
        })
    };
    let fc = serde_json::json!({
        "type": "FeatureCollection",
        "features": [
            feature("Cụm công nghiệp Đông Triều mở rộng", "cụm", 48.5, 106.55, 21.08),
            feature("Khu đất dự trữ Hoành Bồ", "dự trữ", 120.0, 107.05, 21.02),
            feature("Bãi cảng Cái Lân — giai đoạn 2", "cảng", 75.25, 107.06, 20.96),
        ]
    });
    std::fs::write(&geojson, fc.to_string()).expect("the GeoJSON is written");
    let shp = dir.join("thửa đất quy hoạch.shp");
    let dxf = dir.join("bản vẽ quy hoạch.dxf");
    for (out, args) in [
        (
            &shp,
            vec![
                "-f",
                "ESRI Shapefile",
                "-lco",
                "ENCODING=UTF-8",
                "-t_srs",
                "EPSG:5899",
            ],
        ),
        (&dxf, vec!["-f", "DXF", "-t_srs", "EPSG:5899"]),
    ] {
        let o = Command::new("ogr2ogr")
            .args(args)
            .arg(out)
            .arg(&geojson)
            .output()
            .expect("ogr2ogr runs (gdal-bin)");
        assert!(o.status.success(), "ogr2ogr: {}", common::said(&o));
    }
    [geojson, shp, dxf]
}

#[test]
#[ignore = "needs Wine and the Windows build"]
fn the_windows_program_does_what_the_linux_program_does_in_vietnamese_folders() {
    let Some((w, _turn)) = wine() else { return };
    let t = Instant::now();
    let lin = tempfile::tempdir().unwrap();
    let win_dir = w.work.join("so sánh");
    std::fs::create_dir_all(&win_dir).unwrap();
    let inputs = office_files(&win_dir);

    let o = w.qn(&["--version"]);
    ok(&o, "--version");
    let version = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert_eq!(
        version,
        String::from_utf8_lossy(&linux(&["--version"]).stdout).trim()
    );
    step(&format!("{version} starts"), t);

    let wp = win_dir.join("Quy hoạch Quảng Ninh.gpkg");
    let lp = lin.path().join("Quy hoạch Quảng Ninh.gpkg");
    let (wps, lps) = (w.win(&wp), lp.to_str().unwrap().to_string());
    let o = w.qn(&["init", &wps]);
    ok(&o, "init");
    assert!(
        common::said(&o).contains("Quy hoạch Quảng Ninh.gpkg"),
        "{}",
        common::said(&o)
    );
    ok(&linux(&["init", &lps]), "init (Linux)");
    step(
        "init in C:\\users\\Nguyễn Thị Lan\\Tài liệu\\Quy hoạch 2020\\so sánh",
        t,
    );

    for (input, name) in inputs.iter().zip(["khu_vuc", "thua_dat", "ban_ve"]) {
        let mut args = vec![
            "import".to_string(),
            wps.clone(),
            w.win(input),
            "--name".into(),
            name.into(),
        ];
        let mut largs = vec![
            "import".to_string(),
            lps.clone(),
            input.to_str().unwrap().to_string(),
            "--name".into(),
            name.into(),
        ];
        if input.extension() == Some(OsStr::new("dxf")) {
            for a in [&mut args, &mut largs] {
                a.extend(["--crs".to_string(), "EPSG:5899".to_string()]);
            }
        }
        let o = w.qn(&args.iter().map(String::as_str).collect::<Vec<_>>());
        ok(&o, &format!("import {}", input.display()));
        ok(
            &linux(&largs.iter().map(String::as_str).collect::<Vec<_>>()),
            "import (Linux)",
        );
        step(
            &format!(
                "import {}: {}",
                input.file_name().unwrap().to_string_lossy(),
                String::from_utf8_lossy(&o.stdout).trim()
            ),
            t,
        );
    }

    let o = w.qn(&["info", "--json", &wps]);
    ok(&o, "info");
    let wi: serde_json::Value = serde_json::from_slice(&o.stdout).expect("info --json is JSON");
    let li: serde_json::Value =
        serde_json::from_slice(&linux(&["info", "--json", &lps]).stdout).unwrap();
    same_json(&wi, &li, "info");
    assert_eq!(wi["file"].as_str(), Some(wps.as_str()));
    let tables: Vec<String> = wi["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["table"].as_str().unwrap().to_string())
        .collect();
    for t in &tables {
        assert_eq!(rows(&wp, t), rows(&lp, t), "table {t}");
    }
    for name in ["khu_vuc", "thua_dat", "ban_ve"] {
        let n = wi["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["table"].as_str().is_some_and(|t| t.contains(name)))
            .map(|l| l["count"].as_i64().unwrap_or(0));
        assert_eq!(n, Some(3), "{name} imported with its 3 features");
    }
    step(
        &format!(
            "info: {} layers, every row the same as on Linux",
            tables.len()
        ),
        t,
    );

    let (wpng, lpng) = (win_dir.join("Bản đồ.png"), lin.path().join("Bản đồ.png"));
    let (wpdf, lpdf) = (win_dir.join("Bản đồ.pdf"), lin.path().join("Bản đồ.pdf"));
    for (out, lout) in [(&wpng, &lpng), (&wpdf, &lpdf)] {
        let args = [
            "export",
            &wps,
            &w.win(out),
            "--title",
            "Quy hoạch công nghiệp",
        ];
        ok(&w.qn(&args), "export");
        let largs = [
            "export",
            &lps,
            lout.to_str().unwrap(),
            "--title",
            "Quy hoạch công nghiệp",
        ];
        ok(&linux(&largs), "export (Linux)");
    }
    assert_eq!(png_size(&wpng), png_size(&lpng));
    assert_eq!(pdf_pages(&wpdf), pdf_pages(&lpdf));
    let differing = {
        let a = tiny_skia::Pixmap::load_png(&wpng).unwrap();
        let b = tiny_skia::Pixmap::load_png(&lpng).unwrap();
        let n = a
            .pixels()
            .iter()
            .zip(b.pixels())
            .filter(|(p, q)| p != q)
            .count();
        n as f64 / a.pixels().len() as f64
    };
    assert!(
        differing < 0.01,
        "{:.2} % of the pixels differ",
        differing * 100.0
    );
    step(
        &format!(
            "export PNG {:?} ({:.3} % of pixels differ from Linux's), PDF {}",
            png_size(&wpng),
            differing * 100.0,
            pdf_pages(&wpdf)
        ),
        t,
    );

    let (wq, lq) = (
        win_dir.join("kiểu khu vực.qml"),
        lin.path().join("kiểu khu vực.qml"),
    );
    ok(
        &w.qn(&["style", &wps, "khu_vuc", "--to", &w.win(&wq)]),
        "style --to",
    );
    ok(
        &linux(&["style", &lps, "khu_vuc", "--to", lq.to_str().unwrap()]),
        "style --to (Linux)",
    );
    assert_eq!(
        std::fs::read_to_string(&wq).unwrap(),
        std::fs::read_to_string(&lq).unwrap()
    );
    ok(
        &w.qn(&["style", &wps, "thua_dat", "--from", &w.win(&wq)]),
        "style --from",
    );
    ok(
        &linux(&["style", &lps, "thua_dat", "--from", lq.to_str().unwrap()]),
        "style --from (Linux)",
    );
    let o = w.qn(&["style", &wps, "thua_dat"]);
    ok(&o, "style");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&linux(&["style", &lps, "thua_dat"]).stdout)
    );
    step(
        "style --to, --from: the same QML and description as on Linux",
        t,
    );
}

#[test]
#[ignore = "needs Wine and the Windows build"]
fn a_copy_on_windows_clones_and_syncs_over_tls() {
    let Some((w, _turn)) = wine() else { return };
    let Some(pg) = common::pg::tls_server() else {
        return;
    };
    let t = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin.gpkg");
    qn_planner::store::ProjectFile::create(&origin, false).unwrap();
    let base = format!("postgresql://qn@127.0.0.1:{}/plan", pg.port);
    let require = format!("{base}?sslmode=require");
    qn_planner::server::init(
        &require,
        &mut qn_planner::store::ProjectFile::open(&origin).unwrap(),
    )
    .unwrap();
    let cert = w.work.join("chứng chỉ máy chủ.crt");
    std::fs::copy(pg.certificate(), &cert).unwrap();
    let full = format!("{base}?sslmode=verify-full&sslrootcert={}", w.win(&cert));
    let copy = w.work.join("bản sao của Lan.gpkg");
    let o = w.qn(&["clone", &full, &w.win(&copy)]);
    ok(&o, "clone over TLS (verify-full)");
    step(
        "clone over TLS, the server's certificate checked (verify-full, sslrootcert)",
        t,
    );

    // A plain connection is refused by the TLS-only server, and said so.
    let o = w.qn(&["sync", &w.win(&copy), &format!("{base}?sslmode=disable")]);
    assert!(!o.status.success());
    common::assert_says(&o, "cannot connect");

    common::edit_site(&copy, "Hà Khánh", |s| s.jobs = Some(4321));
    let o = w.qn(&["sync", &w.win(&copy), &full]);
    ok(&o, "sync");
    let jobs = pg.jobs_of("Hà Khánh");
    assert_eq!(jobs, Some(4321));
    step("sync pushed an edit made on Windows", t);

    // Another laptop (Linux) changes a site; the Windows copy takes it.
    let other = dir.path().join("minh.gpkg");
    ok(
        &linux(&["clone", &require, other.to_str().unwrap()]),
        "clone (Linux)",
    );
    common::edit_site(&other, "Đông Mai", |s| s.jobs = Some(1234));
    ok(
        &linux(&["sync", other.to_str().unwrap(), &require]),
        "sync (Linux)",
    );
    ok(&w.qn(&["sync", &w.win(&copy), &full]), "sync (pull)");
    let p = qn_planner::store::ProjectFile::open(&copy)
        .unwrap()
        .read_project()
        .unwrap();
    let site = p.sites.iter().find(|s| s.name == "Đông Mai").unwrap();
    assert_eq!(site.jobs, Some(1234));
    step("sync pulled another laptop's edit", t);
}

/// Starts `hold.exe FILE MS` under Wine and waits until it holds the file.
fn hold(w: &Wine, file: &Path, ms: u32) -> Child {
    let exe = w.prefix.join("drive_c/hold.exe");
    if !exe.exists() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/windows/hold.c");
        mingw(&[
            OsStr::new("-O2"),
            OsStr::new("-municode"),
            OsStr::new("-o"),
            exe.as_os_str(),
            src.as_os_str(),
        ])
        .unwrap();
    }
    let mut child = w
        .command(exe.as_os_str())
        .arg(w.win(file))
        .arg(ms.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("hold.exe starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line.trim(),
        "held",
        "hold.exe could not hold {}",
        file.display()
    );
    child
}

#[test]
#[ignore = "needs Wine and the Windows build"]
fn a_file_another_windows_program_holds_is_waited_for_then_refused_clearly() {
    let Some((w, _turn)) = wine() else { return };
    let t = Instant::now();
    let dir = w.work.join("tệp bị giữ");
    std::fs::create_dir_all(&dir).unwrap();
    let project = dir.join("dự án.gpkg");
    ok(&w.qn(&["init", &w.win(&project)]), "init");
    let out = dir.join("Cụm đề xuất.csv");
    let write_csv = |w: &Wine| {
        w.qn(&[
            "export-layer",
            &w.win(&project),
            "proposed_clusters",
            &w.win(&out),
        ])
    };
    ok(&write_csv(w), "export-layer to CSV");
    let before = std::fs::read(&out).unwrap();

    // Excel holds the CSV (sharing nothing) for a minute: the replace waits, then says so;
    // the file is as it was and no part is left beside it.
    let mut excel = hold(w, &out, 60_000);
    let started = Instant::now();
    let o = write_csv(w);
    let waited = started.elapsed();
    let _ = excel.kill();
    let _ = excel.wait();
    assert!(!o.status.success(), "{}", common::said(&o));
    common::assert_says(&o, "Cụm đề xuất.csv");
    common::assert_says(&o, "open in another program");
    assert!(waited >= Duration::from_secs(3), "gave up after {waited:?}");
    assert_eq!(std::fs::read(&out).unwrap(), before);
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    step(
        &format!(
            "a CSV Excel holds: refused after {:.1} s, naming it, unchanged",
            waited.as_secs_f64()
        ),
        t,
    );

    // An antivirus holds the file for a second: the replace waits for it and succeeds.
    let mut scanner = hold(w, &out, 1_000);
    let o = write_csv(w);
    let _ = scanner.wait();
    ok(
        &o,
        "export-layer while an antivirus holds the file for a second",
    );
    step(
        "a file held for 1 s (an antivirus): replaced once let go",
        t,
    );

    // The export's atomic replace: the same over a PNG.
    let png = dir.join("bản đồ.png");
    ok(&w.qn(&["export", &w.win(&project), &w.win(&png)]), "export");
    let mut viewer = hold(w, &png, 60_000);
    let o = w.qn(&["export", &w.win(&project), &w.win(&png)]);
    let _ = viewer.kill();
    let _ = viewer.wait();
    assert!(!o.status.success());
    common::assert_says(&o, "bản đồ.png");
    step("a PNG an image viewer holds: refused, naming it", t);

    // A program holding the project itself (sharing nothing): said so, not "database error".
    let mut other = hold(w, &project, 60_000);
    let o = w.qn(&["info", &w.win(&project)]);
    let _ = other.kill();
    let _ = other.wait();
    assert!(!o.status.success());
    common::assert_says(&o, "locked by another program");
    step("a project another program holds: refused, said so", t);
}

#[test]
#[ignore = "needs Wine and the Windows build"]
fn a_path_longer_than_260_characters_works() {
    let Some((w, _turn)) = wine() else { return };
    let mut dir = w.work.join("đường dẫn dài");
    while w.win(&dir).chars().count() < 280 {
        dir = dir.join("Quy hoạch chi tiết cụm công nghiệp giai đoạn 2006–2015");
    }
    std::fs::create_dir_all(&dir).unwrap();
    let project = dir.join("Quy hoạch Quảng Ninh tầm nhìn 2020.gpkg");
    let wp = w.win(&project);
    assert!(wp.chars().count() > 260);
    let o = w.qn(&["init", &wp]);
    ok(&o, &format!("init at {} characters", wp.chars().count()));
    ok(&w.qn(&["info", &wp]), "info");
    let png = dir.join("Bản đồ quy hoạch.png");
    ok(&w.qn(&["export", &wp, &w.win(&png)]), "export");
    assert!(png.is_file());
    println!(
        "windows: a project at {} characters: init, info, export work",
        wp.chars().count()
    );
}

/// An X server of the test's own (`Xvfb -displayfd`), stopped when dropped.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb runs (apt-get install xvfb)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Xvfb {
            child,
            display: format!(":{}", line.trim()),
        }
    }

    fn screenshot(&self, to: &Path) {
        let o = Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .arg(to)
            .output()
            .expect("import runs (apt-get install imagemagick)");
        assert!(o.status.success(), "import: {}", common::said(&o));
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
