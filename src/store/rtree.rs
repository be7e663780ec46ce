//! Bulk loading of a GeoPackage R-tree (SQLite's rtree module) from envelopes known in
//! advance: the tree is packed in memory by sort-tile-recursive and its nodes written
//! straight into the module's shadow tables (`_node`, `_rowid`, `_parent`), instead of
//! inserting entries one at a time. The format is the one SQLite's rtree.c documents: a node
//! is a blob of the table's node size; bytes 0–1 hold the tree depth (root only), bytes 2–3
//! the cell count, then cells of a 64-bit id and four 32-bit floats (minx, maxx, miny, maxy),
//! all big-endian, with minimums rounded down and maximums up. `rtreecheck()` verifies it.

use rusqlite::{Connection, params};

/// One entry: a feature id and its envelope as the R-tree stores it (minx, maxx, miny,
/// maxy in 32-bit floats rounded outwards), 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub id: i64,
    pub b: [f32; 4],
}

impl Cell {
    /// The cell of an envelope (minx, maxx, miny, maxy); none unless it is finite.
    pub fn new(id: i64, e: [f64; 4]) -> Option<Cell> {
        e.iter().all(|v| v.is_finite()).then(|| Cell {
            id,
            b: [down(e[0]), up(e[1]), down(e[2]), up(e[3])],
        })
    }
}

fn down(v: f64) -> f32 {
    let f = v as f32;
    if f64::from(f) > v { f.next_down() } else { f }
}

fn up(v: f64) -> f32 {
    let f = v as f32;
    if f64::from(f) < v { f.next_up() } else { f }
}

fn union(cells: &[Cell]) -> [f32; 4] {
    let mut b = [f32::MAX, f32::MIN, f32::MAX, f32::MIN];
    for c in cells {
        b[0] = b[0].min(c.b[0]);
        b[1] = b[1].max(c.b[1]);
        b[2] = b[2].min(c.b[2]);
        b[3] = b[3].max(c.b[3]);
    }
    b
}

/// Splits `n` items into `k` runs as even as possible.
fn runs(n: usize, k: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    (0..k).map(move |i| (i * n / k)..((i + 1) * n / k))
}

/// Orders `cells` in place so that neighbours sit together and returns the nodes as runs
/// of at most `m` cells (sort-tile-recursive).
fn pack(cells: &mut [Cell], m: usize) -> Vec<std::ops::Range<usize>> {
    let n = cells.len();
    let nodes = n.div_ceil(m);
    let slices = ((nodes as f64).sqrt().ceil() as usize).max(1);
    let cx = |c: &Cell| f64::from(c.b[0]) + f64::from(c.b[1]);
    let cy = |c: &Cell| f64::from(c.b[2]) + f64::from(c.b[3]);
    cells.sort_unstable_by(|a, b| cx(a).total_cmp(&cx(b)));
    let mut out = Vec::with_capacity(nodes);
    // Each slice gets a whole number of nodes, so no node is much shorter than the others.
    for s in runs(nodes, slices) {
        let lo = s.start * n / nodes;
        let hi = s.end * n / nodes;
        cells[lo..hi].sort_unstable_by(|a, b| cy(a).total_cmp(&cy(b)));
        out.extend(runs(hi - lo, s.len()).map(|r| lo + r.start..lo + r.end));
    }
    out
}

