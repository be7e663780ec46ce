//! Reading and writing the attributes tables: scenarios and their rows, actual values, rules
//! and the report's figures, row by row (only what changed is written, and so logged).

use super::{ProjectFile, StoreError};
use crate::model::scenario::{GrowthPeriod, ProgrammeYear, Scenario, SectorShares, SitePhase};
use crate::model::{Actual, Layer};
use rusqlite::{Connection, OptionalExtension, params};

/// A scenario row with its JSON columns still as text (sector shares, priority districts).
type ScenarioRow = (Scenario, Option<String>, Option<String>);

fn read_scenarios(conn: &Connection) -> rusqlite::Result<Vec<ScenarioRow>> {
    let mut stmt = conn.prepare(
        "SELECT fid, name, description, author_notes, created, modified, is_reference, sector_shares, priority_districts, key
         FROM scenarios ORDER BY fid",
    )?;
    let rows = stmt.query_map([], |r| {
        let text = |i: usize| -> rusqlite::Result<String> {
            Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
        };
        Ok((
            Scenario {
                id: r.get(0)?,
                key: text(9)?,
                name: text(1)?,
                description: text(2)?,
                author_notes: text(3)?,
                created: text(4)?,
                modified: text(5)?,
                is_reference: r.get::<_, i64>(6)? != 0,
                phasing: Vec::new(),
                growth: Vec::new(),
                sector_shares: None,
                programme: Vec::new(),
                priority_districts: Vec::new(),
            },
            r.get::<_, Option<String>>(7)?,
            r.get::<_, Option<String>>(8)?,
        ))
    })?;
    rows.collect()
}

