//! The attribute table, as in QGIS: a tab per planning layer and per reference layer; a
//! filter under each heading, sorting by a heading, the selection (Ctrl/Shift-click rows,
//! "show only selected"), totals of the number columns over the rows shown, the rows shown
//! written to CSV or Excel, column widths remembered. Only the rows on screen are laid out
//! (200,000 rows scroll as 20 do), and what is shown is worked out again only when the data,
//! a filter, the sort or the selection changes. Cells of a planning layer are edited through
//! the same edit path as the form. A panel in the shape of [`crate::app::command`].

pub mod grid;
pub mod planning;

use crate::app::command::{Command, View, merge_key};
use crate::app::i18n::{self, tr};
use crate::edit::Edit;
use crate::lang::Language;
use crate::model::validate::FieldError;
use crate::model::{Layer, Project};
use egui_extras::{Column, TableBuilder};
use grid::Grid;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::mpsc;

/// Which layer a tab shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tab {
    Planning(Layer),
    /// A reference layer: its table and title.
    Reference(String, String),
}

impl Tab {
    /// The layer's table: the key of its remembered widths.
    pub fn table(&self) -> &str {
        match self {
            Tab::Planning(l) => l.table(),
            Tab::Reference(t, _) => t,
        }
    }
}

/// What a tab shows: its filters (one per grid column), its sort, whether only selected rows.
#[derive(Debug, Clone, Default, PartialEq)]
struct TabView {
    filters: Vec<String>,
    sort: Option<(usize, bool)>,
    only_selected: bool,
}

/// The rows of the tab on screen and what they were worked out from.
struct Loaded {
    tab: Tab,
    /// The project's generation (planning) or 0 (a reference layer, read once).
    generation: u64,
    lang: Language,
    grid: Grid,
    /// Rows shown, in order, and the (view, selection) they were worked out for.
    shown: Vec<u32>,
    shown_for: Option<(TabView, u64)>,
    /// Each row's box (reference layers, for zooming to a row): [min lon, min lat, max lon,
    /// max lat], by fid.
    boxes: BTreeMap<i64, [f64; 4]>,
}

/// A reference layer being read on a worker.
type Loading = (
    String,
    mpsc::Receiver<Result<(Grid, BTreeMap<i64, [f64; 4]>), String>>,
);

/// State of the open table window.
pub struct TableState {
    pub tab: Tab,
    views: BTreeMap<Tab, TabView>,
    loaded: Option<Loaded>,
    loading: Option<Loading>,
    /// Rows selected in a reference layer's tab (the map's selection holds planning sites).
    ref_selection: BTreeMap<String, BTreeSet<i64>>,
    /// The row a Shift-click selects from (a fid).
    anchor: Option<i64>,
    /// The cell being typed in: (fid, grid column, text, merge key).
    editing: Option<(i64, usize, String, u64)>,
    /// Why the text typed in the cell being edited was refused: the cell stays open with
    /// the text until it is corrected or Esc closes the table.
    refused: Option<(i64, usize, FieldError)>,
    /// Cleared when the planner closes the window.
    pub open: bool,
    /// Visits to cells so far (each is one undo step, see [`merge_key`]).
    visits: u64,
    /// Bumped when the map's selection changes (a key of the rows shown).
    selection_gen: u64,
    last_selection: BTreeSet<(Layer, i64)>,
    /// What the last action said.
    pub note: Option<String>,
    /// Widths last reported for keeping, per table.
    kept_widths: BTreeMap<String, Vec<f32>>,
    /// Reference layers that could not be read (not asked for again while the window is open).
    failed: BTreeSet<String>,
    /// Scroll to the first selected row shown (the selection changed elsewhere, or the table
    /// just opened); a click in the table itself does not scroll it.
    scroll_to_selected: bool,
    clicked_here: bool,
}

impl TableState {
    pub fn new(layer: Layer) -> Self {
        TableState {
            tab: Tab::Planning(layer),
            views: BTreeMap::new(),
            loaded: None,
            loading: None,
            ref_selection: BTreeMap::new(),
            anchor: None,
            editing: None,
            refused: None,
            open: true,
            visits: 0,
            selection_gen: 0,
            last_selection: BTreeSet::new(),
            note: None,
            kept_widths: BTreeMap::new(),
            failed: BTreeSet::new(),
            scroll_to_selected: true,
            clicked_here: false,
        }
    }

