//! Sync with the shared plan in the window: the status-bar line (server, last sync,
//! operations waiting, open conflicts) with its Sync button, the Sync window (address,
//! password kept in memory only, progress and Cancel) and the Conflicts list (base / mine /
//! theirs, a conflicting geometry drawn on the map beside the local one, and the decision).
//! The sync itself runs on a worker thread over its own connection to the file; while it runs
//! the project takes no edits, so nothing the planner types can be overwritten by it.

use crate::app::command::{Command, View};
use crate::app::i18n::{self, tr};
use crate::lang::Language;
use crate::model::{Layer, Project};
use crate::server::sync::{CancelSlot, Phase, SyncReport};
use crate::store::Cell;
use crate::sync::{Conflict, Decision, SyncStatus};
use egui::RichText;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::time::Instant;

/// A sync running on its worker thread.
pub struct SyncJob {
    rx: mpsc::Receiver<Result<SyncReport, String>>,
    cancel: Arc<CancelSlot>,
    phase: Arc<std::sync::Mutex<Phase>>,
    pub started: Instant,
}

impl SyncJob {
    /// Starts syncing the file at `path` with `url` on a worker thread; `wake` asks for a
    /// repaint when it ends.
    pub fn start(
        path: PathBuf,
        url: String,
        password: String,
        author: String,
        lang: Language,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> SyncJob {
        let (tx, rx) = mpsc::channel();
        let cancel: Arc<CancelSlot> = Arc::new(std::sync::Mutex::new(None));
        let slot = cancel.clone();
        let phase = Arc::new(std::sync::Mutex::new(Phase::Connecting));
        let at = phase.clone();
        let wake = Arc::new(wake);
        let woken = wake.clone();
        std::thread::spawn(move || {
            let tell = move |p: Phase| {
                if let Ok(mut x) = at.lock() {
                    *x = p;
                }
                woken();
            };
            let result = (|| {
                let mut pf = crate::store::ProjectFile::open(&path)
                    .map_err(|e| crate::server::ServerError::Store(e).text(lang))?;
                pf.set_author(&author);
                crate::server::sync::sync_with(&url, Some(&password), &mut pf, Some(&slot), &tell)
                    .map_err(|e| e.text(lang))
            })();
            let _ = tx.send(result);
            wake();
        });
        SyncJob {
            rx,
            cancel,
            phase,
            started: Instant::now(),
        }
    }

    /// The outcome, once the worker is done.
    pub fn poll(&self) -> Option<Result<SyncReport, String>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                Some(Err("the sync stopped without an answer".into()))
            }
        }
    }

    pub fn cancel(&self) {
        crate::server::sync::cancel(&self.cancel);
    }

    /// What the sync is doing now, in the UI language.
    pub fn phase_text(&self, lang: Language) -> &'static str {
        let p = self.phase.lock().map(|p| *p).unwrap_or(Phase::Connecting);
        match p {
            Phase::Connecting => tr(lang, "đang nối máy chủ…", "connecting…"),
            Phase::Merging => tr(
                lang,
                "đang nhận và ghép thay đổi…",
                "taking and merging changes…",
            ),
            Phase::Pushing => tr(lang, "đang gửi thay đổi…", "sending changes…"),
            Phase::Writing => tr(lang, "đang ghi vào tệp…", "writing to the file…"),
            Phase::Layers => tr(
                lang,
                "đang nhận lớp tham chiếu chung…",
                "receiving shared layers…",
            ),
        }
    }
}

/// The sync panel's state.
#[derive(Default)]
pub struct SyncUi {
    /// The Sync / Conflicts window is open.
    pub open: bool,
    pub url: String,
    /// Typed by the planner, kept in memory only.
    pub password: String,
    pub job: Option<SyncJob>,
    /// The last sync's one line (or why it failed).
    pub last: Option<Result<String, String>>,
    /// Read from the file per project generation.
    pub status: SyncStatus,
    pub conflicts: Vec<Conflict>,
    pub loaded_gen: Option<u64>,
    /// This copy's edits not yet on the server, by record key (field, value): what a conflict
    /// card says "you changed".
    pub mine_edits: HashMap<String, Vec<(String, Cell)>>,
    /// The conflict whose server geometry the map shows.
    pub selected: Option<i64>,
    /// That geometry (lon/lat).
    pub selected_geom: Option<geo_types::Geometry<f64>>,
    values: HashMap<i64, String>,
}

