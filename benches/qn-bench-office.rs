//! Office-file import benchmark against GDAL's ogr2ogr, run from a release build under a
//! display (for the window's first frame):
//!
//! ```sh
//! xvfb-run -a cargo bench --bench qn-bench-office -- DIR [--polygons N] [--runs R]
//! ```
//!
//! Writes a deterministic Shapefile of N land parcels (default 1,000,000) over Quảng Ninh into
//! DIR, its six attributes in TCVN3 as the offices hold them (no `.cpg`), twice: in WGS 84
//! and in VN-2000 / TM-3 107°45′. Then, side by side (R times each, alternating, the median
//! kept): `ogr2ogr -f GPKG` against `qn-planner import` into a fresh seeded project — for the
//! TM-3 file ogr2ogr is given `-t_srs EPSG:4326` so that both tools do the same work
//! (qn-planner stores WGS 84). Prints wall time and peak memory (`/usr/bin/time`). Last, opens
//! the imported project in the window (`QN_PLANNER_TIMING=1`) and reports the time to the
//! first frame and the resident memory then (`/proc/PID/status`).

use qn_planner::io::crs::{Crs, Transformer};
use qn_planner::io::encoding::{Encoding, encode};
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

#[path = "common/args.rs"]
mod args;
use args::Args;
#[path = "common/data.rs"]
mod data;
use data::{Rng, parcel, texts};
#[path = "common/timing.rs"]
mod timing;
use timing::{median_run, timed_output};

/// (name, width) of the DBF's character fields, after the numeric `ma_thua` N(10).
const FIELDS: [(&str, usize); 5] = [
    ("ten", 24),
    ("huyen", 16),
    ("loai_dat", 28),
    ("chu_su_dung", 40),
    ("ghi_chu", 48),
];

