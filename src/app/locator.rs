//! The locator box at the top of the left panel (`Ctrl+F`): one search over sites, towns,
//! administrative units of 2025 and before, districts, reference features and typed
//! coordinates, grouped by kind; arrow keys move, Enter goes to the highlighted hit.

use super::command::Command;
use super::i18n::tr;
use super::{QnApp, map};
use crate::lang::Language;
use crate::locate::{Found, Kind, Locator, ReferenceIndex, Target};
use crate::model::admin::AdminUnits;
use egui::{Key, Modifiers, RichText};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

/// Hits shown per kind.
const PER_KIND: usize = 8;

/// The reference features' index being built on a worker.
type RefBuild = (
    mpsc::Receiver<Result<ReferenceIndex, String>>,
    Arc<AtomicBool>,
);

/// What the small index was built for: the project's generation, the language, the file.
type IndexKey = (u64, Language, Option<std::path::PathBuf>);

/// The locator's state: the query, the highlighted hit, and the indexes.
#[derive(Default)]
pub(crate) struct LocatorUi {
    pub query: String,
    /// The highlighted hit, an index into the shown hits.
    highlight: usize,
    /// `Ctrl+F` asked for the box.
    focus: bool,
    /// The small index and what it was built for (project generation, language, file).
    index: Option<(IndexKey, Locator)>,
    places: Vec<crate::io::basemap::Place>,
    units: Option<(Option<std::path::PathBuf>, AdminUnits)>,
    /// The reference layers (table, features) the reference index is (being) built for.
    refs_for: Vec<(String, usize)>,
    refs: Option<Arc<ReferenceIndex>>,
    building: Option<RefBuild>,
    /// The results of the last query, with the query.
    last: Option<(String, Found)>,
    /// The box held a query last frame.
    had_query: bool,
}

impl LocatorUi {
    pub fn new(places: Vec<crate::io::basemap::Place>) -> Self {
        LocatorUi {
            places,
            ..LocatorUi::default()
        }
    }

    /// Whether the reference features are still being indexed.
    pub fn indexing(&self) -> bool {
        self.building.is_some()
    }

    /// The results for the current query (searched again only when it or the index changed).
    fn found(&mut self) -> Option<&Found> {
        let (_, locator) = self.index.as_ref()?;
        if self.query.trim().is_empty() {
            self.last = None;
            return None;
        }
        if self.last.as_ref().is_none_or(|(q, _)| *q != self.query) {
            let f = locator.search(&self.query, PER_KIND);
            self.highlight = self.highlight.min(f.hits.len().saturating_sub(1));
            self.last = Some((self.query.clone(), f));
        }
        self.last.as_ref().map(|(_, f)| f)
    }
}

