//! The shared tables of copies and of the server, compared record by record.

use qn_planner::store::{Cell, ProjectFile};
use std::collections::BTreeMap;
use std::path::Path;

/// Every shared table of a copy, record by record (by key), in a comparable form.
pub fn records(pf: &ProjectFile) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    for (table, key) in pf.shared_tables() {
        let t = pf.read_shared_table(table, key).unwrap();
        let ki = t.columns.iter().position(|c| c.name == key).unwrap();
        let rows: BTreeMap<String, Vec<String>> = t
            .rows
            .iter()
            .map(|r| {
                let k = match &r[ki] {
                    Cell::Text(k) => k.clone(),
                    other => panic!("{table}: key {other:?}"),
                };
                // By column name: copies may hold added fields in another order.
                let mut cells: Vec<String> = r
                    .iter()
                    .zip(&t.columns)
                    .map(|(c, col)| {
                        let v = match c {
                            Cell::Real(x) if x.fract() == 0.0 => format!("{}", *x as i64),
                            Cell::Int(i) => format!("{i}"),
                            other => format!("{other:?}"),
                        };
                        format!("{}={v}", col.name)
                    })
                    .collect();
                cells.sort();
                (k, cells)
            })
            .collect();
        out.insert(table.to_string(), rows);
    }
    out
}

/// The server's records, read through a fresh clone.
pub fn server_records(url: &str, dir: &Path) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let path = dir.join(format!(
        "server-view-{}.gpkg",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    qn_planner::server::clone(url, &path).unwrap();
    let pf = ProjectFile::open(&path).unwrap();
    records(&pf)
}

/// Which records differ between two copies (for a readable failure).
pub fn differences(
    a: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
    b: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (t, rows) in a {
        let other = &b[t];
        for (k, r) in rows {
            match other.get(k) {
                None => out.push(format!("{t} {k}: only in the first")),
                Some(o) if o != r => out.push(format!("{t} {k}: {r:?} vs {o:?}")),
                _ => {}
            }
        }
        for k in other.keys().filter(|k| !rows.contains_key(*k)) {
            out.push(format!("{t} {k}: only in the second"));
        }
    }
    out
}