    /// Reads reference layer `table` of the project at `path` on a worker.
    pub fn start_loading(&mut self, path: &std::path::Path, table: &str) {
        let (tx, rx) = mpsc::channel();
        let path = path.to_path_buf();
        let t = table.to_string();
        std::thread::spawn(move || {
            let _ = tx.send(read_reference(&path, &t).map_err(|e| e.to_string()));
        });
        self.loading = Some((table.to_string(), rx));
    }

    /// Whether a reference layer is still being read.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// The number of rows shown now (after filters and "only selected").
    pub fn shown_rows(&self) -> Option<usize> {
        self.loaded
            .as_ref()
            .filter(|l| l.tab == self.tab)
            .map(|l| l.shown.len())
    }

    /// Bytes the rows of the tab on screen hold (with the order shown).
    pub fn heap_bytes(&self) -> usize {
        self.loaded
            .as_ref()
            .map_or(0, |l| l.grid.heap_bytes() + l.shown.capacity() * 4)
    }

    /// The fids of the rows shown now, in order.
    pub fn shown_fids(&self) -> Option<Vec<i64>> {
        self.loaded
            .as_ref()
            .filter(|l| l.tab == self.tab)
            .map(|l| l.shown.iter().map(|&r| l.grid.fids[r as usize]).collect())
    }

    /// Writes the rows shown, in order, with every column, to `path` (CSV or XLSX).
    pub fn export_shown(&self, path: &std::path::Path, lang: Language) -> Result<usize, String> {
        use crate::io::table_out::{OutColumn, write_table};
        let Some(l) = self.loaded.as_ref().filter(|l| l.tab == self.tab) else {
            return Err(tr(lang, "Bảng chưa đọc xong", "The table is not read yet").into());
        };
        let mut columns = vec![OutColumn {
            heading: "fid".into(),
            numeric: true,
        }];
        columns.extend(l.grid.columns.iter().map(|c| OutColumn {
            heading: c.heading.clone(),
            numeric: c.numeric(),
        }));
        let sheet = match &l.tab {
            Tab::Planning(layer) => i18n::layer_name(lang, *layer).to_string(),
            Tab::Reference(_, title) => title.clone(),
        };
        let grid = &l.grid;
        let mut rows = l.shown.iter().map(|&r| {
            let r = r as usize;
            let mut v = vec![crate::model::style::Value::Num(grid.fids[r] as f64)];
            v.extend((0..grid.columns.len()).map(|c| grid.value(c, r)));
            v
        });
        write_table(path, &sheet, &columns, &mut rows).map_err(|e| e.to_string())
    }
}

/// A reference layer's rows and boxes, read on its own read-only connection.
fn read_reference(
    path: &std::path::Path,
    table: &str,
) -> Result<(Grid, BTreeMap<i64, [f64; 4]>), crate::store::StoreError> {
    let reader = crate::store::LayerReader::open(path, table)?;
    let columns = reader.columns()?;
    let mut b = grid::GridBuilder::new(columns.iter().map(|c| (c.clone(), c.clone())).collect());
    reader.rows(&columns, &mut |fid, values| b.push(fid, values))?;
    let boxes = reader
        .entries(None)?
        .into_iter()
        .map(|(fid, b)| (fid, [b[0], b[2], b[1], b[3]]))
        .collect();
    let mut grid = b.finish();
    grid.fold_all();
    Ok((grid, boxes))
}

/// What the table needs from the app besides the project: the map's selection, the
/// reference layers (table, title), the widths kept in the settings.
pub struct TableSide<'a> {
    pub selection: &'a BTreeSet<(Layer, i64)>,
    pub refs: Vec<(String, String)>,
    pub widths: &'a BTreeMap<String, Vec<f32>>,
}

