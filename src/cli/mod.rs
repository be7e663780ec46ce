//! The command line's commands, one file per command as they move out of `main.rs`: each
//! holds its clap arguments beside its handler.

pub mod atlas;
pub mod export;
pub mod pack;
