//! `qn-planner sync FILE.gpkg [URL]`: a laptop's copy and the shared plan meet.
//!
//! In one server transaction that holds the log's lock (so syncs, and edits made directly in
//! the database, wait their turn): pull every server operation since the last one this copy
//! saw, merge per field against the local operations the server has not acknowledged
//! (`crate::sync::merge`), push what merged, commit; then write what came in and what was
//! acknowledged into the GeoPackage in one transaction. A push repeated after a dropped
//! connection applies nothing twice: each local operation keeps its key in the server's log,
//! and a key already there is acknowledged, not applied.

use super::{ServerError, bind, fetch_rows, ident, safe_url};
use crate::model::oplog::OpKind;
use crate::store::ProjectFile;
use crate::sync::RemoteOp;
use crate::sync::merge::{Mode, Plan, Push, log_text};
use postgres::types::ToSql;
use std::collections::HashMap;

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
    pub open: Vec<crate::sync::Conflict>,
    /// The role may only read: nothing was pushed (what came in was applied).
    pub push_refused: Option<String>,
    /// Shared reference layers received by this sync, with their features.
    pub layers: Vec<(String, usize)>,
    /// A shared layer that could not be received (the sync itself is done).
    pub layer_error: Option<String>,
    pub server_seq: i64,
    /// The records the sync changed in the copy: (table, key).
    pub touched: Vec<(String, String)>,
}

/// Refuses a sync of `pf` with a server that holds another plan than the copy's. A copy made
/// before plans had an identity takes the server's when the server is the one it remembers.
fn check_same_plan(
    safe: &str,
    stored: &str,
    pf: &mut ProjectFile,
    server: &super::PlanIdentity,
) -> Result<(), ServerError> {
    match pf.plan()? {
        Some(local) if local.id == server.id => Ok(()),
        Some(local) => Err(ServerError::OtherPlan {
            url: safe.to_string(),
            server: server.describe(),
            local: local.describe(),
        }),
        None => {
            let remembered = pf.meta("server_url")?;
            match remembered {
                Some(u) if super::strip_password(&u) != stored => Err(ServerError::OtherPlan {
                    url: safe.to_string(),
                    server: server.describe(),
                    local: format!("the plan at {u}"),
                }),
                _ => Ok(pf.set_plan(server)?),
            }
        }
    }
}

/// Syncs the project `pf` with the shared plan at `url` (see the module comment).
pub fn sync(url: &str, pf: &mut ProjectFile) -> Result<SyncReport, ServerError> {
    sync_with(url, None, pf, None, &|_| {})
}

/// Where a sync stands, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Connecting,
    /// Pulling the server's operations and merging them with the copy's.
    Merging,
    /// Sending the copy's operations.
    Pushing,
    /// Writing what came in into the GeoPackage.
    Writing,
    /// Receiving shared reference layers.
    Layers,
}

/// Told each phase as a sync enters it.
pub type Progress<'a> = &'a (dyn Fn(Phase) + Sync);

/// Where a sync running on another thread leaves the means to cancel it.
pub type CancelSlot = std::sync::Mutex<Option<(postgres::CancelToken, super::tls::Connector)>>;

/// Cancels the sync that left its token in `slot`: the server abandons its transaction, so
/// nothing of it is applied on either side.
pub fn cancel(slot: &CancelSlot) {
    let token = slot.lock().ok().and_then(|t| t.clone());
    if let Some((t, tls)) = token {
        let _ = t.cancel_query(tls);
    }
}

