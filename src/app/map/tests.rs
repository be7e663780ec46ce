//! Tests of the map's parts: the projector, the polygon and line caches, the scale bar.

use super::*;

#[test]
fn projector_round_trips() {
    let rect = Rect::from_min_size(Pos2::new(10.0, 20.0), egui::vec2(800.0, 600.0));
    let view = MapView {
        centre: [450_000.0, 2_330_000.0],
        m_per_px: 100.0,
    };
    let pr = Projector::new(rect, view);
    assert_eq!(pr.screen_from_world(view.centre), rect.center());
    let w = [451_000.0, 2_331_000.0];
    let s = pr.screen_from_world(w);
    assert_eq!(s, rect.center() + egui::vec2(10.0, -10.0));
    let back = pr.world_from_screen(s);
    assert!((back[0] - w[0]).abs() < 1e-6 && (back[1] - w[1]).abs() < 1e-6);
}

#[test]
fn zoom_keeps_the_point_under_the_cursor() {
    let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
    let mut view = MapView {
        centre: [450_000.0, 2_330_000.0],
        m_per_px: 100.0,
    };
    let anchor = Pos2::new(100.0, 500.0);
    let before = Projector::new(rect, view).world_from_screen(anchor);
    view.zoom_at(rect, anchor, 0.5);
    let after = Projector::new(rect, view).world_from_screen(anchor);
    assert!((before[0] - after[0]).abs() < 1e-6 && (before[1] - after[1]).abs() < 1e-6);
    assert_eq!(view.m_per_px, 50.0);
}

#[test]
fn scale_bar_is_true_at_the_centre() {
    let tm3 = Tm3::new().unwrap();
    let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
    let (e, n) = tm3.tm3_from_lonlat(107.3, 21.2).unwrap();
    let pr = Projector::new(
        rect,
        MapView {
            centre: [e, n],
            m_per_px: 100.0,
        },
    );
    let g = pr.ground_m_per_px(&tm3).unwrap();
    // TM-3 with k0 = 0.9999, 47 km west of the central meridian: scale within 0.02 % of 1.
    assert!((g - 100.0).abs() / 100.0 < 0.0005, "{g}");
    // A 200 px bar at this scale: compare with the geodesic between its ends.
    let a = tm3.lonlat_from_tm3(e - 100.0 * 100.0, n).unwrap();
    let b = tm3.lonlat_from_tm3(e + 100.0 * 100.0, n).unwrap();
    let truth = geodesic_distance_m(a, b);
    assert!((g * 200.0 - truth).abs() / truth < 0.01);
}

#[test]
fn hex_colours() {
    assert_eq!(
        parse_hex_color("#7a5195"),
        Color32::from_rgb(0x7a, 0x51, 0x95)
    );
    assert_eq!(parse_hex_color("red"), Color32::from_gray(110));
}

#[test]
fn nice_lengths() {
    assert_eq!(nice_length_m(7300.0), 5000.0);
    assert_eq!(nice_length_m(2100.0), 2000.0);
    assert_eq!(nice_length_m(999.0), 500.0);
    assert_eq!(format_length(20000.0), "20 km");
    assert_eq!(format_length(500.0), "500 m");
}
