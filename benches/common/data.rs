//! Deterministic test data for the benchmarks: small land parcels (polygons) and points
//! scattered over Quảng Ninh, each with five Vietnamese-text attributes, as GeoJSON (the
//! office benchmark writes the same parcels as a Shapefile).
// Each benchmark uses its part of it.
#![allow(dead_code)]

use std::io::{BufWriter, Write};
use std::path::Path;

/// A small deterministic generator (SplitMix64), so every run writes the same files.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

pub const DISTRICTS: [&str; 14] = [
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
pub const LAND: [&str; 6] = [
    "Đất ở đô thị",
    "Đất nông nghiệp",
    "Đất khu công nghiệp",
    "Đất rừng sản xuất",
    "Đất nuôi trồng thủy sản",
    "Đất cụm công nghiệp",
];
pub const OWNERS: [&str; 5] = [
    "Công ty TNHH Hải Đăng",
    "Hộ gia đình ông Nguyễn Văn Thắng",
    "UBND xã Quảng Đức",
    "Tổng công ty Than Việt Nam",
    "Hợp tác xã Đồng Tiến",
];
pub const NOTES: [&str; 4] = [
    "Đã đo đạc năm 2023",
    "Chưa cấp giấy chứng nhận",
    "Ranh giới theo bản đồ địa chính tỷ lệ 1:2000",
    "Đang tranh chấp, chờ hòa giải",
];

/// A position on land-ish ground inside the province's box.
fn position(r: &mut Rng) -> (f64, f64) {
    (106.45 + r.unit() * 1.6, 20.85 + r.unit() * 0.75)
}

/// The five text attributes of parcel `i`: name, district, land use, holder, note.
pub fn texts(r: &mut Rng, i: u64) -> [String; 5] {
    [
        format!("Thửa số {i}"),
        r.pick(&DISTRICTS).to_string(),
        r.pick(&LAND).to_string(),
        r.pick(&OWNERS).to_string(),
        r.pick(&NOTES).to_string(),
    ]
}

fn properties(r: &mut Rng, i: u64) -> String {
    let s = |v: &str| serde_json::Value::String(v.to_string()).to_string();
    let [ten, huyen, loai_dat, chu, ghi_chu] = texts(r, i);
    format!(
        r#"{{"ma_thua":{},"ten":{},"huyen":{},"loai_dat":{},"chu_su_dung":{},"ghi_chu":{}}}"#,
        i,
        s(&ten),
        s(&huyen),
        s(&loai_dat),
        s(&chu),
        s(&ghi_chu)
    )
}

/// A parcel of 20–200 m a side, slightly skewed: its closed ring, counter-clockwise.
pub fn parcel(r: &mut Rng) -> [(f64, f64); 5] {
    let (x, y) = position(r);
    let a = (0.0002 + r.unit() * 0.0018, 0.0002 + r.unit() * 0.0018);
    let k = r.unit() * 0.0002;
    [
        (x, y),
        (x + a.0, y + k),
        (x + a.0 + k, y + a.1),
        (x, y + a.1),
        (x, y),
    ]
}

pub fn write_polygons(path: &Path, n: u64) -> std::io::Result<()> {
    let mut r = Rng(2007);
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for i in 0..n {
        let ring = parcel(&mut r);
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

pub fn write_points(path: &Path, n: u64) -> std::io::Result<()> {
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

/// A new project at `project` (`qn-planner init`) with the parcels of `input` imported as the
/// reference layer "Thửa đất" (`qn-planner import`), through the `qn` program.
pub fn project_with_parcels(qn: &str, project: &Path, input: &Path) -> Result<(), String> {
    let s = |p: &Path| p.to_string_lossy().into_owned();
    let _ = std::fs::remove_file(project);
    for args in [
        vec!["init".to_string(), s(project)],
        vec![
            "import".into(),
            s(project),
            s(input),
            "--crs".into(),
            "EPSG:4326".into(),
            "--layer".into(),
            "Thửa đất".into(),
        ],
    ] {
        let out = std::process::Command::new(qn)
            .args(&args)
            .output()
            .map_err(|e| format!("{qn}: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
    }
    Ok(())
}

/// [`project_with_parcels`] with N parcels written to `input` first, unless `project` already
/// holds a reference layer of N features (kept from an earlier run).
pub fn parcels_project(qn: &str, project: &Path, input: &Path, n: u64) -> Result<(), String> {
    if let Ok(pf) = qn_planner::store::ProjectFile::open(project)
        && let Ok(refs) = pf.reference_layers()
        && refs.first().is_some_and(|r| r.features == n as i64)
    {
        return Ok(());
    }
    write_polygons(input, n).map_err(|e| e.to_string())?;
    project_with_parcels(qn, project, input)
}