impl ProjectFile {
    /// Reads every scenario with its phasing, growth and programme rows.
    pub fn read_scenarios(&self) -> Result<Vec<Scenario>, StoreError> {
        let p = &self.path;
        let sq = |e| StoreError::sqlite(p, e);
        let sites = self.site_positions().map_err(sq)?;
        let mut out = Vec::new();
        for (mut s, shares, districts) in read_scenarios(&self.conn).map_err(sq)? {
            let bad = |msg: String| StoreError::BadValue {
                path: p.clone(),
                table: "scenarios".into(),
                fid: s.id,
                msg,
            };
            s.sector_shares = match shares.as_deref() {
                None | Some("") => None,
                Some(t) => Some(
                    serde_json::from_str::<SectorShares>(t)
                        .map_err(|e| bad(format!("sector_shares is not valid JSON: {e}")))?,
                ),
            };
            s.priority_districts = match districts.as_deref() {
                None | Some("") => Vec::new(),
                Some(t) => serde_json::from_str(t)
                    .map_err(|e| bad(format!("priority_districts is not valid JSON: {e}")))?,
            };
            let mut stmt = self
                .conn
                .prepare("SELECT site_table, site_fid, open_year, land_ha, site_key FROM scenario_phasing WHERE scenario_id = ?1 ORDER BY fid")
                .map_err(sq)?;
            type PhasingRow = (String, i64, Option<i64>, Option<f64>, Option<String>);
            let rows: Vec<PhasingRow> = stmt
                .query_map([s.id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .and_then(|rows| rows.collect())
                .map_err(sq)?;
            for (table, fid, year, land, site_key) in rows {
                // The site by its key (the same in every copy); its fid where it has none.
                let (layer, fid) = match site_key.as_deref().and_then(|k| sites.get(k)) {
                    Some(&at) => at,
                    None => match Layer::from_table(&table) {
                        Some(layer) => (layer, fid),
                        None => {
                            return Err(bad(format!("phasing names unknown table '{table}'")));
                        }
                    },
                };
                s.phasing.push(SitePhase {
                    layer,
                    fid,
                    open_year: year.map(|y| y as i32),
                    land_ha: land,
                });
            }
            let mut stmt = self
                .conn
                .prepare("SELECT from_year, to_year, rate_pct, coalesce(key, '') FROM scenario_growth WHERE scenario_id = ?1 ORDER BY from_year")
                .map_err(sq)?;
            s.growth = stmt
                .query_map([s.id], |r| {
                    Ok(GrowthPeriod {
                        key: r.get(3)?,
                        from: r.get(0)?,
                        to: r.get(1)?,
                        rate_pct: r.get(2)?,
                    })
                })
                .and_then(|rows| rows.collect())
                .map_err(sq)?;
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT year, projects, total_capital_bn_vnd, funds_bn_vnd, social_capital_bn_vnd, coalesce(key, '')
                     FROM scenario_programme WHERE scenario_id = ?1 ORDER BY year",
                )
                .map_err(sq)?;
            s.programme = stmt
                .query_map([s.id], |r| {
                    Ok(ProgrammeYear {
                        key: r.get(5)?,
                        year: r.get(0)?,
                        projects: r.get(1)?,
                        total_capital_bn_vnd: r.get(2)?,
                        funds_bn_vnd: r.get(3)?,
                        social_capital_bn_vnd: r.get(4)?,
                    })
                })
                .and_then(|rows| rows.collect())
                .map_err(sq)?;
            out.push(s);
        }
        Ok(out)
    }

    /// Writes scenario `id` as `after` (`None` deletes it) with all its rows, in one
    /// transaction. Id 0 inserts; the stored id is returned.
    pub fn put_scenario(&mut self, id: i64, after: Option<&Scenario>) -> Result<i64, StoreError> {
        self.guarded(|pf| pf.put_scenario_inner(id, after))
    }

    fn put_scenario_inner(&mut self, id: i64, after: Option<&Scenario>) -> Result<i64, StoreError> {
        let fold = self.log_fold();
        let (tx, path) = self.begin_write()?;
        let sq = |e| StoreError::sqlite(&path, e);
        let id = match after {
            None => {
                for t in ["scenario_phasing", "scenario_growth", "scenario_programme"] {
                    tx.execute(&format!("DELETE FROM {t} WHERE scenario_id = ?1"), [id])
                        .map_err(sq)?;
                }
                tx.execute("DELETE FROM scenarios WHERE fid = ?1", [id])
                    .map_err(sq)?;
                id
            }
            Some(s) => {
                let id = write_scenario_row(&tx, id, s).map_err(sq)?;
                write_scenario_rows(&tx, id, s).map_err(sq)?;
                id
            }
        };
        finish_write(
            tx,
            &[
                "scenarios",
                "scenario_phasing",
                "scenario_growth",
                "scenario_programme",
            ],
            fold,
        )
        .map_err(sq)?;
        Ok(id)
    }

    /// Where each site is in this file, by its stable key: (layer, fid).
    fn site_positions(&self) -> rusqlite::Result<std::collections::HashMap<String, (Layer, i64)>> {
        let mut out = std::collections::HashMap::new();
        for layer in Layer::ALL {
            let mut stmt = self.conn.prepare(&format!(
                "SELECT site_key, fid FROM \"{}\" WHERE site_key IS NOT NULL",
                layer.table()
            ))?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (k, fid) = row?;
                out.insert(k, (layer, fid));
            }
        }
        Ok(out)
    }

    /// Marks scenario `id` (or none) as the reference, in one transaction.
    pub fn set_reference(&mut self, id: Option<i64>) -> Result<(), StoreError> {
        self.guarded(|pf| pf.set_reference_inner(id))
    }

    fn set_reference_inner(&mut self, id: Option<i64>) -> Result<(), StoreError> {
        if self.read_only {
            return Err(self.read_only_error());
        }
        self.backup_before_first_write()?;
        self.conn
            .execute("UPDATE scenarios SET is_reference = (fid IS ?1)", [id])
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        Ok(())
    }