impl SyncUi {
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// Shows conflict `id`'s server geometry on the map (or none).
    pub fn select(&mut self, id: Option<i64>) {
        self.selected = id;
        self.selected_geom = id
            .and_then(|id| self.conflicts.iter().find(|c| c.id == Some(id)))
            .and_then(|c| match &c.theirs {
                Cell::Wkb(w) => crate::store::geometry_of_wkb(w),
                _ => None,
            });
    }
}

/// The server's host and database, for the status bar (no user, no password).
fn short_server(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let host = rest.rsplit('@').next().unwrap_or(rest);
    host.split('?').next().unwrap_or(host).to_string()
}

/// "HH:MM (UTC±hh:mm)" of an ISO time (UTC) in local time, or the text as it is.
fn short_time(iso: &str) -> String {
    crate::store::time::local_clock(iso)
}

/// The status bar's sync part: where the copy stands and the Sync button.
pub(crate) fn status_part(ui: &mut egui::Ui, view: &View, st: &SyncUi) -> Vec<Command> {
    let mut out = Vec::new();
    let lang = view.lang;
    if !view.has_file {
        return out;
    }
    let s = &st.status;
    if let Some(job) = &st.job {
        ui.spinner();
        ui.label(job.phase_text(lang));
    } else if ui
        .add_enabled(
            !view.read_only || s.server_url.is_none(),
            egui::Button::new(tr(lang, "Đồng bộ", "Sync")).small(),
        )
        .on_hover_text(tr(
            lang,
            "Gửi thay đổi của máy này lên máy chủ và nhận thay đổi của người khác",
            "Send this copy's edits to the server and take the others'",
        ))
        .clicked()
    {
        out.push(if s.server_url.is_some() {
            Command::StartSync
        } else {
            Command::OpenSync
        });
    }
    if s.open_conflicts > 0
        && ui
            .link(
                RichText::new(match lang {
                    Language::Vi => format!("{} xung đột", s.open_conflicts),
                    Language::En => format!("{} conflicts", s.open_conflicts),
                })
                .color(egui::Color32::from_rgb(0xc0, 0x10, 0x10))
                .strong(),
            )
            .clicked()
    {
        out.push(Command::OpenSync);
    }
    let mut parts = Vec::new();
    match &s.server_url {
        Some(u) => parts.push(format!(
            "{} {}",
            tr(lang, "máy chủ", "server"),
            short_server(u)
        )),
        None => parts.push(tr(lang, "chưa nối máy chủ", "no server").to_string()),
    }
    if let Some(t) = &s.last_sync_at {
        parts.push(format!(
            "{} {}",
            tr(lang, "đồng bộ lúc", "synced at"),
            short_time(t)
        ));
    }
    if s.server_url.is_some() {
        parts.push(match lang {
            Language::Vi => format!("{} thao tác chờ gửi", s.pending),
            Language::En => format!("{} operations waiting", s.pending),
        });
    }
    if ui.link(parts.join(" · ")).clicked() {
        out.push(Command::OpenSync);
    }
    // A failed sync says so in a word here; the whole reason is in the Sync window.
    if let Some(Err(e)) = &st.last
        && ui
            .link(
                RichText::new(tr(lang, "chưa đồng bộ được", "not synced"))
                    .color(egui::Color32::from_rgb(0xc0, 0x10, 0x10)),
            )
            .on_hover_text(e)
            .clicked()
    {
        out.push(Command::OpenSync);
    }
    out
}

/// The record a conflict is about, as the planner knows it: its layer and name.
fn record_name(lang: Language, project: &Project, c: &Conflict) -> String {
    let layer = Layer::ALL
        .into_iter()
        .find(|l| l.table() == c.table || l.boundary_table() == Some(c.table.as_str()));
    let name = project
        .sites
        .iter()
        .find(|s| s.key == c.record_key)
        .map(|s| s.name.clone());
    match (layer, name) {
        (Some(l), Some(n)) => format!("{n} · {}", i18n::layer_name(lang, l)),
        (Some(l), None) => format!("{} · {}", c.record_key, i18n::layer_name(lang, l)),
        (None, _) => format!("{} · {}", c.record_key, c.table),
    }
}

