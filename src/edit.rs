//! Every change to a project is an [`Edit`]: a record before and after. Applying one writes
//! it to the GeoPackage in its own transaction, updates the in-memory project, and returns the
//! inverse edit, which is what undo applies. [`History`] keeps those inverses, merging the
//! steps of one gesture (a vertex drag, typing in one field) into a single undo step.

use crate::model::figures::Figure;
use crate::model::scenario::{Scenario, ScenarioError};
use crate::model::style::LayerStyle;
use crate::model::validate::{FieldError, validate_site};
use crate::model::{Actual, Layer, Project, Site, geodesic_area_ha, oriented, text::nfc};
use crate::store::{AsideLayer, ProjectFile, StoreError};
use thiserror::Error;

/// A change to one record: `before` → `after` (`None` = the record does not exist).
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// A site of a planning layer (fid 0: not stored yet).
    Site {
        layer: Layer,
        fid: i64,
        before: Option<Box<Site>>,
        after: Option<Box<Site>>,
    },
    /// A scenario with all its rows (id 0: not stored yet). With `touch` (a planner's change)
    /// the edit stamps it: `modified` now, and `created` now for a new one; undo and redo
    /// (`touch` false) put back the stamps they hold.
    Scenario {
        id: i64,
        before: Option<Box<Scenario>>,
        after: Option<Box<Scenario>>,
        touch: bool,
    },
    /// Which scenario is the reference.
    Reference {
        before: Option<i64>,
        after: Option<i64>,
    },
    /// The whole list of actual values.
    Actuals {
        before: Vec<Actual>,
        after: Vec<Actual>,
    },
    /// The whole rule set.
    Rules {
        before: Vec<crate::model::rules::Rule>,
        after: Vec<crate::model::rules::Rule>,
    },
    /// A reference layer brought into the project from where its rows wait in the file
    /// (`bring_back`), or with `bring_back` `None` taken out and set aside. Neither reads the
    /// file it was imported from: an import writes the layer aside and brings it in with this
    /// edit, undo sets it aside again and redo brings it back.
    ReferenceLayer {
        table: String,
        bring_back: Option<Box<AsideLayer>>,
    },
    /// The project's value of one of the report's figures (a correction, or back to the
    /// report's value).
    Figure {
        figure: Figure,
        before: f64,
        after: f64,
    },
    /// Several sites changed together (an import; a change, or a deletion, of the records
    /// of a selection, which may span layers): one transaction, one undo step, one change-log
    /// operation per record. Each entry is as in [`Edit::Site`].
    Sites { changes: Vec<SiteChange> },
    /// A layer's style, keyed by its table (a planning layer's point table or a reference
    /// layer's); `None` is the layer's default look.
    Style {
        table: String,
        before: Option<Box<LayerStyle>>,
        after: Option<Box<LayerStyle>>,
    },
}

/// One record of an [`Edit::Sites`]: `before` → `after` of site `fid` of `layer` (fid 0: a
/// new site; `after` `None`: deleted).
#[derive(Debug, Clone, PartialEq)]
pub struct SiteChange {
    pub layer: Layer,
    pub fid: i64,
    pub before: Option<Site>,
    pub after: Option<Site>,
}

#[derive(Debug, Error)]
pub enum EditError {
    #[error("refused: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.reason)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("refused: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.reason)).collect::<Vec<_>>().join("; "))]
    InvalidScenario(Vec<ScenarioError>),
    #[error("the record changed since this edit was made ({0})")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl EditError {
    /// The message in `lang`, for the window (the CLI prints the English `Display`).
    pub fn text(&self, lang: crate::lang::Language) -> String {
        use crate::lang::Language;
        match (self, lang) {
            (_, Language::En) => self.to_string(),
            (EditError::Invalid(errors), Language::Vi) => format!(
                "bị từ chối: {}",
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.reason.text(lang)))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            (EditError::InvalidScenario(errors), Language::Vi) => format!(
                "bị từ chối: {}",
                errors
                    .iter()
                    .map(|e| e.text(lang).to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            (EditError::Conflict(what), Language::Vi) => {
                format!("bản ghi đã thay đổi kể từ khi sửa ({what})")
            }
            (EditError::Store(e), Language::Vi) => e.text(lang),
        }
    }
}

/// Identity of an edit's record, for merging steps of one gesture.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    Site(Layer, i64),
    Scenario(i64),
    Reference,
    Actuals,
    Rules,
    Sites,
    ReferenceLayer(String),
    Figure(Figure),
    Style(String),
}

