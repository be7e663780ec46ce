//! Judging a plan without drawing it: the drafting checks of a geometry (`checks`: too few
//! vertices, self-intersection, overlaps, land at sea or outside the province, nearest town;
//! on a worker thread), the rule engine (`rules`: each site under the national rules in force
//! on a date, and the compliance report the window, `report --rules` and the meeting pack
//! share) and label placement (`labels`: no label nearer another symbol than its own).

pub mod checks;
pub mod labels;
pub mod rules;
pub mod units;
