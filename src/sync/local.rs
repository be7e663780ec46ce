//! The local side of a sync with the shared plan: the operations the server has not
//! acknowledged, the current rows of given records, the open conflicts, the planner's decision
//! on one, and applying what a sync brought — all in the GeoPackage, each write in one
//! transaction. The server side (pull, merge, push) is `crate::server::sync`; the merge between
//! them is [`super::merge`].
//!
//! These are methods of [`ProjectFile`] written here, beside the sync they serve, through the
//! store's own write path (`guarded`, `begin_write`, `finish_write`): every write is one locked
//! transaction, as any other edit of the file.

use super::types::{
    Conflict, Decision, PendingOp, PlanIdentity, RemoteApply, RemoteChange, SyncOutcome, SyncStatus,
};
use crate::store::shared::{cell_of, gpkg_blob};
use crate::store::{Cell, ProjectFile, SharedTable, StoreError, ident};
use rusqlite::types::Value as V;
use rusqlite::{OptionalExtension, params};

fn value_of(c: &Cell) -> Result<V, crate::store::geom::GeomError> {
    Ok(match c {
        Cell::Null => V::Null,
        Cell::Int(i) => V::Integer(*i),
        Cell::Real(r) => V::Real(*r),
        Cell::Text(t) => V::Text(t.clone()),
        Cell::Wkb(w) => V::Blob(gpkg_blob(w)?),
    })
}

/// An operation key written as a UUID, as the 16 bytes the log stores.
fn op_key_blob(text: &str) -> Option<Vec<u8>> {
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 {
        return None;
    }
    (0..16)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect()
}

