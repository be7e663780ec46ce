//! Reading and writing scenarios and actuals (attributes tables of schema 3).

use super::{ProjectFile, StoreError};
use crate::model::scenario::{GrowthPeriod, ProgrammeYear, Scenario, SectorShares, SitePhase};
use crate::model::{Actual, Layer};
use rusqlite::{Connection, OptionalExtension, params};

/// A scenario row with its JSON columns still as text (sector shares, priority districts).
type ScenarioRow = (Scenario, Option<String>, Option<String>);

fn read_scenarios(conn: &Connection) -> rusqlite::Result<Vec<ScenarioRow>> {
    let mut stmt = conn.prepare(
        "SELECT fid, name, description, author_notes, created, modified, is_reference, sector_shares, priority_districts
         FROM scenarios ORDER BY fid",
    )?;
    let rows = stmt.query_map([], |r| {
        let text = |i: usize| -> rusqlite::Result<String> {
            Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
        };
        Ok((
            Scenario {
                id: r.get(0)?,
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
                .prepare("SELECT site_table, site_fid, open_year, land_ha FROM scenario_phasing WHERE scenario_id = ?1 ORDER BY fid")
                .map_err(sq)?;
            let rows: Vec<(String, i64, Option<i64>, Option<f64>)> = stmt
                .query_map([s.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .and_then(|rows| rows.collect())
                .map_err(sq)?;
            for (table, fid, year, land) in rows {
                let Some(layer) = Layer::from_table(&table) else {
                    return Err(bad(format!("phasing names unknown table '{table}'")));
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
                .prepare("SELECT from_year, to_year, rate_pct FROM scenario_growth WHERE scenario_id = ?1 ORDER BY from_year")
                .map_err(sq)?;
            s.growth = stmt
                .query_map([s.id], |r| {
                    Ok(GrowthPeriod {
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
                    "SELECT year, projects, total_capital_bn_vnd, funds_bn_vnd, social_capital_bn_vnd
                     FROM scenario_programme WHERE scenario_id = ?1 ORDER BY year",
                )
                .map_err(sq)?;
            s.programme = stmt
                .query_map([s.id], |r| {
                    Ok(ProgrammeYear {
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
        if self.read_only {
            return Err(self.read_only_error());
        }
        self.backup_before_first_write()?;
        let path = self.path.clone();
        let sq = |e| StoreError::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(sq)?;
        for t in ["scenario_phasing", "scenario_growth", "scenario_programme"] {
            tx.execute(&format!("DELETE FROM {t} WHERE scenario_id = ?1"), [id])
                .map_err(sq)?;
        }
        let id = match after {
            None => {
                tx.execute("DELETE FROM scenarios WHERE fid = ?1", [id])
                    .map_err(sq)?;
                id
            }
            Some(s) => {
                let shares = s.sector_shares.and_then(|x| serde_json::to_string(&x).ok());
                let districts =
                    serde_json::to_string(&s.priority_districts).unwrap_or_else(|_| "[]".into());
                let exists = tx
                    .query_row("SELECT 1 FROM scenarios WHERE fid = ?1", [id], |_| Ok(()))
                    .optional()
                    .map_err(sq)?
                    .is_some();
                if exists {
                    tx.execute(
                        "UPDATE scenarios SET name = ?1, description = ?2, author_notes = ?3, created = ?4,
                           modified = ?5, is_reference = ?6, sector_shares = ?7, priority_districts = ?8 WHERE fid = ?9",
                        rusqlite::params_from_iter(
                            [
                                rusqlite::types::Value::Text(s.name.clone()),
                                rusqlite::types::Value::Text(s.description.clone()),
                                rusqlite::types::Value::Text(s.author_notes.clone()),
                                rusqlite::types::Value::Text(s.created.clone()),
                                rusqlite::types::Value::Text(s.modified.clone()),
                                rusqlite::types::Value::Integer(i64::from(s.is_reference)),
                                shares.clone().map(rusqlite::types::Value::Text).unwrap_or(rusqlite::types::Value::Null),
                                rusqlite::types::Value::Text(districts.clone()),
                                rusqlite::types::Value::Integer(id),
                            ],
                        ),
                    )
                    .map_err(sq)?;
                    id
                } else {
                    tx.execute(
                        "INSERT INTO scenarios (fid, name, description, author_notes, created, modified, is_reference, sector_shares, priority_districts)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        params![
                            (id > 0).then_some(id),
                            s.name,
                            s.description,
                            s.author_notes,
                            s.created,
                            s.modified,
                            i64::from(s.is_reference),
                            shares,
                            districts
                        ],
                    )
                    .map_err(sq)?;
                    tx.last_insert_rowid()
                }
            }
        };
        if let Some(s) = after {
            for p in &s.phasing {
                tx.execute(
                    "INSERT INTO scenario_phasing (scenario_id, site_table, site_fid, open_year, land_ha) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, p.layer.table(), p.fid, p.open_year, p.land_ha],
                )
                .map_err(sq)?;
            }
            for g in &s.growth {
                tx.execute(
                    "INSERT INTO scenario_growth (scenario_id, from_year, to_year, rate_pct) VALUES (?1, ?2, ?3, ?4)",
                    params![id, g.from, g.to, g.rate_pct],
                )
                .map_err(sq)?;
            }
            for y in &s.programme {
                tx.execute(
                    "INSERT INTO scenario_programme (scenario_id, year, projects, total_capital_bn_vnd, funds_bn_vnd, social_capital_bn_vnd)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![id, y.year, y.projects, y.total_capital_bn_vnd, y.funds_bn_vnd, y.social_capital_bn_vnd],
                )
                .map_err(sq)?;
            }
        }
        tx.execute(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now')
             WHERE table_name IN ('scenarios', 'scenario_phasing', 'scenario_growth', 'scenario_programme')",
            [],
        )
        .map_err(sq)?;
        tx.commit().map_err(sq)?;
        Ok(id)
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
            .prepare("SELECT indicator, period, year, value, unit, price_basis, scope, source, quote, kind FROM actuals ORDER BY fid")
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        stmt.query_map([], |r| {
            let t = |i: usize| -> rusqlite::Result<String> {
                Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
            };
            Ok(Actual {
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
        if self.read_only {
            return Err(self.read_only_error());
        }
        self.backup_before_first_write()?;
        let path = self.path.clone();
        let sq = |e| StoreError::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(sq)?;
        tx.execute("DELETE FROM actuals", []).map_err(sq)?;
        for a in after {
            tx.execute(
                "INSERT INTO actuals (indicator, period, year, value, unit, price_basis, scope, source, quote, kind)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![a.indicator, a.period, a.year, a.value, a.unit, a.price_basis, a.scope, a.source, a.quote, a.kind.as_str()],
            )
            .map_err(sq)?;
        }
        tx.execute(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = 'actuals'",
            [],
        )
        .map_err(sq)?;
        tx.commit().map_err(sq)?;
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
        if self.read_only {
            return Err(self.read_only_error());
        }
        self.backup_before_first_write()?;
        let path = self.path.clone();
        let sq = |e| StoreError::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(sq)?;
        tx.execute("DELETE FROM rules", []).map_err(sq)?;
        super::schema::insert_rules(&tx, after).map_err(sq)?;
        tx.execute(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = 'rules'",
            [],
        )
        .map_err(sq)?;
        tx.commit().map_err(sq)?;
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
        use crate::settings::Language;
        if self.read_only {
            return Err(self.read_only_error());
        }
        self.backup_before_first_write()?;
        let path = self.path.clone();
        let sq = |e| StoreError::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(sq)?;
        super::name_author(&tx, self.author.as_deref()).map_err(sq)?;
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
        tx.execute(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = 'document_figures'",
            [],
        )
        .map_err(sq)?;
        super::name_author(&tx, None).map_err(sq)?;
        tx.commit().map_err(sq)?;
        Ok(())
    }
}

impl ProjectFile {
    /// The change log, oldest first: every operation after `since` (a `seq`), or only those
    /// of the record `record_key` (a site and its boundary share the key); at most `limit`,
    /// the newest when there are more.
    pub fn operations(
        &self,
        record_key: Option<&str>,
        since: i64,
        limit: usize,
    ) -> Result<Vec<crate::model::oplog::Operation>, StoreError> {
        use crate::model::oplog::{LogValue, OpKind, Operation};
        let p = &self.path;
        let sq = |e| StoreError::sqlite(p, e);
        let value = |v: rusqlite::types::Value, field: &str| -> LogValue {
            use rusqlite::types::Value as S;
            match v {
                S::Null => LogValue::Null,
                S::Integer(i) => LogValue::Int(i),
                S::Real(r) => LogValue::Real(r),
                S::Text(t) => LogValue::Text(t),
                S::Blob(b) if field == "geom" => {
                    LogValue::Geometry(super::geom::decode(&b).ok().and_then(|d| d.geometry))
                }
                S::Blob(_) => LogValue::Geometry(None),
            }
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT * FROM (
                   SELECT seq, op_key, tbl, record_key, kind, field, before, after, author, at
                   FROM qn_oplog WHERE seq > ?1 AND (?2 IS NULL OR record_key = ?2)
                   ORDER BY seq DESC LIMIT ?3)
                 ORDER BY seq",
            )
            .map_err(sq)?;
        let rows = stmt
            .query_map(params![since, record_key, limit], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    op_key_text(&r.get::<_, Vec<u8>>(1)?),
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, rusqlite::types::Value>(6)?,
                    r.get::<_, rusqlite::types::Value>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, String>(9)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(sq)?;
        rows.into_iter()
            .map(
                |(seq, op_key, table, record_key, kind, field, b, a, author, at)| {
                    let kind = OpKind::parse(&kind).ok_or_else(|| StoreError::BadValue {
                        path: p.clone(),
                        table: "qn_oplog".into(),
                        fid: seq,
                        msg: format!("unknown operation kind {kind:?}"),
                    })?;
                    Ok(Operation {
                        seq,
                        op_key,
                        before: value(b, &field),
                        after: value(a, &field),
                        table,
                        record_key,
                        kind,
                        field,
                        author,
                        at,
                    })
                },
            )
            .collect()
    }
}

/// An operation key (16 random bytes) written as a UUID is: 8-4-4-4-12 hexadecimal digits.
fn op_key_text(b: &[u8]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    if hex.len() != 32 {
        return hex;
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
