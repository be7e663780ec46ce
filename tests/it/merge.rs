//! The three-way merge alone, without a database: [`merge`] is a pure function of what a sync
//! gathered, so a department of two or three copies and a shared plan is modelled here in
//! memory — each copy a table, its change log and its conflicts; the plan a table and its log —
//! and random interleavings of edits and syncs are run through it (proptest).
//!
//! The model applies a plan as `ProjectFile::apply_sync` and the server's push do: rows and
//! fields written, the log rows the other side's changes make carrying their operation keys,
//! conflicts recorded (an open one takes the newer value), acknowledgements noted.
//!
//! Properties:
//! - copies that edit different records or different fields of one record, syncing in any
//!   order, end identical to the plan, and the plan holds every copy's edits;
//! - a field changed on two copies that had not seen each other's change, to different
//!   values, is a conflict on a copy; a value changed here and not yet acknowledged is never
//!   overwritten by a pull;
//! - merging again what was just merged (or after applying a plan, the same remote
//!   operations once more) changes nothing.

use proptest::prelude::*;
use qn_planner::model::oplog::OpKind;
use qn_planner::store::{Cell, SharedColumn, SharedTable};
use qn_planner::sync::merge::{MergeInput, Mode, Plan, Push, TableRows, merge};
use qn_planner::sync::{Conflict, PendingOp, RemoteChange, RemoteOp};
use std::collections::{BTreeMap, HashSet};

const TABLE: &str = "sites";
const FIELDS: [&str; 3] = ["a", "b", "c"];

fn columns() -> Vec<SharedColumn> {
    std::iter::once("key")
        .chain(FIELDS)
        .map(|n| SharedColumn {
            name: n.to_string(),
            decl: "TEXT".into(),
            geometry: None,
            not_null: n == "key",
        })
        .collect()
}

type Rows = BTreeMap<String, Vec<Cell>>;

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// The records every copy starts with (cloned from the plan).
fn seed() -> Rows {
    (0..4)
        .map(|i| {
            let k = format!("r{i}");
            (k.clone(), vec![text(&k), text("0"), text("0"), text("0")])
        })
        .collect()
}

/// A row of the local log.
#[derive(Clone, Debug)]
struct LogRow {
    op: PendingOp,
    /// The server's number once it holds the operation.
    server_seq: Option<i64>,
    /// An edit made here (not a change the other side brought).
    own: bool,
    /// The server operations this copy had seen when the edit was made.
    seen: i64,
}

#[derive(Clone, Debug, Default)]
struct Copy {
    name: String,
    rows: Rows,
    log: Vec<LogRow>,
    conflicts: Vec<Conflict>,
    server_seq: i64,
    next_key: u64,
}

#[derive(Clone, Debug, Default)]
struct Server {
    rows: Rows,
    log: Vec<RemoteOp>,
}

impl Copy {
    fn op_key(&mut self) -> String {
        self.next_key += 1;
        format!("{}-{}", self.name, self.next_key)
    }

    fn log_op(&mut self, key: &str, kind: OpKind, field: &str, before: Cell, after: Cell) {
        let op_key = self.op_key();
        let seq = self.log.len() as i64 + 1;
        let seen = self.server_seq;
        self.log.push(LogRow {
            op: PendingOp {
                seq,
                op_key,
                table: TABLE.into(),
                record_key: key.into(),
                kind,
                field: field.into(),
                before,
                after,
                author: Some(self.name.clone()),
                at: format!("t{seq}"),
            },
            server_seq: None,
            own: true,
            seen,
        });
    }

    /// The planner changes a field (as the window does: one log row per field changed).
    fn update(&mut self, key: &str, field: usize, value: &str) {
        let Some(row) = self.rows.get_mut(key) else {
            return;
        };
        let before = row[field + 1].clone();
        if before == text(value) {
            return;
        }
        row[field + 1] = text(value);
        self.log_op(key, OpKind::Update, FIELDS[field], before, text(value));
    }

    fn insert(&mut self, key: &str, value: &str) {
        if self.rows.contains_key(key) {
            return;
        }
        self.rows.insert(
            key.into(),
            vec![text(key), text(value), text(value), text(value)],
        );
        self.log_op(key, OpKind::Insert, "*", Cell::Null, Cell::Null);
    }

    fn delete(&mut self, key: &str) {
        if self.rows.remove(key).is_some() {
            self.log_op(key, OpKind::Delete, "*", Cell::Null, Cell::Null);
        }
    }

