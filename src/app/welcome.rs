//! The first-run guide (Help → "Hướng dẫn nhanh": the five things to try, shown once on a
//! first run, never again once closed) and the author's name (View → "Tên người lập…", and
//! asked once at the first edit when it was never set).

use super::command::Command;
use super::i18n::tr;
use crate::lang::Language;
use egui::{Key, RichText};

/// The five things to try, in both languages: what, and how.
const STEPS: [(&str, &str, &str, &str); 5] = [
    (
        "Bấm vào một địa điểm",
        "chọn một khu hay cụm trên bản đồ (hoặc tìm bằng Ctrl+F): bảng bên phải hiện thuộc tính, \
         đoạn văn nguồn và độ chính xác vị trí.",
        "Click a site",
        "pick a zone or cluster on the map (or find it with Ctrl+F): the right panel shows its \
         attributes, the source paragraph and how precise its position is.",
    ),
    (
        "Vẽ ranh giới",
        "chọn công cụ «Vẽ vùng», bấm từng đỉnh trên bản đồ, bấm đúp để kết thúc; diện tích và các \
         kiểm tra hiện ngay, Ctrl+Z để hoàn tác.",
        "Draw a boundary",
        "take the «Draw area» tool, click each corner on the map, double-click to finish; the \
         area and the checks show at once, Ctrl+Z undoes.",
    ),
    (
        "Mở một kịch bản",
        "nút «Kịch bản» trên thanh công cụ: các chỉ tiêu 2006–2015 tầm nhìn 2020, biểu đồ, và so \
         sánh hai kịch bản.",
        "Open a scenario",
        "the «Scenarios» button on the toolbar: the indicators for 2006–2015 with a view to \
         2020, the charts, two scenarios side by side.",
    ),
    (
        "Xuất bản đồ",
        "menu «Tệp», mục «Xuất bản đồ…»: PDF hay PNG khổ A4–A0 có tỷ lệ, chú giải, khung tên, để in hay \
         trình chiếu.",
        "Export a map",
        "the «File» menu, «Export map…»: a PDF or PNG from A4 to A0 with scale, legend and title block, to \
         print or to show.",
    ),
    (
        "Nhập một tệp của cơ quan",
        "menu «Tệp», mục «Nhập dữ liệu…»: Shapefile, MapInfo, DXF, GeoJSON, CSV, GeoPackage, cả tệp mã \
         TCVN3/VNI; hệ toạ độ VN-2000 được nhận ra.",
        "Import an office file",
        "the «File» menu, «Import data…»: Shapefile, MapInfo, DXF, GeoJSON, CSV, GeoPackage, TCVN3/VNI \
         encodings too; VN-2000 coordinates are recognised.",
    ),
];

/// The guide's window and the author's dialog, at the end of the frame.
pub(crate) fn welcome_ui(
    ctx: &egui::Context,
    lang: Language,
    guide: &mut bool,
    author: &mut Option<(String, u8)>,
) -> Vec<Command> {
    let mut out = Vec::new();
    if *guide {
        let mut open = true;
        let mut close = false;
        egui::Window::new(tr(lang, "Hướng dẫn nhanh", "Quick guide"))
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .default_width(460.0)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                ui.label(tr(
                    lang,
                    "Năm việc nên thử trước:",
                    "Five things to try first:",
                ));
                for (i, (vt, vd, et, ed)) in STEPS.iter().enumerate() {
                    let (t, d) = match lang {
                        Language::Vi => (vt, vd),
                        Language::En => (et, ed),
                    };
                    ui.add_space(4.0);
                    ui.label(RichText::new(format!("{}. {t}", i + 1)).strong());
                    ui.add(egui::Label::new(*d).wrap());
                }
                ui.add_space(6.0);
                ui.label(
                    RichText::new(tr(
                        lang,
                        "Mở lại bất cứ lúc nào: menu «Trợ giúp», «Hướng dẫn nhanh».",
                        "Open it again any time: the «Help» menu, «Quick guide».",
                    ))
                    .small()
                    .weak(),
                );
                if ui
                    .button(tr(lang, "Đã hiểu, đóng", "Got it, close"))
                    .clicked()
                {
                    close = true;
                }
            });
        // Escape closes it too.
        if !open || close || ctx.input(|i| i.key_pressed(Key::Escape)) {
            *guide = false;
            out.push(Command::GuideSeen);
        }
    }
    if let Some((text, focus)) = author.as_mut() {
        let mut done: Option<bool> = None;
        // A modal: the name is asked before anything else is done (the keyboard and the
        // clicks stay in it); Escape or a click beside it is "later".
        let shown = egui::Modal::new(egui::Id::unique("qn_author_dialog")).show(ctx, |ui| {
            ui.set_max_width(380.0);
            ui.label(RichText::new(tr(lang, "Tên người lập", "Your name")).strong());
            ui.add(
                egui::Label::new(tr(
                    lang,
                    "Tên này được ghi cùng mỗi thay đổi bạn làm (lịch sử, vị trí vẽ hay di \
                     chuyển, đồng bộ).",
                    "This name is recorded with every change you make (history, drawn or \
                     moved positions, sync).",
                ))
                .wrap(),
            );
            let login = crate::settings::Settings::default().author_name();
            let label = ui.label(tr(lang, "Người lập", "Author"));
            let r = ui
                .add(
                    egui::TextEdit::singleline(text)
                        .hint_text(login)
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
            // The field takes the keyboard when the dialog opens (asked until it has it: a
            // new window's first frame only measures itself).
            // (For a few frames: a new window's first frame only measures itself, and a Tab
            // that ended the edit before it may still move the focus on.)
            if *focus > 0 {
                *focus -= 1;
                ui.memory_mut(|m| m.move_focus(egui::FocusDirection::None));
                r.request_focus();
            }
            if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                done = Some(true);
            }
            ui.horizontal(|ui| {
                if ui.button(tr(lang, "Lưu", "Save")).clicked() {
                    done = Some(true);
                }
                if ui.button(tr(lang, "Để sau", "Later")).clicked() {
                    done = Some(false);
                }
            });
        });
        if done.is_none() && shown.should_close() {
            done = Some(false);
        }
        if done == Some(true) {
            out.push(Command::SetAuthor(crate::model::text::nfc(text.trim())));
        }
        if done.is_some() {
            *author = None;
        }
    }
    out
}