/// The table window; returns what it asks for.
pub fn table_window(
    ctx: &egui::Context,
    project: &Project,
    view: &View,
    side: TableSide<'_>,
    state: &mut TableState,
) -> Vec<Command> {
    let mut out = Vec::new();
    let lang = view.lang;
    poll_loading(state);
    if side.selection != &state.last_selection {
        state.last_selection = side.selection.clone();
        state.selection_gen += 1;
        state.scroll_to_selected = !state.clicked_here;
    }
    state.clicked_here = false;
    // The tab's rows: a planning layer's from the project (again after each change), a
    // reference layer's from its worker.
    let stale = state.loaded.as_ref().is_none_or(|l| {
        l.tab != state.tab
            || matches!(state.tab, Tab::Planning(_))
                && (l.generation != view.generation || l.lang != lang)
    });
    if stale {
        match &state.tab {
            Tab::Planning(layer) => {
                state.loaded = Some(Loaded {
                    tab: state.tab.clone(),
                    generation: view.generation,
                    lang,
                    grid: planning::grid(lang, project, *layer),
                    shown: Vec::new(),
                    shown_for: None,
                    boxes: BTreeMap::new(),
                });
            }
            Tab::Reference(..) => {
                if state
                    .loading
                    .as_ref()
                    .is_none_or(|(t, _)| t != state.tab.table())
                    && !state.failed.contains(state.tab.table())
                {
                    out.push(Command::LoadTable(state.tab.table().to_string()));
                }
            }
        }
    }
    let title = format!(
        "{} — {}",
        tr(lang, "Bảng thuộc tính", "Attribute table"),
        match &state.tab {
            Tab::Planning(l) => i18n::layer_name(lang, *l).to_string(),
            Tab::Reference(_, t) => t.clone(),
        }
    );
    let mut open = true;
    egui::Window::new(title)
        .id(egui::Id::unique("attribute_table"))
        .open(&mut open)
        .default_size([900.0, 340.0])
        .default_pos([310.0, 420.0])
        .resizable(true)
        .show(ctx, |ui| {
            tabs_ui(ui, lang, &side, state);
            ui.separator();
            if state.loaded.as_ref().is_none_or(|l| l.tab != state.tab) {
                if state.failed.contains(state.tab.table()) {
                    ui.colored_label(
                        egui::Color32::from_rgb(0xc0, 0x10, 0x10),
                        format!(
                            "{} {}",
                            tr(lang, "Không đọc được lớp:", "The layer could not be read:"),
                            state.note.as_deref().unwrap_or("")
                        ),
                    );
                } else {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(tr(lang, "Đang đọc lớp…", "Reading the layer…"));
                    });
                }
                return;
            }
            body_ui(ui, project, view, &side, state, &mut out);
        });
    state.open = open;
    out
}

fn poll_loading(state: &mut TableState) {
    let Some((table, rx)) = &state.loading else {
        return;
    };
    match rx.try_recv() {
        Ok(Ok((grid, boxes))) => {
            if state.tab.table() == table {
                state.loaded = Some(Loaded {
                    tab: state.tab.clone(),
                    generation: 0,
                    lang: Language::Vi,
                    grid,
                    shown: Vec::new(),
                    shown_for: None,
                    boxes,
                });
            }
            state.loading = None;
        }
        Ok(Err(e)) => {
            state.note = Some(e);
            state.failed.insert(table.clone());
            state.loading = None;
        }
        Err(mpsc::TryRecvError::Empty) => {}
        Err(mpsc::TryRecvError::Disconnected) => state.loading = None,
    }
}

fn tabs_ui(ui: &mut egui::Ui, lang: Language, side: &TableSide<'_>, state: &mut TableState) {
    ui.horizontal_wrapped(|ui| {
        for l in Layer::ALL {
            let t = Tab::Planning(l);
            if ui
                .selectable_label(state.tab == t, i18n::layer_name(lang, l))
                .clicked()
            {
                state.tab = t;
                state.editing = None;
            }
        }
        if !side.refs.is_empty() {
            ui.separator();
        }
        for (table, title) in &side.refs {
            let t = Tab::Reference(table.clone(), title.clone());
            if ui
                .selectable_label(state.tab == t, egui::RichText::new(title).italics())
                .on_hover_text(tr(lang, "Lớp tham chiếu", "Reference layer"))
                .clicked()
            {
                state.tab = t;
                state.editing = None;
            }
        }
    });
}