/// [`sync`] with a password typed by the planner, leaving a cancel token in `cancel_slot`.
pub fn sync_with(
    url: &str,
    password: Option<&str>,
    pf: &mut ProjectFile,
    cancel_slot: Option<&CancelSlot>,
    progress: Progress<'_>,
) -> Result<SyncReport, ServerError> {
    let safe = safe_url(url);
    progress(Phase::Connecting);
    let (mut client, tls) = super::connect_tls(url, password)?;
    if let Some(slot) = cancel_slot
        && let Ok(mut s) = slot.lock()
    {
        *s = Some((client.cancel_token(), tls));
    }
    let stored = super::strip_password(url);
    let identity = super::schema::check_plan(&mut client, &safe, pf)?;
    check_same_plan(&safe, &stored, pf, &identity)?;
    let mut report = match sync_once(&mut client, &safe, &stored, pf, true, progress) {
        Err(ServerError::Database { source, .. })
            if source.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) =>
        {
            // A role that may only read: pull, push nothing.
            let why = source
                .as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_else(|| source.to_string());
            let mut r = sync_once(&mut client, &safe, &stored, pf, false, progress)?;
            r.push_refused = Some(why);
            r
        }
        other => other?,
    };
    // Shared reference layers this copy does not hold yet.
    progress(Phase::Layers);
    match super::layers::receive(&mut client, &safe, pf) {
        Ok(l) => report.layers = l,
        Err(e) => report.layer_error = Some(e.to_string()),
    }
    Ok(report)
}

