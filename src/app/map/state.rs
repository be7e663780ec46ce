//! What the map keeps between frames: where it looks, what is shown, the selection (one site
//! or many), the drafting tools and presentation mode.

use super::layer_index;
use crate::app::map::editing::Editor;
use crate::app::map::{MapView, RefLayerView, World};
use crate::app::panels::export::PrintRect;
use crate::app::{Identified, PlacedLabel};
use crate::model::Layer;
use egui::{Pos2, Rect};
use std::collections::BTreeSet;

/// What the map keeps between frames: where it looks, what is shown and selected, the drafting
/// tools, presentation mode, and what the last frame drew (for hit tests and tests).
pub(crate) struct MapState {
    pub view: Option<MapView>,
    /// The planning layers shown, in [`Layer::ALL`] order.
    pub visible: [bool; 7],
    pub show_towns: bool,
    /// Reference layers of the open project (imported data), drawn under the planning layers.
    pub refs: Vec<RefLayerView>,
    /// The site the form shows (the last one clicked); `None` when nothing or many without a
    /// last one. It is one of [`MapState::selection`] when that is not empty.
    pub selected: Option<(Layer, i64)>,
    /// Every selected site (Ctrl/Shift-click, a rectangle, select by value, the table).
    pub selection: BTreeSet<(Layer, i64)>,
    /// The `selected` value the selection was last made to agree with: a change of `selected`
    /// made elsewhere (a click, the locator, an edit's follow-up) becomes the whole selection.
    pub selection_for: Option<(Layer, i64)>,
    /// The rectangle being dragged with Ctrl (screen corners) and whether it adds (Shift).
    pub rubber: Option<(Pos2, Pos2, bool)>,
    /// Reference-layer features under the last click (Identify).
    pub identified: Option<Identified>,
    /// What the locator found, marked until the next search (or Escape).
    pub found: Option<super::found::Found>,
    pub cursor: Option<World>,
    /// The view of the previous frame, to tell a settled map from a moving one.
    pub last_view: Option<MapView>,
    pub fit_requested: bool,
    pub labels: Vec<PlacedLabel>,
    pub drawn: Vec<(Layer, i64)>,
    pub map_rect: Rect,
    pub editor: Editor,
    /// Presentation mode (F11).
    pub presenting: bool,
    /// `QN_PLANNER_TIMING` is set: report map frame times.
    pub timing: bool,
    pub frame_times: Vec<f64>,
    /// The drafting tools' gestures, numbered for their merge keys.
    pub gestures: u64,
    /// The hatch textures of the styles' fills, made when first needed.
    pub hatches: std::collections::HashMap<crate::model::style::Brush, egui::TextureHandle>,
    /// What the print layout's map frame shows (EPSG:5899 box and its caption), outlined on
    /// the map while the export window is open.
    pub print_frame: Option<(World, World, String)>,
    /// Drawing the print extent as a rectangle on the map.
    pub print_rect: PrintRect,
    /// Steps taken since the presentation began (the first PageDown starts at the first
    /// phase when the map shows the last).
    pub present_steps: u32,
    /// Presentation mode's locator, drawn once per language.
    pub locator: Option<(crate::lang::Language, egui::TextureHandle)>,
}

impl Default for MapState {
    fn default() -> Self {
        MapState {
            view: None,
            visible: [true; 7],
            show_towns: true,
            refs: Vec::new(),
            selected: None,
            selection: BTreeSet::new(),
            selection_for: None,
            rubber: None,
            identified: None,
            found: None,
            cursor: None,
            last_view: None,
            fit_requested: true,
            labels: Vec::new(),
            drawn: Vec::new(),
            map_rect: Rect::NOTHING,
            editor: Editor::default(),
            presenting: false,
            timing: std::env::var_os("QN_PLANNER_TIMING").is_some(),
            frame_times: Vec::new(),
            gestures: 0,
            hatches: std::collections::HashMap::new(),
            print_frame: None,
            print_rect: PrintRect::Off,
            present_steps: 0,
            locator: None,
        }
    }
}

impl MapState {
    /// Sets the selection and the site the form shows together.
    pub fn select_many(
        &mut self,
        selection: BTreeSet<(Layer, i64)>,
        selected: Option<(Layer, i64)>,
    ) {
        let selected = selected.filter(|s| selection.contains(s)).or_else(|| {
            if selection.len() == 1 {
                selection.iter().next().copied()
            } else {
                None
            }
        });
        self.selection = selection;
        self.selected = selected;
        self.selection_for = selected;
    }

    /// Brings the selection into line with `selected` when that was changed on its own (a
    /// plain click, the locator, Escape, an edit's follow-up), and drops sites that are gone.
    pub fn reconcile_selection(&mut self, exists: impl Fn(Layer, i64) -> bool) {
        if self.selected != self.selection_for {
            match self.selected {
                Some(k) if !self.selection.contains(&k) => {
                    self.selection = BTreeSet::from([k]);
                }
                Some(_) => {}
                None => self.selection.clear(),
            }
            self.selection_for = self.selected;
        }
        let before = self.selection.len();
        self.selection.retain(|&(l, f)| exists(l, f));
        if self.selection.len() != before
            && let Some((l, f)) = self.selected
            && !exists(l, f)
        {
            self.selected = None;
            self.selection_for = None;
        }
    }

    /// Adds or takes away one site (Ctrl-click); Shift-click only adds.
    pub fn toggle(&mut self, key: (Layer, i64), only_add: bool) {
        let mut sel = self.selection.clone();
        let primary = if sel.contains(&key) && !only_add {
            sel.remove(&key);
            self.selected.filter(|s| *s != key)
        } else {
            sel.insert(key);
            Some(key)
        };
        self.select_many(sel, primary);
    }

    pub fn is_layer_visible(&self, l: Layer) -> bool {
        self.visible[layer_index(l)]
    }

    /// Enters or leaves presentation mode (full screen; the map fits the province).
    pub fn set_presenting(&mut self, ctx: &egui::Context, on: bool) {
        if self.presenting != on {
            self.presenting = on;
            self.present_steps = 0;
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(on));
            if on && self.view.is_some() {
                self.fit_requested = true;
            }
        }
    }
}
