//! A QML style on arbitrary text, read for a planning layer and a reference layer: a style
//! or a reason, never a panic (no stack overflow on deep nesting, no memory blow-up on
//! entities); a style read is written back and read again to the same style.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qn_planner::store::qml::{self, GeomKind};
use qn_planner::model::style::LayerStyle;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let fields = ["name".to_string(), "status".to_string(), "jobs".to_string()];
    for kind in [GeomKind::Point, GeomKind::Polygon] {
        let base = LayerStyle::default_for(qn_planner::model::Layer::ProposedClusters);
        let Ok(r) = qml::read(text, "proposed_clusters", kind, &fields, &base) else {
            continue;
        };
        let again = qml::write(&r.style, kind, None);
        let back = qml::read(&again, "proposed_clusters", kind, &fields, &base)
            .expect("what qn-planner writes, it reads");
        assert_eq!(back.style, r.style);
    }
});
