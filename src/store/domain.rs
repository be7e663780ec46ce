//! The values a site table may hold, said once and enforced everywhere a row can come from:
//! the window and the importers (`model::validate`), the GeoPackage itself (triggers, so QGIS
//! or the sqlite3 shell is refused with the reason), the department's PostgreSQL (CHECK
//! constraints, so QGIS on PostGIS is refused at commit) and what a sync or a change bundle
//! brings (checked before it is written, and set aside as a conflict when it fails).
//!
//! ```
//! use qn_planner::store::Cell;
//! use qn_planner::store::domain::check_value;
//! assert!(check_value("proposed_clusters", "status", &Cell::Text("planned".into())).is_some());
//! assert!(check_value("proposed_clusters", "status", &Cell::Text("proposed".into())).is_none());
//! assert!(check_value("proposed_clusters", "decision_year", &Cell::Int(2045)).is_some());
//! assert!(check_value("proposed_clusters", "jobs", &Cell::Text("many".into())).is_some());
//! ```

use super::Cell;
use crate::model::{Phase, Precision, Status};

/// A rule on one column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// Text with something besides blanks.
    NotBlank,
    /// One of the given texts.
    OneOf(&'static [&'static str]),
    /// A whole number within the bounds.
    WholeIn(i64, i64),
    /// A number within the bounds.
    NumberIn(f64, f64),
    /// A number of 0 or more.
    NonNegative,
}

const STATUSES: [&str; 4] = [
    Status::ALL[0].as_str(),
    Status::ALL[1].as_str(),
    Status::ALL[2].as_str(),
    Status::ALL[3].as_str(),
];
const PHASES: [&str; 3] = [
    Phase::ALL[0].as_str(),
    Phase::ALL[1].as_str(),
    Phase::ALL[2].as_str(),
];
const PRECISIONS: [&str; 5] = [
    Precision::Site.as_str(),
    Precision::CommuneCentre.as_str(),
    Precision::Approximate.as_str(),
    Precision::NotLocated.as_str(),
    Precision::Drafted.as_str(),
];

const YEAR_MIN: i64 = crate::model::validate::YEAR_MIN as i64;
const YEAR_MAX: i64 = crate::model::validate::YEAR_MAX as i64;

/// The rules of a site table's columns (planning and context layers): what
/// `model::validate::validate_site` refuses, column by column.
pub const SITE_RULES: [(&str, Rule); 12] = [
    ("name", Rule::NotBlank),
    ("status", Rule::OneOf(&STATUSES)),
    ("planned_phase", Rule::OneOf(&PHASES)),
    ("location_precision", Rule::OneOf(&PRECISIONS)),
    ("decision_year", Rule::WholeIn(YEAR_MIN, YEAR_MAX)),
    ("occupancy_year", Rule::WholeIn(YEAR_MIN, YEAR_MAX)),
    ("jobs", Rule::WholeIn(0, i64::MAX)),
    ("pollution_class", Rule::WholeIn(1, 5)),
    ("investment_bn_vnd", Rule::NonNegative),
    ("area_ha", Rule::NonNegative),
    ("green_buffer_m", Rule::NonNegative),
    ("occupancy_pct", Rule::NumberIn(0.0, 100.0)),
];

/// Whether `table` is a site table (a planning or context layer).
pub fn is_site_table(table: &str) -> bool {
    crate::model::Layer::from_table(table).is_some()
}

/// The rules of `table`'s columns (none for a table that is not a site table).
pub fn rules_of(table: &str) -> &'static [(&'static str, Rule)] {
    if is_site_table(table) {
        &SITE_RULES
    } else {
        &[]
    }
}

impl Rule {
    /// Why `v` breaks the rule (English, for messages and conflicts), or `None`. NULL breaks
    /// none (whether a column may be empty is its NOT NULL).
    pub fn broken_by(self, v: &Cell) -> Option<String> {
        let number = match v {
            Cell::Null => return None,
            Cell::Int(i) => Some(*i as f64),
            Cell::Real(r) => Some(*r),
            _ => None,
        };
        match (self, v) {
            (Rule::NotBlank, Cell::Text(t)) if t.trim().is_empty() => Some("is empty".into()),
            (Rule::NotBlank, Cell::Text(_)) => None,
            (Rule::OneOf(list), Cell::Text(t)) if list.contains(&t.as_str()) => None,
            (Rule::OneOf(list), _) => Some(format!("is not one of {}", list.join(", "))),
            (Rule::WholeIn(lo, hi), Cell::Int(i)) if (lo..=hi).contains(i) => None,
            (Rule::WholeIn(lo, hi), Cell::Real(r))
                if r.fract() == 0.0 && (lo as f64..=hi as f64).contains(r) =>
            {
                None
            }
            (Rule::WholeIn(lo, i64::MAX), _) => {
                Some(format!("is not a whole number of {lo} or more"))
            }
            (Rule::WholeIn(lo, hi), _) => Some(format!("is not a whole number {lo}–{hi}")),
            (Rule::NumberIn(lo, hi), _)
                if number.is_some_and(|n| n.is_finite() && (lo..=hi).contains(&n)) =>
            {
                None
            }
            (Rule::NumberIn(lo, hi), _) => Some(format!("is not a number {lo}–{hi}")),
            (Rule::NonNegative, _) if number.is_some_and(|n| n.is_finite() && n >= 0.0) => None,
            (Rule::NonNegative, _) => Some("is not a number of 0 or more".into()),
            (_, _) => Some("is not text".into()),
        }
    }