impl Edit {
    /// Adds a new site.
    pub fn insert(site: Site) -> Edit {
        Edit::Site {
            layer: site.layer,
            fid: 0,
            before: None,
            after: Some(Box::new(site)),
        }
    }

    /// Replaces site `before` by `after` (same layer and fid).
    pub fn update(before: Site, after: Site) -> Edit {
        Edit::Site {
            layer: before.layer,
            fid: before.fid,
            before: Some(Box::new(before)),
            after: Some(Box::new(after)),
        }
    }

    /// Deletes a site.
    pub fn delete(site: Site) -> Edit {
        Edit::Site {
            layer: site.layer,
            fid: site.fid,
            before: Some(Box::new(site)),
            after: None,
        }
    }

    /// Adds, replaces (`before` given) or deletes (`after` `None`) a scenario.
    pub fn scenario(before: Option<Scenario>, after: Option<Scenario>) -> Edit {
        Edit::Scenario {
            id: before.as_ref().map(|s| s.id).unwrap_or(0),
            before: before.map(Box::new),
            after: after.map(Box::new),
            touch: true,
        }
    }

    fn target(&self) -> Target {
        match self {
            Edit::Site { layer, fid, .. } => Target::Site(*layer, *fid),
            Edit::Scenario { id, .. } => Target::Scenario(*id),
            Edit::Reference { .. } => Target::Reference,
            Edit::Actuals { .. } => Target::Actuals,
            Edit::Rules { .. } => Target::Rules,
            Edit::Sites { .. } => Target::Sites,
            Edit::ReferenceLayer { table, .. } => Target::ReferenceLayer(table.clone()),
            Edit::Figure { figure, .. } => Target::Figure(*figure),
            Edit::Style { table, .. } => Target::Style(table.clone()),
        }
    }

    /// Adds new sites to `layer` in one step.
    pub fn insert_many(layer: Layer, sites: Vec<Site>) -> Edit {
        Edit::Sites {
            changes: sites
                .into_iter()
                .map(|s| SiteChange {
                    layer,
                    fid: 0,
                    before: None,
                    after: Some(s),
                })
                .collect(),
        }
    }

    /// Changes existing sites (each `before` → `after`, any layers) in one step.
    pub fn update_many(pairs: Vec<(Site, Site)>) -> Edit {
        Edit::Sites {
            changes: pairs
                .into_iter()
                .map(|(before, after)| SiteChange {
                    layer: before.layer,
                    fid: before.fid,
                    before: Some(before),
                    after: Some(after),
                })
                .collect(),
        }
    }

    /// Deletes sites (any layers) in one step.
    pub fn delete_many(sites: Vec<Site>) -> Edit {
        Edit::Sites {
            changes: sites
                .into_iter()
                .map(|s| SiteChange {
                    layer: s.layer,
                    fid: s.fid,
                    before: Some(s),
                    after: None,
                })
                .collect(),
        }
    }