impl QnApp {
    /// Keeps the locator's indexes up to date: the small one when the project, its file or the
    /// language changed; the reference features' on a worker when the reference layers did.
    pub(super) fn refresh_locator(&mut self) {
        let lang = self.lang();
        let path = self.file.as_ref().map(|f| f.path().to_path_buf());
        // Emptying the box (Escape) takes its mark off the map; a mark made elsewhere (after
        // an import) stays.
        let typed = !self.locator.query.trim().is_empty();
        if std::mem::replace(&mut self.locator.had_query, typed) && !typed {
            self.map.found = None;
        }
        let loc = &mut self.locator;
        if loc.units.as_ref().is_none_or(|(p, _)| *p != path) {
            let units = self
                .file
                .as_ref()
                .and_then(|f| f.admin_units().ok())
                .filter(|u| !u.units.is_empty())
                .or_else(|| crate::model::admin::admin_units().ok())
                .unwrap_or_default();
            loc.units = Some((path.clone(), units));
            loc.index = None;
        }
        let key = (self.project_gen, lang, path.clone());
        if loc.index.as_ref().is_none_or(|(k, _)| *k != key) {
            let units = loc.units.as_ref().map(|(_, u)| u);
            let mut l = Locator::new(
                &self.project,
                &loc.places,
                units.unwrap_or(&AdminUnits::default()),
                lang,
            );
            l.set_references(loc.refs.clone());
            loc.index = Some((key, l));
            loc.last = None;
        }
        // The reference features (compared without a copy: this runs every frame).
        let same = loc.refs_for.len() == self.map.refs.len()
            && loc
                .refs_for
                .iter()
                .zip(&self.map.refs)
                .all(|((t, n), r)| *t == r.table && *n == r.count);
        if !same {
            loc.refs_for = self
                .map
                .refs
                .iter()
                .map(|r| (r.table.clone(), r.count))
                .collect();
            if let Some((_, cancel)) = loc.building.take() {
                cancel.store(true, Ordering::Relaxed);
            }
            loc.refs = None;
            if let Some((_, l)) = &mut loc.index {
                l.set_references(None);
            }
            loc.last = None;
            let layers = self
                .file
                .as_ref()
                .and_then(|f| f.reference_layers().ok())
                .unwrap_or_default();
            if let (Some(p), false) = (path, layers.is_empty()) {
                let (tx, rx) = mpsc::channel();
                let cancel = Arc::new(AtomicBool::new(false));
                let stop = cancel.clone();
                let wake = self.wake.clone();
                std::thread::spawn(move || {
                    let r = ReferenceIndex::build(&p, &layers, &|| stop.load(Ordering::Relaxed))
                        .map_err(|e| e.to_string());
                    if !stop.load(Ordering::Relaxed) {
                        let _ = tx.send(r);
                        wake.request_repaint();
                    }
                });
                loc.building = Some((rx, cancel));
            }
        }
        if let Some((rx, _)) = &loc.building {
            match rx.try_recv() {
                Ok(Ok(ix)) => {
                    let ix = Arc::new(ix);
                    if let Some((_, l)) = &mut loc.index {
                        l.set_references(Some(ix.clone()));
                    }
                    loc.refs = Some(ix);
                    loc.building = None;
                    loc.last = None;
                }
                Ok(Err(e)) => {
                    eprintln!("qn-planner: the locator could not read the reference layers: {e}");
                    loc.building = None;
                }
                Err(mpsc::TryRecvError::Empty) => {}
                Err(mpsc::TryRecvError::Disconnected) => loc.building = None,
            }
        }
    }

    /// Takes the map to what the locator found.
    pub(super) fn locate(&mut self, target: Target, label: String) {
        let to_world =
            |lon: f64, lat: f64| self.tm3.tm3_from_lonlat(lon, lat).ok().map(|(e, n)| [e, n]);
        match target {
            Target::Site(layer, fid) => {
                self.map.found = None;
                self.zoom_to(layer, fid);
            }
            Target::Point { lon, lat } => {
                let Some(w) = to_world(lon, lat) else {
                    return;
                };
                let m_per_px = self.map.view.map(|v| v.m_per_px.min(15.0)).unwrap_or(15.0);
                self.map.view = Some(map::MapView {
                    centre: w,
                    m_per_px,
                });
                self.map.found = Some(map::found::Found {
                    at: w,
                    bbox: None,
                    label,
                });
            }
            Target::Area(b) | Target::Feature { bbox: b, .. } => {
                let (Some(a), Some(c)) = (to_world(b[0], b[1]), to_world(b[2], b[3])) else {
                    return;
                };
                let size = if self.map.map_rect.is_positive() {
                    self.map.map_rect.size()
                } else {
                    egui::vec2(800.0, 600.0)
                };
                // A point feature or a tiny box: shown at about 1:10,000, not at the pixel.
                let pad = 150.0;
                let min = [a[0].min(c[0]) - pad, a[1].min(c[1]) - pad];
                let max = [a[0].max(c[0]) + pad, a[1].max(c[1]) + pad];
                self.map.view = Some(map::MapView::fit(min, max, size));
                self.map.found = Some(map::found::Found {
                    at: [(a[0] + c[0]) / 2.0, (a[1] + c[1]) / 2.0],
                    bbox: Some((a, c)),
                    label,
                });
            }
        }
    }
}