/// Writes the parcels as a Shapefile in `crs` (WGS 84 or TM-3), text in TCVN3.
fn write_parcels(base: &Path, n: u64, crs: Crs) -> Result<(), String> {
    let t = Transformer::new(crs).map_err(|e| e.to_string())?;
    let io = |e: std::io::Error| format!("{}: {e}", base.display());
    let mut shp = BufWriter::new(std::fs::File::create(base.with_extension("shp")).map_err(io)?);
    let mut shx = BufWriter::new(std::fs::File::create(base.with_extension("shx")).map_err(io)?);
    let mut dbf = BufWriter::new(std::fs::File::create(base.with_extension("dbf")).map_err(io)?);
    let record_words: u32 = (4 + 32 + 4 + 4 + 4 + 5 * 16) / 2;
    let shp_words = 50 + u64::from(4 + record_words) * n;
    let shx_words = 50 + 4 * n;
    let header = |words: u64, bbox: [f64; 4]| -> Vec<u8> {
        let mut h = Vec::with_capacity(100);
        h.extend_from_slice(&9994i32.to_be_bytes());
        h.extend_from_slice(&[0; 20]);
        h.extend_from_slice(&(words as u32).to_be_bytes());
        h.extend_from_slice(&1000i32.to_le_bytes());
        h.extend_from_slice(&5i32.to_le_bytes());
        for v in bbox {
            h.extend_from_slice(&v.to_le_bytes());
        }
        h.extend_from_slice(&[0; 32]);
        h
    };
    let (a, b) = (
        t.from_wgs84(106.45, 20.85).map_err(|e| e.to_string())?,
        t.from_wgs84(108.06, 21.61).map_err(|e| e.to_string())?,
    );
    let bbox = [a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1)];
    shp.write_all(&header(shp_words, bbox)).map_err(io)?;
    shx.write_all(&header(shx_words, bbox)).map_err(io)?;
    // DBF header.
    let record_len: usize = 1 + 10 + FIELDS.iter().map(|f| f.1).sum::<usize>();
    let mut h = vec![0x03, 126, 12, 3];
    h.extend_from_slice(&(n as u32).to_le_bytes());
    h.extend_from_slice(&((32 + 32 * 6 + 1) as u16).to_le_bytes());
    h.extend_from_slice(&(record_len as u16).to_le_bytes());
    h.extend_from_slice(&[0; 20]);
    let mut field = |name: &str, kind: u8, len: usize| {
        let mut f = [0u8; 32];
        f[..name.len()].copy_from_slice(name.as_bytes());
        f[11] = kind;
        f[16] = len as u8;
        h.extend_from_slice(&f);
    };
    field("ma_thua", b'N', 10);
    for (name, len) in FIELDS {
        field(name, b'C', len);
    }
    h.push(0x0D);
    dbf.write_all(&h).map_err(io)?;
    let mut r = Rng(2007);
    let mut rec = Vec::with_capacity(record_len);
    for i in 0..n {
        // The parcels of the GeoJSON benchmark; clockwise, as ESRI's outer rings are.
        let mut ring = parcel(&mut r);
        ring.reverse();
        let mut pts = [(0.0, 0.0); 5];
        for (p, (u, v)) in pts.iter_mut().zip(ring) {
            *p = t.from_wgs84(u, v).map_err(|e| e.to_string())?;
        }
        let offset = 50 + u64::from(4 + record_words) * i;
        shx.write_all(&(offset as u32).to_be_bytes()).map_err(io)?;
        shx.write_all(&record_words.to_be_bytes()).map_err(io)?;
        shp.write_all(&(i as u32 + 1).to_be_bytes()).map_err(io)?;
        shp.write_all(&record_words.to_be_bytes()).map_err(io)?;
        shp.write_all(&5u32.to_le_bytes()).map_err(io)?;
        let xs = pts.iter().map(|p| p.0);
        let ys = pts.iter().map(|p| p.1);
        for v in [
            xs.clone().fold(f64::MAX, f64::min),
            ys.clone().fold(f64::MAX, f64::min),
            xs.fold(f64::MIN, f64::max),
            ys.fold(f64::MIN, f64::max),
        ] {
            shp.write_all(&v.to_le_bytes()).map_err(io)?;
        }
        shp.write_all(&1u32.to_le_bytes()).map_err(io)?;
        shp.write_all(&5u32.to_le_bytes()).map_err(io)?;
        shp.write_all(&0u32.to_le_bytes()).map_err(io)?;
        for (u, v) in pts {
            shp.write_all(&u.to_le_bytes()).map_err(io)?;
            shp.write_all(&v.to_le_bytes()).map_err(io)?;
        }
        rec.clear();
        rec.push(b' ');
        rec.extend_from_slice(format!("{:>10}", i + 1).as_bytes());
        let values = texts(&mut r, i + 1);
        for (v, (_, len)) in values.iter().zip(FIELDS) {
            let mut b = encode(v, Encoding::Tcvn3).ok_or("a name TCVN3 cannot hold")?;
            b.resize(len, b' ');
            rec.extend_from_slice(&b);
        }
        dbf.write_all(&rec).map_err(io)?;
    }
    dbf.write_all(&[0x1A]).map_err(io)?;
    for w in [&mut shp, &mut shx, &mut dbf] {
        w.flush().map_err(io)?;
    }
    std::fs::write(
        base.with_extension("prj"),
        qn_planner::io::shapefile_out::esri_wkt(crs),
    )
    .map_err(io)?;
    Ok(())
}

