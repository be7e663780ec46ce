//! Typed entries shared by the form, the table and the scenario and rule editors: the text a
//! planner types kept until it parses, and the refusal said beside the field in the window's
//! language.

use crate::lang::Language;
use egui::RichText;
use std::collections::HashMap;

/// A one-line text field over a buffer kept in `bufs` under `key` (so typing is not lost while
/// the value it edits is refused), with a stable id. Gaining focus starts a new merge key, so
/// the keystrokes of one visit to the field are one undo step. Returns the text when changed.
#[allow(clippy::too_many_arguments)]
pub(crate) fn buffered_text(
    ui: &mut egui::Ui,
    bufs: &mut HashMap<String, String>,
    id: (&str, &str),
    initial: impl FnOnce() -> String,
    width: f32,
    hint: &str,
    typing_key: &mut Option<u64>,
    next_merge_key: &mut u64,
    label: Option<egui::Id>,
) -> Option<String> {
    let buf = bufs.entry(id.1.to_string()).or_insert_with(initial);
    let mut r = ui.add(
        egui::TextEdit::singleline(buf)
            .id_salt(id)
            .desired_width(width)
            .hint_text(hint),
    );
    if let Some(l) = label {
        r = r.labelled_by(l);
    }
    if r.gained_focus() {
        *next_merge_key += 1;
        *typing_key = Some(*next_merge_key);
    }
    r.changed().then(|| buf.clone())
}

/// Remembers the outcome of parsing the text typed in field `key`: a refusal is kept (its text
/// stays in the field and its reason beside it), an accepted value clears it. `None`: the text
/// did not change. Returns the accepted value.
pub(crate) fn note_refusal<T>(
    refused: &mut HashMap<String, crate::model::validate::Refusal>,
    key: &str,
    parsed: Option<Result<T, crate::model::validate::Refusal>>,
) -> Option<T> {
    match parsed? {
        Err(e) => {
            refused.insert(key.to_string(), e);
            None
        }
        Ok(v) => {
            refused.remove(key);
            Some(v)
        }
    }
}

/// The reason beside a field whose typed text was refused, in the UI language.
pub(crate) fn refusal_label(
    ui: &mut egui::Ui,
    lang: Language,
    refusal: Option<&crate::model::validate::Refusal>,
) {
    if let Some(r) = refusal {
        ui.label(
            RichText::new(format!("! {}", r.text(lang)))
                .color(egui::Color32::from_rgb(0xc0, 0x10, 0x10)),
        );
    }
}
