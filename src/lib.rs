//! qn-planner: an offline planning map of the industrial zones and clusters of Quảng Ninh.
//!
//! The library holds the domain (`model`, `store`, `io`, `analysis`), which never touches the
//! UI, and `app`, the egui front end, which reads the project and asks the domain for changes.

pub mod analysis;
pub mod app;
pub mod edit;
pub mod export;
pub mod fsutil;
pub mod io;
pub mod model;
pub mod scenario;
pub mod settings;
pub mod store;
