//! The three-way merge of one copy of the plan with what another side changed (the shared
//! plan's log since the copy last saw it, or a change bundle), per record and per field. The
//! local operations the other side has not acknowledged say which fields changed here; the
//! other side's operations say which changed there; the tables hold the values.
//! - different fields of one record merge (a geometry is one field);
//! - one field changed on both sides to different values, or a record updated on one side
//!   and deleted on the other, is a conflict: both values are kept, the record keeps the
//!   local value, and the local operations on that field wait for the planner's decision —
//!   nothing is resolved silently;
//! - the same change on both sides is no conflict.
//!
//! Nothing is written here, and the merge itself reads nothing: [`gather`] reads its inputs
//! (this copy's rows and log, the other side's rows), [`merge`] — a pure function — says what
//! to apply locally (a `SyncOutcome` for the store) and what to send (for the server).

use super::types::{Conflict, PendingOp, RemoteApply, RemoteChange, RemoteOp, SyncOutcome};
use crate::model::oplog::OpKind;
use crate::store::{Cell, ProjectFile, SharedTable, StoreError};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Which other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// The shared plan; `push` false for a role that may only read.
    Server { push: bool },
    /// A change bundle: nothing is sent back, and what comes in waits for the next sync.
    #[default]
    Bundle,
}

/// One record's sides.
#[derive(Default)]
struct Record {
    local_ops: Vec<PendingOp>,
    remote_ops: Vec<RemoteOp>,
}

/// Both sides' operations by (table rank, table) and record key.
type Records = BTreeMap<(usize, String), BTreeMap<String, Record>>;

/// The record of `key` in `table` (rank `rank` among the shared tables; none for a table
/// that is not shared).
fn record<'a>(
    records: &'a mut Records,
    rank: Option<usize>,
    table: &str,
    key: &str,
) -> Option<&'a mut Record> {
    Some(
        records
            .entry((rank?, table.to_string()))
            .or_default()
            .entry(key.to_string())
            .or_default(),
    )
}

/// The plan of one merge, computed from both sides before anything is written.
#[derive(Default)]
pub struct Plan {
    /// What to write into the copy.
    pub outcome: SyncOutcome,
    /// Writes for the other side: (table, key, what).
    pub push: Vec<(String, String, Push)>,
    /// Local operations whose log rows go to the other side now.
    pub push_ops: Vec<PendingOp>,
    /// Records changed here by the other side.
    pub pulled: usize,
}

/// Reads the other side's current rows of a table (its columns as the copy has them) for the
/// given keys; a record it lacks is left out.
pub type RowFetch<'a, E> = dyn FnMut(&SharedTable, &[String]) -> Result<Vec<Vec<Cell>>, E> + 'a;

/// A write of one record on the other side.
pub enum Push {
    Insert(Vec<Cell>),
    Fields(Vec<(String, Cell)>),
    Delete,
}

/// Values equal for the merge: numbers by value, a geometry by its WKB.
pub fn same(a: &Cell, b: &Cell) -> bool {
    match (a, b) {
        (Cell::Int(x), Cell::Real(y)) | (Cell::Real(y), Cell::Int(x)) => (*x as f64) == *y,
        _ => a == b,
    }
}

/// A value as the server log's text shows it (a geometry is not spelt out).
pub fn log_text(c: &Cell) -> Option<String> {
    match c {
        Cell::Null | Cell::Wkb(_) => None,
        Cell::Int(i) => Some(i.to_string()),
        Cell::Real(r) => Some(r.to_string()),
        Cell::Text(t) => Some(t.clone()),
    }
}

