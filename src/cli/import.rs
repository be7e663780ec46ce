//! `qn-planner import FILE INPUT`: a GeoJSON, CSV, GeoPackage or Shapefile becomes a reference
//! layer (one transaction), or with `--into` sites of a planning layer (one undo step).

use super::parse_crs;
use qn_planner::io::crs::Crs;
use qn_planner::settings::Settings;
use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The project (a qn-planner GeoPackage).
    file: PathBuf,
    /// A GeoJSON, CSV, GeoPackage or Shapefile (.shp) file.
    input: PathBuf,
    /// The layer of a GeoPackage input (the project itself too); else the new layer's name.
    #[arg(long)]
    layer: Option<String>,
    /// The new reference layer's name (default: the GeoPackage layer's, else --layer, else
    /// the file's name).
    #[arg(long, conflicts_with = "into")]
    name: Option<String>,
    /// The input's coordinate system (default: declared, else guessed from the ranges).
    #[arg(long, value_parser = parse_crs)]
    crs: Option<Crs>,
    /// The planning layer the features become sites of.
    #[arg(long)]
    into: Option<String>,
    /// With --into: site fields from input fields, e.g. name=ten,kind=loai.
    #[arg(long, requires = "into")]
    map: Option<String>,
    /// The text encoding of a Shapefile's .dbf: auto (the .cpg, the DBF language byte,
    /// else detected from the text), utf-8, tcvn3, vni, viscii, cp1258 or latin1.
    #[arg(long, value_parser = parse_encoding, default_value = "auto")]
    encoding: EncodingArg,
}

pub fn run(a: ImportArgs) -> Result<(), String> {
    import(
        &a.file,
        &a.input,
        a.layer.as_deref(),
        a.name.as_deref(),
        a.crs,
        a.into.as_deref(),
        a.map.as_deref(),
        a.encoding.0,
    )
}

/// `--encoding`: `None` for auto.
#[derive(Debug, Clone, Copy)]
struct EncodingArg(Option<qn_planner::io::encoding::Encoding>);

fn parse_encoding(s: &str) -> Result<EncodingArg, String> {
    use qn_planner::io::encoding::Encoding;
    if s.eq_ignore_ascii_case("auto") {
        return Ok(EncodingArg(None));
    }
    Encoding::parse(s)
        .map(|e| EncodingArg(Some(e)))
        .ok_or_else(|| {
            format!("unknown encoding {s:?}; use auto, utf-8, tcvn3, vni, viscii, cp1258 or latin1")
        })
}

#[allow(clippy::too_many_arguments)]
fn import(
    file: &Path,
    input: &Path,
    layer: Option<&str>,
    new_name: Option<&str>,
    crs: Option<Crs>,
    into: Option<&str>,
    map: Option<&str>,
    encoding: Option<qn_planner::io::encoding::Encoding>,
) -> Result<(), String> {
    use qn_planner::io::import::Source;
    use std::sync::atomic::AtomicBool;
    let unchanged = |e: qn_planner::io::import::ImportError| {
        if e.names_a_file() {
            format!("{e} (the project is unchanged)")
        } else {
            format!("{}: {e} (the project is unchanged)", input.display())
        }
    };
    let source = Source::from_path(input, layer)
        .map_err(unchanged)?
        .with_encoding(encoding);
    let started = Instant::now();
    if let Some(into) = into {
        return import_into_planning(file, &source, crs, into, map, started);
    }
    let name = match (new_name, &source, layer) {
        (Some(n), _, _) => n.to_string(),
        (None, Source::Gpkg { layer, .. }, _) => layer.clone(),
        (None, _, Some(n)) => n.to_string(),
        _ => input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "reference".into()),
    };
    let mut pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    // The change log names the login that made the edit.
    pf.set_author(&Settings::load().author_name());
    const COLOURS: [&str; 6] = [
        "#7a5195", "#ef5675", "#2f4b7c", "#ffa600", "#665191", "#a05195",
    ];
    let used = pf.reference_layers().map_err(|e| e.to_string())?.len();
    let cancel = AtomicBool::new(false);
    let (summary, aside) = qn_planner::io::import_layer::import_aside(
        &mut pf,
        &source,
        crs,
        &name,
        COLOURS[used % COLOURS.len()],
        &cancel,
        &mut |_, _| {},
    )
    .map_err(unchanged)?;
    // The rows are written aside; the same edit the window's history applies brings them in.
    let mut model = pf.read_project().map_err(|e| e.to_string())?;
    qn_planner::edit::History::default()
        .apply(
            qn_planner::edit::Edit::ReferenceLayer {
                table: summary.table.clone(),
                bring_back: Some(Box::new(aside)),
            },
            None,
            &mut pf,
            &mut model,
        )
        .map_err(|e| format!("{e} (the project is unchanged)"))?;
    out!(
        "imported {} features with {} fields into layer “{}” (table {}, {}) from {} ({}) in {:.2} s",
        summary.features,
        summary.fields,
        summary.name,
        summary.table,
        summary.geometry_type,
        summary.crs.name(),
        summary.crs_from.describe(),
        started.elapsed().as_secs_f64()
    );
    if let Some(c) = &summary.encoding {
        out!("text encoding: {}", c.explain(false));
    }
    for n in &summary.notes {
        out!("note: {n}");
    }
    Ok(())
}

