//! The extension programme's years that the 2007 report gives (2006 results, ¶7; the 2007
//! plan, ¶8), built from the figures the project holds (see [`crate::model::figures`]).

use super::{ProgrammeRow, Source};
use crate::model::figures::{DocumentFigures, Figure};

/// The programme as the report gives it, with the project's corrections.
pub fn programme(figures: &DocumentFigures) -> Vec<ProgrammeRow> {
    let f = |x: Figure| figures.get(x);
    let source = |x: Figure| Source::of_figure(figures, x);
    let funds_2006 = f(Figure::Extension2006Funds);
    let leverage_2006 = f(Figure::Extension2006Leverage);
    let funds_2007 = f(Figure::Extension2007Funds);
    let social_2007 = f(Figure::Extension2007SocialCapital);
    // A row is "corrected" when any of its figures is.
    let row_source = |xs: &[Figure]| {
        xs.iter()
            .map(|&x| source(x))
            .find(|s| matches!(s, Source::Corrected(_)))
            .unwrap_or_else(|| source(xs[0]))
    };
    vec![
        ProgrammeRow {
            year: 2006,
            projects: Some(f(Figure::Extension2006Projects) as i64),
            // "over 90 billion": a lower bound.
            total_capital_bn_vnd: Some(f(Figure::Extension2006CapitalOver)),
            funds_bn_vnd: Some(funds_2006),
            social_capital_bn_vnd: Some(leverage_2006 * funds_2006),
            leverage: Some(leverage_2006),
            source: row_source(&[
                Figure::Extension2006Projects,
                Figure::Extension2006CapitalOver,
                Figure::Extension2006Funds,
                Figure::Extension2006Leverage,
            ]),
            note: "total capital is “over 90 bn”; social capital = leverage × funds (computed)",
        },
        ProgrammeRow {
            year: 2007,
            projects: Some(f(Figure::Extension2007Projects) as i64),
            total_capital_bn_vnd: None,
            funds_bn_vnd: Some(funds_2007),
            social_capital_bn_vnd: Some(social_2007),
            leverage: (funds_2007 > 0.0).then(|| social_2007 / funds_2007),
            source: row_source(&[
                Figure::Extension2007Projects,
                Figure::Extension2007Funds,
                Figure::Extension2007SocialCapital,
            ]),
            note: "plan: projects registered, support requested, investment to draw in; national plan 4 projects, 0.35 bn",
        },
    ]
}
