//! The GeoPackage geometry decoder on arbitrary blobs: a geometry or an error, never a panic;
//! what decodes with finite coordinates must encode again and decode to the same geometry.
//! (A ring holding NaN does not round-trip: NaN != NaN, so the ring looks unclosed and is
//! closed again. The importer rejects NaN coordinates before anything is written.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use geo::CoordsIter;
use qn_planner::store::geom::{decode, encode};

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = decode(data)
        && let Some(g) = d.geometry
        && g.coords_iter().all(|c| c.x.is_finite() && c.y.is_finite())
    {
        let again = decode(&encode(&g, d.srs_id)).expect("our own encoding decodes");
        let g2 = again.geometry.expect("a geometry");
        assert_eq!(format!("{g:?}"), format!("{g2:?}"));
    }
});
