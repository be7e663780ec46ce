//! `qn-planner export-layer FILE LAYER OUT`: one layer written out (GeoJSON RFC 7946, CSV,
//! GeoPackage or Shapefile, by OUT's extension), whole or not at all.

use super::parse_crs;
use qn_planner::io::crs::Crs;
use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args)]
pub struct ExportLayerArgs {
    /// The project (a qn-planner GeoPackage).
    file: PathBuf,
    /// The layer: its table name or its name as listed by `info`.
    layer: String,
    /// The file to write (written whole or not at all).
    out: PathBuf,
    /// The output's coordinate system (GeoJSON, CSV and Shapefile; default EPSG:4326).
    #[arg(long, value_parser = parse_crs, default_value = "EPSG:4326")]
    crs: Crs,
}

pub fn run(a: ExportLayerArgs) -> Result<(), String> {
    write_layer(&a.file, &a.layer, &a.out, a.crs)
}

fn write_layer(file: &Path, layer: &str, out: &Path, crs: Crs) -> Result<(), String> {
    use qn_planner::io::layer_export::export_layer;
    let started = Instant::now();
    let pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    let s = export_layer(&pf, layer, out, crs).map_err(|e| e.to_string())?;
    out!(
        "wrote {} features of {} to {} ({}) in {:.2} s",
        s.features,
        s.table,
        out.display(),
        s.crs.name(),
        started.elapsed().as_secs_f64()
    );
    if let Some(shp) = &s.shapefile {
        if shp.files.len() > 1 {
            out!("a Shapefile holds one shape type; this layer went to:");
        }
        for (path, family, n) in &shp.files {
            out!(
                "  {}: {n} {family:?} features (with .shx, .dbf, .prj, .cpg UTF-8)",
                path.display()
            );
        }
        for (name, short) in &shp.renamed {
            out!("  field {name:?} → DBF field {short:?} (10-byte names)");
        }
        if shp.truncated > 0 {
            out!(
                "  {} texts longer than 254 bytes cut (the DBF limit)",
                shp.truncated
            );
        }
    }
    Ok(())
}