    fn pending(&self) -> Vec<PendingOp> {
        self.log
            .iter()
            .filter(|r| r.server_seq.is_none())
            .map(|r| r.op.clone())
            .collect()
    }

    fn table(&self) -> SharedTable {
        SharedTable {
            table: TABLE.into(),
            key: "key".into(),
            columns: columns(),
            rows: self.rows.values().cloned().collect(),
            unkeyed: 0,
        }
    }

    /// What a sync gathers: the server's operations after `since`, this copy's pending ones,
    /// its conflicts, the operations it holds, both sides' rows.
    fn input(&self, server: &Server, since: i64) -> MergeInput {
        let known: HashSet<String> = self.log.iter().map(|r| r.op.op_key.clone()).collect();
        let mut rows = BTreeMap::new();
        rows.insert(
            TABLE.to_string(),
            TableRows {
                here: self.table(),
                there: server.rows.values().cloned().collect(),
            },
        );
        MergeInput {
            mode: Mode::Server { push: true },
            remote: server
                .log
                .iter()
                .filter(|o| o.seq > since)
                .cloned()
                .collect(),
            local: self.pending(),
            conflicts: self.conflicts.clone(),
            known,
            tables: vec![(TABLE.into(), "key".into())],
            rows,
        }
    }

    /// A log row made here by a change the other side brought.
    fn log_remote(&mut self, key: &str, kind: OpKind, field: &str, op_key: String, seq: i64) {
        let local_seq = self.log.len() as i64 + 1;
        self.log.push(LogRow {
            op: PendingOp {
                seq: local_seq,
                op_key,
                table: TABLE.into(),
                record_key: key.into(),
                kind,
                field: field.into(),
                before: Cell::Null,
                after: Cell::Null,
                author: None,
                at: String::new(),
            },
            server_seq: Some(seq),
            own: false,
            seen: seq,
        });
    }

    /// `ProjectFile::apply_sync`, in memory.
    fn apply(&mut self, plan: &Plan) {
        let out = &plan.outcome;
        for a in &out.apply {
            let key_of = |field: &str| {
                a.op_keys
                    .iter()
                    .find(|(f, _)| f == field)
                    .map(|(_, k)| k.clone())
            };
            let seq = a.server_seq.unwrap_or(0);
            match &a.change {
                RemoteChange::Delete => {
                    if self.rows.remove(&a.record_key).is_some() {
                        let k = key_of("*").unwrap_or_else(|| self.op_key());
                        self.log_remote(&a.record_key, OpKind::Delete, "*", k, seq);
                    }
                }
                RemoteChange::Row(r) => {
                    self.rows.insert(a.record_key.clone(), r.clone());
                    let k = key_of("*").unwrap_or_else(|| self.op_key());
                    self.log_remote(&a.record_key, OpKind::Insert, "*", k, seq);
                }
                RemoteChange::Fields(fields) => {
                    for (f, v) in fields {
                        let i = FIELDS.iter().position(|x| x == f).unwrap() + 1;
                        let Some(row) = self.rows.get_mut(&a.record_key) else {
                            continue;
                        };
                        if row[i] != *v {
                            row[i] = v.clone();
                            let k = key_of(f).unwrap_or_else(|| self.op_key());
                            self.log_remote(&a.record_key, OpKind::Update, f, k, seq);
                        }
                    }
                }
            }
        }
        for c in &out.conflicts {
            if let Some(open) = self.conflicts.iter_mut().find(|o| {
                o.resolution.is_none()
                    && o.table == c.table
                    && o.record_key == c.record_key
                    && o.field == c.field
            }) {
                open.theirs = c.theirs.clone();
                open.theirs_deleted = c.theirs_deleted;
            } else {
                // The file keeps what the merge found, under a new row.
                self.conflicts.push(Conflict {
                    id: Some(self.conflicts.len() as i64 + 1),
                    ..c.clone()
                });
            }
        }
        for (local, server) in &out.acked {
            if let Some(r) = self.log.iter_mut().find(|r| r.op.seq == *local) {
                r.server_seq = Some(*server);
            }
        }
        if let Some(s) = out.server_seq {
            self.server_seq = s;
        }
    }
}

impl Server {
    fn clone_for(&self, name: &str) -> Copy {
        Copy {
            name: name.into(),
            rows: self.rows.clone(),
            server_seq: self.log.len() as i64,
            ..Default::default()
        }
    }

