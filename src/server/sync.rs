//! `qn-planner sync FILE.gpkg [URL]`: a laptop's copy and the shared plan meet.
//!
//! In one server transaction that holds the log's lock (so syncs, and edits made directly in
//! the database, wait their turn): pull every server operation since the last one this copy
//! saw, merge per field against the local operations the server has not acknowledged, push
//! what merged, commit; then write what came in and what was acknowledged into the
//! GeoPackage in one transaction. A push repeated after a dropped connection applies nothing
//! twice: each local operation keeps its key in the server's log, and a key already there is
//! acknowledged, not applied. The merge is three-way per field, the log saying which fields
//! changed on each side since they last agreed and the tables holding the values:
//! - different fields of one record merge (a geometry is one field);
//! - one field changed on both sides to different values, or a record updated on one side
//!   and deleted on the other, is a conflict: both values are kept in `qn_conflicts`, the
//!   record keeps the local value, and the local operations on that field wait for the
//!   planner's decision — nothing is resolved silently;
//! - the same change on both sides is no conflict.

use super::{SERVER_SCHEMA_VERSION, ServerError, bind, connect, fetch_rows, ident, safe_url};
use crate::model::oplog::OpKind;
use crate::store::sync::{FoundConflict, PendingOp, RemoteApply, RemoteChange, SyncOutcome};
use crate::store::{Cell, ProjectFile, SharedTable};
use postgres::types::ToSql;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// What a sync did.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncReport {
    /// Local operations the server took (or already held).
    pub pushed: usize,
    /// Server operations applied here.
    pub pulled: usize,
    /// Conflicts found by this sync.
    pub new_conflicts: usize,
    /// Conflicts open after it (the planner's to decide).
    pub open: Vec<crate::store::sync::Conflict>,
    /// The role may only read: nothing was pushed (what came in was applied).
    pub push_refused: Option<String>,
    pub server_seq: i64,
}

/// A server operation since the last one seen.
#[derive(Debug, Clone)]
struct ServerOp {
    seq: i64,
    op_key: String,
    table: String,
    record_key: String,
    kind: OpKind,
    field: String,
    author: Option<String>,
    at: String,
}

/// Values equal for the merge: numbers by value, a geometry by its WKB.
fn same(a: &Cell, b: &Cell) -> bool {
    match (a, b) {
        (Cell::Int(x), Cell::Real(y)) | (Cell::Real(y), Cell::Int(x)) => (*x as f64) == *y,
        _ => a == b,
    }
}

/// A value as the server log's text shows it (a geometry is not spelt out).
fn log_text(c: &Cell) -> Option<String> {
    match c {
        Cell::Null | Cell::Wkb(_) => None,
        Cell::Int(i) => Some(i.to_string()),
        Cell::Real(r) => Some(r.to_string()),
        Cell::Text(t) => Some(t.clone()),
    }
}

/// Checks that `url` holds a plan of this schema.
pub(super) fn check_plan(client: &mut postgres::Client, safe: &str) -> Result<(), ServerError> {
    let version: Option<String> = client
        .query_opt(
            "SELECT value FROM qn_meta WHERE key = 'schema_version'",
            &[],
        )
        .ok()
        .flatten()
        .map(|r| r.get(0));
    match version {
        None => Err(ServerError::NoPlan(safe.to_string())),
        Some(v) if v != SERVER_SCHEMA_VERSION.to_string() => {
            Err(ServerError::OtherSchema(safe.to_string(), v))
        }
        Some(_) => Ok(()),
    }
}

/// One record's sides.
#[derive(Default)]
struct Record {
    local_ops: Vec<PendingOp>,
    server_ops: Vec<ServerOp>,
}

/// The plan of one sync, computed from both sides before anything is written.
#[derive(Default)]
struct Plan {
    outcome: SyncOutcome,
    /// Server writes: (table, key, what).
    push: Vec<(String, String, Push)>,
    /// Local operations whose log rows go to the server now.
    push_ops: Vec<PendingOp>,
    pulled: usize,
}

enum Push {
    Insert(Vec<Cell>),
    Fields(Vec<(String, Cell)>),
    Delete,
}

