//! The domain never draws: only `src/app/` may use egui, eframe or rfd.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn domain_code_does_not_use_the_ui_crates() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = 0;
    for f in files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("app/") {
            continue;
        }
        checked += 1;
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for krate in ["egui", "eframe", "egui_plot", "egui_extras", "rfd"] {
                let used =
                    code.contains(&format!("{krate}::")) && !code.contains(&format!("_{krate}::"));
                assert!(
                    !used,
                    "src/{rel}:{}: domain code uses {krate}: {line}",
                    n + 1
                );
            }
        }
    }
    assert!(checked >= 8, "only {checked} domain files found");
}

/// Panels ask, one place applies: in `src/app/` only the command path (`command.rs`, and the
/// history helpers of `mod.rs` it calls) applies edits or writes the project file. The import
/// worker may write rows aside (outside the project) that an edit then brings in.
#[test]
fn only_the_command_path_changes_the_file_or_the_history() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut files = Vec::new();
    rust_files(&app, &mut files);
    let writes = [
        ".apply(",
        "history.undo(",
        "history.redo(",
        "history.record(",
        "put_site",
        "put_sites",
        "put_scenario",
        "put_actuals",
        "put_rules",
        "put_figure",
        "set_reference(",
        "restore_backup(&",
        "bring_back_reference_layer",
        "set_aside_reference_layer",
        "import_reference_layer",
        "&mut self.project",
    ];
    let mut found = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(&app)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "mod.rs" || rel == "command.rs" {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for w in writes {
                if code.contains(w) {
                    found.push(format!("src/app/{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(files.len() >= 20, "only {} app files found", files.len());
    assert!(
        found.is_empty(),
        "writes outside the command path:\n{}",
        found.join("\n")
    );
}

/// Panels are functions of what they show (or contexts over borrowed parts of the app), not
/// methods of the app: outside `mod.rs`, no function of an `impl QnApp` block takes an
/// `egui::Ui` or an `egui::Context` — what is left there are the actions that commands run
/// and read-only accessors.
#[test]
fn no_panel_is_a_method_of_the_app() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut files = Vec::new();
    rust_files(&app, &mut files);
    let mut found = Vec::new();
    let mut impls = 0;
    for f in &files {
        let rel = f
            .strip_prefix(&app)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "mod.rs" {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut in_app = false;
        for (n, line) in lines.iter().enumerate() {
            if line.starts_with("impl QnApp") {
                in_app = true;
                impls += 1;
            } else if in_app && line.starts_with('}') {
                in_app = false;
            } else if in_app && line.trim_start().contains("fn ") {
                // The signature runs to the line that opens the body.
                let sig: String = lines[n..]
                    .iter()
                    .take_while(|l| !l.contains('{'))
                    .chain(lines[n..].iter().find(|l| l.contains('{')))
                    .copied()
                    .collect();
                if sig.contains("egui::Ui") || sig.contains("egui::Context") {
                    found.push(format!("src/app/{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        impls >= 5,
        "only {impls} impl QnApp blocks found: is the scan broken?"
    );
    assert!(
        found.is_empty(),
        "panels drawn as methods of QnApp:\n{}",
        found.join("\n")
    );
}

/// Layers point downward: `model` (plain data) uses no other module of the crate but
/// `settings`; `store` (the GeoPackage) uses `model` only; `io` and `scenario` do not use the
/// edit history, analysis, export or the UI; `server` (PostGIS) not analysis, export or the UI;
/// `sync` (the merge and change bundles) only `model` and `store`.
#[test]
fn modules_use_only_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rules: [(&str, &[&str]); 7] = [
        (
            "model",
            &[
                "io", "store", "scenario", "analysis", "export", "edit", "app", "sync", "server",
            ],
        ),
        (
            "store",
            &[
                "io", "scenario", "analysis", "export", "edit", "app", "sync", "server",
            ],
        ),
        ("io", &["scenario", "analysis", "export", "edit", "app"]),
        (
            "scenario",
            &["io", "store", "analysis", "export", "edit", "app"],
        ),
        ("server", &["analysis", "export", "app"]),
        (
            "sync",
            &[
                "io", "scenario", "analysis", "export", "edit", "app", "server",
            ],
        ),
        (
            "locate",
            &[
                "scenario", "analysis", "export", "edit", "app", "server", "sync",
            ],
        ),
    ];
    let mut found = Vec::new();
    for (module, forbidden) in rules {
        let mut files = Vec::new();
        rust_files(&src.join(module), &mut files);
        assert!(!files.is_empty(), "src/{module}");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for m in forbidden {
                    if code.contains(&format!("crate::{m}::"))
                        || code.contains(&format!("crate::{m}}}"))
                        || code.contains(&format!("crate::{m};"))
                    {
                        found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "upward uses:\n{}", found.join("\n"));
}

/// A file this process holds through SQLite is never opened by anything else in it: closing
/// any descriptor of the file cancels SQLite's POSIX locks on it (issue 24 §1). Files are read
/// through `fsutil::open_input`/`read_input`, which refuse a held project, and written whole
/// through `fsutil`; only `fsutil` itself and the session's lock file open files directly.
#[test]
fn files_are_opened_only_through_fsutil() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let opens = [
        "File::open(",
        "fs::read(",
        "fs::read_to_string(",
        "OpenOptions::new()",
        ".from_path(",
        "fs::copy(",
    ];
    let mut checked = 0;
    for f in files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "fsutil.rs" || rel.starts_with("bin/") {
            continue;
        }
        checked += 1;
        let text = std::fs::read_to_string(&f).unwrap();
        // Unit tests at the end of a file may read what they wrote.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let line = line.split("//").next().unwrap_or("");
            for o in opens {
                let allowed = (rel == "store/session.rs" && o == "OpenOptions::new()")
                    || (o == ".from_path(" && line.contains("Format::from_path("));
                // `ProjectFile::open(` is SQLite's open, not a plain one.
                let plain = line
                    .match_indices(o)
                    .any(|(i, _)| !line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
                assert!(
                    !plain || allowed,
                    "src/{rel}:{}: opens a file directly ({o}); use crate::fsutil::open_input/read_input",
                    n + 1
                );
            }
        }
    }
    assert!(checked > 50, "only {checked} files checked");
}

/// No Rust file of the crate (sources, tests, benchmarks) is over 1,000 lines: a longer one
/// holds more than one idea. `main.rs` only dispatches to `src/cli/`.
#[test]
fn no_file_is_over_a_thousand_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for d in ["src", "tests", "benches"] {
        rust_files(&root.join(d), &mut files);
    }
    assert!(files.len() > 100, "only {} files found", files.len());
    let mut over = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let lines = std::fs::read_to_string(f).unwrap().lines().count();
        let allowed = 1000;
        if lines > allowed {
            over.push(format!("{rel}: {lines} lines (at most {allowed})"));
        }
    }
    assert!(over.is_empty(), "files too long: {over:#?}");
    let main = std::fs::read_to_string(root.join("src/main.rs")).unwrap();
    assert!(
        main.lines().count() <= 150,
        "src/main.rs is the dispatch; commands live in src/cli/"
    );
}

/// `model` is plain data: of the crate it uses `lang` alone, so it depends on nothing that
/// touches a disk, a database or a window.
#[test]
fn model_uses_nothing_but_lang() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join("model"), &mut files);
    assert!(files.len() >= 10, "src/model");
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let mut rest = code;
            while let Some(i) = rest.find("crate::") {
                let after = &rest[i + "crate::".len()..];
                let module: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if module != "model" && module != "lang" {
                    found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
                rest = after;
            }
        }
    }
    assert!(found.is_empty(), "model uses:\n{}", found.join("\n"));
}

/// The files of these folders use each other without a cycle (a file that needs another's
/// helper and is needed by it is one idea in two files, or a helper in the wrong one). A
/// folder's `mod.rs`, its front door, is left aside: its children use what it declares.
const ACYCLIC_FOLDERS: &[&str] = &[
    "analysis",
    "cli",
    "export",
    "io",
    "locate",
    "model",
    "scenario",
    "server",
    "store",
    "sync",
    "app",
    "app/map",
    "app/panels",
];

/// Which files of `folder` each file of it uses: `super::NAME`, `crate::FOLDER::NAME` (and,
/// in `mod.rs`, its child modules named in paths), comments left out.
fn uses_within(folder: &Path, prefix: &str) -> Vec<(String, Vec<String>)> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            let n = p.file_stem()?.to_string_lossy().into_owned();
            (p.extension().is_some_and(|x| x == "rs") || p.is_dir()).then_some(n)
        })
        .collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for n in &names {
        // A file, or a sub-folder taken whole (every file in it speaks for it).
        let mut sources = Vec::new();
        if folder.join(format!("{n}.rs")).exists() {
            sources.push(folder.join(format!("{n}.rs")));
        } else if folder.join(n).is_dir() {
            rust_files(&folder.join(n), &mut sources);
        }
        let text: String = sources
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .collect::<Vec<_>>()
            .join("\n");
        let mut used = Vec::new();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            for m in &names {
                if m == n || m == "mod" {
                    continue;
                }
                let direct = [
                    format!("super::{m}::"),
                    format!("super::{m};"),
                    format!("super::{m}}}"),
                    format!("super::{m},"),
                    format!("crate::{prefix}::{m}::"),
                    format!("crate::{prefix}::{m};"),
                ];
                if direct.iter().any(|d| code.contains(d.as_str())) && !used.contains(m) {
                    used.push(m.clone());
                }
                // `use super::{a, b::C}`, `use crate::FOLDER::{a, b::C}`
                let lists = ["super::{".to_string(), format!("crate::{prefix}::{{")];
                for open in &lists {
                    let Some(i) = code.find(open.as_str()) else {
                        continue;
                    };
                    let list = &code[i + open.len()..];
                    let hit = list
                        .split([',', '{', '}', ' '])
                        .any(|w| w == m.as_str() || w.starts_with(&format!("{m}::")));
                    if hit && !used.contains(m) {
                        used.push(m.clone());
                    }
                }
            }
        }
        out.push((n.clone(), used));
    }
    out
}

#[test]
fn no_cycles_between_the_files_of_a_folder() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut cycles = Vec::new();
    for folder in ACYCLIC_FOLDERS {
        let graph = uses_within(&src.join(folder), &folder.replace('/', "::"));
        assert!(!graph.is_empty(), "src/{folder}");
        // Depth-first search for a path back to the start, from every file.
        for (start, _) in &graph {
            let mut stack = vec![(start.clone(), vec![start.clone()])];
            let mut seen = std::collections::HashSet::new();
            while let Some((at, path)) = stack.pop() {
                let Some((_, next)) = graph.iter().find(|(n, _)| *n == at) else {
                    continue;
                };
                for m in next {
                    if m == start {
                        let mut c = path.clone();
                        c.push(m.clone());
                        cycles.push(format!("src/{folder}: {}", c.join(" → ")));
                    } else if seen.insert(m.clone()) {
                        let mut p = path.clone();
                        p.push(m.clone());
                        stack.push((m.clone(), p));
                    }
                }
            }
        }
    }
    cycles.sort();
    cycles.dedup();
    assert!(cycles.is_empty(), "cycles:\n{}", cycles.join("\n"));
}
