//! The GeoPackage geometry decoder on arbitrary blobs: a geometry or an error, never a panic;
//! what decodes must encode again and decode to the same geometry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qn_planner::store::geom::{decode, encode};

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = decode(data)
        && let Some(g) = d.geometry
    {
        let again = decode(&encode(&g, d.srs_id)).expect("our own encoding decodes");
        let g2 = again.geometry.expect("a geometry");
        // NaN coordinates never compare equal; compare their bit patterns instead.
        assert_eq!(format!("{g:?}"), format!("{g2:?}"));
    }
});