    pub fn read_actuals(&self) -> Result<Vec<Actual>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT indicator, period, year, value, unit, price_basis, scope, source, quote, kind, key FROM actuals ORDER BY fid")
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        stmt.query_map([], |r| {
            let t = |i: usize| -> rusqlite::Result<String> {
                Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
            };
            Ok(Actual {
                key: t(10)?,
                indicator: t(0)?,
                period: t(1)?,
                year: r.get(2)?,
                value: r.get(3)?,
                unit: t(4)?,
                price_basis: t(5)?,
                scope: t(6)?,
                source: t(7)?,
                quote: t(8)?,
                kind: crate::model::ActualKind::parse(&t(9)?),
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// Replaces all actuals by `after`, in one transaction.
    pub fn put_actuals(&mut self, after: &[Actual]) -> Result<(), StoreError> {
        self.guarded(|pf| pf.put_actuals_inner(after))
    }

    fn put_actuals_inner(&mut self, after: &[Actual]) -> Result<(), StoreError> {
        let fold = self.log_fold();
        let (tx, path) = self.begin_write()?;
        let sq = |e| StoreError::sqlite(&path, e);
        // Row by row, matched by key: only what changed is written (and logged).
        let rows = after
            .iter()
            .map(|a| {
                use rusqlite::types::Value as V;
                let text = |t: &str| V::Text(t.to_string());
                (
                    keyed(&a.key),
                    vec![
                        ("indicator", text(&a.indicator)),
                        ("period", text(&a.period)),
                        (
                            "year",
                            a.year.map(|y| V::Integer(i64::from(y))).unwrap_or(V::Null),
                        ),
                        ("value", a.value.map(V::Real).unwrap_or(V::Null)),
                        ("unit", text(&a.unit)),
                        ("price_basis", text(&a.price_basis)),
                        ("scope", text(&a.scope)),
                        ("source", text(&a.source)),
                        ("quote", text(&a.quote)),
                        ("kind", text(a.kind.as_str())),
                    ],
                )
            })
            .collect();
        sync_keyed_rows(&tx, "actuals", "key", None, rows).map_err(sq)?;
        finish_write(tx, &["actuals"], fold).map_err(sq)?;
        Ok(())
    }
}

impl ProjectFile {
    /// Reads the rule set.
    pub fn read_rules(&self) -> Result<Vec<crate::model::rules::Rule>, StoreError> {
        use crate::model::rules::{CheckKind, Rule, RuleParams};
        let p = &self.path;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT fid, rule_key, check_kind, params, instrument, article, valid_from, valid_to, source, confidence, enabled, note
                 FROM rules ORDER BY fid",
            )
            .map_err(|e| StoreError::sqlite(p, e))?;
        type Row = (
            i64,
            String,
            String,
            String,
            [Option<String>; 6],
            i64,
            Option<String>,
        );
        let rows: Vec<Row> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    [
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                        r.get(9)?,
                    ],
                    r.get(10)?,
                    r.get(11)?,
                ))
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| StoreError::sqlite(p, e))?;
        let mut out = Vec::new();
        for (id, key, check, params, texts, enabled, note) in rows {
            let bad = |msg: String| StoreError::BadValue {
                path: p.clone(),
                table: "rules".into(),
                fid: id,
                msg,
            };
            let check =
                CheckKind::parse(&check).ok_or_else(|| bad(format!("unknown check '{check}'")))?;
            let params: RuleParams = serde_json::from_str(&params)
                .map_err(|e| bad(format!("params are not valid JSON: {e}")))?;
            let [instrument, article, from, to, source, confidence] = texts;
            out.push(Rule {
                id,
                key,
                check,
                params,
                instrument: instrument.unwrap_or_default(),
                article: article.unwrap_or_default(),
                valid_from: from.unwrap_or_default(),
                valid_to: to.filter(|t| !t.is_empty()),
                source: source.unwrap_or_default(),
                confidence: confidence.unwrap_or_default(),
                enabled: enabled != 0,
                note: note.unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Replaces the rule set by `after`, in one transaction.
    pub fn put_rules(&mut self, after: &[crate::model::rules::Rule]) -> Result<(), StoreError> {
        self.guarded(|pf| pf.put_rules_inner(after))
    }

    fn put_rules_inner(&mut self, after: &[crate::model::rules::Rule]) -> Result<(), StoreError> {
        let fold = self.log_fold();
        let (tx, path) = self.begin_write()?;
        let sq = |e| StoreError::sqlite(&path, e);
        // Row by row, matched by the rule's key: only what changed is written (and logged).
        let rows = after
            .iter()
            .map(|r| {
                use rusqlite::types::Value as V;
                let text = |t: &str| V::Text(t.to_string());
                (
                    r.key.clone(),
                    vec![
                        ("check_kind", text(r.check.as_str())),
                        (
                            "params",
                            text(&serde_json::to_string(&r.params).unwrap_or_else(|_| "{}".into())),
                        ),
                        ("instrument", text(&r.instrument)),
                        ("article", text(&r.article)),
                        ("valid_from", text(&r.valid_from)),
                        (
                            "valid_to",
                            r.valid_to.clone().map(V::Text).unwrap_or(V::Null),
                        ),
                        ("source", text(&r.source)),
                        ("confidence", text(&r.confidence)),
                        ("enabled", V::Integer(i64::from(r.enabled))),
                        ("note", text(&r.note)),
                    ],
                )
            })
            .collect();
        sync_keyed_rows(&tx, "rules", "rule_key", None, rows).map_err(sq)?;
        finish_write(tx, &["rules"], fold).map_err(sq)?;
        Ok(())
    }
}

impl ProjectFile {
    /// The report's figures as the project holds them. A row deleted (in QGIS, say) falls
    /// back to the report's value; a row whose value is not a number is refused with its fid.
    pub fn read_figures(&self) -> Result<crate::model::figures::DocumentFigures, StoreError> {
        use crate::model::figures::{DocumentFigures, Figure};
        let p = &self.path;
        let mut out = DocumentFigures::default();
        let mut stmt = self
            .conn
            .prepare("SELECT fid, key, value, typeof(value) FROM document_figures ORDER BY fid")
            .map_err(|e| StoreError::sqlite(p, e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, rusqlite::types::Value>(2)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| StoreError::sqlite(p, e))?;
        for (fid, key, value) in rows {
            let Some(f) = Figure::from_key(&key) else {
                continue;
            };
            let v = match value {
                rusqlite::types::Value::Real(v) => v,
                rusqlite::types::Value::Integer(i) => i as f64,
                other => {
                    return Err(StoreError::BadValue {
                        path: p.clone(),
                        table: "document_figures".into(),
                        fid,
                        msg: format!("value of {key} is not a number: {other:?}"),
                    });
                }
            };
            if !f.accepts(v) {
                return Err(StoreError::BadValue {
                    path: p.clone(),
                    table: "document_figures".into(),
                    fid,
                    msg: format!("value of {key} cannot be {v}"),
                });
            }
            out.set(f, v);
        }
        Ok(out)
    }

    /// Sets the project's value of one figure, in one transaction.
    pub fn put_figure(
        &mut self,
        f: crate::model::figures::Figure,
        value: f64,
    ) -> Result<(), StoreError> {
        self.guarded(|pf| pf.put_figure_inner(f, value))
    }

    fn put_figure_inner(
        &mut self,
        f: crate::model::figures::Figure,
        value: f64,
    ) -> Result<(), StoreError> {
        use crate::lang::Language;
        let fold = self.log_fold();
        let (tx, path) = self.begin_write()?;
        let sq = |e| StoreError::sqlite(&path, e);
        let n = tx
            .execute(
                "UPDATE document_figures SET value = ?2 WHERE key = ?1",
                params![f.key(), value],
            )
            .map_err(sq)?;
        if n == 0 {
            tx.execute(
                "INSERT INTO document_figures (key, label, value, unit, paragraph, document_value, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    f.key(),
                    f.label(Language::Vi),
                    value,
                    f.unit().stored(),
                    f.paragraph(),
                    f.document_value(),
                    f.note()
                ],
            )
            .map_err(sq)?;
        }
        finish_write(tx, &["document_figures"], fold).map_err(sq)?;
        Ok(())
    }
}

/// Writes the scenario's own row (inserting it when `id` is 0 or gone); returns its id.
fn write_scenario_row(tx: &Connection, id: i64, s: &Scenario) -> rusqlite::Result<i64> {
    let shares = s.sector_shares.and_then(|x| serde_json::to_string(&x).ok());
    let districts = serde_json::to_string(&s.priority_districts).unwrap_or_else(|_| "[]".into());
    let key = (!s.key.is_empty()).then_some(s.key.as_str());
    let updated = tx.execute(
        "UPDATE scenarios SET name = ?1, description = ?2, author_notes = ?3, created = ?4,
           modified = ?5, is_reference = ?6, sector_shares = ?7, priority_districts = ?8,
           key = coalesce(?9, key)
         WHERE fid = ?10",
        params![
            s.name,
            s.description,
            s.author_notes,
            s.created,
            s.modified,
            i64::from(s.is_reference),
            shares,
            districts,
            key,
            id
        ],
    )?;
    if updated > 0 {
        return Ok(id);
    }
    tx.execute(
        "INSERT INTO scenarios (fid, name, description, author_notes, created, modified, is_reference, sector_shares, priority_districts, key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            (id > 0).then_some(id),
            s.name,
            s.description,
            s.author_notes,
            s.created,
            s.modified,
            i64::from(s.is_reference),
            shares,
            districts,
            key
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Brings the phasing, growth and programme rows of scenario `id` to those of `s`, row by row
/// (matched by key): unchanged rows are not touched, so the change log holds only what
/// changed.
fn write_scenario_rows(tx: &Connection, id: i64, s: &Scenario) -> rusqlite::Result<()> {
    use rusqlite::types::Value as V;
    let scenario_key: String = tx
        .query_row("SELECT key FROM scenarios WHERE fid = ?1", [id], |r| {
            r.get::<_, Option<String>>(0)
        })?
        .unwrap_or_default();
    // Phasing: one row per site, keyed by scenario and site.
    let mut rows: Vec<(String, Vec<(&str, V)>)> = Vec::new();
    for p in &s.phasing {
        let site_key: Option<String> = tx
            .prepare_cached(&format!(
                "SELECT site_key FROM \"{}\" WHERE fid = ?1",
                p.layer.table()
            ))?
            .query_row([p.fid], |r| r.get(0))
            .optional()?
            .flatten();
        let key = format!(
            "{scenario_key}:{}",
            site_key
                .clone()
                .unwrap_or_else(|| format!("{}#{}", p.layer.table(), p.fid))
        );
        rows.push((
            key,
            vec![
                ("site_table", V::Text(p.layer.table().into())),
                ("site_fid", V::Integer(p.fid)),
                ("site_key", site_key.map(V::Text).unwrap_or(V::Null)),
                (
                    "open_year",
                    p.open_year
                        .map(|y| V::Integer(i64::from(y)))
                        .unwrap_or(V::Null),
                ),
                ("land_ha", p.land_ha.map(V::Real).unwrap_or(V::Null)),
            ],
        ));
    }
    sync_keyed_rows(
        tx,
        "scenario_phasing",
        "key",
        Some((id, &scenario_key)),
        rows,
    )?;
    let rows = s
        .growth
        .iter()
        .map(|g| {
            (
                keyed(&g.key),
                vec![
                    ("from_year", V::Integer(i64::from(g.from))),
                    ("to_year", V::Integer(i64::from(g.to))),
                    ("rate_pct", V::Real(g.rate_pct)),
                ],
            )
        })
        .collect();
    sync_keyed_rows(
        tx,
        "scenario_growth",
        "key",
        Some((id, &scenario_key)),
        rows,
    )?;
    let rows = s
        .programme
        .iter()
        .map(|y| {
            let opt_f = |v: Option<f64>| v.map(V::Real).unwrap_or(V::Null);
            (
                keyed(&y.key),
                vec![
                    ("year", V::Integer(i64::from(y.year))),
                    ("projects", y.projects.map(V::Integer).unwrap_or(V::Null)),
                    ("total_capital_bn_vnd", opt_f(y.total_capital_bn_vnd)),
                    ("funds_bn_vnd", opt_f(y.funds_bn_vnd)),
                    ("social_capital_bn_vnd", opt_f(y.social_capital_bn_vnd)),
                ],
            )
        })
        .collect();
    sync_keyed_rows(
        tx,
        "scenario_programme",
        "key",
        Some((id, &scenario_key)),
        rows,
    )
}

/// A row's key: its own, or a new one for a row that has none yet.
fn keyed(key: &str) -> String {
    if key.is_empty() {
        crate::model::new_key()
    } else {
        key.to_string()
    }
}

/// Makes `table` hold exactly `rows` (key in column `key_col`, then the other columns) —
/// or, with `scope` (a scenario's id and key), the rows of that scenario: updates the rows
/// whose values differ, inserts the new ones, deletes the others. Unchanged rows are not
/// touched, so the change log holds only what changed.
fn sync_keyed_rows(
    tx: &Connection,
    table: &str,
    key_col: &str,
    scope: Option<(i64, &str)>,
    rows: Vec<(String, Vec<(&str, rusqlite::types::Value)>)>,
) -> rusqlite::Result<()> {
    use rusqlite::types::Value as V;
    let t = super::ident(table);
    let k = super::ident(key_col);
    let rows_of = |r: &rusqlite::Row| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?));
    let existing: std::collections::HashMap<String, i64> = match scope {
        Some((id, _)) => tx
            .prepare_cached(&format!(
                "SELECT coalesce({k}, ''), fid FROM {t} WHERE scenario_id = ?1"
            ))?
            .query_map([id], rows_of)?
            .collect::<rusqlite::Result<_>>()?,
        None => tx
            .prepare_cached(&format!("SELECT coalesce({k}, ''), fid FROM {t}"))?
            .query_map([], rows_of)?
            .collect::<rusqlite::Result<_>>()?,
    };
    let mut kept = std::collections::HashSet::new();
    for (key, cols) in rows {
        let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
        let mut values: Vec<rusqlite::types::Value> = cols.into_iter().map(|(_, v)| v).collect();
        if let Some(&fid) = existing.get(&key) {
            kept.insert(fid);
            let sets: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{} = ?{}", super::ident(c), i + 1))
                .collect();
            let differs: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{} IS NOT ?{}", super::ident(c), i + 1))
                .collect();
            values.push(rusqlite::types::Value::Integer(fid));
            let n = values.len();
            tx.prepare_cached(&format!(
                "UPDATE {t} SET {} WHERE fid = ?{n} AND ({})",
                sets.join(", "),
                differs.join(" OR ")
            ))?
            .execute(rusqlite::params_from_iter(values))?;
        } else {
            let mut cols_sql: Vec<String> = names.iter().map(|c| super::ident(c)).collect();
            cols_sql.push(k.clone());
            values.push(V::Text(key.clone()));
            if let Some((id, scenario_key)) = scope {
                cols_sql.push("scenario_id".into());
                cols_sql.push("scenario_key".into());
                values.push(V::Integer(id));
                values.push(V::Text(scenario_key.to_string()));
            }
            let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
            tx.prepare_cached(&format!(
                "INSERT INTO {t} ({}) VALUES ({})",
                cols_sql.join(", "),
                marks.join(", ")
            ))?
            .execute(rusqlite::params_from_iter(values))?;
            kept.insert(tx.last_insert_rowid());
        }
    }
    for fid in existing.values() {
        if !kept.contains(fid) {
            tx.prepare_cached(&format!("DELETE FROM {t} WHERE fid = ?1"))?
                .execute([fid])?;
        }
    }
    Ok(())
}

/// Ends a write transaction of qn-planner's: the tables written are marked changed in
/// `gpkg_contents`, the operations of a gesture folded (see [`super::fold_log`]), the change
/// log's author cleared (see `name_author`), then it commits.
pub(crate) fn finish_write(
    tx: rusqlite::Transaction<'_>,
    tables: &[&str],
    fold: Option<super::LogFold>,
) -> rusqlite::Result<()> {
    if let Some(f) = fold {
        super::fold_log(&tx, &f)?;
    }
    for t in tables {
        tx.execute(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?1",
            [t],
        )?;
    }
    super::end_author(&tx)?;
    tx.commit()
}
