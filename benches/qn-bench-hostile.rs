//! Hostile inputs, timed (issue 30 §7): a DXF of N nested squares with their labels at one
//! point (and, harder, each at its own point inside the innermost square), read by qn-planner's
//! DXF reader; and a zip bomb (a Shapefile whose .dbf unpacks to `--bomb-mb` MB of nothing)
//! refused by `qn-planner import`, with its peak memory (`/usr/bin/time`).
//!
//! ```sh
//! cargo bench --bench qn-bench-hostile -- /tmp/hostile --squares 20000 --bomb-mb 5120
//! ```

#[path = "common/args.rs"]
mod args;

use qn_planner::io::office::OfficeReader;
use std::io::Write;
use std::time::Instant;

fn nested_squares(n: u64, one_point: bool) -> String {
    let mut s = String::from("0\nSECTION\n2\nENTITIES\n");
    let (cx, cy) = (430_000.0f64, 2_317_000.0f64);
    for i in 0..n {
        let r = 1.0 + i as f64;
        s.push_str("0\nLWPOLYLINE\n8\nTHUA\n90\n4\n70\n1\n");
        for (x, y) in [
            (cx - r, cy - r),
            (cx + r, cy - r),
            (cx + r, cy + r),
            (cx - r, cy + r),
        ] {
            s.push_str(&format!("10\n{x}\n20\n{y}\n"));
        }
    }
    for i in 0..n {
        // Inside the innermost square (half-width 1 m) either way.
        let (x, y) = if one_point {
            (cx, cy)
        } else {
            (cx - 0.5 + (i as f64) / (n as f64), cy + 0.25)
        };
        s.push_str(&format!(
            "0\nTEXT\n8\nSO_THUA\n10\n{x}\n20\n{y}\n40\n1\n1\nThửa {i}\n"
        ));
    }
    s.push_str("0\nENDSEC\n0\nEOF\n");
    s
}

fn read_dxf(path: &std::path::Path) -> Result<(usize, usize), String> {
    let mut r = qn_planner::io::dxf::DxfIn::open(path, None).map_err(|e| e.to_string())?;
    let (mut features, mut labelled) = (0, 0);
    while let Some(f) = r.next_feature().map_err(|e| e.to_string())? {
        features += 1;
        if f.attrs
            .iter()
            .any(|(k, v)| k == "label" && !matches!(v, qn_planner::io::import::Value::Null))
        {
            labelled += 1;
        }
    }
    Ok((features, labelled))
}

fn main() {
    if let Err(e) = run() {
        eprintln!("qn-bench-hostile: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let a = args::Args::parse(
        "qn-bench-hostile DIR [--squares N] [--bomb-mb MB]",
        &["--squares", "--bomb-mb"],
    )?;
    let n = a.num("--squares", 20_000);
    for one_point in [true, false] {
        let path = a.dir.join(format!("nested-{n}-{one_point}.dxf"));
        std::fs::write(&path, nested_squares(n, one_point)).map_err(|e| e.to_string())?;
        let t = Instant::now();
        let (features, labelled) = read_dxf(&path)?;
        println!(
            "DXF, {n} nested squares, labels {}: read in {:.2} s ({features} features, {labelled} labelled)",
            if one_point {
                "at one point"
            } else {
                "each at its own point"
            },
            t.elapsed().as_secs_f64()
        );
    }
    let mb = a.num("--bomb-mb", 0);
    if mb > 0 {
        let zip_path = a.dir.join("bom.zip");
        let file = std::fs::File::create(&zip_path).map_err(|e| e.to_string())?;
        let mut z = zip::ZipWriter::new(file);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        let chunk = vec![0u8; 1 << 20];
        for (name, size) in [("thua.shp", 0), ("thua.shx", 0), ("thua.dbf", mb << 20)] {
            z.start_file(name, o).map_err(|e| e.to_string())?;
            let mut left = size;
            while left > 0 {
                let k = left.min(chunk.len() as u64) as usize;
                z.write_all(&chunk[..k]).map_err(|e| e.to_string())?;
                left -= k as u64;
            }
        }
        z.finish().map_err(|e| e.to_string())?;
        let zip_mb = std::fs::metadata(&zip_path)
            .map_err(|e| e.to_string())?
            .len() as f64
            / 1e6;
        let project = a.dir.join("bom.gpkg");
        let _ = std::fs::remove_file(&project);
        let init = std::process::Command::new(&a.qn)
            .arg("init")
            .arg(&project)
            .output()
            .map_err(|e| e.to_string())?;
        if !init.status.success() {
            return Err(String::from_utf8_lossy(&init.stderr).into_owned());
        }
        let out = std::process::Command::new("/usr/bin/time")
            .args(["-f", "%e s, %M KB peak"])
            .arg(&a.qn)
            .arg("import")
            .arg(&project)
            .arg(&zip_path)
            .output()
            .map_err(|e| format!("/usr/bin/time: {e}"))?;
        let said = String::from_utf8_lossy(&out.stderr);
        println!(
            "zip bomb: a {zip_mb:.1} MB .zip whose .dbf unpacks to {mb} MB, import exit {:?}:\n{said}",
            out.status.code()
        );
    }
    Ok(())
}