/// Syncs the project `pf` with the shared plan at `url` (see the module comment).
pub fn sync(url: &str, pf: &mut ProjectFile) -> Result<SyncReport, ServerError> {
    let safe = safe_url(url);
    let mut client = connect(url)?;
    check_plan(&mut client, &safe)?;
    match sync_once(&mut client, &safe, pf, true) {
        Err(ServerError::Database { source, .. })
            if source.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) =>
        {
            // A role that may only read: pull, push nothing.
            let why = source
                .as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_else(|| source.to_string());
            let mut r = sync_once(&mut client, &safe, pf, false)?;
            r.push_refused = Some(why);
            Ok(r)
        }
        other => other,
    }
}

fn sync_once(
    client: &mut postgres::Client,
    safe: &str,
    pf: &mut ProjectFile,
    push: bool,
) -> Result<SyncReport, ServerError> {
    let db = |source| ServerError::Database {
        url: safe.to_string(),
        source,
    };
    let last: i64 = pf
        .meta("server_seq")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut tx = client.transaction().map_err(db)?;
    if push {
        // Syncs and direct edits (whose trigger writes to the log) wait their turn.
        tx.batch_execute("LOCK TABLE qn_server_log IN SHARE ROW EXCLUSIVE MODE")
            .map_err(db)?;
    } else {
        tx.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .map_err(db)?;
    }
    let server_ops: Vec<ServerOp> = tx
        .query(
            "SELECT seq, op_key, tbl, record_key, kind, field, author, at::text
             FROM qn_server_log WHERE seq > $1 ORDER BY seq",
            &[&last],
        )
        .map_err(db)?
        .iter()
        .filter_map(|r| {
            Some(ServerOp {
                seq: r.get(0),
                op_key: r.get(1),
                table: r.get(2),
                record_key: r.get(3),
                kind: OpKind::parse(r.get::<_, &str>(4))?,
                field: r.get(5),
                author: r.get(6),
                at: r.get(7),
            })
        })
        .collect();
    let local = pf.pending_operations()?;
    let conflicts = pf.conflicts()?;
    let mut plan =
        merge(&mut tx, pf, server_ops, local, &conflicts, push).map_err(|e| match e {
            MergeError::Db(e) => db(e),
            MergeError::Other(e) => e,
        })?;
    if push && (!plan.push.is_empty() || !plan.push_ops.is_empty()) {
        tx.batch_execute("SET LOCAL qn.applying = 'on'")
            .map_err(db)?;
        apply_push(&mut tx, pf, &mut plan).map_err(|e| match e {
            MergeError::Db(e) => db(e),
            MergeError::Other(e) => e,
        })?;
    }
    let seq: i64 = tx
        .query_one("SELECT coalesce(max(seq), 0) FROM qn_server_log", &[])
        .map_err(db)?
        .get(0);
    tx.commit().map_err(db)?;
    plan.outcome.server_seq = if push { seq } else { seq.max(last) };
    plan.outcome.server_url = safe.to_string();
    pf.apply_sync(&plan.outcome)?;
    Ok(SyncReport {
        pushed: plan.outcome.acked.len(),
        pulled: plan.pulled,
        new_conflicts: plan.outcome.conflicts.len(),
        open: pf
            .conflicts()?
            .into_iter()
            .filter(|c| c.resolution.is_none())
            .collect(),
        push_refused: None,
        server_seq: plan.outcome.server_seq,
    })
}

enum MergeError {
    Db(postgres::Error),
    Other(ServerError),
}

impl From<postgres::Error> for MergeError {
    fn from(e: postgres::Error) -> Self {
        MergeError::Db(e)
    }
}

impl From<crate::store::StoreError> for MergeError {
    fn from(e: crate::store::StoreError) -> Self {
        MergeError::Other(e.into())
    }
}