/// The locator box and its results; returns where to go.
pub(super) fn locator_ui(ui: &mut egui::Ui, lang: Language, st: &mut LocatorUi) -> Vec<Command> {
    let mut out = Vec::new();
    if ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::F)) {
        st.focus = true;
    }
    ui.label(RichText::new(tr(lang, "Tìm (Ctrl+F)", "Find (Ctrl+F)")).strong());
    let before = st.query.clone();
    let resp = ui.add(
        egui::TextEdit::singleline(&mut st.query)
            .id_salt("qn_locator")
            .hint_text(tr(
                lang,
                "địa điểm, xã, thửa, toạ độ…",
                "site, commune, parcel, coordinates…",
            ))
            .desired_width(f32::INFINITY),
    );
    if std::mem::take(&mut st.focus) {
        resp.request_focus();
    }
    if st.query != before {
        st.highlight = 0;
    }
    let (down, up) = if resp.has_focus() {
        ui.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::ArrowDown),
                i.consume_key(Modifiers::NONE, Key::ArrowUp),
            )
        })
    } else {
        (false, false)
    };
    let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
    if resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Escape)) {
        // Escape empties the box (and takes the mark off the map).
        st.query.clear();
    }
    let indexing = st.indexing();
    let highlight = st.highlight;
    let Some(found) = st.found().cloned() else {
        return out;
    };
    let n = found.hits.len();
    let mut highlight = if n == 0 {
        0
    } else if down {
        (highlight + 1).min(n - 1)
    } else if up {
        highlight.saturating_sub(1)
    } else {
        highlight
    };
    if n == 0 {
        ui.label(RichText::new(tr(lang, "Không tìm thấy", "Nothing found")).italics());
    }
    let mut picked: Option<usize> = enter.then_some(highlight).filter(|i| *i < n);
    let mut i = 0;
    for (kind, count) in &found.counts {
        ui.add_space(2.0);
        ui.label(
            RichText::new(format!("{} ({count})", kind.label(lang)))
                .size(12.0)
                .strong(),
        );
        let shown: Vec<_> = found.hits.iter().filter(|h| h.kind == *kind).collect();
        for h in &shown {
            let text = format!("{} · {}", h.label, h.detail);
            let r = ui.selectable_label(i == highlight, text);
            if (down || up) && i == highlight {
                r.scroll_to_me(None);
            }
            if r.clicked() {
                picked = Some(i);
                highlight = i;
            }
            i += 1;
        }
        if *count > shown.len() {
            let more = count - shown.len();
            ui.label(
                RichText::new(match lang {
                    Language::Vi => format!("… và {more} kết quả nữa: gõ thêm để thu hẹp"),
                    Language::En => format!("… and {more} more: type more to narrow"),
                })
                .small()
                .italics(),
            );
        }
    }
    if indexing {
        ui.label(
            RichText::new(tr(
                lang,
                "Đang lập chỉ mục các lớp tham chiếu…",
                "Indexing the reference layers…",
            ))
            .small()
            .italics(),
        );
    }
    if let Some(h) = picked.and_then(|i| found.hits.get(i)) {
        // A unit's centre and a district's box are approximate: the mark says so.
        let label = match h.kind {
            Kind::Unit2025 | Kind::UnitPre2025 => {
                format!(
                    "{} ({})",
                    h.label,
                    tr(lang, "tâm gần đúng", "approximate centre")
                )
            }
            Kind::District => format!(
                "{} ({})",
                h.label,
                tr(lang, "vùng gần đúng", "approximate area")
            ),
            _ => h.label.clone(),
        };
        out.push(Command::Locate(h.target.clone(), label));
    }
    st.highlight = highlight;
    out
}
