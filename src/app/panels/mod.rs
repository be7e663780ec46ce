//! The window's panels: the form of the selected site, the attribute table, the scenario
//! panel (one file per tab), the rules, a layer's style, sync and conflicts, import and export.
//! Each is a function of what it shows and its own state, returning the commands it asks for.

pub mod export;
pub mod form;
pub mod import;
pub mod rules;
pub mod scenarios;
pub mod selection;
pub mod style;
pub mod sync;
pub mod table;
mod units;