/// Both sides of every record either side changed, and what to do with each.
fn merge(
    tx: &mut postgres::Transaction<'_>,
    pf: &ProjectFile,
    server_ops: Vec<ServerOp>,
    local: Vec<PendingOp>,
    conflicts: &[crate::store::sync::Conflict],
    push: bool,
) -> Result<Plan, MergeError> {
    let mut plan = Plan::default();
    let local_keys: HashMap<&str, i64> = local.iter().map(|o| (o.op_key.as_str(), o.seq)).collect();
    // Records by table, in the order of the shared tables.
    let mut records: BTreeMap<(usize, String), BTreeMap<String, Record>> = BTreeMap::new();
    let tables = pf.shared_tables();
    let rank = |t: &str| tables.iter().position(|(x, _)| *x == t);
    let mut acked_local: HashSet<i64> = HashSet::new();
    for op in server_ops {
        // One of ours, pushed by a sync whose local half never finished: acknowledged.
        if let Some(seq) = local_keys.get(op.op_key.as_str()) {
            plan.outcome.acked.push((*seq, op.seq));
            acked_local.insert(*seq);
            continue;
        }
        let Some(r) = rank(&op.table) else { continue };
        records
            .entry((r, op.table.clone()))
            .or_default()
            .entry(op.record_key.clone())
            .or_default()
            .server_ops
            .push(op);
    }
    for op in local {
        if acked_local.contains(&op.seq) {
            continue;
        }
        let Some(r) = rank(&op.table) else { continue };
        records
            .entry((r, op.table.clone()))
            .or_default()
            .entry(op.record_key.clone())
            .or_default()
            .local_ops
            .push(op);
    }
    // Records decided "theirs" after a local delete come back from the server.
    for c in conflicts.iter().filter(|c| c.refetch) {
        if let Some(r) = rank(&c.table) {
            records
                .entry((r, c.table.clone()))
                .or_default()
                .entry(c.record_key.clone())
                .or_default();
            plan.outcome.refetched.push(c.id);
        }
    }
    let open: HashSet<(&str, &str, &str)> = conflicts
        .iter()
        .filter(|c| c.resolution.is_none())
        .map(|c| (c.table.as_str(), c.record_key.as_str(), c.field.as_str()))
        .collect();
    for ((_, table), recs) in records {
        let key_col = tables
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, k)| *k)
            .unwrap_or("key");
        let keys: Vec<String> = recs.keys().cloned().collect();
        let local_rows = pf.shared_rows(&table, key_col, &keys)?;
        let mut server_t = SharedTable {
            rows: Vec::new(),
            ..local_rows.clone()
        };
        server_t.rows = fetch_rows(tx, &server_t, Some(&keys))?;
        let ki = local_rows
            .columns
            .iter()
            .position(|c| c.name == key_col)
            .unwrap_or(0);
        let by_key = |t: &SharedTable| -> HashMap<String, Vec<Cell>> {
            t.rows
                .iter()
                .filter_map(|r| match r.get(ki) {
                    Some(Cell::Text(k)) => Some((k.clone(), r.clone())),
                    _ => None,
                })
                .collect()
        };
        let here = by_key(&local_rows);
        let there = by_key(&server_t);
        let col = |name: &str| local_rows.columns.iter().position(|c| c.name == name);
        plan.outcome
            .columns
            .push((table.clone(), local_rows.columns.clone()));
        for (key, rec) in recs {
            merge_record(
                &mut plan,
                &table,
                key_col,
                &key,
                rec,
                here.get(&key),
                there.get(&key),
                &open,
                &col,
                push,
            );
        }
    }
    Ok(plan)
}

