//! What the selection's commands do: fit the map to the selected sites, and write a layer's
//! selected sites to a file (GeoJSON in WGS 84, CSV, Shapefile, GeoPackage), as QGIS's "save
//! only selected features" does.

use super::{QnApp, map};
use crate::io::crs::Crs;
use crate::model::Layer;
use std::collections::BTreeSet;
use std::path::Path;

impl QnApp {
    /// Fits the map to every selected site.
    pub(super) fn zoom_to_selection(&mut self) {
        let mut min = [f64::INFINITY; 2];
        let mut max = [f64::NEG_INFINITY; 2];
        for &(l, f) in &self.map.selection {
            let Some(s) = self.project.site(l, f) else {
                continue;
            };
            let Some(g) = s.geom.as_ref() else { continue };
            use geo::BoundingRect;
            let Some(b) = g.bounding_rect() else { continue };
            for (x, y) in [(b.min().x, b.min().y), (b.max().x, b.max().y)] {
                if let Ok((e, n)) = self.tm3.tm3_from_lonlat(x, y) {
                    min = [min[0].min(e), min[1].min(n)];
                    max = [max[0].max(e), max[1].max(n)];
                }
            }
        }
        if !min[0].is_finite() {
            return;
        }
        let size = if self.map.map_rect.is_positive() {
            self.map.map_rect.size()
        } else {
            egui::vec2(800.0, 600.0)
        };
        // A margin, and never closer than about 1:10,000 for one point.
        let pad = 300.0_f64.max(0.08 * (max[0] - min[0]).max(max[1] - min[1]));
        self.map.view = Some(map::MapView::fit(
            [min[0] - pad, min[1] - pad],
            [max[0] + pad, max[1] + pad],
            size,
        ));
    }

    /// Writes the sites `fids` of `layer` to `path` (its extension says the format).
    pub(super) fn export_selection(&mut self, layer: Layer, fids: &[i64], path: &Path) {
        let lang = self.lang();
        let Some(file) = self.file.as_ref() else {
            return;
        };
        let only: BTreeSet<i64> = fids.iter().copied().collect();
        let r = crate::io::layer_export::export_features(
            file,
            layer.table(),
            path,
            Crs::Wgs84,
            Some(&only),
        );
        match r {
            Ok(s) => {
                self.selection_ui.note = Some(match lang {
                    crate::lang::Language::Vi => {
                        format!("Đã ghi {} đối tượng vào {}", s.features, path.display())
                    }
                    crate::lang::Language::En => {
                        format!("Wrote {} features to {}", s.features, path.display())
                    }
                });
            }
            Err(e) => self.show_error(format!("{}: {e}", path.display())),
        }
    }

    /// Writes the rows the attribute table shows to `path` (CSV or XLSX).
    pub(super) fn export_table_rows(&mut self, path: &Path) {
        let lang = self.lang();
        let Some(t) = self.table.as_mut() else { return };
        match t.export_shown(path, lang) {
            Ok(n) => {
                t.note = Some(match lang {
                    crate::lang::Language::Vi => format!("Đã ghi {n} dòng vào {}", path.display()),
                    crate::lang::Language::En => format!("Wrote {n} rows to {}", path.display()),
                });
            }
            Err(e) => self.show_error(e),
        }
    }
}
