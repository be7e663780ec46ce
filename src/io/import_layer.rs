//! Importing a file as a reference layer: the orchestration. The file is read once, on a
//! second thread ([`read_prepared`]), while this one hands the batches to the store's
//! [`AsideWriter`]; the layer is written aside in one transaction and brought into the project
//! by an edit (`Edit::ReferenceLayer`), so undo and redo never read the file again.

use super::crs::Crs;
use super::import::{CrsFrom, ImportError, ReadSummary, Source, read_prepared};
use super::problem::{At, Problem};
use crate::store::batch::Batch;
use crate::store::{AsideAbout, AsideLayer, ProjectFile};
use std::sync::atomic::{AtomicBool, Ordering};

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    /// The layer's table in the project.
    pub table: String,
    pub name: String,
    pub features: u64,
    pub crs: Crs,
    pub crs_from: CrsFrom,
    /// Attribute fields (columns besides fid and geom).
    pub fields: usize,
    pub geometry_type: String,
    /// The encoding the text was read in, and why (office formats).
    pub encoding: Option<super::encoding::Choice>,
    /// What reading noticed and did (Z values dropped, capitals recased…).
    pub notes: Vec<String>,
}

/// Imports `source` as a new reference layer called `name`, drawn in `color` (`#rrggbb`):
/// [`import_aside`], then brought into the project at once. The window and the CLI bring it in
/// with an `Edit` instead, so that undo and redo go through the history.
pub fn import_reference_layer(
    pf: &mut ProjectFile,
    source: &Source,
    crs: Option<Crs>,
    name: &str,
    color: &str,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(u64, f64),
) -> Result<ImportSummary, ImportError> {
    let (summary, aside) = import_aside(pf, source, crs, name, color, cancel, progress)?;
    pf.bring_back_reference_layer(&aside)?;
    Ok(summary)
}

/// Reads `source` into a table of the file that is not yet part of the project (an
/// [`AsideLayer`]); bringing it back makes it the reference layer `name`. With no `crs`, the
/// system is the one the file declares, else a guess from its coordinate ranges. Everything is
/// written in one transaction, so an error or a cancel (`cancel` is checked every 500
/// features) leaves the file as it was. `progress(done, fraction)` reports features written
/// and the share of the input read.
pub fn import_aside(
    pf: &mut ProjectFile,
    source: &Source,
    crs: Option<Crs>,
    name: &str,
    color: &str,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(u64, f64),
) -> Result<(ImportSummary, AsideLayer), ImportError> {
    pf.guarded(
        |pf| match import_once(pf, source, crs, name, color, cancel, progress) {
            // The file named its system after its features and the guess was different.
            Err(ImportError::DeclaredAfter(d)) if crs.is_none() => {
                import_once(pf, source, Some(d), name, color, cancel, progress)
            }
            r => r,
        },
    )
}

fn import_once(
    pf: &mut ProjectFile,
    source: &Source,
    crs: Option<Crs>,
    name: &str,
    color: &str,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(u64, f64),
) -> Result<(ImportSummary, AsideLayer), ImportError> {
    if pf.is_read_only() {
        return Err(ImportError::Store(pf.read_only_error()));
    }
    let name = crate::model::text::nfc(name.trim());
    if name.is_empty() {
        return Err(ImportError::Bad {
            at: At::LayerName,
            problem: Problem::EmptyLayerName,
        });
    }
    if pf.layer_title_taken(&name)? {
        return Err(ImportError::Bad {
            at: At::LayerName,
            problem: Problem::LayerExists(name.to_string()),
        });
    }
    let mut w = pf.begin_aside(&name)?;
    // Read on a second thread; write here as batches arrive.
    let read = std::thread::scope(|s| -> Result<ReadSummary, ImportError> {
        let (send, recv) = std::sync::mpsc::sync_channel::<Batch>(8);
        // Written batches go back to be freed where they were made: freeing on this thread
        // what the reader allocated makes the two contend for the allocator's locks.
        let (done_send, done_recv) = std::sync::mpsc::channel::<Batch>();
        let reader = std::thread::Builder::new()
            .name("qn-import-read".into())
            .spawn_scoped(s, move || {
                read_prepared(source, crs, cancel, &mut |b| {
                    done_recv.try_iter().for_each(drop);
                    send.send(b).is_ok()
                })
            })
            .map_err(|e| ImportError::Bad {
                at: At::File(source.path().display().to_string()),
                problem: Problem::ReadingThread(e.to_string()),
            })?;
        let mut failed = None;
        for batch in recv.iter() {
            let fraction = batch.fraction;
            let written = w.write(&batch);
            let _ = done_send.send(batch);
            match written {
                Ok(done) => progress(done, fraction),
                Err(e) => {
                    failed = Some(ImportError::Store(e));
                    break;
                }
            }
            if cancel.load(Ordering::Relaxed) {
                failed = Some(ImportError::Cancelled);
                break;
            }
        }
        // Dropping the receiver stops the reader at its next batch.
        drop(recv);
        let read = reader.join().map_err(|_| ImportError::Bad {
            at: At::File(source.path().display().to_string()),
            problem: Problem::ReadingThreadFailed,
        })?;
        match failed {
            Some(e) => Err(e),
            None => read,
        }
    })?;
    if cancel.load(Ordering::Relaxed) {
        return Err(ImportError::Cancelled);
    }
    let table = w.table().to_string();
    let aside = w.finish(
        &read.fields,
        &read.geometry_type,
        AsideAbout {
            description: format!(
                "Reference layer imported from {} ({})",
                source.path().display(),
                read.crs.name()
            ),
            source: source.path().display().to_string(),
            // 0: a system without an EPSG code (its name is in the description).
            source_crs: read.crs.epsg().unwrap_or(0),
            color: color.to_string(),
        },
    )?;
    Ok((
        ImportSummary {
            table,
            name,
            features: u64::try_from(aside.features).unwrap_or(0),
            crs: read.crs,
            crs_from: read.crs_from,
            fields: read.fields.len(),
            geometry_type: read.geometry_type,
            encoding: read.encoding,
            notes: read.notes,
        },
        aside,
    ))
}