/// A click on a row: what it does to the selection (plain: that row alone; Ctrl: added or
/// taken away; Shift: the rows from the last one clicked).
#[derive(Clone, Copy, PartialEq)]
enum RowClick {
    Plain,
    Toggle,
    Range,
}

fn body_ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &View,
    side: &TableSide<'_>,
    state: &mut TableState,
    out: &mut Vec<Command>,
) {
    let lang = view.lang;
    let tab = state.tab.clone();
    let reference = matches!(tab, Tab::Reference(..));
    let ref_sel: BTreeSet<i64> = state
        .ref_selection
        .get(tab.table())
        .cloned()
        .unwrap_or_default();
    let is_selected = |fid: i64| match &tab {
        Tab::Planning(l) => side.selection.contains(&(*l, fid)),
        Tab::Reference(..) => ref_sel.contains(&fid),
    };
    let Some(loaded) = state.loaded.as_mut() else {
        return;
    };
    let ncols = loaded.grid.columns.len();
    let tv = state.views.entry(tab.clone()).or_default();
    tv.filters.resize(ncols, String::new());
    // The tools above the rows.
    ui.horizontal(|ui| {
        ui.checkbox(
            &mut tv.only_selected,
            tr(lang, "Chỉ hiện dòng đã chọn", "Show selected only"),
        );
        if tv.filters.iter().any(|f| !f.is_empty())
            && ui.button(tr(lang, "Xóa bộ lọc", "Clear filters")).clicked()
        {
            tv.filters.iter_mut().for_each(String::clear);
        }
        if ui
            .button(tr(lang, "Chọn các dòng đang hiện", "Select the rows shown"))
            .clicked()
        {
            let fids: Vec<i64> = loaded
                .shown
                .iter()
                .map(|&r| loaded.grid.fids[r as usize])
                .collect();
            match &tab {
                Tab::Planning(l) => {
                    out.push(Command::SelectMany(fids.iter().map(|f| (*l, *f)).collect()))
                }
                Tab::Reference(t, _) => {
                    state
                        .ref_selection
                        .insert(t.clone(), fids.into_iter().collect());
                    state.selection_gen += 1;
                }
            }
        }
        if ui
            .button(tr(
                lang,
                "Xuất các dòng đang hiện…",
                "Export the rows shown…",
            ))
            .on_hover_text("CSV, Excel (.xlsx)")
            .clicked()
        {
            out.push(Command::ExportTableRows);
        }
    });
    let view_now = tv.clone();
    let key = (view_now.clone(), state.selection_gen);
    if loaded.shown_for.as_ref() != Some(&key) {
        let keep = |fid: i64| !view_now.only_selected || is_selected(fid);
        loaded.shown = loaded.grid.order(&view_now.filters, view_now.sort, &keep);
        loaded.shown_for = Some(key);
    }
    let grid = &loaded.grid;
    let shown = &loaded.shown;
    // Totals of the number columns over the rows shown.
    let totals = grid.totals(shown);
    let mut line = match lang {
        Language::Vi => format!("{} / {} dòng", shown.len(), grid.len()),
        Language::En => format!("{} / {} rows", shown.len(), grid.len()),
    };
    for (c, t) in grid.columns.iter().zip(&totals) {
        if let Some(t) = t
            && !matches!(c.field.as_str(), "decision_year" | "occupancy_year")
            && !c.field.eq_ignore_ascii_case("fid")
        {
            let d = c.decimals.unwrap_or(2);
            line.push_str(&format!(" · Σ {} {t:.d$}", c.heading));
        }
    }
    let shown_fids: Vec<i64> = shown.iter().map(|&r| grid.fids[r as usize]).collect();
    ui.label(egui::RichText::new(line).small());
    if let Some((fid, c, e)) = &state.refused {
        let heading = grid.columns.get(*c).map_or("", |c| c.heading.as_str());
        ui.label(
            egui::RichText::new(format!("! fid {fid} · {heading}: {}", e.reason.text(lang)))
                .color(egui::Color32::from_rgb(0xc0, 0x10, 0x10)),
        );
    }
    if let Some(n) = &state.note {
        ui.label(egui::RichText::new(n).small());
    }
    ui.label(
        egui::RichText::new(tr(
            lang,
            "Nhấp một dòng để chọn và phóng tới (Ctrl: thêm/bớt, Shift: một dải); nhấp đúp một ô để sửa (tên, vốn, lao động, năm, ghi chú); Ctrl+C chép các dòng đã chọn; Ctrl+V dán các dòng từ bảng tính (hàng đầu là tên cột).",
            "Click a row to select and zoom to it (Ctrl: add/remove, Shift: a range); double-click a cell to edit it (name, investment, jobs, year, notes); Ctrl+C copies the selected rows; Ctrl+V pastes rows from a spreadsheet (first row: the column names).",
        ))
        .small()
        .weak(),
    );
    // Widths as kept, else a start that suits the column.
    let kept = side.widths.get(tab.table());
    let modifiers = ui.input(|i| i.modifiers);
    let rows_height = (ui.available_height() - 24.0).max(80.0);
    let scroll_to = if state.scroll_to_selected {
        shown
            .iter()
            .position(|&r| is_selected(grid.fids[r as usize]))
    } else {
        None
    };
    let mut builder = TableBuilder::new(ui)
        .id_salt(("qn_table", tab.table().to_string()))
        .sense(egui::Sense::click())
        .striped(true)
        .resizable(true)
        // The hint under the rows stays in the window.
        .max_scroll_height(rows_height)
        .column(
            Column::initial(kept.and_then(|w| w.first().copied()).unwrap_or(48.0)).at_least(30.0),
        );
    if let Some(row) = scroll_to {
        builder = builder.scroll_to_row(row, Some(egui::Align::Center));
    }
    for (i, c) in grid.columns.iter().enumerate() {
        let start = kept
            .and_then(|w| w.get(i + 1).copied())
            .unwrap_or(if c.numeric() { 90.0 } else { 150.0 });
        builder = builder.column(Column::initial(start).at_least(40.0).clip(true));
    }
    let mut widths = vec![0.0f32; ncols + 1];
    let mut sort_clicked: Option<usize> = None;
    let mut clicked: Option<(i64, RowClick)> = None;
    let mut start_edit: Option<(i64, usize, String)> = None;
    let mut commit: Option<(i64, usize, String, u64)> = None;
    let editing = state.editing.clone();
    let mut still_editing = editing.clone();
    let refused_here =
        |fid: i64, c: usize| matches!(&state.refused, Some((f, col, _)) if *f == fid && *col == c);
    let mut filters = view_now.filters.clone();
    builder
        .header(44.0, |mut h| {
            h.col(|ui| {
                widths[0] = ui.max_rect().width();
                ui.label("fid");
            });
            for (i, c) in grid.columns.iter().enumerate() {
                h.col(|ui| {
                    widths[i + 1] = ui.max_rect().width();
                    ui.vertical(|ui| {
                        let arrow = match view_now.sort {
                            Some((s, true)) if s == i => " ^",
                            Some((s, false)) if s == i => " v",
                            _ => "",
                        };
                        if ui
                            .add(egui::Button::new(format!("{}{arrow}", c.heading)).small())
                            .clicked()
                        {
                            sort_clicked = Some(i);
                        }
                        let name = format!("{} {}", tr(lang, "Lọc", "Filter"), c.heading);
                        ui.add(
                            egui::TextEdit::singleline(&mut filters[i])
                                .id_salt(("qn_table_filter", tab.table().to_string(), i))
                                .hint_text(if c.numeric() {
                                    ">, <, a..b"
                                } else {
                                    tr(lang, "lọc", "filter")
                                })
                                .desired_width(f32::INFINITY),
                        )
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::TextInput, true, name.clone())
                        });
                    });
                });
            }
        })
        .body(|body| {
            body.rows(22.0, shown.len(), |mut row| {
                let r = shown[row.index()] as usize;
                let fid = grid.fids[r];
                row.set_selected(is_selected(fid));
                row.col(|ui| {
                    ui.add(egui::Label::new(fid.to_string()).selectable(false));
                });
                for c in 0..ncols {
                    let here = matches!(&editing, Some((f, col, _, _)) if *f == fid && *col == c);
                    let (_, cell) = row.col(|ui| {
                        if here {
                            if let Some((_, _, text, key)) = still_editing.as_mut() {
                                let r = ui.add(
                                    egui::TextEdit::singleline(text)
                                        .desired_width(f32::INFINITY)
                                        .hint_text(grid.columns[c].heading.as_str()),
                                );
                                if r.changed() {
                                    commit = Some((fid, c, text.clone(), *key));
                                }
                                if r.lost_focus() && !refused_here(fid, c) {
                                    still_editing = None;
                                } else if !r.lost_focus() {
                                    r.request_focus();
                                }
                            }
                        } else {
                            ui.add(egui::Label::new(grid.text(c, r)).selectable(false));
                        }
                    });
                    if here {
                        continue;
                    }
                    let can_edit = !reference && !view.read_only && planning::editable(c).is_some();
                    if cell.double_clicked() && can_edit {
                        start_edit = Some((fid, c, grid.text(c, r).into_owned()));
                    } else if cell.clicked() {
                        clicked = Some((fid, row_click(modifiers)));
                    }
                }
                if row.response().clicked() {
                    clicked = Some((fid, row_click(modifiers)));
                }
            });
        });
    // What the frame asked for, now that the rows are no longer borrowed.
    let tv = state.views.entry(tab.clone()).or_default();
    tv.filters = filters;
    if let Some(i) = sort_clicked {
        tv.sort = match tv.sort {
            Some((s, true)) if s == i => Some((i, false)),
            Some((s, false)) if s == i => None,
            _ => Some((i, true)),
        };
    }
    state.editing = still_editing;
    if scroll_to.is_some() || !shown.is_empty() {
        state.scroll_to_selected = false;
    }
    if let Some((fid, c, text)) = start_edit {
        state.visits += 1;
        state.editing = Some((
            fid,
            c,
            text,
            merge_key(crate::app::command::Panel::Table, state.visits),
        ));
    }
    if let Some((fid, how)) = clicked {
        state.clicked_here = true;
        click_row(state, &tab, side, &shown_fids, fid, how, out);
    }
    if let (Tab::Planning(layer), Some((fid, c, text, key))) = (&tab, commit)
        && let Some(before) = project.site(*layer, fid).cloned()
    {
        let mut after = before.clone();
        match planning::set_cell(&mut after, c, &text) {
            Ok(()) => {
                state.refused = None;
                if after != before {
                    out.push(Command::merged(Edit::update(before, after), Some(key)));
                }
            }
            Err(e) => state.refused = Some((fid, c, e)),
        }
    }
    // Widths: kept once the pointer is up and they changed.
    let dragging = ui.input(|i| i.pointer.any_down());
    let changed = side.widths.get(tab.table()).is_none_or(|w| {
        w.len() != widths.len() || w.iter().zip(&widths).any(|(a, b)| (a - b).abs() > 1.0)
    });
    if !dragging
        && changed
        && widths.iter().all(|w| *w > 0.0)
        && state.kept_widths.get(tab.table()) != Some(&widths)
    {
        state
            .kept_widths
            .insert(tab.table().to_string(), widths.clone());
        out.push(Command::KeepTableWidths(tab.table().to_string(), widths));
    }
    // Ctrl+V in a planning layer's tab adds the rows pasted from a spreadsheet, every cell
    // checked as a typed entry is; one undo step.
    let pasted = ui.input(|i| {
        i.events.iter().find_map(|e| match e {
            egui::Event::Paste(t) => Some(t.clone()),
            _ => None,
        })
    });
    if let (Some(text), Tab::Planning(layer)) = (pasted, &tab)
        && ui.ctx().memory(|m| m.focused().is_none())
    {
        if view.read_only {
            state.note = Some(
                tr(
                    lang,
                    "Tệp chỉ đọc: không dán được.",
                    "The file is read-only: nothing pasted.",
                )
                .into(),
            );
        } else {
            let today: String = crate::scenario::now_utc_iso().chars().take(10).collect();
            match crate::io::tsv::sites_from_tsv(&text, *layer, lang, &today) {
                Ok(sites) => {
                    state.note = Some(match lang {
                        Language::Vi => format!(
                            "Đã dán {} dòng vào {} (Ctrl+Z để hoàn tác)",
                            sites.len(),
                            i18n::layer_name(lang, *layer)
                        ),
                        Language::En => format!(
                            "Pasted {} rows into {} (Ctrl+Z undoes)",
                            sites.len(),
                            i18n::layer_name(lang, *layer)
                        ),
                    });
                    out.push(Command::edit(Edit::insert_many(*layer, sites)));
                }
                Err(e) => state.note = Some(e.text(lang)),
            }
        }
    }
    // Ctrl+C in a reference tab copies its selected rows.
    let copy = ui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Copy)))
        && ui.ctx().memory(|m| m.focused().is_none());
    if copy
        && reference
        && let Some(l) = state.loaded.as_ref()
    {
        let sel = state
            .ref_selection
            .get(tab.table())
            .cloned()
            .unwrap_or_default();
        if !sel.is_empty() {
            ui.ctx().copy_text(rows_tsv(&l.grid, &l.shown, &sel));
            state.note = Some(match lang {
                Language::Vi => format!("Đã chép {} dòng", sel.len()),
                Language::En => format!("Copied {} rows", sel.len()),
            });
        }
    }
}