    /// The server's side of a push: the records written, the operations logged (once: a key
    /// it holds keeps its number), each acknowledged.
    fn receive(&mut self, plan: &mut Plan) {
        for (_, key, what) in &plan.push {
            match what {
                Push::Insert(row) => {
                    self.rows.insert(key.clone(), row.clone());
                }
                Push::Fields(fields) => {
                    if let Some(row) = self.rows.get_mut(key) {
                        for (f, v) in fields {
                            let i = FIELDS.iter().position(|x| x == f).unwrap() + 1;
                            row[i] = v.clone();
                        }
                    }
                }
                Push::Delete => {
                    self.rows.remove(key);
                }
            }
        }
        for o in &plan.push_ops {
            let seq = match self.log.iter().find(|r| r.op_key == o.op_key) {
                Some(r) => r.seq,
                None => {
                    let seq = self.log.len() as i64 + 1;
                    self.log.push(RemoteOp {
                        seq,
                        op_key: o.op_key.clone(),
                        table: o.table.clone(),
                        record_key: o.record_key.clone(),
                        kind: o.kind,
                        field: o.field.clone(),
                        author: o.author.clone(),
                        at: o.at.clone(),
                    });
                    seq
                }
            };
            plan.outcome.acked.push((o.seq, seq));
        }
        plan.outcome.server_seq = Some(self.log.len() as i64);
    }
}

/// What a copy holds: its rows, its conflicts, its log and which operations the plan holds.
type State = (Rows, Vec<Conflict>, Vec<(String, Option<i64>)>);

fn state(c: &Copy) -> State {
    (
        c.rows.clone(),
        c.conflicts.clone(),
        c.log
            .iter()
            .map(|r| (r.op.op_key.clone(), r.server_seq))
            .collect(),
    )
}

/// One sync of `copy` with `server`, checked: a pending local value is never overwritten, and
/// the same remote operations merged again after the plan is applied change nothing.
fn sync(copy: &mut Copy, server: &mut Server) -> Result<(), TestCaseError> {
    let since = copy.server_seq;
    let input = copy.input(server, since);
    // Merging is a function: the same input gives the same plan.
    let mut plan = merge(&input);
    let again = merge(&input);
    prop_assert_eq!(&plan.outcome, &again.outcome);
    let pending_before: Vec<PendingOp> = copy.pending();
    server.receive(&mut plan);
    copy.apply(&plan);
    // A value changed here and not acknowledged is never overwritten by a pull.
    for o in pending_before.iter().filter(|o| o.kind == OpKind::Update) {
        let still_pending = copy.pending().iter().any(|p| p.seq == o.seq);
        let later_here = pending_before
            .iter()
            .any(|p| p.seq > o.seq && p.record_key == o.record_key && p.field == o.field);
        if still_pending && !later_here {
            let i = FIELDS.iter().position(|f| *f == o.field).unwrap() + 1;
            if let Some(row) = copy.rows.get(&o.record_key) {
                prop_assert_eq!(
                    &row[i],
                    &o.after,
                    "{}: pending {}.{} overwritten",
                    copy.name,
                    o.record_key,
                    o.field
                );
            }
        }
    }
    // The same remote operations merged again (a sync repeated after the first one
    // finished): the plan sends nothing, and applying it changes nothing here or there (an
    // open conflict may be reported again, with the same values).
    let mut replay = merge(&copy.input(server, since));
    prop_assert!(
        replay.push.is_empty() && replay.push_ops.is_empty() && replay.outcome.apply.is_empty(),
        "{}: merging the same operations again would send or write: {:?}",
        copy.name,
        replay.outcome
    );
    let (copy_before, server_before) = (state(copy), (server.rows.clone(), server.log.len()));
    let (mut c2, mut s2) = (copy.clone(), server.clone());
    s2.receive(&mut replay);
    c2.apply(&replay);
    prop_assert_eq!(
        state(&c2),
        copy_before,
        "{}: a plan applied twice changed the copy",
        &copy.name
    );
    prop_assert_eq!((s2.rows.clone(), s2.log.len()), server_before);
    Ok(())
}

/// An edit of copy `copy` (0..n) in a run where each copy owns field `copy` of the shared
/// records and the records it makes: copies never touch the same field.
#[derive(Clone, Debug)]
enum Step {
    Update {
        copy: usize,
        record: usize,
        value: u8,
    },
    Insert {
        copy: usize,
        value: u8,
    },
    DeleteOwn {
        copy: usize,
        nth: usize,
    },
    Sync {
        copy: usize,
    },
}

