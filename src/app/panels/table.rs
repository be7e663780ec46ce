//! The attribute table of a layer: sortable columns, click a row to select and zoom, edit
//! cells through the same edit path as the form. A panel in the shape of
//! [`crate::app::command`]: it reads the project and asks for edits and zooms.

use crate::app::command::{Command, View, merge_key};
use crate::app::i18n::{self, tr};
use crate::edit::Edit;
use crate::model::validate::{FieldError, set_site_field};
use crate::model::{Layer, Project, Site};
use egui_extras::{Column, TableBuilder};

/// Columns of the table, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Fid,
    Name,
    Status,
    Phase,
    District,
    AreaHa,
    Investment,
    Jobs,
    Year,
    Source,
    Notes,
}

const COLS: [Col; 11] = [
    Col::Fid,
    Col::Name,
    Col::Status,
    Col::Phase,
    Col::District,
    Col::AreaHa,
    Col::Investment,
    Col::Jobs,
    Col::Year,
    Col::Source,
    Col::Notes,
];

/// State of the open table window.
#[derive(Debug, Clone)]
pub struct TableState {
    pub layer: Layer,
    pub sort: Col,
    pub ascending: bool,
    /// The cell being typed in: (fid, column, text, merge key).
    editing: Option<(i64, Col, String, u64)>,
    /// Why the text typed in the cell being edited was refused: the cell stays open with
    /// the text until it is corrected or Esc closes the table.
    refused: Option<(i64, Col, FieldError)>,
    /// Cleared when the planner closes the window.
    pub open: bool,
    /// Visits to cells so far (each is one undo step, see [`merge_key`]).
    visits: u64,
}

impl TableState {
    pub fn new(layer: Layer) -> Self {
        TableState {
            layer,
            sort: Col::Fid,
            ascending: true,
            editing: None,
            refused: None,
            open: true,
            visits: 0,
        }
    }
}

fn header(lang: crate::lang::Language, c: Col) -> &'static str {
    match c {
        Col::Fid => "fid",
        Col::Name => tr(lang, "Tên", "Name"),
        Col::Status => tr(lang, "Trạng thái", "Status"),
        Col::Phase => tr(lang, "Giai đoạn", "Phase"),
        Col::District => tr(lang, "Huyện 2006", "District 2006"),
        Col::AreaHa => tr(lang, "Diện tích (ha)", "Area (ha)"),
        Col::Investment => tr(lang, "Vốn (tỷ đ)", "Investment (bn VND)"),
        Col::Jobs => tr(lang, "Lao động", "Jobs"),
        Col::Year => tr(lang, "Năm QĐ", "Year"),
        Col::Source => tr(lang, "Nguồn", "Source"),
        Col::Notes => tr(lang, "Ghi chú", "Notes"),
    }
}

fn cell_text(lang: crate::lang::Language, s: &Site, c: Col) -> String {
    let num = |v: Option<f64>, d: usize| v.map(|x| format!("{x:.d$}")).unwrap_or_default();
    match c {
        Col::Fid => s.fid.to_string(),
        Col::Name => s.name.clone(),
        Col::Status => i18n::site_status(lang, s),
        Col::Phase => s
            .planned_phase
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        Col::District => s.district_2006.clone(),
        Col::AreaHa => num(s.area_ha, 2),
        Col::Investment => num(s.investment_bn_vnd, 1),
        Col::Jobs => s.jobs.map(|j| j.to_string()).unwrap_or_default(),
        Col::Year => s.decision_year.map(|y| y.to_string()).unwrap_or_default(),
        Col::Source => s.source_para.clone(),
        Col::Notes => s.notes.clone(),
    }
}

fn editable(c: Col) -> bool {
    matches!(
        c,
        Col::Name | Col::Investment | Col::Jobs | Col::Year | Col::Notes
    )
}

fn compare(a: &Site, b: &Site, c: Col) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let f = |x: Option<f64>, y: Option<f64>| x.partial_cmp(&y).unwrap_or(Ordering::Equal);
    match c {
        Col::Fid => a.fid.cmp(&b.fid),
        Col::AreaHa => f(a.area_ha, b.area_ha),
        Col::Investment => f(a.investment_bn_vnd, b.investment_bn_vnd),
        Col::Jobs => a.jobs.cmp(&b.jobs),
        Col::Year => a.decision_year.cmp(&b.decision_year),
        Col::Name => crate::model::text::fold(&a.name).cmp(&crate::model::text::fold(&b.name)),
        Col::Status => a.status_text().cmp(b.status_text()),
        Col::Phase => a.planned_phase.cmp(&b.planned_phase),
        Col::District => a.district_2006.cmp(&b.district_2006),
        Col::Source => a.source_para.cmp(&b.source_para),
        Col::Notes => a.notes.cmp(&b.notes),
    }
}

/// Applies the typed `text` to column `c` of `s`, or says why it cannot.
/// Sets a cell from its typed text, parsed and checked in the domain as the form does.
fn set_cell(s: &mut Site, c: Col, text: &str) -> Result<(), FieldError> {
    let field = match c {
        Col::Name => "name",
        Col::Notes => "notes",
        Col::Investment => "investment_bn_vnd",
        Col::Jobs => "jobs",
        Col::Year => "decision_year",
        _ => return Ok(()),
    };
    set_site_field(s, field, text)
}