/// Why the other side's value `v` may not stand in `table.c` of the copy (a NOT NULL column
/// left empty, a rule of `store::domain` broken, a geometry that is not one or has a
/// coordinate that is not a finite number), or `None`.
pub fn refused(table: &str, c: &crate::store::SharedColumn, v: &Cell) -> Option<String> {
    if c.not_null && *v == Cell::Null {
        return Some(format!("{table}.{} is empty", c.name));
    }
    if let Some(declared) = c.geometry {
        return match v {
            Cell::Null => None,
            Cell::Wkb(w) => match crate::store::geometry_of_wkb(w) {
                None => Some(format!("{table}.{} is not a geometry", c.name)),
                Some(g) => {
                    use geo::CoordsIter;
                    let kind = crate::store::geometry_kind(&g);
                    if g.coords_iter()
                        .any(|p| !p.x.is_finite() || !p.y.is_finite())
                    {
                        Some(format!(
                            "{table}.{} has a coordinate that is not a number",
                            c.name
                        ))
                    } else if declared != "GEOMETRY" && !kind.eq_ignore_ascii_case(declared) {
                        Some(format!(
                            "{table}.{} holds a {kind} where a {declared} belongs",
                            c.name
                        ))
                    } else {
                        None
                    }
                }
            },
            _ => Some(format!("{table}.{} is not a geometry", c.name)),
        };
    }
    let numeric = matches!(
        crate::store::column_type(&c.decl),
        "INTEGER" | "INT" | "TINYINT" | "SMALLINT" | "MEDIUMINT" | "REAL" | "DOUBLE" | "FLOAT"
    );
    if numeric {
        match v {
            Cell::Text(t) => {
                return Some(format!(
                    "{table}.{} holds text («{t}») where a number belongs",
                    c.name
                ));
            }
            Cell::Wkb(_) => {
                return Some(format!(
                    "{table}.{} holds a geometry where a number belongs",
                    c.name
                ));
            }
            Cell::Real(r) if !r.is_finite() => {
                return Some(format!(
                    "{table}.{} holds {r}, which is not a number",
                    c.name
                ));
            }
            _ => {}
        }
    }
    crate::store::domain::check_value(table, &c.name, v)
}

/// Everything the merge decides from, gathered before it runs ([`gather`]): the merge itself
/// ([`merge`]) reads nothing and writes nothing, so it can be tested alone.
#[derive(Debug, Clone, Default)]
pub struct MergeInput {
    pub mode: Mode,
    /// The other side's operations since this copy last saw it, in its order.
    pub remote: Vec<RemoteOp>,
    /// This copy's operations the other side has not acknowledged, in the log's order.
    pub local: Vec<PendingOp>,
    /// This copy's conflicts (open, or decided and not yet synced).
    pub conflicts: Vec<Conflict>,
    /// Keys of the other side's operations this copy already holds (brought by a bundle or an
    /// earlier sync).
    pub known: HashSet<String>,
    /// The shared tables, parents first, each with its key column.
    pub tables: Vec<(String, String)>,
    /// For each table where a record changed on either side: both sides' rows of those records.
    pub rows: BTreeMap<String, TableRows>,
}

/// Both sides' rows of the records a merge looks at, in one table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRows {
    /// This copy's rows (and the table's shared columns, which the other side's rows follow).
    pub here: SharedTable,
    /// The other side's rows (a record it lacks is left out).
    pub there: Vec<Vec<Cell>>,
}

/// The records either side changed, grouped by table in the shared tables' order; the local
/// operations the other side already holds (acknowledged now); the conflicts decided "theirs"
/// whose record comes back.
struct Grouped {
    records: Records,
    acked: Vec<(i64, i64)>,
    refetched: Vec<i64>,
}