fn steps(copies: usize) -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        4 => (0..copies, 0..4usize, 0..5u8).prop_map(|(copy, record, value)| Step::Update { copy, record, value }),
        1 => (0..copies, 0..5u8).prop_map(|(copy, value)| Step::Insert { copy, value }),
        1 => (0..copies, 0..3usize).prop_map(|(copy, nth)| Step::DeleteOwn { copy, nth }),
        3 => (0..copies).prop_map(|copy| Step::Sync { copy }),
    ];
    prop::collection::vec(step, 1..40)
}

/// Runs the steps, then syncs every copy in `order` until nothing moves (twice round).
fn run_disjoint(
    copies: usize,
    steps: &[Step],
    order: &[usize],
) -> Result<(Server, Vec<Copy>, Rows), TestCaseError> {
    let mut server = Server {
        rows: seed(),
        log: Vec::new(),
    };
    let mut cs: Vec<Copy> = (0..copies)
        .map(|i| server.clone_for(&format!("c{i}")))
        .collect();
    // What the plan must end holding: the seed with every copy's edits (they commute).
    let mut expected = seed();
    let mut made = vec![0usize; copies];
    for s in steps {
        match *s {
            Step::Update {
                copy,
                record,
                value,
            } => {
                let key = format!("r{record}");
                if cs[copy].rows.contains_key(&key) {
                    cs[copy].update(&key, copy, &value.to_string());
                    expected.get_mut(&key).unwrap()[copy + 1] = text(&value.to_string());
                }
            }
            Step::Insert { copy, value } => {
                made[copy] += 1;
                let key = format!("c{copy}-new{}", made[copy]);
                cs[copy].insert(&key, &value.to_string());
                let v = text(&value.to_string());
                expected.insert(key.clone(), vec![text(&key), v.clone(), v.clone(), v]);
            }
            Step::DeleteOwn { copy, nth } => {
                let key = format!("c{copy}-new{}", nth + 1);
                if cs[copy].rows.contains_key(&key) {
                    cs[copy].delete(&key);
                    expected.remove(&key);
                }
            }
            Step::Sync { copy } => sync(&mut cs[copy], &mut server)?,
        }
    }
    for _ in 0..2 {
        for &i in order {
            sync(&mut cs[i], &mut server)?;
        }
    }
    Ok((server, cs, expected))
}

fn orders(copies: usize) -> impl Strategy<Value = Vec<usize>> {
    Just((0..copies).collect::<Vec<_>>()).prop_shuffle()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Copies editing different fields and records, in any interleaving and any final sync
    /// order, end identical to the plan, which holds every edit, with no conflict.
    #[test]
    fn copies_with_disjoint_edits_converge_in_any_order(
        (copies, steps, order_a, order_b) in (2..=3usize).prop_flat_map(|n| (Just(n), steps(n), orders(n), orders(n)))
    ) {
        let (server, cs, expected) = run_disjoint(copies, &steps, &order_a)?;
        prop_assert_eq!(&server.rows, &expected);
        for c in &cs {
            prop_assert_eq!(&c.rows, &server.rows, "{} differs from the plan", c.name);
            prop_assert!(c.conflicts.is_empty(), "{}: {:?}", c.name, c.conflicts);
            prop_assert!(c.pending().is_empty(), "{}: operations left unsent", c.name);
        }
        // Another final order ends in the same plan.
        let (server_b, _, _) = run_disjoint(copies, &steps, &order_b)?;
        prop_assert_eq!(&server_b.rows, &server.rows);
    }
}

/// An edit in a run where copies touch the same fields and delete shared records.
#[derive(Clone, Debug)]
enum Clash {
    Update {
        copy: usize,
        record: usize,
        field: usize,
        value: u8,
    },
    Delete {
        copy: usize,
        record: usize,
    },
    Sync {
        copy: usize,
    },
}

