//! The integration tests, one crate (one binary to link, not 28): each module is what was a
//! file of `tests/`, `common` holds the shared fixtures. Tests that need a program this machine
//! may lack (GDAL, QGIS, PostgreSQL/PostGIS, Wine and the Windows build) are `#[ignore]`d with
//! the reason, so a plain `cargo test` lists them as ignored; `cargo test -- --include-ignored`
//! runs them (each says "skipped: …" and returns where the program is missing, unless the
//! matching `QN_REQUIRE_*` variable asks for it, as `.ci/run` does).

mod common;

mod changelog;
mod cli;
mod crash;
mod edits;
mod encodings;
mod export;
mod faults;
mod file_lock;
mod gdal;
mod guards;
mod hostile;
mod layers;
mod merge;
mod office;
mod print_layout;
mod qgis;
mod rules;
mod scenarios;
mod server;
mod store;
mod structure;
mod styles;
mod sync;
mod sync_trust;
mod ui;
mod ui_keep;
mod ui_style;
mod ui_trust;
mod windows;
