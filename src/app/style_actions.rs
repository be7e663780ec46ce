//! A layer's style from the style panel: opened, classified, read from and written to QML.

use super::command::Classify;
use super::i18n::tr;
use super::{QnApp, i18n};
use crate::edit::Edit;
use crate::model::Layer;
use std::path::Path;

impl QnApp {
    /// Opens the style panel on the layer of `table`.
    pub(super) fn open_style(&mut self, table: &str) {
        let lang = self.lang();
        let Some(file) = &self.file else { return };
        let target = match file.style_target(table) {
            Ok(Some(t)) => t,
            Ok(None) => return,
            Err(e) => return self.show_error(e.text(lang)),
        };
        let default = match file.default_style(&target) {
            Ok(d) => d,
            Err(e) => return self.show_error(e.text(lang)),
        };
        let title = match Layer::from_table(table) {
            Some(l) => i18n::layer_name(lang, l).to_string(),
            None => self
                .map
                .refs
                .iter()
                .find(|r| r.table == table)
                .map_or_else(|| table.to_string(), |r| r.name.clone()),
        };
        let st = &mut self.style_ui;
        st.target = Some(target);
        st.title = title;
        st.default = Some(default);
        st.field.clear();
        st.want = None;
        st.message = None;
    }

    /// Classifies a layer's style anew from the values of its features.
    pub(super) fn classify_style(&mut self, table: &str, how: Classify) {
        use crate::model::style::{LayerStyle, Value, categorise, graduate, site_value};
        let lang = self.lang();
        let Some(file) = &self.file else { return };
        let field = match &how {
            Classify::Categories { field } | Classify::Classes { field, .. } => field.clone(),
        };
        let mut values: Vec<Value> = Vec::new();
        match Layer::from_table(table) {
            Some(l) => values.extend(self.project.sites_of(l).map(|s| site_value(s, &field))),
            None => {
                let read = crate::store::LayerReader::open(file.path(), table)
                    .and_then(|r| r.values(&field, &mut |_, v| values.push(v.clone())));
                if let Err(e) = read {
                    return self.show_error(e.text(lang));
                }
            }
        }
        let own = self.project.styles.get(table).cloned();
        let base: LayerStyle = match (&own, &self.style_ui.default) {
            (Some(s), _) => s.clone(),
            (None, Some(d)) => d.clone(),
            (None, None) => return,
        };
        let sym = base.main_symbol().clone();
        let renderer = match how {
            Classify::Categories { field } => categorise(&field, &values, &sym),
            Classify::Classes {
                field,
                n,
                method,
                ramp,
            } => {
                let nums: Vec<f64> = values.iter().filter_map(Value::num).collect();
                if nums.is_empty() {
                    self.style_ui.message = Some(format!(
                        "{field}: {}",
                        tr(lang, "không có giá trị số nào", "no numeric value")
                    ));
                    return;
                }
                graduate(&field, &nums, n, method, ramp, &sym)
            }
        };
        let mut after = LayerStyle { renderer, ..base };
        if let crate::model::style::Renderer::Categorised { other: Some(o), .. } =
            &mut after.renderer
        {
            // QGIS's words in English; the planner's in Vietnamese.
            o.label = tr(lang, "các giá trị khác", "all other values").to_string();
        }
        let applied = self.apply_now(
            Edit::Style {
                table: table.to_string(),
                before: own.map(Box::new),
                after: Some(Box::new(after)),
            },
            None,
        );
        if applied.is_some() {
            self.style_ui.want = None;
            self.style_ui.message = None;
        }
    }

    /// Reads a QML file as the style of `table`'s layer (one edit); what it leaves out is
    /// said in the panel, and a file that cannot be read changes nothing.
    pub(super) fn style_from_qml(&mut self, table: &str, p: &Path) {
        let lang = self.lang();
        let Some(file) = &self.file else { return };
        let got = crate::io::qml_file::read_file(p).and_then(|text| {
            crate::io::qml_file::from_qml(
                file,
                &self.project,
                table,
                &text,
                &p.display().to_string(),
            )
        });
        match got {
            Err(e) => self.style_ui.message = Some(e.text(lang)),
            Ok(got) => {
                let before = self.project.styles.get(&got.table).cloned().map(Box::new);
                let applied = self.apply_now(
                    Edit::Style {
                        table: got.table.clone(),
                        before,
                        after: Some(Box::new(got.style)),
                    },
                    None,
                );
                if applied.is_some() {
                    self.style_ui.want = None;
                    self.style_ui.message = (!got.ignored.is_empty()).then(|| {
                        got.ignored
                            .iter()
                            .map(|i| format!("{} {i}", tr(lang, "bỏ qua:", "ignored:")))
                            .collect::<Vec<_>>()
                            .join("\n")
                    });
                }
            }
        }
    }

    /// Writes the style of `table`'s layer as QML.
    pub(super) fn style_to_qml(&mut self, table: &str, p: &Path) {
        let lang = self.lang();
        let Some(file) = &self.file else { return };
        let written = crate::io::qml_file::to_qml(file, &self.project, table)
            .and_then(|q| crate::io::qml_file::write_file(p, &q));
        self.style_ui.message = Some(match written {
            Ok(()) => format!("{} {}", tr(lang, "đã ghi", "written:"), p.display()),
            Err(e) => e.text(lang),
        });
    }
}