fn clashes(copies: usize) -> impl Strategy<Value = Vec<Clash>> {
    let step = prop_oneof![
        5 => (0..copies, 0..4usize, 0..3usize, 0..3u8).prop_map(|(copy, record, field, value)| Clash::Update { copy, record, field, value }),
        1 => (0..copies, 0..4usize).prop_map(|(copy, record)| Clash::Delete { copy, record }),
        3 => (0..copies).prop_map(|copy| Clash::Sync { copy }),
    ];
    prop::collection::vec(step, 1..40)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Copies changing the same fields: every pair of changes to one field made without
    /// seeing each other, to different values, is a conflict on a copy (or the record's
    /// conflict, where one side deleted it); a pending local value is never overwritten (in
    /// `sync`); merging again changes nothing (in `sync`).
    #[test]
    fn no_same_field_overlap_is_resolved_silently(
        (copies, steps, order) in (2..=3usize).prop_flat_map(|n| (Just(n), clashes(n), orders(n)))
    ) {
        let mut server = Server { rows: seed(), log: Vec::new() };
        let mut cs: Vec<Copy> = (0..copies).map(|i| server.clone_for(&format!("c{i}"))).collect();
        for s in &steps {
            match *s {
                Clash::Update { copy, record, field, value } => {
                    cs[copy].update(&format!("r{record}"), field, &value.to_string());
                }
                Clash::Delete { copy, record } => cs[copy].delete(&format!("r{record}")),
                Clash::Sync { copy } => sync(&mut cs[copy], &mut server)?,
            }
        }
        for _ in 0..2 {
            for &i in &order {
                sync(&mut cs[i], &mut server)?;
            }
        }
        // Each copy's last own change of each field: if the plan ends with another value, a
        // copy holds a conflict on it, or the change that replaced it was made by a copy that
        // had seen it (a later edit, not an overlap).
        let seq_of = |op_key: &str| server.log.iter().find(|o| o.op_key == op_key).map(|o| o.seq);
        let conflict_on = |key: &str, field: &str| {
            cs.iter().any(|c| {
                c.conflicts
                    .iter()
                    .any(|k| k.record_key == key && (k.field == field || k.field == "*"))
            })
        };
        for x in &cs {
            let own: Vec<&LogRow> = x.log.iter().filter(|r| r.own).collect();
            for a in own.iter().filter(|r| r.op.kind == OpKind::Update) {
                let (key, field) = (&a.op.record_key, &a.op.field);
                let touches = |r: &LogRow| {
                    r.op.record_key == *key && (r.op.field == *field || r.op.kind == OpKind::Delete)
                };
                // A later change of this copy replaces it: only the last counts.
                if own.iter().any(|r| r.op.seq > a.op.seq && touches(r)) {
                    continue;
                }
                let i = FIELDS.iter().position(|f| f == field).unwrap() + 1;
                if server.rows.get(key).map(|r| &r[i]) == Some(&a.op.after) {
                    continue;
                }
                let a_seq = seq_of(&a.op.op_key);
                let replaced_knowingly = cs.iter().filter(|y| y.name != x.name).any(|y| {
                    y.log.iter().filter(|r| r.own && touches(r)).any(|b| a_seq.is_some_and(|s| s <= b.seen))
                });
                if !replaced_knowingly {
                    prop_assert!(
                        conflict_on(key, field),
                        "{}: its change of {key}.{field} to {:?} is not in the plan ({:?}) and no copy holds a conflict",
                        x.name,
                        a.op.after,
                        server.rows.get(key).map(|r| &r[i])
                    );
                }
            }
        }
    }
}

/// A fixed case the properties cover, spelt out: two copies set one field to different
/// values; the second to sync holds the conflict and keeps its value, the plan keeps the
/// first's; a third copy's change of another field merges with both.
#[test]
fn two_copies_one_field_is_a_conflict_and_another_field_merges() {
    let mut server = Server {
        rows: seed(),
        log: Vec::new(),
    };
    let mut lan = server.clone_for("lan");
    let mut minh = server.clone_for("minh");
    let mut hoa = server.clone_for("hoa");
    lan.update("r1", 0, "lan");
    minh.update("r1", 0, "minh");
    hoa.update("r1", 2, "hoa");
    for c in [&mut lan, &mut minh, &mut hoa] {
        sync(c, &mut server).unwrap();
    }
    assert!(lan.conflicts.is_empty());
    assert_eq!(minh.conflicts.len(), 1);
    let c = &minh.conflicts[0];
    assert_eq!((c.record_key.as_str(), c.field.as_str()), ("r1", "a"));
    assert_eq!((&c.mine, &c.theirs), (&text("minh"), &text("lan")));
    assert_eq!(minh.rows["r1"][1], text("minh"), "the copy keeps its value");
    assert_eq!(server.rows["r1"][1], text("lan"));
    assert_eq!(server.rows["r1"][3], text("hoa"), "another field merges");
    assert_eq!(hoa.rows["r1"][1], text("lan"));
    // Minh's change waits for the decision: not sent, still pending.
    assert_eq!(minh.pending().len(), 1);
}
