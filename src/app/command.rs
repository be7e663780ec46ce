//! What a panel asks of the app. Panels in this shape are functions of what they show and
//! their own small state, `fn x_ui(ui, &Project, &View, &mut XState) -> Vec<Command>`; they
//! never write to the file or change the project. [`QnApp::run_commands`] is the one place
//! that applies what they ask, at the end of the frame: an edit goes through the history (one
//! transaction in the GeoPackage, then the project in memory), so it is in the file before the
//! next frame starts.

use super::QnApp;
use crate::edit::Edit;
use crate::settings::Language;

/// A request from a panel.
#[derive(Debug)]
pub enum Command {
    /// Apply `edit` through the history. Steps sharing `merge` (the keystrokes of one visit
    /// to a field, one drag) fold into one undo step.
    Edit {
        edit: Edit,
        merge: Option<u64>,
    },
    Undo,
    Redo,
}

/// What every panel may read besides the project: the UI language, whether the file takes
/// edits, and the project's generation (bumped by every applied change, so a panel knows when
/// to reload the texts of its fields).
#[derive(Debug, Clone, Copy)]
pub struct View {
    pub lang: Language,
    pub read_only: bool,
    pub generation: u64,
}

impl QnApp {
    pub(crate) fn view_state(&self) -> View {
        View {
            lang: self.lang(),
            read_only: self.file.as_ref().is_none_or(|f| f.is_read_only()),
            generation: self.project_gen,
        }
    }

    /// Applies the commands of one frame, in order. A refused edit says why (status bar or
    /// error window) and the later commands still run.
    pub(crate) fn run_commands(&mut self, commands: Vec<Command>) {
        for c in commands {
            match c {
                Command::Edit { edit, merge } => {
                    self.apply_edit(edit, merge);
                }
                Command::Undo => self.undo(),
                Command::Redo => self.redo(),
            }
        }
    }
}
