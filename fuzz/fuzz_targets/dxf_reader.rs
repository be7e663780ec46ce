//! The DXF reader on arbitrary bytes: features or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qn_planner::io::dxf::DxfIn;
use qn_planner::io::import::check_geometry;
use qn_planner::io::office::OfficeReader;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(mut r) = DxfIn::from_bytes(Path::new("fuzz.dxf"), data, None) else {
        return;
    };
    while let Ok(Some(f)) = r.next_feature() {
        if let Some(g) = &f.geom {
            let _ = check_geometry(g);
        }
    }
});
