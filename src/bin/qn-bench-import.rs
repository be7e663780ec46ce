//! Import benchmark against GDAL's ogr2ogr, run from a release build:
//!
//! ```sh
//! cargo build --release
//! target/release/qn-bench-import DIR [--polygons N] [--points M] [--runs R]
//! ```
//!
//! Writes deterministic test data into DIR (N small polygons and M points scattered over
//! Quảng Ninh, five Vietnamese-text attributes each; defaults 200,000 and 1,000,000), then
//! imports each file with `ogr2ogr -f GPKG` and with `qn-planner import` into a fresh seeded
//! project, side by side (R times each, alternating; the median run is kept), and prints
//! wall time and peak memory (from `/usr/bin/time`).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// A small deterministic generator (SplitMix64), so every run writes the same files.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const DISTRICTS: [&str; 14] = [
    "Hạ Long",
    "Cẩm Phả",
    "Uông Bí",
    "Móng Cái",
    "Đông Triều",
    "Quảng Yên",
    "Vân Đồn",
    "Tiên Yên",
    "Đầm Hà",
    "Hải Hà",
    "Bình Liêu",
    "Ba Chẽ",
    "Cô Tô",
    "Hoành Bồ",
];
const LAND: [&str; 6] = [
    "Đất ở đô thị",
    "Đất nông nghiệp",
    "Đất khu công nghiệp",
    "Đất rừng sản xuất",
    "Đất nuôi trồng thủy sản",
    "Đất cụm công nghiệp",
];
const OWNERS: [&str; 5] = [
    "Công ty TNHH Hải Đăng",
    "Hộ gia đình ông Nguyễn Văn Thắng",
    "UBND xã Quảng Đức",
    "Tổng công ty Than Việt Nam",
    "Hợp tác xã Đồng Tiến",
];
const NOTES: [&str; 4] = [
    "Đã đo đạc năm 2023",
    "Chưa cấp giấy chứng nhận",
    "Ranh giới theo bản đồ địa chính tỷ lệ 1:2000",
    "Đang tranh chấp, chờ hòa giải",
];

/// A position on land-ish ground inside the province's box.
fn position(r: &mut Rng) -> (f64, f64) {
    (106.45 + r.unit() * 1.6, 20.85 + r.unit() * 0.75)
}

fn properties(r: &mut Rng, i: u64) -> String {
    let s = |v: &str| serde_json::Value::String(v.to_string()).to_string();
    format!(
        r#"{{"ma_thua":{},"ten":{},"huyen":{},"loai_dat":{},"chu_su_dung":{},"ghi_chu":{}}}"#,
        i,
        s(&format!("Thửa số {i}")),
        s(r.pick(&DISTRICTS)),
        s(r.pick(&LAND)),
        s(r.pick(&OWNERS)),
        s(r.pick(&NOTES))
    )
}

fn write_polygons(path: &Path, n: u64) -> std::io::Result<()> {
    let mut r = Rng(2007);
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for i in 0..n {
        let (x, y) = position(&mut r);
        // A parcel of 20–200 m a side, slightly skewed, counter-clockwise.
        let a = (0.0002 + r.unit() * 0.0018, 0.0002 + r.unit() * 0.0018);
        let k = r.unit() * 0.0002;
        let ring = [
            (x, y),
            (x + a.0, y + k),
            (x + a.0 + k, y + a.1),
            (x, y + a.1),
            (x, y),
        ];
        let coords: Vec<String> = ring
            .iter()
            .map(|(u, v)| format!("[{u:.7},{v:.7}]"))
            .collect();
        if i > 0 {
            w.write_all(b",\n")?;
        }
        write!(
            w,
            r#"{{"type":"Feature","properties":{},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
            properties(&mut r, i + 1),
            coords.join(",")
        )?;
    }
    w.write_all(b"\n]}\n")?;
    w.flush()
}

fn write_points(path: &Path, n: u64) -> std::io::Result<()> {
    let mut r = Rng(2020);
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for i in 0..n {
        let (x, y) = position(&mut r);
        if i > 0 {
            w.write_all(b",\n")?;
        }
        write!(
            w,
            r#"{{"type":"Feature","properties":{},"geometry":{{"type":"Point","coordinates":[{x:.7},{y:.7}]}}}}"#,
            properties(&mut r, i + 1)
        )?;
    }
    w.write_all(b"\n]}\n")?;
    w.flush()
}

