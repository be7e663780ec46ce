//! Sync of a copy of the plan with another side: the three-way merge ([`merge`]) shared by
//! the PostgreSQL server (`crate::server::sync`) and change bundles ([`bundle`]) that travel
//! by USB stick or e-mail.

pub mod bundle;
pub mod merge;
