//! `qn-planner field add FILE LAYER NAME TYPE`: a field added to a layer of a copy; the next
//! sync takes it to the shared plan and every copy.

use super::open_for_merge;
use qn_planner::settings::Settings;
use std::path::{Path, PathBuf};

#[derive(clap::Subcommand)]
pub enum FieldAction {
    /// Add a field to a layer of the project (and, at the next sync, to the shared plan).
    Add {
        /// The project (a qn-planner GeoPackage).
        file: PathBuf,
        /// The layer: its table name (e.g. proposed_clusters).
        layer: String,
        /// The new field's name.
        name: String,
        /// text, integer or real.
        #[arg(value_parser = ["text", "integer", "real"])]
        kind: String,
    },
}

pub fn run(action: FieldAction) -> Result<(), String> {
    match action {
        FieldAction::Add {
            file,
            layer,
            name,
            kind,
        } => add(&file, &layer, &name, &kind),
    }
}

/// `field add FILE LAYER NAME TYPE`: a field added to a shared layer.
fn add(file: &Path, layer: &str, name: &str, kind: &str) -> Result<(), String> {
    let mut pf = open_for_merge(file)?;
    pf.set_author(&Settings::load().author_name());
    let table = pf
        .resolve_feature_table(layer)
        .map_err(|e| e.to_string())?
        .unwrap_or_else(|| layer.to_string());
    pf.add_field(&table, name, kind)
        .map_err(|e| e.to_string())?;
    let linked = pf.meta("server_url").map_err(|e| e.to_string())?.is_some();
    out!(
        "{}: field {name} ({kind}) added to {table}{}",
        file.display(),
        if linked {
            "; the next sync takes it to the shared plan"
        } else {
            ""
        }
    );
    Ok(())
}
