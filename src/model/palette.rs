//! Colours of the map, shared by the window and the exports (Okabe–Ito for the layers: distinct
//! for colour-blind viewers), as RGB bytes.

use super::Layer;

pub const SEA: [u8; 3] = [0xcf, 0xe3, 0xf0];
pub const LAND: [u8; 3] = [0xf4, 0xf1, 0xe6];
pub const NEIGHBOUR_LAND: [u8; 3] = [0xdc, 0xdc, 0xd8];
pub const NO_DATA: [u8; 3] = [0xe4, 0xe4, 0xe2];
pub const COAST: [u8; 3] = [0x7d, 0x9c, 0xb5];
pub const BORDER: [u8; 3] = [0x8a, 0x2b, 0x2b];
pub const PROVINCE_LINE: [u8; 3] = [0x6b, 0x55, 0x7a];
pub const TOWN: [u8; 3] = [0x33, 0x33, 0x33];
pub const OPENING: [u8; 3] = [0xe6, 0x9f, 0x00];

pub fn layer(l: Layer) -> [u8; 3] {
    match l {
        Layer::IndustrialZones => [0xd5, 0x5e, 0x00],
        Layer::IndustrialClusters | Layer::ProposedClusters => [0x00, 0x72, 0xb2],
        Layer::CraftVillages => [0x00, 0x9e, 0x73],
        Layer::IndustrialCentres => [0x6a, 0x3d, 0x9a],
        Layer::ProtectedAreas => [0x1b, 0x78, 0x37],
        Layer::ResidentialAreas => [0x8c, 0x51, 0x0a],
    }
}

/// The colour `#rrggbb` names, if it is one.
pub fn parse_hex(s: &str) -> Option<[u8; 3]> {
    let h = s.trim().trim_start_matches('#');
    let byte = |i: usize| h.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok());
    match (h.len(), byte(0), byte(2), byte(4)) {
        (6, Some(r), Some(g), Some(b)) => Some([r, g, b]),
        _ => None,
    }
}

/// `#rrggbb`.
pub fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}