/// Fills the freshly created, empty R-tree `rtree` (as made by `create_rtree`) with
/// `cells`, which it reorders.
pub fn bulk_load(conn: &Connection, rtree: &str, cells: &mut [Cell]) -> rusqlite::Result<()> {
    if cells.is_empty() {
        return Ok(());
    }
    let (node, parent, rowid) = (
        super::ident(&format!("{rtree}_node")),
        super::ident(&format!("{rtree}_parent")),
        super::ident(&format!("{rtree}_rowid")),
    );
    let node_size: usize = conn.query_row(
        &format!("SELECT length(data) FROM {node} WHERE nodeno = 1"),
        [],
        |r| r.get::<_, i64>(0),
    )? as usize;
    let m = (node_size.max(28) - 4) / 24;
    // Levels from the leaves up, each as its cells and its nodes (runs of those cells). A
    // cell above the leaves holds its child's index in the level below until node numbers
    // are known.
    let leaves = pack(cells, m);
    let mut upper: Vec<(Vec<Cell>, Vec<std::ops::Range<usize>>)> = Vec::new();
    loop {
        let (below_cells, below): (&[Cell], &[std::ops::Range<usize>]) = match upper.last() {
            None => (cells, &leaves),
            Some((c, n)) => (c, n),
        };
        if below.len() <= 1 {
            break;
        }
        let mut parents: Vec<Cell> = below
            .iter()
            .enumerate()
            .map(|(i, r)| Cell {
                id: i as i64,
                b: union(&below_cells[r.clone()]),
            })
            .collect();
        let nodes = pack(&mut parents, m);
        upper.push((parents, nodes));
    }
    // Node numbers from the root (node 1) down: level 0 is the leaves.
    let counts: Vec<usize> = std::iter::once(leaves.len())
        .chain(upper.iter().map(|(_, n)| n.len()))
        .collect();
    let depth = counts.len() - 1;
    let mut first_no = vec![0i64; counts.len()];
    let mut next = 1i64;
    for l in (0..counts.len()).rev() {
        first_no[l] = next;
        next += counts[l] as i64;
    }
    let mut put_node = conn.prepare(&format!(
        "INSERT OR REPLACE INTO {node} (nodeno, data) VALUES (?1, ?2)"
    ))?;
    let mut put_parent = conn.prepare(&format!(
        "INSERT INTO {parent} (nodeno, parentnode) VALUES (?1, ?2)"
    ))?;
    let mut blob = vec![0u8; node_size];
    let mut rowids: Vec<(i64, u32)> = Vec::with_capacity(cells.len());
    for l in 0..counts.len() {
        let (level_cells, nodes): (&[Cell], &[std::ops::Range<usize>]) = if l == 0 {
            (cells, &leaves)
        } else {
            (&upper[l - 1].0, &upper[l - 1].1)
        };
        for (i, r) in nodes.iter().enumerate() {
            let no = first_no[l] + i as i64;
            let node = &level_cells[r.clone()];
            blob.fill(0);
            if l == depth {
                blob[0..2].copy_from_slice(&(depth as u16).to_be_bytes());
            }
            blob[2..4].copy_from_slice(&(node.len() as u16).to_be_bytes());
            for (k, c) in node.iter().enumerate() {
                let at = 4 + k * 24;
                let id = if l == 0 { c.id } else { first_no[l - 1] + c.id };
                blob[at..at + 8].copy_from_slice(&id.to_be_bytes());
                for (j, v) in c.b.iter().enumerate() {
                    blob[at + 8 + j * 4..at + 12 + j * 4].copy_from_slice(&v.to_be_bytes());
                }
                if l == 0 {
                    rowids.push((c.id, u32::try_from(no).unwrap_or(u32::MAX)));
                } else {
                    put_parent.execute(params![id, no])?;
                }
            }
            put_node.execute(params![no, blob])?;
        }
    }
    // Ids in order, so each insert appends to the table's b-tree.
    rowids.sort_unstable();
    let mut put_rowid = conn.prepare(&format!(
        "INSERT INTO {rowid} (rowid, nodeno) VALUES (?1, ?2)"
    ))?;
    for (id, no) in rowids {
        put_rowid.raw_bind_parameter(1, id)?;
        put_rowid.raw_bind_parameter(2, no)?;
        put_rowid.raw_execute()?;
    }
    Ok(())
}

/// An id and its envelope (minx, maxx, miny, maxy).
type Found = (i64, [f64; 4]);

