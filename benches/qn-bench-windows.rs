//! The Windows build under Wine beside the Linux build, on the same machine and files, run
//! from a release build under a display:
//!
//! ```sh
//! bash .ci/windows/build
//! QN_PLANNER_WINDOWS_EXE=target/windows/dist/qn-planner.exe \
//!   xvfb-run -a cargo bench --bench qn-bench-windows -- DIR [--polygons N] [--runs R]
//! ```
//!
//! Makes a project holding N reference polygons (the parcels of `qn-bench-import`, default
//! 200,000), then R times each (default 3), alternating, the medians kept: `export` of an A4
//! landscape page to PNG (300 dpi) and to PDF, by `qn-planner` and by `qn-planner.exe` under
//! Wine (wall time of the whole command, Wine's start included); and the window on that
//! project: wall time from the start of the process to the first frame it reports
//! (`QN_PLANNER_TIMING`), and the time the program itself counts from its `main`. Wine gets a
//! prefix of its own in DIR, and the test-only `ProcessPrng` stand-in (tests/windows).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

#[path = "common/args.rs"]
mod args;
#[path = "common/data.rs"]
mod data;
use args::Args;

const WINE: &str = "/usr/lib/wine/wine64";

fn wine(prefix: &Path, program: &Path) -> Command {
    let mut c = Command::new(WINE);
    c.arg(program)
        .env("WINEPREFIX", prefix)
        .env("WINEDEBUG", "-all")
        .env(
            "WINEDLLOVERRIDES",
            "winemenubuilder.exe=d;mscoree=d;mshtml=d;bcryptprimitives=n,b",
        )
        .env("LC_ALL", "C.UTF-8");
    c
}

fn win(p: &Path) -> String {
    format!("Z:{}", p.display()).replace('/', "\\")
}