/// Opens `project` in the window: (ms to the first frame, resident MB then, peak MB then).
fn first_frame(qn: &str, project: &Path) -> Result<(u64, f64, f64), String> {
    let mut child = Command::new(qn)
        .arg(project)
        .env("QN_PLANNER_TIMING", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{qn}: {e}"))?;
    let pid = child.id();
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let mut ms = None;
    for line in std::io::BufReader::new(stderr).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if let Some(rest) = line.strip_prefix("qn-planner: first frame after ") {
            ms = rest.trim_end_matches(" ms").parse::<u64>().ok();
            break;
        }
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb = |key: &str| -> f64 {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let (rss, hwm) = (kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0);
    let _ = child.kill();
    let _ = child.wait();
    Ok((
        ms.ok_or("the window never reported its first frame (no display?)")?,
        rss,
        hwm,
    ))
}

fn run() -> Result<(), String> {
    let args = Args::parse(
        "qn-bench-office DIR [--polygons N] [--runs R]",
        &["--polygons", "--runs"],
    )?;
    let (dir, qn) = (args.dir.clone(), args.qn.clone());
    let (polygons, runs) = (
        args.num("--polygons", 1_000_000),
        args.num("--runs", 1).max(1),
    );
    let s = |p: &Path| p.to_string_lossy().into_owned();
    println!(
        "| input | polygons | MB | ogr2ogr s | ogr2ogr MB | qn-planner s | qn-planner MB | time ratio | memory ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut last_project = None;
    for (label, crs) in [("WGS 84", Crs::Wgs84), ("VN-2000 TM-3", Crs::Vn2000Tm3)] {
        let base = dir.join(format!(
            "thua_dat_{polygons}_{}",
            if crs == Crs::Wgs84 { "wgs84" } else { "tm3" }
        ));
        let shp = base.with_extension("shp");
        if !shp.exists() {
            write_parcels(&base, polygons, crs)?;
        }
        let mb: f64 = ["shp", "shx", "dbf"]
            .iter()
            .map(|e| {
                std::fs::metadata(base.with_extension(e))
                    .map(|m| m.len())
                    .unwrap_or(0)
            })
            .sum::<u64>() as f64
            / 1e6;
        let gdal_out = base.with_extension("ogr2ogr.gpkg");
        let project = base.with_extension("qn.gpkg");
        let (mut g, mut q) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let _ = std::fs::remove_file(&gdal_out);
            let mut gargs = vec!["ogr2ogr", "-f", "GPKG"];
            if crs != Crs::Wgs84 {
                gargs.extend(["-t_srs", "EPSG:4326"]);
            }
            let (go, si) = (s(&gdal_out), s(&shp));
            gargs.extend([go.as_str(), si.as_str()]);
            let (gs, gm, _) = timed_output(&gargs)?;
            g.push((gs, gm));
            let _ = std::fs::remove_file(&project);
            let st = Command::new(&qn)
                .args(["init", &s(&project)])
                .output()
                .map_err(|e| format!("{qn}: {e}"))?;
            if !st.status.success() {
                return Err(String::from_utf8_lossy(&st.stderr).into_owned());
            }
            let (qs, qm, said) = timed_output(&[&qn, "import", &s(&project), &s(&shp)])?;
            if !said.contains(&format!("imported {polygons} features")) || !said.contains("TCVN3") {
                return Err(format!("qn-planner import said: {said}"));
            }
            q.push((qs, qm));
        }
        let ((gs, gm), (qs, qm)) = (median_run(&mut g), median_run(&mut q));
        println!(
            "| {label} | {polygons} | {mb:.0} | {gs:.2} | {gm:.0} | {qs:.2} | {qm:.0} | {:.2} | {:.2} |",
            qs / gs,
            qm / gm
        );
        last_project = Some(project);
    }
    if let Some(project) = last_project {
        let mut frames = Vec::new();
        for _ in 0..3 {
            frames.push(first_frame(&qn, &project)?);
        }
        frames.sort_by_key(|f| f.0);
        let (ms, rss, hwm) = frames[1];
        println!();
        println!(
            "window on the imported project: first frame {ms} ms (median of 3; all: {:?} ms), resident {rss:.0} MB, peak {hwm:.0} MB",
            frames.iter().map(|f| f.0).collect::<Vec<_>>()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qn-bench-office: {e}");
            ExitCode::FAILURE
        }
    }
}