impl ProjectFile {
    /// Where this copy stands with the shared plan.
    pub fn sync_status(&self) -> Result<SyncStatus, StoreError> {
        let sq = |e| StoreError::sqlite(&self.path, e);
        let count = |sql: &str| -> Result<usize, StoreError> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| usize::try_from(n).unwrap_or(0))
                .map_err(sq)
        };
        Ok(SyncStatus {
            server_url: self.meta("server_url")?,
            last_sync_at: self.meta("last_sync_at")?,
            pending: count("SELECT count(*) FROM qn_oplog WHERE server_seq IS NULL")?,
            open_conflicts: count("SELECT count(*) FROM qn_conflicts WHERE resolved_at IS NULL")?,
        })
    }

    /// Which of `keys` (operation keys as UUIDs) this copy's log holds.
    pub fn known_op_keys(
        &self,
        keys: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        if keys.is_empty() {
            return Ok(Default::default());
        }
        let blobs: Vec<String> = keys
            .iter()
            .filter_map(|k| op_key_blob(k).map(|b| b.iter().map(|x| format!("{x:02X}")).collect()))
            .collect();
        let list = serde_json::to_string(&blobs).unwrap_or_else(|_| "[]".into());
        let mut st = self
            .conn
            .prepare(
                "SELECT DISTINCT op_key FROM qn_oplog
                 WHERE hex(op_key) IN (SELECT value FROM json_each(?1))",
            )
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        st.query_map([list], |r| r.get::<_, Vec<u8>>(0))
            .and_then(|r| r.collect::<rusqlite::Result<Vec<_>>>())
            .map(|v| {
                v.iter()
                    .map(|b| crate::store::shared::op_key_text(b))
                    .collect()
            })
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// The shared plan this copy belongs to (`None`: not a copy, or made before plans had an
    /// identity).
    pub fn plan(&self) -> Result<Option<PlanIdentity>, StoreError> {
        Ok(match self.meta("plan_id")? {
            Some(id) if !id.is_empty() => Some(PlanIdentity {
                id,
                published_from: self.meta("plan_published_from")?.unwrap_or_default(),
                published_at: self.meta("plan_published_at")?.unwrap_or_default(),
            }),
            _ => None,
        })
    }

    /// Records the shared plan this copy belongs to.
    pub fn set_plan(&mut self, plan: &PlanIdentity) -> Result<(), StoreError> {
        self.set_meta("plan_id", &plan.id)?;
        self.set_meta("plan_published_from", &plan.published_from)?;
        self.set_meta("plan_published_at", &plan.published_at)
    }

    /// Makes the project just published a copy of the plan: it remembers the server (no
    /// password) and the plan, and its operations so far count as acknowledged (the server
    /// holds their result). One transaction.
    pub fn link_to_plan(
        &mut self,
        server_url: &str,
        server_seq: i64,
        plan: &PlanIdentity,
    ) -> Result<(), StoreError> {
        self.guarded(|pf| {
            let (tx, path) = pf.begin_write()?;
            let sq = |e| StoreError::sqlite(&path, e);
            tx.execute(
                "UPDATE qn_oplog SET server_seq = 0 WHERE server_seq IS NULL",
                [],
            )
            .map_err(sq)?;
            for (k, v) in [
                ("server_url", server_url.to_string()),
                ("server_seq", server_seq.to_string()),
                ("plan_id", plan.id.clone()),
                ("plan_published_from", plan.published_from.clone()),
                ("plan_published_at", plan.published_at.clone()),
            ] {
                tx.execute(
                    "INSERT INTO qn_meta (key, value) VALUES (?1, ?2)
                       ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![k, v],
                )
                .map_err(sq)?;
            }
            crate::store::scenarios::finish_write(tx, &[], None).map_err(sq)
        })
    }

    /// A value of this copy's link to the shared plan (`server_url`, `server_seq`).
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM qn_meta WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// The operations the server has not acknowledged, oldest first.
    pub fn pending_operations(&self) -> Result<Vec<PendingOp>, StoreError> {
        let rows = self.raw_ops(
            &format!(
                "SELECT {} FROM qn_oplog WHERE server_seq IS NULL ORDER BY seq",
                crate::store::shared::RAW_OP_COLUMNS
            ),
            [],
        )?;
        Ok(rows
            .into_iter()
            .map(|o| PendingOp {
                seq: o.seq,
                op_key: o.op_key,
                before: cell_of(o.before),
                after: cell_of(o.after),
                table: o.table,
                record_key: o.record_key,
                kind: o.kind,
                field: o.field,
                author: o.author,
                at: o.at,
            })
            .collect())
    }

    /// The rows of `table` whose key (column `key`) is one of `keys`, as they are now.
    pub fn shared_rows(
        &self,
        table: &str,
        key: &str,
        keys: &[String],
    ) -> Result<SharedTable, StoreError> {
        self.read_shared_rows(table, key, Some(keys))
    }

    /// The conflicts not yet settled by a sync: open ones, and decided ones a sync must still
    /// act on (a record to bring back from the server).
    pub fn conflicts(&self) -> Result<Vec<Conflict>, StoreError> {
        self.conflicts_where("resolved_at IS NULL OR refetch = 1", "")
    }

    /// The conflicts `condition` selects (`?1` is `arg`), in order.
    fn conflicts_where(&self, condition: &str, arg: &str) -> Result<Vec<Conflict>, StoreError> {
        let p = &self.path;
        let sq = |e| StoreError::sqlite(p, e);
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT id, tbl, record_key, field, base, mine, theirs, mine_deleted,
                        theirs_deleted, theirs_author, theirs_at, resolution, refetch, reason,
                        resolved_by, resolved_at
                 FROM qn_conflicts WHERE {condition} ORDER BY id"
            ))
            .map_err(sq)?;
        let read = |r: &rusqlite::Row<'_>| {
            Ok(Conflict {
                id: r.get(0)?,
                table: r.get(1)?,
                record_key: r.get(2)?,
                field: r.get(3)?,
                base: cell_of(r.get(4)?),
                mine: cell_of(r.get(5)?),
                theirs: cell_of(r.get(6)?),
                mine_deleted: r.get(7)?,
                theirs_deleted: r.get(8)?,
                theirs_author: r.get(9)?,
                theirs_at: r.get(10)?,
                resolution: r.get(11)?,
                refetch: r.get(12)?,
                reason: r.get(13)?,
                resolved_by: r.get(14)?,
                resolved_at: r.get(15)?,
            })
        };
        let rows = if condition.contains("?1") {
            st.query_map([arg], read)
        } else {
            st.query_map([], read)
        };
        rows.and_then(|r| r.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(sq)
    }

    /// The decided conflicts of record `key`, oldest first: the record's history keeps the
    /// value that lost.
    pub fn decided_conflicts_of(&self, key: &str) -> Result<Vec<Conflict>, StoreError> {
        self.conflicts_where("resolved_at IS NOT NULL AND record_key = ?1", key)
    }

    /// Writes what a sync brought, in one transaction: the server's changes (logged, and the
    /// log rows they make marked as the server's, with its author), the conflicts found, the
    /// local operations the server acknowledged, and the last server operation seen.
    pub fn apply_sync(&mut self, out: &SyncOutcome) -> Result<(), StoreError> {
        self.guarded(|pf| pf.apply_sync_inner(out, &mut || Ok(())))
    }

    /// [`Self::apply_sync`], calling `before_commit` once everything is written and before the
    /// local commit: the server's own commit goes there, so that a sync that fails on either
    /// side leaves both as they were (a local write refused rolls the server back; a server
    /// that cannot commit rolls the local write back).
    pub fn apply_sync_then(
        &mut self,
        out: &SyncOutcome,
        before_commit: &mut dyn FnMut() -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.guarded(|pf| pf.apply_sync_inner(out, before_commit))
    }

    fn apply_sync_inner(
        &mut self,
        out: &SyncOutcome,
        before_commit: &mut dyn FnMut() -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let (tx, path) = self.begin_write()?;
        let sq = |e| StoreError::sqlite(&path, e);
        let geom = |table: &str, e| StoreError::Geometry {
            path: path.clone(),
            table: table.to_string(),
            fid: 0,
            err: e,
        };
        for c in &out.new_columns {
            let key = crate::store::schema::logged_tables()
                .into_iter()
                .find(|(t, _)| *t == c.table)
                .map(|(_, k)| k)
                .unwrap_or("key");
            crate::store::shared::add_column(&tx, c, key).map_err(sq)?;
        }
        let order: Vec<&str> = crate::store::schema::logged_tables()
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        let rank = |t: &str| order.iter().position(|x| *x == t).unwrap_or(usize::MAX);
        // Parents before children for new rows and changed fields; children first out.
        let mut applies: Vec<&RemoteApply> = out.apply.iter().collect();
        applies.sort_by_key(|a| match a.change {
            RemoteChange::Delete => (1, usize::MAX - rank(&a.table)),
            _ => (0, rank(&a.table)),
        });
        let mut touched: Vec<&str> = Vec::new();
        for a in applies {
            let mark: i64 = tx
                .query_row("SELECT coalesce(max(seq), 0) FROM qn_oplog", [], |r| {
                    r.get(0)
                })
                .map_err(sq)?;
            let t = ident(&a.table);
            let k = ident(&a.key_column);
            match &a.change {
                RemoteChange::Delete => {
                    tx.execute(&format!("DELETE FROM {t} WHERE {k} = ?1"), [&a.record_key])
                        .map_err(sq)?;
                }
                RemoteChange::Row(row) => {
                    let cols = out
                        .columns
                        .iter()
                        .find(|(n, _)| *n == a.table)
                        .map(|(_, c)| c.as_slice())
                        .unwrap_or(&[]);
                    crate::store::shared::insert_shared_row(&tx, &a.table, cols, row).map_err(
                        |e| match e {
                            crate::store::shared::RowError::Sql(e) => sq(e),
                            crate::store::shared::RowError::Geometry(e) => geom(&a.table, e),
                        },
                    )?;
                }
                RemoteChange::Fields(fields) => {
                    if fields.is_empty() {
                        continue;
                    }
                    let sets: Vec<String> = fields
                        .iter()
                        .enumerate()
                        .map(|(i, (f, _))| format!("{} = ?{}", ident(f), i + 2))
                        .collect();
                    let mut values = vec![V::Text(a.record_key.clone())];
                    for (_, c) in fields {
                        values.push(value_of(c).map_err(|e| geom(&a.table, e))?);
                    }
                    tx.execute(
                        &format!("UPDATE {t} SET {} WHERE {k} = ?1", sets.join(", ")),
                        rusqlite::params_from_iter(values),
                    )
                    .map_err(sq)?;
                }
            }
            // The log rows this made are the other side's operations: their keys, author and
            // time (and, from the server, its acknowledgement).
            tx.execute(
                "UPDATE qn_oplog SET server_seq = ?1, author = ?2,
                   at = coalesce(?4, at) WHERE seq > ?3",
                params![a.server_seq, a.author, mark, a.at],
            )
            .map_err(sq)?;
            for (field, key) in &a.op_keys {
                if let Some(blob) = op_key_blob(key) {
                    tx.prepare_cached(
                        "UPDATE qn_oplog SET op_key = ?1 WHERE seq > ?2 AND field = ?3",
                    )
                    .and_then(|mut st| st.execute(params![blob, mark, field]))
                    .map_err(sq)?;
                }
            }
            if !touched.contains(&a.table.as_str()) {
                touched.push(&a.table);
            }
        }
        for c in &out.conflicts {
            let base = value_of(&c.base).map_err(|e| geom(&c.table, e))?;
            let mine = value_of(&c.mine).map_err(|e| geom(&c.table, e))?;
            let theirs = value_of(&c.theirs).map_err(|e| geom(&c.table, e))?;
            // A conflict already open on this field takes the newer server value.
            let n = tx
                .execute(
                    "UPDATE qn_conflicts SET theirs = ?4, theirs_deleted = ?5, theirs_author = ?6,
                       theirs_at = ?7, reason = ?8
                     WHERE tbl = ?1 AND record_key = ?2 AND field = ?3 AND resolved_at IS NULL",
                    params![
                        c.table,
                        c.record_key,
                        c.field,
                        theirs,
                        c.theirs_deleted,
                        c.theirs_author,
                        c.theirs_at,
                        c.reason
                    ],
                )
                .map_err(sq)?;
            if n == 0 {
                tx.execute(
                    "INSERT INTO qn_conflicts (tbl, record_key, field, base, mine, theirs,
                       mine_deleted, theirs_deleted, theirs_author, theirs_at, reason)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    params![
                        c.table,
                        c.record_key,
                        c.field,
                        base,
                        mine,
                        theirs,
                        c.mine_deleted,
                        c.theirs_deleted,
                        c.theirs_author,
                        c.theirs_at,
                        c.reason
                    ],
                )
                .map_err(sq)?;
            }
        }
        {
            let mut st = tx
                .prepare_cached("UPDATE qn_oplog SET server_seq = ?2 WHERE seq = ?1")
                .map_err(sq)?;
            for (local, server) in &out.acked {
                st.execute(params![local, server]).map_err(sq)?;
            }
        }
        for id in &out.refetched {
            tx.execute("UPDATE qn_conflicts SET refetch = 0 WHERE id = ?1", [id])
                .map_err(sq)?;
        }
        let link = [
            ("server_seq", out.server_seq.map(|s| s.to_string())),
            ("server_url", out.server_url.clone()),
            (
                "server_columns",
                out.server_columns
                    .as_ref()
                    .and_then(|c| serde_json::to_string(c).ok()),
            ),
            (
                "last_sync_at",
                out.server_url
                    .as_ref()
                    .map(|_| crate::model::scenario::now_utc_iso()),
            ),
        ];
        for (k, v) in link.iter().filter_map(|(k, v)| Some((k, v.as_ref()?))) {
            let n = tx
                .execute(
                    "UPDATE qn_meta SET value = ?2 WHERE key = ?1",
                    params![k, v],
                )
                .map_err(sq)?;
            if n == 0 {
                tx.execute(
                    "INSERT INTO qn_meta (key, value) VALUES (?1, ?2)",
                    params![k, v],
                )
                .map_err(sq)?;
            }
        }
        // The extents of the feature tables this changed (not every layer: a copy may hold a
        // shared layer of hundreds of thousands of features).
        for t in &touched {
            let features = tx
                .query_row(
                    "SELECT 1 FROM gpkg_contents WHERE table_name = ?1 AND data_type = 'features'",
                    [t],
                    |_| Ok(()),
                )
                .optional()
                .map_err(sq)?
                .is_some();
            if features {
                crate::store::schema::update_extent(&tx, t).map_err(sq)?;
            }
        }
        before_commit()?;
        crate::store::scenarios::finish_write(tx, &touched, None).map_err(sq)?;
        Ok(())
    }

    /// Records the planner's decision on conflict `id`, in one transaction. Mine: the local
    /// value stays and goes to the server at the next sync. Theirs: the server's value (or its
    /// deletion) is written here, and the local operations it overrides never go to the
    /// server; a record deleted here comes back from the server at the next sync. A value:
    /// written here as an edit, synced like one.
    pub fn resolve_conflict(&mut self, id: i64, decision: &Decision) -> Result<(), StoreError> {
        self.guarded(|pf| pf.resolve_inner(id, decision))
    }

    fn resolve_inner(&mut self, id: i64, decision: &Decision) -> Result<(), StoreError> {
        let open = self
            .conflicts()?
            .into_iter()
            .find(|c| c.id == Some(id) && c.resolution.is_none())
            .ok_or_else(|| StoreError::BadValue {
                path: self.path.clone(),
                table: "qn_conflicts".into(),
                fid: id,
                msg: "no open conflict has this number".into(),
            })?;
        let key_column = crate::store::schema::logged_tables()
            .into_iter()
            .find(|(t, _)| *t == open.table)
            .map(|(_, k)| k)
            .ok_or_else(|| StoreError::BadValue {
                path: self.path.clone(),
                table: open.table.clone(),
                fid: id,
                msg: "not a shared table".into(),
            })?;
        if let (Some(why), Decision::Theirs) = (&open.reason, decision) {
            return Err(StoreError::BadValue {
                path: self.path.clone(),
                table: open.table.clone(),
                fid: id,
                msg: format!(
                    "the server's value breaks a rule of the file ({why}): keep yours or give a value"
                ),
            });
        }
        if open.field == "*" && matches!(decision, Decision::Value(_)) {
            return Err(StoreError::BadValue {
                path: self.path.clone(),
                table: open.table.clone(),
                fid: id,
                msg: "a deleted record takes mine or theirs, not a value".into(),
            });
        }
        let author = self.author.clone();
        let (tx, path) = self.begin_write()?;
        let sq = |e| StoreError::sqlite(&path, e);
        let t = ident(&open.table);
        let k = ident(key_column);
        let (label, refetch) = match decision {
            Decision::Mine => ("mine", false),
            Decision::Theirs if open.field == "*" && open.theirs_deleted => {
                tx.execute(
                    &format!("DELETE FROM {t} WHERE {k} = ?1"),
                    [&open.record_key],
                )
                .map_err(sq)?;
                ("theirs", false)
            }
            Decision::Theirs if open.field == "*" => ("theirs", true),
            Decision::Theirs | Decision::Value(_) => {
                let v = match decision {
                    Decision::Value(c) => c,
                    _ => &open.theirs,
                };
                let v = value_of(v).map_err(|err| StoreError::Geometry {
                    path: path.clone(),
                    table: open.table.clone(),
                    fid: 0,
                    err,
                })?;
                tx.execute(
                    &format!("UPDATE {t} SET {} = ?2 WHERE {k} = ?1", ident(&open.field)),
                    params![open.record_key, v],
                )
                .map_err(sq)?;
                (
                    if matches!(decision, Decision::Theirs) {
                        "theirs"
                    } else {
                        "value"
                    },
                    false,
                )
            }
        };
        if label == "theirs" {
            // The server already holds its value: the local operations it overrides (and the
            // ones this decision just made) never go there.
            let field_clause = if open.field == "*" {
                ""
            } else {
                " AND field = ?3"
            };
            let sql = format!(
                "UPDATE qn_oplog SET server_seq = 0 WHERE server_seq IS NULL AND tbl = ?1
                   AND record_key = ?2{field_clause}"
            );
            if open.field == "*" {
                tx.execute(&sql, params![open.table, open.record_key])
            } else {
                tx.execute(&sql, params![open.table, open.record_key, open.field])
            }
            .map_err(sq)?;
        }
        tx.execute(
            "UPDATE qn_conflicts SET resolution = ?2, resolved_by = ?3, refetch = ?4,
               resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?1",
            params![id, label, author, refetch],
        )
        .map_err(sq)?;
        crate::store::scenarios::finish_write(tx, &[open.table.as_str()], None).map_err(sq)?;
        Ok(())
    }
}