/// The table window of `state.layer`; `selected` is the site selected on the map.
pub fn table_window(
    ctx: &egui::Context,
    project: &Project,
    view: &View,
    selected: Option<(Layer, i64)>,
    state: &mut TableState,
) -> Vec<Command> {
    let mut out = Vec::new();
    {
        let lang = view.lang;
        let mut open = true;
        let mut rows: Vec<Site> = project.sites_of(state.layer).cloned().collect();
        rows.sort_by(|a, b| {
            let o = compare(a, b, state.sort);
            if state.ascending { o } else { o.reverse() }
        });
        let mut clicked: Option<i64> = None;
        let mut commit: Option<(i64, Col, String, u64)> = None;
        let read_only = view.read_only;
        egui::Window::new(format!(
            "{} — {} ({})",
            tr(lang, "Bảng thuộc tính", "Attribute table"),
            i18n::layer_name(lang, state.layer),
            rows.len()
        ))
        .id(egui::Id::unique("attribute_table"))
        .open(&mut open)
        .default_size([860.0, 300.0])
        .default_pos([310.0, 440.0])
        .resizable(true)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                for l in Layer::ALL {
                    if ui.selectable_label(state.layer == l, i18n::layer_name(lang, l)).clicked() {
                        state.layer = l;
                        state.editing = None;
                    }
                }
            });
            ui.separator();
            let mut builder = TableBuilder::new(ui)
                .id_salt(("table", state.layer.table()))
                .sense(egui::Sense::click())
                .striped(true)
                .resizable(true)
                .column(Column::auto().at_least(36.0));
            for c in &COLS[1..] {
                builder = builder.column(match c {
                    Col::Name | Col::Notes => Column::initial(170.0).at_least(60.0).clip(true),
                    _ => Column::auto().at_least(50.0).clip(true),
                });
            }
            builder
                .header(22.0, |mut h| {
                    for c in COLS {
                        h.col(|ui| {
                            let arrow = if state.sort == c {
                                if state.ascending { " ^" } else { " v" }
                            } else {
                                ""
                            };
                            if ui.button(format!("{}{arrow}", header(lang, c))).clicked() {
                                if state.sort == c {
                                    state.ascending = !state.ascending;
                                } else {
                                    state.sort = c;
                                    state.ascending = true;
                                }
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, rows.len(), |mut row| {
                        let s = &rows[row.index()];
                        row.set_selected(selected == Some((s.layer, s.fid)));
                        for c in COLS {
                            let editing_here = matches!(&state.editing, Some((f, col, _, _)) if *f == s.fid && *col == c);
                            let (_, cell) = row.col(|ui| {
                                if editing_here {
                                    if let Some((_, _, text, key)) = state.editing.as_mut() {
                                        let r = ui.add(
                                            egui::TextEdit::singleline(text)
                                                .desired_width(f32::INFINITY)
                                                .hint_text(header(lang, c)),
                                        );
                                        if r.changed() {
                                            commit = Some((s.fid, c, text.clone(), *key));
                                        }
                                        let refused_here = matches!(&state.refused, Some((f, col, _)) if *f == s.fid && *col == c);
                                        if r.lost_focus() && !refused_here {
                                            state.editing = None;
                                        } else if !r.lost_focus() {
                                            r.request_focus();
                                        }
                                    }
                                } else {
                                    ui.add(egui::Label::new(cell_text(lang, s, c)).selectable(false));
                                }
                            });
                            if editing_here {
                                continue;
                            }
                            if cell.double_clicked() && editable(c) && !read_only {
                                state.visits += 1;
                                state.editing = Some((s.fid, c, cell_text(lang, s, c), merge_key(crate::app::command::Panel::Table, state.visits)));
                            } else if cell.clicked() {
                                clicked = Some(s.fid);
                            }
                        }
                        if row.response().clicked() {
                            clicked = Some(s.fid);
                        }
                    });
                });
            if let Some((fid, c, e)) = &state.refused {
                ui.label(
                    egui::RichText::new(format!(
                        "! fid {fid} · {}: {}",
                        header(lang, *c),
                        e.reason.text(lang)
                    ))
                    .color(egui::Color32::from_rgb(0xc0, 0x10, 0x10)),
                );
            }
            ui.label(
                egui::RichText::new(tr(
                    lang,
                    "Nhấp một dòng để chọn và phóng tới; nhấp đúp một ô để sửa (tên, vốn, lao động, năm, ghi chú).",
                    "Click a row to select and zoom to it; double-click a cell to edit it (name, investment, jobs, year, notes).",
                ))
                .small()
                .weak(),
            );
        });
        if let Some(fid) = clicked {
            out.push(Command::ZoomTo(state.layer, fid));
        }
        if let Some((fid, c, text, key)) = commit
            && let Some(before) = project.site(state.layer, fid).cloned()
        {
            let mut after = before.clone();
            match set_cell(&mut after, c, &text) {
                Ok(()) => {
                    state.refused = None;
                    if after != before {
                        out.push(Command::merged(Edit::update(before, after), Some(key)));
                    }
                }
                Err(e) => state.refused = Some((fid, c, e)),
            }
        }
        state.open = open;
    }
    out
}
