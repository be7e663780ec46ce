//! The GeoPackage geometry decoder on arbitrary blobs: a geometry or an error, never a panic;
//! what decodes as valid geometry (the import's own checks) must encode again and decode to
//! the same geometry. Invalid geometry need not round-trip (a ring holding NaN is closed again
//! since NaN != NaN; a polygon with an empty exterior loses its holes); the import refuses it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qn_planner::io::import::check_geometry;
use qn_planner::store::geom::{decode, encode};

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = decode(data)
        && let Some(g) = d.geometry
        && check_geometry(&g).is_ok()
    {
        let again = decode(&encode(&g, d.srs_id)).expect("our own encoding decodes");
        let g2 = again.geometry.expect("a geometry");
        assert_eq!(format!("{g:?}"), format!("{g2:?}"));
    }
});