#[allow(clippy::too_many_arguments)]
fn merge_record(
    plan: &mut Plan,
    table: &str,
    key_col: &str,
    key: &str,
    rec: Record,
    here: Option<&Vec<Cell>>,
    there: Option<&Vec<Cell>>,
    open: &HashSet<(&str, &str, &str)>,
    col: &dyn Fn(&str) -> Option<usize>,
    push: bool,
) {
    let held_record = open.contains(&(table, key, "*"));
    let held = |f: &str| held_record || open.contains(&(table, key, f));
    let last_server = rec.server_ops.last();
    let server_seq = last_server.map_or(0, |o| o.seq);
    let server_author = last_server.and_then(|o| o.author.clone());
    let server_at = last_server.map(|o| o.at.clone());
    let server_deleted = rec.server_ops.iter().any(|o| o.kind == OpKind::Delete);
    let server_fields: BTreeSet<&str> = rec
        .server_ops
        .iter()
        .filter(|o| o.kind == OpKind::Update)
        .map(|o| o.field.as_str())
        .collect();
    let local_deleted = rec.local_ops.iter().any(|o| o.kind == OpKind::Delete);
    let local_updates = rec.local_ops.iter().any(|o| o.kind == OpKind::Update);
    let mut local_fields: Vec<&str> = Vec::new();
    for o in rec.local_ops.iter().filter(|o| o.kind == OpKind::Update) {
        if !local_fields.contains(&o.field.as_str()) {
            local_fields.push(&o.field);
        }
    }
    let base_of = |f: &str| {
        rec.local_ops
            .iter()
            .find(|o| o.kind == OpKind::Update && o.field == f)
            .map(|o| o.before.clone())
            .unwrap_or(Cell::Null)
    };
    let pulled_change = |plan: &mut Plan, change: RemoteChange| {
        plan.pulled += 1;
        plan.outcome.apply.push(RemoteApply {
            table: table.to_string(),
            key_column: key_col.to_string(),
            record_key: key.to_string(),
            change,
            server_seq,
            author: server_author.clone(),
        });
    };
    let record_conflict = |plan: &mut Plan, mine_deleted: bool, theirs_deleted: bool| {
        plan.outcome.conflicts.push(FoundConflict {
            table: table.to_string(),
            record_key: key.to_string(),
            field: "*".into(),
            base: Cell::Null,
            mine: Cell::Null,
            theirs: Cell::Null,
            mine_deleted,
            theirs_deleted,
            theirs_author: server_author.clone(),
            theirs_at: server_at.clone(),
        });
    };
    // The local operations that go to the server now (all but those a conflict holds).
    let mut send: Vec<&PendingOp> = Vec::new();
    match (here, there) {
        (None, None) => {
            // Made and removed on one side, or removed on both: only the log rows travel.
            if !held_record {
                send.extend(rec.local_ops.iter());
            }
        }
        (Some(lr), None) => {
            if held_record {
                // Waiting for the planner.
            } else if server_deleted && local_updates {
                record_conflict(plan, false, true);
            } else if server_deleted {
                pulled_change(plan, RemoteChange::Delete);
            } else {
                // New here (or kept against the server's delete): the whole row goes.
                plan.push
                    .push((table.into(), key.into(), Push::Insert(lr.clone())));
                send.extend(rec.local_ops.iter());
            }
        }
        (None, Some(sr)) => {
            if held_record {
            } else if local_deleted && !server_fields.is_empty() {
                record_conflict(plan, true, false);
            } else if local_deleted {
                plan.push.push((table.into(), key.into(), Push::Delete));
                send.extend(rec.local_ops.iter());
            } else {
                pulled_change(plan, RemoteChange::Row(sr.clone()));
            }
        }
        (Some(lr), Some(sr)) => {
            let mut apply = Vec::new();
            let mut push_fields = Vec::new();
            for f in &server_fields {
                let Some(i) = col(f) else { continue };
                if held(f) {
                    if open.contains(&(table, key, *f)) {
                        // A newer server value for a conflict still open.
                        plan.outcome.conflicts.push(FoundConflict {
                            table: table.into(),
                            record_key: key.into(),
                            field: (*f).into(),
                            base: base_of(f),
                            mine: lr[i].clone(),
                            theirs: sr[i].clone(),
                            mine_deleted: false,
                            theirs_deleted: false,
                            theirs_author: server_author.clone(),
                            theirs_at: server_at.clone(),
                        });
                    }
                } else if local_fields.contains(f) {
                    if !same(&lr[i], &sr[i]) {
                        plan.outcome.conflicts.push(FoundConflict {
                            table: table.into(),
                            record_key: key.into(),
                            field: (*f).into(),
                            base: base_of(f),
                            mine: lr[i].clone(),
                            theirs: sr[i].clone(),
                            mine_deleted: false,
                            theirs_deleted: false,
                            theirs_author: server_author.clone(),
                            theirs_at: server_at.clone(),
                        });
                    }
                } else if !same(&lr[i], &sr[i]) {
                    apply.push(((*f).to_string(), sr[i].clone()));
                }
            }
            let conflicted: HashSet<String> = plan
                .outcome
                .conflicts
                .iter()
                .filter(|c| c.table == table && c.record_key == key)
                .map(|c| c.field.clone())
                .collect();
            for f in &local_fields {
                let Some(i) = col(f) else { continue };
                if held(f) || conflicted.contains(*f) {
                    continue;
                }
                // (A field both sides changed alike needs no write.)
                if !same(&lr[i], &sr[i]) {
                    push_fields.push(((*f).to_string(), lr[i].clone()));
                }
            }
            for o in &rec.local_ops {
                let waits = match o.kind {
                    OpKind::Update => held(&o.field) || conflicted.contains(&o.field),
                    _ => held_record,
                };
                if !waits {
                    send.push(o);
                }
            }
            if !apply.is_empty() {
                pulled_change(plan, RemoteChange::Fields(apply));
            }
            if !push_fields.is_empty() {
                plan.push
                    .push((table.into(), key.into(), Push::Fields(push_fields)));
            }
        }
    }
    if push {
        plan.push_ops.extend(send.into_iter().cloned());
    } else {
        // Nothing goes to the server: the local operations stay pending.
        plan.push.clear();
    }
}