fn row_click(m: egui::Modifiers) -> RowClick {
    if m.shift {
        RowClick::Range
    } else if m.command {
        RowClick::Toggle
    } else {
        RowClick::Plain
    }
}

/// Selects as the click asks: the map's selection for a planning layer (a plain click also
/// zooms there), the tab's own for a reference layer (a plain click goes to the feature).
fn click_row(
    state: &mut TableState,
    tab: &Tab,
    side: &TableSide<'_>,
    shown: &[i64],
    fid: i64,
    how: RowClick,
    out: &mut Vec<Command>,
) {
    let range = |anchor: Option<i64>| -> Vec<i64> {
        let (Some(a), Some(b)) = (
            anchor.and_then(|a| shown.iter().position(|f| *f == a)),
            shown.iter().position(|f| *f == fid),
        ) else {
            return vec![fid];
        };
        shown[a.min(b)..=a.max(b)].to_vec()
    };
    match tab {
        Tab::Planning(layer) => match how {
            RowClick::Plain => out.push(Command::ZoomTo(*layer, fid)),
            RowClick::Toggle => {
                let mut sel = side.selection.clone();
                if !sel.remove(&(*layer, fid)) {
                    sel.insert((*layer, fid));
                }
                out.push(Command::SelectMany(sel));
            }
            RowClick::Range => {
                let mut sel = side.selection.clone();
                sel.extend(range(state.anchor).into_iter().map(|f| (*layer, f)));
                out.push(Command::SelectMany(sel));
            }
        },
        Tab::Reference(table, title) => {
            state.selection_gen += 1;
            let sel = state.ref_selection.entry(table.clone()).or_default();
            match how {
                RowClick::Plain => {
                    *sel = BTreeSet::from([fid]);
                    if let Some(b) = state.loaded.as_ref().and_then(|l| l.boxes.get(&fid)) {
                        out.push(Command::Locate(
                            crate::locate::Target::Feature {
                                table: table.clone(),
                                fid,
                                bbox: *b,
                            },
                            format!("{title} · fid {fid}"),
                        ));
                    }
                }
                RowClick::Toggle => {
                    if !sel.remove(&fid) {
                        sel.insert(fid);
                    }
                }
                RowClick::Range => sel.extend(range(state.anchor)),
            }
        }
    }
    if how != RowClick::Range {
        state.anchor = Some(fid);
    }
}

/// The selected rows `sel` (fids) of `grid`, in the order shown, as tab-separated text.
fn rows_tsv(grid: &Grid, shown: &[u32], sel: &BTreeSet<i64>) -> String {
    let clean = |t: &str| t.replace(['\t', '\n', '\r'], " ");
    let mut out = String::from("fid");
    for c in &grid.columns {
        out.push('\t');
        out.push_str(&clean(&c.field));
    }
    out.push_str("\r\n");
    for &r in shown {
        let r = r as usize;
        if !sel.contains(&grid.fids[r]) {
            continue;
        }
        out.push_str(&grid.fids[r].to_string());
        for c in 0..grid.columns.len() {
            out.push('\t');
            out.push_str(&clean(&grid.text(c, r)));
        }
        out.push_str("\r\n");
    }
    out
}