    /// The rule in words as a constraint's name: "`col` must …", at most 63 bytes (what
    /// PostgreSQL keeps of a name).
    pub fn constraint_name(self, col: &str) -> String {
        let must = match self {
            Rule::NotBlank => "must not be empty".to_string(),
            Rule::OneOf(list) => format!("must be {}", list.join("|")),
            Rule::WholeIn(lo, i64::MAX) => format!("must be a whole number {lo} or more"),
            Rule::WholeIn(lo, hi) => format!("must be a whole number {lo}-{hi}"),
            Rule::NumberIn(lo, hi) => format!("must be a number {lo}-{hi}"),
            Rule::NonNegative => "must be 0 or more".to_string(),
        };
        let name = format!("{col} {must}");
        if name.len() <= 63 {
            name
        } else {
            format!("{col} must be a value qn-planner knows")
        }
    }

    /// The rule as an SQL condition on `col` (an expression, already quoted) that is true
    /// when the value breaks it; NULL breaks none. The same text serves SQLite and
    /// PostgreSQL; `pg` casts text comparisons for PostgreSQL's stricter typing.
    pub fn broken_sql(self, col: &str, pg: bool) -> String {
        let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
        match self {
            Rule::NotBlank => {
                if pg {
                    format!("btrim({col}) = ''")
                } else {
                    format!("typeof({col}) <> 'text' OR trim({col}) = ''")
                }
            }
            Rule::OneOf(list) => {
                let l: Vec<String> = list.iter().map(|s| lit(s)).collect();
                format!("{col} NOT IN ({})", l.join(", "))
            }
            Rule::WholeIn(lo, hi) => {
                let range = if hi == i64::MAX {
                    format!("{col} < {lo}")
                } else {
                    format!("{col} NOT BETWEEN {lo} AND {hi}")
                };
                if pg {
                    range
                } else {
                    format!(
                        "typeof({col}) NOT IN ('integer', 'real') OR {col} <> round({col}) OR {range}"
                    )
                }
            }
            Rule::NumberIn(lo, hi) => {
                let range = format!("NOT ({col} >= {lo} AND {col} <= {hi})");
                if pg {
                    range
                } else {
                    format!("typeof({col}) NOT IN ('integer', 'real') OR {range}")
                }
            }
            Rule::NonNegative => {
                let range = format!("NOT ({col} >= 0)");
                if pg {
                    format!("{range} OR {col} IN ('Infinity'::float8, 'NaN'::float8)")
                } else {
                    format!("typeof({col}) NOT IN ('integer', 'real') OR {range}")
                }
            }
        }
    }
}

/// Why `value` may not stand in `table.column`, or `None`.
pub fn check_value(table: &str, column: &str, value: &Cell) -> Option<String> {
    rules_of(table)
        .iter()
        .find(|(c, _)| *c == column)
        .and_then(|(_, r)| r.broken_by(value))
        .map(|why| format!("{table}.{column} {why}"))
}

/// The GeoPackage's triggers that refuse, on insert and on update, a row of site table
/// `table` that breaks a rule, whichever program writes it, with the reason:
/// `qn-planner: proposed_clusters.status is not one of …`. `columns` are the table's columns
/// (a rule on a column the table lacks is left out).
pub fn sqlite_triggers(table: &str, columns: &[String]) -> String {
    let t = super::ident(table);
    let mut out = String::new();
    for (col, rule) in rules_of(table) {
        if !columns.iter().any(|c| c == col) {
            continue;
        }
        let why = rule
            .broken_by(&sample_breaking(*rule))
            .unwrap_or_else(|| "is not allowed".into());
        let msg = format!("qn-planner: {table}.{col} {why}").replace('\'', "''");
        let c = super::ident(col);
        for (when, what) in [("insert", "INSERT"), ("update", "UPDATE OF ")] {
            let name = super::ident(&format!("qn_check_{table}_{col}_{when}"));
            let on = if when == "update" {
                format!("{what}{c}")
            } else {
                what.to_string()
            };
            let cond = rule.broken_sql(&format!("NEW.{c}"), false);
            // An update checks a value it changes: one written before the file had its rules
            // (read as it is, see `model::Site::unread`) does not block every other edit.
            let changed = if when == "update" {
                format!(" AND NEW.{c} IS NOT OLD.{c}")
            } else {
                String::new()
            };
            out.push_str(&format!(
                "DROP TRIGGER IF EXISTS {name};
                 CREATE TRIGGER {name} BEFORE {on} ON {t}
                   WHEN NEW.{c} IS NOT NULL{changed} AND ({cond})
                 BEGIN SELECT RAISE(ABORT, '{msg}'); END;\n"
            ));
        }
    }
    out
}