fn run_ok(mut c: Command, what: &str) -> Result<f64, String> {
    let t = Instant::now();
    let out = c.output().map_err(|e| format!("{what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(t.elapsed().as_secs_f64())
}

/// Starts the window and waits for its first frame: (wall seconds from the start of the
/// process, milliseconds the program counted itself).
fn first_frame(mut c: Command) -> Result<(f64, u64), String> {
    let t = Instant::now();
    let mut child = c
        .env("QN_PLANNER_TIMING", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let found = loop {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => {
                if let Some(ms) = line
                    .strip_prefix("qn-planner: first frame after ")
                    .and_then(|r| r.split_whitespace().next())
                    .and_then(|n| n.parse::<u64>().ok())
                {
                    break Ok((t.elapsed().as_secs_f64(), ms));
                }
            }
            Err(_) => break Err("no first frame within 2 minutes".to_string()),
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    found
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn run() -> Result<(), String> {
    let args = Args::parse(
        "qn-bench-windows DIR [--polygons N] [--runs R]",
        &["--polygons", "--runs"],
    )?;
    let exe_built = std::env::var_os("QN_PLANNER_WINDOWS_EXE")
        .map(PathBuf::from)
        .ok_or("set QN_PLANNER_WINDOWS_EXE to the built qn-planner.exe (.ci/windows/build)")?;
    let (dir, qn) = (args.dir.clone(), args.qn.clone());
    let polygons = args.num("--polygons", 200_000);
    let runs = args.num("--runs", 3).max(1);
    let s = |p: &Path| p.to_string_lossy().into_owned();

    // Wine: a prefix, the program and the ProcessPrng stand-in.
    let prefix = dir.join("wineprefix");
    let bin = dir.join("windows");
    std::fs::create_dir_all(&bin).map_err(|e| e.to_string())?;
    let exe = bin.join("qn-planner.exe");
    std::fs::copy(&exe_built, &exe).map_err(|e| format!("{}: {e}", exe_built.display()))?;
    let shim_src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/windows/processprng.c");
    let st = Command::new("x86_64-w64-mingw32-gcc")
        .args(["-O2", "-shared", "-o"])
        .arg(bin.join("bcryptprimitives.dll"))
        .arg(&shim_src)
        .arg("-ladvapi32")
        .status()
        .map_err(|e| format!("x86_64-w64-mingw32-gcc: {e}"))?;
    if !st.success() {
        return Err("the ProcessPrng stand-in did not build".into());
    }
    run_ok(wine(&prefix, Path::new("wineboot")), "wineboot")?;

    let input = dir.join(format!("polygons_{polygons}.geojson"));
    if !input.exists() {
        data::write_polygons(&input, polygons).map_err(|e| format!("{}: {e}", input.display()))?;
    }
    let project = dir.join(format!("windows_{polygons}.gpkg"));
    let _ = std::fs::remove_file(&project);
    let mut c = Command::new(&qn);
    c.args(["init", &s(&project)]);
    run_ok(c, "init")?;
    let mut c = Command::new(&qn);
    c.args(["import", &s(&project), &s(&input), "--crs", "EPSG:4326"]);
    c.args(["--layer", "Thửa đất"]);
    run_ok(c, "import")?;

    let (png, pdf) = (dir.join("linux.png"), dir.join("linux.pdf"));
    let (wpng, wpdf) = (dir.join("wine.png"), dir.join("wine.pdf"));
    let mut t: [Vec<f64>; 4] = Default::default();
    for _ in 0..runs {
        let mut c = Command::new(&qn);
        c.args(["export", &s(&project), &s(&png), "--dpi", "300"]);
        t[0].push(run_ok(c, "export PNG")?);
        let mut c = wine(&prefix, &exe);
        c.args(["export", &win(&project), &win(&wpng), "--dpi", "300"]);
        t[1].push(run_ok(c, "export PNG (Wine)")?);
        let mut c = Command::new(&qn);
        c.args(["export", &s(&project), &s(&pdf)]);
        t[2].push(run_ok(c, "export PDF")?);
        let mut c = wine(&prefix, &exe);
        c.args(["export", &win(&project), &win(&wpdf)]);
        t[3].push(run_ok(c, "export PDF (Wine)")?);
    }
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    println!("A4 landscape, {polygons} polygons, median of {runs}:");
    println!("| | Linux | Windows under Wine | ratio |");
    println!("|---|---|---|---|");
    let [lp, wp, ld, wd] = &mut t;
    let (lp, wp, ld, wd) = (median(lp), median(wp), median(ld), median(wd));
    println!("| PNG 300 dpi | {lp:.2} s | {wp:.2} s | {:.2} |", wp / lp);
    println!("| PDF | {ld:.2} s | {wd:.2} s | {:.2} |", wd / ld);
    println!(
        "| sizes | PNG {} / PDF {} bytes | PNG {} / PDF {} bytes | |",
        size(&png),
        size(&pdf),
        size(&wpng),
        size(&wpdf)
    );

    let mut frames: [Vec<f64>; 4] = Default::default();
    for _ in 0..runs {
        let mut c = Command::new(&qn);
        c.arg(s(&project))
            .env("QN_PLANNER_HOME", dir.join("home-linux"));
        let (wall, ms) = first_frame(c)?;
        frames[0].push(wall);
        frames[1].push(ms as f64 / 1000.0);
        let mut c = wine(&prefix, &exe);
        c.arg(win(&project))
            .env("QN_PLANNER_HOME", win(&dir.join("home-wine")));
        let (wall, ms) = first_frame(c)?;
        frames[2].push(wall);
        frames[3].push(ms as f64 / 1000.0);
    }
    let [a, b, c, d] = &mut frames;
    println!(
        "| window, start to first frame (wall / counted from main) | {:.2} s / {:.2} s | {:.2} s / {:.2} s | {:.2} |",
        median(a),
        median(b),
        median(c),
        median(d),
        median(c) / median(a)
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qn-bench-windows: {e}");
            ExitCode::FAILURE
        }
    }
}