    /// Checks the edit, writes it to `file` in one transaction, then to `project`.
    /// Returns the inverse edit. Nothing is written when it fails.
    pub fn apply(self, file: &mut ProjectFile, project: &mut Project) -> Result<Edit, EditError> {
        match self {
            Edit::Site {
                layer,
                fid,
                before,
                after,
            } => apply_site(
                layer,
                fid,
                before.map(|b| *b),
                after.map(|a| *a),
                file,
                project,
            ),
            Edit::Scenario {
                id,
                before,
                after,
                touch,
            } => apply_scenario(
                id,
                before.map(|b| *b),
                after.map(|a| *a),
                touch,
                file,
                project,
            ),
            Edit::Sites { changes } => apply_sites(changes, file, project),
            Edit::Style {
                table,
                before,
                after,
            } => {
                let current = project.styles.get(&table).cloned();
                if current.as_ref() != before.as_deref() {
                    return Err(EditError::Conflict(format!("style of {table}")));
                }
                file.put_style(&table, after.as_deref())?;
                match &after {
                    Some(s) => {
                        project.styles.insert(table.clone(), (**s).clone());
                    }
                    None => {
                        project.styles.remove(&table);
                    }
                }
                Ok(Edit::Style {
                    table,
                    before: after,
                    after: current.map(Box::new),
                })
            }
            Edit::ReferenceLayer { table, bring_back } => match bring_back {
                None => {
                    let aside = file.set_aside_reference_layer(&table)?;
                    Ok(Edit::ReferenceLayer {
                        table,
                        bring_back: Some(Box::new(aside)),
                    })
                }
                Some(aside) => {
                    file.bring_back_reference_layer(&aside)?;
                    Ok(Edit::ReferenceLayer {
                        table: aside.table,
                        bring_back: None,
                    })
                }
            },
            Edit::Reference { before, after } => {
                let current = project.reference_scenario().map(|s| s.id);
                if current != before {
                    return Err(EditError::Conflict("reference scenario".into()));
                }
                file.set_reference(after)?;
                for s in &mut project.scenarios {
                    s.is_reference = Some(s.id) == after;
                }
                Ok(Edit::Reference {
                    before: after,
                    after: before,
                })
            }
            Edit::Rules { before, after } => {
                if project.rules != before {
                    return Err(EditError::Conflict("rules".into()));
                }
                let mut bad: Vec<ScenarioError> = Vec::new();
                for r in &after {
                    for (reason, reason_vi) in r.validate() {
                        bad.push(ScenarioError {
                            field: "rules".into(),
                            reason,
                            reason_vi,
                        });
                    }
                }
                for (i, r) in after.iter().enumerate() {
                    if after[..i].iter().any(|o| o.key == r.key) {
                        bad.push(ScenarioError {
                            field: "rules".into(),
                            reason: format!("two rules have the key {}", r.key),
                            reason_vi: format!("hai quy định cùng mã {}", r.key),
                        });
                    }
                }
                if !bad.is_empty() {
                    return Err(EditError::InvalidScenario(bad));
                }
                file.put_rules(&after)?;
                // Ids are assigned by the store; read them back so memory matches the file.
                project.rules = file.read_rules()?;
                let stored = project.rules.clone();
                Ok(Edit::Rules {
                    before: stored,
                    after: before,
                })
            }
            Edit::Figure {
                figure,
                before,
                after,
            } => {
                if project.figures.get(figure) != before {
                    return Err(EditError::Conflict(figure.key().into()));
                }
                if !figure.accepts(after) {
                    return Err(EditError::InvalidScenario(vec![ScenarioError {
                        field: figure.key().into(),
                        reason: format!(
                            "{} cannot be {after} {}",
                            figure.label(crate::lang::Language::En),
                            figure.unit().text(crate::lang::Language::En)
                        ),
                        reason_vi: format!(
                            "{} không thể là {after} {}",
                            figure.label(crate::lang::Language::Vi),
                            figure.unit().text(crate::lang::Language::Vi)
                        ),
                    }]));
                }
                file.put_figure(figure, after)?;
                project.figures.set(figure, after);
                Ok(Edit::Figure {
                    figure,
                    before: after,
                    after: before,
                })
            }
            Edit::Actuals { before, after } => {
                if project.actuals != before {
                    return Err(EditError::Conflict("actuals".into()));
                }
                let bad: Vec<ScenarioError> = after
                    .iter()
                    // Reported rows are kept exactly as their source gives them; what the
                    // planner enters is checked.
                    .filter(|a| a.kind == crate::model::ActualKind::Entered)
                    .filter(|a| {
                        a.value.is_none_or(|v| !v.is_finite())
                            || a.year.is_some_and(|y| {
                                !(crate::model::years::ENTRY_MIN..=crate::model::years::ENTRY_MAX)
                                    .contains(&y)
                            })
                            || a.indicator.trim().is_empty()
                            || a.period.trim().is_empty()
                    })
                    .map(|a| ScenarioError {
                        field: "actuals".into(),
                        reason: format!(
                            "{} {}: {} is not a valid actual value",
                            a.indicator,
                            a.period,
                            a.value.unwrap_or(f64::NAN)
                        ),
                        reason_vi: format!(
                            "{} {}: {} không phải giá trị thực tế hợp lệ",
                            a.indicator,
                            a.period,
                            a.value.unwrap_or(f64::NAN)
                        ),
                    })
                    .collect();
                if !bad.is_empty() {
                    return Err(EditError::InvalidScenario(bad));
                }
                // Keys given here, so that memory and the file agree on them.
                let mut after = after;
                for a in &mut after {
                    if a.key.is_empty() {
                        a.key = crate::model::new_key();
                    }
                }
                file.put_actuals(&after)?;
                project.actuals = after.clone();
                Ok(Edit::Actuals {
                    before: after,
                    after: before,
                })
            }
        }
    }
}

