//! `qn-planner info FILE [--json]`: the layers with feature counts, geometry types and
//! extents, boundaries linked to no site, tables other programs wrote.

use qn_planner::store::{LayerInfo, ProjectFile};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct InfoArgs {
    /// The project (a qn-planner GeoPackage).
    file: PathBuf,
    /// As JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(a: InfoArgs) -> Result<(), String> {
    info(&a.file, a.json)
}

fn extent_json(e: Option<(f64, f64, f64, f64)>) -> serde_json::Value {
    match e {
        Some((a, b, c, d)) => serde_json::json!([a, b, c, d]),
        None => serde_json::Value::Null,
    }
}

fn info(path: &Path, json: bool) -> Result<(), String> {
    let file = path.display().to_string();
    let pf = ProjectFile::open(path).map_err(|e| e.to_string())?;
    let infos: Vec<LayerInfo> = pf.layer_infos().map_err(|e| e.to_string())?;
    let unlinked = pf.unlinked_boundaries().map_err(|e| e.to_string())?;
    let foreign = pf.foreign_tables().map_err(|e| e.to_string())?;
    if json {
        let layers: Vec<serde_json::Value> = infos
            .iter()
            .map(|i| {
                serde_json::json!({
                    "table": i.table,
                    "identifier": i.identifier,
                    "data_type": i.data_type,
                    "count": i.count,
                    "geometry_type": i.geometry_type,
                    "extent": extent_json(i.extent),
                })
            })
            .collect();
        let unlinked: Vec<serde_json::Value> = unlinked
            .iter()
            .map(|(t, fid, key)| serde_json::json!({"table": t, "fid": fid, "site_key": key}))
            .collect();
        let out = serde_json::json!({
            "file": file,
            "schema_version": pf.schema_version().map_err(|e| e.to_string())?,
            "srs": "EPSG:4326",
            "layers": layers,
            "unlinked_boundaries": unlinked,
            "other_tables": foreign.iter().map(|f| f.table.clone()).collect::<Vec<_>>(),
        });
        out!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
    } else {
        out!(
            "{file} (qn-planner schema {})",
            pf.schema_version().map_err(|e| e.to_string())?
        );
        for i in infos {
            let ext = match i.extent {
                Some((a, b, c, d)) => format!("extent {a:.5},{b:.5} – {c:.5},{d:.5} (EPSG:4326)"),
                None => "no extent".into(),
            };
            out!(
                "  {:<28} {:<10} {:<12} {:>4}  {}  {}",
                i.table,
                i.data_type,
                i.geometry_type.as_deref().unwrap_or("-"),
                i.count,
                i.identifier,
                ext
            );
        }
        for (t, fid, key) in &unlinked {
            eprintln!(
                "warning: {t} feature {fid}: its site_key {key:?} names no site, so no site uses this boundary; set the site_key of the site it belongs to"
            );
        }
        for f in &foreign {
            if f.features {
                out!(
                    "note: {} was written by another program (QGIS, GDAL…) and is not drawn by qn-planner; `qn-planner import {file} {file} --layer {} --name NAME` makes it a reference layer",
                    f.table,
                    f.table
                );
            } else {
                out!(
                    "note: {} is a table another program wrote (no geometry); qn-planner leaves it as it is",
                    f.table
                );
            }
        }
    }
    Ok(())
}
