//! `qn-planner style FILE LAYER [--from QML | --to QML]`: a layer's style (QGIS QML, kept in the
//! file's `layer_styles` table) brought in, written out, or described.

use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct StyleArgs {
    /// The project (a qn-planner GeoPackage).
    file: PathBuf,
    /// The layer: its table name or its name as listed by `info`.
    layer: String,
    /// A QML file (single, categorised or graduated symbols and simple labels; what
    /// lies outside that is listed as ignored).
    #[arg(long, conflicts_with = "to")]
    from: Option<PathBuf>,
    /// The QML file to write (written whole or not at all).
    #[arg(long)]
    to: Option<PathBuf>,
}

pub fn run(a: StyleArgs) -> Result<(), String> {
    style(&a.file, &a.layer, a.from.as_deref(), a.to.as_deref())
}

fn style(file: &Path, layer: &str, from: Option<&Path>, to: Option<&Path>) -> Result<(), String> {
    use qn_planner::io::qml_file;
    let mut pf = ProjectFile::open(file).map_err(|e| e.to_string())?;
    let mut project = pf.read_project().map_err(|e| e.to_string())?;
    if let Some(input) = from {
        let text = qml_file::read_file(input).map_err(|e| e.to_string())?;
        let got = qml_file::from_qml(&pf, &project, layer, &text, &input.display().to_string())
            .map_err(|e| e.to_string())?;
        let edit = qn_planner::edit::Edit::Style {
            table: got.table.clone(),
            before: project.styles.get(&got.table).cloned().map(Box::new),
            after: Some(Box::new(got.style.clone())),
        };
        edit.apply(&mut pf, &mut project)
            .map_err(|e| e.to_string())?;
        out!("{}: {}", got.table, describe_style(&got.style));
        for i in &got.ignored {
            out!("ignored: {i}");
        }
    } else if let Some(out) = to {
        let qml = qml_file::to_qml(&pf, &project, layer).map_err(|e| e.to_string())?;
        qml_file::write_file(out, &qml).map_err(|e| e.to_string())?;
        out!("wrote the style of {layer} to {}", out.display());
    } else {
        let t = qml_file::target(&pf, layer).map_err(|e| e.to_string())?;
        let s = qml_file::current(&pf, &project, &t).map_err(|e| e.to_string())?;
        let own = if project.styles.contains_key(&t.table) {
            "its own style"
        } else {
            "the default look"
        };
        out!("{} ({own}): {}", t.table, describe_style(&s));
    }
    Ok(())
}

/// One line about a style: its renderer, classes and labels.
fn describe_style(s: &qn_planner::model::style::LayerStyle) -> String {
    use qn_planner::model::style::Renderer;
    let hex = |c: [u8; 3]| qn_planner::model::palette::hex(c);
    let what = match &s.renderer {
        Renderer::Single(sym) => format!("single symbol {}", hex(sym.fill)),
        Renderer::Categorised {
            field,
            categories,
            other,
        } => format!(
            "categorised by {field}: {}{}",
            categories
                .iter()
                .map(|c| format!("{} {}", c.value, hex(c.symbol.fill)))
                .collect::<Vec<_>>()
                .join(", "),
            other
                .as_ref()
                .map(|o| format!("; all other values {}", hex(o.symbol.fill)))
                .unwrap_or_default()
        ),
        Renderer::Graduated {
            field,
            method,
            classes,
            ..
        } => format!(
            "graduated by {field} ({}, {} classes): {}",
            method.qgis(),
            classes.len(),
            classes
                .iter()
                .map(|c| format!("{} {}", c.label, hex(c.symbol.fill)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let labels = match &s.labels.field {
        Some(f) => format!("; labels: {f}"),
        None => "; no labels".into(),
    };
    format!("{what}{labels}")
}