/// Writes the pushed records and the pushed operations' log rows on the server; the
/// acknowledged operations join the outcome.
fn apply_push(
    tx: &mut postgres::Transaction<'_>,
    pf: &ProjectFile,
    plan: &mut Plan,
) -> Result<(), MergeError> {
    let columns: HashMap<String, Vec<crate::store::SharedColumn>> =
        plan.outcome.columns.iter().cloned().collect();
    let keys: HashMap<&str, &str> = pf.shared_tables().into_iter().collect();
    for (table, key, what) in &plan.push {
        let Some(cols) = columns.get(table) else {
            continue;
        };
        let key_col = keys.get(table.as_str()).copied().unwrap_or("key");
        let t = ident(table);
        match what {
            Push::Delete => {
                tx.execute(
                    &format!("DELETE FROM {t} WHERE {} = $1", ident(key_col)),
                    &[key],
                )?;
            }
            Push::Insert(row) => {
                let mut params: Vec<Box<dyn ToSql + Sync>> = Vec::new();
                let mut marks = Vec::new();
                for (i, (c, v)) in cols.iter().zip(row).enumerate() {
                    params.push(bind(table, c, v).map_err(MergeError::Other)?);
                    marks.push(match c.geometry {
                        Some(_) => format!("ST_GeomFromWKB(${}, 4326)", i + 1),
                        None => format!("${}", i + 1),
                    });
                }
                let names: Vec<String> = cols.iter().map(|c| ident(&c.name)).collect();
                let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|b| b.as_ref()).collect();
                tx.execute(
                    &format!(
                        "INSERT INTO {t} ({}) VALUES ({})",
                        names.join(", "),
                        marks.join(", ")
                    ),
                    &refs,
                )?;
            }
            Push::Fields(fields) => {
                let mut params: Vec<Box<dyn ToSql + Sync>> = vec![Box::new(key.clone())];
                let mut sets = Vec::new();
                for (f, v) in fields {
                    let Some(c) = cols.iter().find(|c| c.name == *f) else {
                        continue;
                    };
                    params.push(bind(table, c, v).map_err(MergeError::Other)?);
                    let n = params.len();
                    sets.push(match c.geometry {
                        Some(_) => format!("{} = ST_GeomFromWKB(${n}, 4326)", ident(f)),
                        None => format!("{} = ${n}", ident(f)),
                    });
                }
                if sets.is_empty() {
                    continue;
                }
                let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|b| b.as_ref()).collect();
                tx.execute(
                    &format!(
                        "UPDATE {t} SET {} WHERE {} = $1",
                        sets.join(", "),
                        ident(key_col)
                    ),
                    &refs,
                )?;
            }
        }
    }
    let st = tx.prepare(
        "INSERT INTO qn_server_log (op_key, tbl, record_key, kind, field, before, after, author, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::timestamptz)
         ON CONFLICT (op_key) DO UPDATE SET op_key = EXCLUDED.op_key
         RETURNING seq",
    )?;
    for o in &plan.push_ops {
        let kind = match o.kind {
            OpKind::Insert => "insert",
            OpKind::Update => "update",
            OpKind::Delete => "delete",
        };
        let seq: i64 = tx
            .query_one(
                &st,
                &[
                    &o.op_key,
                    &o.table,
                    &o.record_key,
                    &kind,
                    &o.field,
                    &log_text(&o.before),
                    &log_text(&o.after),
                    &o.author,
                    &o.at,
                ],
            )?
            .get(0);
        plan.outcome.acked.push((o.seq, seq));
    }
    Ok(())
}
