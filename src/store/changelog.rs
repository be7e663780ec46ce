//! The change log's bookkeeping inside a write: who the writes are by, and one operation per
//! record and field for a gesture (a drag, a typed value) however many writes it made.

use rusqlite::{Connection, params};

/// Which change-log operations a write folds into one: those of the same gesture (from
/// sequence number `from` on) by the same author, not yet sent anywhere.
#[derive(Debug, Clone)]
pub(crate) struct LogFold {
    pub(super) from: i64,
    pub(super) author: Option<String>,
}

/// Folds the update operations of one gesture into one per record and field: the first keeps
/// its `before`, takes the last one's `after` and time and a new operation key (an earlier
/// value may have left in a change bundle); the rest go; a field typed back to where it was
/// leaves no operation. Only operations no server has acknowledged (`server_seq IS NULL`)
/// and of the same author fold: another program's edits in between stay as they are.
pub(crate) fn fold_log(conn: &Connection, f: &LogFold) -> rusqlite::Result<()> {
    const GESTURE: &str = "kind = 'update' AND seq >= ?1 AND server_seq IS NULL AND author IS ?2";
    conn.execute(
        &format!(
            "WITH g AS (
               SELECT tbl, record_key, field, min(seq) AS first, max(seq) AS last
               FROM qn_oplog WHERE {GESTURE}
               GROUP BY tbl, record_key, field HAVING count(*) > 1)
             UPDATE qn_oplog SET
               after = (SELECT o.after FROM qn_oplog o JOIN g ON o.seq = g.last
                        WHERE g.first = qn_oplog.seq),
               at = (SELECT o.at FROM qn_oplog o JOIN g ON o.seq = g.last
                     WHERE g.first = qn_oplog.seq),
               op_key = randomblob(16)
             WHERE seq IN (SELECT first FROM g)"
        ),
        params![f.from, f.author],
    )?;
    conn.execute(
        &format!(
            "DELETE FROM qn_oplog WHERE {GESTURE} AND seq > (
               SELECT min(o.seq) FROM qn_oplog o
               WHERE o.tbl = qn_oplog.tbl AND o.record_key = qn_oplog.record_key
                 AND o.field = qn_oplog.field AND o.kind = 'update' AND o.seq >= ?1
                 AND o.server_seq IS NULL AND o.author IS ?2)"
        ),
        params![f.from, f.author],
    )?;
    conn.execute(
        &format!("DELETE FROM qn_oplog WHERE {GESTURE} AND before IS after"),
        params![f.from, f.author],
    )?;
    Ok(())
}

/// Names the author of this write transaction's changes in the change log (`None`: not
/// named), and says the writer is qn-planner (`app`): the triggers that mark another
/// program's moves as drafted leave qn-planner's own alone (it records its drafting itself).
/// [`end_author`] ends both before the transaction commits.
pub(crate) fn name_author(conn: &Connection, author: Option<&str>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE qn_session SET author = ?1, app = 1 WHERE id = 1",
        params![author],
    )?;
    Ok(())
}

/// Ends what [`name_author`] said: later writes are another program's.
pub(crate) fn end_author(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE qn_session SET author = NULL, app = NULL WHERE id = 1",
        [],
    )?;
    Ok(())
}
