//! Geometric analysis that does not draw: label placement, later area and overlap checks.

pub mod checks;
pub mod labels;
pub mod rules;
