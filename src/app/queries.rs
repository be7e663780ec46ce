//! What the window shows, asked by its parts and by the tests: the project, the selection,
//! the view, where a site is on screen, the labels placed.

use super::map::editing;
use super::map::editing::Tool;
use super::map::{MapView, Projector};
use super::{PlacedLabel, QnApp};
use crate::edit::History;
use crate::lang::Language;
use crate::model::{Layer, Project};
use egui::Pos2;
use std::path::Path;

impl QnApp {
    /// The drafting history (for tests).
    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn tool(&self) -> Tool {
        self.map.editor.tool
    }

    /// The measure tool's current result (for tests).
    pub fn current_measurement(&self) -> Option<editing::Measurement> {
        self.map.editor.measurement(&self.tm3, None)
    }

    /// The settings as they are now (for tests).
    pub fn settings(&self) -> &crate::settings::Settings {
        &self.settings
    }

    /// The open project's data.
    pub fn project(&self) -> &Project {
        &self.project
    }

    pub fn file_path(&self) -> Option<&Path> {
        self.file.as_ref().map(|f| f.path())
    }

    pub fn selected(&self) -> Option<(Layer, i64)> {
        self.map.selected
    }

    /// What the locator marked on the map: its name and where (WGS 84 lon/lat).
    pub fn located(&self) -> Option<(String, (f64, f64))> {
        let f = self.map.found.as_ref()?;
        let ll = self.tm3.lonlat_from_tm3(f.at[0], f.at[1]).ok()?;
        Some((f.label.clone(), ll))
    }

    /// Each reference layer's name, how many features it labels, and how many labels the last
    /// frame drew (for tests).
    pub fn reference_labels(&self) -> Vec<(String, usize, usize)> {
        self.map
            .refs
            .iter()
            .map(|r| (r.name.clone(), r.label_count(), r.labels_drawn))
            .collect()
    }

    /// Whether the locator still indexes the reference layers.
    pub fn locator_indexing(&self) -> bool {
        self.locator.indexing()
    }

    /// Selects a site (or none), as a click on it would (for tests and scripts).
    pub fn select(&mut self, sel: Option<(Layer, i64)>) {
        self.map.selected = sel;
    }

    pub fn language(&self) -> Language {
        self.settings.language
    }

    pub fn is_layer_visible(&self, l: Layer) -> bool {
        self.map.is_layer_visible(l)
    }

    /// The reference layers loaded from the project: name, feature count, shown or hidden.
    pub fn reference_layers(&self) -> Vec<(String, usize, bool)> {
        self.map
            .refs
            .iter()
            .map(|r| (r.name.clone(), r.count, r.visible))
            .collect()
    }

    pub fn error_message(&self) -> Option<&str> {
        self.dialogs.error.as_deref()
    }

    /// Labels placed on the map in the last frame.
    pub fn placed_labels(&self) -> &[PlacedLabel] {
        &self.map.labels
    }

    /// Features drawn on the map in the last frame.
    pub fn drawn_features(&self) -> &[(Layer, i64)] {
        &self.map.drawn
    }

    pub fn view(&self) -> Option<MapView> {
        self.map.view
    }

    /// What the print layout's frame shows (EPSG:5899 min, max), outlined on the map while
    /// the export window is open.
    pub fn print_frame(&self) -> Option<([f64; 2], [f64; 2])> {
        self.map.print_frame.as_ref().map(|(a, b, _)| (*a, *b))
    }

    /// Where a WGS84 point is on the screen in the last frame's map.
    /// Makes these sites the selection (as a rectangle or select by value would).
    pub fn select_sites(&mut self, sel: std::collections::BTreeSet<(Layer, i64)>) {
        self.map.select_many(sel, None);
    }

    /// Where the map is drawn in the window.
    pub fn map_rect(&self) -> egui::Rect {
        self.map.map_rect
    }

    /// Every selected site (the form shows [`Self::selected`]).
    pub fn selection(&self) -> &std::collections::BTreeSet<(Layer, i64)> {
        &self.map.selection
    }

    /// The fids of the rows the attribute table shows, in order (`None`: not open or still
    /// reading).
    pub fn table_shown(&self) -> Option<Vec<i64>> {
        self.table.as_ref().and_then(|t| t.shown_fids())
    }

    /// Bytes the attribute table's rows hold (0: not open).
    pub fn table_bytes(&self) -> usize {
        self.table.as_ref().map_or(0, |t| t.heap_bytes())
    }

    pub fn screen_from_lonlat(&self, lon: f64, lat: f64) -> Option<Pos2> {
        let view = self.map.view?;
        let (e, n) = self.tm3.tm3_from_lonlat(lon, lat).ok()?;
        Some(Projector::new(self.map.map_rect, view).screen_from_world([e, n]))
    }

    /// Screen positions of the features drawn in the last frame, by layer and fid.
    pub fn screen_pos_of(&self, layer: Layer, fid: i64) -> Option<Pos2> {
        let view = self.map.view?;
        let pr = Projector::new(self.map.map_rect, view);
        let s = self.project.site(layer, fid)?;
        let w = self.anchor_world(s)?;
        Some(pr.screen_from_world(w))
    }

    /// The current view's box on the ground (EPSG:5899).
    pub(crate) fn view_box(&self) -> Option<([f64; 2], [f64; 2])> {
        self.map
            .view
            .filter(|_| self.map.map_rect.is_positive())
            .map(|v| super::map::Projector::new(self.map.map_rect, v).visible())
    }
}