/// The Sync window: the server's address and password, Sync and Cancel, the last result, and
/// the conflicts with their decisions.
pub(crate) fn sync_window(
    ctx: &egui::Context,
    project: &Project,
    view: &View,
    st: &mut SyncUi,
) -> Vec<Command> {
    let mut out = Vec::new();
    if !st.open {
        return out;
    }
    let lang = view.lang;
    let mut open = true;
    egui::Window::new(tr(lang, "Đồng bộ và xung đột", "Sync and conflicts"))
        .open(&mut open)
        .default_width(560.0)
        .show(ctx, |ui| {
            egui::Grid::new("sync_server").num_columns(2).show(ui, |ui| {
                let l = ui.label(tr(lang, "Máy chủ", "Server"));
                ui.add(
                    egui::TextEdit::singleline(&mut st.url)
                        .hint_text("postgresql://user@host/plan")
                        .desired_width(360.0),
                )
                .labelled_by(l.id);
                ui.end_row();
                let l = ui.label(tr(lang, "Mật khẩu", "Password"));
                ui.add(
                    egui::TextEdit::singleline(&mut st.password)
                        .password(true)
                        .hint_text(tr(
                            lang,
                            "không lưu vào tệp; hoặc PGPASSWORD, ~/.pgpass",
                            "never stored; or PGPASSWORD, ~/.pgpass",
                        ))
                        .desired_width(360.0),
                )
                .labelled_by(l.id);
                ui.end_row();
            });
            ui.horizontal(|ui| {
                if let Some(job) = &st.job {
                    ui.spinner();
                    ui.label(job.phase_text(lang));
                    if ui.button(tr(lang, "Hủy", "Cancel")).clicked() {
                        out.push(Command::CancelSync);
                    }
                } else if ui
                    .add_enabled(
                        !st.url.trim().is_empty(),
                        egui::Button::new(tr(lang, "Đồng bộ", "Sync")),
                    )
                    .clicked()
                {
                    out.push(Command::StartSync);
                }
            });
            match &st.last {
                Some(Ok(m)) => {
                    ui.label(m);
                }
                Some(Err(e)) => {
                    ui.label(RichText::new(e).color(egui::Color32::from_rgb(0xc0, 0x10, 0x10)));
                }
                None => {}
            }
            ui.separator();
            let open_conflicts: Vec<Conflict> = st
                .conflicts
                .iter()
                .filter(|c| c.resolution.is_none())
                .cloned()
                .collect();
            if open_conflicts.is_empty() {
                ui.label(tr(lang, "Không có xung đột.", "No conflicts."));
                return;
            }
            ui.label(
                RichText::new(match lang {
                    Language::Vi => format!(
                        "{} xung đột chờ anh/chị quyết định. Cho đến khi đó bản ghi giữ giá trị của máy này.",
                        open_conflicts.len()
                    ),
                    Language::En => format!(
                        "{} conflicts wait for your decision. Until then the record keeps this copy's value.",
                        open_conflicts.len()
                    ),
                })
                .strong(),
            );
            egui::ScrollArea::vertical().max_height(380.0).show(ui, |ui| {
                for c in &open_conflicts {
                    ui.separator();
                    conflict_row(ui, lang, project, view, st, c, &mut out);
                }
            });
        });
    if !open {
        st.open = false;
        st.select(None);
    }
    out
}

