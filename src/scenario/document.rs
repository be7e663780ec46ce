//! The figures of the 2007 report that every scenario starts from, with their paragraphs.

use super::{ProgrammeRow, Source};

/// Industrial production value 2006, achieved: 16,869 bn VND (¶4).
pub const OUTPUT_2006_BN_VND: f64 = 16_869.0;
/// Growth 2006 over 2005: +20.68 % (¶4).
pub const GROWTH_2006_PCT: f64 = 20.68;
/// 2007 target: 20,150 bn VND (¶10).
pub const OUTPUT_2007_TARGET_BN_VND: f64 = 20_150.0;
/// 2007 target growth by sector: central state, non-state, FDI (¶10).
pub const SECTOR_GROWTH_2007_PCT: [f64; 3] = [18.6, 22.0, 21.9];

/// The extension programme as the document gives it: 2006 results (¶7) and the 2007 plan (¶8).
pub fn programme() -> Vec<ProgrammeRow> {
    let funds_2006 = 0.85;
    let leverage_2006 = 109.4;
    vec![
        ProgrammeRow {
            year: 2006,
            projects: Some(30),
            // "over 90 billion": a lower bound.
            total_capital_bn_vnd: Some(90.0),
            funds_bn_vnd: Some(funds_2006),
            social_capital_bn_vnd: Some(leverage_2006 * funds_2006),
            leverage: Some(leverage_2006),
            source: Source::Document("¶7"),
            note: "total capital is “over 90 bn”; social capital = 109.4 × 0.85 (computed)",
        },
        ProgrammeRow {
            year: 2007,
            projects: Some(79),
            total_capital_bn_vnd: None,
            funds_bn_vnd: Some(6.029),
            social_capital_bn_vnd: Some(424.379),
            leverage: Some(424.379 / 6.029),
            source: Source::Document("¶8"),
            note: "plan: 79 projects registered, 6.029 bn requested, 424.379 bn to draw in; national plan 4 projects, 0.35 bn",
        },
    ]
}