fn group(
    remote: &[RemoteOp],
    local: &[PendingOp],
    conflicts: &[Conflict],
    known: &HashSet<String>,
    tables: &[(String, String)],
    mode: Mode,
) -> Grouped {
    let local_keys: HashMap<&str, i64> = local.iter().map(|o| (o.op_key.as_str(), o.seq)).collect();
    let rank = |t: &str| tables.iter().position(|(x, _)| x == t);
    let mut g = Grouped {
        records: BTreeMap::new(),
        acked: Vec::new(),
        refetched: Vec::new(),
    };
    let mut acked_local: HashSet<i64> = HashSet::new();
    for op in remote {
        if let Some(seq) = local_keys.get(op.op_key.as_str()) {
            // One of ours. From the server: pushed by a sync whose local half never finished
            // (or by another copy that had it from a bundle), so acknowledged. In a bundle:
            // it came back, nothing to do.
            if let Mode::Server { .. } = mode {
                g.acked.push((*seq, op.seq));
                acked_local.insert(*seq);
            }
            continue;
        }
        if known.contains(&op.op_key) {
            continue;
        }
        if let Some(rec) = record(&mut g.records, rank(&op.table), &op.table, &op.record_key) {
            rec.remote_ops.push(op.clone());
        }
    }
    for op in local {
        if acked_local.contains(&op.seq) {
            continue;
        }
        if let Some(rec) = record(&mut g.records, rank(&op.table), &op.table, &op.record_key) {
            rec.local_ops.push(op.clone());
        }
    }
    // Records decided "theirs" after a local delete come back from the server.
    for c in conflicts.iter().filter(|c| c.refetch) {
        if let (Some(r), Some(id)) = (rank(&c.table), c.id) {
            g.records
                .entry((r, c.table.clone()))
                .or_default()
                .entry(c.record_key.clone())
                .or_default();
            g.refetched.push(id);
        }
    }
    g
}

/// Reads what [`merge`] needs: which of the other side's operations this copy holds, and both
/// sides' current rows of every record either side changed (the other side's through `fetch`).
pub fn gather<E: From<StoreError>>(
    pf: &ProjectFile,
    remote: Vec<RemoteOp>,
    local: Vec<PendingOp>,
    conflicts: Vec<Conflict>,
    mode: Mode,
    fetch: &mut RowFetch<'_, E>,
) -> Result<MergeInput, E> {
    let local_keys: HashSet<&str> = local.iter().map(|o| o.op_key.as_str()).collect();
    let known = pf.known_op_keys(
        &remote
            .iter()
            .filter(|o| !local_keys.contains(o.op_key.as_str()))
            .map(|o| o.op_key.clone())
            .collect::<Vec<_>>(),
    )?;
    let tables: Vec<(String, String)> = pf
        .shared_tables()
        .into_iter()
        .map(|(t, k)| (t.to_string(), k.to_string()))
        .collect();
    let g = group(&remote, &local, &conflicts, &known, &tables, mode);
    let mut rows = BTreeMap::new();
    for ((_, table), recs) in &g.records {
        let key_col = key_column(&tables, table);
        let keys: Vec<String> = recs.keys().cloned().collect();
        let here = pf.shared_rows(table, key_col, &keys)?;
        let there = fetch(
            &SharedTable {
                rows: Vec::new(),
                ..here.clone()
            },
            &keys,
        )?;
        rows.insert(table.clone(), TableRows { here, there });
    }
    Ok(MergeInput {
        mode,
        remote,
        local,
        conflicts,
        known,
        tables,
        rows,
    })
}

fn key_column<'a>(tables: &'a [(String, String)], table: &str) -> &'a str {
    tables
        .iter()
        .find(|(t, _)| t == table)
        .map(|(_, k)| k.as_str())
        .unwrap_or("key")
}

/// Both sides of every record either side changed, and what to do with each: a pure function
/// of its input.
pub fn merge(input: &MergeInput) -> Plan {
    let mut plan = Plan::default();
    let mode = input.mode;
    let push = mode == Mode::Server { push: true };
    let g = group(
        &input.remote,
        &input.local,
        &input.conflicts,
        &input.known,
        &input.tables,
        mode,
    );
    plan.outcome.acked = g.acked;
    plan.outcome.refetched = g.refetched;
    let open: HashSet<(&str, &str, &str)> = input
        .conflicts
        .iter()
        .filter(|c| c.resolution.is_none())
        .map(|c| (c.table.as_str(), c.record_key.as_str(), c.field.as_str()))
        .collect();
    for ((_, table), recs) in g.records {
        let key_col = key_column(&input.tables, &table);
        let Some(rows) = input.rows.get(&table) else {
            continue;
        };
        let local_rows = &rows.here;
        let ki = local_rows
            .columns
            .iter()
            .position(|c| c.name == key_col)
            .unwrap_or(0);
        let by_key = |rows: &[Vec<Cell>]| -> HashMap<String, Vec<Cell>> {
            rows.iter()
                .filter_map(|r| match r.get(ki) {
                    Some(Cell::Text(k)) => Some((k.clone(), r.clone())),
                    _ => None,
                })
                .collect()
        };
        let here = by_key(&local_rows.rows);
        let there = by_key(&rows.there);
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
                &local_rows.columns,
                push,
                mode,
            );
        }
    }
    plan
}

