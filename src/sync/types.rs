//! What a sync is made of, as plain data: the local operations the other side has not
//! acknowledged ([`PendingOp`]), the other side's operations ([`RemoteOp`]), a conflict
//! ([`Conflict`], found by a merge or kept in the file), everything one sync writes into the
//! GeoPackage ([`SyncOutcome`]), the planner's decision on a conflict ([`Decision`]) and where a
//! copy stands ([`SyncStatus`]). The merge (`merge`) makes them; the local side (`local`)
//! reads and writes them in the file.

use crate::model::oplog::OpKind;
use crate::store::{Cell, NewColumn, SharedColumn};

/// An operation of the local log that the server has not acknowledged.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingOp {
    /// Its place in the local log.
    pub seq: i64,
    /// Its key, as a UUID text (the server's log keeps it: a second push of it does nothing).
    pub op_key: String,
    pub table: String,
    pub record_key: String,
    pub kind: OpKind,
    pub field: String,
    /// The value before (an update), a geometry as WKB.
    pub before: Cell,
    pub after: Cell,
    pub author: Option<String>,
    pub at: String,
}

/// An operation of the other side: the server's log, or a bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteOp {
    /// Its number in the server's log (0 in a bundle).
    pub seq: i64,
    pub op_key: String,
    pub table: String,
    pub record_key: String,
    pub kind: OpKind,
    pub field: String,
    pub author: Option<String>,
    pub at: String,
}

/// A conflict: one field (or a whole record) changed on both sides to different values. The
/// merge finds it (`id` `None`, undecided); the file keeps it (`id` set) until the planner has
/// decided and the decision has been synced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conflict {
    /// Its row in the file's conflict table; `None` for one a merge has just found.
    pub id: Option<i64>,
    pub table: String,
    pub record_key: String,
    /// The column, or `*` for the record (updated on one side, deleted on the other).
    pub field: String,
    pub base: Cell,
    pub mine: Cell,
    pub theirs: Cell,
    pub mine_deleted: bool,
    pub theirs_deleted: bool,
    pub theirs_author: Option<String>,
    pub theirs_at: Option<String>,
    /// Set when the server's value breaks a rule of the file (it was set aside, not
    /// written): the rule, e.g. "proposed_clusters.name is empty".
    pub reason: Option<String>,
    /// The planner's decision ("mine", "theirs" or "value"), once made.
    pub resolution: Option<String>,
    /// Decided "theirs" for a record deleted here: the next sync brings the server's row back.
    pub refetch: bool,
    /// Who decided it and when (a decided conflict).
    pub resolved_by: Option<String>,
    pub resolved_at: Option<String>,
}

/// What the server changed in one record, to apply here.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoteChange {
    /// The record is gone on the server.
    Delete,
    /// The record as the server has it (columns of [`SyncOutcome::columns`]), new here.
    Row(Vec<Cell>),
    /// Some fields changed on the server.
    Fields(Vec<(String, Cell)>),
}

/// A server change of one record and the server operation it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteApply {
    pub table: String,
    pub key_column: String,
    pub record_key: String,
    pub change: RemoteChange,
    /// The last server operation behind it (`None` for a bundle's: those wait here for the
    /// next sync to take them to the server).
    pub server_seq: Option<i64>,
    /// The other side's operation keys, by field (`*` for an insert or a delete): the log rows
    /// this change makes here take them, so the operation is known by the same key everywhere.
    pub op_keys: Vec<(String, String)>,
    /// Its author and time.
    pub author: Option<String>,
    pub at: Option<String>,
}

/// Everything a sync writes into the GeoPackage, in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncOutcome {
    /// The shared columns of each table touched (for rows and fields).
    pub columns: Vec<(String, Vec<SharedColumn>)>,
    pub apply: Vec<RemoteApply>,
    pub conflicts: Vec<Conflict>,
    /// Local operations the server now holds: (local seq, server seq).
    pub acked: Vec<(i64, i64)>,
    /// Conflicts whose refetch is done.
    pub refetched: Vec<i64>,
    /// The last server operation this copy holds now (a bundle leaves it as it was).
    pub server_seq: Option<i64>,
    /// The server's address (no password), remembered for the next sync.
    pub server_url: Option<String>,
    /// Columns added on the other side, added here first (their values come in `apply`).
    pub new_columns: Vec<NewColumn>,
    /// The shared tables' columns on the server after this sync (see
    /// [`crate::store::ProjectFile::seen_server_columns`]).
    pub server_columns: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

/// The plan's identity, as a copy keeps it: its id, the file it was published from and when.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanIdentity {
    pub id: String,
    pub published_from: String,
    pub published_at: String,
}

impl PlanIdentity {
    /// "quang-ninh.gpkg, published 2026-12-07" — how a planner tells two plans apart.
    pub fn describe(&self) -> String {
        let when = self.published_at.get(..10).unwrap_or(&self.published_at);
        format!(
            "{} published {when} (plan {})",
            self.published_from, self.id
        )
    }
}

/// The planner's decision on a conflict.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Mine,
    Theirs,
    /// A value typed by the planner (a field conflict only).
    Value(Cell),
}

/// Where a copy stands with the shared plan, for the status bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncStatus {
    /// The server's address (no password), once the copy was cloned or synced.
    pub server_url: Option<String>,
    /// When the last sync with it ended (UTC, ISO 8601).
    pub last_sync_at: Option<String>,
    /// Local operations the server has not acknowledged.
    pub pending: usize,
    /// Conflicts waiting for the planner.
    pub open_conflicts: usize,
}