fn apply_site(
    layer: Layer,
    fid: i64,
    before: Option<Site>,
    after: Option<Site>,
    file: &mut ProjectFile,
    project: &mut Project,
) -> Result<Edit, EditError> {
    let current = project.site(layer, fid).cloned();
    if fid != 0 && current != before {
        return Err(EditError::Conflict(format!("{} fid {fid}", layer.table())));
    }
    let after = after.map(|s| prepare_site(layer, s)).transpose()?;
    let fid = file.put_site(layer, fid, after.as_ref())?;
    let after = after.map(|mut s| {
        s.fid = fid;
        s
    });
    match &after {
        Some(s) => project.put(s.clone()),
        None => {
            project.remove(layer, fid);
        }
    }
    Ok(Edit::Site {
        layer,
        fid,
        before: after.map(Box::new),
        after: current.map(Box::new),
    })
}

fn prepare_site(layer: Layer, mut s: Site) -> Result<Site, EditError> {
    s.layer = layer;
    if s.key.is_empty() {
        // The key is made with the record and kept through undo and redo.
        s.key = crate::model::new_key();
    }
    s.name = nfc(s.name.trim());
    s.geom = s.geom.map(oriented);
    s.area_ha = s.geom.as_ref().and_then(geodesic_area_ha);
    let errors = validate_site(&s);
    if !errors.is_empty() {
        return Err(EditError::Invalid(errors));
    }
    Ok(s)
}

fn apply_sites(
    changes: Vec<SiteChange>,
    file: &mut ProjectFile,
    project: &mut Project,
) -> Result<Edit, EditError> {
    // Check everything before writing anything.
    let mut checked: Vec<SiteChange> = Vec::with_capacity(changes.len());
    for c in changes {
        let current = project.site(c.layer, c.fid).cloned();
        if c.fid != 0 && current != c.before {
            return Err(EditError::Conflict(format!(
                "{} fid {}",
                c.layer.table(),
                c.fid
            )));
        }
        let after = c.after.map(|s| prepare_site(c.layer, s)).transpose()?;
        checked.push(SiteChange {
            layer: c.layer,
            fid: c.fid,
            before: current,
            after,
        });
    }
    let writes: Vec<(Layer, i64, Option<&Site>)> = checked
        .iter()
        .map(|c| (c.layer, c.fid, c.after.as_ref()))
        .collect();
    let fids = file.put_site_changes(&writes)?;
    let mut inverse = Vec::with_capacity(checked.len());
    for (c, fid) in checked.into_iter().zip(fids) {
        let after = c.after.map(|mut s| {
            s.fid = fid;
            s
        });
        match &after {
            Some(s) => project.put(s.clone()),
            None => {
                project.remove(c.layer, fid);
            }
        }
        inverse.push(SiteChange {
            layer: c.layer,
            fid,
            before: after,
            after: c.before,
        });
    }
    // Undo goes back in the opposite order.
    inverse.reverse();
    Ok(Edit::Sites { changes: inverse })
}