/// [`gather`] then [`merge`].
pub fn plan<E: From<StoreError>>(
    pf: &ProjectFile,
    remote: Vec<RemoteOp>,
    local: Vec<PendingOp>,
    conflicts: &[Conflict],
    mode: Mode,
    fetch: &mut RowFetch<'_, E>,
) -> Result<Plan, E> {
    let input = gather(pf, remote, local, conflicts.to_vec(), mode, fetch)?;
    Ok(merge(&input))
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
    columns: &[crate::store::SharedColumn],
    push: bool,
    mode: Mode,
) {
    let held_record = open.contains(&(table, key, "*"));
    let held = |f: &str| held_record || open.contains(&(table, key, f));
    let last_server = rec.remote_ops.last();
    let server_seq = match mode {
        Mode::Server { .. } => Some(last_server.map_or(0, |o| o.seq)),
        // A bundle's operations wait here for the next sync to take them to the server.
        Mode::Bundle => None,
    };
    let op_keys: Vec<(String, String)> = rec
        .remote_ops
        .iter()
        .map(|o| (o.field.clone(), o.op_key.clone()))
        .collect();
    let server_author = last_server.and_then(|o| o.author.clone());
    let server_at = last_server.map(|o| o.at.clone());
    let server_deleted = rec.remote_ops.iter().any(|o| o.kind == OpKind::Delete);
    let server_fields: BTreeSet<&str> = rec
        .remote_ops
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
            op_keys: op_keys.clone(),
            author: server_author.clone(),
            at: server_at.clone(),
        });
    };
    let record_conflict = |plan: &mut Plan, mine_deleted: bool, theirs_deleted: bool| {
        plan.outcome.conflicts.push(Conflict {
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
            reason: None,
            ..Default::default()
        });
    };
    // A value of the other side that breaks a rule of the file is set aside as a conflict
    // with its reason, never written: the rest of the sync goes on.
    let set_aside = |plan: &mut Plan, field: &str, mine: Cell, theirs: Cell, why: String| {
        plan.outcome.conflicts.push(Conflict {
            table: table.to_string(),
            record_key: key.to_string(),
            field: field.to_string(),
            base: Cell::Null,
            mine,
            theirs,
            mine_deleted: false,
            theirs_deleted: false,
            theirs_author: server_author.clone(),
            theirs_at: server_at.clone(),
            reason: Some(why),
            ..Default::default()
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
                let bad: Vec<(usize, String)> = columns
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| Some((i, refused(table, c, sr.get(i)?)?)))
                    .collect();
                if bad.is_empty() {
                    pulled_change(plan, RemoteChange::Row(sr.clone()));
                } else {
                    for (i, why) in bad {
                        set_aside(plan, &columns[i].name, Cell::Null, sr[i].clone(), why);
                    }
                }
            }
        }
        (Some(lr), Some(sr)) => {
            let mut apply = Vec::new();
            let mut push_fields = Vec::new();
            for f in &server_fields {
                let Some(i) = col(f) else { continue };
                // A field held by an open conflict takes the newer server value; one changed
                // here too, to another value, is a new conflict; else the server's value comes.
                let conflict = if held(f) {
                    open.contains(&(table, key, *f))
                } else if local_fields.contains(f) {
                    !same(&lr[i], &sr[i])
                } else {
                    if !same(&lr[i], &sr[i]) {
                        match columns.get(i).and_then(|c| refused(table, c, &sr[i])) {
                            None => apply.push(((*f).to_string(), sr[i].clone())),
                            Some(why) => set_aside(plan, f, lr[i].clone(), sr[i].clone(), why),
                        }
                    }
                    false
                };
                if conflict {
                    plan.outcome.conflicts.push(Conflict {
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
                        reason: columns.get(i).and_then(|c| refused(table, c, &sr[i])),
                        ..Default::default()
                    });
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
