//! The command line: one file per command (or group), each holding its clap arguments beside
//! its handler, as cargo's `commands/` do. `main.rs` only dispatches. Shared here: the output
//! that survives a closed pipe, the notes on stderr, the parsers of common values.

use qn_planner::io::crs::Crs;
use qn_planner::store::ProjectFile;
use std::path::Path;

/// Exit status of a sync (or `conflicts`) that left conflicts open.
pub const EXIT_CONFLICTS: u8 = 3;

/// Writes a line of a command's output. A reader that closed the pipe (`report | head`) ends
/// the command quietly with success: it has all it wanted.
pub fn emit(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(text).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("qn-planner: standard output: {e}");
        std::process::exit(1);
    }
}

/// `println!` through [`emit`].
macro_rules! out {
    () => { $crate::cli::emit(format_args!("\n")) };
    ($($t:tt)*) => { $crate::cli::emit(format_args!("{}\n", format_args!($($t)*))) };
}

/// `print!` through [`emit`].
macro_rules! out_raw {
    ($($t:tt)*) => { $crate::cli::emit(format_args!($($t)*)) };
}

pub mod atlas;
pub mod export;
pub mod export_layer;
pub mod field;
pub mod import;
pub mod info;
pub mod init;
pub mod pack;
pub mod report;
pub mod server;
pub mod style;
pub mod sync;

pub fn parse_crs(s: &str) -> Result<Crs, String> {
    Crs::parse(s).ok_or_else(|| {
        format!(
            "unknown coordinate system {s:?}; use one of {}",
            Crs::ALL
                .iter()
                .filter_map(|c| c.epsg())
                .map(|c| format!("EPSG:{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// Says on stderr which values of the project qn-planner does not know (read as they are).
pub fn note_unread(project: &qn_planner::model::Project) {
    for n in project.unread_notes() {
        eprintln!("qn-planner: note: {n}");
    }
}

/// Says on stderr which stored styles cannot be read (their layers are drawn in the default
/// look; the command goes on).
pub fn note_style_problems(pf: &ProjectFile) {
    if let Ok(problems) = pf.style_problems() {
        for (table, e) in problems {
            eprintln!(
                "qn-planner: note: the style of {table} cannot be read ({e}); drawn in its default look"
            );
        }
    }
}

/// Today's date (YYYY-MM-DD, UTC) for title blocks and reports.
pub fn today() -> String {
    qn_planner::scenario::now_utc_iso()
        .chars()
        .take(10)
        .collect()
}

/// Opens `file` for a command that merges into it (sync, resolve, a bundle): refused while a
/// qn-planner window has it open, whose project in memory would not know what came in.
pub fn open_for_merge(file: &Path) -> Result<ProjectFile, String> {
    let o = ProjectFile::open_session(file, None).map_err(|e| e.to_string())?;
    if o.notice.is_some() {
        return Err(format!(
            "{}: open in a qn-planner window; sync from that window (the status bar's Sync), or close it first (nothing was done)",
            file.display()
        ));
    }
    Ok(o.file)
}