/// Runs `cmd` under `/usr/bin/time`; returns (wall seconds, peak RSS in MB).
fn timed(args: &[&str]) -> Result<(f64, f64), String> {
    timed_output(args).map(|(s, m, _)| (s, m))
}

/// As [`timed`], with what the command printed on stdout.
fn timed_output(args: &[&str]) -> Result<(f64, f64, String), String> {
    // Start each run with nothing left to write back from the previous one, so that neither
    // tool waits on the other's flush.
    let _ = Command::new("sync").status();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("QNTIME %e %M")
        .args(args)
        .output()
        .map_err(|e| format!("/usr/bin/time: {e}"))?;
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{} failed: {err}", args.join(" ")));
    }
    let line = err
        .lines()
        .find(|l| l.starts_with("QNTIME "))
        .ok_or_else(|| format!("no timing in {err}"))?;
    let mut it = line.split_whitespace().skip(1);
    let secs: f64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    let kb: f64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    Ok((
        secs,
        kb / 1024.0,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut dir: Option<PathBuf> = None;
    let mut polygons = 200_000u64;
    let mut points = 1_000_000u64;
    let mut runs = 1u64;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = || -> Result<u64, String> {
            it.next()
                .and_then(|v| v.replace('_', "").parse().ok())
                .ok_or_else(|| format!("{a} needs a number"))
        };
        match a.as_str() {
            "--polygons" => polygons = num()?,
            "--points" => points = num()?,
            "--runs" => runs = num()?.max(1),
            d if !d.starts_with("--") => dir = Some(PathBuf::from(d)),
            other => return Err(format!("unknown option {other}")),
        }
    }
    let dir = dir.ok_or("usage: qn-bench-import DIR [--polygons N] [--points M] [--runs R]")?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let qn = exe.with_file_name("qn-planner");
    let qn = qn.to_string_lossy().into_owned();
    let s = |p: &Path| p.to_string_lossy().into_owned();
    println!(
        "| input | features | MB | ogr2ogr s | ogr2ogr MB | qn-planner s | qn-planner MB | time ratio | memory ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, n) in [("polygons", polygons), ("points", points)] {
        if n == 0 {
            continue;
        }
        let input = dir.join(format!("{name}_{n}.geojson"));
        if !input.exists() {
            let r = if name == "polygons" {
                write_polygons(&input, n)
            } else {
                write_points(&input, n)
            };
            r.map_err(|e| format!("{}: {e}", input.display()))?;
        }
        let mb = std::fs::metadata(&input).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
        let gdal_out = dir.join(format!("{name}_ogr2ogr.gpkg"));
        let project = dir.join(format!("{name}_qn.gpkg"));
        let (mut g, mut q) = (Vec::new(), Vec::new());
        // Alternate the two tools, each on a fresh output, and keep the median run.
        for _ in 0..runs {
            let _ = std::fs::remove_file(&gdal_out);
            g.push(timed(&[
                "ogr2ogr",
                "-f",
                "GPKG",
                &s(&gdal_out),
                &s(&input),
            ])?);
            let _ = std::fs::remove_file(&project);
            let st = Command::new(&qn)
                .args(["init", &s(&project)])
                .output()
                .map_err(|e| format!("{qn}: {e}"))?;
            if !st.status.success() {
                return Err(String::from_utf8_lossy(&st.stderr).into_owned());
            }
            let (secs, mb, said) = timed_output(&[
                &qn,
                "import",
                &s(&project),
                &s(&input),
                "--crs",
                "EPSG:4326",
            ])?;
            if !said.contains(&format!("imported {n} features")) {
                return Err(format!(
                    "qn-planner import did not import {n} features: {said}"
                ));
            }
            q.push((secs, mb));
        }
        let median = |v: &mut Vec<(f64, f64)>| {
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            v[v.len() / 2]
        };
        let ((gs, gm), (qs, qm)) = (median(&mut g), median(&mut q));
        println!(
            "| {name} | {n} | {mb:.0} | {gs:.2} | {gm:.0} | {qs:.2} | {qm:.0} | {:.2} | {:.2} |",
            qs / gs,
            qm / gm
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qn-bench-import: {e}");
            ExitCode::FAILURE
        }
    }
}