/// `import … --into LAYER`: the features become sites of a planning layer, in one
/// transaction (one undo step in the window).
fn import_into_planning(
    file: &Path,
    source: &qn_planner::io::import::Source,
    crs: Option<Crs>,
    into: &str,
    map: Option<&str>,
    started: Instant,
) -> Result<(), String> {
    use qn_planner::io::import::scan;
    use qn_planner::io::import_sites::{
        SiteField, SiteTarget, TARGET_LAYERS, default_mapping, default_status, read_sites,
    };
    let folded = qn_planner::model::text::fold(into);
    let layer = TARGET_LAYERS
        .into_iter()
        .find(|l| {
            l.table() == into
                || qn_planner::model::text::fold(l.name_vi()) == folded
                || qn_planner::model::text::fold(l.name_en()) == folded
        })
        .ok_or_else(|| {
            format!(
                "no planning layer {into:?}; use one of {}",
                TARGET_LAYERS.map(|l| l.table()).join(", ")
            )
        })?;
    let input = source.path().display().to_string();
    let sc = scan(source).map_err(|e| format!("{input}: {e}"))?;
    let fields: Vec<String> = sc.fields.iter().map(|(n, _)| n.clone()).collect();
    let mut mapping = default_mapping(&fields);
    for pair in map
        .unwrap_or_default()
        .split(',')
        .filter(|p| !p.trim().is_empty())
    {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("--map: {pair:?} is not FIELD=SOURCE_FIELD"))?;
        let f = SiteField::parse(k.trim()).ok_or_else(|| {
            format!(
                "--map: no site field {k:?}; use {}",
                SiteField::ALL.map(|f| f.key()).join(", ")
            )
        })?;
        let v = qn_planner::model::text::nfc(v.trim());
        if !fields.contains(&v) {
            return Err(format!(
                "--map: {input} has no field {v:?} (it has {fields:?})"
            ));
        }
        mapping.retain(|(o, _)| *o != f);
        mapping.push((f, v));
    }
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let target = SiteTarget {
        layer,
        status: default_status(layer),
        mapping: &mapping,
        // The data is written in the planner's language (the messages stay English).
        lang: Settings::load().language,
    };
    let read = read_sites(source, crs, &target, &cancel, &mut |_, _| {})
        .map_err(|e| format!("{input}: {e} (the project is unchanged)"))?;
    let mut pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    // The change log names the login that made the edit.
    pf.set_author(&Settings::load().author_name());
    let mut project = pf.read_project().map_err(|e| e.to_string())?;
    let n = read.sites.len();
    qn_planner::edit::Edit::insert_many(layer, read.sites)
        .apply(&mut pf, &mut project)
        .map_err(|e| format!("{input}: {e} (the project is unchanged)"))?;
    out!(
        "imported {n} sites into {} (table {}) from {} with {} in {:.2} s",
        layer.name_vi(),
        layer.table(),
        read.crs.name(),
        mapping
            .iter()
            .map(|(f, s)| format!("{}={s}", f.key()))
            .collect::<Vec<_>>()
            .join(","),
        started.elapsed().as_secs_f64()
    );
    if let Some(c) = &read.encoding {
        out!("text encoding: {}", c.explain(false));
    }
    for n in &read.notes {
        out!("note: {n}");
    }
    Ok(())
}