fn apply_scenario(
    id: i64,
    before: Option<Scenario>,
    after: Option<Scenario>,
    touch: bool,
    file: &mut ProjectFile,
    project: &mut Project,
) -> Result<Edit, EditError> {
    let current = project.scenario(id).cloned();
    if id != 0 && current != before {
        return Err(EditError::Conflict(format!("scenario {id}")));
    }
    let after = match after {
        Some(mut s) => {
            s.name = nfc(s.name.trim());
            let others: Vec<&str> = project
                .scenarios
                .iter()
                .filter(|o| o.id != id || id == 0)
                .map(|o| o.name.as_str())
                .collect();
            let errors = s.validate(&others);
            if !errors.is_empty() {
                return Err(EditError::InvalidScenario(errors));
            }
            // Keys are given here, so that memory and the file agree on them. A new record
            // that carries the key of one the project has (a copy made by hand) is a copy:
            // it and its rows get keys of their own.
            if id == 0 && project.scenarios.iter().any(|o| o.key == s.key) {
                s.key.clear();
                s.growth.iter_mut().for_each(|g| g.key.clear());
                s.programme.iter_mut().for_each(|y| y.key.clear());
            }
            if s.key.is_empty() {
                s.key = crate::model::new_key();
            }
            for g in &mut s.growth {
                if g.key.is_empty() {
                    g.key = crate::model::new_key();
                }
            }
            for y in &mut s.programme {
                if y.key.is_empty() {
                    y.key = crate::model::new_key();
                }
            }
            if touch {
                let now = crate::model::scenario::now_utc_iso();
                if id == 0 || s.created.is_empty() {
                    s.created = now.clone();
                }
                s.modified = now;
            }
            Some(s)
        }
        None => None,
    };
    let id = file.put_scenario(id, after.as_ref())?;
    let after = after.map(|mut s| {
        s.id = id;
        s
    });
    match &after {
        Some(s) => match project.scenarios.iter_mut().find(|x| x.id == id) {
            Some(slot) => *slot = s.clone(),
            None => {
                project.scenarios.push(s.clone());
                project.scenarios.sort_by_key(|x| x.id);
            }
        },
        None => project.scenarios.retain(|x| x.id != id),
    }
    Ok(Edit::Scenario {
        id,
        before: after.map(Box::new),
        after: current.map(Box::new),
        touch: false,
    })
}

#[derive(Debug, Clone)]
struct Step {
    /// Applying it undoes the step.
    inverse: Edit,
    /// Steps of one gesture share a key and merge into one.
    merge_key: Option<u64>,
    /// The change log's sequence number when the step began: the operations its merged edits
    /// write fold into those from here on.
    log_from: i64,
}

/// Undo and redo stacks of inverse edits.
#[derive(Debug, Default, Clone)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Edit>,
}

/// What an applied edit created or changed: the record's id in the file (a site's fid, a
/// scenario's id) and, for a site, its key. `None` for edits of whole lists (actuals, rules,
/// an import of many sites) and the reference choice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub id: Option<i64>,
    pub key: Option<String>,
}

impl Applied {
    /// Read from the inverse of an applied edit, which names the record as it now is.
    fn of(inverse: &Edit) -> Applied {
        match inverse {
            Edit::Site { fid, before, .. } => Applied {
                id: Some(*fid),
                key: before.as_ref().map(|s| s.key.clone()),
            },
            Edit::Scenario { id, .. } => Applied {
                id: Some(*id),
                key: None,
            },
            _ => Applied::default(),
        }
    }
}

impl History {
    /// Applies `edit` and records it. Steps with the same `merge_key` on the same record as the
    /// last step fold into it, so undo goes back to before the whole gesture, and so do their
    /// change-log operations: the keystrokes of one committed value are one operation per
    /// field in the file's log (and so one history entry, one operation sent to the server).
    /// Returns what the edit created or changed (a new site's fid and key, a new scenario's id).
    pub fn apply(
        &mut self,
        edit: Edit,
        merge_key: Option<u64>,
        file: &mut ProjectFile,
        project: &mut Project,
    ) -> Result<Applied, EditError> {
        self.apply_gesture(edit, merge_key, false, file, project)
    }

