//! Sync of a copy of the plan with another side: what a sync is made of ([`types`]), the
//! three-way merge ([`merge`]) shared by the PostgreSQL server (`crate::server::sync`) and
//! change bundles ([`bundle`]) that travel by USB stick or e-mail, and the copy's side of it in
//! the GeoPackage ([`local`]: its pending operations, its conflicts, applying an outcome).

pub mod bundle;
pub mod local;
pub mod merge;
pub mod types;

pub use types::{
    Conflict, Decision, PendingOp, PlanIdentity, RemoteApply, RemoteChange, RemoteOp, SyncOutcome,
    SyncStatus,
};
