//! The years of the plan, named once. The 2007 report plans 2006–2015 with a view to 2020 and
//! gives figures from 2005 (¶4); a planner may enter years a little wider than that.

/// The first year the document gives figures for (¶4), where the scenario engine starts.
pub const FIRST: i32 = 2005;
/// The base year: the situation the report describes; established sites open in it (¶9).
pub const BASE: i32 = 2006;
/// The last year of the planning period's view.
pub const LAST: i32 = 2020;
/// The earliest year a planner may enter on a site (a decision, an occupancy measurement).
pub const ENTRY_MIN: i32 = 2000;
/// The latest year a planner may enter anywhere (sites, scenarios, actuals, exports).
pub const ENTRY_MAX: i32 = 2030;
/// The earliest year of a scenario's own entries (phasing, growth periods, programme years):
/// the engine computes nothing before [`FIRST`].
pub const SCENARIO_MIN: i32 = FIRST;

/// The years a map or a scenario step can show: from the base year to the plan's last year.
pub fn plan_years() -> std::ops::RangeInclusive<i32> {
    BASE..=LAST
}