/// Calls `f` with the id and envelope (minx, maxx, miny, maxy) of every entry of the R-tree
/// `rtree` whose envelope meets `window` (all of them with none). It walks the nodes straight
/// from the `_node` table, skipping whole branches outside the window; if the nodes do not
/// read as expected it asks the rtree module instead.
pub fn for_each_entry(
    conn: &Connection,
    rtree: &str,
    window: Option<[f64; 4]>,
    f: &mut dyn FnMut(i64, [f64; 4]),
) -> rusqlite::Result<()> {
    let (node, whole) = (super::ident(&format!("{rtree}_node")), super::ident(rtree));
    let meets = |b: &[f64; 4]| {
        window.is_none_or(|w| b[0] <= w[1] && b[1] >= w[0] && b[2] <= w[3] && b[3] >= w[2])
    };
    let walked = (|| -> rusqlite::Result<Option<Vec<Found>>> {
        let mut stmt = conn.prepare(&format!("SELECT data FROM {node} WHERE nodeno = ?1"))?;
        let mut read = |no: i64| -> rusqlite::Result<Option<Vec<u8>>> {
            use rusqlite::OptionalExtension;
            stmt.query_row([no], |r| r.get::<_, Vec<u8>>(0)).optional()
        };
        let Some(root) = read(1)? else {
            return Ok(None);
        };
        if root.len() < 4 {
            return Ok(None);
        }
        let depth = usize::from(u16::from_be_bytes([root[0], root[1]]));
        if depth > 40 {
            return Ok(None);
        }
        let mut out = Vec::new();
        let mut stack: Vec<(Vec<u8>, usize)> = vec![(root, depth)];
        let mut visited = 0usize;
        while let Some((blob, d)) = stack.pop() {
            visited += 1;
            let count = usize::from(u16::from_be_bytes([blob[2], blob[3]]));
            if blob.len() < 4 + count * 24 || visited > 50_000_000 {
                return Ok(None);
            }
            for k in 0..count {
                let c = &blob[4 + k * 24..4 + (k + 1) * 24];
                let id = i64::from_be_bytes(c[0..8].try_into().unwrap_or_default());
                let v = |j: usize| {
                    f64::from(f32::from_be_bytes(
                        c[8 + j * 4..12 + j * 4].try_into().unwrap_or_default(),
                    ))
                };
                let b = [v(0), v(1), v(2), v(3)];
                if !meets(&b) {
                    continue;
                }
                if d == 0 {
                    out.push((id, b));
                } else {
                    match read(id)? {
                        Some(child) if child.len() >= 4 => stack.push((child, d - 1)),
                        _ => return Ok(None),
                    }
                }
            }
        }
        Ok(Some(out))
    })();
    match walked {
        Ok(Some(entries)) => {
            for (id, b) in entries {
                f(id, b);
            }
            Ok(())
        }
        // Not the node layout expected: let the rtree module read it.
        _ => {
            let mut stmt =
                conn.prepare(&format!("SELECT id, minx, maxx, miny, maxy FROM {whole}"))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let b = [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?];
                if meets(&b) {
                    f(r.get(0)?, b);
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(n: usize) -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx, miny, maxy)")
            .unwrap();
        let mut cells: Vec<Cell> = (0..n)
            .filter_map(|i| {
                let x = 106.4 + (i * 7919 % 1000) as f64 * 0.0016;
                let y = 20.8 + (i * 104_729 % 997) as f64 * 0.00077;
                Cell::new(i as i64 + 1, [x, x + 0.001, y, y + 0.0005])
            })
            .collect();
        bulk_load(&c, "r", &mut cells).unwrap();
        c
    }

    #[test]
    fn bulk_loaded_trees_pass_rtreecheck_and_answer_queries() {
        for n in [0, 1, 50, 51, 52, 2_600, 20_000] {
            let c = tree(n);
            let check: String = c
                .query_row("SELECT rtreecheck('r')", [], |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok", "n = {n}");
            let count: i64 = c
                .query_row("SELECT count(*) FROM r", [], |r| r.get(0))
                .unwrap();
            assert_eq!(count, n as i64);
            // A window query through the index against a full scan of the entries.
            let q = "SELECT count(*) FROM r WHERE maxx >= 107.0 AND minx <= 107.2 AND maxy >= 21.0 AND miny <= 21.2";
            let via_index: i64 = c.query_row(q, [], |r| r.get(0)).unwrap();
            let by_hand = (0..n)
                .filter(|i| {
                    let x = 106.4 + (i * 7919 % 1000) as f64 * 0.0016;
                    let y = 20.8 + (i * 104_729 % 997) as f64 * 0.00077;
                    x + 0.001 >= 107.0 && x <= 107.2 && y + 0.0005 >= 21.0 && y <= 21.2
                })
                .count();
            assert_eq!(via_index as usize, by_hand, "n = {n}");
            // Walking the nodes finds what the module finds, inside a window and overall.
            let mut walked = Vec::new();
            for_each_entry(&c, "r", Some([107.0, 107.2, 21.0, 21.2]), &mut |id, _| {
                walked.push(id)
            })
            .unwrap();
            assert_eq!(walked.len(), by_hand, "n = {n}");
            let mut all = 0;
            for_each_entry(&c, "r", None, &mut |_, _| all += 1).unwrap();
            assert_eq!(all, n);
            // The module goes on inserting and deleting in the loaded tree.
            c.execute(
                "INSERT INTO r VALUES (999999, 107.1, 107.11, 21.1, 21.11)",
                [],
            )
            .unwrap();
            c.execute("DELETE FROM r WHERE id % 3 = 0", []).unwrap();
            let check: String = c
                .query_row("SELECT rtreecheck('r')", [], |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok", "n = {n} after edits");
        }
    }

    #[test]
    fn envelopes_round_outwards() {
        for v in [107.123456789, -0.1, 21.0, 1e-40, 2_345_678.9] {
            assert!(f64::from(down(v)) <= v && f64::from(up(v)) >= v, "{v}");
        }
    }
}
