//! qn-planner: an offline planning map of the industrial zones and clusters of Quảng Ninh.
//!
//! The library holds the domain, which never touches the UI: `model` (plain data: sites,
//! scenarios, rules, actuals, the report's figures, the change log's operations; validation,
//! seed, years), `scenario` (the projection engine), `edit` (every change as an edit with its
//! inverse; undo history), `store` (the GeoPackage, its change log and migrations), `io`
//! (coordinate systems, base map, import and layer export), `analysis` (checks, rule engine,
//! labels), `export` (print maps and the meeting pack), `sync` (the three-way merge of a copy
//! with another side, and change bundles) and `server` (the shared plan in PostgreSQL/PostGIS:
//! publish, clone, sync). `app` is the egui front end: its panels read the project and ask for
//! changes as commands, which one place applies through `edit`.

pub mod analysis;
pub mod app;
pub mod edit;
pub mod export;
pub mod fsutil;
pub mod io;
pub mod lang;
pub mod locate;
pub mod model;
pub mod scenario;
pub mod server;
pub mod settings;
pub mod store;
pub mod sync;
