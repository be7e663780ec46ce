//! The Shapefile reader (.shp, .shx, .dbf, .prj, .cpg) on arbitrary bytes: every record read
//! or an error, never a panic. The input is cut into the five parts at lengths its first
//! bytes give, so the fuzzer can grow each part on its own.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qn_planner::io::import::check_geometry;
use qn_planner::io::shapefile::ShapefileIn;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let len = |i: usize| usize::from(u16::from_le_bytes([data[i], data[i + 1]]));
    let mut rest = &data[8..];
    let mut take = |n: usize| {
        let n = n.min(rest.len());
        let (a, b) = rest.split_at(n);
        rest = b;
        a.to_vec()
    };
    let shx = take(len(0));
    let dbf = take(len(2));
    let prj = take(len(4) % 512);
    let cpg = take(len(6) % 16);
    let shp = rest.to_vec();
    let Ok(mut r) = ShapefileIn::from_memory(
        "fuzz",
        shp,
        shx,
        dbf,
        (!prj.is_empty()).then_some(prj),
        (!cpg.is_empty()).then_some(cpg),
    ) else {
        return;
    };
    while let Ok(Some(f)) = r.next_feature() {
        if let Some(g) = &f.geom {
            let _ = check_geometry(g);
        }
    }
});
