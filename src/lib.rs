//! qn-planner: an offline planning map of the industrial zones and clusters of Quảng Ninh.
//!
//! The library holds the domain, which never touches the UI: `model` (plain data, validation,
//! seed, years), `scenario` (the projection engine), `edit` (every change as an edit with its
//! inverse; undo history), `store` (the GeoPackage), `io` (coordinate systems, base map,
//! import and layer export), `analysis` (checks, rule engine, labels) and `export` (print
//! maps and the meeting pack). `app` is the egui front end: it reads the project and asks the
//! domain for changes through `edit`.

pub mod analysis;
pub mod app;
pub mod edit;
pub mod export;
pub mod fsutil;
pub mod io;
pub mod model;
pub mod scenario;
pub mod server;
pub mod settings;
pub mod store;