/// The PostgreSQL CHECK constraints of site table `table` (names and conditions), for the
/// columns it has. A constraint's name is the rule in words (PostgreSQL's message names it:
/// `violates check constraint "status must be established|proposed|approved|in operation"`).
pub fn pg_checks(table: &str, columns: &[String]) -> Vec<(String, String)> {
    rules_of(table)
        .iter()
        .filter(|(c, _)| columns.iter().any(|x| x == c))
        .map(|(col, rule)| {
            let c = super::ident(col);
            (
                rule.constraint_name(col),
                format!("{c} IS NULL OR NOT ({})", rule.broken_sql(&c, true)),
            )
        })
        .collect()
}

/// A value that breaks `rule`, to word its message.
fn sample_breaking(rule: Rule) -> Cell {
    match rule {
        Rule::NotBlank => Cell::Text(String::new()),
        Rule::OneOf(_) => Cell::Text(String::new()),
        Rule::WholeIn(..) | Rule::NumberIn(..) | Rule::NonNegative => Cell::Real(f64::NAN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_refuses_what_validate_site_refuses() {
        use crate::model::validate::validate_site;
        use crate::model::{Layer, Site};
        let base = Site::new(Layer::ProposedClusters, "Kim Sơn", Status::Proposed);
        type Change = Box<dyn Fn(&mut Site)>;
        let cases: Vec<(&str, Cell, Change)> = vec![
            (
                "name",
                Cell::Text("  ".into()),
                Box::new(|s| s.name = "  ".into()),
            ),
            ("jobs", Cell::Int(-1), Box::new(|s| s.jobs = Some(-1))),
            (
                "decision_year",
                Cell::Int(2045),
                Box::new(|s| s.decision_year = Some(2045)),
            ),
            (
                "occupancy_year",
                Cell::Int(1999),
                Box::new(|s| s.occupancy_year = Some(1999)),
            ),
            (
                "investment_bn_vnd",
                Cell::Real(-0.5),
                Box::new(|s| s.investment_bn_vnd = Some(-0.5)),
            ),
            (
                "area_ha",
                Cell::Real(f64::NAN),
                Box::new(|s| s.area_ha = Some(f64::NAN)),
            ),
            (
                "green_buffer_m",
                Cell::Real(-1.0),
                Box::new(|s| s.green_buffer_m = Some(-1.0)),
            ),
            (
                "occupancy_pct",
                Cell::Real(101.0),
                Box::new(|s| s.occupancy_pct = Some(101.0)),
            ),
            (
                "pollution_class",
                Cell::Int(6),
                Box::new(|s| s.pollution_class = Some(6)),
            ),
        ];
        for (col, cell, change) in cases {
            let mut s = base.clone();
            change(&mut s);
            assert!(
                validate_site(&s).iter().any(|e| e.field == col),
                "validate_site lets {col} through"
            );
            assert!(
                check_value("proposed_clusters", col, &cell).is_some(),
                "the domain lets {col} = {cell:?} through"
            );
        }
        assert!(validate_site(&base).is_empty());
        assert!(check_value("proposed_clusters", "jobs", &Cell::Int(500)).is_none());
        assert!(check_value("proposed_clusters", "jobs", &Cell::Real(500.0)).is_none());
        assert!(check_value("proposed_clusters", "jobs", &Cell::Real(5.5)).is_some());
        assert!(check_value("proposed_clusters", "planned_phase", &Cell::Null).is_none());
        assert!(check_value("scenarios", "name", &Cell::Text(String::new())).is_none());
    }

    #[test]
    fn the_triggers_refuse_in_sqlite_with_the_reason() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE proposed_clusters (fid INTEGER PRIMARY KEY, name TEXT, status TEXT,
               jobs INTEGER, occupancy_pct REAL)",
        )
        .unwrap();
        let cols: Vec<String> = ["name", "status", "jobs", "occupancy_pct"]
            .map(String::from)
            .to_vec();
        c.execute_batch(&sqlite_triggers("proposed_clusters", &cols))
            .unwrap();
        c.execute(
            "INSERT INTO proposed_clusters VALUES (1, 'Kim Sơn', 'proposed', 10, 50.5)",
            [],
        )
        .unwrap();
        for bad in [
            "UPDATE proposed_clusters SET status = 'planned'",
            "UPDATE proposed_clusters SET name = ''",
            "UPDATE proposed_clusters SET jobs = 'many'",
            "UPDATE proposed_clusters SET jobs = -3",
            "UPDATE proposed_clusters SET occupancy_pct = 120",
            "INSERT INTO proposed_clusters VALUES (2, ' ', 'proposed', NULL, NULL)",
        ] {
            let e = c.execute(bad, []).unwrap_err().to_string();
            assert!(
                e.starts_with("qn-planner: proposed_clusters."),
                "{bad}: {e}"
            );
        }
        c.execute(
            "UPDATE proposed_clusters SET jobs = NULL, status = 'approved'",
            [],
        )
        .unwrap();
    }
}