    /// As [`History::apply`]; `split`: the edit begins a new step even when the last step has
    /// the same key (the planner paused typing), and later edits with the key merge into it.
    pub fn apply_gesture(
        &mut self,
        edit: Edit,
        merge_key: Option<u64>,
        split: bool,
        file: &mut ProjectFile,
        project: &mut Project,
    ) -> Result<Applied, EditError> {
        let merging = match (merge_key, self.undo.last()) {
            (Some(k), Some(last)) => {
                !split && last.merge_key == Some(k) && last.inverse.target() == edit.target()
            }
            _ => false,
        };
        let log_from = match self.undo.last() {
            Some(last) if merging => last.log_from,
            _ => file.next_log_seq().unwrap_or(i64::MAX),
        };
        file.fold_log_from(merging.then_some(log_from));
        let result = edit.apply(file, project);
        file.fold_log_from(None);
        let inverse = result?;
        let applied = Applied::of(&inverse);
        self.redo.clear();
        if merging && let Some(last) = self.undo.last_mut() {
            // Keep the oldest "after" (the state before the gesture) and the newest "before".
            match (&mut last.inverse, inverse) {
                (Edit::Site { before: b, .. }, Edit::Site { before: nb, .. }) => *b = nb,
                (Edit::Scenario { before: b, .. }, Edit::Scenario { before: nb, .. }) => *b = nb,
                (Edit::Reference { before: b, .. }, Edit::Reference { before: nb, .. }) => *b = nb,
                (Edit::Actuals { before: b, .. }, Edit::Actuals { before: nb, .. }) => *b = nb,
                (Edit::Rules { before: b, .. }, Edit::Rules { before: nb, .. }) => *b = nb,
                (Edit::Figure { before: b, .. }, Edit::Figure { before: nb, .. }) => *b = nb,
                (Edit::Style { before: b, .. }, Edit::Style { before: nb, .. }) => *b = nb,
                (_, inverse) => self.undo.push(Step {
                    inverse,
                    merge_key,
                    log_from,
                }),
            }
            return Ok(applied);
        }
        self.undo.push(Step {
            inverse,
            merge_key,
            log_from,
        });
        Ok(applied)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Undoes the last step. Returns false when there is nothing to undo.
    pub fn undo(
        &mut self,
        file: &mut ProjectFile,
        project: &mut Project,
    ) -> Result<bool, EditError> {
        let Some(step) = self.undo.pop() else {
            return Ok(false);
        };
        match step.inverse.clone().apply(file, project) {
            Ok(redo) => {
                self.redo.push(redo);
                Ok(true)
            }
            Err(e) => {
                self.undo.push(step);
                Err(e)
            }
        }
    }

    /// Redoes the last undone step. Returns false when there is nothing to redo.
    pub fn redo(
        &mut self,
        file: &mut ProjectFile,
        project: &mut Project,
    ) -> Result<bool, EditError> {
        let Some(edit) = self.redo.pop() else {
            return Ok(false);
        };
        match edit.clone().apply(file, project) {
            Ok(inverse) => {
                self.undo.push(Step {
                    inverse,
                    merge_key: None,
                    log_from: i64::MAX,
                });
                Ok(true)
            }
            Err(e) => {
                self.redo.push(edit);
                Err(e)
            }
        }
    }

    /// Records a change already written (an import that ran on its own thread), as its
    /// inverse, so that undo takes it back.
    pub fn record(&mut self, inverse: Edit) {
        self.redo.clear();
        self.undo.push(Step {
            inverse,
            merge_key: None,
            log_from: i64::MAX,
        });
    }

    /// Keeps the undo steps of what a sync did not touch: a site step whose record
    /// `site_touched` says changed goes (undoing it would write over the other side's change),
    /// and so do the steps of scenarios, rules, figures and actual values when `others_touched`
    /// (the sync changed some of those); styles and reference layers are not synced and stay.
    /// The redo stack goes.
    pub fn retain_untouched(
        &mut self,
        site_touched: &dyn Fn(Layer, i64) -> bool,
        others_touched: bool,
    ) {
        self.redo.clear();
        self.undo.retain(|step| match step.inverse.target() {
            Target::Site(layer, fid) => !site_touched(layer, fid),
            Target::Sites => false,
            Target::Scenario(_)
            | Target::Reference
            | Target::Actuals
            | Target::Rules
            | Target::Figure(_) => !others_touched,
            Target::ReferenceLayer(_) | Target::Style(_) => true,
        });
    }

    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}
