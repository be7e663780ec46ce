//! Every change to a project is an [`Edit`]: the record before and after. Applying one writes
//! it to the GeoPackage in its own transaction, updates the in-memory project, and returns the
//! inverse edit, which is what undo applies. [`History`] keeps those inverses, merging the
//! steps of one gesture (a vertex drag) into a single undo step.

use crate::model::validate::{FieldError, validate_site};
use crate::model::{Layer, Project, Site, geodesic_area_ha, oriented, text::nfc};
use crate::store::{ProjectFile, StoreError};
use thiserror::Error;

/// A change to one record: `before` → `after` (`None` = the record does not exist).
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub layer: Layer,
    /// 0 for a record not stored yet.
    pub fid: i64,
    pub before: Option<Site>,
    pub after: Option<Site>,
}

#[derive(Debug, Error)]
pub enum EditError {
    #[error("refused: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.reason)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("the record changed since this edit was made (layer {0:?}, fid {1})")]
    Conflict(Layer, i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Edit {
    /// Adds a new record.
    pub fn insert(site: Site) -> Edit {
        Edit {
            layer: site.layer,
            fid: 0,
            before: None,
            after: Some(site),
        }
    }

    /// Replaces `before` by `after` (same layer and fid).
    pub fn update(before: Site, after: Site) -> Edit {
        Edit {
            layer: before.layer,
            fid: before.fid,
            before: Some(before),
            after: Some(after),
        }
    }

    /// Deletes the record.
    pub fn delete(site: Site) -> Edit {
        Edit {
            layer: site.layer,
            fid: site.fid,
            before: Some(site),
            after: None,
        }
    }

    /// Checks the edit, writes it to `file` in one transaction, then to `project`.
    /// Returns the inverse edit. Nothing is written when it fails.
    pub fn apply(self, file: &mut ProjectFile, project: &mut Project) -> Result<Edit, EditError> {
        let current = project.site(self.layer, self.fid).cloned();
        if self.fid != 0 && current != self.before {
            return Err(EditError::Conflict(self.layer, self.fid));
        }
        let after = match self.after {
            Some(mut s) => {
                s.layer = self.layer;
                s.name = nfc(s.name.trim());
                s.geom = s.geom.map(oriented);
                s.area_ha = s.geom.as_ref().and_then(geodesic_area_ha);
                let errors = validate_site(&s);
                if !errors.is_empty() {
                    return Err(EditError::Invalid(errors));
                }
                Some(s)
            }
            None => None,
        };
        let fid = file.put_site(self.layer, self.fid, after.as_ref())?;
        let after = after.map(|mut s| {
            s.fid = fid;
            s
        });
        match &after {
            Some(s) => project.put(s.clone()),
            None => {
                project.remove(self.layer, fid);
            }
        }
        Ok(Edit {
            layer: self.layer,
            fid,
            before: after,
            after: current,
        })
    }
}

#[derive(Debug, Clone)]
struct Step {
    /// Applying it undoes the step.
    inverse: Edit,
    /// Steps of one gesture share a key and merge into one.
    merge_key: Option<u64>,
}

/// Undo and redo stacks of inverse edits.
#[derive(Debug, Default, Clone)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Edit>,
}

impl History {
    /// Applies `edit` and records it. Steps with the same `merge_key` on the same record as the
    /// last step fold into it, so undo goes back to before the whole gesture.
    pub fn apply(
        &mut self,
        edit: Edit,
        merge_key: Option<u64>,
        file: &mut ProjectFile,
        project: &mut Project,
    ) -> Result<(), EditError> {
        let inverse = edit.apply(file, project)?;
        self.redo.clear();
        if let (Some(k), Some(last)) = (merge_key, self.undo.last_mut())
            && last.merge_key == Some(k)
            && last.inverse.layer == inverse.layer
            && last.inverse.fid == inverse.fid
        {
            // Keep the oldest "after" (the state before the gesture); the newest "before".
            last.inverse.before = inverse.before;
            return Ok(());
        }
        self.undo.push(Step { inverse, merge_key });
        Ok(())
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
                });
                Ok(true)
            }
            Err(e) => {
                self.redo.push(edit);
                Err(e)
            }
        }
    }

    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}