fn conflict_row(
    ui: &mut egui::Ui,
    lang: Language,
    project: &Project,
    view: &View,
    st: &mut SyncUi,
    c: &Conflict,
    out: &mut Vec<Command>,
) {
    // A conflict read from the file has its row; one a merge has only found is not listed.
    let Some(id) = c.id else { return };
    let field = if c.field == "*" {
        tr(lang, "bản ghi", "record").to_string()
    } else {
        crate::app::i18n::field_label(lang, &c.table, &c.field)
    };
    ui.horizontal(|ui| {
        ui.label(RichText::new(record_name(lang, project, c)).strong());
        ui.label(format!("— {field}"));
        if matches!(c.theirs, Cell::Wkb(_)) || matches!(c.mine, Cell::Wkb(_)) {
            let shown = st.selected == Some(id);
            if ui
                .selectable_label(shown, tr(lang, "xem trên bản đồ", "show on the map"))
                .clicked()
            {
                st.select(if shown { None } else { Some(id) });
                if !shown && let Some(s) = project.sites.iter().find(|s| s.key == c.record_key) {
                    out.push(Command::ZoomTo(s.layer, s.fid));
                }
            }
        }
    });
    let who = c
        .theirs_author
        .clone()
        .unwrap_or_else(|| tr(lang, "ai đó", "someone").to_string());
    let when = c.theirs_at.as_deref().map(short_time).unwrap_or_default();
    let mine_edits: Vec<String> = st
        .mine_edits
        .get(&c.record_key)
        .map(|l| {
            l.iter()
                .map(|(f, v)| {
                    format!(
                        "{} {} {}",
                        crate::app::i18n::field_label(lang, &c.table, f),
                        tr(lang, "thành", "to"),
                        crate::app::i18n::value_text(lang, v, false)
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let what = match (&c.reason, c.field == "*", c.theirs_deleted, c.mine_deleted) {
        (Some(r), ..) => match lang {
            Language::Vi => format!(
                "Giá trị từ máy chủ vi phạm một quy tắc của tệp ({r}): đã để riêng, không ghi vào tệp."
            ),
            Language::En => format!(
                "The server's value breaks a rule of the file ({r}): set aside, not written."
            ),
        },
        (None, true, true, _) => match lang {
            Language::Vi => format!(
                "{who} đã xóa bản ghi này trên máy chủ lúc {when}; ở máy này anh/chị đã sửa: {}.",
                if mine_edits.is_empty() {
                    "—".to_string()
                } else {
                    mine_edits.join(", ")
                }
            ),
            Language::En => format!(
                "{who} deleted this record on the server at {when}; here you changed: {}.",
                if mine_edits.is_empty() {
                    "—".to_string()
                } else {
                    mine_edits.join(", ")
                }
            ),
        },
        (None, true, _, true) => match lang {
            Language::Vi => {
                format!("Anh/chị đã xóa bản ghi này; trên máy chủ {who} đã sửa nó lúc {when}.")
            }
            Language::En => {
                format!("You deleted this record; on the server {who} changed it at {when}.")
            }
        },
        _ => match lang {
            Language::Vi => format!("{field} đã được sửa khác nhau ở máy này và trên máy chủ."),
            Language::En => format!("{field} was changed differently here and on the server."),
        },
    };
    ui.add(egui::Label::new(what).wrap());
    let (keep, take) = match (c.field == "*", c.theirs_deleted, c.mine_deleted) {
        (true, true, _) => (
            tr(lang, "Giữ bản ghi (của tôi)", "Keep the record (mine)"),
            tr(lang, "Xóa như máy chủ", "Delete it as the server did"),
        ),
        (true, _, true) => (
            tr(lang, "Vẫn xóa (của tôi)", "Keep it deleted (mine)"),
            tr(
                lang,
                "Khôi phục từ máy chủ",
                "Bring it back from the server",
            ),
        ),
        _ => (
            tr(lang, "Giữ của tôi", "Keep mine"),
            tr(lang, "Lấy của máy chủ", "Take theirs"),
        ),
    };
    egui::Grid::new(("conflict", c.id))
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            if c.field != "*" {
                ui.label(tr(lang, "Gốc", "Base"));
                ui.label(crate::app::i18n::value_text(lang, &c.base, false));
                ui.end_row();
            }
            ui.label(tr(lang, "Của tôi", "Mine"));
            if c.field == "*" && !c.mine_deleted && !mine_edits.is_empty() {
                ui.label(mine_edits.join(", "));
            } else {
                ui.label(crate::app::i18n::value_text(lang, &c.mine, c.mine_deleted));
            }
            ui.end_row();
            ui.label(tr(lang, "Máy chủ", "Theirs"));
            let by = match (&c.theirs_author, &c.theirs_at) {
                (Some(a), Some(t)) => format!(" — {a}, {}", short_time(t)),
                (None, Some(t)) => format!(" — {}", short_time(t)),
                _ => String::new(),
            };
            ui.label(format!(
                "{}{by}",
                crate::app::i18n::value_text(lang, &c.theirs, c.theirs_deleted)
            ));
            ui.end_row();
        });
    ui.horizontal(|ui| {
        ui.add_enabled_ui(!view.read_only, |ui| {
            if ui.button(keep).clicked() {
                out.push(Command::Resolve(id, Decision::Mine));
            }
            let take_button = ui.add_enabled(c.reason.is_none(), egui::Button::new(take));
            let take_button = match &c.reason {
                Some(r) => take_button.on_disabled_hover_text(r.as_str()),
                None => take_button,
            };
            if take_button.clicked() {
                out.push(Command::Resolve(id, Decision::Theirs));
            }
            let typed = c.field != "*" && !matches!(c.mine, Cell::Wkb(_));
            if typed {
                let buf = st.values.entry(id).or_default();
                ui.add(
                    egui::TextEdit::singleline(buf)
                        .desired_width(140.0)
                        .hint_text(tr(lang, "giá trị khác", "another value")),
                );
                if ui
                    .add_enabled(
                        !buf.trim().is_empty(),
                        egui::Button::new(tr(lang, "Đặt", "Set")),
                    )
                    .clicked()
                {
                    out.push(Command::Resolve(
                        id,
                        Decision::Value(Cell::Text(crate::model::text::nfc(buf.trim()))),
                    ));
                }
            }
        });
    });
}

impl crate::app::QnApp {
    /// Starts a sync of the open file on the worker thread.
    pub(crate) fn start_sync(&mut self) {
        let lang = self.lang();
        if self.sync.running() {
            return;
        }
        let Some(file) = &self.file else { return };
        if file.is_read_only() {
            self.sync.last = Some(Err(tr(
                lang,
                "tệp chỉ đọc: không đồng bộ được",
                "the file is read-only: it cannot sync",
            )
            .into()));
            return;
        }
        let url = match (self.sync.url.trim(), &self.sync.status.server_url) {
            ("", Some(u)) => u.clone(),
            ("", None) => {
                self.sync.open = true;
                return;
            }
            (u, _) => u.to_string(),
        };
        self.sync.url = url.clone();
        let wake = self.wake.clone();
        self.sync.job = Some(SyncJob::start(
            file.path().to_path_buf(),
            url,
            self.sync.password.clone(),
            self.settings.author_name(),
            lang,
            move || wake.request_repaint(),
        ));
        self.sync.last = None;
    }

    /// Takes the worker's outcome when it is done: the project is read again when the sync
    /// changed it (which ends the undo history: its steps were made on records the sync may
    /// have changed since).
    pub(crate) fn poll_sync(&mut self) {
        let Some(job) = &self.sync.job else { return };
        let Some(result) = job.poll() else { return };
        let secs = job.started.elapsed().as_secs_f64();
        self.sync.job = None;
        let lang = self.lang();
        match result {
            Ok(r) => {
                let mut line = match lang {
                    Language::Vi => format!(
                        "Đã đồng bộ: gửi {} thao tác, nhận {} bản ghi, {} xung đột mới ({secs:.1} s).",
                        r.pushed, r.pulled, r.new_conflicts
                    ),
                    Language::En => format!(
                        "Synced: {} operations sent, {} records received, {} new conflicts ({secs:.1} s).",
                        r.pushed, r.pulled, r.new_conflicts
                    ),
                };
                if let Some(why) = &r.push_refused {
                    line.push_str(&match lang {
                        Language::Vi => format!(" Máy chủ không nhận thay đổi của máy này: {why}."),
                        Language::En => {
                            format!(" The server took none of this copy's edits: {why}.")
                        }
                    });
                }
                if r.pulled > 0 || r.new_conflicts > 0 || !r.layers.is_empty() {
                    let before = self.history.undo_len();
                    self.reread_after_sync(&r.touched, !r.layers.is_empty());
                    let dropped = before - self.history.undo_len();
                    if dropped > 0 {
                        line.push(' ');
                        line.push_str(&match lang {
                            Language::Vi => format!(
                                "{dropped} bước hoàn tác trên bản ghi vừa nhận thay đổi đã bỏ; các bước khác vẫn giữ."
                            ),
                            Language::En => format!(
                                "{dropped} undo steps on records the sync changed were dropped; the others are kept."
                            ),
                        });
                    }
                }
                if !r.open.is_empty() {
                    self.sync.open = true;
                }
                self.sync.last = Some(Ok(line));
            }
            Err(e) => {
                eprintln!("qn-planner: sync: {e}");
                self.sync.last = Some(Err(match lang {
                    Language::Vi => format!("Chưa đồng bộ được (vẫn làm việc bình thường): {e}"),
                    Language::En => format!("Not synced (work goes on as usual): {e}"),
                }));
            }
        }
        self.project_gen += 1;
    }

    /// Reads the project again after a sync that changed it, keeping what the sync did not
    /// touch: the selection (while its site exists), the open form, and the undo steps of
    /// other records (see [`crate::edit::History::retain_untouched`]).
    fn reread_after_sync(&mut self, touched: &[(String, String)], layers_arrived: bool) {
        let Some(read) = self.file.as_ref().map(|f| f.read_project()) else {
            return;
        };
        let p = match read {
            Ok(p) => p,
            Err(e) => {
                self.show_error(e.text(self.lang()));
                return;
            }
        };
        let keys: std::collections::HashSet<&str> =
            touched.iter().map(|(_, k)| k.as_str()).collect();
        let site_tables = |t: &str| {
            Layer::ALL
                .iter()
                .any(|l| l.table() == t || l.boundary_table() == Some(t))
        };
        let others = touched.iter().any(|(t, _)| !site_tables(t));
        let old = &self.project;
        let touched_site = |l: Layer, fid: i64| {
            old.site(l, fid)
                .is_none_or(|s| keys.contains(s.key.as_str()))
        };
        self.history.retain_untouched(&touched_site, others);
        if let Some((l, f)) = self.map.selected
            && p.site(l, f).is_none()
        {
            self.map.selected = None;
        }
        self.project = p;
        self.project_gen += 1;
        if layers_arrived && let Some(file) = &self.file {
            match crate::app::load_reference_layers(file, &self.tm3) {
                Ok(r) => self.map.refs = r,
                Err(e) => self.show_error(e),
            }
        }
    }

    /// Reads where the copy stands with the shared plan, once per project generation.
    pub(crate) fn refresh_sync_state(&mut self) {
        if self.sync.loaded_gen == Some(self.project_gen) {
            return;
        }
        self.sync.loaded_gen = Some(self.project_gen);
        let Some(file) = &self.file else {
            self.sync.status = SyncStatus::default();
            self.sync.conflicts.clear();
            return;
        };
        match (file.sync_status(), file.conflicts()) {
            (Ok(s), Ok(c)) => {
                if self.sync.url.is_empty()
                    && let Some(u) = &s.server_url
                {
                    self.sync.url = u.clone();
                }
                self.sync.status = s;
                self.sync.conflicts = c;
                self.sync.mine_edits.clear();
                // Read only for a record conflict's card (this runs after every edit).
                let record_conflict = self
                    .sync
                    .conflicts
                    .iter()
                    .any(|c| c.field == "*" && c.resolution.is_none());
                if record_conflict && let Ok(ops) = file.pending_operations() {
                    for o in ops
                        .into_iter()
                        .filter(|o| o.kind == crate::model::oplog::OpKind::Update)
                    {
                        let list = self.sync.mine_edits.entry(o.record_key).or_default();
                        list.retain(|(f, _)| *f != o.field);
                        list.push((o.field, o.after));
                    }
                }
                let sel = self.sync.selected;
                self.sync.select(sel.filter(|id| {
                    self.sync
                        .conflicts
                        .iter()
                        .any(|c| c.id == Some(*id) && c.resolution.is_none())
                }));
            }
            (Err(e), _) | (_, Err(e)) => eprintln!("qn-planner: sync state: {e}"),
        }
    }

    /// Records the planner's decision on a conflict (an edit of the file, synced next time).
    pub(crate) fn resolve_conflict(&mut self, id: i64, decision: Decision) {
        let Some(file) = self.file.as_mut() else {
            return;
        };
        file.set_author(&self.settings.author_name());
        match file.resolve_conflict(id, &decision) {
            Ok(()) => {
                if self.sync.selected == Some(id) {
                    self.sync.select(None);
                }
                self.reread_project();
            }
            Err(e) => self.show_error(e.text(self.lang())),
        }
    }
}