fn sync_once(
    client: &mut postgres::Client,
    safe: &str,
    stored: &str,
    pf: &mut ProjectFile,
    push: bool,
    progress: Progress<'_>,
) -> Result<SyncReport, ServerError> {
    let db = |source| crate::server::db_error(safe, source);
    let last: i64 = pf
        .meta("server_seq")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    progress(Phase::Merging);
    let mut tx = client.transaction().map_err(db)?;
    if push {
        // Syncs and direct edits (whose trigger writes to the log) wait their turn, for the
        // session's lock_timeout at most (an edit session left open in QGIS holds it).
        if let Err(e) = tx.batch_execute("LOCK TABLE qn_server_log IN SHARE ROW EXCLUSIVE MODE") {
            drop(tx);
            if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) {
                return Err(ServerError::Locked {
                    url: safe.to_string(),
                    holders: lock_holders(client),
                });
            }
            return Err(db(e));
        }
    } else {
        tx.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .map_err(db)?;
    }
    // Fields added on either side travel before the records do; a dropped or retyped one
    // is refused, nothing applied.
    let columns = reconcile_columns(&mut tx, safe, pf, push)?;
    let server_ops: Vec<RemoteOp> = tx
        .query(
            "SELECT seq, op_key, tbl, record_key, kind, field, author, at::text
             FROM qn_server_log WHERE seq > $1 ORDER BY seq",
            &[&last],
        )
        .map_err(db)?
        .iter()
        .filter_map(|r| {
            Some(RemoteOp {
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
    let mut fetch = |t: &crate::store::SharedTable, keys: &[String]| {
        fetch_rows(&mut tx, t, Some(keys)).map_err(MergeError::Db)
    };
    let mut plan = crate::sync::merge::plan(
        pf,
        server_ops,
        local,
        &conflicts,
        Mode::Server { push },
        &mut fetch,
    )
    .map_err(|e| match e {
        MergeError::Db(e) => db(e),
        MergeError::Other(e) => e,
    })?;
    if push && (!plan.push.is_empty() || !plan.push_ops.is_empty()) {
        progress(Phase::Pushing);
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
    let server_seq = if push { seq } else { seq.max(last) };
    plan.outcome.new_columns = columns.added_here;
    // After the records of the same table (a new record first, then its new field).
    plan.outcome.apply.extend(columns.values);
    plan.outcome.server_columns = Some(columns.on_server);
    plan.outcome.server_seq = Some(server_seq);
    plan.outcome.server_url = Some(stored.to_string());
    progress(Phase::Writing);
    // Written here first, committed there, then here: a write this copy refuses rolls the
    // server's transaction back (nothing pushed), and a server that cannot commit leaves
    // this copy as it was. (Killed between the two commits, the next sync finds its pushed
    // operations on the server by their keys and applies nothing twice.)
    let mut server_tx = Some(tx);
    let mut server_failed: Option<postgres::Error> = None;
    let written = pf.apply_sync_then(&plan.outcome, &mut || match server_tx
        .take()
        .map(|t| t.commit())
    {
        Some(Err(e)) => {
            server_failed = Some(e);
            Err(crate::store::StoreError::Cancelled)
        }
        _ => Ok(()),
    });
    if let Some(e) = server_failed {
        return Err(db(e));
    }
    written?;
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
        layers: Vec::new(),
        layer_error: None,
        server_seq,
        touched: plan
            .outcome
            .apply
            .iter()
            .map(|a| (a.table.clone(), a.record_key.clone()))
            .collect(),
    })
}

/// What [`reconcile_columns`] found and did.
pub(crate) struct Columns {
    /// Columns added on the server, to add here.
    pub added_here: Vec<crate::store::NewColumn>,
    /// Their values on the server, to write here.
    pub values: Vec<crate::sync::RemoteApply>,
    /// Every shared table's columns on the server now.
    pub on_server: std::collections::BTreeMap<String, Vec<String>>,
}

/// Brings the shared tables' columns into step: a column added here (and never seen on the
/// server) is added there through `qn_add_column`; one added there is added here with its
/// values; a column dropped on either side, or of another kind on each, is refused with a
/// clear message (qn-planner carries additions, not removals).
pub(crate) fn reconcile_columns(
    tx: &mut postgres::Transaction<'_>,
    safe: &str,
    pf: &ProjectFile,
    push: bool,
) -> Result<Columns, ServerError> {
    use crate::store::{NewColumn, pg_type_of_decl, sqlite_type_of_pg};
    let db = |source| crate::server::db_error(safe, source);
    let refuse = |msg: String| ServerError::SchemaChange(safe.to_string(), msg);
    let seen = pf.seen_server_columns()?;
    let mut out = Columns {
        added_here: Vec::new(),
        values: Vec::new(),
        on_server: std::collections::BTreeMap::new(),
    };
    let seq: i64 = tx
        .query_one("SELECT coalesce(max(seq), 0) FROM qn_server_log", &[])
        .map_err(db)?
        .get(0);
    for (table, key) in pf.shared_tables() {
        let there: Vec<(String, String)> = tx
            .query(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                &[&table],
            )
            .map_err(db)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        if there.is_empty() {
            continue;
        }
        let here = pf.shared_columns(table)?;
        let was_seen = |c: &str| seen.get(table).is_some_and(|l| l.iter().any(|x| x == c));
        let mut names: Vec<String> = there.iter().map(|(n, _)| n.clone()).collect();
        for (name, decl) in &here {
            match there.iter().find(|(n, _)| n == name) {
                Some((_, pg)) if pg == "USER-DEFINED" => {}
                Some((_, pg)) => {
                    let mine = crate::store::column_type(decl);
                    let kind = |t: &str| match t {
                        "INTEGER" | "INT" | "TINYINT" | "SMALLINT" | "MEDIUMINT" | "BOOLEAN" => {
                            "INTEGER"
                        }
                        "REAL" | "DOUBLE" | "FLOAT" => "REAL",
                        _ => "TEXT",
                    };
                    if sqlite_type_of_pg(pg).is_some_and(|t| kind(t) != kind(mine)) {
                        return Err(refuse(format!(
                            "the field {name} of {table} is {pg} on the server and {decl} here: a field retyped is not carried by a sync; give it back its type on one side"
                        )));
                    }
                }
                None if was_seen(name) => {
                    return Err(refuse(format!(
                        "the field {name} of {table} was removed from the shared plan; qn-planner carries added fields, not removed ones: add it back on the server, or remove it here too"
                    )));
                }
                // A plan published before schema 11: the copy keeps the new columns as its own
                // until a copy that may add fields syncs (clones and viewers read only).
                None if !push && crate::store::added_by_schema_11(name) => {}
                None if !push => {
                    return Err(refuse(format!(
                        "this copy has a field {name} of {table} that the shared plan lacks, and this role may not add it"
                    )));
                }
                None => {
                    tx.execute(
                        "SELECT qn_add_column($1, $2, $3)",
                        &[&table, name, &pg_type_of_decl(decl)],
                    )
                    .map_err(db)?;
                    names.push(name.clone());
                }
            }
        }
        for (name, pg) in &there {
            if here.iter().any(|(n, _)| n == name) {
                continue;
            }
            if was_seen(name) {
                return Err(refuse(format!(
                    "the field {name} of {table} is on the shared plan but was removed from this copy; add it back here (qn-planner field add), or remove it on the server too"
                )));
            }
            let Some(decl) = sqlite_type_of_pg(pg) else {
                return Err(refuse(format!(
                    "the field {name} of {table} on the server is of type {pg}, which a copy cannot hold (text, whole numbers or numbers)"
                )));
            };
            out.added_here.push(NewColumn {
                table: table.to_string(),
                name: name.clone(),
                decl,
            });
            // Its values, as the records' changes of this sync.
            let sql = format!(
                "SELECT {k}::text, {c}{cast} FROM {t} WHERE {c} IS NOT NULL",
                k = super::ident(key),
                c = super::ident(name),
                cast = match decl {
                    "INTEGER" => "::bigint",
                    "REAL" => "::double precision",
                    _ => "::text",
                },
                t = super::ident(table),
            );
            for r in tx.query(&sql, &[]).map_err(db)? {
                let value = match decl {
                    "INTEGER" => crate::store::Cell::Int(r.get(1)),
                    "REAL" => crate::store::Cell::Real(r.get(1)),
                    _ => crate::store::Cell::Text(r.get(1)),
                };
                out.values.push(crate::sync::RemoteApply {
                    table: table.to_string(),
                    key_column: key.to_string(),
                    record_key: r.get(0),
                    change: crate::sync::RemoteChange::Fields(vec![(name.clone(), value)]),
                    server_seq: Some(seq),
                    op_keys: Vec::new(),
                    author: None,
                    at: None,
                });
            }
        }
        out.on_server.insert(table.to_string(), names);
    }
    Ok(out)
}

/// Who holds the log's lock: the sessions with a transaction open on it, as a planner can
/// tell them apart ("QGIS (role lan, from 10.0.0.7) since 2026-12-07 10:03:11, idle in
/// transaction"). What the server does not show this role is left out.
fn lock_holders(client: &mut postgres::Client) -> String {
    let rows = client
        .query(
            "SELECT coalesce(nullif(a.application_name, ''), 'a client'), a.usename::text,
                    a.client_addr::text, to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS'), a.state
             FROM pg_stat_activity a
             WHERE a.pid <> pg_backend_pid() AND a.datname = current_database()
               AND a.pid IN (SELECT l.pid FROM pg_locks l
                             WHERE l.relation = 'qn_server_log'::regclass AND l.granted)
             ORDER BY a.xact_start NULLS LAST",
            &[],
        )
        .unwrap_or_default();
    let list: Vec<String> = rows
        .iter()
        .map(|r| {
            let app: String = r.get(0);
            let who: Option<String> = r.get(1);
            let from: Option<String> = r.get(2);
            let since: Option<String> = r.get(3);
            let state: Option<String> = r.get(4);
            let mut t = app;
            let mut about = Vec::new();
            if let Some(w) = who {
                about.push(format!("role {w}"));
            }
            if let Some(f) = from {
                about.push(format!("from {}", f.trim_end_matches("/32")));
            }
            if !about.is_empty() {
                t.push_str(&format!(" ({})", about.join(", ")));
            }
            if let Some(s) = since {
                t.push_str(&format!(" since {s}"));
            }
            if let Some(s) = state {
                t.push_str(&format!(", {s}"));
            }
            t
        })
        .collect();
    if list.is_empty() {
        "another session; it may have ended since".into()
    } else {
        list.join("; ")
    }
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
         ON CONFLICT (op_key) DO NOTHING
         RETURNING seq",
    )?;
    // A key already in the log (a push repeated after a dropped connection): its number.
    let known = tx.prepare("SELECT seq FROM qn_server_log WHERE op_key = $1")?;
    for o in &plan.push_ops {
        let kind = match o.kind {
            OpKind::Insert => "insert",
            OpKind::Update => "update",
            OpKind::Delete => "delete",
        };
        let seq: i64 = match tx.query_opt(
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
        )? {
            Some(r) => r.get(0),
            None => tx.query_one(&known, &[&o.op_key])?.get(0),
        };
        plan.outcome.acked.push((o.seq, seq));
    }
    Ok(())
}
