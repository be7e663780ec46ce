//! The streaming GeoJSON reader on arbitrary bytes: it must return features or an error,
//! never panic, and every geometry it hands on must pass or fail the import's checks cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qn_planner::io::import::{check_geometry, geojson_read};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = geojson_read(data, Path::new("fuzz.geojson"), &mut |_, f| {
        if let Some(g) = &f.geom {
            let _ = check_geometry(g);
        }
        Ok(())
    });
});
